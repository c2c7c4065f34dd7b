using System.Net;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Evaluation;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Evaluate;

/// <summary>
/// The Evaluate page and its job in the whole app (the fake engine, the in-process Hangfire server): logins only, the
/// form for admins only, and an eval asked for from the app's own launcher runs on the GPU queue to its stored report.
/// </summary>
public sealed class EvaluateAppTests : IDisposable
{
    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task The_evaluate_page_sends_anonymous_visitors_to_the_login_page()
    {
        using var client = new AppClient(_factory);

        var response = await client.Http.GetAsync("/evaluate");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/account/login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task An_admin_sees_the_form_a_member_sees_the_scores_without_it()
    {
        await _factory.CreateMemberAsync("member@example.com");
        using var admin = await AppClient.LoginAsync(_factory);
        using var member = await AppClient.LoginAsync(_factory, "member@example.com", ClipSurgeryAppFactory.MemberPassword);

        var asAdmin = await admin.Http.GetStringAsync("/evaluate");
        var asMember = await member.Http.GetStringAsync("/evaluate");

        Assert.Contains("data-testid=\"eval-form\"", asAdmin);
        Assert.DoesNotContain("data-testid=\"eval-form\"", asMember);
        Assert.Contains("data-testid=\"scores-table\"", asMember);
        Assert.Contains("href=\"/evaluate\"", asMember);
    }

    [Fact]
    public async Task An_eval_started_in_the_app_runs_on_its_worker_to_a_stored_report()
    {
        using var admin = await AppClient.LoginAsync(_factory);
        var datasets = _factory.Services.GetRequiredService<DatasetFolders>();
        Assert.Equal(Path.Combine(_factory.Root, "data", "datasets"), datasets.Root);
        Directory.CreateDirectory(Path.Combine(datasets.Root, "ade"));

        JobRun run;
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            run = await scope.ServiceProvider.GetRequiredService<JobLauncher>().StartEvalAsync(
                new Requester("admin-1", ClipSurgeryAppFactory.AdminEmail, IsAdmin: true), "ade", EvalDatasetKind.Ade20k,
                ClipSurgeryAppFactory.ModelName, [DenseMethod.Sclip.Method], limit: 3);
        }

        var deadline = DateTime.UtcNow.AddMinutes(2);
        JobRun stored;
        while (true)
        {
            await using var scope = _factory.Services.CreateAsyncScope();
            stored = await scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Runs.AsNoTracking().SingleAsync(r => r.Id == run.Id);
            if (stored.IsFinished || DateTime.UtcNow > deadline)
                break;
            await Task.Delay(100);
        }

        Assert.Equal(JobRunStatus.Succeeded, stored.Status);
        Assert.Equal((3, 3), (stored.ItemsDone, stored.ItemsTotal));
        var report = EvalReportJson.Read(stored.ReportJson);
        Assert.NotNull(report);
        Assert.Equal(EvalDatasetKind.Ade20k, report.Dataset);
        Assert.Equal([DenseMethod.Sclip.Method], report.Methods.Select(m => m.Method));
        Assert.Contains("data-testid=\"scores-row\" data-method=\"sclip\"", await admin.Http.GetStringAsync("/evaluate"));
    }
}
