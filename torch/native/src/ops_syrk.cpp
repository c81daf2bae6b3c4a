// Symmetric rank-k update of a Kronecker factor, F <- beta*F + alpha*A*A^T, with BLAS syrk where it applies: it
// computes one triangle (half the multiply-adds of the GEMM that addmm runs) and mirrors it, so F comes out exactly
// symmetric (an operand in neither row- nor column-major layout is copied first). Falls back to addmm (the same
// formula, not exactly symmetric) for small products, other devices and dtypes or a non-contiguous F, or when the shim was built
// without a BLAS library (ATS_HAVE_BLAS undefined, e.g. against a libtorch that brings its own MKL). ats_syrk_many_ runs
// many such updates in one call, dealt to the intra-op threads when they balance (single-threaded BLAS in one region,
// ats::parallel_bins), else in turn with multi-threaded BLAS.
#include <ATen/ops/addmm.h>

#include <algorithm>
#include <climits>

#include "common.h"
#include "parallel.h"

using ats::T;

#ifdef ATS_HAVE_BLAS
// Reference-BLAS (Fortran) interface, as libblas.so.3 / OpenBLAS export it; libtorch's own GEMMs come from there.
extern "C" {
void ssyrk_(const char* uplo, const char* trans, const int* n, const int* k, const float* alpha, const float* a,
            const int* lda, const float* beta, float* c, const int* ldc);
void dsyrk_(const char* uplo, const char* trans, const int* n, const int* k, const double* alpha, const double* a,
            const int* lda, const double* beta, double* c, const int* ldc);
}

namespace {

template <typename scalar_t>
void syrk(const char* trans, int n, int k, scalar_t alpha, const scalar_t* a, int lda, scalar_t beta, scalar_t* c,
          int ldc);

template <>
void syrk<float>(const char* trans, int n, int k, float alpha, const float* a, int lda, float beta, float* c, int ldc) {
  ssyrk_("L", trans, &n, &k, &alpha, a, &lda, &beta, c, &ldc);
}

template <>
void syrk<double>(const char* trans, int n, int k, double alpha, const double* a, int lda, double beta, double* c,
                  int ldc) {
  dsyrk_("L", trans, &n, &k, &alpha, a, &lda, &beta, c, &ldc);
}

// Below this n and k, OpenBLAS's syrk plus the mirroring was slower than the GEMM in a side-by-side check
// (256 x 256: 1.07x, 32 x 288: 1.27x the GEMM's time; 256 x 688: 0.73x, 688 x 256: 0.85x, 1024 x 1024: 0.83-0.91x).
constexpr int64_t kSyrkMinDim = 512;

// True when f (n x n) and a (n x k) go to syrk: CPU, same float/double dtype, f contiguous, n or k at least
// kSyrkMinDim, sizes within int.
bool syrk_applies(const at::Tensor& f, const at::Tensor& a) {
  if (!f.device().is_cpu() || !a.device().is_cpu()) return false;
  if (f.scalar_type() != a.scalar_type()) return false;
  if (f.scalar_type() != at::kFloat && f.scalar_type() != at::kDouble) return false;
  if (f.dim() != 2 || a.dim() != 2 || f.size(0) != f.size(1) || a.size(0) != f.size(0)) return false;
  if (!f.is_contiguous() || f.numel() == 0 || a.size(1) == 0) return false;
  if (f.size(0) < kSyrkMinDim && a.size(1) < kSyrkMinDim) return false;
  return f.size(0) <= INT_MAX / 2 && a.size(1) <= INT_MAX / 2;
}

// a as BLAS takes it: row-major or column-major with a leading dimension within int (a view), else a row-major copy.
at::Tensor blas_layout(const at::Tensor& a) {
  bool row_major = a.stride(1) == 1 && a.stride(0) >= std::max<int64_t>(1, a.size(1)) && a.stride(0) <= INT_MAX;
  bool col_major = a.stride(0) == 1 && a.stride(1) >= std::max<int64_t>(1, a.size(0)) && a.stride(1) <= INT_MAX;
  return row_major || col_major ? a : a.contiguous();
}

// Rebuilds the strict lower triangle of the row-major n x n matrix f from its upper one: f[j][i] = 0 + f[i][j] (the
// "0 +" keeps the sign of a zero exactly as the former triu/add_ composition did). A plain serial loop: ATen's triu
// runs a parallel region per call, whose thread wake-up cost more than the copy on the small factors of a ResNet.
// Tiles of 64 x 64 keep the column-wise writes in cache for large n.
template <typename scalar_t>
void mirror_upper(at::Tensor& f) {
  constexpr int64_t kTile = 64;
  const int64_t n = f.size(0);
  scalar_t* p = f.data_ptr<scalar_t>();
  for (int64_t ib = 0; ib < n; ib += kTile) {
    const int64_t ie = std::min(n, ib + kTile);
    for (int64_t jb = ib; jb < n; jb += kTile) {
      const int64_t je = std::min(n, jb + kTile);
      for (int64_t i = ib; i < ie; ++i) {
        for (int64_t j = std::max(jb, i + 1); j < je; ++j) p[j * n + i] = scalar_t(0) + p[i * n + j];
      }
    }
  }
}

template <typename scalar_t>
void syrk_update(at::Tensor& f, const at::Tensor& a, double beta, double alpha) {
  // BLAS is column-major: f's row-major memory is F^T = F (symmetric), and uplo "L" of the column-major matrix is the
  // upper triangle of the row-major one. A row-major a (n x k, leading dim s0) is the column-major k x n matrix A^T,
  // so A*A^T = (A^T)^T*(A^T): trans "T"; a column-major a (leading dim s1) is A itself: trans "N".
  int n = static_cast<int>(f.size(0));
  int k = static_cast<int>(a.size(1));
  bool row_major = a.stride(1) == 1 && a.stride(0) >= std::max<int64_t>(1, a.size(1));
  int lda = static_cast<int>(row_major ? a.stride(0) : a.stride(1));
  syrk<scalar_t>(row_major ? "T" : "N", n, k, static_cast<scalar_t>(alpha), a.data_ptr<scalar_t>(), lda,
                 static_cast<scalar_t>(beta), f.data_ptr<scalar_t>(), n);
}

}  // namespace
#endif

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
  ats::parallel_bins(static_cast<int64_t>(bins.size()), [&](int64_t b) {
    at::NoGradGuard no_grad;
    for (int64_t i : bins[static_cast<size_t>(b)]) rank_k_update(fs[i], xs[i], betas[i], alphas[i]);
  });
  ATS_CATCH
}

}  // extern "C"
