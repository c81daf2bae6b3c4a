// algoperf — the AlgoPerfSharp command line. This first version has two commands: `info` (what libtorch, threads and
// BLAS this machine uses) and `demo` (trains a small MLP with plain SGD and prints its loss falling).
using AlgoPerfSharp.Harness;
using AlgoPerfSharp.Torch;

string command = args.Length > 0 ? args[0] : "demo";
try
{
    switch (command)
    {
        case "info":
            Console.WriteLine(TorchRuntime.Info().Summary);
            return 0;
        case "demo":
            return Demo.Run(Console.Out);
        case "-h" or "--help" or "help":
            Console.WriteLine("""
                algoperf — AlgoPerf-style benchmark for neural-network training algorithms (C#/.NET over libtorch)

                Usage: algoperf <command>
                  info   print libtorch's version, threads, BLAS and CUDA availability
                  demo   train a small MLP on a synthetic regression task and print the loss falling
                """);
            return 0;
        default:
            Console.Error.WriteLine($"unknown command '{command}'; try: algoperf --help");
            return 2;
    }
}
catch (DllNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}
