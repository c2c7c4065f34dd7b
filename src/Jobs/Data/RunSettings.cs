namespace ClipSurgeryWeb.Jobs.Data;

/// <summary>What a run was asked to do; stored as JSON on <see cref="JobRun"/>.</summary>
public sealed record RunSettings
{
    public string? ModelPath { get; init; }

    public string? ModelName { get; init; }

    public string? SamModelPath { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    public IReadOnlyList<string> Targets { get; init; } = [];

    public IReadOnlyList<string> Modes { get; init; } = [];

    public int? Resolution { get; init; }

    public int Iterations { get; init; } = 400;

    public int? Seed { get; init; }

    /// <summary>For downloads: the official model name.</summary>
    public string? OfficialName { get; init; }
}
