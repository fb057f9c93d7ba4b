/* methods.c — methods of the builtin types: str, list, dict, set, tuple, int, float. Each takes
 * self as args[0]. */
#define _GNU_SOURCE /* memmem */
#include "rt.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dict_update_from(VM *vm, Dict *d, Value src, Kw *kw);

#define SELF(kind_, type_, name_)                                                                          \
  if (n < 1 || args[0].tag != V_OBJ || args[0].u.o->kind != kind_)                                        \
    return rt_raise(vm, EX_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object", name_, \
                    type_, n < 1 ? "NoneType" : rt_type_name(vm, args[0]));

static Value mk_str(VM *vm, const char *s, int64_t n) {
  Str *r = str_new(vm, s, n);
  return r ? v_obj(r) : rt_raise(vm, EX_MemoryError, "%s", "");
}

static Str *arg_str(VM *vm, Value v, const char *what) {
  if (v.tag != V_OBJ || v.u.o->kind != O_STR) {
    rt_raise(vm, EX_TypeError, "%s must be str, not %s", what, rt_type_name(vm, v));
    return NULL;
  }
  return (Str *)v.u.o;
}

/* char index of a byte offset */
static int64_t char_index(Str *s, int64_t byte) {
  if (s->ascii) return byte;
  int64_t k = 0;
  for (int64_t b = 0; b < byte; b++) if (((unsigned char)s->s[b] & 0xC0) != 0x80) k++;
  return k;
}
static int64_t byte_offset(Str *s, int64_t ci) {
  if (s->ascii) return ci;
  int64_t k = 0;
  for (int64_t b = 0; b < s->len; b++) {
    if (((unsigned char)s->s[b] & 0xC0) != 0x80) { if (k == ci) return b; k++; }
  }
  return s->len;
}

static void clamp_range(Str *s, Value *args, int n, int first, int64_t *lo, int64_t *hi) {
  int64_t len = str_nchars(s), a = 0, b = len;
  if (n > first && args[first].tag == V_INT) a = args[first].u.i;
  if (n > first + 1 && args[first + 1].tag == V_INT) b = args[first + 1].u.i;
  if (a < 0) { a += len; if (a < 0) a = 0; }
  if (b < 0) { b += len; if (b < 0) b = 0; }
  if (a > len) a = len;
  if (b > len) b = len;
  *lo = byte_offset(s, a);
  *hi = b < a ? *lo : byte_offset(s, b);
}

static int64_t find_bytes(const char *h, int64_t hn, const char *nd, int64_t nn, bool rev) {
  if (nn > hn) return -1;
  if (!rev) {
    if (nn == 0) return 0;
    const char *p = memmem(h, (size_t)hn, nd, (size_t)nn);
    return p ? p - h : -1;
  }
  for (int64_t i = hn - nn; i >= 0; i--) if (memcmp(h + i, nd, (size_t)nn) == 0) return i;
  return -1;
}

static Value s_find_impl(VM *vm, Value *args, int n, bool rev, bool raise, const char *name) {
  SELF(O_STR, "str", name);
  if (check_nargs(vm, name, n - 1, 1, 3) < 0) return VERR;
  Str *s = (Str *)args[0].u.o;
  Str *sub = arg_str(vm, args[1], "must be str, not");
  if (!sub) { rt_clear_exc(vm); return rt_raise(vm, EX_TypeError, "must be str, not %s", rt_type_name(vm, args[1])); }
  int64_t lo, hi;
  clamp_range(s, args, n, 2, &lo, &hi);
  int64_t r = hi >= lo ? find_bytes(s->s + lo, hi - lo, sub->s, sub->len, rev) : -1;
  if (r < 0) {
    if (raise) return rt_raise(vm, EX_ValueError, "substring not found");
    return v_int(-1);
  }
  return v_int(char_index(s, lo + r));
}
static Value s_find(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_find_impl(vm, a, n, false, false, "find"); }
static Value s_rfind(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_find_impl(vm, a, n, true, false, "rfind"); }
static Value s_index(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_find_impl(vm, a, n, false, true, "index"); }
static Value s_rindex(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_find_impl(vm, a, n, true, true, "rindex"); }

static Value s_count(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_STR, "str", "count");
  if (check_nargs(vm, "count", n - 1, 1, 3) < 0) return VERR;
  Str *s = (Str *)args[0].u.o, *sub = arg_str(vm, args[1], "substring");
  if (!sub) return VERR;
  int64_t lo, hi;
  clamp_range(s, args, n, 2, &lo, &hi);
  if (sub->len == 0) return v_int(char_index(s, hi) - char_index(s, lo) + 1);
  int64_t c = 0;
  for (int64_t i = lo; i + sub->len <= hi;) {
    if (memcmp(s->s + i, sub->s, (size_t)sub->len) == 0) { c++; i += sub->len; }
    else i++;
  }
  return v_int(c);
}

static Value s_case(VM *vm, Value *args, int n, int mode, const char *name) {
  SELF(O_STR, "str", name);
  if (check_nargs(vm, name, n - 1, 0, 0) < 0) return VERR;
  Str *s = (Str *)args[0].u.o;
  Str *r = str_new(vm, s->s, s->len);
  if (!r) return rt_raise(vm, EX_MemoryError, "%s", "");
  bool start = true;
  for (int64_t i = 0; i < r->len; i++) {
    unsigned char c = (unsigned char)r->s[i];
    if (c >= 0x80) { start = false; continue; }
    switch (mode) {
    case 0: r->s[i] = (char)toupper(c); break;
    case 1: r->s[i] = (char)tolower(c); break;
    case 2: r->s[i] = (char)(start ? toupper(c) : tolower(c)); start = !isalpha(c); break;
    case 3: r->s[i] = (char)(i == 0 ? toupper(c) : tolower(c)); break;
    case 4: r->s[i] = (char)(isupper(c) ? tolower(c) : toupper(c)); break;
    }
  }
  return v_obj(r);
}
static Value s_upper(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_case(vm, a, n, 0, "upper"); }
static Value s_lower(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_case(vm, a, n, 1, "lower"); }
static Value s_title(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_case(vm, a, n, 2, "title"); }
static Value s_capitalize(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_case(vm, a, n, 3, "capitalize"); }
static Value s_swapcase(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_case(vm, a, n, 4, "swapcase"); }

static Value s_is(VM *vm, Value *args, int n, int (*pred)(int), const char *name) {
  SELF(O_STR, "str", name);
  if (check_nargs(vm, name, n - 1, 0, 0) < 0) return VERR;
  Str *s = (Str *)args[0].u.o;
  if (s->len == 0) return v_bool(false);
  for (int64_t i = 0; i < s->len; i++) if ((unsigned char)s->s[i] >= 0x80 || !pred((unsigned char)s->s[i])) return v_bool(false);
  return v_bool(true);
}
static Value s_isdigit(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_is(vm, a, n, isdigit, "isdigit"); }
static Value s_isalpha(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_is(vm, a, n, isalpha, "isalpha"); }
static Value s_isalnum(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_is(vm, a, n, isalnum, "isalnum"); }
static Value s_isspace(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_is(vm, a, n, isspace, "isspace"); }
static Value s_cased(VM *vm, Value *args, int n, bool upper, const char *name) {
  SELF(O_STR, "str", name);
  if (check_nargs(vm, name, n - 1, 0, 0) < 0) return VERR;
  Str *s = (Str *)args[0].u.o;
  bool any = false;
  for (int64_t i = 0; i < s->len; i++) {
    unsigned char c = (unsigned char)s->s[i];
    if (upper ? islower(c) : isupper(c)) return v_bool(false);
    if (isalpha(c)) any = true;
  }
  return v_bool(any);
}
static Value s_isupper(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_cased(vm, a, n, true, "isupper"); }
static Value s_islower(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_cased(vm, a, n, false, "islower"); }

static bool is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

static Value s_strip_impl(VM *vm, Value *args, int n, int which, const char *name) {
  SELF(O_STR, "str", name);
  if (check_nargs(vm, name, n - 1, 0, 1) < 0) return VERR;
  Str *s = (Str *)args[0].u.o;
  Str *chars = NULL;
  if (n == 2 && args[1].tag != V_NONE) {
    if (args[1].tag != V_OBJ || args[1].u.o->kind != O_STR) return rt_raise(vm, EX_TypeError, "%s arg must be None or str", name);
    chars = (Str *)args[1].u.o;
  }
  int64_t a = 0, b = s->len;
  #define STRIPPABLE(c) (chars ? memchr(chars->s, (c), (size_t)chars->len) != NULL : is_ws((unsigned char)(c)))
  if (which & 1) while (a < b && STRIPPABLE(s->s[a])) a++;
  if (which & 2) while (b > a && STRIPPABLE(s->s[b - 1])) b--;
  #undef STRIPPABLE
  return mk_str(vm, s->s + a, b - a);
}
static Value s_strip(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_strip_impl(vm, a, n, 3, "strip"); }
static Value s_lstrip(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_strip_impl(vm, a, n, 1, "lstrip"); }
static Value s_rstrip(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_strip_impl(vm, a, n, 2, "rstrip"); }

static Value s_split_impl(VM *vm, Value *args, int n, Kw *kw, bool rev, const char *name) {
  SELF(O_STR, "str", name);
  Value sepv = n > 1 ? args[1] : VNONE, maxv = n > 2 ? args[2] : v_int(-1), t;
  if (kw_find(kw, "sep", &t)) sepv = t;
  if (kw_find(kw, "maxsplit", &t)) maxv = t;
  if (n > 3) return rt_raise(vm, EX_TypeError, "%s() takes at most 2 arguments (%d given)", name, n - 1);
  Str *s = (Str *)args[0].u.o;
  int64_t maxsplit;
  if (rt_index(vm, maxv, &maxsplit, NULL) < 0) return VERR;
  if (maxsplit < 0) maxsplit = INT64_MAX;
  List *l = list_new(vm, 0);
  if (!l) return rt_raise(vm, EX_MemoryError, "%s", "");
  if (sepv.tag == V_NONE) {
    /* runs of whitespace; leading/trailing ignored */
    if (!rev) {
      int64_t i = 0, splits = 0;
      while (i < s->len) {
        while (i < s->len && is_ws((unsigned char)s->s[i])) i++;
        if (i >= s->len) break;
        int64_t j = i;
        if (splits >= maxsplit) {
          int64_t e = s->len;
          while (e > j && is_ws((unsigned char)s->s[e - 1])) e--;
          Value piece = mk_str(vm, s->s + j, e - j);
          if (IS_ERR(piece) || list_append_steal(vm, l, piece) < 0) { OBJ_DECREF(vm, l); return VERR; }
          break;
        }
        while (j < s->len && !is_ws((unsigned char)s->s[j])) j++;
        Value piece = mk_str(vm, s->s + i, j - i);
        if (IS_ERR(piece) || list_append_steal(vm, l, piece) < 0) { OBJ_DECREF(vm, l); return VERR; }
        splits++;
        i = j;
      }
    } else {
      int64_t i = s->len, splits = 0;
      while (i > 0) {
        while (i > 0 && is_ws((unsigned char)s->s[i - 1])) i--;
        if (i <= 0) break;
        int64_t j = i;
        if (splits >= maxsplit) {
          int64_t b = 0;
          while (b < j && is_ws((unsigned char)s->s[b])) b++;
          Value piece = mk_str(vm, s->s + b, j - b);
          if (IS_ERR(piece) || list_append_steal(vm, l, piece) < 0) { OBJ_DECREF(vm, l); return VERR; }
          break;
        }
        while (j > 0 && !is_ws((unsigned char)s->s[j - 1])) j--;
        Value piece = mk_str(vm, s->s + j, i - j);
        if (IS_ERR(piece) || list_append_steal(vm, l, piece) < 0) { OBJ_DECREF(vm, l); return VERR; }
        splits++;
        i = j;
      }
      for (int64_t k = 0; k < l->n / 2; k++) { Value x = l->v[k]; l->v[k] = l->v[l->n - 1 - k]; l->v[l->n - 1 - k] = x; }
    }
    return v_obj(l);
  }
  Str *sep = arg_str(vm, sepv, "sep");
  if (!sep) { OBJ_DECREF(vm, l); rt_clear_exc(vm); return rt_raise(vm, EX_TypeError, "must be str or None, not %s", rt_type_name(vm, sepv)); }
  if (sep->len == 0) { OBJ_DECREF(vm, l); return rt_raise(vm, EX_ValueError, "empty separator"); }
  if (!rev) {
    int64_t i = 0, splits = 0;
    for (;;) {
      int64_t f = splits < maxsplit ? find_bytes(s->s + i, s->len - i, sep->s, sep->len, false) : -1;
      int64_t e = f < 0 ? s->len : i + f;
      Value piece = mk_str(vm, s->s + i, e - i);
      if (IS_ERR(piece) || list_append_steal(vm, l, piece) < 0) { OBJ_DECREF(vm, l); return VERR; }
      if (f < 0) break;
      i = e + sep->len;
      splits++;
    }
  } else {
    int64_t end = s->len, splits = 0;
    for (;;) {
      int64_t f = splits < maxsplit ? find_bytes(s->s, end, sep->s, sep->len, true) : -1;
      int64_t b = f < 0 ? 0 : f + sep->len;
      Value piece = mk_str(vm, s->s + b, end - b);
      if (IS_ERR(piece) || list_append_steal(vm, l, piece) < 0) { OBJ_DECREF(vm, l); return VERR; }
      if (f < 0) break;
      end = f;
      splits++;
    }
    for (int64_t k = 0; k < l->n / 2; k++) { Value x = l->v[k]; l->v[k] = l->v[l->n - 1 - k]; l->v[l->n - 1 - k] = x; }
  }
  return v_obj(l);
}
static Value s_split(VM *vm, Value *a, int n, Kw *kw) { return s_split_impl(vm, a, n, kw, false, "split"); }
static Value s_rsplit(VM *vm, Value *a, int n, Kw *kw) { return s_split_impl(vm, a, n, kw, true, "rsplit"); }

static Value s_splitlines(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_STR, "str", "splitlines");
  Str *s = (Str *)args[0].u.o;
  bool keep = n > 1 && rt_truthy(vm, args[1]) > 0;
  List *l = list_new(vm, 0);
  if (!l) return rt_raise(vm, EX_MemoryError, "%s", "");
  int64_t i = 0;
  while (i < s->len) {
    int64_t j = i;
    while (j < s->len && s->s[j] != '\n' && s->s[j] != '\r') j++;
    int64_t eol = j;
    if (j < s->len) { if (s->s[j] == '\r' && j + 1 < s->len && s->s[j + 1] == '\n') j += 2; else j++; }
    Value piece = mk_str(vm, s->s + i, (keep ? j : eol) - i);
    if (IS_ERR(piece) || list_append_steal(vm, l, piece) < 0) { OBJ_DECREF(vm, l); return VERR; }
    i = j;
  }
  return v_obj(l);
}

static Value s_join(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_STR, "str", "join");
  if (check_nargs(vm, "join", n - 1, 1, 1) < 0) return VERR;
  Str *sep = (Str *)args[0].u.o;
  List *l = rt_to_list(vm, args[1]);
  if (!l) {
    if (rt_exc_matches(vm, EX_TypeError)) { rt_clear_exc(vm); return rt_raise(vm, EX_TypeError, "can only join an iterable"); }
    return VERR;
  }
  Buf b = {0};
  for (int64_t i = 0; i < l->n; i++) {
    Value x = l->v[i];
    if (x.tag != V_OBJ || x.u.o->kind != O_STR) {
      free(b.p);
      rt_raise(vm, EX_TypeError, "sequence item %lld: expected str instance, %s found", (long long)i, rt_type_name(vm, x));
      OBJ_DECREF(vm, l);
      return VERR;
    }
    if (i) buf_put(&b, sep->s, sep->len);
    buf_put(&b, ((Str *)x.u.o)->s, ((Str *)x.u.o)->len);
  }
  OBJ_DECREF(vm, l);
  Str *r = buf_to_str(vm, &b);
  return r ? v_obj(r) : VERR;
}

static Value s_replace(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_STR, "str", "replace");
  if (check_nargs(vm, "replace", n - 1, 2, 3) < 0) return VERR;
  Str *s = (Str *)args[0].u.o;
  Str *old = arg_str(vm, args[1], "replace() argument 1");
  Str *nw = old ? arg_str(vm, args[2], "replace() argument 2") : NULL;
  if (!old || !nw) return VERR;
  int64_t count = -1;
  if (n == 4 && rt_index(vm, args[3], &count, NULL) < 0) return VERR;
  if (count < 0) count = INT64_MAX;
  Buf b = {0};
  int64_t i = 0, done = 0;
  if (old->len == 0) {
    /* insert between characters */
    for (; i <= s->len; ) {
      if (done < count) { buf_put(&b, nw->s, nw->len); done++; }
      if (i == s->len) break;
      int64_t e = i + 1;
      while (e < s->len && ((unsigned char)s->s[e] & 0xC0) == 0x80) e++;
      buf_put(&b, s->s + i, e - i);
      i = e;
    }
  } else {
    while (i < s->len) {
      int64_t f = done < count ? find_bytes(s->s + i, s->len - i, old->s, old->len, false) : -1;
      if (f < 0) { buf_put(&b, s->s + i, s->len - i); break; }
      buf_put(&b, s->s + i, f);
      buf_put(&b, nw->s, nw->len);
      i += f + old->len;
      done++;
    }
  }
  Str *r = buf_to_str(vm, &b);
  return r ? v_obj(r) : VERR;
}

static Value s_startsends(VM *vm, Value *args, int n, bool ends, const char *name) {
  SELF(O_STR, "str", name);
  if (check_nargs(vm, name, n - 1, 1, 3) < 0) return VERR;
  Str *s = (Str *)args[0].u.o;
  int64_t lo, hi;
  clamp_range(s, args, n, 2, &lo, &hi);
  Value *cands = &args[1];
  int64_t nc = 1;
  if (args[1].tag == V_OBJ && args[1].u.o->kind == O_TUPLE) { cands = ((Tuple *)args[1].u.o)->v; nc = ((Tuple *)args[1].u.o)->n; }
  for (int64_t i = 0; i < nc; i++) {
    if (cands[i].tag != V_OBJ || cands[i].u.o->kind != O_STR)
      return rt_raise(vm, EX_TypeError, "%s first arg must be str or a tuple of str, not %s", name, rt_type_name(vm, cands[i]));
    Str *p = (Str *)cands[i].u.o;
    if (p->len > hi - lo) continue;
    if (memcmp(ends ? s->s + hi - p->len : s->s + lo, p->s, (size_t)p->len) == 0) return v_bool(true);
  }
  return v_bool(false);
}
static Value s_startswith(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_startsends(vm, a, n, false, "startswith"); }
static Value s_endswith(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_startsends(vm, a, n, true, "endswith"); }

static Value s_justify(VM *vm, Value *args, int n, int mode, const char *name) {
  SELF(O_STR, "str", name);
  if (check_nargs(vm, name, n - 1, 1, 2) < 0) return VERR;
  Str *s = (Str *)args[0].u.o;
  int64_t width;
  if (rt_index(vm, args[1], &width, NULL) < 0) return VERR;
  const char *fill = " ";
  int64_t flen = 1;
  if (n == 3) {
    if (args[2].tag != V_OBJ || args[2].u.o->kind != O_STR || str_nchars((Str *)args[2].u.o) != 1)
      return rt_raise(vm, EX_TypeError, "The fill character must be exactly one character long");
    fill = ((Str *)args[2].u.o)->s;
    flen = ((Str *)args[2].u.o)->len;
  }
  int64_t len = str_nchars(s);
  if (width <= len) { OBJ_INCREF(s); return args[0]; }
  int64_t marg = width - len, left, right;
  if (mode == 0) { left = 0; right = marg; }
  else if (mode == 1) { left = marg; right = 0; }
  else { left = marg / 2 + (marg & width & 1); right = marg - left; }
  Buf b = {0};
  for (int64_t i = 0; i < left; i++) buf_put(&b, fill, flen);
  buf_put(&b, s->s, s->len);
  for (int64_t i = 0; i < right; i++) buf_put(&b, fill, flen);
  Str *r = buf_to_str(vm, &b);
  return r ? v_obj(r) : VERR;
}
static Value s_ljust(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_justify(vm, a, n, 0, "ljust"); }
static Value s_rjust(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_justify(vm, a, n, 1, "rjust"); }
static Value s_center(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_justify(vm, a, n, 2, "center"); }

static Value s_zfill(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_STR, "str", "zfill");
  if (check_nargs(vm, "zfill", n - 1, 1, 1) < 0) return VERR;
  Str *s = (Str *)args[0].u.o;
  int64_t width;
  if (rt_index(vm, args[1], &width, NULL) < 0) return VERR;
  int64_t len = str_nchars(s);
  if (width <= len) { OBJ_INCREF(s); return args[0]; }
  Buf b = {0};
  int64_t start = 0;
  if (s->len && (s->s[0] == '+' || s->s[0] == '-')) { buf_putc(&b, s->s[0]); start = 1; }
  for (int64_t i = 0; i < width - len; i++) buf_putc(&b, '0');
  buf_put(&b, s->s + start, s->len - start);
  Str *r = buf_to_str(vm, &b);
  return r ? v_obj(r) : VERR;
}

static Value s_partition_impl(VM *vm, Value *args, int n, bool rev, const char *name) {
  SELF(O_STR, "str", name);
  if (check_nargs(vm, name, n - 1, 1, 1) < 0) return VERR;
  Str *s = (Str *)args[0].u.o, *sep = arg_str(vm, args[1], "sep");
  if (!sep) return VERR;
  if (sep->len == 0) return rt_raise(vm, EX_ValueError, "empty separator");
  int64_t f = find_bytes(s->s, s->len, sep->s, sep->len, rev);
  Tuple *t = tuple_new(vm, 3);
  if (!t) return rt_raise(vm, EX_MemoryError, "%s", "");
  Value parts[3];
  if (f < 0) {
    if (!rev) { parts[0] = mk_str(vm, s->s, s->len); parts[1] = mk_str(vm, "", 0); parts[2] = mk_str(vm, "", 0); }
    else { parts[0] = mk_str(vm, "", 0); parts[1] = mk_str(vm, "", 0); parts[2] = mk_str(vm, s->s, s->len); }
  } else {
    parts[0] = mk_str(vm, s->s, f);
    parts[1] = mk_str(vm, sep->s, sep->len);
    parts[2] = mk_str(vm, s->s + f + sep->len, s->len - f - sep->len);
  }
  for (int i = 0; i < 3; i++) t->v[i] = IS_ERR(parts[i]) ? VNONE : parts[i];
  return v_obj(t);
}
static Value s_partition(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_partition_impl(vm, a, n, false, "partition"); }
static Value s_rpartition(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return s_partition_impl(vm, a, n, true, "rpartition"); }

static Value s_format(VM *vm, Value *args, int n, Kw *kw) {
  SELF(O_STR, "str", "format");
  return str_format_method(vm, args, n, kw);
}

static Value s_encode(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_STR, "str", "encode");
  (void)n;
  OBJ_INCREF(args[0].u.o);
  return args[0];
}

/* ----- list ----- */

static Value l_append(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_LIST, "list", "append");
  if (n != 2) return rt_raise(vm, EX_TypeError, "list.append() takes exactly one argument (%d given)", n - 1);
  if (list_append(vm, (List *)args[0].u.o, args[1]) < 0) return VERR;
  return VNONE;
}

static Value l_extend(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_LIST, "list", "extend");
  if (n != 2) return rt_raise(vm, EX_TypeError, "list.extend() takes exactly one argument (%d given)", n - 1);
  List *src = rt_to_list(vm, args[1]);
  if (!src) return VERR;
  for (int64_t i = 0; i < src->n; i++) if (list_append(vm, (List *)args[0].u.o, src->v[i]) < 0) { OBJ_DECREF(vm, src); return VERR; }
  OBJ_DECREF(vm, src);
  return VNONE;
}

static Value l_insert(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_LIST, "list", "insert");
  if (n != 3) return rt_raise(vm, EX_TypeError, "insert expected 2 arguments, got %d", n - 1);
  List *l = (List *)args[0].u.o;
  int64_t i;
  if (rt_index(vm, args[1], &i, NULL) < 0) return VERR;
  if (i < 0) { i += l->n; if (i < 0) i = 0; }
  if (i > l->n) i = l->n;
  if (list_append(vm, l, args[2]) < 0) return VERR;
  Value x = l->v[l->n - 1];
  memmove(l->v + i + 1, l->v + i, sizeof(Value) * (size_t)(l->n - 1 - i));
  l->v[i] = x;
  return VNONE;
}

static Value l_pop(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_LIST, "list", "pop");
  if (n > 2) return rt_raise(vm, EX_TypeError, "pop expected at most 1 argument, got %d", n - 1);
  List *l = (List *)args[0].u.o;
  int64_t i = -1;
  if (n == 2 && rt_index(vm, args[1], &i, NULL) < 0) return VERR;
  if (l->n == 0) return rt_raise(vm, EX_IndexError, "pop from empty list");
  if (i < 0) i += l->n;
  if (i < 0 || i >= l->n) return rt_raise(vm, EX_IndexError, "pop index out of range");
  Value x = l->v[i];
  memmove(l->v + i, l->v + i + 1, sizeof(Value) * (size_t)(l->n - i - 1));
  l->n--;
  return x;
}

static Value l_remove(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_LIST, "list", "remove");
  if (n != 2) return rt_raise(vm, EX_TypeError, "list.remove() takes exactly one argument (%d given)", n - 1);
  List *l = (List *)args[0].u.o;
  for (int64_t i = 0; i < l->n; i++) {
    int e = rt_eq(vm, l->v[i], args[1]);
    if (e < 0) return VERR;
    if (e) {
      Value x = l->v[i];
      memmove(l->v + i, l->v + i + 1, sizeof(Value) * (size_t)(l->n - i - 1));
      l->n--;
      v_decref(vm, x);
      return VNONE;
    }
  }
  return rt_raise(vm, EX_ValueError, "list.remove(x): x not in list");
}

static Value seq_index(VM *vm, Value *items, int64_t len, Value *args, int n, bool is_list) {
  int64_t lo = 0, hi = len;
  if (n > 2 && rt_index(vm, args[2], &lo, NULL) < 0) return VERR;
  if (n > 3 && rt_index(vm, args[3], &hi, NULL) < 0) return VERR;
  if (lo < 0) { lo += len; if (lo < 0) lo = 0; }
  if (hi < 0) { hi += len; if (hi < 0) hi = 0; }
  for (int64_t i = lo; i < hi && i < len; i++) {
    int e = rt_eq(vm, items[i], args[1]);
    if (e < 0) return VERR;
    if (e) return v_int(i);
  }
  if (is_list) {
    Str *r = rt_repr(vm, args[1]);
    if (!r) return VERR;
    rt_raise(vm, EX_ValueError, "%s is not in list", r->s);
    OBJ_DECREF(vm, r);
    return VERR;
  }
  return rt_raise(vm, EX_ValueError, "tuple.index(x): x not in tuple");
}

static Value l_index(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_LIST, "list", "index");
  if (check_nargs(vm, "index", n - 1, 1, 3) < 0) return VERR;
  List *l = (List *)args[0].u.o;
  return seq_index(vm, l->v, l->n, args, n, true);
}

static Value seq_count(VM *vm, Value *items, int64_t len, Value x) {
  int64_t c = 0;
  for (int64_t i = 0; i < len; i++) {
    int e = rt_eq(vm, items[i], x);
    if (e < 0) return VERR;
    c += e;
  }
  return v_int(c);
}

static Value l_count(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_LIST, "list", "count");
  if (n != 2) return rt_raise(vm, EX_TypeError, "list.count() takes exactly one argument (%d given)", n - 1);
  return seq_count(vm, ((List *)args[0].u.o)->v, ((List *)args[0].u.o)->n, args[1]);
}

static Value l_sort(VM *vm, Value *args, int n, Kw *kw) {
  SELF(O_LIST, "list", "sort");
  if (n > 1) return rt_raise(vm, EX_TypeError, "sort() takes no positional arguments");
  Value key = VNONE, rev = v_bool(false), t;
  for (int i = 0; kw && i < kw->n; i++)
    if (strcmp(kw->names[i]->s, "key") != 0 && strcmp(kw->names[i]->s, "reverse") != 0)
      return rt_raise(vm, EX_TypeError, "'%s' is an invalid keyword argument for sort()", kw->names[i]->s);
  if (kw_find(kw, "key", &t)) key = t;
  if (kw_find(kw, "reverse", &t)) rev = t;
  int r = rt_truthy(vm, rev);
  if (r < 0) return VERR;
  return list_sort(vm, (List *)args[0].u.o, key, r);
}

static Value l_reverse(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw; (void)n;
  SELF(O_LIST, "list", "reverse");
  List *l = (List *)args[0].u.o;
  for (int64_t i = 0; i < l->n / 2; i++) { Value x = l->v[i]; l->v[i] = l->v[l->n - 1 - i]; l->v[l->n - 1 - i] = x; }
  return VNONE;
}

static Value l_copy(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw; (void)n;
  SELF(O_LIST, "list", "copy");
  List *l = rt_to_list(vm, args[0]);
  return l ? v_obj(l) : VERR;
}

static Value l_clear(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw; (void)n;
  SELF(O_LIST, "list", "clear");
  List *l = (List *)args[0].u.o;
  int64_t k = l->n;
  Value *v = l->v;
  l->v = NULL;
  l->n = l->cap = 0;
  for (int64_t i = 0; i < k; i++) v_decref(vm, v[i]);
  free(v);
  return VNONE;
}

/* ----- tuple ----- */

static Value t_index(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_TUPLE, "tuple", "index");
  if (check_nargs(vm, "index", n - 1, 1, 3) < 0) return VERR;
  return seq_index(vm, ((Tuple *)args[0].u.o)->v, ((Tuple *)args[0].u.o)->n, args, n, false);
}
static Value t_count(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_TUPLE, "tuple", "count");
  if (n != 2) return rt_raise(vm, EX_TypeError, "tuple.count() takes exactly one argument (%d given)", n - 1);
  return seq_count(vm, ((Tuple *)args[0].u.o)->v, ((Tuple *)args[0].u.o)->n, args[1]);
}

/* ----- dict ----- */

static Value d_get(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_DICT, "dict", "get");
  if (check_nargs(vm, "get", n - 1, 1, 2) < 0) return VERR;
  int err = 0;
  Value v = dict_get(vm, (Dict *)args[0].u.o, args[1], &err);
  if (err) return VERR;
  if (v.tag == V_NULL) v = n == 3 ? args[2] : VNONE;
  v_incref(v);
  return v;
}

static Value d_view(VM *vm, Value *args, int n, int which, const char *name) {
  SELF(O_DICT, "dict", name);
  if (check_nargs(vm, name, n - 1, 0, 0) < 0) return VERR;
  DictView *dv = obj_alloc(vm, sizeof(DictView), O_DICTVIEW, vm->cls[which == DV_KEYS ? CLS_dict_keys : which == DV_VALUES ? CLS_dict_values : CLS_dict_items]);
  if (!dv) return rt_raise(vm, EX_MemoryError, "%s", "");
  dv->which = which;
  dv->d = (Dict *)args[0].u.o;
  OBJ_INCREF(dv->d);
  return v_obj(dv);
}
static Value d_keys(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return d_view(vm, a, n, DV_KEYS, "keys"); }
static Value d_values(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return d_view(vm, a, n, DV_VALUES, "values"); }
static Value d_items(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return d_view(vm, a, n, DV_ITEMS, "items"); }

static Value d_pop(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_DICT, "dict", "pop");
  if (check_nargs(vm, "pop", n - 1, 1, 2) < 0) return VERR;
  int err = 0;
  Dict *d = (Dict *)args[0].u.o;
  Value v = dict_get(vm, d, args[1], &err);
  if (err) return VERR;
  if (v.tag == V_NULL) {
    if (n == 3) { v_incref(args[2]); return args[2]; }
    Value e = exc_new(vm, vm->exc[EX_KeyError], &args[1], 1);
    if (!IS_ERR(e)) { rt_raise_value(vm, e); v_decref(vm, e); }
    return VERR;
  }
  v_incref(v);
  if (dict_del(vm, d, args[1]) < 0) { v_decref(vm, v); return VERR; }
  return v;
}

static Value d_setdefault(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_DICT, "dict", "setdefault");
  if (check_nargs(vm, "setdefault", n - 1, 1, 2) < 0) return VERR;
  int err = 0;
  Dict *d = (Dict *)args[0].u.o;
  Value v = dict_get(vm, d, args[1], &err);
  if (err) return VERR;
  if (v.tag == V_NULL) {
    v = n == 3 ? args[2] : VNONE;
    if (dict_set(vm, d, args[1], v) < 0) return VERR;
  }
  v_incref(v);
  return v;
}

static Value d_update(VM *vm, Value *args, int n, Kw *kw) {
  SELF(O_DICT, "dict", "update");
  if (n > 2) return rt_raise(vm, EX_TypeError, "update expected at most 1 argument, got %d", n - 1);
  if (dict_update_from(vm, (Dict *)args[0].u.o, n == 2 ? args[1] : VNULL, kw) < 0) return VERR;
  return VNONE;
}

static Value d_copy(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw; (void)n;
  SELF(O_DICT, "dict", "copy");
  Dict *d = dict_new(vm);
  if (!d) return rt_raise(vm, EX_MemoryError, "%s", "");
  if (dict_update_from(vm, d, args[0], NULL) < 0) { OBJ_DECREF(vm, d); return VERR; }
  return v_obj(d);
}

static Value d_clear(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw; (void)n;
  SELF(O_DICT, "dict", "clear");
  dict_clear(vm, (Dict *)args[0].u.o);
  return VNONE;
}

static Value d_popitem(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw; (void)n;
  SELF(O_DICT, "dict", "popitem");
  Dict *d = (Dict *)args[0].u.o;
  if (d->n == 0) return rt_raise(vm, EX_KeyError, "popitem(): dictionary is empty");
  for (int64_t i = d->nent - 1; i >= 0; i--) {
    if (d->e[i].key.tag == V_NULL) continue;
    Tuple *t = tuple_new(vm, 2);
    if (!t) return rt_raise(vm, EX_MemoryError, "%s", "");
    t->v[0] = d->e[i].key; t->v[1] = d->e[i].val;
    v_incref(t->v[0]); v_incref(t->v[1]);
    if (dict_del(vm, d, t->v[0]) < 0) { OBJ_DECREF(vm, t); return VERR; }
    return v_obj(t);
  }
  return VNONE;
}

static Value d_fromkeys(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  if (check_nargs(vm, "fromkeys", n, 1, 2) < 0) return VERR;
  List *l = rt_to_list(vm, args[0]);
  if (!l) return VERR;
  Dict *d = dict_new(vm);
  if (!d) { OBJ_DECREF(vm, l); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  for (int64_t i = 0; i < l->n; i++) if (dict_set(vm, d, l->v[i], n == 2 ? args[1] : VNONE) < 0) { OBJ_DECREF(vm, l); OBJ_DECREF(vm, d); return VERR; }
  OBJ_DECREF(vm, l);
  return v_obj(d);
}

/* ----- set ----- */

static Value st_add(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_SET, "set", "add");
  if (n != 2) return rt_raise(vm, EX_TypeError, "set.add() takes exactly one argument (%d given)", n - 1);
  return set_add(vm, (Set *)args[0].u.o, args[1]) < 0 ? VERR : VNONE;
}
static Value st_remove(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_SET, "set", "remove");
  if (n != 2) return rt_raise(vm, EX_TypeError, "set.remove() takes exactly one argument (%d given)", n - 1);
  int r = set_discard(vm, (Set *)args[0].u.o, args[1]);
  if (r < 0) return VERR;
  if (r == 0) {
    Value e = exc_new(vm, vm->exc[EX_KeyError], &args[1], 1);
    if (!IS_ERR(e)) { rt_raise_value(vm, e); v_decref(vm, e); }
    return VERR;
  }
  return VNONE;
}
static Value st_discard(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_SET, "set", "discard");
  if (n != 2) return rt_raise(vm, EX_TypeError, "set.discard() takes exactly one argument (%d given)", n - 1);
  return set_discard(vm, (Set *)args[0].u.o, args[1]) < 0 ? VERR : VNONE;
}
static Value st_pop(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw; (void)n;
  SELF(O_SET, "set", "pop");
  Set *s = (Set *)args[0].u.o;
  int64_t pos = 0;
  Value k;
  if (!set_next(s, &pos, &k)) return rt_raise(vm, EX_KeyError, "pop from an empty set");
  v_incref(k);
  set_discard(vm, s, k);
  return k;
}
static Value st_copy(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw; (void)n;
  SELF(O_SET, "set", "copy");
  Set *r = set_new(vm);
  if (!r) return rt_raise(vm, EX_MemoryError, "%s", "");
  if (set_merge(vm, r, (Set *)args[0].u.o) < 0) { OBJ_DECREF(vm, r); return VERR; }
  return v_obj(r);
}
static Value st_clear(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw; (void)n;
  SELF(O_SET, "set", "clear");
  set_clear(vm, (Set *)args[0].u.o);
  return VNONE;
}

static Set *as_set(VM *vm, Value v) {
  if (v.tag == V_OBJ && v.u.o->kind == O_SET) { OBJ_INCREF(v.u.o); return (Set *)v.u.o; }
  List *l = rt_to_list(vm, v);
  if (!l) return NULL;
  Set *s = set_new(vm);
  if (!s) { OBJ_DECREF(vm, l); rt_raise(vm, EX_MemoryError, "%s", ""); return NULL; }
  for (int64_t i = 0; i < l->n; i++) if (set_add(vm, s, l->v[i]) < 0) { OBJ_DECREF(vm, l); OBJ_DECREF(vm, s); return NULL; }
  OBJ_DECREF(vm, l);
  return s;
}

static Value st_multi(VM *vm, Value *args, int n, int op, const char *name, bool inplace) {
  SELF(O_SET, "set", name);
  Value acc = args[0];
  v_incref(acc);
  if (!inplace) {
    Value c = st_copy(vm, args, 1, NULL);
    v_decref(vm, acc);
    if (IS_ERR(c)) return c;
    acc = c;
  }
  for (int i = 1; i < n; i++) {
    Set *other = as_set(vm, args[i]);
    if (!other) { v_decref(vm, acc); return VERR; }
    Value r = rt_binop(vm, op, acc, v_obj(other));
    OBJ_DECREF(vm, other);
    if (IS_ERR(r)) { v_decref(vm, acc); return r; }
    if (inplace) {
      Set *t = (Set *)acc.u.o;
      set_clear(vm, t);
      int64_t pos = 0;
      Value k;
      while (set_next((Set *)r.u.o, &pos, &k)) set_add(vm, t, k);
      v_decref(vm, r);
    } else {
      v_decref(vm, acc);
      acc = r;
    }
  }
  if (inplace) { v_decref(vm, acc); return VNONE; }
  return acc;
}
static Value st_union(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return st_multi(vm, a, n, OP_OR, "union", false); }
static Value st_intersection(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return st_multi(vm, a, n, OP_AND, "intersection", false); }
static Value st_difference(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return st_multi(vm, a, n, OP_SUB, "difference", false); }
static Value st_symdiff(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return st_multi(vm, a, n, OP_XOR, "symmetric_difference", false); }
static Value st_update(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  SELF(O_SET, "set", "update");
  for (int i = 1; i < n; i++) {
    List *l = rt_to_list(vm, args[i]);
    if (!l) return VERR;
    for (int64_t k = 0; k < l->n; k++) if (set_add(vm, (Set *)args[0].u.o, l->v[k]) < 0) { OBJ_DECREF(vm, l); return VERR; }
    OBJ_DECREF(vm, l);
  }
  return VNONE;
}
static Value st_intersection_update(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return st_multi(vm, a, n, OP_AND, "intersection_update", true); }
static Value st_difference_update(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return st_multi(vm, a, n, OP_SUB, "difference_update", true); }

static Value st_rel(VM *vm, Value *args, int n, int op, const char *name) {
  SELF(O_SET, "set", name);
  if (n != 2) return rt_raise(vm, EX_TypeError, "set.%s() takes exactly one argument (%d given)", name, n - 1);
  Set *other = as_set(vm, args[1]);
  if (!other) return VERR;
  Value r;
  if (op == 0) r = rt_compare(vm, CMP_LE, args[0], v_obj(other));
  else if (op == 1) r = rt_compare(vm, CMP_GE, args[0], v_obj(other));
  else {
    int64_t pos = 0;
    Value k;
    r = v_bool(true);
    while (set_next((Set *)args[0].u.o, &pos, &k)) {
      int c = set_contains(vm, other, k);
      if (c < 0) { r = VERR; break; }
      if (c) { r = v_bool(false); break; }
    }
  }
  OBJ_DECREF(vm, other);
  return r;
}
static Value st_issubset(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return st_rel(vm, a, n, 0, "issubset"); }
static Value st_issuperset(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return st_rel(vm, a, n, 1, "issuperset"); }
static Value st_isdisjoint(VM *vm, Value *a, int n, Kw *kw) { (void)kw; return st_rel(vm, a, n, 2, "isdisjoint"); }

/* ----- numbers ----- */

static Value i_bit_length(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw; (void)n;
  if (args[0].tag != V_INT && args[0].tag != V_BOOL) return rt_raise(vm, EX_TypeError, "descriptor 'bit_length' for 'int' objects doesn't apply to a '%s' object", rt_type_name(vm, args[0]));
  int64_t v = args[0].u.i;
  uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  int b = 0;
  while (a) { b++; a >>= 1; }
  return v_int(b);
}

static Value f_is_integer(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw; (void)n;
  if (args[0].tag != V_FLOAT) return rt_raise(vm, EX_TypeError, "descriptor 'is_integer' for 'float' objects doesn't apply to a '%s' object", rt_type_name(vm, args[0]));
  double d = args[0].u.f;
  return v_bool(isfinite(d) && d == floor(d));
}

void methods_init(VM *vm) {
  Class *s = vm->cls[CLS_str];
  static const struct { const char *name; NatFn fn; } smeth[] = {
    {"find", s_find}, {"rfind", s_rfind}, {"index", s_index}, {"rindex", s_rindex}, {"count", s_count},
    {"upper", s_upper}, {"lower", s_lower}, {"title", s_title}, {"capitalize", s_capitalize}, {"swapcase", s_swapcase},
    {"isdigit", s_isdigit}, {"isnumeric", s_isdigit}, {"isdecimal", s_isdigit}, {"isalpha", s_isalpha},
    {"isalnum", s_isalnum}, {"isspace", s_isspace}, {"isupper", s_isupper}, {"islower", s_islower},
    {"strip", s_strip}, {"lstrip", s_lstrip}, {"rstrip", s_rstrip}, {"split", s_split}, {"rsplit", s_rsplit},
    {"splitlines", s_splitlines}, {"join", s_join}, {"replace", s_replace}, {"startswith", s_startswith},
    {"endswith", s_endswith}, {"ljust", s_ljust}, {"rjust", s_rjust}, {"center", s_center}, {"zfill", s_zfill},
    {"partition", s_partition}, {"rpartition", s_rpartition}, {"format", s_format}, {"encode", s_encode},
  };
  for (size_t i = 0; i < sizeof smeth / sizeof smeth[0]; i++) def_method(vm, s, smeth[i].name, smeth[i].fn);
  Class *l = vm->cls[CLS_list];
  static const struct { const char *name; NatFn fn; } lmeth[] = {
    {"append", l_append}, {"extend", l_extend}, {"insert", l_insert}, {"pop", l_pop}, {"remove", l_remove},
    {"index", l_index}, {"count", l_count}, {"sort", l_sort}, {"reverse", l_reverse}, {"copy", l_copy}, {"clear", l_clear},
  };
  for (size_t i = 0; i < sizeof lmeth / sizeof lmeth[0]; i++) def_method(vm, l, lmeth[i].name, lmeth[i].fn);
  def_method(vm, vm->cls[CLS_tuple], "index", t_index);
  def_method(vm, vm->cls[CLS_tuple], "count", t_count);
  Class *d = vm->cls[CLS_dict];
  static const struct { const char *name; NatFn fn; } dmeth[] = {
    {"get", d_get}, {"keys", d_keys}, {"values", d_values}, {"items", d_items}, {"pop", d_pop},
    {"setdefault", d_setdefault}, {"update", d_update}, {"copy", d_copy}, {"clear", d_clear}, {"popitem", d_popitem},
  };
  for (size_t i = 0; i < sizeof dmeth / sizeof dmeth[0]; i++) def_method(vm, d, dmeth[i].name, dmeth[i].fn);
  {
    Value f = natfunc_new(vm, "fromkeys", d_fromkeys);
    if (!IS_ERR(f)) {
      Wrap *w = obj_alloc(vm, sizeof(Wrap), O_WRAP, vm->cls[CLS_staticmethod]);
      if (w) {
        w->wkind = W_STATIC;
        w->func = f;
        dict_set_str(vm, d->dict, str_intern_cstr(vm, "fromkeys"), v_obj(w));
        OBJ_DECREF(vm, w);
      } else v_decref(vm, f);
    }
  }
  Class *st = vm->cls[CLS_set];
  static const struct { const char *name; NatFn fn; } stmeth[] = {
    {"add", st_add}, {"remove", st_remove}, {"discard", st_discard}, {"pop", st_pop}, {"copy", st_copy},
    {"clear", st_clear}, {"union", st_union}, {"intersection", st_intersection}, {"difference", st_difference},
    {"symmetric_difference", st_symdiff}, {"update", st_update}, {"intersection_update", st_intersection_update},
    {"difference_update", st_difference_update}, {"issubset", st_issubset}, {"issuperset", st_issuperset},
    {"isdisjoint", st_isdisjoint},
  };
  for (size_t i = 0; i < sizeof stmeth / sizeof stmeth[0]; i++) def_method(vm, st, stmeth[i].name, stmeth[i].fn);
  def_method(vm, vm->cls[CLS_int], "bit_length", i_bit_length);
  def_method(vm, vm->cls[CLS_float], "is_integer", f_is_integer);
}
