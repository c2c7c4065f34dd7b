namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>POST /api/runs/batch ("runall"); SamModel adds masks.</summary>
public sealed record BatchRequest(IReadOnlyList<Guid> ImageIds, string Model, string? SamModel, int Iterations = 400, bool Shared = true);
