namespace ClipSurgeryWeb.Jobs.Engine;

public sealed record OpinionOutcome(IReadOnlyList<TokenCount> Tokens, IReadOnlyList<string> Words);
