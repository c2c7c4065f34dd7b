using ClipSurgeryWeb.Data.Tests.Support;
using ClipSurgeryWeb.Data.Visibility;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Data.Tests;

/// <summary>
/// The one visibility rule, as SQL and in memory: for every kind of viewer the runs a query returns are exactly the
/// runs the in-memory check allows, and those are the expected ones (own and shared for members, all for admins).
/// </summary>
public sealed class RunVisibilityTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task The_query_filter_and_the_in_memory_check_agree_and_hide_private_runs_from_other_members()
    {
        await using var db = await DatabaseAsync();
        var runs = new[]
        {
            Run("alice", shared: true), Run("alice", shared: false), Run("bob", shared: true), Run("bob", shared: false),
        };
        db.Runs.AddRange(runs);
        await db.SaveChangesAsync();

        var expected = new Dictionary<(string User, bool Admin), JobRun[]>
        {
            [("alice", false)] = [runs[0], runs[1], runs[2]],
            [("bob", false)] = [runs[0], runs[2], runs[3]],
            [("carol", false)] = [runs[0], runs[2]],
            [("carol", true)] = runs,
        };
        foreach (var ((user, admin), visible) in expected)
        {
            var queried = await db.Runs.Where(RunVisibility.For(user, admin)).Select(r => r.Id).OrderBy(id => id).ToListAsync();
            var checkedInMemory = runs.Where(r => RunVisibility.Allows(r, user, admin)).Select(r => r.Id).Order().ToList();
            Assert.Equal(visible.Select(r => r.Id).Order(), queried);
            Assert.Equal(queried, checkedInMemory);
        }
    }

    [Fact]
    public async Task An_image_is_visible_to_its_owner_admins_and_whoever_may_see_a_run_it_is_in()
    {
        await using var db = await DatabaseAsync();
        var inPrivate = Image("alice");
        var inShared = Image("alice");
        var loose = Image("alice");
        db.Images.AddRange(inPrivate, inShared, loose);
        var privateRun = Run("alice", shared: false);
        privateRun.Images.Add(new JobImage { Id = Guid.NewGuid(), ImageId = inPrivate.Id });
        var sharedRun = Run("alice", shared: true);
        sharedRun.Images.Add(new JobImage { Id = Guid.NewGuid(), ImageId = inShared.Id });
        db.Runs.AddRange(privateRun, sharedRun);
        await db.SaveChangesAsync();

        foreach (var image in new[] { inPrivate, inShared, loose })
        {
            Assert.True(RunVisibility.AllowsImage(db, image.Id, "alice", isAdmin: false));
            Assert.True(RunVisibility.AllowsImage(db, image.Id, "carol", isAdmin: true));
        }
        Assert.False(RunVisibility.AllowsImage(db, inPrivate.Id, "bob", isAdmin: false));
        Assert.False(RunVisibility.AllowsImage(db, loose.Id, "bob", isAdmin: false));
        Assert.True(RunVisibility.AllowsImage(db, inShared.Id, "bob", isAdmin: false));
    }

    [Fact]
    public void Only_the_owner_and_admins_may_change_a_run_even_a_shared_one()
    {
        var run = Run("alice", shared: true);
        Assert.True(RunVisibility.AllowsChange(run, "alice", isAdmin: false));
        Assert.True(RunVisibility.AllowsChange(run, "carol", isAdmin: true));
        Assert.False(RunVisibility.AllowsChange(run, "bob", isAdmin: false));
        Assert.True(RunVisibility.Allows(run, "bob", isAdmin: false));
    }

    private async Task<ClipSurgeryDb> DatabaseAsync()
    {
        var connection = $"Data Source={folder.File("app.db")}";
        await StartUp.RunAsync(DatabaseProvider.Sqlite, connection);
        return DataServices.Create(DatabaseProvider.Sqlite, connection);
    }

    private static JobRun Run(string owner, bool shared) => new()
    {
        Id = Guid.NewGuid(), Kind = JobRunKind.Explain, Status = JobRunStatus.Succeeded, OwnerId = owner, OwnerName = owner,
        Shared = shared, CreatedAt = DateTime.UtcNow,
    };

    private static UploadedImage Image(string owner) => new()
    {
        Id = Guid.NewGuid(), OwnerId = owner, OwnerName = owner, FileName = "cat.png", Extension = ".png", ContentType = "image/png",
        CreatedAt = DateTime.UtcNow,
    };
}
