/*
 * ats.h — the whole C ABI of AlgoPerfSharp's libtorch shim ("ats" = AlgoPerfSharp torch shim).
 *
 * Contract (read this before adding an export):
 *  - Every export is `extern "C"`, starts with `ats_`, returns `int32_t` status (0 = ok) and never lets a C++
 *    exception escape. On failure the message is kept in a thread-local buffer that `ats_last_error` returns; it
 *    stays valid until the next failing call on the same thread. Nothing is allocated for the caller to free.
 *  - Results come back through out-parameters. A tensor result is a new `ats_tensor` the caller owns and must
 *    release with `ats_tensor_free` exactly once. Input handles are borrowed for the duration of the call.
 *  - `ats_tensor` owns one reference to an `at::Tensor`; views share storage exactly as in PyTorch.
 *  - Dtype codes are c10::ScalarType values (stable since 1.x). Device codes: -1 = CPU, k >= 0 = CUDA device k.
 *  - Only ATen calls present in both libtorch 1.13 and 2.x are used, so the shim builds against either.
 *  - Thread-safety: as libtorch's. Grad mode is thread-local (as in PyTorch).
 */
#ifndef ATS_H
#define ATS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define ATS_API __declspec(dllexport)
#else
#define ATS_API __attribute__((visibility("default")))
#endif

/** Bumped whenever an export changes signature; the managed side refuses a mismatching shim. */
#define ATS_ABI_VERSION 1

typedef struct ats_tensor_s* ats_tensor;
typedef struct ats_generator_s* ats_generator;

/** A PyTorch Scalar: kind 0 = floating (f), 1 = integral (i), 2 = boolean (i != 0). */
typedef struct ats_scalar {
  int32_t kind;
  int32_t reserved;
  double f;
  int64_t i;
} ats_scalar;

/* Status codes. */
#define ATS_OK 0
#define ATS_ERR_TORCH 1   /* c10::Error (shape mismatch, bad index, ...) */
#define ATS_ERR_STD 2     /* std::exception (bad_alloc, ...) */
#define ATS_ERR_UNKNOWN 3 /* anything else */
#define ATS_ERR_ARG 4     /* the shim rejected an argument (null handle, unknown op code) */

/* ==== SECTION: runtime ==================================================================================== */
ATS_API const char* ats_last_error(void);
ATS_API int32_t ats_abi_version(void);
/** Writes a NUL-terminated JSON object (libtorch version, parallel info, BLAS library path, CUDA) into buf. */
ATS_API int32_t ats_runtime_info(char* buf, int64_t buf_len, int64_t* needed);
ATS_API int32_t ats_set_num_threads(int32_t n);
/* libtorch's legacy op profiler on this thread: begin returns a handle; end stops it and writes a chrome trace. */
ATS_API int32_t ats_profile_begin(const char* path, void** out);
ATS_API int32_t ats_profile_end(void* profile);
/* on = false: attention, RMSNorm and RoPE always take their composed ATen graphs (default on). */
ATS_API int32_t ats_set_fused_kernels(bool on);
/* on = true: on the calling thread, attention, RMSNorm and RoPE record their composed ATen graphs (their fused nodes'
   backwards are not differentiable), so the graph can be differentiated twice; *previous receives the old value. */
ATS_API int32_t ats_set_twice_differentiable(bool on, bool* previous);
/* glibc malloc: fixed mmap threshold, trim threshold and top pad (bytes); *applied = 0 when not glibc or refused. */
ATS_API int32_t ats_tune_malloc(int32_t mmap_threshold, int32_t trim_threshold, int32_t top_pad, int32_t* applied);
ATS_API int32_t ats_get_num_threads(int32_t* n);
ATS_API int64_t ats_live_tensors(void);
ATS_API int32_t ats_cuda_device_count(int32_t* n);
ATS_API int32_t ats_manual_seed(uint64_t seed);
ATS_API int32_t ats_grad_enabled(bool* enabled);
/** Sets grad mode for the calling thread and returns the previous value. */
ATS_API int32_t ats_set_grad_enabled(bool enabled, bool* previous);

/* ==== SECTION: generator ================================================================================== */
ATS_API int32_t ats_generator_new(uint64_t seed, int32_t device, ats_generator* out);
ATS_API int32_t ats_generator_free(ats_generator g);
ATS_API int32_t ats_generator_set_seed(ats_generator g, uint64_t seed);
/** The generator's full state as a uint8 CPU tensor (for checkpoints). */
ATS_API int32_t ats_generator_get_state(ats_generator g, ats_tensor* out);
ATS_API int32_t ats_generator_set_state(ats_generator g, ats_tensor state);

/* ==== SECTION: tensor core ================================================================================ */
ATS_API int32_t ats_tensor_free(ats_tensor t);
ATS_API int32_t ats_tensor_dim(ats_tensor t, int64_t* out);
/** Copies min(dim, cap) sizes into `sizes`. */
ATS_API int32_t ats_tensor_sizes(ats_tensor t, int64_t* sizes, int64_t cap);
ATS_API int32_t ats_tensor_strides(ats_tensor t, int64_t* strides, int64_t cap);
ATS_API int32_t ats_tensor_numel(ats_tensor t, int64_t* out);
ATS_API int32_t ats_tensor_dtype(ats_tensor t, int32_t* out);
ATS_API int32_t ats_tensor_device(ats_tensor t, int32_t* out);
ATS_API int32_t ats_tensor_is_contiguous(ats_tensor t, bool* out);
ATS_API int32_t ats_tensor_requires_grad(ats_tensor t, bool* out);
ATS_API int32_t ats_tensor_set_requires_grad(ats_tensor t, bool value);
ATS_API int32_t ats_tensor_is_leaf(ats_tensor t, bool* out);
ATS_API int32_t ats_tensor_item_double(ats_tensor t, double* out);
ATS_API int32_t ats_tensor_item_int64(ats_tensor t, int64_t* out);
/** A new handle to the same tensor (shares storage and autograd identity). */
ATS_API int32_t ats_tensor_alias(ats_tensor t, ats_tensor* out);
ATS_API int32_t ats_tensor_same(ats_tensor a, ats_tensor b, bool* out);
/**
 * libtorch's `t.set_data(data)` (PyTorch's `t.data = data`): `t` keeps its identity — every handle to it, its
 * requires_grad, leaf-ness and grad — but now holds `data`'s storage, sizes, strides, dtype and device (no copy;
 * they share storage afterwards). libtorch refuses a non-floating `data` while `t` requires grad, and a tensor type
 * that cannot be shallow-copied (e.g. sparse into dense). Used to move a module's parameters between devices in place.
 */
ATS_API int32_t ats_tensor_set_data(ats_tensor t, ats_tensor data);

/* ==== SECTION: creation and data transfer ================================================================= */
ATS_API int32_t ats_empty(const int64_t* shape, int64_t ndim, int32_t dtype, int32_t device, ats_tensor* out);
ATS_API int32_t ats_zeros(const int64_t* shape, int64_t ndim, int32_t dtype, int32_t device, ats_tensor* out);
ATS_API int32_t ats_ones(const int64_t* shape, int64_t ndim, int32_t dtype, int32_t device, ats_tensor* out);
ATS_API int32_t ats_full(const int64_t* shape, int64_t ndim, ats_scalar value, int32_t dtype, int32_t device,
                         ats_tensor* out);
ATS_API int32_t ats_arange(ats_scalar start, ats_scalar end, ats_scalar step, int32_t dtype, int32_t device,
                           ats_tensor* out);
ATS_API int32_t ats_linspace(double start, double end, int64_t steps, int32_t dtype, int32_t device,
                             ats_tensor* out);
ATS_API int32_t ats_eye(int64_t n, int64_t m, int32_t dtype, int32_t device, ats_tensor* out);
/** gen may be NULL (libtorch's default generator). */
ATS_API int32_t ats_rand(const int64_t* shape, int64_t ndim, ats_generator gen, int32_t dtype, int32_t device,
                         ats_tensor* out);
ATS_API int32_t ats_randn(const int64_t* shape, int64_t ndim, ats_generator gen, int32_t dtype, int32_t device,
                          ats_tensor* out);
ATS_API int32_t ats_randint(int64_t low, int64_t high, const int64_t* shape, int64_t ndim, ats_generator gen,
                            int32_t dtype, int32_t device, ats_tensor* out);
ATS_API int32_t ats_randperm(int64_t n, ats_generator gen, int32_t dtype, int32_t device, ats_tensor* out);
/** Copies `nbytes` from `data` (dense, row-major, elements of `dtype`) into a new CPU tensor. */
ATS_API int32_t ats_from_data(const void* data, int64_t nbytes, const int64_t* shape, int64_t ndim, int32_t dtype,
                              ats_tensor* out);
/** Copies the tensor's elements (row-major; moved to CPU and made contiguous if needed) into `dst`. */
ATS_API int32_t ats_copy_to(ats_tensor t, void* dst, int64_t nbytes);
/** Converts dtype and/or device (dtype -1 = keep; device -2 = keep). copy=true forces a new tensor. */
ATS_API int32_t ats_to(ats_tensor t, int32_t dtype, int32_t device, bool copy, ats_tensor* out);

/* ==== SECTION: elementwise math =========================================================================== */
/* Unary op codes (ats_unary / ats_unary_). */
enum ats_unary_op {
  ATS_NEG = 0, ATS_ABS = 1, ATS_SIGN = 2, ATS_SQRT = 3, ATS_RSQRT = 4, ATS_EXP = 5, ATS_LOG = 6,
  ATS_RECIPROCAL = 7, ATS_RELU = 8, ATS_SIGMOID = 9, ATS_TANH = 10, ATS_SILU = 11, ATS_GELU = 12,
  ATS_GELU_TANH = 13, ATS_SIN = 14, ATS_COS = 15, ATS_SQUARE = 16, ATS_FLOOR = 17, ATS_CEIL = 18,
  ATS_ROUND = 19, ATS_LOGICAL_NOT = 20, ATS_ISNAN = 21, ATS_ISFINITE = 22, ATS_LOG1P = 23, ATS_EXPM1 = 24,
  ATS_ERF = 25, ATS_ZERO = 26, ATS_ISINF = 27
};
/* Binary op codes (tensor ∘ tensor and tensor ∘ scalar). ADD/SUB take `alpha` (b is scaled by it). */
enum ats_binary_op {
  ATS_ADD = 0, ATS_SUB = 1, ATS_MUL = 2, ATS_DIV = 3, ATS_POW = 4, ATS_MAXIMUM = 5, ATS_MINIMUM = 6,
  ATS_EQ = 7, ATS_NE = 8, ATS_LT = 9, ATS_LE = 10, ATS_GT = 11, ATS_GE = 12, ATS_LOGICAL_AND = 13,
  ATS_LOGICAL_OR = 14, ATS_REMAINDER = 15, ATS_ATAN2 = 16, ATS_RSUB = 17, ATS_FLOOR_DIVIDE = 18
};
ATS_API int32_t ats_unary(int32_t op, ats_tensor a, ats_tensor* out);
ATS_API int32_t ats_unary_(int32_t op, ats_tensor a);
ATS_API int32_t ats_binary(int32_t op, ats_tensor a, ats_tensor b, ats_scalar alpha, ats_tensor* out);
ATS_API int32_t ats_binary_(int32_t op, ats_tensor a, ats_tensor b, ats_scalar alpha);
ATS_API int32_t ats_binary_scalar(int32_t op, ats_tensor a, ats_scalar b, ats_scalar alpha, ats_tensor* out);
ATS_API int32_t ats_binary_scalar_(int32_t op, ats_tensor a, ats_scalar b, ats_scalar alpha);
/** scalar ∘ tensor (e.g. 2 - t, 2 / t, 2 ** t). Only SUB, DIV, POW are meaningful here. */
ATS_API int32_t ats_scalar_binary(int32_t op, ats_scalar a, ats_tensor b, ats_tensor* out);
/** out = a + value * t1 * t2 (addcmul) or a + value * t1 / t2 (addcdiv, div=true). */
ATS_API int32_t ats_addcmul(ats_tensor a, ats_tensor t1, ats_tensor t2, ats_scalar value, bool div, ats_tensor* out);
ATS_API int32_t ats_addcmul_(ats_tensor a, ats_tensor t1, ats_tensor t2, ats_scalar value, bool div);
/** a + w * (b - a); weight is a tensor when w_tensor != NULL, else the scalar w. */
ATS_API int32_t ats_lerp(ats_tensor a, ats_tensor b, ats_tensor w_tensor, ats_scalar w, ats_tensor* out);
ATS_API int32_t ats_lerp_(ats_tensor a, ats_tensor b, ats_tensor w_tensor, ats_scalar w);
/** Clamp to [min, max]; has_min/has_max select which bounds apply. */
ATS_API int32_t ats_clamp(ats_tensor a, bool has_min, ats_scalar min, bool has_max, ats_scalar max, ats_tensor* out);
ATS_API int32_t ats_clamp_(ats_tensor a, bool has_min, ats_scalar min, bool has_max, ats_scalar max);
ATS_API int32_t ats_where(ats_tensor cond, ats_tensor a, ats_tensor b, ats_tensor* out);
ATS_API int32_t ats_masked_fill(ats_tensor a, ats_tensor mask, ats_scalar value, ats_tensor* out);
ATS_API int32_t ats_masked_fill_(ats_tensor a, ats_tensor mask, ats_scalar value);
ATS_API int32_t ats_fill_(ats_tensor a, ats_scalar value);
/** dst.copy_(src) (broadcasting, dtype/device conversion). */
ATS_API int32_t ats_copy_(ats_tensor dst, ats_tensor src);
ATS_API int32_t ats_tril(ats_tensor a, int64_t diagonal, bool upper, ats_tensor* out);

/* ==== SECTION: matmul ===================================================================================== */
ATS_API int32_t ats_matmul(ats_tensor a, ats_tensor b, ats_tensor* out);
ATS_API int32_t ats_mm(ats_tensor a, ats_tensor b, ats_tensor* out);
ATS_API int32_t ats_bmm(ats_tensor a, ats_tensor b, ats_tensor* out);
ATS_API int32_t ats_einsum(const char* equation, const ats_tensor* operands, int64_t n, ats_tensor* out);

/* ==== SECTION: views and indexing (owner: ops_views.cpp) =================================================== */
/* All dims may be negative (counted from the end), as in PyTorch. "View" exports return tensors sharing storage
 * with `a`; the others return new storage unless noted. List results go into a caller-provided array of `cap`
 * handles, `*n` receives the count (a std::length_error if cap is too small). */
ATS_API int32_t ats_reshape(ats_tensor a, const int64_t* shape, int64_t ndim, ats_tensor* out);
/** View with a new shape (fails when the strides do not allow it; one dim may be -1). */
ATS_API int32_t ats_view(ats_tensor a, const int64_t* shape, int64_t ndim, ats_tensor* out);
/** View with the dims reordered: result dim i is input dim dims[i]. */
ATS_API int32_t ats_permute(ats_tensor a, const int64_t* dims, int64_t ndim, ats_tensor* out);
ATS_API int32_t ats_transpose(ats_tensor a, int64_t dim0, int64_t dim1, ats_tensor* out);
/** a.t(): transpose of a tensor with at most 2 dims (a view). */
ATS_API int32_t ats_t(ats_tensor a, ats_tensor* out);
ATS_API int32_t ats_narrow(ats_tensor a, int64_t dim, int64_t start, int64_t length, ats_tensor* out);
/** a[start:end:step] along dim (a view); has_start/has_end false = open bound. step > 0. */
ATS_API int32_t ats_slice(ats_tensor a, int64_t dim, bool has_start, int64_t start, bool has_end, int64_t end,
                          int64_t step, ats_tensor* out);
/** a.select(dim, index): removes dim (a view). */
ATS_API int32_t ats_select(ats_tensor a, int64_t dim, int64_t index, ats_tensor* out);
ATS_API int32_t ats_index_select(ats_tensor a, int64_t dim, ats_tensor index, ats_tensor* out);
ATS_API int32_t ats_gather(ats_tensor a, int64_t dim, ats_tensor index, ats_tensor* out);
/** a.scatter(dim, index, src) or, with add, a.scatter_add(dim, index, src). */
ATS_API int32_t ats_scatter(ats_tensor a, int64_t dim, ats_tensor index, ats_tensor src, bool add, ats_tensor* out);
ATS_API int32_t ats_scatter_(ats_tensor a, int64_t dim, ats_tensor index, ats_tensor src, bool add);
/** a.scatter(dim, index, value) (a scalar written at every indexed position). */
ATS_API int32_t ats_scatter_value(ats_tensor a, int64_t dim, ats_tensor index, ats_scalar value, ats_tensor* out);
ATS_API int32_t ats_scatter_value_(ats_tensor a, int64_t dim, ats_tensor index, ats_scalar value);
/** has_dim false: drop every size-1 dim; else drop `dim` if its size is 1. */
ATS_API int32_t ats_squeeze(ats_tensor a, bool has_dim, int64_t dim, ats_tensor* out);
ATS_API int32_t ats_unsqueeze(ats_tensor a, int64_t dim, ats_tensor* out);
ATS_API int32_t ats_flatten(ats_tensor a, int64_t start_dim, int64_t end_dim, ats_tensor* out);
/** Splits dim into `sizes` (one may be -1). */
ATS_API int32_t ats_unflatten(ats_tensor a, int64_t dim, const int64_t* sizes, int64_t nsizes, ats_tensor* out);
/** Broadcast view to `shape` (-1 keeps a size). */
ATS_API int32_t ats_expand(ats_tensor a, const int64_t* shape, int64_t ndim, ats_tensor* out);
ATS_API int32_t ats_expand_as(ats_tensor a, ats_tensor other, ats_tensor* out);
/** a itself (a new handle) when already contiguous, else a dense copy. */
ATS_API int32_t ats_contiguous(ats_tensor a, ats_tensor* out);
/* format: 0 row-major, 1 channels-last (NHWC strides for a 4-D NCHW tensor). */
ATS_API int32_t ats_contiguous_format(ats_tensor a, int32_t format, ats_tensor* out);
/** At most `chunks` views along dim. */
ATS_API int32_t ats_chunk(ats_tensor a, int64_t chunks, int64_t dim, ats_tensor* out, int64_t cap, int64_t* n);
/** ceil(size(dim) / split_size) views (the last may be smaller; at least 1). */
ATS_API int32_t ats_split(ats_tensor a, int64_t split_size, int64_t dim, ats_tensor* out, int64_t cap, int64_t* n);
/** nsizes views with the given sizes, which must sum to size(dim). */
ATS_API int32_t ats_split_sizes(ats_tensor a, const int64_t* sizes, int64_t nsizes, int64_t dim, ats_tensor* out,
                                int64_t cap, int64_t* n);
/** size(dim) views, each without dim. */
ATS_API int32_t ats_unbind(ats_tensor a, int64_t dim, ats_tensor* out, int64_t cap, int64_t* n);
ATS_API int32_t ats_cat(const ats_tensor* tensors, int64_t n, int64_t dim, ats_tensor* out);
ATS_API int32_t ats_stack(const ats_tensor* tensors, int64_t n, int64_t dim, ats_tensor* out);
ATS_API int32_t ats_repeat(ats_tensor a, const int64_t* repeats, int64_t nrepeats, ats_tensor* out);
ATS_API int32_t ats_flip(ats_tensor a, const int64_t* dims, int64_t ndims, ats_tensor* out);
/** Circular shift; ndims = 0 rolls the flattened tensor by shifts[0] (nshifts must be 1). */
ATS_API int32_t ats_roll(ats_tensor a, const int64_t* shifts, int64_t nshifts, const int64_t* dims, int64_t ndims,
                         ats_tensor* out);
/** 1-D tensor of the elements where mask (broadcast to a) is true. */
ATS_API int32_t ats_masked_select(ats_tensor a, ats_tensor mask, ats_tensor* out);
/** a[index]: a bool mask over the leading dims or an integer index along dim 0 (advanced indexing: a copy). */
ATS_API int32_t ats_index(ats_tensor a, ats_tensor index, ats_tensor* out);
/** a[index] = values (or += with accumulate), index as in ats_index. In place. */
ATS_API int32_t ats_index_put_(ats_tensor a, ats_tensor index, ats_tensor values, bool accumulate);
/* ==== END SECTION: views ================================================================================== */

/* ==== SECTION: reductions and activations (owner: ops_reduce.cpp) ========================================== */
/* Reduction op codes (ats_reduce): over `dims` (ndims = 0 means all dims). dtype -1 keeps the default.
 * MAX/MIN reduce over all elements only (torch.max(x)); per-dim values with indices come from ats_max_dim. */
enum ats_reduce_op { ATS_SUM = 0, ATS_MEAN = 1, ATS_PROD = 2, ATS_AMAX = 3, ATS_AMIN = 4, ATS_ANY = 5, ATS_ALL = 6,
                     ATS_LOGSUMEXP = 7, ATS_MAX = 8, ATS_MIN = 9 };
ATS_API int32_t ats_reduce(int32_t op, ats_tensor a, const int64_t* dims, int64_t ndims, bool keepdim, int32_t dtype,
                           ats_tensor* out);
/** Variance (or standard deviation with stddev=true) over `dims` (ndims = 0: all elements), dividing by
 * N - correction (correction 1 = unbiased/Bessel, 0 = population). */
ATS_API int32_t ats_var(ats_tensor a, const int64_t* dims, int64_t ndims, int64_t correction, bool keepdim, bool stddev,
                        ats_tensor* out);
/** (values, indices) of the max (or min with min=true) along dim; ties give the first index on CPU. */
ATS_API int32_t ats_max_dim(ats_tensor a, int64_t dim, bool keepdim, bool min, ats_tensor* values,
                            ats_tensor* indices);
/** int64 index of the max (or min) over dim (has_dim) or of the flattened tensor. */
ATS_API int32_t ats_argmax(ats_tensor a, bool has_dim, int64_t dim, bool keepdim, bool min, ats_tensor* out);
/** Vector p-norm (sum |x|^p)^(1/p) over dims (ndims = 0: all elements; p = 2 is Frobenius then). p may be +-inf
 * (max / min |x|) or 0 (count of non-zeros). dtype -1 keeps the input's. */
ATS_API int32_t ats_norm(ats_tensor a, double p, const int64_t* dims, int64_t ndims, bool keepdim, int32_t dtype,
                         ats_tensor* out);
/* Cumulative op codes (ats_cumulative). */
enum ats_cumulative_op { ATS_CUMSUM = 0, ATS_CUMPROD = 1, ATS_LOGCUMSUMEXP = 2 };
/** Cumulative sum / product / log-sum-exp along dim. dtype -1 keeps the default (integers widen to int64). */
ATS_API int32_t ats_cumulative(int32_t op, ats_tensor a, int64_t dim, int32_t dtype, ats_tensor* out);
/* ==== END SECTION: reductions ============================================================================= */

/* ==== SECTION: linear algebra (owner: ops_linalg.cpp) ===================================================== */
/* Every matrix op works on the last two dims and batches over leading dims, as torch.linalg does. Factorisations
 * of a non-square input (eigh, cholesky, inv, solve's A) fail with ATS_ERR_TORCH. */
/** Symmetric/Hermitian eigendecomposition: eigenvalues ascending (..., n) and orthonormal eigenvectors as columns
 *  (..., n, n). Only the lower (upper = false) or upper triangle of `a` is read. */
ATS_API int32_t ats_linalg_eigh(ats_tensor a, bool upper, ats_tensor* eigenvalues, ats_tensor* eigenvectors);
ATS_API int32_t ats_linalg_eigvalsh(ats_tensor a, bool upper, ats_tensor* out);
/** QR. mode: 0 = reduced (Q: (..., m, k), R: (..., k, n), k = min(m, n)), 1 = complete (Q: (..., m, m)),
 *  2 = r only (*q receives NULL). */
ATS_API int32_t ats_linalg_qr(ats_tensor a, int32_t mode, ats_tensor* q, ats_tensor* r);
/** Cholesky factor (lower, or upper when `upper`); fails with ATS_ERR_TORCH when `a` is not positive-definite. */
ATS_API int32_t ats_linalg_cholesky(ats_tensor a, bool upper, ats_tensor* out);
/** Cholesky that never fails on a non-PD input: *info (int32, batch shape) is 0 on success, else the order of the
 *  first leading minor that is not positive-definite (the factor is then garbage). */
ATS_API int32_t ats_linalg_cholesky_ex(ats_tensor a, bool upper, ats_tensor* factor, ats_tensor* info);
/** X with A·X = B (left) or X·A = B (!left); B may be a vector (..., n) when left. */
ATS_API int32_t ats_linalg_solve(ats_tensor a, ats_tensor b, bool left, ats_tensor* out);
/** X with A·X = B (left) or X·A = B for triangular A; only the upper/lower triangle of A is read. */
ATS_API int32_t ats_linalg_solve_triangular(ats_tensor a, ats_tensor b, bool upper, bool left, bool unitriangular,
                                            ats_tensor* out);
ATS_API int32_t ats_linalg_inv(ats_tensor a, ats_tensor* out);
/** SVD A = U·diag(S)·Vh, S descending. full_matrices=false: U (..., m, k), Vh (..., k, n), k = min(m, n). */
ATS_API int32_t ats_linalg_svd(ats_tensor a, bool full_matrices, ats_tensor* u, ats_tensor* s, ats_tensor* vh);
ATS_API int32_t ats_linalg_svdvals(ats_tensor a, ats_tensor* out);
ATS_API int32_t ats_linalg_det(ats_tensor a, ats_tensor* out);
/** Matrix norm over dims (dim0, dim1). ord_name = "fro" or "nuc" selects a named norm (then `ord` is ignored);
 *  ord_name = NULL uses the numeric ord (±1, ±2, ±inf). */
ATS_API int32_t ats_linalg_matrix_norm(ats_tensor a, const char* ord_name, double ord, int64_t dim0, int64_t dim1,
                                       bool keepdim, ats_tensor* out);
/** Vector p-norm over `dims` (ndims = 0: all elements flattened). ord may be ±inf or 0. */
ATS_API int32_t ats_linalg_vector_norm(ats_tensor a, double ord, const int64_t* dims, int64_t ndims, bool keepdim,
                                       ats_tensor* out);
/** torch.diag: a 1-D input gives a 2-D matrix with it on diagonal `diagonal`; a 2-D input gives that diagonal. */
ATS_API int32_t ats_diag(ats_tensor a, int64_t diagonal, ats_tensor* out);
/** The last dim of `a` placed on diagonal `offset` of the planes (dim1, dim2) of a new tensor. */
ATS_API int32_t ats_diag_embed(ats_tensor a, int64_t offset, int64_t dim1, int64_t dim2, ats_tensor* out);
/** A VIEW of diagonal `offset` of the planes (dim1, dim2), appended as the last dim. */
ATS_API int32_t ats_diagonal(ats_tensor a, int64_t offset, int64_t dim1, int64_t dim2, ats_tensor* out);
/** Sum of the main diagonal of a 2-D tensor (0-D result). */
ATS_API int32_t ats_trace(ats_tensor a, ats_tensor* out);
/* ==== END SECTION: linalg ================================================================================= */

/* ==== SECTION: foreach (owner: ops_foreach.cpp) =========================================================== */
/* Elementwise ops over lists of n >= 1 tensors (libtorch's _foreach_* kernels: one fused launch per list on CUDA, a
 * per-tensor loop on CPU). Op codes are those of ats_unary_op / ats_binary_op. Paired lists (ys, t1, t2, ends) and
 * scalar lists have n entries too. List results go into the caller's array `out` of `cap` handles (cap >= n);
 * *nout receives n. Not differentiable in libtorch 1.13: call under no-grad.
 * Supported codes: unary NEG ABS SQRT EXP LOG RECIPROCAL SIGMOID TANH SIN COS FLOOR CEIL ROUND LOG1P EXPM1 ERF ZERO;
 * list∘list ADD SUB (scaled by alpha) MUL DIV MAXIMUM MINIMUM; list∘scalar(s) ADD SUB MUL DIV. */
ATS_API int32_t ats_foreach_unary(int32_t op, const ats_tensor* xs, int64_t n, ats_tensor* out, int64_t cap,
                                  int64_t* nout);
ATS_API int32_t ats_foreach_unary_(int32_t op, const ats_tensor* xs, int64_t n);
ATS_API int32_t ats_foreach_binary(int32_t op, const ats_tensor* xs, const ats_tensor* ys, int64_t n, ats_scalar alpha,
                                   ats_tensor* out, int64_t cap, int64_t* nout);
ATS_API int32_t ats_foreach_binary_(int32_t op, const ats_tensor* xs, const ats_tensor* ys, int64_t n,
                                    ats_scalar alpha);
/** xs[i] ∘ s (one scalar for every tensor). */
ATS_API int32_t ats_foreach_binary_scalar(int32_t op, const ats_tensor* xs, int64_t n, ats_scalar s, ats_tensor* out,
                                          int64_t cap, int64_t* nout);
ATS_API int32_t ats_foreach_binary_scalar_(int32_t op, const ats_tensor* xs, int64_t n, ats_scalar s);
/** xs[i] ∘ s[i] (one scalar per tensor). */
ATS_API int32_t ats_foreach_binary_scalars(int32_t op, const ats_tensor* xs, int64_t n, const ats_scalar* s,
                                           ats_tensor* out, int64_t cap, int64_t* nout);
ATS_API int32_t ats_foreach_binary_scalars_(int32_t op, const ats_tensor* xs, int64_t n, const ats_scalar* s);
/** self[i] += value·t1[i]·t2[i] (addcmul) or value·t1[i]/t2[i] (div = true). */
ATS_API int32_t ats_foreach_addcmul_(const ats_tensor* self, const ats_tensor* t1, const ats_tensor* t2, int64_t n,
                                     ats_scalar value, bool div);
/** As ats_foreach_addcmul_ with one value per tensor (values has n entries). */
ATS_API int32_t ats_foreach_addcmul_scalars_(const ats_tensor* self, const ats_tensor* t1, const ats_tensor* t2,
                                             int64_t n, const ats_scalar* values, bool div);
/** self[i] += weight·(ends[i] − self[i]). libtorch 1.13 has no _foreach_lerp_: there this is a loop of lerp_ (the
 *  same arithmetic); against libtorch >= 2 it is the fused kernel. */
ATS_API int32_t ats_foreach_lerp_(const ats_tensor* self, const ats_tensor* ends, int64_t n, ats_scalar weight);
/** The vector ord-norm of each whole tensor, as n 0-D tensors. */
ATS_API int32_t ats_foreach_norm(const ats_tensor* xs, int64_t n, ats_scalar ord, ats_tensor* out, int64_t cap,
                                 int64_t* nout);
/* ==== END SECTION: foreach ================================================================================ */

/* ==== SECTION: random in-place (owner: ops_random.cpp) ==================================================== */
/* gen may be NULL (libtorch's default generator). In-place fills keep the tensor's dtype, shape and device. */
/** Fills `a` with samples of U[from, to). */
ATS_API int32_t ats_uniform_(ats_tensor a, double from, double to, ats_generator gen);
/** Fills `a` with samples of N(mean, std²). */
ATS_API int32_t ats_normal_(ats_tensor a, double mean, double std, ats_generator gen);
/** Fills `a` with Bernoulli(p) samples (0 or 1 in a's dtype). */
ATS_API int32_t ats_bernoulli_(ats_tensor a, double p, ats_generator gen);
/** A new tensor shaped and typed like `a` with Bernoulli samples: probability p when has_p, else the elements of
 *  `a` (in [0, 1]) are the probabilities. */
ATS_API int32_t ats_bernoulli(ats_tensor a, bool has_p, double p, ats_generator gen, ats_tensor* out);
/** Fills `a` with samples of the exponential distribution with rate lambd. */
ATS_API int32_t ats_exponential_(ats_tensor a, double lambd, ats_generator gen);
/* ==== END SECTION: random ================================================================================= */

/* ==== SECTION: nn functional and losses (owner: ops_nn.cpp) =============================================== */
/* Conventions: optional tensors are NULL when absent; 2-D window/stride/padding/dilation arguments are int64[2]
 * pairs (height, width); images are (N, C, H, W). Loss reduction codes are at::Reduction's. */
enum ats_nn_reduction { ATS_REDUCTION_NONE = 0, ATS_REDUCTION_MEAN = 1, ATS_REDUCTION_SUM = 2 };
/** y = x W^T + b. x (*, in), w (out, in), b (out) or NULL -> (*, out). */
ATS_API int32_t ats_nn_linear(ats_tensor x, ats_tensor w, ats_tensor b, ats_tensor* out);
/** x (N, Cin, H, W), w (Cout, Cin/groups, kH, kW), b (Cout) or NULL. stride/padding/dilation are int64[2]. */
ATS_API int32_t ats_nn_conv2d(ats_tensor x, ats_tensor w, ats_tensor b, const int64_t* stride, const int64_t* padding,
                              const int64_t* dilation, int64_t groups, ats_tensor* out);
/** x (N, C, *). In training, normalises with batch statistics and updates running_mean/running_var in place
 *  (running = (1 - momentum) running + momentum batch, unbiased variance), exactly as PyTorch. */
ATS_API int32_t ats_nn_batch_norm(ats_tensor x, ats_tensor w, ats_tensor b, ats_tensor running_mean,
                                  ats_tensor running_var, bool training, double momentum, double eps, ats_tensor* out);
/** Normalises over the trailing dims given by normalized_shape; w/b have that shape or are NULL. */
ATS_API int32_t ats_nn_layer_norm(ats_tensor x, const int64_t* normalized_shape, int64_t ndim, ats_tensor w,
                                  ats_tensor b, double eps, ats_tensor* out);
/** w (V, D), idx integer (*) -> (*, D). */
ATS_API int32_t ats_nn_embedding(ats_tensor w, ats_tensor idx, ats_tensor* out);
/** x * bernoulli(1 - p, gen) / (1 - p) in training (gen NULL = default generator); x itself (a new handle) when
 *  not training or p == 0. A gen on another device than x draws the mask there and copies it to x's device. */
ATS_API int32_t ats_nn_dropout(ats_tensor x, double p, bool training, ats_generator gen, ats_tensor* out);
/** x (N, C, H, W). kernel/stride/padding/dilation int64[2]. */
ATS_API int32_t ats_nn_max_pool2d(ats_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                  const int64_t* dilation, bool ceil_mode, ats_tensor* out);
ATS_API int32_t ats_nn_avg_pool2d(ats_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                  bool ceil_mode, bool count_include_pad, ats_tensor* out);
/** output_size int64[2]. */
ATS_API int32_t ats_nn_adaptive_avg_pool2d(ats_tensor x, const int64_t* output_size, ats_tensor* out);
/* softmax(scale · q kᵀ [causal]) v for q (B,H,T,d), k (B,H,S,d), v (B,H,S,dv) → (B,H,T,dv); one fused autograd node on
   CPU float32/float64 when allow_fused (see ops_attention.cpp), the composed ATen graph otherwise. */
ATS_API int32_t ats_nn_attention(ats_tensor q, ats_tensor k, ats_tensor v, bool causal, double scale, bool allow_fused,
                                 ats_tensor* out);
/* The same over one packed projection qkv (B,T,3,H,d) → (B,H,T,d); its gradient comes back packed (no copies). */
ATS_API int32_t ats_nn_attention_packed(ats_tensor qkv, bool causal, double scale, bool allow_fused, ats_tensor* out);
ATS_API int32_t ats_nn_attention_fused_available(bool* out);
/* x · rsqrt(mean(x², -1) + eps) [· w]; w may be NULL. One autograd node on CPU float32/float64 (ops_fused.cpp). */
ATS_API int32_t ats_nn_rms_norm(ats_tensor x, ats_tensor w, double eps, ats_tensor* out);
/* Rotary embedding, rotate-half: x (B,H,T,d) ⊙ cos + [−x₂, x₁] ⊙ sin with (≥T, d) tables. One node on CPU float32/64. */
ATS_API int32_t ats_nn_rope(ats_tensor x, ats_tensor cos, ats_tensor sin, ats_tensor* out);
ATS_API int32_t ats_nn_softmax(ats_tensor x, int64_t dim, ats_tensor* out);
ATS_API int32_t ats_nn_log_softmax(ats_tensor x, int64_t dim, ats_tensor* out);
/** logits (N, C) or (N, C, d1, ...), target class indices (N) / (N, d1, ...) or class probabilities shaped like
 *  logits; weight (C) or NULL. at::cross_entropy_loss. */
ATS_API int32_t ats_nn_cross_entropy(ats_tensor logits, ats_tensor target, ats_tensor weight, int32_t reduction,
                                     int64_t ignore_index, double label_smoothing, ats_tensor* out);
ATS_API int32_t ats_nn_mse_loss(ats_tensor x, ats_tensor target, int32_t reduction, ats_tensor* out);
/** log_probs (N, C) or (N, C, d1, ...), target (N) / (N, d1, ...), weight (C) or NULL. */
ATS_API int32_t ats_nn_nll_loss(ats_tensor log_probs, ats_tensor target, ats_tensor weight, int32_t reduction,
                                int64_t ignore_index, ats_tensor* out);
/* Initialisers: in place, without recording autograd (so they work on leaves that require grad). gen may be NULL. */
ATS_API int32_t ats_nn_init_uniform_(ats_tensor t, double low, double high, ats_generator gen);
ATS_API int32_t ats_nn_init_normal_(ats_tensor t, double mean, double std, ats_generator gen);
/** PyTorch's trunc_normal_: uniform in [2 cdf(a') - 1, 2 cdf(b') - 1], erfinv, scale by std sqrt 2, shift by
 *  mean, clamp to [a, b] (a', b' standardised bounds). */
ATS_API int32_t ats_nn_init_trunc_normal_(ats_tensor t, double mean, double std, double a, double b,
                                          ats_generator gen);
/* ==== END SECTION: nn ===================================================================================== */

/* ==== SECTION: autograd =================================================================================== */
/** Backpropagates from `t`; grad may be NULL for a scalar t. */
ATS_API int32_t ats_backward(ats_tensor t, ats_tensor grad, bool retain_graph);
/** *out = t.grad or NULL when undefined. */
ATS_API int32_t ats_tensor_grad(ats_tensor t, ats_tensor* out);
/** Sets t.grad (NULL clears it). */
ATS_API int32_t ats_tensor_set_grad(ats_tensor t, ats_tensor grad);
ATS_API int32_t ats_detach(ats_tensor t, ats_tensor* out);
/** torch::autograd::grad: the gradients of outputs[0..n_outputs) (seeded with grad_outputs, which may be NULL, or hold
 *  NULL entries, for scalar outputs) with respect to inputs[0..n_inputs), into out[0..n_inputs) (cap >= n_inputs;
 *  *nout = n_inputs). Nothing accumulates into .grad. create_graph = true records the backward, so the results can be
 *  differentiated again (Hessian-vector products); retain_graph keeps the graph for another pass. An input the outputs
 *  do not depend on is an error unless allow_unused, which gives zeros shaped like it. */
ATS_API int32_t ats_autograd_grad(const ats_tensor* outputs, const ats_tensor* grad_outputs, int64_t n_outputs,
                                  const ats_tensor* inputs, int64_t n_inputs, bool retain_graph, bool create_graph,
                                  bool allow_unused, ats_tensor* out, int64_t cap, int64_t* nout);

/* ---- bench ---- */
/** Fused Adam step over n tensors (one pass each): m <- lerp(m, g, 1-beta1); v <- beta2 v + (1-beta2) g^2;
 *  u = (nesterov ? (1-beta1) g + beta1 m : m) / (sqrt(v) / bc2_sqrt + eps) / bc1 (+ weight_decay w when nonzero);
 *  u <- -lr u; then apply ? w <- w + u (g untouched) : g <- u. bc1 = 1 - beta1^t, bc2_sqrt = sqrt(1 - beta2^t).
 *  Contiguous float32/float64 CPU tensors take a fused loop, others the same formula in ATen ops. */
ATS_API int32_t ats_fused_adam_(const ats_tensor* params, const ats_tensor* grads, const ats_tensor* exp_avgs,
                                const ats_tensor* exp_avg_sqs, int64_t n, double lr, double beta1, double beta2,
                                double eps, double weight_decay, double bc1, double bc2_sqrt, bool nesterov,
                                bool apply);
/** *out = every element of every floating tensor in xs is finite (integer/bool tensors count as finite). The contiguous
 *  float32/float64 CPU tensors are read in one parallel region. */
ATS_API int32_t ats_all_finite(const ats_tensor* xs, int64_t n, bool* out);
/** Fused SGD-with-momentum step over n tensors (PyTorch's SGD, dampening 0), one pass over each element:
 *  d = g + weight_decays[k] w (only when decay; weight_decays may be NULL otherwise); b <- momentum b + d;
 *  u = nesterov ? d + momentum b : b; u <- scales[k] u (scales hold -lr per tensor); then apply ? w <- w + u
 *  (g untouched) : g <- u. Bit-identical to those ATen ops in that order (add with a factor is ATen's fmadd, one fused
 *  multiply-add on AVX2/AVX-512 CPUs, two roundings elsewhere, and so here). Contiguous float32/float64 CPU tensors
 *  run in one parallel region over all their elements; any other tensor takes the ATen ops. */
ATS_API int32_t ats_fused_momentum_(const ats_tensor* params, const ats_tensor* grads, const ats_tensor* bufs, int64_t n,
                                    const double* weight_decays, const double* scales, double momentum, bool nesterov,
                                    bool decay, bool apply);
/** The eigenvalue-corrected second moment and the division by its root, in one pass: d <- beta2 d + weight r^2;
 *  x <- x / (sqrt(d) + eps) (d, r, x of one shape). Equal to d.mul_(beta2).addcmul_(r, r, weight);
 *  x.div_(d.sqrt().add_(eps)) up to one rounding of d (whether ATen's addcmul kernel fuses its multiply-add is its
 *  compiler's choice). Non-contiguous or non-float tensors take those ATen ops. */
ATS_API int32_t ats_second_moment_divide_(ats_tensor d, ats_tensor r, ats_tensor x, double beta2, double weight,
                                          double eps);
/** Eigenvalue-corrected Shampoo's direction of n whole 2-D blocks in one call: for block i with filtered gradient
 *  filtered[i], raw gradient raw[i] and corrected eigenvalues second_moments[i] (all rows x cols) and bases left[i]
 *  (rows x rows) and right[i] (cols x cols): x = Lᵀ·M·R and r = Lᵀ·G·R (each as mm(Xᵀ, L), then mm(·ᵀ, R)),
 *  ats_second_moment_divide_(d, r, x, beta2[i], weight[i], eps[i]), and out[i] = L·x·Rᵀ (a new tensor the caller owns;
 *  as mm(xᵀ, Lᵀ), then mm(·ᵀ, Rᵀ)). When dealing the blocks to the intra-op threads (largest first, to the least loaded)
 *  leaves none more than 15% above its fair share, each thread runs its blocks with single-threaded GEMMs inside one
 *  parallel region; otherwise the blocks run in turn with multi-threaded GEMMs. Per block these are the ATen calls of a
 *  one-block-at-a-time path, so the numbers are the same up to the rounding of a GEMM run on fewer threads. */
ATS_API int32_t ats_ec_directions_(const ats_tensor* filtered, const ats_tensor* raw, const ats_tensor* second_moments,
                                   const ats_tensor* left, const ats_tensor* right, int64_t n, const double* beta2,
                                   const double* weight, const double* eps, ats_tensor* out);
/** m_k <- lerp(m_k, g_k, weights[k]) for n pairs (ATen's scalar-weight lerp formula, picked by |weight| < 0.5), in one
 *  parallel region over all elements of the contiguous float32/float64 CPU pairs; others take at::lerp_. Equal to
 *  at::lerp_ up to one rounding (an fma where the CPU has FMA). */
ATS_API int32_t ats_lerp_many_(const ats_tensor* moments, const ats_tensor* targets, int64_t n, const double* weights);
/** Applies n directions: w_k <- (w_k before[k] + alpha[k] p_k) after[k] (pass 1 for a factor that is off: x*1 = x).
 *  Bit-identical to w.mul_(before).add_(p, alpha).mul_(after); contiguous float32/float64 CPU pairs run in one
 *  parallel region over all their elements, others take those ATen ops. */
ATS_API int32_t ats_apply_directions_(const ats_tensor* params, const ats_tensor* directions, int64_t n,
                                      const double* before, const double* alpha, const double* after);

/* ---- adaptive built-ins (ops_adaptive.cpp): sums of squares, DASGO, cross-fitted Adam ---- */
/** out[k] = the sum of squares of xs[k], accumulated in float64 without a float64 copy (contiguous float32/float64 CPU
 *  tensors: fixed chunks of 2^15 elements summed in order, so the result does not depend on the thread count; others
 *  through ATen). The square of a float64 vector norm, up to the order of the sum. */
ATS_API int32_t ats_sum_squares(const ats_tensor* xs, int64_t n, double* out);
/** DASGO's direction of one (rows, cols) matrix in two passes: m <- lerp(m, g, momentum_weight);
 *  p <- lerp(p, sum over rows of g^2, statistic_weight) (p has cols entries; the column sums in float64);
 *  *direction = m * (p + eps)^(-1/2) on every row (a new tensor the caller owns), *sum_squares = the sum of its squares
 *  in float64. Equal to those ATen ops up to the rounding of the sums. Non-contiguous or non-float tensors take the
 *  ATen ops. */
ATS_API int32_t ats_dasgo_direction_(ats_tensor grad, ats_tensor momentum, ats_tensor statistic, double momentum_weight,
                                     double statistic_weight, double eps, ats_tensor* direction, double* sum_squares);
/** Cross-fitted Adam's direction in one pass (ScaleByCrossFitAdam): update holds g_A on entry, sample the n_sample
 *  B gradients of its shape. Roots p_j = sqrt(max(0, (beta2 v + (1-beta2) g_j^2) / bc2)), Var = their sample
 *  variance / n_sample (only with correction and n_sample >= 2); m <- lerp(m, g_A, 1-beta1); v <- beta2 v +
 *  (1-beta2) mean_j g_j^2 (g_A^2 when n_sample = 0); d = sqrt(v / bc2) + eps; inv = 1/d, or max(0, 1/d - Var/d^3);
 *  update <- (m / bc1) inv. Each ATen op's rounding in that order (equal up to one rounding where ATen's vector add
 *  with a factor fuses its multiply-add); non-contiguous or non-float tensors take those ATen ops. */
ATS_API int32_t ats_cross_fit_adam_(ats_tensor update, ats_tensor exp_avg, ats_tensor exp_avg_sq, const ats_tensor* sample,
                                    int64_t n_sample, double beta1, double beta2, double eps, double bc1, double bc2,
                                    bool correction);

/* ---- shampoo ---- */
/** self <- beta*self + alpha*(a @ b), in place (2-D; a and b may be transposed views). */
ATS_API int32_t ats_addmm_(ats_tensor self, ats_tensor a, ats_tensor b, double beta, double alpha);
/** out <- a @ b (2-D), written into the preallocated `out` (resized by ATen if its shape differs). */
ATS_API int32_t ats_mm_out(ats_tensor out, ats_tensor a, ats_tensor b);

/* ---- muon ---- */
/** Newton–Schulz orthogonalization of n same-shape 2-D float matrices, in place: each xs[i] (any strides) ←
 *  scale · NS(xs[i]), NS computed in `dtype` on the wide orientation (transposed when rows > cols): X ← X/(‖X‖_F+eps),
 *  then `steps` times A = X·Xᵀ, B = b·A + c·A·A, X ← a·X + B·X. The n matrices are stacked and each iteration is
 *  three batched GEMMs (ops_muon.cpp). */
ATS_API int32_t ats_newton_schulz_(const ats_tensor* xs, int64_t n, int64_t steps, double a, double b, double c,
                                   double eps, int32_t dtype, double scale);
/** Newton–Schulz (as ats_newton_schulz_) of n 2-D float matrices of any shapes, in place: xs[i] ← scales[i] · NS(xs[i]).
 *  Same-shape matrices run as one batch. With several intra-op threads, every matrix small (below 6.4e7 multiply-adds
 *  per iteration, about a 128 x 1900 matrix) and none above a thread's fair share of the work, the matrices are dealt
 *  to the threads (largest first, to the least loaded) and each thread runs its batches single-threaded; otherwise
 *  the batches run in turn with multi-threaded GEMMs. */
ATS_API int32_t ats_newton_schulz_many_(const ats_tensor* xs, const double* scales, int64_t n, int64_t steps, double a,
                                        double b, double c, double eps, int32_t dtype);
/** *out = the CPU executes bfloat16 dot products natively (AVX-512 BF16), where oneDNN's bfloat16 GEMM is fast. */
ATS_API int32_t ats_cpu_has_native_bf16(bool* out);

/* ---- shampoo: symmetric rank-k update ---- */
/** self <- beta*self + alpha*(a @ a^T), in place; self (n x n) must be symmetric on entry and is exactly symmetric on
 *  exit when n or k >= 512 and self is a contiguous float32/float64 CPU tensor: then BLAS syrk computes one triangle
 *  (half the multiply-adds of addmm) and mirrors it (an `a` in neither row- nor column-major layout is copied first).
 *  Anything else (smaller products, where syrk was slower) takes addmm. */
ATS_API int32_t ats_syrk_(ats_tensor self, ats_tensor a, double beta, double alpha);
/** ats_syrk_ for n pairs in one call: selfs[i] <- betas[i]*selfs[i] + alphas[i]*(as[i] @ as[i]^T). When the updates can
 *  be dealt evenly to the intra-op threads (largest first by d^2 k; none more than 15% above its share), each thread
 *  runs its updates with single-threaded BLAS inside one parallel region; otherwise they run in turn. Per pair the
 *  calls of ats_syrk_, so the same numbers up to the rounding of BLAS run on fewer threads. */
ATS_API int32_t ats_syrk_many_(const ats_tensor* selfs, const ats_tensor* as, int64_t n, const double* betas,
                               const double* alphas);

/* ==== SECTION: embedding bags and sparse gradients (owner: ops_sparse.cpp) ================================= */
/* Sparse tensors here are PyTorch's COO layout with ONE sparse dim: a (V, ...) tensor stored as row ids (1, nnz) and
 * values (nnz, ...), possibly uncoalesced (a row may repeat; its values then add up). An embedding's sparse gradient
 * has this form: the rows looked up in the batch and the output gradient of each lookup. */
/* Bag reductions (at::embedding_bag's mode codes). */
enum ats_bag_mode { ATS_BAG_SUM = 0, ATS_BAG_MEAN = 1, ATS_BAG_MAX = 2 };
/** Pooled lookups (at::embedding_bag, include_last_offset = false): w (V, D) floating; idx int64 (L), the rows of
 *  every bag back to back, each in [0, V); offsets int64 (B), the start of each bag in idx (offsets[0] = 0,
 *  non-decreasing, each <= L; an empty bag gives zeros) -> (B, D), each bag's rows reduced by `mode`.
 *  per_sample_weights (L) or NULL scales each looked-up row first (SUM only). sparse = true makes the backward give w a
 *  sparse COO gradient (rows (1, L) uncoalesced, values (L, D)) instead of a dense (V, D) one (SUM and MEAN only). */
ATS_API int32_t ats_nn_embedding_bag(ats_tensor w, ats_tensor idx, ats_tensor offsets, int32_t mode, bool sparse,
                                     ats_tensor per_sample_weights, ats_tensor* out);
/** *out = t has the sparse COO layout. */
ATS_API int32_t ats_tensor_is_sparse(ats_tensor t, bool* out);
/** A dense copy of a sparse COO tensor (repeated rows summed); a new handle to t itself when t is dense. */
ATS_API int32_t ats_sparse_to_dense(ats_tensor t, ats_tensor* out);
/** The coalesced rows of a sparse COO tensor with one sparse dim: rows int64 (nnz), unique and ascending, and values
 *  (nnz, ...) with the repeats summed. Fails on a dense tensor or one with more sparse dims. */
ATS_API int32_t ats_sparse_rows(ats_tensor t, ats_tensor* rows, ats_tensor* values);
/** A sparse COO tensor of shape (size, values.shape[1:]) from rows int64 (nnz), each in [0, size), and values
 *  (nnz, ...) (copied); repeats allowed (uncoalesced). */
ATS_API int32_t ats_sparse_from_rows(ats_tensor rows, ats_tensor values, int64_t size, ats_tensor* out);
/* ==== END SECTION: sparse ================================================================================= */

/* ---- soap: eigenbasis refresh ---- */
/** SOAP's refresh of n Kronecker factors in one call (ops_soap.cpp): for each i, with A = accumulators[i] and
 *  Q = bases[i] (both d_i x d_i, one floating dtype), e = diag(QᵀAQ) (column sums of Q ⊙ AQ), the permutation that
 *  sorts e descending (stable) written to orders[o_i .. o_i + d_i) with o_i = d_0 + … + d_{i-1}, and Q ← qr(AQ[:, order]).Q
 *  in place. status[i] = 0 when factor i was refreshed, 1 when A holds NaN/∞ (Q and its order untouched). The factors
 *  run in parallel over the intra-op threads, each single-threaded. An ATen error in any factor fails the call (the
 *  bases of other factors may already be refreshed: callers treat that as a failed refresh of all n). */
ATS_API int32_t ats_soap_refresh_(const ats_tensor* accumulators, const ats_tensor* bases, int64_t n, int64_t* orders,
                                  int32_t* status);

/* ---- eigenvalue-corrected Shampoo: eigh refresh ---- */
/** The eigh refresh of n Kronecker factors in one call (ops_eigh.cpp): for each i, A = accumulators[i] / divisors[i]
 *  (+ eps[i] on the diagonal when eps[i] != 0) and bases[i] <- the eigenvectors of A (at::linalg_eigh, lower triangle,
 *  ascending). status[i] = 0 when refreshed, 1 when A holds NaN/inf, 2 when eigh failed (bases[i] untouched in both).
 *  When the factors can be dealt evenly to the intra-op threads (largest first; none more than 15% above its share),
 *  each thread runs its factors single-threaded inside one parallel region; otherwise they run in turn. */
ATS_API int32_t ats_eigh_refresh_(const ats_tensor* accumulators, const ats_tensor* bases, int64_t n,
                                  const double* divisors, const double* eps, int32_t* status);

/* ---- ASGO: inverse roots dealt to the threads (ops_eigh.cpp) ---- */
/** Inverse roots (A + eps[i] I)^(-1/root) of n symmetric matrices dealt to the intra-op threads (ops_eigh.cpp), each
 *  as MatrixFunction.InverseRoot computes it (eigh, spectrum shifted up to eps, X = Y Y^T with Y = Q lambda^(-1/2root))
 *  on one thread inside one parallel region. Only when the matrices can be dealt evenly (largest first, cost d^3; none
 *  more than 15% above its share): otherwise nothing is computed and every status is 3. Per matrix: status 0 and out[i]
 *  a new tensor the caller owns; 1 when A holds NaN/inf, 2 when eigh failed, 3 when not dealt (out[i] NULL in each). */
ATS_API int32_t ats_inverse_roots_dealt(const ats_tensor* matrices, int64_t n, double root, const double* eps,
                                        ats_tensor* out, int32_t* status);
/** The same inverse roots by the caller's plan (MatrixFunction.InverseRoots, InverseRootSchedule.Plan): plan[i] in
 *  [0, bins) puts matrix i in that bin; every bin runs in one parallel region (a thread per bin, each with single-threaded
 *  LAPACK and BLAS, however unequal the bins); plan[i] = -1 leaves matrix i to the caller (status 3, out[i] NULL). Status
 *  and out as ats_inverse_roots_dealt. A plan value outside [-1, bins) or a non-square planned matrix is an error. */
ATS_API int32_t ats_inverse_roots_planned(const ats_tensor* matrices, int64_t n, double root, const double* eps,
                                          const int32_t* plan, int32_t bins, ats_tensor* out, int32_t* status);

/* ---- fused elementwise steps (ops_elementwise.cpp): Schedule-Free AdamW, Sophia, moving averages ---- */
/** Schedule-Free AdamW's step over n parameters (params hold y; zs, xs, vs the state), one pass over every element:
 *  if has_decay z.add_(y, decay) (decay = -gamma*lambda); v.mul_(beta2).addcmul_(g, g, 1-beta2);
 *  z.addcdiv_(g, v.sqrt().add_(eps), -gamma); x.lerp_(z, c); y <- lerp(x, z, 1-beta1) as ats_lerp_into_. Each op's
 *  rounding in that order; the add with a factor is one fma on FMA CPUs (ATen's fmadd), and so are addcmul's and
 *  lerp's multiply-adds (ATen 1.13's compiler may contract them: equal to the ATen ops up to one rounding of v and of x
 *  per step, bit-identical where it did). Contiguous float32/float64 CPU tensors run in one parallel region over all
 *  their elements; others take those ATen ops. */
ATS_API int32_t ats_schedule_free_step_(const ats_tensor* params, const ats_tensor* grads, const ats_tensor* zs,
                                        const ats_tensor* xs, const ats_tensor* vs, int64_t n, double decay,
                                        bool has_decay, double beta1, double beta2, double eps, double gamma,
                                        double c);
/** outs[k] <- lerp(starts[k], ends[k], weight) (ATen's scalar-weight formula, picked by |weight| < 0.5, the
 *  multiply-add fused on FMA CPUs) for n triples of one shape; not contiguous float32/float64 CPU triples take
 *  out.copy_(start).lerp_(end, weight). outs must not alias starts or ends. */
ATS_API int32_t ats_lerp_into_(const ats_tensor* outs, const ats_tensor* starts, const ats_tensor* ends, int64_t n,
                               double weight);
/** Sophia's regular step over n parameters, one pass over every element: m.lerp_(g, 1-beta1);
 *  u = clamp(m / clamp_min(rho h, eps), -1, 1); u.add_(w, weight_decays[k]) when decay (weight_decays may be NULL
 *  otherwise); u.mul_(scales[k]); then apply ? w.add_(u) (g untouched) : g.copy_(u). Bit-identical to those ATen ops
 *  except the lerp (one rounding apart where ATen's compiler did not contract it). Contiguous float32/float64 CPU
 *  tensors run in one parallel region; others take the ATen ops. */
ATS_API int32_t ats_sophia_step_(const ats_tensor* params, const ats_tensor* grads, const ats_tensor* momenta,
                                 const ats_tensor* hessians, int64_t n, const double* weight_decays,
                                 const double* scales, double beta1, double rho, double eps, bool decay, bool apply);
/** Moving averages of n pairs: t.mul_(beta).addcmul_(s, s, weight) when square, else t.mul_(beta).add_(s, weight), in
 *  one parallel region over the contiguous float32/float64 CPU pairs (the add with a factor bit-identical; addcmul up
 *  to one rounding); others take those ATen ops. */
ATS_API int32_t ats_ema_many_(const ats_tensor* targets, const ats_tensor* sources, int64_t n, double beta, double weight,
                              bool square);

/* ---- L-BFGS: dot products and linear combinations of parameter-sized vectors (ops_lbfgs.cpp) ---- */
/** A vector is one flat tensor of S = sum(segments) elements or n_segments tensors of segments[k] elements (one per
 *  parameter, say); `vectors` holds the handles of all vectors in order, counts[v] (1 or n_segments) of vector v.
 *  out[p] = sum_i a_i*b_i for (a, b) = (pairs[2p], pairs[2p+1]): each product rounded to the vectors' dtype, summed in
 *  float64 over fixed blocks of the segments in a fixed order, so out[p] depends only on the two vectors and the
 *  segments (not on threads, AVX2 or the other pairs). Consecutive pairs with the same first vector share one sweep of
 *  it. float32/float64 CPU tensors take a native loop; others (a.mul(b)).sum(float64) in ATen. */
ATS_API int32_t ats_lbfgs_dots(const ats_tensor* vectors, const int64_t* counts, int64_t n_vectors,
                               const int64_t* segments, int64_t n_segments, const int64_t* pairs, int64_t n_pairs,
                               double* out);
/** outputs[k] <- sum_j coefficients[k*n_vectors + j] * vector_j, per element in float64 in the order j = 0, 1, ...
 *  (each product and sum rounded; zero coefficients skipped) and rounded once to the output's dtype. Vectors as in
 *  ats_lbfgs_dots; each output has S elements and shares no memory with an input. */
ATS_API int32_t ats_lbfgs_combine(const ats_tensor* vectors, const int64_t* counts, int64_t n_vectors,
                                  const int64_t* segments, int64_t n_segments, const double* coefficients,
                                  const ats_tensor* outputs, int64_t n_outputs);

#ifdef __cplusplus
}
#endif
#endif /* ATS_H */
