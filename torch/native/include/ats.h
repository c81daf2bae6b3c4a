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
ATS_API int32_t ats_reshape(ats_tensor a, const int64_t* shape, int64_t ndim, ats_tensor* out);
/* ==== END SECTION: views ================================================================================== */

/* ==== SECTION: reductions and activations (owner: ops_reduce.cpp) ========================================== */
/* Reduction op codes (ats_reduce): over `dims` (ndims = 0 means all dims). dtype -1 keeps the default. */
enum ats_reduce_op { ATS_SUM = 0, ATS_MEAN = 1, ATS_PROD = 2, ATS_AMAX = 3, ATS_AMIN = 4, ATS_ANY = 5, ATS_ALL = 6,
                     ATS_LOGSUMEXP = 7 };
ATS_API int32_t ats_reduce(int32_t op, ats_tensor a, const int64_t* dims, int64_t ndims, bool keepdim, int32_t dtype,
                           ats_tensor* out);
/* ==== END SECTION: reductions ============================================================================= */

/* ==== SECTION: linear algebra (owner: ops_linalg.cpp) ===================================================== */
/* ==== END SECTION: linalg ================================================================================= */

/* ==== SECTION: foreach (owner: ops_foreach.cpp) =========================================================== */
/* ==== END SECTION: foreach ================================================================================ */

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
 *  not training or p == 0. */
ATS_API int32_t ats_nn_dropout(ats_tensor x, double p, bool training, ats_generator gen, ats_tensor* out);
/** x (N, C, H, W). kernel/stride/padding/dilation int64[2]. */
ATS_API int32_t ats_nn_max_pool2d(ats_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                  const int64_t* dilation, bool ceil_mode, ats_tensor* out);
ATS_API int32_t ats_nn_avg_pool2d(ats_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                  bool ceil_mode, bool count_include_pad, ats_tensor* out);
/** output_size int64[2]. */
ATS_API int32_t ats_nn_adaptive_avg_pool2d(ats_tensor x, const int64_t* output_size, ats_tensor* out);
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

#ifdef __cplusplus
}
#endif
#endif /* ATS_H */
