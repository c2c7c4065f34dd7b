using System.CommandLine;
using ClipSurgeryWeb.Cli.Commands;
using ClipSurgeryWeb.Cli.Terminal;

namespace ClipSurgeryWeb.Cli;

/// <summary>The <c>clipsurgery</c> command tree; <c>Program</c> runs it, tests call it in-process.</summary>
public static class CliApp
{
    public static RootCommand Create(Reporter reporter) =>
        new("clipsurgery: where CLIP looks — CLIP Surgery heatmaps, CLIP opinions, SAM masks")
        {
            ExplainCommand.Create(reporter),
            SegmentCommand.Create(reporter),
            SegmentLabelsCommand.Create(reporter),
            OpinionsCommand.Create(reporter),
            RecordsCommand.Create(reporter),
            RunAllCommand.Create(reporter),
            DeviceCommand.Create(reporter),
            EvalCommand.Create(reporter),
            EvalDownloadCommand.Create(reporter),
        };

    public static Task<int> RunAsync(string[] args, Reporter reporter, CancellationToken ct = default) =>
        Create(reporter).Parse(args).InvokeAsync(cancellationToken: ct);
}
