using System.IO.Compression;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Hosting.Storage;

namespace ClipSurgeryWeb.Jobs.Models;

/// <summary>
/// Unpacks a zipped Hugging Face or OpenCLIP folder into a staging folder, never trusting the archive: an entry whose
/// path is absolute, climbs out (<c>..</c>) or names a drive is refused; nothing is inflated beyond
/// <c>maxBytes</c> in all (bytes are counted as they are written, never taken from the headers), the entry count is
/// bounded, and only the folder's own files that a checkpoint needs (weights, <c>.json</c> configs, text) are kept —
/// sub-folders and other files (TensorFlow/Flax/ONNX weights, <c>.gitattributes</c>) are skipped unread. A zip whose
/// entries all lie in one folder (zipping the folder itself) is read from inside it.
/// </summary>
public static class ModelFolderArchive
{
    public const int MaxEntries = 256;

    private static readonly string[] KeptExtensions = [.. CheckpointFile.Extensions, ".json", ".txt", ".md"];

    public static async Task UnpackAsync(string zipPath, string targetDir, string subject, long maxBytes, CancellationToken ct)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(zipPath);
        }
        catch (InvalidDataException e)
        {
            throw new RequestRejectedException(subject, $"not a readable zip archive ({e.Message})");
        }
        using (zip)
        {
            if (zip.Entries.Count > MaxEntries)
                throw new RequestRejectedException(subject, $"the zip has {zip.Entries.Count} entries, more than the {MaxEntries} a model folder may have");
            var names = zip.Entries.Select(e => (Entry: e, Name: SafeName(e.FullName, subject))).ToList();
            var files = names.Where(n => !n.Name.EndsWith('/')).ToList();
            var roots = files.Select(f => f.Name.Split('/')[0]).Distinct().ToList();
            var prefix = roots.Count == 1 && files.All(f => f.Name.Contains('/')) ? roots[0] + "/" : "";
            Directory.CreateDirectory(targetDir);
            long total = 0;
            var written = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (entry, name) in files)
            {
                var relative = name[prefix.Length..];
                if (relative.Contains('/') || !KeptExtensions.Contains(Path.GetExtension(relative), StringComparer.OrdinalIgnoreCase))
                    continue;
                if (!written.Add(relative))
                    throw new RequestRejectedException(subject, $"the zip holds '{relative}' twice");
                var path = Path.GetFullPath(Path.Combine(targetDir, relative));
                if (!path.StartsWith(Path.GetFullPath(targetDir) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new RequestRejectedException(subject, $"the zip entry '{entry.FullName}' would be written outside its folder");
                await using var source = entry.Open();
                await using var output = File.Create(path);
                var buffer = new byte[1 << 20];
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                        throw new RequestRejectedException(subject, $"its files unpack to more than the {ImageIntake.Megabytes(maxBytes)} limit");
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            if (written.Count == 0)
                throw new RequestRejectedException(subject, "the zip holds no checkpoint or config in its top folder");
        }
    }

    /// <summary>The entry's path with '/' separators, refused when it could reach outside the folder.</summary>
    private static string SafeName(string fullName, string subject)
    {
        var name = fullName.Replace('\\', '/');
        if (name.StartsWith('/') || name.Contains(':') || name.Split('/').Any(s => s is ".." or "."))
            throw new RequestRejectedException(subject, $"the zip entry '{fullName}' has an unsafe path (absolute, a drive, or '..')");
        return name;
    }
}
