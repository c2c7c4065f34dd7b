using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>What members read names their files, never the server's paths; result files keep the label they are for.</summary>
public sealed class MemberMessagesTests
{
    [Fact]
    public void A_path_the_caller_knows_becomes_the_members_name_for_it()
    {
        var upload = "/srv/clip/App_Data/uploads/0f0e0d0c0b0a09080706050403020100.jpg";

        var shown = ServerPaths.Hide($"{upload}: damaged image data", new Dictionary<string, string> { [upload] = "holiday photo.jpg" });

        Assert.Equal("holiday photo.jpg: damaged image data", shown);
    }

    [Fact]
    public void Any_other_server_path_becomes_its_last_part_shortened_when_long()
    {
        var label = new string('a', 500);
        var path = $"/srv/clip/App_Data/results/0123/4567/.cs_{label}.png.tmp-0123456789abcdef0123456789abcdef";
        var message = $"The path '{path}' is too long, or a component of the specified path is too long.";

        var shown = ServerPaths.Hide(message);

        Assert.DoesNotContain("/srv", shown);
        Assert.DoesNotContain("App_Data", shown);
        Assert.StartsWith("The path '.cs_aaaa", shown);
        Assert.EndsWith("' is too long, or a component of the specified path is too long.", shown);
        Assert.True(shown.Length < 150, shown);
        Assert.Equal("clip_vit_b16.pt: no such file", ServerPaths.Hide("/srv/clip/models/clip_vit_b16.pt: no such file"));
    }

    [Theory]
    [InlineData("1 of 2 images failed")]
    [InlineData("2/3 done")]
    [InlineData("see https://example.com/clip/models for the list")]
    [InlineData("target 'cat/dog': not among the labels")]
    [InlineData("/ is not a label")]
    public void Words_with_slashes_that_are_not_server_paths_are_left_alone(string message) =>
        Assert.Equal(message, ServerPaths.Hide(message));

    [Fact]
    public void A_quoted_path_with_spaces_is_hidden_whole_and_a_windows_path_too()
    {
        Assert.Equal("cannot write 'cs_potted plant.png'", ServerPaths.Hide("cannot write '/data/results/a b/cs_potted plant.png'"));
        Assert.Equal("cannot read model.pt now", ServerPaths.Hide(@"cannot read C:\clip\models\model.pt now"));
    }

    [Fact]
    public void The_reason_of_a_failed_image_names_no_server_path()
    {
        var reason = RunLoop.Describe(new IOException("Could not find a part of the path '/srv/clip/App_Data/results/1/2/cs_cat.png'."));

        Assert.Equal("Could not find a part of the path 'cs_cat.png'.", reason);
    }
}
