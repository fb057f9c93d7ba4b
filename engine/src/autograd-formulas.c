/* autograd-formulas.c — the backward formulas (PyTorch 1.13's derivatives.yaml and
 * FunctionsManual.cpp), written with the engine's public ops so that a backward with create_graph
 * is itself recorded. The ops' recording hooks are in autograd-record.c. */
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
  return tn_retain(r); /* a new reference: callers keep it in their pool */
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
  if (!n->keepdim && n->ndims > 0) gg = keep(pp, unsqueeze_multiple(pp, g, n->ndims, n->dims, e->ndim));
  if (!gg) return NULL;
  return tn_expand(gg, e->ndim, e->shape);
}


/* prod_safe_zeros_backward: grad times the product of every other element along dim, from
 * exclusive cumulative products in both directions (no division, so zeros are fine). */
static tn_tensor *prod_safe_zeros_backward(pool *pp, tn_tensor *g, tn_tensor *inp, int64_t dim) {
  pool P = *pp;
  tn_tensor *r = NULL, *ones, *a, *b, *en, *er;
  int64_t shp[TN_MAX_DIMS];
  memcpy(shp, inp->shape, sizeof shp);
  int64_t len = inp->shape[dim];
  shp[dim] = 1;
  TRY(ones, tn_ones(inp->ndim, shp, TN_OPTS(g->dtype)));
  TRY(a, tn_narrow(inp, dim, 0, len - 1));
  tn_tensor *c1[2] = {ones, a};
  TRY(a, tn_cat(2, c1, dim));
  TRY(en, tn_cumprod(a, dim, TN_DTYPE_UNDEFINED));
  TRY(b, tn_narrow(inp, dim, 1, len - 1));
  TRY(b, flip_dim(b, dim));
  tn_tensor *c2[2] = {ones, b};
  TRY(b, tn_cat(2, c2, dim));
  TRY(b, tn_cumprod(b, dim, TN_DTYPE_UNDEFINED));
  TRY(er, flip_dim(b, dim));
  TRY(a, tn_mul(en, er));
  r = tn_mul(g, a);
fail:
  *pp = P;
  return r;
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


/* einsum: the gradient of operand k is einsum("out,others->k's labels") with the labels only k
 * has (summed away in the forward) expanded back. */
static int einsum_backward(tn_node *n, pool *pp, tn_tensor *g, tn_tensor **sv, tn_tensor **out) {
  pool P = *pp;
  int rc = -1;
  char specs[TN__MAX_SAVED][TN_MAX_DIMS + 1] = {{0}}, outspec[TN_MAX_DIMS + 1] = {0};
  int32_t nops = n->nnext;
  {
    const char *p = n->spec;
    for (int32_t k = 0; k < nops; k++) {
      size_t l = strcspn(p, ",-");
      memcpy(specs[k], p, l);
      p += l + 1;
    }
    p = strstr(n->spec, "->") + 2;
    strcpy(outspec, p);
  }
  for (int32_t k = 0; k < nops; k++) {
    if (!NEED(k)) continue;
    char kept[TN_MAX_DIMS + 1] = {0}, eq[4 * (TN_MAX_DIMS + 2) + 8] = {0};
    int32_t nk = 0;
    for (const char *c = specs[k]; *c; c++) {
      bool elsewhere = strchr(outspec, *c) != NULL;
      for (int32_t j = 0; j < nops && !elsewhere; j++)
        if (j != k && strchr(specs[j], *c)) elsewhere = true;
      if (elsewhere) kept[nk++] = *c;
    }
    strcat(eq, outspec);
    tn_tensor *ins[TN__MAX_SAVED];
    int32_t ni = 0;
    ins[ni++] = g;
    for (int32_t j = 0; j < nops; j++)
      if (j != k) {
        strcat(eq, ",");
        strcat(eq, specs[j]);
        ins[ni++] = sv[j];
      }
    strcat(eq, "->");
    strcat(eq, kept);
    tn_tensor *r;
    TRY(r, tn_einsum(eq, ni, ins));
    /* labels only operand k had: unsqueeze and expand */
    const tn__edge *e = &n->next[k];
    if ((int32_t)strlen(specs[k]) != nk) {
      int32_t pos = 0;
      for (const char *c = specs[k]; *c; c++, pos++)
        if (!strchr(kept, *c)) TRY(r, tn_unsqueeze(r, pos));
    }
    /* labels summed away, or of size 1 where operand k broadcast them against the others' */
    /* (sizes larger than the input's are summed back by the engine's validation) */
    if (r->ndim == e->ndim) {
      int64_t tgt[TN_MAX_DIMS];
      bool same = true;
      for (int32_t d = 0; d < e->ndim; d++) {
        tgt[d] = r->shape[d] == 1 ? e->shape[d] : r->shape[d];
        same = same && tgt[d] == r->shape[d];
      }
      if (!same) TRY(r, tn_expand(r, e->ndim, tgt));
    }
    out[k] = tn_retain(r);
  }
  rc = 0;
fail:
  *pp = P;
  return rc;
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
    /* prod_backward: grad * (result / self) without zeros, else products of the other elements */
    tn_tensor *self = sv[0], *res = sv[1];
    if (self->ndim == 0) {
      out[0] = tn_retain(g);
      break;
    }
    if (!n->keepdim && n->ndims > 0) {
      TRY(g, unsqueeze_multiple(&P, g, n->ndims, n->dims, self->ndim));
      TRY(res, unsqueeze_multiple(&P, res, n->ndims, n->dims, self->ndim));
    }
    TRY(t1, wrapf(0.0));
    TRY(t1, tn_binary(TN_BINARY_EQ, self, t1));
    TRY(t2, tn_sum(t1, 0, NULL, false, TN_DTYPE_UNDEFINED));
    int64_t zeros = tn_get_flat(t2, 0).v.i;
    if (zeros == 0) {
      TRY(t1, tn_div(res, self));
      if (!(out[0] = tn_mul(g, t1))) goto fail;
    } else if (n->ndims == 0 && zeros > 1) {
      if (!(out[0] = tn_zeros_like(self, TN_OPTS_INFER))) goto fail;
    } else if (n->ndims == 0) {
      int64_t flat = self->numel;
      TRY(t1, tn_contiguous(self));
      TRY(t1, tn_view(t1, 1, &flat));
      TRY(t2, tn_view(g, 0, NULL));
      TRY(t3, prod_safe_zeros_backward(&P, t2, t1, 0));
      if (!(out[0] = tn_view(t3, self->ndim, self->shape))) goto fail;
    } else {
      if (!(out[0] = prod_safe_zeros_backward(&P, g, self, n->dims[0]))) goto fail;
    }
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
  case TN__K_CUMPROD: {
    /* cumprod_backward without zeros: reversed_cumsum(result * grad) / self */
    tn_tensor *self = sv[0], *res = sv[1];
    if (self->numel <= 1 || self->ndim == 0 || self->shape[n->i0] == 1) {
      out[0] = tn_retain(g);
      break;
    }
    TRY(t1, wrapf(0.0));
    TRY(t1, tn_binary(TN_BINARY_EQ, self, t1));
    TRY(t1, tn_any(t1, 0, NULL, false));
    if (tn_get_flat(t1, 0).v.b) {
      tn__errorf(TN_ERROR_NOT_IMPLEMENTED, "the derivative of cumprod at inputs with zeros is not implemented");
      goto fail;
    }
    TRY(t1, tn_mul(res, g));
    TRY(t1, flip_dim(t1, n->i0));
    TRY(t1, tn_cumsum(t1, n->i0, TN_DTYPE_UNDEFINED));
    TRY(t1, flip_dim(t1, n->i0));
    if (!(out[0] = tn_div(t1, self))) goto fail;
    break;
  }
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
  case TN__K_DIST: { /* self: norm_backward(grad, self - other, p, result); other: its negation */
    tn_tensor *nb = norm_backward(&P, n, g, sv[0], sv[1]);
    if (!nb) goto fail;
    if (NEED(1) && !(out[1] = tn_unary(TN_UNARY_NEG, nb))) {
      tn_release(nb);
      goto fail;
    }
    if (NEED(0))
      out[0] = nb;
    else
      tn_release(nb);
    break;
  }
  case TN__K_RSUB: /* self: -grad * alpha; other: grad */
    if (NEED(0)) {
      TRY(t1, tn_unary(TN_UNARY_NEG, g));
      if (!scalar_is_one(n->s0)) {
        TRY(t2, wraps(n->s0));
        TRY(t1, tn_mul(t1, t2));
      }
      out[0] = tn_retain(t1);
    }
    if (n->nnext > 1 && NEED(1)) out[1] = tn_retain(g);
    break;
  case TN__K_PERMUTE: { /* the inverse permutation: input dim perm[i] is output dim i */
    int64_t inv[TN_MAX_DIMS];
    for (int32_t i = 0; i < n->ndims; i++) inv[n->dims[i]] = i;
    if (!(out[0] = tn_permute(g, n->ndims, inv))) goto fail;
    break;
  }
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
      if (n->i0 & 1) {
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
      if (n->i0 & 2) {
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
  case TN__K_EINSUM:
    if (einsum_backward(n, &P, g, sv, out) < 0) goto fail;
    break;
  case TN__K_ADDMM:
  case TN__K_MSE:
  case TN__K_BCE:
  case TN__K_BCE_LOGITS:
  case TN__K_SOFTMAX:
  case TN__K_LOG_SOFTMAX:
  case TN__K_NLL:
  case TN__K_SOLVE:
  case TN__K_SVDVALS:
  case TN__K_EIGVALSH:
    if (tn__nn_backward(n, g, sv, out) < 0) goto fail;
    break;
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
  pool_free(&P); /* the unpacked saved tensors too */
  return rc;
}

