/* test-lesson-high-dimensions.c — the ½‖w‖² lesson: set d through the spin button and the
 * logarithmic slider, check that the engine's gradient equals w exactly and that the reported value
 * is ½ Σ wⱼ² of the reported components, and run the cost measurement to its end. */
#include "optbench-config.h"

#include <math.h>

#include "lesson-harness.h"

static ObLessonView *open_view(void) { return harness_open_lesson("high-dimensions"); }

static GtkWidget *find(ObLessonView *view, const char *name) {
  GtkWidget *w = harness_find_by_name(GTK_WIDGET(view), name);
  g_assert_nonnull(w);
  return w;
}

static double report1(ObLessonView *view, const char *key) {
  double v;
  harness_report_doubles(view, key, &v, 1);
  return v;
}

/* For d ≤ 50 the lesson reports all of w: compute ½ Σ wⱼ² here and compare. */
static void check_small_d(ObLessonView *view, int d) {
  g_assert_cmpfloat(report1(view, "d"), ==, d);
  g_assert_cmpfloat(report1(view, "max_abs_diff"), ==, 0.0);
  double w[50], g[50];
  harness_report_doubles(view, "w", w, d);
  harness_report_doubles(view, "grad", g, d);
  g_assert_cmpint(ob_lesson_view_get_report_doubles(view, "w", w, 50), ==, d);
  double sum = 0;
  for (int j = 0; j < d; j++) {
    g_assert_cmpfloat(g[j], ==, w[j]); /* ∇½‖w‖² = w, exactly */
    sum += w[j] * w[j];
  }
  double value = report1(view, "value");
  /* The engine sums in float32. */
  g_assert_cmpfloat(fabs(value - 0.5 * sum), <=, 1e-5 * MAX(1.0, 0.5 * sum));
}

static void test_spin(void) {
  ObLessonView *view = open_view();
  GtkSpinButton *spin = GTK_SPIN_BUTTON(find(view, "d-spin"));
  int ds[] = {1, 7, 20, 50};
  for (guint k = 0; k < G_N_ELEMENTS(ds); k++) {
    gtk_spin_button_set_value(spin, ds[k]);
    harness_settle();
    check_small_d(view, ds[k]);
  }
  /* Another seed draws another w. */
  double w0[20], w1[20];
  gtk_spin_button_set_value(spin, 20);
  harness_settle();
  harness_report_doubles(view, "w", w0, 20);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find(view, "seed-spin")), 7);
  harness_settle();
  g_assert_cmpfloat(report1(view, "seed"), ==, 7);
  harness_report_doubles(view, "w", w1, 20);
  g_assert_true(w0[0] != w1[0] || w0[1] != w1[1]);
  check_small_d(view, 20);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find(view, "seed-spin")), 0);
  harness_settle();
}

static void test_slider(void) {
  ObLessonView *view = open_view();
  GtkRange *scale = GTK_RANGE(find(view, "d-scale"));
  /* The slider's position is log10 d. */
  gtk_range_set_value(scale, 5);
  harness_settle();
  g_assert_cmpfloat(report1(view, "d"), ==, 100000);
  g_assert_cmpfloat(report1(view, "max_abs_diff"), ==, 0.0);
  /* ½‖w‖² of a standard normal w is close to d/2. */
  double value = report1(view, "value");
  g_assert_cmpfloat(fabs(value / 100000 - 0.5), <, 0.02);
  gtk_range_set_value(scale, 3);
  harness_settle();
  g_assert_cmpfloat(report1(view, "d"), ==, 1000);
  g_assert_cmpfloat(gtk_spin_button_get_value(GTK_SPIN_BUTTON(find(view, "d-spin"))), ==, 1000);
  double w[50], g[50];
  harness_report_doubles(view, "w", w, 50);
  harness_report_doubles(view, "grad", g, 50);
  for (int j = 0; j < 50; j++) g_assert_cmpfloat(g[j], ==, w[j]);
}

static gboolean measured(gpointer data) {
  ObLessonView *view = data;
  return g_strcmp0(ob_lesson_view_get_report(view, "measuring"), "0") == 0 &&
         ob_lesson_view_get_report_doubles(view, "timings", (double[12]){0}, 12) == 12;
}

static void test_measure(void) {
  ObLessonView *view = open_view();
  GtkWidget *button = find(view, "measure-button");
  gtk_widget_activate(button);
  g_assert_true(harness_wait_until(measured, view));
  double t[12], tv[12];
  harness_report_doubles(view, "timings", t, 12);
  harness_report_doubles(view, "timings_value", tv, 12);
  for (int i = 0; i < 6; i++) {
    g_assert_cmpfloat(t[2 * i], ==, pow(10, i + 1));
    g_assert_cmpfloat(tv[2 * i], ==, t[2 * i]);
    if (i > 0) g_assert_cmpfloat(t[2 * i], >, t[2 * i - 2]);
    g_assert_cmpfloat(t[2 * i + 1], >, 0);
    g_assert_cmpfloat(tv[2 * i + 1], >, 0);
    g_test_message("d = %.0f: value %.1f us, value + gradient %.1f us", t[2 * i], tv[2 * i + 1], t[2 * i + 1]);
  }
  g_assert_true(gtk_widget_get_sensitive(button));
  harness_settle();
  g_test_message("w plot: last build %" G_GINT64_FORMAT " us, render %" G_GINT64_FORMAT " us",
                 ob_plot_view_get_last_build_us(OB_PLOT_VIEW(find(view, "plot"))),
                 ob_plot_view_get_last_render_us(OB_PLOT_VIEW(find(view, "plot"))));
  harness_screenshot("high-dimensions", FALSE);
  harness_screenshot("high-dimensions", TRUE);
}

/* Leaving the lesson while it measures: the worker finishes without touching the gone panel. */
static void test_leave_while_measuring(void) {
  ObLessonView *view = open_view();
  gtk_widget_activate(find(view, "measure-button"));
  harness_settle();
  harness_open_lesson("overview");
  /* Let the worker run to its end and its callbacks drain. */
  for (int i = 0; i < 50; i++) {
    g_usleep(20000);
    harness_settle();
  }
  view = open_view();
  g_assert_cmpstr(ob_lesson_view_get_report(view, "measuring"), ==, "0");
}

/* A narrow window (800 px): the panel still lays out; the screenshot shows how. */
static void test_narrow(void) {
  GtkWindow *win = GTK_WINDOW(harness_window());
  gtk_window_set_default_size(win, 800, 800);
  open_view();
  /* Let the page transition from the previous lesson finish before the screenshot. */
  gint64 until = g_get_monotonic_time() + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time() < until) harness_settle();
  harness_screenshot("high-dimensions-narrow", FALSE);
  gtk_window_set_default_size(win, 1280, 800);
  harness_settle();
}

int main(int argc, char **argv) {
  harness_init(&argc, &argv);
  g_test_add_func("/display/lesson/high-dimensions/spin", test_spin);
  g_test_add_func("/display/lesson/high-dimensions/slider", test_slider);
  g_test_add_func("/display/lesson/high-dimensions/measure", test_measure);
  g_test_add_func("/display/lesson/high-dimensions/leave-while-measuring", test_leave_while_measuring);
  g_test_add_func("/display/lesson/high-dimensions/narrow", test_narrow);
  return g_test_run();
}
