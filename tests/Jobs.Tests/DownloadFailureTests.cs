using System.Net;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// A download the server refuses: the run is Failed with the reason, and so is its Hangfire job (never Succeeded),
/// after one request (no automatic retry re-downloads it); the member's Retry runs it again from nothing.
/// </summary>
public sealed class DownloadFailureTests
{
    [Fact]
    public async Task A_failed_download_is_failed_in_hangfire_too_after_one_attempt_and_can_be_retried()
    {
        var server = new RefusingServer();
        var engine = new EngineClipEngine(new EngineClipEngineSettings(Path.GetTempPath(), "unused-vocab"), downloads: new HttpClient(server));
        await using var host = new JobsHost(engine, runServer: true);
        var admin = host.Owner with { IsAdmin = true };

        var run = await host.With(sp => sp.GetRequiredService<JobLauncher>().StartDownloadAsync(admin, "ViT-B/16"));
        var failed = await host.WaitForFinishAsync(run.Id, TimeSpan.FromMinutes(1));

        Assert.Equal(JobRunStatus.Failed, failed.Status);
        Assert.Contains("404", failed.Error);
        Assert.Equal(FailedState.StateName, await HangfireStateAsync(host, failed.HangfireJobId!, FailedState.StateName));
        // The run keeps the download's own reason, not the filter's "the background job failed…".
        Assert.DoesNotContain("background job", (await host.LoadRunAsync(run.Id)).Error);
        Assert.Equal(1, server.Requests);

        var again = await host.With(sp => sp.GetRequiredService<JobLauncher>().RetryAsync(admin, run.Id));
        Assert.NotEqual(failed.HangfireJobId, again.HangfireJobId);
        var second = await host.WaitForFinishAsync(run.Id, TimeSpan.FromMinutes(1));
        Assert.Equal(JobRunStatus.Failed, second.Status);
        Assert.Equal(FailedState.StateName, await HangfireStateAsync(host, second.HangfireJobId!, FailedState.StateName));
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task Only_the_owner_or_an_admin_may_retry_a_failed_download()
    {
        var engine = new EngineClipEngine(new EngineClipEngineSettings(Path.GetTempPath(), "unused-vocab"), downloads: new HttpClient(new RefusingServer()));
        await using var host = new JobsHost(engine, runServer: true);
        var admin = host.Owner with { IsAdmin = true };
        var run = await host.With(sp => sp.GetRequiredService<JobLauncher>().StartDownloadAsync(admin, "ViT-B/16"));
        await host.WaitForFinishAsync(run.Id, TimeSpan.FromMinutes(1));

        var member = new Requester("member-2", "other@example.com", IsAdmin: false);
        var e = await Assert.ThrowsAsync<RequestRejectedException>(() => host.With(sp => sp.GetRequiredService<JobLauncher>().RetryAsync(member, run.Id)));

        Assert.Equal("only its owner or an admin may change it", e.Reason);
        Assert.Equal(JobRunStatus.Failed, (await host.LoadRunAsync(run.Id)).Status);
    }

    /// <summary>Hangfire moves the job to its final state just after the job's own code returns: waits for it.</summary>
    private static async Task<string?> HangfireStateAsync(JobsHost host, string jobId, string expected)
    {
        string? state = null;
        for (var i = 0; i < 200 && state != expected; i++)
        {
            using (var connection = host.Services.GetRequiredService<JobStorage>().GetConnection())
                state = connection.GetStateData(jobId)?.Name;
            if (state != expected)
                await Task.Delay(50);
        }
        return state;
    }

    /// <summary>Every request answered 404 (not retried by the download client), counted.</summary>
    private sealed class RefusingServer : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("no such file") });
        }
    }
}
