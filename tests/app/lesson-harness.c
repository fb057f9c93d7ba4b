/* lesson-harness.c — see lesson-harness.h. */
#include "optbench-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "lesson-harness.h"
#include "ob-application.h"
#include "ob-lesson-state.h"

static ObApplication *app;
static ObWindow *window;

static gboolean tick(gpointer data) {
  (void)data;
  return G_SOURCE_CONTINUE; /* only wakes the loop up */
}

gboolean harness_wait_until(HarnessCondition cond, gpointer data) {
  gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
  guint ticker = g_timeout_add(10, tick, NULL);
  gboolean ok;
  while (!(ok = cond(data)) && g_get_monotonic_time() < deadline) g_main_context_iteration(NULL, TRUE);
  g_source_remove(ticker);
  return ok;
}

static gboolean frame_done(gpointer data) { return *(gboolean *)data; }

static void on_after_paint(GdkFrameClock *clock, gpointer data) {
  (void)clock;
  *(gboolean *)data = TRUE;
}

void harness_settle(void) {
  while (g_main_context_pending(NULL)) g_main_context_iteration(NULL, FALSE);
  GdkFrameClock *clock = gtk_widget_get_frame_clock(GTK_WIDGET(window));
  if (!clock) return;
  gboolean done = FALSE;
  gulong id = g_signal_connect(clock, "after-paint", G_CALLBACK(on_after_paint), &done);
  gtk_widget_queue_draw(GTK_WIDGET(window));
  harness_wait_until(frame_done, &done);
  g_signal_handler_disconnect(clock, id);
  while (g_main_context_pending(NULL)) g_main_context_iteration(NULL, FALSE);
}

static gboolean is_drawn(gpointer data) {
  GtkWidget *w = data;
  return gtk_widget_get_mapped(w) && gtk_widget_get_width(w) > 0 && gtk_widget_get_height(w) > 0;
}

void harness_init(int *argc, char ***argv) {
  /* Lesson state goes to a fresh folder: a test never sees a developer's saved controls. */
  char *dir = g_dir_make_tmp("optbench-test-XXXXXX", NULL);
  g_assert_nonnull(dir);
  char *state = g_build_filename(dir, "lessons.ini", NULL);
  ob_lesson_state_set_path(state);
  g_free(state);
  g_free(dir);
  gtk_test_init(argc, argv, NULL);
  adw_init();
  ObLaunchOptions options = {0};
  app = ob_application_new(&options);
  g_application_set_flags(G_APPLICATION(app), G_APPLICATION_NON_UNIQUE);
  GError *error = NULL;
  if (!g_application_register(G_APPLICATION(app), NULL, &error))
    g_error("cannot register the application: %s", error->message);
  window = ob_window_new(ADW_APPLICATION(app), ob_application_get_settings(app));
  gtk_window_set_default_size(GTK_WINDOW(window), 1280, 800);
  ob_window_open_lesson(window, "overview");
  gtk_window_present(GTK_WINDOW(window));
  if (!harness_wait_until(is_drawn, window)) g_error("the window was never drawn");
}

ObWindow *harness_window(void) { return window; }

ObLessonView *harness_open_lesson(const char *id) {
  g_assert_true(ob_window_open_lesson(window, id));
  ObLessonView *view = ob_window_get_lesson_view(window);
  g_assert_nonnull(view);
  g_assert_cmpstr(ob_lesson_view_get_info(view)->id, ==, id);
  g_assert_true(harness_wait_until(is_drawn, view));
  harness_settle();
  return view;
}

GtkWidget *harness_find_by_name(GtkWidget *root, const char *name) {
  if (g_strcmp0(gtk_widget_get_name(root), name) == 0) return root;
  for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *found = harness_find_by_name(c, name);
    if (found) return found;
  }
  return NULL;
}

GtkWidget *harness_find_by_type(GtkWidget *root, GType type) {
  if (G_TYPE_CHECK_INSTANCE_TYPE(root, type)) return root;
  for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *found = harness_find_by_type(c, type);
    if (found) return found;
  }
  return NULL;
}

void harness_report_doubles(ObLessonView *view, const char *key, double *values, int n) {
  int got = ob_lesson_view_get_report_doubles(view, key, values, n);
  if (got < n)
    g_error("report '%s' has %d of %d values: %s", key, got, n,
            ob_lesson_view_get_report(view, key) ? ob_lesson_view_get_report(view, key) : "(none)");
}

typedef struct {
  GtkWidget *widget;
  const char *path;
} Shot;

static gboolean shot_saved(gpointer data) {
  Shot *shot = data;
  return is_drawn(shot->widget) && ob_widget_save_png(shot->widget, shot->path, NULL);
}

void harness_screenshot(const char *name, gboolean dark) {
  AdwStyleManager *manager = adw_style_manager_get_default();
  adw_style_manager_set_color_scheme(manager, dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  harness_settle();
  char *file = g_strdup_printf("screenshot-%s%s.png", name, dark ? "-dark" : "");
  char *path = g_test_build_filename(G_TEST_BUILT, file, NULL);
  g_assert_true(harness_wait_until(shot_saved, &(Shot){GTK_WIDGET(window), path}));
  g_test_message("wrote %s", path);
  g_free(file);
  g_free(path);
  adw_style_manager_set_color_scheme(manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  harness_settle();
}

void harness_drag(ObPlotView *plot, double x0, double y0, double x1, double y1) {
  double wx0, wy0, wx1, wy1;
  g_assert_true(ob_plot_view_data_to_widget(plot, x0, y0, &wx0, &wy0));
  g_assert_true(ob_plot_view_data_to_widget(plot, x1, y1, &wx1, &wy1));
  g_assert_true(ob_plot_view_pointer_at(plot, wx0, wy0, OB_PLOT_PRESS));
  for (int i = 1; i <= 4; i++)
    g_assert_true(ob_plot_view_pointer_at(plot, wx0 + (wx1 - wx0) * i / 4, wy0 + (wy1 - wy0) * i / 4,
                                          i == 4 ? OB_PLOT_RELEASE : OB_PLOT_DRAG));
  harness_settle();
}
