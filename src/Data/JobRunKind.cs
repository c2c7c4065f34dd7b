namespace ClipSurgeryWeb.Data;

public enum JobRunKind
{
    Explain,
    Opinions,
    Batch,
    Download,
}
