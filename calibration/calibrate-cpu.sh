#!/usr/bin/env bash
# Re-derives the cpu preset's constants (calibration/README.md) on an idle 2-core machine, as calibrate-quick.sh does
# for quick: per workload `algoperf bench` (the machine's speed: median AdamW step, GEMM peak), then `algoperf
# calibrate` with N = 10 tuning trials per baseline (20 in all), K = 5 seeds and the long run (4 × the proposed budget).
# Tuning budget 60 timed seconds per trial (the sizing runs: about 1,200 steps, ≥ 90 % of the way to four times as
# long), the tuning trials' step hint = 60 s ÷ the bench's median step, an eval every 2.5 s (4 % of the budget).
# About 35 minutes per workload. Resumable: re-running skips finished trials (calibrate resumes its labels).
# Writes calibration/cpu.db, calibration/calibration-<workload>-cpu.json, logs/cpu-*.log. Pass workloads to run only
# those (default: all three). Check `uptime` first: the numbers are only worth keeping when nothing else runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=PASSIVE
ALGOPERF="dotnet harness/AlgoPerfSharp.Harness/bin/Release/net10.0/algoperf.dll"
seconds=60
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(fashion_mnist_resnet fashion_mnist_vit sotu_llama)
mkdir -p calibration/logs
log=calibration/logs/cpu-machine.log
for w in "${workloads[@]}"; do
  { date -u; uptime; nproc; } | tee -a "$log"
  $ALGOPERF bench -w "$w" -a adamw --preset cpu --max-steps 200 --json "calibration/logs/cpu-bench-$w.json" | tee -a "$log"
  hint=$(python3 -c "import json,sys; print(round($seconds / json.load(open(sys.argv[1]))['MedianStepSeconds']))" "calibration/logs/cpu-bench-$w.json")
  echo "$w: tuning budget $seconds s, step hint $hint" | tee -a "$log"
  $ALGOPERF calibrate -w "$w" --preset cpu -n 10 -k 5 --max-runtime "$seconds" --eval-period 2.5 \
    --step-hint "$hint" --no-test-eval --db calibration/cpu.db --json "calibration/calibration-$w-cpu.json" \
    2>&1 | grep --line-buffered -v '^    step ' | tee -a "calibration/logs/cpu-$w.log"
done
{ date -u; uptime; } | tee -a "$log"
