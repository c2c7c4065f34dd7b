namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>Which maps to draw. Names are the CLI's <c>--modes</c> words and the output files' prefixes.</summary>
[Flags]
public enum ExplainMode
{
    /// <summary>CLIP Surgery with feature surgery over the whole label set (<c>cs</c>).</summary>
    Surgery = 1,

    /// <summary>Plain CLIP, <c>f @ tᵀ</c>, for contrast (<c>plain</c>).</summary>
    Plain = 2,

    /// <summary>CLIP Surgery per target with the empty-label redundant feature, plus SAM points (<c>single</c>).</summary>
    Single = 4,
}
