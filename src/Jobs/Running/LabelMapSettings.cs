using ClipSurgeryWeb.Data;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>How a checked <see cref="LabelMapChoice"/> is stored on a run (<see cref="LabelMapChoice.Of"/> reads it back).</summary>
public static class LabelMapSettings
{
    public static RunSettings WithLabelMaps(this RunSettings settings, LabelMapChoice choice) => choice.Methods.Count == 0
        ? settings
        : settings with
        {
            LabelMethods = choice.Methods,
            Classes = choice.ClassLines,
            Background = choice.Background,
            Threshold = choice.Threshold,
            Pamr = choice.Pamr,
            ShortSide = choice.ShortSide,
        };
}
