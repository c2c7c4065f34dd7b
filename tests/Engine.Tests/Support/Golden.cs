using System.Collections.Concurrent;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>The reference's outputs (<c>golden_*.safetensors</c>), loaded once per file and shared by tests.</summary>
public static class Golden
{
    private static readonly ConcurrentDictionary<string, Dictionary<string, Tensor>> Files = new();

    public static Tensor Get(string file, string key)
    {
        var tensors = Files.GetOrAdd(file, Load);
        return tensors.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"{file} has no '{key}'");
    }

    private static Dictionary<string, Tensor> Load(string file)
    {
        var tensors = Safetensors.LoadStateDict(Shared.Fixture(file));
        // Shared by every test for the whole run: no test's dispose scope may take them.
        foreach (var t in tensors.Values)
            t.DetachFromDisposeScope();
        return tensors;
    }

    public static Tensor Vit(string key) => Get("golden_vit.safetensors", key);

    public static Tensor Rn(string key) => Get("golden_rn.safetensors", key);

    /// <summary>Asserts equal shapes and max |expected − actual| ≤ <paramref name="atol"/>, reporting the worst difference.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, double atol, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var diff = (expected.to(ScalarType.Float64) - actual.cpu().to(ScalarType.Float64)).abs();
        var worst = diff.max().item<double>();
        Assert.True(worst <= atol, $"{what}: max abs difference {worst:G4} exceeds {atol:G4}");
    }

    public static void AssertEqual(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.dtype, actual.dtype);
        using var same = expected.cpu().eq(actual.cpu()).all();
        Assert.True(same.item<bool>(), $"{what}: values differ");
    }
}
