using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// The training-free dense methods' encoder passes against the goldens NACLIP's and SCLIP's own published code made
/// (<see cref="MethodGolden"/>, METHODS.md) on the methods' model: <c>&lt;method&gt;.&lt;image&gt;.crop_features</c> is
/// <c>ln_post(x) @ proj</c> on all 1+N tokens of the first square crop of the golden's own normalised input
/// (<c>input.&lt;image&gt;.x[:, :, :S, :S]</c>, S from the features' N patch tokens), before the class token is dropped or
/// anything normalised. ClearCLIP's code keeps the patch tokens only: <see cref="ClearClipParityTests"/>.
/// Bound: 1e-4 absolute (METHODS.md).
/// </summary>
public sealed class DenseFeatureParityTests : IClassFixture<MethodsModel>
{
    private const double Tolerance = 1e-4;

    private readonly MethodsModel fixture;
    private readonly ITestOutputHelper output;

    public DenseFeatureParityTests(MethodsModel fixture, ITestOutputHelper output) => (this.fixture, this.output) = (fixture, output);

    /// <summary>The goldens whose crop features keep the class token: every one but ClearCLIP's code's.</summary>
    private static IEnumerable<MethodGolden> Goldens => MethodGolden.All.Where(g => g.Peer != MethodGolden.ClearClipPeer);

    private static DenseEncoding EncodingOf(string method) => DenseMethod.All.Single(m => m.Method.Name == method).DenseEncoding;

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var golden in Goldens)
            foreach (var method in golden.Methods)
                foreach (var image in golden.Images)
                    cases.Add(method.Name, image);
        return cases;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Crop_features_match_the_methods_own_code(string method, string image)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var file = MethodGolden.Of(method).TensorFile;
        var expected = Golden.Get(file, $"{method}.{image}.crop_features");                  // [1, 1+N, D]
        int crop = fixture.CropSide(expected.shape[1] - 1);
        var input = Golden.Get(file, $"input.{image}.x");                                   // [1, 3, H, W]
        var x = input[.., .., ..crop, ..crop].contiguous();                                 // [1, 3, S, S]
        var features = EncodingOf(method).Encode(fixture.Model, x);                         // [1, 1+N, D]
        output.WriteLine($"{method} {image}: max abs difference {(expected - features).abs().max().item<float>():G3}");   // for the README's table
        Golden.AssertClose(expected, features, Tolerance, $"{method} crop features of {image}");
    }

    [Fact]
    public void The_methods_differ_from_each_other_on_the_same_crop()
    {
        // Guards the test above against an encoding that ignores its kind: the goldens of different methods differ.
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var golden = Goldens.First();
        int side = fixture.Model.Visual.InputResolution;
        var crop = Golden.Get(golden.TensorFile, $"input.{golden.Images[0]}.x")[.., .., ..side, ..side].contiguous();   // [1, 3, R, R]
        var encodings = Goldens.SelectMany(g => g.Methods).Select(m => EncodingOf(m.Name)).ToList();
        Assert.True(encodings.Count >= 2, "the goldens hold fewer than two methods to tell apart");
        var outputs = encodings.Select(e => e.Encode(fixture.Model, crop)).ToList();                                    // each [1, 1+N, D]
        for (int i = 0; i < outputs.Count; i++)
            for (int j = i + 1; j < outputs.Count; j++)
                Assert.True((outputs[i] - outputs[j]).abs().max().item<float>() > 1e-3, $"encodings {encodings[i].Name} and {encodings[j].Name} agree");
    }

    [Fact]
    public void The_neighbourhood_term_is_the_papers_gaussian_with_a_zero_class_row_and_column()
    {
        const int side = 14;
        const double std = NeighbourhoodWindow.DefaultStd;
        using var omega = NeighbourhoodWindow.Omega(side, side);                     // [1+side², 1+side²]
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
