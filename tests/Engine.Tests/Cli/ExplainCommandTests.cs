using ClipSurgeryWeb.Cli;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp.PyBridge;

namespace ClipSurgeryWeb.Engine.Tests.Cli;

/// <summary><c>clipsurgery explain</c> run in-process: outputs, the maps file, and every kind of bad input.</summary>
public sealed class ExplainCommandTests : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("explain-cli-");
    private readonly StringWriter stderr = new();

    private string Out => Path.Combine(work.FullName, "out");

    private string[] Args(params string[] extra) =>
    [
        "explain", .. extra,
        "--vocab", Shared.Vocab, "--models-dir", Path.Combine(work.FullName, "models"), "--out", Out, "--device", "cpu",
    ];

    private Task<int> Run(params string[] args) => CliApp.RunAsync(args, new Reporter(stderr, color: false));

    [Fact]
    public async Task Writes_an_overlay_per_mode_and_target_and_the_maps_file()
    {
        var code = await Run(Args(Shared.Image("demo.jpg"), "--model", TinyModels.VitPath, "--labels", "cat,dog,person,bench,sky",
            "--targets", "bench,person+bench", "--modes", "cs,plain,single", "--save-maps"));

        Assert.Equal(0, code);
        var files = Directory.GetFiles(Path.Combine(Out, "demo")).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(
            ["cs_bench.png", "cs_person+bench.png", "maps.safetensors", "plain_bench.png", "plain_person+bench.png", "scores.json", "single_bench.png", "single_person+bench.png"],
            files);

        var maps = Safetensors.LoadStateDict(Path.Combine(Out, "demo", "maps.safetensors"));
        Assert.Equal([375L, 500L], maps["cs.bench"].shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, maps["single.person+bench"].dtype);
        Assert.Equal(2, maps["points.bench"].shape[1]);
        Assert.Equal(maps["points.bench"].shape[0], maps["point_labels.bench"].shape[0]);
        Assert.Equal(TorchSharp.torch.ScalarType.Int64, maps["point_labels.person+bench"].dtype);
        Assert.False(maps.ContainsKey("points.cs.bench"));
    }

    [Fact]
    public async Task Defaults_are_surgery_mode_every_label_and_the_models_resolution()
    {
        var code = await Run(Args(Shared.Image("bwcat_cat.png"), "--model", TinyModels.ResNetPath, "--activation", "quick_gelu", "--labels", "cat, dog"));
        Assert.Equal(0, code);
        Assert.Equal(["cs_cat.png", "cs_dog.png", "scores.json"], Directory.GetFiles(Path.Combine(Out, "bwcat_cat")).Select(f => Path.GetFileName(f)!).Order());
    }

    [Fact]
    public async Task Writes_clips_zero_shot_ranking_as_scores_json_and_names_the_top_label()
    {
        var code = await Run(Args(Shared.Image("demo.jpg"), "--model", TinyModels.VitPath, "--labels", "cat,dog,person,bench,sky", "--targets", "bench"));

        Assert.Equal(0, code);
        var folder = Path.Combine(Out, "demo");
        var scores = ClipSurgeryWeb.Engine.Scores.ScoresFile.Read(folder);
        Assert.Equal(["bench", "cat", "dog", "person", "sky"], scores.Select(s => s.Label).Order(StringComparer.Ordinal));
        Assert.Equal(scores.OrderByDescending(s => s.Probability), scores);
        Assert.True(Math.Abs(scores.Sum(s => (double)s.Probability) - 1) <= 1e-5);
        Assert.Contains($"top label '{scores[0].Label}'", stderr.ToString());
    }

    [Fact]
    public async Task A_bad_image_is_reported_by_name_and_the_others_still_complete()
    {
        var notImage = Write("notes.png", "this is text, not a picture"u8.ToArray());
        var png = await File.ReadAllBytesAsync(Shared.Image("bwcat_dog.png"));
        var truncated = Write("truncated.png", png[..(png.Length / 3)]);

        var code = await Run(Args(notImage, Shared.Image("bwcat_cat.png"), truncated, Path.Combine(work.FullName, "missing.png"),
            "--model", TinyModels.VitPath, "--labels", "cat,dog"));

        Assert.Equal(1, code);
        var lines = ErrorLines();
        Assert.Contains(lines, l => l.Contains(notImage) && l.Contains("not a readable image"));
        Assert.Contains(lines, l => l.Contains(truncated) && l.Contains("truncated"));
        Assert.Contains(lines, l => l.Contains("missing.png") && l.Contains("no such file"));
        Assert.True(File.Exists(Path.Combine(Out, "bwcat_cat", "cs_cat.png")));
        Assert.Equal(["bwcat_cat"], Directory.GetFileSystemEntries(Out).Select(f => Path.GetFileName(f)!));
    }

    [Fact]
    public async Task An_image_over_the_pixel_limit_is_refused_before_decoding()
    {
        var code = await Run(Args(Shared.Image("demo.jpg"), "--model", TinyModels.VitPath, "--labels", "cat", "--max-pixels", "1000"));
        Assert.Equal(1, code);
        Assert.Contains(ErrorLines(), l => l.Contains("demo.jpg") && l.Contains("more than the limit of 1,000"));
        Assert.False(Directory.Exists(Path.Combine(Out, "demo")));
    }

    [Fact]
    public async Task A_failed_rerun_leaves_the_earlier_result_untouched()
    {
        Assert.Equal(0, await Run(Args(Shared.Image("bwcat_cat.png"), "--model", TinyModels.VitPath, "--labels", "cat")));
        var before = await File.ReadAllBytesAsync(Path.Combine(Out, "bwcat_cat", "cs_cat.png"));

        Assert.NotEqual(0, await Run(Args(Shared.Image("bwcat_cat.png"), "--model", TinyModels.VitPath, "--labels", "cat", "--max-pixels", "10")));

        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(Out, "bwcat_cat", "cs_cat.png")));
    }

    [Fact]
    public async Task A_rerun_on_a_truncated_copy_of_the_JPEG_is_refused_and_the_earlier_output_stays_byte_identical()
    {
        Assert.Equal(0, await Run(Args(Shared.Image("demo.jpg"), "--model", TinyModels.VitPath, "--labels", "bench,sky", "--save-maps")));
        var folder = Path.Combine(Out, "demo");
        var before = Directory.GetFiles(folder).Order().ToDictionary(f => f, File.ReadAllBytes);
        // The same name, cut short as an interrupted upload or copy would leave it (it used to decode to grey).
        Directory.CreateDirectory(Path.Combine(work.FullName, "cut"));
        var jpeg = await File.ReadAllBytesAsync(Shared.Image("demo.jpg"));
        var truncated = Write("cut/demo.jpg", jpeg[..(jpeg.Length / 2)]);

        var code = await Run(Args(truncated, "--model", TinyModels.VitPath, "--labels", "bench,sky", "--save-maps"));

        Assert.Equal(1, code);
        var line = Assert.Single(ErrorLines());
        Assert.StartsWith($"error: {truncated}: ", line);
        Assert.Contains("truncated", line);
        Assert.Equal(before.Keys, Directory.GetFiles(folder).Order());
        foreach (var (file, bytes) in before)
            Assert.Equal(bytes, await File.ReadAllBytesAsync(file));
        Assert.Equal(["demo"], Directory.GetFileSystemEntries(Out).Select(f => Path.GetFileName(f)!));
    }

    [Fact]
    public async Task Explaining_an_image_again_sweeps_what_a_killed_run_left_for_it_and_nothing_else()
    {
        // The names a run killed with SIGKILL leaves (StagedFolder, AtomicFile); the user's own hidden files stay.
        const string id = "0123456789abcdef0123456789abcdef";
        Directory.CreateDirectory(Path.Combine(Out, $".bwcat_cat.partial-{id}"));
        File.WriteAllText(Path.Combine(Out, $".bwcat_cat.partial-{id}", "cs_cat.png"), "half");
        Directory.CreateDirectory(Path.Combine(Out, $".other.partial-{id}"));
        File.WriteAllText(Path.Combine(Out, ".bwcat_cat.notes"), "mine");

        Assert.Equal(0, await Run(Args(Shared.Image("bwcat_cat.png"), "--model", TinyModels.VitPath, "--labels", "cat")));

        Assert.Equal([".bwcat_cat.notes", $".other.partial-{id}", "bwcat_cat"],
            Directory.GetFileSystemEntries(Out).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_missing_model_file_is_named_with_the_reason()
    {
        var code = await Run(Args(Shared.Image("demo.jpg"), "--model", Path.Combine(work.FullName, "nope.pt"), "--labels", "cat"));
        Assert.Equal(2, code);
        Assert.Contains(ErrorLines(), l => l.Contains("nope.pt") && l.Contains("no such file"));
    }

    [Fact]
    public async Task A_file_that_is_not_a_checkpoint_is_refused()
    {
        var fake = Write("model.pt", new byte[4096]);
        var code = await Run(Args(Shared.Image("demo.jpg"), "--model", fake, "--labels", "cat"));
        Assert.Equal(2, code);
        Assert.Contains(ErrorLines(), l => l.Contains(fake) && l.Contains("not a checkpoint"));
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public async Task A_SAM_checkpoint_given_as_the_CLIP_model_is_refused()
    {
        var code = await Run(Args(Shared.Image("demo.jpg"), "--model", Shared.Fixture("sam_vit_tiny.pth"), "--labels", "cat"));
        Assert.Equal(2, code);
        Assert.Contains(ErrorLines(), l => l.Contains("sam_vit_tiny.pth") && l.Contains("not a CLIP checkpoint"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" , ,")]
    public async Task An_empty_label_list_is_refused(string labels)
    {
        var code = await Run(Args(Shared.Image("demo.jpg"), "--model", TinyModels.VitPath, "--labels", labels));
        Assert.Equal(2, code);
        Assert.Contains(ErrorLines(), l => l.Contains("labels") && l.Contains("empty"));
    }

    [Fact]
    public async Task A_label_too_long_for_77_tokens_is_refused_by_name()
    {
        var label = string.Join(" ", Enumerable.Repeat("longword", 80));
        var code = await Run(Args(Shared.Image("demo.jpg"), "--model", TinyModels.VitPath, "--labels", $"cat,{label}"));
        Assert.NotEqual(0, code);
        Assert.Contains(ErrorLines(), l => l.Contains("longword longword") && l.Contains("too long"));
        Assert.False(Directory.Exists(Path.Combine(Out, "demo")));
    }

    [Fact]
    public async Task An_official_name_with_a_different_local_file_needs_accept_finetune()
    {
        var models = Path.Combine(work.FullName, "models");
        Directory.CreateDirectory(models);
        File.Copy(TinyModels.VitPath, Path.Combine(models, "ViT-B-16.pt"));

        var refused = await Run(Args(Shared.Image("bwcat_cat.png"), "--model", "ViT-B/16", "--labels", "cat"));
        Assert.Equal(2, refused);
        Assert.Contains(ErrorLines(), l => l.Contains("ViT-B-16.pt") && l.Contains("--accept-finetune"));

        var accepted = await Run(Args(Shared.Image("bwcat_cat.png"), "--model", "ViT-B/16", "--labels", "cat", "--accept-finetune"));
        Assert.Equal(0, accepted);
    }

    [Fact]
    public async Task Labels_of_500_characters_get_short_distinct_file_names_and_full_map_keys()
    {
        // 46 one-token words: 505 characters, a prompt far below 77 tokens.
        var first = string.Join(" ", Enumerable.Repeat("photograph", 46));
        var second = string.Join(" ", Enumerable.Repeat("photograph", 45)) + " cats";

        var code = await Run(Args(Shared.Image("bwcat_cat.png"), "--model", TinyModels.VitPath, "--labels", $"{first},{second}", "--save-maps"));

        Assert.Equal(0, code);
        Assert.Empty(ErrorLines());
        var folder = Path.Combine(Out, "bwcat_cat");
        var names = Directory.GetFiles(folder).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal([.. new[] { OutputNames.Png(MapMethod.Surgery, first), OutputNames.Png(MapMethod.Surgery, second), OutputNames.MapsFile, ClipSurgeryWeb.Engine.Scores.ScoresFile.Name }.Order()], names);
        Assert.All(names, n => Assert.True(System.Text.Encoding.UTF8.GetByteCount(n) < 255, n));
        var maps = Safetensors.LoadStateDict(Path.Combine(folder, OutputNames.MapsFile));
        Assert.True(maps.ContainsKey($"cs.{first}"));
        Assert.True(maps.ContainsKey($"cs.{second}"));
    }

    [Fact]
    public async Task An_image_with_a_name_near_the_file_name_limit_is_written_to_a_bounded_folder()
    {
        // 230 bytes of name: a valid file name, but its staging folder ".<name>.partial-<32 hex>" would be 256+ bytes.
        var name = new string('p', 230);
        var image = Write(name + ".png", File.ReadAllBytes(Shared.Image("bwcat_cat.png")));

        var code = await Run(Args(image, "--model", TinyModels.VitPath, "--labels", "cat"));

        Assert.Equal(0, code);
        Assert.Empty(ErrorLines());
        var folder = Assert.Single(Directory.GetDirectories(Out));
        Assert.Equal(OutputNames.ImageFolder(Out, image), folder);
        Assert.StartsWith(new string('p', OutputNames.MaxImageFolderBytes) + "~", Path.GetFileName(folder));
        Assert.True(File.Exists(Path.Combine(folder, OutputNames.Png(MapMethod.Surgery, "cat"))));
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(work.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string[] ErrorLines() => stderr.ToString().Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();

    public void Dispose() => work.Delete(recursive: true);
}
