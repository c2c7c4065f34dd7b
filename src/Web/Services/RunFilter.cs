using ClipSurgeryWeb.Data;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>
/// What History lists: the requester's own runs (<see cref="MineOnly"/>; always so for members) or, for admins, everyone's;
/// narrowed by model, label or target (case-insensitive parts of them), status, and creation time.
/// </summary>
/// <param name="From">Created at or after (UTC).</param>
/// <param name="Until">Created before (UTC).</param>
public sealed record RunFilter(bool MineOnly = true, string? Model = null, string? Label = null, JobRunStatus? Status = null,
    DateTime? From = null, DateTime? Until = null)
{
    /// <summary>Whether the filter needs a look at the settings (model, label), which only the stored JSON holds.</summary>
    public bool OnSettings => !string.IsNullOrWhiteSpace(Model) || !string.IsNullOrWhiteSpace(Label);

    /// <summary>Whether these settings match the model and label parts of the filter (the exact check behind the SQL pre-filter).</summary>
    public bool Matches(RunSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(Model) && !new[] { settings.ModelName, settings.OfficialName }
                .Any(m => m?.Contains(Model.Trim(), StringComparison.OrdinalIgnoreCase) == true))
            return false;
        return string.IsNullOrWhiteSpace(Label)
            || settings.Labels.Concat(settings.Targets).Any(l => l.Contains(Label.Trim(), StringComparison.OrdinalIgnoreCase));
    }
}
