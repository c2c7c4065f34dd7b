using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Batch;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Storage;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>
/// <c>clipsurgery runall &lt;folder&gt; --model M [--sam FILE]</c>: every image of a folder through opinions → maps
/// (→ SAM masks) into <c>DIR/&lt;stem&gt;/</c> with <c>index.json</c>, then <c>DIR/records.txt</c>. Resumable: finished
/// images are skipped. A failing image is reported and the rest continue; the exit status is 1 when any failed,
/// 2 when nothing could run, 130 when interrupted.
/// </summary>
public static class RunAllCommand
{
    public static Command Create(Reporter reporter)
    {
        var setup = new EngineSetup();
        var ga = new OpinionOptions();
        var input = new Argument<string>("folder") { Description = "Folder of images (PNG, JPEG, …)" };
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "out" };
        var samPath = new Option<string?>("--sam") { Description = "Segment Anything checkpoint (sam_vit_h/l/b …): also writes a mask per target" };
        var minFrequency = new Option<int>("--min-frequency") { Description = "Draw tokens counted at least this often", DefaultValueFactory = _ => RunAllSettings.Default.MinTargetFrequency };
        var resolution = new Option<int?>("--resolution") { Description = "Input size of the plain and Surgery maps over all tokens (default: the model's own, as the reference; single-label maps and SAM points use 512)" };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images with more pixels than this", DefaultValueFactory = _ => ImageLimits.DefaultMaxPixels };

        var command = new Command("runall", "Opinions, CLIP Surgery maps and SAM masks for every image in a folder (resumable)");
        command.Arguments.Add(input);
        command.Options.Add(output);
        command.Options.Add(samPath);
        command.Options.Add(minFrequency);
        command.Options.Add(resolution);
        command.Options.Add(maxPixels);
        ga.AddTo(command);
        setup.AddTo(command);

        command.SetAction(async (parse, ct) =>
        {
            RunAllSettings settings;
            IReadOnlyList<string> images;
            EngineSetup.Resolved engine;
            try
            {
                settings = new RunAllSettings(ga.Read(parse), parse.GetValue(minFrequency), parse.GetValue(resolution), Limits: new ImageLimits(parse.GetValue(maxPixels)));
                if (settings.MinTargetFrequency < 1)
                    throw new EngineInputException("--min-frequency", $"{settings.MinTargetFrequency} is below 1");
                if (settings.SurgeryResolution is { } r)
                    ImageSizes.CheckResolution("--resolution", r);
                images = RunAllFolders.ImagesIn(parse.GetValue(input)!);
                EngineSetup.CheckOutput(parse.GetValue(output)!);
                engine = await setup.ResolveAsync(parse, reporter, ct);
            }
            catch (EngineInputException e)
            {
                reporter.Error(e.Subject, e.Reason);
                return ExitCodes.Unusable;
            }
            var model = OpinionOptions.ModelName(parse.GetValue(setup.Model)!);
            return Run(engine, model, parse.GetValue(samPath), settings, images, parse.GetValue(output)!, reporter, ct);
        });
        return command;
    }

    private static int Run(EngineSetup.Resolved engine, string modelName, string? samPath, RunAllSettings settings, IReadOnlyList<string> images,
        string outDir, Reporter reporter, CancellationToken ct)
    {
        ClipExplainer? explainer = null;
        SamModel? sam = null;
        try
        {
            explainer = engine.LoadExplainer(engine.Options with { Limits = settings.Limits });
            settings.Validate(explainer.Model.Config.ContextLength);
            if (samPath is not null)
                sam = LoadSam(samPath, engine.Options.Device);
        }
        catch (EngineInputException e)
        {
            explainer?.Dispose();
            reporter.Error(e.Subject, e.Reason);
            return ExitCodes.Unusable;
        }

        using (explainer)
        using (sam)
        {
            var pipeline = new RunAllFolders(explainer, engine.Tokenizer, modelName, sam);
            // A run killed outright (kill -9, power loss) left hidden staging folders and temporaries: resuming removes
            // them; those another live process is writing (it holds their lock) are left alone.
            try
            {
                var swept = StagedFolder.SweepLeftovers(outDir);
                if (swept.Count > 0)
                    reporter.Info($"removed {swept.Count} leftover(s) of an interrupted run in {outDir}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not fatal: the leftovers are hidden and never read; the images still run.
                reporter.Error(outDir, $"leftovers of an interrupted run could not be removed ({e.Message.Split('\n')[0]})");
            }
            reporter.Info($"runall: {images.Count} image(s) → {outDir}; model {modelName} ({explainer.Model.Config.Architecture}, {explainer.Device}){(sam is null ? "" : $", SAM {Path.GetFileName(samPath)}")}");
            int failed = 0;
            var folders = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < images.Count; i++)
            {
                var path = images[i];
                var name = Path.GetFileNameWithoutExtension(path);
                var clock = Stopwatch.StartNew();
                var step = $"[{i + 1}/{images.Count}] {Path.GetFileName(path)}";
                try
                {
                    ct.ThrowIfCancellationRequested();
                    var folder = Path.GetFullPath(RunAllFolders.FolderFor(outDir, path));
                    if (folders.TryGetValue(folder, out var other))
                        throw new EngineInputException(path, $"{Path.GetFileName(other)} already writes to {folder}");
                    folders[folder] = path;

                    if (RunAllFolders.FinishedIndex(folder) is not null)
                    {
                        reporter.Info($"{step}: finished before, skipped");
                        continue;
                    }
                    var outcome = OpinionProgressView.Run(reporter, name, settings.Opinions.Iterations,
                        progress => pipeline.Process(path, outDir, settings, progress, ct));
                    var index = outcome.Index;
                    reporter.Info($"{step}: {index.Labels.Count} tokens, {index.Targets.Count} target(s) [{string.Join(", ", index.Targets)}], {index.Files.Count} files in {outcome.Folder} (seed {index.Seed}, {clock.Elapsed.TotalSeconds:F1} s)");
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    reporter.Error("interrupted", $"{Path.GetFileName(path)} was not finished and left nothing behind; run the same command again to continue");
                    return ExitCodes.Interrupted;
                }
                catch (EngineInputException e)
                {
                    failed++;
                    reporter.Error($"{step}: {e.Subject}", e.Reason);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ExternalException or InvalidOperationException or ArgumentException)
                {
                    // One image's failure (a disk error, a native torch error) must not stop the batch.
                    failed++;
                    reporter.Error($"{step}: {path}", e.Message);
                }
            }

            try
            {
                var records = RunAllFolders.WriteRecords(outDir);
                reporter.Info($"records: {records.Count} word(s) longer than {WordRecords.MinLength} characters → {Path.Combine(outDir, RunAllFolders.RecordsFile)}");
            }
            catch (Exception e) when (e is EngineInputException or IOException or UnauthorizedAccessException)
            {
                reporter.Error(Path.Combine(outDir, RunAllFolders.RecordsFile), e.Message);
                failed++;
            }
            return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
        }
    }

    /// <summary>SAM runs fp32 whatever <c>--precision</c> says (only CLIP follows OpenAI's half-precision recipe).</summary>
    private static SamModel LoadSam(string path, DevicePreference device)
    {
        try
        {
            return SamModel.Load(path, ComputeDevice.Resolve(device));
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new EngineInputException(path, e.Message, e);
        }
    }
}
