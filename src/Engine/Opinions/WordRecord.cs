namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>A word world record: a word and every image/model that produced it.</summary>
public sealed record WordRecord(string Word, IReadOnlyList<WordSource> Sources)
{
    /// <summary>Length in Unicode code points, as Python's <c>len</c>.</summary>
    public int Length => WordRecords.Length(Word);
}
