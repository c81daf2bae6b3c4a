"""Records a PyTorch optimizer's trajectory for `algoperf conformance` (the plugin author's reference check).

A trajectory is the optimizer run open-loop on a small fixed model: its initial parameters, the gradient fed at every
step, and the parameters after every step. It is recorded twice from the same initial values and the same gradients:
once in float32 (the reference as users run it) and once in float64 (the same arithmetic with ~1e-16 rounding). The
float64 twin tells the replay how much of any difference is float32 rounding: `algoperf conformance` derives its
tolerances from the gap between the two reference runs.

Usage (Debian's PyTorch: /usr/bin/python3, run from a directory without a torch/ folder):
    /usr/bin/python3 record_trajectory.py --optimizer torch.optim.AdamW \
        --kwargs '{"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.01}' --steps 40 --out DIR
Any importable optimizer class works (`--optimizer mypackage.MyOptimizer`), as long as its step() reads only
p.grad and its own state (no closure).

Format of DIR (version "algoperf-trajectory/1"):
    trajectory.json        {"format", "optimizer", "kwargs", "torch_version", "seed", "steps",
                            "parameters": [{"name", "shape", "type"}], "float32", "float64"}
                           type is the AlgoPerfSharp ParameterType name (Weight, Bias, ConvWeight, ...).
    float32.safetensors    "initial/<name>"            the starting values
                           "grad/<step>/<name>"        the gradient given before step <step> (0-based, 4 digits)
                           "param/<step>/<name>"       the parameters after step <step>
    float64.safetensors    "param/<step>/<name>"       the float64 twin's parameters after step <step>
                           (its initial values and gradients are the float32 ones, widened exactly)
Tensors are little-endian, C-contiguous, in the safetensors layout (an 8-byte header length, a JSON header, the data).
"""
import argparse
import importlib
import json
import struct
import sys

import torch


def model_parameters(generator):
    """The fixed model: a two-layer tanh MLP and a 3x3 convolution, in float32."""
    def randn(*shape, scale):
        return (torch.randn(*shape, generator=generator) * scale).float()

    return [
        ("hidden.weight", randn(16, 8, scale=0.35), "Weight"),
        ("hidden.bias", randn(16, scale=0.1), "Bias"),
        ("head.weight", randn(4, 16, scale=0.25), "OutputHead"),
        ("head.bias", randn(4, scale=0.1), "Bias"),
        ("conv.weight", randn(3, 2, 3, 3, scale=0.3), "ConvWeight"),
    ]


def loss_of(params, batch):
    """Mean squared error of the MLP plus that of the convolution on this step's batch."""
    w1, b1, w2, b2, k = params
    x, y, image, image_target = batch
    out = torch.tanh(x @ w1.T + b1) @ w2.T + b2
    conv = torch.nn.functional.conv2d(image, k)
    return ((out - y) ** 2).mean() + ((conv - image_target) ** 2).mean()


def make_batch(generator):
    x = torch.randn(32, 8, generator=generator)
    y = torch.randn(32, 4, generator=generator)
    image = torch.randn(8, 2, 6, 6, generator=generator)
    image_target = torch.randn(8, 3, 4, 4, generator=generator)
    return x, y, image, image_target


def save_safetensors(path, tensors, metadata):
    codes = {torch.float32: "F32", torch.float64: "F64"}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def load_class(dotted):
    module, _, name = dotted.rpartition(".")
    if not module:
        raise SystemExit(f"--optimizer must be a dotted class path such as torch.optim.AdamW (got '{dotted}')")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise SystemExit(f"cannot import --optimizer {dotted}: {e}")


def run(cls, kwargs, initial, grads, dtype):
    """Open loop: the recorded gradients, in this dtype, fed to the optimizer step by step."""
    params = [t.clone().to(dtype).requires_grad_(True) for t in initial]
    opt = cls(params, **kwargs)
    after = []
    for g in grads:
        for p, gi in zip(params, g):
            p.grad = gi.to(dtype).clone()
        opt.step()
        after.append([p.detach().clone() for p in params])
    return after


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--optimizer", required=True, help="dotted class path, e.g. torch.optim.AdamW")
    ap.add_argument("--kwargs", default="{}", help="the optimizer's keyword arguments as JSON")
    ap.add_argument("--steps", type=int, default=40, help="update steps to record (default 40)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the initial values and batches (default 0)")
    ap.add_argument("--out", required=True, help="output folder (created)")
    a = ap.parse_args()
    if a.steps < 1:
        raise SystemExit("--steps must be at least 1")
    try:
        kwargs = json.loads(a.kwargs)
    except json.JSONDecodeError as e:
        raise SystemExit(f"--kwargs is not JSON: {e}")
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    cls = load_class(a.optimizer)

    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(a.seed)
    named = model_parameters(generator)
    names = [n for n, _, _ in named]
    initial = [t for _, t, _ in named]

    # The gradient stream comes from the float32 run itself (closed loop once), then both runs replay it open loop.
    params = [t.clone().requires_grad_(True) for t in initial]
    opt = cls(params, **kwargs)
    grads = []
    for _ in range(a.steps):
        for p in params:
            p.grad = None
        loss_of(params, make_batch(generator)).backward()
        grads.append([p.grad.detach().clone() for p in params])
        opt.step()
    float32 = run(cls, kwargs, initial, grads, torch.float32)
    float64 = run(cls, kwargs, initial, grads, torch.float64)

    import os
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
    kwargs_json = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}
    with open(os.path.join(a.out, "trajectory.json"), "w") as f:
        json.dump({
            "format": "algoperf-trajectory/1",
            "optimizer": a.optimizer,
            "kwargs": kwargs_json,
            "torch_version": torch.__version__,
            "seed": a.seed,
            "steps": a.steps,
            "parameters": [{"name": n, "shape": list(t.shape), "type": ty} for n, t, ty in named],
            "float32": "float32.safetensors",
            "float64": "float64.safetensors",
        }, f, indent=2)
        f.write("\n")
    print(f"recorded {a.steps} steps of {a.optimizer} into {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
