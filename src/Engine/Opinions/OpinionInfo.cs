using System.Text.Json.Serialization;

namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// <c>opinion.json</c>: where an opinion came from (image file, model as the user named it, its checksum) and how
/// to reproduce it (seed and settings), with the final loss and the best sample of the last check-in.
/// </summary>
public sealed record OpinionInfo(
    string Image,
    string Model,
    string? ModelSha256,
    long Seed,
    int Iterations,
    int Batch,
    int Tokens,
    int Views,
    int CheckInInterval,
    int LastCheckIn,
    float FinalLoss,
    string BestText)
{
    public static OpinionInfo From(OpinionResult result, string image, string model, string? modelSha256) => new(
        image, model, modelSha256, result.Seed,
        result.Settings.Iterations, result.Settings.Batch, result.Settings.Tokens, result.Settings.Views, result.Settings.CheckInInterval,
        result.LastCheckIn.Iteration, result.FinalLoss, result.BestText);

    /// <summary>The settings that reproduce this opinion (with its seed).</summary>
    [JsonIgnore]
    public OpinionSettings Settings => new(Iterations, Batch, Tokens, Views, CheckInInterval, Seed);
}
