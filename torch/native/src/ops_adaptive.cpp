// Fused kernels of the adaptive built-ins whose steps were many small ATen ops (branch "bench", ats.h): DASGO's
// momentum, column statistic and column scaling in two passes; cross-fitted Adam's whole direction in one pass; and
// sums of squares accumulated in float64 without a float64 copy of the tensor. Contiguous float32/float64 CPU tensors
// take the loops below; anything else takes the same formula in ATen ops. Results equal the composed ATen ops up to
// rounding (the order of the float64 sums; one rounding where ATen's vector kernels fuse a multiply-add). Every
// reduction cuts its range into fixed chunks summed in order, so results do not depend on the number of threads. The
// loops run in parallel regions of ats::parallel_range (parallel.h).
#include <cmath>
#include <cstdint>
#include <vector>

#include "common.h"

namespace {

using ats::contiguous_float_cpu;

constexpr int64_t kChunk = 1 << 15;  // elements per partial sum

// Σ x[i]² over [0, n) in float64, eight independent accumulators (instruction-level parallelism; the order is fixed).
template <typename T>
double sum_squares_range(const T* x, int64_t n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) {
      const double v = static_cast<double>(x[i + k]);
      acc[k] += v * v;
    }
  }
  for (; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    acc[0] += v * v;
  }
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// Σ x² of a contiguous tensor: fixed chunks in parallel, their partials summed in order.
template <typename T>
double sum_squares(const T* x, int64_t n) {
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  if (chunks <= 1) return sum_squares_range(x, n);
  std::vector<double> partial(static_cast<size_t>(chunks), 0.0);
  ats::parallel_range(0, chunks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const int64_t start = c * kChunk;
      partial[static_cast<size_t>(c)] = sum_squares_range(x + start, std::min(kChunk, n - start));
    }
  });
  double total = 0;
  for (double p : partial) total += p;
  return total;
}

double sum_squares_any(const at::Tensor& t) {
  if (contiguous_float_cpu({&t})) {
    return t.scalar_type() == at::kFloat ? sum_squares(t.data_ptr<float>(), t.numel())
                                         : sum_squares(t.data_ptr<double>(), t.numel());
  }
  return t.to(at::kDouble).square().sum().item<double>();
}

// ATen's scalar-weight lerp formula (m + w(g − m) when |w| < 0.5, else g − (g − m)(1 − w)).
template <typename T>
inline T lerp(T m, T g, T w) {
  return std::abs(w) < static_cast<T>(0.5) ? m + w * (g - m) : g - (g - m) * (static_cast<T>(1) - w);
}

// ---- DASGO: M ← lerp(M, G, w1); p ← lerp(p, Σ_rows G², w2); D = M ⊙ (p + ε)^(−½) per row; Σ D² ----

template <typename T>
double dasgo(const T* g, T* m, T* p, T* d, int64_t rows, int64_t cols, T w1, T w2, T eps) {
  // Pass 1, threads split the columns: each column's sum runs over the rows in order (in float64).
  std::vector<double> colsum(static_cast<size_t>(cols), 0.0);
  const int64_t grain = std::max<int64_t>(1, kChunk / std::max<int64_t>(rows, 1));
  ats::parallel_range(0, cols, grain, [&](int64_t c0, int64_t c1) {
    double* acc = colsum.data() + c0;
    const int64_t width = c1 - c0;
    for (int64_t i = 0; i < rows; ++i) {
      const T* gi = g + i * cols + c0;
      T* mi = m + i * cols + c0;
      for (int64_t j = 0; j < width; ++j) {
        const double v = static_cast<double>(gi[j]);
        acc[j] += v * v;
        mi[j] = lerp(mi[j], gi[j], w1);
      }
    }
  });
  std::vector<T> scale(static_cast<size_t>(cols));
  for (int64_t j = 0; j < cols; ++j) {
    p[j] = lerp(p[j], static_cast<T>(colsum[static_cast<size_t>(j)]), w2);
    scale[static_cast<size_t>(j)] = static_cast<T>(1) / std::sqrt(p[j] + eps);
  }
  // Pass 2, threads split the rows in fixed blocks: D = M ⊙ scale, and the block's Σ D².
  const int64_t block = std::max<int64_t>(1, kChunk / std::max<int64_t>(cols, 1));
  const int64_t blocks = (rows + block - 1) / block;
  std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
  const T* s = scale.data();
  ats::parallel_range(0, blocks, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t r0 = b * block, r1 = std::min(rows, r0 + block);
      for (int64_t i = r0; i < r1; ++i) {
        const T* mi = m + i * cols;
        T* di = d + i * cols;
        for (int64_t j = 0; j < cols; ++j) di[j] = mi[j] * s[j];
      }
      partial[static_cast<size_t>(b)] = sum_squares_range(d + r0 * cols, (r1 - r0) * cols);
    }
  });
  double total = 0;
  for (double x : partial) total += x;
  return total;
}

// ---- cross-fitted Adam's direction (ScaleByCrossFitAdam.Direction), per element, each ATen op's rounding ----

struct CrossFitScalars {
  double beta1, beta2, eps, bc1, bc2;
  bool correction;
};

// The formula op by op over a tile of at most kTile elements (each loop vectorizes; the tile stays in L1), so every
// element sees each op's rounding in the composed order.
constexpr int64_t kTile = 256;

template <typename T, bool Low>
inline __attribute__((always_inline)) void cross_fit_tile(T* __restrict u, T* __restrict m, T* __restrict v,
                                                          const T* const* b, int64_t k, int64_t n, bool correct,
                                                          const CrossFitScalars& s, T* __restrict roots) {
  const T b1c = static_cast<T>(1 - s.beta1), b1cc = static_cast<T>(1) - b1c, b2 = static_cast<T>(s.beta2),
          b2c = static_cast<T>(1 - s.beta2);
  const T bc1 = static_cast<T>(s.bc1), bc2 = static_cast<T>(s.bc2), eps = static_cast<T>(s.eps);
  const T count = static_cast<T>(k), pairs = static_cast<T>(static_cast<double>(k) * (k - 1));
  T mean[kTile], variance[kTile], square[kTile];
  if (correct) {
    // p_j = √max(0, (β2·v + (1 − β2)·g_j²) / bc2); mean; Σ (p_j − mean)² / (k(k − 1))
    for (int64_t j = 0; j < k; ++j) {
      const T* __restrict g = b[j];
      T* __restrict r = roots + j * kTile;
      for (int64_t i = 0; i < n; ++i) {
        T x = v[i] * b2 + b2c * g[i] * g[i];
        x = x / bc2;
        x = x < 0 ? static_cast<T>(0) : x;
        r[i] = std::sqrt(x);
      }
    }
    for (int64_t i = 0; i < n; ++i) mean[i] = roots[i];
    for (int64_t j = 1; j < k; ++j) {
      const T* __restrict r = roots + j * kTile;
      for (int64_t i = 0; i < n; ++i) mean[i] = mean[i] + r[i];
    }
    for (int64_t i = 0; i < n; ++i) mean[i] = mean[i] / count;
    for (int64_t i = 0; i < n; ++i) {
      const T dev = roots[i] - mean[i];
      variance[i] = dev * dev;
    }
    for (int64_t j = 1; j < k; ++j) {
      const T* __restrict r = roots + j * kTile;
      for (int64_t i = 0; i < n; ++i) {
        const T dev = r[i] - mean[i];
        variance[i] = variance[i] + dev * dev;
      }
    }
    for (int64_t i = 0; i < n; ++i) variance[i] = variance[i] / pairs;
  }
  for (int64_t i = 0; i < n; ++i) {
    const T diff = u[i] - m[i];
    m[i] = Low ? m[i] + b1c * diff : u[i] - diff * b1cc;  // ATen's lerp, picked by the weight
  }
  if (k == 0) {
    for (int64_t i = 0; i < n; ++i) v[i] = v[i] * b2 + b2c * u[i] * u[i];
  } else {
    for (int64_t i = 0; i < n; ++i) square[i] = b[0][i] * b[0][i];
    for (int64_t j = 1; j < k; ++j) {
      const T* __restrict g = b[j];
      for (int64_t i = 0; i < n; ++i) square[i] = square[i] + g[i] * g[i];
    }
    for (int64_t i = 0; i < n; ++i) v[i] = v[i] * b2 + b2c * (square[i] / count);
  }
  for (int64_t i = 0; i < n; ++i) {
    const T d = std::sqrt(v[i] / bc2) + eps;
    T inv = static_cast<T>(1) / d;
    if (correct) {
      inv = inv - variance[i] / (d * d * d);
      inv = inv < 0 ? static_cast<T>(0) : inv;
    }
    u[i] = m[i] / bc1 * inv;
  }
}

template <typename T, bool Low>
void cross_fit_range_plain(T* u, T* m, T* v, const T* const* b, int64_t k, int64_t n, bool correct,
                           const CrossFitScalars& s, T* roots) {
  cross_fit_tile<T, Low>(u, m, v, b, k, n, correct, s, roots);
}

template <typename T, bool Low>
__attribute__((target("avx2"))) void cross_fit_range_avx2(T* u, T* m, T* v, const T* const* b, int64_t k, int64_t n,
                                                          bool correct, const CrossFitScalars& s, T* roots) {
  cross_fit_tile<T, Low>(u, m, v, b, k, n, correct, s, roots);
}

template <typename T>
void cross_fit_range(T* u, T* m, T* v, const std::vector<const T*>& b, int64_t begin, int64_t end,
                     const CrossFitScalars& s) {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  const int64_t k = static_cast<int64_t>(b.size());
  const bool correct = s.correction && k >= 2;
  const bool low = std::abs(static_cast<T>(1 - s.beta1)) < static_cast<T>(0.5);
  std::vector<T> roots(static_cast<size_t>(correct ? k * kTile : 0));
  std::vector<const T*> at(b.size());
  for (int64_t i = begin; i < end; i += kTile) {
    const int64_t n = std::min(kTile, end - i);
    for (size_t j = 0; j < b.size(); ++j) at[j] = b[j] + i;
    auto run = avx2 ? (low ? cross_fit_range_avx2<T, true> : cross_fit_range_avx2<T, false>)
                    : (low ? cross_fit_range_plain<T, true> : cross_fit_range_plain<T, false>);
    run(u + i, m + i, v + i, at.data(), k, n, correct, s, roots.data());
  }
}

void cross_fit_aten(at::Tensor& u, at::Tensor& m, at::Tensor& v, const std::vector<at::Tensor>& b,
                    const CrossFitScalars& s) {
  at::Tensor variance;
  const int64_t k = static_cast<int64_t>(b.size());
  if (s.correction && k >= 2) {
    std::vector<at::Tensor> roots;
    for (const auto& g : b) roots.push_back(v.mul(s.beta2).addcmul_(g, g, 1 - s.beta2).div_(s.bc2).clamp_(0.0).sqrt_());
    at::Tensor mean = roots[0].clone();
    for (int64_t j = 1; j < k; ++j) mean.add_(roots[static_cast<size_t>(j)]);
    mean.div_(static_cast<double>(k));
    variance = roots[0].sub(mean).square();
    for (int64_t j = 1; j < k; ++j) variance.add_(roots[static_cast<size_t>(j)].sub(mean).square());
    variance.div_(static_cast<double>(k) * (k - 1));
  }
  m.lerp_(u, 1 - s.beta1);
  v.mul_(s.beta2);
  if (k == 0) {
    v.addcmul_(u, u, 1 - s.beta2);
  } else {
    at::Tensor square = b[0].square();
    for (int64_t j = 1; j < k; ++j) square.add_(b[static_cast<size_t>(j)].square());
    v.add_(square.div_(static_cast<double>(k)), 1 - s.beta2);
  }
  at::Tensor d = v.div(s.bc2).sqrt_().add_(s.eps);
  at::Tensor inv = d.reciprocal();
  if (variance.defined()) inv.sub_(variance.div_(d.pow(3.0))).clamp_(0.0);
  u.copy_(m).div_(s.bc1).mul_(inv);
}

}  // namespace

extern "C" {

int32_t ats_sum_squares(const ats_tensor* xs, int64_t n, double* out) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "sum_squares: n must be >= 0 (got ", n, ")");
  if (n > 0 && (xs == nullptr || out == nullptr)) throw ats::NullHandle();
  for (int64_t k = 0; k < n; ++k) out[k] = sum_squares_any(ats::T(xs[k]));
  ATS_CATCH
}

int32_t ats_dasgo_direction_(ats_tensor grad, ats_tensor momentum, ats_tensor statistic, double momentum_weight,
                             double statistic_weight, double eps, ats_tensor* direction, double* sum_squares_out) {
  ATS_TRY
  if (direction == nullptr || sum_squares_out == nullptr) throw ats::NullHandle();
  at::NoGradGuard no_grad;
  const at::Tensor& g = ats::T(grad);
  at::Tensor& m = ats::T(momentum);
  at::Tensor& p = ats::T(statistic);
  TORCH_CHECK(g.dim() == 2 && m.sizes() == g.sizes() && p.dim() == 1 && p.size(0) == g.size(1),
              "dasgo_direction_: needs a (rows, cols) gradient and momentum and a (cols) statistic (got ", g.sizes(), ", ",
              m.sizes(), ", ", p.sizes(), ")");
  at::Tensor d;
  double total = 0;
  if (contiguous_float_cpu({&g, &m, &p})) {
    d = at::empty_like(m);
    AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "ats_dasgo_direction_", [&] {
      total = dasgo<scalar_t>(g.data_ptr<scalar_t>(), m.data_ptr<scalar_t>(), p.data_ptr<scalar_t>(),
                              d.data_ptr<scalar_t>(), g.size(0), g.size(1), static_cast<scalar_t>(momentum_weight),
                              static_cast<scalar_t>(statistic_weight), static_cast<scalar_t>(eps));
    });
  } else {
    m.lerp_(g, momentum_weight);
    p.lerp_(g.square().sum(0), statistic_weight);
    d = m * p.add(eps).rsqrt();
    total = sum_squares_any(d);
  }
  *direction = ats::wrap(d);
  *sum_squares_out = total;
  ATS_CATCH
}

int32_t ats_cross_fit_adam_(ats_tensor update, ats_tensor exp_avg, ats_tensor exp_avg_sq, const ats_tensor* sample,
                            int64_t n_sample, double beta1, double beta2, double eps, double bc1, double bc2,
                            bool correction) {
  ATS_TRY
  TORCH_CHECK(n_sample >= 0, "cross_fit_adam_: n_sample must be >= 0 (got ", n_sample, ")");
  if (n_sample > 0 && sample == nullptr) throw ats::NullHandle();
  at::NoGradGuard no_grad;
  at::Tensor& u = ats::T(update);
  at::Tensor& m = ats::T(exp_avg);
  at::Tensor& v = ats::T(exp_avg_sq);
  std::vector<at::Tensor> b;
  bool fast = contiguous_float_cpu({&u, &m, &v}) && m.numel() == u.numel() && v.numel() == u.numel();
  for (int64_t j = 0; j < n_sample; ++j) {
    const at::Tensor& g = ats::T(sample[j]);
    TORCH_CHECK(g.sizes() == u.sizes(), "cross_fit_adam_: sample gradient ", j, " has shape ", g.sizes(),
                ", the update ", u.sizes());
    fast = fast && contiguous_float_cpu({&u, &g});
    b.push_back(g);
  }
  const CrossFitScalars s{beta1, beta2, eps, bc1, bc2, correction};
  if (!fast) {
    cross_fit_aten(u, m, v, b, s);
  } else {
    AT_DISPATCH_FLOATING_TYPES(u.scalar_type(), "ats_cross_fit_adam_", [&] {
      std::vector<const scalar_t*> pb;
      for (const auto& g : b) pb.push_back(g.data_ptr<scalar_t>());
      scalar_t* pu = u.data_ptr<scalar_t>();
      scalar_t* pm = m.data_ptr<scalar_t>();
      scalar_t* pv = v.data_ptr<scalar_t>();
      ats::parallel_range(0, u.numel(), kChunk, [&](int64_t begin, int64_t end) {
        cross_fit_range<scalar_t>(pu, pm, pv, pb, begin, end, s);
      });
    });
  }
  ATS_CATCH
}

}  // extern "C"
