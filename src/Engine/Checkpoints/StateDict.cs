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

    private StateDict(string path, CheckpointFormat format, Dictionary<string, Tensor> tensors, ClipCheckpointInfo? clip)
    {
        Path = path;
        Format = format;
        Tensors = tensors;
        Clip = clip;
    }

    /// <summary>What was given: a file, or a Hugging Face / OpenCLIP folder.</summary>
    public string Path { get; }

    public CheckpointFormat Format { get; }

    /// <summary>A CLIP checkpoint's layout (its tensors are already under OpenAI names) and activation; null for SAM.</summary>
    public ClipCheckpointInfo? Clip { get; }

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
    /// A CLIP checkpoint in the Hugging Face layout (a folder, or a file with its <c>config.json</c> beside it) is
    /// renamed to OpenAI's layout; its activation is decided by <see cref="ClipCheckpoint.Describe"/>, with
    /// <paramref name="activation"/> the one the user states (used only where the files say nothing, refused where they
    /// say otherwise).
    /// </summary>
    /// <remarks>A CLIP checkpoint whose activation nothing tells (and none was stated) loads with a null
    /// <see cref="ClipCheckpointInfo.Activation"/>; <see cref="ClipConfig.FromStateDict"/> then refuses it with
    /// <see cref="ActivationRequiredException"/>.</remarks>
    public static StateDict Load(string path, Activation? activation = null)
    {
        var weights = ClipCheckpoint.WeightsFile(path);
        var format = CheckpointFile.DetectFormat(weights);
        Dictionary<string, Tensor> raw;
        try
        {
            raw = format switch
            {
                CheckpointFormat.TorchScript => ReadTorchScript(weights),
                CheckpointFormat.StateDict => ReadPickledStateDict(weights),
                CheckpointFormat.Safetensors => ReadSafetensors(weights),
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

        ClipCheckpointInfo? clip = null;
        try
        {
            tensors = WithoutModulePrefix(tensors);
            if (IsClip(tensors.Keys))
            {
                clip = ClipCheckpoint.Describe(path, weights, format, tensors.Keys.ToHashSet(StringComparer.Ordinal), activation,
                    () => FileChecksum.Sha256(weights), require: false);   // undecided: ClipConfig refuses it, a SAM load never asks
                if (clip.Layout == CheckpointLayout.HuggingFace)
                    tensors = HuggingFaceLayout.ToOpenAi(path, tensors);
                else if (tensors.Remove("attn_mask", out var mask))
                    mask.Dispose();   // OpenCLIP's causal-mask buffer (persistent in older versions): the engine's attention is causal itself
            }
        }
        catch
        {
            DisposeAll(tensors.Values);
            throw;
        }
        return new StateDict(path, format, tensors, clip);
    }

    /// <summary>CLIP's tensors (OpenAI or Hugging Face names) rather than Segment Anything's.</summary>
    private static bool IsClip(IEnumerable<string> keys) =>
        keys.Any(k => k is "token_embedding.weight" or "text_projection" || k.StartsWith("visual.", StringComparison.Ordinal)
            || k.StartsWith("vision_model.", StringComparison.Ordinal) || k.StartsWith("text_model.", StringComparison.Ordinal));

    /// <summary>A checkpoint saved from a <c>DistributedDataParallel</c> wrapper (OpenCLIP training) has every key under <c>module.</c>.</summary>
    private static Dictionary<string, Tensor> WithoutModulePrefix(Dictionary<string, Tensor> tensors)
    {
        const string prefix = "module.";
        if (tensors.Count == 0 || !tensors.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            return tensors;
        return tensors.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
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
