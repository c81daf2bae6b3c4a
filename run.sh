#!/usr/bin/env bash
# The main job: set-up (idempotent), build, then the algoperf CLI. With no arguments it runs the quick benchmark —
# the quick plan's eight algorithms (SweepPlans.QuickAlgorithms) × the three base workloads at the quick preset (self-tuning ruleset, three studies
# as AlgoPerf v0.6, the calibrated quick budgets; measured 25 min 0 s and 22 min 0 s on the idle 2-core machine, about 29 at worst,
# when no trial reaches its target) — prints the leaderboard with score intervals and the significant differences
# and writes an HTML report. Extra arguments go to the CLI instead,
# e.g. ./run.sh info, ./run.sh sweep --plan smoke, ./run.sh --help
set -euo pipefail
cd "$(dirname "$0")"
# Passive OpenMP waiting, as when the quick targets and budgets were calibrated (calibration/calibrate-quick.sh): idle
# libtorch threads sleep instead of spinning on the core the harness and the next worker need.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
./scripts/setup.sh
dotnet build harness/AlgoPerfSharp.Harness -c Release -nologo -clp:ErrorsOnly
ALGOPERF="dotnet harness/AlgoPerfSharp.Harness/bin/Release/net10.0/algoperf.dll"
if [ "$#" -gt 0 ]; then exec $ALGOPERF "$@"; fi
mkdir -p results
# Re-running resumes: finished trials are skipped, interrupted ones continue from their checkpoints.
$ALGOPERF sweep --plan quick --db results/quick.db --label quick
$ALGOPERF report --db results/quick.db --run quick --out results/quick-report.html
echo "results: results/quick.db (SQLite), results/quick-report.html; score again with: ./run.sh leaderboard --db results/quick.db"
