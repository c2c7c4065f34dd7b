using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Scores;
using ClipSurgeryWeb.Engine.Surgery;
using ClipSurgeryWeb.Engine.Text;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// The explain pipeline for one loaded CLIP model:
/// image → preprocess → encoder (plain | surgery) → text features → feature surgery → map (→ points).
/// Load once per process and explain many images; text features are cached per label.
/// Not thread-safe: one explanation at a time (TorchSharp dispose scopes are per thread).
/// </summary>
public sealed class ClipExplainer : IDisposable
{
    private readonly PromptEnsemble text;

    private ClipExplainer(ClipModel model, string checkpointPath, string sha256, Device device, PromptEnsemble text)
    {
        Model = model;
        CheckpointPath = checkpointPath;
        ModelSha256 = sha256;
        Device = device;
        this.text = text;
    }

    public ClipModel Model { get; }

    public string CheckpointPath { get; }

    public string ModelSha256 { get; }

    public Device Device { get; }

    /// <summary>The precision the model runs in, resolved against the device (never <see cref="Precision.Auto"/>).</summary>
    public Precision Precision => Model.Precision;

    public PromptEnsemble Text => text;

    /// <summary>Loads the model as <paramref name="options"/> say: device, precision, text cache, image batch size.</summary>
    /// <param name="activation">The activation the user states, for a checkpoint whose files do not tell (see <see cref="ClipCheckpoint"/>).</param>
    public static ClipExplainer Load(string checkpointPath, ClipTokenizer tokenizer, EngineOptions options, Activation? activation = null)
    {
        var explainer = Load(checkpointPath, tokenizer, ComputeDevice.Resolve(options.Device), options.TextCacheDir, options.Precision, activation);
        explainer.ImageBatchSize = options.ImageBatchSize;
        return explainer;
    }

    /// <summary>
    /// Loads the model onto <paramref name="device"/> in <paramref name="precision"/> (auto: fp16 on CUDA, fp32 on a
    /// CPU; <see cref="ClipModel.ToPrecision"/>); when any step fails (a device that refuses it), the model is
    /// disposed before the error goes on.
    /// </summary>
    /// <param name="activation">The activation the user states, for a checkpoint whose files do not tell (see <see cref="ClipCheckpoint"/>).</param>
    public static ClipExplainer Load(string checkpointPath, ClipTokenizer tokenizer, Device device, string? textCacheDir,
        Precision precision = Precision.Auto, Activation? activation = null)
    {
        var sha = FileChecksum.Sha256(ClipCheckpoint.WeightsFile(checkpointPath));
        ClipModel model;
        using (var sd = StateDict.Load(checkpointPath, activation))
            model = ClipModel.FromStateDict(sd);
        try
        {
            model.to(device);
            model.ToPrecision(Precisions.Resolve(precision, device));
            // Text features are cached per checksum (and per precision, inside the cache): the same weights run
            // with GELU are another model.
            var textKey = model.Config.Activation == Activation.Gelu ? sha + "-gelu" : sha;
            var text = new PromptEnsemble(model, textKey, tokenizer, new TextFeatureCache(textCacheDir));
            return new ClipExplainer(model, checkpointPath, sha, device, text);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Images of one call per encoder batch: <see cref="EngineOptions.ImageBatchSize"/> by default (1…256; on CUDA also
    /// bounded by free memory, see <see cref="ImageBatching"/>). Set it from the options the model was loaded with.
    /// </summary>
    public int ImageBatchSize
    {
        get => imageBatchSize;
        set => imageBatchSize = ImageBatching.Checked(value, "image batch size");
    }

    private int imageBatchSize = EngineOptions.DefaultImageBatchSize;

    /// <summary>Per resolution, the largest batch known to fit after the device ran out of memory at a larger one.</summary>
    private readonly Dictionary<int, int> fittingBatch = [];

    public Explanation Explain(Image<Rgb24> image, ExplainRequest request, CancellationToken ct = default) =>
        Explain(resolution => ClipPreprocessor.ToInput(image, resolution), image.Height, image.Width, request, ct);

    /// <summary>
    /// Explains an image given as its preprocessed inputs: <paramref name="preprocess"/> returns <c>[1, 3, n, n]</c>
    /// for a resolution n (the caller owns nothing it returns: it is disposed with the explanation's scope).
    /// The batched path with one image: the same numbers as ever.
    /// </summary>
    public Explanation Explain(Func<int, Tensor> preprocess, int height, int width, ExplainRequest request, CancellationToken ct = default) =>
        ExplainMany([ExplainInput.FromTensors("image", preprocess, height, width)], request, ct).Single().Result();

    /// <summary>
    /// Explains many images with one request: validates it and encodes the text once, then encodes the images in
    /// batches (<see cref="ImageBatchSize"/>, <c>[b, 3, R, R]</c> through the encoder) and makes each image's maps exactly
    /// as for one image. A request with labels also ranks them for each image as CLIP classifies (<see cref="ZeroShotScores"/>,
    /// <see cref="Explanation.Scores"/>). Yields every image's <see cref="ExplainOutcome"/> in input order as its batch finishes; an image
    /// that fails (unreadable: <see cref="EngineInputException"/>) fails alone. A bad request throws before any image is opened.
    /// </summary>
    public IEnumerable<ExplainOutcome> ExplainMany(IReadOnlyList<ExplainInput> images, ExplainRequest request, CancellationToken ct = default)
    {
        request.Validate();
        foreach (var label in request.Labels.Concat(request.EffectiveTargets.SelectMany(ExplainRequest.Parts)).Distinct())
            text.Validate(label);

        int native = Model.Visual.InputResolution;
        int resolution = request.Resolution ?? native;
        int cell = Model.Config.VisionPatchSize ?? 32;
        if (resolution / cell < 2)
            throw new EngineInputException("resolution", $"{resolution} gives this model a {resolution / cell}×{resolution / cell} token grid; maps need at least 2×2 ({2 * cell} or more)");
        return Batches(images, request, resolution, ct);
    }

    private IEnumerable<ExplainOutcome> Batches(IReadOnlyList<ExplainInput> images, ExplainRequest request, int resolution, CancellationToken ct)
    {
        for (int first = 0; first < images.Count;)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(PlannedBatch(resolution), images.Count - first);
            // Computed whole before anything is yielded: no dispose scope or no_grad stays open in the caller's loop.
            var outcomes = ExplainBatch(images, first, count, request, resolution, ct);
            first += count;
            foreach (var outcome in outcomes)
                yield return outcome;
        }
    }

    /// <summary>The batch to plan at <paramref name="resolution"/>: the setting, bounded on CUDA by free memory and by what ran out of memory before.</summary>
    private int PlannedBatch(int resolution)
    {
        int planned = ImageBatching.Bound(ImageBatchSize, Device, ImageBatching.BytesPerImage(Model.Config, resolution, ElementSize()));
        return fittingBatch.TryGetValue(resolution, out var fits) ? Math.Min(planned, fits) : planned;
    }

    private int ElementSize() => Model.Visual.parameters().First().dtype switch
    {
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Float64 => 8,
        _ => 4,
    };

    /// <summary>One opened image of a batch: its size, its inputs per resolution (<c>[1, 3, R, R]</c> each) or its error.</summary>
    private sealed class Pending(int index, ExplainInput input)
    {
        public int Index { get; } = index;
        public ExplainInput Input { get; } = input;
        public int Height { get; set; }
        public int Width { get; set; }
        public Dictionary<int, Tensor> Pixels { get; } = [];
        public Explanation? Explanation { get; set; }
        public Exception? Error { get; set; }
    }

    /// <summary>
    /// How a batch gets CLIP's image embedding for zero-shot scores: OpenAI's <c>encode_image</c> runs at the model's own
    /// size, so token 0 of an encoding run there that keeps it (<see cref="IImageEncoding.ClassTokenIsPooled"/>) serves;
    /// without one (<see cref="From"/> null) the pooled embedding is encoded once more at that size.
    /// </summary>
    private sealed record ScorePlan(IImageEncoding? From, int Resolution, float LogitScale);

    private List<ExplainOutcome> ExplainBatch(IReadOnlyList<ExplainInput> images, int first, int count, ExplainRequest request, int resolution, CancellationToken ct)
    {
        var methods = request.EffectiveMethods.Select(MapMethods.Get).ToList();
        // Each encoder pass the methods read, once, in the order the methods come (Surgery before plain).
        var encodings = methods.Select(m => m.Encoding).Distinct().ToList();
        var resolutions = encodings.Select(e => e.Resolution(Model, resolution)).Distinct().ToList();
        ScorePlan? scoring = null;
        if (request.Labels.Count > 0)
        {
            int native = Model.Visual.InputResolution;
            var from = encodings.FirstOrDefault(e => e.Resolution(Model, resolution) == native && e.ClassTokenIsPooled(Model));
            scoring = new ScorePlan(from, native, Model.LogitScale);
            if (!resolutions.Contains(native))
                resolutions.Add(native);
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var batch = Enumerable.Range(first, count).Select(i => new Pending(i, images[i])).ToList();
        foreach (var item in batch)
        {
            ct.ThrowIfCancellationRequested();
            // Opened, preprocessed and closed one at a time: only the batch's inputs are held, never its decoded images.
            try
            {
                using var source = item.Input.Open();
                (item.Height, item.Width) = (source.Height, source.Width);
                foreach (var r in resolutions)
                    item.Pixels[r] = source.Preprocess(r);                                      // [1, 3, R, R]
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                item.Error = e;
            }
        }

        var labelFeatures = methods.Any(m => m.NeedsLabels) || scoring is not null ? text.Encode(request.Labels, Device) : null;    // [T, D]
        EncodeAndMap(batch.Where(i => i.Error is null).ToList(), request, methods, encodings, labelFeatures, scoring, resolution, ct);
        return batch.Select(i => new ExplainOutcome(i.Index, i.Input, i.Explanation, i.Error)).ToList();
    }

    /// <summary>
    /// Encodes <paramref name="items"/> as one batch and makes each one's maps. When the batch fails (the device out of
    /// memory, a native error), it is split in halves and each is tried again, so a failure ends on the one image that
    /// causes it; out of memory also lowers the batch planned at this resolution from then on.
    /// </summary>
    private void EncodeAndMap(List<Pending> items, ExplainRequest request, IReadOnlyList<IMapMethod> methods, IReadOnlyList<IImageEncoding> encodings,
        Tensor? labelFeatures, ScorePlan? scoring, int resolution, CancellationToken ct)
    {
        if (items.Count == 0)
            return;
        try
        {
            using var scope = torch.NewDisposeScope();
            var features = Encode(items, encodings, resolution, ct);
            var pooled = scoring switch                                                                   // [b, D]
            {
                null => null,
                { From: { } from } => features[from].Tokens[.., 0],
                _ => Model.Visual.EncodePooled(torch.cat(items.Select(i => i.Pixels[scoring.Resolution]).ToArray(), 0).to(Device)),
            };

            for (int b = 0; b < items.Count; b++)
            {
                var item = items[b];
                try
                {
                    var own = features.ToDictionary(f => f.Key, f => (f.Value.Tokens[b..(b + 1)], f.Value.Resolution));   // [1, 1+N, D] each
                    item.Explanation = MapsFromFeatures(own, methods, labelFeatures, request, item.Height, item.Width, ct) with
                    {
                        Scores = pooled is null ? null : ZeroShotScores.Rank(pooled[b], labelFeatures!, scoring!.LogitScale, request.Labels),
                    };
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    item.Error = e;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (items.Count == 1)
            {
                items[0].Error = e;
                return;
            }
            if (ImageBatching.IsOutOfMemory(e))
                fittingBatch[resolution] = Math.Min(fittingBatch.GetValueOrDefault(resolution, int.MaxValue), items.Count / 2);
            int half = items.Count / 2;
            EncodeAndMap(items[..half], request, methods, encodings, labelFeatures, scoring, resolution, ct);
            EncodeAndMap(items[half..], request, methods, encodings, labelFeatures, scoring, resolution, ct);
        }
    }

    /// <summary>
    /// Every encoding's tokens of the batch (<c>[b, 1+N, D]</c> each, raw) at its resolution, each pass once. The dense
    /// encodings at one resolution run as one pass (<see cref="DenseEncoding.EncodeTogether"/>): four dense methods cost
    /// the ViT's first L−1 blocks once, not four times, with the numbers each gets alone. The encoding stays what a
    /// method names; only here are passes shared.
    /// </summary>
    private Dictionary<IImageEncoding, (Tensor Tokens, int Resolution)> Encode(List<Pending> items, IReadOnlyList<IImageEncoding> encodings, int resolution, CancellationToken ct)
    {
        var features = new Dictionary<IImageEncoding, (Tensor Tokens, int Resolution)>();
        foreach (var pass in encodings.GroupBy(e => (Resolution: e.Resolution(Model, resolution), Dense: e is DenseEncoding)))
        {
            int r = pass.Key.Resolution;
            var input = torch.cat(items.Select(i => i.Pixels[r]).ToArray(), 0).to(Device);              // b × [1, 3, R, R] -> [b, 3, R, R]
            if (pass.Key.Dense)
            {
                var dense = pass.Cast<DenseEncoding>().ToList();
                var tokens = DenseEncoding.EncodeTogether(Model, input, dense);                          // per encoding [b, 1+N, D]
                for (int i = 0; i < dense.Count; i++)
                    features[dense[i]] = (tokens[i], r);
                ct.ThrowIfCancellationRequested();
                continue;
            }
            foreach (var encoding in pass)
            {
                features[encoding] = (encoding.Encode(Model, input), r);                                 // [b, 1+N, D]
                ct.ThrowIfCancellationRequested();
            }
        }
        return features;
    }

    /// <summary>
    /// One image's maps from its encoder features (<c>[1, 1+N, D]</c> each, raw), as the single-image pipeline makes
    /// them: each encoding normalised once as its maps read it (<see cref="IImageEncoding.ForMaps"/>), then every method in drawing order.
    /// </summary>
    private Explanation MapsFromFeatures(Dictionary<IImageEncoding, (Tensor Tokens, int Resolution)> features, IReadOnlyList<IMapMethod> methods,
        Tensor? labelFeatures, ExplainRequest request, int height, int width, CancellationToken ct)
    {
        using var scope = torch.NewDisposeScope();
        var normalized = features.ToDictionary(f => f.Key, f => (Tokens: f.Key.ForMaps(f.Value.Tokens), f.Value.Resolution));   // [1, 1+N, D]
        var maps = new List<Heatmap>();
        foreach (var method in methods)
        {
            var (tokens, r) = normalized[method.Encoding];
            maps.AddRange(method.Draw(new MapInputs(tokens, r, request.Labels, labelFeatures, text, Device, height, width), request.EffectiveTargets, ct));
            ct.ThrowIfCancellationRequested();
        }
        return new Explanation(height, width, maps);
    }

    public void Dispose() => Model.Dispose();
}
