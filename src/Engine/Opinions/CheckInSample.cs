namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>One sample at a check-in: its token ids (without SOT/EOT), decoded text, cleaned words and loss.</summary>
public sealed record CheckInSample(IReadOnlyList<int> TokenIds, string Text, IReadOnlyList<string> Words, float Loss);
