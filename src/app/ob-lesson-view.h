/* ob-lesson-view.h — the frame a lesson fills: its text, its live visual area, its controls and
 * its example code (ObCodePane). A lesson's create_panel fills the slots it needs; empty slots stay
 * hidden. */
#pragma once

#include <gtk/gtk.h>

#include "ob-lesson.h"
#include "ob-code-pane.h"

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

/* Loads a lesson resource, lessons/ID/NAME, as a string (NULL when absent). */
char *ob_lesson_load_text(const char *id, const char *name);

G_END_DECLS
