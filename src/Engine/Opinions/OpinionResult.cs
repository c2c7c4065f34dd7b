namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// What gradient ascent thinks of an image: the token table of its last check-in, every word seen at any check-in
/// (in the order first seen), the seed that reproduces it, and the final step's loss.
/// </summary>
public sealed record OpinionResult(
    TokenTable Tokens,
    IReadOnlyList<string> Words,
    CheckIn LastCheckIn,
    OpinionSettings Settings,
    long Seed,
    float FinalLoss)
{
    public string BestText => LastCheckIn.Best.Text;
}
