using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Jobs.Engine;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>The web's words for an engine refusal: what a page reader (an admin) can do, never a command-line flag.</summary>
public sealed class EngineWordingTests
{
    [Fact]
    public void A_model_with_another_checksum_points_to_the_Models_page()
    {
        var text = EngineClipEngine.ForPage(new NotOfficialChecksumException("/srv/models/ViT-B-16.pt", ModelCatalog.FindClip("ViT-B/16")!, "abc123"));

        Assert.Contains("is not the official ViT-B/16 checksum", text);
        Assert.Contains("register it as a fine-tune on the Models page", text);
        Assert.DoesNotContain("--", text);
    }

    [Fact]
    public void A_vocabulary_with_another_checksum_is_to_be_deleted_not_registered()
    {
        var text = EngineClipEngine.ForPage(new NotOfficialChecksumException("/srv/models/bpe.txt.gz", ModelCatalog.Vocabulary, "abc123"));

        Assert.Contains("downloaded again", text);
        Assert.DoesNotContain("fine-tune", text);
        Assert.DoesNotContain("--", text);
    }
}
