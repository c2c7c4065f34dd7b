using ClipSurgeryWeb.Hosting.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Data.Tests;

/// <summary>The worker has no /readyz: once started it logs the readiness checks' verdict, with each failing check's reason.</summary>
public sealed class ReadinessLogTests
{
    [Fact]
    public async Task A_started_host_logs_not_ready_with_the_failing_checks_reason()
    {
        var lines = await LogOfStartAsync(HealthCheckResult.Unhealthy("the models folder (ClipSurgery:ModelsDir) does not exist"));

        var line = Assert.Single(lines, l => l.Contains("ready", StringComparison.Ordinal));
        Assert.Equal("Warning: not ready: models: the models folder (ClipSurgery:ModelsDir) does not exist", line);
    }

    [Fact]
    public async Task A_started_host_logs_ready_naming_the_checks()
    {
        var lines = await LogOfStartAsync(HealthCheckResult.Healthy());

        var line = Assert.Single(lines, l => l.Contains("ready", StringComparison.Ordinal));
        Assert.StartsWith("Information: ready: ", line);
        Assert.Equal(["database", "models"], line["Information: ready: ".Length..].Split(", ").Order());
    }

    private static async Task<IReadOnlyList<string>> LogOfStartAsync(HealthCheckResult models)
    {
        var log = new ListLogger();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(log);
        builder.Services.AddHealthChecks()
            .AddCheck("models", () => models, [HealthTags.Ready])
            .AddCheck("database", () => HealthCheckResult.Healthy(), [HealthTags.Ready])
            .AddCheck("self", () => HealthCheckResult.Unhealthy("liveness is not readiness"), [HealthTags.Live]);
        builder.Services.AddHostedService<ReadinessLog>();
        using var host = builder.Build();
        await host.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!log.Lines.Any(l => l.Contains("ready", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        await host.StopAsync();
        return log.Lines;
    }

    private sealed class ListLogger : ILoggerProvider, ILogger
    {
        private readonly List<string> lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (lines)
                    return [.. lines];
            }
        }

        public ILogger CreateLogger(string categoryName) => categoryName == typeof(ReadinessLog).FullName ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
                lines.Add($"{logLevel}: {formatter(state, exception)}");
        }

        public void Dispose()
        {
        }
    }
}
