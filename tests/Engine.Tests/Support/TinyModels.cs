using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Models;

namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>The fixture models: a tiny ViT as an OpenAI TorchScript archive and a tiny ResNet as a torch.save state dict.</summary>
public static class TinyModels
{
    public static string VitPath => Shared.Fixture("clip_vit_tiny_jit.pt");

    public static string ResNetPath => Shared.Fixture("clip_rn_tiny_state_dict.pt");

    public static ClipModel Vit() => Load(VitPath);

    /// <summary>
    /// The ResNet fixture is OpenAI's <c>clip/model.py</c> (QuickGELU) saved with <c>torch.save</c>: a state dict does not
    /// say its activation, so the tests state it, as a user would with <c>--activation quick_gelu</c>.
    /// </summary>
    public static Activation ResNetActivation => Activation.QuickGelu;

    public static ClipModel ResNet() => Load(ResNetPath, ResNetActivation);

    private static ClipModel Load(string path, Activation? activation = null)
    {
        using var sd = StateDict.Load(path, activation);
        return ClipModel.FromStateDict(sd);
    }
}
