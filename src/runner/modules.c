/* modules.c — the native-module registry (import looks names up here; torch and numpy add their
 * own entries) and the small standard modules: math, time, sys. */
#include "rt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

Value mod_sys_init(VM *vm);
Value import_py_module(VM *vm, Str *name); /* modules_py.c */
bool py_module_known(const char *name);    /* modules_py.c */

static const struct { const char *name; ModInit init; } registry[] = {
  {"math", mod_math_init},
  {"random", mod_random_init},
  {"time", mod_time_init},
  {"sys", mod_sys_init},
  {"torch", mod_torch_init},
  {"numpy", mod_numpy_init},
  {"torch.nn.functional", mod_torch_nn_functional_init},
  {"torch.linalg", mod_torch_linalg_init},
  {"torch.autograd", mod_torch_autograd_init},
};

/* As Python does, an imported submodule becomes an attribute of its (already imported) parent. */
static void attach_to_parent(VM *vm, Str *name, Value mod) {
  const char *dot = strrchr(name->s, '.');
  if (!dot) return;
  Str *parent = str_intern(vm, name->s, (int64_t)(dot - name->s));
  Value p = parent ? dict_get_str(vm->modules, parent) : VNULL;
  Str *child = str_intern_cstr(vm, dot + 1);
  if (p.tag == V_OBJ && p.u.o->kind == O_MODULE && child) dict_set_str(vm, ((Module *)p.u.o)->dict, child, mod);
}

Value import_module(VM *vm, Str *name) {
  Value m = dict_get_str(vm->modules, name);
  if (m.tag != V_NULL) { v_incref(m); return m; }
  Value mod = VNULL;
  for (size_t i = 0; i < sizeof registry / sizeof registry[0] && mod.tag == V_NULL; i++)
    if (strcmp(registry[i].name, name->s) == 0) mod = registry[i].init(vm);
  if (mod.tag == V_NULL) mod = import_py_module(vm, name);
  if (IS_ERR(mod)) return mod;
  if (mod.tag == V_NULL) return rt_raise(vm, EX_ModuleNotFoundError, "No module named '%s'", name->s);
  if (dict_set_str(vm, vm->modules, name, mod) < 0) { v_decref(vm, mod); return VERR; }
  attach_to_parent(vm, name, mod);
  return mod;
}

/* `import torch` makes torch.nn, torch.optim, ... usable at once; here they are imported on their
 * first use as attributes, which prints the same. VNULL when parent.attr is no module we have. */
Value import_submodule_attr(VM *vm, Module *parent, Str *attr) {
  char full[256];
  int len = snprintf(full, sizeof full, "%s.%s", parent->name->s, attr->s);
  if (len < 0 || (size_t)len >= sizeof full) return VNULL;
  bool known = py_module_known(full);
  for (size_t i = 0; i < sizeof registry / sizeof registry[0] && !known; i++) known = strcmp(registry[i].name, full) == 0;
  if (!known) return VNULL;
  Str *name = str_intern_cstr(vm, full);
  if (!name) return VERR;
  return import_module(vm, name);
}

static void set_const(VM *vm, Module *m, const char *name, Value v) {
  Str *k = str_intern_cstr(vm, name);
  if (k) dict_set_str(vm, m->dict, k, v);
}

/* ----- math ----- */

static int arg_double(VM *vm, Value v, double *out) {
  Value f = rt_float_of(vm, v);
  if (IS_ERR(f)) return -1;
  *out = f.u.f;
  return 0;
}

static Value math_result(VM *vm, double x, double r, bool can_overflow) {
  if (isnan(r) && !isnan(x)) return rt_raise(vm, EX_ValueError, "math domain error");
  if (isinf(r) && isfinite(x)) {
    if (can_overflow) return rt_raise(vm, EX_OverflowError, "math range error");
    return rt_raise(vm, EX_ValueError, "math domain error");
  }
  return v_float(r);
}

#define MATH1(cname, expr, overflow)                                            \
  static Value m_##cname(VM *vm, Value *args, int n, Kw *kw) {                  \
    if (check_no_kw(vm, kw, #cname) < 0 || check_nargs(vm, #cname, n, 1, 1) < 0) \
      return VERR;                                                              \
    double x;                                                                   \
    if (arg_double(vm, args[0], &x) < 0) return VERR;                           \
    return math_result(vm, x, (expr), overflow);                                \
  }

MATH1(exp, exp(x), true)
MATH1(exp2, exp2(x), true)
MATH1(expm1, expm1(x), true)
MATH1(sin, sin(x), false)
MATH1(cos, cos(x), false)
MATH1(tan, tan(x), false)
MATH1(asin, asin(x), false)
MATH1(acos, acos(x), false)
MATH1(atan, atan(x), false)
MATH1(sinh, sinh(x), true)
MATH1(cosh, cosh(x), true)
MATH1(tanh, tanh(x), false)
MATH1(asinh, asinh(x), false)
MATH1(acosh, acosh(x), false)
MATH1(atanh, atanh(x), false)
MATH1(fabs, fabs(x), false)
MATH1(erf, erf(x), false)
MATH1(erfc, erfc(x), false)
MATH1(cbrt, cbrt(x), false)
MATH1(degrees, x * (180.0 / 3.141592653589793), true)
MATH1(radians, x * (3.141592653589793 / 180.0), false)

static Value m_sqrt(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "sqrt") < 0 || check_nargs(vm, "sqrt", n, 1, 1) < 0) return VERR;
  double x;
  if (arg_double(vm, args[0], &x) < 0) return VERR;
  if (x < 0) return rt_raise(vm, EX_ValueError, "math domain error");
  return v_float(sqrt(x));
}

static Value m_log_impl(VM *vm, Value *args, int n, Kw *kw, int which, const char *name) {
  if (check_no_kw(vm, kw, name) < 0 || check_nargs(vm, name, n, 1, which == 0 ? 2 : 1) < 0) return VERR;
  double x;
  if (arg_double(vm, args[0], &x) < 0) return VERR;
  if (which == 3) {
    if (x <= -1) return rt_raise(vm, EX_ValueError, "math domain error");
    return v_float(log1p(x));
  }
  if (x <= 0 || isnan(x)) {
    if (isnan(x)) return v_float(x);
    return rt_raise(vm, EX_ValueError, "math domain error");
  }
  if (which == 1) return v_float(log2(x));
  if (which == 2) return v_float(log10(x));
  double r = log(x);
  if (n == 2) {
    double b;
    if (arg_double(vm, args[1], &b) < 0) return VERR;
    if (b <= 0) return rt_raise(vm, EX_ValueError, "math domain error");
    double lb = log(b);
    if (lb == 0) return rt_raise(vm, EX_ZeroDivisionError, "float division by zero");
    r = r / lb;
  }
  return v_float(r);
}
static Value m_log(VM *vm, Value *a, int n, Kw *kw) { return m_log_impl(vm, a, n, kw, 0, "log"); }
static Value m_log2(VM *vm, Value *a, int n, Kw *kw) { return m_log_impl(vm, a, n, kw, 1, "log2"); }
static Value m_log10(VM *vm, Value *a, int n, Kw *kw) { return m_log_impl(vm, a, n, kw, 2, "log10"); }
static Value m_log1p(VM *vm, Value *a, int n, Kw *kw) { return m_log_impl(vm, a, n, kw, 3, "log1p"); }

static Value to_int_checked(VM *vm, double d) {
  if (isnan(d)) return rt_raise(vm, EX_ValueError, "cannot convert float NaN to integer");
  if (isinf(d)) return rt_raise(vm, EX_OverflowError, "cannot convert float infinity to integer");
  if (d >= 9.2233720368547758e18 || d < -9.2233720368547758e18) return rt_raise(vm, EX_OverflowError, "integer result too large for the runner's 64-bit int");
  return v_int((int64_t)d);
}

static Value m_rounding(VM *vm, Value *args, int n, Kw *kw, int which, const char *name) {
  if (check_no_kw(vm, kw, name) < 0 || check_nargs(vm, name, n, 1, 1) < 0) return VERR;
  if (args[0].tag == V_INT || args[0].tag == V_BOOL) return v_int(args[0].u.i);
  if (args[0].tag == V_OBJ) {
    Str *dn = str_intern_cstr(vm, which == 0 ? "__floor__" : which == 1 ? "__ceil__" : "__trunc__");
    Value r = dn ? rt_call_method(vm, args[0], dn, NULL, 0) : VNULL;
    if (r.tag != V_NULL) return r;
  }
  double x;
  if (arg_double(vm, args[0], &x) < 0) return VERR;
  return to_int_checked(vm, which == 0 ? floor(x) : which == 1 ? ceil(x) : trunc(x));
}
static Value m_floor(VM *vm, Value *a, int n, Kw *kw) { return m_rounding(vm, a, n, kw, 0, "floor"); }
static Value m_ceil(VM *vm, Value *a, int n, Kw *kw) { return m_rounding(vm, a, n, kw, 1, "ceil"); }
static Value m_trunc(VM *vm, Value *a, int n, Kw *kw) { return m_rounding(vm, a, n, kw, 2, "trunc"); }

static Value m_pow(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "pow") < 0 || check_nargs(vm, "pow", n, 2, 2) < 0) return VERR;
  double x, y;
  if (arg_double(vm, args[0], &x) < 0 || arg_double(vm, args[1], &y) < 0) return VERR;
  if (x == 0 && y < 0) return rt_raise(vm, EX_ValueError, "math domain error");
  if (x < 0 && isfinite(x) && isfinite(y) && y != floor(y)) return rt_raise(vm, EX_ValueError, "math domain error");
  double r = pow(x, y);
  if (isinf(r) && isfinite(x) && isfinite(y)) return rt_raise(vm, EX_OverflowError, "math range error");
  return v_float(r);
}

static Value m_atan2(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "atan2") < 0 || check_nargs(vm, "atan2", n, 2, 2) < 0) return VERR;
  double y, x;
  if (arg_double(vm, args[0], &y) < 0 || arg_double(vm, args[1], &x) < 0) return VERR;
  return v_float(atan2(y, x));
}

static Value m_fmod(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "fmod") < 0 || check_nargs(vm, "fmod", n, 2, 2) < 0) return VERR;
  double x, y;
  if (arg_double(vm, args[0], &x) < 0 || arg_double(vm, args[1], &y) < 0) return VERR;
  if (y == 0 || isinf(x)) return rt_raise(vm, EX_ValueError, "math domain error");
  return v_float(fmod(x, y));
}

static Value m_copysign(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "copysign") < 0 || check_nargs(vm, "copysign", n, 2, 2) < 0) return VERR;
  double x, y;
  if (arg_double(vm, args[0], &x) < 0 || arg_double(vm, args[1], &y) < 0) return VERR;
  return v_float(copysign(x, y));
}

static Value m_hypot(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "hypot") < 0) return VERR;
  double r = 0;
  if (n == 2) {
    double x, y;
    if (arg_double(vm, args[0], &x) < 0 || arg_double(vm, args[1], &y) < 0) return VERR;
    return v_float(hypot(x, y));
  }
  for (int i = 0; i < n; i++) {
    double x;
    if (arg_double(vm, args[i], &x) < 0) return VERR;
    r = hypot(r, x);
  }
  return v_float(r);
}

static Value m_pred(VM *vm, Value *args, int n, Kw *kw, int which, const char *name) {
  if (check_no_kw(vm, kw, name) < 0 || check_nargs(vm, name, n, 1, 1) < 0) return VERR;
  double x;
  if (arg_double(vm, args[0], &x) < 0) return VERR;
  return v_bool(which == 0 ? isnan(x) : which == 1 ? isinf(x) : isfinite(x));
}
static Value m_isnan(VM *vm, Value *a, int n, Kw *kw) { return m_pred(vm, a, n, kw, 0, "isnan"); }
static Value m_isinf(VM *vm, Value *a, int n, Kw *kw) { return m_pred(vm, a, n, kw, 1, "isinf"); }
static Value m_isfinite(VM *vm, Value *a, int n, Kw *kw) { return m_pred(vm, a, n, kw, 2, "isfinite"); }

static Value m_isclose(VM *vm, Value *args, int n, Kw *kw) {
  if (check_nargs(vm, "isclose", n, 2, 2) < 0) return VERR;
  double a, b, rel = 1e-9, abs_tol = 0;
  Value t;
  if (arg_double(vm, args[0], &a) < 0 || arg_double(vm, args[1], &b) < 0) return VERR;
  if (kw_find(kw, "rel_tol", &t) && arg_double(vm, t, &rel) < 0) return VERR;
  if (kw_find(kw, "abs_tol", &t) && arg_double(vm, t, &abs_tol) < 0) return VERR;
  if (rel < 0 || abs_tol < 0) return rt_raise(vm, EX_ValueError, "tolerances must be non-negative");
  if (a == b) return v_bool(true);
  if (isinf(a) || isinf(b)) return v_bool(false);
  double diff = fabs(b - a);
  return v_bool(diff <= fabs(rel * b) || diff <= fabs(rel * a) || diff <= abs_tol);
}

static Value m_factorial(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "factorial") < 0 || check_nargs(vm, "factorial", n, 1, 1) < 0) return VERR;
  if (args[0].tag == V_FLOAT) return rt_raise(vm, EX_TypeError, "'float' object cannot be interpreted as an integer");
  int64_t k;
  if (rt_index(vm, args[0], &k, NULL) < 0) return VERR;
  if (k < 0) return rt_raise(vm, EX_ValueError, "factorial() not defined for negative values");
  int64_t r = 1;
  for (int64_t i = 2; i <= k; i++)
    if (__builtin_mul_overflow(r, i, &r)) return rt_raise(vm, EX_OverflowError, "integer result too large for the runner's 64-bit int");
  return v_int(r);
}

static int64_t gcd64(int64_t a, int64_t b) {
  uint64_t x = a < 0 ? 0 - (uint64_t)a : (uint64_t)a, y = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
  while (y) { uint64_t t = x % y; x = y; y = t; }
  return (int64_t)x;
}

static Value m_gcd(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "gcd") < 0) return VERR;
  int64_t g = 0;
  for (int i = 0; i < n; i++) {
    int64_t x;
    if (rt_index(vm, args[i], &x, NULL) < 0) return VERR;
    g = gcd64(g, x);
  }
  return v_int(g);
}

static Value m_lcm(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "lcm") < 0) return VERR;
  int64_t l = 1;
  for (int i = 0; i < n; i++) {
    int64_t x;
    if (rt_index(vm, args[i], &x, NULL) < 0) return VERR;
    if (x == 0) return v_int(0);
    int64_t g = gcd64(l, x), r;
    if (__builtin_mul_overflow(l / g, x < 0 ? -x : x, &r)) return rt_raise(vm, EX_OverflowError, "integer result too large for the runner's 64-bit int");
    l = r;
  }
  return v_int(l);
}

static Value m_comb_perm(VM *vm, Value *args, int n, Kw *kw, bool comb) {
  const char *name = comb ? "comb" : "perm";
  if (check_no_kw(vm, kw, name) < 0 || check_nargs(vm, name, n, comb ? 2 : 1, 2) < 0) return VERR;
  int64_t a, k;
  if (rt_index(vm, args[0], &a, NULL) < 0) return VERR;
  if (n == 1) k = a;
  else if (rt_index(vm, args[1], &k, NULL) < 0) return VERR;
  if (a < 0) return rt_raise(vm, EX_ValueError, "n must be a non-negative integer");
  if (k < 0) return rt_raise(vm, EX_ValueError, "k must be a non-negative integer");
  if (k > a) return v_int(0);
  if (comb && k > a - k) k = a - k;
  __int128 r = 1;
  for (int64_t i = 0; i < k; i++) {
    r = r * (a - i);
    if (comb) r /= (i + 1);
    if (r > INT64_MAX) return rt_raise(vm, EX_OverflowError, "integer result too large for the runner's 64-bit int");
  }
  return v_int((int64_t)r);
}
static Value m_comb(VM *vm, Value *a, int n, Kw *kw) { return m_comb_perm(vm, a, n, kw, true); }
static Value m_perm(VM *vm, Value *a, int n, Kw *kw) { return m_comb_perm(vm, a, n, kw, false); }

static Value m_prod(VM *vm, Value *args, int n, Kw *kw) {
  if (check_nargs(vm, "prod", n, 1, 1) < 0) return VERR;
  Value acc = v_int(1), t;
  if (kw_find(kw, "start", &t)) acc = t;
  v_incref(acc);
  List *l = rt_to_list(vm, args[0]);
  if (!l) { v_decref(vm, acc); return VERR; }
  for (int64_t i = 0; i < l->n; i++) {
    Value r = rt_binop(vm, OP_MUL, acc, l->v[i]);
    v_decref(vm, acc);
    if (IS_ERR(r)) { OBJ_DECREF(vm, l); return r; }
    acc = r;
  }
  OBJ_DECREF(vm, l);
  return acc;
}

/* Shewchuk's exact summation, as CPython's math.fsum */
static Value m_fsum(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "fsum") < 0 || check_nargs(vm, "fsum", n, 1, 1) < 0) return VERR;
  List *l = rt_to_list(vm, args[0]);
  if (!l) return VERR;
  double partials[64];
  int np = 0;
  double special = 0, inf_sum = 0;
  for (int64_t k = 0; k < l->n; k++) {
    double x;
    if (arg_double(vm, l->v[k], &x) < 0) { OBJ_DECREF(vm, l); return VERR; }
    if (!isfinite(x)) {
      if (isinf(x)) inf_sum += x;
      special += x;
      continue;
    }
    int i = 0;
    for (int j = 0; j < np; j++) {
      double y = partials[j];
      if (fabs(x) < fabs(y)) { double t = x; x = y; y = t; }
      double hi = x + y, lo = y - (hi - x);
      if (lo != 0.0) partials[i++] = lo;
      x = hi;
    }
    np = i;
    if (np < 64) partials[np++] = x;
  }
  OBJ_DECREF(vm, l);
  if (special != 0.0) {
    if (isnan(inf_sum)) return rt_raise(vm, EX_ValueError, "-inf + inf in fsum");
    return v_float(special);
  }
  double hi = 0.0;
  if (np > 0) {
    int k = np - 1;
    hi = partials[k];
    double lo = 0;
    while (k > 0) {
      double x = hi, y = partials[--k];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) break;
    }
    if (k > 0 && ((lo < 0.0 && partials[k - 1] < 0.0) || (lo > 0.0 && partials[k - 1] > 0.0))) {
      double y = lo * 2.0, x = hi + y, yr = x - hi;
      if (y == yr) hi = x;
    }
  }
  return v_float(hi);
}

static Value m_gamma_impl(VM *vm, Value *args, int n, Kw *kw, bool lg) {
  const char *name = lg ? "lgamma" : "gamma";
  if (check_no_kw(vm, kw, name) < 0 || check_nargs(vm, name, n, 1, 1) < 0) return VERR;
  double x;
  if (arg_double(vm, args[0], &x) < 0) return VERR;
  if (x <= 0 && x == floor(x)) return rt_raise(vm, EX_ValueError, "math domain error");
  double r = lg ? lgamma(x) : tgamma(x);
  if (isinf(r) && isfinite(x)) return rt_raise(vm, EX_OverflowError, "math range error");
  return v_float(r);
}
static Value m_gamma(VM *vm, Value *a, int n, Kw *kw) { return m_gamma_impl(vm, a, n, kw, false); }
static Value m_lgamma(VM *vm, Value *a, int n, Kw *kw) { return m_gamma_impl(vm, a, n, kw, true); }

static Value m_dist(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "dist") < 0 || check_nargs(vm, "dist", n, 2, 2) < 0) return VERR;
  List *p = rt_to_list(vm, args[0]), *q = p ? rt_to_list(vm, args[1]) : NULL;
  if (!p || !q) { if (p) OBJ_DECREF(vm, p); return VERR; }
  Value r;
  if (p->n != q->n) r = rt_raise(vm, EX_ValueError, "both points must have the same number of dimensions");
  else {
    double acc = 0;
    r = VNULL;
    for (int64_t i = 0; i < p->n; i++) {
      double a, b;
      if (arg_double(vm, p->v[i], &a) < 0 || arg_double(vm, q->v[i], &b) < 0) { r = VERR; break; }
      acc = hypot(acc, a - b);
    }
    if (r.tag == V_NULL) r = v_float(acc);
  }
  OBJ_DECREF(vm, p);
  OBJ_DECREF(vm, q);
  return r;
}

Value mod_math_init(VM *vm) {
  Module *m = module_new(vm, "math");
  if (!m) return rt_raise(vm, EX_MemoryError, "%s", "");
  static const struct { const char *name; NatFn fn; } fns[] = {
    {"sqrt", m_sqrt}, {"exp", m_exp}, {"exp2", m_exp2}, {"expm1", m_expm1}, {"log", m_log}, {"log2", m_log2},
    {"log10", m_log10}, {"log1p", m_log1p}, {"sin", m_sin}, {"cos", m_cos}, {"tan", m_tan}, {"asin", m_asin},
    {"acos", m_acos}, {"atan", m_atan}, {"atan2", m_atan2}, {"sinh", m_sinh}, {"cosh", m_cosh}, {"tanh", m_tanh},
    {"asinh", m_asinh}, {"acosh", m_acosh}, {"atanh", m_atanh}, {"fabs", m_fabs}, {"erf", m_erf}, {"erfc", m_erfc},
    {"cbrt", m_cbrt}, {"degrees", m_degrees}, {"radians", m_radians}, {"floor", m_floor}, {"ceil", m_ceil},
    {"trunc", m_trunc}, {"pow", m_pow}, {"fmod", m_fmod}, {"copysign", m_copysign}, {"hypot", m_hypot},
    {"isnan", m_isnan}, {"isinf", m_isinf}, {"isfinite", m_isfinite}, {"isclose", m_isclose},
    {"factorial", m_factorial}, {"gcd", m_gcd}, {"lcm", m_lcm}, {"comb", m_comb}, {"perm", m_perm},
    {"prod", m_prod}, {"fsum", m_fsum}, {"gamma", m_gamma}, {"lgamma", m_lgamma}, {"dist", m_dist},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) def_func(vm, m->dict, fns[i].name, fns[i].fn);
  set_const(vm, m, "pi", v_float(3.141592653589793));
  set_const(vm, m, "e", v_float(2.718281828459045));
  set_const(vm, m, "tau", v_float(6.283185307179586));
  set_const(vm, m, "inf", v_float(INFINITY));
  set_const(vm, m, "nan", v_float(NAN));
  return v_obj(m);
}

/* ----- time ----- */

static double clock_s(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
static Value t_time(VM *vm, Value *args, int n, Kw *kw) { (void)args; if (check_nargs(vm, "time", n, 0, 0) < 0 || check_no_kw(vm, kw, "time") < 0) return VERR; return v_float(clock_s(CLOCK_REALTIME)); }
static Value t_perf(VM *vm, Value *args, int n, Kw *kw) { (void)args; if (check_nargs(vm, "perf_counter", n, 0, 0) < 0 || check_no_kw(vm, kw, "perf_counter") < 0) return VERR; return v_float(clock_s(CLOCK_MONOTONIC)); }
static Value t_process(VM *vm, Value *args, int n, Kw *kw) { (void)args; if (check_nargs(vm, "process_time", n, 0, 0) < 0 || check_no_kw(vm, kw, "process_time") < 0) return VERR; return v_float(clock_s(CLOCK_PROCESS_CPUTIME_ID)); }
static Value t_perf_ns(VM *vm, Value *args, int n, Kw *kw) {
  (void)args;
  if (check_nargs(vm, "perf_counter_ns", n, 0, 0) < 0 || check_no_kw(vm, kw, "perf_counter_ns") < 0) return VERR;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return v_int((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}
static Value t_time_ns(VM *vm, Value *args, int n, Kw *kw) {
  (void)args;
  if (check_nargs(vm, "time_ns", n, 0, 0) < 0 || check_no_kw(vm, kw, "time_ns") < 0) return VERR;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return v_int((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}
static Value t_sleep(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "sleep") < 0 || check_nargs(vm, "sleep", n, 1, 1) < 0) return VERR;
  double s;
  if (arg_double(vm, args[0], &s) < 0) return VERR;
  if (s < 0) return rt_raise(vm, EX_ValueError, "sleep length must be non-negative");
  double end = clock_s(CLOCK_MONOTONIC) + s;
  /* in slices, so that an interrupt or the timeout can stop it */
  for (;;) {
    if (rt_check_interrupt(vm)) return VERR;
    double left = end - clock_s(CLOCK_MONOTONIC);
    if (left <= 0) break;
    if (left > 0.02) left = 0.02;
    struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
    nanosleep(&ts, NULL);
  }
  return VNONE;
}

Value mod_time_init(VM *vm) {
  Module *m = module_new(vm, "time");
  if (!m) return rt_raise(vm, EX_MemoryError, "%s", "");
  def_func(vm, m->dict, "time", t_time);
  def_func(vm, m->dict, "perf_counter", t_perf);
  def_func(vm, m->dict, "monotonic", t_perf);
  def_func(vm, m->dict, "process_time", t_process);
  def_func(vm, m->dict, "perf_counter_ns", t_perf_ns);
  def_func(vm, m->dict, "time_ns", t_time_ns);
  def_func(vm, m->dict, "sleep", t_sleep);
  return v_obj(m);
}

/* ----- sys ----- */

static Value sys_write(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "write") < 0 || check_nargs(vm, "write", n - 1, 1, 1) < 0) return VERR;
  if (args[1].tag != V_OBJ || args[1].u.o->kind != O_STR)
    return rt_raise(vm, EX_TypeError, "write() argument must be str, not %s", rt_type_name(vm, args[1]));
  Str *s = (Str *)args[1].u.o;
  int stream = ((Native *)args[0].u.o)->ptr == (void *)(intptr_t)2 ? RN_STDERR : RN_STDOUT;
  if (s->len && vm->out) vm->out(vm->out_user, stream, s->s, (size_t)s->len);
  return v_int(str_nchars(s));
}
static Value sys_flush(VM *vm, Value *args, int n, Kw *kw) { (void)vm; (void)args; (void)n; (void)kw; return VNONE; }

static Value sys_exit(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "exit") < 0 || check_nargs(vm, "exit", n, 0, 1) < 0) return VERR;
  Value e = exc_new(vm, vm->exc[EX_SystemExit], args, n);
  if (IS_ERR(e)) return rt_raise(vm, EX_MemoryError, "%s", "");
  rt_raise_value(vm, e);
  v_decref(vm, e);
  return VERR;
}

static Value sys_getrecursionlimit(VM *vm, Value *args, int n, Kw *kw) {
  (void)args; (void)n; (void)kw;
  return v_int(vm->max_depth);
}
static Value sys_setrecursionlimit(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "setrecursionlimit") < 0 || check_nargs(vm, "setrecursionlimit", n, 1, 1) < 0) return VERR;
  int64_t k;
  if (rt_index(vm, args[0], &k, NULL) < 0) return VERR;
  if (k < 1) return rt_raise(vm, EX_ValueError, "recursion limit must be greater or equal than 1");
  /* the C stack of the interpreter thread bounds it */
  vm->max_depth = k > 20000 ? 20000 : (int)k;
  return VNONE;
}

Value mod_sys_init(VM *vm) {
  Module *m = module_new(vm, "sys");
  if (!m) return rt_raise(vm, EX_MemoryError, "%s", "");
  Class *fc = class_new(vm, "TextIOWrapper", vm->cls[CLS_object], true);
  if (!fc) { OBJ_DECREF(vm, m); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  fc->module = "_io";
  def_method(vm, fc, "write", sys_write);
  def_method(vm, fc, "flush", sys_flush);
  Value out = native_new(vm, fc, (void *)(intptr_t)1, NULL);
  Value err = native_new(vm, fc, (void *)(intptr_t)2, NULL);
  OBJ_DECREF(vm, fc);
  if (IS_ERR(out) || IS_ERR(err)) { OBJ_DECREF(vm, m); return VERR; }
  set_const(vm, m, "stdout", out);
  set_const(vm, m, "stderr", err);
  v_decref(vm, out);
  v_decref(vm, err);
  List *argv = list_new(vm, 0);
  if (argv) {
    Value a0 = v_str(vm, vm->filename ? vm->filename : "");
    if (!IS_ERR(a0)) list_append_steal(vm, argv, a0);
    set_const(vm, m, "argv", v_obj(argv));
    OBJ_DECREF(vm, argv);
  }
  Value ver = v_str(vm, "3.11.2 (optbench runner)");
  if (!IS_ERR(ver)) { set_const(vm, m, "version", ver); v_decref(vm, ver); }
  set_const(vm, m, "maxsize", v_int(INT64_MAX));
  def_func(vm, m->dict, "exit", sys_exit);
  def_func(vm, m->dict, "getrecursionlimit", sys_getrecursionlimit);
  def_func(vm, m->dict, "setrecursionlimit", sys_setrecursionlimit);
  return v_obj(m);
}
