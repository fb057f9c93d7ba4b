/* autograd-record.c — the hooks the ops call (tn-internal.h's tn__ag_*): each recomputes its op with
 * grad mode off, so the forward result is the op's own, then records PyTorch's node for it with
 * what the backward formula (autograd-formulas.c) needs saved. */
#include "autograd.h"

#include <ctype.h>
#include <stdlib.h>

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
  case TN_BINARY_REMAINDER: return b->wrapped_number ? "RemainderBackward0" : "RemainderBackward1";
  default: return NULL;
  }
}

/* A private copy of self's value for in-place ops whose formula needs the original. */
static tn_tensor *snapshot(const tn_tensor *t) {
  /* recorded (CloneBackward0), so that double backward sees how the original depends on inputs */
  return tn_clone(t);
}

/* The end of recording an op: a new result gets node n as its grad_fn; an in-place op rebases
 * self's history onto n instead. n NULL means recording failed. */
static tn_tensor *finish_or_rebase(tn_node *n, tn_tensor *r, tn_tensor *self) {
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

tn_tensor *tn_dist(const tn_tensor *self, const tn_tensor *other, double p) {
  if (!self || !other) return tn__error(TN_ERROR_TYPE, "dist(): argument 'other' (position 2) must be Tensor, not NoneType");
  bool w = tn__ag_wants(self, other, NULL);
  bool was = off_begin();
  tn_tensor *d = tn_sub(self, other), *r = d ? tn_norm(d, p, 0, NULL, false) : NULL; /* at::norm(self - other, p) */
  off_end(was);
  if (!r || !w) {
    tn_release(d);
    return r;
  }
  tn_node *n = node2(TN__K_DIST, "DistBackward0", self, other);
  if (n) {
    n->p = p;
    tn__node_save(n, d, false, "self - other");
    tn__node_save(n, r, true, "result");
  }
  tn_release(d);
  return finish_or_rebase(n, r, NULL);
}

tn_tensor *tn__ag_rsub(const tn_tensor *self, const tn_tensor *other, tn_scalar alpha) {
  bool was = off_begin();
  tn_tensor *r = tn_sub_alpha(other, self, alpha);
  off_end(was);
  if (!r) return NULL;
  bool scalar = other->wrapped_number; /* a Python number: PyTorch's Scalar overload, one edge */
  tn_node *n = node2(TN__K_RSUB, scalar ? "RsubBackward1" : "RsubBackward0", self, scalar ? NULL : other);
  if (n) n->s0 = alpha;
  return finish_or_rebase(n, r, NULL);
}

tn_tensor *tn__ag_binary(int op, const tn_tensor *a, const tn_tensor *b, const tn_scalar *alpha, tn_tensor *self) {
  if (self && tn__ag_check_inplace(self) < 0) return NULL;
  const char *name = binary_name(op, b);
  int bop = op;
  tn_scalar al = alpha ? *alpha : tn_scalar_int(1);
  tn_tensor *orig = NULL;
  bool needs_self = name && op != TN_BINARY_ADD && op != TN_BINARY_SUB && op != TN__EW_ADD_ALPHA;
  if (self && needs_self) {
    orig = snapshot(self);
    if (!orig) return NULL;
  }
  bool was = off_begin();
  tn_tensor *r;
  if (op == TN__EW_ADD_ALPHA)
    r = self ? tn_add_alpha_(self, b, al) : tn_add_alpha(a, b, al);
  else if (alpha && op == TN_BINARY_SUB)
    r = self ? tn_sub_alpha_(self, b, al) : tn_sub_alpha(a, b, al);
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
      bool ga = n->next[0].node != NULL, gb = n->next[1].node != NULL;
      switch (op) {
      case TN_BINARY_MUL:
        tn__node_save_if(n, A, false, "self", gb);
        tn__node_save_if(n, b, false, "other", ga);
        break;
      case TN_BINARY_DIV:
        tn__node_save_if(n, A, false, "self", gb);
        tn__node_save(n, b, false, "other");
        break;
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
  return finish_or_rebase(n, r, self);
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
  return finish_or_rebase(n, r, self);
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
  return finish_or_rebase(n, r, self);
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
  } else if (!strcmp(op, "fro")) {
    r = tn_linalg_norm(t, false, 0, "fro", ndims, dims, keepdim);
    kind = TN__K_NORM;
    name = "LinalgVectorNormBackward0";
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

tn_tensor *tn__ag_cumprod(const tn_tensor *t, int64_t dim, tn_dtype dtype) {
  bool was = off_begin();
  tn_tensor *r = tn_cumprod(t, dim, dtype);
  off_end(was);
  if (!r) return NULL;
  tn_node *n = node2(TN__K_CUMPROD, "CumprodBackward0", t, NULL);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  n->i0 = t->ndim ? tn_wrap_dim(dim, t->ndim) : 0;
  tn__node_save(n, t, false, "self");
  tn__node_save(n, r, true, "result");
  return tn__ag_finish(n, r);
}

/* ----- linear algebra ----- */

/* A new tensor on t's (contiguous) data with another shape that autodiff does not treat as a view,
 * recorded as the node `name` (ATen's _unsafe_view, or an in-place squeeze_ on a fresh result). */
static tn_tensor *alias_as(const tn_tensor *t, int32_t nd, const int64_t *shape, const char *name) {
  bool w = tn__ag_wants(t, NULL, NULL);
  int64_t strides[TN_MAX_DIMS];
  tn__contiguous_strides(nd, shape, strides);
  tn_tensor *v = tn__new_view(t, nd, shape, strides, t->offset);
  if (!v) return NULL;
  tn_release(v->view_base);
  v->view_base = NULL;
  if (!w) return v;
  tn_node *n = node2(TN__K_RESHAPE, name, t, NULL);
  if (!n) {
    tn_release(v);
    return NULL;
  }
  return tn__ag_finish(n, v);
}

/* reshape as ATen's: a view where the strides allow one (the engine's ReshapeAliasBackward0), else
 * a contiguous clone (CloneBackward0) and an _unsafe_view (UnsafeViewBackward0). */
static tn_tensor *reshape_aten(const tn_tensor *t, int32_t nd, const int64_t *shape) {
  bool was = off_begin();
  tn_tensor *probe = tn_view(t, nd, shape);
  off_end(was);
  if (probe) {
    tn_release(probe);
    return tn_reshape(t, nd, shape);
  }
  tn_error_clear();
  tn_tensor *c = tn_contiguous(t);
  if (!c) return NULL;
  tn_tensor *r = alias_as(c, nd, shape, "UnsafeViewBackward0");
  tn_release(c);
  return r;
}

/* linalg.c's should_fold (PyTorch 1.13's): fold t1's batch into the rows of one mm/mv. */
static bool matmul_should_fold(const tn_tensor *t1, int32_t dim2) {
  if (t1->ndim >= 3 && (dim2 == 1 || dim2 == 2)) {
    if (t1->ndim == 3 && dim2 == 2 && t1->strides[2] != 1 && t1->strides[0] == t1->shape[1] * t1->shape[2])
      return false;
    return true;
  }
  return false;
}

/* matmul with autodiff: ATen's _matmul_impl op for op, each op recording its own node, so that the
 * graph is PyTorch's (UnsafeViewBackward0 over MmBackward0 / MvBackward0 / BmmBackward0, with the
 * reshapes and expands of the operands). Only reached for shapes other than 1-D/2-D pairs that
 * tn_matmul sends to dot, mv and mm. */
static tn_tensor *matmul_composed(const tn_tensor *a, const tn_tensor *b) {
  int32_t d1 = a->ndim, d2 = b->ndim;
  tn_tensor *tmp[8] = {0};
  int nt = 0;
  tn_tensor *r = NULL;
#define KEEP(e) (tmp[nt++] = (e))
  if (d1 == 1 && d2 == 2) {
    tn_tensor *u = KEEP(tn_unsqueeze(a, 0));
    tn_tensor *m = u ? KEEP(tn_mm(u, b)) : NULL;
    if (m) r = alias_as(m, 1, &m->shape[1], "SqueezeBackward3");
  } else if (matmul_should_fold(a, d2) || matmul_should_fold(b, d1)) {
    bool transpose = d2 > d1;
    const tn_tensor *t1 = transpose ? KEEP(tn_transpose(b, -2, -1)) : a;
    const tn_tensor *t2 = !transpose ? b : d1 == 2 ? KEEP(tn_t(a)) : a;
    if (!t1 || !t2) goto done;
    int64_t oshape[TN_MAX_DIMS], folded = 1;
    int32_t on = t1->ndim - 1;
    for (int32_t i = 0; i < on; i++) folded *= (oshape[i] = t1->shape[i]);
    bool matrix = t2->ndim == 2;
    if (matrix) oshape[on++] = t2->shape[1];
    int64_t fs[2] = {folded, t1->shape[t1->ndim - 1]};
    tn_tensor *t1f = KEEP(reshape_aten(t1, 2, fs));
    if (!t1f) goto done;
    if (matrix) {
      tn_tensor *m = KEEP(tn_mm(t1f, t2));
      tn_tensor *o = m ? KEEP(alias_as(m, on, oshape, "UnsafeViewBackward0")) : NULL;
      if (!o) goto done;
      if (transpose) {
        tn_tensor *ot = KEEP(tn_transpose(o, -2, -1));
        if (ot) r = tn_contiguous(ot);
      } else {
        r = tn_retain(o);
      }
    } else {
      tn_tensor *m = KEEP(tn_mv(t1f, t2));
      if (m) r = alias_as(m, on, oshape, "UnsafeViewBackward0");
    }
  } else {
    int64_t n = d1 > 1 ? a->shape[d1 - 2] : 1, m1 = d1 > 0 ? a->shape[d1 - 1] : 1; /* d1 >= 1 here; the test keeps gcc 13 sure of it */
    int64_t m2 = d2 > 1 ? b->shape[d2 - 2] : b->shape[0], p = d2 > 1 ? b->shape[d2 - 1] : 1;
    int64_t bshape[TN_MAX_DIMS + 2];
    int32_t nb;
    if (tn_broadcast_shapes(d1 > 2 ? d1 - 2 : 0, a->shape, d2 > 2 ? d2 - 2 : 0, b->shape, &nb, bshape) < 0) goto done;
    int64_t prod = 1;
    for (int32_t i = 0; i < nb; i++) prod *= bshape[i];
    int64_t e1[TN_MAX_DIMS + 2], e2[TN_MAX_DIMS + 2], oshape[TN_MAX_DIMS + 2];
    memcpy(e1, bshape, sizeof(int64_t) * (size_t)nb);
    memcpy(e2, bshape, sizeof(int64_t) * (size_t)nb);
    memcpy(oshape, bshape, sizeof(int64_t) * (size_t)nb);
    e1[nb] = n;
    e1[nb + 1] = m1;
    e2[nb] = m2;
    e2[nb + 1] = p;
    int32_t on = nb;
    if (d1 > 1) oshape[on++] = n;
    if (d2 > 1) oshape[on++] = p;
    if (nb + 2 > TN_MAX_DIMS) {
      tn__errorf(TN_ERROR_RUNTIME, "matmul: too many dimensions");
      goto done;
    }
    /* bmm's error for mismatched inner sizes comes before the expands fail */
    if (m1 != m2) {
      tn__errorf(TN_ERROR_RUNTIME,
                 "Expected size for first two dimensions of batch2 tensor to be: [%lld, %lld] but got: [%lld, %lld].",
                 (long long)prod, (long long)m1, (long long)prod, (long long)m2);
      goto done;
    }
    tn_tensor *x1 = KEEP(tn_expand(a, nb + 2, e1));
    tn_tensor *x2 = x1 ? KEEP(tn_expand(b, nb + 2, e2)) : NULL;
    if (!x2) goto done;
    int64_t r1[3] = {prod, n, m1}, r2[3] = {prod, m2, p};
    tn_tensor *y1 = KEEP(reshape_aten(x1, 3, r1));
    tn_tensor *y2 = y1 ? KEEP(reshape_aten(x2, 3, r2)) : NULL;
    tn_tensor *m = y2 ? KEEP(tn_bmm(y1, y2)) : NULL;
    if (m) r = alias_as(m, on, oshape, "UnsafeViewBackward0");
  }
done:
  for (int i = 0; i < nt; i++) tn_release(tmp[i]);
#undef KEEP
  return r;
}

tn_tensor *tn__ag_matmul(const char *op, const tn_tensor *a, const tn_tensor *b) {
  if (!strcmp(op, "matmul")) {
    /* checks and errors first, from the engine's own matmul */
    bool was = off_begin();
    tn_tensor *probe = NULL;
    int32_t d1 = a->ndim, d2 = b->ndim;
    if (d1 == 0 || d2 == 0) probe = tn_matmul(a, b);
    off_end(was);
    if (d1 == 0 || d2 == 0) return probe;
    return matmul_composed(a, b);
  }
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
  /* each operand is needed for the other's gradient only (matmul reads both shapes) */
  bool all = kind == TN__K_MATMUL;
  tn__node_save_if(n, a, false, "self", all || n->next[1].node != NULL);
  tn__node_save_if(n, b, false, kind == TN__K_MM ? "mat2" : kind == TN__K_MV ? "vec" : "other",
                   all || n->next[0].node != NULL);
  if (kind == TN__K_MM) /* column-major operands get column-major gradients (mm_mat1/2_backward) */
    n->i0 = (a->strides[0] == 1 && a->strides[1] == a->shape[0] ? 1 : 0) |
            (b->strides[0] == 1 && b->strides[1] == b->shape[0] ? 2 : 0);
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

/* out (consumed) as t's result through a node of kind GATHER or SCATTER over positions pos
 * (consumed); NULL, everything released, when a piece is missing. */
static tn_tensor *positions_node(tn__node_kind kind, const tn_tensor *t, tn_tensor *out, tn_tensor *pos,
                                 const char *name) {
  tn_node *n = out && pos ? tn__node_new(kind, name, 1) : NULL;
  if (!n) {
    tn_release(out);
    tn_release(pos);
    return NULL;
  }
  tn__node_set_next(n, 0, t);
  n->aux = pos;
  return tn__ag_finish(n, out);
}

static tn_tensor *picked(const tn_tensor *t, const char *name, pick_fn f, void *ctx) {
  bool was = off_begin();
  tn_tensor *r = f(t, ctx), *pos = NULL;
  if (r) {
    tn_options o = TN_OPTS(TN_DTYPE_INT64);
    o.device = t->device; /* the positions picked as the values were, on their device */
    tn_tensor *ar = tn_arange(tn_scalar_int(0), tn_scalar_int(t->numel), tn_scalar_int(1), o);
    tn_tensor *arv = ar ? tn_view(ar, t->ndim, t->shape) : NULL;
    tn_tensor *p = arv ? f(arv, ctx) : NULL;
    pos = p ? tn_contiguous(p) : NULL;
    tn_release(p);
    tn_release(arv);
    tn_release(ar);
  }
  off_end(was);
  return positions_node(TN__K_GATHER, t, r, pos, name);
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

tn_tensor *tn__ag_picked(const tn_tensor *t, const char *name, tn__pick_fn f, void *ctx) {
  return picked(t, name, f, ctx);
}

tn_tensor *tn__ag_placed(const tn_tensor *t, tn_tensor *out, tn_tensor *pos, const char *name) {
  return positions_node(TN__K_SCATTER, t, out, pos, name);
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
  /* any int/slice/None index makes Python's indexing write through a view (CopySlices); only
   * tensor indices make a plain index_put_ (IndexPutBackward0) */
  bool basic = false;
  for (int32_t i = 0; i < cnt; i++)
    if (idx[i].kind == TN_INDEX_INT || idx[i].kind == TN_INDEX_SLICE || idx[i].kind == TN_INDEX_NONE) basic = true;
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


/* ----- einsum ----- */

/* The equation with every "..." spelled out in letters it does not use (right-aligned, as einsum
 * broadcasts the ellipsis dims; an implicit output lists them first), so that the backward's
 * einsums need no ellipsis. false when it cannot (too long, no free letters). */
static bool einsum_expand_ellipsis(const char *equation, int32_t cnt, tn_tensor *const *operands, char *out,
                                   size_t outn) {
  char eq[512];
  size_t len = 0;
  for (const char *c = equation; *c; c++)
    if (*c != ' ') {
      if (len + 1 >= sizeof eq) return false;
      eq[len++] = *c;
    }
  eq[len] = 0;
  char *arrow = strstr(eq, "->");
  const char *rhs = arrow ? arrow + 2 : NULL;
  if (arrow) *arrow = 0;
  bool used[128] = {false};
  int counts[128] = {0};
  for (const char *c = equation; *c; c++)
    if ((unsigned char)*c < 128) used[(unsigned char)*c] = true;
  /* each operand's ellipsis width */
  int32_t width[64] = {0}, E = 0, k = 0;
  if (cnt > 64) return false;
  for (const char *c = eq; k < cnt; k++) {
    int32_t labels = 0;
    bool ell = false;
    for (; *c && *c != ','; c++) {
      if (*c == '.') {
        ell = true;
        continue;
      }
      labels++;
      if ((unsigned char)*c < 128) counts[(unsigned char)*c]++;
    }
    if (ell) width[k] = operands[k]->ndim - labels;
    if (width[k] < 0) return false;
    if (width[k] > E) E = width[k];
    if (*c == ',') c++;
  }
  char ell[TN_MAX_DIMS + 1];
  int32_t ne = 0;
  for (int c = 'A'; c <= 'z' && ne < E; c++)
    if (isalpha(c) && !used[c]) ell[ne++] = (char)c;
  if (ne < E) return false;
  size_t o = 0;
#define PUT(ch)                                                                                                       \
  do {                                                                                                                \
    if (o + 1 >= outn) return false;                                                                                  \
    out[o++] = (ch);                                                                                                  \
  } while (0)
  k = 0;
  for (const char *c = eq; *c; c++) {
    if (*c == ',') {
      k++;
      PUT(',');
    } else if (*c == '.') {
      if (c[1] == '.' && c[2] == '.') {
        for (int32_t i = E - width[k]; i < E; i++) PUT(ell[i]);
        c += 2;
      }
    } else {
      PUT(*c);
    }
  }
  PUT('-');
  PUT('>');
  if (rhs) {
    for (const char *c = rhs; *c; c++) {
      if (*c == '.') {
        if (c[1] == '.' && c[2] == '.') {
          for (int32_t i = 0; i < E; i++) PUT(ell[i]);
          c += 2;
        }
      } else {
        PUT(*c);
      }
    }
  } else {
    for (int32_t i = 0; i < E; i++) PUT(ell[i]);
    for (int c = 0; c < 128; c++)
      if (counts[c] == 1) PUT((char)c);
  }
#undef PUT
  out[o] = 0;
  return true;
}

tn_tensor *tn__ag_einsum(const char *equation, int32_t cnt, tn_tensor *const *operands) {
  bool was = off_begin();
  tn_tensor *r = tn_einsum(equation, cnt, operands);
  off_end(was);
  if (!r) return NULL;
  char expanded[512];
  if (strchr(equation, '.') && einsum_expand_ellipsis(equation, cnt, operands, expanded, sizeof expanded))
    equation = expanded;
  /* normalised spec; ellipses, repeated labels (diagonals) and many operands are not differentiated */
  char spec[4 * (TN_MAX_DIMS + 2) + 8];
  size_t len = 0;
  bool ok = cnt <= TN__MAX_SAVED && strchr(equation, '.') == NULL;
  int counts[128] = {0};
  int32_t k = 0, nlab = 0;
  bool arrow = false;
  for (const char *c = equation; *c && ok; c++) {
    if (*c == ' ') continue;
    if (len + 2 >= sizeof spec) {
      ok = false;
      break;
    }
    if (*c == '-' && c[1] == '>') {
      arrow = true;
      spec[len++] = '-';
      spec[len++] = '>';
      c++;
      continue;
    }
    if (*c == ',') {
      k++;
      nlab = 0;
      spec[len++] = ',';
      continue;
    }
    unsigned char u = (unsigned char)*c;
    if (u >= 128) {
      ok = false;
      break;
    }
    if (!arrow) {
      /* a label repeated within one operand */
      for (size_t q = len; q > 0 && spec[q - 1] != ',' && spec[q - 1] != '>'; q--)
        if (spec[q - 1] == *c) ok = false;
      counts[u]++;
      nlab++;
    }
    spec[len++] = *c;
  }
  (void)nlab;
  if (ok && !arrow) {
    /* implicit output: labels seen once, in alphabetical order */
    spec[len++] = '-';
    spec[len++] = '>';
    for (int c = 0; c < 128; c++)
      if (counts[c] == 1 && len + 1 < sizeof spec) spec[len++] = (char)c;
  }
  spec[len] = 0;
  if (!ok || k + 1 != cnt) return r;
  bool contracted = false, summed = false;
  const char *outp = strstr(spec, "->") + 2;
  for (int c = 0; c < 128; c++)
    if (counts[c] && !strchr(outp, c)) {
      if (counts[c] > 1) contracted = true;
      summed = true;
    }
  const char *name = cnt == 1 ? (summed ? "SumBackward1" : "PermuteBackward0")
                              : (contracted || summed ? "ViewBackward0" : "MulBackward0");
  tn_node *n = tn__node_new(TN__K_EINSUM, name, cnt);
  if (!n) {
    tn_release(r);
    return NULL;
  }
  n->spec = malloc(len + 1);
  if (!n->spec) {
    tn__node_release(n);
    tn_release(r);
    return tn__error_alloc(len + 1);
  }
  memcpy(n->spec, spec, len + 1);
  for (int32_t i = 0; i < cnt; i++) {
    tn__node_set_next(n, i, operands[i]);
    tn__node_save(n, operands[i], false, "operands");
  }
  return tn__ag_finish(n, r);
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
