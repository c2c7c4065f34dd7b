using ClipSurgeryWeb.Engine.Hosting;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// A checkpoint file for the engine's own loader: full-size random weights (<see cref="RandomModels"/>) written as
/// safetensors with OpenAI's key names, so the bench loads it through <c>ClipExplainer.Load</c> exactly as the CLI would.
/// </summary>
public sealed class RandomCheckpoint : IDisposable
{
    private readonly string folder;

    private RandomCheckpoint(string folder, string path)
    {
        this.folder = folder;
        Path = path;
    }

    public string Path { get; }

    public static RandomCheckpoint Write(string arch)
    {
        var folder = Directory.CreateTempSubdirectory("clipsurgery-bench-").FullName;
        var path = System.IO.Path.Combine(folder, arch.Replace('/', '-') + ".safetensors");
        using var model = RandomModels.Clip(arch, torch.CPU);
        var tensors = model.state_dict();
        Safetensors.SaveStateDict(path, tensors);
        return new RandomCheckpoint(folder, path);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
