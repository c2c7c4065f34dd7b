using System.CommandLine;
using System.Text.Json;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Storage;
using Spectre.Console;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>
/// <c>clipsurgery records &lt;DIR&gt;</c>: CLIP's word world records over every opinion folder in DIR (words longer
/// than 15 characters, longest first) as a table on stdout, or as JSON with <c>--json</c>.
/// </summary>
public static class RecordsCommand
{
    public static Command Create(Reporter reporter)
    {
        var folder = new Argument<string>("dir") { Description = "Output folder of opinions or runall (one subfolder per image)" };
        var json = new Option<bool>("--json") { Description = "Write the records as JSON" };
        var command = new Command("records", "Word world records: the longest words in CLIP's opinions");
        command.Arguments.Add(folder);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            IReadOnlyList<WordRecord> records;
            try
            {
                records = WordRecords.FromFolder(parse.GetValue(folder)!);
            }
            catch (EngineInputException e)
            {
                reporter.Error(e.Subject, e.Reason);
                return ExitCodes.Unusable;
            }

            if (parse.GetValue(json))
                reporter.Output.Write(JsonSerializer.Serialize(records.Select(r => new { r.Word, r.Length, r.Sources }), JsonFile.Options) + "\n");
            else if (records.Count == 0)
                reporter.Info($"no word longer than {WordRecords.MinLength} characters in {parse.GetValue(folder)}");
            else
                WriteTable(records, reporter);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteTable(IReadOnlyList<WordRecord> records, Reporter reporter)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(reporter.Output),
            Ansi = ReferenceEquals(reporter.Output, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        });
        if (!ReferenceEquals(reporter.Output, Console.Out) || Console.IsOutputRedirected)
            console.Profile.Width = 240;   // no terminal to fit: never wrap a word
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("#").AddColumn("Word").AddColumn(new TableColumn("Length").RightAligned()).AddColumn("Image").AddColumn("Model");
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            table.AddRow(
                (i + 1).ToString(),
                Markup.Escape(r.Word),
                r.Length.ToString(),
                Markup.Escape(string.Join(", ", r.Sources.Select(s => s.Image).Distinct())),
                Markup.Escape(string.Join(", ", r.Sources.Select(s => s.Model).Distinct())));
        }
        console.Write(table);
    }
}
