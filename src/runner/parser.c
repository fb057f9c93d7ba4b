/* parser.c — recursive descent from tokens to the AST (Python 3 grammar, the subset teaching code
 * uses). Nodes live in the interpreter's arena: functions defined by one run may be called by a
 * later one. Errors unwind with longjmp and carry CPython 3.11's messages. */
#include "parse.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Arena { struct Arena *next; size_t used, cap; char data[]; } Arena;

void *arena_alloc(VM *vm, size_t n) {
  n = (n + 15) & ~(size_t)15;
  Arena *a = vm->arena;
  if (!a || a->used + n > a->cap) {
    size_t cap = n > 65536 ? n : 65536;
    a = malloc(sizeof(Arena) + cap);
    if (!a) return NULL;
    a->next = vm->arena;
    a->used = 0;
    a->cap = cap;
    vm->arena = a;
  }
  void *p = a->data + a->used;
  a->used += n;
  memset(p, 0, n);
  return p;
}

void arena_free_all(VM *vm) {
  while (vm->arena) {
    Arena *n = vm->arena->next;
    free(vm->arena);
    vm->arena = n;
  }
}

typedef struct P {
  VM *vm;
  Token *t;
  int pos, n;
  SyntaxErr *err;
  jmp_buf jb;
  int depth;
} P;

static _Noreturn void perr_at(P *p, Token *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static _Noreturn void perr_at(P *p, Token *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
  va_end(ap);
  p->err->line = t->line;
  p->err->col = t->col + 1;
  p->err->end_col = t->end_col + 1;
  longjmp(p->jb, 1);
}

static void *palloc(P *p, size_t n) {
  void *r = arena_alloc(p->vm, n);
  if (!r) perr_at(p, &p->t[p->pos], "out of memory");
  return r;
}

static void push(P *p, NodeList *l, Node *n) {
  if (l->n == l->cap) {
    int nc = l->cap ? l->cap * 2 : 4;
    Node **nv = palloc(p, sizeof(Node *) * (size_t)nc);
    if (l->n) memcpy(nv, l->v, sizeof(Node *) * (size_t)l->n);
    l->v = nv;
    l->cap = nc;
  }
  l->v[l->n++] = n;
}

static Node *mknode(P *p, int kind, Token *t) {
  Node *n = palloc(p, sizeof(Node));
  n->kind = (uint8_t)kind;
  n->line = t->line;
  n->col = t->col;
  n->slot = -1;
  return n;
}

static Token *cur(P *p) { return &p->t[p->pos]; }
static Token *next(P *p) { Token *t = &p->t[p->pos]; if (t->type != T_EOF) p->pos++; return t; }
static bool is_op(P *p, const char *op) { Token *t = cur(p); return t->type == T_OP && strcmp(t->op, op) == 0; }
static bool is_kw(P *p, const char *kw) {
  Token *t = cur(p);
  return t->type == T_NAME && t->s->len == (int64_t)strlen(kw) && memcmp(t->s->s, kw, t->s->len) == 0;
}
static bool accept_op(P *p, const char *op) { if (is_op(p, op)) { p->pos++; return true; } return false; }
static bool accept_kw(P *p, const char *kw) { if (is_kw(p, kw)) { p->pos++; return true; } return false; }
static _Noreturn void invalid(P *p) {
  Token *t = cur(p);
  if (t->type == T_INDENT) { p->err->indentation = true; perr_at(p, t, "unexpected indent"); }
  if (t->type == T_DEDENT) { p->err->indentation = true; perr_at(p, t, "unindent does not match any outer indentation level"); }
  perr_at(p, t, "invalid syntax");
}
static void expect_op(P *p, const char *op) {
  if (!accept_op(p, op)) {
    if (strcmp(op, ":") == 0) perr_at(p, cur(p), "expected ':'");
    invalid(p);
  }
}

static const char *const keywords[] = {"False", "None", "True", "and", "as", "assert", "async", "await",
  "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
  "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
  "return", "try", "while", "with", "yield", NULL};
static bool tok_is_keyword(Token *t) {
  if (t->type != T_NAME) return false;
  for (int i = 0; keywords[i]; i++)
    if ((int64_t)strlen(keywords[i]) == t->s->len && memcmp(keywords[i], t->s->s, t->s->len) == 0) return true;
  return false;
}
static Str *expect_name(P *p) {
  Token *t = cur(p);
  if (t->type != T_NAME || tok_is_keyword(t)) invalid(p);
  p->pos++;
  return t->s;
}

static Node *p_test(P *p);
static Node *p_expr(P *p);
static Node *p_or_test(P *p);
static Node *p_star_expr_or_test(P *p);
static void p_block(P *p, NodeList *body, const char *what, int line);
static Node *p_testlist_star(P *p, bool allow_star);
static Node *p_yield(P *p) {
  Token *t = next(p);
  Node *y = mknode(p, E_YIELD, t);
  if (accept_kw(p, "from")) { y->flag = 1; y->a = p_test(p); return y; }
  Token *c = cur(p);
  if (c->type != T_NEWLINE && !(c->type == T_OP && (strcmp(c->op, ")") == 0 || strcmp(c->op, ";") == 0 || strcmp(c->op, "=") == 0)))
    y->a = p_testlist_star(p, true);
  return y;
}
static Node *p_rhs(P *p) { return is_kw(p, "yield") ? p_yield(p) : p_testlist_star(p, true); }
static Node *p_atom_fstring(P *p, Token *t, const char *body, int64_t len, bool raw);

static void enter(P *p) {
  if (++p->depth > 400) perr_at(p, cur(p), "too many nested parentheses");
}

/* ----- expressions ----- */

static Node *p_comp_for(P *p, Node *comp) {
  /* comp->l1 receives E_COMPFOR nodes */
  while (is_kw(p, "for")) {
    Node *f = mknode(p, E_COMPFOR, next(p));
    /* target: exprlist */
    Node *first = p_expr(p);
    if (is_op(p, ",")) {
      Node *tup = mknode(p, E_TUPLE, cur(p));
      push(p, &tup->l1, first);
      while (accept_op(p, ",")) {
        if (is_kw(p, "in")) break;
        push(p, &tup->l1, p_expr(p));
      }
      first = tup;
    }
    f->a = first;
    if (!accept_kw(p, "in")) invalid(p);
    f->b = p_or_test(p);
    while (is_kw(p, "if")) {
      next(p);
      push(p, &f->l1, p_or_test(p));
    }
    push(p, &comp->l1, f);
  }
  return comp;
}

static Node *p_call(P *p, Node *fn, Token *lpar) {
  Node *c = mknode(p, E_CALL, lpar);
  c->line = fn->line;
  c->col = fn->col;
  c->a = fn;
  bool seen_kw = false;
  while (!is_op(p, ")")) {
    Token *t = cur(p);
    if (accept_op(p, "*")) {
      Node *s = mknode(p, E_STARRED, t);
      s->a = p_test(p);
      push(p, &c->l1, s);
    } else if (accept_op(p, "**")) {
      Node *s = mknode(p, E_DSTAR, t);
      s->a = p_test(p);
      push(p, &c->l2, s);
      seen_kw = true;
    } else if (t->type == T_NAME && p->t[p->pos + 1].type == T_OP && strcmp(p->t[p->pos + 1].op, "=") == 0) {
      Node *k = mknode(p, E_KEYWORD, t);
      k->name = expect_name(p);
      next(p);
      k->a = p_test(p);
      push(p, &c->l2, k);
      seen_kw = true;
    } else {
      Node *e = p_test(p);
      if (is_kw(p, "for")) {
        Node *g = mknode(p, E_GENEXP, t);
        g->a = e;
        p_comp_for(p, g);
        e = g;
      } else if (accept_op(p, ":=")) {
        perr_at(p, t, "invalid syntax");
      }
      if (seen_kw) perr_at(p, t, "positional argument follows keyword argument");
      push(p, &c->l1, e);
    }
    if (!accept_op(p, ",")) break;
  }
  expect_op(p, ")");
  return c;
}

static Node *p_subscript_item(P *p) {
  Token *t = cur(p);
  Node *lo = NULL, *hi = NULL, *st = NULL;
  if (!is_op(p, ":")) {
    lo = p_test(p);
    if (!is_op(p, ":")) return lo;
  }
  expect_op(p, ":");
  if (!is_op(p, ":") && !is_op(p, "]") && !is_op(p, ",")) hi = p_test(p);
  if (accept_op(p, ":")) {
    if (!is_op(p, "]") && !is_op(p, ",")) st = p_test(p);
  }
  Node *s = mknode(p, E_SLICE, t);
  s->a = lo;
  s->b = hi;
  s->c = st;
  return s;
}

static Node *p_atom(P *p) {
  Token *t = cur(p);
  switch (t->type) {
  case T_INT: { next(p); Node *n = mknode(p, E_CONST, t); n->v = v_int(t->i); return n; }
  case T_FLOAT: { next(p); Node *n = mknode(p, E_CONST, t); n->v = v_float(t->f); return n; }
  case T_STRING: {
    /* adjacent literals concatenate; any f-string makes the whole an E_FSTRING */
    bool anyf = false;
    int k = p->pos;
    while (p->t[k].type == T_STRING) { if (p->t[k].fstr) anyf = true; k++; }
    if (!anyf) {
      if (k == p->pos + 1) {
        next(p);
        Node *n = mknode(p, E_CONST, t);
        OBJ_INCREF(t->s); /* the token list is freed after parsing */
        n->v = v_obj(t->s);
        return n;
      }
      Buf b = {0};
      while (cur(p)->type == T_STRING) { Token *s = next(p); buf_put(&b, s->s->s, s->s->len); }
      Node *n = mknode(p, E_CONST, t);
      Str *s = buf_to_str(p->vm, &b);
      if (!s) perr_at(p, t, "out of memory");
      n->v = v_obj(s);
      return n;
    }
    Node *f = mknode(p, E_FSTRING, t);
    while (cur(p)->type == T_STRING) {
      Token *s = next(p);
      if (s->fstr) {
        Node *part = p_atom_fstring(p, s, s->s->s, s->s->len, s->raw);
        for (int i = 0; i < part->l1.n; i++) push(p, &f->l1, part->l1.v[i]);
      } else {
        Node *c = mknode(p, E_CONST, s);
        OBJ_INCREF(s->s);
        c->v = v_obj(s->s);
        push(p, &f->l1, c);
      }
    }
    return f;
  }
  case T_NAME: {
    if (is_kw(p, "None")) { next(p); Node *n = mknode(p, E_CONST, t); n->v = VNONE; return n; }
    if (is_kw(p, "True")) { next(p); Node *n = mknode(p, E_CONST, t); n->v = v_bool(true); return n; }
    if (is_kw(p, "False")) { next(p); Node *n = mknode(p, E_CONST, t); n->v = v_bool(false); return n; }
    if (tok_is_keyword(t)) invalid(p);
    next(p);
    Node *n = mknode(p, E_NAME, t);
    n->name = t->s;
    return n;
  }
  case T_OP:
    if (accept_op(p, "(")) {
      enter(p);
      if (accept_op(p, ")")) { p->depth--; return mknode(p, E_TUPLE, t); }
      if (is_kw(p, "yield")) {
        Node *y = p_yield(p);
        expect_op(p, ")");
        p->depth--;
        return y;
      }
      Node *first = p_star_expr_or_test(p);
      if (accept_op(p, ":=")) {
        if (first->kind != E_NAME) perr_at(p, t, "cannot use assignment expressions with %s", "expression");
        Node *w = mknode(p, E_NAMEDEXPR, t);
        w->a = first;
        w->b = p_test(p);
        first = w;
      }
      if (is_kw(p, "for")) {
        Node *g = mknode(p, E_GENEXP, t);
        g->a = first;
        p_comp_for(p, g);
        expect_op(p, ")");
        p->depth--;
        return g;
      }
      if (accept_op(p, ")")) {
        p->depth--;
        if (first->kind == E_STARRED) perr_at(p, t, "cannot use starred expression here");
        first->flag |= 1; /* parenthesised */
        return first;
      }
      Node *tup = mknode(p, E_TUPLE, t);
      push(p, &tup->l1, first);
      while (accept_op(p, ",")) {
        if (is_op(p, ")")) break;
        push(p, &tup->l1, p_star_expr_or_test(p));
      }
      expect_op(p, ")");
      p->depth--;
      tup->flag |= 1;
      return tup;
    }
    if (accept_op(p, "[")) {
      enter(p);
      Node *l = mknode(p, E_LIST, t);
      if (accept_op(p, "]")) { p->depth--; return l; }
      Node *first = p_star_expr_or_test(p);
      if (is_kw(p, "for")) {
        l->kind = E_LISTCOMP;
        l->a = first;
        p_comp_for(p, l);
        expect_op(p, "]");
        p->depth--;
        return l;
      }
      push(p, &l->l1, first);
      while (accept_op(p, ",")) {
        if (is_op(p, "]")) break;
        push(p, &l->l1, p_star_expr_or_test(p));
      }
      expect_op(p, "]");
      p->depth--;
      return l;
    }
    if (accept_op(p, "{")) {
      enter(p);
      Node *d = mknode(p, E_DICT, t);
      if (accept_op(p, "}")) { p->depth--; return d; }
      if (accept_op(p, "**")) {
        push(p, &d->l1, NULL);
        push(p, &d->l2, p_expr(p));
      } else {
        Node *first = p_star_expr_or_test(p);
        if (accept_op(p, ":")) {
          Node *val = p_test(p);
          if (is_kw(p, "for")) {
            d->kind = E_DICTCOMP;
            d->a = first;
            d->b = val;
            p_comp_for(p, d);
            expect_op(p, "}");
            p->depth--;
            return d;
          }
          push(p, &d->l1, first);
          push(p, &d->l2, val);
        } else {
          d->kind = E_SET;
          if (is_kw(p, "for")) {
            d->kind = E_SETCOMP;
            d->a = first;
            p_comp_for(p, d);
            expect_op(p, "}");
            p->depth--;
            return d;
          }
          push(p, &d->l1, first);
          while (accept_op(p, ",")) {
            if (is_op(p, "}")) break;
            push(p, &d->l1, p_star_expr_or_test(p));
          }
          expect_op(p, "}");
          p->depth--;
          return d;
        }
      }
      while (accept_op(p, ",")) {
        if (is_op(p, "}")) break;
        if (accept_op(p, "**")) {
          push(p, &d->l1, NULL);
          push(p, &d->l2, p_expr(p));
          continue;
        }
        push(p, &d->l1, p_test(p));
        expect_op(p, ":");
        push(p, &d->l2, p_test(p));
      }
      expect_op(p, "}");
      p->depth--;
      return d;
    }
    if (accept_op(p, "...")) {
      Node *n = mknode(p, E_NAME, t);
      n->name = str_intern_cstr(p->vm, "Ellipsis");
      return n;
    }
    invalid(p);
  default:
    invalid(p);
  }
}

static Node *p_primary(P *p) {
  Node *e = p_atom(p);
  for (;;) {
    Token *t = cur(p);
    if (accept_op(p, "(")) {
      enter(p);
      e = p_call(p, e, t);
      p->depth--;
    } else if (accept_op(p, "[")) {
      enter(p);
      Node *s = mknode(p, E_SUBSCRIPT, t);
      s->line = e->line;
      s->col = e->col;
      s->a = e;
      Node *first = p_subscript_item(p);
      if (is_op(p, ",")) {
        Node *tup = mknode(p, E_TUPLE, t);
        push(p, &tup->l1, first);
        while (accept_op(p, ",")) {
          if (is_op(p, "]")) break;
          push(p, &tup->l1, p_subscript_item(p));
        }
        first = tup;
      }
      s->b = first;
      expect_op(p, "]");
      p->depth--;
      e = s;
    } else if (accept_op(p, ".")) {
      Node *a = mknode(p, E_ATTR, t);
      a->line = e->line;
      a->col = e->col;
      a->a = e;
      a->name = expect_name(p);
      e = a;
    } else {
      return e;
    }
  }
}

static Node *p_factor(P *p);
static Node *p_power(P *p) {
  Node *e = p_primary(p);
  Token *t = cur(p);
  if (accept_op(p, "**")) {
    Node *b = mknode(p, E_BINOP, t);
    b->line = e->line;
    b->col = e->col;
    b->op = OP_POW;
    b->a = e;
    b->b = p_factor(p);
    return b;
  }
  return e;
}

static Node *p_factor(P *p) {
  Token *t = cur(p);
  int op = -1;
  if (is_op(p, "-")) op = UOP_NEG;
  else if (is_op(p, "+")) op = UOP_POS;
  else if (is_op(p, "~")) op = UOP_INVERT;
  if (op >= 0) {
    next(p);
    enter(p);
    Node *u = mknode(p, E_UNARY, t);
    u->op = (uint8_t)op;
    u->a = p_factor(p);
    p->depth--;
    /* fold -literal so that -9223372036854775808 and constants stay cheap */
    if (op == UOP_NEG && u->a->kind == E_CONST && u->a->v.tag == V_FLOAT) { u->a->v.u.f = -u->a->v.u.f; u->a->line = t->line; u->a->col = t->col; return u->a; }
    if (op == UOP_NEG && u->a->kind == E_CONST && u->a->v.tag == V_INT && u->a->v.u.i > 0) { u->a->v.u.i = -u->a->v.u.i; u->a->line = t->line; u->a->col = t->col; return u->a; }
    return u;
  }
  return p_power(p);
}

typedef struct { const char *op; int code; } OpMap;
static Node *p_binary_level(P *p, int level);
static const OpMap level_ops[][6] = {
  {{"|", OP_OR}, {NULL, 0}},
  {{"^", OP_XOR}, {NULL, 0}},
  {{"&", OP_AND}, {NULL, 0}},
  {{"<<", OP_LSHIFT}, {">>", OP_RSHIFT}, {NULL, 0}},
  {{"+", OP_ADD}, {"-", OP_SUB}, {NULL, 0}},
  {{"*", OP_MUL}, {"/", OP_TRUEDIV}, {"//", OP_FLOORDIV}, {"%", OP_MOD}, {"@", OP_MATMUL}, {NULL, 0}},
};
static Node *p_binary_level(P *p, int level) {
  if (level == 6) return p_factor(p);
  Node *e = p_binary_level(p, level + 1);
  for (;;) {
    Token *t = cur(p);
    if (t->type != T_OP) return e;
    int code = -1;
    for (int k = 0; level_ops[level][k].op; k++)
      if (strcmp(t->op, level_ops[level][k].op) == 0) code = level_ops[level][k].code;
    if (code < 0) return e;
    next(p);
    Node *b = mknode(p, E_BINOP, t);
    b->line = e->line;
    b->col = e->col;
    b->op = (uint8_t)code;
    b->a = e;
    b->b = p_binary_level(p, level + 1);
    e = b;
  }
}
static Node *p_expr(P *p) { return p_binary_level(p, 0); }

static int comp_op(P *p) {
  Token *t = cur(p);
  if (t->type == T_OP) {
    static const char *const ops[] = {"<", "<=", "==", "!=", ">", ">="};
    for (int i = 0; i < 6; i++) if (strcmp(t->op, ops[i]) == 0) { next(p); return i; }
    return -1;
  }
  if (is_kw(p, "in")) { next(p); return CMP_IN; }
  if (is_kw(p, "not") && p->t[p->pos + 1].type == T_NAME && p->t[p->pos + 1].s->len == 2 && memcmp(p->t[p->pos + 1].s->s, "in", 2) == 0) {
    p->pos += 2;
    return CMP_NOTIN;
  }
  if (is_kw(p, "is")) {
    next(p);
    if (accept_kw(p, "not")) return CMP_ISNOT;
    return CMP_IS;
  }
  return -1;
}

static Node *p_comparison(P *p) {
  Node *e = p_expr(p);
  int op = comp_op(p);
  if (op < 0) return e;
  Node *c = mknode(p, E_COMPARE, &p->t[p->pos - 1]);
  c->line = e->line;
  c->col = e->col;
  push(p, &c->l1, e);
  uint8_t ops[256];
  int nops = 0;
  while (op >= 0) {
    if (nops >= 255) invalid(p);
    ops[nops++] = (uint8_t)op;
    push(p, &c->l1, p_expr(p));
    op = comp_op(p);
  }
  c->ops = palloc(p, (size_t)nops);
  memcpy(c->ops, ops, (size_t)nops);
  return c;
}

static Node *p_not_test(P *p) {
  Token *t = cur(p);
  if (accept_kw(p, "not")) {
    enter(p);
    Node *n = mknode(p, E_NOT, t);
    n->a = p_not_test(p);
    p->depth--;
    return n;
  }
  return p_comparison(p);
}

static Node *p_and_test(P *p) {
  Node *e = p_not_test(p);
  while (is_kw(p, "and")) {
    Token *t = next(p);
    Node *n = mknode(p, E_AND, t);
    n->a = e;
    n->b = p_not_test(p);
    e = n;
  }
  return e;
}

static Node *p_or_test(P *p) {
  Node *e = p_and_test(p);
  while (is_kw(p, "or")) {
    Token *t = next(p);
    Node *n = mknode(p, E_OR, t);
    n->a = e;
    n->b = p_and_test(p);
    e = n;
  }
  return e;
}

static Code *new_code(P *p, Str *name, int line) {
  Code *c = palloc(p, sizeof(Code));
  c->name = name;
  c->line = line;
  c->vararg = c->kwarg = -1;
  return c;
}

/* Parameters of def (with parentheses) or lambda (until ':'). Slot names: positional, *args,
 * keyword-only, **kwargs; the resolver appends the other locals. */
static void p_params(P *p, Code *c, const char *end, bool annotations) {
  Str *names[256];
  int n = 0, npos = 0, nkw = 0;
  bool star = false;
  Str *vararg = NULL, *kwarg = NULL;
  while (!is_op(p, end)) {
    Token *t = cur(p);
    if (accept_op(p, "**")) {
      kwarg = expect_name(p);
      if (annotations && accept_op(p, ":")) p_test(p);
    } else if (accept_op(p, "*")) {
      if (star) invalid(p);
      star = true;
      if (cur(p)->type == T_NAME) {
        vararg = expect_name(p);
        if (annotations && accept_op(p, ":")) p_test(p);
      }
    } else if (accept_op(p, "/")) {
      /* positional-only marker: accepted, treated as ordinary */
    } else {
      if (kwarg) invalid(p);
      Str *nm = expect_name(p);
      for (int i = 0; i < n; i++)
        if (names[i] == nm) perr_at(p, t, "duplicate argument '%s' in function definition", nm->s);
      if (n >= 250) invalid(p);
      names[n++] = nm;
      if (annotations && accept_op(p, ":")) p_test(p);
      Node *def = NULL;
      if (accept_op(p, "=")) def = p_test(p);
      if (star) {
        nkw++;
        push(p, &c->kwdefaults, def);
      } else {
        npos++;
        if (def) push(p, &c->defaults, def);
        else if (c->defaults.n) perr_at(p, t, "non-default argument follows default argument");
      }
    }
    if (!accept_op(p, ",")) break;
  }
  c->nargs = npos;
  c->nkwonly = nkw;
  int total = n + (vararg ? 1 : 0) + (kwarg ? 1 : 0);
  c->slotnames = palloc(p, sizeof(Str *) * (size_t)(total + 1));
  int k = 0;
  for (int i = 0; i < npos; i++) c->slotnames[k++] = names[i];
  if (vararg) { c->vararg = k; c->slotnames[k++] = vararg; }
  for (int i = npos; i < n; i++) c->slotnames[k++] = names[i];
  if (kwarg) { c->kwarg = k; c->slotnames[k++] = kwarg; }
  c->nslots = k;
}

static Node *p_lambda(P *p) {
  Token *t = next(p);
  Node *l = mknode(p, E_LAMBDA, t);
  Code *c = new_code(p, str_intern_cstr(p->vm, "<lambda>"), t->line);
  p_params(p, c, ":", false);
  expect_op(p, ":");
  c->expr = p_test(p);
  l->code = c;
  return l;
}

static Node *p_test(P *p) {
  if (is_kw(p, "lambda")) return p_lambda(p);
  enter(p);
  Node *e = p_or_test(p);
  if (is_kw(p, "if")) {
    Token *t = next(p);
    Node *c = mknode(p, E_IFEXP, t);
    c->line = e->line;
    c->col = e->col;
    c->b = e;
    c->a = p_or_test(p);
    if (!accept_kw(p, "else")) perr_at(p, cur(p), "expected 'else' after 'if' expression");
    c->c = p_test(p);
    e = c;
  }
  p->depth--;
  return e;
}

static Node *p_star_expr_or_test(P *p) {
  Token *t = cur(p);
  if (accept_op(p, "*")) {
    Node *s = mknode(p, E_STARRED, t);
    s->a = p_expr(p);
    return s;
  }
  return p_test(p);
}

/* testlist (tuple when a comma follows) */
static Node *p_testlist_star(P *p, bool allow_star) {
  Token *t = cur(p);
  Node *first = allow_star ? p_star_expr_or_test(p) : p_test(p);
  if (!is_op(p, ",")) return first;
  Node *tup = mknode(p, E_TUPLE, t);
  push(p, &tup->l1, first);
  while (accept_op(p, ",")) {
    Token *k = cur(p);
    if (k->type == T_NEWLINE || (k->type == T_OP && (strcmp(k->op, "=") == 0 || strcmp(k->op, ")") == 0 || strcmp(k->op, ";") == 0 || strcmp(k->op, ":") == 0)) || (k->type == T_OP && k->op[1] == '=' && k->op[0] != '=' && k->op[0] != '!' && k->op[0] != '<' && k->op[0] != '>'))
      break;
    push(p, &tup->l1, allow_star ? p_star_expr_or_test(p) : p_test(p));
  }
  return tup;
}

/* f-string: literal parts and {expr!c:spec} fields. */
static Node *p_sub_expression(P *p, Token *t, const char *src, int64_t len) {
  char *buf = palloc(p, (size_t)len + 3);
  buf[0] = '(';
  memcpy(buf + 1, src, (size_t)len);
  buf[len + 1] = ')';
  buf[len + 2] = 0;
  TokenList tl = {0};
  SyntaxErr e2;
  memset(&e2, 0, sizeof e2);
  if (lex(p->vm, buf, &tl, &e2) < 0) {
    tokens_free(p->vm, &tl);
    perr_at(p, t, "f-string: %s", e2.msg);
  }
  for (int i = 0; i < tl.n; i++) { tl.v[i].line = t->line; tl.v[i].col = t->col; tl.v[i].end_col = t->end_col; }
  P sub = *p;
  sub.t = tl.v;
  sub.n = tl.n;
  sub.pos = 0;
  Node *volatile e = NULL;
  if (setjmp(sub.jb) == 0) {
    e = p_testlist_star(&sub, false);
    if (cur(&sub)->type != T_NEWLINE && cur(&sub)->type != T_EOF) invalid(&sub);
  } else {
    tokens_free(p->vm, &tl);
    if (strncmp(p->err->msg, "f-string", 8) != 0) {
      char m[sizeof p->err->msg + 16];
      snprintf(m, sizeof m, "f-string: %s", p->err->msg);
      size_t k = strlen(m);
      if (k >= sizeof p->err->msg) k = sizeof p->err->msg - 1;
      memcpy(p->err->msg, m, k);
      p->err->msg[k] = 0;
    }
    longjmp(p->jb, 1);
  }
  tokens_free(p->vm, &tl);
  return e;
}

static Node *p_atom_fstring(P *p, Token *t, const char *s, int64_t n, bool raw) {
  Node *f = mknode(p, E_FSTRING, t);
  Buf lit = {0};
  int64_t i = 0;
  while (i < n) {
    char c = s[i];
    if (c == '{' && i + 1 < n && s[i + 1] == '{') { buf_putc(&lit, '{'); i += 2; continue; }
    if (c == '}' && i + 1 < n && s[i + 1] == '}') { buf_putc(&lit, '}'); i += 2; continue; }
    if (c == '}') { free(lit.p); perr_at(p, t, "f-string: single '}' is not allowed"); }
    if (c != '{') {
      /* escapes in the literal part */
      int64_t j = i;
      while (j < n && s[j] != '{' && s[j] != '}') { if (s[j] == '\\' && j + 1 < n) j++; j++; }
      if (j > n) j = n;
      decode_escapes(s + i, j - i, raw, &lit);
      i = j;
      continue;
    }
    /* flush literal */
    if (lit.n) {
      Node *c2 = mknode(p, E_CONST, t);
      Str *ls = buf_to_str(p->vm, &lit);
      if (!ls) perr_at(p, t, "out of memory");
      c2->v = v_obj(ls);
      push(p, &f->l1, c2);
      memset(&lit, 0, sizeof lit);
    }
    i++;
    int64_t start = i;
    int depth = 0;
    char q = 0;
    while (i < n) {
      char d = s[i];
      if (q) { if (d == q) q = 0; i++; continue; }
      if (d == '\'' || d == '"') { q = d; i++; continue; }
      if (d == '(' || d == '[' || d == '{') depth++;
      else if (d == ')' || d == ']' || d == '}') { if (depth == 0) break; depth--; }
      else if (depth == 0 && (d == '!' || d == ':') && !(d == '!' && i + 1 < n && s[i + 1] == '=')) break;
      else if (depth == 0 && d == '=' && i + 1 < n && (s[i + 1] == '}' || s[i + 1] == '!' || s[i + 1] == ':') && i > start && s[i - 1] != '=' && s[i - 1] != '!' && s[i - 1] != '<' && s[i - 1] != '>') break;
      i++;
    }
    if (i >= n) perr_at(p, t, "f-string: expecting '}'");
    int64_t eend = i;
    bool self_doc = false;
    if (s[i] == '=') { self_doc = true; i++; }
    if (eend == start) perr_at(p, t, "f-string: empty expression not allowed");
    Node *fe = mknode(p, E_FORMATTED, t);
    fe->a = p_sub_expression(p, t, s + start, eend - start);
    if (self_doc) {
      Node *c2 = mknode(p, E_CONST, t);
      Str *ls = str_new(p->vm, s + start, i - start);
      if (!ls) perr_at(p, t, "out of memory");
      c2->v = v_obj(ls);
      push(p, &f->l1, c2);
      fe->op = 'r';
    }
    if (i < n && s[i] == '!') {
      if (i + 1 >= n || (s[i + 1] != 'r' && s[i + 1] != 's' && s[i + 1] != 'a'))
        perr_at(p, t, "f-string: invalid conversion character: expected 's', 'r', or 'a'");
      fe->op = (uint8_t)s[i + 1];
      i += 2;
    }
    if (i < n && s[i] == ':') {
      i++;
      int64_t sstart = i;
      int d2 = 0;
      while (i < n) {
        if (s[i] == '{') d2++;
        else if (s[i] == '}') { if (d2 == 0) break; d2--; }
        i++;
      }
      if (i >= n) perr_at(p, t, "f-string: expecting '}'");
      fe->b = p_atom_fstring(p, t, s + sstart, i - sstart, raw);
      if (self_doc && fe->op == 'r' && !(s[sstart - 2] == 'r' && s[sstart - 3] == '!')) fe->op = 0;
    }
    if (i >= n || s[i] != '}') perr_at(p, t, "f-string: expecting '}'");
    i++;
    push(p, &f->l1, fe);
  }
  if (lit.n) {
    Node *c2 = mknode(p, E_CONST, t);
    Str *ls = buf_to_str(p->vm, &lit);
    if (!ls) perr_at(p, t, "out of memory");
    c2->v = v_obj(ls);
    push(p, &f->l1, c2);
  } else {
    free(lit.p);
  }
  return f;
}

/* ----- statements ----- */

static void check_target(P *p, Node *e, Token *t, bool aug) {
  switch (e->kind) {
  case E_NAME: case E_ATTR: case E_SUBSCRIPT: return;
  case E_TUPLE: case E_LIST:
    if (aug) perr_at(p, t, "'%s' is an illegal expression for augmented assignment", e->kind == E_TUPLE ? "tuple" : "list");
    for (int i = 0; i < e->l1.n; i++) check_target(p, e->l1.v[i], t, false);
    return;
  case E_STARRED: check_target(p, e->a, t, false); return;
  case E_CONST: {
    Token tt = *t; tt.line = e->line; tt.col = e->col;
    if (aug) perr_at(p, &tt, "'literal' is an illegal expression for augmented assignment");
    perr_at(p, &tt, "cannot assign to literal here. Maybe you meant '==' instead of '='?");
  }
  case E_CALL: {
    Token tt = *t; tt.line = e->line; tt.col = e->col;
    if (aug) perr_at(p, &tt, "'function call' is an illegal expression for augmented assignment");
    perr_at(p, &tt, "cannot assign to function call here. Maybe you meant '==' instead of '='?");
  }
  default: {
    Token tt = *t; tt.line = e->line; tt.col = e->col;
    perr_at(p, &tt, "cannot assign to expression here. Maybe you meant '==' instead of '='?");
  }
  }
}

static const char *aug_ops[] = {"+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=", "<<=", ">>=", "&=", "|=", "^=", NULL};

static Node *p_simple_stmt(P *p) {
  Token *t = cur(p);
  if (accept_kw(p, "pass")) return mknode(p, S_PASS, t);
  if (accept_kw(p, "break")) return mknode(p, S_BREAK, t);
  if (accept_kw(p, "continue")) return mknode(p, S_CONTINUE, t);
  if (accept_kw(p, "return")) {
    Node *r = mknode(p, S_RETURN, t);
    if (cur(p)->type != T_NEWLINE && !is_op(p, ";")) r->a = p_rhs(p);
    return r;
  }
  if (accept_kw(p, "raise")) {
    Node *r = mknode(p, S_RAISE, t);
    if (cur(p)->type != T_NEWLINE && !is_op(p, ";")) {
      r->a = p_test(p);
      if (accept_kw(p, "from")) r->b = p_test(p);
    }
    return r;
  }
  if (is_kw(p, "global") || is_kw(p, "nonlocal")) {
    Node *g = mknode(p, is_kw(p, "global") ? S_GLOBAL : S_NONLOCAL, t);
    next(p);
    do {
      Node *nm = mknode(p, E_NAME, cur(p));
      nm->name = expect_name(p);
      push(p, &g->l1, nm);
    } while (accept_op(p, ","));
    return g;
  }
  if (accept_kw(p, "del")) {
    Node *d = mknode(p, S_DEL, t);
    do {
      Node *e = p_expr(p);
      if (e->kind == E_TUPLE) for (int i = 0; i < e->l1.n; i++) push(p, &d->l1, e->l1.v[i]);
      else push(p, &d->l1, e);
      if (e->kind != E_NAME && e->kind != E_ATTR && e->kind != E_SUBSCRIPT && e->kind != E_TUPLE)
        perr_at(p, t, "cannot delete %s", e->kind == E_CONST ? "literal" : e->kind == E_CALL ? "function call" : "expression");
    } while (accept_op(p, ",") && cur(p)->type != T_NEWLINE);
    return d;
  }
  if (accept_kw(p, "assert")) {
    Node *a = mknode(p, S_ASSERT, t);
    a->a = p_test(p);
    if (accept_op(p, ",")) a->b = p_test(p);
    return a;
  }
  if (accept_kw(p, "import")) {
    Node *im = mknode(p, S_IMPORT, t);
    do {
      Node *al = mknode(p, S_ALIAS, cur(p));
      Buf b = {0};
      Str *first = expect_name(p);
      buf_put(&b, first->s, first->len);
      while (accept_op(p, ".")) {
        Str *more = expect_name(p);
        buf_putc(&b, '.');
        buf_put(&b, more->s, more->len);
      }
      Str *full = buf_to_str(p->vm, &b);
      if (!full) perr_at(p, t, "out of memory");
      al->name = str_intern(p->vm, full->s, full->len);
      OBJ_DECREF(p->vm, full);
      Node *target = mknode(p, E_NAME, t);
      if (accept_kw(p, "as")) {
        target->name = expect_name(p);
        al->flag = 1; /* bind the leaf module */
      } else {
        target->name = first;
      }
      al->a = target;
      push(p, &im->l1, al);
    } while (accept_op(p, ","));
    return im;
  }
  if (accept_kw(p, "from")) {
    Node *im = mknode(p, S_FROMIMPORT, t);
    Buf b = {0};
    while (accept_op(p, ".")) buf_putc(&b, '.');
    Str *first = expect_name(p);
    buf_put(&b, first->s, first->len);
    while (accept_op(p, ".")) {
      Str *more = expect_name(p);
      buf_putc(&b, '.');
      buf_put(&b, more->s, more->len);
    }
    Str *full = buf_to_str(p->vm, &b);
    if (!full) perr_at(p, t, "out of memory");
    im->name = str_intern(p->vm, full->s, full->len);
    OBJ_DECREF(p->vm, full);
    if (!accept_kw(p, "import")) invalid(p);
    bool paren = accept_op(p, "(");
    if (accept_op(p, "*")) {
      im->flag = 1;
    } else {
      do {
        if (paren && is_op(p, ")")) break;
        Node *al = mknode(p, S_ALIAS, cur(p));
        al->name = expect_name(p);
        Node *target = mknode(p, E_NAME, t);
        target->name = accept_kw(p, "as") ? expect_name(p) : al->name;
        al->a = target;
        push(p, &im->l1, al);
      } while (accept_op(p, ","));
    }
    if (paren) expect_op(p, ")");
    return im;
  }
  /* print "x" */
  if (t->type == T_NAME && t->s->len == 5 && memcmp(t->s->s, "print", 5) == 0 &&
      (p->t[p->pos + 1].type == T_STRING || p->t[p->pos + 1].type == T_INT || p->t[p->pos + 1].type == T_FLOAT ||
       (p->t[p->pos + 1].type == T_NAME && !tok_is_keyword(&p->t[p->pos + 1]))))
    perr_at(p, t, "Missing parentheses in call to 'print'. Did you mean print(...)?");
  /* expression statement / assignment */
  Node *e = p_rhs(p);
  Token *o = cur(p);
  if (o->type == T_OP && strcmp(o->op, "=") == 0) {
    Node *a = mknode(p, S_ASSIGN, t);
    while (accept_op(p, "=")) {
      check_target(p, e, t, false);
      push(p, &a->l1, e);
      e = p_rhs(p);
    }
    a->a = e;
    return a;
  }
  if (o->type == T_OP && strcmp(o->op, ":") == 0 && e->kind == E_NAME) {
    /* annotated assignment */
    next(p);
    p_test(p);
    if (accept_op(p, "=")) {
      Node *a = mknode(p, S_ASSIGN, t);
      push(p, &a->l1, e);
      a->a = p_test(p);
      return a;
    }
    return mknode(p, S_PASS, t);
  }
  if (o->type == T_OP) {
    for (int k = 0; aug_ops[k]; k++) {
      if (strcmp(o->op, aug_ops[k]) == 0) {
        static const int codes[] = {OP_ADD, OP_SUB, OP_MUL, OP_TRUEDIV, OP_FLOORDIV, OP_MOD, OP_POW, OP_MATMUL, OP_LSHIFT, OP_RSHIFT, OP_AND, OP_OR, OP_XOR};
        check_target(p, e, t, true);
        next(p);
        Node *a = mknode(p, S_AUGASSIGN, t);
        a->op = (uint8_t)codes[k];
        a->a = e;
        a->b = is_kw(p, "yield") ? p_yield(p) : p_testlist_star(p, false);
        return a;
      }
    }
  }
  Node *s = mknode(p, S_EXPR, t);
  s->a = e;
  return s;
}

static void p_simple_stmts(P *p, NodeList *out) {
  for (;;) {
    push(p, out, p_simple_stmt(p));
    if (accept_op(p, ";")) {
      if (cur(p)->type == T_NEWLINE) break;
      continue;
    }
    break;
  }
  if (cur(p)->type != T_NEWLINE) {
    Token *t = cur(p);
    if (t->type == T_OP && strcmp(t->op, "=") == 0) perr_at(p, t, "invalid syntax");
    Token *prev = &p->t[p->pos - 1];
    if (t->line == prev->line && (t->type == T_NAME || t->type == T_INT || t->type == T_FLOAT || t->type == T_STRING) &&
        (prev->type == T_NAME || prev->type == T_INT || prev->type == T_FLOAT || prev->type == T_STRING) && !tok_is_keyword(t) && !tok_is_keyword(prev))
      perr_at(p, prev, "invalid syntax");
    invalid(p);
  }
  next(p);
}

static Node *p_stmt(P *p);

static void p_block(P *p, NodeList *body, const char *what, int line) {
  expect_op(p, ":");
  if (cur(p)->type != T_NEWLINE) {
    p_simple_stmts(p, body);
    return;
  }
  next(p);
  if (cur(p)->type != T_INDENT) {
    p->err->indentation = true;
    perr_at(p, cur(p), "expected an indented block after %s on line %d", what, line);
  }
  next(p);
  while (cur(p)->type != T_DEDENT && cur(p)->type != T_EOF) {
    Node *s = p_stmt(p);
    if (s) push(p, body, s);
  }
  next(p);
}

static Node *p_def(P *p, NodeList *decorators) {
  Token *t = next(p);
  Node *d = mknode(p, S_DEF, t);
  Str *name = expect_name(p);
  Code *c = new_code(p, name, t->line);
  if (decorators) c->decorators = *decorators;
  expect_op(p, "(");
  p_params(p, c, ")", true);
  expect_op(p, ")");
  if (accept_op(p, "->")) p_test(p);
  p_block(p, &c->body, "function definition", t->line);
  d->code = c;
  d->name = name;
  Node *target = mknode(p, E_NAME, t);
  target->name = name;
  d->c = target;
  return d;
}

static Node *p_class(P *p, NodeList *decorators) {
  Token *t = next(p);
  Node *d = mknode(p, S_CLASS, t);
  Str *name = expect_name(p);
  Code *c = new_code(p, name, t->line);
  c->is_class = true;
  if (decorators) c->decorators = *decorators;
  if (accept_op(p, "(")) {
    while (!is_op(p, ")")) {
      if (cur(p)->type == T_NAME && p->t[p->pos + 1].type == T_OP && strcmp(p->t[p->pos + 1].op, "=") == 0) {
        /* metaclass=... and other class keywords: evaluated, ignored */
        p->pos += 2;
        p_test(p);
      } else {
        push(p, &d->l1, p_test(p));
      }
      if (!accept_op(p, ",")) break;
    }
    expect_op(p, ")");
  }
  p_block(p, &c->body, "class definition", t->line);
  d->code = c;
  d->name = name;
  Node *target = mknode(p, E_NAME, t);
  target->name = name;
  d->c = target;
  return d;
}

static Node *p_stmt(P *p) {
  Token *t = cur(p);
  if (t->type == T_INDENT) { p->err->indentation = true; perr_at(p, t, "unexpected indent"); }
  if (t->type == T_NEWLINE) { next(p); return NULL; }
  if (is_kw(p, "if")) {
    next(p);
    Node *n = mknode(p, S_IF, t);
    n->a = p_test(p);
    p_block(p, &n->l1, "'if' statement", t->line);
    Node *tail = n;
    while (is_kw(p, "elif")) {
      Token *et = next(p);
      Node *e = mknode(p, S_IF, et);
      e->a = p_test(p);
      p_block(p, &e->l1, "'elif' statement", et->line);
      push(p, &tail->l2, e);
      tail = e;
    }
    if (is_kw(p, "else")) {
      Token *et = next(p);
      p_block(p, &tail->l2, "'else' statement", et->line);
    }
    return n;
  }
  if (is_kw(p, "while")) {
    next(p);
    Node *n = mknode(p, S_WHILE, t);
    n->a = p_test(p);
    p_block(p, &n->l1, "'while' statement", t->line);
    if (is_kw(p, "else")) { Token *et = next(p); p_block(p, &n->l2, "'else' statement", et->line); }
    return n;
  }
  if (is_kw(p, "for")) {
    next(p);
    Node *n = mknode(p, S_FOR, t);
    Token *tt = cur(p);
    Node *first;
    if (is_op(p, "*")) { Token *st = next(p); first = mknode(p, E_STARRED, st); first->a = p_expr(p); }
    else first = p_expr(p);
    if (is_op(p, ",")) {
      Node *tup = mknode(p, E_TUPLE, tt);
      push(p, &tup->l1, first);
      while (accept_op(p, ",")) {
        if (is_kw(p, "in")) break;
        if (is_op(p, "*")) { Token *st = next(p); Node *sn = mknode(p, E_STARRED, st); sn->a = p_expr(p); push(p, &tup->l1, sn); }
        else push(p, &tup->l1, p_expr(p));
      }
      first = tup;
    }
    n->a = first;
    if (!accept_kw(p, "in")) invalid(p);
    n->b = p_testlist_star(p, true);
    check_target(p, n->a, tt, false);
    p_block(p, &n->l1, "'for' statement", t->line);
    if (is_kw(p, "else")) { Token *et = next(p); p_block(p, &n->l2, "'else' statement", et->line); }
    return n;
  }
  if (is_kw(p, "try")) {
    next(p);
    Node *n = mknode(p, S_TRY, t);
    p_block(p, &n->l1, "'try' statement", t->line);
    while (is_kw(p, "except")) {
      Token *et = next(p);
      Node *h = mknode(p, S_HANDLER, et);
      if (!is_op(p, ":")) {
        h->a = p_test(p);
        if (is_op(p, ",")) {
          Node *tup = mknode(p, E_TUPLE, et);
          push(p, &tup->l1, h->a);
          while (accept_op(p, ",")) push(p, &tup->l1, p_test(p));
          h->a = tup;
        }
        if (accept_kw(p, "as")) {
          Node *nm = mknode(p, E_NAME, cur(p));
          nm->name = expect_name(p);
          h->b = nm;
        }
      }
      p_block(p, &h->l1, "'except' statement", et->line);
      push(p, &n->l3, h);
    }
    if (is_kw(p, "else")) {
      Token *et = next(p);
      if (!n->l3.n) invalid(p);
      p_block(p, &n->l2, "'else' statement", et->line);
    }
    if (is_kw(p, "finally")) {
      Token *et = next(p);
      Node *fin = mknode(p, S_PASS, et);
      p_block(p, &fin->l1, "'finally' statement", et->line);
      n->a = fin;
    }
    if (!n->l3.n && !n->a) perr_at(p, cur(p), "expected 'except' or 'finally' block");
    return n;
  }
  if (is_kw(p, "with")) {
    next(p);
    Node *n = mknode(p, S_WITH, t);
    bool paren = false;
    if (is_op(p, "(")) {
      /* with (a as b, c as d): look for 'as' at depth 1 */
      int k = p->pos + 1, depth = 1;
      for (; p->t[k].type != T_EOF && depth; k++) {
        if (p->t[k].type == T_OP && strchr("([{", p->t[k].op[0]) && p->t[k].op[1] == 0) depth++;
        else if (p->t[k].type == T_OP && strchr(")]}", p->t[k].op[0]) && p->t[k].op[1] == 0) depth--;
        else if (depth == 1 && p->t[k].type == T_NAME && p->t[k].s->len == 2 && memcmp(p->t[k].s->s, "as", 2) == 0) { paren = true; break; }
      }
      if (paren) next(p);
    }
    do {
      if (paren && is_op(p, ")")) break;
      Node *item = mknode(p, S_WITHITEM, cur(p));
      item->a = p_test(p);
      if (accept_kw(p, "as")) {
        Token *tt = cur(p);
        item->b = p_expr(p);
        check_target(p, item->b, tt, false);
      }
      push(p, &n->l2, item);
    } while (accept_op(p, ","));
    if (paren) expect_op(p, ")");
    p_block(p, &n->l1, "'with' statement", t->line);
    return n;
  }
  if (is_kw(p, "def")) return p_def(p, NULL);
  if (is_kw(p, "class")) return p_class(p, NULL);
  if (is_op(p, "@")) {
    NodeList decs = {0};
    while (accept_op(p, "@")) {
      push(p, &decs, p_test(p));
      if (cur(p)->type != T_NEWLINE) invalid(p);
      next(p);
    }
    if (is_kw(p, "def")) return p_def(p, &decs);
    if (is_kw(p, "class")) return p_class(p, &decs);
    invalid(p);
  }
  if (is_kw(p, "else") || is_kw(p, "elif") || is_kw(p, "except") || is_kw(p, "finally")) invalid(p);
  Node *blk = mknode(p, S_PASS, t);
  p_simple_stmts(p, &blk->l1);
  if (blk->l1.n == 1) return blk->l1.v[0];
  /* several statements on one line: splice them via an always-true if */
  Node *n = mknode(p, S_IF, t);
  n->a = mknode(p, E_CONST, t);
  n->a->v = v_bool(true);
  n->l1 = blk->l1;
  return n;
}

Code *parse_module(VM *vm, const char *src, SyntaxErr *err) {
  TokenList tl = {0};
  memset(err, 0, sizeof *err);
  if (lex(vm, src, &tl, err) < 0) {
    tokens_free(vm, &tl);
    return NULL;
  }
  P p;
  memset(&p, 0, sizeof p);
  p.vm = vm;
  p.t = tl.v;
  p.n = tl.n;
  p.err = err;
  Code *volatile c = NULL;
  if (setjmp(p.jb) == 0) {
    Code *m = new_code(&p, str_intern_cstr(vm, "<module>"), 1);
    while (cur(&p)->type != T_EOF) {
      Node *s = p_stmt(&p);
      if (s) push(&p, &m->body, s);
    }
    c = m;
  }
  tokens_free(vm, &tl);
  if (c && resolve_module(vm, c, err) < 0) return NULL;
  return c;
}
