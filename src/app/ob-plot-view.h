/* ob-plot-view.h — a live figure in a lesson: draws a PlotFigure (src/plot) that the lesson builds,
 * in the light or dark palette of the current style, scaled up in presentation mode, and turns
 * pointer presses, drags and arrow keys into points in the data coordinates of one of its axes.
 *
 * The lesson owns the model; the view calls build() whenever it needs a figure (after
 * ob_plot_view_queue_rebuild, on a size or style change) and draws it on the next frame, so a drag
 * that changes the model many times between frames builds once per frame. */
#pragma once

#include <gtk/gtk.h>

#include "plot.h"

G_BEGIN_DECLS

#define OB_TYPE_PLOT_VIEW (ob_plot_view_get_type())
G_DECLARE_FINAL_TYPE(ObPlotView, ob_plot_view, OB, PLOT_VIEW, GtkWidget)

/* Builds the figure for a drawing area of width_pt x height_pt points (the view sets the theme
 * afterwards). Return NULL to draw nothing (the view shows the background). */
typedef PlotFigure *(*ObPlotBuildFunc)(gpointer user_data, double width_pt, double height_pt);

/* What moved the point: a press, a drag, the release of a drag, or an arrow key. */
typedef enum {
  OB_PLOT_PRESS,
  OB_PLOT_DRAG,
  OB_PLOT_RELEASE,
  OB_PLOT_KEY,
} ObPlotPhase;

/* accessible_label: the drawing's name for screen readers ("Contour plot of the loss"). */
GtkWidget *ob_plot_view_new(ObPlotBuildFunc build, gpointer user_data, const char *accessible_label);

/* The size the view asks for, in pixels (default 640 x 420). It can grow with the window. */
void ob_plot_view_set_natural_size(ObPlotView *self, int width, int height);

/* The model changed: rebuild before the next frame. */
void ob_plot_view_queue_rebuild(ObPlotView *self);

/* The figure drawn last (built now if none is current; NULL if build returned NULL). The view owns it.
 * Its axes have the layout of the last frame, so plot_axes_data_to_point works on them. */
PlotFigure *ob_plot_view_get_figure(ObPlotView *self);

/* Which axes (index in the figure) takes pointer and keyboard input; -1 (default): none. When set,
 * the view is focusable and the arrow keys move a cursor by 2% of the axes' range (Shift: 0.5%),
 * starting from the point last set with ob_plot_view_set_point. */
void ob_plot_view_set_interactive_axes(ObPlotView *self, int axes_index);
int ob_plot_view_get_interactive_axes(ObPlotView *self);
void ob_plot_view_set_point(ObPlotView *self, double x, double y);
void ob_plot_view_get_point(ObPlotView *self, double *x, double *y);

/* Feeds a position in widget pixels as a pointer event would (tests, and the gestures). Returns
 * FALSE when no interactive axes are laid out yet. */
gboolean ob_plot_view_pointer_at(ObPlotView *self, double widget_x, double widget_y, ObPlotPhase phase);
/* Where a data point of the interactive axes is on the widget, in pixels (after a frame). */
gboolean ob_plot_view_data_to_widget(ObPlotView *self, double x, double y, double *wx, double *wy);

/* What the drawing currently shows, in words, for screen readers (its accessible description):
 * the lesson updates it whenever the model changes ("Contour plot of x² + 0.2y²; w = (1, 1); the
 * gradient there is (2, 0.4)"). The view keeps a copy; get returns it (NULL before the first set). */
void ob_plot_view_set_description(ObPlotView *self, const char *description);
const char *ob_plot_view_get_description(ObPlotView *self);

/* Time the last rebuild and render took, in microseconds (for the frame-time benchmark). */
gint64 ob_plot_view_get_last_build_us(ObPlotView *self);
gint64 ob_plot_view_get_last_render_us(ObPlotView *self);
/* How many times the view has drawn a figure's base layer (figures with an overlay, see
 * plot_axes_begin_overlay). While the figure changes frame after frame (a drag, an animation) the
 * view draws the overlay over a cached picture of the base, so a drag that moves only the overlay
 * leaves this count unchanged; a quarter second after the changes stop it draws the figure whole. */
guint ob_plot_view_get_base_draws(ObPlotView *self);

/* Presentation mode draws every plot view `scale` times larger (1 outside it); all views redraw. */
void ob_plot_view_set_presentation_scale(double scale);
double ob_plot_view_get_presentation_scale(void);

/* Signal "point-moved" (double x, double y, ObPlotPhase phase): a point of the interactive axes was
 * pressed, dragged to, released at or moved to with the keyboard. The view stores it as its point. */

G_END_DECLS
