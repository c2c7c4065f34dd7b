using System.Text;
using ClipSurgeryWeb.Web.Endpoints;

namespace ClipSurgeryWeb.Web.Tests.Endpoints;

/// <summary>A stored file's served type comes from the engine's signatures, not a second table that could disagree.</summary>
public sealed class StoredFileResultTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stored-file-type-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("GIF8 not a gif at all")]
    [InlineData("BM")]
    public void Bytes_the_engine_does_not_read_as_an_image_are_served_as_octet_stream(string content)
    {
        Assert.Equal("application/octet-stream", StoredFileResult.ContentType(Write(Encoding.ASCII.GetBytes(content)), "image/png"));
    }

    [Fact]
    public void A_real_gif_is_served_as_a_gif_and_a_text_result_as_what_it_was_declared()
    {
        Assert.Equal("image/gif", StoredFileResult.ContentType(Write("GIF89a\x01\0\x01\0"u8.ToArray()), "image/png"));
        Assert.Equal("text/csv", StoredFileResult.ContentType(Write("word,count\n"u8.ToArray()), "text/csv"));
    }

    private string Write(byte[] content)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, content);
        return path;
    }
}
