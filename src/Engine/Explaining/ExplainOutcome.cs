using System.Runtime.ExceptionServices;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// One image's result of a batched explain, in input order: its <see cref="Explanation"/>, or the <see cref="Error"/> that
/// failed this image alone (an unreadable file: an <see cref="EngineInputException"/>), as a single explain would have thrown it.
/// </summary>
public sealed record ExplainOutcome(int Index, ExplainInput Input, Explanation? Explanation, Exception? Error)
{
    /// <summary>The explanation, or this image's error thrown again (same exception, same stack).</summary>
    public Explanation Result()
    {
        if (Error is not null)
            ExceptionDispatchInfo.Capture(Error).Throw();
        return Explanation!;
    }
}
