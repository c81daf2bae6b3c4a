// A parallel region the rest of the shim can open (parallel.cpp). ATen's at::parallel_for is a header template that
// opens an OpenMP region only in a translation unit compiled with OpenMP (_OPENMP defined); the shim's other files are
// compiled without it, so their at::parallel_for runs the whole range on the calling thread, and BLAS/LAPACK inside it
// still run multi-threaded. Code that needs one thread per bin, each with single-threaded BLAS, LAPACK and ATen, calls
// parallel_bins instead.
#pragma once

#include <cstdint>
#include <functional>

namespace ats {

// Runs body(b) for every b in [0, bins) in one OpenMP parallel region of the intra-op threads (at::parallel_for's split:
// each thread a contiguous range of bins, so with bins == threads one bin per thread, idle threads for empty bins);
// inside it BLAS, LAPACK and ATen run single-threaded. Rethrows the first exception. Serial on the calling thread when
// there is one thread or one bin, inside another parallel region, or when the shim was built without OpenMP.
void parallel_bins(int64_t bins, const std::function<void(int64_t)>& body);

// True when the shim was built with OpenMP (parallel_bins can open a region).
bool parallel_bins_available();

}  // namespace ats
