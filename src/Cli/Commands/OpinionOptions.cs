using System.CommandLine;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Opinions;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>The gradient-ascent options <c>opinions</c> and <c>runall</c> share, read into <see cref="OpinionSettings"/>.</summary>
public sealed class OpinionOptions
{
    public Option<int> Iterations { get; } = new("--iterations") { Description = "Adam steps", DefaultValueFactory = _ => OpinionSettings.DefaultIterations };

    public Option<int> Batch { get; } = new("--batch") { Description = "Samples learned side by side", DefaultValueFactory = _ => OpinionSettings.DefaultBatch };

    public Option<int> Tokens { get; } = new("--tokens") { Description = "Tokens per sample (k)", DefaultValueFactory = _ => OpinionSettings.DefaultTokens };

    public Option<int> Views { get; } = new("--views") { Description = "Random views of the image per step", DefaultValueFactory = _ => OpinionSettings.DefaultViews };

    public Option<int> CheckIn { get; } = new("--check-in") { Description = "Decode and count the samples every N steps", DefaultValueFactory = _ => OpinionSettings.DefaultCheckInInterval };

    public Option<long?> Seed { get; } = new("--seed") { Description = "Random seed (same seed, inputs and device: same result); default: a new one, written to opinion.json" };

    public void AddTo(Command command)
    {
        command.Options.Add(Iterations);
        command.Options.Add(Batch);
        command.Options.Add(Tokens);
        command.Options.Add(Views);
        command.Options.Add(CheckIn);
        command.Options.Add(Seed);
    }

    /// <summary>The settings, validated (<see cref="EngineInputException"/> names the bad option).</summary>
    public OpinionSettings Read(ParseResult parse)
    {
        var settings = new OpinionSettings(
            parse.GetValue(Iterations), parse.GetValue(Batch), parse.GetValue(Tokens), parse.GetValue(Views),
            parse.GetValue(CheckIn), parse.GetValue(Seed));
        try
        {
            settings.Validate();
        }
        catch (EngineInputException e)
        {
            throw new EngineInputException($"--{e.Subject}", e.Reason, e);
        }
        return settings;
    }

    /// <summary>How opinion.json names the model: an official name as typed, else the checkpoint's file name.</summary>
    public static string ModelName(string model) => ModelCatalog.FindClip(model)?.Name ?? Path.GetFileName(model);
}
