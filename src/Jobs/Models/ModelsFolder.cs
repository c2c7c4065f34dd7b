using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Hosting.Storage;

using ClipSurgeryWeb.Engine.Checkpoints;
using EngineCatalog = ClipSurgeryWeb.Engine.Checkpoints.ModelCatalog;

namespace ClipSurgeryWeb.Jobs.Models;

/// <summary>
/// The checkpoints in the models folder, as the engine reads them (headers only). The list is cached until a file in the
/// folder changes; checksums come from <see cref="ModelChecksums"/>, computed in the background, so listing never waits
/// for a multi-GB file to be hashed.
/// </summary>
public sealed class ModelsFolder(IClipEngine engine, FileStore files, IJobEvents events, ModelChecksums checksums)
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

    /// <summary>Registers one uploaded checkpoint file (see the overload for folders and configs).</summary>
    public Task<InstalledModel> RegisterAsync(Stream content, string fileName, long maxBytes, CancellationToken ct) =>
        RegisterAsync([new ModelUpload(content, fileName)], activation: null, maxBytes, ct);

    /// <summary>
    /// Registers an uploaded fine-tune: stored aside, validated by the engine, and only then moved into the models
    /// folder. A refused upload is removed and the folder is left as it was. It is one checkpoint file; a Hugging Face
    /// or OpenCLIP folder as one <c>.zip</c> (unpacked by <see cref="ModelFolderArchive"/>); or a checkpoint with its
    /// <c>config.json</c> / <c>open_clip_config.json</c>, uploaded together (installed as a folder). OpenAI-style
    /// weights whose files do not tell their activation are refused with <see cref="ActivationChoiceRequiredException"/>
    /// unless <paramref name="activation"/> is given: the admin's choice is then written beside them as OpenCLIP's
    /// <c>open_clip_config.json</c> (<c>model_cfg.quick_gelu</c>), so the installed folder says it from then on.
    /// </summary>
    public async Task<InstalledModel> RegisterAsync(IReadOnlyList<ModelUpload> uploads, Activation? activation, long maxBytes, CancellationToken ct)
    {
        if (uploads.Count == 0)
            throw new RequestRejectedException("checkpoint", "no file was uploaded");
        var names = uploads.Select(u => Path.GetFileName(u.FileName)).ToList();
        if (names.Any(string.IsNullOrWhiteSpace))
            throw new RequestRejectedException("checkpoint", "the file has no name");
        var subject = string.Join(" + ", names);
        bool zip = names.Count == 1 && string.Equals(Path.GetExtension(names[0]), ".zip", StringComparison.OrdinalIgnoreCase);
        var checkpoints = names.Where(IsCheckpointName).ToList();
        var configs = names.Where(n => n is ClipCheckpoint.HuggingFaceConfig or ClipCheckpoint.OpenClipConfig).ToList();
        if (!zip)
        {
            var other = names.Except(checkpoints).Except(configs).FirstOrDefault();
            if (other is not null)
                throw new RequestRejectedException(other, $"not a checkpoint file name (use {string.Join(", ", CheckpointFile.Extensions)}, a .zip of a Hugging Face or OpenCLIP folder, or {ClipCheckpoint.HuggingFaceConfig} / {ClipCheckpoint.OpenClipConfig} beside a checkpoint)");
            if (checkpoints.Count != 1)
                throw new RequestRejectedException(subject, checkpoints.Count == 0
                    ? "a config without its checkpoint: upload them together"
                    : "one checkpoint at a time (with its config); a whole folder goes as a .zip");
            if (configs.Distinct().Count() != configs.Count)
                throw new RequestRejectedException(subject, "the same config twice");
        }
        bool asFolder = zip || configs.Count > 0 || activation is not null;
        var name = zip ? Path.GetFileNameWithoutExtension(names[0])
            : asFolder ? Path.GetFileNameWithoutExtension(checkpoints[0]) : checkpoints[0];
        if (string.IsNullOrWhiteSpace(name) || name.StartsWith('.'))
            throw new RequestRejectedException(subject, "a model's name may not be empty or start with '.'");
        if (OfficialFileNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new RequestRejectedException(name, "this is the file name of an official download; rename your fine-tune so the official file never replaces it");
        var target = Path.Combine(files.ModelsDir, name);
        if (File.Exists(target) || Directory.Exists(target))
            throw new RequestRejectedException(name, "a model with this name is already installed");
        var staging = Directory.CreateDirectory(Path.Combine(files.ModelsDir, Incoming, Guid.NewGuid().ToString("N"))).FullName;
        var staged = Path.Combine(staging, name);
        try
        {
            long budget = maxBytes;
            if (zip)
            {
                var archive = Path.Combine(staging, "upload.zip");
                budget -= await SaveAsync(uploads[0].Content, archive, names[0], budget, ct);
                await ModelFolderArchive.UnpackAsync(archive, staged, names[0], maxBytes, ct);
                File.Delete(archive);
            }
            else if (asFolder)
            {
                Directory.CreateDirectory(staged);
                for (int i = 0; i < uploads.Count; i++)
                    budget -= await SaveAsync(uploads[i].Content, Path.Combine(staged, names[i]), names[i], budget, ct);
            }
            else
            {
                await SaveAsync(uploads[0].Content, staged, name, budget, ct);
            }
            if (activation is { } chosen && Directory.Exists(staged)
                && !File.Exists(Path.Combine(staged, ClipCheckpoint.HuggingFaceConfig)) && !File.Exists(Path.Combine(staged, ClipCheckpoint.OpenClipConfig)))
                WriteChosenActivation(staged, chosen);

            InstalledModel inspected;
            try
            {
                inspected = await Task.Run(() => engine.Inspect(staged), ct);
            }
            catch (ActivationRequiredException e)
            {
                throw new ActivationChoiceRequiredException(name, $"{ServerPaths.Hide(e.Reason)}. Choose its activation and register it again");
            }
            catch (EngineInputException e)
            {
                throw new RequestRejectedException(name, ServerPaths.Hide(e.Reason));
            }
            if (Directory.Exists(staged))
                Directory.Move(staged, target);
            else
                File.Move(staged, target);
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

    private static bool IsCheckpointName(string name) =>
        CheckpointFile.Extensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase);

    /// <summary>Copies an upload to <paramref name="path"/>, refusing it past <paramref name="maxBytes"/>; returns its length.</summary>
    private static async Task<long> SaveAsync(Stream content, string path, string name, long maxBytes, CancellationToken ct)
    {
        await using var output = File.Create(path);
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
        return total;
    }

    /// <summary>The admin's choice, in the words OpenCLIP itself reads (<c>model_cfg.quick_gelu</c>).</summary>
    private static void WriteChosenActivation(string folder, Activation activation)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model_cfg"] = new Dictionary<string, object> { ["quick_gelu"] = activation == Activation.QuickGelu },
            ["written_by"] = "ClipSurgery: the activation an admin chose when registering this fine-tune",
        });
        File.WriteAllText(Path.Combine(folder, ClipCheckpoint.OpenClipConfig), json);
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

    /// <summary>The folder's files and the files of its model folders (Hugging Face / OpenCLIP), not hidden work in progress.</summary>
    private string Signature() =>
        !Directory.Exists(files.ModelsDir)
            ? ""
            : string.Join('|', new DirectoryInfo(files.ModelsDir).EnumerateFiles()
                .Concat(new DirectoryInfo(files.ModelsDir).EnumerateDirectories()
                    .Where(d => !d.Name.StartsWith('.'))
                    .SelectMany(d => d.EnumerateFiles()))
                .Select(f => $"{System.IO.Path.GetRelativePath(files.ModelsDir, f.FullName)}:{f.Length}:{f.LastWriteTimeUtc.Ticks}")
                .Order(StringComparer.Ordinal));
}
