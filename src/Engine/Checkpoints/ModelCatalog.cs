namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// The official checkpoints the tool can download. OpenAI's addresses carry each file's SHA-256 as a path segment
/// (<c>…/models/&lt;sha256&gt;/ViT-B-16.pt</c>); the BPE vocabulary is pinned to a commit of openai/CLIP.
/// </summary>
public static class ModelCatalog
{
    private const string OpenAi = "https://openaipublic.azureedge.net/clip/models/";

    public static IReadOnlyList<OfficialModel> Clip { get; } =
    [
        OpenAiModel("RN50", "afeb0e10f9e5a86da6080e35cf09123aca3b358a0c3e3b6c78a7b63bc04b6762", "RN50.pt", 224),
        OpenAiModel("RN101", "8fa8567bab74a42d41c5915025a8e4538c3bdbe8804a470a72f30b0d94fab599", "RN101.pt", 224),
        OpenAiModel("RN50x4", "7e526bd135e493cef0776de27d5f42653e6b4c8bf9e0f653bb11773263205fdd", "RN50x4.pt", 288),
        OpenAiModel("RN50x16", "52378b407f34354e150460fe41077663dd5b39c54cd0bfd2b27167a4a06ec9aa", "RN50x16.pt", 384),
        OpenAiModel("RN50x64", "be1cfb55d75a9666199fb2206c106743da0f6468c9d327f3e0d0a543a9919d9c", "RN50x64.pt", 448),
        OpenAiModel("ViT-B/32", "40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af", "ViT-B-32.pt", 224),
        OpenAiModel("ViT-B/16", "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f", "ViT-B-16.pt", 224),
        OpenAiModel("ViT-L/14", "b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836", "ViT-L-14.pt", 224),
        OpenAiModel("ViT-L/14@336px", "3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02", "ViT-L-14-336px.pt", 336),
    ];

    /// <summary>Segment Anything's released checkpoints (see <see cref="Segmentation.SamCatalog"/> for their sizes).</summary>
    public static IReadOnlyList<OfficialModel> Sam { get; } = Segmentation.SamCatalog.All
        .Select(c => new OfficialModel(c.Name, c.Url, c.Sha256, 1024, "sam"))
        .ToArray();

    /// <summary>CLIP's byte-level BPE merges (MIT, OpenAI CLIP), pinned to the commit that last changed the file.</summary>
    public static OfficialModel Vocabulary { get; } = new(
        "bpe_simple_vocab_16e6",
        new Uri("https://raw.githubusercontent.com/openai/CLIP/3bee28119e6b28e75b82b811b87b56935314e6a5/clip/bpe_simple_vocab_16e6.txt.gz"),
        "924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a",
        0,
        "vocabulary");

    public static OfficialModel? FindClip(string name) =>
        Clip.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    public static OfficialModel? FindSam(string name) =>
        Segmentation.SamCatalog.Find(name) is { } c ? Sam.First(m => m.Name == c.Name) : null;

    /// <summary>An official model whose file this is, by checksum.</summary>
    public static OfficialModel? FindBySha256(string sha256) =>
        Clip.Concat(Sam).FirstOrDefault(m => string.Equals(m.Sha256, sha256, StringComparison.OrdinalIgnoreCase));

    private static OfficialModel OpenAiModel(string name, string sha256, string file, int resolution) =>
        new(name, new Uri($"{OpenAi}{sha256}/{file}"), sha256, resolution, "clip");
}
