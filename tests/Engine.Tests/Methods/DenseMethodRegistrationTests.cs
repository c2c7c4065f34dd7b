using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// The dense methods are in the one registry (parsed by name, drawn after CLIP Surgery's three), but not in the set a
/// run that names no method draws: they are ViT-only, and a batch on a ResNet must not fail for them.
/// </summary>
public sealed class DenseMethodRegistrationTests
{
    [Fact]
    public void The_dense_methods_are_registered_in_drawing_order_after_the_default_three()
    {
        Assert.Equal(["cs", "plain", "single", "clip_dense", "sclip", "naclip", "kk_reduced", "clearclip", "maskclip"],
            MapMethods.All.Select(m => m.Method.Name).Take(9));
        Assert.Equal([MapMethod.Surgery, MapMethod.Plain, MapMethod.Single], MapMethods.Defaults);
        Assert.Equal([new MapMethod("sclip"), new MapMethod("naclip")], MapMethods.Parse("NACLIP, sclip"));   // drawing order, not typed order
        Assert.Equal("SCLIP", new MapMethod("sclip").DisplayName);
        Assert.Equal(("ClearCLIP", "MaskCLIP"), (new MapMethod("clearclip").DisplayName, new MapMethod("maskclip").DisplayName));
        Assert.Same(DenseMethod.ClearClip, MapMethods.Find("CLEARCLIP"));
        Assert.False(DenseMethod.MaskClip.InDefaultSet);
    }

    [Fact]
    public void Each_dense_method_carries_its_own_codes_head()
    {
        Assert.All(DenseMethod.All.Where(m => m.Method.Name is not ("sclip" or "clearclip" or "maskclip")), m => Assert.Equal(DenseHead.Default, m.Head));
        // ClearCLIP's code (which also runs MaskCLIP): slide 448 / 224, logit scale 50, class max over names left as it is, crops padded to patches.
        Assert.All([DenseMethod.ClearClip, DenseMethod.MaskClip], m => Assert.Equal(new DenseHead(448, 224, 50, Renormalises: false) { PadsCrops = true }, m.Head));
        Assert.False(DenseHead.Default.PadsCrops);
        Assert.False(DenseMethod.Sclip.Head.Renormalises);
        Assert.Equal((224, 112, 40.0), (DenseMethod.Sclip.Head.Crop, DenseMethod.Sclip.Head.Stride, DenseMethod.Sclip.Head.LogitScale));
    }
}
