using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Tests.Evaluation;

public sealed class LabelPngTests
{
    [Fact]
    public void A_palette_PNG_reads_as_its_indices_not_its_colours()
    {
        using var folder = new TempFolder();
        var indices = new byte[] { 0, 1, 15, 255, 20, 3, 0, 255, 7, 12, 1, 2 };
        LabelPngFiles.WritePalette(folder["voc.png"], 4, 3, indices, LabelPngFiles.VocPalette());

        var map = LabelPng.Read(folder["voc.png"]);

        Assert.Equal((4, 3), (map.Width, map.Height));
        Assert.Equal(indices, map.Values);
    }

    [Fact]
    public void Palette_entries_that_repeat_a_colour_still_read_as_their_own_index()
    {
        using var folder = new TempFolder();
        var palette = new byte[256 * 3];   // every entry black: colours cannot tell the indices apart
        var indices = new byte[] { 0, 5, 9, 255, 5, 0 };
        LabelPngFiles.WritePalette(folder["black.png"], 3, 2, indices, palette);

        Assert.Equal(indices, LabelPng.Read(folder["black.png"]).Values);
    }

    [Fact]
    public void A_greyscale_PNG_reads_as_its_grey_values()
    {
        using var folder = new TempFolder();
        var values = new byte[] { 0, 1, 150, 255, 18, 19 };
        LabelPngFiles.WriteGrey(folder["grey.png"], 2, 3, values);

        var map = LabelPng.Read(folder["grey.png"]);

        Assert.Equal((2, 3), (map.Width, map.Height));
        Assert.Equal(values, map.Values);
    }

    [Fact]
    public void A_colour_PNG_is_refused_as_not_holding_class_ids()
    {
        using var folder = new TempFolder();
        using (var image = new Image<Rgb24>(2, 2, new Rgb24(128, 0, 0)))
            image.SaveAsPng(folder["rgb.png"], new SixLabors.ImageSharp.Formats.Png.PngEncoder { ColorType = SixLabors.ImageSharp.Formats.Png.PngColorType.Rgb });

        var error = Assert.Throws<EngineInputException>(() => LabelPng.Read(folder["rgb.png"]));

        Assert.Equal(folder["rgb.png"], error.Subject);
        Assert.Contains("colour (RGB)", error.Reason);
    }

    [Fact]
    public void A_file_that_is_not_a_PNG_is_refused()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["label.png"], "not a png at all, just some text here");

        var error = Assert.Throws<EngineInputException>(() => LabelPng.Read(folder["label.png"]));

        Assert.Contains("not a PNG", error.Reason);
    }

    [Fact]
    public void Reducing_zero_labels_ignores_0_keeps_255_and_shifts_the_rest_down()
    {
        var labels = new byte[] { 0, 1, 2, 150, 254, 255 };

        EvalSample.ReduceZero(labels);

        Assert.Equal(new byte[] { 255, 0, 1, 149, 253, 255 }, labels);
    }
}
