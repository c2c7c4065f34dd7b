namespace ClipSurgeryWeb.Web.Components.Shared;

/// <summary>One target of one image: its label as typed and its tiles by column key.</summary>
public sealed record ResultRow(string Label, IReadOnlyDictionary<string, ResultCell> Cells)
{
    public ResultCell? this[ResultColumn column] => Cells.GetValueOrDefault(column.Key);
}
