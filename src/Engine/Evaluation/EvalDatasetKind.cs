namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// The benchmarks, named as the training-free methods' configs name them (SCLIP, NACLIP: <c>cfg_voc21.py</c>, …).
/// Each fixes a folder layout, a class count and whether labels are reduced by one (mmseg's <c>reduce_zero_label</c>).
/// Reduction as the methods' dataset classes set it (SCLIP and NACLIP <c>custom_datasets.py</c>: PascalVOC20Dataset and
/// PascalContext59Dataset reduce, PascalContext60Dataset and COCOObjectDataset do not; ADE20K reduces, NACLIP's <c>cfg_ade20k.py</c> LoadAnnotations).
/// </summary>
public enum EvalDatasetKind
{
    /// <summary>VOC2012 val, 21 classes with background.</summary>
    Voc21,

    /// <summary>VOC2012 val without background: 20 classes, label 0 (background) ignored, the rest shifted down by one.</summary>
    Voc20,

    /// <summary>Pascal Context val as converted by mmseg, 60 classes with background.</summary>
    Context60,

    /// <summary>Pascal Context val, 59 classes: reduce zero label.</summary>
    Context59,

    /// <summary>COCO-Object (NACLIP's <c>cvt_coco_object.py</c> output): 81 classes with background.</summary>
    CocoObject,

    /// <summary>COCO-Stuff 164k val2017, 171 classes (<c>*_labelTrainIds.png</c>).</summary>
    CocoStuff,

    /// <summary>Cityscapes val, 19 classes (<c>*_gtFine_labelTrainIds.png</c>).</summary>
    Cityscapes,

    /// <summary>ADE20K (ADEChallengeData2016) validation, 150 classes: reduce zero label.</summary>
    Ade20k,
}
