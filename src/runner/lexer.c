/* lexer.c — Python's tokenizer: INDENT/DEDENT from leading whitespace, implicit line joining inside
 * brackets, backslash continuation, comments, string prefixes and escapes, number literals. Error
 * messages are CPython 3.11's. */
#include "parse.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ops3[] = {"**=", "//=", ">>=", "<<=", "...", NULL};
static const char *const ops2[] = {"->", ":=", "**", "//", "==", "!=", "<=", ">=", "<<", ">>", "+=",
                                   "-=", "*=", "/=", "%=", "@=", "&=", "|=", "^=", NULL};
static const char ops1[] = "+-*/%@&|^~<>()[]{},:.;=";

static int push(TokenList *t, Token tok) {
  if (t->n == t->cap) {
    int nc = t->cap ? t->cap * 2 : 256;
    Token *nv = realloc(t->v, sizeof(Token) * (size_t)nc);
    if (!nv) return -1;
    t->v = nv;
    t->cap = nc;
  }
  t->v[t->n++] = tok;
  return 0;
}

void tokens_free(VM *vm, TokenList *t) {
  for (int i = 0; i < t->n; i++)
    if (t->v[i].s) OBJ_DECREF(vm, t->v[i].s);
  free(t->v);
  t->v = NULL;
  t->n = t->cap = 0;
}

static int put_utf8(Buf *b, uint32_t cp) {
  char u[4];
  int n;
  if (cp < 0x80) { u[0] = (char)cp; n = 1; }
  else if (cp < 0x800) { u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 63)); n = 2; }
  else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 63)); u[2] = (char)(0x80 | (cp & 63)); n = 3;
  } else if (cp < 0x110000) {
    u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 63));
    u[2] = (char)(0x80 | ((cp >> 6) & 63)); u[3] = (char)(0x80 | (cp & 63)); n = 4;
  } else return -1;
  buf_put(b, u, n);
  return 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int decode_escapes(const char *s, int64_t n, bool raw, Buf *b) {
  for (int64_t i = 0; i < n; i++) {
    char c = s[i];
    if (c != '\\' || raw || i + 1 >= n) { buf_putc(b, c); continue; }
    char e = s[++i];
    switch (e) {
    case '\n': break;
    case '\\': buf_putc(b, '\\'); break;
    case '\'': buf_putc(b, '\''); break;
    case '"': buf_putc(b, '"'); break;
    case 'a': buf_putc(b, '\a'); break;
    case 'b': buf_putc(b, '\b'); break;
    case 'f': buf_putc(b, '\f'); break;
    case 'n': buf_putc(b, '\n'); break;
    case 'r': buf_putc(b, '\r'); break;
    case 't': buf_putc(b, '\t'); break;
    case 'v': buf_putc(b, '\v'); break;
    case 'x': case 'u': case 'U': {
      int nd = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      uint32_t cp = 0;
      for (int k = 0; k < nd; k++) {
        if (i + 1 >= n || hexval(s[i + 1]) < 0) return -1;
        cp = cp * 16 + (uint32_t)hexval(s[++i]);
      }
      if (put_utf8(b, cp) < 0) return -1;
      break;
    }
    default:
      if (e >= '0' && e <= '7') {
        uint32_t cp = (uint32_t)(e - '0');
        for (int k = 0; k < 2 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7'; k++) cp = cp * 8 + (uint32_t)(s[++i] - '0');
        put_utf8(b, cp);
      } else {
        buf_putc(b, '\\');
        buf_putc(b, e);
      }
    }
  }
  return 0;
}

typedef struct Lx {
  VM *vm;
  const char *src, *p;
  int line;
  const char *line_start;
  TokenList *out;
  SyntaxErr *err;
  int indents[128], nind;
  char brackets[256]; int bline[256], bcol[256], depth;
} Lx;

static int lx_err(Lx *L, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int lx_err(Lx *L, int line, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(L->err->msg, sizeof L->err->msg, fmt, ap);
  va_end(ap);
  L->err->line = line;
  L->err->col = col + 1;
  L->err->end_col = col + 2;
  return -1;
}

static Token mk(Lx *L, int type, const char *start) {
  Token t;
  memset(&t, 0, sizeof t);
  t.type = type;
  t.line = L->line;
  t.col = (int)(start - L->line_start);
  return t;
}

static bool is_id_start(unsigned char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80; }
static bool is_id_char(unsigned char c) { return is_id_start(c) || (c >= '0' && c <= '9'); }

static int lex_number(Lx *L) {
  const char *s = L->p;
  char buf[512];
  int n = 0;
  bool is_float = false;
  Token t = mk(L, T_INT, s);
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B')) {
    int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
    const char *q = s + 2;
    uint64_t v = 0;
    bool any = false, over = false;
    for (;; q++) {
      if (*q == '_') continue;
      int d = hexval(*q);
      if (d < 0 || d >= base) break;
      any = true;
      if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) over = true;
      v = v * (uint64_t)base + (uint64_t)d;
    }
    if (!any) return lx_err(L, L->line, (int)(s - L->line_start), "invalid %s literal", base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary");
    if (over || v > INT64_MAX) return lx_err(L, L->line, (int)(s - L->line_start), "integer literal too large for this interpreter");
    t.i = (int64_t)v;
    L->p = q;
  } else {
    const char *q = s;
    while ((*q >= '0' && *q <= '9') || *q == '_') { if (*q != '_' && n < 500) buf[n++] = *q; q++; }
    if (*q == '.' && !(q[1] == '.' && q[2] == '.')) {
      is_float = true;
      buf[n++] = *q++;
      while ((*q >= '0' && *q <= '9') || *q == '_') { if (*q != '_' && n < 500) buf[n++] = *q; q++; }
    }
    if ((*q == 'e' || *q == 'E') && ((q[1] >= '0' && q[1] <= '9') || ((q[1] == '+' || q[1] == '-') && q[2] >= '0' && q[2] <= '9'))) {
      is_float = true;
      buf[n++] = *q++;
      if (*q == '+' || *q == '-') buf[n++] = *q++;
      while ((*q >= '0' && *q <= '9') || *q == '_') { if (*q != '_' && n < 500) buf[n++] = *q; q++; }
    }
    if (*q == 'j' || *q == 'J') return lx_err(L, L->line, (int)(s - L->line_start), "complex numbers are not supported");
    if (is_id_start((unsigned char)*q)) return lx_err(L, L->line, (int)(s - L->line_start), "invalid decimal literal");
    buf[n] = 0;
    if (is_float) {
      t.type = T_FLOAT;
      t.f = strtod(buf, NULL);
    } else {
      if (n > 1 && buf[0] == '0') {
        for (int k = 0; k < n; k++)
          if (buf[k] != '0')
            return lx_err(L, L->line, (int)(s - L->line_start),
                          "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers");
      }
      errno = 0;
      unsigned long long v = strtoull(buf, NULL, 10);
      if (errno || v > INT64_MAX) return lx_err(L, L->line, (int)(s - L->line_start), "integer literal too large for this interpreter");
      t.i = (int64_t)v;
    }
    L->p = q;
  }
  t.end_col = (int)(L->p - L->line_start);
  return push(L->out, t);
}

static int lex_string(Lx *L, const char *start, const char *q, bool raw, bool fstr, bool bytes) {
  char quote = *q;
  bool triple = q[1] == quote && q[2] == quote;
  int sline = L->line;
  int scol = (int)(start - L->line_start);
  const char *body = q + (triple ? 3 : 1);
  const char *e = body;
  const char *ls = L->line_start;
  int line = L->line;
  for (;;) {
    if (*e == 0) {
      if (triple) return lx_err(L, sline, scol, "unterminated triple-quoted string literal (detected at line %d)", line);
      return lx_err(L, sline, scol, "unterminated string literal (detected at line %d)", sline);
    }
    if (*e == '\\' && e[1]) {
      if (e[1] == '\n') { line++; ls = e + 2; }
      e += 2;
      continue;
    }
    if (*e == '\n') {
      if (!triple) return lx_err(L, sline, scol, "unterminated string literal (detected at line %d)", sline);
      line++;
      ls = e + 1;
    }
    if (*e == quote && (!triple || (e[1] == quote && e[2] == quote))) break;
    e++;
  }
  Token t = mk(L, T_STRING, start);
  t.fstr = fstr;
  t.raw = raw;
  t.bytes = bytes;
  if (fstr) {
    t.s = str_new(L->vm, body, e - body);
  } else {
    Buf b = {0};
    if (decode_escapes(body, e - body, raw, &b) < 0) {
      free(b.p);
      return lx_err(L, sline, scol, "(unicode error) 'unicodeescape' codec can't decode bytes: truncated escape");
    }
    t.s = buf_to_str(L->vm, &b);
  }
  if (!t.s) return lx_err(L, sline, scol, "out of memory");
  L->p = e + (triple ? 3 : 1);
  L->line = line;
  L->line_start = ls;
  t.end_col = (int)(L->p - L->line_start);
  return push(L->out, t);
}

int lex(VM *vm, const char *src, TokenList *out, SyntaxErr *err) {
  Lx L;
  memset(&L, 0, sizeof L);
  L.vm = vm;
  L.src = L.p = src;
  L.line = 1;
  L.line_start = src;
  L.out = out;
  L.err = err;
  L.nind = 1;
  L.indents[0] = 0;
  bool at_line_start = true;
  for (;;) {
    if (at_line_start && L.depth == 0) {
      /* measure indentation; skip blank and comment-only lines */
      int col = 0;
      const char *q = L.p;
      while (*q == ' ' || *q == '\t' || *q == '\f') {
        if (*q == '\t') col = (col / 8 + 1) * 8;
        else if (*q == ' ') col++;
        else col = 0;
        q++;
      }
      if (*q == '#' || *q == '\n' || *q == '\r' || (*q == '\\' && q[1] == '\n')) {
        while (*q && *q != '\n') q++;
        if (*q == '\n') { q++; L.line++; L.line_start = q; }
        L.p = q;
        continue;
      }
      if (*q == 0) { L.p = q; break; }
      L.p = q;
      at_line_start = false;
      if (col > L.indents[L.nind - 1]) {
        if (L.nind >= 100) return lx_err(&L, L.line, col, "too many levels of indentation");
        L.indents[L.nind++] = col;
        Token t = mk(&L, T_INDENT, q);
        if (push(out, t)) return lx_err(&L, L.line, 0, "out of memory");
      } else {
        while (col < L.indents[L.nind - 1]) {
          L.nind--;
          Token t = mk(&L, T_DEDENT, q);
          if (push(out, t)) return lx_err(&L, L.line, 0, "out of memory");
        }
        if (col != L.indents[L.nind - 1]) {
          err->indentation = true;
          return lx_err(&L, L.line, col, "unindent does not match any outer indentation level");
        }
      }
    }
    char c = *L.p;
    if (c == 0) break;
    if (c == ' ' || c == '\t' || c == '\f' || c == '\r') { L.p++; continue; }
    if (c == '#') { while (*L.p && *L.p != '\n') L.p++; continue; }
    if (c == '\\') {
      if (L.p[1] == '\n') { L.p += 2; L.line++; L.line_start = L.p; continue; }
      if (L.p[1] == '\r' && L.p[2] == '\n') { L.p += 3; L.line++; L.line_start = L.p; continue; }
      return lx_err(&L, L.line, (int)(L.p - L.line_start) + 1, "unexpected character after line continuation character");
    }
    if (c == '\n') {
      if (L.depth == 0) {
        Token t = mk(&L, T_NEWLINE, L.p);
        if (push(out, t)) return lx_err(&L, L.line, 0, "out of memory");
        at_line_start = true;
      }
      L.p++;
      L.line++;
      L.line_start = L.p;
      continue;
    }
    if (c >= '0' && c <= '9') { if (lex_number(&L)) return -1; continue; }
    if (c == '.' && L.p[1] >= '0' && L.p[1] <= '9') { if (lex_number(&L)) return -1; continue; }
    if (is_id_start((unsigned char)c)) {
      const char *s = L.p, *q = L.p;
      /* string prefixes */
      bool raw = false, fstr = false, bytes = false, ok = true;
      while (is_id_char((unsigned char)*q)) q++;
      if (q - s <= 2 && (*q == '\'' || *q == '"')) {
        for (const char *k = s; k < q; k++) {
          char u = (char)(*k | 0x20);
          if (u == 'r') raw = true;
          else if (u == 'f') fstr = true;
          else if (u == 'b') bytes = true;
          else if (u != 'u') ok = false;
        }
        if (ok) { if (lex_string(&L, s, q, raw, fstr, bytes)) return -1; continue; }
      }
      Token t = mk(&L, T_NAME, s);
      t.s = str_intern(vm, s, q - s);
      if (!t.s) return lx_err(&L, L.line, 0, "out of memory");
      OBJ_INCREF(t.s);
      t.end_col = (int)(q - L.line_start);
      L.p = q;
      if (push(out, t)) return lx_err(&L, L.line, 0, "out of memory");
      continue;
    }
    if (c == '\'' || c == '"') { if (lex_string(&L, L.p, L.p, false, false, false)) return -1; continue; }
    /* operators */
    Token t = mk(&L, T_OP, L.p);
    int len = 0;
    for (int k = 0; ops3[k]; k++) if (strncmp(L.p, ops3[k], 3) == 0) { len = 3; break; }
    if (!len) for (int k = 0; ops2[k]; k++) if (strncmp(L.p, ops2[k], 2) == 0) { len = 2; break; }
    if (!len && strchr(ops1, c)) len = 1;
    if (!len) {
      if (c == '!' ) return lx_err(&L, L.line, (int)(L.p - L.line_start), "invalid syntax");
      if ((unsigned char)c < 0x20 || c == '$' || c == '?' || c == '`')
        return lx_err(&L, L.line, (int)(L.p - L.line_start), "invalid character '%c' (U+%04X)", c, (unsigned)(unsigned char)c);
      return lx_err(&L, L.line, (int)(L.p - L.line_start), "invalid syntax");
    }
    memcpy(t.op, L.p, (size_t)len);
    t.op[len] = 0;
    t.end_col = t.col + len;
    if (len == 1 && (c == '(' || c == '[' || c == '{')) {
      if (L.depth >= 200) return lx_err(&L, L.line, t.col, "too many nested parentheses");
      L.brackets[L.depth] = c;
      L.bline[L.depth] = L.line;
      L.bcol[L.depth] = t.col;
      L.depth++;
    } else if (len == 1 && (c == ')' || c == ']' || c == '}')) {
      if (L.depth == 0) return lx_err(&L, L.line, t.col, "unmatched '%c'", c);
      char open = L.brackets[L.depth - 1];
      char want = open == '(' ? ')' : open == '[' ? ']' : '}';
      if (c != want) {
        if (L.bline[L.depth - 1] != L.line)
          return lx_err(&L, L.line, t.col, "closing parenthesis '%c' does not match opening parenthesis '%c' on line %d", c, open, L.bline[L.depth - 1]);
        return lx_err(&L, L.line, t.col, "closing parenthesis '%c' does not match opening parenthesis '%c'", c, open);
      }
      L.depth--;
    }
    L.p += len;
    if (push(out, t)) return lx_err(&L, L.line, 0, "out of memory");
  }
  if (L.depth > 0)
    return lx_err(&L, L.bline[L.depth - 1], L.bcol[L.depth - 1], "'%c' was never closed", L.brackets[L.depth - 1]);
  if (out->n > 0 && out->v[out->n - 1].type != T_NEWLINE && out->v[out->n - 1].type != T_DEDENT) {
    Token t = mk(&L, T_NEWLINE, L.p);
    if (push(out, t)) return lx_err(&L, L.line, 0, "out of memory");
  }
  while (L.nind > 1) {
    L.nind--;
    Token t = mk(&L, T_DEDENT, L.p);
    if (push(out, t)) return lx_err(&L, L.line, 0, "out of memory");
  }
  Token t = mk(&L, T_EOF, L.p);
  if (push(out, t)) return lx_err(&L, L.line, 0, "out of memory");
  return 0;
}
