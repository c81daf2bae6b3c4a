// Linear algebra: decompositions (eigh, QR, Cholesky, SVD), solves, inverse, norms and diagonal helpers.
// Everything batches over leading dims as torch.linalg does; shapes are documented in ats.h.
#include <ATen/ops/diag.h>
#include <ATen/ops/diag_embed.h>
#include <ATen/ops/linalg_cholesky.h>
#include <ATen/ops/linalg_cholesky_ex.h>
#include <ATen/ops/linalg_det.h>
#include <ATen/ops/linalg_eigh.h>
#include <ATen/ops/linalg_eigvalsh.h>
#include <ATen/ops/linalg_inv.h>
#include <ATen/ops/linalg_matrix_norm.h>
#include <ATen/ops/linalg_qr.h>
#include <ATen/ops/linalg_solve.h>
#include <ATen/ops/linalg_solve_triangular.h>
#include <ATen/ops/linalg_svd.h>
#include <ATen/ops/linalg_svdvals.h>
#include <ATen/ops/linalg_vector_norm.h>
#include <ATen/ops/trace.h>

#include "common.h"

using ats::T;

namespace {

const char* uplo(bool upper) { return upper ? "U" : "L"; }

}  // namespace

extern "C" {

int32_t ats_linalg_eigh(ats_tensor a, bool upper, ats_tensor* eigenvalues, ats_tensor* eigenvectors) {
  ATS_TRY
  auto r = at::linalg_eigh(T(a), uplo(upper));
  *eigenvalues = ats::wrap(std::get<0>(r));
  *eigenvectors = ats::wrap(std::get<1>(r));
  ATS_CATCH
}

int32_t ats_linalg_eigvalsh(ats_tensor a, bool upper, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::linalg_eigvalsh(T(a), uplo(upper)))
}

int32_t ats_linalg_qr(ats_tensor a, int32_t mode, ats_tensor* q, ats_tensor* r) {
  ATS_TRY
  const char* m;
  switch (mode) {
    case 0: m = "reduced"; break;
    case 1: m = "complete"; break;
    case 2: m = "r"; break;
    default: throw std::invalid_argument("qr mode must be 0 (reduced), 1 (complete) or 2 (r), got " +
                                         std::to_string(mode));
  }
  auto res = at::linalg_qr(T(a), m);
  *q = mode == 2 ? nullptr : ats::wrap(std::get<0>(res));
  *r = ats::wrap(std::get<1>(res));
  ATS_CATCH
}

int32_t ats_linalg_cholesky(ats_tensor a, bool upper, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::linalg_cholesky(T(a), upper))
}

int32_t ats_linalg_cholesky_ex(ats_tensor a, bool upper, ats_tensor* factor, ats_tensor* info) {
  ATS_TRY
  auto r = at::linalg_cholesky_ex(T(a), upper, /*check_errors=*/false);
  *factor = ats::wrap(std::get<0>(r));
  *info = ats::wrap(std::get<1>(r));
  ATS_CATCH
}

int32_t ats_linalg_solve(ats_tensor a, ats_tensor b, bool left, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::linalg_solve(T(a), T(b), left))
}

int32_t ats_linalg_solve_triangular(ats_tensor a, ats_tensor b, bool upper, bool left, bool unitriangular,
                                    ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::linalg_solve_triangular(T(a), T(b), upper, left, unitriangular))
}

int32_t ats_linalg_inv(ats_tensor a, ats_tensor* out) { ATS_RETURN_TENSOR(out, at::linalg_inv(T(a))) }

int32_t ats_linalg_svd(ats_tensor a, bool full_matrices, ats_tensor* u, ats_tensor* s, ats_tensor* vh) {
  ATS_TRY
  auto r = at::linalg_svd(T(a), full_matrices);
  *u = ats::wrap(std::get<0>(r));
  *s = ats::wrap(std::get<1>(r));
  *vh = ats::wrap(std::get<2>(r));
  ATS_CATCH
}

int32_t ats_linalg_svdvals(ats_tensor a, ats_tensor* out) { ATS_RETURN_TENSOR(out, at::linalg_svdvals(T(a))) }

int32_t ats_linalg_det(ats_tensor a, ats_tensor* out) { ATS_RETURN_TENSOR(out, at::linalg_det(T(a))) }

int32_t ats_linalg_matrix_norm(ats_tensor a, const char* ord_name, double ord, int64_t dim0, int64_t dim1,
                               bool keepdim, ats_tensor* out) {
  ATS_TRY
  std::vector<int64_t> dims{dim0, dim1};
  at::Tensor r = ord_name != nullptr ? at::linalg_matrix_norm(T(a), c10::string_view(ord_name), dims, keepdim)
                                     : at::linalg_matrix_norm(T(a), at::Scalar(ord), dims, keepdim);
  *out = ats::wrap(r);
  ATS_CATCH
}

int32_t ats_linalg_vector_norm(ats_tensor a, double ord, const int64_t* dims, int64_t ndims, bool keepdim,
                               ats_tensor* out) {
  ATS_TRY
  at::OptionalIntArrayRef d = ndims == 0 ? at::OptionalIntArrayRef() : at::OptionalIntArrayRef(ats::Ints(dims, ndims));
  *out = ats::wrap(at::linalg_vector_norm(T(a), at::Scalar(ord), d, keepdim));
  ATS_CATCH
}

int32_t ats_diag(ats_tensor a, int64_t diagonal, ats_tensor* out) { ATS_RETURN_TENSOR(out, at::diag(T(a), diagonal)) }

int32_t ats_diag_embed(ats_tensor a, int64_t offset, int64_t dim1, int64_t dim2, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::diag_embed(T(a), offset, dim1, dim2))
}

int32_t ats_diagonal(ats_tensor a, int64_t offset, int64_t dim1, int64_t dim2, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).diagonal(offset, dim1, dim2))
}

int32_t ats_trace(ats_tensor a, ats_tensor* out) { ATS_RETURN_TENSOR(out, at::trace(T(a))) }

}  // extern "C"
