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

A reference that asks for more than the gradient (`oracle_calls`, e.g. reference_optimizers.CrossFitAdamW) is recorded
with `--oracle '{"calls": ["sub_batches"], "groups": 8, "examples": 32, "classes": 10, "rejected_trials": 1}'`: each
step draws fixed N(0, 1) inputs for a synthetic_oracle.SyntheticOracle (per parameter: the sub-batch gradients and
their mean, the target gradient, the Hessian diagonal, as the calls need; the outputs are zeros), the reference runs
`step(oracle)` on them in both precisions, and they are saved in float32.safetensors as oracle/STEP/group/J/NAME,
oracle/STEP/group_mean/NAME, oracle/STEP/target/NAME and oracle/STEP/hessian/NAME (the settings in trajectory.json's
"oracle"), for our replay (benchmarks ReferenceCheck: SyntheticOracleInputs.Recorded) to serve the same values.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_trajectory import load_class, run, save_safetensors  # noqa: E402
import synthetic_oracle as so  # noqa: E402

# name, shape, AlgoPerfSharp ParameterType; "tall" is skipped by --square-only (SOAP decomposes step 1's factors).
PARAMETERS = [
    ("w", (12, 12), "Weight"),
    ("b", (12,), "Bias"),
    ("conv", (6, 4, 3, 3), "ConvWeight"),
    ("head", (8, 8), "OutputHead"),
    ("tall", (14, 6), "Weight"),
]


def oracle_inputs(settings, shapes, steps, gen):
    """Per step, per kind, per parameter: the fixed float32 inputs of the synthetic oracle (`settings["calls"]`)."""
    calls, groups = settings["calls"], settings["groups"]
    unknown = set(calls) - {"sub_batches", "targets", "hessian_vector_products"}
    if unknown:
        raise SystemExit(f"--oracle: unknown calls {sorted(unknown)}")
    per_step = []
    for _ in range(steps):
        step = {}
        if "sub_batches" in calls:
            gs = [[torch.randn(shape, generator=gen).float() for shape in shapes] for _ in range(groups)]
            for j in range(groups):
                step[f"group/{j}"] = gs[j]
            step["group_mean"] = [torch.stack([gs[j][i] for j in range(groups)]).mean(0) for i in range(len(shapes))]
        if "targets" in calls:
            step["target"] = [torch.randn(shape, generator=gen).float() for shape in shapes]
        if "hessian_vector_products" in calls:
            step["hessian"] = [torch.randn(shape, generator=gen).float() for shape in shapes]
        per_step.append(step)
    return per_step


def run_with_oracle(cls, kwargs, initial, grads, inputs, settings, dtype):
    """Open loop through a SyntheticOracle per step: the recorded gradient and oracle inputs, in this dtype."""
    params = [t.clone().to(dtype).requires_grad_(True) for t in initial]
    opt = cls(params, **kwargs)
    after = []
    for g, step in zip(grads, inputs):
        typed = {kind: [t.to(dtype) for t in ts] for kind, ts in step.items()}
        oracle_in = so.Inputs(
            groups=[typed[f"group/{j}"] for j in range(settings["groups"])] if "group_mean" in typed else None,
            group_mean=typed.get("group_mean"), target=typed.get("target"), hessian=typed.get("hessian"),
            outputs=torch.zeros((settings["examples"], settings["classes"]), dtype=dtype) if "target" in typed else None)
        gradient = [gi.to(dtype) for gi in g]

        def set_gradient(gradient=gradient):
            for p, gi in zip(params, gradient):
                p.grad = gi.clone()

        opt.step(so.SyntheticOracle(params, oracle_in, set_gradient, False, settings["examples"],
                                    settings["rejected_trials"]))
        after.append([p.detach().clone() for p in params])
    return after


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--optimizer", required=True, help="dotted class path, e.g. reference_optimizers.Soap")
    ap.add_argument("--kwargs", default="{}", help="the optimizer's keyword arguments as JSON")
    ap.add_argument("--steps", type=int, default=14)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--square-only", action="store_true", help="leave out the tall 14x6 weight")
    ap.add_argument("--oracle", help="record through a synthetic oracle with these settings (JSON: calls, groups, examples, "
                    "classes, rejected_trials); the reference takes step(oracle)")
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
    settings = json.loads(a.oracle) if a.oracle else None
    if settings is None:
        float32 = run(cls, kwargs, initial, grads, torch.float32)
        float64 = run(cls, kwargs, initial, grads, torch.float64)
    else:
        shapes = [shape for _, shape, _ in named]
        inputs = oracle_inputs(settings, shapes, a.steps, torch.Generator().manual_seed(a.seed + 1))
        float32 = run_with_oracle(cls, kwargs, initial, grads, inputs, settings, torch.float32)
        float64 = run_with_oracle(cls, kwargs, initial, grads, inputs, settings, torch.float64)

    os.makedirs(a.out, exist_ok=True)
    meta = {"format": "algoperf-trajectory/1", "optimizer": a.optimizer}
    t32 = {f"initial/{n}": t for n, t in zip(names, initial)}
    t64 = {}
    for s in range(a.steps):
        for n, g, p32, p64 in zip(names, grads[s], float32[s], float64[s]):
            t32[f"grad/{s:04d}/{n}"] = g
            t32[f"param/{s:04d}/{n}"] = p32
            t64[f"param/{s:04d}/{n}"] = p64
        if settings is not None:
            for kind, tensors in inputs[s].items():
                for n, t in zip(names, tensors):
                    t32[f"oracle/{s:04d}/{kind}/{n}"] = t
    save_safetensors(os.path.join(a.out, "float32.safetensors"), t32, meta)
    save_safetensors(os.path.join(a.out, "float64.safetensors"), t64, meta)
    with open(os.path.join(a.out, "trajectory.json"), "w") as f:
        json.dump({"format": "algoperf-trajectory/1", "optimizer": a.optimizer,
                   "kwargs": {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()},
                   "torch_version": torch.__version__, "seed": a.seed, "steps": a.steps,
                   "parameters": [{"name": n, "shape": list(s), "type": ty} for n, s, ty in named],
                   "float32": "float32.safetensors", "float64": "float64.safetensors",
                   **({"oracle": settings} if settings else {})}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
