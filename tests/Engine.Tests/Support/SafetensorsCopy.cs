using System.Runtime.InteropServices;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Storage;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>Writes a checkpoint's float32 tensors as a safetensors file with the engine's writer (a format conversion made in the test).</summary>
public static class SafetensorsCopy
{
    /// <param name="shapeOf">an override of a tensor's shape in the header and data (to make a checkpoint that does not fit)</param>
    public static void Write(string checkpoint, string path, Func<string, long[], long[]>? shapeOf = null)
    {
        using var sd = StateDict.Load(checkpoint);
        var entries = new List<SafetensorsWriter.Entry>();
        foreach (var (name, tensor) in sd.Tensors)
        {
            Assert.Equal(ScalarType.Float32, tensor.dtype);
            var values = tensor.contiguous().data<float>().ToArray();
            var shape = shapeOf?.Invoke(name, tensor.shape) ?? tensor.shape;
            var count = shape.Aggregate(1L, (a, b) => a * b);
            Array.Resize(ref values, (int)count);
            entries.Add(new SafetensorsWriter.Entry(name, "F32", shape, s => s.Write(MemoryMarshal.AsBytes(values.AsSpan()))));
        }
        SafetensorsWriter.Write(path, entries);
    }
}
