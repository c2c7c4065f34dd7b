using System.Text.Json;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Web.Services;

namespace ClipSurgeryWeb.Web.Tests.Services;

/// <summary>The page gets the checksum's state as the enum; the API still writes it as a lower-case word.</summary>
public sealed class ModelViewTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData(ChecksumState.Done, "done")]
    [InlineData(ChecksumState.Computing, "computing")]
    [InlineData(ChecksumState.Failed, "failed")]
    public void The_checksum_state_crosses_as_the_enum_and_is_written_as_its_lower_case_name(ChecksumState state, string wire)
    {
        var view = ModelView.From(new InstalledModel("ViT-B-16.pt", "/srv/models/ViT-B-16.pt", "clip", "jit", 1, null, null, state));

        Assert.Equal(state, view.Checksum);
        var json = JsonSerializer.SerializeToElement(view, Web);
        Assert.Equal(wire, json.GetProperty("checksum").GetString());
        Assert.Equal(state, JsonSerializer.Deserialize<ModelView>(json, Web)!.Checksum);
    }
}
