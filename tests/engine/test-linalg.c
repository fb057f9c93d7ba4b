/* test-linalg.c — matrix products, einsum, linalg.solve and norms against PyTorch's results.
 *
 * Every case lives in tests/golden/linalg.txt (written by gen_linalg.py with real PyTorch 1.13):
 * its operands (exact values plus the views to apply), its parameters, and either the exact error
 * PyTorch raised or the result's dtype, shape, strides and values with a tolerance. This file is
 * the interpreter; the format is described at the top of gen_linalg.py. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "tn.h"

static golden_file *golden;

static int parse_list(const char *s, int64_t *out) {
  if (strcmp(s, "-") == 0) return 0;
  char **parts = g_strsplit(s, ",", -1);
  int n = 0;
  for (char **p = parts; *p; p++) out[n++] = g_ascii_strtoll(*p, NULL, 10);
  g_strfreev(parts);
  return n;
}

static tn_tensor *apply_view(tn_tensor *t, const char *step) {
  char **p = g_strsplit(step, ":", -1);
  tn_tensor *r = NULL;
  int64_t v[TN_MAX_DIMS];
  switch (p[0][0]) {
  case 'T': r = tn_transpose(t, g_ascii_strtoll(p[1], NULL, 10), g_ascii_strtoll(p[2], NULL, 10)); break;
  case 'S':
    r = tn_slice(t, g_ascii_strtoll(p[1], NULL, 10), true, g_ascii_strtoll(p[2], NULL, 10), true,
                 g_ascii_strtoll(p[3], NULL, 10), g_ascii_strtoll(p[4], NULL, 10));
    break;
  case 'E': r = tn_expand(t, parse_list(p[1], v), v); break;
  case 'P': r = tn_permute(t, parse_list(p[1], v), v); break;
  case 'U': r = tn_unsqueeze(t, g_ascii_strtoll(p[1], NULL, 10)); break;
  default: g_error("unknown view %s", step);
  }
  g_assert_nonnull(r);
  g_strfreev(p);
  tn_release(t);
  return r;
}

/* "arg DTYPE SHAPE VIEWS" followed by "v VALUES" */
static tn_tensor *build_arg(const char *argline, const char *vline) {
  char **f = g_strsplit(argline, " ", -1);
  tn_dtype dt = tn_dtype_from_name(f[1]);
  g_assert_cmpint(dt, !=, TN_DTYPE_UNDEFINED);
  int64_t shape[TN_MAX_DIMS];
  int nd = parse_list(f[2], shape);
  char **vals = g_strsplit(vline + 1, " ", -1);
  int64_t n = 1;
  for (int i = 0; i < nd; i++) n *= shape[i];
  tn_scalar *sc = g_new0(tn_scalar, n > 0 ? n : 1);
  int64_t k = 0;
  for (char **v = vals; *v; v++) {
    if (!**v) continue;
    g_assert_cmpint(k, <, n);
    if (dt == TN_DTYPE_BOOL) sc[k++] = tn_scalar_bool(**v == '1');
    else if (tn_dtype_is_floating(dt)) sc[k++] = tn_scalar_float(g_ascii_strtod(*v, NULL));
    else sc[k++] = tn_scalar_int(g_ascii_strtoll(*v, NULL, 10));
  }
  g_assert_cmpint(k, ==, n);
  tn_tensor *t = tn_from_scalars(nd, shape, sc, TN_OPTS(dt));
  g_assert_nonnull(t);
  if (strcmp(f[3], "-") != 0) {
    char **steps = g_strsplit(f[3], ";", -1);
    for (char **s = steps; *s; s++) t = apply_view(t, *s);
    g_strfreev(steps);
  }
  g_free(sc);
  g_strfreev(vals);
  g_strfreev(f);
  return t;
}

typedef struct {
  bool has_ord;
  double ord;
  char ordstr[16];
  int32_t ndims;
  int64_t dims[TN_MAX_DIMS];
  bool keepdim;
  char eq[128];
} params;

static double parse_double(const char *s) {
  if (strcmp(s, "inf") == 0) return INFINITY;
  if (strcmp(s, "-inf") == 0) return -INFINITY;
  return g_ascii_strtod(s, NULL);
}

static tn_tensor *run_op(const char *op, int nargs, tn_tensor **a, const params *p) {
  if (strcmp(op, "mm") == 0) return tn_mm(a[0], a[1]);
  if (strcmp(op, "mv") == 0) return tn_mv(a[0], a[1]);
  if (strcmp(op, "dot") == 0) return tn_dot(a[0], a[1]);
  if (strcmp(op, "bmm") == 0) return tn_bmm(a[0], a[1]);
  if (strcmp(op, "matmul") == 0) return tn_matmul(a[0], a[1]);
  if (strcmp(op, "outer") == 0) return tn_outer(a[0], a[1]);
  if (strcmp(op, "solve") == 0) return tn_linalg_solve(a[0], a[1]);
  if (strcmp(op, "einsum") == 0) return tn_einsum(p->eq, nargs, a);
  if (strcmp(op, "vector_norm") == 0) return tn_linalg_vector_norm(a[0], p->ord, p->ndims, p->ndims ? p->dims : NULL, p->keepdim);
  if (strcmp(op, "norm") == 0) return tn_norm(a[0], p->ord, p->ndims, p->ndims ? p->dims : NULL, p->keepdim);
  if (strcmp(op, "linalg_norm") == 0)
    return tn_linalg_norm(a[0], p->has_ord, p->ord, p->ordstr[0] ? p->ordstr : NULL, p->ndims, p->ndims ? p->dims : NULL,
                          p->keepdim);
  g_error("unknown op %s", op);
  return NULL;
}

static bool close_enough(double got, double want, const char *kind, double tol, double scale) {
  if (isnan(want)) return isnan(got);
  if (isinf(want)) return got == want;
  if (strcmp(kind, "exact") == 0 || tol == 0) return got == want && signbit(got) == signbit(want);
  double bound = strcmp(kind, "scaled") == 0 ? tol * scale : tol * fabs(want);
  return fabs(got - want) <= bound + 1e-300;
}

static void run_case(const char *name, const char *text) {
  char **lines = g_strsplit(text, "\n", -1);
  tn_tensor *args[8];
  int nargs = 0;
  params p = {0};
  const char *op = NULL;
  char **l = lines;
  for (; *l; l++) {
    if (g_str_has_prefix(*l, "op ")) op = *l + 3;
    else if (g_str_has_prefix(*l, "arg ")) {
      args[nargs++] = build_arg(l[0], l[1]);
      l++;
    } else if (g_str_has_prefix(*l, "param ")) {
      char **f = g_strsplit(*l, " ", 3);
      if (strcmp(f[1], "ord") == 0) p.has_ord = true, p.ord = parse_double(f[2]);
      else if (strcmp(f[1], "ordstr") == 0) g_strlcpy(p.ordstr, f[2], sizeof p.ordstr);
      else if (strcmp(f[1], "dims") == 0) p.ndims = parse_list(f[2], p.dims);
      else if (strcmp(f[1], "keepdim") == 0) p.keepdim = f[2][0] == '1';
      else if (strcmp(f[1], "eq") == 0) {
        g_strlcpy(p.eq, f[2], sizeof p.eq);
        for (char *c = p.eq; *c; c++)
          if (*c == '_') *c = ' ';
      }
      g_strfreev(f);
    } else {
      break;
    }
  }
  g_assert_nonnull(op);
  tn_error_clear();
  tn_tensor *r = run_op(op, nargs, args, &p);
  g_assert_nonnull(*l);
  if (g_str_has_prefix(*l, "error ")) {
    if (r) g_error("%s: expected error '%s', got a result", name, *l + 6);
    g_autofree char *got = g_strdup_printf("%s: %s", tn_error_kind_name(tn_error_kind_last()), tn_error_message());
    if (strcmp(got, *l + 6) != 0) g_error("%s:\n  expected %s\n  got      %s", name, *l + 6, got);
  } else {
    if (!r) g_error("%s: unexpected error %s: %s", name, tn_error_kind_name(tn_error_kind_last()), tn_error_message());
    char **f = g_strsplit(*l, " ", -1); /* expect DTYPE SHAPE STRIDES */
    if (strcmp(tn_dtype_name(r->dtype), f[1]) != 0) g_error("%s: dtype %s, expected %s", name, tn_dtype_name(r->dtype), f[1]);
    int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
    int nd = parse_list(f[2], shape), ns = parse_list(f[3], strides);
    if (r->ndim != nd) g_error("%s: ndim %d, expected %d", name, r->ndim, nd);
    for (int d = 0; d < nd; d++) {
      if (r->shape[d] != shape[d]) g_error("%s: shape[%d] = %lld, expected %lld", name, d, (long long)r->shape[d], (long long)shape[d]);
      if (ns && r->strides[d] != strides[d])
        g_error("%s: strides[%d] = %lld, expected %lld", name, d, (long long)r->strides[d], (long long)strides[d]);
    }
    g_strfreev(f);
    char **t = g_strsplit(l[1], " ", -1); /* tol KIND R */
    double tol = g_ascii_strtod(t[2], NULL);
    char **vals = g_strsplit(l[2] + 1, " ", -1);
    char **scales = l[3] && g_str_has_prefix(l[3], "s ") ? g_strsplit(l[3] + 1, " ", -1) : NULL;
    int64_t k = 0;
    for (char **v = vals; *v; v++) {
      if (!**v) continue;
      g_assert_cmpint(k, <, r->numel);
      tn_scalar s = tn_get_flat(r, k);
      if (tn_dtype_is_floating(r->dtype)) {
        double want = parse_double(*v), scale = scales ? g_ascii_strtod(scales[k + 1], NULL) : 0;
        if (!close_enough(s.v.f, want, t[1], tol, scale))
          g_error("%s[%lld]: got %.17g, expected %.17g (tol %s %g, scale %g)", name, (long long)k, s.v.f, want, t[1], tol,
                  scale);
      } else {
        int64_t got = s.kind == TN_SCALAR_BOOL ? s.v.b : s.v.i;
        if (got != g_ascii_strtoll(*v, NULL, 10)) g_error("%s[%lld]: got %lld, expected %s", name, (long long)k, (long long)got, *v);
      }
      k++;
    }
    g_assert_cmpint(k, ==, r->numel);
    g_strfreev(vals);
    g_strfreev(scales);
    g_strfreev(t);
  }
  tn_release(r);
  for (int i = 0; i < nargs; i++) tn_release(args[i]);
  g_strfreev(lines);
}

static void run_family(gconstpointer data) {
  const char *op = data;
  g_autofree char *prefix = g_strconcat(op, "/", NULL);
  size_t n = 0;
  for (size_t i = 0; i < golden_count(golden); i++)
    if (g_str_has_prefix(golden_name(golden, i), prefix)) {
      run_case(golden_name(golden, i), golden_value(golden, i));
      n++;
    }
  g_assert_cmpuint(n, >, 0);
}

/* The lecture's associativity demonstration: (AB)C and A(BC) agree, with A, B, C of small integers
 * (every product exact in float32), and both match a plain triple loop. */
static void test_associativity(void) {
  int64_t sa[2] = {1000, 10}, sb[2] = {10, 1000};
  tn_tensor *a = tn_empty(2, sa, TN_OPTS(TN_DTYPE_FLOAT32)), *b = tn_empty(2, sb, TN_OPTS(TN_DTYPE_FLOAT32)),
            *c = tn_empty(2, sa, TN_OPTS(TN_DTYPE_FLOAT32));
  float *pa = tn_data_ptr(a), *pb = tn_data_ptr(b), *pc = tn_data_ptr(c);
  for (int i = 0; i < 10000; i++) {
    pa[i] = (float)(i % 7 - 3);
    pb[i] = (float)(i % 5 - 2);
    pc[i] = (float)(i % 3 - 1);
  }
  tn_tensor *ab = tn_matmul(a, b), *abc = tn_matmul(ab, c);
  tn_tensor *bc = tn_matmul(b, c), *abc2 = tn_matmul(a, bc);
  g_assert_nonnull(abc);
  g_assert_nonnull(abc2);
  g_assert_cmpint(abc->shape[0], ==, 1000);
  g_assert_cmpint(abc->shape[1], ==, 10);
  /* reference for BC in double, then A(BC) */
  double *ref_bc = g_new0(double, 100);
  for (int i = 0; i < 10; i++)
    for (int j = 0; j < 10; j++)
      for (int k = 0; k < 1000; k++) ref_bc[i * 10 + j] += (double)pb[i * 1000 + k] * pc[k * 10 + j];
  const float *r1 = tn_data_ptr(abc), *r2 = tn_data_ptr(abc2);
  for (int i = 0; i < 1000; i++)
    for (int j = 0; j < 10; j++) {
      double want = 0;
      for (int k = 0; k < 10; k++) want += (double)pa[i * 10 + k] * ref_bc[k * 10 + j];
      g_assert_cmpfloat(r1[i * 10 + j], ==, want);
      g_assert_cmpfloat(r2[i * 10 + j], ==, want);
    }
  g_free(ref_bc);
  /* a transposed view multiplies without a copy and gives the same numbers */
  tn_tensor *at = tn_transpose(a, 0, 1), *att = tn_transpose(at, 0, 1), *abt = tn_matmul(att, b);
  bool eq = false;
  g_assert_cmpint(tn_equal(abt, ab, &eq), ==, 0);
  g_assert_true(eq);
  tn_release(at), tn_release(att), tn_release(abt);
  tn_release(a), tn_release(b), tn_release(c), tn_release(ab), tn_release(abc), tn_release(bc), tn_release(abc2);
}

/* A float64 operand of small integers with a random layout: contiguous, transposed, sliced with a
 * step, or expanded (stride 0) along one dim. */
static tn_tensor *random_operand(GRand *rng, int32_t ndim, const int64_t *shape) {
  int64_t base_shape[TN_MAX_DIMS];
  memcpy(base_shape, shape, (size_t)ndim * sizeof *shape);
  int kind = g_rand_int_range(rng, 0, 4);
  int32_t d = ndim ? g_rand_int_range(rng, 0, ndim) : 0;
  if (kind == 2 && ndim) base_shape[d] = shape[d] * 2 + 1; /* sliced with step 2 below */
  if (kind == 3 && ndim) base_shape[d] = 1;                 /* expanded below */
  tn_tensor *t = tn_empty(ndim, base_shape, TN_OPTS(TN_DTYPE_FLOAT64));
  for (int64_t i = 0; i < t->numel; i++) ((double *)tn_data_ptr(t))[i] = g_rand_int_range(rng, -4, 5);
  tn_tensor *r = NULL;
  if (kind == 1 && ndim >= 2) {
    /* a transposed copy viewed back: same logical values, column-major memory */
    tn_tensor *tt = tn_transpose(t, ndim - 2, ndim - 1), *c = tn_contiguous(tt);
    r = tn_transpose(c, ndim - 2, ndim - 1);
    tn_release(tt), tn_release(c);
  } else if (kind == 2 && ndim) {
    r = tn_slice(t, d, true, 1, true, base_shape[d], 2);
  } else if (kind == 3 && ndim) {
    r = tn_expand(t, ndim, shape);
  } else {
    r = tn_retain(t);
  }
  tn_release(t);
  return r;
}

/* matmul of random shapes and layouts against the definition (exact: small integers in float64). */
static void test_random_layouts(void) {
  GRand *rng = g_rand_new_with_seed(1234);
  for (int iter = 0; iter < 400; iter++) {
    int32_t d1 = g_rand_int_range(rng, 1, 5), d2 = g_rand_int_range(rng, 1, 5);
    int64_t n = g_rand_int_range(rng, 1, 6), k = g_rand_int_range(rng, 1, 6), p = g_rand_int_range(rng, 1, 6);
    int64_t batch[2] = {g_rand_int_range(rng, 1, 4), g_rand_int_range(rng, 1, 4)};
    int64_t s1[4], s2[4];
    int32_t nb1 = d1 > 2 ? d1 - 2 : 0, nb2 = d2 > 2 ? d2 - 2 : 0;
    for (int32_t i = 0; i < nb1; i++) s1[i] = g_rand_boolean(rng) ? batch[i + 2 - nb1] : 1;
    for (int32_t i = 0; i < nb2; i++) s2[i] = g_rand_boolean(rng) ? batch[i + 2 - nb2] : 1;
    if (d1 == 1) s1[0] = k;
    else s1[d1 - 2] = n, s1[d1 - 1] = k;
    if (d2 == 1) s2[0] = k;
    else s2[d2 - 2] = k, s2[d2 - 1] = p;
    tn_tensor *a = random_operand(rng, d1, s1), *b = random_operand(rng, d2, s2);
    tn_tensor *r = tn_matmul(a, b);
    if (!r) g_error("matmul %dD x %dD: %s", d1, d2, tn_error_message());
    /* the definition, element by element over the broadcast batch */
    int32_t nb = nb1 > nb2 ? nb1 : nb2;
    int64_t nbatch = 1, bsh[2];
    for (int32_t i = 0; i < nb; i++) {
      int64_t x = i - (nb - nb1) >= 0 ? s1[i - (nb - nb1)] : 1, y = i - (nb - nb2) >= 0 ? s2[i - (nb - nb2)] : 1;
      bsh[i] = x > y ? x : y;
      nbatch *= bsh[i];
    }
    int64_t rows = d1 > 1 ? n : 1, cols = d2 > 1 ? p : 1;
    g_assert_cmpint(r->numel, ==, nbatch * rows * cols);
    for (int64_t bi = 0; bi < nbatch; bi++)
      for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++) {
          int64_t bidx[2] = {0, 0}, rem = bi;
          for (int32_t q = nb - 1; q >= 0; q--) bidx[q] = rem % bsh[q], rem /= bsh[q];
          double want = 0;
          for (int64_t l = 0; l < k; l++) {
            int64_t ia[4], ib[4];
            for (int32_t q = 0; q < nb1; q++) ia[q] = s1[q] == 1 ? 0 : bidx[q + nb - nb1];
            for (int32_t q = 0; q < nb2; q++) ib[q] = s2[q] == 1 ? 0 : bidx[q + nb - nb2];
            if (d1 == 1) ia[0] = l;
            else ia[d1 - 2] = i, ia[d1 - 1] = l;
            if (d2 == 1) ib[0] = l;
            else ib[d2 - 2] = l, ib[d2 - 1] = j;
            want += tn_get(a, ia).v.f * tn_get(b, ib).v.f;
          }
          double got = tn_get_flat(r, (bi * rows + i) * cols + j).v.f;
          if (got != want) g_error("matmul %dD x %dD [%lld,%lld,%lld]: got %g, want %g", d1, d2, (long long)bi,
                                   (long long)i, (long long)j, got, want);
        }
    tn_release(a), tn_release(b), tn_release(r);
  }
  g_rand_free(rng);
}

static void test_null_args(void) {
  int64_t s[2] = {2, 2};
  tn_tensor *a = tn_ones(2, s, TN_OPTS(TN_DTYPE_FLOAT32));
  g_assert_null(tn_mm(a, NULL));
  g_assert_null(tn_matmul(NULL, a));
  g_assert_null(tn_dot(NULL, NULL));
  g_assert_null(tn_einsum(NULL, 1, &a));
  g_assert_null(tn_einsum("ij", 0, NULL));
  g_assert_null(tn_linalg_solve(a, NULL));
  g_assert_null(tn_linalg_norm(NULL, false, 0, NULL, 0, NULL, false));
  g_assert_null(tn_norm(NULL, 2, 0, NULL, false));
  tn_release(a);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  golden = golden_load("linalg.txt");
  static const char *const families[] = {"mm", "mv", "dot", "bmm", "matmul", "outer", "einsum",
                                         "solve", "vector_norm", "norm", "linalg_norm"};
  for (size_t i = 0; i < G_N_ELEMENTS(families); i++) {
    g_autofree char *path = g_strdup_printf("/engine/linalg/%s", families[i]);
    g_test_add_data_func(path, families[i], run_family);
  }
  g_test_add_func("/engine/linalg/associativity", test_associativity);
  g_test_add_func("/engine/linalg/random-layouts", test_random_layouts);
  g_test_add_func("/engine/linalg/null-args", test_null_args);
  int rc = g_test_run();
  golden_free(golden);
  return rc;
}
