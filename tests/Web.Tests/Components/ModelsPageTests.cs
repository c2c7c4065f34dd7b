using System.Security.Cryptography;
using Bunit;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.State;
using Microsoft.Extensions.DependencyInjection;
using ModelsPage = ClipSurgeryWeb.Web.Components.Pages.Models.Models;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>The Models page on the real engine's folder listing: no paths, and "computing…" until a checksum is known.</summary>
public sealed class ModelsPageTests : ComponentTestContext
{
    [Fact]
    public async Task The_models_page_shows_computing_until_the_checksum_is_known_and_then_shows_it()
    {
        var models = Path.Combine(Root, "models");
        var path = FakeCheckpoints.WriteSamSafetensors(Path.Combine(models, "team_sam.safetensors"), 8 << 20);
        Services.AddSingleton<IClipEngine>(new EngineClipEngine(new EngineClipEngineSettings(models, Path.Combine(models, "vocab.txt.gz"))));
        EnsureDatabase();
        await Services.GetRequiredService<LiveFeed>().StartAsync();

        var page = Render<ModelsPage>();
        page.WaitForAssertion(() => Assert.Equal("computing…", page.Find("[data-testid=model-checksum]").TextContent.Trim()));
        Assert.Equal("team_sam", page.Find("[data-testid=model-name]").TextContent.Trim());
        Assert.DoesNotContain(Root, page.Markup);

        // The worker's step, taken here: the page hears ModelsChanged and shows the checksum.
        Assert.True(await Services.GetRequiredService<ModelChecksums>().ComputeNextAsync(CancellationToken.None));

        string sha;
        await using (var content = File.OpenRead(path))
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(content));
        page.WaitForAssertion(() => Assert.Equal(sha[..16] + "…", page.Find("[data-testid=model-checksum]").TextContent.Trim()), TimeSpan.FromSeconds(30));
    }
}
