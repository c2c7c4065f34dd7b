using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Hosting.Storage;
using Microsoft.AspNetCore.Components.Forms;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>
/// Images picked or dropped in the browser, streamed over the circuit into <see cref="ImageIntake"/>. A file over the
/// limit is refused before a byte is read, with the same words the intake uses.
/// Any other failure of one file (a stream the browser broke off, a full disk, a database error) is logged and refused
/// with neutral words, so the files before and after it are still saved and shown.
/// </summary>
public sealed class BrowserUploads(Operations ops, ILogger<BrowserUploads> log)
{
    /// <returns>The stored image, or the refusal ("name: reason").</returns>
    public async Task<(UploadedImage? Image, string? Error)> SaveAsync(IBrowserFile file, Requester who, long maxBytes)
    {
        if (file.Size > maxBytes)
            return (null, $"{file.Name}: {ImageIntake.Megabytes(file.Size)} is over the {ImageIntake.Megabytes(maxBytes)} limit");
        try
        {
            await using var stream = file.OpenReadStream(maxBytes);
            var image = await ops.RunAsync<ImageIntake, UploadedImage>(
                intake => intake.SaveAsync(stream, file.Name, file.Size, who.UserId, who.Name, CancellationToken.None));
            return (image, null);
        }
        catch (UploadRejectedException e)
        {
            return (null, $"{e.FileName}: {e.Reason}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var name = ImageIntake.MemberFileName(file.Name);
            log.LogError(e, "Upload {FileName} failed", name);
            return (null, $"{name}: {ImageIntake.FailedReason}");
        }
    }
}
