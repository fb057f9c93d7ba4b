/* ob-window.h — the workbench window: lesson sidebar grouped by lecture section, search, the
 * selected lesson's view, the primary menu, presentation mode. */
#pragma once

#include <adwaita.h>

#include "ob-lesson-view.h"

G_BEGIN_DECLS

#define OB_TYPE_WINDOW (ob_window_get_type())
G_DECLARE_FINAL_TYPE(ObWindow, ob_window, OB, WINDOW, AdwApplicationWindow)

ObWindow *ob_window_new(AdwApplication *app, GSettings *settings);
/* Shows lesson id; FALSE (and nothing changes) when there is no such lesson. */
gboolean ob_window_open_lesson(ObWindow *self, const char *id);
const char *ob_window_get_lesson_id(ObWindow *self);
ObLessonView *ob_window_get_lesson_view(ObWindow *self);
void ob_window_set_presentation(ObWindow *self, gboolean presentation);
gboolean ob_window_get_presentation(ObWindow *self);
/* For tests: the sidebar's list and search entry. */
GtkListBox *ob_window_get_lesson_list(ObWindow *self);
GtkEditable *ob_window_get_search_entry(ObWindow *self);
/* The list row's lesson, or NULL for anything else. */
const ObLessonInfo *ob_window_row_get_lesson(GtkListBoxRow *row);
gboolean ob_window_get_sidebar_visible(ObWindow *self);

G_END_DECLS
