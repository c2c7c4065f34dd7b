using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>A <see cref="MapMethod"/> in JSON is its name, <c>"cs"</c>: run settings and <c>index.json</c> written before the type existed read the same.</summary>
public sealed class MapMethodJsonConverter : JsonConverter<MapMethod>
{
    public override MapMethod Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString() ?? throw new JsonException("a map method is a string"));

    public override void Write(Utf8JsonWriter writer, MapMethod value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Name);
}
