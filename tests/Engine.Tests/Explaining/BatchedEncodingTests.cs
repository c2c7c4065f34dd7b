using System.Runtime.InteropServices;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Explaining;

/// <summary>
/// Images of one request through the encoder in batches (<see cref="ClipExplainer.ExplainMany"/>) against the same images
/// one at a time: the reference's images and crafted ones of other sizes, on the tiny ViT and ResNet fixtures, in fp32.
/// </summary>
public sealed class BatchedEncodingTests : IDisposable
{
    private const double Bound = 1e-5;
    private static readonly string[] Labels = ["cat", "dog", "person", "bench", "sky"];
    private static readonly ExplainRequest AllModes = new(Labels, ["cat", "bench", "person+bench"], Methods: [MapMethod.Surgery, MapMethod.Plain, MapMethod.Single]);

    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("batched-");
    private readonly List<Image<Rgb24>> crafted = [Gradient(53, 37), Noise(90, 300, seed: 7), Noise(200, 150, seed: 11)];

    private static ClipExplainer Load(string model) =>
        ClipExplainer.Load(model == "vit" ? TinyModels.VitPath : TinyModels.ResNetPath, ClipTokenizer.FromFile(Shared.Vocab), new EngineOptions(DevicePreference.Cpu),
            model == "vit" ? null : TinyModels.ResNetActivation);

    /// <summary>Every reference image, then crafted images of other sizes and aspect ratios.</summary>
    private List<ExplainInput> Inputs() =>
    [
        .. Directory.GetFiles(Shared.Reference("images")).Order(StringComparer.Ordinal).Select(p => ExplainInput.FromFile(p, ImageLimits.Default)),
        .. crafted.Select((image, i) => ExplainInput.FromImage($"crafted-{i}", image)),
    ];

    [Theory]
    [InlineData("vit", 2, null)]
    [InlineData("vit", 3, null)]
    [InlineData("vit", 0, null)]
    [InlineData("vit", 3, 512)]
    [InlineData("rn", 2, null)]
    [InlineData("rn", 3, null)]
    [InlineData("rn", 0, null)]
    public void Batched_maps_equal_one_at_a_time_within_1e5_and_points_are_identical(string model, int batch, int? resolution)
    {
        using var explainer = Load(model);
        var inputs = Inputs();
        var request = AllModes with { Resolution = resolution };
        explainer.ImageBatchSize = 1;
        var alone = explainer.ExplainMany(inputs, request).Select(o => o.Result()).ToList();
        explainer.ImageBatchSize = batch == 0 ? inputs.Count : batch;

        var together = explainer.ExplainMany(inputs, request).ToList();

        Assert.Equal(Enumerable.Range(0, inputs.Count), together.Select(o => o.Index));
        for (int i = 0; i < inputs.Count; i++)
            AssertSame(alone[i], together[i].Result(), $"{model} b{batch} {inputs[i].Name}");
    }

    [Theory]
    [InlineData("vit", 224)]
    [InlineData("vit", 512)]
    [InlineData("rn", 224)]
    public void Encoder_features_of_a_batch_equal_each_images_own_within_1e5(string model, int resolution)
    {
        using var explainer = Load(model);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var images = Directory.GetFiles(Shared.Reference("images")).Order(StringComparer.Ordinal).Take(5)
            .Select(p => { using var image = ImageLoader.Load(p); return ClipPreprocessor.ToInput(image, resolution); }).ToList();
        var batch = torch.cat(images.ToArray(), 0);                                       // 5 × [1, 3, R, R] -> [5, 3, R, R]
        var visual = explainer.Model.Visual;

        var surgery = visual.EncodeSurgery(batch);                                         // [5, 1+N, D]
        var plain = model == "vit" && resolution != visual.InputResolution ? null : visual.EncodePlain(batch);

        for (int i = 0; i < images.Count; i++)
        {
            Golden.AssertClose(visual.EncodeSurgery(images[i])[0], surgery[i], Bound, $"surgery features of image {i}");
            if (plain is not null)
                Golden.AssertClose(visual.EncodePlain(images[i])[0], plain[i], Bound, $"plain features of image {i}");
        }
    }

    [Fact]
    public void A_bad_image_in_the_middle_of_a_batch_fails_alone()
    {
        using var explainer = Load("vit");
        var notImage = Path.Combine(work.FullName, "notes.png");
        File.WriteAllText(notImage, "this is text, not a picture");
        var inputs = Inputs().Take(4).ToList();
        inputs.Insert(2, ExplainInput.FromFile(notImage, ImageLimits.Default));
        explainer.ImageBatchSize = 1;
        var alone = explainer.ExplainMany(inputs, AllModes).ToList();
        explainer.ImageBatchSize = inputs.Count;

        var together = explainer.ExplainMany(inputs, AllModes).ToList();

        var error = Assert.IsType<EngineInputException>(together[2].Error);
        Assert.Equal(notImage, error.Subject);
        Assert.Null(together[2].Explanation);
        Assert.Same(error, Assert.Throws<EngineInputException>(() => together[2].Result()));
        foreach (var i in new[] { 0, 1, 3, 4 })
            AssertSame(alone[i].Result(), together[i].Result(), inputs[i].Name);
    }

    [Fact]
    public void An_input_the_encoder_cannot_take_fails_alone_and_the_rest_of_its_batch_is_explained()
    {
        using var explainer = Load("vit");
        var inputs = Inputs().Take(4).ToList();
        // Four channels: the batch cannot even be stacked, so it is split until the error is this image's.
        inputs.Insert(1, ExplainInput.FromTensors("four channels", r => torch.zeros(1, 4, r, r), 20, 30));
        explainer.ImageBatchSize = 1;
        var alone = explainer.ExplainMany(inputs, AllModes).ToList();
        explainer.ImageBatchSize = inputs.Count;

        var together = explainer.ExplainMany(inputs, AllModes).ToList();

        Assert.NotNull(alone[1].Error);
        Assert.IsNotType<EngineInputException>(alone[1].Error);
        Assert.Equal(alone[1].Error!.GetType(), together[1].Error?.GetType());
        Assert.Equal(alone[1].Error!.Message, together[1].Error!.Message);
        foreach (var i in new[] { 0, 2, 3, 4 })
            AssertSame(alone[i].Result(), together[i].Result(), inputs[i].Name);
    }

    [Fact]
    public void Images_are_opened_one_at_a_time_when_their_batch_comes()
    {
        using var explainer = Load("vit");
        explainer.ImageBatchSize = 2;
        int opened = 0, open = 0, mostOpen = 0;
        var inputs = Enumerable.Range(0, 5).Select(i => new ExplainInput($"image {i}", () =>
        {
            opened++;
            mostOpen = Math.Max(mostOpen, ++open);
            var image = crafted[i % crafted.Count];
            return new ExplainSource(r => ClipPreprocessor.ToInput(image, r), image.Height, image.Width, new Closing(() => open--));
        })).ToList();

        using var outcomes = explainer.ExplainMany(inputs, new ExplainRequest(Labels)).GetEnumerator();

        Assert.Equal(0, opened);
        Assert.True(outcomes.MoveNext());
        Assert.Equal(2, opened);
        Assert.True(outcomes.MoveNext());
        Assert.True(outcomes.MoveNext());
        Assert.Equal(4, opened);
        while (outcomes.MoveNext()) { }
        Assert.Equal(5, opened);
        Assert.Equal(1, mostOpen);
        Assert.Equal(0, open);
    }

    [Fact]
    public void A_bad_request_is_refused_before_any_image_is_opened()
    {
        using var explainer = Load("vit");
        var opened = false;
        var input = new ExplainInput("image", () => { opened = true; throw new InvalidOperationException("never opened"); });

        var e = Assert.Throws<EngineInputException>(() => explainer.ExplainMany([input], new ExplainRequest(Labels, ["cow"])));

        Assert.Contains("cow", e.Subject);
        Assert.False(opened);
    }

    [Fact]
    public void The_batch_size_is_1_to_256_and_a_refusal_names_the_setting()
    {
        Assert.Equal(1, ImageBatching.Checked(1, "--image-batch 1"));
        Assert.Equal(256, ImageBatching.Checked(256, "--image-batch 256"));
        var zero = Assert.Throws<EngineInputException>(() => ImageBatching.Checked(0, "--image-batch 0"));
        Assert.Equal("--image-batch 0", zero.Subject);
        Assert.Contains("outside 1…256", zero.Reason);
        Assert.Throws<EngineInputException>(() => ImageBatching.Checked(257, "ClipSurgery:ImageBatchSize"));
        using var explainer = Load("vit");
        Assert.Throws<EngineInputException>(() => explainer.ImageBatchSize = 0);
    }

    [Fact]
    public void On_CUDA_free_memory_bounds_the_batch_and_on_the_CPU_the_setting_alone()
    {
        var cuda = new Device(DeviceType.CUDA, 0);
        const long gib = 1L << 30;
        Assert.Equal(2, ImageBatching.Bound(8, cuda, bytesPerImage: gib, freeBytes: 4 * gib));      // 0.7 · 4 GiB / 1 GiB
        Assert.Equal(8, ImageBatching.Bound(8, cuda, bytesPerImage: gib, freeBytes: 100 * gib));
        Assert.Equal(1, ImageBatching.Bound(8, cuda, bytesPerImage: gib, freeBytes: gib / 2));
        Assert.Equal(8, ImageBatching.Bound(8, torch.CPU, bytesPerImage: gib, freeBytes: gib / 2));

        using var explainer = Load("vit");
        var config = explainer.Model.Config;
        Assert.True(ImageBatching.BytesPerImage(config, 512, 4) > 4 * ImageBatching.BytesPerImage(config, 224, 4));
        Assert.Equal(ImageBatching.BytesPerImage(config, 224, 4), 2 * ImageBatching.BytesPerImage(config, 224, 2));
        Assert.True(ImageBatching.IsOutOfMemory(new ExternalException("CUDA out of memory. Tried to allocate 2.00 GiB")));
        Assert.False(ImageBatching.IsOutOfMemory(new ExternalException("shape '[1, 3]' is invalid for input of size 5")));
    }

    private static void AssertSame(Explanation expected, Explanation actual, string what)
    {
        Assert.Equal((expected.Height, expected.Width), (actual.Height, actual.Width));
        Assert.Equal(expected.Maps.Count, actual.Maps.Count);
        for (int m = 0; m < expected.Maps.Count; m++)
        {
            var (e, a) = (expected.Maps[m], actual.Maps[m]);
            Assert.Equal((e.Method, e.Target, e.Side, e.Resolution), (a.Method, a.Target, a.Side, a.Resolution));
            var (re, ra) = (e.Render(), a.Render());
            Assert.Equal(re.Length, ra.Length);
            double worst = 0;
            for (int i = 0; i < re.Length; i++)
                worst = Math.Max(worst, Math.Abs(re[i] - ra[i]));
            Assert.True(worst <= Bound, $"{what} {e.Method} {e.Target}: max abs {worst:E2} > {Bound:E0}");
            Assert.Equal(e.Points?.Points, a.Points?.Points);
            Assert.Equal(e.Points?.Labels, a.Points?.Labels);
        }
    }

    private static Image<Rgb24> Gradient(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(255 * x / width), (byte)(255 * y / height), (byte)(128 + 127 * ((x + y) % 2)));
        return image;
    }

    private static Image<Rgb24> Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        return image;
    }

    private sealed class Closing(Action onDispose) : IDisposable
    {
        public void Dispose() => onDispose();
    }

    public void Dispose()
    {
        foreach (var image in crafted)
            image.Dispose();
        work.Delete(recursive: true);
    }
}
