using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Web.Endpoints;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// The size of one upload request on a real Kestrel (the test server applies no body limit): every file at its limit
/// is taken, more is answered 413 in the API's shape naming the limit. And an image's folder in a zip stays a valid name.
/// </summary>
public sealed class UploadLimitTests
{
    /// <summary>A multipart body of files of zeros, written as it is sent: no 30 MB array in the test.</summary>
    private sealed class ZeroFile(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[81920];
            for (var left = length; left > 0; left -= chunk.Length)
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)));
        }

        protected override bool TryComputeLength(out long size)
        {
            size = length;
            return true;
        }
    }

    private static async Task<(ClipSurgeryAppFactory Factory, AppClient Client)> StartKestrelAsync(Dictionary<string, string?> settings)
    {
        var factory = ClipSurgeryAppFactory.Fresh(settings: settings);
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = AppClient.OverSockets(factory, new Uri(address));
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostLoginAsync(ClipSurgeryAppFactory.AdminEmail, ClipSurgeryAppFactory.AdminPassword)).StatusCode);
        return (factory, client);
    }

    private static async Task<HttpResponseMessage> PostZerosAsync(AppClient client, int files, long eachBytes)
    {
        var antiforgery = await client.Http.GetFromJsonAsync<JsonElement>("/account/antiforgery");
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < files; i++)
        {
            var file = new ZeroFile(eachBytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "files", $"zeros{i}.png");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/images") { Content = form };
        request.Headers.Add("RequestVerificationToken", antiforgery.GetProperty("token").GetString());
        return await client.Http.SendAsync(request);
    }

    [Fact]
    public async Task Files_each_within_the_limit_are_all_read_even_when_together_they_pass_Kestrels_default_of_30_MB()
    {
        var (factory, client) = await StartKestrelAsync(new() { ["ClipSurgery:MaxUploadBytes"] = "20000000", ["ClipSurgery:MaxUploadFiles"] = "2" });
        try
        {
            var response = await PostZerosAsync(client, 2, 16_000_000); // 32 MB in one request

            // Read and checked file by file (zeros are no image), not cut off with a 413.
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(AppClient.Json);
            Assert.Equal(["zeros0.png", "zeros1.png"], body.GetProperty("refused").EnumerateArray().Select(p => p.GetProperty("subject").GetString()));
        }
        finally
        {
            client.Dispose();
            factory.Dispose();
            factory.DeleteFiles();
        }
    }

    [Fact]
    public async Task A_request_over_the_upload_limit_is_answered_413_naming_the_limit()
    {
        var (factory, client) = await StartKestrelAsync(new() { ["ClipSurgery:MaxUploadBytes"] = "1000000", ["ClipSurgery:MaxUploadFiles"] = "2" });
        try
        {
            var response = await PostZerosAsync(client, 3, 1_000_000);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<Problem>(AppClient.Json);
            Assert.Equal(new Problem("request body", "is larger than the 2 MB this endpoint accepts in one request"), problem);
        }
        finally
        {
            client.Dispose();
            factory.Dispose();
            factory.DeleteFiles();
        }
    }

    [Fact]
    public async Task An_image_folder_in_the_zip_is_cut_with_a_hash_when_the_name_is_longer_than_a_file_name_may_be()
    {
        using var factory = ClipSurgeryAppFactory.Fresh();
        try
        {
            using var client = await AppClient.LoginAsync(factory);
            var image = await client.UploadImageAsync("long.png");
            var longName = new string('n', 255) + ".png"; // 259: what the column holds
            await using (var scope = factory.Services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Images.Where(i => i.Id == image)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.FileName, longName));
            var runId = await client.StartAsync("explain", new
            {
                imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "cat" }, modes = new[] { "cs" },
            });
            var run = await client.WaitForFinishAsync(runId);

            using var zip = new ZipArchive(await client.Http.GetStreamAsync(run.Zip));

            var folder = Assert.Single(zip.Entries.Where(e => e.FullName != "settings.json").Select(e => e.FullName.Split('/')[0]).Distinct());
            Assert.Equal(FileEndpoints.MaxFolderLength, folder.Length);
            Assert.Matches("^01_n+~[0-9a-f]{8}$", folder);
        }
        finally
        {
            factory.DeleteFiles();
        }
    }
}
