using ClipSurgeryWeb.Engine.Opinions;
using Spectre.Console;

namespace ClipSurgeryWeb.Cli.Terminal;

/// <summary>
/// Shows a gradient-ascent run: on a terminal a live progress bar on stderr with the loss and the current best text;
/// when stderr is redirected, one plain line per check-in.
/// </summary>
public static class OpinionProgressView
{
    private const int TextWidth = 48;

    public static T Run<T>(Reporter reporter, string name, int iterations, Func<IProgress<OpinionProgress>, T> work)
    {
        if (!reporter.Interactive)
            return work(new Callback(p =>
            {
                if (p.CheckIn is not null || p.Iteration == p.Iterations)
                    reporter.Info($"{name}: {p.Iteration}/{p.Iterations} loss {p.Loss:F3} best \"{p.BestText}\"");
            }));

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(reporter.Writer) });
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(name), maxValue: iterations);
                result = work(new Callback(p =>
                {
                    task.Value = p.Iteration;
                    task.Description = $"{Markup.Escape(name)} [grey]loss[/] {p.Loss,8:F3} [grey]best[/] {Markup.Escape(Shorten(p.BestText))}";
                }));
            });
        return result;
    }

    private static string Shorten(string text) => text.Length <= TextWidth ? text : text[..(TextWidth - 1)] + "…";

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class Callback(Action<OpinionProgress> report) : IProgress<OpinionProgress>
    {
        public void Report(OpinionProgress value) => report(value);
    }
}
