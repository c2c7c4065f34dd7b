using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Web.Services.Evaluations;

/// <summary>
/// The published figures the Evaluate page shows beside ours, for reference — in one place, each with its source. Only
/// figures read from the cited source are here: SCLIP's and NACLIP's papers' tables could not be read when this list was
/// made, so their figures are those of their repositories' README "Results" tables (each repository's default setup
/// with ViT-B/16, its <c>configs/base_config.py</c>), cited as such, at the commit read. CLIP Surgery's are the figures
/// issue 12 gives for its paper.
/// </summary>
public static class PublishedScores
{
    public static readonly Citation ClipSurgeryPaper = new("clip-surgery",
        "Li, Wang, Duan, Li 2023, “CLIP Surgery for Better Explainability with Enhancement in Open-Vocabulary Tasks”, arXiv 2304.05653",
        "open-vocabulary semantic segmentation figures as issue 12 quotes them (Context 29.3, COCO-Stuff 21.9, Cityscapes 31.4)",
        "https://arxiv.org/abs/2304.05653");

    public static readonly Citation SclipReadme = new("sclip",
        "Wang, Mei, Yuille 2023, “SCLIP: Rethinking Self-Attention for Dense Vision-Language Inference”, arXiv 2312.01597",
        "github.com/wangf3014/SCLIP README, “Results” table (default setup, ViT-B/16), commit b56bd30",
        "https://github.com/wangf3014/SCLIP/blob/b56bd3014b9e8a3ee3450bcfc53700a67d627b7a/README.md");

    public static readonly Citation NaclipReadme = new("naclip",
        "Hajimiri, Ben Ayed, Dolz, WACV 2025, “Pay Attention to Your Neighbours: Training-Free Open-Vocabulary Semantic Segmentation”, arXiv 2404.08181",
        "github.com/sinahmr/NACLIP README, “Results” table (default setup, ViT-B/16; its reproduction command runs with PAMR on), commit 0cac3a6",
        "https://github.com/sinahmr/NACLIP/blob/0cac3a651f753b11315ea799cfbfabf79da1bd76/README.md");

    private const string VitB16 = "ViT-B/16";

    public static IReadOnlyList<PublishedScore> All { get; } =
    [
        new("CLIP Surgery", VitB16, EvalDatasetKind.Context59, 29.3, ClipSurgeryPaper,
            "the issue says “Context” without the class count; shown under Context-59 (not checked against the paper)"),
        new("CLIP Surgery", VitB16, EvalDatasetKind.CocoStuff, 21.9, ClipSurgeryPaper),
        new("CLIP Surgery", VitB16, EvalDatasetKind.Cityscapes, 31.4, ClipSurgeryPaper),

        new("SCLIP", VitB16, EvalDatasetKind.Voc21, 59.63, SclipReadme),
        new("SCLIP", VitB16, EvalDatasetKind.Context60, 31.74, SclipReadme),
        new("SCLIP", VitB16, EvalDatasetKind.CocoObject, 33.52, SclipReadme),
        new("SCLIP", VitB16, EvalDatasetKind.Voc20, 81.54, SclipReadme),
        new("SCLIP", VitB16, EvalDatasetKind.Context59, 34.46, SclipReadme),
        new("SCLIP", VitB16, EvalDatasetKind.CocoStuff, 22.77, SclipReadme),
        new("SCLIP", VitB16, EvalDatasetKind.Cityscapes, 32.34, SclipReadme),
        new("SCLIP", VitB16, EvalDatasetKind.Ade20k, 16.45, SclipReadme),

        new("NACLIP", VitB16, EvalDatasetKind.Voc21, 64.07, NaclipReadme),
        new("NACLIP", VitB16, EvalDatasetKind.Context60, 34.99, NaclipReadme),
        new("NACLIP", VitB16, EvalDatasetKind.CocoObject, 36.19, NaclipReadme),
        new("NACLIP", VitB16, EvalDatasetKind.Voc20, 83.03, NaclipReadme),
        new("NACLIP", VitB16, EvalDatasetKind.Cityscapes, 38.27, NaclipReadme),
        new("NACLIP", VitB16, EvalDatasetKind.Context59, 38.35, NaclipReadme),
        new("NACLIP", VitB16, EvalDatasetKind.Ade20k, 19.05, NaclipReadme),
        new("NACLIP", VitB16, EvalDatasetKind.CocoStuff, 25.69, NaclipReadme),
    ];

    /// <summary>The sources, in the order their figures are listed.</summary>
    public static IReadOnlyList<Citation> Citations => All.Select(s => s.Source).Distinct().ToList();
}
