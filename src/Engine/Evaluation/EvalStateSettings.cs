using System.Security.Cryptography;
using System.Text;
using ClipSurgeryWeb.Engine.Storage;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// Everything that makes two eval requests the same eval (so one may continue the other's state): the dataset, its
/// folder and the very images chosen (their ids' hash), the methods, the model (its checksum), the class names and
/// each method's test protocol (<see cref="EvalProtocol"/>, the request's overrides applied, which are recorded too).
/// A restart flag is not part of it.
/// </summary>
public sealed record EvalStateSettings(string Dataset, string DatasetRoot, int Images, string ImagesSha256, IReadOnlyList<string> Methods,
    string Model, string? ModelSha256, string ClassesSha256, IReadOnlyList<EvalProtocol> Protocols, int? ShortSide, bool? Pamr, int? Limit)
{
    /// <summary>SHA-256 of these settings as JSON: equal settings, equal fingerprint.</summary>
    public string Fingerprint() => Hash(JsonFile.Serialize(this));

    /// <summary>One line for messages (a state written before protocols has none to list).</summary>
    public string Describe() =>
        $"{Dataset} at {DatasetRoot} ({Images} images), methods {string.Join(",", Methods)}, model {Model}, short side {ShortSide?.ToString() ?? "each method's"}, " +
        $"PAMR {Pamr switch { true => "on", false => "off", null => "each method's" }}" +
        (Protocols is { Count: > 0 } ? "; " + string.Join("; ", Protocols.Select(p => p.Describe())) : "");

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
