using System.Net;
using System.Net.Http.Json;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Web.Live;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// The one visibility rule (src/Data/Visibility/RunVisibility) on every surface: another member finds nothing of a
/// private run on the pages' run lists, the run endpoints, the word records, the live feed or the downloads; its owner does.
/// </summary>
public sealed class PrivateRunVisibilityTests : IDisposable
{
    private const string OtherEmail = "other@example.com";
    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task A_private_run_is_missing_from_another_members_pages()
    {
        var (owner, other, run) = await PrivateRunAsync("explain");
        using var _ = owner;
        using var __ = other;
        await using var scope = _factory.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<RunQueries>();
        var otherMember = await RequesterAsync(scope, OtherEmail);
        var ownerMember = await RequesterAsync(scope, ClipSurgeryAppFactory.AdminEmail) with { IsAdmin = false };

        // What Batches, Explain and History list (the owner, taken as a plain member, still sees it: it is theirs).
        Assert.DoesNotContain(await queries.ListAsync(otherMember, mineOnly: false), r => r.Id == run);
        Assert.Null(await queries.GetAsync(otherMember, run));
        Assert.Contains(await queries.ListAsync(ownerMember, mineOnly: false), r => r.Id == run);
        Assert.NotNull(await queries.GetAsync(ownerMember, run));
    }

    [Fact]
    public async Task A_private_run_is_invisible_to_another_member_on_the_run_endpoints()
    {
        var (owner, other, run) = await PrivateRunAsync("explain");
        using (owner)
        using (other)
        {
            var listed = await other.Http.GetFromJsonAsync<List<RunView>>("/api/runs", AppClient.Json);
            Assert.DoesNotContain(listed!, r => r.Id == run);
            Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/api/runs/{run}")).StatusCode);
            // Changing it is refused as for a run that does not exist: its existence is not told either.
            var retry = await other.Http.PostAsync($"/api/runs/{run}/retry", null);
            Assert.Equal(HttpStatusCode.BadRequest, retry.StatusCode);
            var refusal = await retry.Content.ReadAsStringAsync();
            Assert.Contains("not found", refusal);
            Assert.DoesNotContain("owner", refusal);
            Assert.Contains((await owner.Http.GetFromJsonAsync<List<RunView>>("/api/runs", AppClient.Json))!, r => r.Id == run);
        }
    }

    [Fact]
    public async Task A_private_runs_words_are_missing_from_another_members_records()
    {
        var (owner, other, run) = await PrivateRunAsync("opinions");
        using (owner)
        using (other)
        {
            var mine = await owner.Http.GetStringAsync("/api/records");
            Assert.Contains(run.ToString(), mine);
            Assert.DoesNotContain(run.ToString(), await other.Http.GetStringAsync("/api/records"));
        }
    }

    [Fact]
    public async Task A_private_runs_live_events_never_reach_another_member()
    {
        await _factory.CreateMemberAsync(OtherEmail);
        using var owner = await AppClient.LoginAsync(_factory);
        using var other = await AppClient.LoginAsync(_factory, OtherEmail, ClipSurgeryAppFactory.MemberPassword);
        await using var ownerHub = owner.Hub();
        await using var otherHub = other.Hub();
        var toOwner = await AppClient.CollectAsync(ownerHub);
        var toOther = await AppClient.CollectAsync(otherHub);
        var image = await owner.UploadImageAsync();

        var run = await owner.StartAsync("explain", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "cat" }, shared = false });
        await owner.WaitForFinishAsync(run);
        await toOwner.WaitForAsync("the private run's files", e => e.Kind == JobEventKind.FileReady && e.RunId == run);
        // A shared event sent after the run's last one: once it arrives, nothing of the run is still on its way.
        var marker = Guid.NewGuid();
        _factory.Services.GetRequiredService<LiveUpdates>().Publish(new JobEvent { Kind = JobEventKind.RunChanged, RunId = marker, Shared = true });
        await toOther.WaitForAsync("the marker", e => e.RunId == marker);

        Assert.DoesNotContain(toOther.Events, e => e.RunId == run);
    }

    [Fact]
    public async Task A_private_runs_downloads_answer_404_to_another_member()
    {
        var (owner, other, run) = await PrivateRunAsync("explain");
        using (owner)
        using (other)
        {
            var view = await owner.GetRunAsync(run);
            var item = Assert.Single(view!.Images);
            var file = item.Files.First(f => f.IsImage);
            foreach (var url in new[] { file.Url, view.Zip, $"/api/images/{item.ImageId}", $"/api/images/{item.ImageId}/thumbnail" })
            {
                Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync(url)).StatusCode);
                Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync(url)).StatusCode);
            }
        }
    }

    /// <summary>The admin's finished private run of <paramref name="kind"/>, and a logged-in second member.</summary>
    private async Task<(AppClient Owner, AppClient Other, Guid Run)> PrivateRunAsync(string kind)
    {
        await _factory.CreateMemberAsync(OtherEmail);
        var owner = await AppClient.LoginAsync(_factory);
        var other = await AppClient.LoginAsync(_factory, OtherEmail, ClipSurgeryAppFactory.MemberPassword);
        var image = await owner.UploadImageAsync();
        object body = kind == "opinions"
            ? new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 20, shared = false }
            : new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "cat" }, shared = false };
        var run = await owner.StartAsync(kind, body);
        Assert.False((await owner.WaitForFinishAsync(run)).Shared);
        return (owner, other, run);
    }

    private static async Task<ClipSurgeryWeb.Jobs.Running.Requester> RequesterAsync(AsyncServiceScope scope, string email)
    {
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<TeamMember>>().FindByEmailAsync(email);
        return new ClipSurgeryWeb.Jobs.Running.Requester(user!.Id, email, IsAdmin: false);
    }
}
