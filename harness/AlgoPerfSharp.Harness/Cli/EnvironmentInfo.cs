using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>The machine and software facts recorded with every run (and printed by <c>algoperf info</c>).</summary>
/// <param name="CpuModel">CPU model name from /proc/cpuinfo.</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="TorchThreads">libtorch intra-op threads.</param>
/// <param name="TorchVersion">libtorch version.</param>
/// <param name="Blas">The BLAS library libtorch loaded.</param>
/// <param name="BlasIsOpenMp">Whether it is OpenBLAS's OpenMP build.</param>
/// <param name="Cuda">CUDA devices libtorch sees.</param>
/// <param name="Os">Operating system.</param>
/// <param name="DotNet">.NET runtime.</param>
/// <param name="GitCommit">Commit of the checkout, if known.</param>
/// <param name="Version">AlgoPerfSharp version.</param>
public sealed record EnvironmentInfo(
    string CpuModel, int Cores, int TorchThreads, string TorchVersion, string Blas, bool BlasIsOpenMp, int Cuda,
    string Os, string DotNet, string GitCommit, string Version)
{
    /// <summary>The device a run's trials train on (<c>cpu</c>, <c>cuda:N</c>), recorded with the run; null (and left out of the JSON) outside a run.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Device { get; init; }

    /// <summary>Reads the facts of this process and machine.</summary>
    public static EnvironmentInfo Capture()
    {
        var rt = TorchRuntime.Info();
        return new EnvironmentInfo(
            ReadCpuModel(), Environment.ProcessorCount, rt.NumThreads, rt.TorchVersion, rt.Blas, rt.BlasIsOpenBlasOpenMp,
            rt.CudaDevices, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, ReadGitCommit(),
            typeof(EnvironmentInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
    }

    /// <summary>As one JSON object.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    private static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static string ReadGitCommit()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            });
            if (p is null) return "unknown";
            string s = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(5000);
            return p.ExitCode == 0 && s.Length > 0 ? s : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
