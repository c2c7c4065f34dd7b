using ClipSurgeryWeb.Jobs.Data;
using ClipSurgeryWeb.Jobs.Live;
using ClipSurgeryWeb.Jobs.Running;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Jobs.Records;

/// <summary>
/// The word world records: every word longer than <see cref="MinLength"/> characters over all stored opinion words,
/// unique, longest first, ties alphabetical; each with where and when it first came up. A member sees the words of
/// runs they may see (shared ones and their own; admins all): a record names its image and run, so a private run's
/// words stay private.
/// </summary>
public sealed class WordRecords(ClipSurgeryDb db, IJobEvents events)
{
    /// <summary>Words must be longer than this.</summary>
    public const int MinLength = 15;

    public async Task<IReadOnlyList<WordRecord>> ListAsync(Requester who, string? search = null, CancellationToken ct = default)
    {
        var query = db.Words.AsNoTracking().Where(w => w.Length > MinLength);
        if (!who.IsAdmin)
            query = query.Where(w => db.Runs.Any(r => r.Id == w.RunId && (r.Shared || r.OwnerId == who.UserId)));
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
            query = query.Where(w => w.Word.ToLower().Contains(term) || w.OwnerName.ToLower().Contains(term) || w.ModelName.ToLower().Contains(term));
        }
        var rows = await query.ToListAsync(ct);
        return Rank(rows);
    }

    /// <summary>The words of this list that are not records yet (longer than the minimum, never seen before).</summary>
    public IReadOnlyList<string> NewRecordsAmong(IEnumerable<string> words)
    {
        var candidates = words.Where(w => w.Length > MinLength).Distinct().ToList();
        if (candidates.Count == 0)
            return [];
        var known = db.Words.Where(w => candidates.Contains(w.Word)).Select(w => w.Word).Distinct().ToHashSet();
        return candidates.Where(w => !known.Contains(w)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Tells who may see the run (<see cref="JobEvent.IsVisibleTo"/>): the team for a shared run, else its owner and admins.</summary>
    public void Announce(JobRun run, IReadOnlyList<string> words) =>
        events.Publish(JobEvent.For(run, JobEventKind.RecordsChanged) with { Message = string.Join(' ', words) });

    public static IReadOnlyList<WordRecord> Rank(IEnumerable<OpinionWord> words) =>
        words.Where(w => w.Word.Length > MinLength)
            .GroupBy(w => w.Word, StringComparer.Ordinal)
            .Select(g => g.OrderBy(w => w.FoundAt).ThenBy(w => w.Id).First())
            .OrderByDescending(w => w.Word.Length)
            .ThenBy(w => w.Word, StringComparer.Ordinal)
            .Select(w => new WordRecord(w.Word, w.Word.Length, w.ImageId, w.RunId, w.ModelName, w.OwnerName, w.FoundAt))
            .ToList();
}
