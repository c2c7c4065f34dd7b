using ClipSurgeryWeb.Jobs.Engine;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>
/// An installed checkpoint as members see it: what it is, never where it lies on the server (no one sees paths through
/// the web; admins know the models folder from the configuration).
/// </summary>
/// <param name="Sha256">Null while <paramref name="Checksum"/> is "computing" (or "failed").</param>
/// <param name="Checksum">"done", "computing" or "failed".</param>
public sealed record ModelView(string Name, string Kind, string Format, long SizeBytes, string? Sha256, string Checksum, string? OfficialName)
{
    public static ModelView From(InstalledModel model) => new(model.Name, model.Kind, model.Format, model.SizeBytes, model.Sha256,
        model.Checksum.ToString().ToLowerInvariant(), model.OfficialName);
}
