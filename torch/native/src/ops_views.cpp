// Views, shape manipulation and indexing. Every dim argument follows PyTorch (negative counts from the end) and
// libtorch itself validates it, so a bad dim or index arrives as libtorch's own message.
#include <ATen/core/List.h>

#include "common.h"

using ats::T;

namespace {

// One advanced index along dim 0 (a bool mask covers as many leading dims as it has).
c10::List<c10::optional<at::Tensor>> Dim0Index(const at::Tensor& index) {
  c10::List<c10::optional<at::Tensor>> l;
  l.push_back(c10::optional<at::Tensor>(index));
  return l;
}

}  // namespace

extern "C" {

int32_t ats_reshape(ats_tensor a, const int64_t* shape, int64_t ndim, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).reshape(ats::Ints(shape, ndim)))
}

int32_t ats_view(ats_tensor a, const int64_t* shape, int64_t ndim, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).view(ats::Ints(shape, ndim)))
}

int32_t ats_permute(ats_tensor a, const int64_t* dims, int64_t ndim, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).permute(ats::Ints(dims, ndim)))
}

int32_t ats_transpose(ats_tensor a, int64_t dim0, int64_t dim1, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).transpose(dim0, dim1))
}

int32_t ats_t(ats_tensor a, ats_tensor* out) { ATS_RETURN_TENSOR(out, T(a).t()) }

int32_t ats_narrow(ats_tensor a, int64_t dim, int64_t start, int64_t length, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).narrow(dim, start, length))
}

int32_t ats_slice(ats_tensor a, int64_t dim, bool has_start, int64_t start, bool has_end, int64_t end, int64_t step,
                  ats_tensor* out) {
  ATS_TRY
  c10::optional<int64_t> s = has_start ? c10::optional<int64_t>(start) : c10::nullopt;
  c10::optional<int64_t> e = has_end ? c10::optional<int64_t>(end) : c10::nullopt;
  *out = ats::wrap(at::slice(T(a), dim, s, e, step));
  ATS_CATCH
}

int32_t ats_select(ats_tensor a, int64_t dim, int64_t index, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).select(dim, index))
}

int32_t ats_index_select(ats_tensor a, int64_t dim, ats_tensor index, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::index_select(T(a), dim, T(index)))
}

int32_t ats_gather(ats_tensor a, int64_t dim, ats_tensor index, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::gather(T(a), dim, T(index)))
}

int32_t ats_scatter(ats_tensor a, int64_t dim, ats_tensor index, ats_tensor src, bool add, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, add ? at::scatter_add(T(a), dim, T(index), T(src)) : at::scatter(T(a), dim, T(index), T(src)))
}

int32_t ats_scatter_(ats_tensor a, int64_t dim, ats_tensor index, ats_tensor src, bool add) {
  ATS_TRY
  if (add) T(a).scatter_add_(dim, T(index), T(src));
  else T(a).scatter_(dim, T(index), T(src));
  ATS_CATCH
}

int32_t ats_scatter_value(ats_tensor a, int64_t dim, ats_tensor index, ats_scalar value, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::scatter(T(a), dim, T(index), ats::S(value)))
}

int32_t ats_scatter_value_(ats_tensor a, int64_t dim, ats_tensor index, ats_scalar value) {
  ATS_TRY
  T(a).scatter_(dim, T(index), ats::S(value));
  ATS_CATCH
}

int32_t ats_squeeze(ats_tensor a, bool has_dim, int64_t dim, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, has_dim ? T(a).squeeze(dim) : T(a).squeeze())
}

int32_t ats_unsqueeze(ats_tensor a, int64_t dim, ats_tensor* out) { ATS_RETURN_TENSOR(out, T(a).unsqueeze(dim)) }

int32_t ats_flatten(ats_tensor a, int64_t start_dim, int64_t end_dim, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).flatten(start_dim, end_dim))
}

int32_t ats_unflatten(ats_tensor a, int64_t dim, const int64_t* sizes, int64_t nsizes, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::unflatten(T(a), dim, ats::Ints(sizes, nsizes)))
}

int32_t ats_expand(ats_tensor a, const int64_t* shape, int64_t ndim, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).expand(ats::Ints(shape, ndim)))
}

int32_t ats_expand_as(ats_tensor a, ats_tensor other, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).expand_as(T(other)))
}

int32_t ats_contiguous(ats_tensor a, ats_tensor* out) { ATS_RETURN_TENSOR(out, T(a).contiguous()) }

namespace {
c10::MemoryFormat memory_format(int32_t f) {
  switch (f) {
    case 0: return c10::MemoryFormat::Contiguous;
    case 1: return c10::MemoryFormat::ChannelsLast;
    default: TORCH_CHECK(false, "unknown memory format ", f, " (0 contiguous, 1 channels-last)");
  }
}
}  // namespace

int32_t ats_contiguous_format(ats_tensor a, int32_t format, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).contiguous(memory_format(format)))
}

int32_t ats_chunk(ats_tensor a, int64_t chunks, int64_t dim, ats_tensor* out, int64_t cap, int64_t* n) {
  ATS_TRY
  ats::WrapList(at::chunk(T(a), chunks, dim), out, cap, n);
  ATS_CATCH
}

int32_t ats_split(ats_tensor a, int64_t split_size, int64_t dim, ats_tensor* out, int64_t cap, int64_t* n) {
  ATS_TRY
  ats::WrapList(at::split(T(a), split_size, dim), out, cap, n);
  ATS_CATCH
}

int32_t ats_split_sizes(ats_tensor a, const int64_t* sizes, int64_t nsizes, int64_t dim, ats_tensor* out,
                        int64_t cap, int64_t* n) {
  ATS_TRY
  ats::WrapList(at::split_with_sizes(T(a), ats::Ints(sizes, nsizes), dim), out, cap, n);
  ATS_CATCH
}

int32_t ats_unbind(ats_tensor a, int64_t dim, ats_tensor* out, int64_t cap, int64_t* n) {
  ATS_TRY
  ats::WrapList(at::unbind(T(a), dim), out, cap, n);
  ATS_CATCH
}

int32_t ats_cat(const ats_tensor* tensors, int64_t n, int64_t dim, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::cat(ats::List(tensors, n), dim))
}

int32_t ats_stack(const ats_tensor* tensors, int64_t n, int64_t dim, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::stack(ats::List(tensors, n), dim))
}

int32_t ats_repeat(ats_tensor a, const int64_t* repeats, int64_t nrepeats, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, T(a).repeat(ats::Ints(repeats, nrepeats)))
}

int32_t ats_flip(ats_tensor a, const int64_t* dims, int64_t ndims, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::flip(T(a), ats::Ints(dims, ndims)))
}

int32_t ats_roll(ats_tensor a, const int64_t* shifts, int64_t nshifts, const int64_t* dims, int64_t ndims,
                 ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::roll(T(a), ats::Ints(shifts, nshifts), ats::Ints(dims, ndims)))
}

int32_t ats_masked_select(ats_tensor a, ats_tensor mask, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::masked_select(T(a), T(mask)))
}

int32_t ats_index(ats_tensor a, ats_tensor index, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::index(T(a), Dim0Index(T(index))))
}

int32_t ats_index_put_(ats_tensor a, ats_tensor index, ats_tensor values, bool accumulate) {
  ATS_TRY
  at::index_put_(T(a), Dim0Index(T(index)), T(values), accumulate);
  ATS_CATCH
}

}  // extern "C"
