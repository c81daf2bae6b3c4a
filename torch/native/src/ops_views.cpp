// Views, shape manipulation and indexing.
#include "common.h"

using ats::T;

extern "C" {

int32_t ats_reshape(ats_tensor a, const int64_t* shape, int64_t ndim, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).reshape(ats::Ints(shape, ndim)))
}

}  // extern "C"
