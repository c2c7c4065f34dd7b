using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClipSurgeryWeb.Engine.Storage;

/// <summary>The engine's JSON files (<c>opinion.json</c>, <c>index.json</c>): camelCase, indented, UTF-8 text left readable.</summary>
public static class JsonFile
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options) + "\n";

    public static void Write<T>(string path, T value) => File.WriteAllText(path, Serialize(value));

    /// <exception cref="EngineInputException">The file is missing or does not hold a <typeparamref name="T"/>.</exception>
    public static T Read<T>(string path)
    {
        if (!File.Exists(path))
            throw new EngineInputException(path, "no such file");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options)
                ?? throw new EngineInputException(path, "is empty (null)");
        }
        catch (JsonException e)
        {
            throw new EngineInputException(path, $"is not a valid {typeof(T).Name} ({e.Message})", e);
        }
    }
}
