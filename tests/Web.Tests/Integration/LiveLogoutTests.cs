using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Live;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// A hub connection is authenticated when it opens; logging out (a new security stamp) must still end it, or a copy of
/// the cookie keeps receiving the team's events. No test waits for time: each waits for the connection's Closed event.
/// </summary>
public sealed class LiveLogoutTests : IDisposable
{
    private const string MemberEmail = "member@example.com";
    private static readonly Uri Base = new("http://localhost");
    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh(new FakeClipEngine());

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task A_hub_connection_opened_with_a_copied_cookie_is_closed_by_logout_and_gets_no_more_events()
    {
        await _factory.CreateMemberAsync(MemberEmail);
        using var admin = await AppClient.LoginAsync(_factory);
        using var member = await AppClient.LoginAsync(_factory, MemberEmail, ClipSurgeryAppFactory.MemberPassword);
        using var thief = new AppClient(_factory);
        thief.Cookies.Add(member.Cookies.GetCookies(Base));
        await using var adminHub = admin.Hub();
        await using var thiefHub = thief.Hub();
        var toAdmin = await AppClient.CollectAsync(adminHub);
        var toThief = await AppClient.CollectAsync(thiefHub);
        var closed = Closed(thiefHub);

        var logout = await member.Http.PostAsync("/account/logout", null);
        Assert.Equal("/account/login", logout.Headers.Location?.OriginalString);
        await closed.WaitAsync(HubInbox.SafetyTimeout);

        var marker = PublishTeamEvent();
        await toAdmin.WaitForAsync("the team event", e => e.RunId == marker);
        Assert.Equal(HubConnectionState.Disconnected, thiefHub.State);
        Assert.DoesNotContain(toThief.Events, e => e.RunId == marker);
        Assert.Equal(HubConnectionState.Connected, adminHub.State);
    }

    [Fact]
    public async Task The_periodic_check_closes_a_connection_whose_stamp_another_process_changed()
    {
        await _factory.CreateMemberAsync(MemberEmail);
        using var admin = await AppClient.LoginAsync(_factory);
        using var member = await AppClient.LoginAsync(_factory, MemberEmail, ClipSurgeryAppFactory.MemberPassword);
        await using var adminHub = admin.Hub();
        await using var memberHub = member.Hub();
        var toAdmin = await AppClient.CollectAsync(adminHub);
        var toMember = await AppClient.CollectAsync(memberHub);
        var closed = Closed(memberHub);

        // As another web process's logout would: the stamp changes in the database, this process is not told.
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<TeamMember>>();
            await users.UpdateSecurityStampAsync((await users.FindByEmailAsync(MemberEmail))!);
        }
        var aborted = await _factory.Services.GetRequiredService<LiveConnectionRevalidation>().RevalidateAsync();
        await closed.WaitAsync(HubInbox.SafetyTimeout);

        Assert.Equal(1, aborted);
        var marker = PublishTeamEvent();
        await toAdmin.WaitForAsync("the team event", e => e.RunId == marker);
        Assert.DoesNotContain(toMember.Events, e => e.RunId == marker);
        Assert.Equal(HubConnectionState.Connected, adminHub.State);
    }

    private Guid PublishTeamEvent()
    {
        var marker = Guid.NewGuid();
        _factory.Services.GetRequiredService<LiveUpdates>().Publish(new JobEvent { Kind = JobEventKind.RunChanged, RunId = marker, Shared = true });
        return marker;
    }

    private static Task Closed(HubConnection hub)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }
}
