/* test-lesson-diagnostics.c — the diagnostics lesson: its run's final objective, gap and gradient
 * norm against the closed forms of gradient descent on ½‖w‖² (w_k = (1 − η)^k w₀, so
 * L(w_k) = (1 − η)^{2k} L(w₀) and ‖∇L(w_k)‖ = (1 − η)^k ‖w₀‖), on x² + 0.2y², and the run in
 * d = 1000 dimensions against the same closed form; the log-axes toggle; and the computed L* of the
 * logistic loss, which a long run must approach from above. */
#include <math.h>

#include "lesson-harness.h"

static ObLessonView *view;

static GtkWidget *find(const char *name) {
  GtkWidget *w = harness_find_by_name(GTK_WIDGET(view), name);
  g_assert_nonnull(w);
  return w;
}

static double report1(const char *key) {
  double v;
  harness_report_doubles(view, key, &v, 1);
  return v;
}

static void assert_close(double got, double want, double rel) {
  if (!(fabs(got - want) <= rel * fmax(fabs(want), 1e-300)))
    g_error("got %.17g, expected %.17g (relative tolerance %g)", got, want, rel);
}

/* Drop-down order: logistic, ½‖w‖², x² + 0.2y², Rosenbrock, Himmelblau. */
static void set_controls(guint loss, const char *id, double eta, int steps) {
  gtk_drop_down_set_selected(GTK_DROP_DOWN(find("loss-dropdown")), loss);
  gtk_range_set_value(GTK_RANGE(find("eta-scale")), log10(eta));
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find("steps-spin")), steps);
  harness_settle();
  g_assert_cmpstr(ob_lesson_view_get_report(view, "loss"), ==, id);
  g_assert_cmpfloat_with_epsilon(report1("eta"), eta, 1e-15);
  g_assert_cmpint((int)report1("steps"), ==, steps);
}

static void test_half_norm_closed_form(void) {
  set_controls(1, "half-norm", 0.1, 40);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "diverged"), ==, "false");
  g_assert_cmpint((int)report1("iterations"), ==, 40);
  double w0[2];
  harness_report_doubles(view, "w0", w0, 2);
  double value0 = 0.5 * (w0[0] * w0[0] + w0[1] * w0[1]);
  double f = pow(0.9, 40);
  assert_close(report1("final_value"), f * f * value0, 1e-12);
  assert_close(report1("final_gap"), f * f * value0, 1e-12); /* L* = 0 */
  assert_close(report1("final_grad_norm"), f * hypot(w0[0], w0[1]), 1e-12);
  assert_close(report1("lstar"), 0, 0);
}

static void test_anisotropic_closed_form(void) {
  set_controls(2, "anisotropic", 0.25, 30);
  double w0[2];
  harness_report_doubles(view, "w0", w0, 2);
  double x = w0[0] * pow(1 - 2 * 0.25, 30), y = w0[1] * pow(1 - 0.4 * 0.25, 30);
  assert_close(report1("final_value"), x * x + 0.2 * y * y, 1e-12);
  assert_close(report1("final_grad_norm"), hypot(2 * x, 0.4 * y), 1e-12);
}

static void test_high_dimensional_run(void) {
  set_controls(1, "half-norm", 0.3, 25);
  g_assert_cmpint((int)report1("d_dim"), ==, 1000);
  g_assert_cmpint((int)report1("d_iterations"), ==, 25);
  double v0 = report1("d_value0");
  g_assert_cmpfloat(v0, >, 100); /* ½‖w₀‖² of 1000 standard normals: about 500 */
  double f = pow(0.7, 25);
  assert_close(report1("d_final_value"), f * f * v0, 1e-12);
  assert_close(report1("d_final_grad_norm"), f * sqrt(2 * v0), 1e-12);
  /* Past η = 2 it diverges, and the flag says so with finite values. */
  set_controls(1, "half-norm", 2.5, 200);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "d_diverged"), ==, "true");
  g_assert_cmpstr(ob_lesson_view_get_report(view, "diverged"), ==, "true");
  g_assert_cmpint((int)report1("d_iterations"), <, 200);
  g_assert_true(isfinite(report1("d_final_value")) && isfinite(report1("final_value")));
}

static void test_log_scale_toggle(void) {
  GtkSwitch *sw = GTK_SWITCH(find("log-switch"));
  gtk_switch_set_active(sw, FALSE);
  harness_settle();
  g_assert_cmpstr(ob_lesson_view_get_report(view, "log_scale"), ==, "false");
  gtk_switch_set_active(sw, TRUE);
  harness_settle();
  g_assert_cmpstr(ob_lesson_view_get_report(view, "log_scale"), ==, "true");
}

static void narrow_screenshot(const char *name);

static void test_logistic_computed_minimum(void) {
  gint64 t0 = g_get_monotonic_time();
  set_controls(0, "logistic", 1.0, 2000);
  g_test_message("2000 steps of the 2-D logistic run and of the 1000-D run, redrawn: %" G_GINT64_FORMAT " us",
                 g_get_monotonic_time() - t0);
  double l_star = report1("lstar");
  double value = report1("final_value"), gap = report1("final_gap");
  g_assert_cmpfloat(l_star, >, 0); /* a sum of log(1 + e^{…}) terms is positive */
  g_assert_cmpfloat(gap, >=, -1e-12);
  assert_close(gap, value - l_star, 1e-12);
  /* After many steps gradient descent approaches L* from above. */
  g_assert_cmpfloat(report1("final_grad_norm"), <, 0.05);
  set_controls(0, "logistic", 0.5, 200);
  harness_screenshot("diagnostics", FALSE);
  harness_screenshot("diagnostics", TRUE);
  narrow_screenshot("diagnostics-narrow");
  /* The run in 1000 dimensions and the controls, scrolled into view. */
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW(harness_find_by_type(GTK_WIDGET(view), GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(scroller);
  gtk_adjustment_set_value(adj, 560);
  harness_settle();
  harness_screenshot("diagnostics-high-dim", FALSE);
  gtk_adjustment_set_value(adj, 0);
  harness_settle();
  ObPlotView *plot = OB_PLOT_VIEW(find("diagnostics-plot"));
  g_test_message("diagnostics figure: build %" G_GINT64_FORMAT " us, render %" G_GINT64_FORMAT " us",
                 ob_plot_view_get_last_build_us(plot), ob_plot_view_get_last_render_us(plot));
}

/* A narrow (800 px) window: nothing may be cut off. */
static void narrow_screenshot(const char *name) {
  GtkWindow *window = GTK_WINDOW(harness_window());
  int w, h;
  gtk_window_get_default_size(window, &w, &h);
  gtk_window_set_default_size(window, 800, 800);
  harness_settle();
  harness_screenshot(name, FALSE);
  gtk_window_set_default_size(window, w, h);
  harness_settle();
}

int main(int argc, char **argv) {
  harness_init(&argc, &argv);
  view = harness_open_lesson("diagnostics");
  g_test_add_func("/display/lesson/diagnostics/half-norm-closed-form", test_half_norm_closed_form);
  g_test_add_func("/display/lesson/diagnostics/anisotropic-closed-form", test_anisotropic_closed_form);
  g_test_add_func("/display/lesson/diagnostics/high-dimensional-run", test_high_dimensional_run);
  g_test_add_func("/display/lesson/diagnostics/log-scale-toggle", test_log_scale_toggle);
  g_test_add_func("/display/lesson/diagnostics/logistic-computed-minimum", test_logistic_computed_minimum);
  return g_test_run();
}
