using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// <c>--compare-native</c>: times the engine's small add (out-of-place and in-place) and 1024²/2048² fp32 matmul
/// from C#, runs the C++ yardstick <c>ats_native_bench</c> (libtorch called directly, same estimator: median of
/// repeated inner loops) in the same session, alternating, and prints both with the difference and ratio.
/// Targets (issue 2): small-op overhead ≤ 1 µs above C++; 2048² matmul from C# ≥ 95% of C++.
/// </summary>
public static class NativeComparison
{
    /// <summary>Median ns per op from C#, keyed like the C++ JSON (add16_ns, add16_inplace_ns, mm1024_ns, mm2048_ns).</summary>
    public static Dictionary<string, double> MeasureManaged(bool quick)
    {
        var r = new Dictionary<string, double>(StringComparer.Ordinal);
        using var a = Tensor.Rand([16]);
        using var b = Tensor.Rand([16]);
        using var c = Tensor.Rand([16]);
        int inner = quick ? 5000 : 20000;
        r["add16_ns"] = Stats.MedianNanoseconds(() =>
        {
            using var s = a + b;
        }, inner, 31);
        r["add16_inplace_ns"] = Stats.MedianNanoseconds(() => c.AddInPlace(b), inner, 31);
        using var m1 = Tensor.Rand([1024, 1024]);
        using var m2 = Tensor.Rand([1024, 1024]);
        for (int i = 0; i < 3; i++) m1.Mm(m2).Dispose();
        r["mm1024_ns"] = Stats.MedianNanoseconds(() => m1.Mm(m2).Dispose(), quick ? 2 : 5, quick ? 5 : 11);
        using var n1 = Tensor.Rand([2048, 2048]);
        using var n2 = Tensor.Rand([2048, 2048]);
        for (int i = 0; i < 2; i++) n1.Mm(n2).Dispose();
        r["mm2048_ns"] = Stats.MedianNanoseconds(() => n1.Mm(n2).Dispose(), quick ? 1 : 2, quick ? 5 : 9);
        return r;
    }

    /// <summary>Runs the C++ yardstick next to this assembly and parses its JSON.</summary>
    public static Dictionary<string, double> MeasureNative(int threads)
    {
        string exe = Path.Combine(AppContext.BaseDirectory, "ats_native_bench");
        if (!File.Exists(exe))
        {
            throw new FileNotFoundException($"{exe} not found: build the solution (dotnet build -c Release) so CMake builds ats_native_bench and copies it here", exe);
        }

        var psi = new ProcessStartInfo(exe, threads.ToString(CultureInfo.InvariantCulture)) { RedirectStandardOutput = true, UseShellExecute = false };
        using var proc = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        string json = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        if (proc.ExitCode != 0) throw new InvalidOperationException($"{exe} exited with code {proc.ExitCode}");
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
    }

    /// <summary>Runs <paramref name="rounds"/> alternating rounds and prints medians, differences and ratios.</summary>
    public static int Run(bool quick, int rounds, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int threads = TorchRuntime.NumThreads;
        var managed = new List<Dictionary<string, double>>();
        var native = new List<Dictionary<string, double>>();
        for (int r = 0; r < rounds; r++)
        {
            native.Add(MeasureNative(threads));
            managed.Add(MeasureManaged(quick));
            output.WriteLine($"round {r + 1}/{rounds}: C# add16 {managed[^1]["add16_ns"]:F0} ns, C++ add16 {native[^1]["add16_ns"]:F0} ns, C# mm2048 {managed[^1]["mm2048_ns"] / 1e6:F1} ms, C++ mm2048 {native[^1]["mm2048_ns"] / 1e6:F1} ms");
        }

        double M(string key) => Stats.Median(managed.Select(d => d[key]).ToList());
        double N(string key) => Stats.Median(native.Select(d => d[key]).ToList());
        output.WriteLine();
        output.WriteLine($"engine vs C++ yardstick ({threads} intra-op threads, median of {rounds} rounds)");
        output.WriteLine($"{"op",-22} {"C# ns",12} {"C++ ns",12} {"C#−C++ ns",12} {"C#/C++",8}");
        Row(output, "add 16 (a + b)", M("add16_ns"), N("add16_ns"));
        Row(output, "add_ 16 (in place)", M("add16_inplace_ns"), N("add16_ns"));
        Row(output, "mm 1024²", M("mm1024_ns"), N("mm1024_ns"));
        Row(output, "mm 2048²", M("mm2048_ns"), N("mm2048_ns"));
        double overhead = M("add16_ns") - N("add16_ns");
        double mmShare = N("mm2048_ns") / M("mm2048_ns");
        double gflops = 2.0 * 2048 * 2048 * 2048 / M("mm2048_ns");
        output.WriteLine();
        output.WriteLine($"small-op overhead {overhead:F0} ns (target ≤ 1000 ns): {(overhead <= 1000 ? "MET" : "MISSED")}");
        output.WriteLine($"mm 2048² from C# at {mmShare:P1} of C++ ({gflops:F1} GFLOP/s; target ≥ 95%): {(mmShare >= 0.95 ? "MET" : "MISSED")}");
        return 0;
    }

    private static void Row(TextWriter o, string name, double cs, double cpp) =>
        o.WriteLine($"{name,-22} {cs,12:F0} {cpp,12:F0} {cs - cpp,12:F0} {cs / cpp,8:F3}");
}
