using System.Text;

namespace ClipSurgeryWeb.Tests.Fakes;

/// <summary>Checkpoint files the real engine lists from their headers, as large as a test needs.</summary>
public static class FakeCheckpoints
{
    /// <summary>
    /// A safetensors file whose tensor names say Segment Anything (image_encoder, mask_decoder), with
    /// <paramref name="dataBytes"/> bytes of tensor data (zeros): large enough that hashing it is real work.
    /// </summary>
    public static string WriteSamSafetensors(string path, long dataBytes)
    {
        var tensor = dataBytes - 1;
        var header = "{\"image_encoder.w\":{\"dtype\":\"U8\",\"shape\":[" + tensor + "],\"data_offsets\":[0," + tensor + "]},"
            + "\"mask_decoder.w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[" + tensor + "," + dataBytes + "]}}";
        var json = Encoding.UTF8.GetBytes(header.PadRight((header.Length + 7) / 8 * 8));
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        file.SetLength(8 + json.Length + dataBytes);
        return path;
    }
}
