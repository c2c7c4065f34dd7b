using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Jobs.Engine;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>The real engine keeps its one loaded CLIP model per (checkpoint, precision): auto means the settings' default.</summary>
public sealed class EnginePrecisionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("csw-precision-").FullName;

    private static string Reference(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClipSurgeryWeb.sln")))
                return Path.Combine([dir.FullName, "..", "shared", "reference", .. parts]);
        }
        throw new InvalidOperationException("no ClipSurgeryWeb.sln above the tests");
    }

    [Fact]
    public void Each_run_gets_the_model_in_its_precision_and_auto_is_the_servers_default()
    {
        var models = Directory.CreateDirectory(Path.Combine(_root, "models")).FullName;
        var model = Path.Combine(models, "clip_vit_tiny_jit.pt");
        File.Copy(Reference("fixtures", "clip_vit_tiny_jit.pt"), model);
        using var engine = new EngineClipEngine(new EngineClipEngineSettings(models, Reference("bpe_simple_vocab_16e6.txt.gz"),
            DevicePreference.Cpu, Precision: Precision.Bf16));
        var image = Reference("images", "bwcat_cat.png");

        Precision? Explain(Precision asked, string folder)
        {
            var output = Directory.CreateDirectory(Path.Combine(_root, folder)).FullName;
            var request = new ExplainImagesRequest([PipelineImage.At(image, output)], new ExplainRequest(["cat", "dog"], ["cat"], null, [MapMethod.Surgery]));
            engine.Pipeline(new EngineModels(model, Precision: asked)).Explain(request, _ => { }, CancellationToken.None);
            Assert.True(File.Exists(Path.Combine(_root, folder, "cs_cat.png")));
            return engine.LoadedPrecision;
        }

        Assert.Equal(Precision.Bf16, Explain(Precision.Auto, "auto"));
        Assert.Equal(Precision.Fp16, Explain(Precision.Fp16, "fp16"));
        Assert.Equal(Precision.Fp32, Explain(Precision.Fp32, "fp32"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
