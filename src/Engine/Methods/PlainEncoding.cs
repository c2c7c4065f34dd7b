using ClipSurgeryWeb.Engine.Models;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// The encoder's plain path. The plain ViT has no position-embedding interpolation: its maps exist only at the model's
/// own size, so a ViT runs at its native resolution whatever was asked for; a ResNet runs at the requested one.
/// </summary>
public sealed class PlainEncoding : IImageEncoding
{
    public static PlainEncoding Instance { get; } = new();

    public string Name => "plain";

    public int Resolution(ClipModel model, int requested) => model.Config.IsVisionTransformer ? model.Visual.InputResolution : requested;

    /// <summary>Always: the plain path is CLIP's own (a ViT's class token, a ResNet's attention-pool mean query).</summary>
    public bool ClassTokenIsPooled(ClipModel model) => true;

    public Tensor Encode(ClipModel model, Tensor images) => model.Visual.EncodePlain(images);   // [b, 3, R', R'] -> [b, 1+N', D]
}
