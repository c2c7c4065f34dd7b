using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Jobs.Tests;

public sealed class ServerPathsTests
{
    [Theory]
    [InlineData("/srv/clip/models/ViT-B-16.pt: not a checkpoint", "ViT-B-16.pt: not a checkpoint")]
    [InlineData("Could not find file '/var/lib/clipsurgery/App_Data/uploads/abc.png'.", "Could not find file 'abc.png'.")]
    [InlineData(@"Access to the path 'C:\data\models\x.pt' is denied.", "Access to the path 'x.pt' is denied.")]
    [InlineData("no CLIP model is installed in /home/team/models", "no CLIP model is installed in models")]
    [InlineData("targets cat+dog and 1/2 of the images failed", "targets cat+dog and 1/2 of the images failed")]
    public void Absolute_paths_in_a_message_are_shortened_to_their_last_segment_and_nothing_else_changes(string message, string shown)
    {
        Assert.Equal(shown, ServerPaths.Hide(message));
    }
}
