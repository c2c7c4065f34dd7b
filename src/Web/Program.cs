using ClipSurgeryWeb.Jobs.Extensions;
using ClipSurgeryWeb.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddClipSurgeryData();
builder.AddClipSurgeryIdentity();
builder.AddLiveUpdates();
builder.AddJobs();
builder.AddClipSurgeryUi();

var app = builder.Build();
app.UseClipSurgery();
app.Run();

/// <summary>Entry point; public so WebApplicationFactory&lt;Program&gt; can host the app in tests.</summary>
public partial class Program;
