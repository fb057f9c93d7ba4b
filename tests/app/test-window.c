/* test-window.c — the workbench window under a real display (suite 'display', run under Xvfb by
 * script/test.sh): sidebar, search, the Overview and its links, presentation mode, the shortcuts
 * and preferences windows, the code pane on the runner, and a screenshot of every lesson.
 * No sleeps: each check iterates the main loop until its condition holds, or fails after 10 s. */
#include "optbench-config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "ob-application.h"
#include "ob-lesson-state.h"
#include "ob-plot-view.h"
#include "ob-preferences.h"
#include "ob-window.h"

static ObApplication *app;
static ObWindow *window;
static char *state_dir;  /* the lesson state of this test run: a fresh folder */
static char *state_file;

typedef gboolean (*Condition)(gpointer data);

static gboolean tick(gpointer data) {
  (void)data;
  return G_SOURCE_CONTINUE; /* only wakes the loop up */
}

static gboolean wait_until(Condition cond, gpointer data) {
  gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
  guint ticker = g_timeout_add(10, tick, NULL);
  gboolean ok;
  while (!(ok = cond(data)) && g_get_monotonic_time() < deadline) g_main_context_iteration(NULL, TRUE);
  g_source_remove(ticker);
  return ok;
}

static gboolean is_drawn(gpointer data) {
  GtkWidget *w = data;
  return gtk_widget_get_mapped(w) && gtk_widget_get_width(w) > 0 && gtk_widget_get_height(w) > 0;
}

/* A widget being re-laid out has no allocation to draw: the PNG is written right after GTK laid
 * the frame out (the frame clock's layout phase), before anything of the frame is painted. */
typedef struct {
  GtkWidget *widget;
  const char *path;
  gboolean saved, ran;
} Shot;

static void save_after_layout(GdkFrameClock *clock, Shot *shot) {
  (void)clock;
  shot->ran = TRUE;
  if (!shot->saved && is_drawn(shot->widget)) shot->saved = ob_widget_save_png(shot->widget, shot->path, NULL);
}

static gboolean shot_ran(gpointer data) { return ((Shot *)data)->ran; }

static gboolean save_on_paint(GtkWidget *widget, const char *path) {
  Shot shot = {widget, path, FALSE, FALSE};
  g_assert_true(wait_until(is_drawn, widget));
  GdkFrameClock *clock = gtk_widget_get_frame_clock(widget);
  g_assert_nonnull(clock);
  gulong id = g_signal_connect_after(clock, "layout", G_CALLBACK(save_after_layout), &shot);
  for (int tries = 0; tries < 50 && !shot.saved; tries++) {
    shot.ran = FALSE;
    gdk_frame_clock_request_phase(clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
    wait_until(shot_ran, &shot);
  }
  g_signal_handler_disconnect(clock, id);
  return shot.saved;
}

/* Writes tests/NAME in the build folder: what a person checks by eye. */
static void save_screenshot(GtkWidget *widget, const char *name) {
  char *path = g_test_build_filename(G_TEST_BUILT, name, NULL);
  g_assert_true(save_on_paint(widget, path));
  g_free(path);
}

/* ---- helpers over the widget tree ---- */

static GList *rows_of(GtkListBox *box) {
  GList *rows = NULL;
  for (GtkWidget *c = gtk_widget_get_first_child(GTK_WIDGET(box)); c; c = gtk_widget_get_next_sibling(c))
    if (GTK_IS_LIST_BOX_ROW(c)) rows = g_list_append(rows, c);
  return rows;
}

/* The Overview's list of lecture sections: the list box whose rows carry "ob-section". */
static GtkListBox *find_section_list(GtkWidget *root) {
  if (GTK_IS_LIST_BOX(root)) {
    GtkWidget *first = gtk_widget_get_first_child(root);
    while (first && !GTK_IS_LIST_BOX_ROW(first)) first = gtk_widget_get_next_sibling(first);
    if (first && g_object_get_data(G_OBJECT(first), "ob-section")) return GTK_LIST_BOX(root);
  }
  for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
    GtkListBox *found = find_section_list(c);
    if (found) return found;
  }
  return NULL;
}

static GtkWidget *find_by_type(GtkWidget *root, GType type) {
  if (G_TYPE_CHECK_INSTANCE_TYPE(root, type)) return root;
  for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *found = find_by_type(c, type);
    if (found) return found;
  }
  return NULL;
}

/* Presses a key the way the window's shortcut controllers would, for the app's own bindings (named
 * actions; GTK's and libadwaita's built-in key handlers are left out): finds the shortcut whose
 * trigger is `key` and activates its action. Returns whether the key was consumed, which is FALSE
 * when its action is disabled (GTK 4.8 has no public way to read an action's enabled state). */
static gboolean press_key(GtkWidget *widget, const char *key) {
  GtkShortcutTrigger *wanted = gtk_shortcut_trigger_parse_string(key);
  g_assert_nonnull(wanted);
  GListModel *controllers = gtk_widget_observe_controllers(widget);
  gboolean done = FALSE, found = FALSE;
  for (guint i = 0; !done && i < g_list_model_get_n_items(controllers); i++) {
    GtkEventController *controller = g_list_model_get_item(controllers, i);
    if (GTK_IS_SHORTCUT_CONTROLLER(controller)) {
      GListModel *shortcuts = G_LIST_MODEL(controller);
      for (guint j = 0; !done && j < g_list_model_get_n_items(shortcuts); j++) {
        GtkShortcut *shortcut = g_list_model_get_item(shortcuts, j);
        if (GTK_IS_SHORTCUT(shortcut) && GTK_IS_NAMED_ACTION(gtk_shortcut_get_action(shortcut)) &&
            gtk_shortcut_trigger_equal(gtk_shortcut_get_trigger(shortcut), wanted)) {
          found = TRUE;
          /* FALSE when the action is disabled: then a real key press would go on unconsumed. */
          done = gtk_shortcut_action_activate(gtk_shortcut_get_action(shortcut), 0,
                                              gtk_event_controller_get_widget(controller),
                                              gtk_shortcut_get_arguments(shortcut));
        }
        g_object_unref(shortcut);
      }
    }
    g_object_unref(controller);
  }
  g_object_unref(controllers);
  g_object_unref(wanted);
  g_assert_true(found); /* the key is bound at all */
  return done;
}

static GtkWindow *find_toplevel(GType type) {
  GListModel *toplevels = gtk_window_get_toplevels();
  GtkWindow *found = NULL;
  for (guint i = 0; !found && i < g_list_model_get_n_items(toplevels); i++) {
    GtkWindow *w = g_list_model_get_item(toplevels, i);
    if (G_TYPE_CHECK_INSTANCE_TYPE(w, type) && gtk_widget_get_visible(GTK_WIDGET(w))) found = w;
    g_object_unref(w);
  }
  return found;
}

static gboolean toplevel_shown(gpointer type) {
  GtkWindow *w = find_toplevel((GType)GPOINTER_TO_SIZE(type));
  return w && gtk_widget_get_mapped(GTK_WIDGET(w));
}

static gboolean row_shown(GtkWidget *row) {
  return gtk_widget_get_child_visible(row) && gtk_widget_get_visible(row);
}

/* ---- the sidebar ---- */

static void test_sidebar_sections(void) {
  guint n;
  const ObLessonInfo *const *all = ob_lessons_all(&n);
  g_assert_cmpuint(n, >=, 1);
  GList *rows = rows_of(ob_window_get_lesson_list(window));
  g_assert_cmpuint(g_list_length(rows), ==, n);
  int previous_section = 0;
  guint i = 0;
  for (GList *l = rows; l; l = l->next, i++) {
    GtkListBoxRow *row = l->data;
    const ObLessonInfo *info = ob_window_row_get_lesson(row);
    g_assert_true(info == all[i]);
    g_assert_cmpint(info->section, >=, previous_section);
    GtkWidget *header = gtk_list_box_row_get_header(row);
    if (info->section != previous_section) {
      /* A heading "N. Title" opens each section. */
      g_assert_nonnull(header);
      char *expected = g_strdup_printf("%d. %s", info->section, ob_section_title(info->section));
      g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(header)), ==, expected);
      g_free(expected);
    } else {
      g_assert_null(header);
    }
    previous_section = info->section;
  }
  g_list_free(rows);
  g_assert_true(ob_window_get_sidebar_visible(window));
}

typedef struct {
  const char *id;
  gboolean shown;
} RowState;

static gboolean row_in_state(gpointer data) {
  RowState *s = data;
  gboolean ok = FALSE;
  GList *rows = rows_of(ob_window_get_lesson_list(window));
  for (GList *l = rows; l; l = l->next)
    if (strcmp(ob_window_row_get_lesson(l->data)->id, s->id) == 0) ok = row_shown(l->data) == s->shown;
  g_list_free(rows);
  return ok;
}

static void test_search_filters(void) {
  GtkEditable *entry = ob_window_get_search_entry(window);
  /* Ctrl+F puts the focus into the search entry. */
  g_assert_true(press_key(GTK_WIDGET(window), "<Control>f"));
  g_assert_true(gtk_widget_is_focus(GTK_WIDGET(entry)) ||
                gtk_widget_has_focus(gtk_widget_get_first_child(GTK_WIDGET(entry))) ||
                gtk_widget_get_focus_child(GTK_WIDGET(entry)) != NULL);

  gtk_editable_set_text(entry, "no-lesson-is-called-this");
  g_assert_true(wait_until(row_in_state, &(RowState){"overview", FALSE}));
  gtk_editable_set_text(entry, "OVERVIEW");           /* by title, any case */
  g_assert_true(wait_until(row_in_state, &(RowState){"overview", TRUE}));
  gtk_editable_set_text(entry, "introduction");       /* by keyword */
  g_assert_true(wait_until(row_in_state, &(RowState){"overview", TRUE}));
  gtk_editable_set_text(entry, "introduction nonsense"); /* every word must match */
  g_assert_true(wait_until(row_in_state, &(RowState){"overview", FALSE}));
  gtk_editable_set_text(entry, "");
  g_assert_true(wait_until(row_in_state, &(RowState){"overview", TRUE}));
}

/* ---- the Overview ---- */

static void test_overview_shows(void) {
  g_assert_true(ob_window_open_lesson(window, "overview"));
  g_assert_false(ob_window_open_lesson(window, "no-such-lesson"));
  g_assert_cmpstr(ob_window_get_lesson_id(window), ==, "overview");
  ObLessonView *view = ob_window_get_lesson_view(window);
  g_assert_nonnull(view);
  g_assert_cmpstr(ob_lesson_view_get_info(view)->id, ==, "overview");
  g_assert_true(wait_until(is_drawn, view));
  /* No figure on the Overview: Export Figure… stays disabled. */
  g_assert_false(ob_lesson_view_has_figure(view));
  g_assert_false(press_key(GTK_WIDGET(window), "<Control><Shift>e"));

  GtkListBox *sections = find_section_list(GTK_WIDGET(view));
  g_assert_nonnull(sections);
  GList *rows = rows_of(sections);
  g_assert_cmpuint(g_list_length(rows), ==, OB_SECTION_COUNT);
  int s = 1;
  for (GList *l = rows; l; l = l->next, s++) {
    g_assert_cmpint(GPOINTER_TO_INT(g_object_get_data(l->data, "ob-section")), ==, s);
    char *title = g_strdup_printf("%d. %s", s, ob_section_title(s));
    g_assert_cmpstr(adw_preferences_row_get_title(ADW_PREFERENCES_ROW(l->data)), ==, title);
    g_free(title);
  }
  g_list_free(rows);
  /* The last lesson is remembered. */
  GSettings *settings = ob_application_get_settings(app);
  g_assert_nonnull(settings);
  char *last = g_settings_get_string(settings, "last-lesson");
  g_assert_cmpstr(last, ==, "overview");
  g_free(last);
}

static gboolean lesson_is(gpointer id) {
  return g_strcmp0(ob_window_get_lesson_id(window), id) == 0;
}

static void test_overview_links_navigate(void) {
  int links = 0;
  for (int s = 1; s <= OB_SECTION_COUNT; s++) {
    ob_window_open_lesson(window, "overview");
    GtkListBox *sections = find_section_list(GTK_WIDGET(ob_window_get_lesson_view(window)));
    GtkListBoxRow *row = gtk_list_box_get_row_at_index(sections, s - 1);
    const ObLessonInfo *target = ob_lesson_for_section(s);
    /* A link exactly when the section has a lesson; the others are plain entries. */
    g_assert_cmpint(gtk_list_box_row_get_activatable(row), ==, target != NULL);
    if (!target) {
      g_assert_null(gtk_actionable_get_action_name(GTK_ACTIONABLE(row)));
      continue;
    }
    links++;
    if (strcmp(target->id, "overview") != 0) {
      g_assert_cmpstr(ob_window_get_lesson_id(window), !=, target->id);
    }
    gtk_widget_activate(GTK_WIDGET(row));
    g_assert_true(wait_until(lesson_is, (gpointer)target->id));
  }
  g_assert_cmpint(links, >=, 1); /* section 1's lesson is the Overview itself */
  ob_window_open_lesson(window, "overview");
}

/* ---- presentation mode ---- */

static void check_focused_plot_keys(void);

static void test_presentation_toggles(void) {
  g_assert_false(ob_window_get_presentation(window));
  /* Outside presentation mode Escape and Page Down do nothing (and are not consumed). */
  g_assert_false(press_key(GTK_WIDGET(window), "Escape"));
  g_assert_false(press_key(GTK_WIDGET(window), "Page_Down"));
  /* F5 starts it. */
  g_assert_true(press_key(GTK_WIDGET(window), "F5"));
  g_assert_true(ob_window_get_presentation(window));
  g_assert_true(gtk_widget_has_css_class(GTK_WIDGET(window), "presentation"));
  g_assert_false(ob_window_get_sidebar_visible(window));
  /* Page Down/Up and the arrows step through the lessons, where there is a lesson that way. */
  const ObLessonInfo *next = ob_lesson_neighbour("overview", +1);
  g_assert_cmpint(press_key(GTK_WIDGET(window), "Page_Down"), ==, next != NULL);
  if (next) {
    g_assert_cmpstr(ob_window_get_lesson_id(window), ==, next->id);
    g_assert_true(press_key(GTK_WIDGET(window), "Left"));
    g_assert_cmpstr(ob_window_get_lesson_id(window), ==, "overview");
  }
  g_assert_false(press_key(GTK_WIDGET(window), "Page_Up")); /* the first lesson */
  g_assert_cmpstr(ob_window_get_lesson_id(window), ==, "overview");
  char *shot = g_test_build_filename(G_TEST_BUILT, "screenshot-presentation.png", NULL);
  g_assert_true(wait_until(is_drawn, window));
  g_assert_true(save_on_paint(GTK_WIDGET(window), shot));
  g_free(shot);
  check_focused_plot_keys();
  /* Escape leaves it and brings the sidebar back. */
  g_assert_true(press_key(GTK_WIDGET(window), "Escape"));
  g_assert_false(ob_window_get_presentation(window));
  g_assert_false(gtk_widget_has_css_class(GTK_WIDGET(window), "presentation"));
  g_assert_true(ob_window_get_sidebar_visible(window));
  g_assert_false(press_key(GTK_WIDGET(window), "Escape"));
  g_assert_false(press_key(GTK_WIDGET(window), "Page_Down"));
}

/* ---- dialogs ---- */

static gboolean frame_done(gpointer data) { return *(gboolean *)data; }

static void on_after_paint(GdkFrameClock *clock, gpointer data) {
  (void)clock;
  *(gboolean *)data = TRUE;
}

/* Lets pending work run and the window draw a frame (a resize is laid out by then). */
static void settle(void) {
  while (g_main_context_pending(NULL)) g_main_context_iteration(NULL, FALSE);
  GdkFrameClock *clock = gtk_widget_get_frame_clock(GTK_WIDGET(window));
  if (!clock) return;
  gboolean done = FALSE;
  gulong id = g_signal_connect(clock, "after-paint", G_CALLBACK(on_after_paint), &done);
  gtk_widget_queue_draw(GTK_WIDGET(window));
  wait_until(frame_done, &done);
  g_signal_handler_disconnect(clock, id);
  while (g_main_context_pending(NULL)) g_main_context_iteration(NULL, FALSE);
}

/* The propagation phase of the window's shortcut for key (-1 when it has none). */
static int shortcut_phase(GtkWidget *widget, const char *key) {
  GtkShortcutTrigger *wanted = gtk_shortcut_trigger_parse_string(key);
  GListModel *controllers = gtk_widget_observe_controllers(widget);
  int phase = -1;
  for (guint i = 0; phase < 0 && i < g_list_model_get_n_items(controllers); i++) {
    GtkEventController *controller = g_list_model_get_item(controllers, i);
    if (GTK_IS_SHORTCUT_CONTROLLER(controller))
      for (guint j = 0; phase < 0 && j < g_list_model_get_n_items(G_LIST_MODEL(controller)); j++) {
        GtkShortcut *shortcut = g_list_model_get_item(G_LIST_MODEL(controller), j);
        if (gtk_shortcut_trigger_equal(gtk_shortcut_get_trigger(shortcut), wanted))
          phase = (int)gtk_event_controller_get_propagation_phase(controller);
        g_object_unref(shortcut);
      }
    g_object_unref(controller);
  }
  g_object_unref(controllers);
  g_object_unref(wanted);
  return phase;
}

static void collect_plot_views(GtkWidget *root, GPtrArray *out) {
  if (OB_IS_PLOT_VIEW(root)) g_ptr_array_add(out, root);
  for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c))
    collect_plot_views(c, out);
}

/* Presentation mode with a live plot focused: the arrows move the plot's point (the plot takes
 * them before they bubble up to the window's lesson stepping), while Page Down/Up, caught in the
 * capture phase, still step through the lessons. Called in presentation mode. */
static void check_focused_plot_keys(void) {
  guint n;
  const ObLessonInfo *const *all = ob_lessons_all(&n);
  ObPlotView *plot = NULL;
  const ObLessonInfo *lesson = NULL;
  for (guint i = 0; i < n && !plot; i++) {
    g_assert_true(ob_window_open_lesson(window, all[i]->id));
    GtkWidget *view = GTK_WIDGET(ob_window_get_lesson_view(window));
    g_assert_true(wait_until(is_drawn, view));
    GPtrArray *plots = g_ptr_array_new();
    collect_plot_views(view, plots);
    for (guint k = 0; k < plots->len && !plot; k++)
      if (ob_plot_view_get_interactive_axes(g_ptr_array_index(plots, k)) >= 0) {
        plot = g_ptr_array_index(plots, k);
        lesson = all[i];
      }
    g_ptr_array_free(plots, TRUE);
  }
  if (!plot) {
    g_test_message("no lesson has an interactive plot yet: focused-plot keys not checked");
    return;
  }
  g_assert_true(ob_window_get_presentation(window));
  g_assert_true(wait_until(is_drawn, plot));
  g_assert_true(gtk_widget_get_focusable(GTK_WIDGET(plot)));
  gtk_widget_grab_focus(GTK_WIDGET(plot));
  g_assert_true(gtk_widget_has_focus(GTK_WIDGET(plot)));
  /* Right arrow, as the plot's key controller receives it. */
  GtkEventController *keys = NULL;
  GListModel *controllers = gtk_widget_observe_controllers(GTK_WIDGET(plot));
  for (guint i = 0; !keys && i < g_list_model_get_n_items(controllers); i++) {
    GtkEventController *c = g_list_model_get_item(controllers, i);
    if (GTK_IS_EVENT_CONTROLLER_KEY(c)) keys = c;
    g_object_unref(c);
  }
  g_object_unref(controllers);
  g_assert_nonnull(keys);
  double x0, y0, x1, y1;
  ob_plot_view_get_point(plot, &x0, &y0);
  gboolean handled = FALSE;
  g_signal_emit_by_name(keys, "key-pressed", GDK_KEY_Right, 0, (GdkModifierType)0, &handled);
  g_assert_true(handled);
  ob_plot_view_get_point(plot, &x1, &y1);
  g_assert_cmpfloat(x1, >, x0);
  g_assert_cmpstr(ob_window_get_lesson_id(window), ==, lesson->id);
  /* The window's arrows bubble (the plot had them first); Page Down is caught before anyone. */
  g_assert_cmpint(shortcut_phase(GTK_WIDGET(window), "Page_Down"), ==, GTK_PHASE_CAPTURE);
  g_assert_cmpint(shortcut_phase(GTK_WIDGET(window), "Page_Up"), ==, GTK_PHASE_CAPTURE);
  const ObLessonInfo *previous = ob_lesson_neighbour(lesson->id, -1);
  g_assert_cmpint(press_key(GTK_WIDGET(window), "Page_Up"), ==, previous != NULL);
  if (previous) g_assert_cmpstr(ob_window_get_lesson_id(window), ==, previous->id);
  g_assert_true(ob_window_get_presentation(window));
  ob_window_open_lesson(window, "overview");
  settle();
}

static void test_shortcuts_window_opens(void) {
  g_assert_true(gtk_widget_activate_action(GTK_WIDGET(window), "win.show-help-overlay", NULL));
  g_assert_true(wait_until(toplevel_shown, GSIZE_TO_POINTER(GTK_TYPE_SHORTCUTS_WINDOW)));
  save_screenshot(GTK_WIDGET(find_toplevel(GTK_TYPE_SHORTCUTS_WINDOW)), "screenshot-shortcuts.png");
  gtk_window_close(find_toplevel(GTK_TYPE_SHORTCUTS_WINDOW));
}

static gboolean is_dark(gpointer data) {
  (void)data;
  return adw_style_manager_get_dark(adw_style_manager_get_default());
}

static gboolean is_light(gpointer data) {
  return !is_dark(data);
}

static void test_preferences_window_opens(void) {
  g_action_group_activate_action(G_ACTION_GROUP(app), "preferences", NULL);
  g_assert_true(wait_until(toplevel_shown, GSIZE_TO_POINTER(OB_TYPE_PREFERENCES)));
  GtkWindow *prefs = find_toplevel(OB_TYPE_PREFERENCES);
  save_screenshot(GTK_WIDGET(prefs), "screenshot-preferences.png");
  GSettings *settings = ob_application_get_settings(app);
  /* The style row is bound to color-scheme, which the style manager follows. */
  AdwComboRow *row = ADW_COMBO_ROW(find_by_type(GTK_WIDGET(prefs), ADW_TYPE_COMBO_ROW));
  g_assert_nonnull(row);
  g_assert_cmpuint(adw_combo_row_get_selected(row), ==, 0);
  adw_combo_row_set_selected(row, 2);
  char *scheme = g_settings_get_string(settings, "color-scheme");
  g_assert_cmpstr(scheme, ==, "dark");
  g_free(scheme);
  g_assert_true(wait_until(is_dark, NULL));
  g_settings_reset(settings, "color-scheme");
  g_assert_cmpuint(adw_combo_row_get_selected(row), ==, 0);
  g_assert_true(wait_until(is_light, NULL));
  /* The scale spin button is bound too. */
  GtkSpinButton *spin = GTK_SPIN_BUTTON(find_by_type(GTK_WIDGET(prefs), GTK_TYPE_SPIN_BUTTON));
  g_assert_cmpfloat(gtk_spin_button_get_value(spin), ==, g_settings_get_double(settings, "presentation-scale"));
  gtk_window_close(prefs);
}

static void test_about_window_opens(void) {
  g_action_group_activate_action(G_ACTION_GROUP(app), "about", NULL);
  g_assert_true(wait_until(toplevel_shown, GSIZE_TO_POINTER(ADW_TYPE_ABOUT_WINDOW)));
  AdwAboutWindow *about = ADW_ABOUT_WINDOW(find_toplevel(ADW_TYPE_ABOUT_WINDOW));
  save_screenshot(GTK_WIDGET(about), "screenshot-about.png");
  g_assert_cmpstr(adw_about_window_get_version(about), ==, OPTBENCH_VERSION);
  g_assert_cmpstr(adw_about_window_get_application_icon(about), ==, OPTBENCH_APP_ID);
  gtk_window_close(GTK_WINDOW(about));
}

/* ---- the code pane on the runner ---- */

static gboolean run_finished(gpointer pane) {
  return !ob_code_pane_is_running(pane);
}

static GtkTextView *find_output_view(GtkWidget *root) {
  if (GTK_IS_TEXT_VIEW(root) && !GTK_SOURCE_IS_VIEW(root)) return GTK_TEXT_VIEW(root);
  for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
    GtkTextView *found = find_output_view(c);
    if (found) return found;
  }
  return NULL;
}

/* The output area grows to show all of the output (the page scrolls, not the output). */
static gboolean output_fully_shown(gpointer pane) {
  GtkTextView *view = find_output_view(pane);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer(view);
  GtkTextIter end;
  gtk_text_buffer_get_end_iter(buffer, &end);
  int y, height;
  gtk_text_view_get_line_yrange(view, &end, &y, &height);
  GtkWidget *scroller = gtk_widget_get_parent(GTK_WIDGET(view));
  return y > 0 && gtk_widget_get_height(scroller) >= y + height;
}

/* Reset through the pane's action; then the editor holds expected (NULL: do not check). */
static void code_reset_and_check(ObCodePane *pane, const char *expected) {
  g_assert_true(gtk_widget_activate_action(GTK_WIDGET(pane), "code.reset", NULL));
  if (!expected) return;
  char *text = ob_code_pane_dup_text(pane);
  g_assert_cmpstr(text, ==, expected);
  g_free(text);
}

static void run_and_wait(ObCodePane *pane) {
  g_assert_true(gtk_widget_activate_action(GTK_WIDGET(pane), "code.run", NULL));
  g_assert_true(wait_until(run_finished, pane));
}

static void test_code_pane_runs(void) {
  ob_window_open_lesson(window, "overview");
  ObCodePane *pane = ob_lesson_view_get_code_pane(ob_window_get_lesson_view(window));
  g_assert_true(gtk_widget_get_visible(GTK_WIDGET(pane)));

  run_and_wait(pane);
  char *out = ob_code_pane_dup_output(pane);
  g_assert_cmpstr(out, ==, "tensor([ 3., -1.,  2.])\ntensor(7.)\ntorch.Size([3]) torch.float32\n");
  g_free(out);
  g_assert_null(ob_code_pane_get_error(pane));
  /* What a reader sees after Run: the page scrolled to the code and its output. */
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW(
      find_by_type(GTK_WIDGET(ob_window_get_lesson_view(window)), GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(scroller);
  gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj));
  char *shot = g_test_build_filename(G_TEST_BUILT, "screenshot-code-pane.png", NULL);
  g_assert_true(save_on_paint(GTK_WIDGET(window), shot));
  g_free(shot);
  gtk_adjustment_set_value(adj, 0);

  /* An error shows the traceback's last line and marks its line. */
  ob_code_pane_set_code(pane, "x = 1\ny = x / 0\nprint(y)\n");
  run_and_wait(pane);
  g_assert_cmpstr(ob_code_pane_get_error(pane), ==, "ZeroDivisionError: division by zero");
  g_assert_cmpint(ob_code_pane_get_error_line(pane), ==, 2);
  out = ob_code_pane_dup_output(pane);
  g_assert_true(g_str_has_suffix(out, "ZeroDivisionError: division by zero\n"));
  g_free(out);
  g_assert_true(wait_until(output_fully_shown, pane));
  save_screenshot(GTK_WIDGET(pane), "screenshot-code-error.png");

  /* Stop interrupts a loop that would never end; the window kept running meanwhile. */
  ob_code_pane_set_code(pane, "print('start')\nwhile True:\n    pass\n");
  g_assert_true(gtk_widget_activate_action(GTK_WIDGET(pane), "code.run", NULL));
  g_assert_true(ob_code_pane_is_running(pane));
  g_assert_false(gtk_widget_activate_action(GTK_WIDGET(pane), "code.run", NULL) &&
                 !ob_code_pane_is_running(pane));
  g_assert_true(gtk_widget_activate_action(GTK_WIDGET(pane), "code.stop", NULL));
  g_assert_true(wait_until(run_finished, pane));
  g_assert_cmpstr(ob_code_pane_get_error(pane), ==, "KeyboardInterrupt");

  /* Reset brings the lesson's code back and clears output and marker. */
  char *code = ob_lesson_load_text("overview", "example.py");
  ob_code_pane_set_code(pane, code);
  char *text = ob_code_pane_dup_text(pane);
  g_assert_cmpstr(text, ==, code);
  g_free(text);
  g_free(code);
  g_assert_null(ob_code_pane_get_error(pane));
  out = ob_code_pane_dup_output(pane);
  g_assert_cmpstr(out, ==, "");
  g_free(out);
}

/* ---- the code pane keeps edited code across restarts ---- */

static void test_code_pane_keeps_edits(void) {
  const ObLessonInfo *info = ob_lesson_find("overview");
  char *example = ob_lesson_load_text("overview", "example.py");
  g_assert_nonnull(example);
  ob_window_open_lesson(window, "overview");
  ObCodePane *pane = ob_lesson_view_get_code_pane(ob_window_get_lesson_view(window));
  code_reset_and_check(pane, example);

  /* The reader types: the edit is stored and marked as such. */
  GtkTextBuffer *buffer = gtk_text_view_get_buffer(GTK_TEXT_VIEW(find_by_type(GTK_WIDGET(pane), GTK_SOURCE_TYPE_VIEW)));
  GtkTextIter end;
  gtk_text_buffer_get_end_iter(buffer, &end);
  gtk_text_buffer_insert(buffer, &end, "print('mine')\n", -1);
  char *edited = g_strconcat(example, "print('mine')\n", NULL);
  g_assert_true(ob_code_pane_is_edited(pane));
  char *stored = ob_lesson_state_get("overview", "code");
  g_assert_cmpstr(stored, ==, edited);
  g_free(stored);
  /* What the reader sees: the edited code, marked as theirs. */
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW(
      find_by_type(GTK_WIDGET(ob_window_get_lesson_view(window)), GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(scroller);
  gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj));
  char *shot = g_test_build_filename(G_TEST_BUILT, "screenshot-code-edited.png", NULL);
  g_assert_true(save_on_paint(GTK_WIDGET(window), shot));
  g_free(shot);
  gtk_adjustment_set_value(adj, 0);

  /* Through the file, as after a restart: written, forgotten in memory, read back. */
  GError *error = NULL;
  g_assert_true(ob_lesson_state_flush(&error));
  g_assert_no_error(error);
  ob_lesson_state_set_path(state_file);

  /* A new view of the lesson (what opening it after a restart builds) shows the edited code. */
  ObLessonView *again = g_object_ref_sink(ob_lesson_view_new(info));
  ObCodePane *pane2 = ob_lesson_view_get_code_pane(again);
  char *text = ob_code_pane_dup_text(pane2);
  g_assert_cmpstr(text, ==, edited);
  g_free(text);
  g_assert_true(ob_code_pane_is_edited(pane2));

  /* Reset goes back to the example and forgets the edit, on disk too. */
  code_reset_and_check(pane2, example);
  g_assert_false(ob_code_pane_is_edited(pane2));
  stored = ob_lesson_state_get("overview", "code");
  g_assert_null(stored);
  g_assert_true(ob_lesson_state_flush(&error));
  ob_lesson_state_set_path(state_file);
  ObLessonView *third = g_object_ref_sink(ob_lesson_view_new(info));
  text = ob_code_pane_dup_text(ob_lesson_view_get_code_pane(third));
  g_assert_cmpstr(text, ==, example);
  g_free(text);
  g_object_unref(third);
  g_object_unref(again);
  g_free(edited);
  g_free(example);
  /* The window's own view still holds the edit in its editor: put it back to the example. */
  code_reset_and_check(pane, NULL);
}

/* ---- the lesson state file ---- */

static char *read_file(const char *path) {
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) return NULL;
  return text;
}

/* Files in dir other than the state file (a temporary file left behind would show here). */
static int stray_files(const char *dir, const char *keep) {
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  int n = 0;
  const char *name;
  while ((name = g_dir_read_name(d)))
    if (g_strcmp0(name, keep) != 0) n++;
  g_dir_close(d);
  return n;
}

static void test_state_round_trip(void) {
  char *dir = g_dir_make_tmp("optbench-state-XXXXXX", NULL);
  char *path = g_build_filename(dir, "sub", "lessons.ini", NULL);
  ob_lesson_state_set_path(path);
  ob_lesson_state_set("lesson-a", "eta", "0.125");
  ob_lesson_state_set("lesson-a", "code", "x = 1\n# ünïcode ∇L\n\ttab = [1, 2]\n");
  ob_lesson_state_set("lesson-b", "eta", "3");
  ob_lesson_state_set("lesson-b", "gone", "1");
  ob_lesson_state_set("lesson-b", "gone", NULL);
  GError *error = NULL;
  g_assert_true(ob_lesson_state_flush(&error)); /* creates the missing folder too */
  g_assert_no_error(error);
  ob_lesson_state_set_path(path); /* forget everything in memory: the next get reads the file */
  char *v = ob_lesson_state_get("lesson-a", "eta");
  g_assert_cmpstr(v, ==, "0.125");
  g_free(v);
  v = ob_lesson_state_get("lesson-a", "code");
  g_assert_cmpstr(v, ==, "x = 1\n# ünïcode ∇L\n\ttab = [1, 2]\n");
  g_free(v);
  v = ob_lesson_state_get("lesson-b", "eta");
  g_assert_cmpstr(v, ==, "3");
  g_free(v);
  g_assert_null(ob_lesson_state_get("lesson-b", "gone"));
  g_assert_null(ob_lesson_state_get("lesson-c", "eta"));
  /* Reset of one lesson leaves the others. */
  ob_lesson_state_reset("lesson-a");
  g_assert_true(ob_lesson_state_flush(&error));
  ob_lesson_state_set_path(path);
  g_assert_null(ob_lesson_state_get("lesson-a", "eta"));
  v = ob_lesson_state_get("lesson-b", "eta");
  g_assert_cmpstr(v, ==, "3");
  g_free(v);
  char *sub = g_path_get_dirname(path);
  g_assert_cmpint(stray_files(sub, "lessons.ini"), ==, 0);
  g_unlink(path);
  g_rmdir(sub);
  g_rmdir(dir);
  g_free(sub);
  g_free(path);
  g_free(dir);
  ob_lesson_state_set_path(state_file);
}

/* A write that fails half-way (here: the file-size limit hit mid-write, as a full disk would) keeps
 * the old file whole and leaves no temporary file; so does a folder that cannot be written to. */
static void test_state_atomic_write(void) {
  char *dir = g_dir_make_tmp("optbench-state-XXXXXX", NULL);
  char *path = g_build_filename(dir, "lessons.ini", NULL);
  ob_lesson_state_set_path(path);
  ob_lesson_state_set("lesson-a", "eta", "0.5");
  GError *error = NULL;
  g_assert_true(ob_lesson_state_flush(&error));
  char *before = read_file(path);
  g_assert_nonnull(before);

  /* A value far larger than the limit: the write of the temporary file fails part-way. */
  char *big = g_strnfill(256 * 1024, 'x');
  ob_lesson_state_set("lesson-a", "code", big);
  struct rlimit old_limit;
  g_assert_cmpint(getrlimit(RLIMIT_FSIZE, &old_limit), ==, 0);
  void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN); /* EFBIG instead of a signal */
  struct rlimit limit = {64 * 1024, old_limit.rlim_max};
  g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &limit), ==, 0);
  gboolean ok = ob_lesson_state_flush(&error);
  g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &old_limit), ==, 0);
  signal(SIGXFSZ, old_handler);
  g_assert_false(ok);
  g_assert_nonnull(error);
  g_clear_error(&error);
  char *after = read_file(path);
  g_assert_cmpstr(after, ==, before);
  g_free(after);
  g_assert_cmpint(stray_files(dir, "lessons.ini"), ==, 0);

  /* An unwritable folder (only meaningful when not root: root writes anywhere). */
  if (geteuid() != 0) {
    g_assert_cmpint(g_chmod(dir, 0500), ==, 0);
    ob_lesson_state_set("lesson-a", "eta", "0.75");
    g_assert_false(ob_lesson_state_flush(&error));
    g_clear_error(&error);
    g_assert_cmpint(g_chmod(dir, 0700), ==, 0);
    after = read_file(path);
    g_assert_cmpstr(after, ==, before);
    g_free(after);
    g_assert_cmpint(stray_files(dir, "lessons.ini"), ==, 0);
  }

  /* Once writing works again, the pending changes are written. */
  g_assert_true(ob_lesson_state_flush(&error));
  ob_lesson_state_set_path(path);
  char *v = ob_lesson_state_get("lesson-a", "code");
  g_assert_cmpstr(v, ==, big);
  g_free(v);
  g_free(big);
  g_free(before);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
  ob_lesson_state_set_path(state_file);
}

/* Ephemeral mode (screenshots) neither reads the file nor writes it. */
static void test_state_ephemeral(void) {
  char *dir = g_dir_make_tmp("optbench-state-XXXXXX", NULL);
  char *path = g_build_filename(dir, "lessons.ini", NULL);
  g_assert_true(g_file_set_contents(path, "[lesson-a]\neta=0.25\n", -1, NULL));
  ob_lesson_state_set_path(path);
  ob_lesson_state_set_ephemeral(TRUE);
  g_assert_null(ob_lesson_state_get("lesson-a", "eta"));
  ob_lesson_state_set("lesson-a", "eta", "0.5");
  ob_lesson_state_set("lesson-b", "eta", "1");
  ob_lesson_state_reset(NULL);
  GError *error = NULL;
  g_assert_true(ob_lesson_state_flush(&error));
  char *text = read_file(path);
  g_assert_cmpstr(text, ==, "[lesson-a]\neta=0.25\n");
  g_free(text);
  g_assert_cmpint(stray_files(dir, "lessons.ini"), ==, 0);
  ob_lesson_state_set_ephemeral(FALSE);
  char *v = ob_lesson_state_get("lesson-a", "eta");
  g_assert_cmpstr(v, ==, "0.25");
  g_free(v);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
  ob_lesson_state_set_path(state_file);
}

/* ---- screenshots ---- */

static void test_screenshots(void) {
  guint n;
  const ObLessonInfo *const *all = ob_lessons_all(&n);
  for (guint i = 0; i < n; i++) {
    g_assert_true(ob_window_open_lesson(window, all[i]->id));
    ObLessonView *view = ob_window_get_lesson_view(window);
    g_assert_true(wait_until(is_drawn, view));
    char *name = g_strdup_printf("screenshot-%s.png", all[i]->id);
    char *path = g_test_build_filename(G_TEST_BUILT, name, NULL);
    g_assert_true(save_on_paint(GTK_WIDGET(window), path));
    g_test_message("wrote %s", path);
    /* The bottom of the page too (code pane, section list). */
    GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW(find_by_type(GTK_WIDGET(view), GTK_TYPE_SCROLLED_WINDOW));
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(scroller);
    gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj));
    char *name2 = g_strdup_printf("screenshot-%s-end.png", all[i]->id);
    g_test_message("scrolled to the end of %s", all[i]->id);
    char *path2 = g_test_build_filename(G_TEST_BUILT, name2, NULL);
    g_assert_true(save_on_paint(GTK_WIDGET(window), path2));
    gtk_adjustment_set_value(adj, 0);
    g_free(name); g_free(path); g_free(name2); g_free(path2);
  }
}

static void test_window_size_saved(void) {
  GSettings *settings = ob_application_get_settings(app);
  ObWindow *second = ob_window_new(ADW_APPLICATION(app), settings);
  gtk_window_set_default_size(GTK_WINDOW(second), 900, 640);
  gtk_window_present(GTK_WINDOW(second));
  g_assert_true(wait_until(is_drawn, second));
  gtk_window_close(GTK_WINDOW(second));
  g_assert_cmpint(g_settings_get_int(settings, "window-width"), ==, 900);
  g_assert_cmpint(g_settings_get_int(settings, "window-height"), ==, 640);
  g_settings_reset(settings, "window-width");
  g_settings_reset(settings, "window-height");
}

static gboolean flap_closed(gpointer window) {
  AdwFlap *flap = ADW_FLAP(find_by_type(window, ADW_TYPE_FLAP));
  return adw_flap_get_folded(flap) && adw_flap_get_reveal_progress(flap) == 0.0;
}

/* On a narrow window the sidebar folds over the lesson, and opening a lesson puts it away. */
static void test_narrow_window(void) {
  ObWindow *narrow = ob_window_new(ADW_APPLICATION(app), NULL);
  gtk_window_set_default_size(GTK_WINDOW(narrow), 480, 720);
  ob_window_open_lesson(narrow, "overview");
  gtk_window_present(GTK_WINDOW(narrow));
  g_assert_true(wait_until(is_drawn, narrow));
  g_assert_cmpint(gtk_widget_get_width(GTK_WIDGET(narrow)), <=, 600);
  gtk_widget_activate_action(GTK_WIDGET(narrow), "win.toggle-sidebar", NULL);
  ob_window_open_lesson(narrow, "overview");
  g_assert_false(ob_window_get_sidebar_visible(narrow));
  g_assert_true(wait_until(flap_closed, narrow));
  save_screenshot(GTK_WIDGET(narrow), "screenshot-narrow.png");
  gtk_window_destroy(GTK_WINDOW(narrow));
}

int main(int argc, char **argv) {
  /* The lesson state goes to a fresh folder: a test never sees or changes a person's own. */
  state_dir = g_dir_make_tmp("optbench-test-XXXXXX", NULL);
  g_assert_nonnull(state_dir);
  state_file = g_build_filename(state_dir, "lessons.ini", NULL);
  ob_lesson_state_set_path(state_file);
  gtk_test_init(&argc, &argv, NULL);
  adw_init();
  ob_resources_init();

  ObLaunchOptions options = {0};
  app = ob_application_new(&options);
  /* Tests may run beside a workbench: never talk to another instance. */
  g_application_set_flags(G_APPLICATION(app), G_APPLICATION_NON_UNIQUE);
  GError *error = NULL;
  if (!g_application_register(G_APPLICATION(app), NULL, &error))
    g_error("cannot register the application: %s", error->message);
  window = ob_window_new(ADW_APPLICATION(app), ob_application_get_settings(app));
  gtk_window_set_default_size(GTK_WINDOW(window), 1280, 800);
  ob_window_open_lesson(window, "overview");
  gtk_window_present(GTK_WINDOW(window));
  if (!wait_until(is_drawn, window)) g_error("the window was never drawn");

  g_test_add_func("/display/window/sidebar-lists-lessons-by-section", test_sidebar_sections);
  g_test_add_func("/display/window/search-filters", test_search_filters);
  g_test_add_func("/display/overview/shows", test_overview_shows);
  g_test_add_func("/display/overview/links-navigate", test_overview_links_navigate);
  g_test_add_func("/display/window/presentation-toggles", test_presentation_toggles);
  g_test_add_func("/display/window/shortcuts-window-opens", test_shortcuts_window_opens);
  g_test_add_func("/display/window/preferences-window-opens", test_preferences_window_opens);
  g_test_add_func("/display/window/about-window-opens", test_about_window_opens);
  g_test_add_func("/display/code-pane/runs-stops-marks-errors", test_code_pane_runs);
  g_test_add_func("/display/code-pane/keeps-edited-code", test_code_pane_keeps_edits);
  g_test_add_func("/display/state/round-trip", test_state_round_trip);
  g_test_add_func("/display/state/atomic-write", test_state_atomic_write);
  g_test_add_func("/display/state/ephemeral", test_state_ephemeral);
  g_test_add_func("/display/window/size-saved", test_window_size_saved);
  g_test_add_func("/display/window/narrow-folds-sidebar", test_narrow_window);
  g_test_add_func("/display/lesson/screenshots", test_screenshots);
  int status = g_test_run();
  gtk_window_destroy(GTK_WINDOW(window));
  g_object_unref(app);
  g_unlink(state_file);
  g_rmdir(state_dir);
  g_free(state_file);
  g_free(state_dir);
  return status;
}
