namespace ClipSurgeryWeb.Engine.Labelling;

/// <summary>
/// One class of a label set: its id (its place in the file or list, 0 first) and the names that are its queries
/// (the methods' class-file line <c>person, people</c>); it is shown by its first name.
/// </summary>
public sealed record SegmentClass(int Id, IReadOnlyList<string> Names)
{
    /// <summary>How pages, legends and reports name it: its first name.</summary>
    public string Name => Names[0];
}
