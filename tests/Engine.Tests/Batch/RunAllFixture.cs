using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;

namespace ClipSurgeryWeb.Engine.Tests.Batch;

/// <summary>The ViT fixture as an explainer and the tiny SAM, loaded once for the runall tests.</summary>
public sealed class RunAllFixture : IDisposable
{
    public ClipTokenizer Tokenizer { get; } = ClipTokenizer.FromFile(Shared.Vocab);

    public ClipExplainer Explainer { get; }

    public SamModel Sam { get; } = SamModel.Load(Shared.Fixture("sam_vit_tiny.pth"), torch.CPU);

    public RunAllFixture() => Explainer = ClipExplainer.Load(TinyModels.VitPath, Tokenizer, new EngineOptions(DevicePreference.Cpu));

    public void Dispose()
    {
        Explainer.Dispose();
        Sam.Dispose();
    }
}
