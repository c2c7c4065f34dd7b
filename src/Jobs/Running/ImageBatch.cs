using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Data;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// The images of a run one engine call takes (<see cref="RunLoop"/> claims them): their inputs, the call's token, and
/// <see cref="Emit"/>, the sink for the engine's events, which routes each to its image and saves an image as done or
/// failed the moment the engine says so.
/// </summary>
public sealed class ImageBatch
{
    private readonly Dictionary<string, ImageWork> _byKey;
    private readonly Action<ImageWork> _finished;
    private readonly Action<ImageWork, ImageFailed> _failed;

    internal ImageBatch(JobRun run, IReadOnlyList<ImageWork> images, CancellationToken token, Action<ImageWork> finished, Action<ImageWork, ImageFailed> failed)
    {
        Run = run;
        Images = images;
        Token = token;
        _byKey = images.ToDictionary(i => i.Input.Key, StringComparer.Ordinal);
        _finished = finished;
        _failed = failed;
    }

    public JobRun Run { get; }

    public IReadOnlyList<ImageWork> Images { get; }

    /// <summary>The images as the engine is given them.</summary>
    public IReadOnlyList<PipelineImage> Inputs => Images.Select(i => i.Input).ToList();

    public CancellationToken Token { get; }

    /// <summary>What the job does besides storing files and progress (e.g. store an opinion's tokens), before an image's end is saved.</summary>
    public Action<ImageWork, PipelineEvent>? OnEvent { get; set; }

    /// <summary>Sets how every image's progress bar is shared between the steps.</summary>
    public void Share(StageShares shares)
    {
        foreach (var image in Images)
            image.Shares = shares;
    }

    /// <summary>The sink the job hands the engine.</summary>
    public void Emit(PipelineEvent e)
    {
        if (!_byKey.TryGetValue(e.Image, out var work))
            throw new InvalidOperationException($"the engine told of image {e.Image}, which is not in this call");
        work.Handle(e);
        OnEvent?.Invoke(work, e);
        switch (e)
        {
            case ImageFinished:
                _finished(work);
                break;
            case ImageFailed failed:
                _failed(work, failed);
                break;
        }
    }
}
