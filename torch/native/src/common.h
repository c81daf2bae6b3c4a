// Internal helpers shared by every translation unit of the shim. Not part of the ABI.
#pragma once

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "ats.h"
#include "parallel.h"

struct ats_tensor_s {
  at::Tensor t;
};

struct ats_generator_s {
  at::Generator g;
};

namespace ats {

extern std::atomic<int64_t> g_live_tensors;
// False: the fused CPU kernels (attention, RMSNorm, RoPE) take their composed ATen graphs (for A/B timing).
extern std::atomic<bool> g_fused_kernels;
// True on a thread inside ats_set_twice_differentiable(true): the fused kernels take their composed ATen graphs there,
// so the graph recorded can be differentiated twice (Hessian-vector products).
extern thread_local bool tl_twice_differentiable;

// The fused CPU kernels' shared precondition: switched on (and not on a thread that needs a twice-differentiable
// graph), and a CPU tensor in float32 or float64.
inline bool fused_cpu_float(const at::Tensor& t) {
  return g_fused_kernels.load() && !tl_twice_differentiable && t.device().is_cpu() &&
         (t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble);
}

// Strided, contiguous CPU tensors of one dtype, float32 or float64 (the first one's): what the hand-written loops read
// as flat arrays. Anything else takes ATen ops.
inline bool contiguous_float_cpu(std::initializer_list<const at::Tensor*> ts) {
  const auto st = (*ts.begin())->scalar_type();
  if (st != at::kFloat && st != at::kDouble) return false;
  for (const at::Tensor* t : ts) {
    if (t->layout() != at::kStrided || !t->device().is_cpu() || t->scalar_type() != st || !t->is_contiguous()) {
      return false;
    }
  }
  return true;
}

// contiguous_float_cpu, and every tensor the first one's size: what a fused elementwise loop reads as parallel arrays.
inline bool same_size_float_cpu(std::initializer_list<const at::Tensor*> ts) {
  if (!contiguous_float_cpu(ts)) return false;
  const int64_t n = (*ts.begin())->numel();
  return std::all_of(ts.begin(), ts.end(), [n](const at::Tensor* t) { return t->numel() == n; });
}

// Runs body(k, begin, end) over the elements [begin, end) of tensor k for every tensor, the tensors' elements laid end
// to end and cut into contiguous ranges of at least `grain` elements, one per thread, in one parallel region
// (ats::parallel_range): one pass over every element, in one call. An elementwise body gives the same result however
// the range is cut. The body reads data pointers only (no ATen operators: see parallel.h).
template <typename Body>
void for_each_flat(const std::vector<int64_t>& sizes, int64_t grain, const Body& body) {
  std::vector<int64_t> offsets(sizes.size() + 1, 0);
  for (size_t k = 0; k < sizes.size(); ++k) offsets[k + 1] = offsets[k] + sizes[k];
  if (offsets.back() == 0) return;
  ats::parallel_range(0, offsets.back(), grain, [&](int64_t begin, int64_t end) {
    size_t k = static_cast<size_t>(std::upper_bound(offsets.begin(), offsets.end(), begin) - offsets.begin()) - 1;
    for (; begin < end && k < sizes.size(); ++k) {
      const int64_t stop = std::min(end, offsets[k + 1]);
      if (stop > begin) body(k, begin - offsets[k], stop - offsets[k]);
      begin = std::max(begin, stop);
    }
  });
}

// True when this CPU runs ATen's AVX2 (or AVX-512) kernels, whose vec::fmadd, the vector form of add(x, y, alpha),
// is one fused multiply-add: the fused loops then use fma where ATen does, and are bit-identical to its ops.
inline bool cpu_has_fma() {
  static const bool fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return fma;
}

// a*b + c rounded once when Fma (ATen's vec::fmadd on AVX2/AVX-512), twice otherwise (its default kernels; the files
// using it are compiled without contraction, so the compiler never fuses the plain form).
template <bool Fma, typename T>
inline __attribute__((always_inline)) T madd(T a, T b, T c) {
  if constexpr (!Fma) {
    return a * b + c;
  } else if constexpr (std::is_same_v<T, float>) {
    return __builtin_fmaf(a, b, c);
  } else {
    return __builtin_fma(a, b, c);
  }
}

// No NaN or ±∞ among x[0, n). A value is NaN or ±∞ exactly when all its exponent bits are set, so when adding one
// unit of the exponent to those bits carries into the sign bit. Integer ands, adds and ors vectorize with plain SSE2 at
// -O3 (ops_bench.cpp) for float32 and float64 alike (std::isfinite's floating compares would not without -ffast-math,
// nor 64-bit equality compares); the fixed block length lets float32 vectorize at -O2 too. A block holding a NaN or ±∞
// ends the scan. Always inlined, so each caller gets the loop compiled with its own file's flags.
template <typename F>
inline __attribute__((always_inline)) bool finite_values(const F* x, int64_t n) {
  static_assert(std::is_same_v<F, float> || std::is_same_v<F, double>, "finite_values reads float32 or float64");
  using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
  typedef Bits __attribute__((may_alias)) AliasBits;
  constexpr bool kSingle = sizeof(F) == 4;
  constexpr Bits kExponent = static_cast<Bits>(kSingle ? 0x7f800000ull : 0x7ff0000000000000ull);
  constexpr Bits kUnit = static_cast<Bits>(kSingle ? 0x00800000ull : 0x0010000000000000ull);
  constexpr Bits kSign = static_cast<Bits>(kSingle ? 0x80000000ull : 0x8000000000000000ull);
  constexpr int64_t kBlock = 1024;
  const AliasBits* q = reinterpret_cast<const AliasBits*>(x);
  int64_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    Bits carry = 0;
    for (int64_t j = 0; j < kBlock; ++j) carry |= (q[i + j] & kExponent) + kUnit;
    if ((carry & kSign) != 0) return false;
  }
  Bits carry = 0;
  for (; i < n; ++i) carry |= (q[i] & kExponent) + kUnit;
  return (carry & kSign) == 0;
}

// Elements [begin, end) of a tensor that contiguous_float_cpu accepts all finite.
inline __attribute__((always_inline)) bool finite_range(const at::Tensor& t, int64_t begin, int64_t end) {
  if (t.scalar_type() == at::kFloat) return finite_values(t.data_ptr<float>() + begin, end - begin);
  return finite_values(t.data_ptr<double>() + begin, end - begin);
}

// Every element of t finite, as at::isfinite(t).all() says (true for an empty tensor and for integer ones): one read
// of a contiguous float32/float64 CPU tensor; anything else (strided, half, complex, CUDA) through those ATen ops.
inline bool all_finite(const at::Tensor& t) {
  if (contiguous_float_cpu({&t})) return finite_range(t, 0, t.numel());
  return at::isfinite(t).all().item<bool>();
}

// The fused nodes' backwards are raw kernels, not graphs: refuse backward with create_graph=true.
inline void refuse_double_backward(const char* what) {
  TORCH_CHECK(!at::GradMode::is_enabled(), "the fused ", what,
              " is not twice differentiable (backward with create_graph=true); record the forward under "
              "ats_set_twice_differentiable(true) (C#: Autograd.TwiceDifferentiable()) to take its composed graph");
}

void set_error(const char* msg);
void ensure_thread_init();

// Longest-processing-time dealing: the jobs order[first..last) (largest first) each to the least loaded of `threads`
// bins. Returns the bins (job indices), the fullest bin's load and the total.
struct Lpt {
  std::vector<std::vector<int64_t>> bins;
  double fullest = 0;
  double total = 0;
};

template <typename Cost>
inline Lpt deal_lpt(const std::vector<int64_t>& order, size_t first, int64_t threads, Cost cost) {
  Lpt r;
  r.bins.resize(static_cast<size_t>(threads));
  std::vector<double> load(static_cast<size_t>(threads), 0.0);
  for (size_t k = first; k < order.size(); ++k) {
    size_t b = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[b] += cost(order[k]);
    r.total += cost(order[k]);
    r.bins[b].push_back(order[k]);
  }
  r.fullest = *std::max_element(load.begin(), load.end());
  return r;
}

// Deals independent jobs of the given costs to the intra-op threads for one parallel region (ats::parallel_bins) in
// which each thread runs its jobs with single-threaded kernels: largest first, each to the least loaded thread. Returns
// one list of job indices per thread, or nothing when there is a single thread or job, or when the largest load would
// exceed `slack` times the fair share (the others would wait: run the jobs in turn with multi-threaded kernels
// instead). For GEMM-bound jobs (syrk, ec_shampoo's blocks), where a multi-threaded GEMM shares even one large matrix
// well.
inline std::vector<std::vector<int64_t>> deal_balanced(const std::vector<double>& cost, double slack) {
  const int64_t n = static_cast<int64_t>(cost.size());
  const int64_t threads = std::min<int64_t>(at::get_num_threads(), n);
  if (threads < 2) return {};
  std::vector<int64_t> order(cost.size());
  std::iota(order.begin(), order.end(), int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return cost[i] > cost[j]; });
  Lpt dealt = deal_lpt(order, 0, threads, [&](int64_t i) { return cost[static_cast<size_t>(i)]; });
  if (dealt.fullest > slack * dealt.total / static_cast<double>(threads)) return {};
  return std::move(dealt.bins);
}

// The smallest side of a LAPACK job (eigh, QR) that may run alone with every thread (InverseRootSchedule.DefaultAloneSide
// in C#): below it a multi-threaded eigh or QR pays a thread wake-up per BLAS call of its reduction, more than the
// arithmetic it shares (a 128 x 128 QR: 1.9 ms on two threads, 0.3 ms on one; benchmarks/README.md).
constexpr int64_t kAloneSide = 512;

// Where each of a step's LAPACK-bound jobs of side sides[i] (cost d³ + 1) runs, as InverseRootSchedule.Plan decides:
// `bins` (one per intra-op thread) for one parallel region, however unequal, and `alone` for the jobs too large to
// share, which run one after another outside the region with multi-threaded LAPACK. Largest first to the least loaded
// bin; while the fullest bin exceeds `slack` times the fair share and the largest job left has a side >= alone_side, that
// job goes alone and the rest are dealt again. With one thread every job is alone (bins empty).
struct Dealt {
  std::vector<std::vector<int64_t>> bins;
  std::vector<int64_t> alone;
};

inline Dealt deal_or_alone(const std::vector<int64_t>& sides, int64_t alone_side, double slack) {
  Dealt d;
  const int64_t n = static_cast<int64_t>(sides.size());
  const int64_t threads = at::in_parallel_region() ? 1 : at::get_num_threads();
  auto cost = [&](int64_t i) {
    const double s = static_cast<double>(sides[static_cast<size_t>(i)]);
    return s * s * s + 1;
  };
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  if (threads < 2 || n == 0) {
    d.alone = order;
    return d;
  }
  std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return cost(i) > cost(j); });
  for (size_t first = 0; first < order.size(); ++first) {
    Lpt dealt = deal_lpt(order, first, threads, cost);
    if (dealt.fullest <= slack * dealt.total / static_cast<double>(threads) || sides[static_cast<size_t>(order[first])] < alone_side) {
      d.bins = std::move(dealt.bins);
      return d;
    }
    d.alone.push_back(order[first]);  // too large to share: alone, and the rest dealt again
  }
  return d;  // every job alone
}

// Wraps a result tensor in a new owned handle (undefined -> NULL).
inline ats_tensor wrap(at::Tensor t) {
  if (!t.defined()) return nullptr;
  g_live_tensors.fetch_add(1, std::memory_order_relaxed);
  return new ats_tensor_s{std::move(t)};
}

struct NullHandle : std::exception {
  const char* what() const noexcept override { return "null tensor handle passed to the native shim"; }
};

inline at::Tensor& T(ats_tensor h) {
  if (h == nullptr) throw NullHandle();
  return h->t;
}

// Optional tensor: NULL -> undefined.
inline c10::optional<at::Tensor> OptT(ats_tensor h) {
  if (h == nullptr) return c10::nullopt;
  return h->t;
}

inline at::Scalar S(const ats_scalar& s) {
  switch (s.kind) {
    case 1: return at::Scalar(static_cast<int64_t>(s.i));
    case 2: return at::Scalar(s.i != 0);
    default: return at::Scalar(s.f);
  }
}

inline c10::optional<at::Generator> Gen(ats_generator g) {
  if (g == nullptr) return c10::nullopt;
  return g->g;
}

inline at::Device Dev(int32_t device) {
  if (device < 0) return at::Device(at::kCPU);
  return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device));
}

inline at::TensorOptions Opts(int32_t dtype, int32_t device) {
  return at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)).device(Dev(device));
}

inline at::IntArrayRef Ints(const int64_t* p, int64_t n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }

inline std::vector<at::Tensor> List(const ats_tensor* hs, int64_t n) {
  std::vector<at::Tensor> v;
  v.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v.push_back(T(hs[i]));
  return v;
}

// Writes a list of results into a caller-provided array of `cap` handles; *n receives the count.
inline void WrapList(const std::vector<at::Tensor>& v, ats_tensor* out, int64_t cap, int64_t* n) {
  if (static_cast<int64_t>(v.size()) > cap) {
    throw std::length_error("result list has " + std::to_string(v.size()) + " tensors but the caller reserved " +
                            std::to_string(cap));
  }
  for (size_t i = 0; i < v.size(); ++i) out[i] = wrap(v[i]);
  *n = static_cast<int64_t>(v.size());
}

}  // namespace ats

// Every export body goes between ATS_TRY and ATS_CATCH. Errors never escape as C++ exceptions.
#define ATS_TRY          \
  try {                  \
    ats::ensure_thread_init();

#define ATS_CATCH                                                   \
  return ATS_OK;                                                    \
  }                                                                 \
  catch (const c10::Error& e) {                                     \
    ats::set_error(e.what_without_backtrace());                     \
    return ATS_ERR_TORCH;                                           \
  }                                                                 \
  catch (const ats::NullHandle& e) {                                \
    ats::set_error(e.what());                                       \
    return ATS_ERR_ARG;                                             \
  }                                                                 \
  catch (const std::exception& e) {                                 \
    ats::set_error(e.what());                                       \
    return ATS_ERR_STD;                                             \
  }                                                                 \
  catch (...) {                                                     \
    ats::set_error("unknown native exception in the libtorch shim"); \
    return ATS_ERR_UNKNOWN;                                         \
  }

// One-liner for exports that produce one tensor: ATS_RETURN_TENSOR(out, expr)
#define ATS_RETURN_TENSOR(out, expr) \
  ATS_TRY *(out) = ats::wrap(expr);  \
  ATS_CATCH
