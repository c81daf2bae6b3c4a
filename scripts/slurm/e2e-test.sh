#!/usr/bin/env bash
# End-to-end test of sweep-array.sh on a real Slurm: a private single-node cluster (munged, slurmctld, slurmd from
# Debian's slurm-wlm and munge) started in WORKDIR with its own config, state, ports, sockets and key, then
#   1. the array script with 3 shards: every task and the merge job it submits must complete, the logs land where the
#      script says, the merged database, leaderboard and report are written;
#   2. preemption: shard 1 of 3 alone, SIGTERM to its batch shell mid-trial (scancel --batch --signal=TERM, what
#      `#SBATCH --signal=B:TERM@120` sends before the limit), then the same array task resubmitted: it must resume and
#      its merge job publish (with shards 0 and 2 of run 1).
# The caller (SlurmEndToEndTests) compares the databases with an unsharded in-process sweep of the same plan.
#
#   scripts/slurm/e2e-test.sh WORKDIR      env: ALGOPERF (the algoperf to test), SWEEP_ARGS (the plan), DEADLINE (s)
#
# Exit: 0 passed, 1 failed (the reason on stderr, with the daemons' and jobs' logs), 77 cannot run here (not root, or
# slurm-wlm/munge missing: ./scripts/setup.sh --tests installs them). Whatever happens — failure, Ctrl+C, SIGTERM from
# a test timeout, the DEADLINE (default 240 s) — the EXIT trap cancels the cluster's jobs and stops exactly the daemons
# this script started, by PID, then any process left with this cluster's marker in its environment.
set -euo pipefail

WORK=${1:?usage: scripts/slurm/e2e-test.sh WORKDIR}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ARRAY_SCRIPT="$REPO/scripts/slurm/sweep-array.sh"
: "${ALGOPERF:?set ALGOPERF to the algoperf executable to test}"
: "${SWEEP_ARGS:?set SWEEP_ARGS to the sweep plan}"
DEADLINE=$(( SECONDS + ${DEADLINE:-240} ))

skip() { echo "skip: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "e2e: $*"; }

[[ "$(id -u)" == 0 ]] || skip "needs root to start slurmd and munged (running as uid $(id -u))"
for b in munged slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
  command -v "$b" >/dev/null || skip "$b is not installed (./scripts/setup.sh --tests installs slurm-wlm and munge)"
done

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
C="$WORK/cluster"
mkdir -p "$C/state" "$C/spool" "$C/log"
chmod 700 "$C"
export SLURM_CONF="$C/slurm.conf"
MARK="ALGOPERF_SLURM_E2E=$C"   # in the environment of the daemons and of every job: what cleanup looks for
declare -A DAEMONS=()           # name -> PID of what this script started

# --- cleanup: whatever happens ------------------------------------------------------------------------------------
cleanup() {
  local code=$?
  trap - EXIT INT TERM HUP
  if [[ -n "${DAEMONS[slurmctld]:-}" ]]; then
    scancel --quiet --user=root 2>/dev/null || true   # this cluster's jobs (SLURM_CONF is ours)
    for _ in $(seq 20); do [[ -z "$(squeue -h -o %i 2>/dev/null)" ]] && break; sleep 0.5; done
  fi
  for name in slurmd slurmctld munged; do
    local pid=${DAEMONS[$name]:-}
    [[ -n "$pid" ]] || continue
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  # slurmstepd and job processes outlive slurmd when killed: they carry the marker (daemons' and jobs' environment)
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [[ "$p" == "$$" || "$p" == "$BASHPID" ]] && continue
    if { tr '\0' '\n' < "/proc/$p/environ"; } 2>/dev/null | grep -qxF "$MARK"; then kill -KILL "$p" 2>/dev/null || true; fi
  done
  if [[ $code -ne 0 && $code -ne 77 ]]; then
    for f in "$C"/log/*.log; do [[ -f "$f" ]] && { echo "--- $f (last lines)"; tail -n 15 "$f"; } >&2; done
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

remaining() { echo $(( DEADLINE - SECONDS )); }
check_deadline() { (( SECONDS < DEADLINE )) || fail "deadline reached while $1"; }

# --- the cluster ----------------------------------------------------------------------------------------------------
free_port() {
  local p
  for _ in $(seq 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  fail "no free TCP port found"
}
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
while [[ "$SLURMD_PORT" == "$CTLD_PORT" ]]; do SLURMD_PORT=$(free_port); done
HOST=$(hostname -s)

dd if=/dev/urandom of="$C/munge.key" bs=1024 count=1 status=none
chmod 600 "$C/munge.key"
cat > "$SLURM_CONF" <<EOF
# A private single-node test cluster (scripts/slurm/e2e-test.sh); nothing here is shared with a system Slurm.
ClusterName=algoperf-e2e
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$C/munge.sock
StateSaveLocation=$C/state
SlurmdSpoolDir=$C/spool
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd.pid
SlurmctldLogFile=$C/log/slurmctld.log
SlurmdLogFile=$C/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MinJobAge=600
KillWait=5
MailProg=/bin/true
# The node as configured, whatever the hardware (CPUs=2 as the CI machines). Memory is not enforced (no cgroups); the
# value only has to admit the array script's --mem=8G.
SlurmdParameters=config_overrides
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=2 RealMemory=8192 State=UNKNOWN
PartitionName=e2e Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

start() { # name, command...: runs the daemon in the foreground of a background job; records its PID
  local name=$1; shift
  env "$MARK" "$@" >"$C/log/$name.out" 2>&1 &
  DAEMONS[$name]=$!
}
start munged munged -F -f --socket="$C/munge.sock" --key-file="$C/munge.key" --pid-file="$C/munged.pid" \
  --log-file="$C/log/munged.log" --seed-file="$C/munged.seed"
for _ in $(seq 40); do [[ -S "$C/munge.sock" ]] && break; sleep 0.25; done
[[ -S "$C/munge.sock" ]] || fail "munged did not create its socket: $(tail -n 5 "$C/log/munged.out" "$C/log/munged.log" 2>/dev/null)"
start slurmctld slurmctld -D -i -f "$SLURM_CONF"
start slurmd slurmd -D -f "$SLURM_CONF" -N "$HOST"
for _ in $(seq 120); do
  state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
  [[ "$state" == idle ]] && break
  for name in "${!DAEMONS[@]}"; do kill -0 "${DAEMONS[$name]}" 2>/dev/null || fail "$name exited at start-up: $(tail -n 5 "$C/log/$name.out")"; done
  sleep 0.25
done
[[ "${state:-}" == idle ]] || fail "the node did not become idle (state '${state:-none}')"
note "cluster up in ${SECONDS} s (slurmctld :$CTLD_PORT, slurmd :$SLURMD_PORT)"

# --- helpers on jobs ------------------------------------------------------------------------------------------------
submit() { # env assignments..., -- sbatch args...: prints the job id
  local vars=()
  while [[ "$1" != -- ]]; do vars+=("$1"); shift; done
  shift
  env "$MARK" "${vars[@]}" sbatch --parsable "$@" | cut -d';' -f1
}
job_field() { # job id, field: e.g. JobState=COMPLETED -> COMPLETED
  scontrol -o show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}
wait_ended() { # job ids...: until none of them is pending or running
  local id s busy
  while :; do
    busy=0
    for id in "$@"; do
      s=$(job_field "$id" JobState)
      case "$s" in PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUED) busy=1 ;; esac
    done
    [[ $busy == 0 ]] && return
    check_deadline "waiting for job(s) $*"
    sleep 0.5
  done
}
expect_state() { # job id, state, exit code
  local s e
  s=$(job_field "$1" JobState)
  e=$(job_field "$1" ExitCode)
  [[ "$s" == "$2" && "$e" == "$3:0" ]] || fail "job $1 is $s with exit code $e (expected $2, $3); log: $(job_field "$1" StdOut)"
}
merge_job_of() { # array job id: the merge job its first task submitted
  local id
  for _ in $(seq 40); do
    id=$(squeue -h -n algoperf-merge -o '%i %E' | awk -v a="$1" 'index($2, "afterok:" a) {print $1}')
    [[ -n "$id" ]] && { echo "$id"; return; }
    sleep 0.25
  done
  fail "no merge job waiting on array $1"
}
expect_files() { for f in "$@"; do [[ -s "$f" ]] || fail "$f was not written"; done; }

cd "$WORK"
export ALGOPERF SWEEP_ARGS

# --- 1. three shards and the merge --------------------------------------------------------------------------------
OUT1="$WORK/run1"
A=$(submit OUT="$OUT1" -- --array=0-2 "$ARRAY_SCRIPT")
note "array $A submitted (3 shards)"
wait_ended "${A}_0" "${A}_1" "${A}_2"
for i in 0 1 2; do expect_state "${A}_$i" COMPLETED 0; done
M=$(sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p' "algoperf-${A}_0.out")
[[ -n "$M" ]] || fail "task 0 did not submit the merge job (algoperf-${A}_0.out)"
wait_ended "$M"
expect_state "$M" COMPLETED 0
expect_files "algoperf-${A}_0.out" "algoperf-${A}_1.out" "algoperf-${A}_2.out" "algoperf-${A}_merge.out"
expect_files "$OUT1"/shard-{0,1,2}.db "$OUT1/merged.db" "$OUT1/leaderboard.md" "$OUT1/leaderboard.json" "$OUT1/report.html"
stray=$(ls algoperf-*_4294967294.out 2>/dev/null || true)
[[ -z "$stray" ]] || fail "a job log is named after the non-array %a: $stray"
note "run 1: 3 shards and merge job $M completed at ${SECONDS} s"

# --- 2. preemption and resume ---------------------------------------------------------------------------------------
OUT2="$WORK/run2"
mkdir -p "$OUT2"
cp "$OUT1/shard-0.db" "$OUT1/shard-2.db" "$OUT2/"
B=$(submit OUT="$OUT2" SHARDS=3 -- --array=1 "$ARRAY_SCRIPT")
LOG="algoperf-${B}_1.out"
until grep -q '^    step ' "$LOG" 2>/dev/null; do
  [[ "$(job_field "${B}_1" JobState)" =~ ^(PENDING|RUNNING|CONFIGURING)$ ]] || fail "shard 1 ended before its first eval: $(tail -n 5 "$LOG")"
  check_deadline "waiting for shard 1's first eval"
  sleep 0.1
done
scancel --batch --signal=TERM "${B}_1"
note "preempted ${B}_1 after: $(grep '^    step ' "$LOG" | tail -n 1 | awk '{print $1, $2}')"
wait_ended "${B}_1"
expect_state "${B}_1" FAILED 130
grep -q '^interrupted: the current trial was checkpointed' "$LOG" || fail "shard 1 did not report a checkpoint: $(tail -n 5 "$LOG")"
[[ ! -e "$OUT2/merged.db" && ! -e "$OUT2/leaderboard.md" ]] || fail "a merge ran after a failed shard"
MB=$(merge_job_of "$B")
# slurmctld re-evaluates dependencies on its own schedule: the reason turns from Dependency to DependencyNeverSatisfied
# a moment after the shard failed (on an idle machine the first look can come before that)
reason=""
for _ in $(seq 1 300); do
  reason=$(job_field "$MB" Reason)
  [[ "$reason" == DependencyNeverSatisfied ]] && break
  check_deadline "waiting for merge job $MB's dependency to fail"
  sleep 0.1
done
[[ "$reason" == DependencyNeverSatisfied ]] || fail "merge job $MB: reason '$reason' 30 s after its shard failed (expected DependencyNeverSatisfied)"
scancel "$MB"
mkdir -p "$WORK/preempted"
sqlite_copy() { for f in "$1" "$1-wal"; do [[ -e "$f" ]] && cp "$f" "$2/"; done; true; }
sqlite_copy "$OUT2/shard-1.db" "$WORK/preempted"

R=$(submit OUT="$OUT2" SHARDS=3 -- --array=1 "$ARRAY_SCRIPT")
wait_ended "${R}_1"
expect_state "${R}_1" COMPLETED 0
MR=$(sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p' "algoperf-${R}_1.out")
[[ -n "$MR" ]] || fail "the resubmitted task did not submit a merge job"
wait_ended "$MR"
expect_state "$MR" COMPLETED 0
expect_files "$OUT2/merged.db" "$OUT2/leaderboard.md" "algoperf-${R}_merge.out"
note "run 2: preempted, resumed and merged at ${SECONDS} s"
echo "passed in ${SECONDS} s"
