#!/usr/bin/python3
"""Times one torch.optim.AdamW step (foreach=False and foreach=True) on the same parameter sets as the C# runner
(benchmarks/AlgoPerfSharp.Benchmarks/ParameterSet.cs): median over >=30 steps after warm-up. Prints one JSON object
per (set, foreach) line. Run with Debian's python3-torch (same libtorch 1.13 and OpenBLAS as the C# engine):

    /usr/bin/python3 benchmarks/reference/adamw_step.py --sets w1024,llama_tiny --steps 30 --threads 2

Hyperparameters are torch.optim.AdamW's defaults (lr 1e-3, betas 0.9/0.999, eps 1e-8, weight_decay 1e-2), which
are also the C# adamw defaults. Gradients are fixed N(0, 1) tensors (AdamW does not modify them).
"""
import argparse
import json
import statistics
import time

import torch


def llama_tiny():
    shapes = [(256, 256)]
    for _ in range(4):
        shapes += [(256,), (256, 256), (256, 256), (256, 256), (256, 256), (256,), (688, 256), (688, 256), (256, 688)]
    shapes.append((256,))
    return shapes


def resnet():
    shapes = [(32, 1, 3, 3), (32,), (32,)]
    in_ch = 32
    for width, down in ((32, False), (64, True), (128, True)):
        for blk in range(2):
            shapes += [(width, in_ch, 3, 3), (width,), (width,), (width, width, 3, 3), (width,), (width,)]
            if blk == 0 and down:
                shapes += [(width, in_ch, 1, 1), (width,), (width,)]
            in_ch = width
    shapes += [(10, 128), (10,)]
    return shapes


SETS = {"w1024": lambda: [(1024, 1024)], "llama_tiny": llama_tiny, "resnet": resnet}


def measure(shapes, foreach, steps, warmup):
    gen = torch.Generator().manual_seed(17)
    params = []
    for s in shapes:
        p = (torch.randn(s, generator=gen) * 0.02).requires_grad_()
        p.grad = torch.randn(s, generator=gen)
        params.append(p)
    opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, foreach=foreach)
    samples = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        opt.step()
        t1 = time.perf_counter()
        if i >= warmup:
            samples.append((t1 - t0) * 1000.0)
    return statistics.median(samples), sum(p.numel() for p in params)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="w1024,llama_tiny")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if args.steps < 30:
        raise SystemExit("--steps must be >= 30 (the benchmark reports a median over at least 30 steps)")
    torch.set_num_threads(args.threads)
    for name in args.sets.split(","):
        if name not in SETS:
            raise SystemExit(f"unknown set '{name}' (known: {', '.join(SETS)})")
        for foreach in (False, True):
            median_ms, n = measure(SETS[name](), foreach, args.steps, args.warmup)
            print(json.dumps({"set": name, "foreach": foreach, "params": n, "median_ms": median_ms,
                              "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()
