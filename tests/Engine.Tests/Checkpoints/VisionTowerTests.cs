using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Checkpoints;

/// <summary>
/// Listing tells a ViT from a ModifiedResNet by the tensor names alone (the pages disable the ViT-only dense methods
/// for a ResNet before a run is started): the TorchScript ViT fixture, the state-dict ResNet fixture.
/// </summary>
public sealed class VisionTowerTests
{
    [Fact]
    public void The_TorchScript_ViT_fixture_lists_as_a_vision_transformer() =>
        Assert.True(CheckpointFile.PeekClip(TinyModels.VitPath).VisionTransformer);

    [Fact]
    public void The_ResNet_state_dict_fixture_lists_as_no_vision_transformer() =>
        Assert.False(CheckpointFile.PeekClip(TinyModels.ResNetPath).VisionTransformer);

    [Fact]
    public void Hugging_Face_names_are_a_vision_transformer_and_an_attention_pool_is_a_ResNet()
    {
        Assert.True(ClipCheckpoint.IsVisionTransformer(["vision_model.embeddings.patch_embedding.weight", "text_model.x"]));
        Assert.False(ClipCheckpoint.IsVisionTransformer(["visual.attnpool.c_proj.weight", "visual.layer1.0.conv1.weight"]));
        Assert.True(ClipCheckpoint.IsVisionTransformer(["visual.proj", "visual.transformer.resblocks.0.attn.in_proj_weight"]));
    }
}
