/* test-autograd.c — autodiff: a gradcheck (central finite differences in float64) and a
 * gradgradcheck on every differentiable op, with non-contiguous and broadcast inputs; and, against
 * real PyTorch (tests/golden/gen_autograd.py writes autograd.txt), node names, gradients of
 * composite expressions, accumulation, retain_graph, printouts and every error message. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "golden-tensors.h"
#include "tn-internal.h"

static golden_file *golden;

/* ----- helpers ----- */

typedef tn_tensor *(*case_fn)(tn_tensor **in);

/* PyTorch's grad_fn class name for a gradcheck case (record "names"). */
static GHashTable *names;
static const char *expected_name(const char *name) {
  if (!names) {
    names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    char **lines = g_strsplit(golden_get(golden, "names"), "\n", -1);
    for (char **l = lines; *l; l++) {
      char **f = g_strsplit(*l, " ", 2);
      if (f[0] && f[1]) g_hash_table_insert(names, g_strdup(f[0]), g_strdup(f[1]));
      g_strfreev(f);
    }
    g_strfreev(lines);
  }
  const char *v = g_hash_table_lookup(names, name);
  g_assert_nonnull(v);
  return v;
}

typedef struct gcase {
  const char *name;
  case_fn f;
  int32_t nin;
  int32_t ndim[3];
  int64_t shape[3][4];
  bool positive;
  bool smooth; /* also gradgradcheck */
  const char *node; /* expected grad_fn name of the output */
} gcase;

static double value_of(case_fn f, tn_tensor **in) {
  bool prev = tn_set_grad_enabled(false);
  tn_tensor *o = f(in);
  g_assert_nonnull(o);
  tn_tensor *s = golden_weighted_sum(o);
  double v = tn_scalar_to_double(tn_get_flat(s, 0));
  tn_release(s);
  tn_release(o);
  tn_set_grad_enabled(prev);
  return v;
}

static void check_close(double a, double n, const char *what, const char *name, int k, int64_t i) {
  if (fabs(a - n) > 1e-5 + 1e-4 * fabs(n)) {
    g_test_message("%s: %s input %d element %lld: analytical %.12g numerical %.12g", name, what, k, (long long)i, a, n);
    g_test_fail();
  }
}

/* First derivatives: autograd.grad against central differences. */
static void gradcheck(const gcase *c, tn_tensor **in) {
  tn_tensor *o = c->f(in);
  g_assert_nonnull(o);
  const char *want = expected_name(c->name);
  const char *nm = tn_node_name(tn_grad_fn(o));
  if (!nm || strcmp(nm, want) != 0 || (c->node && strcmp(c->node, want) != 0)) {
    g_test_message("%s: grad_fn %s, PyTorch's %s", c->name, nm ? nm : "(none)", want);
    g_test_fail();
  }
  tn_tensor *s = golden_weighted_sum(o);
  tn_release(o);
  tn_tensor *g[3] = {0};
  int rc = tn_autograd_grad(1, &s, NULL, c->nin, in, false, false, true, g);
  if (rc < 0) g_error("%s: %s", c->name, tn_error_message());
  tn_release(s);
  for (int k = 0; k < c->nin; k++) {
    double *x = tn_data_ptr(in[k]);
    for (int64_t i = 0; i < in[k]->numel; i++) {
      double keep = x[i], h = 1e-6;
      x[i] = keep + h;
      double fp = value_of(c->f, in);
      x[i] = keep - h;
      double fm = value_of(c->f, in);
      x[i] = keep;
      double num = (fp - fm) / (2 * h);
      double ana = g[k] ? tn_scalar_to_double(tn_get_flat(g[k], i)) : 0.0;
      check_close(ana, num, "grad", c->name, k, i);
    }
    tn_release(g[k]);
  }
}

/* Second derivatives: the gradient of sum(grad_k * v) with create_graph, against central
 * differences of the first gradient. */
static double first_grad_dot(const gcase *c, tn_tensor **in, bool record, tn_tensor **out_scalar) {
  tn_tensor *o = c->f(in);
  tn_tensor *s = golden_weighted_sum(o);
  tn_release(o);
  tn_tensor *g[3] = {0};
  int rc = tn_autograd_grad(1, &s, NULL, c->nin, in, record, record, true, g);
  if (rc < 0) g_error("%s: %s", c->name, tn_error_message());
  tn_release(s);
  tn_tensor *acc = NULL;
  for (int k = 0; k < c->nin; k++) {
    if (!g[k]) continue;
    tn_tensor *v = golden_weighted_sum(g[k]);
    g_assert_nonnull(v);
    if (acc) {
      tn_tensor *t = tn_add(acc, v);
      tn_release(acc);
      tn_release(v);
      acc = t;
    } else {
      acc = v;
    }
    tn_release(g[k]);
  }
  double val = acc ? tn_scalar_to_double(tn_get_flat(acc, 0)) : 0.0;
  if (out_scalar)
    *out_scalar = acc;
  else
    tn_release(acc);
  return val;
}

static void gradgradcheck(const gcase *c, tn_tensor **in) {
  tn_tensor *s = NULL;
  first_grad_dot(c, in, true, &s);
  if (!s || !tn_requires_grad(s)) { /* a gradient that does not depend on the inputs (linear op) */
    tn_release(s);
    return;
  }
  tn_tensor *gg[3] = {0};
  int rc = tn_autograd_grad(1, &s, NULL, c->nin, in, false, false, true, gg);
  if (rc < 0) g_error("%s (double backward): %s", c->name, tn_error_message());
  tn_release(s);
  for (int k = 0; k < c->nin; k++) {
    double *x = tn_data_ptr(in[k]);
    for (int64_t i = 0; i < in[k]->numel; i++) {
      double keep = x[i], h = 1e-5;
      x[i] = keep + h;
      double fp = first_grad_dot(c, in, false, NULL);
      x[i] = keep - h;
      double fm = first_grad_dot(c, in, false, NULL);
      x[i] = keep;
      double num = (fp - fm) / (2 * h);
      double ana = gg[k] ? tn_scalar_to_double(tn_get_flat(gg[k], i)) : 0.0;
      check_close(ana, num, "gradgrad", c->name, k, i);
    }
    tn_release(gg[k]);
  }
}

static void run_case(gconstpointer data) {
  const gcase *c = data;
  tn_tensor *in[3] = {0};
  for (int k = 0; k < c->nin; k++) in[k] = golden_leaf(c->ndim[k], c->shape[k], k + 1, c->positive);
  gradcheck(c, in);
  if (c->smooth) gradgradcheck(c, in);
  for (int k = 0; k < c->nin; k++) tn_release(in[k]);
}

/* ----- the cases ----- */

static tn_tensor *W(tn_tensor *t) { return t; }
#define REL(x) tn_release(x)

static tn_tensor *f_add(tn_tensor **in) { return tn_add(in[0], in[1]); }
static tn_tensor *f_add_alpha(tn_tensor **in) { return tn_add_alpha(in[0], in[1], tn_scalar_float(2.5)); }
static tn_tensor *f_sub_alpha(tn_tensor **in) { return tn_sub_alpha(in[0], in[1], tn_scalar_int(3)); }
static tn_tensor *f_sub(tn_tensor **in) { return tn_sub(in[0], in[1]); }
static tn_tensor *f_mul(tn_tensor **in) { return tn_mul(in[0], in[1]); }
static tn_tensor *f_div(tn_tensor **in) { return tn_div(in[0], in[1]); }
static tn_tensor *f_pow(tn_tensor **in) { return tn_binary(TN_BINARY_POW, in[0], in[1]); }
static tn_tensor *f_max(tn_tensor **in) { return tn_binary(TN_BINARY_MAXIMUM, in[0], in[1]); }
static tn_tensor *f_min(tn_tensor **in) { return tn_binary(TN_BINARY_MINIMUM, in[0], in[1]); }
static tn_tensor *f_atan2(tn_tensor **in) { return tn_binary(TN_BINARY_ATAN2, in[0], in[1]); }
static tn_tensor *f_rem(tn_tensor **in) { return tn_binary(TN_BINARY_REMAINDER, in[0], in[1]); }
/* x.t() * y: a transposed (non-contiguous) operand */
static tn_tensor *f_mul_t(tn_tensor **in) {
  tn_tensor *a = tn_t(in[0]), *r = tn_mul(a, in[1]);
  REL(a);
  return r;
}
/* x[::2] / y[:, 1:]: sliced with a step */
static tn_tensor *f_div_slice(tn_tensor **in) {
  tn_tensor *a = tn_slice(in[0], 0, false, 0, false, 0, 2), *b = tn_slice(in[1], 1, true, 1, false, 0, 1);
  tn_tensor *r = tn_div(a, b);
  REL(a);
  REL(b);
  return r;
}
static tn_tensor *f_pow_scalar(tn_tensor **in) {
  tn_tensor *e = tn_wrap_scalar(tn_scalar_float(3.0)), *r = tn_binary(TN_BINARY_POW, in[0], e);
  REL(e);
  return r;
}
static tn_tensor *f_rpow(tn_tensor **in) {
  tn_tensor *e = tn_wrap_scalar(tn_scalar_float(2.0)), *r = tn_binary(TN_BINARY_POW, e, in[0]);
  REL(e);
  return r;
}
static tn_tensor *f_mul_scalar(tn_tensor **in) {
  tn_tensor *e = tn_wrap_scalar(tn_scalar_int(2)), *r = tn_mul(in[0], e);
  REL(e);
  return r;
}

#define UN(nm, op)                                                                                                    \
  static tn_tensor *f_##nm(tn_tensor **in) { return tn_unary(op, in[0]); }
UN(neg, TN_UNARY_NEG)
UN(abs, TN_UNARY_ABS)
UN(exp, TN_UNARY_EXP)
UN(log, TN_UNARY_LOG)
UN(log1p, TN_UNARY_LOG1P)
UN(expm1, TN_UNARY_EXPM1)
UN(sqrt, TN_UNARY_SQRT)
UN(rsqrt, TN_UNARY_RSQRT)
UN(sin, TN_UNARY_SIN)
UN(cos, TN_UNARY_COS)
UN(tan, TN_UNARY_TAN)
UN(tanh, TN_UNARY_TANH)
UN(sigmoid, TN_UNARY_SIGMOID)
UN(relu, TN_UNARY_RELU)
UN(recip, TN_UNARY_RECIPROCAL)
UN(square, TN_UNARY_SQUARE)
UN(floor, TN_UNARY_FLOOR)

static tn_tensor *f_clamp(tn_tensor **in) {
  tn_scalar lo = tn_scalar_float(-0.5), hi = tn_scalar_float(0.8);
  return tn_clamp(in[0], &lo, &hi);
}
static tn_tensor *f_clamp_min(tn_tensor **in) {
  tn_scalar lo = tn_scalar_float(-0.5);
  return tn_clamp(in[0], &lo, NULL);
}
static tn_tensor *f_where(tn_tensor **in) {
  tn_tensor *z = tn_wrap_scalar(tn_scalar_int(0)), *c = tn_binary(TN_BINARY_GT, in[0], z);
  tn_tensor *r = tn_where(c, in[0], in[1]);
  REL(z);
  REL(c);
  return r;
}

static const int64_t d1[] = {1}, d0[] = {0}, d01[] = {0, 1};
static tn_tensor *f_sum(tn_tensor **in) { return tn_sum(in[0], 0, NULL, false, TN_DTYPE_UNDEFINED); }
static tn_tensor *f_sum_dim(tn_tensor **in) { return tn_sum(in[0], 1, d1, false, TN_DTYPE_UNDEFINED); }
static tn_tensor *f_sum_keep(tn_tensor **in) { return tn_sum(in[0], 2, d01, true, TN_DTYPE_UNDEFINED); }
static tn_tensor *f_mean(tn_tensor **in) { return tn_mean(in[0], 0, NULL, false, TN_DTYPE_UNDEFINED); }
static tn_tensor *f_mean_dim(tn_tensor **in) { return tn_mean(in[0], 1, d0, false, TN_DTYPE_UNDEFINED); }
static tn_tensor *f_prod(tn_tensor **in) { return tn_prod(in[0], 0, NULL, false, TN_DTYPE_UNDEFINED); }
static tn_tensor *f_prod_dim(tn_tensor **in) { return tn_prod(in[0], 1, d1, true, TN_DTYPE_UNDEFINED); }
/* prod with zeros: x minus a constant equal to some of x's entries at the checked point, so those
 * are exactly zero there and still depend on x (one zero per row, two in all). */
static tn_tensor *with_zeros(tn_tensor *x, int nzero) {
  tn_tensor *c = tn_zeros(x->ndim, x->shape, TN_OPTS(TN_DTYPE_FLOAT64));
  double *cv = tn_data_ptr(c);
  if (nzero > 1) cv[x->numel - 1] = golden_leaf_value(x->numel - 1, 1);
  cv[1] = golden_leaf_value(1, 1);
  tn_tensor *r = tn_sub(x, c);
  REL(c);
  return r;
}
static tn_tensor *f_prod_zero(tn_tensor **in) {
  tn_tensor *x = with_zeros(in[0], 1), *r = tn_prod(x, 0, NULL, false, TN_DTYPE_UNDEFINED);
  REL(x);
  return r;
}
static tn_tensor *f_prod_zeros(tn_tensor **in) {
  tn_tensor *x = with_zeros(in[0], 2), *r = tn_prod(x, 0, NULL, false, TN_DTYPE_UNDEFINED);
  REL(x);
  return r;
}
static tn_tensor *f_prod_dim_zero(tn_tensor **in) {
  tn_tensor *x = with_zeros(in[0], 2), *r = tn_prod(x, 1, d1, false, TN_DTYPE_UNDEFINED);
  REL(x);
  return r;
}
static tn_tensor *f_amax(tn_tensor **in) { return tn_amax(in[0], 1, d1, false); }
static tn_tensor *f_amin(tn_tensor **in) { return tn_amin(in[0], 1, d0, true); }
static tn_tensor *f_maxall(tn_tensor **in) { return tn_max(in[0]); }
static tn_tensor *f_minall(tn_tensor **in) { return tn_min(in[0]); }
static tn_tensor *f_maxdim(tn_tensor **in) {
  tn_tensor *v, *i;
  if (tn_max_dim(in[0], 1, false, &v, &i) < 0) return NULL;
  REL(i);
  return v;
}
static tn_tensor *f_mindim(tn_tensor **in) {
  tn_tensor *v, *i;
  if (tn_min_dim(in[0], 0, true, &v, &i) < 0) return NULL;
  REL(i);
  return v;
}
static tn_tensor *f_var(tn_tensor **in) { return tn_var(in[0], 0, NULL, 1, false); }
static tn_tensor *f_var_dim(tn_tensor **in) { return tn_var(in[0], 1, d1, 0, true); }
static tn_tensor *f_std(tn_tensor **in) { return tn_std(in[0], 0, NULL, 1, false); }
static tn_tensor *f_std_dim(tn_tensor **in) { return tn_std(in[0], 1, d0, 1, false); }
static tn_tensor *f_lse(tn_tensor **in) { return tn_logsumexp(in[0], 1, d1, false); }
static tn_tensor *f_norm(tn_tensor **in) { return tn_norm(in[0], 2.0, 0, NULL, false); }
static tn_tensor *f_norm_dim(tn_tensor **in) { return tn_norm(in[0], 2.0, 1, d1, false); }
static tn_tensor *f_norm1(tn_tensor **in) { return tn_linalg_vector_norm(in[0], 1.0, 0, NULL, false); }
static tn_tensor *f_norm3(tn_tensor **in) { return tn_linalg_vector_norm(in[0], 3.0, 1, d0, true); }
static tn_tensor *f_norm15(tn_tensor **in) { return tn_linalg_vector_norm(in[0], 1.5, 0, NULL, false); }
static tn_tensor *f_norminf(tn_tensor **in) { return tn_linalg_vector_norm(in[0], INFINITY, 1, d1, false); }
static tn_tensor *f_fro(tn_tensor **in) { return tn_linalg_norm(in[0], false, 0, "fro", 0, NULL, false); }
static tn_tensor *f_fro_dims(tn_tensor **in) {
  static const int64_t d02[] = {0, 2};
  return tn_linalg_norm(in[0], false, 0, "fro", 2, d02, true);
}
static tn_tensor *f_cumprod(tn_tensor **in) { return tn_cumprod(in[0], 0, TN_DTYPE_UNDEFINED); }
static tn_tensor *f_cumsum(tn_tensor **in) { return tn_cumsum(in[0], 1, TN_DTYPE_UNDEFINED); }

static tn_tensor *f_view(tn_tensor **in) {
  int64_t s[] = {3, 4};
  return tn_view(in[0], 2, s);
}
static tn_tensor *f_reshape_t(tn_tensor **in) {
  int64_t s[] = {-1};
  tn_tensor *a = tn_t(in[0]), *r = tn_reshape(a, 1, s);
  REL(a);
  return r;
}
static tn_tensor *f_reshape(tn_tensor **in) {
  int64_t s[] = {2, 6};
  return tn_reshape(in[0], 2, s);
}
static tn_tensor *f_transpose(tn_tensor **in) { return tn_transpose(in[0], 0, 2); }
static tn_tensor *f_t(tn_tensor **in) { return tn_t(in[0]); }
static tn_tensor *f_permute(tn_tensor **in) {
  int64_t p[] = {2, 0, 1};
  return tn_permute(in[0], 3, p);
}
static tn_tensor *f_expand(tn_tensor **in) {
  int64_t s[] = {2, 3, 4};
  return tn_expand(in[0], 3, s);
}
static tn_tensor *f_squeeze(tn_tensor **in) { return tn_squeeze(in[0]); }
static tn_tensor *f_squeeze_dim(tn_tensor **in) { return tn_squeeze_dim(in[0], 1); }
static tn_tensor *f_unsqueeze(tn_tensor **in) { return tn_unsqueeze(in[0], 1); }
static tn_tensor *f_select(tn_tensor **in) { return tn_select(in[0], 1, -1); }
static tn_tensor *f_slice(tn_tensor **in) { return tn_slice(in[0], 1, true, 1, false, 0, 2); }
static tn_tensor *f_narrow(tn_tensor **in) { return tn_narrow(in[0], 0, 1, 2); }
static tn_tensor *f_diagonal(tn_tensor **in) { return tn_diagonal(in[0], 1, 0, 1); }
static tn_tensor *f_flatten(tn_tensor **in) { return tn_flatten(in[0], 0, -1); }
static tn_tensor *f_unflatten(tn_tensor **in) {
  int64_t s[] = {2, 2};
  return tn_unflatten(in[0], 1, 2, s);
}
static tn_tensor *f_as_strided(tn_tensor **in) {
  int64_t s[] = {2, 2}, st[] = {1, 3};
  return tn_as_strided(in[0], 2, s, st, 1);
}
static tn_tensor *f_index(tn_tensor **in) {
  int64_t sh[] = {3};
  tn_scalar v[] = {tn_scalar_int(2), tn_scalar_int(0), tn_scalar_int(2)};
  tn_tensor *idx = tn_from_scalars(1, sh, v, TN_OPTS_INFER);
  tn_index ix[2] = {{.kind = TN_INDEX_SLICE}, {.kind = TN_INDEX_TENSOR, .tensor = idx}};
  tn_tensor *r = tn_index_get(in[0], 2, ix);
  REL(idx);
  return r;
}
static tn_tensor *f_index_basic(tn_tensor **in) {
  tn_index ix[2] = {{.kind = TN_INDEX_INT, .i = 1},
                    {.kind = TN_INDEX_SLICE, .has_start = true, .start = 0, .has_step = true, .step = 2}};
  return tn_index_get(in[0], 2, ix);
}
static tn_tensor *f_index_mask(tn_tensor **in) {
  tn_tensor *z = tn_wrap_scalar(tn_scalar_int(0)), *m = tn_binary(TN_BINARY_GT, in[0], z);
  tn_index ix[1] = {{.kind = TN_INDEX_TENSOR, .tensor = m}};
  tn_tensor *r = tn_index_get(in[0], 1, ix);
  REL(z);
  REL(m);
  return r;
}
static tn_tensor *f_index_select(tn_tensor **in) {
  int64_t sh[] = {3};
  tn_scalar v[] = {tn_scalar_int(1), tn_scalar_int(1), tn_scalar_int(0)};
  tn_tensor *idx = tn_from_scalars(1, sh, v, TN_OPTS_INFER), *r = tn_index_select(in[0], 0, idx);
  REL(idx);
  return r;
}
static tn_tensor *f_gather(tn_tensor **in) {
  int64_t sh[] = {2, 2};
  tn_scalar v[] = {tn_scalar_int(0), tn_scalar_int(3), tn_scalar_int(3), tn_scalar_int(1)};
  tn_tensor *idx = tn_from_scalars(2, sh, v, TN_OPTS_INFER), *r = tn_gather(in[0], 1, idx);
  REL(idx);
  return r;
}
static tn_tensor *f_masked_select(tn_tensor **in) {
  tn_tensor *z = tn_wrap_scalar(tn_scalar_int(0)), *m = tn_binary(TN_BINARY_LT, in[0], z);
  tn_tensor *r = tn_masked_select(in[0], m);
  REL(z);
  REL(m);
  return r;
}
static tn_tensor *f_cat(tn_tensor **in) {
  tn_tensor *ts[3] = {in[0], in[1], in[0]};
  return tn_cat(3, ts, 1);
}
static tn_tensor *f_stack(tn_tensor **in) {
  tn_tensor *ts[2] = {in[0], in[1]};
  return tn_stack(2, ts, -1);
}
static tn_tensor *f_repeat(tn_tensor **in) {
  int64_t r[] = {2, 1, 3};
  return tn_repeat(in[0], 3, r);
}
static tn_tensor *f_split(tn_tensor **in) {
  tn_tensor **parts;
  int32_t n;
  if (tn_split(in[0], 2, 1, &parts, &n) < 0) return NULL;
  tn_tensor *a = tn_mul(parts[0], parts[1]);
  tn_tensor *r = tn_add(a, parts[0]);
  for (int32_t i = 0; i < n; i++) REL(parts[i]);
  free(parts);
  REL(a);
  return r;
}
static tn_tensor *f_clone(tn_tensor **in) { return tn_clone(in[0]); }
static tn_tensor *f_contig(tn_tensor **in) {
  tn_tensor *a = tn_t(in[0]), *r = tn_contiguous(a);
  REL(a);
  return r;
}
static tn_tensor *f_to32(tn_tensor **in) {
  /* float32 round trips are too coarse for finite differences: a copying .to() (the float32 path is
   * checked against PyTorch's numbers below) */
  return tn_to_dtype(in[0], TN_DTYPE_FLOAT64, true);
}
static tn_tensor *f_mm(tn_tensor **in) { return tn_mm(in[0], in[1]); }
static tn_tensor *f_mm_t(tn_tensor **in) {
  tn_tensor *a = tn_t(in[0]), *r = tn_mm(a, in[1]);
  REL(a);
  return r;
}
static tn_tensor *f_mv(tn_tensor **in) { return tn_mv(in[0], in[1]); }
static tn_tensor *f_dot(tn_tensor **in) { return tn_dot(in[0], in[1]); }
static tn_tensor *f_bmm(tn_tensor **in) { return tn_bmm(in[0], in[1]); }
static tn_tensor *f_matmul(tn_tensor **in) { return tn_matmul(in[0], in[1]); }
static tn_tensor *f_outer(tn_tensor **in) { return tn_outer(in[0], in[1]); }
static tn_tensor *f_einsum_mm(tn_tensor **in) { return tn_einsum("ij,jk->ik", 2, in); }
static tn_tensor *f_einsum_mv(tn_tensor **in) { return tn_einsum("ij,j", 2, in); }
static tn_tensor *f_einsum_sum(tn_tensor **in) { return tn_einsum("ij->", 1, in); }
static tn_tensor *f_einsum_perm(tn_tensor **in) { return tn_einsum("ijk->kij", 1, in); }
static tn_tensor *f_einsum_mul(tn_tensor **in) { return tn_einsum("ij,ij->ij", 2, in); }
static tn_tensor *f_einsum_bmm(tn_tensor **in) { return tn_einsum("bij, bjk -> bik", 2, in); }
static tn_tensor *f_einsum_rowsum(tn_tensor **in) { return tn_einsum("ij,k->ik", 2, in); }
/* in-place on a non-leaf, and on a view of one (CopySlices) */
static tn_tensor *f_inplace(tn_tensor **in) {
  tn_tensor *y = tn_mul(in[0], in[1]);
  tn_tensor *two = tn_wrap_scalar(tn_scalar_int(2));
  tn_tensor *r = tn_binary_(TN_BINARY_MUL, y, two);
  REL(r);
  REL(two);
  r = tn_unary_(TN_UNARY_TANH, y);
  REL(r);
  return y;
}
static tn_tensor *f_inplace_view(tn_tensor **in) {
  tn_tensor *y = tn_mul(in[0], in[1]);
  tn_tensor *row = tn_select(y, 0, 1);
  tn_tensor *r = tn_binary_(TN_BINARY_MUL, row, in[0]);
  REL(r);
  REL(row);
  return y;
}
static tn_tensor *f_copy_into(tn_tensor **in) {
  int64_t s[] = {2, 3};
  tn_tensor *y = tn_zeros(2, s, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *row = tn_select(y, 0, 0);
  tn_tensor *r = tn_copy_(row, in[0]);
  REL(r);
  REL(row);
  tn_tensor *e = tn_unary(TN_UNARY_EXP, y);
  REL(y);
  return e;
}
static tn_tensor *f_index_put(tn_tensor **in) {
  tn_tensor *y = tn_mul(in[0], in[0]);
  int64_t sh[] = {2};
  tn_scalar v[] = {tn_scalar_int(0), tn_scalar_int(2)};
  tn_tensor *idx = tn_from_scalars(1, sh, v, TN_OPTS_INFER);
  tn_index ix[2] = {{.kind = TN_INDEX_SLICE}, {.kind = TN_INDEX_TENSOR, .tensor = idx}};
  int rc = tn_index_put_(y, 2, ix, in[1]);
  g_assert_cmpint(rc, ==, 0);
  REL(idx);
  return y;
}
static tn_tensor *f_mlp(tn_tensor **in) {
  tn_tensor *h = tn_matmul(in[0], in[1]);
  tn_tensor *a = tn_unary(TN_UNARY_TANH, h);
  tn_tensor *o = tn_matmul(a, in[2]);
  REL(h);
  REL(a);
  return o;
}
static tn_tensor *f_logreg(tn_tensor **in) {
  tn_tensor *z = tn_mv(in[0], in[1]);
  tn_tensor *p = tn_unary(TN_UNARY_SIGMOID, z);
  tn_tensor *l = tn_unary(TN_UNARY_LOG, p);
  tn_tensor *m = tn_mean(l, 0, NULL, false, TN_DTYPE_UNDEFINED);
  tn_tensor *r = tn_unary(TN_UNARY_NEG, m);
  REL(z);
  REL(p);
  REL(l);
  REL(m);
  return r;
}

#define S1(a) {1, {0}, {{a}}}
static const gcase cases[] = {
    {"add-broadcast", f_add, 2, {2, 1}, {{3, 4}, {4}}, false, true, "AddBackward0"},
    {"add-alpha", f_add_alpha, 2, {2, 2}, {{3, 1}, {1, 4}}, false, true, "AddBackward0"},
    {"sub-alpha", f_sub_alpha, 2, {2, 2}, {{3, 4}, {3, 4}}, false, true, "SubBackward0"},
    {"sub", f_sub, 2, {1, 2}, {{4}, {3, 4}}, false, true, "SubBackward0"},
    {"mul", f_mul, 2, {2, 0}, {{3, 4}, {0}}, false, true, "MulBackward0"},
    {"mul-transposed", f_mul_t, 2, {2, 2}, {{4, 3}, {3, 4}}, false, true, "MulBackward0"},
    {"mul-scalar", f_mul_scalar, 1, {2}, {{3, 4}}, false, true, "MulBackward0"},
    {"div", f_div, 2, {2, 1}, {{3, 4}, {4}}, true, true, "DivBackward0"},
    {"div-sliced", f_div_slice, 2, {2, 2}, {{5, 3}, {3, 4}}, true, true, "DivBackward0"},
    {"pow", f_pow, 2, {2, 2}, {{3, 4}, {3, 4}}, true, true, "PowBackward1"},
    {"pow-scalar", f_pow_scalar, 1, {2}, {{3, 4}}, false, true, "PowBackward0"},
    {"rpow", f_rpow, 1, {2}, {{3, 4}}, false, true, "PowBackward1"},
    {"maximum", f_max, 2, {2, 1}, {{3, 4}, {4}}, false, true, "MaximumBackward0"},
    {"minimum", f_min, 2, {2, 2}, {{3, 4}, {3, 4}}, false, true, "MinimumBackward0"},
    {"atan2", f_atan2, 2, {2, 2}, {{3, 4}, {3, 4}}, false, true, "Atan2Backward0"},
    {"remainder", f_rem, 2, {1, 1}, {{5}, {5}}, true, false, "RemainderBackward1"},
    {"neg", f_neg, 1, {2}, {{3, 4}}, false, true, "NegBackward0"},
    {"abs", f_abs, 1, {2}, {{3, 4}}, false, true, "AbsBackward0"},
    {"exp", f_exp, 1, {2}, {{3, 4}}, false, true, "ExpBackward0"},
    {"log", f_log, 1, {2}, {{3, 4}}, true, true, "LogBackward0"},
    {"log1p", f_log1p, 1, {2}, {{3, 4}}, true, true, "Log1PBackward0"},
    {"expm1", f_expm1, 1, {2}, {{3, 4}}, false, true, "Expm1Backward0"},
    {"sqrt", f_sqrt, 1, {2}, {{3, 4}}, true, true, "SqrtBackward0"},
    {"rsqrt", f_rsqrt, 1, {2}, {{3, 4}}, true, true, "RsqrtBackward0"},
    {"sin", f_sin, 1, {2}, {{3, 4}}, false, true, "SinBackward0"},
    {"cos", f_cos, 1, {2}, {{3, 4}}, false, true, "CosBackward0"},
    {"tan", f_tan, 1, {1}, {{5}}, false, true, "TanBackward0"},
    {"tanh", f_tanh, 1, {2}, {{3, 4}}, false, true, "TanhBackward0"},
    {"sigmoid", f_sigmoid, 1, {2}, {{3, 4}}, false, true, "SigmoidBackward0"},
    {"relu", f_relu, 1, {2}, {{3, 4}}, false, true, "ReluBackward0"},
    {"reciprocal", f_recip, 1, {2}, {{3, 4}}, true, true, "ReciprocalBackward0"},
    {"square", f_square, 1, {2}, {{3, 4}}, false, true, "PowBackward0"},
    {"floor", f_floor, 1, {2}, {{3, 4}}, false, false, "FloorBackward0"},
    {"clamp", f_clamp, 1, {2}, {{3, 4}}, false, true, "ClampBackward1"},
    {"clamp-min", f_clamp_min, 1, {2}, {{3, 4}}, false, true, "ClampBackward1"},
    {"where", f_where, 2, {2, 1}, {{3, 4}, {4}}, false, true, "WhereBackward0"},
    {"sum", f_sum, 1, {2}, {{3, 4}}, false, false, "SumBackward0"},
    {"sum-dim", f_sum_dim, 1, {3}, {{2, 3, 4}}, false, false, "SumBackward1"},
    {"sum-keepdim", f_sum_keep, 1, {3}, {{2, 3, 4}}, false, false, "SumBackward1"},
    {"mean", f_mean, 1, {2}, {{3, 4}}, false, false, "MeanBackward0"},
    {"mean-dim", f_mean_dim, 1, {2}, {{3, 4}}, false, false, "MeanBackward1"},
    {"prod", f_prod, 1, {2}, {{2, 3}}, false, true, "ProdBackward0"},
    {"prod-dim", f_prod_dim, 1, {2}, {{3, 4}}, false, true, "ProdBackward1"},
    {"prod-zero", f_prod_zero, 1, {2}, {{2, 3}}, false, false, "ProdBackward0"},
    {"prod-zeros", f_prod_zeros, 1, {2}, {{2, 3}}, false, false, "ProdBackward0"},
    {"prod-dim-zero", f_prod_dim_zero, 1, {2}, {{3, 4}}, false, false, "ProdBackward1"},
    {"amax", f_amax, 1, {2}, {{3, 4}}, false, false, "AmaxBackward0"},
    {"amin", f_amin, 1, {2}, {{3, 4}}, false, false, "AminBackward0"},
    {"max", f_maxall, 1, {2}, {{3, 4}}, false, false, "MaxBackward1"},
    {"min", f_minall, 1, {2}, {{3, 4}}, false, false, "MinBackward1"},
    {"max-dim", f_maxdim, 1, {2}, {{3, 4}}, false, false, "MaxBackward0"},
    {"min-dim", f_mindim, 1, {2}, {{3, 4}}, false, false, "MinBackward0"},
    {"var", f_var, 1, {2}, {{3, 4}}, false, true, "VarBackward0"},
    {"var-dim", f_var_dim, 1, {2}, {{3, 4}}, false, true, "VarBackward0"},
    {"std", f_std, 1, {2}, {{3, 4}}, false, true, "StdBackward0"},
    {"std-dim", f_std_dim, 1, {2}, {{3, 4}}, false, true, "StdBackward0"},
    {"logsumexp", f_lse, 1, {2}, {{3, 4}}, false, true, "LogsumexpBackward0"},
    {"norm", f_norm, 1, {2}, {{3, 4}}, false, true, "NormBackward1"},
    {"norm-dim", f_norm_dim, 1, {2}, {{3, 4}}, false, true, "NormBackward1"},
    {"vector-norm-1", f_norm1, 1, {2}, {{3, 4}}, false, false, "LinalgVectorNormBackward0"},
    {"vector-norm-3", f_norm3, 1, {2}, {{3, 4}}, false, true, "LinalgVectorNormBackward0"},
    {"vector-norm-1.5", f_norm15, 1, {2}, {{3, 4}}, false, true, "LinalgVectorNormBackward0"},
    {"vector-norm-inf", f_norminf, 1, {2}, {{3, 4}}, false, false, "LinalgVectorNormBackward0"},
    {"linalg-norm-fro", f_fro, 1, {2}, {{3, 4}}, false, true, NULL},
    {"linalg-norm-fro-dims", f_fro_dims, 1, {3}, {{2, 3, 4}}, false, true, NULL},
    {"cumprod", f_cumprod, 1, {2}, {{3, 4}}, false, true, NULL},
    {"cumsum", f_cumsum, 1, {2}, {{3, 4}}, false, false, "CumsumBackward0"},
    {"view", f_view, 1, {1}, {{12}}, false, false, "ViewBackward0"},
    {"reshape-copy", f_reshape_t, 1, {2}, {{3, 4}}, false, false, "UnsafeViewBackward0"},
    {"reshape", f_reshape, 1, {2}, {{3, 4}}, false, false, "ReshapeAliasBackward0"},
    {"transpose", f_transpose, 1, {3}, {{2, 3, 4}}, false, false, "TransposeBackward0"},
    {"t", f_t, 1, {2}, {{3, 4}}, false, false, "TBackward0"},
    {"permute", f_permute, 1, {3}, {{2, 3, 4}}, false, false, "PermuteBackward0"},
    {"expand", f_expand, 1, {2}, {{3, 1}}, false, false, "ExpandBackward0"},
    {"squeeze", f_squeeze, 1, {3}, {{3, 1, 4}}, false, false, "SqueezeBackward0"},
    {"squeeze-dim", f_squeeze_dim, 1, {3}, {{3, 1, 4}}, false, false, "SqueezeBackward1"},
    {"unsqueeze", f_unsqueeze, 1, {2}, {{3, 4}}, false, false, "UnsqueezeBackward0"},
    {"select", f_select, 1, {2}, {{3, 4}}, false, false, "SelectBackward0"},
    {"slice", f_slice, 1, {2}, {{3, 5}}, false, false, "SliceBackward0"},
    {"narrow", f_narrow, 1, {2}, {{3, 4}}, false, false, "SliceBackward0"},
    {"diagonal", f_diagonal, 1, {2}, {{3, 4}}, false, false, "DiagonalBackward0"},
    {"flatten", f_flatten, 1, {3}, {{2, 3, 2}}, false, false, "ReshapeAliasBackward0"},
    {"unflatten", f_unflatten, 1, {2}, {{3, 4}}, false, false, "ViewBackward0"},
    {"as-strided", f_as_strided, 1, {2}, {{3, 4}}, false, false, "AsStridedBackward0"},
    {"index", f_index, 1, {2}, {{3, 4}}, false, false, "IndexBackward0"},
    {"index-basic", f_index_basic, 1, {2}, {{3, 4}}, false, false, "SliceBackward0"},
    {"index-mask", f_index_mask, 1, {2}, {{3, 4}}, false, false, "IndexBackward0"},
    {"index-select", f_index_select, 1, {2}, {{3, 4}}, false, false, "IndexSelectBackward0"},
    {"gather", f_gather, 1, {2}, {{3, 4}}, false, false, "GatherBackward0"},
    {"masked-select", f_masked_select, 1, {2}, {{3, 4}}, false, false, "MaskedSelectBackward0"},
    {"cat", f_cat, 2, {2, 2}, {{3, 2}, {3, 4}}, false, false, "CatBackward0"},
    {"stack", f_stack, 2, {2, 2}, {{3, 4}, {3, 4}}, false, false, "StackBackward0"},
    {"repeat", f_repeat, 1, {2}, {{3, 2}}, false, false, "RepeatBackward0"},
    {"split", f_split, 1, {2}, {{3, 4}}, false, true, "AddBackward0"},
    {"clone", f_clone, 1, {2}, {{3, 4}}, false, false, "CloneBackward0"},
    {"contiguous", f_contig, 1, {2}, {{3, 4}}, false, false, "CloneBackward0"},
    {"to-dtype", f_to32, 1, {2}, {{3, 4}}, false, false, "ToCopyBackward0"},
    {"mm", f_mm, 2, {2, 2}, {{3, 4}, {4, 2}}, false, true, "MmBackward0"},
    {"mm-transposed", f_mm_t, 2, {2, 2}, {{4, 3}, {4, 2}}, false, true, "MmBackward0"},
    {"mv", f_mv, 2, {2, 1}, {{3, 4}, {4}}, false, true, "MvBackward0"},
    {"dot", f_dot, 2, {1, 1}, {{4}, {4}}, false, true, "DotBackward0"},
    {"bmm", f_bmm, 2, {3, 3}, {{2, 3, 4}, {2, 4, 2}}, false, true, "BmmBackward0"},
    {"matmul-batched", f_matmul, 2, {3, 2}, {{2, 3, 4}, {4, 2}}, false, true, "UnsafeViewBackward0"},
    {"matmul-broadcast", f_matmul, 2, {3, 4}, {{2, 3, 4}, {2, 1, 4, 2}}, false, true, "UnsafeViewBackward0"},
    {"matmul-vec-mat", f_matmul, 2, {1, 2}, {{4}, {4, 3}}, false, true, "SqueezeBackward3"},
    {"matmul-batch-vec", f_matmul, 2, {3, 1}, {{2, 3, 4}, {4}}, false, true, "UnsafeViewBackward0"},
    {"matmul-vec-batch", f_matmul, 2, {1, 3}, {{3}, {2, 3, 4}}, false, true, "UnsafeViewBackward0"},
    {"outer", f_outer, 2, {1, 1}, {{3}, {4}}, false, true, "MulBackward0"},
    {"einsum-mm", f_einsum_mm, 2, {2, 2}, {{3, 4}, {4, 2}}, false, true, NULL},
    {"einsum-mv", f_einsum_mv, 2, {2, 1}, {{3, 4}, {4}}, false, true, NULL},
    {"einsum-sum", f_einsum_sum, 1, {2}, {{3, 4}}, false, false, NULL},
    {"einsum-permute", f_einsum_perm, 1, {3}, {{2, 3, 4}}, false, false, NULL},
    {"einsum-mul", f_einsum_mul, 2, {2, 2}, {{3, 4}, {3, 4}}, false, true, NULL},
    {"einsum-bmm", f_einsum_bmm, 2, {3, 3}, {{2, 3, 4}, {2, 4, 2}}, false, true, NULL},
    {"einsum-outer-sum", f_einsum_rowsum, 2, {2, 1}, {{3, 4}, {2}}, false, true, NULL},
    {"inplace", f_inplace, 2, {2, 2}, {{3, 4}, {3, 4}}, false, true, "TanhBackward0"},
    {"inplace-view", f_inplace_view, 2, {1, 2}, {{4}, {3, 4}}, false, true, "CopySlices"},
    {"copy-into-view", f_copy_into, 1, {1}, {{3}}, false, true, "ExpBackward0"},
    {"index-put", f_index_put, 2, {2, 1}, {{3, 4}, {1}}, false, true, "CopySlices"},
    {"mlp", f_mlp, 3, {2, 2, 2}, {{5, 3}, {3, 4}, {4, 2}}, false, true, "MmBackward0"},
    {"logistic", f_logreg, 2, {2, 1}, {{5, 3}, {3}}, false, true, "NegBackward0"},
};


/* ----- against PyTorch's numbers (autograd.txt) ----- */

/* inp(shape, seed) of gen_autograd.py: exact float32 values. */
static tn_tensor *inp(int32_t ndim, const int64_t *shape, int seed) {
  tn_tensor *t = tn_empty(ndim, shape, TN_OPTS(TN_DTYPE_FLOAT32));
  float *d = tn_data_ptr(t);
  for (int64_t i = 0; i < t->numel; i++) d[i] = (float)((((i * 7 + seed * 5) % 17) - 8) / 8.0);
  return t;
}

static tn_tensor *gleaf(int32_t ndim, const int64_t *shape, int seed) {
  tn_tensor *t = inp(ndim, shape, seed);
  tn_release(tn_requires_grad_(t, true));
  return t;
}

static tn_tensor *wf(double v) { return tn_wrap_scalar(tn_scalar_float(v)); }
static tn_tensor *wi(int64_t v) { return tn_wrap_scalar(tn_scalar_int(v)); }

static void expect_repr(const char *name, const tn_tensor *t);

/* "LABEL SHAPE STRIDES HEX,..." of record NAME against tensor t: bits exact when tol is 0, else
 * within tol times the largest magnitude (expressions with exp/log/tanh/sigmoid: PyTorch's
 * vectorised float32 functions are not correctly rounded, and the difference propagates). */
static double tol;
static void expect_line(const char *rec, const char *label, const tn_tensor *t) {
  g_assert_nonnull(t);
  char **lines = g_strsplit(golden_get(golden, rec), "\n", -1);
  bool found = false;
  for (char **l = lines; *l; l++) {
    char **f = g_strsplit(*l, " ", 4);
    if (g_strcmp0(f[0], label) == 0) {
      found = true;
      GString *sh = g_string_new(""), *st = g_string_new("");
      for (int32_t d = 0; d < t->ndim; d++) {
        g_string_append_printf(sh, "%s%lld", d ? "," : "", (long long)t->shape[d]);
        g_string_append_printf(st, "%s%lld", d ? "," : "", (long long)t->strides[d]);
      }
      g_assert_cmpstr(t->ndim ? sh->str : "-", ==, f[1]);
      g_assert_cmpstr(t->ndim ? st->str : "-", ==, f[2]);
      g_string_free(sh, TRUE);
      g_string_free(st, TRUE);
      char **hx = g_strsplit(f[3], ",", -1);
      g_assert_cmpuint(g_strv_length(hx), ==, (guint)t->numel);
      double maxabs = 0;
      for (int64_t i = 0; i < t->numel; i++) {
        uint32_t want = (uint32_t)strtoul(hx[i], NULL, 16);
        float fw;
        memcpy(&fw, &want, 4);
        maxabs = fmax(maxabs, fabs(fw));
      }
      for (int64_t i = 0; i < t->numel; i++) {
        float v = (float)tn_scalar_to_double(tn_get_flat(t, i));
        uint32_t bits;
        memcpy(&bits, &v, 4);
        uint32_t want = (uint32_t)strtoul(hx[i], NULL, 16);
        float fw;
        memcpy(&fw, &want, 4);
        if (tol ? fabs((double)v - (double)fw) > tol * maxabs : bits != want) {
          g_test_message("%s %s[%lld]: %08x (%.9g), PyTorch %08x (%.9g)", rec, label, (long long)i, bits, v, want, fw);
          g_test_fail();
        }
      }
      g_strfreev(hx);
    }
    g_strfreev(f);
  }
  g_strfreev(lines);
  g_assert_true(found);
}

static void expect_grad(const char *rec, const char *label, const tn_tensor *t) {
  tn_tensor *g = tn_grad(t);
  expect_line(rec, label, g);
  tn_release(g);
}

static void test_quadratic(void) {
  tol = 0;
  int64_t s[] = {5};
  tn_tensor *w = gleaf(1, s, 1), *ww = tn_mul(w, w), *sum = tn_sum(ww, 0, NULL, false, TN_DTYPE_UNDEFINED);
  tn_tensor *h = wf(0.5), *l = tn_mul(h, sum);
  g_assert_cmpint(tn_backward(l, NULL, false, false), ==, 0);
  expect_grad("grad/quadratic", "w", w);
  tn_release(l), tn_release(h), tn_release(sum), tn_release(ww), tn_release(w);
}

static void test_logistic(void) {
  tol = 4e-6;
  int64_t sx[] = {6, 3}, sy[] = {6}, sw[] = {3};
  tn_tensor *X = inp(2, sx, 2), *y = tn_empty(1, sy, TN_OPTS(TN_DTYPE_FLOAT32));
  for (int64_t i = 0; i < 6; i++) ((float *)tn_data_ptr(y))[i] = (float)(i % 2);
  tn_tensor *w = gleaf(1, sw, 3), *b = gleaf(0, NULL, 4);
  tn_tensor *z0 = tn_matmul(X, w), *z = tn_add(z0, b), *p = tn_unary(TN_UNARY_SIGMOID, z);
  tn_tensor *lp = tn_unary(TN_UNARY_LOG, p), *t1 = tn_mul(y, lp);
  tn_tensor *one = wi(1), *omy = tn_sub(one, y), *omp = tn_sub(one, p), *lq = tn_unary(TN_UNARY_LOG, omp);
  tn_tensor *t2 = tn_mul(omy, lq), *s = tn_add(t1, t2), *m = tn_mean(s, 0, NULL, false, TN_DTYPE_UNDEFINED);
  tn_tensor *loss = tn_unary(TN_UNARY_NEG, m);
  g_assert_cmpint(tn_backward(loss, NULL, false, false), ==, 0);
  expect_line("grad/logistic", "loss", loss);
  expect_grad("grad/logistic", "w", w);
  expect_grad("grad/logistic", "b", b);
  tn_tensor *all[] = {X, y, w, b, z0, z, p, lp, t1, one, omy, omp, lq, t2, s, m, loss};
  for (size_t i = 0; i < G_N_ELEMENTS(all); i++) tn_release(all[i]);
}

static void test_mlp(void) {
  tol = 4e-6;
  int64_t sx[] = {4, 3}, st[] = {4, 2}, s1[] = {3, 5}, sb1[] = {5}, s2[] = {5, 2}, sb2[] = {2};
  tn_tensor *X = inp(2, sx, 5), *T = inp(2, st, 6);
  tn_tensor *W1 = gleaf(2, s1, 7), *b1 = gleaf(1, sb1, 8), *W2 = gleaf(2, s2, 9), *b2 = gleaf(1, sb2, 10);
  tn_tensor *a = tn_matmul(X, W1), *a2 = tn_add(a, b1), *h = tn_unary(TN_UNARY_TANH, a2);
  tn_tensor *o = tn_matmul(h, W2), *o2 = tn_add(o, b2), *d = tn_sub(o2, T), *two = wi(2);
  tn_tensor *sq = tn_binary(TN_BINARY_POW, d, two), *loss = tn_mean(sq, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(loss, NULL, false, false), ==, 0);
  expect_line("grad/mlp", "loss", loss);
  expect_grad("grad/mlp", "W1", W1);
  expect_grad("grad/mlp", "b1", b1);
  expect_grad("grad/mlp", "W2", W2);
  expect_grad("grad/mlp", "b2", b2);
  tn_tensor *all[] = {X, T, W1, b1, W2, b2, a, a2, h, o, o2, d, two, sq, loss};
  for (size_t i = 0; i < G_N_ELEMENTS(all); i++) tn_release(all[i]);
}

static void test_accumulate(void) {
  tol = 0;
  int64_t s[] = {4};
  tn_tensor *w = gleaf(1, s, 11), *ww = tn_mul(w, w), *l1 = tn_sum(ww, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(l1, NULL, false, false), ==, 0);
  expect_grad("grad/accumulate", "first", w);
  tn_tensor *three = wi(3), *w3 = tn_mul(w, three), *l2 = tn_sum(w3, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(l2, NULL, false, false), ==, 0);
  expect_grad("grad/accumulate", "second", w);
  /* t.grad = None, then a fresh gradient */
  g_assert_cmpint(tn_set_grad(w, NULL), ==, 0);
  g_assert_null(tn_grad(w));
  tn_release(l2), tn_release(w3), tn_release(three), tn_release(l1), tn_release(ww), tn_release(w);
}

static void test_vjp(void) {
  tol = 2e-7;
  int64_t s[] = {2, 3};
  tn_tensor *x = gleaf(2, s, 12), *G = inp(2, s, 13), *e = tn_unary(TN_UNARY_EXP, x), *two = wi(2);
  tn_tensor *y = tn_mul(e, two);
  g_assert_cmpint(tn_backward(y, G, false, false), ==, 0);
  expect_grad("grad/vjp", "x", x);
  tn_release(y), tn_release(two), tn_release(e), tn_release(G), tn_release(x);
}

static void test_retain(void) {
  tol = 0;
  int64_t s[] = {3};
  tn_tensor *x = gleaf(1, s, 14), *a = tn_mul(x, x), *b = tn_mul(a, x), *y = tn_sum(b, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(y, NULL, true, false), ==, 0);
  g_assert_cmpint(tn_backward(y, NULL, false, false), ==, 0);
  expect_grad("grad/retain", "x", x);
  /* the graph is freed now */
  g_assert_cmpint(tn_backward(y, NULL, false, false), ==, -1);
  g_assert_true(g_str_has_prefix(tn_error_message(), "Trying to backward through the graph a second time"));
  tn_release(y), tn_release(b), tn_release(a), tn_release(x);
}

static void test_hessian(void) {
  tol = 0;
  int64_t s[] = {3};
  tn_tensor *x = gleaf(1, s, 15), *three = wi(3), *c = tn_binary(TN_BINARY_POW, x, three);
  tn_tensor *y = tn_sum(c, 0, NULL, false, TN_DTYPE_UNDEFINED), *g = NULL, *h = NULL;
  g_assert_cmpint(tn_autograd_grad(1, &y, NULL, 1, &x, true, true, false, &g), ==, 0);
  expect_line("grad/hessian", "g", g);
  g_assert_true(tn_requires_grad(g));
  tn_tensor *gs = tn_sum(g, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_autograd_grad(1, &gs, NULL, 1, &x, false, false, false, &h), ==, 0);
  expect_line("grad/hessian", "h", h);
  g_assert_null(tn_grad(x)); /* autograd.grad leaves .grad alone */
  tn_release(h), tn_release(gs), tn_release(g), tn_release(y), tn_release(c), tn_release(three), tn_release(x);
}

static void test_layout(void) {
  tol = 0;
  int64_t s[] = {3, 4};
  tn_tensor *base = inp(2, s, 16), *xt = tn_t(base), *x = tn_detach(xt);
  tn_release(tn_requires_grad_(x, true));
  tn_tensor *two = wi(2), *m = tn_mul(x, two), *l = tn_sum(m, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(l, NULL, false, false), ==, 0);
  expect_grad("grad/layout", "x", x); /* .grad takes the leaf's (transposed) strides */
  tn_release(l), tn_release(m), tn_release(two), tn_release(x), tn_release(xt), tn_release(base);
}

static void test_retain_grad(void) {
  tol = 0;
  int64_t s[] = {2, 3};
  tn_tensor *x = gleaf(2, s, 17), *three = wi(3), *h = tn_mul(x, three);
  g_assert_cmpint(tn_retain_grad(h), ==, 0);
  tn_tensor *hh = tn_mul(h, h), *l = tn_sum(hh, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(l, NULL, false, false), ==, 0);
  expect_grad("grad/retain-grad", "h", h);
  expect_grad("grad/retain-grad", "x", x);
  g_assert_false(tn_is_leaf(h));
  g_assert_true(tn_is_leaf(x));
  tn_release(l), tn_release(hh), tn_release(h), tn_release(three), tn_release(x);
}

static void test_to_double(void) {
  tol = 0;
  int64_t s[] = {3, 4};
  tn_tensor *x = gleaf(2, s, 18), *d = tn_to_dtype(x, TN_DTYPE_FLOAT64, false), *m = tn_mul(d, d);
  tn_tensor *l = tn_sum(m, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpstr(tn_node_name(tn_grad_fn(d)), ==, "ToCopyBackward0");
  g_assert_cmpint(tn_backward(l, NULL, false, false), ==, 0);
  tn_tensor *g = tn_grad(x);
  g_assert_cmpint(g->dtype, ==, TN_DTYPE_FLOAT32);
  tn_release(g);
  expect_grad("grad/to-double", "x", x);
  tn_release(l), tn_release(m), tn_release(d), tn_release(x);
}

static void test_copyslices(void) {
  tol = 0;
  int64_t s[] = {3, 4};
  tn_tensor *x = gleaf(2, s, 19), *one = wi(1), *y = tn_mul(x, one), *half = wf(0.5);
  tn_index ix[2] = {{.kind = TN_INDEX_SLICE, .has_start = true, .start = 1},
                    {.kind = TN_INDEX_SLICE, .has_step = true, .step = 2}};
  g_assert_cmpint(tn_index_put_(y, 2, ix, half), ==, 0);
  tn_tensor *row = tn_select(y, 0, 0), *x2 = tn_select(x, 0, 2), *r = tn_binary_(TN_BINARY_MUL, row, x2);
  g_assert_cmpstr(tn_node_name(tn_grad_fn(y)), ==, "CopySlices");
  tn_tensor *yy = tn_mul(y, y), *l = tn_sum(yy, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(l, NULL, false, false), ==, 0);
  expect_grad("grad/copyslices", "x", x);
  tn_tensor *all[] = {x, one, y, half, row, x2, r, yy, l};
  for (size_t i = 0; i < G_N_ELEMENTS(all); i++) tn_release(all[i]);
}

/* backward(create_graph=True): .grad gets a graph (CopyBackwards, then AddBackward0) */
static void test_create_graph(void) {
  tol = 0;
  int64_t s[] = {2};
  tn_tensor *x = gleaf(1, s, 20), *three = wi(3);
  for (int k = 1; k <= 2; k++) {
    tn_tensor *c = tn_binary(TN_BINARY_POW, x, three), *y = tn_sum(c, 0, NULL, false, TN_DTYPE_UNDEFINED);
    g_assert_cmpint(tn_backward(y, NULL, true, true), ==, 0);
    tn_tensor *g = tn_grad(x);
    char *name = g_strdup_printf("repr/create-graph-%d", k);
    expect_repr(name, g);
    g_free(name);
    tn_release(g), tn_release(y), tn_release(c);
  }
  /* the gradient's graph leads back to x: break the cycle as PyTorch's warning advises */
  g_assert_cmpint(tn_set_grad(x, NULL), ==, 0);
  tn_release(three), tn_release(x);
}

/* The lecture's loop: loss.backward(), an update under no_grad, grad.zero_(); w converges to the
 * least-squares solution (here exactly w* = (1, -2, 0.5), the data being generated from it). */
static void test_training_loop(void) {
  tol = 0;
  int64_t sx[] = {8, 3}, sw[] = {3};
  tn_tensor *X = tn_empty(2, sx, TN_OPTS(TN_DTYPE_FLOAT64));
  double *xv = tn_data_ptr(X);
  for (int i = 0; i < 24; i++) xv[i] = sin(0.37 * i * i + 0.1); /* full column rank */
  tn_scalar ws[] = {tn_scalar_float(1), tn_scalar_float(-2), tn_scalar_float(0.5)};
  tn_tensor *wstar = tn_from_scalars(1, sw, ws, TN_OPTS(TN_DTYPE_FLOAT64)), *y = tn_mv(X, wstar);
  tn_tensor *w = tn_zeros(1, sw, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_release(tn_requires_grad_(w, true));
  double first = 0, last = 0;
  for (int it = 0; it < 2000; it++) {
    tn_tensor *p = tn_mv(X, w), *d = tn_sub(p, y), *two = tn_wrap_scalar(tn_scalar_int(2));
    tn_tensor *sq = tn_binary(TN_BINARY_POW, d, two), *loss = tn_mean(sq, 0, NULL, false, TN_DTYPE_UNDEFINED);
    double lv = tn_scalar_to_double(tn_get_flat(loss, 0));
    if (it == 0) first = lv;
    last = lv;
    g_assert_cmpint(tn_backward(loss, NULL, false, false), ==, 0);
    bool prev = tn_set_grad_enabled(false);
    tn_tensor *g = tn_grad(w);
    tn_release(tn_sub_alpha_(w, g, tn_scalar_float(0.5)));
    tn_release(tn_zero_(g));
    tn_release(g);
    tn_set_grad_enabled(prev);
    g_assert_true(tn_is_leaf(w));
    tn_release(loss), tn_release(sq), tn_release(two), tn_release(d), tn_release(p);
  }
  g_assert_cmpfloat(last, <, first * 1e-8);
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon(tn_scalar_to_double(tn_get_flat(w, i)), tn_scalar_to_double(ws[i]), 1e-4);
  tn_release(w), tn_release(y), tn_release(wstar), tn_release(X);
}

/* ----- errors ----- */

static void expect_error(const char *name) {
  char *got = g_strdup_printf("%s: %s", tn_error_kind_name(tn_error_kind_last()), tn_error_message());
  g_assert_cmpstr(got, ==, golden_get(golden, name));
  g_free(got);
}

static void test_errors(void) {
  tol = 0;
  int64_t s3[] = {3}, s23[] = {2, 3}, s2[] = {2};
  tn_tensor *a = tn_ones(1, s3, TN_OPTS(TN_DTYPE_FLOAT32));
  tn_release(tn_requires_grad_(a, true));
  tn_tensor *two = wi(2);
  g_assert_null(tn_binary_(TN_BINARY_MUL, a, two));
  expect_error("error/leaf-inplace");
  /* the random fills are in-place ops too: refused on a leaf under grad mode, allowed under
   * no_grad (which is how torch.nn.init fills parameters) */
  g_assert_null(tn_uniform_(a, 0, 1));
  expect_error("error/leaf-inplace");
  g_assert_null(tn_normal_(a, 0, 1));
  expect_error("error/leaf-inplace");
  bool grad_was = tn_set_grad_enabled(false);
  tn_release(tn_uniform_(a, 0, 1));
  g_assert_cmpfloat(tn_get_flat(a, 0).v.f, <, 1.0);
  tn_release(tn_fill_(a, tn_scalar_float(1)));
  tn_set_grad_enabled(grad_was);
  tn_tensor *m = gleaf(2, s23, 1), *row = tn_select(m, 0, 0);
  g_assert_null(tn_binary_(TN_BINARY_MUL, row, two));
  expect_error("error/view-leaf-inplace");
  /* a leaf that is itself a view of plain data */
  tn_tensor *data = inp(1, s3, 1), *lv = tn_view(data, 1, s3);
  tn_release(tn_requires_grad_(lv, true));
  g_assert_null(tn_binary_(TN_BINARY_MUL, lv, two));
  expect_error("error/leaf-view-inplace");
  tn_tensor *it = tn_zeros(1, s2, TN_OPTS(TN_DTYPE_INT64));
  g_assert_null(tn_requires_grad_(it, true));
  expect_error("error/int-requires-grad");
  tn_tensor *y = tn_mul(a, two);
  g_assert_cmpint(tn_backward(y, NULL, false, false), ==, -1);
  expect_error("error/nonscalar");
  tn_tensor *g2 = tn_ones(1, s2, TN_OPTS(TN_DTYPE_FLOAT32));
  g_assert_cmpint(tn_backward(y, g2, false, false), ==, -1);
  expect_error("error/grad-shape");
  tn_tensor *e = tn_unary(TN_UNARY_EXP, a), *es = tn_sum(e, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(es, NULL, false, false), ==, 0);
  g_assert_cmpint(tn_backward(es, NULL, false, false), ==, -1);
  expect_error("error/backward-twice");
  tn_tensor *plain = tn_ones(1, s3, TN_OPTS(TN_DTYPE_FLOAT32)), *ps = tn_sum(plain, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(ps, NULL, false, false), ==, -1);
  expect_error("error/no-grad-fn");
  /* a saved output modified in place */
  tn_tensor *ex = tn_unary(TN_UNARY_EXP, a), *one = wi(1);
  tn_release(tn_add_alpha_(ex, one, tn_scalar_int(1)));
  tn_tensor *exs = tn_sum(ex, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(exs, NULL, false, false), ==, -1);
  expect_error("error/version");
  /* a saved plain tensor modified in place */
  tn_tensor *c = tn_ones(1, s3, TN_OPTS(TN_DTYPE_FLOAT32)), *w = tn_mul(a, c);
  tn_release(tn_add_alpha_(c, one, tn_scalar_int(1)));
  tn_tensor *ws = tn_sum(w, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(ws, NULL, false, false), ==, -1);
  expect_error("error/version-leaf");
  /* autograd.grad with an unused input */
  tn_tensor *b = gleaf(1, s3, 2), *a2 = tn_mul(a, two), *a2s = tn_sum(a2, 0, NULL, false, TN_DTYPE_UNDEFINED);
  tn_tensor *ins[2] = {a, b}, *res[2];
  g_assert_cmpint(tn_autograd_grad(1, &a2s, NULL, 2, ins, true, false, false, res), ==, -1);
  expect_error("error/unused");
  g_assert_cmpint(tn_autograd_grad(1, &a2s, NULL, 2, ins, false, false, true, res), ==, 0);
  g_assert_nonnull(res[0]);
  g_assert_null(res[1]);
  tn_release(res[0]);
  /* in no_grad mode nothing is recorded and leaves may be written */
  bool prev = tn_set_grad_enabled(false);
  g_assert_false(tn_is_grad_enabled());
  tn_tensor *ng = tn_mul(a, two);
  g_assert_false(tn_requires_grad(ng));
  tn_tensor *r = tn_binary_(TN_BINARY_MUL, a, two);
  g_assert_nonnull(r);
  tn_release(r);
  tn_set_grad_enabled(prev);
  g_assert_true(tn_is_grad_enabled());
  tn_tensor *all[] = {a, two, m, row, data, lv, it, y, g2, e, es, plain, ps, ex, one, exs, c, w, ws, b, a2, a2s, ng};
  for (size_t i = 0; i < G_N_ELEMENTS(all); i++) tn_release(all[i]);
}

/* ----- printouts and the graph ----- */

static void expect_repr(const char *name, const tn_tensor *t) {
  char *s = tn_repr(t);
  g_assert_cmpstr(s, ==, golden_get(golden, name));
  free(s);
}

static void test_repr(void) {
  tol = 0;
  int64_t s3[] = {3}, s22[] = {2, 2};
  tn_tensor *x = gleaf(1, s3, 1), *two = wi(2);
  expect_repr("repr/leaf", x);
  tn_tensor *m2 = tn_mul(x, two);
  expect_repr("repr/mul", m2);
  tn_tensor *xx = tn_mul(x, x), *s = tn_sum(xx, 0, NULL, false, TN_DTYPE_UNDEFINED);
  expect_repr("repr/sum", s);
  tn_index i0 = {.kind = TN_INDEX_INT, .i = 0};
  tn_tensor *sel = tn_index_get(x, 1, &i0);
  expect_repr("repr/select", sel);
  tn_tensor *one = wi(1), *y = tn_mul(x, one), *five = wi(5);
  g_assert_cmpint(tn_index_put_(y, 1, &i0, five), ==, 0);
  expect_repr("repr/copyslices", y);
  tn_tensor *m = gleaf(2, s22, 2), *mm = tn_matmul(m, m);
  expect_repr("repr/mm", mm);
  bool prev = tn_set_grad_enabled(false);
  tn_tensor *ng = tn_mul(x, two);
  tn_set_grad_enabled(prev);
  expect_repr("repr/no-grad", ng);

  /* the graph of (x * x).sum(): SumBackward0 -> MulBackward0 -> AccumulateGrad (x) twice */
  tn_node *n = tn_grad_fn(s);
  g_assert_cmpstr(tn_node_name(n), ==, "SumBackward0");
  g_assert_cmpint(tn_node_num_next(n), ==, 1);
  int32_t nr = -1;
  tn_node *mul = tn_node_next(n, 0, &nr);
  g_assert_cmpstr(tn_node_name(mul), ==, "MulBackward0");
  g_assert_cmpint(nr, ==, 0);
  g_assert_cmpint(tn_node_num_next(mul), ==, 2);
  tn_node *acc = tn_node_next(mul, 0, NULL);
  g_assert_cmpstr(tn_node_name(acc), ==, "AccumulateGrad");
  g_assert_true(tn_node_next(mul, 1, NULL) == acc);
  g_assert_true(tn_node_variable(acc) == x);
  g_assert_cmpint(tn_node_num_saved(mul), ==, 2);
  g_assert_cmpstr(tn_node_saved_name(mul, 0), ==, "self");
  g_assert_cmpint(tn_node_saved(mul, 0)->shape[0], ==, 3);
  g_assert_null(tn_grad_fn(x));
  tn_tensor *all[] = {x, two, m2, xx, s, sel, one, y, five, m, mm, ng};
  for (size_t i = 0; i < G_N_ELEMENTS(all); i++) tn_release(all[i]);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  (void)W;
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *path = g_strdup_printf("/engine/autograd/gradcheck/%s", cases[i].name);
    g_test_add_data_func(path, &cases[i], run_case);
    g_free(path);
  }
  golden = golden_load("autograd.txt");
  g_test_add_func("/engine/autograd/grad/quadratic", test_quadratic);
  g_test_add_func("/engine/autograd/grad/logistic", test_logistic);
  g_test_add_func("/engine/autograd/grad/mlp", test_mlp);
  g_test_add_func("/engine/autograd/grad/accumulate", test_accumulate);
  g_test_add_func("/engine/autograd/grad/vjp", test_vjp);
  g_test_add_func("/engine/autograd/grad/retain-graph", test_retain);
  g_test_add_func("/engine/autograd/grad/hessian", test_hessian);
  g_test_add_func("/engine/autograd/grad/layout", test_layout);
  g_test_add_func("/engine/autograd/grad/retain-grad", test_retain_grad);
  g_test_add_func("/engine/autograd/grad/to-double", test_to_double);
  g_test_add_func("/engine/autograd/grad/copyslices", test_copyslices);
  g_test_add_func("/engine/autograd/grad/create-graph", test_create_graph);
  g_test_add_func("/engine/autograd/training-loop", test_training_loop);
  g_test_add_func("/engine/autograd/errors", test_errors);
  g_test_add_func("/engine/autograd/repr-and-graph", test_repr);
  int rc = g_test_run();
  if (names) g_hash_table_destroy(names);
  golden_free(golden);
  return rc;
}
