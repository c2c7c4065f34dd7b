namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>How a layout is named on the Models page and in messages.</summary>
public static class CheckpointLayouts
{
    public static string Name(CheckpointLayout layout) => layout switch
    {
        CheckpointLayout.OpenAi => "OpenAI",
        CheckpointLayout.HuggingFace => "Hugging Face",
        _ => "OpenCLIP",
    };
}
