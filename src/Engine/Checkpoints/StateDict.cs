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

    /// <summary>
    /// Reads every tensor of a CLIP or Segment Anything checkpoint (TorchScript archive, <c>torch.save</c> zip,
    /// safetensors). Whatever is wrong with the file — truncated, a zip that is no torch archive, a safetensors header
    /// that does not add up — is refused with an <see cref="EngineInputException"/> naming the file and the reason;
    /// on every failure the tensors read so far are disposed.
    /// </summary>
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
                CheckpointFormat.Safetensors => ReadSafetensors(path),
                _ => throw new ArgumentOutOfRangeException(nameof(path)),
            };
        }
        catch (Exception e) when (e is not EngineInputException)
        {
            throw new EngineInputException(path, $"cannot read the {format} checkpoint ({e.Message.Split('\n')[0]})", e);
        }

        var tensors = new Dictionary<string, Tensor>(raw.Count);
        try
        {
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
        }
        catch (Exception e)
        {
            DisposeAll(raw.Values);
            DisposeAll(tensors.Values);
            if (e is EngineInputException)
                throw;
            throw new EngineInputException(path, $"cannot convert the {format} checkpoint's tensors to float32 ({e.Message.Split('\n')[0]})", e);
        }
        return new StateDict(path, format, tensors);
    }

    private static Dictionary<string, Tensor> ReadTorchScript(string path)
    {
        // Read the parameters only: OpenAI's graphs hard-code cuda/fp16 and are never run.
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            using var script = torch.jit.load(path, DeviceType.CPU);
            // detach() makes a tensor of its own (a view of the script's storage): disposed once cloned, or the
            // script's weights stay alive until the garbage collector finds it. The script owns the parameters.
            foreach (var (name, parameter) in script.named_parameters())
            {
                using var detached = parameter.detach();
                tensors[name] = detached.clone();
            }
            foreach (var (name, buffer) in script.named_buffers())
            {
                using var detached = buffer.detach();
                tensors[name] = detached.clone();
            }
            return tensors;
        }
        catch
        {
            DisposeAll(tensors.Values);
            throw;
        }
    }

    private static Dictionary<string, Tensor> ReadPickledStateDict(string path)
    {
        // The unpickler inflates data.pkl itself, believing its header: read once here within the bounds first.
        CheckpointArchive.ReadIndex(path);
        var table = PyTorchUnpickler.UnpickleStateDict(path);
        var tensors = new Dictionary<string, Tensor>(table.Count);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string key && entry.Value is Tensor t)
            {
                tensors[key] = t;
                continue;
            }
            DisposeAll(table.Values.OfType<Tensor>());
            throw new EngineInputException(path, $"entry '{entry.Key}' is not a tensor; save the state dict, not the whole model");
        }
        return tensors;
    }

    /// <summary>Checks the safetensors header against the file before any tensor is read, then reads them.</summary>
    private static Dictionary<string, Tensor> ReadSafetensors(string path)
    {
        SafetensorsHeader.Read(path);
        return Safetensors.LoadStateDict(path);
    }

    private static void DisposeAll(IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors)
            t.Dispose();
    }

    public void Dispose()
    {
        foreach (var t in Tensors.Values)
            t.Dispose();
    }
}
