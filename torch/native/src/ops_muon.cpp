// Muon's Newton–Schulz orthogonalization over a batch of same-shape matrices in one call: one stacked working
// tensor in the requested precision, three batched GEMMs per iteration (X·Xᵀ, b·A + c·A·A, a·X + B·X with the
// scalars folded into baddbmm's alpha/beta), buffers reused across iterations, the result written back in place.
// On CPU, bfloat16 GEMMs go to oneDNN (fast where the CPU has AVX-512 BF16 / AMX), float32/float64 to BLAS.
// ats_newton_schulz_many_ takes matrices of several shapes at once: it batches them by shape and, when the work splits
// evenly, deals the matrices to the intra-op threads so that each thread runs its batches single-threaded in one
// parallel region (ats::parallel_bins) — small GEMMs (a ResNet's conv kernels) then stop paying a thread fork/join
// each, and the threads never wait on each other. (Until 2026-12-07 that region was an at::parallel_for in this
// file, compiled without OpenMP, so the dealt bins ran one after another on the calling thread.)
#include <ATen/ops/baddbmm.h>
#include <ATen/ops/bmm.h>
#include <ATen/ops/linalg_vector_norm.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "common.h"
#include "parallel.h"

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

// Newton–Schulz of one batch of same-shape matrices, written back in place with each matrix's scale.
void newton_schulz_batch(const std::vector<at::Tensor>& xs, int64_t steps, double a, double b, double c, double eps,
                         at::ScalarType dtype, const std::vector<double>& scales) {
  const at::Tensor& first = xs[0];
  const int64_t n = static_cast<int64_t>(xs.size());
  const int64_t rows = first.size(0), cols = first.size(1);
  // Work on the wide orientation (r ≤ c): the Gram matrix is then the smaller r×r.
  const bool tall = rows > cols;
  const int64_t r = tall ? cols : rows, k = tall ? rows : cols;
  auto opts = first.options().dtype(dtype);
  at::Tensor x = at::empty({n, r, k}, opts);  // (n, r, k)
  for (int64_t i = 0; i < n; ++i) x.select(0, i).copy_(tall ? xs[i].t() : xs[i]);
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
    at::Tensor out = xs[i];
    out.copy_(tall ? x.select(0, i).t() : x.select(0, i));
    if (scales[i] != 1) out.mul_(scales[i]);
  }
}

// Matrices are dealt to the threads only while every one is below this many multiply-adds per iteration (a ResNet's
// 128×1152 kernel: 4e7): there a GEMM takes well under a millisecond and the fork/join of a multi-threaded GEMM —
// a thread wake-up, tens of microseconds on an idle VM — is a large share of it. Larger matrices (a Llama's 256×688,
// 1.1e8) keep multi-threaded GEMMs, where the split costs nothing and the threads share even a single matrix.
constexpr double kDealMaxCost = 6.4e7;

// Multiply-adds of one iteration on an r×k (wide) matrix: X·Xᵀ and B·X (r²k each) and A·A (r³).
double ns_cost(const at::Tensor& m) {
  const double r = static_cast<double>(std::min(m.size(0), m.size(1)));
  const double k = static_cast<double>(std::max(m.size(0), m.size(1)));
  return 2 * r * r * k + r * r * r;
}

// Runs `order` (indices into xs) as batches of equal shape, in order of first appearance.
void run_batched(const std::vector<at::Tensor>& xs, const std::vector<double>& scales, const std::vector<int64_t>& order,
                 int64_t steps, double a, double b, double c, double eps, at::ScalarType dtype) {
  std::vector<std::vector<int64_t>> batches;
  std::map<std::pair<int64_t, int64_t>, size_t> slot;
  for (int64_t i : order) {
    auto key = std::make_pair(xs[i].size(0), xs[i].size(1));
    auto it = slot.find(key);
    if (it == slot.end()) {
      it = slot.emplace(key, batches.size()).first;
      batches.emplace_back();
    }
    batches[it->second].push_back(i);
  }
  for (const auto& batch : batches) {
    std::vector<at::Tensor> ms;
    std::vector<double> ss;
    for (int64_t i : batch) {
      ms.push_back(xs[i]);
      ss.push_back(scales[i]);
    }
    newton_schulz_batch(ms, steps, a, b, c, eps, dtype, ss);
  }
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
  for (int64_t i = 1; i < n; ++i) {
    TORCH_CHECK(T(xs[i]).sizes() == first.sizes(), "newton_schulz_: matrix ", i, " has shape ", T(xs[i]).sizes(),
                ", not the batch's ", first.sizes());
  }
  at::NoGradGuard no_grad;
  newton_schulz_batch(ats::List(xs, n), steps, a, b, c, eps, static_cast<at::ScalarType>(dtype),
                      std::vector<double>(static_cast<size_t>(n), scale));
  ATS_CATCH
}

int32_t ats_newton_schulz_many_(const ats_tensor* xs, const double* scales, int64_t n, int64_t steps, double a,
                                double b, double c, double eps, int32_t dtype) {
  ATS_TRY
  TORCH_CHECK(n >= 1, "newton_schulz_many_: needs at least one matrix (got ", n, ")");
  TORCH_CHECK(steps >= 1, "newton_schulz_many_: steps must be >= 1 (got ", steps, ")");
  if (scales == nullptr) throw std::invalid_argument("newton_schulz_many_: null scale list");
  std::vector<at::Tensor> ms = ats::List(xs, n);
  for (int64_t i = 0; i < n; ++i) {
    TORCH_CHECK(ms[i].dim() == 2, "newton_schulz_many_: matrix ", i, " is not 2-D (shape ", ms[i].sizes(), ")");
  }
  std::vector<double> ss(scales, scales + n);
  const at::ScalarType type = static_cast<at::ScalarType>(dtype);
  at::NoGradGuard no_grad;
  // Deal the matrices, largest first, each to the least loaded thread (LPT), when they are small (kDealMaxCost) and no
  // matrix exceeds a thread's fair share (else one thread would run the big one alone); otherwise all batches run
  // here, in turn, with multi-threaded GEMMs (exactly as ats_newton_schulz_ per shape).
  const int64_t threads = at::in_parallel_region() ? 1 : std::min<int64_t>(at::get_num_threads(), n);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  double total = 0, largest = 0;
  for (const auto& m : ms) {
    total += ns_cost(m);
    largest = std::max(largest, ns_cost(m));
  }
  if (threads <= 1 || largest > total / static_cast<double>(threads) || largest > kDealMaxCost) {
    run_batched(ms, ss, order, steps, a, b, c, eps, type);
    return ATS_OK;
  }
  std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return ns_cost(ms[i]) > ns_cost(ms[j]); });
  std::vector<std::vector<int64_t>> bins = ats::deal_lpt(order, 0, threads, [&](int64_t i) { return ns_cost(ms[i]); }).bins;
  for (auto& bin : bins) std::sort(bin.begin(), bin.end());  // batches in order of first appearance
  // One bin per thread in one real region (parallel_bins carries this thread's no-grad mode to the others).
  ats::parallel_bins(threads, [&](int64_t t) {
    run_batched(ms, ss, bins[static_cast<size_t>(t)], steps, a, b, c, eps, type);
  });
  ATS_CATCH
}

int32_t ats_cpu_has_native_bf16(bool* out) {
  ATS_TRY
  *out = cpu_has_native_bf16();
  ATS_CATCH
}

}  // extern "C"
