/* optimality.c — lesson "optimality" (lecture §2.5): local minimizers and the first- and second-order
 * conditions. A nonconvex loss with its stationary points marked (found with the engine: Newton's
 * method from a grid of starts, on the engine's gradient and Hessian), and at the point w the student
 * drags: the gradient, the Hessian, its eigenvalues and the verdict of the second-order conditions;
 * the loss along the Hessian's eigenvectors; and, around the nearest strict local minimizer w*, the
 * largest ball in which w* is the global minimizer of L restricted to the ball.
 *
 * Reports (ob_lesson_view_report*, for the display tests):
 *   "loss"               the loss id (ob_loss_id)
 *   "w"                  the point (2 doubles)
 *   "value"              L(w)
 *   "grad"               ∇L(w) (2)
 *   "hessian"            ∇²L(w), row-major (4)
 *   "eigenvalues"        the Hessian's eigenvalues, ascending (2)
 *   "verdict"            "minimum" | "maximum" | "saddle" | "inconclusive" | "not-stationary"
 *   "stationary_points"  how many stationary points were found in the window
 *   "stationary"         all of them: x y class-code per point (class codes: 0 minimum, 1 maximum,
 *                        2 saddle, 3 inconclusive), 3 doubles each
 *   "radius"             the ball's radius around the strict local minimizer nearest to w (0 when
 *                        the loss has none); "ball_center" its centre (2)
 */
#include "optbench-config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ob-lesson.h"
#include "ob-lesson-view.h"
#include "ob-plot-view.h"
#include "losses.h"

static void optimality_create_panel(ObLessonView *view);

const ObLessonInfo ob_lesson_optimality = {
  .id = "optimality",
  .section = 2,
  .order = 4,
  .title = N_("Local Minimizers and Optimality Conditions"),
  /* Translators: search words for the optimality lesson, separated by spaces */
  .keywords = N_("local minimizer minimum maximum saddle stationary hessian eigenvalues second-order "
                 "first-order condition ball radius"),
  .create_panel = optimality_create_panel,
  .figure = NULL,
};

enum {
  GRID_N = 400,    /* contour grid, once per loss */
  MAX_LEVELS = 16,
  STARTS = 15,     /* Newton starts: STARTS × STARTS over the window */
  MAX_POINTS = 32,
  RING_K = 240,    /* ball search: radii */
  RING_M = 360,    /* ball search: directions per radius */
  PROFILE_N = 121, /* samples of L along each eigenvector */
};

/* ‖∇L‖ below this counts as zero (shown in the panel). */
#define GRAD_TOL 1e-6

typedef enum { CLASS_MINIMUM, CLASS_MAXIMUM, CLASS_SADDLE, CLASS_INCONCLUSIVE, CLASS_NOT_STATIONARY } PointClass;

static const char *const class_ids[] = {"minimum", "maximum", "saddle", "inconclusive", "not-stationary"};

typedef struct {
  ObLossKind kind;
  const char *name; /* N_() */
  double w[2];      /* where the point starts */
} LossChoice;

static const LossChoice choices[] = {
  {OB_LOSS_HIMMELBLAU, N_("Himmelblau"), {0.5, 0.5}},
  {OB_LOSS_DOUBLE_WELL, N_("Double well"), {0.4, 0.8}},
  {OB_LOSS_SADDLE, N_("Saddle w[0]² − w[1]²"), {0.6, 0.9}},
  {OB_LOSS_ROSENBROCK, N_("Rosenbrock"), {-0.5, 2.0}},
};
enum { N_CHOICES = G_N_ELEMENTS(choices) };

typedef struct {
  double w[2];
  double value;
  double eig[2];
  PointClass cls;
  double radius;    /* strict minima: the ball's radius (capped at the search's reach) */
  gboolean capped;  /* the ball reached the end of the search: r is a lower bound */
} Stationary;

typedef struct {
  ObLessonView *view; /* not owned */
  ObPlotView *plot;
  GtkDropDown *loss_dropdown;
  GtkAdjustment *coord[2]; /* w[0], w[1] (persisted) */
  GtkWidget *snap_button;
  GtkLabel *value_label, *grad_label, *norm_label, *hess_label, *eig_label, *verdict_label, *points_label;
  AdwActionRow *snap_row, *points_row, *radius_row; /* their subtitles carry text */
  GtkImage *verdict_icon;

  ObLoss loss;
  double x0, x1, y0, y1;
  double *grid;
  double levels[MAX_LEVELS];
  int n_levels;
  Stationary points[MAX_POINTS];
  int n_points;

  /* At w (engine values). */
  gboolean ok;
  double value, grad[2], hess[4], eig[2], evec[2][2];
  PointClass verdict;
  int nearest;  /* the stationary point nearest to w, -1 when none */
  int ball;     /* the strict local minimizer nearest to w, -1 when none */
  double profile_t[PROFILE_N], profile[2][PROFILE_N];
  gboolean profile_ok;
  char *error;
  gboolean updating;
} Optimality;

static void optimality_free(gpointer data) {
  Optimality *self = data;
  for (int i = 0; i < 2; i++) g_clear_object(&self->coord[i]);
  g_free(self->grid);
  g_free(self->error);
  g_free(self);
}

/* ---- small numerics on engine results ---- */

/* Eigenvalues (ascending) and unit eigenvectors of the symmetric part of a 2×2 matrix (the engine's
 * Hessian): the closed form for 2×2. */
static void eigen2(const double h[4], double eig[2], double vec[2][2]) {
  double a = h[0], d = h[3], b = 0.5 * (h[1] + h[2]);
  double m = 0.5 * (a + d), r = hypot(0.5 * (a - d), b);
  eig[0] = m - r;
  eig[1] = m + r;
  for (int k = 0; k < 2; k++) {
    double vx, vy;
    if (fabs(b) > 1e-300) {
      vx = b;
      vy = eig[k] - a;
      /* The other form is better conditioned when eig − a is tiny against eig − d. */
      if (fabs(eig[k] - a) < fabs(eig[k] - d)) {
        vx = eig[k] - d;
        vy = b;
      }
    } else if ((a <= d) == (k == 0)) {
      vx = 1;
      vy = 0;
    } else {
      vx = 0;
      vy = 1;
    }
    double n = hypot(vx, vy);
    vec[k][0] = vx / n;
    vec[k][1] = vy / n;
  }
}

/* The second-order conditions at a point where ‖∇L‖ is below the tolerance. */
static PointClass classify(const double eig[2]) {
  double zero = 1e-8 * MAX(1.0, MAX(fabs(eig[0]), fabs(eig[1])));
  if (eig[0] > zero) return CLASS_MINIMUM;
  if (eig[1] < -zero) return CLASS_MAXIMUM;
  if (eig[0] < -zero && eig[1] > zero) return CLASS_SADDLE;
  return CLASS_INCONCLUSIVE;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double round_2sig(double v) {
  if (v == 0 || !isfinite(v)) return v;
  double s = pow(10, floor(log10(fabs(v))) - 1);
  return round(v / s) * s;
}

/* Contour levels at quantiles of the grid, denser at the low end, rounded to two digits. */
static int quantile_levels(const double *z, int n, double *levels, int max) {
  double *sorted = g_new(double, n);
  int m = 0, count = 0;
  for (int i = 0; i < n; i++)
    if (isfinite(z[i])) sorted[m++] = z[i];
  if (m > 1) {
    qsort(sorted, m, sizeof(double), cmp_double);
    for (int k = 1; k <= max; k++) {
      double q = (double)k / (max + 1);
      double v = round_2sig(sorted[(int)(q * q * (m - 1))]);
      if (v > sorted[0] && v < sorted[m - 1] && (count == 0 || v > levels[count - 1])) levels[count++] = v;
    }
  }
  g_free(sorted);
  return count;
}

/* L at a (2, ...) tensor of points built from values (shape given), one engine computation. */
static gboolean losses_at(const ObLoss *loss, int ndim, const int64_t *shape, const double *xy, double *out,
                          int64_t n, char **error) {
  bool prev = tn_set_grad_enabled(false);
  gboolean ok = FALSE;
  tn_tensor *w = tn_from_blob((void *)xy, ndim, shape, NULL, TN_DTYPE_FLOAT64, NULL, NULL);
  tn_tensor *l = w ? ob_loss_forward(loss, w) : NULL;
  tn_tensor *lc = l ? tn_contiguous(l) : NULL;
  if (lc && lc->numel == n) {
    memcpy(out, tn_data_ptr(lc), sizeof(double) * (size_t)n);
    ok = TRUE;
  } else if (error) {
    const char *msg = tn_error_message();
    g_free(*error);
    *error = g_strdup(msg && *msg ? msg : "engine error");
  }
  if (lc) tn_release(lc);
  if (l) tn_release(l);
  if (w) tn_release(w);
  tn_set_grad_enabled(prev);
  return ok;
}

/* ---- the stationary points ---- */

static gboolean in_window(const Optimality *self, const double w[2], double margin) {
  double mx = margin * (self->x1 - self->x0), my = margin * (self->y1 - self->y0);
  return w[0] >= self->x0 - mx && w[0] <= self->x1 + mx && w[1] >= self->y0 - my && w[1] <= self->y1 + my;
}

/* Newton's method w ← w − H⁻¹∇L on the engine's gradient and Hessian, from each start of a grid; the
 * limits found in the window, deduplicated, are the stationary points (it converges to saddles and
 * maxima as readily as to minima, which is what we want here). */
static void find_stationary(Optimality *self) {
  self->n_points = 0;
  double span = MAX(self->x1 - self->x0, self->y1 - self->y0);
  for (int si = 0; si < STARTS; si++)
    for (int sj = 0; sj < STARTS; sj++) {
      double w[2] = {self->x0 + (si + 0.5) * (self->x1 - self->x0) / STARTS,
                     self->y0 + (sj + 0.5) * (self->y1 - self->y0) / STARTS};
      double value, g[2], h[4];
      gboolean converged = FALSE;
      for (int it = 0; it < 60; it++) {
        char *error = NULL;
        if (!ob_loss_eval(&self->loss, w, &value, g, h, &error)) {
          free(error);
          break;
        }
        double gn = hypot(g[0], g[1]);
        if (gn < 1e-11 * (1 + fabs(value))) {
          converged = TRUE;
          break;
        }
        double det = h[0] * h[3] - h[1] * h[2];
        if (!(fabs(det) > 1e-14 * (1 + h[0] * h[0] + h[3] * h[3]))) break;
        double dx = (h[3] * g[0] - h[1] * g[1]) / det, dy = (-h[2] * g[0] + h[0] * g[1]) / det;
        double step = hypot(dx, dy);
        if (step > 0.5 * span) { /* keep far jumps from leaving the window in one go */
          dx *= 0.5 * span / step;
          dy *= 0.5 * span / step;
        }
        w[0] -= dx;
        w[1] -= dy;
        if (!in_window(self, w, 0.5)) break;
        if (step < 1e-15 * (1 + hypot(w[0], w[1]))) {
          converged = hypot(g[0], g[1]) < 1e-8 * (1 + fabs(value));
          break;
        }
      }
      if (!converged || !in_window(self, w, 0.02)) continue;
      gboolean known = FALSE;
      for (int k = 0; k < self->n_points && !known; k++)
        known = hypot(w[0] - self->points[k].w[0], w[1] - self->points[k].w[1]) < 1e-6 * span;
      if (known || self->n_points == MAX_POINTS) continue;
      Stationary *p = &self->points[self->n_points++];
      p->w[0] = w[0];
      p->w[1] = w[1];
      p->value = value;
      double vec[2][2];
      eigen2(h, p->eig, vec);
      p->cls = classify(p->eig);
      p->radius = 0;
      p->capped = FALSE;
    }
}

/* The largest r such that w* is the strict global minimizer of L over the ball of radius r around it,
 * estimated on rings of radius r_k = k R / K (RING_M directions each, all in one engine computation):
 * r is the last radius before some sample gets down to L(w*). Another stationary point at or below
 * L(w*) (Himmelblau's four minima share L = 0) bounds r too, since samples could step past it. */
static void ball_radius(Optimality *self, Stationary *p) {
  double reach = MAX(self->x1 - self->x0, self->y1 - self->y0);
  size_t n = (size_t)RING_K * RING_M;
  double *xy = g_new(double, 2 * n), *values = g_new(double, n);
  for (int k = 0; k < RING_K; k++) {
    double r = reach * (k + 1) / RING_K;
    for (int m = 0; m < RING_M; m++) {
      double a = 2 * G_PI * m / RING_M;
      xy[(size_t)k * RING_M + m] = p->w[0] + r * cos(a);
      xy[n + (size_t)k * RING_M + m] = p->w[1] + r * sin(a);
    }
  }
  int64_t shape[3] = {2, RING_K, RING_M};
  char *error = NULL;
  double tol = 1e-9 * (1 + fabs(p->value));
  p->radius = reach;
  p->capped = TRUE;
  if (losses_at(&self->loss, 3, shape, xy, values, (int64_t)n, &error)) {
    for (int k = 0; k < RING_K; k++) {
      double lo = INFINITY;
      for (int m = 0; m < RING_M; m++) lo = MIN(lo, values[(size_t)k * RING_M + m]);
      if (!(lo > p->value + tol)) {
        p->radius = reach * k / RING_K;
        p->capped = FALSE;
        break;
      }
    }
  } else {
    p->radius = 0;
    p->capped = FALSE;
  }
  for (int i = 0; i < self->n_points; i++) {
    Stationary *q = &self->points[i];
    if (q == p || q->value > p->value + tol) continue;
    double d = hypot(q->w[0] - p->w[0], q->w[1] - p->w[1]);
    if (d < p->radius) {
      p->radius = d;
      p->capped = FALSE;
    }
  }
  g_free(error);
  g_free(xy);
  g_free(values);
}

static void compute_loss(Optimality *self) {
  ob_loss_default_view(self->loss.kind, &self->x0, &self->x1, &self->y0, &self->y1);
  if (!self->grid) self->grid = g_new(double, GRID_N * GRID_N);
  char *error = NULL;
  if (ob_loss_grid(&self->loss, self->x0, self->x1, self->y0, self->y1, GRID_N, GRID_N, self->grid, &error))
    self->n_levels = quantile_levels(self->grid, GRID_N * GRID_N, self->levels, MAX_LEVELS);
  else
    self->n_levels = 0;
  free(error);
  find_stationary(self);
  for (int i = 0; i < self->n_points; i++)
    if (self->points[i].cls == CLASS_MINIMUM) ball_radius(self, &self->points[i]);
}

/* L(w + t vₖ) − L(w) − t ∇L(w)ᵀvₖ for t in [−s, s] along both eigenvectors, from one engine
 * computation: without its first-order part what is left is the curvature, about ½λₖt². */
static void compute_profile(Optimality *self, const double w[2]) {
  double s = 0.15 * MAX(self->x1 - self->x0, self->y1 - self->y0);
  double xy[2 * 2 * PROFILE_N + 2], values[2 * PROFILE_N + 1];
  const size_t n = 2 * PROFILE_N + 1;
  for (int i = 0; i < PROFILE_N; i++) self->profile_t[i] = -s + 2 * s * i / (PROFILE_N - 1);
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < PROFILE_N; i++) {
      xy[k * PROFILE_N + i] = w[0] + self->profile_t[i] * self->evec[k][0];
      xy[n + k * PROFILE_N + i] = w[1] + self->profile_t[i] * self->evec[k][1];
    }
  xy[2 * PROFILE_N] = w[0]; /* and w itself, from the same computation */
  xy[n + 2 * PROFILE_N] = w[1];
  int64_t shape[2] = {2, (int64_t)n};
  self->profile_ok = losses_at(&self->loss, 2, shape, xy, values, (int64_t)n, &self->error);
  if (!self->profile_ok) return;
  for (int k = 0; k < 2; k++) {
    double slope = self->grad[0] * self->evec[k][0] + self->grad[1] * self->evec[k][1];
    for (int i = 0; i < PROFILE_N; i++)
      self->profile[k][i] = values[k * PROFILE_N + i] - values[2 * PROFILE_N] - self->profile_t[i] * slope;
  }
}

static void compute_at_point(Optimality *self) {
  double w[2] = {gtk_adjustment_get_value(self->coord[0]), gtk_adjustment_get_value(self->coord[1])};
  g_clear_pointer(&self->error, g_free);
  char *error = NULL;
  self->ok = ob_loss_eval(&self->loss, w, &self->value, self->grad, self->hess, &error);
  if (!self->ok) {
    self->error = g_strdup(error ? error : "engine error");
    free(error);
    return;
  }
  eigen2(self->hess, self->eig, self->evec);
  self->verdict = hypot(self->grad[0], self->grad[1]) < GRAD_TOL ? classify(self->eig) : CLASS_NOT_STATIONARY;
  self->nearest = self->ball = -1;
  double best = INFINITY, best_min = INFINITY;
  for (int i = 0; i < self->n_points; i++) {
    double d = hypot(w[0] - self->points[i].w[0], w[1] - self->points[i].w[1]);
    if (d < best) {
      best = d;
      self->nearest = i;
    }
    if (self->points[i].cls == CLASS_MINIMUM && d < best_min) {
      best_min = d;
      self->ball = i;
    }
  }
  compute_profile(self, w);
}

/* ---- text ---- */

static char *fmt(double v) {
  char *s = fabs(v) >= 1e5 || (v != 0 && fabs(v) < 1e-3) ? g_strdup_printf("%.3e", v) : g_strdup_printf("%.4f", v);
  if (s[0] == '-') {
    char *t = g_strconcat("−", s + 1, NULL);
    g_free(s);
    s = t;
  }
  return s;
}

static char *fmt_pair(const double v[2]) {
  char *a = fmt(v[0]), *b = fmt(v[1]);
  char *s = g_strdup_printf("(%s, %s)", a, b);
  g_free(a);
  g_free(b);
  return s;
}

static const char *class_name(PointClass c) {
  switch (c) {
  case CLASS_MINIMUM: return _("strict local minimum");
  case CLASS_MAXIMUM: return _("strict local maximum");
  case CLASS_SADDLE: return _("saddle point");
  case CLASS_INCONCLUSIVE: return _("inconclusive (a zero eigenvalue)");
  case CLASS_NOT_STATIONARY: return _("not stationary");
  }
  return "";
}

/* ---- the figure ---- */

static void add_marker(PlotAxes *ax, const double *x, const double *y, int n, PlotRole role, PlotMarker marker,
                       double size, gboolean filled, const char *label) {
  PlotLineStyle st = plot_line_style(role, 0);
  st.marker = marker;
  st.marker_size_pt = size;
  st.marker_filled = filled;
  plot_axes_add_line(ax, x, y, n, &st, label);
}

static PlotFigure *build_figure(gpointer data, double width, double height) {
  Optimality *self = data;
  PlotFigure *fig = plot_figure_new(width, height);
  PlotAxes *ax = plot_figure_add_axes(fig, 0, 0, 0.56, 1);
  plot_axes_set_xlim(ax, self->x0, self->x1);
  plot_axes_set_ylim(ax, self->y0, self->y1);
  plot_axes_set_equal_aspect(ax, true);
  plot_axes_set_title(ax, _("Contours of <i>L</i> and its stationary points"));
  plot_axes_set_xlabel(ax, "<i>w</i>[0]");
  plot_axes_set_ylabel(ax, "<i>w</i>[1]");
  if (self->n_levels > 0) {
    PlotLineStyle cs = plot_line_style(PLOT_ROLE_MUTED, 0.8);
    plot_axes_add_contour(ax, self->grid, GRID_N, GRID_N, self->x0, self->x1, self->y0, self->y1, self->levels,
                          self->n_levels, &cs, true);
  }
  static const PlotRole roles[] = {PLOT_ROLE_ACCENT3, PLOT_ROLE_ACCENT2, PLOT_ROLE_ACCENT5, PLOT_ROLE_MUTED};
  static const PlotMarker markers[] = {PLOT_MARKER_CIRCLE, PLOT_MARKER_TRIANGLE, PLOT_MARKER_SQUARE,
                                       PLOT_MARKER_CROSS};
  const char *legend[] = {_("minimum"), _("maximum"), _("saddle point"), _("inconclusive")};
  for (int c = 0; c < 4; c++) {
    double xs[MAX_POINTS], ys[MAX_POINTS];
    int n = 0;
    for (int i = 0; i < self->n_points; i++)
      if ((int)self->points[i].cls == c) {
        xs[n] = self->points[i].w[0];
        ys[n++] = self->points[i].w[1];
      }
    if (n > 0) add_marker(ax, xs, ys, n, roles[c], markers[c], 9, TRUE, legend[c]);
  }
  /* What follows moves with w (the ball follows the minimizer nearest to w): drawn over a cached
   * picture of the rest while w is dragged. */
  plot_axes_begin_overlay(ax);
  /* The ball around the strict local minimizer nearest to w. */
  if (self->ball >= 0) {
    const Stationary *p = &self->points[self->ball];
    if (p->radius > 0) {
      enum { N = 181 };
      double cx[N], cy[N];
      for (int i = 0; i < N; i++) {
        double a = 2 * G_PI * i / (N - 1);
        cx[i] = p->w[0] + p->radius * cos(a);
        cy[i] = p->w[1] + p->radius * sin(a);
      }
      PlotLineStyle bs = plot_line_style(PLOT_ROLE_ACCENT3, 1.6);
      bs.dash[0] = 5;
      bs.dash[1] = 3;
      bs.n_dash = 2;
      char *r = fmt(p->radius);
      char *label = g_strdup_printf(p->capped
                                      /* Translators: legend of the ball around a local minimizer; %s is its radius */
                                      ? _("ball, <i>r</i> ≥ %s")
                                      /* Translators: legend of the ball around a local minimizer; %s is its radius */
                                      : _("ball, <i>r</i> = %s"),
                                    r);
      plot_axes_add_line(ax, cx, cy, N, &bs, label);
      g_free(label);
      g_free(r);
    }
  }
  double w[2] = {gtk_adjustment_get_value(self->coord[0]), gtk_adjustment_get_value(self->coord[1])};
  if (self->ok && self->verdict == CLASS_NOT_STATIONARY) {
    /* ∇L's direction, drawn at a fixed length: its size is in the readouts. */
    double gn = hypot(self->grad[0], self->grad[1]), len = 0.12 * (self->x1 - self->x0);
    PlotLineStyle as = plot_line_style(PLOT_ROLE_ACCENT1, 1.8);
    plot_axes_add_arrow(ax, w[0], w[1], w[0] + len * self->grad[0] / gn, w[1] + len * self->grad[1] / gn, &as,
                        "∇<i>L</i>(<i>w</i>)");
  }
  add_marker(ax, &w[0], &w[1], 1, PLOT_ROLE_ACCENT1, PLOT_MARKER_CIRCLE, 8, TRUE, NULL);
  add_marker(ax, &w[0], &w[1], 1, PLOT_ROLE_FOREGROUND, PLOT_MARKER_CIRCLE, 16, FALSE, NULL);
  plot_axes_add_text(ax, w[0], w[1], "<i>w</i>", PLOT_ANCHOR_AUTO, plot_paint_role(PLOT_ROLE_FOREGROUND), 12);
  plot_axes_set_legend(ax, true);

  /* Right: the loss along the Hessian's eigenvectors through w — the curvature the eigenvalues name. */
  PlotAxes *bx = plot_figure_add_axes(fig, 0.58, 0, 0.42, 1);
  plot_axes_set_overlay(bx, true); /* all of it follows w */
  /* Translators: title of the curvature plot; keep the formula */
  plot_axes_set_title(bx, _("Curvature along the eigenvectors <i>v</i>₁, <i>v</i>₂"));
  plot_axes_set_ylabel(bx, "<i>L</i>(<i>w</i> + <i>t v</i>) − <i>L</i>(<i>w</i>) − <i>t</i> ∇<i>L</i>(<i>w</i>)ᵀ<i>v</i>");
  plot_axes_set_xlabel(bx, "<i>t</i>");
  plot_axes_set_grid(bx, true);
  if (self->ok && self->profile_ok) {
    for (int k = 0; k < 2; k++) {
      char *e = fmt(self->eig[k]);
      char *label = g_strdup_printf("<i>v</i>%s (λ%s = %s)", k == 0 ? "₁" : "₂", k == 0 ? "₁" : "₂", e);
      PlotLineStyle st = plot_line_style(k == 0 ? PLOT_ROLE_ACCENT6 : PLOT_ROLE_ACCENT4, 2);
      if (k == 1) {
        st.dash[0] = 7;
        st.dash[1] = 3;
        st.n_dash = 2;
      }
      plot_axes_add_line(bx, self->profile_t, self->profile[k], PROFILE_N, &st, label);
      g_free(label);
      g_free(e);
    }
    double zx = 0, zy = 0;
    add_marker(bx, &zx, &zy, 1, PLOT_ROLE_FOREGROUND, PLOT_MARKER_CIRCLE, 6, TRUE, NULL);
    /* Limits that hold both curves and 0 with some air, so the point at t = 0 never sits on the frame. */
    double lo = 0, hi = 0;
    for (int k = 0; k < 2; k++)
      for (int i = 0; i < PROFILE_N; i++)
        if (isfinite(self->profile[k][i])) {
          lo = MIN(lo, self->profile[k][i]);
          hi = MAX(hi, self->profile[k][i]);
        }
    double pad = 0.08 * (hi - lo > 0 ? hi - lo : 1);
    plot_axes_set_xlim(bx, self->profile_t[0], self->profile_t[PROFILE_N - 1]);
    plot_axes_set_ylim(bx, lo - pad, hi + pad);
    plot_axes_set_legend(bx, true);
  }
  return fig;
}

/* ---- state → labels, reports, description ---- */

static void update_readouts(Optimality *self) {
  ObLessonView *view = self->view;
  double w[2] = {gtk_adjustment_get_value(self->coord[0]), gtk_adjustment_get_value(self->coord[1])};
  ob_lesson_view_report(view, "loss", ob_loss_id(self->loss.kind));
  ob_lesson_view_report_doubles(view, "w", w, 2);
  double count = self->n_points;
  ob_lesson_view_report_doubles(view, "stationary_points", &count, 1);
  double all[3 * MAX_POINTS];
  for (int i = 0; i < self->n_points; i++) {
    all[3 * i] = self->points[i].w[0];
    all[3 * i + 1] = self->points[i].w[1];
    all[3 * i + 2] = self->points[i].cls;
  }
  ob_lesson_view_report_doubles(view, "stationary", all, 3 * self->n_points);
  int n_class[4] = {0, 0, 0, 0};
  for (int i = 0; i < self->n_points; i++) n_class[self->points[i].cls]++;
  char *total = g_strdup_printf("%d", self->n_points);
  gtk_label_set_text(self->points_label, total);
  g_free(total);
  /* Translators: how many stationary points of each kind the search found */
  char *pts = g_strdup_printf(_("minima: %d · maxima: %d · saddle points: %d"), n_class[0], n_class[1], n_class[2]);
  adw_action_row_set_subtitle(self->points_row, pts);
  g_free(pts);
  if (!self->ok) {
    char *msg = g_strdup_printf(_("The engine could not evaluate the loss: %s"), self->error ? self->error : "");
    gtk_label_set_text(self->verdict_label, msg);
    g_free(msg);
    ob_lesson_view_report(view, "verdict", NULL);
    return;
  }
  ob_lesson_view_report_doubles(view, "value", &self->value, 1);
  ob_lesson_view_report_doubles(view, "grad", self->grad, 2);
  ob_lesson_view_report_doubles(view, "hessian", self->hess, 4);
  ob_lesson_view_report_doubles(view, "eigenvalues", self->eig, 2);
  ob_lesson_view_report(view, "verdict", class_ids[self->verdict]);
  double radius = self->ball >= 0 ? self->points[self->ball].radius : 0;
  ob_lesson_view_report_doubles(view, "radius", &radius, 1);
  if (self->ball >= 0) ob_lesson_view_report_doubles(view, "ball_center", self->points[self->ball].w, 2);
  else ob_lesson_view_report(view, "ball_center", NULL);

  char *v = fmt(self->value), *g = fmt_pair(self->grad), *gn = fmt(hypot(self->grad[0], self->grad[1]));
  char *e = fmt_pair(self->eig);
  char *h[4];
  for (int i = 0; i < 4; i++) h[i] = fmt(self->hess[i]);
  gtk_label_set_text(self->value_label, v);
  gtk_label_set_text(self->grad_label, g);
  gboolean small = hypot(self->grad[0], self->grad[1]) < GRAD_TOL;
  /* Translators: ‖∇L(w)‖ against the tolerance; %s is a number */
  char *norm = g_strdup_printf(small ? _("%s < 10⁻⁶") : _("%s ≥ 10⁻⁶"), gn);
  gtk_label_set_text(self->norm_label, norm);
  char *hess = g_strdup_printf("⎡ %s   %s ⎤\n⎣ %s   %s ⎦", h[0], h[1], h[2], h[3]);
  gtk_label_set_text(self->hess_label, hess);
  gtk_label_set_text(self->eig_label, e);
  const char *verdict = class_name(self->verdict);
  gtk_label_set_text(self->verdict_label, verdict);
  static const char *const icons[] = {"emblem-ok-symbolic", "go-up-symbolic", "media-playlist-shuffle-symbolic",
                                      "dialog-question-symbolic", "mark-location-symbolic"};
  gtk_image_set_from_icon_name(self->verdict_icon, icons[self->verdict]);
  if (self->ball >= 0) {
    const Stationary *p = &self->points[self->ball];
    char *r = fmt(p->radius), *c = fmt_pair(p->w);
    char *text = g_strdup_printf(p->capped ? _("r ≥ %s around w* = %s (as far as the search reached)")
                                           : _("r = %s around w* = %s"),
                                 r, c);
    adw_action_row_set_subtitle(self->radius_row, text);
    g_free(text);
    g_free(r);
    g_free(c);
  } else {
    adw_action_row_set_subtitle(self->radius_row, _("no strict local minimizer in view"));
  }

  /* Snapping is offered when a stationary point is near (a tenth of the window) but w is not on it. */
  gboolean near = FALSE;
  if (self->nearest >= 0) {
    const Stationary *p = &self->points[self->nearest];
    double d = hypot(w[0] - p->w[0], w[1] - p->w[1]);
    near = d < 0.1 * (self->x1 - self->x0) && d > 0;
    char *c = fmt_pair(p->w), *dd = fmt(d);
    /* Translators: the stationary point nearest to w: its position, its kind, its distance */
    char *text = g_strdup_printf(_("Nearest: %s, %s, at distance %s"), c, class_name(p->cls), dd);
    adw_action_row_set_subtitle(self->snap_row, text);
    g_free(text);
    g_free(c);
    g_free(dd);
  } else {
    adw_action_row_set_subtitle(self->snap_row, _("No stationary point in view"));
  }
  gtk_widget_set_sensitive(self->snap_button, near);

  char *wp = fmt_pair(w);
  /* Translators: accessible description of the optimality plot; the %s are the loss, numbers and a verdict */
  char *desc = g_strdup_printf(_("Contours of %s with %d stationary points marked. At w = %s: L = %s, gradient %s, "
                                 "Hessian eigenvalues %s: %s. Right: the curvature of the loss along the two "
                                 "eigenvectors through w."),
                               _(choices[gtk_drop_down_get_selected(self->loss_dropdown)].name), self->n_points, wp, v,
                               g, e, verdict);
  gtk_accessible_update_property(GTK_ACCESSIBLE(self->plot), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc, -1);
  g_free(desc);
  g_free(wp);
  g_free(norm);
  g_free(hess);
  for (int i = 0; i < 4; i++) g_free(h[i]);
  g_free(v);
  g_free(g);
  g_free(gn);
  g_free(e);
}

static void update(Optimality *self) {
  compute_at_point(self);
  update_readouts(self);
  ob_plot_view_set_point(self->plot, gtk_adjustment_get_value(self->coord[0]),
                         gtk_adjustment_get_value(self->coord[1]));
  ob_plot_view_queue_rebuild(self->plot);
}

static void set_point(Optimality *self, double x, double y) {
  self->updating = TRUE;
  gtk_adjustment_set_value(self->coord[0], x);
  gtk_adjustment_set_value(self->coord[1], y);
  self->updating = FALSE;
  update(self);
}

/* ---- handlers ---- */

static void on_loss_changed(GtkDropDown *dropdown, GParamSpec *pspec, Optimality *self) {
  (void)pspec;
  guint i = gtk_drop_down_get_selected(dropdown);
  if (i >= N_CHOICES) return;
  self->loss = (ObLoss){.kind = choices[i].kind, .param = 1};
  compute_loss(self);
  set_point(self, choices[i].w[0], choices[i].w[1]);
}

static void on_value_changed(GtkAdjustment *adj, Optimality *self) {
  (void)adj;
  if (!self->updating) update(self);
}

static void on_point_moved(ObPlotView *plot, double x, double y, guint phase, Optimality *self) {
  (void)plot;
  (void)phase;
  set_point(self, x, y);
}

static void on_snap(GtkButton *button, Optimality *self) {
  (void)button;
  if (self->nearest >= 0) set_point(self, self->points[self->nearest].w[0], self->points[self->nearest].w[1]);
}

/* ---- the panel ---- */

static GtkWidget *text_label(const char *markup) {
  GtkWidget *l = gtk_label_new(NULL);
  gtk_label_set_markup(GTK_LABEL(l), markup);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  return l;
}

static GtkWidget *build_text(void) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 10);
  /* Translators: optimality lesson, local minimizer and the ball */
  gtk_box_append(GTK_BOX(box), text_label(_("When the loss is not convex, finding a global minimizer can be out of "
                                            "reach, so we settle for a <b>local</b> one: <i>w</i>* is a local "
                                            "minimizer when some ball around it, {<i>w</i> : ‖<i>w</i> − "
                                            "<i>w</i>*‖ ≤ <i>r</i>} with <i>r</i> &gt; 0, holds no point with a "
                                            "smaller loss. Put differently, <i>w</i>* is the global minimizer of "
                                            "<i>L</i> once <i>w</i> is restricted to that ball; the dashed circle "
                                            "shows the largest such ball the engine finds.")));
  /* Translators: optimality lesson, first-order condition */
  gtk_box_append(GTK_BOX(box), text_label(_("<b>First order.</b> At a local minimizer of a differentiable loss "
                                            "the gradient vanishes: ∇<i>L</i>(<i>w</i>*) = 0. That is necessary, "
                                            "not sufficient: maxima and saddle points are stationary too.")));
  /* Translators: optimality lesson, second-order conditions */
  gtk_box_append(GTK_BOX(box), text_label(_("<b>Second order.</b> The Hessian ∇²<i>L</i>(<i>w</i>), the matrix of "
                                            "second partial derivatives, tells them apart. At a local minimizer it "
                                            "is positive semidefinite (necessary). If ∇<i>L</i>(<i>w</i>*) = 0 and "
                                            "∇²<i>L</i>(<i>w</i>*) is positive definite (all eigenvalues &gt; 0), "
                                            "<i>w</i>* is a strict local minimizer (sufficient); all eigenvalues "
                                            "&lt; 0 make a strict local maximum, mixed signs a saddle, and a zero "
                                            "eigenvalue leaves the test inconclusive.")));
  return box;
}

static GtkWidget *add_row(GtkWidget *group, const char *title, GtkWidget *suffix, GtkWidget *activatable) {
  GtkWidget *row = adw_action_row_new();
  adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
  adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(row), activatable != NULL);
  if (suffix) {
    gtk_widget_set_valign(suffix, GTK_ALIGN_CENTER);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), suffix);
  }
  if (activatable) adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), activatable);
  adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), row);
  return row;
}

static GtkLabel *value_row(GtkWidget *group, const char *title, const char *name) {
  GtkWidget *l = gtk_label_new("");
  gtk_label_set_selectable(GTK_LABEL(l), TRUE);
  gtk_label_set_xalign(GTK_LABEL(l), 1);
  gtk_widget_add_css_class(l, "numeric");
  if (name) gtk_widget_set_name(l, name);
  add_row(group, title, l, NULL);
  return GTK_LABEL(l);
}

static void optimality_create_panel(ObLessonView *view) {
  Optimality *self = g_new0(Optimality, 1);
  self->view = view;
  g_object_set_data_full(G_OBJECT(view), "ob-optimality", self, optimality_free);

  ob_lesson_view_set_text(view, build_text());

  GtkWidget *plot = ob_plot_view_new(build_figure, self, _("Contours of the loss with its stationary points"));
  self->plot = OB_PLOT_VIEW(plot);
  gtk_widget_set_name(plot, "plot");
  ob_plot_view_set_natural_size(self->plot, 860, 440);
  /* The page scrolls vertically, so its children get their minimum height: ask for a real one. */
  gtk_widget_set_size_request(plot, -1, 440);
  ob_plot_view_set_interactive_axes(self->plot, 0);
  g_signal_connect(plot, "point-moved", G_CALLBACK(on_point_moved), self);
  ob_lesson_view_set_visual(view, plot, _("Contours of the loss with its stationary points"));

  GtkWidget *controls = ob_lesson_controls_row_new(); /* one above the other in a narrow window */
  GtkWidget *setup = adw_preferences_group_new();
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(setup), _("Loss and point"));
  adw_preferences_group_set_description(ADW_PREFERENCES_GROUP(setup),
                                        _("Drag w on the contour plot, move it with the arrow keys, or type it."));
  gtk_widget_set_hexpand(setup, TRUE);
  gtk_widget_set_valign(setup, GTK_ALIGN_START);

  GtkStringList *names = gtk_string_list_new(NULL);
  for (guint i = 0; i < N_CHOICES; i++) gtk_string_list_append(names, _(choices[i].name));
  GtkWidget *dd = gtk_drop_down_new(G_LIST_MODEL(names), NULL);
  self->loss_dropdown = GTK_DROP_DOWN(dd);
  gtk_widget_set_name(dd, "loss-dropdown");
  add_row(setup, _("_Loss"), dd, dd);

  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6), *first = NULL;
  for (int c = 0; c < 2; c++) {
    self->coord[c] = g_object_ref_sink(gtk_adjustment_new(0, -100, 100, 0.05, 0.5, 0));
    GtkWidget *spin = gtk_spin_button_new(self->coord[c], 0.05, 4);
    gtk_editable_set_width_chars(GTK_EDITABLE(spin), 6);
    gtk_widget_set_name(spin, c == 0 ? "w-0" : "w-1");
    gtk_accessible_update_property(GTK_ACCESSIBLE(spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   c == 0 ? _("First coordinate of w") : _("Second coordinate of w"), -1);
    gtk_box_append(GTK_BOX(box), spin);
    if (!first) first = spin;
    g_signal_connect(self->coord[c], "value-changed", G_CALLBACK(on_value_changed), self);
  }
  add_row(setup, _("_Point w"), box, first);

  GtkWidget *snap = gtk_button_new_with_mnemonic(_("_Snap"));
  gtk_widget_set_name(snap, "snap-button");
  gtk_widget_set_tooltip_text(snap, _("Move w exactly onto the nearest stationary point"));
  g_signal_connect(snap, "clicked", G_CALLBACK(on_snap), self);
  self->snap_button = snap;
  self->snap_row = ADW_ACTION_ROW(add_row(setup, _("Snap to the nearest stationary point"), snap, NULL));
  adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(self->snap_row), FALSE);

  self->points_label = value_row(setup, _("Stationary points found"), NULL);
  self->points_row = ADW_ACTION_ROW(gtk_widget_get_ancestor(GTK_WIDGET(self->points_label), ADW_TYPE_ACTION_ROW));
  GtkWidget *ball = add_row(setup, _("Ball around the nearest strict minimizer"), NULL, NULL);
  self->radius_row = ADW_ACTION_ROW(ball);
  adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(ball), FALSE);

  GtkWidget *results = adw_preferences_group_new();
  /* Translators: heading of the readouts at the point w */
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(results), _("At w"));
  gtk_widget_set_hexpand(results, TRUE);
  gtk_widget_set_valign(results, GTK_ALIGN_START);
  self->value_label = value_row(results, "<i>L</i>(<i>w</i>)", NULL);
  self->grad_label = value_row(results, "∇<i>L</i>(<i>w</i>)", NULL);
  self->norm_label = value_row(results, "‖∇<i>L</i>(<i>w</i>)‖", NULL);
  self->hess_label = value_row(results, "∇²<i>L</i>(<i>w</i>)", NULL);
  gtk_label_set_wrap(self->hess_label, FALSE);
  gtk_widget_add_css_class(GTK_WIDGET(self->hess_label), "monospace");
  self->eig_label = value_row(results, _("eigenvalues λ₁ ≤ λ₂"), NULL);
  GtkWidget *vbox = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  self->verdict_icon = GTK_IMAGE(gtk_image_new_from_icon_name("emblem-ok-symbolic"));
  GtkWidget *vl = gtk_label_new("");
  gtk_widget_add_css_class(vl, "heading");
  gtk_widget_set_name(vl, "verdict");
  self->verdict_label = GTK_LABEL(vl);
  gtk_box_append(GTK_BOX(vbox), GTK_WIDGET(self->verdict_icon));
  gtk_box_append(GTK_BOX(vbox), vl);
  add_row(results, _("Verdict"), vbox, NULL);

  ob_lesson_controls_row_add(controls, setup);
  ob_lesson_controls_row_add(controls, results);
  ob_lesson_view_set_controls(view, controls);

  char *code = ob_lesson_load_text("optimality", "example.py");
  ob_lesson_view_set_example(view, code);
  g_free(code);

  g_signal_connect(dd, "notify::selected", G_CALLBACK(on_loss_changed), self);
  on_loss_changed(self->loss_dropdown, NULL, self);
  /* The loss first: choosing one moves w to its starting point, which the saved w then replaces. */
  ob_lesson_view_bind_state(view, "loss", dd, "selected");
  ob_lesson_view_bind_state(view, "w-0", self->coord[0], "value");
  ob_lesson_view_bind_state(view, "w-1", self->coord[1], "value");
}
