namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>Whose key names (and config files) a CLIP checkpoint carries.</summary>
public enum CheckpointLayout
{
    /// <summary>OpenAI's released files (a TorchScript archive, or a file with an official SHA-256).</summary>
    OpenAi,

    /// <summary>Hugging Face <c>transformers</c> <c>CLIPModel</c> (<c>vision_model.*</c>, <c>text_model.*</c>) with its <c>config.json</c>.</summary>
    HuggingFace,

    /// <summary>OpenAI key names from anyone but OpenAI: OpenCLIP (<c>open_clip_pytorch_model.bin</c>, <c>.safetensors</c>) or a fine-tune.</summary>
    OpenClip,
}
