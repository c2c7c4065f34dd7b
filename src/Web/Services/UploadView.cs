using ClipSurgeryWeb.Data;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>An uploaded image: <see cref="Url"/> is the original, <see cref="ThumbnailUrl"/> what pages show; width and height as shown (upright).</summary>
public sealed record UploadView(Guid Id, string FileName, long SizeBytes, int Width, int Height, string Url)
{
    public string ThumbnailUrl => Urls.Thumbnail(Id);

    public static UploadView Of(UploadedImage image) =>
        new(image.Id, image.FileName, image.SizeBytes, image.Width, image.Height, Urls.Image(image.Id));
}
