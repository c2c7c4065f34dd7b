namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>What a CLIP checkpoint's layout says beyond its tensors: whose names it uses and which activation it was trained with.</summary>
/// <param name="WeightsFile">The file holding the tensors (a folder's <c>model.safetensors</c>, …).</param>
/// <param name="Activation">Null only when listing and nothing tells (loading then needs it stated).</param>
/// <param name="ActivationSource">Where the activation came from, in words (shown on the Models page).</param>
/// <param name="VisionHeads">The image tower's head count when a config gives it (Hugging Face <c>num_attention_heads</c>).</param>
/// <param name="VisionHeadWidth">The image tower's head width when a config or name gives it (OpenCLIP <c>head_width</c>; ViT-H-14: 80).</param>
/// <param name="TextHeads">The text tower's head count when a config gives it.</param>
/// <param name="VisionTransformer">Whether the image tower is a ViT (false: a ModifiedResNet), from the tensor names; null where not told.</param>
public sealed record ClipCheckpointInfo(
    string WeightsFile,
    CheckpointFormat Format,
    CheckpointLayout Layout,
    Activation? Activation,
    string ActivationSource,
    int? VisionHeads = null,
    int? VisionHeadWidth = null,
    int? TextHeads = null,
    bool? VisionTransformer = null);
