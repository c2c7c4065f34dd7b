namespace ClipSurgeryWeb.Web.Services;

/// <summary>One of a member's uploads with how many runs use it: an upload in use cannot be deleted, and History says why.</summary>
public sealed record UploadUsage(UploadView Upload, int Runs, DateTime CreatedAt)
{
    public bool CanDelete => Runs == 0;
}
