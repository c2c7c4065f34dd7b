using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>The jobs read the engine's file names with the engine's own naming, so the two cannot drift apart.</summary>
public sealed class ResultFileNamingAgreementTests
{
    public static TheoryData<string> Labels => ["cat", "a cat: on/the \"sofa\"?", new string('a', 500), string.Concat(Enumerable.Repeat("é猫", 120))];

    [Theory]
    [MemberData(nameof(Labels))]
    public void Each_of_the_engines_heatmap_mask_and_overlay_names_is_classified_as_what_it_is(string label)
    {
        string[] targets = ["dog", label];
        foreach (var mode in Enum.GetValues<ExplainMode>())
            Assert.Equal(("heatmap", ExplainModes.Name(mode), label), ResultFileNaming.Classify(OutputNames.Png(mode, label), targets));
        Assert.Equal(("mask", (string?)null, label), ResultFileNaming.Classify(OutputNames.MaskPng(label), targets));
        Assert.Equal(("overlay", (string?)null, label), ResultFileNaming.Classify(OutputNames.MaskOverlayPng(label), targets));
    }

    [Fact]
    public void The_modes_a_run_may_ask_for_are_the_engines_modes()
    {
        Assert.Equal(Enum.GetValues<ExplainMode>().Select(ExplainModes.Name), ResultFileNaming.HeatmapModes);
    }
}
