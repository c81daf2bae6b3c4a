#!/usr/bin/env python3
"""How long `algoperf merge` takes over many shard databases: builds N shard databases of synthetic rows at realistic
sizes, then times one `algoperf merge` over all of them and checks the merged database holds every trial.

    python3 scripts/slurm/merge-bench.py --shards 50 --out /tmp/merge-bench      # the figure for scripts/slurm/README.md
    python3 scripts/slurm/merge-bench.py --shards 5 --out /tmp/merge-bench-5      # a quick check

Shape of the synthetic sweep (defaults = the full plan's size): 675 trials (3 workloads x 15 algorithms x 3 studies x 5
trials) dealt round-robin into the N shards, each with --evals eval rows (default 40: a quick-preset trial records
~37, a cpu-preset one ~5) of 8 metrics and 12 optimizer diagnostics (~250 + ~400 bytes of JSON, as Shampoo-family
rows). The schema is not written by hand: one tiny real `algoperf sweep --shard 0/N` (synthetic_regression, 1 step)
makes the first shard's database, which is then emptied and copied, so the benchmark follows the schema the build
writes. Each shard carries the stamp a sharded sweep records (shard i/N of one plan), so merge runs all its checks.
Only the merge is timed (wall clock, one run; pass --repeat for more, each into a fresh target). Needs python3 and a
built algoperf (--algoperf, default: the Release build). Timings on a loaded machine are not measurements.
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

LABEL = "sweep"


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--shards", type=int, required=True, help="number of shard databases (e.g. 50)")
    p.add_argument("--trials", type=int, default=675, help="trials of the whole synthetic plan (default 675, the full plan)")
    p.add_argument("--evals", type=int, default=40, help="eval rows per trial (default 40)")
    p.add_argument("--out", required=True, help="work folder (emptied first)")
    p.add_argument("--repeat", type=int, default=1, help="merges to time, each into a fresh target (default 1)")
    p.add_argument("--algoperf", default="harness/AlgoPerfSharp.Harness/bin/Release/net10.0/algoperf")
    a = p.parse_args()
    if a.shards < 1 or a.trials < 1 or a.evals < 1 or a.repeat < 1:
        p.error("--shards, --trials, --evals and --repeat must be >= 1")
    return a


def template(a, path):
    """One real shard database from the build (schema, run, workload constants, algorithm build, stamp), emptied of trials."""
    cmd = [a.algoperf, "sweep", "-w", "synthetic_regression", "-a", "adamw", "--ruleset", "self", "--max-steps", "1",
           "--eval-every-steps", "1", "--in-process", "--label", LABEL, "--seed", "0", "--shard", f"0/{a.shards}", "--db", path]
    if a.shards == 1:
        sys.exit("error: --shards must be >= 2 (one database is not a sharded sweep)")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"error: the template sweep failed ({' '.join(cmd)}): {r.stderr.strip() or r.stdout.strip()}")
    db = sqlite3.connect(path)
    db.execute("DELETE FROM evals")
    db.execute("DELETE FROM trials")
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    shutil.rmtree(path + ".checkpoints", ignore_errors=True)
    shutil.rmtree(path + ".leases", ignore_errors=True)


def numbers(values):
    return json.dumps({k: repr(v) for k, v in values.items()})


def fill(a, path, index, trials):
    """Shard `index`: its trials (every N-th of the plan) with their eval rows, and its stamp."""
    db = sqlite3.connect(path)
    run_id, = db.execute("SELECT id FROM runs WHERE label = ?", (LABEL,)).fetchone()
    workload, = db.execute("SELECT workload FROM workload_specs WHERE run_id = ?", (run_id,)).fetchone()
    stamp = json.loads(db.execute("SELECT value FROM meta WHERE key = ?", ("shard:" + LABEL,)).fetchone()[0])
    mine = [t for t in range(trials) if t % a.shards == index]
    stamp.update({"plan": "synthetic" + "0" * 7, "count": a.shards, "shards": [index], "plan_trials": trials, "shard_trials": len(mine)})
    db.execute("UPDATE meta SET value = ? WHERE key = ?", (json.dumps(stamp), "shard:" + LABEL))
    for t in mine:
        w, rest = divmod(t, 165)
        alg, rest = divmod(rest, 15)
        study, trial = divmod(rest, 5)
        key = f"{workload}/alg{alg}/w{w}/study{study}/trial{trial}"
        hyper = json.dumps({"learning_rate": 1e-3 * (1 + t % 7), "one_minus_beta1": 0.05, "beta2": 0.999, "warmup_factor": 0.05, "weight_decay": 0.01 * (t % 5)})
        cur = db.execute(
            "INSERT INTO trials (run_id, key, workload, algorithm, ruleset, study, trial, hyperparameters_json, data_seed, init_seed, algorithm_seed, "
            "budget_multiplier, state, steps, submission_seconds, median_step_seconds, started_utc, finished_utc) "
            "VALUES (?, ?, ?, ?, 'external', ?, ?, ?, ?, ?, ?, 1.0, 'Completed', ?, ?, 0.45, '2026-12-01T00:00:00Z', '2026-12-01T00:02:10Z')",
            (run_id, key, workload, f"alg{alg}", study, trial, hyper, str(1000 + t), str(2000 + t), str(3000 + t), 25 * a.evals, 3.0 * a.evals))
        trial_id = cur.lastrowid
        rows = []
        for e in range(1, a.evals + 1):
            loss = 2.5 / (1 + 0.1 * e) + 1e-4 * t
            metrics = {"train/loss": loss * 0.97, "train/error_rate": loss / 10, "validation/loss": loss, "validation/error_rate": loss / 9,
                       "test/loss": loss * 1.01, "test/error_rate": loss / 8.5, "validation/accuracy": 1 - loss / 9, "test/accuracy": 1 - loss / 8.5}
            diagnostics = {f"eigen/factor{f}/refresh_fraction": 0.01 * f + 1e-3 * e for f in range(8)}
            diagnostics.update({"grad_norm": 1.5 / e, "update_norm": 0.02 / e, "eigen/checks": 35.0 * e, "eigen/refreshes": 12.0 * e})
            # numbers are stored as JSON strings (round-trip text), as the harness writes them
            rows.append((trial_id, 25 * e, 3.0 * e, 0.05, 0.001, 3.1 * e, numbers(metrics), numbers(diagnostics)))
        db.executemany(
            "INSERT INTO evals (trial_id, step, submission_seconds, eval_seconds, logging_seconds, total_seconds, metrics_json, diagnostics_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()
    return len(mine)


def main():
    a = parse()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    paths = [os.path.join(a.out, f"shard-{i}.db") for i in range(a.shards)]
    template(a, paths[0])
    for p in paths[1:]:
        shutil.copyfile(paths[0], p)
    built = sum(fill(a, p, i, a.trials) for i, p in enumerate(paths))
    size = sum(os.path.getsize(p) for p in paths)
    print(f"built {a.shards} shard databases: {built} trials, {built * a.evals} eval rows, {size / 1e6:.1f} MB in {a.out}")

    for r in range(a.repeat):
        target = os.path.join(a.out, f"merged-{r}.db")
        start = time.perf_counter()
        res = subprocess.run([a.algoperf, "merge", "--db", target, *paths], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if res.returncode != 0:
            sys.exit(f"error: merge exited {res.returncode}: {res.stderr.strip()}")
        db = sqlite3.connect(target)
        trials, = db.execute("SELECT COUNT(*) FROM trials t JOIN runs r ON r.id = t.run_id WHERE r.label = ?", (LABEL,)).fetchone()
        evals, = db.execute("SELECT COUNT(*) FROM evals").fetchone()
        db.close()
        if trials != a.trials or evals != a.trials * a.evals:
            sys.exit(f"error: the merged database holds {trials} trials and {evals} eval rows, not {a.trials} and {a.trials * a.evals}")
        load = os.getloadavg()[0]
        print(f"merge {r + 1}/{a.repeat}: {a.shards} shards, {trials} trials, {evals} eval rows in {seconds:.2f} s wall "
              f"(load average {load:.1f}; {os.path.getsize(target) / 1e6:.1f} MB merged)")


if __name__ == "__main__":
    main()
