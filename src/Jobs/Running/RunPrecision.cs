using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Data;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>A run's precision as its settings store it: a name, or nothing for auto (the server's <c>ClipSurgery:Precision</c>).</summary>
public static class RunPrecision
{
    /// <summary>The run's precision; <see cref="Precision.Auto"/> when none is stored (runs from before precisions existed too).</summary>
    public static Precision Of(RunSettings settings) =>
        string.IsNullOrWhiteSpace(settings.Precision) ? Precision.Auto : Precisions.Parse(settings.Precision);

    /// <summary>A requested precision checked and turned into what a run stores: null for auto (or none asked), else its name.</summary>
    public static string? Check(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested))
            return null;
        Precision precision;
        try
        {
            precision = Precisions.Parse(requested.Trim());
        }
        catch (EngineInputException e)
        {
            throw new RequestRejectedException("precision", e.Reason);
        }
        return precision == Precision.Auto ? null : Precisions.Name(precision);
    }
}
