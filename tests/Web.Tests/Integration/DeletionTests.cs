using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Endpoints;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// DELETE /api/runs/{id} and DELETE /api/uploads/{id}: the owner or an admin deletes rows and files; another member is
/// refused with the reason (or told "not found" for what they may not see); an unfinished run and an upload runs use are
/// refused with what to do first; the word records no longer show a deleted run's words.
/// </summary>
public sealed class DeletionTests : IDisposable
{
    private const string OtherEmail = "member@example.com";
    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    private string Data => Path.Combine(_factory.Root, "data");

    private async Task<T> WithDb<T>(Func<ClipSurgeryDb, Task<T>> query)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>());
    }

    private static async Task<Guid> FinishedRunAsync(AppClient client, Guid image, string kind = "explain", bool shared = true)
    {
        object body = kind == "explain"
            ? new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "cat", "sofa" }, shared }
            : new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 20, shared };
        var run = await client.StartAsync(kind, body);
        var finished = await client.WaitForFinishAsync(run);
        Assert.Equal("Succeeded", finished.Status);
        return run;
    }

    private static async Task<Problem> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Problem>(AppClient.Json))!;
    }

    [Fact]
    public async Task The_owner_deletes_a_finished_run_its_rows_and_its_result_folder_and_keeps_the_upload()
    {
        using var owner = await AppClient.LoginAsync(_factory);
        var image = await owner.UploadImageAsync("street.png");
        var run = await FinishedRunAsync(owner, image);
        var folder = Path.Combine(Data, "results", run.ToString("N"));
        Assert.NotEmpty(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories));
        Assert.True(await WithDb(db => db.Files.AnyAsync(f => f.RunId == run)));

        var response = await owner.Http.DeleteAsync($"/api/runs/{run}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(Directory.Exists(folder));
        Assert.Null(await owner.GetRunAsync(run));
        Assert.False(await WithDb(db => db.Runs.AnyAsync(r => r.Id == run)));
        Assert.False(await WithDb(db => db.RunImages.AnyAsync(i => i.RunId == run)));
        Assert.False(await WithDb(db => db.Files.AnyAsync(f => f.RunId == run)));
        // The upload stays, with its original.
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/api/images/{image}")).StatusCode);
        // Deleted once: a second time it is not found.
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.DeleteAsync($"/api/runs/{run}")).StatusCode);
    }

    [Fact]
    public async Task Another_member_is_refused_a_shared_run_with_the_reason_and_told_not_found_for_a_private_one_an_admin_deletes_both()
    {
        await _factory.CreateMemberAsync(OtherEmail);
        using var member = await AppClient.LoginAsync(_factory, OtherEmail, ClipSurgeryAppFactory.MemberPassword);
        using var admin = await AppClient.LoginAsync(_factory);
        var image = await member.UploadImageAsync("mine.png");
        var shared = await FinishedRunAsync(member, image);
        var hidden = await FinishedRunAsync(member, image, shared: false);
        var adminImage = await admin.UploadImageAsync("admins.png");
        var adminsRun = await FinishedRunAsync(admin, adminImage);

        // The member sees the admin's shared run but may not delete it; the run stays.
        var refused = await ProblemOf(await member.Http.DeleteAsync($"/api/runs/{adminsRun}"));
        Assert.Equal(new Problem($"run {adminsRun}", "only its owner or an admin may delete it"), refused);
        Assert.NotNull(await admin.GetRunAsync(adminsRun));

        // An admin deletes a member's runs, the private one included.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/runs/{hidden}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/runs/{shared}")).StatusCode);
        Assert.Null(await member.GetRunAsync(shared));
        Assert.False(Directory.Exists(Path.Combine(Data, "results", shared.ToString("N"))));
    }

    [Fact]
    public async Task A_private_run_of_another_member_is_not_found_for_a_member()
    {
        await _factory.CreateMemberAsync(OtherEmail);
        using var member = await AppClient.LoginAsync(_factory, OtherEmail, ClipSurgeryAppFactory.MemberPassword);
        using var admin = await AppClient.LoginAsync(_factory);
        var image = await admin.UploadImageAsync("private.png");
        var run = await FinishedRunAsync(admin, image, shared: false);

        var response = await member.Http.DeleteAsync($"/api/runs/{run}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotNull(await admin.GetRunAsync(run));
    }

    [Theory]
    [InlineData(JobRunStatus.Running)]
    [InlineData(JobRunStatus.Queued)]
    public async Task An_unfinished_run_is_refused_with_cancel_it_first_and_nothing_is_removed(JobRunStatus status)
    {
        using var owner = await AppClient.LoginAsync(_factory);
        var image = await owner.UploadImageAsync("busy.png");
        var run = await FinishedRunAsync(owner, image);
        // As if it were still at work (a retry put it back in the queue, or a worker has it).
        await WithDb(db => db.Runs.Where(r => r.Id == run).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, status)));

        var problem = await ProblemOf(await owner.Http.DeleteAsync($"/api/runs/{run}"));

        Assert.Equal(new Problem($"run {run}", $"it is still {status.ToString().ToLowerInvariant()}; cancel it first"), problem);
        Assert.NotNull(await owner.GetRunAsync(run));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(Data, "results", run.ToString("N")), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Deleting_the_run_that_set_a_record_hands_it_to_the_next_finding_and_deleting_the_last_removes_it_with_a_live_update()
    {
        using var owner = await AppClient.LoginAsync(_factory);
        await using var hub = owner.Hub();
        var received = await AppClient.CollectAsync(hub);
        var first = await FinishedRunAsync(owner, await owner.UploadImageAsync("first.png"), kind: "opinions");
        var second = await FinishedRunAsync(owner, await owner.UploadImageAsync("second.png"), kind: "opinions");
        const string word = "incomprehensibilities";
        Assert.Equal(first, (await RecordOf(owner, word))?.GetProperty("runId").GetGuid());

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/runs/{first}")).StatusCode);

        await received.WaitForAsync("the records' update", e => e.Kind == JobEventKind.RecordsChanged && e.RunId == first);
        Assert.Equal(second, (await RecordOf(owner, word))?.GetProperty("runId").GetGuid());
        Assert.False(await WithDb(db => db.Words.AnyAsync(w => w.RunId == first)));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/runs/{second}")).StatusCode);
        Assert.Null(await RecordOf(owner, word));
        Assert.Equal(0, await WithDb(db => db.Words.CountAsync()));
        Assert.Equal(0, await WithDb(db => db.Tokens.CountAsync()));
    }

    private static async Task<JsonElement?> RecordOf(AppClient client, string word)
    {
        var records = await client.Http.GetFromJsonAsync<JsonElement>("/api/records", AppClient.Json);
        foreach (var record in records.EnumerateArray())
        {
            if (record.GetProperty("word").GetString() == word)
                return record;
        }
        return null;
    }

    [Fact]
    public async Task An_upload_used_by_runs_is_refused_naming_how_many_and_once_they_are_deleted_its_file_and_thumbnail_go()
    {
        using var owner = await AppClient.LoginAsync(_factory);
        var image = await owner.UploadImageAsync("used.png");
        var runs = new[] { await FinishedRunAsync(owner, image), await FinishedRunAsync(owner, image) };
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/api/images/{image}/thumbnail")).StatusCode);

        var problem = await ProblemOf(await owner.Http.DeleteAsync($"/api/uploads/{image}"));
        Assert.Equal(new Problem("upload 'used.png'", "used by 2 runs; delete them first"), problem);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/runs/{runs[0]}")).StatusCode);
        Assert.Equal("used by 1 run; delete it first", (await ProblemOf(await owner.Http.DeleteAsync($"/api/uploads/{image}"))).Reason);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/runs/{runs[1]}")).StatusCode);

        var response = await owner.Http.DeleteAsync($"/api/uploads/{image}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Data, "uploads"), $"{image:N}*"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Data, "thumbnails"), $"{image:N}*"));
        Assert.False(await WithDb(db => db.Images.AnyAsync(i => i.Id == image)));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"/api/images/{image}")).StatusCode);
    }

    [Fact]
    public async Task Another_members_upload_is_refused_when_visible_and_not_found_when_not()
    {
        await _factory.CreateMemberAsync(OtherEmail);
        using var member = await AppClient.LoginAsync(_factory, OtherEmail, ClipSurgeryAppFactory.MemberPassword);
        using var admin = await AppClient.LoginAsync(_factory);
        var unseen = await admin.UploadImageAsync("unseen.png");
        var shown = await admin.UploadImageAsync("shown.png");
        await FinishedRunAsync(admin, shown);

        Assert.Equal(HttpStatusCode.NotFound, (await member.Http.DeleteAsync($"/api/uploads/{unseen}")).StatusCode);
        var problem = await ProblemOf(await member.Http.DeleteAsync($"/api/uploads/{shown}"));
        Assert.Equal(new Problem("upload 'shown.png'", "only its owner or an admin may delete it"), problem);
        Assert.True(await WithDb(db => db.Images.AnyAsync(i => i.Id == unseen)));

        // An admin may delete a member's unused upload.
        var mine = await member.UploadImageAsync("members.png");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/uploads/{mine}")).StatusCode);
    }

    [Fact]
    public async Task A_delete_without_the_antiforgery_token_is_refused_and_deletes_nothing()
    {
        using var owner = await AppClient.LoginAsync(_factory);
        var image = await owner.UploadImageAsync("kept.png");
        var run = await FinishedRunAsync(owner, image);
        owner.SendsAntiforgeryToken = false;

        var runProblem = await ProblemOf(await owner.Http.DeleteAsync($"/api/runs/{run}"));
        var uploadProblem = await ProblemOf(await owner.Http.DeleteAsync($"/api/uploads/{image}"));

        Assert.Equal(RequestRefusals.AntiforgerySubject, runProblem.Subject);
        Assert.Equal(RequestRefusals.AntiforgerySubject, uploadProblem.Subject);
        Assert.NotNull(await owner.GetRunAsync(run));
    }

    [Fact]
    public void The_in_use_reason_counts_runs()
    {
        Assert.Equal("used by 1 run; delete it first", Deletions.UsedBy(1));
        Assert.Equal("used by 3 runs; delete them first", Deletions.UsedBy(3));
    }
}
