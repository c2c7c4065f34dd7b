using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Web.Services.Evaluations;

/// <summary>The benchmarks as the page names them: the column order of the scores table and the dataset picker's words.</summary>
public static class EvalDatasets
{
    /// <summary>In the order the methods' papers list them.</summary>
    public static IReadOnlyList<EvalDatasetKind> All { get; } = Enum.GetValues<EvalDatasetKind>();

    public static string Label(EvalDatasetKind kind) => kind switch
    {
        EvalDatasetKind.Voc21 => "VOC21",
        EvalDatasetKind.Voc20 => "VOC20",
        EvalDatasetKind.Context60 => "Context-60",
        EvalDatasetKind.Context59 => "Context-59",
        EvalDatasetKind.CocoObject => "COCO-Object",
        EvalDatasetKind.CocoStuff => "COCO-Stuff",
        EvalDatasetKind.Cityscapes => "Cityscapes",
        EvalDatasetKind.Ade20k => "ADE20K",
        _ => kind.ToString(),
    };

    /// <summary>What the folder must hold, for the form's hint.</summary>
    public static string Layout(EvalDatasetKind kind) => kind switch
    {
        EvalDatasetKind.Voc21 or EvalDatasetKind.Voc20 => "VOC2012: JPEGImages, SegmentationClass, ImageSets/Segmentation/val.txt",
        EvalDatasetKind.Context60 or EvalDatasetKind.Context59 => "Pascal Context as converted by mmseg",
        EvalDatasetKind.CocoObject => "COCO-Object (NACLIP's cvt_coco_object.py output)",
        EvalDatasetKind.CocoStuff => "COCO-Stuff 164k: images/val2017, annotations/val2017",
        EvalDatasetKind.Cityscapes => "Cityscapes: leftImg8bit, gtFine (*_labelTrainIds.png)",
        EvalDatasetKind.Ade20k => "ADEChallengeData2016: images/validation, annotations/validation",
        _ => "",
    };
}
