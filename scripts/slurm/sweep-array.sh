#!/usr/bin/env bash
# Runs an algoperf sweep across a Slurm job array: array task i runs shard i of N into its own database, and a final
# job (submitted with --dependency=afterok on the array) merges the shards.
#
#   sbatch --array=0-3 scripts/slurm/sweep-array.sh            # 4 shards; then it submits the merge itself
#   SWEEP_ARGS="--plan full" OUT=results/full sbatch --array=0-7 scripts/slurm/sweep-array.sh
#
# Every shard must get the same sweep arguments (same --label and --seed): the plan is deterministic, so the shards
# together are exactly the unsharded sweep. A shard that is preempted or cancelled (SIGTERM) checkpoints its current
# trial; resubmitting the same array task resumes it. Run from the repository root after ./scripts/setup.sh.
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

if [[ "${1:-}" == "--merge" ]]; then
  # the merge job: every shard database of this array into one, then the leaderboard
  "$ALGOPERF" merge --db "$OUT/merged.db" "$OUT"/shard-*.db
  "$ALGOPERF" leaderboard --db "$OUT/merged.db" --markdown "$OUT/leaderboard.md" --json "$OUT/leaderboard.json"
  exit 0
fi

: "${SLURM_ARRAY_TASK_ID:?submit with sbatch --array=0-(N-1)}"
N=${SHARDS:-$(( ${SLURM_ARRAY_TASK_MAX:-0} + 1 ))}
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-2}

if [[ "$SLURM_ARRAY_TASK_ID" == "${SLURM_ARRAY_TASK_MIN:-0}" ]]; then
  # one task submits the merge, to run when every task of the array has succeeded
  sbatch --dependency="afterok:${SLURM_ARRAY_JOB_ID}" --job-name=algoperf-merge --export=ALL,OUT="$OUT" "$0" --merge
fi

# exec: the shard's algoperf replaces the batch shell, so it receives the batch shell's signals (B:TERM two minutes
# before the limit, or at preemption) and checkpoints the current trial before exiting 130.
# shellcheck disable=SC2086  # SWEEP_ARGS is a list of options
exec "$ALGOPERF" sweep $SWEEP_ARGS --label "$LABEL" --seed "$SEED" \
  --shard "$SLURM_ARRAY_TASK_ID/$N" --db "$OUT/shard-$SLURM_ARRAY_TASK_ID.db"
