namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// This image could not be done (the others of the call go on): <see cref="Error"/> is what stopped it, an
/// <see cref="EngineInputException"/> for bad input; <see cref="Reason"/> says it in words.
/// </summary>
public sealed record ImageFailed(string Image, Exception Error) : PipelineEvent(Image)
{
    public string Reason => Error is EngineInputException e ? $"{e.Subject}: {e.Reason}" : Error.Message;
}
