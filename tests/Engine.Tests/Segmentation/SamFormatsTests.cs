using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;

namespace ClipSurgeryWeb.Engine.Tests.Segmentation;

/// <summary>SAM loads from every format the models folder lists it in (one loader with CLIP): safetensors gives the .pth's masks.</summary>
public sealed class SamFormatsTests : IDisposable
{
    private readonly TempFolder temp = new("sam-formats-");

    [Fact]
    public void A_SAM_converted_to_safetensors_is_listed_as_SAM_and_gives_identical_masks()
    {
        var pth = Shared.Fixture("sam_vit_tiny.pth");
        var converted = temp["sam_vit_tiny.safetensors"];
        SafetensorsCopy.Write(pth, converted);
        Assert.Equal(CheckpointFormat.Safetensors, CheckpointFile.DetectFormat(converted));
        Assert.Equal(CheckpointKind.Sam, CheckpointFile.PeekKind(converted));

        var (fromPth, scoresPth) = Masks(pth);
        var (fromSafetensors, scoresSafetensors) = Masks(converted);

        Assert.Equal(fromPth, fromSafetensors);
        Assert.Equal(scoresPth, scoresSafetensors);
        Assert.Contains(fromPth, v => v != 0);
    }

    private static (byte[] Masks, float[] Scores) Masks(string checkpoint)
    {
        using var model = SamModel.Load(checkpoint, torch.CPU);
        using var image = ImageLoader.Load(Shared.Image("bwcat_cat.png"));
        using var predictor = new SamPredictor(model);
        predictor.SetImage(image);
        var prediction = predictor.Predict([(image.Width / 2, image.Height / 2), (5, 5)], [1, 0]);
        return (prediction.Masks.ToArray(), prediction.Scores.ToArray());
    }

    public void Dispose() => temp.Dispose();
}
