using System.Diagnostics;
using AlgoPerfSharp.Harness.Reports;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>Renders the HTML report in headless Chromium (Debian's <c>chromium</c> package) and checks the screenshot.</summary>
public sealed class ChromiumScreenshotTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-chromium-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void TheReportRendersToANonBlankScreenshot()
    {
        string chromium = FindChromium() ?? throw new Xunit.Sdk.XunitException(
            "chromium is not installed (needed to render the HTML report): run ./scripts/setup.sh (it installs Debian's `chromium` package)");
        string db = Path.Combine(_dir, "results.db"), html = Path.Combine(_dir, "report.html"), png = Path.Combine(_dir, "out.png");
        ReportTests.Populate(db);
        using (var store = ResultsStore.Open(db, create: false))
        {
            File.WriteAllText(html, HtmlReport.Render(store, store.Runs(), Scoring.TuningRuleset.SelfTuning));
        }

        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + Path.Combine(_dir, "profile"), "--screenshot=" + png,
            "--window-size=1200,2000", new Uri(html).AbsoluteUri,
        })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        bool exited = p.WaitForExit(Timeout);
        if (!exited) p.Kill(entireProcessTree: true);
        p.WaitForExit();
        Assert.True(exited, $"chromium did not finish within {Timeout.TotalSeconds} s (killed); stderr: {Tail(stderr)}");
        Assert.True(File.Exists(png), $"chromium wrote no screenshot (exit code {p.ExitCode}); stderr: {Tail(stderr)} {Tail(stdout)}");

        if (Environment.GetEnvironmentVariable("ALGOPERF_KEEP_SCREENSHOT") is { Length: > 0 } keep)
        {
            File.Copy(png, keep, overwrite: true); // to look at it: ALGOPERF_KEEP_SCREENSHOT=/tmp/report.png
            File.Copy(html, Path.ChangeExtension(keep, ".html"), overwrite: true);
        }

        var image = PngImage.Decode(File.ReadAllBytes(png));
        Assert.Equal(1200, image.Width);
        Assert.Equal(2000, image.Height);
        int distinct = image.Pixels.Distinct().Count();
        double nonWhite = image.Pixels.Count(px => (px >> 8) != 0xFFFFFF) / (double)image.Pixels.Length;
        // Text, table borders, antialiased curves in the palette: a rendered report has hundreds of colours; a blank or
        // error page has a handful.
        Assert.True(distinct >= 64, $"only {distinct} distinct colours in the screenshot");
        Assert.True(nonWhite is > 0.01 and < 0.9, $"non-white fraction {nonWhite:P1}");
        // The palette's first colour (the leading algorithm's curve, #0072B2) is on screen: the SVG was drawn.
        Assert.Contains(0x0072B2FFu, image.Pixels);
    }

    private static string? FindChromium()
    {
        foreach (var name in new[] { "chromium", "chromium-browser" })
        {
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                string path = Path.Combine(dir, name);
                if (File.Exists(path)) return path;
            }
        }

        return null;
    }

    private static string Tail(Task<string> output)
    {
        string s = output.IsCompletedSuccessfully ? output.Result : "";
        return s.Length <= 2000 ? s : s[^2000..];
    }
}
