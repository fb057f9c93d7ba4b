/* test-reduce.c — reductions against real PyTorch (tests/golden/gen_reduce.py writes reduce.txt):
 * exact result bits for every op, dtype, layout and dim list the script covers, PyTorch's float
 * summation order included, and every error message. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "tn-internal.h"

static golden_file *golden;

typedef struct {
  char op[32];
  int threads; /* "op@N": PyTorch ran it with N threads; else 1 */
  tn_dtype dtype;
  int64_t nbase;
  int gen;
  int32_t ndim;
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS], offset;
  int32_t ndims; /* 0: no dims given */
  int64_t dims[TN_MAX_DIMS];
  bool keepdim;
  char arg[32];
} spec;

static int32_t parse_list(const char *s, int64_t *out) {
  if (strcmp(s, "-") == 0) return 0;
  char **parts = g_strsplit(s, ",", -1);
  int32_t n = 0;
  for (char **p = parts; *p; p++) out[n++] = g_ascii_strtoll(*p, NULL, 10);
  g_strfreev(parts);
  return n;
}

static void parse_spec(const char *line, spec *s) {
  char **f = g_strsplit(line, " ", -1);
  g_assert_cmpuint(g_strv_length(f), ==, 10);
  memset(s, 0, sizeof *s);
  g_strlcpy(s->op, f[0], sizeof s->op);
  char *at = strchr(s->op, '@');
  s->threads = at ? (int)g_ascii_strtoll(at + 1, NULL, 10) : 1;
  if (at) *at = '\0';
  s->dtype = tn_dtype_from_name(f[1]);
  g_assert_true(s->dtype != TN_DTYPE_UNDEFINED);
  s->nbase = g_ascii_strtoll(f[2], NULL, 10);
  s->gen = (int)g_ascii_strtoll(f[3], NULL, 10);
  s->ndim = parse_list(f[4], s->shape);
  g_assert_cmpint(parse_list(f[5], s->strides), ==, s->ndim);
  s->offset = g_ascii_strtoll(f[6], NULL, 10);
  s->ndims = parse_list(f[7], s->dims);
  s->keepdim = strcmp(f[8], "1") == 0;
  g_strlcpy(s->arg, f[9], sizeof s->arg);
  g_strfreev(f);
}

/* The generator of gen_reduce.py's base_tensor(), exactly. */
static tn_tensor *base_tensor(tn_dtype dt, int64_t n, int gen) {
  tn_tensor *b = tn__new(1, &n, dt);
  g_assert_nonnull(b);
  char *p = tn__data(b);
  size_t es = tn_dtype_size(dt);
  int bits = dt == TN_DTYPE_FLOAT16 ? 11 : dt == TN_DTYPE_BFLOAT16 ? 8 : dt == TN_DTYPE_FLOAT32 ? 24 : 52;
  for (int64_t i = 0; i < n; i++) {
    int64_t m = i * 2654435761LL + 12345;
    int64_t sign = i % 2 == 1 ? -1 : 1;
    char *q = p + (size_t)i * es;
    if (dt == TN_DTYPE_BOOL) {
      bool v = (gen == 0 || gen == 2) ? m % 3 == 0 : gen == 1 ? m % 5 != 0 : i % 4 != 1;
      tn__store_int64(q, dt, v);
    } else if (tn_dtype_is_floating(dt)) {
      int64_t mod = m % ((int64_t)1 << bits);
      double v;
      if (gen == 1)
        v = ldexp((double)mod, -bits);
      else if (gen == 3)
        v = (double)(((i * 7 + 3) % 3 + 1) * sign) * 0.5;
      else if (gen == 4) {
        int k = dt == TN_DTYPE_FLOAT16 ? 15 : dt == TN_DTYPE_BFLOAT16 ? 21 : dt == TN_DTYPE_FLOAT32 ? 31 : 41;
        int sh = dt == TN_DTYPE_FLOAT16 ? 24 : dt == TN_DTYPE_BFLOAT16 ? 25 : dt == TN_DTYPE_FLOAT32 ? 40 : 70;
        v = ldexp((double)(mod - ((int64_t)1 << (bits - 1))), (int)((i * 7) % k) - sh);
      }
      else
        v = ldexp((double)(mod - ((int64_t)1 << (bits - 1))), -(bits - 5));
      if (gen == 5 && i % 1000 == 997) v = NAN;
      if (gen == 2) {
        if (i % 11 == 3) v = NAN;
        if (i % 13 == 5) v = INFINITY;
        if (i % 17 == 7) v = -INFINITY;
      }
      tn__store_double(q, dt, v); /* exact: the values fit the dtype */
    } else {
      int64_t v;
      if (gen == 1) {
        v = m % 7;
      } else if (gen == 3) {
        v = ((i * 7 + 3) % 3 + 1) * sign;
      } else {
        int64_t range = dt == TN_DTYPE_INT16 ? 65536 : dt == TN_DTYPE_INT32 ? ((int64_t)1 << 32)
                        : dt == TN_DTYPE_INT64 ? ((int64_t)1 << 40) : 256;
        int64_t lo = dt == TN_DTYPE_UINT8 ? 0 : -range / 2;
        v = m % range + lo;
      }
      tn__store_int64(q, dt, v);
    }
  }
  return b;
}

/* Runs the op; on error returns NULL (the error is set). max_dim/min_dim return the half asked. */
static tn_tensor *run_op(const spec *s, const tn_tensor *x) {
  const char *op = s->op;
  const int64_t *dims = s->ndims ? s->dims : NULL;
  tn_dtype dt = strcmp(s->arg, "-") == 0 ? TN_DTYPE_UNDEFINED : tn_dtype_from_name(s->arg);
  int64_t corr = g_ascii_strtoll(s->arg, NULL, 10);
  if (!strcmp(op, "sum")) return tn_sum(x, s->ndims, dims, s->keepdim, dt);
  if (!strcmp(op, "mean")) return tn_mean(x, s->ndims, dims, s->keepdim, dt);
  if (!strcmp(op, "prod")) return tn_prod(x, s->ndims, dims, s->keepdim, dt);
  if (!strcmp(op, "amax")) return tn_amax(x, s->ndims, dims, s->keepdim);
  if (!strcmp(op, "amin")) return tn_amin(x, s->ndims, dims, s->keepdim);
  if (!strcmp(op, "var")) return tn_var(x, s->ndims, dims, corr, s->keepdim);
  if (!strcmp(op, "std")) return tn_std(x, s->ndims, dims, corr, s->keepdim);
  if (!strcmp(op, "logsumexp")) return tn_logsumexp(x, s->ndims, dims, s->keepdim);
  if (!strcmp(op, "any")) return tn_any(x, s->ndims, dims, s->keepdim);
  if (!strcmp(op, "all")) return tn_all(x, s->ndims, dims, s->keepdim);
  if (!strcmp(op, "max")) return tn_max(x);
  if (!strcmp(op, "min")) return tn_min(x);
  if (!strcmp(op, "argmax")) return tn_argmax(x, dims, s->keepdim);
  if (!strcmp(op, "argmin")) return tn_argmin(x, dims, s->keepdim);
  if (!strcmp(op, "cumsum")) return tn_cumsum(x, s->dims[0], dt);
  if (!strcmp(op, "cumprod")) return tn_cumprod(x, s->dims[0], dt);
  if (g_str_has_prefix(op, "max_dim") || g_str_has_prefix(op, "min_dim")) {
    tn_tensor *v = NULL, *i = NULL;
    int rc = op[1] == 'a' ? tn_max_dim(x, s->dims[0], s->keepdim, &v, &i) : tn_min_dim(x, s->dims[0], s->keepdim, &v, &i);
    if (rc < 0) {
      g_assert_null(v);
      g_assert_null(i);
      return NULL;
    }
    if (op[8] == 'v') {
      tn_release(i);
      return v;
    }
    tn_release(v);
    return i;
  }
  g_error("unknown op %s", op);
  return NULL;
}

/* The value lines gen_reduce.py writes: hex bit patterns for floats, decimal otherwise. */
static char *format_value(const tn_tensor *t, int64_t i) {
  tn_scalar s = tn_get_flat(t, i);
  if (tn_dtype_is_floating(t->dtype) && isnan(s.v.f)) return g_strdup("nan");
  switch (t->dtype) {
  case TN_DTYPE_FLOAT16: return g_strdup_printf("%04x", tn_double_to_half(s.v.f));
  case TN_DTYPE_BFLOAT16: {
    uint16_t b = isnan(s.v.f) ? 0x7fc0 : tn_double_to_bfloat16(s.v.f);
    return g_strdup_printf("%04x", b);
  }
  case TN_DTYPE_FLOAT32: {
    float f = (float)s.v.f;
    uint32_t u;
    memcpy(&u, &f, 4);
    return g_strdup_printf("%08x", u);
  }
  case TN_DTYPE_FLOAT64: {
    uint64_t u;
    memcpy(&u, &s.v.f, 8);
    return g_strdup_printf("%016" G_GINT64_MODIFIER "x", u);
  }
  case TN_DTYPE_BOOL: return g_strdup(s.v.b ? "1" : "0");
  default: return g_strdup_printf("%" G_GINT64_FORMAT, s.v.i);
  }
}

static uint64_t fnv(const char *s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
  return h;
}

static bool is_nan_bits(const char *hex, tn_dtype dt) {
  if (strcmp(hex, "nan") == 0) return true;
  uint64_t u = g_ascii_strtoull(hex, NULL, 16);
  switch (dt) {
  case TN_DTYPE_FLOAT16: return (u & 0x7c00) == 0x7c00 && (u & 0x3ff);
  case TN_DTYPE_BFLOAT16: return (u & 0x7f80) == 0x7f80 && (u & 0x7f);
  case TN_DTYPE_FLOAT32: return (u & 0x7f800000u) == 0x7f800000u && (u & 0x7fffff);
  case TN_DTYPE_FLOAT64: return (u & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL && (u & 0xfffffffffffffULL);
  default: return false;
  }
}

/* Equal bits, both NaN, or (when ulps > 0) within ulps units in the last place. */
static bool value_matches(const char *got, const char *want, tn_dtype dt, int ulps) {
  if (strcmp(got, want) == 0) return true;
  if (!tn_dtype_is_floating(dt)) return false;
  if (is_nan_bits(got, dt) && is_nan_bits(want, dt)) return true;
  if (ulps == 0 || is_nan_bits(got, dt) || is_nan_bits(want, dt)) return false;
  uint64_t a = g_ascii_strtoull(got, NULL, 16), b = g_ascii_strtoull(want, NULL, 16);
  size_t bits = tn_dtype_size(dt) * 8;
  uint64_t signbit = (uint64_t)1 << (bits - 1);
  if ((a & signbit) != (b & signbit)) return false;
  uint64_t d = a > b ? a - b : b - a;
  return d <= (uint64_t)ulps;
}

static char *shape_string(const tn_tensor *t) {
  GString *s = g_string_new(NULL);
  for (int32_t d = 0; d < t->ndim; d++) g_string_append_printf(s, "%s%" G_GINT64_FORMAT, d ? "," : "", t->shape[d]);
  if (t->ndim == 0) g_string_append(s, "-");
  return g_string_free(s, FALSE);
}

/* Checks one golden case; returns false (after printing why) on a mismatch. */
static bool check_case(const char *name, const char *record, int ulps) {
  char **lines = g_strsplit(record, "\n", -1);
  spec s;
  parse_spec(lines[0], &s);
  tn_tensor *base = base_tensor(s.dtype, s.nbase, s.gen);
  tn_tensor *x = tn__new_view(base, s.ndim, s.shape, s.strides, s.offset);
  tn_error_clear();
  tn_set_num_threads(s.threads);
  tn_tensor *r = run_op(&s, x);
  tn_set_num_threads(1);
  bool ok = true;
  if (g_str_has_prefix(lines[1], "error ")) {
    g_autofree char *got = r ? g_strdup("no error")
                             : g_strdup_printf("%s: %s", tn_error_kind_name(tn_error_kind_last()), tn_error_message());
    if (strcmp(got, lines[1] + 6) != 0) {
      g_printerr("%s [%s]: expected error '%s', got '%s'\n", name, lines[0], lines[1] + 6, got);
      ok = false;
    }
  } else if (!r) {
    g_printerr("%s [%s]: unexpected error %s\n", name, lines[0], tn_error_message());
    ok = false;
  } else {
    g_autofree char *shape = shape_string(r);
    g_autofree char *head = g_strdup_printf("%s %s", tn_dtype_torch_name(r->dtype), shape);
    if (strcmp(head, lines[1]) != 0) {
      g_printerr("%s [%s]: expected '%s', got '%s'\n", name, lines[0], lines[1], head);
      ok = false;
    } else {
      guint nlines = g_strv_length(lines) - 2;
      bool hashed = nlines > 0 && g_str_has_prefix(lines[nlines + 1], "fnv ");
      GString *all = g_string_new(NULL);
      for (int64_t i = 0; i < r->numel; i++) {
        g_autofree char *v = format_value(r, i);
        if (i) g_string_append_c(all, '\n');
        g_string_append(all, v);
        if ((guint)i < nlines - (hashed ? 1 : 0)) {
          if (ok && !value_matches(v, lines[i + 2], r->dtype, ulps)) {
            g_printerr("%s [%s]: value %" G_GINT64_FORMAT ": expected %s, got %s\n", name, lines[0], i, lines[i + 2], v);
            ok = false;
          }
        }
      }
      if (!hashed && (guint)r->numel != nlines) {
        g_printerr("%s [%s]: expected %u values, got %" G_GINT64_FORMAT "\n", name, lines[0], nlines, r->numel);
        ok = false;
      }
      if (hashed && ok) {
        g_autofree char *h = g_strdup_printf("fnv %016" G_GINT64_MODIFIER "x", fnv(all->str));
        if (strcmp(h, lines[nlines + 1]) != 0) {
          g_printerr("%s [%s]: digest of all %" G_GINT64_FORMAT " values differs\n", name, lines[0], r->numel);
          ok = false;
        }
      }
      g_string_free(all, TRUE);
    }
  }
  tn_release(r);
  tn_release(x);
  tn_release(base);
  g_strfreev(lines);
  return ok;
}

/* Runs every golden case of the ops named (space-separated); all must match. */
static void run_cases(const char *ops, int ulps) {
  char **names = g_strsplit(ops, " ", -1);
  size_t n = 0, failed = 0;
  for (size_t i = 0; i < golden_count(golden); i++) {
    const char *value = golden_value(golden, i);
    const char *sp = strchr(value, ' ');
    g_assert_nonnull(sp);
    g_autofree char *op = g_strndup(value, (gsize)(sp - value));
    if (!g_strv_contains((const char *const *)names, op)) continue;
    n++;
    if (!check_case(golden_name(golden, i), value, ulps)) failed++;
  }
  g_strfreev(names);
  g_test_message("%zu cases, %zu failed", n, failed);
  g_assert_cmpuint(n, >, 0);
  g_assert_cmpuint(failed, ==, 0);
}

static void test_sum(void) { run_cases("sum", 0); }
static void test_mean(void) { run_cases("mean", 0); }
static void test_prod(void) { run_cases("prod", 0); }
static void test_amax_amin(void) { run_cases("amax amin", 0); }
static void test_var_std(void) { run_cases("var std", 0); }
/* exp and log are correctly rounded here; PyTorch's vectorised exp is not always: 1 ulp. */
static void test_logsumexp(void) { run_cases("logsumexp", 1); }
static void test_any_all(void) { run_cases("any all", 0); }
static void test_max_min(void) { run_cases("max min", 0); }
static void test_max_min_dim(void) { run_cases("max_dim_v max_dim_i min_dim_v min_dim_i", 0); }
static void test_argmax_argmin(void) { run_cases("argmax argmin", 0); }
static void test_cumsum_cumprod(void) { run_cases("cumsum cumprod", 0); }
/* PyTorch with 2, 3 and 4 threads: large reductions to one value, split as its threads split them
 * (the engine runs the pieces on however many threads it has: the split alone decides the bits). */
static void test_threads(void) {
  run_cases("sum@2 sum@3 sum@4 mean@2 mean@3 mean@4 amax@2 amax@3 amax@4 amin@2 amin@3 amin@4", 0);
  g_assert_cmpint(tn_get_num_threads(), ==, 1);
}

/* The lecture's float16 lesson: a float16 running sum of ones stops at 2048 (2048 + 1 rounds back
 * to 2048), while PyTorch accumulates in float and rounds once: 20000 ones sum to 20000 exactly.
 * Mathematics, not PyTorch, gives these values. */
static void test_float16_accumulation(void) {
  int64_t n = 20000;
  tn_tensor *x = tn__new(1, &n, TN_DTYPE_FLOAT16);
  for (int64_t i = 0; i < n; i++) tn__store_double(tn__data(x) + i * 2, TN_DTYPE_FLOAT16, 1.0);
  tn_tensor *s = tn_sum(x, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_nonnull(s);
  g_assert_cmpint(s->dtype, ==, TN_DTYPE_FLOAT16);
  g_assert_cmpfloat(tn_get_flat(s, 0).v.f, ==, 20000.0);
  tn_tensor *m = tn_mean(x, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpfloat(tn_get_flat(m, 0).v.f, ==, 1.0);
  tn_release(m);
  tn_release(s);
  tn_release(x);
}

/* Bad arguments: errors, no crash. */
static void test_bad_arguments(void) {
  g_assert_null(tn_sum(NULL, 0, NULL, false, TN_DTYPE_UNDEFINED));
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_TYPE);
  int64_t n = 3;
  tn_tensor *x = tn_zeros(1, &n, TN_OPTS(TN_DTYPE_FLOAT32));
  g_assert_cmpint(tn_max_dim(x, 0, false, NULL, NULL), ==, -1);
  g_assert_null(tn_sum(x, 0, NULL, false, (tn_dtype)42));
  tn_tensor *v = (tn_tensor *)1, *i = (tn_tensor *)1;
  g_assert_cmpint(tn_max_dim(x, 1, false, &v, &i), ==, -1);
  g_assert_null(v);
  g_assert_null(i);
  g_assert_cmpstr(tn_error_message(), ==, "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
  tn_release(x);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  golden = golden_load("reduce.txt");
  tn_set_num_threads(1); /* as gen_reduce.py runs PyTorch, but for the "op@N" cases */
  g_test_add_func("/engine/reduce/sum", test_sum);
  g_test_add_func("/engine/reduce/threads", test_threads);
  g_test_add_func("/engine/reduce/mean", test_mean);
  g_test_add_func("/engine/reduce/prod", test_prod);
  g_test_add_func("/engine/reduce/amax-amin", test_amax_amin);
  g_test_add_func("/engine/reduce/var-std", test_var_std);
  g_test_add_func("/engine/reduce/logsumexp", test_logsumexp);
  g_test_add_func("/engine/reduce/any-all", test_any_all);
  g_test_add_func("/engine/reduce/max-min", test_max_min);
  g_test_add_func("/engine/reduce/max-min-dim", test_max_min_dim);
  g_test_add_func("/engine/reduce/argmax-argmin", test_argmax_argmin);
  g_test_add_func("/engine/reduce/cumsum-cumprod", test_cumsum_cumprod);
  g_test_add_func("/engine/reduce/float16-accumulation", test_float16_accumulation);
  g_test_add_func("/engine/reduce/bad-arguments", test_bad_arguments);
  int rc = g_test_run();
  golden_free(golden);
  return rc;
}
