using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Web.State;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>A picked file whose stream breaks off (the browser went away, the connection dropped) is one refusal, not a crash.</summary>
public sealed class BrowserUploadFailureTests : ComponentTestContext
{
    [Fact]
    public async Task A_picked_file_whose_stream_breaks_off_is_refused_by_name_and_the_files_around_it_are_kept()
    {
        EnsureDatabase();
        var state = Services.GetRequiredService<ExplainState>();

        await state.UploadAsync([new PngFile("first.png"), new PngFile("broken.png", breaksOff: true), new PngFile("last.png")], 100_000);

        Assert.Equal(["first.png", "last.png"], state.Uploads.Select(u => u.FileName));
        Assert.Equal([$"broken.png: {ImageIntake.FailedReason}"], state.Errors);
        // Nothing of the broken file stays: only the two saved originals.
        var uploads = Path.Combine(Root, "data", "uploads");
        Assert.Equal(state.Uploads.Select(u => u.Id.ToString("N")).Order(),
            Directory.EnumerateFiles(uploads).Select(Path.GetFileNameWithoutExtension).Order());
    }

    private sealed class PngFile(string name, bool breaksOff = false) : IBrowserFile
    {
        private readonly byte[] _bytes = TestImages.Png(name);
        public string Name => name;
        public DateTimeOffset LastModified => DateTimeOffset.UtcNow;
        public long Size => _bytes.Length;
        public string ContentType => "image/png";

        public Stream OpenReadStream(long maxAllowedSize = 512000, CancellationToken cancellationToken = default) =>
            breaksOff ? new BreakingStream(_bytes) : new MemoryStream(_bytes);
    }

    /// <summary>Gives the first half of the bytes, then fails as a stream over a dropped circuit does.</summary>
    private sealed class BreakingStream(byte[] bytes) : MemoryStream(bytes[..(bytes.Length / 2)])
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("The connection was closed by the remote host.");
        }
    }
}
