// _foreach_* ops over lists of tensors: the building blocks of multi-tensor optimizer steps. Op codes are shared
// with ats_unary / ats_binary (ats.h); a code libtorch has no _foreach_ kernel for is rejected, never emulated
// silently (lerp is the one documented exception: 1.13 lacks _foreach_lerp_).
#include <ATen/ops/_foreach_abs.h>
#include <ATen/ops/_foreach_add.h>
#include <ATen/ops/_foreach_addcdiv.h>
#include <ATen/ops/_foreach_addcmul.h>
#include <ATen/ops/_foreach_ceil.h>
#include <ATen/ops/_foreach_cos.h>
#include <ATen/ops/_foreach_div.h>
#include <ATen/ops/_foreach_erf.h>
#include <ATen/ops/_foreach_exp.h>
#include <ATen/ops/_foreach_expm1.h>
#include <ATen/ops/_foreach_floor.h>
#include <ATen/ops/_foreach_log.h>
#include <ATen/ops/_foreach_log1p.h>
#include <ATen/ops/_foreach_maximum.h>
#include <ATen/ops/_foreach_minimum.h>
#include <ATen/ops/_foreach_mul.h>
#include <ATen/ops/_foreach_neg.h>
#include <ATen/ops/_foreach_norm.h>
#include <ATen/ops/_foreach_reciprocal.h>
#include <ATen/ops/_foreach_round.h>
#include <ATen/ops/_foreach_sigmoid.h>
#include <ATen/ops/_foreach_sin.h>
#include <ATen/ops/_foreach_sqrt.h>
#include <ATen/ops/_foreach_sub.h>
#include <ATen/ops/_foreach_tanh.h>
#include <ATen/ops/_foreach_zero.h>
#include <torch/version.h>

#if TORCH_VERSION_MAJOR >= 2
#include <ATen/ops/_foreach_lerp.h>
#endif

#include "common.h"

namespace {

using TensorVec = std::vector<at::Tensor>;

TensorVec list(const ats_tensor* hs, int64_t n) {
  TORCH_CHECK(n >= 1, "foreach ops need a list of at least one tensor, got ", n);
  if (hs == nullptr) throw ats::NullHandle();
  return ats::List(hs, n);
}

std::vector<at::Scalar> scalars(const ats_scalar* s, int64_t n) {
  if (s == nullptr) throw std::invalid_argument("foreach: null scalar list");
  std::vector<at::Scalar> v;
  v.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v.push_back(ats::S(s[i]));
  return v;
}

[[noreturn]] void unsupported(const char* kind, int32_t op) {
  throw std::invalid_argument(std::string("op code ") + std::to_string(op) + " has no " + kind +
                              " form in libtorch's _foreach_ ops");
}

TensorVec unary(int32_t op, const TensorVec& x) {
  switch (op) {
    case ATS_NEG: return at::_foreach_neg(x);
    case ATS_ABS: return at::_foreach_abs(x);
    case ATS_SQRT: return at::_foreach_sqrt(x);
    case ATS_EXP: return at::_foreach_exp(x);
    case ATS_LOG: return at::_foreach_log(x);
    case ATS_RECIPROCAL: return at::_foreach_reciprocal(x);
    case ATS_SIGMOID: return at::_foreach_sigmoid(x);
    case ATS_TANH: return at::_foreach_tanh(x);
    case ATS_SIN: return at::_foreach_sin(x);
    case ATS_COS: return at::_foreach_cos(x);
    case ATS_FLOOR: return at::_foreach_floor(x);
    case ATS_CEIL: return at::_foreach_ceil(x);
    case ATS_ROUND: return at::_foreach_round(x);
    case ATS_LOG1P: return at::_foreach_log1p(x);
    case ATS_EXPM1: return at::_foreach_expm1(x);
    case ATS_ERF: return at::_foreach_erf(x);
    case ATS_ZERO: {
      TensorVec r;
      r.reserve(x.size());
      for (const auto& t : x) r.push_back(at::zeros_like(t));
      return r;
    }
    default: unsupported("unary", op);
  }
}

void unary_(int32_t op, const TensorVec& x) {
  switch (op) {
    case ATS_NEG: at::_foreach_neg_(x); break;
    case ATS_ABS: at::_foreach_abs_(x); break;
    case ATS_SQRT: at::_foreach_sqrt_(x); break;
    case ATS_EXP: at::_foreach_exp_(x); break;
    case ATS_LOG: at::_foreach_log_(x); break;
    case ATS_RECIPROCAL: at::_foreach_reciprocal_(x); break;
    case ATS_SIGMOID: at::_foreach_sigmoid_(x); break;
    case ATS_TANH: at::_foreach_tanh_(x); break;
    case ATS_SIN: at::_foreach_sin_(x); break;
    case ATS_COS: at::_foreach_cos_(x); break;
    case ATS_FLOOR: at::_foreach_floor_(x); break;
    case ATS_CEIL: at::_foreach_ceil_(x); break;
    case ATS_ROUND: at::_foreach_round_(x); break;
    case ATS_LOG1P: at::_foreach_log1p_(x); break;
    case ATS_EXPM1: at::_foreach_expm1_(x); break;
    case ATS_ERF: at::_foreach_erf_(x); break;
    case ATS_ZERO: at::_foreach_zero_(x); break;
    default: unsupported("in-place unary", op);
  }
}

TensorVec binary(int32_t op, const TensorVec& x, const TensorVec& y, const at::Scalar& alpha) {
  switch (op) {
    case ATS_ADD: return at::_foreach_add(x, y, alpha);
    case ATS_SUB: return at::_foreach_sub(x, y, alpha);
    case ATS_MUL: return at::_foreach_mul(x, y);
    case ATS_DIV: return at::_foreach_div(x, y);
    case ATS_MAXIMUM: return at::_foreach_maximum(x, y);
    case ATS_MINIMUM: return at::_foreach_minimum(x, y);
    default: unsupported("list-list", op);
  }
}

void binary_(int32_t op, const TensorVec& x, const TensorVec& y, const at::Scalar& alpha) {
  switch (op) {
    case ATS_ADD: at::_foreach_add_(x, y, alpha); break;
    case ATS_SUB: at::_foreach_sub_(x, y, alpha); break;
    case ATS_MUL: at::_foreach_mul_(x, y); break;
    case ATS_DIV: at::_foreach_div_(x, y); break;
    case ATS_MAXIMUM: at::_foreach_maximum_(x, y); break;
    case ATS_MINIMUM: at::_foreach_minimum_(x, y); break;
    default: unsupported("in-place list-list", op);
  }
}

// S is `const at::Scalar&` (one scalar) or `at::ArrayRef<at::Scalar>` (one per tensor): libtorch overloads both.
template <typename S>
TensorVec binary_scalar(int32_t op, const TensorVec& x, S s) {
  switch (op) {
    case ATS_ADD: return at::_foreach_add(x, s);
    case ATS_SUB: return at::_foreach_sub(x, s);
    case ATS_MUL: return at::_foreach_mul(x, s);
    case ATS_DIV: return at::_foreach_div(x, s);
    default: unsupported("list-scalar", op);
  }
}

template <typename S>
void binary_scalar_(int32_t op, const TensorVec& x, S s) {
  switch (op) {
    case ATS_ADD: at::_foreach_add_(x, s); break;
    case ATS_SUB: at::_foreach_sub_(x, s); break;
    case ATS_MUL: at::_foreach_mul_(x, s); break;
    case ATS_DIV: at::_foreach_div_(x, s); break;
    default: unsupported("in-place list-scalar", op);
  }
}

}  // namespace

extern "C" {

int32_t ats_foreach_unary(int32_t op, const ats_tensor* xs, int64_t n, ats_tensor* out, int64_t cap, int64_t* nout) {
  ATS_TRY
  ats::WrapList(unary(op, list(xs, n)), out, cap, nout);
  ATS_CATCH
}

int32_t ats_foreach_unary_(int32_t op, const ats_tensor* xs, int64_t n) {
  ATS_TRY
  unary_(op, list(xs, n));
  ATS_CATCH
}

int32_t ats_foreach_binary(int32_t op, const ats_tensor* xs, const ats_tensor* ys, int64_t n, ats_scalar alpha,
                           ats_tensor* out, int64_t cap, int64_t* nout) {
  ATS_TRY
  ats::WrapList(binary(op, list(xs, n), list(ys, n), ats::S(alpha)), out, cap, nout);
  ATS_CATCH
}

int32_t ats_foreach_binary_(int32_t op, const ats_tensor* xs, const ats_tensor* ys, int64_t n, ats_scalar alpha) {
  ATS_TRY
  binary_(op, list(xs, n), list(ys, n), ats::S(alpha));
  ATS_CATCH
}

int32_t ats_foreach_binary_scalar(int32_t op, const ats_tensor* xs, int64_t n, ats_scalar s, ats_tensor* out,
                                  int64_t cap, int64_t* nout) {
  ATS_TRY
  at::Scalar sc = ats::S(s);
  ats::WrapList(binary_scalar<const at::Scalar&>(op, list(xs, n), sc), out, cap, nout);
  ATS_CATCH
}

int32_t ats_foreach_binary_scalar_(int32_t op, const ats_tensor* xs, int64_t n, ats_scalar s) {
  ATS_TRY
  at::Scalar sc = ats::S(s);
  binary_scalar_<const at::Scalar&>(op, list(xs, n), sc);
  ATS_CATCH
}

int32_t ats_foreach_binary_scalars(int32_t op, const ats_tensor* xs, int64_t n, const ats_scalar* s, ats_tensor* out,
                                   int64_t cap, int64_t* nout) {
  ATS_TRY
  auto sc = scalars(s, n);
  ats::WrapList(binary_scalar<at::ArrayRef<at::Scalar>>(op, list(xs, n), sc), out, cap, nout);
  ATS_CATCH
}

int32_t ats_foreach_binary_scalars_(int32_t op, const ats_tensor* xs, int64_t n, const ats_scalar* s) {
  ATS_TRY
  auto sc = scalars(s, n);
  binary_scalar_<at::ArrayRef<at::Scalar>>(op, list(xs, n), sc);
  ATS_CATCH
}

int32_t ats_foreach_addcmul_(const ats_tensor* self, const ats_tensor* t1, const ats_tensor* t2, int64_t n,
                             ats_scalar value, bool div) {
  ATS_TRY
  auto s = list(self, n);
  auto a = list(t1, n);
  auto b = list(t2, n);
  if (div) at::_foreach_addcdiv_(s, a, b, ats::S(value));
  else at::_foreach_addcmul_(s, a, b, ats::S(value));
  ATS_CATCH
}

int32_t ats_foreach_addcmul_scalars_(const ats_tensor* self, const ats_tensor* t1, const ats_tensor* t2, int64_t n,
                                     const ats_scalar* values, bool div) {
  ATS_TRY
  auto s = list(self, n);
  auto a = list(t1, n);
  auto b = list(t2, n);
  auto v = scalars(values, n);
  if (div) at::_foreach_addcdiv_(s, a, b, at::ArrayRef<at::Scalar>(v));
  else at::_foreach_addcmul_(s, a, b, at::ArrayRef<at::Scalar>(v));
  ATS_CATCH
}

int32_t ats_foreach_lerp_(const ats_tensor* self, const ats_tensor* ends, int64_t n, ats_scalar weight) {
  ATS_TRY
  auto s = list(self, n);
  auto e = list(ends, n);
  at::Scalar w = ats::S(weight);
#if TORCH_VERSION_MAJOR >= 2
  at::_foreach_lerp_(s, e, w);
#else
  for (size_t i = 0; i < s.size(); ++i) s[i].lerp_(e[i], w);
#endif
  ATS_CATCH
}

int32_t ats_foreach_norm(const ats_tensor* xs, int64_t n, ats_scalar ord, ats_tensor* out, int64_t cap,
                         int64_t* nout) {
  ATS_TRY
  ats::WrapList(at::_foreach_norm(list(xs, n), ats::S(ord)), out, cap, nout);
  ATS_CATCH
}

}  // extern "C"
