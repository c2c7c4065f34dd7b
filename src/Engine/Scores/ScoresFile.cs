using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Storage;

namespace ClipSurgeryWeb.Engine.Scores;

/// <summary>
/// <c>scores.json</c> in an image's output folder: the zero-shot ranking as an array of
/// <c>{label, probability, similarity}</c>, most probable first (the engine's JSON conventions, <see cref="JsonFile"/>).
/// </summary>
public static class ScoresFile
{
    public const string Name = "scores.json";

    /// <summary>Writes the file in one step (<see cref="AtomicFile"/>) and returns its name inside <paramref name="directory"/>.</summary>
    public static string Write(string directory, IReadOnlyList<LabelScore> scores)
    {
        AtomicFile.Write(Path.Combine(directory, Name), temporary => JsonFile.Write(temporary, scores));
        return Name;
    }

    /// <exception cref="EngineInputException">The file is missing or not a ranking.</exception>
    public static IReadOnlyList<LabelScore> Read(string directory) => JsonFile.Read<List<LabelScore>>(Path.Combine(directory, Name));
}
