using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// The methods' tiny model (<c>fixtures/methods/clip_vit_tiny_methods_state_dict.pt</c>, fp16 state dict loaded as fp32),
/// once per test class. The methods' code builds OpenAI's <c>clip/model.py</c>, so QuickGELU; a state dict does not say
/// so, the fixture states it.
/// </summary>
public sealed class MethodsModel : IDisposable
{
    public static string CheckpointPath { get; } = Shared.Fixture(Path.Combine("methods", "clip_vit_tiny_methods_state_dict.pt"));

    public ClipModel Model { get; }

    public MethodsModel()
    {
        using var sd = StateDict.Load(CheckpointPath, Activation.QuickGelu);
        Model = ClipModel.FromStateDict(sd);
    }

    /// <summary>Each query's class in the methods' class file: background | sky, clouds | cat, kitten | bench | person, people | building | table.</summary>
    public static IReadOnlyList<int> QueryClass { get; } = [0, 1, 1, 2, 2, 3, 4, 4, 5, 6];

    /// <summary>The golden file holding a method's outputs.</summary>
    public static string GoldenFile(string method) => Path.Combine("methods", method switch
    {
        "sclip" => "golden_methods_sclip.safetensors",
        "clearclip" or "maskclip" => "golden_methods_clearclip.safetensors",
        _ => "golden_methods_naclip.safetensors",
    });

    public void Dispose() => Model.Dispose();
}
