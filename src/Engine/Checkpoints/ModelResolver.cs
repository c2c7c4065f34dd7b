namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// Turns what a user typed (<c>--model</c>) into a checkpoint file: a path is used as is; an official name is
/// looked up in the models folder and downloaded when absent. A file under an official name whose checksum is not
/// the official one (a fine-tune) is refused (<see cref="NotOfficialChecksumException"/>) unless <c>acceptFineTune</c>
/// says the user means it.
/// </summary>
public sealed class ModelResolver(string modelsDir, ModelDownloader? downloader)
{
    public string ModelsDir { get; } = modelsDir;

    public async Task<string> ResolveClipAsync(string nameOrPath, bool acceptFineTune, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var official = ModelCatalog.FindClip(nameOrPath);
        if (official is null)
        {
            if (File.Exists(nameOrPath) || Directory.Exists(nameOrPath))   // a folder: Hugging Face or OpenCLIP
                return Path.GetFullPath(nameOrPath);
            var names = string.Join(", ", ModelCatalog.Clip.Select(m => m.Name));
            throw new EngineInputException(nameOrPath, $"no such file or folder, and not an official model name ({names})");
        }
        return await ResolveOfficialAsync(official, acceptFineTune, progress, ct);
    }

    public async Task<string> ResolveSamAsync(string nameOrPath, bool acceptFineTune, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var official = ModelCatalog.FindSam(nameOrPath);
        if (official is null)
        {
            if (File.Exists(nameOrPath))
                return Path.GetFullPath(nameOrPath);
            var names = string.Join(", ", ModelCatalog.Sam.Select(m => m.Name));
            throw new EngineInputException(nameOrPath, $"no such file, and not an official SAM name ({names})");
        }
        return await ResolveOfficialAsync(official, acceptFineTune, progress, ct);
    }

    /// <summary>The BPE vocabulary: <paramref name="explicitPath"/> when given, else the models folder's copy (downloaded once).</summary>
    public async Task<string> ResolveVocabularyAsync(string? explicitPath, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        if (explicitPath is not null)
            return File.Exists(explicitPath) ? explicitPath : throw new EngineInputException(explicitPath, "no such vocabulary file");
        return await ResolveOfficialAsync(ModelCatalog.Vocabulary, acceptFineTune: false, progress, ct);
    }

    private async Task<string> ResolveOfficialAsync(OfficialModel official, bool acceptFineTune, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var local = Path.Combine(ModelsDir, official.FileName);
        if (File.Exists(local))
        {
            var sha = FileChecksum.Sha256(local);
            if (official.Sha256 is null || string.Equals(sha, official.Sha256, StringComparison.OrdinalIgnoreCase) || acceptFineTune)
                return local;
            throw new NotOfficialChecksumException(local, official, sha);
        }
        if (downloader is null)
            throw new EngineInputException(official.Name, $"not in {ModelsDir} and downloads are disabled");
        return await downloader.DownloadAsync(official, ModelsDir, progress, ct);
    }
}
