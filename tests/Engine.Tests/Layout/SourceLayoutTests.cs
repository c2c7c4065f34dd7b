using System.Text.RegularExpressions;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Layout;

/// <summary>One public type per file in the engine and the CLI, so a type is found by its file name.</summary>
public sealed partial class SourceLayoutTests
{
    [Theory]
    [InlineData("src/Engine")]
    [InlineData("src/Cli")]
    public void Every_source_file_declares_at_most_one_public_type(string project)
    {
        var folder = Path.Combine(Shared.RepositoryRoot, project);
        var crowded = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .Select(f => (File: Path.GetRelativePath(folder, f), Types: PublicTopLevelType().Matches(File.ReadAllText(f)).Select(m => m.Groups["name"].Value).ToList()))
            .Where(f => f.Types.Count > 1)
            .Select(f => $"{f.File}: {string.Join(", ", f.Types)}")
            .ToList();

        Assert.Empty(crowded);
    }

    /// <summary>A public type at the top level of a file-scoped namespace (nested types are indented).</summary>
    [GeneratedRegex(@"^public\s+(?:(?:static|sealed|abstract|partial|readonly|ref|unsafe)\s+)*(?:record\s+(?:class\s+|struct\s+)?|class\s+|struct\s+|interface\s+|enum\s+|delegate\s+\S+\s+)(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex PublicTopLevelType();
}
