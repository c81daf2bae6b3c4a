#!/usr/bin/python3
"""Records a reference optimizer's trajectory for `benchmarks --compare-pytorch --check`, in the format of
optimizers/conformance/record_trajectory.py ("algoperf-trajectory/1", whose writer and open-loop runner it reuses), on
parameters and a gradient stream chosen so that every Kronecker factor is full rank when it is decomposed.

Why not the conformance model: its 16x8 weight, 4x16 head and bias vectors give factors of rank < size (G G^T of a
non-square G, g g^T of a vector). Their zero eigenvalues are repeated, the eigenbasis of that null space is arbitrary,
and the eigenvalue-corrected and SOAP updates depend on it: two correct implementations then differ by 1e-3 from
rounding alone. Here the matrices are square (or the first refresh comes after enough steps to fill the factor's
rank), the gradients are fixed N(0, 1) draws, and the initial values N(0, 0.3^2), all float32 from a seeded generator.

    cd /tmp && PYTHONPATH=/path/to/benchmarks/reference /usr/bin/python3 check_trajectory.py \
        --optimizer reference_optimizers.Soap --kwargs '{"precondition_frequency": 3}' --steps 14 --out DIR [--square-only]
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_trajectory import load_class, run, save_safetensors  # noqa: E402

# name, shape, AlgoPerfSharp ParameterType; "tall" is skipped by --square-only (SOAP decomposes step 1's factors).
PARAMETERS = [
    ("w", (12, 12), "Weight"),
    ("b", (12,), "Bias"),
    ("conv", (6, 4, 3, 3), "ConvWeight"),
    ("head", (8, 8), "OutputHead"),
    ("tall", (14, 6), "Weight"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--optimizer", required=True, help="dotted class path, e.g. reference_optimizers.Soap")
    ap.add_argument("--kwargs", default="{}", help="the optimizer's keyword arguments as JSON")
    ap.add_argument("--steps", type=int, default=14)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--square-only", action="store_true", help="leave out the tall 14x6 weight")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.steps < 1:
        raise SystemExit("--steps must be at least 1")
    kwargs = json.loads(a.kwargs)
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    cls = load_class(a.optimizer)
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(a.seed)
    named = [p for p in PARAMETERS if not (a.square_only and p[0] == "tall")]
    names = [n for n, _, _ in named]
    initial = [(torch.randn(shape, generator=gen) * 0.3).float() for _, shape, _ in named]
    grads = [[torch.randn(shape, generator=gen).float() for _, shape, _ in named] for _ in range(a.steps)]
    float32 = run(cls, kwargs, initial, grads, torch.float32)
    float64 = run(cls, kwargs, initial, grads, torch.float64)

    os.makedirs(a.out, exist_ok=True)
    meta = {"format": "algoperf-trajectory/1", "optimizer": a.optimizer}
    t32 = {f"initial/{n}": t for n, t in zip(names, initial)}
    t64 = {}
    for s in range(a.steps):
        for n, g, p32, p64 in zip(names, grads[s], float32[s], float64[s]):
            t32[f"grad/{s:04d}/{n}"] = g
            t32[f"param/{s:04d}/{n}"] = p32
            t64[f"param/{s:04d}/{n}"] = p64
    save_safetensors(os.path.join(a.out, "float32.safetensors"), t32, meta)
    save_safetensors(os.path.join(a.out, "float64.safetensors"), t64, meta)
    with open(os.path.join(a.out, "trajectory.json"), "w") as f:
        json.dump({"format": "algoperf-trajectory/1", "optimizer": a.optimizer,
                   "kwargs": {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()},
                   "torch_version": torch.__version__, "seed": a.seed, "steps": a.steps,
                   "parameters": [{"name": n, "shape": list(s), "type": ty} for n, s, ty in named],
                   "float32": "float32.safetensors", "float64": "float64.safetensors"}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
