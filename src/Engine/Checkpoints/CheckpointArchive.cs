using System.IO.Compression;
using System.Text.RegularExpressions;

namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// Bounds on what a PyTorch zip archive (TorchScript or <c>torch.save</c>) may make us inflate, so a small file whose
/// entries inflate to gigabytes (a zip bomb) is refused before anything reads it. Tensor storages (<c>…/data/&lt;n&gt;</c>)
/// are written uncompressed by PyTorch, so one declared larger than the archive itself is a lie; every other record
/// (<c>data.pkl</c>, <c>constants.pkl</c>, code) is at most <see cref="MaxRecordBytes"/>: the official CLIP and SAM
/// pickles are a few hundred KB, the fixtures' at most 23 KB.
/// </summary>
internal static partial class CheckpointArchive
{
    public const long MaxRecordBytes = 64L << 20;

    /// <summary>Checks every entry's declared size (the central directory only: nothing is inflated).</summary>
    public static void CheckDeclaredSizes(ZipArchive zip, string path, long archiveLength)
    {
        foreach (var entry in zip.Entries)
        {
            if (StorageName().IsMatch(entry.FullName))
            {
                if (entry.Length > archiveLength)
                    throw new EngineInputException(path, $"a damaged zip archive: its entry {entry.FullName} claims {entry.Length:N0} bytes, more than the {archiveLength:N0}-byte file holds");
            }
            else if (entry.Length > MaxRecordBytes)
            {
                throw TooLarge(path, entry);
            }
        }
    }

    /// <summary>The archive's pickled index (<c>data.pkl</c>), read without ever holding more than its declared size.</summary>
    public static byte[] ReadIndex(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var index = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
            ?? throw new EngineInputException(path, "a zip file without data.pkl, not a PyTorch checkpoint");
        return ReadRecord(index, path);
    }

    /// <summary>
    /// Reads one record, never more than its declared size (checked against the cap first): a header that understates
    /// the size yields a cut record, which the caller then refuses, instead of an inflation without bound.
    /// </summary>
    private static byte[] ReadRecord(ZipArchiveEntry entry, string path)
    {
        if (entry.Length > MaxRecordBytes)
            throw TooLarge(path, entry);
        var content = new byte[entry.Length];
        using var stream = entry.Open();
        var read = stream.ReadAtLeast(content, content.Length, throwOnEndOfStream: false);
        return read == content.Length ? content : content[..read];
    }

    private static EngineInputException TooLarge(string path, ZipArchiveEntry entry) =>
        new(path, $"not a usable checkpoint: its entry {entry.FullName} inflates to {entry.Length:N0} bytes, more than the {MaxRecordBytes:N0} a checkpoint's record may have");

    [GeneratedRegex(@"(^|/)data/\d+$")]
    private static partial Regex StorageName();
}
