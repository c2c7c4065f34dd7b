namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>POST /api/runs/explain. Targets default to the labels, modes to Surgery and plain CLIP.</summary>
public sealed record ExplainRequest(IReadOnlyList<Guid> ImageIds, string Model, IReadOnlyList<string> Labels, IReadOnlyList<string>? Targets,
    IReadOnlyList<string>? Modes, int? Resolution, bool Shared = true, string? SamModel = null);
