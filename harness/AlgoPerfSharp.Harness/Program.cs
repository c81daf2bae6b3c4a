// algoperf — the AlgoPerfSharp command line. See Cli/CliApp.cs for the commands and exit codes.
using AlgoPerfSharp.Harness.Cli;

return CliApp.Run(args);
