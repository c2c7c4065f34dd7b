using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Tests.Evaluation;

/// <summary>Builds tiny benchmark folders in the standard layouts for the evaluation tests (images, label PNGs, split files).</summary>
internal static class EvalDatasetFiles
{
    // 4×3 label maps with ignore pixels (255) on their border row.
    public static readonly byte[] First = [255, 255, 255, 255, 0, 15, 15, 1, 0, 0, 20, 20];
    public static readonly byte[] Second = [255, 3, 3, 255, 0, 0, 9, 9, 12, 12, 0, 255];

    /// <summary>&lt;parent&gt;/VOCdevkit/VOC2012 with two 4×3 images (ids listed out of name order) labelled <see cref="First"/> and <see cref="Second"/>, and one image not in val.txt.</summary>
    public static string BuildVoc(string parent) => BuildVoc(parent, 4, [("2007_000129", First), ("2007_000033", Second)], "2007_000999");

    /// <summary>A VOC2012 layout whose val.txt lists <paramref name="samples"/> in order, each a <paramref name="width"/>-wide image with its palette label map.</summary>
    public static string BuildVoc(string parent, int width, IReadOnlyList<(string Id, byte[] Labels)> samples, string? unlisted = null)
    {
        var voc = Path.Combine(parent, "VOCdevkit", "VOC2012");
        foreach (var (id, labels) in samples)
        {
            Image(voc, $"JPEGImages/{id}.jpg", width, labels.Length / width);
            Palette(voc, $"SegmentationClass/{id}.png", labels, width);
        }
        if (unlisted is not null)
            Image(voc, $"JPEGImages/{unlisted}.jpg", width, 3);
        TextFile(voc, "ImageSets/Segmentation/val.txt", string.Concat(samples.Select(s => s.Id + "\n")) + "\n");
        return voc;
    }

    /// <summary>A smooth colour image (so a model sees some structure), <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static void Image(string root, string relative, int width = 4, int height = 3)
    {
        var path = Prepare(root, relative);
        using var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(90 + 160 * x / width), (byte)(120 - 100 * y / height), (byte)(30 + 200 * (x + y) / (width + height)));
        image.Save(path);
    }

    public static void Palette(string root, string relative, byte[] values, int width = 4) =>
        LabelPngFiles.WritePalette(Prepare(root, relative), width, values.Length / width, values, LabelPngFiles.VocPalette());

    public static void Grey(string root, string relative, byte[] values, int width = 4) =>
        LabelPngFiles.WriteGrey(Prepare(root, relative), width, values.Length / width, values);

    public static void TextFile(string root, string relative, string text) => File.WriteAllText(Prepare(root, relative), text);

    private static string Prepare(string root, string relative)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
