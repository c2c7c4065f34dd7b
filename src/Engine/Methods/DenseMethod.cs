using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Surgery;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// A training-free dense method (METHODS.md: <c>clip_dense</c>, <c>sclip</c>, <c>naclip</c>, <c>kk_reduced</c>) as a map
/// method: its own encoder pass (<see cref="DenseEncoding"/>), then, as plain CLIP's maps, <c>f @ tᵀ</c> against the
/// label set. The methods differ only in their encoding, so one class serves them all.
/// </summary>
public sealed class DenseMethod : IMapMethod
{
    private DenseMethod(DenseEncoding encoding, string displayName) =>
        (Method, DisplayName, Encoding) = (new MapMethod(encoding.Name), displayName, encoding);

    public static DenseMethod ClipDense { get; } = new(DenseEncoding.ClipDense, "CLIP (dense)");

    public static DenseMethod Sclip { get; } = new(DenseEncoding.Sclip, "SCLIP");

    public static DenseMethod Naclip { get; } = new(DenseEncoding.Naclip, "NACLIP");

    public static DenseMethod KkReduced { get; } = new(DenseEncoding.KkReduced, "NACLIP without Ω (k–k, reduced)");

    /// <summary>The four, in METHODS.md's order.</summary>
    public static IReadOnlyList<DenseMethod> All { get; } = [ClipDense, Sclip, Naclip, KkReduced];

    /// <summary>
    /// Registers the four in <see cref="MapMethods"/> (after the built-in ones); disposing the result removes them.
    /// Not in the built-in list yet: that list is also the default set a batch (runall, the jobs) draws, and these
    /// methods are ViT-only, so putting them there would make every batch on a ResNet fail. The host that offers them
    /// (CLI, jobs) registers them once it chooses its defaults.
    /// </summary>
    public static IDisposable Register()
    {
        var registrations = new List<IDisposable>();
        try
        {
            foreach (var method in All)
                registrations.Add(MapMethods.Register(method));
        }
        catch
        {
            registrations.ForEach(r => r.Dispose());
            throw;
        }
        return new Registrations(registrations);
    }

    public MapMethod Method { get; }

    public string DisplayName { get; }

    public bool NeedsLabels => true;

    public IImageEncoding Encoding { get; }

    public IReadOnlyList<Heatmap> Draw(MapInputs inputs, IReadOnlyList<string> targets, CancellationToken ct)
    {
        var similarity = FeatureSurgery.PlainSimilarity(inputs.Features, inputs.LabelFeatures!);     // [1, 1+N, T]
        return targets.Select(t => MapDrawing.LabelSetMap(Method, similarity, inputs.Labels, t, inputs.Height, inputs.Width, inputs.Resolution)).ToList();
    }

    private sealed class Registrations(List<IDisposable> registrations) : IDisposable
    {
        public void Dispose() => registrations.ForEach(r => r.Dispose());
    }
}
