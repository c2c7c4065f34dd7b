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

    public PromptEnsemble Text => text;

    /// <param name="activation">The activation the user states, for a checkpoint whose files do not tell (see <see cref="ClipCheckpoint"/>).</param>
    public static ClipExplainer Load(string checkpointPath, ClipTokenizer tokenizer, EngineOptions options, Activation? activation = null) =>
        Load(checkpointPath, tokenizer, ComputeDevice.Resolve(options.Device), options.TextCacheDir, activation);

    /// <summary>Loads the model onto <paramref name="device"/>; when any step fails (a device that refuses it), the model is disposed before the error goes on.</summary>
    public static ClipExplainer Load(string checkpointPath, ClipTokenizer tokenizer, Device device, string? textCacheDir, Activation? activation = null)
    {
        var sha = FileChecksum.Sha256(ClipCheckpoint.WeightsFile(checkpointPath));
        ClipModel model;
        using (var sd = StateDict.Load(checkpointPath, activation))
            model = ClipModel.FromStateDict(sd);
        try
        {
            model.to(device);
            // Text features are cached per checksum: the same weights run with GELU are another model.
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

    public Explanation Explain(Image<Rgb24> image, ExplainRequest request, CancellationToken ct = default) =>
        Explain(resolution => ClipPreprocessor.ToInput(image, resolution), image.Height, image.Width, request, ct);

    /// <summary>
    /// Explains an image given as its preprocessed inputs: <paramref name="preprocess"/> returns <c>[1, 3, n, n]</c>
    /// for a resolution n (the caller owns nothing it returns: it is disposed with the explanation's scope).
    /// </summary>
    public Explanation Explain(Func<int, Tensor> preprocess, int height, int width, ExplainRequest request, CancellationToken ct = default)
    {
        request.Validate();
        foreach (var label in request.Labels.Concat(request.EffectiveTargets.SelectMany(ExplainRequest.Parts)).Distinct())
            text.Validate(label);

        int native = Model.Visual.InputResolution;
        int resolution = request.Resolution ?? native;
        int cell = Model.Config.VisionPatchSize ?? 32;
        if (resolution / cell < 2)
            throw new EngineInputException("resolution", $"{resolution} gives this model a {resolution / cell}×{resolution / cell} token grid; maps need at least 2×2 ({2 * cell} or more)");
        var maps = new List<Heatmap>();

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var input = preprocess(resolution).to(Device);               // [1, 3, R, R]
        bool needsLabels = (request.Modes & (ExplainMode.Surgery | ExplainMode.Plain)) != 0;
        var labelFeatures = needsLabels ? text.Encode(request.Labels, Device) : null;    // [T, D]

        Tensor? surgery = null;
        if ((request.Modes & (ExplainMode.Surgery | ExplainMode.Single)) != 0)
            surgery = FeatureSurgery.NormalizeOverTokens(Model.Visual.EncodeSurgery(input));   // [1, 1+N, D]
        ct.ThrowIfCancellationRequested();

        if (request.Modes.HasFlag(ExplainMode.Surgery))
        {
            var similarity = FeatureSurgery.Similarity(surgery!, labelFeatures!);        // [1, 1+N, T]
            foreach (var target in request.EffectiveTargets)
                maps.Add(LabelSetMap(ExplainMode.Surgery, similarity, request.Labels, target, height, width, resolution));
        }

        if (request.Modes.HasFlag(ExplainMode.Plain))
        {
            // The plain ViT has no position-embedding interpolation: its maps exist only at the model's own size.
            int plainResolution = Model.Config.IsVisionTransformer ? native : resolution;
            var plainInput = plainResolution == resolution ? input : preprocess(plainResolution).to(Device);
            var plain = FeatureSurgery.NormalizeOverTokens(Model.Visual.EncodePlain(plainInput));
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
