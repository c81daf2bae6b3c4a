#!/usr/bin/python3
"""Compares two chrome traces of libtorch's legacy op profiler (ours from AlgoPerfSharp.Torch.OpProfiler, PyTorch's
from torch.autograd.profiler.profile(use_kineto=False).export_chrome_trace) op by op: self time per op name (its
duration minus its direct children's, per thread), in ms per step, sorted by the larger side.

    /usr/bin/python3 workloads/bench/compare_traces.py OURS.json THEIRS.json STEPS [ROWS]
"""
import collections
import json
import sys


def self_times(path):
    with open(path) as f:
        text = f.read().strip()
    if text.endswith(","):  # some libtorch versions leave a trailing comma before the closing bracket is written
        text = text[:-1]
    if not text.endswith("]"):
        text += "]"
    data = json.loads(text)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[e.get("tid", 0)].append((float(e["ts"]), float(e["dur"]), e["name"]))
    own = collections.Counter()
    calls = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda x: (x[0], -x[1]))
        stack = []  # [end, name, children's time]
        for ts, dur, name in evs:
            while stack and ts >= stack[-1][0] - 1e-3:
                end, n, kids, d = stack.pop()
                own[n] += d - kids
            if stack:
                stack[-1][2] += dur
            stack.append([ts + dur, name, 0.0, dur])
            calls[name] += 1
        while stack:
            end, n, kids, d = stack.pop()
            own[n] += d - kids
    return own, calls


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    ours, our_calls = self_times(sys.argv[1])
    theirs, their_calls = self_times(sys.argv[2])
    steps = float(sys.argv[3])
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 25
    names = sorted(set(ours) | set(theirs), key=lambda n: -max(ours[n], theirs[n]))
    print(f"{'op (self time, ms per step)':<58} {'ours':>8} {'torch':>8} {'diff':>8} {'calls':>11}")
    for n in names[:rows]:
        a, b = ours[n] / steps / 1000, theirs[n] / steps / 1000
        print(f"{n[:58]:<58} {a:8.2f} {b:8.2f} {a - b:+8.2f} {our_calls[n] / steps:5.0f}/{their_calls[n] / steps:<5.0f}")
    ta, tb = sum(ours.values()) / steps / 1000, sum(theirs.values()) / steps / 1000
    print(f"{'all ops':<58} {ta:8.2f} {tb:8.2f} {ta - tb:+8.2f}")


if __name__ == "__main__":
    main()
