using System.IO.Compression;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>A zipped model folder is unpacked without trusting it: no path out of the folder, no more bytes than the limit.</summary>
public sealed class ModelFolderArchiveTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("csw-zip-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Zip(params (string Name, byte[] Content)[] entries)
    {
        var path = Path.Combine(_root, $"{Guid.NewGuid():N}.zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, content) in entries)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
            stream.Write(content);
        }
        return path;
    }

    private string Target => Path.Combine(_root, "unpacked");

    [Theory]
    [InlineData("../config.json")]
    [InlineData("clip/../../config.json")]
    [InlineData("/etc/config.json")]
    [InlineData("C:/config.json")]
    [InlineData("..\\config.json")]
    public async Task An_entry_that_could_reach_outside_the_folder_is_refused_and_nothing_is_written_outside(string name)
    {
        var zip = Zip(("model.safetensors", new byte[16]), (name, "{}"u8.ToArray()));
        var e = await Assert.ThrowsAsync<RequestRejectedException>(() => ModelFolderArchive.UnpackAsync(zip, Target, "clip.zip", 1 << 20, default));
        Assert.Equal("clip.zip", e.Subject);
        Assert.Contains("unsafe path", e.Reason);
        Assert.False(File.Exists(Path.Combine(_root, "config.json")));
    }

    [Fact]
    public async Task Bytes_are_counted_as_they_inflate_so_a_zip_bomb_stops_at_the_limit()
    {
        var zip = Zip(("model.safetensors", new byte[4 << 20]));   // 4 MiB of zeros: a few KB compressed
        Assert.True(new FileInfo(zip).Length < 100_000);
        var e = await Assert.ThrowsAsync<RequestRejectedException>(() => ModelFolderArchive.UnpackAsync(zip, Target, "bomb.zip", 1 << 20, default));
        Assert.Contains("unpack to more than", e.Reason);
    }

    [Fact]
    public async Task A_zipped_folder_is_read_from_inside_it_keeping_only_what_a_checkpoint_needs()
    {
        var zip = Zip(("clip-vit-b-32/model.safetensors", [1, 2, 3]), ("clip-vit-b-32/config.json", "{}"u8.ToArray()),
            ("clip-vit-b-32/tf_model.h5", new byte[64]), ("clip-vit-b-32/onnx/model.onnx", new byte[64]), ("clip-vit-b-32/.gitattributes", [1]));
        await ModelFolderArchive.UnpackAsync(zip, Target, "clip.zip", 1 << 20, default);
        Assert.Equal(["config.json", "model.safetensors"], Directory.GetFileSystemEntries(Target).Select(Path.GetFileName).Order());
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(Target, "model.safetensors")));
    }

    [Fact]
    public async Task A_file_that_is_not_a_zip_is_refused_with_the_reason()
    {
        var path = Path.Combine(_root, "fake.zip");
        await File.WriteAllTextAsync(path, "not a zip");
        var e = await Assert.ThrowsAsync<RequestRejectedException>(() => ModelFolderArchive.UnpackAsync(path, Target, "fake.zip", 1 << 20, default));
        Assert.Contains("not a readable zip", e.Reason);
    }
}
