/* test-lesson-steepest-descent.c — display tests of the steepest-descent lesson
 * (lessons/steepest-descent): the directional derivative against g·Δ computed here, the minimum at
 * −g/‖g‖ against directions sampled by the test, dragging Δ, the Taylor model's error slope ≈ 2 for
 * quadratics, g set directly, the exported figure's parameters, and screenshots. */
#include "optbench-config.h"

#include <math.h>

#include <adwaita.h>

#include "lesson-harness.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* The loss dropdown's entries, in the panel's order; the last one sets g directly. */
enum { HALF_NORM = 0, ANISOTROPIC, SADDLE, DOUBLE_WELL, HIMMELBLAU, ROSENBROCK, DIRECT };

static GtkWidget *find(ObLessonView *view, const char *name) {
  GtkWidget *w = harness_find_by_name(GTK_WIDGET(view), name);
  if (!w) g_error("no widget named %s", name);
  return w;
}

static double report1(ObLessonView *view, const char *key) {
  double v;
  harness_report_doubles(view, key, &v, 1);
  return v;
}

static void select_source(ObLessonView *view, guint index) {
  gtk_drop_down_set_selected(GTK_DROP_DOWN(find(view, "loss-dropdown")), index);
  harness_settle();
}

static void set_spin(ObLessonView *view, const char *name, double v) {
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find(view, name)), v);
  harness_settle();
}

static void set_angle(ObLessonView *view, double degrees) {
  gtk_range_set_value(GTK_RANGE(find(view, "angle-scale")), degrees);
  harness_settle();
}

/* Δ is the unit vector at the reported angle, and gᵀΔ is g·Δ, computed here. */
static void check_direction(ObLessonView *view) {
  double g[2], d[2], a = report1(view, "angle") * M_PI / 180;
  harness_report_doubles(view, "g", g, 2);
  harness_report_doubles(view, "delta", d, 2);
  g_assert_cmpfloat_with_epsilon(d[0], cos(a), 1e-12);
  g_assert_cmpfloat_with_epsilon(d[1], sin(a), 1e-12);
  g_assert_cmpfloat_with_epsilon(report1(view, "directional"), g[0] * cos(a) + g[1] * sin(a), 1e-12);
}

/* The minimum: −‖g‖ at −g/‖g‖, and no direction sampled here (every ¼°) does better. */
static void check_minimum(ObLessonView *view) {
  double g[2];
  harness_report_doubles(view, "g", g, 2);
  double gn = hypot(g[0], g[1]);
  double mind = report1(view, "min_directional"), mina = report1(view, "min_angle") * M_PI / 180;
  g_assert_cmpfloat_with_epsilon(mind, -gn, 1e-12 * (1 + gn));
  g_assert_cmpfloat_with_epsilon(cos(mina), -g[0] / gn, 1e-12);
  g_assert_cmpfloat_with_epsilon(sin(mina), -g[1] / gn, 1e-12);
  for (int i = 0; i < 4 * 360; i++) {
    double a = i * M_PI / (4 * 180);
    g_assert_cmpfloat(g[0] * cos(a) + g[1] * sin(a), >=, mind - 1e-12);
  }
}

static void test_half_norm(void) {
  ObLessonView *view = harness_open_lesson("steepest-descent");
  select_source(view, HALF_NORM);
  set_spin(view, "w-x", 1.0);
  set_spin(view, "w-y", 1.0);
  set_angle(view, 150);
  double g[2];
  harness_report_doubles(view, "g", g, 2);
  /* ∇(½‖w‖²) = w: the lecture's Figure 3.2 with g = (1, 1). */
  g_assert_cmpfloat_with_epsilon(g[0], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(g[1], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(report1(view, "angle"), 150, 1e-9);
  check_direction(view);
  check_minimum(view);
  g_assert_cmpfloat_with_epsilon(report1(view, "min_angle"), 225, 1e-9);
  for (double a = 0; a < 360; a += 37) {
    set_angle(view, a);
    check_direction(view);
  }
}

static gboolean points_downhill(gpointer view) {
  return fabs(report1(view, "angle") - report1(view, "min_angle")) < 1e-9;
}

static void test_downhill_button(void) {
  ObLessonView *view = harness_open_lesson("steepest-descent");
  select_source(view, ANISOTROPIC);
  set_spin(view, "w-x", 1.0);
  set_spin(view, "w-y", 1.0);
  set_angle(view, 10);
  double g[2];
  harness_report_doubles(view, "g", g, 2);
  /* ∇(x² + 0.2y²) = (2x, 0.4y) */
  g_assert_cmpfloat_with_epsilon(g[0], 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(g[1], 0.4, 1e-12);
  check_minimum(view);
  g_assert_cmpfloat(report1(view, "directional"), >, report1(view, "min_directional"));
  /* A button's activation ends in "clicked" after its short press animation. */
  gtk_widget_activate(find(view, "point-downhill"));
  g_assert_true(harness_wait_until(points_downhill, view));
  harness_settle();
  /* The scale's adjustment keeps whole degrees in steps, but the value it holds is exact. */
  g_assert_cmpfloat_with_epsilon(report1(view, "angle"), report1(view, "min_angle"), 1e-9);
  check_direction(view);
  g_assert_cmpfloat_with_epsilon(report1(view, "directional"), -hypot(2.0, 0.4), 1e-9);
}

static void test_drag_direction(void) {
  ObLessonView *view = harness_open_lesson("steepest-descent");
  select_source(view, HALF_NORM);
  set_spin(view, "w-x", 0.5);
  set_spin(view, "w-y", -1.5);
  set_angle(view, 0);
  ObPlotView *plot = OB_PLOT_VIEW(find(view, "plot"));
  /* Dragging anywhere points Δ at the pointer, whatever its distance from the origin. */
  static const double targets[][2] = {{-0.3, -0.9}, {1.2, 1.2}, {-0.5, 0.1}};
  double from[2] = {1, 0};
  for (guint i = 0; i < G_N_ELEMENTS(targets); i++) {
    harness_drag(plot, from[0], from[1], targets[i][0], targets[i][1]);
    double want = atan2(targets[i][1], targets[i][0]) * 180 / M_PI;
    if (want < 0) want += 360;
    g_assert_cmpfloat_with_epsilon(report1(view, "angle"), want, 1.5);
    check_direction(view);
    harness_report_doubles(view, "delta", from, 2);
  }
}

/* Sends a key press to the plot's key controllers, capture phase first, as GTK delivers it. */
static gboolean press_key(GtkWidget *widget, guint keyval, GdkModifierType state) {
  GListModel *controllers = gtk_widget_observe_controllers(widget);
  gboolean handled = FALSE;
  static const GtkPropagationPhase phases[] = {GTK_PHASE_CAPTURE, GTK_PHASE_BUBBLE};
  for (guint p = 0; p < G_N_ELEMENTS(phases) && !handled; p++)
    for (guint i = 0; i < g_list_model_get_n_items(controllers) && !handled; i++) {
      GtkEventController *c = g_list_model_get_item(controllers, i);
      if (GTK_IS_EVENT_CONTROLLER_KEY(c) && gtk_event_controller_get_propagation_phase(c) == phases[p])
        g_signal_emit_by_name(c, "key-pressed", keyval, 0, state, &handled);
      g_object_unref(c);
    }
  g_object_unref(controllers);
  harness_settle();
  return handled;
}

static void test_arrow_keys(void) {
  ObLessonView *view = harness_open_lesson("steepest-descent");
  select_source(view, HALF_NORM);
  set_angle(view, 100);
  GtkWidget *plot = find(view, "plot");
  /* Left and Up turn Δ counterclockwise by 5°, Right and Down clockwise; Shift makes it 1°. */
  g_assert_true(press_key(plot, GDK_KEY_Left, 0));
  g_assert_cmpfloat_with_epsilon(report1(view, "angle"), 105, 1e-9);
  g_assert_true(press_key(plot, GDK_KEY_Up, 0));
  g_assert_cmpfloat_with_epsilon(report1(view, "angle"), 110, 1e-9);
  g_assert_true(press_key(plot, GDK_KEY_Right, GDK_SHIFT_MASK));
  g_assert_cmpfloat_with_epsilon(report1(view, "angle"), 109, 1e-9);
  check_direction(view);
  /* Through 0° it wraps around. */
  set_angle(view, 3);
  g_assert_true(press_key(plot, GDK_KEY_Down, 0));
  g_assert_cmpfloat_with_epsilon(report1(view, "angle"), 358, 1e-9);
  check_direction(view);
}

/* For a quadratic the model's error is exactly ½t²ΔᵀHΔ: slope 2 on log–log axes. */
static void test_error_slope(void) {
  ObLessonView *view = harness_open_lesson("steepest-descent");
  static const struct {
    guint source;
    double w[2], angle, t_max;
  } cases[] = {
    {HALF_NORM, {1, 1}, 150, 1.0},
    {ANISOTROPIC, {1, 1}, 200, 2.5},
    {ANISOTROPIC, {-1.5, 0.5}, 80, 0.3},
    {SADDLE, {0.5, 1.0}, 30, 1.0},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    select_source(view, cases[i].source);
    set_spin(view, "w-x", cases[i].w[0]);
    set_spin(view, "w-y", cases[i].w[1]);
    set_angle(view, cases[i].angle);
    gtk_range_set_value(GTK_RANGE(find(view, "tmax-scale")), cases[i].t_max);
    harness_settle();
    g_assert_cmpfloat_with_epsilon(report1(view, "t_max"), cases[i].t_max, 1e-12);
    g_assert_cmpfloat_with_epsilon(report1(view, "error_slope"), 2.0, 0.1);
    check_direction(view);
  }
  /* The saddle w₁² − w₂² along the diagonal is linear: the model is exact, there is no slope. */
  select_source(view, SADDLE);
  set_angle(view, 45);
  g_assert_null(ob_lesson_view_get_report(view, "error_slope"));
  /* A nonquadratic loss still starts like t² at small t. */
  select_source(view, HIMMELBLAU);
  set_spin(view, "w-x", 1.0);
  set_spin(view, "w-y", 1.0);
  set_angle(view, 100);
  gtk_range_set_value(GTK_RANGE(find(view, "tmax-scale")), 0.5);
  harness_settle();
  g_assert_cmpfloat_with_epsilon(report1(view, "error_slope"), 2.0, 0.1);
}

static void test_direct_g(void) {
  ObLessonView *view = harness_open_lesson("steepest-descent");
  select_source(view, DIRECT);
  g_assert_true(gtk_widget_get_visible(gtk_widget_get_ancestor(find(view, "g-x"), ADW_TYPE_ACTION_ROW)));
  g_assert_false(gtk_widget_get_visible(gtk_widget_get_ancestor(find(view, "w-x"), ADW_TYPE_ACTION_ROW)));
  set_spin(view, "g-x", 3.0);
  set_spin(view, "g-y", -4.0);
  set_angle(view, 300);
  double g[2];
  harness_report_doubles(view, "g", g, 2);
  g_assert_cmpfloat(g[0], ==, 3.0);
  g_assert_cmpfloat(g[1], ==, -4.0);
  check_direction(view);
  check_minimum(view);
  g_assert_cmpfloat_with_epsilon(report1(view, "min_directional"), -5.0, 1e-12);
  /* No loss, no Taylor model. */
  g_assert_null(ob_lesson_view_get_report(view, "error_slope"));
  /* Export Figure… draws Figure 3.2 for this g. */
  g_assert_true(ob_lesson_view_has_figure(view));
  g_assert_cmpstr(ob_lesson_view_get_info(view)->figure, ==, "steepest_descent_unit_circle");
  const ObFigureParams *p = ob_lesson_view_get_figure_params(view);
  g_assert_nonnull(p);
  g_assert_cmpfloat(p->g[0], ==, 3.0);
  g_assert_cmpfloat(p->g[1], ==, -4.0);
  /* ... and follows g when it comes from a loss. */
  select_source(view, ANISOTROPIC);
  set_spin(view, "w-x", -0.5);
  set_spin(view, "w-y", 2.0);
  p = ob_lesson_view_get_figure_params(view);
  g_assert_cmpfloat_with_epsilon(p->g[0], -1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(p->g[1], 0.8, 1e-12);
  /* g = 0 (the minimizer): nothing descends, nothing is reported as a minimum. */
  set_spin(view, "w-x", 0.0);
  set_spin(view, "w-y", 0.0);
  g_assert_null(ob_lesson_view_get_report(view, "min_directional"));
  g_assert_cmpfloat(report1(view, "directional"), ==, 0);
}

static void scroll_to(ObLessonView *view, const char *name) {
  GtkWidget *scroller = harness_find_by_type(GTK_WIDGET(view), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(scroller));
  graphene_point_t p;
  g_assert_true(gtk_widget_compute_point(find(view, name), gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(scroller)),
                                         &GRAPHENE_POINT_INIT(0, 0), &p));
  gtk_adjustment_set_value(adj, p.y - 12);
  harness_settle();
}

static void test_screenshots(void) {
  ObLessonView *view = harness_open_lesson("steepest-descent");
  select_source(view, ANISOTROPIC);
  set_spin(view, "w-x", 1.0);
  set_spin(view, "w-y", 1.0);
  set_angle(view, 150);
  gtk_range_set_value(GTK_RANGE(find(view, "tmax-scale")), 1.0);
  harness_settle();
  harness_screenshot("steepest-descent", FALSE);
  harness_screenshot("steepest-descent", TRUE);
  scroll_to(view, "plot");
  harness_screenshot("steepest-descent-plots", FALSE);
  harness_screenshot("steepest-descent-plots", TRUE);
  scroll_to(view, "loss-dropdown");
  harness_screenshot("steepest-descent-controls", FALSE);
  GtkWindow *window = GTK_WINDOW(harness_window());
  gtk_window_set_default_size(window, 800, 800);
  harness_settle();
  scroll_to(view, "plot");
  harness_screenshot("steepest-descent-narrow", FALSE);
  gtk_window_set_default_size(window, 1280, 800);
  harness_settle();
  ObPlotView *circle = OB_PLOT_VIEW(find(view, "plot")), *taylor = OB_PLOT_VIEW(find(view, "taylor-plot"));
  g_test_message("last frame of the circle plot: build %" G_GINT64_FORMAT " µs, render %" G_GINT64_FORMAT
                 " µs; of the Taylor plot: build %" G_GINT64_FORMAT " µs, render %" G_GINT64_FORMAT " µs",
                 ob_plot_view_get_last_build_us(circle), ob_plot_view_get_last_render_us(circle),
                 ob_plot_view_get_last_build_us(taylor), ob_plot_view_get_last_render_us(taylor));
}

int main(int argc, char **argv) {
  harness_init(&argc, &argv);
  g_test_add_func("/display/lesson/steepest-descent/half-norm", test_half_norm);
  g_test_add_func("/display/lesson/steepest-descent/downhill-button", test_downhill_button);
  g_test_add_func("/display/lesson/steepest-descent/drag-direction", test_drag_direction);
  g_test_add_func("/display/lesson/steepest-descent/arrow-keys", test_arrow_keys);
  g_test_add_func("/display/lesson/steepest-descent/error-slope", test_error_slope);
  g_test_add_func("/display/lesson/steepest-descent/direct-g", test_direct_g);
  g_test_add_func("/display/lesson/steepest-descent/screenshots", test_screenshots);
  return g_test_run();
}
