namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>How a checkpoint file stores its tensors.</summary>
public enum CheckpointFormat
{
    /// <summary>OpenAI's released files: a TorchScript archive; we read its parameters and never run its graph.</summary>
    TorchScript,

    /// <summary><c>torch.save(state_dict)</c> in the zip format (PyTorch ≥ 1.6).</summary>
    StateDict,

    /// <summary>A safetensors file with OpenAI key names.</summary>
    Safetensors,
}
