using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Gate;

/// <summary>
/// What a CI gate runs: a baseline and a candidate algorithm, each at one fixed hyperparameter point, for
/// <see cref="Studies"/> studies on each workload. Each side is its own run (<see cref="RunLabel"/>) of external-tuning
/// trials with one trial per study, so study s of both sides has the same trial key and therefore the same data and
/// initialisation seeds (<see cref="SweepPlanner"/> derives them from the sweep seed, workload, study and trial only).
/// </summary>
/// <remarks>Immutable; validated in the constructor.</remarks>
public sealed record GatePlan
{
    /// <summary>Creates a plan.</summary>
    /// <param name="label">Prefix of the two run labels.</param>
    /// <param name="baseline">Baseline algorithm (built-in name or plugin spec).</param>
    /// <param name="candidate">Candidate algorithm (built-in name or plugin spec; may equal the baseline: an A/A gate).</param>
    /// <param name="baselinePoint">The baseline's hyperparameters.</param>
    /// <param name="candidatePoint">The candidate's hyperparameters.</param>
    /// <param name="workloads">Workloads, in the order they run within a study.</param>
    /// <param name="studies">Studies per workload and side, ≥ 1.</param>
    /// <param name="seed">Sweep seed every trial's seeds derive from.</param>
    /// <exception cref="ArgumentException">A blank label or algorithm, no workloads, a repeated workload, or studies &lt; 1.</exception>
    public GatePlan(
        string label, string baseline, string candidate, Hyperparameters baselinePoint, Hyperparameters candidatePoint,
        IReadOnlyList<GateWorkload> workloads, int studies, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(baselinePoint);
        ArgumentNullException.ThrowIfNull(candidatePoint);
        ArgumentNullException.ThrowIfNull(workloads);
        if (string.IsNullOrWhiteSpace(label)) throw new ArgumentException("the gate's --label must not be blank", nameof(label));
        if (string.IsNullOrWhiteSpace(baseline)) throw new ArgumentException("the gate needs a BASELINE algorithm", nameof(baseline));
        if (string.IsNullOrWhiteSpace(candidate)) throw new ArgumentException("the gate needs a CANDIDATE algorithm", nameof(candidate));
        if (workloads.Count == 0) throw new ArgumentException("the gate needs at least one workload (--workload)", nameof(workloads));
        if (workloads.Select(w => w.Name).Distinct(StringComparer.Ordinal).Count() != workloads.Count)
        {
            throw new ArgumentException($"a workload is named twice in {string.Join(", ", workloads.Select(w => w.Name))}", nameof(workloads));
        }

        if (studies < 1) throw new ArgumentException($"--studies must be ≥ 1 (got {studies}); 5 or more can flag a regression at α = 0.05", nameof(studies));
        Label = label;
        Baseline = baseline;
        Candidate = candidate;
        BaselinePoint = baselinePoint;
        CandidatePoint = candidatePoint;
        Workloads = workloads;
        Studies = studies;
        Seed = seed;
    }

    /// <summary>Prefix of the run labels.</summary>
    public string Label { get; }

    /// <summary>Baseline algorithm spec.</summary>
    public string Baseline { get; }

    /// <summary>Candidate algorithm spec.</summary>
    public string Candidate { get; }

    /// <summary>The baseline's hyperparameters.</summary>
    public Hyperparameters BaselinePoint { get; }

    /// <summary>The candidate's hyperparameters.</summary>
    public Hyperparameters CandidatePoint { get; }

    /// <summary>Workloads in run order.</summary>
    public IReadOnlyList<GateWorkload> Workloads { get; }

    /// <summary>Studies per workload and side.</summary>
    public int Studies { get; }

    /// <summary>Sweep seed.</summary>
    public ulong Seed { get; }

    /// <summary>The results-database run of one side: <c>LABEL.baseline</c> or <c>LABEL.candidate</c>.</summary>
    public string RunLabel(GateSide side) => Label + (side == GateSide.Baseline ? ".baseline" : ".candidate");

    /// <summary>The algorithm spec of one side.</summary>
    public string Algorithm(GateSide side) => side == GateSide.Baseline ? Baseline : Candidate;

    /// <summary>
    /// The sweep requests in run order, one trial each: for every study s, for every workload, the two sides of study s
    /// back to back — baseline first in even studies, candidate first in odd ones (ABBA), so that drift of the machine
    /// within a pair, or a cost of running second, hits both sides equally often and cannot fake a one-sided effect.
    /// Request s of a side plans studies 0..s (earlier ones are already finished and skipped), which is what makes an
    /// interrupted gate resume where it stopped.
    /// </summary>
    public IReadOnlyList<(GateSide Side, SweepRequest Request)> Requests()
    {
        var result = new List<(GateSide, SweepRequest)>();
        for (int s = 0; s < Studies; s++)
        {
            foreach (var w in Workloads)
            {
                GateSide[] order = s % 2 == 0 ? [GateSide.Baseline, GateSide.Candidate] : [GateSide.Candidate, GateSide.Baseline];
                foreach (var side in order)
                {
                    var point = side == GateSide.Baseline ? BaselinePoint : CandidatePoint;
                    result.Add((side, new SweepRequest(RunLabel(side), [w.Name], [Algorithm(side)], TuningRuleset.ExternalTuning, s + 1, 1, Seed,
                        SearchSpace.FromPoints([point]), 0, 1, w.Options)));
                }
            }
        }

        return result;
    }
}
