using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// Full-size architectures with random weights: speed does not depend on weight values, and no real checkpoint
/// can be downloaded here. Sizes are those OpenAI's build_model reads from the released files.
/// </summary>
public static class RandomModels
{
    public static ClipConfig Config(string name) => name switch
    {
        "ViT-B/16" => new ClipConfig(512, 224, [12], 768, 16, 77, 49408, 512, 8, 12),
        "ViT-B/32" => new ClipConfig(512, 224, [12], 768, 32, 77, 49408, 512, 8, 12),
        "ViT-L/14" => new ClipConfig(768, 224, [24], 1024, 14, 77, 49408, 768, 12, 12),
        "RN50" => new ClipConfig(1024, 224, [3, 4, 6, 3], 64, null, 77, 49408, 512, 8, 12),
        _ => throw new ArgumentException($"no config for {name}", nameof(name)),
    };

    public static ClipModel Clip(string name, Device device)
    {
        var model = new ClipModel(Config(name));
        using (torch.no_grad())
        {
            var generator = new Generator(0);
            foreach (var p in model.parameters())
                p.normal_(0, 0.02, generator);
        }
        model.to(device);
        model.eval();
        return model;
    }
}
