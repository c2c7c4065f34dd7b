namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>What a checkpoint holds.</summary>
public enum CheckpointKind
{
    Clip,
    Sam,
}
