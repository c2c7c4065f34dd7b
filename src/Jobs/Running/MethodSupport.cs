using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Engine;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// Which methods a model can run, asked before a run is queued (the launcher refuses, the pages disable with the same
/// words): the training-free dense methods read a ViT's last attention block, which a ModifiedResNet does not have.
/// </summary>
public static class MethodSupport
{
    /// <summary>Whether <paramref name="method"/> is one of the ViT-only training-free dense methods (<see cref="DenseMethod"/>).</summary>
    public static bool IsDense(MapMethod method) => MapMethods.Find(method.Name) is DenseMethod;

    /// <summary>Why <paramref name="model"/> cannot run <paramref name="method"/>; null when it can (or its tower is not known: the engine decides then).</summary>
    public static string? Refusal(MapMethod method, InstalledModel? model) =>
        model is { IsResNet: true } && IsDense(method)
            ? $"needs a ViT CLIP (it reads the last attention block's tokens); {model.Name} is a ResNet"
            : null;
}
