/* ob-figure-export.h — the window's Export Figure… action: a file chooser, then the figure library
 * (src/figures) writes the lesson's figure with the format and DPI from GSettings. */
#pragma once

#include <gtk/gtk.h>

#include "figures.h"

G_BEGIN_DECLS

/* The format a path names by its extension (.png, .svg, .pdf, any case); fallback otherwise. */
ObFigureFormat ob_figure_export_format_for_path(const char *path, ObFigureFormat fallback);

/* What the dialog does once it has a path, callable without one (the tests): writes figure `name`
 * with params (NULL: the lecture's defaults) to path, in the format its extension names, else
 * `format` (appending that extension). Returns the path written (g_free it), or NULL with error set. */
char *ob_figure_export_to_path(const char *name, const ObFigureParams *params, const char *path,
                               ObFigureFormat format, guint dpi, GError **error);

/* Opens the chooser for `name` over parent; format and DPI come from settings (NULL: PNG, 200). */
void ob_figure_export_dialog(GtkWindow *parent, GSettings *settings, const char *name,
                             const ObFigureParams *params);

G_END_DECLS
