using ClipSurgeryWeb.Hosting.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClipSurgeryWeb.Hosting.Live;

public static class LiveEventsExtensions
{
    /// <summary>
    /// Where the jobs' progress goes: with <see cref="JobServerOptions.HubUrl"/> (a worker on another machine) to the web
    /// app's hub over SignalR (<see cref="HubClientJobEvents"/>); otherwise to the in-process publisher a web app
    /// registered first, or to the log.
    /// </summary>
    public static IServiceCollection AddJobEventPublisher(this IServiceCollection services, JobServerOptions jobs)
    {
        if (!string.IsNullOrWhiteSpace(jobs.HubUrl))
        {
            services.AddSingleton<HubClientJobEvents>();
            services.AddSingleton<IJobEvents>(sp => sp.GetRequiredService<HubClientJobEvents>());
            services.AddHostedService(sp => sp.GetRequiredService<HubClientJobEvents>());
        }
        else
        {
            services.TryAddSingleton<IJobEvents, LoggingJobEvents>();
        }
        return services;
    }
}
