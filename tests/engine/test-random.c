/* test-random.c — the CPU generator against real PyTorch.
 *
 * Every record of tests/golden/random.txt (written by tests/golden/gen_random.py) is a short
 * program of seeds and random ops with PyTorch's results as bit patterns; each becomes one test,
 * /engine/random/golden/NAME, replayed here on the engine. The other tests check what needs no
 * PyTorch: the mt19937 reference value, the 64-bit draw layout, nondeterministic seeding, version
 * counters and argument checks. */
#include <glib.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "tn-internal.h"
#include "tn.h"

static golden_file *golden;

/* ----- parsing ----- */

static tn_dtype parse_dtype(const char *s) {
  tn_dtype d = tn_dtype_from_name(s);
  g_assert_cmpint(d, !=, TN_DTYPE_UNDEFINED);
  return d;
}

static int32_t parse_list(const char *s, int64_t *out) {
  if (strcmp(s, "()") == 0) return 0;
  g_auto(GStrv) parts = g_strsplit(s, ",", -1);
  int32_t n = 0;
  for (char **p = parts; *p; p++) out[n++] = g_ascii_strtoll(*p, NULL, 10);
  return n;
}

static double parse_double(const char *s) {
  char *end = NULL;
  double v = g_ascii_strtod(s, &end);
  g_assert_true(end && *end == '\0');
  return v;
}

/* ----- reading results ----- */

/* Raw bits of element i (row-major over the logical shape) of t. */
static uint64_t raw_bits_at(const tn_tensor *t, int64_t i) {
  int64_t off = 0;
  for (int32_t d = t->ndim - 1; d >= 0; d--) {
    off += (i % t->shape[d]) * t->strides[d];
    i /= t->shape[d];
  }
  size_t size = tn_dtype_size(t->dtype);
  const char *p = (const char *)tn__data(t) + off * (int64_t)size;
  uint64_t v = 0;
  switch (size) {
  case 1: { uint8_t x; memcpy(&x, p, 1); v = x; break; }
  case 2: { uint16_t x; memcpy(&x, p, 2); v = x; break; }
  case 4: { uint32_t x; memcpy(&x, p, 4); v = x; break; }
  default: memcpy(&v, p, 8); break;
  }
  return v;
}

/* The expected token for element bits of a dtype: hex bits for floating dtypes, decimal ints. */
static char *format_bits(uint64_t bits, tn_dtype d) {
  if (tn_dtype_is_floating(d)) return g_strdup_printf("%" PRIx64, bits);
  int64_t v;
  switch (d) {
  case TN_DTYPE_BOOL: case TN_DTYPE_UINT8: v = (int64_t)bits; break;
  case TN_DTYPE_INT8: v = (int8_t)(uint8_t)bits; break;
  case TN_DTYPE_INT16: v = (int16_t)(uint16_t)bits; break;
  case TN_DTYPE_INT32: v = (int32_t)(uint32_t)bits; break;
  default: memcpy(&v, &bits, 8); break;
  }
  return g_strdup_printf("%" PRId64, v);
}

/* Distance in units in the last place between two floating values of one dtype's width. */
static uint64_t ulp_distance(uint64_t a, uint64_t b, size_t size) {
  unsigned bits = (unsigned)size * 8;
  uint64_t sign = UINT64_C(1) << (bits - 1);
  /* map sign-magnitude to a monotonic unsigned scale */
  uint64_t ka = (a & sign) ? sign - (a & (sign - 1)) : sign + a;
  uint64_t kb = (b & sign) ? sign - (b & (sign - 1)) : sign + b;
  return ka > kb ? ka - kb : kb - ka;
}

/* ----- the interpreter ----- */

typedef struct {
  const char *name;
  char **lines;
  int pos;
  int nlines;
} program;

static const char *peek(program *p) { return p->pos < p->nlines ? p->lines[p->pos] : NULL; }

/* Collects the tokens of consecutive "=" lines. */
static GPtrArray *take_values(program *p) {
  GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
  const char *l;
  while ((l = peek(p)) && l[0] == '=') {
    g_auto(GStrv) toks = g_strsplit(l + 1, " ", -1);
    for (char **t = toks; *t; t++)
      if (**t) g_ptr_array_add(vals, g_strdup(*t));
    p->pos++;
  }
  return vals;
}

/* Checks a result (or an error) against the expectation that follows the command. libm_ulps: how
 * many ulps floating results may be off (results that went through libm's log/sin/cos, whose last
 * bit may differ between C libraries; PyTorch calls the same functions here). */
static void expect(program *p, const char *cmd, const tn_tensor *t, uint64_t libm_ulps) {
  const char *l = peek(p);
  g_assert_nonnull(l);
  if (l[0] == '!') {
    p->pos++;
    g_autofree char *got = t ? g_strdup("no error")
                             : g_strdup_printf("%s: %s", tn_error_kind_name(tn_error_kind_last()), tn_error_message());
    if (g_strcmp0(got, l + 2) != 0) g_error("%s: '%s': expected '%s', got '%s'", p->name, cmd, l + 2, got);
    return;
  }
  if (!t) g_error("%s: '%s' failed: %s", p->name, cmd, tn_error_message());
  /* TN_TEST_EXACT=1: every bit, libm results included (true where the data was generated) */
  if (g_getenv("TN_TEST_EXACT")) libm_ulps = 0;
  g_autoptr(GPtrArray) vals = take_values(p);
  if ((int64_t)vals->len != t->numel)
    g_error("%s: '%s': %u expected values, %" PRId64 " elements", p->name, cmd, vals->len, t->numel);
  size_t size = tn_dtype_size(t->dtype);
  bool floating = tn_dtype_is_floating(t->dtype);
  for (int64_t i = 0; i < t->numel; i++) {
    uint64_t bits = raw_bits_at(t, i);
    g_autofree char *got = format_bits(bits, t->dtype);
    const char *want = vals->pdata[i];
    if (strcmp(got, want) == 0) continue;
    if (floating && libm_ulps > 0) {
      uint64_t w = g_ascii_strtoull(want, NULL, 16);
      if (ulp_distance(w, bits, size) <= libm_ulps) continue;
    }
    g_error("%s: '%s': element %" PRId64 ": expected %s, got %s", p->name, cmd, i, want, got);
  }
}

static void run_program(gconstpointer data) {
  size_t index = GPOINTER_TO_SIZE(data);
  program p = {.name = golden_name(golden, index)};
  p.lines = g_strsplit(golden_value(golden, index), "\n", -1);
  p.nlines = (int)g_strv_length(p.lines);
  const char *l;
  while ((l = peek(&p))) {
    p.pos++;
    g_auto(GStrv) a = g_strsplit(l, " ", -1);
    int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
    tn_error_clear();
    if (strcmp(a[0], "seed") == 0) {
      tn_manual_seed(g_ascii_strtoull(a[1], NULL, 10));
    } else if (strcmp(a[0], "initial_seed") == 0) {
      g_autoptr(GPtrArray) vals = take_values(&p);
      g_assert_cmpuint(vals->len, ==, 1);
      g_assert_cmpuint(tn_initial_seed(), ==, g_ascii_strtoull(vals->pdata[0], NULL, 10));
    } else if (strcmp(a[0], "rand") == 0 || strcmp(a[0], "randn") == 0) {
      tn_dtype d = parse_dtype(a[1]);
      int32_t nd = parse_list(a[2], shape);
      bool normal = a[0][4] == 'n';
      tn_tensor *t = normal ? tn_randn(nd, shape, TN_OPTS(d)) : tn_rand(nd, shape, TN_OPTS(d));
      if (t) g_assert_true(t->dtype == d && t->ndim == nd && tn_is_contiguous(t) && tn_version(t) == 0);
      expect(&p, l, t, normal && d != TN_DTYPE_FLOAT32 ? 1 : 0);
      tn_release(t);
    } else if (strcmp(a[0], "randint") == 0) {
      int64_t lo = g_ascii_strtoll(a[1], NULL, 10), hi = g_ascii_strtoll(a[2], NULL, 10);
      tn_dtype d = parse_dtype(a[3]);
      int32_t nd = parse_list(a[4], shape);
      tn_tensor *t = tn_randint(lo, hi, nd, shape, TN_OPTS(d));
      if (t) g_assert_true(t->dtype == d && t->ndim == nd);
      expect(&p, l, t, 0);
      tn_release(t);
    } else if (strcmp(a[0], "randperm") == 0) {
      int64_t n = g_ascii_strtoll(a[1], NULL, 10);
      tn_dtype d = parse_dtype(a[2]);
      tn_tensor *t = tn_randperm(n, TN_OPTS(d));
      if (t) g_assert_true(t->dtype == d && t->ndim == 1 && t->shape[0] == n);
      expect(&p, l, t, 0);
      tn_release(t);
    } else if (strcmp(a[0], "uniform") == 0 || strcmp(a[0], "normal") == 0) {
      tn_dtype d = parse_dtype(a[1]);
      double x = parse_double(a[2]), y = parse_double(a[3]);
      int64_t base_n = g_ascii_strtoll(a[4], NULL, 10);
      int32_t nd = parse_list(a[5], shape);
      g_assert_cmpint(parse_list(a[6], strides), ==, nd);
      int64_t offset = g_ascii_strtoll(a[7], NULL, 10);
      tn_tensor *base = tn_zeros(1, &base_n, TN_OPTS(d));
      g_assert_nonnull(base);
      tn_tensor *v = tn__new_view(base, nd, shape, strides, offset);
      bool normal = a[0][0] == 'n';
      uint32_t version = tn_version(base);
      tn_tensor *r = normal ? tn_normal_(v, x, y) : tn_uniform_(v, x, y);
      g_assert_true(r == NULL || r == v);
      /* in-place: one version bump on success, none on failure */
      g_assert_cmpuint(tn_version(base), ==, version + (r ? 1 : 0));
      expect(&p, l, r ? base : NULL, normal && d != TN_DTYPE_FLOAT32 ? 1 : 0);
      tn_release(r);
      tn_release(v);
      tn_release(base);
    } else if (strcmp(a[0], "rand_like") == 0 || strcmp(a[0], "randn_like") == 0) {
      tn_dtype d = parse_dtype(a[1]);
      int32_t nd = parse_list(a[2], shape);
      g_assert_cmpint(parse_list(a[3], strides), ==, nd);
      tn_tensor *x = tn_empty_strided(nd, shape, strides, TN_OPTS(d));
      g_assert_nonnull(x);
      bool normal = a[0][4] == 'n';
      tn_tensor *t = normal ? tn_randn_like(x, TN_OPTS_INFER) : tn_rand_like(x, TN_OPTS_INFER);
      const char *sl = peek(&p);
      if (t && sl && g_str_has_prefix(sl, "strides ")) {
        p.pos++;
        int64_t want[TN_MAX_DIMS];
        g_assert_cmpint(parse_list(sl + 8, want), ==, t->ndim);
        for (int32_t k = 0; k < t->ndim; k++) g_assert_cmpint(t->strides[k], ==, want[k]);
        g_assert_true(t->dtype == d);
      }
      expect(&p, l, t, normal && d != TN_DTYPE_FLOAT32 ? 1 : 0);
      tn_release(t);
      tn_release(x);
    } else if (strcmp(a[0], "digest") == 0) {
      tn_dtype d = parse_dtype(a[2]);
      int64_t n = g_ascii_strtoll(a[3], NULL, 10);
      tn_tensor *t = strcmp(a[1], "randn") == 0 ? tn_randn(1, &n, TN_OPTS(d)) : tn_rand(1, &n, TN_OPTS(d));
      g_assert_nonnull(t);
      /* FNV-1a over the elements' bit patterns, as gen_random.py computes it */
      uint64_t h = UINT64_C(0xcbf29ce484222325);
      for (int64_t i = 0; i < n; i++) h = (h ^ raw_bits_at(t, i)) * UINT64_C(0x100000001b3);
      g_autoptr(GPtrArray) vals = take_values(&p);
      g_assert_cmpuint(vals->len, ==, 1);
      g_assert_cmpuint(h, ==, g_ascii_strtoull(vals->pdata[0], NULL, 16));
      tn_release(t);
    } else if (l[0] == '\0') {
      continue;
    } else {
      g_error("%s: unknown command '%s'", p.name, l);
    }
  }
  g_strfreev(p.lines);
}

/* ----- tests that need no PyTorch ----- */

/* The C++ standard's check of mt19937: with the default seed 5489, the 10000th draw is
 * 4123659995; the first is 3499211612 and the second 581869302. */
static void test_mt19937_reference(void) {
  tn_generator *g = tn_default_generator();
  g_assert_nonnull(g);
  tn_manual_seed(5489);
  g_assert_cmpuint(tn_generator_random(g), ==, 3499211612u);
  g_assert_cmpuint(tn_generator_random(g), ==, 581869302u);
  uint32_t v = 0;
  for (int i = 2; i < 10000; i++) v = tn_generator_random(g);
  g_assert_cmpuint(v, ==, 4123659995u);
  /* random64: the first 32-bit draw is the high half */
  tn_manual_seed(5489);
  g_assert_cmpuint(tn_generator_random64(NULL), ==, (UINT64_C(3499211612) << 32) | UINT64_C(581869302));
  /* the 64-bit seed is kept whole; the engine only sees its low 32 bits */
  tn_manual_seed((UINT64_C(1) << 40) | 5489);
  g_assert_cmpuint(tn_initial_seed(), ==, (UINT64_C(1) << 40) | 5489);
  g_assert_cmpuint(tn_generator_random(g), ==, 3499211612u);
}

/* The lecture: torch.manual_seed(0); torch.randn(2, 3) prints
 * [[1.5410, -0.2934, -2.1788], [0.5684, -1.0845, -1.3986]]. */
static void test_lecture_values(void) {
  static const double want[6] = {1.5410, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986};
  tn_manual_seed(0);
  int64_t shape[2] = {2, 3};
  tn_tensor *t = tn_randn(2, shape, TN_OPTS_INFER);
  g_assert_nonnull(t);
  g_assert_true(t->dtype == TN_DTYPE_FLOAT32);
  for (int i = 0; i < 6; i++) g_assert_cmpfloat_with_epsilon(tn_get_flat(t, i).v.f, want[i], 0.00005);
  tn_release(t);
}

/* normal_(mean, std) is the standard sample times std plus mean, rounded once (PyTorch's build fuses
 * that multiply-add): checked exactly, with no libm in the comparison, on the paths where the
 * standard sample is visible -- double (fill and per-element) and the float32 fill. */
static void test_normal_transform(void) {
  static const struct { tn_dtype d; int64_t n; } cases[] = {
      {TN_DTYPE_FLOAT64, 40}, {TN_DTYPE_FLOAT64, 5}, {TN_DTYPE_FLOAT32, 40}};
  const double mean = 1.5, std = 0.3;
  for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
    int64_t n = cases[k].n;
    tn_manual_seed(3);
    tn_tensor *a = tn_randn(1, &n, TN_OPTS(cases[k].d));
    tn_manual_seed(3);
    tn_tensor *b = tn_empty(1, &n, TN_OPTS(cases[k].d));
    tn_tensor *r = tn_normal_(b, mean, std);
    g_assert_true(r == b);
    for (int64_t i = 0; i < n; i++) {
      double x = tn_get_flat(a, i).v.f, y = tn_get_flat(b, i).v.f;
      double want = cases[k].d == TN_DTYPE_FLOAT64 ? fma(x, std, mean) : (double)fmaf((float)x, (float)std, (float)mean);
      g_assert_cmpfloat(y, ==, want);
    }
    tn_release(r);
    tn_release(a);
    tn_release(b);
  }
}

static char *self_exe;

/* The default generator starts from a nondeterministic seed, as PyTorch's does: two fresh
 * processes report different initial seeds (and a fresh seed() differs from the last). */
static void test_nondeterministic_seed(void) {
  char *argv[] = {self_exe, NULL};
  g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "TN_TEST_PRINT_SEED", "1", TRUE);
  g_autofree char *out1 = NULL, *out2 = NULL;
  g_autoptr(GError) err = NULL;
  g_assert_true(g_spawn_sync(NULL, argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out1, NULL, NULL, &err));
  g_assert_true(g_spawn_sync(NULL, argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out2, NULL, NULL, &err));
  g_assert_cmpstr(out1, !=, "");
  g_assert_cmpstr(out1, !=, out2);

  uint64_t s1 = tn_seed();
  g_assert_cmpuint(tn_initial_seed(), ==, s1);
  int64_t n = 5;
  tn_tensor *a = tn_rand(1, &n, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_manual_seed(s1);
  tn_tensor *b = tn_rand(1, &n, TN_OPTS(TN_DTYPE_FLOAT64));
  bool same = false;
  g_assert_cmpint(tn_equal(a, b, &same), ==, 0);
  g_assert_true(same);
  uint64_t s2 = tn_seed();
  g_assert_cmpuint(s1, !=, s2);
  tn_release(a);
  tn_release(b);
}

/* Defaults: rand/randn follow the default dtype; randint and randperm make int64. */
static void test_default_dtypes(void) {
  int64_t n = 4;
  tn_set_default_dtype(TN_DTYPE_FLOAT64);
  tn_tensor *a = tn_rand(1, &n, TN_OPTS_INFER), *b = tn_randn(1, &n, TN_OPTS_INFER);
  tn_set_default_dtype(TN_DTYPE_FLOAT32);
  tn_tensor *c = tn_randint(0, 3, 1, &n, TN_OPTS_INFER), *d = tn_randperm(n, TN_OPTS_INFER);
  tn_tensor *e = tn_rand_like(c, TN_OPTS(TN_DTYPE_FLOAT16));
  g_assert_true(a->dtype == TN_DTYPE_FLOAT64 && b->dtype == TN_DTYPE_FLOAT64);
  g_assert_true(c->dtype == TN_DTYPE_INT64 && d->dtype == TN_DTYPE_INT64);
  g_assert_true(e->dtype == TN_DTYPE_FLOAT16);
  /* rand_like of an integer tensor keeps its dtype, which uniform_ refuses */
  g_assert_null(tn_rand_like(c, TN_OPTS_INFER));
  g_assert_cmpstr(tn_error_message(), ==, "\"check_uniform_bounds\" not implemented for 'Long'");
  g_assert_null(tn_randn_like(c, TN_OPTS_INFER));
  g_assert_cmpstr(tn_error_message(), ==, "\"normal_kernel_cpu\" not implemented for 'Long'");
  tn_release(a);
  tn_release(b);
  tn_release(c);
  tn_release(d);
  tn_release(e);
}

/* Bad arguments fail cleanly, with no draw taken. */
static void test_bad_arguments(void) {
  int64_t n = 3;
  tn_manual_seed(9);
  uint32_t first = tn_generator_random(NULL);
  tn_manual_seed(9);
  g_assert_null(tn_uniform_(NULL, 0, 1));
  g_assert_null(tn_normal_(NULL, 0, 1));
  g_assert_null(tn_rand_like(NULL, TN_OPTS_INFER));
  g_assert_null(tn_randn_like(NULL, TN_OPTS_INFER));
  g_assert_null(tn_rand(2, NULL, TN_OPTS_INFER));
  g_assert_null(tn_randn(TN_MAX_DIMS + 1, NULL, TN_OPTS_INFER));
  g_assert_null(tn_rand(-1, &n, TN_OPTS_INFER));
  tn_options cuda = {TN_DTYPE_FLOAT32, {TN_DEVICE_CUDA, 0}};
  g_assert_null(tn_rand(1, &n, cuda));
  g_assert_null(tn_randint(0, 5, 1, &n, cuda));
  g_assert_null(tn_randperm(3, cuda));
  g_assert_null(tn_randint(3, 3, 1, &n, TN_OPTS_INFER));
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_RUNTIME);
  g_assert_cmpuint(tn_generator_random(NULL), ==, first);
}

/* Zero elements: nothing drawn, nothing written. */
static void test_empty(void) {
  int64_t shape[2] = {0, 4};
  tn_manual_seed(4);
  uint32_t first = tn_generator_random(NULL);
  tn_manual_seed(4);
  tn_tensor *a = tn_rand(2, shape, TN_OPTS_INFER), *b = tn_randn(2, shape, TN_OPTS_INFER);
  tn_tensor *c = tn_randint(0, 9, 2, shape, TN_OPTS_INFER), *d = tn_randperm(0, TN_OPTS_INFER);
  tn_tensor *e = tn_randperm(1, TN_OPTS_INFER);
  g_assert_true(a && b && c && d && e);
  g_assert_cmpint(a->numel + b->numel + c->numel + d->numel, ==, 0);
  g_assert_cmpint(tn_get_flat(e, 0).v.i, ==, 0);
  g_assert_cmpuint(tn_generator_random(NULL), ==, first);
  tn_release(a);
  tn_release(b);
  tn_release(c);
  tn_release(d);
  tn_release(e);
}

int main(int argc, char **argv) {
  if (g_getenv("TN_TEST_PRINT_SEED")) {
    printf("%" PRIu64 "\n", tn_initial_seed());
    return 0;
  }
  self_exe = g_canonicalize_filename(argv[0], NULL);
  g_test_init(&argc, &argv, NULL);
  golden = golden_load("random.txt");
  g_test_add_func("/engine/random/mt19937-reference", test_mt19937_reference);
  g_test_add_func("/engine/random/lecture-values", test_lecture_values);
  g_test_add_func("/engine/random/normal-transform", test_normal_transform);
  g_test_add_func("/engine/random/nondeterministic-seed", test_nondeterministic_seed);
  g_test_add_func("/engine/random/default-dtypes", test_default_dtypes);
  g_test_add_func("/engine/random/bad-arguments", test_bad_arguments);
  g_test_add_func("/engine/random/empty", test_empty);
  for (size_t i = 0; i < golden_count(golden); i++) {
    g_autofree char *path = g_strdup_printf("/engine/random/golden/%s", golden_name(golden, i));
    g_test_add_data_func(path, GSIZE_TO_POINTER(i), run_program);
  }
  int rc = g_test_run();
  golden_free(golden);
  g_free(self_exe);
  return rc;
}
