namespace ClipSurgeryWeb.Hosting.Storage;

/// <summary>An upload refused before anything was stored: names the file and why.</summary>
public sealed class UploadRejectedException(string fileName, string reason) : Exception($"{fileName}: {reason}")
{
    public string FileName { get; } = fileName;

    public string Reason { get; } = reason;
}
