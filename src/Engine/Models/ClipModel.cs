using ClipSurgeryWeb.Engine.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// OpenAI CLIP: an image tower (<c>visual</c>) and a causal text transformer. Field names are the state-dict
/// names, so loading a checkpoint is a strict dictionary copy. Built by <see cref="FromStateDict"/> with all sizes
/// read from the weights.
/// </summary>
public sealed class ClipModel : nn.Module
{
    private readonly VisualEncoder visual;
    private readonly Transformer transformer;
    private readonly Embedding token_embedding;
    private readonly Parameter positional_embedding;
    private readonly LayerNorm ln_final;
    private readonly Parameter text_projection;
    private readonly Parameter logit_scale;

    public ClipModel(ClipConfig config) : base(nameof(ClipModel))
    {
        visual = config.IsVisionTransformer
            ? new VisionTransformer(config.ImageResolution, config.VisionPatchSize!.Value, config.VisionWidth,
                config.VisionLayers[0], config.VisionHeads, config.EmbedDim, config.Activation)
            : new ModifiedResNet(config.VisionLayers, config.EmbedDim, config.VisionHeads, config.ImageResolution, config.VisionWidth);
        transformer = new Transformer(config.TransformerWidth, config.TransformerLayers, config.TransformerHeads, causal: true, config.Activation);
        token_embedding = nn.Embedding(config.VocabSize, config.TransformerWidth);
        positional_embedding = new Parameter(torch.zeros(config.ContextLength, config.TransformerWidth));
        ln_final = nn.LayerNorm(config.TransformerWidth);
        text_projection = new Parameter(torch.zeros(config.TransformerWidth, config.EmbedDim));
        logit_scale = new Parameter(torch.zeros([]));
        RegisterComponents();
        Config = config;
    }

    public ClipConfig Config { get; }

    public VisualEncoder Visual => visual;

    /// <summary>The token embedding table <c>[vocab, width]</c> (gradient ascent multiplies one-hot sequences by it).</summary>
    public Tensor TokenEmbeddingWeight => token_embedding.weight!;

    public static ClipModel FromStateDict(StateDict sd)
    {
        var config = ClipConfig.FromStateDict(sd);
        var model = new ClipModel(config);
        IList<string> missing, unexpected;
        try
        {
            (missing, unexpected) = model.load_state_dict(sd.Tensors.ToDictionary(), strict: false);
        }
        catch (Exception e)
        {
            // A tensor whose shape does not fit the model its other weights describe.
            model.Dispose();
            throw new EngineInputException(sd.Path, $"weights do not fit a CLIP {config.Architecture} ({e.Message.Split('\n')[0]})", e);
        }
        // BatchNorm's step counter is unused in eval mode, and PyTorch's loader fills it in when a file lacks it.
        missing = missing.Where(k => !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            model.Dispose();
            var problems = missing.Select(k => $"missing {k}").Concat(unexpected.Select(k => $"unexpected {k}")).Take(5);
            throw new EngineInputException(sd.Path, $"weights do not fit a CLIP {config.Architecture}: {string.Join(", ", problems)}");
        }
        model.eval();
        return model;
    }

    /// <summary>Text features for token ids <c>[B, 77]</c>: EOT position (argmax id) of <c>ln_final</c>, <c>@ text_projection</c>.</summary>
    public Tensor EncodeText(Tensor tokens)
    {
        using var scope = torch.NewDisposeScope();
        var x = token_embedding.forward(tokens);            // [B, L, W]
        var eot = tokens.argmax(-1);                        // [B]
        return EncodeTokenEmbeddings(x, eot).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The text tower from token embeddings <c>[B, L, W]</c> (soft one-hot sequences in gradient ascent) with the
    /// feature taken at <paramref name="featureIndex"/> <c>[B]</c>. Returns <c>[B, D]</c>.
    /// The attention is causal, so no position after the last feature index can change a feature: the sequence is
    /// cut there (prompts are ~10 of the 77 positions), which gives the same numbers several times faster.
    /// </summary>
    public Tensor EncodeTokenEmbeddings(Tensor embeddings, Tensor featureIndex)
    {
        using var scope = torch.NewDisposeScope();
        long length = Math.Min(featureIndex.max().item<long>() + 1, embeddings.shape[1]);
        var x = embeddings[.., ..(int)length] + positional_embedding[..(int)length];   // [B, L', W]
        x = transformer.forward(x);
        x = ln_final.forward(x);
        var rows = torch.arange(x.shape[0], device: x.device);
        return x[rows, featureIndex].matmul(text_projection).MoveToOuterDisposeScope();   // [B, W] @ [W, D] -> [B, D]
    }
}
