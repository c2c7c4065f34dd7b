using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Running;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Jobs.Records;

/// <summary>
/// The word world records: every word longer than <see cref="MinLength"/> characters over all stored opinion words,
/// unique, longest first, ties alphabetical; each with where and when it first came up. A member sees the words of
/// runs they may see (shared ones and their own; admins all): a record names its image and run, so a private run's
/// words stay private.
/// </summary>
public sealed class WordRecordBoard(ClipSurgeryDb db, IJobEvents events)
{
    /// <summary>Words must be longer than this.</summary>
    public const int MinLength = ClipSurgeryWeb.Engine.Opinions.WordRecords.MinLength;

    /// <summary>
    /// A word's length in characters (Unicode code points), as the engine, the CLI and Python's len count it, so the web
    /// and the CLI agree on which words are records; UTF-16 units would count an emoji twice.
    /// </summary>
    public static int Length(string word) => ClipSurgeryWeb.Engine.Opinions.WordRecords.Length(word);

    public async Task<IReadOnlyList<StoredWordRecord>> ListAsync(Requester who, string? search = null, CancellationToken ct = default)
    {
        // Rows stored before lengths were counted in code points hold UTF-16 lengths (never shorter): Rank counts again.
        var query = db.Words.AsNoTracking().Where(w => w.Length > MinLength);
        if (!who.IsAdmin)
        {
            var visibleRuns = db.Runs.VisibleTo(who).Select(r => r.Id);
            query = query.Where(w => visibleRuns.Contains(w.RunId));
        }
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
        var candidates = words.Where(w => Length(w) > MinLength).Distinct().ToList();
        if (candidates.Count == 0)
            return [];
        var known = db.Words.Where(w => candidates.Contains(w.Word)).Select(w => w.Word).Distinct().ToHashSet();
        return candidates.Where(w => !known.Contains(w)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Tells who may see the run (<see cref="JobEvent.IsVisibleTo"/>): the team for a shared run, else its owner and admins.</summary>
    public void Announce(JobRun run, IReadOnlyList<string> words) =>
        events.Publish(JobEvent.For(run, JobEventKind.RecordsChanged) with { Message = string.Join(' ', words) });

    public static IReadOnlyList<StoredWordRecord> Rank(IEnumerable<OpinionWord> words) =>
        words.Where(w => Length(w.Word) > MinLength)
            .GroupBy(w => w.Word, StringComparer.Ordinal)
            .Select(g => g.OrderBy(w => w.FoundAt).ThenBy(w => w.Id).First())
            .Select(w => new StoredWordRecord(w.Word, Length(w.Word), w.ImageId, w.RunId, w.ModelName, w.OwnerName, w.FoundAt))
            .OrderByDescending(r => r.Length)
            .ThenBy(r => r.Word, StringComparer.Ordinal)
            .ToList();
}
