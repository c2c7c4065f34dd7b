namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>Bodies of the API's run requests.</summary>
public static class RunRequests
{
    public sealed record Explain(IReadOnlyList<Guid> ImageIds, string Model, IReadOnlyList<string> Labels, IReadOnlyList<string>? Targets,
        IReadOnlyList<string>? Modes, int? Resolution, bool Shared = true, string? SamModel = null);

    public sealed record Opinions(IReadOnlyList<Guid> ImageIds, string Model, int Iterations = 400, bool Shared = true);

    public sealed record Batch(IReadOnlyList<Guid> ImageIds, string Model, string? SamModel, int Iterations = 400, bool Shared = true);

    public sealed record Download(string Name);
}
