using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// What the parity tests take from the goldens' JSON, checked against our methods: each golden's method is one of
/// ours, and our heads (<see cref="DenseMethod.Head"/>), PAMR's defaults and NACLIP's Ω are that golden's settings (the
/// parity tests run our heads, as the label maps do, so a setting that drifted fails here by name); each golden holds
/// the tensors the parity tests read, in the sizes its class file says; our class-file reader reads its
/// <c>names_file</c> as the methods' code does.
/// </summary>
public sealed class MethodGoldenFormatTests
{
    public static TheoryData<string, string> GoldensAndMethods()
    {
        var cases = new TheoryData<string, string>();
        foreach (var (golden, method) in MethodGolden.EveryMethod())
            cases.Add(golden.Name, method.Name);
        return cases;
    }

    public static TheoryData<string> Goldens()
    {
        var cases = new TheoryData<string>();
        foreach (var golden in MethodGolden.All)
            cases.Add(golden.Name);
        return cases;
    }

    public static TheoryData<string> RefinedMethods()
    {
        var cases = new TheoryData<string>();
        foreach (var (_, method) in MethodGolden.EveryMethod().Where(p => p.Method.PamrIterations is not null))
            cases.Add(method.Name);
        return cases;
    }

    private static MethodGolden Named(string golden) => MethodGolden.All.Single(g => g.Name == golden);

    [Fact]
    public void There_are_goldens_of_every_peer_the_parity_tests_read()
    {
        Assert.Contains(MethodGolden.All, g => g.Peer == MethodGolden.ClearClipPeer);
        Assert.Contains(MethodGolden.All, g => g.Peer != MethodGolden.ClearClipPeer);
        // A method in two goldens would make MethodGolden.Of ambiguous.
        var names = MethodGolden.EveryMethod().Select(p => p.Method.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Theory, MemberData(nameof(GoldensAndMethods))]
    public void Our_head_has_the_goldens_slide_window_and_logit_scale(string golden, string method)
    {
        var settings = Named(golden).Methods.Single(m => m.Name == method);
        var ours = Assert.Single(DenseMethod.All, m => m.Method.Name == method);
        Assert.Equal((settings.Crop, settings.Stride), (ours.Head.Crop, ours.Head.Stride));
        Assert.Equal(settings.LogitScale, ours.Head.LogitScale);
        Assert.InRange(settings.ProbThreshold, 0, 1);
        if (ours.DenseEncoding.Attention == DenseAttention.Neighbourhood)
            Assert.Equal(settings.GaussianStd, NeighbourhoodWindow.DefaultStd);
    }

    [Theory, MemberData(nameof(RefinedMethods))]
    public void Pamrs_defaults_are_the_goldens_iterations_and_dilations(string method)
    {
        // The label maps refine with PAMR's defaults (LabelSegmenter), so they must be what the golden ran.
        var settings = MethodGolden.SettingsOf(method);
        Assert.Equal(settings.PamrIterations, Pamr.DefaultIterations);
        Assert.NotNull(settings.PamrDilations);
        Assert.Equal(settings.PamrDilations, Pamr.DefaultDilations);
    }

    [Theory, MemberData(nameof(Goldens))]
    public void The_golden_holds_what_the_parity_tests_read_in_its_class_files_sizes(string name)
    {
        using var scope = torch.NewDisposeScope();
        var golden = Named(name);
        Assert.NotEmpty(golden.Images);
        Assert.NotEmpty(golden.Methods);
        foreach (var image in golden.Images)
            Assert.Equal(4, Golden.Get(golden.TensorFile, $"input.{image}.x").dim());          // [1, 3, H, W]
        foreach (var method in golden.Methods.Select(m => m.Name))
        {
            Assert.Equal(golden.Queries.Count, Golden.Get(golden.TensorFile, $"{method}.query_features").shape[0]);   // [Q, D]
            foreach (var image in golden.Images)
            {
                Assert.True(golden.Has($"{method}.{image}.crop_features"), $"{name}: no {method} crop features of {image}");
                Assert.True(golden.Has($"{method}.{image}.pred"), $"{name}: no {method} predictions of {image}");
            }
            var logitImages = golden.Images.Where(i => golden.Has($"{method}.{i}.slide_logits")).ToList();
            Assert.True(logitImages.Count > 0, $"{name}: no {method} slide logits of any image");
            foreach (var image in logitImages)
            {
                Assert.Equal(golden.Queries.Count, Golden.Get(golden.TensorFile, $"{method}.{image}.slide_logits").shape[1]);   // [1, Q, H, W]
                Assert.Equal(golden.Classes.Count, Golden.Get(golden.TensorFile, $"{method}.{image}.probs").shape[0]);         // [C, H, W]
            }
            if (MethodGolden.SettingsOf(method).PamrIterations is null)
                continue;
            foreach (var image in golden.Images)
                Assert.True(golden.Has($"{method}.pamr.{image}.pred"), $"{name}: no {method} PAMR predictions of {image}");
            Assert.Contains(golden.Images, i => golden.Has($"{method}.pamr.{i}.probs"));
        }
    }

    [Theory, MemberData(nameof(Goldens))]
    public void Our_class_file_reader_reads_the_goldens_names_file_as_its_queries(string name)
    {
        var golden = Named(name);
        var ours = ClassList.Parse(golden.NamesFile);
        Assert.Equal(golden.Queries, ours.Queries);
        Assert.Equal(golden.QueryClass, ours.QueryClass);
    }
}
