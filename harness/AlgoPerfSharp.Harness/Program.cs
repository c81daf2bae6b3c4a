// algoperf — the AlgoPerfSharp command line. See Cli/CliApp.cs for the commands and exit codes.
using AlgoPerfSharp.Harness.Cli;

// A worker loads libtorch (about half a second) on the other core while it builds the command line and reads its request.
if (args is ["worker", ..]) _ = AlgoPerfSharp.Torch.TorchRuntime.PreloadAsync();
return CliApp.Run(args);
