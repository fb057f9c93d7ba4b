/* ob-application.c — see ob-application.h and ob-app.h. */
#include "optbench-config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "ob-app.h"
#include "ob-application.h"
#include "ob-lesson-state.h"
#include "ob-preferences.h"
#include "ob-resources.h"
#include "ob-window.h"

struct _ObApplication {
  AdwApplication parent_instance;

  /* Owned references */
  GSettings *settings;

  /* Launch options (strings owned) */
  char *lesson;
  gboolean presentation;
  char *screenshot;
  gboolean dark;
  int screenshot_status;
  int shot_frames;
};

G_DEFINE_FINAL_TYPE(ObApplication, ob_application, ADW_TYPE_APPLICATION)

/* ---- running from the build tree ---- */

/* TRUE when this executable lives under the build directory it was built in: then the schema and
 * the translations are taken from there rather than from the (possibly absent) installed ones. */
static gboolean running_uninstalled(void) {
  static int uninstalled = -1;
  if (uninstalled < 0) {
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    uninstalled = exe && g_str_has_prefix(exe, OB_BUILD_ROOT "/");
    g_free(exe);
  }
  return uninstalled;
}

void ob_i18n_init(void) {
  setlocale(LC_ALL, "");
  /* gettext ignores LANGUAGE under the plain C locale; C.UTF-8 behaves the same otherwise. */
  const char *messages = setlocale(LC_MESSAGES, NULL);
  if (messages && (strcmp(messages, "C") == 0 || strcmp(messages, "POSIX") == 0))
    setlocale(LC_ALL, "C.UTF-8");
  const char *dir = OPTBENCH_LOCALEDIR;
  if (running_uninstalled()) dir = OB_BUILD_ROOT "/po";
  bindtextdomain(GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
  textdomain(GETTEXT_PACKAGE);
}

void ob_resources_init(void) {
  static gsize done = 0;
  if (g_once_init_enter(&done)) {
    ob_register_resource();
    g_once_init_leave(&done, 1);
  }
}

GSettings *ob_settings_new(void) {
  GSettingsSchemaSource *source = g_settings_schema_source_get_default();
  GSettingsSchemaSource *build_source = NULL;
  if (running_uninstalled())
    build_source = g_settings_schema_source_new_from_directory(OB_BUILD_ROOT "/data", source, FALSE, NULL);
  GSettingsSchema *schema = NULL;
  if (build_source) schema = g_settings_schema_source_lookup(build_source, OPTBENCH_APP_ID, TRUE);
  if (!schema && source) schema = g_settings_schema_source_lookup(source, OPTBENCH_APP_ID, TRUE);
  g_clear_pointer(&build_source, g_settings_schema_source_unref);
  if (!schema) {
    g_warning("GSettings schema %s is not installed: preferences will not be kept", OPTBENCH_APP_ID);
    return NULL;
  }
  GSettings *settings = g_settings_new_full(schema, NULL, NULL);
  g_settings_schema_unref(schema);
  return settings;
}

/* ---- settings applied app-wide ---- */

static void apply_color_scheme(ObApplication *self) {
  AdwStyleManager *manager = adw_style_manager_get_default();
  /* Screenshots do not depend on the desktop's or the user's choice: light unless --dark. */
  if (self->dark || self->screenshot) {
    adw_style_manager_set_color_scheme(manager, self->dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
    return;
  }
  int scheme = self->settings ? g_settings_get_enum(self->settings, "color-scheme") : 0;
  adw_style_manager_set_color_scheme(manager, scheme == 1 ? ADW_COLOR_SCHEME_FORCE_LIGHT
                                            : scheme == 2 ? ADW_COLOR_SCHEME_FORCE_DARK
                                                          : ADW_COLOR_SCHEME_PREFER_LIGHT);
}

static void apply_reduce_motion(ObApplication *self) {
  GtkSettings *gtk_settings = gtk_settings_get_default();
  gboolean reduce = self->settings && g_settings_get_boolean(self->settings, "reduce-motion");
  if (gtk_settings) g_object_set(gtk_settings, "gtk-enable-animations", !reduce, NULL);
}

static void on_settings_changed(GSettings *settings, const char *key, ObApplication *self) {
  (void)settings;
  if (g_strcmp0(key, "color-scheme") == 0) apply_color_scheme(self);
  else if (g_strcmp0(key, "reduce-motion") == 0) apply_reduce_motion(self);
}

/* ---- app actions ---- */

static void action_quit(GSimpleAction *a, GVariant *p, gpointer app) {
  (void)a; (void)p;
  /* Closing rather than g_application_quit, so that windows save their size. */
  GList *windows = g_list_copy(gtk_application_get_windows(GTK_APPLICATION(app)));
  for (GList *l = windows; l; l = l->next) gtk_window_close(l->data);
  g_list_free(windows);
}

static void action_about(GSimpleAction *a, GVariant *p, gpointer app) {
  (void)a; (void)p;
  const char *developers[] = {"The Optimization Workbench authors", NULL};
  GtkWindow *parent = gtk_application_get_active_window(GTK_APPLICATION(app));
  GtkWidget *about = g_object_new(ADW_TYPE_ABOUT_WINDOW,
      "transient-for", parent,
      "application-name", _("Optimization Workbench"),
      "application-icon", OPTBENCH_APP_ID,
      "version", OPTBENCH_VERSION,
      "comments", _("A workbench for the lecture “Optimization and PyTorch basics in higher "
                    "dimensions”, driven by a tensor engine that prints what PyTorch prints."),
      "developers", developers,
      "license-type", GTK_LICENSE_GPL_3_0,
      "translator-credits", _("translator-credits"),
      NULL);
  gtk_window_present(GTK_WINDOW(about));
}

static void action_preferences(GSimpleAction *a, GVariant *p, gpointer app) {
  (void)a; (void)p;
  ObApplication *self = app;
  GtkWindow *parent = gtk_application_get_active_window(GTK_APPLICATION(app));
  GtkWindow *prefs = GTK_WINDOW(ob_preferences_new(self->settings));
  gtk_window_set_transient_for(prefs, parent);
  gtk_window_present(prefs);
}

static const GActionEntry app_actions[] = {
  {"quit", action_quit, NULL, NULL, NULL, {0}},
  {"about", action_about, NULL, NULL, NULL, {0}},
  {"preferences", action_preferences, NULL, NULL, NULL, {0}},
};

/* ---- screenshot mode ---- */

gboolean ob_widget_save_png(GtkWidget *widget, const char *path, GError **error) {
  int width = gtk_widget_get_width(widget), height = gtk_widget_get_height(widget);
  GtkNative *native = gtk_widget_get_native(widget);
  GskRenderer *renderer = native ? gtk_native_get_renderer(native) : NULL;
  if (width <= 0 || height <= 0 || !renderer) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "the window has not been drawn");
    return FALSE;
  }
  GdkPaintable *paintable = gtk_widget_paintable_new(widget);
  GtkSnapshot *snapshot = gtk_snapshot_new();
  gdk_paintable_snapshot(paintable, GDK_SNAPSHOT(snapshot), width, height);
  GskRenderNode *node = gtk_snapshot_free_to_node(snapshot);
  g_object_unref(paintable);
  if (!node) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "the window drew nothing");
    return FALSE;
  }
  graphene_rect_t bounds = GRAPHENE_RECT_INIT(0, 0, width, height);
  GdkTexture *texture = gsk_renderer_render_texture(renderer, node, &bounds);
  gsk_render_node_unref(node);
  gboolean ok = texture && gdk_texture_save_to_png(texture, path);
  g_clear_object(&texture);
  if (!ok) g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", path);
  return ok;
}

enum { SHOT_WIDTH = 1280, SHOT_HEIGHT = 800 };

static void on_after_paint(GdkFrameClock *clock, gpointer data) {
  ObApplication *self = OB_APPLICATION(data);
  GtkWindow *window = gtk_application_get_active_window(GTK_APPLICATION(self));
  if (!window) return;
  /* The window's content is pinned to the screenshot size (see activate), whatever the frame
   * and the screen do; wait for a frame that has it laid out at that size. */
  GtkWidget *content = adw_application_window_get_content(ADW_APPLICATION_WINDOW(window));
  int width = gtk_widget_get_width(content), height = gtk_widget_get_height(content);
  if ((width != SHOT_WIDTH || height != SHOT_HEIGHT) && ++self->shot_frames < 20) {
    gdk_frame_clock_request_phase(clock, GDK_FRAME_CLOCK_PHASE_PAINT);
    return;
  }
  g_signal_handlers_disconnect_by_func(clock, on_after_paint, data);
  GError *error = NULL;
  if (ob_widget_save_png(content, self->screenshot, &error)) {
    self->screenshot_status = 0;
  } else {
    g_printerr("optbench: --screenshot: %s\n", error->message);
    g_error_free(error);
    self->screenshot_status = 1;
  }
  g_application_quit(G_APPLICATION(self));
}

static gboolean screenshot_timeout(gpointer data) {
  ObApplication *self = data;
  g_printerr("optbench: --screenshot: the window was not drawn within 30 s\n");
  self->screenshot_status = 1;
  g_application_quit(G_APPLICATION(self));
  return G_SOURCE_REMOVE;
}

static void on_window_realized(GtkWidget *window, gpointer data) {
  GdkFrameClock *clock = gtk_widget_get_frame_clock(window);
  g_signal_connect(clock, "after-paint", G_CALLBACK(on_after_paint), data);
  gdk_frame_clock_request_phase(clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

/* ---- GApplication ---- */

static void ob_application_startup(GApplication *app) {
  ObApplication *self = OB_APPLICATION(app);
  G_APPLICATION_CLASS(ob_application_parent_class)->startup(app);
  self->settings = ob_settings_new();
  if (self->settings) g_signal_connect(self->settings, "changed", G_CALLBACK(on_settings_changed), self);
  apply_color_scheme(self);
  apply_reduce_motion(self);
  g_action_map_add_action_entries(G_ACTION_MAP(app), app_actions, G_N_ELEMENTS(app_actions), app);
  const char *quit[] = {"<Control>q", NULL}, *prefs[] = {"<Control>comma", NULL};
  gtk_application_set_accels_for_action(GTK_APPLICATION(app), "app.quit", quit);
  gtk_application_set_accels_for_action(GTK_APPLICATION(app), "app.preferences", prefs);
  /* Uninstalled, the icon is only in the source tree's data/icons. */
  if (running_uninstalled())
    gtk_icon_theme_add_search_path(gtk_icon_theme_get_for_display(gdk_display_get_default()),
                                   OB_SOURCE_ROOT "/data/icons");
  gtk_window_set_default_icon_name(OPTBENCH_APP_ID);
}

static void ob_application_activate(GApplication *app) {
  ObApplication *self = OB_APPLICATION(app);
  GtkWindow *window = gtk_application_get_active_window(GTK_APPLICATION(app));
  if (!window) {
    ObWindow *win = ob_window_new(ADW_APPLICATION(app), self->screenshot ? NULL : self->settings);
    window = GTK_WINDOW(win);
    char *last = self->settings ? g_settings_get_string(self->settings, "last-lesson") : NULL;
    const char *id = self->lesson ? self->lesson : last;
    if (!ob_window_open_lesson(win, id)) {
      guint n;
      const ObLessonInfo *const *all = ob_lessons_all(&n);
      if (n) ob_window_open_lesson(win, all[0]->id);
    }
    g_free(last);
    if (self->screenshot) {
      gtk_window_set_default_size(window, SHOT_WIDTH, SHOT_HEIGHT);
      GtkWidget *content = adw_application_window_get_content(ADW_APPLICATION_WINDOW(window));
      gtk_widget_set_size_request(content, SHOT_WIDTH, SHOT_HEIGHT);
      /* The window paints the background, and the PNG is of its content: paint it there. */
      gtk_widget_add_css_class(content, "background");
      gtk_widget_add_css_class(GTK_WIDGET(window), "screenshot");
      /* No frame around the content: the PNG is exactly the window as laid out. */
      gtk_window_set_decorated(window, FALSE);
      g_signal_connect(window, "realize", G_CALLBACK(on_window_realized), self);
      g_timeout_add_seconds(30, screenshot_timeout, self);
    }
    if (self->presentation) ob_window_set_presentation(win, TRUE);
  }
  gtk_window_present(window);
}

static void ob_application_dispose(GObject *object) {
  ObApplication *self = OB_APPLICATION(object);
  if (self->settings) g_signal_handlers_disconnect_by_data(self->settings, self);
  g_clear_object(&self->settings);
  G_OBJECT_CLASS(ob_application_parent_class)->dispose(object);
}

static void ob_application_finalize(GObject *object) {
  ObApplication *self = OB_APPLICATION(object);
  g_free(self->lesson);
  g_free(self->screenshot);
  G_OBJECT_CLASS(ob_application_parent_class)->finalize(object);
}

static void ob_application_shutdown(GApplication *app) {
  GError *error = NULL;
  if (!ob_lesson_state_flush(&error)) {
    g_message("lesson state not saved: %s", error->message);
    g_clear_error(&error);
  }
  G_APPLICATION_CLASS(ob_application_parent_class)->shutdown(app);
}

static void ob_application_class_init(ObApplicationClass *klass) {
  G_OBJECT_CLASS(klass)->dispose = ob_application_dispose;
  G_OBJECT_CLASS(klass)->finalize = ob_application_finalize;
  G_APPLICATION_CLASS(klass)->startup = ob_application_startup;
  G_APPLICATION_CLASS(klass)->activate = ob_application_activate;
  G_APPLICATION_CLASS(klass)->shutdown = ob_application_shutdown;
}

static void ob_application_init(ObApplication *self) {
  (void)self;
}

ObApplication *ob_application_new(const ObLaunchOptions *options) {
  ob_resources_init();
  /* A screenshot is its own short-lived process, even while the workbench is open. */
  GApplicationFlags flags = options && options->screenshot ? G_APPLICATION_NON_UNIQUE
                                                           : G_APPLICATION_DEFAULT_FLAGS;
  ObApplication *self = g_object_new(OB_TYPE_APPLICATION,
                                     "application-id", OPTBENCH_APP_ID,
                                     "flags", flags,
                                     "resource-base-path", "/io/github/optbench/Workbench",
                                     NULL);
  if (options) {
    self->lesson = g_strdup(options->lesson);
    self->presentation = options->presentation;
    self->screenshot = g_strdup(options->screenshot);
    self->dark = options->dark;
    self->screenshot_status = options->screenshot ? 1 : 0;
    /* A screenshot shows each lesson as a first start shows it, whatever this user changed. */
    if (options->screenshot) ob_lesson_state_set_ephemeral(TRUE);
  }
  return self;
}

GSettings *ob_application_get_settings(ObApplication *self) {
  g_return_val_if_fail(OB_IS_APPLICATION(self), NULL);
  return self->settings;
}

/* ---- entry points ---- */

int ob_app_print_lessons(FILE *out) {
  guint n;
  const ObLessonInfo *const *all = ob_lessons_all(&n);
  for (guint i = 0; i < n; i++) fprintf(out, "%s\n", all[i]->id);
  return 0;
}

int ob_app_main(int argc, char **argv) {
  ObLaunchOptions options = {0};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--lesson") == 0 || strcmp(a, "--screenshot") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "optbench: %s needs an argument\n", a);
        return 2;
      }
      if (a[2] == 'l') options.lesson = argv[++i];
      else options.screenshot = argv[++i];
    } else if (g_str_has_prefix(a, "--lesson=")) {
      options.lesson = a + 9;
    } else if (g_str_has_prefix(a, "--screenshot=")) {
      options.screenshot = a + 13;
    } else if (strcmp(a, "--presentation") == 0) {
      options.presentation = TRUE;
    } else if (strcmp(a, "--dark") == 0) {
      options.dark = TRUE;
    } else {
      fprintf(stderr, "optbench: unknown option '%s' (see optbench --help)\n", a);
      return 2;
    }
  }
  if (options.lesson && !ob_lesson_find(options.lesson)) {
    fprintf(stderr, "optbench: no lesson '%s' (optbench lessons lists them)\n", options.lesson);
    return 2;
  }
  if (options.screenshot && !*options.screenshot) {
    fprintf(stderr, "optbench: --screenshot needs a file name\n");
    return 2;
  }
  const char *dark_env = g_getenv("OPTBENCH_DARK");
  if (dark_env && *dark_env && strcmp(dark_env, "0") != 0) options.dark = TRUE;

  ob_i18n_init();
  ObApplication *app = ob_application_new(&options);
  char *args[] = {argv[0], NULL};
  int status = g_application_run(G_APPLICATION(app), 1, args);
  if (status == 0 && options.screenshot) status = app->screenshot_status;
  g_object_unref(app);
  return status;
}
