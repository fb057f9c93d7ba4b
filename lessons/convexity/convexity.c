/* convexity.c — lesson "convexity" (lecture §2.4): the definition of a convex loss through Jensen's
 * inequality for two points. The student picks a loss, two points w₁ and w₂ (dragged on the contour
 * plot, typed in, or moved with the arrow keys) and θ ∈ [0, 1]; the panel shows the segment, the
 * point w_θ = θw₁ + (1 − θ)w₂ (the lecture's convention: θ = 1 is w₁, θ = 0 is w₂), and the loss
 * along the segment against the chord θL(w₁) + (1 − θ)L(w₂), green where the inequality holds and
 * red, shaded, where it fails. "Find a violation" searches random pairs for a failing one.
 *
 * Every loss value is the engine's: the contour grid is one ob_loss_grid call, and the whole curve
 * along the segment (every sample and the current θ) is one ob_loss_forward over a (2, n) tensor of
 * points built by engine arithmetic.
 *
 * Reports (ob_lesson_view_report*, for the display tests):
 *   "loss"          the loss id (ob_loss_id)
 *   "w1", "w2"      the two points (2 doubles each)
 *   "theta"         θ
 *   "w_theta"       θw₁ + (1 − θ)w₂ (2 doubles)
 *   "l_theta"       L(w_θ)
 *   "chord"         θL(w₁) + (1 − θ)L(w₂)
 *   "jensen_holds"  "true" when L(w_θ) ≤ chord (within rounding), else "false"
 *   "max_violation" the largest L(w_θ) − chord over the sampled segment, 0 when it never fails
 *   "violation_found" after "Find a violation": "true" or "false"
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

static void convexity_create_panel(ObLessonView *view);

const ObLessonInfo ob_lesson_convexity = {
  .id = "convexity",
  .section = 2,
  .order = 3,
  .title = N_("Convexity"),
  /* Translators: search words for the Convexity lesson, separated by spaces */
  .keywords = N_("convex convexity jensen inequality chord segment nonconvex global minimum"),
  .create_panel = convexity_create_panel,
  .figure = NULL,
};

/* ---- the model ---- */

enum {
  GRID_N = 400,      /* contour grid: GRID_N × GRID_N engine samples, computed once per loss */
  CURVE_N = 201,     /* samples of θ along the segment */
  MAX_LEVELS = 14,
  SEARCH_PAIRS = 256, /* random pairs tried by "Find a violation" */
  SEARCH_N = 41,      /* θ samples per pair in that search */
};

typedef struct {
  ObLossKind kind;
  const char *name; /* N_() */
  double w1[2], w2[2]; /* a starting pair that shows what the loss is about */
} LossChoice;

static const LossChoice choices[] = {
  {OB_LOSS_HALF_NORM, N_("½‖w‖² (convex)"), {1.2, 1.0}, {-1.4, -0.6}},
  {OB_LOSS_ANISOTROPIC, N_("w[0]² + 0.2 w[1]² (convex)"), {2.0, 1.8}, {-1.8, -1.2}},
  {OB_LOSS_LOGISTIC, N_("Logistic regression (convex)"), {4.0, -3.0}, {-2.0, 3.0}},
  {OB_LOSS_HIMMELBLAU, N_("Himmelblau (nonconvex)"), {3.0, 2.0}, {-2.805118, 3.131312}},
  {OB_LOSS_DOUBLE_WELL, N_("Double well (nonconvex)"), {-1.0, 0.5}, {1.0, -0.5}},
  {OB_LOSS_ROSENBROCK, N_("Rosenbrock (nonconvex)"), {-1.0, 1.0}, {1.0, 1.0}},
  {OB_LOSS_SADDLE, N_("Saddle w[0]² − w[1]² (nonconvex)"), {0.5, -1.5}, {-0.5, 1.5}},
};
enum { N_CHOICES = G_N_ELEMENTS(choices) };

typedef struct {
  ObLessonView *view; /* not owned: the view owns this model */
  ObPlotView *plot;
  GtkDropDown *loss_dropdown;
  GtkAdjustment *coord[4]; /* w₁[0], w₁[1], w₂[0], w₂[1]: the points live in these (persisted) */
  GtkAdjustment *theta;
  GtkToggleButton *move_w1, *move_w2;
  GtkWidget *find_button;
  AdwActionRow *find_row;
  GtkLabel *w_theta_label, *l_theta_label, *chord_label, *gap_label, *verdict_label, *max_label;
  GtkImage *verdict_icon;
  AdwActionRow *verdict_row;

  ObLoss loss;
  double x0, x1, y0, y1; /* the contour window */
  double *grid;          /* GRID_N², L on the window (engine) */
  double levels[MAX_LEVELS];
  int n_levels;

  /* The curve along the segment (engine values): L(w_θ) at θ_i = i/(CURVE_N − 1). */
  double curve_theta[CURVE_N], curve[CURVE_N], chord[CURVE_N];
  double l1, l2;          /* L(w₁), L(w₂) */
  double l_theta, chord_theta, w_theta[2];
  double max_violation;
  gboolean holds, curve_ok;
  char *error;

  int active;         /* 0: the arrow keys move w₁, 1: w₂ */
  gboolean updating;  /* set while the panel itself writes the adjustments */
  guint searches;     /* how often "Find a violation" ran: each run draws new pairs */
} Convexity;

static void convexity_free(gpointer data) {
  Convexity *self = data;
  for (int i = 0; i < 4; i++) g_clear_object(&self->coord[i]);
  g_clear_object(&self->theta);
  g_free(self->grid);
  g_free(self->error);
  g_free(self);
}

static double point(Convexity *self, int which, int axis) {
  return gtk_adjustment_get_value(self->coord[2 * which + axis]);
}

/* Jensen's inequality counts as holding up to rounding: both sides come from float64 arithmetic. */
static double tolerance(const Convexity *self) {
  return 1e-9 * (1.0 + fabs(self->l1) + fabs(self->l2));
}

/* ---- engine computations ---- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Rounds to two significant digits, so contour labels read "12" and "0.35", not "12.3471". */
static double round_2sig(double v) {
  if (v == 0 || !isfinite(v)) return v;
  double e = floor(log10(fabs(v))) - 1;
  double s = pow(10, e);
  return round(v / s) * s;
}

/* Levels at quantiles of the grid values, denser towards the low end: every loss, from ½‖w‖² to
 * Rosenbrock's steep walls, gets lines where its interesting features are. */
static int quantile_levels(const double *z, int n, double *levels, int max) {
  double *sorted = g_new(double, n);
  int m = 0;
  for (int i = 0; i < n; i++)
    if (isfinite(z[i])) sorted[m++] = z[i];
  int count = 0;
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

/* L at each of the points θ_i w₁ + (1 − θ_i) w₂ (points laid out along the last axis of a
 * (2, ..., n) tensor): one engine computation. thetas has n_theta entries; pairs holds n_pairs
 * pairs (w₁[0], w₁[1], w₂[0], w₂[1]); out receives n_pairs × n_theta values (pair-major). */
static gboolean segment_losses(const ObLoss *loss, const double *pairs, int n_pairs, const double *thetas,
                               int n_theta, double *out, char **error) {
  gboolean ok = FALSE;
  bool prev = tn_set_grad_enabled(false);
  tn_scalar *a_vals = g_new(tn_scalar, 2 * n_pairs), *b_vals = g_new(tn_scalar, 2 * n_pairs);
  tn_scalar *t_vals = g_new(tn_scalar, n_theta);
  for (int p = 0; p < n_pairs; p++)
    for (int c = 0; c < 2; c++) {
      a_vals[c * n_pairs + p] = tn_scalar_float(pairs[4 * p + c]);
      b_vals[c * n_pairs + p] = tn_scalar_float(pairs[4 * p + 2 + c]);
    }
  for (int i = 0; i < n_theta; i++) t_vals[i] = tn_scalar_float(thetas[i]);
  int64_t pshape[3] = {2, n_pairs, 1}, tshape[1] = {n_theta};
  tn_tensor *a = tn_from_scalars(3, pshape, a_vals, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *b = tn_from_scalars(3, pshape, b_vals, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *t = tn_from_scalars(1, tshape, t_vals, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *one = tn_scalar_tensor(tn_scalar_float(1.0), TN_OPTS(TN_DTYPE_FLOAT64));
  /* θw₁ + (1 − θ)w₂, not w₂ + θ(w₁ − w₂): at θ = 1 and θ = 0 it is exactly w₁ and w₂. */
  tn_tensor *omt = one && t ? tn_sub(one, t) : NULL;
  tn_tensor *ta = a && t ? tn_mul(t, a) : NULL;
  tn_tensor *tb = b && omt ? tn_mul(omt, b) : NULL;
  tn_tensor *w = ta && tb ? tn_add(ta, tb) : NULL; /* (2, n_pairs, n_theta) */
  tn_tensor *l = w ? ob_loss_forward(loss, w) : NULL;
  tn_tensor *lc = l ? tn_contiguous(l) : NULL;
  if (lc && lc->numel == (int64_t)n_pairs * n_theta) {
    memcpy(out, tn_data_ptr(lc), sizeof(double) * (size_t)n_pairs * n_theta);
    ok = TRUE;
  } else if (error) {
    const char *msg = tn_error_message();
    *error = g_strdup(msg && *msg ? msg : "engine error");
  }
  tn_tensor *all[] = {a, b, t, one, omt, ta, tb, w, l, lc};
  for (guint i = 0; i < G_N_ELEMENTS(all); i++)
    if (all[i]) tn_release(all[i]);
  tn_set_grad_enabled(prev);
  g_free(a_vals);
  g_free(b_vals);
  g_free(t_vals);
  return ok;
}

static void compute_grid(Convexity *self) {
  ob_loss_default_view(self->loss.kind, &self->x0, &self->x1, &self->y0, &self->y1);
  if (!self->grid) self->grid = g_new(double, GRID_N * GRID_N);
  char *error = NULL;
  if (ob_loss_grid(&self->loss, self->x0, self->x1, self->y0, self->y1, GRID_N, GRID_N, self->grid, &error)) {
    self->n_levels = quantile_levels(self->grid, GRID_N * GRID_N, self->levels, MAX_LEVELS);
  } else {
    g_warning("convexity: %s", error);
    self->n_levels = 0;
  }
  free(error);
}

/* The curve along the segment and the values at the current θ, all in one engine call. */
static void compute_curve(Convexity *self) {
  double pair[4] = {point(self, 0, 0), point(self, 0, 1), point(self, 1, 0), point(self, 1, 1)};
  double theta = gtk_adjustment_get_value(self->theta);
  double thetas[CURVE_N + 1], values[CURVE_N + 1];
  for (int i = 0; i < CURVE_N; i++) thetas[i] = self->curve_theta[i] = (double)i / (CURVE_N - 1);
  thetas[CURVE_N] = theta;
  g_clear_pointer(&self->error, g_free);
  self->curve_ok = segment_losses(&self->loss, pair, 1, thetas, CURVE_N + 1, values, &self->error);
  if (!self->curve_ok) return;
  memcpy(self->curve, values, sizeof(double) * CURVE_N);
  self->l2 = values[0];           /* θ = 0: w₂ */
  self->l1 = values[CURVE_N - 1]; /* θ = 1: w₁ */
  double tol = tolerance(self);
  self->max_violation = 0;
  for (int i = 0; i < CURVE_N; i++) {
    double t = self->curve_theta[i];
    self->chord[i] = t * self->l1 + (1 - t) * self->l2;
    double gap = self->curve[i] - self->chord[i];
    if (gap > tol && gap > self->max_violation) self->max_violation = gap;
  }
  self->l_theta = values[CURVE_N];
  self->chord_theta = theta * self->l1 + (1 - theta) * self->l2;
  for (int c = 0; c < 2; c++) self->w_theta[c] = theta * pair[c] + (1 - theta) * pair[2 + c];
  double gap = self->l_theta - self->chord_theta;
  self->holds = gap <= tol;
  if (gap > tol && gap > self->max_violation) self->max_violation = gap;
}

/* ---- text helpers ---- */

/* A number for the readouts: 4 significant decimals, a real minus sign. */
static char *fmt(double v) {
  char *s = g_strdup_printf("%.4f", v);
  if (s[0] == '-') {
    char *t = g_strconcat("−", s + 1, NULL);
    g_free(s);
    s = t;
  }
  if (strcmp(s, "−0.0000") == 0) { /* −0.00001 reads as 0 */
    g_free(s);
    s = g_strdup("0.0000");
  }
  return s;
}

static char *fmt_point(const double w[2]) {
  char *a = fmt(w[0]), *b = fmt(w[1]);
  char *s = g_strdup_printf("(%s, %s)", a, b);
  g_free(a);
  g_free(b);
  return s;
}

/* ---- the figure ---- */

static void add_point(PlotAxes *ax, double x, double y, PlotRole role, double size, const char *markup,
                      gboolean ring) {
  PlotLineStyle st = plot_line_style(role, 0);
  st.marker = PLOT_MARKER_CIRCLE;
  st.marker_size_pt = size;
  st.marker_filled = TRUE;
  plot_axes_add_line(ax, &x, &y, 1, &st, NULL);
  if (ring) { /* the point the arrow keys move */
    PlotLineStyle r = plot_line_style(PLOT_ROLE_FOREGROUND, 0);
    r.marker = PLOT_MARKER_CIRCLE;
    r.marker_size_pt = size + 9;
    r.marker_filled = FALSE;
    plot_axes_add_line(ax, &x, &y, 1, &r, NULL);
  }
  if (markup) plot_axes_add_text(ax, x, y, markup, PLOT_ANCHOR_AUTO, plot_paint_role(PLOT_ROLE_FOREGROUND), 12);
}

/* Pieces of a polyline coloured by whether Jensen's inequality holds at each sample. */
static void add_split_line(PlotAxes *ax, const double *xs, const double *ys, const Convexity *self,
                           double width, gboolean with_labels) {
  double tol = tolerance(self);
  gboolean labelled[2] = {!with_labels, !with_labels};
  int start = 0;
  while (start < CURVE_N - 1) {
    gboolean fails = self->curve[start] - self->chord[start] > tol ||
                     self->curve[start + 1] - self->chord[start + 1] > tol;
    int end = start + 1;
    while (end < CURVE_N - 1) {
      gboolean f = self->curve[end] - self->chord[end] > tol || self->curve[end + 1] - self->chord[end + 1] > tol;
      if (f != fails) break;
      end++;
    }
    PlotLineStyle st = plot_line_style(fails ? PLOT_ROLE_ACCENT2 : PLOT_ROLE_ACCENT3, width);
    const char *label = NULL;
    if (!labelled[fails]) {
      label = fails ? _("<i>L</i>(<i>w</i><sub>θ</sub>) above the chord")
                    : _("<i>L</i>(<i>w</i><sub>θ</sub>) on or below the chord");
      labelled[fails] = TRUE;
    }
    plot_axes_add_line(ax, xs + start, ys + start, end - start + 1, &st, label);
    start = end;
  }
}

static PlotFigure *build_figure(gpointer data, double width, double height) {
  Convexity *self = data;
  PlotFigure *fig = plot_figure_new(width, height);
  /* Left: the plane with the contours and the segment; right: the loss along it. */
  PlotAxes *ax = plot_figure_add_axes(fig, 0, 0, 0.48, 1);
  plot_axes_set_xlim(ax, self->x0, self->x1);
  plot_axes_set_ylim(ax, self->y0, self->y1);
  plot_axes_set_equal_aspect(ax, true);
  plot_axes_set_title(ax, _("Contours of <i>L</i> and the segment"));
  plot_axes_set_xlabel(ax, "<i>w</i>[0]");
  plot_axes_set_ylabel(ax, "<i>w</i>[1]");
  if (self->n_levels > 0) {
    PlotLineStyle cs = plot_line_style(PLOT_ROLE_MUTED, 0.8);
    plot_axes_add_contour(ax, self->grid, GRID_N, GRID_N, self->x0, self->x1, self->y0, self->y1, self->levels,
                          self->n_levels, &cs, true);
  }
  /* The segment and its points move with the drag: drawn over a cached picture of the contours. */
  plot_axes_begin_overlay(ax);
  double p[2][2] = {{point(self, 0, 0), point(self, 0, 1)}, {point(self, 1, 0), point(self, 1, 1)}};
  if (self->curve_ok) {
    double xs[CURVE_N], ys[CURVE_N];
    for (int i = 0; i < CURVE_N; i++) {
      double t = self->curve_theta[i];
      xs[i] = t * p[0][0] + (1 - t) * p[1][0];
      ys[i] = t * p[0][1] + (1 - t) * p[1][1];
    }
    add_split_line(ax, xs, ys, self, 2.5, FALSE);
  }
  add_point(ax, p[0][0], p[0][1], PLOT_ROLE_ACCENT1, 8, "<i>w</i>₁", self->active == 0);
  add_point(ax, p[1][0], p[1][1], PLOT_ROLE_ACCENT1, 8, "<i>w</i>₂", self->active == 1);
  if (self->curve_ok)
    add_point(ax, self->w_theta[0], self->w_theta[1], PLOT_ROLE_ACCENT4, 7, "<i>w</i><sub>θ</sub>", FALSE);

  PlotAxes *bx = plot_figure_add_axes(fig, 0.5, 0, 0.5, 1);
  plot_axes_set_overlay(bx, true); /* all of it follows the segment */
  plot_axes_set_title(bx, _("<i>L</i> along the segment"));
  /* Translators: the horizontal axis of the loss along the segment; keep θ, w₁ and w₂ */
  plot_axes_set_xlabel(bx, _("θ   (0: <i>w</i>₂,  1: <i>w</i>₁)"));
  plot_axes_set_xlim(bx, 0, 1);
  plot_axes_set_grid(bx, true);
  if (self->curve_ok) {
    double tol = tolerance(self);
    /* Shade every run of samples where the curve is above the chord. */
    PlotPaint shade = plot_paint_rgba(0.835, 0.369, 0.0, 0.28);
    gboolean shade_labelled = FALSE;
    for (int i = 0; i < CURVE_N;) {
      if (!(self->curve[i] - self->chord[i] > tol)) {
        i++;
        continue;
      }
      int j = i;
      while (j + 1 < CURVE_N && self->curve[j + 1] - self->chord[j + 1] > tol) j++;
      int lo = MAX(i - 1, 0), hi = MIN(j + 1, CURVE_N - 1), n = hi - lo + 1;
      double *px = g_new(double, 2 * n), *py = g_new(double, 2 * n);
      for (int k = 0; k < n; k++) {
        px[k] = self->curve_theta[lo + k];
        py[k] = self->curve[lo + k];
        px[2 * n - 1 - k] = self->curve_theta[lo + k];
        py[2 * n - 1 - k] = self->chord[lo + k];
      }
      plot_axes_add_polygon(bx, px, py, 2 * n, shade, NULL, shade_labelled ? NULL : _("Jensen's inequality fails"));
      shade_labelled = TRUE;
      g_free(px);
      g_free(py);
      i = j + 1;
    }
    PlotLineStyle chord = plot_line_style(PLOT_ROLE_FOREGROUND, 1.5);
    chord.dash[0] = 6;
    chord.dash[1] = 4;
    chord.n_dash = 2;
    plot_axes_add_line(bx, self->curve_theta, self->chord, CURVE_N, &chord,
                       _("chord θ<i>L</i>(<i>w</i>₁) + (1 − θ)<i>L</i>(<i>w</i>₂)"));
    add_split_line(bx, self->curve_theta, self->curve, self, 2.2, TRUE);
    /* The current θ: the gap between the curve and the chord. */
    double theta = gtk_adjustment_get_value(self->theta);
    double gx[2] = {theta, theta}, gy[2] = {self->l_theta, self->chord_theta};
    PlotLineStyle gs = plot_line_style(PLOT_ROLE_ACCENT4, 1.5);
    plot_axes_add_line(bx, gx, gy, 2, &gs, NULL);
    add_point(bx, theta, self->l_theta, PLOT_ROLE_ACCENT4, 7, NULL, FALSE);
    PlotLineStyle cm = plot_line_style(PLOT_ROLE_FOREGROUND, 0);
    cm.marker = PLOT_MARKER_SQUARE;
    cm.marker_size_pt = 6;
    cm.marker_filled = TRUE;
    plot_axes_add_line(bx, &gx[1], &gy[1], 1, &cm, NULL);
    plot_axes_autoscale(bx);
    plot_axes_set_legend(bx, true);
  }
  return fig;
}

/* ---- the panel's state → labels, reports, description ---- */

static void update_readouts(Convexity *self) {
  ObLessonView *view = self->view;
  double w1[2] = {point(self, 0, 0), point(self, 0, 1)}, w2[2] = {point(self, 1, 0), point(self, 1, 1)};
  double theta = gtk_adjustment_get_value(self->theta);
  ob_lesson_view_report(view, "loss", ob_loss_id(self->loss.kind));
  ob_lesson_view_report_doubles(view, "w1", w1, 2);
  ob_lesson_view_report_doubles(view, "w2", w2, 2);
  ob_lesson_view_report_doubles(view, "theta", &theta, 1);
  if (!self->curve_ok) {
    char *msg = g_strdup_printf(_("The engine could not evaluate the loss: %s"), self->error ? self->error : "");
    gtk_label_set_text(self->verdict_label, msg);
    g_free(msg);
    ob_lesson_view_report(view, "jensen_holds", NULL);
    return;
  }
  ob_lesson_view_report_doubles(view, "w_theta", self->w_theta, 2);
  ob_lesson_view_report_doubles(view, "l_theta", &self->l_theta, 1);
  ob_lesson_view_report_doubles(view, "chord", &self->chord_theta, 1);
  ob_lesson_view_report(view, "jensen_holds", self->holds ? "true" : "false");
  ob_lesson_view_report_doubles(view, "max_violation", &self->max_violation, 1);

  char *wt = fmt_point(self->w_theta), *lt = fmt(self->l_theta), *ch = fmt(self->chord_theta);
  char *gap = fmt(self->chord_theta - self->l_theta), *mv = fmt(self->max_violation);
  gtk_label_set_text(self->w_theta_label, wt);
  gtk_label_set_text(self->l_theta_label, lt);
  gtk_label_set_text(self->chord_label, ch);
  gtk_label_set_text(self->gap_label, gap);
  gtk_label_set_text(self->max_label, mv);
  gtk_label_set_text(self->verdict_label, self->holds ? _("Holds here") : _("Fails here"));
  char *verdict = self->holds
    /* Translators: %s are numbers: L(w_θ) and the chord */
    ? g_strdup_printf(_("L(w_θ) = %s ≤ chord = %s"), lt, ch)
    /* Translators: %s are numbers: L(w_θ) and the chord */
    : g_strdup_printf(_("L(w_θ) = %s > chord = %s"), lt, ch);
  adw_action_row_set_subtitle(self->verdict_row, verdict);
  gtk_image_set_from_icon_name(self->verdict_icon, self->holds ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  GtkWidget *vl = GTK_WIDGET(self->verdict_label), *vi = GTK_WIDGET(self->verdict_icon);
  gtk_widget_remove_css_class(vl, self->holds ? "error" : "success");
  gtk_widget_add_css_class(vl, self->holds ? "success" : "error");
  gtk_widget_remove_css_class(vi, self->holds ? "error" : "success");
  gtk_widget_add_css_class(vi, self->holds ? "success" : "error");

  char *p1 = fmt_point(w1), *p2 = fmt_point(w2), *th = fmt(theta);
  char *desc = self->max_violation > 0
    /* Translators: accessible description of the convexity plots; the %s are the loss, points and numbers */
    ? g_strdup_printf(_("Left: contours of %s with the segment from w₂ = %s to w₁ = %s and the point w_θ = %s "
                        "at θ = %s. Right: the loss along the segment against the chord; here L(w_θ) = %s and "
                        "the chord is %s. Jensen's inequality %s at this θ and fails somewhere on the "
                        "segment, by up to %s."),
                      _(choices[gtk_drop_down_get_selected(self->loss_dropdown)].name), p2, p1, wt, th, lt, ch,
                      self->holds ? _("holds") : _("fails"), mv)
    /* Translators: accessible description of the convexity plots; the %s are the loss, points and numbers */
    : g_strdup_printf(_("Left: contours of %s with the segment from w₂ = %s to w₁ = %s and the point w_θ = %s "
                        "at θ = %s. Right: the loss along the segment against the chord; here L(w_θ) = %s and "
                        "the chord is %s. Jensen's inequality holds along the whole segment."),
                      _(choices[gtk_drop_down_get_selected(self->loss_dropdown)].name), p2, p1, wt, th, lt, ch);
  gtk_accessible_update_property(GTK_ACCESSIBLE(self->plot), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc, -1);
  g_free(desc);
  g_free(p1);
  g_free(p2);
  g_free(th);
  g_free(verdict);
  g_free(wt);
  g_free(lt);
  g_free(ch);
  g_free(gap);
  g_free(mv);
}

static void update(Convexity *self) {
  compute_curve(self);
  update_readouts(self);
  ob_plot_view_set_point(self->plot, point(self, self->active, 0), point(self, self->active, 1));
  ob_plot_view_queue_rebuild(self->plot);
}

static void set_points(Convexity *self, const double w1[2], const double w2[2]) {
  self->updating = TRUE;
  gtk_adjustment_set_value(self->coord[0], w1[0]);
  gtk_adjustment_set_value(self->coord[1], w1[1]);
  gtk_adjustment_set_value(self->coord[2], w2[0]);
  gtk_adjustment_set_value(self->coord[3], w2[1]);
  self->updating = FALSE;
}

/* ---- handlers ---- */

/* The search row's subtitle: what the last search found, or what the button does. */
static void set_status(Convexity *self, const char *text) {
  adw_action_row_set_subtitle(self->find_row, text && *text ? text
                                              : _("search random pairs for one that breaks the inequality"));
}

static void on_loss_changed(GtkDropDown *dropdown, GParamSpec *pspec, Convexity *self) {
  (void)pspec;
  guint i = gtk_drop_down_get_selected(dropdown);
  if (i >= N_CHOICES) return;
  self->loss = (ObLoss){.kind = choices[i].kind, .param = 1};
  compute_grid(self);
  set_points(self, choices[i].w1, choices[i].w2);
  gboolean convex = ob_loss_is_convex(self->loss.kind);
  gtk_widget_set_sensitive(self->find_button, !convex);
  gtk_widget_set_tooltip_text(self->find_button,
                              convex ? _("This loss is convex: no pair of points violates Jensen's inequality")
                                     : _("Try random pairs of points and show the one where the loss rises "
                                         "furthest above its chord"));
  set_status(self, "");
  ob_lesson_view_report(self->view, "violation_found", NULL);
  update(self);
}

static void on_value_changed(GtkAdjustment *adj, Convexity *self) {
  (void)adj;
  if (!self->updating) update(self);
}

static void set_active(Convexity *self, int which) {
  self->active = which;
  gtk_toggle_button_set_active(which == 0 ? self->move_w1 : self->move_w2, TRUE);
  ob_plot_view_set_point(self->plot, point(self, which, 0), point(self, which, 1));
  ob_plot_view_queue_rebuild(self->plot);
}

static void on_move_toggled(GtkToggleButton *button, Convexity *self) {
  if (!gtk_toggle_button_get_active(button)) return;
  set_active(self, button == self->move_w1 ? 0 : 1);
}

static void on_point_moved(ObPlotView *plot, double x, double y, guint phase, Convexity *self) {
  (void)plot;
  if (phase == OB_PLOT_PRESS) {
    /* A press picks up the nearer point (distances relative to the window, so both axes count alike). */
    double sx = self->x1 - self->x0, sy = self->y1 - self->y0, d[2];
    for (int k = 0; k < 2; k++) d[k] = hypot((x - point(self, k, 0)) / sx, (y - point(self, k, 1)) / sy);
    int which = d[1] < d[0] ? 1 : 0;
    if (which != self->active) set_active(self, which);
  }
  self->updating = TRUE;
  gtk_adjustment_set_value(self->coord[2 * self->active], x);
  gtk_adjustment_set_value(self->coord[2 * self->active + 1], y);
  self->updating = FALSE;
  update(self);
}

/* Draws SEARCH_PAIRS random pairs in the window with the engine's generator (seeded, and the
 * student's random stream restored afterwards), evaluates the loss along every segment in one
 * engine computation, and moves w₁, w₂ and θ to where L rises furthest above the chord (relative
 * to the size of the values, so one steep corner of Rosenbrock does not always win). */
static void on_find_violation(GtkButton *button, Convexity *self) {
  (void)button;
  tn_rng_state *saved = tn_get_rng_state();
  tn_manual_seed(20240 + self->searches++);
  int64_t shape[2] = {SEARCH_PAIRS, 4};
  tn_tensor *u = tn_rand(2, shape, TN_OPTS(TN_DTYPE_FLOAT64));
  if (saved) {
    tn_set_rng_state(saved);
    tn_rng_state_free(saved);
  }
  if (!u) return;
  double *pairs = g_new(double, 4 * SEARCH_PAIRS);
  for (int p = 0; p < SEARCH_PAIRS; p++)
    for (int c = 0; c < 4; c++) {
      double r = tn_scalar_to_double(tn_get_flat(u, 4 * p + c));
      pairs[4 * p + c] = c % 2 == 0 ? self->x0 + r * (self->x1 - self->x0) : self->y0 + r * (self->y1 - self->y0);
    }
  tn_release(u);
  double thetas[SEARCH_N];
  for (int i = 0; i < SEARCH_N; i++) thetas[i] = (double)i / (SEARCH_N - 1);
  double *values = g_new(double, (size_t)SEARCH_PAIRS * SEARCH_N);
  char *error = NULL;
  int best = -1, best_i = 0;
  double best_score = 0;
  if (segment_losses(&self->loss, pairs, SEARCH_PAIRS, thetas, SEARCH_N, values, &error)) {
    for (int p = 0; p < SEARCH_PAIRS; p++) {
      const double *v = values + (size_t)p * SEARCH_N;
      double l2 = v[0], l1 = v[SEARCH_N - 1], scale = 1 + fabs(l1) + fabs(l2);
      for (int i = 1; i < SEARCH_N - 1; i++) {
        double gap = v[i] - (thetas[i] * l1 + (1 - thetas[i]) * l2);
        if (gap > 1e-6 * scale && gap / scale > best_score) {
          best_score = gap / scale;
          best = p;
          best_i = i;
        }
      }
    }
  }
  if (best >= 0) {
    set_points(self, pairs + 4 * best, pairs + 4 * best + 2);
    self->updating = TRUE;
    gtk_adjustment_set_value(self->theta, thetas[best_i]);
    self->updating = FALSE;
    update(self);
    set_status(self, _("Found a pair where the loss rises above its chord."));
  } else {
    set_status(self, error ? error : _("No violation among these pairs: try again."));
  }
  ob_lesson_view_report(self->view, "violation_found", best >= 0 ? "true" : "false");
  g_free(error);
  g_free(pairs);
  g_free(values);
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

static GtkWidget *build_text(void) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 10);
  /* Translators: Convexity lesson, the definition; keep the formula's symbols */
  gtk_box_append(GTK_BOX(box), text_label(_("In one dimension a glance at the graph tells whether a function "
                                            "curves upwards. In many dimensions there is no graph to look at, so "
                                            "convexity is defined by an inequality instead: <i>L</i> is "
                                            "<b>convex</b> when for every two points <i>w</i>₁, <i>w</i>₂ and "
                                            "every θ between 0 and 1"), NULL));
  GtkWidget *formula = text_label("<i>L</i>(θ<i>w</i>₁ + (1 − θ)<i>w</i>₂)  ≤  θ<i>L</i>(<i>w</i>₁) + (1 − "
                                  "θ)<i>L</i>(<i>w</i>₂).", "title-4");
  gtk_label_set_xalign(GTK_LABEL(formula), 0.5);
  gtk_box_append(GTK_BOX(box), formula);
  /* Translators: Convexity lesson, reading the inequality (Jensen's inequality) */
  gtk_box_append(GTK_BOX(box), text_label(_("This is Jensen's inequality for two points. Walk along the segment "
                                            "from <i>w</i>₂ (θ = 0) to <i>w</i>₁ (θ = 1): the loss may never rise "
                                            "above the straight chord between its two end values. One pair and one "
                                            "θ where it does is enough to show that <i>L</i> is not convex."), NULL));
  /* Translators: Convexity lesson, why convexity matters */
  gtk_box_append(GTK_BOX(box), text_label(_("<b>Why it matters.</b> For a convex loss every local minimizer is a "
                                            "global one, and for a differentiable convex loss every point with "
                                            "∇<i>L</i>(<i>w</i>) = 0 is a global minimizer: a small gradient norm "
                                            "then really means “nearly solved”. Without convexity a small gradient "
                                            "may sit on a saddle or in a poor valley."), NULL));
  return box;
}

static GtkWidget *row_with(GtkWidget *group, const char *title, GtkWidget *suffix, GtkWidget *activatable) {
  GtkWidget *row = adw_action_row_new();
  adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
  adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(row), TRUE);
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
  GtkWidget *row = row_with(group, title, l, NULL);
  adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(row), FALSE);
  return row;
}

static GtkWidget *point_row(Convexity *self, GtkWidget *group, const char *title, int which) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *first = NULL;
  for (int c = 0; c < 2; c++) {
    GtkAdjustment *adj = gtk_adjustment_new(0, -100, 100, 0.05, 0.5, 0);
    self->coord[2 * which + c] = g_object_ref_sink(adj);
    GtkWidget *spin = gtk_spin_button_new(adj, 0.05, 3);
    gtk_editable_set_width_chars(GTK_EDITABLE(spin), 7);
    char *name = g_strdup_printf("w%d-%d", which + 1, c);
    gtk_widget_set_name(spin, name);
    g_free(name);
    char *acc = c == 0 ? g_strdup_printf(_("First coordinate of w%s"), which == 0 ? "₁" : "₂")
                       : g_strdup_printf(_("Second coordinate of w%s"), which == 0 ? "₁" : "₂");
    gtk_accessible_update_property(GTK_ACCESSIBLE(spin), GTK_ACCESSIBLE_PROPERTY_LABEL, acc, -1);
    g_free(acc);
    gtk_box_append(GTK_BOX(box), spin);
    if (!first) first = spin;
    g_signal_connect(adj, "value-changed", G_CALLBACK(on_value_changed), self);
  }
  return row_with(group, title, box, first);
}

static void convexity_create_panel(ObLessonView *view) {
  Convexity *self = g_new0(Convexity, 1);
  self->view = view;
  g_object_set_data_full(G_OBJECT(view), "ob-convexity", self, convexity_free);

  ob_lesson_view_set_text(view, build_text());

  GtkWidget *plot = ob_plot_view_new(build_figure, self, _("Contours of the loss and the loss along a segment"));
  self->plot = OB_PLOT_VIEW(plot);
  gtk_widget_set_name(plot, "plot");
  ob_plot_view_set_natural_size(self->plot, 860, 420);
  /* The page scrolls vertically, so its children get their minimum height: ask for a real one. */
  gtk_widget_set_size_request(plot, -1, 420);
  ob_plot_view_set_interactive_axes(self->plot, 0);
  g_signal_connect(plot, "point-moved", G_CALLBACK(on_point_moved), self);
  ob_lesson_view_set_visual(view, plot, _("Contours of the loss and the loss along a segment"));

  /* Controls (left) and what they give (right). */
  GtkWidget *controls = ob_lesson_controls_row_new(); /* one above the other in a narrow window */
  GtkWidget *setup = adw_preferences_group_new();
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(setup), _("Loss and points"));
  adw_preferences_group_set_description(ADW_PREFERENCES_GROUP(setup),
                                        _("Drag w₁ or w₂ on the contour plot, or type their coordinates."));
  gtk_widget_set_hexpand(setup, TRUE);
  gtk_widget_set_valign(setup, GTK_ALIGN_START);

  GtkStringList *names = gtk_string_list_new(NULL);
  for (guint i = 0; i < N_CHOICES; i++) gtk_string_list_append(names, _(choices[i].name));
  GtkWidget *dd = gtk_drop_down_new(G_LIST_MODEL(names), NULL);
  self->loss_dropdown = GTK_DROP_DOWN(dd);
  gtk_widget_set_name(dd, "loss-dropdown");
  row_with(setup, _("_Loss"), dd, dd);

  point_row(self, setup, _("_First point w₁"), 0);
  point_row(self, setup, _("_Second point w₂"), 1);

  self->theta = g_object_ref_sink(gtk_adjustment_new(0.5, 0, 1, 0.01, 0.1, 0));
  GtkWidget *scale = gtk_scale_new(GTK_ORIENTATION_HORIZONTAL, self->theta);
  gtk_scale_set_digits(GTK_SCALE(scale), 2);
  gtk_scale_set_draw_value(GTK_SCALE(scale), TRUE);
  gtk_scale_set_value_pos(GTK_SCALE(scale), GTK_POS_RIGHT);
  gtk_widget_set_size_request(scale, 180, -1);
  gtk_widget_set_hexpand(scale, TRUE);
  gtk_widget_set_name(scale, "theta-scale");
  row_with(setup, _("_Position θ"), scale, scale);
  g_signal_connect(self->theta, "value-changed", G_CALLBACK(on_value_changed), self);

  GtkWidget *toggles = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class(toggles, "linked");
  GtkWidget *t1 = gtk_toggle_button_new_with_label("w₁"), *t2 = gtk_toggle_button_new_with_label("w₂");
  gtk_toggle_button_set_group(GTK_TOGGLE_BUTTON(t2), GTK_TOGGLE_BUTTON(t1));
  gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(t1), TRUE);
  gtk_widget_set_name(t1, "move-w1");
  gtk_widget_set_name(t2, "move-w2");
  self->move_w1 = GTK_TOGGLE_BUTTON(t1);
  self->move_w2 = GTK_TOGGLE_BUTTON(t2);
  gtk_box_append(GTK_BOX(toggles), t1);
  gtk_box_append(GTK_BOX(toggles), t2);
  g_signal_connect(t1, "toggled", G_CALLBACK(on_move_toggled), self);
  g_signal_connect(t2, "toggled", G_CALLBACK(on_move_toggled), self);
  GtkWidget *krow = row_with(setup, _("Arrow _keys move"), toggles, t1);
  adw_action_row_set_subtitle(ADW_ACTION_ROW(krow), _("when the plot has the focus"));

  GtkWidget *find = gtk_button_new_with_mnemonic(_("Find a _Violation"));
  gtk_widget_set_name(find, "find-violation");
  self->find_button = find;
  g_signal_connect(find, "clicked", G_CALLBACK(on_find_violation), self);
  GtkWidget *frow = row_with(setup, _("Nonconvex losses"), find, NULL);
  adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(frow), FALSE);
  adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(frow), FALSE); /* the subtitle may hold an engine message */
  self->find_row = ADW_ACTION_ROW(frow);
  set_status(self, NULL);

  GtkWidget *results = adw_preferences_group_new();
  /* Translators: heading of the readouts at the current θ */
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(results), _("At θ"));
  gtk_widget_set_hexpand(results, TRUE);
  gtk_widget_set_valign(results, GTK_ALIGN_START);
  value_row(results, "<i>w</i><sub>θ</sub> = θ<i>w</i>₁ + (1 − θ)<i>w</i>₂", &self->w_theta_label);
  value_row(results, "<i>L</i>(<i>w</i><sub>θ</sub>)", &self->l_theta_label);
  value_row(results, _("chord θ<i>L</i>(<i>w</i>₁) + (1 − θ)<i>L</i>(<i>w</i>₂)"), &self->chord_label);
  value_row(results, _("chord − <i>L</i>(<i>w</i><sub>θ</sub>)"), &self->gap_label);
  GtkWidget *vbox = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  self->verdict_icon = GTK_IMAGE(gtk_image_new_from_icon_name("emblem-ok-symbolic"));
  GtkWidget *vl = gtk_label_new("");
  gtk_widget_add_css_class(vl, "heading");
  gtk_widget_set_name(vl, "verdict");
  self->verdict_label = GTK_LABEL(vl);
  gtk_box_append(GTK_BOX(vbox), GTK_WIDGET(self->verdict_icon));
  gtk_box_append(GTK_BOX(vbox), vl);
  GtkWidget *vrow = row_with(results, _("Jensen's inequality"), vbox, NULL);
  self->verdict_row = ADW_ACTION_ROW(vrow);
  adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(vrow), FALSE); /* its subtitle holds "<" or ">" */
  adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(vrow), FALSE);
  GtkWidget *mrow = value_row(results, _("Largest violation on the segment"), &self->max_label);
  adw_action_row_set_subtitle(ADW_ACTION_ROW(mrow), _("max of L(w_θ) − chord over θ; 0 when it never fails"));

  ob_lesson_controls_row_add(controls, setup);
  ob_lesson_controls_row_add(controls, results);
  ob_lesson_view_set_controls(view, controls);

  char *code = ob_lesson_load_text("convexity", "example.py");
  ob_lesson_view_set_example(view, code);
  g_free(code);

  /* The first loss, then what was saved: the loss first, since choosing one resets the points. */
  g_signal_connect(dd, "notify::selected", G_CALLBACK(on_loss_changed), self);
  on_loss_changed(self->loss_dropdown, NULL, self);
  ob_lesson_view_bind_state(view, "loss", dd, "selected");
  static const char *const keys[4] = {"w1-0", "w1-1", "w2-0", "w2-1"};
  for (int i = 0; i < 4; i++) ob_lesson_view_bind_state(view, keys[i], self->coord[i], "value");
  ob_lesson_view_bind_state(view, "theta", self->theta, "value");
}
