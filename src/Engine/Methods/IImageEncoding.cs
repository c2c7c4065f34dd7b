using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Surgery;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// One pass of the image encoder that map methods read: the explainer runs each distinct encoding once per batch and
/// hands every method its own (so Surgery and single-label Surgery share one Surgery pass).
/// </summary>
public interface IImageEncoding
{
    /// <summary>A stable name, for messages.</summary>
    string Name { get; }

    /// <summary>The input resolution this encoding runs at when <paramref name="requested"/> is asked for.</summary>
    int Resolution(ClipModel model, int requested);

    /// <summary>Encodes a batch: <c>[b, 3, R, R]</c> → raw token features <c>[b, 1+N, D]</c>.</summary>
    Tensor Encode(ClipModel model, Tensor images);

    /// <summary>
    /// Whether token 0 of this encoding is CLIP's own image embedding (OpenAI's <c>encode_image</c>) on
    /// <paramref name="model"/>, so that zero-shot scores can reuse this pass instead of running the encoder again.
    /// </summary>
    bool ClassTokenIsPooled(ClipModel model) => false;

    /// <summary>
    /// The features <c>[1, 1+N, D]</c> as this encoding's maps read them: by default the reference's normalisation over
    /// the TOKEN axis (<see cref="FeatureSurgery.NormalizeOverTokens"/>), which CLIP Surgery's and plain CLIP's maps
    /// reproduce.
    /// </summary>
    Tensor ForMaps(Tensor tokens) => FeatureSurgery.NormalizeOverTokens(tokens);
}
