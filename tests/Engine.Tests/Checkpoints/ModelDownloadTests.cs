using System.Net;
using System.Security.Cryptography;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Checkpoints;

/// <summary>Downloads served by an in-process handler (no network): progress, checksum check, nothing left on failure.</summary>
public sealed class ModelDownloadTests : IDisposable
{
    private readonly DirectoryInfo models = Directory.CreateTempSubdirectory("models-");
    private static readonly byte[] Payload = File.ReadAllBytes(Shared.Fixture("clip_rn_tiny_state_dict.pt"));
    private static readonly string PayloadSha = Convert.ToHexStringLower(SHA256.HashData(Payload));

    private static OfficialModel Model(string? sha) =>
        new("Tiny-RN", new Uri($"https://models.invalid/clip/{sha ?? "x"}/Tiny-RN.pt"), sha, 224, "clip");

    [Fact]
    public async Task A_download_is_verified_reported_and_stored_under_the_URLs_file_name()
    {
        var reports = new List<DownloadProgress>();
        using var http = new HttpClient(new ServeBytes(Payload));
        var path = await new ModelDownloader(http).DownloadAsync(Model(PayloadSha), models.FullName, new SynchronousProgress<DownloadProgress>(reports.Add), default);

        Assert.Equal(Path.Combine(models.FullName, "Tiny-RN.pt"), path);
        Assert.Equal(Payload, await File.ReadAllBytesAsync(path));
        Assert.Equal(Payload.Length, reports[^1].BytesDone);
        Assert.Equal(Payload.Length, reports[^1].BytesTotal);
        Assert.True(reports.Count > 1, "progress is reported while the file arrives");
    }

    [Fact]
    public async Task A_download_with_the_wrong_checksum_is_refused_and_leaves_nothing()
    {
        using var http = new HttpClient(new ServeBytes(Payload));
        var wrong = new string('0', 64);
        var e = await Assert.ThrowsAsync<EngineInputException>(() => new ModelDownloader(http).DownloadAsync(Model(wrong), models.FullName, null, default));
        Assert.Contains(PayloadSha, e.Reason);
        Assert.Empty(models.GetFiles());
    }

    [Fact]
    public async Task An_HTTP_error_names_the_model_and_status()
    {
        using var http = new HttpClient(new ServeBytes(Payload, HttpStatusCode.NotFound));
        var e = await Assert.ThrowsAsync<EngineInputException>(() => new ModelDownloader(http).DownloadAsync(Model(PayloadSha), models.FullName, null, default));
        Assert.Equal("Tiny-RN", e.Subject);
        Assert.Contains("404", e.Reason);
        Assert.Empty(models.GetFiles());
    }

    [Fact]
    public async Task Resolver_uses_a_verified_local_copy_without_downloading()
    {
        var official = ModelCatalog.Vocabulary;
        File.Copy(Shared.Vocab, Path.Combine(models.FullName, official.FileName));
        using var http = new HttpClient(new ServeBytes([], HttpStatusCode.InternalServerError));
        var path = await new ModelResolver(models.FullName, new ModelDownloader(http)).ResolveVocabularyAsync(null, null, default);
        Assert.Equal(Path.Combine(models.FullName, official.FileName), path);
    }

    [Fact]
    public async Task Resolver_refuses_names_that_are_neither_files_nor_official()
    {
        var e = await Assert.ThrowsAsync<EngineInputException>(() => new ModelResolver(models.FullName, null).ResolveClipAsync("ViT-Z/99", false, null, default));
        Assert.Contains("ViT-B/16", e.Reason);
    }

    [Fact]
    public void Catalog_lists_the_nine_CLIP_models_with_their_input_sizes_and_URL_checksums()
    {
        Assert.Equal(["RN50", "RN101", "RN50x4", "RN50x16", "RN50x64", "ViT-B/32", "ViT-B/16", "ViT-L/14", "ViT-L/14@336px"], ModelCatalog.Clip.Select(m => m.Name));
        Assert.Equal([224, 224, 288, 384, 448, 224, 224, 224, 336], ModelCatalog.Clip.Select(m => m.InputResolution));
        Assert.All(ModelCatalog.Clip, m => Assert.Equal(m.Sha256, m.Url.Segments[^2].TrimEnd('/')));
        Assert.Equal("ViT-B-16.pt", ModelCatalog.FindClip("vit-b/16")!.FileName);
    }

    private sealed class ServeBytes(byte[] bytes, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StreamContent(new SlowStream(bytes)) { Headers = { ContentLength = bytes.Length } } });
    }

    /// <summary>Hands out at most 64 KiB per read, as a network stream does.</summary>
    private sealed class SlowStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 65536));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 65536)], ct);
    }


    public void Dispose() => models.Delete(recursive: true);
}
