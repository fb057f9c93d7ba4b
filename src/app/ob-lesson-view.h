/* ob-lesson-view.h — the frame a lesson fills: its text, its live visual area, its controls and
 * its example code (ObCodePane). A lesson's create_panel fills the slots it needs; empty slots stay
 * hidden. */
#pragma once

#include <gtk/gtk.h>

#include "ob-lesson.h"
#include "ob-code-pane.h"
#include "figures.h"

G_BEGIN_DECLS

#define OB_TYPE_LESSON_VIEW (ob_lesson_view_get_type())
G_DECLARE_FINAL_TYPE(ObLessonView, ob_lesson_view, OB, LESSON_VIEW, GtkWidget)

ObLessonView *ob_lesson_view_new(const ObLessonInfo *info);
const ObLessonInfo *ob_lesson_view_get_info(ObLessonView *self);

void ob_lesson_view_set_text(ObLessonView *self, GtkWidget *text);
/* The live drawing; accessible_description says what it shows, for screen readers. */
void ob_lesson_view_set_visual(ObLessonView *self, GtkWidget *visual, const char *accessible_description);
void ob_lesson_view_set_controls(ObLessonView *self, GtkWidget *controls);
/* Shows the code pane with this code (the lessons keep it as a resource: example.py). */
void ob_lesson_view_set_example(ObLessonView *self, const char *code);

/* Whether the lesson shows a figure (Export Figure… is enabled then). */
gboolean ob_lesson_view_has_figure(ObLessonView *self);
ObCodePane *ob_lesson_view_get_code_pane(ObLessonView *self);

/* The parameters Export Figure… uses for the lesson's figure (info->figure): the lesson updates them
 * as its controls change, so the export shows what the panel shows. NULL (the default): the
 * lecture's defaults. The view copies them. */
void ob_lesson_view_set_figure_params(ObLessonView *self, const ObFigureParams *params);
const ObFigureParams *ob_lesson_view_get_figure_params(ObLessonView *self);

/* What the panel currently shows, as key/value strings, for the display tests and for screen
 * readers' descriptions: "grad" -> "0.5 -1", "verdict" -> "saddle", "iterations" -> "12". Doubles
 * are written with g_ascii_dtostr (round-trip, locale-independent); several as space-separated. */
void ob_lesson_view_report(ObLessonView *self, const char *key, const char *value);
void ob_lesson_view_report_doubles(ObLessonView *self, const char *key, const double *values, int n);
/* NULL when the lesson never reported key. */
const char *ob_lesson_view_get_report(ObLessonView *self, const char *key);
/* Parses a report of doubles into values (at most n); returns how many were read. */
int ob_lesson_view_get_report_doubles(ObLessonView *self, const char *key, double *values, int n);

/* Lesson state that survives a restart (control values; the code pane's edited code is kept the
 * same way): binds a property of object (a double, int, uint, boolean or string property, such as
 * a GtkAdjustment's "value", a GtkDropDown's "selected", a GtkSwitch's "active") to the key
 * "<lesson id>.<key>" of the state file. The stored value, if any, is applied now; later changes
 * are saved (debounced, atomically). Bind after the panel is built and connected, so restoring a
 * value runs the panel's own change handlers. */
void ob_lesson_view_bind_state(ObLessonView *self, const char *key, gpointer object, const char *property);

/* A plot and its column (of numbers or controls): side by side when the panel is at least 640 px
 * wide (the column at its natural width, at most a third), the column below the plot in a narrow
 * window (GTK 4.8 has no breakpoints, so a custom layout decides by the width). */
GtkWidget *ob_lesson_side_by_side_new(GtkWidget *plot, GtkWidget *column);

/* A row of control groups (settings, readouts): side by side, equal widths, from 720 px; one above
 * the other in a narrower window. Add children with ob_lesson_controls_row_add (top-aligned). */
GtkWidget *ob_lesson_controls_row_new(void);
void ob_lesson_controls_row_add(GtkWidget *row, GtkWidget *child);

/* Loads a lesson resource, lessons/ID/NAME, as a string (NULL when absent). */
char *ob_lesson_load_text(const char *id, const char *name);

G_END_DECLS
