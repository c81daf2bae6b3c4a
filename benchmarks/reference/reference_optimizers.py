"""PyTorch implementations of the AlgoPerfSharp built-ins that torch.optim lacks, written for the reference-speed
comparison (`benchmarks --compare-pytorch`, benchmarks/README.md) from the algorithms' equations:

    NAdamW           AlgoPerf's baseline NAdamW (decoupled decay, Nesterov numerator, eps after the root)
    Muon             Nesterov momentum + Newton-Schulz-5 on hidden matrices, Adam on the rest (Muon with auxiliary Adam)
    Shampoo          root-inverse Shampoo with blocking, merged dims, Adam grafting and the Nesterov-filtered gradient
    EcShampoo        eigenvalue-corrected Shampoo (eigh refresh every F steps)
    PurifiedShampoo  eigenvalue-corrected Shampoo with the tau-criterion, warm-started QR refresh
    Soap             SOAP (Adam in the Shampoo eigenbasis, one power-iteration + QR refresh every F steps)
    Asgo, Dasgo      ASGO / DASGO (one-sided or diagonal preconditioning of the momentum, RMS-scaled) + Adam on the rest
    ScheduleFreeAdamW  Schedule-Free AdamW (the parameters hold y; z, x and v in the state)
    CrossFitAdamW    cross-fitted AdamW (momentum from microbatch group A, second moment and its correction from B)
    CrossFitShampoo  cross-fitted Shampoo (corrected inverse fourth roots from B every F steps) + cross-fitted Adam
    SophiaG, SophiaH Sophia with the Gauss-Newton-Bartlett or the Hutchinson estimate every k steps
    PbLbfgs          progressive-batching L-BFGS (two-loop, Armijo backtracking, inner-product test)

Each class follows the semantics and defaults of the C# built-in of the same name (optimizers/AlgoPerfSharp.Optimizers:
the step counter t starts at 1; bias corrections, eps placement, grafting, refresh schedule and decay form are the
built-in's), with a constant learning rate (the built-ins' schedule is not part of the step's cost). The classes with
`oracle_calls` take the step's oracle, `step(oracle)` (synthetic_oracle.py), and call it where the built-in calls its
StepContext. `--compare-pytorch --check` replays each against our float64 loops. Run with Debian's python3-torch (/usr/bin/python3, torch 1.13).
"""
import math

import torch


def _rotate(x, mats, transpose):
    """Contracts dimension k of x with mats[k] (x_k -> M^T x_k, or M x_k when transpose); None is the identity.
    Dimensions come back in their order (each contraction moves the contracted dimension last)."""
    if all(m is None for m in mats):
        return x.clone()
    for m in mats:
        x = x.movedim(0, -1) if m is None else torch.tensordot(x, m, dims=([0], [1 if transpose else 0]))
    return x


def _unfold(b, k):
    return b.movedim(k, 0).reshape(b.shape[k], -1)


def _off_diagonal_ratio(b):
    total = float(b.square().sum(dtype=torch.float64))
    diag = float(b.diagonal().square().sum(dtype=torch.float64))
    return 0.0 if total == 0 else math.sqrt(max(total - diag, 0.0)) / math.sqrt(total)


def inverse_root(a, root, eps):
    """(A + eps I)^(-1/root) of a symmetric A by eigh, the spectrum shifted up to eps when its minimum is below (our
    MatrixFunction.InverseRoot, facebookresearch's rule)."""
    lam, q = torch.linalg.eigh(a + eps * torch.eye(a.shape[0], dtype=a.dtype))
    low = float(lam.min())
    if low < eps:
        lam = lam + (eps - low)
    return (q * lam.pow(-1.0 / root).unsqueeze(0)) @ q.T


def merge_dims(shape, max_dim):
    """Squeezes 1s and merges neighbouring dimensions from the last one while their product stays <= max_dim."""
    dims = [d for d in shape if d != 1]
    if not dims:
        return [1]
    dims.reverse()
    merged, current = [], dims[0]
    for d in dims[1:]:
        if d * current <= max_dim:
            current *= d
        else:
            merged.append(current)
            current = d
    merged.append(current)
    merged.reverse()
    return merged


class _Factor:
    """One Kronecker factor: its EMA accumulator and its matrix (inverse root or eigenbasis; identity until set)."""

    def __init__(self, size, dtype):
        self.acc = torch.zeros(size, size, dtype=dtype)
        self.mat = torch.eye(size, dtype=dtype)
        self.has = False


class _Blocks:
    """A parameter's (merged) shape cut into blocks of at most max_dim per dimension, row-major, each with one factor
    per dimension of size <= max_dim (none when `precondition` is false)."""

    def __init__(self, shape, max_dim, block_large, precondition, dtype):
        self.shape = list(shape)
        splits = []
        for d in shape:
            if block_large:
                splits.append([(o, min(max_dim, d - o)) for o in range(0, d, max_dim)] or [(0, 0)])
            else:
                splits.append([(0, d)])
        self.blocks = []
        index = [0] * len(shape)
        while True:
            cut = [splits[d][index[d]] for d in range(len(shape))]
            factors = [_Factor(n, dtype) if precondition and 0 < n <= max_dim else None for _, n in cut]
            self.blocks.append((cut, factors))
            k = len(shape) - 1
            while k >= 0:
                index[k] += 1
                if index[k] < len(splits[k]):
                    break
                index[k] = 0
                k -= 1
            if k < 0:
                break

    def of(self, x, cut):
        for d, (o, n) in enumerate(cut):
            if n != self.shape[d]:
                x = x.narrow(d, o, n)
        return x

    def accumulate(self, x, beta, weight):
        for cut, factors in self.blocks:
            b = self.of(x, cut)
            for k, f in enumerate(factors):
                if f is not None:
                    mat = _unfold(b, k)
                    f.acc.addmm_(mat, mat.T, beta=beta, alpha=weight)

    @staticmethod
    def mats(factors):
        return [f.mat if f is not None and f.has else None for f in factors]


class NAdamW(torch.optim.Optimizer):
    """AlgoPerf's NAdamW: w <- w(1 - lr*wd) - lr * (b1*m + (1-b1)*g) / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps)."""

    def __init__(self, params, lr=0.0017486387539278373, betas=(1 - 0.06733926164, 0.9955159689799007), eps=1e-8,
                 weight_decay=0.08121616522670176):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                st = self.state[p]
                if not st:
                    st["t"], st["m"], st["v"] = 0, torch.zeros_like(p), torch.zeros_like(p)
                st["t"] += 1
                t, m, v, g = st["t"], st["m"], st["v"], p.grad
                p.mul_(1 - lr * wd)
                m.lerp_(g, 1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                numerator = m.mul(b1).add_(g, alpha=1 - b1)
                denom = (v.sqrt() / math.sqrt(1 - b2 ** t)).add_(eps)
                p.addcdiv_(numerator, denom, value=-lr / (1 - b1 ** t))


def adam_step(p, g, st, t, lr, betas, eps, weight_decay):
    """One AdamW step of p (our fused ScaleByAdam + AddDecayedWeights + ScaleByLearningRate), m and v in st (created at
    t = 1): w <- w(1 - lr*wd) - lr * m / (1 - b1^t) / (sqrt(v) / sqrt(1 - b2^t) + eps). Muon's and ASGO's auxiliary Adam."""
    b1, b2 = betas
    if not st:
        st["m"], st["v"] = torch.zeros_like(p), torch.zeros_like(p)
    m, v = st["m"], st["v"]
    m.lerp_(g, 1 - b1)
    v.mul_(b2).addcmul_(g, g, value=1 - b2)
    denom = (v.sqrt() / math.sqrt(1 - b2 ** t)).add_(eps)
    p.mul_(1 - lr * weight_decay).addcdiv_(m, denom, value=-lr / (1 - b1 ** t))


def newton_schulz(g, steps=5, dtype=torch.float32, a=3.4445, b=-4.7750, c=2.0315, eps=1e-7):
    """Quintic Newton-Schulz orthogonalization of a 2-D matrix, in `dtype`, on the wide orientation."""
    x = g.to(dtype)
    tall = g.shape[0] > g.shape[1]
    if tall:
        x = x.T
    x = x / (x.norm() + eps)
    for _ in range(steps):
        gram = x @ x.T
        poly = (gram @ gram).mul_(c).add_(gram, alpha=b)
        x = (poly @ x).add_(x, alpha=a)
    if tall:
        x = x.T
    return x.to(g.dtype)


class Muon(torch.optim.Optimizer):
    """Muon with auxiliary Adam. `hidden[i]` says whether parameter i is a hidden matrix (dense, attention or conv
    weight with >= 2 dims): those take m <- lerp(m, g, 1-mu), u = lerp(g, m, mu) (Nesterov), NS5 on u reshaped to
    (rows, -1), times sqrt(max(1, rows/cols)); the rest take Adam (m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps)). Both decay
    decoupled: w <- w(1 - lr*wd) - lr*u."""

    _DTYPES = {"bfloat16": torch.bfloat16, "float32": torch.float32, "float64": torch.float64}

    def __init__(self, params, hidden, lr=0.02, momentum=0.95, nesterov=True, weight_decay=0.0, ns_steps=5,
                 ns_dtype="float32", adam_lr=3e-4, adam_betas=(0.9, 0.95), adam_eps=1e-10, adam_weight_decay=0.0):
        params = list(params)
        if len(hidden) != len(params):
            raise ValueError(f"hidden has {len(hidden)} flags for {len(params)} parameters")
        super().__init__(params, dict(lr=lr))
        self.hidden = [bool(h) and p.dim() >= 2 for h, p in zip(hidden, params)]
        self.momentum, self.nesterov, self.weight_decay = momentum, nesterov, weight_decay
        self.ns_steps, self.ns_dtype = ns_steps, self._DTYPES[ns_dtype]
        self.adam_lr, self.adam_betas, self.adam_eps, self.adam_weight_decay = adam_lr, tuple(adam_betas), adam_eps, adam_weight_decay
        self.t = 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        t = self.t
        lr = self.param_groups[0]["lr"]
        b1, b2 = self.adam_betas
        for p, hidden in zip(self.param_groups[0]["params"], self.hidden):
            st, g = self.state[p], p.grad
            if hidden:
                if not st:
                    st["m"] = torch.zeros_like(p)
                m = st["m"]
                m.lerp_(g, 1 - self.momentum)
                u = g.lerp(m, self.momentum) if self.nesterov else m
                o = newton_schulz(u.reshape(u.shape[0], -1), self.ns_steps, self.ns_dtype)
                o.mul_(math.sqrt(max(1.0, o.shape[0] / o.shape[1])))
                p.mul_(1 - lr * self.weight_decay).add_(o.view_as(p), alpha=-lr)
            else:
                adam_step(p, g, st, t, self.adam_lr, (b1, b2), self.adam_eps, self.adam_weight_decay)


class _ShampooFamily(torch.optim.Optimizer):
    """Blocked Kronecker-factored preconditioning, root-inverse (Shampoo) or eigenvalue-corrected (EC / purified).

    Per step t (from 1): factors L_k <- b2*L_k + (1-b2)*G_(k) G_(k)^T per block (G_(k): mode-k unfolding of the merged
    gradient); at t == S or (t % F == 0 and t > S) each factor is refreshed from L_k / (1 - b2^t); the filtered
    gradient is Gbar = b3*m + (1-b3)*g with m <- lerp(m, g, 1-b1), scaled by 1/(1 - b3*b1^(t-1)).
    Root-inverse: P = Gbar x_k (L_k + eps I)^(-1/2o) (o = order of the merged shape), its per-block norm grafted from
    Adam (Gbar / (sqrt(v) + eps_g*sqrt(1 - b2g^t)), times sqrt(1 - b2g^t)); before S the Adam direction alone.
    Eigenvalue-corrected: Q_k = eigenvectors of L_k + eps I; D <- b2*D + (1-b2)*(g x_k Q_k)^2;
    P = sqrt(1 - b2^t) * [(Gbar x_k Q_k) / (sqrt(D) + eps*sqrt(1 - b2^t))] x_k Q_k^T; identity basis until the first
    refresh. Update: w <- w(1 - lr*wd) - lr*P.
    """

    def __init__(self, params, lr, beta1, beta2, epsilon, weight_decay, max_preconditioner_dim, precondition_frequency,
                 start_preconditioning_step=-1, kind="root_inverse", grafting=None, grafting_beta2=0.999,
                 grafting_epsilon=1e-8, beta3=-1.0, eigen_method="eigh", eigen_tolerance=0.0, max_qr_iterations=1):
        super().__init__(params, dict(lr=lr))
        self.b1, self.b2, self.eps, self.wd = beta1, beta2, epsilon, weight_decay
        self.max_dim, self.freq = int(max_preconditioner_dim), int(precondition_frequency)
        self.start = self.freq if start_preconditioning_step == -1 else int(start_preconditioning_step)
        self.kind, self.grafting = kind, grafting
        self.gb2, self.geps = grafting_beta2, grafting_epsilon
        self.b3 = beta1 if beta3 == -1 else beta3
        self.eigen_method, self.tol, self.max_qr = eigen_method, eigen_tolerance, int(max_qr_iterations)
        self.t = 0
        for p in self.param_groups[0]["params"]:
            if any(d >= 1_000_000 for d in p.shape):
                raise NotImplementedError("parameters with a dimension >= 1,000,000 (Adam in the built-ins) are not modelled")
            merged = merge_dims(list(p.shape), self.max_dim) if p.dim() > 0 else [1]
            st = self.state[p]
            st["merged"] = merged
            st["blocks"] = _Blocks(merged, self.max_dim, True, True, p.dtype)
            st["m"] = torch.zeros(merged, dtype=p.dtype) if beta1 > 0 else None
            st["v"] = torch.zeros(merged, dtype=p.dtype) if grafting == "adam" else None
            st["d"] = torch.zeros(merged, dtype=p.dtype) if kind == "eigenvalue_corrected" else None

    def _bc2(self, t):
        return 1 - self.b2 ** t if self.b2 < 1 else 1.0

    def _refresh(self, f, order, t):
        a = f.acc / self._bc2(t)
        if self.kind == "root_inverse":
            f.mat.copy_(inverse_root(a, 2.0 * max(order, 1), self.eps))
            f.has = True
            return
        if self.eps != 0:
            a.diagonal().add_(self.eps)
        if self.eigen_method == "eigh":
            if self.tol > 0 and _off_diagonal_ratio(f.mat.T @ a @ f.mat) <= self.tol:
                return
            f.mat.copy_(torch.linalg.eigh(a)[1])
            f.has = True
            return
        # Warm-started QR iteration from the current basis, until the off-diagonal ratio is <= tol.
        q = f.mat.clone()
        b = q.T @ a @ q
        ratio, it = _off_diagonal_ratio(b), 0
        while it < self.max_qr and not ratio <= self.tol:
            qq, r = torch.linalg.qr(b)
            b, q = r @ qq, q @ qq
            it += 1
            if it < self.max_qr:
                ratio = _off_diagonal_ratio(b)
        if it > 0:
            diag = b.diagonal().tolist()
            order_ = torch.tensor(sorted(range(len(diag)), key=lambda i: diag[i]), dtype=torch.long)
            f.mat.copy_(q.index_select(1, order_))
            f.has = True

    @torch.no_grad()
    def step(self):
        self.t += 1
        t = self.t
        lr = self.param_groups[0]["lr"]
        params = self.param_groups[0]["params"]
        grads = [p.grad.reshape(self.state[p]["merged"]) for p in params]
        for p, g in zip(params, grads):
            self.state[p]["blocks"].accumulate(g, self.b2, 1 - self.b2 if self.b2 < 1 else 1.0)
        if t == self.start or (t % self.freq == 0 and t > self.start):
            for p in params:
                blocks = self.state[p]["blocks"]
                for _, factors in blocks.blocks:
                    for f in factors:
                        if f is not None:
                            self._refresh(f, len(blocks.shape), t)
        for p, g in zip(params, grads):
            direction, scale = self._direction(self.state[p], g, t)
            p.mul_(1 - lr * self.wd).add_(direction.view_as(p), alpha=-lr * scale)

    def _graft(self, st, cut, gb, t, s1):
        bc = 1 - self.gb2 ** t
        denom = st["blocks"].of(st["v"], cut).sqrt().add_(self.geps * math.sqrt(bc))
        return gb / denom, s1 * math.sqrt(bc)

    def _direction(self, st, g, t):
        blocks = st["blocks"]
        if st["v"] is not None:
            st["v"].mul_(self.gb2).addcmul_(g, g, value=1 - self.gb2)
        gbar, s1 = g, 1.0
        m = st["m"]
        if m is not None:
            nesterov = m.lerp(g, 1 - self.b3) if self.b3 != self.b1 else None
            m.lerp_(g, 1 - self.b1)
            gbar = m if nesterov is None else nesterov
            s1 = 1 / (1 - self.b3 * self.b1 ** (t - 1))
        graft = self.grafting is not None
        grafted = graft and t < self.start
        ec = self.kind == "eigenvalue_corrected"
        s_sh = s1 * (math.sqrt(self._bc2(t)) if ec else 1.0)
        out = torch.empty(blocks.shape, dtype=g.dtype)
        for cut, factors in blocks.blocks:
            gb = blocks.of(gbar, cut)
            if grafted:
                pb, _ = self._graft(st, cut, gb, t, s1)
            else:
                mats = _Blocks.mats(factors)
                if ec:
                    rotated = _rotate(blocks.of(g, cut), mats, False)
                    d = blocks.of(st["d"], cut)
                    d.mul_(self.b2).addcmul_(rotated, rotated, value=1 - self.b2 if self.b2 < 1 else 1.0)
                    denom = d.sqrt().add_(self.eps * math.sqrt(self._bc2(t)))
                    pb = _rotate(_rotate(gb, mats, False) / denom, mats, True)
                else:
                    pb = _rotate(gb, mats, False)
                if graft:
                    pgr, s_gr = self._graft(st, cut, gb, t, s1)
                    pb = pb * ((pgr.norm() * (s_gr * s_sh)) / (pb.norm() * s_sh + 1e-16))
            blocks.of(out, cut).copy_(pb)
        scale = s1 * math.sqrt(1 - self.gb2 ** t) if grafted else (1.0 if graft else s_sh)
        return out, scale


class Shampoo(_ShampooFamily):
    """The shampoo built-in: the AlgoPerf-winning submission's point (blocks of 1024, F = 100, Adam grafting, NAdam
    filtering b3 = b1^2, eps 1e-12, decoupled decay)."""

    def __init__(self, params, lr=0.0017486387539278373, beta1=1 - 0.06733926164, beta2=1 - 0.00448403102,
                 epsilon=1e-12, weight_decay=0.08121616522670176, max_preconditioner_dim=1024, precondition_frequency=100,
                 start_preconditioning_step=-1, grafting_epsilon=1e-8, use_nesterov=True):
        super().__init__(params, lr, beta1, beta2, epsilon, weight_decay, max_preconditioner_dim, precondition_frequency,
                         start_preconditioning_step, "root_inverse", "adam", beta2, grafting_epsilon,
                         beta1 * beta1 if use_nesterov else -1.0)


class EcShampoo(_ShampooFamily):
    """The ec_shampoo built-in: eigenvalue-corrected, no grafting, Adam's defaults, eigh every F = 100 steps."""

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8, weight_decay=0.01,
                 max_preconditioner_dim=1024, precondition_frequency=100, start_preconditioning_step=-1):
        super().__init__(params, lr, beta1, beta2, epsilon, weight_decay, max_preconditioner_dim, precondition_frequency,
                         start_preconditioning_step, "eigenvalue_corrected")


class PurifiedShampoo(_ShampooFamily):
    """The purified_shampoo built-in: eigenvalue-corrected, the basis refreshed by warm-started QR (at most 10
    iterations) only while its off-diagonal ratio exceeds tau = 0.1, checked every F = 50 steps."""

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8, weight_decay=0.01,
                 max_preconditioner_dim=1024, precondition_frequency=50, start_preconditioning_step=-1,
                 eigen_tolerance=0.1, max_qr_iterations=10, use_eigh=False):
        super().__init__(params, lr, beta1, beta2, epsilon, weight_decay, max_preconditioner_dim, precondition_frequency,
                         start_preconditioning_step, "eigenvalue_corrected", eigen_method="eigh" if use_eigh else "qr",
                         eigen_tolerance=eigen_tolerance, max_qr_iterations=1 if use_eigh else max_qr_iterations)


class Soap(torch.optim.Optimizer):
    """SOAP: Adam run in the eigenbasis Q_k of the factors L_k (EMA shampoo_beta of G_(k) G_(k)^T, unmerged, unblocked,
    dimensions > max_preconditioner_dim and 1-D parameters unrotated). Step 1 only sets L_k and Q_k (eigenvectors,
    descending). Then with t = step - 1: V <- b2*V + (1-b2)*(g x_k Q_k)^2, m <- lerp(m, g, 1-b1),
    u = [(m x_k Q_k) / (sqrt(V) + eps)] x_k Q_k^T * sqrt(1-b2^t)/(1-b1^t), w <- (w - lr*u)(1 - lr*wd), L_k updated;
    every F steps each Q_k is refreshed by one power iteration + QR (columns ordered by Q^T L Q's diagonal,
    descending, V permuted alike)."""

    def __init__(self, params, lr=3e-3, betas=(0.95, 0.95), eps=1e-8, weight_decay=0.01, precondition_frequency=10,
                 max_preconditioner_dim=10000, shampoo_beta=-1.0, precondition_1d=False):
        super().__init__(params, dict(lr=lr))
        self.b1, self.b2 = betas
        self.eps, self.wd, self.freq = eps, weight_decay, int(precondition_frequency)
        self.sb = self.b2 if shampoo_beta == -1 else shampoo_beta
        self.step_count = 0
        for p in self.param_groups[0]["params"]:
            shape = list(p.shape) or [1]
            st = self.state[p]
            st["blocks"] = _Blocks(shape, int(max_preconditioner_dim), False, p.dim() > 1 or precondition_1d, p.dtype)
            st["m"] = torch.zeros(shape, dtype=p.dtype) if self.b1 > 0 else None
            st["v"] = torch.zeros(shape, dtype=p.dtype)

    @torch.no_grad()
    def step(self):
        self.step_count += 1
        params = self.param_groups[0]["params"]
        lr = self.param_groups[0]["lr"]
        if self.step_count == 1:
            for p in params:
                blocks = self.state[p]["blocks"]
                blocks.accumulate(p.grad.reshape(blocks.shape), 0.0, 1 - self.sb)
                for f in blocks.blocks[0][1]:
                    if f is not None:
                        a = f.acc + 1e-30 * torch.eye(f.acc.shape[0], dtype=f.acc.dtype)
                        f.mat.copy_(torch.linalg.eigh(a)[1].flip(1))
                        f.has = True
            return
        t = self.step_count - 1
        scale = math.sqrt(1 - self.b2 ** t) / (1 - self.b1 ** t)
        for p in params:
            st = self.state[p]
            blocks, m, v = st["blocks"], st["m"], st["v"]
            mats = _Blocks.mats(blocks.blocks[0][1])
            g = p.grad.reshape(blocks.shape)
            rotated = _rotate(g, mats, False)
            v.mul_(self.b2).addcmul_(rotated, rotated, value=1 - self.b2)
            if m is not None:
                m.lerp_(g, 1 - self.b1)
            u = _rotate(_rotate(g if m is None else m, mats, False).div_(v.sqrt().add_(self.eps)), mats, True)
            blocks.accumulate(g, self.sb, 1 - self.sb)
            p.add_(u.view_as(p), alpha=-lr * scale).mul_(1 - lr * self.wd)
        if t % self.freq == 0:
            for p in params:
                st = self.state[p]
                for k, f in enumerate(st["blocks"].blocks[0][1]):
                    if f is None:
                        continue
                    est = (f.mat.T @ f.acc @ f.mat).diagonal().tolist()
                    order = torch.tensor(sorted(range(len(est)), key=lambda i: -est[i]), dtype=torch.long)
                    q, _ = torch.linalg.qr(f.acc @ f.mat.index_select(1, order))
                    st["v"].copy_(st["v"].index_select(k, order))
                    f.mat.copy_(q)


class Asgo(torch.optim.Optimizer):
    """ASGO (and DASGO with `diagonal`) on the hidden matrices, Adam on the rest, as our asgo / dasgo built-ins. A
    hidden parameter is viewed as G (rows = shape[0], cols = the rest); per step: M <- lerp(M, G, 1-b1);
    ASGO: P <- lerp(P, G G^T, 1-b2), U = (P + eps I)^(-1/2) M when rows < cols, else P <- lerp(P, G^T G, 1-b2),
    U = M (P + eps I)^(-1/2) (inverse_root: eigh, spectrum shifted up to eps); DASGO: p <- lerp(p, sum_rows G^2, 1-b2),
    U = M / sqrt(p + eps) column-wise. No bias correction. The update is scaled to RMS rho: s = rho*sqrt(rows*cols)/|U|_F
    (0 for U = 0), w <- w(1 - lr*wd) - lr*s*U. Every other parameter takes adam_step (betas 0.9/0.95, eps 1e-8, no
    decay) at the same learning rate."""

    def __init__(self, params, hidden, lr=0.01, beta1=1 - 0.1, beta2=0.8, epsilon=1e-10, weight_decay=0.1,
                 update_rms=0.2, diagonal=False, adam_betas=(0.9, 0.95), adam_eps=1e-8, adam_weight_decay=0.0):
        params = list(params)
        if len(hidden) != len(params):
            raise ValueError(f"hidden has {len(hidden)} flags for {len(params)} parameters")
        super().__init__(params, dict(lr=lr))
        self.hidden = [bool(h) and p.dim() >= 2 for h, p in zip(hidden, params)]
        self.b1, self.b2, self.eps, self.wd = beta1, beta2, epsilon, weight_decay
        self.rms, self.diagonal = update_rms, diagonal
        self.adam_betas, self.adam_eps, self.adam_weight_decay = tuple(adam_betas), adam_eps, adam_weight_decay
        self.t = 0
        for p, h in zip(params, self.hidden):
            if h:
                rows, cols = p.shape[0], p.numel() // p.shape[0]
                k = cols if diagonal else min(rows, cols)
                self.state[p]["m"] = torch.zeros_like(p)
                self.state[p]["p"] = torch.zeros(k, dtype=p.dtype) if diagonal else torch.zeros(k, k, dtype=p.dtype)

    @torch.no_grad()
    def step(self):
        self.t += 1
        lr = self.param_groups[0]["lr"]
        for p, hidden in zip(self.param_groups[0]["params"], self.hidden):
            st, g = self.state[p], p.grad
            if not hidden:
                adam_step(p, g, st, self.t, lr, self.adam_betas, self.adam_eps, self.adam_weight_decay)
                continue
            rows, cols = p.shape[0], p.numel() // p.shape[0]
            g2 = g.reshape(rows, cols)
            st["m"].lerp_(g, 1 - self.b1)
            m = st["m"].reshape(rows, cols)
            if self.diagonal:
                st["p"].lerp_(g2.square().sum(0), 1 - self.b2)
                u = m * (st["p"] + self.eps).rsqrt()
            elif rows < cols:
                st["p"].lerp_(g2 @ g2.T, 1 - self.b2)
                u = inverse_root(st["p"], 2, self.eps) @ m
            else:
                st["p"].lerp_(g2.T @ g2, 1 - self.b2)
                u = m @ inverse_root(st["p"], 2, self.eps)
            norm = float(torch.linalg.vector_norm(u, dtype=torch.float64))
            scale = self.rms * math.sqrt(rows * cols) / norm if norm > 0 else 0.0
            p.mul_(1 - lr * self.wd).add_(u.view_as(p), alpha=-lr * scale)


class Dasgo(Asgo):
    """The dasgo built-in: ASGO's diagonal variant with its own defaults (b2 0.95, eps 1e-8)."""

    def __init__(self, params, hidden, lr=0.01, beta1=1 - 0.1, beta2=0.95, epsilon=1e-8, weight_decay=0.1, **kwargs):
        super().__init__(params, hidden, lr, beta1, beta2, epsilon, weight_decay, diagonal=True, **kwargs)


class ScheduleFreeAdamW(torch.optim.Optimizer):
    """Schedule-Free AdamW, as our schedule_free_adamw built-in: the parameters hold y; z and x start at the initial
    weights. At step t: gamma = lr*sqrt(1 - b2^t), lr_max = max(lr_max, gamma), w_t = t^r * lr_max^power,
    c = w_t / sum(w); z <- z - gamma*wd*y; v <- b2*v + (1-b2)*g^2; z <- z - gamma*g/(sqrt(v) + eps); x <- lerp(x, z, c);
    y <- lerp(x, z, 1 - b1)."""

    def __init__(self, params, lr=0.0025, beta1=1 - 0.1, beta2=0.9955159689799007, eps=1e-8,
                 weight_decay=0.08121616522670176, weight_lr_power=2.0, r=0.75):
        super().__init__(params, dict(lr=lr))
        self.b1, self.b2, self.eps, self.wd, self.power, self.r = beta1, beta2, eps, weight_decay, weight_lr_power, r
        self.t, self.lr_max, self.weight_sum = 0, 0.0, 0.0
        for p in self.param_groups[0]["params"]:
            st = self.state[p]
            st["z"], st["x"], st["v"] = p.detach().clone(), p.detach().clone(), torch.zeros_like(p)

    @torch.no_grad()
    def step(self):
        self.t += 1
        t = self.t
        gamma = self.param_groups[0]["lr"] * math.sqrt(1 - self.b2 ** t)
        self.lr_max = max(self.lr_max, gamma)
        weight = math.pow(t, self.r) * math.pow(self.lr_max, self.power)
        self.weight_sum += weight
        c = weight / self.weight_sum if self.weight_sum > 0 else 0.0
        for p in self.param_groups[0]["params"]:
            st, g = self.state[p], p.grad
            z, x, v = st["z"], st["x"], st["v"]
            if self.wd != 0:
                z.add_(p, alpha=-gamma * self.wd)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            z.addcdiv_(g, v.sqrt().add_(self.eps), value=-gamma)
            x.lerp_(z, c)
            p.copy_(x).lerp_(z, 1 - self.b1)


def _sum(tensors):
    """t0 + t1 + ... in order (a new tensor), as our Aggregate((x, y) => x.Add(y))."""
    total = tensors[0]
    for t in tensors[1:]:
        total = total + t
    return total


def cross_fit_direction(u, m, v, b, t, beta1, beta2, eps, correction):
    """Cross-fitted Adam's direction for one parameter (our ScaleByCrossFitAdam.Direction): u = g_A, b = B's gradients.
    With bc_k = 1 - b_k^t: roots p_j = sqrt(max(0, b2*v + (1-b2)*g_j^2) / bc2), Var = their sample variance / |b|;
    m <- lerp(m, u, 1-b1); v <- b2*v + (1-b2)*mean_j g_j^2; d = sqrt(v/bc2) + eps; inv = max(0, 1/d - Var/d^3)
    (1/d without correction); returns (m / bc1) * inv."""
    bc1, bc2 = 1 - beta1 ** t, 1 - beta2 ** t
    variance = None
    if correction and b is not None and len(b) >= 2:
        roots = [(v * beta2).addcmul_(g, g, value=1 - beta2).div_(bc2).clamp_(min=0.0).sqrt_() for g in b]
        mean = _sum(roots).div_(len(roots))
        variance = _sum([(r - mean).square() for r in roots]).div_(len(roots) * (len(roots) - 1))
    m.lerp_(u, 1 - beta1)
    v.mul_(beta2)
    if b is None:
        v.addcmul_(u, u, value=1 - beta2)
    else:
        v.add_(_sum([g.square() for g in b]).div_(len(b)), alpha=1 - beta2)
    d = (v / bc2).sqrt_().add_(eps)
    inv = d.reciprocal()
    if variance is not None:
        inv.sub_(variance.div_(d.pow(3.0))).clamp_(min=0.0)
    return (m / bc1).mul_(inv)


class _CrossFit(torch.optim.Optimizer):
    """What cf_adamw and cf_shampoo share (our CrossFitRun): the step's M microbatches from one sub-batch call, the
    first M/2 (A) averaged by examples into g_A, the rest (B) the preconditioner's sample; a non-finite B skips the
    step. Then t += 1 and _update(g_A, B) per parameter, w <- w + (-lr)*(direction + wd*w)."""

    oracle_calls = ("sub_batches",)

    def __init__(self, params, lr, weight_decay, microbatches):
        super().__init__(params, dict(lr=lr))
        self.wd, self.microbatches, self.t = weight_decay, int(microbatches), 0

    @torch.no_grad()
    def step(self, oracle):
        parts = oracle.sub_batch_gradients(self.microbatches)
        half = len(parts) // 2
        a, b = parts[:half], parts[half:]
        if not all(bool(torch.isfinite(g).all()) for part in b for g in part.gradients):
            return
        examples = float(sum(part.examples for part in a))
        self.t += 1
        self._begin()
        lr = self.param_groups[0]["lr"]
        for i, p in enumerate(self.param_groups[0]["params"]):
            ga = a[0].gradients[i] * (a[0].examples / examples)
            for part in a[1:]:
                ga.add_(part.gradients[i] * (part.examples / examples))
            u = self._update(i, p, ga, [part.gradients[i] for part in b])
            u.add_(p, alpha=self.wd).mul_(-lr)
            p.add_(u)
        self._end()

    def _begin(self):
        pass

    def _end(self):
        pass


class CrossFitAdamW(_CrossFit):
    """The cf_adamw built-in: cross_fit_direction on every parameter (lr 1e-3, betas 0.9/0.999, eps 1e-8, wd 0.01,
    8 microbatches, variance correction)."""

    def __init__(self, params, lr=1e-3, betas=(1 - 0.1, 0.999), eps=1e-8, weight_decay=0.01, microbatches=8,
                 variance_correction=True):
        super().__init__(params, lr, weight_decay, microbatches)
        self.b1, self.b2 = betas
        self.eps, self.correction = eps, variance_correction
        for p in self.param_groups[0]["params"]:
            self.state[p]["m"], self.state[p]["v"] = torch.zeros_like(p), torch.zeros_like(p)

    def _update(self, i, p, ga, b):
        st = self.state[p]
        return cross_fit_direction(ga, st["m"], st["v"], b, self.t, self.b1, self.b2, self.eps, self.correction)


class CrossFitShampoo(_CrossFit):
    """The cf_shampoo built-in. A matrix (2-D, both sides > 1, the larger <= max_preconditioner_dim): M <- lerp(M, g_A,
    1-b1) (no bias correction); at t = 1, 1 + F, ...: L <- b2*L + (1-b2)*mean_j G_j G_j^T over B (R with G_j^T G_j),
    L + damping*I = Q diag(lam) Q^T (lam clamped at damping*1e-3), d = lam^(-1/4) - (5/32)*lam^(-9/4)*Var (clamped at
    0), Var_k = var_j(diag(Q^T (b2*L_prev + (1-b2)*G_j G_j^T + damping*I) Q)_k) / |B|, P_L = Q diag(d) Q^T; direction
    P_L M P_R (M before the first refresh). Every other parameter: cross_fit_direction with the Adam settings."""

    def __init__(self, params, lr=1e-3, beta1=1 - 0.1, beta2=0.95, damping=1e-6, precondition_frequency=10,
                 max_preconditioner_dim=2048, adam_beta1=0.9, adam_beta2=0.999, adam_eps=1e-8, weight_decay=0.01,
                 microbatches=8, variance_correction=True):
        super().__init__(params, lr, weight_decay, microbatches)
        self.b1, self.b2, self.damping, self.freq = beta1, beta2, damping, int(precondition_frequency)
        self.adam = (adam_beta1, adam_beta2, adam_eps)
        self.correction, self.has_roots, self.refresh = variance_correction, False, False
        for p in self.param_groups[0]["params"]:
            st = self.state[p]
            st["matrix"] = p.dim() == 2 and min(p.shape) > 1 and max(p.shape) <= max_preconditioner_dim
            st["m"] = torch.zeros_like(p)
            if st["matrix"]:
                for name, side in (("l", 0), ("r", 1), ("pl", 0), ("pr", 1)):
                    st[name] = torch.zeros(p.shape[side], p.shape[side], dtype=p.dtype)
            else:
                st["v"] = torch.zeros_like(p)

    def _begin(self):
        self.refresh = (self.t - 1) % self.freq == 0

    def _end(self):
        if self.refresh:
            self.has_roots = True

    def _update(self, i, p, ga, b):
        st = self.state[p]
        if not st["matrix"]:
            b1, b2, eps = self.adam
            return cross_fit_direction(ga, st["m"], st["v"], b, self.t, b1, b2, eps, self.correction)
        st["m"].lerp_(ga, 1 - self.b1)
        if self.refresh:
            self._root(st["l"], st["pl"], [g @ g.T for g in b])
            self._root(st["r"], st["pr"], [g.T @ g for g in b])
        return st["pl"] @ st["m"] @ st["pr"] if self.has_roots or self.refresh else st["m"].clone()

    def _root(self, s, root, outer):
        eye = torch.eye(s.shape[0], dtype=s.dtype) * self.damping
        previous = s.clone()
        s.mul_(self.b2).add_(_sum(outer).div_(len(outer)), alpha=1 - self.b2)
        lam, q = torch.linalg.eigh(s + eye)
        lam = lam.clamp(min=self.damping * 1e-3)
        d = lam.pow(-0.25)
        if self.correction and len(outer) >= 2:
            hypothetical = [(previous * self.b2).add_(o, alpha=1 - self.b2).add_(eye) for o in outer]
            ells = torch.stack([(q * (sj @ q)).sum(0) for sj in hypothetical])
            variance = ells.var(0, unbiased=True).div_(len(outer))
            d.sub_(lam.pow(-2.25).mul_(variance).mul_(5.0 / 32.0)).clamp_(min=0.0)
        root.copy_((q * d.unsqueeze(0)) @ q.T)


class _Sophia(torch.optim.Optimizer):
    """Sophia as our sophia_g / sophia_h built-ins (SophiaRun): the step's gradient, then t += 1 and
    m <- lerp(m, g, 1-b1), u = clamp(m / max(rho*h, eps), -1, 1), w <- w + (-lr)*(u + wd*w); after every k-th step
    (t % k == 0) h is refreshed by the variant's estimator, drawing from a generator seeded with (seed, t/k)."""

    def __init__(self, params, lr, beta1, beta2, rho, epsilon, weight_decay, hessian_update_interval, seed):
        super().__init__(params, dict(lr=lr))
        self.b1, self.b2, self.rho, self.eps, self.wd = beta1, beta2, rho, epsilon, weight_decay
        self.k, self.seed, self.t = int(hessian_update_interval), seed, 0
        for p in self.param_groups[0]["params"]:
            self.state[p]["m"], self.state[p]["h"] = torch.zeros_like(p), torch.zeros_like(p)

    @torch.no_grad()
    def step(self, oracle):
        oracle.loss_and_gradients()
        self.t += 1
        lr = self.param_groups[0]["lr"]
        for p in self.param_groups[0]["params"]:
            st = self.state[p]
            st["m"].lerp_(p.grad, 1 - self.b1)
            u = st["m"].div(st["h"].mul(self.rho).clamp_(min=self.eps)).clamp_(-1.0, 1.0)
            u.add_(p, alpha=self.wd).mul_(-lr)
            p.add_(u)
        if self.t % self.k == 0:
            seed = (self.seed * 0x9E3779B97F4A7C15 + self.t // self.k) % 2 ** 64
            self._refresh(oracle, torch.Generator().manual_seed(seed))

    def _hessians(self):
        return [self.state[p]["h"] for p in self.param_groups[0]["params"]]


class SophiaG(_Sophia):
    """Sophia-G: Gauss-Newton-Bartlett, h <- b2*h + (1-b2)*B*g^2 with g the gradient against labels sampled from the
    outputs (Gumbel-max) and B the labels sampled (rho 0.05)."""

    oracle_calls = ("targets",)

    def __init__(self, params, lr=6e-4, beta1=1 - 0.035, beta2=0.99, rho=0.05, epsilon=1e-12, weight_decay=0.2,
                 hessian_update_interval=10, seed=0):
        super().__init__(params, lr, beta1, beta2, rho, epsilon, weight_decay, hessian_update_interval, seed)

    def _refresh(self, oracle, generator):
        labels = 0

        def sample(outputs):
            nonlocal labels
            u = torch.rand(outputs.shape, generator=generator, dtype=outputs.dtype)
            sampled = outputs.add(u.log().neg_().log_().neg_()).argmax(-1)
            labels += sampled.numel()
            return sampled

        oracle.loss_and_gradients_for_targets(sample)
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in self.param_groups[0]["params"]]
        if all(bool(torch.isfinite(g).all()) for g in grads):
            for h, g in zip(self._hessians(), grads):
                h.mul_(self.b2).addcmul_(g, g, value=(1 - self.b2) * labels)


class SophiaH(_Sophia):
    """Sophia-H: Hutchinson, h <- b2*h + (1-b2)*u*Hu with u a Rademacher probe (rho 0.01)."""

    oracle_calls = ("hessian_vector_products",)

    def __init__(self, params, lr=6e-4, beta1=1 - 0.035, beta2=0.99, rho=0.01, epsilon=1e-12, weight_decay=0.2,
                 hessian_update_interval=10, seed=0):
        super().__init__(params, lr, beta1, beta2, rho, epsilon, weight_decay, hessian_update_interval, seed)

    def _refresh(self, oracle, generator):
        params = self.param_groups[0]["params"]
        u = [torch.randint(0, 2, p.shape, generator=generator, dtype=p.dtype) * 2.0 - 1.0 for p in params]
        estimate = [a * b for a, b in zip(u, oracle.hessian_vector_product(u))]
        if all(bool(torch.isfinite(e).all()) for e in estimate):
            for h, e in zip(self._hessians(), estimate):
                h.mul_(self.b2).add_(e, alpha=1 - self.b2)


def _dot(x, y):
    """x^T y as a float: the product in the tensors' dtype, summed in float64 (our LbfgsHistory.Dot)."""
    return float((x * y).sum(dtype=torch.float64))


def _flatten(tensors):
    return torch.cat([t.reshape(-1) for t in tensors])


class PbLbfgs(torch.optim.Optimizer):
    """Progressive-batching L-BFGS as our pb_lbfgs built-in (LbfgsRun, LbfgsHistory, InnerProductTest), over the
    parameters flattened in order. A step: draw batches - 1 more batches; one sub-batch call (G = min(groups,
    examples per batch)) gives f0 and g = p.grad; p = -H g by the two-loop (H0 = (s^T y / y^T y) I of the newest pair),
    or -g (pairs forgotten) when g^T p >= 0; the inner-product test R = Var_j(g_j^T H(Hg)) / (G theta^2 |Hg|^4) grows
    the next sample to ceil(R*examples) examples in batches (capped) when R > 1; Armijo backtracking
    x0 + a*p, a = lr, tau*a, ... on oracle.loss() (on failure x stays, pairs forgotten); then the gradient at the
    accepted point, y = grad - g, and (a*p, y) is kept when s^T y > 1e-10 s^T s (the oldest dropped past `memory`)."""

    oracle_calls = ("sub_batches",)

    def __init__(self, params, lr=1.0, memory=10, armijo_c1=1e-4, backtrack_factor=0.5, max_backtracks=10, theta=0.9,
                 variance_groups=8, initial_batches=1, max_batches=64):
        super().__init__(params, dict(lr=lr))
        self.memory, self.c1, self.tau = int(memory), armijo_c1, backtrack_factor
        self.max_backtracks = int(max_backtracks)
        self.theta, self.groups, self.max_batches = theta, int(variance_groups), int(max_batches)
        self.batches, self.pairs = int(initial_batches), []

    def _apply(self, v):
        q = v.clone()
        alpha = [0.0] * len(self.pairs)
        for i in range(len(self.pairs) - 1, -1, -1):
            s, y, rho = self.pairs[i]
            alpha[i] = rho * _dot(s, q)
            q.add_(y, alpha=-alpha[i])
        if self.pairs:
            s, y, _ = self.pairs[-1]
            q.mul_(_dot(s, y) / _dot(y, y))
        for i, (s, y, rho) in enumerate(self.pairs):
            beta = rho * _dot(y, q)
            q.add_(s, alpha=alpha[i] - beta)
        return q

    def _try_add(self, s, y, floor=1e-10):
        sy, ss = _dot(s, y), _dot(s, s)
        if not sy > floor * ss or not math.isfinite(sy):
            return
        if len(self.pairs) == self.memory:
            self.pairs.pop(0)
        self.pairs.append((s.clone(), y.clone(), 1 / sy))

    def _write(self, flat):
        offset = 0
        for q in self.param_groups[0]["params"]:
            q.copy_(flat.narrow(0, offset, q.numel()).reshape(q.shape))
            offset += q.numel()

    @torch.no_grad()
    def step(self, oracle):
        params = self.param_groups[0]["params"]
        per_batch = oracle.examples
        if self.batches > 1:
            oracle.draw_more_data(self.batches - 1)
        examples = oracle.examples
        groups = min(self.groups, per_batch)
        parts = oracle.sub_batch_gradients(groups)
        f0 = sum(part.loss * part.examples for part in parts) / sum(part.examples for part in parts)
        g = _flatten([q.grad if q.grad is not None else torch.zeros_like(q) for q in params])
        gg = _dot(g, g)
        if not math.isfinite(f0) or not math.isfinite(gg) or gg == 0:
            return
        p = self._apply(g).neg()
        gtp = _dot(g, p)
        if not gtp < 0:
            self.pairs = []
            p = g.neg()
            gtp = _dot(g, p)
        if groups >= 2:
            hhg = self._apply(p).neg()
            products = [_dot(_flatten(part.gradients), hhg) for part in parts]
            direction2 = _dot(p, p)
            ratio = 0.0
            if direction2 > 0:
                mean = sum(products) / len(products)
                variance = sum((v - mean) * (v - mean) for v in products) / (len(products) - 1)
                ratio = variance / (len(products) * self.theta * self.theta * direction2 * direction2)
            if ratio > 1:
                self.batches = int(min(self.max_batches, max(self.batches, math.ceil(ratio * examples / per_batch))))
        x0 = _flatten(params)
        alpha, accepted = self.param_groups[0]["lr"], False
        if gtp < 0:
            for _ in range(self.max_backtracks):
                self._write(x0.add(p, alpha=alpha))
                if oracle.loss() <= f0 + self.c1 * alpha * gtp:
                    accepted = True
                    break
                alpha *= self.tau
        if not accepted:
            self._write(x0)
            self.pairs = []
            return
        oracle.loss_and_gradients()
        y = _flatten([q.grad if q.grad is not None else torch.zeros_like(q) for q in params]).sub(g)
        self._try_add(p.mul(alpha), y)
