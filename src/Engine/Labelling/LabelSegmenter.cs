using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Labelling;

/// <summary>
/// Open-vocabulary segmentation on a loaded CLIP model: the image resized to the options' short side and normalised
/// as the methods' test pipelines do (<see cref="MethodInput"/>), each method's label map (the dense methods'
/// slide-window head of METHODS.md; CLIP Surgery by argmax over its similarity maps), the class list's query features
/// encoded once per call.
/// </summary>
/// <remarks>
/// What <see cref="LabelPrediction.Probabilities"/> holds depends on the method. Dense methods: their heads' class
/// probabilities (<see cref="SlideInference.Classify"/>: softmax over queries, max over a class's names, renormalised
/// when the method's own code does). CLIP Surgery (<c>cs</c>): not probabilities but each foreground class's
/// feature-surgery similarity map as CLIP Surgery draws it (min–max normalised over the image's tokens to 0…1, the max
/// over the class's names, bilinear to the output size), so every class has its own 0 and 1; with a background class,
/// class 0's plane is the threshold everywhere, the level a foreground class must reach to win a pixel.
/// </remarks>
public sealed class LabelSegmenter(ClipExplainer explainer)
{
    private PromptEnsemble? methodsText;

    /// <summary>The methods that draw label maps, in drawing order: CLIP Surgery and every dense method.</summary>
    public static IReadOnlyList<MapMethod> Methods =>
        DenseMethod.All.Select(m => m.Method).Prepend(MapMethod.Surgery).OrderBy(MapMethods.Order).ToList();

    public ClipExplainer Explainer => explainer;

    /// <summary>
    /// The dense methods' query features: the explainer's prompt ensemble with the methods' 80 templates (a separate
    /// ensemble: the explainer's own stays CLIP Surgery's 85).
    /// </summary>
    private PromptEnsemble MethodsText => methodsText ??= explainer.Text.WithTemplates(PromptTemplates.Methods);

    /// <summary>
    /// Refuses what no image could be segmented with, before any image is opened: bad options, no method or one that
    /// draws no label map, a dense method on a ResNet (named).
    /// </summary>
    public void Check(ClassList classes, IReadOnlyList<MapMethod> methods, LabelSegmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(classes);
        options.Validate();
        if (methods.Count == 0)
            throw new EngineInputException("methods", $"no method given (use {string.Join(", ", Methods)})");
        foreach (var method in methods.Where(m => !Methods.Contains(m)))
            throw new EngineInputException("methods", $"'{method.Name}' draws no label map (use {string.Join(", ", Methods)})");
        var dense = methods.Where(m => m != MapMethod.Surgery).ToList();
        if (dense.Count > 0 && explainer.Model.Visual is not VisionTransformer)
            throw new EngineInputException("methods", $"'{dense[0].Name}' needs a ViT CLIP (it rebuilds the last attention block); this model is a ResNet");
    }

    /// <summary>
    /// Each of <paramref name="methods"/>' label map of <paramref name="image"/>, in the given order, at the resized
    /// input's size, or at <paramref name="outputSize"/> (an evaluation's label size: logits resized bilinearly first);
    /// class probabilities only when <paramref name="probabilities"/>. One short side, threshold and PAMR (NACLIP only)
    /// for all, each method's default head (<see cref="LabelMethodSettings.From"/>).
    /// </summary>
    public IReadOnlyList<LabelPrediction> Segment(Image<Rgb24> image, ClassList classes, IReadOnlyList<MapMethod> methods,
        LabelSegmentationOptions options, bool probabilities = true, (int Height, int Width)? outputSize = null, CancellationToken ct = default)
    {
        Check(classes, methods, options);
        return Segment(image, classes, methods.Select(m => LabelMethodSettings.From(m, options)).ToList(), probabilities, outputSize, ct);
    }

    /// <summary>
    /// Each method's label map with its own settings (an eval's protocols: short side, head, threshold, PAMR), in the
    /// given order. Methods are grouped by short side, so each resized input is made once, and within a group the dense
    /// methods whose heads have the same windows share the crops and the ViT's first L−1 blocks. Without
    /// <paramref name="outputSize"/> each map is at its own resized input's size.
    /// </summary>
    public IReadOnlyList<LabelPrediction> Segment(Image<Rgb24> image, ClassList classes, IReadOnlyList<LabelMethodSettings> methods,
        bool probabilities = true, (int Height, int Width)? outputSize = null, CancellationToken ct = default)
    {
        Check(classes, methods);
        var results = new LabelPrediction[methods.Count];
        foreach (var group in methods.Select((m, i) => (Settings: m, Index: i)).GroupBy(p => p.Settings.ShortSide))
        {
            using var scope = torch.NewDisposeScope();
            var input = MethodInput.ToInput(image, group.Key);                      // [1, 3, H, W]
            var predictions = SegmentCore(input, image, classes, group.Select(p => p.Settings).ToList(), probabilities, outputSize, ct);
            foreach (var (prediction, index) in predictions.Zip(group.Select(p => p.Index)))
                results[index] = prediction;
        }
        return results;
    }

    /// <summary>
    /// The same from an input already preprocessed as <see cref="MethodInput"/> does (<c>[1, 3, H, W]</c>, normalised;
    /// the parity tests feed the goldens' own), <paramref name="image"/> only read by CLIP Surgery (which preprocesses
    /// as CLIP does) and may be null without it.
    /// </summary>
    public IReadOnlyList<LabelPrediction> SegmentInput(Tensor input, Image<Rgb24>? image, ClassList classes, IReadOnlyList<MapMethod> methods,
        LabelSegmentationOptions options, bool probabilities = true, (int Height, int Width)? outputSize = null, CancellationToken ct = default)
    {
        Check(classes, methods, options);
        return SegmentCore(input, image, classes, methods.Select(m => LabelMethodSettings.From(m, options)).ToList(), probabilities, outputSize, ct);
    }

    /// <summary>Refuses per-method settings no image could be segmented with (as the other <c>Check</c>, and each method's own settings).</summary>
    public void Check(ClassList classes, IReadOnlyList<LabelMethodSettings> methods)
    {
        ArgumentNullException.ThrowIfNull(classes);
        Check(classes, methods.Select(m => m.Method).ToList(), new LabelSegmentationOptions());
        foreach (var method in methods)
            method.Validate();
    }

    private IReadOnlyList<LabelPrediction> SegmentCore(Tensor input, Image<Rgb24>? image, ClassList classes, IReadOnlyList<LabelMethodSettings> methods,
        bool probabilities, (int Height, int Width)? outputSize, CancellationToken ct)
    {
        if (input.dim() != 4 || input.shape[0] != 1 || input.shape[1] != 3)
            throw new EngineInputException("image", $"label maps take one image [1, 3, H, W] (got [{string.Join(", ", input.shape)}])");
        if (methods.Any(m => m.Method == MapMethod.Surgery) && image is null)
            throw new ArgumentNullException(nameof(image), "CLIP Surgery reads the image itself");
        var (height, width) = outputSize ?? ((int)input.shape[2], (int)input.shape[3]);
        if (height <= 0 || width <= 0)
            throw new EngineInputException("output size", $"{width}×{height} has no pixels");

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var pixels = input.to(explainer.Device);
        var dense = methods.Select((m, i) => (Settings: m, Index: i)).Where(p => p.Settings.Method != MapMethod.Surgery)
            .Select(p => (p.Settings, p.Index, Method: DenseMethod.All.Single(d => d.Method == p.Settings.Method))).ToList();
        // Every dense method's slide logits [1, Q, h, w] from one call: methods with the same windows share their crops
        // and the ViT's first L−1 blocks. Queries are encoded once for all of them.
        var logits = dense.Count == 0
            ? []
            : SlideInference.Logits(explainer.Model, dense.Select(d => (d.Method, d.Settings.Head ?? d.Method.Head)).ToList(), pixels,
                MethodsText.Encode(classes.Queries, explainer.Device));
        var predictions = new List<LabelPrediction>();
        for (int i = 0; i < methods.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var methodScope = torch.NewDisposeScope();
            var settings = methods[i];
            int at = dense.FindIndex(d => d.Index == i);
            var (pred, probs) = settings.Method == MapMethod.Surgery
                ? Surgery(image!, classes, settings.Threshold, height, width, ct)
                : Dense(settings.Head ?? dense[at].Method.Head, settings, pixels, logits[at], classes, height, width);
            predictions.Add(new LabelPrediction(settings.Method, classes, height, width,
                pred.to(ScalarType.Byte).cpu().contiguous().data<byte>().ToArray(),
                probabilities ? probs.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray() : null));
        }
        return predictions;
    }

    /// <summary>
    /// A dense method's head on its slide logits <c>[1, Q, h, w]</c>: resized to the output size (bilinear, align_corners
    /// false), refined by PAMR when the settings ask (on the input, which PAMR resizes to the logits), classified as its
    /// code does with the head's scale, renormalisation and area threshold — the order of NACLIP's <c>predict</c>.
    /// </summary>
    private static (Tensor Prediction, Tensor Probabilities) Dense(DenseHead head, LabelMethodSettings settings, Tensor input, Tensor logits, ClassList classes,
        int height, int width)
    {
        if (logits.shape[2] != height || logits.shape[3] != width)
            logits = F.interpolate(logits, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);   // [1, Q, H, W]
        if (settings.Pamr)
            logits = Pamr.Refine(input, logits);                                                                     // [1, Q, H, W]
        return SlideInference.Classify(logits, classes.QueryClass, head, settings.Threshold);                       // [1, H, W], [C, H, W]
    }

    /// <summary>
    /// CLIP Surgery as its authors segment: feature surgery over the foreground classes' names (the background class,
    /// when there is one, is no query: it wins only where no foreground map reaches the threshold), each name's
    /// similarity map min–max normalised and drawn at the output size, a class's map the max over its names, argmax
    /// over the foreground classes. One foreground name alone has nothing to compete with (feature surgery subtracts
    /// the mean over labels, leaving 0): it is drawn against CLIP Surgery's redundant (empty-label) feature instead,
    /// as single-label Surgery does.
    /// </summary>
    private (Tensor Prediction, Tensor Probabilities) Surgery(Image<Rgb24> image, ClassList classes, double threshold, int height, int width,
        CancellationToken ct)
    {
        int first = classes.HasBackground ? 1 : 0;
        var foreground = classes.Classes.Skip(first).ToList();
        if (foreground.Count == 0)
            throw new EngineInputException("classes", "CLIP Surgery needs a class besides the background");
        var names = foreground.SelectMany(c => c.Names).ToList();
        var method = names.Count == 1 ? MapMethod.Single : MapMethod.Surgery;
        var request = new ExplainRequest(method == MapMethod.Single ? [] : names, names, Methods: [method]);
        var maps = explainer.Explain(image, request, ct).Maps;
        int side = maps[0].Side;
        var grids = torch.tensor(maps.SelectMany(m => m.Grid).ToArray(), [1, maps.Count, side, side]);              // [1, K, S, S]
        var full = SimilarityMap.Upsample(grids, height, width)[0];                                                  // [K, H, W]
        var perClass = new List<Tensor>();
        int at = 0;
        foreach (var c in foreground)
        {
            perClass.Add(full[at..(at + c.Names.Count)].amax([0]));                                                 // [n, H, W] -> [H, W]
            at += c.Names.Count;
        }
        var scores = torch.nan_to_num(torch.stack(perClass, 0), 0);                                                 // [Cf, H, W]
        var (best, index) = scores.max(0, keepdim: true);                                                           // [1, H, W] each
        var pred = (index + first).masked_fill(best.lt(threshold), 0);
        var probs = first == 1
            ? torch.cat([torch.full([1, height, width], threshold, dtype: scores.dtype), scores], 0)                   // [C, H, W]
            : scores;
        return (pred, probs);
    }
}
