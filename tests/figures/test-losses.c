/* test-losses.c — the lessons' 2-D losses (src/figures/losses.h) against closed forms, against
 * PyTorch (the logistic data set and its loss, gradient and Hessian: tests/figures/gen_losses.py),
 * and for consistency between the grid evaluation and the point evaluation. Paths /figures/losses/... */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "losses.h"
#include "losses-expected.h"

static void assert_close(double got, double want, double tol) {
  if (!(fabs(got - want) <= tol * (1 + fabs(want))))
    g_error("got %.17g, want %.17g (tol %g)", got, want, tol);
}

/* Closed forms: value, gradient, Hessian, written out by hand for each loss. */
static void closed_form(ObLossKind k, double kappa, double x, double y, double *v, double g[2], double h[4]) {
  switch (k) {
  case OB_LOSS_HALF_NORM:
    *v = 0.5 * (x * x + y * y); g[0] = x; g[1] = y; h[0] = 1; h[1] = h[2] = 0; h[3] = 1; break;
  case OB_LOSS_ANISOTROPIC:
    *v = x * x + 0.2 * y * y; g[0] = 2 * x; g[1] = 0.4 * y; h[0] = 2; h[1] = h[2] = 0; h[3] = 0.4; break;
  case OB_LOSS_CONDITIONED:
    *v = 0.5 * (x * x + kappa * y * y); g[0] = x; g[1] = kappa * y; h[0] = 1; h[1] = h[2] = 0; h[3] = kappa; break;
  case OB_LOSS_ROSENBROCK:
    *v = (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    g[0] = -2 * (1 - x) - 400 * x * (y - x * x); g[1] = 200 * (y - x * x);
    h[0] = 2 - 400 * (y - x * x) + 800 * x * x; h[1] = h[2] = -400 * x; h[3] = 200; break;
  case OB_LOSS_SADDLE:
    *v = x * x - y * y; g[0] = 2 * x; g[1] = -2 * y; h[0] = 2; h[1] = h[2] = 0; h[3] = -2; break;
  case OB_LOSS_HIMMELBLAU: {
    double a = x * x + y - 11, b = x + y * y - 7;
    *v = a * a + b * b; g[0] = 4 * x * a + 2 * b; g[1] = 2 * a + 4 * y * b;
    h[0] = 12 * x * x + 4 * y - 42; h[1] = h[2] = 4 * (x + y); h[3] = 4 * x + 12 * y * y - 26; break;
  }
  case OB_LOSS_DOUBLE_WELL:
    *v = (x * x - 1) * (x * x - 1) + 0.5 * y * y; g[0] = 4 * x * (x * x - 1); g[1] = y;
    h[0] = 12 * x * x - 4; h[1] = h[2] = 0; h[3] = 1; break;
  default: g_assert_not_reached();
  }
}

static void test_closed_forms(void) {
  static const double pts[][2] = {{0.7, -1.3}, {0, 0}, {-2.5, 1.75}, {3, 2}, {1e-3, -4}};
  for (int k = 0; k < OB_LOSS_COUNT; k++) {
    if (k == OB_LOSS_LOGISTIC) continue;
    for (size_t i = 0; i < G_N_ELEMENTS(pts); i++) {
      ObLoss loss = {k, 37.5};
      double v, g[2], h[4], ev, eg[2], eh[4];
      char *error = NULL;
      g_assert_true(ob_loss_eval(&loss, pts[i], &v, g, h, &error));
      g_assert_null(error);
      closed_form(k, 37.5, pts[i][0], pts[i][1], &ev, eg, eh);
      assert_close(v, ev, 1e-14);
      for (int j = 0; j < 2; j++) assert_close(g[j], eg[j], 1e-13);
      for (int j = 0; j < 4; j++) assert_close(h[j], eh[j], 1e-13);
    }
  }
}

static void test_logistic_matches_pytorch(void) {
  const double *x, *y;
  int n = ob_loss_logistic_data(&x, &y);
  g_assert_cmpint(n, ==, 40);
  for (int i = 0; i < n; i++) {
    g_assert_cmpfloat(x[2 * i], ==, expected_x[i][0]); /* PyTorch's generator, bit for bit */
    g_assert_cmpfloat(x[2 * i + 1], ==, expected_x[i][1]);
    g_assert_cmpfloat(y[i], ==, expected_y[i]);
  }
  for (size_t p = 0; p < G_N_ELEMENTS(logistic_points); p++) {
    const double *e = logistic_points[p];
    ObLoss loss = {OB_LOSS_LOGISTIC, 0};
    double v, g[2], h[4];
    g_assert_true(ob_loss_eval(&loss, e, &v, g, h, NULL));
    assert_close(v, e[2], 1e-14);
    for (int j = 0; j < 2; j++) assert_close(g[j], e[3 + j], 1e-12);
    for (int j = 0; j < 4; j++) assert_close(h[j], e[5 + j], 1e-12);
  }
}

/* Drawing the data set leaves the caller's random stream where it was. */
static void test_logistic_keeps_rng(void) {
  tn_manual_seed(1234);
  tn_tensor *a = tn_randn(1, (int64_t[]){5}, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_manual_seed(1234);
  tn_tensor *first = tn_randn(1, (int64_t[]){2}, TN_OPTS(TN_DTYPE_FLOAT64));
  ObLoss loss = {OB_LOSS_LOGISTIC, 0};
  double w[2] = {0.1, 0.2}, v;
  g_assert_true(ob_loss_eval(&loss, w, &v, NULL, NULL, NULL));
  tn_tensor *rest = tn_randn(1, (int64_t[]){3}, TN_OPTS(TN_DTYPE_FLOAT64));
  /* randn of 5 and randn of 2 then 3 take the same draws (sizes below 16 use the scalar path) */
  for (int i = 0; i < 5; i++) {
    double want = tn_scalar_to_double(tn_get_flat(a, i));
    double got = tn_scalar_to_double(tn_get_flat(i < 2 ? first : rest, i < 2 ? i : i - 2));
    g_assert_cmpfloat(got, ==, want);
  }
  tn_release(a);
  tn_release(first);
  tn_release(rest);
}

static void test_grid_matches_points(void) {
  enum { NX = 7, NY = 5 };
  for (int k = 0; k < OB_LOSS_COUNT; k++) {
    ObLoss loss = {k, 4};
    double x0, x1, y0, y1, z[NX * NY];
    ob_loss_default_view(k, &x0, &x1, &y0, &y1);
    g_assert_cmpfloat(x0, <, x1);
    g_assert_cmpfloat(y0, <, y1);
    char *error = NULL;
    g_assert_true(ob_loss_grid(&loss, x0, x1, y0, y1, NX, NY, z, &error));
    for (int j = 0; j < NY; j++)
      for (int i = 0; i < NX; i++) {
        double w[2] = {x0 + i * (x1 - x0) / (NX - 1), y0 + j * (y1 - y0) / (NY - 1)}, v;
        g_assert_true(ob_loss_eval(&loss, w, &v, NULL, NULL, NULL));
        assert_close(z[j * NX + i], v, 1e-12);
      }
  }
}

static void test_minimum_and_ids(void) {
  for (int k = 0; k < OB_LOSS_COUNT; k++) {
    g_assert_cmpint(ob_loss_from_id(ob_loss_id(k)), ==, k);
    ObLoss loss = {k, 10};
    double l_star, w_star[2];
    if (!ob_loss_minimum(&loss, &l_star, w_star)) {
      g_assert_true(k == OB_LOSS_SADDLE || k == OB_LOSS_LOGISTIC);
      continue;
    }
    double v, g[2];
    g_assert_true(ob_loss_eval(&loss, w_star, &v, g, NULL, NULL));
    assert_close(v, l_star, 1e-15);
    g_assert_cmpfloat(fabs(g[0]) + fabs(g[1]), <, 1e-12);
  }
  g_assert_cmpint(ob_loss_from_id("no-such-loss"), ==, -1);
  g_assert_true(ob_loss_is_convex(OB_LOSS_LOGISTIC));
  g_assert_false(ob_loss_is_convex(OB_LOSS_HIMMELBLAU));
}

static void test_errors(void) {
  ObLoss bad = {OB_LOSS_COUNT, 0}, ok = {OB_LOSS_HALF_NORM, 0};
  double w[2] = {1, 1}, nan_w[2] = {NAN, 0}, v, z[4];
  char *error = NULL;
  g_assert_false(ob_loss_eval(&bad, w, &v, NULL, NULL, &error));
  g_assert_nonnull(error);
  free(error);
  error = NULL;
  g_assert_false(ob_loss_eval(&ok, nan_w, &v, NULL, NULL, &error));
  g_assert_nonnull(strstr(error, "finite"));
  free(error);
  error = NULL;
  g_assert_false(ob_loss_grid(&ok, 0, 1, 0, 1, 1, 4, z, &error));
  g_assert_nonnull(error);
  free(error);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/figures/losses/closed-forms", test_closed_forms);
  g_test_add_func("/figures/losses/logistic-matches-pytorch", test_logistic_matches_pytorch);
  g_test_add_func("/figures/losses/logistic-keeps-rng", test_logistic_keeps_rng);
  g_test_add_func("/figures/losses/grid-matches-points", test_grid_matches_points);
  g_test_add_func("/figures/losses/minimum-and-ids", test_minimum_and_ids);
  g_test_add_func("/figures/losses/errors", test_errors);
  return g_test_run();
}
