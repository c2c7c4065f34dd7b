using System.Text.Json;
using System.Text.Json.Serialization;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Models;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>
/// An installed checkpoint as members see it: what it is, never where it lies on the server (no one sees paths through
/// the web; admins know the models folder from the configuration).
/// </summary>
/// <param name="Sha256">Null while <paramref name="Checksum"/> is Computing (or Failed).</param>
/// <param name="Checksum">Whether the SHA256 is known; in JSON "done", "computing" or "failed".</param>
/// <param name="Layout">CLIP only: "OpenAI", "Hugging Face" or "OpenCLIP".</param>
/// <param name="Activation">CLIP only: "quick_gelu" or "gelu"; null where its files do not tell (it must be registered with one).</param>
/// <param name="ActivationSource">CLIP only: where the activation comes from, in words.</param>
public sealed record ModelView(string Name, string Kind, string Format, long SizeBytes, string? Sha256,
    [property: JsonConverter(typeof(ModelView.LowerCaseChecksum))] ChecksumState Checksum, string? OfficialName,
    string? Layout = null, string? Activation = null, string? ActivationSource = null)
{
    public static ModelView From(InstalledModel model) => new(model.Name, model.Kind, model.Format, model.SizeBytes, model.Sha256,
        model.Checksum, model.OfficialName, model.Layout, model.Activation, model.ActivationSource);

    /// <summary>What the Models page shows as the format: the file format, and for CLIP its layout and activation.</summary>
    [JsonIgnore]
    public string FormatText => Layout is null ? Format : $"{Format} · {Layout} · {Activation ?? "activation unknown"}";

    /// <summary>The API's wire format for the state: its name in lower case, never a number.</summary>
    public sealed class LowerCaseChecksum() : JsonStringEnumConverter<ChecksumState>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
}
