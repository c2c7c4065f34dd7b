using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Overlay;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Tests.Labelling;

/// <summary>The drawn label map (overlay + legend), its palette PNG and the class colours.</summary>
public sealed class LabelOverlayTests : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("label-overlay-");

    /// <summary>A 300×20 map: the left 60 pixels class 1, the rest class 3; class 0 and 2 absent.</summary>
    private static LabelPrediction Crafted(ClassList classes)
    {
        var ids = new byte[300 * 20];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = (byte)(i % 300 < 60 ? 1 : 3);
        return new LabelPrediction(MapMethod.Surgery, classes, 20, 300, ids, null);
    }

    [Fact]
    public void The_VOC_colours_start_black_with_a_background_and_at_dark_red_without()
    {
        Assert.Equal(((byte)0, (byte)0, (byte)0), ClassPalette.Voc(0));
        Assert.Equal(((byte)128, (byte)0, (byte)0), ClassPalette.Voc(1));
        Assert.Equal(((byte)0, (byte)128, (byte)0), ClassPalette.Voc(2));
        Assert.Equal(((byte)64, (byte)0, (byte)0), ClassPalette.Voc(8));
        Assert.Equal(ClassPalette.Voc(0), ClassPalette.For(ClassList.FromLabels("a,b").WithBackground())[0]);
        Assert.Equal(ClassPalette.Voc(1), ClassPalette.For(ClassList.FromLabels("a,b"))[0]);
    }

    [Fact]
    public void The_overlay_blends_each_pixel_with_its_class_colour_and_lists_only_the_classes_present()
    {
        var classes = ClassList.FromLabels("road,car,tree,sky");
        var p = Crafted(classes);
        var grey = Enumerable.Repeat((byte)100, 300 * 20 * 3).ToArray();
        var (rgb, height) = LabelOverlay.Render(grey, p);
        var colours = ClassPalette.For(classes);
        Assert.Equal(((byte)(50 + colours[1].R / 2), (byte)(50 + colours[1].G / 2)), (rgb[0], rgb[1]));
        int last = 3 * (19 * 300 + 299);
        Assert.Equal(((byte)(50 + colours[3].R / 2), (byte)(50 + colours[3].B / 2)), (rgb[last], rgb[last + 2]));
        // Two legend rows (car, sky) at scale 2: 14-pixel glyphs, 6-pixel gaps.
        Assert.Equal(20 + 2 * (14 + 6) + 6, height);
        Assert.Equal(rgb.Length, 300 * height * 3);
        // Each row's swatch is its class's colour inside a black edge.
        int swatch = 3 * ((20 + 6 + 7) * 300 + 6 + 7);
        Assert.Equal(colours[1], (rgb[swatch], rgb[swatch + 1], rgb[swatch + 2]));
        swatch += 3 * 20 * 300;
        Assert.Equal(colours[3], (rgb[swatch], rgb[swatch + 1], rgb[swatch + 2]));
        Assert.Equal("car 20.0 %", LabelOverlay.Line(p.Shares()[1]));
    }

    [Fact]
    public void The_palette_png_holds_the_class_ids_and_shows_their_colours()
    {
        var classes = ClassList.FromLabels("road,car,tree,sky").WithBackground();
        var p = Crafted(classes);
        var path = Path.Combine(work.FullName, "labelmap.png");
        LabelMapPng.Write(path, p.Prediction, p.Width, p.Height, ClassPalette.For(classes));
        Assert.Equal(p.Prediction, LabelPng.Read(path).Values);
        using var image = Image.Load<Rgb24>(path);
        var colours = ClassPalette.For(classes);
        Assert.Equal(new Rgb24(colours[1].R, colours[1].G, colours[1].B), image[0, 0]);
        Assert.Equal(new Rgb24(colours[3].R, colours[3].G, colours[3].B), image[299, 19]);
        Assert.Throws<ArgumentException>(() => LabelMapPng.Write(path, p.Prediction, p.Width, p.Height, colours.Take(2).ToList()));
    }

    [Fact]
    public void The_bitmap_font_draws_printable_ASCII_and_a_question_mark_for_anything_else()
    {
        Assert.True(BitmapFont.IsSet('I', 2, 3));
        Assert.False(BitmapFont.IsSet(' ', 2, 3));
        Assert.Equal(Enumerable.Range(0, 35).Select(i => BitmapFont.IsSet('?', i % 5, i / 5)), Enumerable.Range(0, 35).Select(i => BitmapFont.IsSet('é', i % 5, i / 5)));
        var rgb = new byte[20 * 10 * 3];
        BitmapFont.Draw(rgb, 20, 10, "l", 0, 0, 1, (255, 255, 255));
        Assert.Equal(255, rgb[3 * (3 * 20 + 2)]);   // the stem of 'l' at (2, 3)
        Assert.Equal(6 * 2 * 3, BitmapFont.Width("abc", 2));
    }

    public void Dispose() => work.Delete(recursive: true);
}
