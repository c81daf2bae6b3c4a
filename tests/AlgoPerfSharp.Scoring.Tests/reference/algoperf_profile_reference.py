"""Cross-check of the hand-computed tables in PerformanceProfileTests.cs against AlgoPerf's scoring steps.

Re-implements, with numpy only (pandas is not installed here), the steps of AlgoPerf's
scoring/performance_profile.py::compute_performance_profiles and compute_leaderboard_score
(mlcommons/submissions_algorithms, 2026 snapshot) on a time-to-target matrix:
  (a) variant := inf where its base is inf/NaN, (b) t > 4 * column-min := inf,
  (c) base := inf where its variant is inf/NaN, (d) r = t / column-min over base workloads,
  rho(tau) = (r <= tau).sum() / NUM_BASE_WORKLOADS on np.linspace(1, 4, 100), score = np.trapz(rho, tau) / 3.
Run: /usr/bin/python3 algoperf_profile_reference.py  (the tests themselves never need python).
"""
import numpy as np

INF = np.inf


def scores(times, workloads, variants=None):
    """times: {submission: [t per workload]}, workloads: column names, variants: {variant: base}."""
    variants = variants or {}
    subs = list(times)
    df = np.array([times[s] for s in subs], dtype=float)
    col = {w: i for i, w in enumerate(workloads)}
    for v, b in variants.items():
        bad = ~np.isfinite(df[:, col[b]])
        df[bad, col[v]] = INF
    best = np.nanmin(df, axis=0)
    df[df > 4 * best] = INF
    for v, b in variants.items():
        bad = ~np.isfinite(df[:, col[v]])
        df[bad, col[b]] = INF
    base_cols = [col[w] for w in workloads if w not in variants]
    df = df[:, base_cols]
    with np.errstate(invalid='ignore'):
        r = df / df.min(axis=0)
    taus = np.linspace(1.0, 4.0, num=100)
    rho = np.stack([(r <= t).sum(axis=1) / len(base_cols) for t in taus], axis=1)
    trapz = getattr(np, 'trapezoid', None) or np.trapz
    return {s: trapz(rho[i], x=taus) / (taus.max() - taus.min()) for i, s in enumerate(subs)}


def show(name, result, expected):
    for s, v in result.items():
        e = expected[s]
        print(f'{name:28s} {s:3s} numpy={v!r:24} hand={e!r:24} diff={abs(v - e):.1e}')
        assert abs(v - e) < 1e-12


def credit(k):
    return 1.0 if k == 0 else (99 - k + 0.5) / 99


if __name__ == '__main__':
    show('one submission', scores({'A': [10, 20, 30]}, ['w1', 'w2', 'w3']), {'A': 1.0})
    show('2 x 3 hand table',
         scores({'A': [100, 160, 100], 'B': [250, 100, 320]}, ['w1', 'w2', 'w3']),
         {'A': 277.5 / 297, 'B': 175 / 297})
    show('ties', scores({'A': [5, 7], 'B': [5, 7]}, ['w1', 'w2']), {'A': 1.0, 'B': 1.0})
    show('4x cut: exactly 4x kept', scores({'A': [100], 'B': [400]}, ['w']), {'A': 1.0, 'B': credit(99)})
    show('4x cut: just past', scores({'A': [100], 'B': [400.0001]}, ['w']), {'A': 1.0, 'B': 0.0})
    show('missing workload', scores({'A': [100, INF], 'B': [250, 50]}, ['w1', 'w2']),
         {'A': 0.5, 'B': (credit(50) + 1) / 2})
    show('nobody reaches w2', scores({'A': [100, INF], 'B': [250, INF]}, ['w1', 'w2']),
         {'A': 0.5, 'B': credit(50) / 2})
    show('variant rule',
         scores({'X': [100, INF, 100], 'Y': [150, 200, 100], 'Z': [INF, 50, 100], 'W': [300, 900, 100],
                 'V': [330, 700, 100], 'U': [450, 300, 100]},
                ['b', 'bv', 'c'], {'bv': 'b'}),
         {'X': 0.5, 'Y': 1.0, 'Z': 0.5, 'W': 0.5, 'V': (credit(40) + 1) / 2, 'U': 0.5})
    # Grid points: which index k first satisfies r <= tau_k for the ratios used above.
    taus = np.linspace(1.0, 4.0, num=100)
    for r in [1.6, 2.5, 3.2, 2.2, 4.0]:
        print(f'ratio {r}: first grid index {int(np.argmax(r <= taus))}')
    print('all reference checks passed')
