namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// An openly downloadable benchmark archive: where it is, its SHA-256 and size as published by a source we can name,
/// and what it unpacks into (a layout <see cref="EvalDataset.Open"/> reads from the folder it is extracted in).
/// </summary>
/// <param name="Name">The CLI's word (<c>voc2012</c>, <c>ade20k</c>).</param>
/// <param name="Datasets">The benchmarks the extracted folder serves; the first is checked after extraction.</param>
/// <param name="Bytes">The archive's size, for messages.</param>
/// <param name="Source">Where <paramref name="Sha256"/> is stated.</param>
public sealed record EvalDownload(string Name, Uri Url, string Sha256, long Bytes, bool IsZip, IReadOnlyList<EvalDatasetKind> Datasets, string Source)
{
    /// <summary>The archive's file name (the URL's last segment).</summary>
    public string FileName => Url.Segments[^1];
}
