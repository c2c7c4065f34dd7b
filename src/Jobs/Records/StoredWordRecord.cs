namespace ClipSurgeryWeb.Jobs.Records;

/// <summary>A word world record: the first time a word longer than 15 characters came up.</summary>
public sealed record StoredWordRecord(string Word, int Length, Guid ImageId, Guid RunId, string ModelName, string OwnerName, DateTime FoundAt);
