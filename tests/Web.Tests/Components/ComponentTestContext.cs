using System.Security.Claims;
using Bunit;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Hosting.Options;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Live;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>bUnit with MudBlazor (loose JS interop), a logged-in member, and the page services on a temporary folder.</summary>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    protected ComponentTestContext()
    {
        Root = Directory.CreateTempSubdirectory("csw-bunit-").FullName;
        // WaitFor… only turns a hang into a failure; bUnit's default second is missed by a renderer on a loaded machine.
        DefaultWaitTimeout = TimeSpan.FromMinutes(1);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLogging();
        Services.AddSignalR();
        var auth = Auth = AddAuthorization();
        auth.SetAuthorized("member@example.com");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "member-1"));

        var models = Directory.CreateDirectory(Path.Combine(Root, "models")).FullName;
        File.WriteAllBytes(Path.Combine(models, "clip_only_jit.pt"), [(byte)'P', (byte)'K', 0]);
        Services.AddSingleton<IClipEngine>(new FakeClipEngine());
        Services.AddSingleton(new FileStore(Path.Combine(Root, "data"), models));
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new ClipSurgeryOptions { MaxUploadBytes = 100_000 }));
        Services.AddClipSurgeryDb(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(Root, "app.db")}");
        Services.AddSingleton<LiveUpdates>();
        Services.AddSingleton<IJobEvents>(sp => sp.GetRequiredService<LiveUpdates>());
        Services.AddSingleton<ModelChecksums>();
        Services.AddSingleton<ModelsFolder>();
        Services.AddSingleton<RunQueries>();
        Services.AddScoped<CurrentUser>();
        Services.AddScoped<Operations>();
        Services.AddScoped<BrowserUploads>();
        Services.AddSingleton<Thumbnails>();
        Services.AddScoped<ClipSurgeryWeb.Hosting.Storage.ImageIntake>();
        Services.AddScoped<LiveFeed>();
        Services.AddScoped<ExplainState>();
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<Hangfire.IBackgroundJobClient, UnusedJobClient>();
        Services.AddScoped<ClipSurgeryWeb.Jobs.Running.JobLauncher>();
        // Runs (issue 11): the page services of run cards; the device is the CPU unless a test says otherwise.
        Services.AddSingleton<ClipSurgeryWeb.Web.Services.Runs.LastUsedModel>();
        Services.AddSingleton<ClipSurgeryWeb.Web.Services.Runs.RunQueue>();
        Services.AddSingleton<ClipSurgeryWeb.Web.Services.Runs.OpinionsEstimate>();
        Services.AddSingleton(new ClipSurgeryWeb.Web.Services.Runs.EngineDevice(() => "cpu"));
    }

    protected string Root { get; }

    /// <summary>The logged-in member's authorization (a test makes them an admin with <c>SetRoles</c>).</summary>
    protected Bunit.TestDoubles.BunitAuthorizationContext Auth { get; }

    /// <summary>Creates the app schema by its migrations, as the app does at start (call after all services are registered).</summary>
    protected void EnsureDatabase()
    {
        using var db = Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContext();
        DatabaseMigrator.MigrateAsync(db, DataServices.MarkerTable).GetAwaiter().GetResult();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services are only asynchronously disposable, so the container is disposed here first.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
