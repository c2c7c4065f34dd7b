using ClipSurgeryWeb.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// One image of a batched explain (<see cref="ClipExplainer.ExplainMany"/>): a name for messages and how to open it.
/// It is opened only when its batch is encoded, and closed once its inputs are preprocessed, so a run of 500 images
/// never holds them all decoded.
/// </summary>
public sealed record ExplainInput(string Name, Func<ExplainSource> Open)
{
    /// <summary>An image file, decoded when its batch comes (a bad file fails that image only).</summary>
    public static ExplainInput FromFile(string path, ImageLimits limits) =>
        new(path, () => ExplainSource.FromImage(ImageLoader.Load(path, limits), owned: true));

    /// <summary>An image already decoded; the caller keeps it.</summary>
    public static ExplainInput FromImage(string name, Image<Rgb24> image) =>
        new(name, () => ExplainSource.FromImage(image, owned: false));

    /// <summary>Preprocessed inputs: <paramref name="preprocess"/> returns <c>[1, 3, n, n]</c> for a resolution n (disposed by the engine).</summary>
    public static ExplainInput FromTensors(string name, Func<int, Tensor> preprocess, int height, int width) =>
        new(name, () => new ExplainSource(preprocess, height, width));
}
