using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Store;

/// <summary>
/// Which part of which plan a database holds for one run label, kept in its meta table so that <c>merge</c> can refuse
/// shards of different sweeps, a shard given twice and a missing or unfinished shard. A sharded sweep (n &gt; 1) writes
/// <c>shard:&lt;label&gt;</c> (this shard's index and count, the plan's fingerprint, the trial counts); a merge writes
/// <c>merged:&lt;label&gt;</c> into its target (the fingerprint, the count and every shard index merged so far), so a
/// later merge into the same database checks against it too. Databases without stamps (older ones, or written by
/// other tools) merge as before, unchecked.
/// </summary>
/// <param name="Plan">The plan's fingerprint (<see cref="Fingerprint"/>).</param>
/// <param name="Count">Shards the plan was split into.</param>
/// <param name="Shards">This shard's index (a sweep), or every index merged so far (a merge target).</param>
/// <param name="PlanTrials">Trials in the whole plan.</param>
/// <param name="ShardTrials">Trials in this shard (a sweep), or 0 (a merge target).</param>
internal sealed record ShardStamp(string Plan, int Count, IReadOnlyList<int> Shards, int PlanTrials, int ShardTrials)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>"shard i/n" (a sweep's stamp).</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"shard {Shards[0]}/{Count}");

    /// <summary>
    /// A fingerprint of a plan: the SHA-256 of every trial's key, settings (hyperparameters, ruleset, seeds, budget
    /// multiplier) and timed budget in seconds, in key order; its first 16 hex digits. Another seed, another list of
    /// workloads or algorithms, other studies or trials, another search space or other budgets (which move trials
    /// between shards) give another fingerprint.
    /// </summary>
    public static string Fingerprint(IEnumerable<TrialSpec> plan, Func<TrialSpec, double> budgetSeconds)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(budgetSeconds);
        var text = new StringBuilder();
        foreach (var t in plan.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var s = TrialSettings.Of(t);
            text.Append(CultureInfo.InvariantCulture,
                $"{t.Key}\t{s.Hyperparameters}\t{s.Ruleset}\t{s.DataSeed}\t{s.InitSeed}\t{s.AlgorithmSeed}\t{s.BudgetMultiplier:R}\t{budgetSeconds(t):R}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    /// <summary>The stamp a sweep wrote for <paramref name="label"/>, or null.</summary>
    public static ShardStamp? OfShard(ResultsStore store, string label) => Read(store, "shard:" + label);

    /// <summary>The stamp merges wrote into <paramref name="store"/> for <paramref name="label"/>, or null.</summary>
    public static ShardStamp? OfMerged(ResultsStore store, string label) => Read(store, "merged:" + label);

    /// <summary>Records the shard a sweep runs.</summary>
    public void WriteShard(ResultsStore store, string label) => Write(store, "shard:" + label);

    /// <summary>Records what a merge target holds.</summary>
    public void WriteMerged(ResultsStore store, string label) => Write(store, "merged:" + label);

    private void Write(ResultsStore store, string key)
    {
        ArgumentNullException.ThrowIfNull(store);
        store.SetMeta(key, JsonSerializer.Serialize(this, Json));
    }

    private static ShardStamp? Read(ResultsStore store, string key)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Meta(key) is not { } text) return null;
        try
        {
            var stamp = JsonSerializer.Deserialize<ShardStamp>(text, Json);
            if (stamp is { Plan: not null, Shards: not null } && stamp.Count >= 1 && stamp.Shards.Count >= 1 && stamp.Shards.All(i => i >= 0 && i < stamp.Count))
            {
                return stamp;
            }
        }
        catch (JsonException)
        {
        }

        throw new ResultsStoreException($"{store.Path}: its meta row '{key}' cannot be read (edited by hand or damaged): delete that row to merge the database unchecked");
    }

    /// <summary>Equal stamps: same plan, count, shards and trial counts (the list compared element-wise).</summary>
    public bool Same(ShardStamp other) =>
        other is not null && Plan == other.Plan && Count == other.Count && PlanTrials == other.PlanTrials && ShardTrials == other.ShardTrials && Shards.SequenceEqual(other.Shards);
}
