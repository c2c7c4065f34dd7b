using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// POST /api/images when something other than the file goes wrong (the database, the disk), names too long for the
/// database, a stored original gone missing, and the turns for decoding.
/// </summary>
public sealed class UploadFailureTests : IDisposable
{
    private ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    private string UploadsDir => Path.Combine(_factory.Root, "data", "uploads");

    private string ThumbnailsDir => Path.Combine(_factory.Root, "data", "thumbnails");

    /// <summary>Fails the save of the image row named <see cref="Name"/>, as a full disk or a lost database connection would.</summary>
    private sealed class FailingSave : SaveChangesInterceptor
    {
        public const string Name = "broken.png";

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (eventData.Context!.ChangeTracker.Entries<UploadedImage>().Any(e => e.State == EntityState.Added && e.Entity.FileName == Name))
                throw new IOException("No space left on device : '/srv/clipsurgery/data/app.db'");
            return base.SavingChangesAsync(eventData, result, cancellationToken);
        }
    }

    [Fact]
    public async Task A_file_whose_save_fails_on_the_server_is_refused_by_name_and_the_others_are_saved_and_returned()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
        var root = Directory.CreateTempSubdirectory("csw-web-").FullName;
        _factory = new ClipSurgeryAppFactory(root, new ClipSurgeryWeb.Tests.Fakes.FakeClipEngine(), ClipSurgeryAppFactory.CreateFakeModels(root))
        {
            TestServices = services => services.ConfigureDbContext<ClipSurgeryDb>(o => o.AddInterceptors(new FailingSave())),
        };
        using var client = await AppClient.LoginAsync(_factory);

        var (status, saved, refused) = await UploadAnswer.Read(await client.UploadManyAsync(
            // Different pictures: identical bytes would be stored once (the second would be the first's row, never saved).
            ("first.png", CraftedImages.Png()), (FailingSave.Name, CraftedImages.Png(CraftedImages.Marked(20, 10))), ("last.jpg", CraftedImages.Jpeg())));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["first.png", "last.jpg"], saved.Select(s => s.GetProperty("fileName").GetString()));
        var (subject, reason) = Assert.Single(refused);
        Assert.Equal(FailingSave.Name, subject);
        Assert.Equal(ImageIntake.FailedReason, reason);
        Assert.DoesNotContain("/srv", reason);
        // Nothing of the failed file stays: only the two saved originals and their thumbnails.
        var ids = saved.Select(s => s.GetProperty("id").GetGuid().ToString("N")).Order().ToList();
        Assert.Equal(ids, Directory.EnumerateFiles(UploadsDir).Select(Path.GetFileNameWithoutExtension).Order());
        Assert.Equal(ids, Directory.EnumerateFiles(ThumbnailsDir).Select(f => Path.GetFileName(f).Split('_')[0]).Order());
        await using var scope = _factory.Services.CreateAsyncScope();
        Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Images.CountAsync());
    }

    [Fact]
    public async Task A_file_name_too_long_for_the_database_is_cut_keeping_its_extension_with_a_hash_of_the_whole_name()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var first = new string('a', 300) + "1.png";
        var second = new string('a', 300) + "2.png";

        var (status, saved, refused) = await UploadAnswer.Read(await client.UploadManyAsync((first, CraftedImages.Png()), (second, CraftedImages.Png(CraftedImages.Marked(20, 10)))));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(refused);
        var names = saved.Select(s => s.GetProperty("fileName").GetString()!).ToList();
        Assert.All(names, n => Assert.Equal(ImageIntake.MaxNameLength, n.Length));
        Assert.All(names, n => Assert.EndsWith(".png", n));
        Assert.All(names, n => Assert.StartsWith(new string('a', 150), n));
        Assert.NotEqual(names[0], names[1]);
        Assert.Equal(ImageIntake.MemberFileName(first), names[0]);
    }

    [Fact]
    public void A_long_name_is_never_cut_inside_a_character()
    {
        var name = ImageIntake.MemberFileName(string.Concat(Enumerable.Repeat("😀", 150)) + ".png");

        Assert.Equal(ImageIntake.MaxNameLength - 1, name.Length);
        Assert.True(char.IsLowSurrogate(name[name.IndexOf('~') - 1]));
    }

    [Fact]
    public async Task An_image_whose_stored_original_is_missing_is_answered_404()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var id = await client.UploadImageAsync();
        foreach (var file in Directory.EnumerateFiles(UploadsDir, $"{id:N}.*"))
            File.Delete(file);

        var response = await client.Http.GetAsync($"/api/images/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_upload_waits_for_a_decoding_turn_and_goes_on_when_one_is_free()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
        _factory = ClipSurgeryAppFactory.Fresh(settings: new Dictionary<string, string?> { ["ClipSurgery:MaxConcurrentDecodes"] = "1" });
        using var client = await AppClient.LoginAsync(_factory);
        var turns = _factory.Services.GetRequiredService<Thumbnails>().Decodes;
        Assert.Equal(1, turns.CurrentCount);
        await turns.WaitAsync(); // the only turn, held by the test

        var upload = client.UploadAsync("cat.png", CraftedImages.Png());
        // The upload has streamed its file (the ".part") and can go no further without the turn.
        using (var safety = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (!Directory.EnumerateFiles(UploadsDir, "*.part").Any())
                await Task.Delay(20, safety.Token);
        }
        Assert.False(upload.IsCompleted);
        Assert.Empty(Directory.EnumerateFiles(ThumbnailsDir));

        turns.Release();
        var response = await upload.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, turns.CurrentCount);
    }
}
