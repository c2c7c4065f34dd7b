namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>
/// A run before another in the <c>gpu</c> queue, as the asking member may see it: <see cref="Private"/> hides what it
/// is and whose (a private run of another member), leaving only that it is there and how much it still has to do.
/// </summary>
/// <param name="Owner">"you", or the owner's name.</param>
public sealed record RunAhead(bool Private, string Kind, string? FirstImage, int Images, string Owner, int ImagesLeft, bool Running)
{
    public string Text
    {
        get
        {
            var left = ImagesLeft == 1 ? "1 image left" : $"{ImagesLeft} images left";
            if (Private)
                return $"a private run by another member, {left}";
            var what = FirstImage is null ? Kind : $"{Kind} · {FirstImage}{(Images > 1 ? "…" : "")}";
            return $"'{what}' by {Owner}{(Running ? " (running)" : "")}, {left}";
        }
    }
}
