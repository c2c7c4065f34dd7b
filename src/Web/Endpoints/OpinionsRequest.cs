namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>POST /api/runs/opinions.</summary>
public sealed record OpinionsRequest(IReadOnlyList<Guid> ImageIds, string Model, int Iterations = 400, bool Shared = true);
