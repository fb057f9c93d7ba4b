/* autograd-formulas.c — the ops' recording hooks and their backward formulas (PyTorch 1.13's
 * derivatives.yaml and FunctionsManual.cpp), written with the engine's public ops so that a
 * backward with create_graph is itself recorded. */
#include "autograd.h"

#include <stdlib.h>

/* Temporaries of one formula, released together. */
#define POOL_MAX 96
typedef struct pool {
  tn_tensor *t[POOL_MAX];
  int n;
} pool;

static tn_tensor *keep(pool *p, tn_tensor *t) {
  if (t) {
    assert(p->n < POOL_MAX);
    p->t[p->n++] = t;
  }
  return t;
}

static void pool_free(pool *p) {
  for (int i = 0; i < p->n; i++) tn_release(p->t[i]);
  p->n = 0;
}

#define TRY(v, e)                                                                                                     \
  do {                                                                                                                \
    if (!((v) = keep(&P, (e)))) goto fail;                                                                            \
  } while (0)

static tn_tensor *wrapf(double d) { return tn_wrap_scalar(tn_scalar_float(d)); }
static tn_tensor *wraps(tn_scalar s) { return tn_wrap_scalar(s); }

/* Grad mode off for the duration of a forward recomputation. */
static bool off_begin(void) { return !tn_set_grad_enabled(false); }
static void off_end(bool was_off) { tn_set_grad_enabled(!was_off); }

static bool scalar_is_one(tn_scalar s) {
  switch (s.kind) {
  case TN_SCALAR_BOOL: return s.v.b;
  case TN_SCALAR_INT: return s.v.i == 1;
  case TN_SCALAR_FLOAT: return s.v.f == 1.0;
  }
  return false;
}

/* unsqueeze the reduced dims back (sorted ascending), as PyTorch's unsqueeze_multiple. */
static tn_tensor *unsqueeze_multiple(pool *pp, tn_tensor *g, int32_t ndims, const int64_t *dims, int32_t in_ndim) {
  bool mask[TN_MAX_DIMS] = {false};
  if (ndims == 0)
    for (int32_t d = 0; d < in_ndim; d++) mask[d] = true;
  for (int32_t i = 0; i < ndims; i++) mask[dims[i]] = true;
  tn_tensor *r = g;
  for (int32_t d = 0; d < in_ndim; d++)
    if (mask[d]) {
      r = keep(pp, tn_unsqueeze(r, d));
      if (!r) return NULL;
    }
  return r;
}

/* Scatter-add of g (any layout) into zeros of shape at the int64 positions pos (g's shape). */
static tn_tensor *scatter_positions_raw(const tn_tensor *g, const tn_tensor *pos, int32_t ndim, const int64_t *shape) {
  tn_tensor *out = tn_zeros(ndim, shape, TN_OPTS(g->dtype));
  if (!out) return NULL;
  tn_tensor *gc = tn_contiguous(g);
  if (!gc) {
    tn_release(out);
    return NULL;
  }
  const int64_t *p = (const int64_t *)tn__data(pos);
  char *o = tn__data(out);
  const char *src = tn__data(gc);
  int64_t n = gc->numel;
  switch (g->dtype) {
  case TN_DTYPE_FLOAT32:
    for (int64_t i = 0; i < n; i++) {
      float a, b;
      memcpy(&a, o + p[i] * 4, 4);
      memcpy(&b, src + i * 4, 4);
      a += b;
      memcpy(o + p[i] * 4, &a, 4);
    }
    break;
  case TN_DTYPE_FLOAT64:
    for (int64_t i = 0; i < n; i++) {
      double a, b;
      memcpy(&a, o + p[i] * 8, 8);
      memcpy(&b, src + i * 8, 8);
      a += b;
      memcpy(o + p[i] * 8, &a, 8);
    }
    break;
  default: {
    size_t es = tn__dtype_traits[g->dtype].size;
    for (int64_t i = 0; i < n; i++) {
      double a = tn__load_double(o + p[i] * (int64_t)es, g->dtype), b = tn__load_double(src + i * (int64_t)es, g->dtype);
      tn__store_double(o + p[i] * (int64_t)es, g->dtype, (double)((float)a + (float)b));
    }
  }
  }
  tn_release(gc);
  return out;
}

static tn_tensor *gather_positions_raw(const tn_tensor *g, const tn_tensor *pos) {
  tn_tensor *gc = tn_contiguous(g);
  if (!gc) return NULL;
  tn_tensor *flat = tn_view(gc, 1, &gc->numel);
  tn_release(gc);
  if (!flat) return NULL;
  tn_index ix = {.kind = TN_INDEX_TENSOR, .tensor = (tn_tensor *)pos};
  tn_tensor *r = tn_index_get(flat, 1, &ix);
  tn_release(flat);
  return r;
}

/* Recorded versions (each is the other's derivative). */
static tn_tensor *pos_scatter(const tn_tensor *g, tn_tensor *pos, int32_t ndim, const int64_t *shape,
                              const char *name);

static tn_tensor *pos_gather(const tn_tensor *g, tn_tensor *pos, const char *name) {
  bool w = tn__ag_wants(g, NULL, NULL);
  bool was = off_begin();
  tn_tensor *r = gather_positions_raw(g, pos);
  off_end(was);
  if (!r || !w) return r;
  tn_node *n = tn__node_new(TN__K_GATHER, name, 1);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  tn__node_set_next(n, 0, g);
  n->aux = tn_retain(pos);
  return tn__ag_finish(n, r);
}

static tn_tensor *pos_scatter(const tn_tensor *g, tn_tensor *pos, int32_t ndim, const int64_t *shape,
                              const char *name) {
  bool w = tn__ag_wants(g, NULL, NULL);
  tn_tensor *r = scatter_positions_raw(g, pos, ndim, shape);
  if (!r || !w) return r;
  tn_node *n = tn__node_new(TN__K_SCATTER, name, 1);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  tn__node_set_next(n, 0, g);
  n->aux = tn_retain(pos);
  return tn__ag_finish(n, r);
}

/* 0/1 mask of in's shape with zeros at pos (index_put's gradient for self). */
static tn_tensor *mask_without(const tn_tensor *pos, int32_t ndim, const int64_t *shape, tn_dtype dt) {
  tn_tensor *m = tn_ones(ndim, shape, TN_OPTS(dt));
  if (!m) return NULL;
  const int64_t *p = (const int64_t *)tn__data(pos);
  char *o = tn__data(m);
  size_t es = tn__dtype_traits[dt].size;
  for (int64_t i = 0; i < pos->numel; i++) tn__store_double(o + p[i] * (int64_t)es, dt, 0.0);
  return m;
}

/* flip along dim: a contiguous copy of a negative-stride view (cumsum's backward). */
static tn_tensor *flip_dim(const tn_tensor *t, int64_t dim) {
  bool w = tn__ag_wants(t, NULL, NULL);
  int64_t strides[TN_MAX_DIMS];
  memcpy(strides, t->strides, sizeof strides);
  int64_t off = t->offset;
  if (t->shape[dim] > 0) off += (t->shape[dim] - 1) * t->strides[dim];
  strides[dim] = -t->strides[dim];
  tn_tensor *v = tn__new_view(t, t->ndim, t->shape, strides, off);
  if (!v) return NULL;
  tn_tensor *r = tn__new(t->ndim, t->shape, t->dtype);
  if (r && tn__copy_raw(r, v) < 0) {
    tn_release(r);
    r = NULL;
  }
  tn_release(v);
  if (!r || !w) return r;
  tn_node *n = tn__node_new(TN__K_FLIP, "FlipBackward0", 1);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  tn__node_set_next(n, 0, t);
  n->i0 = dim;
  return tn__ag_finish(n, r);
}

static tn_tensor *transpose_last(const tn_tensor *t) { return tn_transpose(t, -2, -1); }

/* ----- the backward formulas ----- */

#define NEED(i) (n->next[i].node != NULL)
#define SV(i) sv[i]

static int binary_backward(tn_node *n, pool *pp, tn_tensor *g, tn_tensor **sv, tn_tensor **out) {
  pool P = *pp;
  int rc = -1;
  tn_tensor *a = SV(0), *b = SV(1), *t1, *t2, *t3, *t4, *z;
  switch ((int)n->i0) {
  case TN_BINARY_ADD:
  case TN_BINARY_SUB:
  case TN__EW_ADD_ALPHA:
    if (NEED(0)) out[0] = tn_retain(g);
    if (NEED(1)) {
      bool sub = n->i0 == TN_BINARY_SUB;
      t1 = g;
      if (sub) TRY(t1, tn_unary(TN_UNARY_NEG, g));
      if (n->has0 && !scalar_is_one(n->s0)) {
        TRY(t2, wraps(n->s0));
        TRY(t1, tn_mul(t1, t2));
      }
      out[1] = tn_retain(t1);
    }
    break;
  case TN_BINARY_MUL:
    if (NEED(0)) out[0] = tn_mul(g, b);
    if (NEED(1)) out[1] = tn_mul(g, a);
    break;
  case TN_BINARY_DIV:
    if (NEED(0)) out[0] = tn_div(g, b);
    if (NEED(1)) {
      TRY(t1, tn_unary(TN_UNARY_NEG, g));
      TRY(t2, tn_div(a, b));
      TRY(t3, tn_div(t2, b));
      out[1] = tn_mul(t1, t3);
    }
    break;
  case TN_BINARY_POW: {
    tn_tensor *res = SV(2);
    TRY(z, tn_zeros(0, NULL, TN_OPTS(g->dtype)));
    if (NEED(0)) {
      /* where(exponent == 0, 0, grad * (exponent * pow(self, exponent - 1))) */
      tn_tensor *zero_i, *one;
      TRY(zero_i, wrapf(0.0));
      TRY(one, tn_wrap_scalar(tn_scalar_int(1)));
      TRY(t1, tn_binary(TN_BINARY_EQ, b, zero_i));
      TRY(t2, tn_sub(b, one));
      TRY(t3, tn_binary(TN_BINARY_POW, a, t2));
      TRY(t4, tn_mul(b, t3));
      TRY(t4, tn_mul(g, t4));
      out[0] = tn_where(t1, z, t4);
    }
    if (NEED(1)) {
      /* grad * where((self == 0) & (exponent >= 0), 0, result * log(self)) */
      tn_tensor *zero_i;
      TRY(zero_i, wrapf(0.0));
      TRY(t1, tn_binary(TN_BINARY_EQ, a, zero_i));
      TRY(t2, tn_binary(TN_BINARY_GE, b, zero_i));
      TRY(t1, tn_binary(TN_BINARY_LOGICAL_AND, t1, t2));
      TRY(t3, tn_unary(TN_UNARY_LOG, a));
      TRY(t3, tn_mul(res, t3));
      TRY(t4, tn_where(t1, z, t3));
      out[1] = tn_mul(g, t4);
    }
    break;
  }
  case TN_BINARY_MAXIMUM:
  case TN_BINARY_MINIMUM: {
    bool mx = n->i0 == TN_BINARY_MAXIMUM;
    tn_tensor *two, *eq, *half;
    TRY(z, tn_zeros(0, NULL, TN_OPTS(g->dtype)));
    TRY(two, tn_wrap_scalar(tn_scalar_int(2)));
    TRY(eq, tn_binary(TN_BINARY_EQ, a, b));
    TRY(half, tn_div(g, two));
    TRY(t1, tn_where(eq, half, g));
    if (NEED(0)) {
      TRY(t2, tn_binary(mx ? TN_BINARY_LT : TN_BINARY_GT, a, b));
      out[0] = tn_where(t2, z, t1);
    }
    if (NEED(1)) {
      TRY(t3, tn_binary(mx ? TN_BINARY_GT : TN_BINARY_LT, a, b));
      out[1] = tn_where(t3, z, t1);
    }
    break;
  }
  case TN_BINARY_ATAN2: {
    tn_tensor *recip;
    TRY(t1, tn_mul(a, a));
    TRY(t2, tn_mul(b, b));
    TRY(t3, tn_add(t1, t2));
    TRY(recip, tn_unary(TN_UNARY_RECIPROCAL, t3));
    if (NEED(0)) {
      TRY(t4, tn_mul(g, b));
      out[0] = tn_mul(t4, recip);
    }
    if (NEED(1)) {
      TRY(t4, tn_unary(TN_UNARY_NEG, a));
      TRY(t4, tn_mul(g, t4));
      out[1] = tn_mul(t4, recip);
    }
    break;
  }
  case TN_BINARY_REMAINDER:
    if (NEED(0)) out[0] = tn_retain(g);
    if (NEED(1)) {
      TRY(t1, tn_unary(TN_UNARY_NEG, g));
      TRY(t2, tn_binary(TN_BINARY_FLOOR_DIVIDE, a, b));
      out[1] = tn_mul(t1, t2);
    }
    break;
  default:
    tn__errorf(TN_ERROR_RUNTIME, "the derivative for '%s' is not implemented.", tn_binary_op_name((tn_binary_op)n->i0));
    goto fail;
  }
  for (int32_t i = 0; i < 2; i++)
    if (NEED(i) && !out[i]) goto fail;
  rc = 0;
fail:
  *pp = P;
  return rc;
}

static int unary_backward(tn_node *n, pool *pp, tn_tensor *g, tn_tensor *s, tn_tensor **out) {
  pool P = *pp;
  int rc = -1;
  tn_tensor *t1, *t2, *one;
  tn_tensor *r = NULL;
  switch ((int)n->i0) {
  case TN_UNARY_NEG: r = tn_unary(TN_UNARY_NEG, g); break;
  case TN_UNARY_ABS:
    TRY(t1, tn_unary(TN_UNARY_SIGN, s));
    r = tn_mul(g, t1);
    break;
  case TN_UNARY_EXP: r = tn_mul(g, s); break;
  case TN_UNARY_LOG: r = tn_div(g, s); break;
  case TN_UNARY_LOG1P:
    TRY(one, tn_wrap_scalar(tn_scalar_int(1)));
    TRY(t1, tn_add(s, one));
    r = tn_div(g, t1);
    break;
  case TN_UNARY_EXPM1:
    TRY(one, tn_wrap_scalar(tn_scalar_int(1)));
    TRY(t1, tn_add(s, one));
    r = tn_mul(g, t1);
    break;
  case TN_UNARY_SQRT:
    TRY(t1, tn_wrap_scalar(tn_scalar_int(2)));
    TRY(t1, tn_mul(t1, s));
    r = tn_div(g, t1);
    break;
  case TN_UNARY_RSQRT:
    TRY(t1, wrapf(-0.5));
    TRY(t1, tn_mul(t1, g));
    TRY(t2, tn_wrap_scalar(tn_scalar_int(3)));
    TRY(t2, tn_binary(TN_BINARY_POW, s, t2));
    r = tn_mul(t1, t2);
    break;
  case TN_UNARY_SIN:
    TRY(t1, tn_unary(TN_UNARY_COS, s));
    r = tn_mul(g, t1);
    break;
  case TN_UNARY_COS:
    TRY(t1, tn_unary(TN_UNARY_SIN, s));
    TRY(t1, tn_unary(TN_UNARY_NEG, t1));
    r = tn_mul(g, t1);
    break;
  case TN_UNARY_TAN:
    TRY(one, tn_wrap_scalar(tn_scalar_int(1)));
    TRY(t2, tn_wrap_scalar(tn_scalar_int(2)));
    TRY(t1, tn_binary(TN_BINARY_POW, s, t2));
    TRY(t1, tn_add(one, t1));
    r = tn_mul(g, t1);
    break;
  case TN_UNARY_TANH:
    TRY(one, tn_wrap_scalar(tn_scalar_int(1)));
    TRY(t1, tn_mul(s, s));
    TRY(t1, tn_sub(one, t1));
    r = tn_mul(g, t1);
    break;
  case TN_UNARY_SIGMOID:
    TRY(one, tn_wrap_scalar(tn_scalar_int(1)));
    TRY(t1, tn_sub(one, s));
    TRY(t1, tn_mul(g, t1));
    r = tn_mul(t1, s);
    break;
  case TN_UNARY_RELU:
    TRY(t1, tn_wrap_scalar(tn_scalar_int(0)));
    TRY(t1, tn_binary(TN_BINARY_LE, s, t1));
    TRY(t2, tn_zeros(0, NULL, TN_OPTS(g->dtype)));
    r = tn_where(t1, t2, g);
    break;
  case TN_UNARY_RECIPROCAL:
    TRY(t1, tn_unary(TN_UNARY_NEG, g));
    TRY(t2, tn_mul(s, s));
    r = tn_mul(t1, t2);
    break;
  case TN_UNARY_SIGN:
  case TN_UNARY_FLOOR:
  case TN_UNARY_CEIL:
  case TN_UNARY_ROUND:
  case TN_UNARY_TRUNC: r = tn_zeros_like(g, TN_OPTS_INFER); break;
  default:
    tn__errorf(TN_ERROR_RUNTIME, "the derivative for '%s' is not implemented.", tn_unary_op_name((tn_unary_op)n->i0));
    goto fail;
  }
  if (!r) goto fail;
  out[0] = r;
  rc = 0;
fail:
  *pp = P;
  return rc;
}

/* pow with a scalar exponent: grad * (exponent * self.pow(exponent - 1)), zeros for exponent 0. */
static tn_tensor *pow_scalar_backward(pool *pp, tn_tensor *g, tn_tensor *self, double e) {
  pool P = *pp;
  tn_tensor *r = NULL, *t1, *t2;
  if (e == 0.0) {
    r = tn_zeros_like(self, TN_OPTS_INFER);
    goto fail;
  }
  TRY(t1, wrapf(e - 1.0));
  TRY(t1, tn_binary(TN_BINARY_POW, self, t1));
  TRY(t2, wrapf(e));
  TRY(t2, tn_mul(t2, t1));
  r = tn_mul(g, t2);
fail:
  *pp = P;
  return r;
}

static tn_tensor *sum_backward(pool *pp, tn_node *n, tn_tensor *g) {
  const tn__edge *e = &n->next[0];
  tn_tensor *gg = g;
  if (!n->keepdim && n->ndims > 0) gg = unsqueeze_multiple(pp, g, n->ndims, n->dims, e->ndim);
  if (!gg) return NULL;
  return tn_expand(gg, e->ndim, e->shape);
}

/* norm_backward of FunctionsManual.cpp (self, norm restored to keepdim shape). */
static tn_tensor *norm_backward(pool *pp, tn_node *n, tn_tensor *g, tn_tensor *self, tn_tensor *norm) {
  pool P = *pp;
  tn_tensor *r = NULL, *t1, *t2, *t3, *z, *eq0;
  double p = n->p;
  if (!n->keepdim && self->ndim > 0) {
    TRY(g, unsqueeze_multiple(&P, g, n->ndims, n->dims, self->ndim));
    TRY(norm, unsqueeze_multiple(&P, norm, n->ndims, n->dims, self->ndim));
  }
  TRY(z, tn_zeros(0, NULL, TN_OPTS(g->dtype)));
  if (p == 0.0) {
    r = tn_zeros_like(self, TN_OPTS_INFER);
  } else if (p == 1.0) {
    TRY(t1, tn_unary(TN_UNARY_SIGN, self));
    r = tn_mul(t1, g);
  } else if (p == 2.0) {
    TRY(t1, tn_div(g, norm));
    TRY(t2, wrapf(0.0));
    TRY(eq0, tn_binary(TN_BINARY_EQ, norm, t2));
    TRY(t1, tn_where(eq0, z, t1));
    r = tn_mul(self, t1);
  } else if (isinf(p)) {
    tn_tensor *is_eq, *nb;
    TRY(t1, tn_unary(TN_UNARY_ABS, self));
    TRY(is_eq, tn_binary(TN_BINARY_EQ, t1, norm));
    TRY(t2, tn_unary(TN_UNARY_ISNAN, self));
    TRY(t3, tn_unary(TN_UNARY_ISNAN, norm));
    TRY(t2, tn_binary(TN_BINARY_LOGICAL_AND, t2, t3));
    TRY(is_eq, tn_binary(TN_BINARY_LOGICAL_OR, is_eq, t2));
    TRY(is_eq, tn_to_dtype(is_eq, norm->dtype, false));
    TRY(t1, tn_unary(TN_UNARY_SIGN, self));
    TRY(t1, tn_mul(t1, is_eq));
    TRY(nb, tn_sum(is_eq, n->ndims, n->dims, true, TN_DTYPE_UNDEFINED));
    TRY(t2, tn_div(g, nb));
    r = tn_mul(t1, t2);
  } else if (p < 1.0) {
    TRY(t1, tn_unary(TN_UNARY_ABS, self));
    TRY(t2, wrapf(p - 1.0));
    TRY(t1, tn_binary(TN_BINARY_POW, t1, t2));
    TRY(t2, wrapf(0.0));
    TRY(eq0, tn_binary(TN_BINARY_EQ, self, t2));
    TRY(t1, tn_where(eq0, z, t1));
    TRY(t2, tn_unary(TN_UNARY_SIGN, self));
    TRY(t1, tn_mul(t2, t1));
    TRY(t1, tn_mul(t1, g));
    TRY(t2, wrapf(1.0 - p));
    TRY(t2, tn_binary(TN_BINARY_POW, norm, t2));
    r = tn_mul(t1, t2);
  } else {
    tn_tensor *scaled, *scale;
    TRY(t1, tn_unary(TN_UNARY_ABS, self));
    if (p < 2.0) {
      TRY(t2, wrapf(p - 1.0));
      TRY(t1, tn_binary(TN_BINARY_POW, t1, t2));
      TRY(t2, tn_unary(TN_UNARY_SIGN, self));
      TRY(scaled, tn_mul(t2, t1));
    } else {
      TRY(t2, wrapf(p - 2.0));
      TRY(t1, tn_binary(TN_BINARY_POW, t1, t2));
      TRY(scaled, tn_mul(self, t1));
    }
    TRY(t2, wrapf(p - 1.0));
    TRY(t2, tn_binary(TN_BINARY_POW, norm, t2));
    TRY(scale, tn_div(g, t2));
    TRY(t3, wrapf(0.0));
    TRY(eq0, tn_binary(TN_BINARY_EQ, norm, t3));
    TRY(scale, tn_where(eq0, z, scale));
    r = tn_mul(scaled, scale);
  }
fail:
  *pp = P;
  return r;
}

/* var_backward: (2 / dof) * grad * (self - self.mean(dim, true)). */
static tn_tensor *var_backward(pool *pp, tn_node *n, tn_tensor *g, tn_tensor *self) {
  pool P = *pp;
  tn_tensor *r = NULL, *t1, *t2, *m;
  int64_t count = 1;
  if (n->ndims == 0 || self->ndim == 0) {
    count = self->numel;
    TRY(m, tn_mean(self, 0, NULL, false, TN_DTYPE_UNDEFINED));
  } else {
    if (!n->keepdim && self->ndim > 1) TRY(g, unsqueeze_multiple(&P, g, n->ndims, n->dims, self->ndim));
    for (int32_t i = 0; i < n->ndims; i++) count *= self->shape[n->dims[i]];
    TRY(m, tn_mean(self, n->ndims, n->dims, true, TN_DTYPE_UNDEFINED));
  }
  int64_t dof = count - n->i0;
  if (dof <= 0 && (n->ndims == 0 || self->ndim == 0)) {
    TRY(t1, wrapf(NAN));
    r = tn_mul(g, t1);
    goto fail;
  }
  TRY(t1, wrapf(2.0 / (double)dof));
  TRY(t1, tn_mul(t1, g));
  TRY(t2, tn_sub(self, m));
  r = tn_mul(t1, t2);
fail:
  *pp = P;
  return r;
}

int tn__node_apply(tn_node *n, tn_tensor *g, tn_tensor **out) {
  pool P = {0};
  tn_tensor *sv[TN__MAX_SAVED] = {0};
  tn_tensor *t1, *t2, *t3, *z;
  int rc = -1;
  for (int32_t i = 0; i < n->nsaved; i++) {
    if (!n->saved[i].defined) continue;
    TRY(sv[i], tn__node_unpack(n, i));
  }
  const tn__edge *e0 = &n->next[0];
  switch (n->kind) {
  case TN__K_BINARY:
    if (binary_backward(n, &P, g, sv, out) < 0) goto fail;
    break;
  case TN__K_UNARY:
    if (unary_backward(n, &P, g, sv[0], out) < 0) goto fail;
    break;
  case TN__K_POW_SCALAR:
    if (!(out[0] = pow_scalar_backward(&P, g, sv[0], tn_scalar_to_double(n->s0)))) goto fail;
    break;
  case TN__K_CLAMP: {
    tn_tensor *cond = NULL;
    TRY(z, tn_zeros(0, NULL, TN_OPTS(g->dtype)));
    if (n->has0) {
      TRY(t1, wraps(n->s0));
      TRY(cond, tn_binary(TN_BINARY_GE, sv[0], t1));
    }
    if (n->has1) {
      TRY(t1, wraps(n->s1));
      TRY(t2, tn_binary(TN_BINARY_LE, sv[0], t1));
      if (cond)
        TRY(cond, tn_binary(TN_BINARY_LOGICAL_AND, cond, t2));
      else
        cond = t2;
    }
    if (!(out[0] = tn_where(cond, g, z))) goto fail;
    break;
  }
  case TN__K_WHERE:
    TRY(z, tn_zeros(0, NULL, TN_OPTS(g->dtype)));
    if (NEED(0) && !(out[0] = tn_where(n->aux, g, z))) goto fail;
    if (NEED(1) && !(out[1] = tn_where(n->aux, z, g))) goto fail;
    break;
  case TN__K_SUM:
    if (!(out[0] = sum_backward(&P, n, g))) goto fail;
    break;
  case TN__K_MEAN: {
    int64_t count = 1;
    if (n->ndims == 0)
      count = tn__shape_numel(e0->ndim, e0->shape);
    else
      for (int32_t i = 0; i < n->ndims; i++) count *= e0->shape[n->dims[i]];
    TRY(t1, sum_backward(&P, n, g));
    TRY(t2, tn_wrap_scalar(tn_scalar_int(count)));
    if (!(out[0] = tn_div(t1, t2))) goto fail;
    break;
  }
  case TN__K_PROD: {
    /* grad * (result / self); the zeros case of prod_safe_zeros_backward is not handled */
    tn_tensor *self = sv[0], *res = sv[1];
    if (self->ndim == 0) {
      out[0] = tn_retain(g);
      break;
    }
    if (!n->keepdim && n->ndims > 0) {
      TRY(g, unsqueeze_multiple(&P, g, n->ndims, n->dims, self->ndim));
      TRY(res, unsqueeze_multiple(&P, res, n->ndims, n->dims, self->ndim));
    }
    TRY(t1, tn_div(res, self));
    if (!(out[0] = tn_mul(g, t1))) goto fail;
    break;
  }
  case TN__K_AMAXMIN: {
    tn_tensor *self = sv[0], *res = sv[1], *mask, *cnt;
    if (!n->keepdim) {
      TRY(g, unsqueeze_multiple(&P, g, n->ndims, n->dims, self->ndim));
      TRY(res, unsqueeze_multiple(&P, res, n->ndims, n->dims, self->ndim));
    }
    TRY(mask, tn_binary(TN_BINARY_EQ, res, self));
    TRY(cnt, tn_sum(mask, n->ndims, n->dims, true, TN_DTYPE_UNDEFINED));
    TRY(t1, tn_div(g, cnt));
    if (!(out[0] = tn_mul(t1, mask))) goto fail;
    break;
  }
  case TN__K_MAXALL: {
    tn_tensor *self = sv[0], *res = sv[1], *mask, *cnt;
    double v = tn_scalar_to_double(tn_get_flat(res, 0));
    if (isnan(v))
      TRY(mask, tn_unary(TN_UNARY_ISNAN, self));
    else
      TRY(mask, tn_binary(TN_BINARY_EQ, self, res));
    TRY(cnt, tn_sum(mask, 0, NULL, false, TN_DTYPE_UNDEFINED));
    TRY(t1, tn_div(g, cnt));
    TRY(z, tn_zeros(0, NULL, TN_OPTS(g->dtype)));
    if (!(out[0] = tn_where(mask, t1, z))) goto fail;
    break;
  }
  case TN__K_MAXDIM: {
    /* zeros(sizes).scatter(dim, indices, grad), as a where over a one-hot mask */
    tn_tensor *idx = n->aux, *gg = g, *ar, *mask;
    int64_t d = n->i0;
    if (!n->keepdim && e0->ndim > 0) {
      TRY(idx, tn_unsqueeze(idx, d));
      TRY(gg, tn_unsqueeze(g, d));
    }
    int64_t len = e0->ndim ? e0->shape[d] : 1;
    TRY(ar, tn_arange(tn_scalar_int(0), tn_scalar_int(len), tn_scalar_int(1), TN_OPTS(TN_DTYPE_INT64)));
    if (e0->ndim > 0) {
      int64_t shp[TN_MAX_DIMS];
      for (int32_t i = 0; i < e0->ndim; i++) shp[i] = i == d ? len : 1;
      TRY(ar, tn_view(ar, e0->ndim, shp));
    } else {
      TRY(ar, tn_view(ar, 0, NULL));
    }
    TRY(mask, tn_binary(TN_BINARY_EQ, ar, idx));
    TRY(z, tn_zeros(0, NULL, TN_OPTS(g->dtype)));
    if (!(out[0] = tn_where(mask, gg, z))) goto fail;
    break;
  }
  case TN__K_VAR:
    if (!(out[0] = var_backward(&P, n, g, sv[0]))) goto fail;
    break;
  case TN__K_STD: {
    tn_tensor *res = sv[1], *eq0;
    TRY(t1, tn_wrap_scalar(tn_scalar_int(2)));
    TRY(t1, tn_mul(res, t1));
    TRY(t1, tn_div(g, t1));
    TRY(t2, wrapf(0.0));
    TRY(eq0, tn_binary(TN_BINARY_EQ, res, t2));
    TRY(z, tn_zeros(0, NULL, TN_OPTS(g->dtype)));
    TRY(t1, tn_where(eq0, z, t1));
    if (!(out[0] = var_backward(&P, n, t1, sv[0]))) goto fail;
    break;
  }
  case TN__K_LOGSUMEXP: {
    tn_tensor *self = sv[0], *res = sv[1];
    if (!n->keepdim) {
      TRY(g, unsqueeze_multiple(&P, g, n->ndims, n->dims, self->ndim));
      TRY(res, unsqueeze_multiple(&P, res, n->ndims, n->dims, self->ndim));
    }
    TRY(t1, tn_sub(self, res));
    TRY(t1, tn_unary(TN_UNARY_EXP, t1));
    if (!(out[0] = tn_mul(g, t1))) goto fail;
    break;
  }
  case TN__K_NORM:
    if (!(out[0] = norm_backward(&P, n, g, sv[0], sv[1]))) goto fail;
    break;
  case TN__K_CUMSUM:
    if (g->numel <= 1 || (g->ndim && g->shape[n->i0] == 1) || g->ndim == 0) {
      out[0] = tn_retain(g);
      break;
    }
    TRY(t1, flip_dim(g, n->i0));
    TRY(t1, tn_cumsum(t1, n->i0, TN_DTYPE_UNDEFINED));
    if (!(out[0] = flip_dim(t1, n->i0))) goto fail;
    break;
  case TN__K_FLIP:
    if (!(out[0] = flip_dim(g, n->i0))) goto fail;
    break;
  case TN__K_RESHAPE:
    if (!(out[0] = tn_reshape(g, e0->ndim, e0->shape))) goto fail;
    break;
  case TN__K_EXPAND:
    if (!(out[0] = tn__ag_sum_to(g, e0->ndim, e0->shape))) goto fail;
    break;
  case TN__K_GATHER:
    if (!(out[0] = pos_scatter(g, n->aux, e0->ndim, e0->shape, "ScatterAddBackward0"))) goto fail;
    break;
  case TN__K_SCATTER:
    if (!(out[0] = pos_gather(g, n->aux, "GatherBackward0"))) goto fail;
    break;
  case TN__K_CAT: {
    int64_t off = 0;
    for (int32_t i = 0; i < n->nnext; i++) {
      int64_t len = n->sizes[i];
      if (len < 0) continue; /* a skipped legacy empty tensor */
      if (NEED(i) && !(out[i] = tn_narrow(g, n->i0, off, len))) goto fail;
      off += len;
    }
    break;
  }
  case TN__K_STACK:
    for (int32_t i = 0; i < n->nnext; i++)
      if (NEED(i) && !(out[i] = tn_select(g, n->i0, i))) goto fail;
    break;
  case TN__K_IDENTITY:
    out[0] = tn_retain(g);
    break;
  case TN__K_MM: {
    tn_tensor *a = sv[0], *b = sv[1];
    if (NEED(0)) {
      if (a->strides[0] == 1 && a->strides[1] == a->shape[0]) {
        TRY(t1, tn_t(g));
        TRY(t1, tn_mm(b, t1));
        out[0] = tn_t(t1);
      } else {
        TRY(t1, tn_t(b));
        out[0] = tn_mm(g, t1);
      }
      if (!out[0]) goto fail;
    }
    if (NEED(1)) {
      if (b->strides[0] == 1 && b->strides[1] == b->shape[0]) {
        TRY(t1, tn_t(g));
        TRY(t1, tn_mm(t1, a));
        out[1] = tn_t(t1);
      } else {
        TRY(t1, tn_t(a));
        out[1] = tn_mm(t1, g);
      }
      if (!out[1]) goto fail;
    }
    break;
  }
  case TN__K_MV:
    if (NEED(0) && !(out[0] = tn_outer(g, sv[1]))) goto fail;
    if (NEED(1)) {
      TRY(t1, tn_t(sv[0]));
      if (!(out[1] = tn_mv(t1, g))) goto fail;
    }
    break;
  case TN__K_DOT:
    if (NEED(0) && !(out[0] = tn_mul(g, sv[1]))) goto fail;
    if (NEED(1) && !(out[1] = tn_mul(g, sv[0]))) goto fail;
    break;
  case TN__K_BMM:
    if (NEED(0)) {
      TRY(t1, transpose_last(sv[1]));
      if (!(out[0] = tn_bmm(g, t1))) goto fail;
    }
    if (NEED(1)) {
      TRY(t1, transpose_last(sv[0]));
      if (!(out[1] = tn_bmm(t1, g))) goto fail;
    }
    break;
  case TN__K_MATMUL: {
    /* general matmul: 1-D operands become matrices, the gradient is a matmul summed to each
     * operand's (broadcast) shape */
    tn_tensor *a = sv[0], *b = sv[1], *A = a, *B = b, *G = g;
    if (a->ndim == 1) {
      TRY(A, tn_unsqueeze(a, 0));
      TRY(G, tn_unsqueeze(G, -2));
    }
    if (b->ndim == 1) {
      TRY(B, tn_unsqueeze(b, -1));
      TRY(G, tn_unsqueeze(G, -1));
    }
    if (NEED(0)) {
      TRY(t1, transpose_last(B));
      TRY(t1, tn_matmul(G, t1));
      TRY(t1, tn__ag_sum_to(t1, A->ndim, A->shape));
      if (!(out[0] = tn_reshape(t1, a->ndim, a->shape))) goto fail;
    }
    if (NEED(1)) {
      TRY(t1, transpose_last(A));
      TRY(t1, tn_matmul(t1, G));
      TRY(t1, tn__ag_sum_to(t1, B->ndim, B->shape));
      if (!(out[1] = tn_reshape(t1, b->ndim, b->shape))) goto fail;
    }
    break;
  }
  case TN__K_COPY:
    if (NEED(0) && !(out[0] = tn_zeros_like(g, TN_OPTS_INFER))) goto fail;
    if (NEED(1)) out[1] = tn_retain(g);
    break;
  case TN__K_FILL:
    if (NEED(0) && !(out[0] = tn_zeros_like(g, TN_OPTS_INFER))) goto fail;
    break;
  case TN__K_INDEX_PUT:
    if (NEED(0)) {
      TRY(t1, mask_without(n->aux, g->ndim, g->shape, g->dtype));
      if (!(out[0] = tn_mul(g, t1))) goto fail;
    }
    if (NEED(1) && !(out[1] = pos_gather(g, n->aux, "IndexBackward0"))) goto fail;
    break;
  case TN__K_COPYSLICES: {
    /* the view's gradient goes through the in-place op; the rest of the base's passes through */
    tn_node *fn = n->fn;
    tn_tensor *gv, *mask;
    TRY(gv, pos_gather(g, n->aux, "AsStridedBackward0"));
    tn_tensor *fo_small[TN__MAX_INLINE_NEXT] = {0};
    tn_tensor **fo = fn->nnext <= TN__MAX_INLINE_NEXT ? fo_small : calloc((size_t)fn->nnext, sizeof *fo);
    if (!fo) goto fail;
    /* fn's edge 0 is the view's old history: ask for its gradient anyway */
    tn_node *saved_edge = fn->next[0].node;
    tn_node dummy = {0};
    if (!saved_edge) fn->next[0].node = &dummy;
    int arc = tn__node_apply(fn, gv, fo);
    if (!saved_edge) fn->next[0].node = NULL;
    if (arc == 0) {
      mask = keep(&P, mask_without(n->aux, g->ndim, g->shape, g->dtype));
      t1 = mask ? keep(&P, tn_mul(g, mask)) : NULL;
      if (t1 && fo[0]) {
        t2 = keep(&P, pos_scatter(fo[0], n->aux, g->ndim, g->shape, "AsStridedBackward0"));
        out[0] = t2 ? tn_add(t1, t2) : NULL;
      } else if (t1) {
        out[0] = tn_retain(t1);
      }
      if (!out[0]) arc = -1;
    }
    for (int32_t i = 0; i < fn->nnext; i++) {
      if (i > 0 && arc == 0)
        out[i] = fo[i];
      else
        tn_release(fo[i]);
    }
    if (fo != fo_small) free(fo);
    if (arc < 0) goto fail;
    break;
  }
  default:
    tn__errorf(TN_ERROR_RUNTIME, "%s: no backward formula", n->name);
    goto fail;
  }
  (void)t3;
  rc = 0;
fail:
  if (rc < 0)
    for (int32_t i = 0; i < n->nnext; i++) {
      tn_release(out[i]);
      out[i] = NULL;
    }
  for (int32_t i = 0; i < TN__MAX_SAVED; i++) tn_release(sv[i]);
  pool_free(&P);
  return rc;
}

/* ----- recording hooks ----- */

static tn_node *node2(tn__node_kind kind, const char *name, const tn_tensor *a, const tn_tensor *b) {
  tn_node *n = tn__node_new(kind, name, b ? 2 : 1);
  if (!n) return NULL;
  tn__node_set_next(n, 0, a);
  if (b) tn__node_set_next(n, 1, b);
  return n;
}

static const char *binary_name(int op, const tn_tensor *b) {
  switch (op) {
  case TN_BINARY_ADD: case TN__EW_ADD_ALPHA: return "AddBackward0";
  case TN_BINARY_SUB: return "SubBackward0";
  case TN_BINARY_MUL: return "MulBackward0";
  case TN_BINARY_DIV: return "DivBackward0";
  case TN_BINARY_POW: return b->wrapped_number ? "PowBackward0" : "PowBackward1";
  case TN_BINARY_MAXIMUM: return "MaximumBackward0";
  case TN_BINARY_MINIMUM: return "MinimumBackward0";
  case TN_BINARY_ATAN2: return "Atan2Backward0";
  case TN_BINARY_REMAINDER: return "RemainderBackward0";
  default: return NULL;
  }
}

/* A private copy of self's value for in-place ops whose formula needs the original. */
static tn_tensor *snapshot(const tn_tensor *t) {
  bool was = off_begin();
  tn_tensor *c = tn_clone(t);
  off_end(was);
  return c;
}

tn_tensor *tn__ag_binary(int op, const tn_tensor *a, const tn_tensor *b, const tn_scalar *alpha, tn_tensor *self) {
  if (self && tn__ag_check_inplace(self) < 0) return NULL;
  const char *name = binary_name(op, b);
  bool sub_alpha = false;
  int bop = op;
  tn_scalar al = alpha ? *alpha : tn_scalar_int(1);
  tn_tensor *orig = NULL;
  bool needs_self = name && op != TN_BINARY_ADD && op != TN_BINARY_SUB && op != TN__EW_ADD_ALPHA;
  if (self && needs_self) {
    orig = snapshot(self);
    if (!orig) return NULL;
  }
  (void)sub_alpha;
  bool was = off_begin();
  tn_tensor *r;
  if (op == TN__EW_ADD_ALPHA)
    r = self ? tn_add_alpha_(self, b, al) : tn_add_alpha(a, b, al);
  else
    r = self ? tn_binary_(bop, self, b) : tn_binary(bop, a, b);
  off_end(was);
  if (!r || !name) {
    tn_release(orig);
    return r;
  }
  const tn_tensor *A = orig ? orig : a;
  tn_node *n;
  bool pow_scalar = op == TN_BINARY_POW && b->wrapped_number;
  if (pow_scalar) {
    n = node2(TN__K_POW_SCALAR, name, a, NULL);
    if (n) {
      n->s0 = tn_get_flat(b, 0);
      if (n->next[0].node) tn__node_save(n, A, false, "self");
    }
  } else {
    n = node2(TN__K_BINARY, name, a, b);
    if (n) {
      n->i0 = op;
      n->s0 = al;
      n->has0 = alpha != NULL;
      switch (op) {
      case TN_BINARY_MUL:
        tn__node_save(n, A, false, "self");
        tn__node_save(n, b, false, "other");
        break;
      case TN_BINARY_DIV:
      case TN_BINARY_MAXIMUM:
      case TN_BINARY_MINIMUM:
      case TN_BINARY_ATAN2:
      case TN_BINARY_REMAINDER:
        tn__node_save(n, A, false, "self");
        tn__node_save(n, b, false, "other");
        break;
      case TN_BINARY_POW:
        tn__node_save(n, A, false, "self");
        tn__node_save(n, b, false, "exponent");
        tn__node_save(n, r, true, "result");
        break;
      default: break;
      }
    }
  }
  tn_release(orig);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  if (self) {
    if (tn__ag_rebase(self, n) < 0) {
      tn_release(r);
      return NULL;
    }
    return r;
  }
  return tn__ag_finish(n, r);
}

static bool unary_saves_result(int op) {
  switch (op) {
  case TN_UNARY_EXP: case TN_UNARY_EXPM1: case TN_UNARY_SQRT: case TN_UNARY_RSQRT: case TN_UNARY_TAN:
  case TN_UNARY_TANH: case TN_UNARY_SIGMOID: case TN_UNARY_RELU: case TN_UNARY_RECIPROCAL:
    return true;
  default: return false;
  }
}

static const char *unary_name(int op) {
  switch (op) {
  case TN_UNARY_NEG: return "NegBackward0";
  case TN_UNARY_ABS: return "AbsBackward0";
  case TN_UNARY_EXP: return "ExpBackward0";
  case TN_UNARY_LOG: return "LogBackward0";
  case TN_UNARY_LOG1P: return "Log1PBackward0";
  case TN_UNARY_EXPM1: return "Expm1Backward0";
  case TN_UNARY_SQRT: return "SqrtBackward0";
  case TN_UNARY_RSQRT: return "RsqrtBackward0";
  case TN_UNARY_SIN: return "SinBackward0";
  case TN_UNARY_COS: return "CosBackward0";
  case TN_UNARY_TAN: return "TanBackward0";
  case TN_UNARY_TANH: return "TanhBackward0";
  case TN_UNARY_SIGMOID: return "SigmoidBackward0";
  case TN_UNARY_RELU: return "ReluBackward0";
  case TN_UNARY_SIGN: return "SignBackward0";
  case TN_UNARY_FLOOR: return "FloorBackward0";
  case TN_UNARY_CEIL: return "CeilBackward0";
  case TN_UNARY_ROUND: return "RoundBackward0";
  case TN_UNARY_TRUNC: return "TruncBackward0";
  case TN_UNARY_RECIPROCAL: return "ReciprocalBackward0";
  case TN_UNARY_SQUARE: return "PowBackward0";
  default: return NULL;
  }
}

tn_tensor *tn__ag_unary(int op, const tn_tensor *a, tn_tensor *self) {
  if (self && tn__ag_check_inplace(self) < 0) return NULL;
  const char *name = unary_name(op);
  tn_tensor *orig = NULL;
  bool res = unary_saves_result(op);
  if (self && name && !res && op != TN_UNARY_NEG) {
    orig = snapshot(self);
    if (!orig) return NULL;
  }
  bool was = off_begin();
  tn_tensor *r = self ? tn_unary_(op, self) : tn_unary(op, a);
  off_end(was);
  if (!r || !name) {
    tn_release(orig);
    return r;
  }
  const tn_tensor *A = orig ? orig : a;
  tn_node *n;
  if (op == TN_UNARY_SQUARE) {
    n = node2(TN__K_POW_SCALAR, name, a, NULL);
    if (n) {
      n->s0 = tn_scalar_int(2);
      tn__node_save(n, A, false, "self");
    }
  } else {
    n = node2(TN__K_UNARY, name, a, NULL);
    if (n) {
      n->i0 = op;
      if (res)
        tn__node_save(n, r, true, "result");
      else if (op != TN_UNARY_NEG && op != TN_UNARY_SIGN && op != TN_UNARY_FLOOR && op != TN_UNARY_CEIL &&
               op != TN_UNARY_ROUND && op != TN_UNARY_TRUNC)
        tn__node_save(n, A, false, "self");
    }
  }
  tn_release(orig);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  if (self) {
    if (tn__ag_rebase(self, n) < 0) {
      tn_release(r);
      return NULL;
    }
    return r;
  }
  return tn__ag_finish(n, r);
}

tn_tensor *tn__ag_clamp(const tn_tensor *a, const tn_scalar *min, const tn_scalar *max, tn_tensor *self) {
  if (self && tn__ag_check_inplace(self) < 0) return NULL;
  tn_tensor *orig = NULL;
  if (self && !(orig = snapshot(self))) return NULL;
  bool was = off_begin();
  tn_tensor *r = self ? tn_clamp_(self, min, max) : tn_clamp(a, min, max);
  off_end(was);
  if (!r) {
    tn_release(orig);
    return r;
  }
  tn_node *n = node2(TN__K_CLAMP, "ClampBackward1", a, NULL);
  if (n) {
    if (min) n->s0 = *min;
    if (max) n->s1 = *max;
    n->has0 = min != NULL;
    n->has1 = max != NULL;
    tn__node_save(n, orig ? orig : a, false, "self");
  }
  tn_release(orig);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  if (self) {
    if (tn__ag_rebase(self, n) < 0) {
      tn_release(r);
      return NULL;
    }
    return r;
  }
  return tn__ag_finish(n, r);
}

tn_tensor *tn__ag_where(const tn_tensor *cond, const tn_tensor *a, const tn_tensor *b) {
  bool was = off_begin();
  tn_tensor *r = tn_where(cond, a, b);
  off_end(was);
  if (!r) return NULL;
  tn_node *n = node2(TN__K_WHERE, "WhereBackward0", a, b);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  n->aux = tn_retain((tn_tensor *)cond);
  return tn__ag_finish(n, r);
}

/* ----- reductions ----- */

static int wrap_dims(const tn_tensor *t, int32_t ndims, const int64_t *dims, int64_t *out) {
  for (int32_t i = 0; i < ndims; i++) {
    int64_t d = tn_wrap_dim(dims[i], t->ndim);
    if (d < 0) return -1;
    out[i] = t->ndim ? d : 0;
  }
  return 0;
}

tn_tensor *tn__ag_reduce(const char *op, const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim,
                         tn_dtype dtype, int64_t correction, double p) {
  bool was = off_begin();
  tn_tensor *r = NULL;
  tn__node_kind kind;
  const char *name;
  bool all = ndims == 0;
  if (!strcmp(op, "sum")) {
    r = tn_sum(t, ndims, dims, keepdim, dtype);
    kind = TN__K_SUM;
    name = all ? "SumBackward0" : "SumBackward1";
  } else if (!strcmp(op, "mean")) {
    r = tn_mean(t, ndims, dims, keepdim, dtype);
    kind = TN__K_MEAN;
    name = all ? "MeanBackward0" : "MeanBackward1";
  } else if (!strcmp(op, "prod")) {
    r = tn_prod(t, ndims, dims, keepdim, dtype);
    kind = TN__K_PROD;
    name = all ? "ProdBackward0" : "ProdBackward1";
  } else if (!strcmp(op, "amax") || !strcmp(op, "amin")) {
    bool mx = op[2] == 'a';
    r = mx ? tn_amax(t, ndims, dims, keepdim) : tn_amin(t, ndims, dims, keepdim);
    kind = TN__K_AMAXMIN;
    name = mx ? "AmaxBackward0" : "AminBackward0";
  } else if (!strcmp(op, "max") || !strcmp(op, "min")) {
    bool mx = op[1] == 'a';
    r = mx ? tn_max(t) : tn_min(t);
    kind = TN__K_MAXALL;
    name = mx ? "MaxBackward1" : "MinBackward1";
  } else if (!strcmp(op, "var") || !strcmp(op, "std")) {
    bool v = op[0] == 'v';
    r = v ? tn_var(t, ndims, dims, correction, keepdim) : tn_std(t, ndims, dims, correction, keepdim);
    kind = v ? TN__K_VAR : TN__K_STD;
    name = v ? "VarBackward0" : "StdBackward0";
  } else if (!strcmp(op, "logsumexp")) {
    r = tn_logsumexp(t, ndims, dims, keepdim);
    kind = TN__K_LOGSUMEXP;
    name = "LogsumexpBackward0";
  } else if (!strcmp(op, "norm")) {
    r = tn_norm(t, p, ndims, dims, keepdim);
    kind = TN__K_NORM;
    name = "NormBackward1";
  } else {
    r = tn_linalg_vector_norm(t, p, ndims, dims, keepdim);
    kind = TN__K_NORM;
    name = "LinalgVectorNormBackward0";
  }
  off_end(was);
  if (!r) return NULL;
  tn_node *n = node2(kind, name, t, NULL);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  n->ndims = ndims;
  n->keepdim = keepdim;
  n->i0 = correction;
  n->p = p;
  if (wrap_dims(t, ndims, dims, n->dims) < 0) {
    tn__node_release(n);
    tn_release(r);
    return NULL;
  }
  if (t->ndim == 0) n->ndims = 0;
  switch (kind) {
  case TN__K_PROD: case TN__K_AMAXMIN: case TN__K_MAXALL: case TN__K_LOGSUMEXP: case TN__K_NORM: case TN__K_STD:
    tn__node_save(n, t, false, "self");
    tn__node_save(n, r, true, "result");
    break;
  case TN__K_VAR:
    tn__node_save(n, t, false, "self");
    break;
  default: break;
  }
  return tn__ag_finish(n, r);
}

int tn__ag_max_dim(bool is_max, const tn_tensor *t, int64_t dim, bool keepdim, tn_tensor **values,
                   tn_tensor **indices) {
  bool was = off_begin();
  int rc = is_max ? tn_max_dim(t, dim, keepdim, values, indices) : tn_min_dim(t, dim, keepdim, values, indices);
  off_end(was);
  if (rc < 0) return rc;
  tn_node *n = node2(TN__K_MAXDIM, is_max ? "MaxBackward0" : "MinBackward0", t, NULL);
  if (!n) goto fail;
  n->i0 = t->ndim ? tn_wrap_dim(dim, t->ndim) : 0;
  n->keepdim = keepdim;
  n->aux = tn_retain(*indices);
  *values = tn__ag_finish(n, *values);
  if (!*values) goto fail;
  return 0;
fail:
  tn_release(*values);
  tn_release(*indices);
  *values = *indices = NULL;
  return -1;
}

tn_tensor *tn__ag_cumsum(const tn_tensor *t, int64_t dim, tn_dtype dtype) {
  bool was = off_begin();
  tn_tensor *r = tn_cumsum(t, dim, dtype);
  off_end(was);
  if (!r) return NULL;
  tn_node *n = node2(TN__K_CUMSUM, "CumsumBackward0", t, NULL);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  n->i0 = t->ndim ? tn_wrap_dim(dim, t->ndim) : 0;
  return tn__ag_finish(n, r);
}

/* ----- linear algebra ----- */

tn_tensor *tn__ag_matmul(const char *op, const tn_tensor *a, const tn_tensor *b) {
  if (!strcmp(op, "outer")) {
    /* PyTorch: a.reshape(-1, 1) * b */
    int64_t shp[2] = {-1, 1};
    tn_tensor *ar = tn_reshape(a, 2, shp);
    if (!ar) return NULL;
    tn_tensor *r = tn_mul(ar, b);
    tn_release(ar);
    return r;
  }
  bool was = off_begin();
  tn_tensor *r;
  tn__node_kind kind;
  const char *name;
  if (!strcmp(op, "mm")) {
    r = tn_mm(a, b);
    kind = TN__K_MM;
    name = "MmBackward0";
  } else if (!strcmp(op, "mv")) {
    r = tn_mv(a, b);
    kind = TN__K_MV;
    name = "MvBackward0";
  } else if (!strcmp(op, "dot")) {
    r = tn_dot(a, b);
    kind = TN__K_DOT;
    name = "DotBackward0";
  } else if (!strcmp(op, "bmm")) {
    r = tn_bmm(a, b);
    kind = TN__K_BMM;
    name = "BmmBackward0";
  } else {
    r = tn_matmul(a, b);
    kind = TN__K_MATMUL;
    /* the node PyTorch's matmul ends with for these shapes */
    name = a->ndim == 1 && b->ndim == 2 ? "SqueezeBackward3" : "UnsafeViewBackward0";
  }
  off_end(was);
  if (!r) return NULL;
  tn_node *n = node2(kind, name, a, b);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  tn__node_save(n, a, false, "self");
  tn__node_save(n, b, false, kind == TN__K_MM ? "mat2" : kind == TN__K_MV ? "vec" : "other");
  return tn__ag_finish(n, r);
}

/* ----- shape ops that copy ----- */

tn_tensor *tn__ag_cat(bool stack, int32_t cnt, tn_tensor *const *tensors, int64_t dim) {
  bool was = off_begin();
  tn_tensor *r = stack ? tn_stack(cnt, tensors, dim) : tn_cat(cnt, tensors, dim);
  off_end(was);
  if (!r) return NULL;
  tn_node *n = tn__node_new(stack ? TN__K_STACK : TN__K_CAT, stack ? "StackBackward0" : "CatBackward0", cnt);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  for (int32_t i = 0; i < cnt; i++) tn__node_set_next(n, i, tensors[i]);
  if (stack) {
    n->i0 = tn_wrap_dim(dim, r->ndim);
  } else {
    /* the output's dim; legacy empty 1-D tensors take no part */
    int64_t d = dim < 0 ? dim + r->ndim : dim;
    n->i0 = d;
    n->sizes = malloc((size_t)cnt * sizeof *n->sizes);
    if (!n->sizes) {
      tn__node_release(n);
      tn_release(r);
      return tn__error_alloc((size_t)cnt * sizeof(int64_t));
    }
    for (int32_t i = 0; i < cnt; i++) {
      const tn_tensor *t = tensors[i];
      bool skip = t->ndim == 1 && t->shape[0] == 0 && r->ndim != 1;
      n->sizes[i] = skip ? -1 : t->shape[d];
      if (skip && n->next[i].node) {
        tn__node_release(n->next[i].node);
        n->next[i].node = NULL;
      }
    }
  }
  return tn__ag_finish(n, r);
}

/* An op that picks elements of t (possibly repeating them): its positions, obtained by applying it
 * to an arange of t's shape, make a gather node. */
typedef tn_tensor *(*pick_fn)(const tn_tensor *t, void *ctx);

static tn_tensor *picked(const tn_tensor *t, const char *name, pick_fn f, void *ctx) {
  bool was = off_begin();
  tn_tensor *r = f(t, ctx), *pos = NULL;
  if (r) {
    tn_tensor *ar = tn_arange(tn_scalar_int(0), tn_scalar_int(t->numel), tn_scalar_int(1), TN_OPTS(TN_DTYPE_INT64));
    tn_tensor *arv = ar ? tn_view(ar, t->ndim, t->shape) : NULL;
    tn_tensor *p = arv ? f(arv, ctx) : NULL;
    pos = p ? tn_contiguous(p) : NULL;
    tn_release(p);
    tn_release(arv);
    tn_release(ar);
  }
  off_end(was);
  if (!r || !pos) {
    tn_release(r);
    tn_release(pos);
    return NULL;
  }
  tn_node *n = tn__node_new(TN__K_GATHER, name, 1);
  if (!n) {
    tn_release(r);
    tn_release(pos);
    return NULL;
  }
  tn__node_set_next(n, 0, t);
  n->aux = pos;
  return tn__ag_finish(n, r);
}

typedef struct rep_ctx {
  int32_t n;
  const int64_t *reps;
} rep_ctx;

static tn_tensor *rep_f(const tn_tensor *t, void *c) {
  rep_ctx *r = c;
  return tn_repeat(t, r->n, r->reps);
}

tn_tensor *tn__ag_repeat(const tn_tensor *t, int32_t nreps, const int64_t *reps) {
  rep_ctx c = {nreps, reps};
  return picked(t, "RepeatBackward0", rep_f, &c);
}

typedef struct idx_ctx {
  int32_t n;
  const tn_index *idx;
} idx_ctx;

static tn_tensor *idx_f(const tn_tensor *t, void *c) {
  idx_ctx *r = c;
  return tn_index_get(t, r->n, r->idx);
}

tn_tensor *tn__ag_index_get(const tn_tensor *t, int32_t n, const tn_index *idx) {
  const char *name = "AliasBackward0";
  for (int32_t i = 0; i < n; i++) {
    switch (idx[i].kind) {
    case TN_INDEX_INT: name = "SelectBackward0"; break;
    case TN_INDEX_SLICE: name = "SliceBackward0"; break;
    case TN_INDEX_NONE: name = "UnsqueezeBackward0"; break;
    default: break;
    }
  }
  for (int32_t i = 0; i < n; i++)
    if (idx[i].kind == TN_INDEX_TENSOR || idx[i].kind == TN_INDEX_BOOL) name = "IndexBackward0";
  idx_ctx c = {n, idx};
  return picked(t, name, idx_f, &c);
}

typedef struct g_ctx {
  int which;
  int64_t dim;
  const tn_tensor *index;
} g_ctx;

static tn_tensor *g_f(const tn_tensor *t, void *c) {
  g_ctx *r = c;
  if (r->which == 0) return tn_index_select(t, r->dim, r->index);
  if (r->which == 1) return tn_gather(t, r->dim, r->index);
  return tn_masked_select(t, r->index);
}

tn_tensor *tn__ag_gather_op(int which, const tn_tensor *t, int64_t dim, const tn_tensor *index) {
  g_ctx c = {which, dim, index};
  static const char *const names[] = {"IndexSelectBackward0", "GatherBackward0", "MaskedSelectBackward0"};
  return picked(t, names[which], g_f, &c);
}

int tn__ag_split(int rc, const tn_tensor *t, tn_tensor **parts, int32_t cnt) {
  if (rc < 0 || !tn__ag_wants(t, NULL, NULL)) return rc;
  for (int32_t i = 0; i < cnt; i++) {
    tn_tensor *p = tn__ag_view(t, parts[i], "SplitBackward0");
    parts[i] = p;
    if (!p) {
      for (int32_t j = 0; j < cnt; j++)
        if (j != i) tn_release(parts[j]);
      for (int32_t j = 0; j < cnt; j++) parts[j] = NULL;
      return -1;
    }
  }
  return 0;
}

/* ----- in-place writes ----- */

tn_tensor *tn__ag_copy_(tn_tensor *dst, const tn_tensor *src) {
  if (tn__ag_check_inplace(dst) < 0) return NULL;
  bool was = off_begin();
  tn_tensor *r = tn_copy_(dst, src);
  off_end(was);
  if (!r) return NULL;
  tn_node *n = node2(TN__K_COPY, "CopyBackwards", dst, src);
  if (!n || tn__ag_rebase(dst, n) < 0) {
    tn_release(r);
    return NULL;
  }
  return r;
}

tn_tensor *tn__ag_fill_(tn_tensor *t, tn_scalar value) {
  if (tn__ag_check_inplace(t) < 0) return NULL;
  bool was = off_begin();
  tn_tensor *r = tn_fill_(t, value);
  off_end(was);
  if (!r) return NULL;
  bool zero = tn_scalar_to_double(value) == 0.0;
  tn_node *n = node2(TN__K_FILL, zero ? "ZeroBackward0" : "FillBackward2", t, NULL);
  if (!n || tn__ag_rebase(t, n) < 0) {
    tn_release(r);
    return NULL;
  }
  return r;
}

int tn__ag_index_put_(tn_tensor *t, int32_t cnt, const tn_index *idx, const tn_tensor *value) {
  if (tn__ag_check_inplace(t) < 0) return -1;
  bool basic = true;
  for (int32_t i = 0; i < cnt; i++)
    if (idx[i].kind == TN_INDEX_TENSOR || idx[i].kind == TN_INDEX_BOOL) basic = false;
  /* positions written: the same indexing applied to an arange */
  bool was = off_begin();
  tn_tensor *pos = NULL;
  {
    tn_tensor *ar = tn_arange(tn_scalar_int(0), tn_scalar_int(t->numel), tn_scalar_int(1), TN_OPTS(TN_DTYPE_INT64));
    tn_tensor *arv = ar ? tn_view(ar, t->ndim, t->shape) : NULL;
    tn_tensor *p = arv ? tn_index_get(arv, cnt, idx) : NULL;
    pos = p ? tn_contiguous(p) : NULL;
    tn_release(p);
    tn_release(arv);
    tn_release(ar);
  }
  int rc = pos ? tn_index_put_(t, cnt, idx, value) : -1;
  off_end(was);
  if (rc < 0) {
    tn_release(pos);
    return -1;
  }
  /* basic indexing is a view + copy_ in PyTorch (CopySlices), advanced indexing IndexPutBackward0 */
  tn_node *n = node2(TN__K_INDEX_PUT, basic ? "CopySlices" : "IndexPutBackward0", t, value);
  if (!n) {
    tn_release(pos);
    return -1;
  }
  n->aux = pos;
  if (!tn__node_any_next(n) || !tn_dtype_is_floating(t->dtype)) {
    tn__node_release(n);
    return 0;
  }
  if (t->view_base) return tn__ag_rebase(t, n);
  return tn__ag_set_history(t, n);
}

/* ----- copies ----- */

tn_tensor *tn__ag_clone(int which, const tn_tensor *t, tn_dtype dtype, bool copy) {
  bool was = off_begin();
  tn_tensor *r = which == 0 ? tn_clone(t) : which == 1 ? tn_contiguous(t) : tn_to_dtype(t, dtype, copy);
  off_end(was);
  if (!r || r == t) return r;
  tn_node *n = node2(TN__K_IDENTITY, which == 2 ? "ToCopyBackward0" : "CloneBackward0", t, NULL);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  return tn__ag_finish(n, r);
}
