/* nn.c — torch.nn.functional's fused ops (linear, the softmaxes, the losses) and addmm's node,
 * recorded as PyTorch records them (AddmmBackward0, MseLossBackward0, ..., NllLossBackward0) with
 * ATen's formulas, forward (Loss.cpp, LossNLL.cpp, SoftMax.cpp, Linear.cpp) and backward
 * (FunctionsManual.cpp), so that the numbers round as PyTorch's do.
 *
 * The element-wise losses are composed of the engine's kernels in ATen's operation order (each of
 * ATen's scalar kernels rounds after every operation, as the composition does); the softmaxes and
 * nll_loss have their own loops. Backward formulas are composed of recorded engine ops, so that a
 * backward with create_graph can be differentiated again. */
#include "autograd.h"

#include <stdio.h>
#include <stdlib.h>

/* Temporaries of one function, released together. */
#define NN_POOL 48
typedef struct nn_pool {
  tn_tensor *t[NN_POOL];
  int n;
} nn_pool;

static tn_tensor *K(nn_pool *p, tn_tensor *t) {
  if (t) {
    assert(p->n < NN_POOL);
    p->t[p->n++] = t;
  }
  return t;
}

static void pool_free(nn_pool *p) {
  for (int i = 0; i < p->n; i++) tn_release(p->t[i]);
  p->n = 0;
}

#define TRY(v, e)                                                                                                     \
  do {                                                                                                                \
    if (!((v) = K(&P, (e)))) goto fail;                                                                               \
  } while (0)

static tn_tensor *wf(double d) { return tn_wrap_scalar(tn_scalar_float(d)); }
static tn_tensor *wi(int64_t i) { return tn_wrap_scalar(tn_scalar_int(i)); }

static bool reduction_ok(tn_reduction r) {
  return r == TN_REDUCTION_NONE || r == TN_REDUCTION_MEAN || r == TN_REDUCTION_SUM;
}

static tn_tensor *bad_reduction(void) { return tn__error(TN_ERROR_VALUE, "reduction must be 'none', 'mean' or 'sum'"); }

/* ATen's apply_loss_reduction: a new reference. */
static tn_tensor *reduce_loss(tn_tensor *l, tn_reduction r) {
  if (r == TN_REDUCTION_MEAN) return tn_mean(l, 0, NULL, false, TN_DTYPE_UNDEFINED);
  if (r == TN_REDUCTION_SUM) return tn_sum(l, 0, NULL, false, TN_DTYPE_UNDEFINED);
  return tn_retain(l);
}

static tn_tensor *kernel_not_implemented(const char *kernel, tn_dtype d) {
  return tn__error(TN_ERROR_RUNTIME, "\"%s\" not implemented for '%s'", kernel, tn__scalar_type_name(d));
}

/* ------------------------------------------------------------------------------------------ */
/* addmm's node (its forward is linalg.c's) and linear */

static bool is_col_major(const tn_tensor *t) {
  return t->ndim == 2 && t->strides[0] == 1 && t->strides[1] == t->shape[0];
}

tn_tensor *tn__ag_addmm(const tn_tensor *self, const tn_tensor *m1, const tn_tensor *m2, tn_scalar beta,
                        tn_scalar alpha);
tn_tensor *tn__ag_addmm(const tn_tensor *self, const tn_tensor *m1, const tn_tensor *m2, tn_scalar beta,
                        tn_scalar alpha) {
  bool was = off_begin();
  tn_tensor *r = tn_addmm(self, m1, m2, beta, alpha);
  off_end(was);
  if (!r) return NULL;
  tn_node *n = tn__node_new(TN__K_ADDMM, "AddmmBackward0", 3);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  tn__node_set_next(n, 0, self);
  tn__node_set_next(n, 1, m1);
  tn__node_set_next(n, 2, m2);
  n->s0 = beta;
  n->s1 = alpha;
  n->i0 = (is_col_major(m1) ? 1 : 0) | (is_col_major(m2) ? 2 : 0);
  tn__node_save_if(n, m1, false, "mat1", n->next[2].node != NULL);
  tn__node_save_if(n, m2, false, "mat2", n->next[1].node != NULL);
  return tn__ag_finish(n, r);
}

/* Linear.cpp (1.13): addmm for a 2-D input with bias, addmm on the folded rows of a contiguous 3-D
 * input with bias, else matmul then an in-place add of the bias. */
tn_tensor *tn_linear(const tn_tensor *input, const tn_tensor *weight, const tn_tensor *bias) {
  if (!input || !weight) return tn__error(TN_ERROR_TYPE, "linear(): argument 'input' and 'weight' must be Tensor");
  tn_tensor *wt = tn_t(weight);
  if (!wt) return NULL;
  tn_tensor *r = NULL;
  if (input->ndim == 2 && bias) {
    r = tn_addmm(bias, input, wt, tn_scalar_int(1), tn_scalar_int(1));
  } else if (input->ndim == 3 && bias && tn_is_contiguous(input)) {
    int64_t s2[2] = {input->shape[0] * input->shape[1], input->shape[2]};
    tn_tensor *v = tn_view(input, 2, s2);
    tn_tensor *m = v ? tn_addmm(bias, v, wt, tn_scalar_int(1), tn_scalar_int(1)) : NULL;
    if (m) {
      int64_t s3[3] = {input->shape[0], input->shape[1], m->shape[1]};
      r = tn_view(m, 3, s3);
    }
    tn_release(v);
    tn_release(m);
  } else {
    r = tn_matmul(input, wt);
    if (r && bias) {
      tn_tensor *a = tn_binary_(TN_BINARY_ADD, r, bias);
      if (!a) {
        tn_release(r);
        r = NULL;
      } else {
        tn_release(a);
      }
    }
  }
  tn_release(wt);
  return r;
}

/* ------------------------------------------------------------------------------------------ */
/* softmax and log_softmax (SoftMaxKernel.cpp: max, exp(x - max), their sum; softmax multiplies by
 * the sum's reciprocal, log_softmax subtracts its log) */

#define SOFTMAX_LOOP(T, EXP, LOG)                                                                                     \
  do {                                                                                                                \
    const T *X = (const T *)tn__data(x);                                                                              \
    T *O = (T *)tn__data(out);                                                                                        \
    for (int64_t o = 0; o < outer; o++)                                                                               \
      for (int64_t i = 0; i < inner; i++) {                                                                           \
        const T *xp = X + o * len * inner + i;                                                                        \
        T *op = O + o * len * inner + i;                                                                              \
        T mx = -INFINITY;                                                                                             \
        for (int64_t k = 0; k < len; k++) {                                                                           \
          T v = xp[k * inner];                                                                                        \
          if (v > mx || isnan(v)) mx = v;                                                                             \
        }                                                                                                             \
        double sum = 0;                                                                                               \
        for (int64_t k = 0; k < len; k++) {                                                                           \
          T e = EXP((T)(xp[k * inner] - mx));                                                                         \
          sum += (double)e;                                                                                           \
          if (!log_) op[k * inner] = e;                                                                               \
        }                                                                                                             \
        if (log_) {                                                                                                   \
          T ls = LOG((T)sum);                                                                                         \
          for (int64_t k = 0; k < len; k++) op[k * inner] = (T)(xp[k * inner] - mx) - ls;                             \
        } else {                                                                                                      \
          T inv = (T)1 / (T)sum;                                                                                      \
          for (int64_t k = 0; k < len; k++) op[k * inner] *= inv;                                                     \
        }                                                                                                             \
      }                                                                                                               \
  } while (0)

static tn_tensor *softmax_raw(const tn_tensor *t, int64_t dim, bool log_) {
  TN__CUDA_VIA_HOST1(t, softmax_raw(t, dim, log_));
  tn_tensor *x = tn_contiguous(t);
  if (!x) return NULL;
  tn_tensor *out = tn__new(t->ndim, t->shape, t->dtype);
  if (!out) {
    tn_release(x);
    return NULL;
  }
  int64_t outer = 1, len = 1, inner = 1;
  for (int32_t d = 0; d < t->ndim; d++) {
    if (d < dim) outer *= t->shape[d];
    else if (d == dim) len = t->shape[d];
    else inner *= t->shape[d];
  }
  if (t->numel > 0) {
    switch (t->dtype) {
    case TN_DTYPE_FLOAT32: SOFTMAX_LOOP(float, expf, logf); break;
    case TN_DTYPE_FLOAT64: SOFTMAX_LOOP(double, exp, log); break;
    default: {
      /* bfloat16: float arithmetic, one rounding to bfloat16 at the end */
      size_t es = tn__dtype_traits[t->dtype].size;
      const char *X = tn__data(x);
      char *O = tn__data(out);
      for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
          int64_t base = o * len * inner + i;
          float mx = -INFINITY;
          for (int64_t k = 0; k < len; k++) {
            float v = (float)tn__load_double(X + (size_t)(base + k * inner) * es, t->dtype);
            if (v > mx || isnan(v)) mx = v;
          }
          double sum = 0;
          for (int64_t k = 0; k < len; k++)
            sum += expf((float)tn__load_double(X + (size_t)(base + k * inner) * es, t->dtype) - mx);
          float ls = logf((float)sum), inv = 1.0f / (float)sum;
          for (int64_t k = 0; k < len; k++) {
            float v = (float)tn__load_double(X + (size_t)(base + k * inner) * es, t->dtype) - mx;
            tn__store_double(O + (size_t)(base + k * inner) * es, t->dtype, log_ ? v - ls : expf(v) * inv);
          }
        }
    }
    }
  }
  tn_release(x);
  return out;
}

static tn_tensor *softmax_common(const tn_tensor *t, int64_t dim, tn_dtype dtype, bool log_) {
  if (!t) return tn__error(TN_ERROR_TYPE, "%s(): argument 'input' must be Tensor, not NoneType", log_ ? "log_softmax" : "softmax");
  int64_t d = tn_wrap_dim(dim, t->ndim > 0 ? t->ndim : 1);
  if (d < 0) return NULL;
  if (dtype != TN_DTYPE_UNDEFINED && dtype != t->dtype) {
    if (!tn__dtype_valid(dtype)) return tn__error(TN_ERROR_TYPE, "invalid dtype");
    tn_tensor *c = tn_to_dtype(t, dtype, false);
    if (!c) return NULL;
    tn_tensor *r = softmax_common(c, dim, TN_DTYPE_UNDEFINED, log_);
    tn_release(c);
    return r;
  }
  bool lastdim = t->ndim > 0 && d == t->ndim - 1;
  if (t->dtype != TN_DTYPE_FLOAT32 && t->dtype != TN_DTYPE_FLOAT64 && t->dtype != TN_DTYPE_BFLOAT16) {
    char name[64];
    snprintf(name, sizeof name, "%s%s_kernel_impl", log_ ? "log_softmax" : "softmax", lastdim ? "_lastdim" : "");
    return kernel_not_implemented(name, t->dtype);
  }
  bool w = tn__ag_wants(t, NULL, NULL);
  tn_tensor *r = softmax_raw(t, t->ndim ? d : 0, log_);
  if (!r || !w) return r;
  tn_node *n = tn__node_new(log_ ? TN__K_LOG_SOFTMAX : TN__K_SOFTMAX, log_ ? "LogSoftmaxBackward0" : "SoftmaxBackward0", 1);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  tn__node_set_next(n, 0, t);
  n->i0 = d;
  tn__node_save(n, r, true, "result");
  return tn__ag_finish(n, r);
}

tn_tensor *tn_softmax(const tn_tensor *t, int64_t dim, tn_dtype dtype) { return softmax_common(t, dim, dtype, false); }
tn_tensor *tn_log_softmax(const tn_tensor *t, int64_t dim, tn_dtype dtype) { return softmax_common(t, dim, dtype, true); }

/* ------------------------------------------------------------------------------------------ */
/* element-wise losses */

static tn_node *loss_node(tn__node_kind kind, const char *name, const tn_tensor *input, const tn_tensor *target,
                          tn_reduction red) {
  tn_node *n = tn__node_new(kind, name, 2);
  if (!n) return NULL;
  tn__node_set_next(n, 0, input);
  tn__node_set_next(n, 1, target);
  n->i0 = red;
  tn__node_save(n, input, false, "self");
  tn__node_save(n, target, false, "target");
  return n;
}

tn_tensor *tn_mse_loss(const tn_tensor *input, const tn_tensor *target, tn_reduction red) {
  if (!input || !target) return tn__error(TN_ERROR_TYPE, "mse_loss(): argument 'input' and 'target' must be Tensor");
  if (!reduction_ok(red)) return bad_reduction();
  tn_dtype rt = tn_result_type(input, target);
  if (!tn_dtype_is_floating(rt)) return kernel_not_implemented("mse_cpu", rt);
  nn_pool P = {0};
  tn_tensor *r = NULL, *d, *l;
  int64_t numel = 0;
  bool w = tn__ag_wants(input, target, NULL);
  bool was = off_begin();
  TRY(d, tn_sub(input, target)); /* ATen's mse kernel: diff = a - b; diff * diff */
  TRY(l, tn_mul(d, d));
  numel = l->numel;
  r = reduce_loss(l, red);
fail:
  off_end(was);
  pool_free(&P);
  if (!r || !w) return r;
  /* F.mse_loss broadcasts its operands first: 'mean' divides by the broadcast numel */
  tn_node *n = loss_node(TN__K_MSE, "MseLossBackward0", input, target, red);
  if (n) n->p = (double)numel;
  return tn__ag_finish(n, r);
}

static int check_same_dtype(const tn_tensor *expected, const tn_tensor *other) {
  if (other && other->dtype != expected->dtype)
    return tn__errorf(TN_ERROR_RUNTIME, "Found dtype %s but expected %s", tn__scalar_type_name(other->dtype),
                      tn__scalar_type_name(expected->dtype));
  return 0;
}

tn_tensor *tn_binary_cross_entropy(const tn_tensor *input, const tn_tensor *target, const tn_tensor *weight,
                                   tn_reduction red) {
  if (!input || !target)
    return tn__error(TN_ERROR_TYPE, "binary_cross_entropy(): argument 'input' and 'target' must be Tensor");
  if (!reduction_ok(red)) return bad_reduction();
  if (check_same_dtype(input, target) < 0) return NULL;
  if (!tn_dtype_is_floating(input->dtype)) return kernel_not_implemented("binary_cross_entropy", input->dtype);
  nn_pool P = {0};
  tn_tensor *r = NULL, *t1, *t2, *t3, *one, *loss;
  bool w = tn__ag_wants(input, target, NULL);
  bool was = off_begin();
  /* every element in [0, 1] (NaN is not) */
  TRY(t1, wi(0));
  TRY(t2, tn_binary(TN_BINARY_GE, input, t1));
  TRY(t1, wi(1));
  TRY(t3, tn_binary(TN_BINARY_LE, input, t1));
  TRY(t2, tn_binary(TN_BINARY_LOGICAL_AND, t2, t3));
  TRY(t2, tn_all(t2, 0, NULL, false));
  if (!tn_get_flat(t2, 0).v.b) {
    tn__errorf(TN_ERROR_RUNTIME, "all elements of input should be between 0 and 1");
    goto fail;
  }
  {
    /* (y - 1) * max(log(1 - x), -100) - y * max(log(x), -100), each step rounded */
    tn_scalar lo = tn_scalar_int(-100);
    TRY(one, wi(1));
    TRY(t1, tn_sub(one, input));
    TRY(t1, tn_unary(TN_UNARY_LOG, t1));
    TRY(t1, tn_clamp(t1, &lo, NULL));
    TRY(t2, tn_sub(target, one));
    TRY(t1, tn_mul(t2, t1));
    TRY(t3, tn_unary(TN_UNARY_LOG, input));
    TRY(t3, tn_clamp(t3, &lo, NULL));
    TRY(t3, tn_mul(target, t3));
    TRY(loss, tn_sub(t1, t3));
    if (weight) TRY(loss, tn_mul(loss, weight));
    r = reduce_loss(loss, red);
  }
fail:
  off_end(was);
  pool_free(&P);
  if (!r || !w) return r;
  tn_node *n = loss_node(TN__K_BCE, "BinaryCrossEntropyBackward0", input, target, red);
  if (n && weight) n->aux = tn_detach(weight);
  return tn__ag_finish(n, r);
}

tn_tensor *tn_binary_cross_entropy_with_logits(const tn_tensor *input, const tn_tensor *target,
                                               const tn_tensor *weight, const tn_tensor *pos_weight,
                                               tn_reduction red) {
  if (!input || !target)
    return tn__error(TN_ERROR_TYPE,
                     "binary_cross_entropy_with_logits(): argument 'input' and 'target' must be Tensor");
  if (!reduction_ok(red)) return bad_reduction();
  tn_dtype rt = tn_result_type(input, target);
  if (!tn_dtype_is_floating(rt)) return kernel_not_implemented("neg", input->dtype);
  nn_pool P = {0};
  tn_tensor *r = NULL, *nx, *mv, *one, *t1, *t2, *t3, *loss;
  tn_scalar zero = tn_scalar_int(0);
  bool w = tn__ag_wants(input, target, NULL);
  bool was = off_begin();
  /* Loss.cpp: max_val = (-x).clamp_min(0);
   *   loss = (1 - y) * x + max_val + log(exp(-max_val) + exp(-x - max_val)), or with pos_weight
   *   loss = (1 - y) * x + ((pw - 1) * y + 1) * (log(exp(-max_val) + exp(-x - max_val)) + max_val) */
  TRY(nx, tn_unary(TN_UNARY_NEG, input));
  TRY(mv, tn_clamp(nx, &zero, NULL));
  TRY(one, wi(1));
  TRY(t1, tn_sub(one, target));
  TRY(t1, tn_mul(t1, input));
  TRY(t2, tn_unary(TN_UNARY_NEG, mv));
  TRY(t2, tn_unary(TN_UNARY_EXP, t2));
  TRY(t3, tn_sub(nx, mv));
  TRY(t3, tn_unary(TN_UNARY_EXP, t3));
  TRY(t2, tn_add(t2, t3));
  TRY(t2, tn_unary(TN_UNARY_LOG, t2));
  if (pos_weight) {
    tn_tensor *lw;
    TRY(lw, tn_sub(pos_weight, one));
    TRY(lw, tn_mul(lw, target));
    TRY(lw, tn_add(lw, one));
    TRY(t2, tn_add(t2, mv));
    TRY(t2, tn_mul(lw, t2));
    TRY(loss, tn_add(t1, t2));
  } else {
    TRY(t1, tn_add(t1, mv));
    TRY(loss, tn_add(t1, t2));
  }
  if (weight) TRY(loss, tn_mul(loss, weight));
  r = reduce_loss(loss, red);
fail:
  off_end(was);
  pool_free(&P);
  if (!r || !w) return r;
  tn_node *n = loss_node(TN__K_BCE_LOGITS, "BinaryCrossEntropyWithLogitsBackward0", input, target, red);
  if (n && weight) n->aux = tn_detach(weight);
  if (n && pos_weight) n->aux2 = tn_detach(pos_weight);
  return tn__ag_finish(n, r);
}

/* ------------------------------------------------------------------------------------------ */
/* nll_loss (LossNLL.cpp's nll_loss_out_frame, with its cascade sum for the reductions) */

#define NLL_LEVELS 8

#define NLL_LOOP(T)                                                                                                   \
  do {                                                                                                                \
    const T *X = (const T *)tn__data(x);                                                                              \
    const T *Wt = wc ? (const T *)tn__data(wc) : NULL;                                                                \
    T *O = (T *)tn__data(out);                                                                                        \
    T *WD = (T *)tn__data(wdense);                                                                                    \
    if (none) {                                                                                                       \
      for (int64_t b = 0; b < batch; b++) {                                                                           \
        int64_t t = tg[b];                                                                                            \
        if (t == ignore_index) {                                                                                      \
          O[b] = 0;                                                                                                   \
          continue;                                                                                                   \
        }                                                                                                             \
        T wv = Wt ? Wt[t] : (T)1;                                                                                     \
        O[b] = -X[b * C + t] * wv;                                                                                    \
        WD[b * C + t] = wv;                                                                                           \
        mk[b * C + t] = true;                                                                                         \
      }                                                                                                               \
    } else {                                                                                                          \
      T wsum[NLL_LEVELS] = {0}, lsum[NLL_LEVELS] = {0};                                                               \
      int64_t ignored = 0;                                                                                            \
      for (int64_t b = 0; b < batch; b++) {                                                                           \
        int64_t t = tg[b];                                                                                            \
        if (t == ignore_index) {                                                                                      \
          ignored++;                                                                                                  \
          continue;                                                                                                   \
        }                                                                                                             \
        T data = X[b * C + t];                                                                                        \
        if (Wt) {                                                                                                     \
          T wv = Wt[t];                                                                                               \
          lsum[0] -= data * wv;                                                                                       \
          wsum[0] += wv;                                                                                              \
          WD[b * C + t] = wv;                                                                                         \
        } else {                                                                                                      \
          lsum[0] -= data;                                                                                            \
          WD[b * C + t] = 1;                                                                                          \
        }                                                                                                             \
        mk[b * C + t] = true;                                                                                         \
        for (int64_t j = 0; j + 1 < NLL_LEVELS; ++j) {                                                                \
          uint64_t mask = (uint64_t)level_mask << (j * level_power);                                                  \
          if (((uint64_t)b & mask) != 0) break;                                                                       \
          wsum[j + 1] += wsum[j];                                                                                     \
          lsum[j + 1] += lsum[j];                                                                                     \
          wsum[j] = 0;                                                                                                \
          lsum[j] = 0;                                                                                                \
        }                                                                                                             \
      }                                                                                                               \
      T tw = 0, ov = 0;                                                                                               \
      if (!Wt)                                                                                                        \
        tw = (T)(batch - ignored);                                                                                    \
      else                                                                                                            \
        for (int j = 0; j < NLL_LEVELS; j++) tw += wsum[j];                                                           \
      for (int j = 0; j < NLL_LEVELS; j++) ov += lsum[j];                                                             \
      if (red == TN_REDUCTION_MEAN) ov /= tw;                                                                         \
      O[0] = ov;                                                                                                      \
      total_weight = (double)tw;                                                                                      \
    }                                                                                                                 \
  } while (0)

static int64_t ceil_log2(int64_t x) {
  int64_t r = 0;
  while (((int64_t)1 << r) < x) r++;
  return r;
}

tn_tensor *tn_nll_loss(const tn_tensor *input, const tn_tensor *target, const tn_tensor *weight, tn_reduction red,
                       int64_t ignore_index) {
  if (!input || !target) return tn__error(TN_ERROR_TYPE, "nll_loss(): argument 'input' and 'target' must be Tensor");
  if (!reduction_ok(red)) return bad_reduction();
  /* nll_loss_nd's checks, then nll_loss_forward's */
  if (input->ndim < 1) return tn__error(TN_ERROR_VALUE, "Expected 1 or more dimensions (got %d)", input->ndim);
  if (input->ndim != 1 && target->ndim > 0 && input->shape[0] != target->shape[0])
    return tn__error(TN_ERROR_VALUE, "Expected input batch_size (%lld) to match target batch_size (%lld).",
                     (long long)input->shape[0], (long long)target->shape[0]);
  if (input->ndim > 2) return tn__error(TN_ERROR_RUNTIME, "input tensor should be 1D or 2D");
  if (target->ndim > 1)
    return tn__error(TN_ERROR_RUNTIME, "0D or 1D target tensor expected, multi-target not supported");
  bool no_batch = input->ndim == 1 && target->ndim == 0;
  if (!no_batch && (target->ndim == 0 || input->shape[0] != target->shape[0])) {
    char a[128], b[128];
    return tn__error(TN_ERROR_RUNTIME, "size mismatch (got input: %s, target: %s)", LIST(a, input->ndim, input->shape),
                     LIST(b, target->ndim, target->shape));
  }
  int64_t C = input->shape[input->ndim - 1];
  if (weight && (weight->ndim != 1 || weight->numel != C)) {
    char a[128];
    return tn__error(TN_ERROR_RUNTIME,
                     "weight tensor should be defined either for all %lld classes or no classes but got weight tensor "
                     "of shape: %s",
                     (long long)C, LIST(a, weight->ndim, weight->shape));
  }
  if (target->dtype != TN_DTYPE_INT64)
    return tn__error(TN_ERROR_RUNTIME, "expected scalar type Long but found %s", tn__scalar_type_name(target->dtype));
  if (input->dtype != TN_DTYPE_FLOAT32 && input->dtype != TN_DTYPE_FLOAT64)
    return kernel_not_implemented("nll_loss_out_frame", input->dtype);
  if (weight && weight->dtype != input->dtype)
    return tn__error(TN_ERROR_RUNTIME, "expected scalar type %s but found %s", tn__scalar_type_name(input->dtype),
                     tn__scalar_type_name(weight->dtype));
  int64_t batch = input->ndim == 1 ? 1 : input->shape[0];
  bool none = red == TN_REDUCTION_NONE && input->ndim == 2;
  /* CUDA operands: the loop runs on host views (tn-internal.h); the result and what the backward
   * keeps go to their device, and the node points at the device input */
  const tn_tensor *grad_of = input;
  tn_tensor *hv[3] = {NULL, NULL, NULL};
  tn_device dev = TN_DEVICE_CPU_VALUE;
  bool on_cuda = tn__cuda_any(input, target, weight);
  if (on_cuda) {
    const tn_tensor *ops[3] = {input, target, weight};
    if (tn__cuda_host_args(3, ops, hv, &dev) < 0) return NULL;
    input = hv[0], target = hv[1], weight = hv[2];
  }
  tn_tensor *x = tn_contiguous(input), *tc = tn_contiguous(target), *wc = weight ? tn_contiguous(weight) : NULL;
  tn_tensor *out = NULL, *wdense = NULL, *mask = NULL;
  double total_weight = 0;
  if (!x || !tc || (weight && !wc)) goto fail;
  const int64_t *tg = (const int64_t *)tn__data(tc);
  for (int64_t b = 0; b < batch; b++) {
    int64_t t = tg[b];
    if (t != ignore_index && (t < 0 || t >= C)) {
      tn__errorf(TN_ERROR_INDEX, "Target %lld is out of bounds.", (long long)t);
      goto fail;
    }
  }
  out = none ? tn__new(1, &batch, input->dtype) : tn__new(0, NULL, input->dtype);
  wdense = tn_zeros(input->ndim, input->shape, TN_OPTS(input->dtype));
  mask = tn_zeros(input->ndim, input->shape, TN_OPTS(TN_DTYPE_BOOL));
  if (!out || !wdense || !mask) goto fail;
  {
    bool *mk = (bool *)tn__data(mask);
    int64_t level_power = ceil_log2(batch) / 2;
    if (level_power < 4) level_power = 4;
    int64_t level_mask = ((int64_t)1 << level_power) - 1;
    if (input->dtype == TN_DTYPE_FLOAT32)
      NLL_LOOP(float);
    else
      NLL_LOOP(double);
  }
  tn_release(x);
  tn_release(tc);
  tn_release(wc);
  x = tc = wc = NULL;
  if (on_cuda) {
    tn__cuda_host_done(3, hv, NULL, dev);
    hv[0] = hv[1] = hv[2] = NULL;
    tn_tensor *res[3] = {out, wdense, mask};
    int rc = tn__cuda_host_results(0, dev, 3, res);
    out = res[0], wdense = res[1], mask = res[2];
    if (rc < 0) return NULL;
  }
  if (!tn__ag_wants(grad_of, NULL, NULL)) {
    tn_release(wdense);
    tn_release(mask);
    return out;
  }
  {
    tn_node *n = tn__node_new(TN__K_NLL, "NllLossBackward0", 1);
    if (!n) goto fail;
    tn__node_set_next(n, 0, grad_of);
    n->i0 = red;
    n->has0 = none;
    n->p = total_weight;
    n->aux = mask;
    n->aux2 = wdense;
    return tn__ag_finish(n, out);
  }
fail:
  tn_release(x);
  tn_release(tc);
  tn_release(wc);
  tn_release(out);
  tn_release(wdense);
  tn_release(mask);
  for (int k = 0; k < 3; k++) tn_release(hv[k]);
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* linalg: solve, and the norms through singular values */

/* linalg.solve's rule (linalg_solve_is_vector_rhs): B is a (batch of) vector(s). */
static bool solve_vector_rhs(const tn_tensor *A, const tn_tensor *B) {
  if (B->ndim == 1) return true;
  if (B->ndim != A->ndim - 1) return false;
  for (int32_t d = 0; d < B->ndim; d++)
    if (B->shape[d] != A->shape[d]) return false;
  return true;
}

tn_tensor *tn__ag_solve(const tn_tensor *A, const tn_tensor *B);
tn_tensor *tn__ag_solve(const tn_tensor *A, const tn_tensor *B) {
  bool was = off_begin();
  tn_tensor *X = tn_linalg_solve(A, B);
  off_end(was);
  if (!X) return NULL;
  tn_node *n = tn__node_new(TN__K_SOLVE, "LinalgSolveExBackward0", 2);
  if (!n) {
    tn_release(X);
    return NULL;
  }
  tn__node_set_next(n, 0, A);
  tn__node_set_next(n, 1, B);
  n->i0 = solve_vector_rhs(A, B);
  tn__node_save(n, A, false, "A");
  tn__node_save(n, X, true, "result");
  return tn__ag_finish(n, X);
}

int tn__svd_uv(const tn_tensor *t, tn_tensor **U, tn_tensor **S, tn_tensor **Vh);
int tn__linalg_eigh(const tn_tensor *A, bool upper, bool want_vectors, tn_tensor **values, tn_tensor **vectors);

tn_tensor *tn_linalg_eigvalsh(const tn_tensor *A, bool upper) {
  if (!A) return tn__error(TN_ERROR_TYPE, "linalg_eigvalsh(): argument 'input' (position 1) must be Tensor, not NoneType");
  /* with A requiring grad PyTorch computes the eigenvectors too (for the backward): so do we, since
   * LAPACK's eigenvalues with and without them may differ in the last bits */
  bool w = tn__ag_wants(A, NULL, NULL);
  tn_tensor *L = NULL, *V = NULL;
  bool was = off_begin();
  int rc = tn__linalg_eigh(A, upper, w, &L, w ? &V : NULL);
  off_end(was);
  if (rc < 0) return NULL;
  if (!w) return L;
  tn_node *n = tn__node_new(TN__K_EIGVALSH, "LinalgEighBackward0", 1);
  if (!n) {
    tn_release(L), tn_release(V);
    return NULL;
  }
  tn__node_set_next(n, 0, A);
  n->aux = V;
  return tn__ag_finish(n, L);
}

int tn_linalg_eigh(const tn_tensor *A, bool upper, tn_tensor **values, tn_tensor **vectors) {
  *values = *vectors = NULL;
  if (!A) return tn__errorf(TN_ERROR_TYPE, "linalg_eigh(): argument 'input' (position 1) must be Tensor, not NoneType");
  if (tn__ag_wants(A, NULL, NULL))
    return tn__errorf(TN_ERROR_NOT_IMPLEMENTED,
                      "linalg.eigh: autodiff through the eigenvectors is not supported here (torch.linalg.eigvalsh "
                      "differentiates the eigenvalues)");
  return tn__linalg_eigh(A, upper, true, values, vectors);
}

/* svdvals over the last two dims, recorded as PyTorch's LinalgSvdBackward0 (U and Vh kept as
 * constants: the gradient U diag(gS) Vh). */
static tn_tensor *svdvals_ag(const tn_tensor *t) {
  tn_tensor *U, *S, *Vh;
  bool w = tn__ag_wants(t, NULL, NULL);
  bool was = off_begin();
  int rc = tn__svd_uv(t, &U, &S, &Vh);
  off_end(was);
  if (rc < 0) return NULL;
  if (!w) {
    tn_release(U);
    tn_release(Vh);
    return S;
  }
  tn_node *n = tn__node_new(TN__K_SVDVALS, "LinalgSvdBackward0", 1);
  if (!n) {
    tn_release(U), tn_release(S), tn_release(Vh);
    return NULL;
  }
  tn__node_set_next(n, 0, t);
  n->aux = U;
  n->aux2 = Vh;
  return tn__ag_finish(n, S);
}

/* linalg_matrix_norm for 2, -2 and 'nuc': the matrix dims moved last, svdvals, then amax / amin /
 * sum over them; keepdim unsqueezes them back. */
tn_tensor *tn__ag_svd_norm(const tn_tensor *t, int sel, int64_t d0, int64_t d1, bool keepdim);
tn_tensor *tn__ag_svd_norm(const tn_tensor *t, int sel, int64_t d0, int64_t d1, bool keepdim) {
  nn_pool P = {0};
  tn_tensor *r = NULL, *x, *sv, *red;
  int64_t perm[TN_MAX_DIMS];
  int32_t k = 0;
  for (int32_t d = 0; d < t->ndim; d++)
    if (d != d0 && d != d1) perm[k++] = d;
  perm[k++] = d0;
  perm[k++] = d1;
  TRY(x, tn_permute(t, t->ndim, perm));
  TRY(sv, svdvals_ag(x));
  int64_t last = -1;
  if (sel > 0)
    TRY(red, tn_amax(sv, 1, &last, false));
  else if (sel < 0)
    TRY(red, tn_amin(sv, 1, &last, false));
  else
    TRY(red, tn_sum(sv, 1, &last, false, TN_DTYPE_UNDEFINED));
  if (keepdim) { /* unsqueezed last, then the inverse permutation (PermuteBackward0) */
    int64_t inv[TN_MAX_DIMS];
    for (int32_t i = 0; i < t->ndim; i++) inv[perm[i]] = i;
    TRY(red, tn_unsqueeze(red, -1));
    TRY(red, tn_unsqueeze(red, -1));
    TRY(red, tn_permute(red, t->ndim, inv));
  }
  r = tn_retain(red);
fail:
  pool_free(&P);
  return r;
}

/* ------------------------------------------------------------------------------------------ */
/* backward formulas */

#define NEED(i) (n->next[i].node != NULL)

/* maybe_multiply of FunctionsManual.cpp */
static tn_tensor *maybe_mul(nn_pool *pp, tn_tensor *t, tn_scalar s) {
  bool one = (s.kind == TN_SCALAR_INT && s.v.i == 1) || (s.kind == TN_SCALAR_FLOAT && s.v.f == 1.0) ||
             (s.kind == TN_SCALAR_BOOL && s.v.b);
  if (one) return tn_retain(t);
  tn_tensor *w = K(pp, tn_wrap_scalar(s));
  return w ? tn_mul(t, w) : NULL;
}

static int64_t edge_numel(const tn__edge *e) { return tn__shape_numel(e->ndim, e->shape); }

int tn__nn_backward(tn_node *n, tn_tensor *g, tn_tensor **sv, tn_tensor **out) {
  nn_pool P = {0};
  int rc = -1;
  tn_tensor *t1, *t2, *t3, *one;
  tn_reduction red = (tn_reduction)n->i0;
  switch (n->kind) {
  case TN__K_ADDMM: {
    tn_tensor *m1 = sv[0], *m2 = sv[1];
    if (NEED(0) && !(out[0] = maybe_mul(&P, g, n->s0))) goto fail;
    if (NEED(1)) { /* mm_mat1_backward */
      if (n->i0 & 1) {
        TRY(t1, tn_t(g));
        TRY(t1, tn_mm(m2, t1));
        TRY(t1, tn_t(t1));
      } else {
        TRY(t1, tn_t(m2));
        TRY(t1, tn_mm(g, t1));
      }
      if (!(out[1] = maybe_mul(&P, t1, n->s1))) goto fail;
    }
    if (NEED(2)) { /* mm_mat2_backward */
      if (n->i0 & 2) {
        TRY(t1, tn_t(g));
        TRY(t1, tn_mm(t1, m1));
        TRY(t1, tn_t(t1));
      } else {
        TRY(t1, tn_t(m1));
        TRY(t1, tn_mm(t1, g));
      }
      if (!(out[2] = maybe_mul(&P, t1, n->s1))) goto fail;
    }
    break;
  }
  case TN__K_MSE:
    /* mse_loss_backward: norm * (self - target) * grad, norm = 2 / numel for 'mean' */
    for (int k = 0; k < 2; k++) {
      if (!NEED(k)) continue;
      double norm = red == TN_REDUCTION_MEAN ? 2.0 / n->p : 2.0;
      TRY(t1, tn_sub(sv[k], sv[1 - k]));
      TRY(t2, wf(norm));
      TRY(t1, tn_mul(t2, t1));
      if (!(out[k] = tn_mul(t1, g))) goto fail;
    }
    break;
  case TN__K_BCE: {
    tn_tensor *x = sv[0], *y = sv[1];
    TRY(one, wi(1));
    if (NEED(0)) {
      /* grad * (x - y) / max((1 - x) * x, EPSILON) */
      TRY(t1, tn_sub(x, y));
      TRY(t1, tn_mul(g, t1));
      TRY(t2, tn_sub(one, x));
      TRY(t2, tn_mul(t2, x));
      tn_scalar eps = tn_scalar_float(1e-12);
      TRY(t2, tn_clamp(t2, &eps, NULL));
      TRY(t1, tn_div(t1, t2));
      if (n->aux) TRY(t1, tn_mul(t1, n->aux));
      if (red == TN_REDUCTION_MEAN) {
        TRY(t3, wi(edge_numel(&n->next[0])));
        TRY(t1, tn_div(t1, t3));
      }
      out[0] = tn_retain(t1);
    }
    if (NEED(1)) {
      /* binary_cross_entropy_target_backward: -logit(x) * grad */
      TRY(t2, tn_sub(one, x));
      TRY(t1, tn_div(x, t2));
      TRY(t1, tn_unary(TN_UNARY_LOG, t1));
      TRY(t1, tn_unary(TN_UNARY_NEG, t1));
      TRY(t1, tn_mul(t1, g));
      if (n->aux) TRY(t1, tn_mul(t1, n->aux));
      if (red == TN_REDUCTION_MEAN) {
        TRY(t3, wi(edge_numel(&n->next[1])));
        TRY(t1, tn_div(t1, t3));
      }
      out[1] = tn_retain(t1);
    }
    break;
  }
  case TN__K_BCE_LOGITS: {
    tn_tensor *x = sv[0], *y = sv[1], *pw = n->aux2;
    TRY(one, wi(1));
    if (NEED(0)) {
      TRY(t1, tn_unary(TN_UNARY_SIGMOID, x));
      if (pw) { /* (pw * y + 1 - y) * sigmoid(x) - pw * y, times grad */
        TRY(t3, tn_mul(pw, y));
        TRY(t2, tn_add(t3, one));
        TRY(t2, tn_sub(t2, y));
        TRY(t2, tn_mul(t2, t1));
        TRY(t1, tn_sub(t2, t3));
      } else {
        TRY(t1, tn_sub(t1, y));
      }
      TRY(t1, tn_mul(t1, g));
      if (n->aux) TRY(t1, tn_mul(t1, n->aux));
      if (red == TN_REDUCTION_MEAN) {
        TRY(t3, wi(edge_numel(&n->next[0])));
        TRY(t1, tn_div(t1, t3));
      }
      out[0] = tn_retain(t1);
    }
    if (NEED(1)) {
      if (pw) { /* log_sigmoid(-x) - log_sigmoid(x) * pw; log_sigmoid(z) = min(z, 0) - log1p(exp(-|z|)) */
        tn_scalar zero = tn_scalar_int(0);
        tn_tensor *ls_pos, *ls_neg, *e;
        TRY(e, tn_unary(TN_UNARY_ABS, x));
        TRY(e, tn_unary(TN_UNARY_NEG, e));
        TRY(e, tn_unary(TN_UNARY_EXP, e));
        TRY(e, tn_unary(TN_UNARY_LOG1P, e));
        TRY(ls_pos, tn_clamp(x, NULL, &zero));
        TRY(ls_pos, tn_sub(ls_pos, e));
        TRY(t2, tn_unary(TN_UNARY_NEG, x));
        TRY(ls_neg, tn_clamp(t2, NULL, &zero));
        TRY(ls_neg, tn_sub(ls_neg, e));
        TRY(t1, tn_mul(ls_pos, pw));
        TRY(t1, tn_sub(ls_neg, t1));
        TRY(t1, tn_mul(t1, g));
      } else {
        TRY(t1, tn_unary(TN_UNARY_NEG, x));
        TRY(t1, tn_mul(t1, g));
      }
      if (n->aux) TRY(t1, tn_mul(t1, n->aux));
      if (red == TN_REDUCTION_MEAN) {
        TRY(t3, wi(edge_numel(&n->next[1])));
        TRY(t1, tn_div(t1, t3));
      }
      out[1] = tn_retain(t1);
    }
    break;
  }
  case TN__K_SOFTMAX: {
    /* (grad - sum(grad * y, dim)) * y */
    tn_tensor *y = sv[0];
    int64_t d = n->i0;
    int32_t nd = y->ndim ? 1 : 0;
    TRY(t1, tn_mul(g, y));
    TRY(t1, tn_sum(t1, nd, &d, true, TN_DTYPE_UNDEFINED));
    TRY(t1, tn_sub(g, t1));
    if (!(out[0] = tn_mul(t1, y))) goto fail;
    break;
  }
  case TN__K_LOG_SOFTMAX: {
    /* grad - exp(y) * sum(grad, dim) */
    tn_tensor *y = sv[0];
    int64_t d = n->i0;
    int32_t nd = y->ndim ? 1 : 0;
    TRY(t1, tn_sum(g, nd, &d, true, TN_DTYPE_UNDEFINED));
    TRY(t2, tn_unary(TN_UNARY_EXP, y));
    TRY(t2, tn_mul(t2, t1));
    if (!(out[0] = tn_sub(g, t2))) goto fail;
    break;
  }
  case TN__K_NLL: {
    /* nll_loss_backward: -w[t] * grad at the targets (grad / total_weight for 'mean'), zeros elsewhere */
    tn_tensor *z;
    TRY(z, tn_zeros(0, NULL, TN_OPTS(g->dtype)));
    if (n->has0) { /* 'none' on a batch: -w * grad[i] */
      TRY(t1, tn_unsqueeze(g, 1));
      TRY(t2, tn_unary(TN_UNARY_NEG, n->aux2));
      TRY(t1, tn_mul(t2, t1));
    } else {
      t1 = g;
      if (red == TN_REDUCTION_MEAN) {
        TRY(t2, wf(n->p));
        TRY(t1, tn_div(t1, t2));
      }
      TRY(t1, tn_unary(TN_UNARY_NEG, t1));
      TRY(t1, tn_mul(n->aux2, t1));
    }
    if (!(out[0] = tn_where(n->aux, t1, z))) goto fail;
    break;
  }
  case TN__K_SOLVE: {
    /* linalg_solve_backward: gB = solve(A^H, gX), gA = -gB X^H (vectors as n x 1 matrices) */
    tn_tensor *A = sv[0], *X = sv[1], *gX = g, *gB;
    bool vec = n->i0 != 0;
    if (vec) {
      TRY(gX, tn_unsqueeze(g, -1));
      TRY(X, tn_unsqueeze(X, -1));
    }
    TRY(t1, tn_transpose(A, -2, -1));
    TRY(gB, tn_linalg_solve(t1, gX));
    if (NEED(0)) {
      TRY(t2, tn_transpose(X, -2, -1));
      TRY(t2, tn_matmul(gB, t2));
      if (!(out[0] = tn_unary(TN_UNARY_NEG, t2))) goto fail;
    }
    if (NEED(1)) {
      if (vec) {
        if (!(out[1] = tn_squeeze_dim(gB, -1))) goto fail;
      } else {
        out[1] = tn_retain(gB);
      }
    }
    break;
  }
  case TN__K_EIGVALSH: {
    /* matmul(V * gL.unsqueeze(-2), V.mH()), as linalg_eig_backward for a Hermitian A */
    TRY(t1, tn_unsqueeze(g, -2));
    TRY(t1, tn_mul(n->aux, t1));
    TRY(t2, tn_transpose(n->aux, -2, -1));
    if (!(out[0] = tn_matmul(t1, t2))) goto fail;
    break;
  }
  case TN__K_SVDVALS: {
    /* U diag(gS) Vh */
    TRY(t1, tn_unsqueeze(g, -2));
    TRY(t1, tn_mul(n->aux, t1));
    if (!(out[0] = tn_matmul(t1, n->aux2))) goto fail;
    break;
  }
  default:
    tn__errorf(TN_ERROR_RUNTIME, "%s: no backward formula", n->name);
    goto fail;
  }
  rc = 0;
fail:
  if (rc < 0)
    for (int32_t i = 0; i < n->nnext; i++) {
      tn_release(out[i]);
      out[i] = NULL;
    }
  pool_free(&P);
  return rc;
}
