using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Checkpoints;

/// <summary>
/// Loading disposes what it made on every path, failures included, counted with TorchSharp's per-thread statistics
/// (<see cref="DisposeScopeManager.Statistics"/>: tensors created minus disposed on this thread; the test's own
/// thread does all the work, so other tests do not disturb the count).
/// </summary>
public sealed class TensorLifetimeTests : IDisposable
{
    private readonly TempFolder temp = new("tensor-lifetime-");

    private static long Live => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    [Fact]
    public void Reading_a_TorchScript_archive_leaves_no_tensor_beyond_what_TorchSharp_itself_leaves()
    {
        long torchSharpOwn = TorchSharpsOwnLeftovers();
        long before = Live;
        using (var sd = StateDict.Load(TinyModels.VitPath))
            Assert.NotEmpty(sd.Tensors);

        Assert.Equal(torchSharpOwn, Live - before);
    }

    [Fact]
    public void A_model_its_device_refuses_is_disposed()
    {
        var tokenizer = ClipTokenizer.FromFile(Shared.Vocab);
        long torchSharpOwn = TorchSharpsOwnLeftovers();
        long before = Live;

        // The CPU build of libtorch has no CUDA: moving the model there throws after the model was built.
        var cuda = new Device(DeviceType.CUDA, 0);   // constructing it checks nothing; using it does
        Assert.ThrowsAny<Exception>(() => ClipExplainer.Load(TinyModels.VitPath, tokenizer, cuda, null));

        Assert.Equal(torchSharpOwn, Live - before);
    }

    [Fact]
    public void A_weight_of_the_wrong_shape_is_refused_by_name_and_leaves_nothing()
    {
        var path = temp["wrong-shape.safetensors"];
        SafetensorsCopy.Write(TinyModels.VitPath, path, (name, shape) => name == "ln_final.bias" ? [shape[0] + 1] : shape);
        long before = Live;

        var e = Assert.Throws<EngineInputException>(() =>
        {
            using var sd = StateDict.Load(path, Activation.QuickGelu);
            ClipModel.FromStateDict(sd).Dispose();
        });

        Assert.Equal(path, e.Subject);
        Assert.Contains("do not fit", e.Reason);
        Assert.Equal(before, Live);
    }

    /// <summary>
    /// TorchSharp's ScriptModule.Dispose makes tensor wrappers of its own (thousands for the fixture) and leaves them to
    /// the finalizer: measured as the baseline of anything that reads the TorchScript fixture, so only what our code
    /// adds is counted.
    /// </summary>
    private static long TorchSharpsOwnLeftovers()
    {
        long start = Live;
        torch.jit.load(TinyModels.VitPath, DeviceType.CPU).Dispose();
        return Live - start;
    }

    public void Dispose() => temp.Dispose();
}
