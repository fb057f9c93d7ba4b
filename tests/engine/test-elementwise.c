/* test-elementwise.c — element-wise ops against real PyTorch (tests/golden/elementwise.txt, written
 * by gen_elementwise.py): values bit for bit (1 ulp for transcendental functions), result dtypes,
 * shapes, the strides PyTorch allocates, in-place results and every error message. Plus a few
 * checks from mathematics: long float16 runs, aliasing, version counters, names. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "tn-internal.h"

static golden_file *golden;

/* ----- decoding the golden records ----- */

static tn_dtype dtype_of(const char *name) {
  tn_dtype d = tn_dtype_from_name(name);
  g_assert_cmpint(d, !=, TN_DTYPE_UNDEFINED);
  return d;
}

/* A value token of dtype d (bit pattern for floating dtypes) as a double. */
static double decode_value(const char *tok, tn_dtype d) {
  uint64_t bits = g_ascii_strtoull(tok, NULL, 16);
  switch (d) {
  case TN_DTYPE_FLOAT16: return tn_half_to_float((uint16_t)bits);
  case TN_DTYPE_BFLOAT16: return tn_bfloat16_to_float((uint16_t)bits);
  case TN_DTYPE_FLOAT32: {
    uint32_t u = (uint32_t)bits;
    float f;
    memcpy(&f, &u, 4);
    return f;
  }
  case TN_DTYPE_FLOAT64: {
    double v;
    memcpy(&v, &bits, 8);
    return v;
  }
  default: g_assert_not_reached();
  }
  return 0;
}

static void store_token(void *p, tn_dtype d, const char *tok) {
  if (tn_dtype_is_floating(d)) {
    uint64_t bits = g_ascii_strtoull(tok, NULL, 16);
    size_t size = tn_dtype_size(d);
    if (size == 2) {
      uint16_t u = (uint16_t)bits;
      memcpy(p, &u, 2);
    } else if (size == 4) {
      uint32_t u = (uint32_t)bits;
      memcpy(p, &u, 4);
    } else {
      memcpy(p, &bits, 8);
    }
  } else {
    tn__store_int64(p, d, g_ascii_strtoll(tok, NULL, 10));
  }
}

static tn_scalar parse_scalar(const char *tok) {
  if (g_str_has_prefix(tok, "b:")) return tn_scalar_bool(tok[2] == '1');
  if (g_str_has_prefix(tok, "i:")) return tn_scalar_int(g_ascii_strtoll(tok + 2, NULL, 10));
  g_assert_true(g_str_has_prefix(tok, "f:"));
  return tn_scalar_float(g_ascii_strtod(tok + 2, NULL));
}

/* "in t DTYPE NDIM SHAPE... STRIDES... OFFSET N V..." or "in s KIND:VALUE" */
static tn_tensor *parse_input(char **tok) {
  g_assert_cmpstr(tok[0], ==, "in");
  if (strcmp(tok[1], "s") == 0) return tn_wrap_scalar(parse_scalar(tok[2]));
  tn_dtype d = dtype_of(tok[2]);
  int32_t ndim = (int32_t)atoi(tok[3]);
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  int k = 4;
  for (int32_t i = 0; i < ndim; i++) shape[i] = g_ascii_strtoll(tok[k++], NULL, 10);
  for (int32_t i = 0; i < ndim; i++) strides[i] = g_ascii_strtoll(tok[k++], NULL, 10);
  int64_t offset = g_ascii_strtoll(tok[k++], NULL, 10);
  int64_t n = g_ascii_strtoll(tok[k++], NULL, 10);
  tn_tensor *base = tn__new(1, &n, d);
  g_assert_nonnull(base);
  for (int64_t i = 0; i < n; i++) store_token(tn__data(base) + i * (int64_t)tn_dtype_size(d), d, tok[k++]);
  tn_tensor *view = tn__new_view(base, ndim, shape, strides, offset);
  tn_release(base);
  /* a fresh, non-view tensor for in-place tests and aliasing checks behaves the same */
  return view;
}

/* Ulp of v in dtype d (the larger one at a power of two). */
static double ulp_of(double v, tn_dtype d) {
  int mbits, emin;
  switch (d) {
  case TN_DTYPE_FLOAT16: mbits = 10; emin = -14; break;
  case TN_DTYPE_BFLOAT16: mbits = 7; emin = -126; break;
  case TN_DTYPE_FLOAT32: mbits = 23; emin = -126; break;
  default: mbits = 52; emin = -1022; break;
  }
  int e = v == 0 ? emin : ilogb(v);
  if (e < emin) e = emin;
  return ldexp(1.0, e - mbits);
}

/* Transcendental functions (and rsqrt, whose bfloat16 result PyTorch rounds once in its vector
 * loop and twice in its scalar loop) may differ by one ulp. */
static bool tolerant_op(const char *kind, const char *name) {
  static const char *const names[] = {"exp", "log", "log1p", "expm1", "sin", "cos", "tan", "tanh", "sigmoid",
                                      "pow", "atan2", "rsqrt", NULL};
  (void)kind;
  for (int i = 0; names[i]; i++)
    if (strcmp(name, names[i]) == 0) return true;
  return false;
}

static int failures;

#define FAIL(...)                                                                                  \
  do {                                                                                             \
    g_autofree char *m_ = g_strdup_printf(__VA_ARGS__);                                            \
    g_test_message("%s: %s", rec, m_);                                                             \
    failures++;                                                                                    \
    goto out;                                                                                      \
  } while (0)

static tn_binary_op binary_op_of(const char *name) {
  for (int op = 0; op < TN_BINARY_COUNT; op++)
    if (strcmp(tn_binary_op_name((tn_binary_op)op), name) == 0) return (tn_binary_op)op;
  g_error("unknown binary op %s", name);
  return TN_BINARY_COUNT;
}

static tn_unary_op unary_op_of(const char *name) {
  for (int op = 0; op < TN_UNARY_COUNT; op++)
    if (strcmp(tn_unary_op_name((tn_unary_op)op), name) == 0) return (tn_unary_op)op;
  g_error("unknown unary op %s", name);
  return TN_UNARY_COUNT;
}

/* Runs one golden record; counts and reports a mismatch. */
static void run_record(const char *rec, const char *value) {
  char **lines = g_strsplit(value, "\n", -1);
  char **op = g_strsplit(lines[0], " ", -1);
  tn_tensor *in[3] = {NULL, NULL, NULL};
  int nin = 0, li = 1;
  while (lines[li] && g_str_has_prefix(lines[li], "in ")) {
    char **tok = g_strsplit(lines[li], " ", -1);
    in[nin++] = parse_input(tok);
    g_strfreev(tok);
    li++;
  }
  const char *kind = op[1], *name = op[2] ? op[2] : "";
  bool inplace = g_str_has_suffix(kind, "_");
  uint32_t version0 = in[0] ? tn_version(in[0]) : 0;
  tn_tensor *r = NULL;
  int brc = 0;
  bool bres = false, is_bool_result = false;
  tn_error_clear();
  if (strcmp(kind, "binary") == 0) {
    r = tn_binary(binary_op_of(name), in[0], in[1]);
  } else if (strcmp(kind, "binary_") == 0) {
    r = tn_binary_(binary_op_of(name), in[0], in[1]);
  } else if (strcmp(kind, "alpha") == 0 || strcmp(kind, "alpha_") == 0) {
    tn_scalar al = parse_scalar(op[3]);
    bool add = strcmp(name, "add") == 0;
    if (inplace)
      r = add ? tn_add_alpha_(in[0], in[1], al) : tn_sub_alpha_(in[0], in[1], al);
    else
      r = add ? tn_add_alpha(in[0], in[1], al) : tn_sub_alpha(in[0], in[1], al);
  } else if (strcmp(kind, "unary") == 0) {
    r = tn_unary(unary_op_of(name), in[0]);
  } else if (strcmp(kind, "unary_") == 0) {
    r = tn_unary_(unary_op_of(name), in[0]);
  } else if (strcmp(kind, "clamp") == 0 || strcmp(kind, "clamp_") == 0) {
    tn_scalar lo, hi;
    bool has_lo = strcmp(op[2], "none") != 0, has_hi = strcmp(op[3], "none") != 0;
    if (has_lo) lo = parse_scalar(op[2]);
    if (has_hi) hi = parse_scalar(op[3]);
    name = "clamp";
    r = inplace ? tn_clamp_(in[0], has_lo ? &lo : NULL, has_hi ? &hi : NULL)
                : tn_clamp(in[0], has_lo ? &lo : NULL, has_hi ? &hi : NULL);
  } else if (strcmp(kind, "where") == 0) {
    r = tn_where(in[0], in[1], in[2]);
  } else if (strcmp(kind, "allclose") == 0) {
    is_bool_result = true;
    brc = tn_allclose(in[0], in[1], g_ascii_strtod(op[2], NULL), g_ascii_strtod(op[3], NULL), op[4][0] == '1', &bres);
  } else if (strcmp(kind, "equal") == 0) {
    is_bool_result = true;
    brc = tn_equal(in[0], in[1], &bres);
  } else {
    g_error("%s: unknown op kind %s", rec, kind);
  }
  const char *expect = lines[li];
  g_assert_nonnull(expect);
  bool failed = is_bool_result ? brc < 0 : r == NULL;
  if (g_str_has_prefix(expect, "err ")) {
    if (!failed) FAIL("expected error '%s', got success", expect + 4);
    g_autofree char *got = g_strdup_printf("%s: %s", tn_error_kind_name(tn_error_kind_last()), tn_error_message());
    if (strcmp(got, expect + 4) != 0) FAIL("expected error '%s', got '%s'", expect + 4, got);
    goto out;
  }
  if (failed) FAIL("unexpected error %s: %s", tn_error_kind_name(tn_error_kind_last()), tn_error_message());
  if (is_bool_result) {
    if (bres != (expect[5] == '1')) FAIL("expected %s, got %d", expect, bres);
    goto out;
  }
  if (inplace) {
    if (r != in[0]) FAIL("in-place op did not return self");
    if (tn_version(in[0]) == version0) FAIL("in-place op did not bump the version");
  }
  {
    char **o = g_strsplit(expect, " ", -1);
    tn_dtype d = dtype_of(o[1]);
    int32_t ndim = (int32_t)atoi(o[2]);
    bool ok = r->dtype == d && r->ndim == ndim;
    for (int32_t i = 0; ok && i < ndim; i++)
      ok = r->shape[i] == g_ascii_strtoll(o[3 + i], NULL, 10) && r->strides[i] == g_ascii_strtoll(o[3 + ndim + i], NULL, 10);
    g_strfreev(o);
    if (!ok) {
      GString *s = g_string_new(NULL);
      g_string_append_printf(s, "%s %d", tn_dtype_name(r->dtype), r->ndim);
      for (int32_t i = 0; i < r->ndim; i++) g_string_append_printf(s, " %" G_GINT64_FORMAT, r->shape[i]);
      for (int32_t i = 0; i < r->ndim; i++) g_string_append_printf(s, " %" G_GINT64_FORMAT, r->strides[i]);
      g_autofree char *got = g_string_free(s, FALSE);
      FAIL("expected '%s', got '%s'", expect, got);
    }
  }
  {
    char **v = g_strsplit(lines[li + 1], " ", -1);
    g_assert_cmpstr(v[0], ==, "val");
    g_assert_cmpuint(g_strv_length(v) - 1, ==, (guint)r->numel);
    bool tol = tolerant_op(kind, name);
    for (int64_t i = 0; i < r->numel; i++) {
      tn_scalar s = tn_get_flat(r, i);
      const char *tok = v[i + 1];
      if (tn_dtype_is_floating(r->dtype)) {
        double want = decode_value(tok, r->dtype), got = s.v.f;
        bool same = (isnan(want) && isnan(got)) || (want == got && signbit(want) == signbit(got));
        if (!same && tol && isfinite(want) && isfinite(got) && fabs(want - got) <= ulp_of(want, r->dtype)) same = true;
        if (!same) {
          g_strfreev(v);
          FAIL("element %" G_GINT64_FORMAT ": expected %a, got %a", i, want, got);
        }
      } else {
        int64_t want = g_ascii_strtoll(tok, NULL, 10), got = s.kind == TN_SCALAR_BOOL ? s.v.b : s.v.i;
        if (want != got) {
          g_strfreev(v);
          FAIL("element %" G_GINT64_FORMAT ": expected %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT, i, want, got);
        }
      }
    }
    g_strfreev(v);
  }
out:
  tn_release(r);
  for (int k = 0; k < nin; k++) tn_release(in[k]);
  g_strfreev(op);
  g_strfreev(lines);
}

/* Every golden record whose op kind is one of `kinds` (space separated). */
static void run_kinds(gconstpointer data) {
  const char *kinds = data;
  char **ks = g_strsplit(kinds, " ", -1);
  failures = 0;
  int count = 0;
  for (size_t i = 0; i < golden_count(golden); i++) {
    const char *v = golden_value(golden, i);
    char kind[32] = {0};
    const char *sp = strchr(v + 3, ' '), *nl = strchr(v + 3, '\n');
    size_t len = (size_t)((sp && (!nl || sp < nl) ? sp : nl) - (v + 3));
    if (len >= sizeof kind) continue;
    memcpy(kind, v + 3, len);
    if (!g_strv_contains((const char *const *)ks, kind)) continue;
    run_record(golden_name(golden, i), v);
    count++;
  }
  g_strfreev(ks);
  g_test_message("%d cases, %d failures", count, failures);
  g_assert_cmpint(count, >, 0);
  if (failures) g_test_fail_printf("%d of %d cases differ from PyTorch", failures, count);
}

/* ----- checks from mathematics ----- */

static tn_tensor *vec(tn_dtype d, int64_t n, double (*f)(int64_t)) {
  tn_tensor *t = tn__new(1, &n, d);
  for (int64_t i = 0; i < n; i++) tn__store_double(tn__data(t) + i * (int64_t)tn_dtype_size(d), d, f(i));
  return t;
}
static double wave_a(int64_t i) { return sin((double)i * 0.37) * 100.0; }
static double wave_b(int64_t i) { return cos((double)i * 0.11) * 3.0; }

/* float16 runs longer than one conversion block, contiguous and strided: each result is the
 * correctly rounded exact sum / product (exact in double for halfs). */
static void test_half_blocks(void) {
  const int64_t n = 1000;
  tn_tensor *a = vec(TN_DTYPE_FLOAT16, n, wave_a), *b = vec(TN_DTYPE_FLOAT16, n, wave_b);
  tn_tensor *s = tn_add(a, b), *p = tn_mul(a, b);
  g_assert_nonnull(s);
  g_assert_nonnull(p);
  for (int64_t i = 0; i < n; i++) {
    double x = tn_get_flat(a, i).v.f, y = tn_get_flat(b, i).v.f;
    g_assert_cmpfloat(tn_get_flat(s, i).v.f, ==, tn_half_to_float(tn_double_to_half(x + y)));
    g_assert_cmpfloat(tn_get_flat(p, i).v.f, ==, tn_half_to_float(tn_double_to_half(x * y)));
  }
  /* every other element of a, against b's first half */
  int64_t half = n / 2, two = 2, one = 1;
  tn_tensor *as = tn__new_view(a, 1, &half, &two, 0), *bs = tn__new_view(b, 1, &half, &one, 0);
  tn_tensor *d = tn_binary(TN_BINARY_SUB, as, bs);
  for (int64_t i = 0; i < half; i++) {
    double x = tn_get_flat(a, 2 * i).v.f, y = tn_get_flat(b, i).v.f;
    g_assert_cmpfloat(tn_get_flat(d, i).v.f, ==, tn_half_to_float(tn_double_to_half(x - y)));
  }
  tn_release(d);
  tn_release(as);
  tn_release(bs);
  tn_release(s);
  tn_release(p);
  tn_release(a);
  tn_release(b);
}

/* float32 and float64 + - * / sqrt are correctly rounded: compare with double / long double. */
static void test_exact_float(void) {
  const int64_t n = 777;
  tn_tensor *a = vec(TN_DTYPE_FLOAT32, n, wave_a), *b = vec(TN_DTYPE_FLOAT32, n, wave_b);
  tn_tensor *q = tn_div(a, b), *r = tn_unary(TN_UNARY_SQRT, b);
  for (int64_t i = 0; i < n; i++) {
    double x = tn_get_flat(a, i).v.f, y = tn_get_flat(b, i).v.f;
    g_assert_cmpfloat(tn_get_flat(q, i).v.f, ==, (double)(float)(x / y)); /* double rounding is safe for / */
    if (y >= 0) g_assert_cmpfloat(tn_get_flat(r, i).v.f, ==, (double)(float)sqrt(y));
  }
  tn_release(q);
  tn_release(r);
  tn_release(a);
  tn_release(b);
}

/* sigmoid far in the tails: the correctly rounded value (e^-x / (1 + e^-x) in long double is exact
 * to far below float precision), except below -88.72, where PyTorch's float32 kernel computes
 * 1 / (1 + exp(-x)), exp overflows, and the result is exactly 0 (torch.sigmoid(tensor(-100.))
 * prints 0.; the lecture's BCE clamp snippets depend on it). */
static void test_sigmoid_tails(void) {
  const double xs[] = {-100.0, -88.8, -88.7, -88.0, -20.0, 0.0, 20.0, 100.0};
  for (size_t k = 0; k < G_N_ELEMENTS(xs); k++) {
    tn_tensor *x = tn_scalar_tensor(tn_scalar_float(xs[k]), TN_OPTS(TN_DTYPE_FLOAT32));
    tn_tensor *y = tn_unary(TN_UNARY_SIGMOID, x);
    long double e = expl(-fabsl((long double)(float)xs[k]));
    long double want = xs[k] < -88.75 ? 0 : xs[k] < 0 ? e / (1 + e) : 1 / (1 + e);
    g_assert_cmpfloat(tn_get_flat(y, 0).v.f, ==, (double)(float)want);
    tn_release(y);
    tn_release(x);
  }
}

static double ramp(int64_t i) { return (double)((i * 7919) % 2001 - 1000); }

/* Strided and broadcast int32 runs: (300 x 7 transposed view) + (7 x 1 column) and * scalar,
 * against element-wise arithmetic in int64. */
static void test_strided_int(void) {
  int64_t n = 2100, shape[2] = {7, 300}, strides[2] = {1, 7}, col_shape[2] = {7, 1}, seven = 7;
  tn_tensor *base = vec(TN_DTYPE_INT32, n, ramp), *colbase = vec(TN_DTYPE_INT32, seven, ramp);
  tn_tensor *t = tn__new_view(base, 2, shape, strides, 0);
  tn_tensor *col = tn__new_view(colbase, 2, col_shape, (int64_t[]){1, 1}, 0);
  tn_tensor *three = tn_wrap_scalar(tn_scalar_int(-3));
  tn_tensor *s = tn_add(t, col), *p = tn_mul(t, three);
  g_assert_cmpint(s->dtype, ==, TN_DTYPE_INT32);
  g_assert_cmpint(p->strides[0], ==, 1); /* the transposed layout is kept */
  g_assert_cmpint(p->strides[1], ==, 7);
  for (int64_t i = 0; i < 7; i++)
    for (int64_t j = 0; j < 300; j++) {
      int64_t x = (int64_t)ramp(j * 7 + i), c = (int64_t)ramp(i);
      g_assert_cmpint(tn_get(s, (int64_t[]){i, j}).v.i, ==, x + c);
      g_assert_cmpint(tn_get(p, (int64_t[]){i, j}).v.i, ==, x * -3);
    }
  tn_release(s);
  tn_release(p);
  tn_release(three);
  tn_release(col);
  tn_release(t);
  tn_release(base);
  tn_release(colbase);
}

static void test_alias_and_version(void) {
  tn_scalar v[3] = {tn_scalar_float(1), tn_scalar_float(2), tn_scalar_float(3)};
  int64_t three = 3;
  tn_tensor *x = tn_from_scalars(1, &three, v, TN_OPTS(TN_DTYPE_FLOAT32));
  uint32_t v0 = tn_version(x);
  tn_tensor *r = tn_binary_(TN_BINARY_ADD, x, x);
  g_assert_true(r == x);
  g_assert_cmpint(x->refcount, ==, 2);
  tn_release(r);
  g_assert_cmpuint(tn_version(x), ==, v0 + 1);
  for (int i = 0; i < 3; i++) g_assert_cmpfloat(tn_get_flat(x, i).v.f, ==, 2.0 * (i + 1));
  /* x[1:] += x[:-1] reads the original values, as PyTorch's vectorised loop does here */
  int64_t two = 2, one = 1;
  tn_tensor *hi = tn__new_view(x, 1, &two, &one, 1), *lo = tn__new_view(x, 1, &two, &one, 0);
  r = tn_binary_(TN_BINARY_ADD, hi, lo);
  g_assert_true(r == hi);
  tn_release(r);
  g_assert_cmpfloat(tn_get_flat(x, 0).v.f, ==, 2.0);
  g_assert_cmpfloat(tn_get_flat(x, 1).v.f, ==, 6.0);
  g_assert_cmpfloat(tn_get_flat(x, 2).v.f, ==, 10.0);
  g_assert_cmpuint(tn_version(x), ==, v0 + 2); /* views share the counter */
  tn_release(hi);
  tn_release(lo);
  tn_release(x);
}

/* With torch.set_default_dtype(torch.float64), integer true division, float functions of integers
 * and int tensor + Python float give float64. */
static void test_default_dtype(void) {
  int64_t two = 2;
  tn_scalar v[2] = {tn_scalar_int(1), tn_scalar_int(3)};
  tn_tensor *i = tn_from_scalars(1, &two, v, TN_OPTS(TN_DTYPE_INT32));
  tn_tensor *h = tn_wrap_scalar(tn_scalar_float(0.5));
  g_assert_cmpint(tn_set_default_dtype(TN_DTYPE_FLOAT64), ==, 0);
  tn_tensor *q = tn_div(i, i), *e = tn_unary(TN_UNARY_EXP, i), *s = tn_add(i, h);
  g_assert_cmpint(tn_set_default_dtype(TN_DTYPE_FLOAT32), ==, 0);
  tn_tensor *q32 = tn_div(i, i), *s32 = tn_add(i, h);
  g_assert_cmpint(q->dtype, ==, TN_DTYPE_FLOAT64);
  g_assert_cmpint(e->dtype, ==, TN_DTYPE_FLOAT64);
  g_assert_cmpint(s->dtype, ==, TN_DTYPE_FLOAT64);
  g_assert_cmpint(q32->dtype, ==, TN_DTYPE_FLOAT32);
  g_assert_cmpint(s32->dtype, ==, TN_DTYPE_FLOAT32);
  g_assert_cmpfloat(tn_get_flat(e, 1).v.f, ==, exp(3.0));
  g_assert_cmpfloat(tn_get_flat(s, 1).v.f, ==, 3.5);
  tn_release(q);
  tn_release(e);
  tn_release(s);
  tn_release(q32);
  tn_release(s32);
  tn_release(h);
  tn_release(i);
}

static void test_names_and_nulls(void) {
  g_assert_cmpstr(tn_binary_op_name(TN_BINARY_ADD), ==, "add");
  g_assert_cmpstr(tn_binary_op_name(TN_BINARY_FLOOR_DIVIDE), ==, "floor_divide");
  g_assert_cmpstr(tn_binary_op_name(TN_BINARY_ATAN2), ==, "atan2");
  g_assert_cmpstr(tn_unary_op_name(TN_UNARY_EXP), ==, "exp");
  g_assert_cmpstr(tn_unary_op_name(TN_UNARY_ISFINITE), ==, "isfinite");
  g_assert_cmpstr(tn_binary_op_name(TN_BINARY_COUNT), ==, "unknown");
  tn_tensor *x = tn_wrap_scalar(tn_scalar_int(1));
  g_assert_null(tn_add(x, NULL));
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_TYPE);
  g_assert_cmpstr(tn_error_message(), ==, "add(): argument 'other' (position 2) must be Tensor, not NoneType");
  g_assert_null(tn_unary(TN_UNARY_EXP, NULL));
  g_assert_null(tn_binary((tn_binary_op)99, x, x));
  g_assert_null(tn_unary((tn_unary_op)-3, x));
  g_assert_null(tn_where(NULL, x, x));
  g_assert_null(tn_clamp(NULL, NULL, NULL));
  bool b;
  g_assert_cmpint(tn_allclose(x, NULL, 0, 0, false, &b), ==, -1);
  g_assert_cmpint(tn_equal(NULL, x, &b), ==, -1);
  tn_release(x);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  golden = golden_load("elementwise.txt");
  g_test_add_data_func("/engine/elementwise/binary", "binary", run_kinds);
  g_test_add_data_func("/engine/elementwise/binary-inplace", "binary_", run_kinds);
  g_test_add_data_func("/engine/elementwise/alpha", "alpha alpha_", run_kinds);
  g_test_add_data_func("/engine/elementwise/unary", "unary unary_", run_kinds);
  g_test_add_data_func("/engine/elementwise/clamp", "clamp clamp_", run_kinds);
  g_test_add_data_func("/engine/elementwise/where", "where", run_kinds);
  g_test_add_data_func("/engine/elementwise/allclose-equal", "allclose equal", run_kinds);
  g_test_add_func("/engine/elementwise/half-blocks", test_half_blocks);
  g_test_add_func("/engine/elementwise/exact-float", test_exact_float);
  g_test_add_func("/engine/elementwise/sigmoid-tails", test_sigmoid_tails);
  g_test_add_func("/engine/elementwise/strided-int", test_strided_int);
  g_test_add_func("/engine/elementwise/alias-and-version", test_alias_and_version);
  g_test_add_func("/engine/elementwise/default-dtype", test_default_dtype);
  g_test_add_func("/engine/elementwise/names-and-nulls", test_names_and_nulls);
  int rc = g_test_run();
  golden_free(golden);
  return rc;
}
