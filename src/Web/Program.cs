using ClipSurgeryWeb.Hosting.Extensions;
using ClipSurgeryWeb.Hosting.Http;
using ClipSurgeryWeb.Jobs.Extensions;
using ClipSurgeryWeb.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);
// `dotnet run` serves the packages' static files (MudBlazor, blazor.web.js) from the build manifest in every
// environment, not only Development; a published app has them in wwwroot and this does nothing.
builder.WebHost.UseStaticWebAssets();

builder.AddClipSurgeryData();
builder.AddClipSurgeryIdentity();
builder.AddLiveUpdates();
builder.AddJobs();
builder.Services.AddDownloadHttp();
builder.AddClipSurgeryUi();
builder.AddClipSurgeryHealthChecks().AddAccountsHealthCheck();

var app = builder.Build();
if (!app.LogEngineStartup())
    return 2;
app.UseClipSurgery();
app.Run();
return 0;

/// <summary>Entry point; public so WebApplicationFactory&lt;Program&gt; can host the app in tests.</summary>
public partial class Program;
