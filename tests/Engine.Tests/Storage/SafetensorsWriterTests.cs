using ClipSurgeryWeb.Engine.Storage;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Storage;

public sealed class SafetensorsWriterTests : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("st-");

    [Fact]
    public void A_streamed_file_reads_back_with_PyBridge()
    {
        var path = Path.Combine(work.FullName, "a.safetensors");
        SafetensorsWriter.Write(path,
        [
            SafetensorsWriter.Entry.Floats("map.cat", [2, 3], () => [0, 0.5f, 1, 2, 3, 4]),
            SafetensorsWriter.Entry.Longs("points.cat", [1, 2], [7, 9]),
        ]);

        var read = Safetensors.LoadStateDict(path);
        Assert.Equal([2L, 3L], read["map.cat"].shape);
        Assert.Equal([0, 0.5f, 1, 2, 3, 4], read["map.cat"].data<float>().ToArray());
        Assert.Equal(ScalarType.Int64, read["points.cat"].dtype);
        Assert.Equal([7L, 9L], read["points.cat"].data<long>().ToArray());
    }

    [Fact]
    public void Merging_keeps_the_old_tensors_not_written_again_and_replaces_the_others()
    {
        var path = Path.Combine(work.FullName, "maps.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsWriter.Entry.Floats("cs.cat", [2], () => [1, 2]), SafetensorsWriter.Entry.Floats("plain.cat", [1], () => [3])]);
        var next = Path.Combine(work.FullName, "next.safetensors");

        SafetensorsWriter.Write(next, [SafetensorsWriter.Entry.Floats("plain.cat", [2], () => [8, 9]), SafetensorsWriter.Entry.Longs("points.cat", [1], [5])], mergeFrom: path);

        var read = Safetensors.LoadStateDict(next);
        Assert.Equal(["cs.cat", "plain.cat", "points.cat"], read.Keys.Order());
        Assert.Equal([1f, 2f], read["cs.cat"].data<float>().ToArray());
        Assert.Equal([8f, 9f], read["plain.cat"].data<float>().ToArray());
        Assert.Equal([5L], read["points.cat"].data<long>().ToArray());
    }

    [Fact]
    public void A_writer_that_produces_the_wrong_number_of_bytes_is_caught()
    {
        var path = Path.Combine(work.FullName, "bad.safetensors");
        var e = Assert.Throws<InvalidOperationException>(() => SafetensorsWriter.Write(path, [SafetensorsWriter.Entry.Floats("x", [3], () => [1, 2])]));
        Assert.Contains("x", e.Message);
    }

    public void Dispose() => work.Delete(recursive: true);
}
