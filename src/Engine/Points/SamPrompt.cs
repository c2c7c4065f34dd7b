namespace ClipSurgeryWeb.Engine.Points;

/// <summary>
/// Point prompts for Segment Anything in image pixel coordinates: positives (label 1) first, then negatives (label 0),
/// in the reference's order.
/// </summary>
public sealed record SamPrompt(IReadOnlyList<(int X, int Y)> Points, IReadOnlyList<int> Labels)
{
    public static SamPrompt Empty { get; } = new([], []);

    public int Count => Points.Count;

    public SamPrompt Positives => Take(1);

    public SamPrompt Negatives => Take(0);

    public SamPrompt Concat(SamPrompt other) =>
        new([.. Points, .. other.Points], [.. Labels, .. other.Labels]);

    private SamPrompt Take(int label)
    {
        var idx = Enumerable.Range(0, Count).Where(i => Labels[i] == label).ToArray();
        return new SamPrompt(idx.Select(i => Points[i]).ToArray(), idx.Select(i => Labels[i]).ToArray());
    }
}
