/* mod_torch_more.c — the rest of the runner's `torch` over tn.h: reductions with dims (var/std,
 * logsumexp, amax/amin, any/all, cumsum/cumprod), indexing functions (gather, index_select,
 * masked_select, nonzero, where, masked_fill), split/chunk, expand/repeat/narrow/diagonal,
 * linalg (einsum, solve, norms), comparisons and logical/bitwise ops, fills, finfo/iinfo,
 * printing options, default dtype, seeds and grad mode (no_grad/enable_grad). Each function is
 * bound as PyTorch binds it: as torch.NAME(input, ...) and, where PyTorch has it, as a method. */
#include "rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tn.h"
#include "tn-cuda.h"

#define W(t) torch_wrap(vm, (t))

/* the tensor argument `input` (args[0]): PyTorch's TypeError when it is something else */
#define SELF(fname)                                                                                           \
  tn_tensor *self = n > 0 ? torch_as_tensor(vm, args[0]) : NULL;                                             \
  if (!self) {                                                                                                \
    if (n == 0) return rt_raise(vm, EX_TypeError, "%s() missing 1 required positional arguments: \"input\"", fname); \
    return rt_raise(vm, EX_TypeError, "%s(): argument 'input' (position 1) must be Tensor, not %s", fname, rt_type_name(vm, args[0])); \
  }

static bool as_dtype(VM *vm, Value v, tn_dtype *out) {
  if (v.tag == V_OBJ && v.u.o->kind == O_NATIVE && v.u.o->cls == vm->t_dtype) {
    *out = (tn_dtype)(intptr_t)((Native *)v.u.o)->ptr;
    return true;
  }
  return false;
}

static int opt_dtype(VM *vm, Kw *kw, tn_dtype *out) {
  Value d;
  *out = TN_DTYPE_UNDEFINED;
  if (!kw_find(kw, "dtype", &d) || d.tag == V_NONE) return 0;
  if (!as_dtype(vm, d, out)) { rt_raise(vm, EX_TypeError, "dtype must be torch.dtype, not %s", rt_type_name(vm, d)); return -1; }
  return 0;
}

static bool is_number(Value v) { return v.tag == V_INT || v.tag == V_FLOAT || v.tag == V_BOOL; }
static tn_scalar to_scalar(Value v) {
  if (v.tag == V_FLOAT) return tn_scalar_float(v.u.f);
  if (v.tag == V_BOOL) return tn_scalar_bool(v.u.i != 0);
  return tn_scalar_int(v.u.i);
}

/* a tensor or a Python number (wrapped: *owned is set and must be released) */
static tn_tensor *operand(VM *vm, Value v, tn_tensor **owned) {
  *owned = NULL;
  tn_tensor *t = torch_as_tensor(vm, v);
  if (t) return t;
  if (is_number(v)) *owned = tn_wrap_scalar(to_scalar(v));
  return *owned;
}

/* positional argument i, or keyword `name`; VNULL when absent */
static Value arg(Value *args, int n, Kw *kw, int i, const char *name) {
  Value v;
  if (name && kw_find(kw, name, &v)) return v;
  return i >= 0 && i < n ? args[i] : VNULL;
}

static int int_arg(VM *vm, Value v, const char *fname, const char *name, int64_t *out) {
  if (v.tag == V_INT) { *out = v.u.i; return 0; }
  if (v.tag == V_BOOL) { *out = v.u.i; return 0; }
  if (v.tag == V_NULL) { rt_raise(vm, EX_TypeError, "%s() missing required argument '%s'", fname, name); return -1; }
  rt_raise(vm, EX_TypeError, "%s(): argument '%s' must be int, not %s", fname, name, rt_type_name(vm, v));
  return -1;
}

static int double_arg(VM *vm, Value v, const char *fname, const char *name, double *out) {
  if (v.tag == V_FLOAT) { *out = v.u.f; return 0; }
  if (v.tag == V_INT || v.tag == V_BOOL) { *out = (double)v.u.i; return 0; }
  rt_raise(vm, EX_TypeError, "%s(): argument '%s' must be float, not %s", fname, name, rt_type_name(vm, v));
  return -1;
}

/* sizes as ints (*args from position `from`) or one sequence */
static int sizes_arg(VM *vm, Value *args, int n, int from, int64_t *out, int32_t *nd) {
  Value *items = args + from;
  int64_t k = n - from;
  List *tmp = NULL;
  if (k == 1 && items[0].tag == V_OBJ) {
    tmp = rt_to_list(vm, items[0]);
    if (!tmp) return -1;
    items = tmp->v;
    k = tmp->n;
  }
  int r = 0;
  if (k > TN_MAX_DIMS) { rt_raise(vm, EX_RuntimeError, "too many dimensions (%lld)", (long long)k); r = -1; }
  for (int64_t i = 0; r == 0 && i < k; i++) r = rt_index(vm, items[i], &out[i], NULL);
  *nd = (int32_t)k;
  if (tmp) OBJ_DECREF(vm, tmp);
  return r;
}

/* dim=None | int | sequence of ints */
static int dims_of(VM *vm, Value d, int64_t *dims, int32_t *nd) {
  *nd = 0;
  if (d.tag == V_NULL || d.tag == V_NONE) return 0;
  if (d.tag == V_INT) { dims[0] = d.u.i; *nd = 1; return 0; }
  return sizes_arg(vm, &d, 1, 0, dims, nd);
}

static bool flag(VM *vm, Value v, bool dflt) { return v.tag == V_NULL ? dflt : rt_truthy(vm, v) == 1; }

static Value tuple_of(VM *vm, tn_tensor **ts, int32_t k) {
  Tuple *t = tuple_new(vm, k);
  if (!t) { for (int32_t i = 0; i < k; i++) tn_release(ts[i]); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  bool bad = false;
  for (int32_t i = 0; i < k; i++) {
    Value v = W(ts[i]);
    if (IS_ERR(v)) { bad = true; t->v[i] = VNONE; }
    else t->v[i] = v;
  }
  if (bad) { OBJ_DECREF(vm, t); return VERR; }
  return v_obj(t);
}

static Value self_ret(VM *vm, Value *args, tn_tensor *r) {
  if (!r) return rt_raise_tn(vm);
  tn_release(r);
  v_incref(args[0]);
  return args[0];
}

/* ----- reductions ----- */

typedef tn_tensor *(*RedKeep)(const tn_tensor *, int32_t, const int64_t *, bool);
static Value red_keep(VM *vm, Value *args, int n, Kw *kw, RedKeep fn, const char *fname, bool need_dim) {
  SELF(fname);
  int64_t dims[TN_MAX_DIMS];
  int32_t nd;
  Value d = arg(args, n, kw, 1, "dim");
  if (need_dim && (d.tag == V_NULL)) return rt_raise(vm, EX_TypeError, "%s() missing 1 required positional arguments: \"dim\"", fname);
  if (dims_of(vm, d, dims, &nd) < 0) return VERR;
  return W(fn(self, nd, nd ? dims : NULL, flag(vm, arg(args, n, kw, 2, "keepdim"), false)));
}
static Value m_amax(VM *vm, Value *a, int n, Kw *kw) { return red_keep(vm, a, n, kw, tn_amax, "amax", false); }
static Value m_amin(VM *vm, Value *a, int n, Kw *kw) { return red_keep(vm, a, n, kw, tn_amin, "amin", false); }
static Value m_any(VM *vm, Value *a, int n, Kw *kw) { return red_keep(vm, a, n, kw, tn_any, "any", false); }
static Value m_all(VM *vm, Value *a, int n, Kw *kw) { return red_keep(vm, a, n, kw, tn_all, "all", false); }
static Value m_logsumexp(VM *vm, Value *a, int n, Kw *kw) { return red_keep(vm, a, n, kw, tn_logsumexp, "logsumexp", true); }

/* var/std(input, dim=None, unbiased=True, keepdim=False, *, correction=None); var(input, unbiased) */
static int var_args(VM *vm, Value *args, int n, Kw *kw, bool is_std, int64_t *dims, int32_t *ndp, int64_t *corrp, bool *keepp) {
  int32_t nd = 0;
  int64_t corr = 1;
  bool keep = false;
  Value t;
  int pos = 1;
  if (n > 1 && args[1].tag == V_BOOL) { corr = args[1].u.i ? 1 : 0; pos = n; } /* var(unbiased) */
  if (pos < n || kw_find(kw, "dim", &t)) {
    if (dims_of(vm, arg(args, n, kw, 1, "dim"), dims, &nd) < 0) return -1;
    Value u = arg(args, n, kw, 2, "unbiased");
    if (u.tag != V_NULL) corr = rt_truthy(vm, u) == 1 ? 1 : 0;
    keep = flag(vm, arg(args, n, kw, 3, "keepdim"), false);
  } else {
    if (kw_find(kw, "unbiased", &t)) corr = rt_truthy(vm, t) == 1 ? 1 : 0;
    keep = kw_find(kw, "keepdim", &t) && rt_truthy(vm, t) == 1;
  }
  if (kw_find(kw, "correction", &t) && t.tag != V_NONE && int_arg(vm, t, is_std ? "std" : "var", "correction", &corr) < 0) return -1;
  *ndp = nd;
  *corrp = corr;
  *keepp = keep;
  return 0;
}
static Value var_std(VM *vm, Value *args, int n, Kw *kw, bool is_std) {
  SELF(is_std ? "std" : "var");
  int64_t dims[TN_MAX_DIMS], corr;
  int32_t nd;
  bool keep;
  if (var_args(vm, args, n, kw, is_std, dims, &nd, &corr, &keep) < 0) return VERR;
  return W((is_std ? tn_std : tn_var)(self, nd, nd ? dims : NULL, corr, keep));
}
/* torch.var_mean / std_mean: (var or std, mean) over the same dims */
static Value var_std_mean(VM *vm, Value *args, int n, Kw *kw, bool is_std) {
  SELF(is_std ? "std_mean" : "var_mean");
  int64_t dims[TN_MAX_DIMS], corr;
  int32_t nd;
  bool keep;
  if (var_args(vm, args, n, kw, is_std, dims, &nd, &corr, &keep) < 0) return VERR;
  tn_tensor *ts[2];
  ts[0] = (is_std ? tn_std : tn_var)(self, nd, nd ? dims : NULL, corr, keep);
  ts[1] = ts[0] ? tn_mean(self, nd, nd ? dims : NULL, keep, TN_DTYPE_UNDEFINED) : NULL;
  if (!ts[1]) { if (ts[0]) tn_release(ts[0]); return rt_raise_tn(vm); }
  return tuple_of(vm, ts, 2);
}
static Value t_var_mean(VM *vm, Value *a, int n, Kw *kw) { return var_std_mean(vm, a, n, kw, false); }
static Value t_std_mean(VM *vm, Value *a, int n, Kw *kw) { return var_std_mean(vm, a, n, kw, true); }
static Value m_var(VM *vm, Value *a, int n, Kw *kw) { return var_std(vm, a, n, kw, false); }
static Value m_std(VM *vm, Value *a, int n, Kw *kw) { return var_std(vm, a, n, kw, true); }

static Value cum(VM *vm, Value *args, int n, Kw *kw, bool prod) {
  const char *fname = prod ? "cumprod" : "cumsum";
  SELF(fname);
  int64_t dim;
  tn_dtype dt;
  if (int_arg(vm, arg(args, n, kw, 1, "dim"), fname, "dim", &dim) < 0 || opt_dtype(vm, kw, &dt) < 0) return VERR;
  return W((prod ? tn_cumprod : tn_cumsum)(self, dim, dt));
}
static Value m_cumsum(VM *vm, Value *a, int n, Kw *kw) { return cum(vm, a, n, kw, false); }
static Value m_cumprod(VM *vm, Value *a, int n, Kw *kw) { return cum(vm, a, n, kw, true); }

static Value m_prod_all(VM *vm, Value *args, int n, Kw *kw) {
  SELF("prod");
  int64_t dims[1];
  tn_dtype dt;
  Value d = arg(args, n, kw, 1, "dim");
  if (opt_dtype(vm, kw, &dt) < 0) return VERR;
  if (d.tag == V_NULL) return W(tn_prod(self, 0, NULL, false, dt));
  if (int_arg(vm, d, "prod", "dim", &dims[0]) < 0) return VERR;
  return W(tn_prod(self, 1, dims, flag(vm, arg(args, n, kw, 2, "keepdim"), false), dt));
}

/* ----- indexing functions ----- */

static tn_tensor *tensor_arg(VM *vm, Value v, const char *fname, const char *name, int pos) {
  tn_tensor *t = v.tag == V_NULL ? NULL : torch_as_tensor(vm, v);
  if (!t) {
    if (v.tag == V_NULL) rt_raise(vm, EX_TypeError, "%s() missing required argument '%s' (pos %d)", fname, name, pos);
    else rt_raise(vm, EX_TypeError, "%s(): argument '%s' (position %d) must be Tensor, not %s", fname, name, pos, rt_type_name(vm, v));
  }
  return t;
}

static Value m_gather(VM *vm, Value *args, int n, Kw *kw) {
  SELF("gather");
  int64_t dim;
  if (int_arg(vm, arg(args, n, kw, 1, "dim"), "gather", "dim", &dim) < 0) return VERR;
  tn_tensor *ix = tensor_arg(vm, arg(args, n, kw, 2, "index"), "gather", "index", 3);
  return ix ? W(tn_gather(self, dim, ix)) : VERR;
}
static Value m_index_select(VM *vm, Value *args, int n, Kw *kw) {
  SELF("index_select");
  int64_t dim;
  if (int_arg(vm, arg(args, n, kw, 1, "dim"), "index_select", "dim", &dim) < 0) return VERR;
  tn_tensor *ix = tensor_arg(vm, arg(args, n, kw, 2, "index"), "index_select", "index", 3);
  return ix ? W(tn_index_select(self, dim, ix)) : VERR;
}
static Value m_masked_select(VM *vm, Value *args, int n, Kw *kw) {
  SELF("masked_select");
  tn_tensor *mk = tensor_arg(vm, arg(args, n, kw, 1, "mask"), "masked_select", "mask", 2);
  return mk ? W(tn_masked_select(self, mk)) : VERR;
}
static Value m_nonzero(VM *vm, Value *args, int n, Kw *kw) {
  SELF("nonzero");
  tn_tensor *nz = tn_nonzero(self);
  if (!nz || !flag(vm, arg(args, n, kw, -1, "as_tuple"), false)) return W(nz);
  if (self->ndim == 0) { /* PyTorch treats a 0-dim input as 1-dim here */
    int64_t len = nz->shape[0];
    tn_release(nz);
    tn_tensor *z = tn_zeros(1, &len, TN_OPTS(TN_DTYPE_INT64));
    if (!z) return rt_raise_tn(vm);
    return tuple_of(vm, &z, 1);
  }
  /* as_tuple=True: one index tensor per dim (a 0-dim input counts as 1-dim) */
  int32_t k = self->ndim ? self->ndim : 1;
  tn_tensor *cols[TN_MAX_DIMS];
  for (int32_t i = 0; i < k; i++) {
    tn_tensor *c = tn_select(nz, 1, i);
    cols[i] = c ? tn_contiguous(c) : NULL;
    if (c) tn_release(c);
    if (!cols[i]) { for (int32_t j = 0; j < i; j++) tn_release(cols[j]); tn_release(nz); return rt_raise_tn(vm); }
  }
  tn_release(nz);
  return tuple_of(vm, cols, k);
}

/* torch.where(cond, x, y) (numbers allowed for x/y), torch.where(cond) = nonzero(as_tuple) */
static Value t_where(VM *vm, Value *args, int n, Kw *kw) {
  Value c = arg(args, n, kw, 0, "condition");
  tn_tensor *ct = tensor_arg(vm, c, "where", "condition", 1);
  if (!ct) return VERR;
  if (n == 1) {
    Value a[1] = {c};
    Value t = v_bool(true);
    Str *nm = str_intern_cstr(vm, "as_tuple");
    Kw k = {1, &nm, &t};
    return m_nonzero(vm, a, 1, &k);
  }
  tn_tensor *ox, *oy;
  Value xv = arg(args, n, kw, 1, "input"), yv = arg(args, n, kw, 2, "other");
  tn_tensor *x = operand(vm, xv, &ox), *y = operand(vm, yv, &oy);
  Value r;
  if (!x || !y) r = rt_raise(vm, EX_TypeError, "where() received an invalid combination of arguments");
  else r = W(tn_where(ct, x, y));
  if (ox) tn_release(ox);
  if (oy) tn_release(oy);
  return r;
}
/* x.where(condition, y) */
static Value m_where(VM *vm, Value *args, int n, Kw *kw) {
  SELF("where");
  tn_tensor *ct = tensor_arg(vm, arg(args, n, kw, 1, "condition"), "where", "condition", 1);
  if (!ct) return VERR;
  tn_tensor *oy;
  tn_tensor *y = operand(vm, arg(args, n, kw, 2, "other"), &oy);
  if (!y) return rt_raise(vm, EX_TypeError, "where() received an invalid combination of arguments");
  Value r = W(tn_where(ct, self, y));
  if (oy) tn_release(oy);
  return r;
}

/* masked_fill(mask, value): value a number or a 0-dim tensor, written through index_put */
static Value masked_fill(VM *vm, Value *args, int n, Kw *kw, bool inplace) {
  SELF("masked_fill");
  tn_tensor *mk = tensor_arg(vm, arg(args, n, kw, 1, "mask"), "masked_fill", "mask", 1);
  if (!mk) return VERR;
  if (mk->dtype != TN_DTYPE_BOOL) return rt_raise(vm, EX_RuntimeError, "masked_fill_ only supports boolean masks, but got mask with dtype %s", tn_dtype_name(mk->dtype));
  tn_tensor *ov;
  Value vv = arg(args, n, kw, 2, "value");
  tn_tensor *val = operand(vm, vv, &ov);
  if (!val) return rt_raise(vm, EX_TypeError, "masked_fill() received an invalid combination of arguments");
  if (val->ndim != 0) { if (ov) tn_release(ov); return rt_raise(vm, EX_RuntimeError, "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with %d dimension(s).", (int)val->ndim); }
  /* the mask broadcasts to self (in place: self's shape must hold) */
  tn_tensor *dst = inplace ? tn_retain(self) : NULL;
  if (!inplace) {
    int32_t ndo;
    int64_t shp[TN_MAX_DIMS];
    if (tn_broadcast_shapes(self->ndim, self->shape, mk->ndim, mk->shape, &ndo, shp) < 0) { if (ov) tn_release(ov); return rt_raise_tn(vm); }
    tn_tensor *e = tn_expand(self, ndo, shp);
    dst = e ? tn_clone(e) : NULL;
    if (e) tn_release(e);
    if (dst) { tn_tensor *c = tn_contiguous(dst); tn_release(dst); dst = c; }
  }
  tn_tensor *mx = dst ? tn_expand(mk, dst->ndim, dst->shape) : NULL;
  tn_index ix;
  memset(&ix, 0, sizeof ix);
  ix.kind = TN_INDEX_TENSOR;
  ix.tensor = mx;
  int rc = mx ? tn_index_put_(dst, 1, &ix, val) : -1;
  if (mx) tn_release(mx);
  if (ov) tn_release(ov);
  if (rc < 0) { if (dst) tn_release(dst); return rt_raise_tn(vm); }
  if (inplace) return self_ret(vm, args, dst);
  return W(dst);
}
static Value m_masked_fill(VM *vm, Value *a, int n, Kw *kw) { return masked_fill(vm, a, n, kw, false); }
static Value m_masked_fill_(VM *vm, Value *a, int n, Kw *kw) { return masked_fill(vm, a, n, kw, true); }

/* ----- shape ----- */

static Value split_chunk(VM *vm, Value *args, int n, Kw *kw, bool chunk) {
  const char *fname = chunk ? "chunk" : "split";
  SELF(fname);
  int64_t k, dim = 0;
  Value kv = arg(args, n, kw, 1, chunk ? "chunks" : "split_size_or_sections"), d = arg(args, n, kw, 2, "dim");
  if (!chunk && kv.tag == V_NULL) kv = arg(args, n, kw, 1, "split_size");
  if (!chunk && kv.tag == V_NULL) return rt_raise(vm, EX_TypeError, "split() missing 1 required positional argument: 'split_size_or_sections'");
  if (d.tag != V_NULL && int_arg(vm, d, fname, "dim", &dim) < 0) return VERR;
  tn_tensor **out = NULL;
  int32_t no = 0;
  if (!chunk && kv.tag == V_OBJ && (kv.u.o->kind == O_LIST || kv.u.o->kind == O_TUPLE)) {
    /* split with sections: consecutive narrows; the sizes must add up to the dim's size */
    int64_t secs[256];
    int32_t ns = 0;
    List *l = rt_to_list(vm, kv);
    if (!l) return VERR;
    if (l->n > 256) { OBJ_DECREF(vm, l); return rt_raise(vm, EX_RuntimeError, "too many split sections"); }
    for (int64_t i = 0; i < l->n; i++) if (rt_index(vm, l->v[i], &secs[ns++], NULL) < 0) { OBJ_DECREF(vm, l); return VERR; }
    OBJ_DECREF(vm, l);
    int64_t wd = tn_wrap_dim(dim, self->ndim ? self->ndim : 1);
    if (wd < 0) return rt_raise_tn(vm);
    int64_t sz = self->ndim ? self->shape[wd] : 1, tot = 0;
    bool neg = false;
    for (int32_t i = 0; i < ns; i++) { neg |= secs[i] < 0; if (secs[i] > 0 && tot <= INT64_MAX - secs[i]) tot += secs[i]; }
    if (neg || tot != sz) {
      Buf b;
      memset(&b, 0, sizeof b);
      buf_puts(&b, "[");
      for (int32_t i = 0; i < ns; i++) buf_printf(&b, "%s%lld", i ? ", " : "", (long long)secs[i]);
      buf_puts(&b, "]");
      Str *s = buf_to_str(vm, &b);
      Value r = neg ? rt_raise(vm, EX_RuntimeError, "split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=%s", s ? s->s : "")
                    : rt_raise(vm, EX_RuntimeError, "split_with_sizes expects split_sizes to sum exactly to %lld (input tensor's size at dimension %lld), but got split_sizes=%s", (long long)sz, (long long)wd, s ? s->s : "");
      if (s) OBJ_DECREF(vm, s);
      return r;
    }
    tn_tensor *ts[256];
    int64_t start = 0;
    for (int32_t i = 0; i < ns; i++) {
      ts[i] = tn_narrow(self, wd, start, secs[i]);
      start += secs[i];
      if (!ts[i]) { for (int32_t j = 0; j < i; j++) tn_release(ts[j]); return rt_raise_tn(vm); }
    }
    return tuple_of(vm, ts, ns);
  }
  if (int_arg(vm, kv, fname, chunk ? "chunks" : "split_size", &k) < 0) return VERR;
  if ((chunk ? tn_chunk : tn_split)(self, k, dim, &out, &no) < 0) return rt_raise_tn(vm);
  Value r = tuple_of(vm, out, no);
  free(out);
  return r;
}
static Value m_split(VM *vm, Value *a, int n, Kw *kw) { return split_chunk(vm, a, n, kw, false); }
static Value m_chunk(VM *vm, Value *a, int n, Kw *kw) { return split_chunk(vm, a, n, kw, true); }

static Value m_diagonal(VM *vm, Value *args, int n, Kw *kw) {
  SELF("diagonal");
  int64_t off = 0, d1 = 0, d2 = 1;
  Value v;
  if ((v = arg(args, n, kw, 1, "offset")).tag != V_NULL && int_arg(vm, v, "diagonal", "offset", &off) < 0) return VERR;
  if ((v = arg(args, n, kw, 2, "dim1")).tag != V_NULL && int_arg(vm, v, "diagonal", "dim1", &d1) < 0) return VERR;
  if ((v = arg(args, n, kw, 3, "dim2")).tag != V_NULL && int_arg(vm, v, "diagonal", "dim2", &d2) < 0) return VERR;
  return W(tn_diagonal(self, off, d1, d2));
}

/* dist(input, other, p=2) */
static Value m_dist(VM *vm, Value *args, int n, Kw *kw) {
  SELF("dist");
  tn_tensor *o = tensor_arg(vm, arg(args, n, kw, 1, "other"), "dist", "other", 2);
  if (!o) return VERR;
  double p = 2;
  Value pv = arg(args, n, kw, 2, "p");
  if (pv.tag != V_NULL && double_arg(vm, pv, "dist", "p", &p) < 0) return VERR;
  return W(tn_dist(self, o, p));
}

/* diag(input, diagonal=0) and diag_embed(input, offset=0, dim1=-2, dim2=-1) */
static Value m_diag(VM *vm, Value *args, int n, Kw *kw) {
  SELF("diag");
  int64_t k = 0;
  Value v;
  if ((v = arg(args, n, kw, 1, "diagonal")).tag != V_NULL && int_arg(vm, v, "diag", "diagonal", &k) < 0) return VERR;
  return W(tn_diag(self, k));
}
static Value m_diag_embed(VM *vm, Value *args, int n, Kw *kw) {
  SELF("diag_embed");
  int64_t off = 0, d1 = -2, d2 = -1;
  Value v;
  if ((v = arg(args, n, kw, 1, "offset")).tag != V_NULL && int_arg(vm, v, "diag_embed", "offset", &off) < 0) return VERR;
  if ((v = arg(args, n, kw, 2, "dim1")).tag != V_NULL && int_arg(vm, v, "diag_embed", "dim1", &d1) < 0) return VERR;
  if ((v = arg(args, n, kw, 3, "dim2")).tag != V_NULL && int_arg(vm, v, "diag_embed", "dim2", &d2) < 0) return VERR;
  return W(tn_diag_embed(self, off, d1, d2));
}

static Value m_narrow(VM *vm, Value *args, int n, Kw *kw) {
  SELF("narrow");
  int64_t d, s, l;
  if (int_arg(vm, arg(args, n, kw, 1, "dim"), "narrow", "dim", &d) < 0 || int_arg(vm, arg(args, n, kw, 2, "start"), "narrow", "start", &s) < 0 ||
      int_arg(vm, arg(args, n, kw, 3, "length"), "narrow", "length", &l) < 0) return VERR;
  return W(tn_narrow(self, d, s, l));
}

static Value m_expand(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF("expand");
  int64_t shp[TN_MAX_DIMS];
  int32_t nd;
  if (n < 2) return rt_raise(vm, EX_TypeError, "expand() missing 1 required positional arguments: \"size\"");
  if (sizes_arg(vm, args, n, 1, shp, &nd) < 0) return VERR;
  return W(tn_expand(self, nd, shp));
}
static Value m_broadcast_to(VM *vm, Value *args, int n, Kw *kw) {
  SELF("broadcast_to");
  int64_t shp[TN_MAX_DIMS];
  int32_t nd;
  Value s = arg(args, n, kw, 1, "size");
  if (s.tag == V_NULL) return rt_raise(vm, EX_TypeError, "broadcast_to() missing required argument 'size'");
  if (sizes_arg(vm, &s, 1, 0, shp, &nd) < 0) return VERR;
  return W(tn_broadcast_to(self, nd, shp));
}
static Value m_expand_as(VM *vm, Value *args, int n, Kw *kw) {
  SELF("expand_as");
  tn_tensor *o = tensor_arg(vm, arg(args, n, kw, 1, "other"), "expand_as", "other", 1);
  return o ? W(tn_expand_as(self, o)) : VERR;
}
static Value m_repeat(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF("repeat");
  int64_t r[TN_MAX_DIMS];
  int32_t nd;
  if (n < 2) return rt_raise(vm, EX_TypeError, "repeat() missing 1 required positional arguments: \"repeats\"");
  if (sizes_arg(vm, args, n, 1, r, &nd) < 0) return VERR;
  return W(tn_repeat(self, nd, r));
}
static Value m_mT(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF("mT");
  if (self->ndim < 2) return rt_raise(vm, EX_RuntimeError, "tensor.mT is only supported on matrices or batches of matrices. Got %d-D tensor.", (int)self->ndim);
  return W(tn_transpose(self, -2, -1));
}

/* ----- linear algebra ----- */

typedef tn_tensor *(*Bin)(const tn_tensor *, const tn_tensor *);
static Value bin2(VM *vm, Value *args, int n, Kw *kw, Bin fn, const char *fname, const char *oname) {
  SELF(fname);
  tn_tensor *o = tensor_arg(vm, arg(args, n, kw, 1, oname), fname, oname, 2);
  return o ? W(fn(self, o)) : VERR;
}
static Value m_mv(VM *vm, Value *a, int n, Kw *kw) { return bin2(vm, a, n, kw, tn_mv, "mv", "vec"); }
static Value m_bmm(VM *vm, Value *a, int n, Kw *kw) { return bin2(vm, a, n, kw, tn_bmm, "bmm", "mat2"); }
static Value m_mm(VM *vm, Value *a, int n, Kw *kw) { return bin2(vm, a, n, kw, tn_mm, "mm", "mat2"); }
static Value m_outer(VM *vm, Value *a, int n, Kw *kw) { return bin2(vm, a, n, kw, tn_outer, "outer", "vec2"); }
static Value m_dot(VM *vm, Value *a, int n, Kw *kw) { return bin2(vm, a, n, kw, tn_dot, "dot", "tensor"); }
static Value m_expand_as2(VM *vm, Value *a, int n, Kw *kw) { return m_expand_as(vm, a, n, kw); }
#define BIN(name, op) static Value m_##name(VM *vm, Value *a, int n, Kw *kw) { return bin_op(vm, a, n, kw, op, #name); }

static Value t_einsum(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  if (n < 2) return rt_raise(vm, EX_ValueError, "einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list");
  if (args[0].tag != V_OBJ || args[0].u.o->kind != O_STR) return rt_raise(vm, EX_TypeError, "einsum(): argument 'equation' must be str");
  const char *eq = ((Str *)args[0].u.o)->s;
  Value *ops = args + 1;
  int64_t k = n - 1;
  List *l = NULL;
  if (k == 1 && ops[0].tag == V_OBJ && (ops[0].u.o->kind == O_LIST || ops[0].u.o->kind == O_TUPLE)) {
    l = rt_to_list(vm, ops[0]);
    if (!l) return VERR;
    ops = l->v;
    k = l->n;
  }
  tn_tensor *ts[64];
  Value r = VNULL;
  if (k > 64) r = rt_raise(vm, EX_RuntimeError, "einsum(): too many operands");
  for (int64_t i = 0; r.tag == V_NULL && i < k; i++) {
    ts[i] = torch_as_tensor(vm, ops[i]);
    if (!ts[i]) r = rt_raise(vm, EX_TypeError, "expected Tensor as element %lld in argument 1, but got %s", (long long)i, rt_type_name(vm, ops[i]));
  }
  if (r.tag == V_NULL) r = W(tn_einsum(eq, (int32_t)k, ts));
  if (l) OBJ_DECREF(vm, l);
  return r;
}

static Value t_solve(VM *vm, Value *args, int n, Kw *kw) {
  tn_tensor *a = tensor_arg(vm, arg(args, n, kw, 0, "A"), "linalg_solve", "A", 1);
  if (!a) return VERR;
  tn_tensor *b = tensor_arg(vm, arg(args, n, kw, 1, "B"), "linalg_solve", "B", 2);
  return b ? W(tn_linalg_solve(a, b)) : VERR;
}

/* ord as a number (inf allowed) or "fro"/"nuc" */
static Value t_linalg_norm(VM *vm, Value *args, int n, Kw *kw) {
  SELF("linalg_norm");
  Value o = arg(args, n, kw, 1, "ord");
  int64_t dims[TN_MAX_DIMS];
  int32_t nd;
  if (dims_of(vm, arg(args, n, kw, 2, "dim"), dims, &nd) < 0) return VERR;
  bool keep = flag(vm, arg(args, n, kw, 3, "keepdim"), false);
  if (o.tag == V_OBJ && o.u.o->kind == O_STR) return W(tn_linalg_norm(self, false, 0, ((Str *)o.u.o)->s, nd, nd ? dims : NULL, keep));
  double ord = 0;
  if (o.tag != V_NULL && o.tag != V_NONE && double_arg(vm, o, "linalg_norm", "ord", &ord) < 0) return VERR;
  return W(tn_linalg_norm(self, o.tag != V_NULL && o.tag != V_NONE, ord, NULL, nd, nd ? dims : NULL, keep));
}
/* torch.linalg.matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False) */
static Value t_matrix_norm(VM *vm, Value *args, int n, Kw *kw) {
  SELF("linalg_matrix_norm");
  Value o = arg(args, n, kw, 1, "ord");
  int64_t dims[TN_MAX_DIMS] = {-2, -1};
  int32_t nd = 2;
  Value dv = arg(args, n, kw, 2, "dim");
  if (dv.tag != V_NULL && dims_of(vm, dv, dims, &nd) < 0) return VERR;
  bool keep = flag(vm, arg(args, n, kw, 3, "keepdim"), false);
  if (o.tag == V_NULL || (o.tag == V_OBJ && o.u.o->kind == O_STR))
    return W(tn_linalg_norm(self, false, 0, o.tag == V_NULL ? "fro" : ((Str *)o.u.o)->s, nd, dims, keep));
  double ord = 0;
  if (double_arg(vm, o, "linalg_matrix_norm", "ord", &ord) < 0) return VERR;
  return W(tn_linalg_norm(self, true, ord, NULL, nd, dims, keep));
}
static Value t_vector_norm(VM *vm, Value *args, int n, Kw *kw) {
  SELF("linalg_vector_norm");
  Value o = arg(args, n, kw, 1, "ord");
  double ord = 2;
  if (o.tag != V_NULL && !is_number(o)) return rt_raise(vm, EX_TypeError, "linalg_vector_norm(): argument 'ord' (position 2) must be Number, not %s", rt_type_name(vm, o));
  if (o.tag != V_NULL && double_arg(vm, o, "linalg_vector_norm", "ord", &ord) < 0) return VERR;
  int64_t dims[TN_MAX_DIMS];
  int32_t nd;
  if (dims_of(vm, arg(args, n, kw, 2, "dim"), dims, &nd) < 0) return VERR;
  return W(tn_linalg_vector_norm(self, ord, nd, nd ? dims : NULL, flag(vm, arg(args, n, kw, 3, "keepdim"), false)));
}

/* ----- element-wise: comparisons, logical, bitwise, maximum/minimum ----- */

static Value bin_op(VM *vm, Value *args, int n, Kw *kw, tn_binary_op op, const char *fname) {
  SELF(fname);
  tn_tensor *oo;
  Value ov = arg(args, n, kw, 1, "other");
  tn_tensor *o = operand(vm, ov, &oo);
  if (!o) {
    if (ov.tag == V_NULL) return rt_raise(vm, EX_TypeError, "%s() missing 1 required positional arguments: \"other\"", fname);
    return rt_raise(vm, EX_TypeError, "%s(): argument 'other' (position 1) must be Tensor, not %s", fname, rt_type_name(vm, ov));
  }
  Value r = W(tn_binary(op, self, o));
  if (oo) tn_release(oo);
  return r;
}
/* reflected dunders (number OP tensor) */
static Value rbin(VM *vm, Value *args, int n, tn_binary_op op) {
  tn_tensor *self = n == 2 ? torch_as_tensor(vm, args[0]) : NULL, *oo;
  tn_tensor *o = n == 2 ? operand(vm, args[1], &oo) : NULL;
  if (!self || !o) { v_incref(vm->notimpl); return vm->notimpl; }
  Value r = W(tn_binary(op, o, self));
  if (oo) tn_release(oo);
  return r;
}
BIN(eq, TN_BINARY_EQ)
BIN(ne, TN_BINARY_NE)
BIN(lt, TN_BINARY_LT)
BIN(le, TN_BINARY_LE)
BIN(gt, TN_BINARY_GT)
BIN(ge, TN_BINARY_GE)
BIN(maximum, TN_BINARY_MAXIMUM)
BIN(minimum, TN_BINARY_MINIMUM)
BIN(logical_and, TN_BINARY_LOGICAL_AND)
BIN(logical_or, TN_BINARY_LOGICAL_OR)
BIN(logical_xor, TN_BINARY_LOGICAL_XOR)
BIN(bitwise_and, TN_BINARY_BITWISE_AND)
BIN(bitwise_or, TN_BINARY_BITWISE_OR)
BIN(bitwise_xor, TN_BINARY_BITWISE_XOR)
BIN(atan2, TN_BINARY_ATAN2)
BIN(sub, TN_BINARY_SUB)
BIN(div, TN_BINARY_DIV)
BIN(remainder, TN_BINARY_REMAINDER)
BIN(floor_divide, TN_BINARY_FLOOR_DIVIDE)
static Value d_rand(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return rbin(vm, a, n, TN_BINARY_BITWISE_AND); }
static Value d_ror(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return rbin(vm, a, n, TN_BINARY_BITWISE_OR); }
static Value d_rxor(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return rbin(vm, a, n, TN_BINARY_BITWISE_XOR); }

static Value un_op(VM *vm, Value *args, int n, tn_unary_op op, const char *fname) {
  SELF(fname);
  return W(tn_unary(op, self));
}
#define UN(name, op) static Value m_##name(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return un_op(vm, a, n, op, #name); }
UN(logical_not, TN_UNARY_LOGICAL_NOT)
UN(bitwise_not, TN_UNARY_BITWISE_NOT)
UN(neg, TN_UNARY_NEG)
UN(log1p, TN_UNARY_LOG1P)
UN(expm1, TN_UNARY_EXPM1)
UN(rsqrt, TN_UNARY_RSQRT)
UN(tan, TN_UNARY_TAN)
UN(trunc, TN_UNARY_TRUNC)
UN(reciprocal, TN_UNARY_RECIPROCAL)
UN(isnan, TN_UNARY_ISNAN)
UN(isinf, TN_UNARY_ISINF)
UN(isfinite, TN_UNARY_ISFINITE)

/* ~t: PyTorch refuses floating tensors with a TypeError before dispatch */
static Value d_invert(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF("bitwise_not");
  if (tn_dtype_is_floating(self->dtype)) return rt_raise(vm, EX_TypeError, "~ (operator.invert) is only implemented on integer and Boolean-type tensors");
  return W(tn_unary(TN_UNARY_BITWISE_NOT, self));
}

/* ----- in-place fills, copies, random fills ----- */

static Value m_fill_(VM *vm, Value *args, int n, Kw *kw) {
  SELF("fill_");
  Value v = arg(args, n, kw, 1, "value");
  tn_tensor *t = torch_as_tensor(vm, v);
  tn_scalar s;
  if (t) {
    if (t->ndim != 0) return rt_raise(vm, EX_RuntimeError, "fill_ only supports 0-dimension value tensor but got tensor with %d dimensions.", (int)t->ndim);
    if (tn_item(t, &s) < 0) return rt_raise_tn(vm);
  } else if (is_number(v)) s = to_scalar(v);
  else return rt_raise(vm, EX_TypeError, "fill_() received an invalid combination of arguments - got (%s)", rt_type_name(vm, v));
  return self_ret(vm, args, tn_fill_(self, s));
}
static Value m_copy_(VM *vm, Value *args, int n, Kw *kw) {
  SELF("copy_");
  tn_tensor *os;
  Value sv = arg(args, n, kw, 1, "src");
  tn_tensor *src = operand(vm, sv, &os); /* a number is accepted too */
  if (!src) return rt_raise(vm, EX_TypeError, "copy_(): argument 'src' (position 1) must be Tensor, not %s", rt_type_name(vm, sv));
  Value r = self_ret(vm, args, tn_copy_(self, src));
  if (os) tn_release(os);
  return r;
}
static Value m_clamp_(VM *vm, Value *args, int n, Kw *kw) {
  SELF("clamp_");
  Value lo = arg(args, n, kw, 1, "min"), hi = arg(args, n, kw, 2, "max");
  tn_scalar a = to_scalar(lo), b = to_scalar(hi);
  return self_ret(vm, args, tn_clamp_(self, is_number(lo) ? &a : NULL, is_number(hi) ? &b : NULL));
}
static Value m_normal_(VM *vm, Value *args, int n, Kw *kw) {
  SELF("normal_");
  double mean = 0, std = 1;
  Value v;
  if ((v = arg(args, n, kw, 1, "mean")).tag != V_NULL && double_arg(vm, v, "normal_", "mean", &mean) < 0) return VERR;
  if ((v = arg(args, n, kw, 2, "std")).tag != V_NULL && double_arg(vm, v, "normal_", "std", &std) < 0) return VERR;
  return self_ret(vm, args, tn_normal_(self, mean, std));
}
static Value m_element_size(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF("element_size"); return v_int(tn_element_size(self)); }
static Value m_nelement(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF("numel"); return v_int(self->numel); }
static Value m_ndimension(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF("dim"); return v_int(self->ndim); }
static Value m_is_floating_point(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF("is_floating_point"); return v_bool(tn_dtype_is_floating(self->dtype)); }
static Value m_equal(VM *vm, Value *args, int n, Kw *kw) {
  SELF("equal");
  tn_tensor *o = tensor_arg(vm, arg(args, n, kw, 1, "other"), "equal", "other", 2);
  bool r;
  if (!o) return VERR;
  if (tn_equal(self, o, &r) < 0) return rt_raise_tn(vm);
  return v_bool(r);
}

/* ----- creation ----- */

/* A result made on the CPU for self.new_*() / *_like(self): to the device= keyword's device, else
 * (new_*, whose default device is self's) to self's device. Consumes t. */
static Value placed(VM *vm, Kw *kw, tn_tensor *t, const tn_tensor *self, bool self_device) {
  if (!t) return W(t);
  Value dv;
  if (kw_find(kw, "device", &dv) && dv.tag != V_NONE) return (t = torch_apply_device_kw(vm, kw, t)) ? W(t) : VERR;
  if (self_device && self->device.type != t->device.type) {
    tn_tensor *moved = tn_to_device(t, self->device);
    tn_release(t);
    t = moved;
  }
  return W(t);
}

/* t.new_zeros/new_ones/new_empty(size, dtype=t.dtype), t.new_full(size, value), t.new_tensor(data) */
static Value new_like(VM *vm, Value *args, int n, Kw *kw, int which) {
  SELF("new");
  tn_dtype dt;
  int64_t shp[TN_MAX_DIMS];
  int32_t nd;
  if (opt_dtype(vm, kw, &dt) < 0) return VERR;
  if (dt == TN_DTYPE_UNDEFINED) dt = self->dtype;
  if (which == 4) {
    Value d = arg(args, n, kw, 1, "data");
    if (d.tag == V_NULL) return rt_raise(vm, EX_TypeError, "new_tensor() missing 1 required positional arguments: \"data\"");
    tn_tensor *src = torch_as_tensor(vm, d);
    if (src) {
      tn_tensor *c = src->device.type == TN_DEVICE_CPU ? tn_to_dtype(src, dt, true) : NULL;
      if (!c && src->device.type != TN_DEVICE_CPU) { /* a copy, moved below as any other */
        tn_tensor *host = tn_to_device(src, TN_DEVICE_CPU_VALUE);
        c = host ? tn_to_dtype(host, dt, true) : NULL;
        tn_release(host);
      }
      return placed(vm, kw, c, self, true);
    }
    tn_tensor *t = torch_from_data(vm, d, dt);
    return t ? placed(vm, kw, t, self, true) : VERR;
  }
  Value fill = VNULL;
  int last = n;
  if (which == 3) {
    fill = arg(args, n, kw, 2, "fill_value");
    if (!is_number(fill)) return rt_raise(vm, EX_TypeError, "new_full() missing required argument 'fill_value'");
    if (n > 2) last = 2;
  }
  Value sz;
  if (last <= 1 && kw_find(kw, "size", &sz)) { if (sizes_arg(vm, &sz, 1, 0, shp, &nd) < 0) return VERR; }
  else if (sizes_arg(vm, args, last, 1, shp, &nd) < 0) return VERR;
  switch (which) {
  case 0: return placed(vm, kw, tn_zeros(nd, shp, TN_OPTS(dt)), self, true);
  case 1: return placed(vm, kw, tn_ones(nd, shp, TN_OPTS(dt)), self, true);
  case 2: return placed(vm, kw, tn_zeros(nd, shp, TN_OPTS(dt)), self, true); /* empty: zeros, deterministic */
  default: return placed(vm, kw, tn_full(nd, shp, to_scalar(fill), TN_OPTS(dt)), self, true);
  }
}
static Value m_new_zeros(VM *vm, Value *a, int n, Kw *kw) { return new_like(vm, a, n, kw, 0); }
static Value m_new_ones(VM *vm, Value *a, int n, Kw *kw) { return new_like(vm, a, n, kw, 1); }
static Value m_new_empty(VM *vm, Value *a, int n, Kw *kw) { return new_like(vm, a, n, kw, 2); }
static Value m_new_full(VM *vm, Value *a, int n, Kw *kw) { return new_like(vm, a, n, kw, 3); }
static Value m_new_tensor(VM *vm, Value *a, int n, Kw *kw) { return new_like(vm, a, n, kw, 4); }
static Value as_other(VM *vm, Value *args, int n, Kw *kw, bool reshape) {
  SELF(reshape ? "reshape_as" : "view_as");
  tn_tensor *o = tensor_arg(vm, arg(args, n, kw, 1, "other"), reshape ? "reshape_as" : "view_as", "other", 1);
  if (!o) return VERR;
  return W(reshape ? tn_reshape(self, o->ndim, o->shape) : tn_view(self, o->ndim, o->shape));
}
static Value m_view_as(VM *vm, Value *a, int n, Kw *kw) { return as_other(vm, a, n, kw, false); }
static Value m_reshape_as(VM *vm, Value *a, int n, Kw *kw) { return as_other(vm, a, n, kw, true); }

static Value t_randperm(VM *vm, Value *args, int n, Kw *kw) {
  int64_t k;
  tn_dtype dt;
  Value nv = arg(args, n, kw, 0, "n");
  if (nv.tag != V_NULL && nv.tag != V_INT && nv.tag != V_BOOL) return rt_raise(vm, EX_TypeError, "randperm(): argument 'n' (position 1) must be int, not %s", rt_type_name(vm, nv));
  if (int_arg(vm, nv, "randperm", "n", &k) < 0 || opt_dtype(vm, kw, &dt) < 0) return VERR;
  return W(tn_randperm(k, TN_OPTS(dt)));
}
static Value t_full_like(VM *vm, Value *args, int n, Kw *kw) {
  SELF("full_like");
  tn_dtype dt;
  Value v = arg(args, n, kw, 1, "fill_value");
  if (!is_number(v)) return rt_raise(vm, EX_TypeError, "full_like() received an invalid combination of arguments");
  if (opt_dtype(vm, kw, &dt) < 0) return VERR;
  return placed(vm, kw, tn_full_like(self, to_scalar(v), TN_OPTS(dt)), self, false);
}
static Value t_empty_like(VM *vm, Value *args, int n, Kw *kw) {
  SELF("empty_like");
  tn_dtype dt;
  if (opt_dtype(vm, kw, &dt) < 0) return VERR;
  return placed(vm, kw, tn_zeros_like(self, TN_OPTS(dt)), self, false); /* zeros: deterministic output */
}

/* ----- dtypes, seeds, print options ----- */

static Value dtype_v(VM *vm, tn_dtype d) { Value v = vm->t_dtypes[d]; v_incref(v); return v; }

static Value t_get_default_dtype(VM *vm, Value *args, int n, Kw *kw) { (void)args; (void)n; (void)kw; return dtype_v(vm, tn_get_default_dtype()); }
static Value t_set_default_dtype(VM *vm, Value *args, int n, Kw *kw) {
  tn_dtype d;
  Value v = arg(args, n, kw, 0, "d");
  if (!as_dtype(vm, v, &d)) return rt_raise(vm, EX_TypeError, "set_default_dtype(): argument 'd' (position 1) must be torch.dtype, not %s", rt_type_name(vm, v));
  if (tn_set_default_dtype(d) < 0) return rt_raise_tn(vm);
  return VNONE;
}
static Value t_promote_types(VM *vm, Value *args, int n, Kw *kw) {
  tn_dtype a, b;
  if (!as_dtype(vm, arg(args, n, kw, 0, "type1"), &a) || !as_dtype(vm, arg(args, n, kw, 1, "type2"), &b))
    return rt_raise(vm, EX_TypeError, "promote_types(): argument 'type1' must be torch.dtype");
  return dtype_v(vm, tn_promote_types(a, b));
}
static Value t_result_type(VM *vm, Value *args, int n, Kw *kw) {
  tn_tensor *oa, *ob;
  tn_tensor *a = operand(vm, arg(args, n, kw, 0, "tensor1"), &oa), *b = operand(vm, arg(args, n, kw, 1, "tensor2"), &ob);
  Value r;
  if (!a || !b) r = rt_raise(vm, EX_TypeError, "result_type() received an invalid combination of arguments");
  else r = dtype_v(vm, tn_result_type(a, b));
  if (oa) tn_release(oa);
  if (ob) tn_release(ob);
  return r;
}
/* torch.can_cast: c10::canCast (no float to integral, no non-bool to bool) */
static Value t_can_cast(VM *vm, Value *args, int n, Kw *kw) {
  tn_dtype a, b;
  Value fv = arg(args, n, kw, 0, "from"), tv = arg(args, n, kw, 1, "to");
  if (!as_dtype(vm, fv, &a)) return rt_raise(vm, EX_TypeError, "can_cast(): argument 'from' (position 1) must be torch.dtype, not %s", rt_type_name(vm, fv));
  if (!as_dtype(vm, tv, &b)) return rt_raise(vm, EX_TypeError, "can_cast(): argument 'to' (position 2) must be torch.dtype, not %s", rt_type_name(vm, tv));
  if (tn_dtype_is_floating(a) && tn_dtype_is_integral(b, true)) return v_bool(false);
  if (a != TN_DTYPE_BOOL && b == TN_DTYPE_BOOL) return v_bool(false);
  return v_bool(true);
}
static Value t_is_tensor(VM *vm, Value *args, int n, Kw *kw) { (void)kw; return v_bool(n == 1 && torch_as_tensor(vm, args[0])); }
static Value t_numel(VM *vm, Value *args, int n, Kw *kw) { return m_nelement(vm, args, n, kw); }
static Value t_initial_seed(VM *vm, Value *args, int n, Kw *kw) { (void)vm; (void)args; (void)n; (void)kw; return v_int((int64_t)(tn_initial_seed() & INT64_MAX)); }
static Value t_seed(VM *vm, Value *args, int n, Kw *kw) { (void)vm; (void)args; (void)n; (void)kw; return v_int((int64_t)(tn_seed() & INT64_MAX)); }

static Value t_set_printoptions(VM *vm, Value *args, int n, Kw *kw) {
  static const char *names[] = {"precision", "threshold", "edgeitems", "linewidth", "profile", "sci_mode"};
  tn_print_options o = tn_get_print_options();
  Value v;
  Value prof = arg(args, n, kw, 4, "profile");
  if (prof.tag == V_OBJ && prof.u.o->kind == O_STR) {
    const char *p = ((Str *)prof.u.o)->s;
    if (strcmp(p, "default") == 0) { o.precision = 4; o.threshold = 1000; o.edgeitems = 3; o.linewidth = 80; }
    else if (strcmp(p, "short") == 0) { o.precision = 2; o.threshold = 1000; o.edgeitems = 2; o.linewidth = 80; }
    else if (strcmp(p, "full") == 0) { o.precision = 4; o.threshold = INT64_MAX; o.edgeitems = 3; o.linewidth = 80; }
  }
  o.sci_mode = -1; /* PyTorch assigns sci_mode on every call: None (automatic) unless given */
  for (int i = 0; i < 6; i++) {
    if (i == 4) continue;
    v = arg(args, n, kw, i, names[i]);
    if (v.tag == V_NULL || (v.tag == V_NONE && i != 5)) continue;
    if (i == 5) { o.sci_mode = v.tag == V_NONE ? -1 : rt_truthy(vm, v) == 1; continue; }
    double d;
    if (double_arg(vm, v, "set_printoptions", names[i], &d) < 0) return VERR;
    if (i == 1) o.threshold = d >= 9.2e18 || isinf(d) ? INT64_MAX : (int64_t)d;
    else if (fabs(d) > 1e9) return rt_raise(vm, EX_ValueError, "set_printoptions(): %s out of range", names[i]);
    else if (i == 0) o.precision = (int32_t)d;
    else if (i == 2) o.edgeitems = (int64_t)d;
    else o.linewidth = (int32_t)d;
  }
  tn_set_print_options(&o);
  return VNONE;
}

/* ----- finfo / iinfo ----- */

typedef struct InfoData { bool is_float; tn_dtype dtype; tn_finfo f; tn_iinfo i; } InfoData;
static Class *finfo_cls, *iinfo_cls;

static InfoData *info_of(Value v) {
  return v.tag == V_OBJ && v.u.o->kind == O_NATIVE && (v.u.o->cls == finfo_cls || v.u.o->cls == iinfo_cls) ? ((Native *)v.u.o)->ptr : NULL;
}

static Value make_info(VM *vm, Value *args, int n, Kw *kw, bool is_float) {
  tn_dtype d = tn_get_default_dtype();
  Value v = arg(args, n, kw, 0, "type");
  if (v.tag != V_NULL && !as_dtype(vm, v, &d)) return rt_raise(vm, EX_TypeError, "%s(): argument 'type' (position 1) must be torch.dtype, not %s", is_float ? "finfo" : "iinfo", rt_type_name(vm, v));
  if (v.tag == V_NULL && !is_float) return rt_raise(vm, EX_TypeError, "iinfo() missing 1 required positional arguments: \"type\"");
  InfoData *in = calloc(1, sizeof *in);
  if (!in) return rt_raise(vm, EX_MemoryError, "%s", "");
  in->is_float = is_float;
  in->dtype = d;
  if ((is_float ? tn_dtype_finfo(d, &in->f) : tn_dtype_iinfo(d, &in->i)) < 0) { free(in); return rt_raise_tn(vm); }
  return native_new(vm, is_float ? finfo_cls : iinfo_cls, in, free);
}
static Value t_finfo(VM *vm, Value *a, int n, Kw *kw) { return make_info(vm, a, n, kw, true); }
static Value t_iinfo(VM *vm, Value *a, int n, Kw *kw) { return make_info(vm, a, n, kw, false); }

static Value info_getattr(VM *vm, Value self, Str *name) {
  InfoData *in = info_of(self);
  const char *s = name->s;
  if (!in) return VNULL;
  if (strcmp(s, "dtype") == 0) return v_str(vm, tn_dtype_name(in->dtype));
  if (strcmp(s, "bits") == 0) return v_int(in->is_float ? in->f.bits : in->i.bits);
  if (!in->is_float) {
    if (strcmp(s, "max") == 0) return v_int(in->i.max);
    if (strcmp(s, "min") == 0) return v_int(in->i.min);
    return VNULL;
  }
  if (strcmp(s, "eps") == 0) return v_float(in->f.eps);
  if (strcmp(s, "max") == 0) return v_float(in->f.max);
  if (strcmp(s, "min") == 0) return v_float(in->f.min);
  if (strcmp(s, "tiny") == 0 || strcmp(s, "smallest_normal") == 0) return v_float(in->f.tiny);
  if (strcmp(s, "resolution") == 0) return v_float(in->f.resolution);
  return VNULL;
}
/* PyTorch prints these through a C++ stream: six significant digits, like %g */
static Value info_repr(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  InfoData *in = info_of(args[0]);
  char buf[512];
  if (!in) return v_str(vm, "finfo()");
  if (in->is_float)
    snprintf(buf, sizeof buf, "finfo(resolution=%g, min=%g, max=%g, eps=%g, smallest_normal=%g, tiny=%g, dtype=%s)", in->f.resolution, in->f.min,
             in->f.max, in->f.eps, in->f.tiny, in->f.tiny, tn_dtype_name(in->dtype));
  else snprintf(buf, sizeof buf, "iinfo(min=%g, max=%g, dtype=%s)", (double)in->i.min, (double)in->i.max, tn_dtype_name(in->dtype));
  return v_str(vm, buf);
}

/* ----- grad mode: torch.no_grad() / enable_grad() as context managers and decorators ----- */

typedef struct GradCtx { bool mode, prev, preset; } GradCtx;
static Class *nograd_cls, *enablegrad_cls;

static Value new_gradctx(VM *vm, bool mode) {
  GradCtx *g = calloc(1, sizeof *g);
  if (!g) return rt_raise(vm, EX_MemoryError, "%s", "");
  g->mode = mode;
  return native_new(vm, mode ? enablegrad_cls : nograd_cls, g, free);
}
static Value t_no_grad(VM *vm, Value *args, int n, Kw *kw) { (void)args; (void)kw; if (n) return rt_raise(vm, EX_TypeError, "no_grad() takes no arguments"); return new_gradctx(vm, false); }
static Value t_enable_grad(VM *vm, Value *args, int n, Kw *kw) { (void)args; (void)kw; if (n) return rt_raise(vm, EX_TypeError, "enable_grad() takes no arguments"); return new_gradctx(vm, true); }
static GradCtx *gctx(Value v) {
  return v.tag == V_OBJ && v.u.o->kind == O_NATIVE && (v.u.o->cls == nograd_cls || v.u.o->cls == enablegrad_cls) ? ((Native *)v.u.o)->ptr : NULL;
}
static Value g_enter(VM *vm, Value *args, int n, Kw *kw) {
  (void)vm; (void)n; (void)kw;
  GradCtx *g = gctx(args[0]);
  if (!g) return rt_raise(vm, EX_TypeError, "descriptor requires a 'no_grad' object");
  if (!g->preset) g->prev = tn_set_grad_enabled(g->mode);
  return VNONE;
}
static Value g_exit(VM *vm, Value *args, int n, Kw *kw) {
  (void)vm; (void)n; (void)kw;
  GradCtx *g = gctx(args[0]);
  if (!g) return rt_raise(vm, EX_TypeError, "descriptor requires a 'no_grad' object");
  tn_set_grad_enabled(g->prev);
  return v_bool(false);
}
/* @torch.no_grad(): called with the function, returns a wrapper function that runs it in the mode */
static Value g_call(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  GradCtx *g = gctx(args[0]);
  if (!g) return rt_raise(vm, EX_TypeError, "descriptor requires a 'no_grad' object");
  if (n != 2) return rt_raise(vm, EX_TypeError, "decorator expects one function");
  {
    /* a Python function wrapper (torch._grad_mode._wrap), so that methods bind self */
    Value mod = import_module(vm, str_intern_cstr(vm, "torch._grad_mode"));
    if (IS_ERR(mod)) return mod;
    Value w = rt_getattr(vm, mod, str_intern_cstr(vm, "_wrap"));
    v_decref(vm, mod);
    if (IS_ERR(w)) return w;
    Value a[2] = {v_bool(g->mode), args[1]};
    Value r = rt_call(vm, w, a, 2, NULL);
    v_decref(vm, w);
    return r;
  }
}
static Value t_is_grad_enabled(VM *vm, Value *args, int n, Kw *kw) { (void)vm; (void)args; (void)n; (void)kw; return v_bool(tn_is_grad_enabled()); }
static Value t_set_grad_enabled(VM *vm, Value *args, int n, Kw *kw) {
  Value v = arg(args, n, kw, 0, "mode");
  if (v.tag != V_BOOL) return rt_raise(vm, EX_TypeError, "enabled must be a bool (got %s)", rt_type_name(vm, v));
  /* set at once, as PyTorch does; as a context manager it restores the mode it found */
  bool prev = tn_set_grad_enabled(v.u.i != 0);
  Value c = new_gradctx(vm, v.u.i != 0);
  if (!IS_ERR(c)) { gctx(c)->preset = true; gctx(c)->prev = prev; }
  return c;
}

/* ----- arithmetic with alpha / rounding_mode, max(a, b), conversions, in-place unary ----- */

/* add/sub(input, other, *, alpha=1), also in place; rsub(input, other, *, alpha=1): other - alpha * input */
static Value addsub_r(VM *vm, Value *args, int n, Kw *kw, bool sub, bool inplace, bool reverse) {
  const char *fname = reverse ? "rsub" : sub ? (inplace ? "sub_" : "sub") : (inplace ? "add_" : "add");
  SELF(fname);
  tn_tensor *oo;
  Value ov = arg(args, n, kw, 1, "other"), av = arg(args, n, kw, 2, "alpha");
  tn_tensor *o = operand(vm, ov, &oo);
  if (!o) return rt_raise(vm, EX_TypeError, "%s(): argument 'other' (position 1) must be Tensor, not %s", fname, rt_type_name(vm, ov));
  tn_scalar alpha = tn_scalar_int(1);
  if (av.tag != V_NULL) {
    if (!is_number(av)) { if (oo) tn_release(oo); return rt_raise(vm, EX_TypeError, "%s(): argument 'alpha' must be Number, not %s", fname, rt_type_name(vm, av)); }
    alpha = to_scalar(av);
  }
  tn_tensor *r = reverse   ? tn_rsub(self, o, alpha)
                 : inplace ? (sub ? tn_sub_alpha_ : tn_add_alpha_)(self, o, alpha)
                           : (sub ? tn_sub_alpha : tn_add_alpha)(self, o, alpha);
  if (oo) tn_release(oo);
  return inplace ? self_ret(vm, args, r) : W(r);
}
static Value addsub(VM *vm, Value *args, int n, Kw *kw, bool sub, bool inplace) {
  return addsub_r(vm, args, n, kw, sub, inplace, false);
}
static Value t_rsub(VM *vm, Value *a, int n, Kw *kw) { return addsub_r(vm, a, n, kw, true, false, true); }
static Value m_add2(VM *vm, Value *a, int n, Kw *kw) { return addsub(vm, a, n, kw, false, false); }
static Value m_sub2(VM *vm, Value *a, int n, Kw *kw) { return addsub(vm, a, n, kw, true, false); }
static Value m_add2_(VM *vm, Value *a, int n, Kw *kw) { return addsub(vm, a, n, kw, false, true); }
static Value m_sub2_(VM *vm, Value *a, int n, Kw *kw) { return addsub(vm, a, n, kw, true, true); }
BIN(mul, TN_BINARY_MUL)

/* div(input, other, *, rounding_mode=None|'trunc'|'floor') */
static Value m_div2(VM *vm, Value *args, int n, Kw *kw) {
  Value rm = arg(args, n, kw, -1, "rounding_mode");
  if (rm.tag == V_NULL || rm.tag == V_NONE) return bin_op(vm, args, n, kw, TN_BINARY_DIV, "div");
  const char *mode = rm.tag == V_OBJ && rm.u.o->kind == O_STR ? ((Str *)rm.u.o)->s : "";
  if (strcmp(mode, "floor") == 0) return bin_op(vm, args, n, kw, TN_BINARY_FLOOR_DIVIDE, "div");
  if (strcmp(mode, "trunc") != 0) return rt_raise(vm, EX_RuntimeError, "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '%s'", mode);
  SELF("div");
  tn_tensor *oo;
  tn_tensor *o = operand(vm, arg(args, n, kw, 1, "other"), &oo);
  if (!o) return rt_raise(vm, EX_TypeError, "div(): argument 'other' (position 1) must be Tensor");
  tn_tensor *r = NULL;
  if (tn_dtype_is_floating(tn_result_type(self, o))) {
    tn_tensor *q = tn_binary(TN_BINARY_DIV, self, o);
    r = q ? tn_unary(TN_UNARY_TRUNC, q) : NULL;
    if (q) tn_release(q);
  } else {
    /* integers: sign(a) * sign(b) * (|a| // |b|), exact where a round trip through double is not */
    tn_tensor *aa = tn_unary(TN_UNARY_ABS, self), *ab = tn_unary(TN_UNARY_ABS, o);
    tn_tensor *q = aa && ab ? tn_binary(TN_BINARY_FLOOR_DIVIDE, aa, ab) : NULL;
    tn_tensor *sa = q ? tn_unary(TN_UNARY_SIGN, self) : NULL, *sb = sa ? tn_unary(TN_UNARY_SIGN, o) : NULL;
    tn_tensor *s = sb ? tn_binary(TN_BINARY_MUL, sa, sb) : NULL;
    r = s ? tn_binary(TN_BINARY_MUL, q, s) : NULL;
    tn_tensor *tmp[] = {aa, ab, q, sa, sb, s};
    for (int i = 0; i < 6; i++) if (tmp[i]) tn_release(tmp[i]);
  }
  if (oo) tn_release(oo);
  return W(r);
}

/* torch.max(a, b) / torch.min(a, b) are maximum/minimum; other forms go to the reductions */
static Value (*orig_max)(VM *, Value *, int, Kw *), (*orig_min)(VM *, Value *, int, Kw *);
static Value t_max2(VM *vm, Value *a, int n, Kw *kw) {
  if (n >= 2 && torch_as_tensor(vm, a[1])) return bin_op(vm, a, n, kw, TN_BINARY_MAXIMUM, "max");
  return orig_max(vm, a, n, kw);
}
static Value t_min2(VM *vm, Value *a, int n, Kw *kw) {
  if (n >= 2 && torch_as_tensor(vm, a[1])) return bin_op(vm, a, n, kw, TN_BINARY_MINIMUM, "min");
  return orig_min(vm, a, n, kw);
}

static const char *legacy_type_name(tn_dtype d) {
  static const char *names[TN_DTYPE_COUNT] = {"torch.BoolTensor", "torch.ByteTensor", "torch.CharTensor", "torch.ShortTensor", "torch.IntTensor",
                                              "torch.LongTensor", "torch.HalfTensor", "torch.BFloat16Tensor", "torch.FloatTensor", "torch.DoubleTensor"};
  return d >= 0 && d < TN_DTYPE_COUNT ? names[d] : "torch.Tensor";
}
/* t.type() -> 'torch.FloatTensor'; t.type(dtype) converts */
static Value m_type(VM *vm, Value *args, int n, Kw *kw) {
  SELF("type");
  Value d = arg(args, n, kw, 1, "dtype");
  tn_dtype dt;
  if (d.tag == V_NULL || d.tag == V_NONE) return v_str(vm, legacy_type_name(self->dtype));
  if (as_dtype(vm, d, &dt)) return W(tn_to_dtype(self, dt, false));
  if (d.tag == V_OBJ && d.u.o->kind == O_STR)
    for (int i = 0; i < TN_DTYPE_COUNT; i++)
      if (strcmp(((Str *)d.u.o)->s, legacy_type_name((tn_dtype)i)) == 0) return W(tn_to_dtype(self, (tn_dtype)i, false));
  if (d.tag != V_OBJ || d.u.o->kind != O_STR) return rt_raise(vm, EX_TypeError, "dtype must be a type, str, or dtype object");
  return rt_raise(vm, EX_ValueError, "invalid type: '%s'", ((Str *)d.u.o)->s);
}
#define CONV(name, dt) static Value m_##name(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF(#name); return W(tn_to_dtype(self, dt, false)); }
CONV(half, TN_DTYPE_FLOAT16)
CONV(bfloat16, TN_DTYPE_BFLOAT16)
CONV(short, TN_DTYPE_INT16)
CONV(char, TN_DTYPE_INT8)
CONV(byte, TN_DTYPE_UINT8)

static Value un_op_(VM *vm, Value *args, int n, tn_unary_op op, const char *fname) {
  SELF(fname);
  return self_ret(vm, args, tn_unary_(op, self));
}
#define UN_(name, op) static Value m_##name##_(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return un_op_(vm, a, n, op, #name "_"); }
UN_(neg, TN_UNARY_NEG)
UN_(abs, TN_UNARY_ABS)
UN_(exp, TN_UNARY_EXP)
UN_(log, TN_UNARY_LOG)
UN_(sqrt, TN_UNARY_SQRT)
UN_(sin, TN_UNARY_SIN)
UN_(cos, TN_UNARY_COS)
UN_(tanh, TN_UNARY_TANH)
UN_(sigmoid, TN_UNARY_SIGMOID)
UN_(relu, TN_UNARY_RELU)
UN_(floor, TN_UNARY_FLOOR)
UN_(ceil, TN_UNARY_CEIL)
UN_(round, TN_UNARY_ROUND)
UN_(trunc, TN_UNARY_TRUNC)
UN_(reciprocal, TN_UNARY_RECIPROCAL)
UN_(square, TN_UNARY_SQUARE)
static Value m_pow_(VM *vm, Value *args, int n, Kw *kw) {
  SELF("pow_");
  tn_tensor *oo;
  tn_tensor *o = operand(vm, arg(args, n, kw, 1, "exponent"), &oo);
  if (!o) return rt_raise(vm, EX_TypeError, "pow_(): argument 'exponent' must be Tensor or Number");
  tn_tensor *r = tn_binary_(TN_BINARY_POW, self, o);
  if (oo) tn_release(oo);
  return self_ret(vm, args, r);
}

/* ----- views: select, as_strided, permute/t/swapaxes as functions, broadcast_shapes ----- */

static Value m_select(VM *vm, Value *args, int n, Kw *kw) {
  SELF("select");
  int64_t d, i;
  if (int_arg(vm, arg(args, n, kw, 1, "dim"), "select", "dim", &d) < 0 || int_arg(vm, arg(args, n, kw, 2, "index"), "select", "index", &i) < 0) return VERR;
  return W(tn_select(self, d, i));
}
static Value m_as_strided(VM *vm, Value *args, int n, Kw *kw) {
  SELF("as_strided");
  int64_t shp[TN_MAX_DIMS], st[TN_MAX_DIMS], off = self->offset;
  int32_t ns, nt;
  Value sv = arg(args, n, kw, 1, "size"), tv = arg(args, n, kw, 2, "stride"), ov = arg(args, n, kw, 3, "storage_offset");
  if (sv.tag == V_NULL || tv.tag == V_NULL) return rt_raise(vm, EX_TypeError, "as_strided() missing required argument 'size' or 'stride'");
  if (sizes_arg(vm, &sv, 1, 0, shp, &ns) < 0 || sizes_arg(vm, &tv, 1, 0, st, &nt) < 0) return VERR;
  if (ov.tag != V_NULL && ov.tag != V_NONE && int_arg(vm, ov, "as_strided", "storage_offset", &off) < 0) return VERR;
  if (ns != nt) return rt_raise(vm, EX_RuntimeError, "mismatch in length of strides and shape");
  return W(tn_as_strided(self, ns, shp, st, off));
}
static Value t_permute(VM *vm, Value *args, int n, Kw *kw) {
  SELF("permute");
  int64_t d[TN_MAX_DIMS];
  int32_t nd;
  Value dv = arg(args, n, kw, 1, "dims");
  if (dv.tag == V_NULL) return rt_raise(vm, EX_TypeError, "permute() missing required argument 'dims'");
  if (sizes_arg(vm, &dv, 1, 0, d, &nd) < 0) return VERR;
  return W(tn_permute(self, nd, d));
}
static Value t_t(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF("t"); return W(tn_t(self)); }
static Value m_swapaxes(VM *vm, Value *args, int n, Kw *kw) {
  SELF("swapaxes");
  int64_t a, b;
  if (int_arg(vm, arg(args, n, kw, 1, "axis0"), "swapaxes", "axis0", &a) < 0 || int_arg(vm, arg(args, n, kw, 2, "axis1"), "swapaxes", "axis1", &b) < 0) return VERR;
  return W(tn_transpose(self, a, b));
}
static Value t_detach(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF("detach"); return W(tn_detach(self)); }
Value torch_make_size(VM *vm, int32_t n, const int64_t *d);
static Value t_broadcast_shapes(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  int64_t acc[TN_MAX_DIMS], s[TN_MAX_DIMS], out[TN_MAX_DIMS];
  int32_t na = 0, ns, no;
  for (int i = 0; i < n; i++) {
    if (args[i].tag == V_INT) { s[0] = args[i].u.i; ns = 1; }
    else if (sizes_arg(vm, &args[i], 1, 0, s, &ns) < 0) return VERR;
    /* torch.broadcast_shapes is Python code in PyTorch 1.13, with its own message */
    if (tn_broadcast_shapes(na, acc, ns, s, &no, out) < 0) return rt_raise(vm, EX_RuntimeError, "Shape mismatch: objects cannot be broadcast to a single shape");
    memcpy(acc, out, sizeof(int64_t) * (size_t)no);
    na = no;
  }
  return torch_make_size(vm, na, acc);
}

/* ----- autodiff helpers ----- */

static Value m_retain_grad(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF("retain_grad");
  if (tn_retain_grad(self) < 0) return rt_raise_tn(vm);
  return VNONE;
}
static Value m_detach_(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF("detach_");
  /* a leaf that no longer requires grad: what detach_() leaves on a leaf */
  if (!tn_is_leaf(self)) return rt_raise(vm, EX_RuntimeError, "Can't detach views in-place. Use detach() instead.");
  return self_ret(vm, args, tn_requires_grad_(self, false));
}

/* ----- torch.return_types.max / min / linalg_eigh: two-tensor named tuples ----- */

typedef struct RetPair { tn_tensor *values, *indices; } RetPair;
enum { RET_MAX, RET_MIN, RET_EIGH, RET_N };
static Class *ret_cls[RET_N];
static const char *const ret_names[RET_N][3] = {
  {"max", "values", "indices"}, {"min", "values", "indices"}, {"linalg_eigh", "eigenvalues", "eigenvectors"}};
static int ret_kind(Value v) {
  for (int k = 0; k < RET_N; k++)
    if (v.tag == V_OBJ && v.u.o->cls == ret_cls[k]) return k;
  return -1;
}

static void retpair_free(void *p) {
  RetPair *r = p;
  tn_release(r->values);
  tn_release(r->indices);
  free(r);
}
static RetPair *retpair_of(Value v) {
  return v.tag == V_OBJ && v.u.o->kind == O_NATIVE && ret_kind(v) >= 0 ? ((Native *)v.u.o)->ptr : NULL;
}

/* steals the tuple (values, indices) that max(dim)/min(dim) built */
Value torch_return_pair(VM *vm, bool is_max, Value tup);
Value torch_return_pair(VM *vm, bool is_max, Value tup) {
  if (IS_ERR(tup)) return tup;
  Tuple *t = (Tuple *)tup.u.o;
  RetPair *r = malloc(sizeof *r);
  if (!r) { v_decref(vm, tup); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  r->values = tn_retain(torch_as_tensor(vm, t->v[0]));
  r->indices = tn_retain(torch_as_tensor(vm, t->v[1]));
  v_decref(vm, tup);
  return native_new(vm, ret_cls[is_max ? 0 : 1], r, retpair_free);
}
static Value retpair_tuple(VM *vm, RetPair *r) {
  tn_tensor *ts[2] = {tn_retain(r->values), tn_retain(r->indices)};
  return tuple_of(vm, ts, 2);
}
static Value rp_repr(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  RetPair *r = retpair_of(args[0]);
  if (!r) return rt_raise(vm, EX_TypeError, "descriptor requires a 'torch.return_types' object");
  char *a = tn_repr(r->values), *b = a ? tn_repr(r->indices) : NULL;
  if (!a || !b) { free(a); return rt_raise_tn(vm); }
  Buf buf;
  memset(&buf, 0, sizeof buf);
  const char *const *nm = ret_names[ret_kind(args[0])];
  buf_printf(&buf, "torch.return_types.%s(\n%s=%s,\n%s=%s)", nm[0], nm[1], a, nm[2], b);
  free(a);
  free(b);
  Str *s = buf_to_str(vm, &buf);
  return s ? v_obj(s) : rt_raise(vm, EX_MemoryError, "%s", "");
}
static Value rp_len(VM *vm, Value *args, int n, Kw *kw) { (void)vm; (void)args; (void)n; (void)kw; return v_int(2); }
static Value rp_getitem(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  if (!retpair_of(args[0])) return rt_raise(vm, EX_TypeError, "descriptor requires a 'torch.return_types' object");
  Value t = retpair_tuple(vm, retpair_of(args[0]));
  if (IS_ERR(t)) return t;
  Value r = rt_getitem(vm, t, args[1]);
  v_decref(vm, t);
  return r;
}
static Value rp_iter(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  if (!retpair_of(args[0])) return rt_raise(vm, EX_TypeError, "descriptor requires a 'torch.return_types' object");
  Value t = retpair_tuple(vm, retpair_of(args[0]));
  if (IS_ERR(t)) return t;
  Value r = rt_iter(vm, t);
  v_decref(vm, t);
  return r;
}
static Value rp_getattr(VM *vm, Value self, Str *name) {
  RetPair *r = retpair_of(self);
  if (!r) return VNULL;
  const char *const *nm = ret_names[ret_kind(self)];
  if (strcmp(name->s, nm[1]) == 0) return W(tn_retain(r->values));
  if (strcmp(name->s, nm[2]) == 0) return W(tn_retain(r->indices));
  return VNULL;
}

/* torch.linalg.eigvalsh(A, UPLO='L') and torch.linalg.eigh(A, UPLO='L') */
static int uplo_arg(VM *vm, Value v, bool *upper) {
  *upper = false;
  if (v.tag == V_NULL) return 0;
  const char *s = v.tag == V_OBJ && v.u.o->kind == O_STR ? ((Str *)v.u.o)->s : NULL;
  if (s && (strcmp(s, "L") == 0 || strcmp(s, "U") == 0)) {
    *upper = s[0] == 'U';
    return 0;
  }
  if (!s) {
    rt_raise(vm, EX_TypeError, "linalg_eigh(): argument 'UPLO' must be str, not %s", rt_type_name(vm, v));
    return -1;
  }
  rt_raise(vm, EX_RuntimeError, "Expected UPLO argument to be 'L' or 'U', but got %s", s);
  return -1;
}
static Value t_eigvalsh(VM *vm, Value *args, int n, Kw *kw) {
  tn_tensor *a = tensor_arg(vm, arg(args, n, kw, 0, "A"), "linalg_eigvalsh", "A", 1);
  bool upper;
  if (!a || uplo_arg(vm, arg(args, n, kw, 1, "UPLO"), &upper) < 0) return VERR;
  return W(tn_linalg_eigvalsh(a, upper));
}
static Value t_eigh(VM *vm, Value *args, int n, Kw *kw) {
  tn_tensor *a = tensor_arg(vm, arg(args, n, kw, 0, "A"), "linalg_eigh", "A", 1);
  bool upper;
  if (!a || uplo_arg(vm, arg(args, n, kw, 1, "UPLO"), &upper) < 0) return VERR;
  tn_tensor *L, *Q;
  if (tn_linalg_eigh(a, upper, &L, &Q) < 0) return rt_raise_tn(vm);
  RetPair *r = malloc(sizeof *r);
  if (!r) {
    tn_release(L), tn_release(Q);
    return rt_raise(vm, EX_MemoryError, "%s", "");
  }
  r->values = L;
  r->indices = Q;
  return native_new(vm, ret_cls[RET_EIGH], r, retpair_free);
}

/* ----- grad_fn nodes and torch.autograd ----- */

static Class *node_cls;
static void node_fin(void *p) { tn_node_release(p); }
static Value node_value(VM *vm, tn_node *nd) {
  if (!nd) return VNONE;
  return native_new(vm, node_cls, tn_node_retain(nd), node_fin);
}
static tn_node *node_of(Value v) { return v.tag == V_OBJ && v.u.o->kind == O_NATIVE && v.u.o->cls == node_cls ? ((Native *)v.u.o)->ptr : NULL; }

Value torch_grad_fn(VM *vm, tn_tensor *t);
Value torch_grad_fn(VM *vm, tn_tensor *t) { return node_value(vm, tn_grad_fn(t)); }

/* name(): C++-only nodes carry their namespace in PyTorch */
static Value node_name(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  if (!node_of(args[0])) return rt_raise(vm, EX_TypeError, "descriptor requires a 'Node' object");
  const char *s = tn_node_name(node_of(args[0]));
  char buf[128];
  if (strcmp(s, "AccumulateGrad") == 0 || strcmp(s, "CopySlices") == 0) { snprintf(buf, sizeof buf, "torch::autograd::%s", s); return v_str(vm, buf); }
  return v_str(vm, s);
}
static Value node_repr(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  char buf[256];
  tn_node *nd = node_of(args[0]);
  if (!nd) return rt_raise(vm, EX_TypeError, "descriptor requires a 'Node' object");
  snprintf(buf, sizeof buf, "<%s object at %p>", tn_node_name(nd), (void *)nd);
  return v_str(vm, buf);
}
static Value node_eq(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  if (n != 2 || args[1].tag != V_OBJ || args[1].u.o->cls != node_cls) return v_bool(false);
  (void)vm;
  return v_bool(node_of(args[0]) == node_of(args[1]));
}
static Value node_getattr(VM *vm, Value self, Str *name) {
  tn_node *nd = node_of(self);
  if (!nd) return VNULL;
  if (strcmp(name->s, "next_functions") == 0) {
    int32_t k = tn_node_num_next(nd);
    Tuple *t = tuple_new(vm, k);
    if (!t) return rt_raise(vm, EX_MemoryError, "%s", "");
    for (int32_t i = 0; i < k; i++) t->v[i] = VNONE;
    for (int32_t i = 0; i < k; i++) {
      int32_t nr = 0;
      tn_node *x = tn_node_next(nd, i, &nr);
      Tuple *p = tuple_new(vm, 2);
      if (!p) { OBJ_DECREF(vm, t); return rt_raise(vm, EX_MemoryError, "%s", ""); }
      p->v[0] = node_value(vm, x);
      p->v[1] = v_int(nr);
      if (IS_ERR(p->v[0])) { p->v[0] = VNONE; OBJ_DECREF(vm, p); OBJ_DECREF(vm, t); return VERR; }
      t->v[i] = v_obj(p);
    }
    return v_obj(t);
  }
  if (strcmp(name->s, "variable") == 0) {
    tn_tensor *v = tn_node_variable(nd);
    if (!v) return VNULL;
    return W(tn_retain(v));
  }
  for (int32_t i = 0; i < tn_node_num_saved(nd); i++) {
    const char *sn = tn_node_saved_name(nd, i);
    if (sn && strncmp(name->s, "_saved_", 7) == 0 && strcmp(sn, name->s + 7) == 0) { /* the engine names them without the prefix */
      tn_tensor *s = tn_node_saved(nd, i);
      if (!s) return rt_raise(vm, EX_RuntimeError, "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.");
      return W(tn_retain(s));
    }
  }
  return VNULL;
}

/* a tensor or a sequence of tensors (None allowed where allow_none): *out malloc'd */
static int tensor_list(VM *vm, Value v, bool allow_none, const char *what, tn_tensor ***out, int32_t *k) {
  *out = NULL;
  *k = 0;
  tn_tensor *t = torch_as_tensor(vm, v);
  List *l = NULL;
  Value *items = &v;
  int64_t m = 1;
  if (!t) {
    l = rt_to_list(vm, v);
    if (!l) return -1;
    items = l->v;
    m = l->n;
  }
  tn_tensor **a = calloc((size_t)(m ? m : 1), sizeof *a);
  if (!a) { if (l) OBJ_DECREF(vm, l); rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
  for (int64_t i = 0; i < m; i++) {
    a[i] = torch_as_tensor(vm, items[i]);
    if (!a[i] && !(allow_none && items[i].tag == V_NONE)) {
      rt_raise(vm, EX_TypeError, "%s: expected a Tensor, got %s", what, rt_type_name(vm, items[i]));
      free(a);
      if (l) OBJ_DECREF(vm, l);
      return -1;
    }
  }
  if (l) OBJ_DECREF(vm, l);
  *out = a;
  *k = (int32_t)m;
  return 0;
}

/* torch.autograd.grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False) */
static Value ag_grad(VM *vm, Value *args, int n, Kw *kw) {
  tn_tensor **outs = NULL, **ins = NULL, **gos = NULL;
  int32_t no = 0, ni = 0, ng = 0;
  Value r = VNULL;
  Value ov = arg(args, n, kw, 0, "outputs"), iv = arg(args, n, kw, 1, "inputs"), gv = arg(args, n, kw, 2, "grad_outputs");
  if (ov.tag == V_NULL || iv.tag == V_NULL) return rt_raise(vm, EX_TypeError, "grad() missing 2 required positional arguments: 'outputs' and 'inputs'");
  bool create = flag(vm, arg(args, n, kw, 4, "create_graph"), false);
  Value rv = arg(args, n, kw, 3, "retain_graph");
  bool retain = rv.tag == V_NULL || rv.tag == V_NONE ? create : rt_truthy(vm, rv) == 1;
  bool unused = flag(vm, arg(args, n, kw, 5, "allow_unused"), false);
  if (tensor_list(vm, ov, false, "outputs", &outs, &no) < 0 || tensor_list(vm, iv, false, "inputs", &ins, &ni) < 0) r = VERR;
  else if (gv.tag != V_NULL && gv.tag != V_NONE && tensor_list(vm, gv, true, "grad_outputs", &gos, &ng) < 0) r = VERR;
  for (int32_t i = 0; r.tag == V_NULL && i < no; i++) /* PyTorch checks the outputs first */
    if (!tn_requires_grad(outs[i])) r = rt_raise(vm, EX_RuntimeError, "element %d of tensors does not require grad and does not have a grad_fn", (int)i);
  if (r.tag != V_NULL) { /* error set */ }
  else if (gos && ng != no) r = rt_raise(vm, EX_RuntimeError, "grad requires one grad_output per output (got %d grad_outputs and %d outputs)", (int)ng, (int)no);
  if (r.tag == V_NULL) {
    tn_tensor **res = calloc((size_t)(ni ? ni : 1), sizeof *res);
    if (!res) r = rt_raise(vm, EX_MemoryError, "%s", "");
    else if (tn_autograd_grad(no, outs, gos, ni, ins, retain, create, unused, res) < 0) { r = rt_raise_tn(vm); free(res); }
    else {
      Tuple *t = tuple_new(vm, ni);
      if (!t) { for (int32_t i = 0; i < ni; i++) if (res[i]) tn_release(res[i]); r = rt_raise(vm, EX_MemoryError, "%s", ""); }
      else {
        bool bad = false;
        for (int32_t i = 0; i < ni; i++) {
          t->v[i] = res[i] ? W(res[i]) : VNONE;
          if (IS_ERR(t->v[i])) { t->v[i] = VNONE; bad = true; }
        }
        if (bad) { OBJ_DECREF(vm, t); r = VERR; }
        else r = v_obj(t);
      }
      free(res);
    }
  }
  free(outs);
  free(ins);
  free(gos);
  return r;
}
/* torch.autograd.backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False) */
static Value ag_backward(VM *vm, Value *args, int n, Kw *kw) {
  tn_tensor **ts = NULL, **gs = NULL;
  int32_t nt = 0, ng = 0;
  Value r = VNONE;
  Value tv = arg(args, n, kw, 0, "tensors"), gv = arg(args, n, kw, 1, "grad_tensors");
  if (tv.tag == V_NULL) return rt_raise(vm, EX_TypeError, "backward() missing required argument 'tensors'");
  bool create = flag(vm, arg(args, n, kw, 3, "create_graph"), false);
  Value rv = arg(args, n, kw, 2, "retain_graph");
  bool retain = rv.tag == V_NULL || rv.tag == V_NONE ? create : rt_truthy(vm, rv) == 1;
  if (tensor_list(vm, tv, false, "tensors", &ts, &nt) < 0) r = VERR;
  else if (gv.tag != V_NULL && gv.tag != V_NONE && tensor_list(vm, gv, true, "grad_tensors", &gs, &ng) < 0) r = VERR;
  else if (gs && ng != nt) r = rt_raise(vm, EX_RuntimeError, "got %d tensors and %d gradients", (int)nt, (int)ng);
  else if (tn_backward_multi(nt, ts, gs, retain, create) < 0) r = rt_raise_tn(vm);
  free(ts);
  free(gs);
  return r;
}

/* ----- torch.nn.functional's engine ops (nn.c); torch.nn.functional's Python (modules_py.c)
 * checks the arguments as PyTorch's does and calls the private torch._nn_* below ----- */

/* an optional tensor argument: None or absent gives NULL without error */
static int opt_tensor(VM *vm, Value v, const char *fname, const char *name, int pos, tn_tensor **out) {
  *out = NULL;
  if (v.tag == V_NULL || v.tag == V_NONE) return 0;
  *out = tensor_arg(vm, v, fname, name, pos);
  return *out ? 0 : -1;
}

static int reduction_arg(VM *vm, Value v, tn_reduction *out) {
  const char *s = v.tag == V_OBJ && v.u.o->kind == O_STR ? ((Str *)v.u.o)->s : "mean";
  if (strcmp(s, "none") == 0) *out = TN_REDUCTION_NONE;
  else if (strcmp(s, "mean") == 0) *out = TN_REDUCTION_MEAN;
  else if (strcmp(s, "sum") == 0) *out = TN_REDUCTION_SUM;
  else { rt_raise(vm, EX_ValueError, "%s is not a valid value for reduction", s); return -1; }
  return 0;
}

static Value m_addmm(VM *vm, Value *args, int n, Kw *kw) {
  SELF("addmm");
  tn_tensor *m1 = tensor_arg(vm, arg(args, n, kw, 1, "mat1"), "addmm", "mat1", 2);
  if (!m1) return VERR;
  tn_tensor *m2 = tensor_arg(vm, arg(args, n, kw, 2, "mat2"), "addmm", "mat2", 3);
  if (!m2) return VERR;
  Value b = arg(args, n, kw, -1, "beta"), a = arg(args, n, kw, -1, "alpha");
  tn_scalar beta = is_number(b) ? to_scalar(b) : tn_scalar_int(1), alpha = is_number(a) ? to_scalar(a) : tn_scalar_int(1);
  return W(tn_addmm(self, m1, m2, beta, alpha));
}

static Value softmax_impl(VM *vm, Value *args, int n, Kw *kw, bool log_) {
  const char *fname = log_ ? "log_softmax" : "softmax";
  SELF(fname);
  int64_t dim;
  if (int_arg(vm, arg(args, n, kw, 1, "dim"), fname, "dim", &dim) < 0) return VERR;
  tn_dtype dt = TN_DTYPE_UNDEFINED;
  Value d = arg(args, n, kw, 2, "dtype");
  if (d.tag != V_NULL && d.tag != V_NONE && !as_dtype(vm, d, &dt))
    return rt_raise(vm, EX_TypeError, "%s(): argument 'dtype' must be torch.dtype, not %s", fname, rt_type_name(vm, d));
  return W(log_ ? tn_log_softmax(self, dim, dt) : tn_softmax(self, dim, dt));
}
static Value m_softmax(VM *vm, Value *args, int n, Kw *kw) { return softmax_impl(vm, args, n, kw, false); }
static Value m_log_softmax(VM *vm, Value *args, int n, Kw *kw) { return softmax_impl(vm, args, n, kw, true); }

/* torch._nn_linear(input, weight, bias) */
static Value t_nn_linear(VM *vm, Value *args, int n, Kw *kw) {
  SELF("linear");
  tn_tensor *w = tensor_arg(vm, arg(args, n, kw, 1, "weight"), "linear", "weight", 2), *b;
  if (!w || opt_tensor(vm, arg(args, n, kw, 2, "bias"), "linear", "bias", 3, &b) < 0) return VERR;
  return W(tn_linear(self, w, b));
}

/* torch._nn_loss(kind, input, target, weight, pos_weight, reduction, ignore_index) */
static Value t_nn_loss(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  if (n < 7 || args[0].tag != V_INT) return rt_raise(vm, EX_TypeError, "_nn_loss(): bad arguments");
  tn_tensor *x = tensor_arg(vm, args[1], "loss", "input", 1), *y = x ? tensor_arg(vm, args[2], "loss", "target", 2) : NULL;
  tn_tensor *w, *pw;
  tn_reduction red;
  int64_t ignore = -100;
  if (!x || !y || opt_tensor(vm, args[3], "loss", "weight", 3, &w) < 0 || opt_tensor(vm, args[4], "loss", "pos_weight", 4, &pw) < 0 ||
      reduction_arg(vm, args[5], &red) < 0)
    return VERR;
  if (args[6].tag == V_INT) ignore = args[6].u.i;
  switch (args[0].u.i) {
  case 0: return W(tn_mse_loss(x, y, red));
  case 1: return W(tn_binary_cross_entropy(x, y, w, red));
  case 2: return W(tn_binary_cross_entropy_with_logits(x, y, w, pw, red));
  default: return W(tn_nll_loss(x, y, w, red, ignore));
  }
}

/* torch.nn.parameter.Parameter: a subclass of Tensor, for type(p) */
static Class *param_cls;

/* torch._make_parameter(data, requires_grad): nn.Parameter's tensor (data's storage, a leaf) */
static Value t_make_parameter(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  tn_tensor *t = n > 0 ? torch_as_tensor(vm, args[0]) : NULL;
  if (!t) return rt_raise(vm, EX_TypeError, "Parameter(): argument 'data' must be Tensor");
  tn_tensor *d = tn_detach(t);
  if (!d) return rt_raise_tn(vm);
  bool rg = n < 2 || rt_truthy(vm, args[1]) == 1;
  if (rg) {
    tn_tensor *r = tn_requires_grad_(d, true);
    if (!r) { tn_release(d); return rt_raise_tn(vm); }
    tn_release(r);
  }
  if (tn_set_parameter(d, true) < 0) { tn_release(d); return rt_raise_tn(vm); }
  Value v = W(d);
  if (!IS_ERR(v) && param_cls) { /* the same Native, of class Parameter */
    v.u.o->cls->h.rc--;
    v.u.o->cls = param_cls;
    param_cls->h.rc++;
  }
  return v;
}

/* nn.Parameter(data=None, requires_grad=True) as a class (isinstance(p, nn.Parameter) works): args[0]
 * is the class. */
static Value param_ctor(VM *vm, Value *args, int n, Kw *kw) {
  Value data = arg(args, n, kw, 1, "data"), rg = arg(args, n, kw, 2, "requires_grad");
  tn_tensor *empty = NULL;
  if (data.tag == V_NULL || data.tag == V_NONE) {
    int64_t zero = 0;
    empty = tn_empty(1, &zero, TN_OPTS(TN_DTYPE_UNDEFINED));
    if (!empty) return rt_raise_tn(vm);
    data = W(empty);
    if (IS_ERR(data)) return data;
  } else {
    v_incref(data);
  }
  Value pass[2] = {data, rg.tag == V_NULL ? v_bool(true) : rg};
  Value r = t_make_parameter(vm, pass, 2, NULL);
  v_decref(vm, data);
  return r;
}

static Value m_is_parameter(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  tn_tensor *t = n > 0 ? torch_as_tensor(vm, args[0]) : NULL;
  return v_bool(t && tn_is_parameter(t));
}

/* ----- registration ----- */

static Class *mk_class(VM *vm, const char *name) {
  Class *c = class_new(vm, name, vm->cls[CLS_object], true);
  if (c) c->module = strstr(name, "grad") ? "torch.autograd.grad_mode" : "torch";
  return c;
}

int torch_more_init(VM *vm, Module *m, bool first);
int torch_more_init(VM *vm, Module *m, bool first) {
  if (first || !finfo_cls) {
    static const struct { const char *name; NatFn fn; } tm[] = {
      {"amax", m_amax}, {"amin", m_amin}, {"any", m_any}, {"all", m_all}, {"logsumexp", m_logsumexp}, {"var", m_var},
      {"std", m_std}, {"cumsum", m_cumsum}, {"cumprod", m_cumprod}, {"prod", m_prod_all}, {"gather", m_gather},
      {"index_select", m_index_select}, {"masked_select", m_masked_select}, {"nonzero", m_nonzero}, {"where", m_where},
      {"masked_fill", m_masked_fill}, {"masked_fill_", m_masked_fill_}, {"split", m_split}, {"chunk", m_chunk},
      {"diagonal", m_diagonal}, {"diag", m_diag}, {"diag_embed", m_diag_embed}, {"dist", m_dist}, {"narrow", m_narrow},
      {"expand", m_expand}, {"expand_as", m_expand_as2},
      {"broadcast_to", m_broadcast_to}, {"repeat", m_repeat}, {"mv", m_mv}, {"bmm", m_bmm}, {"mm", m_mm},
      {"outer", m_outer}, {"dot", m_dot}, {"eq", m_eq}, {"ne", m_ne}, {"lt", m_lt}, {"le", m_le}, {"gt", m_gt}, {"ge", m_ge},
      {"maximum", m_maximum}, {"minimum", m_minimum}, {"logical_and", m_logical_and}, {"logical_or", m_logical_or},
      {"logical_xor", m_logical_xor}, {"logical_not", m_logical_not}, {"bitwise_and", m_bitwise_and},
      {"bitwise_or", m_bitwise_or}, {"bitwise_xor", m_bitwise_xor}, {"bitwise_not", m_bitwise_not},
      {"__invert__", d_invert}, {"__rand__", d_rand}, {"__ror__", d_ror}, {"__rxor__", d_rxor},
      {"atan2", m_atan2}, {"sub", m_sub}, {"div", m_div}, {"remainder", m_remainder}, {"floor_divide", m_floor_divide},
      {"neg", m_neg}, {"log1p", m_log1p}, {"expm1", m_expm1}, {"rsqrt", m_rsqrt}, {"tan", m_tan}, {"trunc", m_trunc},
      {"reciprocal", m_reciprocal}, {"isnan", m_isnan}, {"isinf", m_isinf}, {"isfinite", m_isfinite},
      {"fill_", m_fill_}, {"copy_", m_copy_}, {"clamp_", m_clamp_}, {"normal_", m_normal_},
      {"element_size", m_element_size}, {"nelement", m_nelement}, {"ndimension", m_ndimension},
      {"is_floating_point", m_is_floating_point}, {"equal", m_equal}, {"add", m_add2}, {"sub", m_sub2},
      {"add_", m_add2_}, {"sub_", m_sub2_}, {"mul", m_mul}, {"div", m_div2}, {"type", m_type}, {"half", m_half},
      {"bfloat16", m_bfloat16}, {"short", m_short}, {"char", m_char}, {"byte", m_byte}, {"neg_", m_neg_},
      {"abs_", m_abs_}, {"exp_", m_exp_}, {"log_", m_log_}, {"sqrt_", m_sqrt_}, {"sin_", m_sin_}, {"cos_", m_cos_},
      {"tanh_", m_tanh_}, {"sigmoid_", m_sigmoid_}, {"relu_", m_relu_}, {"floor_", m_floor_}, {"ceil_", m_ceil_},
      {"round_", m_round_}, {"trunc_", m_trunc_}, {"reciprocal_", m_reciprocal_}, {"square_", m_square_},
      {"pow_", m_pow_}, {"select", m_select}, {"as_strided", m_as_strided}, {"swapaxes", m_swapaxes},
      {"swapdims", m_swapaxes}, {"retain_grad", m_retain_grad}, {"detach_", m_detach_}, {"new_zeros", m_new_zeros},
      {"new_ones", m_new_ones}, {"new_empty", m_new_empty}, {"new_full", m_new_full}, {"new_tensor", m_new_tensor},
      {"view_as", m_view_as}, {"reshape_as", m_reshape_as}, {"max", t_max2}, {"min", t_min2},
      {"addmm", m_addmm}, {"softmax", m_softmax}, {"log_softmax", m_log_softmax},
    };
    for (size_t i = 0; i < sizeof tm / sizeof tm[0]; i++) def_method(vm, vm->t_tensor, tm[i].name, tm[i].fn);
    param_cls = class_new(vm, "Parameter", vm->t_tensor, true);
    if (param_cls) {
      param_cls->module = "torch.nn.parameter";
      param_cls->ctor = param_ctor;
    }
    finfo_cls = mk_class(vm, "finfo");
    iinfo_cls = mk_class(vm, "iinfo");
    nograd_cls = mk_class(vm, "no_grad");
    enablegrad_cls = mk_class(vm, "enable_grad");
    if (!finfo_cls || !iinfo_cls || !nograd_cls || !enablegrad_cls) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    finfo_cls->getattr_hook = info_getattr;
    iinfo_cls->getattr_hook = info_getattr;
    def_method(vm, finfo_cls, "__repr__", info_repr);
    def_method(vm, finfo_cls, "__str__", info_repr);
    def_method(vm, iinfo_cls, "__repr__", info_repr);
    def_method(vm, iinfo_cls, "__str__", info_repr);
    for (int i = 0; i < RET_N; i++) {
      ret_cls[i] = class_new(vm, ret_names[i][0], vm->cls[CLS_object], true);
      if (!ret_cls[i]) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
      ret_cls[i]->module = "torch.return_types";
      ret_cls[i]->getattr_hook = rp_getattr;
      def_method(vm, ret_cls[i], "__repr__", rp_repr);
      def_method(vm, ret_cls[i], "__str__", rp_repr);
      def_method(vm, ret_cls[i], "__len__", rp_len);
      def_method(vm, ret_cls[i], "__getitem__", rp_getitem);
      def_method(vm, ret_cls[i], "__iter__", rp_iter);
    }
    node_cls = class_new(vm, "Node", vm->cls[CLS_object], true);
    if (!node_cls) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    node_cls->module = "torch.autograd.graph";
    node_cls->getattr_hook = node_getattr;
    def_method(vm, node_cls, "name", node_name);
    def_method(vm, node_cls, "__repr__", node_repr);
    def_method(vm, node_cls, "__str__", node_repr);
    def_method(vm, node_cls, "__eq__", node_eq);
    Class *gc[2] = {nograd_cls, enablegrad_cls};
    for (int i = 0; i < 2; i++) {
      def_method(vm, gc[i], "__enter__", g_enter);
      def_method(vm, gc[i], "__exit__", g_exit);
      def_method(vm, gc[i], "__call__", g_call);
    }
  }
  static const struct { const char *name; NatFn fn; } fns[] = {
    {"amax", m_amax}, {"amin", m_amin}, {"any", m_any}, {"all", m_all}, {"logsumexp", m_logsumexp}, {"var", m_var},
    {"std", m_std}, {"cumsum", m_cumsum}, {"cumprod", m_cumprod}, {"prod", m_prod_all}, {"gather", m_gather},
    {"index_select", m_index_select}, {"masked_select", m_masked_select}, {"nonzero", m_nonzero}, {"where", t_where},
    {"masked_fill", m_masked_fill}, {"split", m_split}, {"chunk", m_chunk}, {"diagonal", m_diagonal},
    {"diag", m_diag}, {"diag_embed", m_diag_embed}, {"dist", m_dist},
    {"narrow", m_narrow}, {"broadcast_to", m_broadcast_to}, {"mv", m_mv}, {"bmm", m_bmm}, {"mm", m_mm},
    {"outer", m_outer}, {"dot", m_dot}, {"einsum", t_einsum}, {"eq", m_eq}, {"ne", m_ne}, {"lt", m_lt}, {"le", m_le},
    {"gt", m_gt}, {"ge", m_ge}, {"maximum", m_maximum}, {"minimum", m_minimum}, {"logical_and", m_logical_and},
    {"logical_or", m_logical_or}, {"logical_xor", m_logical_xor}, {"logical_not", m_logical_not},
    {"bitwise_and", m_bitwise_and}, {"bitwise_or", m_bitwise_or}, {"bitwise_xor", m_bitwise_xor},
    {"bitwise_not", m_bitwise_not}, {"atan2", m_atan2}, {"sub", m_sub}, {"div", m_div}, {"remainder", m_remainder},
    {"floor_divide", m_floor_divide}, {"neg", m_neg}, {"log1p", m_log1p}, {"expm1", m_expm1}, {"rsqrt", m_rsqrt},
    {"tan", m_tan}, {"trunc", m_trunc}, {"reciprocal", m_reciprocal}, {"isnan", m_isnan}, {"isinf", m_isinf},
    {"isfinite", m_isfinite}, {"equal", m_equal}, {"numel", t_numel}, {"is_tensor", t_is_tensor},
    {"is_floating_point", m_is_floating_point}, {"randperm", t_randperm}, {"full_like", t_full_like},
    {"empty_like", t_empty_like}, {"get_default_dtype", t_get_default_dtype}, {"set_default_dtype", t_set_default_dtype},
    {"promote_types", t_promote_types}, {"result_type", t_result_type}, {"initial_seed", t_initial_seed},
    {"seed", t_seed}, {"set_printoptions", t_set_printoptions}, {"finfo", t_finfo}, {"iinfo", t_iinfo},
    {"no_grad", t_no_grad}, {"enable_grad", t_enable_grad}, {"is_grad_enabled", t_is_grad_enabled},
    {"set_grad_enabled", t_set_grad_enabled}, {"add", m_add2}, {"sub", m_sub2}, {"rsub", t_rsub}, {"mul", m_mul}, {"div", m_div2},
    {"select", m_select}, {"as_strided", m_as_strided}, {"permute", t_permute}, {"t", t_t}, {"swapaxes", m_swapaxes},
    {"swapdims", m_swapaxes}, {"detach", t_detach}, {"broadcast_shapes", t_broadcast_shapes},
    {"max", t_max2}, {"min", t_min2}, {"can_cast", t_can_cast}, {"var_mean", t_var_mean}, {"std_mean", t_std_mean},
    {"addmm", m_addmm}, {"softmax", m_softmax}, {"log_softmax", m_log_softmax}, {"_nn_linear", t_nn_linear},
    {"_nn_loss", t_nn_loss}, {"_make_parameter", t_make_parameter}, {"_is_parameter", m_is_parameter},
  };
  /* keep the reductions' max/min for the forms that are not max(a, b) */
  Value mx = dict_get_str(m->dict, str_intern_cstr(vm, "max")), mn = dict_get_str(m->dict, str_intern_cstr(vm, "min"));
  if (mx.tag == V_OBJ && mn.tag == V_OBJ) { orig_max = ((NatFunc *)mx.u.o)->fn; orig_min = ((NatFunc *)mn.u.o)->fn; }
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) def_func(vm, m->dict, fns[i].name, fns[i].fn);
  Module *la = module_new(vm, "torch.linalg");
  if (!la) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
  def_func(vm, la->dict, "solve", t_solve);
  def_func(vm, la->dict, "eigvalsh", t_eigvalsh);
  def_func(vm, la->dict, "eigh", t_eigh);
  def_func(vm, la->dict, "norm", t_linalg_norm);
  def_func(vm, la->dict, "vector_norm", t_vector_norm);
  def_func(vm, la->dict, "matrix_norm", t_matrix_norm);
  int r = param_cls ? dict_set_str(vm, m->dict, str_intern_cstr(vm, "_Parameter"), v_obj(param_cls)) : 0;
  if (r == 0) r = dict_set_str(vm, m->dict, str_intern_cstr(vm, "linalg"), v_obj(la));
  /* cached as imported, so that `import torch.linalg` finds it without a registry entry */
  if (r == 0 && dict_get_str(vm->modules, str_intern_cstr(vm, "torch.linalg")).tag == V_NULL) r = dict_set_str(vm, vm->modules, str_intern_cstr(vm, "torch.linalg"), v_obj(la));
  OBJ_DECREF(vm, la);
  Module *ag = r < 0 ? NULL : module_new(vm, "torch.autograd");
  if (!ag) { if (r == 0) rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
  def_func(vm, ag->dict, "grad", ag_grad);
  def_func(vm, ag->dict, "backward", ag_backward);
  r = dict_set_str(vm, m->dict, str_intern_cstr(vm, "autograd"), v_obj(ag));
  if (r == 0 && dict_get_str(vm->modules, str_intern_cstr(vm, "torch.autograd")).tag == V_NULL) r = dict_set_str(vm, vm->modules, str_intern_cstr(vm, "torch.autograd"), v_obj(ag));
  OBJ_DECREF(vm, ag);
  return r;
}

/* the .mT attribute, for tensor_getattr */
Value torch_more_mT(VM *vm, Value self);
Value torch_more_mT(VM *vm, Value self) { Value a[1] = {self}; return m_mT(vm, a, 1, NULL); }

/* `import torch.linalg` / `from torch.autograd import grad`: the submodules torch_more_init made.
 * For the registry in modules.c ({"torch.linalg", mod_torch_linalg_init}, ...). */
static Value torch_submodule(VM *vm, const char *name) {
  Value tm = import_module(vm, str_intern_cstr(vm, "torch"));
  if (IS_ERR(tm)) return tm;
  Value r = rt_getattr(vm, tm, str_intern_cstr(vm, name));
  v_decref(vm, tm);
  return r;
}
Value mod_torch_linalg_init(VM *vm) { return torch_submodule(vm, "linalg"); }
Value mod_torch_autograd_init(VM *vm) { return torch_submodule(vm, "autograd"); }
