using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// A run cancelled on another machine (only the database flag changes) stops where the worker next saves its progress:
/// at most a second later, on the worker's clock. The clock here is fake, so "a second later" is a step the test takes.
/// </summary>
public sealed class CancelledElsewhereTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly JobsHost _host;

    public CancelledElsewhereTests() => _host = new JobsHost(time: _time);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_run_cancelled_in_the_database_stops_at_the_first_progress_save_a_second_later()
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id], ["cat", "sofa", "dog"], modes: ["cs"]);
        var written = new List<string>();
        _host.Fake.Writing = name =>
        {
            written.Add(name);
            if (name == "cs_cat.png")
                SetCancelFlagAsAnotherMachineWould(run.Id);
            else
                _time.Advance(TimeSpan.FromSeconds(1));
        };

        await _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, CancellationToken.None); return 0; });

        // Within the second the worker did not look (it wrote the next heatmap); the save after it saw the flag.
        Assert.Equal(["cs_cat.png", "cs_sofa.png"], written);
        var cancelled = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Cancelled, cancelled.Status);
        Assert.Equal(JobImageStatus.Cancelled, cancelled.Images.Single().Status);
    }

    private void SetCancelFlagAsAnotherMachineWould(Guid runId)
    {
        using var scope = _host.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Runs.Where(r => r.Id == runId)
            .ExecuteUpdate(s => s.SetProperty(r => r.CancelRequested, true));
    }
}
