using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>
/// Finds <c>libats.so</c> (the libtorch shim): <c>$ALGOPERF_NATIVE_LIB</c> if set, else next to the application, else
/// in the application's <c>runtimes/linux-x64/native</c> (the package's layout), else next to this assembly. A failure becomes one <see cref="DllNotFoundException"/> that says what to install.
/// </summary>
internal static class NativeLibraryLoader
{
    /// <summary>Environment variable naming the shim library to load instead of the one built beside the assemblies.</summary>
    internal const string OverrideVariable = "ALGOPERF_NATIVE_LIB";

    internal const string InstallHint =
        "Install libtorch and build the shim with ./scripts/setup.sh (it runs apt-get install libtorch-dev " +
        "libopenblas0-openmp cmake g++) and then dotnet build; or point " + OverrideVariable + " at a built libats.so.";

#pragma warning disable CA2255 // A library must install its resolver before any P/Invoke runs; this is the supported way.
    [ModuleInitializer]
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
#pragma warning restore CA2255

    /// <summary>Loads the shim (and with it libtorch) now, as the first P/Invoke would; throws as <see cref="Resolve"/> does.</summary>
    internal static void Load() => Resolve(NativeMethods.Lib, typeof(NativeLibraryLoader).Assembly, null);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.Lib)
        {
            return IntPtr.Zero;
        }

        var tried = new StringBuilder();
        foreach (string candidate in Candidates(assembly))
        {
            if (!File.Exists(candidate))
            {
                tried.Append("\n  ").Append(candidate).Append(": not found");
                continue;
            }

            try
            {
                return NativeLibrary.Load(candidate);
            }
            catch (DllNotFoundException e)
            {
                tried.Append("\n  ").Append(candidate).Append(": ").Append(e.Message);
            }
            catch (BadImageFormatException e)
            {
                tried.Append("\n  ").Append(candidate).Append(": ").Append(e.Message);
            }
        }

        throw new DllNotFoundException(
            "AlgoPerfSharp could not load its libtorch shim (libats.so). Tried:" + tried + "\n" + InstallHint);
    }

    private static IEnumerable<string> Candidates(Assembly assembly)
    {
        string? overridePath = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            yield return overridePath;
            yield break;
        }

        yield return Path.Combine(AppContext.BaseDirectory, "libats.so");
        // Where an application that references the AlgoPerfSharp.Torch package gets it (NuGet's native-asset layout).
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libats.so");
        string? assemblyDir = Path.GetDirectoryName(assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir) && assemblyDir != AppContext.BaseDirectory.TrimEnd('/'))
        {
            yield return Path.Combine(assemblyDir, "libats.so");
        }
    }
}
