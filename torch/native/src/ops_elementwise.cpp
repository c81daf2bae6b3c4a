// Fused elementwise optimizer steps (issue 15): Schedule-Free AdamW's whole update, Sophia's regular step with its
// decay, learning rate and apply, and the exponential moving averages of many tensors (Sophia's Hessian refresh), each
// one pass over every element of every parameter in one parallel region (ats::for_each_flat on ats::parallel_range; the
// composed ATen ops made one pass and one parallel region per op and per tensor). Until 2026-12-07 that region was an
// at::parallel_for in this file, compiled without OpenMP, so the pass ran on the calling thread; the cut of the range
// never changes an elementwise result. Contiguous float32/float64 CPU tensors take the loops below; anything else
// (other dtypes, CUDA, strided, sparse) takes the same ATen ops the C# transforms compose, per tensor.
//
// Rounding: every loop computes each ATen op's expression in the composed order with the op's own rounding. This file
// is compiled without FMA contraction, so a multiply-add is fused exactly where it is written with ats::madd<true>: where
// ATen's AVX2/AVX-512 kernels call vec::fmadd (add with a factor), and where ATen 1.13's kernels are scalar or
// operator expressions that its compiler may contract (lerp with a scalar weight, addcmul) — the loop fuses those on
// FMA CPUs too, so it is bit-identical to ATen when ATen's build contracted them and one rounding apart otherwise.
// Division, square root, clamps and the remaining products and sums round as in ATen on every CPU.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <type_traits>
#include <vector>

#include "common.h"

namespace {

// ATen's scalar-weight lerp(a, b, w): a + w(b − a) when |w| < 0.5, else b − (b − a)(1 − w), with wc = 1 − w rounded.
template <bool Fma, bool Low, typename T>
inline __attribute__((always_inline)) T lerp_formula(T a, T b, T w, T wc) {
  const T diff = b - a;
  return Low ? ats::madd<Fma>(w, diff, a) : ats::madd<Fma>(-diff, wc, b);
}

template <typename T>
bool lerp_low(T w) {
  return std::abs(w) < static_cast<T>(0.5);
}

// Picks K::fn<Fma, flags...>() for the Count run-time switches, one at a time, then the CPU's FMA.
template <typename T, typename K, int Count, bool... Fixed>
auto pick(const bool* flags) {
  if constexpr (static_cast<int>(sizeof...(Fixed)) == Count) {
    (void)flags;
    return ats::cpu_has_fma() ? K::template fn<true, Fixed...>() : K::template fn<false, Fixed...>();
  } else {
    return flags[sizeof...(Fixed)] ? pick<T, K, Count, Fixed..., true>(flags) : pick<T, K, Count, Fixed..., false>(flags);
  }
}

// ---- Schedule-Free AdamW (ScaleByScheduleFree.Update) ----

struct FreeScalars {
  double decay;  // −γλ, the factor of y added to z (used only when has_decay)
  double beta1, beta2, eps, gamma, c;
  bool has_decay;
};

template <typename T>
struct FreeConsts {
  T decay, b2, b2c, eps, neg_gamma, c, cc, w1, w1c;
};

// if λ ≠ 0: z.add_(y, −γλ); v.mul_(β2).addcmul_(g, g, 1 − β2); z.addcdiv_(g, v.sqrt().add_(ε), −γ); x.lerp_(z, c);
// y.copy_(x).lerp_(z, 1 − β1) — per element with each op's rounding (addcmul is self + (value·t1)·t2, addcdiv
// self + (value·t1)/t2).
template <typename T, bool Fma, bool Decay, bool XLow, bool YLow>
inline __attribute__((always_inline)) void free_body(T* __restrict y, const T* __restrict g, T* __restrict z,
                                                     T* __restrict x, T* __restrict v, int64_t n,
                                                     const FreeConsts<T>& k) {
  const T decay = k.decay, b2 = k.b2, b2c = k.b2c, eps = k.eps, neg_gamma = k.neg_gamma, c = k.c, cc = k.cc, w1 = k.w1,
          w1c = k.w1c;
  for (int64_t i = 0; i < n; ++i) {
    const T gi = g[i];
    T zi = z[i];
    if (Decay) zi = ats::madd<Fma>(y[i], decay, zi);
    T vi = v[i] * b2;
    vi = ats::madd<Fma>(b2c * gi, gi, vi);
    v[i] = vi;
    const T den = std::sqrt(vi) + eps;
    zi = zi + neg_gamma * gi / den;
    z[i] = zi;
    const T xi = lerp_formula<Fma, XLow>(x[i], zi, c, cc);
    x[i] = xi;
    y[i] = lerp_formula<Fma, YLow>(xi, zi, w1, w1c);
  }
}

template <typename T>
using FreeFn = void (*)(T*, const T*, T*, T*, T*, int64_t, const FreeConsts<T>&);

template <typename T, bool... Flags>
__attribute__((target("avx2,fma"))) void free_fma(T* y, const T* g, T* z, T* x, T* v, int64_t n, const FreeConsts<T>& k) {
  free_body<T, true, Flags...>(y, g, z, x, v, n, k);
}

template <typename T, bool... Flags>
void free_plain(T* y, const T* g, T* z, T* x, T* v, int64_t n, const FreeConsts<T>& k) {
  free_body<T, false, Flags...>(y, g, z, x, v, n, k);
}

template <typename T>
struct FreeKernels {
  template <bool Fma, bool Decay, bool XLow, bool YLow>
  static FreeFn<T> fn() {
    if constexpr (Fma) {
      return &free_fma<T, Decay, XLow, YLow>;
    } else {
      return &free_plain<T, Decay, XLow, YLow>;
    }
  }
};

// y ← lerp(x, z, w): the training point, computed one way by the step and by the swap back after an evaluation.
template <typename T, bool Fma, bool Low>
inline __attribute__((always_inline)) void lerp_into_body(T* __restrict out, const T* __restrict a,
                                                          const T* __restrict b, int64_t n, T w, T wc) {
  for (int64_t i = 0; i < n; ++i) out[i] = lerp_formula<Fma, Low>(a[i], b[i], w, wc);
}

template <typename T, bool Low>
__attribute__((target("avx2,fma"))) void lerp_into_fma(T* out, const T* a, const T* b, int64_t n, T w, T wc) {
  lerp_into_body<T, true, Low>(out, a, b, n, w, wc);
}

template <typename T, bool Low>
void lerp_into_plain(T* out, const T* a, const T* b, int64_t n, T w, T wc) {
  lerp_into_body<T, false, Low>(out, a, b, n, w, wc);
}

template <typename T>
void lerp_into_range(T* out, const T* a, const T* b, int64_t n, T w) {
  const T wc = static_cast<T>(1) - w;
  const bool low = lerp_low(w);
  if (ats::cpu_has_fma()) {
    (low ? lerp_into_fma<T, true> : lerp_into_fma<T, false>)(out, a, b, n, w, wc);
  } else {
    (low ? lerp_into_plain<T, true> : lerp_into_plain<T, false>)(out, a, b, n, w, wc);
  }
}

// out ← lerp(a, b, w) for one triple: the loop when all three are flat float tensors, else out.copy_(a).lerp_(b, w).
void lerp_into_one(at::Tensor& out, const at::Tensor& a, const at::Tensor& b, double w) {
  if (!ats::same_size_float_cpu({&out, &a, &b})) {
    out.copy_(a).lerp_(b, w);
    return;
  }
  AT_DISPATCH_FLOATING_TYPES(out.scalar_type(), "lerp_into", [&] {
    scalar_t* po = out.data_ptr<scalar_t>();
    const scalar_t* pa = a.data_ptr<scalar_t>();
    const scalar_t* pb = b.data_ptr<scalar_t>();
    ats::parallel_range(0, out.numel(), 1 << 15, [&](int64_t begin, int64_t end) {
      lerp_into_range<scalar_t>(po + begin, pa + begin, pb + begin, end - begin, static_cast<scalar_t>(w));
    });
  });
}

void free_aten(at::Tensor& y, const at::Tensor& g, at::Tensor& z, at::Tensor& x, at::Tensor& v, const FreeScalars& s) {
  if (s.has_decay) z.add_(y, s.decay);
  v.mul_(s.beta2).addcmul_(g, g, 1 - s.beta2);
  z.addcdiv_(g, v.sqrt().add_(s.eps), -s.gamma);
  x.lerp_(z, s.c);
  lerp_into_one(y, x, z, 1 - s.beta1);
}

template <typename T>
void free_flat(const std::vector<int64_t>& which, const ats_tensor* ys, const ats_tensor* gs, const ats_tensor* zs,
               const ats_tensor* xs, const ats_tensor* vs, const FreeScalars& s) {
  if (which.empty()) return;
  struct Job {
    T* y;
    const T* g;
    T *z, *x, *v;
  };
  std::vector<Job> jobs;
  std::vector<int64_t> sizes;
  for (int64_t k : which) {
    at::Tensor& y = ats::T(ys[k]);
    jobs.push_back({y.data_ptr<T>(), ats::T(gs[k]).data_ptr<T>(), ats::T(zs[k]).data_ptr<T>(),
                    ats::T(xs[k]).data_ptr<T>(), ats::T(vs[k]).data_ptr<T>()});
    sizes.push_back(y.numel());
  }
  FreeConsts<T> k;
  k.decay = static_cast<T>(s.decay);
  k.b2 = static_cast<T>(s.beta2);
  k.b2c = static_cast<T>(1 - s.beta2);
  k.eps = static_cast<T>(s.eps);
  k.neg_gamma = static_cast<T>(-s.gamma);
  k.c = static_cast<T>(s.c);
  k.cc = static_cast<T>(1) - k.c;
  k.w1 = static_cast<T>(1 - s.beta1);
  k.w1c = static_cast<T>(1) - k.w1;
  const bool flags[3] = {s.has_decay, lerp_low(k.c), lerp_low(k.w1)};
  const FreeFn<T> run = pick<T, FreeKernels<T>, 3>(flags);
  ats::for_each_flat(sizes, 1 << 15, [&](size_t j, int64_t begin, int64_t end) {
    const Job& t = jobs[j];
    run(t.y + begin, t.g + begin, t.z + begin, t.x + begin, t.v + begin, end - begin, k);
  });
}

// ---- Sophia's regular step (Chain of ScaleBySophia, [AddDecayedWeights], ScaleByLearningRate) ----

struct SophiaSwitches {
  double beta1, rho, eps;
  bool decay, apply;
};

template <typename T>
struct SophiaConsts {
  T w1, w1c, rho, eps;
};

// m.lerp_(g, 1 − β1); u = m / clamp_min(h·ρ, ε), clamped to [−1, 1]; u.add_(w, λ_k) when decay; u.mul_(s_k); then
// w.add_(u) or g.copy_(u). Both clamps as ATen's (a NaN passes through).
template <typename T, bool Fma, bool Low, bool Decay, bool Apply>
inline __attribute__((always_inline)) void sophia_body(T* __restrict w, T* __restrict g, T* __restrict m,
                                                       const T* __restrict h, int64_t n, const SophiaConsts<T>& k,
                                                       T wd, T scale) {
  const T w1 = k.w1, w1c = k.w1c, rho = k.rho, eps = k.eps, one = static_cast<T>(1), minus_one = static_cast<T>(-1);
  for (int64_t i = 0; i < n; ++i) {
    const T mi = lerp_formula<Fma, Low>(m[i], g[i], w1, w1c);
    m[i] = mi;
    const T hr = h[i] * rho;
    const T den = hr < eps ? eps : hr;
    T u = mi / den;
    u = u < minus_one ? minus_one : u;
    u = one < u ? one : u;
    if (Decay) u = ats::madd<Fma>(w[i], wd, u);
    u = u * scale;
    if (Apply) {
      w[i] = w[i] + u;
    } else {
      g[i] = u;
    }
  }
}

template <typename T>
using SophiaFn = void (*)(T*, T*, T*, const T*, int64_t, const SophiaConsts<T>&, T, T);

template <typename T, bool... Flags>
__attribute__((target("avx2,fma"))) void sophia_fma(T* w, T* g, T* m, const T* h, int64_t n, const SophiaConsts<T>& k,
                                                    T wd, T scale) {
  sophia_body<T, true, Flags...>(w, g, m, h, n, k, wd, scale);
}

template <typename T, bool... Flags>
void sophia_plain(T* w, T* g, T* m, const T* h, int64_t n, const SophiaConsts<T>& k, T wd, T scale) {
  sophia_body<T, false, Flags...>(w, g, m, h, n, k, wd, scale);
}

template <typename T>
struct SophiaKernels {
  template <bool Fma, bool Low, bool Decay, bool Apply>
  static SophiaFn<T> fn() {
    if constexpr (Fma) {
      return &sophia_fma<T, Low, Decay, Apply>;
    } else {
      return &sophia_plain<T, Low, Decay, Apply>;
    }
  }
};

void sophia_aten(at::Tensor& w, at::Tensor& g, at::Tensor& m, const at::Tensor& h, double wd, double scale,
                 const SophiaSwitches& s) {
  m.lerp_(g, 1 - s.beta1);
  const c10::optional<at::Scalar> min_den(s.eps), none, lo(-1.0), hi(1.0);
  at::Tensor den = h.mul(s.rho);
  at::clamp_(den, min_den, none);
  at::Tensor u = m.div(den);
  at::clamp_(u, lo, hi);
  if (s.decay) u.add_(w, wd);
  u.mul_(scale);
  if (s.apply) {
    w.add_(u);
  } else {
    g.copy_(u);
  }
}

template <typename T>
void sophia_flat(const std::vector<int64_t>& which, const ats_tensor* params, const ats_tensor* grads,
                 const ats_tensor* ms, const ats_tensor* hs, const double* weight_decays, const double* scales,
                 const SophiaSwitches& s) {
  if (which.empty()) return;
  struct Job {
    T *w, *g, *m;
    const T* h;
    T wd, scale;
  };
  std::vector<Job> jobs;
  std::vector<int64_t> sizes;
  for (int64_t k : which) {
    at::Tensor& w = ats::T(params[k]);
    jobs.push_back({w.data_ptr<T>(), ats::T(grads[k]).data_ptr<T>(), ats::T(ms[k]).data_ptr<T>(),
                    ats::T(hs[k]).data_ptr<T>(), static_cast<T>(s.decay ? weight_decays[k] : 0.0),
                    static_cast<T>(scales[k])});
    sizes.push_back(w.numel());
  }
  SophiaConsts<T> k;
  k.w1 = static_cast<T>(1 - s.beta1);
  k.w1c = static_cast<T>(1) - k.w1;
  k.rho = static_cast<T>(s.rho);
  k.eps = static_cast<T>(s.eps);
  const bool flags[3] = {lerp_low(k.w1), s.decay, s.apply};
  const SophiaFn<T> run = pick<T, SophiaKernels<T>, 3>(flags);
  ats::for_each_flat(sizes, 1 << 15, [&](size_t j, int64_t begin, int64_t end) {
    const Job& t = jobs[j];
    run(t.w + begin, t.g + begin, t.m + begin, t.h + begin, end - begin, k, t.wd, t.scale);
  });
}

// ---- moving averages of many tensors: t ← β·t + w·s² (addcmul) or t ← β·t + w·s (add with a factor) ----

template <typename T, bool Fma, bool Square>
inline __attribute__((always_inline)) void ema_body(T* __restrict t, const T* __restrict s, int64_t n, T beta,
                                                    T weight) {
  for (int64_t i = 0; i < n; ++i) {
    const T ti = t[i] * beta;
    t[i] = Square ? ats::madd<Fma>(weight * s[i], s[i], ti) : ats::madd<Fma>(s[i], weight, ti);
  }
}

template <typename T>
using EmaFn = void (*)(T*, const T*, int64_t, T, T);

template <typename T, bool Square>
__attribute__((target("avx2,fma"))) void ema_fma(T* t, const T* s, int64_t n, T beta, T weight) {
  ema_body<T, true, Square>(t, s, n, beta, weight);
}

template <typename T, bool Square>
void ema_plain(T* t, const T* s, int64_t n, T beta, T weight) {
  ema_body<T, false, Square>(t, s, n, beta, weight);
}

template <typename T>
void ema_flat(const std::vector<int64_t>& which, const ats_tensor* targets, const ats_tensor* sources, double beta,
              double weight, bool square) {
  if (which.empty()) return;
  std::vector<T*> ts;
  std::vector<const T*> ss;
  std::vector<int64_t> sizes;
  for (int64_t k : which) {
    at::Tensor& t = ats::T(targets[k]);
    ts.push_back(t.data_ptr<T>());
    ss.push_back(ats::T(sources[k]).data_ptr<T>());
    sizes.push_back(t.numel());
  }
  const EmaFn<T> run = ats::cpu_has_fma() ? (square ? &ema_fma<T, true> : &ema_fma<T, false>)
                                 : (square ? &ema_plain<T, true> : &ema_plain<T, false>);
  const T b = static_cast<T>(beta), w = static_cast<T>(weight);
  ats::for_each_flat(sizes, 1 << 15, [&](size_t j, int64_t begin, int64_t end) {
    run(ts[j] + begin, ss[j] + begin, end - begin, b, w);
  });
}

}  // namespace

extern "C" {

int32_t ats_schedule_free_step_(const ats_tensor* params, const ats_tensor* grads, const ats_tensor* zs,
                                const ats_tensor* xs, const ats_tensor* vs, int64_t n, double decay, bool has_decay,
                                double beta1, double beta2, double eps, double gamma, double c) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "schedule_free_step_: n must be >= 0 (got ", n, ")");
  if (n > 0 && (params == nullptr || grads == nullptr || zs == nullptr || xs == nullptr || vs == nullptr)) {
    throw ats::NullHandle();
  }
  at::NoGradGuard no_grad;
  const FreeScalars s{decay, beta1, beta2, eps, gamma, c, has_decay};
  std::vector<int64_t> f32, f64;
  for (int64_t k = 0; k < n; ++k) {
    at::Tensor& y = ats::T(params[k]);
    at::Tensor& g = ats::T(grads[k]);
    at::Tensor& z = ats::T(zs[k]);
    at::Tensor& x = ats::T(xs[k]);
    at::Tensor& v = ats::T(vs[k]);
    if (!ats::same_size_float_cpu({&y, &g, &z, &x, &v})) {
      free_aten(y, g, z, x, v, s);
    } else {
      (y.scalar_type() == at::kFloat ? f32 : f64).push_back(k);
    }
  }
  free_flat<float>(f32, params, grads, zs, xs, vs, s);
  free_flat<double>(f64, params, grads, zs, xs, vs, s);
  ATS_CATCH
}

int32_t ats_lerp_into_(const ats_tensor* outs, const ats_tensor* starts, const ats_tensor* ends, int64_t n,
                       double weight) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "lerp_into_: n must be >= 0 (got ", n, ")");
  if (n > 0 && (outs == nullptr || starts == nullptr || ends == nullptr)) throw ats::NullHandle();
  at::NoGradGuard no_grad;
  for (int64_t k = 0; k < n; ++k) {
    at::Tensor& out = ats::T(outs[k]);
    const at::Tensor& a = ats::T(starts[k]);
    const at::Tensor& b = ats::T(ends[k]);
    TORCH_CHECK(a.sizes() == out.sizes() && b.sizes() == out.sizes(), "lerp_into_: pair ", k, " has shapes ",
                out.sizes(), ", ", a.sizes(), " and ", b.sizes());
    lerp_into_one(out, a, b, weight);
  }
  ATS_CATCH
}

int32_t ats_sophia_step_(const ats_tensor* params, const ats_tensor* grads, const ats_tensor* momenta,
                         const ats_tensor* hessians, int64_t n, const double* weight_decays, const double* scales,
                         double beta1, double rho, double eps, bool decay, bool apply) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "sophia_step_: n must be >= 0 (got ", n, ")");
  if (n > 0 && (params == nullptr || grads == nullptr || momenta == nullptr || hessians == nullptr ||
                scales == nullptr || (decay && weight_decays == nullptr))) {
    throw ats::NullHandle();
  }
  at::NoGradGuard no_grad;
  const SophiaSwitches s{beta1, rho, eps, decay, apply};
  std::vector<int64_t> f32, f64;
  for (int64_t k = 0; k < n; ++k) {
    at::Tensor& w = ats::T(params[k]);
    at::Tensor& g = ats::T(grads[k]);
    at::Tensor& m = ats::T(momenta[k]);
    const at::Tensor& h = ats::T(hessians[k]);
    if (!ats::same_size_float_cpu({&w, &g, &m, &h})) {
      sophia_aten(w, g, m, h, decay ? weight_decays[k] : 0.0, scales[k], s);
    } else {
      (w.scalar_type() == at::kFloat ? f32 : f64).push_back(k);
    }
  }
  sophia_flat<float>(f32, params, grads, momenta, hessians, weight_decays, scales, s);
  sophia_flat<double>(f64, params, grads, momenta, hessians, weight_decays, scales, s);
  ATS_CATCH
}

int32_t ats_ema_many_(const ats_tensor* targets, const ats_tensor* sources, int64_t n, double beta, double weight,
                      bool square) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "ema_many_: n must be >= 0 (got ", n, ")");
  if (n > 0 && (targets == nullptr || sources == nullptr)) throw ats::NullHandle();
  at::NoGradGuard no_grad;
  std::vector<int64_t> f32, f64;
  for (int64_t k = 0; k < n; ++k) {
    at::Tensor& t = ats::T(targets[k]);
    const at::Tensor& s = ats::T(sources[k]);
    if (!ats::same_size_float_cpu({&t, &s})) {
      t.mul_(beta);
      if (square) {
        t.addcmul_(s, s, weight);
      } else {
        t.add_(s, weight);
      }
    } else {
      (t.scalar_type() == at::kFloat ? f32 : f64).push_back(k);
    }
  }
  ema_flat<float>(f32, targets, sources, beta, weight, square);
  ema_flat<double>(f64, targets, sources, beta, weight, square);
  ATS_CATCH
}

}  // extern "C"
