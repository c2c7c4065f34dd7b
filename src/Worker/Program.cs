using ClipSurgeryWeb.Hosting.Extensions;
using ClipSurgeryWeb.Hosting.Http;
using ClipSurgeryWeb.Jobs.Extensions;

// A Hangfire worker for another machine: same jobs, same PostgreSQL (ClipSurgery:Database=PostgreSql), no pages.
// Its progress goes to the web app's hub (ClipSurgery:Jobs:HubUrl + WorkerKey). See src/Web/README.md.
var builder = Host.CreateApplicationBuilder(args);

builder.AddClipSurgeryData();
builder.AddJobs();
builder.Services.AddDownloadHttp();
// No HTTP server here: the worker logs what /readyz would answer once started (README, Health checks).
builder.AddClipSurgeryHealthChecks();
builder.LogReadiness();

var host = builder.Build();
if (!host.LogEngineStartup())
    return 2;
host.Run();
return 0;
