using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Opinions;

/// <summary>
/// One gradient-ascent step of ours on the inputs of <c>golden_ga</c> (ViT fixture, B = 2, k = 3, the 3 given views,
/// the given Gumbel noise), computed once for all parity tests.
/// </summary>
public sealed class GradientAscentGolden : IDisposable
{
    public const string FileName = "golden_ga.safetensors";

    public GradientAscentGolden()
    {
        Model = TinyModels.Vit();
        Prompt = new SoftPrompt(Model, ClipTokenizer.FromFile(Shared.Vocab));

        using (torch.no_grad())
            ImageFeatures = Model.Visual.EncodePooled(Get("ga.views"));                    // [3, D]

        Logits = new Parameter(Get("ga.normu0").clone());
        Soft = GumbelTokens.HardSample(Logits, Get("ga.gumbel"));                           // [2, 3, V]
        TextFeatures = Prompt.Encode(Soft);                                                 // [2, D]
        LossPerSample = GradientAscent.Loss(TextFeatures, ImageFeatures);                  // [2]
        using (var mean = LossPerSample.mean())
            mean.backward();
        Grad = Logits.grad!.clone();
        using (var optimizer = GradientAscent.CreateOptimizer(Logits))
            optimizer.step();

        using var fromGoldenGrad = new Parameter(Get("ga.normu0").clone());
        fromGoldenGrad.grad = Get("ga.grad").clone();
        using (var optimizer = GradientAscent.CreateOptimizer(fromGoldenGrad))
            optimizer.step();
        StepFromGoldenGradient = fromGoldenGrad.detach().clone();
    }

    public ClipModel Model { get; }

    public SoftPrompt Prompt { get; }

    public Tensor ImageFeatures { get; }

    public Parameter Logits { get; }

    public Tensor Soft { get; }

    public Tensor TextFeatures { get; }

    public Tensor LossPerSample { get; }

    public Tensor Grad { get; }

    /// <summary>Adam's step applied to the reference's own gradient: isolates the optimiser from gradient rounding.</summary>
    public Tensor StepFromGoldenGradient { get; }

    public static Tensor Get(string key) => Golden.Get(FileName, key);

    public void Dispose()
    {
        foreach (var t in new[] { ImageFeatures, Soft, TextFeatures, LossPerSample, Grad, StepFromGoldenGradient })
            t.Dispose();
        Logits.Dispose();
        Model.Dispose();
    }
}
