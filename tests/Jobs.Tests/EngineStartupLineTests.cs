using ClipSurgeryWeb.Hosting.Extensions;
using ClipSurgeryWeb.Jobs.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// The web app and the worker log the engine's one start-up line through ILogger, and a device that cannot serve
/// (CUDA on this CPU-only machine, a GPU number beyond the count) is logged as critical and stops the host.
/// </summary>
public sealed class EngineStartupLineTests
{
    [Fact]
    public void A_host_logs_one_engine_line_with_device_libtorch_and_precision()
    {
        var (ok, lines) = Start(new() { ["ClipSurgery:Device"] = "cpu", ["ClipSurgery:Precision"] = "fp32" });

        Assert.True(ok);
        var line = Assert.Single(lines);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("engine: device cpu (", line.Text);
        Assert.Contains("· libtorch ", line.Text);
        Assert.EndsWith("· precision fp32", line.Text);
    }

    [Fact]
    public void A_host_asked_for_a_gpu_it_cannot_use_logs_why_and_does_not_start()
    {
        if (TorchSharp.torch.cuda.is_available() && TorchSharp.torch.cuda.device_count() > 63)
            return;   // a machine with 64 GPUs would serve cuda:63; none exists in practice

        var (ok, lines) = Start(new() { ["ClipSurgery:Device"] = "cuda:63" });

        Assert.False(ok);
        var line = Assert.Single(lines);
        Assert.Equal(LogLevel.Critical, line.Level);
        Assert.StartsWith("engine refused to start: device cuda:63: ", line.Text);
    }

    [Fact]
    public void A_host_with_an_unknown_precision_or_device_setting_does_not_start()
    {
        var (device, deviceLines) = Start(new() { ["ClipSurgery:Device"] = "tpu" });
        var (precision, precisionLines) = Start(new() { ["ClipSurgery:Device"] = "cpu", ["ClipSurgery:Precision"] = "fp8" });

        Assert.False(device);
        Assert.Contains("device: 'tpu' is not one of auto, cpu, cuda, cuda:N", Assert.Single(deviceLines).Text);
        Assert.False(precision);
        Assert.Contains("precision: 'fp8' is not one of", Assert.Single(precisionLines).Text);
    }

    private static (bool Ok, IReadOnlyList<(LogLevel Level, string Text)> Lines) Start(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var sink = new Sink();
        builder.Logging.ClearProviders().AddProvider(sink);
        using var host = builder.Build();
        var ok = host.LogEngineStartup();
        return (ok, sink.Lines.Where(l => l.Category == "ClipSurgeryWeb.Engine").Select(l => (l.Level, l.Text)).ToList());
    }

    private sealed class Sink : ILoggerProvider
    {
        public List<(string Category, LogLevel Level, string Text)> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Sink sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (sink.Lines)
                    sink.Lines.Add((category, logLevel, formatter(state, exception)));
            }
        }
    }
}
