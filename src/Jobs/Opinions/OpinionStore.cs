using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Records;
using ClipSurgeryWeb.Jobs.Running;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Jobs.Opinions;

/// <summary>
/// Stores an image's opinion when the engine announces it (<see cref="OpinionFinished"/>): its tokens and words, and
/// announces new word records. Shared by the opinions and batch jobs; the batch reads stored tokens back on resume.
/// </summary>
public sealed class OpinionStore(ClipSurgeryDb db, WordRecordBoard records, TimeProvider time)
{
    /// <summary>The sink addition for a batch whose engine call gives opinions.</summary>
    public void OnEvent(ImageWork work, PipelineEvent e)
    {
        if (e is OpinionFinished finished)
            Store(work, finished);
    }

    /// <summary>The tokens stored for a run image by an earlier attempt, or null when it has none.</summary>
    public IReadOnlyList<TokenCount>? StoredTokens(Guid jobImageId)
    {
        var stored = db.Tokens.Where(t => t.JobImageId == jobImageId).Select(t => new TokenCount(t.Token, t.Frequency)).ToList();
        return stored.Count > 0 ? stored : null;
    }

    private void Store(ImageWork work, OpinionFinished outcome)
    {
        var itemId = work.Item.Id;
        db.Tokens.Where(t => t.JobImageId == itemId).ExecuteDelete();
        db.Words.Where(w => w.JobImageId == itemId).ExecuteDelete();
        var now = time.GetUtcNow().UtcDateTime;
        db.Tokens.AddRange(outcome.Tokens
            .GroupBy(t => t.Token)
            .Select(g => new OpinionToken { JobImageId = itemId, Token = g.Key, Frequency = g.Sum(t => t.Frequency) }));
        var words = outcome.Words.Where(w => !string.IsNullOrWhiteSpace(w)).Distinct().ToList();
        var newRecords = records.NewRecordsAmong(words);
        db.Words.AddRange(words.Select(w => new OpinionWord
        {
            RunId = work.Run.Id,
            JobImageId = itemId,
            ImageId = work.Item.ImageId,
            Word = w,
            Length = WordRecordBoard.Length(w),
            ModelName = work.Run.Settings.ModelName ?? "?",
            OwnerId = work.Run.OwnerId,
            OwnerName = work.Run.OwnerName,
            FoundAt = now,
        }));
        db.SaveChanges();
        if (newRecords.Count > 0)
            records.Announce(work.Run, newRecords);
    }
}
