using ClipSurgeryWeb.Engine.Segmentation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Tests.Segmentation;

public sealed class MaskOverlayTests
{
    private static readonly Rgb24 Background = new(201, 100, 51);

    [Fact]
    public void Mask_pixels_are_tinted_half_way_with_integer_division()
    {
        using var image = Filled(4, 3);
        var mask = new byte[12];
        mask[5] = 1; // (x 1, y 1)

        using var result = MaskOverlay.Render(image, mask, [], []);

        // 201/2 + 255/2, 100/2 + 255/2, 51/2 + 153/2
        Assert.Equal(new Rgb24(227, 177, 101), result[1, 1]);
        Assert.Equal(Background, result[0, 0]);
        Assert.Equal(Background, image[1, 1]);
    }

    [Fact]
    public void Points_are_rings_of_radius_1_to_5_in_their_label_colour()
    {
        using var image = Filled(40, 20);

        using var result = MaskOverlay.Render(image, new byte[800], [(10, 10), (30, 10)], [1, 0]);

        Assert.Equal(Background, result[10, 10]);                       // centre left open, as cv2's ring
        Assert.Equal(MaskOverlay.PositiveColour, result[11, 10]);        // distance 1
        Assert.Equal(MaskOverlay.PositiveColour, result[11, 11]);        // √2
        Assert.Equal(MaskOverlay.PositiveColour, result[15, 10]);        // 5
        Assert.Equal(MaskOverlay.PositiveColour, result[14, 13]);        // 5 (3-4-5)
        Assert.Equal(Background, result[14, 14]);                       // √32, outside
        Assert.Equal(Background, result[16, 10]);                       // 6, outside
        Assert.Equal(MaskOverlay.NegativeColour, result[27, 10]);
        Assert.Equal(Background, result[30, 10]);
    }

    [Fact]
    public void Points_near_the_border_are_clipped()
    {
        using var image = Filled(8, 8);

        using var result = MaskOverlay.Render(image, new byte[64], [(0, 0)], [1]);

        Assert.Equal(MaskOverlay.PositiveColour, result[1, 0]);
        Assert.Equal(Background, result[7, 7]);
    }

    [Fact]
    public void A_mask_of_the_wrong_size_is_refused()
    {
        using var image = Filled(4, 3);

        Assert.Throws<ArgumentException>(() => MaskOverlay.Render(image, new byte[11], [], []));
    }

    private static Image<Rgb24> Filled(int width, int height) => new(width, height, Background);
}
