// Reductions and activations over dims.
#include "common.h"

using ats::T;

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
    default: throw std::invalid_argument("unknown reduction op code " + std::to_string(op));
  }
  *out = ats::wrap(r);
  ATS_CATCH
}

}  // extern "C"
