namespace ClipSurgeryWeb.Jobs.Engine;

public sealed record DownloadProgress(long BytesDone, long? BytesTotal);
