using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>
/// The <c>labelMaps</c> of POST /api/runs/explain and /api/runs/batch: methods by name (<c>naclip</c>, <c>cs</c> …),
/// classes one per item with comma-separated names (none: the labels, or a batch's targets), a background class with its
/// probability threshold, PAMR (NACLIP), the short side (null: 336). Checked by the launcher as the pages' choice is.
/// </summary>
public sealed record LabelMapsRequest(IReadOnlyList<string> Methods, IReadOnlyList<string>? Classes = null, bool Background = false,
    double Threshold = 0, bool Pamr = false, int? ShortSide = null)
{
    public static LabelMapChoice? Choice(LabelMapsRequest? body) => body is null ? null
        : new LabelMapChoice((body.Methods ?? []).OfType<string>().Select(m => new MapMethod(m)).ToList(), body.Classes?.OfType<string>().ToList(),
            body.Background, body.Threshold, body.Pamr, body.ShortSide);
}
