using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Models;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// The methods' model the goldens were made with (<c>fixtures/methods/clip_vit_tiny_methods_state_dict.pt</c>, fp16
/// state dict loaded as fp32; its sizes come from the state dict),
/// once per test class. The methods' code builds OpenAI's <c>clip/model.py</c>, so QuickGELU; a state dict does not say
/// so, the fixture states it.
/// </summary>
public sealed class MethodsModel : IDisposable
{
    /// <summary>The model the goldens were made with: the one state dict in <see cref="MethodGolden.Folder"/>.</summary>
    public static string CheckpointPath { get; } = Directory.GetFiles(MethodGolden.Folder, "*state_dict.pt") switch
    {
        [var one] => one,
        var found => throw new InvalidOperationException($"{MethodGolden.Folder} holds {found.Length} state dicts (*state_dict.pt), not one"),
    };

    public ClipModel Model { get; }

    public MethodsModel()
    {
        using var sd = StateDict.Load(CheckpointPath, Activation.QuickGelu);
        Model = ClipModel.FromStateDict(sd);
    }

    /// <summary>
    /// The side in pixels of the square crop whose <paramref name="patchTokens"/> patch tokens a golden holds: the
    /// goldens say their crop's size by their features' shape, not by a number.
    /// </summary>
    public int CropSide(long patchTokens)
    {
        int grid = (int)Math.Round(Math.Sqrt(patchTokens));
        if ((long)grid * grid != patchTokens)
            throw new InvalidOperationException($"{patchTokens} patch tokens are not a square grid");
        return grid * ((VisionTransformer)Model.Visual).PatchSize;
    }

    public void Dispose() => Model.Dispose();
}
