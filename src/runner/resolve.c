/* resolve.c — scope analysis after parsing: which names are locals (frame slots), cells (locals a
 * nested function captures), free variables (the closure) or globals; CPython's rules, so a name
 * assigned anywhere in a function is local everywhere in it. Comprehension variables get hidden
 * slots of the enclosing scope, so they do not leak, as in Python 3. */
#include "parse.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SK_MODULE, SK_FUNC, SK_CLASS };

typedef struct StrVec { Str **v; int n, cap; } StrVec;
typedef struct CompVar { Str *name; int slot; } CompVar;

typedef struct Scope {
  struct Scope *parent;
  Code *code;
  int kind;
  StrVec locals;       /* slot names */
  uint8_t *cell, *hidden; int capflags;
  StrVec globals, nonlocals, classnames;
  Node **refs; int nrefs, caprefs;
  CompVar comp[128]; int ncomp;
  StrVec free; FreeRef *freeref; int capfree;
} Scope;

typedef struct R { VM *vm; SyntaxErr *err; jmp_buf jb; } R;

static _Noreturn void rerr(R *r, Node *at, const char *fmt, const char *name) {
  snprintf(r->err->msg, sizeof r->err->msg, fmt, name);
  r->err->line = at ? at->line : 1;
  r->err->col = at ? at->col + 1 : 1;
  r->err->end_col = r->err->col + 1;
  longjmp(r->jb, 1);
}

static void sv_push(R *r, StrVec *v, Str *s) {
  if (v->n == v->cap) {
    int nc = v->cap ? v->cap * 2 : 8;
    Str **nv = realloc(v->v, sizeof(Str *) * (size_t)nc);
    if (!nv) rerr(r, NULL, "%s", "out of memory");
    v->v = nv;
    v->cap = nc;
  }
  v->v[v->n++] = s;
}
static int sv_find(StrVec *v, Str *s) {
  for (int i = 0; i < v->n; i++) if (v->v[i] == s) return i;
  return -1;
}

static int add_slot(R *r, Scope *s, Str *name, bool hidden) {
  sv_push(r, &s->locals, name);
  if (s->locals.n > s->capflags) {
    int nc = s->capflags ? s->capflags * 2 : 16;
    while (nc < s->locals.n) nc *= 2;
    uint8_t *c = realloc(s->cell, (size_t)nc), *h;
    if (!c) rerr(r, NULL, "%s", "out of memory");
    s->cell = c;
    h = realloc(s->hidden, (size_t)nc);
    if (!h) rerr(r, NULL, "%s", "out of memory");
    s->hidden = h;
    memset(s->cell + s->capflags, 0, (size_t)(nc - s->capflags));
    memset(s->hidden + s->capflags, 0, (size_t)(nc - s->capflags));
    s->capflags = nc;
  }
  s->hidden[s->locals.n - 1] = hidden;
  return s->locals.n - 1;
}

static int find_local(Scope *s, Str *name) {
  for (int i = 0; i < s->locals.n; i++) if (s->locals.v[i] == name && !s->hidden[i]) return i;
  return -1;
}

static void add_ref(R *r, Scope *s, Node *n) {
  if (s->nrefs == s->caprefs) {
    int nc = s->caprefs ? s->caprefs * 2 : 32;
    Node **nv = realloc(s->refs, sizeof(Node *) * (size_t)nc);
    if (!nv) rerr(r, NULL, "%s", "out of memory");
    s->refs = nv;
    s->caprefs = nc;
  }
  s->refs[s->nrefs++] = n;
}

static int add_free(R *r, Scope *s, Str *name, bool from_cell, int index) {
  sv_push(r, &s->free, name);
  if (s->free.n > s->capfree) {
    int nc = s->capfree ? s->capfree * 2 : 8;
    FreeRef *nf = realloc(s->freeref, sizeof(FreeRef) * (size_t)nc);
    if (!nf) rerr(r, NULL, "%s", "out of memory");
    s->freeref = nf;
    s->capfree = nc;
  }
  s->freeref[s->free.n - 1].from_cell_slot = from_cell;
  s->freeref[s->free.n - 1].index = index;
  return s->free.n - 1;
}

static int resolve_free(R *r, Scope *s, Str *name) {
  int i = sv_find(&s->free, name);
  if (i >= 0) return i;
  Scope *p = s->parent;
  if (!p) return -1;
  if (p->kind != SK_FUNC) {
    for (int k = p->ncomp - 1; k >= 0; k--)
      if (p->comp[k].name == name) {
        p->cell[p->comp[k].slot] = 1;
        return add_free(r, s, name, true, p->comp[k].slot);
      }
  }
  if (p->kind == SK_MODULE) return -1;
  if (p->kind == SK_FUNC) {
    for (int k = p->ncomp - 1; k >= 0; k--)
      if (p->comp[k].name == name) {
        p->cell[p->comp[k].slot] = 1;
        return add_free(r, s, name, true, p->comp[k].slot);
      }
    if (sv_find(&p->globals, name) >= 0) return -1;
    int li = sv_find(&p->nonlocals, name) >= 0 ? -1 : find_local(p, name);
    if (li >= 0) {
      p->cell[li] = 1;
      return add_free(r, s, name, true, li);
    }
  }
  int j = resolve_free(r, p, name);
  if (j < 0) return -1;
  return add_free(r, s, name, false, j);
}

static void resolve_name(R *r, Scope *s, Node *n, bool store) {
  Str *name = n->name;
  for (int k = s->ncomp - 1; k >= 0; k--)
    if (s->comp[k].name == name) {
      n->scope = SC_LOCAL;
      n->slot = s->comp[k].slot;
      add_ref(r, s, n);
      return;
    }
  switch (s->kind) {
  case SK_MODULE:
    n->scope = SC_GLOBAL;
    return;
  case SK_CLASS: {
    if (sv_find(&s->globals, name) >= 0) { n->scope = SC_GLOBAL; return; }
    bool nonl = sv_find(&s->nonlocals, name) >= 0;
    if (!nonl && (store || sv_find(&s->classnames, name) >= 0)) { n->scope = SC_CLASS; return; }
    int j = resolve_free(r, s, name);
    if (j >= 0) { n->scope = SC_FREE; n->slot = j; return; }
    if (nonl) rerr(r, n, "no binding for nonlocal '%s' found", name->s);
    n->scope = SC_CLASS;
    return;
  }
  default: {
    if (sv_find(&s->globals, name) >= 0) { n->scope = SC_GLOBAL; return; }
    bool nonl = sv_find(&s->nonlocals, name) >= 0;
    int li = nonl ? -1 : find_local(s, name);
    if (li >= 0) {
      n->scope = SC_LOCAL;
      n->slot = li;
      add_ref(r, s, n);
      return;
    }
    int j = resolve_free(r, s, name);
    if (j >= 0) { n->scope = SC_FREE; n->slot = j; return; }
    if (nonl) rerr(r, n, "no binding for nonlocal '%s' found", name->s);
    n->scope = SC_GLOBAL;
  }
  }
}

/* ----- pass 1: which names does this scope bind? ----- */

static void declare(R *r, Scope *s, Str *name) {
  if (s->kind == SK_MODULE) return;
  if (sv_find(&s->globals, name) >= 0 || sv_find(&s->nonlocals, name) >= 0) return;
  if (s->kind == SK_CLASS) {
    if (sv_find(&s->classnames, name) < 0) sv_push(r, &s->classnames, name);
    return;
  }
  if (find_local(s, name) < 0) add_slot(r, s, name, false);
}

static void collect_target(R *r, Scope *s, Node *t) {
  if (!t) return;
  switch (t->kind) {
  case E_NAME: declare(r, s, t->name); break;
  case E_TUPLE: case E_LIST: for (int i = 0; i < t->l1.n; i++) collect_target(r, s, t->l1.v[i]); break;
  case E_STARRED: collect_target(r, s, t->a); break;
  default: break;
  }
}

static void collect(R *r, Scope *s, NodeList *body, bool decls) {
  for (int i = 0; i < body->n; i++) {
    Node *n = body->v[i];
    if (!n) continue;
    switch (n->kind) {
    case S_GLOBAL: case S_NONLOCAL:
      if (decls) {
        if (n->kind == S_NONLOCAL && s->kind == SK_MODULE) rerr(r, n, "%s", "nonlocal declaration not allowed at module level");
        for (int k = 0; k < n->l1.n; k++) {
          Str *nm = n->l1.v[k]->name;
          if (n->kind == S_GLOBAL && sv_find(&s->nonlocals, nm) >= 0) rerr(r, n, "name '%s' is nonlocal and global", nm->s);
          if (n->kind == S_NONLOCAL && sv_find(&s->globals, nm) >= 0) rerr(r, n, "name '%s' is nonlocal and global", nm->s);
          if (s->kind == SK_FUNC && n->kind == S_NONLOCAL) {
            for (int q = 0; q < s->code->nslots; q++)
              if (s->code->slotnames[q] == nm) rerr(r, n, "name '%s' is parameter and nonlocal", nm->s);
          }
          if (s->kind == SK_FUNC && n->kind == S_GLOBAL) {
            for (int q = 0; q < s->code->nslots; q++)
              if (s->code->slotnames[q] == nm) rerr(r, n, "name '%s' is parameter and global", nm->s);
          }
          sv_push(r, n->kind == S_GLOBAL ? &s->globals : &s->nonlocals, nm);
        }
      }
      break;
    case S_ASSIGN: if (!decls) for (int k = 0; k < n->l1.n; k++) collect_target(r, s, n->l1.v[k]); break;
    case S_AUGASSIGN: if (!decls) collect_target(r, s, n->a); break;
    case S_FOR: if (!decls) collect_target(r, s, n->a); collect(r, s, &n->l1, decls); collect(r, s, &n->l2, decls); break;
    case S_IF: case S_WHILE: collect(r, s, &n->l1, decls); collect(r, s, &n->l2, decls); break;
    case S_TRY:
      collect(r, s, &n->l1, decls);
      collect(r, s, &n->l2, decls);
      for (int k = 0; k < n->l3.n; k++) {
        if (!decls) collect_target(r, s, n->l3.v[k]->b);
        collect(r, s, &n->l3.v[k]->l1, decls);
      }
      if (n->a) collect(r, s, &n->a->l1, decls);
      break;
    case S_WITH:
      if (!decls) for (int k = 0; k < n->l2.n; k++) collect_target(r, s, n->l2.v[k]->b);
      collect(r, s, &n->l1, decls);
      break;
    case S_DEF: case S_CLASS: if (!decls) collect_target(r, s, n->c); break;
    case S_IMPORT: case S_FROMIMPORT:
      if (!decls) for (int k = 0; k < n->l1.n; k++) collect_target(r, s, n->l1.v[k]->a);
      break;
    case S_DEL: if (!decls) for (int k = 0; k < n->l1.n; k++) collect_target(r, s, n->l1.v[k]); break;
    default: break;
    }
  }
}

/* ----- pass 2 ----- */

static void r_expr(R *r, Scope *s, Node *n);
static void r_block(R *r, Scope *s, NodeList *b);

static void r_target(R *r, Scope *s, Node *t) {
  if (!t) return;
  switch (t->kind) {
  case E_NAME: resolve_name(r, s, t, true); break;
  case E_TUPLE: case E_LIST: for (int i = 0; i < t->l1.n; i++) r_target(r, s, t->l1.v[i]); break;
  case E_STARRED: r_target(r, s, t->a); break;
  case E_ATTR: r_expr(r, s, t->a); break;
  case E_SUBSCRIPT: r_expr(r, s, t->a); r_expr(r, s, t->b); break;
  default: r_expr(r, s, t); break;
  }
}

static void *arena_copy(R *r, const void *src, size_t n) {
  void *p = arena_alloc(r->vm, n ? n : 1);
  if (!p) rerr(r, NULL, "%s", "out of memory");
  if (n) memcpy(p, src, n);
  return p;
}

static Str *make_qualname(R *r, Scope *parent, Str *name) {
  if (!parent || parent->kind == SK_MODULE) return name;
  char buf[512];
  snprintf(buf, sizeof buf, "%s%s%s", parent->code->qualname->s, parent->kind == SK_FUNC ? ".<locals>." : ".", name->s);
  Str *q = str_intern_cstr(r->vm, buf);
  if (!q) rerr(r, NULL, "%s", "out of memory");
  return q;
}

static void finish_scope(R *r, Scope *s) {
  Code *c = s->code;
  c->nslots = s->locals.n;
  c->slotnames = arena_copy(r, s->locals.v, sizeof(Str *) * (size_t)s->locals.n);
  c->is_cell = arena_copy(r, s->cell, (size_t)s->locals.n);
  c->nfree = s->free.n;
  c->free = arena_copy(r, s->freeref, sizeof(FreeRef) * (size_t)s->free.n);
  c->freenames = arena_copy(r, s->free.v, sizeof(Str *) * (size_t)s->free.n);
  for (int i = 0; i < s->nrefs; i++)
    if (s->cell[s->refs[i]->slot]) s->refs[i]->scope = SC_CELL;
}

static void scope_free(Scope *s) {
  free(s->locals.v); free(s->cell); free(s->hidden); free(s->globals.v); free(s->nonlocals.v);
  free(s->classnames.v); free(s->refs); free(s->free.v); free(s->freeref);
}

static void r_function(R *r, Scope *parent, Code *c, bool is_class) {
  Scope *s = calloc(1, sizeof(Scope));
  if (!s) rerr(r, NULL, "%s", "out of memory");
  s->parent = parent;
  s->code = c;
  s->kind = is_class ? SK_CLASS : SK_FUNC;
  c->qualname = make_qualname(r, parent, c->name);
  /* parameters occupy the first slots, in the parser's order */
  for (int i = 0; i < c->nslots; i++) add_slot(r, s, c->slotnames[i], false);
  jmp_buf saved;
  memcpy(saved, r->jb, sizeof saved);
  if (setjmp(r->jb)) {
    scope_free(s);
    free(s);
    memcpy(r->jb, saved, sizeof saved);
    longjmp(r->jb, 1);
  }
  collect(r, s, &c->body, true);
  collect(r, s, &c->body, false);
  if (c->expr) r_expr(r, s, c->expr);
  r_block(r, s, &c->body);
  finish_scope(r, s);
  memcpy(r->jb, saved, sizeof saved);
  scope_free(s);
  free(s);
}

static void r_comprehension(R *r, Scope *s, Node *n) {
  int saved = s->ncomp;
  for (int g = 0; g < n->l1.n; g++) {
    Node *f = n->l1.v[g];
    r_expr(r, s, f->b);
    /* bind this generator's target names to fresh hidden slots */
    Node *stack[64];
    int sp = 0;
    stack[sp++] = f->a;
    while (sp) {
      Node *t = stack[--sp];
      if (t->kind == E_NAME) {
        if (s->ncomp >= 128) rerr(r, t, "%s", "too many nested comprehensions");
        s->comp[s->ncomp].name = t->name;
        s->comp[s->ncomp].slot = add_slot(r, s, t->name, true);
        s->ncomp++;
      } else if (t->kind == E_TUPLE || t->kind == E_LIST) {
        for (int i = t->l1.n - 1; i >= 0 && sp < 64; i--) stack[sp++] = t->l1.v[i];
      } else if (t->kind == E_STARRED && sp < 64) {
        stack[sp++] = t->a;
      }
    }
    r_target(r, s, f->a);
    for (int i = 0; i < f->l1.n; i++) r_expr(r, s, f->l1.v[i]);
  }
  r_expr(r, s, n->a);
  r_expr(r, s, n->b);
  s->ncomp = saved;
}

static void r_list(R *r, Scope *s, NodeList *l) {
  for (int i = 0; i < l->n; i++) if (l->v[i]) r_expr(r, s, l->v[i]);
}

static void r_expr(R *r, Scope *s, Node *n) {
  if (!n) return;
  switch (n->kind) {
  case E_NAME: resolve_name(r, s, n, false); return;
  case E_CONST: return;
  case E_LAMBDA:
    r_list(r, s, &n->code->defaults);
    r_list(r, s, &n->code->kwdefaults);
    r_function(r, s, n->code, false);
    return;
  case E_LISTCOMP: case E_SETCOMP: case E_DICTCOMP: case E_GENEXP:
    r_comprehension(r, s, n);
    return;
  case E_YIELD:
    if (s->kind != SK_FUNC) rerr(r, n, "%s", "'yield' outside function");
    s->code->is_gen = true;
    r_expr(r, s, n->a);
    return;
  case E_NAMEDEXPR:
    r_expr(r, s, n->b);
    if (s->kind == SK_FUNC && find_local(s, n->a->name) < 0 && sv_find(&s->globals, n->a->name) < 0 &&
        sv_find(&s->nonlocals, n->a->name) < 0)
      add_slot(r, s, n->a->name, false);
    r_target(r, s, n->a);
    return;
  default:
    r_expr(r, s, n->a);
    r_expr(r, s, n->b);
    r_expr(r, s, n->c);
    r_list(r, s, &n->l1);
    r_list(r, s, &n->l2);
    r_list(r, s, &n->l3);
  }
}

static void r_stmt(R *r, Scope *s, Node *n) {
  switch (n->kind) {
  case S_EXPR: r_expr(r, s, n->a); break;
  case S_ASSIGN:
    r_expr(r, s, n->a);
    for (int i = 0; i < n->l1.n; i++) r_target(r, s, n->l1.v[i]);
    break;
  case S_AUGASSIGN: r_target(r, s, n->a); r_expr(r, s, n->b); break;
  case S_IF: case S_WHILE: r_expr(r, s, n->a); r_block(r, s, &n->l1); r_block(r, s, &n->l2); break;
  case S_FOR: r_expr(r, s, n->b); r_target(r, s, n->a); r_block(r, s, &n->l1); r_block(r, s, &n->l2); break;
  case S_RETURN:
    if (s->kind != SK_FUNC) rerr(r, n, "%s", "'return' outside function");
    r_expr(r, s, n->a);
    if (s->code->is_gen && n->a && n->a->kind == E_YIELD) break;
    break;
  case S_RAISE: r_expr(r, s, n->a); r_expr(r, s, n->b); break;
  case S_DEF: case S_CLASS:
    r_list(r, s, &n->code->decorators);
    r_list(r, s, &n->code->defaults);
    r_list(r, s, &n->code->kwdefaults);
    r_list(r, s, &n->l1);
    r_function(r, s, n->code, n->kind == S_CLASS);
    r_target(r, s, n->c);
    break;
  case S_TRY:
    r_block(r, s, &n->l1);
    for (int i = 0; i < n->l3.n; i++) {
      Node *h = n->l3.v[i];
      r_expr(r, s, h->a);
      r_target(r, s, h->b);
      r_block(r, s, &h->l1);
    }
    r_block(r, s, &n->l2);
    if (n->a) r_block(r, s, &n->a->l1);
    break;
  case S_WITH:
    for (int i = 0; i < n->l2.n; i++) { r_expr(r, s, n->l2.v[i]->a); r_target(r, s, n->l2.v[i]->b); }
    r_block(r, s, &n->l1);
    break;
  case S_IMPORT: case S_FROMIMPORT:
    if (n->kind == S_FROMIMPORT && n->flag && s->kind != SK_MODULE) rerr(r, n, "%s", "import * only allowed at module level");
    for (int i = 0; i < n->l1.n; i++) r_target(r, s, n->l1.v[i]->a);
    break;
  case S_ASSERT: r_expr(r, s, n->a); r_expr(r, s, n->b); break;
  case S_DEL: for (int i = 0; i < n->l1.n; i++) r_target(r, s, n->l1.v[i]); break;
  case S_BREAK: case S_CONTINUE: case S_PASS: case S_GLOBAL: case S_NONLOCAL: break;
  default: r_expr(r, s, n); break;
  }
}

static void r_block(R *r, Scope *s, NodeList *b) {
  for (int i = 0; i < b->n; i++) if (b->v[i]) r_stmt(r, s, b->v[i]);
}

/* break/continue outside a loop are syntax errors */
static int check_loops(R *r, NodeList *b, bool in_loop) {
  for (int i = 0; i < b->n; i++) {
    Node *n = b->v[i];
    if (!n) continue;
    switch (n->kind) {
    case S_BREAK: if (!in_loop) rerr(r, n, "%s", "'break' outside loop"); break;
    case S_CONTINUE: if (!in_loop) rerr(r, n, "%s", "'continue' not properly in loop"); break;
    case S_WHILE: case S_FOR: check_loops(r, &n->l1, true); check_loops(r, &n->l2, in_loop); break;
    case S_IF: check_loops(r, &n->l1, in_loop); check_loops(r, &n->l2, in_loop); break;
    case S_TRY:
      check_loops(r, &n->l1, in_loop); check_loops(r, &n->l2, in_loop);
      for (int k = 0; k < n->l3.n; k++) check_loops(r, &n->l3.v[k]->l1, in_loop);
      if (n->a) check_loops(r, &n->a->l1, in_loop);
      break;
    case S_WITH: check_loops(r, &n->l1, in_loop); break;
    case S_DEF: case S_CLASS: check_loops(r, &n->code->body, false); break;
    default: break;
    }
  }
  return 0;
}

int resolve_module(VM *vm, Code *module, SyntaxErr *err) {
  R r;
  r.vm = vm;
  r.err = err;
  Scope *s = calloc(1, sizeof(Scope));
  if (!s) { snprintf(err->msg, sizeof err->msg, "out of memory"); return -1; }
  s->kind = SK_MODULE;
  s->code = module;
  module->qualname = module->name;
  if (setjmp(r.jb)) {
    scope_free(s);
    free(s);
    return -1;
  }
  check_loops(&r, &module->body, false);
  collect(&r, s, &module->body, true);
  r_block(&r, s, &module->body);
  finish_scope(&r, s);
  scope_free(s);
  free(s);
  return 0;
}
