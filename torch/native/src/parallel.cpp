// The shim's one translation unit compiled with OpenMP (CMakeLists.txt): see parallel.h. at::parallel_for here opens a
// real region (when there are two or more intra-op threads, more than `grain` iterations and no enclosing region) and
// rethrows the first exception of its threads.
#include "parallel.h"

#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>

#include <cstdlib>
#include <cstring>

namespace ats {

namespace {

// ALGOPERF_SHIM_REGIONS=0 runs every region's work on the calling thread (bins in turn, ranges whole), as the shim did
// before h-omp: an A/B switch for timing, read once.
bool regions_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("ALGOPERF_SHIM_REGIONS");
    return v == nullptr || std::strcmp(v, "0") != 0;
  }();
  return enabled;
}

}  // namespace

void parallel_bins(int64_t bins, const std::function<void(int64_t)>& body) {
  if (bins <= 0) return;
  if (!regions_enabled()) {
    for (int64_t b = 0; b < bins; ++b) body(b);
    return;
  }
  // OpenMP's threads do not inherit ATen's thread-local state (grad mode among it): give each the caller's.
  const at::ThreadLocalState state;
  at::parallel_for(0, bins, 1, [&](int64_t begin, int64_t end) {
    at::ThreadLocalStateGuard guard(state);
    for (int64_t b = begin; b < end; ++b) body(b);
  });
}

void parallel_range(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& body) {
  if (!regions_enabled()) {
    if (begin < end) body(begin, end);
    return;
  }
  at::parallel_for(begin, end, grain, [&](int64_t b, int64_t e) { body(b, e); });
}

bool parallel_bins_available() {
#ifdef _OPENMP
  return regions_enabled();
#else
  return false;
#endif
}

}  // namespace ats
