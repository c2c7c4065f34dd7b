using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// SAM's <c>SamPredictor</c>: encodes an image once (<see cref="SetImage"/>) and answers any number of prompts
/// (<see cref="Predict"/>) from the kept embedding. Not thread-safe; one image at a time.
/// </summary>
/// <remarks>
/// The predictor owns its image embedding (<see cref="Features"/>) and disposes it on the next image, on
/// <see cref="ResetImage"/> and on <see cref="Dispose"/>. It does not own the model.
/// </remarks>
public sealed class SamPredictor(SamModel model) : IDisposable
{
    private readonly ResizeLongestSide _transform = new(model.Config.ImageSize);
    private Tensor? _features;

    public SamModel Model { get; } = model;

    /// <summary>Whether an image has been encoded.</summary>
    public bool IsImageSet => _features is not null;

    /// <summary>(H, W) of the image given to <see cref="SetImage"/>.</summary>
    public (int Height, int Width) OriginalSize { get; private set; }

    /// <summary>(H, W) of the resized image the encoder saw (before padding).</summary>
    public (int Height, int Width) InputSize { get; private set; }

    /// <summary>
    /// The image embedding <c>[1, 256, 64, 64]</c> (the reference's <c>get_image_embedding()</c>). Owned by the
    /// predictor: do not dispose it; it is valid until the next image, <see cref="ResetImage"/> or <see cref="Dispose"/>.
    /// </summary>
    public Tensor Features => _features ?? throw new InvalidOperationException("An image must be set with SetImage before reading its embedding.");

    /// <summary>Resizes (longest side to 1024, PIL bilinear), normalises, pads and encodes <paramref name="image"/>.</summary>
    public void SetImage(Image<Rgb24> image)
    {
        var resized = _transform.ApplyImage(ResizeLongestSide.RgbBytes(image), image.Height, image.Width);
        var (height, width) = ResizeLongestSide.GetPreprocessShape(image.Height, image.Width, _transform.TargetLength);
        SetTransformedImage(resized, height, width, (image.Height, image.Width));
    }

    /// <summary>
    /// Encodes an image already resized with <see cref="ResizeLongestSide"/> (the reference's <c>set_torch_image</c>):
    /// packed RGB bytes <c>[height, width, 3]</c> whose longest side is the encoder's input size.
    /// </summary>
    public void SetTransformedImage(ReadOnlySpan<byte> rgb, int height, int width, (int Height, int Width) originalSize)
    {
        if (Math.Max(height, width) != Model.Config.ImageSize)
            throw new ArgumentException($"The transformed image must have a long side of {Model.Config.ImageSize}, got {height}×{width}.");
        if (rgb.Length != height * width * 3)
            throw new ArgumentException($"Expected {height}×{width}×3 bytes, got {rgb.Length}.", nameof(rgb));

        ResetImage();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        // [H, W, 3] -> [3, H, W] -> [1, 3, H, W]
        var image = torch.tensor(rgb.ToArray(), [height, width, 3], torch.uint8)
            .to(Model.Device).permute(2, 0, 1).contiguous().unsqueeze(0);
        var features = Model.EncodeImage(Model.Preprocess(image));
        OriginalSize = originalSize;
        InputSize = (height, width);
        _features = features.DetachFromDisposeScope();
    }

    /// <summary>
    /// Masks for one prompt on the current image: <paramref name="points"/> in original pixels (x, y) with
    /// <paramref name="labels"/> (1 foreground, 0 background), and an optional box (x0, y0, x1, y1). Multimask output
    /// gives 3 masks, else 1.
    /// </summary>
    public SamPrediction Predict(
        ReadOnlySpan<(int X, int Y)> points,
        ReadOnlySpan<int> labels,
        (int X0, int Y0, int X1, int Y1)? box = null,
        bool multimaskOutput = true)
    {
        if (_features is null)
            throw new InvalidOperationException("An image must be set with SetImage before mask prediction.");
        if (points.Length != labels.Length)
            throw new ArgumentException($"{points.Length} points but {labels.Length} labels.", nameof(labels));

        var device = Model.Device;
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();

        (Tensor, Tensor)? pointTensors = null;
        if (points.Length > 0)
        {
            var coords = new float[points.Length * 2];
            for (var i = 0; i < points.Length; i++)
            {
                var (x, y) = _transform.ApplyCoords((points[i].X, points[i].Y), OriginalSize);
                (coords[2 * i], coords[2 * i + 1]) = ((float)x, (float)y);
            }
            // [N*2] -> [1, N, 2] and [N] -> [1, N]
            pointTensors = (
                torch.tensor(coords, [1, points.Length, 2]).to(device),
                torch.tensor(labels.ToArray(), [1, labels.Length]).to(device));
        }

        Tensor? boxTensor = null;
        if (box is { } b)
        {
            var (x0, y0) = _transform.ApplyCoords((b.X0, b.Y0), OriginalSize);
            var (x1, y1) = _transform.ApplyCoords((b.X1, b.Y1), OriginalSize);
            boxTensor = torch.tensor(new[] { (float)x0, (float)y0, (float)x1, (float)y1 }, [1, 4]).to(device);
        }

        var (lowRes, iou) = Model.Decode(_features, pointTensors, boxTensor, null, multimaskOutput);
        var masks = Model.PostprocessMasks(lowRes, InputSize, OriginalSize) > SamModel.MaskThreshold;

        return new SamPrediction(
            masks[0].to(torch.uint8).cpu().data<byte>().ToArray(),
            iou[0].cpu().data<float>().ToArray(),
            lowRes[0].cpu().data<float>().ToArray(),
            OriginalSize.Height,
            OriginalSize.Width,
            (int)lowRes.shape[^1]);
    }

    /// <summary>Forgets the current image and frees its embedding.</summary>
    public void ResetImage()
    {
        _features?.Dispose();
        _features = null;
        OriginalSize = default;
        InputSize = default;
    }

    public void Dispose() => ResetImage();
}
