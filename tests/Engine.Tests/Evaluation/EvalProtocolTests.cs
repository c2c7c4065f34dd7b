using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Tests.Evaluation;

/// <summary>
/// <see cref="EvalProtocol.For"/> against the methods' published configs, one row per code base and benchmark as read
/// from the files (read-only mirrors: <c>sinahmr/NACLIP</c>, <c>wangf3014/SCLIP</c>, <c>mc-lan/ClearCLIP</c>, each
/// <c>configs/cfg_&lt;set&gt;.py</c> over its segmentor's defaults: NACLIP <c>naclip.py</c> 224/112, scale 40,
/// <c>pamr_steps=10</c>; SCLIP <c>clip_segmentor.py</c> 224/112, scale 40; ClearCLIP <c>clearclip_segmentor.py</c> 448/224, scale 50).
/// Crop 0 = <c>slide_crop=0</c>, the whole image.
/// </summary>
public sealed class EvalProtocolTests
{
    public static TheoryData<string, EvalDatasetKind, string, int, int, int, double, double, double?> Configs() => new()
    {
        // code base, set, config file, short side (Resize scale), crop, stride, logit_scale, prob_thd, area_thd
        { "NACLIP", EvalDatasetKind.Voc21, "cfg_voc21.py", 336, 0, 0, 40, 0.1, null },          // slide_crop=0, prob_thd=0.1
        { "NACLIP", EvalDatasetKind.Voc20, "cfg_voc20.py", 336, 0, 0, 40, 0, null },            // slide_crop=0
        { "NACLIP", EvalDatasetKind.Context60, "cfg_context60.py", 336, 224, 112, 40, 0.1, null },
        { "NACLIP", EvalDatasetKind.Context59, "cfg_context59.py", 336, 224, 112, 40, 0, null },
        { "NACLIP", EvalDatasetKind.CocoObject, "cfg_coco_object.py", 336, 224, 112, 40, 0.1, null },
        { "NACLIP", EvalDatasetKind.CocoStuff, "cfg_coco_stuff164k.py", 336, 224, 112, 40, 0, null },
        { "NACLIP", EvalDatasetKind.Cityscapes, "cfg_city_scapes.py", 560, 224, 112, 40, 0, null },
        { "NACLIP", EvalDatasetKind.Ade20k, "cfg_ade20k.py", 336, 224, 112, 40, 0, null },
        { "SCLIP", EvalDatasetKind.Voc21, "cfg_voc21.py", 336, 224, 112, 65, 0.1, 0.1 },        // logit_scale=65, prob_thd=0.1, area_thd=0.1
        { "SCLIP", EvalDatasetKind.Voc20, "cfg_voc20.py", 336, 224, 112, 40, 0, null },
        { "SCLIP", EvalDatasetKind.Context60, "cfg_context60.py", 336, 224, 112, 50, 0.1, null },
        { "SCLIP", EvalDatasetKind.Context59, "cfg_context59.py", 336, 224, 112, 40, 0, null },
        { "SCLIP", EvalDatasetKind.CocoObject, "cfg_coco_object.py", 336, 224, 112, 50, 0.1, null },
        { "SCLIP", EvalDatasetKind.CocoStuff, "cfg_coco_stuff164k.py", 448, 224, 112, 40, 0, null },   // Resize (2048, 448)
        { "SCLIP", EvalDatasetKind.Cityscapes, "cfg_city_scapes.py", 560, 224, 112, 40, 0, null },
        { "SCLIP", EvalDatasetKind.Ade20k, "cfg_ade20k.py", 336, 224, 112, 40, 0, null },
        { "ClearCLIP", EvalDatasetKind.Voc21, "cfg_voc21.py", 448, 448, 224, 50, 0.5, null },
        { "ClearCLIP", EvalDatasetKind.Voc20, "cfg_voc20.py", 448, 448, 224, 50, 0, null },
        { "ClearCLIP", EvalDatasetKind.Context60, "cfg_context60.py", 448, 448, 224, 50, 0.15, null },
        { "ClearCLIP", EvalDatasetKind.Context59, "cfg_context59.py", 448, 448, 224, 50, 0, null },
        { "ClearCLIP", EvalDatasetKind.CocoObject, "cfg_coco_object.py", 448, 448, 224, 50, 0.4, null },
        { "ClearCLIP", EvalDatasetKind.CocoStuff, "cfg_coco_stuff164k.py", 448, 448, 224, 50, 0, null },
        { "ClearCLIP", EvalDatasetKind.Cityscapes, "cfg_city_scapes.py", 448, 224, 224, 50, 0, null },  // slide_crop=224, stride stays 224
        { "ClearCLIP", EvalDatasetKind.Ade20k, "cfg_ade20k.py", 448, 448, 224, 50, 0, null },
    };

    /// <summary>Which methods each code base runs: NACLIP's <c>--arch</c>/<c>--attn</c> options, ClearCLIP's <c>model_type</c>.</summary>
    private static readonly Dictionary<string, (string Repository, DenseMethod[] Methods)> CodeBases = new()
    {
        ["NACLIP"] = ("sinahmr/NACLIP", [DenseMethod.Naclip, DenseMethod.KkReduced, DenseMethod.ClipDense]),
        ["SCLIP"] = ("wangf3014/SCLIP", [DenseMethod.Sclip]),
        ["ClearCLIP"] = ("mc-lan/ClearCLIP", [DenseMethod.ClearClip, DenseMethod.MaskClip]),
    };

    [Theory, MemberData(nameof(Configs))]
    public void Each_methods_protocol_is_what_its_codes_config_says(string code, EvalDatasetKind dataset, string config, int shortSide,
        int crop, int stride, double logitScale, double threshold, double? area)
    {
        var (repository, methods) = CodeBases[code];
        foreach (var method in methods)
        {
            var p = EvalProtocol.For(method.Method, dataset);
            Assert.Equal(method.Method, p.Method);
            Assert.Equal(dataset, p.Dataset);
            Assert.Equal($"{repository} configs/{config}", p.Source);
            Assert.Equal(shortSide, p.ShortSide);
            var head = Assert.IsType<DenseHead>(p.Head);
            Assert.Equal((crop, stride, logitScale, area), (head.Crop, head.Stride, head.LogitScale, head.AreaThreshold));
            Assert.Equal(crop == 0, head.IsWholeImage);
            Assert.Equal(method.Head.Renormalises, head.Renormalises);
            Assert.Equal(code == "ClearCLIP", head.PadsCrops);
            Assert.Equal(threshold, p.Threshold);
            // PAMR: NACLIP's code runs it by default (pamr_steps=10; the README's main results, "on"); kept for naclip only.
            Assert.Equal(method == DenseMethod.Naclip, p.Pamr);
        }
    }

    [Theory]
    [InlineData(EvalDatasetKind.Voc21, 336, 0.1)]
    [InlineData(EvalDatasetKind.Context59, 336, 0)]
    [InlineData(EvalDatasetKind.Cityscapes, 560, 0)]
    [InlineData(EvalDatasetKind.Ade20k, 448, 0)]   // the issue's ADE 448: used only for cs
    public void CLIP_Surgery_keeps_the_issues_protocol_with_no_head_and_no_PAMR(EvalDatasetKind dataset, int shortSide, double threshold)
    {
        var p = EvalProtocol.For(MapMethod.Surgery, dataset);
        Assert.Equal((shortSide, threshold, false), (p.ShortSide, p.Threshold, p.Pamr));
        Assert.Null(p.Head);
        Assert.Contains("publishes no segmentation eval code", p.Source);
    }

    [Fact]
    public void A_request_overrides_the_short_side_of_every_method_and_PAMR_only_where_offered()
    {
        MapMethod[] methods = [MapMethod.Surgery, DenseMethod.Sclip.Method, DenseMethod.Naclip.Method];
        var own = EvalProtocol.ForRequest(new EvalRequest("d", EvalDatasetKind.Voc21, methods, "r"));
        Assert.Equal(methods.Select(m => EvalProtocol.For(m, EvalDatasetKind.Voc21)), own);

        var forced = EvalProtocol.ForRequest(new EvalRequest("d", EvalDatasetKind.Voc21, methods, "r", Pamr: false, ShortSide: 512));
        Assert.All(forced, p => Assert.Equal(512, p.ShortSide));
        Assert.Equal([false, false, false], forced.Select(p => p.Pamr));
        Assert.Contains("PAMR off asked (its code: on)", forced[2].Source);
        Assert.Contains("short side 512 asked (its config: 336)", forced[1].Source);

        var on = EvalProtocol.ForRequest(new EvalRequest("d", EvalDatasetKind.Voc21, methods, "r", Pamr: true));
        Assert.Equal([false, false, true], on.Select(p => p.Pamr));   // only NACLIP offers PAMR
        Assert.Equal(own, on);                                           // which it has anyway

        Assert.Equal("methods", Assert.Throws<EngineInputException>(() => EvalProtocol.For(MapMethod.Plain, EvalDatasetKind.Voc21)).Subject);
    }
}
