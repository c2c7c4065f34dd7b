using System.Buffers.Binary;
using System.IO.Compression;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Checkpoints;

/// <summary>
/// A small checkpoint archive whose entries inflate to far more than any checkpoint needs (70 MB of zeros deflate to
/// about 70 KB) is refused by the listing and the loader before it is inflated; a header that understates an entry's
/// size gets only the declared bytes read, so memory stays bounded either way.
/// </summary>
public sealed class ZipBombTests : IDisposable
{
    private const int BombBytes = 70 << 20;

    private readonly TempFolder temp = new("zip-bombs-");

    [Fact]
    public void A_data_pkl_declared_larger_than_the_cap_is_refused_by_the_listing_and_the_loader()
    {
        var path = Archive("declared.pt", ("bomb/data.pkl", BombBytes));

        var peek = Assert.Throws<EngineInputException>(() => CheckpointFile.PeekKind(path));
        var load = Assert.Throws<EngineInputException>(() => StateDict.Load(path));

        Assert.True(new FileInfo(path).Length < 1 << 20);
        Assert.Contains("bomb/data.pkl inflates to 73,400,320 bytes, more than the 67,108,864", peek.Reason);
        Assert.Contains("bomb/data.pkl inflates to 73,400,320 bytes, more than the 67,108,864", load.Reason);
    }

    [Fact]
    public void A_tensor_storage_declared_larger_than_the_archive_is_refused()
    {
        var path = Archive("storage.pt", ("bomb/data.pkl", 16), ("bomb/data/0", BombBytes));

        var peek = Assert.Throws<EngineInputException>(() => CheckpointFile.PeekKind(path));
        var load = Assert.Throws<EngineInputException>(() => StateDict.Load(path));

        Assert.Contains("bomb/data/0 claims 73,400,320 bytes, more than the", peek.Reason);
        Assert.Contains("bomb/data/0 claims 73,400,320 bytes, more than the", load.Reason);
    }

    [Fact]
    public void A_data_pkl_that_inflates_past_the_size_its_header_declares_is_read_only_as_far_as_declared()
    {
        var path = Archive("lying.pt", ("bomb/data.pkl", BombBytes));
        DeclareUncompressedSize(path, 1000);

        var peek = Assert.Throws<EngineInputException>(() => CheckpointFile.PeekKind(path));
        var load = Assert.Throws<EngineInputException>(() => StateDict.Load(path));

        // 1,000 zeros were read: no names in them.
        Assert.Equal("neither a CLIP nor a Segment Anything checkpoint", peek.Reason);
        Assert.Equal(path, load.Subject);
    }

    /// <summary>A deflated zip whose entries hold the given numbers of zero bytes, written in chunks (memory stays small).</summary>
    private string Archive(string name, params (string Entry, int Bytes)[] entries)
    {
        var path = temp[name];
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        var zeros = new byte[1 << 20];
        foreach (var (entry, bytes) in entries)
        {
            using var stream = zip.CreateEntry(entry, CompressionLevel.Optimal).Open();
            for (int left = bytes; left > 0; left -= zeros.Length)
                stream.Write(zeros, 0, Math.Min(left, zeros.Length));
        }
        return path;
    }

    /// <summary>Rewrites the uncompressed size in every local and central header: the archive now lies about it.</summary>
    private static void DeclareUncompressedSize(string path, uint size)
    {
        var bytes = File.ReadAllBytes(path);
        for (int i = 0; i + 4 <= bytes.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            if (signature == 0x04034b50 && i + 26 <= bytes.Length)
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 22), size);
            else if (signature == 0x02014b50 && i + 28 <= bytes.Length)
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), size);
        }
        File.WriteAllBytes(path, bytes);
    }

    public void Dispose() => temp.Dispose();
}
