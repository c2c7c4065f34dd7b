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
    private DenseMethod(DenseEncoding encoding, string displayName, bool renormalises = true) =>
        (Method, DisplayName, Encoding, RenormalisesProbabilities) = (new MapMethod(encoding.Name), displayName, encoding, renormalises);

    public static DenseMethod ClipDense { get; } = new(DenseEncoding.ClipDense, "CLIP (dense)");

    /// <summary>
    /// SCLIP's own code leaves its class probabilities as the max over names, not renormalised: its golden's
    /// <c>probs</c> sum to 0.70…0.99 per pixel and equal the un-renormalised ones exactly (METHODS.md's text says
    /// renormalised for both; the golden made by SCLIP's code decides).
    /// </summary>
    public static DenseMethod Sclip { get; } = new(DenseEncoding.Sclip, "SCLIP", renormalises: false);

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

    /// <summary>Whether its segmentation head renormalises class probabilities to sum 1 (<see cref="SlideInference.Classify"/>).</summary>
    public bool RenormalisesProbabilities { get; }

    /// <summary>The dense encoding it reads (<see cref="Encoding"/> typed).</summary>
    public DenseEncoding DenseEncoding => (DenseEncoding)Encoding;

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
