using System.Text.Json;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// One method's settings in its golden's JSON: the slide window (<c>slide: [crop, stride]</c>), <c>logit_scale</c>,
/// <c>prob_thd</c> and PAMR's (<c>pamr_steps</c>: the iteration counts the golden holds outputs of, 0 for none;
/// <c>pamr_dilations</c>, absent where the code has none) and NACLIP's code's <c>gaussian_std</c> (its Ω; absent elsewhere).
/// </summary>
public sealed record GoldenMethodSettings(string Name, int Crop, int Stride, double LogitScale, double ProbThreshold,
    IReadOnlyList<int> PamrSteps, IReadOnlyList<int>? PamrDilations, double? GaussianStd)
{
    /// <summary>The PAMR iterations of the golden's <c>&lt;method&gt;.pamr.*</c> outputs; null when it has none.</summary>
    public int? PamrIterations => PamrSteps.Where(s => s > 0).Cast<int?>().SingleOrDefault();

    public static GoldenMethodSettings Read(string name, JsonElement json)
    {
        var slide = json.GetProperty("slide").EnumerateArray().Select(e => e.GetInt32()).ToList();
        if (slide.Count != 2)
            throw new FormatException($"{name}: 'slide' is [crop, stride], got {slide.Count} numbers");
        var steps = json.TryGetProperty("pamr_steps", out var s) ? s.EnumerateArray().Select(e => e.GetInt32()).ToList() : [0];
        var dilations = json.TryGetProperty("pamr_dilations", out var d) ? d.EnumerateArray().Select(e => e.GetInt32()).ToList() : null;
        double? std = json.TryGetProperty("gaussian_std", out var g) ? g.GetDouble() : null;
        return new(name, slide[0], slide[1], json.GetProperty("logit_scale").GetDouble(), json.GetProperty("prob_thd").GetDouble(), steps, dilations, std);
    }
}
