using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// The casts of OpenAI's half-precision recipe, each a no-op (the very same tensor, no cast) on fp32, so the fp32
/// model runs exactly the ops it ran before precisions existed.
/// </summary>
public static class MixedPrecision
{
    /// <summary><paramref name="x"/> as <paramref name="dtype"/>: itself when it already is (<c>x.type(self.dtype)</c>).</summary>
    public static Tensor As(Tensor x, ScalarType dtype) => x.dtype == dtype ? x : x.to(dtype);

    /// <summary>Where features leave the model: feature surgery, maps, points and losses work in fp32.</summary>
    public static Tensor Float32(Tensor x) => As(x, ScalarType.Float32);

    /// <summary>
    /// <paramref name="op"/> (a module whose weights stay fp32: BatchNorm) computed in fp32 and returned in the input's
    /// type, as cuDNN's batch norm does with half input and fp32 weights; on fp32 input just <paramref name="op"/>.
    /// </summary>
    public static Tensor InFloat32(Tensor x, Func<Tensor, Tensor> op)
    {
        if (x.dtype == ScalarType.Float32)
            return op(x);
        using var scope = torch.NewDisposeScope();
        return op(x.to(ScalarType.Float32)).to(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>A parameter's values as <paramref name="dtype"/> (<c>tensor.data = tensor.data.half()</c>); the old one is disposed.</summary>
    public static Parameter Convert(Parameter p, ScalarType dtype)
    {
        if (p.dtype == dtype)
            return p;
        using var noGrad = torch.no_grad();
        using var detached = p.detach();
        var converted = new Parameter(detached.to(dtype), p.requires_grad);
        converted.DetachFromDisposeScope();   // owned by its module from now on
        p.Dispose();
        return converted;
    }

    /// <summary>OpenAI's <c>_convert_weights_to_fp16</c> for Conv1d/Conv2d/Linear: weight and bias to <paramref name="dtype"/>.</summary>
    public static void ConvertLayer(nn.Module layer, ScalarType dtype) => layer.to(dtype);
}
