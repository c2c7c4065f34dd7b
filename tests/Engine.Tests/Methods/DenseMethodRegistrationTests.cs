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
        Assert.Equal(["cs", "plain", "single", "clip_dense", "sclip", "naclip", "kk_reduced"],
            MapMethods.All.Select(m => m.Method.Name).Take(7));
        Assert.Equal([MapMethod.Surgery, MapMethod.Plain, MapMethod.Single], MapMethods.Defaults);
        Assert.Equal([new MapMethod("sclip"), new MapMethod("naclip")], MapMethods.Parse("NACLIP, sclip"));   // drawing order, not typed order
        Assert.Equal("SCLIP", new MapMethod("sclip").DisplayName);
    }

    [Fact]
    public void Each_dense_method_carries_its_own_codes_head()
    {
        Assert.All(DenseMethod.All.Where(m => m.Method.Name != "sclip"), m => Assert.Equal(DenseHead.Default, m.Head));
        Assert.False(DenseMethod.Sclip.Head.Renormalises);
        Assert.Equal((224, 112, 40.0), (DenseMethod.Sclip.Head.Crop, DenseMethod.Sclip.Head.Stride, DenseMethod.Sclip.Head.LogitScale));
    }
}
