namespace ClipSurgeryWeb.Jobs.Engine;

public sealed record SegmentSpec(string ClipModelPath, string SamModelPath, IReadOnlyList<string> Targets);
