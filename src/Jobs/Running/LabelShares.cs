using System.Text.Json;
using ClipSurgeryWeb.Engine.Labelling;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// A label map's pixel share per class as stored in <see cref="Data.ResultFile.SharesJson"/>: the engine's
/// <see cref="ClassShare"/> list, written by the jobs and read back by the pages in one format.
/// </summary>
public static class LabelShares
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string ToJson(IReadOnlyList<ClassShare> shares) => JsonSerializer.Serialize(shares, Json);

    /// <summary>The stored shares in class order; empty for none (a file that is no label map) or an unreadable value.</summary>
    public static IReadOnlyList<ClassShare> Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return [];
        try
        {
            return JsonSerializer.Deserialize<List<ClassShare>>(json, Json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
