/* mod_torch.c — a first `torch` module over the engine (tn.h): tensor creation (torch.tensor from
 * nested lists, zeros/ones/arange/...), dtypes, torch.Size, attributes, arithmetic with Python
 * scalars, indexing, printing with tn_repr. Engine errors become Python exceptions of the kind the
 * engine reports. The Tensor type is a native class, so its operators go through the same
 * __add__/__radd__ dispatch as user classes. */
#include "rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tn.h"
#include "tn-cuda.h"

static void fin_tensor(void *p) { tn_release(p); }

/* An engine tensor that already has a live Tensor object is that object, as in PyTorch (an op that
 * returns its input, w.grad twice, node.variable); t is a new reference. */
static Value wrap(VM *vm, tn_tensor *t) {
  if (!t) return rt_raise_tn(vm);
  Obj *o = tensor_id_find(vm, t);
  if (o) {
    tn_release(t);
    OBJ_INCREF(o);
    return v_obj(o);
  }
  Value v = native_new(vm, vm->t_tensor, t, fin_tensor);
  if (!IS_ERR(v)) tensor_id_add(vm, t, v.u.o);
  return v;
}

static tn_tensor *as_tensor(VM *vm, Value v) {
  if (v.tag == V_OBJ && v.u.o->kind == O_NATIVE && class_is_sub(v.u.o->cls, vm->t_tensor)) return ((Native *)v.u.o)->ptr;
  return NULL;
}

static bool as_dtype(VM *vm, Value v, tn_dtype *out) {
  if (v.tag == V_OBJ && v.u.o->kind == O_NATIVE && v.u.o->cls == vm->t_dtype) {
    *out = (tn_dtype)(intptr_t)((Native *)v.u.o)->ptr;
    return true;
  }
  return false;
}

static Value dtype_value(VM *vm, tn_dtype d) {
  Value v = vm->t_dtypes[d];
  v_incref(v);
  return v;
}

/* the tensor for an operand: a tensor (borrowed, *owned NULL) or a Python number (wrapped) */
static tn_tensor *operand(VM *vm, Value v, tn_tensor **owned) {
  *owned = NULL;
  tn_tensor *t = as_tensor(vm, v);
  if (t) return t;
  if (v.tag == V_INT) *owned = tn_wrap_scalar(tn_scalar_int(v.u.i));
  else if (v.tag == V_BOOL) *owned = tn_wrap_scalar(tn_scalar_bool(v.u.i != 0));
  else if (v.tag == V_FLOAT) *owned = tn_wrap_scalar(tn_scalar_float(v.u.f));
  return *owned;
}

static int opt_dtype(VM *vm, Kw *kw, tn_dtype *out) {
  Value d;
  *out = TN_DTYPE_UNDEFINED;
  if (!kw_find(kw, "dtype", &d) || d.tag == V_NONE) return 0;
  if (!as_dtype(vm, d, out)) {
    rt_raise(vm, EX_TypeError, "dtype must be torch.dtype, not %s", rt_type_name(vm, d));
    return -1;
  }
  return 0;
}

/* sizes given as ints (*args) or as one sequence */
static int shape_args(VM *vm, Value *args, int n, int64_t *shape, int32_t *ndim) {
  Value *items = args;
  int64_t k = n;
  List *tmp = NULL;
  if (n == 1 && args[0].tag == V_OBJ) {
    tmp = rt_to_list(vm, args[0]);
    if (!tmp) return -1;
    items = tmp->v;
    k = tmp->n;
  }
  if (k > TN_MAX_DIMS) { if (tmp) OBJ_DECREF(vm, tmp); rt_raise(vm, EX_RuntimeError, "too many dimensions (%lld)", (long long)k); return -1; }
  for (int64_t i = 0; i < k; i++) {
    if (rt_index(vm, items[i], &shape[i], NULL) < 0) { if (tmp) OBJ_DECREF(vm, tmp); return -1; }
  }
  *ndim = (int32_t)k;
  if (tmp) OBJ_DECREF(vm, tmp);
  return 0;
}

/* requires_grad=True of the factory functions: set on the new leaf before it is wrapped */
static Value with_requires_grad(VM *vm, Kw *kw, tn_tensor *t) {
  Value rg;
  if (t && !(t = torch_apply_device_kw(vm, kw, t))) return VERR; /* device=: made on the CPU, then moved */
  if (t && kw_find(kw, "requires_grad", &rg) && rt_truthy(vm, rg) == 1) {
    /* the factories' own wording (capital O); requires_grad_() says "only ... floating point dtype" */
    if (!tn_dtype_is_floating(t->dtype)) {
      tn_release(t);
      return rt_raise(vm, EX_RuntimeError, "Only Tensors of floating point and complex dtype can require gradients");
    }
    tn_tensor *r = tn_requires_grad_(t, true); /* a new reference to t */
    if (!r) { tn_release(t); return rt_raise_tn(vm); }
    tn_release(r);
  }
  return wrap(vm, t);
}

Value torch_wrap(VM *vm, tn_tensor *t) { return wrap(vm, t); }
static Value make_size(VM *vm, int32_t n, const int64_t *d);
Value torch_make_size(VM *vm, int32_t n, const int64_t *d);
Value torch_make_size(VM *vm, int32_t n, const int64_t *d) { return make_size(vm, n, d); }
tn_tensor *torch_as_tensor(VM *vm, Value v) { return as_tensor(vm, v); }

/* ----- torch.tensor: nested sequences of numbers ----- */

typedef struct Flat { tn_scalar *v; int64_t n, cap; int64_t shape[TN_MAX_DIMS]; int32_t ndim; bool shape_set[TN_MAX_DIMS]; } Flat;

static int flat_push(VM *vm, Flat *f, tn_scalar s) {
  if (f->n == f->cap) {
    int64_t nc = f->cap ? f->cap * 2 : 64;
    tn_scalar *nv = realloc(f->v, sizeof(tn_scalar) * (size_t)nc);
    if (!nv) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    f->v = nv;
    f->cap = nc;
  }
  f->v[f->n++] = s;
  return 0;
}

static int flatten_data(VM *vm, Value v, int dim, Flat *f) {
  tn_tensor *t = as_tensor(vm, v);
  if (v.tag == V_BOOL || v.tag == V_INT || v.tag == V_FLOAT || (t && t->ndim == 0)) {
    if (dim < f->ndim) { rt_raise(vm, EX_ValueError, "expected sequence of length %lld at dim %d (got scalar)", (long long)f->shape[dim], dim); return -1; }
    if (f->ndim == 0 && dim > 0) f->ndim = dim;
    tn_scalar s;
    if (t) { if (tn_item(t, &s) < 0) { rt_raise_tn(vm); return -1; } }
    else s = v.tag == V_BOOL ? tn_scalar_bool(v.u.i != 0) : v.tag == V_INT ? tn_scalar_int(v.u.i) : tn_scalar_float(v.u.f);
    return flat_push(vm, f, s);
  }
  if (v.tag != V_OBJ || (v.u.o->kind != O_LIST && v.u.o->kind != O_TUPLE && !t)) {
    rt_raise(vm, EX_TypeError, "new(): invalid data type '%s'", rt_type_name(vm, v));
    return -1;
  }
  if (dim >= TN_MAX_DIMS) { rt_raise(vm, EX_ValueError, "too many dimensions"); return -1; }
  List *l = rt_to_list(vm, v);
  if (!l) return -1;
  if (!f->shape_set[dim]) {
    f->shape_set[dim] = true;
    f->shape[dim] = l->n;
    if (dim + 1 > f->ndim) f->ndim = dim + 1;
  } else if (f->shape[dim] != l->n) {
    rt_raise(vm, EX_ValueError, "expected sequence of length %lld at dim %d (got %lld)", (long long)f->shape[dim], dim, (long long)l->n);
    OBJ_DECREF(vm, l);
    return -1;
  }
  for (int64_t i = 0; i < l->n; i++) {
    if (flatten_data(vm, l->v[i], dim + 1, f) < 0) { OBJ_DECREF(vm, l); return -1; }
  }
  OBJ_DECREF(vm, l);
  return 0;
}

static Value t_tensor_fn(VM *vm, Value *args, int n, Kw *kw) {
  if (n != 1) return rt_raise(vm, EX_TypeError, "tensor() takes 1 positional argument but %d were given", n);
  tn_dtype dt;
  if (opt_dtype(vm, kw, &dt) < 0) return VERR;
  tn_tensor *src = as_tensor(vm, args[0]);
  if (src) {
    tn_tensor *c = dt == TN_DTYPE_UNDEFINED ? tn_clone(src) : tn_to_dtype(src, dt, true);
    return wrap(vm, c);
  }
  Flat f;
  memset(&f, 0, sizeof f);
  if (flatten_data(vm, args[0], 0, &f) < 0) { free(f.v); return VERR; }
  tn_tensor *t = tn_from_scalars(f.ndim, f.shape, f.v, TN_OPTS(dt));
  free(f.v);
  return with_requires_grad(vm, kw, t);
}

/* np.array(data, dtype): NumPy's default dtype is float64 for floats and int64 for integers */
tn_tensor *torch_from_data(VM *vm, Value data, int dtype) {
  tn_dtype dt = (tn_dtype)dtype;
  Flat f;
  memset(&f, 0, sizeof f);
  if (flatten_data(vm, data, 0, &f) < 0) { free(f.v); return NULL; }
  if (dt == TN_DTYPE_UNDEFINED) {
    dt = TN_DTYPE_BOOL;
    for (int64_t i = 0; i < f.n; i++) {
      if (f.v[i].kind == TN_SCALAR_FLOAT) dt = TN_DTYPE_FLOAT64;
      else if (f.v[i].kind == TN_SCALAR_INT && dt == TN_DTYPE_BOOL) dt = TN_DTYPE_INT64;
    }
    if (f.n == 0) dt = TN_DTYPE_FLOAT64;
  }
  tn_tensor *t = tn_from_scalars(f.ndim, f.shape, f.v, TN_OPTS(dt));
  free(f.v);
  if (!t) rt_raise_tn(vm);
  return t;
}

/* ----- creation ----- */

typedef tn_tensor *(*ShapeCtor)(int32_t, const int64_t *, tn_options);
static Value shaped(VM *vm, Value *args, int n, Kw *kw, ShapeCtor fn) {
  int64_t shape[TN_MAX_DIMS];
  int32_t nd;
  tn_dtype dt;
  Value sz;
  if (n == 0 && kw_find(kw, "size", &sz)) { args = &sz; n = 1; }
  if (shape_args(vm, args, n, shape, &nd) < 0 || opt_dtype(vm, kw, &dt) < 0) return VERR;
  return with_requires_grad(vm, kw, fn(nd, shape, TN_OPTS(dt)));
}
static Value t_zeros(VM *vm, Value *a, int n, Kw *kw) { return shaped(vm, a, n, kw, tn_zeros); }
static Value t_ones(VM *vm, Value *a, int n, Kw *kw) { return shaped(vm, a, n, kw, tn_ones); }
static Value t_empty(VM *vm, Value *a, int n, Kw *kw) { return shaped(vm, a, n, kw, tn_zeros); /* deterministic */ }
static Value t_rand(VM *vm, Value *a, int n, Kw *kw) { return shaped(vm, a, n, kw, tn_rand); }
static Value t_randn(VM *vm, Value *a, int n, Kw *kw) { return shaped(vm, a, n, kw, tn_randn); }

static tn_scalar to_scalar(Value v) {
  if (v.tag == V_FLOAT) return tn_scalar_float(v.u.f);
  if (v.tag == V_BOOL) return tn_scalar_bool(v.u.i != 0);
  return tn_scalar_int(v.u.i);
}
static bool is_number(Value v) { return v.tag == V_INT || v.tag == V_FLOAT || v.tag == V_BOOL; }

static Value t_full(VM *vm, Value *args, int n, Kw *kw) {
  if (n != 2 || !is_number(args[1])) return rt_raise(vm, EX_TypeError, "full() expects a size and a fill value");
  int64_t shape[TN_MAX_DIMS];
  int32_t nd;
  tn_dtype dt;
  if (shape_args(vm, args, 1, shape, &nd) < 0 || opt_dtype(vm, kw, &dt) < 0) return VERR;
  return with_requires_grad(vm, kw, tn_full(nd, shape, to_scalar(args[1]), TN_OPTS(dt)));
}

static Value t_arange(VM *vm, Value *args, int n, Kw *kw) {
  tn_dtype dt;
  if (opt_dtype(vm, kw, &dt) < 0) return VERR;
  if (n < 1 || n > 3) return rt_raise(vm, EX_TypeError, "arange() received an invalid combination of arguments");
  for (int i = 0; i < n; i++) if (!is_number(args[i])) return rt_raise(vm, EX_TypeError, "arange() received an invalid combination of arguments");
  tn_scalar start = n == 1 ? tn_scalar_int(0) : to_scalar(args[0]);
  tn_scalar end = n == 1 ? to_scalar(args[0]) : to_scalar(args[1]);
  tn_scalar step = n == 3 ? to_scalar(args[2]) : tn_scalar_int(1);
  return with_requires_grad(vm, kw, tn_arange(start, end, step, TN_OPTS(dt)));
}

static Value t_linspace(VM *vm, Value *args, int n, Kw *kw) {
  tn_dtype dt;
  Value st;
  if (opt_dtype(vm, kw, &dt) < 0) return VERR;
  if (n < 2 || !is_number(args[0]) || !is_number(args[1])) return rt_raise(vm, EX_TypeError, "linspace() received an invalid combination of arguments");
  int64_t steps;
  if (rt_index(vm, n >= 3 ? args[2] : (kw_find(kw, "steps", &st) ? st : VNONE), &steps, NULL) < 0) return VERR;
  return with_requires_grad(vm, kw, tn_linspace(to_scalar(args[0]), to_scalar(args[1]), steps, TN_OPTS(dt)));
}

static Value t_eye(VM *vm, Value *args, int n, Kw *kw) {
  tn_dtype dt;
  int64_t a, b = -1;
  if (opt_dtype(vm, kw, &dt) < 0 || check_nargs(vm, "eye", n, 1, 2) < 0 || rt_index(vm, args[0], &a, NULL) < 0) return VERR;
  if (n == 2 && rt_index(vm, args[1], &b, NULL) < 0) return VERR;
  return with_requires_grad(vm, kw, tn_eye(a, b, TN_OPTS(dt)));
}

static Value t_like(VM *vm, Value *args, int n, Kw *kw, int which) {
  tn_dtype dt;
  tn_tensor *t = n == 1 ? as_tensor(vm, args[0]) : NULL;
  if (!t) return rt_raise(vm, EX_TypeError, "expected a Tensor as the first argument");
  if (opt_dtype(vm, kw, &dt) < 0) return VERR;
  switch (which) {
  case 0: return with_requires_grad(vm, kw, tn_zeros_like(t, TN_OPTS(dt)));
  case 1: return with_requires_grad(vm, kw, tn_ones_like(t, TN_OPTS(dt)));
  case 2: return with_requires_grad(vm, kw, tn_rand_like(t, TN_OPTS(dt)));
  default: return with_requires_grad(vm, kw, tn_randn_like(t, TN_OPTS(dt)));
  }
}
static Value t_zeros_like(VM *vm, Value *a, int n, Kw *kw) { return t_like(vm, a, n, kw, 0); }
static Value t_ones_like(VM *vm, Value *a, int n, Kw *kw) { return t_like(vm, a, n, kw, 1); }
static Value t_rand_like(VM *vm, Value *a, int n, Kw *kw) { return t_like(vm, a, n, kw, 2); }
static Value t_randn_like(VM *vm, Value *a, int n, Kw *kw) { return t_like(vm, a, n, kw, 3); }

static Value t_randint(VM *vm, Value *args, int n, Kw *kw) {
  tn_dtype dt;
  if (opt_dtype(vm, kw, &dt) < 0) return VERR;
  /* randint(high, size) / randint(low, high, size), each also by keyword */
  Value lo_v = v_int(0), hi_v = VNULL, size_v = VNULL, t;
  if (n == 3) { lo_v = args[0]; hi_v = args[1]; size_v = args[2]; }
  else if (n == 2) { hi_v = args[0]; size_v = args[1]; }
  else if (n == 1) hi_v = args[0];
  if (kw_find(kw, "low", &t)) lo_v = t;
  if (kw_find(kw, "high", &t)) hi_v = t;
  if (kw_find(kw, "size", &t)) size_v = t;
  if (n > 3 || hi_v.tag == V_NULL || size_v.tag == V_NULL) return rt_raise(vm, EX_TypeError, "randint() received an invalid combination of arguments");
  int64_t lo, hi;
  if (rt_index(vm, lo_v, &lo, NULL) < 0 || rt_index(vm, hi_v, &hi, NULL) < 0) return VERR;
  int64_t shape[TN_MAX_DIMS];
  int32_t nd;
  if (shape_args(vm, &size_v, 1, shape, &nd) < 0) return VERR;
  return wrap(vm, tn_randint(lo, hi, nd, shape, TN_OPTS(dt)));
}

static Value t_manual_seed(VM *vm, Value *args, int n, Kw *kw) {
  int64_t s;
  if (check_no_kw(vm, kw, "manual_seed") < 0 || check_nargs(vm, "manual_seed", n, 1, 1) < 0 || rt_index(vm, args[0], &s, NULL) < 0) return VERR;
  tn_manual_seed((uint64_t)s);
  return VNONE;
}

/* torch.get_num_threads() / torch.set_num_threads(n): the engine's threads, which also decide how
 * a large reduction to one value is split (and so its last bits), as in PyTorch. */
static Value t_get_num_threads(VM *vm, Value *args, int n, Kw *kw) {
  (void)args;
  if (check_no_kw(vm, kw, "get_num_threads") < 0 || check_nargs(vm, "get_num_threads", n, 0, 0) < 0) return VERR;
  return v_int(tn_get_num_threads());
}

static Value t_set_num_threads(VM *vm, Value *args, int n, Kw *kw) {
  int64_t k;
  if (check_no_kw(vm, kw, "set_num_threads") < 0 || check_nargs(vm, "set_num_threads", n, 1, 1) < 0 ||
      rt_index(vm, args[0], &k, NULL) < 0)
    return VERR;
  if (k <= 0) {
    rt_raise(vm, EX_RuntimeError, "set_num_threads expects a positive integer");
    return VERR;
  }
  tn_set_num_threads(k > 1024 ? 1024 : (int)k);
  return VNONE;
}

/* ----- torch.Size ----- */

typedef struct SizeData { int32_t n; int64_t d[TN_MAX_DIMS]; } SizeData;

static Value make_size(VM *vm, int32_t n, const int64_t *d) {
  SizeData *s = malloc(sizeof(SizeData));
  if (!s) return rt_raise(vm, EX_MemoryError, "%s", "");
  s->n = n;
  memcpy(s->d, d, sizeof(int64_t) * (size_t)n);
  return native_new(vm, vm->t_size, s, free);
}

static SizeData *as_size(VM *vm, Value v) {
  if (v.tag == V_OBJ && v.u.o->kind == O_NATIVE && v.u.o->cls == vm->t_size) return ((Native *)v.u.o)->ptr;
  return NULL;
}

static Value size_tuple(VM *vm, SizeData *s) {
  Tuple *t = tuple_new(vm, s->n);
  if (!t) return rt_raise(vm, EX_MemoryError, "%s", "");
  for (int i = 0; i < s->n; i++) t->v[i] = v_int(s->d[i]);
  return v_obj(t);
}

static Value size_repr(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  SizeData *s = as_size(vm, args[0]);
  char *r = tn_format_size(s->n, s->d);
  if (!r) return rt_raise_tn(vm);
  Value v = v_str(vm, r);
  free(r);
  return v;
}
static Value size_len(VM *vm, Value *args, int n, Kw *kw) { (void)n; (void)kw; return v_int(as_size(vm, args[0])->n); }
static Value size_getitem(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  Value t = size_tuple(vm, as_size(vm, args[0]));
  if (IS_ERR(t)) return t;
  Value r = rt_getitem(vm, t, args[1]);
  v_decref(vm, t);
  if (IS_ERR(r) && rt_exc_matches(vm, EX_IndexError)) { rt_clear_exc(vm); return rt_raise(vm, EX_IndexError, "tuple index out of range"); }
  return r;
}
static Value size_iter(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  Value t = size_tuple(vm, as_size(vm, args[0]));
  if (IS_ERR(t)) return t;
  Value r = rt_iter(vm, t);
  v_decref(vm, t);
  return r;
}
static Value size_eq(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  Value a = size_tuple(vm, as_size(vm, args[0]));
  if (IS_ERR(a)) return a;
  Value b = args[1];
  SizeData *o = as_size(vm, b);
  if (o) b = size_tuple(vm, o);
  else if (b.tag != V_OBJ || b.u.o->kind != O_TUPLE) { v_decref(vm, a); return v_bool(false); }
  else v_incref(b);
  int e = rt_eq(vm, a, b);
  v_decref(vm, a);
  v_decref(vm, b);
  return e < 0 ? VERR : v_bool(e);
}
static Value size_numel(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  SizeData *s = as_size(vm, args[0]);
  int64_t p = 1;
  for (int i = 0; i < s->n; i++) p *= s->d[i];
  return v_int(p);
}

/* ----- dtype / device ----- */

static Value dtype_repr(VM *vm, Value *args, int n, Kw *kw) {
  (void)n; (void)kw;
  tn_dtype d = TN_DTYPE_FLOAT32;
  as_dtype(vm, args[0], &d);
  return v_str(vm, tn_dtype_torch_name(d));
}
/* torch.float32.is_floating_point, .is_signed, .is_complex */
static Value dtype_getattr(VM *vm, Value self, Str *name) {
  tn_dtype d;
  if (!as_dtype(vm, self, &d)) return VNULL;
  if (strcmp(name->s, "is_floating_point") == 0) return v_bool(tn_dtype_is_floating(d));
  if (strcmp(name->s, "is_signed") == 0) return v_bool(tn_dtype_is_signed(d));
  if (strcmp(name->s, "is_complex") == 0) return v_bool(false);
  return VNULL;
}
/* torch.device: mod_torch_cuda.c */

/* ----- Tensor ----- */

#define SELF_T                                                                       \
  tn_tensor *self = n > 0 ? as_tensor(vm, args[0]) : NULL;                           \
  if (!self) return rt_raise(vm, EX_TypeError, "descriptor requires a 'Tensor' object");

static Value tensor_repr(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  char *r = tn_repr(self);
  if (!r) return rt_raise_tn(vm);
  Value v;
  if (tn_is_parameter(self)) { /* nn.Parameter's __repr__ */
    size_t len = strlen(r);
    char *p = malloc(len + 23);
    if (!p) { free(r); return rt_raise(vm, EX_MemoryError, "%s", ""); }
    memcpy(p, "Parameter containing:\n", 22);
    memcpy(p + 22, r, len + 1);
    v = v_str(vm, p);
    free(p);
  } else {
    v = v_str(vm, r);
  }
  free(r);
  return v;
}

static Value scalar_value(VM *vm, tn_scalar s) {
  (void)vm;
  if (s.kind == TN_SCALAR_BOOL) return v_bool(s.v.b);
  if (s.kind == TN_SCALAR_INT) return v_int(s.v.i);
  return v_float(s.v.f);
}

static Value tensor_item(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  tn_scalar s;
  if (tn_item(self, &s) < 0) return rt_raise_tn(vm);
  return scalar_value(vm, s);
}

static Value tolist_rec(VM *vm, tn_tensor *t, int dim, int64_t *flat) {
  if (dim == t->ndim) return scalar_value(vm, tn_get_flat(t, (*flat)++));
  List *l = list_new(vm, t->shape[dim]);
  if (!l) return rt_raise(vm, EX_MemoryError, "%s", "");
  for (int64_t i = 0; i < t->shape[dim]; i++) {
    Value v = tolist_rec(vm, t, dim + 1, flat);
    if (IS_ERR(v) || list_append_steal(vm, l, v) < 0) { OBJ_DECREF(vm, l); return VERR; }
  }
  return v_obj(l);
}
static Value tensor_tolist(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  int64_t flat = 0;
  return tolist_rec(vm, self, 0, &flat);
}

static Value tensor_float_m(VM *vm, Value *args, int n, Kw *kw, tn_dtype d) {
  (void)kw;
  SELF_T;
  return wrap(vm, tn_to_dtype(self, d, false));
}
static Value m_float(VM *vm, Value *a, int n, Kw *kw) { return tensor_float_m(vm, a, n, kw, TN_DTYPE_FLOAT32); }
static Value m_double(VM *vm, Value *a, int n, Kw *kw) { return tensor_float_m(vm, a, n, kw, TN_DTYPE_FLOAT64); }
static Value m_long(VM *vm, Value *a, int n, Kw *kw) { return tensor_float_m(vm, a, n, kw, TN_DTYPE_INT64); }
static Value m_int(VM *vm, Value *a, int n, Kw *kw) { return tensor_float_m(vm, a, n, kw, TN_DTYPE_INT32); }
static Value m_bool(VM *vm, Value *a, int n, Kw *kw) { return tensor_float_m(vm, a, n, kw, TN_DTYPE_BOOL); }

static Value m_to(VM *vm, Value *args, int n, Kw *kw) {
  SELF_T;
  tn_dtype d = TN_DTYPE_UNDEFINED;
  tn_device dev = self->device;
  bool has_dev = false;
  for (int i = 1; i < n; i++) {
    if (as_dtype(vm, args[i], &d)) continue;
    tn_tensor *other = as_tensor(vm, args[i]);
    if (other) { /* t.to(other): other's dtype and device */
      d = other->dtype;
      dev = other->device;
      has_dev = true;
      continue;
    }
    int r = torch_device_arg(vm, args[i], &dev);
    if (r < 0) return VERR;
    if (r == 0) return rt_raise(vm, EX_TypeError, "to() received an invalid combination of arguments");
    has_dev = true;
  }
  Value kv;
  if (kw_find(kw, "device", &kv) && kv.tag != V_NONE) {
    int r = torch_device_arg(vm, kv, &dev);
    if (r < 0) return VERR;
    if (r == 0) return rt_raise(vm, EX_TypeError, "to() received an invalid combination of arguments");
    has_dev = true;
  }
  if (d == TN_DTYPE_UNDEFINED && opt_dtype(vm, kw, &d) < 0) return VERR;
  tn_tensor *cur = tn_retain(self);
  if (has_dev) {
    tn_tensor *moved = tn_to_device(cur, dev);
    tn_release(cur);
    if (!(cur = moved)) return rt_raise_tn(vm);
  }
  if (d != TN_DTYPE_UNDEFINED) {
    tn_tensor *conv = tn_to_dtype(cur, d, false);
    tn_release(cur);
    if (!(cur = conv)) return rt_raise_tn(vm);
  }
  if (cur == self) { tn_release(cur); v_incref(args[0]); return args[0]; }
  return wrap(vm, cur);
}

static Value m_size(VM *vm, Value *args, int n, Kw *kw) {
  SELF_T;
  Value d;
  if (n == 2 || kw_find(kw, "dim", &d)) {
    int64_t dim;
    if (rt_index(vm, n == 2 ? args[1] : d, &dim, NULL) < 0) return VERR;
    int64_t r = tn_size(self, dim);
    if (r < 0) return rt_raise_tn(vm);
    return v_int(r);
  }
  return make_size(vm, self->ndim, self->shape);
}
static Value m_stride(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  if (n == 2) {
    int64_t dim;
    if (rt_index(vm, args[1], &dim, NULL) < 0) return VERR;
    int64_t r = tn_stride(self, dim);
    if (r < 0 && tn_error_kind_last() != TN_ERROR_NONE) return rt_raise_tn(vm);
    return v_int(r);
  }
  Tuple *t = tuple_new(vm, self->ndim);
  if (!t) return rt_raise(vm, EX_MemoryError, "%s", "");
  for (int i = 0; i < self->ndim; i++) t->v[i] = v_int(self->strides[i]);
  return v_obj(t);
}
static Value m_dim(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF_T; return v_int(self->ndim); }
static Value m_numel(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF_T; return v_int(self->numel); }
static Value m_is_contiguous(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF_T; return v_bool(tn_is_contiguous(self)); }
static Value m_contiguous(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF_T; return wrap(vm, tn_contiguous(self)); }
static Value m_clone(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF_T; return wrap(vm, tn_clone(self)); }
static Value m_detach(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF_T; return wrap(vm, tn_detach(self)); }
static Value m_t(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF_T; return wrap(vm, tn_t(self)); }
static Value m_storage_offset(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF_T; return v_int(self->offset); }

static Value m_view_impl(VM *vm, Value *args, int n, bool reshape) {
  SELF_T;
  int64_t shape[TN_MAX_DIMS];
  int32_t nd;
  if (n == 2 && args[1].tag == V_OBJ && args[1].u.o->kind == O_NATIVE && args[1].u.o->cls == vm->t_dtype) {
    tn_dtype d;
    as_dtype(vm, args[1], &d);
    return wrap(vm, tn_view_dtype(self, d));
  }
  if (shape_args(vm, args + 1, n - 1, shape, &nd) < 0) return VERR;
  return wrap(vm, reshape ? tn_reshape(self, nd, shape) : tn_view(self, nd, shape));
}
static Value m_view(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return m_view_impl(vm, a, n, false); }
static Value m_reshape(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return m_view_impl(vm, a, n, true); }

static Value m_transpose(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  int64_t a, b;
  if (check_nargs(vm, "transpose", n - 1, 2, 2) < 0 || rt_index(vm, args[1], &a, NULL) < 0 || rt_index(vm, args[2], &b, NULL) < 0) return VERR;
  return wrap(vm, tn_transpose(self, a, b));
}
static Value m_permute(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  int64_t dims[TN_MAX_DIMS];
  int32_t nd;
  if (shape_args(vm, args + 1, n - 1, dims, &nd) < 0) return VERR;
  return wrap(vm, tn_permute(self, nd, dims));
}
static Value m_unsqueeze(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  int64_t d;
  if (check_nargs(vm, "unsqueeze", n - 1, 1, 1) < 0 || rt_index(vm, args[1], &d, NULL) < 0) return VERR;
  return wrap(vm, tn_unsqueeze(self, d));
}
static Value m_squeeze(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  if (n == 1) return wrap(vm, tn_squeeze(self));
  int64_t d;
  if (rt_index(vm, args[1], &d, NULL) < 0) return VERR;
  return wrap(vm, tn_squeeze_dim(self, d));
}
static Value m_flatten(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  int64_t a = 0, b = -1;
  if (n >= 2 && rt_index(vm, args[1], &a, NULL) < 0) return VERR;
  if (n >= 3 && rt_index(vm, args[2], &b, NULL) < 0) return VERR;
  return wrap(vm, tn_flatten(self, a, b));
}

/* reductions: dim (int or tuple) and keepdim */
static int dims_arg(VM *vm, Value *args, int n, Kw *kw, int64_t *dims, int32_t *nd, bool *keepdim) {
  Value d = n >= 2 ? args[1] : VNONE, k = n >= 3 ? args[2] : v_bool(false), t;
  if (kw_find(kw, "dim", &t)) d = t;
  if (kw_find(kw, "keepdim", &t)) k = t;
  *keepdim = rt_truthy(vm, k) > 0;
  *nd = 0;
  if (d.tag == V_NONE) return 0;
  if (d.tag == V_INT) { dims[0] = d.u.i; *nd = 1; return 0; }
  return shape_args(vm, &d, 1, dims, nd);
}

typedef tn_tensor *(*Reduce)(const tn_tensor *, int32_t, const int64_t *, bool, tn_dtype);
static Value reduce_m(VM *vm, Value *args, int n, Kw *kw, Reduce fn) {
  SELF_T;
  int64_t dims[TN_MAX_DIMS];
  int32_t nd;
  bool keep;
  tn_dtype dt;
  if (dims_arg(vm, args, n, kw, dims, &nd, &keep) < 0 || opt_dtype(vm, kw, &dt) < 0) return VERR;
  return wrap(vm, fn(self, nd, nd ? dims : NULL, keep, dt));
}
static Value m_sum(VM *vm, Value *a, int n, Kw *kw) { return reduce_m(vm, a, n, kw, tn_sum); }
static Value m_mean(VM *vm, Value *a, int n, Kw *kw) { return reduce_m(vm, a, n, kw, tn_mean); }
static Value m_prod(VM *vm, Value *a, int n, Kw *kw) { return reduce_m(vm, a, n, kw, tn_prod); }

Value torch_return_pair(VM *vm, bool is_max, Value tup);
static Value minmax_m(VM *vm, Value *args, int n, Kw *kw, bool is_max) {
  SELF_T;
  Value d;
  if (n == 1 && !kw_find(kw, "dim", &d)) return wrap(vm, is_max ? tn_max(self) : tn_min(self));
  int64_t dims[TN_MAX_DIMS];
  int32_t nd;
  bool keep;
  if (dims_arg(vm, args, n, kw, dims, &nd, &keep) < 0) return VERR;
  tn_tensor *vals = NULL, *idx = NULL;
  if ((is_max ? tn_max_dim : tn_min_dim)(self, dims[0], keep, &vals, &idx) < 0) return rt_raise_tn(vm);
  Value a = wrap(vm, vals), b = wrap(vm, idx);
  Tuple *t = tuple_new(vm, 2);
  if (!t || IS_ERR(a) || IS_ERR(b)) { v_decref(vm, IS_ERR(a) ? VNULL : a); v_decref(vm, IS_ERR(b) ? VNULL : b); if (t) OBJ_DECREF(vm, t); return VERR; }
  t->v[0] = a;
  t->v[1] = b;
  return torch_return_pair(vm, is_max, v_obj(t)); /* torch.return_types.max/min */
}
static Value m_max(VM *vm, Value *a, int n, Kw *kw) { return minmax_m(vm, a, n, kw, true); }
static Value m_min(VM *vm, Value *a, int n, Kw *kw) { return minmax_m(vm, a, n, kw, false); }

static Value argm(VM *vm, Value *args, int n, Kw *kw, bool is_max) {
  SELF_T;
  int64_t dims[TN_MAX_DIMS];
  int32_t nd;
  bool keep;
  if (dims_arg(vm, args, n, kw, dims, &nd, &keep) < 0) return VERR;
  return wrap(vm, (is_max ? tn_argmax : tn_argmin)(self, nd ? dims : NULL, keep));
}
static Value m_argmax(VM *vm, Value *a, int n, Kw *kw) { return argm(vm, a, n, kw, true); }
static Value m_argmin(VM *vm, Value *a, int n, Kw *kw) { return argm(vm, a, n, kw, false); }

/* element-wise */
static Value unary_m(VM *vm, Value *args, int n, tn_unary_op op) {
  SELF_T;
  return wrap(vm, tn_unary(op, self));
}
#define UNARY(name, op) \
  static Value m_##name(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return unary_m(vm, a, n, op); } \
  static Value f_##name(VM *vm, Value *a, int n, Kw *kw) { (void)kw; if (n != 1 || !as_tensor(vm, a[0])) return rt_raise(vm, EX_TypeError, #name "(): argument 'input' must be Tensor"); return unary_m(vm, a, n, op); }
UNARY(abs, TN_UNARY_ABS)
UNARY(exp, TN_UNARY_EXP)
UNARY(log, TN_UNARY_LOG)
UNARY(sqrt, TN_UNARY_SQRT)
UNARY(sin, TN_UNARY_SIN)
UNARY(cos, TN_UNARY_COS)
UNARY(tanh, TN_UNARY_TANH)
UNARY(sigmoid, TN_UNARY_SIGMOID)
UNARY(relu, TN_UNARY_RELU)
UNARY(floor, TN_UNARY_FLOOR)
UNARY(ceil, TN_UNARY_CEIL)
UNARY(round, TN_UNARY_ROUND)
UNARY(sign, TN_UNARY_SIGN)
UNARY(square, TN_UNARY_SQUARE)

static Value binop(VM *vm, tn_binary_op op, Value a, Value b, bool reflected) {
  tn_tensor *oa, *ob;
  tn_tensor *x = operand(vm, a, &oa), *y = operand(vm, b, &ob);
  if (!x || !y) {
    if (oa) tn_release(oa);
    if (ob) tn_release(ob);
    v_incref(vm->notimpl);
    return vm->notimpl;
  }
  tn_tensor *r = reflected ? tn_binary(op, y, x) : tn_binary(op, x, y);
  if (oa) tn_release(oa);
  if (ob) tn_release(ob);
  return wrap(vm, r);
}
#define BINOP(name, op, refl) \
  static Value d_##name(VM *vm, Value *a, int n, Kw *kw) { (void)kw; if (n != 2) return rt_raise(vm, EX_TypeError, "expected 1 argument"); return binop(vm, op, a[0], a[1], refl); }
BINOP(add, TN_BINARY_ADD, false)
BINOP(radd, TN_BINARY_ADD, true)
BINOP(sub, TN_BINARY_SUB, false)
/* number - tensor: PyTorch's __rsub__ is torch.rsub(self, other) (RsubBackward1) */
static Value d_rsub(VM *vm, Value *a, int n, Kw *kw) {
  (void)kw;
  if (n != 2) return rt_raise(vm, EX_TypeError, "expected 1 argument");
  tn_tensor *oa, *ob;
  tn_tensor *x = operand(vm, a[0], &oa), *y = operand(vm, a[1], &ob);
  if (!x || !y) {
    if (oa) tn_release(oa);
    if (ob) tn_release(ob);
    v_incref(vm->notimpl);
    return vm->notimpl;
  }
  tn_tensor *r = tn_rsub(x, y, tn_scalar_int(1));
  if (oa) tn_release(oa);
  if (ob) tn_release(ob);
  return wrap(vm, r);
}
BINOP(mul, TN_BINARY_MUL, false)
BINOP(rmul, TN_BINARY_MUL, true)
BINOP(truediv, TN_BINARY_DIV, false)
/* number / tensor: PyTorch's __rdiv__ is self.reciprocal() * other, which rounds differently from a
 * true division and records MulBackward0 (after ReciprocalBackward0) */
static Value d_rtruediv(VM *vm, Value *a, int n, Kw *kw) {
  (void)kw;
  if (n != 2) return rt_raise(vm, EX_TypeError, "expected 1 argument");
  tn_tensor *self = as_tensor(vm, a[0]), *owned;
  if (!self || as_tensor(vm, a[1]) || !operand(vm, a[1], &owned)) return binop(vm, TN_BINARY_DIV, a[0], a[1], true);
  tn_tensor *rec = tn_unary(TN_UNARY_RECIPROCAL, self);
  tn_tensor *r = rec ? tn_binary(TN_BINARY_MUL, rec, owned) : NULL;
  if (rec) tn_release(rec);
  tn_release(owned);
  return wrap(vm, r);
}
BINOP(floordiv, TN_BINARY_FLOOR_DIVIDE, false)
BINOP(rfloordiv, TN_BINARY_FLOOR_DIVIDE, true)
BINOP(mod, TN_BINARY_REMAINDER, false)
BINOP(rmod, TN_BINARY_REMAINDER, true)
BINOP(pow, TN_BINARY_POW, false)
BINOP(rpow, TN_BINARY_POW, true)
BINOP(eq, TN_BINARY_EQ, false)
BINOP(ne, TN_BINARY_NE, false)
BINOP(lt, TN_BINARY_LT, false)
BINOP(le, TN_BINARY_LE, false)
BINOP(gt, TN_BINARY_GT, false)
BINOP(ge, TN_BINARY_GE, false)
BINOP(and, TN_BINARY_BITWISE_AND, false)
BINOP(or, TN_BINARY_BITWISE_OR, false)
BINOP(xor, TN_BINARY_BITWISE_XOR, false)

static Value inplace(VM *vm, tn_binary_op op, Value *args, int n) {
  SELF_T;
  tn_tensor *o;
  tn_tensor *y = operand(vm, args[1], &o);
  if (!y) { v_incref(vm->notimpl); return vm->notimpl; }
  tn_tensor *r = tn_binary_(op, self, y);
  if (o) tn_release(o);
  if (!r) return rt_raise_tn(vm);
  tn_release(r);
  v_incref(args[0]);
  return args[0];
}
static Value d_iadd(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return inplace(vm, TN_BINARY_ADD, a, n); }
static Value d_isub(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return inplace(vm, TN_BINARY_SUB, a, n); }
static Value d_imul(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return inplace(vm, TN_BINARY_MUL, a, n); }
static Value d_itruediv(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return inplace(vm, TN_BINARY_DIV, a, n); }

static Value d_matmul(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  tn_tensor *o = n == 2 ? as_tensor(vm, args[1]) : NULL;
  if (!o) { v_incref(vm->notimpl); return vm->notimpl; }
  return wrap(vm, tn_matmul(self, o));
}
static Value m_dot(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  tn_tensor *o = n == 2 ? as_tensor(vm, args[1]) : NULL;
  if (!o) return rt_raise(vm, EX_TypeError, "dot(): argument 'tensor' must be Tensor");
  return wrap(vm, tn_dot(self, o));
}
static Value d_neg(VM *vm, Value *args, int n, Kw *kw) { (void)kw; return unary_m(vm, args, n, TN_UNARY_NEG); }
static Value d_pos(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF_T; (void)self; v_incref(args[0]); return args[0]; }

static Value m_pow(VM *vm, Value *a, int n, Kw *kw) { (void)kw; if (n != 2) return rt_raise(vm, EX_TypeError, "pow() expects an exponent"); return binop(vm, TN_BINARY_POW, a[0], a[1], false); }

static Value m_clamp(VM *vm, Value *args, int n, Kw *kw) {
  SELF_T;
  Value lo = n >= 2 ? args[1] : VNONE, hi = n >= 3 ? args[2] : VNONE, t;
  if (kw_find(kw, "min", &t)) lo = t;
  if (kw_find(kw, "max", &t)) hi = t;
  tn_scalar a = to_scalar(lo), b = to_scalar(hi);
  return wrap(vm, tn_clamp(self, is_number(lo) ? &a : NULL, is_number(hi) ? &b : NULL));
}

/* indexing */
static int build_index(VM *vm, Value key, tn_index *idx, int32_t *ni, tn_tensor **owned, int *nowned) {
  Value *items = &key;
  int64_t k = 1;
  if (key.tag == V_OBJ && key.u.o->kind == O_TUPLE) { items = ((Tuple *)key.u.o)->v; k = ((Tuple *)key.u.o)->n; }
  if (k > TN_MAX_DIMS * 2) { rt_raise(vm, EX_IndexError, "too many indices for tensor"); return -1; }
  Value ell = VNULL; /* looked up only when an index could be `...`: interning costs an allocation */
  for (int64_t i = 0; i < k; i++) {
    Value v = items[i];
    tn_index *x = &idx[i];
    memset(x, 0, sizeof *x);
    tn_tensor *t = as_tensor(vm, v);
    if (v.tag == V_INT) { x->kind = TN_INDEX_INT; x->i = v.u.i; }
    else if (v.tag == V_BOOL) { x->kind = TN_INDEX_BOOL; x->i = v.u.i; }
    else if (v.tag == V_NONE) x->kind = TN_INDEX_NONE;
    else if (v.tag == V_OBJ && !t && v.u.o->kind != O_SLICE && v.u.o->kind != O_LIST &&
             (ell.tag == V_OBJ || (ell = dict_get_str(vm->builtins, str_intern_cstr(vm, "Ellipsis"))).tag == V_OBJ) &&
             v.u.o == ell.u.o)
      x->kind = TN_INDEX_ELLIPSIS;
    else if (t) { x->kind = TN_INDEX_TENSOR; x->tensor = t; }
    else if (v.tag == V_OBJ && v.u.o->kind == O_SLICE) {
      Slice *s = (Slice *)v.u.o;
      x->kind = TN_INDEX_SLICE;
      const char *msg = "slice indices must be integers or None or have an __index__ method";
      if (s->start.tag != V_NONE) { x->has_start = true; if (rt_index(vm, s->start, &x->start, msg) < 0) return -1; }
      if (s->stop.tag != V_NONE) { x->has_stop = true; if (rt_index(vm, s->stop, &x->stop, msg) < 0) return -1; }
      if (s->step.tag != V_NONE) { x->has_step = true; if (rt_index(vm, s->step, &x->step, msg) < 0) return -1; }
      else x->step = 1;
    } else if (v.tag == V_OBJ && v.u.o->kind == O_LIST) {
      Flat f;
      memset(&f, 0, sizeof f);
      if (flatten_data(vm, v, 0, &f) < 0) { free(f.v); return -1; }
      tn_tensor *it = tn_from_scalars(f.ndim, f.shape, f.v, TN_OPTS_INFER);
      free(f.v);
      if (!it) { rt_raise_tn(vm); return -1; }
      owned[(*nowned)++] = it;
      x->kind = TN_INDEX_TENSOR;
      x->tensor = it;
    } else {
      rt_raise(vm, EX_IndexError, "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got %s)", rt_type_name(vm, v));
      return -1;
    }
  }
  *ni = (int32_t)k;
  return 0;
}

static Value d_getitem(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  /* x[i] with an in-range integer, the per-element loop's case: a plain select (out-of-range and
   * 0-dim cases take the general path, which has PyTorch's indexing messages) */
  if (args[1].tag == V_INT && self->ndim > 0) {
    int64_t i = args[1].u.i, size = self->shape[0];
    if (i >= -size && i < size) return wrap(vm, tn_select(self, 0, i));
  }
  tn_index idx[TN_MAX_DIMS * 2];
  tn_tensor *owned[TN_MAX_DIMS * 2];
  int no = 0;
  int32_t ni;
  Value r;
  if (build_index(vm, args[1], idx, &ni, owned, &no) < 0) r = VERR;
  else r = wrap(vm, tn_index_get(self, ni, idx));
  for (int i = 0; i < no; i++) tn_release(owned[i]);
  return r;
}

static bool basic_index(const tn_index *idx, int32_t ni) {
  for (int32_t i = 0; i < ni; i++)
    if (idx[i].kind == TN_INDEX_TENSOR || idx[i].kind == TN_INDEX_BOOL) return false;
  return ni > 0;
}

static Value d_setitem(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  tn_index idx[TN_MAX_DIMS * 2];
  tn_tensor *owned[TN_MAX_DIMS * 2];
  int no = 0;
  int32_t ni;
  Value r = VNONE;
  tn_tensor *vo = NULL;
  tn_tensor *val = operand(vm, args[2], &vo);
  if (!val) return rt_raise(vm, EX_TypeError, "can't assign a %s to a torch.FloatTensor", rt_type_name(vm, args[2]));
  if (build_index(vm, args[1], idx, &ni, owned, &no) < 0) r = VERR;
  else if (basic_index(idx, ni) && tn_is_leaf(self) && tn_requires_grad(self) && tn_is_grad_enabled())
    /* PyTorch writes basic indexing through a view of the leaf, hence its message */
    r = rt_raise(vm, EX_RuntimeError, "a view of a leaf Variable that requires grad is being used in an in-place operation.");
  else if (tn_index_put_(self, ni, idx, val) < 0) r = rt_raise_tn(vm);
  for (int i = 0; i < no; i++) tn_release(owned[i]);
  if (vo) tn_release(vo);
  return r;
}

static Value d_len(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  if (self->ndim == 0) return rt_raise(vm, EX_TypeError, "len() of a 0-d tensor");
  return v_int(self->shape[0]);
}

static Value d_iter(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  if (self->ndim == 0) return rt_raise(vm, EX_TypeError, "iteration over a 0-d tensor");
  List *l = list_new(vm, self->shape[0]);
  if (!l) return rt_raise(vm, EX_MemoryError, "%s", "");
  for (int64_t i = 0; i < self->shape[0]; i++) {
    Value v = wrap(vm, tn_select(self, 0, i));
    if (IS_ERR(v) || list_append_steal(vm, l, v) < 0) { OBJ_DECREF(vm, l); return VERR; }
  }
  Value it = rt_iter(vm, v_obj(l));
  OBJ_DECREF(vm, l);
  return it;
}

static Value d_bool(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  if (self->numel != 1) return rt_raise(vm, EX_RuntimeError, "Boolean value of Tensor with %s is ambiguous", self->numel == 0 ? "no values" : "more than one value");
  tn_scalar s;
  if (tn_item(self, &s) < 0) return rt_raise_tn(vm);
  return v_bool(tn_scalar_to_double(s) != 0);
}
static Value d_float(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  tn_scalar s;
  if (tn_item(self, &s) < 0) return rt_raise_tn(vm);
  return v_float(tn_scalar_to_double(s));
}
static Value d_int(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  tn_scalar s;
  if (tn_item(self, &s) < 0) return rt_raise_tn(vm);
  if (s.kind == TN_SCALAR_FLOAT) {
    if (!isfinite(s.v.f) || fabs(s.v.f) >= 9.2e18) return rt_raise(vm, EX_OverflowError, "cannot convert float infinity to integer");
    return v_int((int64_t)s.v.f);
  }
  return v_int(s.kind == TN_SCALAR_BOOL ? s.v.b : s.v.i);
}
static Value d_format(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  Str *spec = n > 1 && args[1].tag == V_OBJ && args[1].u.o->kind == O_STR ? (Str *)args[1].u.o : NULL;
  if (self->ndim == 0) {
    tn_scalar s;
    if (tn_item(self, &s) < 0) return rt_raise_tn(vm);
    return rt_format(vm, scalar_value(vm, s), spec);
  }
  if (spec && spec->len) return rt_raise(vm, EX_TypeError, "unsupported format string passed to Tensor.__format__");
  return tensor_repr(vm, args, 1, NULL);
}

/* mod_torch_more.c: the rest of the bindings */
int torch_more_init(VM *vm, Module *m, bool first);
Value torch_more_mT(VM *vm, Value self);
Value torch_grad_fn(VM *vm, tn_tensor *t);

static Value tensor_getattr(VM *vm, Value self_v, Str *name) {
  const char *s = name->s;
  /* every lookup (methods too) comes here first: reject most names on their first letter */
  switch (s[0]) {
  case 'T': case '_': case 'd': case 'g': case 'i': case 'm': case 'n': case 'r': case 's': break;
  default: return VNULL;
  }
  tn_tensor *t = as_tensor(vm, self_v);
  if (strcmp(s, "shape") == 0) return make_size(vm, t->ndim, t->shape);
  if (strcmp(s, "dtype") == 0) return dtype_value(vm, t->dtype);
  if (strcmp(s, "ndim") == 0) return v_int(t->ndim);
  if (strcmp(s, "T") == 0) {
    int64_t dims[TN_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++) dims[i] = t->ndim - 1 - i;
    return wrap(vm, tn_permute(t, t->ndim, dims));
  }
  if (strcmp(s, "mT") == 0) return torch_more_mT(vm, self_v);
  if (strcmp(s, "device") == 0) return torch_tensor_device(vm, t);
  if (strcmp(s, "is_cuda") == 0) return v_bool(t->device.type == TN_DEVICE_CUDA);
  if (strcmp(s, "is_cpu") == 0) return v_bool(true);
  if (strcmp(s, "requires_grad") == 0) return v_bool(tn_requires_grad(t));
  if (strcmp(s, "grad") == 0) { tn_tensor *g = tn_grad(t); return g ? wrap(vm, g) : VNONE; }
  if (strcmp(s, "grad_fn") == 0) return torch_grad_fn(vm, t);
  if (strcmp(s, "retains_grad") == 0) return v_bool(tn_retains_grad(t));
  if (strcmp(s, "is_leaf") == 0) return v_bool(tn_is_leaf(t));
  if (strcmp(s, "data") == 0) return wrap(vm, tn_detach(t));
  if (strcmp(s, "_version") == 0) return v_int((int64_t)tn_version(t));
  return VNULL;
}

/* ----- lecture section 4: storage, joining, in-place ops, norms, autodiff, devices ----- */

static Value m_data_ptr(VM *vm, Value *args, int n, Kw *kw) { (void)kw; SELF_T; return v_int((int64_t)(intptr_t)tn_data_ptr(self)); }

static int dim_arg(VM *vm, Value *args, int n, int pos, Kw *kw, int64_t *dim) {
  Value d;
  if (kw_find(kw, "dim", &d)) { /* keyword */ }
  else if (n > pos) d = args[pos];
  else { *dim = 0; return 0; }
  if (d.tag != V_INT) { rt_raise(vm, EX_TypeError, "dim must be an int, not %s", rt_type_name(vm, d)); return -1; }
  *dim = d.u.i;
  return 0;
}

/* torch.cat / torch.stack(tensors, dim=0) */
static Value join(VM *vm, Value *args, int n, Kw *kw, bool stack) {
  const char *name = stack ? "stack" : "cat";
  Value seq;
  if (n >= 1) seq = args[0];
  else if (!kw_find(kw, "tensors", &seq)) return rt_raise(vm, EX_TypeError, "%s() missing 1 required positional arguments: \"tensors\"", name);
  int64_t dim;
  if (dim_arg(vm, args, n, 1, kw, &dim) < 0) return VERR;
  List *l = rt_to_list(vm, seq);
  if (!l) return VERR;
  tn_tensor **ts = malloc(sizeof(tn_tensor *) * (size_t)(l->n ? l->n : 1));
  if (!ts) { OBJ_DECREF(vm, l); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  for (int64_t i = 0; i < l->n; i++) {
    ts[i] = as_tensor(vm, l->v[i]);
    if (!ts[i]) {
      Value r = rt_raise(vm, EX_TypeError, "expected Tensor as element %lld in argument 0, but got %s", (long long)i, rt_type_name(vm, l->v[i]));
      free(ts);
      OBJ_DECREF(vm, l);
      return r;
    }
  }
  tn_tensor *r = stack ? tn_stack((int32_t)l->n, ts, dim) : tn_cat((int32_t)l->n, ts, dim);
  free(ts);
  OBJ_DECREF(vm, l);
  return wrap(vm, r);
}
static Value t_cat(VM *vm, Value *a, int n, Kw *kw) { return join(vm, a, n, kw, false); }
static Value t_stack(VM *vm, Value *a, int n, Kw *kw) { return join(vm, a, n, kw, true); }

static Value m_unflatten(VM *vm, Value *args, int n, Kw *kw) {
  SELF_T;
  int64_t dim;
  Value sz;
  if (dim_arg(vm, args, n, 1, kw, &dim) < 0) return VERR;
  if (!kw_find(kw, "sizes", &sz)) {
    if (n < 3) return rt_raise(vm, EX_TypeError, "unflatten() missing required argument 'sizes'");
    sz = args[2];
  }
  int64_t sizes[TN_MAX_DIMS];
  int32_t ns;
  if (shape_args(vm, &sz, 1, sizes, &ns) < 0) return VERR;
  return wrap(vm, tn_unflatten(self, dim, ns, sizes));
}

static Value inplace_m(VM *vm, tn_binary_op op, Value *args, int n) {
  if (n != 2) return rt_raise(vm, EX_TypeError, "expected 1 argument");
  Value r = inplace(vm, op, args, n);
  if (!IS_ERR(r) && r.tag == V_OBJ && r.u.o == vm->notimpl.u.o) {
    v_decref(vm, r);
    return rt_raise(vm, EX_TypeError, "in-place operation expects a Tensor or a number, not %s", rt_type_name(vm, args[1]));
  }
  return r;
}
static Value m_add_(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return inplace_m(vm, TN_BINARY_ADD, a, n); }
static Value m_sub_(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return inplace_m(vm, TN_BINARY_SUB, a, n); }
static Value m_mul_(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return inplace_m(vm, TN_BINARY_MUL, a, n); }
static Value m_div_(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return inplace_m(vm, TN_BINARY_DIV, a, n); }
static Value m_add(VM *vm, Value *a, int n, Kw *kw) { (void)kw; if (n != 2) return rt_raise(vm, EX_TypeError, "expected 1 argument"); return binop(vm, TN_BINARY_ADD, a[0], a[1], false); }
static Value m_mul(VM *vm, Value *a, int n, Kw *kw) { (void)kw; if (n != 2) return rt_raise(vm, EX_TypeError, "expected 1 argument"); return binop(vm, TN_BINARY_MUL, a[0], a[1], false); }

/* norm(p=2, dim=None, keepdim=False) */
static Value m_norm(VM *vm, Value *args, int n, Kw *kw) {
  SELF_T;
  Value p = n > 1 ? args[1] : VNONE, t;
  if (kw_find(kw, "p", &t)) p = t;
  double pv = 2;
  if (p.tag == V_INT) pv = (double)p.u.i;
  else if (p.tag == V_FLOAT) pv = p.u.f;
  else if (p.tag != V_NONE) return rt_raise(vm, EX_TypeError, "norm(): p must be a number");
  int64_t dims[TN_MAX_DIMS];
  int32_t nd = 0;
  Value d = n > 2 ? args[2] : VNONE;
  if (kw_find(kw, "dim", &t)) d = t;
  if (d.tag != V_NONE && shape_args(vm, &d, 1, dims, &nd) < 0) return VERR;
  Value k;
  bool keep = kw_find(kw, "keepdim", &k) && rt_truthy(vm, k) == 1;
  return wrap(vm, tn_norm(self, pv, nd, nd ? dims : NULL, keep));
}

static Value t_allclose(VM *vm, Value *args, int n, Kw *kw) {
  tn_tensor *a = n > 0 ? as_tensor(vm, args[0]) : NULL, *b = n > 1 ? as_tensor(vm, args[1]) : NULL;
  if (!a || !b) return rt_raise(vm, EX_TypeError, "allclose(): argument 'other' must be Tensor");
  double rtol = 1e-05, atol = 1e-08;
  Value t;
  if (kw_find(kw, "rtol", &t)) rtol = t.tag == V_INT ? (double)t.u.i : t.u.f;
  if (kw_find(kw, "atol", &t)) atol = t.tag == V_INT ? (double)t.u.i : t.u.f;
  bool en = kw_find(kw, "equal_nan", &t) && rt_truthy(vm, t) == 1, out;
  if (tn_allclose(a, b, rtol, atol, en, &out) < 0) return rt_raise_tn(vm);
  return v_bool(out);
}

static Value m_backward(VM *vm, Value *args, int n, Kw *kw) {
  SELF_T;
  Value g = n > 1 ? args[1] : VNONE, t;
  if (kw_find(kw, "gradient", &t)) g = t;
  tn_tensor *gt = g.tag == V_NONE ? NULL : as_tensor(vm, g);
  if (g.tag != V_NONE && !gt) return rt_raise(vm, EX_TypeError, "gradient must be a Tensor or None");
  bool create = kw_find(kw, "create_graph", &t) && rt_truthy(vm, t) == 1;
  bool retain = kw_find(kw, "retain_graph", &t) && t.tag != V_NONE ? rt_truthy(vm, t) == 1 : create;
  if (tn_backward(self, gt, retain, create) < 0) return rt_raise_tn(vm);
  return VNONE;
}
static Value m_requires_grad_(VM *vm, Value *args, int n, Kw *kw) {
  SELF_T;
  Value f = n > 1 ? args[1] : v_bool(true), t;
  if (kw_find(kw, "requires_grad", &t)) f = t;
  tn_tensor *r = tn_requires_grad_(self, rt_truthy(vm, f) == 1); /* in-place ops return a new reference */
  if (!r) return rt_raise_tn(vm);
  tn_release(r);
  v_incref(args[0]);
  return args[0];
}

static Value t_false(VM *vm, Value *args, int n, Kw *kw) { (void)vm; (void)args; (void)n; (void)kw; return v_bool(false); }

static int add_submodule(VM *vm, Dict *parent, const char *name, const char *full, Module **out) {
  Module *m = module_new(vm, full);
  if (!m) return -1;
  int r = dict_set_str(vm, parent, str_intern_cstr(vm, name), v_obj(m));
  *out = m;
  return r;
}

/* ----- torch.nn.functional (what the lecture's section 4 uses) ----- */

/* F.binary_cross_entropy_with_logits(input, target, reduction='mean'), composed of engine ops in
 * ATen's order (loss = (1 - y) * x + m + log(exp(-m) + exp(-x - m)), m = max(-x, 0)) so that the
 * numbers round as PyTorch's do and autodiff records the graph. */
static Value f_bce_logits(VM *vm, Value *args, int n, Kw *kw) {
  Value xv = n > 0 ? args[0] : VNULL, yv = n > 1 ? args[1] : VNULL, t;
  if (kw_find(kw, "input", &t)) xv = t;
  if (kw_find(kw, "target", &t)) yv = t;
  tn_tensor *x = xv.tag == V_NULL ? NULL : as_tensor(vm, xv), *y = yv.tag == V_NULL ? NULL : as_tensor(vm, yv);
  if (!x || !y) return rt_raise(vm, EX_TypeError, "binary_cross_entropy_with_logits(): input and target must be Tensors");
  const char *red = "mean";
  if (kw_find(kw, "reduction", &t)) {
    if (t.tag != V_OBJ || t.u.o->kind != O_STR) return rt_raise(vm, EX_TypeError, "reduction must be a string");
    red = ((Str *)t.u.o)->s;
  }
  if (strcmp(red, "mean") != 0 && strcmp(red, "sum") != 0 && strcmp(red, "none") != 0)
    return rt_raise(vm, EX_ValueError, "%s is not a valid value for reduction", red);
  bool same = x->ndim == y->ndim;
  for (int i = 0; same && i < x->ndim; i++) same = x->shape[i] == y->shape[i];
  if (!same) {
    char *a = tn_format_size(y->ndim, y->shape), *b = tn_format_size(x->ndim, x->shape);
    Value r = rt_raise(vm, EX_ValueError, "Target size (%s) must be the same as input size (%s)", a ? a : "", b ? b : "");
    free(a);
    free(b);
    return r;
  }
  tn_scalar zero = tn_scalar_int(0);
  tn_tensor *one = tn_wrap_scalar(tn_scalar_int(1));
  tn_tensor *nx = tn_unary(TN_UNARY_NEG, x);
  tn_tensor *m = nx ? tn_clamp(nx, &zero, NULL) : NULL;
  tn_tensor *omy = one ? tn_binary(TN_BINARY_SUB, one, y) : NULL;
  tn_tensor *a = omy ? tn_binary(TN_BINARY_MUL, omy, x) : NULL;
  tn_tensor *b = a && m ? tn_binary(TN_BINARY_ADD, a, m) : NULL;
  tn_tensor *nm = m ? tn_unary(TN_UNARY_NEG, m) : NULL;
  tn_tensor *e1 = nm ? tn_unary(TN_UNARY_EXP, nm) : NULL;
  tn_tensor *d = nx && m ? tn_binary(TN_BINARY_SUB, nx, m) : NULL;
  tn_tensor *e2 = d ? tn_unary(TN_UNARY_EXP, d) : NULL;
  tn_tensor *s = e1 && e2 ? tn_binary(TN_BINARY_ADD, e1, e2) : NULL;
  tn_tensor *l = s ? tn_unary(TN_UNARY_LOG, s) : NULL;
  tn_tensor *loss = b && l ? tn_binary(TN_BINARY_ADD, b, l) : NULL;
  tn_tensor *r = NULL;
  if (loss) {
    if (strcmp(red, "none") == 0) r = tn_retain(loss);
    else r = (strcmp(red, "sum") == 0 ? tn_sum : tn_mean)(loss, 0, NULL, false, TN_DTYPE_UNDEFINED);
  }
  tn_tensor *tmp[] = {one, nx, m, omy, a, b, nm, e1, d, e2, s, l, loss};
  Value out = r ? wrap(vm, r) : rt_raise_tn(vm);
  for (size_t i = 0; i < sizeof tmp / sizeof tmp[0]; i++) if (tmp[i]) tn_release(tmp[i]);
  return out;
}

Value mod_torch_nn_functional_init(VM *vm) {
  Value tm = import_module(vm, str_intern_cstr(vm, "torch")); /* the Tensor class */
  if (IS_ERR(tm)) return tm;
  v_decref(vm, tm);
  Module *m = module_new(vm, "torch.nn.functional");
  if (!m) return rt_raise(vm, EX_MemoryError, "%s", "");
  def_func(vm, m->dict, "binary_cross_entropy_with_logits", f_bce_logits);
  def_func(vm, m->dict, "relu", f_relu);
  def_func(vm, m->dict, "sigmoid", f_sigmoid);
  def_func(vm, m->dict, "tanh", f_tanh);
  /* the losses and softmaxes written in Python (modules_py.c) */
  Value py = import_module(vm, str_intern_cstr(vm, "torch.nn._functional_py"));
  if (IS_ERR(py)) { OBJ_DECREF(vm, m); return py; }
  static const char *const py_names[] = {"mse_loss", "binary_cross_entropy", "cross_entropy", "nll_loss",
                                         "softmax", "log_softmax", "linear", "binary_cross_entropy_with_logits",
                                         "one_hot"};
  for (size_t i = 0; i < sizeof py_names / sizeof py_names[0]; i++) {
    Str *k = str_intern_cstr(vm, py_names[i]);
    Value f = k ? dict_get_str(((Module *)py.u.o)->dict, k) : VNULL;
    if (f.tag != V_NULL && dict_set_str(vm, m->dict, k, f) < 0) { v_decref(vm, py); OBJ_DECREF(vm, m); return VERR; }
  }
  v_decref(vm, py);
  return v_obj(m);
}

static Value m_uniform_(VM *vm, Value *args, int n, Kw *kw) {
  SELF_T;
  double lo = 0, hi = 1;
  Value t;
  Value a = n > 1 ? args[1] : VNONE, b = n > 2 ? args[2] : VNONE;
  if (kw_find(kw, "from", &t)) a = t;
  if (kw_find(kw, "to", &t)) b = t;
  if (a.tag == V_INT) lo = (double)a.u.i; else if (a.tag == V_FLOAT) lo = a.u.f;
  if (b.tag == V_INT) hi = (double)b.u.i; else if (b.tag == V_FLOAT) hi = b.u.f;
  tn_tensor *r = tn_uniform_(self, lo, hi);
  if (!r) return rt_raise_tn(vm);
  tn_release(r);
  v_incref(args[0]);
  return args[0];
}

static Value m_zero_(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF_T;
  tn_tensor *r = tn_zero_(self);
  if (!r) return rt_raise_tn(vm);
  tn_release(r);
  v_incref(args[0]);
  return args[0];
}

/* t.grad = g / None, t.data = d and t.requires_grad = flag */
static int tensor_setattr(VM *vm, Value self_v, Str *name, Value v) {
  tn_tensor *t = as_tensor(vm, self_v);
  if (!t) return 0;
  if (strcmp(name->s, "grad") == 0) {
    tn_tensor *g = v.tag == V_NONE ? NULL : as_tensor(vm, v);
    if (v.tag != V_NONE && !g) { rt_raise(vm, EX_TypeError, "assigned grad expected to be a Tensor or None but got grad of type %s", rt_type_name(vm, v)); return -1; }
    if (tn_set_grad(t, g) < 0) { rt_raise_tn(vm); return -1; }
    return 1;
  }
  if (strcmp(name->s, "data") == 0) {
    tn_tensor *src = as_tensor(vm, v);
    if (!src) { rt_raise(vm, EX_TypeError, "Variable data has to be a tensor, but got %s", rt_type_name(vm, v)); return -1; }
    if (tn_set_data(t, src) < 0) { rt_raise_tn(vm); return -1; }
    return 1;
  }
  if (strcmp(name->s, "requires_grad") == 0) {
    int f = rt_truthy(vm, v);
    if (f < 0) return -1;
    /* the property setter's wording differs from requires_grad_()'s */
    if (f == 1 && tn_is_leaf(t) && !tn_dtype_is_floating(t->dtype)) {
      rt_raise(vm, EX_RuntimeError, "only Tensors of floating point and complex dtype can require gradients");
      return -1;
    }
    tn_tensor *r = tn_requires_grad_(t, f == 1);
    if (!r) { rt_raise_tn(vm); return -1; }
    tn_release(r);
    return 1;
  }
  return 0;
}

/* ----- module ----- */

static Class *native_class(VM *vm, const char *name, const char *module) {
  Class *c = class_new(vm, name, vm->cls[CLS_object], true);
  if (c) c->module = module;
  return c;
}

Value mod_torch_init(VM *vm) {
  Module *m = module_new(vm, "torch");
  if (!m) return rt_raise(vm, EX_MemoryError, "%s", "");
  bool first = !vm->t_tensor;
  if (!vm->t_tensor) {
    vm->t_tensor = native_class(vm, "Tensor", "torch");
    vm->t_dtype = native_class(vm, "dtype", "torch");
    vm->t_size = native_class(vm, "Size", "torch");
    vm->t_device = native_class(vm, "device", "torch");
    if (!vm->t_tensor || !vm->t_dtype || !vm->t_size || !vm->t_device) { OBJ_DECREF(vm, m); return rt_raise(vm, EX_MemoryError, "%s", ""); }
    vm->t_tensor->getattr_hook = tensor_getattr;
    vm->t_tensor->setattr_hook = tensor_setattr;
    vm->t_dtype->getattr_hook = dtype_getattr;
    vm->t_device->getattr_hook = torch_device_getattr;
    static const struct { const char *name; NatFn fn; } tm[] = {
      {"__repr__", tensor_repr}, {"__str__", tensor_repr}, {"__format__", d_format}, {"item", tensor_item},
      {"tolist", tensor_tolist}, {"float", m_float}, {"double", m_double}, {"long", m_long}, {"int", m_int},
      {"bool", m_bool}, {"to", m_to}, {"size", m_size}, {"stride", m_stride}, {"dim", m_dim}, {"numel", m_numel},
      {"is_contiguous", m_is_contiguous}, {"contiguous", m_contiguous}, {"clone", m_clone}, {"detach", m_detach},
      {"t", m_t}, {"storage_offset", m_storage_offset}, {"view", m_view}, {"reshape", m_reshape},
      {"transpose", m_transpose}, {"permute", m_permute}, {"unsqueeze", m_unsqueeze}, {"squeeze", m_squeeze},
      {"flatten", m_flatten}, {"sum", m_sum}, {"mean", m_mean}, {"prod", m_prod}, {"max", m_max}, {"min", m_min},
      {"argmax", m_argmax}, {"argmin", m_argmin}, {"abs", m_abs}, {"exp", m_exp}, {"log", m_log}, {"sqrt", m_sqrt},
      {"sin", m_sin}, {"cos", m_cos}, {"tanh", m_tanh}, {"sigmoid", m_sigmoid}, {"relu", m_relu}, {"floor", m_floor},
      {"ceil", m_ceil}, {"round", m_round}, {"sign", m_sign}, {"square", m_square}, {"pow", m_pow}, {"clamp", m_clamp},
      {"matmul", d_matmul}, {"dot", m_dot}, {"mm", d_matmul},
      {"__add__", d_add}, {"__radd__", d_radd}, {"__sub__", d_sub}, {"__rsub__", d_rsub}, {"__mul__", d_mul},
      {"__rmul__", d_rmul}, {"__truediv__", d_truediv}, {"__rtruediv__", d_rtruediv}, {"__floordiv__", d_floordiv},
      {"__rfloordiv__", d_rfloordiv}, {"__mod__", d_mod}, {"__rmod__", d_rmod}, {"__pow__", d_pow}, {"__rpow__", d_rpow},
      {"__matmul__", d_matmul}, {"__eq__", d_eq}, {"__ne__", d_ne}, {"__lt__", d_lt}, {"__le__", d_le}, {"__gt__", d_gt},
      {"__ge__", d_ge}, {"__and__", d_and}, {"__or__", d_or}, {"__xor__", d_xor}, {"__neg__", d_neg}, {"__pos__", d_pos},
      {"__iadd__", d_iadd}, {"__isub__", d_isub}, {"__imul__", d_imul}, {"__itruediv__", d_itruediv},
      {"__getitem__", d_getitem}, {"__setitem__", d_setitem}, {"__len__", d_len}, {"__iter__", d_iter},
      {"__bool__", d_bool}, {"__float__", d_float}, {"__int__", d_int}, {"__abs__", m_abs},
      {"data_ptr", m_data_ptr}, {"unflatten", m_unflatten}, {"add_", m_add_}, {"sub_", m_sub_}, {"mul_", m_mul_},
      {"div_", m_div_}, {"add", m_add}, {"mul", m_mul}, {"norm", m_norm}, {"backward", m_backward},
      {"requires_grad_", m_requires_grad_}, {"numpy", torch_numpy}, {"uniform_", m_uniform_}, {"zero_", m_zero_},
    };
    for (size_t i = 0; i < sizeof tm / sizeof tm[0]; i++) def_method(vm, vm->t_tensor, tm[i].name, tm[i].fn);
    def_method(vm, vm->t_size, "__repr__", size_repr);
    def_method(vm, vm->t_size, "__len__", size_len);
    def_method(vm, vm->t_size, "__getitem__", size_getitem);
    def_method(vm, vm->t_size, "__iter__", size_iter);
    def_method(vm, vm->t_size, "__eq__", size_eq);
    def_method(vm, vm->t_size, "numel", size_numel);
    def_method(vm, vm->t_dtype, "__repr__", dtype_repr);
    def_method(vm, vm->t_device, "__repr__", torch_device_repr);
    def_method(vm, vm->t_device, "__str__", torch_device_str);
    def_method(vm, vm->t_device, "__eq__", torch_device_eq);
    for (int d = 0; d < TN_DTYPE_COUNT; d++) {
      vm->t_dtypes[d] = native_new(vm, vm->t_dtype, (void *)(intptr_t)d, NULL);
      if (IS_ERR(vm->t_dtypes[d])) { vm->t_dtypes[d] = VNULL; OBJ_DECREF(vm, m); return VERR; }
    }
  }
  static const struct { const char *name; tn_dtype d; } dts[] = {
    {"float32", TN_DTYPE_FLOAT32}, {"float", TN_DTYPE_FLOAT32}, {"float64", TN_DTYPE_FLOAT64}, {"double", TN_DTYPE_FLOAT64},
    {"float16", TN_DTYPE_FLOAT16}, {"half", TN_DTYPE_FLOAT16}, {"bfloat16", TN_DTYPE_BFLOAT16}, {"int64", TN_DTYPE_INT64},
    {"long", TN_DTYPE_INT64}, {"int32", TN_DTYPE_INT32}, {"int", TN_DTYPE_INT32}, {"int16", TN_DTYPE_INT16},
    {"short", TN_DTYPE_INT16}, {"int8", TN_DTYPE_INT8}, {"uint8", TN_DTYPE_UINT8}, {"bool", TN_DTYPE_BOOL},
  };
  for (size_t i = 0; i < sizeof dts / sizeof dts[0]; i++) dict_set_str(vm, m->dict, str_intern_cstr(vm, dts[i].name), vm->t_dtypes[dts[i].d]);
  dict_set_str(vm, m->dict, str_intern_cstr(vm, "Tensor"), v_obj(vm->t_tensor));
  dict_set_str(vm, m->dict, str_intern_cstr(vm, "Size"), v_obj(vm->t_size));
  dict_set_str(vm, m->dict, str_intern_cstr(vm, "dtype"), v_obj(vm->t_dtype));
  static const struct { const char *name; NatFn fn; } fns[] = {
    {"tensor", t_tensor_fn}, {"zeros", t_zeros}, {"ones", t_ones}, {"empty", t_empty}, {"rand", t_rand},
    {"randn", t_randn}, {"full", t_full}, {"arange", t_arange}, {"linspace", t_linspace}, {"eye", t_eye},
    {"zeros_like", t_zeros_like}, {"ones_like", t_ones_like}, {"rand_like", t_rand_like}, {"randn_like", t_randn_like},
    {"randint", t_randint}, {"manual_seed", t_manual_seed},
    {"get_num_threads", t_get_num_threads}, {"set_num_threads", t_set_num_threads},
    {"abs", f_abs}, {"exp", f_exp}, {"log", f_log}, {"sqrt", f_sqrt}, {"sin", f_sin}, {"cos", f_cos}, {"tanh", f_tanh},
    {"sigmoid", f_sigmoid}, {"relu", f_relu}, {"floor", f_floor}, {"ceil", f_ceil}, {"round", f_round},
    {"sign", f_sign}, {"square", f_square}, {"matmul", d_matmul}, {"mm", d_matmul}, {"dot", m_dot},
    {"sum", m_sum}, {"mean", m_mean}, {"max", m_max}, {"min", m_min}, {"argmax", m_argmax}, {"argmin", m_argmin},
    {"clamp", m_clamp}, {"pow", m_pow}, {"transpose", m_transpose}, {"reshape", m_reshape}, {"flatten", m_flatten},
    {"unsqueeze", m_unsqueeze}, {"squeeze", m_squeeze}, {"clone", m_clone},
    {"cat", t_cat}, {"stack", t_stack}, {"allclose", t_allclose}, {"norm", m_norm}, {"device", torch_device_new},
    {"from_numpy", torch_from_numpy}, {"unflatten", m_unflatten},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) def_func(vm, m->dict, fns[i].name, fns[i].fn);
  if (torch_more_init(vm, m, first) < 0) { OBJ_DECREF(vm, m); return VERR; }
  Module *cuda = NULL, *backends = NULL, *mps = NULL;
  int bad = add_submodule(vm, m->dict, "cuda", "torch.cuda", &cuda);
  if (cuda) { torch_cuda_init(vm, cuda->dict); OBJ_DECREF(vm, cuda); }
  if (!bad) bad = add_submodule(vm, m->dict, "backends", "torch.backends", &backends);
  if (backends) {
    if (!bad) bad = add_submodule(vm, backends->dict, "mps", "torch.backends.mps", &mps);
    if (mps) { def_func(vm, mps->dict, "is_available", t_false); OBJ_DECREF(vm, mps); }
    OBJ_DECREF(vm, backends);
  }
  if (bad) { OBJ_DECREF(vm, m); return VERR; }
  return v_obj(m);
}
