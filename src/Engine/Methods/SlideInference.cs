using ClipSurgeryWeb.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// The dense methods' sliding-window head (METHODS.md, NACLIP/SCLIP's <c>forward_slide</c>): crops of
/// <c>crop</c>×<c>crop</c> every <c>stride</c> pixels, the last window flush with the edge; per crop, the encoding's patch
/// features (class token dropped, L2-normalised per token) against the query features, <c>[Q, h/16, w/16]</c>, bilinear
/// (align_corners false) to the crop's size; the crops summed into the canvas and divided by the per-pixel count.
/// All crops of an image are encoded as one batch.
/// </summary>
public static class SlideInference
{
    /// <summary>The methods' defaults: 224 crops every 112 pixels.</summary>
    public const int DefaultCrop = 224, DefaultStride = 112;

    /// <summary>The windows' top-left corners along one axis of <paramref name="size"/> pixels (the reference's grid rule).</summary>
    public static IReadOnlyList<int> Starts(int size, int crop, int stride)
    {
        int grids = Math.Max(size - crop + stride - 1, 0) / stride + 1;
        return Enumerable.Range(0, grids).Select(i => Math.Max(Math.Min(i * stride + crop, size) - crop, 0)).ToList();
    }

    /// <summary>
    /// <paramref name="image"/> <c>[1, 3, H, W]</c> (normalised), <paramref name="queries"/> <c>[Q, D]</c> (L2-normalised)
    /// → slide logits <c>[1, Q, H, W]</c> of one encoding, windows of <paramref name="crop"/> every <paramref name="stride"/>
    /// pixels, unpadded (NACLIP's and SCLIP's <c>forward_slide</c>).
    /// </summary>
    public static Tensor Logits(ClipModel model, IImageEncoding encoding, Tensor image, Tensor queries, int crop = DefaultCrop, int stride = DefaultStride)
    {
        CheckImage(image);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var windows = Windows(image, crop, stride);
        var crops = Crops(image, windows, Padding.None);                          // [n, 3, ch, cw]
        var tokens = encoding.Encode(model, crops);                               // [n, 1+N, D]
        int patch = model.Visual is VisionTransformer vit
            ? vit.PatchSize
            : (int)Math.Round(Math.Sqrt((double)(crops.shape[2] * crops.shape[3]) / (tokens.shape[1] - 1)));
        var logits = CropLogits(tokens, queries, crops, patch, Padding.None);      // [n, Q, ch, cw]
        return Canvas(logits, windows, image).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Slide logits <c>[1, Q, H, W]</c> of several dense methods on one image, one per method in the order given, each
    /// with its own head's crop and stride (<see cref="DenseMethod.Head"/>): <see cref="Logits(ClipModel, IReadOnlyList{ValueTuple{DenseMethod, DenseHead}}, Tensor, Tensor)"/>
    /// with every method's default head.
    /// </summary>
    public static IReadOnlyList<Tensor> Logits(ClipModel model, IReadOnlyList<DenseMethod> methods, Tensor image, Tensor queries) =>
        Logits(model, methods.Select(m => (m, m.Head)).ToList(), image, queries);

    /// <summary>
    /// Slide logits <c>[1, Q, H, W]</c> of several dense methods on one image, one per pair in the order given, each
    /// read with the pair's head (an eval protocol's, or the method's own <see cref="DenseMethod.Head"/>). Methods whose
    /// heads have the same windows share one batch of crops, and on it the first L−1 blocks of the ViT run once for all
    /// of them (<see cref="VisionTransformer.EncodeDense(Tensor, IReadOnlyList{DenseAttention})"/>); only each method's
    /// last block and its logits are its own. The numbers are those of <see cref="Logits(ClipModel, IImageEncoding, Tensor, Tensor, int, int)"/>
    /// per method. Heads that pad (<see cref="DenseHead.PadsCrops"/>, ClearCLIP's <c>forward_slide</c>) zero-pad each
    /// window to whole patches, split evenly with the extra pixel at the end, and cut the logits back. A whole-image head
    /// (<see cref="DenseHead.IsWholeImage"/>, NACLIP's <c>forward_feature</c>) encodes the input as it is, one window:
    /// the patch convolution drops a remainder, the position table is resized to the ⌊H/p⌋×⌊W/p⌋ grid, and the grid's
    /// logits are stretched bilinearly over the whole input.
    /// </summary>
    public static IReadOnlyList<Tensor> Logits(ClipModel model, IReadOnlyList<(DenseMethod Method, DenseHead Head)> methods, Tensor image, Tensor queries)
    {
        CheckImage(image);
        if (methods.Count == 0)
            throw new EngineInputException("methods", "no dense method given");
        if (model.Visual is not VisionTransformer vit)
            throw new EngineInputException("modes", $"'{methods[0].Method.Method.Name}' needs a ViT CLIP (its last attention block); this model is a ResNet");
        foreach (var (_, head) in methods)
            head.Validate();
        using var noGrad = torch.no_grad();
        var results = new Tensor[methods.Count];
        using (var scope = torch.NewDisposeScope())
        {
            // One key per set of windows: a whole-image head has one window however its stride or padding reads.
            var groups = methods.Select((p, i) => (p.Method, p.Head, Index: i))
                .GroupBy(p => p.Head.IsWholeImage ? (Crop: 0, Stride: 0, Pads: false) : (Crop: p.Head.Crop, Stride: p.Head.Stride, Pads: p.Head.PadsCrops));
            foreach (var group in groups)
            {
                var windows = group.Key.Crop == 0 ? WholeWindow(image) : Windows(image, group.Key.Crop, group.Key.Stride);
                int ch = windows[0].Y2 - windows[0].Y1, cw = windows[0].X2 - windows[0].X1;   // every window has the same size
                var padding = group.Key.Pads ? Padding.ToPatches(ch, cw, vit.PatchSize) : Padding.None;
                var crops = Crops(image, windows, padding);                                    // [n, 3, ch', cw']
                var kinds = group.Select(p => p.Method.DenseEncoding.Attention).Distinct().ToList();
                var tokens = vit.EncodeDense(crops, kinds);                                    // per kind [n, 1+N, D]
                foreach (var (method, _, index) in group)
                {
                    var logits = CropLogits(tokens[kinds.IndexOf(method.DenseEncoding.Attention)], queries, crops, vit.PatchSize, padding);   // [n, Q, ch, cw]
                    results[index] = Canvas(logits, windows, image).MoveToOuterDisposeScope();
                }
            }
        }
        return results;
    }

    private static void CheckImage(Tensor image)
    {
        if (image.dim() != 4 || image.shape[0] != 1)
            throw new EngineInputException("image", $"slide inference takes one image [1, 3, H, W] (got [{string.Join(", ", image.shape)}])");
    }

    private static List<(int Y1, int X1, int Y2, int X2)> Windows(Tensor image, int crop, int stride)
    {
        int h = (int)image.shape[2], w = (int)image.shape[3];
        return (from y in Starts(h, crop, stride) from x in Starts(w, crop, stride)
                select (Y1: y, X1: x, Y2: Math.Min(y + crop, h), X2: Math.Min(x + crop, w))).ToList();
    }

    /// <summary>The whole input as one window (NACLIP's <c>slide_crop=0</c>).</summary>
    private static List<(int Y1, int X1, int Y2, int X2)> WholeWindow(Tensor image) => [(0, 0, (int)image.shape[2], (int)image.shape[3])];

    /// <summary>The windows as one batch <c>[n, 3, ch, cw]</c>, zero-padded by <paramref name="padding"/>.</summary>
    private static Tensor Crops(Tensor image, List<(int Y1, int X1, int Y2, int X2)> windows, Padding padding)
    {
        var crops = torch.cat(windows.Select(c => image[.., .., c.Y1..c.Y2, c.X1..c.X2]).ToArray(), 0);   // [n, 3, ch, cw]
        return padding.Any ? F.pad(crops, [padding.Left, padding.Right, padding.Top, padding.Bottom]) : crops;   // [n, 3, ch + t + b, cw + l + r]
    }

    /// <summary>
    /// Per crop: patch tokens (class token dropped, L2-normalised per token) @ queryᵀ, the <c>⌊ch/p⌋×⌊cw/p⌋</c> grid
    /// bilinear (align_corners false) to the crop's size, the padding cut off. <c>[n, 1+N, D]</c> → <c>[n, Q, ch, cw]</c>.
    /// </summary>
    private static Tensor CropLogits(Tensor tokens, Tensor queries, Tensor crops, int patch, Padding padding)
    {
        var patches = tokens[.., 1..];                                             // [n, N, D]
        patches = patches / patches.norm(-1, keepdim: true);                       // per-token L2
        var logits = patches.matmul(queries.to(patches.dtype, patches.device).t());   // [n, N, Q]
        long gh = crops.shape[2] / patch, gw = crops.shape[3] / patch;
        logits = logits.permute(0, 2, 1).reshape(logits.shape[0], logits.shape[2], gh, gw);   // [n, N, Q] -> [n, Q, N] -> [n, Q, gh, gw]
        logits = F.interpolate(logits, [crops.shape[2], crops.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);   // [n, Q, ch', cw']
        return padding.Any
            ? logits[.., .., padding.Top..(int)(crops.shape[2] - padding.Bottom), padding.Left..(int)(crops.shape[3] - padding.Right)]   // [n, Q, ch, cw]
            : logits;
    }

    /// <summary>The crops' logits summed into the image's canvas and divided by the per-pixel count: <c>[1, Q, H, W]</c>.</summary>
    private static Tensor Canvas(Tensor logits, List<(int Y1, int X1, int Y2, int X2)> windows, Tensor image)
    {
        int h = (int)image.shape[2], w = (int)image.shape[3];
        var canvas = torch.zeros(1, logits.shape[1], h, w, dtype: logits.dtype, device: logits.device);   // [1, Q, H, W]
        var count = torch.zeros(1, 1, h, w, dtype: logits.dtype, device: logits.device);                  // [1, 1, H, W]
        for (int i = 0; i < windows.Count; i++)
        {
            var c = windows[i];
            canvas[.., .., c.Y1..c.Y2, c.X1..c.X2].add_(logits[i..(i + 1)]);
            count[.., .., c.Y1..c.Y2, c.X1..c.X2].add_(1);
        }
        return canvas / count;
    }

    /// <summary>Zero padding of a window to whole patches (ClearCLIP's <c>compute_padsize</c>): the odd pixel goes to the end.</summary>
    private readonly record struct Padding(int Left, int Right, int Top, int Bottom)
    {
        public static Padding None => default;

        public bool Any => Left + Right + Top + Bottom > 0;

        public static Padding ToPatches(int height, int width, int patch)
        {
            int lr = width % patch == 0 ? 0 : patch - width % patch, tb = height % patch == 0 ? 0 : patch - height % patch;
            return new(lr / 2, lr - lr / 2, tb / 2, tb - tb / 2);
        }
    }

    /// <summary>
    /// The methods' post-processing of slide logits <c>[1, Q, H, W]</c>: <c>softmax(scale · logits)</c> over queries; a
    /// class's probability is the max over its queries (<paramref name="queryClass"/>: each query's class id, classes
    /// 0…C−1 in file order); with <paramref name="areaThreshold"/>, SCLIP's <c>area_thd</c> (its
    /// <c>postprocess_result</c>, in its order): the argmax over classes gives each foreground class (1…C−1) its area,
    /// and a class whose area is not above <c>areaThreshold · (sum of the foreground areas)</c> has its probability plane
    /// zeroed (class 0 never is); then prediction = argmax over classes (ties to the first class), pixels whose best
    /// probability is below <paramref name="threshold"/> → class 0. Returns the prediction <c>[1, H, W]</c> (int64) and the class
    /// probabilities <c>[C, H, W]</c> (zeroed planes included), renormalised to sum 1 when <paramref name="renormalise"/> (NACLIP/SCLIP) or left as
    /// the max over names (ClearCLIP/MaskCLIP).
    /// </summary>
    public static (Tensor Prediction, Tensor Probabilities) Classify(Tensor logits, IReadOnlyList<int> queryClass, double scale = 40,
        double threshold = 0, bool renormalise = true, double? areaThreshold = null)
    {
        if (logits.shape[1] != queryClass.Count)
            throw new EngineInputException("queries", $"{logits.shape[1]} query maps but {queryClass.Count} query classes");
        if (areaThreshold is { } share && (share is < 0 or >= 1 || double.IsNaN(share)))
            throw new EngineInputException("area threshold", $"{share} is not a share in [0, 1)");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var probs = F.softmax(logits[0] * scale, 0);                                  // [Q, H, W]
        int classes = queryClass.Max() + 1;
        var perClass = Enumerable.Range(0, classes).Select(c =>
        {
            var members = queryClass.Select((k, q) => (k, q)).Where(p => p.k == c).Select(p => (long)p.q).ToArray();
            if (members.Length == 0)
                throw new EngineInputException("queries", $"class {c} has no query");
            return probs.index_select(0, torch.tensor(members, device: probs.device)).amax([0]);   // [m, H, W] -> [H, W]
        }).ToArray();
        var classProbs = torch.stack(perClass, 0);                                    // [C, H, W]
        if (areaThreshold is { } area && classes > 1)
            classProbs = DropSmallAreas(classProbs, area);                            // [C, H, W]
        var (best, pred) = classProbs.max(0, keepdim: true);                          // [1, H, W] each
        pred = pred.masked_fill(best.lt(threshold), 0);
        var outProbs = renormalise ? classProbs / classProbs.sum(0, keepdim: true) : classProbs;
        return (pred.MoveToOuterDisposeScope(), outProbs.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// <see cref="Classify(Tensor, IReadOnlyList{int}, double, double, bool, double?)"/> with a head's logit scale,
    /// renormalisation and area threshold.
    /// </summary>
    public static (Tensor Prediction, Tensor Probabilities) Classify(Tensor logits, IReadOnlyList<int> queryClass, DenseHead head, double threshold) =>
        Classify(logits, queryClass, head.LogitScale, threshold, head.Renormalises, head.AreaThreshold);

    /// <summary>
    /// SCLIP's <c>area_thd</c> step on class probabilities <c>[C, H, W]</c>, in its tensors' dtype as its code computes it:
    /// the argmax's one-hot summed over pixels, the foreground classes' areas compared (strictly greater) with
    /// <c>share · their sum</c>, the planes of classes 1…C−1 multiplied by the 0/1 result.
    /// </summary>
    private static Tensor DropSmallAreas(Tensor classProbs, double share)
    {
        long classes = classProbs.shape[0];
        var winner = classProbs.argmax(0);                                                                 // [H, W]
        var areas = F.one_hot(winner, classes).to(classProbs.dtype).sum([0, 1]);                            // [H, W, C] -> [C]
        var foreground = areas[1..];                                                                       // [C-1]
        var keep = foreground.gt(foreground.sum() * share).to(classProbs.dtype);                           // [C-1]
        return torch.cat([classProbs[..1], classProbs[1..] * keep.reshape(classes - 1, 1, 1)], 0);         // [C-1] -> [C-1, 1, 1]; [C, H, W]
    }
}
