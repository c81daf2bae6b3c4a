#!/usr/bin/env bash
# The timing-noise experiment (issue 11, deliverable 4; method and results: docs/timing-noise.md).
#
# Runs R A/A repetitions of one small fixed sweep on an idle machine, then R more beside scripts/noisy-neighbour.sh
# (one core burnt for a random 30–70 % of every few seconds), all into one database, then prints
# `algoperf timing-noise`: per workload × algorithm, the coefficient of variation across repetitions of
# time-to-target and step time for the wall clock, the CPU time and the probe-normalised time, and the decision rule
# (a candidate figure ships only if it at least halves the wall clock's CV under the neighbour).
#
# The sweep: ALGORITHM (default adamw) × the three base workloads at PRESET (default quick), self-tuning ruleset
# (the algorithm's defaults, no sampling), 1 study, fixed seed 0, stop at the target, validation eval only. Every
# repetition is therefore the same trials with the same seeds: any difference between them is timing noise.
# Cost at the quick preset: about 1–2 min per repetition, so ~15–25 min for R = 5.
#
# Usage: scripts/timing-noise.sh [-r R] [--preset quick|tiny|cpu] [--algorithm NAME] [--db FILE] [--json]
#   e.g. scripts/timing-noise.sh                      (the measurement: R = 5, quick)
#        scripts/timing-noise.sh -r 1 --preset tiny --db /tmp/noise-smoke.db   (a smoke check of the plumbing)
# Run it on an otherwise idle machine (the idle half must be idle). Re-running with the same --db resumes: finished
# repetitions are skipped. OMP_WAIT_POLICY=PASSIVE is set so idle libtorch threads sleep rather than spin (spinning
# would count as CPU time).
set -euo pipefail
cd "$(dirname "$0")/.."

reps=5 preset=quick algorithm=adamw db=results/timing-noise.db json=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    -r|--repetitions) reps=${2:?"-r needs a number"}; shift 2 ;;
    --preset) preset=${2:?"--preset needs a name"}; shift 2 ;;
    --algorithm) algorithm=${2:?"--algorithm needs a name"}; shift 2 ;;
    --db) db=${2:?"--db needs a file"}; shift 2 ;;
    --json) json=(--json); shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument '$1' (see $0 --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$reps" =~ ^[0-9]+$ ]] || [ "$reps" -lt 1 ]; then echo "error: -r must be a whole number ≥ 1 (got '$reps')" >&2; exit 2; fi

export OMP_WAIT_POLICY=PASSIVE DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build harness/AlgoPerfSharp.Harness -c Release -nologo -clp:ErrorsOnly >&2
ALGOPERF="dotnet harness/AlgoPerfSharp.Harness/bin/Release/net10.0/algoperf.dll"
mkdir -p "$(dirname "$db")"

neighbour=""
stop_neighbour() { if [ -n "$neighbour" ]; then kill "$neighbour" 2>/dev/null || true; wait "$neighbour" 2>/dev/null || true; neighbour=""; fi; }
trap stop_neighbour EXIT

repetition() { # LABEL
  $ALGOPERF sweep --db "$db" --label "$1" --preset "$preset" --ruleset self --studies 1 --seed 0 \
    -a "$algorithm" -w fashion_mnist_resnet -w fashion_mnist_vit -w sotu_llama --no-test-eval >&2
}

runs=() noisy=()
for i in $(seq 1 "$reps"); do
  echo "== idle repetition $i/$reps" >&2
  repetition "noise-idle-$i"
  runs+=(--run "noise-idle-$i")
done
for i in $(seq 1 "$reps"); do
  echo "== repetition $i/$reps beside the noisy neighbour" >&2
  scripts/noisy-neighbour.sh 4 "$i" &
  neighbour=$!
  repetition "noise-busy-$i"
  stop_neighbour
  noisy+=(--noisy-run "noise-busy-$i")
done

$ALGOPERF timing-noise --db "$db" "${runs[@]}" "${noisy[@]}" "${json[@]}"
