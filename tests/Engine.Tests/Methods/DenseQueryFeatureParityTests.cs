using System.Text.Json;
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

    public static TheoryData<string, string> Cases => new()
    {
        { "golden_methods_naclip", "naclip" },
        { "golden_methods_naclip", "clip_dense" },
        { "golden_methods_naclip", "kk_reduced" },
        { "golden_methods_sclip", "sclip" },
        { "golden_methods_clearclip", "clearclip" },
        { "golden_methods_clearclip", "maskclip" },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Query_features_with_the_methods_80_templates_match(string golden, string method)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Shared.Fixture(Path.Combine("methods", golden + ".json"))));
        // The methods' code formats Python '{}' templates; ours are .NET '{0}' ones.
        var templates = meta.RootElement.GetProperty("templates").EnumerateArray().Select(t => t.GetString()!.Replace("{}", "{0}")).ToList();
        Assert.Equal(80, templates.Count);
        Assert.Equal(templates, PromptTemplates.Methods);
        var queries = meta.RootElement.GetProperty("names_file").GetString()!
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(line => line.Split(',').Select(name => name.Trim()))
            .ToList();

        using var sd = StateDict.Load(Shared.Fixture(Path.Combine("methods", "clip_vit_tiny_methods_state_dict.pt")), Activation.QuickGelu);
        using var model = ClipModel.FromStateDict(sd);
        var ensemble = new PromptEnsemble(model, "methods-tiny", ClipTokenizer.FromFile(Shared.Vocab), new TextFeatureCache(null)) { Templates = PromptTemplates.Methods };

        using var features = ensemble.Encode(queries, torch.CPU);                 // [10, 64]
        var expected = Golden.Get(Path.Combine("methods", golden + ".safetensors"), $"{method}.query_features");
        using var worst = (expected - features).abs().max();
        output.WriteLine($"{method} query features: max abs difference {worst.item<float>():G3}");
        Golden.AssertClose(expected, features, Tolerance, $"{method} query features");
    }
}
