// Symmetric rank-k update of a Kronecker factor, F <- beta*F + alpha*A*A^T, with BLAS syrk where it applies: it
// computes one triangle (half the multiply-adds of the GEMM that addmm runs) and mirrors it, so F comes out exactly
// symmetric (an operand in neither row- nor column-major layout is copied first). Falls back to addmm (the same
// formula, not exactly symmetric) for small products, other devices and dtypes or a non-contiguous F, or when the shim was built
// without a BLAS library (ATS_HAVE_BLAS undefined, e.g. against a libtorch that brings its own MKL). ats_syrk_many_ runs
// many such updates in one call, dealt to the intra-op threads when they balance (single-threaded BLAS in one region).
#include <ATen/ops/addmm.h>

#include <algorithm>
#include <climits>

#include "common.h"

using ats::T;

#ifdef ATS_HAVE_BLAS
// Reference-BLAS (Fortran) interface, as libblas.so.3 / OpenBLAS export it; libtorch's own GEMMs come from there.
namespace {

// F <- beta*F + alpha*A*A^T as ats_syrk_ computes it: BLAS syrk and the mirror where they apply, else addmm.
void rank_k_update(at::Tensor& f, const at::Tensor& x, double beta, double alpha) {
#ifdef ATS_HAVE_BLAS
  if (syrk_applies(f, x)) {
    at::Tensor xb = blas_layout(x);
    // Only the row-major upper triangle is written: the lower one is rebuilt from it.
    if (f.scalar_type() == at::kFloat) {
      syrk_update<float>(f, xb, beta, alpha);
      mirror_upper<float>(f);
    } else {
      syrk_update<double>(f, xb, beta, alpha);
      mirror_upper<double>(f);
    }
    return;
  }
#endif
  f.addmm_(x, x.t(), beta, alpha);
}

}  // namespace

extern "C" {

int32_t ats_syrk_(ats_tensor self, ats_tensor a, double beta, double alpha) {
  ATS_TRY
  at::Tensor f = T(self);
  rank_k_update(f, T(a), beta, alpha);
  ATS_CATCH
}

int32_t ats_syrk_many_(const ats_tensor* selfs, const ats_tensor* as, int64_t n, const double* betas,
                       const double* alphas) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "syrk_many_: n must be >= 0 (got ", n, ")");
  if (n == 0) return ATS_OK;
  if (selfs == nullptr || as == nullptr || betas == nullptr || alphas == nullptr) throw ats::NullHandle();
  std::vector<at::Tensor> fs, xs;
  std::vector<double> cost;
  for (int64_t i = 0; i < n; ++i) {
    const at::Tensor& f = T(selfs[i]);
    const at::Tensor& x = T(as[i]);
    TORCH_CHECK(f.dim() == 2 && f.size(0) == f.size(1) && x.dim() == 2 && x.size(0) == f.size(0), "syrk_many_: update ",
                i, " needs a square F and an A with as many rows (got ", f.sizes(), " and ", x.sizes(), ")");
    fs.push_back(f);
    xs.push_back(x);
    const double d = static_cast<double>(f.size(0)), k = static_cast<double>(x.size(1));
    cost.push_back(d * d * k + 1);
  }
  const auto bins = ats::deal_balanced(cost, 1.15);
  if (bins.empty()) {
    for (int64_t i = 0; i < n; ++i) rank_k_update(fs[i], xs[i], betas[i], alphas[i]);
    return ATS_OK;
  }
  at::parallel_for(0, static_cast<int64_t>(bins.size()), 1, [&](int64_t begin, int64_t end) {
    at::NoGradGuard no_grad;
    for (int64_t b = begin; b < end; ++b) {
      for (int64_t i : bins[static_cast<size_t>(b)]) rank_k_update(fs[i], xs[i], betas[i], alphas[i]);
    }
  });
  ATS_CATCH
}

}  // extern "C"
