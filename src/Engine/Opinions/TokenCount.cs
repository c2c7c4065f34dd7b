namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>One row of a token table.</summary>
public sealed record TokenCount(string Token, int Frequency);
