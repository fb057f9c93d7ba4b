/* test-autograd-nn.c — the fused nn ops (addmm, linear, softmax, log_softmax, the losses), linalg.solve,
 * the matrix norms, matmul's recorded decomposition and einsum with an ellipsis: a gradcheck
 * (central finite differences in float64) and a gradgradcheck on non-contiguous and broadcast
 * inputs; and, against real PyTorch (tests/golden/gen_autograd_nn.py writes autograd_nn.txt), node
 * names, graph chains, float32 values and gradients bit for bit, and every error message. */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "golden-tensors.h"
#include "tn-internal.h"

#define REL(t) tn_release(t)

static golden_file *golden;

/* float64 leaves and the weighted scalar: golden_leaf, golden_weighted_sum (golden-tensors.c) */

/* A constant tensor of the given dtype from a generator of values. */
static tn_tensor *filled(int32_t ndim, const int64_t *shape, tn_dtype dt, double (*f)(int64_t)) {
  tn_tensor *t = tn_empty(ndim, shape, TN_OPTS(dt));
  g_assert_nonnull(t);
  for (int64_t i = 0; i < t->numel; i++) tn__store_double((char *)tn_data_ptr(t) + i * (int64_t)tn_dtype_size(dt), dt, f(i));
  return t;
}
static double probs_f(int64_t i) { return 0.15 + 0.7 * (double)((i * 5) % 7) / 6; }
static double wts_f(int64_t i) { return 0.5 + (double)((i * 3) % 7) / 4; }
static double wts_plus1_f(int64_t i) { return wts_f(i) + 1; }
static double inp_f_seed;
static double inp_f(int64_t i) { return (double)(((i * 7 + (int64_t)inp_f_seed * 5) % 17) - 8) / 8; }

static tn_tensor *targets(int64_t n, const int64_t *v) {
  tn_tensor *t = tn_empty(1, &n, TN_OPTS(TN_DTYPE_INT64));
  memcpy(tn_data_ptr(t), v, sizeof(int64_t) * (size_t)n);
  return t;
}

typedef tn_tensor *(*case_fn)(tn_tensor **in);

typedef struct gcase {
  const char *name;
  case_fn f;
  int32_t nin;
  int32_t ndim[3];
  int64_t shape[3][4];
  bool smooth; /* also gradgradcheck */
} gcase;

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

static double value_of(case_fn f, tn_tensor **in) {
  bool prev = tn_set_grad_enabled(false);
  tn_tensor *o = f(in);
  g_assert_nonnull(o);
  tn_tensor *s = golden_weighted_sum(o);
  double v = tn_scalar_to_double(tn_get_flat(s, 0));
  REL(s);
  REL(o);
  tn_set_grad_enabled(prev);
  return v;
}

static void check_close(double a, double n, const char *what, const char *name, int k, int64_t i) {
  if (fabs(a - n) > 1e-5 + 1e-4 * fabs(n)) {
    g_test_message("%s: %s input %d element %lld: analytical %.12g numerical %.12g", name, what, k, (long long)i, a, n);
    g_test_fail();
  }
}

static void gradcheck(const gcase *c, tn_tensor **in) {
  tn_tensor *o = c->f(in);
  if (!o) g_error("%s: %s", c->name, tn_error_message());
  const char *want = expected_name(c->name);
  const char *nm = tn_node_name(tn_grad_fn(o));
  if (!nm || strcmp(nm, want) != 0) {
    g_test_message("%s: grad_fn %s, PyTorch's %s", c->name, nm ? nm : "(none)", want);
    g_test_fail();
  }
  tn_tensor *s = golden_weighted_sum(o);
  REL(o);
  tn_tensor *g[3] = {0};
  if (tn_autograd_grad(1, &s, NULL, c->nin, in, false, false, true, g) < 0) g_error("%s: %s", c->name, tn_error_message());
  REL(s);
  for (int k = 0; k < c->nin; k++) {
    double *x = tn_data_ptr(in[k]);
    for (int64_t i = 0; i < in[k]->numel; i++) {
      double keep = x[i], h = 1e-6;
      x[i] = keep + h;
      double fp = value_of(c->f, in);
      x[i] = keep - h;
      double fm = value_of(c->f, in);
      x[i] = keep;
      double ana = g[k] ? tn_scalar_to_double(tn_get_flat(g[k], i)) : 0.0;
      check_close(ana, (fp - fm) / (2 * h), "grad", c->name, k, i);
    }
    REL(g[k]);
  }
}

static double first_grad_dot(const gcase *c, tn_tensor **in, bool record, tn_tensor **out_scalar) {
  tn_tensor *o = c->f(in);
  tn_tensor *s = golden_weighted_sum(o);
  REL(o);
  tn_tensor *g[3] = {0};
  if (tn_autograd_grad(1, &s, NULL, c->nin, in, record, record, true, g) < 0) g_error("%s: %s", c->name, tn_error_message());
  REL(s);
  tn_tensor *acc = NULL;
  for (int k = 0; k < c->nin; k++) {
    if (!g[k]) continue;
    tn_tensor *v = golden_weighted_sum(g[k]);
    if (acc) {
      tn_tensor *t = tn_add(acc, v);
      REL(acc);
      REL(v);
      acc = t;
    } else {
      acc = v;
    }
    REL(g[k]);
  }
  double val = acc ? tn_scalar_to_double(tn_get_flat(acc, 0)) : 0.0;
  if (out_scalar)
    *out_scalar = acc;
  else
    REL(acc);
  return val;
}

static void gradgradcheck(const gcase *c, tn_tensor **in) {
  tn_tensor *s = NULL;
  first_grad_dot(c, in, true, &s);
  if (!s || !tn_requires_grad(s)) {
    REL(s);
    return;
  }
  tn_tensor *gg[3] = {0};
  if (tn_autograd_grad(1, &s, NULL, c->nin, in, false, false, true, gg) < 0)
    g_error("%s (double backward): %s", c->name, tn_error_message());
  REL(s);
  for (int k = 0; k < c->nin; k++) {
    double *x = tn_data_ptr(in[k]);
    for (int64_t i = 0; i < in[k]->numel; i++) {
      double keep = x[i], h = 1e-5;
      x[i] = keep + h;
      double fp = first_grad_dot(c, in, false, NULL);
      x[i] = keep - h;
      double fm = first_grad_dot(c, in, false, NULL);
      x[i] = keep;
      double ana = gg[k] ? tn_scalar_to_double(tn_get_flat(gg[k], i)) : 0.0;
      check_close(ana, (fp - fm) / (2 * h), "gradgrad", c->name, k, i);
    }
    REL(gg[k]);
  }
}

static void run_case(gconstpointer data) {
  const gcase *c = data;
  tn_tensor *in[3] = {0};
  for (int k = 0; k < c->nin; k++) in[k] = golden_leaf(c->ndim[k], c->shape[k], k + 1, false);
  gradcheck(c, in);
  if (c->smooth) gradgradcheck(c, in);
  for (int k = 0; k < c->nin; k++) REL(in[k]);
}

/* ----- the cases (mirrored by CASES in gen_autograd_nn.py) ----- */

static const int64_t s3[] = {3}, s4[] = {4}, s34[] = {3, 4}, s32[] = {3, 2};
static tn_tensor *sig(tn_tensor *x) { return tn_unary(TN_UNARY_SIGMOID, x); }
static tn_tensor *f_addmm(tn_tensor **in) { return tn_addmm(in[0], in[1], in[2], tn_scalar_int(1), tn_scalar_int(1)); }
static tn_tensor *f_addmm_scaled(tn_tensor **in) {
  return tn_addmm(in[0], in[1], in[2], tn_scalar_float(0.5), tn_scalar_int(-2));
}
static tn_tensor *f_addmm_colmajor(tn_tensor **in) {
  tn_tensor *a = tn_t(in[1]), *b = tn_t(in[2]), *r = tn_addmm(in[0], a, b, tn_scalar_int(1), tn_scalar_int(1));
  REL(a);
  REL(b);
  return r;
}
static tn_tensor *f_linear(tn_tensor **in) { return tn_linear(in[0], in[1], in[2]); }
static tn_tensor *f_linear_t(tn_tensor **in) {
  tn_tensor *x = tn_transpose(in[0], 0, 1), *r = tn_linear(x, in[1], in[2]);
  REL(x);
  return r;
}
static tn_tensor *f_linear_nobias(tn_tensor **in) { return tn_linear(in[0], in[1], NULL); }
static tn_tensor *f_softmax1(tn_tensor **in) { return tn_softmax(in[0], 1, TN_DTYPE_UNDEFINED); }
static tn_tensor *f_softmax0(tn_tensor **in) { return tn_softmax(in[0], 0, TN_DTYPE_UNDEFINED); }
static tn_tensor *f_softmax_t(tn_tensor **in) {
  tn_tensor *x = tn_transpose(in[0], 0, 2), *r = tn_softmax(x, 1, TN_DTYPE_UNDEFINED);
  REL(x);
  return r;
}
static tn_tensor *f_lsm1(tn_tensor **in) { return tn_log_softmax(in[0], 1, TN_DTYPE_UNDEFINED); }
static tn_tensor *f_lsm0(tn_tensor **in) { return tn_log_softmax(in[0], 0, TN_DTYPE_UNDEFINED); }
static tn_tensor *f_lsm_t(tn_tensor **in) {
  tn_tensor *x = tn_t(in[0]), *r = tn_log_softmax(x, -1, TN_DTYPE_UNDEFINED);
  REL(x);
  return r;
}
static tn_tensor *f_mse_mean(tn_tensor **in) { return tn_mse_loss(in[0], in[1], TN_REDUCTION_MEAN); }
static tn_tensor *f_mse_sum(tn_tensor **in) { return tn_mse_loss(in[0], in[1], TN_REDUCTION_SUM); }
static tn_tensor *f_mse_none(tn_tensor **in) { return tn_mse_loss(in[0], in[1], TN_REDUCTION_NONE); }
static tn_tensor *f_bce_mean(tn_tensor **in) {
  tn_tensor *p = sig(in[0]), *t = filled(2, s34, TN_DTYPE_FLOAT64, probs_f);
  tn_tensor *r = tn_binary_cross_entropy(p, t, NULL, TN_REDUCTION_MEAN);
  REL(p);
  REL(t);
  return r;
}
static tn_tensor *f_bce_none_w(tn_tensor **in) {
  tn_tensor *p = sig(in[0]), *t = filled(2, s34, TN_DTYPE_FLOAT64, probs_f), *w = filled(1, s4, TN_DTYPE_FLOAT64, wts_f);
  tn_tensor *we = tn_expand(w, 2, s34);
  tn_tensor *r = tn_binary_cross_entropy(p, t, we, TN_REDUCTION_NONE);
  REL(p), REL(t), REL(w), REL(we);
  return r;
}
static tn_tensor *f_bce_target(tn_tensor **in) {
  tn_tensor *p = sig(in[0]), *t = sig(in[1]);
  tn_tensor *r = tn_binary_cross_entropy(p, t, NULL, TN_REDUCTION_SUM);
  REL(p), REL(t);
  return r;
}
static tn_tensor *f_bce_logits(tn_tensor **in) {
  tn_tensor *t = sig(in[1]), *r = tn_binary_cross_entropy_with_logits(in[0], t, NULL, NULL, TN_REDUCTION_MEAN);
  REL(t);
  return r;
}
static tn_tensor *f_bce_logits_pw(tn_tensor **in) {
  tn_tensor *t = sig(in[1]), *w = filled(1, s4, TN_DTYPE_FLOAT64, wts_f), *pw = filled(1, s4, TN_DTYPE_FLOAT64, wts_plus1_f);
  tn_tensor *r = tn_binary_cross_entropy_with_logits(in[0], t, w, pw, TN_REDUCTION_SUM);
  REL(t), REL(w), REL(pw);
  return r;
}
static tn_tensor *f_bce_logits_none(tn_tensor **in) {
  tn_tensor *x = tn_t(in[0]), *t = filled(2, s32, TN_DTYPE_FLOAT64, probs_f);
  tn_tensor *r = tn_binary_cross_entropy_with_logits(x, t, NULL, NULL, TN_REDUCTION_NONE);
  REL(x), REL(t);
  return r;
}
static const int64_t tg4[] = {0, 2, 1, 2};
static tn_tensor *nll_case(tn_tensor *x, tn_reduction red, bool weight, int64_t ignore) {
  tn_tensor *t = targets(4, tg4), *w = weight ? filled(1, s3, TN_DTYPE_FLOAT64, wts_f) : NULL;
  tn_tensor *r = tn_nll_loss(x, t, w, red, ignore);
  REL(t);
  REL(w);
  return r;
}
static tn_tensor *f_nll_mean(tn_tensor **in) { return nll_case(in[0], TN_REDUCTION_MEAN, false, -100); }
static tn_tensor *f_nll_sum_w(tn_tensor **in) { return nll_case(in[0], TN_REDUCTION_SUM, true, -100); }
static tn_tensor *f_nll_mean_w_ignore(tn_tensor **in) { return nll_case(in[0], TN_REDUCTION_MEAN, true, 1); }
static tn_tensor *f_nll_none(tn_tensor **in) { return nll_case(in[0], TN_REDUCTION_NONE, false, -100); }
static tn_tensor *f_nll_1d(tn_tensor **in) {
  int64_t two = 2;
  tn_tensor *t = tn_empty(0, NULL, TN_OPTS(TN_DTYPE_INT64));
  memcpy(tn_data_ptr(t), &two, sizeof two);
  tn_tensor *r = tn_nll_loss(in[0], t, NULL, TN_REDUCTION_MEAN, -100);
  REL(t);
  return r;
}
static tn_tensor *f_cross_entropy(tn_tensor **in) {
  tn_tensor *l = tn_log_softmax(in[0], 1, TN_DTYPE_UNDEFINED), *r = nll_case(l, TN_REDUCTION_MEAN, false, -100);
  REL(l);
  return r;
}
static tn_tensor *f_solve(tn_tensor **in) { return tn_linalg_solve(in[0], in[1]); }
static tn_tensor *f_norm_nuc(tn_tensor **in) { return tn_linalg_norm(in[0], false, 0, "nuc", 0, NULL, false); }
static tn_tensor *f_norm_2(tn_tensor **in) { return tn_linalg_norm(in[0], true, 2, NULL, 0, NULL, false); }
static tn_tensor *f_norm_m2(tn_tensor **in) { return tn_linalg_norm(in[0], true, -2, NULL, 0, NULL, false); }
static tn_tensor *f_norm_1(tn_tensor **in) { return tn_linalg_norm(in[0], true, 1, NULL, 0, NULL, false); }
static tn_tensor *f_norm_m1(tn_tensor **in) { return tn_linalg_norm(in[0], true, -1, NULL, 0, NULL, false); }
static tn_tensor *f_norm_inf(tn_tensor **in) { return tn_linalg_norm(in[0], true, INFINITY, NULL, 0, NULL, false); }
static tn_tensor *f_norm_minf(tn_tensor **in) { return tn_linalg_norm(in[0], true, -INFINITY, NULL, 0, NULL, false); }
static tn_tensor *f_norm_2_batch(tn_tensor **in) {
  static const int64_t d[2] = {0, 2};
  return tn_linalg_norm(in[0], true, 2, NULL, 2, d, true);
}
static tn_tensor *f_matmul(tn_tensor **in) { return tn_matmul(in[0], in[1]); }
static tn_tensor *f_bmm(tn_tensor **in) { return tn_bmm(in[0], in[1]); }
static tn_tensor *f_matmul_3d_t(tn_tensor **in) {
  tn_tensor *a = tn_transpose(in[0], 1, 2), *r = tn_matmul(a, in[1]);
  REL(a);
  return r;
}
static tn_tensor *f_einsum_ell(tn_tensor **in) { return tn_einsum("...ij,jk->...ik", 2, in); }
static tn_tensor *f_einsum_ell_bcast(tn_tensor **in) {
  static const int64_t d1[] = {1};
  tn_tensor *b = tn_sum(in[1], 1, d1, true, TN_DTYPE_UNDEFINED);
  tn_tensor *ops[2] = {in[0], b};
  tn_tensor *r = tn_einsum("...k,...k->...", 2, ops);
  REL(b);
  return r;
}
static tn_tensor *f_einsum_ell_implicit(tn_tensor **in) { return tn_einsum("...ij,jk", 2, in); }

static const gcase cases[] = {
    {"addmm", f_addmm, 3, {1, 2, 2}, {{3}, {2, 4}, {4, 3}}, true},
    {"addmm-scaled", f_addmm_scaled, 3, {2, 2, 2}, {{2, 3}, {2, 4}, {4, 3}}, true},
    {"addmm-colmajor", f_addmm_colmajor, 3, {2, 2, 2}, {{1, 3}, {4, 2}, {3, 4}}, true},
    {"linear", f_linear, 3, {2, 2, 1}, {{5, 4}, {3, 4}, {3}}, true},
    {"linear-1d", f_linear, 3, {1, 2, 1}, {{4}, {3, 4}, {3}}, true},
    {"linear-3d", f_linear, 3, {3, 2, 1}, {{2, 5, 4}, {3, 4}, {3}}, true},
    {"linear-3d-t", f_linear_t, 3, {3, 2, 1}, {{5, 2, 4}, {3, 4}, {3}}, true},
    {"linear-nobias", f_linear_nobias, 2, {2, 2}, {{5, 4}, {3, 4}}, true},
    {"softmax-1", f_softmax1, 1, {2}, {{3, 4}}, true},
    {"softmax-0", f_softmax0, 1, {2}, {{3, 4}}, true},
    {"softmax-t", f_softmax_t, 1, {3}, {{4, 3, 2}}, true},
    {"log-softmax-1", f_lsm1, 1, {2}, {{3, 4}}, true},
    {"log-softmax-0", f_lsm0, 1, {3}, {{2, 3, 2}}, true},
    {"log-softmax-t", f_lsm_t, 1, {2}, {{4, 3}}, true},
    {"mse-mean", f_mse_mean, 2, {2, 2}, {{3, 4}, {3, 4}}, true},
    {"mse-sum", f_mse_sum, 2, {2, 2}, {{3, 4}, {3, 4}}, true},
    {"mse-none", f_mse_none, 2, {2, 1}, {{3, 4}, {4}}, true},
    {"mse-bcast", f_mse_mean, 2, {2, 1}, {{3, 4}, {4}}, true},
    {"bce-mean", f_bce_mean, 1, {2}, {{3, 4}}, true},
    {"bce-none-w", f_bce_none_w, 1, {2}, {{3, 4}}, true},
    {"bce-target", f_bce_target, 2, {2, 2}, {{3, 4}, {3, 4}}, true},
    {"bce-logits", f_bce_logits, 2, {2, 2}, {{3, 4}, {3, 4}}, true},
    {"bce-logits-pw", f_bce_logits_pw, 2, {2, 2}, {{3, 4}, {3, 4}}, true},
    {"bce-logits-none", f_bce_logits_none, 1, {2}, {{2, 3}}, true},
    {"nll-mean", f_nll_mean, 1, {2}, {{4, 3}}, true},
    {"nll-sum-w", f_nll_sum_w, 1, {2}, {{4, 3}}, true},
    {"nll-mean-w-ignore", f_nll_mean_w_ignore, 1, {2}, {{4, 3}}, true},
    {"nll-none", f_nll_none, 1, {2}, {{4, 3}}, true},
    {"nll-1d", f_nll_1d, 1, {1}, {{3}}, true},
    {"cross-entropy", f_cross_entropy, 1, {2}, {{4, 3}}, true},
    {"solve", f_solve, 2, {2, 2}, {{3, 3}, {3, 2}}, true},
    {"solve-vector", f_solve, 2, {2, 1}, {{3, 3}, {3}}, true},
    {"solve-batch", f_solve, 2, {3, 2}, {{2, 3, 3}, {3, 2}}, true},
    /* the singular-value norms differentiate through U and V as constants: first derivatives only */
    {"norm-nuc", f_norm_nuc, 1, {2}, {{2, 3}}, false},
    {"norm-2", f_norm_2, 1, {2}, {{3, 2}}, false},
    {"norm--2", f_norm_m2, 1, {2}, {{2, 3}}, false},
    {"norm-1", f_norm_1, 1, {2}, {{2, 3}}, true},
    {"norm--1", f_norm_m1, 1, {2}, {{2, 3}}, true},
    {"norm-inf", f_norm_inf, 1, {2}, {{2, 3}}, true},
    {"norm--inf", f_norm_minf, 1, {2}, {{2, 3}}, true},
    {"norm-2-batch", f_norm_2_batch, 1, {3}, {{2, 3, 2}}, false},
    {"matmul-3d-2d", f_matmul, 2, {3, 2}, {{2, 3, 4}, {4, 2}}, true},
    {"matmul-3d-1d", f_matmul, 2, {3, 1}, {{2, 3, 4}, {4}}, true},
    {"matmul-1d-3d", f_matmul, 2, {1, 3}, {{3}, {2, 3, 4}}, true},
    {"matmul-2d-3d", f_matmul, 2, {2, 3}, {{2, 3}, {2, 3, 4}}, true},
    {"matmul-1d-2d", f_matmul, 2, {1, 2}, {{3}, {3, 4}}, true},
    {"matmul-batch", f_matmul, 2, {4, 3}, {{2, 1, 2, 3}, {3, 3, 2}}, true},
    {"matmul-3d-t", f_matmul_3d_t, 2, {3, 2}, {{2, 4, 3}, {4, 2}}, true},
    {"einsum-ellipsis", f_einsum_ell, 2, {3, 2}, {{2, 3, 4}, {4, 2}}, true},
    {"einsum-ellipsis-bcast", f_einsum_ell_bcast, 2, {3, 2}, {{2, 3, 4}, {3, 1}}, true},
    {"einsum-ellipsis-implicit", f_einsum_ell_implicit, 2, {3, 2}, {{2, 3, 4}, {4, 2}}, true},
};

/* ----- graphs ----- */

static char *chain_of(tn_tensor *t) {
  GString *s = g_string_new(NULL);
  tn_node *fn = tn_grad_fn(t);
  while (fn) {
    const char *nm = tn_node_name(fn);
    if (s->len) g_string_append(s, " -> ");
    g_string_append(s, strcmp(nm, "AccumulateGrad") == 0 ? "torch::autograd::AccumulateGrad" : nm);
    tn_node *next = NULL;
    for (int32_t i = 0; i < tn_node_num_next(fn) && !next; i++) {
      int32_t nr;
      next = tn_node_next(fn, i, &nr);
    }
    fn = next;
  }
  return g_string_free(s, FALSE);
}

static tn_tensor *rleaf(int32_t nd, const int64_t *shape) {
  tn_tensor *t = tn_ones(nd, shape, TN_OPTS(TN_DTYPE_FLOAT32));
  tn_tensor *r = tn_requires_grad_(t, true);
  REL(r);
  return t;
}

static void check_chain(const char *name, tn_tensor *out) {
  g_assert_nonnull(out);
  char key[128];
  snprintf(key, sizeof key, "chain/%s", name);
  char *got = chain_of(out);
  if (strcmp(got, golden_get(golden, key)) != 0) {
    g_test_message("%s: %s, PyTorch's %s", name, got, golden_get(golden, key));
    g_test_fail();
  }
  g_free(got);
  REL(out);
}

static void test_chains(void) {
  static const int64_t a234[] = {2, 3, 4}, a45[] = {4, 5}, a3[] = {3}, a53[] = {5, 3}, a7134[] = {7, 1, 3, 4},
                       a245[] = {2, 4, 5}, a243[] = {2, 4, 3}, a4[] = {4}, a34[] = {3, 4}, a254[] = {2, 5, 4},
                       a524[] = {5, 2, 4}, a24[] = {2, 4}, a43[] = {4, 3}, a23[] = {2, 3};
  tn_tensor *x, *y, *z, *t;
#define TWO(name, sa, na, sb, nb)                                                                                     \
  x = rleaf(na, sa), y = rleaf(nb, sb);                                                                               \
  check_chain(name, tn_matmul(x, y));                                                                                 \
  REL(x), REL(y)
  TWO("matmul-3d-2d", a234, 3, a45, 2);
  TWO("matmul-1d-3d", a3, 1, a234, 3);
  TWO("matmul-2d-3d", a53, 2, a234, 3);
  TWO("matmul-batch", a7134, 4, a245, 3);
#undef TWO
  x = rleaf(3, a243), y = rleaf(2, a45), t = tn_transpose(x, 1, 2);
  check_chain("matmul-3d-t", tn_matmul(t, y));
  REL(x), REL(y), REL(t);
  x = rleaf(1, a4), y = rleaf(2, a34), z = rleaf(1, a3);
  check_chain("linear-1d", tn_linear(x, y, z));
  REL(x);
  x = rleaf(3, a254);
  check_chain("linear-3d", tn_linear(x, y, z));
  REL(x);
  x = rleaf(3, a524), t = tn_transpose(x, 0, 1);
  check_chain("linear-3d-t", tn_linear(t, y, z));
  REL(x), REL(t);
  x = rleaf(2, a24);
  check_chain("linear-2d", tn_linear(x, y, z));
  REL(x), REL(y), REL(z);
  x = rleaf(2, a43);
  t = tn_log_softmax(x, 1, TN_DTYPE_UNDEFINED);
  y = targets(4, tg4);
  check_chain("cross-entropy", tn_nll_loss(t, y, NULL, TN_REDUCTION_MEAN, -100));
  REL(x), REL(t), REL(y);
  /* the norms need a matrix with distinct singular values */
  x = golden_leaf(2, a23, 1, false);
  check_chain("norm-nuc", tn_linalg_norm(x, false, 0, "nuc", 0, NULL, false));
  check_chain("norm-1", tn_linalg_norm(x, true, 1, NULL, 0, NULL, false));
  REL(x);
}

/* ----- float32 values against PyTorch's bits ----- */

static tn_tensor *inp(int32_t nd, const int64_t *shape, int seed) {
  inp_f_seed = seed;
  tn_tensor *t = filled(nd, shape, TN_DTYPE_FLOAT32, inp_f);
  tn_tensor *r = tn_requires_grad_(t, true);
  REL(r);
  return t;
}

static uint32_t f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

/* distance in units in the last place between two float32 bit patterns (NaN == NaN) */
static int64_t ulps(uint32_t a, uint32_t b) {
  float fa, fb;
  memcpy(&fa, &a, 4);
  memcpy(&fb, &b, 4);
  if (isnan(fa) && isnan(fb)) return 0;
  if (isnan(fa) || isnan(fb)) return INT64_MAX;
  int64_t ia = (a & 0x80000000u) ? -(int64_t)(a & 0x7fffffffu) : (int64_t)a;
  int64_t ib = (b & 0x80000000u) ? -(int64_t)(b & 0x7fffffffu) : (int64_t)b;
  return ia > ib ? ia - ib : ib - ia;
}

/* compare tensor t with the golden line "LABEL SHAPE HEX,..." */
static void check_line(const char *name, const char *line, const tn_tensor *t, int64_t tol) {
  char **f = g_strsplit(line, " ", 3);
  g_assert_nonnull(f[2]);
  char **hex = g_strsplit(f[2], ",", -1);
  int64_t n = strcmp(f[2], "-") == 0 ? 0 : (int64_t)g_strv_length(hex);
  if (n != t->numel) {
    g_test_message("%s %s: %lld elements, PyTorch's %lld", name, f[0], (long long)t->numel, (long long)n);
    g_test_fail();
  }
  /* where ulps are allowed, so is an error of 1e-5 of the tensor's largest element: a gradient
   * like (pw * y + 1 - y) * sigmoid(x) - pw * y cancels, magnifying PyTorch's sigmoid error */
  double scale = 0;
  for (int64_t i = 0; i < n; i++) {
    uint32_t u = (uint32_t)strtoul(hex[i], NULL, 16);
    float v;
    memcpy(&v, &u, 4);
    if (isfinite(v) && fabs(v) > scale) scale = fabs(v);
  }
  for (int64_t i = 0; i < n && i < t->numel; i++) {
    uint32_t want = (uint32_t)strtoul(hex[i], NULL, 16);
    uint32_t got = f32_bits((float)tn_scalar_to_double(tn_get_flat(t, i)));
    float fw, fg;
    memcpy(&fw, &want, 4);
    memcpy(&fg, &got, 4);
    bool close = tol > 0 && isfinite(fw) && fabs((double)fg - (double)fw) <= 1e-5 * scale;
    if (ulps(got, want) > tol && !close) {
      g_test_message("%s %s[%lld]: %08x, PyTorch's %08x", name, f[0], (long long)i, got, want);
      g_test_fail();
    }
  }
  g_strfreev(hex);
  g_strfreev(f);
}

typedef tn_tensor *(*vfn)(tn_tensor **in);
typedef struct vcase {
  const char *name;
  vfn f;
  int32_t nin;
  int32_t ndim[3];
  int64_t shape[3][3];
  int64_t tol; /* 0: bit for bit; else ulps PyTorch's vectorised exp/log may be off by */
} vcase;

static tn_tensor *scaled(tn_tensor *x, double m, double a) {
  tn_tensor *wm = tn_wrap_scalar(tn_scalar_float(m)), *wa = tn_wrap_scalar(tn_scalar_float(a));
  tn_tensor *t = tn_mul(x, wm), *r = tn_add(t, wa);
  REL(wm), REL(wa), REL(t);
  return r;
}
static tn_tensor *p32(int32_t nd, const int64_t *shape) { return filled(nd, shape, TN_DTYPE_FLOAT32, probs_f); }
static tn_tensor *w32(int32_t nd, const int64_t *shape) { return filled(nd, shape, TN_DTYPE_FLOAT32, wts_f); }
static const int64_t tg8[] = {0, 2, 1, 2, 0, 1, 1, 2};

static tn_tensor *v_addmm_scaled(tn_tensor **in) {
  return tn_addmm(in[0], in[1], in[2], tn_scalar_float(0.5), tn_scalar_float(1.5));
}
static tn_tensor *v_linear_3d_t(tn_tensor **in) { return f_linear_t(in); }
static tn_tensor *v_bce_mean(tn_tensor **in) {
  tn_tensor *p = scaled(in[0], 0.45, 0.5), *t = p32(2, s34), *r = tn_binary_cross_entropy(p, t, NULL, TN_REDUCTION_MEAN);
  REL(p), REL(t);
  return r;
}
static tn_tensor *v_bce_none_w(tn_tensor **in) {
  tn_tensor *p = scaled(in[0], 0.45, 0.5), *t = p32(2, s34), *w = w32(2, s34);
  tn_tensor *r = tn_binary_cross_entropy(p, t, w, TN_REDUCTION_NONE);
  REL(p), REL(t), REL(w);
  return r;
}
static tn_tensor *v_bce_clamp(tn_tensor **in) {
  tn_scalar lo = tn_scalar_int(0), hi = tn_scalar_int(1);
  tn_tensor *p = tn_clamp(in[0], &lo, &hi), *t = p32(2, s34), *r = tn_binary_cross_entropy(p, t, NULL, TN_REDUCTION_SUM);
  REL(p), REL(t);
  return r;
}
static tn_tensor *v_bce_logits(tn_tensor **in) {
  tn_tensor *x = scaled(in[0], 4, 0), *t = scaled(in[1], 0.45, 0.5);
  tn_tensor *r = tn_binary_cross_entropy_with_logits(x, t, NULL, NULL, TN_REDUCTION_MEAN);
  REL(x), REL(t);
  return r;
}
static tn_tensor *v_bce_logits_pw(tn_tensor **in) {
  tn_tensor *x = scaled(in[0], 4, 0), *t = p32(2, s34), *w = w32(1, s4), *pw = scaled(w, 1, 1);
  tn_tensor *r = tn_binary_cross_entropy_with_logits(x, t, w, pw, TN_REDUCTION_SUM);
  REL(x), REL(t), REL(w), REL(pw);
  return r;
}
static tn_tensor *v_bce_logits_extreme(tn_tensor **in) {
  static const int64_t s22[] = {2, 2};
  tn_tensor *x = scaled(in[0], 100, 0), *t = p32(2, s22);
  tn_tensor *r = tn_binary_cross_entropy_with_logits(x, t, NULL, NULL, TN_REDUCTION_NONE);
  REL(x), REL(t);
  return r;
}
static tn_tensor *v_softmax(tn_tensor **in) {
  tn_tensor *x = scaled(in[0], 3, 0), *r = tn_softmax(x, 1, TN_DTYPE_UNDEFINED);
  REL(x);
  return r;
}
static tn_tensor *v_softmax0(tn_tensor **in) { return tn_softmax(in[0], 0, TN_DTYPE_UNDEFINED); }
static tn_tensor *v_lsm(tn_tensor **in) {
  tn_tensor *x = scaled(in[0], 3, 0), *r = tn_log_softmax(x, 1, TN_DTYPE_UNDEFINED);
  REL(x);
  return r;
}
static tn_tensor *v_lsm0(tn_tensor **in) {
  tn_tensor *x = tn_t(in[0]), *r = tn_log_softmax(x, 0, TN_DTYPE_UNDEFINED);
  REL(x);
  return r;
}
static tn_tensor *v_nll(tn_tensor *x, tn_reduction red, bool weight, int64_t ignore) {
  tn_tensor *t = targets(8, tg8), *w = weight ? w32(1, s3) : NULL, *r = tn_nll_loss(x, t, w, red, ignore);
  REL(t), REL(w);
  return r;
}
static tn_tensor *v_nll_mean(tn_tensor **in) { return v_nll(in[0], TN_REDUCTION_MEAN, false, -100); }
static tn_tensor *v_nll_sum_w(tn_tensor **in) { return v_nll(in[0], TN_REDUCTION_SUM, true, -100); }
static tn_tensor *v_nll_mean_w_ignore(tn_tensor **in) { return v_nll(in[0], TN_REDUCTION_MEAN, true, 1); }
static tn_tensor *v_nll_none(tn_tensor **in) { return v_nll(in[0], TN_REDUCTION_NONE, true, -100); }
static tn_tensor *v_ce(tn_tensor **in) {
  tn_tensor *x = scaled(in[0], 2, 0), *l = tn_log_softmax(x, 1, TN_DTYPE_UNDEFINED);
  tn_tensor *r = v_nll(l, TN_REDUCTION_MEAN, false, -100);
  REL(x), REL(l);
  return r;
}

/* float32 matrix products are bit for bit (the same OpenBLAS kernels as PyTorch's); losses built
 * from exp/log allow the ulps by which PyTorch's vectorised exp and log are off */
static const vcase vcases[] = {
    {"addmm", f_addmm, 3, {1, 2, 2}, {{3}, {5, 4}, {4, 3}}, 0},
    {"addmm-n1", f_addmm, 3, {1, 2, 2}, {{1}, {8, 16}, {16, 1}}, 0},
    {"addmm-scaled", v_addmm_scaled, 3, {2, 2, 2}, {{4, 3}, {4, 5}, {5, 3}}, 0},
    {"linear", f_linear, 3, {2, 2, 1}, {{8, 5}, {16, 5}, {16}}, 0},
    {"linear-n1", f_linear, 3, {2, 2, 1}, {{8, 16}, {1, 16}, {1}}, 0},
    {"linear-3d-t", v_linear_3d_t, 3, {3, 2, 1}, {{5, 2, 4}, {3, 4}, {3}}, 0},
    {"mm-n1", f_matmul, 2, {2, 2}, {{8, 16}, {16, 1}}, 0},
    {"matmul-3d-2d", f_matmul, 2, {3, 2}, {{2, 3, 4}, {4, 2}}, 0},
    /* below 400 multiply-adds per matrix ATen's bmm is a plain loop, above it BLAS */
    {"bmm-small", f_bmm, 2, {3, 3}, {{2, 3, 7}, {2, 7, 5}}, 0},
    {"bmm-large", f_bmm, 2, {3, 3}, {{2, 8, 16}, {2, 16, 8}}, 0},
    {"mse-mean", f_mse_mean, 2, {2, 2}, {{3, 4}, {3, 4}}, 0},
    {"mse-sum", f_mse_sum, 2, {2, 2}, {{3, 4}, {3, 4}}, 0},
    {"mse-none", f_mse_none, 2, {2, 1}, {{3, 4}, {4}}, 0},
    {"bce-mean", v_bce_mean, 1, {2}, {{3, 4}}, 0},
    {"bce-none-w", v_bce_none_w, 1, {2}, {{3, 4}}, 0},
    {"bce-clamp", v_bce_clamp, 1, {2}, {{3, 4}}, 0},
    {"bce-logits", v_bce_logits, 2, {2, 2}, {{3, 4}, {3, 4}}, 4},
    {"bce-logits-pw", v_bce_logits_pw, 1, {2}, {{3, 4}}, 4},
    {"bce-logits-extreme", v_bce_logits_extreme, 1, {2}, {{2, 2}}, 4},
    {"softmax", v_softmax, 1, {2}, {{4, 5}}, 4},
    {"softmax-0", v_softmax0, 1, {2}, {{4, 5}}, 4},
    {"log-softmax", v_lsm, 1, {2}, {{4, 5}}, 4},
    {"log-softmax-0", v_lsm0, 1, {2}, {{4, 5}}, 4},
    {"nll-mean", v_nll_mean, 1, {2}, {{8, 3}}, 0},
    {"nll-sum-w", v_nll_sum_w, 1, {2}, {{8, 3}}, 0},
    {"nll-mean-w-ignore", v_nll_mean_w_ignore, 1, {2}, {{8, 3}}, 0},
    {"nll-none", v_nll_none, 1, {2}, {{8, 3}}, 0},
    {"cross-entropy", v_ce, 1, {2}, {{8, 3}}, 4},
};

static void run_value(gconstpointer data) {
  const vcase *c = data;
  tn_tensor *in[3] = {0};
  for (int k = 0; k < c->nin; k++) in[k] = inp(c->ndim[k], c->shape[k], k + 1);
  tn_tensor *out = c->f(in);
  if (!out) g_error("%s: %s", c->name, tn_error_message());
  char key[128];
  snprintf(key, sizeof key, "value/%s", c->name);
  char **lines = g_strsplit(golden_get(golden, key), "\n", -1);
  check_line(c->name, lines[0], out, c->tol);
  tn_tensor *w = w32(out->ndim, out->shape), *m = tn_mul(out, w), *s = tn_sum(m, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpint(tn_backward(s, NULL, false, false), ==, 0);
  for (int k = 0; k < c->nin; k++) {
    tn_tensor *g = tn_grad(in[k]);
    if (!g) g = tn_zeros(in[k]->ndim, in[k]->shape, TN_OPTS(TN_DTYPE_FLOAT32));
    check_line(c->name, lines[k + 1], g, c->tol);
    REL(g);
  }
  g_strfreev(lines);
  REL(w), REL(m), REL(s), REL(out);
  for (int k = 0; k < c->nin; k++) REL(in[k]);
}

/* ----- errors ----- */

static void expect_error(const char *name, tn_tensor *r) {
  char key[128];
  snprintf(key, sizeof key, "error/%s", name);
  const char *want = golden_get(golden, key);
  if (r) {
    g_test_message("%s: no error (PyTorch: %s)", name, want);
    g_test_fail();
    REL(r);
    return;
  }
  char *got = g_strdup_printf("%s: %s", tn_error_kind_name(tn_error_kind_last()), tn_error_message());
  /* torch.linalg.LinAlgError is a RuntimeError subclass: its message is what counts */
  const char *w = g_str_has_prefix(want, "_LinAlgError: ") ? want + strlen("_LinAlgError: ") : want;
  const char *gg = g_str_has_prefix(want, "_LinAlgError: ") ? got + strlen("RuntimeError: ") : got;
  if (strcmp(gg, w) != 0) {
    g_test_message("%s: %s\n  PyTorch: %s", name, got, want);
    g_test_fail();
  }
  g_free(got);
}

static void test_errors(void) {
  static const int64_t a23[] = {2, 3}, a34[] = {3, 4}, a44[] = {4, 4}, a25[] = {2, 5}, a22[] = {2, 2}, a5[] = {5},
                       a2[] = {2}, a234[] = {2, 3, 4}, a52[] = {5, 2}, a342[] = {3, 4, 2};
  tn_options F = TN_OPTS(TN_DTYPE_FLOAT32), Dd = TN_OPTS(TN_DTYPE_FLOAT64), L = TN_OPTS(TN_DTYPE_INT64);
  tn_tensor *o23 = tn_ones(2, a23, F), *o34 = tn_ones(2, a34, F), *o4 = tn_ones(1, s4, F), *o3 = tn_ones(1, s3, F);
  tn_tensor *t, *u, *v;
  tn_scalar one = tn_scalar_int(1);
  expect_error("addmm-mat1-1d", tn_addmm(o4, o3, o34, one, one));
  expect_error("addmm-mat2-1d", tn_addmm(o4, o23, o3, one, one));
  t = tn_ones(2, a44, F);
  expect_error("addmm-shapes", tn_addmm(o4, o23, t, one, one));
  REL(t);
  expect_error("addmm-expand", tn_addmm(o3, o23, o34, one, one));
  t = tn_ones(2, a23, Dd);
  expect_error("addmm-dtype", tn_addmm(o4, t, o34, one, one));
  REL(t);
  t = tn_ones(1, s4, Dd);
  expect_error("addmm-self-dtype", tn_addmm(t, o23, o34, one, one));
  REL(t);
  t = tn_ones(2, a25, F);
  expect_error("linear-shapes", tn_linear(t, o34, NULL));
  REL(t);
  t = tn_ones(1, a5, F);
  expect_error("linear-1d-shapes", tn_linear(t, o34, NULL));
  REL(t);
  t = tn_ones(2, a23, L);
  expect_error("mse-long", tn_mse_loss(t, t, TN_REDUCTION_MEAN));
  REL(t);
  t = tn_full(1, a2, tn_scalar_float(1.5), F), u = tn_ones(1, a2, F);
  expect_error("bce-range", tn_binary_cross_entropy(t, u, NULL, TN_REDUCTION_MEAN));
  REL(t);
  t = tn_full(1, a2, tn_scalar_float(0.5), F);
  tn_set(t, (int64_t[]){1}, tn_scalar_float(NAN));
  expect_error("bce-nan", tn_binary_cross_entropy(t, u, NULL, TN_REDUCTION_MEAN));
  REL(t);
  t = tn_full(1, a2, tn_scalar_float(0.5), Dd);
  expect_error("bce-dtype", tn_binary_cross_entropy(t, u, NULL, TN_REDUCTION_MEAN));
  REL(t), REL(u);
  t = targets(2, (int64_t[]){0, 3});
  expect_error("nll-target-bounds", tn_nll_loss(o23, t, NULL, TN_REDUCTION_MEAN, -100));
  REL(t);
  t = targets(2, (int64_t[]){0, -1});
  expect_error("nll-target-negative", tn_nll_loss(o23, t, NULL, TN_REDUCTION_MEAN, -100));
  REL(t);
  t = tn_zeros(1, a2, F);
  expect_error("nll-target-dtype", tn_nll_loss(o23, t, NULL, TN_REDUCTION_MEAN, -100));
  REL(t);
  t = targets(1, (int64_t[]){0});
  expect_error("nll-batch", tn_nll_loss(o23, t, NULL, TN_REDUCTION_MEAN, -100));
  REL(t);
  t = targets(2, (int64_t[]){0, 1}), u = tn_ones(1, a2, F);
  expect_error("nll-weight", tn_nll_loss(o23, t, u, TN_REDUCTION_MEAN, -100));
  REL(t), REL(u);
  t = tn_ones(0, NULL, F), u = tn_zeros(0, NULL, L);
  expect_error("nll-0d", tn_nll_loss(t, u, NULL, TN_REDUCTION_MEAN, -100));
  REL(t), REL(u);
  t = tn_ones(2, a23, L);
  expect_error("softmax-long", tn_softmax(t, 1, TN_DTYPE_UNDEFINED));
  expect_error("softmax-long-dim0", tn_softmax(t, 0, TN_DTYPE_UNDEFINED));
  expect_error("log-softmax-long", tn_log_softmax(t, 1, TN_DTYPE_UNDEFINED));
  REL(t);
  expect_error("softmax-dim", tn_softmax(o23, 2, TN_DTYPE_UNDEFINED));
  t = rleaf(2, a22), u = tn_zeros(2, a22, F), v = tn_mul(t, u);
  REL(u);
  u = tn_ones(1, a2, F);
  expect_error("solve-singular-grad", tn_linalg_solve(v, u));
  REL(t), REL(u), REL(v);
  t = rleaf(3, a234), u = tn_ones(2, a52, F);
  expect_error("matmul-grad-shapes", tn_matmul(t, u));
  REL(u);
  u = tn_ones(3, a342, F);
  expect_error("matmul-grad-batch", tn_matmul(t, u));
  REL(t), REL(u);
  REL(o23), REL(o34), REL(o4), REL(o3);
}

/* reductions other than none/mean/sum are refused, not read out of range */
static void test_bad_reduction(void) {
  tn_tensor *a = tn_ones(1, s3, TN_OPTS(TN_DTYPE_FLOAT32));
  g_assert_null(tn_mse_loss(a, a, (tn_reduction)7));
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_VALUE);
  g_assert_null(tn_mse_loss(NULL, a, TN_REDUCTION_MEAN));
  g_assert_null(tn_linear(a, NULL, NULL));
  REL(a);
}

/* nll_loss's cascade sum over a long batch: exact against the float64 sum for small integers */
static void test_nll_long_batch(void) {
  int64_t shp[2] = {1000, 2};
  tn_tensor *x = tn_ones(2, shp, TN_OPTS(TN_DTYPE_FLOAT32));
  int64_t *tg = malloc(1000 * sizeof *tg);
  for (int i = 0; i < 1000; i++) tg[i] = i % 2;
  tn_tensor *t = targets(1000, tg);
  free(tg);
  tn_tensor *r = tn_nll_loss(x, t, NULL, TN_REDUCTION_SUM, -100);
  g_assert_nonnull(r);
  g_assert_cmpfloat(tn_scalar_to_double(tn_get_flat(r, 0)), ==, -1000.0);
  REL(r);
  r = tn_nll_loss(x, t, NULL, TN_REDUCTION_MEAN, 0); /* half ignored */
  g_assert_cmpfloat(tn_scalar_to_double(tn_get_flat(r, 0)), ==, -1.0);
  REL(r), REL(x), REL(t);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  golden = golden_load("autograd_nn.txt");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *path = g_strdup_printf("/engine/autograd-nn/gradcheck/%s", cases[i].name);
    g_test_add_data_func(path, &cases[i], run_case);
    g_free(path);
  }
  for (size_t i = 0; i < sizeof vcases / sizeof vcases[0]; i++) {
    char *path = g_strdup_printf("/engine/autograd-nn/value/%s", vcases[i].name);
    g_test_add_data_func(path, &vcases[i], run_value);
    g_free(path);
  }
  g_test_add_func("/engine/autograd-nn/chains", test_chains);
  g_test_add_func("/engine/autograd-nn/errors", test_errors);
  g_test_add_func("/engine/autograd-nn/bad-reduction", test_bad_reduction);
  g_test_add_func("/engine/autograd-nn/nll-long-batch", test_nll_long_batch);
  int rc = g_test_run();
  if (names) g_hash_table_destroy(names);
  golden_free(golden);
  return rc;
}
