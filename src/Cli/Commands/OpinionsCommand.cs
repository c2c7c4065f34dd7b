using System.CommandLine;
using System.Diagnostics;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Opinions;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>
/// <c>clipsurgery opinions &lt;image&gt;... --model M</c>: CLIP's opinion of each image by gradient ascent, into
/// <c>DIR/&lt;stem&gt;/tokens.csv</c> (Token,Frequency), <c>words.txt</c> and <c>opinion.json</c>. A bad image is
/// reported and skipped; the exit status is 1 when any image failed, 2 when nothing could run.
/// </summary>
public static class OpinionsCommand
{
    public static Command Create(Reporter reporter)
    {
        var setup = new EngineSetup();
        var ga = new OpinionOptions();
        var images = new Argument<string[]>("image") { Description = "Images to ask CLIP about (PNG, JPEG, …)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "out" };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images with more pixels than this", DefaultValueFactory = _ => ImageLimits.DefaultMaxPixels };

        var command = new Command("opinions", "CLIP opinions: the words CLIP finds for an image, by gradient ascent on tokens");
        command.Arguments.Add(images);
        command.Options.Add(output);
        command.Options.Add(maxPixels);
        ga.AddTo(command);
        setup.AddTo(command);

        command.SetAction(async (parse, ct) =>
        {
            OpinionSettings settings;
            EngineSetup.Resolved engine;
            try
            {
                settings = ga.Read(parse);
                EngineSetup.CheckOutput(parse.GetValue(output)!);
                engine = await setup.ResolveAsync(parse, reporter, ct);
            }
            catch (EngineInputException e)
            {
                reporter.Error(e.Subject, e.Reason);
                return ExitCodes.Unusable;
            }
            var limits = new ImageLimits(parse.GetValue(maxPixels));
            var model = OpinionOptions.ModelName(parse.GetValue(setup.Model)!);
            return Run(engine, model, settings, parse.GetValue(images)!, parse.GetValue(output)!, limits, reporter, ct);
        });
        return command;
    }

    private static int Run(EngineSetup.Resolved engine, string modelName, OpinionSettings settings, string[] images, string outDir,
        ImageLimits limits, Reporter reporter, CancellationToken ct)
    {
        ClipExplainer explainer;
        try
        {
            explainer = engine.LoadExplainer(engine.Options with { Limits = limits });
            settings.Validate(explainer.Model.Config.ContextLength);
        }
        catch (EngineInputException e)
        {
            reporter.Error(e.Subject, e.Reason);
            return ExitCodes.Unusable;
        }

        using (explainer)
        {
            var ascent = new GradientAscent(explainer.Model, engine.Tokenizer);
            reporter.Info($"model {modelName}: {explainer.Model.Config.Architecture}, device {explainer.Device}; {settings.Iterations} steps × {settings.Batch} samples of {settings.Tokens} tokens, {settings.Views} views");
            int failed = 0;
            var folders = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < images.Length; i++)
            {
                var path = images[i];
                var name = Path.GetFileNameWithoutExtension(path);
                var folder = OutputNames.ImageFolder(outDir, path);
                var clock = Stopwatch.StartNew();
                try
                {
                    ct.ThrowIfCancellationRequested();
                    if (!folders.Add(Path.GetFullPath(folder)))
                        throw new EngineInputException(path, $"another input of this call already writes to {folder}");
                    using var image = ImageLoader.Load(path, limits);
                    var result = OpinionProgressView.Run(reporter, name, settings.Iterations, progress => ascent.Run(image, settings, progress, ct));
                    OpinionFiles.Write(folder, result, OpinionInfo.From(result, Path.GetFileName(path), modelName, explainer.ModelSha256));
                    reporter.Info($"[{i + 1}/{images.Length}] {path}: {result.Tokens.Rows.Count} tokens, {result.Words.Count} words, best \"{result.BestText}\" in {folder} (seed {result.Seed}, {clock.Elapsed.TotalSeconds:F1} s)");
                }
                catch (EngineInputException e)
                {
                    failed++;
                    reporter.Error(e.Subject, e.Reason);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    reporter.Error("interrupted", $"{path} was not finished; {i} image(s) before it are written");
                    return ExitCodes.Interrupted;
                }
            }
            return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
        }
    }
}
