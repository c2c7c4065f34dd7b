namespace ClipSurgeryWeb.Engine.Tokenization;

/// <summary>
/// A text whose tokens, with the start and end tokens, do not fit the context length, when truncation was not asked
/// for (the reference raises <c>RuntimeError</c> there).
/// </summary>
public sealed class TextTooLongException : Exception
{
    public TextTooLongException(string text, int tokenCount, int contextLength)
        : base($"Input \"{text}\" is too long for context length {contextLength}: it takes {tokenCount} tokens, counting the start and end tokens.")
    {
        Text = text;
        TokenCount = tokenCount;
        ContextLength = contextLength;
    }

    /// <summary>The text as it was given.</summary>
    public string Text { get; }

    /// <summary>Its tokens, counting the start and end tokens.</summary>
    public int TokenCount { get; }

    public int ContextLength { get; }
}
