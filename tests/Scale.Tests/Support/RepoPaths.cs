namespace ClipSurgeryWeb.Scale.Tests.Support;

/// <summary>Where the built web app and worker are, and the reference fixtures (../shared beside the repository).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SharedReference => Path.GetFullPath(Path.Combine(Root, "..", "shared", "reference"));

    public static string ClipFixture => Path.Combine(SharedReference, "fixtures", "clip_vit_tiny_jit.pt");

    public static string Vocabulary => Path.Combine(SharedReference, "bpe_simple_vocab_16e6.txt.gz");

    /// <summary>The web app's project folder: its content root, as <c>dotnet run --project src/Web</c> has it.</summary>
    public static string WebProject => Path.Combine(Root, "src", "Web");

    public static string WebDll => Built("Web", "ClipSurgeryWeb.Web.dll");

    public static string WorkerDll => Built("Worker", "ClipSurgeryWeb.Worker.dll");

    /// <summary>The project's output in this test's configuration (bin/&lt;Configuration&gt;/&lt;tfm&gt;, as ours).</summary>
    private static string Built(string project, string dll)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var path = Path.Combine(Root, "src", project, "bin", tfm.Parent!.Name, tfm.Name, dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{dll} not built (the test project builds it)", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClipSurgeryWeb.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No ClipSurgeryWeb.sln above {AppContext.BaseDirectory}");
    }
}
