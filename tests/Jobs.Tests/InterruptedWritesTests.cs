using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>A process killed while writing leaves temporary files and folders; they are swept, finished files never.</summary>
public sealed class InterruptedWritesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("csw-sweep-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The exact name <see cref="AtomicFile"/> gives its temporary file for <paramref name="path"/>, left behind.</summary>
    private string LeaveAtomicTemporary(string path)
    {
        string? temporary = null;
        AtomicFile.Write(path, t =>
        {
            temporary = Path.GetFileName(t);
            File.WriteAllBytes(t, [1]);
        });
        var leftover = Path.Combine(Path.GetDirectoryName(path)!, temporary!);
        File.WriteAllBytes(leftover, []); // what a kill -9 during the write leaves: the temporary, often 0 bytes
        return leftover;
    }

    [Fact]
    public void The_writers_leftovers_are_removed_and_finished_files_kept()
    {
        var finished = Path.Combine(_folder, "cs_cat.png");
        var temporary = LeaveAtomicTemporary(finished);
        // What a killed writer leaves: its staging folder and lock file, the lock dropped with the process (an undisposed
        // StagedFolder of this process would still hold it: a live writer, which a sweep leaves alone).
        var staging = Directory.CreateDirectory(Path.Combine(_folder, $".out.partial-{Guid.NewGuid():N}")).FullName;
        File.WriteAllBytes(staging + ".lock", []);
        File.WriteAllBytes(Path.Combine(staging, "cs_dog.png"), [1]);
        var upload = Path.Combine(_folder, $"{Guid.NewGuid():N}.part");
        File.WriteAllBytes(upload, [1, 2]);
        var hidden = Path.Combine(_folder, ".keep");
        var lookalike = Path.Combine(_folder, "notes.part");
        File.WriteAllBytes(hidden, []);
        File.WriteAllBytes(lookalike, []);

        var swept = InterruptedWrites.SweepFolder(_folder);

        Assert.Equal(3, swept);
        Assert.False(File.Exists(temporary));
        Assert.False(Directory.Exists(staging));
        Assert.False(File.Exists(staging + ".lock"));
        Assert.False(File.Exists(upload));
        Assert.True(File.Exists(finished));
        Assert.True(File.Exists(hidden));
        Assert.True(File.Exists(lookalike));
    }

    [Fact]
    public void A_replaced_result_caught_between_its_two_moves_is_put_back_and_a_stale_one_removed()
    {
        // StagedFolder.Publish moves the old result to ".<name>.old-<guid>", then the new one in: a kill between leaves
        // no result under the name, only the old one aside.
        var restored = Directory.CreateDirectory(Path.Combine(_folder, $".lost.old-{Guid.NewGuid():N}")).FullName;
        File.WriteAllBytes(Path.Combine(restored, "index.json"), [1]);
        Directory.CreateDirectory(Path.Combine(_folder, "kept"));
        var stale = Directory.CreateDirectory(Path.Combine(_folder, $".kept.old-{Guid.NewGuid():N}")).FullName;

        InterruptedWrites.SweepFolder(_folder);

        Assert.True(File.Exists(Path.Combine(_folder, "lost", "index.json")));
        Assert.False(Directory.Exists(restored));
        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(Path.Combine(_folder, "kept")));
    }

    [Fact]
    public async Task An_image_done_again_after_an_interruption_starts_in_a_folder_cleared_of_its_leftovers()
    {
        await using var host = new JobsHost();
        var image = await host.UploadAsync();
        var run = await host.StartExplainAsync([image.Id], labels: ["cat"], modes: ["cs"]);
        var item = (await host.LoadRunAsync(run.Id)).Images.Single();
        var files = host.Services.GetRequiredService<FileStore>();
        var folder = files.ResultDir(run.Id, item.Id);
        var leftover = LeaveAtomicTemporary(Path.Combine(folder, "cs_cat.png"));
        File.Delete(Path.Combine(folder, "cs_cat.png"));
        bool? leftoverWhileWriting = null;
        host.Fake.Writing = _ => leftoverWhileWriting ??= File.Exists(leftover);

        await host.With(async sp =>
        {
            await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, CancellationToken.None);
            return 0;
        });

        Assert.False(leftoverWhileWriting);
        Assert.Equal(["cs_cat.png", "maps.safetensors"], Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order());
        var done = await host.LoadRunAsync(run.Id);
        Assert.Equal(JobImageStatus.Done, done.Images.Single().Status);
    }

    [Fact]
    public void Sweeping_the_data_folder_reaches_uploads_thumbnails_and_every_result_folder()
    {
        var files = new FileStore(Path.Combine(_folder, "data"), Path.Combine(_folder, "models"));
        var result = LeaveAtomicTemporary(Path.Combine(files.ResultDir(Guid.NewGuid(), Guid.NewGuid()), "plain_dog.png"));
        var thumbnail = LeaveAtomicTemporary(files.ThumbnailPath(Guid.NewGuid(), 512));
        var upload = files.UploadPartPath(Guid.NewGuid());
        File.WriteAllBytes(upload, []);

        Assert.Equal(3, InterruptedWrites.SweepDataFolder(files));

        Assert.False(File.Exists(result));
        Assert.False(File.Exists(thumbnail));
        Assert.False(File.Exists(upload));
    }
}
