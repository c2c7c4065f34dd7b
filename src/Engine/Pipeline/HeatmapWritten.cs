using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>A heatmap overlay PNG was written: <paramref name="File"/> (a name inside the image's output folder) shows <paramref name="Target"/> by <paramref name="Method"/> at input size <paramref name="Resolution"/>.</summary>
public sealed record HeatmapWritten(string Image, MapMethod Method, string Target, int Resolution, string File) : PipelineEvent(Image);
