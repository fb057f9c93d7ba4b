/* diagnostics.c — lesson "diagnostics" (lecture §2.6): what to watch during a run. A gradient-descent
 * run on a 2-D loss (the runner model of gradient-descent/gd-run.c) with its four diagnostics —
 * objective, gap to L* when known, gradient norm, plateau metric |L(w_{k+1}) − L(w_k)| — on linear or
 * logarithmic axes; and the same four for ½‖w‖² in d = 1000 dimensions (engine tensors, gradient by
 * autodiff), whose iterates could not be drawn but whose diagnostics look just the same.
 *
 * Reports (for the display tests):
 *   "loss" (id), "eta", "steps", "w0" (2 doubles), "iterations" (taken; fewer than steps after a
 *   divergence), "diverged" ("true"/"false"), "final_value", "final_grad_norm", "final_gap" (absent
 *   when L* is unknown), "lstar" (likewise), "log_scale" ("true"/"false"); for the d-dimensional run
 *   "d_dim", "d_value0" (L(w₀)), "d_final_value", "d_final_grad_norm", "d_iterations", "d_diverged".
 *
 * Widgets by name: "loss-dropdown", "eta-scale", "steps-spin", "log-switch", "diagnostics-plot",
 * "high-dim-plot".
 */
#include "optbench-config.h"

#include <math.h>
#include <stdlib.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "ob-lesson.h"
#include "ob-lesson-view.h"
#include "ob-plot-view.h"
#include "../gradient-descent/gd-run.h"

static void diag_create_panel(ObLessonView *view);

const ObLessonInfo ob_lesson_diagnostics = {
  .id = "diagnostics",
  .section = 2,
  .order = 5,
  .title = N_("Diagnostics"),
  /* Translators: search words for the Diagnostics lesson, separated by spaces */
  .keywords = N_("diagnostics objective gap gradient norm plateau monitoring logarithmic convergence"),
  .create_panel = diag_create_panel,
};

static const ObLossKind diag_losses[] = {OB_LOSS_LOGISTIC, OB_LOSS_HALF_NORM, OB_LOSS_ANISOTROPIC,
                                         OB_LOSS_ROSENBROCK, OB_LOSS_HIMMELBLAU};
/* Where each run starts (same order): away from the minimizer, inside the loss's usual window. */
static const double diag_starts[][2] = {{-3, 4}, {1.5, 1}, {2, 2}, {-1.5, 2}, {0, 0}};
enum { DIAG_N_LOSSES = G_N_ELEMENTS(diag_losses), DIAG_DIM = 1000 };

typedef struct {
  ObLessonView *view;
  GdRun run;
  ObLoss loss;
  double l_star;
  gboolean has_l_star, l_star_computed;
  /* The d-dimensional run: values and gradient norms, iterates 0..d_n-1. */
  double *d_value, *d_grad_norm;
  int d_n;
  gboolean d_diverged;

  GtkWidget *visual;
  ObPlotView *plot, *high_plot;
  GtkDropDown *loss_dropdown;
  GtkRange *eta_scale;
  GtkSpinButton *steps_spin;
  GtkSwitch *log_switch;
  GtkLabel *lstar_label;
  guint recompute_id; /* a pending recompute (idle source), 0 when none */
} DiagPanel;

static const char *loss_name(ObLossKind kind) {
  switch (kind) {
  case OB_LOSS_HALF_NORM: return "½‖w‖²";
  case OB_LOSS_ANISOTROPIC: return "w₁² + 0.2 w₂²";
  case OB_LOSS_ROSENBROCK: return _("Rosenbrock");
  case OB_LOSS_LOGISTIC: return _("Logistic regression");
  case OB_LOSS_HIMMELBLAU: return _("Himmelblau");
  default: return "";
  }
}

static double panel_eta(DiagPanel *p) { return gd_eta_from_log10(gtk_range_get_value(p->eta_scale)); }

/* ---- the d-dimensional run: ½‖w‖² with w ∈ R^d, everything on engine tensors ---- */

/* One gradient-descent run of `steps` iterations from a seeded normal w₀ (the caller's generator
 * state is restored). value/grad_norm receive steps + 1 numbers; returns how many iterates were
 * computed (fewer after a divergence), 0 on an engine error. */
static int high_dim_run(double eta, int steps, double *value, double *grad_norm, gboolean *diverged) {
  *diverged = FALSE;
  tn_rng_state *saved = tn_get_rng_state();
  tn_manual_seed(0);
  int64_t shape[1] = {DIAG_DIM};
  tn_tensor *w = tn_randn(1, shape, TN_OPTS(TN_DTYPE_FLOAT64));
  if (saved) {
    tn_set_rng_state(saved);
    tn_rng_state_free(saved);
  }
  if (!w) return 0;
  tn_tensor *half = tn_wrap_scalar(tn_scalar_float(0.5));
  int n = 0;
  for (int k = 0; k <= steps; k++) {
    /* A fresh leaf each step: the graph of L(w_k) = ½ Σ w_i², differentiated by the engine. */
    tn_tensor *leaf = tn_detach(w), *grad = NULL, *loss = NULL;
    tn_tensor *flag = leaf ? tn_requires_grad_(leaf, true) : NULL;
    tn_tensor *sq = flag ? tn_mul(leaf, leaf) : NULL;
    tn_tensor *sum = sq ? tn_sum(sq, 0, NULL, false, TN_DTYPE_UNDEFINED) : NULL;
    loss = sum ? tn_mul(half, sum) : NULL;
    int rc = loss ? tn_autograd_grad(1, &loss, NULL, 1, &leaf, false, false, false, &grad) : -1;
    tn_tensor *norm = rc == 0 ? tn_linalg_vector_norm(grad, 2, 0, NULL, false) : NULL;
    tn_scalar v, g;
    gboolean ok = norm && tn_item(loss, &v) == 0 && tn_item(norm, &g) == 0;
    tn_tensor *next = NULL;
    if (ok) {
      value[n] = tn_scalar_to_double(v);
      grad_norm[n] = tn_scalar_to_double(g);
      if (!isfinite(value[n]) || !isfinite(grad_norm[n])) {
        *diverged = TRUE;
        ok = FALSE;
      } else {
        n++;
        if (n > 1 && fabs(value[n - 1]) > GD_RUN_BLOWUP * fmax(fabs(value[0]), 1.0)) {
          *diverged = TRUE;
          ok = FALSE;
        } else if (k < steps) {
          next = tn_sub_alpha(w, grad, tn_scalar_float(eta)); /* w ← w − η∇L(w), outside the graph */
          ok = next != NULL;
        }
      }
    }
    tn_release(norm);
    tn_release(grad);
    tn_release(loss);
    tn_release(sum);
    tn_release(sq);
    tn_release(flag);
    tn_release(leaf);
    if (!ok || !next) {
      if (!ok && !*diverged) n = 0;
      break;
    }
    tn_release(w);
    w = next;
  }
  tn_release(half);
  tn_release(w);
  return n;
}

/* ---- figures ---- */

static void fill_diagnostics(GdDiagnostics *d, const double *value, const double *grad_norm, int n, gboolean has_l_star,
                             double l_star, gboolean log_y) {
  *d = (GdDiagnostics){
    .value = value,
    .grad_norm = grad_norm,
    .n = n,
    .has_l_star = has_l_star,
    .l_star = l_star,
    .log_y = log_y,
    /* Formulas only: the text above names them. */
    .titles = {"<i>L</i>(<i>w</i><sub><i>k</i></sub>)", "<i>L</i>(<i>w</i><sub><i>k</i></sub>) − <i>L</i>*",
               "‖∇<i>L</i>(<i>w</i><sub><i>k</i></sub>)‖",
               "|<i>L</i>(<i>w</i><sub><i>k</i>+1</sub>) − <i>L</i>(<i>w</i><sub><i>k</i></sub>)|"},
    /* Translators: x-axis label of the diagnostics plots */
    .xlabel = _("iteration <i>k</i>"),
    /* Translators: shown instead of the gap plot */
    .no_l_star = _("<i>L</i>* unknown"),
  };
}

static PlotFigure *build_figure(gpointer data, double width, double height) {
  DiagPanel *p = data;
  PlotFigure *fig = plot_figure_new(width, height);
  GdDiagnostics d;
  fill_diagnostics(&d, p->run.value, p->run.grad_norm, p->run.n, p->has_l_star, p->l_star,
                   gtk_switch_get_active(p->log_switch));
  gd_diagnostics_plot(fig, 2, 2, 0, &d);
  return fig;
}

static PlotFigure *build_high_figure(gpointer data, double width, double height) {
  DiagPanel *p = data;
  PlotFigure *fig = plot_figure_new(width, height);
  GdDiagnostics d;
  fill_diagnostics(&d, p->d_value, p->d_grad_norm, p->d_n, TRUE, 0, gtk_switch_get_active(p->log_switch));
  gd_diagnostics_plot(fig, 2, 2, 0, &d);
  return fig;
}

/* ---- the model ---- */

static void report_double(DiagPanel *p, const char *key, double v) { ob_lesson_view_report_doubles(p->view, key, &v, 1); }

static void recompute(DiagPanel *p) {
  guint i = gtk_drop_down_get_selected(p->loss_dropdown);
  if (i >= DIAG_N_LOSSES) i = 0;
  p->loss = (ObLoss){diag_losses[i], 1};
  double eta = panel_eta(p);
  int steps = gtk_spin_button_get_value_as_int(p->steps_spin);
  bool computed = false;
  p->has_l_star = gd_loss_minimum(&p->loss, &p->l_star, &computed);
  p->l_star_computed = computed;

  gd_run_reset(&p->run, &p->loss, eta, diag_starts[i]);
  gd_run_step(&p->run, steps);

  p->d_value = g_renew(double, p->d_value, steps + 1);
  p->d_grad_norm = g_renew(double, p->d_grad_norm, steps + 1);
  p->d_n = high_dim_run(eta, steps, p->d_value, p->d_grad_norm, &p->d_diverged);

  ObLessonView *v = p->view;
  GdRun *r = &p->run;
  ob_lesson_view_report(v, "loss", ob_loss_id(p->loss.kind));
  report_double(p, "eta", eta);
  char buf[32];
  g_snprintf(buf, sizeof buf, "%d", steps);
  ob_lesson_view_report(v, "steps", buf);
  ob_lesson_view_report_doubles(v, "w0", r->w0, 2);
  g_snprintf(buf, sizeof buf, "%d", gd_run_iterations(r));
  ob_lesson_view_report(v, "iterations", buf);
  ob_lesson_view_report(v, "diverged", r->diverged ? "true" : "false");
  if (r->n >= 1) {
    report_double(p, "final_value", r->value[r->n - 1]);
    report_double(p, "final_grad_norm", r->grad_norm[r->n - 1]);
    if (p->has_l_star) report_double(p, "final_gap", r->value[r->n - 1] - p->l_star);
    else ob_lesson_view_report(v, "final_gap", NULL);
  }
  if (p->has_l_star) report_double(p, "lstar", p->l_star);
  else ob_lesson_view_report(v, "lstar", NULL);
  g_snprintf(buf, sizeof buf, "%d", DIAG_DIM);
  ob_lesson_view_report(v, "d_dim", buf);
  if (p->d_n >= 1) {
    report_double(p, "d_value0", p->d_value[0]);
    report_double(p, "d_final_value", p->d_value[p->d_n - 1]);
    report_double(p, "d_final_grad_norm", p->d_grad_norm[p->d_n - 1]);
  }
  g_snprintf(buf, sizeof buf, "%d", p->d_n > 0 ? p->d_n - 1 : 0);
  ob_lesson_view_report(v, "d_iterations", buf);
  ob_lesson_view_report(v, "d_diverged", p->d_diverged ? "true" : "false");

  /* What L* is, and where it comes from. */
  char *text;
  if (p->has_l_star && p->l_star_computed)
    text = g_strdup_printf(
        /* Translators: %s is the computed minimum value */
        _("<i>L</i>* = %.10g. Logistic regression has no closed-form minimizer, so the workbench computed "
          "<i>L</i>* once with Newton's method, using the engine's gradient and Hessian, until the gradient vanished."),
        p->l_star);
  else if (p->has_l_star)
    text = g_strdup_printf(_("<i>L</i>* = %g is known in closed form for this loss."), p->l_star);
  else
    text = g_strdup(_("<i>L</i>* is not known for this loss, so its gap cannot be plotted."));
  gtk_label_set_markup(p->lstar_label, text);
  g_free(text);

  char *desc = g_strdup_printf(
      /* Translators: accessible description of the diagnostics plots */
      _("Diagnostics of gradient descent on %s with step size %.3g over %d iterations: final loss %.4g, final "
        "gradient norm %.3g%s. Below, the same four diagnostics for one half the squared norm in %d dimensions: "
        "final loss %.4g."),
      loss_name(p->loss.kind), eta, gd_run_iterations(r), r->n ? r->value[r->n - 1] : NAN,
      r->n ? r->grad_norm[r->n - 1] : NAN, r->diverged ? _(", diverged") : "", DIAG_DIM,
      p->d_n ? p->d_value[p->d_n - 1] : NAN);
  gtk_accessible_update_property(GTK_ACCESSIBLE(p->visual), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc, -1);
  g_free(desc);
  ob_plot_view_queue_rebuild(p->plot);
  ob_plot_view_queue_rebuild(p->high_plot);
}

static gboolean recompute_idle(gpointer data) {
  DiagPanel *p = data;
  p->recompute_id = 0;
  recompute(p);
  return G_SOURCE_REMOVE;
}

/* A slider drag changes the value many times a frame: the runs are recomputed once, when the
 * main loop is idle, with the latest values. */
static void schedule_recompute(DiagPanel *p) {
  if (!p->recompute_id) p->recompute_id = g_idle_add(recompute_idle, p);
}

static void on_loss_changed(GtkDropDown *d, GParamSpec *pspec, DiagPanel *p) {
  (void)d;
  (void)pspec;
  schedule_recompute(p);
}

static void on_value_changed(GtkWidget *w, DiagPanel *p) {
  (void)w;
  schedule_recompute(p);
}

static void on_log_changed(GtkSwitch *sw, GParamSpec *pspec, DiagPanel *p) {
  (void)pspec;
  ob_lesson_view_report(p->view, "log_scale", gtk_switch_get_active(sw) ? "true" : "false");
  ob_plot_view_queue_rebuild(p->plot);
  ob_plot_view_queue_rebuild(p->high_plot);
}

static char *format_eta(GtkScale *scale, double value, gpointer data) {
  (void)scale;
  (void)data;
  return g_strdup_printf("η = %.3g", gd_eta_from_log10(value));
}

static void diag_panel_free(gpointer data) {
  DiagPanel *p = data;
  if (p->recompute_id) g_source_remove(p->recompute_id);
  gd_run_clear(&p->run);
  g_free(p->d_value);
  g_free(p->d_grad_norm);
  g_free(p);
}

static GtkWidget *wrapped_label(const char *markup) {
  GtkWidget *l = gtk_label_new(NULL);
  gtk_label_set_markup(GTK_LABEL(l), markup);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  return l;
}

static void grid_row(GtkGrid *grid, const char *mnemonic, GtkWidget *target, int row) {
  GtkWidget *label = gtk_label_new_with_mnemonic(mnemonic);
  gtk_label_set_xalign(GTK_LABEL(label), 0);
  gtk_label_set_mnemonic_widget(GTK_LABEL(label), target);
  gtk_accessible_update_relation(GTK_ACCESSIBLE(target), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_grid_attach(grid, label, 0, row, 1, 1);
  gtk_grid_attach(grid, target, 1, row, 1, 1);
}

static GtkWidget *caption(const char *markup) {
  GtkWidget *l = wrapped_label(markup);
  gtk_widget_add_css_class(l, "heading");
  gtk_widget_set_margin_start(l, 12);
  gtk_widget_set_margin_end(l, 12);
  gtk_widget_set_margin_top(l, 10);
  return l;
}

static void diag_create_panel(ObLessonView *view) {
  DiagPanel *p = g_new0(DiagPanel, 1);
  p->view = view;

  /* Text */
  GtkWidget *text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append(GTK_BOX(text),
                 wrapped_label(_("A run of gradient descent is a sequence <i>w</i>₀, <i>w</i>₁, <i>w</i>₂, … and we need to "
                                 "know whether it is getting anywhere. The same scalars that served in one dimension "
                                 "still do: the <b>objective</b> <i>L</i>(<i>w</i><sub><i>k</i></sub>); the <b>gap</b> "
                                 "<i>L</i>(<i>w</i><sub><i>k</i></sub>) − <i>L</i>*, when the optimal value <i>L</i>* is "
                                 "known; and the <b>gradient norm</b> ‖∇<i>L</i>(<i>w</i><sub><i>k</i></sub>)‖, which "
                                 "vanishes at a stationary point.")));
  gtk_box_append(GTK_BOX(text),
                 wrapped_label(_("A fourth, crude but practical, is the <b>plateau metric</b> "
                                 "|<i>L</i>(<i>w</i><sub><i>k</i>+1</sub>) − <i>L</i>(<i>w</i><sub><i>k</i></sub>)|: how much "
                                 "one step still changes the loss. When it is tiny the run has either arrived or stalled "
                                 "on a floor; the gradient norm tells which. On a logarithmic axis steady (linear) "
                                 "convergence is a straight line.")));
  gtk_box_append(GTK_BOX(text),
                 wrapped_label(_("Why not plot the iterates themselves, as in one dimension? Because "
                                 "<i>w</i><sub><i>k</i></sub> has <i>d</i> coordinates: for <i>d</i> = 1000 there is no "
                                 "picture to draw, keeping every iterate costs memory proportional to <i>T·d</i>, and "
                                 "printing them is unreadable. The four numbers above summarise a step whatever "
                                 "<i>d</i> is — compare the 2-D run with the run in 1000 dimensions below.")));
  GtkWidget *lstar = wrapped_label("");
  gtk_widget_set_name(lstar, "lstar-label");
  gtk_widget_add_css_class(lstar, "dim-label");
  p->lstar_label = GTK_LABEL(lstar);
  gtk_box_append(GTK_BOX(text), lstar);
  ob_lesson_view_set_text(view, text);

  /* Visual: the 2-D run's diagnostics, then the d-dimensional run's. */
  GtkWidget *visual = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
  p->visual = visual;
  /* Translators: caption above the first row of diagnostics plots */
  gtk_box_append(GTK_BOX(visual), caption(_("A run on a two-dimensional loss")));
  GtkWidget *plot = ob_plot_view_new(build_figure, p, _("Diagnostics of the two-dimensional run"));
  gtk_widget_set_name(plot, "diagnostics-plot");
  ob_plot_view_set_natural_size(OB_PLOT_VIEW(plot), 860, 380);
  gtk_widget_set_size_request(plot, -1, 380);
  p->plot = OB_PLOT_VIEW(plot);
  gtk_box_append(GTK_BOX(visual), plot);
  char *high_caption = g_strdup_printf(
      /* Translators: caption above the second row of diagnostics plots; %d is the dimension */
      _("The same step size on ½‖<i>w</i>‖² in <i>d</i> = %d dimensions (engine tensors, gradient by autodiff)"), DIAG_DIM);
  gtk_box_append(GTK_BOX(visual), caption(high_caption));
  g_free(high_caption);
  GtkWidget *high = ob_plot_view_new(build_high_figure, p, _("Diagnostics of the run in 1000 dimensions"));
  gtk_widget_set_name(high, "high-dim-plot");
  ob_plot_view_set_natural_size(OB_PLOT_VIEW(high), 860, 380);
  gtk_widget_set_size_request(high, -1, 380);
  p->high_plot = OB_PLOT_VIEW(high);
  gtk_box_append(GTK_BOX(visual), high);

  /* Controls */
  GtkWidget *grid = gtk_grid_new();
  gtk_grid_set_row_spacing(GTK_GRID(grid), 8);
  gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
  gtk_widget_set_hexpand(grid, TRUE);
  const char *names[DIAG_N_LOSSES + 1];
  for (int i = 0; i < DIAG_N_LOSSES; i++) names[i] = loss_name(diag_losses[i]);
  names[DIAG_N_LOSSES] = NULL;
  GtkWidget *dropdown = gtk_drop_down_new_from_strings(names);
  gtk_widget_set_name(dropdown, "loss-dropdown");
  gtk_widget_set_halign(dropdown, GTK_ALIGN_START);
  p->loss_dropdown = GTK_DROP_DOWN(dropdown);
  /* Translators: label of the loss drop-down */
  grid_row(GTK_GRID(grid), _("_Loss"), dropdown, 0);
  GtkWidget *eta = gtk_scale_new_with_range(GTK_ORIENTATION_HORIZONTAL, -4, 1, 0.01);
  gtk_range_set_value(GTK_RANGE(eta), log10(0.5));
  gtk_scale_set_draw_value(GTK_SCALE(eta), TRUE);
  gtk_scale_set_value_pos(GTK_SCALE(eta), GTK_POS_RIGHT);
  gtk_scale_set_format_value_func(GTK_SCALE(eta), format_eta, NULL, NULL);
  static const char *const decades[] = {"10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "1", "10"};
  for (int e = -4; e <= 1; e++) gtk_scale_add_mark(GTK_SCALE(eta), e, GTK_POS_BOTTOM, decades[e + 4]);
  gtk_widget_set_hexpand(eta, TRUE);
  gtk_widget_set_name(eta, "eta-scale");
  p->eta_scale = GTK_RANGE(eta);
  /* Translators: label of the step-size slider (logarithmic) */
  grid_row(GTK_GRID(grid), _("Step si_ze η"), eta, 1);
  GtkWidget *steps = gtk_spin_button_new_with_range(1, 2000, 10);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(steps), 200);
  gtk_widget_set_halign(steps, GTK_ALIGN_START);
  gtk_widget_set_name(steps, "steps-spin");
  p->steps_spin = GTK_SPIN_BUTTON(steps);
  /* Translators: label of the number of gradient-descent iterations */
  grid_row(GTK_GRID(grid), _("_Iterations"), steps, 2);
  GtkWidget *log_switch = gtk_switch_new();
  gtk_widget_set_halign(log_switch, GTK_ALIGN_START);
  gtk_widget_set_name(log_switch, "log-switch");
  gtk_switch_set_active(GTK_SWITCH(log_switch), TRUE);
  p->log_switch = GTK_SWITCH(log_switch);
  /* Translators: label of the switch between linear and logarithmic y-axes */
  grid_row(GTK_GRID(grid), _("Lo_garithmic y-axes"), log_switch, 3);

  g_object_set_data_full(G_OBJECT(view), "ob-diagnostics", p, diag_panel_free);
  ob_lesson_view_set_visual(view, visual, _("Diagnostics of a gradient-descent run"));
  ob_lesson_view_set_controls(view, grid);
  char *code = ob_lesson_load_text("diagnostics", "example.py");
  ob_lesson_view_set_example(view, code);
  g_free(code);

  recompute(p);
  on_log_changed(p->log_switch, NULL, p);
  g_signal_connect(dropdown, "notify::selected", G_CALLBACK(on_loss_changed), p);
  g_signal_connect(eta, "value-changed", G_CALLBACK(on_value_changed), p);
  g_signal_connect(steps, "value-changed", G_CALLBACK(on_value_changed), p);
  g_signal_connect(log_switch, "notify::active", G_CALLBACK(on_log_changed), p);
  ob_lesson_view_bind_state(view, "loss", dropdown, "selected");
  ob_lesson_view_bind_state(view, "eta", gtk_range_get_adjustment(GTK_RANGE(eta)), "value");
  ob_lesson_view_bind_state(view, "steps", gtk_spin_button_get_adjustment(p->steps_spin), "value");
  ob_lesson_view_bind_state(view, "log-scale", log_switch, "active");
}
