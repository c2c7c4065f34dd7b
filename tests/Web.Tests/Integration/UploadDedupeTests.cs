using System.Net;
using System.Security.Cryptography;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// Identical uploads are stored once per member (SHA-256 of the bytes): the same bytes again, under any name, return
/// the stored upload with the name it was first stored under; another member's identical file is their own upload.
/// </summary>
public sealed class UploadDedupeTests : IDisposable
{
    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    private string UploadsDir => Path.Combine(_factory.Root, "data", "uploads");

    private async Task<List<UploadedImage>> StoredAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Images.AsNoTracking().ToListAsync();
    }

    private static async Task<(Guid Id, string Name)> UploadAsync(AppClient client, string name, byte[] content)
    {
        var (status, saved, refused) = await UploadAnswer.Read(await client.UploadAsync(name, content));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(refused);
        var one = Assert.Single(saved);
        return (one.GetProperty("id").GetGuid(), one.GetProperty("fileName").GetString()!);
    }

    [Fact]
    public async Task The_same_bytes_uploaded_twice_are_one_row_and_one_file_with_their_hash()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var bytes = CraftedImages.Png();

        var first = await UploadAsync(client, "cat.png", bytes);
        var second = await UploadAsync(client, "cat.png", bytes);

        Assert.Equal(first.Id, second.Id);
        var row = Assert.Single(await StoredAsync());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), row.ContentHash);
        Assert.Equal([$"{first.Id:N}.png"], Directory.EnumerateFiles(UploadsDir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_identical_file_under_another_name_returns_the_stored_upload_under_its_first_name()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var bytes = CraftedImages.Png();
        var first = await UploadAsync(client, "holiday.png", bytes);

        var again = await UploadAsync(client, "copy of holiday.png", bytes);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal("holiday.png", again.Name);
        Assert.Equal("holiday.png", Assert.Single(await StoredAsync()).FileName);
    }

    [Fact]
    public async Task Different_bytes_are_different_uploads()
    {
        using var client = await AppClient.LoginAsync(_factory);

        var first = await UploadAsync(client, "a.png", CraftedImages.Png());
        var second = await UploadAsync(client, "a.png", CraftedImages.Png(CraftedImages.Marked(20, 10)));

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(2, (await StoredAsync()).Count);
        Assert.Equal(2, Directory.EnumerateFiles(UploadsDir).Count());
    }

    [Fact]
    public async Task Another_member_uploading_the_same_bytes_gets_their_own_upload()
    {
        await _factory.CreateMemberAsync("member@example.com");
        using var admin = await AppClient.LoginAsync(_factory);
        using var member = await AppClient.LoginAsync(_factory, "member@example.com", ClipSurgeryAppFactory.MemberPassword);
        var bytes = CraftedImages.Png();

        var admins = await UploadAsync(admin, "shared.png", bytes);
        var members = await UploadAsync(member, "shared.png", bytes);

        Assert.NotEqual(admins.Id, members.Id);
        var rows = await StoredAsync();
        Assert.Equal(2, rows.Count);
        Assert.Single(rows.Select(r => r.ContentHash).Distinct());
        Assert.Equal(2, rows.Select(r => r.OwnerId).Distinct().Count());
    }

    [Fact]
    public async Task A_stored_copy_whose_original_is_gone_is_not_reused_and_an_upload_from_before_hashes_is_not_matched()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var bytes = CraftedImages.Png();
        var lost = await UploadAsync(client, "lost.png", bytes);
        File.Delete(Path.Combine(UploadsDir, $"{lost.Id:N}.png"));

        var fresh = await UploadAsync(client, "found.png", bytes);
        Assert.NotEqual(lost.Id, fresh.Id);

        // An upload stored before hashes were kept has none: the same bytes again are a new upload.
        await using (var scope = _factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Images.ExecuteUpdateAsync(u => u.SetProperty(i => i.ContentHash, (string?)null));
        var later = await UploadAsync(client, "found.png", bytes);
        Assert.NotEqual(fresh.Id, later.Id);
        Assert.Equal(3, (await StoredAsync()).Count);
    }
}
