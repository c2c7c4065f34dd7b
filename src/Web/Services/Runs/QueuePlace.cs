namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>Where a queued run stands in the <c>gpu</c> queue: 1 = next; <see cref="Ahead"/> in the order they go.</summary>
public sealed record QueuePlace(int Position, IReadOnlyList<RunAhead> Ahead)
{
    /// <summary>Runs named in <see cref="Text"/>; the rest are counted.</summary>
    public const int Named = 3;

    /// <summary>"Queued: 2nd in the gpu queue, behind 'Batch · demo.jpg…' by you, 2 images left".</summary>
    public string Text
    {
        get
        {
            if (Ahead.Count == 0)
                return "Queued: next in the gpu queue, waiting for a free GPU worker";
            var named = string.Join("; ", Ahead.Take(Named).Select(a => a.Text));
            var more = Ahead.Count > Named ? $"; and {Ahead.Count - Named} more" : "";
            return $"Queued: {Ordinal(Position)} in the gpu queue, behind {named}{more}";
        }
    }

    private static string Ordinal(int n) => (n % 100) switch
    {
        11 or 12 or 13 => $"{n}th",
        _ => (n % 10) switch { 1 => $"{n}st", 2 => $"{n}nd", 3 => $"{n}rd", _ => $"{n}th" },
    };
}
