using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Database;
using ClipSurgeryWeb.Hosting.Options;
using ClipSurgeryWeb.Hosting.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ClipSurgeryWeb.Hosting.Extensions;

public static class DataExtensions
{
    /// <summary>
    /// The "ClipSurgery" options, the data and models folders, and the database: SQLite in the data folder by default,
    /// PostgreSQL (ConnectionStrings:App) when ClipSurgery:Database is "PostgreSql"; migrated at start
    /// (<see cref="DatabaseInitializer"/>).
    /// </summary>
    public static IHostApplicationBuilder AddClipSurgeryData(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ClipSurgeryOptions.Section);
        builder.Services.Configure<ClipSurgeryOptions>(section);
        var options = section.Get<ClipSurgeryOptions>() ?? new ClipSurgeryOptions();
        var root = builder.Environment.ContentRootPath;
        var dataDir = options.DataPath(root);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new FileStore(dataDir, options.ModelsPath(root)));
        // Scoped (jobs, endpoints) and as a factory (pages, one context per operation).
        builder.Services.AddClipSurgeryDb(options.Provider, AppConnectionString(builder.Configuration, options, dataDir));
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddSingleton<Thumbnails>();
        builder.Services.AddScoped<ImageIntake>();
        return builder;
    }

    /// <summary>
    /// The app database's connection string: ConnectionStrings:App on PostgreSQL, else the SQLite file app.db in the data
    /// folder. The app's tables and the web app's accounts share it.
    /// </summary>
    public static string AppConnectionString(IConfiguration configuration, ClipSurgeryOptions options, string dataDir) =>
        options.UsesPostgres ? RequiredConnectionString(configuration, "App") : $"Data Source={Path.Combine(dataDir, "app.db")}";

    public static string RequiredConnectionString(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name)
        ?? throw new InvalidOperationException($"ConnectionStrings:{name} must be set when ClipSurgery:Database is PostgreSql");
}
