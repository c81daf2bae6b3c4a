using System.Globalization;
using System.Xml.Linq;

namespace AlgoPerfSharp.Harness.Reports;

/// <summary>A polyline of a line chart. Non-finite points are skipped (a diverged metric breaks nothing).</summary>
/// <param name="Name">Legend text (any string: it is escaped on output).</param>
/// <param name="Color">Palette index.</param>
/// <param name="X">X values.</param>
/// <param name="Y">Y values, same length.</param>
/// <param name="Step">Draw as a right-continuous step function (ρ(τ)) rather than straight segments.</param>
internal sealed record ChartSeries(string Name, int Color, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Step = false);

/// <summary>A horizontal reference line (e.g. the validation target), drawn dashed and listed in the legend.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Y">Its value.</param>
internal sealed record ReferenceLine(string Name, double Y);

/// <summary>One bar: a group (x category), a series (legend entry) and its value.</summary>
/// <param name="Group">X category, e.g. the workload.</param>
/// <param name="Series">Legend entry, e.g. the algorithm.</param>
/// <param name="Color">Palette index of the series.</param>
/// <param name="Value">Bar height (non-finite → no bar, labelled "n/a").</param>
/// <param name="Label">Text printed above the bar (with its unit).</param>
internal sealed record BarValue(string Group, string Series, int Color, double Value, string Label);

/// <summary>A point estimate with its interval, one category of an interval chart.</summary>
/// <param name="Name">Category (and legend) text, e.g. the algorithm.</param>
/// <param name="Color">Palette index.</param>
/// <param name="Point">The point estimate.</param>
/// <param name="Lower">Lower end of the interval.</param>
/// <param name="Upper">Upper end of the interval.</param>
internal sealed record IntervalValue(string Name, int Color, double Point, double Lower, double Upper);

/// <summary>
/// Writes small static SVG charts with System.Xml.Linq (so every name and label is XML-escaped): axes with nice ticks,
/// axis titles with units, a legend, no script. Each plotted series carries its data as <c>data-x</c>/<c>data-y</c>
/// attributes (round-trip formatted) and the root carries the axis mapping, so tests can check what is drawn.
/// </summary>
internal static class SvgChart
{
    /// <summary>The SVG namespace.</summary>
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    /// <summary>Colour-blind-friendly palette (Okabe–Ito, then Tableau), indexed modulo its length.</summary>
    private static readonly string[] Palette =
    [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#8C564B", "#7F7F7F",
    ];

    private const double Width = 760, Left = 78, Right = 24, Top = 40, PlotHeight = 260, LegendRow = 20;
    private const int MaxLegendText = 60;

    /// <summary>The colour of palette index <paramref name="i"/>.</summary>
    public static string Color(int i) => Palette[((i % Palette.Length) + Palette.Length) % Palette.Length];

    /// <summary>A line chart.</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="xLabel">X-axis title with its unit.</param>
    /// <param name="yLabel">Y-axis title with its unit.</param>
    /// <param name="series">The lines; series with the same name and colour share one legend entry.</param>
    /// <param name="references">Horizontal reference lines.</param>
    /// <param name="xRange">Fixed x range, or null to fit the data.</param>
    /// <param name="yRange">Fixed y range, or null to fit the data (and the reference lines).</param>
    public static XElement Line(
        string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, IReadOnlyList<ReferenceLine> references,
        (double Min, double Max)? xRange = null, (double Min, double Max)? yRange = null)
    {
        var xs = series.SelectMany(s => s.X).Where(double.IsFinite);
        var ys = series.SelectMany(s => s.Y).Where(double.IsFinite).Concat(references.Select(r => r.Y).Where(double.IsFinite));
        var (x0, x1, xTicks) = xRange is { } xr ? (xr.Min, xr.Max, Ticks(xr.Min, xr.Max)) : Fit(xs);
        var (y0, y1, yTicks) = yRange is { } yr ? (yr.Min, yr.Max, Ticks(yr.Min, yr.Max)) : Fit(ys);
        var legend = series.Select(s => (s.Name, s.Color, Dashed: false)).Distinct().OrderBy(l => l.Color)
            .Concat(references.Select(r => (r.Name, Color: 7, Dashed: true))).ToList();
        var (svg, plot) = Frame(title, xLabel, yLabel, legend, (x0, x1), (y0, y1));
        Axes(plot, xTicks, yTicks, (x0, x1), (y0, y1));
        foreach (var r in references.Where(r => double.IsFinite(r.Y)))
        {
            double py = Py(r.Y, y0, y1);
            plot.Add(new XElement(Ns + "line", new XAttribute("class", "reference"), new XAttribute("data-y", R(r.Y)),
                new XAttribute("x1", F(Left)), new XAttribute("x2", F(Width - Right)), new XAttribute("y1", F(py)), new XAttribute("y2", F(py)),
                new XAttribute("stroke", Color(7)), new XAttribute("stroke-width", "1.5"), new XAttribute("stroke-dasharray", "6 4"),
                new XElement(Ns + "title", r.Name)));
        }

        foreach (var s in series)
        {
            var pts = Enumerable.Range(0, Math.Min(s.X.Count, s.Y.Count))
                .Where(i => double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i])).Select(i => (X: s.X[i], Y: s.Y[i])).ToList();
            if (pts.Count == 0) continue;
            var pixels = new List<string>();
            for (int i = 0; i < pts.Count; i++)
            {
                if (s.Step && i > 0) pixels.Add($"{F(Px(pts[i].X, x0, x1))},{F(Py(pts[i - 1].Y, y0, y1))}");
                pixels.Add($"{F(Px(pts[i].X, x0, x1))},{F(Py(pts[i].Y, y0, y1))}");
            }

            plot.Add(new XElement(Ns + "polyline", new XAttribute("class", "series"), new XAttribute("data-series", s.Name),
                new XAttribute("data-x", string.Join(' ', pts.Select(p => R(p.X)))), new XAttribute("data-y", string.Join(' ', pts.Select(p => R(p.Y)))),
                new XAttribute("points", string.Join(' ', pixels)), new XAttribute("fill", "none"), new XAttribute("stroke", Color(s.Color)),
                new XAttribute("stroke-width", "2"), new XAttribute("stroke-linejoin", "round"), new XElement(Ns + "title", s.Name)));
            if (pts.Count == 1)
            {
                plot.Add(new XElement(Ns + "circle", new XAttribute("cx", F(Px(pts[0].X, x0, x1))), new XAttribute("cy", F(Py(pts[0].Y, y0, y1))),
                    new XAttribute("r", "3"), new XAttribute("fill", Color(s.Color))));
            }
        }

        return svg;
    }

    /// <summary>A grouped bar chart (groups along x, one bar per series in each group), the y axis starting at 0.</summary>
    public static XElement Bars(string title, string xLabel, string yLabel, IReadOnlyList<BarValue> bars)
    {
        var groups = bars.Select(b => b.Group).Distinct().ToList();
        var seriesNames = bars.Select(b => (b.Series, b.Color)).Distinct().ToList();
        double max = bars.Select(b => b.Value).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var (_, y1, yTicks) = Fit([0, max > 0 ? max * 1.1 : 1]);
        var (svg, plot) = Frame(title, xLabel, yLabel, seriesNames.Select(s => (s.Series, s.Color, Dashed: false)).ToList(), (0, 1), (0, y1));
        Axes(plot, [], yTicks, (0, 1), (0, y1));
        double groupWidth = (Width - Left - Right) / Math.Max(1, groups.Count);
        double barWidth = Math.Min(60, groupWidth * 0.8 / Math.Max(1, seriesNames.Count));
        for (int g = 0; g < groups.Count; g++)
        {
            double gx = Left + (g * groupWidth);
            plot.Add(Text(groups[g], gx + (groupWidth / 2), Top + PlotHeight + 18, "middle", 12));
            var inGroup = seriesNames.Select(s => bars.FirstOrDefault(b => b.Group == groups[g] && b.Series == s.Series && b.Color == s.Color)).ToList();
            double start = gx + ((groupWidth - (barWidth * inGroup.Count)) / 2);
            for (int i = 0; i < inGroup.Count; i++)
            {
                if (inGroup[i] is not { } b) continue;
                double bx = start + (i * barWidth);
                double top = double.IsFinite(b.Value) ? Py(b.Value, 0, y1) : Top + PlotHeight;
                plot.Add(new XElement(Ns + "rect", new XAttribute("class", "bar"), new XAttribute("data-series", b.Series),
                    new XAttribute("data-group", b.Group), new XAttribute("data-value", R(b.Value)),
                    new XAttribute("x", F(bx + 1)), new XAttribute("y", F(top)), new XAttribute("width", F(barWidth - 2)),
                    new XAttribute("height", F(Top + PlotHeight - top)), new XAttribute("fill", Color(b.Color)),
                    new XElement(Ns + "title", $"{b.Series} on {b.Group}: {b.Label}")));
                plot.Add(Text(double.IsFinite(b.Value) ? b.Label : "n/a", bx + (barWidth / 2), top - 4, "middle", 10));
            }
        }

        return svg;
    }

    /// <summary>
    /// A dot-and-whisker chart on a [0, 1] y axis: one category per value along x, a dot at the point estimate and a
    /// vertical bar from the lower to the upper end of its interval.
    /// </summary>
    public static XElement Intervals(string title, string xLabel, string yLabel, IReadOnlyList<IntervalValue> values)
    {
        var (svg, plot) = Frame(title, xLabel, yLabel, values.Select(v => (v.Name, v.Color, Dashed: false)).ToList(), (0, 1), (0, 1));
        Axes(plot, [], Ticks(0, 1), (0, 1), (0, 1));
        double slot = (Width - Left - Right) / Math.Max(1, values.Count);
        for (int i = 0; i < values.Count; i++)
        {
            var v = values[i];
            double cx = Left + ((i + 0.5) * slot);
            plot.Add(new XElement(Ns + "g", new XAttribute("class", "interval"), new XAttribute("data-series", v.Name),
                new XAttribute("data-point", R(v.Point)), new XAttribute("data-lower", R(v.Lower)), new XAttribute("data-upper", R(v.Upper)),
                new XElement(Ns + "title", $"{v.Name}: {v.Point.ToString("F4", CultureInfo.InvariantCulture)} [{v.Lower.ToString("F4", CultureInfo.InvariantCulture)}, {v.Upper.ToString("F4", CultureInfo.InvariantCulture)}]"),
                new XElement(Ns + "line", new XAttribute("x1", F(cx)), new XAttribute("x2", F(cx)),
                    new XAttribute("y1", F(Py(v.Lower, 0, 1))), new XAttribute("y2", F(Py(v.Upper, 0, 1))),
                    new XAttribute("stroke", Color(v.Color)), new XAttribute("stroke-width", "3")),
                new XElement(Ns + "circle", new XAttribute("cx", F(cx)), new XAttribute("cy", F(Py(v.Point, 0, 1))),
                    new XAttribute("r", "5"), new XAttribute("fill", Color(v.Color)))));
            plot.Add(Text(Shorten(v.Name, 18), cx, Top + PlotHeight + 18, "middle", 11));
        }

        return svg;
    }

    /// <summary>Round-trip number format used in data attributes.</summary>
    public static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Pixel x of data x.</summary>
    public static double Px(double x, double x0, double x1) => Left + ((x - x0) / (x1 - x0) * (Width - Left - Right));

    /// <summary>Pixel y of data y.</summary>
    public static double Py(double y, double y0, double y1) => Top + PlotHeight - ((y - y0) / (y1 - y0) * PlotHeight);

    private static (XElement Svg, XElement Plot) Frame(
        string title, string xLabel, string yLabel, IReadOnlyList<(string Name, int Color, bool Dashed)> legend,
        (double Min, double Max) x, (double Min, double Max) y)
    {
        double column = Math.Min(Width - Left - Right, 40 + (6.8 * legend.Select(l => Math.Min(l.Name.Length, MaxLegendText)).DefaultIfEmpty(1).Max()));
        int perRow = Math.Max(1, (int)((Width - Left - Right) / column));
        int rows = (legend.Count + perRow - 1) / perRow;
        double height = Top + PlotHeight + 50 + (rows * LegendRow) + 8;
        var plot = new XElement(Ns + "g", new XAttribute("class", "plot"));
        var legendGroup = new XElement(Ns + "g", new XAttribute("class", "legend"));
        for (int i = 0; i < legend.Count; i++)
        {
            double lx = Left + (i % perRow * column), ly = Top + PlotHeight + 58 + (i / perRow * LegendRow);
            var swatch = new XElement(Ns + "line", new XAttribute("x1", F(lx)), new XAttribute("x2", F(lx + 22)),
                new XAttribute("y1", F(ly - 4)), new XAttribute("y2", F(ly - 4)), new XAttribute("stroke", Color(legend[i].Color)),
                new XAttribute("stroke-width", legend[i].Dashed ? "1.5" : "4"));
            if (legend[i].Dashed) swatch.Add(new XAttribute("stroke-dasharray", "6 4"));
            legendGroup.Add(new XElement(Ns + "g", new XAttribute("class", "legend-entry"), swatch,
                Text(Shorten(legend[i].Name, MaxLegendText), lx + 28, ly, "start", 12)));
        }

        var svg = new XElement(Ns + "svg",
            new XAttribute("width", F(Width)), new XAttribute("height", F(height)), new XAttribute("viewBox", $"0 0 {F(Width)} {F(height)}"),
            new XAttribute("role", "img"), new XAttribute("font-family", "sans-serif"),
            new XAttribute("data-x0", R(x.Min)), new XAttribute("data-x1", R(x.Max)), new XAttribute("data-y0", R(y.Min)), new XAttribute("data-y1", R(y.Max)),
            new XElement(Ns + "title", title),
            new XElement(Ns + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "#ffffff")),
            Text(title, Width / 2, 22, "middle", 15, bold: true),
            Text(xLabel, Left + ((Width - Left - Right) / 2), Top + PlotHeight + 38, "middle", 12),
            new XElement(Ns + "text", new XAttribute("transform", $"translate(16 {F(Top + (PlotHeight / 2))}) rotate(-90)"),
                new XAttribute("text-anchor", "middle"), new XAttribute("font-size", "12"), yLabel),
            plot,
            legendGroup);
        return (svg, plot);
    }

    private static void Axes(XElement plot, IReadOnlyList<double> xTicks, IReadOnlyList<double> yTicks, (double Min, double Max) x, (double Min, double Max) y)
    {
        double bottom = Top + PlotHeight;
        foreach (double t in yTicks)
        {
            double py = Py(t, y.Min, y.Max);
            plot.Add(new XElement(Ns + "line", new XAttribute("x1", F(Left)), new XAttribute("x2", F(Width - Right)), new XAttribute("y1", F(py)),
                new XAttribute("y2", F(py)), new XAttribute("stroke", "#e3e3e3")));
            plot.Add(Text(TickLabel(t), Left - 6, py + 4, "end", 11));
        }

        foreach (double t in xTicks)
        {
            double px = Px(t, x.Min, x.Max);
            plot.Add(new XElement(Ns + "line", new XAttribute("x1", F(px)), new XAttribute("x2", F(px)), new XAttribute("y1", F(Top)),
                new XAttribute("y2", F(bottom)), new XAttribute("stroke", "#efefef")));
            plot.Add(Text(TickLabel(t), px, bottom + 16, "middle", 11));
        }

        plot.Add(new XElement(Ns + "polyline", new XAttribute("class", "axes"), new XAttribute("fill", "none"), new XAttribute("stroke", "#333333"),
            new XAttribute("points", $"{F(Left)},{F(Top)} {F(Left)},{F(bottom)} {F(Width - Right)},{F(bottom)}")));
    }

    private static XElement Text(string text, double x, double y, string anchor, int size, bool bold = false)
    {
        var e = new XElement(Ns + "text", new XAttribute("x", F(x)), new XAttribute("y", F(y)), new XAttribute("text-anchor", anchor),
            new XAttribute("font-size", size.ToString(CultureInfo.InvariantCulture)), text);
        if (bold) e.Add(new XAttribute("font-weight", "bold"));
        return e;
    }

    private static string Shorten(string s, int max) => s.Length <= max ? s : string.Concat(s.AsSpan(0, max - 1), "…");

    private static (double Min, double Max, IReadOnlyList<double> Ticks) Fit(IEnumerable<double> values)
    {
        var list = values.ToList();
        double lo = list.Count == 0 ? 0 : list.Min(), hi = list.Count == 0 ? 1 : list.Max();
        if (hi - lo < 1e-12 * Math.Max(1, Math.Abs(hi)))
        {
            double pad = Math.Abs(hi) > 0 ? Math.Abs(hi) * 0.1 : 1;
            lo -= pad;
            hi += pad;
        }

        double step = NiceStep(hi - lo);
        double min = Math.Floor(lo / step) * step, max = Math.Ceiling(hi / step) * step;
        return (min, max, Ticks(min, max));
    }

    /// <summary>Ticks at a 1-2-5 step covering [min, max] with about five intervals.</summary>
    internal static IReadOnlyList<double> Ticks(double min, double max)
    {
        double step = NiceStep(max - min);
        var ticks = new List<double>();
        for (double t = Math.Ceiling((min / step) - 1e-9) * step; t <= max + (step * 1e-9); t += step)
        {
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        }

        return ticks;
    }

    private static double NiceStep(double range)
    {
        double raw = range / 5, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double f = raw / magnitude;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
    }

    private static string TickLabel(double v) => Math.Round(v, 10).ToString("G6", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
