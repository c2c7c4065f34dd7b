using System.Net;
using System.Text.Json;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Tests.Support;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// /healthz (the process answers) and /readyz (database migrated and reachable, job storage, models folder, libtorch),
/// both without login, as a load balancer calls them: 200 when ready, 503 with each failing check's reason, and no
/// server path in the answer.
/// </summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task Healthz_answers_200_without_login()
    {
        await using var app = ClipSurgeryAppFactory.Fresh();
        try
        {
            using var anonymous = new AppClient(app);
            var (status, body) = await GetAsync(anonymous, "/healthz");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Healthy", body.GetProperty("status").GetString());
            Assert.Equal("self", Assert.Single(Checks(body)).Name);
            // Read-only: nothing but GET and HEAD reaches the check (a POST gets what any unknown route gets: the login page).
            using var post = await anonymous.Http.PostAsync("/healthz", null);
            Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
            Assert.DoesNotContain("\"checks\"", await post.Content.ReadAsStringAsync());
        }
        finally
        {
            app.DeleteFiles();
        }
    }

    [Fact]
    public async Task Readyz_answers_200_without_login_when_every_dependency_is_ready()
    {
        await using var app = ClipSurgeryAppFactory.Fresh();
        try
        {
            using var anonymous = new AppClient(app);
            var (status, body) = await GetAsync(anonymous, "/readyz");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Healthy", body.GetProperty("status").GetString());
            var checks = Checks(body);
            Assert.Equal(["accounts", "database", "engine", "jobs", "models"], checks.Select(c => c.Name).Order());
            Assert.All(checks, c => Assert.Equal(("Healthy", null), (c.Status, c.Reason)));
        }
        finally
        {
            app.DeleteFiles();
        }
    }

    [Fact]
    public async Task Readyz_answers_503_naming_the_models_folder_when_it_is_missing_without_its_path()
    {
        await using var app = ClipSurgeryAppFactory.Fresh();
        try
        {
            using var anonymous = new AppClient(app);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(anonymous, "/readyz")).Status);
            Directory.Delete(app.ModelsDir, recursive: true);

            var (status, body) = await GetAsync(anonymous, "/readyz");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
            var models = Checks(body).Single(c => c.Name == "models");
            Assert.Equal("Unhealthy", models.Status);
            Assert.Contains("ClipSurgery:ModelsDir", models.Reason);
            Assert.Contains("does not exist", models.Reason);
            Assert.DoesNotContain(app.Root, body.GetRawText());
            Assert.All(Checks(body).Where(c => c.Name != "models"), c => Assert.Equal("Healthy", c.Status));
            // Liveness is not readiness: the process still answers.
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(anonymous, "/healthz")).Status);
        }
        finally
        {
            app.DeleteFiles();
        }
    }

    [Fact]
    public async Task Readyz_answers_503_naming_the_migration_the_database_lacks()
    {
        await using var app = ClipSurgeryAppFactory.Fresh();
        try
        {
            using var anonymous = new AppClient(app);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(anonymous, "/readyz")).Status);
            string last;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>();
                last = db.Database.GetMigrations().Last();
                await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0}", last);
            }

            var (status, body) = await GetAsync(anonymous, "/readyz");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var database = Checks(body).Single(c => c.Name == "database");
            Assert.Equal("Unhealthy", database.Status);
            Assert.Contains(last, database.Reason);
        }
        finally
        {
            app.DeleteFiles();
        }
    }

    [Fact]
    public async Task Readyz_answers_503_when_the_PostgreSQL_server_is_down()
    {
        var postgres = await ThrowawayPostgres.StartAsync();
        var root = Directory.CreateTempSubdirectory("csw-health-pg-").FullName;
        var stopped = false;
        try
        {
            await using var app = new ClipSurgeryAppFactory(root, new FakeClipEngine(), ClipSurgeryAppFactory.CreateFakeModels(root),
                new Dictionary<string, string?>
                {
                    ["ClipSurgery:Database"] = "PostgreSql",
                    ["ConnectionStrings:App"] = await postgres.CreateDatabaseAsync("app"),
                    ["ConnectionStrings:Hangfire"] = await postgres.CreateDatabaseAsync("hangfire"),
                });
            using var anonymous = new AppClient(app);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(anonymous, "/readyz")).Status);

            await postgres.DisposeAsync();
            stopped = true;
            var (status, body) = await GetAsync(anonymous, "/readyz");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var checks = Checks(body);
            foreach (var name in new[] { "database", "accounts", "jobs" })
            {
                var check = checks.Single(c => c.Name == name);
                Assert.Equal("Unhealthy", check.Status);
                Assert.False(string.IsNullOrWhiteSpace(check.Reason));
            }
            Assert.Contains("cannot be reached", checks.Single(c => c.Name == "database").Reason);
            Assert.Equal("Healthy", checks.Single(c => c.Name == "models").Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(anonymous, "/healthz")).Status);
        }
        finally
        {
            if (!stopped)
                await postgres.DisposeAsync();
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private sealed record Check(string Name, string Status, string? Reason);

    private static List<Check> Checks(JsonElement body) =>
        [.. body.GetProperty("checks").EnumerateArray().Select(c => new Check(
            c.GetProperty("name").GetString()!,
            c.GetProperty("status").GetString()!,
            c.TryGetProperty("reason", out var reason) ? reason.GetString() : null))];

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(AppClient client, string path)
    {
        using var response = await client.Http.GetAsync(path);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }
}
