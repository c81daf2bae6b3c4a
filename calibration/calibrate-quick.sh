#!/usr/bin/env bash
# Re-derives the quick preset's constants (calibration/README.md) on an idle 2-core machine. First the machine's speed:
# `algoperf bench` (median AdamW step and the float32 GEMM peak) per workload; the tuning trials' step hint (their
# schedules' horizon) is the tuning budget divided by that median step. Then `algoperf calibrate` per base workload with
# N = 10 tuning trials per baseline (20 in all), K = 5 seeds and the long run of step 4 (4 × the proposed budget).
# About 35 minutes. Writes calibration/quick.db, calibration/calibration-<workload>-quick.json, logs/quick-*.log.
# Check `uptime` first: the numbers are only worth keeping when nothing else runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=PASSIVE
ALGOPERF="dotnet harness/AlgoPerfSharp.Harness/bin/Release/net10.0/algoperf.dll"
# Tuning budget (timed seconds) per workload. The Llama gets more: a byte-level model's loss keeps falling longest (in
# the sizing runs at AdamW's defaults, an 800-step schedule ended only 88.6 % of the way to a 3,200-step one's best).
declare -A seconds=([fashion_mnist_resnet]=10 [fashion_mnist_vit]=10 [sotu_llama]=20)
mkdir -p calibration/logs
log=calibration/logs/quick-machine.log
{ date -u; uptime; nproc; } | tee "$log"
declare -A hint
for w in fashion_mnist_resnet fashion_mnist_vit sotu_llama; do
  $ALGOPERF bench -w "$w" -a adamw --preset quick --max-steps 200 --json "calibration/logs/quick-bench-$w.json" | tee -a "$log"
  hint[$w]=$(python3 -c "import json,sys; print(round(${seconds[$w]} / json.load(open(sys.argv[1]))['MedianStepSeconds']))" "calibration/logs/quick-bench-$w.json")
  echo "$w: tuning budget ${seconds[$w]} s, step hint ${hint[$w]}" | tee -a "$log"
done
for w in fashion_mnist_resnet fashion_mnist_vit sotu_llama; do
  $ALGOPERF calibrate -w "$w" --preset quick -n 10 -k 5 --max-runtime "${seconds[$w]}" --eval-period 0.4 \
    --step-hint "${hint[$w]}" --no-test-eval --db calibration/quick.db --json "calibration/calibration-$w-quick.json" \
    2>&1 | grep -v '^    step ' | tee "calibration/logs/quick-$w.log"
done
{ date -u; uptime; } | tee -a "$log"
