namespace ClipSurgeryWeb.Jobs.Engine;

public sealed record TokenCount(string Token, int Frequency);
