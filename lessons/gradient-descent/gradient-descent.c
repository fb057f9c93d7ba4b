/* gradient-descent.c — lesson "gradient-descent" (lecture §2.7 (d)): the runner. Gradient descent
 * w ← w − η∇L(w) on a 2-D loss, the gradient from the engine's autodiff (gd-run.c); the trajectory
 * on the loss's contours and the four diagnostics growing live; for the quadratics the stability
 * threshold η = 2/λ_max (λ_max from the engine Hessian) marked on the η slider; divergence stopped
 * and said so.
 *
 * Reports (for the display tests):
 *   "loss"       the loss id (ob_loss_id)           "eta"        η
 *   "w0"         the start, 2 doubles               "w"          the last iterate, 2 doubles
 *   "iterations" iterations taken                   "diverged"   "true" / "false"
 *   "value"      L(w) at the last iterate           "grad_norm"  ‖∇L(w)‖ there
 *   "threshold"  2/λ_max (quadratics only; absent otherwise)
 *   "playing"    "true" / "false"
 *
 * Widgets by name: "loss-dropdown", "kappa-scale", "eta-scale", "w0x-spin", "w0y-spin",
 * "speed-scale", "play-button", "step-button", "reset-button", "log-switch", "contour-plot",
 * "diagnostics-plot", "divergence-banner".
 */
#include "optbench-config.h"

#include <math.h>
#include <stdlib.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "ob-lesson.h"
#include "ob-lesson-view.h"
#include "ob-plot-view.h"
#include "gd-run.h"

static void gd_create_panel(ObLessonView *view);

const ObLessonInfo ob_lesson_gradient_descent = {
  .id = "gradient-descent",
  .section = 2,
  .order = 8,
  .title = N_("Gradient Descent"),
  /* Translators: search words for the Gradient Descent lesson, separated by spaces */
  .keywords = N_("gradient descent step size learning rate eta divergence stability trajectory runner"),
  .create_panel = gd_create_panel,
};

/* The losses offered, in the drop-down's order. */
static const ObLossKind gd_losses[] = {OB_LOSS_HALF_NORM, OB_LOSS_ANISOTROPIC, OB_LOSS_CONDITIONED,
                                       OB_LOSS_ROSENBROCK, OB_LOSS_LOGISTIC, OB_LOSS_HIMMELBLAU};
enum { GD_N_LOSSES = G_N_ELEMENTS(gd_losses), GD_GRID = 200, GD_MAX_LEVELS = 16 };
/* Play stops once ‖∇L(w_k)‖ falls below this: the run has arrived, to rounding. */
#define GD_PLAY_STOP_GRAD 1e-10

typedef struct {
  ObLessonView *view; /* the panel's owner (not a reference) */
  GdRun run;
  ObLoss loss;
  double threshold, lambda_max;
  gboolean has_threshold;
  double l_star;
  gboolean has_l_star;

  /* The contour lines, cached: they change only with the loss. */
  PlotContourSet *contours;
  double view_box[4];
  int n_levels;
  double levels[GD_MAX_LEVELS];

  /* Animation */
  gboolean playing;
  guint tick_id;
  gint64 last_frame_us;
  double carry; /* fractional iterations owed to the next frame */

  /* Widgets (owned by the view) */
  GtkWidget *visual;
  ObPlotView *contour_plot; /* weak pointer: the tick callback is removed through it */
  ObPlotView *diag_plot;
  GtkDropDown *loss_dropdown;
  GtkWidget *kappa_label, *kappa_scale;
  GtkScale *eta_scale;
  GtkSpinButton *w0x_spin, *w0y_spin;
  GtkRange *speed_scale;
  GtkButton *play_button, *step_button, *reset_button;
  GtkSwitch *log_switch;
  GtkLabel *status_label, *banner_label, *threshold_label;
  GtkWidget *banner;
  gboolean syncing_w0; /* setting the spin buttons from the plot */
} GdPanel;

static const char *loss_name(ObLossKind kind) {
  switch (kind) {
  case OB_LOSS_HALF_NORM: return "½‖w‖²";
  case OB_LOSS_ANISOTROPIC: return "w₁² + 0.2 w₂²";
  /* Translators: a loss in the drop-down; κ is the condition number */
  case OB_LOSS_CONDITIONED: return _("½(w₁² + κ w₂²), condition number κ");
  case OB_LOSS_ROSENBROCK: return _("Rosenbrock");
  case OB_LOSS_LOGISTIC: return _("Logistic regression");
  case OB_LOSS_HIMMELBLAU: return _("Himmelblau");
  default: return "";
  }
}

static double panel_eta(GdPanel *p) { return gd_eta_from_log10(gtk_range_get_value(GTK_RANGE(p->eta_scale))); }

static void panel_w0(GdPanel *p, double w0[2]) {
  w0[0] = gtk_spin_button_get_value(p->w0x_spin);
  w0[1] = gtk_spin_button_get_value(p->w0y_spin);
}

static char *fmt(double v) { return g_strdup_printf("%.4g", v); }

/* ---- the contour grid ---- */

static void ensure_contours(GdPanel *p) {
  if (p->contours) return;
  double *b = p->view_box;
  ob_loss_default_view(p->loss.kind, &b[0], &b[1], &b[2], &b[3]);
  double *z = g_new(double, GD_GRID * GD_GRID);
  char *error = NULL;
  if (!ob_loss_grid(&p->loss, b[0], b[1], b[2], b[3], GD_GRID, GD_GRID, z, &error)) {
    g_warning("contour grid: %s", error ? error : "?");
    free(error);
    g_free(z);
    return;
  }
  double zmin = INFINITY, zmax = -INFINITY;
  for (int i = 0; i < GD_GRID * GD_GRID; i++) {
    if (!isfinite(z[i])) continue;
    zmin = fmin(zmin, z[i]);
    zmax = fmax(zmax, z[i]);
  }
  if (p->loss.kind == OB_LOSS_ROSENBROCK || p->loss.kind == OB_LOSS_HIMMELBLAU) {
    /* Values span decades: levels spaced geometrically above the minimum show the valleys. */
    p->n_levels = 14;
    for (int i = 0; i < p->n_levels; i++)
      p->levels[i] = zmin + (zmax - zmin) * pow(10.0, -3.5 + 3.3 * i / (p->n_levels - 1));
  } else {
    p->n_levels = plot_contour_auto_levels(zmin, zmax, 12, p->levels, GD_MAX_LEVELS);
  }
  p->contours = plot_contour_compute(z, GD_GRID, GD_GRID, b[0], b[1], b[2], b[3], p->levels, p->n_levels);
  g_free(z);
}

/* ---- figures ---- */

static PlotFigure *build_contour_figure(gpointer data, double width, double height) {
  GdPanel *p = data;
  ensure_contours(p);
  PlotFigure *fig = plot_figure_new(width, height);
  PlotAxes *ax = plot_figure_add_subplot(fig, 1, 1, 0);
  char *title = g_strdup_printf("%s", ob_loss_formula_markup(&p->loss));
  plot_axes_set_title(ax, title);
  g_free(title);
  plot_axes_set_xlabel(ax, "<i>w</i>₁");
  plot_axes_set_ylabel(ax, "<i>w</i>₂");
  plot_axes_set_xlim(ax, p->view_box[0], p->view_box[1]);
  plot_axes_set_ylim(ax, p->view_box[2], p->view_box[3]);
  plot_axes_set_equal_aspect(ax, true);
  if (p->contours) {
    int n = plot_contour_set_n_lines(p->contours);
    for (int i = 0; i < n; i++) {
      int np, level;
      bool closed;
      const double *pts = plot_contour_set_line(p->contours, i, &np, &level, &closed);
      if (np < 2) continue;
      /* The middle of viridis only: its dark end vanishes on the dark theme, its yellow on the light one. */
      PlotColor c = plot_colormap_eval(PLOT_CMAP_VIRIDIS,
                                       0.15 + 0.7 * (p->n_levels > 1 ? (double)level / (p->n_levels - 1) : 0.5));
      PlotLineStyle style = plot_line_style(PLOT_ROLE_CUSTOM, 1.0);
      style.color = plot_paint_rgba(c.r, c.g, c.b, 0.85);
      int m = closed ? np + 1 : np;
      double *x = g_new(double, m), *y = g_new(double, m);
      for (int k = 0; k < np; k++) {
        x[k] = pts[2 * k];
        y[k] = pts[2 * k + 1];
      }
      if (closed) {
        x[np] = x[0];
        y[np] = y[0];
      }
      plot_axes_add_line(ax, x, y, m, &style, NULL);
      g_free(x);
      g_free(y);
    }
  }
  double w_star[2];
  if (ob_loss_minimum(&p->loss, NULL, w_star) ||
      (p->loss.kind == OB_LOSS_LOGISTIC && gd_logistic_minimum(NULL, w_star))) {
    PlotLineStyle star = plot_line_style(PLOT_ROLE_FOREGROUND, 0);
    star.marker = PLOT_MARKER_CROSS;
    star.marker_size_pt = 9;
    plot_axes_add_line(ax, &w_star[0], &w_star[1], 1, &star, NULL);
  }
  /* The run grows frame by frame: drawn over a cached picture of the contours. */
  plot_axes_begin_overlay(ax);
  GdRun *r = &p->run;
  if (r->n >= 1) {
    /* The trajectory, thinned for very long runs (its tail sits on the minimizer anyway). */
    int stride = r->n > 4000 ? (r->n + 3999) / 4000 : 1;
    int m = 0;
    double *x = g_new(double, r->n / stride + 2), *y = g_new(double, r->n / stride + 2);
    for (int k = 0; k < r->n; k += stride, m++) {
      x[m] = r->w[2 * k];
      y[m] = r->w[2 * k + 1];
    }
    PlotLineStyle path = plot_line_style(PLOT_ROLE_ACCENT2, 1.6);
    if (r->n <= 150) {
      path.marker = PLOT_MARKER_CIRCLE;
      path.marker_size_pt = 4;
      path.marker_filled = true;
    }
    if (m >= 2) plot_axes_add_line(ax, x, y, m, &path, NULL);
    g_free(x);
    g_free(y);
    PlotLineStyle start = plot_line_style(PLOT_ROLE_ACCENT1, 0);
    start.marker = PLOT_MARKER_SQUARE;
    start.marker_size_pt = 9;
    start.marker_filled = true;
    plot_axes_add_line(ax, &r->w0[0], &r->w0[1], 1, &start, NULL);
    plot_axes_add_text(ax, r->w0[0], r->w0[1], "<i>w</i>₀", PLOT_ANCHOR_AUTO, plot_paint_role(PLOT_ROLE_ACCENT1), 10);
    const double *last = r->w + 2 * (r->n - 1);
    if (r->n > 1) {
      PlotLineStyle cur = plot_line_style(PLOT_ROLE_ACCENT2, 0);
      cur.marker = PLOT_MARKER_CIRCLE;
      cur.marker_size_pt = 9;
      cur.marker_filled = true;
      plot_axes_add_line(ax, &last[0], &last[1], 1, &cur, NULL);
    }
  }
  return fig;
}

static PlotFigure *build_diagnostics_figure(gpointer data, double width, double height) {
  GdPanel *p = data;
  PlotFigure *fig = plot_figure_new(width, height);
  GdDiagnostics d = {
    .value = p->run.value,
    .grad_norm = p->run.grad_norm,
    .n = p->run.n,
    .has_l_star = p->has_l_star,
    .l_star = p->l_star,
    .log_y = gtk_switch_get_active(p->log_switch),
    /* Translators: plot titles of the four diagnostics; keep the formulas */
    .titles = {_("Objective <i>L</i>(<i>w</i><sub><i>k</i></sub>)"),
               _("Gap <i>L</i>(<i>w</i><sub><i>k</i></sub>) − <i>L</i>*"),
               _("Gradient norm ‖∇<i>L</i>(<i>w</i><sub><i>k</i></sub>)‖"),
               _("Plateau |<i>L</i>(<i>w</i><sub><i>k</i>+1</sub>) − <i>L</i>(<i>w</i><sub><i>k</i></sub>)|")},
    /* Translators: x-axis label of the diagnostics plots */
    .xlabel = _("iteration <i>k</i>"),
    /* Translators: shown instead of the gap plot */
    .no_l_star = _("<i>L</i>* is not known for this loss"),
  };
  gd_diagnostics_plot(fig, 2, 2, 0, &d);
  return fig;
}

/* ---- state shown and reported ---- */

static void update_view(GdPanel *p) {
  GdRun *r = &p->run;
  int k = gd_run_iterations(r);
  double eta = panel_eta(p);
  ObLessonView *v = p->view;
  ob_lesson_view_report(v, "loss", ob_loss_id(p->loss.kind));
  ob_lesson_view_report_doubles(v, "eta", &eta, 1);
  ob_lesson_view_report_doubles(v, "w0", r->w0, 2);
  char buf[32];
  g_snprintf(buf, sizeof buf, "%d", k);
  ob_lesson_view_report(v, "iterations", buf);
  ob_lesson_view_report(v, "diverged", r->diverged ? "true" : "false");
  ob_lesson_view_report(v, "playing", p->playing ? "true" : "false");
  if (r->n >= 1) {
    ob_lesson_view_report_doubles(v, "w", r->w + 2 * (r->n - 1), 2);
    ob_lesson_view_report_doubles(v, "value", &r->value[r->n - 1], 1);
    ob_lesson_view_report_doubles(v, "grad_norm", &r->grad_norm[r->n - 1], 1);
  }
  if (p->has_threshold) ob_lesson_view_report_doubles(v, "threshold", &p->threshold, 1);
  else ob_lesson_view_report(v, "threshold", NULL);

  /* The status line and the divergence banner. */
  char *status;
  if (r->failed) {
    status = g_strdup_printf(_("The engine failed: %s"), r->error ? r->error : "?");
  } else if (r->n >= 1) {
    char *val = fmt(r->value[r->n - 1]), *gn = fmt(r->grad_norm[r->n - 1]);
    const double *w = r->w + 2 * (r->n - 1);
    char *w1 = fmt(w[0]), *w2 = fmt(w[1]);
    status = g_strdup_printf(
        /* Translators: the runner's status; %d the iteration count, then w_k, L(w_k) and the gradient norm */
        ngettext("%d iteration · <i>w</i> = (%s, %s) · <i>L</i>(<i>w</i>) = %s · ‖∇<i>L</i>(<i>w</i>)‖ = %s",
                 "%d iterations · <i>w</i> = (%s, %s) · <i>L</i>(<i>w</i>) = %s · ‖∇<i>L</i>(<i>w</i>)‖ = %s", k),
        k, w1, w2, val, gn);
    g_free(val);
    g_free(gn);
    g_free(w1);
    g_free(w2);
  } else {
    status = g_strdup("");
  }
  gtk_label_set_markup(p->status_label, status);
  g_free(status);

  if (r->diverged) {
    char *e = fmt(eta), *t = p->has_threshold ? fmt(p->threshold) : NULL;
    char *msg = t ? g_strdup_printf(
                        /* Translators: %d the iteration, then η and the threshold 2/λ_max */
                        _("Diverged at iteration %d: η = %s is above the stability threshold 2/λ<sub>max</sub> = %s. "
                          "The run stopped; the plots show the iterates up to there."),
                        k, e, t)
                  : g_strdup_printf(
                        /* Translators: %d the iteration, %s the step size η */
                        _("Diverged at iteration %d: η = %s is too large for the curvature along this path. "
                          "The run stopped; the plots show the iterates up to there."),
                        k, e);
    gtk_label_set_markup(p->banner_label, msg);
    g_free(msg);
    g_free(e);
    g_free(t);
  }
  gtk_widget_set_visible(p->banner, r->diverged);

  const char *label = p->playing ? _("_Pause") : _("_Play");
  gtk_button_set_label(p->play_button, label);
  gtk_widget_set_sensitive(GTK_WIDGET(p->step_button), gd_run_can_step(r));

  /* What the visual shows, for screen readers (plain text). */
  char *desc = NULL;
  if (r->n >= 1) {
    const double *w = r->w + 2 * (r->n - 1);
    desc = g_strdup_printf(
        /* Translators: accessible description of the runner's plots */
        _("Contours of %s with gradient descent from (%.3g, %.3g), step size %.3g: %d iterations, now at (%.4g, %.4g), "
          "loss %.4g, gradient norm %.3g%s. Beside it, the objective, its gap to the minimum, the gradient norm "
          "and the change per step against the iteration."),
        loss_name(p->loss.kind), r->w0[0], r->w0[1], eta, k, w[0], w[1], r->value[r->n - 1], r->grad_norm[r->n - 1],
        r->diverged ? _(", diverged") : "");
    gtk_accessible_update_property(GTK_ACCESSIBLE(p->visual), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc, -1);
    g_free(desc);
  }
  if (p->contour_plot) ob_plot_view_queue_rebuild(p->contour_plot);
  ob_plot_view_queue_rebuild(p->diag_plot);
}

static void update_threshold(GdPanel *p) {
  p->has_threshold = gd_stability_threshold(&p->loss, &p->threshold, &p->lambda_max);
  p->has_l_star = gd_loss_minimum(&p->loss, &p->l_star, NULL);
  GtkScale *scale = p->eta_scale;
  gtk_scale_clear_marks(scale);
  static const char *const decades[] = {"10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "1", "10"};
  for (int e = -4; e <= 1; e++) gtk_scale_add_mark(scale, e, GTK_POS_BOTTOM, decades[e + 4]);
  char *text;
  if (p->has_threshold) {
    gtk_scale_add_mark(scale, log10(p->threshold), GTK_POS_TOP, "2/λ<sub>max</sub>");
    char *l = fmt(p->lambda_max), *t = fmt(p->threshold);
    text = g_strdup_printf(
        /* Translators: %s are λ_max and 2/λ_max */
        _("This loss is quadratic: its Hessian is the same everywhere, with largest eigenvalue λ<sub>max</sub> = %s. "
          "Gradient descent converges from every start exactly when <b>η &lt; 2/λ<sub>max</sub> = %s</b> "
          "(marked on the slider); above it the iterates grow along the steepest direction."),
        l, t);
    g_free(l);
    g_free(t);
  } else {
    text = g_strdup(_("This loss is not quadratic: its curvature changes from point to point, so no single "
                      "threshold for η applies. Too large a step still diverges, and where depends on the start."));
  }
  gtk_label_set_markup(p->threshold_label, text);
  g_free(text);
}

/* ---- the run ---- */

static void stop_playing(GdPanel *p) {
  p->playing = FALSE;
  if (p->tick_id && p->contour_plot) gtk_widget_remove_tick_callback(GTK_WIDGET(p->contour_plot), p->tick_id);
  p->tick_id = 0;
}

static void restart_run(GdPanel *p) {
  double w0[2];
  panel_w0(p, w0);
  gd_run_reset(&p->run, &p->loss, panel_eta(p), w0);
  p->carry = 0;
  p->last_frame_us = 0;
  if (p->contour_plot) ob_plot_view_set_point(p->contour_plot, w0[0], w0[1]);
}

static gboolean reduce_motion(GtkWidget *widget) {
  gboolean animations = TRUE;
  g_object_get(gtk_widget_get_settings(widget), "gtk-enable-animations", &animations, NULL);
  return !animations;
}

static gboolean on_tick(GtkWidget *widget, GdkFrameClock *clock, gpointer data) {
  GdPanel *p = data;
  gint64 now = gdk_frame_clock_get_frame_time(clock);
  double speed = pow(10.0, gtk_range_get_value(p->speed_scale));
  int steps;
  if (reduce_motion(widget)) {
    steps = G_MAXINT; /* no animation: run to the end, within the frame budget below */
  } else if (p->last_frame_us == 0) {
    steps = 1; /* the first frame shows a step at once */
  } else {
    /* Time since the last frame, capped so a stall does not come back as a burst. */
    double dt = MIN((now - p->last_frame_us) / 1e6, 0.1);
    p->carry += speed * dt;
    steps = (int)floor(p->carry);
    p->carry -= steps;
  }
  p->last_frame_us = now;
  /* Never block a frame: at most about 8 ms of steps, in small batches. */
  gint64 t0 = g_get_monotonic_time();
  int done = 0;
  while (done < steps && gd_run_can_step(&p->run) && g_get_monotonic_time() - t0 < 8000) {
    int batch = MIN(steps - done, 50);
    int got = gd_run_step(&p->run, batch);
    done += got;
    if (got < batch) break;
  }
  /* Playing stops at a stationary point too (Step can still go on). */
  gboolean more = gd_run_can_step(&p->run) && !(p->run.grad_norm[p->run.n - 1] <= GD_PLAY_STOP_GRAD);
  if (!more) {
    p->playing = FALSE;
    p->tick_id = 0;
  }
  if (done > 0 || !more) update_view(p);
  return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void start_playing(GdPanel *p) {
  if (!gd_run_can_step(&p->run)) return;
  p->playing = TRUE;
  p->last_frame_us = 0;
  p->carry = 0;
  if (!p->tick_id && p->contour_plot)
    p->tick_id = gtk_widget_add_tick_callback(GTK_WIDGET(p->contour_plot), on_tick, p, NULL);
}

/* A hidden lesson (another one opened; views are kept) pauses instead of running unseen. */
static void on_plot_unmap(GtkWidget *widget, GdPanel *p) {
  (void)widget;
  if (!p->playing) return;
  stop_playing(p);
  update_view(p);
}

static void on_play(GtkButton *button, GdPanel *p) {
  (void)button;
  if (p->playing) stop_playing(p);
  else start_playing(p);
  update_view(p);
}

static void on_step(GtkButton *button, GdPanel *p) {
  (void)button;
  stop_playing(p);
  gd_run_step(&p->run, 1);
  update_view(p);
}

static void on_reset(GtkButton *button, GdPanel *p) {
  (void)button;
  stop_playing(p);
  restart_run(p);
  update_view(p);
}

/* A new parameter restarts the run from w₀ (and keeps playing if it was). */
static void parameters_changed(GdPanel *p) {
  gboolean was_playing = p->playing;
  stop_playing(p);
  restart_run(p);
  if (was_playing) start_playing(p);
  update_view(p);
}

static void on_loss_changed(GtkDropDown *dropdown, GParamSpec *pspec, GdPanel *p) {
  (void)pspec;
  guint i = gtk_drop_down_get_selected(dropdown);
  if (i >= GD_N_LOSSES) return;
  p->loss.kind = gd_losses[i];
  gboolean conditioned = p->loss.kind == OB_LOSS_CONDITIONED;
  gtk_widget_set_visible(p->kappa_label, conditioned);
  gtk_widget_set_visible(p->kappa_scale, conditioned);
  g_clear_pointer(&p->contours, plot_contour_set_free);
  update_threshold(p);
  /* A start inside the new loss's window. */
  double x0, x1, y0, y1;
  ob_loss_default_view(p->loss.kind, &x0, &x1, &y0, &y1);
  double w0[2];
  panel_w0(p, w0);
  if (w0[0] < x0 || w0[0] > x1 || w0[1] < y0 || w0[1] > y1) {
    p->syncing_w0 = TRUE;
    gtk_spin_button_set_value(p->w0x_spin, round((x0 + 0.2 * (x1 - x0)) * 10) / 10);
    gtk_spin_button_set_value(p->w0y_spin, round((y0 + 0.8 * (y1 - y0)) * 10) / 10);
    p->syncing_w0 = FALSE;
  }
  parameters_changed(p);
}

static void on_kappa_changed(GtkRange *range, GdPanel *p) {
  p->loss.param = gtk_range_get_value(range);
  if (p->loss.kind != OB_LOSS_CONDITIONED) return;
  g_clear_pointer(&p->contours, plot_contour_set_free);
  update_threshold(p);
  parameters_changed(p);
}

static void on_eta_changed(GtkRange *range, GdPanel *p) {
  (void)range;
  parameters_changed(p);
}

static void on_w0_changed(GtkSpinButton *spin, GdPanel *p) {
  (void)spin;
  if (!p->syncing_w0) parameters_changed(p);
}

static void on_point_moved(ObPlotView *plot, double x, double y, guint phase, GdPanel *p) {
  (void)plot;
  (void)phase;
  /* Starts on a 0.01 grid: the start shown is the start used. */
  p->syncing_w0 = TRUE;
  gtk_spin_button_set_value(p->w0x_spin, round(x * 100) / 100);
  gtk_spin_button_set_value(p->w0y_spin, round(y * 100) / 100);
  p->syncing_w0 = FALSE;
  parameters_changed(p);
}

static void on_log_changed(GtkSwitch *sw, GParamSpec *pspec, GdPanel *p) {
  (void)sw;
  (void)pspec;
  ob_lesson_view_report(p->view, "log_scale", gtk_switch_get_active(p->log_switch) ? "true" : "false");
  ob_plot_view_queue_rebuild(p->diag_plot);
}

static char *format_eta(GtkScale *scale, double value, gpointer data) {
  (void)scale;
  (void)data;
  return g_strdup_printf("η = %.3g", gd_eta_from_log10(value));
}

static char *format_speed(GtkScale *scale, double value, gpointer data) {
  (void)scale;
  (void)data;
  int per_s = (int)lround(pow(10.0, value));
  /* Translators: iterations per second of the runner's animation */
  return g_strdup_printf(ngettext("%d step/s", "%d steps/s", per_s), per_s);
}

static char *format_kappa(GtkScale *scale, double value, gpointer data) {
  (void)scale;
  (void)data;
  return g_strdup_printf("κ = %.3g", value);
}

/* Space plays or pauses, and the period key steps, anywhere in the runner's plots and controls
 * (a focused button or text field handles its own keys first). */
static gboolean shortcut_play(GtkWidget *widget, GVariant *args, gpointer data) {
  (void)widget;
  (void)args;
  on_play(NULL, data);
  return TRUE;
}

static gboolean shortcut_step(GtkWidget *widget, GVariant *args, gpointer data) {
  (void)widget;
  (void)args;
  GdPanel *p = data;
  if (gd_run_can_step(&p->run)) on_step(NULL, p);
  return TRUE;
}

static void add_shortcuts(GtkWidget *widget, GdPanel *p) {
  GtkEventController *c = gtk_shortcut_controller_new();
  gtk_shortcut_controller_add_shortcut(
      GTK_SHORTCUT_CONTROLLER(c), gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_space, 0),
                                                   gtk_callback_action_new(shortcut_play, p, NULL)));
  gtk_shortcut_controller_add_shortcut(
      GTK_SHORTCUT_CONTROLLER(c), gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_period, 0),
                                                   gtk_callback_action_new(shortcut_step, p, NULL)));
  gtk_widget_add_controller(widget, c);
}

/* ---- building the panel ---- */

static void gd_panel_free(gpointer data) {
  GdPanel *p = data;
  if (p->contour_plot) {
    if (p->tick_id) gtk_widget_remove_tick_callback(GTK_WIDGET(p->contour_plot), p->tick_id);
    g_object_remove_weak_pointer(G_OBJECT(p->contour_plot), (gpointer *)&p->contour_plot);
  }
  gd_run_clear(&p->run);
  g_clear_pointer(&p->contours, plot_contour_set_free);
  g_free(p);
}

static GtkWidget *grid_label(GtkGrid *grid, const char *mnemonic, GtkWidget *target, int row) {
  GtkWidget *label = gtk_label_new_with_mnemonic(mnemonic);
  gtk_label_set_xalign(GTK_LABEL(label), 0);
  gtk_label_set_mnemonic_widget(GTK_LABEL(label), target);
  gtk_accessible_update_relation(GTK_ACCESSIBLE(target), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_grid_attach(grid, label, 0, row, 1, 1);
  gtk_grid_attach(grid, target, 1, row, 1, 1);
  return label;
}

static GtkWidget *log_scale_new(const char *name, double lo, double hi, double step, double value) {
  GtkWidget *scale = gtk_scale_new_with_range(GTK_ORIENTATION_HORIZONTAL, lo, hi, step);
  gtk_range_set_value(GTK_RANGE(scale), value);
  gtk_scale_set_draw_value(GTK_SCALE(scale), TRUE);
  gtk_scale_set_value_pos(GTK_SCALE(scale), GTK_POS_RIGHT);
  gtk_widget_set_hexpand(scale, TRUE);
  gtk_widget_set_name(scale, name);
  return scale;
}

static GtkWidget *spin_new(const char *name, double value) {
  GtkWidget *spin = gtk_spin_button_new_with_range(-10, 10, 0.1);
  gtk_spin_button_set_digits(GTK_SPIN_BUTTON(spin), 2);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(spin), value);
  gtk_widget_set_name(spin, name);
  return spin;
}

static void gd_create_panel(ObLessonView *view) {
  GdPanel *p = g_new0(GdPanel, 1);
  p->view = view;
  p->loss = (ObLoss){OB_LOSS_ANISOTROPIC, 10};

  /* Text */
  GtkWidget *text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *intro = gtk_label_new(NULL);
  gtk_label_set_markup(GTK_LABEL(intro),
                       _("Put the step size back into the steepest-descent direction and repeat: "
                         "<b><i>w</i><sub><i>k</i>+1</sub> = <i>w</i><sub><i>k</i></sub> − η ∇<i>L</i>(<i>w</i><sub><i>k</i></sub>)</b>. "
                         "To first order one step lowers the loss by η‖∇<i>L</i>(<i>w</i><sub><i>k</i></sub>)‖², "
                         "but the Taylor model is only local: a step that is too long overshoots, and the loss can grow "
                         "without bound. Click or drag on the contours to choose the start <i>w</i>₀ (arrow keys move it), "
                         "then play the run or step through it and watch the four diagnostics grow."));
  GtkWidget *threshold = gtk_label_new(NULL);
  for (int i = 0; i < 2; i++) {
    GtkLabel *l = GTK_LABEL(i ? threshold : intro);
    gtk_label_set_wrap(l, TRUE);
    gtk_label_set_xalign(l, 0);
  }
  p->threshold_label = GTK_LABEL(threshold);
  gtk_widget_set_name(threshold, "threshold-label");
  gtk_box_append(GTK_BOX(text), intro);
  gtk_box_append(GTK_BOX(text), threshold);
  ob_lesson_view_set_text(view, text);

  /* Visual: the banner, the status line, the contours and the diagnostics. */
  GtkWidget *visual = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  p->visual = visual;
  GtkWidget *banner = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_name(banner, "divergence-banner");
  gtk_widget_add_css_class(banner, "card");
  gtk_widget_set_margin_start(banner, 8);
  gtk_widget_set_margin_end(banner, 8);
  gtk_widget_set_margin_top(banner, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name("dialog-warning-symbolic");
  gtk_widget_add_css_class(icon, "error");
  gtk_widget_set_margin_start(icon, 10);
  GtkWidget *banner_label = gtk_label_new(NULL);
  gtk_label_set_wrap(GTK_LABEL(banner_label), TRUE);
  gtk_label_set_xalign(GTK_LABEL(banner_label), 0);
  gtk_widget_add_css_class(banner_label, "error");
  gtk_widget_set_margin_top(banner_label, 8);
  gtk_widget_set_margin_bottom(banner_label, 8);
  gtk_widget_set_margin_end(banner_label, 10);
  gtk_widget_set_hexpand(banner_label, TRUE);
  gtk_accessible_update_property(GTK_ACCESSIBLE(banner), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Divergence"), -1);
  gtk_box_append(GTK_BOX(banner), icon);
  gtk_box_append(GTK_BOX(banner), banner_label);
  gtk_widget_set_visible(banner, FALSE);
  p->banner = banner;
  p->banner_label = GTK_LABEL(banner_label);
  GtkWidget *status = gtk_label_new(NULL);
  gtk_label_set_wrap(GTK_LABEL(status), TRUE);
  gtk_label_set_xalign(GTK_LABEL(status), 0);
  gtk_widget_add_css_class(status, "numeric");
  gtk_widget_set_name(status, "status-label");
  p->status_label = GTK_LABEL(status);
  GtkWidget *contour = ob_plot_view_new(build_contour_figure, p, _("Contour plot of the loss with the gradient-descent path"));
  gtk_widget_set_name(contour, "contour-plot");
  ob_plot_view_set_natural_size(OB_PLOT_VIEW(contour), 420, 440);
  gtk_widget_set_size_request(contour, 300, 440);
  ob_plot_view_set_interactive_axes(OB_PLOT_VIEW(contour), 0);
  p->contour_plot = OB_PLOT_VIEW(contour);
  g_object_add_weak_pointer(G_OBJECT(contour), (gpointer *)&p->contour_plot);
  GtkWidget *diag = ob_plot_view_new(build_diagnostics_figure, p, _("The four diagnostics of the run"));
  gtk_widget_set_name(diag, "diagnostics-plot");
  ob_plot_view_set_natural_size(OB_PLOT_VIEW(diag), 460, 440);
  gtk_widget_set_size_request(diag, 320, 440);
  p->diag_plot = OB_PLOT_VIEW(diag);
  /* The run's buttons sit on the plots, so playing never needs a scroll away from them. */
  GtkWidget *buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_margin_start(buttons, 10);
  gtk_widget_set_margin_end(buttons, 10);
  gtk_widget_set_margin_top(buttons, 8);
  GtkWidget *plots = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_box_set_homogeneous(GTK_BOX(plots), FALSE);
  gtk_box_append(GTK_BOX(plots), contour);
  gtk_box_append(GTK_BOX(plots), diag);
  gtk_box_append(GTK_BOX(visual), buttons);
  gtk_box_append(GTK_BOX(visual), banner);
  gtk_box_append(GTK_BOX(visual), plots);

  /* Controls */
  GtkWidget *controls = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_hexpand(controls, TRUE);
  GtkWidget *grid = gtk_grid_new();
  gtk_grid_set_row_spacing(GTK_GRID(grid), 8);
  gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
  const char *names[GD_N_LOSSES + 1];
  for (int i = 0; i < GD_N_LOSSES; i++) names[i] = loss_name(gd_losses[i]);
  names[GD_N_LOSSES] = NULL;
  GtkWidget *dropdown = gtk_drop_down_new_from_strings(names);
  gtk_widget_set_name(dropdown, "loss-dropdown");
  gtk_widget_set_halign(dropdown, GTK_ALIGN_START);
  gtk_drop_down_set_selected(GTK_DROP_DOWN(dropdown), 1);
  p->loss_dropdown = GTK_DROP_DOWN(dropdown);
  /* Translators: label of the loss drop-down */
  grid_label(GTK_GRID(grid), _("_Loss"), dropdown, 0);
  GtkWidget *kappa = log_scale_new("kappa-scale", 1, 50, 0.5, 10);
  gtk_scale_set_digits(GTK_SCALE(kappa), 1);
  gtk_scale_set_format_value_func(GTK_SCALE(kappa), format_kappa, NULL, NULL);
  p->kappa_scale = kappa;
  /* Translators: label of the condition-number slider */
  p->kappa_label = grid_label(GTK_GRID(grid), _("Condition _number"), kappa, 1);
  GtkWidget *eta = log_scale_new("eta-scale", -4, 1, 0.01, log10(0.1));
  gtk_scale_set_digits(GTK_SCALE(eta), 3);
  gtk_scale_set_format_value_func(GTK_SCALE(eta), format_eta, NULL, NULL);
  p->eta_scale = GTK_SCALE(eta);
  /* Translators: label of the step-size slider (logarithmic) */
  grid_label(GTK_GRID(grid), _("Step si_ze η"), eta, 2);
  GtkWidget *start = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *w0x = spin_new("w0x-spin", 2.0), *w0y = spin_new("w0y-spin", 2.0);
  gtk_accessible_update_property(GTK_ACCESSIBLE(w0x), GTK_ACCESSIBLE_PROPERTY_LABEL, _("First coordinate of the start"), -1);
  gtk_accessible_update_property(GTK_ACCESSIBLE(w0y), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Second coordinate of the start"), -1);
  gtk_box_append(GTK_BOX(start), w0x);
  gtk_box_append(GTK_BOX(start), w0y);
  p->w0x_spin = GTK_SPIN_BUTTON(w0x);
  p->w0y_spin = GTK_SPIN_BUTTON(w0y);
  /* Translators: label of the start point's two coordinates */
  GtkWidget *start_label = gtk_label_new_with_mnemonic(_("Start _w₀"));
  gtk_label_set_xalign(GTK_LABEL(start_label), 0);
  gtk_label_set_mnemonic_widget(GTK_LABEL(start_label), w0x);
  gtk_grid_attach(GTK_GRID(grid), start_label, 0, 3, 1, 1);
  gtk_grid_attach(GTK_GRID(grid), start, 1, 3, 1, 1);
  GtkWidget *speed = log_scale_new("speed-scale", 0, 3, 0.05, 1);
  gtk_scale_set_format_value_func(GTK_SCALE(speed), format_speed, NULL, NULL);
  p->speed_scale = GTK_RANGE(speed);
  /* Translators: label of the animation-speed slider */
  grid_label(GTK_GRID(grid), _("Spee_d"), speed, 4);
  GtkWidget *log_switch = gtk_switch_new();
  gtk_widget_set_name(log_switch, "log-switch");
  gtk_widget_set_halign(log_switch, GTK_ALIGN_START);
  p->log_switch = GTK_SWITCH(log_switch);
  /* Translators: label of the switch between linear and logarithmic y-axes of the diagnostics */
  grid_label(GTK_GRID(grid), _("Lo_garithmic y-axes"), log_switch, 5);
  gtk_box_append(GTK_BOX(controls), grid);

  GtkWidget *play = gtk_button_new_with_mnemonic(_("_Play"));
  gtk_widget_set_name(play, "play-button");
  gtk_widget_add_css_class(play, "suggested-action");
  gtk_widget_set_tooltip_text(play, _("Play or pause the run (Space)"));
  /* Translators: one iteration of gradient descent */
  GtkWidget *step = gtk_button_new_with_mnemonic(_("S_tep"));
  gtk_widget_set_name(step, "step-button");
  gtk_widget_set_tooltip_text(step, _("Take one iteration (period key)"));
  GtkWidget *reset = gtk_button_new_with_mnemonic(_("Reset Ru_n"));
  gtk_widget_set_name(reset, "reset-button");
  gtk_widget_set_tooltip_text(reset, _("Back to the start w₀, no iterations"));
  p->play_button = GTK_BUTTON(play);
  p->step_button = GTK_BUTTON(step);
  p->reset_button = GTK_BUTTON(reset);
  gtk_box_append(GTK_BOX(buttons), play);
  gtk_box_append(GTK_BOX(buttons), step);
  gtk_box_append(GTK_BOX(buttons), reset);
  gtk_widget_set_margin_start(status, 6);
  gtk_widget_set_margin_top(status, 0);
  gtk_widget_set_hexpand(status, TRUE);
  gtk_box_append(GTK_BOX(buttons), status);
  add_shortcuts(visual, p);
  add_shortcuts(controls, p);

  g_object_set_data_full(G_OBJECT(view), "ob-gradient-descent", p, gd_panel_free);
  ob_lesson_view_set_visual(view, visual, _("Contours of the loss with the gradient-descent path, and its diagnostics"));
  ob_lesson_view_set_controls(view, controls);
  char *code = ob_lesson_load_text("gradient-descent", "example.py");
  ob_lesson_view_set_example(view, code);
  g_free(code);

  /* The first run, then the handlers, then the saved state (which runs the handlers). */
  p->loss.kind = gd_losses[gtk_drop_down_get_selected(p->loss_dropdown)];
  gtk_widget_set_visible(p->kappa_label, FALSE);
  gtk_widget_set_visible(p->kappa_scale, FALSE);
  update_threshold(p);
  restart_run(p);
  on_log_changed(p->log_switch, NULL, p);
  update_view(p);
  g_signal_connect(dropdown, "notify::selected", G_CALLBACK(on_loss_changed), p);
  g_signal_connect(kappa, "value-changed", G_CALLBACK(on_kappa_changed), p);
  g_signal_connect(eta, "value-changed", G_CALLBACK(on_eta_changed), p);
  g_signal_connect(w0x, "value-changed", G_CALLBACK(on_w0_changed), p);
  g_signal_connect(w0y, "value-changed", G_CALLBACK(on_w0_changed), p);
  g_signal_connect(contour, "point-moved", G_CALLBACK(on_point_moved), p);
  g_signal_connect(contour, "unmap", G_CALLBACK(on_plot_unmap), p);
  g_signal_connect(log_switch, "notify::active", G_CALLBACK(on_log_changed), p);
  g_signal_connect(play, "clicked", G_CALLBACK(on_play), p);
  g_signal_connect(step, "clicked", G_CALLBACK(on_step), p);
  g_signal_connect(reset, "clicked", G_CALLBACK(on_reset), p);
  ob_lesson_view_bind_state(view, "loss", dropdown, "selected");
  ob_lesson_view_bind_state(view, "kappa", gtk_range_get_adjustment(GTK_RANGE(kappa)), "value");
  ob_lesson_view_bind_state(view, "eta", gtk_range_get_adjustment(GTK_RANGE(eta)), "value");
  ob_lesson_view_bind_state(view, "w0x", gtk_spin_button_get_adjustment(p->w0x_spin), "value");
  ob_lesson_view_bind_state(view, "w0y", gtk_spin_button_get_adjustment(p->w0y_spin), "value");
  ob_lesson_view_bind_state(view, "speed", gtk_range_get_adjustment(GTK_RANGE(speed)), "value");
  ob_lesson_view_bind_state(view, "log-scale", log_switch, "active");
}
