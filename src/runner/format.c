/* format.c — text building and Python's number formatting: repr(float) (shortest round trip),
 * format specs ([[fill]align][sign][#][0][width][,_][.precision][type]), str.format and %. */
#include "rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tn.h"

void buf_put(Buf *b, const char *s, int64_t n) {
  if (b->oom || n <= 0) return;
  if (b->n + n + 1 > b->cap) {
    int64_t nc = b->cap ? b->cap * 2 : 64;
    while (nc < b->n + n + 1) nc *= 2;
    char *np = realloc(b->p, (size_t)nc);
    if (!np) { b->oom = true; return; }
    b->p = np;
    b->cap = nc;
  }
  memcpy(b->p + b->n, s, (size_t)n);
  b->n += n;
  b->p[b->n] = 0;
}
void buf_puts(Buf *b, const char *s) { buf_put(b, s, (int64_t)strlen(s)); }
void buf_putc(Buf *b, char c) { buf_put(b, &c, 1); }
void buf_printf(Buf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) { buf_put(b, tmp, n); return; }
  char *big = malloc((size_t)n + 1);
  if (!big) { b->oom = true; return; }
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  buf_put(b, big, n);
  free(big);
}
Str *buf_to_str(VM *vm, Buf *b) {
  if (b->oom) { free(b->p); b->p = NULL; rt_raise(vm, EX_MemoryError, "%s", ""); return NULL; }
  Str *s = str_new(vm, b->p ? b->p : "", b->n);
  free(b->p);
  b->p = NULL;
  b->n = b->cap = 0;
  if (!s) rt_raise(vm, EX_MemoryError, "%s", "");
  return s;
}

/* repr(float): the engine's shortest round-trip formatting, shared with tensor printing. */
void float_repr(double v, char *out, size_t n) {
  if (tn_format_python_float(v, out, n) < 0 && n) snprintf(out, n, "%.17g", v);
}

/* ----- format specs ----- */

typedef struct Spec {
  char fill, align, sign;
  bool alt, zero;
  int64_t width, prec;
  char grouping;
  char type;
} Spec;

static int parse_spec(VM *vm, const char *s, int64_t n, Spec *sp) {
  memset(sp, 0, sizeof *sp);
  sp->fill = ' ';
  sp->width = -1;
  sp->prec = -1;
  int64_t i = 0;
  if (n >= 2 && strchr("<>=^", s[1])) { sp->fill = s[0]; sp->align = s[1]; i = 2; }
  else if (n >= 1 && strchr("<>=^", s[0])) { sp->align = s[0]; i = 1; }
  if (i < n && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) sp->sign = s[i++];
  if (i < n && s[i] == '#') { sp->alt = true; i++; }
  if (i < n && s[i] == '0') { sp->zero = true; i++; }
  if (i < n && s[i] >= '0' && s[i] <= '9') {
    sp->width = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') { sp->width = sp->width * 10 + (s[i] - '0'); if (sp->width > 100000) sp->width = 100000; i++; }
  }
  if (i < n && (s[i] == ',' || s[i] == '_')) sp->grouping = s[i++];
  if (i < n && s[i] == '.') {
    i++;
    if (i >= n || s[i] < '0' || s[i] > '9') { rt_raise(vm, EX_ValueError, "Format specifier missing precision"); return -1; }
    sp->prec = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') { sp->prec = sp->prec * 10 + (s[i] - '0'); if (sp->prec > 1000) sp->prec = 1000; i++; }
  }
  if (i < n) sp->type = s[i++];
  if (i < n) { rt_raise(vm, EX_ValueError, "Invalid format specifier '%.*s' for object of type '%s'", (int)n, s, "object"); return -1; }
  if (sp->zero && !sp->align) { sp->fill = '0'; sp->align = '='; }
  return 0;
}

static void apply_grouping(char *digits, char sep, Buf *out) {
  /* digits: integer part only */
  int64_t n = (int64_t)strlen(digits);
  for (int64_t i = 0; i < n; i++) {
    buf_putc(out, digits[i]);
    int64_t left = n - 1 - i;
    if (left > 0 && left % 3 == 0) buf_putc(out, sep);
  }
}

/* Pads body (sign already split off) to the spec's width. */
static Str *pad(VM *vm, Spec *sp, const char *sign, const char *body, int64_t blen, char default_align) {
  Buf b = {0};
  int64_t nchars = 0;
  for (int64_t i = 0; i < blen; i++) if (((unsigned char)body[i] & 0xC0) != 0x80) nchars++;
  int64_t total = (int64_t)strlen(sign) + nchars;
  int64_t padn = sp->width > total ? sp->width - total : 0;
  char align = sp->align ? sp->align : default_align;
  int64_t left = 0, right = 0;
  if (align == '<') right = padn;
  else if (align == '>') left = padn;
  else if (align == '^') { left = padn / 2; right = padn - left; }
  if (align == '=') {
    buf_puts(&b, sign);
    for (int64_t i = 0; i < padn; i++) buf_putc(&b, sp->fill);
    buf_put(&b, body, blen);
  } else {
    for (int64_t i = 0; i < left; i++) buf_putc(&b, sp->fill);
    buf_puts(&b, sign);
    buf_put(&b, body, blen);
    for (int64_t i = 0; i < right; i++) buf_putc(&b, sp->fill);
  }
  return buf_to_str(vm, &b);
}

static Str *format_int(VM *vm, int64_t v, Spec *sp) {
  char type = sp->type ? sp->type : 'd';
  if (strchr("eEfFgG%", type)) {
    Spec s2 = *sp;
    s2.type = type;
    (void)s2;
    return NULL; /* caller reformats as float */
  }
  uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  char digits[80];
  int nd = 0;
  const char *prefix = "";
  if (type == 'c') {
    char u[8] = {0};
    u[0] = (char)(a & 0x7f);
    const char *sign = "";
    return pad(vm, sp, sign, u, 1, '<');
  }
  int base = 10;
  if (type == 'x' || type == 'X') { base = 16; prefix = type == 'x' ? "0x" : "0X"; }
  else if (type == 'o') { base = 8; prefix = "0o"; }
  else if (type == 'b') { base = 2; prefix = "0b"; }
  else if (type != 'd' && type != 'n') {
    rt_raise(vm, EX_ValueError, "Unknown format code '%c' for object of type 'int'", type);
    return NULL;
  }
  char tmp[80];
  do {
    int d = (int)(a % (uint64_t)base);
    tmp[nd++] = (char)(d < 10 ? '0' + d : (type == 'X' ? 'A' : 'a') + d - 10);
    a /= (uint64_t)base;
  } while (a);
  for (int i = 0; i < nd; i++) digits[i] = tmp[nd - 1 - i];
  digits[nd] = 0;
  Buf body = {0};
  if (sp->alt) buf_puts(&body, prefix);
  if (sp->grouping) apply_grouping(digits, sp->grouping, &body);
  else buf_puts(&body, digits);
  const char *sign = v < 0 ? "-" : sp->sign == '+' ? "+" : sp->sign == ' ' ? " " : "";
  Str *r = pad(vm, sp, sign, body.p ? body.p : "", body.n, '>');
  free(body.p);
  return r;
}

static Str *format_float(VM *vm, double v, Spec *sp) {
  char type = sp->type;
  char buf[1200];
  bool neg = signbit(v) && !isnan(v);
  double a = fabs(v);
  int64_t prec = sp->prec;
  if (type && !strchr("eEfFgG%n", type)) {
    rt_raise(vm, EX_ValueError, "Unknown format code '%c' for object of type 'float'", type);
    return NULL;
  }
  if (isinf(a) || isnan(a)) {
    snprintf(buf, sizeof buf, "%s", isnan(a) ? "nan" : "inf");
    if (type == 'E' || type == 'F' || type == 'G') for (char *q = buf; *q; q++) *q = (char)(*q - 32);
    if (type == '%') strcat(buf, "%");
  } else if (!type) {
    if (prec < 0) {
      float_repr(a, buf, sizeof buf);
    } else {
      /* like 'g', but always with a digit after the point when fixed */
      snprintf(buf, sizeof buf, "%.*g", (int)(prec ? prec : 1), a);
      if (!strchr(buf, '.') && !strchr(buf, 'e') && !strchr(buf, 'n') && !strchr(buf, 'i')) strcat(buf, ".0");
      char *e = strchr(buf, 'e');
      if (e) {
        /* C prints e+05; Python prints e+05 as well */
      }
    }
  } else if (type == '%') {
    snprintf(buf, sizeof buf, "%.*f%%", (int)(prec < 0 ? 6 : prec), a * 100.0);
  } else if (type == 'n') {
    snprintf(buf, sizeof buf, "%.*g", (int)(prec < 0 ? 6 : prec == 0 ? 1 : prec), a);
  } else {
    char f[16];
    if ((type == 'g' || type == 'G') && prec == 0) prec = 1;
    snprintf(f, sizeof f, "%%%s.*%c", sp->alt ? "#" : "", type);
    snprintf(buf, sizeof buf, f, (int)(prec < 0 ? 6 : prec), a);
  }
  Buf body = {0};
  if (sp->grouping) {
    char *dot = buf;
    while (*dot && *dot >= '0' && *dot <= '9') dot++;
    char intpart[600];
    int64_t ni = dot - buf;
    if (ni > 590) ni = 590;
    memcpy(intpart, buf, (size_t)ni);
    intpart[ni] = 0;
    apply_grouping(intpart, sp->grouping, &body);
    buf_puts(&body, dot);
  } else {
    buf_puts(&body, buf);
  }
  const char *sign = neg ? "-" : sp->sign == '+' ? "+" : sp->sign == ' ' ? " " : "";
  Str *r = pad(vm, sp, sign, body.p ? body.p : "", body.n, '>');
  free(body.p);
  return r;
}

Value rt_format(VM *vm, Value v, Str *spec) {
  const char *s = spec ? spec->s : "";
  int64_t n = spec ? spec->len : 0;
  if (v.tag == V_OBJ && (v.u.o->kind == O_INST || v.u.o->kind == O_NATIVE)) {
    Str *fmt = str_intern_cstr(vm, "__format__");
    if (fmt && class_lookup(v.u.o->cls, fmt).tag != V_NULL) {
      Value arg = spec ? v_obj(spec) : v_str(vm, "");
      if (IS_ERR(arg)) return arg;
      if (!spec) { Value r = rt_call_method(vm, v, fmt, &arg, 1); v_decref(vm, arg); return r; }
      return rt_call_method(vm, v, fmt, &arg, 1);
    }
  }
  if (n == 0) {
    Str *r = rt_str(vm, v);
    return r ? v_obj(r) : VERR;
  }
  Spec sp;
  if (parse_spec(vm, s, n, &sp) < 0) return VERR;
  Str *r = NULL;
  if (v.tag == V_INT || v.tag == V_BOOL) {
    if (sp.type && strchr("eEfFgG%", sp.type)) r = format_float(vm, (double)v.u.i, &sp);
    else {
      if (sp.prec >= 0) return rt_raise(vm, EX_ValueError, "Precision not allowed in integer format specifier");
      r = format_int(vm, v.u.i, &sp);
    }
  } else if (v.tag == V_FLOAT) {
    r = format_float(vm, v.u.f, &sp);
  } else if (v.tag == V_OBJ && v.u.o->kind == O_STR) {
    if (sp.type && sp.type != 's') return rt_raise(vm, EX_ValueError, "Unknown format code '%c' for object of type 'str'", sp.type);
    if (sp.sign) return rt_raise(vm, EX_ValueError, "Sign not allowed in string format specifier");
    if (sp.align == '=') return rt_raise(vm, EX_ValueError, "'=' alignment not allowed in string format specifier");
    Str *str = (Str *)v.u.o;
    int64_t len = str->len;
    if (sp.prec >= 0) {
      /* precision counts characters */
      int64_t chars = 0, i = 0;
      for (; i < str->len; i++) {
        if (((unsigned char)str->s[i] & 0xC0) != 0x80) { if (chars == sp.prec) break; chars++; }
      }
      len = i;
    }
    r = pad(vm, &sp, "", str->s, len, '<');
  } else {
    if (v.tag == V_NONE || (v.tag == V_OBJ && v.u.o->kind != O_INST)) {
      if (sp.type) return rt_raise(vm, EX_TypeError, "unsupported format string passed to %s.__format__", rt_type_name(vm, v));
    }
    Str *t = rt_str(vm, v);
    if (!t) return VERR;
    if (sp.type || sp.sign || sp.prec >= 0) {
      OBJ_DECREF(vm, t);
      return rt_raise(vm, EX_TypeError, "unsupported format string passed to %s.__format__", rt_type_name(vm, v));
    }
    r = pad(vm, &sp, "", t->s, t->len, '<');
    OBJ_DECREF(vm, t);
  }
  return r ? v_obj(r) : VERR;
}

/* ----- str.format ----- */

Value str_format_method(VM *vm, Value *args, int n, Kw *kw) {
  Str *fmt = (Str *)args[0].u.o;
  const char *s = fmt->s;
  int64_t len = fmt->len;
  Buf b = {0};
  int auto_idx = 0;
  bool used_auto = false, used_manual = false;
  for (int64_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == '{' && i + 1 < len && s[i + 1] == '{') { buf_putc(&b, '{'); i++; continue; }
    if (c == '}' && i + 1 < len && s[i + 1] == '}') { buf_putc(&b, '}'); i++; continue; }
    if (c == '}') { free(b.p); return rt_raise(vm, EX_ValueError, "Single '}' encountered in format string"); }
    if (c != '{') { buf_putc(&b, c); continue; }
    int64_t j = i + 1, depth = 0;
    while (j < len && !(s[j] == '}' && depth == 0)) { if (s[j] == '{') depth++; else if (s[j] == '}') depth--; j++; }
    if (j >= len) { free(b.p); return rt_raise(vm, EX_ValueError, "Single '{' encountered in format string"); }
    /* field: name[!conv][:spec] */
    const char *f = s + i + 1;
    int64_t flen = j - i - 1;
    int64_t k = 0;
    while (k < flen && f[k] != '!' && f[k] != ':' && f[k] != '.' && f[k] != '[') k++;
    Value val;
    if (k == 0) {
      if (used_manual) { free(b.p); return rt_raise(vm, EX_ValueError, "cannot switch from manual field specification to automatic field numbering"); }
      used_auto = true;
      if (auto_idx + 1 >= n) { free(b.p); return rt_raise(vm, EX_IndexError, "Replacement index %d out of range for positional args tuple", auto_idx); }
      val = args[1 + auto_idx++];
      v_incref(val);
    } else if (f[0] >= '0' && f[0] <= '9') {
      if (used_auto) { free(b.p); return rt_raise(vm, EX_ValueError, "cannot switch from automatic field numbering to manual field specification"); }
      used_manual = true;
      int idx = atoi(f);
      if (idx + 1 >= n) { free(b.p); return rt_raise(vm, EX_IndexError, "Replacement index %d out of range for positional args tuple", idx); }
      val = args[1 + idx];
      v_incref(val);
    } else {
      val = VNULL;
      for (int q = 0; kw && q < kw->n; q++)
        if (kw->names[q]->len == k && memcmp(kw->names[q]->s, f, (size_t)k) == 0) val = kw->vals[q];
      if (val.tag == V_NULL) {
        free(b.p);
        return rt_raise(vm, EX_KeyError, "'%.*s'", (int)k, f);
      }
      v_incref(val);
    }
    /* attribute / index chains */
    while (k < flen && (f[k] == '.' || f[k] == '[')) {
      if (f[k] == '.') {
        int64_t st = ++k;
        while (k < flen && f[k] != '!' && f[k] != ':' && f[k] != '.' && f[k] != '[') k++;
        Str *an = str_intern(vm, f + st, k - st);
        Value nv = an ? rt_getattr(vm, val, an) : VERR;
        v_decref(vm, val);
        if (IS_ERR(nv)) { free(b.p); return nv; }
        val = nv;
      } else {
        int64_t st = ++k;
        while (k < flen && f[k] != ']') k++;
        Value key;
        if (k > st && f[st] >= '0' && f[st] <= '9') key = v_int(atoll(f + st));
        else { Str *ks = str_new(vm, f + st, k - st); key = ks ? v_obj(ks) : VERR; }
        if (IS_ERR(key)) { v_decref(vm, val); free(b.p); return key; }
        Value nv = rt_getitem(vm, val, key);
        v_decref(vm, key);
        v_decref(vm, val);
        if (IS_ERR(nv)) { free(b.p); return nv; }
        val = nv;
        k++;
      }
    }
    char conv = 0;
    if (k < flen && f[k] == '!') { conv = k + 1 < flen ? f[k + 1] : 0; k += 2; }
    Str *spec = NULL;
    if (k < flen && f[k] == ':') {
      /* nested {} in the spec */
      Buf sb = {0};
      for (int64_t q = k + 1; q < flen; q++) {
        if (f[q] == '{') {
          int64_t e = q + 1;
          while (e < flen && f[e] != '}') e++;
          Value inner;
          if (e == q + 1) {
            if (auto_idx + 1 >= n) { free(sb.p); free(b.p); v_decref(vm, val); return rt_raise(vm, EX_IndexError, "Replacement index %d out of range for positional args tuple", auto_idx); }
            inner = args[1 + auto_idx++];
          } else if (f[q + 1] >= '0' && f[q + 1] <= '9') {
            int idx = atoi(f + q + 1);
            if (idx + 1 >= n) { free(sb.p); free(b.p); v_decref(vm, val); return rt_raise(vm, EX_IndexError, "Replacement index %d out of range for positional args tuple", idx); }
            inner = args[1 + idx];
          } else {
            inner = VNULL;
            for (int w = 0; kw && w < kw->n; w++)
              if (kw->names[w]->len == e - q - 1 && memcmp(kw->names[w]->s, f + q + 1, (size_t)(e - q - 1)) == 0) inner = kw->vals[w];
            if (inner.tag == V_NULL) { free(sb.p); free(b.p); v_decref(vm, val); return rt_raise(vm, EX_KeyError, "'%.*s'", (int)(e - q - 1), f + q + 1); }
          }
          Str *is = rt_str(vm, inner);
          if (!is) { free(sb.p); free(b.p); v_decref(vm, val); return VERR; }
          buf_put(&sb, is->s, is->len);
          OBJ_DECREF(vm, is);
          q = e;
        } else {
          buf_putc(&sb, f[q]);
        }
      }
      spec = buf_to_str(vm, &sb);
      if (!spec) { free(b.p); v_decref(vm, val); return VERR; }
    }
    if (conv == 'r' || conv == 's' || conv == 'a') {
      Str *cs = conv == 's' ? rt_str(vm, val) : rt_repr(vm, val);
      v_decref(vm, val);
      if (!cs) { free(b.p); if (spec) OBJ_DECREF(vm, spec); return VERR; }
      val = v_obj(cs);
    } else if (conv) {
      v_decref(vm, val);
      free(b.p);
      if (spec) OBJ_DECREF(vm, spec);
      return rt_raise(vm, EX_ValueError, "Unknown conversion specifier %c", conv);
    }
    Value out = rt_format(vm, val, spec);
    v_decref(vm, val);
    if (spec) OBJ_DECREF(vm, spec);
    if (IS_ERR(out)) { free(b.p); return out; }
    buf_put(&b, ((Str *)out.u.o)->s, ((Str *)out.u.o)->len);
    v_decref(vm, out);
    i = j;
  }
  Str *r = buf_to_str(vm, &b);
  return r ? v_obj(r) : VERR;
}

/* ----- printf-style % ----- */

Value str_percent(VM *vm, Str *fmt, Value args) {
  Value *items = &args;
  int64_t nitems = 1;
  Dict *mapping = NULL;
  if (args.tag == V_OBJ && args.u.o->kind == O_TUPLE) { items = ((Tuple *)args.u.o)->v; nitems = ((Tuple *)args.u.o)->n; }
  else if (args.tag == V_OBJ && args.u.o->kind == O_DICT) mapping = (Dict *)args.u.o;
  int64_t ai = 0;
  Buf b = {0};
  const char *s = fmt->s;
  int64_t len = fmt->len;
  for (int64_t i = 0; i < len; i++) {
    if (s[i] != '%') { buf_putc(&b, s[i]); continue; }
    i++;
    if (i >= len) { free(b.p); return rt_raise(vm, EX_ValueError, "incomplete format"); }
    Value val = VNULL;
    if (s[i] == '(') {
      int64_t e = i + 1;
      while (e < len && s[e] != ')') e++;
      if (!mapping) { free(b.p); return rt_raise(vm, EX_TypeError, "format requires a mapping"); }
      Str *key = str_new(vm, s + i + 1, e - i - 1);
      if (!key) { free(b.p); return VERR; }
      int err = 0;
      val = dict_get(vm, mapping, v_obj(key), &err);
      if (val.tag == V_NULL) { Value kv = v_obj(key); Str *kr = rt_repr(vm, kv); rt_raise(vm, EX_KeyError, "%s", kr ? kr->s : ""); if (kr) OBJ_DECREF(vm, kr); OBJ_DECREF(vm, key); free(b.p); return VERR; }
      OBJ_DECREF(vm, key);
      i = e + 1;
    }
    Spec sp;
    memset(&sp, 0, sizeof sp);
    sp.fill = ' ';
    sp.width = -1;
    sp.prec = -1;
    bool left = false;
    for (; i < len && strchr("-+ #0", s[i]); i++) {
      if (s[i] == '-') left = true;
      else if (s[i] == '+') sp.sign = '+';
      else if (s[i] == ' ') { if (!sp.sign) sp.sign = ' '; }
      else if (s[i] == '#') sp.alt = true;
      else if (s[i] == '0') sp.zero = true;
    }
    if (i < len && s[i] == '*') {
      if (ai >= nitems || items[ai].tag != V_INT) { free(b.p); return rt_raise(vm, EX_TypeError, "* wants int"); }
      sp.width = items[ai++].u.i;
      i++;
    } else {
      while (i < len && s[i] >= '0' && s[i] <= '9') { sp.width = (sp.width < 0 ? 0 : sp.width) * 10 + (s[i] - '0'); if (sp.width > 100000) sp.width = 100000; i++; }
    }
    if (i < len && s[i] == '.') {
      i++;
      sp.prec = 0;
      while (i < len && s[i] >= '0' && s[i] <= '9') { sp.prec = sp.prec * 10 + (s[i] - '0'); if (sp.prec > 1000) sp.prec = 1000; i++; }
    }
    if (i >= len) { free(b.p); return rt_raise(vm, EX_ValueError, "incomplete format"); }
    char t = s[i];
    if (t == '%') { buf_putc(&b, '%'); continue; }
    if (val.tag == V_NULL) {
      if (ai >= nitems) { free(b.p); return rt_raise(vm, EX_TypeError, "not enough arguments for format string"); }
      val = items[ai++];
    }
    sp.align = left ? '<' : (sp.zero && strchr("diouxXeEfFgG", t) ? '=' : '>');
    if (sp.zero && !left) sp.fill = '0';
    Str *piece = NULL;
    if (t == 's' || t == 'r' || t == 'a') {
      Str *x = t == 's' ? rt_str(vm, val) : rt_repr(vm, val);
      if (!x) { free(b.p); return VERR; }
      int64_t l2 = x->len;
      if (sp.prec >= 0 && sp.prec < l2) l2 = sp.prec;
      sp.fill = ' ';
      piece = pad(vm, &sp, "", x->s, l2, '>');
      OBJ_DECREF(vm, x);
    } else if (strchr("diuxXo", t)) {
      int64_t iv;
      if (val.tag == V_INT || val.tag == V_BOOL) iv = val.u.i;
      else if (val.tag == V_FLOAT) {
        if (!isfinite(val.u.f)) { free(b.p); return rt_raise(vm, EX_OverflowError, "cannot convert float infinity to integer"); }
        if (fabs(val.u.f) >= 9.2e18) { free(b.p); return rt_raise(vm, EX_OverflowError, "int too large"); }
        iv = (int64_t)val.u.f;
      } else { free(b.p); return rt_raise(vm, EX_TypeError, "%%%c format: a real number is required, not %s", t, rt_type_name(vm, val)); }
      sp.type = (t == 'i' || t == 'u') ? 'd' : t;
      bool alt = sp.alt;
      sp.alt = alt && t != 'd';
      piece = format_int(vm, iv, &sp);
    } else if (strchr("eEfFgG", t)) {
      Value fv = rt_float_of(vm, val);
      if (IS_ERR(fv)) { free(b.p); rt_clear_exc(vm); return rt_raise(vm, EX_TypeError, "must be real number, not %s", rt_type_name(vm, val)); }
      sp.type = t;
      if (sp.prec < 0) sp.prec = 6;
      piece = format_float(vm, fv.u.f, &sp);
    } else if (t == 'c') {
      if (val.tag == V_OBJ && val.u.o->kind == O_STR) piece = pad(vm, &sp, "", ((Str *)val.u.o)->s, ((Str *)val.u.o)->len, '>');
      else { sp.type = 'c'; piece = format_int(vm, val.tag == V_INT ? val.u.i : 0, &sp); }
    } else {
      free(b.p);
      return rt_raise(vm, EX_ValueError, "unsupported format character '%c' (0x%x) at index %lld", t, (unsigned)(unsigned char)t, (long long)i);
    }
    if (!piece) { free(b.p); return VERR; }
    buf_put(&b, piece->s, piece->len);
    OBJ_DECREF(vm, piece);
  }
  if (!mapping && ai < nitems && !(nitems == 1 && args.tag == V_OBJ && args.u.o->kind != O_TUPLE && ai == 0 && false)) {
    if (!(args.tag == V_OBJ && args.u.o->kind == O_TUPLE) && ai == 1) { /* single value used */ }
    else if (ai < nitems) { free(b.p); return rt_raise(vm, EX_TypeError, "not all arguments converted during string formatting"); }
  }
  Str *r = buf_to_str(vm, &b);
  return r ? v_obj(r) : VERR;
}
