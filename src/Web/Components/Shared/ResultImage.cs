using ClipSurgeryWeb.Web.Services;

namespace ClipSurgeryWeb.Web.Components.Shared;

/// <summary>One image of a run as the grid shows it: its targets in the run's order and the files that are not images.</summary>
public sealed record ResultImage(RunImageView Image, IReadOnlyList<ResultRow> Rows, IReadOnlyList<FileView> Downloads);
