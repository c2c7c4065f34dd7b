using Microsoft.AspNetCore.Components.Forms;

namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>Bytes made on the server handed to <see cref="BrowserUploads"/> as if picked in the browser: one upload path for all.</summary>
public sealed class GeneratedFile(string name, string contentType, byte[] content) : IBrowserFile
{
    public string Name => name;

    public DateTimeOffset LastModified { get; } = DateTimeOffset.UnixEpoch;

    public long Size => content.LongLength;

    public string ContentType => contentType;

    public Stream OpenReadStream(long maxAllowedSize = 512000, CancellationToken cancellationToken = default) =>
        content.LongLength > maxAllowedSize
            ? throw new IOException($"{name}: {content.LongLength} bytes is over {maxAllowedSize}")
            : new MemoryStream(content, writable: false);
}
