#!/usr/bin/env bash
# Runs an algoperf sweep across a Slurm job array: array task i runs shard i of N into its own database, and a final
# job (submitted with --dependency=afterok on the array) merges the shards.
#
#   sbatch --array=0-3 scripts/slurm/sweep-array.sh            # 4 shards; then it submits the merge itself
#   SWEEP_ARGS="--plan full" OUT=results/full sbatch --array=0-7 scripts/slurm/sweep-array.sh
#
# Every shard must get the same sweep arguments (same --label and --seed): the plan is deterministic, so the shards
# together are exactly the unsharded sweep. A shard that is preempted or cancelled (SIGTERM) checkpoints its current
# trial; resubmitting the same array task with the same OUT and SHARDS resumes it (and submits a new merge job):
#   OUT=results/sweep-1234 SHARDS=4 sbatch --array=2 scripts/slurm/sweep-array.sh
# (N is the array's size unless SHARDS says otherwise; a resubmitted single task must say it.) Run from the repository
# root after ./scripts/setup.sh. Logs: algoperf-<array job>_<task>.out and algoperf-<array job>_merge.out there.
#
# --signal=B:TERM@120 signals the batch shell itself two minutes before the time limit (without B: Slurm signals only
# job steps started with srun, and this script starts none); the shard's algoperf is exec'd, so it *is* that shell.
# A shard exits 1 when any of its trials failed or timed out (the afterok merge then waits for you: look at the
# trials, then submit the merge with `sbatch ... sweep-array.sh --merge`, or put --allow-failures in SWEEP_ARGS).
#SBATCH --job-name=algoperf-sweep
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --time=04:00:00
#SBATCH --signal=B:TERM@120
#SBATCH --output=algoperf-%A_%a.out
set -euo pipefail

ALGOPERF=${ALGOPERF:-harness/AlgoPerfSharp.Harness/bin/Release/net10.0/algoperf}
OUT=${OUT:-results/sweep-${SLURM_ARRAY_JOB_ID:-local}}
SWEEP_ARGS=${SWEEP_ARGS:---plan quick}
LABEL=${LABEL:-sweep}
SEED=${SEED:-0}
mkdir -p "$OUT"

# The ruleset to score with: RULESET, else the one SWEEP_ARGS gives (--ruleset, or the plan's: full = external, the
# other plans self), else the sweep's default (external).
ruleset() {
  local prev="" word ruleset="" plan=""
  for word in $SWEEP_ARGS; do
    case "$prev" in --ruleset) ruleset=$word ;; --plan) plan=$word ;; esac
    case "$word" in --ruleset=*) ruleset=${word#*=} ;; --plan=*) plan=${word#*=} ;; esac
    prev=$word
  done
  if [[ -n "${RULESET:-}" ]]; then echo "$RULESET"; elif [[ -n "$ruleset" ]]; then echo "$ruleset"
  elif [[ -n "$plan" && "$plan" != full ]]; then echo self; else echo external; fi
}

if [[ "${1:-}" == "--merge" ]]; then
  # The merge job: shards 0..N-1 of this sweep into one database (a missing shard fails the job, naming it: no
  # leaderboard from part of the plan), then the leaderboard and the HTML report.
  : "${SHARDS:?the merge job needs SHARDS, the number of shards}"
  dbs=()
  for (( i = 0; i < SHARDS; i++ )); do dbs+=("$OUT/shard-$i.db"); done
  "$ALGOPERF" merge --db "$OUT/merged.db" "${dbs[@]}"
  "$ALGOPERF" leaderboard --db "$OUT/merged.db" --ruleset "$(ruleset)" --markdown "$OUT/leaderboard.md" --json "$OUT/leaderboard.json"
  "$ALGOPERF" report --db "$OUT/merged.db" --ruleset "$(ruleset)" --out "$OUT/report.html"
  exit 0
fi

: "${SLURM_ARRAY_TASK_ID:?submit with sbatch --array=0-(N-1)}"
N=${SHARDS:-$(( ${SLURM_ARRAY_TASK_MAX:-0} + 1 ))}
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-2}

if [[ "$SLURM_ARRAY_TASK_ID" == "${SLURM_ARRAY_TASK_MIN:-0}" ]]; then
  # One task submits the merge, to run when every task of the array has succeeded. Its log is named after the array
  # (a job that is not an array has no %a: Slurm would write 4294967294 there).
  sbatch --dependency="afterok:${SLURM_ARRAY_JOB_ID}" --job-name=algoperf-merge --output="algoperf-${SLURM_ARRAY_JOB_ID}_merge.out" \
    --export=ALL,OUT="$OUT",SHARDS="$N" "$0" --merge
fi

# exec: the shard's algoperf replaces the batch shell, so it receives the batch shell's signals (B:TERM two minutes
# before the limit, or at preemption) and checkpoints the current trial before exiting 130.
# shellcheck disable=SC2086  # SWEEP_ARGS is a list of options
exec "$ALGOPERF" sweep $SWEEP_ARGS --label "$LABEL" --seed "$SEED" \
  --shard "$SLURM_ARRAY_TASK_ID/$N" --db "$OUT/shard-$SLURM_ARRAY_TASK_ID.db"
