using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Data;

/// <summary>
/// The app's data: uploads, runs and their images, result files, opinions (SQLite by default, PostgreSQL for several
/// machines). Team members' accounts live in the web app's own context (same database, own tables). Each provider has
/// its own migrations, so the context is used through its provider's subclass (<see cref="Providers.SqliteClipSurgeryDb"/>,
/// <see cref="Providers.PostgresClipSurgeryDb"/>); everything else sees this type.
/// </summary>
public abstract class ClipSurgeryDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<UploadedImage> Images => Set<UploadedImage>();

    public DbSet<JobRun> Runs => Set<JobRun>();

    public DbSet<JobImage> RunImages => Set<JobImage>();

    public DbSet<ResultFile> Files => Set<ResultFile>();

    public DbSet<OpinionToken> Tokens => Set<OpinionToken>();

    public DbSet<OpinionWord> Words => Set<OpinionWord>();

    /// <summary>Every time is stored as UTC; SQLite hands them back unlabelled, so they are labelled UTC on the way out.</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<UploadedImage>(e =>
        {
            e.HasIndex(i => new { i.OwnerId, i.CreatedAt });
            e.Property(i => i.FileName).HasMaxLength(260);
            e.Property(i => i.ContentHash).HasMaxLength(64);
            e.HasIndex(i => new { i.OwnerId, i.ContentHash });
        });
        builder.Entity<JobRun>(e =>
        {
            e.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(24);
            e.Ignore(r => r.Settings);
            e.Property(r => r.ClaimedBy).HasMaxLength(200);
            e.HasIndex(r => new { r.OwnerId, r.CreatedAt });
            e.HasMany(r => r.Images).WithOne(i => i.Run).HasForeignKey(i => i.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<JobImage>(e =>
        {
            e.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(i => i.ClaimedBy).HasMaxLength(200);
            e.Ignore(i => i.Scores);
            e.HasOne(i => i.Image).WithMany().HasForeignKey(i => i.ImageId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(i => i.Files).WithOne().HasForeignKey(f => f.JobImageId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(i => i.Tokens).WithOne().HasForeignKey(t => t.JobImageId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<ResultFile>(e =>
        {
            e.HasIndex(f => new { f.JobImageId, f.FileName }).IsUnique();
            // The method's stable name in the same string column as ever (null stays null: EF never converts nulls).
            e.Property(f => f.Mode).HasConversion(m => m!.Value.Name, name => new ClipSurgeryWeb.Engine.Methods.MapMethod(name));
        });
        builder.Entity<OpinionToken>(e => e.HasIndex(t => new { t.JobImageId, t.Token }).IsUnique());
        builder.Entity<OpinionWord>(e =>
        {
            e.HasIndex(w => new { w.JobImageId, w.Word }).IsUnique();
            e.HasIndex(w => w.Length);
        });
    }
}
