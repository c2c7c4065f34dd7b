using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Live;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Storage;

using ClipSurgeryWeb.Engine.Checkpoints;
using EngineCatalog = ClipSurgeryWeb.Engine.Checkpoints.ModelCatalog;

namespace ClipSurgeryWeb.Jobs.Models;

/// <summary>
/// The checkpoints in the models folder, as the engine reads them (headers only). The list is cached until a file in the
/// folder changes; checksums come from <see cref="ModelChecksums"/>, computed in the background, so listing never waits
/// for a multi-GB file to be hashed.
/// </summary>
public sealed class ModelCatalog(IClipEngine engine, FileStore files, IJobEvents events, ModelChecksums checksums)
{
    private const string Incoming = ".incoming";
    private readonly Lock _gate = new();
    private string? _signature;
    private IReadOnlyList<InstalledModel> _models = [];

    /// <summary>The names official downloads are stored under: a fine-tune may not take one.</summary>
    private static readonly string[] OfficialFileNames = EngineCatalog.Clip.Concat(EngineCatalog.Sam).Append(EngineCatalog.Vocabulary)
        .Select(m => m.FileName).ToArray();

    public string ModelsDir => files.ModelsDir;

    public IReadOnlyList<string> OfficialModels => [.. engine.OfficialClipModels, .. engine.OfficialSamModels];

    public IReadOnlyList<string> OfficialClipModels => engine.OfficialClipModels;

    public IReadOnlyList<string> OfficialSamModels => engine.OfficialSamModels;

    /// <summary>The installed models; a checksum not computed yet is null with <see cref="ChecksumState.Computing"/>.</summary>
    public IReadOnlyList<InstalledModel> List()
    {
        IReadOnlyList<InstalledModel> models;
        lock (_gate)
        {
            var signature = Signature();
            if (signature != _signature)
            {
                _models = engine.ListModels(files.ModelsDir);
                _signature = signature;
            }
            models = _models;
        }
        return models.Select(WithChecksum).ToList();
    }

    private InstalledModel WithChecksum(InstalledModel model)
    {
        if (model.Sha256 is not null)
            return model;
        var (sha, state) = checksums.For(model.Path);
        return model with { Sha256 = sha, Checksum = state, OfficialName = sha is null ? null : EngineCatalog.FindBySha256(sha)?.Name };
    }

    public IReadOnlyList<InstalledModel> Clip => List().Where(m => m.Kind == "clip").ToList();

    public IReadOnlyList<InstalledModel> Sam => List().Where(m => m.Kind == "sam").ToList();

    public InstalledModel RequireClip(string name) => Require(name, "clip");

    public InstalledModel RequireSam(string name) => Require(name, "sam");

    /// <summary>
    /// Registers an uploaded fine-tune: stored aside, validated by the engine, and only then moved into the models
    /// folder. A refused file is removed and the folder is left as it was.
    /// </summary>
    public async Task<InstalledModel> RegisterAsync(Stream content, string fileName, long maxBytes, CancellationToken ct)
    {
        var name = Path.GetFileName(fileName);
        if (string.IsNullOrWhiteSpace(name))
            throw new RequestRejectedException("checkpoint", "the file has no name");
        if (!CheckpointFile.Extensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase))
            throw new RequestRejectedException(name, $"not a checkpoint file name (use {string.Join(", ", CheckpointFile.Extensions)})");
        if (OfficialFileNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new RequestRejectedException(name, "this is the file name of an official download; rename your fine-tune so the official file never replaces it");
        var target = Path.Combine(files.ModelsDir, name);
        if (File.Exists(target))
            throw new RequestRejectedException(name, "a model with this file name is already installed");
        var staging = Directory.CreateDirectory(Path.Combine(files.ModelsDir, Incoming, Guid.NewGuid().ToString("N"))).FullName;
        var temp = Path.Combine(staging, name);
        try
        {
            await using (var output = File.Create(temp))
            {
                var buffer = new byte[1 << 20];
                long total = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                        throw new RequestRejectedException(name, $"over the {ImageIntake.Megabytes(maxBytes)} limit");
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            InstalledModel inspected;
            try
            {
                inspected = await Task.Run(() => engine.Inspect(temp), ct);
            }
            catch (EngineInputException e)
            {
                throw new RequestRejectedException(name, ServerPaths.Hide(e.Reason));
            }
            File.Move(temp, target);
            if (inspected.Sha256 is { } sha)
                checksums.Remember(target, sha);
            events.Publish(new JobEvent { Kind = JobEventKind.ModelsChanged, Message = name });
            return inspected with { Path = target };
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private InstalledModel Require(string name, string kind)
    {
        var models = List();
        var model = models.FirstOrDefault(m => m.Kind == kind && (m.Name == name || Path.GetFileName(m.Path) == name));
        if (model is null)
        {
            var available = models.Where(m => m.Kind == kind).Select(m => m.Name).ToList();
            throw new RequestRejectedException($"model '{name}'", available.Count == 0
                ? $"no {kind.ToUpperInvariant()} model is installed in the models folder"
                : $"not an installed {kind.ToUpperInvariant()} model (installed: {string.Join(", ", available)})");
        }
        return model;
    }

    private string Signature() =>
        !Directory.Exists(files.ModelsDir)
            ? ""
            : string.Join('|', new DirectoryInfo(files.ModelsDir).EnumerateFiles()
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .Select(f => $"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
}
