/* test-lesson-setup.c — display tests of the set-up lesson (lessons/setup): gradient descent on
 * L(w) = a (w − c)² set through the spin buttons and checked against the closed form
 * w_K = c + (1 − 2aη)^K (w₀ − c); divergence detected and cut before the overflow; the installation
 * report names the engine version and Copy puts it on the clipboard; control values survive into a
 * new view; the example code prints what real PyTorch printed; screenshots. */
#include "optbench-config.h"

#include <math.h>
#include <string.h>
#include <adwaita.h>

#include "lesson-harness.h"
#include "ob-application.h"
#include "ob-lesson-state.h"
#include "tn.h"

static GtkSpinButton *spin(ObLessonView *view, const char *name) {
  GtkWidget *w = harness_find_by_name(GTK_WIDGET(view), name);
  g_assert_nonnull(w);
  g_assert_true(GTK_IS_SPIN_BUTTON(w));
  return GTK_SPIN_BUTTON(w);
}

static void set_run(ObLessonView *view, double a, double c, double w0, double eta, int steps) {
  gtk_spin_button_set_value(spin(view, "a-spin"), a);
  gtk_spin_button_set_value(spin(view, "c-spin"), c);
  gtk_spin_button_set_value(spin(view, "w0-spin"), w0);
  gtk_spin_button_set_value(spin(view, "eta-spin"), eta);
  gtk_spin_button_set_value(spin(view, "steps-spin"), steps);
  harness_settle();
}

static double report1(ObLessonView *view, const char *key) {
  double v;
  harness_report_doubles(view, key, &v, 1);
  return v;
}

static void assert_close(double got, double want, double rel) {
  if (!(fabs(got - want) <= rel * fmax(1e-12, fabs(want))))
    g_error("got %.17g, expected %.17g (relative tolerance %g)", got, want, rel);
}

static void test_closed_form(void) {
  ObLessonView *view = harness_open_lesson("setup");
  /* a = 2, c = −1, w₀ = 2.5, η = 0.05: each step multiplies w − c by 1 − 2·2·0.05 = 0.8. */
  set_run(view, 2, -1, 2.5, 0.05, 25);
  double wk = -1 + pow(0.8, 25) * (2.5 - -1);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "iterations"), ==, "25");
  /* Screen readers hear what the plot shows now. */
  const char *desc = ob_plot_view_get_description(OB_PLOT_VIEW(harness_find_by_name(GTK_WIDGET(view), "plot")));
  g_assert_nonnull(desc);
  g_assert_nonnull(strstr(desc, "25"));
  g_assert_cmpstr(ob_lesson_view_get_report(view, "diverged"), ==, "false");
  assert_close(report1(view, "factor"), 0.8, 1e-12);
  assert_close(report1(view, "w"), wk, 1e-9);
  assert_close(report1(view, "loss"), 2 * (wk + 1) * (wk + 1), 1e-9);
  assert_close(report1(view, "grad"), 2 * 2 * fabs(wk + 1), 1e-9);

  /* Overshooting (1 − 2aη < 0) still converges: the sign of w − c alternates. */
  set_run(view, 1, 1, 3, 0.75, 9);
  wk = 1 + pow(-0.5, 9) * 2;
  assert_close(report1(view, "w"), wk, 1e-9);
  g_assert_cmpfloat(wk, <, 1);

  /* The figure Export Figure… writes follows the panel. */
  const ObFigureParams *p = ob_lesson_view_get_figure_params(view);
  g_assert_nonnull(p);
  g_assert_cmpfloat(p->gd_eta, ==, 0.75);
  g_assert_cmpint(p->gd_steps, ==, 9);
  ObPlotView *plot = OB_PLOT_VIEW(harness_find_by_name(GTK_WIDGET(view), "plot"));
  g_assert_nonnull(plot);
  PlotFigure *fig = ob_plot_view_get_figure(plot);
  g_assert_nonnull(fig);
  g_assert_nonnull(plot_figure_get_axes(fig, 1));
  g_test_message("plot build %" G_GINT64_FORMAT " us, render %" G_GINT64_FORMAT " us",
                 ob_plot_view_get_last_build_us(plot), ob_plot_view_get_last_render_us(plot));
}

static void test_divergence(void) {
  ObLessonView *view = harness_open_lesson("setup");
  /* 1 − 2·2·1.5 = −5: |w − c| grows fivefold a step and overflows long before 500 steps. */
  set_run(view, 2, 0, 1, 1.5, 500);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "diverged"), ==, "true");
  int k = atoi(ob_lesson_view_get_report(view, "iterations"));
  g_assert_cmpint(k, >, 100);
  g_assert_cmpint(k, <, 500);
  /* The last iterate shown is finite and still the closed form's. */
  double w = report1(view, "w");
  g_assert_true(isfinite(w));
  assert_close(w, pow(-5, k), 1e-9);
  g_assert_true(isfinite(report1(view, "loss")));
  /* The plot shows the run up to there. */
  ObPlotView *plot = OB_PLOT_VIEW(harness_find_by_name(GTK_WIDGET(view), "plot"));
  g_assert_nonnull(ob_plot_view_get_figure(plot));
  harness_screenshot("setup-diverged", FALSE);
  set_run(view, 1, 1, 3, 0.1, 40);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "diverged"), ==, "false");
}

static gboolean copied(gpointer view) {
  return g_strcmp0(ob_lesson_view_get_report(view, "copied"), "true") == 0;
}

static void test_environment(void) {
  ObLessonView *view = harness_open_lesson("setup");
  const char *env = ob_lesson_view_get_report(view, "environment");
  g_assert_nonnull(env);
  g_assert_nonnull(strstr(env, TN_VERSION_STRING));
  g_assert_nonnull(strstr(env, "OpenBLAS"));
  g_assert_nonnull(strstr(env, "CUDA"));
  g_assert_cmpstr(ob_lesson_view_get_report(view, "engine-version"), ==, TN_VERSION_STRING);
  /* Copy puts the same text on the clipboard. */
  GtkWidget *copy = harness_find_by_name(GTK_WIDGET(view), "copy-report");
  g_assert_nonnull(copy);
  /* As a key press would: activating a button clicks it once its press animation is over. */
  g_assert_true(gtk_widget_activate(copy));
  g_assert_true(harness_wait_until(copied, view));
  GdkClipboard *clipboard = gtk_widget_get_clipboard(copy);
  g_assert_true(gdk_clipboard_is_local(clipboard));
  GdkContentProvider *content = gdk_clipboard_get_content(clipboard);
  g_assert_nonnull(content);
  GValue value = G_VALUE_INIT;
  g_value_init(&value, G_TYPE_STRING);
  g_assert_true(gdk_content_provider_get_value(content, &value, NULL));
  g_assert_cmpstr(g_value_get_string(&value), ==, env);
  g_value_unset(&value);
}

/* A control bound with ob_lesson_view_bind_state comes back in a new view of the lesson, read
 * from the state file. */
static void test_state_restored(void) {
  ObLessonView *view = harness_open_lesson("setup");
  set_run(view, 1, 1, 3, 0.07, 33);
  GError *error = NULL;
  g_assert_true(ob_lesson_state_flush(&error));
  g_assert_no_error(error);
  char *path = g_strdup(ob_lesson_state_get_path());
  ob_lesson_state_set_path(path); /* forget what is in memory: the next read is from the file */
  g_free(path);
  ObLessonView *again = g_object_ref_sink(ob_lesson_view_new(ob_lesson_find("setup")));
  g_assert_cmpfloat(gtk_spin_button_get_value(spin(again, "eta-spin")), ==, 0.07);
  g_assert_cmpfloat(gtk_spin_button_get_value(spin(again, "steps-spin")), ==, 33);
  /* And the panel ran with it: its reports follow the restored values. */
  g_assert_cmpstr(ob_lesson_view_get_report(again, "iterations"), ==, "33");
  assert_close(report1(again, "w"), 1 + pow(1 - 2 * 0.07, 33) * 2, 1e-9);
  g_object_unref(again);
  set_run(view, 1, 1, 3, 0.1, 40);
}

static gboolean run_finished(gpointer pane) { return !ob_code_pane_is_running(pane); }

/* The example's output in the code pane is what real PyTorch printed for it (the snippet corpus). */
static void test_example_runs(void) {
  ObLessonView *view = harness_open_lesson("setup");
  ObCodePane *pane = ob_lesson_view_get_code_pane(view);
  g_assert_true(gtk_widget_activate_action(GTK_WIDGET(pane), "code.run", NULL));
  g_assert_true(harness_wait_until(run_finished, pane));
  g_assert_null(ob_code_pane_get_error(pane));
  char *expected_path = g_test_build_filename(G_TEST_DIST, "snippets", "lesson_setup.out", NULL);
  char *expected = NULL;
  g_assert_true(g_file_get_contents(expected_path, &expected, NULL, NULL));
  char *out = ob_code_pane_dup_output(pane);
  g_assert_cmpstr(out, ==, expected);
  g_free(out);
  g_free(expected);
  g_free(expected_path);
}

static void test_screenshots(void) {
  ObLessonView *view = harness_open_lesson("setup");
  set_run(view, 1, 1, 3, 0.1, 40);
  harness_screenshot("setup", FALSE);
  harness_screenshot("setup", TRUE);
  /* The lower half: the controls, the installation report and the code. */
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW(harness_find_by_type(GTK_WIDGET(view), GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(scroller);
  gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj) * 0.3);
  harness_screenshot("setup-controls", FALSE);
  gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj) * 0.5);
  harness_screenshot("setup-installation", FALSE);
  gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj));
  harness_screenshot("setup-end", TRUE);
  gtk_adjustment_set_value(adj, 0);
}

static gboolean is_drawn(gpointer data) {
  GtkWidget *w = data;
  return gtk_widget_get_mapped(w) && gtk_widget_get_width(w) > 0 && gtk_widget_get_height(w) > 0;
}

typedef struct {
  GtkWidget *widget;
  const char *path;
} Shot;

static gboolean shot_saved(gpointer data) {
  Shot *shot = data;
  return is_drawn(shot->widget) && ob_widget_save_png(shot->widget, shot->path, NULL);
}

/* An 800-pixel-wide window (the sidebar folds away): the rows and the result still fit. */
static void test_narrow_window(void) {
  GtkApplication *app = gtk_window_get_application(GTK_WINDOW(harness_window()));
  ObWindow *narrow = ob_window_new(ADW_APPLICATION(app), NULL);
  gtk_window_set_default_size(GTK_WINDOW(narrow), 800, 800);
  ob_window_open_lesson(narrow, "setup");
  gtk_window_present(GTK_WINDOW(narrow));
  g_assert_true(harness_wait_until(is_drawn, narrow));
  harness_settle();
  ObLessonView *view = ob_window_get_lesson_view(narrow);
  GtkWidget *result = harness_find_by_name(GTK_WIDGET(view), "result");
  g_assert_nonnull(result);
  /* Nothing wider than the window: the page does not scroll sideways. */
  g_assert_cmpint(gtk_widget_get_width(result), <=, gtk_widget_get_width(GTK_WIDGET(narrow)));
  char *path = g_test_build_filename(G_TEST_BUILT, "screenshot-setup-narrow.png", NULL);
  g_assert_true(harness_wait_until(shot_saved, &(Shot){GTK_WIDGET(narrow), path}));
  g_test_message("wrote %s", path);
  g_free(path);
  gtk_window_destroy(GTK_WINDOW(narrow));
}

int main(int argc, char **argv) {
  harness_init(&argc, &argv);
  g_test_add_func("/display/lesson/setup/closed-form", test_closed_form);
  g_test_add_func("/display/lesson/setup/divergence", test_divergence);
  g_test_add_func("/display/lesson/setup/environment", test_environment);
  g_test_add_func("/display/lesson/setup/state-restored", test_state_restored);
  g_test_add_func("/display/lesson/setup/example-runs", test_example_runs);
  g_test_add_func("/display/lesson/setup/screenshots", test_screenshots);
  g_test_add_func("/display/lesson/setup/narrow-window", test_narrow_window);
  return g_test_run();
}
