using System.CommandLine;
using System.Runtime.ExceptionServices;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>
/// <c>clipsurgery segment &lt;image&gt; --model M --sam FILE --targets "bench,person+bench"</c>: SAM masks for words,
/// guided by CLIP Surgery's points (the engine's <see cref="IClipPipeline.Segment"/>, its events rendered here); or
/// <c>--points "x,y,1;x,y,0"</c> to prompt SAM directly (no CLIP, so no CLIP pipeline: SAM is asked here).
/// </summary>
public static class SegmentCommand
{
    /// <param name="reporter">Where messages go.</param>
    /// <param name="pipelines">How the engine's pipeline is made from the loaded models (default <see cref="ClipPipeline"/>);
    /// a test wraps it to see the events the command renders.</param>
    public static Command Create(Reporter reporter, Func<ClipExplainer, ClipTokenizer, SamModel, ImageLimits, IClipPipeline>? pipelines = null)
    {
        pipelines ??= (explainer, tokenizer, sam, limits) => new ClipPipeline(explainer, tokenizer, sam, limits);
        var setup = new EngineSetup();
        setup.Model.Required = false;
        var image = new Argument<string>("image") { Description = "The image to segment" };
        var sam = new Option<string>("--sam") { Description = "SAM checkpoint file, or vit_b | vit_l | vit_h (downloaded)", Required = true };
        var targets = new Option<string?>("--targets") { Description = "Comma-separated words; a+b combines" };
        var points = new Option<string?>("--points") { Description = "Prompt SAM directly: \"x,y,1;x,y,0\" (1 = object, 0 = background)" };
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "out" };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images with more pixels than this", DefaultValueFactory = _ => ImageLimits.DefaultMaxPixels };

        var command = new Command("segment", "Segment Anything masks for words (or for given points)");
        command.Arguments.Add(image);
        command.Options.Add(sam);
        command.Options.Add(targets);
        command.Options.Add(points);
        command.Options.Add(output);
        command.Options.Add(maxPixels);
        setup.AddTo(command);

        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(image)!;
            var folder = OutputNames.ImageFolder(parse.GetValue(output)!, path);
            try
            {
                var words = ExplainRequest.SplitList(parse.GetValue(targets));
                var pointText = parse.GetValue(points);
                if ((words.Count == 0) == (pointText is null))
                    throw new EngineInputException("segment", "give either --targets (words) or --points (x,y,label;…)");
                if (pointText is null && parse.GetValue(setup.Model) is null)
                    throw new EngineInputException("--model", "needed to find points for --targets");

                EngineSetup.CheckOutput(parse.GetValue(output)!);
                var preference = setup.ReadDevice(parse);
                var device = ComputeDevice.Resolve(preference);
                if (pointText is not null)
                    EngineSetup.Announce(reporter, new EngineOptions(preference) { Precision = Precision.Fp32 });   // SAM alone: always fp32 (with --targets the CLIP load announces)
                using var http = DownloadClient.Create();
                var resolver = new ModelResolver(parse.GetValue(setup.ModelsDir)!, new ModelDownloader(http));
                var samPath = await EngineSetup.WithRemedy(() => resolver.ResolveSamAsync(parse.GetValue(sam)!, parse.GetValue(setup.AcceptFineTune), reporter.Downloads(), ct));
                var limits = new ImageLimits(parse.GetValue(maxPixels));
                if (pointText is not null)
                {
                    using var picture = ImageLoader.Load(path, limits);
                    using var samModel = LoadSam(samPath, device);
                    var prompt = EngineSetup.Flag("--points", () => TextSegmenter.ParsePoints(pointText));
                    using var predictor = new SamPredictor(samModel);
                    predictor.SetImage(picture);
                    IReadOnlyList<SegmentResult> results = [TextSegmenter.Predict(predictor, "points", prompt)];
                    var files = SegmentationWriter.Write(results, picture, folder);
                    foreach (var r in results)
                        reporter.Info($"{r.Target}: score {r.Score:F3}, {r.Mask.Count(v => v > 0):N0} pixels, {r.Prompt.Count} points");
                    reporter.Info($"{files.Count} file(s) in {folder}");
                }
                else
                {
                    ImageLoader.Inspect(path, limits);   // a bad image is refused before any model is loaded, as with --points
                    using var samModel = LoadSam(samPath, device);
                    var engine = await setup.ResolveAsync(parse, reporter, ct);
                    using var explainer = engine.LoadExplainer(engine.Options with { Limits = limits });
                    SegmentWords(pipelines(explainer, engine.Tokenizer, samModel, limits), path, words, folder, reporter, ct);
                }
                return ExitCodes.Ok;
            }
            catch (EngineInputException e)
            {
                reporter.Error(e.Subject, e.Reason);
                return ExitCodes.Unusable;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                reporter.Error("interrupted: nothing was written");
                return ExitCodes.Interrupted;
            }
        });
        return command;
    }

    /// <summary>
    /// The engine's segment of one image into a staging folder, published when the engine says the image is finished
    /// (so the folder appears whole or not at all, as <see cref="SegmentationWriter.Write"/> does): per mask its score,
    /// pixels and points, then the number of files the engine announced.
    /// </summary>
    private static void SegmentWords(IClipPipeline pipeline, string path, IReadOnlyList<string> words, string folder, Reporter reporter, CancellationToken ct)
    {
        using var staged = new StagedFolder(folder);
        var points = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = new List<string>();
        int files = 0;
        ImageFailed? failure = null;
        void Render(PipelineEvent e)
        {
            switch (e)
            {
                case PointsFound p:
                    points[p.Target] = p.Points.Count;
                    break;
                case MaskWritten m:
                    files++;
                    lines.Add($"{m.Target}: score {m.Score:F3}, {WhitePixels(Path.Combine(staged.Path, m.File)):N0} pixels, {points[m.Target]} points");
                    break;
                case OverlayWritten or FileWritten:
                    files++;
                    break;
                case ImageFinished:
                    staged.Publish();
                    break;
                case ImageFailed f:
                    failure = f;
                    break;
            }
        }

        pipeline.Segment(new SegmentImagesRequest([new PipelineImage(path, path, staged.Path)], words), Render, ct);
        // The one image failed: bad input is the command's "unusable" (as before the engine ran it), anything else propagates.
        if (failure is not null)
            ExceptionDispatchInfo.Capture(failure.Error).Throw();
        foreach (var line in lines)
            reporter.Info(line);
        reporter.Info($"{files} file(s) in {folder}");
    }

    /// <summary>
    /// The white pixels of a mask file as written (white on black): counted from the file the engine announced rather
    /// than carried on <see cref="MaskWritten"/>, so the engine's event keeps its shape for its other producers and
    /// readers, and the number printed is that of the very file published.
    /// </summary>
    private static long WhitePixels(string maskFile)
    {
        using var mask = Image.Load<L8>(maskFile);
        long count = 0;
        mask.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
                foreach (var pixel in rows.GetRowSpan(y))
                    count += pixel.PackedValue > 127 ? 1 : 0;
        });
        return count;
    }

    /// <summary>SAM runs fp32 whatever <c>--precision</c> says (only CLIP follows OpenAI's half-precision recipe).</summary>
    private static SamModel LoadSam(string path, TorchSharp.torch.Device device)
    {
        try
        {
            return SamModel.Load(path, device);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            throw new EngineInputException(path, e.Message, e);
        }
    }
}
