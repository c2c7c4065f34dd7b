using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// CLIP's ResNet image tower: a 3-conv stem with average pooling, four bottleneck stages (anti-aliased strides),
/// and an attention pool that returns all tokens (<see cref="AttentionPool2d"/>).
/// </summary>
public sealed class ModifiedResNet : VisualEncoder
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly ReLU relu2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly ReLU relu3;
    private readonly AvgPool2d avgpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AttentionPool2d attnpool;

    public ModifiedResNet(IReadOnlyList<int> layers, int outputDim, int heads, int inputResolution, int width)
        : base(nameof(ModifiedResNet))
    {
        conv1 = nn.Conv2d(3, width / 2, kernel_size: 3, stride: 2, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(width / 2);
        relu1 = nn.ReLU();
        conv2 = nn.Conv2d(width / 2, width / 2, kernel_size: 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(width / 2);
        relu2 = nn.ReLU();
        conv3 = nn.Conv2d(width / 2, width, kernel_size: 3, padding: 1, bias: false);
        bn3 = nn.BatchNorm2d(width);
        relu3 = nn.ReLU();
        avgpool = nn.AvgPool2d(2);

        int inplanes = width;
        layer1 = MakeLayer(ref inplanes, width, layers[0], stride: 1);
        layer2 = MakeLayer(ref inplanes, width * 2, layers[1], stride: 2);
        layer3 = MakeLayer(ref inplanes, width * 4, layers[2], stride: 2);
        layer4 = MakeLayer(ref inplanes, width * 8, layers[3], stride: 2);

        attnpool = new AttentionPool2d(inputResolution / 32, width * 32, heads, outputDim);
        RegisterComponents();
        InputResolution = inputResolution;
    }

    public override int InputResolution { get; }

    public override Tensor EncodePlain(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        return MixedPrecision.Float32(attnpool.forward(Trunk(image))).MoveToOuterDisposeScope();
    }

    public override Tensor EncodeSurgery(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        return MixedPrecision.Float32(attnpool.ForwardSurgery(Trunk(image))).MoveToOuterDisposeScope();
    }

    /// <summary>The type the tower computes in: its first convolution's (OpenAI's <c>x.type(self.conv1.weight.dtype)</c>).</summary>
    public override ScalarType ComputeType => conv1.weight!.dtype;

    /// <summary>
    /// Stem and the four stages: <c>[B, 3, R, R]</c> -> <c>[B, 32·width, R/32, R/32]</c>. The image is cast to the
    /// tower's type; BatchNorm keeps fp32 weights and computes in fp32 (<see cref="MixedPrecision.InFloat32"/>).
    /// </summary>
    private Tensor Trunk(Tensor x)
    {
        x = MixedPrecision.As(x, ComputeType);
        x = relu1.forward(MixedPrecision.InFloat32(conv1.forward(x), bn1.forward));
        x = relu2.forward(MixedPrecision.InFloat32(conv2.forward(x), bn2.forward));
        x = relu3.forward(MixedPrecision.InFloat32(conv3.forward(x), bn3.forward));
        x = avgpool.forward(x);
        x = layer1.forward(x);
        x = layer2.forward(x);
        x = layer3.forward(x);
        return layer4.forward(x);
    }

    private static Sequential MakeLayer(ref int inplanes, int planes, int blocks, int stride)
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)> { ("0", new Bottleneck(inplanes, planes, stride)) };
        inplanes = planes * Bottleneck.Expansion;
        for (int i = 1; i < blocks; i++)
            modules.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture), new Bottleneck(inplanes, planes)));
        return nn.Sequential(modules);
    }
}
