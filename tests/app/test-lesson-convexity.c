/* test-lesson-convexity.c — display tests of the Convexity lesson (lessons/convexity): the panel's
 * reported values against closed forms computed here, a nonconvex pair chosen by the test, the
 * violation search, dragging the points, and screenshots in light and dark. */
#include "optbench-config.h"

#include <math.h>
#include <stdlib.h>

#include "lesson-harness.h"

/* The loss dropdown's entries, in the panel's order. */
enum { HALF_NORM = 0, ANISOTROPIC, LOGISTIC, HIMMELBLAU, DOUBLE_WELL, ROSENBROCK, SADDLE };

static ObLessonView *open_convexity(void) { return harness_open_lesson("convexity"); }

static int cmp_gint64(const void *a, const void *b) {
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
  return (x > y) - (x < y);
}

/* Frame times of a drag (for the closing note; never asserted): 20 pointer moves, one frame each,
 * the median build and render of the plot. */
static void log_drag_frame_times(ObPlotView *plot, double x0, double y0, double x1, double y1) {
  enum { N = 20 };
  gint64 build[N], render[N];
  double wx0, wy0, wx1, wy1;
  g_assert_true(ob_plot_view_data_to_widget(plot, x0, y0, &wx0, &wy0));
  g_assert_true(ob_plot_view_data_to_widget(plot, x1, y1, &wx1, &wy1));
  g_assert_true(ob_plot_view_pointer_at(plot, wx0, wy0, OB_PLOT_PRESS));
  for (int i = 0; i < N; i++) {
    double t = (i + 1.0) / N;
    ob_plot_view_pointer_at(plot, wx0 + t * (wx1 - wx0), wy0 + t * (wy1 - wy0), i == N - 1 ? OB_PLOT_RELEASE : OB_PLOT_DRAG);
    harness_settle();
    build[i] = ob_plot_view_get_last_build_us(plot);
    render[i] = ob_plot_view_get_last_render_us(plot);
  }
  qsort(build, N, sizeof build[0], cmp_gint64);
  qsort(render, N, sizeof render[0], cmp_gint64);
  g_test_message("drag frame times over %d frames: build median %" G_GINT64_FORMAT " µs (max %" G_GINT64_FORMAT
                 "), render median %" G_GINT64_FORMAT " µs (max %" G_GINT64_FORMAT ")",
                 N, build[N / 2], build[N - 1], render[N / 2], render[N - 1]);
}

static GtkWidget *find(ObLessonView *view, const char *name) {
  GtkWidget *w = harness_find_by_name(GTK_WIDGET(view), name);
  if (!w) g_error("no widget named %s", name);
  return w;
}

static void select_loss(ObLessonView *view, guint index) {
  gtk_drop_down_set_selected(GTK_DROP_DOWN(find(view, "loss-dropdown")), index);
  harness_settle();
}

static void set_pair(ObLessonView *view, double a0, double a1, double b0, double b1, double theta) {
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find(view, "w1-0")), a0);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find(view, "w1-1")), a1);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find(view, "w2-0")), b0);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find(view, "w2-1")), b1);
  gtk_range_set_value(GTK_RANGE(find(view, "theta-scale")), theta);
  harness_settle();
}

static double report1(ObLessonView *view, const char *key) {
  double v;
  harness_report_doubles(view, key, &v, 1);
  return v;
}

/* The losses in closed form, written here independently of the engine. */
static double half_norm(double x, double y) { return 0.5 * (x * x + y * y); }
static double double_well(double x, double y) { return (x * x - 1) * (x * x - 1) + 0.5 * y * y; }
static double himmelblau(double x, double y) {
  double a = x * x + y - 11, b = x + y * y - 7;
  return a * a + b * b;
}

/* Himmelblau at the reported pair, by hand. */
static void check_himmelblau_report(ObLessonView *view) {
  double w1[2], w2[2], theta = report1(view, "theta");
  harness_report_doubles(view, "w1", w1, 2);
  harness_report_doubles(view, "w2", w2, 2);
  double l = himmelblau(theta * w1[0] + (1 - theta) * w2[0], theta * w1[1] + (1 - theta) * w2[1]);
  double chord = theta * himmelblau(w1[0], w1[1]) + (1 - theta) * himmelblau(w2[0], w2[1]);
  g_assert_cmpfloat_with_epsilon(report1(view, "l_theta"), l, 1e-9 * (1 + fabs(l)));
  g_assert_cmpfloat_with_epsilon(report1(view, "chord"), chord, 1e-9 * (1 + fabs(chord)));
  g_assert_cmpstr(ob_lesson_view_get_report(view, "jensen_holds"), ==, l <= chord + 1e-9 * (1 + fabs(chord)) ? "true" : "false");
}

/* For ½‖w‖²: L(w_θ) and the chord by hand, and the gap ½θ(1 − θ)‖w₁ − w₂‖² ≥ 0. */
static void check_half_norm_closed_form(ObLessonView *view) {
  double w1[2], w2[2], theta = report1(view, "theta");
  harness_report_doubles(view, "w1", w1, 2);
  harness_report_doubles(view, "w2", w2, 2);
  double wx = theta * w1[0] + (1 - theta) * w2[0], wy = theta * w1[1] + (1 - theta) * w2[1];
  double l = half_norm(wx, wy), chord = theta * half_norm(w1[0], w1[1]) + (1 - theta) * half_norm(w2[0], w2[1]);
  double d0 = w1[0] - w2[0], d1 = w1[1] - w2[1];
  double gap = 0.5 * theta * (1 - theta) * (d0 * d0 + d1 * d1);
  double l_theta = report1(view, "l_theta"), reported_chord = report1(view, "chord");
  g_assert_cmpfloat_with_epsilon(l_theta, l, 1e-12);
  g_assert_cmpfloat_with_epsilon(reported_chord, chord, 1e-12);
  g_assert_cmpfloat_with_epsilon(reported_chord - l_theta, gap, 1e-12);
  g_assert_cmpfloat(gap, >=, 0);
  double wt[2];
  harness_report_doubles(view, "w_theta", wt, 2);
  g_assert_cmpfloat_with_epsilon(wt[0], wx, 1e-12);
  g_assert_cmpfloat_with_epsilon(wt[1], wy, 1e-12);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "jensen_holds"), ==, "true");
  g_assert_cmpfloat(report1(view, "max_violation"), ==, 0);
}

static void test_half_norm(void) {
  ObLessonView *view = open_convexity();
  select_loss(view, DOUBLE_WELL);
  select_loss(view, HALF_NORM);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "loss"), ==, "half-norm");
  set_pair(view, 1.2, -0.7, -0.4, 0.9, 0.3);
  double w1[2], w2[2];
  harness_report_doubles(view, "w1", w1, 2);
  harness_report_doubles(view, "w2", w2, 2);
  g_assert_cmpfloat(w1[0], ==, 1.2);
  g_assert_cmpfloat(w1[1], ==, -0.7);
  g_assert_cmpfloat(w2[0], ==, -0.4);
  g_assert_cmpfloat(w2[1], ==, 0.9);
  g_assert_cmpfloat_with_epsilon(report1(view, "theta"), 0.3, 1e-12);
  check_half_norm_closed_form(view);
  /* 0.5 θ(1 − θ)‖w₁ − w₂‖² = 0.5 · 0.21 · (2.56 + 2.56) */
  g_assert_cmpfloat_with_epsilon(report1(view, "chord") - report1(view, "l_theta"), 0.5376, 1e-12);
  /* The ends of the segment: θ = 1 is w₁, θ = 0 is w₂ (the lecture's convention). */
  gtk_range_set_value(GTK_RANGE(find(view, "theta-scale")), 1.0);
  harness_settle();
  g_assert_cmpfloat_with_epsilon(report1(view, "l_theta"), half_norm(1.2, -0.7), 1e-12);
  check_half_norm_closed_form(view);
  gtk_range_set_value(GTK_RANGE(find(view, "theta-scale")), 0.0);
  harness_settle();
  g_assert_cmpfloat_with_epsilon(report1(view, "l_theta"), half_norm(-0.4, 0.9), 1e-12);
  check_half_norm_closed_form(view);
  /* The convex loss has nothing to search for. */
  g_assert_false(gtk_widget_get_sensitive(find(view, "find-violation")));
}

static void test_drag_points(void) {
  ObLessonView *view = open_convexity();
  select_loss(view, HALF_NORM);
  set_pair(view, 1.0, 1.0, -1.0, -1.0, 0.6);
  ObPlotView *plot = OB_PLOT_VIEW(find(view, "plot"));
  /* A press near w₂ picks up w₂ (not w₁) and the drag moves it. */
  harness_drag(plot, -1.0, -1.0, 0.5, -1.5);
  double w1[2], w2[2];
  harness_report_doubles(view, "w1", w1, 2);
  harness_report_doubles(view, "w2", w2, 2);
  g_assert_cmpfloat(w1[0], ==, 1.0);
  g_assert_cmpfloat(w1[1], ==, 1.0);
  g_assert_cmpfloat_with_epsilon(w2[0], 0.5, 0.05);
  g_assert_cmpfloat_with_epsilon(w2[1], -1.5, 0.05);
  g_assert_true(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(find(view, "move-w2"))));
  check_half_norm_closed_form(view);
  /* And a drag from w₁ moves w₁. */
  harness_drag(plot, 1.0, 1.0, -1.2, 0.8);
  harness_report_doubles(view, "w1", w1, 2);
  g_assert_cmpfloat_with_epsilon(w1[0], -1.2, 0.05);
  g_assert_cmpfloat_with_epsilon(w1[1], 0.8, 0.05);
  g_assert_true(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(find(view, "move-w1"))));
  check_half_norm_closed_form(view);
  /* The spin buttons follow the drag. */
  g_assert_cmpfloat(gtk_spin_button_get_value(GTK_SPIN_BUTTON(find(view, "w1-0"))), ==, w1[0]);
  select_loss(view, HIMMELBLAU);
  set_pair(view, 3, 2, -2.8, 3.1, 0.5);
  log_drag_frame_times(plot, 3, 2, -3, -3);
  check_himmelblau_report(view);
}

/* Sends an arrow key to the plot's key controller, as a key press with the plot focused would. */
static void press_arrow(GtkWidget *plot, guint keyval) {
  GListModel *controllers = gtk_widget_observe_controllers(plot);
  gboolean handled = FALSE;
  for (guint i = 0; i < g_list_model_get_n_items(controllers); i++) {
    GtkEventController *c = g_list_model_get_item(controllers, i);
    if (GTK_IS_EVENT_CONTROLLER_KEY(c)) g_signal_emit_by_name(c, "key-pressed", keyval, 0, (GdkModifierType)0, &handled);
    g_object_unref(c);
  }
  g_object_unref(controllers);
  g_assert_true(handled);
  harness_settle();
}

static void test_keyboard(void) {
  ObLessonView *view = harness_open_lesson("convexity");
  select_loss(view, HALF_NORM);
  set_pair(view, 1.0, 1.0, -1.0, -1.0, 0.5);
  GtkWidget *plot = find(view, "plot");
  /* The toggle chooses which point the arrows move: w₂ here, by 2% of the 4-wide window per press. */
  gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(find(view, "move-w2")), TRUE);
  harness_settle();
  press_arrow(plot, GDK_KEY_Right);
  press_arrow(plot, GDK_KEY_Up);
  double w1[2], w2[2];
  harness_report_doubles(view, "w1", w1, 2);
  harness_report_doubles(view, "w2", w2, 2);
  g_assert_cmpfloat(w1[0], ==, 1.0);
  g_assert_cmpfloat(w1[1], ==, 1.0);
  g_assert_cmpfloat_with_epsilon(w2[0], -1.0 + 0.08, 0.01);
  g_assert_cmpfloat_with_epsilon(w2[1], -1.0 + 0.08, 0.01);
  check_half_norm_closed_form(view);
  gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(find(view, "move-w1")), TRUE);
  harness_settle();
  press_arrow(plot, GDK_KEY_Left);
  harness_report_doubles(view, "w1", w1, 2);
  g_assert_cmpfloat_with_epsilon(w1[0], 1.0 - 0.08, 0.01);
  g_assert_cmpfloat(w1[1], ==, 1.0);
  check_half_norm_closed_form(view);
}

/* A pair the test chooses: the double well's two minimizers, whose midpoint is the saddle at 0. */
static void test_double_well_violation(void) {
  ObLessonView *view = open_convexity();
  select_loss(view, DOUBLE_WELL);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "loss"), ==, "double-well");
  set_pair(view, -1, 0, 1, 0, 0.5);
  double l = double_well(0, 0), chord = 0.5 * double_well(-1, 0) + 0.5 * double_well(1, 0);
  g_assert_cmpfloat(l, ==, 1);
  g_assert_cmpfloat(chord, ==, 0);
  g_assert_cmpfloat_with_epsilon(report1(view, "l_theta"), l, 1e-12);
  g_assert_cmpfloat_with_epsilon(report1(view, "chord"), chord, 1e-12);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "jensen_holds"), ==, "false");
  /* The largest violation on the segment is the one at θ = ½. */
  g_assert_cmpfloat_with_epsilon(report1(view, "max_violation"), 1.0, 1e-9);
  /* At θ = 0.25: w_θ = (0.5, 0), L = (0.25 − 1)² = 0.5625 > 0. */
  gtk_range_set_value(GTK_RANGE(find(view, "theta-scale")), 0.25);
  harness_settle();
  g_assert_cmpfloat_with_epsilon(report1(view, "l_theta"), double_well(0.5, 0), 1e-12);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "jensen_holds"), ==, "false");
  /* At an end of the segment the inequality is an equality, so it holds. */
  gtk_range_set_value(GTK_RANGE(find(view, "theta-scale")), 1.0);
  harness_settle();
  g_assert_cmpstr(ob_lesson_view_get_report(view, "jensen_holds"), ==, "true");
  /* Along a line inside one valley the double well is convex: y ↦ ½y² at x = 1. */
  set_pair(view, 1, -1.5, 1, 1.5, 0.4);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "jensen_holds"), ==, "true");
  g_assert_cmpfloat(report1(view, "max_violation"), ==, 0);
  g_assert_cmpfloat_with_epsilon(report1(view, "l_theta"), double_well(1, 0.4 * -1.5 + 0.6 * 1.5), 1e-12);
}

static gboolean has_search_result(gpointer view) {
  return ob_lesson_view_get_report(view, "violation_found") != NULL;
}

static void test_find_violation(void) {
  ObLessonView *view = open_convexity();
  select_loss(view, HIMMELBLAU);
  set_pair(view, 3, 2, 3.2, 1.5, 0.5); /* a short segment inside one basin */
  GtkWidget *button = find(view, "find-violation");
  g_assert_true(gtk_widget_get_sensitive(button));
  /* A button's activation ends in "clicked" after its short press animation. */
  gtk_widget_activate(button);
  g_assert_true(harness_wait_until(has_search_result, view));
  harness_settle();
  g_assert_cmpstr(ob_lesson_view_get_report(view, "violation_found"), ==, "true");
  g_assert_cmpstr(ob_lesson_view_get_report(view, "jensen_holds"), ==, "false");
  /* Verified here with Himmelblau's formula at the reported pair and θ. */
  double w1[2], w2[2], theta = report1(view, "theta");
  harness_report_doubles(view, "w1", w1, 2);
  harness_report_doubles(view, "w2", w2, 2);
  g_assert_true(theta > 0 && theta < 1);
  double l = himmelblau(theta * w1[0] + (1 - theta) * w2[0], theta * w1[1] + (1 - theta) * w2[1]);
  double chord = theta * himmelblau(w1[0], w1[1]) + (1 - theta) * himmelblau(w2[0], w2[1]);
  g_assert_cmpfloat(l, >, chord);
  g_assert_cmpfloat_with_epsilon(report1(view, "l_theta"), l, 1e-9 * (1 + fabs(l)));
  g_assert_cmpfloat_with_epsilon(report1(view, "chord"), chord, 1e-9 * (1 + fabs(chord)));
  g_assert_cmpfloat(report1(view, "max_violation"), >=, l - chord - 1e-9);
  /* Switching to a convex loss disables the search again. */
  select_loss(view, LOGISTIC);
  g_assert_false(gtk_widget_get_sensitive(button));
  g_assert_cmpstr(ob_lesson_view_get_report(view, "jensen_holds"), ==, "true");
}

/* The controls survive leaving the lesson and coming back (the lesson state). */
static void test_state_restored(void) {
  ObLessonView *view = harness_open_lesson("convexity");
  select_loss(view, ROSENBROCK);
  set_pair(view, -1.5, 2.5, 1.25, -0.5, 0.7);
  harness_open_lesson("overview");
  view = harness_open_lesson("convexity");
  g_assert_cmpstr(ob_lesson_view_get_report(view, "loss"), ==, "rosenbrock");
  g_assert_cmpuint(gtk_drop_down_get_selected(GTK_DROP_DOWN(find(view, "loss-dropdown"))), ==, ROSENBROCK);
  double w1[2], w2[2];
  harness_report_doubles(view, "w1", w1, 2);
  harness_report_doubles(view, "w2", w2, 2);
  g_assert_cmpfloat(w1[0], ==, -1.5);
  g_assert_cmpfloat(w1[1], ==, 2.5);
  g_assert_cmpfloat(w2[0], ==, 1.25);
  g_assert_cmpfloat(w2[1], ==, -0.5);
  g_assert_cmpfloat_with_epsilon(report1(view, "theta"), 0.7, 1e-12);
}

static void scroll_to(ObLessonView *view, const char *name) {
  GtkWidget *scroller = harness_find_by_type(GTK_WIDGET(view), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(scroller));
  graphene_point_t p;
  g_assert_true(gtk_widget_compute_point(find(view, name), gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(scroller)),
                                         &GRAPHENE_POINT_INIT(0, 0), &p));
  gtk_adjustment_set_value(adj, p.y);
  harness_settle();
}

/* Within the few pixels that client-side decorations take. */
static gboolean window_width_is(gpointer width) {
  return ABS(gtk_widget_get_width(GTK_WIDGET(harness_window())) - GPOINTER_TO_INT(width)) <= 24;
}

/* The lesson in a narrow (800-px) window, the size of a small laptop screen split in two. */
static void narrow_screenshot(const char *name) {
  GtkWindow *window = GTK_WINDOW(harness_window());
  gtk_window_set_default_size(window, 800, 800);
  if (harness_wait_until(window_width_is, GINT_TO_POINTER(800))) {
    harness_settle();
    harness_screenshot(name, FALSE);
  } else {
    int min_w, nat_w;
    gtk_widget_measure(GTK_WIDGET(window), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
    g_test_message("the window did not shrink to 800 px (it is %d px, its minimum %d px): no narrow screenshot",
                   gtk_widget_get_width(GTK_WIDGET(window)), min_w);
  }
  gtk_window_set_default_size(window, 1280, 800);
  harness_wait_until(window_width_is, GINT_TO_POINTER(1280));
  harness_settle();
}

static void test_screenshots(void) {
  ObLessonView *view = open_convexity();
  select_loss(view, DOUBLE_WELL);
  set_pair(view, -1.2, 0.6, 1.1, -0.4, 0.35);
  harness_screenshot("convexity", FALSE);
  harness_screenshot("convexity", TRUE);
  scroll_to(view, "plot");
  harness_screenshot("convexity-controls", FALSE);
  harness_screenshot("convexity-controls", TRUE);
  scroll_to(view, "find-violation");
  harness_screenshot("convexity-bottom", FALSE);
  narrow_screenshot("convexity-narrow");
}

int main(int argc, char **argv) {
  harness_init(&argc, &argv);
  g_test_add_func("/display/lesson/convexity/half-norm-closed-form", test_half_norm);
  g_test_add_func("/display/lesson/convexity/drag-points", test_drag_points);
  g_test_add_func("/display/lesson/convexity/keyboard", test_keyboard);
  g_test_add_func("/display/lesson/convexity/double-well-violation", test_double_well_violation);
  g_test_add_func("/display/lesson/convexity/find-violation", test_find_violation);
  g_test_add_func("/display/lesson/convexity/state-restored", test_state_restored);
  g_test_add_func("/display/lesson/convexity/screenshots", test_screenshots);
  return g_test_run();
}
