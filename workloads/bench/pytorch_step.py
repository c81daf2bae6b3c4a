"""Times the cpu workloads' models in PyTorch eager (the same architectures as AlgoPerfSharp's Models/ at the cpu preset:
ResNetConfig.Cpu, VitConfig.Cpu, LlamaConfig.Cpu), forward +
backward + AdamW at the reference batch sizes, for the side-by-side comparison in the workloads report. The DLRMs
(criteo_dlrm_synthetic[_qr], cpu preset sizes) run only when named: /usr/bin/python3 ... pytorch_step.py 8 criteo

Run with Debian's PyTorch 1.13 (same libtorch and OpenBLAS), from a directory without a torch/ folder:
    /usr/bin/python3 workloads/bench/pytorch_step.py [steps] [workload]    # one report line per workload
    /usr/bin/python3 workloads/bench/pytorch_step.py --serve [threads]     # paired mode (see benchmarks/README.md)
Add --channels-last to give the ResNet NHWC activations from the stem on (AlgoPerfSharp's layout; PyTorch's default
is NCHW).
"""
import json
import math
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + (x if self.down is None else self.down(x)))


class ResNet(nn.Module):
    def __init__(self, channels_last=False):
        super().__init__()
        self.channels_last = channels_last
        self.stem = nn.Conv2d(1, 32, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(32)
        blocks, w = [], 32
        for width, stride in [(32, 2), (64, 2), (128, 2)]:  # one block a stage, every stage striding (28 -> 14 -> 7 -> 4)
            blocks.append(BasicBlock(w, width, stride))
            w = width
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        h = self.stem(x)
        if self.channels_last:  # AlgoPerfSharp's layout: NHWC activations from the stem on
            h = h.contiguous(memory_format=torch.channels_last)
        x = self.blocks(F.relu(self.bn(h)))
        return self.head(F.adaptive_avg_pool2d(x, 1).flatten(1))


VIT_DIM = 96


class VitBlock(nn.Module):
    def __init__(self, d=96, h=4, mlp=384):
        super().__init__()
        self.h = h
        self.n1, self.n2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.out = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc1, self.fc2 = nn.Linear(d, mlp), nn.Linear(mlp, d)

    def attn(self, x):
        b, l, d = x.shape
        q, k, v = self.qkv(x).view(b, l, 3, self.h, d // self.h).permute(2, 0, 3, 1, 4).unbind(0)
        s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d // self.h))
        return self.out((F.softmax(s, -1) @ v).transpose(1, 2).reshape(b, l, d))

    def forward(self, x):
        x = x + self.attn(self.n1(x))
        return x + self.fc2(F.gelu(self.fc1(self.n2(x))))


class Vit(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(1, VIT_DIM, 7, 7)  # 16 patches + cls
        self.cls = nn.Parameter(torch.zeros(1, 1, VIT_DIM))
        self.pos = nn.Parameter(torch.randn(1, 17, VIT_DIM) * 0.02)
        self.blocks = nn.Sequential(*[VitBlock() for _ in range(3)])
        self.norm, self.head = nn.LayerNorm(VIT_DIM), nn.Linear(VIT_DIM, 10)

    def forward(self, x):
        p = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], 1, VIT_DIM), p], 1) + self.pos
        return self.head(self.norm(self.blocks(x)[:, 0]))


def rms(x, w, eps=1e-5):
    return x * torch.rsqrt(x.square().mean(-1, keepdim=True) + eps) * w


LLAMA_CONTEXT = 64


class LlamaBlock(nn.Module):
    def __init__(self, d=128, h=4, hidden=344):
        super().__init__()
        self.h = h
        self.n1, self.n2 = nn.Parameter(torch.ones(d)), nn.Parameter(torch.ones(d))
        self.q, self.k, self.v, self.o = (nn.Linear(d, d, bias=False) for _ in range(4))
        self.w1, self.w3 = nn.Linear(d, hidden, bias=False), nn.Linear(d, hidden, bias=False)
        self.w2 = nn.Linear(hidden, d, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, d = x.shape
        hd = d // self.h
        n = rms(x, self.n1)

        def heads(z):
            return z.view(b, t, self.h, hd).transpose(1, 2)

        def rope(z):
            z1, z2 = z.chunk(2, -1)
            return z * cos + torch.cat([-z2, z1], -1) * sin

        q, k, v = rope(heads(self.q(n))), rope(heads(self.k(n))), heads(self.v(n))
        s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd)) + mask
        x = x + self.o((F.softmax(s, -1) @ v).transpose(1, 2).reshape(b, t, d))
        n = rms(x, self.n2)
        return x + self.w2(F.silu(self.w1(n)) * self.w3(n))


class Llama(nn.Module):
    def __init__(self, t=LLAMA_CONTEXT, d=128):
        super().__init__()
        self.emb = nn.Parameter(torch.randn(256, d) * 0.02)
        self.blocks = nn.ModuleList([LlamaBlock() for _ in range(4)])
        self.norm = nn.Parameter(torch.ones(d))
        hd = d // 4
        freqs = 10000.0 ** (-torch.arange(0, hd, 2, dtype=torch.float64) / hd)
        ang = torch.arange(t, dtype=torch.float64)[:, None] * freqs[None, :]
        self.register_buffer("cos", torch.cat([ang.cos(), ang.cos()], -1).float())
        self.register_buffer("sin", torch.cat([ang.sin(), ang.sin()], -1).float())
        self.register_buffer("mask", torch.full((t, t), float("-inf")).triu(1))

    def forward(self, tok):
        x = F.embedding(tok, self.emb)
        for blk in self.blocks:
            x = blk(x, self.cos, self.sin, self.mask)
        return F.linear(rms(x, self.norm), self.emb)


# DLRM-small at the cpu preset of criteo_dlrm_synthetic (CriteoDlrmWorkloads.SizesFor("cpu")): AlgoPerf's Criteo vocabulary
# sizes capped at 2^15 rows, one table per feature, D 16, bottom 13-128-64-16, top 394-256-128-1, batch 512.
CRITEO_VOCAB = [39884406, 39043, 17289, 7420, 20263, 3, 7120, 1543, 63, 38532951, 2953546, 403346, 10, 2208, 11938, 155,
                4, 976, 14, 39979771, 25641295, 39664984, 585935, 12972, 108, 36]
DLRM_CAP, DLRM_DIM, DLRM_BOTTOM, DLRM_TOP, DLRM_BATCH = 1 << 15, 16, [128, 64], [256, 128], 512
QR_THRESHOLD, QR_COLLISIONS = 200, 4


def mlp(sizes, relu_last):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if relu_last or i + 2 < len(sizes):
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class QrTable(nn.Module):
    """Quotient-remainder table (mult): id i -> Q[i // m] * R[i % m]."""

    def __init__(self, rows, dim, m):
        super().__init__()
        self.m = m
        self.q = nn.Parameter(torch.rand((rows + m - 1) // m, dim) / math.sqrt(rows))
        self.r = nn.Parameter(0.9 + 0.2 * torch.rand(m, dim))

    def forward(self, ids):
        return F.embedding(torch.div(ids, self.m, rounding_mode="floor"), self.q) * F.embedding(ids % self.m, self.r)


class Dlrm(nn.Module):
    """Bottom MLP, one table per feature (dense gradients, as AlgoPerf's PyTorch DLRM), dot interaction (upper triangle
    with the diagonal, after the bottom output), top MLP -> one logit."""

    def __init__(self, qr=False):
        super().__init__()
        self.sizes = [min(v, DLRM_CAP) for v in CRITEO_VOCAB]
        self.bottom = mlp([13] + DLRM_BOTTOM + [DLRM_DIM], True)
        self.tables = nn.ModuleList()
        for v in self.sizes:
            if qr and v > QR_THRESHOLD:
                self.tables.append(QrTable(v, DLRM_DIM, QR_COLLISIONS))
            else:
                e = nn.Embedding(v, DLRM_DIM)
                nn.init.uniform_(e.weight, 0, 1 / math.sqrt(v))
                self.tables.append(e)
        n = len(self.sizes) + 1
        self.register_buffer("triu", torch.triu_indices(n, n))
        self.top = mlp([DLRM_DIM + n * (n + 1) // 2] + DLRM_TOP + [1], False)

    def forward(self, x):
        dense, ids = x
        v = torch.stack([self.bottom(dense)] + [t(ids[:, i]) for i, t in enumerate(self.tables)], 1)  # (N, 27, D)
        dots = torch.bmm(v, v.transpose(1, 2))[:, self.triu[0], self.triu[1]]
        return self.top(torch.cat([v[:, 0], dots], 1)).view(-1)


def click_batch(sizes):
    """Dense features log(1 + heavy-tailed counts); ids skewed toward 0 (u^3 · V), as the synthetic log's power laws."""
    def make():
        dense = torch.log1p(torch.exp(torch.randn(DLRM_BATCH, 13)))
        ids = torch.stack([(torch.rand(DLRM_BATCH) ** 3 * v).long().clamp_(max=v - 1) for v in sizes], 1)
        return (dense, ids), torch.randint(0, 2, (DLRM_BATCH,)).float()
    return make


class Bench:
    """One model with its AdamW (torch defaults, weight decay 0.01) and batch maker; times whole steps."""

    def __init__(self, name, model, make_batch, loss_fn):
        self.name, self.model, self.make_batch, self.loss_fn = name, model, make_batch, loss_fn
        self.opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
        self.n_params = sum(p.numel() for p in model.parameters())

    def steps(self, n):
        """Runs n steps; returns one (total, forward, backward, update ms, minor page faults) tuple per step."""
        out = []
        for _ in range(n):
            x, y = self.make_batch()
            f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            t0 = time.perf_counter()
            self.opt.zero_grad(set_to_none=True)
            loss = self.loss_fn(self.model(x), y)
            t1 = time.perf_counter()
            loss.backward()
            t2 = time.perf_counter()
            self.opt.step()
            loss.item()
            t3 = time.perf_counter()
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
            out.append(((t3 - t0) * 1000, (t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000, faults))
        return out


CHANNELS_LAST = False  # --channels-last: the ResNet keeps NHWC activations, as AlgoPerfSharp's does


def make(name):
    ce = F.cross_entropy
    images = lambda: (torch.randn(128, 1, 28, 28), torch.randint(0, 10, (128,)))
    if name == "fashion_mnist_resnet":
        return Bench(name, ResNet(CHANNELS_LAST), images, ce)
    if name == "fashion_mnist_vit":
        return Bench(name, Vit(), images, ce)
    if name == "sotu_llama":
        return Bench(name, Llama(), lambda: (torch.randint(0, 256, (16, LLAMA_CONTEXT)), torch.randint(0, 256, (16, LLAMA_CONTEXT))),
                     lambda logits, y: ce(logits.view(-1, 256), y.view(-1)))
    if name in ("criteo_dlrm_synthetic", "criteo_dlrm_synthetic_qr"):
        model = Dlrm(qr=name.endswith("_qr"))
        return Bench(name, model, click_batch(model.sizes), F.binary_cross_entropy_with_logits)
    raise SystemExit(f"unknown workload '{name}' (known: fashion_mnist_resnet, fashion_mnist_vit, sotu_llama, "
                     "criteo_dlrm_synthetic, criteo_dlrm_synthetic_qr)")


def serve():
    """Paired mode for benchmarks' --compare-pytorch-workloads: each stdin line 'NAME K' runs K steps of NAME (built and
    warmed up with 2 steps on first use) and answers one JSON line {"name", "params", "steps": [[total, fwd, bwd, upd, faults]]};
    'NAME K PATH' runs them under the autograd profiler and writes its chrome trace to PATH."""
    benches = {}
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        name, k = parts[0], int(parts[1])
        if name not in benches:
            benches[name] = make(name)
            benches[name].steps(2)
        b = benches[name]
        if len(parts) > 2:
            with torch.autograd.profiler.profile(use_kineto=False) as prof:
                rows = b.steps(k)
            prof.export_chrome_trace(parts[2])
        else:
            rows = b.steps(k)
        print(json.dumps({"name": name, "params": b.n_params, "threads": torch.get_num_threads(),
                          "torch": torch.__version__, "steps": rows}), flush=True)


def report(name, steps):
    b = make(name)
    b.steps(2)
    rows = b.steps(steps)
    med = statistics.median
    times = [r[0] for r in rows]
    print(f"{name}: {b.n_params} params, median step {med(times):.0f} ms (min {min(times):.0f}, max {max(times):.0f}, "
          f"{len(times)} steps; forward {med(r[1] for r in rows):.0f}, backward {med(r[2] for r in rows):.0f}, "
          f"AdamW {med(r[3] for r in rows):.0f})", flush=True)


if __name__ == "__main__":
    if "--channels-last" in sys.argv:
        sys.argv.remove("--channels-last")
        CHANNELS_LAST = True
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
        serve()
        sys.exit(0)
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    only = sys.argv[2] if len(sys.argv) > 2 else ""
    for name in ("fashion_mnist_resnet", "fashion_mnist_vit", "sotu_llama", "criteo_dlrm_synthetic", "criteo_dlrm_synthetic_qr"):
        if only in name and (only or not name.startswith("criteo")):
            report(name, steps)
