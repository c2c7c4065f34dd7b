using ClipSurgeryWeb.Data.Providers;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Data.Tests;

/// <summary>
/// Fails when an entity or the model changes without <c>dotnet ef migrations add</c> for both providers
/// (src/Data/README.md): each provider's migrations must end at the model the code has.
/// </summary>
public sealed class ModelMigrationsTests
{
    [Fact]
    public void The_SQLite_model_has_no_change_missing_from_its_migrations()
    {
        using var db = DataServices.Create(DatabaseProvider.Sqlite, "Data Source=:memory:");
        Assert.IsType<SqliteClipSurgeryDb>(db);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "the SQLite model has changes no migration makes: run `dotnet ef migrations add` (src/Data/README.md)");
    }

    [Fact]
    public void The_PostgreSQL_model_has_no_change_missing_from_its_migrations()
    {
        using var db = DataServices.Create(DatabaseProvider.PostgreSql, "Host=127.0.0.1;Database=unused");
        Assert.IsType<PostgresClipSurgeryDb>(db);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "the PostgreSQL model has changes no migration makes: run `dotnet ef migrations add` (src/Data/README.md)");
    }

    [Fact]
    public void Both_providers_have_the_same_migrations()
    {
        using var sqlite = DataServices.Create(DatabaseProvider.Sqlite, "Data Source=:memory:");
        using var postgres = DataServices.Create(DatabaseProvider.PostgreSql, "Host=127.0.0.1;Database=unused");
        static string Name(string id) => id[(id.IndexOf('_') + 1)..];
        Assert.Equal(sqlite.Database.GetMigrations().Select(Name), postgres.Database.GetMigrations().Select(Name));
    }
}
