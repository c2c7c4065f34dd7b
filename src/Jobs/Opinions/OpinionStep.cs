using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Records;
using ClipSurgeryWeb.Jobs.Running;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Jobs.Opinions;

/// <summary>
/// Runs CLIP opinions for one image and stores its tokens and words. Shared by the opinions and batch jobs; returns
/// the stored tokens so a batch can pick its labels and targets.
/// </summary>
public sealed class OpinionStep(IClipEngine engine, ModelCatalog models, ClipSurgeryDb db, WordRecords records, TimeProvider time)
{
    /// <param name="from">Where opinions start within the image's progress (0..1).</param>
    /// <param name="span">How much of the image's progress they take.</param>
    public IReadOnlyList<TokenCount> Run(ImageWork work, double from, double span)
    {
        var settings = work.Run.Settings;
        var spec = new OpinionSpec(models.RequireClip(settings.ModelName!).Path, Iterations: settings.Iterations, Seed: settings.Seed,
            Precision: RunPrecision.Of(settings));
        work.SetStage("opinions", from);
        var outcome = engine.Opinions(spec, work.ImagePath, work.OutputDir, p =>
            work.Report(from + span * p.Iteration / Math.Max(1, p.Iterations), p.Loss, p.BestText, p.Iteration, p.Iterations),
            work.Token);
        Store(work, outcome);
        return outcome.Tokens;
    }

    private void Store(ImageWork work, OpinionOutcome outcome)
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
            Length = WordRecords.Length(w),
            ModelName = work.Run.Settings.ModelName ?? "?",
            OwnerId = work.Run.OwnerId,
            OwnerName = work.Run.OwnerName,
            FoundAt = now,
        }));
        db.SaveChanges();
        foreach (var file in new[] { "tokens.csv", "words.txt" })
        {
            if (File.Exists(Path.Combine(work.OutputDir, file)))
                work.AddFile(file);
        }
        if (newRecords.Count > 0)
            records.Announce(work.Run, newRecords);
    }
}
