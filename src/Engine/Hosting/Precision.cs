namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>
/// The number format the model's matrix work runs in. <see cref="Auto"/>: fp16 on CUDA (as the reference's
/// <c>clip.load</c> on a GPU), fp32 on a CPU. fp16 and bf16 follow OpenAI's recipe (<c>convert_weights</c>):
/// convolutions, linear layers, attention and the projections in half; embeddings, LayerNorm, softmax and the
/// feature-surgery arithmetic in fp32.
/// </summary>
public enum Precision
{
    Auto,
    Fp32,
    Fp16,
    Bf16,
}
