using System.Text;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Tests.Explaining;

/// <summary>File names derived from labels stay short and distinct; short labels keep the names they always had.</summary>
public sealed class OutputNamesTests
{
    [Fact]
    public void A_short_label_is_its_own_file_label()
    {
        Assert.Equal("cs_person+bench.png", OutputNames.Png(MapMethod.Surgery, "person+bench"));
        Assert.Equal("mask_a_b.png", OutputNames.MaskPng("a/b"));
        Assert.Equal("overlay_sky.png", OutputNames.MaskOverlayPng("sky"));
    }

    [Fact]
    public void Long_labels_sharing_a_beginning_get_bounded_different_names()
    {
        var a = string.Concat(Enumerable.Repeat("é", 400));            // 800 bytes of UTF-8
        var b = a + "x";

        var (na, nb) = (OutputNames.FileLabel(a), OutputNames.FileLabel(b));

        Assert.NotEqual(na, nb);
        Assert.StartsWith(string.Concat(Enumerable.Repeat("é", 50)) + "~", na);   // cut at 100 bytes, never inside a character
        foreach (var name in new[] { OutputNames.Png(MapMethod.Single, a), OutputNames.MaskOverlayPng(b) })
            Assert.InRange(Encoding.UTF8.GetByteCount(name), 1, 130);
        Assert.Equal(b, OutputNames.TargetOf(nb, ["cat", a, b]));
        Assert.Null(OutputNames.TargetOf(nb, ["cat", a]));
    }

    [Fact]
    public void Two_long_targets_that_differ_only_after_the_cut_do_not_clash_in_a_request()
    {
        var a = new string('a', 300);
        var request = new ExplainRequest([a, a + "b"]);
        request.Validate();
    }
}
