using ClipSurgeryWeb.Jobs.Data;
using ClipSurgeryWeb.Jobs.Options;
using ClipSurgeryWeb.Jobs.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ClipSurgeryWeb.Jobs.Extensions;

public static class DataExtensions
{
    /// <summary>
    /// The "ClipSurgery" options, the data and models folders, and the database: SQLite in the data folder by default,
    /// PostgreSQL (ConnectionStrings:App) when ClipSurgery:Database is "PostgreSql".
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
        // The factory also registers ClipSurgeryDb as scoped (jobs, Identity); pages use the factory, one context per operation.
        builder.Services.AddDbContextFactory<ClipSurgeryDb>(db =>
        {
            if (options.UsesPostgres)
                db.UseNpgsql(RequiredConnectionString(builder.Configuration, "App"));
            else
                db.UseSqlite($"Data Source={Path.Combine(dataDir, "app.db")}");
        });
        builder.Services.AddHostedService<DatabaseInitializer>();
        // Login cookies stay valid across restarts (and across web nodes that share the data folder's keys).
        builder.Services.AddDataProtection()
            .SetApplicationName("ClipSurgeryWeb")
            .PersistKeysToFileSystem(Directory.CreateDirectory(Path.Combine(dataDir, "keys")));
        builder.Services.AddSingleton<Thumbnails>();
        builder.Services.AddScoped<ImageIntake>();
        return builder;
    }

    internal static string RequiredConnectionString(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name)
        ?? throw new InvalidOperationException($"ConnectionStrings:{name} must be set when ClipSurgery:Database is PostgreSql");
}
