using ClipSurgeryWeb.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>An opened <see cref="ExplainInput"/>: the image's size and its preprocessed input at a resolution n, <c>[1, 3, n, n]</c>.</summary>
public sealed class ExplainSource(Func<int, Tensor> preprocess, int height, int width, IDisposable? owned = null) : IDisposable
{
    public int Height { get; } = height;

    public int Width { get; } = width;

    /// <summary><c>[1, 3, n, n]</c> float32 on the CPU; the engine disposes it.</summary>
    public Tensor Preprocess(int resolution) => preprocess(resolution);

    /// <summary>The reference's transform of <paramref name="image"/>; with <paramref name="owned"/> the image is disposed with the source.</summary>
    public static ExplainSource FromImage(Image<Rgb24> image, bool owned) =>
        new(resolution => ClipPreprocessor.ToInput(image, resolution), image.Height, image.Width, owned ? image : null);

    public void Dispose() => owned?.Dispose();
}
