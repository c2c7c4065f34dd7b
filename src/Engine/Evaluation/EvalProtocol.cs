using System.Globalization;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// How one method is scored on one benchmark: what its own published test code does there (its
/// <c>configs/cfg_&lt;dataset&gt;.py</c> over its segmentor's defaults), so our number is the one its code would give.
/// <see cref="For"/> reads one table (<see cref="EvalProtocols"/>) that cites each config file.
/// </summary>
/// <param name="Method">The method scored.</param>
/// <param name="Dataset">The benchmark.</param>
/// <param name="ShortSide">The test pipeline's <c>Resize(scale=(2048, short))</c>.</param>
/// <param name="Head">The dense head (windows, logit scale, renormalisation, SCLIP's area threshold); null for CLIP
/// Surgery, which has none (feature surgery maps, argmax).</param>
/// <param name="Threshold">The config's <c>prob_thd</c>: pixels whose best class probability is below it go to class 0.</param>
/// <param name="Pamr">PAMR refinement (10 steps, dilations 8 and 16) on the logits at the label size before the argmax.</param>
/// <param name="Source">Where the numbers come from: the config file (repository and path), or why there is none.</param>
public sealed record EvalProtocol(MapMethod Method, EvalDatasetKind Dataset, int ShortSide, DenseHead? Head, double Threshold, bool Pamr, string Source)
{
    /// <summary>The protocol of <paramref name="method"/> on <paramref name="dataset"/>, as its own code's config gives it.</summary>
    /// <exception cref="EngineInputException">The method draws no label map.</exception>
    public static EvalProtocol For(MapMethod method, EvalDatasetKind dataset) => EvalProtocols.For(method, dataset);

    /// <summary>
    /// The protocols of an eval's methods, in the request's order, with its overrides: <see cref="EvalRequest.ShortSide"/>
    /// for every method, <see cref="EvalRequest.Pamr"/> for every method that offers PAMR (<see cref="OffersPamr"/>).
    /// </summary>
    public static IReadOnlyList<EvalProtocol> ForRequest(EvalRequest request) =>
        request.Methods.Select(m => For(m, request.Dataset).With(request.ShortSide, request.Pamr)).ToList();

    /// <summary>Whether PAMR can be asked of the method (NACLIP, the one whose code ships it on by default).</summary>
    public static bool OffersPamr(MapMethod method) => method == DenseMethod.Naclip.Method;

    /// <summary>This protocol with a request's overrides; null keeps the method's own. PAMR changes only where offered.</summary>
    public EvalProtocol With(int? shortSide, bool? pamr)
    {
        var next = this;
        if (shortSide is { } side && side != ShortSide)
            next = next with { ShortSide = side, Source = next.Source + $"; short side {side} asked (its config: {ShortSide})" };
        if (pamr is { } on && on != Pamr && OffersPamr(Method))
            next = next with { Pamr = on, Source = next.Source + $"; PAMR {(on ? "on" : "off")} asked (its code: {(Pamr ? "on" : "off")})" };
        return next;
    }

    /// <summary>One line for progress, reports and pages: <c>naclip: short side 336, whole image, logit scale 40, prob_thd 0.1, PAMR on (…)</c>.</summary>
    public string Describe() =>
        $"{Method.Name}: short side {ShortSide}, " + (Head?.Describe() ?? "feature-surgery maps")
        + $", prob_thd {Threshold.ToString(CultureInfo.InvariantCulture)}, PAMR {(Pamr ? "on" : "off")} ({Source})";
}
