using System.CommandLine;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Cli.Commands;

/// <summary>
/// <c>clipsurgery device [--device D] [--precision P]</c>: loads libtorch, chooses the device as the engine commands
/// would, prints the start-up line on stdout and exits 0; a device or libtorch that cannot serve is refused with the
/// reason on stderr and exit status 2.
/// </summary>
public static class DeviceCommand
{
    public static Command Create(Reporter reporter)
    {
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda | cuda:N", DefaultValueFactory = _ => "auto" };
        var precision = new Option<string>("--precision") { Description = "auto | fp32 | fp16 | bf16", DefaultValueFactory = _ => "auto" };
        var command = new Command("device", "Which device, libtorch and precision the engine would run on, in one line");
        command.Options.Add(device);
        command.Options.Add(precision);
        command.SetAction(parse =>
        {
            try
            {
                var value = parse.GetValue(device)!;
                var preference = EngineSetup.DeviceFlag(value, () => DevicePreference.Parse(value));
                var numbers = EngineSetup.Flag($"--precision {parse.GetValue(precision)}", () => Precisions.Parse(parse.GetValue(precision)!));
                var report = EngineSetup.DeviceFlag(value, () => EngineStartup.Report(preference, numbers));
                reporter.Output.WriteLine(report.Line);
                return ExitCodes.Ok;
            }
            catch (EngineInputException e)
            {
                reporter.Error(e.Subject, e.Reason);
                return ExitCodes.Unusable;
            }
        });
        return command;
    }
}
