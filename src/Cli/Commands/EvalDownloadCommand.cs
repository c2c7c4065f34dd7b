using System.CommandLine;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>
/// <c>clipsurgery eval-download voc2012|ade20k --dir D</c>: the benchmark archive (pinned URL and SHA-256,
/// <see cref="EvalDownloads"/>) downloaded with progress and unpacked so <c>clipsurgery eval D --dataset …</c> reads it.
/// </summary>
public static class EvalDownloadCommand
{
    /// <param name="http">The HTTP client (default <see cref="DownloadClient.Create"/>); a test gives one with a local handler.</param>
    public static Command Create(Reporter reporter, Func<HttpClient>? http = null)
    {
        http ??= () => DownloadClient.Create();
        var name = new Argument<string>("dataset") { Description = string.Join(" | ", EvalDownloads.All.Select(d => d.Name)) };
        var dir = new Option<string>("--dir") { Description = "Folder to download and unpack into", Required = true };
        var command = new Command("eval-download", "Download an openly available benchmark (VOC2012, ADE20K) for eval");
        command.Arguments.Add(name);
        command.Options.Add(dir);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var download = EvalDownloads.Parse(parse.GetValue(name)!);
                var folder = parse.GetValue(dir)!;
                using var client = http();
                reporter.Info($"{download.Name}: {download.Url} ({download.Bytes / 1048576.0:F0} MB, SHA-256 {download.Sha256})");
                await new EvalDownloads(client).FetchAsync(download, folder, reporter.Downloads(),
                    () => reporter.Info($"unpacking {download.FileName} into {folder}"), ct);
                var datasets = string.Join(" or ", download.Datasets.Select(k => EvalDatasetSettings.For(k).Name));
                reporter.Info($"ready: clipsurgery eval {folder} --dataset {datasets} …");
                return ExitCodes.Ok;
            }
            catch (EngineInputException e)
            {
                reporter.Error(e.Subject, e.Reason);
                return ExitCodes.Unusable;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                reporter.Error("interrupted: a partial download is not kept; run it again");
                return ExitCodes.Interrupted;
            }
        });
        return command;
    }
}
