/* print.c — repr() of a tensor exactly as PyTorch 1.13's torch/_tensor_str.py writes it, plus
 * torch.Size's repr and Python's repr of floats and scalars.
 *
 * The port follows _tensor_str.py step by step: the elements a printout shows (all of them, or the
 * edge items when the tensor is summarised) are gathered once into a flat array in print order;
 * _Formatter decides int_mode / sci_mode / max_width from that array; then the nested brackets are
 * written from the same array. Element text is Python's '{:.4f}' / '{:.4e}' / '{:.0f}' of the value
 * as a double, which glibc's correctly rounded printf reproduces digit for digit. */
#include "tn-internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

const char *(*tn_grad_fn_name_hook)(const tn_tensor *t) = NULL;

#define DEFAULT_PRINT_OPTIONS ((tn_print_options){4, 1000, 3, 80, -1})

static tn_print_options print_opts = {4, 1000, 3, 80, -1};

tn_print_options tn_get_print_options(void) { return print_opts; }

/* NULL restores the defaults (set_printoptions(profile="default"), sci_mode None). */
void tn_set_print_options(const tn_print_options *opts) { print_opts = opts ? *opts : DEFAULT_PRINT_OPTIONS; }

/* ------------------------------------------------------------------------------------------ */
/* a growable string (amortised doubling: printing stays linear in the output's length)       */

typedef struct sbuf {
  char *s;
  size_t len, cap;
  bool failed;
} sbuf;

static bool sb_reserve(sbuf *b, size_t extra) {
  if (b->failed) return false;
  if (extra > SIZE_MAX / 2 - b->len) goto fail;
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap *= 2;
  char *s = realloc(b->s, cap);
  if (!s) goto fail;
  b->s = s;
  b->cap = cap;
  return true;
fail:
  b->failed = true;
  return false;
}

static void sb_append(sbuf *b, const char *s, size_t n) {
  if (!sb_reserve(b, n)) return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_append(b, s, strlen(s)); }

static void sb_repeat(sbuf *b, char c, int64_t n) {
  if (n <= 0 || !sb_reserve(b, (size_t)n)) return;
  memset(b->s + b->len, c, (size_t)n);
  b->len += (size_t)n;
  b->s[b->len] = '\0';
}

/* ------------------------------------------------------------------------------------------ */
/* Python's repr(float)                                                                       */

/* Shortest decimal digits that read back as v (v finite and > 0), as CPython's dtoa mode 0 gives
 * them: value = 0.DIGITS * 10^decpt. printf's correctly rounded p-digit value is the nearest p-digit
 * decimal; at a power of two the rounding interval is lopsided, so when the nearest fails its
 * neighbour on the other side of v may still round-trip, and then it is the shortest. */
static void shortest_digits(double v, char *digits, int *decpt) {
  char buf[48];
  for (int p = 1; p <= 17; p++) {
    snprintf(buf, sizeof buf, "%.*e", p - 1, v);
    uint64_t m = 0;
    const char *c = buf;
    for (; *c && *c != 'e'; c++)
      if (*c >= '0' && *c <= '9') m = m * 10 + (uint64_t)(*c - '0');
    int e = atoi(c + 1) - (p - 1); /* value = m * 10^e */
    uint64_t found = 0;
    if (strtod(buf, NULL) == v) {
      found = m;
    } else {
      for (int delta = 1; delta >= -1 && !found; delta -= 2) {
        uint64_t m2 = delta > 0 ? m + 1 : m - 1;
        if (m2 == 0) continue;
        snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)m2, e);
        if (strtod(buf, NULL) == v) found = m2;
      }
    }
    if (found) {
      int len = snprintf(digits, 24, "%llu", (unsigned long long)found);
      *decpt = len + e;
      while (len > 1 && digits[len - 1] == '0') digits[--len] = '\0';
      return;
    }
  }
  /* Unreachable: 17 significant digits always round-trip. */
  snprintf(buf, sizeof buf, "%.16e", v);
  digits[0] = buf[0];
  memcpy(digits + 1, buf + 2, 16);
  digits[17] = '\0';
  *decpt = atoi(buf + 19) + 1;
}

/* repr(float): fixed notation when -4 < decpt <= 16, else d.ddde+XX (float_repr_style 'short'). */
static int python_float_repr(double v, char *out /* at least 32 bytes */) {
  if (isnan(v)) return sprintf(out, "nan");
  if (isinf(v)) return sprintf(out, v < 0 ? "-inf" : "inf");
  char *o = out;
  if (signbit(v)) *o++ = '-';
  v = fabs(v);
  if (v == 0) return (int)(o - out) + sprintf(o, "0.0");
  char digits[24];
  int decpt;
  shortest_digits(v, digits, &decpt);
  int n = (int)strlen(digits);
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      o += sprintf(o, "0.");
      for (int i = 0; i < -decpt; i++) *o++ = '0';
      o += sprintf(o, "%s", digits);
    } else if (decpt >= n) {
      o += sprintf(o, "%s", digits);
      for (int i = n; i < decpt; i++) *o++ = '0';
      o += sprintf(o, ".0");
    } else {
      memcpy(o, digits, (size_t)decpt);
      o += decpt;
      *o++ = '.';
      o += sprintf(o, "%s", digits + decpt);
    }
  } else {
    *o++ = digits[0];
    if (n > 1) o += sprintf(o, ".%s", digits + 1);
    int x = decpt - 1;
    o += sprintf(o, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
  }
  *o = '\0';
  return (int)(o - out);
}

static int copy_out(const char *s, int len, char *buf, size_t n) {
  if (!buf || n <= (size_t)len)
    return tn__errorf(TN_ERROR_RUNTIME, "buffer of %zu bytes too small for a %d-character number", n, len);
  memcpy(buf, s, (size_t)len + 1);
  return 0;
}

int tn_format_python_float(double v, char *buf, size_t n) {
  char tmp[40];
  int len = python_float_repr(v, tmp);
  return copy_out(tmp, len, buf, n);
}

int tn_format_scalar(tn_scalar s, char *buf, size_t n) {
  char tmp[40];
  int len;
  switch (s.kind) {
  case TN_SCALAR_BOOL: len = sprintf(tmp, "%s", s.v.b ? "True" : "False"); break;
  case TN_SCALAR_INT: len = sprintf(tmp, "%lld", (long long)s.v.i); break;
  case TN_SCALAR_FLOAT: len = python_float_repr(s.v.f, tmp); break;
  default: return tn__errorf(TN_ERROR_TYPE, "invalid scalar kind %d", (int)s.kind);
  }
  return copy_out(tmp, len, buf, n);
}

/* ------------------------------------------------------------------------------------------ */
/* torch.Size and tuples                                                                      */

static void sb_shape(sbuf *b, int32_t ndim, const int64_t *shape, const char *open, const char *close,
                     bool tuple) {
  char num[24];
  sb_puts(b, open);
  for (int32_t i = 0; i < ndim; i++) {
    if (i) sb_puts(b, ", ");
    sb_append(b, num, (size_t)snprintf(num, sizeof num, "%lld", (long long)shape[i]));
  }
  if (tuple && ndim == 1) sb_puts(b, ","); /* Python's one-element tuple: (0,) */
  sb_puts(b, close);
}

char *tn_format_size(int32_t ndim, const int64_t *shape) {
  if (ndim < 0 || ndim > TN_MAX_DIMS || (ndim > 0 && !shape))
    return tn__error(TN_ERROR_RUNTIME, "tn_format_size: invalid shape (ndim %d)", (int)ndim);
  sbuf b = {0};
  sb_shape(&b, ndim, shape, "torch.Size([", "])", false);
  if (b.failed) {
    free(b.s);
    return tn__error_alloc(b.len + 64);
  }
  return b.s;
}

/* ------------------------------------------------------------------------------------------ */
/* which elements a printout shows                                                            */

/* Per dim: indices [0, head) then, when summarised, "..." and [tail_start, tail_start+tail_count). */
typedef struct dim_plan {
  int64_t head, tail_start, tail_count;
  bool ellipsis;
} dim_plan;

/* Returns -1 (with PyTorch's error) where _tensor_str fails. */
static int make_plan(const tn_tensor *t, bool summarize, int64_t e, dim_plan *plan) {
  for (int32_t d = 0; d < t->ndim; d++) {
    int64_t n = t->shape[d];
    dim_plan p = {n, 0, 0, false};
    if (summarize) {
      if (t->ndim >= 2 && e <= 0)
        /* get_summarized_data stacks an empty list of edge rows. */
        return tn__errorf(TN_ERROR_RUNTIME, "stack expects a non-empty TensorList");
      if (e > 0) {
        if (e <= (n - 1) / 2) /* n > 2 * e, without overflow */
          p = (dim_plan){e, n - e, e, true};
      } else {
        /* 1-D with edgeitems <= 0: Python's slices self[:e] and self[-e:]. */
        p.head = e == 0 ? 0 : (e <= -n ? 0 : n + e);
        p.tail_start = e == 0 ? 0 : (e <= -n ? n : -e);
        p.tail_count = n - p.tail_start;
        p.ellipsis = true;
      }
    }
    plan[d] = p;
  }
  return 0;
}

typedef struct gather_ctx {
  tn_dtype dtype;
  int64_t esize;
  double *fv;  /* floating dtypes */
  int64_t *iv; /* integer dtypes and bool */
  int64_t n;
} gather_ctx;

#define GATHER_RUN(T, DST, CONV)                                                                      \
  do {                                                                                                \
    for (int64_t i = 0; i < count; i++) {                                                             \
      T x;                                                                                            \
      memcpy(&x, p + i * stride, sizeof x);                                                           \
      g->DST[k++] = CONV(x);                                                                          \
    }                                                                                                 \
  } while (0)

#define CONV_ID(x) (x)
#define CONV_BOOL(x) ((int64_t)((x) != 0))

/* count elements from p, stride bytes apart: one switch per run, typed loops inside. */
static void gather_run(gather_ctx *g, const char *p, int64_t stride, int64_t count) {
  int64_t k = g->n;
  switch (g->dtype) {
  case TN_DTYPE_BOOL: GATHER_RUN(uint8_t, iv, CONV_BOOL); break;
  case TN_DTYPE_UINT8: GATHER_RUN(uint8_t, iv, CONV_ID); break;
  case TN_DTYPE_INT8: GATHER_RUN(int8_t, iv, CONV_ID); break;
  case TN_DTYPE_INT16: GATHER_RUN(int16_t, iv, CONV_ID); break;
  case TN_DTYPE_INT32: GATHER_RUN(int32_t, iv, CONV_ID); break;
  case TN_DTYPE_INT64: GATHER_RUN(int64_t, iv, CONV_ID); break;
  case TN_DTYPE_FLOAT16: GATHER_RUN(uint16_t, fv, tn_half_to_float); break;
  case TN_DTYPE_BFLOAT16: GATHER_RUN(uint16_t, fv, tn_bfloat16_to_float); break;
  case TN_DTYPE_FLOAT32: GATHER_RUN(float, fv, CONV_ID); break;
  case TN_DTYPE_FLOAT64: GATHER_RUN(double, fv, CONV_ID); break;
  default: break;
  }
  g->n = k;
}

static void gather(gather_ctx *g, const tn_tensor *t, const dim_plan *plan, int32_t level, const char *p) {
  if (level == t->ndim) {
    gather_run(g, p, 0, 1);
    return;
  }
  const dim_plan *pl = &plan[level];
  int64_t stride = t->strides[level] * g->esize;
  if (level == t->ndim - 1) {
    gather_run(g, p, stride, pl->head);
    gather_run(g, p + pl->tail_start * stride, stride, pl->tail_count);
    return;
  }
  for (int64_t i = 0; i < pl->head; i++) gather(g, t, plan, level + 1, p + i * stride);
  for (int64_t i = 0; i < pl->tail_count; i++) gather(g, t, plan, level + 1, p + (pl->tail_start + i) * stride);
}

/* ------------------------------------------------------------------------------------------ */
/* _Formatter                                                                                 */

typedef enum { STYLE_E, STYLE_F, STYLE_F0 } float_style;

typedef struct formatter {
  bool floating, is_bool;
  bool int_mode, sci_mode;
  int64_t max_width;
  int precision;
  bool bad_precision; /* Python's "Format specifier missing precision" */
  char *scratch;
  size_t scratch_size;
} formatter;

/* Python's format(float(v), ".{p}e" / ".{p}f" / ".0f"): nan and inf as Python spells them. */
static int format_float(formatter *f, float_style style, double v) {
  char *s = f->scratch;
  if (style != STYLE_F0 && f->precision < 0) {
    f->bad_precision = true;
    s[0] = '\0';
    return 0;
  }
  if (isnan(v)) return sprintf(s, "nan");
  if (isinf(v)) return sprintf(s, v < 0 ? "-inf" : "inf");
  switch (style) {
  case STYLE_E: return snprintf(s, f->scratch_size, "%.*e", f->precision, v);
  case STYLE_F: return snprintf(s, f->scratch_size, "%.*f", f->precision, v);
  default: return snprintf(s, f->scratch_size, "%.0f", v);
  }
}

static int format_int(formatter *f, int64_t v) {
  if (f->is_bool) return sprintf(f->scratch, "%s", v ? "True" : "False");
  return sprintf(f->scratch, "%lld", (long long)v);
}

static void formatter_init(formatter *f, const gather_ctx *g, const tn_print_options *o) {
  f->int_mode = true;
  f->sci_mode = false;
  f->max_width = 1;
  if (!f->floating) {
    for (int64_t i = 0; i < g->n; i++) {
      int64_t w = format_int(f, g->iv[i]);
      if (w > f->max_width) f->max_width = w;
    }
    return;
  }
  const double *v = g->fv;
  double mn = INFINITY, mx = 0;
  bool any = false;
  for (int64_t i = 0; i < g->n; i++) {
    double x = v[i];
    if (x == 0 || !isfinite(x)) continue;
    any = true;
    double a = fabs(x);
    if (a < mn) mn = a;
    if (a > mx) mx = a;
    if (f->int_mode && x != ceil(x)) f->int_mode = false;
  }
  /* No nonzero finite value: _Formatter returns early, before sci_mode is overridden. */
  if (!any) return;
  float_style width_style;
  int64_t extra = 0;
  if (f->int_mode) {
    if (mx / mn > 1000.0 || mx > 1.0e8) {
      f->sci_mode = true;
      width_style = STYLE_E;
    } else {
      width_style = STYLE_F0;
      extra = 1; /* the '.' appended to integral floats */
    }
  } else {
    if (mx / mn > 1000.0 || mx > 1.0e8 || mn < 1.0e-4) {
      f->sci_mode = true;
      width_style = STYLE_E;
    } else {
      width_style = STYLE_F;
    }
  }
  for (int64_t i = 0; i < g->n; i++) {
    double x = v[i];
    if (x == 0 || !isfinite(x)) continue;
    int64_t w = format_float(f, width_style, x) + extra;
    if (w > f->max_width) f->max_width = w;
  }
  if (o->sci_mode >= 0) f->sci_mode = o->sci_mode != 0;
}

/* _Formatter.format: the element right-aligned to max_width. */
static void emit_value(sbuf *b, formatter *f, const gather_ctx *g, int64_t k) {
  int len;
  if (f->floating) {
    double v = g->fv[k];
    if (f->sci_mode) {
      len = format_float(f, STYLE_E, v);
    } else if (f->int_mode) {
      len = format_float(f, STYLE_F0, v);
      if (isfinite(v)) f->scratch[len++] = '.';
    } else {
      len = format_float(f, STYLE_F, v);
    }
  } else {
    len = format_int(f, g->iv[k]);
  }
  sb_repeat(b, ' ', f->max_width - len);
  sb_append(b, f->scratch, (size_t)len);
}

/* ------------------------------------------------------------------------------------------ */
/* _tensor_str_with_formatter                                                                 */

typedef struct emit_ctx {
  sbuf *b;
  formatter *f;
  const gather_ctx *g;
  const dim_plan *plan;
  int32_t ndim;
  int64_t linewidth;
  int64_t next; /* the next gathered element to print */
} emit_ctx;

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* _vector_str */
static void emit_vector(emit_ctx *c, const dim_plan *pl, int64_t indent) {
  sbuf *b = c->b;
  int64_t element_length = c->f->max_width + 2;
  int64_t per_line = floor_div(c->linewidth - indent, element_length);
  if (per_line < 1) per_line = 1;
  int64_t items = pl->head + pl->ellipsis + pl->tail_count;
  sb_puts(b, "[");
  for (int64_t k = 0; k < items; k++) {
    if (k > 0) {
      if (k % per_line == 0) {
        sb_puts(b, ",\n");
        sb_repeat(b, ' ', indent + 1);
      } else {
        sb_puts(b, ", ");
      }
    }
    if (pl->ellipsis && k == pl->head)
      sb_puts(b, " ...");
    else
      emit_value(b, c->f, c->g, c->next++);
  }
  sb_puts(b, "]");
}

static void emit_level(emit_ctx *c, int32_t level, int64_t indent) {
  if (level == c->ndim) { /* 0-dim: _scalar_str */
    emit_value(c->b, c->f, c->g, c->next++);
    return;
  }
  const dim_plan *pl = &c->plan[level];
  if (level == c->ndim - 1) {
    emit_vector(c, pl, indent);
    return;
  }
  sbuf *b = c->b;
  int32_t dim = c->ndim - level;
  int64_t items = pl->head + pl->ellipsis + pl->tail_count;
  sb_puts(b, "[");
  for (int64_t k = 0; k < items; k++) {
    if (k > 0) {
      sb_puts(b, ",");
      sb_repeat(b, '\n', dim - 1);
      sb_repeat(b, ' ', indent + 1);
    }
    if (pl->ellipsis && k == pl->head)
      sb_puts(b, "...");
    else
      emit_level(c, level + 1, indent + 1);
  }
  sb_puts(b, "]");
}

/* ------------------------------------------------------------------------------------------ */
/* _str_intern                                                                                */

#define PREFIX "tensor("
#define PREFIX_INDENT 7
/* Enough for size=(...) of TN_MAX_DIMS 19-digit sizes. */
#define SUFFIX_MAX 400

/* _tensor_str for a nonempty tensor: appends the bracketed values to b. */
static int tensor_str(sbuf *b, const tn_tensor *t, const tn_print_options *o) {
  bool summarize = t->numel > o->threshold;
  dim_plan plan[TN_MAX_DIMS];
  if (make_plan(t, summarize, o->edgeitems, plan) < 0) return -1;

  /* How many elements get printed; it can only exceed memory for huge stride-0 expansions. */
  uint64_t count = 1;
  bool too_many = false;
  for (int32_t d = 0; d < t->ndim; d++) {
    uint64_t k = (uint64_t)plan[d].head + (uint64_t)plan[d].tail_count;
    if (k && count > UINT64_MAX / k) too_many = true;
    else count *= k;
  }

  gather_ctx g = {t->dtype, (int64_t)tn__dtype_traits[t->dtype].size, NULL, NULL, 0};
  formatter f = {0};
  f.floating = tn__dtype_traits[t->dtype].is_floating;
  f.is_bool = t->dtype == TN_DTYPE_BOOL;
  f.precision = o->precision;
  /* Room for '%.{p}f' of the largest double (309 digits) and the '.' appended in int_mode. */
  f.scratch_size = 340 + (size_t)(o->precision > 0 ? o->precision : 0);
  f.scratch = malloc(f.scratch_size);
  if (too_many || count > SIZE_MAX / 16) {
    free(f.scratch);
    tn__error_alloc(SIZE_MAX);
    return -1;
  }
  size_t vbytes = (size_t)count * (f.floating ? sizeof(double) : sizeof(int64_t));
  void *values = malloc(vbytes ? vbytes : 1);
  if (!f.scratch || !values) {
    free(f.scratch);
    free(values);
    tn__error_alloc(vbytes);
    return -1;
  }
  if (f.floating)
    g.fv = values;
  else
    g.iv = values;
  gather(&g, t, plan, 0, tn__data(t));

  formatter_init(&f, &g, o);
  emit_ctx c = {b, &f, &g, plan, t->ndim, o->linewidth, 0};
  emit_level(&c, 0, PREFIX_INDENT);
  free(values);
  free(f.scratch);
  if (f.bad_precision) return tn__errorf(TN_ERROR_VALUE, "Format specifier missing precision");
  return 0;
}

/* _add_suffixes */
static void add_suffixes(sbuf *b, char suffixes[][SUFFIX_MAX], int n, int64_t linewidth) {
  int64_t nl = -1;
  for (size_t i = b->len; i-- > 0;)
    if (b->s[i] == '\n') {
      nl = (int64_t)i;
      break;
    }
  int64_t last_line_len = (int64_t)b->len - nl + 1;
  for (int i = 0; i < n; i++) {
    int64_t slen = (int64_t)strlen(suffixes[i]);
    if (last_line_len + slen + 2 > linewidth) {
      sb_puts(b, ",\n");
      sb_repeat(b, ' ', PREFIX_INDENT);
      last_line_len = PREFIX_INDENT + slen;
    } else {
      sb_puts(b, ", ");
      last_line_len += slen + 2;
    }
    sb_puts(b, suffixes[i]);
  }
  sb_puts(b, ")");
}

char *tn_repr(const tn_tensor *t) {
  if (!t) return tn__error(TN_ERROR_TYPE, "tn_repr: expected a tensor, got NULL");
  if (!tn__dtype_valid(t->dtype) || t->ndim < 0 || t->ndim > TN_MAX_DIMS)
    return tn__error(TN_ERROR_RUNTIME, "tn_repr: invalid tensor");
  tn_print_options o = print_opts;
  tn_dtype default_dtype = tn_get_default_dtype();

  char suffixes[5][SUFFIX_MAX];
  int nsuffix = 0;
  if (t->device.type == TN_DEVICE_CUDA) /* first, as _tensor_str puts it */
    snprintf(suffixes[nsuffix++], sizeof suffixes[0], "device='cuda:%d'", t->device.index < 0 ? 0 : t->device.index);
  sbuf b = {0};
  sb_puts(&b, PREFIX);
  if (t->numel == 0) {
    /* Explicit size unless 1-D; the dtype unless it is the default float dtype (no value to infer
     * int64 or bool from). */
    if (t->ndim != 1) {
      sbuf s = {0};
      sb_shape(&s, t->ndim, t->shape, "size=(", ")", true);
      if (s.failed || s.len >= sizeof suffixes[0]) {
        free(s.s);
        free(b.s);
        return tn__error_alloc(s.len);
      }
      memcpy(suffixes[nsuffix++], s.s, s.len + 1);
      free(s.s);
    }
    if (t->dtype != default_dtype)
      snprintf(suffixes[nsuffix++], sizeof suffixes[0], "dtype=%s", tn__dtype_traits[t->dtype].torch_name);
    sb_puts(&b, "[]");
  } else {
    if (t->dtype != default_dtype && t->dtype != TN_DTYPE_INT64 && t->dtype != TN_DTYPE_BOOL)
      snprintf(suffixes[nsuffix++], sizeof suffixes[0], "dtype=%s", tn__dtype_traits[t->dtype].torch_name);
    if (tensor_str(&b, t, &o) < 0) {
      free(b.s);
      return NULL;
    }
  }
  const char *grad_fn = tn_grad_fn_name_hook ? tn_grad_fn_name_hook(t) : NULL;
  if (grad_fn)
    snprintf(suffixes[nsuffix++], sizeof suffixes[0], "grad_fn=<%.300s>", grad_fn);
  else if (t->requires_grad)
    snprintf(suffixes[nsuffix++], sizeof suffixes[0], "requires_grad=True");
  add_suffixes(&b, suffixes, nsuffix, o.linewidth);
  if (b.failed) {
    size_t need = b.cap * 2;
    free(b.s);
    return tn__error_alloc(need);
  }
  return b.s;
}
