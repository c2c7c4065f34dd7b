using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Tests.Support;
using static ClipSurgeryWeb.Engine.Tests.Evaluation.EvalDatasetFiles;

namespace ClipSurgeryWeb.Engine.Tests.Evaluation;

public sealed class EvalDownloadsTests
{
    /// <summary>Serves one body for every request and counts them (no network).</summary>
    internal sealed class Serve(byte[] body) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) });
        }
    }

    internal static byte[] VocTar(string work)
    {
        BuildVoc(Path.Combine(work, "src"));
        var tar = Path.Combine(work, "voc.tar");
        TarFile.CreateFromDirectory(Path.Combine(work, "src"), tar, includeBaseDirectory: false);
        return File.ReadAllBytes(tar);
    }

    private static EvalDownload Like(EvalDownload pinned, byte[] body) =>
        pinned with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(body)), Bytes = body.Length };

    [Fact]
    public void The_pinned_archives_are_the_official_files_with_their_published_SHA256()
    {
        Assert.Equal("http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar", EvalDownloads.Voc2012.Url.ToString());
        Assert.Equal("e14f763270cf193d0b5f74b169f44157a4b0c6efa708f4dd0ff78ee691763bcb", EvalDownloads.Voc2012.Sha256);
        Assert.Equal("http://data.csail.mit.edu/places/ADEchallenge/ADEChallengeData2016.zip", EvalDownloads.Ade20k.Url.ToString());
        Assert.Equal("7ff1be44964418441f542a7cc1e1a650e7dc0fc275f5d23252bc9bbdbc977b29", EvalDownloads.Ade20k.Sha256);
        Assert.Equal(EvalDownloads.Voc2012, EvalDownloads.Parse("VOC2012"));
        Assert.Equal("ADEChallengeData2016.zip", EvalDownloads.Parse("ade20k").FileName);
        Assert.Contains("see the README", Assert.Throws<EngineInputException>(() => EvalDownloads.Parse("cityscapes")).Reason);
    }

    [Fact]
    public async Task A_VOC_tar_is_downloaded_checked_and_unpacked_into_a_folder_that_opens_as_VOC()
    {
        using var work = new TempFolder();
        var body = VocTar(work.Path);
        var handler = new Serve(body);
        var seen = new List<DownloadProgress>();
        var unpacked = false;
        var target = work["data"];

        var folder = await new EvalDownloads(new HttpClient(handler)).FetchAsync(Like(EvalDownloads.Voc2012, body), target,
            new Progress(seen.Add), () => unpacked = true, CancellationToken.None);

        Assert.Equal(target, folder);
        Assert.True(unpacked);
        Assert.Equal(body.Length, seen[^1].BytesDone);
        var dataset = EvalDataset.Open(target, EvalDatasetKind.Voc21);
        Assert.Equal(["2007_000129", "2007_000033"], dataset.Samples.Select(s => s.Id));
        Assert.Equal(First, dataset.Samples[0].ReadLabels().Values);
        Assert.False(File.Exists(Path.Combine(target, "VOCtrainval_11-May-2012.tar")));   // removed once unpacked

        await new EvalDownloads(new HttpClient(handler)).FetchAsync(Like(EvalDownloads.Voc2012, body), target, null, null, CancellationToken.None);
        Assert.Equal(1, handler.Requests);   // already there: nothing fetched again
    }

    [Fact]
    public async Task An_ADE20K_zip_unpacks_to_ADEChallengeData2016()
    {
        using var work = new TempFolder();
        var root = Path.Combine(work["src"], "ADEChallengeData2016");
        Image(root, "images/validation/ADE_val_00000001.jpg");
        Grey(root, "annotations/validation/ADE_val_00000001.png", [0, 1, 150, 255]);
        var zip = work["ade.zip"];
        ZipFile.CreateFromDirectory(work["src"], zip);
        var body = File.ReadAllBytes(zip);

        await new EvalDownloads(new HttpClient(new Serve(body))).FetchAsync(Like(EvalDownloads.Ade20k, body), work["data"], null, null, CancellationToken.None);

        var dataset = EvalDataset.Open(work["data"], EvalDatasetKind.Ade20k);
        Assert.Equal(new byte[] { 255, 0, 149, 255 }, Assert.Single(dataset.Samples).ReadLabels().Values);
    }

    [Fact]
    public async Task An_archive_with_another_checksum_is_refused_and_nothing_is_kept()
    {
        using var work = new TempFolder();
        var body = VocTar(work.Path);

        var error = await Assert.ThrowsAsync<EngineInputException>(() =>
            new EvalDownloads(new HttpClient(new Serve(body))).FetchAsync(EvalDownloads.Voc2012, work["data"], null, null, CancellationToken.None));

        Assert.Contains("expected e14f763270cf193d0b5f74b169f44157a4b0c6efa708f4dd0ff78ee691763bcb", error.Reason);
        Assert.Empty(Directory.EnumerateFileSystemEntries(work["data"]));
    }

    private sealed class Progress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
