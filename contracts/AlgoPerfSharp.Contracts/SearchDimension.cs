namespace AlgoPerfSharp.Contracts;

/// <summary>How a continuous dimension maps the unit interval onto [min, max].</summary>
public enum Scaling
{
    /// <summary>min + u·(max − min).</summary>
    Linear,

    /// <summary>exp(log min + u·(log max − log min)); requires min &gt; 0.</summary>
    Log,
}

/// <summary>One hyperparameter's range: continuous [Min, Max] with a scaling, or a list of feasible values.</summary>
public sealed record SearchDimension
{
    private SearchDimension(string name, double min, double max, Scaling scaling, IReadOnlyList<object>? points)
    {
        Name = name;
        Min = min;
        Max = max;
        Scaling = scaling;
        FeasiblePoints = points;
    }

    /// <summary>Hyperparameter name.</summary>
    public string Name { get; }

    /// <summary>Lower bound (continuous dimensions).</summary>
    public double Min { get; }

    /// <summary>Upper bound (continuous dimensions).</summary>
    public double Max { get; }

    /// <summary>Scaling (continuous dimensions).</summary>
    public Scaling Scaling { get; }

    /// <summary>The allowed values of a discrete dimension, or null for a continuous one.</summary>
    public IReadOnlyList<object>? FeasiblePoints { get; }

    /// <summary>True for a discrete dimension.</summary>
    public bool IsDiscrete => FeasiblePoints is not null;

    /// <summary>A continuous dimension; validates min ≤ max, finiteness and min &gt; 0 for log scaling.</summary>
    public static SearchDimension Continuous(string name, double min, double max, Scaling scaling)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) throw new SearchSpaceException($"'{name}': min and max must be finite numbers (got {min}, {max})");
        if (min > max) throw new SearchSpaceException($"'{name}': min {min} is greater than max {max}");
        if (scaling == Scaling.Log && min <= 0) throw new SearchSpaceException($"'{name}': log scaling needs min > 0 (got {min})");
        return new SearchDimension(name, min, max, scaling, null);
    }

    /// <summary>A discrete dimension over <paramref name="points"/> (numbers, booleans or strings).</summary>
    public static SearchDimension Discrete(string name, IReadOnlyList<object> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) throw new SearchSpaceException($"'{name}': feasible_points is empty");
        return new SearchDimension(name, double.NaN, double.NaN, Scaling.Linear, points.ToArray());
    }

    /// <summary>Maps <paramref name="u"/> ∈ [0, 1) to a value of this dimension (AlgoPerf's rule).</summary>
    public object Map(double u)
    {
        if (!(u >= 0 && u < 1)) throw new ArgumentOutOfRangeException(nameof(u), u, "must be in [0, 1)");
        if (FeasiblePoints is { } pts) return pts[Math.Min((int)Math.Floor(u * pts.Count), pts.Count - 1)];
        return Scaling == Scaling.Log
            ? Math.Exp(Math.Log(Min) + (u * (Math.Log(Max) - Math.Log(Min))))
            : Min + (u * (Max - Min));
    }
}
