namespace ClipSurgeryWeb.Jobs.Data;

public enum JobRunKind
{
    Explain,
    Opinions,
    Batch,
    Download,
}
