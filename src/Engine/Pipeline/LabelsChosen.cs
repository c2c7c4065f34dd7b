namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// runall picked an image's maps from its opinion: labels = every token, targets = tokens counted at least
/// <paramref name="MinFrequency"/> times. No target means nothing is mapped for this image.
/// </summary>
public sealed record LabelsChosen(string Image, IReadOnlyList<string> Labels, IReadOnlyList<string> Targets, int MinFrequency) : PipelineEvent(Image);
