#!/usr/bin/env bash
# Peak resident memory and optimizer state per workload × algorithm (issue 15, deliverable 4): one `algoperf bench`
# per cell (each its own process, so every peak is that cell's alone), its JSON kept under --out, then a markdown
# table of peak RSS (VmHWM after the timed steps: the whole process — .NET runtime, libtorch, data, model, state), the
# resident set before the algorithm's Init and after the steps, and the measured optimizer state (checkpoint-state
# bytes) against the algorithm's theoretical size and their ratio. A cell the algorithm refuses (sophia_h on a
# workload without Hessian–vector products) or that fails is listed with its one-line error.
# Memory does not depend on the machine's load, so this may run beside other work; times in the JSON then mean little.
# Steps: --steps N (default 4: past SOAP's initialising first call and cf_shampoo's first refresh), and for pb_lbfgs at
# least 12 so that its memory of 10 curvature pairs can fill. The peak covers those steps only: amortized refreshes
# that first run later (Shampoo's roots at step 100, EC/purified Shampoo's eigenbases at 100/50, SOAP's QR at 11,
# Sophia's Hessian at 10) add their temporaries only then.
# Usage: scripts/bench-memory.sh [--presets quick,cpu] [--workloads a,b] [--algorithms a,b] [--steps N] [--out DIR]
#        scripts/bench-memory.sh --table-only --out DIR   (rebuild the table from the JSON already there)
set -euo pipefail
cd "$(dirname "$0")/.."

PRESETS=quick
WORKLOADS=fashion_mnist_resnet,fashion_mnist_vit,sotu_llama
ALGORITHMS=adamw,nadamw,sgd_nesterov,shampoo,ec_shampoo,soap,purified_shampoo,muon,asgo,dasgo,schedule_free_adamw,sophia_g,sophia_h,pb_lbfgs,cf_adamw,cf_shampoo
STEPS=4
OUT=results/bench-memory
TABLE_ONLY=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --presets) PRESETS="$2"; shift 2 ;;
    --workloads) WORKLOADS="$2"; shift 2 ;;
    --algorithms) ALGORITHMS="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --table-only) TABLE_ONLY=1; shift ;;
    *) echo "bench-memory: unknown argument '$1' (usage: scripts/bench-memory.sh [--presets quick,cpu] [--workloads a,b] [--algorithms a,b] [--steps N] [--out DIR] [--table-only])" >&2; exit 2 ;;
  esac
done

mkdir -p "$OUT"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
ALGOPERF=(dotnet harness/AlgoPerfSharp.Harness/bin/Release/net10.0/algoperf.dll)
IFS=, read -r -a presets <<< "$PRESETS"
IFS=, read -r -a workloads <<< "$WORKLOADS"
IFS=, read -r -a algorithms <<< "$ALGORITHMS"

if [ "$TABLE_ONLY" = 0 ]; then
  [ -f "${ALGOPERF[1]}" ] || dotnet build harness/AlgoPerfSharp.Harness -c Release -nologo -clp:ErrorsOnly
  for p in "${presets[@]}"; do
    for w in "${workloads[@]}"; do
      for a in "${algorithms[@]}"; do
        cell="$OUT/$w-$p-$a"
        rm -f "$cell.json" "$cell.err"
        steps=$STEPS
        if [ "$a" = pb_lbfgs ] && [ "$steps" -lt 12 ]; then steps=12; fi
        if ! "${ALGOPERF[@]}" bench -w "$w" -a "$a" --preset "$p" --max-steps "$steps" --json "$cell.json" > "$cell.txt" 2> "$cell.err"; then
          echo "$w ($p) × $a: $(grep -m1 -i 'error' "$cell.err" || tail -n1 "$cell.err")" >&2
        else
          rm -f "$cell.err"
          echo "$w ($p) × $a: peak $(jq '(.PeakResidentBytes // 0) / 1048576 | floor' "$cell.json") MiB" >&2
        fi
      done
    done
  done
fi

mib() { jq -r "if .$1 == null then \"n/a\" else (.$1 / 1048576 * 10 | round / 10 | tostring) end" "$2"; }
mib3() { jq -r "if .$1 == null then \"n/a\" else (.$1 / 1048576 * 1000 | round / 1000 | tostring) end" "$2"; }
echo "| workload | preset | algorithm | steps | parameters | peak RSS MiB | RSS before Init MiB | RSS after steps MiB | state MiB (measured) | state MiB (theory) | measured / theory |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for p in "${presets[@]}"; do
  for w in "${workloads[@]}"; do
    for a in "${algorithms[@]}"; do
      cell="$OUT/$w-$p-$a"
      if [ -f "$cell.json" ]; then
        echo "| $w | $p | $a | $(jq -r .Steps "$cell.json") | $(jq -r .Parameters "$cell.json") | $(mib PeakResidentBytes "$cell.json") | $(mib ResidentBeforeInitBytes "$cell.json") | $(mib ResidentAfterStepsBytes "$cell.json") | $(mib3 StateBytes "$cell.json") | $(mib3 TheoreticalStateBytes "$cell.json") | $(jq -r 'if .StateRatio == null then "n/a" else (.StateRatio * 10000 | round / 10000 | tostring) end' "$cell.json") |"
      elif [ -f "$cell.err" ]; then
        echo "| $w | $p | $a | | | not run: $(grep -m1 -i 'error' "$cell.err" | tr '|' '/' | cut -c1-160) | | | | | |"
      fi
    done
  done
done
