using ClipSurgeryWeb.Engine.Opinions;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>An image's opinion: the token table of its last check-in, every word seen, and the seed that reproduces it.</summary>
public sealed record OpinionFinished(string Image, IReadOnlyList<TokenCount> Tokens, IReadOnlyList<string> Words, long Seed) : PipelineEvent(Image);
