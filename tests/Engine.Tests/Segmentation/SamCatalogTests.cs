using System.Text.RegularExpressions;
using ClipSurgeryWeb.Engine.Segmentation;

namespace ClipSurgeryWeb.Engine.Tests.Segmentation;

public sealed partial class SamCatalogTests
{
    [Theory]
    [InlineData("vit_h", "sam_vit_h_4b8939.pth", "a7bf3b02f3ebf1267aba913ff637d9a2d5c33d3173bb679e46d9f338c26f262e")]
    [InlineData("vit_l", "sam_vit_l_0b3195.pth", "3adcc4315b642a4d2101128f611684e8734c41232a17c648ed1693702a49a622")]
    [InlineData("vit_b", "sam_vit_b_01ec64.pth", "ec2df62732614e57411cdcf32a23ffdf28910380d03139ee0f4fcbe91eb8c912")]
    public void Official_checkpoints_have_their_published_file_url_and_hash(string name, string fileName, string sha256)
    {
        var checkpoint = SamCatalog.Find(name);

        Assert.NotNull(checkpoint);
        Assert.Equal(fileName, checkpoint.FileName);
        Assert.Equal(new Uri("https://dl.fbaipublicfiles.com/segment_anything/" + fileName), checkpoint.Url);
        Assert.Equal(sha256, checkpoint.Sha256);
    }

    [Fact]
    public void Hashes_are_lower_case_hex_and_no_two_entries_share_a_file_or_hash()
    {
        foreach (var checkpoint in SamCatalog.All)
        {
            Assert.Matches(Sha256Hex(), checkpoint.Sha256!);
            Assert.Single(SamCatalog.All, c => c.FileName == checkpoint.FileName || c.Sha256 == checkpoint.Sha256);
        }
    }

    [Fact]
    public void Default_is_vit_h_and_unknown_names_are_not_found()
    {
        Assert.Same(SamCatalog.VitH, SamCatalog.Find("default"));
        Assert.Null(SamCatalog.Find("vit_t"));
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
