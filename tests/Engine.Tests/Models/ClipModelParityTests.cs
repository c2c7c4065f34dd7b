using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Models;

public sealed class ClipModelParityTests
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void Vit_text_features_match_reference()
    {
        using var noGrad = torch.no_grad();
        using var model = TinyModels.Vit();
        using var features = model.EncodeText(Golden.Vit("vit.text.tokens"));
        Golden.AssertClose(Golden.Vit("vit.text.encode_text"), features, Tolerance, "encode_text");
    }

    [Fact]
    public void Rn_text_features_match_reference()
    {
        using var noGrad = torch.no_grad();
        using var model = TinyModels.ResNet();
        using var features = model.EncodeText(Golden.Rn("rn.text.tokens"));
        Golden.AssertClose(Golden.Rn("rn.text.encode_text"), features, Tolerance, "encode_text");
    }

    [Theory]
    [InlineData(224)]
    [InlineData(512)]
    public void Vit_surgery_image_features_match_reference(int resolution)
    {
        using var noGrad = torch.no_grad();
        using var model = TinyModels.Vit();
        using var features = model.Visual.EncodeSurgery(Golden.Vit($"vit.r{resolution}.input"));
        Golden.AssertClose(Golden.Vit($"vit.r{resolution}.cs.image_features"), features, Tolerance, "surgery features");
    }

    [Fact]
    public void Vit_plain_image_features_match_reference()
    {
        using var noGrad = torch.no_grad();
        using var model = TinyModels.Vit();
        using var features = model.Visual.EncodePlain(Golden.Vit("vit.r224.input"));
        Golden.AssertClose(Golden.Vit("vit.r224.plain.image_features"), features, Tolerance, "plain features");
    }

    [Theory]
    [InlineData(224)]
    [InlineData(320)]
    public void Rn_surgery_and_plain_image_features_match_reference(int resolution)
    {
        using var noGrad = torch.no_grad();
        using var model = TinyModels.ResNet();
        var input = Golden.Rn($"rn.r{resolution}.input");
        using var surgery = model.Visual.EncodeSurgery(input);
        using var plain = model.Visual.EncodePlain(input);
        Golden.AssertClose(Golden.Rn($"rn.r{resolution}.cs.image_features"), surgery, Tolerance, "surgery features");
        Golden.AssertClose(Golden.Rn($"rn.r{resolution}.plain.image_features"), plain, Tolerance, "plain features");
    }

    [Fact]
    public void Sizes_are_read_from_the_weights()
    {
        using var vit = TinyModels.Vit();
        var c = vit.Config;
        Assert.Equal((64, 224, 128, 16, 77, 49408, 64, 1, 3), (c.EmbedDim, c.ImageResolution, c.VisionWidth, c.VisionPatchSize, c.ContextLength, c.VocabSize, c.TransformerWidth, c.TransformerHeads, c.TransformerLayers));
        Assert.Equal([8], c.VisionLayers);
        Assert.Equal(2, c.VisionHeads);

        using var rn = TinyModels.ResNet();
        Assert.Equal([1, 1, 1, 1], rn.Config.VisionLayers);
        Assert.Null(rn.Config.VisionPatchSize);
        Assert.Equal(224, rn.Config.ImageResolution);
        Assert.Equal(16, rn.Config.VisionWidth);
        Assert.Equal(8, rn.Config.VisionHeads);
        Assert.Equal(2, rn.Config.TransformerLayers);
    }
}
