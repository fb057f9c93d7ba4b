/* loss-landscapes.c — lesson "loss-landscapes" (lecture §2.1–2.2, "Optimization problems" and
 * "Gradients replace derivatives"): the contours of a 2-D loss, a point the student drags (or moves
 * with the arrow keys), and the gradient there as an arrow, with its components and norm from the
 * engine's autodiff beside an independent central finite-difference check.
 *
 * Reports (ob_lesson_view_report*, for the display tests):
 *   "loss"      the loss id (ob_loss_id: "half-norm", "conditioned", ...)
 *   "kappa"     κ of the conditioned quadratic (the slider's value, 10^position)
 *   "w"         the point (2 doubles)
 *   "value"     L(w)
 *   "grad"      ∇L(w) by autodiff (2)
 *   "grad_norm" ‖∇L(w)‖
 *   "fd_grad"   the central finite-difference gradient, h = 1e-6 (2)
 *   "fd_diff"   max |∇L(w)ᵢ − fdᵢ|
 *
 * The κ slider's position is log10 κ (0..3). The contour grid, its levels and the arrow's scale are
 * cached per loss and κ: moving the point only re-evaluates L at the point. */
#include "optbench-config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "losses.h"
#include "ob-lesson.h"
#include "ob-lesson-view.h"
#include "ob-plot-view.h"

static void landscapes_create_panel(ObLessonView *view);

const ObLessonInfo ob_lesson_loss_landscapes = {
  .id = "loss-landscapes",
  .section = 2,
  .order = 1,
  .title = N_("Loss Landscapes and Gradients"),
  /* Translators: search words for the Loss Landscapes lesson, separated by spaces */
  .keywords = N_("gradient partial derivative contour level set loss landscape rosenbrock saddle "
                 "logistic condition number finite difference stationary"),
  .create_panel = landscapes_create_panel,
};

/* The losses of the dropdown, in its order. */
static const ObLossKind loss_kinds[] = {
  OB_LOSS_HALF_NORM, OB_LOSS_ANISOTROPIC, OB_LOSS_CONDITIONED,
  OB_LOSS_ROSENBROCK, OB_LOSS_SADDLE, OB_LOSS_LOGISTIC,
};
#define N_LOSSES G_N_ELEMENTS(loss_kinds)

#define GRID_N 301      /* contour grid points per side */
#define MAX_LEVELS 12
#define FD_STEP 1e-6

typedef struct {
  ObLessonView *view; /* not owned: the view owns this model */
  ObPlotView *plot;
  GtkDropDown *loss_dropdown;
  GtkWidget *kappa_label, *kappa_scale;
  GtkAdjustment *kappa_adj; /* log10 κ */
  GtkAdjustment *w_adj[2];  /* the point, kept as adjustments so it persists */
  GtkLabel *w_label, *value_label, *grad_label, *norm_label, *fd_label, *diff_label;

  ObLoss loss;
  double w[2];
  gboolean updating_w; /* set while the model writes w_adj itself */
  gboolean ok;
  double value, grad[2], grad_norm, fd[2], fd_diff;

  /* Cached per loss and κ */
  gboolean grid_valid;
  ObLoss grid_loss;
  double x0, x1, y0, y1;
  double *z;
  double levels[MAX_LEVELS];
  int n_levels;
  double arrow_scale; /* drawn arrow = arrow_scale · ∇L(w) */
} Landscape;

static void landscape_free(gpointer data) {
  Landscape *m = data;
  g_free(m->z);
  g_clear_object(&m->w_adj[0]);
  g_clear_object(&m->w_adj[1]);
  g_free(m);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* v rounded to two significant digits, so that level labels read "0.52", not "0.5183". Levels of
 * 10 and more become integers whose last digit is not 0: the plot labels a level with its shortest
 * exact %g, which writes 360 as "3.6e+02" but 361 as "361". */
static double round_2sig(double v) {
  if (v == 0 || !isfinite(v)) return v;
  if (fabs(v) >= 10) {
    double r = round(v);
    return fmod(r, 10) == 0 ? r + 1 : r;
  }
  double p = pow(10, floor(log10(fabs(v))) - 1);
  return round(v / p) * p;
}

/* The 1-2-5 number nearest to v (v > 0) on a log scale. */
static double nice_round(double v) {
  double p = pow(10, floor(log10(v)));
  double m = v / p;
  return (m >= sqrt(50) ? 10 : m >= sqrt(10) ? 5 : m >= sqrt(2) ? 2 : 1) * p;
}

/* Contour levels at quantiles of the grid's values, so that a loss whose values span decades
 * (Rosenbrock) shows as many lines in its valley as a round bowl does everywhere. */
static void compute_levels(Landscape *m) {
  size_t n = (size_t)GRID_N * GRID_N;
  double *s = g_new(double, n);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(m->z[i])) s[k++] = m->z[i];
  m->n_levels = 0;
  if (k > 1) {
    qsort(s, k, sizeof *s, cmp_double);
    double lo = s[0], hi = s[k - 1];
    const int want = 10;
    for (int i = 0; i < want; i++) {
      double q = (i + 0.5) / want;
      /* Squaring the quantile puts more lines near the minimum, where the point usually goes. */
      double v = round_2sig(s[(size_t)(q * q * (double)(k - 1))]);
      if (!(v > lo && v < hi)) continue;
      if (m->n_levels > 0 && !(v > m->levels[m->n_levels - 1])) continue;
      m->levels[m->n_levels++] = v;
    }
  }
  g_free(s);
}

/* The arrow's scale: the median gradient norm over a coarse grid of the view is drawn as about 22% of the
 * view's width, rounded to a 1-2-5 factor the legend can name. */
static void compute_arrow_scale(Landscape *m) {
  enum { K = 7 };
  double norms[K * K];
  int n = 0;
  for (int j = 0; j < K; j++)
    for (int i = 0; i < K; i++) {
      double w[2] = {m->x0 + (i + 0.5) * (m->x1 - m->x0) / K, m->y0 + (j + 0.5) * (m->y1 - m->y0) / K};
      double g[2];
      char *err = NULL;
      if (ob_loss_eval(&m->loss, w, NULL, g, NULL, &err)) norms[n++] = hypot(g[0], g[1]);
      free(err);
    }
  double median = 0;
  if (n > 0) {
    qsort(norms, (size_t)n, sizeof *norms, cmp_double);
    median = norms[n / 2];
  }
  double target = 0.22 * (m->x1 - m->x0);
  m->arrow_scale = median > 0 && isfinite(median) ? nice_round(target / median) : 1.0;
}

static void ensure_grid(Landscape *m) {
  if (m->grid_valid && m->grid_loss.kind == m->loss.kind && m->grid_loss.param == m->loss.param) return;
  ob_loss_default_view(m->loss.kind, &m->x0, &m->x1, &m->y0, &m->y1);
  if (!m->z) m->z = g_new(double, (size_t)GRID_N * GRID_N);
  char *err = NULL;
  if (!ob_loss_grid(&m->loss, m->x0, m->x1, m->y0, m->y1, GRID_N, GRID_N, m->z, &err)) {
    g_warning("loss-landscapes: %s", err ? err : "grid failed");
    for (size_t i = 0; i < (size_t)GRID_N * GRID_N; i++) m->z[i] = NAN;
  }
  free(err);
  compute_levels(m);
  compute_arrow_scale(m);
  m->grid_loss = m->loss;
  m->grid_valid = TRUE;
}

static char *fmt_num(double v) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  /* Six significant digits; U+2212 for the minus sign, as the plots write it. */
  g_snprintf(buf, sizeof buf, "%.6g", v == 0 ? 0.0 : v);
  if (buf[0] == '-') return g_strdup_printf("−%s", buf + 1);
  return g_strdup(buf);
}

static char *fmt_vec(const double v[2]) {
  char *a = fmt_num(v[0]), *b = fmt_num(v[1]);
  char *s = g_strdup_printf("(%s, %s)", a, b);
  g_free(a);
  g_free(b);
  return s;
}

static void set_label_vec(GtkLabel *label, const double v[2]) {
  char *s = fmt_vec(v);
  gtk_label_set_text(label, s);
  g_free(s);
}

static void set_label_num(GtkLabel *label, double v) {
  char *s = fmt_num(v);
  gtk_label_set_text(label, s);
  g_free(s);
}

static const char *loss_name(ObLossKind kind) {
  switch (kind) {
  case OB_LOSS_HALF_NORM: return _("Round bowl ½‖w‖²");
  case OB_LOSS_ANISOTROPIC: return _("Anisotropic quadratic x² + 0.2y²");
  case OB_LOSS_CONDITIONED: return _("Quadratic with condition number κ");
  case OB_LOSS_ROSENBROCK: return _("Rosenbrock's banana valley");
  case OB_LOSS_SADDLE: return _("Saddle x² − y²");
  case OB_LOSS_LOGISTIC: return _("Logistic regression loss");
  default: return ob_loss_id(kind);
  }
}

/* L, ∇L (autodiff) and the finite-difference gradient at the current point; updates the numbers,
 * the reports and the accessible description, and asks the plot for a new frame. */
static void update_point(Landscape *m) {
  char *err = NULL;
  m->ok = ob_loss_eval(&m->loss, m->w, &m->value, m->grad, NULL, &err);
  if (!m->ok) {
    g_warning("loss-landscapes: %s", err ? err : "evaluation failed");
    free(err);
    return;
  }
  m->grad_norm = hypot(m->grad[0], m->grad[1]);
  /* Central differences from loss values alone: an independent check of the autodiff gradient. */
  m->fd_diff = 0;
  for (int i = 0; i < 2; i++) {
    double wp[2] = {m->w[0], m->w[1]}, wm[2] = {m->w[0], m->w[1]}, lp = NAN, lm = NAN;
    wp[i] += FD_STEP;
    wm[i] -= FD_STEP;
    ob_loss_eval(&m->loss, wp, &lp, NULL, NULL, NULL);
    ob_loss_eval(&m->loss, wm, &lm, NULL, NULL, NULL);
    m->fd[i] = (lp - lm) / (2 * FD_STEP);
    m->fd_diff = MAX(m->fd_diff, fabs(m->fd[i] - m->grad[i]));
  }

  set_label_vec(m->w_label, m->w);
  set_label_num(m->value_label, m->value);
  set_label_vec(m->grad_label, m->grad);
  set_label_num(m->norm_label, m->grad_norm);
  set_label_vec(m->fd_label, m->fd);
  char diff[64];
  g_snprintf(diff, sizeof diff, "%.1e", m->fd_diff);
  gtk_label_set_text(m->diff_label, diff);

  ob_lesson_view_report(m->view, "loss", ob_loss_id(m->loss.kind));
  ob_lesson_view_report_doubles(m->view, "kappa", &m->loss.param, 1);
  ob_lesson_view_report_doubles(m->view, "w", m->w, 2);
  ob_lesson_view_report_doubles(m->view, "value", &m->value, 1);
  ob_lesson_view_report_doubles(m->view, "grad", m->grad, 2);
  ob_lesson_view_report_doubles(m->view, "grad_norm", &m->grad_norm, 1);
  ob_lesson_view_report_doubles(m->view, "fd_grad", m->fd, 2);
  ob_lesson_view_report_doubles(m->view, "fd_diff", &m->fd_diff, 1);

  char *w = fmt_vec(m->w), *v = fmt_num(m->value), *g = fmt_vec(m->grad);
  /* Translators: accessible description of the contour plot; %s: loss name, point, value, gradient */
  char *desc = g_strdup_printf(_("Contour lines of %s. The point w = %s, where L(w) = %s and the "
                                 "gradient ∇L(w) = %s is drawn as an arrow."),
                               loss_name(m->loss.kind), w, v, g);
  gtk_accessible_update_property(GTK_ACCESSIBLE(m->plot), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc, -1);
  g_free(desc);
  g_free(w);
  g_free(v);
  g_free(g);
  ob_plot_view_queue_rebuild(m->plot);
}

static void set_point(Landscape *m, double x, double y) {
  m->w[0] = x;
  m->w[1] = y;
  m->updating_w = TRUE;
  gtk_adjustment_set_value(m->w_adj[0], x);
  gtk_adjustment_set_value(m->w_adj[1], y);
  m->updating_w = FALSE;
  ob_plot_view_set_point(m->plot, x, y);
  update_point(m);
}

/* A start point that shows a clearly visible gradient: up and to the right of the view's centre. */
static void default_point(const Landscape *m, double *x, double *y) {
  *x = m->x0 + 0.72 * (m->x1 - m->x0);
  *y = m->y0 + 0.70 * (m->y1 - m->y0);
  if (m->loss.kind == OB_LOSS_ROSENBROCK) {
    *x = -1.2;
    *y = 1.0;
  }
}

static PlotFigure *build_figure(gpointer data, double width, double height) {
  Landscape *m = data;
  ensure_grid(m);
  PlotFigure *fig = plot_figure_new(width, height);
  gboolean logistic = m->loss.kind == OB_LOSS_LOGISTIC;
  /* The logistic loss gets its data set in a narrow panel on the right (axes 1); axes 0 stays the
   * interactive contour plot. */
  PlotAxes *ax = logistic ? plot_figure_add_axes(fig, 0, 0, 0.64, 1) : plot_figure_add_subplot(fig, 1, 1, 0);
  plot_axes_set_xlim(ax, m->x0, m->x1);
  plot_axes_set_ylim(ax, m->y0, m->y1);
  plot_axes_set_equal_aspect(ax, TRUE);
  plot_axes_set_xlabel(ax, "<i>w</i><sub>1</sub>");
  plot_axes_set_ylabel(ax, "<i>w</i><sub>2</sub>");
  if (m->loss.kind == OB_LOSS_CONDITIONED) {
    char *title = g_strdup_printf("%s,  κ = %.3g", ob_loss_formula_markup(&m->loss), m->loss.param);
    plot_axes_set_title(ax, title);
    g_free(title);
  } else {
    plot_axes_set_title(ax, ob_loss_formula_markup(&m->loss));
  }
  if (m->n_levels > 0) {
    PlotLineStyle cs = plot_line_style(PLOT_ROLE_ACCENT1, 1.0);
    plot_axes_add_contour(ax, m->z, GRID_N, GRID_N, m->x0, m->x1, m->y0, m->y1, m->levels, m->n_levels, &cs,
                          TRUE);
  }
  double l_star, w_star[2];
  if (ob_loss_minimum(&m->loss, &l_star, w_star)) {
    PlotLineStyle ms = plot_line_style(PLOT_ROLE_FOREGROUND, 0);
    ms.marker = PLOT_MARKER_CROSS;
    ms.marker_size_pt = 9;
    /* Translators: legend entry for the marked minimizer w* */
    plot_axes_add_line(ax, &w_star[0], &w_star[1], 1, &ms, _("minimizer <i>w</i>*"));
  }
  /* What follows moves with w: drawn over a cached picture of the contours while w is dragged. */
  plot_axes_begin_overlay(ax);
  if (m->ok) {
    /* The arrow is the gradient times a fixed factor per loss; one that would leave the view is
     * shortened (the legend says so), keeping its direction. */
    double dx = m->arrow_scale * m->grad[0], dy = m->arrow_scale * m->grad[1];
    double len = hypot(dx, dy), max_len = 0.4 * (m->x1 - m->x0);
    gboolean clipped = len > max_len;
    if (clipped) {
      dx *= max_len / len;
      dy *= max_len / len;
    }
    char factor[32];
    g_snprintf(factor, sizeof factor, "%g", m->arrow_scale);
    char *label = clipped
                      /* Translators: legend entry; %s is the scale factor, e.g. 0.1 */
                      ? g_strdup_printf(_("∇<i>L</i>(<i>w</i>) × %s, shortened to fit"), factor)
                      /* Translators: legend entry; %s is the scale factor, e.g. 0.1 */
                      : g_strdup_printf(_("∇<i>L</i>(<i>w</i>) × %s (arrow scaled)"), factor);
    if (len > 0) {
      PlotLineStyle as = plot_line_style(PLOT_ROLE_ACCENT2, 2.2);
      plot_axes_add_arrow(ax, m->w[0], m->w[1], m->w[0] + dx, m->w[1] + dy, &as, label);
    }
    g_free(label);
    PlotLineStyle ps = plot_line_style(PLOT_ROLE_ACCENT3, 0);
    ps.marker = PLOT_MARKER_CIRCLE;
    ps.marker_size_pt = 9;
    ps.marker_filled = TRUE;
    plot_axes_add_line(ax, &m->w[0], &m->w[1], 1, &ps, "<i>w</i>");
  }
  plot_axes_set_legend(ax, TRUE);

  if (logistic) {
    const double *x, *y;
    int n = ob_loss_logistic_data(&x, &y);
    PlotAxes *dax = plot_figure_add_axes(fig, 0.66, 0.12, 0.34, 0.76);
    /* Translators: title of the logistic loss's data-set panel */
    plot_axes_set_title(dax, _("Data set"));
    plot_axes_set_xlabel(dax, "<i>x</i><sub>1</sub>");
    plot_axes_set_ylabel(dax, "<i>x</i><sub>2</sub>");
    double *px = g_new(double, MAX(n, 1)), *py = g_new(double, MAX(n, 1));
    double lim = 0;
    for (int cls = 0; cls < 2; cls++) {
      int k = 0;
      for (int i = 0; i < n; i++)
        if ((y[i] > 0) == (cls == 0)) {
          px[k] = x[2 * i];
          py[k] = x[2 * i + 1];
          lim = MAX(lim, MAX(fabs(px[k]), fabs(py[k])));
          k++;
        }
      PlotLineStyle ds = plot_line_style(cls == 0 ? PLOT_ROLE_ACCENT1 : PLOT_ROLE_ACCENT2, 0);
      ds.marker = cls == 0 ? PLOT_MARKER_CIRCLE : PLOT_MARKER_TRIANGLE;
      ds.marker_size_pt = 6;
      ds.marker_filled = TRUE;
      plot_axes_add_line(dax, px, py, k, &ds, cls == 0 ? "<i>y</i> = +1" : "<i>y</i> = −1");
    }
    lim = lim > 0 ? ceil(lim * 1.1) : 1;
    plot_axes_set_xlim(dax, -lim, lim);
    plot_axes_set_ylim(dax, -lim, lim);
    plot_axes_set_equal_aspect(dax, TRUE);
    /* The classifier's boundary wᵀx = 0: through the origin, perpendicular to w. */
    double wn = hypot(m->w[0], m->w[1]);
    plot_axes_begin_overlay(dax);
    if (wn > 0) {
      double bx[2] = {-2 * lim * -m->w[1] / wn, 2 * lim * -m->w[1] / wn};
      double by[2] = {-2 * lim * m->w[0] / wn, 2 * lim * m->w[0] / wn};
      PlotLineStyle bs = plot_line_style(PLOT_ROLE_FOREGROUND, 1.2);
      bs.dash[0] = 4;
      bs.dash[1] = 3;
      bs.n_dash = 2;
      plot_axes_add_line(dax, bx, by, 2, &bs, "<i>w</i><sup>T</sup><i>x</i> = 0");
    }
    plot_axes_set_legend(dax, TRUE);
    g_free(px);
    g_free(py);
  }
  return fig;
}

static void on_point_moved(ObPlotView *plot, double x, double y, guint phase, Landscape *m) {
  (void)plot;
  (void)phase;
  set_point(m, x, y);
}

static void on_w_adj_changed(GtkAdjustment *adj, Landscape *m) {
  (void)adj;
  if (m->updating_w) return;
  /* A restored point (lesson state) outside the view would be out of reach: keep it inside. */
  ensure_grid(m);
  double x = CLAMP(gtk_adjustment_get_value(m->w_adj[0]), m->x0, m->x1);
  double y = CLAMP(gtk_adjustment_get_value(m->w_adj[1]), m->y0, m->y1);
  set_point(m, x, y);
}

static double kappa_from_position(double p) { return pow(10, CLAMP(p, 0, 3)); }

static void loss_changed(Landscape *m, gboolean reset_point) {
  guint sel = gtk_drop_down_get_selected(m->loss_dropdown);
  if (sel >= N_LOSSES) sel = 0;
  m->loss.kind = loss_kinds[sel];
  m->loss.param = m->loss.kind == OB_LOSS_CONDITIONED ? kappa_from_position(gtk_adjustment_get_value(m->kappa_adj)) : 0;
  gboolean conditioned = m->loss.kind == OB_LOSS_CONDITIONED;
  gtk_widget_set_visible(m->kappa_label, conditioned);
  gtk_widget_set_visible(m->kappa_scale, conditioned);
  ensure_grid(m);
  double x = m->w[0], y = m->w[1];
  if (reset_point || x < m->x0 || x > m->x1 || y < m->y0 || y > m->y1) default_point(m, &x, &y);
  set_point(m, x, y);
}

static void on_loss_selected(GtkDropDown *dd, GParamSpec *pspec, Landscape *m) {
  (void)dd;
  (void)pspec;
  loss_changed(m, FALSE);
}

static void on_kappa_changed(GtkAdjustment *adj, Landscape *m) {
  (void)adj;
  if (m->loss.kind == OB_LOSS_CONDITIONED) loss_changed(m, FALSE);
}

static void on_reset_clicked(GtkButton *button, Landscape *m) {
  (void)button;
  loss_changed(m, TRUE);
}

static char *format_kappa(GtkScale *scale, double value, gpointer data) {
  (void)scale;
  (void)data;
  return g_strdup_printf("κ = %.3g", kappa_from_position(value));
}

static GtkWidget *text_label(const char *markup, gboolean heading) {
  GtkWidget *label = gtk_label_new(NULL);
  gtk_label_set_markup(GTK_LABEL(label), markup);
  gtk_label_set_wrap(GTK_LABEL(label), TRUE);
  gtk_label_set_xalign(GTK_LABEL(label), 0);
  if (heading) gtk_widget_add_css_class(label, "heading");
  return label;
}

static GtkWidget *build_text(void) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append(GTK_BOX(box), text_label(
    /* Translators: Loss Landscapes lesson, first paragraph (Pango markup) */
    _("We still minimize a loss <i>L</i> : ℝ<sup><i>d</i></sup> → ℝ over the decision variable "
      "<i>w</i>, but with <i>d</i> numbers to tune there is no single slope any more. Its place is "
      "taken by the <b>gradient</b>, the vector of all partial derivatives:\n"
      "    ∇<i>L</i>(<i>w</i>) = (∂<i>L</i>/∂<i>w</i><sub>1</sub>, …, ∂<i>L</i>/∂<i>w</i><sub><i>d</i></sub>)."),
    FALSE));
  gtk_box_append(GTK_BOX(box), text_label(
    /* Translators: Loss Landscapes lesson, second paragraph (Pango markup) */
    _("At each point it points where <i>L</i> climbs fastest, its length ‖∇<i>L</i>(<i>w</i>)‖ is "
      "that rate, and it is perpendicular to the contour line through the point. A differentiable "
      "loss has ∇<i>L</i>(<i>w</i>*) = 0 at an unconstrained minimizer <i>w</i>*; points with "
      "∇<i>L</i>(<i>w</i>) = 0 are called stationary, and ‖∇<i>L</i>(<i>w</i>)‖ ≤ ε makes a point "
      "ε-stationary. The saddle shows that a stationary point need not be a minimizer."),
    FALSE));
  gtk_box_append(GTK_BOX(box), text_label(
    /* Translators: Loss Landscapes lesson, how to use the panel (Pango markup) */
    _("Drag the point on the plot, or focus the plot and use the arrow keys (Shift for small "
      "steps). The numbers beside it come from the engine's reverse-mode autodiff; the "
      "finite-difference row recomputes each partial derivative from loss values alone, "
      "(<i>L</i>(<i>w</i> + <i>h</i> <i>e</i><sub><i>i</i></sub>) − <i>L</i>(<i>w</i> − <i>h</i> "
      "<i>e</i><sub><i>i</i></sub>)) / 2<i>h</i> with <i>h</i> = 10<sup>−6</sup>, as an independent check."),
    FALSE));
  return box;
}

static GtkLabel *value_row(GtkGrid *grid, int row, const char *title) {
  GtkWidget *t = gtk_label_new(title);
  gtk_label_set_xalign(GTK_LABEL(t), 0);
  gtk_label_set_wrap(GTK_LABEL(t), TRUE);
  gtk_widget_add_css_class(t, "dim-label");
  GtkWidget *v = gtk_label_new("");
  gtk_label_set_xalign(GTK_LABEL(v), 0);
  gtk_label_set_selectable(GTK_LABEL(v), TRUE);
  gtk_widget_set_focusable(v, FALSE);
  gtk_widget_add_css_class(v, "numeric");
  gtk_widget_add_css_class(v, "monospace");
  gtk_grid_attach(grid, t, 0, 2 * row, 1, 1);
  gtk_grid_attach(grid, v, 0, 2 * row + 1, 1, 1);
  gtk_widget_set_margin_bottom(v, 6);
  return GTK_LABEL(v);
}

static void landscapes_create_panel(ObLessonView *view) {
  Landscape *m = g_new0(Landscape, 1);
  m->view = view;
  g_object_set_data_full(G_OBJECT(view), "ob-landscape", m, landscape_free);

  ob_lesson_view_set_text(view, build_text());

  /* The visual: the contour plot, and the numbers at the point beside it. */
  GtkWidget *plot = ob_plot_view_new(build_figure, m, _("Contour plot of the loss with its gradient"));
  m->plot = OB_PLOT_VIEW(plot);
  gtk_widget_set_name(plot, "plot");
  ob_plot_view_set_natural_size(m->plot, 560, 460);
  /* The lesson page scrolls, and a scrolled page hands its children their minimum height. */
  gtk_widget_set_size_request(plot, -1, 440);
  ob_plot_view_set_interactive_axes(m->plot, 0);
  g_signal_connect(plot, "point-moved", G_CALLBACK(on_point_moved), m);

  GtkWidget *values = gtk_grid_new();
  gtk_widget_set_name(values, "values");
  gtk_widget_set_size_request(values, 190, -1);
  gtk_widget_set_margin_top(values, 12);
  gtk_widget_set_margin_start(values, 12);
  gtk_widget_set_margin_end(values, 12);
  gtk_widget_set_margin_bottom(values, 12);
  GtkGrid *g = GTK_GRID(values);
  m->w_label = value_row(g, 0, _("Point w"));
  m->value_label = value_row(g, 1, _("Loss L(w)"));
  m->grad_label = value_row(g, 2, _("Gradient ∇L(w), autodiff"));
  m->norm_label = value_row(g, 3, _("Gradient norm ‖∇L(w)‖"));
  m->fd_label = value_row(g, 4, _("Finite differences, h = 10⁻⁶"));
  m->diff_label = value_row(g, 5, _("Largest difference"));
  GtkWidget *visual = ob_lesson_side_by_side_new(plot, values);
  ob_lesson_view_set_visual(view, visual, _("Contour plot of the loss with its gradient"));

  /* Controls */
  GtkWidget *grid = gtk_grid_new();
  gtk_grid_set_row_spacing(GTK_GRID(grid), 8);
  gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
  gtk_widget_set_hexpand(grid, TRUE);

  GtkWidget *loss_label = gtk_label_new_with_mnemonic(_("_Loss function"));
  gtk_label_set_xalign(GTK_LABEL(loss_label), 0);
  GtkStringList *names = gtk_string_list_new(NULL);
  for (guint i = 0; i < N_LOSSES; i++) gtk_string_list_append(names, loss_name(loss_kinds[i]));
  GtkWidget *dd = gtk_drop_down_new(G_LIST_MODEL(names), NULL);
  m->loss_dropdown = GTK_DROP_DOWN(dd);
  gtk_widget_set_name(dd, "loss-dropdown");
  gtk_widget_set_hexpand(dd, TRUE);
  gtk_label_set_mnemonic_widget(GTK_LABEL(loss_label), dd);
  gtk_grid_attach(GTK_GRID(grid), loss_label, 0, 0, 1, 1);
  gtk_grid_attach(GTK_GRID(grid), dd, 1, 0, 1, 1);

  GtkWidget *reset = gtk_button_new_with_mnemonic(_("_Reset Point"));
  gtk_widget_set_name(reset, "reset-button");
  g_signal_connect(reset, "clicked", G_CALLBACK(on_reset_clicked), m);
  gtk_grid_attach(GTK_GRID(grid), reset, 2, 0, 1, 1);

  m->kappa_label = gtk_label_new_with_mnemonic(_("Condition _number κ"));
  gtk_label_set_xalign(GTK_LABEL(m->kappa_label), 0);
  m->kappa_adj = gtk_adjustment_new(1, 0, 3, 0.05, 0.25, 0);
  m->kappa_scale = gtk_scale_new(GTK_ORIENTATION_HORIZONTAL, m->kappa_adj);
  gtk_widget_set_name(m->kappa_scale, "kappa-scale");
  gtk_scale_set_draw_value(GTK_SCALE(m->kappa_scale), TRUE);
  gtk_scale_set_value_pos(GTK_SCALE(m->kappa_scale), GTK_POS_RIGHT);
  gtk_scale_set_format_value_func(GTK_SCALE(m->kappa_scale), format_kappa, NULL, NULL);
  for (int k = 0; k <= 3; k++) {
    char mark[16];
    g_snprintf(mark, sizeof mark, "%d", (int)pow(10, k));
    gtk_scale_add_mark(GTK_SCALE(m->kappa_scale), k, GTK_POS_BOTTOM, mark);
  }
  gtk_widget_set_hexpand(m->kappa_scale, TRUE);
  gtk_label_set_mnemonic_widget(GTK_LABEL(m->kappa_label), m->kappa_scale);
  gtk_grid_attach(GTK_GRID(grid), m->kappa_label, 0, 1, 1, 1);
  gtk_grid_attach(GTK_GRID(grid), m->kappa_scale, 1, 1, 2, 1);
  ob_lesson_view_set_controls(view, grid);

  m->w_adj[0] = g_object_ref_sink(gtk_adjustment_new(0, -1e6, 1e6, 0, 0, 0));
  m->w_adj[1] = g_object_ref_sink(gtk_adjustment_new(0, -1e6, 1e6, 0, 0, 0));

  char *code = ob_lesson_load_text("loss-landscapes", "example.py");
  ob_lesson_view_set_example(view, code);
  g_free(code);

  loss_changed(m, TRUE);
  g_signal_connect(dd, "notify::selected", G_CALLBACK(on_loss_selected), m);
  g_signal_connect(m->kappa_adj, "value-changed", G_CALLBACK(on_kappa_changed), m);
  g_signal_connect(m->w_adj[0], "value-changed", G_CALLBACK(on_w_adj_changed), m);
  g_signal_connect(m->w_adj[1], "value-changed", G_CALLBACK(on_w_adj_changed), m);
  ob_lesson_view_bind_state(view, "loss", dd, "selected");
  ob_lesson_view_bind_state(view, "kappa", m->kappa_adj, "value");
  ob_lesson_view_bind_state(view, "w1", m->w_adj[0], "value");
  ob_lesson_view_bind_state(view, "w2", m->w_adj[1], "value");
}
