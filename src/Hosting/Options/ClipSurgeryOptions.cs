using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;

namespace ClipSurgeryWeb.Hosting.Options;

/// <summary>
/// The "ClipSurgery" configuration section. Relative paths are resolved against the host's content root
/// (see <see cref="Resolve"/>); environment variables override with a double underscore, e.g. ClipSurgery__ModelsDir.
/// </summary>
public sealed class ClipSurgeryOptions
{
    public const string Section = "ClipSurgery";

    /// <summary>Folder holding CLIP and SAM checkpoints; every checkpoint placed here is listed.</summary>
    public string ModelsDir { get; set; } = "models";

    /// <summary>CLIP's BPE vocabulary (bpe_simple_vocab_16e6.txt.gz).</summary>
    public string VocabPath { get; set; } = "models/bpe_simple_vocab_16e6.txt.gz";

    /// <summary>
    /// Where the engine computes: "auto" (the first GPU when CUDA is usable, else CPU, and the start-up line says why),
    /// "cpu", "cuda" (= "cuda:0") or "cuda:N" (one worker process per GPU). CUDA asked for but unusable stops the host
    /// with the reason.
    /// </summary>
    public string Device { get; set; } = "auto";

    /// <summary>
    /// A libtorch lib folder to run on (the -p:TorchBackend=cuda build carries none); empty: the CLIPSURGERY_LIBTORCH
    /// environment variable, else the bundled libtorch, else the torch/lib folder of the python3 on PATH.
    /// </summary>
    public string? LibTorchDir { get; set; }

    /// <summary>
    /// Images of one explain run that go through the image encoder together (1…256; on CUDA also bounded by the free GPU
    /// memory). Results are the same as one at a time; larger batches use the GPU better.
    /// </summary>
    public int ImageBatchSize { get; set; } = EngineOptions.DefaultImageBatchSize;

    /// <summary>
    /// The precision runs compute in unless a run asks for another: "auto" (fp16 on a GPU, fp32 on a CPU), "fp32",
    /// "fp16" or "bf16". SAM always runs fp32.
    /// </summary>
    public string Precision { get; set; } = "auto";

    /// <summary>Folder for the SQLite databases, uploads and results.</summary>
    public string DataDir { get; set; } = "App_Data";

    /// <summary>
    /// The folder evaluation datasets lie under on the server: an admin starting an eval names a folder below it (a
    /// relative name is taken inside it), so the Evaluate page cannot be pointed at any other folder of the machine.
    /// Empty: <c>datasets</c> inside <see cref="DataDir"/>.
    /// </summary>
    public string? DatasetsRoot { get; set; }

    /// <summary>"Sqlite" (one machine, the default) or "PostgreSql" (several machines; needs ConnectionStrings:App and :Hangfire).</summary>
    public string Database { get; set; } = "Sqlite";

    /// <summary>
    /// Apply the database migrations at start (the web app's default). A worker sets it only when it may upgrade the shared
    /// database itself; otherwise it refuses to start on a database that lacks migrations, saying which.
    /// </summary>
    public bool MigrateDatabase { get; set; } = true;

    /// <summary>Largest accepted image upload.</summary>
    public long MaxUploadBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>
    /// Largest image accepted, in pixels as its header declares them after EXIF orientation: checked at upload before a
    /// pixel is decoded (a 58 KB PNG can declare 100000×100000), and again by the engine when it reads the image.
    /// </summary>
    public long MaxImagePixels { get; set; } = ImageLimits.DefaultMaxPixels;

    /// <summary>Most files taken from one upload (a pick or drop on a page, one POST /api/images); the others are refused, each with the reason.</summary>
    public int MaxUploadFiles { get; set; } = 50;

    /// <summary>
    /// Most images decoded at once for uploads and thumbnails (a 64-megapixel image takes some 200–600 MB while decoded);
    /// the others wait their turn.
    /// </summary>
    public int MaxConcurrentDecodes { get; set; } = 2;

    /// <summary>Long side, in pixels, of the thumbnails pages show instead of the uploaded originals.</summary>
    public int ThumbnailSize { get; set; } = 512;

    /// <summary>What the engine agrees to decode, from <see cref="MaxImagePixels"/>.</summary>
    public ImageLimits ImageLimits => new(MaxImagePixels);

    /// <summary>Largest accepted checkpoint upload (fine-tunes).</summary>
    public long MaxCheckpointBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }

    public JobServerOptions Jobs { get; set; } = new();

    public bool UsesPostgres => Provider == DatabaseProvider.PostgreSql;

    /// <summary><see cref="Database"/> as a provider ("Sqlite"; "PostgreSql" or "Postgres").</summary>
    public DatabaseProvider Provider => Database.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase)
                                        || Database.Equals("Postgres", StringComparison.OrdinalIgnoreCase)
        ? DatabaseProvider.PostgreSql
        : DatabaseProvider.Sqlite;

    public string ModelsPath(string contentRoot) => Resolve(contentRoot, ModelsDir);

    public string VocabularyPath(string contentRoot) => Resolve(contentRoot, VocabPath);

    public string DataPath(string contentRoot) => Resolve(contentRoot, DataDir);

    public string DatasetsPath(string contentRoot) => string.IsNullOrWhiteSpace(DatasetsRoot)
        ? Path.Combine(DataPath(contentRoot), "datasets")
        : Resolve(contentRoot, DatasetsRoot);

    public static string Resolve(string contentRoot, string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path));
}
