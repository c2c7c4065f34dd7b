using System.CommandLine;
using System.Diagnostics;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tokenization;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>
/// <c>clipsurgery eval &lt;dataset-dir&gt; --dataset voc21 --methods naclip,sclip --model M [--limit N] [--pamr | --no-pamr]
/// [--short-side N] [--report DIR]</c>: scores methods on a benchmark folder (the engine's <see cref="IClipPipeline.Evaluate"/>),
/// each method under its own code's test protocol (<see cref="EvalProtocol"/>; <c>--short-side</c>, <c>--pamr</c> and
/// <c>--no-pamr</c> override it), the protocols and a progress line per image on stderr, the summary table on stdout at
/// the end, <c>report.json</c> and <c>report.md</c> in the report folder. Interrupted (Ctrl+C) it exits 130 and the same command continues it.
/// </summary>
public static class EvalCommand
{
    /// <param name="pipelines">How the pipeline is made from the loaded model (default <see cref="ClipPipeline"/>); a test wraps it.</param>
    public static Command Create(Reporter reporter, Func<ClipExplainer, ClipTokenizer, IClipPipeline>? pipelines = null)
    {
        pipelines ??= (explainer, tokenizer) => new ClipPipeline(explainer, tokenizer);
        var setup = new EngineSetup();
        var folder = new Argument<string>("dataset-dir") { Description = "The benchmark's folder (e.g. the one holding VOCdevkit)" };
        var dataset = new Option<string>("--dataset") { Description = EvalDatasetSettings.Names, Required = true };
        var methods = new Option<string>("--methods") { Description = "Comma-separated methods (naclip, sclip, clip_dense, kk_reduced, cs, …)", Required = true };
        var limit = new Option<int?>("--limit") { Description = "Only the first N images of the split" };
        var pamr = new Option<bool>("--pamr") { Description = "Force PAMR refinement on for the methods that offer it (NACLIP; default: as each method's code, NACLIP on)" };
        var noPamr = new Option<bool>("--no-pamr") { Description = "Force PAMR off (default: as each method's code, NACLIP on)" };
        var shortSide = new Option<int?>("--short-side") { Description = "Resize short side for every method (default: each method's own config: NACLIP/SCLIP 336, ClearCLIP 448, Cityscapes 560, SCLIP COCO-Stuff 448; cs the issue's, ADE20K 448)" };
        var report = new Option<string?>("--report") { Description = "Report folder (state, report.json, report.md; default eval-<dataset>)" };
        var restart = new Option<bool>("--restart") { Description = "Discard the state of another eval found in the report folder" };

        var command = new Command("eval", "Score segmentation methods on a benchmark (mmseg's mIoU, aAcc, mAcc)");
        command.Arguments.Add(folder);
        command.Options.Add(dataset);
        command.Options.Add(methods);
        command.Options.Add(limit);
        command.Options.Add(pamr);
        command.Options.Add(noPamr);
        command.Options.Add(shortSide);
        command.Options.Add(report);
        command.Options.Add(restart);
        setup.AddTo(command);

        command.SetAction(async (parse, ct) =>
        {
            var done = 0;
            try
            {
                var kind = EvalDatasetSettings.Parse(parse.GetValue(dataset)!);
                var reportDir = parse.GetValue(report) ?? $"eval-{EvalDatasetSettings.For(kind).Name}";
                if (parse.GetValue(pamr) && parse.GetValue(noPamr))
                    throw new EngineInputException("--pamr", "and --no-pamr both given: choose one (or neither, for each method's own)");
                bool? forcePamr = parse.GetValue(pamr) ? true : parse.GetValue(noPamr) ? false : null;
                var request = new EvalRequest(parse.GetValue(folder)!, kind, EngineSetup.Flag("--methods", () => MapMethods.Parse(parse.GetValue(methods)!)),
                    reportDir, parse.GetValue(limit), forcePamr, parse.GetValue(shortSide), parse.GetValue(restart));
                if (request.Limit is < 1)
                    throw new EngineInputException("--limit", $"{request.Limit}: give at least 1 image");
                if (request.ShortSide is < 32 or > 4096)
                    throw new EngineInputException("--short-side", $"{request.ShortSide} is outside 32…4096 pixels");
                // A folder that is not the dataset, or a method with no protocol, is refused before any model is loaded.
                EvalDataset.Open(request.DatasetFolder, kind);
                var protocols = EngineSetup.Flag("--methods", () => EvalProtocol.ForRequest(request));
                try
                {
                    OutputFolder.EnsureWritable(reportDir);
                }
                catch (EngineInputException e)
                {
                    throw new EngineInputException($"--report {reportDir}", e.Reason, e);
                }
                var engine = await setup.ResolveAsync(parse, reporter, ct);
                using var explainer = engine.LoadExplainer(engine.Options);
                foreach (var protocol in protocols)
                    reporter.Info($"protocol {protocol.Describe()}");
                var clock = Stopwatch.StartNew();
                var scored = 0;
                EvalFinished? finished = null;
                pipelines(explainer, engine.Tokenizer).Evaluate(request, e =>
                {
                    switch (e)
                    {
                        case EvalProgressed p:
                            done = p.Done;
                            scored++;
                            reporter.Info($"eval {parse.GetValue(dataset)}: {p.Done}/{p.Total} {p.Image} ({scored / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):F2} images/s)");
                            break;
                        case EvalFinished f:
                            finished = f;
                            break;
                    }
                }, ct);
                if (finished is null)
                    throw new InvalidOperationException("the eval ended without its report");
                reporter.Output.Write(EvalReportFile.SummaryTable(finished.Report));
                foreach (var method in finished.Report.Methods.Where(m => m.Protocol is not null))
                    reporter.Info($"scored under {method.Protocol!.Describe()}");
                reporter.Info($"{finished.Report.Images} images; report in {finished.ReportFile} and {Path.Combine(reportDir, EvalReportFile.MarkdownName)}");
                return ExitCodes.Ok;
            }
            catch (EngineInputException e)
            {
                reporter.Error(e.Subject, e.Reason);
                return ExitCodes.Unusable;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                reporter.Error($"interrupted after {done} images: run the same command again to continue");
                return ExitCodes.Interrupted;
            }
        });
        return command;
    }
}
