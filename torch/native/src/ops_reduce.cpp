// Reductions and activations over dims.
#include <torch/version.h>

#include <limits>

#include "common.h"

using ats::T;

namespace {

c10::optional<at::ScalarType> DType(int32_t dtype) {
  if (dtype < 0) return c10::nullopt;
  return static_cast<at::ScalarType>(dtype);
}

// ndims = 0 means "every dim" for the exports below; libtorch spells that as nullopt.
at::OptionalIntArrayRef Dims(const int64_t* dims, int64_t ndims) {
  if (ndims == 0) return c10::nullopt;
  return ats::Ints(dims, ndims);
}

// var/std's `correction` is an int in libtorch 1.13 and a Scalar in 2.x.
#if TORCH_VERSION_MAJOR >= 2
using Correction = c10::optional<at::Scalar>;
#else
using Correction = c10::optional<int64_t>;
#endif

}  // namespace

extern "C" {

int32_t ats_reduce(int32_t op, ats_tensor a, const int64_t* dims, int64_t ndims, bool keepdim, int32_t dtype,
                   ats_tensor* out) {
  ATS_TRY
  auto& x = T(a);
  at::IntArrayRef d = ats::Ints(dims, ndims);
  c10::optional<at::ScalarType> st =
      dtype < 0 ? c10::optional<at::ScalarType>() : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype));
  bool all = ndims == 0;
  std::vector<int64_t> every;
  if (all && (op == ATS_AMAX || op == ATS_AMIN || op == ATS_LOGSUMEXP)) {
    for (int64_t i = 0; i < x.dim(); ++i) every.push_back(i);
    d = every;
  }
  at::Tensor r;
  switch (op) {
    case ATS_SUM: r = all && !keepdim ? x.sum(st) : at::sum(x, d, keepdim, st); break;
    case ATS_MEAN: r = all && !keepdim ? x.mean(st) : at::mean(x, d, keepdim, st); break;
    case ATS_PROD:
      TORCH_CHECK(ndims <= 1, "prod reduces over one dim or all dims");
      r = all ? x.prod(st) : at::prod(x, dims[0], keepdim, st);
      break;
    case ATS_AMAX: r = at::amax(x, d, keepdim); break;
    case ATS_AMIN: r = at::amin(x, d, keepdim); break;
    case ATS_ANY:
      TORCH_CHECK(ndims <= 1, "any reduces over one dim or all dims");
      r = all ? x.any() : at::any(x, dims[0], keepdim);
      break;
    case ATS_ALL:
      TORCH_CHECK(ndims <= 1, "all reduces over one dim or all dims");
      r = all ? x.all() : at::all(x, dims[0], keepdim);
      break;
    case ATS_LOGSUMEXP: r = at::logsumexp(x, d, keepdim); break;
    case ATS_MAX:
    case ATS_MIN:
      TORCH_CHECK(all && !keepdim, "max/min over all elements take no dims; use ats_max_dim for one dim");
      r = op == ATS_MAX ? at::max(x) : at::min(x);
      break;
    default: throw std::invalid_argument("unknown reduction op code " + std::to_string(op));
  }
  *out = ats::wrap(r);
  ATS_CATCH
}

int32_t ats_var(ats_tensor a, const int64_t* dims, int64_t ndims, int64_t correction, bool keepdim, bool stddev,
                ats_tensor* out) {
  ATS_TRY
  Correction c(correction);
  at::OptionalIntArrayRef d = Dims(dims, ndims);
  *out = ats::wrap(stddev ? at::std(T(a), d, c, keepdim) : at::var(T(a), d, c, keepdim));
  ATS_CATCH
}

int32_t ats_max_dim(ats_tensor a, int64_t dim, bool keepdim, bool min, ats_tensor* values, ats_tensor* indices) {
  ATS_TRY
  auto r = min ? at::min(T(a), dim, keepdim) : at::max(T(a), dim, keepdim);
  at::Tensor idx = std::get<1>(r);
  *values = ats::wrap(std::get<0>(r));
  *indices = ats::wrap(idx);
  ATS_CATCH
}

int32_t ats_argmax(ats_tensor a, bool has_dim, int64_t dim, bool keepdim, bool min, ats_tensor* out) {
  ATS_TRY
  c10::optional<int64_t> d = has_dim ? c10::optional<int64_t>(dim) : c10::nullopt;
  *out = ats::wrap(min ? at::argmin(T(a), d, keepdim) : at::argmax(T(a), d, keepdim));
  ATS_CATCH
}

int32_t ats_norm(ats_tensor a, double p, const int64_t* dims, int64_t ndims, bool keepdim, int32_t dtype,
                 ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::linalg_vector_norm(T(a), at::Scalar(p), Dims(dims, ndims), keepdim, DType(dtype)))
}

int32_t ats_cumulative(int32_t op, ats_tensor a, int64_t dim, int32_t dtype, ats_tensor* out) {
  ATS_TRY
  auto& x = T(a);
  at::Tensor r;
  switch (op) {
    case ATS_CUMSUM: r = at::cumsum(x, dim, DType(dtype)); break;
    case ATS_CUMPROD: r = at::cumprod(x, dim, DType(dtype)); break;
    case ATS_LOGCUMSUMEXP:
      TORCH_CHECK(dtype < 0, "logcumsumexp takes no dtype");
      r = at::logcumsumexp(x, dim);
      break;
    default: throw std::invalid_argument("unknown cumulative op code " + std::to_string(op));
  }
  *out = ats::wrap(r);
  ATS_CATCH
}

}  // extern "C"
