using System.CommandLine;
using System.Diagnostics;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Overlay;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Storage;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>
/// <c>clipsurgery segment-labels &lt;image&gt;... --model M (--labels "a,b,c" | --classes FILE) --methods naclip,sclip,clip_dense,cs</c>:
/// open-vocabulary label maps per method (the engine's <see cref="IClipPipeline.SegmentLabels"/>) into
/// <c>DIR/&lt;stem&gt;/labels_&lt;method&gt;.png</c> (overlay with legend), <c>labelmap_&lt;method&gt;.png</c> (palette PNG of
/// class ids) and, with <c>--save-maps</c>, <c>labels.safetensors</c>; each image's lines name every method's top
/// classes with their shares. A bad image is reported and skipped; the exit status is 1 when any image failed, 2 when
/// nothing could run.
/// </summary>
public static class SegmentLabelsCommand
{
    /// <summary>How many classes each method's line names.</summary>
    private const int TopClasses = 3;

    public static Command Create(Reporter reporter)
    {
        var setup = new EngineSetup();
        var images = new Argument<string[]>("image") { Description = "Images to segment (PNG, JPEG, …)", Arity = ArgumentArity.OneOrMore };
        var labels = new Option<string?>("--labels") { Description = "Comma-separated classes, one name each" };
        var classes = new Option<string?>("--classes") { Description = "Class file: one class per line, its names comma-separated (the methods' format)" };
        var methods = new Option<string>("--methods") { Description = $"{string.Join(", ", LabelSegmenter.Methods)} (comma-separated)", Required = true };
        var background = new Option<bool>("--background") { Description = $"Add a '{ClassList.BackgroundName}' class 0 in front of the classes" };
        var threshold = new Option<double>("--threshold") { Description = "Pixels whose best class probability is below this go to class 0 (0 = off)", DefaultValueFactory = _ => 0 };
        var pamr = new Option<bool>("--pamr") { Description = "Refine NACLIP's logits with PAMR (10 iterations, dilations 8 and 16; other methods are unchanged)" };
        var shortSide = new Option<int>("--short-side") { Description = "Resize so the short side is this many pixels (the methods' configs: 336)", DefaultValueFactory = _ => LabelSegmentationOptions.DefaultShortSide };
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "out" };
        var saveMaps = new Option<bool>("--save-maps") { Description = "Also write labels.safetensors (<method>.pred uint8 [H, W], <method>.probs float32 [classes, H, W])" };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images with more pixels than this", DefaultValueFactory = _ => ImageLimits.DefaultMaxPixels };

        var command = new Command("segment-labels", "Open-vocabulary label maps per method (NACLIP, SCLIP, dense CLIP, CLIP Surgery …)");
        command.Arguments.Add(images);
        command.Options.Add(labels);
        command.Options.Add(classes);
        command.Options.Add(methods);
        command.Options.Add(background);
        command.Options.Add(threshold);
        command.Options.Add(pamr);
        command.Options.Add(shortSide);
        command.Options.Add(output);
        command.Options.Add(saveMaps);
        command.Options.Add(maxPixels);
        setup.AddTo(command);

        command.SetAction(async (parse, ct) =>
        {
            ClassList classList;
            IReadOnlyList<MapMethod> chosen;
            LabelSegmentationOptions options;
            EngineSetup.Resolved engine;
            try
            {
                classList = ReadClasses(parse.GetValue(labels), parse.GetValue(classes));
                if (parse.GetValue(background))
                    classList = classList.WithBackground();
                chosen = ReadMethods(parse.GetValue(methods)!);
                options = new LabelSegmentationOptions(parse.GetValue(shortSide), parse.GetValue(pamr), parse.GetValue(threshold));
                Validate(options);
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
                reporter.Error("interrupted before any image was segmented");
                return ExitCodes.Interrupted;
            }

            var limits = new ImageLimits(parse.GetValue(maxPixels));
            try
            {
                return Run(engine, new Request(classList, chosen, options, parse.GetValue(saveMaps)), parse.GetValue(images)!, parse.GetValue(output)!, limits, reporter, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                reporter.Error("interrupted: the images finished so far are complete; the one in progress was not written");
                return ExitCodes.Interrupted;
            }
        });
        return command;
    }

    private sealed record Request(ClassList Classes, IReadOnlyList<MapMethod> Methods, LabelSegmentationOptions Options, bool SaveMaps);

    /// <summary>The engine's checks of the options, its "threshold" restated as the flag.</summary>
    private static void Validate(LabelSegmentationOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (EngineInputException e) when (e.Subject == "threshold")
        {
            throw new EngineInputException("--threshold", e.Reason, e);
        }
    }

    /// <summary>Exactly one of <c>--labels</c> and <c>--classes</c>.</summary>
    private static ClassList ReadClasses(string? labels, string? file)
    {
        if ((labels is null) == (file is null))
            throw new EngineInputException("segment-labels", "give either --labels \"a,b,c\" or --classes FILE (not both)");
        return labels is not null ? ClassList.FromLabels(labels) : ClassList.Read(file!);
    }

    /// <summary>Known method names that draw label maps (plain CLIP and single-label Surgery do not).</summary>
    private static IReadOnlyList<MapMethod> ReadMethods(string text)
    {
        var methods = EngineSetup.Flag("--methods", () => MapMethods.Parse(text));
        var other = methods.FirstOrDefault(m => !LabelSegmenter.Methods.Contains(m));
        if (other != default)
            throw new EngineInputException("--methods", $"'{other.Name}' draws no label map (use {string.Join(", ", LabelSegmenter.Methods)})");
        return methods;
    }

    /// <summary>An engine refusal about the whole request, restated with the flag that sets it.</summary>
    private static EngineInputException Restated(EngineInputException e) => e.Subject switch
    {
        "methods" => new EngineInputException("--methods", e.Reason, e),
        "pamr" => new EngineInputException("--pamr", e.Reason, e),
        "classes" => new EngineInputException("--labels/--classes", e.Reason, e),
        _ => e,
    };

    private static int Run(EngineSetup.Resolved engine, Request request, string[] images, string outDir, ImageLimits limits, Reporter reporter, CancellationToken ct)
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
            reporter.Info($"model {Path.GetFileName(engine.ModelPath)}: {explainer.Model.Config.Architecture}, device {explainer.Device}; classes {request.Classes}");
            var pipeline = new ClipPipeline(explainer, engine.Tokenizer, limits: limits);
            var staged = new Dictionary<string, (int Index, string Folder, StagedFolder Staging)>(StringComparer.Ordinal);
            var folders = new HashSet<string>(StringComparer.Ordinal);
            var lines = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var files = new Dictionary<string, int>(StringComparer.Ordinal);
            int failed = 0;
            var clock = Stopwatch.StartNew();
            try
            {
                for (int i = 0; i < images.Length; i++)
                {
                    var folder = OutputNames.ImageFolder(outDir, images[i]);
                    // Two inputs writing one folder: the later one fails before it is decoded.
                    if (!folders.Add(Path.GetFullPath(folder)))
                    {
                        failed++;
                        reporter.Error(images[i], $"another input of this call already writes to {folder}");
                        continue;
                    }
                    staged[i.ToString()] = (i, folder, new StagedFolder(folder));
                }

                void Render(PipelineEvent e)
                {
                    var (index, folder, staging) = staged[e.Image];
                    switch (e)
                    {
                        case LabelMapWritten written:
                            files[e.Image] = files.GetValueOrDefault(e.Image) + 2;
                            lines.TryAdd(e.Image, []);
                            lines[e.Image].Add($"  {written.Method.Name}: {TopLine(written.Shares)}");
                            break;
                        case FileWritten:
                            files[e.Image] = files.GetValueOrDefault(e.Image) + 1;
                            break;
                        case ImageFinished:
                            staging.Publish();
                            reporter.Info($"[{index + 1}/{images.Length}] {images[index]}: {files.GetValueOrDefault(e.Image)} file(s) in {folder} ({clock.Elapsed.TotalSeconds:F1} s)");
                            foreach (var line in lines.GetValueOrDefault(e.Image) ?? [])
                                reporter.Info(line);
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

                if (staged.Count > 0)
                {
                    var batch = staged.Values.OrderBy(v => v.Index).Select(v => new PipelineImage(v.Index.ToString(), images[v.Index], v.Staging.Path)).ToList();
                    pipeline.SegmentLabels(new SegmentLabelsRequest(batch, request.Classes, request.Methods, request.Options, request.SaveMaps), Render, ct);
                }
            }
            catch (EngineInputException e)
            {
                // The request does not fit this model (a dense method on a ResNet, a name too long for its context): no image can run.
                var restated = Restated(e);
                reporter.Error(restated.Subject, restated.Reason);
                return ExitCodes.Unusable;
            }
            finally
            {
                // A staging folder not published (its image failed, or the run was stopped) is removed with what it holds.
                foreach (var (_, _, staging) in staged.Values)
                    staging.Dispose();
            }
            return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
        }
    }

    /// <summary>The largest classes first: <c>sky 40.1 %, cat 30.2 %, bench 10.0 %</c>.</summary>
    private static string TopLine(IReadOnlyList<ClassShare> shares) =>
        string.Join(", ", shares.Where(s => s.Share > 0).OrderByDescending(s => s.Share).ThenBy(s => s.ClassId).Take(TopClasses).Select(LabelOverlay.Line));
}
