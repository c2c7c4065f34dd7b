using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>Members see what models are — names, sizes, kinds, checksums — never where they lie on the server.</summary>
public sealed class ModelsApiTests : IDisposable
{
    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task The_models_api_shows_a_member_names_sizes_kinds_and_checksums_but_no_server_path()
    {
        await _factory.CreateMemberAsync("member@example.com");
        using var member = await AppClient.LoginAsync(_factory, "member@example.com", ClipSurgeryAppFactory.MemberPassword);

        var body = await member.Http.GetStringAsync("/api/models");

        var model = Assert.Single(JsonSerializer.Deserialize<JsonElement>(body).EnumerateArray());
        Assert.Equal(["name", "kind", "format", "sizeBytes", "sha256", "checksum", "officialName", "layout", "activation", "activationSource"],
            model.EnumerateObject().Select(p => p.Name));
        Assert.Equal(ClipSurgeryAppFactory.ModelName, model.GetProperty("name").GetString());
        Assert.DoesNotContain(_factory.Root, body);
        Assert.DoesNotContain(_factory.ModelsDir, body);
    }

    [Fact]
    public async Task A_run_naming_a_model_that_is_not_installed_is_refused_without_naming_the_models_folder()
    {
        File.Delete(Path.Combine(_factory.ModelsDir, "clip_fake_jit.pt"));
        using var admin = await AppClient.LoginAsync(_factory);
        var image = await admin.UploadImageAsync();

        var response = await admin.Http.PostAsJsonAsync("/api/runs/opinions", new { imageIds = new[] { image }, model = "RN50" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("""{"subject":"model 'RN50'","reason":"no CLIP model is installed in the models folder"}""", body);
    }
}
