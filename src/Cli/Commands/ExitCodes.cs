namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>Exit statuses of every command.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Some inputs failed (each reported on stderr); the others completed.</summary>
    public const int SomeFailed = 1;

    /// <summary>Nothing could run: bad options, or a model or vocabulary that cannot be used.</summary>
    public const int Unusable = 2;

    /// <summary>Cancelled (Ctrl+C) before every input was done; finished outputs are kept, a rerun continues.</summary>
    public const int Interrupted = 130;
}
