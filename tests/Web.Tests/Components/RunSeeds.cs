using ClipSurgeryWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>Runs and images written straight into the test's database, in the states a test needs.</summary>
public static class RunSeeds
{
    public static async Task<UploadedImage> ImageAsync(IServiceProvider services, string name, string ownerId = "member-1")
    {
        var image = new UploadedImage
        {
            Id = Guid.NewGuid(), OwnerId = ownerId, OwnerName = ownerId + "@example.com", FileName = name, Extension = ".png", ContentType = "image/png",
            SizeBytes = 100, Width = 40, Height = 30, CreatedAt = DateTime.UtcNow,
        };
        await using var db = await services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        db.Images.Add(image);
        await db.SaveChangesAsync();
        return image;
    }

    /// <param name="images">Image and its status, in order.</param>
    public static async Task<JobRun> RunAsync(IServiceProvider services, JobRunKind kind, JobRunStatus status, DateTime createdAt,
        IReadOnlyList<(UploadedImage Image, JobImageStatus Status)> images, RunSettings? settings = null, string ownerId = "member-1",
        bool shared = true, DateTime? startedAt = null, Action<JobRun>? change = null)
    {
        var run = new JobRun
        {
            Id = Guid.NewGuid(), Kind = kind, Status = status, OwnerId = ownerId, OwnerName = ownerId + "@example.com", Shared = shared,
            Settings = settings ?? new RunSettings { ModelName = "clip_only_jit", Labels = ["cat"], Targets = ["cat"] },
            CreatedAt = createdAt, StartedAt = startedAt ?? (status == JobRunStatus.Queued ? null : createdAt),
            FinishedAt = status is JobRunStatus.Queued or JobRunStatus.Running ? null : createdAt.AddMinutes(1),
        };
        run.Images = images.Select((x, order) => new JobImage
        {
            Id = Guid.NewGuid(), RunId = run.Id, ImageId = x.Image.Id, Order = order, Status = x.Status,
        }).ToList();
        change?.Invoke(run);
        await using var db = await services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return run;
    }
}
