using ClipSurgeryWeb.Tests.Fakes;

namespace ClipSurgeryWeb.Web.Tests.Support;

public static class TestImages
{
    /// <summary>A small real PNG.</summary>
    public static byte[] Png(string seed = "sample")
    {
        var path = Path.Combine(Path.GetTempPath(), $"csw-{Guid.NewGuid():N}.png");
        FakeClipEngine.WritePng(path, seed);
        try { return File.ReadAllBytes(path); }
        finally { File.Delete(path); }
    }

    public static bool IsPng(byte[] bytes) => bytes.Length > 8 && bytes[0] == 0x89 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G';
}
