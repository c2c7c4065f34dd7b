using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;

namespace ClipSurgeryWeb.Engine.Tests.Checkpoints;

/// <summary>
/// Damaged checkpoints and safetensors headers are refused with the file and the reason — by the loader, by the
/// models folder's listing and by SAM — never with a raw exception, and without leaving tensors alive.
/// </summary>
public sealed class BrokenCheckpointTests : IDisposable
{
    private readonly TempFolder temp = new("broken-checkpoints-");

    public static TheoryData<string, string> Cases => new()
    {
        { "header-beyond-file", "header claims 1,000,000 bytes" },
        { "bad-json", "not valid JSON" },
        { "offsets-out-of-range", "outside the file's 16 bytes of data" },
        { "size-mismatch", "need 24" },
        { "unknown-dtype", "dtype F8_E4M3, which cannot be read" },
        { "truncated-archive", "damaged zip archive" },
        { "zip-not-torch", "without data.pkl" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_damaged_checkpoint_is_refused_with_the_file_and_the_reason(string kind, string reason)
    {
        var path = Make(kind);
        long live = LiveTensors();

        var load = Assert.Throws<EngineInputException>(() => StateDict.Load(path));
        var peek = Assert.Throws<EngineInputException>(() => CheckpointFile.PeekKind(path));
        var sam = Assert.Throws<InvalidDataException>(() => SamModel.Load(path, torch.CPU));

        Assert.Equal(path, load.Subject);
        Assert.Contains(reason, load.Reason);
        Assert.Equal(path, peek.Subject);
        Assert.Contains(reason, peek.Reason);
        Assert.Contains(path, sam.Message);
        Assert.Contains(reason, sam.Message);
        Assert.Equal(live, LiveTensors());
    }

    /// <summary>Headers whose JSON is valid but of the wrong kinds where the format wants numbers, strings, arrays, objects.</summary>
    public static TheoryData<string, string> MalformedHeaders => new()
    {
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}", "not a usable safetensors file" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,\"4\"]}}", "not a usable safetensors file" },
        { "{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", "not a usable safetensors file" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", "not a usable safetensors file" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", "not a usable safetensors file" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", "not a usable safetensors file" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{\"begin\":0,\"end\":4}}}", "not a usable safetensors file" },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[[1]],\"data_offsets\":[[0],[4]]}}", "not a usable safetensors file" },
        { "{\"a\":[1,2,3]}", "not a usable safetensors file" },
        { "{\"a\":\"F32\"}", "not a usable safetensors file" },
        { "{\"__metadata__\":[\"format\",\"pt\"],\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "not a usable safetensors file" },
        { "{\"__metadata__\":{\"format\":{\"x\":1}},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "not a usable safetensors file" },
        { "{\"__metadata__\":5,\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "not a usable safetensors file" },
        { "[{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}]", "not a checkpoint" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void A_safetensors_header_of_the_wrong_json_kinds_is_refused_by_the_loader_and_the_listing(string header, string reason)
    {
        var path = temp["malformed.safetensors"];
        File.WriteAllBytes(path, Safetensors(null, header, 4));

        var load = Assert.Throws<EngineInputException>(() => StateDict.Load(path));
        var peek = Assert.Throws<EngineInputException>(() => CheckpointFile.PeekKind(path));

        Assert.Equal(path, load.Subject);
        Assert.Equal(path, peek.Subject);
        Assert.StartsWith(reason, load.Reason);
        Assert.StartsWith(reason, peek.Reason);
    }

    private string Make(string kind)
    {
        var path = temp[kind + (kind.Contains("archive") || kind.Contains("zip") ? ".pth" : ".safetensors")];
        switch (kind)
        {
            case "header-beyond-file":
                File.WriteAllBytes(path, Safetensors(1_000_000, "{\"a\":{}}", 0));
                break;
            case "bad-json":
                File.WriteAllBytes(path, Safetensors(null, "{\"a\": {\"dtype\": \"F32\", oops", 16));
                break;
            case "offsets-out-of-range":
                File.WriteAllBytes(path, Safetensors(null, "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000],\"data_offsets\":[0,4000]}}", 16));
                break;
            case "size-mismatch":
                File.WriteAllBytes(path, Safetensors(null, "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", 16));
                break;
            case "unknown-dtype":
                File.WriteAllBytes(path, Safetensors(null, "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[16],\"data_offsets\":[0,16]}}", 16));
                break;
            case "truncated-archive":
                var bytes = File.ReadAllBytes(Shared.Fixture("sam_vit_tiny.pth"));
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
            default:
                using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
                {
                    using var writer = new StreamWriter(zip.CreateEntry("notes/readme.txt").Open());
                    writer.Write("a zip file, but no torch archive");
                }
                break;
        }
        return path;
    }

    /// <summary>A safetensors file: the length (the header's real one unless given), the header, and <paramref name="dataBytes"/> zero bytes.</summary>
    private static byte[] Safetensors(ulong? claimedLength, string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, claimedLength ?? (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }

    private static long LiveTensors() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    public void Dispose() => temp.Dispose();
}
