using ClipSurgeryWeb.Cli;
using ClipSurgeryWeb.Cli.Terminal;

return await CliApp.RunAsync(args, new Reporter());
