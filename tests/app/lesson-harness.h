/* lesson-harness.h — what every lesson's display test (tests/app/test-lesson-ID.c) shares: one
 * application and window under Xvfb, isolated state, waiting on the main loop without sleeps,
 * finding a lesson's widgets, reading what it reports, and screenshots in light and dark. */
#pragma once

#include <gtk/gtk.h>

#include "ob-lesson-view.h"
#include "ob-plot-view.h"
#include "ob-window.h"

/* Call first in main (before g_test_add_func): initialises GTK and libadwaita, points the lesson
 * state at a fresh temporary folder, and presents a 1280×800 window. */
void harness_init(int *argc, char ***argv);
ObWindow *harness_window(void);

typedef gboolean (*HarnessCondition)(gpointer data);
/* Iterates the main loop until cond(data) holds (TRUE) or 10 s pass (FALSE). */
gboolean harness_wait_until(HarnessCondition cond, gpointer data);
/* Lets pending work run and one frame be drawn. */
void harness_settle(void);

/* Opens a lesson (fails the test if it does not exist) and waits until it is drawn. */
ObLessonView *harness_open_lesson(const char *id);

/* The first descendant of root with this widget name (gtk_widget_set_name) or of this type. */
GtkWidget *harness_find_by_name(GtkWidget *root, const char *name);
GtkWidget *harness_find_by_type(GtkWidget *root, GType type);

/* A report of the lesson view as doubles (fails the test when fewer than n are present). */
void harness_report_doubles(ObLessonView *view, const char *key, double *values, int n);

/* Writes screenshot-NAME.png (light) or screenshot-NAME-dark.png into the build folder's tests/. */
void harness_screenshot(const char *name, gboolean dark);

/* Simulates a press-drag-release on a plot view from data point (x0, y0) to (x1, y1) of its
 * interactive axes, through the same path the pointer gestures take. */
void harness_drag(ObPlotView *plot, double x0, double y0, double x1, double y1);
