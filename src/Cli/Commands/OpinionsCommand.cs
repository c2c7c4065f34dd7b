using System.CommandLine;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tokenization;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>
/// <c>clipsurgery opinions &lt;image&gt;... --model M</c>: CLIP's opinion of each image by gradient ascent, into
/// <c>DIR/&lt;stem&gt;/tokens.csv</c> (Token,Frequency), <c>words.txt</c> and <c>opinion.json</c>. A bad image is
/// reported and skipped; the exit status is 1 when any image failed, 2 when nothing could run. The work is the engine's
/// <see cref="IClipPipeline.Opinions"/>; this renders its events.
/// </summary>
public static class OpinionsCommand
{
    /// <param name="reporter">Where messages go.</param>
    /// <param name="pipelines">How the engine's pipeline is made from the loaded model (default <see cref="ClipPipeline"/>);
    /// a test wraps it to see the events the command renders.</param>
    public static Command Create(Reporter reporter, Func<ClipExplainer, ClipTokenizer, ImageLimits, IClipPipeline>? pipelines = null)
    {
        pipelines ??= (explainer, tokenizer, limits) => new ClipPipeline(explainer, tokenizer, limits: limits);
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
            return Run(engine, pipelines, model, settings, parse.GetValue(images)!, parse.GetValue(output)!, limits, reporter, ct);
        });
        return command;
    }

    private static int Run(EngineSetup.Resolved engine, Func<ClipExplainer, ClipTokenizer, ImageLimits, IClipPipeline> pipelines, string modelName, OpinionSettings settings, string[] images, string outDir,
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
            var pipeline = pipelines(explainer, engine.Tokenizer, limits);
            reporter.Info($"model {modelName}: {explainer.Model.Config.Architecture}, device {explainer.Device}; {settings.Iterations} steps × {settings.Batch} samples of {settings.Tokens} tokens, {settings.Views} views");
            int failed = 0;
            var folders = new HashSet<string>(StringComparer.Ordinal);
            // One engine call per image: each has its own staging folder, published when the engine says the image is
            // finished, and its own progress view (which shows one run at a time).
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
                    var finished = OpinionProgressView.Run(reporter, name, settings.Iterations,
                        progress => OpinionOf(pipeline, path, settings, modelName, folder, progress, ct));
                    reporter.Info($"[{i + 1}/{images.Length}] {path}: {finished.Tokens.Count} tokens, {finished.Words.Count} words, best \"{finished.BestText}\" in {folder} (seed {finished.Seed}, {clock.Elapsed.TotalSeconds:F1} s)");
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

    /// <summary>What the command says of a finished opinion: the engine's <see cref="OpinionFinished"/> and the best text of its last step.</summary>
    private sealed record Finished(IReadOnlyList<TokenCount> Tokens, IReadOnlyList<string> Words, long Seed, string BestText);

    /// <summary>
    /// The engine's opinion of one image into a staging
    /// folder that is published when the engine says the image is finished, so the folder appears whole or not at all.
    /// A failed image rethrows what stopped it (bad input is reported by the caller and the others go on).
    /// </summary>
    private static Finished OpinionOf(IClipPipeline pipeline, string path, OpinionSettings settings, string modelName, string folder, IProgress<OpinionProgress> progress, CancellationToken ct)
    {
        using var staged = new StagedFolder(folder);
        OpinionProgress? last = null;
        OpinionFinished? opinion = null;
        ImageFailed? failure = null;
        void Render(PipelineEvent e)
        {
            switch (e)
            {
                case OpinionProgressed p:
                    last = p.Progress;
                    progress.Report(p.Progress);
                    break;
                case OpinionFinished f:
                    opinion = f;
                    break;
                case ImageFinished:
                    staged.Publish();
                    break;
                case ImageFailed f:
                    failure = f;
                    break;
            }
        }

        pipeline.Opinions(new OpinionsRequest([new PipelineImage(path, path, staged.Path)], settings, modelName), Render, ct);
        if (failure is not null)
            ExceptionDispatchInfo.Capture(failure.Error).Throw();
        if (opinion is null || last is null)
            throw new InvalidOperationException($"the engine finished {path} without its opinion");
        return new Finished(opinion.Tokens, opinion.Words, opinion.Seed, last.BestText);
    }
}
