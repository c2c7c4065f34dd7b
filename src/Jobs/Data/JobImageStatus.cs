namespace ClipSurgeryWeb.Jobs.Data;

public enum JobImageStatus
{
    Pending,
    Running,
    Done,
    Failed,
    Cancelled,
}
