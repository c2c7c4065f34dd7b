using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// The one table of the methods' published test settings behind <see cref="EvalProtocol.For"/>, per code base and
/// benchmark, each row citing its config. Three code bases publish eval code:
/// <list type="bullet">
/// <item>NACLIP (<c>sinahmr/NACLIP</c>: <c>naclip.py</c> defaults slide 224/112, <c>logit_scale=40</c>, <c>pamr_steps=10</c>;
/// its README's main results are <c>test_all.sh reduced naclip 5 on</c>): <c>naclip</c>, and <c>kk_reduced</c> and
/// <c>clip_dense</c>, which are its <c>--arch</c>/<c>--attn</c> options. PAMR is kept for <c>naclip</c> only.</item>
/// <item>SCLIP (<c>wangf3014/SCLIP</c>: <c>clip_segmentor.py</c> defaults slide 224/112, <c>logit_scale=40</c>, no PAMR): <c>sclip</c>.</item>
/// <item>ClearCLIP (<c>mc-lan/ClearCLIP</c>: <c>clearclip_segmentor.py</c> defaults slide 448/224, <c>logit_scale=50</c>):
/// <c>clearclip</c>, and <c>maskclip</c>, its <c>model_type</c> option.</item>
/// </list>
/// CLIP Surgery publishes no segmentation eval code: <c>cs</c> keeps the protocol (<see cref="EvalDatasetSettings"/>).
/// </summary>
public static class EvalProtocols
{
    /// <summary>One benchmark's row for one code base: its config's file name and what it sets.</summary>
    private sealed record Row(EvalDatasetKind Dataset, string Config, int ShortSide, double Threshold,
        bool WholeImage = false, double? LogitScale = null, double? AreaThreshold = null, int? Crop = null);

    /// <summary>NACLIP's <c>configs/cfg_*.py</c>: short side 336 (Cityscapes 560), <c>slide_crop=0</c> on VOC21/VOC20, <c>prob_thd</c> 0.1 on the sets with a background.</summary>
    private static readonly Row[] Naclip =
    [
        new(EvalDatasetKind.Voc21, "cfg_voc21.py", 336, 0.1, WholeImage: true),
        new(EvalDatasetKind.Voc20, "cfg_voc20.py", 336, 0, WholeImage: true),
        new(EvalDatasetKind.Context60, "cfg_context60.py", 336, 0.1),
        new(EvalDatasetKind.Context59, "cfg_context59.py", 336, 0),
        new(EvalDatasetKind.CocoObject, "cfg_coco_object.py", 336, 0.1),
        new(EvalDatasetKind.CocoStuff, "cfg_coco_stuff164k.py", 336, 0),
        new(EvalDatasetKind.Cityscapes, "cfg_city_scapes.py", 560, 0),
        new(EvalDatasetKind.Ade20k, "cfg_ade20k.py", 336, 0),
    ];

    /// <summary>SCLIP's <c>configs/cfg_*.py</c>: short side 336 (Cityscapes 560, COCO-Stuff 448), <c>logit_scale</c> 65/50/50 and <c>prob_thd</c> 0.1 on VOC21/Context60/COCO-Object, <c>area_thd=0.1</c> on VOC21.</summary>
    private static readonly Row[] Sclip =
    [
        new(EvalDatasetKind.Voc21, "cfg_voc21.py", 336, 0.1, LogitScale: 65, AreaThreshold: 0.1),
        new(EvalDatasetKind.Voc20, "cfg_voc20.py", 336, 0),
        new(EvalDatasetKind.Context60, "cfg_context60.py", 336, 0.1, LogitScale: 50),
        new(EvalDatasetKind.Context59, "cfg_context59.py", 336, 0),
        new(EvalDatasetKind.CocoObject, "cfg_coco_object.py", 336, 0.1, LogitScale: 50),
        new(EvalDatasetKind.CocoStuff, "cfg_coco_stuff164k.py", 448, 0),
        new(EvalDatasetKind.Cityscapes, "cfg_city_scapes.py", 560, 0),
        new(EvalDatasetKind.Ade20k, "cfg_ade20k.py", 336, 0),
    ];

    /// <summary>ClearCLIP's <c>configs/cfg_*.py</c>: short side 448 everywhere, <c>slide_crop=224</c> on Cityscapes (stride stays 224), <c>prob_thd</c> 0.5/0.15/0.4 on VOC21/Context60/COCO-Object.</summary>
    private static readonly Row[] ClearClip =
    [
        new(EvalDatasetKind.Voc21, "cfg_voc21.py", 448, 0.5),
        new(EvalDatasetKind.Voc20, "cfg_voc20.py", 448, 0),
        new(EvalDatasetKind.Context60, "cfg_context60.py", 448, 0.15),
        new(EvalDatasetKind.Context59, "cfg_context59.py", 448, 0),
        new(EvalDatasetKind.CocoObject, "cfg_coco_object.py", 448, 0.4),
        new(EvalDatasetKind.CocoStuff, "cfg_coco_stuff164k.py", 448, 0),
        new(EvalDatasetKind.Cityscapes, "cfg_city_scapes.py", 448, 0, Crop: 224),
        new(EvalDatasetKind.Ade20k, "cfg_ade20k.py", 448, 0),
    ];

    /// <summary>The protocol of <paramref name="method"/> on <paramref name="dataset"/>.</summary>
    /// <exception cref="EngineInputException">The method draws no label map.</exception>
    public static EvalProtocol For(MapMethod method, EvalDatasetKind dataset)
    {
        if (method == MapMethod.Surgery)
        {
            var settings = EvalDatasetSettings.For(dataset);
            return new EvalProtocol(method, dataset, settings.ShortSide, null, settings.Threshold, false,
                "the issue's protocol (CLIP Surgery publishes no segmentation eval code)");
        }
        var dense = DenseMethod.All.FirstOrDefault(d => d.Method == method)
            ?? throw new EngineInputException("methods", $"'{method.Name}' draws no label map, so it has no eval protocol");
        var (repository, rows) = dense == DenseMethod.Sclip ? ("wangf3014/SCLIP", Sclip)
            : dense == DenseMethod.ClearClip || dense == DenseMethod.MaskClip ? ("mc-lan/ClearCLIP", ClearClip)
            : ("sinahmr/NACLIP", Naclip);
        var row = rows.Single(r => r.Dataset == dataset);
        var head = dense.Head with { LogitScale = row.LogitScale ?? dense.Head.LogitScale, AreaThreshold = row.AreaThreshold };
        if (row.Crop is { } crop)
            head = head with { Crop = crop };
        if (row.WholeImage)
            head = head.AsWholeImage();
        return new EvalProtocol(method, dataset, row.ShortSide, head, row.Threshold, EvalProtocol.OffersPamr(method), $"{repository} configs/{row.Config}");
    }
}
