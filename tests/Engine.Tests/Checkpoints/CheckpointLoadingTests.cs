using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Checkpoints;

public sealed class CheckpointLoadingTests
{
    [Fact]
    public void Formats_are_recognised_from_the_bytes()
    {
        Assert.Equal(CheckpointFormat.TorchScript, CheckpointFile.DetectFormat(TinyModels.VitPath));
        Assert.Equal(CheckpointFormat.StateDict, CheckpointFile.DetectFormat(TinyModels.ResNetPath));
        Assert.Equal(CheckpointFormat.Safetensors, CheckpointFile.DetectFormat(Shared.Fixture("golden_rn.safetensors")));
    }

    [Fact]
    public void The_kind_is_read_from_tensor_names_without_loading_tensors()
    {
        Assert.Equal(CheckpointKind.Clip, CheckpointFile.PeekKind(TinyModels.VitPath));
        Assert.Equal(CheckpointKind.Clip, CheckpointFile.PeekKind(TinyModels.ResNetPath));
        Assert.Equal(CheckpointKind.Sam, CheckpointFile.PeekKind(Shared.Fixture("sam_vit_tiny.pth")));
        var e = Assert.Throws<EngineInputException>(() => CheckpointFile.PeekKind(Shared.Fixture("golden_rn.safetensors")));
        Assert.Contains("neither a CLIP nor a Segment Anything", e.Reason);
    }

    [Fact]
    public void TorchScript_parameters_are_read_as_fp32_without_OpenAIs_extra_buffers()
    {
        using var sd = StateDict.Load(TinyModels.VitPath);
        Assert.Equal(CheckpointFormat.TorchScript, sd.Format);
        Assert.All(sd.Tensors.Values, t => Assert.Equal(ScalarType.Float32, t.dtype));
        Assert.DoesNotContain("input_resolution", sd.Keys);
        Assert.DoesNotContain("context_length", sd.Keys);
        Assert.Contains("visual.transformer.resblocks.7.attn.in_proj_weight", sd.Keys);
    }

    [Fact]
    public void A_safetensors_file_with_OpenAI_names_loads_the_same_model()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rn-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var sd = StateDict.Load(TinyModels.ResNetPath, TinyModels.ResNetActivation))
                Safetensors.SaveStateDict(path, sd.Tensors.ToDictionary());
            using var fromSafetensors = StateDict.Load(path, TinyModels.ResNetActivation);
            using var model = ClipModel.FromStateDict(fromSafetensors);
            using var noGrad = torch.no_grad();
            using var features = model.EncodeText(Golden.Rn("rn.text.tokens"));
            Golden.AssertClose(Golden.Rn("rn.text.encode_text"), features, 1e-4, "encode_text");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_truncated_archive_is_refused_with_a_reason()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cut-{Guid.NewGuid():N}.pt");
        try
        {
            var bytes = File.ReadAllBytes(TinyModels.ResNetPath);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            var e = Assert.Throws<EngineInputException>(() => StateDict.Load(path));
            Assert.Equal(path, e.Subject);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
