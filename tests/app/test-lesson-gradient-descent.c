/* test-lesson-gradient-descent.c — the runner lesson: drives its controls and checks the iterates
 * against the closed forms of gradient descent on quadratics (w_k = (1 − η)^k w₀ for ½‖w‖²,
 * ((1 − 2η)^k x₀, (1 − 0.4η)^k y₀) for x² + 0.2y²), the stability threshold 2/λ_max, divergence,
 * play/pause and reset. */
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

static int iterations(void) { return (int)report1("iterations"); }

/* Loss by position in the drop-down: ½‖w‖², x² + 0.2y², conditioned, Rosenbrock, logistic, Himmelblau. */
static void set_loss(guint index, const char *id) {
  gtk_drop_down_set_selected(GTK_DROP_DOWN(find("loss-dropdown")), index);
  harness_settle();
  g_assert_cmpstr(ob_lesson_view_get_report(view, "loss"), ==, id);
}

static void set_eta(double eta) {
  gtk_range_set_value(GTK_RANGE(find("eta-scale")), log10(eta));
  harness_settle();
  g_assert_cmpfloat_with_epsilon(report1("eta"), eta, 1e-15);
}

static void set_start(double x, double y) {
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find("w0x-spin")), x);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find("w0y-spin")), y);
  harness_settle();
  double w0[2];
  harness_report_doubles(view, "w0", w0, 2);
  g_assert_cmpfloat(w0[0], ==, x);
  g_assert_cmpfloat(w0[1], ==, y);
}

/* "clicked" rather than gtk_widget_activate: a button's activation clicks only after its 250 ms
 * pressed-look animation. */
static void click(const char *name) {
  GtkWidget *button = find(name);
  g_assert_true(gtk_widget_is_sensitive(button));
  g_signal_emit_by_name(button, "clicked");
  harness_settle();
}

/* n iterations with the Step button (its handler runs at once; one settle at the end). */
static void step_n(int n) {
  GtkWidget *step = find("step-button");
  for (int i = 0; i < n && gtk_widget_is_sensitive(step); i++) g_signal_emit_by_name(step, "clicked");
  harness_settle();
}

/* Play without harness_settle: while the animation runs, the main loop always has work pending,
 * so settling would last until the run ends. */
static void start_play(void) {
  g_assert_cmpstr(ob_lesson_view_get_report(view, "playing"), ==, "false");
  g_signal_emit_by_name(find("play-button"), "clicked");
  g_assert_cmpstr(ob_lesson_view_get_report(view, "playing"), ==, "true");
}

static void assert_close(double got, double want, double rel) {
  if (!(fabs(got - want) <= rel * fmax(1.0, fabs(want))))
    g_error("got %.17g, expected %.17g (relative tolerance %g)", got, want, rel);
}

static void test_half_norm_closed_form(void) {
  set_loss(0, "half-norm");
  set_eta(0.5);
  set_start(2, -1);
  click("reset-button");
  g_assert_cmpint(iterations(), ==, 0);
  click("step-button");
  g_assert_cmpint(iterations(), ==, 1);
  double w[2];
  harness_report_doubles(view, "w", w, 2);
  /* w₁ = w₀ − 0.5 w₀ = 0.5 w₀, exactly in binary floating point. */
  g_assert_cmpfloat(w[0], ==, 1.0);
  g_assert_cmpfloat(w[1], ==, -0.5);
  step_n(9);
  g_assert_cmpint(iterations(), ==, 10);
  harness_report_doubles(view, "w", w, 2);
  double f = pow(0.5, 10);
  assert_close(w[0], 2 * f, 1e-14);
  assert_close(w[1], -1 * f, 1e-14);
  /* L = ½‖w‖² and ‖∇L‖ = ‖w‖ for this loss. */
  assert_close(report1("value"), 0.5 * (4 + 1) * f * f, 1e-14);
  assert_close(report1("grad_norm"), sqrt(5.0) * f, 1e-14);
  /* Hessian I: λ_max = 1, threshold 2. */
  assert_close(report1("threshold"), 2.0, 1e-12);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "diverged"), ==, "false");
}

static void test_anisotropic_threshold_and_divergence(void) {
  set_loss(1, "anisotropic");
  assert_close(report1("threshold"), 1.0, 1e-12); /* Hessian diag(2, 0.4) */
  set_start(2, 2);
  set_eta(1.1);
  click("reset-button");
  step_n(500); /* stops early: Step is insensitive once the run diverged */
  g_assert_cmpstr(ob_lesson_view_get_report(view, "diverged"), ==, "true");
  int k = iterations();
  g_assert_cmpint(k, >, 0);
  g_assert_cmpint(k, <, 500);
  double w[2], value = report1("value"), gn = report1("grad_norm");
  harness_report_doubles(view, "w", w, 2);
  g_assert_true(isfinite(w[0]) && isfinite(w[1]) && isfinite(value) && isfinite(gn));
  /* The stopping iterate is the first one past 10⁶ × L(w₀) = 10⁶ × 4.8, on the closed-form path. */
  double x = 2 * pow(1 - 2 * 1.1, k), y = 2 * pow(1 - 0.4 * 1.1, k);
  assert_close(w[0], x, 1e-10);
  assert_close(w[1], y, 1e-10);
  g_assert_cmpfloat(x * x + 0.2 * y * y, >, 4.8e6);
  double xp = 2 * pow(1 - 2 * 1.1, k - 1), yp = 2 * pow(1 - 0.4 * 1.1, k - 1);
  g_assert_cmpfloat(xp * xp + 0.2 * yp * yp, <=, 4.8e6);
  GtkWidget *banner = find("divergence-banner");
  g_assert_true(gtk_widget_get_visible(banner));
  harness_screenshot("gradient-descent-diverged", FALSE);
  /* Below the threshold it converges along the closed form. */
  set_eta(0.9);
  g_assert_false(gtk_widget_get_visible(banner));
  g_assert_cmpint(iterations(), ==, 0);
  step_n(25);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "diverged"), ==, "false");
  harness_report_doubles(view, "w", w, 2);
  assert_close(w[0], 2 * pow(1 - 2 * 0.9, 25), 1e-12);
  assert_close(w[1], 2 * pow(1 - 0.4 * 0.9, 25), 1e-12);
  /* ‖∇L‖ = ‖(2x, 0.4y)‖ */
  assert_close(report1("grad_norm"), hypot(2 * w[0], 0.4 * w[1]), 1e-12);
}

static gboolean has_iterations(gpointer data) {
  (void)data;
  return iterations() > 0;
}

static void test_play_pause_reset(void) {
  set_loss(1, "anisotropic");
  set_eta(0.1);
  set_start(2, 2);
  click("reset-button");
  g_assert_cmpint(iterations(), ==, 0);
  start_play();
  g_assert_true(harness_wait_until(has_iterations, NULL));
  click("play-button");
  g_assert_cmpstr(ob_lesson_view_get_report(view, "playing"), ==, "false");
  int k = iterations();
  g_assert_cmpint(k, >, 0);
  for (int i = 0; i < 5; i++) harness_settle();
  g_assert_cmpint(iterations(), ==, k); /* paused: no more steps */
  double w[2];
  harness_report_doubles(view, "w", w, 2);
  assert_close(w[0], 2 * pow(1 - 0.2, k), 1e-12);
  assert_close(w[1], 2 * pow(1 - 0.04, k), 1e-12);
  click("reset-button");
  g_assert_cmpint(iterations(), ==, 0);
  harness_report_doubles(view, "w", w, 2);
  g_assert_cmpfloat(w[0], ==, 2);
  g_assert_cmpfloat(w[1], ==, 2);

  /* Frame times while playing at full speed (reported, never asserted). */
  GtkRange *speed = GTK_RANGE(find("speed-scale"));
  double old_speed = gtk_range_get_value(speed);
  gtk_range_set_value(speed, 3);
  set_eta(0.001); /* slow convergence: the run keeps going */
  start_play();
  ObPlotView *contour = OB_PLOT_VIEW(find("contour-plot")), *diag = OB_PLOT_VIEW(find("diagnostics-plot"));
  gint64 worst = 0, total = 0, t0 = g_get_monotonic_time(), last_render = -1;
  int frames = 0;
  while (g_get_monotonic_time() - t0 < G_USEC_PER_SEC) {
    g_main_context_iteration(NULL, TRUE);
    gint64 t = ob_plot_view_get_last_build_us(contour) + ob_plot_view_get_last_render_us(contour) +
               ob_plot_view_get_last_build_us(diag) + ob_plot_view_get_last_render_us(diag);
    if (t == last_render) continue; /* approximate: a frame with exactly the same times is missed */
    last_render = t;
    worst = MAX(worst, t);
    total += t;
    frames++;
  }
  g_test_message("playing at 1000 steps/s for 1 s: %d frames drawn, %d iterations; both figures built and drawn "
                 "in %" G_GINT64_FORMAT " us a frame on average, %" G_GINT64_FORMAT " us at worst",
                 frames, iterations(), frames ? total / frames : 0, worst);
  if (g_strcmp0(ob_lesson_view_get_report(view, "playing"), "true") == 0) click("play-button");
  gtk_range_set_value(speed, old_speed);
  harness_settle();
}

static void test_drag_start_and_log_axes(void) {
  set_loss(1, "anisotropic");
  ObPlotView *plot = OB_PLOT_VIEW(find("contour-plot"));
  harness_drag(plot, 0, 0, 1, -1.5);
  double w0[2];
  harness_report_doubles(view, "w0", w0, 2);
  g_assert_cmpfloat_with_epsilon(w0[0], 1, 0.05);
  g_assert_cmpfloat_with_epsilon(w0[1], -1.5, 0.05);
  g_assert_cmpint(iterations(), ==, 0);
  /* The value at the start against the closed form of the loss. */
  assert_close(report1("value"), w0[0] * w0[0] + 0.2 * w0[1] * w0[1], 1e-14);
  GtkSwitch *sw = GTK_SWITCH(find("log-switch"));
  gtk_switch_set_active(sw, TRUE);
  harness_settle();
  g_assert_cmpstr(ob_lesson_view_get_report(view, "log_scale"), ==, "true");
  step_n(30);
  gint64 us = ob_plot_view_get_last_build_us(OB_PLOT_VIEW(find("diagnostics-plot")));
  g_test_message("diagnostics build %" G_GINT64_FORMAT " us, contour build %" G_GINT64_FORMAT " us", us,
                 ob_plot_view_get_last_build_us(plot));
  harness_screenshot("gradient-descent-log", TRUE);
  gtk_switch_set_active(sw, FALSE);
  harness_settle();
  g_assert_cmpstr(ob_lesson_view_get_report(view, "log_scale"), ==, "false");
}

static void test_nonquadratic_has_no_threshold(void) {
  set_loss(3, "rosenbrock");
  g_assert_null(ob_lesson_view_get_report(view, "threshold"));
  set_loss(4, "logistic");
  g_assert_null(ob_lesson_view_get_report(view, "threshold"));
  set_eta(0.5);
  step_n(20);
  g_assert_cmpint(iterations(), ==, 20);
  harness_screenshot("gradient-descent-logistic", FALSE);
}

static gboolean not_playing(gpointer data) {
  (void)data;
  return g_strcmp0(ob_lesson_view_get_report(view, "playing"), "false") == 0;
}

/* With animations off (the reduce-motion preference), Play runs to the end without animating. */
static void test_reduce_motion(void) {
  set_loss(1, "anisotropic");
  set_eta(0.5);
  set_start(2, 2);
  click("reset-button");
  GtkSettings *settings = gtk_widget_get_settings(GTK_WIDGET(view));
  g_object_set(settings, "gtk-enable-animations", FALSE, NULL);
  start_play();
  g_assert_true(harness_wait_until(not_playing, NULL));
  g_object_set(settings, "gtk-enable-animations", TRUE, NULL);
  /* Stopped at a stationary point: ‖∇L‖ ≤ 1e-10, and x_k = 0 exactly after one step (1 − 2η = 0). */
  g_assert_cmpfloat(report1("grad_norm"), <=, 1e-10);
  double w[2];
  harness_report_doubles(view, "w", w, 2);
  int k = iterations();
  g_assert_cmpfloat(w[0], ==, 0);
  assert_close(w[1], 2 * pow(0.8, k), 1e-10);
}

/* Leaving the lesson while a run plays pauses it (the window keeps the lesson's view). */
static void test_leave_while_playing(void) {
  click("reset-button");
  start_play();
  g_assert_true(harness_wait_until(has_iterations, NULL));
  harness_open_lesson("overview");
  /* Once the stack's transition has hidden the page. */
  g_assert_true(harness_wait_until(not_playing, NULL));
  int k = iterations();
  harness_settle();
  g_assert_cmpint(iterations(), ==, k);
  g_assert_true(harness_open_lesson("gradient-descent") == view);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "playing"), ==, "false");
}

static void narrow_screenshot(const char *name);

static void test_screenshots(void) {
  set_loss(1, "anisotropic");
  set_eta(0.3);
  set_start(2.5, 2);
  click("reset-button");
  step_n(12);
  harness_screenshot("gradient-descent", FALSE);
  harness_screenshot("gradient-descent", TRUE);
  narrow_screenshot("gradient-descent-narrow");
  /* The controls, with the threshold mark on the η slider, scrolled into view. */
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW(harness_find_by_type(GTK_WIDGET(view), GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(scroller);
  gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj));
  harness_settle();
  harness_screenshot("gradient-descent-controls", FALSE);
  gtk_adjustment_set_value(adj, 0);
  harness_settle();
  ObPlotView *contour = OB_PLOT_VIEW(find("contour-plot")), *diag = OB_PLOT_VIEW(find("diagnostics-plot"));
  g_test_message("contour: build %" G_GINT64_FORMAT " us, render %" G_GINT64_FORMAT " us; diagnostics: build %"
                 G_GINT64_FORMAT " us, render %" G_GINT64_FORMAT " us",
                 ob_plot_view_get_last_build_us(contour), ob_plot_view_get_last_render_us(contour),
                 ob_plot_view_get_last_build_us(diag), ob_plot_view_get_last_render_us(diag));
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
  view = harness_open_lesson("gradient-descent");
  g_test_add_func("/display/lesson/gradient-descent/half-norm-closed-form", test_half_norm_closed_form);
  g_test_add_func("/display/lesson/gradient-descent/threshold-and-divergence", test_anisotropic_threshold_and_divergence);
  g_test_add_func("/display/lesson/gradient-descent/play-pause-reset", test_play_pause_reset);
  g_test_add_func("/display/lesson/gradient-descent/drag-start-and-log-axes", test_drag_start_and_log_axes);
  g_test_add_func("/display/lesson/gradient-descent/nonquadratic-no-threshold", test_nonquadratic_has_no_threshold);
  g_test_add_func("/display/lesson/gradient-descent/reduce-motion", test_reduce_motion);
  g_test_add_func("/display/lesson/gradient-descent/leave-while-playing", test_leave_while_playing);
  g_test_add_func("/display/lesson/gradient-descent/screenshots", test_screenshots);
  return g_test_run();
}
