using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;

namespace ClipSurgeryWeb.Engine.Tests.Segmentation;

public sealed class SamModelLoadingTests(SamGoldens golden) : IClassFixture<SamGoldens>
{
    [Fact]
    public void Sizes_are_read_from_the_checkpoint()
    {
        var config = golden.Model.Config;

        // golden_meta.json sam_config: 64 wide, 2 deep, 2 heads, global attention at block 1; the rest as build_sam.
        Assert.Equal(64, config.EncoderEmbedDim);
        Assert.Equal(2, config.EncoderDepth);
        Assert.Equal(2, config.EncoderNumHeads);
        Assert.Equal([1], config.EncoderGlobalAttnIndexes);
        Assert.Equal(14, config.WindowSize);
        Assert.Equal(256, config.EncoderMlpDim);
        Assert.Equal((1024, 16, 64), (config.ImageSize, config.PatchSize, config.ImageEmbeddingSize));
        Assert.Equal(256, config.PromptEmbedDim);
        Assert.Equal(16, config.MaskInChans);
        Assert.Equal(3, config.NumMultimaskOutputs);
        Assert.Equal((2, 8, 2048, 2), (config.DecoderDepth, config.DecoderNumHeads, config.DecoderMlpDim, config.AttentionDownsampleRate));
        Assert.Equal((3, 256), (config.IouHeadDepth, config.IouHeadHiddenDim));
    }

    public static TheoryData<string> Official => new(SamCatalog.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Official))]
    public void Official_encoder_sizes_follow_from_their_weight_shapes(string name)
    {
        var official = SamCatalog.Find(name)!;

        var config = SamConfig.FromShapes(OfficialShapes(official), official.FileName);

        Assert.Equal(official.EncoderEmbedDim, config.EncoderEmbedDim);
        Assert.Equal(official.EncoderDepth, config.EncoderDepth);
        Assert.Equal(official.EncoderNumHeads, config.EncoderNumHeads);
        Assert.Equal(official.EncoderGlobalAttnIndexes, config.EncoderGlobalAttnIndexes);
        Assert.Equal(14, config.WindowSize);
    }

    [Fact]
    public void Heads_that_contradict_the_official_table_are_refused()
    {
        // A 768-wide encoder whose rel_pos tables are 32 wide would have 24 heads; vit_b has 12.
        var shapes = OfficialShapes(SamCatalog.VitB);
        foreach (var key in shapes.Keys.Where(k => k.Contains(".rel_pos_")).ToList())
            shapes[key] = [shapes[key][0], 32];

        var error = Assert.Throws<InvalidDataException>(() => SamConfig.FromShapes(shapes, "odd.pth"));

        Assert.Contains("odd.pth", error.Message);
        Assert.Contains("12 heads", error.Message);
    }

    [Fact]
    public void A_missing_checkpoint_file_is_reported_by_name()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-sam-{Guid.NewGuid():N}.pth");

        var error = Assert.Throws<FileNotFoundException>(() => SamModel.Load(path, torch.CPU));

        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void A_file_that_is_not_a_pickle_is_reported_with_the_file_and_the_reason()
    {
        var path = Path.Combine(Path.GetTempPath(), $"garbage-{Guid.NewGuid():N}.pth");
        File.WriteAllText(path, "this is not a checkpoint");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => SamModel.Load(path, torch.CPU));

            Assert.Contains(path, error.Message);
            Assert.Contains("not a Segment Anything checkpoint", error.Message);
            Assert.Contains("not a checkpoint", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_state_dict_of_another_model_is_reported_with_the_file_and_the_reason()
    {
        var path = Shared.Fixture("clip_rn_tiny_state_dict.pt");

        var error = Assert.Throws<InvalidDataException>(() => SamModel.Load(path, torch.CPU));

        Assert.Contains(path, error.Message);
        Assert.Contains("no 'image_encoder.patch_embed.proj.weight'", error.Message);
    }

    /// <summary>The keys and shapes of an official checkpoint (no values), as <c>build_sam</c> would create them.</summary>
    private static Dictionary<string, long[]> OfficialShapes(SamCheckpoint official)
    {
        var (dim, head) = ((long)official.EncoderEmbedDim, (long)official.EncoderEmbedDim / official.EncoderNumHeads);
        var shapes = new Dictionary<string, long[]>
        {
            ["image_encoder.patch_embed.proj.weight"] = [dim, 3, 16, 16],
            ["image_encoder.pos_embed"] = [1, 64, 64, dim],
            ["image_encoder.neck.0.weight"] = [256, dim, 1, 1],
            ["prompt_encoder.mask_downscaling.3.weight"] = [16, 4, 2, 2],
            ["mask_decoder.mask_tokens.weight"] = [4, 256],
            ["mask_decoder.transformer.layers.0.mlp.lin1.weight"] = [2048, 256],
            ["mask_decoder.transformer.layers.0.cross_attn_token_to_image.q_proj.weight"] = [128, 256],
            ["mask_decoder.transformer.layers.1.mlp.lin1.weight"] = [2048, 256],
            ["mask_decoder.iou_prediction_head.layers.0.weight"] = [256, 256],
            ["mask_decoder.iou_prediction_head.layers.1.weight"] = [256, 256],
            ["mask_decoder.iou_prediction_head.layers.2.weight"] = [4, 256],
        };
        for (var i = 0; i < official.EncoderDepth; i++)
        {
            var rows = official.EncoderGlobalAttnIndexes.Contains(i) ? 127L : 27L;
            shapes[$"image_encoder.blocks.{i}.attn.rel_pos_h"] = [rows, head];
            shapes[$"image_encoder.blocks.{i}.attn.rel_pos_w"] = [rows, head];
            shapes[$"image_encoder.blocks.{i}.mlp.lin1.weight"] = [4 * dim, dim];
        }
        return shapes;
    }
}
