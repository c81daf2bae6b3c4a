"""PyTorch implementations of the AlgoPerfSharp built-ins that torch.optim lacks, written for the reference-speed
comparison (`benchmarks --compare-pytorch`, benchmarks/README.md) from the algorithms' equations:

    NAdamW           AlgoPerf's baseline NAdamW (decoupled decay, Nesterov numerator, eps after the root)
    Muon             Nesterov momentum + Newton-Schulz-5 on hidden matrices, Adam on the rest (Muon with auxiliary Adam)
    Shampoo          root-inverse Shampoo with blocking, merged dims, Adam grafting and the Nesterov-filtered gradient
    EcShampoo        eigenvalue-corrected Shampoo (eigh refresh every F steps)
    PurifiedShampoo  eigenvalue-corrected Shampoo with the tau-criterion, warm-started QR refresh
    Soap             SOAP (Adam in the Shampoo eigenbasis, one power-iteration + QR refresh every F steps)

Each class follows the semantics and defaults of the C# built-in of the same name (optimizers/AlgoPerfSharp.Optimizers:
the step counter t starts at 1; bias corrections, eps placement, grafting, refresh schedule and decay form are the
built-in's), with a constant learning rate (the built-ins' schedule is not part of the step's cost). `--compare-pytorch
--check` replays each against our float64 loops. Run with Debian's python3-torch (/usr/bin/python3, torch 1.13).
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
                if not st:
                    st["m"], st["v"] = torch.zeros_like(p), torch.zeros_like(p)
                m, v = st["m"], st["v"]
                m.lerp_(g, 1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                denom = (v.sqrt() / math.sqrt(1 - b2 ** t)).add_(self.adam_eps)
                p.mul_(1 - self.adam_lr * self.adam_weight_decay).addcdiv_(m, denom, value=-self.adam_lr / (1 - b1 ** t))


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
            lam, q = torch.linalg.eigh(a + self.eps * torch.eye(a.shape[0], dtype=a.dtype))
            low = float(lam.min())
            if low < self.eps:
                lam = lam + (self.eps - low)
            f.mat.copy_((q * lam.pow(-1.0 / (2.0 * max(order, 1))).unsqueeze(0)) @ q.T)
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
