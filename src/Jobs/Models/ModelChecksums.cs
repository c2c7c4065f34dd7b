using System.Collections.Concurrent;
using System.Threading.Channels;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Hosting.Live;

namespace ClipSurgeryWeb.Jobs.Models;

/// <summary>
/// SHA-256 of the checkpoints in the models folder, computed one file at a time off the request path
/// (<see cref="ModelChecksumWorker"/> drains the queue): a page that lists models asks, gets "computing" at once for a
/// file not hashed yet, and hears <see cref="JobEventKind.ModelsChanged"/> when the checksum is known. A file is known by
/// (path, size, modification time), so a replaced file is hashed again.
/// </summary>
public sealed class ModelChecksums(IJobEvents events)
{
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), (string? Sha256, ChecksumState State)> _known = new();
    private readonly Channel<(string Path, long Length, DateTime Modified)> _queue = Channel.CreateUnbounded<(string, long, DateTime)>();

    /// <summary>The checksum if known; otherwise the file is queued (once) and the answer is Computing.</summary>
    public (string? Sha256, ChecksumState State) For(string path)
    {
        var key = Key(path);
        if (_known.TryAdd(key, (null, ChecksumState.Computing)))
            _queue.Writer.TryWrite(key);
        return _known[key];
    }

    /// <summary>A checksum computed elsewhere (a registered fine-tune is read completely when it is validated).</summary>
    public void Remember(string path, string sha256) => _known[Key(path)] = (sha256, ChecksumState.Done);

    /// <summary>Hashes the next queued file; false when the queue is empty.</summary>
    public async Task<bool> ComputeNextAsync(CancellationToken ct)
    {
        if (!_queue.Reader.TryRead(out var key))
            return false;
        try
        {
            // FileChecksum remembers it too, so the engine does not hash the file again when it loads the model.
            var sha = await Task.Run(() => FileChecksum.Sha256(key.Path), ct);
            _known[key] = Key(key.Path) == key ? (sha, ChecksumState.Done) : (null, ChecksumState.Failed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EngineInputException)
        {
            _known[key] = (null, ChecksumState.Failed);
        }
        events.Publish(new JobEvent { Kind = JobEventKind.ModelsChanged, Message = Path.GetFileName(key.Path) });
        return true;
    }

    /// <summary>Hashes queued files until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (await _queue.Reader.WaitToReadAsync(ct))
        {
            while (await ComputeNextAsync(ct))
            {
            }
        }
    }

    /// <summary>A file by itself; a Hugging Face / OpenCLIP folder by its weights file (the checksum is that file's).</summary>
    private static (string Path, long Length, DateTime Modified) Key(string path)
    {
        if (Directory.Exists(path))
        {
            try
            {
                path = ClipCheckpoint.WeightsFile(path);
            }
            catch (EngineInputException)
            {
                // A folder without its checkpoint: keyed as it is, and hashing it fails.
            }
        }
        var info = new FileInfo(path);
        return (info.FullName, info.Exists ? info.Length : -1, info.Exists ? info.LastWriteTimeUtc : default);
    }
}
