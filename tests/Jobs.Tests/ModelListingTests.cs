using System.Buffers.Binary;
using System.Text;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Tests.Fakes;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>One damaged file in the models folder is left out of the listing; it never breaks the listing of the others.</summary>
public sealed class ModelListingTests : IDisposable
{
    private readonly string _models = Directory.CreateTempSubdirectory("csw-listing-").FullName;

    public void Dispose() => Directory.Delete(_models, recursive: true);

    [Fact]
    public void A_models_folder_with_a_damaged_safetensors_header_still_lists_the_good_checkpoints()
    {
        FakeCheckpoints.WriteSamSafetensors(Path.Combine(_models, "a_sam.safetensors"), 1 << 10);
        FakeCheckpoints.WriteSamSafetensors(Path.Combine(_models, "z_sam.safetensors"), 1 << 10);
        var header = Encoding.UTF8.GetBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}");
        var bad = new byte[8 + header.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(bad, (ulong)header.Length);
        header.CopyTo(bad, 8);
        File.WriteAllBytes(Path.Combine(_models, "x.safetensors"), bad);
        File.WriteAllBytes(Path.Combine(_models, "y.pt"), Encoding.ASCII.GetBytes("PK\u0003\u0004 not really a zip"));
        var engine = new EngineClipEngine(new EngineClipEngineSettings(_models, Path.Combine(_models, "vocab.txt.gz")));

        var listed = engine.ListModels(_models);

        Assert.Equal(["a_sam", "z_sam"], listed.Select(m => m.Name));
    }
}
