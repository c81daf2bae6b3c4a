// The vector kernels of L-BFGS's two-loop recursion in its compact form (ats.h, "L-BFGS"): many dot products of
// parameter-sized vectors in one pass over them, and linear combinations of them in another. The recursion itself
// then runs on the Gram matrix of the pairs (m-sized numbers, managed code), so a step reads each stored pair twice
// instead of four times per two-loop, and makes no temporaries.
//
// A vector is one flat tensor of Σ segments elements, or one tensor per segment (the parameters' gradients as they
// are): no flattening copy. The work is cut into fixed blocks (≤ kBlock elements, never across a segment); every dot
// is the in-order sum of its blocks' partial sums, and each block's partial sum is a fixed 16-lane float64 sum of
// products rounded to the vectors' dtype (a·b in float32 for float32 vectors, as ATen's (a*b).sum(dtype=float64)).
// So a dot depends only on its two vectors and the segments: not on the number of threads, on the other dots of the
// call, nor on whether AVX-512 or AVX2 is there (the vector and scalar loops add the same numbers in the same order).
// No FMA contraction anywhere (the AVX2 functions do not enable FMA; the AVX-512 loop, float32 only, has no float64
// product to contract). Contiguous or not, float32/float64 CPU tensors take
// these loops; any other dtype or device takes the same sums through ATen.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common.h"

namespace {

constexpr int64_t kBlock = 8192;  // elements per work item (32 KB of float32: the right-hand blocks of a sweep stay in L2)
constexpr int kMaxRow = 4;        // right-hand vectors dotted with one left-hand vector per sweep

struct Item {
  int64_t segment, start, length;
};

struct Layout {
  std::vector<int64_t> offsets;  // start of each segment in a flat vector
  std::vector<Item> items;
  int64_t total = 0;
};

Layout make_layout(const int64_t* segments, int64_t n_segments) {
  TORCH_CHECK(n_segments >= 1, "lbfgs: at least one segment is needed (got ", n_segments, ")");
  if (segments == nullptr) throw ats::NullHandle();
  Layout l;
  for (int64_t k = 0; k < n_segments; ++k) {
    TORCH_CHECK(segments[k] >= 0, "lbfgs: segment ", k, " has ", segments[k], " elements");
    l.offsets.push_back(l.total);
    for (int64_t start = 0; start < segments[k]; start += kBlock) {
      l.items.push_back({k, start, std::min(kBlock, segments[k] - start)});
    }
    l.total += segments[k];
  }
  return l;
}

// The tensors of each vector, checked against the segments: one flat tensor (numel = total) or one per segment.
std::vector<std::vector<at::Tensor>> gather(const ats_tensor* handles, const int64_t* counts, int64_t n_vectors,
                                            const int64_t* segments, int64_t n_segments, const Layout& l) {
  TORCH_CHECK(n_vectors >= 1, "lbfgs: at least one vector is needed (got ", n_vectors, ")");
  if (handles == nullptr || counts == nullptr) throw ats::NullHandle();
  std::vector<std::vector<at::Tensor>> v(static_cast<size_t>(n_vectors));
  int64_t h = 0;
  for (int64_t i = 0; i < n_vectors; ++i) {
    const int64_t c = counts[i];
    TORCH_CHECK(c == 1 || c == n_segments, "lbfgs: vector ", i, " has ", c, " tensors; give 1 (flat) or one per segment (",
                n_segments, ")");
    for (int64_t k = 0; k < c; ++k) {
      const at::Tensor& t = ats::T(handles[h++]);
      const int64_t want = c == 1 ? l.total : segments[k];
      TORCH_CHECK(t.numel() == want, "lbfgs: vector ", i, (c == 1 ? "" : " segment " + std::to_string(k)), " has ",
                  t.numel(), " elements, expected ", want);
      v[static_cast<size_t>(i)].push_back(t);
    }
  }
  return v;
}

bool fast_dtype(const std::vector<std::vector<at::Tensor>>& v, const std::vector<at::Tensor>& extra) {
  const auto st = v[0][0].scalar_type();
  if (st != at::kFloat && st != at::kDouble) return false;
  auto ok = [&](const at::Tensor& t) { return t.layout() == at::kStrided && t.device().is_cpu() && t.scalar_type() == st; };
  for (const auto& vec : v) {
    for (const auto& t : vec) {
      if (!ok(t)) return false;
    }
  }
  for (const auto& t : extra) {
    if (!ok(t) || !t.is_contiguous()) return false;
  }
  return true;
}

// Per vector and segment, the first element (contiguous copies kept alive in `keep` where a tensor was strided).
template <typename T>
std::vector<std::vector<const T*>> bases(const std::vector<std::vector<at::Tensor>>& v, const Layout& l,
                                         std::vector<at::Tensor>& keep) {
  std::vector<std::vector<const T*>> b(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].size() == 1) {
      keep.push_back(v[i][0].contiguous());
      const T* p = keep.back().data_ptr<T>();
      for (int64_t off : l.offsets) b[i].push_back(p + off);
    } else {
      for (const auto& t : v[i]) {
        keep.push_back(t.contiguous());
        b[i].push_back(keep.back().data_ptr<T>());
      }
    }
  }
  return b;
}

at::Tensor flat(const std::vector<at::Tensor>& parts) {
  if (parts.size() == 1) return parts[0].reshape(-1);
  std::vector<at::Tensor> r;
  for (const auto& t : parts) r.push_back(t.reshape(-1));
  return at::cat(r);
}

// ---- dots ----

inline double reduce16(const double* l) {
  return (((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))) +
         (((l[8] + l[9]) + (l[10] + l[11])) + ((l[12] + l[13]) + (l[14] + l[15])));
}

// out[r] = Σ_i a[i]·b[r][i]: each product rounded to T, element i added to float64 lane i mod 16, lanes by reduce16.
template <typename T, int R>
void dot_row_plain(const T* a, const T* const* b, int64_t n, double* out) {
  double lanes[R][16] = {};
  for (int64_t i = 0; i < n; ++i) {
    for (int r = 0; r < R; ++r) lanes[r][i & 15] += static_cast<double>(a[i] * b[r][i]);
  }
  for (int r = 0; r < R; ++r) out[r] = reduce16(lanes[r]);
}

// The products of 16 elements as four float64 vectors (lanes 0–3, 4–7, 8–11, 12–15).
__attribute__((target("avx2"))) inline void products16(const float* a, const float* b, __m256d (&p)[4]) {
  const __m256 p0 = _mm256_mul_ps(_mm256_loadu_ps(a), _mm256_loadu_ps(b));
  const __m256 p1 = _mm256_mul_ps(_mm256_loadu_ps(a + 8), _mm256_loadu_ps(b + 8));
  p[0] = _mm256_cvtps_pd(_mm256_castps256_ps128(p0));
  p[1] = _mm256_cvtps_pd(_mm256_extractf128_ps(p0, 1));
  p[2] = _mm256_cvtps_pd(_mm256_castps256_ps128(p1));
  p[3] = _mm256_cvtps_pd(_mm256_extractf128_ps(p1, 1));
}

__attribute__((target("avx2"))) inline void products16(const double* a, const double* b, __m256d (&p)[4]) {
  for (int k = 0; k < 4; ++k) p[k] = _mm256_mul_pd(_mm256_loadu_pd(a + 4 * k), _mm256_loadu_pd(b + 4 * k));
}

template <typename T, int R>
__attribute__((target("avx2"))) void dot_row_avx2(const T* a, const T* const* b, int64_t n, double* out) {
  __m256d acc[R][4];
  for (int r = 0; r < R; ++r) {
    for (int k = 0; k < 4; ++k) acc[r][k] = _mm256_setzero_pd();
  }
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int r = 0; r < R; ++r) {
      __m256d p[4];
      products16(a + i, b[r] + i, p);
      for (int k = 0; k < 4; ++k) acc[r][k] = _mm256_add_pd(acc[r][k], p[k]);
    }
  }
  for (int r = 0; r < R; ++r) {
    alignas(32) double lanes[16];
    for (int k = 0; k < 4; ++k) _mm256_store_pd(lanes + 4 * k, acc[r][k]);
    for (int64_t j = i; j < n; ++j) lanes[j - i] += static_cast<double>(a[j] * b[r][j]);
    out[r] = reduce16(lanes);
  }
}

// float32 only: the product is rounded to float32 before the float64 sum, so no multiply-add can be contracted (AVX-512F
// has FMA; float64 vectors keep to the AVX2 loop, which cannot contract). Element i in lane i mod 16, as above.
// GCC 12 warns that the AVX-512 intrinsics' deliberately undefined pass-through operand "may be used uninitialized"
// (GCC bug 105593, fixed in GCC 13); the operand is never read with an all-ones mask, so the warning is switched off for
// this function and the dispatch that inlines it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
template <int R>
__attribute__((target("avx512f,avx512dq"))) void dot_row_avx512(const float* a, const float* const* b, int64_t n,
                                                                 double* out) {
  __m512d acc[R][2];
  for (int r = 0; r < R; ++r) {
    acc[r][0] = _mm512_setzero_pd();
    acc[r][1] = _mm512_setzero_pd();
  }
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 x = _mm512_loadu_ps(a + i);
    for (int r = 0; r < R; ++r) {
      const __m512 p = _mm512_mul_ps(x, _mm512_loadu_ps(b[r] + i));
      acc[r][0] = _mm512_add_pd(acc[r][0], _mm512_cvtps_pd(_mm512_castps512_ps256(p)));
      acc[r][1] = _mm512_add_pd(acc[r][1], _mm512_cvtps_pd(_mm512_extractf32x8_ps(p, 1)));
    }
  }
  for (int r = 0; r < R; ++r) {
    alignas(64) double lanes[16];
    _mm512_store_pd(lanes, acc[r][0]);
    _mm512_store_pd(lanes + 8, acc[r][1]);
    for (int64_t j = i; j < n; ++j) lanes[j - i] += static_cast<double>(a[j] * b[r][j]);
    out[r] = reduce16(lanes);
  }
}

template <typename T>
bool dot_row_wide(const T*, const T* const*, int, int64_t, double*) {
  return false;
}

template <>
bool dot_row_wide<float>(const float* a, const float* const* b, int count, int64_t n, double* out) {
  static const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  if (!avx512) return false;
  switch (count) {
    case 1: dot_row_avx512<1>(a, b, n, out); break;
    case 2: dot_row_avx512<2>(a, b, n, out); break;
    case 3: dot_row_avx512<3>(a, b, n, out); break;
    default: dot_row_avx512<4>(a, b, n, out); break;
  }
  return true;
}
#pragma GCC diagnostic pop

template <typename T>
void dot_row(const T* a, const T* const* b, int count, int64_t n, double* out) {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (dot_row_wide<T>(a, b, count, n, out)) return;
  switch (count) {
    case 1: avx2 ? dot_row_avx2<T, 1>(a, b, n, out) : dot_row_plain<T, 1>(a, b, n, out); break;
    case 2: avx2 ? dot_row_avx2<T, 2>(a, b, n, out) : dot_row_plain<T, 2>(a, b, n, out); break;
    case 3: avx2 ? dot_row_avx2<T, 3>(a, b, n, out) : dot_row_plain<T, 3>(a, b, n, out); break;
    default: avx2 ? dot_row_avx2<T, 4>(a, b, n, out) : dot_row_plain<T, 4>(a, b, n, out); break;
  }
}

// Consecutive pairs with the same left-hand vector, up to kMaxRow of them: one sweep of the left vector.
struct Row {
  int64_t left;
  int count;
  int64_t right[kMaxRow];
  int64_t pair[kMaxRow];
};

std::vector<Row> make_rows(const int64_t* pairs, int64_t n_pairs, int64_t n_vectors) {
  std::vector<Row> rows;
  for (int64_t p = 0; p < n_pairs; ++p) {
    const int64_t a = pairs[2 * p], b = pairs[2 * p + 1];
    TORCH_CHECK(a >= 0 && a < n_vectors && b >= 0 && b < n_vectors, "lbfgs: pair ", p, " = (", a, ", ", b,
                ") names a vector outside 0..", n_vectors - 1);
    if (rows.empty() || rows.back().left != a || rows.back().count == kMaxRow) rows.push_back(Row{a, 0, {}, {}});
    Row& r = rows.back();
    r.right[r.count] = b;
    r.pair[r.count] = p;
    r.count++;
  }
  return rows;
}

template <typename T>
void dots_fast(const std::vector<std::vector<at::Tensor>>& v, const Layout& l, const std::vector<Row>& rows,
               int64_t n_pairs, double* out) {
  std::vector<at::Tensor> keep;
  const auto base = bases<T>(v, l, keep);
  const int64_t items = static_cast<int64_t>(l.items.size());
  std::vector<double> partial(static_cast<size_t>(items * n_pairs), 0.0);
  ats::parallel_range(0, items, 1, [&](int64_t begin, int64_t end) {
    for (int64_t it = begin; it < end; ++it) {
      const Item& item = l.items[static_cast<size_t>(it)];
      const size_t seg = static_cast<size_t>(item.segment);
      double* part = partial.data() + it * n_pairs;
      for (const Row& row : rows) {
        const T* a = base[static_cast<size_t>(row.left)][seg] + item.start;
        const T* b[kMaxRow];
        for (int r = 0; r < row.count; ++r) b[r] = base[static_cast<size_t>(row.right[r])][seg] + item.start;
        double res[kMaxRow];
        dot_row<T>(a, b, row.count, item.length, res);
        for (int r = 0; r < row.count; ++r) part[row.pair[r]] = res[r];
      }
    }
  });
  for (int64_t p = 0; p < n_pairs; ++p) {
    double total = 0;
    for (int64_t it = 0; it < items; ++it) total += partial[static_cast<size_t>(it * n_pairs + p)];
    out[p] = total;
  }
}

// ---- linear combinations ----

// acc[k·stride + i] += c[k]·x[i] in float64 for every output k with c[k] ≠ 0, i < n: one read of x for all outputs.
template <typename T>
void combine_block_plain(const T* x, const double* c, int K, double* acc, int64_t stride, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    for (int k = 0; k < K; ++k) {
      if (c[k] != 0) acc[k * stride + i] += c[k] * v;
    }
  }
}

__attribute__((target("avx2"))) inline void load8(const float* p, __m256d& lo, __m256d& hi) {
  const __m256 v = _mm256_loadu_ps(p);
  lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
  hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
}

__attribute__((target("avx2"))) inline void load8(const double* p, __m256d& lo, __m256d& hi) {
  lo = _mm256_loadu_pd(p);
  hi = _mm256_loadu_pd(p + 4);
}

template <typename T>
__attribute__((target("avx2"))) void combine_block_avx2(const T* x, const double* c, int K, double* acc, int64_t stride,
                                                        int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256d lo, hi;
    load8(x + i, lo, hi);
    for (int k = 0; k < K; ++k) {
      if (c[k] == 0) continue;
      const __m256d ck = _mm256_set1_pd(c[k]);
      double* a = acc + k * stride + i;
      _mm256_storeu_pd(a, _mm256_add_pd(_mm256_loadu_pd(a), _mm256_mul_pd(ck, lo)));
      _mm256_storeu_pd(a + 4, _mm256_add_pd(_mm256_loadu_pd(a + 4), _mm256_mul_pd(ck, hi)));
    }
  }
  for (; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    for (int k = 0; k < K; ++k) {
      if (c[k] != 0) acc[k * stride + i] += c[k] * v;
    }
  }
}

// outputs[k] = Σ_j c[k][j]·x_j: per block, float64 accumulators from 0, each vector read once for all outputs (j in
// order, zero coefficients skipped), then rounded once to T.
template <typename T>
void combine_fast(const std::vector<std::vector<at::Tensor>>& v, const Layout& l, const double* c,
                  const std::vector<at::Tensor>& outputs) {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  std::vector<at::Tensor> keep;
  const auto base = bases<T>(v, l, keep);
  const int64_t n_vectors = static_cast<int64_t>(v.size());
  const int K = static_cast<int>(outputs.size());
  std::vector<T*> out;
  for (const auto& o : outputs) out.push_back(o.data_ptr<T>());
  // column j of the coefficients (one per output), and whether any is non-zero
  std::vector<double> column(static_cast<size_t>(n_vectors * K));
  std::vector<char> used(static_cast<size_t>(n_vectors), 0);
  for (int64_t j = 0; j < n_vectors; ++j) {
    for (int k = 0; k < K; ++k) {
      column[static_cast<size_t>(j * K + k)] = c[k * n_vectors + j];
      if (c[k * n_vectors + j] != 0) used[static_cast<size_t>(j)] = 1;
    }
  }
  ats::parallel_range(0, static_cast<int64_t>(l.items.size()), 1, [&](int64_t begin, int64_t end) {
    std::vector<double> acc(static_cast<size_t>(K * kBlock));
    for (int64_t it = begin; it < end; ++it) {
      const Item& item = l.items[static_cast<size_t>(it)];
      const size_t seg = static_cast<size_t>(item.segment);
      for (int k = 0; k < K; ++k) std::fill_n(acc.data() + k * kBlock, item.length, 0.0);
      for (int64_t j = 0; j < n_vectors; ++j) {
        if (!used[static_cast<size_t>(j)]) continue;
        const T* x = base[static_cast<size_t>(j)][seg] + item.start;
        const double* cj = column.data() + j * K;
        if (avx2) {
          combine_block_avx2<T>(x, cj, K, acc.data(), kBlock, item.length);
        } else {
          combine_block_plain<T>(x, cj, K, acc.data(), kBlock, item.length);
        }
      }
      for (int k = 0; k < K; ++k) {
        T* o = out[static_cast<size_t>(k)] + l.offsets[seg] + item.start;
        const double* a = acc.data() + k * kBlock;
        for (int64_t i = 0; i < item.length; ++i) o[i] = static_cast<T>(a[i]);
      }
    }
  });
}

}  // namespace

extern "C" {

int32_t ats_lbfgs_dots(const ats_tensor* vectors, const int64_t* counts, int64_t n_vectors, const int64_t* segments,
                       int64_t n_segments, const int64_t* pairs, int64_t n_pairs, double* out) {
  ATS_TRY
  TORCH_CHECK(n_pairs >= 0, "lbfgs_dots: n_pairs must be >= 0 (got ", n_pairs, ")");
  if (n_pairs > 0 && (pairs == nullptr || out == nullptr)) throw ats::NullHandle();
  at::NoGradGuard no_grad;
  const Layout l = make_layout(segments, n_segments);
  const auto v = gather(vectors, counts, n_vectors, segments, n_segments, l);
  const auto rows = make_rows(pairs, n_pairs, n_vectors);
  if (n_pairs == 0) return ATS_OK;
  if (fast_dtype(v, {})) {
    if (v[0][0].scalar_type() == at::kFloat) {
      dots_fast<float>(v, l, rows, n_pairs, out);
    } else {
      dots_fast<double>(v, l, rows, n_pairs, out);
    }
  } else {
    std::vector<at::Tensor> f;
    for (const auto& vec : v) f.push_back(flat(vec));
    for (int64_t p = 0; p < n_pairs; ++p) {
      const auto& a = f[static_cast<size_t>(pairs[2 * p])];
      const auto& b = f[static_cast<size_t>(pairs[2 * p + 1])];
      out[p] = a.mul(b).sum(at::kDouble).item<double>();  // mixed dtypes promote, as ATen's mul does
    }
  }
  ATS_CATCH
}

int32_t ats_lbfgs_combine(const ats_tensor* vectors, const int64_t* counts, int64_t n_vectors, const int64_t* segments,
                          int64_t n_segments, const double* coefficients, const ats_tensor* outputs, int64_t n_outputs) {
  ATS_TRY
  TORCH_CHECK(n_outputs >= 1, "lbfgs_combine: at least one output is needed (got ", n_outputs, ")");
  if (coefficients == nullptr || outputs == nullptr) throw ats::NullHandle();
  at::NoGradGuard no_grad;
  const Layout l = make_layout(segments, n_segments);
  const auto v = gather(vectors, counts, n_vectors, segments, n_segments, l);
  std::vector<at::Tensor> out;
  for (int64_t k = 0; k < n_outputs; ++k) {
    const at::Tensor& o = ats::T(outputs[k]);
    TORCH_CHECK(o.numel() == l.total, "lbfgs_combine: output ", k, " has ", o.numel(), " elements, expected ", l.total);
    for (const auto& vec : v) {
      for (const auto& t : vec) {
        TORCH_CHECK(!t.is_same(o) && !(t.has_storage() && o.has_storage() && t.storage().is_alias_of(o.storage())),
                    "lbfgs_combine: output ", k, " shares memory with an input vector");
      }
    }
    out.push_back(o);
  }
  if (fast_dtype(v, out)) {
    if (v[0][0].scalar_type() == at::kFloat) {
      combine_fast<float>(v, l, coefficients, out);
    } else {
      combine_fast<double>(v, l, coefficients, out);
    }
  } else {
    std::vector<at::Tensor> f;
    for (const auto& vec : v) f.push_back(flat(vec).to(at::kDouble));
    for (int64_t k = 0; k < n_outputs; ++k) {
      at::Tensor acc = at::zeros({l.total}, f[0].options());
      for (int64_t j = 0; j < n_vectors; ++j) {
        const double cj = coefficients[k * n_vectors + j];
        if (cj != 0) acc.add_(f[static_cast<size_t>(j)].mul(cj));
      }
      out[static_cast<size_t>(k)].copy_(acc.view(out[static_cast<size_t>(k)].sizes()));
    }
  }
  ATS_CATCH
}

}  // extern "C"
