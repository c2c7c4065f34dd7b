namespace ClipSurgeryWeb.Web.Services.Evaluations;

/// <summary>Where a published figure comes from: the work, and the exact table it was read from, with a link to it.</summary>
/// <param name="Work">Authors, year and venue or preprint (e.g. "Wang et al. 2023, arXiv 2312.01597").</param>
/// <param name="Table">The table the figures were read from, named as its source names it.</param>
public sealed record Citation(string Key, string Work, string Table, string Url);
