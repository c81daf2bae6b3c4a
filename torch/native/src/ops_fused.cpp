// Llama's per-token layers as single autograd nodes on CPU float32/float64: RMSNorm and rotary position embedding.
// Composed from ATen ops each is five or six passes over the activations forward and as many backward (pow, mean,
// add, rsqrt, two muls; chunk, neg, cat, two muls, add); fused, each direction is one pass per row. Elsewhere (other
// devices or dtypes) they are those composed graphs. Neither fused node is twice differentiable.
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "common.h"

using ats::T;

namespace {

// ---- RMSNorm: y = x · r · w, r = 1 / sqrt(mean(x²) + eps) over the last dim ----------------------------------------

// Rows per thread at least: 16, and enough rows for 2^15 elements (ATen's own grain), so that a small tensor does not
// pay a thread wake-up for a few microseconds of work. The rows are independent: the cut never changes a result.
inline int64_t row_grain(int64_t rows_min, int64_t d) {
  return std::max<int64_t>(rows_min, (int64_t{1} << 15) / std::max<int64_t>(d, 1));
}

template <typename S>
void rms_forward(const S* x, const S* w, S* y, S* r, int64_t rows, int64_t d, double eps) {
  ats::parallel_range(0, rows, row_grain(16, d), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const S* xi = x + i * d;
      S* yi = y + i * d;
      double ss = 0;
      for (int64_t j = 0; j < d; ++j) ss += static_cast<double>(xi[j]) * xi[j];
      const S ri = static_cast<S>(1.0 / std::sqrt(ss / d + eps));
      r[i] = ri;
      for (int64_t j = 0; j < d; ++j) yi[j] = xi[j] * ri * w[j];
    }
  });
}

// gx = r·(g⊙w) − x·r³·mean(g⊙w⊙x);  gw = Σ_rows g⊙x·r when asked (per-chunk partial sums added in a fixed order:
// min(threads, rows / 16) chunks of consecutive rows, so gw depends on the thread count, deterministically).
template <typename S>
void rms_backward(const S* x, const S* w, const S* r, const S* g, S* gx, S* gw, int64_t rows, int64_t d) {
  const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), rows / 16));
  const int64_t per = (rows + chunks - 1) / chunks;
  std::vector<double> partial(gw != nullptr ? static_cast<size_t>(chunks * d) : 0, 0.0);
  ats::parallel_range(0, chunks, 1, [&](int64_t cb, int64_t ce) {
    std::vector<S> gwx(static_cast<size_t>(d));
    for (int64_t c = cb; c < ce; ++c) {
      double* acc = gw != nullptr ? partial.data() + c * d : nullptr;
      for (int64_t i = c * per; i < std::min(rows, (c + 1) * per); ++i) {
        const S* xi = x + i * d;
        const S* gi = g + i * d;
        S* gxi = gx + i * d;
        const S ri = r[i];
        double dot = 0;
        for (int64_t j = 0; j < d; ++j) {
          gwx[j] = gi[j] * w[j];
          dot += static_cast<double>(gwx[j]) * xi[j];
        }
        const S coef = static_cast<S>(dot / d) * ri * ri * ri;
        for (int64_t j = 0; j < d; ++j) gxi[j] = ri * gwx[j] - xi[j] * coef;
        if (acc != nullptr) {
          for (int64_t j = 0; j < d; ++j) acc[j] += static_cast<double>(gi[j]) * xi[j] * ri;
        }
      }
    }
  });
  if (gw != nullptr) {
    for (int64_t j = 0; j < d; ++j) {
      double s = 0;
      for (int64_t c = 0; c < chunks; ++c) s += partial[c * d + j];
      gw[j] = static_cast<S>(s);
    }
  }
}

struct FusedRmsNorm : public torch::autograd::Function<FusedRmsNorm> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w, double eps) {
    const int64_t d = x.size(-1), rows = x.numel() / std::max<int64_t>(d, 1);
    auto y = at::empty_like(x, at::MemoryFormat::Contiguous);
    auto r = at::empty({rows}, x.options());
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "ats_rms_norm", [&] {
      rms_forward<scalar_t>(x.data_ptr<scalar_t>(), w.data_ptr<scalar_t>(), y.data_ptr<scalar_t>(), r.data_ptr<scalar_t>(),
                            rows, d, eps);
    });
    ctx->save_for_backward({x, w, r});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    ats::refuse_double_backward("RMSNorm");
    auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &w = saved[1], &r = saved[2];
    auto g = grads[0].contiguous();
    const int64_t d = x.size(-1), rows = x.numel() / std::max<int64_t>(d, 1);
    auto gx = at::empty_like(x, at::MemoryFormat::Contiguous);
    const bool weight_grad = ctx->needs_input_grad(1);
    at::Tensor gw = weight_grad ? at::empty_like(w) : at::Tensor();
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "ats_rms_norm_backward", [&] {
      rms_backward<scalar_t>(x.data_ptr<scalar_t>(), w.data_ptr<scalar_t>(), r.data_ptr<scalar_t>(), g.data_ptr<scalar_t>(),
                             gx.data_ptr<scalar_t>(), weight_grad ? gw.data_ptr<scalar_t>() : nullptr, rows, d);
    });
    return {gx, gw, at::Tensor()};
  }
};

at::Tensor rms_composed(const at::Tensor& x, const at::Tensor& w, double eps) {
  auto y = x * x.square().mean(-1, /*keepdim=*/true).add(eps).rsqrt();
  return w.defined() ? y * w : y;
}

// ---- RoPE, rotate-half: y = x ⊙ cos + [−x₂, x₁] ⊙ sin on (B, H, T, d) with (≥ T, d) tables ---------------------------

// Row (b, h, t) of a (B, H, T, d) view with a contiguous last dim.
template <typename S>
struct Rows4 {
  S* base;
  int64_t s0, s1, s2;
  explicit Rows4(const at::Tensor& t) : base(t.data_ptr<S>()), s0(t.stride(0)), s1(t.stride(1)), s2(t.stride(2)) {}
  S* row(int64_t b, int64_t h, int64_t t) const { return base + b * s0 + h * s1 + t * s2; }
};

// (B, H, T, d) tensor laid out like `like` when that is (B, T, H, d) memory (heads split by a transpose), else row-major.
at::Tensor empty_like_heads(const at::Tensor& like) {
  const bool bthd = like.stride(3) == 1 && like.stride(1) == like.size(3) && like.stride(2) == like.size(1) * like.size(3) &&
                    like.stride(0) == like.size(1) * like.size(2) * like.size(3);
  if (!bthd) return at::empty(like.sizes(), like.options());
  return at::empty({like.size(0), like.size(2), like.size(1), like.size(3)}, like.options()).permute({0, 2, 1, 3});
}

// sign = +1 forward (rotate by +angle), −1 backward (the transpose: rotate by −angle).
template <typename S>
void rope_kernel(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, at::Tensor& y, S sign) {
  const int64_t B = x.size(0), H = x.size(1), TT = x.size(2), d = x.size(3), half = d / 2;
  const Rows4<S> xs(x), ys(y);
  const S* c = cos.data_ptr<S>();
  const S* s = sin.data_ptr<S>();
  const int64_t o1 = sign > 0 ? 0 : half, o2 = sign > 0 ? half : 0;  // backward pairs each half with the other's sine
  ats::parallel_range(0, B * H * TT, row_grain(64, d), [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const int64_t t = k % TT, bh = k / TT, b = bh / H, h = bh % H;
      const S* xr = xs.row(b, h, t);
      S* yr = ys.row(b, h, t);
      const S* cr = c + t * d;
      const S* sr = s + t * d;
      for (int64_t i = 0; i < half; ++i) {
        const S x1 = xr[i], x2 = xr[i + half];
        yr[i] = x1 * cr[i] - sign * x2 * sr[i + o1];
        yr[i + half] = x2 * cr[i + half] + sign * x1 * sr[i + o2];
      }
    }
  });
}

struct FusedRope : public torch::autograd::Function<FusedRope> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
    auto y = empty_like_heads(x);
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "ats_rope", [&] { rope_kernel<scalar_t>(x, cos, sin, y, scalar_t(1)); });
    ctx->save_for_backward({cos, sin});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    ats::refuse_double_backward("rotary embedding");
    auto saved = ctx->get_saved_variables();
    auto g = grads[0].stride(-1) == 1 ? grads[0] : grads[0].contiguous();
    auto gx = empty_like_heads(g);
    AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "ats_rope_backward", [&] { rope_kernel<scalar_t>(g, saved[0], saved[1], gx, scalar_t(-1)); });
    return {gx, at::Tensor(), at::Tensor()};
  }
};

at::Tensor rope_composed(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
  auto halves = x.chunk(2, -1);
  auto rotated = at::cat({halves[1].neg(), halves[0]}, -1);
  return x * cos + rotated * sin;
}

}  // namespace

extern "C" {

int32_t ats_nn_rms_norm(ats_tensor x, ats_tensor w, double eps, ats_tensor* out) {
  ATS_TRY
  const at::Tensor& tx = T(x);
  at::Tensor tw = w != nullptr ? T(w) : at::Tensor();
  TORCH_CHECK(tx.dim() >= 1 && tx.size(-1) > 0, "rms_norm expects input (*, D) with D > 0, got ", tx.sizes());
  TORCH_CHECK(!tw.defined() || (tw.dim() == 1 && tw.size(0) == tx.size(-1)), "rms_norm: weight must be (D) = (",
              tx.size(-1), "), got ", tw.sizes());
  const bool fused = ats::fused_cpu_float(tx) && (!tw.defined() || (tw.scalar_type() == tx.scalar_type() && tw.device() == tx.device()));
  at::Tensor result;
  if (fused) {
    // No weight: a constant one (its gradient is never computed), so the node always has the same inputs.
    result = FusedRmsNorm::apply(tx.contiguous(), tw.defined() ? tw.contiguous() : at::ones({tx.size(-1)}, tx.options()), eps);
  } else {
    result = rms_composed(tx, tw, eps);
  }
  *out = ats::wrap(std::move(result));
  ATS_CATCH
}

int32_t ats_nn_rope(ats_tensor x, ats_tensor cos, ats_tensor sin, ats_tensor* out) {
  ATS_TRY
  const at::Tensor &tx = T(x), &tc = T(cos), &ts = T(sin);
  TORCH_CHECK(tx.dim() == 4 && tx.size(3) % 2 == 0, "rope expects x (B, H, T, d) with even d, got ", tx.sizes());
  TORCH_CHECK(tc.dim() == 2 && ts.sizes() == tc.sizes() && tc.size(1) == tx.size(3) && tc.size(0) >= tx.size(2),
              "rope: cos and sin must be (>= T, d) = (>= ", tx.size(2), ", ", tx.size(3), "), got ", tc.sizes(), " and ", ts.sizes());
  auto c = tc.narrow(0, 0, tx.size(2));
  auto s = ts.narrow(0, 0, tx.size(2));
  const bool fused = ats::fused_cpu_float(tx) && tc.scalar_type() == tx.scalar_type() && ts.scalar_type() == tx.scalar_type() &&
                     tc.device() == tx.device() && ts.device() == tx.device() && !tc.requires_grad() &&
                     !ts.requires_grad();
  at::Tensor result = fused ? FusedRope::apply(tx.stride(-1) == 1 ? tx : tx.contiguous(), c.contiguous(), s.contiguous())
                            : rope_composed(tx, c, s);
  *out = ats::wrap(std::move(result));
  ATS_CATCH
}

}  // extern "C"
