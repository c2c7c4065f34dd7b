using System.Text.Json.Serialization;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// Which kind of map a heatmap is, by its stable <see cref="Name"/>: the word in file names (<c>cs_cat.png</c>),
/// <c>maps.safetensors</c> keys, <c>index.json</c>, the CLI's <c>--modes</c>, run settings, the database and URLs. The
/// name is all a value holds, so values travel through JSON and databases as plain strings; what a method computes
/// and how it is shown come from its registered <see cref="IMapMethod"/> (<see cref="MapMethods"/>).
/// </summary>
[JsonConverter(typeof(MapMethodJsonConverter))]
public readonly record struct MapMethod(string Name)
{
    /// <summary>CLIP Surgery with feature surgery over the whole label set.</summary>
    public static MapMethod Surgery { get; } = new("cs");

    /// <summary>Plain CLIP, <c>f @ tᵀ</c>, for contrast.</summary>
    public static MapMethod Plain { get; } = new("plain");

    /// <summary>CLIP Surgery per target against the empty label, with SAM's point prompts.</summary>
    public static MapMethod Single { get; } = new("single");

    /// <summary>The registered method's display name, or the name itself for one not registered here.</summary>
    public string DisplayName => MapMethods.Find(Name)?.DisplayName ?? Name;

    public override string ToString() => Name;
}
