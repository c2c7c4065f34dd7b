using ClipSurgeryWeb.Engine.Checkpoints;
using TorchSharp;
using Device = TorchSharp.torch.Device;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// Segment Anything (Kirillov et al., 2023) as published in facebookresearch/segment-anything, ported for inference.
/// </summary>
/// <remarks>
/// <para>
/// Pipeline (<see cref="SamPredictor"/>): the image is resized so its longest side is 1024 with PIL's bilinear
/// filter on uint8 (<see cref="ResizeLongestSide"/>), normalised with <c>pixel_mean</c>/<c>pixel_std</c> and
/// zero-padded to 1024² (<see cref="Preprocess"/>); the ViT image encoder (windowed and global attention with
/// relative positions, conv neck) gives a <c>[1, 256, 64, 64]</c> embedding, computed once per image. Each prompt
/// (points with labels 1/0, optional box, in original pixels scaled like <c>apply_coords</c>) goes through the
/// prompt encoder and the two-way-transformer mask decoder: low-res logits <c>[M, 256, 256]</c> and IoU scores
/// <c>[M]</c>, M = 3 with multimask output, else 1. Masks are the logits upscaled to 1024², cropped to the resized
/// image, upscaled to the original size (bilinear, align_corners false) and thresholded at 0.
/// </para>
/// <para>
/// Modules mirror the reference one to one; their fields carry the state-dict names, so loading is a strict
/// <c>load_state_dict</c> of the checkpoint. Sizes come from the weights (<see cref="SamConfig"/>): the official
/// <c>sam_vit_h_4b8939.pth</c>, <c>sam_vit_l_0b3195.pth</c>, <c>sam_vit_b_01ec64.pth</c>
/// (<see cref="SamCatalog"/>) and smaller test models load the same way. Weights are converted to fp32 and all
/// computation is fp32.
/// </para>
/// <para>
/// Parity (tests/Engine.Tests/Segmentation): against the reference's goldens on the tiny fixture, the image
/// embedding agrees within 1e-4, low-res logits within 1e-3, scores within 1e-4, masks all but ≤ 0.1 % of pixels,
/// the resize within 1 grey level.
/// </para>
/// </remarks>
public sealed class SamModel : torch.nn.Module
{
    /// <summary>Logit threshold of a mask pixel (the reference's <c>mask_threshold</c>).</summary>
    public const float MaskThreshold = 0f;

    private readonly Tensor pixel_mean;
    private readonly Tensor pixel_std;
    private readonly ImageEncoderViT image_encoder;
    private readonly PromptEncoder prompt_encoder;
    private readonly MaskDecoder mask_decoder;

    private SamModel(SamConfig config) : base(nameof(SamModel))
    {
        Config = config;
        // [3] -> [3, 1, 1]; not part of the checkpoint (registered non-persistent, as in the reference).
        pixel_mean = torch.tensor(new[] { 123.675f, 116.28f, 103.53f }).view(-1, 1, 1);
        pixel_std = torch.tensor(new[] { 58.395f, 57.12f, 57.375f }).view(-1, 1, 1);
        register_buffer(nameof(pixel_mean), pixel_mean, persistent: false);
        register_buffer(nameof(pixel_std), pixel_std, persistent: false);
        image_encoder = new ImageEncoderViT(config);
        prompt_encoder = new PromptEncoder(config.PromptEmbedDim, config.ImageEmbeddingSize, config.ImageSize, config.MaskInChans);
        mask_decoder = new MaskDecoder(config);
        RegisterComponents();
    }

    /// <summary>The sizes read from the checkpoint.</summary>
    public SamConfig Config { get; }

    /// <summary>Where the weights live.</summary>
    public Device Device => pixel_mean.device;

    /// <summary>
    /// An untrained model of <paramref name="config"/>'s sizes (TorchSharp's default initialisation) on
    /// <paramref name="device"/> in eval mode: for benchmarks of full-size architectures, whose speed does not depend on
    /// the weights' values. Explaining needs <see cref="Load"/>.
    /// </summary>
    public static SamModel Untrained(SamConfig config, Device device)
    {
        var model = new SamModel(config);
        try
        {
            model.to(device);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads a Segment Anything checkpoint (any size) in any format <see cref="StateDict"/> reads — a <c>torch.save</c>
    /// zip, safetensors, a TorchScript archive — builds the model its shapes describe, loads the weights strictly as
    /// fp32, and moves it to <paramref name="device"/> in eval mode. Whatever fails, nothing it made stays alive.
    /// </summary>
    /// <exception cref="FileNotFoundException">the file does not exist</exception>
    /// <exception cref="InvalidDataException">the file is not a SAM checkpoint (the message names the file and why)</exception>
    public static SamModel Load(string checkpointPath, Device device)
    {
        if (!File.Exists(checkpointPath))
            throw new FileNotFoundException($"SAM checkpoint '{checkpointPath}' does not exist.", checkpointPath);

        StateDict sd;
        try
        {
            sd = StateDict.Load(checkpointPath);
        }
        catch (EngineInputException e)
        {
            throw SamConfig.NotSam(checkpointPath, e.Reason);
        }

        SamModel? model = null;
        using (sd)
        {
            try
            {
                var weights = sd.Tensors.ToDictionary();   // float32 already (StateDict converts fp16, bf16, fp64)
                var config = SamConfig.FromShapes(weights.ToDictionary(kv => kv.Key, kv => kv.Value.shape), checkpointPath);
                model = new SamModel(config);
                CheckKeysAndShapes(model, weights, checkpointPath);
                using (torch.no_grad())
                    model.load_state_dict(weights, strict: true);
                model.to(device);
                model.eval();
                return model;
            }
            catch
            {
                model?.Dispose();
                throw;
            }
        }
    }

    private static void CheckKeysAndShapes(SamModel model, Dictionary<string, Tensor> weights, string path)
    {
        var expected = model.state_dict();
        var missing = expected.Keys.Where(k => !weights.ContainsKey(k)).ToList();
        var unexpected = weights.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw SamConfig.NotSam(path,
                $"{missing.Count} weights are missing ({string.Join(", ", missing.Take(5))}) and {unexpected.Count} are unexpected ({string.Join(", ", unexpected.Take(5))})");
        foreach (var (key, target) in expected)
        {
            if (!target.shape.SequenceEqual(weights[key].shape))
                throw SamConfig.NotSam(path,
                    $"'{key}' has shape [{string.Join(", ", weights[key].shape)}] where the model it describes needs [{string.Join(", ", target.shape)}]");
        }
    }

    /// <summary>Normalises a <c>[B, 3, h, w]</c> image of 0..255 values and zero-pads it to the encoder's square input.</summary>
    internal Tensor Preprocess(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        var x = (image.to(torch.float32) - pixel_mean) / pixel_std;
        var (h, w) = (x.shape[^2], x.shape[^1]);
        x = torch.nn.functional.pad(x, [0, Config.ImageSize - w, 0, Config.ImageSize - h]);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The image embedding <c>[B, 256, 64, 64]</c> of a preprocessed <c>[B, 3, 1024, 1024]</c> batch.</summary>
    internal Tensor EncodeImage(Tensor preprocessed) => image_encoder.call(preprocessed);

    /// <summary>
    /// Low-res mask logits <c>[B, M, 256, 256]</c> and IoU predictions <c>[B, M]</c> for prompts in the 1024 input
    /// frame (prompt encoder, then mask decoder with the dense positional encoding).
    /// </summary>
    internal (Tensor LowResMasks, Tensor IouPredictions) Decode(Tensor imageEmbeddings, (Tensor Coords, Tensor Labels)? points, Tensor? boxes, Tensor? maskInput, bool multimaskOutput)
    {
        using var scope = torch.NewDisposeScope();
        var (sparse, dense) = prompt_encoder.forward(points, boxes, maskInput);
        var (masks, iou) = mask_decoder.forward(imageEmbeddings, prompt_encoder.GetDensePe(), sparse, dense, multimaskOutput);
        return (masks.MoveToOuterDisposeScope(), iou.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Upscales low-res logits to the encoder input (bilinear), removes the padding (<paramref name="inputSize"/>) and
    /// upscales to <paramref name="originalSize"/>: <c>[B, M, H, W]</c> logits.
    /// </summary>
    internal Tensor PostprocessMasks(Tensor masks, (int Height, int Width) inputSize, (int Height, int Width) originalSize)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.nn.functional.interpolate(masks, size: [Config.ImageSize, Config.ImageSize], mode: torch.InterpolationMode.Bilinear, align_corners: false);
        x = x[.., .., ..inputSize.Height, ..inputSize.Width];
        x = torch.nn.functional.interpolate(x, size: [originalSize.Height, originalSize.Width], mode: torch.InterpolationMode.Bilinear, align_corners: false);
        return x.MoveToOuterDisposeScope();
    }
}
