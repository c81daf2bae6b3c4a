// Eigenvalue-corrected Shampoo's amortized refresh by eigh for every due Kronecker factor in one call: per factor,
// A = F / divisor (+ eps on the diagonal when eps != 0) and Q <- eigh(A).eigenvectors, the same ATen calls as
// EigenvalueCorrectedPreconditioner.Refresh with plain eigh. An eigh of a few hundred rows is a tridiagonal reduction of
// many level-2 BLAS calls, each of which wakes the BLAS threads for too little work; so when the factors can be dealt
// evenly to the intra-op threads (largest first, cost d^3), each thread runs its factors' eigh single-threaded inside one
// parallel region (as ops_soap.cpp does for SOAP's QRs). A factor whose A holds NaN/inf, or on which LAPACK fails, is
// left untouched and reported, so the caller can take its one-factor path (which retries in float64 and says why).
#include <ATen/ops/isfinite.h>
#include <ATen/ops/linalg_eigh.h>

#include "common.h"

using ats::T;

namespace {

// 0: refreshed (q holds the eigenvectors of A); 1: A not finite; 2: eigh failed. Nothing is written unless 0.
int32_t refresh_one(const at::Tensor& f, at::Tensor& q, double divisor, double eps) {
  at::NoGradGuard no_grad;
  at::Tensor a = f.div(divisor);
  if (eps != 0) a.diagonal().add_(eps);
  if (!at::isfinite(a).all().item<bool>()) return 1;
  at::Tensor vectors;
  try {
    vectors = std::get<1>(at::linalg_eigh(a, "L"));
  } catch (const std::exception&) {  // LAPACK's failure to converge, among others: the caller's path reports it
    return 2;
  }
  q.copy_(vectors);
  return 0;
}

}  // namespace

extern "C" {

int32_t ats_eigh_refresh_(const ats_tensor* accumulators, const ats_tensor* bases, int64_t n, const double* divisors,
                          const double* eps, int32_t* status) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "eigh_refresh_: n must be >= 0 (got ", n, ")");
  if (n == 0) return ATS_OK;
  if (accumulators == nullptr || bases == nullptr || divisors == nullptr || eps == nullptr || status == nullptr) {
    throw ats::NullHandle();
  }
  std::vector<at::Tensor> fs, qs;
  std::vector<double> cost;
  for (int64_t i = 0; i < n; ++i) {
    const at::Tensor& f = T(accumulators[i]);
    const at::Tensor& q = T(bases[i]);
    TORCH_CHECK(f.dim() == 2 && f.size(0) == f.size(1), "eigh_refresh_: statistic ", i, " is not square: ", f.sizes());
    TORCH_CHECK(q.sizes() == f.sizes(), "eigh_refresh_: basis ", i, " has shape ", q.sizes(), ", its statistic ",
                f.sizes());
    fs.push_back(f);
    qs.push_back(q);
    const double d = static_cast<double>(f.size(0));
    cost.push_back(d * d * d + 1);
  }
  const auto bins = ats::deal_balanced(cost, 1.15);
  if (bins.empty()) {
    for (int64_t i = 0; i < n; ++i) status[i] = refresh_one(fs[i], qs[i], divisors[i], eps[i]);
    return ATS_OK;
  }
  at::parallel_for(0, static_cast<int64_t>(bins.size()), 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      for (int64_t i : bins[static_cast<size_t>(b)]) status[i] = refresh_one(fs[i], qs[i], divisors[i], eps[i]);
    }
  });
  ATS_CATCH
}

}  // extern "C"
