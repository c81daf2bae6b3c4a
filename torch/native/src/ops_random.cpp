// In-place random fills and Bernoulli sampling with an optional generator (NULL = libtorch's default one).
#include <ATen/ops/bernoulli.h>

#include "common.h"

using ats::T;

extern "C" {

int32_t ats_uniform_(ats_tensor a, double from, double to, ats_generator gen) {
  ATS_TRY
  T(a).uniform_(from, to, ats::Gen(gen));
  ATS_CATCH
}

int32_t ats_normal_(ats_tensor a, double mean, double std, ats_generator gen) {
  ATS_TRY
  T(a).normal_(mean, std, ats::Gen(gen));
  ATS_CATCH
}

int32_t ats_bernoulli_(ats_tensor a, double p, ats_generator gen) {
  ATS_TRY
  T(a).bernoulli_(p, ats::Gen(gen));
  ATS_CATCH
}

int32_t ats_bernoulli(ats_tensor a, bool has_p, double p, ats_generator gen, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, has_p ? at::bernoulli(T(a), p, ats::Gen(gen)) : at::bernoulli(T(a), ats::Gen(gen)))
}

int32_t ats_exponential_(ats_tensor a, double lambd, ats_generator gen) {
  ATS_TRY
  T(a).exponential_(lambd, ats::Gen(gen));
  ATS_CATCH
}

}  // extern "C"
