using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// A checkpoint's tensors by their PyTorch names, floating point converted to float32 on the CPU
/// (the reference computes in fp32 after <c>.float()</c>). Owns its tensors: dispose it after copying them into a model.
/// </summary>
public sealed class StateDict : IDisposable
{
    /// <summary>Buffers OpenAI's TorchScript files carry beside the weights; <c>build_model</c> drops them.</summary>
    private static readonly string[] OpenAiExtraBuffers = ["input_resolution", "context_length", "vocab_size"];

    private StateDict(string path, CheckpointFormat format, Dictionary<string, Tensor> tensors)
    {
        Path = path;
        Format = format;
        Tensors = tensors;
    }

    public string Path { get; }

    public CheckpointFormat Format { get; }

    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    public Tensor this[string key] =>
        Tensors.TryGetValue(key, out var t) ? t : throw new EngineInputException(Path, $"the checkpoint has no tensor '{key}'");

    public bool Contains(string key) => Tensors.ContainsKey(key);

    public IEnumerable<string> Keys => Tensors.Keys;

    public static StateDict Load(string path)
    {
        var format = CheckpointFile.DetectFormat(path);
        Dictionary<string, Tensor> raw;
        try
        {
            raw = format switch
            {
                CheckpointFormat.TorchScript => ReadTorchScript(path),
                CheckpointFormat.StateDict => ReadPickledStateDict(path),
                CheckpointFormat.Safetensors => Safetensors.LoadStateDict(path),
                _ => throw new ArgumentOutOfRangeException(nameof(path)),
            };
        }
        catch (Exception e) when (e is not EngineInputException)
        {
            throw new EngineInputException(path, $"cannot read the {format} checkpoint ({e.Message})", e);
        }

        var tensors = new Dictionary<string, Tensor>(raw.Count);
        foreach (var (key, tensor) in raw)
        {
            if (OpenAiExtraBuffers.Contains(key))
            {
                tensor.Dispose();
                continue;
            }
            if (tensor.dtype is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64)
            {
                tensors[key] = tensor.to(ScalarType.Float32);
                tensor.Dispose();
            }
            else
            {
                tensors[key] = tensor;
            }
        }
        return new StateDict(path, format, tensors);
    }

    private static Dictionary<string, Tensor> ReadTorchScript(string path)
    {
        // Read the parameters only: OpenAI's graphs hard-code cuda/fp16 and are never run.
        using var script = torch.jit.load(path, DeviceType.CPU);
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, parameter) in script.named_parameters())
            tensors[name] = parameter.detach().clone();
        foreach (var (name, buffer) in script.named_buffers())
            tensors[name] = buffer.detach().clone();
        return tensors;
    }

    private static Dictionary<string, Tensor> ReadPickledStateDict(string path)
    {
        var table = PyTorchUnpickler.UnpickleStateDict(path);
        var tensors = new Dictionary<string, Tensor>(table.Count);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Value is Tensor t)
                tensors[(string)entry.Key] = t;
            else
                throw new EngineInputException(path, $"entry '{entry.Key}' is not a tensor; save the state dict, not the whole model");
        }
        return tensors;
    }

    public void Dispose()
    {
        foreach (var t in Tensors.Values)
            t.Dispose();
    }
}
