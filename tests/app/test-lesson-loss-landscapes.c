/* test-lesson-loss-landscapes.c — the Loss Landscapes lesson: choose losses through the dropdown,
 * move the point by dragging and with the arrow keys, and compare the reported autodiff gradient with
 * closed forms (and, for the logistic loss, with a finite difference computed here from loss
 * values). Screenshots in light and dark. */
#include "optbench-config.h"

#include <math.h>
#include <stdlib.h>

#include "lesson-harness.h"
#include "losses.h"

typedef struct {
  ObLessonView *view;
  ObPlotView *plot;
  GtkDropDown *loss;
  GtkRange *kappa;
} Panel;

static Panel open_panel(void) {
  Panel p;
  p.view = harness_open_lesson("loss-landscapes");
  GtkWidget *root = GTK_WIDGET(p.view);
  p.plot = OB_PLOT_VIEW(harness_find_by_name(root, "plot"));
  p.loss = GTK_DROP_DOWN(harness_find_by_name(root, "loss-dropdown"));
  p.kappa = GTK_RANGE(harness_find_by_name(root, "kappa-scale"));
  g_assert_nonnull(p.plot);
  g_assert_nonnull(p.loss);
  g_assert_nonnull(p.kappa);
  return p;
}

/* Dropdown positions, in the lesson's order. */
enum { HALF_NORM, ANISOTROPIC, CONDITIONED, ROSENBROCK, SADDLE, LOGISTIC };

static void select_loss(Panel *p, guint index, const char *id) {
  gtk_drop_down_set_selected(p->loss, index);
  harness_settle();
  g_assert_cmpstr(ob_lesson_view_get_report(p->view, "loss"), ==, id);
}

static void read_point(Panel *p, double w[2], double g[2]) {
  harness_report_doubles(p->view, "w", w, 2);
  harness_report_doubles(p->view, "grad", g, 2);
}

static void assert_close(double got, double want, double tol) {
  if (!(fabs(got - want) <= tol * MAX(1.0, fabs(want))))
    g_error("got %.17g, want %.17g (tolerance %g)", got, want, tol);
}

/* The autodiff gradient agrees with the reported finite-difference one, and the norm with the
 * gradient's components. */
static void assert_consistent(Panel *p) {
  double g[2], fd[2], norm;
  harness_report_doubles(p->view, "grad", g, 2);
  harness_report_doubles(p->view, "fd_grad", fd, 2);
  harness_report_doubles(p->view, "grad_norm", &norm, 1);
  assert_close(fd[0], g[0], 1e-6);
  assert_close(fd[1], g[1], 1e-6);
  assert_close(norm, hypot(g[0], g[1]), 1e-12);
}

/* Presses an arrow key on the plot through its key controller, as a key press would. */
static void press_key(ObPlotView *plot, guint keyval) {
  GListModel *controllers = gtk_widget_observe_controllers(GTK_WIDGET(plot));
  gboolean handled = FALSE;
  for (guint i = 0; i < g_list_model_get_n_items(controllers); i++) {
    GObject *c = g_list_model_get_item(controllers, i);
    if (GTK_IS_EVENT_CONTROLLER_KEY(c)) g_signal_emit_by_name(c, "key-pressed", keyval, 0, 0, &handled);
    g_object_unref(c);
  }
  g_object_unref(controllers);
  g_assert_true(handled);
  harness_settle();
}

static void test_half_norm(void) {
  Panel p = open_panel();
  select_loss(&p, HALF_NORM, "half-norm");
  g_assert_false(gtk_widget_get_visible(GTK_WIDGET(p.kappa)));
  double pts[][2] = {{1.0, -0.5}, {-1.5, 1.25}, {0.25, 0.75}};
  /* Dragging redraws the point and its arrow over the contours, drawn once (the base layer) for the
   * first drag and reused by the others. */
  guint base_draws = 0;
  for (guint k = 0; k < G_N_ELEMENTS(pts); k++) {
    double w[2], g[2], value;
    harness_drag(p.plot, 0, 0, pts[k][0], pts[k][1]);
    if (k == 0) base_draws = ob_plot_view_get_base_draws(p.plot);
    g_assert_cmpuint(base_draws, ==, 1);
    g_assert_cmpuint(ob_plot_view_get_base_draws(p.plot), ==, base_draws);
    read_point(&p, w, g);
    /* The drag lands within a pixel of the target. */
    g_assert_cmpfloat(fabs(w[0] - pts[k][0]), <, 0.05);
    g_assert_cmpfloat(fabs(w[1] - pts[k][1]), <, 0.05);
    /* ∇½‖w‖² = w, L = ½‖w‖² */
    assert_close(g[0], w[0], 1e-12);
    assert_close(g[1], w[1], 1e-12);
    harness_report_doubles(p.view, "value", &value, 1);
    assert_close(value, 0.5 * (w[0] * w[0] + w[1] * w[1]), 1e-12);
    assert_consistent(&p);
  }
  g_test_message("contour plot: last build %" G_GINT64_FORMAT " us, render %" G_GINT64_FORMAT " us",
                 ob_plot_view_get_last_build_us(p.plot), ob_plot_view_get_last_render_us(p.plot));
  /* Another loss has other contours: its first drag draws the base again. */
  select_loss(&p, ANISOTROPIC, "anisotropic");
  harness_drag(p.plot, 0, 0, 1.0, 1.0);
  g_assert_cmpuint(ob_plot_view_get_base_draws(p.plot), ==, base_draws + 1);
  select_loss(&p, HALF_NORM, "half-norm");
  harness_screenshot("loss-landscapes-half-norm", FALSE);
  harness_screenshot("loss-landscapes-half-norm", TRUE);
}

static void test_anisotropic(void) {
  Panel p = open_panel();
  select_loss(&p, ANISOTROPIC, "anisotropic");
  double w[2], g[2];
  harness_drag(p.plot, 0, 0, 1.5, 2.0);
  read_point(&p, w, g);
  assert_close(g[0], 2 * w[0], 1e-12);
  assert_close(g[1], 0.4 * w[1], 1e-12);
  assert_consistent(&p);
}

static void test_conditioned(void) {
  Panel p = open_panel();
  select_loss(&p, CONDITIONED, "conditioned");
  g_assert_true(gtk_widget_get_visible(GTK_WIDGET(p.kappa)));
  /* The slider's position is log10 κ. */
  double positions[] = {log10(50.0), 0.0, 3.0};
  double kappas[] = {50.0, 1.0, 1000.0};
  for (guint k = 0; k < G_N_ELEMENTS(positions); k++) {
    gtk_range_set_value(p.kappa, positions[k]);
    harness_settle();
    double kappa, w[2], g[2];
    harness_report_doubles(p.view, "kappa", &kappa, 1);
    assert_close(kappa, kappas[k], 1e-9);
    harness_drag(p.plot, 0, 0, 0.5, -0.3);
    read_point(&p, w, g);
    /* ∇½(x² + κy²) = (x, κy) */
    assert_close(g[0], w[0], 1e-12);
    assert_close(g[1], kappas[k] * w[1], 1e-9);
    assert_consistent(&p);
  }
  gtk_range_set_value(p.kappa, log10(20.0));
  harness_settle();
  harness_screenshot("loss-landscapes-conditioned", FALSE);
}

static void test_saddle_keys(void) {
  Panel p = open_panel();
  select_loss(&p, SADDLE, "saddle");
  harness_drag(p.plot, 0, 0, 0.5, 0.5);
  double w0[2], w[2], g[2];
  read_point(&p, w0, g);
  gtk_widget_grab_focus(GTK_WIDGET(p.plot));
  /* Right then Up: each moves the point by 2% of the axes' range. */
  press_key(p.plot, GDK_KEY_Right);
  read_point(&p, w, g);
  g_assert_cmpfloat(w[0], >, w0[0] + 0.05);
  g_assert_cmpfloat(fabs(w[1] - w0[1]), <, 1e-9);
  assert_close(g[0], 2 * w[0], 1e-12);
  assert_close(g[1], -2 * w[1], 1e-12);
  press_key(p.plot, GDK_KEY_Up);
  press_key(p.plot, GDK_KEY_Up);
  read_point(&p, w, g);
  g_assert_cmpfloat(w[1], >, w0[1] + 0.1);
  /* ∇(x² − y²) = (2x, −2y) */
  assert_close(g[0], 2 * w[0], 1e-12);
  assert_close(g[1], -2 * w[1], 1e-12);
  assert_consistent(&p);
  /* At the stationary point the gradient vanishes (the drag lands within a pixel of it). */
  harness_drag(p.plot, 1, 1, 0, 0);
  read_point(&p, w, g);
  assert_close(g[0], 2 * w[0], 1e-12);
  assert_close(g[1], -2 * w[1], 1e-12);
  g_assert_cmpfloat(hypot(g[0], g[1]), <, 0.1);
}

static void test_rosenbrock(void) {
  Panel p = open_panel();
  select_loss(&p, ROSENBROCK, "rosenbrock");
  double pts[][2] = {{-0.5, 1.5}, {1.2, 0.4}, {1.0, 1.0}};
  for (guint k = 0; k < G_N_ELEMENTS(pts); k++) {
    double w[2], g[2], value;
    harness_drag(p.plot, 0, 0, pts[k][0], pts[k][1]);
    read_point(&p, w, g);
    double x = w[0], y = w[1];
    /* ∂/∂x = −2(1 − x) − 400x(y − x²), ∂/∂y = 200(y − x²) */
    assert_close(g[0], -2 * (1 - x) - 400 * x * (y - x * x), 1e-10);
    assert_close(g[1], 200 * (y - x * x), 1e-10);
    harness_report_doubles(p.view, "value", &value, 1);
    assert_close(value, (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x), 1e-12);
    assert_consistent(&p);
  }
  harness_drag(p.plot, 1, 1, -1.0, 2.0);
  harness_screenshot("loss-landscapes-rosenbrock", FALSE);
  harness_screenshot("loss-landscapes-rosenbrock", TRUE);
}

static void test_logistic(void) {
  Panel p = open_panel();
  select_loss(&p, LOGISTIC, "logistic");
  double w[2], g[2];
  harness_drag(p.plot, 0, 0, 1.0, -1.5);
  read_point(&p, w, g);
  /* A central difference computed here from the loss's values (a step other than the lesson's). */
  ObLoss loss = {OB_LOSS_LOGISTIC, 0};
  const double h = 1e-5;
  for (int i = 0; i < 2; i++) {
    double wp[2] = {w[0], w[1]}, wm[2] = {w[0], w[1]}, lp, lm;
    wp[i] += h;
    wm[i] -= h;
    g_assert_true(ob_loss_eval(&loss, wp, &lp, NULL, NULL, NULL));
    g_assert_true(ob_loss_eval(&loss, wm, &lm, NULL, NULL, NULL));
    assert_close(g[i], (lp - lm) / (2 * h), 1e-7);
  }
  assert_consistent(&p);
  harness_screenshot("loss-landscapes-logistic", FALSE);
  harness_screenshot("loss-landscapes-logistic", TRUE);
}

typedef struct {
  ObLessonView *view;
  double w0[2];
} Moved;

static gboolean point_moved(gpointer data) {
  Moved *m = data;
  double w[2];
  return ob_lesson_view_get_report_doubles(m->view, "w", w, 2) == 2 && (w[0] != m->w0[0] || w[1] != m->w0[1]);
}

static void test_reset(void) {
  Panel p = open_panel();
  select_loss(&p, HALF_NORM, "half-norm");
  harness_drag(p.plot, 0, 0, -1.0, -1.0);
  double w0[2], w[2], g[2];
  read_point(&p, w0, g);
  GtkWidget *reset = harness_find_by_name(GTK_WIDGET(p.view), "reset-button");
  g_assert_nonnull(reset);
  gtk_widget_activate(reset);
  /* A button's activation clicks it after its pressed look has shown. */
  g_assert_true(harness_wait_until(point_moved, &(Moved){p.view, {w0[0], w0[1]}}));
  read_point(&p, w, g);
  g_assert_cmpfloat(hypot(w[0] - w0[0], w[1] - w0[1]), >, 0.5);
  assert_close(g[0], w[0], 1e-12);
  assert_close(g[1], w[1], 1e-12);
}

/* A narrow window (800 px): the panel still lays out; the screenshot shows how. */
static void test_narrow(void) {
  GtkWindow *win = GTK_WINDOW(harness_window());
  gtk_window_set_default_size(win, 800, 800);
  Panel p = open_panel();
  select_loss(&p, LOGISTIC, "logistic");
  /* Let the page transition from the previous lesson finish before the screenshot. */
  gint64 until = g_get_monotonic_time() + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time() < until) harness_settle();
  harness_screenshot("loss-landscapes-narrow", FALSE);
  gtk_window_set_default_size(win, 1280, 800);
  harness_settle();
}

int main(int argc, char **argv) {
  harness_init(&argc, &argv);
  g_test_add_func("/display/lesson/loss-landscapes/half-norm", test_half_norm);
  g_test_add_func("/display/lesson/loss-landscapes/anisotropic", test_anisotropic);
  g_test_add_func("/display/lesson/loss-landscapes/conditioned", test_conditioned);
  g_test_add_func("/display/lesson/loss-landscapes/saddle-keys", test_saddle_keys);
  g_test_add_func("/display/lesson/loss-landscapes/rosenbrock", test_rosenbrock);
  g_test_add_func("/display/lesson/loss-landscapes/logistic", test_logistic);
  g_test_add_func("/display/lesson/loss-landscapes/reset", test_reset);
  g_test_add_func("/display/lesson/loss-landscapes/narrow", test_narrow);
  return g_test_run();
}
