/* ob-figure-export.c — see ob-figure-export.h. GtkFileChooserNative (GTK 4.8 has no GtkFileDialog),
 * so the chooser is the desktop's own where a portal offers one. */
#include "optbench-config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ob-figure-export.h"

/* The format of the path's extension, -1 for none or another one. */
static int format_of_extension(const char *path) {
  const char *dot = path ? strrchr(path, '.') : NULL;
  const char *slash = path ? strrchr(path, '/') : NULL;
  if (!dot || (slash && dot < slash)) return -1;
  if (g_ascii_strcasecmp(dot, ".png") == 0) return OB_FIGURE_PNG;
  if (g_ascii_strcasecmp(dot, ".svg") == 0) return OB_FIGURE_SVG;
  if (g_ascii_strcasecmp(dot, ".pdf") == 0) return OB_FIGURE_PDF;
  return -1;
}

ObFigureFormat ob_figure_export_format_for_path(const char *path, ObFigureFormat fallback) {
  int f = format_of_extension(path);
  return f < 0 ? fallback : (ObFigureFormat)f;
}

char *ob_figure_export_to_path(const char *name, const ObFigureParams *params, const char *path,
                               ObFigureFormat format, guint dpi, GError **error) {
  g_return_val_if_fail(path != NULL, NULL);
  if (!name || !ob_figure_exists(name)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Unknown figure “%s”"),
                name ? name : "");
    return NULL;
  }
  /* an extension the user typed wins; without one, the preferred format's is added */
  int ext = format_of_extension(path);
  ObFigureFormat f;
  char *target;
  if (ext < 0) {
    f = format;
    target = g_strdup_printf("%s.%s", path, ob_figure_format_name(f));
  } else {
    f = (ObFigureFormat)ext;
    target = g_strdup(path);
  }
  char *msg = NULL;
  if (!ob_figure_export_file(name, params, target, f, dpi, &msg)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", msg ? msg : _("The figure could not be written"));
    free(msg);
    g_free(target);
    return NULL;
  }
  return target;
}

typedef struct {
  GtkWindow *parent; /* weak: the dialog is modal to it */
  char *name;
  ObFigureParams params;
  ObFigureFormat format;
  guint dpi;
} ExportJob;

static void job_free(ExportJob *job) {
  g_free(job->name);
  g_free(job);
}

static void on_response(GtkNativeDialog *dialog, int response, ExportJob *job) {
  if (response == GTK_RESPONSE_ACCEPT) {
    GFile *file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
    char *path = file ? g_file_get_path(file) : NULL;
    GError *error = NULL;
    char *written = path ? ob_figure_export_to_path(job->name, &job->params, path, job->format, job->dpi, &error)
                         : NULL;
    if (!written) {
      GtkWidget *msg = adw_message_dialog_new(job->parent, _("Could Not Export the Figure"),
                                              error ? error->message : _("The chosen location is not a local file."));
      adw_message_dialog_add_response(ADW_MESSAGE_DIALOG(msg), "close", _("_Close"));
      gtk_window_present(GTK_WINDOW(msg));
    }
    g_clear_error(&error);
    g_free(written);
    g_free(path);
    g_clear_object(&file);
  }
  gtk_native_dialog_destroy(dialog);
  g_object_unref(dialog);
  job_free(job);
}

static void add_filter(GtkFileChooser *chooser, const char *title, const char *mime, const char *pattern,
                       gboolean select) {
  GtkFileFilter *f = gtk_file_filter_new();
  gtk_file_filter_set_name(f, title);
  gtk_file_filter_add_mime_type(f, mime);
  gtk_file_filter_add_pattern(f, pattern);
  gtk_file_chooser_add_filter(chooser, f);
  if (select) gtk_file_chooser_set_filter(chooser, f);
  g_object_unref(f);
}

void ob_figure_export_dialog(GtkWindow *parent, GSettings *settings, const char *name,
                             const ObFigureParams *params) {
  g_return_if_fail(name != NULL);
  ExportJob *job = g_new0(ExportJob, 1);
  job->parent = parent;
  job->name = g_strdup(name);
  if (params)
    job->params = *params;
  else
    ob_figure_params_default(&job->params);
  job->format = OB_FIGURE_PNG;
  job->dpi = 200;
  if (settings) {
    char *fmt = g_settings_get_string(settings, "export-format");
    int f = ob_figure_format_from_name(fmt);
    if (f >= 0) job->format = (ObFigureFormat)f;
    g_free(fmt);
    job->dpi = CLAMP(g_settings_get_uint(settings, "export-dpi"), OB_FIGURE_DPI_MIN, OB_FIGURE_DPI_MAX);
  }
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new(_("Export Figure"), parent,
                                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                                              _("_Cancel"));
  gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(chooser), TRUE);
  char *suggested = g_strdup_printf("%s.%s", name, ob_figure_format_name(job->format));
  gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(chooser), suggested);
  g_free(suggested);
  add_filter(GTK_FILE_CHOOSER(chooser), _("PNG image"), "image/png", "*.png", job->format == OB_FIGURE_PNG);
  add_filter(GTK_FILE_CHOOSER(chooser), _("SVG drawing"), "image/svg+xml", "*.svg", job->format == OB_FIGURE_SVG);
  add_filter(GTK_FILE_CHOOSER(chooser), _("PDF document"), "application/pdf", "*.pdf", job->format == OB_FIGURE_PDF);
  g_signal_connect(chooser, "response", G_CALLBACK(on_response), job);
  gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}
