using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Data;

/// <summary>What a run was asked to do; stored as JSON on <see cref="JobRun"/>.</summary>
public sealed record RunSettings
{
    /// <summary>The CLIP model's name; each worker finds the file in its own models folder.</summary>
    public string? ModelName { get; init; }

    /// <summary>The SAM model's name, when masks are wanted.</summary>
    public string? SamModelName { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>The map methods (stored as their names).</summary>
    public IReadOnlyList<MapMethod> Modes { get; init; } = [];

    public int? Resolution { get; init; }

    public int Iterations { get; init; } = 400;

    public int? Seed { get; init; }

    /// <summary>
    /// "fp32", "fp16" or "bf16"; null (runs stored before precisions existed, or "auto" asked for) = the server's
    /// default, <c>ClipSurgery:Precision</c>.
    /// </summary>
    public string? Precision { get; init; }

    /// <summary>For downloads: the official model name.</summary>
    public string? OfficialName { get; init; }
}
