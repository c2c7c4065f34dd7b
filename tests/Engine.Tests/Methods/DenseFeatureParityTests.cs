using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// The training-free dense methods' encoder passes against the goldens their own published code made
/// (<c>fixtures/methods/</c>, METHODS.md) on the methods' tiny ViT: <c>&lt;method&gt;.&lt;image&gt;.crop_features</c> is
/// <c>ln_post(x) @ proj</c> on all 197 tokens of the first 224×224 crop of the golden's own normalised input
/// (<c>input.&lt;image&gt;.x[:, :, :224, :224]</c>), before the class token is dropped or anything normalised.
/// Bound: 1e-4 absolute (METHODS.md).
/// </summary>
public sealed class DenseFeatureParityTests : IClassFixture<MethodsModel>
{
    private const double Tolerance = 1e-4;
    private const int Crop = 224;

    private readonly MethodsModel fixture;
    private readonly ITestOutputHelper output;

    public DenseFeatureParityTests(MethodsModel fixture, ITestOutputHelper output) => (this.fixture, this.output) = (fixture, output);

    /// <summary>Which golden file holds which method's outputs.</summary>
    private static string GoldenFile(string method) => MethodsModel.GoldenFile(method);

    private static DenseEncoding EncodingOf(string method) => method switch
    {
        "clip_dense" => DenseEncoding.ClipDense,
        "sclip" => DenseEncoding.Sclip,
        "naclip" => DenseEncoding.Naclip,
        "kk_reduced" => DenseEncoding.KkReduced,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var method in new[] { "clip_dense", "sclip", "naclip", "kk_reduced" })
            foreach (var image in new[] { "demo.jpg", "bwcat_cat.png" })
                cases.Add(method, image);
        return cases;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Crop_features_match_the_methods_own_code(string method, string image)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var file = GoldenFile(method);
        var input = Golden.Get(file, $"input.{image}.x");                          // [1, 3, H, W]
        var crop = input[.., .., ..Crop, ..Crop].contiguous();                     // [1, 3, 224, 224]
        var features = EncodingOf(method).Encode(fixture.Model, crop);             // [1, 197, 64]
        var expected = Golden.Get(file, $"{method}.{image}.crop_features");
        output.WriteLine($"{method} {image}: max abs difference {(expected - features).abs().max().item<float>():G3}");   // for the README's table
        Golden.AssertClose(expected, features, Tolerance, $"{method} crop features of {image}");
    }

    [Fact]
    public void The_methods_differ_from_each_other_on_the_same_crop()
    {
        // Guards the test above against an encoding that ignores its kind: the goldens of different methods differ.
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var crop = Golden.Get(GoldenFile("naclip"), "input.demo.jpg.x")[.., .., ..Crop, ..Crop].contiguous();   // [1, 3, 224, 224]
        var outputs = new[] { DenseEncoding.ClipDense, DenseEncoding.Sclip, DenseEncoding.Naclip, DenseEncoding.KkReduced }
            .Select(e => e.Encode(fixture.Model, crop)).ToList();                                              // 4 × [1, 197, 64]
        for (int i = 0; i < outputs.Count; i++)
            for (int j = i + 1; j < outputs.Count; j++)
                Assert.True((outputs[i] - outputs[j]).abs().max().item<float>() > 1e-3, $"encodings {i} and {j} agree");
    }

    [Fact]
    public void The_neighbourhood_term_is_the_papers_gaussian_with_a_zero_class_row_and_column()
    {
        const int side = 14;
        const double std = NeighbourhoodWindow.DefaultStd;
        using var omega = NeighbourhoodWindow.Omega(side, side);                     // [197, 197]
        Assert.Equal([1 + side * side, 1 + side * side], omega.shape);
        Assert.Equal(0f, omega[0].abs().sum().item<float>());
        Assert.Equal(0f, omega[.., 0].abs().sum().item<float>());
        var accessor = omega.data<float>();
        foreach (var (i, j) in new[] { (0, 0), (0, 1), (0, 14), (15, 100), (195, 3), (77, 78) })
        {
            var (yi, xi, yj, xj) = (i / side, i % side, j / side, j % side);
            var expected = Math.Exp(-((yi - yj) * (yi - yj) + (xi - xj) * (xi - xj)) / (2 * std * std));
            Assert.Equal(expected, accessor[(1 + i) * (1 + side * side) + 1 + j], 1e-6);
        }
    }

    [Fact]
    public void A_resnet_is_refused_with_the_methods_name()
    {
        using var resnet = TinyModels.ResNet();
        using var images = torch.zeros(1, 3, resnet.Visual.InputResolution, resnet.Visual.InputResolution);
        var refused = Assert.Throws<EngineInputException>(() => DenseEncoding.Naclip.Encode(resnet, images));
        Assert.Equal("modes", refused.Subject);
        Assert.Contains("'naclip' needs a ViT", refused.Reason);
    }
}
