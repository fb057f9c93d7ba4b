/* ops.c — the object protocol: attributes, calls, operators, comparisons, truth, len, indexing
 * and iteration, for builtin values, user classes and native types alike (special methods such as
 * __add__/__radd__, __getitem__, __iter__ are looked up on the class). Errors carry CPython's text. */
#define _GNU_SOURCE /* memmem */
#include "rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tn.h"

/* ----- errors ----- */

Value exc_new(VM *vm, Class *cls, Value *args, int n) {
  Inst *in = obj_alloc(vm, sizeof(Inst), O_INST, cls);
  if (!in) return VERR;
  Tuple *t = tuple_new(vm, n);
  if (!t) { OBJ_DECREF(vm, in); return VERR; }
  for (int i = 0; i < n; i++) { v_incref(args[i]); t->v[i] = args[i]; }
  in->args = v_obj(t);
  return v_obj(in);
}

static Value raise_msg(VM *vm, Class *cls, const char *fmt, va_list ap) {
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  Value msg = VNULL;
  int n = 0;
  if (buf[0]) {
    Str *s = str_cstr(vm, buf);
    if (s) { msg = v_obj(s); n = 1; }
  }
  Value e = exc_new(vm, cls, &msg, n);
  v_decref(vm, msg);
  v_decref(vm, vm->exc_value);
  vm->exc_value = IS_ERR(e) ? VNULL : e;
  vm->ntb = 0;
  return VERR;
}

Value rt_raise(VM *vm, int exc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Value r = raise_msg(vm, vm->exc[exc], fmt, ap);
  va_end(ap);
  return r;
}

Value rt_raise_cls(VM *vm, Class *cls, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Value r = raise_msg(vm, cls, fmt, ap);
  va_end(ap);
  return r;
}

Value rt_raise_value(VM *vm, Value exc) {
  v_incref(exc);
  v_decref(vm, vm->exc_value);
  vm->exc_value = exc;
  vm->ntb = 0;
  return VERR;
}

Value rt_raise_tn(VM *vm) {
  static const int map[] = {EX_RuntimeError, EX_RuntimeError, EX_IndexError, EX_ValueError, EX_TypeError,
                            EX_NotImplementedError, EX_OverflowError, EX_ZeroDivisionError};
  int k = (int)tn_error_kind_last();
  return rt_raise(vm, (k >= 0 && k < 8) ? map[k] : EX_RuntimeError, "%s", tn_error_message());
}

bool rt_exc_matches(VM *vm, int exc) {
  return vm->exc_value.tag == V_OBJ && class_is_sub(vm->exc_value.u.o->cls, vm->exc[exc]);
}

void rt_clear_exc(VM *vm) {
  Value e = vm->exc_value;
  vm->exc_value = VNULL;
  vm->ntb = 0;
  v_decref(vm, e);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool rt_check_interrupt(VM *vm) {
  if (atomic_exchange(&vm->interrupt, 0)) {
    rt_raise(vm, EX_KeyboardInterrupt, "%s", "");
    return true;
  }
  if (vm->timeout > 0 && now_s() > vm->deadline) {
    vm->deadline = now_s() + 3600.0; /* let except/finally blocks run */
    char b[64];
    float_repr(vm->timeout, b, sizeof b);
    rt_raise(vm, EX_TimeoutError, "execution timed out after %s seconds", b);
    return true;
  }
  return false;
}

const char *op_symbol(int op) {
  static const char *const s[] = {"+", "-", "*", "/", "//", "%", "**", "@", "<<", ">>", "&", "|", "^"};
  return op >= 0 && op < OP_NBINOPS ? s[op] : "?";
}

/* ----- attributes ----- */

Value bind_method(VM *vm, Value func, Value self) {
  Bound *b = obj_alloc(vm, sizeof(Bound), O_BOUND, vm->cls[CLS_method]);
  if (!b) return rt_raise(vm, EX_MemoryError, "%s", "");
  v_incref(func);
  v_incref(self);
  b->func = func;
  b->self = self;
  return v_obj(b);
}

/* What a class attribute becomes when read through an instance. */
static Value descr_get(VM *vm, Value attr, Value self, Class *owner) {
  if (attr.tag == V_OBJ) {
    Obj *o = attr.u.o;
    if (o->kind == O_FUNC || (o->kind == O_NATFUNC && ((NatFunc *)o)->self.tag == V_NULL)) return bind_method(vm, attr, self);
    if (o->kind == O_WRAP) {
      Wrap *w = (Wrap *)o;
      if (w->wkind == W_STATIC) { v_incref(w->func); return w->func; }
      if (w->wkind == W_CLASSMETHOD) return bind_method(vm, w->func, v_obj(owner));
      if (w->wkind == W_PROPERTY) return rt_call(vm, w->func, &self, 1, NULL);
    }
  }
  v_incref(attr);
  return attr;
}

static Value special_attr(VM *vm, Value o, Str *name) {
  const char *n = name->s;
  if (n[0] != '_' || n[1] != '_') {
    if (o.tag == V_OBJ && o.u.o->kind == O_INST && o.u.o->cls->is_exc && strcmp(n, "args") == 0) {
      Value a = ((Inst *)o.u.o)->args;
      if (a.tag == V_NULL) { Tuple *t = tuple_new(vm, 0); return t ? v_obj(t) : VERR; }
      v_incref(a);
      return a;
    }
    if ((o.tag == V_INT || o.tag == V_BOOL) && (strcmp(n, "real") == 0 || strcmp(n, "numerator") == 0)) return v_int(o.u.i);
    if ((o.tag == V_INT || o.tag == V_BOOL) && strcmp(n, "imag") == 0) return v_int(0);
    if ((o.tag == V_INT || o.tag == V_BOOL) && strcmp(n, "denominator") == 0) return v_int(1);
    if (o.tag == V_FLOAT && strcmp(n, "real") == 0) return o;
    if (o.tag == V_FLOAT && strcmp(n, "imag") == 0) return v_float(0.0);
    if (o.tag == V_OBJ && o.u.o->kind == O_RANGE) {
      Range *r = (Range *)o.u.o;
      if (strcmp(n, "start") == 0) return v_int(r->start);
      if (strcmp(n, "stop") == 0) return v_int(r->stop);
      if (strcmp(n, "step") == 0) return v_int(r->step);
    }
    if (o.tag == V_OBJ && o.u.o->kind == O_SLICE) {
      Slice *s = (Slice *)o.u.o;
      Value r = strcmp(n, "start") == 0 ? s->start : strcmp(n, "stop") == 0 ? s->stop : strcmp(n, "step") == 0 ? s->step : VNULL;
      v_incref(r);
      return r;
    }
    return VNULL;
  }
  if (strcmp(n, "__class__") == 0) { Class *c = rt_type(vm, o); OBJ_INCREF(c); return v_obj(c); }
  if (o.tag != V_OBJ) return VNULL;
  Obj *ob = o.u.o;
  if ((strcmp(n, "__name__") == 0 || strcmp(n, "__qualname__") == 0) && ob->kind == O_BOUND) return special_attr(vm, ((Bound *)ob)->func, name);
  if (strcmp(n, "__name__") == 0 || strcmp(n, "__qualname__") == 0) {
    if (ob->kind == O_CLASS) { OBJ_INCREF(((Class *)ob)->name); return v_obj(((Class *)ob)->name); }
    if (ob->kind == O_FUNC) { Str *s = n[2] == 'n' ? ((Func *)ob)->code->name : ((Func *)ob)->code->qualname; OBJ_INCREF(s); return v_obj(s); }
    if (ob->kind == O_NATFUNC) return v_str(vm, ((NatFunc *)ob)->name);
    if (ob->kind == O_MODULE) { OBJ_INCREF(((Module *)ob)->name); return v_obj(((Module *)ob)->name); }
  }
  if (strcmp(n, "__dict__") == 0) {
    Dict *d = ob->kind == O_INST ? ((Inst *)ob)->dict : ob->kind == O_CLASS ? ((Class *)ob)->dict : ob->kind == O_MODULE ? ((Module *)ob)->dict : NULL;
    if (ob->kind == O_INST && !d) { d = ((Inst *)ob)->dict = dict_new(vm); if (!d) return rt_raise(vm, EX_MemoryError, "%s", ""); }
    if (d) { OBJ_INCREF(d); return v_obj(d); }
  }
  if (strcmp(n, "__doc__") == 0 && (ob->kind == O_FUNC || ob->kind == O_CLASS)) return VNONE;
  if (strcmp(n, "__bases__") == 0 && ob->kind == O_CLASS) {
    Class *c = (Class *)ob;
    Tuple *t = tuple_new(vm, c->base ? 1 : 0);
    if (!t) return rt_raise(vm, EX_MemoryError, "%s", "");
    if (c->base) { OBJ_INCREF(c->base); t->v[0] = v_obj(c->base); }
    return v_obj(t);
  }
  if (strcmp(n, "__base__") == 0 && ob->kind == O_CLASS) {
    Class *c = (Class *)ob;
    if (!c->base) return VNONE;
    OBJ_INCREF(c->base);
    return v_obj(c->base);
  }
  if (strcmp(n, "__mro__") == 0 && ob->kind == O_CLASS) {
    int k = 0;
    for (Class *c = (Class *)ob; c; c = c->base) k++;
    Tuple *t = tuple_new(vm, k);
    if (!t) return rt_raise(vm, EX_MemoryError, "%s", "");
    k = 0;
    for (Class *c = (Class *)ob; c; c = c->base) { OBJ_INCREF(c); t->v[k++] = v_obj(c); }
    return v_obj(t);
  }
  if (strcmp(n, "__self__") == 0 && ob->kind == O_BOUND) { v_incref(((Bound *)ob)->self); return ((Bound *)ob)->self; }
  if (strcmp(n, "__func__") == 0 && ob->kind == O_BOUND) { v_incref(((Bound *)ob)->func); return ((Bound *)ob)->func; }
  if (strcmp(n, "__traceback__") == 0 && ob->kind == O_INST && ob->cls->is_exc) return VNONE;
  return VNULL;
}

Value rt_getattr_opt(VM *vm, Value o, Str *name) {
  Class *cls = rt_type(vm, o);
  if (o.tag == V_OBJ) {
    Obj *ob = o.u.o;
    switch (ob->kind) {
    case O_INST: {
      if (cls == vm->cls[CLS_super]) {
        Tuple *t = (Tuple *)((Inst *)ob)->args.u.o;
        Class *owner = (Class *)t->v[0].u.o;
        Value self = t->v[1];
        Value a = class_lookup(owner->base, name);
        if (a.tag == V_NULL) return VNULL;
        Class *sc = self.tag == V_OBJ && self.u.o->kind == O_CLASS ? (Class *)self.u.o : rt_type(vm, self);
        return descr_get(vm, a, self, sc);
      }
      Value ca = class_lookup(cls, name);
      if (ca.tag == V_OBJ && ca.u.o->kind == O_WRAP && ((Wrap *)ca.u.o)->wkind == W_PROPERTY) return descr_get(vm, ca, o, cls);
      Inst *in = (Inst *)ob;
      if (in->dict) {
        Value v = dict_get_str(in->dict, name);
        if (v.tag != V_NULL) { v_incref(v); return v; }
      }
      if (ca.tag != V_NULL) return descr_get(vm, ca, o, cls);
      Value sp = special_attr(vm, o, name);
      if (sp.tag != V_NULL) return sp;
      Str *ga = str_intern_cstr(vm, "__getattr__");
      if (ga && class_lookup(cls, ga).tag != V_NULL) {
        Value arg = v_obj(name);
        return rt_call_method(vm, o, ga, &arg, 1);
      }
      return VNULL;
    }
    case O_CLASS: {
      Class *c = (Class *)ob;
      Value a = class_lookup(c, name);
      if (a.tag != V_NULL) {
        if (a.tag == V_OBJ && a.u.o->kind == O_WRAP) {
          Wrap *w = (Wrap *)a.u.o;
          if (w->wkind == W_STATIC) { v_incref(w->func); return w->func; }
          if (w->wkind == W_CLASSMETHOD) return bind_method(vm, w->func, o);
        }
        v_incref(a);
        return a;
      }
      return special_attr(vm, o, name);
    }
    case O_MODULE: {
      Value v = dict_get_str(((Module *)ob)->dict, name);
      if (v.tag != V_NULL) { v_incref(v); return v; }
      v = import_submodule_attr(vm, (Module *)ob, name);
      if (v.tag != V_NULL) return v;
      return special_attr(vm, o, name);
    }
    case O_NATIVE:
      if (cls->getattr_hook) {
        Value v = cls->getattr_hook(vm, o, name);
        if (v.tag != V_NULL) return v;
      }
      break;
    default: break;
    }
  }
  Value a = class_lookup(cls, name);
  if (a.tag != V_NULL) return descr_get(vm, a, o, cls);
  return special_attr(vm, o, name);
}

Value rt_getattr(VM *vm, Value o, Str *name) {
  Value v = rt_getattr_opt(vm, o, name);
  if (v.tag != V_NULL) return v;
  v_incref(o);
  v_decref(vm, vm->attr_err_obj);
  vm->attr_err_obj = o;
  if (o.tag == V_OBJ && o.u.o->kind == O_MODULE)
    return rt_raise(vm, EX_AttributeError, "module '%s' has no attribute '%s'", ((Module *)o.u.o)->name->s, name->s);
  if (o.tag == V_OBJ && o.u.o->kind == O_CLASS)
    return rt_raise(vm, EX_AttributeError, "type object '%s' has no attribute '%s'", ((Class *)o.u.o)->name->s, name->s);
  return rt_raise(vm, EX_AttributeError, "'%s' object has no attribute '%s'", rt_type_name(vm, o), name->s);
}

int rt_setattr(VM *vm, Value o, Str *name, Value v) {
  if (o.tag == V_OBJ) {
    Obj *ob = o.u.o;
    if (ob->kind == O_INST && ob->cls != vm->cls[CLS_super]) {
      Value ca = class_lookup(ob->cls, name);
      if (ca.tag == V_OBJ && ca.u.o->kind == O_WRAP && ((Wrap *)ca.u.o)->wkind == W_PROPERTY) {
        rt_raise(vm, EX_AttributeError, "can't set attribute '%s'", name->s);
        return -1;
      }
      Str *sa = str_intern_cstr(vm, "__setattr__");
      if (sa && class_lookup(ob->cls, sa).tag != V_NULL) {
        Value args[2] = {v_obj(name), v};
        Value r = rt_call_method(vm, o, sa, args, 2);
        if (IS_ERR(r)) return -1;
        v_decref(vm, r);
        return 0;
      }
      Inst *in = (Inst *)ob;
      if (!in->dict && !(in->dict = dict_new(vm))) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
      if (ob->cls->is_exc && strcmp(name->s, "args") == 0) {
        List *l = rt_to_list(vm, v);
        if (!l) return -1;
        Tuple *t = tuple_new(vm, l->n);
        if (!t) { OBJ_DECREF(vm, l); return -1; }
        for (int64_t i = 0; i < l->n; i++) { t->v[i] = l->v[i]; }
        l->n = 0;
        OBJ_DECREF(vm, l);
        v_decref(vm, in->args);
        in->args = v_obj(t);
        return 0;
      }
      return dict_set_str(vm, in->dict, name, v);
    }
    if (ob->kind == O_CLASS) {
      if (((Class *)ob)->builtin) {
        rt_raise(vm, EX_TypeError, "cannot set '%s' attribute of immutable type '%s'", name->s, ((Class *)ob)->name->s);
        return -1;
      }
      return dict_set_str(vm, ((Class *)ob)->dict, name, v);
    }
    if (ob->kind == O_MODULE) return dict_set_str(vm, ((Module *)ob)->dict, name, v);
    if (ob->kind == O_NATIVE && ob->cls->setattr_hook) {
      int r = ob->cls->setattr_hook(vm, o, name, v);
      if (r != 0) return r < 0 ? -1 : 0;
    }
  }
  Value has = class_lookup(rt_type(vm, o), name);
  if (has.tag != V_NULL)
    rt_raise(vm, EX_AttributeError, "'%s' object attribute '%s' is read-only", rt_type_name(vm, o), name->s);
  else
    rt_raise(vm, EX_AttributeError, "'%s' object has no attribute '%s'", rt_type_name(vm, o), name->s);
  return -1;
}

int rt_delattr(VM *vm, Value o, Str *name) {
  if (o.tag == V_OBJ) {
    Dict *d = NULL;
    Obj *ob = o.u.o;
    if (ob->kind == O_INST) d = ((Inst *)ob)->dict;
    else if (ob->kind == O_CLASS && !((Class *)ob)->builtin) d = ((Class *)ob)->dict;
    else if (ob->kind == O_MODULE) d = ((Module *)ob)->dict;
    if (d) {
      int r = dict_del(vm, d, v_obj(name));
      if (r > 0) return 0;
      if (r < 0) return -1;
    }
  }
  rt_raise(vm, EX_AttributeError, "'%s' object has no attribute '%s'", rt_type_name(vm, o), name->s);
  return -1;
}

/* ----- calls ----- */

static Value call_with_self(VM *vm, Value func, Value self, Value *args, int n, Kw *kw) {
  Value local[8];
  Value *all = n + 1 <= 8 ? local : malloc(sizeof(Value) * (size_t)(n + 1));
  if (!all) return rt_raise(vm, EX_MemoryError, "%s", "");
  all[0] = self;
  if (n) memcpy(all + 1, args, sizeof(Value) * (size_t)n);
  Value r = rt_call(vm, func, all, n + 1, kw);
  if (all != local) free(all);
  return r;
}

Value rt_call(VM *vm, Value f, Value *args, int n, Kw *kw) {
  if (f.tag != V_OBJ) return rt_raise(vm, EX_TypeError, "'%s' object is not callable", rt_type_name(vm, f));
  Obj *o = f.u.o;
  switch (o->kind) {
  case O_FUNC: return call_func(vm, (Func *)o, args, n, kw);
  case O_NATFUNC: {
    NatFunc *nf = (NatFunc *)o;
    if (nf->self.tag != V_NULL) return call_with_self(vm, v_obj(nf), nf->self, args, n, kw);
    if (vm->depth >= vm->max_depth) return rt_raise(vm, EX_RecursionError, "maximum recursion depth exceeded");
    vm->depth++;
    Value r = nf->fn(vm, args, n, kw);
    vm->depth--;
    return r;
  }
  case O_BOUND: {
    Bound *b = (Bound *)o;
    if (b->func.tag == V_OBJ && b->func.u.o->kind == O_NATFUNC) {
      Value local[8];
      Value *all = n + 1 <= 8 ? local : malloc(sizeof(Value) * (size_t)(n + 1));
      if (!all) return rt_raise(vm, EX_MemoryError, "%s", "");
      all[0] = b->self;
      if (n) memcpy(all + 1, args, sizeof(Value) * (size_t)n);
      vm->depth++;
      Value r = ((NatFunc *)b->func.u.o)->fn(vm, all, n + 1, kw);
      vm->depth--;
      if (all != local) free(all);
      return r;
    }
    return call_with_self(vm, b->func, b->self, args, n, kw);
  }
  case O_CLASS: {
    Class *c = (Class *)o;
    if (c->ctor) {
      Value local[8];
      Value *all = n + 1 <= 8 ? local : malloc(sizeof(Value) * (size_t)(n + 1));
      if (!all) return rt_raise(vm, EX_MemoryError, "%s", "");
      all[0] = f;
      if (n) memcpy(all + 1, args, sizeof(Value) * (size_t)n);
      Value r = c->ctor(vm, all, n + 1, kw);
      if (all != local) free(all);
      return r;
    }
    Inst *in = obj_alloc(vm, sizeof(Inst), O_INST, c);
    if (!in) return rt_raise(vm, EX_MemoryError, "%s", "");
    Value self = v_obj(in);
    if (c->is_exc) {
      Tuple *t = tuple_new(vm, n);
      if (!t) { v_decref(vm, self); return rt_raise(vm, EX_MemoryError, "%s", ""); }
      for (int i = 0; i < n; i++) { v_incref(args[i]); t->v[i] = args[i]; }
      in->args = v_obj(t);
    }
    Value init = class_lookup(c, vm->s_init);
    if (init.tag == V_OBJ && init.u.o == dict_get_str(vm->cls[CLS_object]->dict, vm->s_init).u.o) init = VNULL;
    if (init.tag == V_OBJ && (init.u.o->kind == O_FUNC || init.u.o->kind == O_NATFUNC)) {
      Value r = call_with_self(vm, init, self, args, n, kw);
      if (IS_ERR(r)) { v_decref(vm, self); return r; }
      if (r.tag != V_NONE) {
        rt_raise(vm, EX_TypeError, "__init__() should return None, not '%s'", rt_type_name(vm, r));
        v_decref(vm, r);
        v_decref(vm, self);
        return VERR;
      }
    } else if ((n > 0 || (kw && kw->n)) && !c->is_exc) {
      v_decref(vm, self);
      return rt_raise(vm, EX_TypeError, "%s() takes no arguments", c->name->s);
    }
    return self;
  }
  case O_INST: case O_NATIVE: {
    Value m = class_lookup(o->cls, vm->s_call);
    if (m.tag != V_NULL) return call_with_self(vm, m, f, args, n, kw);
    break;
  }
  case O_WRAP: {
    Wrap *w = (Wrap *)o;
    if (w->wkind == W_STATIC) return rt_call(vm, w->func, args, n, kw);
    break;
  }
  default: break;
  }
  return rt_raise(vm, EX_TypeError, "'%s' object is not callable", rt_type_name(vm, f));
}

Value rt_call_method(VM *vm, Value self, Str *name, Value *args, int n) {
  Value m = class_lookup(rt_type(vm, self), name);
  if (m.tag == V_NULL) return VNULL;
  if (m.tag == V_OBJ && m.u.o->kind == O_WRAP) {
    Value bound = rt_getattr(vm, self, name);
    if (IS_ERR(bound)) return bound;
    Value r = rt_call(vm, bound, args, n, NULL);
    v_decref(vm, bound);
    return r;
  }
  if (m.tag == V_OBJ && (m.u.o->kind == O_FUNC || m.u.o->kind == O_NATFUNC)) return call_with_self(vm, m, self, args, n, NULL);
  return rt_call(vm, m, args, n, NULL);
}

/* ----- numbers ----- */

static bool is_num(Value v) { return v.tag == V_INT || v.tag == V_BOOL || v.tag == V_FLOAT; }

static Value int_pow(VM *vm, int64_t b, int64_t e) {
  if (e < 0) {
    if (b == 0) return rt_raise(vm, EX_ZeroDivisionError, "0.0 cannot be raised to a negative power");
    return v_float(pow((double)b, (double)e));
  }
  int64_t r = 1;
  while (e) {
    if (e & 1) { if (__builtin_mul_overflow(r, b, &r)) goto over; }
    e >>= 1;
    if (e && __builtin_mul_overflow(b, b, &b)) goto over;
  }
  return v_int(r);
over:
  return rt_raise(vm, EX_OverflowError, "integer result too large for the runner's 64-bit int");
}

static Value float_binop(VM *vm, int op, double x, double y) {
  switch (op) {
  case OP_ADD: return v_float(x + y);
  case OP_SUB: return v_float(x - y);
  case OP_MUL: return v_float(x * y);
  case OP_TRUEDIV:
    if (y == 0) return rt_raise(vm, EX_ZeroDivisionError, "float division by zero");
    return v_float(x / y);
  case OP_FLOORDIV: case OP_MOD: {
    if (y == 0) return rt_raise(vm, EX_ZeroDivisionError, op == OP_MOD ? "float modulo" : "float floor division by zero");
    double mod = fmod(x, y);
    double div = (x - mod) / y;
    if (mod) {
      if ((y < 0) != (mod < 0)) { mod += y; div -= 1.0; }
    } else {
      mod = copysign(0.0, y);
    }
    double fd;
    if (div) {
      fd = floor(div);
      if (div - fd > 0.5) fd += 1.0;
    } else {
      fd = copysign(0.0, x / y);
    }
    return v_float(op == OP_MOD ? mod : fd);
  }
  case OP_POW: {
    if (x == 0 && y < 0) return rt_raise(vm, EX_ZeroDivisionError, "0.0 cannot be raised to a negative power");
    if (x < 0 && y != floor(y) && isfinite(y)) return rt_raise(vm, EX_ValueError, "math domain error (a negative number to a fractional power is complex; complex numbers are not supported)");
    double r = pow(x, y);
    if (isinf(r) && isfinite(x) && isfinite(y)) return rt_raise(vm, EX_OverflowError, "(34, 'Numerical result out of range')");
    return v_float(r);
  }
  default: return VNULL;
  }
}

static Value num_binop(VM *vm, int op, Value a, Value b) {
  if (a.tag != V_FLOAT && b.tag != V_FLOAT) {
    int64_t x = a.u.i, y = b.u.i, r;
    switch (op) {
    case OP_ADD: if (__builtin_add_overflow(x, y, &r)) goto over; return v_int(r);
    case OP_SUB: if (__builtin_sub_overflow(x, y, &r)) goto over; return v_int(r);
    case OP_MUL: if (__builtin_mul_overflow(x, y, &r)) goto over; return v_int(r);
    case OP_TRUEDIV:
      if (y == 0) return rt_raise(vm, EX_ZeroDivisionError, "division by zero");
      /* exact when both fit in a double's mantissa; CPython rounds correctly in general */
      if (x > -(1LL << 53) && x < (1LL << 53) && y > -(1LL << 53) && y < (1LL << 53)) return v_float((double)x / (double)y);
      return v_float((double)x / (double)y);
    case OP_FLOORDIV: case OP_MOD: {
      if (y == 0) return rt_raise(vm, EX_ZeroDivisionError, op == OP_MOD ? "integer modulo by zero" : "integer division or modulo by zero");
      if (x == INT64_MIN && y == -1) { if (op == OP_MOD) return v_int(0); goto over; }
      int64_t q = x / y, m = x % y;
      if (m != 0 && ((m < 0) != (y < 0))) { q -= 1; m += y; }
      return v_int(op == OP_MOD ? m : q);
    }
    case OP_POW: return int_pow(vm, x, y);
    case OP_LSHIFT:
      if (y < 0) return rt_raise(vm, EX_ValueError, "negative shift count");
      if (x == 0) return v_int(0);
      if (y >= 63 || (x > 0 ? x > (INT64_MAX >> y) : x < (INT64_MIN >> y))) goto over;
      return v_int((int64_t)((uint64_t)x << y));
    case OP_RSHIFT:
      if (y < 0) return rt_raise(vm, EX_ValueError, "negative shift count");
      return v_int(y >= 64 ? (x < 0 ? -1 : 0) : x >> y);
    case OP_AND: return a.tag == V_BOOL && b.tag == V_BOOL ? v_bool(x & y) : v_int(x & y);
    case OP_OR: return a.tag == V_BOOL && b.tag == V_BOOL ? v_bool(x | y) : v_int(x | y);
    case OP_XOR: return a.tag == V_BOOL && b.tag == V_BOOL ? v_bool(x ^ y) : v_int(x ^ y);
    default: return VNULL;
    }
  over:
    return rt_raise(vm, EX_OverflowError, "integer result too large for the runner's 64-bit int");
  }
  if (op >= OP_MATMUL) return VNULL;
  double x = a.tag == V_FLOAT ? a.u.f : (double)a.u.i;
  double y = b.tag == V_FLOAT ? b.u.f : (double)b.u.i;
  return float_binop(vm, op, x, y);
}

static Value seq_repeat(VM *vm, Value seq, int64_t k) {
  if (k < 0) k = 0;
  Obj *o = seq.u.o;
  if (o->kind == O_STR) {
    Str *s = (Str *)o;
    /* beyond 8 GiB, say MemoryError instead of trying */
    if (s->len && k > (INT64_C(1) << 33) / s->len) return rt_raise(vm, EX_MemoryError, "%s", "");
    Str *r = obj_alloc(vm, sizeof(Str) + (size_t)(s->len * k) + 1, O_STR, vm->cls[CLS_str]);
    if (!r) return rt_raise(vm, EX_MemoryError, "%s", "");
    r->len = s->len * k;
    r->hash = -1;
    r->ascii = s->ascii;
    r->nchars = s->ascii ? r->len : -1;
    for (int64_t i = 0; i < k; i++) memcpy(r->s + i * s->len, s->s, (size_t)s->len);
    r->s[r->len] = 0;
    return v_obj(r);
  }
  int64_t n = o->kind == O_LIST ? ((List *)o)->n : ((Tuple *)o)->n;
  Value *items = o->kind == O_LIST ? ((List *)o)->v : ((Tuple *)o)->v;
  if (n && k > (INT64_C(1) << 29) / n) return rt_raise(vm, EX_MemoryError, "%s", "");
  if (o->kind == O_LIST) {
    List *l = list_new(vm, n * k);
    if (!l) return rt_raise(vm, EX_MemoryError, "%s", "");
    for (int64_t i = 0; i < k; i++)
      for (int64_t j = 0; j < n; j++) { v_incref(items[j]); l->v[l->n++] = items[j]; }
    return v_obj(l);
  }
  Tuple *t = tuple_new(vm, n * k);
  if (!t) return rt_raise(vm, EX_MemoryError, "%s", "");
  for (int64_t i = 0; i < k; i++)
    for (int64_t j = 0; j < n; j++) { v_incref(items[j]); t->v[i * n + j] = items[j]; }
  return v_obj(t);
}

static Value concat(VM *vm, Value a, Value b) {
  Obj *x = a.u.o, *y = b.u.o;
  if (x->kind == O_STR) {
    Str *s = (Str *)x, *t = (Str *)y;
    Str *r = obj_alloc(vm, sizeof(Str) + (size_t)(s->len + t->len) + 1, O_STR, vm->cls[CLS_str]);
    if (!r) return rt_raise(vm, EX_MemoryError, "%s", "");
    r->len = s->len + t->len;
    r->hash = -1;
    memcpy(r->s, s->s, (size_t)s->len);
    memcpy(r->s + s->len, t->s, (size_t)t->len);
    r->s[r->len] = 0;
    r->ascii = s->ascii && t->ascii;
    r->nchars = r->ascii ? r->len : -1;
    return v_obj(r);
  }
  int64_t n1 = x->kind == O_LIST ? ((List *)x)->n : ((Tuple *)x)->n;
  int64_t n2 = y->kind == O_LIST ? ((List *)y)->n : ((Tuple *)y)->n;
  Value *i1 = x->kind == O_LIST ? ((List *)x)->v : ((Tuple *)x)->v;
  Value *i2 = y->kind == O_LIST ? ((List *)y)->v : ((Tuple *)y)->v;
  if (x->kind == O_LIST) {
    List *l = list_new(vm, n1 + n2);
    if (!l) return rt_raise(vm, EX_MemoryError, "%s", "");
    for (int64_t i = 0; i < n1; i++) { v_incref(i1[i]); l->v[l->n++] = i1[i]; }
    for (int64_t i = 0; i < n2; i++) { v_incref(i2[i]); l->v[l->n++] = i2[i]; }
    return v_obj(l);
  }
  Tuple *t = tuple_new(vm, n1 + n2);
  if (!t) return rt_raise(vm, EX_MemoryError, "%s", "");
  for (int64_t i = 0; i < n1; i++) { v_incref(i1[i]); t->v[i] = i1[i]; }
  for (int64_t i = 0; i < n2; i++) { v_incref(i2[i]); t->v[n1 + i] = i2[i]; }
  return v_obj(t);
}

static Value set_op(VM *vm, int op, Set *a, Set *b) {
  Set *r = set_new(vm);
  if (!r) return rt_raise(vm, EX_MemoryError, "%s", "");
  int64_t pos = 0;
  Value k;
  if (op == OP_OR) {
    if (set_merge(vm, r, a) < 0 || set_merge(vm, r, b) < 0) goto fail;
  } else if (op == OP_AND) {
    /* iterate the smaller set, as CPython's set_intersection */
    Set *so = a, *other = b;
    if (other->used > so->used) { Set *t = so; so = other; other = t; }
    while (set_next(other, &pos, &k)) { int c = set_contains(vm, so, k); if (c < 0) goto fail; if (c && set_add(vm, r, k) < 0) goto fail; }
  } else if (op == OP_SUB) {
    if ((a->used >> 2) > b->used) {
      if (set_merge(vm, r, a) < 0) goto fail;
      while (set_next(b, &pos, &k)) if (set_discard(vm, r, k) < 0) goto fail;
    } else {
      while (set_next(a, &pos, &k)) { int c = set_contains(vm, b, k); if (c < 0) goto fail; if (!c && set_add(vm, r, k) < 0) goto fail; }
    }
  } else {
    if (set_merge(vm, r, b) < 0) goto fail;
    while (set_next(a, &pos, &k)) {
      int c = set_discard(vm, r, k);
      if (c < 0) goto fail;
      if (!c && set_add(vm, r, k) < 0) goto fail;
    }
  }
  return v_obj(r);
fail:
  OBJ_DECREF(vm, r);
  return VERR;
}

static bool has_dispatch(Value v) { return v.tag == V_OBJ && (v.u.o->kind == O_INST || v.u.o->kind == O_NATIVE); }

static Value try_special(VM *vm, Value self, Str *name, Value other) {
  if (!has_dispatch(self)) return VNULL;
  Value r = rt_call_method(vm, self, name, &other, 1);
  if (r.tag == V_OBJ && vm->notimpl.tag == V_OBJ && r.u.o == vm->notimpl.u.o) { v_decref(vm, r); return VNULL; }
  return r;
}

Value rt_binop(VM *vm, int op, Value a, Value b) {
  if (is_num(a) && is_num(b)) {
    Value r = num_binop(vm, op, a, b);
    if (r.tag != V_NULL) return r;
  }
  if (has_dispatch(a)) {
    Value r = try_special(vm, a, vm->s_binop[op], b);
    if (r.tag != V_NULL) return r;
  }
  if (has_dispatch(b) && !(has_dispatch(a) && a.u.o == b.u.o && false)) {
    Value r = try_special(vm, b, vm->s_rbinop[op], a);
    if (r.tag != V_NULL) return r;
  }
  if (a.tag == V_OBJ && b.tag == V_OBJ) {
    int ka = a.u.o->kind, kb = b.u.o->kind;
    if (op == OP_ADD && ka == kb && (ka == O_STR || ka == O_LIST || ka == O_TUPLE)) return concat(vm, a, b);
    if (ka == O_SET && kb == O_SET && (op == OP_OR || op == OP_AND || op == OP_SUB || op == OP_XOR)) return set_op(vm, op, (Set *)a.u.o, (Set *)b.u.o);
    if (ka == O_DICT && kb == O_DICT && op == OP_OR) {
      Dict *d = dict_new(vm);
      if (!d) return rt_raise(vm, EX_MemoryError, "%s", "");
      int64_t pos = 0;
      Value k, v;
      while (dict_next((Dict *)a.u.o, &pos, &k, &v)) dict_set(vm, d, k, v);
      pos = 0;
      while (dict_next((Dict *)b.u.o, &pos, &k, &v)) dict_set(vm, d, k, v);
      return v_obj(d);
    }
  }
  if (op == OP_MOD && a.tag == V_OBJ && a.u.o->kind == O_STR) return str_percent(vm, (Str *)a.u.o, b);
  if (op == OP_MUL) {
    Value seq = VNULL, cnt = VNULL;
    if (a.tag == V_OBJ && (a.u.o->kind == O_STR || a.u.o->kind == O_LIST || a.u.o->kind == O_TUPLE)) { seq = a; cnt = b; }
    else if (b.tag == V_OBJ && (b.u.o->kind == O_STR || b.u.o->kind == O_LIST || b.u.o->kind == O_TUPLE)) { seq = b; cnt = a; }
    if (seq.tag != V_NULL) {
      if (cnt.tag == V_INT || cnt.tag == V_BOOL) return seq_repeat(vm, seq, cnt.u.i);
      return rt_raise(vm, EX_TypeError, "can't multiply sequence by non-int of type '%s'", rt_type_name(vm, cnt));
    }
  }
  if (op == OP_ADD && a.tag == V_OBJ && (a.u.o->kind == O_STR || a.u.o->kind == O_LIST || a.u.o->kind == O_TUPLE))
    return rt_raise(vm, EX_TypeError, "can only concatenate %s (not \"%s\") to %s", rt_type_name(vm, a), rt_type_name(vm, b), rt_type_name(vm, a));
  if (op == OP_POW)
    return rt_raise(vm, EX_TypeError, "unsupported operand type(s) for ** or pow(): '%s' and '%s'", rt_type_name(vm, a), rt_type_name(vm, b));
  return rt_raise(vm, EX_TypeError, "unsupported operand type(s) for %s: '%s' and '%s'", op_symbol(op), rt_type_name(vm, a), rt_type_name(vm, b));
}

Value rt_inplace(VM *vm, int op, Value a, Value b) {
  if (a.tag == V_OBJ && a.u.o->kind == O_LIST && op == OP_ADD) {
    List *l = (List *)a.u.o;
    List *src = rt_to_list(vm, b);
    if (!src) return VERR;
    for (int64_t i = 0; i < src->n; i++) if (list_append(vm, l, src->v[i]) < 0) { OBJ_DECREF(vm, src); return VERR; }
    OBJ_DECREF(vm, src);
    v_incref(a);
    return a;
  }
  if (has_dispatch(a)) {
    Value r = try_special(vm, a, vm->s_ibinop[op], b);
    if (r.tag != V_NULL) return r;
  }
  return rt_binop(vm, op, a, b);
}

Value rt_unary(VM *vm, int op, Value a) {
  if (a.tag == V_INT || a.tag == V_BOOL) {
    if (op == UOP_NEG) {
      if (a.u.i == INT64_MIN) return rt_raise(vm, EX_OverflowError, "integer result too large for the runner's 64-bit int");
      return v_int(-a.u.i);
    }
    if (op == UOP_POS) return v_int(a.u.i);
    return v_int(~a.u.i);
  }
  if (a.tag == V_FLOAT) {
    if (op == UOP_NEG) return v_float(-a.u.f);
    if (op == UOP_POS) return a;
  }
  if (has_dispatch(a)) {
    Str *name = op == UOP_NEG ? vm->s_neg : op == UOP_POS ? vm->s_pos : vm->s_invert;
    Value r = rt_call_method(vm, a, name, NULL, 0);
    if (r.tag != V_NULL) return r;
  }
  return rt_raise(vm, EX_TypeError, "bad operand type for unary %s: '%s'", op == UOP_NEG ? "-" : op == UOP_POS ? "+" : "~", rt_type_name(vm, a));
}

/* ----- comparison ----- */

static const char *cmp_sym(int op) {
  static const char *const s[] = {"<", "<=", "==", "!=", ">", ">="};
  return op >= 0 && op < 6 ? s[op] : "?";
}

static int cmp_result(int c, int op) {
  switch (op) {
  case CMP_LT: return c < 0;
  case CMP_LE: return c <= 0;
  case CMP_EQ: return c == 0;
  case CMP_NE: return c != 0;
  case CMP_GT: return c > 0;
  default: return c >= 0;
  }
}

static int num_cmp(Value a, Value b) {
  if (a.tag != V_FLOAT && b.tag != V_FLOAT) return (a.u.i > b.u.i) - (a.u.i < b.u.i);
  if (a.tag == V_FLOAT && b.tag == V_FLOAT) {
    if (isnan(a.u.f) || isnan(b.u.f)) return 2; /* unordered */
    return (a.u.f > b.u.f) - (a.u.f < b.u.f);
  }
  /* int vs float, exactly */
  if (a.tag == V_FLOAT) { int c = num_cmp(b, a); return c == 2 ? 2 : -c; }
  double y = b.u.f;
  int64_t x = a.u.i;
  if (isnan(y)) return 2; /* unordered */
  if (y >= 9.2233720368547758e18) return -1;
  if (y < -9.2233720368547758e18) return 1;
  double fy = floor(y);
  int64_t iy = (int64_t)fy;
  if (x < iy) return -1;
  if (x > iy) return 1;
  return fy < y ? -1 : 0;
}

static Str *s_cmp_name(VM *vm, int op) {
  switch (op) {
  case CMP_LT: return vm->s_lt;
  case CMP_LE: return vm->s_le;
  case CMP_EQ: return vm->s_eq;
  case CMP_NE: return vm->s_ne;
  case CMP_GT: return vm->s_gt;
  default: return vm->s_ge;
  }
}
static int swap_op(int op) {
  switch (op) {
  case CMP_LT: return CMP_GT;
  case CMP_LE: return CMP_GE;
  case CMP_GT: return CMP_LT;
  case CMP_GE: return CMP_LE;
  default: return op;
  }
}

static Value seq_compare(VM *vm, int op, Value *x, int64_t nx, Value *y, int64_t ny) {
  int64_t n = nx < ny ? nx : ny;
  for (int64_t i = 0; i < n; i++) {
    int e = rt_eq(vm, x[i], y[i]);
    if (e < 0) return VERR;
    if (!e) {
      if (op == CMP_EQ) return v_bool(false);
      if (op == CMP_NE) return v_bool(true);
      return rt_compare(vm, op, x[i], y[i]);
    }
  }
  int c = (nx > ny) - (nx < ny);
  return v_bool(cmp_result(c, op));
}

Value rt_compare(VM *vm, int op, Value a, Value b) {
  switch (op) {
  case CMP_IS: case CMP_ISNOT: {
    bool same = a.tag == b.tag && (a.tag == V_OBJ ? a.u.o == b.u.o : a.tag == V_FLOAT ? a.u.f == b.u.f : a.u.i == b.u.i);
    if (a.tag == V_NONE && b.tag == V_NONE) same = true;
    return v_bool(op == CMP_IS ? same : !same);
  }
  case CMP_IN: case CMP_NOTIN: {
    int r = rt_contains(vm, b, a);
    if (r < 0) return VERR;
    return v_bool(op == CMP_IN ? r : !r);
  }
  default: break;
  }
  if (is_num(a) && is_num(b)) {
    int c = num_cmp(a, b);
    if (c == 2) return v_bool(op == CMP_NE); /* NaN: only != holds */
    return v_bool(cmp_result(c, op));
  }
  if (has_dispatch(a)) {
    Value r = try_special(vm, a, s_cmp_name(vm, op), b);
    if (r.tag != V_NULL) return r;
  }
  if (has_dispatch(b)) {
    Value r = try_special(vm, b, s_cmp_name(vm, swap_op(op)), a);
    if (r.tag != V_NULL) return r;
  }
  if (op == CMP_EQ || op == CMP_NE) {
    if (op == CMP_NE && has_dispatch(a) && class_lookup(a.u.o->cls, vm->s_eq).tag != V_NULL) {
      Value r = try_special(vm, a, vm->s_eq, b);
      if (IS_ERR(r)) return r;
      if (r.tag != V_NULL) {
        int t = rt_truthy(vm, r);
        v_decref(vm, r);
        if (t < 0) return VERR;
        return v_bool(!t);
      }
    }
    if (has_dispatch(a) || has_dispatch(b)) {
      bool same = a.tag == b.tag && a.tag == V_OBJ && a.u.o == b.u.o;
      return v_bool(op == CMP_EQ ? same : !same);
    }
    int e = rt_eq(vm, a, b);
    if (e < 0) return VERR;
    return v_bool(op == CMP_EQ ? e : !e);
  }
  if (a.tag == V_OBJ && b.tag == V_OBJ) {
    Obj *x = a.u.o, *y = b.u.o;
    if (x->kind == O_STR && y->kind == O_STR) {
      Str *s = (Str *)x, *t = (Str *)y;
      int64_t n = s->len < t->len ? s->len : t->len;
      int c = memcmp(s->s, t->s, (size_t)n);
      if (c == 0) c = (s->len > t->len) - (s->len < t->len);
      return v_bool(cmp_result(c, op));
    }
    if ((x->kind == O_LIST && y->kind == O_LIST) || (x->kind == O_TUPLE && y->kind == O_TUPLE)) {
      if (x->kind == O_LIST) return seq_compare(vm, op, ((List *)x)->v, ((List *)x)->n, ((List *)y)->v, ((List *)y)->n);
      return seq_compare(vm, op, ((Tuple *)x)->v, ((Tuple *)x)->n, ((Tuple *)y)->v, ((Tuple *)y)->n);
    }
    if (x->kind == O_SET && y->kind == O_SET) {
      Set *s = (Set *)x, *t = (Set *)y;
      Set *small = (op == CMP_LT || op == CMP_LE) ? s : t, *big = small == s ? t : s;
      if ((op == CMP_LT || op == CMP_GT) && small->used >= big->used) return v_bool(false);
      if (small->used > big->used) return v_bool(false);
      int64_t pos = 0;
      Value k;
      while (set_next(small, &pos, &k)) {
        int c = set_contains(vm, big, k);
        if (c < 0) return VERR;
        if (!c) return v_bool(false);
      }
      return v_bool(true);
    }
  }
  return rt_raise(vm, EX_TypeError, "'%s' not supported between instances of '%s' and '%s'", cmp_sym(op), rt_type_name(vm, a), rt_type_name(vm, b));
}

int rt_lt(VM *vm, Value a, Value b) {
  if (a.tag == V_INT && b.tag == V_INT) return a.u.i < b.u.i;
  if (a.tag == V_FLOAT && b.tag == V_FLOAT) return a.u.f < b.u.f;
  Value r = rt_compare(vm, CMP_LT, a, b);
  if (IS_ERR(r)) return -1;
  int t = rt_truthy(vm, r);
  v_decref(vm, r);
  return t;
}

int rt_contains(VM *vm, Value c, Value item) {
  if (c.tag == V_OBJ) {
    Obj *o = c.u.o;
    switch (o->kind) {
    case O_LIST: case O_TUPLE: {
      for (int64_t i = 0;; i++) {
        int64_t n = o->kind == O_LIST ? ((List *)o)->n : ((Tuple *)o)->n;
        if (i >= n) return 0;
        Value e = o->kind == O_LIST ? ((List *)o)->v[i] : ((Tuple *)o)->v[i];
        v_incref(e);
        int r = rt_eq(vm, e, item);
        v_decref(vm, e);
        if (r) return r;
      }
    }
    case O_STR: {
      if (item.tag != V_OBJ || item.u.o->kind != O_STR) {
        rt_raise(vm, EX_TypeError, "'in <string>' requires string as left operand, not %s", rt_type_name(vm, item));
        return -1;
      }
      Str *h = (Str *)o, *nd = (Str *)item.u.o;
      if (nd->len == 0) return 1;
      if (nd->len > h->len) return 0;
      return memmem(h->s, (size_t)h->len, nd->s, (size_t)nd->len) != NULL;
    }
    case O_DICT: {
      int err = 0;
      Value v = dict_get(vm, (Dict *)o, item, &err);
      if (err) return -1;
      return v.tag != V_NULL;
    }
    case O_SET: return set_contains(vm, (Set *)o, item);
    case O_RANGE: {
      Range *r = (Range *)o;
      if (item.tag == V_INT || item.tag == V_BOOL) {
        int64_t x = item.u.i;
        if (r->len == 0) return 0;
        if (r->step > 0 ? (x < r->start || x >= r->stop) : (x > r->start || x <= r->stop)) return 0;
        return ((uint64_t)x - (uint64_t)r->start) % (uint64_t)(r->step > 0 ? r->step : -r->step) == 0;
      }
      break;
    }
    case O_DICTVIEW: {
      DictView *dv = (DictView *)o;
      if (dv->which == DV_KEYS) return rt_contains(vm, v_obj(dv->d), item);
      break;
    }
    case O_INST: case O_NATIVE: {
      Value r = rt_call_method(vm, c, vm->s_contains, &item, 1);
      if (IS_ERR(r)) return -1;
      if (r.tag != V_NULL) {
        int t = rt_truthy(vm, r);
        v_decref(vm, r);
        return t;
      }
      break;
    }
    default: break;
    }
  }
  Value it = rt_iter(vm, c);
  if (IS_ERR(it)) {
    if (rt_exc_matches(vm, EX_TypeError)) {
      rt_clear_exc(vm);
      rt_raise(vm, EX_TypeError, "argument of type '%s' is not iterable", rt_type_name(vm, c));
    }
    return -1;
  }
  for (;;) {
    Value x;
    int k = rt_next(vm, it, &x);
    if (k <= 0) { v_decref(vm, it); return k; }
    int e = rt_eq(vm, x, item);
    v_decref(vm, x);
    if (e) { v_decref(vm, it); return e; }
  }
}

/* ----- truth, len ----- */

int rt_truthy(VM *vm, Value v) {
  switch (v.tag) {
  case V_NONE: return 0;
  case V_BOOL: case V_INT: return v.u.i != 0;
  case V_FLOAT: return v.u.f != 0;
  case V_OBJ: break;
  default: return 0;
  }
  Obj *o = v.u.o;
  switch (o->kind) {
  case O_STR: return ((Str *)o)->len != 0;
  case O_LIST: return ((List *)o)->n != 0;
  case O_TUPLE: return ((Tuple *)o)->n != 0;
  case O_DICT: return ((Dict *)o)->n != 0;
  case O_SET: return ((Set *)o)->used != 0;
  case O_RANGE: return ((Range *)o)->len != 0;
  case O_DICTVIEW: return ((DictView *)o)->d->n != 0;
  case O_INST: case O_NATIVE: {
    Value r = rt_call_method(vm, v, vm->s_bool, NULL, 0);
    if (IS_ERR(r)) return -1;
    if (r.tag != V_NULL) {
      if (r.tag != V_BOOL) {
        rt_raise(vm, EX_TypeError, "__bool__ should return bool, returned %s", rt_type_name(vm, r));
        v_decref(vm, r);
        return -1;
      }
      return (int)r.u.i;
    }
    if (class_lookup(o->cls, vm->s_len).tag != V_NULL) {
      int64_t n = rt_len(vm, v);
      return n < 0 ? -1 : n != 0;
    }
    return 1;
  }
  default: return 1;
  }
}

int64_t rt_len(VM *vm, Value v) {
  if (v.tag == V_OBJ) {
    Obj *o = v.u.o;
    switch (o->kind) {
    case O_STR: return str_nchars((Str *)o);
    case O_LIST: return ((List *)o)->n;
    case O_TUPLE: return ((Tuple *)o)->n;
    case O_DICT: return ((Dict *)o)->n;
    case O_SET: return ((Set *)o)->used;
    case O_RANGE: return ((Range *)o)->len;
    case O_DICTVIEW: return ((DictView *)o)->d->n;
    case O_INST: case O_NATIVE: {
      Value r = rt_call_method(vm, v, vm->s_len, NULL, 0);
      if (IS_ERR(r)) return -1;
      if (r.tag == V_NULL) break;
      if (r.tag != V_INT && r.tag != V_BOOL) {
        rt_raise(vm, EX_TypeError, "'%s' object cannot be interpreted as an integer", rt_type_name(vm, r));
        v_decref(vm, r);
        return -1;
      }
      if (r.u.i < 0) { rt_raise(vm, EX_ValueError, "__len__() should return >= 0"); return -1; }
      return r.u.i;
    }
    default: break;
    }
  }
  rt_raise(vm, EX_TypeError, "object of type '%s' has no len()", rt_type_name(vm, v));
  return -1;
}

int rt_index(VM *vm, Value v, int64_t *out, const char *what) {
  if (v.tag == V_INT || v.tag == V_BOOL) { *out = v.u.i; return 0; }
  if (has_dispatch(v)) {
    Str *ix = str_intern_cstr(vm, "__index__");
    Value r = ix ? rt_call_method(vm, v, ix, NULL, 0) : VNULL;
    if (IS_ERR(r)) return -1;
    if (r.tag == V_INT) { *out = r.u.i; return 0; }
    v_decref(vm, r);
  }
  if (what) rt_raise(vm, EX_TypeError, "%s", what);
  else rt_raise(vm, EX_TypeError, "'%s' object cannot be interpreted as an integer", rt_type_name(vm, v));
  return -1;
}

Value rt_float_of(VM *vm, Value v) {
  if (v.tag == V_FLOAT) return v;
  if (v.tag == V_INT || v.tag == V_BOOL) return v_float((double)v.u.i);
  if (has_dispatch(v)) {
    Value r = rt_call_method(vm, v, vm->s_float, NULL, 0);
    if (IS_ERR(r)) return r;
    if (r.tag == V_FLOAT) return r;
    if (r.tag != V_NULL) { v_decref(vm, r); return rt_raise(vm, EX_TypeError, "__float__ returned non-float"); }
    Str *ix = str_intern_cstr(vm, "__index__");
    r = ix ? rt_call_method(vm, v, ix, NULL, 0) : VNULL;
    if (IS_ERR(r)) return r;
    if (r.tag == V_INT) return v_float((double)r.u.i);
  }
  return rt_raise(vm, EX_TypeError, "must be real number, not %s", rt_type_name(vm, v));
}
