using ClipSurgeryWeb.Engine.Explaining;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// One way of drawing a target's map from the image encoder's tokens (CLIP Surgery, plain CLIP, single-label Surgery;
/// MaskCLIP, SCLIP … to come). Adding one: write a class implementing this, register it in <see cref="MapMethods"/>;
/// the CLI, the jobs, the database and the pages pick it up by its <see cref="Method"/>.
/// </summary>
public interface IMapMethod
{
    MapMethod Method { get; }

    /// <summary>How pages and the CLI's help name it.</summary>
    string DisplayName { get; }

    /// <summary>Other words the CLI accepts for it (<c>surgery</c> for <c>cs</c>).</summary>
    IReadOnlyList<string> Aliases => [];

    /// <summary>Whether targets compete against the whole label set (then targets must be made of labels, and runall draws it at the model's size).</summary>
    bool NeedsLabels { get; }

    /// <summary>
    /// Whether a run that names no method draws it (runall, a batch): the three CLIP Surgery maps are; the dense
    /// training-free methods are asked for by name, being ViT-only.
    /// </summary>
    bool InDefaultSet => true;

    /// <summary>The encoder pass it reads.</summary>
    IImageEncoding Encoding { get; }

    /// <summary>Every target's map, in target order (<see cref="MapDrawing"/> has the shared steps).</summary>
    IReadOnlyList<Heatmap> Draw(MapInputs inputs, IReadOnlyList<string> targets, CancellationToken ct);
}
