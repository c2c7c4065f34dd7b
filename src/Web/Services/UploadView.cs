namespace ClipSurgeryWeb.Web.Services;

public sealed record UploadView(Guid Id, string FileName, long SizeBytes, int Width, int Height, string Url);
