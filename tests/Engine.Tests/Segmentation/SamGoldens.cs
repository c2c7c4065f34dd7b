using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using TorchSharp.PyBridge;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Tests.Segmentation;

/// <summary>
/// The tiny SAM fixture and the reference's outputs on it (<c>golden_sam.safetensors</c>), loaded once per test class.
/// </summary>
public sealed class SamGoldens : IDisposable
{
    private readonly Dictionary<string, Tensor> _golden = Safetensors.LoadStateDict(Shared.Fixture("golden_sam.safetensors"));

    public SamGoldens()
    {
        Model = SamModel.Load(Shared.Fixture("sam_vit_tiny.pth"), torch.CPU);
        var resized = this["sam.input_resized"];
        ResizedHeight = (int)resized.shape[0];
        ResizedWidth = (int)resized.shape[1];
        var image = this["sam.image_rgb"];
        OriginalSize = ((int)image.shape[0], (int)image.shape[1]);

        var points = Longs("sam.points");
        Points = Enumerable.Range(0, points.Length / 2).Select(i => ((int)points[2 * i], (int)points[2 * i + 1])).ToArray();
        Labels = Longs("sam.point_labels").Select(l => (int)l).ToArray();
    }

    public SamModel Model { get; }

    public (int Height, int Width) OriginalSize { get; }

    public int ResizedHeight { get; }

    public int ResizedWidth { get; }

    public (int X, int Y)[] Points { get; }

    public int[] Labels { get; }

    public Tensor this[string key] => _golden[key];

    public byte[] Bytes(string key) => _golden[key].data<byte>().ToArray();

    public float[] Floats(string key) => _golden[key].data<float>().ToArray();

    public long[] Longs(string key) => _golden[key].data<long>().ToArray();

    public Image<Rgb24> OriginalImage() =>
        Image.LoadPixelData<Rgb24>(Bytes("sam.image_rgb"), OriginalSize.Width, OriginalSize.Height);

    /// <summary>A predictor whose embedding comes from the golden resized input, as the reference computed it.</summary>
    public SamPredictor PredictorOnGoldenInput()
    {
        var predictor = new SamPredictor(Model);
        predictor.SetTransformedImage(Bytes("sam.input_resized"), ResizedHeight, ResizedWidth, OriginalSize);
        return predictor;
    }

    public static byte[] RgbBytes(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    public void Dispose()
    {
        Model.Dispose();
        foreach (var tensor in _golden.Values)
            tensor.Dispose();
    }
}
