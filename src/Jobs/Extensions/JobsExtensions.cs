using ClipSurgeryWeb.Hosting.Extensions;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Jobs.Batch;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Evaluation;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Opinions;
using ClipSurgeryWeb.Hosting.Options;
using ClipSurgeryWeb.Jobs.Records;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Hosting.Storage;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ClipSurgeryWeb.Jobs.Extensions;

public static class JobsExtensions
{
    /// <summary>
    /// The engine port, the jobs, Hangfire storage (SQLite beside the app data, or PostgreSQL from
    /// ConnectionStrings:Hangfire) and, unless ClipSurgery:Jobs:RunServer is false, an in-process Hangfire server with
    /// queues "default" and "gpu" (one worker on "gpu"). Call after <see cref="DataExtensions.AddClipSurgeryData"/>.
    /// </summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ClipSurgeryOptions.Section).Get<ClipSurgeryOptions>() ?? new ClipSurgeryOptions();
        var jobs = options.Jobs;
        var services = builder.Services;
        ServerPaths.AddRootsOf(options, builder.Environment.ContentRootPath);

        services.AddClipEngine(new EngineClipEngineSettings(
            options.ModelsPath(builder.Environment.ContentRootPath),
            options.VocabularyPath(builder.Environment.ContentRootPath),
            ComputeDevice.Parse(options.Device),
            options.ImageLimits,
            ImageBatching.Checked(options.ImageBatchSize, $"{ClipSurgeryOptions.Section}:{nameof(ClipSurgeryOptions.ImageBatchSize)}"),
            Precisions.Parse(options.Precision)));
        services.AddSingleton<ModelsFolder>();
        services.AddSingleton<ModelChecksums>();
        services.AddHostedService<ModelChecksumWorker>();
        services.AddScoped<ImageLeases>();
        services.AddScoped<RunLeases>();
        services.AddScoped<RunLoop>();
        services.AddScoped<JobLauncher>();
        services.AddScoped<OpinionStore>();
        services.AddScoped<WordRecordBoard>();
        services.AddScoped<ExplainJob>();
        services.AddScoped<OpinionsJob>();
        services.AddScoped<BatchJob>();
        services.AddScoped<DownloadModelJob>();
        services.AddScoped<EvalJob>();
        services.AddSingleton(new DatasetFolders(options.DatasetsPath(builder.Environment.ContentRootPath)));
        services.AddJobEventPublisher(jobs);

        // This host's Hangfire filters: Hangfire's own (AutomaticRetry …) and ours. Registered before AddHangfire, which
        // only adds its default provider when none is there; not GlobalJobFilters, which every host in a process shares.
        services.AddSingleton<FailRunWhenJobGivesUp>();
        services.AddSingleton<IJobFilterProvider>(sp => new JobFilterProviderCollection(JobFilterProviders.Providers,
            new JobFilterCollection { sp.GetRequiredService<FailRunWhenJobGivesUp>() }));

        var dataDir = options.DataPath(builder.Environment.ContentRootPath);
        services.AddHangfire(config =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (options.UsesPostgres)
            {
                config.UsePostgreSqlStorage(
                    pg => pg.UseNpgsqlConnection(DataExtensions.RequiredConnectionString(builder.Configuration, "Hangfire")),
                    new PostgreSqlStorageOptions
                    {
                        QueuePollInterval = jobs.QueuePollInterval,
                        // Slid while the job runs, so a long GPU job is not handed out twice; a dead worker's job is
                        // handed out again after it, and its image claims have expired by then (LeaseDuration is shorter).
                        UseSlidingInvisibilityTimeout = true,
                        InvisibilityTimeout = jobs.SlidingInvisibilityTimeout,
                        PrepareSchemaIfNecessary = true,
                    });
            }
            else
            {
                Directory.CreateDirectory(dataDir);
                config.UseSQLiteStorage(Path.Combine(dataDir, "hangfire.db"), new SQLiteStorageOptions
                {
                    QueuePollInterval = jobs.QueuePollInterval,
                    InvisibilityTimeout = jobs.InvisibilityTimeout,
                });
            }
        });

        if (!jobs.RunServer)
            return builder;
        if (!options.UsesPostgres)
            services.AddHostedService<ResumeInterruptedRuns>();
        services.AddHangfireServer(server =>
        {
            server.ServerName = $"{Environment.MachineName}:{Queues.Default}";
            server.Queues = [Queues.Default];
            server.WorkerCount = jobs.DefaultWorkers;
            server.CancellationCheckInterval = TimeSpan.FromSeconds(1);
        });
        services.AddHangfireServer(server =>
        {
            server.ServerName = $"{Environment.MachineName}:{Queues.Gpu}";
            server.Queues = [Queues.Gpu];
            server.WorkerCount = jobs.GpuWorkers;
            server.CancellationCheckInterval = TimeSpan.FromSeconds(1);
        });
        return builder;
    }

    /// <summary>
    /// The numeric engine behind <see cref="IClipEngine"/>. TryAdd, so a host or a test that registered its own
    /// <see cref="IClipEngine"/> first keeps it.
    /// </summary>
    public static IServiceCollection AddClipEngine(this IServiceCollection services, EngineClipEngineSettings settings)
    {
        services.TryAddSingleton(settings);
        services.TryAddSingleton<IClipEngine, EngineClipEngine>();
        return services;
    }
}
