// Fused optimizer kernels (branch "bench"): one pass over each tensor instead of one ATen kernel per term, for the
// CPU fast path of Adam-family steps, SGD with momentum, the Shampoo family's filtered gradient, eigenvalue-corrected
// second moment and direction application, plus a one-call finiteness check over a tensor list, and eigenvalue-corrected
// Shampoo's per-block rotations for many blocks in one parallel region. Contiguous float32/float64 CPU tensors take the
// hand-written loops; anything else (other dtypes, CUDA, strided, sparse) takes the same formula in ATen ops, so results
// never depend on which path ran except for rounding (and not even that where a kernel says bit-identical). Kernels
// over many tensors run all their elements in one parallel region (each region costs a thread wake-up).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <numeric>
#include <type_traits>
#include <vector>

#include "common.h"
#include "parallel.h"

namespace {

struct AdamScalars {
  double lr, beta1, beta2, eps, weight_decay, bc1, bc2_sqrt;
  bool nesterov, apply;
};

// The per-element update, branch-free: the four switches are template parameters, so each instantiation is one
// straight loop the compiler vectorizes (sqrt and division are correctly rounded in SIMD too, and contraction into
// FMA is off for this file, so every lane computes exactly what the scalar formula computes).
template <typename T, bool Nesterov, bool Apply, bool LerpLow, bool Decay>
inline __attribute__((always_inline)) void adam_body(T* __restrict w, T* __restrict g, T* __restrict m,
                                                     T* __restrict v, int64_t n, const T (&c)[9]) {
  const T one_minus_b1 = c[0], b1 = c[1], b2 = c[2], one_minus_b2 = c[3], bc2 = c[4], bc1 = c[5], eps = c[6],
          wd = c[7], neg_lr = c[8];
  const T lerp_complement = static_cast<T>(1) - one_minus_b1;
  for (int64_t i = 0; i < n; ++i) {
    const T gi = g[i];
    T mi = m[i];
    mi = LerpLow ? mi + one_minus_b1 * (gi - mi) : gi - (gi - mi) * lerp_complement;  // ATen's lerp picks by weight
    m[i] = mi;
    T vi = v[i] * b2;
    vi = vi + one_minus_b2 * gi * gi;
    v[i] = vi;
    const T denom = std::sqrt(vi) / bc2 + eps;
    T u = Nesterov ? gi * one_minus_b1 + b1 * mi : mi;
    u = u / denom / bc1;
    if (Decay) u = u + wd * w[i];
    u = u * neg_lr;
    if (Apply) {
      w[i] = w[i] + u;
    } else {
      g[i] = u;
    }
  }
}

template <typename T, bool... Flags>
__attribute__((target("avx2"))) void adam_avx2(T* w, T* g, T* m, T* v, int64_t n, const T (&c)[9]) {
  adam_body<T, Flags...>(w, g, m, v, n, c);
}

template <typename T, bool... Flags>
void adam_generic(T* w, T* g, T* m, T* v, int64_t n, const T (&c)[9]) {
  adam_body<T, Flags...>(w, g, m, v, n, c);
}

template <typename T, bool... Flags>
void adam_dispatch(T* w, T* g, T* m, T* v, int64_t n, const T (&c)[9]) {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) {
    adam_avx2<T, Flags...>(w, g, m, v, n, c);
  } else {
    adam_generic<T, Flags...>(w, g, m, v, n, c);
  }
}

// Picks the instantiation for the run-time switches, one at a time.
template <typename T, bool... Fixed>
void adam_select(T* w, T* g, T* m, T* v, int64_t n, const T (&c)[9], const bool* flags) {
  if constexpr (sizeof...(Fixed) == 4) {
    adam_dispatch<T, Fixed...>(w, g, m, v, n, c);
  } else {
    if (flags[0]) {
      adam_select<T, Fixed..., true>(w, g, m, v, n, c, flags + 1);
    } else {
      adam_select<T, Fixed..., false>(w, g, m, v, n, c, flags + 1);
    }
  }
}

template <typename T>
void adam_loop(T* w, T* g, T* m, T* v, int64_t begin, int64_t end, const AdamScalars& s) {
  const T c[9] = {static_cast<T>(1 - s.beta1), static_cast<T>(s.beta1),    static_cast<T>(s.beta2),
                  static_cast<T>(1 - s.beta2), static_cast<T>(s.bc2_sqrt), static_cast<T>(s.bc1),
                  static_cast<T>(s.eps),       static_cast<T>(s.weight_decay), static_cast<T>(-s.lr)};
  const bool flags[4] = {s.nesterov, s.apply, c[0] < static_cast<T>(0.5), s.weight_decay != 0};
  adam_select<T>(w + begin, g + begin, m + begin, v + begin, end - begin, c, flags);
}

// ---- SGD with momentum (PyTorch's SGD, dampening 0), as the composed ATen ops compute it ----

struct MomentumSwitches {
  double momentum;
  bool nesterov, decay, apply;
};

// g.add_(w, wd); b.mul_(mu).add_(g); g.add_(b, mu) or g.copy_(b); g.mul_(scale); w.add_(g) — per element, with each
// op's rounding: add with a factor is ATen's fmadd, mul and add without one round on their own.
template <typename T, bool Fma, bool Nesterov, bool Apply, bool Decay>
inline __attribute__((always_inline)) void momentum_body(T* __restrict w, T* __restrict g, T* __restrict b, int64_t n,
                                                         T mu, T wd, T scale) {
  for (int64_t i = 0; i < n; ++i) {
    const T d = Decay ? ats::madd<Fma>(w[i], wd, g[i]) : g[i];
    T bi = b[i] * mu;
    bi = bi + d;
    b[i] = bi;
    T u = Nesterov ? ats::madd<Fma>(bi, mu, d) : bi;
    u = u * scale;
    if (Apply) {
      w[i] = w[i] + u;
    } else {
      g[i] = u;
    }
  }
}

template <typename T, bool... Flags>
__attribute__((target("avx2,fma"))) void momentum_fma(T* w, T* g, T* b, int64_t n, T mu, T wd, T scale) {
  momentum_body<T, true, Flags...>(w, g, b, n, mu, wd, scale);
}

template <typename T, bool... Flags>
void momentum_plain(T* w, T* g, T* b, int64_t n, T mu, T wd, T scale) {
  momentum_body<T, false, Flags...>(w, g, b, n, mu, wd, scale);
}

// Picks the instantiation for the run-time switches (Nesterov, Apply, Decay), one at a time, then the CPU's.
template <typename T, bool... Fixed>
void momentum_select(T* w, T* g, T* b, int64_t n, T mu, T wd, T scale, const bool* flags) {
  if constexpr (sizeof...(Fixed) == 3) {
    if (ats::cpu_has_fma()) {
      momentum_fma<T, Fixed...>(w, g, b, n, mu, wd, scale);
    } else {
      momentum_plain<T, Fixed...>(w, g, b, n, mu, wd, scale);
    }
  } else {
    if (flags[0]) {
      momentum_select<T, Fixed..., true>(w, g, b, n, mu, wd, scale, flags + 1);
    } else {
      momentum_select<T, Fixed..., false>(w, g, b, n, mu, wd, scale, flags + 1);
    }
  }
}

// Every listed tensor (all of dtype T, fast path) in one parallel region.
template <typename T>
void momentum_flat(const std::vector<int64_t>& which, const ats_tensor* params, const ats_tensor* grads,
                   const ats_tensor* bufs, const double* weight_decays, const double* scales,
                   const MomentumSwitches& s) {
  if (which.empty()) return;
  struct Job {
    T* w;
    T* g;
    T* b;
    T wd, scale;
  };
  std::vector<Job> jobs;
  std::vector<int64_t> sizes;
  for (int64_t k : which) {
    at::Tensor& w = ats::T(params[k]);
    jobs.push_back({w.data_ptr<T>(), ats::T(grads[k]).data_ptr<T>(), ats::T(bufs[k]).data_ptr<T>(),
                    static_cast<T>(s.decay ? weight_decays[k] : 0.0), static_cast<T>(scales[k])});
    sizes.push_back(w.numel());
  }
  const T mu = static_cast<T>(s.momentum);
  const bool flags[3] = {s.nesterov, s.apply, s.decay};
  ats::for_each_flat(sizes, 1 << 15, [&](size_t j, int64_t begin, int64_t end) {
    const Job& t = jobs[j];
    momentum_select<T>(t.w + begin, t.g + begin, t.b + begin, end - begin, mu, t.wd, t.scale, flags);
  });
}

void momentum_aten(at::Tensor& w, at::Tensor& g, at::Tensor& b, double wd, double scale, const MomentumSwitches& s) {
  at::Tensor d = s.decay ? g.add(w, wd) : g;
  b.mul_(s.momentum).add_(d);
  at::Tensor u = s.nesterov ? d.add(b, s.momentum) : b.clone();
  u.mul_(scale);
  if (s.apply) {
    w.add_(u);
  } else {
    g.copy_(u);
  }
}

// ---- the eigenvalue-corrected second moment: d <- beta2 d + weight r^2; x <- x / (sqrt(d) + eps) ----

// d.mul_(beta2).addcmul_(r, r, weight); x.div_(d.sqrt().add_(eps)). ATen's addcmul computes d + (weight*r)*r; whether
// its compiled kernel contracts that into one fma is the compiler's choice, so this is equal up to one rounding of d.
template <typename T, bool Fma>
inline __attribute__((always_inline)) void second_moment_body(T* __restrict d, const T* __restrict r, T* __restrict x,
                                                              int64_t n, T beta2, T weight, T eps) {
  for (int64_t i = 0; i < n; ++i) {
    T di = d[i] * beta2;
    const T wr = weight * r[i];
    if constexpr (Fma) {
      di = ats::madd<true>(wr, r[i], di);
    } else {
      di = di + wr * r[i];
    }
    d[i] = di;
    x[i] = x[i] / (std::sqrt(di) + eps);
  }
}

template <typename T>
__attribute__((target("avx2,fma"))) void second_moment_fma(T* d, const T* r, T* x, int64_t n, T beta2, T weight, T eps) {
  second_moment_body<T, true>(d, r, x, n, beta2, weight, eps);
}

template <typename T>
void second_moment_plain(T* d, const T* r, T* x, int64_t n, T beta2, T weight, T eps) {
  second_moment_body<T, false>(d, r, x, n, beta2, weight, eps);
}

void second_moment_divide(at::Tensor& d, const at::Tensor& r, at::Tensor& x, double beta2, double weight, double eps) {
  if (!ats::same_size_float_cpu({&d, &r, &x})) {
    d.mul_(beta2).addcmul_(r, r, weight);
    x.div_(d.sqrt().add_(eps));
    return;
  }
  AT_DISPATCH_FLOATING_TYPES(d.scalar_type(), "second_moment_divide", [&] {
    scalar_t* pd = d.data_ptr<scalar_t>();
    const scalar_t* pr = r.data_ptr<scalar_t>();
    scalar_t* px = x.data_ptr<scalar_t>();
    const scalar_t b2 = static_cast<scalar_t>(beta2), wt = static_cast<scalar_t>(weight), ep = static_cast<scalar_t>(eps);
    const bool fma = ats::cpu_has_fma();
    ats::parallel_range(0, d.numel(), 1 << 15, [&](int64_t begin, int64_t end) {
      if (fma) {
        second_moment_fma<scalar_t>(pd + begin, pr + begin, px + begin, end - begin, b2, wt, ep);
      } else {
        second_moment_plain<scalar_t>(pd + begin, pr + begin, px + begin, end - begin, b2, wt, ep);
      }
    });
  });
}

// ---- eigenvalue-corrected Shampoo: the direction of many whole 2-D blocks ----

// One block: filtered gradient m, raw gradient g, corrected eigenvalues d (all rows x cols), bases ql (rows x rows) and
// qr (cols x cols); p receives the direction.
struct EcBlock {
  at::Tensor m, g, d, ql, qr;
  double beta2, weight, eps;
  at::Tensor p;
};

// The same ATen calls as KroneckerBlocks.Rotate on a 2-D block (mm(Xᵀ, Q_L), then mm(·ᵀ, Q_R); back with the bases
// transposed) and EigenvalueCorrectedPreconditioner.Precondition: x = Q_Lᵀ·M·Q_R, r = Q_Lᵀ·G·Q_R, the second moment and
// the division, P = Q_L·x·Q_Rᵀ.
void ec_direction(EcBlock& b) {
  at::NoGradGuard no_grad;
  at::Tensor x = at::mm(at::mm(b.m.t(), b.ql).t(), b.qr);
  {
    at::Tensor r = at::mm(at::mm(b.g.t(), b.ql).t(), b.qr);
    second_moment_divide(b.d, r, x, b.beta2, b.weight, b.eps);
  }
  b.p = at::mm(at::mm(x.t(), b.ql.t()).t(), b.qr.t());
}

// Every block's direction. With several intra-op threads, when dealing the blocks to them (largest first, to the least
// loaded; cost 3·rows·cols·(rows + cols) multiply-adds) leaves no thread more than 15% above its fair share, each thread
// runs its blocks with single-threaded GEMMs inside one parallel region (BLAS and ATen run serially there): one thread
// wake-up per step instead of one per GEMM and per elementwise op, and no GEMM split between threads. Otherwise (one
// large block, e.g. a 1024 x 1024 weight) the blocks run in turn with multi-threaded GEMMs.
void ec_directions(std::vector<EcBlock>& blocks) {
  std::vector<double> cost;
  for (const auto& b : blocks) {
    const double rows = static_cast<double>(b.m.size(0)), cols = static_cast<double>(b.m.size(1));
    cost.push_back(3 * rows * cols * (rows + cols) + 1);
  }
  const auto bins = ats::deal_balanced(cost, 1.15);
  if (bins.empty()) {
    for (auto& b : blocks) ec_direction(b);
    return;
  }
  ats::parallel_bins(static_cast<int64_t>(bins.size()), [&](int64_t t) {
    for (int64_t i : bins[static_cast<size_t>(t)]) ec_direction(blocks[static_cast<size_t>(i)]);
  });
}

// ---- moments of many tensors: m <- lerp(m, g, weight) ----

// ATen's scalar-weight lerp: m + w*(g - m) when |w| < 0.5, else g - (g - m)*(1 - w) with 1 - w rounded. Its CPU kernel
// is that scalar expression, which the compiler of ATen's AVX2/AVX-512 kernels may contract into one fma; this does,
// where the CPU has FMA, so it is equal up to one rounding (bit-identical when ATen's build contracted it too).
template <typename T, bool Fma, bool Low>
inline __attribute__((always_inline)) void lerp_body(T* __restrict m, const T* __restrict g, int64_t n, T w, T wc) {
  for (int64_t i = 0; i < n; ++i) {
    const T diff = g[i] - m[i];
    m[i] = Low ? ats::madd<Fma>(w, diff, m[i]) : ats::madd<Fma>(-diff, wc, g[i]);
  }
}

template <typename T, bool Low>
__attribute__((target("avx2,fma"))) void lerp_fma(T* m, const T* g, int64_t n, T w, T wc) {
  lerp_body<T, true, Low>(m, g, n, w, wc);
}

template <typename T, bool Low>
void lerp_plain(T* m, const T* g, int64_t n, T w, T wc) {
  lerp_body<T, false, Low>(m, g, n, w, wc);
}

template <typename T>
void lerp_flat(const std::vector<int64_t>& which, const ats_tensor* moments, const ats_tensor* targets,
               const double* weights) {
  if (which.empty()) return;
  struct Job {
    T* m;
    const T* g;
    T w, wc;
    bool low;
  };
  std::vector<Job> jobs;
  std::vector<int64_t> sizes;
  for (int64_t k : which) {
    at::Tensor& m = ats::T(moments[k]);
    const T w = static_cast<T>(weights[k]);
    jobs.push_back({m.data_ptr<T>(), ats::T(targets[k]).data_ptr<T>(), w, static_cast<T>(1) - w, std::abs(w) < static_cast<T>(0.5)});
    sizes.push_back(m.numel());
  }
  const bool fma = ats::cpu_has_fma();
  ats::for_each_flat(sizes, 1 << 15, [&](size_t j, int64_t begin, int64_t end) {
    const Job& t = jobs[j];
    if (fma) {
      if (t.low) lerp_fma<T, true>(t.m + begin, t.g + begin, end - begin, t.w, t.wc);
      else lerp_fma<T, false>(t.m + begin, t.g + begin, end - begin, t.w, t.wc);
    } else {
      if (t.low) lerp_plain<T, true>(t.m + begin, t.g + begin, end - begin, t.w, t.wc);
      else lerp_plain<T, false>(t.m + begin, t.g + begin, end - begin, t.w, t.wc);
    }
  });
}

// ---- applying a direction: w <- (w * before + alpha * p) * after ----

// w.mul_(before); w.add_(p, alpha); w.mul_(after): a factor of 1 changes nothing (x * 1 = x exactly), so callers pass
// 1 for a decay that is off. Bit-identical to the ATen ops.
template <typename T, bool Fma>
inline __attribute__((always_inline)) void apply_body(T* __restrict w, const T* __restrict p, int64_t n, T before,
                                                      T alpha, T after) {
  for (int64_t i = 0; i < n; ++i) {
    T wi = w[i] * before;
    wi = ats::madd<Fma>(p[i], alpha, wi);
    w[i] = wi * after;
  }
}

template <typename T>
__attribute__((target("avx2,fma"))) void apply_fma(T* w, const T* p, int64_t n, T before, T alpha, T after) {
  apply_body<T, true>(w, p, n, before, alpha, after);
}

template <typename T>
void apply_plain(T* w, const T* p, int64_t n, T before, T alpha, T after) {
  apply_body<T, false>(w, p, n, before, alpha, after);
}

template <typename T>
void apply_flat(const std::vector<int64_t>& which, const ats_tensor* params, const ats_tensor* directions,
                const double* before, const double* alpha, const double* after) {
  if (which.empty()) return;
  struct Job {
    T* w;
    const T* p;
    T before, alpha, after;
  };
  std::vector<Job> jobs;
  std::vector<int64_t> sizes;
  for (int64_t k : which) {
    at::Tensor& w = ats::T(params[k]);
    jobs.push_back({w.data_ptr<T>(), ats::T(directions[k]).data_ptr<T>(), static_cast<T>(before[k]),
                    static_cast<T>(alpha[k]), static_cast<T>(after[k])});
    sizes.push_back(w.numel());
  }
  const bool fma = ats::cpu_has_fma();
  ats::for_each_flat(sizes, 1 << 15, [&](size_t j, int64_t begin, int64_t end) {
    const Job& t = jobs[j];
    if (fma) {
      apply_fma<T>(t.w + begin, t.p + begin, end - begin, t.before, t.alpha, t.after);
    } else {
      apply_plain<T>(t.w + begin, t.p + begin, end - begin, t.before, t.alpha, t.after);
    }
  });
}

void adam_aten(at::Tensor& w, at::Tensor& g, at::Tensor& m, at::Tensor& v, const AdamScalars& s) {
  m.lerp_(g, 1 - s.beta1);
  v.mul_(s.beta2).addcmul_(g, g, 1 - s.beta2);
  auto denom = v.sqrt().div_(s.bc2_sqrt).add_(s.eps);
  at::Tensor u = s.nesterov ? g.mul(1 - s.beta1).add_(m, s.beta1) : m.clone();
  u.div_(denom).div_(s.bc1);
  if (s.weight_decay != 0) u.add_(w, s.weight_decay);
  u.mul_(-s.lr);
  if (s.apply) w.add_(u);
  else g.copy_(u);
}

}  // namespace

extern "C" {

int32_t ats_fused_adam_(const ats_tensor* params, const ats_tensor* grads, const ats_tensor* exp_avgs,
                        const ats_tensor* exp_avg_sqs, int64_t n, double lr, double beta1, double beta2, double eps,
                        double weight_decay, double bc1, double bc2_sqrt, bool nesterov, bool apply) {
  ATS_TRY
  at::NoGradGuard no_grad;
  const AdamScalars s{lr, beta1, beta2, eps, weight_decay, bc1, bc2_sqrt, nesterov, apply};
  for (int64_t k = 0; k < n; ++k) {
    at::Tensor& w = ats::T(params[k]);
    at::Tensor& g = ats::T(grads[k]);
    at::Tensor& m = ats::T(exp_avgs[k]);
    at::Tensor& v = ats::T(exp_avg_sqs[k]);
    if (!ats::same_size_float_cpu({&w, &g, &m, &v})) {
      adam_aten(w, g, m, v, s);
      continue;
    }
    AT_DISPATCH_FLOATING_TYPES(w.scalar_type(), "ats_fused_adam_", [&] {
      scalar_t* pw = w.data_ptr<scalar_t>();
      scalar_t* pg = g.data_ptr<scalar_t>();
      scalar_t* pm = m.data_ptr<scalar_t>();
      scalar_t* pv = v.data_ptr<scalar_t>();
      ats::parallel_range(0, w.numel(), 1 << 15, [&](int64_t begin, int64_t end) {
        adam_loop<scalar_t>(pw, pg, pm, pv, begin, end, s);
      });
    });
  }
  ATS_CATCH
}

int32_t ats_all_finite(const ats_tensor* xs, int64_t n, bool* out) {
  ATS_TRY
  bool ok = true;
  std::vector<const at::Tensor*> flat;
  std::vector<int64_t> sizes;
  for (int64_t k = 0; k < n; ++k) {
    const at::Tensor& t = ats::T(xs[k]);
    if (!at::isFloatingType(t.scalar_type()) && !at::isComplexType(t.scalar_type())) continue;
    if (ats::contiguous_float_cpu({&t})) {
      flat.push_back(&t);
      sizes.push_back(t.numel());
    } else if (ok) {
      ok = at::isfinite(t).all().item<bool>();
    }
  }
  if (ok && !flat.empty()) {
    // Every contiguous float tensor in one parallel region; once one range has a NaN or inf the rest are skipped.
    std::atomic<bool> all{true};
    ats::for_each_flat(sizes, 1 << 16, [&](size_t j, int64_t begin, int64_t end) {
      if (all.load(std::memory_order_relaxed) && !ats::finite_range(*flat[j], begin, end)) {
        all.store(false, std::memory_order_relaxed);
      }
    });
    ok = all.load();
  }
  *out = ok;
  ATS_CATCH
}

int32_t ats_fused_momentum_(const ats_tensor* params, const ats_tensor* grads, const ats_tensor* bufs, int64_t n,
                            const double* weight_decays, const double* scales, double momentum, bool nesterov,
                            bool decay, bool apply) {
  ATS_TRY
  at::NoGradGuard no_grad;
  const MomentumSwitches s{momentum, nesterov, decay, apply};
  std::vector<int64_t> f32, f64;
  for (int64_t k = 0; k < n; ++k) {
    at::Tensor& w = ats::T(params[k]);
    at::Tensor& g = ats::T(grads[k]);
    at::Tensor& b = ats::T(bufs[k]);
    if (!ats::same_size_float_cpu({&w, &g, &b})) {
      momentum_aten(w, g, b, decay ? weight_decays[k] : 0.0, scales[k], s);
    } else {
      (w.scalar_type() == at::kFloat ? f32 : f64).push_back(k);
    }
  }
  momentum_flat<float>(f32, params, grads, bufs, weight_decays, scales, s);
  momentum_flat<double>(f64, params, grads, bufs, weight_decays, scales, s);
  ATS_CATCH
}

int32_t ats_second_moment_divide_(ats_tensor d, ats_tensor r, ats_tensor x, double beta2, double weight, double eps) {
  ATS_TRY
  at::NoGradGuard no_grad;
  second_moment_divide(ats::T(d), ats::T(r), ats::T(x), beta2, weight, eps);
  ATS_CATCH
}

int32_t ats_ec_directions_(const ats_tensor* filtered, const ats_tensor* raw, const ats_tensor* second_moments,
                           const ats_tensor* left, const ats_tensor* right, int64_t n, const double* beta2,
                           const double* weight, const double* eps, ats_tensor* out) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "ec_directions_: n must be >= 0 (got ", n, ")");
  if (n == 0) return ATS_OK;
  if (filtered == nullptr || raw == nullptr || second_moments == nullptr || left == nullptr || right == nullptr ||
      beta2 == nullptr || weight == nullptr || eps == nullptr || out == nullptr) {
    throw ats::NullHandle();
  }
  std::vector<EcBlock> blocks;
  blocks.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    EcBlock b{ats::T(filtered[i]), ats::T(raw[i]), ats::T(second_moments[i]), ats::T(left[i]), ats::T(right[i]),
              beta2[i], weight[i], eps[i], at::Tensor()};
    TORCH_CHECK(b.m.dim() == 2 && b.g.sizes() == b.m.sizes() && b.d.sizes() == b.m.sizes(), "ec_directions_: block ", i,
                " needs 2-D filtered, raw and second-moment tensors of one shape (got ", b.m.sizes(), ", ", b.g.sizes(),
                ", ", b.d.sizes(), ")");
    TORCH_CHECK(b.ql.dim() == 2 && b.ql.size(0) == b.m.size(0) && b.ql.size(1) == b.m.size(0) && b.qr.dim() == 2 &&
                    b.qr.size(0) == b.m.size(1) && b.qr.size(1) == b.m.size(1),
                "ec_directions_: block ", i, " of shape ", b.m.sizes(), " has bases of shapes ", b.ql.sizes(), " and ",
                b.qr.sizes());
    blocks.push_back(std::move(b));
  }
  ec_directions(blocks);
  for (int64_t i = 0; i < n; ++i) out[i] = ats::wrap(blocks[static_cast<size_t>(i)].p);
  ATS_CATCH
}

int32_t ats_lerp_many_(const ats_tensor* moments, const ats_tensor* targets, int64_t n, const double* weights) {
  ATS_TRY
  at::NoGradGuard no_grad;
  std::vector<int64_t> f32, f64;
  for (int64_t k = 0; k < n; ++k) {
    at::Tensor& m = ats::T(moments[k]);
    const at::Tensor& g = ats::T(targets[k]);
    if (!ats::same_size_float_cpu({&m, &g})) {
      m.lerp_(g, weights[k]);
    } else {
      (m.scalar_type() == at::kFloat ? f32 : f64).push_back(k);
    }
  }
  lerp_flat<float>(f32, moments, targets, weights);
  lerp_flat<double>(f64, moments, targets, weights);
  ATS_CATCH
}

int32_t ats_apply_directions_(const ats_tensor* params, const ats_tensor* directions, int64_t n, const double* before,
                              const double* alpha, const double* after) {
  ATS_TRY
  at::NoGradGuard no_grad;
  std::vector<int64_t> f32, f64;
  for (int64_t k = 0; k < n; ++k) {
    at::Tensor& w = ats::T(params[k]);
    const at::Tensor& p = ats::T(directions[k]);
    if (!ats::same_size_float_cpu({&w, &p})) {
      w.mul_(before[k]).add_(p, alpha[k]).mul_(after[k]);
    } else {
      (w.scalar_type() == at::kFloat ? f32 : f64).push_back(k);
    }
  }
  apply_flat<float>(f32, params, directions, before, alpha, after);
  apply_flat<double>(f64, params, directions, before, alpha, after);
  ATS_CATCH
}

}  // extern "C"
