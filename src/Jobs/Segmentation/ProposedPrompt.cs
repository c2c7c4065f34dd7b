using ClipSurgeryWeb.Engine.Points;

namespace ClipSurgeryWeb.Jobs.Segmentation;

/// <summary>The points the explanation proposed for one target of a run (its single-label map's), as SAM would be prompted with them.</summary>
public sealed record ProposedPrompt(string Target, SamPrompt Prompt);
