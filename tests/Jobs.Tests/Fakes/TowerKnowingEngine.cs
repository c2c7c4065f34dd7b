using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Jobs.Engine;

namespace ClipSurgeryWeb.Tests.Fakes;

/// <summary>
/// <see cref="FakeClipEngine"/> whose listing tells each CLIP model's image tower, as the real engine's does from the
/// tensor names: the models named in <paramref name="resNets"/> are ModifiedResNets, the others ViTs.
/// </summary>
public sealed class TowerKnowingEngine(FakeClipEngine fake, params string[] resNets) : IClipEngine
{
    public FakeClipEngine Fake => fake;

    public IReadOnlyList<InstalledModel> ListModels(string modelsDir) => fake.ListModels(modelsDir).Select(Tell).ToList();

    public InstalledModel Inspect(string checkpointPath) => Tell(fake.Inspect(checkpointPath));

    public void Download(string officialName, string modelsDir, IProgress<DownloadProgress> progress, CancellationToken ct) =>
        fake.Download(officialName, modelsDir, progress, ct);

    public IReadOnlyList<string> OfficialClipModels => fake.OfficialClipModels;

    public IReadOnlyList<string> OfficialSamModels => fake.OfficialSamModels;

    public int ImageBatchSize => fake.ImageBatchSize;

    public IClipPipeline Pipeline(EngineModels models) => fake.Pipeline(models);

    private InstalledModel Tell(InstalledModel model) =>
        model.Kind == "clip" ? model with { VisionTransformer = !resNets.Contains(model.Name) } : model;
}
