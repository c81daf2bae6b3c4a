// Embedding bags and sparse COO gradients (the "embedding bags and sparse gradients" section of ats.h).
// Every call here exists in libtorch 1.13 and 2.x: at::embedding_bag (8-argument form), Tensor::is_sparse,
// sparse_dim, coalesce, indices, values, to_dense, and at::sparse_coo_tensor(indices, values, size).
#include <algorithm>
#include <utility>

#include "common.h"

using ats::T;

namespace {

// (min, max) of a non-empty int64 tensor: a loop on CPU (a lookup's ids are a few thousand at most, and two ATen
// reductions with their item() reads would cost more than the lookup), ATen reductions elsewhere.
std::pair<int64_t, int64_t> MinMax(const at::Tensor& t) {
  if (!t.device().is_cpu()) return {t.min().item<int64_t>(), t.max().item<int64_t>()};
  auto c = t.contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  int64_t lo = p[0], hi = p[0];
  for (int64_t i = 1, n = c.numel(); i < n; ++i) {
    lo = std::min(lo, p[i]);
    hi = std::max(hi, p[i]);
  }
  return {lo, hi};
}

int64_t At(const at::Tensor& t, int64_t i) {
  if (!t.device().is_cpu()) return t[i].item<int64_t>();
  return t.contiguous().data_ptr<int64_t>()[i];
}

bool NonDecreasing(const at::Tensor& t) {
  const int64_t n = t.numel();
  if (n < 2) return true;
  if (!t.device().is_cpu()) return t.slice(0, 1).ge(t.slice(0, 0, n - 1)).all().item<bool>();
  auto c = t.contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  for (int64_t i = 1; i < n; ++i) {
    if (p[i] < p[i - 1]) return false;
  }
  return true;
}

// One line naming the bad argument; the checks libtorch makes itself give multi-line or CUDA-asynchronous errors.
void CheckBagArgs(const at::Tensor& w, const at::Tensor& idx, const at::Tensor& offsets, int32_t mode, bool sparse,
                  const c10::optional<at::Tensor>& psw) {
  TORCH_CHECK(w.dim() == 2 && at::isFloatingType(w.scalar_type()), "embedding_bag: the table must be a 2-D floating tensor (V, D); got ",
              w.dim(), "-D ", w.scalar_type());
  TORCH_CHECK(idx.dim() == 1 && idx.scalar_type() == at::kLong, "embedding_bag: ids must be a 1-D int64 tensor; got ", idx.dim(),
              "-D ", idx.scalar_type());
  TORCH_CHECK(offsets.dim() == 1 && offsets.scalar_type() == at::kLong, "embedding_bag: offsets must be a 1-D int64 tensor; got ",
              offsets.dim(), "-D ", offsets.scalar_type());
  TORCH_CHECK(mode >= ATS_BAG_SUM && mode <= ATS_BAG_MAX, "embedding_bag: unknown bag mode ", mode, " (0 sum, 1 mean, 2 max)");
  TORCH_CHECK(!(sparse && mode == ATS_BAG_MAX), "embedding_bag: sparse gradients need mode sum or mean, not max");
  const int64_t rows = w.size(0), length = idx.size(0), bags = offsets.size(0);
  if (length > 0) {
    const auto range = MinMax(idx);
    const int64_t lo = range.first, hi = range.second;
    TORCH_CHECK(lo >= 0 && hi < rows, "embedding_bag: ids must be in [0, ", rows, "); got ids from ", lo, " to ", hi);
  }
  if (bags > 0) {
    const int64_t first = At(offsets, 0), last = At(offsets, bags - 1);
    TORCH_CHECK(first == 0, "embedding_bag: offsets[0] must be 0; got ", first);
    TORCH_CHECK(last <= length, "embedding_bag: the last offset must be <= the ", length, " ids; got ", last);
    TORCH_CHECK(NonDecreasing(offsets), "embedding_bag: offsets must be non-decreasing");
  }
  if (psw.has_value()) {
    TORCH_CHECK(mode == ATS_BAG_SUM, "embedding_bag: per-sample weights need mode sum");
    TORCH_CHECK(psw->dim() == 1 && psw->size(0) == length, "embedding_bag: per-sample weights must be 1-D with one weight per id (", length,
                "); got shape ", psw->sizes());
  }
}

}  // namespace

int32_t ats_nn_embedding_bag(ats_tensor w, ats_tensor idx, ats_tensor offsets, int32_t mode, bool sparse,
                             ats_tensor per_sample_weights, ats_tensor* out) {
  ATS_TRY
  auto psw = ats::OptT(per_sample_weights);
  CheckBagArgs(T(w), T(idx), T(offsets), mode, sparse, psw);
  // (output, offset2bag, bag_size, max_indices): only the output leaves the shim; autograd keeps the rest.
  auto result = at::embedding_bag(T(w), T(idx), T(offsets), /*scale_grad_by_freq=*/false, mode, sparse, psw,
                                  /*include_last_offset=*/false);
  *out = ats::wrap(std::get<0>(result));
  ATS_CATCH
}

int32_t ats_tensor_is_sparse(ats_tensor t, bool* out) {
  ATS_TRY
  *out = T(t).is_sparse();
  ATS_CATCH
}

int32_t ats_sparse_to_dense(ats_tensor t, ats_tensor* out) {
  ATS_TRY
  auto& x = T(t);
  *out = ats::wrap(x.is_sparse() ? x.to_dense() : x);
  ATS_CATCH
}

int32_t ats_sparse_rows(ats_tensor t, ats_tensor* rows, ats_tensor* values) {
  ATS_TRY
  auto& x = T(t);
  TORCH_CHECK(x.is_sparse(), "sparse_rows: the tensor is dense (layout ", x.layout(), "), not sparse COO");
  TORCH_CHECK(x.sparse_dim() == 1, "sparse_rows: needs one sparse dim (rows); got ", x.sparse_dim());
  auto c = x.coalesce();
  auto r = c.indices().select(0, 0);
  auto v = c.values();
  *rows = ats::wrap(r);
  *values = ats::wrap(v);
  ATS_CATCH
}

int32_t ats_sparse_from_rows(ats_tensor rows, ats_tensor values, int64_t size, ats_tensor* out) {
  ATS_TRY
  auto& r = T(rows);
  auto& v = T(values);
  TORCH_CHECK(r.dim() == 1 && r.scalar_type() == at::kLong, "sparse_from_rows: rows must be a 1-D int64 tensor; got ", r.dim(), "-D ",
              r.scalar_type());
  TORCH_CHECK(v.dim() >= 1 && v.size(0) == r.size(0), "sparse_from_rows: values must have one row per id (", r.size(0), "); got shape ",
              v.sizes());
  TORCH_CHECK(size >= 0, "sparse_from_rows: size must be >= 0; got ", size);
  if (r.numel() > 0) {
    const auto range = MinMax(r);
    const int64_t lo = range.first, hi = range.second;
    TORCH_CHECK(lo >= 0 && hi < size, "sparse_from_rows: rows must be in [0, ", size, "); got rows from ", lo, " to ", hi);
  }
  std::vector<int64_t> shape{size};
  for (int64_t d = 1; d < v.dim(); ++d) shape.push_back(v.size(d));
  *out = ats::wrap(at::sparse_coo_tensor(r.unsqueeze(0).clone(), v.clone(), shape));
  ATS_CATCH
}
