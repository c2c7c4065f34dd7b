namespace ClipSurgeryWeb.Jobs.Models;

/// <summary>Where a listed checkpoint's SHA-256 stands: hashing a multi-GB file takes a while, so it is done in the background.</summary>
public enum ChecksumState
{
    Done,
    Computing,

    /// <summary>The file could not be read to the end (removed or unreadable while it was hashed).</summary>
    Failed,
}
