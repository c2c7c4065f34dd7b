using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Hosting;
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
    private Parameter text_projection;
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
        ln_final = new LayerNorm(config.TransformerWidth);
        text_projection = new Parameter(torch.zeros(config.TransformerWidth, config.EmbedDim));
        logit_scale = new Parameter(torch.zeros([]));
        RegisterComponents();
        Config = config;
    }

    public ClipConfig Config { get; }

    public VisualEncoder Visual => visual;

    /// <summary>The precision the weights are in: fp32 as loaded, fp16 or bf16 after <see cref="ToPrecision"/>.</summary>
    public Precision Precision { get; private set; } = Precision.Fp32;

    /// <summary>The type the towers' matrix work runs in (OpenAI's <c>dtype</c>); inputs are cast to it, features leave as fp32.</summary>
    public ScalarType ComputeType => Precisions.ScalarType(Precision);

    /// <summary>
    /// CLIP's temperature as its forward applies it, <c>logit_scale.exp()</c> (100 for OpenAI's models): zero-shot
    /// logits are this times the cosines. <c>logit_scale</c> stays fp32 in every precision.
    /// </summary>
    public float LogitScale
    {
        get
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            return logit_scale.exp().cpu().item<float>();
        }
    }

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

    /// <summary>
    /// OpenAI's <c>convert_weights</c> (what <c>clip.load</c> does on CUDA) for fp16 or bf16: the weights and biases of
    /// every Conv2d and Linear, attention's <c>in_proj_weight</c>/<c>in_proj_bias</c>, <c>text_projection</c> and
    /// <c>visual.proj</c> go to the half type; the token embedding, position and class embeddings, LayerNorm, BatchNorm
    /// and <c>logit_scale</c> stay fp32. Converts from fp32 only (a model is loaded fp32); fp32 itself changes nothing.
    /// </summary>
    public void ToPrecision(Precision precision)
    {
        if (precision == Precision.Auto)
            throw new ArgumentException("resolve auto against the device first (Precisions.Resolve)", nameof(precision));
        if (precision == Precision)
            return;
        if (Precision != Precision.Fp32)
            throw new InvalidOperationException($"the model is {Precisions.Name(Precision)}; load it again for {Precisions.Name(precision)}");

        var dtype = Precisions.ScalarType(precision);
        foreach (var module in modules().ToList())
        {
            switch (module)
            {
                case Linear or Conv1d or Conv2d:
                    MixedPrecision.ConvertLayer(module, dtype);
                    break;
                case MultiheadAttention attention:
                    attention.ConvertWeights(dtype);
                    break;
                case VisionTransformer vit:
                    vit.ConvertWeights(dtype);
                    break;
            }
        }
        text_projection = MixedPrecision.Convert(text_projection, dtype);
        ConditionallyRegisterParameter(nameof(text_projection), text_projection);
        Precision = precision;
    }

    /// <summary>Text features for token ids <c>[B, 77]</c>: EOT position (argmax id) of <c>ln_final</c>, <c>@ text_projection</c>.</summary>
    public Tensor EncodeText(Tensor tokens)
    {
        using var scope = torch.NewDisposeScope();
        var x = token_embedding.forward(tokens);            // [B, L, W], fp32 (the table stays fp32)
        var eot = tokens.argmax(-1);                        // [B]
        return EncodeTokenEmbeddings(x, eot).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The text tower from token embeddings <c>[B, L, W]</c> (soft one-hot sequences in gradient ascent) with the
    /// feature taken at <paramref name="featureIndex"/> <c>[B]</c>. Returns <c>[B, D]</c>.
    /// The attention is causal, so no position after the last feature index can change a feature: the sequence is
    /// cut there (prompts are ~10 of the 77 positions), which gives the same numbers several times faster.
    /// The embeddings (fp32, from the fp32 table) are cast to the model's type, as OpenAI's
    /// <c>token_embedding(text).type(self.dtype)</c>; the features leave as fp32.
    /// </summary>
    public Tensor EncodeTokenEmbeddings(Tensor embeddings, Tensor featureIndex)
    {
        using var scope = torch.NewDisposeScope();
        long length = Math.Min(featureIndex.max().item<long>() + 1, embeddings.shape[1]);
        var dtype = ComputeType;
        var x = MixedPrecision.As(embeddings[.., ..(int)length], dtype) + MixedPrecision.As(positional_embedding[..(int)length], dtype);   // [B, L', W]
        x = transformer.forward(x);
        x = ln_final.forward(x);
        var rows = torch.arange(x.shape[0], device: x.device);
        return MixedPrecision.Float32(x[rows, featureIndex].matmul(text_projection)).MoveToOuterDisposeScope();   // [B, W] @ [W, D] -> [B, D]
    }
}
