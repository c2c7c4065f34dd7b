namespace ClipSurgeryWeb.Data;

public enum JobImageStatus
{
    Pending,
    Running,
    Done,
    Failed,
    Cancelled,
}
