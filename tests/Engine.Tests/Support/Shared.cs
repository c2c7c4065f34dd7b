namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>
/// Locates <c>../shared</c> (read-only reference material: fixtures, goldens, images) beside the repository root.
/// The repository root is the first folder above the test binaries that holds <c>ClipSurgeryWeb.sln</c>.
/// </summary>
public static class Shared
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Root { get; } = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public static string Reference(params string[] parts) => Path.Combine([Root, "reference", .. parts]);

    public static string Fixture(string name) => Reference("fixtures", name);

    public static string Image(string name) => Reference("images", name);

    public static string Vocab => Reference("bpe_simple_vocab_16e6.txt.gz");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClipSurgeryWeb.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No ClipSurgeryWeb.sln above {AppContext.BaseDirectory}");
    }
}
