using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Pipeline;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>The four dense methods join the registry by one call and leave it when that is disposed.</summary>
[Collection(RegistryChanges.Name)]
public sealed class DenseMethodRegistrationTests
{
    [Fact]
    public void Registered_dense_methods_are_parsed_by_name_in_drawing_order_and_removed_again()
    {
        Assert.Null(MapMethods.Find("naclip"));
        using (DenseMethod.Register())
        {
            Assert.Equal([MapMethod.Surgery, new MapMethod("clip_dense"), new MapMethod("naclip"), new MapMethod("kk_reduced")],
                MapMethods.Parse("kk_reduced, NACLIP, cs, clip_dense"));
            Assert.Equal("SCLIP", new MapMethod("sclip").DisplayName);
            Assert.Same(DenseEncoding.Naclip, MapMethods.Find("naclip")!.Encoding);
            Assert.Throws<ArgumentException>(() => DenseMethod.Register());
        }
        Assert.Null(MapMethods.Find("sclip"));
        Assert.Equal("cs, plain, single", MapMethods.Names);
    }
}
