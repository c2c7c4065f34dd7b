namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>
/// A JSON body that says what is missing from it. System.Text.Json fills a missing or null field with null whatever
/// the declared type says, so every body is checked before its handler runs (the API group's filter).
/// </summary>
public interface IRequestBody
{
    /// <summary>The first missing or null field, or null when the body is complete.</summary>
    Problem? Check();

    /// <summary>Checks for <see cref="Check"/>: a required value, and a list with no null entries.</summary>
    public static Problem? Required(object? value, string field, string what) =>
        value is null ? new Problem(field, $"is missing: send {what}") : null;

    public static Problem? NoNulls<T>(IEnumerable<T?>? items, string field) =>
        items is not null && items.Any(i => i is null) ? new Problem(field, "has a null entry: send text only") : null;
}
