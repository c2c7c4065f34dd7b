using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Points;
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
    /// as for one image. Yields every image's <see cref="ExplainOutcome"/> in input order as its batch finishes; an image
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

    /// <summary>One opened image of a batch: its size, its inputs (<c>[1, 3, R, R]</c>, and at the plain resolution when that differs) or its error.</summary>
    private sealed class Pending(int index, ExplainInput input)
    {
        public int Index { get; } = index;
        public ExplainInput Input { get; } = input;
        public int Height { get; set; }
        public int Width { get; set; }
        public Tensor? Pixels { get; set; }
        public Tensor? PlainPixels { get; set; }
        public Explanation? Explanation { get; set; }
        public Exception? Error { get; set; }
    }

    private List<ExplainOutcome> ExplainBatch(IReadOnlyList<ExplainInput> images, int first, int count, ExplainRequest request, int resolution, CancellationToken ct)
    {
        int native = Model.Visual.InputResolution;
        // The plain ViT has no position-embedding interpolation: its maps exist only at the model's own size.
        int plainResolution = Model.Config.IsVisionTransformer ? native : resolution;
        bool plainInputs = request.Modes.HasFlag(ExplainMode.Plain) && plainResolution != resolution;

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
                item.Pixels = source.Preprocess(resolution);                                    // [1, 3, R, R]
                if (plainInputs)
                    item.PlainPixels = source.Preprocess(plainResolution);                       // [1, 3, R', R']
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                item.Error = e;
            }
        }

        bool needsLabels = (request.Modes & (ExplainMode.Surgery | ExplainMode.Plain)) != 0;
        var labelFeatures = needsLabels ? text.Encode(request.Labels, Device) : null;    // [T, D]
        EncodeAndMap(batch.Where(i => i.Error is null).ToList(), request, labelFeatures, resolution, plainResolution, ct);
        return batch.Select(i => new ExplainOutcome(i.Index, i.Input, i.Explanation, i.Error)).ToList();
    }

    /// <summary>
    /// Encodes <paramref name="items"/> as one batch and makes each one's maps. When the batch fails (the device out of
    /// memory, a native error), it is split in halves and each is tried again, so a failure ends on the one image that
    /// causes it; out of memory also lowers the batch planned at this resolution from then on.
    /// </summary>
    private void EncodeAndMap(List<Pending> items, ExplainRequest request, Tensor? labelFeatures, int resolution, int plainResolution, CancellationToken ct)
    {
        if (items.Count == 0)
            return;
        try
        {
            using var scope = torch.NewDisposeScope();
            var input = torch.cat(items.Select(i => i.Pixels!).ToArray(), 0).to(Device);            // b × [1, 3, R, R] -> [b, 3, R, R]
            Tensor? surgery = null;
            if ((request.Modes & (ExplainMode.Surgery | ExplainMode.Single)) != 0)
                surgery = Model.Visual.EncodeSurgery(input);                                       // [b, 1+N, D]
            ct.ThrowIfCancellationRequested();
            Tensor? plain = null;
            if (request.Modes.HasFlag(ExplainMode.Plain))
            {
                var plainInput = plainResolution == resolution ? input
                    : torch.cat(items.Select(i => i.PlainPixels!).ToArray(), 0).to(Device);         // b × [1, 3, R', R'] -> [b, 3, R', R']
                plain = Model.Visual.EncodePlain(plainInput);                                      // [b, 1+N', D]
            }
            ct.ThrowIfCancellationRequested();

            for (int b = 0; b < items.Count; b++)
            {
                var item = items[b];
                try
                {
                    item.Explanation = MapsFromFeatures(surgery?[b..(b + 1)], plain?[b..(b + 1)], labelFeatures, request,
                        item.Height, item.Width, resolution, plainResolution, ct);                   // [1, 1+N, D] each
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
            EncodeAndMap(items[..half], request, labelFeatures, resolution, plainResolution, ct);
            EncodeAndMap(items[half..], request, labelFeatures, resolution, plainResolution, ct);
        }
    }

    /// <summary>One image's maps from its encoder features (<c>[1, 1+N, D]</c> each, raw), as the single-image pipeline makes them.</summary>
    private Explanation MapsFromFeatures(Tensor? surgeryFeatures, Tensor? plainFeatures, Tensor? labelFeatures, ExplainRequest request,
        int height, int width, int resolution, int plainResolution, CancellationToken ct)
    {
        using var scope = torch.NewDisposeScope();
        var maps = new List<Heatmap>();
        Tensor? surgery = null;
        if (surgeryFeatures is not null)
            surgery = FeatureSurgery.NormalizeOverTokens(surgeryFeatures);   // [1, 1+N, D]

        if (request.Modes.HasFlag(ExplainMode.Surgery))
        {
            var similarity = FeatureSurgery.Similarity(surgery!, labelFeatures!);        // [1, 1+N, T]
            foreach (var target in request.EffectiveTargets)
                maps.Add(LabelSetMap(ExplainMode.Surgery, similarity, request.Labels, target, height, width, resolution));
        }

        if (request.Modes.HasFlag(ExplainMode.Plain))
        {
            var plain = FeatureSurgery.NormalizeOverTokens(plainFeatures!);
            var similarity = FeatureSurgery.PlainSimilarity(plain, labelFeatures!);
            foreach (var target in request.EffectiveTargets)
                maps.Add(LabelSetMap(ExplainMode.Plain, similarity, request.Labels, target, height, width, plainResolution));
        }
        ct.ThrowIfCancellationRequested();

        if (request.Modes.HasFlag(ExplainMode.Single))
        {
            var redundant = text.Encode([PromptEnsemble.RedundantLabel], Device);       // [1, D]
            foreach (var target in request.EffectiveTargets)
            {
                var parts = ExplainRequest.Parts(target);
                var similarity = FeatureSurgery.SimilarityWithRedundant(surgery!, text.Encode(parts, Device), redundant);  // [1, 1+N, K]
                var tokens = similarity[0, 1..];                                          // [N, K]
                var prompt = parts.Count == 1
                    ? SimilarityPoints.FromTokens(tokens[.., 0], height, width)
                    : SimilarityPoints.ForCombination(tokens, height, width);
                var map = parts.Count == 1 ? similarity[.., 1..] : CombinedTokens(tokens);
                maps.Add(ToHeatmap(ExplainMode.Single, target, map, height, width, prompt, resolution));
                ct.ThrowIfCancellationRequested();
            }
        }

        return new Explanation(height, width, maps);
    }

    /// <summary>A target's map from a similarity over the whole label set: its column, or the mean of its parts' min–max columns.</summary>
    private static Heatmap LabelSetMap(ExplainMode mode, Tensor similarity, IReadOnlyList<string> labels, string target, int height, int width, int resolution)
    {
        var columns = ExplainRequest.Parts(target).Select(p => (long)IndexOf(labels, p)).ToArray();
        var tokens = similarity[0, 1..].index_select(1, torch.tensor(columns, device: similarity.device));   // [N, K]
        var map = columns.Length == 1 ? tokens.unsqueeze(0) : CombinedTokens(tokens);
        return ToHeatmap(mode, target, map, height, width, null, resolution);
    }

    /// <summary>Combined targets: each part min–max normalised over tokens, then their mean. <c>[N, K]</c> → <c>[1, N, 1]</c>.</summary>
    private static Tensor CombinedTokens(Tensor tokens)
    {
        var min = tokens.amin([0], keepdim: true);
        var norm = (tokens - min) / (tokens.amax([0], keepdim: true) - min);
        return norm.mean([-1], keepdim: true).unsqueeze(0);
    }

    /// <summary>Image tokens <c>[1, N, 1]</c> → a heatmap holding the min–max normalised grid (drawn at full size on demand).</summary>
    private static Heatmap ToHeatmap(ExplainMode mode, string target, Tensor tokens, int height, int width, SamPrompt? points, int resolution)
    {
        var grid = SimilarityMap.NormalizeTokens(tokens).contiguous();                       // [1, 1, S, S]
        return new Heatmap(mode, target, height, width, grid.cpu().data<float>().ToArray(), (int)grid.shape[^1], points, resolution);
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
                return i;
        }
        throw new EngineInputException($"target '{label}'", "is not one of the labels");
    }

    public void Dispose() => Model.Dispose();
}
