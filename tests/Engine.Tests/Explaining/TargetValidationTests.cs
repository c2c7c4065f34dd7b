using ClipSurgeryWeb.Engine.Explaining;

namespace ClipSurgeryWeb.Engine.Tests.Explaining;

/// <summary>A combined target with nothing on one side of '+' is refused with the reason, never drawn as a shorter target.</summary>
public sealed class TargetValidationTests
{
    [Theory]
    [InlineData("cat+")]
    [InlineData("+cat")]
    [InlineData("cat++dog")]
    public void A_target_with_an_empty_side_of_plus_is_refused(string target)
    {
        var e = Assert.Throws<EngineInputException>(() => new ExplainRequest(["cat", "dog"], [target]).Validate());
        Assert.Equal($"target '{target}'", e.Subject);
        Assert.Contains("both sides", e.Reason);
    }

    [Fact]
    public void A_lone_plus_has_no_label_in_it()
    {
        var e = Assert.Throws<EngineInputException>(() => new ExplainRequest(["cat"], ["+"]).Validate());
        Assert.Equal("target '+'", e.Subject);
    }

    [Fact]
    public void A_combination_of_labels_passes() => new ExplainRequest(["cat", "dog"], ["cat+dog"]).Validate();
}
