// Fused optimizer kernels (branch "bench"): one pass over each tensor instead of one ATen kernel per term, for the
// CPU fast path of Adam-family steps, plus a one-call finiteness check over a tensor list. Contiguous float32/float64
// CPU tensors take the hand-written loop; anything else (other dtypes, CUDA, strided) takes the same formula in ATen
// ops, so results never depend on which path ran except for rounding.
#include <atomic>
#include <cmath>
#include <cstdint>

#include "common.h"

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

bool fast_path(const at::Tensor& w, const at::Tensor& g, const at::Tensor& m, const at::Tensor& v) {
  auto st = w.scalar_type();
  if (st != at::kFloat && st != at::kDouble) return false;
  for (const at::Tensor* t : {&w, &g, &m, &v}) {
    if (!t->device().is_cpu() || t->scalar_type() != st || !t->is_contiguous() || t->numel() != w.numel()) return false;
  }
  return true;
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

// A value is NaN or ±∞ exactly when all its exponent bits are set. Integer OR-reductions vectorize (floating sums
// would not without -ffast-math), so this runs at memory speed.
template <typename Bits, Bits ExponentMask>
bool finite_bits(const void* data, int64_t n) {
  typedef Bits __attribute__((may_alias)) AliasBits;
  const AliasBits* q = static_cast<const AliasBits*>(data);
  Bits bad = 0;
  for (int64_t i = 0; i < n; ++i) bad |= static_cast<Bits>((q[i] & ExponentMask) == ExponentMask);
  return bad == 0;
}

bool finite_range(const at::Tensor& t, int64_t begin, int64_t end) {
  if (t.scalar_type() == at::kFloat) {
    return finite_bits<uint32_t, 0x7f800000u>(t.data_ptr<float>() + begin, end - begin);
  }
  return finite_bits<uint64_t, 0x7ff0000000000000ull>(t.data_ptr<double>() + begin, end - begin);
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
    if (!fast_path(w, g, m, v)) {
      adam_aten(w, g, m, v, s);
      continue;
    }
    AT_DISPATCH_FLOATING_TYPES(w.scalar_type(), "ats_fused_adam_", [&] {
      scalar_t* pw = w.data_ptr<scalar_t>();
      scalar_t* pg = g.data_ptr<scalar_t>();
      scalar_t* pm = m.data_ptr<scalar_t>();
      scalar_t* pv = v.data_ptr<scalar_t>();
      at::parallel_for(0, w.numel(), 1 << 15, [&](int64_t begin, int64_t end) {
        adam_loop<scalar_t>(pw, pg, pm, pv, begin, end, s);
      });
    });
  }
  ATS_CATCH
}

int32_t ats_all_finite(const ats_tensor* xs, int64_t n, bool* out) {
  ATS_TRY
  bool ok = true;
  for (int64_t k = 0; k < n && ok; ++k) {
    const at::Tensor& t = ats::T(xs[k]);
    if (!at::isFloatingType(t.scalar_type()) && !at::isComplexType(t.scalar_type())) continue;
    if (t.device().is_cpu() && t.is_contiguous() && (t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble)) {
      std::atomic<bool> all{true};
      at::parallel_for(0, t.numel(), 1 << 16, [&](int64_t begin, int64_t end) {
        if (!finite_range(t, begin, end)) all.store(false, std::memory_order_relaxed);
      });
      ok = all.load();
    } else {
      ok = at::isfinite(t).all().item<bool>();
    }
  }
  *out = ok;
  ATS_CATCH
}

}  // extern "C"
