using System.CommandLine;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Segmentation;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>
/// <c>clipsurgery segment &lt;image&gt; --model M --sam FILE --targets "bench,person+bench"</c>: SAM masks for words,
/// guided by CLIP Surgery's points; or <c>--points "x,y,1;x,y,0"</c> to prompt SAM directly (no CLIP).
/// </summary>
public static class SegmentCommand
{
    public static Command Create(Reporter reporter)
    {
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
                using var http = Http.DownloadClient.Create();
                var resolver = new ModelResolver(parse.GetValue(setup.ModelsDir)!, new ModelDownloader(http));
                var samPath = await EngineSetup.WithRemedy(() => resolver.ResolveSamAsync(parse.GetValue(sam)!, parse.GetValue(setup.AcceptFineTune), reporter.Downloads(), ct));
                using var picture = ImageLoader.Load(path, new ImageLimits(parse.GetValue(maxPixels)));
                using var samModel = LoadSam(samPath, device);

                IReadOnlyList<SegmentResult> results;
                if (pointText is not null)
                {
                    var prompt = EngineSetup.Flag("--points", () => TextSegmenter.ParsePoints(pointText));
                    using var predictor = new SamPredictor(samModel);
                    predictor.SetImage(picture);
                    results = [TextSegmenter.Predict(predictor, "points", prompt)];
                }
                else
                {
                    var engine = await setup.ResolveAsync(parse, reporter, ct);
                    using var explainer = engine.LoadExplainer(engine.Options);
                    results = new TextSegmenter(explainer, samModel).Segment(picture, words, ct);
                }

                var files = SegmentationWriter.Write(results, picture, folder);
                foreach (var r in results)
                    reporter.Info($"{r.Target}: score {r.Score:F3}, {r.Mask.Count(v => v > 0):N0} pixels, {r.Prompt.Count} points");
                reporter.Info($"{files.Count} file(s) in {folder}");
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
