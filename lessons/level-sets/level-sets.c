/* level-sets.c — lesson "level-sets" (lecture §2.7, "The geometric meaning of the gradient", and
 * Figure 3.1 live): on the contours of L(x, y) = c₁x² + c₂y² the student drags the point w; the
 * level set through w is drawn highlighted, with the gradient ∇L(w) (the engine's autodiff) normal
 * to it and the unit tangent t along it, and gᵀt = 0 computed as an engine dot product.
 *
 * Every number comes from the engine: the contour grid is one broadcast engine computation (cached
 * until c₁ or c₂ change), the value, gradient and tangent come from ob_figure_grad_normal_compute
 * (autodiff, the same code the exported figure uses), and gᵀt from tn_dot.
 *
 * Reports (ob_lesson_view_report*, for the display tests):
 *   "w"        the point (2 doubles)
 *   "c"        the coefficients c₁, c₂ (2 doubles)
 *   "grad"     ∇L(w) (2 doubles)
 *   "tangent"  the unit tangent t (2 doubles; absent while ∇L(w) = 0)
 *   "dot"      gᵀt (absent while ∇L(w) = 0)
 *   "level"    L(w)
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
#include "tn.h"

static void level_sets_create_panel(ObLessonView *view);

const ObLessonInfo ob_lesson_level_sets = {
  .id = "level-sets",
  .section = 2,
  .order = 6,
  .title = N_("Gradients Are Normal to Level Sets"),
  /* Translators: search words for the level-sets lesson, separated by spaces */
  .keywords = N_("gradient normal orthogonal perpendicular level set contour tangent geometry figure"),
  .create_panel = level_sets_create_panel,
  .figure = "grad_is_normal_to_level_sets",
};

enum {
  GRID_N = 400, /* contour grid samples per side, recomputed only when c₁ or c₂ change */
  MAX_LEVELS = 16,
};

/* The window of Figure 3.1. */
static const double LO = -2.0, HI = 2.0;
/* Arrows are drawn with this length (in data units), as in the figure: only directions matter. */
static const double ARROW_LEN = 0.6;

typedef struct {
  ObLessonView *view; /* not owned: the view owns this model */
  ObPlotView *plot;
  GtkAdjustment *c[2]; /* c₁, c₂ */
  GtkAdjustment *w[2]; /* the point */
  GtkLabel *level_label, *grad_label, *tangent_label, *dot_label, *status_label;

  double *grid; /* GRID_N², L on the window (engine), for the current c */
  double grid_c[2];
  double levels[MAX_LEVELS];
  int n_levels;
  double zmax;

  ObGradNormalData data; /* at the current w */
  double dot;            /* gᵀt, engine */
  gboolean ok;           /* data and dot are valid (∇L(w) ≠ 0) */
  gboolean updating;     /* the panel itself is writing the adjustments */
} LevelSets;

static void level_sets_free(gpointer data) {
  LevelSets *self = data;
  for (int i = 0; i < 2; i++) {
    g_clear_object(&self->c[i]);
    g_clear_object(&self->w[i]);
  }
  g_free(self->grid);
  g_free(self);
}

static void current_params(LevelSets *self, ObFigureParams *p) {
  ob_figure_params_default(p);
  for (int i = 0; i < 2; i++) {
    p->quad_c[i] = gtk_adjustment_get_value(self->c[i]);
    p->w[i] = gtk_adjustment_get_value(self->w[i]);
  }
}

/* ---- engine computations ---- */

/* L on the GRID_N × GRID_N grid of the window: a row of x² and a column of y², scaled and added
 * by broadcasting (meshgrid without materialising the coordinates). */
static gboolean compute_grid(LevelSets *self, const double c[2]) {
  bool prev = tn_set_grad_enabled(false);
  tn_tensor *xs = tn_linspace(tn_scalar_float(LO), tn_scalar_float(HI), GRID_N, TN_OPTS(TN_DTYPE_FLOAT64));
  const int64_t row[2] = {1, GRID_N}, col[2] = {GRID_N, 1};
  tn_tensor *x = xs ? tn_view(xs, 2, row) : NULL;
  tn_tensor *y = xs ? tn_view(xs, 2, col) : NULL;
  tn_tensor *xx = x ? tn_unary(TN_UNARY_SQUARE, x) : NULL;
  tn_tensor *yy = y ? tn_unary(TN_UNARY_SQUARE, y) : NULL;
  tn_tensor *c1 = tn_wrap_scalar(tn_scalar_float(c[0])), *c2 = tn_wrap_scalar(tn_scalar_float(c[1]));
  tn_tensor *a = xx && c1 ? tn_mul(xx, c1) : NULL;
  tn_tensor *b = yy && c2 ? tn_mul(yy, c2) : NULL;
  tn_tensor *z = a && b ? tn_add(a, b) : NULL; /* (GRID_N, GRID_N): row j is y_j, column i is x_i */
  tn_tensor *zc = z ? tn_contiguous(z) : NULL;
  tn_tensor *mx = zc ? tn_max(zc) : NULL;
  gboolean ok = mx && zc->numel == (int64_t)GRID_N * GRID_N;
  if (ok) {
    if (!self->grid) self->grid = g_new(double, GRID_N * GRID_N);
    memcpy(self->grid, tn_data_ptr(zc), sizeof(double) * GRID_N * GRID_N);
    self->zmax = tn_scalar_to_double(tn_get_flat(mx, 0));
  } else {
    g_warning("level-sets: the engine could not evaluate the grid: %s", tn_error_message());
  }
  tn_tensor *all[] = {xs, x, y, xx, yy, c1, c2, a, b, z, zc, mx};
  for (guint i = 0; i < G_N_ELEMENTS(all); i++)
    if (all[i]) tn_release(all[i]);
  tn_set_grad_enabled(prev);
  self->n_levels = ok ? plot_contour_auto_levels(0, self->zmax, 10, self->levels, MAX_LEVELS) : 0;
  self->grid_c[0] = c[0];
  self->grid_c[1] = c[1];
  return ok;
}

/* aᵀb as an engine dot product of two float64 vectors. */
static double engine_dot(const double a[2], const double b[2]) {
  const int64_t shape[1] = {2};
  tn_scalar av[2] = {tn_scalar_float(a[0]), tn_scalar_float(a[1])};
  tn_scalar bv[2] = {tn_scalar_float(b[0]), tn_scalar_float(b[1])};
  tn_tensor *ta = tn_from_scalars(1, shape, av, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *tb = tn_from_scalars(1, shape, bv, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *d = ta && tb ? tn_dot(ta, tb) : NULL;
  double v = d ? tn_scalar_to_double(tn_get_flat(d, 0)) : NAN;
  if (ta) tn_release(ta);
  if (tb) tn_release(tb);
  if (d) tn_release(d);
  return v;
}

/* ---- text helpers ---- */

/* A number for the readouts and labels: `digits` significant digits, a real minus sign, no "−0". */
static char *fmt(double v, int digits) {
  if (fabs(v) < 5e-15) v = 0; /* rounding noise of a quantity that is zero */
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

/* ---- the figure ---- */

static void add_marker(PlotAxes *ax, double x, double y, PlotRole role, double size) {
  PlotLineStyle m = plot_line_style(role, 0);
  m.marker = PLOT_MARKER_CIRCLE;
  m.marker_size_pt = size;
  m.marker_filled = true;
  plot_axes_add_line(ax, &x, &y, 1, &m, NULL);
}

static PlotFigure *build_figure(gpointer data, double width, double height) {
  LevelSets *self = data;
  ObFigureParams p;
  current_params(self, &p);
  PlotFigure *fig = plot_figure_new(width, height);
  plot_figure_set_font(fig, NULL, 10);
  PlotAxes *ax = plot_figure_add_subplot(fig, 1, 1, 0);
  plot_axes_set_equal_aspect(ax, true);
  plot_axes_set_xlim(ax, LO, HI);
  plot_axes_set_ylim(ax, LO, HI);
  plot_axes_set_grid(ax, true);
  /* The coefficients as the lecture writes them: "x² + 0.2y²", no "1x²". */
  char *c1 = p.quad_c[0] == 1 ? g_strdup("") : fmt(p.quad_c[0], 3);
  char *c2 = p.quad_c[1] == 1 ? g_strdup("") : fmt(p.quad_c[1], 3);
  char *title = g_strdup_printf("%s\n<span weight='normal' size='smaller'><i>L</i>(<i>x</i>, <i>y</i>) = "
                                "%s<i>x</i>² + %s<i>y</i>²</span>",
                                _("The gradient is normal to the level set"), c1, c2);
  plot_axes_set_title(ax, title);
  g_free(title);
  g_free(c1);
  g_free(c2);
  plot_axes_set_xlabel(ax, "<i>x</i>");
  plot_axes_set_ylabel(ax, "<i>y</i>");
  if (self->grid && self->n_levels > 0) {
    PlotLineStyle cs = plot_line_style(PLOT_ROLE_MUTED, 0.8);
    plot_axes_add_contour(ax, self->grid, GRID_N, GRID_N, LO, HI, LO, HI, self->levels, self->n_levels, &cs, true);
  }
  /* What follows moves with w: drawn over a cached picture of the contours while w is dragged. */
  plot_axes_begin_overlay(ax);
  if (self->ok) {
    const ObGradNormalData *d = &self->data;
    double lw = d->loss_at_w;
    /* The level set through w, emphasised: the curve the two arrows refer to. */
    if (self->grid && lw > 0 && lw < self->zmax) {
      PlotLineStyle ws = plot_line_style(PLOT_ROLE_ACCENT3, 2.0);
      plot_axes_add_contour(ax, self->grid, GRID_N, GRID_N, LO, HI, LO, HI, &lw, 1, &ws, false);
    }
    double gn = hypot(d->grad[0], d->grad[1]);
    double gu[2] = {d->grad[0] / gn, d->grad[1] / gn};
    /* A right-angle mark between the two arrows. */
    const double s = 0.13;
    double rx[3] = {p.w[0] + s * gu[0], p.w[0] + s * (gu[0] + d->tangent[0]), p.w[0] + s * d->tangent[0]};
    double ry[3] = {p.w[1] + s * gu[1], p.w[1] + s * (gu[1] + d->tangent[1]), p.w[1] + s * d->tangent[1]};
    PlotLineStyle rs = plot_line_style(PLOT_ROLE_FOREGROUND, 1.0);
    plot_axes_add_line(ax, rx, ry, 3, &rs, NULL);
    char *gv = fmt_vec(d->grad, 3);
    char *glabel = g_strdup_printf("∇<i>L</i>(<i>w</i>) = %s", gv);
    PlotLineStyle g = plot_line_style(PLOT_ROLE_ACCENT2, 2.2);
    plot_axes_add_arrow(ax, p.w[0], p.w[1], p.w[0] + ARROW_LEN * gu[0], p.w[1] + ARROW_LEN * gu[1], &g, glabel);
    g_free(gv);
    g_free(glabel);
    PlotLineStyle t = plot_line_style(PLOT_ROLE_ACCENT1, 2.2);
    plot_axes_add_arrow(ax, p.w[0], p.w[1], p.w[0] + ARROW_LEN * d->tangent[0], p.w[1] + ARROW_LEN * d->tangent[1],
                        &t, _("tangent <i>t</i>"));
  }
  add_marker(ax, p.w[0], p.w[1], PLOT_ROLE_FOREGROUND, 7);
  plot_axes_add_text(ax, p.w[0], p.w[1], "<i>w</i>", PLOT_ANCHOR_AUTO, plot_paint_role(PLOT_ROLE_FOREGROUND), 0);
  return fig;
}

/* ---- model → readouts, reports, description ---- */

static void update(LevelSets *self) {
  ObFigureParams p;
  current_params(self, &p);
  if (!self->grid || p.quad_c[0] != self->grid_c[0] || p.quad_c[1] != self->grid_c[1]) compute_grid(self, p.quad_c);
  char *error = NULL;
  self->ok = ob_figure_grad_normal_compute(&p, &self->data, &error);
  if (self->ok) {
    self->dot = engine_dot(self->data.grad, self->data.tangent);
    /* Export Figure… writes exactly this picture (the figure needs a nonzero gradient). */
    ob_lesson_view_set_figure_params(self->view, &p);
  }
  free(error);

  ObLessonView *view = self->view;
  ob_lesson_view_report_doubles(view, "w", p.w, 2);
  ob_lesson_view_report_doubles(view, "c", p.quad_c, 2);
  char *wv = fmt_vec(p.w, 3), *c1 = fmt(p.quad_c[0], 3), *c2 = fmt(p.quad_c[1], 3);
  char *desc;
  if (self->ok) {
    ob_lesson_view_report_doubles(view, "grad", self->data.grad, 2);
    ob_lesson_view_report_doubles(view, "tangent", self->data.tangent, 2);
    ob_lesson_view_report_doubles(view, "dot", &self->dot, 1);
    ob_lesson_view_report_doubles(view, "level", &self->data.loss_at_w, 1);
    char *lv = fmt(self->data.loss_at_w, 6), *gv = fmt_vec(self->data.grad, 6), *tv = fmt_vec(self->data.tangent, 6);
    char *dv = g_strdup_printf("%.3g", self->dot);
    gtk_label_set_text(self->level_label, lv);
    gtk_label_set_text(self->grad_label, gv);
    gtk_label_set_text(self->tangent_label, tv);
    gtk_label_set_text(self->dot_label, dv);
    gtk_widget_set_visible(GTK_WIDGET(self->status_label), FALSE);
    /* Translators: accessible description of the level-sets plot; the %s are numbers and vectors */
    desc = g_strdup_printf(_("Contours of L(x, y) = %s x² + %s y². The point w = %s lies on the level set "
                             "L = %s, drawn highlighted. The gradient %s points across it and the tangent %s "
                             "along it; their dot product is %s."),
                           c1, c2, wv, lv, gv, tv, dv);
    g_free(lv);
    g_free(gv);
    g_free(tv);
    g_free(dv);
  } else {
    double zero[2] = {0, 0}, lv = 0;
    ob_lesson_view_report_doubles(view, "grad", zero, 2);
    ob_lesson_view_report_doubles(view, "level", &lv, 1);
    ob_lesson_view_report(view, "tangent", NULL);
    ob_lesson_view_report(view, "dot", NULL);
    gtk_label_set_text(self->level_label, "0");
    gtk_label_set_text(self->grad_label, "(0, 0)");
    gtk_label_set_text(self->tangent_label, "—");
    gtk_label_set_text(self->dot_label, "—");
    gtk_widget_set_visible(GTK_WIDGET(self->status_label), TRUE);
    /* Translators: accessible description of the level-sets plot at the minimum; %s are numbers */
    desc = g_strdup_printf(_("Contours of L(x, y) = %s x² + %s y². The point w = %s is the minimizer: the "
                             "gradient is zero and the level set shrinks to the point itself."),
                           c1, c2, wv);
  }
  gtk_accessible_update_property(GTK_ACCESSIBLE(self->plot), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc, -1);
  g_free(desc);
  g_free(wv);
  g_free(c1);
  g_free(c2);
  ob_plot_view_set_point(self->plot, p.w[0], p.w[1]);
  ob_plot_view_queue_rebuild(self->plot);
}

static void on_value_changed(GtkAdjustment *adj, LevelSets *self) {
  (void)adj;
  if (!self->updating) update(self);
}

static void on_point_moved(ObPlotView *plot, double x, double y, guint phase, LevelSets *self) {
  (void)plot;
  (void)phase;
  self->updating = TRUE;
  gtk_adjustment_set_value(self->w[0], CLAMP(x, LO, HI));
  gtk_adjustment_set_value(self->w[1], CLAMP(y, LO, HI));
  self->updating = FALSE;
  update(self);
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
  /* Translators: level-sets lesson, first paragraph */
  gtk_box_append(GTK_BOX(box), text_label(_("In one dimension the derivative is a slope. In d dimensions its place is "
                                            "taken by the gradient, and the most useful picture of it is geometric: "
                                            "draw the <b>level sets</b> of the loss, the curves on which "
                                            "<i>L</i> keeps one value,"), NULL));
  GtkWidget *formula = text_label("{ <i>v</i> : <i>L</i>(<i>v</i>) = <i>L</i>(<i>w</i>) },", "title-4");
  gtk_label_set_xalign(GTK_LABEL(formula), 0.5);
  gtk_box_append(GTK_BOX(box), formula);
  /* Translators: level-sets lesson, the statement; keep the formulas */
  gtk_box_append(GTK_BOX(box), text_label(_("and at any point <i>w</i> the gradient ∇<i>L</i>(<i>w</i>) stands "
                                            "perpendicular to the level set through <i>w</i>. A unit vector "
                                            "<i>t</i> along the level set keeps the loss unchanged to first "
                                            "order, so ∇<i>L</i>(<i>w</i>)ᵀ<i>t</i> = 0; moving along the gradient "
                                            "changes it fastest."), NULL));
  /* Translators: level-sets lesson, what to do */
  gtk_box_append(GTK_BOX(box), text_label(_("Drag <i>w</i> over the contours of <i>L</i>(<i>x</i>, <i>y</i>) = "
                                            "<i>c</i>₁<i>x</i>² + <i>c</i>₂<i>y</i>², or change the coefficients: "
                                            "wherever <i>w</i> goes, the gradient (computed by the engine's "
                                            "autodiff) stays normal to the highlighted curve."), NULL));
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

static GtkWidget *scale_row(GtkWidget *group, const char *title, GtkAdjustment *adj, const char *name) {
  GtkWidget *scale = gtk_scale_new(GTK_ORIENTATION_HORIZONTAL, adj);
  gtk_scale_set_digits(GTK_SCALE(scale), 2);
  gtk_scale_set_draw_value(GTK_SCALE(scale), TRUE);
  gtk_scale_set_value_pos(GTK_SCALE(scale), GTK_POS_RIGHT);
  gtk_widget_set_size_request(scale, 120, -1);
  gtk_widget_set_hexpand(scale, TRUE);
  gtk_widget_set_name(scale, name);
  add_row(group, title, scale, scale);
  return scale;
}

static void level_sets_create_panel(ObLessonView *view) {
  LevelSets *self = g_new0(LevelSets, 1);
  self->view = view;
  g_object_set_data_full(G_OBJECT(view), "ob-level-sets", self, level_sets_free);

  ob_lesson_view_set_text(view, build_text());

  GtkWidget *plot = ob_plot_view_new(build_figure, self, _("Contour plot of the loss with its gradient"));
  self->plot = OB_PLOT_VIEW(plot);
  gtk_widget_set_name(plot, "plot");
  ob_plot_view_set_natural_size(self->plot, 560, 480);
  /* The lesson page scrolls, and a scrolled page gets its minimum height: ask for a readable one. */
  gtk_widget_set_size_request(plot, -1, 480);
  ob_plot_view_set_interactive_axes(self->plot, 0);
  g_signal_connect(plot, "point-moved", G_CALLBACK(on_point_moved), self);
  ob_lesson_view_set_visual(view, plot, _("Contour plot of the loss with its gradient"));

  GtkWidget *controls = ob_lesson_controls_row_new();
  GtkWidget *setup = adw_preferences_group_new();
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(setup), _("Loss and point"));
  adw_preferences_group_set_description(ADW_PREFERENCES_GROUP(setup),
                                        _("Drag w on the plot, or move it with the arrow keys when the plot has "
                                          "the focus."));
  gtk_widget_set_hexpand(setup, TRUE);
  gtk_widget_set_valign(setup, GTK_ALIGN_START);
  self->c[0] = g_object_ref_sink(gtk_adjustment_new(1.0, 0.1, 3.0, 0.05, 0.25, 0));
  self->c[1] = g_object_ref_sink(gtk_adjustment_new(0.2, 0.1, 3.0, 0.05, 0.25, 0));
  scale_row(setup, _("_First coefficient c₁"), self->c[0], "c1-scale");
  scale_row(setup, _("_Second coefficient c₂"), self->c[1], "c2-scale");
  static const char *const w_names[2] = {"w-x", "w-y"};
  const char *w_titles[2] = {_("Point w, _x coordinate"), _("Point w, _y coordinate")};
  for (int i = 0; i < 2; i++) {
    self->w[i] = g_object_ref_sink(gtk_adjustment_new(1.0, LO, HI, 0.05, 0.25, 0));
    GtkWidget *spin = gtk_spin_button_new(self->w[i], 0.05, 3);
    gtk_editable_set_width_chars(GTK_EDITABLE(spin), 7);
    gtk_widget_set_name(spin, w_names[i]);
    add_row(setup, w_titles[i], spin, spin);
  }

  GtkWidget *results = adw_preferences_group_new();
  /* Translators: heading of the readouts at the point w */
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(results), _("At w (engine values)"));
  gtk_widget_set_hexpand(results, TRUE);
  gtk_widget_set_valign(results, GTK_ALIGN_START);
  value_row(results, _("Level L(w)"), &self->level_label);
  GtkWidget *grow = value_row(results, _("Gradient ∇L(w)"), &self->grad_label);
  adw_action_row_set_subtitle(ADW_ACTION_ROW(grow), _("by the engine's autodiff"));
  GtkWidget *trow = value_row(results, _("Unit tangent t"), &self->tangent_label);
  adw_action_row_set_subtitle(ADW_ACTION_ROW(trow), _("∇L(w) turned by 90° and normalised"));
  GtkWidget *drow = value_row(results, _("Dot product ∇L(w)ᵀt"), &self->dot_label);
  adw_action_row_set_subtitle(ADW_ACTION_ROW(drow), _("zero up to rounding: the gradient is normal to the level set"));
  GtkWidget *status = gtk_label_new(_("At the minimizer the gradient is zero: the level set is a single point and "
                                      "has no normal direction."));
  gtk_label_set_wrap(GTK_LABEL(status), TRUE);
  gtk_label_set_xalign(GTK_LABEL(status), 0);
  gtk_widget_add_css_class(status, "dim-label");
  gtk_widget_set_margin_top(status, 6);
  self->status_label = GTK_LABEL(status);
  GtkWidget *rbox = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand(rbox, TRUE);
  gtk_box_append(GTK_BOX(rbox), results);
  gtk_box_append(GTK_BOX(rbox), status);

  ob_lesson_controls_row_add(controls, setup);
  ob_lesson_controls_row_add(controls, rbox);
  ob_lesson_view_set_controls(view, controls);

  char *code = ob_lesson_load_text("level-sets", "example.py");
  ob_lesson_view_set_example(view, code);
  g_free(code);

  for (int i = 0; i < 2; i++) {
    g_signal_connect(self->c[i], "value-changed", G_CALLBACK(on_value_changed), self);
    g_signal_connect(self->w[i], "value-changed", G_CALLBACK(on_value_changed), self);
  }
  update(self);
  ob_lesson_view_bind_state(view, "c1", self->c[0], "value");
  ob_lesson_view_bind_state(view, "c2", self->c[1], "value");
  ob_lesson_view_bind_state(view, "w-x", self->w[0], "value");
  ob_lesson_view_bind_state(view, "w-y", self->w[1], "value");
}
