#!/usr/bin/python3
"""Times one step of the PyTorch reference of each AlgoPerfSharp built-in (torch.optim where it is the same
algorithm, else reference_optimizers.py) on the parameter sets of the C# runner
(benchmarks/AlgoPerfSharp.Benchmarks/ParameterSet.cs: same shapes, same order, same seeded N(0, 0.02^2) values and
fixed N(0, 1) gradients), with the built-ins' default hyperparameters. Prints one JSON object per
(set, algorithm, variant): the median step ("regular") and the mean over the timed steps ("amortized"). A reference
that asks for more than the gradient (`oracle_calls`: cf_adamw, cf_shampoo, sophia_g, sophia_h, pb_lbfgs) takes the
step's synthetic_oracle.SyntheticOracle, with the same fixed inputs and copies as our runner's SyntheticOracle.

    cd /tmp && /usr/bin/python3 /path/to/benchmarks/reference/optimizer_step.py \
        --sets w1024,llama_tiny --jobs adamw:5:30,soap:5:30 --threads 2

A job is algorithm:warmup:timed; `--profile DIR` then runs `timed` more steps of each variant under libtorch's legacy
op profiler and writes DIR/SET.ALGORITHM.N.torch.json (N: the variant's index), the trace `benchmarks --compare-pytorch
--profile` compares op by op with ours (workloads/bench/compare_traces.py). `benchmarks --compare-pytorch` passes the C# runner's own protocol (warm-up past the
start of preconditioning, a whole number of refresh intervals timed) so both sides time the same phases. Gradients are
copied back into p.grad before every step, untimed, as in the C# runner. Run it from a folder without a torch/
subfolder (the repository root has one, which would shadow the package).
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_optimizers as ro  # noqa: E402
import synthetic_oracle as so  # noqa: E402


def llama_tiny():
    sets = [((256, 256), "embedding")]
    for _ in range(4):
        sets += [((256,), "vector")] + [((256, 256), "hidden")] * 4 + [((256,), "vector"), ((688, 256), "hidden"),
                                                                     ((688, 256), "hidden"), ((256, 688), "hidden")]
    sets.append(((256,), "vector"))
    return sets


def resnet():
    bn = [((32,), "vector"), ((32,), "vector")]
    sets = [((32, 1, 3, 3), "hidden")] + bn
    in_ch = 32
    for width, down in ((32, False), (64, True), (128, True)):
        for blk in range(2):
            norm = [((width,), "vector"), ((width,), "vector")]
            sets += [((width, in_ch, 3, 3), "hidden")] + norm + [((width, width, 3, 3), "hidden")] + norm
            if blk == 0 and down:
                sets += [((width, in_ch, 1, 1), "hidden")] + norm
            in_ch = width
    sets += [((10, 128), "head"), ((10,), "vector")]
    return sets


SETS = {"w1024": lambda: [((1024, 1024), "hidden")], "llama_tiny": llama_tiny, "resnet": resnet}

# The synthetic oracle's batch, sub-batch groups and output classes (OptimizerStepRunner's BatchExamples,
# SubBatchGroups, OutputClasses).
BATCH_EXAMPLES, SUB_BATCH_GROUPS, OUTPUT_CLASSES = 128, 8, 10


def _adamw(ps, kinds, foreach):
    return torch.optim.AdamW(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, foreach=foreach)


def _sgd(ps, kinds, foreach):
    return torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0, nesterov=True, weight_decay=5e-4, foreach=foreach)


def _muon(ps, kinds, dtype):
    return ro.Muon(ps, [k == "hidden" for k in kinds], ns_dtype=dtype)


def _hidden(kinds):
    return [k == "hidden" for k in kinds]


# algorithm -> [(variant, factory(params, kinds))]; the built-ins' default hyperparameters (constant learning rate).
REFERENCES = {
    "adamw": [("torch.optim.AdamW", lambda ps, ks: _adamw(ps, ks, False)),
              ("torch.optim.AdamW foreach", lambda ps, ks: _adamw(ps, ks, True))],
    "nadamw": [("NAdamW", lambda ps, ks: ro.NAdamW(ps))],
    "sgd_nesterov": [("torch.optim.SGD", lambda ps, ks: _sgd(ps, ks, False)),
                     ("torch.optim.SGD foreach", lambda ps, ks: _sgd(ps, ks, True))],
    "muon": [("Muon NS float32", lambda ps, ks: _muon(ps, ks, "float32")),
             ("Muon NS bfloat16", lambda ps, ks: _muon(ps, ks, "bfloat16"))],
    "shampoo": [("Shampoo", lambda ps, ks: ro.Shampoo(ps))],
    "ec_shampoo": [("EcShampoo", lambda ps, ks: ro.EcShampoo(ps))],
    "purified_shampoo": [("PurifiedShampoo", lambda ps, ks: ro.PurifiedShampoo(ps))],
    "soap": [("Soap", lambda ps, ks: ro.Soap(ps))],
    "asgo": [("Asgo", lambda ps, ks: ro.Asgo(ps, _hidden(ks)))],
    "dasgo": [("Dasgo", lambda ps, ks: ro.Dasgo(ps, _hidden(ks)))],
    "schedule_free_adamw": [("ScheduleFreeAdamW", lambda ps, ks: ro.ScheduleFreeAdamW(ps))],
    "cf_adamw": [("CrossFitAdamW", lambda ps, ks: ro.CrossFitAdamW(ps))],
    "cf_shampoo": [("CrossFitShampoo", lambda ps, ks: ro.CrossFitShampoo(ps))],
    "sophia_g": [("SophiaG", lambda ps, ks: ro.SophiaG(ps))],
    "sophia_h": [("SophiaH", lambda ps, ks: ro.SophiaH(ps))],
    "pb_lbfgs": [("PbLbfgs", lambda ps, ks: ro.PbLbfgs(ps))],
}


def measure(spec, factory, warmup, timed, profile=None):
    gen = torch.Generator().manual_seed(17)
    params, grads = [], []
    for shape, _ in spec:
        p = (torch.randn(shape, generator=gen) * 0.02).requires_grad_()
        grads.append(torch.randn(shape, generator=gen))
        p.grad = grads[-1].clone()
        params.append(p)
    opt = factory(params, [k for _, k in spec])
    calls = getattr(opt, "oracle_calls", None)
    inputs = None if calls is None else so.generate(params, calls, SUB_BATCH_GROUPS, BATCH_EXAMPLES, OUTPUT_CLASSES)
    samples = []

    def set_gradient():
        with torch.no_grad():
            for p, g in zip(params, grads):
                p.grad.copy_(g)

    def step():
        set_gradient()
        oracle = None if calls is None else so.SyntheticOracle(params, inputs, set_gradient, True, BATCH_EXAMPLES)
        t0 = time.perf_counter()
        if oracle is None:
            opt.step()
        else:
            opt.step(oracle)
        return (time.perf_counter() - t0) * 1000.0

    for i in range(warmup + timed):
        ms = step()
        if i >= warmup:
            samples.append(ms)
    if profile is not None:
        # As many steps again under the op profiler (the gradient copies are recorded too, as on our side).
        with torch.autograd.profiler.profile(use_kineto=False) as prof:
            for _ in range(timed):
                step()
        prof.export_chrome_trace(profile)
    return statistics.median(samples), statistics.fmean(samples), sum(p.numel() for p in params)


def parse_jobs(text):
    jobs = []
    for item in text.split(","):
        parts = item.split(":")
        if len(parts) != 3 or parts[0] not in REFERENCES or not parts[1].isdigit() or not parts[2].isdigit() or int(parts[2]) < 1:
            raise SystemExit(f"bad job '{item}': expected algorithm:warmup:timed with algorithm in {', '.join(REFERENCES)}")
        jobs.append((parts[0], int(parts[1]), int(parts[2])))
    return jobs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="w1024,llama_tiny,resnet")
    ap.add_argument("--jobs", default=",".join(f"{a}:5:30" for a in REFERENCES), help="algorithm:warmup:timed,...")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--profile", metavar="DIR", help="also write an op-profiler trace of `timed` more steps per variant")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    jobs = parse_jobs(args.jobs)
    for name in args.sets.split(","):
        if name not in SETS:
            raise SystemExit(f"unknown set '{name}' (known: {', '.join(SETS)})")
        for algorithm, warmup, timed in jobs:
            for index, (variant, factory) in enumerate(REFERENCES[algorithm]):
                trace = None if args.profile is None else os.path.join(args.profile, f"{name}.{algorithm}.{index}.torch.json")
                regular, amortized, n = measure(SETS[name](), factory, warmup, timed, trace)
                row = {"set": name, "algorithm": algorithm, "variant": variant, "params": n, "regular_ms": regular,
                       "amortized_ms": amortized, "timed": timed, "torch": torch.__version__,
                       "threads": torch.get_num_threads()}
                if trace is not None:
                    row["trace"] = trace
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
