using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Text;

/// <summary>
/// Text features as the reference's <c>encode_text_with_prompt_ensemble</c>: per label, the templates → encode →
/// L2-normalise each → mean → L2-normalise. All prompts of the labels not yet cached are encoded together in
/// batches of <see cref="BatchSize"/>; results are cached per model checksum, precision (the model's, as
/// <see cref="ClipModel.ToPrecision"/> left it) and label. The tower's features leave it as fp32, so the
/// normalisation and the mean are fp32 whatever the precision.
/// </summary>
public sealed class PromptEnsemble(ClipModel model, string modelSha256, ClipTokenizer tokenizer, TextFeatureCache cache)
{
    /// <summary>The empty label whose ensemble is CLIP Surgery's "redundant" feature.</summary>
    public const string RedundantLabel = "";

    public IReadOnlyList<string> Templates { get; init; } = PromptTemplates.Default;

    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// The same model, tokenizer and cache with other <paramref name="templates"/> (the dense methods' 80): a new
    /// ensemble, so this one's templates stay what its other callers expect. Cached features are keyed by templates too.
    /// </summary>
    public PromptEnsemble WithTemplates(IReadOnlyList<string> templates) =>
        new(model, modelSha256, tokenizer, cache) { Templates = templates, BatchSize = BatchSize };

    /// <summary>How many prompts were actually run through the text tower (cache misses); for tests and logs.</summary>
    public int PromptsEncoded { get; private set; }

    /// <summary>Ensemble features for <paramref name="labels"/>, <c>[T, D]</c> float32 on the model's device.</summary>
    public Tensor Encode(IReadOnlyList<string> labels, Device device)
    {
        int dim = model.Config.EmbedDim;
        var precision = model.Precision;
        var features = new float[labels.Count][];
        var missing = new List<int>();
        for (int i = 0; i < labels.Count; i++)
        {
            if (cache.TryGet(modelSha256, precision, labels[i], Templates, dim, out var cached))
                features[i] = cached;
            else
                missing.Add(i);
        }

        var distinct = missing.Select(i => labels[i]).Distinct().ToArray();
        if (distinct.Length > 0)
        {
            var computed = EncodeUncached(distinct, device);
            for (int j = 0; j < distinct.Length; j++)
                cache.Put(modelSha256, precision, distinct[j], Templates, computed[j]);
            foreach (var i in missing)
                features[i] = computed[Array.IndexOf(distinct, labels[i])];
        }

        return torch.tensor(features.SelectMany(f => f).ToArray(), [labels.Count, dim]).to(device);
    }

    /// <summary>Checks that every prompt of <paramref name="label"/> fits CLIP's 77-token context.</summary>
    public void Validate(string label)
    {
        foreach (var template in Templates)
        {
            var prompt = PromptTemplates.Apply(template, label);
            var count = tokenizer.Encode(prompt).Count + 2;
            if (count > model.Config.ContextLength)
                throw new EngineInputException($"label '{label}'", $"too long: its prompt \"{prompt}\" is {count} tokens, CLIP reads at most {model.Config.ContextLength}");
        }
    }

    private float[][] EncodeUncached(IReadOnlyList<string> labels, Device device)
    {
        foreach (var label in labels)
            Validate(label);

        var prompts = labels.SelectMany(l => Templates.Select(t => PromptTemplates.Apply(t, l))).ToArray();
        int dim = model.Config.EmbedDim, perLabel = Templates.Count;
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();

        var encoded = new List<Tensor>();
        for (int start = 0; start < prompts.Length; start += BatchSize)
        {
            var batch = prompts[start..Math.Min(prompts.Length, start + BatchSize)];
            var tokens = torch.tensor(Flatten(tokenizer.Tokenize(batch, model.Config.ContextLength)), [batch.Length, model.Config.ContextLength]).to(device);
            var f = model.EncodeText(tokens);                               // [b, D]
            encoded.Add(f / f.norm(-1, keepdim: true));                     // each prompt L2-normalised
        }
        var all = torch.cat(encoded, 0).reshape(labels.Count, perLabel, dim);   // [T·85, D] -> [T, 85, D]
        var mean = all.mean([1]);                                           // [T, D]
        mean = mean / mean.norm(-1, keepdim: true);
        PromptsEncoded += prompts.Length;

        var flat = mean.cpu().data<float>().ToArray();
        return Enumerable.Range(0, labels.Count).Select(i => flat[(i * dim)..((i + 1) * dim)]).ToArray();
    }

    private static long[] Flatten(long[,] tokens)
    {
        var flat = new long[tokens.Length];
        Buffer.BlockCopy(tokens, 0, flat, 0, flat.Length * sizeof(long));
        return flat;
    }
}
