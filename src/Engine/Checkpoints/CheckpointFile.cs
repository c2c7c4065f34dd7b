using System.IO.Compression;
using System.Text;

namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>Recognises a checkpoint's format from its bytes, before anything heavy is loaded.</summary>
public static partial class CheckpointFile
{
    /// <summary>File endings a checkpoint may have: a models folder lists only these.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".pt", ".pth", ".safetensors", ".bin"];

    /// <exception cref="EngineInputException">The file is missing, unreadable or not a checkpoint.</exception>
    public static CheckpointFormat DetectFormat(string path) => Refusing(path, () => Detect(path));

    private static CheckpointFormat Detect(string path)
    {
        if (!File.Exists(path))
            throw new EngineInputException(path, "no such file");

        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[9];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read < 9)
            throw new EngineInputException(path, "not a checkpoint (the file is too short)");

        if (head[0] == (byte)'P' && head[1] == (byte)'K')
            return IsTorchScript(stream, path) ? CheckpointFormat.TorchScript : CheckpointFormat.StateDict;

        // safetensors: u64 little-endian header length, then a JSON object.
        var headerLength = BitConverter.ToUInt64(head[..8]);
        if (head[8] == (byte)'{' && headerLength > 1)
        {
            if (headerLength > (ulong)stream.Length - 8)
                throw new EngineInputException(path, $"a safetensors file whose header claims {headerLength:N0} bytes but the file has {stream.Length - 8:N0} after the length (truncated download?)");
            return CheckpointFormat.Safetensors;
        }

        if (head[0] == 0x80)
            throw new EngineInputException(path, "a legacy (non-zip) torch.save pickle; re-save it with a current PyTorch: torch.save(model.state_dict(), path)");

        throw new EngineInputException(path, "not a checkpoint (neither a TorchScript/torch.save zip archive nor safetensors)");
    }

    /// <summary>
    /// Tells a CLIP from a SAM checkpoint without loading its tensors: the tensor names are read from the safetensors
    /// header, or found in the archive's pickled index (<c>data.pkl</c>, which holds names and storage references, not
    /// data). For listing a models folder; loading a model still validates every tensor.
    /// </summary>
    /// <exception cref="EngineInputException">Whatever is wrong with the file (damaged, unreadable, not CLIP or SAM).</exception>
    public static CheckpointKind PeekKind(string path) => Refusing(path, () => Peek(ClipCheckpoint.WeightsFile(path)));

    /// <summary>
    /// A CLIP checkpoint's layout and activation from its tensor names and the files beside it, without loading tensors
    /// or hashing (a models folder lists quickly). The activation is null where only the user can state it.
    /// </summary>
    /// <exception cref="EngineInputException">Whatever is wrong with the file or its config, or a model refused by name.</exception>
    public static ClipCheckpointInfo PeekClip(string path) => Refusing(path, () =>
    {
        var weights = ClipCheckpoint.WeightsFile(path);
        var format = DetectFormat(weights);
        IEnumerable<string> names = format == CheckpointFormat.Safetensors
            ? SafetensorsHeader.Read(weights)
            : PickleName().Matches(PickleIndex(weights)).Select(m => m.Value);
        var keys = names.Select(n => n.StartsWith("module.", StringComparison.Ordinal) ? n["module.".Length..] : n).ToHashSet(StringComparer.Ordinal);
        return ClipCheckpoint.Describe(path, weights, format, keys, requested: null, sha256: null, require: false);
    });

    private static CheckpointKind Peek(string path)
    {
        var format = DetectFormat(path);
        var names = format == CheckpointFormat.Safetensors ? string.Join("\n", SafetensorsHeader.Read(path)) : PickleIndex(path);
        if (names.Contains("text_projection") && names.Contains("token_embedding"))
            return CheckpointKind.Clip;
        if (names.Contains("image_encoder") && names.Contains("mask_decoder"))
            return CheckpointKind.Sam;
        throw new EngineInputException(path, "neither a CLIP nor a Segment Anything checkpoint");
    }

    private static string PickleIndex(string path)
    {
        try
        {
            return Encoding.Latin1.GetString(CheckpointArchive.ReadIndex(path));
        }
        catch (InvalidDataException e)
        {
            throw new EngineInputException(path, "a damaged zip archive (truncated download?)", e);
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a user's file and turns any failure but running out of memory or being
    /// cancelled into an <see cref="EngineInputException"/> naming the file: a listing skips it instead of failing.
    /// </summary>
    private static T Refusing<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not (EngineInputException or OutOfMemoryException or OperationCanceledException))
        {
            throw new EngineInputException(path, $"cannot read the file ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>The strings of a pickled index that can be tensor names (the index holds names and storage references).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_.]*")]
    private static partial System.Text.RegularExpressions.Regex PickleName();

    private static bool IsTorchScript(Stream stream, string path)
    {
        try
        {
            stream.Position = 0;
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true, Encoding.UTF8);
            // A TorchScript archive carries its compiled code; a plain torch.save archive has data.pkl only.
            var names = zip.Entries.Select(e => e.FullName).ToList();
            CheckpointArchive.CheckDeclaredSizes(zip, path, stream.Length);
            if (!names.Any(n => n.EndsWith("data.pkl", StringComparison.Ordinal)))
                throw new EngineInputException(path, "a zip file without data.pkl, not a PyTorch checkpoint");
            return names.Any(n => n.Contains("/code/", StringComparison.Ordinal) || n.EndsWith("constants.pkl", StringComparison.Ordinal));
        }
        catch (InvalidDataException e)
        {
            throw new EngineInputException(path, "a damaged zip archive (truncated download?)", e);
        }
    }
}
