using ClipSurgeryWeb.Hosting.Storage;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>Originals and thumbnails without a row are removed at start-up; those with one, and other files, never.</summary>
public sealed class OrphanSweepTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("csw-orphans-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Uploads_and_thumbnails_whose_id_has_no_row_are_removed_and_the_others_kept()
    {
        var files = new FileStore(Path.Combine(_folder, "data"), Path.Combine(_folder, "models"));
        Guid kept = Guid.NewGuid(), orphan = Guid.NewGuid();
        string[] keep = [files.UploadPath(kept, ".jpg"), files.ThumbnailPath(kept, 512), Path.Combine(files.UploadsDir, "README.txt"),
            Path.Combine(files.ThumbnailsDir, $"{orphan:N}.txt.bak")];
        string[] remove = [files.UploadPath(orphan, ".webp"), files.ThumbnailPath(orphan, 512), files.ThumbnailPath(orphan, 256)];
        foreach (var file in keep.Concat(remove))
            File.WriteAllBytes(file, [1]);

        var swept = InterruptedWrites.SweepOrphans(files, new HashSet<Guid> { kept });

        Assert.Equal(remove.Length, swept);
        Assert.All(remove, file => Assert.False(File.Exists(file), file));
        Assert.All(keep, file => Assert.True(File.Exists(file), file));
    }
}
