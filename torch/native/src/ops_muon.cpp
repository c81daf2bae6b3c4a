// Muon's Newton–Schulz orthogonalization over a batch of same-shape matrices in one call: one stacked working
// tensor in the requested precision, three batched GEMMs per iteration (X·Xᵀ, b·A + c·A·A, a·X + B·X with the
// scalars folded into baddbmm's alpha/beta), buffers reused across iterations, the result written back in place.
// On CPU, bfloat16 GEMMs go to oneDNN (fast where the CPU has AVX-512 BF16 / AMX), float32/float64 to BLAS.
#include <ATen/ops/baddbmm.h>
#include <ATen/ops/bmm.h>
#include <ATen/ops/linalg_vector_norm.h>

#include "common.h"

using ats::T;

namespace {

// The CPU executes bfloat16 dot products natively (AVX-512 BF16 or AMX-BF16), so oneDNN's bfloat16 GEMM beats the
// float32 BLAS one; without them oneDNN emulates bfloat16 and float32 is the faster choice.
bool cpu_has_native_bf16() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bf16") != 0;
#else
  return false;
#endif
}

}  // namespace

extern "C" {

int32_t ats_newton_schulz_(const ats_tensor* xs, int64_t n, int64_t steps, double a, double b, double c,
                           double eps, int32_t dtype, double scale) {
  ATS_TRY
  TORCH_CHECK(n >= 1, "newton_schulz_: needs at least one matrix (got ", n, ")");
  TORCH_CHECK(steps >= 1, "newton_schulz_: steps must be >= 1 (got ", steps, ")");
  const at::Tensor& first = T(xs[0]);
  TORCH_CHECK(first.dim() == 2, "newton_schulz_: needs 2-D matrices (got ", first.dim(), " dimensions)");
  const int64_t rows = first.size(0), cols = first.size(1);
  for (int64_t i = 1; i < n; ++i) {
    TORCH_CHECK(T(xs[i]).sizes() == first.sizes(), "newton_schulz_: matrix ", i, " has shape ", T(xs[i]).sizes(),
                ", not the batch's ", first.sizes());
  }
  at::NoGradGuard no_grad;
  // Work on the wide orientation (r ≤ c): the Gram matrix is then the smaller r×r.
  const bool tall = rows > cols;
  const int64_t r = tall ? cols : rows, k = tall ? rows : cols;
  auto opts = first.options().dtype(static_cast<at::ScalarType>(dtype));
  at::Tensor x = at::empty({n, r, k}, opts);  // (n, r, k)
  for (int64_t i = 0; i < n; ++i) x.select(0, i).copy_(tall ? T(xs[i]).t() : T(xs[i]));
  // X ← X / (‖X‖_F + ε), per matrix, in the working precision (as the per-matrix reference does).
  at::Tensor norm = at::linalg_vector_norm(x, 2, at::IntArrayRef({1, 2}), /*keepdim=*/true);  // (n, 1, 1)
  x.div_(norm.add_(eps));
  at::Tensor gram = at::empty({n, r, r}, opts);  // A = X·Xᵀ
  at::Tensor poly = at::empty({n, r, r}, opts);  // B = b·A + c·A·A
  at::Tensor next = at::empty({n, r, k}, opts);
  for (int64_t s = 0; s < steps; ++s) {
    at::bmm_out(gram, x, x.transpose(1, 2));
    at::baddbmm_out(poly, gram, gram, gram, /*beta=*/b, /*alpha=*/c);
    at::baddbmm_out(next, x, poly, x, /*beta=*/a, /*alpha=*/1);
    std::swap(x, next);
  }
  for (int64_t i = 0; i < n; ++i) {
    at::Tensor& out = T(xs[i]);
    out.copy_(tall ? x.select(0, i).t() : x.select(0, i));
    if (scale != 1) out.mul_(scale);
  }
  ATS_CATCH
}

int32_t ats_cpu_has_native_bf16(bool* out) {
  ATS_TRY
  *out = cpu_has_native_bf16();
  ATS_CATCH
}

}  // extern "C"
