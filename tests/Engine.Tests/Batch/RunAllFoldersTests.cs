using ClipSurgeryWeb.Engine.Batch;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tests.Support;
using SixLabors.ImageSharp;

namespace ClipSurgeryWeb.Engine.Tests.Batch;

/// <summary>runall per image on the tiny fixtures: opinions → maps → SAM masks → index.json, idempotent and resumable.</summary>
public sealed class RunAllFoldersTests(RunAllFixture fixture) : IClassFixture<RunAllFixture>, IDisposable
{
    private readonly TempFolder temp = new("runall-");

    /// <summary>Tokens of the first samples count twice, so a minimum of 2 always draws some targets with 3 samples.</summary>
    private static RunAllSettings Settings(long seed = 7, int minFrequency = 2) => new(SmallOpinions.Settings(seed), minFrequency);

    private RunAllFolders Pipeline(bool sam = true) =>
        new(fixture.Explainer, fixture.Tokenizer, "tiny-vit", sam ? fixture.Sam : null);

    private string Out => temp["out"];

    [Fact]
    public void An_image_becomes_a_finished_folder_whose_index_lists_every_output()
    {
        var outcome = Pipeline().Process(Shared.Image("bwcat_cat.png"), Out, Settings());
        var index = outcome.Index;
        var folder = Path.Combine(Out, "bwcat_cat");

        Assert.False(outcome.Skipped);
        Assert.Equal(folder, outcome.Folder);
        Assert.Equal(JsonFile.Serialize(index), JsonFile.Serialize(RunAllFolders.FinishedIndex(folder)));
        var onDisk = Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n != RunAllFolders.IndexFile).Order();
        Assert.Equal(onDisk, index.Files.Select(f => f.Path).Order());

        var table = OpinionFiles.ReadTokens(folder);
        Assert.Equal(table.Tokens, index.Labels);
        Assert.Equal(table.Targets(2), index.Targets);
        Assert.NotEmpty(index.Targets);
        Assert.Equal(7, index.Seed);
        Assert.Equal("bwcat_cat.png", index.Image);

        foreach (var target in index.Targets)
        {
            var files = index.Files.Where(f => f.Target == target).ToDictionary(f => f.Mode?.Name ?? f.Kind);
            Assert.Equal(224, files["cs"].Resolution);
            Assert.Equal(224, files["plain"].Resolution);
            Assert.Equal(512, files["single"].Resolution);
            Assert.Equal($"mask_{target}.png", files[FileKinds.Mask].Path);
            Assert.Equal($"overlay_{target}.png", files[FileKinds.MaskOverlay].Path);
            Assert.InRange(files[FileKinds.Mask].Score!.Value, -1f, 2f);
            var info = Image.Identify(Path.Combine(folder, files[FileKinds.Mask].Path));
            Assert.Equal((224, 224), (info.Width, info.Height));
        }
        Assert.DoesNotContain(Directory.GetDirectories(Out), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public void A_folder_finished_with_another_model_is_redone_not_skipped()
    {
        var image = Shared.Image("bwcat_dog.png");
        Assert.False(Pipeline(sam: false).Process(image, Out, Settings()).Skipped);
        Assert.True(Pipeline(sam: false).Process(image, Out, Settings()).Skipped);

        var other = new RunAllFolders(fixture.Explainer, fixture.Tokenizer, "another-model", null).Process(image, Out, Settings());

        Assert.False(other.Skipped);
        Assert.Equal("another-model", RunAllFolders.FinishedIndex(Path.Combine(Out, "bwcat_dog"))!.Model);
    }

    [Fact]
    public void An_interrupted_batch_finishes_on_rerun_without_redoing_finished_images()
    {
        var images = new[] { Shared.Image("bwcat_cat.png"), Shared.Image("bwcat_dog.png") };
        var pipeline = Pipeline(sam: false);
        var first = pipeline.Process(images[0], Out, Settings());

        using var cts = new CancellationTokenSource();
        var interrupt = new Callback(p => { if (p.Iteration == 5) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Process(images[1], Out, Settings(), interrupt, cts.Token));
        Assert.False(Directory.Exists(Path.Combine(Out, "bwcat_dog")));
        Assert.Equal(["bwcat_cat"], Directory.GetDirectories(Out).Select(Path.GetFileName));

        var steps = 0;
        var counting = new Callback(_ => steps++);
        var again = images.Select(image => pipeline.Process(image, Out, Settings(), counting)).ToArray();

        Assert.True(again[0].Skipped);
        Assert.Equal(first.Index.Finished, again[0].Index.Finished);
        Assert.False(again[1].Skipped);
        Assert.Equal(12, steps);   // only the unfinished image ran
        Assert.NotNull(RunAllFolders.FinishedIndex(Path.Combine(Out, "bwcat_dog")));
    }

    [Fact]
    public void A_folder_without_an_index_is_not_finished_and_is_replaced()
    {
        var folder = Path.Combine(Out, "bwcat_cat");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "leftover.txt"), "from an earlier, unfinished attempt");

        var outcome = Pipeline(sam: false).Process(Shared.Image("bwcat_cat.png"), Out, Settings(minFrequency: 1000));

        Assert.False(outcome.Skipped);
        Assert.False(File.Exists(Path.Combine(folder, "leftover.txt")));
        Assert.Empty(outcome.Index.Targets);
        Assert.Equal([FileKinds.Tokens, FileKinds.Words, FileKinds.Opinion], outcome.Index.Files.Select(f => f.Kind));
    }

    [Fact]
    public void A_bad_image_is_refused_by_name_and_writes_nothing()
    {
        var broken = temp["broken.png"];
        File.WriteAllText(broken, "not an image");

        var e = Assert.Throws<EngineInputException>(() => Pipeline().Process(broken, Out, Settings()));

        Assert.Equal(broken, e.Subject);
        Assert.False(Directory.Exists(Out) && Directory.EnumerateFileSystemEntries(Out).Any());
    }

    [Fact]
    public void Images_of_a_folder_are_listed_by_name_and_other_files_ignored()
    {
        var input = temp["in"];
        Directory.CreateDirectory(input);
        foreach (var name in new[] { "b.PNG", "a.jpg", "notes.txt", ".hidden.png", "scan.tiff", "c.tif" })
            File.WriteAllText(Path.Combine(input, name), "");

        Assert.Equal(["a.jpg", "b.PNG"], RunAllFolders.ImagesIn(input).Select(Path.GetFileName));
        Assert.Throws<EngineInputException>(() => RunAllFolders.ImagesIn(temp["missing"]));
    }

    [Fact]
    public void Records_are_written_over_every_finished_image()
    {
        Pipeline(sam: false).Process(Shared.Image("bwcat_cat.png"), Out, Settings(minFrequency: 1000));

        var records = RunAllFolders.WriteRecords(Out);

        Assert.Equal(WordRecords.ToText(WordRecords.FromFolder(Out)), File.ReadAllText(Path.Combine(Out, RunAllFolders.RecordsFile)));
        Assert.All(records, r => Assert.True(r.Length > WordRecords.MinLength));
    }

    private sealed class Callback(Action<OpinionProgress> report) : IProgress<OpinionProgress>
    {
        public void Report(OpinionProgress value) => report(value);
    }

    public void Dispose() => temp.Dispose();
}
