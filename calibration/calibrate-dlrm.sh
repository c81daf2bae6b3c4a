#!/usr/bin/env bash
# Calibrates the click-log DLRMs (criteo_dlrm_synthetic and criteo_dlrm_synthetic_qr) with the protocol of
# calibration/README.md, as calibrate-quick.sh and calibrate-cpu.sh do for the base workloads: per workload
# `algoperf bench` (the machine's speed: AdamW's median step), then `algoperf calibrate` with N tuning trials per
# baseline (AdamW, NAdamW), K seeds and the long run of step 4 (4 × the proposed budget; the target must lie ≥ 90 % of
# the way from the untrained model to that run's best). The tuning trials' step hint is T ÷ the bench's median step,
# capped at one epoch of the preset's training split (step hint × batch ≤ the train records, as AlgoPerf's criteo1tb
# makes about one pass): when T is not given, T itself is lowered to one epoch's worth of steps. The Bayes loss every
# evaluation row carries (`bayes_loss`) is the floor any target must stay above.
#
# It prints its estimated wall time first; --dry-run prints only that. Run it on an idle machine (`uptime` first).
# Resumable: re-running skips finished trials. Writes <out>/dlrm-<preset>.db, <out>/calibration-<workload>-<preset>.json
# and <out>/logs/dlrm-<preset>-*.log (default out: calibration). A smoke of the script end to end (not a calibration):
#   calibration/calibrate-dlrm.sh --preset tiny --trials 1 --seeds 1 --seconds 2 --out /tmp/dlrm-smoke
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
ALGOPERF="${ALGOPERF:-dotnet harness/AlgoPerfSharp.Harness/bin/Release/net10.0/algoperf.dll}"

usage="usage: calibration/calibrate-dlrm.sh [--preset quick|cpu|tiny] [--trials N] [--seeds K] [--seconds T] [--eval-period S] [--out DIR] [--dry-run] [WORKLOAD ...]"
die() { echo "calibrate-dlrm.sh: $*" >&2; exit 2; }
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value ($usage)"; }
positive_int() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer (got '$2')"; }
positive_num() { [[ "$2" =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ ]] && awk -v x="$2" 'BEGIN { exit !(x > 0) }' || die "$1 must be a positive number of seconds (got '$2')"; }

preset=quick n=10 k=5 seconds="" eval_period="" out=calibration dry=0
workloads=()
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) need_value "$@"; preset="$2"; shift 2 ;;
    --trials|-n) need_value "$@"; positive_int "$1" "$2"; n="$2"; shift 2 ;;
    --seeds|-k) need_value "$@"; positive_int "$1" "$2"; k="$2"; shift 2 ;;
    --seconds) need_value "$@"; positive_num "$1" "$2"; seconds="$2"; shift 2 ;;
    --eval-period) need_value "$@"; positive_num "$1" "$2"; eval_period="$2"; shift 2 ;;
    --out) need_value "$@"; out="$2"; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*) die "unknown option '$1' ($usage)" ;;
    criteo_dlrm_synthetic|criteo_dlrm_synthetic_qr) workloads+=("$1"); shift ;;
    *) die "'$1' is not a workload this script calibrates; use criteo_dlrm_synthetic and/or criteo_dlrm_synthetic_qr (the held-out _layernorm variant takes its base's constants; criteo_dlrm_tsv needs your own data: run algoperf calibrate on it directly)" ;;
  esac
done
[ ${#workloads[@]} -gt 0 ] || workloads=(criteo_dlrm_synthetic criteo_dlrm_synthetic_qr)

# The preset's training split and batch (CriteoDlrmWorkloads.SizesFor): one epoch = train ÷ batch steps. T is the
# default tuning budget; the cache's size is what the first run writes (untimed, before the first trial).
case "$preset" in
  tiny) train=131072 batch=256 default_seconds=3 cache_mb=22 ;;      # a smoke of the script only: tiny is loose by design
  quick) train=524288 batch=256 default_seconds=15 cache_mb=90 ;;
  cpu) train=2097152 batch=512 default_seconds=60 cache_mb=359 ;;
  *) die "--preset must be quick, cpu or tiny (got '$preset'; gpu is untested here)" ;;
esac
epoch_steps=$((train / batch))
t="${seconds:-$default_seconds}"

# Estimated wall time, an upper bound given T: per workload the bench (≈ 60 s: build, 200 steps, the GEMM peak), 2N
# tuning trials and K seeds of T timed seconds each, and the long run of at most 4 × 4/3 T (4 × the proposed budget,
# itself ≤ 4/3 T); every trial also spends ≈ 11 s outside its timed budget (worker start, data, evals: the wall time
# of the quick and cpu calibrations of 2026-12-06/07 minus their timed seconds, per trial).
overhead=11 bench=60
awk -v w=${#workloads[@]} -v n="$n" -v k="$k" -v t="$t" -v o=$overhead -v b=$bench -v p="$preset" -v mb="$cache_mb" -v ws="${workloads[*]}" 'BEGIN {
  trials = 2 * n + k; long = 16 / 3 * t;
  per = b + trials * (t + o) + long + o; all = w * per;
  printf "calibrate-dlrm.sh: preset %s, %d workload(s) (%s), N = %d tuning trials per baseline (adamw, nadamw), K = %d seeds, tuning budget T = %g s (lowered to one epoch of steps if the bench measures a faster step, unless --seconds is given)\n", p, w, ws, n, k, t;
  printf "estimated wall time (upper bound): per workload bench %d s + %d trials × (%g + %d) s + long run ≤ 16/3 × %g + %d s = %.0f s; all: %.0f s ≈ %.0f min\n", b, trials, t, o, t, o, per, all, all / 60;
  printf "  plus, on the first run only, writing the preset'\''s %d MB click-log cache (one cache for every click-log workload of the preset; its time was not measured on an idle machine)\n", mb;
}'
[ "$dry" = 1 ] && exit 0

mkdir -p "$out/logs"
db="$out/dlrm-$preset.db"
log="$out/logs/dlrm-$preset-machine.log"
for w in "${workloads[@]}"; do
  { date -u; uptime; nproc; } | tee -a "$log"
  bench_json="$out/logs/dlrm-$preset-bench-$w.json"
  $ALGOPERF bench -w "$w" -a adamw --preset "$preset" --max-steps 200 --json "$bench_json" | tee -a "$log"
  step=$(sed -n 's/^ *"MedianStepSeconds": *\([0-9.eE+-]*\),*$/\1/p' "$bench_json")
  [ -n "$step" ] || die "no MedianStepSeconds in $bench_json"
  wt="$t"
  if [ -z "$seconds" ]; then
    # without --seconds: at most one epoch's worth of steps at the measured speed
    wt=$(awk -v t="$t" -v s="$step" -v e="$epoch_steps" 'BEGIN { x = (t / s > e) ? e * s : t; printf "%.1f", x }')
  fi

  hint=$(awk -v t="$wt" -v s="$step" -v e="$epoch_steps" 'BEGIN { h = int(t / s + 0.5); if (h > e) h = e; if (h < 1) h = 1; print h }')
  ep="${eval_period:-$(awk -v t="$wt" 'BEGIN { printf "%.2f", t / 25 }')}"
  echo "$w: median AdamW step $step s; tuning budget $wt s, step hint $hint (one epoch: $epoch_steps steps), eval every $ep s" | tee -a "$log"
  $ALGOPERF calibrate -w "$w" --preset "$preset" -n "$n" -k "$k" --max-runtime "$wt" --eval-period "$ep" \
    --step-hint "$hint" --no-test-eval --db "$db" --json "$out/calibration-$w-$preset.json" \
    2>&1 | { grep --line-buffered -v '^    step ' || true; } | tee -a "$out/logs/dlrm-$preset-$w.log"
done
{ date -u; uptime; } | tee -a "$log"
