/* ob-application.h — the AdwApplication: application actions (quit, about, preferences), the
 * settings (colour scheme, reduce motion), and the one-shot screenshot mode. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define OB_TYPE_APPLICATION (ob_application_get_type())
G_DECLARE_FINAL_TYPE(ObApplication, ob_application, OB, APPLICATION, AdwApplication)

typedef struct {
  const char *lesson;      /* NULL: the last lesson */
  gboolean presentation;
  const char *screenshot;  /* a PNG path: render once, write it, quit */
  gboolean dark;           /* force the dark style (for screenshots) */
} ObLaunchOptions;

ObApplication *ob_application_new(const ObLaunchOptions *options);
GSettings *ob_application_get_settings(ObApplication *self);
/* The settings object for the app's schema, found installed or in the build tree. NULL (with a
 * warning) when the schema is nowhere. */
GSettings *ob_settings_new(void);
/* Binds the text domain (installed, or the build tree's when run uninstalled) and sets the
 * locale so that LANGUAGE works. */
void ob_i18n_init(void);
/* Registers the app's resources (once). */
void ob_resources_init(void);
/* Writes widget's current rendering to a PNG; FALSE with error on failure. */
gboolean ob_widget_save_png(GtkWidget *widget, const char *path, GError **error);

G_END_DECLS
