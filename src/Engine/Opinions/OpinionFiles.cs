using System.Text;
using ClipSurgeryWeb.Engine.Storage;

namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// One image's opinion on disk, in its own folder: <c>tokens.csv</c> (<c>Token,Frequency</c>, the reference's
/// <c>tokens_&lt;image&gt;.csv</c> without its constant columns), <c>words.txt</c> (every word seen, one per line, the
/// reference's <c>accumulated_tokens_&lt;image&gt;.txt</c>) and <c>opinion.json</c> (<see cref="OpinionInfo"/>).
/// </summary>
public static class OpinionFiles
{
    public const string TokensFile = "tokens.csv";
    public const string WordsFile = "words.txt";
    public const string InfoFile = "opinion.json";

    /// <summary>Writes the folder whole or not at all (<see cref="StagedFolder"/>); returns the file names.</summary>
    public static IReadOnlyList<string> Write(string folder, OpinionResult result, OpinionInfo info)
    {
        using var staged = new StagedFolder(folder);
        var files = WriteInto(staged.Path, result, info);
        staged.Publish();
        return files;
    }

    /// <summary>Writes the three files into an existing <paramref name="directory"/>; returns their names.</summary>
    public static IReadOnlyList<string> WriteInto(string directory, OpinionResult result, OpinionInfo info)
    {
        result.Tokens.WriteCsv(Path.Combine(directory, TokensFile));
        File.WriteAllText(Path.Combine(directory, WordsFile), string.Concat(result.Words.Select(w => w + "\n")), new UTF8Encoding(false));
        JsonFile.Write(Path.Combine(directory, InfoFile), info);
        return [TokensFile, WordsFile, InfoFile];
    }

    /// <summary>The words of <c>words.txt</c> (split on white space, as the reference's records script reads them).</summary>
    public static IReadOnlyList<string> ReadWords(string folder) =>
        File.ReadAllText(Path.Combine(folder, WordsFile), Encoding.UTF8).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    public static TokenTable ReadTokens(string folder) => TokenTable.ReadCsv(Path.Combine(folder, TokensFile));

    /// <summary><c>opinion.json</c> of a folder, or null when it has none.</summary>
    public static OpinionInfo? ReadInfo(string folder)
    {
        var path = Path.Combine(folder, InfoFile);
        return File.Exists(path) ? JsonFile.Read<OpinionInfo>(path) : null;
    }

    /// <summary>Finished opinion folders directly under <paramref name="outDir"/> (those with <c>words.txt</c>; staging folders skipped), by name.</summary>
    public static IReadOnlyList<string> FoldersIn(string outDir)
    {
        if (!Directory.Exists(outDir))
            throw new EngineInputException(outDir, "no such folder");
        return Directory.EnumerateDirectories(outDir)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && File.Exists(Path.Combine(d, WordsFile)))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
