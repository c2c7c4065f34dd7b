using System.CommandLine;
using System.Diagnostics;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>
/// <c>clipsurgery explain &lt;image&gt;... --model M --labels "a,b"</c>: heatmaps per image into
/// <c>DIR/&lt;stem&gt;/&lt;mode&gt;_&lt;label&gt;.png</c>, <c>scores.json</c> (CLIP's zero-shot ranking of the labels) and on
/// request <c>maps.safetensors</c>; each image's line names its top label. A bad image is reported
/// and skipped; the exit status is 1 when any image failed, 2 when nothing could run.
/// </summary>
public static class ExplainCommand
{
    public static Command Create(Reporter reporter)
    {
        var setup = new EngineSetup();
        var images = new Argument<string[]>("image") { Description = "Images to explain (PNG, JPEG, …)", Arity = ArgumentArity.OneOrMore };
        var labels = new Option<string>("--labels") { Description = "Comma-separated labels competing in feature surgery", Required = true };
        var targets = new Option<string?>("--targets") { Description = "Comma-separated targets to draw, a+b combines (default: the labels)" };
        var resolution = new Option<int?>("--resolution") { Description = "Input size n×n (default: the model's own)" };
        var modes = new Option<string>("--modes") { Description = $"{MapMethods.Names} (comma-separated)", DefaultValueFactory = _ => "cs" };
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "out" };
        var saveMaps = new Option<bool>("--save-maps") { Description = "Also write maps.safetensors with the raw maps and SAM points" };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images with more pixels than this", DefaultValueFactory = _ => ImageLimits.DefaultMaxPixels };
        var imageBatch = new Option<int>("--image-batch")
        {
            Description = $"Images encoded together (1…{ImageBatching.MaxSize}; on CUDA also bounded by free memory)",
            DefaultValueFactory = _ => EngineOptions.DefaultImageBatchSize,
        };

        var command = new Command("explain", "CLIP Surgery heatmaps (and plain-CLIP maps) for images");
        command.Arguments.Add(images);
        command.Options.Add(labels);
        command.Options.Add(targets);
        command.Options.Add(resolution);
        command.Options.Add(modes);
        command.Options.Add(output);
        command.Options.Add(saveMaps);
        command.Options.Add(maxPixels);
        command.Options.Add(imageBatch);
        setup.AddTo(command);

        command.SetAction(async (parse, ct) =>
        {
            ExplainRequest request;
            EngineSetup.Resolved engine;
            int batch;
            try
            {
                batch = ImageBatching.Checked(parse.GetValue(imageBatch), $"--image-batch {parse.GetValue(imageBatch)}");
                request = new ExplainRequest(
                    ExplainRequest.SplitList(parse.GetValue(labels)),
                    ExplainRequest.SplitList(parse.GetValue(targets)),
                    parse.GetValue(resolution),
                    EngineSetup.Flag("--modes", () => MapMethods.Parse(parse.GetValue(modes)!)));
                request.Validate();
                EngineSetup.CheckOutput(parse.GetValue(output)!);
                engine = await setup.ResolveAsync(parse, reporter, ct);
            }
            catch (EngineInputException e)
            {
                reporter.Error(e.Subject, e.Reason);
                return ExitCodes.Unusable;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                reporter.Error("interrupted before any image was explained");
                return ExitCodes.Interrupted;
            }

            var limits = new ImageLimits(parse.GetValue(maxPixels));
            var outDir = parse.GetValue(output)!;
            try
            {
                return Run(engine with { Options = engine.Options with { ImageBatchSize = batch } }, request, parse.GetValue(images)!, outDir,
                    parse.GetValue(saveMaps), limits, reporter, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                reporter.Error("interrupted: the images finished so far are complete; the one in progress was not written");
                return ExitCodes.Interrupted;
            }
        });
        return command;
    }

    private static int Run(EngineSetup.Resolved engine, ExplainRequest request, string[] images, string outDir, bool saveMaps,
        ImageLimits limits, Reporter reporter, CancellationToken ct)
    {
        ClipExplainer explainer;
        try
        {
            explainer = engine.LoadExplainer(engine.Options with { Limits = limits });
        }
        catch (EngineInputException e)
        {
            reporter.Error(e.Subject, e.Reason);
            return ExitCodes.Unusable;
        }

        using (explainer)
        {
            reporter.Info($"model {Path.GetFileName(engine.ModelPath)}: {explainer.Model.Config.Architecture}, input {explainer.Model.Visual.InputResolution}, device {explainer.Device}");
            var pipeline = new ClipPipeline(explainer, engine.Tokenizer, limits: limits);
            var folders = new HashSet<string>(StringComparer.Ordinal);
            int failed = 0;
            var clock = Stopwatch.StartNew();
            // Images go to the engine's explain a batch (--image-batch) at a time, each into its own staging folder; an
            // image's folder appears whole when the engine says it is finished, and is reported then.
            for (int first = 0; first < images.Length; first += explainer.ImageBatchSize)
            {
                var staged = new Dictionary<string, (int Index, string Folder, StagedFolder Staging, int Files)>(StringComparer.Ordinal);
                var best = new Dictionary<string, LabelScore>(StringComparer.Ordinal);
                try
                {
                    for (int i = first; i < Math.Min(images.Length, first + explainer.ImageBatchSize); i++)
                    {
                        var folder = OutputNames.ImageFolder(outDir, images[i]);
                        // Two inputs writing one folder: the later one fails before it is decoded.
                        if (!folders.Add(Path.GetFullPath(folder)))
                        {
                            failed++;
                            reporter.Error(images[i], $"another input of this call already writes to {folder}");
                            continue;
                        }
                        staged[i.ToString()] = (i, folder, new StagedFolder(folder), 0);
                    }
                    if (staged.Count == 0)
                        continue;

                    void Render(PipelineEvent e)
                    {
                        var (index, folder, staging, files) = staged[e.Image];
                        switch (e)
                        {
                            case HeatmapWritten or FileWritten:
                                staged[e.Image] = (index, folder, staging, files + 1);
                                break;
                            case LabelsScored { Scores.Count: > 0 } scored:
                                best[e.Image] = scored.Scores[0];
                                break;
                            case ImageFinished:
                                staging.Publish();
                                var top = best.TryGetValue(e.Image, out var first) ? $", top label '{first.Label}' {first.Probability.ToString("P1", System.Globalization.CultureInfo.InvariantCulture)}" : "";
                                reporter.Info($"[{index + 1}/{images.Length}] {images[index]}: {files} file(s) in {folder}{top} ({clock.Elapsed.TotalSeconds:F1} s)");
                                clock.Restart();
                                break;
                            case ImageFailed { Error: EngineInputException input }:
                                failed++;
                                reporter.Error(input.Subject, input.Reason);
                                break;
                            case ImageFailed other:
                                // A disk or native failure on one image: reported, and the others still run.
                                failed++;
                                reporter.Error(images[index], other.Error.Message.Split('\n')[0]);
                                break;
                        }
                    }

                    var batch = staged.Values.OrderBy(v => v.Index).Select(v => new PipelineImage(v.Index.ToString(), images[v.Index], v.Staging.Path)).ToList();
                    pipeline.Explain(new ExplainImagesRequest(batch, request, SaveMaps: saveMaps), Render, ct);
                }
                catch (EngineInputException e)
                {
                    // The request does not fit this model (a label too long for its context, a resolution too small): no image can run.
                    reporter.Error(e.Subject, e.Reason);
                    return ExitCodes.Unusable;
                }
                finally
                {
                    // A staging folder not published (its image failed, or the run was stopped) is removed with what it holds.
                    foreach (var (_, _, staging, _) in staged.Values)
                        staging.Dispose();
                }
            }
            return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
        }
    }
}
