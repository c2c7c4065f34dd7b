using System.CommandLine;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tokenization;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>Options every engine command shares, and turning them into a tokenizer, a model file and engine options.</summary>
public sealed class EngineSetup
{
    public Option<string> Model { get; } = new("--model") { Description = "CLIP model: an official name (RN50 … ViT-L/14@336px), a checkpoint file, or a Hugging Face / OpenCLIP folder", Required = true };

    public Option<string> ModelsDir { get; } = new("--models-dir") { Description = "Folder for downloaded models, the vocabulary and the text-feature cache", DefaultValueFactory = _ => DefaultModelsDir() };

    public Option<string?> Vocab { get; } = new("--vocab") { Description = "Local copy of bpe_simple_vocab_16e6.txt.gz (default: downloaded into the models folder)" };

    public Option<string> Device { get; } = new("--device") { Description = "auto | cpu | cuda | cuda:N", DefaultValueFactory = _ => "auto" };

    public Option<string> Precision { get; } = new("--precision") { Description = "auto | fp32 | fp16 | bf16 (auto: fp16 on a GPU, fp32 on a CPU; SAM always runs fp32)", DefaultValueFactory = _ => "auto" };

    public Option<bool> AcceptFineTune { get; } = new("--accept-finetune") { Description = "Use a file under an official model name even though its checksum is not the official one" };

    public Option<string?> Activation { get; } = new("--activation") { Description = "gelu | quick_gelu: the MLP activation of a checkpoint whose files do not tell (OpenAI-named weights without open_clip_config.json)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(ModelsDir);
        command.Options.Add(Vocab);
        command.Options.Add(Device);
        command.Options.Add(Precision);
        command.Options.Add(AcceptFineTune);
        command.Options.Add(Activation);
    }

    public sealed record Resolved(string ModelPath, ClipTokenizer Tokenizer, EngineOptions Options, string ModelsDir, Activation? Activation = null)
    {
        /// <summary>Loads the model with the <c>--activation</c> given; a checkpoint that needs one and has none is refused naming the flag.</summary>
        public ClipExplainer LoadExplainer(EngineOptions options)
        {
            try
            {
                return ClipExplainer.Load(ModelPath, Tokenizer, options, Activation);
            }
            catch (ActivationRequiredException e)
            {
                throw new EngineInputException(e.Subject, $"{e.Reason}: pass --activation gelu or --activation quick_gelu", e);
            }
        }
    }

    public async Task<Resolved> ResolveAsync(ParseResult parse, Reporter reporter, CancellationToken ct)
    {
        var modelsDir = parse.GetValue(ModelsDir)!;
        var device = ReadDevice(parse);
        var precision = ReadPrecision(parse);
        var activation = parse.GetValue(Activation) is { } act ? Flag($"--activation {act}", () => Activations.Parse(act)) : (Activation?)null;
        using var http = DownloadClient.Create();
        var resolver = new ModelResolver(modelsDir, new ModelDownloader(http));
        var vocabPath = await WithRemedy(() => resolver.ResolveVocabularyAsync(parse.GetValue(Vocab), reporter.Downloads(), ct));
        ClipTokenizer tokenizer;
        try
        {
            tokenizer = ClipTokenizer.FromFile(vocabPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new EngineInputException(vocabPath, e.Message, e);
        }
        var modelPath = await WithRemedy(() => resolver.ResolveClipAsync(parse.GetValue(Model)!, parse.GetValue(AcceptFineTune), reporter.Downloads(), ct));
        var options = new EngineOptions(device, Path.Combine(modelsDir, "text-cache")) { Precision = precision };
        Announce(reporter, options);
        return new Resolved(modelPath, tokenizer, options, modelsDir, activation);
    }

    /// <summary>
    /// The <c>--device</c> preference, checked now (CUDA asked for but absent, or a GPU number beyond the count, is
    /// refused before any model loads; so is a libtorch that cannot be loaded, named by its folder).
    /// </summary>
    public DevicePreference ReadDevice(ParseResult parse)
    {
        var value = parse.GetValue(Device)!;
        var preference = DeviceFlag(value, () => ComputeDevice.Parse(value));
        DeviceFlag(value, () => ComputeDevice.Resolve(preference));
        return preference;
    }

    /// <summary>The start-up line on stderr: device, GPU, libtorch and where it came from, precision (see <see cref="EngineStartup"/>).</summary>
    public static void Announce(Reporter reporter, EngineOptions options) =>
        reporter.Info(DeviceFlag(options.Device.ToString(), () => EngineStartup.Report(options.Device, options.Precision)).Line);

    /// <summary>A device refusal restated with <c>--device</c>; a libtorch refusal keeps its folder as the subject.</summary>
    public static T DeviceFlag<T>(string value, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EngineInputException e) when (e.Subject.StartsWith("device", StringComparison.Ordinal))
        {
            throw new EngineInputException($"--device {value}", e.Reason, e);
        }
    }

    /// <summary>The <c>--precision</c> asked for (resolved against the device when the model loads).</summary>
    public Precision ReadPrecision(ParseResult parse)
    {
        var value = parse.GetValue(Precision)!;
        return Flag($"--precision {value}", () => Precisions.Parse(value));
    }

    /// <summary>An engine error about a setting, restated with the flag that sets it (the engine's messages name no flags).</summary>
    public static T Flag<T>(string flag, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EngineInputException e)
        {
            throw new EngineInputException(flag, e.Reason, e);
        }
    }

    /// <summary>A file under an official name with another checksum: the engine states the fact, the CLI says which flag helps.</summary>
    public static async Task<string> WithRemedy(Func<Task<string>> resolve)
    {
        try
        {
            return await resolve();
        }
        catch (NotOfficialChecksumException e)
        {
            throw new EngineInputException(e.Subject, e.IsVocabulary
                ? $"{e.Reason}. Delete it so the official file is downloaded, or give a vocabulary with --vocab"
                : $"{e.Reason}. If it is your fine-tune, pass --accept-finetune; otherwise delete it so the official file is downloaded", e);
        }
    }

    /// <summary>Refuses an <c>--out</c> folder that cannot take results (a file, under a file, not writable, in /proc) before any model is loaded.</summary>
    public static void CheckOutput(string outDir)
    {
        try
        {
            OutputFolder.EnsureWritable(outDir);
        }
        catch (EngineInputException e)
        {
            throw new EngineInputException($"--out {outDir}", e.Reason, e);
        }
    }

    public static string DefaultModelsDir()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache))
            cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "clipsurgery", "models");
    }
}
