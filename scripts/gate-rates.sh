#!/usr/bin/env bash
# Measures the CI gate's error rates (issue 11, deliverable 5) with `algoperf gate` at the tiny preset:
#   A/A          R gates of adamw vs adamw: false-alarm rate = share of (workload, figure) cells with a
#                regression verdict, and share of gates that failed;
#   slow step    R gates of adamw vs RegressionPlugin:adamw_slow (every step 15 % slower): detection rate =
#                share of gates that failed, and share of workloads whose step-time verdict is a regression;
#   convergence  one gate each of adamw vs adamw_half_lr and adamw_no_momentum: flagged or not;
# and the wall time of every gate run. Each gate gets its own database below --out (nothing is resumed).
# Run it on an otherwise idle machine (or deliberately with a noisy neighbour, and say so).
# Usage: scripts/gate-rates.sh [-r R] [--studies N] [--out DIR] [--parts aa,slow,convergence]
#                              [-- extra options for every gate, e.g. -w fashion_mnist_resnet]
# --parts runs only some of the three measurements (default all); rates are printed for the parts that ran.
set -euo pipefail
cd "$(dirname "$0")/.."

R=10
STUDIES=5
OUT=results/gate-rates
PARTS=aa,slow,convergence
EXTRA=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    -r) R="$2"; shift 2 ;;
    --studies) STUDIES="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --parts) PARTS="$2"; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "gate-rates: unknown argument '$1' (usage: scripts/gate-rates.sh [-r R] [--studies N] [--out DIR] [--parts aa,slow,convergence] [-- gate options])" >&2; exit 2 ;;
  esac
done
case "$R" in ''|*[!0-9]*|0) echo "gate-rates: -r must be a positive integer (got '$R')" >&2; exit 2 ;; esac
for part in ${PARTS//,/ }; do
  case "$part" in aa|slow|convergence) ;; *) echo "gate-rates: --parts takes aa, slow and convergence, comma-separated (got '$part')" >&2; exit 2 ;; esac
done
want() { [[ ",$PARTS," == *",$1,"* ]]; }

dotnet build harness/AlgoPerfSharp.Harness -c Release -nologo -clp:ErrorsOnly
dotnet build examples/RegressionPlugin -c Release -nologo -clp:ErrorsOnly
ALGOPERF=(dotnet harness/AlgoPerfSharp.Harness/bin/Release/net10.0/algoperf.dll)
PLUGIN=examples/RegressionPlugin/bin/Release/net10.0/RegressionPlugin.dll
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
mkdir -p "$OUT"
TIMES="$OUT/wall-seconds.txt"
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }
: > "$TIMES"

# gate NAME CANDIDATE: runs one gate into $OUT/NAME.{db,md,log}; records its wall time; never stops the script.
gate() {
  local name="$1" candidate="$2" start end code
  rm -f "$OUT/$name.db" "$OUT/$name.db-wal" "$OUT/$name.db-shm"
  start=$(date +%s.%N)
  set +e
  "${ALGOPERF[@]}" gate adamw "$candidate" --preset tiny --studies "$STUDIES" --db "$OUT/$name.db" --label "$name" \
    --markdown "$OUT/$name.md" "${EXTRA[@]}" > "$OUT/$name.log" 2>&1
  code=$?
  set -e
  end=$(date +%s.%N)
  if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then echo "gate-rates: gate $name exited $code; see $OUT/$name.log" >&2; exit 1; fi
  echo "$name $(calc "$end - $start")" >> "$TIMES"
  printf '%-22s exit %d  %6.1f s\n' "$name" "$code" "$(calc "$end - $start")"
}

# Cells of a gate's markdown table: rows end in "| VERDICT |".
cells() { grep -cE '\| (regression|improvement|no change|inconclusive|not measured) \|$' "$1" || true; }
regressions() { grep -cE '\| regression \|$' "$1" || true; }
step_regressions() { grep -cE '\| step time \|.*\| regression \|$' "$1" || true; }
failed() { grep -q '^\*\*Gate: FAIL\*\*' "$1" && echo 1 || echo 0; }

if want aa; then for i in $(seq 1 "$R"); do gate "aa-$i" adamw; done; fi
if want slow; then for i in $(seq 1 "$R"); do gate "slow-$i" "$PLUGIN:adamw_slow"; done; fi
if want convergence; then
  gate half-lr "$PLUGIN:adamw_half_lr"
  gate no-momentum "$PLUGIN:adamw_no_momentum"
fi

aa_cells=0; aa_reg=0; aa_fail=0; slow_fail=0; slow_wl=0; slow_step=0
for i in $(seq 1 "$R"); do
  if want aa; then
    aa_cells=$((aa_cells + $(cells "$OUT/aa-$i.md"))); aa_reg=$((aa_reg + $(regressions "$OUT/aa-$i.md"))); aa_fail=$((aa_fail + $(failed "$OUT/aa-$i.md")))
  fi
  if want slow; then
    slow_fail=$((slow_fail + $(failed "$OUT/slow-$i.md")))
    slow_wl=$((slow_wl + $(grep -cE '\| step time \|' "$OUT/slow-$i.md" || true))); slow_step=$((slow_step + $(step_regressions "$OUT/slow-$i.md")))
  fi
done

echo
echo "gate error rates: tiny preset, $STUDIES studies, $R repetitions (OMP_WAIT_POLICY=$OMP_WAIT_POLICY; $(nproc) cores; extra: ${EXTRA[*]:-none})"
want aa && echo "  A/A false alarms:      $aa_reg of $aa_cells cells regression ($(calc "100 * $aa_reg / ($aa_cells > 0 ? $aa_cells : 1)") %), $aa_fail of $R gates failed"
want slow && echo "  15 % slower step:      $slow_fail of $R gates failed ($(calc "100 * $slow_fail / $R") %); step time flagged in $slow_step of $slow_wl workload cells"
want convergence && echo "  halved learning rate:  $( [ "$(failed "$OUT/half-lr.md")" = 1 ] && echo flagged || echo NOT flagged) ($(regressions "$OUT/half-lr.md") regression cells)"
want convergence && echo "  momentum dropped:      $( [ "$(failed "$OUT/no-momentum.md")" = 1 ] && echo flagged || echo NOT flagged) ($(regressions "$OUT/no-momentum.md") regression cells)"
sort -k2 -n "$TIMES" | awk '{ t[NR] = $2; s += $2 } END { printf "  wall time per gate:    median %.0f s, min %.0f s, max %.0f s over %d runs\n", (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2), t[1], t[NR], NR }'
echo "  per-gate tables and logs: $OUT/*.md, $OUT/*.log"
