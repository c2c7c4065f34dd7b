using System.CommandLine;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tokenization;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>Options every engine command shares, and turning them into a tokenizer, a model file and engine options.</summary>
public sealed class EngineSetup
{
    public Option<string> Model { get; } = new("--model") { Description = "CLIP model: an official name (RN50 … ViT-L/14@336px) or a checkpoint file", Required = true };

    public Option<string> ModelsDir { get; } = new("--models-dir") { Description = "Folder for downloaded models, the vocabulary and the text-feature cache", DefaultValueFactory = _ => DefaultModelsDir() };

    public Option<string?> Vocab { get; } = new("--vocab") { Description = "Local copy of bpe_simple_vocab_16e6.txt.gz (default: downloaded into the models folder)" };

    public Option<string> Device { get; } = new("--device") { Description = "auto | cpu | cuda", DefaultValueFactory = _ => "auto" };

    public Option<bool> AcceptFineTune { get; } = new("--accept-finetune") { Description = "Use a file under an official model name even though its checksum is not the official one" };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(ModelsDir);
        command.Options.Add(Vocab);
        command.Options.Add(Device);
        command.Options.Add(AcceptFineTune);
    }

    public sealed record Resolved(string ModelPath, ClipTokenizer Tokenizer, EngineOptions Options, string ModelsDir);

    public async Task<Resolved> ResolveAsync(ParseResult parse, Reporter reporter, CancellationToken ct)
    {
        var modelsDir = parse.GetValue(ModelsDir)!;
        var device = ComputeDevice.Parse(parse.GetValue(Device)!);
        using var http = new HttpClient { Timeout = TimeSpan.FromHours(2) };
        var resolver = new ModelResolver(modelsDir, new ModelDownloader(http));
        var vocabPath = await resolver.ResolveVocabularyAsync(parse.GetValue(Vocab), reporter.Downloads(), ct);
        ClipTokenizer tokenizer;
        try
        {
            tokenizer = ClipTokenizer.FromFile(vocabPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new EngineInputException(vocabPath, e.Message, e);
        }
        var modelPath = await resolver.ResolveClipAsync(parse.GetValue(Model)!, parse.GetValue(AcceptFineTune), reporter.Downloads(), ct);
        var options = new EngineOptions(device, Path.Combine(modelsDir, "text-cache"));
        return new Resolved(modelPath, tokenizer, options, modelsDir);
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
