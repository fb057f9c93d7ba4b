/* gd-run.c — see gd-run.h. */
#include "gd-run.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool grow(GdRun *run, int need) {
  if (need <= run->cap) return true;
  int cap = run->cap ? run->cap : 64;
  while (cap < need) cap *= 2;
  double *w = realloc(run->w, sizeof(double) * 2 * (size_t)cap);
  if (!w) return false;
  run->w = w;
  double *v = realloc(run->value, sizeof(double) * (size_t)cap);
  if (!v) return false;
  run->value = v;
  double *g = realloc(run->grad_norm, sizeof(double) * (size_t)cap);
  if (!g) return false;
  run->grad_norm = g;
  run->cap = cap;
  return true;
}

static void fail(GdRun *run, char *error) {
  run->failed = true;
  free(run->error);
  run->error = error ? error : strdup("out of memory");
}

bool gd_run_reset(GdRun *run, const ObLoss *loss, double eta, const double w0[2]) {
  run->loss = *loss;
  run->eta = eta;
  run->w0[0] = w0[0];
  run->w0[1] = w0[1];
  run->n = 0;
  run->diverged = false;
  run->failed = false;
  free(run->error);
  run->error = NULL;
  if (!grow(run, 64)) {
    fail(run, NULL);
    return false;
  }
  double value, grad[2];
  char *error = NULL;
  if (!ob_loss_eval(loss, w0, &value, grad, NULL, &error)) {
    fail(run, error);
    return false;
  }
  run->w[0] = w0[0];
  run->w[1] = w0[1];
  run->value[0] = value;
  run->grad_norm[0] = hypot(grad[0], grad[1]);
  run->grad[0] = grad[0];
  run->grad[1] = grad[1];
  run->n = 1;
  return true;
}

bool gd_run_can_step(const GdRun *run) {
  return run->n >= 1 && !run->diverged && !run->failed && run->n - 1 < GD_RUN_MAX_ITERATIONS;
}

int gd_run_step(GdRun *run, int steps) {
  int done = 0;
  /* Divergence is judged against the start, with 1 as the floor so a start near the minimum
   * (L(w₀) ≈ 0) is not called divergent after harmless rounding. */
  double limit = GD_RUN_BLOWUP * fmax(fabs(run->n >= 1 ? run->value[0] : 0), 1.0);
  while (done < steps && gd_run_can_step(run)) {
    if (!grow(run, run->n + 1)) {
      fail(run, NULL);
      break;
    }
    const double *w = run->w + 2 * (run->n - 1);
    double next[2] = {w[0] - run->eta * run->grad[0], w[1] - run->eta * run->grad[1]};
    if (!isfinite(next[0]) || !isfinite(next[1])) {
      run->diverged = true;
      break;
    }
    double value, grad[2];
    char *error = NULL;
    if (!ob_loss_eval(&run->loss, next, &value, grad, NULL, &error)) {
      fail(run, error);
      break;
    }
    if (!isfinite(value) || !isfinite(grad[0]) || !isfinite(grad[1])) {
      run->diverged = true; /* the non-finite iterate is not kept */
      break;
    }
    int k = run->n;
    run->w[2 * k] = next[0];
    run->w[2 * k + 1] = next[1];
    run->value[k] = value;
    run->grad_norm[k] = hypot(grad[0], grad[1]);
    run->grad[0] = grad[0];
    run->grad[1] = grad[1];
    run->n++;
    done++;
    if (fabs(value) > limit) {
      run->diverged = true; /* kept: it is the iterate that shows the blow-up */
      break;
    }
  }
  return done;
}

void gd_run_clear(GdRun *run) {
  free(run->w);
  free(run->value);
  free(run->grad_norm);
  free(run->error);
  memset(run, 0, sizeof *run);
}

bool gd_stability_threshold(const ObLoss *loss, double *threshold, double *lambda_max) {
  if (loss->kind != OB_LOSS_HALF_NORM && loss->kind != OB_LOSS_ANISOTROPIC && loss->kind != OB_LOSS_CONDITIONED)
    return false;
  /* The Hessian is constant, so any point will do. */
  const double w[2] = {0.5, -0.25};
  double value, h[4];
  char *error = NULL;
  if (!ob_loss_eval(loss, w, &value, NULL, h, &error)) {
    free(error);
    return false;
  }
  /* The larger eigenvalue of the symmetric 2×2 matrix [[a, b], [b, c]]. */
  double a = h[0], b = 0.5 * (h[1] + h[2]), c = h[3];
  double lmax = 0.5 * (a + c) + hypot(0.5 * (a - c), b);
  if (!(lmax > 0)) return false;
  if (threshold) *threshold = 2.0 / lmax;
  if (lambda_max) *lambda_max = lmax;
  return true;
}

bool gd_logistic_minimum(double *l_star, double w_star[2]) {
  static bool done, ok;
  static double cached_l, cached_w[2];
  if (!done) {
    done = true;
    ObLoss loss = {OB_LOSS_LOGISTIC, 0};
    double w[2] = {0, 0}, value = 0, g[2], h[4];
    ok = true;
    /* Newton's method converges quadratically on this smooth, strictly convex loss; 100 steps are
     * far more than it needs, and it stops once the gradient vanishes to rounding. */
    for (int it = 0; it < 100 && ok; it++) {
      char *error = NULL;
      if (!ob_loss_eval(&loss, w, &value, g, h, &error)) {
        free(error);
        ok = false;
        break;
      }
      if (hypot(g[0], g[1]) < 1e-15) break;
      double det = h[0] * h[3] - h[1] * h[2];
      if (!(fabs(det) > 0)) {
        ok = false;
        break;
      }
      w[0] -= (h[3] * g[0] - h[1] * g[1]) / det;
      w[1] -= (-h[2] * g[0] + h[0] * g[1]) / det;
    }
    ok = ok && isfinite(value);
    cached_l = value;
    cached_w[0] = w[0];
    cached_w[1] = w[1];
  }
  if (ok && l_star) *l_star = cached_l;
  if (ok && w_star) {
    w_star[0] = cached_w[0];
    w_star[1] = cached_w[1];
  }
  return ok;
}

bool gd_loss_minimum(const ObLoss *loss, double *l_star, bool *computed) {
  if (computed) *computed = false;
  if (ob_loss_minimum(loss, l_star, NULL)) return true;
  if (loss->kind == OB_LOSS_LOGISTIC && gd_logistic_minimum(l_star, NULL)) {
    if (computed) *computed = true;
    return true;
  }
  return false;
}

double gd_eta_from_log10(double log10_eta) {
  double eta = pow(10.0, log10_eta);
  if (!(eta > 0) || !isfinite(eta)) return eta;
  double scale = pow(10.0, 2 - floor(log10(eta)));
  return round(eta * scale) / scale;
}

/* ---- plots ---- */

enum { GD_PLOT_MAX_POINTS = 2000, GD_PLOT_MAX_DECADES = 24 };

/* series(k) for k = 0..n-1 as a line, thinned, without points a log axis cannot show. */
static void add_series(PlotAxes *ax, int n, double (*series)(const GdDiagnostics *, int), const GdDiagnostics *d,
                       PlotRole role, double *vmin, double *vmax) {
  *vmin = INFINITY;
  *vmax = -INFINITY;
  if (n <= 0) return;
  int stride = n > GD_PLOT_MAX_POINTS ? (n + GD_PLOT_MAX_POINTS - 1) / GD_PLOT_MAX_POINTS : 1;
  double *x = malloc(sizeof(double) * (size_t)(n / stride + 2));
  double *y = malloc(sizeof(double) * (size_t)(n / stride + 2));
  if (!x || !y) {
    free(x);
    free(y);
    return;
  }
  int m = 0;
  for (int k = 0; k < n; k += stride) {
    double v = series(d, k);
    if (!isfinite(v) || (d->log_y && !(v > 0))) continue;
    x[m] = k;
    y[m++] = v;
    *vmin = fmin(*vmin, v);
    *vmax = fmax(*vmax, v);
  }
  /* The last value always shows, so the plot ends where the run is. */
  if ((n - 1) % stride != 0) {
    double v = series(d, n - 1);
    if (isfinite(v) && (!d->log_y || v > 0)) {
      x[m] = n - 1;
      y[m++] = v;
      *vmin = fmin(*vmin, v);
      *vmax = fmax(*vmax, v);
    }
  }
  PlotLineStyle style = plot_line_style(role, 1.6);
  if (m <= 60) {
    style.marker = PLOT_MARKER_CIRCLE;
    style.marker_size_pt = 3.5;
    style.marker_filled = true;
  }
  if (m > 0) plot_axes_add_line(ax, x, y, m, &style, NULL);
  free(x);
  free(y);
}

static double series_value(const GdDiagnostics *d, int k) { return d->value[k]; }
static double series_gap(const GdDiagnostics *d, int k) { return d->value[k] - d->l_star; }
static double series_grad(const GdDiagnostics *d, int k) { return d->grad_norm[k]; }
static double series_plateau(const GdDiagnostics *d, int k) { return fabs(d->value[k + 1] - d->value[k]); }

void gd_diagnostics_plot(PlotFigure *fig, int rows, int cols, int first_index, const GdDiagnostics *d) {
  static double (*const series[4])(const GdDiagnostics *, int) = {series_value, series_gap, series_grad,
                                                                  series_plateau};
  static const PlotRole roles[4] = {PLOT_ROLE_ACCENT1, PLOT_ROLE_ACCENT2, PLOT_ROLE_ACCENT3, PLOT_ROLE_ACCENT4};
  double xmax = d->n > 10 ? d->n - 1 : 10;
  for (int i = 0; i < 4; i++) {
    PlotAxes *ax = plot_figure_add_subplot(fig, rows, cols, first_index + i);
    plot_axes_set_title(ax, d->titles[i]);
    if (i == 1 && !d->has_l_star) {
      plot_axes_set_frame(ax, false);
      plot_axes_set_xlim(ax, 0, 1);
      plot_axes_set_ylim(ax, 0, 1);
      plot_axes_add_text(ax, 0.5, 0.5, d->no_l_star, PLOT_ANCHOR_CENTER, plot_paint_role(PLOT_ROLE_MUTED), 10);
      continue;
    }
    plot_axes_set_xlabel(ax, d->xlabel);
    plot_axes_set_grid(ax, true);
    plot_axes_set_yscale(ax, d->log_y ? PLOT_SCALE_LOG : PLOT_SCALE_LINEAR);
    plot_axes_set_xlim(ax, 0, xmax);
    double vmin, vmax;
    add_series(ax, i == 3 ? d->n - 1 : d->n, series[i], d, roles[i], &vmin, &vmax);
    plot_axes_autoscale(ax);
    if (d->log_y && isfinite(vmax) && vmax > 0 && vmin < vmax * pow(10.0, -GD_PLOT_MAX_DECADES)) {
      /* At most GD_PLOT_MAX_DECADES below the largest value: a run that converges to 10⁻¹²⁰ would
       * otherwise squeeze the interesting part into a sliver (the line leaves through the bottom). */
      double top = ceil(log10(vmax));
      plot_axes_set_ylim(ax, pow(10.0, top - GD_PLOT_MAX_DECADES), pow(10.0, top));
    }
  }
}
