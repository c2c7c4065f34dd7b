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
}
