/* high-dimensions.c — lesson "high-dimensions" (lecture §2.3, "Example you should memorize"):
 * L(w) = ½‖w‖² for a random w in ℝᵈ, its gradient by the engine's autodiff shown to coincide with
 * w component for component, and the cost of value and gradient as d grows, measured on demand in
 * a worker thread.
 *
 * Reports (ob_lesson_view_report*, for the display tests):
 *   "d"             the dimension
 *   "seed"          the seed of w's draw
 *   "value"         L(w), the engine's float32 result
 *   "max_abs_diff"  max |∇L(w) − w| over all d components
 *   "w", "grad"     the first min(d, 50) components of w and of ∇L(w)
 *   "timings"       pairs "d µs" for value + gradient (median of runs), one pair per measured d
 *   "timings_value" pairs "d µs" for the value alone
 *   "measuring"     "1" while a measurement runs, else "0"
 *
 * The d slider's position is log10 d (0..5); the spin button beside it holds d exactly. */
#include "optbench-config.h"

#include <math.h>
#include <stdlib.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ob-lesson.h"
#include "ob-lesson-view.h"
#include "ob-plot-view.h"
#include "tn.h"

static void high_dimensions_create_panel(ObLessonView *view);

const ObLessonInfo ob_lesson_high_dimensions = {
  .id = "high-dimensions",
  .section = 2,
  .order = 2,
  .title = N_("½‖w‖² in d Dimensions"),
  /* Translators: search words for the ½‖w‖² in d dimensions lesson, separated by spaces */
  .keywords = N_("dimension norm squared gradient identity reverse mode autodiff backward cost timing"),
  .create_panel = high_dimensions_create_panel,
};

#define D_MAX 100000
#define N_HEAD 50           /* components shown in the plot */
#define N_SIZES 6           /* timed sizes: 10 … 10⁶ */
#define TIMING_RUNS 7

typedef struct {
  ObLessonView *view; /* not owned; NULL once the view is gone (a measurement may outlive it) */
  ObPlotView *w_plot, *time_plot;
  GtkAdjustment *log_d_adj, *d_adj, *seed_adj;
  GtkWidget *measure_button;
  GtkLabel *value_label, *diff_label, *norm_label, *status_label;
  gboolean syncing;

  int d;
  int seed;
  int n_head;
  double w_head[N_HEAD], grad_head[N_HEAD];
  double value, max_abs_diff;
  gboolean ok;

  gboolean measuring;
  GCancellable *cancel;
  int n_timings;
  double t_d[N_SIZES], t_grad[N_SIZES], t_value[N_SIZES];
} HighDim;

static void highdim_clear(gpointer data) {
  HighDim *m = data;
  g_clear_object(&m->cancel);
}

static HighDim *highdim_ref(HighDim *m) { return g_rc_box_acquire(m); }
static void highdim_unref(HighDim *m) { g_rc_box_release_full(m, highdim_clear); }

/* The view is going away: a running measurement stops and no longer touches widgets. */
static void highdim_detach(gpointer data) {
  HighDim *m = data;
  if (m->cancel) g_cancellable_cancel(m->cancel);
  m->view = NULL;
  highdim_unref(m);
}

/* L(w) = ½ Σ wⱼ² for w of shape (d), in the graph of w. */
static tn_tensor *half_norm_sq(tn_tensor *w) {
  tn_tensor *two = tn_wrap_scalar(tn_scalar_int(2));
  tn_tensor *half = tn_wrap_scalar(tn_scalar_float(0.5));
  tn_tensor *sq = two ? tn_binary(TN_BINARY_POW, w, two) : NULL;
  tn_tensor *sum = sq ? tn_sum(sq, 0, NULL, false, TN_DTYPE_UNDEFINED) : NULL;
  tn_tensor *l = sum && half ? tn_mul(half, sum) : NULL;
  tn_release(sum);
  tn_release(sq);
  tn_release(half);
  tn_release(two);
  return l;
}

static double scalar_of(const tn_tensor *t) { return tn_scalar_to_double(tn_get_flat(t, 0)); }

/* Draws w (seeded, as torch.manual_seed(seed); torch.randn(d) would, leaving the user's generator as
 * it was), computes L(w) and ∇L(w) by backward, and max |∇L(w) − w|. */
static void compute(HighDim *m) {
  m->ok = FALSE;
  tn_rng_state *saved = tn_get_rng_state();
  tn_manual_seed((uint64_t)m->seed);
  int64_t d = m->d;
  tn_tensor *w = tn_randn(1, &d, TN_OPTS(TN_DTYPE_FLOAT32));
  if (saved) {
    tn_set_rng_state(saved);
    tn_rng_state_free(saved);
  }
  bool prev = tn_set_grad_enabled(true);
  tn_tensor *r = w ? tn_requires_grad_(w, true) : NULL;
  tn_tensor *l = r ? half_norm_sq(w) : NULL;
  tn_tensor *g = NULL, *diff = NULL, *adiff = NULL, *mx = NULL;
  if (l && tn_backward(l, NULL, false, false) == 0) g = tn_grad(w);
  tn_set_grad_enabled(false);
  if (g) diff = tn_sub(g, w);
  if (diff) adiff = tn_unary(TN_UNARY_ABS, diff);
  if (adiff) mx = tn_max(adiff);
  tn_set_grad_enabled(prev);
  if (mx) {
    m->value = scalar_of(l);
    m->max_abs_diff = scalar_of(mx);
    m->n_head = (int)MIN(d, N_HEAD);
    for (int i = 0; i < m->n_head; i++) {
      m->w_head[i] = tn_scalar_to_double(tn_get_flat(w, i));
      m->grad_head[i] = tn_scalar_to_double(tn_get_flat(g, i));
    }
    m->ok = TRUE;
  } else {
    g_warning("high-dimensions: %s", tn_error_message());
  }
  tn_release(mx);
  tn_release(adiff);
  tn_release(diff);
  tn_release(g);
  tn_release(l);
  tn_release(r);
  tn_release(w);
}

static char *fmt_num(double v) {
  char buf[64];
  g_snprintf(buf, sizeof buf, "%.6g", v == 0 ? 0.0 : v);
  if (buf[0] == '-') return g_strdup_printf("−%s", buf + 1);
  return g_strdup(buf);
}

static void update(HighDim *m) {
  compute(m);
  if (!m->ok) return;
  char *v = fmt_num(m->value), *x = fmt_num(m->max_abs_diff);
  gtk_label_set_text(m->value_label, v);
  gtk_label_set_text(m->diff_label, x);
  /* Translators: how many of w's components the plot shows, e.g. "50 of 1000" */
  char *shown = g_strdup_printf(_("%d of %d"), m->n_head, m->d);
  gtk_label_set_text(m->norm_label, shown);
  g_free(shown);

  double dd = m->d, seed = m->seed;
  ob_lesson_view_report_doubles(m->view, "d", &dd, 1);
  ob_lesson_view_report_doubles(m->view, "seed", &seed, 1);
  ob_lesson_view_report_doubles(m->view, "value", &m->value, 1);
  ob_lesson_view_report_doubles(m->view, "max_abs_diff", &m->max_abs_diff, 1);
  ob_lesson_view_report_doubles(m->view, "w", m->w_head, m->n_head);
  ob_lesson_view_report_doubles(m->view, "grad", m->grad_head, m->n_head);

  /* Translators: accessible description of the plot of w and its gradient */
  char *desc = g_strdup_printf(_("The first %d components of a random w in %d dimensions as markers, "
                                 "and of the gradient of ½‖w‖² as a line through them: they coincide. "
                                 "L(w) = %s; the largest difference |∇L(w) − w| is %s."),
                               m->n_head, m->d, v, x);
  gtk_accessible_update_property(GTK_ACCESSIBLE(m->w_plot), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc, -1);
  g_free(desc);
  g_free(v);
  g_free(x);
  ob_plot_view_queue_rebuild(m->w_plot);
}

static PlotFigure *build_w_figure(gpointer data, double width, double height) {
  HighDim *m = data;
  PlotFigure *fig = plot_figure_new(width, height);
  PlotAxes *ax = plot_figure_add_subplot(fig, 1, 1, 0);
  /* Translators: plot title; %d is the dimension d */
  char *title = g_strdup_printf(_("<i>w</i> and ∇<i>L</i>(<i>w</i>), first %d of <i>d</i> = %d components"),
                                m->n_head, m->d);
  plot_axes_set_title(ax, title);
  g_free(title);
  /* Translators: x-axis label: the index j of a component wⱼ */
  plot_axes_set_xlabel(ax, _("component <i>j</i>"));
  plot_axes_set_ylabel(ax, _("value"));
  plot_axes_set_grid(ax, TRUE);
  if (m->ok && m->n_head > 0) {
    double idx[N_HEAD];
    for (int i = 0; i < m->n_head; i++) idx[i] = i + 1;
    PlotLineStyle ws = plot_line_style(PLOT_ROLE_ACCENT1, 0);
    ws.marker = PLOT_MARKER_CIRCLE;
    ws.marker_size_pt = 8;
    ws.marker_filled = FALSE;
    plot_axes_add_line(ax, idx, m->w_head, m->n_head, &ws, "<i>w</i><sub><i>j</i></sub>");
    PlotLineStyle gs = plot_line_style(PLOT_ROLE_ACCENT2, 1.4);
    gs.marker = m->n_head == 1 ? PLOT_MARKER_CROSS : PLOT_MARKER_NONE;
    gs.marker_size_pt = 6;
    plot_axes_add_line(ax, idx, m->grad_head, m->n_head, &gs, "∇<i>L</i>(<i>w</i>)<sub><i>j</i></sub>");
    plot_axes_set_xlim(ax, 0, m->n_head + 1);
  }
  plot_axes_autoscale(ax);
  plot_axes_set_legend(ax, TRUE);
  return fig;
}

static PlotFigure *build_time_figure(gpointer data, double width, double height) {
  HighDim *m = data;
  PlotFigure *fig = plot_figure_new(width, height);
  PlotAxes *ax = plot_figure_add_subplot(fig, 1, 1, 0);
  plot_axes_set_title(ax, _("Cost of ½‖<i>w</i>‖² and its gradient"));
  plot_axes_set_xlabel(ax, _("dimension <i>d</i>"));
  /* Translators: y-axis label, time in microseconds */
  plot_axes_set_ylabel(ax, _("time (µs)"));
  plot_axes_set_xscale(ax, PLOT_SCALE_LOG);
  plot_axes_set_yscale(ax, PLOT_SCALE_LOG);
  plot_axes_set_grid(ax, TRUE);
  plot_axes_set_xlim(ax, 5, 2e6);
  if (m->n_timings > 0) {
    double lo = INFINITY, hi = 0;
    for (int i = 0; i < m->n_timings; i++) {
      lo = MIN(lo, MIN(m->t_value[i], m->t_grad[i]));
      hi = MAX(hi, MAX(m->t_value[i], m->t_grad[i]));
    }
    lo = pow(10, floor(log10(MAX(lo, 1e-3))));
    hi = pow(10, ceil(log10(MAX(hi, lo * 10))));
    plot_axes_set_ylim(ax, lo, hi);
    PlotLineStyle vs = plot_line_style(PLOT_ROLE_ACCENT1, 1.6);
    vs.marker = PLOT_MARKER_CIRCLE;
    vs.marker_size_pt = 6;
    vs.marker_filled = TRUE;
    plot_axes_add_line(ax, m->t_d, m->t_value, m->n_timings, &vs, _("value <i>L</i>(<i>w</i>)"));
    PlotLineStyle gs = plot_line_style(PLOT_ROLE_ACCENT2, 1.6);
    gs.marker = PLOT_MARKER_SQUARE;
    gs.marker_size_pt = 6;
    gs.marker_filled = TRUE;
    plot_axes_add_line(ax, m->t_d, m->t_grad, m->n_timings, &gs, _("value and gradient (backward)"));
    plot_axes_set_legend(ax, TRUE);
  } else {
    plot_axes_set_ylim(ax, 1, 1e4);
    plot_axes_add_text(ax, 3e3, 100, _("Press “Measure Cost” to time it"), PLOT_ANCHOR_CENTER,
                       plot_paint_role(PLOT_ROLE_MUTED), 11);
  }
  return fig;
}

/* ---- the measurement, in a worker thread (engine tensors created there, used only there) ---- */

typedef struct {
  HighDim *m;
  int index;
  double d, t_value, t_grad;
} Progress;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void report_timings(HighDim *m) {
  double pairs[2 * N_SIZES], vpairs[2 * N_SIZES];
  for (int i = 0; i < m->n_timings; i++) {
    pairs[2 * i] = vpairs[2 * i] = m->t_d[i];
    pairs[2 * i + 1] = m->t_grad[i];
    vpairs[2 * i + 1] = m->t_value[i];
  }
  ob_lesson_view_report_doubles(m->view, "timings", pairs, 2 * m->n_timings);
  ob_lesson_view_report_doubles(m->view, "timings_value", vpairs, 2 * m->n_timings);
}

static gboolean on_progress(gpointer data) {
  Progress *p = data;
  HighDim *m = p->m;
  if (m->view && p->index == m->n_timings && p->index < N_SIZES) {
    m->t_d[p->index] = p->d;
    m->t_value[p->index] = p->t_value;
    m->t_grad[p->index] = p->t_grad;
    m->n_timings++;
    report_timings(m);
    ob_plot_view_queue_rebuild(m->time_plot);
  }
  return G_SOURCE_REMOVE;
}

static void progress_free(gpointer data) {
  Progress *p = data;
  highdim_unref(p->m);
  g_free(p);
}

/* One evaluation of L(w) (with_grad: and its backward), in µs. */
static double time_once(tn_tensor *w, gboolean with_grad) {
  tn_set_grad(w, NULL);
  bool prev = tn_set_grad_enabled(with_grad);
  gint64 t0 = g_get_monotonic_time();
  tn_tensor *l = half_norm_sq(w);
  if (l && with_grad) tn_backward(l, NULL, false, false);
  gint64 t1 = g_get_monotonic_time();
  tn_release(l);
  tn_set_grad_enabled(prev);
  return (double)(t1 - t0);
}

/* Medians of `runs` timings of the value alone and of value and gradient, interleaved so that a
 * busy machine slows both alike. Below the clock's resolution a time reads as half a microsecond. */
static void time_runs(tn_tensor *w, int runs, double *t_value, double *t_grad) {
  double tv[TIMING_RUNS], tg[TIMING_RUNS];
  for (int r = 0; r < runs; r++) {
    tv[r] = time_once(w, FALSE);
    tg[r] = time_once(w, TRUE);
  }
  qsort(tv, (size_t)runs, sizeof *tv, cmp_double);
  qsort(tg, (size_t)runs, sizeof *tg, cmp_double);
  *t_value = MAX(tv[runs / 2], 0.5);
  *t_grad = MAX(tg[runs / 2], 0.5);
}

static void measure_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancel) {
  (void)source;
  HighDim *m = task_data;
  for (int k = 0; k < N_SIZES && !g_cancellable_is_cancelled(cancel); k++) {
    int64_t d = (int64_t)llround(pow(10, k + 1));
    /* Deterministic values: the default generator belongs to the main thread. */
    tn_tensor *w = tn_linspace(tn_scalar_float(-1), tn_scalar_float(1), d, TN_OPTS(TN_DTYPE_FLOAT32));
    tn_tensor *r = w ? tn_requires_grad_(w, true) : NULL;
    if (!r) {
      tn_release(w);
      break;
    }
    int runs = d >= 1000000 ? 3 : TIMING_RUNS;
    time_once(w, TRUE); /* warm-up: first-touch allocation is not the cost we show */
    Progress *p = g_new0(Progress, 1);
    p->m = highdim_ref(m);
    p->index = k;
    p->d = (double)d;
    time_runs(w, runs, &p->t_value, &p->t_grad);
    tn_release(r);
    tn_release(w);
    g_main_context_invoke_full(NULL, G_PRIORITY_DEFAULT, on_progress, p, progress_free);
  }
  g_task_return_boolean(task, TRUE);
}

static void set_measuring(HighDim *m, gboolean on) {
  m->measuring = on;
  gtk_widget_set_sensitive(m->measure_button, !on);
  gtk_label_set_text(m->status_label, on ? _("Measuring…") : (m->n_timings > 0 ? _("Done") : ""));
  ob_lesson_view_report(m->view, "measuring", on ? "1" : "0");
}

static void on_measured(GObject *source, GAsyncResult *result, gpointer data) {
  (void)source;
  HighDim *m = data;
  g_task_propagate_boolean(G_TASK(result), NULL);
  /* Progress callbacks queued before this one have run (same context, same priority). */
  if (m->view) {
    set_measuring(m, FALSE);
    char *desc = g_strdup_printf(_("Time for the value and for value and gradient of ½‖w‖², on log–log "
                                   "axes, for %d sizes of d from 10 to 1 000 000."),
                                 m->n_timings);
    gtk_accessible_update_property(GTK_ACCESSIBLE(m->time_plot), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc, -1);
    g_free(desc);
  }
  highdim_unref(m);
}

static void on_measure_clicked(GtkButton *button, HighDim *m) {
  (void)button;
  if (m->measuring) return;
  m->n_timings = 0;
  report_timings(m);
  ob_plot_view_queue_rebuild(m->time_plot);
  set_measuring(m, TRUE);
  g_clear_object(&m->cancel);
  m->cancel = g_cancellable_new();
  GTask *task = g_task_new(NULL, m->cancel, on_measured, highdim_ref(m));
  g_task_set_task_data(task, highdim_ref(m), (GDestroyNotify)highdim_unref);
  g_task_run_in_thread(task, measure_thread);
  g_object_unref(task);
}

/* ---- controls ---- */

static void on_d_changed(GtkAdjustment *adj, HighDim *m) {
  (void)adj;
  if (m->syncing) return;
  m->d = (int)CLAMP(llround(gtk_adjustment_get_value(m->d_adj)), 1, D_MAX);
  m->syncing = TRUE;
  gtk_adjustment_set_value(m->log_d_adj, log10(m->d));
  m->syncing = FALSE;
  update(m);
}

static void on_log_d_changed(GtkAdjustment *adj, HighDim *m) {
  (void)adj;
  if (m->syncing) return;
  /* The spin button's handler takes it from here. */
  gtk_adjustment_set_value(m->d_adj, (double)llround(pow(10, gtk_adjustment_get_value(m->log_d_adj))));
}

static void on_seed_changed(GtkAdjustment *adj, HighDim *m) {
  m->seed = (int)llround(gtk_adjustment_get_value(adj));
  update(m);
}

static char *format_d(GtkScale *scale, double value, gpointer data) {
  (void)scale;
  (void)data;
  return g_strdup_printf("%ld", (long)llround(pow(10, value)));
}

static GtkWidget *text_label(const char *markup) {
  GtkWidget *label = gtk_label_new(NULL);
  gtk_label_set_markup(GTK_LABEL(label), markup);
  gtk_label_set_wrap(GTK_LABEL(label), TRUE);
  gtk_label_set_xalign(GTK_LABEL(label), 0);
  return label;
}

static GtkWidget *build_text(void) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append(GTK_BOX(box), text_label(
    /* Translators: ½‖w‖² lesson, first paragraph (Pango markup) */
    _("The parabola of one dimension becomes <i>L</i>(<i>w</i>) = ½‖<i>w</i>‖² = ½ Σ<sub><i>j</i></sub> "
      "<i>w</i><sub><i>j</i></sub>² in <i>d</i> dimensions. Each term depends on one coordinate only, "
      "so ∂<i>L</i>/∂<i>w</i><sub><i>j</i></sub> = ½ · 2<i>w</i><sub><i>j</i></sub> = <i>w</i><sub><i>j</i></sub>, "
      "and collecting the partials gives the identity worth remembering: <b>∇<i>L</i>(<i>w</i>) = <i>w</i></b>. "
      "The gradient points straight away from the minimizer 0, and its length is the distance to it.")));
  gtk_box_append(GTK_BOX(box), text_label(
    /* Translators: ½‖w‖² lesson, second paragraph (Pango markup) */
    _("Below, the engine draws a random <i>w</i>, evaluates <i>L</i>, and runs one backward pass; the "
      "plot lays ∇<i>L</i>(<i>w</i>) over <i>w</i> and the largest difference over all <i>d</i> "
      "components is exactly 0. Reverse-mode autodiff gets the whole gradient for a small constant "
      "times the cost of the value, however large <i>d</i> is: both costs grow in proportion to "
      "<i>d</i>, as the timing plot shows.")));
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
  gtk_widget_set_margin_bottom(v, 6);
  gtk_grid_attach(grid, t, 0, 2 * row, 1, 1);
  gtk_grid_attach(grid, v, 0, 2 * row + 1, 1, 1);
  return GTK_LABEL(v);
}

static GtkWidget *mnemonic_label(const char *text, GtkWidget *target) {
  GtkWidget *l = gtk_label_new_with_mnemonic(text);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_mnemonic_widget(GTK_LABEL(l), target);
  return l;
}

static void high_dimensions_create_panel(ObLessonView *view) {
  HighDim *m = g_rc_box_new0(HighDim);
  m->view = view;
  m->d = 1000;
  g_object_set_data_full(G_OBJECT(view), "ob-high-dimensions", m, highdim_detach);

  ob_lesson_view_set_text(view, build_text());

  GtkWidget *visual = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *w_plot = ob_plot_view_new(build_w_figure, m, _("Components of w and of the gradient of ½‖w‖²"));
  m->w_plot = OB_PLOT_VIEW(w_plot);
  gtk_widget_set_name(w_plot, "plot");
  ob_plot_view_set_natural_size(m->w_plot, 860, 300);
  /* The lesson page scrolls, and a scrolled page hands its children their minimum height. */
  gtk_widget_set_size_request(w_plot, -1, 290);
  gtk_box_append(GTK_BOX(visual), w_plot);

  GtkWidget *time_plot = ob_plot_view_new(build_time_figure, m, _("Time of value and gradient against d"));
  m->time_plot = OB_PLOT_VIEW(time_plot);
  gtk_widget_set_name(time_plot, "timing-plot");
  ob_plot_view_set_natural_size(m->time_plot, 600, 300);
  gtk_widget_set_size_request(time_plot, -1, 290);
  gtk_accessible_update_property(GTK_ACCESSIBLE(time_plot), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                 _("Nothing measured yet."), -1);
  GtkWidget *values = gtk_grid_new();
  gtk_widget_set_size_request(values, 190, -1);
  gtk_widget_set_margin_top(values, 12);
  gtk_widget_set_margin_start(values, 12);
  gtk_widget_set_margin_end(values, 12);
  gtk_widget_set_margin_bottom(values, 12);
  GtkGrid *g = GTK_GRID(values);
  m->value_label = value_row(g, 0, _("Loss L(w) = ½‖w‖²"));
  m->diff_label = value_row(g, 1, _("max |∇L(w) − w|"));
  m->norm_label = value_row(g, 2, _("Components plotted"));
  m->status_label = value_row(g, 3, _("Timing"));
  gtk_box_append(GTK_BOX(visual), ob_lesson_side_by_side_new(time_plot, values));
  ob_lesson_view_set_visual(view, visual, _("w beside the gradient of ½‖w‖², and the cost of computing it"));

  /* Controls */
  GtkWidget *grid = gtk_grid_new();
  gtk_grid_set_row_spacing(GTK_GRID(grid), 8);
  gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
  gtk_widget_set_hexpand(grid, TRUE);

  m->log_d_adj = gtk_adjustment_new(3, 0, 5, 0.01, 0.25, 0);
  GtkWidget *d_scale = gtk_scale_new(GTK_ORIENTATION_HORIZONTAL, m->log_d_adj);
  gtk_widget_set_name(d_scale, "d-scale");
  gtk_scale_set_draw_value(GTK_SCALE(d_scale), FALSE);
  gtk_scale_set_format_value_func(GTK_SCALE(d_scale), format_d, NULL, NULL);
  for (int k = 0; k <= 5; k++) {
    char mark[16];
    g_snprintf(mark, sizeof mark, "%ld", (long)llround(pow(10, k)));
    gtk_scale_add_mark(GTK_SCALE(d_scale), k, GTK_POS_BOTTOM, mark);
  }
  gtk_widget_set_hexpand(d_scale, TRUE);
  m->d_adj = gtk_adjustment_new(1000, 1, D_MAX, 1, 10, 0);
  GtkWidget *d_spin = gtk_spin_button_new(m->d_adj, 1, 0);
  gtk_widget_set_name(d_spin, "d-spin");
  gtk_spin_button_set_numeric(GTK_SPIN_BUTTON(d_spin), TRUE);
  gtk_widget_set_valign(d_spin, GTK_ALIGN_START);
  gtk_accessible_update_property(GTK_ACCESSIBLE(d_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Dimension d"), -1);
  gtk_grid_attach(GTK_GRID(grid), mnemonic_label(_("_Dimension d"), d_scale), 0, 0, 1, 1);
  gtk_grid_attach(GTK_GRID(grid), d_scale, 1, 0, 1, 1);
  gtk_grid_attach(GTK_GRID(grid), d_spin, 2, 0, 1, 1);

  m->seed_adj = gtk_adjustment_new(0, 0, 9999, 1, 10, 0);
  GtkWidget *seed_spin = gtk_spin_button_new(m->seed_adj, 1, 0);
  gtk_widget_set_name(seed_spin, "seed-spin");
  gtk_spin_button_set_numeric(GTK_SPIN_BUTTON(seed_spin), TRUE);
  gtk_widget_set_halign(seed_spin, GTK_ALIGN_START);
  gtk_grid_attach(GTK_GRID(grid), mnemonic_label(_("_Seed"), seed_spin), 0, 1, 1, 1);
  gtk_grid_attach(GTK_GRID(grid), seed_spin, 1, 1, 1, 1);

  m->measure_button = gtk_button_new_with_mnemonic(_("_Measure Cost"));
  gtk_widget_set_name(m->measure_button, "measure-button");
  gtk_widget_add_css_class(m->measure_button, "suggested-action");
  g_signal_connect(m->measure_button, "clicked", G_CALLBACK(on_measure_clicked), m);
  gtk_grid_attach(GTK_GRID(grid), m->measure_button, 2, 1, 1, 1);
  ob_lesson_view_set_controls(view, grid);

  char *code = ob_lesson_load_text("high-dimensions", "example.py");
  ob_lesson_view_set_example(view, code);
  g_free(code);

  ob_lesson_view_report(view, "measuring", "0");
  report_timings(m);
  update(m);
  g_signal_connect(m->d_adj, "value-changed", G_CALLBACK(on_d_changed), m);
  g_signal_connect(m->log_d_adj, "value-changed", G_CALLBACK(on_log_d_changed), m);
  g_signal_connect(m->seed_adj, "value-changed", G_CALLBACK(on_seed_changed), m);
  ob_lesson_view_bind_state(view, "d", m->d_adj, "value");
  ob_lesson_view_bind_state(view, "seed", m->seed_adj, "value");
}
