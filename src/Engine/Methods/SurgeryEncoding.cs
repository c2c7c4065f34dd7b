using ClipSurgeryWeb.Engine.Models;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>The encoder's dual (Surgery) path at the requested resolution.</summary>
public sealed class SurgeryEncoding : IImageEncoding
{
    public static SurgeryEncoding Instance { get; } = new();

    public string Name => "surgery";

    public int Resolution(ClipModel model, int requested) => requested;

    /// <summary>
    /// On a ViT: the reference's surgery model takes the class token from the original path (<c>x[0] = x_ori[0]</c>),
    /// and that path is the plain blocks unchanged, so token 0 is CLIP's embedding (at the model's own size, where no
    /// position embedding is interpolated). On a ResNet: no, its surgery attention pool queries with <c>v_proj</c>
    /// instead of <c>q_proj</c>/<c>k_proj</c> for every token, the class token too.
    /// </summary>
    public bool ClassTokenIsPooled(ClipModel model) => model.Config.IsVisionTransformer;

    public Tensor Encode(ClipModel model, Tensor images) => model.Visual.EncodeSurgery(images);   // [b, 3, R, R] -> [b, 1+N, D]
}
