using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Jobs.Engine;

namespace ClipSurgeryWeb.Web.Tests.Support;

/// <summary>
/// The real engine on the reference's tiny fixtures (../shared beside the repository): a models folder holding the
/// tiny CLIP ViT and the tiny SAM, and the BPE vocabulary.
/// </summary>
public static class RealEngine
{
    public const string ClipModel = "clip_vit_tiny_jit";
    public const string SamModel = "sam_vit_tiny";

    public static string SharedReference { get; } = FindSharedReference();

    public static string Sample(string name) => Path.Combine(SharedReference, "images", name);

    /// <summary>
    /// A factory whose models folder holds copies of the fixture models, with the real engine behind the jobs (as a
    /// <see cref="HoldableClipEngine"/>, so a test can hold it at a known point).
    /// </summary>
    public static ClipSurgeryAppFactory Factory()
    {
        var root = Directory.CreateTempSubdirectory("csw-real-").FullName;
        var models = Directory.CreateDirectory(Path.Combine(root, "models")).FullName;
        File.Copy(Path.Combine(SharedReference, "fixtures", "clip_vit_tiny_jit.pt"), Path.Combine(models, ClipModel + ".pt"));
        File.Copy(Path.Combine(SharedReference, "fixtures", "sam_vit_tiny.pth"), Path.Combine(models, SamModel + ".pth"));
        return new ClipSurgeryAppFactory(root, new HoldableClipEngine(Engine(models)), models);
    }

    /// <summary>The same installation started again (a restart): same data and models folders, a new engine process-state.</summary>
    public static ClipSurgeryAppFactory Restart(ClipSurgeryAppFactory before) =>
        new(before.Root, Engine(before.ModelsDir), before.ModelsDir);

    private static EngineClipEngine Engine(string models) =>
        new(new EngineClipEngineSettings(models, Path.Combine(SharedReference, "bpe_simple_vocab_16e6.txt.gz"), DevicePreference.Cpu));

    private static string FindSharedReference()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClipSurgeryWeb.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "reference"));
        }
        throw new InvalidOperationException($"No ClipSurgeryWeb.sln above {AppContext.BaseDirectory}");
    }
}
