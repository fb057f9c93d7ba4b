/* mod_numpy.c — the part of `numpy` the lecture uses with tensors: np.array / zeros / ones /
 * arange with NumPy's default dtypes, the scalar types (np.float32, ...), indexing and assignment,
 * __array_interface__, and torch.from_numpy / Tensor.numpy() sharing memory both ways. An ndarray
 * is a subclass of the runner's Tensor class over the same engine tensor type, so indexing and
 * arithmetic reuse the tensor bindings; only what NumPy shows differently is its own. */
#include "rt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tn.h"

typedef struct GStr { char *s; size_t n, cap; bool oom; } GStr;
static void gstr_add(GStr *g, const char *t) {
  size_t k = strlen(t);
  if (g->oom) return;
  if (g->n + k + 1 > g->cap) {
    size_t nc = g->cap ? g->cap * 2 : 64;
    while (nc < g->n + k + 1) nc *= 2;
    char *ns = realloc(g->s, nc);
    if (!ns) { free(g->s); g->s = NULL; g->oom = true; return; }
    g->s = ns;
    g->cap = nc;
  }
  memcpy(g->s + g->n, t, k + 1);
  g->n += k;
}

static void fin_tensor(void *p) { tn_release(p); }

static Value wrap_array(VM *vm, tn_tensor *t) {
  if (!t) return rt_raise_tn(vm);
  return native_new(vm, vm->t_ndarray, t, fin_tensor);
}

static tn_tensor *as_array(VM *vm, Value v) {
  if (v.tag == V_OBJ && v.u.o->kind == O_NATIVE && vm->t_ndarray && class_is_sub(v.u.o->cls, vm->t_ndarray)) return ((Native *)v.u.o)->ptr;
  return NULL;
}

/* dtype=: a NumPy scalar type (np.float32) or a torch dtype; -1 on error */
static int np_dtype(VM *vm, Kw *kw, tn_dtype *out) {
  Value d;
  *out = TN_DTYPE_UNDEFINED;
  if (!kw_find(kw, "dtype", &d) || d.tag == V_NONE) return 0;
  if (d.tag == V_OBJ && d.u.o->kind == O_NATIVE && (d.u.o->cls == vm->t_nptype || d.u.o->cls == vm->t_dtype)) {
    *out = (tn_dtype)(intptr_t)((Native *)d.u.o)->ptr;
    return 0;
  }
  rt_raise(vm, EX_TypeError, "Cannot interpret '%s' as a data type", rt_type_name(vm, d));
  return -1;
}

static Value np_array(VM *vm, Value *args, int n, Kw *kw) {
  if (n < 1) return rt_raise(vm, EX_TypeError, "array() missing required argument 'object' (pos 0)");
  tn_dtype dt;
  if (np_dtype(vm, kw, &dt) < 0) return VERR;
  tn_tensor *src = torch_as_tensor(vm, args[0]);
  if (src) return wrap_array(vm, dt == TN_DTYPE_UNDEFINED ? tn_clone(src) : tn_to_dtype(src, dt, true));
  tn_tensor *t = torch_from_data(vm, args[0], dt);
  return t ? wrap_array(vm, t) : VERR;
}

static int np_shape(VM *vm, Value v, int64_t *shape, int32_t *nd) {
  if (v.tag == V_INT) { shape[0] = v.u.i; *nd = 1; return 0; }
  List *l = rt_to_list(vm, v);
  if (!l) return -1;
  if (l->n > TN_MAX_DIMS) { OBJ_DECREF(vm, l); rt_raise(vm, EX_ValueError, "maximum supported dimension for an ndarray is %d, found %lld", TN_MAX_DIMS, (long long)l->n); return -1; }
  for (int64_t i = 0; i < l->n; i++) {
    if (l->v[i].tag != V_INT) { OBJ_DECREF(vm, l); rt_raise(vm, EX_TypeError, "'%s' object cannot be interpreted as an integer", rt_type_name(vm, l->v[i])); return -1; }
    shape[i] = l->v[i].u.i;
  }
  *nd = (int32_t)l->n;
  OBJ_DECREF(vm, l);
  return 0;
}

static Value np_filled(VM *vm, Value *args, int n, Kw *kw, bool ones) {
  if (n < 1) return rt_raise(vm, EX_TypeError, "%s() missing required argument 'shape' (pos 0)", ones ? "ones" : "zeros");
  int64_t shape[TN_MAX_DIMS];
  int32_t nd;
  tn_dtype dt;
  if (np_shape(vm, args[0], shape, &nd) < 0 || np_dtype(vm, kw, &dt) < 0) return VERR;
  if (dt == TN_DTYPE_UNDEFINED) dt = TN_DTYPE_FLOAT64;
  return wrap_array(vm, (ones ? tn_ones : tn_zeros)(nd, shape, TN_OPTS(dt)));
}
static Value np_zeros(VM *vm, Value *a, int n, Kw *kw) { return np_filled(vm, a, n, kw, false); }
static Value np_ones(VM *vm, Value *a, int n, Kw *kw) { return np_filled(vm, a, n, kw, true); }

static Value np_arange(VM *vm, Value *args, int n, Kw *kw) {
  if (n < 1 || n > 3) return rt_raise(vm, EX_TypeError, "arange() requires stop to be specified.");
  tn_scalar v[3];
  bool any_float = false;
  for (int i = 0; i < n; i++) {
    if (args[i].tag == V_INT || args[i].tag == V_BOOL) v[i] = tn_scalar_int(args[i].u.i);
    else if (args[i].tag == V_FLOAT) { v[i] = tn_scalar_float(args[i].u.f); any_float = true; }
    else return rt_raise(vm, EX_TypeError, "unsupported operand type(s) for -: '%s' and 'int'", rt_type_name(vm, args[i]));
  }
  tn_scalar start = n >= 2 ? v[0] : tn_scalar_int(0), end = n >= 2 ? v[1] : v[0], step = n == 3 ? v[2] : tn_scalar_int(1);
  tn_dtype dt;
  if (np_dtype(vm, kw, &dt) < 0) return VERR;
  if (dt == TN_DTYPE_UNDEFINED) dt = any_float ? TN_DTYPE_FLOAT64 : TN_DTYPE_INT64;
  return wrap_array(vm, tn_arange(start, end, step, TN_OPTS(dt)));
}


/* ----- printing as NumPy 1.24 does (default print options, without line wrapping) ----- */

typedef struct NpCell { char s[48]; int dot; } NpCell; /* dot: length of the part before '.' */

/* shortest digits (at most 8 decimals) that read back as the same value of the array's type */
static int min_digits(double v, bool is32, bool sci) {
  char b[64];
  for (int p = 0; p <= 8; p++) {
    snprintf(b, sizeof b, sci ? "%.*e" : "%.*f", p, v);
    double r = strtod(b, NULL);
    if (is32 ? (float)r == (float)v : r == v) return p;
  }
  return 8;
}

static void format_floats(const double *v, int64_t n, bool is32, NpCell *c) {
  double lo = INFINITY, hi = 0;
  for (int64_t i = 0; i < n; i++) {
    double a = fabs(v[i]);
    if (isfinite(a) && a != 0) { if (a < lo) lo = a; if (a > hi) hi = a; }
  }
  bool sci = hi >= 1e8 || (hi > 0 && (lo < 1e-4 || hi / lo > 1e3));
  int prec = 0;
  if (sci)
    for (int64_t i = 0; i < n; i++) if (isfinite(v[i])) { int p = min_digits(v[i], is32, true); if (p > prec) prec = p; }
  for (int64_t i = 0; i < n; i++) {
    char *b = c[i].s;
    if (isnan(v[i])) snprintf(b, sizeof c[i].s, "nan");
    else if (isinf(v[i])) snprintf(b, sizeof c[i].s, v[i] < 0 ? "-inf" : "inf");
    else if (sci) {
      char m[48];
      snprintf(m, sizeof m, "%.*e", prec, v[i]);
      char *e = strchr(m, 'e');
      if (prec == 0 && e) snprintf(b, sizeof c[i].s, "%.*s.%s", (int)(e - m), m, e);
      else snprintf(b, sizeof c[i].s, "%s", m);
    } else {
      snprintf(b, sizeof c[i].s, "%.*f", min_digits(v[i], is32, false), v[i]);
      if (!strchr(b, '.')) strcat(b, ".");
    }
    char *d = strchr(b, '.');
    c[i].dot = !isfinite(v[i]) ? -1 : d ? (int)(d - b) : (int)strlen(b); /* -1: right-aligned */
  }
}

static void put_rows(GStr *out, const tn_tensor *t, const NpCell *c, int pl, int pr, int dim, int64_t *k,
                     bool repr, int indent) {
  if (dim == t->ndim) {
    const NpCell *x = &c[(*k)++];
    if (x->dot < 0) {
      for (int i = (int)strlen(x->s); i < pl + pr; i++) gstr_add(out, " ");
      gstr_add(out, x->s);
      return;
    }
    int after = (int)strlen(x->s) - x->dot;
    for (int i = x->dot; i < pl; i++) gstr_add(out, " ");
    gstr_add(out, x->s);
    for (int i = after; i < pr; i++) gstr_add(out, " ");
    return;
  }
  gstr_add(out, "[");
  for (int64_t i = 0; i < t->shape[dim]; i++) {
    if (i) {
      gstr_add(out, repr ? "," : "");
      if (dim == t->ndim - 1) gstr_add(out, " ");
      else {
        for (int j = dim; j < t->ndim - 1; j++) gstr_add(out, "\n");
        for (int j = 0; j < indent + dim + 1; j++) gstr_add(out, " ");
      }
    }
    put_rows(out, t, c, pl, pr, dim + 1, k, repr, indent);
  }
  gstr_add(out, "]");
}

static Value arr_format(VM *vm, Value *args, int n, bool repr) {
  tn_tensor *t = n >= 1 ? as_array(vm, args[0]) : NULL;
  if (!t) return rt_raise(vm, EX_TypeError, "descriptor requires a 'numpy.ndarray' object");
  int64_t cnt = t->numel;
  NpCell *c = calloc((size_t)(cnt ? cnt : 1), sizeof(NpCell));
  double *v = calloc((size_t)(cnt ? cnt : 1), sizeof(double));
  if (!c || !v) { free(c); free(v); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  bool is_float = t->dtype == TN_DTYPE_FLOAT16 || t->dtype == TN_DTYPE_FLOAT32 || t->dtype == TN_DTYPE_FLOAT64 || t->dtype == TN_DTYPE_BFLOAT16;
  for (int64_t i = 0; i < cnt; i++) {
    tn_scalar s = tn_get_flat(t, i);
    if (is_float) v[i] = tn_scalar_to_double(s);
    else if (s.kind == TN_SCALAR_BOOL) snprintf(c[i].s, sizeof c[i].s, "%s", s.v.b ? "True" : "False");
    else snprintf(c[i].s, sizeof c[i].s, "%lld", (long long)s.v.i);
    if (!is_float) c[i].dot = (int)strlen(c[i].s);
  }
  if (is_float) format_floats(v, cnt, t->dtype != TN_DTYPE_FLOAT64, c);
  int pl = 0, pr = 0;
  for (int64_t i = 0; i < cnt; i++) {
    if (c[i].dot < 0) continue;
    int after = (int)strlen(c[i].s) - c[i].dot;
    if (c[i].dot > pl) pl = c[i].dot;
    if (after > pr) pr = after;
  }
  for (int64_t i = 0; i < cnt; i++)
    if (c[i].dot < 0 && (int)strlen(c[i].s) - pr > pl) pl = (int)strlen(c[i].s) - pr;
  GStr out = {0};
  if (t->ndim == 0 && !repr) {
    /* str() of a 0-d array is its Python scalar's */
    Value r;
    if (is_float) { char b[64]; tn_format_python_float(v[0], b, sizeof b); r = v_str(vm, b); }
    else r = v_str(vm, c[0].s);
    free(c);
    free(v);
    return r;
  }
  if (repr) gstr_add(&out, "array(");
  int64_t k = 0;
  if (cnt == 0) for (int i = 0; i < t->ndim; i++) gstr_add(&out, "[");
  if (cnt == 0) for (int i = 0; i < t->ndim; i++) gstr_add(&out, "]");
  else put_rows(&out, t, c, pl, pr, 0, &k, repr, repr ? 6 : 0);
  if (repr) {
    bool default_type = cnt > 0 && (t->dtype == TN_DTYPE_FLOAT64 || t->dtype == TN_DTYPE_INT64 || t->dtype == TN_DTYPE_BOOL);
    if (!default_type) { gstr_add(&out, ", dtype="); gstr_add(&out, tn_dtype_name(t->dtype)); }
    gstr_add(&out, ")");
  }
  free(c);
  free(v);
  Value r = out.s ? v_str(vm, out.s) : rt_raise(vm, EX_MemoryError, "%s", "");
  free(out.s);
  return r;
}
static Value arr_repr(VM *vm, Value *args, int n, Kw *kw) { (void)kw; return arr_format(vm, args, n, true); }
static Value arr_str(VM *vm, Value *args, int n, Kw *kw) { (void)kw; return arr_format(vm, args, n, false); }

static Value arr_getattr(VM *vm, Value self_v, Str *name) {
  tn_tensor *t = as_array(vm, self_v);
  const char *s = name->s;
  if (!t) return VNULL;
  if (strcmp(s, "__array_interface__") == 0) {
    Dict *d = dict_new(vm);
    Tuple *data = tuple_new(vm, 2), *shape = tuple_new(vm, t->ndim);
    if (!d || !data || !shape) return rt_raise(vm, EX_MemoryError, "%s", "");
    data->v[0] = v_int((int64_t)(intptr_t)tn_data_ptr(t));
    data->v[1] = v_bool(false);
    for (int i = 0; i < t->ndim; i++) shape->v[i] = v_int(t->shape[i]);
    dict_set_str(vm, d, str_intern_cstr(vm, "data"), v_obj(data));
    dict_set_str(vm, d, str_intern_cstr(vm, "shape"), v_obj(shape));
    dict_set_str(vm, d, str_intern_cstr(vm, "version"), v_int(3));
    OBJ_DECREF(vm, data);
    OBJ_DECREF(vm, shape);
    return v_obj(d);
  }
  if (strcmp(s, "shape") == 0) {
    Tuple *shape = tuple_new(vm, t->ndim);
    if (!shape) return rt_raise(vm, EX_MemoryError, "%s", "");
    for (int i = 0; i < t->ndim; i++) shape->v[i] = v_int(t->shape[i]);
    return v_obj(shape);
  }
  if (strcmp(s, "ndim") == 0) return v_int(t->ndim);
  if (strcmp(s, "size") == 0) return v_int(t->numel);
  if (strcmp(s, "dtype") == 0) return v_str(vm, tn_dtype_name(t->dtype));
  return VNULL;
}

/* torch.from_numpy(a): a tensor over the same memory */
Value torch_from_numpy(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  tn_tensor *a = n == 1 ? as_array(vm, args[0]) : NULL;
  if (!a) return rt_raise(vm, EX_TypeError, "expected np.ndarray (got %s)", n ? rt_type_name(vm, args[0]) : "nothing");
  return torch_wrap(vm, tn_detach(a));
}

/* Tensor.numpy(): an ndarray over the same memory */
Value torch_numpy(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  tn_tensor *t = n >= 1 ? torch_as_tensor(vm, args[0]) : NULL;
  if (!t) return rt_raise(vm, EX_TypeError, "descriptor 'numpy' requires a 'Tensor' object");
  if (tn_requires_grad(t)) return rt_raise(vm, EX_RuntimeError, "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
  if (!vm->t_ndarray) { /* the ndarray class exists once numpy is imported: a program need not import it */
    Value m = import_module(vm, str_intern_cstr(vm, "numpy"));
    if (IS_ERR(m)) return m;
    v_decref(vm, m);
  }
  return wrap_array(vm, tn_detach(t));
}

static Value nptype_repr(VM *vm, Value *args, int n, Kw *kw) {
  (void)n;
  (void)kw;
  tn_dtype d = (tn_dtype)(intptr_t)((Native *)args[0].u.o)->ptr;
  const char *name = d == TN_DTYPE_BOOL ? "bool_" : tn_dtype_name(d);
  char buf[64];
  snprintf(buf, sizeof buf, "<class 'numpy.%s'>", name);
  return v_str(vm, buf);
}

Value mod_numpy_init(VM *vm) {
  Value tm = import_module(vm, str_intern_cstr(vm, "torch")); /* the Tensor class the arrays extend */
  if (IS_ERR(tm)) return tm;
  v_decref(vm, tm);
  Module *m = module_new(vm, "numpy");
  if (!m) return rt_raise(vm, EX_MemoryError, "%s", "");
  if (!vm->t_ndarray) {
    vm->t_ndarray = class_new(vm, "ndarray", vm->t_tensor, true);
    vm->t_nptype = class_new(vm, "dtype", vm->cls[CLS_object], true);
    if (!vm->t_ndarray || !vm->t_nptype) { OBJ_DECREF(vm, m); return rt_raise(vm, EX_MemoryError, "%s", ""); }
    vm->t_ndarray->module = "numpy";
    vm->t_nptype->module = "numpy";
    vm->t_ndarray->getattr_hook = arr_getattr;
    def_method(vm, vm->t_nptype, "__repr__", nptype_repr);
    def_method(vm, vm->t_ndarray, "__repr__", arr_repr);
    def_method(vm, vm->t_ndarray, "__str__", arr_str);
  }
  static const struct { const char *name; tn_dtype d; } dts[] = {
    {"float16", TN_DTYPE_FLOAT16}, {"float32", TN_DTYPE_FLOAT32}, {"float64", TN_DTYPE_FLOAT64},
    {"int8", TN_DTYPE_INT8}, {"int16", TN_DTYPE_INT16}, {"int32", TN_DTYPE_INT32}, {"int64", TN_DTYPE_INT64},
    {"uint8", TN_DTYPE_UINT8}, {"bool_", TN_DTYPE_BOOL},
  };
  for (size_t i = 0; i < sizeof dts / sizeof dts[0]; i++) {
    Value v = native_new(vm, vm->t_nptype, (void *)(intptr_t)dts[i].d, NULL);
    if (IS_ERR(v)) { OBJ_DECREF(vm, m); return v; }
    dict_set_str(vm, m->dict, str_intern_cstr(vm, dts[i].name), v);
    v_decref(vm, v);
  }
  dict_set_str(vm, m->dict, str_intern_cstr(vm, "ndarray"), v_obj(vm->t_ndarray));
  static const struct { const char *name; NatFn fn; } fns[] = {
    {"array", np_array}, {"asarray", np_array}, {"zeros", np_zeros}, {"ones", np_ones}, {"arange", np_arange},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) def_func(vm, m->dict, fns[i].name, fns[i].fn);
  return v_obj(m);
}
