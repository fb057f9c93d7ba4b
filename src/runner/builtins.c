/* builtins.c — the builtin types (as Class objects, so isinstance and type() work), the
 * exception hierarchy, and builtin functions (print, len, range, sorted, ...), with CPython's
 * argument errors. */
#include "rt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kw_find(Kw *kw, const char *name, Value *out) {
  if (!kw) return 0;
  for (int i = 0; i < kw->n; i++)
    if (strcmp(kw->names[i]->s, name) == 0) { *out = kw->vals[i]; return 1; }
  return 0;
}

int check_no_kw(VM *vm, Kw *kw, const char *fname) {
  if (kw && kw->n) { rt_raise(vm, EX_TypeError, "%s() takes no keyword arguments", fname); return -1; }
  return 0;
}

static int check_kw_allowed(VM *vm, Kw *kw, const char *fname, const char *const *allowed) {
  if (!kw) return 0;
  for (int i = 0; i < kw->n; i++) {
    bool ok = false;
    for (int k = 0; allowed[k]; k++) if (strcmp(kw->names[i]->s, allowed[k]) == 0) ok = true;
    if (!ok) { rt_raise(vm, EX_TypeError, "'%s' is an invalid keyword argument for %s()", kw->names[i]->s, fname); return -1; }
  }
  return 0;
}

int check_nargs(VM *vm, const char *fname, int n, int min, int max) {
  if (n >= min && (max < 0 || n <= max)) return 0;
  if (min == max && min == 1) rt_raise(vm, EX_TypeError, "%s() takes exactly one argument (%d given)", fname, n);
  else if (min == max && min == 0) rt_raise(vm, EX_TypeError, "%s() takes no arguments (%d given)", fname, n);
  else if (min == max) rt_raise(vm, EX_TypeError, "%s expected %d arguments, got %d", fname, min, n);
  else if (n < min) rt_raise(vm, EX_TypeError, "%s expected at least %d argument%s, got %d", fname, min, min == 1 ? "" : "s", n);
  else rt_raise(vm, EX_TypeError, "%s expected at most %d argument%s, got %d", fname, max, max == 1 ? "" : "s", n);
  return -1;
}

/* ----- print and friends ----- */

static Value b_print(VM *vm, Value *args, int n, Kw *kw) {
  static const char *const allowed[] = {"sep", "end", "file", "flush", NULL};
  if (check_kw_allowed(vm, kw, "print", allowed) < 0) return VERR;
  Value sepv = VNONE, endv = VNONE, filev = VNONE, tmp;
  if (kw_find(kw, "sep", &tmp)) sepv = tmp;
  if (kw_find(kw, "end", &tmp)) endv = tmp;
  if (kw_find(kw, "file", &tmp)) filev = tmp;
  if (sepv.tag != V_NONE && (sepv.tag != V_OBJ || sepv.u.o->kind != O_STR))
    return rt_raise(vm, EX_TypeError, "sep must be None or a string, not %s", rt_type_name(vm, sepv));
  if (endv.tag != V_NONE && (endv.tag != V_OBJ || endv.u.o->kind != O_STR))
    return rt_raise(vm, EX_TypeError, "end must be None or a string, not %s", rt_type_name(vm, endv));
  Buf b = {0};
  for (int i = 0; i < n; i++) {
    if (i) {
      if (sepv.tag == V_NONE) buf_putc(&b, ' ');
      else buf_put(&b, ((Str *)sepv.u.o)->s, ((Str *)sepv.u.o)->len);
    }
    Str *s = rt_str(vm, args[i]);
    if (!s) { free(b.p); return VERR; }
    buf_put(&b, s->s, s->len);
    OBJ_DECREF(vm, s);
  }
  if (endv.tag == V_NONE) buf_putc(&b, '\n');
  else buf_put(&b, ((Str *)endv.u.o)->s, ((Str *)endv.u.o)->len);
  if (b.oom) { free(b.p); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  int stream = RN_STDOUT;
  if (filev.tag == V_OBJ && filev.u.o->kind == O_NATIVE && ((Native *)filev.u.o)->ptr == (void *)(intptr_t)2) stream = RN_STDERR;
  else if (filev.tag != V_NONE && !(filev.tag == V_OBJ && filev.u.o->kind == O_NATIVE)) {
    /* any object with write() */
    Str *w = str_intern_cstr(vm, "write");
    Str *s = buf_to_str(vm, &b);
    if (!s || !w) return VERR;
    Value arg = v_obj(s);
    Value r = rt_getattr(vm, filev, w);
    if (!IS_ERR(r)) { Value r2 = rt_call(vm, r, &arg, 1, NULL); v_decref(vm, r); r = r2; }
    OBJ_DECREF(vm, s);
    if (IS_ERR(r)) return r;
    v_decref(vm, r);
    return VNONE;
  }
  if (b.n && vm->out) vm->out(vm->out_user, stream, b.p, (size_t)b.n);
  free(b.p);
  return VNONE;
}

static Value b_len(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "len") < 0 || check_nargs(vm, "len", n, 1, 1) < 0) return VERR;
  int64_t r = rt_len(vm, args[0]);
  return r < 0 ? VERR : v_int(r);
}

static Value b_repr(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "repr") < 0 || check_nargs(vm, "repr", n, 1, 1) < 0) return VERR;
  Str *s = rt_repr(vm, args[0]);
  return s ? v_obj(s) : VERR;
}

static Value b_abs(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "abs") < 0 || check_nargs(vm, "abs", n, 1, 1) < 0) return VERR;
  Value v = args[0];
  if (v.tag == V_INT || v.tag == V_BOOL) {
    if (v.u.i == INT64_MIN) return rt_raise(vm, EX_OverflowError, "integer result too large for the runner's 64-bit int");
    return v_int(v.u.i < 0 ? -v.u.i : v.u.i);
  }
  if (v.tag == V_FLOAT) return v_float(fabs(v.u.f));
  Value r = rt_call_method(vm, v, vm->s_abs, NULL, 0);
  if (r.tag != V_NULL) return r;
  return rt_raise(vm, EX_TypeError, "bad operand type for abs(): '%s'", rt_type_name(vm, v));
}

static Value float_to_int(VM *vm, double d) {
  if (isnan(d)) return rt_raise(vm, EX_ValueError, "cannot convert float NaN to integer");
  if (isinf(d)) return rt_raise(vm, EX_OverflowError, "cannot convert float infinity to integer");
  if (d >= 9.2233720368547758e18 || d < -9.2233720368547758e18)
    return rt_raise(vm, EX_OverflowError, "integer result too large for the runner's 64-bit int");
  return v_int((int64_t)d);
}

static Value b_round(VM *vm, Value *args, int n, Kw *kw) {
  Value nd = VNONE;
  if (kw_find(kw, "ndigits", &nd)) {}
  if (check_nargs(vm, "round", n, 1, 2) < 0) return VERR;
  if (n == 2) nd = args[1];
  Value x = args[0];
  if (x.tag == V_OBJ) {
    Str *rn = str_intern_cstr(vm, "__round__");
    Value r = rn ? rt_call_method(vm, x, rn, nd.tag == V_NONE ? NULL : &nd, nd.tag == V_NONE ? 0 : 1) : VNULL;
    if (r.tag != V_NULL) return r;
    return rt_raise(vm, EX_TypeError, "type %s doesn't define __round__ method", rt_type_name(vm, x));
  }
  if (nd.tag == V_NONE) {
    if (x.tag == V_FLOAT) return float_to_int(vm, nearbyint(x.u.f));
    return v_int(x.u.i);
  }
  int64_t k;
  if (rt_index(vm, nd, &k, NULL) < 0) return VERR;
  if (x.tag == V_FLOAT) {
    double d = x.u.f;
    if (!isfinite(d) || d == 0) return x;
    if (k > 320) return x;
    if (k >= 0) {
      char buf[400];
      snprintf(buf, sizeof buf, "%.*f", (int)k, d);
      double r = strtod(buf, NULL);
      if (r == 0) r = copysign(0.0, d);
      return v_float(r);
    }
    if (k < -308) return v_float(copysign(0.0, d));
    double p = pow(10.0, (double)-k);
    double r = nearbyint(d / p) * p;
    if (r == 0) r = copysign(0.0, d);
    return v_float(r);
  }
  if (k >= 0) return v_int(x.u.i);
  if (k < -18) return v_int(0);
  int64_t p = 1;
  for (int64_t i = 0; i < -k; i++) p *= 10;
  int64_t q = x.u.i / p, r = x.u.i % p;
  if (r < 0) { q -= 1; r += p; }
  if (2 * r > p || (2 * r == p && (q & 1))) q += 1;
  int64_t out;
  if (__builtin_mul_overflow(q, p, &out)) return rt_raise(vm, EX_OverflowError, "integer result too large for the runner's 64-bit int");
  return v_int(out);
}

static Value b_sum(VM *vm, Value *args, int n, Kw *kw) {
  Value start = v_int(0);
  if (kw_find(kw, "start", &start)) {}
  if (check_nargs(vm, "sum", n, 1, 2) < 0) return VERR;
  if (n == 2) start = args[1];
  if (start.tag == V_OBJ && start.u.o->kind == O_STR)
    return rt_raise(vm, EX_TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
  Value it = rt_iter(vm, args[0]);
  if (IS_ERR(it)) return it;
  Value acc = start;
  v_incref(acc);
  for (;;) {
    Value x;
    int r = rt_next(vm, it, &x);
    if (r < 0) { v_decref(vm, acc); v_decref(vm, it); return VERR; }
    if (r == 0) break;
    Value s;
    if (acc.tag == V_INT && x.tag == V_INT && !__builtin_add_overflow(acc.u.i, x.u.i, &s.u.i)) s.tag = V_INT;
    else if (acc.tag == V_FLOAT && x.tag == V_FLOAT) s = v_float(acc.u.f + x.u.f);
    else s = rt_binop(vm, OP_ADD, acc, x);
    v_decref(vm, acc);
    v_decref(vm, x);
    if (IS_ERR(s)) { v_decref(vm, it); return s; }
    acc = s;
  }
  v_decref(vm, it);
  return acc;
}

static Value minmax(VM *vm, Value *args, int n, Kw *kw, int op, const char *name) {
  Value key = VNONE, dflt = VNULL, tmp;
  if (kw_find(kw, "key", &tmp)) key = tmp;
  if (kw_find(kw, "default", &tmp)) dflt = tmp;
  if (n == 0) return rt_raise(vm, EX_TypeError, "%s expected at least 1 argument, got 0", name);
  List *items;
  if (n == 1) {
    items = rt_to_list(vm, args[0]);
    if (!items) return VERR;
  } else {
    if (dflt.tag != V_NULL) return rt_raise(vm, EX_TypeError, "Cannot specify a default for %s() with multiple positional arguments", name);
    items = list_new(vm, n);
    if (!items) return rt_raise(vm, EX_MemoryError, "%s", "");
    for (int i = 0; i < n; i++) list_append(vm, items, args[i]);
  }
  if (items->n == 0) {
    OBJ_DECREF(vm, items);
    if (dflt.tag != V_NULL) { v_incref(dflt); return dflt; }
    return rt_raise(vm, EX_ValueError, "%s() arg is an empty sequence", name);
  }
  Value best = items->v[0], bestk = best;
  v_incref(bestk);
  if (key.tag != V_NONE) { v_decref(vm, bestk); bestk = rt_call(vm, key, &best, 1, NULL); if (IS_ERR(bestk)) { OBJ_DECREF(vm, items); return VERR; } }
  for (int64_t i = 1; i < items->n; i++) {
    Value x = items->v[i], xk = x;
    if (key.tag != V_NONE) { xk = rt_call(vm, key, &x, 1, NULL); if (IS_ERR(xk)) { v_decref(vm, bestk); OBJ_DECREF(vm, items); return VERR; } }
    else v_incref(xk);
    int better = op == CMP_GT ? rt_lt(vm, bestk, xk) : rt_lt(vm, xk, bestk);
    if (better < 0) { v_decref(vm, xk); v_decref(vm, bestk); OBJ_DECREF(vm, items); return VERR; }
    if (better) { v_decref(vm, bestk); bestk = xk; best = x; }
    else v_decref(vm, xk);
  }
  v_decref(vm, bestk);
  v_incref(best);
  OBJ_DECREF(vm, items);
  return best;
}
static Value b_min(VM *vm, Value *args, int n, Kw *kw) { return minmax(vm, args, n, kw, CMP_LT, "min"); }
static Value b_max(VM *vm, Value *args, int n, Kw *kw) { return minmax(vm, args, n, kw, CMP_GT, "max"); }

static Value b_sorted(VM *vm, Value *args, int n, Kw *kw) {
  if (n != 1) return rt_raise(vm, EX_TypeError, "sorted expected 1 argument, got %d", n);
  Value key = VNONE, rev = v_bool(false), tmp;
  static const char *const allowed[] = {"key", "reverse", NULL};
  if (check_kw_allowed(vm, kw, "sort", allowed) < 0) return VERR;
  if (kw_find(kw, "key", &tmp)) key = tmp;
  if (kw_find(kw, "reverse", &tmp)) rev = tmp;
  List *l = rt_to_list(vm, args[0]);
  if (!l) return VERR;
  int r = rt_truthy(vm, rev);
  if (r < 0 || IS_ERR(list_sort(vm, l, key, r))) { OBJ_DECREF(vm, l); return VERR; }
  return v_obj(l);
}

static int merge_sort(VM *vm, int64_t *idx, int64_t *tmp, int64_t n, Value *keys) {
  for (int64_t width = 1; width < n; width *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * width) {
      int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int64_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        int lt = rt_lt(vm, keys[idx[j]], keys[idx[i]]);
        if (lt < 0) return -1;
        tmp[k++] = lt ? idx[j++] : idx[i++];
      }
      while (i < mid) tmp[k++] = idx[i++];
      while (j < hi) tmp[k++] = idx[j++];
    }
    memcpy(idx, tmp, sizeof(int64_t) * (size_t)n);
  }
  return 0;
}

Value list_sort(VM *vm, List *l, Value key, bool reverse) {
  int64_t n = l->n;
  if (n < 2) return VNONE;
  Value *items = malloc(sizeof(Value) * (size_t)n);
  Value *keys = malloc(sizeof(Value) * (size_t)n);
  int64_t *idx = malloc(sizeof(int64_t) * (size_t)n), *tmp = malloc(sizeof(int64_t) * (size_t)n);
  if (!items || !keys || !idx || !tmp) { free(items); free(keys); free(idx); free(tmp); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  memcpy(items, l->v, sizeof(Value) * (size_t)n);
  /* reverse sorts stay stable: reverse, sort, reverse */
  if (reverse) for (int64_t i = 0; i < n / 2; i++) { Value t = items[i]; items[i] = items[n - 1 - i]; items[n - 1 - i] = t; }
  int64_t nk = 0;
  int rc = 0;
  for (int64_t i = 0; i < n; i++) {
    if (key.tag == V_NONE) { keys[i] = items[i]; v_incref(keys[i]); }
    else {
      keys[i] = rt_call(vm, key, &items[i], 1, NULL);
      if (IS_ERR(keys[i])) { rc = -1; break; }
    }
    nk++;
    idx[i] = i;
  }
  if (rc == 0) rc = merge_sort(vm, idx, tmp, n, keys);
  if (rc == 0 && l->n == n) {
    for (int64_t i = 0; i < n; i++) l->v[i] = items[idx[i]];
    if (reverse) for (int64_t i = 0; i < n / 2; i++) { Value t = l->v[i]; l->v[i] = l->v[n - 1 - i]; l->v[n - 1 - i] = t; }
  } else if (rc == 0) {
    rt_raise(vm, EX_ValueError, "list modified during sort");
    rc = -1;
  }
  for (int64_t i = 0; i < nk; i++) v_decref(vm, keys[i]);
  free(items); free(keys); free(idx); free(tmp);
  return rc < 0 ? VERR : VNONE;
}

static bool isinst_spec(VM *vm, Value spec, int *err) {
  if (spec.tag == V_OBJ && spec.u.o->kind == O_CLASS) return true;
  if (spec.tag == V_OBJ && spec.u.o->kind == O_TUPLE) {
    Tuple *t = (Tuple *)spec.u.o;
    for (int64_t i = 0; i < t->n; i++) if (!isinst_spec(vm, t->v[i], err)) return false;
    return true;
  }
  (void)err;
  return false;
}

static bool isinst(VM *vm, Class *c, Value spec) {
  if (spec.tag == V_OBJ && spec.u.o->kind == O_CLASS) {
    Class *want = (Class *)spec.u.o;
    if (want == vm->cls[CLS_object]) return true;
    if (want == vm->cls[CLS_int] && c == vm->cls[CLS_bool]) return true;
    return class_is_sub(c, want);
  }
  Tuple *t = (Tuple *)spec.u.o;
  for (int64_t i = 0; i < t->n; i++) if (isinst(vm, c, t->v[i])) return true;
  return false;
}

static Value b_isinstance(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "isinstance") < 0 || check_nargs(vm, "isinstance", n, 2, 2) < 0) return VERR;
  int err = 0;
  if (!isinst_spec(vm, args[1], &err)) return rt_raise(vm, EX_TypeError, "isinstance() arg 2 must be a type, a tuple of types, or a union");
  return v_bool(isinst(vm, rt_type(vm, args[0]), args[1]));
}

static Value b_issubclass(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "issubclass") < 0 || check_nargs(vm, "issubclass", n, 2, 2) < 0) return VERR;
  if (args[0].tag != V_OBJ || args[0].u.o->kind != O_CLASS) return rt_raise(vm, EX_TypeError, "issubclass() arg 1 must be a class");
  int err = 0;
  if (!isinst_spec(vm, args[1], &err)) return rt_raise(vm, EX_TypeError, "issubclass() arg 2 must be a class, a tuple of classes, or a union");
  return v_bool(isinst(vm, (Class *)args[0].u.o, args[1]));
}

static Str *attr_name(VM *vm, Value v, const char *fname) {
  if (v.tag != V_OBJ || v.u.o->kind != O_STR) {
    (void)fname;
    rt_raise(vm, EX_TypeError, "attribute name must be string, not '%s'", rt_type_name(vm, v));
    return NULL;
  }
  return str_intern(vm, ((Str *)v.u.o)->s, ((Str *)v.u.o)->len);
}

static Value b_getattr(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "getattr") < 0 || check_nargs(vm, "getattr", n, 2, 3) < 0) return VERR;
  Str *name = attr_name(vm, args[1], "getattr");
  if (!name) return VERR;
  Value r = rt_getattr(vm, args[0], name);
  if (IS_ERR(r) && n == 3 && rt_exc_matches(vm, EX_AttributeError)) {
    rt_clear_exc(vm);
    v_incref(args[2]);
    return args[2];
  }
  return r;
}

static Value b_hasattr(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "hasattr") < 0 || check_nargs(vm, "hasattr", n, 2, 2) < 0) return VERR;
  Str *name = attr_name(vm, args[1], "hasattr");
  if (!name) return VERR;
  Value r = rt_getattr(vm, args[0], name);
  if (IS_ERR(r)) {
    if (rt_exc_matches(vm, EX_AttributeError)) { rt_clear_exc(vm); return v_bool(false); }
    return r;
  }
  v_decref(vm, r);
  return v_bool(true);
}

static Value b_setattr(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "setattr") < 0 || check_nargs(vm, "setattr", n, 3, 3) < 0) return VERR;
  Str *name = attr_name(vm, args[1], "setattr");
  if (!name || rt_setattr(vm, args[0], name, args[2]) < 0) return VERR;
  return VNONE;
}

static Value b_delattr(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "delattr") < 0 || check_nargs(vm, "delattr", n, 2, 2) < 0) return VERR;
  Str *name = attr_name(vm, args[1], "delattr");
  if (!name || rt_delattr(vm, args[0], name) < 0) return VERR;
  return VNONE;
}

static Value b_iter(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "iter") < 0 || check_nargs(vm, "iter", n, 1, 1) < 0) return VERR;
  return rt_iter(vm, args[0]);
}

static Value b_next(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "next") < 0 || check_nargs(vm, "next", n, 1, 2) < 0) return VERR;
  if (args[0].tag != V_OBJ || (args[0].u.o->kind != O_ITER && class_lookup(args[0].u.o->cls, vm->s_next).tag == V_NULL))
    return rt_raise(vm, EX_TypeError, "'%s' object is not an iterator", rt_type_name(vm, args[0]));
  Value x;
  int r = rt_next(vm, args[0], &x);
  if (r < 0) return VERR;
  if (r == 0) {
    if (n == 2) { v_incref(args[1]); return args[1]; }
    return rt_raise(vm, EX_StopIteration, "%s", "");
  }
  return x;
}

static Value any_all(VM *vm, Value *args, int n, Kw *kw, bool any, const char *name) {
  if (check_no_kw(vm, kw, name) < 0 || check_nargs(vm, name, n, 1, 1) < 0) return VERR;
  Value it = rt_iter(vm, args[0]);
  if (IS_ERR(it)) return it;
  for (;;) {
    Value x;
    int r = rt_next(vm, it, &x);
    if (r < 0) { v_decref(vm, it); return VERR; }
    if (r == 0) break;
    int t = rt_truthy(vm, x);
    v_decref(vm, x);
    if (t < 0) { v_decref(vm, it); return VERR; }
    if (t == any) { v_decref(vm, it); return v_bool(any); }
  }
  v_decref(vm, it);
  return v_bool(!any);
}
static Value b_any(VM *vm, Value *args, int n, Kw *kw) { return any_all(vm, args, n, kw, true, "any"); }
static Value b_all(VM *vm, Value *args, int n, Kw *kw) { return any_all(vm, args, n, kw, false, "all"); }

static Value b_divmod(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "divmod") < 0 || check_nargs(vm, "divmod", n, 2, 2) < 0) return VERR;
  Value q = rt_binop(vm, OP_FLOORDIV, args[0], args[1]);
  if (IS_ERR(q)) {
    if (rt_exc_matches(vm, EX_TypeError)) {
      rt_clear_exc(vm);
      return rt_raise(vm, EX_TypeError, "unsupported operand type(s) for divmod(): '%s' and '%s'", rt_type_name(vm, args[0]), rt_type_name(vm, args[1]));
    }
    return q;
  }
  Value m = rt_binop(vm, OP_MOD, args[0], args[1]);
  if (IS_ERR(m)) { v_decref(vm, q); return m; }
  Tuple *t = tuple_new(vm, 2);
  if (!t) { v_decref(vm, q); v_decref(vm, m); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  t->v[0] = q;
  t->v[1] = m;
  return v_obj(t);
}

static Value b_pow(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "pow") < 0 || check_nargs(vm, "pow", n, 2, 3) < 0) return VERR;
  if (n == 3 && args[2].tag != V_NONE) {
    if (args[0].tag != V_INT || args[1].tag != V_INT || args[2].tag != V_INT)
      return rt_raise(vm, EX_TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
    int64_t b = args[0].u.i, e = args[1].u.i, m = args[2].u.i;
    if (m == 0) return rt_raise(vm, EX_ValueError, "pow() 3rd argument cannot be 0");
    if (e < 0) return rt_raise(vm, EX_ValueError, "base is not invertible for the given modulus");
    __int128 r = 1, base = b % m;
    if (base < 0) base += m < 0 ? -m : m;
    while (e) {
      if (e & 1) r = (r * base) % m;
      base = (base * base) % m;
      e >>= 1;
    }
    int64_t out = (int64_t)r;
    if (out != 0 && ((out < 0) != (m < 0))) out += m;
    return v_int(out);
  }
  return rt_binop(vm, OP_POW, args[0], args[1]);
}

static Value b_id(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "id") < 0 || check_nargs(vm, "id", n, 1, 1) < 0) return VERR;
  if (args[0].tag == V_OBJ) return v_int((int64_t)(uintptr_t)args[0].u.o);
  return v_int(0x7f0000000000 + (args[0].tag << 8) + (args[0].u.i & 0xff) * 32);
}

static Value b_hash(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "hash") < 0 || check_nargs(vm, "hash", n, 1, 1) < 0) return VERR;
  int err = 0;
  int64_t h = rt_hash(vm, args[0], &err);
  return err ? VERR : v_int(h);
}

static Value b_callable(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "callable") < 0 || check_nargs(vm, "callable", n, 1, 1) < 0) return VERR;
  Value v = args[0];
  if (v.tag != V_OBJ) return v_bool(false);
  int k = v.u.o->kind;
  if (k == O_FUNC || k == O_NATFUNC || k == O_BOUND || k == O_CLASS) return v_bool(true);
  if (k == O_INST || k == O_NATIVE) return v_bool(class_lookup(v.u.o->cls, vm->s_call).tag != V_NULL);
  return v_bool(false);
}

static Value b_chr(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "chr") < 0 || check_nargs(vm, "chr", n, 1, 1) < 0) return VERR;
  int64_t c;
  if (rt_index(vm, args[0], &c, NULL) < 0) return VERR;
  if (c < 0 || c > 0x10ffff) return rt_raise(vm, EX_ValueError, "chr() arg not in range(0x110000)");
  char u[5];
  int k;
  if (c < 0x80) { u[0] = (char)c; k = 1; }
  else if (c < 0x800) { u[0] = (char)(0xC0 | (c >> 6)); u[1] = (char)(0x80 | (c & 63)); k = 2; }
  else if (c < 0x10000) { u[0] = (char)(0xE0 | (c >> 12)); u[1] = (char)(0x80 | ((c >> 6) & 63)); u[2] = (char)(0x80 | (c & 63)); k = 3; }
  else { u[0] = (char)(0xF0 | (c >> 18)); u[1] = (char)(0x80 | ((c >> 12) & 63)); u[2] = (char)(0x80 | ((c >> 6) & 63)); u[3] = (char)(0x80 | (c & 63)); k = 4; }
  Str *s = str_new(vm, u, k);
  return s ? v_obj(s) : rt_raise(vm, EX_MemoryError, "%s", "");
}

static Value b_ord(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "ord") < 0 || check_nargs(vm, "ord", n, 1, 1) < 0) return VERR;
  if (args[0].tag != V_OBJ || args[0].u.o->kind != O_STR)
    return rt_raise(vm, EX_TypeError, "ord() expected string of length 1, but %s found", rt_type_name(vm, args[0]));
  Str *s = (Str *)args[0].u.o;
  int64_t nc = str_nchars(s);
  if (nc != 1) return rt_raise(vm, EX_TypeError, "ord() expected a character, but string of length %lld found", (long long)nc);
  const unsigned char *p = (const unsigned char *)s->s;
  int64_t c;
  if (p[0] < 0x80) c = p[0];
  else if (p[0] < 0xE0) c = ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
  else if (p[0] < 0xF0) c = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
  else c = ((int64_t)(p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
  return v_int(c);
}

static Value radix(VM *vm, Value *args, int n, Kw *kw, const char *name, const char *spec) {
  if (check_no_kw(vm, kw, name) < 0 || check_nargs(vm, name, n, 1, 1) < 0) return VERR;
  int64_t v;
  if (rt_index(vm, args[0], &v, NULL) < 0) return VERR;
  Str *sp = str_cstr(vm, spec);
  if (!sp) return VERR;
  Value r = rt_format(vm, v_int(v), sp);
  OBJ_DECREF(vm, sp);
  return r;
}
static Value b_hex(VM *vm, Value *args, int n, Kw *kw) { return radix(vm, args, n, kw, "hex", "#x"); }
static Value b_oct(VM *vm, Value *args, int n, Kw *kw) { return radix(vm, args, n, kw, "oct", "#o"); }
static Value b_bin(VM *vm, Value *args, int n, Kw *kw) { return radix(vm, args, n, kw, "bin", "#b"); }

static Value b_format(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "format") < 0 || check_nargs(vm, "format", n, 1, 2) < 0) return VERR;
  if (n == 2 && (args[1].tag != V_OBJ || args[1].u.o->kind != O_STR))
    return rt_raise(vm, EX_TypeError, "format() argument 2 must be str, not %s", rt_type_name(vm, args[1]));
  return rt_format(vm, args[0], n == 2 ? (Str *)args[1].u.o : NULL);
}

static Value b_vars(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "vars") < 0 || check_nargs(vm, "vars", n, 1, 1) < 0) return VERR;
  Value r = rt_getattr_opt(vm, args[0], vm->s_dict);
  if (r.tag == V_NULL) return rt_raise(vm, EX_TypeError, "vars() argument must have __dict__ attribute");
  return r;
}

static Value b_globals(VM *vm, Value *args, int n, Kw *kw) {
  (void)args;
  if (check_no_kw(vm, kw, "globals") < 0 || check_nargs(vm, "globals", n, 0, 0) < 0) return VERR;
  Dict *g = vm->frame ? vm->frame->globals : vm->main_globals;
  OBJ_INCREF(g);
  return v_obj(g);
}

static Value b_input(VM *vm, Value *args, int n, Kw *kw) {
  (void)args; (void)n; (void)kw;
  return rt_raise(vm, EX_OSError, "input() is not available in the runner");
}

static Value wrap_new(VM *vm, int kind, Class *cls, Value func) {
  Wrap *w = obj_alloc(vm, sizeof(Wrap), O_WRAP, cls);
  if (!w) return rt_raise(vm, EX_MemoryError, "%s", "");
  w->wkind = kind;
  v_incref(func);
  w->func = func;
  return v_obj(w);
}
static Value c_staticmethod(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "staticmethod") < 0 || check_nargs(vm, "staticmethod", n - 1, 1, 1) < 0) return VERR;
  return wrap_new(vm, W_STATIC, vm->cls[CLS_staticmethod], args[1]);
}
static Value c_classmethod(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "classmethod") < 0 || check_nargs(vm, "classmethod", n - 1, 1, 1) < 0) return VERR;
  return wrap_new(vm, W_CLASSMETHOD, vm->cls[CLS_classmethod], args[1]);
}
static Value c_property(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "property") < 0 || check_nargs(vm, "property", n - 1, 1, 1) < 0) return VERR;
  return wrap_new(vm, W_PROPERTY, vm->cls[CLS_property], args[1]);
}

/* ----- type constructors (args[0] is the class) ----- */

static Value parse_int_str(VM *vm, Str *s, int base) {
  const char *p = s->s, *end = s->s + s->len;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r')) end--;
  bool neg = false;
  const char *q = p;
  if (q < end && (*q == '+' || *q == '-')) { neg = *q == '-'; q++; }
  if ((base == 16 || base == 0) && end - q > 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) { base = 16; q += 2; }
  else if ((base == 8 || base == 0) && end - q > 2 && q[0] == '0' && (q[1] == 'o' || q[1] == 'O')) { base = 8; q += 2; }
  else if ((base == 2 || base == 0) && end - q > 2 && q[0] == '0' && (q[1] == 'b' || q[1] == 'B')) { base = 2; q += 2; }
  if (base == 0) base = 10;
  uint64_t v = 0;
  bool any = false, over = false, prev_us = true;
  for (; q < end; q++) {
    if (*q == '_' && !prev_us) { prev_us = true; continue; }
    int d = (*q >= '0' && *q <= '9') ? *q - '0' : (*q >= 'a' && *q <= 'z') ? *q - 'a' + 10 : (*q >= 'A' && *q <= 'Z') ? *q - 'A' + 10 : 99;
    if (d >= base) { any = false; break; }
    prev_us = false;
    any = true;
    if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) over = true;
    else v = v * (uint64_t)base + (uint64_t)d;
  }
  if (!any || prev_us) {
    Str *r = str_repr_of(vm, s);
    rt_raise(vm, EX_ValueError, "invalid literal for int() with base %d: %s", base, r ? r->s : "");
    if (r) OBJ_DECREF(vm, r);
    return VERR;
  }
  if (over || v > (uint64_t)INT64_MAX + (neg ? 1 : 0)) return rt_raise(vm, EX_OverflowError, "integer result too large for the runner's 64-bit int");
  return v_int(neg ? (int64_t)(0 - v) : (int64_t)v);
}

static Value c_int(VM *vm, Value *args, int n, Kw *kw) {
  Value basev = VNULL;
  kw_find(kw, "base", &basev);
  if (n > 3) return rt_raise(vm, EX_TypeError, "int() takes at most 2 arguments (%d given)", n - 1);
  if (n == 3) basev = args[2];
  if (n == 1) return v_int(0);
  Value x = args[1];
  if (basev.tag != V_NULL) {
    if (x.tag != V_OBJ || x.u.o->kind != O_STR) return rt_raise(vm, EX_TypeError, "int() can't convert non-string with explicit base");
    int64_t b;
    if (rt_index(vm, basev, &b, NULL) < 0) return VERR;
    if (b != 0 && (b < 2 || b > 36)) return rt_raise(vm, EX_ValueError, "int() base must be >= 2 and <= 36, or 0");
    return parse_int_str(vm, (Str *)x.u.o, (int)b);
  }
  if (x.tag == V_INT || x.tag == V_BOOL) return v_int(x.u.i);
  if (x.tag == V_FLOAT) return float_to_int(vm, trunc(x.u.f));
  if (x.tag == V_OBJ && x.u.o->kind == O_STR) return parse_int_str(vm, (Str *)x.u.o, 10);
  if (x.tag == V_OBJ && (x.u.o->kind == O_INST || x.u.o->kind == O_NATIVE)) {
    Value r = rt_call_method(vm, x, vm->s_int, NULL, 0);
    if (r.tag != V_NULL) return r;
    Str *ix = str_intern_cstr(vm, "__index__");
    r = ix ? rt_call_method(vm, x, ix, NULL, 0) : VNULL;
    if (r.tag != V_NULL) return r;
    Str *tr = str_intern_cstr(vm, "__trunc__");
    r = tr ? rt_call_method(vm, x, tr, NULL, 0) : VNULL;
    if (r.tag != V_NULL) return r;
  }
  return rt_raise(vm, EX_TypeError, "int() argument must be a string, a bytes-like object or a real number, not '%s'", rt_type_name(vm, x));
}

static Value c_float(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "float") < 0) return VERR;
  if (n > 2) return rt_raise(vm, EX_TypeError, "float expected at most 1 argument, got %d", n - 1);
  if (n == 1) return v_float(0.0);
  Value x = args[1];
  if (x.tag == V_OBJ && x.u.o->kind == O_STR) {
    Str *s = (Str *)x.u.o;
    char buf[512];
    const char *p = s->s, *end = s->s + s->len;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n')) p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n')) end--;
    int64_t len = end - p, k = 0;
    bool ok = len > 0 && len < 500;
    for (int64_t i = 0; ok && i < len; i++) {
      if (p[i] == '_') { if (i == 0 || i == len - 1 || !(p[i - 1] >= '0' && p[i - 1] <= '9') || !(p[i + 1] >= '0' && p[i + 1] <= '9')) ok = false; continue; }
      buf[k++] = p[i];
    }
    buf[k] = 0;
    if (ok) {
      /* strtod also takes hex floats and "infinity"/"nan(...)" forms that Python's float() rejects or spells differently */
      const char *q = buf;
      if (*q == '+' || *q == '-') q++;
      bool special = strcasecmp(q, "inf") == 0 || strcasecmp(q, "infinity") == 0 || strcasecmp(q, "nan") == 0;
      if (!special) for (const char *c = q; *c; c++) if (!strchr("0123456789.eE+-", *c)) ok = false;
      if (ok) {
        char *e;
        double d = strtod(buf, &e);
        if (*e == 0 && e != buf) return v_float(d);
      }
    }
    Str *r = str_repr_of(vm, s);
    rt_raise(vm, EX_ValueError, "could not convert string to float: %s", r ? r->s : "");
    if (r) OBJ_DECREF(vm, r);
    return VERR;
  }
  if (x.tag == V_INT || x.tag == V_BOOL || x.tag == V_FLOAT || x.tag == V_OBJ) {
    Value r = rt_float_of(vm, x);
    if (IS_ERR(r) && rt_exc_matches(vm, EX_TypeError)) {
      rt_clear_exc(vm);
      return rt_raise(vm, EX_TypeError, "float() argument must be a string or a real number, not '%s'", rt_type_name(vm, x));
    }
    return r;
  }
  return rt_raise(vm, EX_TypeError, "float() argument must be a string or a real number, not '%s'", rt_type_name(vm, x));
}

static Value c_str(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "str") < 0) return VERR;
  if (n == 1) return v_str(vm, "");
  if (n > 2) return rt_raise(vm, EX_TypeError, "str() takes at most 1 argument (%d given)", n - 1);
  Str *s = rt_str(vm, args[1]);
  return s ? v_obj(s) : VERR;
}

static Value c_bool(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "bool") < 0) return VERR;
  if (n == 1) return v_bool(false);
  if (n > 2) return rt_raise(vm, EX_TypeError, "bool expected at most 1 argument, got %d", n - 1);
  int t = rt_truthy(vm, args[1]);
  return t < 0 ? VERR : v_bool(t);
}

static Value c_list(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "list") < 0) return VERR;
  if (n > 2) return rt_raise(vm, EX_TypeError, "list expected at most 1 argument, got %d", n - 1);
  if (n == 1) { List *l = list_new(vm, 0); return l ? v_obj(l) : rt_raise(vm, EX_MemoryError, "%s", ""); }
  List *l = rt_to_list(vm, args[1]);
  return l ? v_obj(l) : VERR;
}

static Value c_tuple(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "tuple") < 0) return VERR;
  if (n > 2) return rt_raise(vm, EX_TypeError, "tuple expected at most 1 argument, got %d", n - 1);
  if (n == 2 && args[1].tag == V_OBJ && args[1].u.o->kind == O_TUPLE) { v_incref(args[1]); return args[1]; }
  List *l = n == 1 ? list_new(vm, 0) : rt_to_list(vm, args[1]);
  if (!l) return VERR;
  Tuple *t = tuple_new(vm, l->n);
  if (!t) { OBJ_DECREF(vm, l); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  for (int64_t i = 0; i < l->n; i++) t->v[i] = l->v[i];
  l->n = 0;
  OBJ_DECREF(vm, l);
  return v_obj(t);
}

int dict_update_from(VM *vm, Dict *d, Value src, Kw *kw);
int dict_update_from(VM *vm, Dict *d, Value src, Kw *kw) {
  if (src.tag == V_OBJ && src.u.o->kind == O_DICT) {
    int64_t pos = 0;
    Value k, v;
    while (dict_next((Dict *)src.u.o, &pos, &k, &v)) if (dict_set(vm, d, k, v) < 0) return -1;
  } else if (src.tag != V_NULL) {
    Str *keys = str_intern_cstr(vm, "keys");
    if (src.tag == V_OBJ && src.u.o->kind == O_INST && keys && class_lookup(src.u.o->cls, keys).tag != V_NULL) {
      Value ks = rt_call_method(vm, src, keys, NULL, 0);
      if (IS_ERR(ks)) return -1;
      List *kl = rt_to_list(vm, ks);
      v_decref(vm, ks);
      if (!kl) return -1;
      for (int64_t i = 0; i < kl->n; i++) {
        Value v = rt_getitem(vm, src, kl->v[i]);
        if (IS_ERR(v) || dict_set(vm, d, kl->v[i], v) < 0) { v_decref(vm, v.tag == V_ERR ? VNULL : v); OBJ_DECREF(vm, kl); return -1; }
        v_decref(vm, v);
      }
      OBJ_DECREF(vm, kl);
    } else {
      List *l = rt_to_list(vm, src);
      if (!l) {
        if (rt_exc_matches(vm, EX_TypeError)) { rt_clear_exc(vm); rt_raise(vm, EX_TypeError, "'%s' object is not iterable", rt_type_name(vm, src)); }
        return -1;
      }
      for (int64_t i = 0; i < l->n; i++) {
        List *pair = rt_to_list(vm, l->v[i]);
        if (!pair) {
          if (rt_exc_matches(vm, EX_TypeError)) { rt_clear_exc(vm); rt_raise(vm, EX_TypeError, "cannot convert dictionary update sequence element #%lld to a sequence", (long long)i); }
          OBJ_DECREF(vm, l);
          return -1;
        }
        if (pair->n != 2) {
          rt_raise(vm, EX_ValueError, "dictionary update sequence element #%lld has length %lld; 2 is required", (long long)i, (long long)pair->n);
          OBJ_DECREF(vm, pair);
          OBJ_DECREF(vm, l);
          return -1;
        }
        int r = dict_set(vm, d, pair->v[0], pair->v[1]);
        OBJ_DECREF(vm, pair);
        if (r < 0) { OBJ_DECREF(vm, l); return -1; }
      }
      OBJ_DECREF(vm, l);
    }
  }
  for (int i = 0; kw && i < kw->n; i++) if (dict_set_str(vm, d, kw->names[i], kw->vals[i]) < 0) return -1;
  return 0;
}

static Value c_dict(VM *vm, Value *args, int n, Kw *kw) {
  if (n > 2) return rt_raise(vm, EX_TypeError, "dict expected at most 1 argument, got %d", n - 1);
  Dict *d = dict_new(vm);
  if (!d) return rt_raise(vm, EX_MemoryError, "%s", "");
  if (dict_update_from(vm, d, n == 2 ? args[1] : VNULL, kw) < 0) { OBJ_DECREF(vm, d); return VERR; }
  return v_obj(d);
}

static Value c_set(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "set") < 0) return VERR;
  if (n > 2) return rt_raise(vm, EX_TypeError, "set expected at most 1 argument, got %d", n - 1);
  Set *s = set_new(vm);
  if (!s) return rt_raise(vm, EX_MemoryError, "%s", "");
  if (n == 2 && args[1].tag == V_OBJ && args[1].u.o->kind == O_SET) {
    if (set_merge(vm, s, (Set *)args[1].u.o) < 0) { OBJ_DECREF(vm, s); return VERR; }
  } else if (n == 2) {
    List *l = rt_to_list(vm, args[1]);
    if (!l) { OBJ_DECREF(vm, s); return VERR; }
    for (int64_t i = 0; i < l->n; i++) if (set_add(vm, s, l->v[i]) < 0) { OBJ_DECREF(vm, l); OBJ_DECREF(vm, s); return VERR; }
    OBJ_DECREF(vm, l);
  }
  return v_obj(s);
}

static Value c_range(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "range") < 0) return VERR;
  n--;
  args++;
  if (n == 0) return rt_raise(vm, EX_TypeError, "range expected at least 1 argument, got 0");
  if (n > 3) return rt_raise(vm, EX_TypeError, "range expected at most 3 arguments, got %d", n);
  int64_t v[3] = {0, 0, 1};
  for (int i = 0; i < n; i++) if (rt_index(vm, args[i], &v[i], NULL) < 0) return VERR;
  Range *r;
  if (n == 1) r = range_new(vm, 0, v[0], 1);
  else {
    if (n == 3 && v[2] == 0) return rt_raise(vm, EX_ValueError, "range() arg 3 must not be zero");
    r = range_new(vm, v[0], v[1], v[2]);
  }
  return r ? v_obj(r) : rt_raise(vm, EX_MemoryError, "%s", "");
}

static Value c_slice(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "slice") < 0) return VERR;
  n--;
  args++;
  if (n < 1 || n > 3) return rt_raise(vm, EX_TypeError, "slice expected at %s 1 argument%s, got %d", n < 1 ? "least" : "most", n < 1 ? "" : "s", n);
  Slice *s = obj_alloc(vm, sizeof(Slice), O_SLICE, vm->cls[CLS_slice]);
  if (!s) return rt_raise(vm, EX_MemoryError, "%s", "");
  s->start = n >= 2 ? args[0] : VNONE;
  s->stop = n >= 2 ? args[1] : args[0];
  s->step = n == 3 ? args[2] : VNONE;
  v_incref(s->start); v_incref(s->stop); v_incref(s->step);
  return v_obj(s);
}

static Value c_object(VM *vm, Value *args, int n, Kw *kw) {
  (void)args;
  if (n > 1 || (kw && kw->n)) return rt_raise(vm, EX_TypeError, "object() takes no arguments");
  Inst *in = obj_alloc(vm, sizeof(Inst), O_INST, vm->cls[CLS_object]);
  return in ? v_obj(in) : rt_raise(vm, EX_MemoryError, "%s", "");
}

static Value c_type(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "type") < 0) return VERR;
  if (n != 2) return rt_raise(vm, EX_TypeError, "type() takes 1 or 3 arguments");
  Class *c = rt_type(vm, args[1]);
  OBJ_INCREF(c);
  return v_obj(c);
}

static Value c_enumerate(VM *vm, Value *args, int n, Kw *kw) {
  Value start = v_int(0);
  kw_find(kw, "start", &start);
  if (n < 2 || n > 3) return rt_raise(vm, EX_TypeError, "enumerate() missing required argument 'iterable'");
  if (n == 3) start = args[2];
  int64_t s0;
  if (rt_index(vm, start, &s0, NULL) < 0) return VERR;
  Value inner = rt_iter(vm, args[1]);
  if (IS_ERR(inner)) return inner;
  Iter *it = iter_new(vm, IT_ENUM, vm->cls[CLS_enumerate], inner);
  v_decref(vm, inner);
  if (!it) return VERR;
  it->i = s0;
  return v_obj(it);
}

static Value make_multi(VM *vm, int kind, Class *cls, Value *its, int n, Value fn) {
  Iter *it = iter_new(vm, kind, cls, VNONE);
  if (!it) return VERR;
  it->subs = calloc((size_t)(n ? n : 1), sizeof(Value));
  if (!it->subs) { OBJ_DECREF(vm, it); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  for (int i = 0; i < n; i++) {
    Value sub = rt_iter(vm, its[i]);
    if (IS_ERR(sub)) {
      if (kind == IT_ZIP && rt_exc_matches(vm, EX_TypeError)) {
        rt_clear_exc(vm);
        rt_raise(vm, EX_TypeError, "zip argument #%d must support iteration", i + 1);
      }
      OBJ_DECREF(vm, it);
      return VERR;
    }
    it->subs[it->nsub++] = sub;
  }
  v_incref(fn);
  it->fn = fn;
  return v_obj(it);
}

static Value c_zip(VM *vm, Value *args, int n, Kw *kw) {
  static const char *const allowed[] = {"strict", NULL};
  if (check_kw_allowed(vm, kw, "zip", allowed) < 0) return VERR;
  return make_multi(vm, IT_ZIP, vm->cls[CLS_zip], args + 1, n - 1, VNULL);
}

static Value c_map(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "map") < 0) return VERR;
  if (n < 3) return rt_raise(vm, EX_TypeError, "map() must have at least two arguments.");
  return make_multi(vm, IT_MAP, vm->cls[CLS_map], args + 2, n - 2, args[1]);
}

static Value c_filter(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "filter") < 0) return VERR;
  if (n != 3) return rt_raise(vm, EX_TypeError, "filter expected 2 arguments, got %d", n - 1);
  Value inner = rt_iter(vm, args[2]);
  if (IS_ERR(inner)) return inner;
  Iter *it = iter_new(vm, IT_FILTER, vm->cls[CLS_filter], inner);
  v_decref(vm, inner);
  if (!it) return VERR;
  v_incref(args[1]);
  it->fn = args[1];
  return v_obj(it);
}

static Value c_reversed(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "reversed") < 0) return VERR;
  if (n != 2) return rt_raise(vm, EX_TypeError, "reversed expected 1 argument, got %d", n - 1);
  Value x = args[1];
  Str *rv = str_intern_cstr(vm, "__reversed__");
  if (x.tag == V_OBJ && (x.u.o->kind == O_INST || x.u.o->kind == O_NATIVE) && rv) {
    Value r = rt_call_method(vm, x, rv, NULL, 0);
    if (r.tag != V_NULL) return r;
  }
  List *l;
  if (x.tag == V_OBJ && x.u.o->kind == O_LIST) { l = (List *)x.u.o; OBJ_INCREF(l); }
  else if (x.tag == V_OBJ && (x.u.o->kind == O_TUPLE || x.u.o->kind == O_STR || x.u.o->kind == O_RANGE ||
                              ((x.u.o->kind == O_INST || x.u.o->kind == O_NATIVE) && class_lookup(x.u.o->cls, vm->s_getitem).tag != V_NULL))) {
    l = rt_to_list(vm, x);
    if (!l) return VERR;
  } else {
    return rt_raise(vm, EX_TypeError, "'%s' object is not reversible", rt_type_name(vm, x));
  }
  Iter *it = iter_new(vm, IT_REVLIST, vm->cls[CLS_reversed], v_obj(l));
  OBJ_DECREF(vm, l);
  if (!it) return VERR;
  it->i = l->n - 1;
  return v_obj(it);
}

static Value c_super(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "super") < 0) return VERR;
  if (n != 3 || args[1].tag != V_OBJ || args[1].u.o->kind != O_CLASS) return rt_raise(vm, EX_RuntimeError, "super(): no arguments");
  Inst *s = obj_alloc(vm, sizeof(Inst), O_INST, vm->cls[CLS_super]);
  Tuple *t = tuple_new(vm, 2);
  if (!s || !t) { if (s) OBJ_DECREF(vm, s); if (t) OBJ_DECREF(vm, t); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  t->v[0] = args[1]; t->v[1] = args[2];
  v_incref(args[1]); v_incref(args[2]);
  s->args = v_obj(t);
  return v_obj(s);
}

static Value exc_init(VM *vm, Value *args, int n, Kw *kw) {
  if (n < 1 || args[0].tag != V_OBJ || args[0].u.o->kind != O_INST) return VNONE;
  Inst *in = (Inst *)args[0].u.o;
  if (kw && kw->n) return rt_raise(vm, EX_TypeError, "%s() takes no keyword arguments", in->h.cls->name->s);
  Tuple *t = tuple_new(vm, n - 1);
  if (!t) return rt_raise(vm, EX_MemoryError, "%s", "");
  for (int i = 1; i < n; i++) { v_incref(args[i]); t->v[i - 1] = args[i]; }
  v_decref(vm, in->args);
  in->args = v_obj(t);
  return VNONE;
}

static Value object_init(VM *vm, Value *args, int n, Kw *kw) {
  (void)args;
  if (n > 1 || (kw && kw->n)) return rt_raise(vm, EX_TypeError, "object.__init__() takes exactly one argument (the instance to initialize)");
  return VNONE;
}

/* ----- setup ----- */

static void init_class(VM *vm, int idx, const char *name, int base, NatFn ctor) {
  Class *c = vm->cls[idx];
  c->name = str_intern_cstr(vm, name);
  if (c->name) OBJ_INCREF(c->name);
  c->base = base >= 0 ? vm->cls[base] : NULL;
  c->dict = dict_new(vm);
  c->builtin = true;
  c->module = "builtins";
  c->ctor = ctor;
  if (vm->builtins && ctor) dict_set_str(vm, vm->builtins, c->name, v_obj(c));
}

static Class *exc_class(VM *vm, int idx, const char *name, int base) {
  Class *c = class_new(vm, name, base >= 0 ? vm->exc[base] : vm->cls[CLS_object], false);
  if (!c) return NULL;
  c->is_exc = true;
  c->module = "builtins";
  vm->exc[idx] = c;
  dict_set_str(vm, vm->builtins, c->name, v_obj(c));
  return c;
}

void builtins_init(VM *vm) {
  for (int i = 0; i < CLS_COUNT; i++) vm->cls[i] = obj_alloc(vm, sizeof(Class), O_CLASS, NULL);
  for (int i = 0; i < CLS_COUNT; i++) if (vm->cls[i]) { vm->cls[i]->h.cls = vm->cls[CLS_type]; vm->cls[CLS_type]->h.rc++; }
  vm->interned = dict_new(vm);
  vm->builtins = dict_new(vm);
  init_class(vm, CLS_object, "object", -1, c_object);
  init_class(vm, CLS_type, "type", CLS_object, c_type);
  init_class(vm, CLS_NoneType, "NoneType", CLS_object, NULL);
  init_class(vm, CLS_int, "int", CLS_object, c_int);
  init_class(vm, CLS_bool, "bool", CLS_int, c_bool);
  init_class(vm, CLS_float, "float", CLS_object, c_float);
  init_class(vm, CLS_str, "str", CLS_object, c_str);
  init_class(vm, CLS_list, "list", CLS_object, c_list);
  init_class(vm, CLS_tuple, "tuple", CLS_object, c_tuple);
  init_class(vm, CLS_dict, "dict", CLS_object, c_dict);
  init_class(vm, CLS_set, "set", CLS_object, c_set);
  init_class(vm, CLS_function, "function", CLS_object, NULL);
  init_class(vm, CLS_builtin, "builtin_function_or_method", CLS_object, NULL);
  init_class(vm, CLS_method, "method", CLS_object, NULL);
  init_class(vm, CLS_module, "module", CLS_object, NULL);
  init_class(vm, CLS_range, "range", CLS_object, c_range);
  init_class(vm, CLS_slice, "slice", CLS_object, c_slice);
  init_class(vm, CLS_cell, "cell", CLS_object, NULL);
  init_class(vm, CLS_iterator, "iterator", CLS_object, NULL);
  init_class(vm, CLS_staticmethod, "staticmethod", CLS_object, c_staticmethod);
  init_class(vm, CLS_classmethod, "classmethod", CLS_object, c_classmethod);
  init_class(vm, CLS_property, "property", CLS_object, c_property);
  init_class(vm, CLS_dict_keys, "dict_keys", CLS_object, NULL);
  init_class(vm, CLS_dict_values, "dict_values", CLS_object, NULL);
  init_class(vm, CLS_dict_items, "dict_items", CLS_object, NULL);
  init_class(vm, CLS_enumerate, "enumerate", CLS_object, c_enumerate);
  init_class(vm, CLS_zip, "zip", CLS_object, c_zip);
  init_class(vm, CLS_map, "map", CLS_object, c_map);
  init_class(vm, CLS_filter, "filter", CLS_object, c_filter);
  init_class(vm, CLS_reversed, "reversed", CLS_object, c_reversed);
  init_class(vm, CLS_super, "super", CLS_object, c_super);
  init_class(vm, CLS_generator, "generator", CLS_object, NULL);
  /* the objects made before the str class had a name */
  for (Obj *o = vm->all_objs; o; o = o->gc_next) {
    if (o->kind == O_STR && !o->cls) { o->cls = vm->cls[CLS_str]; o->cls->h.rc++; }
    else if (o->kind == O_DICT && !o->cls) { o->cls = vm->cls[CLS_dict]; o->cls->h.rc++; }
  }
  for (int i = 0; i < CLS_COUNT; i++) if (vm->cls[i]->ctor) dict_set_str(vm, vm->builtins, vm->cls[i]->name, v_obj(vm->cls[i]));
  def_method(vm, vm->cls[CLS_object], "__init__", object_init);

  static const struct { int idx; const char *name; int base; } excs[] = {
    {EX_BaseException, "BaseException", -1}, {EX_Exception, "Exception", EX_BaseException},
    {EX_ArithmeticError, "ArithmeticError", EX_Exception}, {EX_LookupError, "LookupError", EX_Exception},
    {EX_ZeroDivisionError, "ZeroDivisionError", EX_ArithmeticError}, {EX_OverflowError, "OverflowError", EX_ArithmeticError},
    {EX_IndexError, "IndexError", EX_LookupError}, {EX_KeyError, "KeyError", EX_LookupError},
    {EX_RuntimeError, "RuntimeError", EX_Exception}, {EX_RecursionError, "RecursionError", EX_RuntimeError},
    {EX_NotImplementedError, "NotImplementedError", EX_RuntimeError}, {EX_ValueError, "ValueError", EX_Exception},
    {EX_TypeError, "TypeError", EX_Exception}, {EX_AttributeError, "AttributeError", EX_Exception},
    {EX_NameError, "NameError", EX_Exception}, {EX_UnboundLocalError, "UnboundLocalError", EX_NameError},
    {EX_AssertionError, "AssertionError", EX_Exception}, {EX_StopIteration, "StopIteration", EX_Exception},
    {EX_KeyboardInterrupt, "KeyboardInterrupt", EX_BaseException}, {EX_ImportError, "ImportError", EX_Exception},
    {EX_ModuleNotFoundError, "ModuleNotFoundError", EX_ImportError}, {EX_MemoryError, "MemoryError", EX_Exception},
    {EX_OSError, "OSError", EX_Exception}, {EX_TimeoutError, "TimeoutError", EX_OSError},
    {EX_SyntaxError, "SyntaxError", EX_Exception}, {EX_IndentationError, "IndentationError", EX_SyntaxError},
    {EX_SystemExit, "SystemExit", EX_BaseException}, {EX_UnicodeError, "UnicodeError", EX_ValueError},
  };
  for (size_t i = 0; i < sizeof excs / sizeof excs[0]; i++) exc_class(vm, excs[i].idx, excs[i].name, excs[i].base);
  def_method(vm, vm->exc[EX_BaseException], "__init__", exc_init);
  /* aliases CPython has */
  dict_set_str(vm, vm->builtins, str_intern_cstr(vm, "EnvironmentError"), v_obj(vm->exc[EX_OSError]));
  dict_set_str(vm, vm->builtins, str_intern_cstr(vm, "IOError"), v_obj(vm->exc[EX_OSError]));
  {
    Class *c;
    c = class_new(vm, "EOFError", vm->exc[EX_Exception], false); if (c) { c->is_exc = true; c->module = "builtins"; dict_set_str(vm, vm->builtins, c->name, v_obj(c)); OBJ_DECREF(vm, c); }
    c = class_new(vm, "FileNotFoundError", vm->exc[EX_OSError], false); if (c) { c->is_exc = true; c->module = "builtins"; dict_set_str(vm, vm->builtins, c->name, v_obj(c)); OBJ_DECREF(vm, c); }
    c = class_new(vm, "Warning", vm->exc[EX_Exception], false); if (c) { c->is_exc = true; c->module = "builtins"; dict_set_str(vm, vm->builtins, c->name, v_obj(c)); OBJ_DECREF(vm, c); }
  }

  static const struct { const char *name; NatFn fn; } fns[] = {
    {"print", b_print}, {"len", b_len}, {"repr", b_repr}, {"abs", b_abs}, {"round", b_round},
    {"sum", b_sum}, {"min", b_min}, {"max", b_max}, {"sorted", b_sorted}, {"isinstance", b_isinstance},
    {"issubclass", b_issubclass}, {"getattr", b_getattr}, {"hasattr", b_hasattr}, {"setattr", b_setattr},
    {"delattr", b_delattr}, {"iter", b_iter}, {"next", b_next}, {"any", b_any}, {"all", b_all},
    {"divmod", b_divmod}, {"pow", b_pow}, {"id", b_id}, {"hash", b_hash}, {"callable", b_callable},
    {"chr", b_chr}, {"ord", b_ord}, {"hex", b_hex}, {"oct", b_oct}, {"bin", b_bin}, {"format", b_format},
    {"vars", b_vars}, {"globals", b_globals}, {"input", b_input},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) def_func(vm, vm->builtins, fns[i].name, fns[i].fn);

  /* NotImplemented and Ellipsis: instances of their own classes */
  Class *nic = class_new(vm, "NotImplementedType", vm->cls[CLS_object], true);
  Class *elc = class_new(vm, "ellipsis", vm->cls[CLS_object], true);
  if (nic && elc) {
    Inst *ni = obj_alloc(vm, sizeof(Inst), O_INST, nic);
    Inst *el = obj_alloc(vm, sizeof(Inst), O_INST, elc);
    if (ni) { vm->notimpl = v_obj(ni); dict_set_str(vm, vm->builtins, str_intern_cstr(vm, "NotImplemented"), vm->notimpl); }
    if (el) { dict_set_str(vm, vm->builtins, str_intern_cstr(vm, "Ellipsis"), v_obj(el)); OBJ_DECREF(vm, el); }
    Str *rn = str_intern_cstr(vm, "__repr__");
    (void)rn;
  }
}
