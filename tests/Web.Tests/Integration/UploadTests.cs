using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// POST /api/images checks every file with the engine, one result per file: each good file is saved and returned with
/// its id, each bad one refused by its name with the reason, and nothing of a refused file stays on disk.
/// </summary>
public sealed class UploadTests : IDisposable
{
    private readonly ClipSurgeryAppFactory _factory;

    public UploadTests() => _factory = ClipSurgeryAppFactory.Fresh();

    private UploadTests(IReadOnlyDictionary<string, string?> settings) => _factory = ClipSurgeryAppFactory.Fresh(settings: settings);

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    private string UploadsDir => Path.Combine(_factory.Root, "data", "uploads");

    private async Task<UploadedImage> StoredAsync(Guid id)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Images.AsNoTracking().SingleAsync(i => i.Id == id);
    }

    private async Task<int> StoredCountAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Images.CountAsync();
    }

    [Fact]
    public async Task An_animated_WebP_is_refused_by_name_while_the_other_files_of_the_request_are_saved_and_returned()
    {
        using var client = await AppClient.LoginAsync(_factory);

        var (status, saved, refused) = await UploadAnswer.Read(await client.UploadManyAsync(
            ("first.png", CraftedImages.Png()), ("moving.webp", CraftedImages.AnimatedWebP()), ("last.jpg", CraftedImages.Jpeg())));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["first.png", "last.jpg"], saved.Select(s => s.GetProperty("fileName").GetString()));
        var (subject, reason) = Assert.Single(refused);
        Assert.Equal("moving.webp", subject);
        Assert.Contains("animated", reason);
        // Both saved files are there under their ids, and nothing else (no half-written or refused file).
        var ids = saved.Select(s => s.GetProperty("id").GetGuid().ToString("N")).ToHashSet();
        Assert.Equal(ids.Order(), Directory.EnumerateFiles(UploadsDir).Select(f => Path.GetFileNameWithoutExtension(f)).Order());
        Assert.Equal(2, await StoredCountAsync());
    }

    [Fact]
    public async Task An_upload_of_only_bad_files_is_refused_file_by_file_and_stores_nothing()
    {
        using var client = await AppClient.LoginAsync(_factory);

        var (status, saved, refused) = await UploadAnswer.Read(await client.UploadManyAsync(
            ("moving.webp", CraftedImages.AnimatedWebP()),
            ("moving.gif", CraftedImages.AnimatedGif()),
            ("moving.png", CraftedImages.AnimatedPng()),
            ("demo.jpg", CraftedImages.TruncatedJpeg()),
            ("bomb.png", CraftedImages.PngBomb(100_000, 100_000)),
            ("notes.png", "just some text, not an image"u8.ToArray())));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Empty(saved);
        Assert.Equal(["moving.webp", "moving.gif", "moving.png", "demo.jpg", "bomb.png", "notes.png"], refused.Select(r => r.Subject));
        Assert.All(refused, r => Assert.DoesNotContain(_factory.Root, r.Reason));
        Assert.All(refused, r => Assert.DoesNotContain("/", r.Reason));
        Assert.Empty(Directory.EnumerateFileSystemEntries(UploadsDir));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_factory.Root, "data", "thumbnails")));
        Assert.Equal(0, await StoredCountAsync());
    }

    [Fact]
    public async Task A_truncated_JPEG_is_refused_naming_the_file_and_saying_it_is_damaged()
    {
        using var client = await AppClient.LoginAsync(_factory);

        var (status, _, refused) = await UploadAnswer.Read(await client.UploadAsync("demo.jpg", CraftedImages.TruncatedJpeg(), "image/jpeg"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var (subject, reason) = Assert.Single(refused);
        Assert.Equal("demo.jpg", subject);
        Assert.Contains("truncated", reason, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(100_000, 100_000)]
    [InlineData(20_000, 20_000)]
    public async Task A_pixel_bomb_is_refused_at_upload_from_its_header(int width, int height)
    {
        using var client = await AppClient.LoginAsync(_factory);

        var (status, _, refused) = await UploadAnswer.Read(await client.UploadAsync("bomb.png", CraftedImages.PngBomb(width, height)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var (subject, reason) = Assert.Single(refused);
        Assert.Equal("bomb.png", subject);
        Assert.Contains($"{width}×{height}", reason);
        Assert.Contains("limit", reason);
    }

    [Fact]
    public async Task The_pixel_limit_at_upload_is_the_MaxImagePixels_setting()
    {
        using var small = new UploadTests(new Dictionary<string, string?> { ["ClipSurgery:MaxImagePixels"] = "150" });
        using var client = await AppClient.LoginAsync(small._factory);

        // A 16×12 picture is 192 pixels: over a limit of 150.
        var (status, _, refused) = await UploadAnswer.Read(await client.UploadAsync("small.png", CraftedImages.Png()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("more than the limit of 150", Assert.Single(refused).Reason);
    }

    [Fact]
    public async Task A_GIF_named_png_is_stored_and_served_as_the_GIF_it_is_under_the_members_name()
    {
        using var client = await AppClient.LoginAsync(_factory);

        var (_, saved, _) = await UploadAnswer.Read(await client.UploadAsync("cat.png", CraftedImages.Gif()));

        var id = Assert.Single(saved).GetProperty("id").GetGuid();
        var stored = await StoredAsync(id);
        Assert.Equal(("cat.png", ".gif", "image/gif"), (stored.FileName, stored.Extension, stored.ContentType));
        Assert.True(File.Exists(Path.Combine(UploadsDir, $"{id:N}.gif")));
        var original = await client.Http.GetAsync($"/api/images/{id}");
        Assert.Equal("image/gif", original.Content.Headers.ContentType?.MediaType);
        Assert.Equal(CraftedImages.Gif(), await original.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_EXIF_rotated_JPEG_is_recorded_with_its_upright_size()
    {
        using var client = await AppClient.LoginAsync(_factory);
        using var landscape = CraftedImages.Marked(500, 375);

        var (_, saved, _) = await UploadAnswer.Read(await client.UploadAsync("phone.jpg", CraftedImages.JpegWithOrientation(6, landscape), "image/jpeg"));

        var view = Assert.Single(saved);
        Assert.Equal((375, 500), (view.GetProperty("width").GetInt32(), view.GetProperty("height").GetInt32()));
        var stored = await StoredAsync(view.GetProperty("id").GetGuid());
        Assert.Equal((375, 500), (stored.Width, stored.Height));
    }

    [Fact]
    public async Task More_files_than_the_per_upload_limit_are_refused_each_with_the_reason_and_the_first_ones_saved()
    {
        using var limited = new UploadTests(new Dictionary<string, string?> { ["ClipSurgery:MaxUploadFiles"] = "2" });
        using var client = await AppClient.LoginAsync(limited._factory);

        var (status, saved, refused) = await UploadAnswer.Read(await client.UploadManyAsync(
            // Different pictures: identical bytes would be stored once.
            ("a.png", CraftedImages.Png(CraftedImages.Marked(16, 12))), ("b.png", CraftedImages.Png(CraftedImages.Marked(18, 12))),
            ("c.png", CraftedImages.Png(CraftedImages.Marked(20, 12))), ("d.png", CraftedImages.Png(CraftedImages.Marked(22, 12)))));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["a.png", "b.png"], saved.Select(s => s.GetProperty("fileName").GetString()));
        Assert.Equal([("c.png", ImageIntake.TooManyFiles(2, 4)), ("d.png", ImageIntake.TooManyFiles(2, 4))], refused);
        Assert.Equal(2, await limited.StoredCountAsync());
    }

    [Fact]
    public async Task The_thumbnail_is_a_small_upright_JPEG_made_once_and_shown_only_to_those_who_may_see_the_image()
    {
        await _factory.CreateMemberAsync("member@example.com");
        using var admin = await AppClient.LoginAsync(_factory);
        using var member = await AppClient.LoginAsync(_factory, "member@example.com", ClipSurgeryAppFactory.MemberPassword);
        // A noisy 1200×900 photo stored with EXIF Orientation 6: shown 900×1200.
        using var photo = new Image<Rgb24>(1200, 900);
        var random = new Random(7);
        photo.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
                foreach (ref var p in rows.GetRowSpan(y))
                    p = new Rgb24((byte)random.Next(256), (byte)(y / 4), (byte)random.Next(256));
        });
        var original = CraftedImages.JpegWithOrientation(6, photo);
        var (_, saved, _) = await UploadAnswer.Read(await admin.UploadAsync("photo.jpg", original, "image/jpeg"));
        var view = Assert.Single(saved);
        var id = view.GetProperty("id").GetGuid();
        Assert.Equal($"/api/images/{id}/thumbnail", view.GetProperty("thumbnailUrl").GetString());

        var response = await admin.Http.GetAsync($"/api/images/{id}/thumbnail");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        var thumbnail = await response.Content.ReadAsByteArrayAsync();
        var info = Image.Identify(thumbnail);
        Assert.Equal((384, 512), (info.Width, info.Height)); // upright, 512 on the long side
        Assert.True(thumbnail.Length < 100_000 && thumbnail.Length * 4 < original.Length, $"{thumbnail.Length} bytes against {original.Length}");
        // Made once and kept: it is still served when the original is gone.
        File.Delete(Path.Combine(UploadsDir, $"{id:N}.jpg"));
        Assert.Equal(thumbnail, await admin.Http.GetByteArrayAsync($"/api/images/{id}/thumbnail"));
        // The same visibility as the original: another member sees neither.
        Assert.Equal(HttpStatusCode.NotFound, (await member.Http.GetAsync($"/api/images/{id}/thumbnail")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.Http.GetAsync($"/api/images/{id}")).StatusCode);
    }
}
