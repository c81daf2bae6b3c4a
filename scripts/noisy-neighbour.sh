#!/usr/bin/env bash
# A deliberate noisy neighbour for the timing-noise experiment (docs/timing-noise.md, scripts/timing-noise.sh).
#
# Burns ONE core, intermittently, until killed: time is cut into windows of WINDOW seconds (default 4); in each window
# the burner spins for a random 30–70 % share of the window, then sleeps for the rest. A trial of a few tens of seconds
# therefore sees the neighbour come and go several times, as on a shared laptop or CI runner — the situation in which
# wall-clock times stop being comparable. The share is drawn per window from bash's $RANDOM, seeded by SEED (default:
# the script's PID) so a run can be repeated.
#
# Usage:  scripts/noisy-neighbour.sh [WINDOW_SECONDS] [SEED] &     … then:  kill $!
# Needs only bash and coreutils (sleep, date). The busy part is a pure-bash arithmetic loop that checks the clock
# every few thousand iterations, so it is one runnable thread at 100 % of a core while busy and 0 % while asleep.
# On exit (TERM, INT or HUP) it stops at once; it never forks more than one process at a time.
set -euo pipefail

window=${1:-4}
seed=${2:-$$}
if ! [[ "$window" =~ ^[0-9]+$ ]] || [ "$window" -lt 1 ]; then
  echo "usage: $0 [WINDOW_SECONDS ≥ 1] [SEED]  (got window '$window')" >&2
  exit 2
fi
if ! [[ "$seed" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [WINDOW_SECONDS ≥ 1] [SEED]  (SEED must be a non-negative integer, got '$seed')" >&2
  exit 2
fi

trap 'exit 0' TERM INT HUP
RANDOM=$seed
window_ms=$((window * 1000))

now_ms() { date +%s%3N; }

while true; do
  share=$((30 + RANDOM % 41))                  # percent of this window spent busy: 30..70
  busy_ms=$((window_ms * share / 100))
  start=$(now_ms)
  until_ms=$((start + busy_ms))
  while :; do                                  # busy: spin, looking at the clock every 20 000 iterations
    for ((i = 0; i < 20000; i++)); do :; done
    t=$(now_ms) || exit 0                      # (a TERM can land inside the clock read)
    [ -n "$t" ] || exit 0
    [ "$t" -ge "$until_ms" ] && break
  done
  t=$(now_ms) || exit 0
  rest_ms=$((start + window_ms - t))
  if [ "$rest_ms" -gt 0 ]; then
    sleep "$(printf '%d.%03d' $((rest_ms / 1000)) $((rest_ms % 1000)))" & wait $!  # wait, so a TERM ends it at once
  fi
done
