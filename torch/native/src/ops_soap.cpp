// SOAP's eigenbasis refresh (nikhilvyas/SOAP get_orthogonal_matrix_QR) for every factor of a step in one call:
// per factor, e = diag(QᵀAQ) as the column sums of Q ⊙ AQ, the order sorting e descending (stable), and
// Q ← qr(AQ[:, order]).Q. The factors are independent small problems (d ≤ a few hundred): run one after another,
// each LAPACK QR (Householder steps of level-2 BLAS) wakes the BLAS threads for work too small to share, so here
// the factors are dealt to the intra-op threads (largest first, to the least loaded thread, ats::deal_or_alone) and each
// thread runs its factors' GEMM and QR single-threaded in one parallel region (ats::parallel_bins); a factor of side
// >= 512 that cannot be balanced runs alone with multi-threaded BLAS. The arithmetic per factor is the same ATen calls
// in the same order as the one-factor-at-a-time path. (Until 2026-12-07 the region was an at::parallel_for in this
// file, compiled without OpenMP: the factors ran one after another on the calling thread.)
#include <ATen/ops/linalg_qr.h>
#include <ATen/ops/mm.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common.h"
#include "parallel.h"

using ats::T;

namespace {

// One factor: returns 0 (refreshed: q holds the new basis, order[0..d) the permutation) or 1 (a non-finite
// statistic: nothing written). ATen errors propagate as exceptions.
int32_t refresh_one(const at::Tensor& a, at::Tensor& q, int64_t* order) {
  at::NoGradGuard no_grad;
  if (!ats::all_finite(a)) return 1;
  const int64_t d = a.size(0);
  at::Tensor aq = at::mm(a, q);
  at::Tensor est = (q * aq).sum(0).to(at::kDouble).contiguous();
  const double* e = est.data_ptr<double>();
  std::iota(order, order + d, int64_t{0});
  // Descending and stable, NaN after everything (as .NET's OrderByDescending over doubles orders them).
  std::stable_sort(order, order + d, [e](int64_t i, int64_t j) {
    if (std::isnan(e[i])) return false;
    return std::isnan(e[j]) || e[i] > e[j];
  });
  at::Tensor index = at::from_blob(order, {d}, at::TensorOptions().dtype(at::kLong)).clone();
  at::Tensor sorted = aq.index_select(1, index);
  q.copy_(std::get<0>(at::linalg_qr(sorted, "reduced")));
  return 0;
}

}  // namespace

extern "C" {

int32_t ats_soap_refresh_(const ats_tensor* accumulators, const ats_tensor* bases, int64_t n, int64_t* orders,
                          int32_t* status) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "soap_refresh_: n must be >= 0 (got ", n, ")");
  if (n == 0) return ATS_OK;
  if (accumulators == nullptr || bases == nullptr || orders == nullptr || status == nullptr) throw ats::NullHandle();
  std::vector<at::Tensor> as, qs;
  std::vector<int64_t> offset(static_cast<size_t>(n));
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    const at::Tensor& a = T(accumulators[i]);
    const at::Tensor& q = T(bases[i]);
    TORCH_CHECK(a.dim() == 2 && a.size(0) == a.size(1), "soap_refresh_: statistic ", i, " is not square: ", a.sizes());
    TORCH_CHECK(q.sizes() == a.sizes(), "soap_refresh_: basis ", i, " has shape ", q.sizes(), ", its statistic ",
                a.sizes());
    TORCH_CHECK(q.scalar_type() == a.scalar_type() && at::isFloatingType(a.scalar_type()),
                "soap_refresh_: factor ", i, " needs one floating dtype for statistic and basis");
    as.push_back(a);
    qs.push_back(q);
    offset[static_cast<size_t>(i)] = total;
    total += a.size(0);
  }
  // Where each factor runs (common.h, deal_or_alone, as ASGO's roots): dealt to the threads (largest first, cost d³, to
  // the least loaded) for one region, however unequal, except a factor of side >= 512 that the others cannot
  // balance, which runs alone with multi-threaded BLAS and LAPACK first. With one thread every factor runs alone.
  std::vector<int64_t> sides;
  for (const auto& a : as) sides.push_back(a.size(0));
  const ats::Dealt dealt = ats::deal_or_alone(sides, ats::kAloneSide, 1.15);
  auto refresh = [&](int64_t i) { status[i] = refresh_one(as[i], qs[i], orders + offset[static_cast<size_t>(i)]); };
  for (int64_t i : dealt.alone) refresh(i);
  ats::parallel_bins(static_cast<int64_t>(dealt.bins.size()), [&](int64_t b) {
    for (int64_t i : dealt.bins[static_cast<size_t>(b)]) refresh(i);
  });
  ATS_CATCH
}

}  // extern "C"
