using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// CLIP opinions: which words CLIP finds closest to an image, found by gradient ascent on token logits
/// (the reference's <c>clipga/runclipga.py</c>). Per step: random views of the image → pooled image features;
/// hard Gumbel-softmax tokens → text features; loss <c>−100 · mean cos</c> per sample; Adam on the logits.
/// Every check-in decodes the samples and counts their words.
/// On a half-precision model (<see cref="ClipModel.ToPrecision"/>) the logits and Adam's state stay fp32, the one-hot
/// × token-embedding product is fp32 (the table stays fp32, as in OpenAI's recipe) and is cast to the model's type
/// inside the text tower, and both towers hand back fp32 features, so the loss and its gradient start in fp32.
/// Not thread-safe; one run at a time per model (TorchSharp dispose scopes are per thread, and the run freezes the
/// model's parameters while it lasts).
/// </summary>
public sealed class GradientAscent
{
    private readonly ClipModel model;
    private readonly ClipTokenizer tokenizer;

    public GradientAscent(ClipModel model, ClipTokenizer tokenizer)
    {
        this.model = model;
        this.tokenizer = tokenizer;
        Prompt = new SoftPrompt(model, tokenizer);
    }

    public SoftPrompt Prompt { get; }

    public Device Device => model.TokenEmbeddingWeight.device;

    /// <summary>
    /// Runs gradient ascent on <paramref name="image"/>. <paramref name="progress"/> hears of every step on the
    /// calling thread; <paramref name="ct"/> is checked before each step (<see cref="OperationCanceledException"/>).
    /// </summary>
    public OpinionResult Run(Image<Rgb24> image, OpinionSettings settings, IProgress<OpinionProgress>? progress = null, CancellationToken ct = default)
    {
        settings.Validate(model.Config.ContextLength);
        long seed = settings.Seed ?? Random.Shared.NextInt64(0, long.MaxValue);
        var device = Device;
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        CheckIn? last = null;
        float loss = float.NaN;

        using var frozen = new FrozenParameters(model);
        using var generator = new Generator(unchecked((ulong)seed), device);
        using var input = RandomViews.ImageTensor(image, model.Visual.InputResolution, device);   // [1, 3, S, S]
        using var initial = torch.randn([settings.Batch, settings.Tokens, model.Config.VocabSize], generator: generator, device: device);   // N(0, 1)
        using var logits = new Parameter(initial);
        using var optimizer = CreateOptimizer(logits);

        for (int i = 0; i < settings.Iterations; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            var (lossPerSample, tokenIds) = Step(logits, input, settings.Views, generator, optimizer);
            loss = lossPerSample.mean().item<float>();
            CheckIn? checkIn = null;
            if (i % settings.CheckInInterval == 0)
            {
                checkIn = last = CheckInOn(i, tokenIds, lossPerSample);
                foreach (var word in checkIn.Samples.SelectMany(s => s.Words))
                {
                    if (seen.Add(word))
                        words.Add(word);
                }
            }
            var best = last!.Best;
            progress?.Report(new OpinionProgress(i + 1, settings.Iterations, loss, best.Text, best.Loss, checkIn));
        }

        return new OpinionResult(last!.Table, words, last, settings with { Seed = seed }, seed, loss);
    }

    /// <summary>
    /// The reference's loss per sample <c>[B]</c>: <c>−100 · mean over views of cos(text, view)</c> for text features
    /// <c>[B, D]</c> and view features <c>[N, D]</c> (cosine_similarity normalises; neither side is normalised before).
    /// </summary>
    public static Tensor Loss(Tensor textFeatures, Tensor imageFeatures)
    {
        using var scope = torch.NewDisposeScope();
        var cos = F.cosine_similarity(textFeatures.unsqueeze(0), imageFeatures.unsqueeze(1), -1);   // [1, B, D] · [N, 1, D] -> [N, B]
        return (cos.mean([0]) * -100).MoveToOuterDisposeScope();                                     // [B]
    }

    /// <summary>The reference's optimiser: Adam on the logits alone, lr 5, β (0.9, 0.999), ε 1e-8.</summary>
    public static optim.Optimizer CreateOptimizer(Parameter logits) =>
        torch.optim.Adam([logits], lr: OpinionSettings.LearningRate);

    /// <summary>
    /// One step of the reference's <c>train()</c>: views → image features (no gradient), Gumbel tokens → text
    /// features, loss, Adam. Returns the loss per sample <c>[B]</c> and the sampled token ids <c>[B, k]</c>, both
    /// from before the step, as the reference's check-in sees them.
    /// </summary>
    private (Tensor LossPerSample, Tensor TokenIds) Step(Parameter logits, Tensor input, int views, Generator generator, optim.Optimizer optimizer)
    {
        Tensor imageFeatures;
        using (torch.no_grad())
            imageFeatures = model.Visual.EncodePooled(RandomViews.Sample(input, views, generator));   // [N, D]

        using var enabled = torch.enable_grad();
        var soft = GumbelTokens.HardSample(logits, GumbelTokens.Noise(logits, generator));          // [B, k, V]
        var lossPerSample = Loss(Prompt.Encode(soft), imageFeatures);                               // [B]
        optimizer.zero_grad();
        lossPerSample.mean().backward();
        optimizer.step();
        return (lossPerSample.detach(), soft.detach().argmax(-1));                                  // [B], [B, k]
    }

    /// <summary>Decodes every sample as the reference's <c>checkin</c> (SOT, tokens, EOT padding) and counts the words.</summary>
    private CheckIn CheckInOn(int iteration, Tensor tokenIds, Tensor lossPerSample)
    {
        int batch = (int)tokenIds.shape[0], k = (int)tokenIds.shape[1];
        var ids = tokenIds.cpu().data<long>().ToArray();
        var losses = lossPerSample.cpu().data<float>().ToArray();
        var samples = new CheckInSample[batch];
        for (int b = 0; b < batch; b++)
        {
            var row = ids.AsSpan(b * k, k).ToArray().Select(id => (int)id).ToArray();
            var decoded = tokenizer.Decode(Prompt.Sequence(row));
            samples[b] = new CheckInSample(row, TokenCleaner.DisplayText(decoded), TokenCleaner.Words(decoded), losses[b]);
        }
        return new CheckIn(iteration, samples, TokenTable.FromCheckIn(samples));
    }

    /// <summary>Turns off gradients for the model's weights while a run lasts (only the logits learn), then restores them.</summary>
    private sealed class FrozenParameters : IDisposable
    {
        private readonly List<(Parameter Parameter, bool RequiresGrad)> saved;

        public FrozenParameters(nn.Module module)
        {
            saved = module.parameters().Select(p => (p, p.requires_grad)).ToList();
            foreach (var (p, _) in saved)
                p.requires_grad = false;
        }

        public void Dispose()
        {
            foreach (var (p, requiresGrad) in saved)
                p.requires_grad = requiresGrad;
        }
    }
}
