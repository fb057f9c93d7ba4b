/* test-lesson-level-sets.c — display tests of the level-sets lesson (lessons/level-sets): the
 * gradient against its closed form (2c₁x, 2c₂y), the tangent unit and normal to it, tangency to the
 * level set checked with the closed form of L, dragging w, the exported figure's parameters, the
 * minimizer (zero gradient), and screenshots in light and dark, wide and narrow. */
#include "optbench-config.h"

#include <math.h>

#include "lesson-harness.h"

static GtkWidget *find(ObLessonView *view, const char *name) {
  GtkWidget *w = harness_find_by_name(GTK_WIDGET(view), name);
  if (!w) g_error("no widget named %s", name);
  return w;
}

static void set_loss(ObLessonView *view, double c1, double c2) {
  gtk_range_set_value(GTK_RANGE(find(view, "c1-scale")), c1);
  gtk_range_set_value(GTK_RANGE(find(view, "c2-scale")), c2);
  harness_settle();
}

static void set_point(ObLessonView *view, double x, double y) {
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find(view, "w-x")), x);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(find(view, "w-y")), y);
  harness_settle();
}

static double report1(ObLessonView *view, const char *key) {
  double v;
  harness_report_doubles(view, key, &v, 1);
  return v;
}

/* The loss in closed form, written here independently of the engine. */
static double L(const double c[2], double x, double y) { return c[0] * x * x + c[1] * y * y; }

/* Everything the panel reports at its current w, against the closed forms. */
static void check_at_w(ObLessonView *view) {
  double c[2], w[2], g[2], t[2];
  harness_report_doubles(view, "c", c, 2);
  harness_report_doubles(view, "w", w, 2);
  harness_report_doubles(view, "grad", g, 2);
  harness_report_doubles(view, "tangent", t, 2);
  /* ∇L = (2c₁x, 2c₂y) */
  g_assert_cmpfloat_with_epsilon(g[0], 2 * c[0] * w[0], 1e-12);
  g_assert_cmpfloat_with_epsilon(g[1], 2 * c[1] * w[1], 1e-12);
  g_assert_cmpfloat_with_epsilon(report1(view, "level"), L(c, w[0], w[1]), 1e-12);
  /* t is a unit vector orthogonal to the gradient: both the panel's gᵀt and ours vanish. */
  g_assert_cmpfloat_with_epsilon(hypot(t[0], t[1]), 1.0, 1e-12);
  g_assert_cmpfloat(fabs(report1(view, "dot")), <=, 1e-12);
  g_assert_cmpfloat(fabs(g[0] * t[0] + g[1] * t[1]), <=, 1e-12 * (1 + hypot(g[0], g[1])));
  /* t is tangent to the level set: L(w + εt) − L(w) = O(ε²) (exactly ε²(c₁t₁² + c₂t₂²) here),
   * while along the gradient the change is first order, ε‖∇L‖. */
  double curv = c[0] * t[0] * t[0] + c[1] * t[1] * t[1];
  double gn = hypot(g[0], g[1]);
  for (double eps = 1e-2; eps >= 1e-4; eps /= 10) {
    double dt = L(c, w[0] + eps * t[0], w[1] + eps * t[1]) - L(c, w[0], w[1]);
    g_assert_cmpfloat(fabs(dt), <=, eps * eps * (curv + 1e-6) + 1e-13);
    double dg = L(c, w[0] + eps * g[0] / gn, w[1] + eps * g[1] / gn) - L(c, w[0], w[1]);
    g_assert_cmpfloat_with_epsilon(dg / eps, gn, 2 * eps * (c[0] + c[1]));
  }
}

static void test_default(void) {
  ObLessonView *view = harness_open_lesson("level-sets");
  set_loss(view, 1.0, 0.2);
  set_point(view, 1.0, 1.0);
  double g[2];
  harness_report_doubles(view, "grad", g, 2);
  /* The lecture's Figure 3.1: ∇L(1, 1) = (2, 0.4) for L = x² + 0.2y². */
  g_assert_cmpfloat_with_epsilon(g[0], 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon(g[1], 0.4, 1e-12);
  g_assert_cmpfloat_with_epsilon(report1(view, "level"), 1.2, 1e-12);
  check_at_w(view);
}

static void test_coefficients(void) {
  ObLessonView *view = harness_open_lesson("level-sets");
  set_point(view, -0.8, 1.35);
  static const double cs[][2] = {{2.5, 0.7}, {0.3, 3.0}, {1.0, 1.0}};
  for (guint i = 0; i < G_N_ELEMENTS(cs); i++) {
    set_loss(view, cs[i][0], cs[i][1]);
    double c[2];
    harness_report_doubles(view, "c", c, 2);
    g_assert_cmpfloat_with_epsilon(c[0], cs[i][0], 1e-12);
    g_assert_cmpfloat_with_epsilon(c[1], cs[i][1], 1e-12);
    check_at_w(view);
  }
}

static void test_drag(void) {
  ObLessonView *view = harness_open_lesson("level-sets");
  set_loss(view, 1.0, 0.2);
  set_point(view, 1.0, 1.0);
  ObPlotView *plot = OB_PLOT_VIEW(find(view, "plot"));
  static const double targets[][2] = {{-0.7, 1.3}, {1.6, -0.4}, {0.05, -1.8}};
  double from[2] = {1.0, 1.0};
  for (guint i = 0; i < G_N_ELEMENTS(targets); i++) {
    harness_drag(plot, from[0], from[1], targets[i][0], targets[i][1]);
    double w[2];
    harness_report_doubles(view, "w", w, 2);
    /* The pointer lands within a pixel or two of the target. */
    g_assert_cmpfloat_with_epsilon(w[0], targets[i][0], 0.03);
    g_assert_cmpfloat_with_epsilon(w[1], targets[i][1], 0.03);
    /* The spin buttons follow the drag. */
    g_assert_cmpfloat(gtk_spin_button_get_value(GTK_SPIN_BUTTON(find(view, "w-x"))), ==, w[0]);
    check_at_w(view);
    from[0] = w[0];
    from[1] = w[1];
  }
}

/* Sends a key press to the plot view's key controllers, as GTK delivers it. */
static gboolean press_key(GtkWidget *widget, guint keyval) {
  GListModel *controllers = gtk_widget_observe_controllers(widget);
  gboolean handled = FALSE;
  for (guint i = 0; i < g_list_model_get_n_items(controllers) && !handled; i++) {
    GtkEventController *c = g_list_model_get_item(controllers, i);
    if (GTK_IS_EVENT_CONTROLLER_KEY(c)) g_signal_emit_by_name(c, "key-pressed", keyval, 0, 0, &handled);
    g_object_unref(c);
  }
  g_object_unref(controllers);
  harness_settle();
  return handled;
}

static void test_arrow_keys(void) {
  ObLessonView *view = harness_open_lesson("level-sets");
  set_loss(view, 1.0, 0.2);
  set_point(view, 0.5, -0.5);
  GtkWidget *plot = find(view, "plot");
  /* An arrow key moves w by 2% of the 4-unit window: 0.08. */
  g_assert_true(press_key(plot, GDK_KEY_Right));
  g_assert_true(press_key(plot, GDK_KEY_Up));
  double w[2];
  harness_report_doubles(view, "w", w, 2);
  g_assert_cmpfloat_with_epsilon(w[0], 0.58, 0.01);
  g_assert_cmpfloat_with_epsilon(w[1], -0.42, 0.01);
  check_at_w(view);
}

static void test_figure_params(void) {
  ObLessonView *view = harness_open_lesson("level-sets");
  g_assert_true(ob_lesson_view_has_figure(view));
  g_assert_cmpstr(ob_lesson_view_get_info(view)->figure, ==, "grad_is_normal_to_level_sets");
  set_loss(view, 1.7, 0.45);
  set_point(view, -1.25, 0.6);
  const ObFigureParams *p = ob_lesson_view_get_figure_params(view);
  g_assert_nonnull(p);
  double c[2], w[2];
  harness_report_doubles(view, "c", c, 2);
  harness_report_doubles(view, "w", w, 2);
  g_assert_cmpfloat(p->quad_c[0], ==, c[0]);
  g_assert_cmpfloat(p->quad_c[1], ==, c[1]);
  g_assert_cmpfloat(p->w[0], ==, w[0]);
  g_assert_cmpfloat(p->w[1], ==, w[1]);
  g_assert_cmpfloat_with_epsilon(p->w[0], -1.25, 1e-12);
  g_assert_cmpfloat_with_epsilon(p->quad_c[1], 0.45, 1e-12);
  /* The exported figure builds with them. */
  char *error = NULL;
  PlotFigure *fig = ob_figure_build("grad_is_normal_to_level_sets", p, &error);
  g_assert_null(error);
  g_assert_nonnull(fig);
  plot_figure_free(fig);
}

static void test_minimizer(void) {
  ObLessonView *view = harness_open_lesson("level-sets");
  set_loss(view, 1.0, 0.2);
  set_point(view, 0.0, 0.0);
  double g[2];
  harness_report_doubles(view, "grad", g, 2);
  g_assert_cmpfloat(g[0], ==, 0);
  g_assert_cmpfloat(g[1], ==, 0);
  g_assert_cmpfloat(report1(view, "level"), ==, 0);
  /* No normal direction, so no tangent is reported. */
  g_assert_null(ob_lesson_view_get_report(view, "tangent"));
  g_assert_null(ob_lesson_view_get_report(view, "dot"));
  /* Leaving the minimizer brings them back. */
  set_point(view, 0.5, 0.0);
  check_at_w(view);
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
  ObLessonView *view = harness_open_lesson("level-sets");
  set_loss(view, 1.0, 0.2);
  set_point(view, 1.0, 1.0);
  harness_screenshot("level-sets", FALSE);
  harness_screenshot("level-sets", TRUE);
  scroll_to(view, "plot");
  harness_screenshot("level-sets-plot", FALSE);
  harness_screenshot("level-sets-plot", TRUE);
  scroll_to(view, "c1-scale");
  harness_screenshot("level-sets-controls", FALSE);
  /* A narrow window: the settings and the readouts stack. */
  GtkWindow *window = GTK_WINDOW(harness_window());
  gtk_window_set_default_size(window, 800, 800);
  harness_settle();
  scroll_to(view, "plot");
  harness_screenshot("level-sets-narrow", FALSE);
  scroll_to(view, "c1-scale");
  harness_screenshot("level-sets-narrow-controls", FALSE);
  gtk_window_set_default_size(window, 1280, 800);
  harness_settle();
  g_test_message("last build of the level-sets plot: %" G_GINT64_FORMAT " µs, render %" G_GINT64_FORMAT " µs",
                 ob_plot_view_get_last_build_us(OB_PLOT_VIEW(find(view, "plot"))),
                 ob_plot_view_get_last_render_us(OB_PLOT_VIEW(find(view, "plot"))));
}

int main(int argc, char **argv) {
  harness_init(&argc, &argv);
  g_test_add_func("/display/lesson/level-sets/default", test_default);
  g_test_add_func("/display/lesson/level-sets/coefficients", test_coefficients);
  g_test_add_func("/display/lesson/level-sets/drag", test_drag);
  g_test_add_func("/display/lesson/level-sets/arrow-keys", test_arrow_keys);
  g_test_add_func("/display/lesson/level-sets/figure-params", test_figure_params);
  g_test_add_func("/display/lesson/level-sets/minimizer", test_minimizer);
  g_test_add_func("/display/lesson/level-sets/screenshots", test_screenshots);
  return g_test_run();
}
