// Neural-network functional ops, losses and initialisers (the "nn functional and losses" section of ats.h).
#include <cmath>

#include "common.h"

using ats::T;

namespace {

at::IntArrayRef Pair(const int64_t* p) {
  if (p == nullptr) throw std::invalid_argument("a window/stride/padding/dilation pair is NULL");
  return at::IntArrayRef(p, 2);
}

int64_t Reduction(int32_t r) {
  switch (r) {
    case ATS_REDUCTION_NONE: return at::Reduction::None;
    case ATS_REDUCTION_MEAN: return at::Reduction::Mean;
    case ATS_REDUCTION_SUM: return at::Reduction::Sum;
    default: throw std::invalid_argument("unknown loss reduction code " + std::to_string(r));
  }
}

double NormCdf(double x) { return (1.0 + std::erf(x / std::sqrt(2.0))) / 2.0; }

}  // namespace

extern "C" {

int32_t ats_nn_linear(ats_tensor x, ats_tensor w, ats_tensor b, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::linear(T(x), T(w), ats::OptT(b)))
}

int32_t ats_nn_conv2d(ats_tensor x, ats_tensor w, ats_tensor b, const int64_t* stride, const int64_t* padding,
                      const int64_t* dilation, int64_t groups, ats_tensor* out) {
  ATS_RETURN_TENSOR(out,
                    at::conv2d(T(x), T(w), ats::OptT(b), Pair(stride), Pair(padding), Pair(dilation), groups))
}

int32_t ats_nn_batch_norm(ats_tensor x, ats_tensor w, ats_tensor b, ats_tensor running_mean, ats_tensor running_var,
                          bool training, double momentum, double eps, ats_tensor* out) {
  ATS_TRY
  TORCH_CHECK(training || (running_mean != nullptr && running_var != nullptr),
              "batch_norm in evaluation mode needs running_mean and running_var");
  *out = ats::wrap(at::batch_norm(T(x), ats::OptT(w), ats::OptT(b), ats::OptT(running_mean), ats::OptT(running_var),
                                  training, momentum, eps, /*cudnn_enabled=*/true));
  ATS_CATCH
}

int32_t ats_nn_layer_norm(ats_tensor x, const int64_t* normalized_shape, int64_t ndim, ats_tensor w, ats_tensor b,
                          double eps, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::layer_norm(T(x), ats::Ints(normalized_shape, ndim), ats::OptT(w), ats::OptT(b), eps))
}

int32_t ats_nn_embedding(ats_tensor w, ats_tensor idx, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::embedding(T(w), T(idx)))
}

int32_t ats_nn_dropout(ats_tensor x, double p, bool training, ats_generator gen, ats_tensor* out) {
  ATS_TRY
  TORCH_CHECK(p >= 0.0 && p <= 1.0, "dropout probability has to be between 0 and 1, but got ", p);
  auto& input = T(x);
  if (!training || p == 0.0) {
    *out = ats::wrap(input);
  } else if (p == 1.0) {
    *out = ats::wrap(input * at::zeros({}, input.options()));
  } else {
    // The same steps as at::dropout (noise = bernoulli(1 - p) / (1 - p); input * noise), with our generator. A
    // generator on another device than the input (a model seeded on the CPU, then moved to a GPU) draws the mask
    // where it lives and the mask is copied over: the same masks on every device, at the cost of one transfer.
    bool here = gen == nullptr || gen->g.device() == input.device();
    at::Tensor noise = here ? at::empty_like(input, c10::MemoryFormat::Contiguous)
                            : at::empty(input.sizes(), input.options().device(gen->g.device()));
    {
      at::NoGradGuard guard;
      noise.bernoulli_(1.0 - p, ats::Gen(gen));
      noise.div_(1.0 - p);
      if (!here) noise = noise.to(input.device());
    }
    *out = ats::wrap(input * noise);
  }
  ATS_CATCH
}

int32_t ats_nn_max_pool2d(ats_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                          const int64_t* dilation, bool ceil_mode, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::max_pool2d(T(x), Pair(kernel), Pair(stride), Pair(padding), Pair(dilation), ceil_mode))
}

int32_t ats_nn_avg_pool2d(ats_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                          bool ceil_mode, bool count_include_pad, ats_tensor* out) {
  ATS_RETURN_TENSOR(out,
                    at::avg_pool2d(T(x), Pair(kernel), Pair(stride), Pair(padding), ceil_mode, count_include_pad))
}

int32_t ats_nn_adaptive_avg_pool2d(ats_tensor x, const int64_t* output_size, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::adaptive_avg_pool2d(T(x), Pair(output_size)))
}

int32_t ats_nn_softmax(ats_tensor x, int64_t dim, ats_tensor* out) { ATS_RETURN_TENSOR(out, at::softmax(T(x), dim)) }

int32_t ats_nn_log_softmax(ats_tensor x, int64_t dim, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::log_softmax(T(x), dim))
}

int32_t ats_nn_cross_entropy(ats_tensor logits, ats_tensor target, ats_tensor weight, int32_t reduction,
                             int64_t ignore_index, double label_smoothing, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::cross_entropy_loss(T(logits), T(target), ats::OptT(weight), Reduction(reduction),
                                                ignore_index, label_smoothing))
}

int32_t ats_nn_mse_loss(ats_tensor x, ats_tensor target, int32_t reduction, ats_tensor* out) {
  ATS_RETURN_TENSOR(out, at::mse_loss(T(x), T(target), Reduction(reduction)))
}

int32_t ats_nn_nll_loss(ats_tensor log_probs, ats_tensor target, ats_tensor weight, int32_t reduction,
                        int64_t ignore_index, ats_tensor* out) {
  ATS_RETURN_TENSOR(out,
                    at::nll_loss_nd(T(log_probs), T(target), ats::OptT(weight), Reduction(reduction), ignore_index))
}

int32_t ats_nn_init_uniform_(ats_tensor t, double low, double high, ats_generator gen) {
  ATS_TRY
  at::NoGradGuard guard;
  T(t).uniform_(low, high, ats::Gen(gen));
  ATS_CATCH
}

int32_t ats_nn_init_normal_(ats_tensor t, double mean, double std, ats_generator gen) {
  ATS_TRY
  at::NoGradGuard guard;
  T(t).normal_(mean, std, ats::Gen(gen));
  ATS_CATCH
}

int32_t ats_nn_init_trunc_normal_(ats_tensor t, double mean, double std, double a, double b, ats_generator gen) {
  ATS_TRY
  TORCH_CHECK(std > 0.0, "trunc_normal_: std must be positive, got ", std);
  TORCH_CHECK(a < b, "trunc_normal_: need a < b, got a = ", a, ", b = ", b);
  at::NoGradGuard guard;
  auto& x = T(t);
  // torch.nn.init.trunc_normal_ (PyTorch 1.13), step for step.
  double l = NormCdf((a - mean) / std);
  double u = NormCdf((b - mean) / std);
  x.uniform_(2 * l - 1, 2 * u - 1, ats::Gen(gen));
  x.erfinv_();
  x.mul_(std * std::sqrt(2.0));
  x.add_(mean);
  x.clamp_(a, b);
  ATS_CATCH
}

}  // extern "C"
