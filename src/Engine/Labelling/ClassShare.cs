namespace ClipSurgeryWeb.Engine.Labelling;

/// <summary>A class's share of a label map's pixels (0…1).</summary>
public sealed record ClassShare(int ClassId, string Name, double Share);
