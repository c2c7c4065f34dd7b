using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Extensions;
using ClipSurgeryWeb.Hosting.Health;
using ClipSurgeryWeb.Hosting.Options;
using ClipSurgeryWeb.Jobs.Segmentation;
using ClipSurgeryWeb.Web.Data;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Web.Components;
using ClipSurgeryWeb.Web.Endpoints;
using ClipSurgeryWeb.Web.Live;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.State;
using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;

namespace ClipSurgeryWeb.Web.Extensions;

public static class WebExtensions
{
    /// <summary>
    /// ASP.NET Core Identity on the app database (its own context, <see cref="AccountsDb"/>, migrated at start), and the
    /// data-protection keys that sign its cookies. Every page and endpoint needs login (fallback policy); admins have the
    /// "admin" policy; remote workers authenticate to the hub with the worker key.
    /// </summary>
    public static IHostApplicationBuilder AddClipSurgeryIdentity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = builder.Configuration.GetSection(ClipSurgeryOptions.Section).Get<ClipSurgeryOptions>() ?? new ClipSurgeryOptions();
        var dataDir = options.DataPath(builder.Environment.ContentRootPath);
        var connection = DataExtensions.AppConnectionString(builder.Configuration, options, dataDir);
        if (options.UsesPostgres)
            services.AddDbContext<AccountsDb, PostgresAccountsDb>(o => o.UseNpgsql(connection, x => x.MigrationsHistoryTable(AccountsDb.HistoryTable)));
        else
            services.AddDbContext<AccountsDb, SqliteAccountsDb>(o => o.UseSqlite(connection, x => x.MigrationsHistoryTable(AccountsDb.HistoryTable)));
        services.AddHostedService<AccountsInitializer>();
        // Login cookies stay valid across restarts (and across web nodes that share the data folder's keys).
        services.AddDataProtection()
            .SetApplicationName("ClipSurgeryWeb")
            .PersistKeysToFileSystem(Directory.CreateDirectory(Path.Combine(dataDir, "keys")));
        services.AddIdentity<TeamMember, IdentityRole>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddEntityFrameworkStores<AccountsDb>()
            .AddDefaultTokenProviders();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "clipsurgery";
            o.Events.OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx, StatusCodes.Status403Forbidden);
            o.Events.OnValidatePrincipal = SessionValidation.ValidateAsync;
        });
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, WorkerKeyAuthenticationHandler>(WorkerKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Roles.AdminPolicy, p => p.RequireRole(Roles.Admin));
        services.AddHostedService<AdminSeeder>();
        return builder;
    }

    /// <summary>Readiness also needs the accounts tables (logins) reachable and migrated.</summary>
    public static IHealthChecksBuilder AddAccountsHealthCheck(this IHealthChecksBuilder health) =>
        health.AddCheck<DatabaseHealthCheck<AccountsDb>>("accounts", tags: [HealthTags.Ready], timeout: HealthExtensions.CheckTimeout);

    /// <summary>Live updates: the hub and the in-process fan-out jobs publish to. Call before AddJobs.</summary>
    public static IHostApplicationBuilder AddLiveUpdates(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR(o => o.MaximumReceiveMessageSize = 64 * 1024);
        builder.Services.AddSingleton<LiveUpdates>();
        builder.Services.AddSingleton<LiveConnections>();
        builder.Services.AddSingleton<LiveConnectionRevalidation>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveConnectionRevalidation>());
        builder.Services.AddSingleton<IJobEvents>(sp => sp.GetRequiredService<LiveUpdates>());
        return builder;
    }

    /// <summary>Blazor Server with MudBlazor, and the circuit-scoped UI state.</summary>
    public static IHostApplicationBuilder AddClipSurgeryUi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        // A body or parameter that cannot be read throws in every environment, so RequestRefusals answers it with the
        // field and the reason (otherwise Production answers an empty 400).
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SessionRevalidation>();
        services.AddMudServices();
        services.AddScoped<CurrentUser>();
        services.AddScoped<Operations>();
        services.AddScoped<BrowserUploads>();
        services.AddScoped<LiveFeed>();
        services.AddScoped<ExplainState>();
        services.AddSingleton<RunQueries>();
        services.AddSingleton<UploadQueries>();
        services.AddScoped<MemberAdmin>();
        // Evaluate: the evals and their reports (the scores table, per-class IoU, history).
        services.AddSingleton<ClipSurgeryWeb.Web.Services.Evaluations.EvalQueries>();
        // History: deleting runs and uploads (rows and files; the API's DELETE endpoints use the same service).
        services.AddScoped<ClipSurgeryWeb.Jobs.Running.Deletions>();
        // Runs (issue 11): the preselected model, a queued run's place, the opinions-on-a-CPU estimate and its device.
        services.AddSingleton<ClipSurgeryWeb.Web.Services.Runs.LastUsedModel>();
        services.AddSingleton<ClipSurgeryWeb.Web.Services.Runs.RunQueue>();
        services.AddSingleton<ClipSurgeryWeb.Web.Services.Runs.OpinionsEstimate>();
        services.AddSingleton(sp => ClipSurgeryWeb.Web.Services.Runs.EngineDevice.FromPreference(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClipSurgeryWeb.Hosting.Options.ClipSurgeryOptions>>().Value.Device));

        // Interactive SAM (Pages/Sam): the bounded cache of image embeddings (ClipSurgery:Sam) and saving clicked masks into runs.
        var sam = builder.Configuration.GetSection(SamSessionOptions.Section).Get<SamSessionOptions>() ?? new SamSessionOptions();
        services.AddSingleton(sam);
        services.AddSingleton<SamSessions>();
        services.AddSingleton<ClickedMasks>();
        return builder;
    }

    public static WebApplication UseClipSurgery(this WebApplication app)
    {
        // In every environment, Development included: the developer exception page would show headers (the login cookie).
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = ServerErrors.WriteAsync,
            SuppressDiagnosticsCallback = _ => true, // ServerErrors logs it, with the correlation id
        });
        app.Use((http, next) =>
        {
            // Every response, errors and static files included: browsers take the declared type, never a sniffed one.
            http.Response.OnStarting(() =>
            {
                http.Response.Headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            });
            return next(http);
        });
        app.UseStatusCodePages(ApiStatusProblems.WriteAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<RequestRefusals>();

        app.MapStaticAssets().AllowAnonymous();
        // For load balancers and supervisors: no login, no anti-forgery (GET only).
        app.MapClipSurgeryHealthChecks();
        // Every endpoint of ours that changes state needs the anti-forgery token (AntiforgeryTests enumerates them).
        var endpoints = app.MapGroup("").RequireAntiforgery();
        endpoints.MapAccountEndpoints();
        endpoints.MapFileEndpoints();
        endpoints.MapRunEndpoints();
        // Remote workers authenticate to the hub with the worker key, not a cookie: no anti-forgery token there.
        app.MapHub<LiveHub>(LiveHub.Path);
        app.MapHangfireDashboard("/jobs", new DashboardOptions
        {
            // Authorization is the endpoint's admin policy below; Hangfire's own filter would allow local requests only.
            Authorization = [],
            AsyncAuthorization = [],
            DashboardTitle = "ClipSurgery jobs",
        }).RequireAuthorization(Roles.AdminPolicy).RequireAntiforgery();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    private static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/hubs"))
            ctx.Response.StatusCode = status;
        else
            ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
