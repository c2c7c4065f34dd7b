using ClipSurgeryWeb.Engine.Pipeline;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>The words stored in <see cref="Data.ResultFile.Kind"/>, from the engine event that announced the file.</summary>
public static class ResultKinds
{
    public const string Heatmap = "heatmap";
    public const string Mask = "mask";
    public const string Overlay = "overlay";

    /// <summary>A method's label map drawn as a colour overlay with its legend (<see cref="LabelMapWritten.File"/>), with the classes' pixel shares.</summary>
    public const string LabelMap = "labels";

    /// <summary>A method's label map as a palette PNG of class ids (<see cref="LabelMapWritten.LabelFile"/>).</summary>
    public const string LabelIds = "labelids";

    public static string Of(OutputKind kind) => kind switch
    {
        OutputKind.Maps => "maps",
        OutputKind.Masks => "masks",
        OutputKind.Tokens => "tokens",
        OutputKind.Words => "words",
        OutputKind.OpinionInfo => "opinion",
        OutputKind.Scores => "scores",
        OutputKind.Settings => "settings",
        OutputKind.Labels => "labelmaps",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
