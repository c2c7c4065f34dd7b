using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Checkpoints;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Web.Endpoints;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// A request that fails unexpectedly (here: the engine cannot list the models folder) shows a correlation id and nothing
/// of the failure — no stack trace, no request headers (the login cookie) — in Development as in Production; the server's
/// log has the details under that id.
/// </summary>
public sealed class ErrorResponseTests : IDisposable
{
    private const string Secret = "listing /srv/secret/models failed";

    private readonly string _root = Directory.CreateTempSubdirectory("csw-web-").FullName;
    private readonly ConcurrentQueue<string> _log = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task An_api_request_that_fails_gets_problem_details_with_a_correlation_id_and_nothing_of_the_failure(string environment)
    {
        using var factory = App(environment);
        using var admin = await AppClient.LoginAsync(factory);
        Assert.Equal(environment, factory.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);

        var get = await admin.Http.GetAsync("/api/models");
        var post = await admin.Http.PostAsJsonAsync("/api/runs/explain", new { imageIds = new[] { Guid.NewGuid() }, model = "m", labels = new[] { "cat" } });

        foreach (var response in new[] { get, post })
        {
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("clipsurgery=", body);
            Assert.DoesNotContain("Cookie", body);
            Assert.DoesNotContain("/srv/secret", body);
            Assert.DoesNotContain("ThrowingEngine", body);
            var problem = JsonSerializer.Deserialize<JsonElement>(body);
            Assert.Equal(500, problem.GetProperty("status").GetInt32());
            Assert.Equal("server", problem.GetProperty("subject").GetString());
            Assert.Equal(ServerErrors.Reason, problem.GetProperty("reason").GetString());
            var id = problem.GetProperty("correlationId").GetString()!;
            Assert.False(string.IsNullOrWhiteSpace(id));
            Assert.Contains(id, problem.GetProperty("detail").GetString());
            Assert.Contains(_log, line => line.Contains(id) && line.Contains(Secret));
        }
    }

    [Fact]
    public async Task A_page_that_fails_shows_a_page_a_person_can_read_with_the_correlation_id()
    {
        using var factory = App("Production");
        using var admin = await AppClient.LoginAsync(factory);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/models");
        request.Headers.Accept.ParseAdd("text/html");

        var response = await admin.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Sorry, something went wrong on the server.", page);
        var id = System.Text.RegularExpressions.Regex.Match(page, "data-testid=\"correlation-id\">([^<]+)<").Groups[1].Value;
        Assert.NotEmpty(id);
        Assert.Contains(_log, line => line.Contains(id) && line.Contains(Secret));
        Assert.DoesNotContain("/srv/secret", page);
        Assert.DoesNotContain("at ClipSurgeryWeb", page);
    }

    private ClipSurgeryAppFactory App(string environment) =>
        new(_root, new ThrowingEngine(), ClipSurgeryAppFactory.CreateFakeModels(_root), new Dictionary<string, string?> { ["environment"] = environment })
        {
            TestServices = services => services.AddSingleton<ILoggerProvider>(new QueueLogger(_log)),
        };

    /// <summary>An engine whose folder listing fails, as a broken mount would.</summary>
    private sealed class ThrowingEngine : IClipEngine
    {
        public IReadOnlyList<InstalledModel> ListModels(string modelsDir) => throw new InvalidOperationException(Secret);

        public InstalledModel Inspect(string checkpointPath) => throw new InvalidOperationException(Secret);

        public void Download(string officialName, string modelsDir, IProgress<DownloadProgress> progress, CancellationToken ct) =>
            throw new InvalidOperationException(Secret);

        public IReadOnlyList<string> OfficialClipModels => ["RN50"];

        public IReadOnlyList<string> OfficialSamModels => ["vit_b"];

        public IClipPipeline Pipeline(EngineModels models) => throw new InvalidOperationException(Secret);
    }

    /// <summary>Every log line with its exception, as the server's log would have it.</summary>
    private sealed class QueueLogger(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{formatter(state, exception)} {exception}");

        public void Dispose()
        {
        }
    }
}
