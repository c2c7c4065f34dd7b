using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Text;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// The methods' query features (<c>&lt;method&gt;.query_features</c>, <c>[queries, embed]</c>) from our prompt ensemble
/// with the methods' 80 templates (the golden json's <c>templates</c>): each line of the class file (<c>names_file</c>)
/// is one class, each of its comma-separated names one query, in file order; a query's feature is the mean over the
/// templates of the L2-normalised text features, L2-normalised again. The text tower is the same for every method,
/// so every method's golden is checked. Bound: 1e-4 absolute (METHODS.md).
/// </summary>
public sealed class DenseQueryFeatureParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    /// <summary>Every method of every golden, with its golden.</summary>
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var (golden, method) in MethodGolden.EveryMethod())
            cases.Add(golden.Name, method.Name);
        return cases;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Query_features_with_the_methods_80_templates_match(string golden, string method)
    {
        var meta = MethodGolden.All.Single(g => g.Name == golden);
        // The methods' code formats Python '{}' templates; ours are .NET '{0}' ones.
        var templates = meta.Templates.Select(t => t.Replace("{}", "{0}")).ToList();
        Assert.Equal(80, templates.Count);
        Assert.Equal(templates, PromptTemplates.Methods);

        using var sd = StateDict.Load(MethodsModel.CheckpointPath, Activation.QuickGelu);
        using var model = ClipModel.FromStateDict(sd);
        var ensemble = new PromptEnsemble(model, "methods-tiny", ClipTokenizer.FromFile(Shared.Vocab), new TextFeatureCache(null)) { Templates = PromptTemplates.Methods };

        using var features = ensemble.Encode(meta.Queries, torch.CPU);                 // [Q, D]
        var expected = Golden.Get(meta.TensorFile, $"{method}.query_features");
        using var worst = (expected - features).abs().max();
        output.WriteLine($"{method} query features: max abs difference {worst.item<float>():G3}");
        Golden.AssertClose(expected, features, Tolerance, $"{method} query features");
    }
}
