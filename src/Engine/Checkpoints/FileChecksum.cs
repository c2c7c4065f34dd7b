using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>SHA-256 of files, remembered per (path, size, modification time) so a model is hashed once per process.</summary>
public static class FileChecksum
{
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), string> Known = new();

    public static string Sha256(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new EngineInputException(path, "no such file");
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        return Known.GetOrAdd(key, static k =>
        {
            using var stream = File.OpenRead(k.Path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }
}
