using Bunit;
using ClipSurgeryWeb.Web.Components.Pages.Batches;
using ClipSurgeryWeb.Web.Components.Pages.Explain;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.State;
using ClipSurgeryWeb.Web.Tests.Support;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>The Explain and Batches pages offer a precision per run: Auto by default, with what auto means.</summary>
public sealed class PrecisionSelectTests : ComponentTestContext
{
    public PrecisionSelectTests()
    {
        Services.AddSingleton<IBackgroundJobClient, AcceptingJobClient>();
        Services.AddSingleton<UploadQueries>();
    }

    [Fact]
    public void Explain_offers_a_precision_select_defaulting_to_auto_with_its_meaning()
    {
        var page = Render<Explain>();

        var select = page.Find("[data-testid=precision-select]");
        Assert.Contains("Auto", select.TextContent);
        Assert.Contains(">Precision</label>", page.Markup);
        Assert.Contains("Auto: fp16 on GPU, fp32 on CPU", page.Markup);
        Assert.Equal("auto", Services.GetRequiredService<ExplainState>().Precision);
    }

    [Fact]
    public void Batches_offers_the_same_precision_select()
    {
        EnsureDatabase();
        var page = Render<Batches>();

        var select = page.Find("[data-testid=precision-select]");
        Assert.Contains("Auto", select.TextContent);
        Assert.Contains("Auto: fp16 on GPU, fp32 on CPU", page.Markup);
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("bf16", "bf16")]
    public async Task The_chosen_precision_is_stored_with_the_explain_run(string chosen, string? stored)
    {
        EnsureDatabase();
        var state = Services.GetRequiredService<ExplainState>();
        await state.UploadAsync([new PngFile("cat.png")], 100_000);
        state.Initialize();
        state.AddLabels("cat");
        state.SetPrecision(chosen);

        await state.RunAsync("");

        Assert.Empty(state.Errors);
        Assert.Equal(stored, state.Run!.Settings.Precision);
    }

    private sealed class PngFile(string name) : IBrowserFile
    {
        private readonly byte[] _bytes = TestImages.Png(name);
        public string Name => name;
        public DateTimeOffset LastModified => DateTimeOffset.UtcNow;
        public long Size => _bytes.Length;
        public string ContentType => "image/png";
        public Stream OpenReadStream(long maxAllowedSize = 512000, CancellationToken cancellationToken = default) => new MemoryStream(_bytes);
    }

    /// <summary>Takes the job and does nothing with it: only what the run stored is looked at.</summary>
    private sealed class AcceptingJobClient : IBackgroundJobClient
    {
        public string Create(Job job, IState state) => "1";

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }
}
