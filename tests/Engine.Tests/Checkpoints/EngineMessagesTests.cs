using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Checkpoints;

/// <summary>
/// The engine speaks to whoever reads it, CLI or web page: its messages name the setting and the fact, never a
/// command-line flag; the CLI adds its flags (<c>CliMessagesTests</c> below), the web its own remedy.
/// </summary>
public sealed class EngineMessagesTests : IDisposable
{
    private readonly TempFolder temp = new("messages-");

    [Fact]
    public async Task A_file_under_an_official_name_with_another_checksum_is_a_typed_refusal_without_a_flag()
    {
        File.Copy(TinyModels.VitPath, temp["ViT-B-16.pt"]);
        File.Copy(TinyModels.VitPath, temp[ModelCatalog.Vocabulary.FileName]);
        var resolver = new ModelResolver(temp.Path, downloader: null);

        var model = await Assert.ThrowsAsync<NotOfficialChecksumException>(() => resolver.ResolveClipAsync("ViT-B/16", false, null, default));
        var vocabulary = await Assert.ThrowsAsync<NotOfficialChecksumException>(() => resolver.ResolveVocabularyAsync(null, null, default));

        Assert.Equal(temp["ViT-B-16.pt"], model.Subject);
        Assert.Contains("is not the official ViT-B/16 checksum", model.Reason);
        Assert.False(model.IsVocabulary);
        Assert.True(vocabulary.IsVocabulary);
        Assert.DoesNotContain("--", model.Reason);
        Assert.DoesNotContain("--", vocabulary.Reason);
        Assert.Equal(temp["ViT-B-16.pt"], await resolver.ResolveClipAsync("ViT-B/16", acceptFineTune: true, null, default));
    }

    [Fact]
    public void Bad_settings_are_named_as_settings_not_as_flags()
    {
        EngineInputException[] errors =
        [
            Assert.Throws<EngineInputException>(() => ComputeDevice.Parse("tpu")),
            Assert.Throws<EngineInputException>(() => MapMethods.Parse("heat")),
            Assert.Throws<EngineInputException>(() => MapMethods.Parse(" , ")),
            Assert.Throws<EngineInputException>(() => TextSegmenter.ParsePoints("1,2")),
            Assert.Throws<EngineInputException>(() => TextSegmenter.ParsePoints(";")),
        ];

        Assert.Equal(["device", "modes", "modes", "points", "points"], errors.Select(e => e.Subject));
        Assert.All(errors, e => Assert.DoesNotContain("--", e.Message));
    }

    public void Dispose() => temp.Dispose();
}
