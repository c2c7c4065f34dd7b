using ClipSurgeryWeb.Engine.Models;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>The encoder's dual (Surgery) path at the requested resolution.</summary>
public sealed class SurgeryEncoding : IImageEncoding
{
    public static SurgeryEncoding Instance { get; } = new();

    public string Name => "surgery";

    public int Resolution(ClipModel model, int requested) => requested;

    public Tensor Encode(ClipModel model, Tensor images) => model.Visual.EncodeSurgery(images);   // [b, 3, R, R] -> [b, 1+N, D]
}
