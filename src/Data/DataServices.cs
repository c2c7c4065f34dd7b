using ClipSurgeryWeb.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Data;

public static class DataServices
{
    /// <summary>The table whose presence without a migrations history marks a database made by EnsureCreated.</summary>
    public const string MarkerTable = "Runs";

    /// <summary>
    /// <see cref="ClipSurgeryDb"/> on <paramref name="provider"/>: scoped (jobs, endpoints) and through
    /// <see cref="IDbContextFactory{TContext}"/> (pages, one context per operation), as its provider's subclass so the
    /// provider's migrations apply.
    /// </summary>
    public static IServiceCollection AddClipSurgeryDb(this IServiceCollection services, DatabaseProvider provider, string connectionString) =>
        provider switch
        {
            DatabaseProvider.PostgreSql => services.AddProviderDb<PostgresClipSurgeryDb>(o => o.UseNpgsql(connectionString)),
            _ => services.AddProviderDb<SqliteClipSurgeryDb>(o => o.UseSqlite(connectionString)),
        };

    /// <summary>Options for a context outside DI (tests, tools) on the same provider wiring.</summary>
    public static ClipSurgeryDb Create(DatabaseProvider provider, string connectionString) => provider switch
    {
        DatabaseProvider.PostgreSql => new PostgresClipSurgeryDb(new DbContextOptionsBuilder<PostgresClipSurgeryDb>().UseNpgsql(connectionString).Options),
        _ => new SqliteClipSurgeryDb(new DbContextOptionsBuilder<SqliteClipSurgeryDb>().UseSqlite(connectionString).Options),
    };

    private static IServiceCollection AddProviderDb<TDb>(this IServiceCollection services, Action<DbContextOptionsBuilder> configure)
        where TDb : ClipSurgeryDb
    {
        // ConfigureDbContext<ClipSurgeryDb> (a host's or a test's interceptors, logging) applies to the provider's subclass too.
        services.AddDbContextFactory<TDb>((sp, o) =>
        {
            configure(o);
            foreach (var more in sp.GetServices<IDbContextOptionsConfiguration<ClipSurgeryDb>>())
                more.Configure(sp, o);
        });
        services.AddSingleton<IDbContextFactory<ClipSurgeryDb>>(sp => new ProviderDbFactory<TDb>(sp.GetRequiredService<IDbContextFactory<TDb>>()));
        services.AddScoped<ClipSurgeryDb>(sp => sp.GetRequiredService<TDb>());
        return services;
    }

    private sealed class ProviderDbFactory<TDb>(IDbContextFactory<TDb> inner) : IDbContextFactory<ClipSurgeryDb> where TDb : ClipSurgeryDb
    {
        public ClipSurgeryDb CreateDbContext() => inner.CreateDbContext();
    }
}
