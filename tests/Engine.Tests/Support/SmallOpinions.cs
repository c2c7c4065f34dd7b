using ClipSurgeryWeb.Engine.Opinions;

namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>Gradient-ascent settings small enough for tests on the tiny models (a second or two per image).</summary>
public static class SmallOpinions
{
    public static OpinionSettings Settings(long seed = 7) =>
        new(Iterations: 12, Batch: 3, Tokens: 3, Views: 4, CheckInInterval: 5, Seed: seed);

    /// <summary>The same settings as command-line options.</summary>
    public static string[] Args(long seed = 7) =>
        ["--iterations", "12", "--batch", "3", "--tokens", "3", "--views", "4", "--check-in", "5", "--seed", seed.ToString()];

    /// <summary>Options every engine command needs to run on the ViT fixture without downloads.</summary>
    public static string[] EngineArgs(string modelsDir) =>
        ["--model", TinyModels.VitPath, "--vocab", Shared.Vocab, "--models-dir", modelsDir, "--device", "cpu"];
}
