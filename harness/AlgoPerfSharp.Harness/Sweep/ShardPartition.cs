using System.Globalization;
using System.Text;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Sweep;

/// <summary>
/// A sweep's whole trials dealt into <c>n</c> shards balanced by budget: greedy longest-budget-first (LPT) bin packing
/// over every plan dimension at once (workload × algorithm × study × tuning trial). Trials are taken in order of
/// decreasing budget (ties by key, ordinal) and each goes to the shard with the least budget so far (ties: the lowest
/// index). Deterministic given the plan and the budgets, so every shard computes the same partition independently.
/// Bounds: the heaviest shard exceeds the lightest by at most one trial's budget, and is at most 4/3 − 1/(3n) times the
/// best possible heaviest shard (Graham). With equal budgets it deals the trials out in key order (trial j of the
/// key-sorted plan to shard j mod n). Immutable.
/// </summary>
public sealed class ShardPartition
{
    private ShardPartition(IReadOnlyList<IReadOnlyList<TrialSpec>> shards, IReadOnlyList<double> budgets)
    {
        Shards = shards;
        BudgetSeconds = budgets;
    }

    /// <summary>Each shard's trials, in key order (the order a shard runs them).</summary>
    public IReadOnlyList<IReadOnlyList<TrialSpec>> Shards { get; }

    /// <summary>Each shard's total timed budget in seconds (the trials' budgets, multipliers included).</summary>
    public IReadOnlyList<double> BudgetSeconds { get; }

    /// <summary>
    /// Partitions <paramref name="trials"/> into <paramref name="count"/> shards; <paramref name="budgetSeconds"/> gives a
    /// trial's timed budget (its workload's budget × its budget multiplier), which must be finite and ≥ 0.
    /// </summary>
    /// <exception cref="ArgumentException">count &lt; 1, a duplicate trial key, or a budget that is negative or not finite.</exception>
    public static ShardPartition Of(IReadOnlyList<TrialSpec> trials, int count, Func<TrialSpec, double> budgetSeconds)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(budgetSeconds);
        if (count < 1) throw new ArgumentException($"shard count {count} is invalid: need n ≥ 1 (e.g. --shard 0/4)", nameof(count));
        var weighed = trials.Select(t => (Trial: t, Budget: budgetSeconds(t))).ToList();
        foreach (var (t, b) in weighed)
        {
            if (!(b >= 0) || double.IsInfinity(b)) throw new ArgumentException($"trial {t.Key} has budget {b} s; need a finite budget ≥ 0", nameof(budgetSeconds));
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (t, _) in weighed)
        {
            if (!keys.Add(t.Key)) throw new ArgumentException($"trial {t.Key} appears twice in the plan", nameof(trials));
        }

        var bins = Enumerable.Range(0, count).Select(_ => new List<TrialSpec>()).ToArray();
        var loads = new double[count];
        foreach (var (t, b) in weighed.OrderByDescending(x => x.Budget).ThenBy(x => x.Trial.Key, StringComparer.Ordinal))
        {
            int lightest = 0;
            for (int i = 1; i < count; i++)
            {
                if (loads[i] < loads[lightest]) lightest = i;
            }

            bins[lightest].Add(t);
            loads[lightest] += b;
        }

        return new ShardPartition(
            bins.Select(b => (IReadOnlyList<TrialSpec>)b.OrderBy(t => t.Key, StringComparer.Ordinal).ToList()).ToList(),
            loads);
    }

    /// <summary>
    /// The balance as a table, one row per shard (trials, budget-seconds, share of the whole), then the heaviest shard
    /// against the mean: what <c>algoperf sweep --dry-run</c> prints.
    /// </summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        double total = BudgetSeconds.Sum(), mean = total / Shards.Count;
        int n = Shards.Count;
        var text = new StringBuilder();
        text.AppendLine(c, $"{"shard",-9} {"trials",7} {"budget-s",12} {"share",7}");
        for (int i = 0; i < n; i++)
        {
            string share = total > 0 ? (100 * BudgetSeconds[i] / total).ToString("F2", c) + " %" : "-";
            text.AppendLine(c, $"{$"{i}/{n}",-9} {Shards[i].Count,7} {BudgetSeconds[i],12:N1} {share,7}");
        }

        double max = BudgetSeconds.Max(), min = BudgetSeconds.Min();
        string ratio = mean > 0 ? (max / mean).ToString("F4", c) : "-";
        text.AppendLine(c, $"{"all",-9} {Shards.Sum(s => s.Count),7} {total,12:N1}");
        text.Append(c, $"heaviest shard {max:N1} budget-s = {ratio} × the mean {mean:N1}; heaviest − lightest = {max - min:N1} s");
        return text.ToString();
    }
}
