namespace ClipSurgeryWeb.Hosting.Live;

public enum JobEventKind
{
    /// <summary>A run changed status (queued, running, finished, cancelled).</summary>
    RunChanged,
    /// <summary>An image of a run moved on: status, progress, loss, best words.</summary>
    ImageProgress,
    /// <summary>A result file (heatmap, mask …) is ready to show.</summary>
    FileReady,
    /// <summary>New word world records were set.</summary>
    RecordsChanged,
    /// <summary>A model was downloaded or registered.</summary>
    ModelsChanged,
}
