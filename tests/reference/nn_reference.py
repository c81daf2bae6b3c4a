#!/usr/bin/python3
"""Reference numbers for tests/AlgoPerfSharp.Torch.Tests (NnFunctionalTests, ModuleTests, TrainingGoldenTests).

Run with the system Python, whose PyTorch is the same libtorch 1.13 the engine binds:
    /usr/bin/python3 tests/reference/nn_reference.py
Every number the C# tests quote from PyTorch is printed here (float64 repr, 17 significant digits).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)


def show(name, t):
    vals = t.detach().double().flatten().tolist()
    print(f"{name} = [{', '.join(repr(v) for v in vals)}]")


print("# torch", torch.__version__)

# --- 1. A seeded torch.Generator draws the same numbers as our Generator (same mt19937 CPU generator) ---
g = torch.Generator().manual_seed(42)
show("randn5_seed42", torch.randn(5, generator=g))
g = torch.Generator().manual_seed(42)
show("randn20_seed42_first4_last1", torch.randn(20, generator=g)[[0, 1, 2, 3, 19]])  # >= 16 takes the vectorised path
g = torch.Generator().manual_seed(42)
show("rand5_seed42", torch.rand(5, generator=g))

# --- 2. cross_entropy with class weights, label smoothing and ignore_index ---
logits = torch.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 0.3], [-1.5, 3.0, 0.0], [1.0, 1.0, -2.0]], dtype=torch.float64)
target = torch.tensor([0, 2, 1, 1])
weight = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64)
for red in ["mean", "sum", "none"]:
    show(f"ce_w_ls0.1_ignore1_{red}",
         F.cross_entropy(logits, target, weight=weight, reduction=red, ignore_index=1, label_smoothing=0.1))
show("ce_ls0.2_mean", F.cross_entropy(logits, target, label_smoothing=0.2))

# --- 3. Dropout: torch.manual_seed(s) then F.dropout equals our Dropout with Generator(s) ---
torch.manual_seed(7)
show("dropout_p0.5_seed7_ones_4x5", F.dropout(torch.ones(4, 5), p=0.5, training=True))

# --- 4. Initialisers and default layer inits (PyTorch 1.13's nn.init takes no generator: seed the default one) ---
torch.manual_seed(3)
show("trunc_normal_seed3_std0.5_a-1_b1_6", nn.init.trunc_normal_(torch.empty(6), std=0.5, a=-1.0, b=1.0))
torch.manual_seed(3)
show("kaiming_normal_seed3_3x4_relu", nn.init.kaiming_normal_(torch.empty(3, 4), nonlinearity="relu"))
torch.manual_seed(3)
show("xavier_uniform_seed3_3x4_gain2", nn.init.xavier_uniform_(torch.empty(3, 4), gain=2.0))
torch.manual_seed(5)
lin = nn.Linear(3, 2)
show("linear3x2_seed5_weight", lin.weight)
show("linear3x2_seed5_bias", lin.bias)
torch.manual_seed(5)
conv = nn.Conv2d(1, 2, 2)
show("conv1to2k2_seed5_weight", conv.weight)
show("conv1to2k2_seed5_bias", conv.bias)
torch.manual_seed(5)
show("embedding3x2_seed5_weight", nn.Embedding(3, 2).weight)

# --- 5. Golden training: MLP 4 -> 16 -> tanh -> 3, plain SGD, full batch ---
# Weights: Linear(4,16) then Linear(16,3), each weight ~ U(+-1/sqrt(fan_in)) then bias ~ U(+-1/sqrt(fan_in)),
# all drawn from one torch.Generator seeded 1234, exactly as our Linear(..., generator) does.
gm = torch.Generator().manual_seed(1234)


def linear_params(fan_in, fan_out):
    # nn.Linear.reset_parameters: kaiming_uniform_(w, a=sqrt(5)), computed step for step as nn.init does, then the bias.
    gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
    wbound = math.sqrt(3.0) * (gain / math.sqrt(fan_in))
    w = torch.empty(fan_out, fan_in).uniform_(-wbound, wbound, generator=gm).requires_grad_()
    b = torch.empty(fan_out).uniform_(-1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in), generator=gm).requires_grad_()
    return w, b


w1, b1 = linear_params(4, 16)
w2, b2 = linear_params(16, 3)
gd = torch.Generator().manual_seed(99)
X = torch.randn(64, 4, generator=gd)
y = (X @ torch.tensor([1.0, 2.0, -1.0, 0.0]) > 0).long() + (X @ torch.tensor([0.0, 0.0, 0.0, 1.0]) > 0.5).long()
print("golden_label_counts =", torch.bincount(y, minlength=3).tolist())
params = [w1, b1, w2, b2]
lr = 0.1
losses = []
for step in range(200):
    loss = F.cross_entropy(F.linear(torch.tanh(F.linear(X, w1, b1)), w2, b2), y)
    losses.append(loss.item())
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p.add_(p.grad, alpha=-lr)
with torch.no_grad():
    final = F.cross_entropy(F.linear(torch.tanh(F.linear(X, w1, b1)), w2, b2), y).item()
print("golden_loss_step0 =", repr(losses[0]))
print("golden_loss_step1 =", repr(losses[1]))
print("golden_loss_step100 =", repr(losses[100]))
print("golden_loss_final_after200 =", repr(final))
