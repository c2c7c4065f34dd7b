using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// The text side of gradient ascent: the sequence <c>[SOT, k soft tokens, EOT × (L − k − 1)]</c> of one-hot rows
/// times the token embedding, through CLIP's text tower, the feature read at index <c>k + 2</c>.
/// </summary>
public sealed class SoftPrompt
{
    private readonly ClipModel model;

    public SoftPrompt(ClipModel model, ClipTokenizer tokenizer)
    {
        if (tokenizer.VocabSize != model.Config.VocabSize)
            throw new EngineInputException("tokenizer", $"has {tokenizer.VocabSize} tokens, the model's embedding {model.Config.VocabSize}");
        this.model = model;
        StartOfText = tokenizer.SotToken;
        EndOfText = tokenizer.EotToken;
    }

    public int StartOfText { get; }

    public int EndOfText { get; }

    public int ContextLength => model.Config.ContextLength;

    /// <summary>
    /// Where the text feature is read: index <c>k + 2</c>, the SECOND end-of-text token. The reference's quirk
    /// (<c>many_tokens + len(prompt) + 2</c>, where OpenAI CLIP reads the first EOT at k + 1); kept for parity.
    /// </summary>
    public static int FeatureIndex(int tokens) => tokens + 2;

    /// <summary>
    /// Token embeddings <c>[B, L, W]</c> of the sequence for soft tokens <paramref name="soft"/> <c>[B, k, V]</c>.
    /// The reference multiplies the whole one-hot sequence by the embedding table; the SOT and EOT rows are exact
    /// one-hots, whose product is exactly their embedding row, so only the k learned rows go through the matmul.
    /// </summary>
    public Tensor Embed(Tensor soft)
    {
        using var scope = torch.NewDisposeScope();
        var table = model.TokenEmbeddingWeight;                                     // [V, W]
        long batch = soft.shape[0], k = soft.shape[1];
        var sot = table[StartOfText].expand(batch, 1, -1);                          // [W] -> [B, 1, W]
        var learned = soft.matmul(table);                                           // [B, k, V] @ [V, W] -> [B, k, W]
        var eot = table[EndOfText].expand(batch, ContextLength - k - 1, -1);        // [W] -> [B, L-k-1, W]
        return torch.cat([sot, learned, eot], 1).MoveToOuterDisposeScope();         // [B, L, W]
    }

    /// <summary>Text features <c>[B, D]</c> of soft tokens <c>[B, k, V]</c> (not normalised; the loss is a cosine).</summary>
    public Tensor Encode(Tensor soft)
    {
        using var scope = torch.NewDisposeScope();
        var index = torch.full(soft.shape[0], FeatureIndex((int)soft.shape[1]), ScalarType.Int64, soft.device);
        return model.EncodeTokenEmbeddings(Embed(soft), index).MoveToOuterDisposeScope();
    }

    /// <summary>The full id sequence <c>[L]</c> the reference decodes at a check-in: SOT, the sample's tokens, EOT padding.</summary>
    public int[] Sequence(ReadOnlySpan<int> tokens)
    {
        var ids = new int[ContextLength];
        ids[0] = StartOfText;
        tokens.CopyTo(ids.AsSpan(1));
        ids.AsSpan(1 + tokens.Length).Fill(EndOfText);
        return ids;
    }
}
