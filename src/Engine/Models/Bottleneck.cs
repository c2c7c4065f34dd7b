using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// ModifiedResNet's bottleneck: 1×1, 3×3, (avgpool when strided), 1×1 ×4 expansion; the shortcut is
/// avgpool + 1×1 conv + BN (<c>downsample."-1"/"0"/"1"</c>) when the shape changes.
/// </summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly ReLU relu2;
    private readonly nn.Module<Tensor, Tensor> avgpool;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly ReLU relu3;
    private readonly Sequential? downsample;

    public Bottleneck(int inplanes, int planes, int stride = 1) : base(nameof(Bottleneck))
    {
        conv1 = nn.Conv2d(inplanes, planes, 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        relu1 = nn.ReLU();
        conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        relu2 = nn.ReLU();
        avgpool = stride > 1 ? nn.AvgPool2d(stride) : nn.Identity();
        conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = nn.BatchNorm2d(planes * Expansion);
        relu3 = nn.ReLU();

        if (stride > 1 || inplanes != planes * Expansion)
        {
            downsample = nn.Sequential(
                ("-1", nn.AvgPool2d(stride)),
                ("0", nn.Conv2d(inplanes, planes * Expansion, 1, stride: 1, bias: false)),
                ("1", nn.BatchNorm2d(planes * Expansion)));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var identity = downsample is null ? x : Shortcut(downsample, x);
        var o = relu1.forward(MixedPrecision.InFloat32(conv1.forward(x), bn1.forward));
        o = relu2.forward(MixedPrecision.InFloat32(conv2.forward(o), bn2.forward));
        o = avgpool.forward(o);
        o = MixedPrecision.InFloat32(conv3.forward(o), bn3.forward);
        return relu3.forward(o + identity).MoveToOuterDisposeScope();
    }

    /// <summary><c>downsample</c>: avgpool, 1×1 conv (in the model's type), BatchNorm in fp32; on fp32 the Sequential as it is.</summary>
    private static Tensor Shortcut(Sequential downsample, Tensor x)
    {
        if (x.dtype == ScalarType.Float32)
            return downsample.forward(x);
        var layers = downsample.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        var conv = layers["0"].forward(layers["-1"].forward(x));   // avgpool, then the 1×1 conv
        return MixedPrecision.InFloat32(conv, layers["1"].forward);
    }
}
