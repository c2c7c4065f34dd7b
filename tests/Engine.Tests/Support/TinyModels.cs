using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Models;

namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>The fixture models: a tiny ViT as an OpenAI TorchScript archive and a tiny ResNet as a torch.save state dict.</summary>
public static class TinyModels
{
    public static string VitPath => Shared.Fixture("clip_vit_tiny_jit.pt");

    public static string ResNetPath => Shared.Fixture("clip_rn_tiny_state_dict.pt");

    public static ClipModel Vit() => Load(VitPath);

    public static ClipModel ResNet() => Load(ResNetPath);

    private static ClipModel Load(string path)
    {
        using var sd = StateDict.Load(path);
        return ClipModel.FromStateDict(sd);
    }
}
