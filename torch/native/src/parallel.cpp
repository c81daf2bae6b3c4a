// The shim's one translation unit compiled with OpenMP (CMakeLists.txt): see parallel.h.
#include "parallel.h"

#include <ATen/Parallel.h>

namespace ats {

void parallel_bins(int64_t bins, const std::function<void(int64_t)>& body) {
  at::parallel_for(0, bins, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) body(b);
  });
}

bool parallel_bins_available() {
#ifdef _OPENMP
  return true;
#else
  return false;
#endif
}

}  // namespace ats
