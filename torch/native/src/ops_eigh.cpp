// Eigenvalue-corrected Shampoo's amortized refresh by eigh for every due Kronecker factor in one call: per factor,
// A = F / divisor (+ eps on the diagonal when eps != 0) and Q <- eigh(A).eigenvectors, the same ATen calls as
// EigenvalueCorrectedPreconditioner.Refresh with plain eigh. An eigh of a few hundred rows is a tridiagonal reduction of
// many level-2 BLAS calls, each of which wakes the BLAS threads for too little work; so the factors are dealt to the
// intra-op threads (largest first, cost d^3; ats::deal_or_alone, the schedule of ASGO's roots) and each thread runs its
// factors' eigh single-threaded inside one parallel region (ats::parallel_bins); a factor of side >= 512 that the others
// cannot balance runs alone with multi-threaded LAPACK. A factor whose A holds NaN/inf, or on which LAPACK fails, is
// left untouched and reported, so the caller can take its one-factor path (which retries in float64 and says why).
// (Until 2026-12-07 the dealt factors ran in an at::parallel_for of this file, compiled without OpenMP, i.e. one after
// another on the calling thread.)
#include <ATen/ops/linalg_eigh.h>

#include <tuple>

#include "common.h"
#include "parallel.h"

using ats::T;

namespace {

// 0: refreshed (q holds the eigenvectors of A); 1: A not finite; 2: eigh failed. Nothing is written unless 0.
int32_t refresh_one(const at::Tensor& f, at::Tensor& q, double divisor, double eps) {
  at::NoGradGuard no_grad;
  at::Tensor a = f.div(divisor);
  if (eps != 0) a.diagonal().add_(eps);
  if (!ats::all_finite(a)) return 1;
  at::Tensor vectors;
  try {
    vectors = std::get<1>(at::linalg_eigh(a, "L"));
  } catch (const std::exception&) {  // LAPACK's failure to converge, among others: the caller's path reports it
    return 2;
  }
  q.copy_(vectors);
  return 0;
}

// (A + eps I)^(-1/root) as MatrixFunction.InverseRoot computes it: eigh of A + eps I, the spectrum shifted up by
// eps - min when its minimum is below eps, Y = Q diag(lambda^(-1/(2 root))), X = Y Y^T. 0: x holds X; 1: A not finite;
// 2: eigh failed (x undefined in both).
int32_t inverse_root_one(const at::Tensor& a, double root, double eps, at::Tensor& x) {
  at::NoGradGuard no_grad;
  if (!ats::all_finite(a)) return 1;
  at::Tensor b = a.clone();
  b.diagonal().add_(eps);
  at::Tensor lambda, q;
  try {
    std::tie(lambda, q) = at::linalg_eigh(b, "L");
  } catch (const std::exception&) {
    return 2;
  }
  const double low = lambda.min().item<double>();
  if (low < eps) lambda = lambda + (eps - low);
  at::Tensor y = q * lambda.pow(-0.5 / root).unsqueeze(0);
  x = at::mm(y, y.t());
  return 0;
}

}  // namespace

extern "C" {

int32_t ats_inverse_roots_dealt(const ats_tensor* matrices, int64_t n, double root, const double* eps, ats_tensor* out,
                                int32_t* status) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "inverse_roots_dealt: n must be >= 0 (got ", n, ")");
  TORCH_CHECK(root > 0, "inverse_roots_dealt: root must be > 0 (got ", root, ")");
  if (n == 0) return ATS_OK;
  if (matrices == nullptr || eps == nullptr || out == nullptr || status == nullptr) throw ats::NullHandle();
  std::vector<at::Tensor> as;
  std::vector<double> cost;
  for (int64_t i = 0; i < n; ++i) {
    const at::Tensor& a = T(matrices[i]);
    TORCH_CHECK(a.dim() == 2 && a.size(0) == a.size(1), "inverse_roots_dealt: matrix ", i, " is not square: ",
                a.sizes());
    as.push_back(a);
    const double d = static_cast<double>(a.size(0));
    cost.push_back(d * d * d + 1);
    out[i] = nullptr;
    status[i] = 3;
  }
  const auto bins = ats::deal_balanced(cost, 1.15);
  if (bins.empty()) return ATS_OK;  // status 3 everywhere: not dealt, the caller computes them one by one
  std::vector<at::Tensor> xs(static_cast<size_t>(n));
  // The bins run one after another on this thread, with multi-threaded LAPACK: this is the former schedule as it ran
  // and was measured (the --inverse-roots benchmark's "former" column), kept as that yardstick. ASGO itself calls
  // ats_inverse_roots_planned below, whose bins do run in one parallel region.
  for (const auto& bin : bins) {
    for (int64_t i : bin) {
      status[i] = inverse_root_one(as[static_cast<size_t>(i)], root, eps[i], xs[static_cast<size_t>(i)]);
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    if (status[i] == 0) out[i] = ats::wrap(xs[static_cast<size_t>(i)]);
  }
  ATS_CATCH
}

// The caller's plan (MatrixFunction.InverseRoots, from InverseRootSchedule.Plan): plan[i] in [0, bins) puts matrix i in
// that bin, and all bins run in one parallel region (ats::parallel_bins, parallel.h), each on one thread with
// single-threaded LAPACK and BLAS (one small matrix alone in bin 0 still runs single-threaded: the region has a thread
// per bin, some idle); plan[i] = -1 leaves it to the caller (status 3), who runs it by itself with the intra-op threads.
int32_t ats_inverse_roots_planned(const ats_tensor* matrices, int64_t n, double root, const double* eps,
                                  const int32_t* plan, int32_t bins, ats_tensor* out, int32_t* status) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "inverse_roots_planned: n must be >= 0 (got ", n, ")");
  TORCH_CHECK(root > 0, "inverse_roots_planned: root must be > 0 (got ", root, ")");
  TORCH_CHECK(bins >= 1, "inverse_roots_planned: bins must be >= 1 (got ", bins, ")");
  if (n == 0) return ATS_OK;
  if (matrices == nullptr || eps == nullptr || plan == nullptr || out == nullptr || status == nullptr) {
    throw ats::NullHandle();
  }
  std::vector<at::Tensor> as(static_cast<size_t>(n));
  std::vector<std::vector<int64_t>> members(static_cast<size_t>(bins));
  for (int64_t i = 0; i < n; ++i) {
    out[i] = nullptr;
    status[i] = 3;
  }
  for (int64_t i = 0; i < n; ++i) {
    TORCH_CHECK(plan[i] >= -1 && plan[i] < bins, "inverse_roots_planned: matrix ", i, " has bin ", plan[i],
                ", not in [-1, ", bins, ")");
    if (plan[i] < 0) continue;
    const at::Tensor& a = T(matrices[i]);
    TORCH_CHECK(a.dim() == 2 && a.size(0) == a.size(1), "inverse_roots_planned: matrix ", i, " is not square: ",
                a.sizes());
    as[static_cast<size_t>(i)] = a;
    members[static_cast<size_t>(plan[i])].push_back(i);
  }
  if (std::all_of(members.begin(), members.end(), [](const auto& m) { return m.empty(); })) return ATS_OK;
  std::vector<at::Tensor> xs(static_cast<size_t>(n));
  std::vector<int32_t> result(static_cast<size_t>(n), 3);
  ats::parallel_bins(bins, [&](int64_t b) {
    for (int64_t i : members[static_cast<size_t>(b)]) {
      const auto k = static_cast<size_t>(i);
      result[k] = inverse_root_one(as[k], root, eps[i], xs[k]);
    }
  });
  for (int64_t i = 0; i < n; ++i) {
    status[i] = result[static_cast<size_t>(i)];
    if (status[i] == 0) out[i] = ats::wrap(xs[static_cast<size_t>(i)]);
  }
  ATS_CATCH
}

int32_t ats_eigh_refresh_(const ats_tensor* accumulators, const ats_tensor* bases, int64_t n, const double* divisors,
                          const double* eps, int32_t* status) {
  ATS_TRY
  TORCH_CHECK(n >= 0, "eigh_refresh_: n must be >= 0 (got ", n, ")");
  if (n == 0) return ATS_OK;
  if (accumulators == nullptr || bases == nullptr || divisors == nullptr || eps == nullptr || status == nullptr) {
    throw ats::NullHandle();
  }
  std::vector<at::Tensor> fs, qs;
  std::vector<int64_t> sides;
  for (int64_t i = 0; i < n; ++i) {
    const at::Tensor& f = T(accumulators[i]);
    const at::Tensor& q = T(bases[i]);
    TORCH_CHECK(f.dim() == 2 && f.size(0) == f.size(1), "eigh_refresh_: statistic ", i, " is not square: ", f.sizes());
    TORCH_CHECK(q.sizes() == f.sizes(), "eigh_refresh_: basis ", i, " has shape ", q.sizes(), ", its statistic ",
                f.sizes());
    fs.push_back(f);
    qs.push_back(q);
    sides.push_back(f.size(0));
  }
  // ASGO's schedule (common.h, deal_or_alone): factors dealt to the threads for one region however unequal, except a
  // side >= 512 the others cannot balance, which runs alone with multi-threaded LAPACK first.
  const ats::Dealt dealt = ats::deal_or_alone(sides, ats::kAloneSide, 1.15);
  for (int64_t i : dealt.alone) status[i] = refresh_one(fs[i], qs[i], divisors[i], eps[i]);
  ats::parallel_bins(static_cast<int64_t>(dealt.bins.size()), [&](int64_t b) {
    for (int64_t i : dealt.bins[static_cast<size_t>(b)]) status[i] = refresh_one(fs[i], qs[i], divisors[i], eps[i]);
  });
  ATS_CATCH
}

}  // extern "C"
