// The shim's parallel regions, and its one rule for them: a loop that should use the intra-op threads calls
// parallel_bins or parallel_range below, and no other file calls ATen's at::parallel_for or parallel_reduce
// (CMakeLists.txt stops the configure if one does).
//
// Why: at::parallel_for is a header template that opens an OpenMP region only in a translation unit compiled with
// OpenMP (_OPENMP defined); elsewhere it runs the whole range on the calling thread. parallel.cpp is the shim's one
// translation unit compiled with OpenMP (libgomp, the runtime of libtorch and of Debian's OpenBLAS OpenMP build), so the
// two functions below, defined there, open real regions; every other file stays free of OpenMP flags. Until 2026-12-07
// (branch h-omp) the other files called at::parallel_for directly, so their "parallel" loops ran serially.
//
// Inside a region ATen, BLAS and LAPACK run single-threaded: ATen's own at::parallel_for sees in_parallel_region() and
// OpenBLAS's OpenMP build sees omp_in_parallel(). Both functions rethrow the first exception thrown on any thread (the
// others finish their share first), run serially on the calling thread inside another region, and run everything
// serially when the shim was built without OpenMP.
#pragma once

#include <cstdint>
#include <functional>

namespace ats {

// Work that calls ATen, BLAS or LAPACK (Newton–Schulz batches, eighs, QRs, syrks, GEMM blocks): runs body(b) for every
// b in [0, bins) in one OpenMP region of the intra-op threads, each thread a contiguous range of bins (with bins ==
// threads one bin per thread; idle threads for empty bins), each running its bins single-threaded. The caller's
// thread-local ATen state (grad mode, inference mode, dispatch keys: at::ThreadLocalState) is set on every thread for
// the body. Serial on the calling thread, BLAS multi-threaded as usual, when there is one thread or one bin. Callers
// decide when dealing pays (common.h: deal_balanced, deal_or_alone); one large matrix is better left to
// multi-threaded BLAS outside any region.
void parallel_bins(int64_t bins, const std::function<void(int64_t)>& body);

// A data-pointer loop (elementwise optimizer steps, fixed-chunk reductions, attention slices, RMSNorm/RoPE rows): runs
// body(b, e) on contiguous sub-ranges covering [begin, end), split as at::parallel_for splits (at most one sub-range
// per thread, each at least `grain` long except the last; serial when end - begin <= grain). The body must not call
// ATen operators (no thread-local state is set up; tensor accessors such as data_ptr are fine). An elementwise body
// gives the same result however the range is cut; a reduction must sum fixed chunks in a fixed order to stay
// independent of the thread count.
void parallel_range(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& body);

// True when the shim was built with OpenMP and ALGOPERF_SHIM_REGIONS is not "0" (the two functions above can open a
// region). ALGOPERF_SHIM_REGIONS=0, read once per process, runs all their work on the calling thread instead (bins in
// turn, with multi-threaded BLAS): the behaviour before h-omp, for A/B timing.
bool parallel_bins_available();

}  // namespace ats
