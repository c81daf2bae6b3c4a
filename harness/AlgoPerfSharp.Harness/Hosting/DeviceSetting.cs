using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>
/// The <c>--device</c> setting (<see cref="HarnessOptions.Device"/>): <c>auto</c> (the default), <c>cpu</c>,
/// <c>cuda</c> or <c>cuda:N</c>. <c>auto</c> is <c>cuda:0</c> with the <c>gpu</c> preset when libtorch sees a CUDA
/// device, and the CPU otherwise. The CUDA path is build-ready but untested here: no GPU is reachable from the machines
/// this project is developed on, and their libtorch is a CPU-only build.
/// </summary>
public static class DeviceSetting
{
    /// <summary>The default: pick the device from the preset and what libtorch sees.</summary>
    public const string Auto = "auto";

    /// <summary>
    /// What is wrong with <paramref name="text"/>, or null: unknown text, or a CUDA device libtorch does not report.
    /// <paramref name="cudaDevices"/> (libtorch's count) is asked only when the text names a CUDA device.
    /// </summary>
    public static string? Problem(string? text, Func<int> cudaDevices)
    {
        ArgumentNullException.ThrowIfNull(cudaDevices);
        if (IsAuto(text)) return null;
        Device device;
        try
        {
            device = Device.Parse(text!);
        }
        catch (ArgumentException)
        {
            return $"Device (--device) '{text}' is unknown; use auto, cpu, cuda or cuda:N";
        }

        if (device.IsCpu) return null;
        int count = cudaDevices();
        if (count == 0)
        {
            return $"Device (--device) '{text}' needs a CUDA device, but this libtorch reports none (a CPU-only build, or no GPU visible); " +
                "use --device cpu (or auto), or run on a GPU node with a CUDA build of libtorch";
        }

        return device.Index < count ? null : $"Device (--device) '{text}' does not exist: this libtorch reports {count} CUDA device(s), cuda:0 to cuda:{count - 1}";
    }

    /// <summary>
    /// The device a valid (<see cref="Problem"/> is null) setting means under <paramref name="preset"/>, and a one-line
    /// warning when <c>auto</c> leaves the <c>gpu</c> preset on the CPU. <paramref name="cudaDevices"/> is asked only for
    /// <c>auto</c> with the <c>gpu</c> preset.
    /// </summary>
    public static (Device Device, string? Warning) Resolve(string? text, string? preset, Func<int> cudaDevices)
    {
        ArgumentNullException.ThrowIfNull(cudaDevices);
        if (!IsAuto(text)) return (Device.Parse(text!), null);
        if (preset != Presets.Gpu) return (Device.Cpu, null);
        return cudaDevices() > 0
            ? (Device.Cuda(0), null)
            : (Device.Cpu, "--preset gpu, but this libtorch reports no CUDA device: the trials run on the CPU (--device auto); pass --device cpu to choose that explicitly");
    }

    private static bool IsAuto(string? text) => text is null || string.Equals(text.Trim(), Auto, StringComparison.OrdinalIgnoreCase);
}
