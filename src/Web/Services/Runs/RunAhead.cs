namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>
/// A run before another in the <c>gpu</c> queue, as the asking member may see it: <see cref="Private"/> hides what it
/// is and whose (a private run of another member), leaving only that it is there and how much it still has to do.
/// </summary>
/// <param name="Owner">"you", or the owner's name.</param>
/// <param name="ImagesLeft">Images still to do: an image run's unfinished images, an eval's dataset images still to score;
/// null for an eval that has not counted its dataset yet.</param>
/// <param name="Dataset">An eval's benchmark, named instead of a first image (an eval has no uploads).</param>
public sealed record RunAhead(bool Private, string Kind, string? FirstImage, int Images, string Owner, int? ImagesLeft, bool Running,
    string? Dataset = null)
{
    public string Text
    {
        get
        {
            var left = ImagesLeft switch
            {
                null => Running ? "opening its dataset" : "not started",
                1 => "1 image left",
                var n => $"{n} images left",
            };
            if (Private)
                return $"a private run by another member, {left}";
            var what = Dataset is not null ? $"{Kind} · {Dataset}"
                : FirstImage is null ? Kind : $"{Kind} · {FirstImage}{(Images > 1 ? "…" : "")}";
            return $"'{what}' by {Owner}{(Running ? " (running)" : "")}, {left}";
        }
    }
}
