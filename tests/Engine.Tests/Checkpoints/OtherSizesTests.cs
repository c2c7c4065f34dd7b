using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Checkpoints;

/// <summary>
/// Models of other shapes than the fixtures (patch size, width and so head count, depth, ResNet stages), saved in
/// both state-dict formats: every size is read back from the weights and the model explains an image.
/// </summary>
public sealed class OtherSizesTests
{
    public static TheoryData<string, bool> Shapes => new()
    {
        { "vit-p32-w192-l4", false }, { "vit-p32-w192-l4", true },
        { "vit-p8-w64-l7", false },
        { "rn-2121-w8", false }, { "rn-2121-w8", true },
    };

    private static ClipConfig Config(string name) => name switch
    {
        // ViT-B/32-like patch, 3 heads, fewer blocks than Surgery's 6 (all take the dual path).
        "vit-p32-w192-l4" => new ClipConfig(32, 224, [4], 192, 32, 77, 49408, 128, 2, 2),
        "vit-p8-w64-l7" => new ClipConfig(48, 64, [7], 64, 8, 77, 49408, 64, 1, 1),
        "rn-2121-w8" => new ClipConfig(32, 160, [2, 1, 2, 1], 8, null, 77, 49408, 64, 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Sizes_come_back_from_the_weights_and_the_model_explains(string name, bool safetensors)
    {
        var expected = Config(name);
        var path = Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}{(safetensors ? ".safetensors" : ".pt")}");
        try
        {
            using (var model = new ClipModel(expected))
            {
                using var noGrad = torch.no_grad();
                var generator = new Generator(7);
                foreach (var p in model.parameters())
                    p.normal_(0, 0.05, generator);
                var weights = model.state_dict().Where(kv => !kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float16));
                if (safetensors)
                    Safetensors.SaveStateDict(path, weights);
                else
                    PyTorchPickler.PickleStateDict(path, weights);
            }

            // Written by this test from OpenAI's architecture (QuickGELU); a state dict does not say so: stated.
            using var sd = StateDict.Load(path, Activation.QuickGelu);
            var actual = ClipConfig.FromStateDict(sd);
            Assert.Equal(
                (expected.EmbedDim, expected.ImageResolution, expected.VisionWidth, expected.VisionPatchSize, expected.VisionHeads, expected.TransformerWidth, expected.TransformerHeads, expected.TransformerLayers),
                (actual.EmbedDim, actual.ImageResolution, actual.VisionWidth, actual.VisionPatchSize, actual.VisionHeads, actual.TransformerWidth, actual.TransformerHeads, actual.TransformerLayers));
            Assert.Equal(expected.VisionLayers, actual.VisionLayers);

            using var explainer = ClipExplainer.Load(path, Tokenizer.Value, new EngineOptions(DevicePreference.Cpu), Activation.QuickGelu);
            using var image = Image.Load<Rgb24>(Shared.Image("bwcat_cat.png"));
            var explanation = explainer.Explain(image, new ExplainRequest(["cat", "dog"], ["cat", "cat+dog"], 96, [MapMethod.Surgery, MapMethod.Plain, MapMethod.Single]));
            Assert.Equal(6, explanation.Maps.Count);
            Assert.All(explanation.Maps, m => Assert.Equal(image.Width * image.Height, m.Render().Length));
            Assert.All(explanation.Maps, m => Assert.DoesNotContain(m.Render(), float.IsNaN));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static readonly Lazy<ClipTokenizer> Tokenizer = new(() => ClipTokenizer.FromFile(Shared.Vocab));
}
