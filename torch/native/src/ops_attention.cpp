// Scaled dot-product attention, softmax(scale · q kᵀ [+ causal mask]) v, as one autograd node.
//
// On CPU in float32/float64 each (batch, head) slice runs its scores GEMM, row softmax and value GEMM back to back
// while the slice's T×S probabilities are still in cache, the slices in parallel (ats::parallel_range; one
// single-threaded BLAS call each: OpenBLAS runs single-threaded inside an OpenMP region); backward likewise. (Until
// 2026-12-07 the slice loop was an at::parallel_for of this file, compiled without OpenMP: the slices ran one after
// another on the calling thread, each GEMM on the BLAS threads.) One slice alone runs with multi-threaded BLAS. q, k and v may be strided views
// (e.g. heads split out of a (B, T, H, d) projection) as long as their last dim is contiguous, and the output and
// the input gradients are laid out (B, T, H, d), so the usual transpose-and-reshape around attention costs nothing.
// Compared with the composed graph (matmul, mul, add, softmax, matmul) this skips the per-batch select/addmm loop of
// ATen's CPU bmm, two full passes over the scores in each direction and the contiguous copies of q, k, v.
// Everywhere else (other devices or dtypes, no CBLAS loaded in the process) it is that composed ATen graph.
// Not twice differentiable (backward refuses create_graph).
#include <dlfcn.h>
#include <immintrin.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <climits>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "common.h"

using ats::T;

namespace {

enum CblasConst { kRowMajor = 101, kNoTrans = 111, kTrans = 112 };
using sgemm_fn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
using dgemm_fn = void (*)(int, int, int, int, int, int, double, const double*, int, const double*, int, double, double*,
                          int);

struct Cblas {
  sgemm_fn s = nullptr;
  dgemm_fn d = nullptr;
};

// The CBLAS of the BLAS libtorch already loaded (Debian: libblas.so.3 → OpenBLAS); never loads a second one.
const Cblas& cblas() {
  static const Cblas c = [] {
    for (const char* name : {"libblas.so.3", "libopenblas.so.0", "libopenblas.so"}) {
      void* h = dlopen(name, RTLD_NOW | RTLD_NOLOAD);
      if (h == nullptr) continue;
      Cblas r{reinterpret_cast<sgemm_fn>(dlsym(h, "cblas_sgemm")), reinterpret_cast<dgemm_fn>(dlsym(h, "cblas_dgemm"))};
      if (r.s != nullptr && r.d != nullptr) return r;
    }
    return Cblas{};
  }();
  return c;
}

// Row-major C(m×n) = alpha · op(A) op(B), op = transpose when the flag is set.
inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                 const float* b, int64_t ldb, float* c, int64_t ldc) {
  cblas().s(kRowMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans, static_cast<int>(m), static_cast<int>(n),
            static_cast<int>(k), alpha, a, static_cast<int>(lda), b, static_cast<int>(ldb), 0.0f, c, static_cast<int>(ldc));
}

inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
                 const double* b, int64_t ldb, double* c, int64_t ldc) {
  cblas().d(kRowMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans, static_cast<int>(m), static_cast<int>(n),
            static_cast<int>(k), alpha, a, static_cast<int>(lda), b, static_cast<int>(ldb), 0.0, c, static_cast<int>(ldc));
}

// x[i] = exp(x[i] − shift) for i < n; returns Σ x[i]. Cephes-style expf (range reduction by ln 2, degree-6
// polynomial, ≈ 1 ulp), eight lanes at a time.
__attribute__((target("avx2,fma"))) float exp_shift_sum_avx2(float* x, int64_t n, float shift) {
  const __m256 vshift = _mm256_set1_ps(shift), hi = _mm256_set1_ps(88.3762626647949f),
               lo = _mm256_set1_ps(-87.3365478515625f), log2e = _mm256_set1_ps(1.44269504088896341f),
               c1 = _mm256_set1_ps(0.693359375f), c2 = _mm256_set1_ps(-2.12194440e-4f),
               p0 = _mm256_set1_ps(1.9875691500e-4f), p1 = _mm256_set1_ps(1.3981999507e-3f),
               p2 = _mm256_set1_ps(8.3334519073e-3f), p3 = _mm256_set1_ps(4.1665795894e-2f),
               p4 = _mm256_set1_ps(1.6666665459e-1f), p5 = _mm256_set1_ps(5.0000001201e-1f),
               one = _mm256_set1_ps(1.0f);
  __m256 acc = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_sub_ps(_mm256_loadu_ps(x + i), vshift);
    v = _mm256_max_ps(lo, _mm256_min_ps(hi, v));  // operands in this order pass a NaN through (min/max return the second)
    __m256 fx = _mm256_round_ps(_mm256_mul_ps(v, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    v = _mm256_fnmadd_ps(fx, c1, v);
    v = _mm256_fnmadd_ps(fx, c2, v);
    __m256 z = _mm256_mul_ps(v, v);
    __m256 y = _mm256_fmadd_ps(p0, v, p1);
    y = _mm256_fmadd_ps(y, v, p2);
    y = _mm256_fmadd_ps(y, v, p3);
    y = _mm256_fmadd_ps(y, v, p4);
    y = _mm256_fmadd_ps(y, v, p5);
    y = _mm256_fmadd_ps(y, z, _mm256_add_ps(v, one));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
    y = _mm256_mul_ps(y, _mm256_castsi256_ps(e));
    _mm256_storeu_ps(x + i, y);
    acc = _mm256_add_ps(acc, y);
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, acc);
  float sum = 0;
  for (float l : lanes) sum += l;
  for (; i < n; ++i) {
    x[i] = std::exp(x[i] - shift);
    sum += x[i];
  }
  return sum;
}

template <typename S>
S exp_shift_sum(S* x, int64_t n, S shift) {
  if constexpr (std::is_same_v<S, float>) {
    static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (avx2) return exp_shift_sum_avx2(x, n, shift);
  }
  S sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - shift);
    sum += x[i];
  }
  return sum;
}

// Softmax of the first len entries of a row in place; the rest (masked) become 0.
template <typename S>
void softmax_row(S* x, int64_t len, int64_t total) {
  S mx = x[0];
  for (int64_t j = 1; j < len; ++j) mx = std::max(mx, x[j]);
  const S inv = S(1) / exp_shift_sum(x, len, mx);
  for (int64_t j = 0; j < len; ++j) x[j] *= inv;
  for (int64_t j = len; j < total; ++j) x[j] = 0;
}

// Entries of row i a query may attend to: all S, or (causal) keys up to its own position, the last query aligned
// with the last key.
inline int64_t row_len(bool causal, int64_t i, int64_t tq, int64_t s) { return causal ? i + 1 + (s - tq) : s; }

// A (B, H, R, C) view's slice (b, h) as a row-major matrix: element pointer and row stride (last dim contiguous).
template <typename S>
struct Slices {
  S* base;
  int64_t sb, sh, ld;
  explicit Slices(const at::Tensor& t)
      : base(t.data_ptr<S>()), sb(t.stride(0)), sh(t.stride(1)), ld(std::max(t.stride(2), t.size(3))) {}
  S* at(int64_t b, int64_t h) const { return base + b * sb + h * sh; }
};

// (B, H, R, C) tensor whose memory is laid out (B, R, H, C): what attention outputs and gradients are made as.
at::Tensor empty_bthd(int64_t b, int64_t h, int64_t r, int64_t c, const at::TensorOptions& o) {
  return at::empty({b, r, h, c}, o).permute({0, 2, 1, 3});
}

template <typename S>
void forward_kernel(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, at::Tensor& p, at::Tensor& o,
                    bool causal, double scale) {
  const int64_t B = q.size(0), H = q.size(1), TQ = q.size(2), D = q.size(3), SK = k.size(2), DV = v.size(3);
  const Slices<S> qs(q), ks(k), vs(v), os(o);
  S* pbase = p.data_ptr<S>();
  ats::parallel_range(0, B * H, 1, [&](int64_t begin, int64_t end) {
    for (int64_t sl = begin; sl < end; ++sl) {
      const int64_t b = sl / H, h = sl % H;
      S* ps = pbase + sl * TQ * SK;
      gemm(false, true, TQ, SK, D, static_cast<S>(scale), qs.at(b, h), qs.ld, ks.at(b, h), ks.ld, ps, SK);
      for (int64_t i = 0; i < TQ; ++i) softmax_row(ps + i * SK, row_len(causal, i, TQ, SK), SK);
      gemm(false, false, TQ, DV, SK, S(1), ps, SK, vs.at(b, h), vs.ld, os.at(b, h), os.ld);
    }
  });
}

template <typename S>
void backward_kernel(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& p,
                     const at::Tensor& go, at::Tensor& dq, at::Tensor& dk, at::Tensor& dv, bool causal, double scale) {
  const int64_t B = q.size(0), H = q.size(1), TQ = q.size(2), D = q.size(3), SK = k.size(2), DV = v.size(3);
  const Slices<S> qs(q), ks(k), vs(v), gos(go), dqs(dq), dks(dk), dvs(dv);
  const S* pbase = p.data_ptr<S>();
  ats::parallel_range(0, B * H, 1, [&](int64_t begin, int64_t end) {
    std::vector<S> buf(static_cast<size_t>(TQ * SK));
    for (int64_t sl = begin; sl < end; ++sl) {
      const int64_t b = sl / H, h = sl % H;
      const S* ps = pbase + sl * TQ * SK;
      gemm(true, false, SK, DV, TQ, S(1), ps, SK, gos.at(b, h), gos.ld, dvs.at(b, h), dvs.ld);      // dV = Pᵀ dO
      gemm(false, true, TQ, SK, DV, S(1), gos.at(b, h), gos.ld, vs.at(b, h), vs.ld, buf.data(), SK);  // dP = dO Vᵀ
      for (int64_t i = 0; i < TQ; ++i) {                                                              // dS = P ⊙ (dP − Σ P dP)
        const S* pr = ps + i * SK;
        S* dr = buf.data() + i * SK;
        const int64_t len = row_len(causal, i, TQ, SK);
        S dot = 0;
        for (int64_t j = 0; j < len; ++j) dot += pr[j] * dr[j];
        for (int64_t j = 0; j < len; ++j) dr[j] = pr[j] * (dr[j] - dot);
        for (int64_t j = len; j < SK; ++j) dr[j] = 0;
      }
      gemm(false, false, TQ, D, SK, static_cast<S>(scale), buf.data(), SK, ks.at(b, h), ks.ld, dqs.at(b, h), dqs.ld);
      gemm(true, false, SK, D, TQ, static_cast<S>(scale), buf.data(), SK, qs.at(b, h), qs.ld, dks.at(b, h), dks.ld);
    }
  });
}

// A (B, H, R, C) view BLAS can read row by row: unit column stride and rows that do not overlap (an expanded
// gradient, e.g. of y.mean(2), has row stride 0 and would make BLAS reject the call and leave the output unwritten).
bool gemm_ready(const at::Tensor& t) { return t.stride(-1) == 1 && (t.size(-2) <= 1 || t.stride(-2) >= t.size(-1)); }

at::Tensor gemm_ready_or_copy(const at::Tensor& t) { return gemm_ready(t) ? t : t.contiguous(); }

// Every size and stride fits BLAS's int arguments.
bool fits_blas(const at::Tensor& t) {
  for (int64_t i = 0; i < t.dim(); ++i) {
    if (t.size(i) > INT_MAX || t.stride(i) > INT_MAX) return false;
  }
  return true;
}

// What both nodes' forwards do: output (laid out (B, T, H, dv)) and the probabilities P into `p`; causal and scale go
// into the context for backward.
at::Tensor attention_forward(torch::autograd::AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k,
                             const at::Tensor& v, bool causal, double scale, at::Tensor& p) {
  auto o = empty_bthd(q.size(0), q.size(1), q.size(2), v.size(3), v.options());
  p = at::empty({q.size(0), q.size(1), q.size(2), k.size(2)}, q.options());
  AT_DISPATCH_FLOATING_TYPES(q.scalar_type(), "ats_attention", [&] { forward_kernel<scalar_t>(q, k, v, p, o, causal, scale); });
  ctx->saved_data["causal"] = causal;
  ctx->saved_data["scale"] = scale;
  return o;
}

// What both nodes' backwards do: the input gradients into dq, dk, dv (any (B, H, *, d) views with a contiguous last dim).
void attention_backward(torch::autograd::AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k,
                        const at::Tensor& v, const at::Tensor& p, const at::Tensor& grad, at::Tensor& dq, at::Tensor& dk,
                        at::Tensor& dv) {
  ats::refuse_double_backward("attention");
  auto go = gemm_ready_or_copy(grad);
  const bool causal = ctx->saved_data["causal"].toBool();
  const double scale = ctx->saved_data["scale"].toDouble();
  AT_DISPATCH_FLOATING_TYPES(q.scalar_type(), "ats_attention_backward",
                             [&] { backward_kernel<scalar_t>(q, k, v, p, go, dq, dk, dv, causal, scale); });
}

struct FusedAttention : public torch::autograd::Function<FusedAttention> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k,
                            const at::Tensor& v, bool causal, double scale) {
    at::Tensor p;
    auto o = attention_forward(ctx, q, k, v, causal, scale, p);
    ctx->save_for_backward({q, k, v, p});
    return o;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto &q = saved[0], &k = saved[1], &v = saved[2];
    auto dq = empty_bthd(q.size(0), q.size(1), q.size(2), q.size(3), q.options());
    auto dk = empty_bthd(k.size(0), k.size(1), k.size(2), k.size(3), k.options());
    auto dv = empty_bthd(v.size(0), v.size(1), v.size(2), v.size(3), v.options());
    attention_backward(ctx, q, k, v, saved[3], grads[0], dq, dk, dv);
    return {dq, dk, dv, at::Tensor(), at::Tensor()};
  }
};

// The same node over one packed projection qkv (B, T, 3, H, d) — a Linear(D → 3D) output viewed — whose gradient it
// writes packed too, so the unbind/permute/view chain between the projection and attention costs no copy either way.
struct FusedPackedAttention : public torch::autograd::Function<FusedPackedAttention> {
  static std::array<at::Tensor, 3> split(const at::Tensor& qkv) {  // 3 × (B, H, T, d) views
    auto p = qkv.permute({2, 0, 3, 1, 4});
    return {p.select(0, 0), p.select(0, 1), p.select(0, 2)};
  }

  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& qkv, bool causal, double scale) {
    auto [q, k, v] = split(qkv);
    at::Tensor p;
    auto o = attention_forward(ctx, q, k, v, causal, scale, p);
    ctx->save_for_backward({qkv, p});
    return o;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    auto [q, k, v] = split(saved[0]);
    auto g = at::empty(saved[0].sizes(), saved[0].options());
    auto [dq, dk, dv] = split(g);
    attention_backward(ctx, q, k, v, saved[1], grads[0], dq, dk, dv);
    return {g, at::Tensor(), at::Tensor()};
  }
};

at::Tensor composed(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal, double scale) {
  auto s = at::matmul(q, k.transpose(-2, -1)).mul(scale);
  if (causal) {
    const int64_t tq = q.size(-2), sk = k.size(-2);
    auto masked = at::ones({tq, sk}, q.options().dtype(at::kBool)).triu(sk - tq + 1);
    s = s.masked_fill(masked, -std::numeric_limits<double>::infinity());
  }
  return at::matmul(at::softmax(s, -1), v);
}

}  // namespace

extern "C" {

int32_t ats_nn_attention(ats_tensor q, ats_tensor k, ats_tensor v, bool causal, double scale, bool allow_fused,
                         ats_tensor* out) {
  ATS_TRY
  const at::Tensor &tq = T(q), &tk = T(k), &tv = T(v);
  TORCH_CHECK(tq.dim() == 4 && tk.dim() == 4 && tv.dim() == 4, "attention expects q, k, v of shape (B, H, T, d), got ",
              tq.sizes(), ", ", tk.sizes(), ", ", tv.sizes());
  TORCH_CHECK(tk.size(0) == tv.size(0) && tk.size(1) == tv.size(1) && tk.size(2) == tv.size(2),
              "attention: k and v must agree in (B, H, S), got ", tk.sizes(), " and ", tv.sizes());
  TORCH_CHECK(tq.size(0) == tk.size(0) && tq.size(1) == tk.size(1) && tq.size(3) == tk.size(3),
              "attention: q and k must agree in B, H and d, got ", tq.sizes(), " and ", tk.sizes());
  TORCH_CHECK(!causal || tk.size(2) >= tq.size(2), "causal attention needs at least as many keys as queries, got ",
              tk.size(2), " keys for ", tq.size(2), " queries");
  TORCH_CHECK(tq.scalar_type() == tk.scalar_type() && tq.scalar_type() == tv.scalar_type() &&
                  tq.device() == tk.device() && tq.device() == tv.device(),
              "attention: q, k, v must share dtype and device");
  const bool fused = allow_fused && ats::fused_cpu_float(tq) && cblas().s != nullptr && tq.numel() > 0 && tk.numel() > 0 && tv.numel() > 0 && fits_blas(tq) && fits_blas(tk) &&
                     fits_blas(tv) && tq.size(2) * tk.size(2) <= INT_MAX;
  at::Tensor result = fused ? FusedAttention::apply(gemm_ready_or_copy(tq), gemm_ready_or_copy(tk),
                                                    gemm_ready_or_copy(tv), causal, scale)
                            : composed(tq, tk, tv, causal, scale);
  *out = ats::wrap(std::move(result));
  ATS_CATCH
}

int32_t ats_nn_attention_packed(ats_tensor qkv, bool causal, double scale, bool allow_fused, ats_tensor* out) {
  ATS_TRY
  const at::Tensor& t = T(qkv);
  TORCH_CHECK(t.dim() == 5 && t.size(2) == 3, "packed attention expects qkv of shape (B, T, 3, H, d), got ", t.sizes());
  const bool fused = allow_fused && ats::fused_cpu_float(t) && cblas().s != nullptr && t.numel() > 0 && fits_blas(t) &&
                     t.size(1) * t.size(1) <= INT_MAX;
  at::Tensor result;
  if (fused) {
    // Its q, k, v views share their strides; BLAS must be able to read them (a fresh copy always can).
    result = FusedPackedAttention::apply(gemm_ready(FusedPackedAttention::split(t)[0]) ? t : t.contiguous(), causal, scale);
  } else {
    auto p = t.permute({2, 0, 3, 1, 4});
    result = composed(p.select(0, 0), p.select(0, 1), p.select(0, 2), causal, scale);
  }
  *out = ats::wrap(std::move(result));
  ATS_CATCH
}

int32_t ats_nn_attention_fused_available(bool* out) {
  ATS_TRY
  *out = cblas().s != nullptr;
  ATS_CATCH
}

}  // extern "C"
