using ClipSurgeryWeb.Engine.Text;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// What a method draws one image's maps from: its encoding's features as its maps read them (<c>[1, 1+N, D]</c>,
/// <see cref="IImageEncoding.ForMaps"/>: over the token axis as the reference's, per token for the dense methods), the resolution they were encoded at, the label set and its prompt-ensemble
/// features (<c>[T, D]</c>; null when no method of the request needs labels), the text encoder for anything else, and the
/// image's size. Tensors belong to the explainer's dispose scope.
/// </summary>
public sealed record MapInputs(
    Tensor Features,
    int Resolution,
    IReadOnlyList<string> Labels,
    Tensor? LabelFeatures,
    PromptEnsemble Text,
    Device Device,
    int Height,
    int Width);
