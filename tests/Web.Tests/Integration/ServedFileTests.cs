using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>Files are served as the type their bytes show, with nosniff, whatever their name or the upload claimed.</summary>
public sealed class ServedFileTests : IDisposable
{
    /// <summary>A 1×1 GIF.</summary>
    private static readonly byte[] Gif = Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task A_stored_image_whose_bytes_are_a_gif_is_served_as_a_gif_with_nosniff_whatever_its_name_says()
    {
        using var admin = await AppClient.LoginAsync(_factory);
        var id = await admin.UploadImageAsync("cat.png");
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var image = await scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Images.SingleAsync(i => i.Id == id);
            Assert.Equal("image/png", image.ContentType);
            await File.WriteAllBytesAsync(scope.ServiceProvider.GetRequiredService<FileStore>().UploadPath(image.Id, image.Extension), Gif);
        }

        var response = await admin.Http.GetAsync($"/api/images/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/gif", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task Result_files_are_served_as_the_type_their_bytes_show_with_nosniff()
    {
        using var admin = await AppClient.LoginAsync(_factory);
        var image = await admin.UploadImageAsync();
        var runId = await admin.StartAsync("opinions", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 10 });
        var run = await admin.WaitForFinishAsync(runId);
        var tokens = run.Images[0].Files.Single(f => f.FileName == "tokens.csv");
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var item = run.Images[0];
            await File.WriteAllBytesAsync(scope.ServiceProvider.GetRequiredService<FileStore>().ResultPath(runId, item.Id, tokens.FileName), Gif);
        }
        var csvWithGifBytes = await admin.Http.GetAsync(tokens.Url);
        var zip = await admin.Http.GetAsync(run.Zip);

        Assert.Equal("image/gif", csvWithGifBytes.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(csvWithGifBytes.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("application/zip", zip.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(zip.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task Every_response_says_nosniff_static_files_and_refusals_included()
    {
        using var anonymous = new AppClient(_factory);

        var css = await anonymous.Http.GetAsync("/app.css");
        var refused = await anonymous.Http.GetAsync("/api/models");

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("nosniff", Assert.Single(css.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("nosniff", Assert.Single(refused.Headers.GetValues("X-Content-Type-Options")));
    }
}
