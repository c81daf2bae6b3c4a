// Fused matrix products used by the Shampoo family of preconditioners: in-place addmm (factor accumulation
// L <- beta*L + alpha*A*B without a temporary) and mm into a preallocated output.
#include <ATen/ops/addmm.h>
#include <ATen/ops/mm.h>

#include "common.h"

using ats::T;

extern "C" {

int32_t ats_addmm_(ats_tensor self, ats_tensor a, ats_tensor b, double beta, double alpha) {
  ATS_TRY
  T(self).addmm_(T(a), T(b), beta, alpha);
  ATS_CATCH
}

int32_t ats_mm_out(ats_tensor out, ats_tensor a, ats_tensor b) {
  ATS_TRY
  at::mm_out(T(out), T(a), T(b));
  ATS_CATCH
}

}  // extern "C"
