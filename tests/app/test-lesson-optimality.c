/* test-lesson-optimality.c — display tests of the optimality lesson (lessons/optimality): the
 * stationary points it finds and their classes, the gradient, Hessian, eigenvalues and verdict at
 * chosen points against closed forms computed here, snapping, the ball radius, and screenshots. */
#include "optbench-config.h"

#include <math.h>
#include <stdlib.h>

#include "lesson-harness.h"

/* The loss dropdown's entries, in the panel's order. */
enum { HIMMELBLAU = 0, DOUBLE_WELL, SADDLE, ROSENBROCK };
/* Class codes of the "stationary" report. */
enum { MINIMUM = 0, MAXIMUM, SADDLE_POINT, INCONCLUSIVE };

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

static void set_w(ObLessonView *view, double x, double y) {
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find(view, "w-0")), x);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find(view, "w-1")), y);
  harness_settle();
}

static double report1(ObLessonView *view, const char *key) {
  double v;
  harness_report_doubles(view, key, &v, 1);
  return v;
}

/* Himmelblau in closed form, written here: gradient and Hessian by hand. */
static void himmelblau_grad(double x, double y, double g[2]) {
  double a = x * x + y - 11, b = x + y * y - 7;
  g[0] = 4 * x * a + 2 * b;
  g[1] = 2 * a + 4 * y * b;
}

static void himmelblau_hess(double x, double y, double h[4]) {
  h[0] = 12 * x * x + 4 * y - 42;
  h[1] = h[2] = 4 * x + 4 * y;
  h[3] = 4 * x + 12 * y * y - 26;
}

static void sym_eig(const double h[4], double e[2]) {
  double m = 0.5 * (h[0] + h[3]), r = hypot(0.5 * (h[0] - h[3]), h[1]);
  e[0] = m - r;
  e[1] = m + r;
}

static void assert_close_rel(double got, double want, double rel) {
  g_assert_cmpfloat_with_epsilon(got, want, rel * (1 + fabs(want)));
}

static void test_himmelblau_stationary_points(void) {
  ObLessonView *view = harness_open_lesson("optimality");
  select_loss(view, DOUBLE_WELL);
  select_loss(view, HIMMELBLAU);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "loss"), ==, "himmelblau");
  g_assert_cmpfloat(report1(view, "stationary_points"), ==, 9);
  double pts[27];
  harness_report_doubles(view, "stationary", pts, 27);
  int count[4] = {0, 0, 0, 0};
  gboolean found_max = FALSE, found_32 = FALSE;
  for (int i = 0; i < 9; i++) {
    double x = pts[3 * i], y = pts[3 * i + 1];
    int cls = (int)pts[3 * i + 2];
    g_assert_cmpint(cls, >=, 0);
    g_assert_cmpint(cls, <, 4);
    count[cls]++;
    /* Each point is stationary by the closed-form gradient, and its class is the one the closed-form
     * Hessian's eigenvalues give. */
    double g[2], h[4], e[2];
    himmelblau_grad(x, y, g);
    g_assert_cmpfloat(hypot(g[0], g[1]), <, 1e-6);
    himmelblau_hess(x, y, h);
    sym_eig(h, e);
    int want = e[0] > 0 ? MINIMUM : e[1] < 0 ? MAXIMUM : SADDLE_POINT;
    g_assert_cmpint(cls, ==, want);
    if (cls == MAXIMUM) {
      g_assert_cmpfloat_with_epsilon(x, -0.270845, 1e-5);
      g_assert_cmpfloat_with_epsilon(y, -0.923039, 1e-5);
      found_max = TRUE;
    }
    if (cls == MINIMUM && fabs(x - 3) < 1e-6 && fabs(y - 2) < 1e-6) found_32 = TRUE;
  }
  g_assert_cmpint(count[MINIMUM], ==, 4);
  g_assert_cmpint(count[MAXIMUM], ==, 1);
  g_assert_cmpint(count[SADDLE_POINT], ==, 4);
  g_assert_cmpint(count[INCONCLUSIVE], ==, 0);
  g_assert_true(found_max);
  g_assert_true(found_32);
}

static void test_himmelblau_minimum(void) {
  ObLessonView *view = harness_open_lesson("optimality");
  select_loss(view, HIMMELBLAU);
  set_w(view, 3, 2);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "verdict"), ==, "minimum");
  double g[2], h[4], e[2], want_h[4], want_e[2];
  harness_report_doubles(view, "grad", g, 2);
  harness_report_doubles(view, "hessian", h, 4);
  harness_report_doubles(view, "eigenvalues", e, 2);
  g_assert_cmpfloat(hypot(g[0], g[1]), <, 1e-12);
  himmelblau_hess(3, 2, want_h); /* [[74, 20], [20, 34]] */
  for (int i = 0; i < 4; i++) assert_close_rel(h[i], want_h[i], 1e-12);
  sym_eig(want_h, want_e); /* 54 ∓ 20√2 */
  assert_close_rel(e[0], want_e[0], 1e-12);
  assert_close_rel(e[1], want_e[1], 1e-12);
  assert_close_rel(e[0], 54 - 20 * sqrt(2), 1e-12);
  g_assert_cmpfloat(e[0], <=, e[1]);
  assert_close_rel(report1(view, "value"), 0, 1e-12);
  /* The ball around (3, 2): the other minima share L = 0, the nearest is (3.584428, −1.848126). */
  double c[2];
  harness_report_doubles(view, "ball_center", c, 2);
  g_assert_cmpfloat_with_epsilon(c[0], 3, 1e-9);
  g_assert_cmpfloat_with_epsilon(c[1], 2, 1e-9);
  double r = report1(view, "radius");
  g_assert_cmpfloat(r, >, 0);
  g_assert_cmpfloat(r, <=, hypot(3.584428 - 3, -1.848126 - 2) + 1e-5);
  g_assert_cmpfloat(r, >, 0.9 * hypot(3.584428 - 3, -1.848126 - 2));
}

static void test_not_stationary(void) {
  ObLessonView *view = harness_open_lesson("optimality");
  select_loss(view, HIMMELBLAU);
  set_w(view, 0, 0);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "verdict"), ==, "not-stationary");
  double g[2], want[2], h[4], want_h[4];
  harness_report_doubles(view, "grad", g, 2);
  himmelblau_grad(0, 0, want); /* (−14, −22) */
  assert_close_rel(g[0], want[0], 1e-12);
  assert_close_rel(g[1], want[1], 1e-12);
  harness_report_doubles(view, "hessian", h, 4);
  himmelblau_hess(0, 0, want_h);
  for (int i = 0; i < 4; i++) assert_close_rel(h[i], want_h[i], 1e-12);
  assert_close_rel(report1(view, "value"), 121 + 49, 1e-12);
}

static void test_saddle_loss(void) {
  ObLessonView *view = harness_open_lesson("optimality");
  select_loss(view, SADDLE);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "loss"), ==, "saddle");
  g_assert_cmpfloat(report1(view, "stationary_points"), ==, 1);
  set_w(view, 0, 0);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "verdict"), ==, "saddle");
  double e[2];
  harness_report_doubles(view, "eigenvalues", e, 2);
  g_assert_cmpfloat_with_epsilon(e[0], -2, 1e-12);
  g_assert_cmpfloat_with_epsilon(e[1], 2, 1e-12);
  /* x² − y² has no minimizer: no ball. */
  g_assert_cmpfloat(report1(view, "radius"), ==, 0);
}

static void test_double_well(void) {
  ObLessonView *view = harness_open_lesson("optimality");
  select_loss(view, DOUBLE_WELL);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "loss"), ==, "double-well");
  g_assert_cmpfloat(report1(view, "stationary_points"), ==, 3);
  set_w(view, 0, 0);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "verdict"), ==, "saddle");
  double e[2];
  harness_report_doubles(view, "eigenvalues", e, 2); /* ∂²/∂x² = 12x² − 4 = −4, ∂²/∂y² = 1 */
  g_assert_cmpfloat_with_epsilon(e[0], -4, 1e-12);
  g_assert_cmpfloat_with_epsilon(e[1], 1, 1e-12);
  set_w(view, 1, 0);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "verdict"), ==, "minimum");
  harness_report_doubles(view, "eigenvalues", e, 2); /* 12 − 4 = 8 and 1 */
  g_assert_cmpfloat_with_epsilon(e[0], 1, 1e-12);
  g_assert_cmpfloat_with_epsilon(e[1], 8, 1e-12);
  /* (1, 0) is the strict minimizer of L on any ball that stops short of the other minimizer (−1, 0). */
  double r = report1(view, "radius");
  g_assert_cmpfloat(r, <=, 2 + 1e-12);
  g_assert_cmpfloat(r, >=, 1.9);
}

static gboolean snap_sensitive(gpointer button) { return gtk_widget_get_sensitive(button); }

static gboolean verdict_is_minimum(gpointer view) {
  return g_strcmp0(ob_lesson_view_get_report(view, "verdict"), "minimum") == 0;
}

static void test_drag_and_snap(void) {
  ObLessonView *view = harness_open_lesson("optimality");
  select_loss(view, HIMMELBLAU);
  set_w(view, 1, 1);
  ObPlotView *plot = OB_PLOT_VIEW(find(view, "plot"));
  harness_drag(plot, 1, 1, 3.12, 1.93);
  double w[2];
  harness_report_doubles(view, "w", w, 2);
  g_assert_cmpfloat_with_epsilon(w[0], 3.12, 0.08);
  g_assert_cmpfloat_with_epsilon(w[1], 1.93, 0.08);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "verdict"), ==, "not-stationary");
  /* The reported gradient at the dragged-to point matches the closed form there. */
  double g[2], want[2];
  harness_report_doubles(view, "grad", g, 2);
  himmelblau_grad(w[0], w[1], want);
  assert_close_rel(g[0], want[0], 1e-10);
  assert_close_rel(g[1], want[1], 1e-10);
  GtkWidget *snap = find(view, "snap-button");
  g_assert_true(snap_sensitive(snap));
  gtk_widget_activate(snap);
  g_assert_true(harness_wait_until(verdict_is_minimum, view));
  harness_settle();
  harness_report_doubles(view, "w", w, 2);
  g_assert_cmpfloat_with_epsilon(w[0], 3, 1e-9);
  g_assert_cmpfloat_with_epsilon(w[1], 2, 1e-9);
  g_assert_false(gtk_widget_get_sensitive(snap)); /* already there */
  log_drag_frame_times(plot, 3, 2, -3, -3);
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
  ObLessonView *view = harness_open_lesson("optimality");
  select_loss(view, DOUBLE_WELL);
  set_w(view, 1, 0);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "verdict"), ==, "minimum");
  /* One step right: 2% of the 4-wide window; the point leaves the minimizer. */
  press_arrow(find(view, "plot"), GDK_KEY_Right);
  double w[2];
  harness_report_doubles(view, "w", w, 2);
  g_assert_cmpfloat_with_epsilon(w[0], 1.08, 0.01);
  g_assert_cmpfloat_with_epsilon(w[1], 0, 0.01);
  g_assert_cmpstr(ob_lesson_view_get_report(view, "verdict"), ==, "not-stationary");
  double g[2];
  harness_report_doubles(view, "grad", g, 2); /* 4x(x² − 1) and y, by hand */
  g_assert_cmpfloat_with_epsilon(g[0], 4 * w[0] * (w[0] * w[0] - 1), 1e-10);
  g_assert_cmpfloat_with_epsilon(g[1], w[1], 1e-10);
}

/* The loss and the point survive leaving the lesson and coming back (the lesson state). */
static void test_state_restored(void) {
  ObLessonView *view = harness_open_lesson("optimality");
  select_loss(view, ROSENBROCK);
  set_w(view, -1.25, 1.5);
  harness_open_lesson("overview");
  view = harness_open_lesson("optimality");
  g_assert_cmpstr(ob_lesson_view_get_report(view, "loss"), ==, "rosenbrock");
  g_assert_cmpuint(gtk_drop_down_get_selected(GTK_DROP_DOWN(find(view, "loss-dropdown"))), ==, ROSENBROCK);
  double w[2];
  harness_report_doubles(view, "w", w, 2);
  g_assert_cmpfloat(w[0], ==, -1.25);
  g_assert_cmpfloat(w[1], ==, 1.5);
  /* Rosenbrock's one stationary point in view is its minimizer (1, 1). */
  g_assert_cmpfloat(report1(view, "stationary_points"), ==, 1);
  double c[2];
  harness_report_doubles(view, "ball_center", c, 2);
  g_assert_cmpfloat_with_epsilon(c[0], 1, 1e-9);
  g_assert_cmpfloat_with_epsilon(c[1], 1, 1e-9);
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
  ObLessonView *view = harness_open_lesson("optimality");
  select_loss(view, HIMMELBLAU);
  set_w(view, 2.2, 0.6);
  harness_screenshot("optimality", FALSE);
  harness_screenshot("optimality", TRUE);
  scroll_to(view, "plot");
  harness_screenshot("optimality-controls", FALSE);
  harness_screenshot("optimality-controls", TRUE);
  scroll_to(view, "snap-button");
  harness_screenshot("optimality-bottom", FALSE);
  narrow_screenshot("optimality-narrow");
}

int main(int argc, char **argv) {
  harness_init(&argc, &argv);
  g_test_add_func("/display/lesson/optimality/himmelblau-stationary-points", test_himmelblau_stationary_points);
  g_test_add_func("/display/lesson/optimality/himmelblau-minimum", test_himmelblau_minimum);
  g_test_add_func("/display/lesson/optimality/not-stationary", test_not_stationary);
  g_test_add_func("/display/lesson/optimality/saddle", test_saddle_loss);
  g_test_add_func("/display/lesson/optimality/double-well", test_double_well);
  g_test_add_func("/display/lesson/optimality/keyboard", test_keyboard);
  g_test_add_func("/display/lesson/optimality/drag-and-snap", test_drag_and_snap);
  g_test_add_func("/display/lesson/optimality/state-restored", test_state_restored);
  g_test_add_func("/display/lesson/optimality/screenshots", test_screenshots);
  return g_test_run();
}
