using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Overlay;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Cli;

/// <summary>
/// <c>clipsurgery segment-labels</c> in-process on the methods' tiny model: the files of the contract, the
/// safetensors' keys, dtypes and shapes, the stored prediction equal to the engine's in memory (and to the palette
/// PNG's ids), and bad input refused naming the thing.
/// </summary>
public sealed class SegmentLabelsCommandTests : IDisposable
{
    private static readonly string MethodsModel = Shared.Fixture(Path.Combine("methods", "clip_vit_tiny_methods_state_dict.pt"));
    private static readonly string NamesFile = Shared.Fixture(Path.Combine("methods", "methods_names.txt"));

    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("segment-labels-cli-");

    private string Out => Path.Combine(work.FullName, "out");

    private Task<CliRun.Result> Run(params string[] args) => CliRun.RunAsync(
        ["segment-labels", .. args, "--vocab", Shared.Vocab, "--models-dir", Path.Combine(work.FullName, "models"), "--out", Out, "--device", "cpu", "--precision", "fp32"]);

    private Task<CliRun.Result> RunMethodsModel(params string[] args) => Run([.. args, "--model", MethodsModel, "--activation", "quick_gelu"]);

    [Fact]
    public async Task Label_maps_overlays_and_saved_maps_are_written_as_the_contract_says()
    {
        var result = await RunMethodsModel(Shared.Image("demo.jpg"), "--classes", NamesFile, "--methods", "naclip,cs", "--save-maps");
        Assert.True(result.ExitCode == 0, result.Errors);
        var folder = Path.Combine(Out, "demo");
        Assert.Equal(["labelmap_cs.png", "labelmap_naclip.png", "labels.safetensors", "labels_cs.png", "labels_naclip.png"],
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("naclip: ", result.Errors);
        Assert.Contains("cs: ", result.Errors);
        Assert.Contains(" %", result.Errors);

        var maps = Safetensors.LoadStateDict(Path.Combine(folder, "labels.safetensors"));
        Assert.Equal(["cs.pred", "cs.probs", "naclip.pred", "naclip.probs"], maps.Keys.Order(StringComparer.Ordinal));
        foreach (var method in new[] { "naclip", "cs" })
        {
            Assert.Equal(ScalarType.Byte, maps[$"{method}.pred"].dtype);
            Assert.Equal([336L, 448L], maps[$"{method}.pred"].shape);
            Assert.Equal(ScalarType.Float32, maps[$"{method}.probs"].dtype);
            Assert.Equal([7L, 336L, 448L], maps[$"{method}.probs"].shape);
        }

        // The stored maps are the engine's, computed again here in memory.
        var classes = ClassList.Read(NamesFile);
        using var explainer = ClipExplainer.Load(MethodsModel, ClipTokenizer.FromFile(Shared.Vocab), torch.CPU, null, Precision.Fp32, Activation.QuickGelu);
        using var picture = ImageLoader.Load(Shared.Image("demo.jpg"));
        var predictions = new LabelSegmenter(explainer).Segment(picture, classes, [DenseMethod.Naclip.Method, MapMethod.Surgery], new LabelSegmentationOptions());
        foreach (var p in predictions)
        {
            Assert.Equal(p.Prediction, maps[$"{p.Method.Name}.pred"].data<byte>().ToArray());
            Assert.Equal(p.Probabilities, maps[$"{p.Method.Name}.probs"].data<float>().ToArray());
            var png = LabelPng.Read(Path.Combine(folder, $"labelmap_{p.Method.Name}.png"));
            Assert.Equal((448, 336), (png.Width, png.Height));
            Assert.Equal(p.Prediction, png.Values);
            using var overlay = Image.Load<Rgb24>(Path.Combine(folder, $"labels_{p.Method.Name}.png"));
            Assert.Equal(448, overlay.Width);
            Assert.True(overlay.Height > 336, "the legend sits below the image");
        }
    }

    [Fact]
    public async Task Labels_with_a_background_and_a_threshold_give_class_0_to_the_doubtful_pixels()
    {
        var result = await RunMethodsModel(Shared.Image("bwcat_cat.png"), "--labels", "cat,sky", "--background", "--threshold", "0.9", "--methods", "sclip", "--save-maps");
        Assert.True(result.ExitCode == 0, result.Errors);
        var maps = Safetensors.LoadStateDict(Path.Combine(Out, "bwcat_cat", "labels.safetensors"));
        var pred = maps["sclip.pred"].data<byte>().ToArray();
        var probs = maps["sclip.probs"];                                             // [3, 336, 336]
        Assert.Equal([3L, 336L, 336L], probs.shape);
        using var best = probs.max(0).values.flatten();
        var bestValues = best.data<float>().ToArray();
        Assert.Contains((byte)0, pred);
        for (int i = 0; i < pred.Length; i++)
            if (bestValues[i] < 0.9f)
                Assert.Equal(0, pred[i]);
        Assert.False(File.Exists(Path.Combine(Out, "bwcat_cat", "labels_cs.png")));
        Assert.True(File.Exists(Path.Combine(Out, "bwcat_cat", "labels_sclip.png")));
    }

    [Theory]
    [InlineData(new string[0], "give either --labels")]
    [InlineData(new[] { "--labels", "cat", "--classes", "x.txt" }, "give either --labels")]
    public async Task Both_or_neither_class_source_is_refused(string[] extra, string reason)
    {
        var result = await RunMethodsModel([Shared.Image("demo.jpg"), "--methods", "naclip", .. extra]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(reason, result.Errors);
        Assert.False(Directory.Exists(Path.Combine(Out, "demo")));
    }

    [Theory]
    [InlineData("naclip,magic", "--methods: 'magic' is not one of")]
    [InlineData("plain", "--methods: 'plain' draws no label map")]
    [InlineData("single,naclip", "--methods: 'single' draws no label map")]
    public async Task Methods_that_are_unknown_or_draw_no_label_map_are_refused(string methods, string reason)
    {
        var result = await RunMethodsModel(Shared.Image("demo.jpg"), "--labels", "cat,dog", "--methods", methods);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(reason, result.Errors);
    }

    [Fact]
    public async Task A_missing_class_file_is_named()
    {
        var missing = Path.Combine(work.FullName, "nope.txt");
        var result = await RunMethodsModel(Shared.Image("demo.jpg"), "--classes", missing, "--methods", "naclip");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{missing}: class file not found", result.Errors);
    }

    [Fact]
    public async Task A_dense_method_on_a_ResNet_is_refused_naming_the_method_and_nothing_is_written()
    {
        var result = await Run(Shared.Image("demo.jpg"), "--labels", "cat,dog", "--methods", "cs,naclip", "--model", TinyModels.ResNetPath, "--activation", "quick_gelu");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--methods: 'naclip' needs a ViT CLIP", result.Errors);
        Assert.False(Directory.Exists(Path.Combine(Out, "demo")));
    }

    [Fact]
    public async Task PAMR_refines_NACLIP_and_leaves_the_other_methods_alone()
    {
        var plain = await RunMethodsModel(Shared.Image("bwcat_cat.png"), "--classes", NamesFile, "--methods", "naclip,sclip", "--save-maps");
        Assert.True(plain.ExitCode == 0, plain.Errors);
        var before = Safetensors.LoadStateDict(Path.Combine(Out, "bwcat_cat", "labels.safetensors"));
        var refined = await RunMethodsModel(Shared.Image("bwcat_cat.png"), "--classes", NamesFile, "--methods", "naclip,sclip", "--save-maps", "--pamr");
        Assert.True(refined.ExitCode == 0, refined.Errors);
        var after = Safetensors.LoadStateDict(Path.Combine(Out, "bwcat_cat", "labels.safetensors"));
        Assert.Equal(before["sclip.probs"].data<float>().ToArray(), after["sclip.probs"].data<float>().ToArray());
        Assert.NotEqual(before["naclip.probs"].data<float>().ToArray(), after["naclip.probs"].data<float>().ToArray());
        var golden = Golden.Get(Path.Combine("methods", "golden_methods_naclip.safetensors"), "naclip.pamr.bwcat_cat.png.pred").data<byte>().ToArray();
        var pred = after["naclip.pred"].data<byte>().ToArray();
        Assert.True(Enumerable.Range(0, pred.Length).Count(i => pred[i] == golden[i]) >= 0.995 * pred.Length, "PAMR's prediction is NACLIP's own");
    }

    [Fact]
    public async Task A_bad_threshold_is_refused_naming_the_flag()
    {
        var result = await RunMethodsModel(Shared.Image("demo.jpg"), "--labels", "cat,dog", "--methods", "naclip", "--threshold", "1.5");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--threshold: 1.5 is not a probability", result.Errors);
    }

    [Fact]
    public async Task A_bad_image_fails_alone_and_the_others_are_written()
    {
        var broken = Path.Combine(work.FullName, "broken.png");
        await File.WriteAllTextAsync(broken, "not an image");
        var result = await RunMethodsModel(broken, Shared.Image("bwcat_cat.png"), "--labels", "cat,dog", "--methods", "clip_dense");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("broken.png", result.Errors);
        Assert.False(Directory.Exists(Path.Combine(Out, "broken")));
        Assert.True(File.Exists(Path.Combine(Out, "bwcat_cat", "labels_clip_dense.png")));
        Assert.True(File.Exists(Path.Combine(Out, "bwcat_cat", "labelmap_clip_dense.png")));
        Assert.False(File.Exists(Path.Combine(Out, "bwcat_cat", "labels.safetensors")));
    }

    public void Dispose() => work.Delete(recursive: true);
}
