// The C++ side of the shim-overhead benchmark: the same ops the managed benchmark times, called on libtorch directly.
// Usage: ats_native_bench [threads]  — prints one JSON object with median nanoseconds per op.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

template <typename F>
static double median_ns(F&& f, int inner, int reps) {
  std::vector<double> samples;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < inner; ++i) f();
    auto t1 = std::chrono::steady_clock::now();
    samples.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / inner);
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

int main(int argc, char** argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  at::set_num_threads(threads);
  auto a = at::rand({16});
  auto b = at::rand({16});
  double add_ns = median_ns([&] { auto c = at::add(a, b); }, 20000, 31);
  auto m1 = at::rand({1024, 1024});
  auto m2 = at::rand({1024, 1024});
  for (int i = 0; i < 3; ++i) at::mm(m1, m2);
  double mm1024_ns = median_ns([&] { auto c = at::mm(m1, m2); }, 5, 11);
  auto n1 = at::rand({2048, 2048});
  auto n2 = at::rand({2048, 2048});
  for (int i = 0; i < 2; ++i) at::mm(n1, n2);
  double mm2048_ns = median_ns([&] { auto c = at::mm(n1, n2); }, 2, 9);
  std::printf("{\"threads\":%d,\"add16_ns\":%.1f,\"mm1024_ns\":%.0f,\"mm2048_ns\":%.0f,\"mm1024_gflops\":%.2f,"
              "\"mm2048_gflops\":%.2f}\n",
              threads, add_ns, mm1024_ns, mm2048_ns, 2.0 * 1024 * 1024 * 1024 / mm1024_ns,
              2.0 * 2048.0 * 2048 * 2048 / mm2048_ns);
  return 0;
}
