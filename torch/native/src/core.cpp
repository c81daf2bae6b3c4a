// Runtime, generators, tensor metadata, creation, elementwise math, matmul and autograd.
#include <ATen/detail/CUDAHooksInterface.h>
#include <link.h>
#include <malloc.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/version.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>

#include "common.h"

namespace ats {

std::atomic<int64_t> g_live_tensors{0};
std::atomic<bool> g_fused_kernels{true};
thread_local bool tl_twice_differentiable = false;
static thread_local std::string tl_error;
static thread_local bool tl_thread_init = false;

void set_error(const char* msg) { tl_error = msg != nullptr ? msg : "(no message)"; }

void ensure_thread_init() {
  if (!tl_thread_init) {
    tl_thread_init = true;
    at::init_num_threads();
  }
}

static std::string json_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    switch (c) {
      case '"': r += "\\\""; break;
      case '\\': r += "\\\\"; break;
      case '\n': r += "\\n"; break;
      case '\t': r += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) r += ' ';
        else r += c;
    }
  }
  return r;
}

static int collect_lib(struct dl_phdr_info* info, size_t, void* data) {
  auto* libs = static_cast<std::set<std::string>*>(data);
  if (info->dlpi_name == nullptr || info->dlpi_name[0] == '\0') return 0;
  std::string name = info->dlpi_name;
  if (name.find("blas") != std::string::npos || name.find("lapack") != std::string::npos ||
      name.find("gomp") != std::string::npos || name.find("mkl") != std::string::npos) {
    char resolved[PATH_MAX];
    if (realpath(name.c_str(), resolved) != nullptr) name = resolved;
    libs->insert(name);
  }
  return 0;
}

}  // namespace ats

using ats::T;

extern "C" {

const char* ats_last_error(void) { return ats::tl_error.c_str(); }

int32_t ats_abi_version(void) { return ATS_ABI_VERSION; }

int32_t ats_runtime_info(char* buf, int64_t buf_len, int64_t* needed) {
  ATS_TRY
  std::set<std::string> libs;
  dl_iterate_phdr(ats::collect_lib, &libs);
  std::ostringstream os;
  os << "{\"torch_version\":\"" << TORCH_VERSION_MAJOR << "." << TORCH_VERSION_MINOR << "." << TORCH_VERSION_PATCH
     << "\",\"abi_version\":" << ATS_ABI_VERSION << ",\"num_threads\":" << at::get_num_threads()
     << ",\"num_interop_threads\":" << at::get_num_interop_threads()
     << ",\"cuda_available\":" << (at::hasCUDA() ? "true" : "false")
     << ",\"cuda_devices\":" << (at::hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0)
     << ",\"mkldnn\":" << (at::hasMKLDNN() ? "true" : "false") << ",\"native_libraries\":[";
  bool first = true;
  for (const auto& l : libs) {
    os << (first ? "" : ",") << "\"" << ats::json_escape(l) << "\"";
    first = false;
  }
  os << "],\"parallel_info\":\"" << ats::json_escape(at::get_parallel_info())
     << "\",\"shim_parallel_regions\":" << (ats::parallel_bins_available() ? "true" : "false") << "}";
  std::string s = os.str();
  *needed = static_cast<int64_t>(s.size()) + 1;
  if (buf != nullptr && buf_len >= *needed) std::memcpy(buf, s.c_str(), s.size() + 1);
  ATS_CATCH
}

int32_t ats_set_num_threads(int32_t n) {
  ATS_TRY
  at::set_num_threads(n);
  ATS_CATCH
}

int32_t ats_tune_malloc(int32_t mmap_threshold, int32_t trim_threshold, int32_t top_pad, int32_t* applied) {
  ATS_TRY
#ifdef __GLIBC__
  // Freed tensor memory stays in the heap for the next step's tensors of the same sizes: without this, glibc serves
  // each large tensor by mmap (or trims the heap after a step), and every step faults fresh zeroed pages back in.
  *applied = mallopt(M_MMAP_THRESHOLD, mmap_threshold) && mallopt(M_TRIM_THRESHOLD, trim_threshold) &&
             mallopt(M_TOP_PAD, top_pad);
#else
  *applied = 0;
#endif
  ATS_CATCH
}

int32_t ats_profile_begin(const char* path, void** out) {
  ATS_TRY
  *out = new torch::autograd::profiler::RecordProfile(std::string(path));
  ATS_CATCH
}

int32_t ats_profile_end(void* profile) {
  ATS_TRY
  delete static_cast<torch::autograd::profiler::RecordProfile*>(profile);  // writes the chrome trace
  ATS_CATCH
}

int32_t ats_set_fused_kernels(bool on) {
  ats::g_fused_kernels.store(on);
  return 0;
}

int32_t ats_set_twice_differentiable(bool on, bool* previous) {
  ATS_TRY
  *previous = ats::tl_twice_differentiable;
  ats::tl_twice_differentiable = on;
  ATS_CATCH
}

int32_t ats_get_num_threads(int32_t* n) {
  ATS_TRY
  *n = at::get_num_threads();
  ATS_CATCH
}

int64_t ats_live_tensors(void) { return ats::g_live_tensors.load(); }

int32_t ats_cuda_device_count(int32_t* n) {
  ATS_TRY
  *n = at::hasCUDA() ? static_cast<int32_t>(at::detail::getCUDAHooks().getNumGPUs()) : 0;
  ATS_CATCH
}

int32_t ats_manual_seed(uint64_t seed) {
  ATS_TRY
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_current_seed(seed);
  ATS_CATCH
}

int32_t ats_grad_enabled(bool* enabled) {
  ATS_TRY
  *enabled = at::GradMode::is_enabled();
  ATS_CATCH
}

int32_t ats_set_grad_enabled(bool enabled, bool* previous) {
  ATS_TRY
  *previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(enabled);
  ATS_CATCH
}

// ---- generators -----------------------------------------------------------------------------------------------

int32_t ats_generator_new(uint64_t seed, int32_t device, ats_generator* out) {
  ATS_TRY
  if (device >= 0) {
    TORCH_CHECK(at::hasCUDA(), "CUDA generator requested but this libtorch has no CUDA device");
    auto g = at::detail::getCUDAHooks().getDefaultCUDAGenerator(static_cast<c10::DeviceIndex>(device));
    // A private CUDA generator: clone the default one and reseed it.
    auto priv = g.clone();
    priv.set_current_seed(seed);
    *out = new ats_generator_s{priv};
  } else {
    auto g = at::make_generator<at::CPUGeneratorImpl>(seed);
    *out = new ats_generator_s{g};
  }
  ATS_CATCH
}

int32_t ats_generator_free(ats_generator g) {
  ATS_TRY
  delete g;
  ATS_CATCH
}

int32_t ats_generator_set_seed(ats_generator g, uint64_t seed) {
  ATS_TRY
  std::lock_guard<std::mutex> lock(g->g.mutex());
  g->g.set_current_seed(seed);
  ATS_CATCH
}

int32_t ats_generator_get_state(ats_generator g, ats_tensor* out) {
  ATS_TRY
  std::lock_guard<std::mutex> lock(g->g.mutex());
  *out = ats::wrap(g->g.get_state());
  ATS_CATCH
}

int32_t ats_generator_set_state(ats_generator g, ats_tensor state) {
  ATS_TRY
  std::lock_guard<std::mutex> lock(g->g.mutex());
  g->g.set_state(T(state));
  ATS_CATCH
}

// ---- tensor core -----------------------------------------------------------------------------------------------

int32_t ats_tensor_free(ats_tensor t) {
  ATS_TRY
  if (t != nullptr) {
    delete t;
    ats::g_live_tensors.fetch_sub(1, std::memory_order_relaxed);
  }
  ATS_CATCH
}

int32_t ats_tensor_dim(ats_tensor t, int64_t* out) {
  ATS_TRY
  *out = T(t).dim();
  ATS_CATCH
}

int32_t ats_tensor_sizes(ats_tensor t, int64_t* sizes, int64_t cap) {
  ATS_TRY
  auto s = T(t).sizes();
  for (int64_t i = 0; i < static_cast<int64_t>(s.size()) && i < cap; ++i) sizes[i] = s[i];
  ATS_CATCH
}

int32_t ats_tensor_strides(ats_tensor t, int64_t* strides, int64_t cap) {
  ATS_TRY
  auto s = T(t).strides();
  for (int64_t i = 0; i < static_cast<int64_t>(s.size()) && i < cap; ++i) strides[i] = s[i];
  ATS_CATCH
}

int32_t ats_tensor_numel(ats_tensor t, int64_t* out) {
  ATS_TRY
  *out = T(t).numel();
  ATS_CATCH
}

int32_t ats_tensor_dtype(ats_tensor t, int32_t* out) {
  ATS_TRY
  *out = static_cast<int32_t>(T(t).scalar_type());
  ATS_CATCH
}

int32_t ats_tensor_device(ats_tensor t, int32_t* out) {
  ATS_TRY
  auto d = T(t).device();
  *out = d.is_cpu() ? -1 : static_cast<int32_t>(d.index() < 0 ? 0 : d.index());
  ATS_CATCH
}

int32_t ats_tensor_is_contiguous(ats_tensor t, bool* out) {
  ATS_TRY
  *out = T(t).is_contiguous();
  ATS_CATCH
}

int32_t ats_tensor_requires_grad(ats_tensor t, bool* out) {
  ATS_TRY
  *out = T(t).requires_grad();
  ATS_CATCH
}

int32_t ats_tensor_set_requires_grad(ats_tensor t, bool value) {
  ATS_TRY
  T(t).set_requires_grad(value);
  ATS_CATCH
}

int32_t ats_tensor_is_leaf(ats_tensor t, bool* out) {
  ATS_TRY
  *out = T(t).is_leaf();
  ATS_CATCH
}

int32_t ats_tensor_item_double(ats_tensor t, double* out) {
  ATS_TRY
  *out = T(t).item<double>();
  ATS_CATCH
}

int32_t ats_tensor_item_int64(ats_tensor t, int64_t* out) {
  ATS_TRY
  *out = T(t).item<int64_t>();
  ATS_CATCH
}

int32_t ats_tensor_alias(ats_tensor t, ats_tensor* out) { ATS_RETURN_TENSOR(out, T(t)) }

int32_t ats_tensor_same(ats_tensor a, ats_tensor b, bool* out) {
  ATS_TRY
  *out = T(a).is_same(T(b));
  ATS_CATCH
}

int32_t ats_tensor_set_data(ats_tensor t, ats_tensor data) {
  ATS_TRY
  T(t).set_data(T(data));
  ATS_CATCH
}

// ---- creation --------------------------------------------------------------------------------------------------

int32_t ats_empty(const int64_t* shape, int64_t ndim, int32_t dtype, int32_t device, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::empty(ats::Ints(shape, ndim), ats::Opts(dtype, device)))
}

int32_t ats_zeros(const int64_t* shape, int64_t ndim, int32_t dtype, int32_t device, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::zeros(ats::Ints(shape, ndim), ats::Opts(dtype, device)))
}

int32_t ats_ones(const int64_t* shape, int64_t ndim, int32_t dtype, int32_t device, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::ones(ats::Ints(shape, ndim), ats::Opts(dtype, device)))
}

int32_t ats_full(const int64_t* shape, int64_t ndim, ats_scalar value, int32_t dtype, int32_t device,
                 ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::full(ats::Ints(shape, ndim), ats::S(value), ats::Opts(dtype, device)))
}

int32_t ats_arange(ats_scalar start, ats_scalar end, ats_scalar step, int32_t dtype, int32_t device,
                   ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::arange(ats::S(start), ats::S(end), ats::S(step), ats::Opts(dtype, device)))
}

int32_t ats_linspace(double start, double end, int64_t steps, int32_t dtype, int32_t device, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::linspace(start, end, steps, ats::Opts(dtype, device)))
}

int32_t ats_eye(int64_t n, int64_t m, int32_t dtype, int32_t device, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::eye(n, m, ats::Opts(dtype, device)))
}

int32_t ats_rand(const int64_t* shape, int64_t ndim, ats_generator gen, int32_t dtype, int32_t device,
                 ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::rand(ats::Ints(shape, ndim), ats::Gen(gen), ats::Opts(dtype, device)))
}

int32_t ats_randn(const int64_t* shape, int64_t ndim, ats_generator gen, int32_t dtype, int32_t device,
                  ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::randn(ats::Ints(shape, ndim), ats::Gen(gen), ats::Opts(dtype, device)))
}

int32_t ats_randint(int64_t low, int64_t high, const int64_t* shape, int64_t ndim, ats_generator gen, int32_t dtype,
                    int32_t device, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::randint(low, high, ats::Ints(shape, ndim), ats::Gen(gen), ats::Opts(dtype, device)))
}

int32_t ats_randperm(int64_t n, ats_generator gen, int32_t dtype, int32_t device, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::randperm(n, ats::Gen(gen), ats::Opts(dtype, device)))
}

int32_t ats_from_data(const void* data, int64_t nbytes, const int64_t* shape, int64_t ndim, int32_t dtype,
                      ats_tensor* out) {
  ATS_TRY
  auto t = at::empty(ats::Ints(shape, ndim), ats::Opts(dtype, -1));
  int64_t expected = t.numel() * static_cast<int64_t>(t.element_size());
  TORCH_CHECK(expected == nbytes, "from_data: shape ", t.sizes(), " of ", t.scalar_type(), " needs ", expected,
              " bytes but ", nbytes, " were given");
  if (nbytes > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(nbytes));
  *out = ats::wrap(t);
  ATS_CATCH
}

int32_t ats_copy_to(ats_tensor t, void* dst, int64_t nbytes) {
  ATS_TRY
  at::Tensor src = T(t).detach();
  if (!src.device().is_cpu()) src = src.to(at::kCPU);
  src = src.contiguous();
  int64_t have = src.numel() * static_cast<int64_t>(src.element_size());
  TORCH_CHECK(have == nbytes, "copy_to: tensor has ", have, " bytes but the destination holds ", nbytes);
  if (nbytes > 0) std::memcpy(dst, src.data_ptr(), static_cast<size_t>(nbytes));
  ATS_CATCH
}

int32_t ats_to(ats_tensor t, int32_t dtype, int32_t device, bool copy, ats_tensor* out) {
  ATS_TRY
  auto& x = T(t);
  auto st = dtype < 0 ? x.scalar_type() : static_cast<at::ScalarType>(dtype);
  auto dev = device == -2 ? x.device() : ats::Dev(device);
  *out = ats::wrap(x.to(dev, st, /*non_blocking=*/false, copy));
  ATS_CATCH
}

// ---- elementwise -----------------------------------------------------------------------------------------------

static at::Tensor unary(int32_t op, const at::Tensor& a) {
  switch (op) {
    case ATS_NEG: return a.neg();
    case ATS_ABS: return a.abs();
    case ATS_SIGN: return a.sign();
    case ATS_SQRT: return a.sqrt();
    case ATS_RSQRT: return a.rsqrt();
    case ATS_EXP: return a.exp();
    case ATS_LOG: return a.log();
    case ATS_RECIPROCAL: return a.reciprocal();
    case ATS_RELU: return a.relu();
    case ATS_SIGMOID: return a.sigmoid();
    case ATS_TANH: return a.tanh();
    case ATS_SILU: return at::silu(a);
    case ATS_GELU: return at::gelu(a, "none");
    case ATS_GELU_TANH: return at::gelu(a, "tanh");
    case ATS_SIN: return a.sin();
    case ATS_COS: return a.cos();
    case ATS_SQUARE: return a.square();
    case ATS_FLOOR: return a.floor();
    case ATS_CEIL: return a.ceil();
    case ATS_ROUND: return a.round();
    case ATS_LOGICAL_NOT: return a.logical_not();
    case ATS_ISNAN: return a.isnan();
    case ATS_ISFINITE: return a.isfinite();
    case ATS_LOG1P: return a.log1p();
    case ATS_EXPM1: return a.expm1();
    case ATS_ERF: return a.erf();
    case ATS_ZERO: return at::zeros_like(a);
    case ATS_ISINF: return a.isinf();
    default: throw std::invalid_argument("unknown unary op code " + std::to_string(op));
  }
}

static void unary_(int32_t op, at::Tensor& a) {
  switch (op) {
    case ATS_NEG: a.neg_(); break;
    case ATS_ABS: a.abs_(); break;
    case ATS_SIGN: a.sign_(); break;
    case ATS_SQRT: a.sqrt_(); break;
    case ATS_RSQRT: a.rsqrt_(); break;
    case ATS_EXP: a.exp_(); break;
    case ATS_LOG: a.log_(); break;
    case ATS_RECIPROCAL: a.reciprocal_(); break;
    case ATS_RELU: a.relu_(); break;
    case ATS_SIGMOID: a.sigmoid_(); break;
    case ATS_TANH: a.tanh_(); break;
    case ATS_SILU: at::silu_(a); break;
    case ATS_SIN: a.sin_(); break;
    case ATS_COS: a.cos_(); break;
    case ATS_SQUARE: a.square_(); break;
    case ATS_FLOOR: a.floor_(); break;
    case ATS_CEIL: a.ceil_(); break;
    case ATS_ROUND: a.round_(); break;
    case ATS_LOG1P: a.log1p_(); break;
    case ATS_EXPM1: a.expm1_(); break;
    case ATS_ERF: a.erf_(); break;
    case ATS_ZERO: a.zero_(); break;
    default: throw std::invalid_argument("unary op code " + std::to_string(op) + " has no in-place form");
  }
}

static at::Tensor binary(int32_t op, const at::Tensor& a, const at::Tensor& b, const at::Scalar& alpha) {
  switch (op) {
    case ATS_ADD: return at::add(a, b, alpha);
    case ATS_SUB: return at::sub(a, b, alpha);
    case ATS_MUL: return at::mul(a, b);
    case ATS_DIV: return at::div(a, b);
    case ATS_POW: return at::pow(a, b);
    case ATS_MAXIMUM: return at::maximum(a, b);
    case ATS_MINIMUM: return at::minimum(a, b);
    case ATS_EQ: return at::eq(a, b);
    case ATS_NE: return at::ne(a, b);
    case ATS_LT: return at::lt(a, b);
    case ATS_LE: return at::le(a, b);
    case ATS_GT: return at::gt(a, b);
    case ATS_GE: return at::ge(a, b);
    case ATS_LOGICAL_AND: return at::logical_and(a, b);
    case ATS_LOGICAL_OR: return at::logical_or(a, b);
    case ATS_REMAINDER: return at::remainder(a, b);
    case ATS_ATAN2: return at::atan2(a, b);
    case ATS_RSUB: return at::sub(b, a, alpha);
    case ATS_FLOOR_DIVIDE: return at::div(a, b, "floor");
    default: throw std::invalid_argument("unknown binary op code " + std::to_string(op));
  }
}

static void binary_(int32_t op, at::Tensor& a, const at::Tensor& b, const at::Scalar& alpha) {
  switch (op) {
    case ATS_ADD: a.add_(b, alpha); break;
    case ATS_SUB: a.sub_(b, alpha); break;
    case ATS_MUL: a.mul_(b); break;
    case ATS_DIV: a.div_(b); break;
    case ATS_POW: a.pow_(b); break;
    case ATS_MAXIMUM: at::maximum_out(a, a, b); break;
    case ATS_MINIMUM: at::minimum_out(a, a, b); break;
    case ATS_REMAINDER: a.remainder_(b); break;
    case ATS_ATAN2: a.atan2_(b); break;
    case ATS_FLOOR_DIVIDE: a.div_(b, "floor"); break;
    default: throw std::invalid_argument("binary op code " + std::to_string(op) + " has no in-place form");
  }
}

static at::Tensor binary_scalar(int32_t op, const at::Tensor& a, const at::Scalar& b, const at::Scalar& alpha) {
  switch (op) {
    case ATS_ADD: return at::add(a, b, alpha);
    case ATS_SUB: return at::sub(a, b, alpha);
    case ATS_MUL: return at::mul(a, b);
    case ATS_DIV: return at::div(a, b);
    case ATS_POW: return at::pow(a, b);
    case ATS_EQ: return at::eq(a, b);
    case ATS_NE: return at::ne(a, b);
    case ATS_LT: return at::lt(a, b);
    case ATS_LE: return at::le(a, b);
    case ATS_GT: return at::gt(a, b);
    case ATS_GE: return at::ge(a, b);
    case ATS_REMAINDER: return at::remainder(a, b);
    case ATS_RSUB: return at::rsub(a, b, alpha);
    case ATS_MAXIMUM: return at::clamp_min(a, b);
    case ATS_MINIMUM: return at::clamp_max(a, b);
    case ATS_FLOOR_DIVIDE: return at::div(a, at::scalar_tensor(b, a.options().dtype(b.type())), "floor");
    default: throw std::invalid_argument("binary op code " + std::to_string(op) + " has no tensor-scalar form");
  }
}

static void binary_scalar_(int32_t op, at::Tensor& a, const at::Scalar& b, const at::Scalar& alpha) {
  switch (op) {
    case ATS_ADD: a.add_(b, alpha); break;
    case ATS_SUB: a.sub_(b, alpha); break;
    case ATS_MUL: a.mul_(b); break;
    case ATS_DIV: a.div_(b); break;
    case ATS_POW: a.pow_(b); break;
    case ATS_REMAINDER: a.remainder_(b); break;
    case ATS_MAXIMUM: a.clamp_min_(b); break;
    case ATS_MINIMUM: a.clamp_max_(b); break;
    default:
      throw std::invalid_argument("binary op code " + std::to_string(op) + " has no in-place tensor-scalar form");
  }
}

int32_t ats_unary(int32_t op, ats_tensor a, ats_tensor* out) { ATS_RETURN_TENSOR(out, unary(op, T(a))) }

int32_t ats_unary_(int32_t op, ats_tensor a) {
  ATS_TRY
  unary_(op, T(a));
  ATS_CATCH
}

int32_t ats_binary(int32_t op, ats_tensor a, ats_tensor b, ats_scalar alpha, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, binary(op, T(a), T(b), ats::S(alpha)))
}

int32_t ats_binary_(int32_t op, ats_tensor a, ats_tensor b, ats_scalar alpha) {
  ATS_TRY
  binary_(op, T(a), T(b), ats::S(alpha));
  ATS_CATCH
}

int32_t ats_binary_scalar(int32_t op, ats_tensor a, ats_scalar b, ats_scalar alpha, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, binary_scalar(op, T(a), ats::S(b), ats::S(alpha)))
}

int32_t ats_binary_scalar_(int32_t op, ats_tensor a, ats_scalar b, ats_scalar alpha) {
  ATS_TRY
  binary_scalar_(op, T(a), ats::S(b), ats::S(alpha));
  ATS_CATCH
}

int32_t ats_scalar_binary(int32_t op, ats_scalar a, ats_tensor b, ats_tensor* out) {
  ATS_TRY
  auto& t = T(b);
  auto s = ats::S(a);
  at::Tensor r;
  switch (op) {
    case ATS_SUB: r = at::rsub(t, s); break;
    case ATS_DIV: r = t.reciprocal().mul(s); break;
    case ATS_POW: r = at::pow(s, t); break;
    case ATS_ADD: r = at::add(t, s); break;
    case ATS_MUL: r = at::mul(t, s); break;
    default: throw std::invalid_argument("binary op code " + std::to_string(op) + " has no scalar-tensor form");
  }
  *out = ats::wrap(r);
  ATS_CATCH
}

int32_t ats_addcmul(ats_tensor a, ats_tensor t1, ats_tensor t2, ats_scalar value, bool div, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, div ? at::addcdiv(T(a), T(t1), T(t2), ats::S(value))
                             : at::addcmul(T(a), T(t1), T(t2), ats::S(value)))
}

int32_t ats_addcmul_(ats_tensor a, ats_tensor t1, ats_tensor t2, ats_scalar value, bool div) {
  ATS_TRY
  if (div) T(a).addcdiv_(T(t1), T(t2), ats::S(value));
  else T(a).addcmul_(T(t1), T(t2), ats::S(value));
  ATS_CATCH
}

int32_t ats_lerp(ats_tensor a, ats_tensor b, ats_tensor w_tensor, ats_scalar w, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, w_tensor != nullptr ? at::lerp(T(a), T(b), T(w_tensor)) : at::lerp(T(a), T(b), ats::S(w)))
}

int32_t ats_lerp_(ats_tensor a, ats_tensor b, ats_tensor w_tensor, ats_scalar w) {
  ATS_TRY
  if (w_tensor != nullptr) T(a).lerp_(T(b), T(w_tensor));
  else T(a).lerp_(T(b), ats::S(w));
  ATS_CATCH
}

int32_t ats_clamp(ats_tensor a, bool has_min, ats_scalar min, bool has_max, ats_scalar max, ats_tensor* out) {
  ATS_TRY
  c10::optional<at::Scalar> lo = has_min ? c10::optional<at::Scalar>(ats::S(min)) : c10::nullopt;
  c10::optional<at::Scalar> hi = has_max ? c10::optional<at::Scalar>(ats::S(max)) : c10::nullopt;
  *out = ats::wrap(at::clamp(T(a), lo, hi));
  ATS_CATCH
}

int32_t ats_clamp_(ats_tensor a, bool has_min, ats_scalar min, bool has_max, ats_scalar max) {
  ATS_TRY
  c10::optional<at::Scalar> lo = has_min ? c10::optional<at::Scalar>(ats::S(min)) : c10::nullopt;
  c10::optional<at::Scalar> hi = has_max ? c10::optional<at::Scalar>(ats::S(max)) : c10::nullopt;
  at::clamp_(T(a), lo, hi);
  ATS_CATCH
}

int32_t ats_where(ats_tensor cond, ats_tensor a, ats_tensor b, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::where(T(cond), T(a), T(b)))
}

int32_t ats_masked_fill(ats_tensor a, ats_tensor mask, ats_scalar value, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).masked_fill(T(mask), ats::S(value)))
}

int32_t ats_masked_fill_(ats_tensor a, ats_tensor mask, ats_scalar value) {
  ATS_TRY
  T(a).masked_fill_(T(mask), ats::S(value));
  ATS_CATCH
}

int32_t ats_fill_(ats_tensor a, ats_scalar value) {
  ATS_TRY
  T(a).fill_(ats::S(value));
  ATS_CATCH
}

int32_t ats_copy_(ats_tensor dst, ats_tensor src) {
  ATS_TRY
  T(dst).copy_(T(src));
  ATS_CATCH
}

int32_t ats_tril(ats_tensor a, int64_t diagonal, bool upper, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, upper ? at::triu(T(a), diagonal) : at::tril(T(a), diagonal))
}

// ---- matmul ----------------------------------------------------------------------------------------------------

int32_t ats_matmul(ats_tensor a, ats_tensor b, ats_tensor* out) { ATS_RETURN_TENSOR(out, at::matmul(T(a), T(b))) }
int32_t ats_mm(ats_tensor a, ats_tensor b, ats_tensor* out) { ATS_RETURN_TENSOR(out, at::mm(T(a), T(b))) }
int32_t ats_bmm(ats_tensor a, ats_tensor b, ats_tensor* out) { ATS_RETURN_TENSOR(out, at::bmm(T(a), T(b))) }

int32_t ats_einsum(const char* equation, const ats_tensor* operands, int64_t n, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::einsum(equation, ats::List(operands, n)))
}

// ---- autograd --------------------------------------------------------------------------------------------------

int32_t ats_backward(ats_tensor t, ats_tensor grad, bool retain_graph) {
  ATS_TRY
  c10::optional<at::Tensor> g = ats::OptT(grad);
  T(t).backward(g.has_value() ? *g : at::Tensor(), retain_graph, /*create_graph=*/false);
  ATS_CATCH
}

int32_t ats_autograd_grad(const ats_tensor* outputs, const ats_tensor* grad_outputs, int64_t n_outputs,
                          const ats_tensor* inputs, int64_t n_inputs, bool retain_graph, bool create_graph,
                          bool allow_unused, ats_tensor* out, int64_t cap, int64_t* nout) {
  ATS_TRY
  TORCH_CHECK(n_outputs >= 1 && n_inputs >= 1, "autograd grad needs at least one output and one input, got ", n_outputs,
              " and ", n_inputs);
  auto outs = ats::List(outputs, n_outputs);
  std::vector<at::Tensor> seeds;
  if (grad_outputs != nullptr) {
    seeds.reserve(static_cast<size_t>(n_outputs));
    for (int64_t i = 0; i < n_outputs; ++i) seeds.push_back(grad_outputs[i] != nullptr ? T(grad_outputs[i]) : at::Tensor());
  }
  auto ins = ats::List(inputs, n_inputs);
  auto grads = torch::autograd::grad(outs, ins, seeds, retain_graph, create_graph, allow_unused);
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].defined()) grads[i] = at::zeros_like(ins[i], at::MemoryFormat::Preserve);  // unused input
  }
  ats::WrapList(grads, out, cap, nout);
  ATS_CATCH
}

int32_t ats_tensor_grad(ats_tensor t, ats_tensor* out) { ATS_RETURN_TENSOR(out, T(t).grad()) }

int32_t ats_tensor_set_grad(ats_tensor t, ats_tensor grad) {
  ATS_TRY
  T(t).mutable_grad() = grad != nullptr ? T(grad) : at::Tensor();
  ATS_CATCH
}

int32_t ats_detach(ats_tensor t, ats_tensor* out) { ATS_RETURN_TENSOR(out, T(t).detach()) }

}  // extern "C"
