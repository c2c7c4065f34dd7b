using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using Transformer = ClipSurgeryWeb.Engine.Models.Transformer;
using LayerNorm = ClipSurgeryWeb.Engine.Models.LayerNorm;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// The "before" of gradient ascent's text side, for the before/after timing only: done the reference's way
/// (<c>runclipga.py</c>'s <c>Pars.forward</c> + <c>clip_encode_text</c>): the whole <c>[B, 77, V]</c> sequence of one-hot rows
/// (SOT, k soft tokens, EOT padding) times the token embedding table, and all 77 positions through the text tower.
/// Same numbers as <see cref="SoftPrompt.Encode"/> up to rounding; it uses the model's own modules.
/// </summary>
public sealed class ReferenceWayText
{
    private readonly Transformer transformer;
    private readonly LayerNorm lnFinal;
    private readonly Tensor positional;
    private readonly Tensor projection;
    private readonly Tensor table;
    private readonly int sot;
    private readonly int eot;
    private readonly Dictionary<(long B, long K), (Tensor Start, Tensor Pad)> fixedRows = [];

    public ReferenceWayText(ClipModel model, ClipTokenizer tokenizer)
    {
        var children = model.named_children().ToDictionary(c => c.name, c => c.module);
        transformer = (Transformer)children["transformer"];
        lnFinal = (LayerNorm)children["ln_final"];
        var parameters = model.named_parameters(recurse: false).ToDictionary(p => p.name, p => (Tensor)p.parameter);
        positional = parameters["positional_embedding"];
        projection = parameters["text_projection"];
        table = model.TokenEmbeddingWeight;
        sot = tokenizer.SotToken;
        eot = tokenizer.EotToken;
    }

    /// <summary>Text features <c>[B, D]</c> of soft tokens <c>[B, k, V]</c>, read at index k + 2 as the reference does.</summary>
    public Tensor Encode(Tensor soft)
    {
        using var scope = torch.NewDisposeScope();
        long batch = soft.shape[0], k = soft.shape[1], vocab = soft.shape[2], length = positional.shape[0];
        if (!fixedRows.TryGetValue((batch, k), out var rows))
        {
            // The reference builds these once (Pars.__init__): [B, 1, V] SOT one-hots and [B, 77-k-1, V] EOT one-hots.
            var start = torch.zeros([batch, 1, vocab], device: soft.device);
            start[.., .., sot] = 1;
            var pad = torch.zeros([batch, length - k - 1, vocab], device: soft.device);
            pad[.., .., eot] = 1;
            rows = (start.DetachFromDisposeScope(), pad.DetachFromDisposeScope());
            fixedRows[(batch, k)] = rows;
        }
        var sequence = torch.cat([rows.Start, soft, rows.Pad], 1);           // [B, 77, V]
        var x = sequence.matmul(table) + positional;                         // [B, 77, V] @ [V, W] -> [B, 77, W]
        x = lnFinal.forward(transformer.forward(x));                         // all 77 positions
        var index = torch.arange(batch, device: soft.device);
        return x[index, torch.full(batch, SoftPrompt.FeatureIndex((int)k), ScalarType.Int64, soft.device)]
            .matmul(projection).MoveToOuterDisposeScope();                   // [B, W] @ [W, D] -> [B, D]
    }
}
