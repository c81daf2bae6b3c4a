"""Facts the views/reductions tests assert that are PyTorch behaviour rather than arithmetic.

Run with the system PyTorch (same libtorch 1.13 as the shim): /usr/bin/python3 tests/reference/views_reduce_reference.py
Used by tests/AlgoPerfSharp.Torch.Tests/ViewsTests.cs and ReduceTests.cs (tie-breaking, list counts, messages).
"""
import torch

# Ties: max/min over a dim and argmax/argmin return the FIRST index on CPU, also for large (parallel) reductions.
x = torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
print("max(1)", x.max(1).values.tolist(), x.max(1).indices.tolist())  # [3, 2] [1, 0]
print("min(0)", x.min(0).values.tolist(), x.min(0).indices.tolist())  # [1, 2, 0] [0, 1, 1]
print("argmax()", x.argmax().item(), "argmin()", x.argmin().item())  # 1 5
print("ones(100000).argmax/argmin", torch.ones(100000).argmax().item(), torch.ones(100000).argmin().item())  # 0 0
z = torch.zeros(10000); z[37] = 1; z[9000] = 1
print("two maxima at 37, 9000 ->", z.argmax().item(), z.max(0).indices.item())  # 37 37

# List counts: chunk may return fewer than n; an empty dim gives n empty chunks; split of an empty dim gives one.
print("arange(7).chunk(4)", [t.numel() for t in torch.arange(7).chunk(4)])  # [2, 2, 2, 1]
print("arange(6).chunk(4)", [t.numel() for t in torch.arange(6).chunk(4)])  # [2, 2, 2]
print("zeros(0).chunk(3)", len(torch.zeros(0).chunk(3)), "zeros(0).split(2)", len(torch.zeros(0).split(2)))  # 3 1

# Error messages (first line) the tests look for.
for name, f in [
    ("transpose bad dim", lambda: torch.zeros(2, 3).transpose(0, 2)),
    ("select bad index", lambda: torch.zeros(2, 3).select(1, 3)),
    ("index_select bad index", lambda: torch.zeros(3).index_select(0, torch.tensor([5]))),
    ("cat mismatch", lambda: torch.cat([torch.zeros(2, 3), torch.zeros(2, 4)], 0)),
    ("stack mismatch", lambda: torch.stack([torch.zeros(2), torch.zeros(3)])),
    ("view after transpose", lambda: torch.zeros(2, 3).t().view(6)),
    ("gather bad index", lambda: torch.zeros(2, 3).gather(1, torch.tensor([[3]]))),
    ("split sizes", lambda: torch.zeros(5).split([2, 2])),
    ("var bad dim", lambda: torch.zeros(2, 3).var(2)),
    ("max of empty", lambda: torch.zeros(0).max()),
    ("norm of long", lambda: torch.linalg.vector_norm(torch.tensor([1, 2]))),
    ("t of 3-D", lambda: torch.zeros(3, 4, 5).t()),
]:
    try:
        f()
        print(name, "-> no error")
    except Exception as e:  # noqa: BLE001
        print(name, "->", type(e).__name__, str(e).splitlines()[0])
