namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>How far a download is: bytes received and, when the server says, the total.</summary>
public readonly record struct DownloadProgress(string Name, long BytesDone, long? BytesTotal);
