using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Web.Services.Evaluations;

/// <summary>
/// The published figures the Evaluate page shows beside ours, for reference — in one place, each with its source and
/// the table it comes from. The papers' own tables could not be opened here (the stored arXiv pages end before them),
/// so a paper's figures are listed only where several later works' comparison tables quote them identically (named in
/// the citation); the repositories' README tables, read at a commit, are listed as their own rows, since they measure
/// each repository's current code (NACLIP's with PAMR on, as its reproduction command runs it).
/// </summary>
public static class PublishedScores
{
    public static readonly Citation ClipSurgeryPaper = new("clip-surgery",
        "Li, Wang, Duan, Li 2023, “CLIP Surgery for Better Explainability with Enhancement in Open-Vocabulary Tasks”, arXiv 2304.05653",
        "Table 6 (ViT-B/16, no post-processing), as the repository's README shows it (figs/fig6.jpg, commit d4696d4)",
        "https://github.com/xmed-lab/CLIP_Surgery/blob/d4696d47f49cfe70f49140afe5eb94f94c5f59bc/README.md");

    public static readonly Citation SclipPaper = new("sclip-paper",
        "Wang, Mei, Yuille, ECCV 2024, “SCLIP: Rethinking Self-Attention for Dense Vision-Language Inference”, arXiv 2312.01597",
        "the paper's main comparison (ViT-B/16, no post-processing; mean 38.2 as its abstract states), as quoted identically by " +
        "the comparison tables of Trident (README, commit 0196260), ResCLIP (README, commit 0e085f7), FreeCP (README) and DeCLIP (Table 5)",
        "https://arxiv.org/abs/2312.01597");

    public static readonly Citation SclipReadme = new("sclip",
        "Wang, Mei, Yuille, SCLIP, code at github.com/wangf3014/SCLIP",
        "README “Results” table (the repository's default setup, ViT-B/16, no PAMR), commit b56bd30",
        "https://github.com/wangf3014/SCLIP/blob/b56bd3014b9e8a3ee3450bcfc53700a67d627b7a/README.md");

    public static readonly Citation NaclipPaper = new("naclip-paper",
        "Hajimiri, Ben Ayed, Dolz, WACV 2025, “Pay Attention to Your Neighbours: Training-Free Open-Vocabulary Semantic Segmentation”, arXiv 2404.08181",
        "the paper's main comparison without post-processing (ViT-B/16, mean 39.4), as quoted identically by the comparison " +
        "tables of Trident (README, commit 0196260) and ResCLIP (README, commit 0e085f7)",
        "https://arxiv.org/abs/2404.08181");

    public static readonly Citation NaclipReadme = new("naclip",
        "Hajimiri, Ben Ayed, Dolz, NACLIP, code at github.com/sinahmr/NACLIP",
        "README “Results” table (default setup, ViT-B/16; its reproduction command runs with PAMR on), commit 0cac3a6",
        "https://github.com/sinahmr/NACLIP/blob/0cac3a651f753b11315ea799cfbfabf79da1bd76/README.md");

    public static readonly Citation ClearClipReadme = new("clearclip",
        "Lan, Chen, Ke, Wang, Feng, Zhang, ECCV 2024, “ClearCLIP: Decomposing CLIP Representations for Dense Vision-Language Inference”, arXiv 2407.12442",
        "README comparison on the five sets without background (assets/results.png, ViT-B/16, 448 short side), commit ad68a40; " +
        "VOC-21, Context-60 and COCO-Object as quoted identically by ResCLIP, FreeCP and DeCLIP (Table 5)",
        "https://github.com/mc-lan/ClearCLIP/blob/ad68a404d55d48d27330b93554eb64a234ff717f/README.md");

    private const string VitB16 = "ViT-B/16";

    private const string QuotedByLaterWorks = "quoted by later works' tables (ResCLIP, FreeCP, DeCLIP), not read in ClearCLIP's own";

    public static IReadOnlyList<PublishedScore> All { get; } =
    [
        new("CLIP Surgery", VitB16, EvalDatasetKind.Context59, 29.3, ClipSurgeryPaper,
            "the paper says “PASCAL Context” without the class count (ResCLIP's table lists it under Context-60); shown under Context-59"),
        new("CLIP Surgery", VitB16, EvalDatasetKind.CocoStuff, 21.9, ClipSurgeryPaper),
        new("CLIP Surgery", VitB16, EvalDatasetKind.Cityscapes, 31.4, ClipSurgeryPaper),

        new("SCLIP", VitB16, EvalDatasetKind.Voc21, 59.1, SclipPaper),
        new("SCLIP", VitB16, EvalDatasetKind.Context60, 30.4, SclipPaper),
        new("SCLIP", VitB16, EvalDatasetKind.CocoObject, 30.5, SclipPaper),
        new("SCLIP", VitB16, EvalDatasetKind.Voc20, 80.4, SclipPaper),
        new("SCLIP", VitB16, EvalDatasetKind.Context59, 34.2, SclipPaper),
        new("SCLIP", VitB16, EvalDatasetKind.CocoStuff, 22.4, SclipPaper),
        new("SCLIP", VitB16, EvalDatasetKind.Cityscapes, 32.2, SclipPaper),
        new("SCLIP", VitB16, EvalDatasetKind.Ade20k, 16.1, SclipPaper),

        new("SCLIP (repository)", VitB16, EvalDatasetKind.Voc21, 59.63, SclipReadme),
        new("SCLIP (repository)", VitB16, EvalDatasetKind.Context60, 31.74, SclipReadme),
        new("SCLIP (repository)", VitB16, EvalDatasetKind.CocoObject, 33.52, SclipReadme),
        new("SCLIP (repository)", VitB16, EvalDatasetKind.Voc20, 81.54, SclipReadme),
        new("SCLIP (repository)", VitB16, EvalDatasetKind.Context59, 34.46, SclipReadme),
        new("SCLIP (repository)", VitB16, EvalDatasetKind.CocoStuff, 22.77, SclipReadme),
        new("SCLIP (repository)", VitB16, EvalDatasetKind.Cityscapes, 32.34, SclipReadme),
        new("SCLIP (repository)", VitB16, EvalDatasetKind.Ade20k, 16.45, SclipReadme),

        new("NACLIP", VitB16, EvalDatasetKind.Voc21, 58.9, NaclipPaper),
        new("NACLIP", VitB16, EvalDatasetKind.Context60, 32.2, NaclipPaper),
        new("NACLIP", VitB16, EvalDatasetKind.CocoObject, 33.2, NaclipPaper),
        new("NACLIP", VitB16, EvalDatasetKind.Voc20, 79.7, NaclipPaper),
        new("NACLIP", VitB16, EvalDatasetKind.Context59, 35.2, NaclipPaper),
        new("NACLIP", VitB16, EvalDatasetKind.CocoStuff, 23.3, NaclipPaper),
        new("NACLIP", VitB16, EvalDatasetKind.Cityscapes, 35.5, NaclipPaper),
        new("NACLIP", VitB16, EvalDatasetKind.Ade20k, 17.4, NaclipPaper),

        new("NACLIP + PAMR (repository)", VitB16, EvalDatasetKind.Voc21, 64.07, NaclipReadme),
        new("NACLIP + PAMR (repository)", VitB16, EvalDatasetKind.Context60, 34.99, NaclipReadme),
        new("NACLIP + PAMR (repository)", VitB16, EvalDatasetKind.CocoObject, 36.19, NaclipReadme),
        new("NACLIP + PAMR (repository)", VitB16, EvalDatasetKind.Voc20, 83.03, NaclipReadme),
        new("NACLIP + PAMR (repository)", VitB16, EvalDatasetKind.Cityscapes, 38.27, NaclipReadme),
        new("NACLIP + PAMR (repository)", VitB16, EvalDatasetKind.Context59, 38.35, NaclipReadme),
        new("NACLIP + PAMR (repository)", VitB16, EvalDatasetKind.Ade20k, 19.05, NaclipReadme),
        new("NACLIP + PAMR (repository)", VitB16, EvalDatasetKind.CocoStuff, 25.69, NaclipReadme),

        new("ClearCLIP", VitB16, EvalDatasetKind.Voc21, 51.8, ClearClipReadme, QuotedByLaterWorks),
        new("ClearCLIP", VitB16, EvalDatasetKind.Context60, 32.6, ClearClipReadme, QuotedByLaterWorks),
        new("ClearCLIP", VitB16, EvalDatasetKind.CocoObject, 33.0, ClearClipReadme, QuotedByLaterWorks),
        new("ClearCLIP", VitB16, EvalDatasetKind.Voc20, 80.9, ClearClipReadme),
        new("ClearCLIP", VitB16, EvalDatasetKind.Context59, 35.9, ClearClipReadme),
        new("ClearCLIP", VitB16, EvalDatasetKind.CocoStuff, 23.9, ClearClipReadme),
        new("ClearCLIP", VitB16, EvalDatasetKind.Cityscapes, 30.0, ClearClipReadme),
        new("ClearCLIP", VitB16, EvalDatasetKind.Ade20k, 16.7, ClearClipReadme),
    ];

    /// <summary>The sources, in the order their figures are listed.</summary>
    public static IReadOnlyList<Citation> Citations => All.Select(s => s.Source).Distinct().ToList();
}
