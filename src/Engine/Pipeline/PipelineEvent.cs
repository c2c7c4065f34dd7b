namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// Something the engine did for one image, told as it happens: the CLI renders these, the jobs store and publish them.
/// <see cref="Image"/> is the image's <see cref="PipelineImage.Key"/>, as the caller gave it. For each image of a call
/// the last event is <see cref="ImageFinished"/> or <see cref="ImageFailed"/> (unless the call is cancelled).
/// </summary>
public abstract record PipelineEvent(string Image);
