namespace ClipSurgeryWeb.Data;

public enum JobRunKind
{
    Explain,
    Opinions,
    Batch,
    Download,

    /// <summary>Scoring methods on a benchmark folder on the server (no uploaded images).</summary>
    Evaluation,
}
