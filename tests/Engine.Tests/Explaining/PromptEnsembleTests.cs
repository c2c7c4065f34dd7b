using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Text;
using ClipSurgeryWeb.Engine.Tokenization;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Explaining;

public sealed class PromptEnsembleTests
{
    private const double Tolerance = 1e-4;
    private static readonly string[] Labels = ["cat", "dog", "person", "bench", "sky"];
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.FromFile(Shared.Vocab);

    [Fact]
    public void Templates_are_the_references_85_in_order()
    {
        var reference = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Shared.Reference("prompt_templates.json")))!;
        Assert.Equal(reference.Select(t => t.Replace("{}", "{0}")), PromptTemplates.Default);
    }

    [Theory]
    [InlineData("vit")]
    [InlineData("rn")]
    public void Ensembles_match_reference(string which)
    {
        using var model = which == "vit" ? TinyModels.Vit() : TinyModels.ResNet();
        var ensemble = new PromptEnsemble(model, "test-" + which, Tokenizer, new TextFeatureCache(null));
        Tensor G(string key) => which == "vit" ? Golden.Vit($"vit.text.{key}") : Golden.Rn($"rn.text.{key}");

        using var labels = ensemble.Encode(Labels, torch.CPU);
        using var bench = ensemble.Encode(["bench"], torch.CPU);
        using var redundant = ensemble.Encode([PromptEnsemble.RedundantLabel], torch.CPU);

        Golden.AssertClose(G("ensemble"), labels, Tolerance, "ensemble");
        Golden.AssertClose(G("ensemble_bench"), bench, Tolerance, "bench ensemble");
        Golden.AssertClose(G("redundant"), redundant, Tolerance, "redundant");
    }

    [Fact]
    public void A_second_request_for_the_same_labels_encodes_no_text()
    {
        using var model = TinyModels.Vit();
        var ensemble = new PromptEnsemble(model, "cache-test", Tokenizer, new TextFeatureCache(null));

        using var first = ensemble.Encode(["cat", "dog"], torch.CPU);
        Assert.Equal(2 * PromptTemplates.Default.Count, ensemble.PromptsEncoded);
        using var second = ensemble.Encode(["dog", "cat", "dog"], torch.CPU);
        Assert.Equal(2 * PromptTemplates.Default.Count, ensemble.PromptsEncoded);
        Golden.AssertClose(first[1], second[0], 0, "cached dog");
    }

    [Fact]
    public void Disk_cache_serves_a_new_process_with_identical_features()
    {
        var dir = Directory.CreateTempSubdirectory("textcache-").FullName;
        try
        {
            using var model = TinyModels.Vit();
            using var written = new PromptEnsemble(model, "disk", Tokenizer, new TextFeatureCache(dir)).Encode(["sky"], torch.CPU);

            var fresh = new PromptEnsemble(model, "disk", Tokenizer, new TextFeatureCache(dir));
            using var read = fresh.Encode(["sky"], torch.CPU);
            Assert.Equal(0, fresh.PromptsEncoded);
            Golden.AssertClose(written, read, 0, "disk cache");

            var otherModel = new PromptEnsemble(model, "another-checksum", Tokenizer, new TextFeatureCache(dir));
            using var _ = otherModel.Encode(["sky"], torch.CPU);
            Assert.Equal(PromptTemplates.Default.Count, otherModel.PromptsEncoded);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_label_too_long_for_77_tokens_is_refused_with_its_name()
    {
        using var model = TinyModels.Vit();
        var ensemble = new PromptEnsemble(model, "long", Tokenizer, new TextFeatureCache(null));
        var label = string.Join(" ", Enumerable.Repeat("word", 70));
        var e = Assert.Throws<EngineInputException>(() => ensemble.Encode([label], torch.CPU));
        Assert.Contains("too long", e.Reason);
        Assert.Contains("word word", e.Subject);
    }
}
