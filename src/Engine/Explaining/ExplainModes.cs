namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>The words for <see cref="ExplainMode"/> used on the command line and in file names.</summary>
public static class ExplainModes
{
    public static string Name(ExplainMode mode) => mode switch
    {
        ExplainMode.Surgery => "cs",
        ExplainMode.Plain => "plain",
        ExplainMode.Single => "single",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "one mode at a time"),
    };

    public static ExplainMode Parse(string text)
    {
        ExplainMode modes = 0;
        foreach (var word in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            modes |= word.ToLowerInvariant() switch
            {
                "cs" or "surgery" => ExplainMode.Surgery,
                "plain" or "clip" => ExplainMode.Plain,
                "single" => ExplainMode.Single,
                _ => throw new EngineInputException("modes", $"'{word}' is not one of cs, plain, single"),
            };
        }
        return modes == 0 ? throw new EngineInputException("modes", "no mode given (use cs, plain, single)") : modes;
    }

    public static IEnumerable<ExplainMode> Each(ExplainMode modes) =>
        new[] { ExplainMode.Surgery, ExplainMode.Plain, ExplainMode.Single }.Where(m => modes.HasFlag(m));
}
