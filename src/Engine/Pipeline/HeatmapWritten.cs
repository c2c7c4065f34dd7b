using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>A heatmap overlay PNG was written: <paramref name="File"/> (a name inside the image's output folder) shows <paramref name="Target"/> by <paramref name="Method"/> at input size <paramref name="Resolution"/>; <paramref name="Range"/> is what its 0 and 1 stand for.</summary>
public sealed record HeatmapWritten(string Image, MapMethod Method, string Target, int Resolution, string File, MapRange? Range = null) : PipelineEvent(Image);
