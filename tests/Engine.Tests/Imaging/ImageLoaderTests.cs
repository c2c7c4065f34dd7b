using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Tests.Support;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Tests.Imaging;

public sealed class ImageLoaderTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string Write(string name, byte[] bytes)
    {
        var path = temp[name];
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static EngineInputException Refused(string path) =>
        Assert.Throws<EngineInputException>(() => ImageLoader.Load(path).Dispose());

    public static TheoryData<string> StillFormats => new() { "png", "jpg", "bmp", "gif", "webp" };

    private static byte[] Still(string format) => format switch
    {
        "png" => CraftedImages.Png(),
        "jpg" => CraftedImages.Jpeg(),
        "bmp" => CraftedImages.Bmp(),
        "gif" => CraftedImages.Gif(),
        "webp" => CraftedImages.WebP(),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    [Theory]
    [MemberData(nameof(StillFormats))]
    public void A_whole_still_image_of_each_accepted_type_loads_at_its_size(string format)
    {
        var path = Write($"still.{format}", Still(format));

        using var image = ImageLoader.Load(path);
        var facts = ImageLoader.Inspect(path);

        Assert.Equal((16, 12), (image.Width, image.Height));
        Assert.Equal((16, 12), (facts.Width, facts.Height));
        Assert.Equal(ImageFileTypes.FromExtension("." + format), facts.Type);
    }

    [Theory]
    [InlineData("demo.jpg")]
    [InlineData("bwcat_cat.png")]
    [InlineData("cliptestcube.png")]
    public void The_reference_images_carry_no_orientation_so_parity_is_untouched(string name)
    {
        Assert.Equal(1, ImageLoader.Inspect(Shared.Image(name)).Orientation);
    }

    [Fact]
    public void A_jpeg_cut_short_is_refused_as_truncated_naming_the_file()
    {
        // The case: the first 20 KB of demo.jpg, which ImageSharp would decode to a mostly grey 500×375.
        var path = Write("cut.jpg", CraftedImages.TruncatedJpeg());

        var refusal = Refused(path);

        Assert.Equal(path, refusal.Subject);
        Assert.Contains("truncated", refusal.Reason);
        Assert.Contains("JPEG", refusal.Reason);
    }

    [Fact]
    public void A_jpeg_missing_only_its_end_marker_is_refused_as_truncated()
    {
        var path = Write("noeoi.jpg", CraftedImages.WithoutLast(File.ReadAllBytes(Shared.Image("demo.jpg")), 2));

        Assert.Contains("truncated", Refused(path).Reason);
    }

    [Fact]
    public void A_jpeg_with_bytes_after_its_end_marker_loads_as_other_readers_do()
    {
        var path = Write("trailing.jpg", [.. File.ReadAllBytes(Shared.Image("demo.jpg")), .. "trailing garbage"u8.ToArray()]);

        using var image = ImageLoader.Load(path);

        Assert.Equal((500, 375), (image.Width, image.Height));
    }

    [Theory]
    [InlineData("png", 12)]       // IEND gone
    [InlineData("png", 200)]      // cut inside IDAT
    [InlineData("bmp", 100)]      // rows missing
    [InlineData("webp", 20)]      // RIFF size beyond the file
    [InlineData("gif", 20)]       // cut inside the frame's data
    public void A_file_cut_short_is_refused_as_truncated(string format, int cut)
    {
        using var big = CraftedImages.Marked(64, 48);
        var whole = format switch
        {
            "png" => CraftedImages.Png(big),
            "bmp" => CraftedImages.Bmp(big),
            "webp" => CraftedImages.WebP(big),
            "gif" => CraftedImages.Gif(big),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        var path = Write($"cut.{format}", CraftedImages.WithoutLast(whole, Math.Min(cut, whole.Length / 2)));

        var refusal = Refused(path);

        Assert.Contains("truncated", refusal.Reason);
        Assert.Throws<EngineInputException>(() => ImageLoader.Inspect(path));
    }

    [Theory]
    [InlineData("webp")]
    [InlineData("gif")]
    [InlineData("png")]
    public void An_animated_image_is_refused_as_animated_not_as_an_error(string format)
    {
        var bytes = format switch
        {
            "webp" => CraftedImages.AnimatedWebP(),
            "gif" => CraftedImages.AnimatedGif(),
            "png" => CraftedImages.AnimatedPng(),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        var path = Write($"moving.{format}", bytes);

        var refusal = Refused(path);

        Assert.Contains("animated", refusal.Reason);
        Assert.Contains("only still images", refusal.Reason);
    }

    [Theory]
    [InlineData(100_000, 100_000)]
    [InlineData(20_000, 20_000)]
    public void A_pixel_bomb_is_refused_from_its_header_before_decoding(int width, int height)
    {
        var path = Write("bomb.png", CraftedImages.PngBomb(width, height));

        var refusal = Assert.Throws<EngineInputException>(() => ImageLoader.Inspect(path));

        Assert.Contains($"{width}×{height}", refusal.Reason);
        Assert.Contains("more than the limit", refusal.Reason);
        Assert.True(new FileInfo(path).Length < 100, "the bomb is a few bytes: the refusal comes from its header");
    }

    [Fact]
    public void A_file_that_is_no_image_is_refused_with_the_accepted_types()
    {
        var path = Write("notes.png", "just some text, not a picture"u8.ToArray());

        var refusal = Refused(path);

        Assert.Contains("not a readable image: its content is none of the accepted types", refusal.Reason);
        Assert.Contains("PNG, JPEG, WebP, BMP, GIF", refusal.Reason);
    }

    [Fact]
    public void The_type_comes_from_the_content_not_the_name()
    {
        var path = Write("really-a-gif.png", CraftedImages.Gif());

        Assert.Equal(ImageFileType.Gif, ImageLoader.Inspect(path).Type);
    }

    [Fact]
    public void An_empty_file_is_refused_as_empty()
    {
        Assert.Equal("the file is empty", Refused(Write("empty.jpg", [])).Reason);
    }

    [Theory]
    [InlineData((ushort)6)]
    [InlineData((ushort)8)]
    public void Exif_orientation_turns_the_image_upright_as_browsers_show_it(ushort orientation)
    {
        // Stored 16×12 with a red top-left quadrant. Orientation 6 is shown turned 90° clockwise: 12×16 with the red
        // quadrant top-right; 8 is turned 90° anticlockwise: red bottom-left.
        var path = Write("turned.jpg", CraftedImages.JpegWithOrientation(orientation));

        using var image = ImageLoader.Load(path);
        var facts = ImageLoader.Inspect(path);

        Assert.Equal((12, 16), (image.Width, image.Height));
        Assert.Equal((12, 16), (facts.Width, facts.Height));
        Assert.Equal(orientation, facts.Orientation);
        var (redX, redY) = orientation == 6 ? (9, 2) : (2, 13);
        var (blueX, blueY) = orientation == 6 ? (2, 2) : (9, 13);
        Assert.True(IsRed(image[redX, redY]), $"red expected at ({redX},{redY}), got {image[redX, redY]}");
        Assert.False(IsRed(image[blueX, blueY]), $"blue expected at ({blueX},{blueY}), got {image[blueX, blueY]}");
    }

    [Fact]
    public void Orientation_1_leaves_the_image_as_stored()
    {
        var path = Write("upright.jpg", CraftedImages.JpegWithOrientation(1));

        using var image = ImageLoader.Load(path);

        Assert.Equal((16, 12), (image.Width, image.Height));
        Assert.True(IsRed(image[2, 2]));
    }

    private static bool IsRed(Rgb24 p) => p.R > 180 && p.B < 80;
}
