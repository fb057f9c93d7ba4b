/* steepest-descent.c — lesson "steepest-descent" (lecture §2.7, "The first-order Taylor model" and
 * "Choosing a direction that decreases the local model", Figure 3.2 live).
 *
 * (b) The student turns a unit direction Δ around the circle (drag anywhere on the circle plot: the
 *     direction of the pointer from the origin; arrow keys turn it by 5°, Shift by 1°; or the angle
 *     slider). Drawn: Δ, g/‖g‖ and −g/‖g‖; beside it gᵀΔ against the angle of Δ, a cosine, with the
 *     current angle and the minimum −‖g‖ at −g/‖g‖ marked.
 * (c) Along Δ, the true loss L(w + tΔ) against its first-order model L(w) + t gᵀΔ for t ∈ [0, t_max],
 *     and the model's error against t on log–log axes with a slope-2 reference: it grows like t².
 *
 * g is ∇L(w) at the chosen w for the chosen loss (losses.h: engine autodiff), or set directly (then
 * (c) has no loss to compare with). Every number drawn is the engine's: gᵀΔ over all angles is one
 * engine matmul, the loss along the direction one ob_loss_forward over a (2, n) tensor of points.
 *
 * Reports (ob_lesson_view_report*, for the display tests):
 *   "g"               the gradient (2 doubles)
 *   "delta"           Δ (2 doubles)
 *   "angle"           the angle of Δ in degrees, [0, 360)
 *   "directional"     gᵀΔ
 *   "min_angle"       the angle of −g/‖g‖ in degrees, [0, 360)
 *   "min_directional" gᵀ(−g/‖g‖) = −‖g‖
 *   "error_slope"     the fitted log–log slope of |L(w + tΔ) − L(w) − t gᵀΔ| over t ∈ [t_max/100,
 *                     t_max/10] (absent when g is set directly or the model is exact along Δ)
 *   "t_max"           t_max
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
#include "figures.h"
#include "losses.h"
#include "tn.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static void steepest_descent_create_panel(ObLessonView *view);

const ObLessonInfo ob_lesson_steepest_descent = {
  .id = "steepest-descent",
  .section = 2,
  .order = 7,
  .title = N_("Steepest Descent on the Unit Circle"),
  /* Translators: search words for the steepest-descent lesson, separated by spaces */
  .keywords = N_("steepest descent direction unit circle dot product cauchy schwarz taylor model first order "
                 "linear approximation"),
  .create_panel = steepest_descent_create_panel,
  .figure = "steepest_descent_unit_circle",
};

enum {
  N_ANGLES = 361,  /* gᵀΔ sampled every degree, 0..360 */
  N_LIN = 121,     /* samples of t in [0, t_max] for the model against the loss */
  N_LOG = 61,      /* log-spaced samples of t in [t_max/1000, t_max] for the error */
  FIT_FROM = 20,   /* the fit uses the log samples FIT_FROM..FIT_TO: t in [t_max/100, t_max/10] */
  FIT_TO = 40,
  N_T = N_LIN + N_LOG,
};

typedef struct {
  ObLossKind kind;
  const char *name; /* N_() */
} LossChoice;

static const LossChoice choices[] = {
  {OB_LOSS_HALF_NORM, N_("½‖w‖²")},
  {OB_LOSS_ANISOTROPIC, N_("w₁² + 0.2 w₂² (Figure 3.1)")},
  {OB_LOSS_SADDLE, N_("Saddle w₁² − w₂²")},
  {OB_LOSS_DOUBLE_WELL, N_("Double well")},
  {OB_LOSS_HIMMELBLAU, N_("Himmelblau")},
  {OB_LOSS_ROSENBROCK, N_("Rosenbrock")},
};
enum { N_CHOICES = G_N_ELEMENTS(choices), CHOICE_DIRECT = N_CHOICES };

typedef struct {
  ObLessonView *view; /* not owned: the view owns this model */
  ObPlotView *circle_plot, *taylor_plot;
  GtkDropDown *source;
  GtkAdjustment *w[2], *g_direct[2], *angle, *t_max;
  GtkWidget *w_rows[2], *g_rows[2];
  GtkLabel *g_label, *delta_label, *dir_label, *min_label, *slope_label;

  /* (b) */
  gboolean ok;            /* g ≠ 0 and the engine answered */
  double g[2], gnorm;
  ObUnitCircleData circle; /* g/‖g‖, −g/‖g‖, gᵀ(−g/‖g‖) ... (engine) */
  double angles[N_ANGLES], dots[N_ANGLES];
  double delta[2], directional, angle_deg, min_angle;
  /* (c) */
  gboolean taylor_ok;
  double l0;
  double t[N_T], loss[N_T], model[N_T], err[N_T];
  double slope; /* NAN when it cannot be fitted */
  gboolean updating;
} Steepest;

static void steepest_free(gpointer data) {
  Steepest *self = data;
  for (int i = 0; i < 2; i++) {
    g_clear_object(&self->w[i]);
    g_clear_object(&self->g_direct[i]);
  }
  g_clear_object(&self->angle);
  g_clear_object(&self->t_max);
  g_free(self);
}

static gboolean direct(Steepest *self) { return gtk_drop_down_get_selected(self->source) >= N_CHOICES; }

static double wrap_degrees(double a) {
  a = fmod(a, 360.0);
  if (a < 0) a += 360.0;
  return a >= 360.0 ? 0.0 : a;
}

/* ---- engine computations ---- */

static void release_all(tn_tensor **t, int n) {
  for (int i = 0; i < n; i++)
    if (t[i]) tn_release(t[i]);
}

/* gᵀΔ for Δ = (cos θ, sin θ) at every sampled θ and at the current one (the last column): one
 * matmul of g with the 2 × (N_ANGLES + 1) matrix of directions. Also reads Δ itself back. */
static gboolean compute_directions(Steepest *self) {
  tn_scalar th[N_ANGLES + 1];
  for (int i = 0; i < N_ANGLES; i++) {
    self->angles[i] = i * 360.0 / (N_ANGLES - 1);
    th[i] = tn_scalar_float(self->angles[i] * M_PI / 180.0);
  }
  th[N_ANGLES] = tn_scalar_float(self->angle_deg * M_PI / 180.0);
  const int64_t ts[1] = {N_ANGLES + 1}, gs[1] = {2};
  tn_scalar gv[2] = {tn_scalar_float(self->g[0]), tn_scalar_float(self->g[1])};
  bool prev = tn_set_grad_enabled(false);
  tn_tensor *theta = tn_from_scalars(1, ts, th, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *g = tn_from_scalars(1, gs, gv, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *c = theta ? tn_unary(TN_UNARY_COS, theta) : NULL;
  tn_tensor *s = theta ? tn_unary(TN_UNARY_SIN, theta) : NULL;
  tn_tensor *D = NULL, *dots = NULL, *Dc = NULL;
  if (c && s) D = tn_stack(2, (tn_tensor *[]){c, s}, 0); /* (2, N_ANGLES + 1) */
  if (D && g) dots = tn_matmul(g, D);                     /* gᵀD: (N_ANGLES + 1) */
  if (D) Dc = tn_contiguous(D);
  gboolean ok = dots && Dc;
  if (ok) {
    for (int i = 0; i < N_ANGLES; i++) self->dots[i] = tn_scalar_to_double(tn_get_flat(dots, i));
    self->directional = tn_scalar_to_double(tn_get_flat(dots, N_ANGLES));
    self->delta[0] = tn_scalar_to_double(tn_get_flat(Dc, N_ANGLES));
    self->delta[1] = tn_scalar_to_double(tn_get_flat(Dc, 2 * N_ANGLES + 1));
  }
  tn_tensor *all[] = {theta, g, c, s, D, dots, Dc};
  release_all(all, G_N_ELEMENTS(all));
  tn_set_grad_enabled(prev);
  return ok;
}

/* Along Δ: L(w + tΔ) at every t (one engine evaluation over a (2, N_T) tensor of points), the model
 * L(w) + t gᵀΔ and its error |L(w + tΔ) − model|, all engine arithmetic. */
static gboolean compute_taylor(Steepest *self, const ObLoss *loss, const double w[2]) {
  double tmax = gtk_adjustment_get_value(self->t_max);
  for (int i = 0; i < N_LIN; i++) self->t[i] = tmax * i / (N_LIN - 1);
  for (int i = 0; i < N_LOG; i++) self->t[N_LIN + i] = tmax * pow(10.0, -3.0 + 3.0 * i / (N_LOG - 1));
  tn_scalar tv[N_T];
  for (int i = 0; i < N_T; i++) tv[i] = tn_scalar_float(self->t[i]);
  const int64_t tshape[2] = {1, N_T}, vshape[2] = {2, 1};
  tn_scalar wv[2] = {tn_scalar_float(w[0]), tn_scalar_float(w[1])};
  tn_scalar dv[2] = {tn_scalar_float(self->delta[0]), tn_scalar_float(self->delta[1])};
  bool prev = tn_set_grad_enabled(false);
  tn_tensor *t = tn_from_scalars(2, tshape, tv, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *wt = tn_from_scalars(2, vshape, wv, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *dt = tn_from_scalars(2, vshape, dv, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *step = t && dt ? tn_mul(dt, t) : NULL;        /* (2, N_T): tΔ */
  tn_tensor *pts = step && wt ? tn_add(wt, step) : NULL;   /* w + tΔ */
  tn_tensor *l = pts ? ob_loss_forward(loss, pts) : NULL;  /* (1, N_T) */
  tn_tensor *dd = tn_wrap_scalar(tn_scalar_float(self->directional));
  tn_tensor *l0 = tn_wrap_scalar(tn_scalar_float(self->l0));
  tn_tensor *slope = t && dd ? tn_mul(t, dd) : NULL;       /* t gᵀΔ */
  tn_tensor *model = slope && l0 ? tn_add(slope, l0) : NULL;
  tn_tensor *diff = l && model ? tn_sub(l, model) : NULL;
  tn_tensor *err = diff ? tn_unary(TN_UNARY_ABS, diff) : NULL;
  gboolean ok = err && l->numel == N_T && model->numel == N_T && err->numel == N_T;
  if (ok)
    for (int i = 0; i < N_T; i++) {
      self->loss[i] = tn_scalar_to_double(tn_get_flat(l, i));
      self->model[i] = tn_scalar_to_double(tn_get_flat(model, i));
      self->err[i] = tn_scalar_to_double(tn_get_flat(err, i));
    }
  tn_tensor *all[] = {t, wt, dt, step, pts, l, dd, l0, slope, model, diff, err};
  release_all(all, G_N_ELEMENTS(all));
  tn_set_grad_enabled(prev);
  return ok;
}

/* Least-squares slope of log err against log t over t ∈ [t_max/100, t_max/10], where the error is
 * the Taylor remainder rather than rounding; NAN when too few samples are above rounding level. */
static double fit_slope(const Steepest *self) {
  double floor_level = 1e-11 * (1.0 + fabs(self->l0));
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (int i = N_LIN + FIT_FROM; i <= N_LIN + FIT_TO; i++) {
    if (!(self->err[i] > floor_level) || !isfinite(self->err[i])) continue;
    double x = log(self->t[i]), y = log(self->err[i]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    n++;
  }
  if (n < 5) return NAN;
  double den = n * sxx - sx * sx;
  return den > 0 ? (n * sxy - sx * sy) / den : NAN;
}

/* ---- text helpers ---- */

/* `digits` significant digits, a real minus sign, no "−0". */
static char *fmt(double v, int digits) {
  if (fabs(v) < 5e-15) v = 0;
  char *s = g_strdup_printf("%.*g", digits, v);
  if (s[0] == '-') {
    char *t = g_strconcat("−", s + 1, NULL);
    g_free(s);
    s = t;
  }
  return s;
}

static char *fmt_vec(const double v[2], int digits) {
  char *a = fmt(v[0], digits), *b = fmt(v[1], digits);
  char *s = g_strdup_printf("(%s, %s)", a, b);
  g_free(a);
  g_free(b);
  return s;
}

/* ---- the figures ---- */

static void add_marker(PlotAxes *ax, double x, double y, PlotRole role, PlotMarker marker, double size) {
  PlotLineStyle m = plot_line_style(role, 0);
  m.marker = marker;
  m.marker_size_pt = size;
  m.marker_filled = true;
  plot_axes_add_line(ax, &x, &y, 1, &m, NULL);
}

static void dashed(PlotLineStyle *s) {
  s->dash[0] = 5;
  s->dash[1] = 4;
  s->n_dash = 2;
}

/* Top: (b), the unit circle of directions (interactive) and gᵀΔ against the angle of Δ. */
static PlotFigure *build_circle(gpointer data, double width, double height) {
  Steepest *self = data;
  PlotFigure *fig = plot_figure_new(width, height);
  plot_figure_set_font(fig, NULL, 10);
  PlotAxes *ax = plot_figure_add_axes(fig, 0, 0, 0.44, 1);
  plot_axes_set_equal_aspect(ax, true);
  plot_axes_set_xlim(ax, -1.5, 1.5);
  plot_axes_set_ylim(ax, -1.5, 1.5);
  plot_axes_set_grid(ax, true);
  plot_axes_set_title(ax, _("Unit directions Δ"));
  plot_axes_set_xlabel(ax, "Δ₁");
  plot_axes_set_ylabel(ax, "Δ₂");
  double cx[N_ANGLES], cy[N_ANGLES];
  for (int i = 0; i < N_ANGLES; i++) {
    cx[i] = cos(self->angles[i] * M_PI / 180.0); /* only the circle's outline: a drawing aid */
    cy[i] = sin(self->angles[i] * M_PI / 180.0);
  }
  PlotLineStyle cs = plot_line_style(PLOT_ROLE_MUTED, 1.2);
  plot_axes_add_line(ax, cx, cy, N_ANGLES, &cs, NULL);

  PlotAxes *bx = plot_figure_add_axes(fig, 0.46, 0, 0.54, 1);
  plot_axes_set_title(bx, _("Directional derivative <i>g</i>ᵀΔ"));
  plot_axes_set_xlabel(bx, _("angle of Δ (degrees)"));
  plot_axes_set_xlim(bx, 0, 360);
  plot_axes_set_grid(bx, true);
  if (!self->ok) {
    plot_axes_add_text(ax, 0, 0, _("<i>g</i> = 0: no direction descends"), PLOT_ANCHOR_CENTER,
                       plot_paint_role(PLOT_ROLE_FOREGROUND), 0);
    plot_axes_set_ylim(bx, -1, 1);
    return fig;
  }
  const ObUnitCircleData *d = &self->circle;
  PlotLineStyle gs = plot_line_style(PLOT_ROLE_ACCENT2, 2.0);
  plot_axes_add_arrow(ax, 0, 0, d->g_unit[0], d->g_unit[1], &gs, "<i>g</i>/‖<i>g</i>‖");
  PlotLineStyle ds = plot_line_style(PLOT_ROLE_ACCENT1, 2.0);
  plot_axes_add_arrow(ax, 0, 0, d->descent[0], d->descent[1], &ds, "−<i>g</i>/‖<i>g</i>‖");
  /* Δ and what depends on it move with the drag: drawn over a cached picture of the rest. */
  plot_axes_begin_overlay(ax);
  char *dv = fmt(self->directional, 3);
  char *dl = g_strdup_printf("Δ\n<small><i>g</i>ᵀΔ = %s</small>", dv);
  PlotLineStyle xs = plot_line_style(PLOT_ROLE_ACCENT4, 2.6);
  plot_axes_add_arrow(ax, 0, 0, self->delta[0], self->delta[1], &xs, dl);
  g_free(dl);
  add_marker(ax, 0, 0, PLOT_ROLE_FOREGROUND, PLOT_MARKER_CIRCLE, 5);

  /* gᵀΔ = ‖g‖ cos(angle between them): a cosine of the angle of Δ. */
  PlotLineStyle curve = plot_line_style(PLOT_ROLE_ACCENT2, 2.0);
  plot_axes_add_line(bx, self->angles, self->dots, N_ANGLES, &curve, NULL);
  double m = self->gnorm * 1.3;
  plot_axes_set_ylim(bx, -1.8 * self->gnorm, m);
  double zx[2] = {0, 360}, zy[2] = {0, 0};
  PlotLineStyle zs = plot_line_style(PLOT_ROLE_FOREGROUND, 0.8);
  plot_axes_add_line(bx, zx, zy, 2, &zs, NULL);
  /* The minimum's marker and label are static; the current angle's line, marker and label move. */
  double mind = d->dots[1];
  add_marker(bx, self->min_angle, mind, PLOT_ROLE_ACCENT1, PLOT_MARKER_SQUARE, 8);
  char *mv = fmt(mind, 3);
  /* Translators: label of the minimum of gᵀΔ; %s is −‖g‖ as a number */
  char *ml = g_strdup_printf(_("minimum −‖<i>g</i>‖ = %s\nat Δ = −<i>g</i>/‖<i>g</i>‖"), mv);
  /* Below the minimum, where the cosine leaves room (the axes reach down to −1.8‖g‖); near either end
   * of the angle axis the text hangs inwards. */
  PlotAnchor anchor = self->min_angle < 60 ? PLOT_ANCHOR_NW : self->min_angle > 300 ? PLOT_ANCHOR_NE : PLOT_ANCHOR_N;
  plot_axes_add_text(bx, self->min_angle, mind - 0.1 * self->gnorm, ml, anchor, plot_paint_role(PLOT_ROLE_ACCENT1), 0);
  g_free(ml);
  g_free(mv);
  plot_axes_begin_overlay(bx);
  /* From the top down to the current point only, so it never crosses the minimum's label below. */
  double vx[2] = {self->angle_deg, self->angle_deg}, vy[2] = {self->directional, m};
  PlotLineStyle vs = plot_line_style(PLOT_ROLE_ACCENT4, 1.2);
  dashed(&vs);
  plot_axes_add_line(bx, vx, vy, 2, &vs, NULL);
  add_marker(bx, self->angle_deg, self->directional, PLOT_ROLE_ACCENT4, PLOT_MARKER_CIRCLE, 9);
  char *cur = g_strdup_printf("Δ: %s", dv);
  plot_axes_add_text(bx, self->angle_deg, self->directional, cur, PLOT_ANCHOR_AUTO, plot_paint_role(PLOT_ROLE_ACCENT4),
                     0);
  g_free(cur);
  g_free(dv);
  return fig;
}

/* Bottom: (c), the loss along Δ against its first-order model, and the model's error. */
static PlotFigure *build_taylor(gpointer data, double width, double height) {
  Steepest *self = data;
  PlotFigure *fig = plot_figure_new(width, height);
  plot_figure_set_font(fig, NULL, 10);
  if (!self->taylor_ok) {
    PlotAxes *ax = plot_figure_add_subplot(fig, 1, 1, 0);
    plot_axes_set_frame(ax, false);
    plot_axes_set_xlim(ax, 0, 1);
    plot_axes_set_ylim(ax, 0, 1);
    plot_axes_add_text(ax, 0.5, 0.5,
                       direct(self) ? _("The first-order model needs a loss: choose one to compare with.")
                                    : _("The gradient is zero here: the model is flat."),
                       PLOT_ANCHOR_CENTER, plot_paint_role(PLOT_ROLE_MUTED), 0);
    return fig;
  }
  PlotAxes *ax = plot_figure_add_axes(fig, 0, 0, 0.5, 1);
  plot_axes_set_title(ax, _("Along Δ: loss and first-order model"));
  plot_axes_set_xlabel(ax, "<i>t</i>");
  plot_axes_set_grid(ax, true);
  PlotLineStyle ls = plot_line_style(PLOT_ROLE_ACCENT1, 2.2);
  plot_axes_add_line(ax, self->t, self->loss, N_LIN, &ls, "<i>L</i>(<i>w</i> + <i>t</i>Δ)");
  PlotLineStyle ms = plot_line_style(PLOT_ROLE_ACCENT2, 2.0);
  dashed(&ms);
  plot_axes_add_line(ax, self->t, self->model, N_LIN, &ms, "<i>L</i>(<i>w</i>) + <i>t</i> <i>g</i>ᵀΔ");
  plot_axes_set_xlim(ax, 0, self->t[N_LIN - 1]);
  plot_axes_autoscale(ax);
  plot_axes_set_legend(ax, true);

  PlotAxes *bx = plot_figure_add_axes(fig, 0.52, 0, 0.48, 1);
  char *title;
  if (isfinite(self->slope)) {
    char *sv = g_strdup_printf("%.2f", self->slope);
    /* Translators: %s is the fitted log–log slope, e.g. 2.00 */
    title = g_strdup_printf(_("Model error (fitted slope %s)"), sv);
    g_free(sv);
  } else {
    title = g_strdup(_("Model error"));
  }
  plot_axes_set_title(bx, title);
  g_free(title);
  plot_axes_set_xlabel(bx, _("<i>t</i> (log scale)"));
  plot_axes_set_xscale(bx, PLOT_SCALE_LOG);
  plot_axes_set_yscale(bx, PLOT_SCALE_LOG);
  plot_axes_set_grid(bx, true);
  /* Only errors above rounding level: a log axis has no place for 0. */
  double floor_level = 1e-14 * (1.0 + fabs(self->l0));
  double ex[N_LOG], ey[N_LOG], lo = INFINITY, hi = 0;
  int n = 0;
  for (int i = 0; i < N_LOG; i++) {
    double e = self->err[N_LIN + i];
    if (!(e > floor_level) || !isfinite(e)) continue;
    ex[n] = self->t[N_LIN + i];
    ey[n] = e;
    lo = MIN(lo, e);
    hi = MAX(hi, e);
    n++;
  }
  double t0 = self->t[N_LIN], t1 = self->t[N_T - 1];
  plot_axes_set_xlim(bx, t0, t1);
  if (n >= 2) {
    PlotLineStyle es = plot_line_style(PLOT_ROLE_ACCENT1, 2.2);
    plot_axes_add_line(bx, ex, ey, n, &es, "|<i>L</i>(<i>w</i> + <i>t</i>Δ) − model|");
    /* The slope-2 reference, parallel to the error and 4 times above it at the middle of the fitted
     * range, so that both lines stay visible when they are parallel. */
    int mid = N_LIN + (FIT_FROM + FIT_TO) / 2;
    double tr = self->t[mid], er = 4 * self->err[mid];
    if (er > 4 * floor_level) {
      double rx[2] = {t0, t1}, ry[2] = {er * (t0 / tr) * (t0 / tr), er * (t1 / tr) * (t1 / tr)};
      PlotLineStyle rs = plot_line_style(PLOT_ROLE_MUTED, 1.4);
      dashed(&rs);
      plot_axes_add_line(bx, rx, ry, 2, &rs, _("slope 2: <i>t</i>²"));
      lo = MIN(lo, MIN(ry[0], ry[1]));
      hi = MAX(hi, MAX(ry[0], ry[1]));
    }
    plot_axes_set_ylim(bx, lo / 2, hi * 2);
    plot_axes_set_legend(bx, true);
  } else {
    plot_axes_set_ylim(bx, 1e-16, 1);
    plot_axes_add_text(bx, sqrt(t0 * t1), 1e-8, _("The model is exact along Δ\n(error at rounding level)"),
                       PLOT_ANCHOR_CENTER, plot_paint_role(PLOT_ROLE_MUTED), 0);
  }
  return fig;
}

/* ---- model → readouts, reports, descriptions ---- */

static void update(Steepest *self) {
  ObLessonView *view = self->view;
  gboolean is_direct = direct(self);
  guint sel = gtk_drop_down_get_selected(self->source);
  ObLoss loss = {.kind = choices[MIN(sel, N_CHOICES - 1)].kind, .param = 1};
  double w[2] = {gtk_adjustment_get_value(self->w[0]), gtk_adjustment_get_value(self->w[1])};
  self->angle_deg = wrap_degrees(gtk_adjustment_get_value(self->angle));
  self->ok = TRUE;
  if (is_direct) {
    self->g[0] = gtk_adjustment_get_value(self->g_direct[0]);
    self->g[1] = gtk_adjustment_get_value(self->g_direct[1]);
  } else {
    char *error = NULL;
    if (!ob_loss_eval(&loss, w, &self->l0, self->g, NULL, &error)) {
      g_warning("steepest-descent: %s", error ? error : "engine error");
      self->ok = FALSE;
      self->g[0] = self->g[1] = 0;
    }
    free(error);
  }
  ObFigureParams p;
  ob_figure_params_default(&p);
  p.g[0] = self->g[0];
  p.g[1] = self->g[1];
  char *error = NULL;
  if (self->ok) self->ok = ob_figure_unit_circle_compute(&p, &self->circle, &error);
  free(error);
  if (self->ok) self->ok = compute_directions(self);
  if (self->ok) {
    /* ‖g‖ = −gᵀ(−g/‖g‖), the engine's value at the minimum. */
    self->gnorm = -self->circle.dots[1];
    self->min_angle = wrap_degrees(atan2(self->circle.descent[1], self->circle.descent[0]) * 180.0 / M_PI);
    /* Export Figure… shows Figure 3.2 for this g. */
    ob_lesson_view_set_figure_params(view, &p);
  } else {
    self->delta[0] = cos(self->angle_deg * M_PI / 180.0);
    self->delta[1] = sin(self->angle_deg * M_PI / 180.0);
    self->directional = 0;
  }
  self->taylor_ok = self->ok && !is_direct && compute_taylor(self, &loss, w);
  self->slope = self->taylor_ok ? fit_slope(self) : NAN;

  double tmax = gtk_adjustment_get_value(self->t_max);
  ob_lesson_view_report_doubles(view, "g", self->g, 2);
  ob_lesson_view_report_doubles(view, "delta", self->delta, 2);
  ob_lesson_view_report_doubles(view, "angle", &self->angle_deg, 1);
  ob_lesson_view_report_doubles(view, "directional", &self->directional, 1);
  ob_lesson_view_report_doubles(view, "t_max", &tmax, 1);
  if (self->ok) {
    double mind = self->circle.dots[1];
    ob_lesson_view_report_doubles(view, "min_angle", &self->min_angle, 1);
    ob_lesson_view_report_doubles(view, "min_directional", &mind, 1);
  } else {
    ob_lesson_view_report(view, "min_angle", NULL);
    ob_lesson_view_report(view, "min_directional", NULL);
  }
  if (isfinite(self->slope))
    ob_lesson_view_report_doubles(view, "error_slope", &self->slope, 1);
  else
    ob_lesson_view_report(view, "error_slope", NULL);

  char *gv = fmt_vec(self->g, 4), *dv = fmt_vec(self->delta, 4), *dd = fmt(self->directional, 4);
  char *ang = g_strdup_printf("%.0f°", self->angle_deg);
  gtk_label_set_text(self->g_label, gv);
  char *dtext = g_strdup_printf("%s  (%s)", dv, ang);
  gtk_label_set_text(self->delta_label, dtext);
  g_free(dtext);
  gtk_label_set_text(self->dir_label, dd);
  char *desc_b, *desc_c;
  if (self->ok) {
    char *mv = fmt(self->circle.dots[1], 4), *ma = g_strdup_printf("%.0f°", self->min_angle);
    char *mtext = g_strdup_printf("%s  (%s)", mv, ma);
    gtk_label_set_text(self->min_label, mtext);
    g_free(mtext);
    /* Translators: accessible description of the unit-circle plots; the %s are vectors, angles and numbers */
    desc_b = g_strdup_printf(_("Left: the unit circle of directions with g/‖g‖ for g = %s, the steepest descent "
                               "direction −g/‖g‖ and the chosen direction Δ = %s at %s. Right: gᵀΔ against the "
                               "angle of Δ, a cosine; here gᵀΔ = %s, and its minimum %s is reached at %s."),
                             gv, dv, ang, dd, mv, ma);
    g_free(mv);
    g_free(ma);
  } else {
    gtk_label_set_text(self->min_label, "—");
    /* Translators: accessible description of the unit-circle plots when g = 0 */
    desc_b = g_strdup(_("The gradient is zero: every direction gives gᵀΔ = 0 and none descends."));
  }
  if (isfinite(self->slope)) {
    char *sv = g_strdup_printf("%.3f", self->slope);
    gtk_label_set_text(self->slope_label, sv);
    char *tv = fmt(tmax, 3);
    /* Translators: accessible description of the Taylor-model plots; %s are numbers */
    desc_c = g_strdup_printf(_("Left: the loss along Δ and its first-order model for t from 0 to %s. Right: the "
                               "model's error against t on logarithmic axes, with fitted slope %s, beside a "
                               "slope-2 reference line."),
                             tv, sv);
    g_free(tv);
    g_free(sv);
  } else {
    gtk_label_set_text(self->slope_label, "—");
    desc_c = g_strdup(is_direct ? _("No loss is chosen, so there is no first-order model to compare.")
                                : _("Along this direction the first-order model is exact up to rounding."));
  }
  gtk_accessible_update_property(GTK_ACCESSIBLE(self->circle_plot), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc_b, -1);
  gtk_accessible_update_property(GTK_ACCESSIBLE(self->taylor_plot), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc_c, -1);
  g_free(desc_b);
  g_free(desc_c);
  g_free(gv);
  g_free(dv);
  g_free(dd);
  g_free(ang);

  ob_plot_view_set_point(self->circle_plot, self->delta[0], self->delta[1]);
  ob_plot_view_queue_rebuild(self->circle_plot);
  ob_plot_view_queue_rebuild(self->taylor_plot);
}

static void on_value_changed(GtkAdjustment *adj, Steepest *self) {
  (void)adj;
  if (!self->updating) update(self);
}

static void on_source_changed(GtkDropDown *dd, GParamSpec *pspec, Steepest *self) {
  (void)dd;
  (void)pspec;
  gboolean d = direct(self);
  for (int i = 0; i < 2; i++) {
    gtk_widget_set_visible(self->w_rows[i], !d);
    gtk_widget_set_visible(self->g_rows[i], d);
  }
  update(self);
}

static void set_angle(Steepest *self, double degrees) {
  gtk_adjustment_set_value(self->angle, wrap_degrees(degrees));
}

/* The direction of the pointer from the origin: Δ follows it anywhere on the plot. */
static void on_point_moved(ObPlotView *plot, double x, double y, guint phase, Steepest *self) {
  (void)plot;
  (void)phase;
  if (hypot(x, y) < 1e-9) return; /* the origin has no direction */
  set_angle(self, atan2(y, x) * 180.0 / M_PI);
}

/* Arrow keys turn Δ (by 5°, Shift: 1°) instead of moving a cursor. */
static gboolean on_key_pressed(GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
                               Steepest *self) {
  (void)controller;
  (void)keycode;
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) return GDK_EVENT_PROPAGATE;
  double step = (state & GDK_SHIFT_MASK) ? 1.0 : 5.0;
  switch (keyval) {
  case GDK_KEY_Left: case GDK_KEY_KP_Left: case GDK_KEY_Up: case GDK_KEY_KP_Up: break;
  case GDK_KEY_Right: case GDK_KEY_KP_Right: case GDK_KEY_Down: case GDK_KEY_KP_Down: step = -step; break;
  default: return GDK_EVENT_PROPAGATE;
  }
  set_angle(self, gtk_adjustment_get_value(self->angle) + step);
  return GDK_EVENT_STOP;
}

static void on_point_to_descent(GtkButton *button, Steepest *self) {
  (void)button;
  if (self->ok) set_angle(self, self->min_angle);
}

/* ---- building the panel ---- */

static GtkWidget *text_label(const char *markup, const char *css_class) {
  GtkWidget *l = gtk_label_new(NULL);
  gtk_label_set_markup(GTK_LABEL(l), markup);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  if (css_class) gtk_widget_add_css_class(l, css_class);
  return l;
}

static GtkWidget *formula_label(const char *markup) {
  GtkWidget *l = text_label(markup, "title-4");
  gtk_label_set_xalign(GTK_LABEL(l), 0.5);
  return l;
}

static GtkWidget *build_text(void) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 10);
  /* Translators: steepest-descent lesson, the local model */
  gtk_box_append(GTK_BOX(box), text_label(_("Near a point <i>w</i> a differentiable loss looks like a linear "
                                            "function: the first-order Taylor model is"), NULL));
  gtk_box_append(GTK_BOX(box), formula_label("<i>L</i>(<i>w</i> + Δ) ≈ <i>L</i>(<i>w</i>) + ∇<i>L</i>(<i>w</i>)ᵀΔ."));
  /* Translators: steepest-descent lesson, choosing the direction; keep the formulas */
  gtk_box_append(GTK_BOX(box), text_label(_("Only the dot product depends on Δ. Making Δ longer is no answer: the "
                                            "model is trustworthy only close to <i>w</i>. So fix the length, "
                                            "‖Δ‖ = 1, and ask which direction makes <i>g</i>ᵀΔ smallest, with "
                                            "<i>g</i> = ∇<i>L</i>(<i>w</i>). The Cauchy–Schwarz inequality "
                                            "answers it:"), NULL));
  gtk_box_append(GTK_BOX(box), formula_label("<i>g</i>ᵀΔ ≥ −‖<i>g</i>‖ ‖Δ‖ = −‖<i>g</i>‖,"));
  /* Translators: steepest-descent lesson, between two formulas */
  gtk_box_append(GTK_BOX(box), text_label(_("with equality exactly when Δ points against the gradient:"), NULL));
  gtk_box_append(GTK_BOX(box), formula_label("Δ* = −<i>g</i>/‖<i>g</i>‖."));
  /* Translators: steepest-descent lesson, what the plots show */
  gtk_box_append(GTK_BOX(box), text_label(_("Turn Δ around the circle: <i>g</i>ᵀΔ = ‖<i>g</i>‖ cos φ, where φ is "
                                            "the angle between Δ and <i>g</i>, bottoms out exactly opposite the "
                                            "gradient. The lower plots test the model itself along Δ: its error "
                                            "grows like <i>t</i>², which is why small steps can be trusted and large "
                                            "ones cannot."), NULL));
  return box;
}

static GtkWidget *add_row(GtkWidget *group, const char *title, GtkWidget *suffix, GtkWidget *activatable) {
  GtkWidget *row = adw_action_row_new();
  adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
  adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(row), activatable != NULL);
  gtk_widget_set_valign(suffix, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix(ADW_ACTION_ROW(row), suffix);
  if (activatable) adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), activatable);
  adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), row);
  return row;
}

static GtkWidget *value_row(GtkWidget *group, const char *title, GtkLabel **label) {
  GtkWidget *l = gtk_label_new("");
  gtk_label_set_selectable(GTK_LABEL(l), TRUE);
  gtk_widget_add_css_class(l, "numeric");
  *label = GTK_LABEL(l);
  return add_row(group, title, l, NULL);
}

static GtkWidget *scale_row(GtkWidget *group, const char *title, GtkAdjustment *adj, const char *name, int digits) {
  GtkWidget *scale = gtk_scale_new(GTK_ORIENTATION_HORIZONTAL, adj);
  gtk_scale_set_digits(GTK_SCALE(scale), digits);
  gtk_scale_set_draw_value(GTK_SCALE(scale), TRUE);
  gtk_scale_set_value_pos(GTK_SCALE(scale), GTK_POS_RIGHT);
  gtk_widget_set_size_request(scale, 120, -1);
  gtk_widget_set_hexpand(scale, TRUE);
  gtk_widget_set_name(scale, name);
  return add_row(group, title, scale, scale);
}

static GtkWidget *spin_row(GtkWidget *group, const char *title, GtkAdjustment *adj, const char *name) {
  GtkWidget *spin = gtk_spin_button_new(adj, 0.1, 2);
  gtk_editable_set_width_chars(GTK_EDITABLE(spin), 7);
  gtk_widget_set_name(spin, name);
  return add_row(group, title, spin, spin);
}

static void steepest_descent_create_panel(ObLessonView *view) {
  Steepest *self = g_new0(Steepest, 1);
  self->view = view;
  self->slope = NAN;
  g_object_set_data_full(G_OBJECT(view), "ob-steepest-descent", self, steepest_free);

  ob_lesson_view_set_text(view, build_text());

  GtkWidget *visual = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *circle = ob_plot_view_new(build_circle, self, _("Unit circle of directions and the directional derivative"));
  self->circle_plot = OB_PLOT_VIEW(circle);
  gtk_widget_set_name(circle, "plot");
  ob_plot_view_set_natural_size(self->circle_plot, 860, 360);
  /* The lesson page scrolls, and a scrolled page gets its minimum height: ask for a readable one. */
  gtk_widget_set_size_request(circle, -1, 360);
  ob_plot_view_set_interactive_axes(self->circle_plot, 0);
  g_signal_connect(circle, "point-moved", G_CALLBACK(on_point_moved), self);
  GtkEventController *keys = gtk_event_controller_key_new();
  /* Capture phase: runs before the plot view's own arrow-key handling, which moves a free point. */
  gtk_event_controller_set_propagation_phase(keys, GTK_PHASE_CAPTURE);
  g_signal_connect(keys, "key-pressed", G_CALLBACK(on_key_pressed), self);
  gtk_widget_add_controller(circle, keys);
  GtkWidget *taylor = ob_plot_view_new(build_taylor, self, _("The loss along Δ against its first-order model"));
  self->taylor_plot = OB_PLOT_VIEW(taylor);
  gtk_widget_set_name(taylor, "taylor-plot");
  ob_plot_view_set_natural_size(self->taylor_plot, 860, 320);
  gtk_widget_set_size_request(taylor, -1, 320);
  gtk_box_append(GTK_BOX(visual), circle);
  gtk_box_append(GTK_BOX(visual), taylor);
  ob_lesson_view_set_visual(view, visual, _("Unit circle of directions, the directional derivative, and the "
                                            "first-order model along Δ"));

  GtkWidget *controls = ob_lesson_controls_row_new();
  GtkWidget *setup = adw_preferences_group_new();
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(setup), _("Gradient and direction"));
  adw_preferences_group_set_description(ADW_PREFERENCES_GROUP(setup),
                                        _("Drag anywhere on the circle plot to point Δ; with the plot focused the "
                                          "arrow keys turn it by 5° (Shift: 1°)."));
  gtk_widget_set_hexpand(setup, TRUE);
  gtk_widget_set_valign(setup, GTK_ALIGN_START);

  GtkStringList *names = gtk_string_list_new(NULL);
  for (guint i = 0; i < N_CHOICES; i++) gtk_string_list_append(names, _(choices[i].name));
  gtk_string_list_append(names, _("None: set g directly"));
  GtkWidget *dd = gtk_drop_down_new(G_LIST_MODEL(names), NULL);
  self->source = GTK_DROP_DOWN(dd);
  gtk_widget_set_name(dd, "loss-dropdown");
  add_row(setup, _("_Loss (g = ∇L(w))"), dd, dd);

  const double w0[2] = {1.0, 1.0};
  static const char *const w_names[2] = {"w-x", "w-y"}, *const g_names[2] = {"g-x", "g-y"};
  const char *w_titles[2] = {_("Point w, _first coordinate"), _("Point w, _second coordinate")};
  const char *g_titles[2] = {_("Gradient g, _first component"), _("Gradient g, _second component")};
  for (int i = 0; i < 2; i++) {
    self->w[i] = g_object_ref_sink(gtk_adjustment_new(w0[i], -3, 3, 0.1, 0.5, 0));
    self->w_rows[i] = spin_row(setup, w_titles[i], self->w[i], w_names[i]);
  }
  for (int i = 0; i < 2; i++) {
    self->g_direct[i] = g_object_ref_sink(gtk_adjustment_new(1.0, -5, 5, 0.1, 0.5, 0));
    self->g_rows[i] = spin_row(setup, g_titles[i], self->g_direct[i], g_names[i]);
  }
  self->angle = g_object_ref_sink(gtk_adjustment_new(150, 0, 360, 1, 15, 0));
  scale_row(setup, _("_Angle of Δ (degrees)"), self->angle, "angle-scale", 0);
  self->t_max = g_object_ref_sink(gtk_adjustment_new(1.0, 0.1, 3.0, 0.05, 0.5, 0));
  scale_row(setup, _("_Range <i>t</i><sub>max</sub> of the model"), self->t_max, "tmax-scale", 2);
  GtkWidget *button = gtk_button_new_with_mnemonic(_("Point Δ _Downhill"));
  gtk_widget_set_name(button, "point-downhill");
  gtk_widget_set_tooltip_text(button, _("Turn Δ to the steepest descent direction −g/‖g‖"));
  g_signal_connect(button, "clicked", G_CALLBACK(on_point_to_descent), self);
  add_row(setup, _("Steepest descent"), button, NULL);

  GtkWidget *results = adw_preferences_group_new();
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(results), _("Engine values"));
  gtk_widget_set_hexpand(results, TRUE);
  gtk_widget_set_valign(results, GTK_ALIGN_START);
  value_row(results, _("Gradient g"), &self->g_label);
  value_row(results, _("Direction Δ"), &self->delta_label);
  value_row(results, _("Directional derivative gᵀΔ"), &self->dir_label);
  GtkWidget *mrow = value_row(results, _("Smallest gᵀΔ over ‖Δ‖ = 1"), &self->min_label);
  adw_action_row_set_subtitle(ADW_ACTION_ROW(mrow), _("−‖g‖, at Δ = −g/‖g‖"));
  GtkWidget *srow = value_row(results, _("Log–log slope of the model error"), &self->slope_label);
  adw_action_row_set_subtitle(ADW_ACTION_ROW(srow), _("fitted for <i>t</i> from <i>t</i><sub>max</sub>/100 to <i>t</i><sub>max</sub>/10; 2 means error ∝ <i>t</i>²"));

  ob_lesson_controls_row_add(controls, setup);
  ob_lesson_controls_row_add(controls, results);
  ob_lesson_view_set_controls(view, controls);

  char *code = ob_lesson_load_text("steepest-descent", "example.py");
  ob_lesson_view_set_example(view, code);
  g_free(code);

  g_signal_connect(dd, "notify::selected", G_CALLBACK(on_source_changed), self);
  GtkAdjustment *adjs[] = {self->w[0], self->w[1], self->g_direct[0], self->g_direct[1], self->angle, self->t_max};
  for (guint i = 0; i < G_N_ELEMENTS(adjs); i++)
    g_signal_connect(adjs[i], "value-changed", G_CALLBACK(on_value_changed), self);
  on_source_changed(self->source, NULL, self);
  ob_lesson_view_bind_state(view, "source", dd, "selected");
  ob_lesson_view_bind_state(view, "w-x", self->w[0], "value");
  ob_lesson_view_bind_state(view, "w-y", self->w[1], "value");
  ob_lesson_view_bind_state(view, "g-x", self->g_direct[0], "value");
  ob_lesson_view_bind_state(view, "g-y", self->g_direct[1], "value");
  ob_lesson_view_bind_state(view, "angle", self->angle, "value");
  ob_lesson_view_bind_state(view, "t-max", self->t_max, "value");
}
