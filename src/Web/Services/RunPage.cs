namespace ClipSurgeryWeb.Web.Services;

/// <summary>One page of a filtered run list and how many runs match in all.</summary>
public sealed record RunPage(IReadOnlyList<RunView> Runs, int Total);
