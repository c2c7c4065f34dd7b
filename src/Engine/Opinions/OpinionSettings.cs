namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// How long and how wide gradient ascent searches: <see cref="Iterations"/> Adam steps on <see cref="Batch"/>
/// independent samples of <see cref="Tokens"/> learned tokens each, scored against <see cref="Views"/> random views
/// of the image per step; every <see cref="CheckInInterval"/> steps the samples are decoded and counted. The defaults
/// are the reference's. The same <see cref="Seed"/>, inputs and device give the same result; no seed picks one.
/// </summary>
public sealed record OpinionSettings(
    int Iterations = OpinionSettings.DefaultIterations,
    int Batch = OpinionSettings.DefaultBatch,
    int Tokens = OpinionSettings.DefaultTokens,
    int Views = OpinionSettings.DefaultViews,
    int CheckInInterval = OpinionSettings.DefaultCheckInInterval,
    long? Seed = null)
{
    public const int DefaultIterations = 400;
    public const int DefaultBatch = 16;
    public const int DefaultTokens = 5;
    public const int DefaultViews = 64;
    public const int DefaultCheckInInterval = 10;

    /// <summary>Gumbel-softmax temperature (<c>much_hard</c> in the reference).</summary>
    public const double Temperature = 1000;

    /// <summary>Adam's learning rate on the token logits (β 0.9/0.999, ε 1e-8, no weight decay).</summary>
    public const double LearningRate = 5;

    public static OpinionSettings Default { get; } = new();

    /// <summary>Throws a clear <see cref="EngineInputException"/> for settings that cannot run on a model whose text context is <paramref name="contextLength"/> tokens.</summary>
    public void Validate(int contextLength = 77)
    {
        Check("iterations", Iterations, 1, 1_000_000);
        Check("batch", Batch, 1, 4096);
        // SOT, the tokens, and the feature read at index tokens + 2 must all fit the context.
        Check("tokens", Tokens, 1, contextLength - 3);
        Check("views", Views, 1, 4096);
        Check("check-in", CheckInInterval, 1, int.MaxValue);
    }

    private static void Check(string name, int value, int min, int max)
    {
        if (value < min || value > max)
            throw new EngineInputException(name, $"{value} is outside {min}…{max}");
    }
}
