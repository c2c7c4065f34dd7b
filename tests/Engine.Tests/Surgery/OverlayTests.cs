using ClipSurgeryWeb.Engine.Overlay;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Surgery;

public sealed class OverlayTests
{
    [Fact]
    public void Jet_table_is_OpenCVs()
    {
        var bgr = Golden.Vit("overlay.jet_lut_bgr").data<byte>().ToArray();
        for (int i = 0; i < 256; i++)
        {
            var (r, g, b) = JetColormap.Table[i];
            Assert.Equal((bgr[3 * i + 2], bgr[3 * i + 1], bgr[3 * i]), (r, g, b));
        }
    }

    [Fact]
    public void Overlay_matches_reference_within_one_per_channel()
    {
        var image = Golden.Vit("overlay.image_rgb").data<byte>().ToArray();
        var map = Golden.Vit("overlay.map").data<float>().ToArray();
        var expected = Golden.Vit("overlay.result_rgb").data<byte>().ToArray();

        var actual = HeatmapOverlay.Render(image, map);

        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1, $"overlay differs by {worst} in some channel");
    }
}
