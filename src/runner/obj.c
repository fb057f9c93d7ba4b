/* obj.c — object allocation and the core containers: str, list, tuple, dict (insertion ordered),
 * set (CPython's table and probing, so sets iterate and print in CPython's order), plus hashing
 * (CPython's numeric and tuple hashes), equality and repr. */
#include "rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *obj_alloc(VM *vm, size_t size, OKind kind, Class *cls) {
  Obj *o = calloc(1, size);
  if (!o) return NULL;
  o->rc = 1;
  o->kind = (uint16_t)kind;
  o->cls = cls;
  if (cls) cls->h.rc++; /* instances keep their class alive */
  o->gc_next = vm->all_objs;
  if (vm->all_objs) vm->all_objs->gc_prev = o;
  vm->all_objs = o;
  return o;
}

static void tensor_id_forget(VM *vm, const void *t, Obj *o);

static void clear_children(VM *vm, Obj *o) {
  switch (o->kind) {
  case O_LIST: {
    List *l = (List *)o;
    for (int64_t i = 0; i < l->n; i++) v_decref(vm, l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
    break;
  }
  case O_TUPLE: {
    Tuple *t = (Tuple *)o;
    for (int64_t i = 0; i < t->n; i++) { v_decref(vm, t->v[i]); t->v[i] = VNULL; }
    break;
  }
  case O_DICT: dict_clear(vm, (Dict *)o); free(((Dict *)o)->e); free(((Dict *)o)->idx); ((Dict *)o)->e = NULL; ((Dict *)o)->idx = NULL; break;
  case O_SET: set_clear(vm, (Set *)o); free(((Set *)o)->t); ((Set *)o)->t = NULL; break;
  case O_FUNC: {
    Func *f = (Func *)o;
    OBJ_DECREF(vm, f->globals);
    f->globals = NULL;
    for (int i = 0; i < f->ndefaults; i++) v_decref(vm, f->defaults[i]);
    free(f->defaults);
    f->defaults = NULL;
    f->ndefaults = 0;
    if (f->kwdefaults) for (int i = 0; i < f->code->nkwonly; i++) v_decref(vm, f->kwdefaults[i]);
    free(f->kwdefaults);
    f->kwdefaults = NULL;
    for (int i = 0; i < f->ncells; i++) OBJ_DECREF(vm, f->cells[i]);
    free(f->cells);
    f->cells = NULL;
    f->ncells = 0;
    break;
  }
  case O_NATFUNC: v_decref(vm, ((NatFunc *)o)->self); ((NatFunc *)o)->self = VNULL; break;
  case O_BOUND: v_decref(vm, ((Bound *)o)->self); v_decref(vm, ((Bound *)o)->func); ((Bound *)o)->self = ((Bound *)o)->func = VNULL; break;
  case O_CLASS: OBJ_DECREF(vm, ((Class *)o)->dict); ((Class *)o)->dict = NULL; break;
  case O_INST: OBJ_DECREF(vm, ((Inst *)o)->dict); ((Inst *)o)->dict = NULL; v_decref(vm, ((Inst *)o)->args); ((Inst *)o)->args = VNULL; break;
  case O_MODULE: OBJ_DECREF(vm, ((Module *)o)->dict); ((Module *)o)->dict = NULL; break;
  case O_SLICE: {
    Slice *s = (Slice *)o;
    v_decref(vm, s->start); v_decref(vm, s->stop); v_decref(vm, s->step);
    s->start = s->stop = s->step = VNULL;
    break;
  }
  case O_CELL: v_decref(vm, ((Cell *)o)->v); ((Cell *)o)->v = VNULL; break;
  case O_ITER: {
    Iter *it = (Iter *)o;
    v_decref(vm, it->src); v_decref(vm, it->fn);
    it->src = it->fn = VNULL;
    for (int i = 0; i < it->nsub; i++) v_decref(vm, it->subs[i]);
    free(it->subs);
    it->subs = NULL;
    it->nsub = 0;
    break;
  }
  case O_NATIVE: {
    Native *n = (Native *)o;
    if (n->ptr) tensor_id_forget(vm, n->ptr, o);
    if (n->fin && n->ptr) n->fin(n->ptr);
    n->ptr = NULL;
    break;
  }
  case O_WRAP: v_decref(vm, ((Wrap *)o)->func); ((Wrap *)o)->func = VNULL; break;
  case O_DICTVIEW: OBJ_DECREF(vm, ((DictView *)o)->d); ((DictView *)o)->d = NULL; break;
  default: break;
  }
}

/* ----- tensor identity: tn_tensor* -> live Tensor object (linear probing) ----- */

static size_t tid_slot(const void *t, size_t cap) {
  uint64_t h = (uint64_t)(uintptr_t)t;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return (size_t)h & (cap - 1);
}

Obj *tensor_id_find(VM *vm, const void *t) {
  size_t cap = vm->tensor_ids.cap;
  if (!cap) return NULL;
  for (size_t i = tid_slot(t, cap);; i = (i + 1) & (cap - 1)) {
    if (!vm->tensor_ids.keys[i]) return NULL;
    if (vm->tensor_ids.keys[i] == t) return vm->tensor_ids.objs[i];
  }
}

/* best effort: without memory the object simply stays unregistered */
void tensor_id_add(VM *vm, const void *t, Obj *o) {
  if (vm->tearing_down) return;
  if (2 * (vm->tensor_ids.n + 1) > vm->tensor_ids.cap) {
    size_t nc = vm->tensor_ids.cap ? vm->tensor_ids.cap * 2 : 64;
    void **nk = calloc(nc, sizeof *nk);
    Obj **no = calloc(nc, sizeof *no);
    if (!nk || !no) { free(nk); free(no); return; }
    for (size_t i = 0; i < vm->tensor_ids.cap; i++) {
      if (!vm->tensor_ids.keys[i]) continue;
      size_t j = tid_slot(vm->tensor_ids.keys[i], nc);
      while (nk[j]) j = (j + 1) & (nc - 1);
      nk[j] = vm->tensor_ids.keys[i];
      no[j] = vm->tensor_ids.objs[i];
    }
    free(vm->tensor_ids.keys);
    free(vm->tensor_ids.objs);
    vm->tensor_ids.keys = nk;
    vm->tensor_ids.objs = no;
    vm->tensor_ids.cap = nc;
  }
  size_t cap = vm->tensor_ids.cap, i = tid_slot(t, cap);
  while (vm->tensor_ids.keys[i] && vm->tensor_ids.keys[i] != t) i = (i + 1) & (cap - 1);
  if (!vm->tensor_ids.keys[i]) vm->tensor_ids.n++;
  vm->tensor_ids.keys[i] = (void *)t;
  vm->tensor_ids.objs[i] = o;
}

/* o, the object of t, goes: drop its entry (only if it is o's), backward-shifting the cluster */
static void tensor_id_forget(VM *vm, const void *t, Obj *o) {
  size_t cap = vm->tensor_ids.cap;
  if (!cap) return;
  size_t i = tid_slot(t, cap);
  while (vm->tensor_ids.keys[i] && vm->tensor_ids.keys[i] != t) i = (i + 1) & (cap - 1);
  if (!vm->tensor_ids.keys[i] || vm->tensor_ids.objs[i] != o) return;
  vm->tensor_ids.keys[i] = NULL;
  vm->tensor_ids.n--;
  for (size_t j = (i + 1) & (cap - 1); vm->tensor_ids.keys[j]; j = (j + 1) & (cap - 1)) {
    size_t home = tid_slot(vm->tensor_ids.keys[j], cap);
    /* move j into the hole at i unless its home lies cyclically in (i, j] */
    bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (stays) continue;
    vm->tensor_ids.keys[i] = vm->tensor_ids.keys[j];
    vm->tensor_ids.objs[i] = vm->tensor_ids.objs[j];
    vm->tensor_ids.keys[j] = NULL;
    i = j;
  }
}

void obj_free(VM *vm, Obj *o) {
  if (vm->tearing_down) return;
  /* unlink first so that freeing children cannot revisit o */
  if (o->gc_prev) o->gc_prev->gc_next = o->gc_next;
  else vm->all_objs = o->gc_next;
  if (o->gc_next) o->gc_next->gc_prev = o->gc_prev;
  o->rc = 1 << 30; /* guard against re-entry while children go */
  clear_children(vm, o);
  Class *cls = o->cls;
  free(o);
  if (cls) OBJ_DECREF(vm, cls);
}

/* Teardown: break every cycle, then free every object. */
void objects_teardown(VM *vm);
void objects_teardown(VM *vm) {
  vm->tearing_down = true;
  for (Obj *o = vm->all_objs; o; o = o->gc_next) clear_children(vm, o);
  Obj *o = vm->all_objs;
  while (o) {
    Obj *n = o->gc_next;
    free(o);
    o = n;
  }
  vm->all_objs = NULL;
  free(vm->tensor_ids.keys);
  free(vm->tensor_ids.objs);
  vm->tensor_ids.keys = NULL;
  vm->tensor_ids.objs = NULL;
  vm->tensor_ids.cap = vm->tensor_ids.n = 0;
}

/* ----- str ----- */

Str *str_new(VM *vm, const char *s, int64_t len) {
  Str *r = obj_alloc(vm, sizeof(Str) + (size_t)len + 1, O_STR, vm->cls[CLS_str]);
  if (!r) return NULL;
  r->len = len;
  r->hash = -1;
  r->nchars = -1;
  if (len) memcpy(r->s, s, (size_t)len);
  r->s[len] = 0;
  bool ascii = true;
  for (int64_t i = 0; i < len; i++) if ((unsigned char)s[i] >= 0x80) { ascii = false; break; }
  r->ascii = ascii;
  if (ascii) r->nchars = len;
  return r;
}

Str *str_cstr(VM *vm, const char *s) { return str_new(vm, s, (int64_t)strlen(s)); }

Value v_str(VM *vm, const char *s) {
  Str *r = str_cstr(vm, s);
  if (!r) return rt_raise(vm, EX_MemoryError, "%s", "");
  return v_obj(r);
}

int64_t str_hash(Str *s) {
  if (s->hash != -1) return s->hash;
  /* FNV-1a; CPython's string hash is randomised per process, so no order depends on it */
  uint64_t h = 1469598103934665603ULL;
  for (int64_t i = 0; i < s->len; i++) { h ^= (unsigned char)s->s[i]; h *= 1099511628211ULL; }
  int64_t r = (int64_t)(h >> 1);
  if (r == -1) r = -2;
  s->hash = r;
  return r;
}

int64_t str_nchars(Str *s) {
  if (s->nchars >= 0) return s->nchars;
  int64_t n = 0;
  for (int64_t i = 0; i < s->len; i++) if (((unsigned char)s->s[i] & 0xC0) != 0x80) n++;
  s->nchars = n;
  return n;
}

Str *str_intern(VM *vm, const char *s, int64_t len) {
  Str *tmp = str_new(vm, s, len);
  if (!tmp) return NULL;
  Value found = dict_get_str(vm->interned, tmp);
  if (found.tag == V_OBJ) {
    OBJ_DECREF(vm, tmp);
    return (Str *)found.u.o;
  }
  tmp->interned = true;
  if (dict_set(vm, vm->interned, v_obj(tmp), v_obj(tmp)) < 0) { OBJ_DECREF(vm, tmp); return NULL; }
  OBJ_DECREF(vm, tmp);
  return tmp; /* borrowed: the table keeps it alive */
}

Str *str_intern_cstr(VM *vm, const char *s) { return str_intern(vm, s, (int64_t)strlen(s)); }

static bool str_eq(Str *a, Str *b) {
  if (a == b) return true;
  if (a->len != b->len) return false;
  if (a->hash != -1 && b->hash != -1 && a->hash != b->hash) return false;
  return memcmp(a->s, b->s, (size_t)a->len) == 0;
}

/* ----- list / tuple ----- */

List *list_new(VM *vm, int64_t n) {
  List *l = obj_alloc(vm, sizeof(List), O_LIST, vm->cls[CLS_list]);
  if (!l) return NULL;
  if (n > 0) {
    l->v = calloc((size_t)n, sizeof(Value));
    if (!l->v) { OBJ_DECREF(vm, l); return NULL; }
    l->cap = n;
  }
  l->n = 0;
  return l;
}

int list_append_steal(VM *vm, List *l, Value v) {
  if (l->n == l->cap) {
    int64_t nc = l->cap < 4 ? 8 : l->cap + (l->cap >> 1);
    Value *nv = realloc(l->v, sizeof(Value) * (size_t)nc);
    if (!nv) { v_decref(vm, v); rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
    l->v = nv;
    l->cap = nc;
  }
  l->v[l->n++] = v;
  return 0;
}

int list_append(VM *vm, List *l, Value v) {
  v_incref(v);
  return list_append_steal(vm, l, v);
}

Tuple *tuple_new(VM *vm, int64_t n) {
  Tuple *t = obj_alloc(vm, sizeof(Tuple) + sizeof(Value) * (size_t)n, O_TUPLE, vm->cls[CLS_tuple]);
  if (!t) return NULL;
  t->n = n;
  return t;
}

/* ----- dict ----- */

Dict *dict_new(VM *vm) {
  Dict *d = obj_alloc(vm, sizeof(Dict), O_DICT, vm->cls[CLS_dict]);
  return d;
}

static int64_t dict_lookup(VM *vm, Dict *d, Value key, int64_t hash, int *err, int64_t *slot_out) {
  if (!d->idx) { if (slot_out) *slot_out = -1; return -1; }
  uint64_t perturb = (uint64_t)hash;
  uint64_t i = (uint64_t)hash & (uint64_t)d->mask;
  int64_t freeslot = -1;
  for (;;) {
    int64_t ix = d->idx[i];
    if (ix == -1) {
      if (slot_out) *slot_out = freeslot >= 0 ? freeslot : (int64_t)i;
      return -1;
    }
    if (ix == -2) {
      if (freeslot < 0) freeslot = (int64_t)i;
    } else {
      DEntry *e = &d->e[ix];
      if (e->hash == hash) {
        Value k = e->key;
        if (k.tag == V_OBJ && key.tag == V_OBJ && k.u.o == key.u.o) return ix;
        if (k.tag == V_OBJ && key.tag == V_OBJ && k.u.o->kind == O_STR && key.u.o->kind == O_STR) {
          if (str_eq((Str *)k.u.o, (Str *)key.u.o)) return ix;
        } else {
          int eq = rt_eq(vm, k, key);
          if (eq < 0) { *err = 1; return -1; }
          if (eq) return ix;
        }
      }
    }
    perturb >>= 5;
    i = (i * 5 + perturb + 1) & (uint64_t)d->mask;
  }
}

static int dict_resize(VM *vm, Dict *d, int64_t need) {
  int64_t size = 8;
  while (size * 2 < need * 3) size *= 2;
  int64_t *idx = malloc(sizeof(int64_t) * (size_t)size);
  int64_t cap = size * 2 / 3 + 1;
  DEntry *e = malloc(sizeof(DEntry) * (size_t)cap);
  if (!idx || !e) { free(idx); free(e); rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
  for (int64_t i = 0; i < size; i++) idx[i] = -1;
  int64_t n = 0;
  for (int64_t k = 0; k < d->nent; k++) {
    if (d->e[k].key.tag == V_NULL) continue;
    e[n] = d->e[k];
    uint64_t perturb = (uint64_t)e[n].hash, i = (uint64_t)e[n].hash & (uint64_t)(size - 1);
    while (idx[i] != -1) { perturb >>= 5; i = (i * 5 + perturb + 1) & (uint64_t)(size - 1); }
    idx[i] = n;
    n++;
  }
  free(d->idx);
  free(d->e);
  d->idx = idx;
  d->e = e;
  d->mask = size - 1;
  d->cap = cap;
  d->nent = n;
  return 0;
}

Value dict_get(VM *vm, Dict *d, Value key, int *err) {
  *err = 0;
  int64_t h = rt_hash(vm, key, err);
  if (*err) return VNULL;
  int64_t ix = dict_lookup(vm, d, key, h, err, NULL);
  if (ix < 0) return VNULL;
  return d->e[ix].val;
}

Value dict_get_str(Dict *d, Str *key) {
  if (!d->idx) return VNULL;
  int64_t hash = str_hash(key);
  uint64_t perturb = (uint64_t)hash, i = (uint64_t)hash & (uint64_t)d->mask;
  for (;;) {
    int64_t ix = d->idx[i];
    if (ix == -1) return VNULL;
    if (ix >= 0) {
      DEntry *e = &d->e[ix];
      if (e->hash == hash && e->key.tag == V_OBJ && e->key.u.o->kind == O_STR && str_eq((Str *)e->key.u.o, key)) return e->val;
    }
    perturb >>= 5;
    i = (i * 5 + perturb + 1) & (uint64_t)d->mask;
  }
}

int dict_set(VM *vm, Dict *d, Value key, Value val) {
  int err = 0;
  int64_t h = rt_hash(vm, key, &err);
  if (err) return -1;
  int64_t slot;
  int64_t ix = dict_lookup(vm, d, key, h, &err, &slot);
  if (err) return -1;
  if (ix >= 0) {
    v_incref(val);
    Value old = d->e[ix].val;
    d->e[ix].val = val;
    v_decref(vm, old);
    return 0;
  }
  if (!d->idx || d->nent + 1 > d->cap) {
    if (dict_resize(vm, d, d->n + 1 + (d->n >> 1)) < 0) return -1;
    dict_lookup(vm, d, key, h, &err, &slot);
  }
  v_incref(key);
  v_incref(val);
  d->e[d->nent].hash = h;
  d->e[d->nent].key = key;
  d->e[d->nent].val = val;
  d->idx[slot] = d->nent;
  d->nent++;
  d->n++;
  return 0;
}

int dict_set_str(VM *vm, Dict *d, Str *key, Value val) { return dict_set(vm, d, v_obj(key), val); }

int dict_del(VM *vm, Dict *d, Value key) {
  int err = 0;
  int64_t h = rt_hash(vm, key, &err);
  if (err) return -1;
  if (!d->idx) return 0;
  uint64_t perturb = (uint64_t)h, i = (uint64_t)h & (uint64_t)d->mask;
  for (;;) {
    int64_t ix = d->idx[i];
    if (ix == -1) return 0;
    if (ix >= 0 && d->e[ix].hash == h) {
      int eq = rt_eq(vm, d->e[ix].key, key);
      if (eq < 0) return -1;
      if (eq) {
        Value k = d->e[ix].key, v = d->e[ix].val;
        d->e[ix].key = VNULL;
        d->e[ix].val = VNULL;
        d->idx[i] = -2;
        d->n--;
        v_decref(vm, k);
        v_decref(vm, v);
        return 1;
      }
    }
    perturb >>= 5;
    i = (i * 5 + perturb + 1) & (uint64_t)d->mask;
  }
}

void dict_clear(VM *vm, Dict *d) {
  int64_t n = d->nent;
  DEntry *e = d->e;
  int64_t *idx = d->idx;
  d->e = NULL;
  d->idx = NULL;
  d->n = d->nent = d->cap = 0;
  d->mask = 0;
  for (int64_t i = 0; i < n; i++) {
    v_decref(vm, e[i].key);
    v_decref(vm, e[i].val);
  }
  free(e);
  free(idx);
}

bool dict_next(Dict *d, int64_t *pos, Value *k, Value *v) {
  while (*pos < d->nent) {
    DEntry *e = &d->e[(*pos)++];
    if (e->key.tag != V_NULL) {
      if (k) *k = e->key;
      if (v) *v = e->val;
      return true;
    }
  }
  return false;
}

/* ----- set: CPython 3.11's setobject.c table ----- */

#define LINEAR_PROBES 9

Set *set_new(VM *vm) {
  Set *s = obj_alloc(vm, sizeof(Set), O_SET, vm->cls[CLS_set]);
  if (!s) return NULL;
  s->t = calloc(8, sizeof(SEntry));
  if (!s->t) { OBJ_DECREF(vm, s); return NULL; }
  s->mask = 7;
  return s;
}

static void set_insert_clean(SEntry *table, int64_t mask, Value key, int64_t hash) {
  uint64_t perturb = (uint64_t)hash;
  uint64_t i = (uint64_t)hash & (uint64_t)mask;
  for (;;) {
    SEntry *e = &table[i];
    if (e->key.tag == V_NULL) goto found;
    if (i + LINEAR_PROBES <= (uint64_t)mask) {
      for (int j = 0; j < LINEAR_PROBES; j++) {
        e++;
        if (e->key.tag == V_NULL) goto found;
      }
    }
    perturb >>= 5;
    i = (i * 5 + 1 + perturb) & (uint64_t)mask;
    continue;
  found:
    e->key = key;
    e->hash = hash;
    return;
  }
}

static int set_resize(VM *vm, Set *s, int64_t minused) {
  int64_t newsize = 8;
  while (newsize <= minused) newsize <<= 1;
  SEntry *nt = calloc((size_t)newsize, sizeof(SEntry));
  if (!nt) { rt_raise(vm, EX_MemoryError, "%s", ""); return -1; }
  for (int64_t i = 0; i <= s->mask; i++)
    if (s->t[i].key.tag != V_NULL && s->t[i].key.tag != V_DUMMY) set_insert_clean(nt, newsize - 1, s->t[i].key, s->t[i].hash);
  free(s->t);
  s->t = nt;
  s->mask = newsize - 1;
  s->fill = s->used;
  return 0;
}

int set_add(VM *vm, Set *s, Value key) {
  int err = 0;
  int64_t hash = rt_hash(vm, key, &err);
  if (err) return -1;
  uint64_t mask = (uint64_t)s->mask;
  uint64_t i = (uint64_t)hash & mask;
  uint64_t perturb = (uint64_t)hash;
  SEntry *freeslot = NULL, *e;
  for (;;) {
    e = &s->t[i];
    int probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
    do {
      if (e->key.tag == V_NULL) goto found_unused;
      if (e->key.tag == V_DUMMY) {
        if (!freeslot) freeslot = e;
      } else if (e->hash == hash) {
        int eq = rt_eq(vm, e->key, key);
        if (eq < 0) return -1;
        if (eq) return 0;
      }
      e++;
    } while (probes--);
    perturb >>= 5;
    i = (i * 5 + 1 + perturb) & mask;
  }
found_unused:
  v_incref(key);
  if (freeslot) {
    freeslot->key = key;
    freeslot->hash = hash;
    s->used++;
    return 0;
  }
  e->key = key;
  e->hash = hash;
  s->fill++;
  s->used++;
  if (s->fill * 5 < (int64_t)mask * 3) return 0;
  return set_resize(vm, s, s->used > 50000 ? s->used * 2 : s->used * 4);
}

static SEntry *set_find(VM *vm, Set *s, Value key, int *err) {
  int64_t hash = rt_hash(vm, key, err);
  if (*err) return NULL;
  uint64_t mask = (uint64_t)s->mask, i = (uint64_t)hash & mask, perturb = (uint64_t)hash;
  for (;;) {
    SEntry *e = &s->t[i];
    int probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
    do {
      if (e->key.tag == V_NULL) return NULL;
      if (e->key.tag != V_DUMMY && e->hash == hash) {
        int eq = rt_eq(vm, e->key, key);
        if (eq < 0) { *err = 1; return NULL; }
        if (eq) return e;
      }
      e++;
    } while (probes--);
    perturb >>= 5;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

int set_contains(VM *vm, Set *s, Value key) {
  int err = 0;
  SEntry *e = set_find(vm, s, key, &err);
  if (err) return -1;
  return e != NULL;
}

int set_discard(VM *vm, Set *s, Value key) {
  int err = 0;
  SEntry *e = set_find(vm, s, key, &err);
  if (err) return -1;
  if (!e) return 0;
  Value k = e->key;
  e->key.tag = V_DUMMY;
  e->hash = -1;
  s->used--;
  v_decref(vm, k);
  return 1;
}

int set_merge(VM *vm, Set *so, Set *other) {
  if (other == so || other->used == 0) return 0;
  if ((so->fill + other->used) * 5 >= so->mask * 3)
    if (set_resize(vm, so, (so->used + other->used) * 2) < 0) return -1;
  if (so->fill == 0 && so->mask == other->mask && other->fill == other->used) {
    for (int64_t i = 0; i <= other->mask; i++) {
      if (other->t[i].key.tag == V_NULL) continue;
      v_incref(other->t[i].key);
      so->t[i] = other->t[i];
    }
    so->fill = other->fill;
    so->used = other->used;
    return 0;
  }
  if (so->fill == 0) {
    so->fill = so->used = other->used;
    for (int64_t i = 0; i <= other->mask; i++) {
      Value k = other->t[i].key;
      if (k.tag == V_NULL || k.tag == V_DUMMY) continue;
      v_incref(k);
      set_insert_clean(so->t, so->mask, k, other->t[i].hash);
    }
    return 0;
  }
  for (int64_t i = 0; i <= other->mask; i++) {
    Value k = other->t[i].key;
    if (k.tag == V_NULL || k.tag == V_DUMMY) continue;
    if (set_add(vm, so, k) < 0) return -1;
  }
  return 0;
}

bool set_next(Set *s, int64_t *pos, Value *k) {
  while (*pos <= s->mask) {
    SEntry *e = &s->t[(*pos)++];
    if (e->key.tag != V_NULL && e->key.tag != V_DUMMY) { *k = e->key; return true; }
  }
  return false;
}

void set_clear(VM *vm, Set *s) {
  if (!s->t) return;
  int64_t n = s->mask + 1;
  SEntry *t = s->t;
  s->t = calloc(8, sizeof(SEntry));
  s->mask = s->t ? 7 : -1;
  s->fill = s->used = 0;
  for (int64_t i = 0; i < n; i++) if (t[i].key.tag == V_OBJ) v_decref(vm, t[i].key);
  free(t);
}

/* ----- misc objects ----- */

Range *range_new(VM *vm, int64_t a, int64_t b, int64_t c) {
  Range *r = obj_alloc(vm, sizeof(Range), O_RANGE, vm->cls[CLS_range]);
  if (!r) return NULL;
  r->start = a; r->stop = b; r->step = c;
  int64_t len = 0;
  /* computed in unsigned arithmetic: stop - start may not fit in int64 */
  if (c > 0 && a < b) len = (int64_t)(((uint64_t)b - (uint64_t)a - 1) / (uint64_t)c + 1);
  else if (c < 0 && a > b) len = (int64_t)(((uint64_t)a - (uint64_t)b - 1) / (0 - (uint64_t)c) + 1);
  r->len = len;
  return r;
}

Cell *cell_new(VM *vm, Value v) {
  Cell *c = obj_alloc(vm, sizeof(Cell), O_CELL, vm->cls[CLS_cell]);
  if (!c) return NULL;
  v_incref(v);
  c->v = v;
  return c;
}

Class *class_new(VM *vm, const char *name, Class *base, bool builtin) {
  Class *c = obj_alloc(vm, sizeof(Class), O_CLASS, vm->cls[CLS_type]);
  if (!c) return NULL;
  c->name = str_intern_cstr(vm, name);
  if (c->name) OBJ_INCREF(c->name);
  c->base = base;
  c->dict = dict_new(vm);
  c->builtin = builtin;
  c->is_exc = base && base->is_exc;
  c->module = builtin ? "builtins" : "__main__";
  if (base) {
    c->getattr_hook = base->getattr_hook;
    c->setattr_hook = base->setattr_hook;
  }
  return c;
}

Value class_lookup(Class *c, Str *name) {
  for (; c; c = c->base) {
    if (!c->dict) continue;
    Value v = dict_get_str(c->dict, name);
    if (v.tag != V_NULL) return v;
  }
  return VNULL;
}

bool class_is_sub(Class *c, Class *base) {
  for (; c; c = c->base) if (c == base) return true;
  return false;
}

Value natfunc_new(VM *vm, const char *name, NatFn fn) {
  NatFunc *f = obj_alloc(vm, sizeof(NatFunc), O_NATFUNC, vm->cls[CLS_builtin]);
  if (!f) return rt_raise(vm, EX_MemoryError, "%s", "");
  f->name = name;
  f->fn = fn;
  return v_obj(f);
}

void def_method(VM *vm, Class *c, const char *name, NatFn fn) {
  Value f = natfunc_new(vm, name, fn);
  if (IS_ERR(f)) return;
  Str *k = str_intern_cstr(vm, name);
  if (k) dict_set_str(vm, c->dict, k, f);
  v_decref(vm, f);
}

void def_func(VM *vm, Dict *d, const char *name, NatFn fn) {
  Value f = natfunc_new(vm, name, fn);
  if (IS_ERR(f)) return;
  Str *k = str_intern_cstr(vm, name);
  if (k) dict_set_str(vm, d, k, f);
  v_decref(vm, f);
}

Module *module_new(VM *vm, const char *name) {
  Module *m = obj_alloc(vm, sizeof(Module), O_MODULE, vm->cls[CLS_module]);
  if (!m) return NULL;
  m->name = str_intern_cstr(vm, name);
  if (m->name) OBJ_INCREF(m->name);
  m->dict = dict_new(vm);
  if (!m->dict || !m->name) { OBJ_DECREF(vm, m); return NULL; }
  dict_set_str(vm, m->dict, vm->s_name, v_obj(m->name));
  return m;
}

Value native_new(VM *vm, Class *cls, void *ptr, void (*fin)(void *)) {
  Native *n = obj_alloc(vm, sizeof(Native), O_NATIVE, cls);
  if (!n) {
    if (fin && ptr) fin(ptr);
    return rt_raise(vm, EX_MemoryError, "%s", "");
  }
  n->ptr = ptr;
  n->fin = fin;
  return v_obj(n);
}

Class *rt_type(VM *vm, Value v) {
  switch (v.tag) {
  case V_NONE: return vm->cls[CLS_NoneType];
  case V_BOOL: return vm->cls[CLS_bool];
  case V_INT: return vm->cls[CLS_int];
  case V_FLOAT: return vm->cls[CLS_float];
  case V_OBJ: return v.u.o->cls;
  default: return vm->cls[CLS_object];
  }
}

const char *rt_type_name(VM *vm, Value v) {
  Class *c = rt_type(vm, v);
  return c && c->name ? c->name->s : "object";
}

bool rt_is_instance(VM *vm, Value v, Class *c) { return class_is_sub(rt_type(vm, v), c); }

/* ----- hashing ----- */

#define HASH_BITS 61
#define HASH_MOD (((uint64_t)1 << HASH_BITS) - 1)

static int64_t hash_int(int64_t i) {
  uint64_t a = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
  uint64_t x = a % HASH_MOD;
  int64_t r = i < 0 ? -(int64_t)x : (int64_t)x;
  return r == -1 ? -2 : r;
}

static int64_t hash_double(double v) {
  if (isinf(v)) return v > 0 ? 314159 : -314159;
  if (isnan(v)) return 0;
  int e;
  double m = frexp(v, &e);
  int sign = 1;
  if (m < 0) { sign = -1; m = -m; }
  uint64_t x = 0;
  while (m) {
    x = ((x << 28) & HASH_MOD) | x >> (HASH_BITS - 28);
    m *= 268435456.0;
    e -= 28;
    uint64_t y = (uint64_t)m;
    m -= (double)y;
    x += y;
    if (x >= HASH_MOD) x -= HASH_MOD;
  }
  e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
  x = ((x << e) & HASH_MOD) | x >> (HASH_BITS - e);
  int64_t r = (int64_t)x * sign;
  return r == -1 ? -2 : r;
}

int64_t rt_hash(VM *vm, Value v, int *err) {
  switch (v.tag) {
  case V_NONE: return 0x5f5e100;
  case V_BOOL: case V_INT: return hash_int(v.u.i);
  case V_FLOAT: return hash_double(v.u.f);
  case V_OBJ: break;
  default: return 0;
  }
  Obj *o = v.u.o;
  switch (o->kind) {
  case O_STR: return str_hash((Str *)o);
  case O_TUPLE: {
    Tuple *t = (Tuple *)o;
    uint64_t acc = 2870177450012600261ULL;
    for (int64_t i = 0; i < t->n; i++) {
      int64_t lane = rt_hash(vm, t->v[i], err);
      if (*err) return -1;
      acc += (uint64_t)lane * 14029467366897019727ULL;
      acc = (acc << 31) | (acc >> 33);
      acc *= 11400714785074694791ULL;
    }
    acc += (uint64_t)t->n ^ (2870177450012600261ULL ^ 3527539UL);
    if (acc == (uint64_t)-1) return 1546275796;
    return (int64_t)acc;
  }
  case O_LIST: case O_DICT: case O_SET: case O_SLICE: case O_DICTVIEW:
    *err = 1;
    rt_raise(vm, EX_TypeError, "unhashable type: '%s'", rt_type_name(vm, v));
    return -1;
  case O_INST: {
    Value m = class_lookup(o->cls, vm->s_hash);
    if (m.tag == V_NONE) {
      *err = 1;
      rt_raise(vm, EX_TypeError, "unhashable type: '%s'", rt_type_name(vm, v));
      return -1;
    }
    if (m.tag != V_NULL) {
      Value r = rt_call_method(vm, v, vm->s_hash, NULL, 0);
      if (IS_ERR(r)) { *err = 1; return -1; }
      if (r.tag != V_INT) { v_decref(vm, r); *err = 1; rt_raise(vm, EX_TypeError, "__hash__ method should return an integer"); return -1; }
      return hash_int(r.u.i);
    }
    if (class_lookup(o->cls, vm->s_eq).tag != V_NULL) {
      *err = 1;
      rt_raise(vm, EX_TypeError, "unhashable type: '%s'", rt_type_name(vm, v));
      return -1;
    }
    break;
  }
  default: break;
  }
  uint64_t p = (uint64_t)(uintptr_t)o;
  return (int64_t)((p >> 4) | (p << 60)) & INT64_MAX;
}

/* ----- equality ----- */

int rt_eq(VM *vm, Value a, Value b) {
  if (a.tag == V_INT && b.tag == V_INT) return a.u.i == b.u.i;
  if ((a.tag == V_INT || a.tag == V_BOOL || a.tag == V_FLOAT) && (b.tag == V_INT || b.tag == V_BOOL || b.tag == V_FLOAT)) {
    if (a.tag == V_FLOAT || b.tag == V_FLOAT) {
      double x = a.tag == V_FLOAT ? a.u.f : (double)a.u.i;
      double y = b.tag == V_FLOAT ? b.u.f : (double)b.u.i;
      /* exact int/float comparison: beyond 2**53 the double may round */
      if (a.tag != V_FLOAT && (double)(int64_t)x != x) return 0;
      if (x != y) return 0;
      if (a.tag != V_FLOAT && y >= -9.2233720368547758e18 && y < 9.2233720368547758e18) return a.u.i == (int64_t)y;
      if (b.tag != V_FLOAT && x >= -9.2233720368547758e18 && x < 9.2233720368547758e18) return b.u.i == (int64_t)x;
      return 1;
    }
    return a.u.i == b.u.i;
  }
  if (a.tag == V_NONE || b.tag == V_NONE) return a.tag == b.tag;
  if (a.tag != V_OBJ || b.tag != V_OBJ) {
    if (a.tag == V_OBJ && a.u.o->kind == O_INST) goto dispatch;
    if (b.tag == V_OBJ && b.u.o->kind == O_INST) goto dispatch;
    if (a.tag == V_OBJ && a.u.o->kind == O_NATIVE) goto dispatch;
    if (b.tag == V_OBJ && b.u.o->kind == O_NATIVE) goto dispatch;
    return 0;
  }
  if (a.u.o == b.u.o && a.u.o->kind != O_NATIVE) return 1;
  {
    Obj *x = a.u.o, *y = b.u.o;
    if (x->kind == O_STR && y->kind == O_STR) return str_eq((Str *)x, (Str *)y);
    if ((x->kind == O_LIST && y->kind == O_LIST) || (x->kind == O_TUPLE && y->kind == O_TUPLE)) {
      int64_t n1 = x->kind == O_LIST ? ((List *)x)->n : ((Tuple *)x)->n;
      int64_t n2 = y->kind == O_LIST ? ((List *)y)->n : ((Tuple *)y)->n;
      if (n1 != n2) return 0;
      for (int64_t i = 0; i < n1; i++) {
        List *lx = (List *)x, *ly = (List *)y;
        Value ea = x->kind == O_LIST ? (i < lx->n ? lx->v[i] : VNONE) : ((Tuple *)x)->v[i];
        Value eb = y->kind == O_LIST ? (i < ly->n ? ly->v[i] : VNONE) : ((Tuple *)y)->v[i];
        int r = rt_eq(vm, ea, eb);
        if (r != 1) return r;
      }
      return 1;
    }
    if (x->kind == O_DICT && y->kind == O_DICT) {
      Dict *d1 = (Dict *)x, *d2 = (Dict *)y;
      if (d1->n != d2->n) return 0;
      int64_t pos = 0;
      Value k, v;
      while (dict_next(d1, &pos, &k, &v)) {
        int err = 0;
        Value w = dict_get(vm, d2, k, &err);
        if (err) return -1;
        if (w.tag == V_NULL) return 0;
        int r = rt_eq(vm, v, w);
        if (r != 1) return r;
      }
      return 1;
    }
    if (x->kind == O_SET && y->kind == O_SET) {
      Set *s1 = (Set *)x, *s2 = (Set *)y;
      if (s1->used != s2->used) return 0;
      int64_t pos = 0;
      Value k;
      while (set_next(s1, &pos, &k)) {
        int r = set_contains(vm, s2, k);
        if (r != 1) return r;
      }
      return 1;
    }
    if (x->kind == O_RANGE && y->kind == O_RANGE) {
      Range *r1 = (Range *)x, *r2 = (Range *)y;
      if (r1->len != r2->len) return 0;
      if (r1->len == 0) return 1;
      if (r1->start != r2->start) return 0;
      return r1->len == 1 || r1->step == r2->step;
    }
    if (x->kind == O_INST || y->kind == O_INST || x->kind == O_NATIVE || y->kind == O_NATIVE) goto dispatch;
    return 0;
  }
dispatch: {
    Value r = rt_compare(vm, CMP_EQ, a, b);
    if (IS_ERR(r)) return -1;
    int t = rt_truthy(vm, r);
    v_decref(vm, r);
    return t;
  }
}

/* ----- repr ----- */

Str *str_repr_of(VM *vm, Str *s) {
  bool has_sq = memchr(s->s, '\'', (size_t)s->len) != NULL;
  bool has_dq = memchr(s->s, '"', (size_t)s->len) != NULL;
  char q = (has_sq && !has_dq) ? '"' : '\'';
  Buf b = {0};
  buf_putc(&b, q);
  for (int64_t i = 0; i < s->len; i++) {
    unsigned char c = (unsigned char)s->s[i];
    if (c == (unsigned char)q || c == '\\') { buf_putc(&b, '\\'); buf_putc(&b, (char)c); }
    else if (c == '\n') buf_puts(&b, "\\n");
    else if (c == '\r') buf_puts(&b, "\\r");
    else if (c == '\t') buf_puts(&b, "\\t");
    else if (c < 0x20 || c == 0x7f) buf_printf(&b, "\\x%02x", c);
    else buf_putc(&b, (char)c);
  }
  buf_putc(&b, q);
  return buf_to_str(vm, &b);
}

static bool repr_enter(VM *vm, Value *v) {
  for (int i = 0; i < vm->nrepr; i++)
    if (vm->repr_stack[i]->u.o == v->u.o) return false;
  if (vm->nrepr < 1024) vm->repr_stack[vm->nrepr++] = v;
  return true;
}
static void repr_leave(VM *vm) { if (vm->nrepr > 0) vm->nrepr--; }

static int repr_into(VM *vm, Buf *b, Value v) {
  Str *s = rt_repr(vm, v);
  if (!s) return -1;
  buf_put(b, s->s, s->len);
  OBJ_DECREF(vm, s);
  return 0;
}

static int repr_seq(VM *vm, Buf *b, Value *items, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    if (i) buf_puts(b, ", ");
    if (repr_into(vm, b, items[i]) < 0) return -1;
  }
  return 0;
}

static Str *repr_container(VM *vm, Value v) {
  Obj *o = v.u.o;
  Buf b = {0};
  int rc = 0;
  if (vm->nrepr >= 1000) { rt_raise(vm, EX_RecursionError, "maximum recursion depth exceeded while getting the repr of an object"); return NULL; }
  if (!repr_enter(vm, &v)) {
    return str_cstr(vm, o->kind == O_LIST ? "[...]" : "{...}");
  }
  switch (o->kind) {
  case O_LIST: {
    List *l = (List *)o;
    buf_putc(&b, '[');
    for (int64_t i = 0; i < l->n && rc == 0; i++) {
      if (i) buf_puts(&b, ", ");
      rc = repr_into(vm, &b, l->v[i]);
    }
    buf_putc(&b, ']');
    break;
  }
  case O_TUPLE: {
    Tuple *t = (Tuple *)o;
    buf_putc(&b, '(');
    rc = repr_seq(vm, &b, t->v, t->n);
    if (t->n == 1) buf_putc(&b, ',');
    buf_putc(&b, ')');
    break;
  }
  case O_DICT: {
    Dict *d = (Dict *)o;
    int64_t pos = 0;
    Value k, val;
    bool first = true;
    buf_putc(&b, '{');
    while (rc == 0 && dict_next(d, &pos, &k, &val)) {
      if (!first) buf_puts(&b, ", ");
      first = false;
      rc = repr_into(vm, &b, k);
      buf_puts(&b, ": ");
      if (rc == 0) rc = repr_into(vm, &b, val);
    }
    buf_putc(&b, '}');
    break;
  }
  case O_SET: {
    Set *s = (Set *)o;
    if (s->used == 0) { buf_puts(&b, "set()"); break; }
    int64_t pos = 0;
    Value k;
    bool first = true;
    buf_putc(&b, '{');
    while (rc == 0 && set_next(s, &pos, &k)) {
      if (!first) buf_puts(&b, ", ");
      first = false;
      rc = repr_into(vm, &b, k);
    }
    buf_putc(&b, '}');
    break;
  }
  case O_DICTVIEW: {
    DictView *dv = (DictView *)o;
    buf_puts(&b, dv->which == DV_KEYS ? "dict_keys([" : dv->which == DV_VALUES ? "dict_values([" : "dict_items([");
    int64_t pos = 0;
    Value k, val;
    bool first = true;
    while (rc == 0 && dict_next(dv->d, &pos, &k, &val)) {
      if (!first) buf_puts(&b, ", ");
      first = false;
      if (dv->which == DV_KEYS) rc = repr_into(vm, &b, k);
      else if (dv->which == DV_VALUES) rc = repr_into(vm, &b, val);
      else {
        buf_putc(&b, '(');
        rc = repr_into(vm, &b, k);
        buf_puts(&b, ", ");
        if (rc == 0) rc = repr_into(vm, &b, val);
        buf_putc(&b, ')');
      }
    }
    buf_puts(&b, "])");
    break;
  }
  default: break;
  }
  repr_leave(vm);
  if (rc < 0) { free(b.p); return NULL; }
  return buf_to_str(vm, &b);
}

Str *exc_str(VM *vm, Value exc) {
  Inst *in = (Inst *)exc.u.o;
  if (in->args.tag != V_OBJ) return str_cstr(vm, "");
  Tuple *a = (Tuple *)in->args.u.o;
  if (a->n == 0) return str_cstr(vm, "");
  if (a->n == 1) {
    if (class_is_sub(in->h.cls, vm->exc[EX_KeyError])) return rt_repr(vm, a->v[0]);
    return rt_str(vm, a->v[0]);
  }
  return rt_repr(vm, in->args);
}

Str *rt_repr(VM *vm, Value v) {
  char buf[128];
  switch (v.tag) {
  case V_NONE: return str_cstr(vm, "None");
  case V_BOOL: return str_cstr(vm, v.u.i ? "True" : "False");
  case V_INT: snprintf(buf, sizeof buf, "%lld", (long long)v.u.i); return str_cstr(vm, buf);
  case V_FLOAT: float_repr(v.u.f, buf, sizeof buf); return str_cstr(vm, buf);
  case V_OBJ: break;
  default: return str_cstr(vm, "<NULL>");
  }
  Obj *o = v.u.o;
  switch (o->kind) {
  case O_STR: return str_repr_of(vm, (Str *)o);
  case O_LIST: case O_TUPLE: case O_DICT: case O_SET: case O_DICTVIEW: return repr_container(vm, v);
  case O_RANGE: {
    Range *r = (Range *)o;
    if (r->step == 1) snprintf(buf, sizeof buf, "range(%lld, %lld)", (long long)r->start, (long long)r->stop);
    else snprintf(buf, sizeof buf, "range(%lld, %lld, %lld)", (long long)r->start, (long long)r->stop, (long long)r->step);
    return str_cstr(vm, buf);
  }
  case O_SLICE: {
    Slice *s = (Slice *)o;
    Buf b = {0};
    buf_puts(&b, "slice(");
    Value parts[3] = {s->start, s->stop, s->step};
    if (repr_seq(vm, &b, parts, 3) < 0) { free(b.p); return NULL; }
    buf_putc(&b, ')');
    return buf_to_str(vm, &b);
  }
  case O_FUNC: {
    Func *f = (Func *)o;
    Buf b = {0};
    buf_printf(&b, "<function %s at %p>", f->code->qualname->s, (void *)f);
    return buf_to_str(vm, &b);
  }
  case O_NATFUNC: {
    NatFunc *f = (NatFunc *)o;
    Buf b = {0};
    if (f->self.tag != V_NULL) buf_printf(&b, "<built-in method %s of %s object at %p>", f->name, rt_type_name(vm, f->self), (void *)f);
    else buf_printf(&b, "<built-in function %s>", f->name);
    return buf_to_str(vm, &b);
  }
  case O_BOUND: {
    Bound *bm = (Bound *)o;
    Buf b = {0};
    const char *qn = bm->func.tag == V_OBJ && bm->func.u.o->kind == O_FUNC ? ((Func *)bm->func.u.o)->code->qualname->s
                   : bm->func.tag == V_OBJ && bm->func.u.o->kind == O_NATFUNC ? ((NatFunc *)bm->func.u.o)->name : "?";
    if (bm->func.tag == V_OBJ && bm->func.u.o->kind == O_NATFUNC) {
      buf_printf(&b, "<built-in method %s of %s object at %p>", qn, rt_type_name(vm, bm->self), (void *)bm->self.u.o);
      return buf_to_str(vm, &b);
    }
    buf_printf(&b, "<bound method %s of ", qn);
    if (repr_into(vm, &b, bm->self) < 0) { free(b.p); return NULL; }
    buf_putc(&b, '>');
    return buf_to_str(vm, &b);
  }
  case O_CLASS: {
    Class *c = (Class *)o;
    Buf b = {0};
    if (strcmp(c->module, "builtins") == 0) buf_printf(&b, "<class '%s'>", c->name->s);
    else buf_printf(&b, "<class '%s.%s'>", c->module, c->name->s);
    return buf_to_str(vm, &b);
  }
  case O_MODULE: {
    Buf b = {0};
    buf_printf(&b, "<module '%s' (built-in)>", ((Module *)o)->name->s);
    return buf_to_str(vm, &b);
  }
  case O_CELL: return str_cstr(vm, "<cell>");
  case O_INST: case O_NATIVE: {
    Value m = class_lookup(o->cls, vm->s_repr);
    if (m.tag != V_NULL) {
      Value r = rt_call_method(vm, v, vm->s_repr, NULL, 0);
      if (IS_ERR(r)) return NULL;
      if (r.tag != V_OBJ || r.u.o->kind != O_STR) {
        rt_raise(vm, EX_TypeError, "__repr__ returned non-string (type %s)", rt_type_name(vm, r));
        v_decref(vm, r);
        return NULL;
      }
      return (Str *)r.u.o;
    }
    if (o->kind == O_INST && o->cls->is_exc) {
      Inst *in = (Inst *)o;
      Buf b = {0};
      buf_puts(&b, o->cls->name->s);
      if (in->args.tag == V_OBJ && ((Tuple *)in->args.u.o)->n == 1) {
        buf_putc(&b, '(');
        if (repr_into(vm, &b, ((Tuple *)in->args.u.o)->v[0]) < 0) { free(b.p); return NULL; }
        buf_putc(&b, ')');
      } else if (in->args.tag == V_OBJ) {
        if (repr_into(vm, &b, in->args) < 0) { free(b.p); return NULL; }
      } else {
        buf_puts(&b, "()");
      }
      return buf_to_str(vm, &b);
    }
    Buf b = {0};
    if (strcmp(o->cls->module, "builtins") == 0) buf_printf(&b, "<%s object at %p>", o->cls->name->s, (void *)o);
    else buf_printf(&b, "<%s.%s object at %p>", o->cls->module, o->cls->name->s, (void *)o);
    return buf_to_str(vm, &b);
  }
  case O_WRAP: {
    Buf b = {0};
    buf_printf(&b, "<%s object at %p>", o->cls->name->s, (void *)o);
    return buf_to_str(vm, &b);
  }
  case O_ITER: {
    Buf b = {0};
    buf_printf(&b, "<%s object at %p>", o->cls->name->s, (void *)o);
    return buf_to_str(vm, &b);
  }
  default: return str_cstr(vm, "<object>");
  }
}

Str *rt_str(VM *vm, Value v) {
  if (v.tag == V_OBJ) {
    Obj *o = v.u.o;
    if (o->kind == O_STR) { OBJ_INCREF(o); return (Str *)o; }
    if (o->kind == O_INST || o->kind == O_NATIVE) {
      Value m = class_lookup(o->cls, vm->s_str);
      if (m.tag != V_NULL) {
        Value r = rt_call_method(vm, v, vm->s_str, NULL, 0);
        if (IS_ERR(r)) return NULL;
        if (r.tag != V_OBJ || r.u.o->kind != O_STR) {
          rt_raise(vm, EX_TypeError, "__str__ returned non-string (type %s)", rt_type_name(vm, r));
          v_decref(vm, r);
          return NULL;
        }
        return (Str *)r.u.o;
      }
      if (o->kind == O_INST && o->cls->is_exc && class_lookup(o->cls, vm->s_repr).tag == V_NULL) return exc_str(vm, v);
    }
  }
  return rt_repr(vm, v);
}
