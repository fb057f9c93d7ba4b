/* eval.c — the tree-walking evaluator: statements, expressions, function calls and frames.
 * Locals live in slots of one value stack (no allocation per call); int/float arithmetic has
 * inline fast paths; method calls `obj.m(...)` skip creating a bound-method object. */
#include "rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int assign(VM *vm, Frame *f, Node *t, Value v);


void rt_tb_add(VM *vm, Frame *f, int line) {
  if (vm->ntb > 0 && vm->tb[vm->ntb - 1].frame == f) return;
  if (vm->ntb >= 64) {
    /* keep the outermost entries' room: drop the middle */
    memmove(&vm->tb[16], &vm->tb[17], sizeof(TbEntry) * 47);
    vm->ntb = 63;
  }
  vm->tb[vm->ntb].frame = f;
  vm->tb[vm->ntb].line = line;
  vm->tb[vm->ntb].fname = f->code->name->s;
  vm->ntb++;
}

/* ----- names ----- */

static Value unbound_local(VM *vm, Str *name) {
  return rt_raise(vm, EX_UnboundLocalError, "cannot access local variable '%s' where it is not associated with a value", name->s);
}

static Value load_global(VM *vm, Frame *f, Str *name) {
  Value v = dict_get_str(f->globals, name);
  if (v.tag == V_NULL) v = dict_get_str(vm->builtins, name);
  if (v.tag == V_NULL) {
    vm->name_err_code = f->func ? f->code : NULL;
    return rt_raise(vm, EX_NameError, "name '%s' is not defined", name->s);
  }
  v_incref(v);
  return v;
}

static Value load_name(VM *vm, Frame *f, Node *n) {
  Value v;
  switch (n->scope) {
  case SC_LOCAL:
    v = f->slots[n->slot];
    if (v.tag == V_NULL) return unbound_local(vm, n->name);
    v_incref(v);
    return v;
  case SC_CELL:
    v = ((Cell *)f->slots[n->slot].u.o)->v;
    if (v.tag == V_NULL) return unbound_local(vm, n->name);
    v_incref(v);
    return v;
  case SC_FREE:
    v = f->cells[n->slot]->v;
    if (v.tag == V_NULL)
      return rt_raise(vm, EX_NameError, "cannot access free variable '%s' where it is not associated with a value in enclosing scope", n->name->s);
    v_incref(v);
    return v;
  case SC_CLASS:
    if (f->locals) {
      v = dict_get_str(f->locals, n->name);
      if (v.tag != V_NULL) { v_incref(v); return v; }
    }
    return load_global(vm, f, n->name);
  default:
    return load_global(vm, f, n->name);
  }
}

/* stores v (borrowed) */
static int store_name(VM *vm, Frame *f, Node *n, Value v) {
  Value old;
  v_incref(v);
  switch (n->scope) {
  case SC_LOCAL:
    old = f->slots[n->slot];
    f->slots[n->slot] = v;
    v_decref(vm, old);
    return 0;
  case SC_CELL: {
    Cell *c = (Cell *)f->slots[n->slot].u.o;
    old = c->v;
    c->v = v;
    v_decref(vm, old);
    return 0;
  }
  case SC_FREE: {
    Cell *c = f->cells[n->slot];
    old = c->v;
    c->v = v;
    v_decref(vm, old);
    return 0;
  }
  case SC_CLASS: {
    int r = dict_set_str(vm, f->locals ? f->locals : f->globals, n->name, v);
    v_decref(vm, v);
    return r;
  }
  default: {
    int r = dict_set_str(vm, f->globals, n->name, v);
    v_decref(vm, v);
    return r;
  }
  }
}

static int delete_name(VM *vm, Frame *f, Node *n) {
  Value old;
  switch (n->scope) {
  case SC_LOCAL:
    old = f->slots[n->slot];
    if (old.tag == V_NULL) { unbound_local(vm, n->name); return -1; }
    f->slots[n->slot] = VNULL;
    v_decref(vm, old);
    return 0;
  case SC_CELL: case SC_FREE: {
    Cell *c = n->scope == SC_CELL ? (Cell *)f->slots[n->slot].u.o : f->cells[n->slot];
    if (c->v.tag == V_NULL) { unbound_local(vm, n->name); return -1; }
    old = c->v;
    c->v = VNULL;
    v_decref(vm, old);
    return 0;
  }
  default: {
    Dict *d = (n->scope == SC_CLASS && f->locals) ? f->locals : f->globals;
    int r = dict_del(vm, d, v_obj(n->name));
    if (r == 0) { rt_raise(vm, EX_NameError, "name '%s' is not defined", n->name->s); return -1; }
    return r < 0 ? -1 : 0;
  }
  }
}

/* ----- calls ----- */

typedef struct ArgVec {
  Value *v; int n, cap;
  Value local[8];
  Str **names; Value *kvals; int nk, capk;
  Value klocal[4]; Str *nlocal[4];
} ArgVec;

static int av_push(VM *vm, ArgVec *a, Value v) {
  if (a->n == a->cap) {
    int nc = a->cap * 2;
    Value *nv = malloc(sizeof(Value) * (size_t)nc);
    if (!nv) { v_decref(vm, v); rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    memcpy(nv, a->v, sizeof(Value) * (size_t)a->n);
    if (a->v != a->local) free(a->v);
    a->v = nv;
    a->cap = nc;
  }
  a->v[a->n++] = v;
  return 0;
}

static int av_push_kw(VM *vm, ArgVec *a, Str *name, Value v) {
  for (int i = 0; i < a->nk; i++)
    if (a->names[i] == name) { v_decref(vm, v); rt_raise(vm, EX_TypeError, "keyword argument repeated: %s", name->s); return -1; }
  if (a->nk == a->capk) {
    int nc = a->capk * 2;
    Value *nv = malloc(sizeof(Value) * (size_t)nc);
    Str **nn = malloc(sizeof(Str *) * (size_t)nc);
    if (!nv || !nn) { free(nv); free(nn); v_decref(vm, v); rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    memcpy(nv, a->kvals, sizeof(Value) * (size_t)a->nk);
    memcpy(nn, a->names, sizeof(Str *) * (size_t)a->nk);
    if (a->kvals != a->klocal) { free(a->kvals); free(a->names); }
    a->kvals = nv;
    a->names = nn;
    a->capk = nc;
  }
  a->names[a->nk] = name;
  a->kvals[a->nk++] = v;
  return 0;
}

static void av_free(VM *vm, ArgVec *a) {
  for (int i = 0; i < a->n; i++) v_decref(vm, a->v[i]);
  for (int i = 0; i < a->nk; i++) { v_decref(vm, a->kvals[i]); OBJ_DECREF(vm, a->names[i]); }
  if (a->v != a->local) free(a->v);
  if (a->kvals != a->klocal) { free(a->kvals); free(a->names); }
}

static int eval_args(VM *vm, Frame *f, Node *call, ArgVec *a, Value callee) {
  for (int i = 0; i < call->l1.n; i++) {
    Node *e = call->l1.v[i];
    if (e->kind == E_STARRED) {
      Value it = rt_eval(vm, f, e->a);
      if (IS_ERR(it)) return -1;
      if (it.tag == V_OBJ && (it.u.o->kind == O_TUPLE || it.u.o->kind == O_LIST)) {
        int64_t n = it.u.o->kind == O_TUPLE ? ((Tuple *)it.u.o)->n : ((List *)it.u.o)->n;
        Value *items = it.u.o->kind == O_TUPLE ? ((Tuple *)it.u.o)->v : ((List *)it.u.o)->v;
        for (int64_t k = 0; k < n; k++) { v_incref(items[k]); if (av_push(vm, a, items[k]) < 0) { v_decref(vm, it); return -1; } }
        v_decref(vm, it);
        continue;
      }
      List *l = rt_to_list(vm, it);
      if (!l) {
        if (rt_exc_matches(vm, EX_TypeError) && !rt_is_instance(vm, it, vm->cls[CLS_str])) {
          rt_clear_exc(vm);
          if (callee.tag == V_OBJ && callee.u.o->kind == O_FUNC)
            rt_raise(vm, EX_TypeError, "__main__.%s() argument after * must be an iterable, not %s", ((Func *)callee.u.o)->code->qualname->s, rt_type_name(vm, it));
          else if (callee.tag == V_OBJ && callee.u.o->kind == O_NATFUNC)
            rt_raise(vm, EX_TypeError, "%s() argument after * must be an iterable, not %s", ((NatFunc *)callee.u.o)->name, rt_type_name(vm, it));
          else
            rt_raise(vm, EX_TypeError, "Value after * must be an iterable, not %s", rt_type_name(vm, it));
        }
        v_decref(vm, it);
        return -1;
      }
      v_decref(vm, it);
      for (int64_t k = 0; k < l->n; k++) { v_incref(l->v[k]); if (av_push(vm, a, l->v[k]) < 0) { OBJ_DECREF(vm, l); return -1; } }
      OBJ_DECREF(vm, l);
      continue;
    }
    Value v = rt_eval(vm, f, e);
    if (IS_ERR(v)) return -1;
    if (av_push(vm, a, v) < 0) return -1;
  }
  for (int i = 0; i < call->l2.n; i++) {
    Node *e = call->l2.v[i];
    if (e->kind == E_KEYWORD) {
      Value v = rt_eval(vm, f, e->a);
      if (IS_ERR(v)) return -1;
      OBJ_INCREF(e->name);
      if (av_push_kw(vm, a, e->name, v) < 0) { OBJ_DECREF(vm, e->name); return -1; }
    } else {
      Value d = rt_eval(vm, f, e->a);
      if (IS_ERR(d)) return -1;
      if (d.tag != V_OBJ || d.u.o->kind != O_DICT) {
        rt_raise(vm, EX_TypeError, "argument after ** must be a mapping, not %s", rt_type_name(vm, d));
        v_decref(vm, d);
        return -1;
      }
      int64_t pos = 0;
      Value k, v;
      while (dict_next((Dict *)d.u.o, &pos, &k, &v)) {
        if (k.tag != V_OBJ || k.u.o->kind != O_STR) { v_decref(vm, d); rt_raise(vm, EX_TypeError, "keywords must be strings"); return -1; }
        Str *nm = str_intern(vm, ((Str *)k.u.o)->s, ((Str *)k.u.o)->len);
        if (!nm) { v_decref(vm, d); return -1; }
        OBJ_INCREF(nm);
        v_incref(v);
        if (av_push_kw(vm, a, nm, v) < 0) { OBJ_DECREF(vm, nm); v_decref(vm, d); return -1; }
      }
      v_decref(vm, d);
    }
  }
  return 0;
}

/* super(): the class that defined the running function, and its first argument. */
static Value make_super(VM *vm, Frame *f) {
  if (!f->func || !f->func->owner || f->code->nargs == 0) return rt_raise(vm, EX_RuntimeError, "super(): no arguments");
  Value self = f->slots[0];
  if (self.tag == V_OBJ && self.u.o->kind == O_CELL) self = ((Cell *)self.u.o)->v;
  if (self.tag == V_NULL) return rt_raise(vm, EX_RuntimeError, "super(): arg[0] deleted");
  Inst *s = obj_alloc(vm, sizeof(Inst), O_INST, vm->cls[CLS_super]);
  if (!s) return rt_raise(vm, EX_MemoryError, "%s", "");
  Tuple *t = tuple_new(vm, 2);
  if (!t) { OBJ_DECREF(vm, s); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  t->v[0] = v_obj(f->func->owner);
  OBJ_INCREF(f->func->owner);
  t->v[1] = self;
  v_incref(self);
  s->args = v_obj(t);
  return v_obj(s);
}

static Value eval_call(VM *vm, Frame *f, Node *n) {
  ArgVec a;
  a.v = a.local; a.n = 0; a.cap = 8;
  a.kvals = a.klocal; a.names = a.nlocal; a.nk = 0; a.capk = 4;
  Value callee, self = VNULL;
  Node *fn = n->a;
  if (fn->kind == E_NAME && fn->scope == SC_GLOBAL && n->l1.n == 0 && n->l2.n == 0 && fn->name->len == 5 && memcmp(fn->name->s, "super", 5) == 0 &&
      dict_get_str(f->globals, fn->name).tag == V_NULL)
    return make_super(vm, f);
  if (fn->kind == E_ATTR) {
    Value obj = rt_eval(vm, f, fn->a);
    if (IS_ERR(obj)) return obj;
    /* method call without a bound-method object */
    if (obj.tag == V_OBJ && obj.u.o->kind != O_CLASS && obj.u.o->kind != O_MODULE && obj.u.o->cls != vm->cls[CLS_super]) {
      Value m = VNULL;
      Class *cls = obj.u.o->cls;
      bool shadowed = obj.u.o->kind == O_INST && ((Inst *)obj.u.o)->dict && dict_get_str(((Inst *)obj.u.o)->dict, fn->name).tag != V_NULL;
      if (!shadowed && obj.u.o->kind != O_INST) {
        if (!cls->getattr_hook) m = class_lookup(cls, fn->name);
      } else if (!shadowed) {
        m = class_lookup(cls, fn->name);
      }
      if (m.tag == V_OBJ && (m.u.o->kind == O_FUNC || (m.u.o->kind == O_NATFUNC && ((NatFunc *)m.u.o)->self.tag == V_NULL))) {
        self = obj;
        callee = m;
        v_incref(callee);
        goto have_callee;
      }
    } else if (obj.tag != V_OBJ && obj.tag != V_NULL) {
      Value m = class_lookup(rt_type(vm, obj), fn->name);
      if (m.tag == V_OBJ && m.u.o->kind == O_NATFUNC) {
        self = obj;
        callee = m;
        v_incref(callee);
        goto have_callee;
      }
    }
    callee = rt_getattr(vm, obj, fn->name);
    v_decref(vm, obj);
    if (IS_ERR(callee)) return callee;
  } else {
    callee = rt_eval(vm, f, fn);
    if (IS_ERR(callee)) return callee;
  }
have_callee:
  if (self.tag != V_NULL) { if (av_push(vm, &a, self) < 0) { v_decref(vm, callee); return VERR; } }
  if (eval_args(vm, f, n, &a, callee) < 0) {
    v_decref(vm, callee);
    av_free(vm, &a);
    return VERR;
  }
  Kw kw = {a.nk, a.names, a.kvals};
  Value r = rt_call(vm, callee, a.v, a.n, a.nk ? &kw : NULL);
  v_decref(vm, callee);
  av_free(vm, &a);
  return r;
}

/* ----- comprehensions ----- */

static int comp_loop(VM *vm, Frame *f, Node *n, int g, Value acc) {
  Node *gen = n->l1.v[g];
  Value it = rt_eval(vm, f, gen->b);
  if (IS_ERR(it)) return -1;
  Value iter = rt_iter(vm, it);
  v_decref(vm, it);
  if (IS_ERR(iter)) return -1;
  int rc = 0;
  for (;;) {
    Value item;
    int k = rt_next(vm, iter, &item);
    if (k < 0) { rc = -1; break; }
    if (k == 0) break;
    if (rt_tick(vm)) { v_decref(vm, item); rc = -1; break; }
    int ar = assign(vm, f, gen->a, item);
    v_decref(vm, item);
    if (ar < 0) { rc = -1; break; }
    bool ok = true;
    for (int i = 0; i < gen->l1.n && ok; i++) {
      Value c = rt_eval(vm, f, gen->l1.v[i]);
      if (IS_ERR(c)) { rc = -1; break; }
      int t = rt_truthy(vm, c);
      v_decref(vm, c);
      if (t < 0) { rc = -1; break; }
      ok = t;
    }
    if (rc < 0) break;
    if (!ok) continue;
    if (g + 1 < n->l1.n) {
      if (comp_loop(vm, f, n, g + 1, acc) < 0) { rc = -1; break; }
      continue;
    }
    Value e = rt_eval(vm, f, n->a);
    if (IS_ERR(e)) { rc = -1; break; }
    Obj *o = acc.u.o;
    if (o->kind == O_LIST) {
      if (list_append_steal(vm, (List *)o, e) < 0) { rc = -1; break; }
    } else if (o->kind == O_SET) {
      int r = set_add(vm, (Set *)o, e);
      v_decref(vm, e);
      if (r < 0) { rc = -1; break; }
    } else {
      Value val = rt_eval(vm, f, n->b);
      if (IS_ERR(val)) { v_decref(vm, e); rc = -1; break; }
      int r = dict_set(vm, (Dict *)o, e, val);
      v_decref(vm, e);
      v_decref(vm, val);
      if (r < 0) { rc = -1; break; }
    }
  }
  v_decref(vm, iter);
  return rc;
}

static Value eval_comp(VM *vm, Frame *f, Node *n) {
  Value acc;
  if (n->kind == E_SETCOMP) { Set *s = set_new(vm); acc = s ? v_obj(s) : VNULL; }
  else if (n->kind == E_DICTCOMP) { Dict *d = dict_new(vm); acc = d ? v_obj(d) : VNULL; }
  else { List *l = list_new(vm, 0); acc = l ? v_obj(l) : VNULL; }
  if (acc.tag == V_NULL) return rt_raise(vm, EX_MemoryError, "%s", "");
  if (comp_loop(vm, f, n, 0, acc) < 0) { v_decref(vm, acc); return VERR; }
  if (n->kind == E_GENEXP) {
    /* generator expressions run eagerly: an iterator over the produced list */
    Value it = rt_iter(vm, acc);
    v_decref(vm, acc);
    return it;
  }
  return acc;
}

/* ----- collection displays ----- */

static int extend_from(VM *vm, List *l, Value it) {
  List *src = rt_to_list(vm, it);
  if (!src) return -1;
  for (int64_t i = 0; i < src->n; i++) if (list_append(vm, l, src->v[i]) < 0) { OBJ_DECREF(vm, src); return -1; }
  OBJ_DECREF(vm, src);
  return 0;
}

static List *eval_items(VM *vm, Frame *f, NodeList *items) {
  List *l = list_new(vm, items->n);
  if (!l) { rt_raise(vm, EX_MemoryError, "%s", ""); return NULL; }
  for (int i = 0; i < items->n; i++) {
    Node *e = items->v[i];
    if (e->kind == E_STARRED) {
      Value it = rt_eval(vm, f, e->a);
      if (IS_ERR(it)) { OBJ_DECREF(vm, l); return NULL; }
      int r = extend_from(vm, l, it);
      v_decref(vm, it);
      if (r < 0) { OBJ_DECREF(vm, l); return NULL; }
      continue;
    }
    Value v = rt_eval(vm, f, e);
    if (IS_ERR(v) || list_append_steal(vm, l, v) < 0) { OBJ_DECREF(vm, l); return NULL; }
  }
  return l;
}

static Value eval_fstring(VM *vm, Frame *f, Node *n) {
  Buf b = {0};
  for (int i = 0; i < n->l1.n; i++) {
    Node *p = n->l1.v[i];
    if (p->kind == E_CONST) {
      Str *s = (Str *)p->v.u.o;
      buf_put(&b, s->s, s->len);
      continue;
    }
    Value v = rt_eval(vm, f, p->a);
    if (IS_ERR(v)) { free(b.p); return v; }
    if (p->op == 'r' || p->op == 's' || p->op == 'a') {
      Str *s = p->op == 's' ? rt_str(vm, v) : rt_repr(vm, v);
      v_decref(vm, v);
      if (!s) { free(b.p); return VERR; }
      v = v_obj(s);
    }
    Str *spec = NULL;
    if (p->b) {
      Value sv = eval_fstring(vm, f, p->b);
      if (IS_ERR(sv)) { v_decref(vm, v); free(b.p); return sv; }
      spec = (Str *)sv.u.o;
    }
    Value out = rt_format(vm, v, spec);
    v_decref(vm, v);
    if (spec) OBJ_DECREF(vm, spec);
    if (IS_ERR(out)) { free(b.p); return out; }
    buf_put(&b, ((Str *)out.u.o)->s, ((Str *)out.u.o)->len);
    v_decref(vm, out);
  }
  Str *s = buf_to_str(vm, &b);
  return s ? v_obj(s) : VERR;
}

/* ----- expressions ----- */

static Value int_fast(VM *vm, int op, int64_t x, int64_t y, bool *done) {
  (void)vm;
  int64_t r;
  *done = true;
  switch (op) {
  case OP_ADD: if (!__builtin_add_overflow(x, y, &r)) return v_int(r); break;
  case OP_SUB: if (!__builtin_sub_overflow(x, y, &r)) return v_int(r); break;
  case OP_MUL: if (!__builtin_mul_overflow(x, y, &r)) return v_int(r); break;
  default: break;
  }
  *done = false;
  return VNULL;
}

Value rt_eval(VM *vm, Frame *f, Node *n) {
  switch (n->kind) {
  case E_CONST: v_incref(n->v); return n->v;
  case E_NAME: return load_name(vm, f, n);
  case E_BINOP: {
    Value a = rt_eval(vm, f, n->a);
    if (IS_ERR(a)) return a;
    Value b = rt_eval(vm, f, n->b);
    if (IS_ERR(b)) { v_decref(vm, a); return b; }
    if (a.tag == V_INT && b.tag == V_INT) {
      bool done;
      Value r = int_fast(vm, n->op, a.u.i, b.u.i, &done);
      if (done) return r;
    } else if (a.tag == V_FLOAT && b.tag == V_FLOAT) {
      switch (n->op) {
      case OP_ADD: return v_float(a.u.f + b.u.f);
      case OP_SUB: return v_float(a.u.f - b.u.f);
      case OP_MUL: return v_float(a.u.f * b.u.f);
      default: break;
      }
    }
    Value r = rt_binop(vm, n->op, a, b);
    v_decref(vm, a);
    v_decref(vm, b);
    return r;
  }
  case E_UNARY: {
    Value a = rt_eval(vm, f, n->a);
    if (IS_ERR(a)) return a;
    Value r = rt_unary(vm, n->op, a);
    v_decref(vm, a);
    return r;
  }
  case E_NOT: {
    Value a = rt_eval(vm, f, n->a);
    if (IS_ERR(a)) return a;
    int t = rt_truthy(vm, a);
    v_decref(vm, a);
    if (t < 0) return VERR;
    return v_bool(!t);
  }
  case E_AND: case E_OR: {
    Value a = rt_eval(vm, f, n->a);
    if (IS_ERR(a)) return a;
    int t = rt_truthy(vm, a);
    if (t < 0) { v_decref(vm, a); return VERR; }
    if ((n->kind == E_AND) != (t != 0)) return a;
    v_decref(vm, a);
    return rt_eval(vm, f, n->b);
  }
  case E_COMPARE: {
    Value left = rt_eval(vm, f, n->l1.v[0]);
    if (IS_ERR(left)) return left;
    int nops = n->l1.n - 1;
    for (int i = 0; i < nops; i++) {
      Value right = rt_eval(vm, f, n->l1.v[i + 1]);
      if (IS_ERR(right)) { v_decref(vm, left); return right; }
      Value r;
      int op = n->ops[i];
      if (left.tag == V_INT && right.tag == V_INT && op <= CMP_GE) {
        int64_t x = left.u.i, y = right.u.i;
        bool b = op == CMP_LT ? x < y : op == CMP_LE ? x <= y : op == CMP_EQ ? x == y : op == CMP_NE ? x != y : op == CMP_GT ? x > y : x >= y;
        r = v_bool(b);
      } else {
        r = rt_compare(vm, op, left, right);
      }
      v_decref(vm, left);
      if (IS_ERR(r) || i == nops - 1) { v_decref(vm, right); return r; }
      int t = rt_truthy(vm, r);
      if (t <= 0) { v_decref(vm, right); if (t < 0) { v_decref(vm, r); return VERR; } return r; }
      v_decref(vm, r);
      left = right;
    }
    return left;
  }
  case E_CALL: return eval_call(vm, f, n);
  case E_ATTR: {
    Value o = rt_eval(vm, f, n->a);
    if (IS_ERR(o)) return o;
    Value r = rt_getattr(vm, o, n->name);
    v_decref(vm, o);
    return r;
  }
  case E_SUBSCRIPT: {
    Value o = rt_eval(vm, f, n->a);
    if (IS_ERR(o)) return o;
    Value k = rt_eval(vm, f, n->b);
    if (IS_ERR(k)) { v_decref(vm, o); return k; }
    if (k.tag == V_INT && o.tag == V_OBJ && o.u.o->kind == O_LIST) {
      List *l = (List *)o.u.o;
      int64_t i = k.u.i < 0 ? k.u.i + l->n : k.u.i;
      if (i >= 0 && i < l->n) { Value r = l->v[i]; v_incref(r); v_decref(vm, o); return r; }
    }
    Value r = rt_getitem(vm, o, k);
    v_decref(vm, o);
    v_decref(vm, k);
    return r;
  }
  case E_SLICE: {
    Value parts[3] = {VNONE, VNONE, VNONE};
    Node *ns[3] = {n->a, n->b, n->c};
    for (int i = 0; i < 3; i++) {
      if (!ns[i]) continue;
      parts[i] = rt_eval(vm, f, ns[i]);
      if (IS_ERR(parts[i])) { for (int k = 0; k < i; k++) v_decref(vm, parts[k]); return VERR; }
    }
    Slice *s = obj_alloc(vm, sizeof(Slice), O_SLICE, vm->cls[CLS_slice]);
    if (!s) { for (int k = 0; k < 3; k++) v_decref(vm, parts[k]); return rt_raise(vm, EX_MemoryError, "%s", ""); }
    s->start = parts[0]; s->stop = parts[1]; s->step = parts[2];
    return v_obj(s);
  }
  case E_LIST: {
    List *l = eval_items(vm, f, &n->l1);
    return l ? v_obj(l) : VERR;
  }
  case E_TUPLE: {
    List *l = eval_items(vm, f, &n->l1);
    if (!l) return VERR;
    Tuple *t = tuple_new(vm, l->n);
    if (!t) { OBJ_DECREF(vm, l); return rt_raise(vm, EX_MemoryError, "%s", ""); }
    for (int64_t i = 0; i < l->n; i++) t->v[i] = l->v[i];
    l->n = 0;
    OBJ_DECREF(vm, l);
    return v_obj(t);
  }
  case E_SET: {
    List *l = eval_items(vm, f, &n->l1);
    if (!l) return VERR;
    Set *s = set_new(vm);
    if (!s) { OBJ_DECREF(vm, l); return rt_raise(vm, EX_MemoryError, "%s", ""); }
    for (int64_t i = 0; i < l->n; i++)
      if (set_add(vm, s, l->v[i]) < 0) { OBJ_DECREF(vm, l); OBJ_DECREF(vm, s); return VERR; }
    OBJ_DECREF(vm, l);
    bool all_const = n->l1.n > 2;
    for (int i = 0; i < n->l1.n && all_const; i++) if (n->l1.v[i]->kind != E_CONST) all_const = false;
    if (all_const) {
      /* CPython compiles a literal of 3+ constants to a frozenset constant (which its compiler
       * rebuilds once more, in the first one's order) merged into a new set: same steps here */
      Set *s2 = set_new(vm);
      Set *r = s2 ? set_new(vm) : NULL;
      int64_t pos = 0;
      Value k;
      bool ok = r != NULL;
      while (ok && set_next(s, &pos, &k)) ok = set_add(vm, s2, k) == 0;
      if (ok) ok = set_merge(vm, r, s2) == 0;
      OBJ_DECREF(vm, s);
      if (s2) OBJ_DECREF(vm, s2);
      if (!ok) { if (r) OBJ_DECREF(vm, r); return VERR; }
      return v_obj(r);
    }
    return v_obj(s);
  }
  case E_DICT: {
    Dict *d = dict_new(vm);
    if (!d) return rt_raise(vm, EX_MemoryError, "%s", "");
    for (int i = 0; i < n->l1.n; i++) {
      if (!n->l1.v[i]) {
        Value m = rt_eval(vm, f, n->l2.v[i]);
        if (IS_ERR(m)) { OBJ_DECREF(vm, d); return m; }
        if (m.tag != V_OBJ || m.u.o->kind != O_DICT) {
          rt_raise(vm, EX_TypeError, "'%s' object is not a mapping", rt_type_name(vm, m));
          v_decref(vm, m);
          OBJ_DECREF(vm, d);
          return VERR;
        }
        int64_t pos = 0;
        Value k, v;
        while (dict_next((Dict *)m.u.o, &pos, &k, &v)) dict_set(vm, d, k, v);
        v_decref(vm, m);
        continue;
      }
      Value k = rt_eval(vm, f, n->l1.v[i]);
      if (IS_ERR(k)) { OBJ_DECREF(vm, d); return k; }
      Value v = rt_eval(vm, f, n->l2.v[i]);
      if (IS_ERR(v)) { v_decref(vm, k); OBJ_DECREF(vm, d); return v; }
      int r = dict_set(vm, d, k, v);
      v_decref(vm, k);
      v_decref(vm, v);
      if (r < 0) { OBJ_DECREF(vm, d); return VERR; }
    }
    return v_obj(d);
  }
  case E_LISTCOMP: case E_SETCOMP: case E_DICTCOMP: case E_GENEXP: return eval_comp(vm, f, n);
  case E_LAMBDA: return make_function(vm, f, n->code);
  case E_IFEXP: {
    Value c = rt_eval(vm, f, n->a);
    if (IS_ERR(c)) return c;
    int t = rt_truthy(vm, c);
    v_decref(vm, c);
    if (t < 0) return VERR;
    return rt_eval(vm, f, t ? n->b : n->c);
  }
  case E_FSTRING: return eval_fstring(vm, f, n);
  case E_NAMEDEXPR: {
    Value v = rt_eval(vm, f, n->b);
    if (IS_ERR(v)) return v;
    if (store_name(vm, f, n->a, v) < 0) { v_decref(vm, v); return VERR; }
    return v;
  }
  case E_YIELD: {
    if (!f->gen_out) return rt_raise(vm, EX_SyntaxError, "'yield' outside function");
    Value v = n->a ? rt_eval(vm, f, n->a) : VNONE;
    if (IS_ERR(v)) return v;
    if (n->flag) {
      List *all = rt_to_list(vm, v);
      v_decref(vm, v);
      if (!all) return VERR;
      for (int64_t i = 0; i < all->n; i++) if (list_append(vm, f->gen_out, all->v[i]) < 0) { OBJ_DECREF(vm, all); return VERR; }
      OBJ_DECREF(vm, all);
    } else if (list_append_steal(vm, f->gen_out, v) < 0) {
      return VERR;
    }
    /* generators run eagerly: an endless one must end in an error, not in exhausted memory */
    if (f->gen_out->n > 50000000) return rt_raise(vm, EX_MemoryError, "generator yielded more than 50000000 values (the runner runs generators to completion when called)");
    return VNONE;
  }
  case E_STARRED: return rt_raise(vm, EX_SyntaxError, "can't use starred expression here");
  default: return rt_raise(vm, EX_SystemExit, "bad node %d", n->kind);
  }
}

/* ----- assignment ----- */

static int unpack(VM *vm, Frame *f, Node *t, Value v) {
  Value *items;
  int64_t n;
  List *tmp = NULL;
  if (v.tag == V_OBJ && v.u.o->kind == O_TUPLE) { items = ((Tuple *)v.u.o)->v; n = ((Tuple *)v.u.o)->n; }
  else if (v.tag == V_OBJ && v.u.o->kind == O_LIST) {
    /* copy: assigning the targets may mutate the list */
    tmp = rt_to_list(vm, v);
    if (!tmp) return -1;
    items = tmp->v; n = tmp->n;
  } else {
    tmp = rt_to_list(vm, v);
    if (!tmp) {
      if (rt_exc_matches(vm, EX_TypeError)) {
        rt_clear_exc(vm);
        rt_raise(vm, EX_TypeError, "cannot unpack non-iterable %s object", rt_type_name(vm, v));
      }
      return -1;
    }
    items = tmp->v; n = tmp->n;
  }
  int nt = t->l1.n, star = -1;
  for (int i = 0; i < nt; i++) if (t->l1.v[i]->kind == E_STARRED) star = i;
  int rc = 0;
  if (star < 0) {
    if (n != nt) {
      if (n > nt) rt_raise(vm, EX_ValueError, "too many values to unpack (expected %d)", nt);
      else rt_raise(vm, EX_ValueError, "not enough values to unpack (expected %d, got %lld)", nt, (long long)n);
      rc = -1;
    } else {
      for (int i = 0; i < nt && rc == 0; i++) rc = assign(vm, f, t->l1.v[i], items[i]);
    }
  } else {
    int after = nt - star - 1;
    if (n < nt - 1) {
      rt_raise(vm, EX_ValueError, "not enough values to unpack (expected at least %d, got %lld)", nt - 1, (long long)n);
      rc = -1;
    } else {
      for (int i = 0; i < star && rc == 0; i++) rc = assign(vm, f, t->l1.v[i], items[i]);
      List *mid = list_new(vm, 0);
      if (!mid) rc = -1;
      for (int64_t i = star; rc == 0 && i < n - after; i++) rc = list_append(vm, mid, items[i]);
      if (rc == 0) rc = assign(vm, f, t->l1.v[star]->a, v_obj(mid));
      if (mid) OBJ_DECREF(vm, mid);
      for (int i = 0; i < after && rc == 0; i++) rc = assign(vm, f, t->l1.v[star + 1 + i], items[n - after + i]);
    }
  }
  if (tmp) OBJ_DECREF(vm, tmp);
  return rc;
}

static int assign(VM *vm, Frame *f, Node *t, Value v) {
  switch (t->kind) {
  case E_NAME: return store_name(vm, f, t, v);
  case E_ATTR: {
    Value o = rt_eval(vm, f, t->a);
    if (IS_ERR(o)) return -1;
    int r = rt_setattr(vm, o, t->name, v);
    v_decref(vm, o);
    return r;
  }
  case E_SUBSCRIPT: {
    Value o = rt_eval(vm, f, t->a);
    if (IS_ERR(o)) return -1;
    Value k = rt_eval(vm, f, t->b);
    if (IS_ERR(k)) { v_decref(vm, o); return -1; }
    int r;
    if (k.tag == V_INT && o.tag == V_OBJ && o.u.o->kind == O_LIST && k.u.i >= 0 && k.u.i < ((List *)o.u.o)->n) {
      List *l = (List *)o.u.o;
      Value old = l->v[k.u.i];
      v_incref(v);
      l->v[k.u.i] = v;
      v_decref(vm, old);
      r = 0;
    } else {
      r = rt_setitem(vm, o, k, v);
    }
    v_decref(vm, o);
    v_decref(vm, k);
    return r;
  }
  case E_TUPLE: case E_LIST: return unpack(vm, f, t, v);
  default: rt_raise(vm, EX_SyntaxError, "cannot assign"); return -1;
  }
}

/* ----- statements ----- */

static int exec_stmt(VM *vm, Frame *f, Node *n);

int rt_exec_block(VM *vm, Frame *f, NodeList *b) {
  for (int i = 0; i < b->n; i++) {
    Node *s = b->v[i];
    int ctl = exec_stmt(vm, f, s);
    if (ctl != CTL_NONE) {
      if (ctl == CTL_ERR) rt_tb_add(vm, f, s->line);
      return ctl;
    }
  }
  return CTL_NONE;
}

static int exec_for(VM *vm, Frame *f, Node *n) {
  Value it = rt_eval(vm, f, n->b);
  if (IS_ERR(it)) return CTL_ERR;
  int ctl = CTL_NONE;
  bool broke = false;
  Node *target = n->a;
  bool fast_target = target->kind == E_NAME && target->scope == SC_LOCAL;
  if (it.tag == V_OBJ && it.u.o->kind == O_RANGE) {
    Range *r = (Range *)it.u.o;
    int64_t v = r->start;
    for (int64_t k = 0; k < r->len; k++, v += (k < r->len ? r->step : 0)) {
      if (rt_tick(vm)) { ctl = CTL_ERR; break; }
      if (fast_target) {
        Value old = f->slots[target->slot];
        f->slots[target->slot] = v_int(v);
        v_decref(vm, old);
      } else if (assign(vm, f, target, v_int(v)) < 0) { ctl = CTL_ERR; break; }
      ctl = rt_exec_block(vm, f, &n->l1);
      if (ctl == CTL_CONTINUE) { ctl = CTL_NONE; continue; }
      if (ctl == CTL_BREAK) { ctl = CTL_NONE; broke = true; break; }
      if (ctl != CTL_NONE) break;
    }
  } else if (it.tag == V_OBJ && it.u.o->kind == O_LIST) {
    List *l = (List *)it.u.o;
    for (int64_t k = 0; k < l->n; k++) {
      if (rt_tick(vm)) { ctl = CTL_ERR; break; }
      Value item = l->v[k];
      v_incref(item);
      int ar = assign(vm, f, target, item);
      v_decref(vm, item);
      if (ar < 0) { ctl = CTL_ERR; break; }
      ctl = rt_exec_block(vm, f, &n->l1);
      if (ctl == CTL_CONTINUE) { ctl = CTL_NONE; continue; }
      if (ctl == CTL_BREAK) { ctl = CTL_NONE; broke = true; break; }
      if (ctl != CTL_NONE) break;
    }
  } else {
    Value iter = rt_iter(vm, it);
    if (IS_ERR(iter)) { v_decref(vm, it); return CTL_ERR; }
    for (;;) {
      if (rt_tick(vm)) { ctl = CTL_ERR; break; }
      Value item;
      int k = rt_next(vm, iter, &item);
      if (k < 0) { ctl = CTL_ERR; break; }
      if (k == 0) break;
      int ar = assign(vm, f, target, item);
      v_decref(vm, item);
      if (ar < 0) { ctl = CTL_ERR; break; }
      ctl = rt_exec_block(vm, f, &n->l1);
      if (ctl == CTL_CONTINUE) { ctl = CTL_NONE; continue; }
      if (ctl == CTL_BREAK) { ctl = CTL_NONE; broke = true; break; }
      if (ctl != CTL_NONE) break;
    }
    v_decref(vm, iter);
  }
  v_decref(vm, it);
  if (ctl == CTL_NONE && !broke && n->l2.n) ctl = rt_exec_block(vm, f, &n->l2);
  return ctl;
}

static int exc_match(VM *vm, Value exc, Value spec) {
  if (spec.tag == V_OBJ && spec.u.o->kind == O_CLASS) {
    Class *c = (Class *)spec.u.o;
    if (!class_is_sub(c, vm->exc[EX_BaseException])) {
      rt_raise(vm, EX_TypeError, "catching classes that do not inherit from BaseException is not allowed");
      return -1;
    }
    return class_is_sub(exc.u.o->cls, c);
  }
  if (spec.tag == V_OBJ && spec.u.o->kind == O_TUPLE) {
    Tuple *t = (Tuple *)spec.u.o;
    for (int64_t i = 0; i < t->n; i++) {
      int r = exc_match(vm, exc, t->v[i]);
      if (r) return r;
    }
    return 0;
  }
  rt_raise(vm, EX_TypeError, "catching classes that do not inherit from BaseException is not allowed");
  return -1;
}

static int exec_try(VM *vm, Frame *f, Node *n) {
  int ctl = rt_exec_block(vm, f, &n->l1);
  if (ctl == CTL_ERR && n->l3.n) {
    Value exc = vm->exc_value;
    for (int i = 0; i < n->l3.n; i++) {
      Node *h = n->l3.v[i];
      int m = 1;
      if (h->a) {
        /* the handler's expression may itself raise: keep the pending exception aside */
        vm->exc_value = VNULL;
        int saved_ntb = vm->ntb;
        Value spec = rt_eval(vm, f, h->a);
        if (IS_ERR(spec)) { v_decref(vm, exc); return CTL_ERR; }
        vm->ntb = saved_ntb;
        m = exc_match(vm, exc, spec);
        v_decref(vm, spec);
        if (m < 0) { v_decref(vm, exc); return CTL_ERR; }
        vm->exc_value = exc;
      }
      if (!m) continue;
      /* handled */
      vm->exc_value = VNULL;
      vm->ntb = 0;
      Value saved = vm->handling;
      vm->handling = exc;
      ctl = CTL_NONE;
      if (h->b && store_name(vm, f, h->b, exc) < 0) ctl = CTL_ERR;
      if (ctl == CTL_NONE) ctl = rt_exec_block(vm, f, &h->l1);
      if (h->b && h->b->scope != SC_GLOBAL && h->b->scope != SC_CLASS) {
        /* as CPython: the name is deleted at the end of the handler */
        Value *slot = h->b->scope == SC_LOCAL ? &f->slots[h->b->slot] : NULL;
        if (slot) { Value old = *slot; *slot = VNULL; v_decref(vm, old); }
      } else if (h->b) {
        Dict *d = (h->b->scope == SC_CLASS && f->locals) ? f->locals : f->globals;
        Value old_exc = vm->exc_value;
        vm->exc_value = VNULL;
        dict_del(vm, d, v_obj(h->b->name));
        if (vm->exc_value.tag != V_NULL) rt_clear_exc(vm);
        vm->exc_value = old_exc;
      }
      vm->handling = saved;
      v_decref(vm, exc);
      break;
    }
  } else if (ctl == CTL_NONE && n->l2.n) {
    ctl = rt_exec_block(vm, f, &n->l2);
  }
  if (n->a) {
    Value pending_exc = vm->exc_value, pending_ret = f->ret;
    int saved_ntb = vm->ntb;
    vm->exc_value = VNULL;
    if (ctl == CTL_RETURN) f->ret = VNONE;
    int fctl = rt_exec_block(vm, f, &n->a->l1);
    if (fctl != CTL_NONE) {
      v_decref(vm, pending_exc);
      if (ctl == CTL_RETURN) v_decref(vm, pending_ret);
      return fctl;
    }
    vm->exc_value = pending_exc;
    vm->ntb = saved_ntb;
    if (ctl == CTL_RETURN) f->ret = pending_ret;
  }
  return ctl;
}

static int exec_with(VM *vm, Frame *f, Node *n, int item) {
  if (item >= n->l2.n) return rt_exec_block(vm, f, &n->l1);
  Node *it = n->l2.v[item];
  Value mgr = rt_eval(vm, f, it->a);
  if (IS_ERR(mgr)) return CTL_ERR;
  Value exitm = rt_getattr_opt(vm, mgr, vm->s_exit);
  Value enterm = rt_getattr_opt(vm, mgr, vm->s_enter);
  if (exitm.tag == V_NULL || enterm.tag == V_NULL || IS_ERR(exitm) || IS_ERR(enterm)) {
    if (IS_ERR(exitm) || IS_ERR(enterm)) rt_clear_exc(vm);
    v_decref(vm, exitm.tag == V_ERR ? VNULL : exitm);
    v_decref(vm, enterm.tag == V_ERR ? VNULL : enterm);
    rt_raise(vm, EX_TypeError, "'%s' object does not support the context manager protocol", rt_type_name(vm, mgr));
    v_decref(vm, mgr);
    return CTL_ERR;
  }
  Value entered = rt_call(vm, enterm, NULL, 0, NULL);
  v_decref(vm, enterm);
  if (IS_ERR(entered)) { v_decref(vm, exitm); v_decref(vm, mgr); return CTL_ERR; }
  int ctl = CTL_NONE;
  if (it->b && assign(vm, f, it->b, entered) < 0) ctl = CTL_ERR;
  v_decref(vm, entered);
  if (ctl == CTL_NONE) ctl = exec_with(vm, f, n, item + 1);
  if (ctl == CTL_ERR) {
    Value exc = vm->exc_value;
    vm->exc_value = VNULL;
    int saved_ntb = vm->ntb;
    Value args[3] = {v_obj(exc.u.o->cls), exc, VNONE};
    Value r = rt_call(vm, exitm, args, 3, NULL);
    if (IS_ERR(r)) { v_decref(vm, exc); ctl = CTL_ERR; }
    else {
      int t = rt_truthy(vm, r);
      v_decref(vm, r);
      if (t > 0) { v_decref(vm, exc); ctl = CTL_NONE; vm->ntb = 0; }
      else if (t < 0) { v_decref(vm, exc); }
      else { vm->exc_value = exc; vm->ntb = saved_ntb; }
    }
  } else {
    Value pending_ret = f->ret;
    Value args[3] = {VNONE, VNONE, VNONE};
    Value r = rt_call(vm, exitm, args, 3, NULL);
    if (IS_ERR(r)) {
      if (ctl == CTL_RETURN) { v_decref(vm, pending_ret); f->ret = VNONE; }
      ctl = CTL_ERR;
    } else v_decref(vm, r);
  }
  v_decref(vm, exitm);
  v_decref(vm, mgr);
  return ctl;
}

static int exec_import(VM *vm, Frame *f, Node *n) {
  for (int i = 0; i < n->l1.n; i++) {
    Node *al = n->l1.v[i];
    Value m = import_module(vm, al->name);
    if (IS_ERR(m)) return CTL_ERR;
    if (!al->flag && memchr(al->name->s, '.', (size_t)al->name->len)) {
      /* import a.b binds a */
      const char *dot = memchr(al->name->s, '.', (size_t)al->name->len);
      Str *top = str_intern(vm, al->name->s, dot - al->name->s);
      v_decref(vm, m);
      if (!top) return CTL_ERR;
      m = import_module(vm, top);
      if (IS_ERR(m)) return CTL_ERR;
    }
    int r = store_name(vm, f, al->a, m);
    v_decref(vm, m);
    if (r < 0) return CTL_ERR;
  }
  return CTL_NONE;
}

static int exec_from_import(VM *vm, Frame *f, Node *n) {
  Value m = import_module(vm, n->name);
  if (IS_ERR(m)) return CTL_ERR;
  Module *mod = (Module *)m.u.o;
  if (n->flag) {
    int64_t pos = 0;
    Value k, v;
    while (dict_next(mod->dict, &pos, &k, &v)) {
      if (((Str *)k.u.o)->s[0] == '_') continue;
      dict_set(vm, f->globals, k, v);
    }
    v_decref(vm, m);
    return CTL_NONE;
  }
  for (int i = 0; i < n->l1.n; i++) {
    Node *al = n->l1.v[i];
    Value v = dict_get_str(mod->dict, al->name);
    if (v.tag == V_NULL) {
      /* a submodule: from torch import nn */
      char buf[256];
      snprintf(buf, sizeof buf, "%s.%s", n->name->s, al->name->s);
      Str *full = str_intern_cstr(vm, buf);
      Value sub = full ? import_module(vm, full) : VERR;
      if (IS_ERR(sub)) {
        rt_clear_exc(vm);
        rt_raise(vm, EX_ImportError, "cannot import name '%s' from '%s' (unknown location)", al->name->s, n->name->s);
        v_decref(vm, m);
        return CTL_ERR;
      }
      int r = store_name(vm, f, al->a, sub);
      v_decref(vm, sub);
      if (r < 0) { v_decref(vm, m); return CTL_ERR; }
      continue;
    }
    if (store_name(vm, f, al->a, v) < 0) { v_decref(vm, m); return CTL_ERR; }
  }
  v_decref(vm, m);
  return CTL_NONE;
}

static int exec_raise(VM *vm, Frame *f, Node *n) {
  if (!n->a) {
    if (vm->handling.tag == V_NULL) { rt_raise(vm, EX_RuntimeError, "No active exception to reraise"); return CTL_ERR; }
    rt_raise_value(vm, vm->handling);
    return CTL_ERR;
  }
  Value e = rt_eval(vm, f, n->a);
  if (IS_ERR(e)) return CTL_ERR;
  if (n->b) {
    Value cause = rt_eval(vm, f, n->b);
    if (IS_ERR(cause)) { v_decref(vm, e); return CTL_ERR; }
    v_decref(vm, cause);
  }
  if (e.tag == V_OBJ && e.u.o->kind == O_CLASS && class_is_sub((Class *)e.u.o, vm->exc[EX_BaseException])) {
    Value inst = rt_call(vm, e, NULL, 0, NULL);
    v_decref(vm, e);
    if (IS_ERR(inst)) return CTL_ERR;
    e = inst;
  }
  if (e.tag != V_OBJ || e.u.o->kind != O_INST || !e.u.o->cls->is_exc) {
    v_decref(vm, e);
    rt_raise(vm, EX_TypeError, "exceptions must derive from BaseException");
    return CTL_ERR;
  }
  rt_raise_value(vm, e);
  v_decref(vm, e);
  return CTL_ERR;
}

static int exec_stmt(VM *vm, Frame *f, Node *n) {
  f->line = n->line;
  switch (n->kind) {
  case S_EXPR: {
    Value v = rt_eval(vm, f, n->a);
    if (IS_ERR(v)) return CTL_ERR;
    v_decref(vm, v);
    return CTL_NONE;
  }
  case S_ASSIGN: {
    Value v = rt_eval(vm, f, n->a);
    if (IS_ERR(v)) return CTL_ERR;
    for (int i = 0; i < n->l1.n; i++)
      if (assign(vm, f, n->l1.v[i], v) < 0) { v_decref(vm, v); return CTL_ERR; }
    v_decref(vm, v);
    return CTL_NONE;
  }
  case S_AUGASSIGN: {
    Node *t = n->a;
    if (t->kind == E_NAME) {
      if (t->scope == SC_LOCAL) {
        Value cur = f->slots[t->slot];
        if (cur.tag == V_NULL) { unbound_local(vm, t->name); return CTL_ERR; }
        Value rhs = rt_eval(vm, f, n->b);
        if (IS_ERR(rhs)) return CTL_ERR;
        cur = f->slots[t->slot];
        if (cur.tag == V_INT && rhs.tag == V_INT) {
          bool done;
          Value r = int_fast(vm, n->op, cur.u.i, rhs.u.i, &done);
          if (done) { f->slots[t->slot] = r; return CTL_NONE; }
        } else if (cur.tag == V_FLOAT && rhs.tag == V_FLOAT && (n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL)) {
          double x = cur.u.f, y = rhs.u.f;
          f->slots[t->slot] = v_float(n->op == OP_ADD ? x + y : n->op == OP_SUB ? x - y : x * y);
          return CTL_NONE;
        }
        v_incref(cur);
        Value r = rt_inplace(vm, n->op, cur, rhs);
        v_decref(vm, cur);
        v_decref(vm, rhs);
        if (IS_ERR(r)) return CTL_ERR;
        Value old = f->slots[t->slot];
        f->slots[t->slot] = r;
        v_decref(vm, old);
        return CTL_NONE;
      }
      Value cur = load_name(vm, f, t);
      if (IS_ERR(cur)) return CTL_ERR;
      Value rhs = rt_eval(vm, f, n->b);
      if (IS_ERR(rhs)) { v_decref(vm, cur); return CTL_ERR; }
      Value r = rt_inplace(vm, n->op, cur, rhs);
      v_decref(vm, cur);
      v_decref(vm, rhs);
      if (IS_ERR(r)) return CTL_ERR;
      int rc = store_name(vm, f, t, r);
      v_decref(vm, r);
      return rc < 0 ? CTL_ERR : CTL_NONE;
    }
    Value obj = rt_eval(vm, f, t->a);
    if (IS_ERR(obj)) return CTL_ERR;
    Value key = VNULL, cur;
    if (t->kind == E_SUBSCRIPT) {
      key = rt_eval(vm, f, t->b);
      if (IS_ERR(key)) { v_decref(vm, obj); return CTL_ERR; }
      cur = rt_getitem(vm, obj, key);
    } else {
      cur = rt_getattr(vm, obj, t->name);
    }
    if (IS_ERR(cur)) { v_decref(vm, obj); v_decref(vm, key); return CTL_ERR; }
    Value rhs = rt_eval(vm, f, n->b);
    if (IS_ERR(rhs)) { v_decref(vm, cur); v_decref(vm, obj); v_decref(vm, key); return CTL_ERR; }
    Value r = rt_inplace(vm, n->op, cur, rhs);
    v_decref(vm, cur);
    v_decref(vm, rhs);
    int rc = -1;
    if (!IS_ERR(r)) {
      rc = t->kind == E_SUBSCRIPT ? rt_setitem(vm, obj, key, r) : rt_setattr(vm, obj, t->name, r);
      v_decref(vm, r);
    }
    v_decref(vm, obj);
    v_decref(vm, key);
    return rc < 0 ? CTL_ERR : CTL_NONE;
  }
  case S_IF: {
    for (;;) {
      Value c = rt_eval(vm, f, n->a);
      if (IS_ERR(c)) return CTL_ERR;
      int t = c.tag == V_BOOL ? (int)c.u.i : rt_truthy(vm, c);
      v_decref(vm, c);
      if (t < 0) return CTL_ERR;
      if (t) return rt_exec_block(vm, f, &n->l1);
      /* elif chains are a single nested S_IF in l2 */
      if (n->l2.n == 1 && n->l2.v[0]->kind == S_IF && n->l2.v[0]->line != n->line && n->l2.v[0] != NULL) {
        Node *e = n->l2.v[0];
        f->line = e->line;
        n = e;
        continue;
      }
      return rt_exec_block(vm, f, &n->l2);
    }
  }
  case S_WHILE: {
    for (;;) {
      if (rt_tick(vm)) return CTL_ERR;
      Value c = rt_eval(vm, f, n->a);
      if (IS_ERR(c)) return CTL_ERR;
      int t = c.tag == V_BOOL ? (int)c.u.i : rt_truthy(vm, c);
      v_decref(vm, c);
      if (t < 0) return CTL_ERR;
      if (!t) break;
      int ctl = rt_exec_block(vm, f, &n->l1);
      if (ctl == CTL_BREAK) return CTL_NONE;
      if (ctl == CTL_CONTINUE || ctl == CTL_NONE) continue;
      return ctl;
    }
    return n->l2.n ? rt_exec_block(vm, f, &n->l2) : CTL_NONE;
  }
  case S_FOR: return exec_for(vm, f, n);
  case S_BREAK: return CTL_BREAK;
  case S_CONTINUE: return CTL_CONTINUE;
  case S_PASS: case S_GLOBAL: case S_NONLOCAL: return CTL_NONE;
  case S_RETURN: {
    Value v = n->a ? rt_eval(vm, f, n->a) : VNONE;
    if (IS_ERR(v)) return CTL_ERR;
    v_decref(vm, f->ret);
    f->ret = v;
    return CTL_RETURN;
  }
  case S_DEF: {
    Value fn = make_function(vm, f, n->code);
    if (IS_ERR(fn)) return CTL_ERR;
    fn = apply_decorators(vm, f, &n->code->decorators, fn);
    if (IS_ERR(fn)) return CTL_ERR;
    int r = store_name(vm, f, n->c, fn);
    v_decref(vm, fn);
    return r < 0 ? CTL_ERR : CTL_NONE;
  }
  case S_CLASS: {
    Value c = make_class(vm, f, n);
    if (IS_ERR(c)) return CTL_ERR;
    c = apply_decorators(vm, f, &n->code->decorators, c);
    if (IS_ERR(c)) return CTL_ERR;
    int r = store_name(vm, f, n->c, c);
    v_decref(vm, c);
    return r < 0 ? CTL_ERR : CTL_NONE;
  }
  case S_TRY: return exec_try(vm, f, n);
  case S_RAISE: return exec_raise(vm, f, n);
  case S_WITH: return exec_with(vm, f, n, 0);
  case S_IMPORT: return exec_import(vm, f, n);
  case S_FROMIMPORT: return exec_from_import(vm, f, n);
  case S_ASSERT: {
    Value c = rt_eval(vm, f, n->a);
    if (IS_ERR(c)) return CTL_ERR;
    int t = rt_truthy(vm, c);
    v_decref(vm, c);
    if (t < 0) return CTL_ERR;
    if (t) return CTL_NONE;
    Value msg = VNULL;
    if (n->b) {
      msg = rt_eval(vm, f, n->b);
      if (IS_ERR(msg)) return CTL_ERR;
    }
    Value e = exc_new(vm, vm->exc[EX_AssertionError], &msg, msg.tag == V_NULL ? 0 : 1);
    v_decref(vm, msg);
    if (IS_ERR(e)) return CTL_ERR;
    rt_raise_value(vm, e);
    v_decref(vm, e);
    return CTL_ERR;
  }
  case S_DEL: {
    for (int i = 0; i < n->l1.n; i++) {
      Node *t = n->l1.v[i];
      if (t->kind == E_NAME) { if (delete_name(vm, f, t) < 0) return CTL_ERR; continue; }
      if (t->kind == E_TUPLE || t->kind == E_LIST) {
        for (int k = 0; k < t->l1.n; k++) if (t->l1.v[k]->kind == E_NAME && delete_name(vm, f, t->l1.v[k]) < 0) return CTL_ERR;
        continue;
      }
      Value o = rt_eval(vm, f, t->a);
      if (IS_ERR(o)) return CTL_ERR;
      int r;
      if (t->kind == E_SUBSCRIPT) {
        Value k = rt_eval(vm, f, t->b);
        if (IS_ERR(k)) { v_decref(vm, o); return CTL_ERR; }
        r = rt_delitem(vm, o, k);
        v_decref(vm, k);
      } else {
        r = rt_delattr(vm, o, t->name);
      }
      v_decref(vm, o);
      if (r < 0) return CTL_ERR;
    }
    return CTL_NONE;
  }
  default: {
    Value v = rt_eval(vm, f, n);
    if (IS_ERR(v)) return CTL_ERR;
    v_decref(vm, v);
    return CTL_NONE;
  }
  }
}
