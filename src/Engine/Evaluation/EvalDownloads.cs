using System.Formats.Tar;
using System.IO.Compression;
using ClipSurgeryWeb.Engine.Checkpoints;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// The two benchmarks anyone may download (VOC2012 and ADE20K), pinned, and fetching one into a folder: the archive
/// through the engine's model downloader (<see cref="ModelDownloader"/>: streamed, SHA-256 checked, nothing kept when it
/// does not match, retries from <see cref="DownloadClient"/>), then unpacked so the folder opens as the dataset.
/// Pascal Context, COCO, Cityscapes need a sign-up or a conversion step: the README says where to get them.
/// </summary>
public sealed class EvalDownloads(HttpClient http)
{
    /// <summary>
    /// VOC2012 trainval (1,999,639,040 bytes), unpacking to <c>VOCdevkit/VOC2012</c>; SHA-256 as TensorFlow Datasets'
    /// <c>url_checksums/voc.txt</c> states it for this file (measured on the pjreddie.com mirror, the same archive;
    /// torchvision pins its MD5 6cd6e144f989b92b3379bac3b3de84fd).
    /// </summary>
    public static EvalDownload Voc2012 { get; } = new("voc2012",
        new Uri("http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar"),
        "e14f763270cf193d0b5f74b169f44157a4b0c6efa708f4dd0ff78ee691763bcb", 1_999_639_040, false,
        [EvalDatasetKind.Voc21, EvalDatasetKind.Voc20], "tensorflow/datasets tensorflow_datasets/url_checksums/voc.txt");

    /// <summary>ADE20K's SceneParse150 release (967,382,037 bytes), unpacking to <c>ADEChallengeData2016</c>; SHA-256 as TensorFlow Datasets' <c>url_checksums/ade20k.txt</c> states it.</summary>
    public static EvalDownload Ade20k { get; } = new("ade20k",
        new Uri("http://data.csail.mit.edu/places/ADEchallenge/ADEChallengeData2016.zip"),
        "7ff1be44964418441f542a7cc1e1a650e7dc0fc275f5d23252bc9bbdbc977b29", 967_382_037, true,
        [EvalDatasetKind.Ade20k], "tensorflow/datasets tensorflow_datasets/url_checksums/ade20k.txt");

    public static IReadOnlyList<EvalDownload> All { get; } = [Voc2012, Ade20k];

    public static EvalDownload Parse(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new EngineInputException("dataset", $"'{name}' cannot be downloaded; one of {string.Join(", ", All.Select(d => d.Name))} (the others: see the README)");

    /// <summary>
    /// Makes <paramref name="folder"/> hold <paramref name="download"/>'s dataset and returns it. A folder that opens as
    /// the dataset already is left alone; an archive already there with the pinned checksum is not downloaded again.
    /// The archive is deleted once unpacked and checked.
    /// </summary>
    /// <param name="extracting">Told when unpacking starts (it takes a while for 2 GB and prints nothing else).</param>
    public async Task<string> FetchAsync(EvalDownload download, string folder, IProgress<DownloadProgress>? progress, Action? extracting, CancellationToken ct)
    {
        var kind = download.Datasets[0];
        if (Opens(folder, kind))
            return folder;
        Directory.CreateDirectory(folder);
        var archive = Path.Combine(folder, download.FileName);
        if (!File.Exists(archive) || !string.Equals(FileChecksum.Sha256(archive), download.Sha256, StringComparison.OrdinalIgnoreCase))
            archive = await new ModelDownloader(http).DownloadAsync(new OfficialModel(download.Name, download.Url, download.Sha256, 0, "dataset"), folder, progress, ct);
        extracting?.Invoke();
        try
        {
            if (download.IsZip)
                await ZipFile.ExtractToDirectoryAsync(archive, folder, overwriteFiles: true, ct);
            else
                await TarFile.ExtractToDirectoryAsync(archive, folder, overwriteFiles: true, ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new EngineInputException(archive, $"cannot be unpacked ({e.Message})", e);
        }
        EvalDataset.Open(folder, kind);   // refuses, naming what is missing, when the archive held another layout
        File.Delete(archive);
        return folder;
    }

    private static bool Opens(string folder, EvalDatasetKind kind)
    {
        try
        {
            EvalDataset.Open(folder, kind);
            return true;
        }
        catch (EngineInputException)
        {
            return false;
        }
    }
}
