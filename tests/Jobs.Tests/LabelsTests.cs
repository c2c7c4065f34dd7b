using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Jobs.Tests;

public sealed class LabelsTests
{
    [Fact]
    public void Comma_separated_labels_are_trimmed_lower_cased_and_deduplicated_in_order()
    {
        Assert.Equal(["cat", "potted plant", "person+bench"], Labels.Parse(" Cat, potted   plant ,,cat, person + bench, +"));
    }

    [Fact]
    public void The_pascal_context_preset_has_the_demos_59_labels()
    {
        Assert.Equal(59, Labels.PascalContext.Count);
        Assert.Equal(59, Labels.PascalContext.Distinct().Count());
        Assert.Equal("airplane", Labels.PascalContext[0]);
        Assert.Equal("wood", Labels.PascalContext[^1]);
    }

    [Theory]
    [InlineData("cat+", "target 'cat+'")]
    [InlineData("+", "target '+'")]
    [InlineData("dog, +bench", "target '+bench'")]
    public void A_target_with_nothing_on_one_side_of_plus_is_refused_with_the_reason(string typed, string subject)
    {
        var e = Assert.Throws<RequestRejectedException>(() => Labels.ParseTargets(typed));
        Assert.Equal(subject, e.Subject);
        Assert.Contains("both sides", e.Reason);
    }

    [Fact]
    public void Well_formed_targets_pass_the_target_check_cleaned()
    {
        Assert.Equal(["cat", "person+bench"], Labels.ParseTargets(" Cat ,, person + bench"));
    }
}
