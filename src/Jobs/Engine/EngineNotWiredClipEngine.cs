using System.Security.Cryptography;

namespace ClipSurgeryWeb.Jobs.Engine;

/// <summary>
/// Stand-in registered by <c>AddJobs()</c> until the numeric engine's <c>EngineClipEngine</c> is wired in
/// (see <c>JobsExtensions.AddClipEngine</c>). It lists checkpoint files by name and refuses numeric work with a clear
/// message, so the web app runs and says what is missing instead of failing obscurely.
/// </summary>
public sealed class EngineNotWiredClipEngine : IClipEngine
{
    private const string Missing = "the numeric engine is not wired into this build yet (EngineNotWiredClipEngine is registered)";

    private static readonly string[] Extensions = [".pt", ".pth", ".safetensors", ".bin"];

    public IReadOnlyList<string> OfficialClipModels { get; } =
        ["RN50", "RN101", "RN50x4", "RN50x16", "RN50x64", "ViT-B/32", "ViT-B/16", "ViT-L/14", "ViT-L/14@336px"];

    public IReadOnlyList<string> OfficialSamModels { get; } = ["vit_b", "vit_l", "vit_h"];

    public IReadOnlyList<InstalledModel> ListModels(string modelsDir) =>
        !Directory.Exists(modelsDir)
            ? []
            : Directory.EnumerateFiles(modelsDir)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(Inspect)
                .ToList();

    public InstalledModel Inspect(string checkpointPath)
    {
        var file = new FileInfo(checkpointPath);
        if (!file.Exists)
            throw new EngineInputException(file.Name, "file not found");
        if (!Extensions.Contains(file.Extension, StringComparer.OrdinalIgnoreCase))
            throw new EngineInputException(file.Name, $"not a checkpoint file (expected one of {string.Join(", ", Extensions)})");
        var kind = file.Name.Contains("sam", StringComparison.OrdinalIgnoreCase) ? "sam" : "clip";
        var format = file.Extension.Equals(".safetensors", StringComparison.OrdinalIgnoreCase) ? "safetensors"
            : file.Name.Contains("jit", StringComparison.OrdinalIgnoreCase) ? "torchscript" : "state-dict";
        using var stream = file.OpenRead();
        var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new InstalledModel(Path.GetFileNameWithoutExtension(file.Name), file.FullName, kind, format, file.Length, sha, null);
    }

    public void Download(string officialName, string modelsDir, IProgress<DownloadProgress> progress, CancellationToken ct) =>
        throw new EngineInputException(officialName, Missing);

    public void Explain(ExplainSpec spec, string imagePath, string outputDir, Action<string> onFile, CancellationToken ct) =>
        throw new EngineInputException("explain", Missing);

    public OpinionOutcome Opinions(OpinionSpec spec, string imagePath, string outputDir, Action<OpinionProgress> onProgress, CancellationToken ct) =>
        throw new EngineInputException("opinions", Missing);

    public void Segment(SegmentSpec spec, string imagePath, string outputDir, Action<string> onFile, CancellationToken ct) =>
        throw new EngineInputException("segment", Missing);
}
