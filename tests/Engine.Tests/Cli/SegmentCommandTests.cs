using ClipSurgeryWeb.Cli;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Cli;

/// <summary><c>clipsurgery segment</c> in-process with the tiny SAM: given points reproduce the golden mask; words give masks.</summary>
public sealed class SegmentCommandTests : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("segment-cli-");
    private readonly StringWriter stderr = new();

    private string Out => Path.Combine(work.FullName, "out");

    private Task<int> Run(params string[] args) => CliApp.RunAsync(
        ["segment", .. args, "--sam", Shared.Fixture("sam_vit_tiny.pth"), "--vocab", Shared.Vocab,
         "--models-dir", Path.Combine(work.FullName, "models"), "--out", Out, "--device", "cpu"],
        new Reporter(stderr, color: false));

    [Fact]
    public async Task Points_on_the_golden_image_reproduce_the_golden_best_mask()
    {
        var rgb = Golden.Get("golden_sam.safetensors", "sam.image_rgb");                       // [300, 400, 3]
        var imagePath = Path.Combine(work.FullName, "golden.png");
        using (var image = Image.LoadPixelData<Rgb24>(rgb.data<byte>().ToArray(), 400, 300))
            await image.SaveAsPngAsync(imagePath);
        var xy = Golden.Get("golden_sam.safetensors", "sam.points").data<long>().ToArray();
        var labels = Golden.Get("golden_sam.safetensors", "sam.point_labels").data<long>().ToArray();
        var points = string.Join(";", labels.Select((l, i) => $"{xy[2 * i]},{xy[2 * i + 1]},{l}"));

        Assert.Equal(0, await Run(imagePath, "--points", points));

        var masks = Safetensors.LoadStateDict(Path.Combine(Out, "golden", "masks.safetensors"));
        var best = Golden.Get("golden_sam.safetensors", "sam.scores").argmax().item<long>();
        using var expected = Golden.Get("golden_sam.safetensors", "sam.masks")[best];
        using var differing = expected.ne(masks["mask.points"]).sum();
        Assert.True(differing.item<long>() <= 300 * 400 / 1000, $"{differing.item<long>()} pixels differ");
        Assert.True(File.Exists(Path.Combine(Out, "golden", "mask_points.png")));
        Assert.True(File.Exists(Path.Combine(Out, "golden", "overlay_points.png")));
    }

    [Fact]
    public async Task Words_and_combinations_get_masks_scores_and_points()
    {
        Assert.Equal(0, await Run(Shared.Image("demo.jpg"), "--model", TinyModels.VitPath, "--targets", "bench,person+bench"));

        var folder = Path.Combine(Out, "demo");
        var masks = Safetensors.LoadStateDict(Path.Combine(folder, "masks.safetensors"));
        foreach (var target in new[] { "bench", "person+bench" })
        {
            Assert.Equal([375L, 500L], masks[$"mask.{target}"].shape);
            Assert.Equal(ScalarType.Byte, masks[$"mask.{target}"].dtype);
            Assert.Equal(masks[$"points.{target}"].shape[0], masks[$"point_labels.{target}"].shape[0]);
            Assert.Equal(ScalarType.Float32, masks[$"score.{target}"].dtype);
            Assert.True(File.Exists(Path.Combine(folder, $"mask_{target}.png")));
            Assert.True(File.Exists(Path.Combine(folder, $"overlay_{target}.png")));
        }
    }

    [Theory]
    [InlineData("1,2", "not x,y,label")]
    [InlineData("10,10,3", "not x,y,label")]
    [InlineData("5000,10,1", "outside the 500×375 image")]
    public async Task Bad_points_are_refused_with_the_reason(string points, string reason)
    {
        Assert.Equal(2, await Run(Shared.Image("demo.jpg"), "--points", points));
        Assert.Contains(reason, stderr.ToString());
        Assert.False(Directory.Exists(Path.Combine(Out, "demo")));
    }

    [Fact]
    public async Task A_CLIP_checkpoint_given_as_SAM_is_refused()
    {
        var code = await CliApp.RunAsync(["segment", Shared.Image("demo.jpg"), "--points", "10,10,1", "--sam", TinyModels.VitPath,
            "--models-dir", work.FullName, "--out", Out], new Reporter(stderr, false));
        Assert.Equal(2, code);
        Assert.Contains("clip_vit_tiny_jit.pt", stderr.ToString());
        Assert.Contains("not a Segment Anything checkpoint", stderr.ToString());
    }

    public void Dispose() => work.Delete(recursive: true);
}
