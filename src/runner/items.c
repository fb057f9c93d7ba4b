/* items.c — subscripting (t[i], t[a:b:c], assignment and deletion) and iteration (iter/next over
 * the builtin containers, enumerate/zip/map/filter, and the __iter__/__getitem__ protocols). */
#define _GNU_SOURCE /* memmem */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----- indexing ----- */

Value slice_indices(VM *vm, Slice *s, int64_t len, int64_t *start, int64_t *stop, int64_t *step, int64_t *slen) {
  int64_t st = 1;
  const char *msg = "slice indices must be integers or None or have an __index__ method";
  if (s->step.tag != V_NONE && rt_index(vm, s->step, &st, msg) < 0) return VERR;
  if (st == 0) return rt_raise(vm, EX_ValueError, "slice step cannot be zero");
  int64_t lo, hi;
  if (s->start.tag == V_NONE) lo = st < 0 ? len - 1 : 0;
  else {
    if (rt_index(vm, s->start, &lo, msg) < 0) return VERR;
    if (lo < 0) { lo += len; if (lo < 0) lo = st < 0 ? -1 : 0; }
    else if (lo >= len) lo = st < 0 ? len - 1 : len;
  }
  if (s->stop.tag == V_NONE) hi = st < 0 ? -1 : len;
  else {
    if (rt_index(vm, s->stop, &hi, msg) < 0) return VERR;
    if (hi < 0) { hi += len; if (hi < 0) hi = st < 0 ? -1 : 0; }
    else if (hi >= len) hi = st < 0 ? len - 1 : len;
  }
  int64_t n = 0;
  if (st > 0 && lo < hi) n = (hi - lo - 1) / st + 1;
  else if (st < 0 && lo > hi) n = (lo - hi - 1) / (-st) + 1;
  *start = lo; *stop = hi; *step = st; *slen = n;
  return VNONE;
}

/* byte offset of code point i in s */
static int64_t utf8_offset(Str *s, int64_t i) {
  if (s->ascii) return i;
  int64_t k = 0;
  for (int64_t b = 0; b < s->len; b++) {
    if (((unsigned char)s->s[b] & 0xC0) != 0x80) { if (k == i) return b; k++; }
  }
  return s->len;
}

static Value str_char_at(VM *vm, Str *s, int64_t i) {
  int64_t b = utf8_offset(s, i), e = b + 1;
  while (e < s->len && ((unsigned char)s->s[e] & 0xC0) == 0x80) e++;
  Str *r = str_new(vm, s->s + b, e - b);
  return r ? v_obj(r) : rt_raise(vm, EX_MemoryError, "%s", "");
}

static Value getslice(VM *vm, Value o, Slice *sl) {
  int64_t len = rt_len(vm, o);
  if (len < 0) return VERR;
  int64_t start, stop, step, n;
  if (IS_ERR(slice_indices(vm, sl, len, &start, &stop, &step, &n))) return VERR;
  Obj *ob = o.u.o;
  switch (ob->kind) {
  case O_LIST: {
    List *src = (List *)ob;
    List *l = list_new(vm, n);
    if (!l) return rt_raise(vm, EX_MemoryError, "%s", "");
    for (int64_t i = 0, k = start; i < n; i++, k += step) { v_incref(src->v[k]); l->v[l->n++] = src->v[k]; }
    return v_obj(l);
  }
  case O_TUPLE: {
    Tuple *src = (Tuple *)ob;
    Tuple *t = tuple_new(vm, n);
    if (!t) return rt_raise(vm, EX_MemoryError, "%s", "");
    for (int64_t i = 0, k = start; i < n; i++, k += step) { v_incref(src->v[k]); t->v[i] = src->v[k]; }
    return v_obj(t);
  }
  case O_STR: {
    Str *s = (Str *)ob;
    Buf b = {0};
    if (s->ascii && step == 1) { Str *r = str_new(vm, s->s + start, n); return r ? v_obj(r) : rt_raise(vm, EX_MemoryError, "%s", ""); }
    for (int64_t i = 0, k = start; i < n; i++, k += step) {
      int64_t bo = utf8_offset(s, k), e = bo + 1;
      while (e < s->len && ((unsigned char)s->s[e] & 0xC0) == 0x80) e++;
      buf_put(&b, s->s + bo, e - bo);
    }
    Str *r = buf_to_str(vm, &b);
    return r ? v_obj(r) : VERR;
  }
  case O_RANGE: {
    Range *r = (Range *)ob;
    Range *nr = range_new(vm, r->start + start * r->step, r->start + stop * r->step, r->step * step);
    if (!nr) return rt_raise(vm, EX_MemoryError, "%s", "");
    nr->len = n;
    return v_obj(nr);
  }
  default: return rt_raise(vm, EX_TypeError, "'%s' object is not subscriptable", rt_type_name(vm, o));
  }
}

Value rt_getitem(VM *vm, Value o, Value key) {
  if (o.tag == V_OBJ) {
    Obj *ob = o.u.o;
    switch (ob->kind) {
    case O_LIST: case O_TUPLE: case O_STR: case O_RANGE: {
      if (key.tag == V_OBJ && key.u.o->kind == O_SLICE) return getslice(vm, o, (Slice *)key.u.o);
      int64_t i;
      if (key.tag == V_INT || key.tag == V_BOOL) i = key.u.i;
      else {
        const char *tn = ob->kind == O_LIST ? "list" : ob->kind == O_TUPLE ? "tuple" : ob->kind == O_STR ? "string" : "range";
        char msg[200];
        if (ob->kind == O_STR) snprintf(msg, sizeof msg, "string indices must be integers, not '%s'", rt_type_name(vm, key));
        else snprintf(msg, sizeof msg, "%s indices must be integers or slices, not %s", tn, rt_type_name(vm, key));
        if (rt_index(vm, key, &i, msg) < 0) return VERR;
      }
      int64_t n = ob->kind == O_STR ? str_nchars((Str *)ob) : rt_len(vm, o);
      if (i < 0) i += n;
      if (i < 0 || i >= n) {
        const char *tn = ob->kind == O_LIST ? "list" : ob->kind == O_TUPLE ? "tuple" : ob->kind == O_STR ? "string" : "range object";
        return rt_raise(vm, EX_IndexError, "%s index out of range", tn);
      }
      if (ob->kind == O_LIST) { Value r = ((List *)ob)->v[i]; v_incref(r); return r; }
      if (ob->kind == O_TUPLE) { Value r = ((Tuple *)ob)->v[i]; v_incref(r); return r; }
      if (ob->kind == O_RANGE) return v_int(((Range *)ob)->start + i * ((Range *)ob)->step);
      return str_char_at(vm, (Str *)ob, i);
    }
    case O_DICT: {
      int err = 0;
      Value v = dict_get(vm, (Dict *)ob, key, &err);
      if (err) return VERR;
      if (v.tag == V_NULL) {
        Str *mk = str_intern_cstr(vm, "__missing__");
        (void)mk;
        Value e = exc_new(vm, vm->exc[EX_KeyError], &key, 1);
        if (IS_ERR(e)) return rt_raise(vm, EX_MemoryError, "%s", "");
        rt_raise_value(vm, e);
        v_decref(vm, e);
        return VERR;
      }
      v_incref(v);
      return v;
    }
    case O_INST: case O_NATIVE: {
      Value r = rt_call_method(vm, o, vm->s_getitem, &key, 1);
      if (r.tag != V_NULL) return r;
      break;
    }
    case O_CLASS: {
      Str *cg = str_intern_cstr(vm, "__class_getitem__");
      Value m = cg ? class_lookup((Class *)ob, cg) : VNULL;
      if (m.tag != V_NULL) return rt_call(vm, m, &key, 1, NULL);
      if (((Class *)ob)->builtin) { v_incref(o); return o; } /* list[int] annotations */
      return rt_raise(vm, EX_TypeError, "type '%s' is not subscriptable", ((Class *)ob)->name->s);
    }
    default: break;
    }
  }
  return rt_raise(vm, EX_TypeError, "'%s' object is not subscriptable", rt_type_name(vm, o));
}

static int list_setslice(VM *vm, List *l, Slice *sl, Value v) {
  int64_t start, stop, step, n;
  if (IS_ERR(slice_indices(vm, sl, l->n, &start, &stop, &step, &n))) return -1;
  List *src = rt_to_list(vm, v);
  if (!src) {
    if (rt_exc_matches(vm, EX_TypeError)) { rt_clear_exc(vm); rt_raise(vm, EX_TypeError, "can only assign an iterable"); }
    return -1;
  }
  if (step == 1) {
    if (stop < start) stop = start;
    int64_t removed = stop - start, added = src->n, newn = l->n - removed + added;
    Value *old = malloc(sizeof(Value) * (size_t)(removed ? removed : 1));
    if (!old) { OBJ_DECREF(vm, src); rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    memcpy(old, l->v + start, sizeof(Value) * (size_t)removed);
    if (newn > l->cap) {
      Value *nv = realloc(l->v, sizeof(Value) * (size_t)newn);
      if (!nv) { free(old); OBJ_DECREF(vm, src); rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
      l->v = nv;
      l->cap = newn;
    }
    memmove(l->v + start + added, l->v + stop, sizeof(Value) * (size_t)(l->n - stop));
    for (int64_t i = 0; i < added; i++) { v_incref(src->v[i]); l->v[start + i] = src->v[i]; }
    l->n = newn;
    for (int64_t i = 0; i < removed; i++) v_decref(vm, old[i]);
    free(old);
    OBJ_DECREF(vm, src);
    return 0;
  }
  if (src->n != n) {
    rt_raise(vm, EX_ValueError, "attempt to assign sequence of size %lld to extended slice of size %lld", (long long)src->n, (long long)n);
    OBJ_DECREF(vm, src);
    return -1;
  }
  for (int64_t i = 0, k = start; i < n; i++, k += step) {
    Value old = l->v[k];
    v_incref(src->v[i]);
    l->v[k] = src->v[i];
    v_decref(vm, old);
  }
  OBJ_DECREF(vm, src);
  return 0;
}

int rt_setitem(VM *vm, Value o, Value key, Value v) {
  if (o.tag == V_OBJ) {
    Obj *ob = o.u.o;
    switch (ob->kind) {
    case O_LIST: {
      List *l = (List *)ob;
      if (key.tag == V_OBJ && key.u.o->kind == O_SLICE) return list_setslice(vm, l, (Slice *)key.u.o, v);
      int64_t i;
      char msg[200];
      snprintf(msg, sizeof msg, "list indices must be integers or slices, not %s", rt_type_name(vm, key));
      if (rt_index(vm, key, &i, msg) < 0) return -1;
      if (i < 0) i += l->n;
      if (i < 0 || i >= l->n) { rt_raise(vm, EX_IndexError, "list assignment index out of range"); return -1; }
      Value old = l->v[i];
      v_incref(v);
      l->v[i] = v;
      v_decref(vm, old);
      return 0;
    }
    case O_DICT: return dict_set(vm, (Dict *)ob, key, v);
    case O_INST: case O_NATIVE: {
      Value args[2] = {key, v};
      Value r = rt_call_method(vm, o, vm->s_setitem, args, 2);
      if (IS_ERR(r)) return -1;
      if (r.tag != V_NULL) { v_decref(vm, r); return 0; }
      break;
    }
    default: break;
    }
  }
  rt_raise(vm, EX_TypeError, "'%s' object does not support item assignment", rt_type_name(vm, o));
  return -1;
}

int rt_delitem(VM *vm, Value o, Value key) {
  if (o.tag == V_OBJ) {
    Obj *ob = o.u.o;
    switch (ob->kind) {
    case O_LIST: {
      List *l = (List *)ob;
      if (key.tag == V_OBJ && key.u.o->kind == O_SLICE) {
        int64_t start, stop, step, n;
        if (IS_ERR(slice_indices(vm, (Slice *)key.u.o, l->n, &start, &stop, &step, &n))) return -1;
        if (step < 0) { start = start + (n - 1) * step; step = -step; }
        /* compact in place */
        int64_t w = 0, next_del = n ? start : -1, removed = 0;
        Value *dead = malloc(sizeof(Value) * (size_t)(n ? n : 1));
        if (!dead) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
        for (int64_t r = 0; r < l->n; r++) {
          if (r == next_del && removed < n) { dead[removed++] = l->v[r]; next_del = removed < n ? next_del + step : -1; continue; }
          l->v[w++] = l->v[r];
        }
        l->n = w;
        for (int64_t i = 0; i < removed; i++) v_decref(vm, dead[i]);
        free(dead);
        return 0;
      }
      int64_t i;
      char msg[200];
      snprintf(msg, sizeof msg, "list indices must be integers or slices, not %s", rt_type_name(vm, key));
      if (rt_index(vm, key, &i, msg) < 0) return -1;
      if (i < 0) i += l->n;
      if (i < 0 || i >= l->n) { rt_raise(vm, EX_IndexError, "list assignment index out of range"); return -1; }
      Value old = l->v[i];
      memmove(l->v + i, l->v + i + 1, sizeof(Value) * (size_t)(l->n - i - 1));
      l->n--;
      v_decref(vm, old);
      return 0;
    }
    case O_DICT: {
      int r = dict_del(vm, (Dict *)ob, key);
      if (r < 0) return -1;
      if (r == 0) {
        Value e = exc_new(vm, vm->exc[EX_KeyError], &key, 1);
        if (!IS_ERR(e)) { rt_raise_value(vm, e); v_decref(vm, e); }
        return -1;
      }
      return 0;
    }
    case O_INST: case O_NATIVE: {
      Value r = rt_call_method(vm, o, vm->s_delitem, &key, 1);
      if (IS_ERR(r)) return -1;
      if (r.tag != V_NULL) { v_decref(vm, r); return 0; }
      break;
    }
    default: break;
    }
  }
  rt_raise(vm, EX_TypeError, "'%s' object doesn't support item deletion", rt_type_name(vm, o));
  return -1;
}

/* ----- iteration ----- */

Iter *iter_new(VM *vm, int ikind, Class *cls, Value src) {
  Iter *it = obj_alloc(vm, sizeof(Iter), O_ITER, cls ? cls : vm->cls[CLS_iterator]);
  if (!it) { rt_raise(vm, EX_MemoryError, "%s", ""); return NULL; }
  it->ikind = ikind;
  v_incref(src);
  it->src = src;
  it->fn = VNULL;
  return it;
}

Value rt_iter(VM *vm, Value o) {
  if (o.tag == V_OBJ) {
    Obj *ob = o.u.o;
    Iter *it = NULL;
    switch (ob->kind) {
    case O_LIST: it = iter_new(vm, IT_LIST, NULL, o); break;
    case O_TUPLE: it = iter_new(vm, IT_TUPLE, NULL, o); break;
    case O_STR: it = iter_new(vm, IT_STR, NULL, o); break;
    case O_RANGE: it = iter_new(vm, IT_RANGE, NULL, o); break;
    case O_DICT: it = iter_new(vm, IT_DICT, NULL, o); if (it) { it->step = DV_KEYS; it->end = ((Dict *)ob)->n; } break;
    case O_DICTVIEW: {
      DictView *dv = (DictView *)ob;
      it = iter_new(vm, IT_DICT, NULL, v_obj(dv->d));
      if (it) { it->step = dv->which; it->end = dv->d->n; }
      break;
    }
    case O_SET: it = iter_new(vm, IT_SET, NULL, o); if (it) it->end = ((Set *)ob)->used; break;
    case O_ITER: v_incref(o); return o;
    case O_INST: case O_NATIVE: {
      Value r = rt_call_method(vm, o, vm->s_iter, NULL, 0);
      if (r.tag != V_NULL) return r;
      if (class_lookup(ob->cls, vm->s_getitem).tag != V_NULL) { it = iter_new(vm, IT_SEQ, NULL, o); break; }
      return rt_raise(vm, EX_TypeError, "'%s' object is not iterable", rt_type_name(vm, o));
    }
    default: return rt_raise(vm, EX_TypeError, "'%s' object is not iterable", rt_type_name(vm, o));
    }
    return it ? v_obj(it) : VERR;
  }
  return rt_raise(vm, EX_TypeError, "'%s' object is not iterable", rt_type_name(vm, o));
}

int rt_next(VM *vm, Value itv, Value *out) {
  if (itv.tag != V_OBJ) { rt_raise(vm, EX_TypeError, "'%s' object is not an iterator", rt_type_name(vm, itv)); return -1; }
  if (itv.u.o->kind != O_ITER) {
    Value r = rt_call_method(vm, itv, vm->s_next, NULL, 0);
    if (r.tag == V_NULL) { rt_raise(vm, EX_TypeError, "'%s' object is not an iterator", rt_type_name(vm, itv)); return -1; }
    if (IS_ERR(r)) {
      if (rt_exc_matches(vm, EX_StopIteration)) { rt_clear_exc(vm); return 0; }
      return -1;
    }
    *out = r;
    return 1;
  }
  Iter *it = (Iter *)itv.u.o;
  switch (it->ikind) {
  case IT_LIST: {
    List *l = (List *)it->src.u.o;
    if (it->i >= l->n) return 0;
    *out = l->v[it->i++];
    v_incref(*out);
    return 1;
  }
  case IT_REVLIST: {
    List *l = (List *)it->src.u.o;
    if (it->i < 0 || it->i >= l->n) { it->i = -1; return 0; }
    *out = l->v[it->i--];
    v_incref(*out);
    return 1;
  }
  case IT_TUPLE: {
    Tuple *t = (Tuple *)it->src.u.o;
    if (it->i >= t->n) return 0;
    *out = t->v[it->i++];
    v_incref(*out);
    return 1;
  }
  case IT_STR: {
    Str *s = (Str *)it->src.u.o;
    if (it->i >= s->len) return 0;
    int64_t b = it->i, e = b + 1;
    while (e < s->len && ((unsigned char)s->s[e] & 0xC0) == 0x80) e++;
    Str *r = str_new(vm, s->s + b, e - b);
    if (!r) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    it->i = e;
    *out = v_obj(r);
    return 1;
  }
  case IT_RANGE: {
    Range *r = (Range *)it->src.u.o;
    if (it->i >= r->len) return 0;
    *out = v_int(r->start + it->i * r->step);
    it->i++;
    return 1;
  }
  case IT_DICT: {
    Dict *d = (Dict *)it->src.u.o;
    if (d->n != it->end) { it->end = -1; rt_raise(vm, EX_RuntimeError, "dictionary changed size during iteration"); return -1; }
    Value k, v;
    if (!dict_next(d, &it->i, &k, &v)) return 0;
    if (it->step == DV_KEYS) { v_incref(k); *out = k; }
    else if (it->step == DV_VALUES) { v_incref(v); *out = v; }
    else {
      Tuple *t = tuple_new(vm, 2);
      if (!t) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
      v_incref(k); v_incref(v);
      t->v[0] = k; t->v[1] = v;
      *out = v_obj(t);
    }
    return 1;
  }
  case IT_SET: {
    Set *s = (Set *)it->src.u.o;
    if (s->used != it->end) { it->end = -1; rt_raise(vm, EX_RuntimeError, "Set changed size during iteration"); return -1; }
    Value k;
    if (!set_next(s, &it->i, &k)) return 0;
    v_incref(k);
    *out = k;
    return 1;
  }
  case IT_ENUM: {
    Value x;
    int r = rt_next(vm, it->src, &x);
    if (r <= 0) return r;
    Tuple *t = tuple_new(vm, 2);
    if (!t) { v_decref(vm, x); rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    t->v[0] = v_int(it->i++);
    t->v[1] = x;
    *out = v_obj(t);
    return 1;
  }
  case IT_ZIP: {
    if (it->nsub == 0) return 0;
    Tuple *t = tuple_new(vm, it->nsub);
    if (!t) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    for (int k = 0; k < it->nsub; k++) {
      int r = rt_next(vm, it->subs[k], &t->v[k]);
      if (r <= 0) { OBJ_DECREF(vm, t); return r; }
    }
    *out = v_obj(t);
    return 1;
  }
  case IT_MAP: {
    Value local[8];
    int n = it->nsub;
    Value *args = n <= 8 ? local : malloc(sizeof(Value) * (size_t)n);
    if (!args) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    int got = 0, r = 1;
    for (; got < n; got++) {
      r = rt_next(vm, it->subs[got], &args[got]);
      if (r <= 0) break;
    }
    if (r > 0) {
      Value v = rt_call(vm, it->fn, args, n, NULL);
      if (IS_ERR(v)) r = -1;
      else *out = v;
    }
    for (int k = 0; k < got; k++) v_decref(vm, args[k]);
    if (args != local) free(args);
    return r;
  }
  case IT_FILTER: {
    for (;;) {
      Value x;
      int r = rt_next(vm, it->src, &x);
      if (r <= 0) return r;
      int t;
      if (it->fn.tag == V_NONE) t = rt_truthy(vm, x);
      else {
        Value c = rt_call(vm, it->fn, &x, 1, NULL);
        if (IS_ERR(c)) { v_decref(vm, x); return -1; }
        t = rt_truthy(vm, c);
        v_decref(vm, c);
      }
      if (t < 0) { v_decref(vm, x); return -1; }
      if (t) { *out = x; return 1; }
      v_decref(vm, x);
    }
  }
  case IT_SEQ: {
    Value r = rt_getitem(vm, it->src, v_int(it->i));
    if (IS_ERR(r)) {
      if (rt_exc_matches(vm, EX_IndexError) || rt_exc_matches(vm, EX_StopIteration)) { rt_clear_exc(vm); return 0; }
      return -1;
    }
    it->i++;
    *out = r;
    return 1;
  }
  default: return 0;
  }
}

List *rt_to_list(VM *vm, Value o) {
  if (o.tag == V_OBJ && (o.u.o->kind == O_LIST || o.u.o->kind == O_TUPLE)) {
    int64_t n = o.u.o->kind == O_LIST ? ((List *)o.u.o)->n : ((Tuple *)o.u.o)->n;
    Value *items = o.u.o->kind == O_LIST ? ((List *)o.u.o)->v : ((Tuple *)o.u.o)->v;
    List *l = list_new(vm, n);
    if (!l) { rt_raise(vm, EX_MemoryError, "%s", ""); return NULL; }
    for (int64_t i = 0; i < n; i++) { v_incref(items[i]); l->v[l->n++] = items[i]; }
    return l;
  }
  Value it = rt_iter(vm, o);
  if (IS_ERR(it)) return NULL;
  List *l = list_new(vm, 0);
  if (!l) { v_decref(vm, it); rt_raise(vm, EX_MemoryError, "%s", ""); return NULL; }
  for (;;) {
    Value x;
    int r = rt_next(vm, it, &x);
    if (r < 0) { v_decref(vm, it); OBJ_DECREF(vm, l); return NULL; }
    if (r == 0) break;
    if (list_append_steal(vm, l, x) < 0) { v_decref(vm, it); OBJ_DECREF(vm, l); return NULL; }
    if ((l->n & 65535) == 0 && rt_check_interrupt(vm)) { v_decref(vm, it); OBJ_DECREF(vm, l); return NULL; }
  }
  v_decref(vm, it);
  return l;
}
