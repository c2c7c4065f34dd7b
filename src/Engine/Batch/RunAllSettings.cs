using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Opinions;

namespace ClipSurgeryWeb.Engine.Batch;

/// <summary>
/// How runall (<see cref="Pipeline.RunAllPlan"/>) treats each image. As the reference's <c>run_surgery.py</c>: labels are every
/// token, targets those counted at least <see cref="MinTargetFrequency"/> times; plain and Surgery maps at
/// <see cref="SurgeryResolution"/> (the model's own when null, as the reference's first preprocess), single-label
/// Surgery maps and their SAM points at <see cref="SingleResolution"/> (512).
/// </summary>
public sealed record RunAllSettings(
    OpinionSettings Opinions,
    int MinTargetFrequency = TokenTable.DefaultTargetFrequency,
    int? SurgeryResolution = null,
    int SingleResolution = RunAllSettings.DefaultSingleResolution,
    ImageLimits? Limits = null)
{
    public const int DefaultSingleResolution = 512;

    public static RunAllSettings Default { get; } = new(OpinionSettings.Default);

    public void Validate(int contextLength = 77)
    {
        Opinions.Validate(contextLength);
        if (MinTargetFrequency < 1)
            throw new EngineInputException("min-frequency", $"{MinTargetFrequency} is below 1");
        if (SurgeryResolution is { } r)
            ImageSizes.CheckResolution("resolution", r);
        ImageSizes.CheckResolution("single resolution", SingleResolution);
    }
}
