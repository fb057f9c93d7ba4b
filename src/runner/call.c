/* call.c — functions and classes at run time: making function objects (defaults, closures,
 * decorators), binding call arguments to parameter slots with CPython's errors, running a function
 * body in a frame on the value stack, and running class bodies. */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----- functions ----- */

static Cell **make_closure(VM *vm, Frame *f, Code *c) {
  if (c->nfree == 0) return NULL;
  Cell **cells = malloc(sizeof(Cell *) * (size_t)c->nfree);
  if (!cells) { rt_raise(vm, EX_MemoryError, "%s", ""); return NULL; }
  for (int i = 0; i < c->nfree; i++) {
    Cell *cell = c->free[i].from_cell_slot ? (Cell *)f->slots[c->free[i].index].u.o : f->cells[c->free[i].index];
    OBJ_INCREF(cell);
    cells[i] = cell;
  }
  return cells;
}

Value make_function(VM *vm, Frame *f, Code *c) {
  Func *fn = obj_alloc(vm, sizeof(Func), O_FUNC, vm->cls[CLS_function]);
  if (!fn) return rt_raise(vm, EX_MemoryError, "%s", "");
  fn->code = c;
  fn->globals = f->globals;
  OBJ_INCREF(f->globals);
  Value self = v_obj(fn);
  if (c->defaults.n) {
    fn->defaults = calloc((size_t)c->defaults.n, sizeof(Value));
    if (!fn->defaults) { v_decref(vm, self); return rt_raise(vm, EX_MemoryError, "%s", ""); }
    for (int i = 0; i < c->defaults.n; i++) {
      Value d = rt_eval(vm, f, c->defaults.v[i]);
      if (IS_ERR(d)) { v_decref(vm, self); return d; }
      fn->defaults[fn->ndefaults++] = d;
    }
  }
  if (c->nkwonly) {
    fn->kwdefaults = calloc((size_t)c->nkwonly, sizeof(Value));
    if (!fn->kwdefaults) { v_decref(vm, self); return rt_raise(vm, EX_MemoryError, "%s", ""); }
    for (int i = 0; i < c->nkwonly; i++) {
      if (!c->kwdefaults.v[i]) continue;
      Value d = rt_eval(vm, f, c->kwdefaults.v[i]);
      if (IS_ERR(d)) { v_decref(vm, self); return d; }
      fn->kwdefaults[i] = d;
    }
  }
  if (c->nfree) {
    fn->cells = make_closure(vm, f, c);
    if (!fn->cells) { v_decref(vm, self); return VERR; }
    fn->ncells = c->nfree;
  }
  return self;
}

Value apply_decorators(VM *vm, Frame *f, NodeList *decs, Value v) {
  for (int i = decs->n - 1; i >= 0; i--) {
    Value d = rt_eval(vm, f, decs->v[i]);
    if (IS_ERR(d)) { v_decref(vm, v); return d; }
    Value r = rt_call(vm, d, &v, 1, NULL);
    v_decref(vm, d);
    v_decref(vm, v);
    if (IS_ERR(r)) return r;
    v = r;
  }
  return v;
}

static const char *plural(int n) { return n == 1 ? "" : "s"; }

static void missing_args(VM *vm, Code *c, Value *slots, int from, int to, const char *kind) {
  Buf b = {0};
  int missing = 0;
  for (int i = from; i < to; i++) if (slots[i].tag == V_NULL) missing++;
  int k = 0;
  for (int i = from; i < to; i++) {
    if (slots[i].tag != V_NULL) continue;
    if (k > 0) buf_puts(&b, missing == 2 ? " and " : (k == missing - 1 ? ", and " : ", "));
    buf_printf(&b, "'%s'", c->slotnames[i]->s);
    k++;
  }
  rt_raise(vm, EX_TypeError, "%s() missing %d required %s argument%s: %s", c->qualname->s, missing, kind, plural(missing), b.p ? b.p : "");
  free(b.p);
}

static int bind_args(VM *vm, Func *fn, Value *slots, Value *args, int n, Kw *kw) {
  Code *c = fn->code;
  int np = c->nargs;
  int take = n < np ? n : np;
  for (int i = 0; i < take; i++) { v_incref(args[i]); slots[i] = args[i]; }
  if (n > np) {
    if (c->vararg < 0) {
      int given = n;
      if (fn->ndefaults)
        rt_raise(vm, EX_TypeError, "%s() takes from %d to %d positional argument%s but %d %s given", c->qualname->s, np - fn->ndefaults, np, plural(np), given, given == 1 ? "was" : "were");
      else
        rt_raise(vm, EX_TypeError, "%s() takes %d positional argument%s but %d %s given", c->qualname->s, np, plural(np), given, given == 1 ? "was" : "were");
      return -1;
    }
    Tuple *t = tuple_new(vm, n - np);
    if (!t) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    for (int i = np; i < n; i++) { v_incref(args[i]); t->v[i - np] = args[i]; }
    slots[c->vararg] = v_obj(t);
  } else if (c->vararg >= 0) {
    Tuple *t = tuple_new(vm, 0);
    if (!t) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    slots[c->vararg] = v_obj(t);
  }
  Dict *kwd = NULL;
  if (c->kwarg >= 0) {
    kwd = dict_new(vm);
    if (!kwd) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    slots[c->kwarg] = v_obj(kwd);
  }
  int kwstart = c->vararg >= 0 ? c->vararg + 1 : np;
  if (kw) {
    for (int k = 0; k < kw->n; k++) {
      Str *name = kw->names[k];
      int idx = -1;
      for (int i = 0; i < np; i++) if (c->slotnames[i] == name || (c->slotnames[i]->len == name->len && memcmp(c->slotnames[i]->s, name->s, (size_t)name->len) == 0)) { idx = i; break; }
      if (idx < 0)
        for (int i = kwstart; i < kwstart + c->nkwonly; i++) if (c->slotnames[i] == name || (c->slotnames[i]->len == name->len && memcmp(c->slotnames[i]->s, name->s, (size_t)name->len) == 0)) { idx = i; break; }
      if (idx < 0) {
        if (!kwd) { rt_raise(vm, EX_TypeError, "%s() got an unexpected keyword argument '%s'", c->qualname->s, name->s); return -1; }
        if (dict_set_str(vm, kwd, name, kw->vals[k]) < 0) return -1;
        continue;
      }
      if (slots[idx].tag != V_NULL) { rt_raise(vm, EX_TypeError, "%s() got multiple values for argument '%s'", c->qualname->s, name->s); return -1; }
      v_incref(kw->vals[k]);
      slots[idx] = kw->vals[k];
    }
  }
  if (n < np) {
    int firstdef = np - fn->ndefaults;
    for (int i = n; i < np; i++) {
      if (slots[i].tag == V_NULL && i >= firstdef) { slots[i] = fn->defaults[i - firstdef]; v_incref(slots[i]); }
    }
    for (int i = 0; i < np; i++) if (slots[i].tag == V_NULL) { missing_args(vm, c, slots, 0, np, "positional"); return -1; }
  }
  if (c->nkwonly) {
    for (int i = 0; i < c->nkwonly; i++) {
      Value *s = &slots[kwstart + i];
      if (s->tag == V_NULL && fn->kwdefaults && fn->kwdefaults[i].tag != V_NULL) { *s = fn->kwdefaults[i]; v_incref(*s); }
    }
    for (int i = 0; i < c->nkwonly; i++)
      if (slots[kwstart + i].tag == V_NULL) { missing_args(vm, c, slots, kwstart, kwstart + c->nkwonly, "keyword-only"); return -1; }
  }
  return 0;
}

Value call_func(VM *vm, Func *fn, Value *args, int n, Kw *kw) {
  Code *c = fn->code;
  if (rt_tick(vm)) return VERR;
  if (vm->depth >= vm->max_depth) return rt_raise(vm, EX_RecursionError, "maximum recursion depth exceeded");
  if (vm->sp + c->nslots > vm->stack_cap) return rt_raise(vm, EX_RecursionError, "maximum recursion depth exceeded");
  Value *slots = vm->stack + vm->sp;
  for (int i = 0; i < c->nslots; i++) slots[i] = VNULL;
  vm->sp += c->nslots;
  vm->depth++;
  Frame fr;
  fr.code = c;
  fr.slots = slots;
  fr.cells = fn->cells;
  fr.globals = fn->globals;
  fr.locals = NULL;
  fr.func = fn;
  fr.line = c->line;
  fr.ret = VNONE;
  fr.back = vm->frame;
  fr.gen_out = NULL;
  Value result;
  if (!kw && n == c->nargs && c->vararg < 0 && c->kwarg < 0 && c->nkwonly == 0) {
    for (int i = 0; i < n; i++) { v_incref(args[i]); slots[i] = args[i]; }
  } else if (bind_args(vm, fn, slots, args, n, kw) < 0) {
    result = VERR;
    goto done;
  }
  for (int i = 0; i < c->nslots; i++) {
    if (!c->is_cell[i]) continue;
    Cell *cell = cell_new(vm, slots[i]);
    if (!cell) { result = rt_raise(vm, EX_MemoryError, "%s", ""); goto done; }
    v_decref(vm, slots[i]);
    slots[i] = v_obj(cell);
  }
  if (c->is_gen && !(fr.gen_out = list_new(vm, 0))) { result = rt_raise(vm, EX_MemoryError, "%s", ""); goto done; }
  vm->frame = &fr;
  if (c->expr) {
    result = rt_eval(vm, &fr, c->expr);
    if (IS_ERR(result)) rt_tb_add(vm, &fr, c->expr->line);
  } else {
    int ctl = rt_exec_block(vm, &fr, &c->body);
    if (ctl == CTL_ERR) result = VERR;
    else if (ctl == CTL_RETURN) { result = fr.ret; fr.ret = VNONE; }
    else result = VNONE;
  }
  vm->frame = fr.back;
  if (fr.gen_out) {
    /* a generator: what it yielded, as an iterator (its return value is dropped) */
    if (!IS_ERR(result)) {
      v_decref(vm, result);
      Iter *it = iter_new(vm, IT_LIST, vm->cls[CLS_generator], v_obj(fr.gen_out));
      result = it ? v_obj(it) : VERR;
    }
    OBJ_DECREF(vm, fr.gen_out);
    fr.gen_out = NULL;
  }
done:
  if (fr.gen_out) OBJ_DECREF(vm, fr.gen_out);
  for (int i = 0; i < c->nslots; i++) v_decref(vm, slots[i]);
  vm->sp -= c->nslots;
  vm->depth--;
  return result;
}

/* Runs a module or class body in a fresh frame. */
static Value run_body(VM *vm, Code *c, Dict *globals, Dict *locals, Cell **cells) {
  if (vm->sp + c->nslots > vm->stack_cap) return rt_raise(vm, EX_RecursionError, "maximum recursion depth exceeded");
  Value *slots = vm->stack + vm->sp;
  for (int i = 0; i < c->nslots; i++) slots[i] = VNULL;
  vm->sp += c->nslots;
  Value result = VNONE;
  for (int i = 0; i < c->nslots; i++) {
    if (!c->is_cell[i]) continue;
    Cell *cell = cell_new(vm, VNULL);
    if (!cell) { result = rt_raise(vm, EX_MemoryError, "%s", ""); goto done; }
    slots[i] = v_obj(cell);
  }
  Frame fr;
  memset(&fr, 0, sizeof fr);
  fr.code = c;
  fr.slots = slots;
  fr.cells = cells;
  fr.globals = globals;
  fr.locals = locals;
  fr.line = c->line;
  fr.ret = VNONE;
  fr.gen_out = NULL;
  fr.back = vm->frame;
  vm->frame = &fr;
  vm->depth++;
  int ctl = rt_exec_block(vm, &fr, &c->body);
  vm->depth--;
  vm->frame = fr.back;
  if (ctl == CTL_ERR) result = VERR;
done:
  for (int i = 0; i < c->nslots; i++) v_decref(vm, slots[i]);
  vm->sp -= c->nslots;
  return result;
}

Value eval_module(VM *vm, Code *code, Dict *globals) { return run_body(vm, code, globals, NULL, NULL); }

static void set_owner(Value v, Class *cls) {
  if (v.tag != V_OBJ) return;
  if (v.u.o->kind == O_FUNC && !((Func *)v.u.o)->owner) ((Func *)v.u.o)->owner = cls;
  else if (v.u.o->kind == O_WRAP) set_owner(((Wrap *)v.u.o)->func, cls);
}

Value make_class(VM *vm, Frame *f, Node *n) {
  Code *c = n->code;
  Class *base = vm->cls[CLS_object];
  for (int i = 0; i < n->l1.n; i++) {
    Value b = rt_eval(vm, f, n->l1.v[i]);
    if (IS_ERR(b)) return b;
    if (b.tag != V_OBJ || b.u.o->kind != O_CLASS) {
      v_decref(vm, b);
      return rt_raise(vm, EX_TypeError, "bases must be types");
    }
    if (i == 0) base = (Class *)b.u.o;
    v_decref(vm, b);
  }
  Dict *ns = dict_new(vm);
  if (!ns) return rt_raise(vm, EX_MemoryError, "%s", "");
  dict_set_str(vm, ns, vm->s_module, v_obj(vm->s_main));
  Cell **cells = NULL;
  if (c->nfree) {
    cells = make_closure(vm, f, c);
    if (!cells) { OBJ_DECREF(vm, ns); return VERR; }
  }
  Value r = run_body(vm, c, f->globals, ns, cells);
  if (cells) {
    for (int i = 0; i < c->nfree; i++) OBJ_DECREF(vm, cells[i]);
    free(cells);
  }
  if (IS_ERR(r)) { OBJ_DECREF(vm, ns); return r; }
  Class *cls = class_new(vm, c->name->s, base, false);
  if (!cls) { OBJ_DECREF(vm, ns); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  OBJ_DECREF(vm, cls->dict);
  cls->dict = ns;
  cls->module = "__main__";
  cls->ctor = base->builtin && !base->is_exc && base != vm->cls[CLS_object] ? base->ctor : NULL;
  int64_t pos = 0;
  Value k, v;
  while (dict_next(ns, &pos, &k, &v)) set_owner(v, cls);
  return v_obj(cls);
}

