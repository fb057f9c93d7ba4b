/* plot.h: the workbench's plotting library (cairo + pango, no GTK, no GObject types).
 *
 * A PlotFigure has a size in points and holds axes; each axes holds a display list of items in data
 * coordinates (lines, markers, arrows, text, polygons, boxes, contours, heat maps). Rendering lays the
 * figure out for the target size, places labels so they do not overlap, and draws to any cairo_t.
 * Sizes of text, lines and markers are in points, so exporting at another DPI scales exactly.
 *
 * Strings passed in are copied. Text arguments named `markup` are Pango markup (so "<i>w</i><sub>1</sub>"
 * and Unicode such as "∇L(w)" or "‖w‖²" work); escape literal '<' and '&'.
 */
#ifndef OPTBENCH_PLOT_H
#define OPTBENCH_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairo.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- colours and themes ---- */

typedef struct {
  double r, g, b, a;
} PlotColor;

/* Colours by role, resolved against the figure's theme at render time. */
typedef enum {
  PLOT_ROLE_BACKGROUND,
  PLOT_ROLE_FOREGROUND, /* text, axes frame, ticks */
  PLOT_ROLE_MUTED,      /* secondary text, minor elements */
  PLOT_ROLE_GRID,
  PLOT_ROLE_PANEL,      /* light fill for boxes and legends */
  PLOT_ROLE_ACCENT1,
  PLOT_ROLE_ACCENT2,
  PLOT_ROLE_ACCENT3,
  PLOT_ROLE_ACCENT4,
  PLOT_ROLE_ACCENT5,
  PLOT_ROLE_ACCENT6,
  PLOT_ROLE_CUSTOM, /* use PlotPaint.rgba */
  PLOT_N_ROLES = PLOT_ROLE_CUSTOM
} PlotRole;

typedef struct {
  PlotRole role;
  PlotColor rgba; /* only for PLOT_ROLE_CUSTOM */
} PlotPaint;

typedef enum { PLOT_THEME_LIGHT, PLOT_THEME_DARK } PlotTheme;

PlotPaint plot_paint_role(PlotRole role);
PlotPaint plot_paint_rgba(double r, double g, double b, double a);
PlotPaint plot_paint_none(void); /* fully transparent */
PlotColor plot_theme_color(PlotTheme theme, PlotRole role);
PlotColor plot_paint_resolve(PlotPaint paint, PlotTheme theme);

/* ---- colour maps ---- */

typedef enum { PLOT_CMAP_VIRIDIS, PLOT_CMAP_DIVERGING } PlotColormap;

/* t in [0, 1] (clamped; NaN gives transparent). */
PlotColor plot_colormap_eval(PlotColormap cmap, double t);

/* ---- ticks ---- */

typedef enum { PLOT_SCALE_LINEAR, PLOT_SCALE_LOG } PlotScale;

#define PLOT_MAX_TICKS 64

typedef struct {
  int n_major;
  double major[PLOT_MAX_TICKS];
  int n_minor;
  double minor[PLOT_MAX_TICKS];
  double step; /* linear: the major step; log: the step in decades (major ticks at 10^k) */
  bool log_decades; /* log axis labelled as powers of ten */
} PlotTicks;

/* Nice ticks (1-2-5 steps) inside [lo, hi] aiming at about `target` major ticks (>= 2).
 * Returns false for a non-finite or empty range (or, for log, a non-positive bound). */
bool plot_ticks_compute(PlotScale scale, double lo, double hi, int target, PlotTicks *out);

/* Formats a tick value compactly into buf (UTF-8, U+2212 minus sign, no "0.30000000000000004").
 * `step` is the spacing of the labelled ticks (decides the decimals). For log decades pass
 * `log_decade` true to get "10⁻³". Returns buf. */
char *plot_format_tick(double value, double step, bool log_decade, char *buf, size_t size);

/* Nice, expanded limits that contain [lo, hi], on the tick grid. */
void plot_nice_limits(double lo, double hi, int target, double *out_lo, double *out_hi);

/* ---- contours ---- */

typedef struct PlotContourSet PlotContourSet;

/* Marching squares over z[j * nx + i] sampled at x = x0 + i (x1 - x0) / (nx - 1), y likewise.
 * Saddles are resolved by the cell centre's average. Segments are joined into polylines; lines
 * that close on themselves are flagged closed. Non-finite samples break lines. Returns NULL on bad
 * arguments (nx or ny < 2, NULL pointers, non-finite levels). */
PlotContourSet *plot_contour_compute(const double *z, int nx, int ny, double x0, double x1,
                                     double y0, double y1, const double *levels, int n_levels);
void plot_contour_set_free(PlotContourSet *set);
int plot_contour_set_n_lines(const PlotContourSet *set);
/* Returns the line's points (x, y interleaved; for closed lines the first point is not repeated). */
const double *plot_contour_set_line(const PlotContourSet *set, int index, int *n_points,
                                    int *level_index, bool *closed);
/* `n` nice levels strictly inside (zmin, zmax); returns how many were written (<= max_out). */
int plot_contour_auto_levels(double zmin, double zmax, int n, double *out, int max_out);

/* ---- figure and axes ---- */

typedef struct PlotFigure PlotFigure;
typedef struct PlotAxes PlotAxes;

typedef enum {
  PLOT_MARKER_NONE,
  PLOT_MARKER_CIRCLE,
  PLOT_MARKER_SQUARE,
  PLOT_MARKER_TRIANGLE,
  PLOT_MARKER_CROSS,
} PlotMarker;

typedef struct {
  PlotPaint color;
  double width_pt;  /* line width; 0 draws no line (markers only) */
  double dash[4];   /* on/off lengths in points, n_dash of them */
  int n_dash;
  PlotMarker marker;
  double marker_size_pt; /* diameter */
  bool marker_filled;
} PlotLineStyle;

PlotLineStyle plot_line_style(PlotRole role, double width_pt);

/* Where a label goes relative to its anchor; PLOT_ANCHOR_AUTO lets the placer choose. The others
 * name which point of the text's box sits at the anchor (e.g. PLOT_ANCHOR_SW puts the text
 * up and to the right of the anchor). */
typedef enum {
  PLOT_ANCHOR_AUTO,
  PLOT_ANCHOR_CENTER,
  PLOT_ANCHOR_N,
  PLOT_ANCHOR_NE,
  PLOT_ANCHOR_E,
  PLOT_ANCHOR_SE,
  PLOT_ANCHOR_S,
  PLOT_ANCHOR_SW,
  PLOT_ANCHOR_W,
  PLOT_ANCHOR_NW,
} PlotAnchor;

typedef struct {
  double x, y, w, h; /* figure points, y down, at the last layout */
} PlotBox;

typedef enum {
  PLOT_LABEL_TEXT,    /* an annotation or arrow label */
  PLOT_LABEL_CONTOUR, /* a contour level label */
  PLOT_LABEL_LEGEND,
} PlotLabelKind;

typedef struct {
  PlotBox box;
  PlotLabelKind kind;
  bool overlaps; /* true if no free position was found and the label was placed anyway */
} PlotPlacedLabel;

PlotFigure *plot_figure_new(double width_pt, double height_pt);
void plot_figure_free(PlotFigure *fig);
void plot_figure_set_theme(PlotFigure *fig, PlotTheme theme);
PlotTheme plot_figure_get_theme(const PlotFigure *fig);
void plot_figure_get_size(const PlotFigure *fig, double *width_pt, double *height_pt);
void plot_figure_set_title(PlotFigure *fig, const char *markup);
/* Base font: family and size in points for tick labels (titles and labels scale from it). */
void plot_figure_set_font(PlotFigure *fig, const char *family, double size_pt);

/* Axes in a rows x cols grid (index from 0, row-major), or at a rectangle given as fractions of the
 * figure (x, y from the top-left; the rectangle includes the axes' labels and title). The figure
 * owns them. */
PlotAxes *plot_figure_add_subplot(PlotFigure *fig, int rows, int cols, int index);
PlotAxes *plot_figure_add_axes(PlotFigure *fig, double x, double y, double w, double h);

/* The figure's axes in the order they were added (NULL when index is out of range). */
int plot_figure_get_n_axes(const PlotFigure *fig);
PlotAxes *plot_figure_get_axes(const PlotFigure *fig, int index);

void plot_axes_set_xlim(PlotAxes *ax, double lo, double hi);
void plot_axes_set_ylim(PlotAxes *ax, double lo, double hi);
void plot_axes_set_xscale(PlotAxes *ax, PlotScale scale);
void plot_axes_set_yscale(PlotAxes *ax, PlotScale scale);
void plot_axes_set_equal_aspect(PlotAxes *ax, bool equal);
void plot_axes_set_title(PlotAxes *ax, const char *markup);
void plot_axes_set_xlabel(PlotAxes *ax, const char *markup);
void plot_axes_set_ylabel(PlotAxes *ax, const char *markup);
void plot_axes_set_grid(PlotAxes *ax, bool grid);
/* Hide frame, ticks and tick labels (for diagrams). */
void plot_axes_set_frame(PlotAxes *ax, bool visible);
/* Limits from the data added so far, expanded to nice ticks (limits set explicitly are kept). */
void plot_axes_autoscale(PlotAxes *ax);

/* Data items. `label` (markup, may be NULL) names the item in the legend. */
void plot_axes_add_line(PlotAxes *ax, const double *x, const double *y, int n,
                        const PlotLineStyle *style, const char *label);
void plot_axes_add_polygon(PlotAxes *ax, const double *x, const double *y, int n, PlotPaint fill,
                           const PlotLineStyle *edge /* NULL: none */, const char *label);
/* An arrow from (x0, y0) to (x1, y1) with a filled head at (x1, y1); the head scales with the line
 * width and the shaft stops at the head. The label is placed by the placer near the head. */
void plot_axes_add_arrow(PlotAxes *ax, double x0, double y0, double x1, double y1,
                         const PlotLineStyle *style, const char *label_markup);
/* Text at a data point. AUTO: the placer tries positions around the point. */
void plot_axes_add_text(PlotAxes *ax, double x, double y, const char *markup, PlotAnchor anchor,
                        PlotPaint color, double size_pt);
/* A rectangle in data coordinates with centred text (tensor-layout diagrams). */
void plot_axes_add_box(PlotAxes *ax, double x, double y, double w, double h, PlotPaint fill,
                       PlotPaint edge, double edge_width_pt, const char *markup, double text_size_pt);
/* Contour lines of a grid (see plot_contour_compute); levels NULL picks n_levels nice ones.
 * label_levels: write the level on each line (rotated along it, with a gap cut in the line). */
bool plot_axes_add_contour(PlotAxes *ax, const double *z, int nx, int ny, double x0, double x1,
                           double y0, double y1, const double *levels, int n_levels,
                           const PlotLineStyle *style, bool label_levels);
/* Filled bands between consecutive levels, coloured by cmap (n_levels >= 2). */
bool plot_axes_add_contour_filled(PlotAxes *ax, const double *z, int nx, int ny, double x0,
                                  double x1, double y0, double y1, const double *levels,
                                  int n_levels, PlotColormap cmap);
/* A heat map of z over the rectangle, one cell per sample, values mapped from [vmin, vmax]. */
bool plot_axes_add_heatmap(PlotAxes *ax, const double *z, int nx, int ny, double x0, double x1,
                           double y0, double y1, PlotColormap cmap, double vmin, double vmax);
/* A colour bar to the right of the axes. */
void plot_axes_add_colorbar(PlotAxes *ax, PlotColormap cmap, double vmin, double vmax,
                            const char *label_markup);
void plot_axes_set_legend(PlotAxes *ax, bool show);

/* ---- rendering and export ---- */

/* Draws the figure into cr on the rectangle (0, 0, width_px, height_px) of cr's user space, with
 * `scale` user units per point (1 for a widget at 1 px per point; dpi / 72 for an image). */
void plot_figure_render(PlotFigure *fig, cairo_t *cr, double width_px, double height_px,
                        double scale);
/* The labels placed by the last render (boxes in points at scale 1). */
const PlotPlacedLabel *plot_figure_get_labels(const PlotFigure *fig, int *n);
/* Arrows of the last render as segments in points, n segments of 4 doubles (x0 y0 x1 y1): for each
 * arrow its whole length from tail to tip, then the three edges of its head. */
const double *plot_figure_get_arrow_segments(const PlotFigure *fig, int *n);
/* Lays out and places labels for a size in points without drawing anything visible. */
void plot_figure_layout(PlotFigure *fig, double width_pt, double height_pt);

/* ---- layers, for interactive views ----
 *
 * A view that redraws as the pointer moves keeps a picture of what does not move (the base layer:
 * contours, axes, everything by default) and draws only the overlay (a dragged point, its arrow,
 * its label) over it each frame. Items added after plot_axes_begin_overlay, and whole axes marked
 * with plot_axes_set_overlay (frame, ticks, items and legend), are the overlay. In a layered layout
 * the base's labels and legends are placed as if the overlay were absent, so the base stays the same
 * while only the overlay changes, and the overlay's labels keep clear of the base's. A legend with a
 * row for an overlay item belongs to the overlay. Exports and
 * plot_figure_render draw both layers in one pass, laid out as a whole, as before. */
typedef enum { PLOT_LAYER_ALL, PLOT_LAYER_BASE, PLOT_LAYER_OVERLAY } PlotLayer;

void plot_axes_begin_overlay(PlotAxes *ax);
void plot_axes_set_overlay(PlotAxes *ax, bool overlay);
bool plot_figure_has_overlay(const PlotFigure *fig);
/* Lays the figure out for a size in points with the base placed on its own, and returns a key of
 * everything the base layer's pixels depend on (sizes, limits, items, texts, placed labels, theme):
 * two figures with equal keys have equal base layers. */
uint64_t plot_figure_layout_layers(PlotFigure *fig, double width_pt, double height_pt);
/* Draws one layer (or both) of a figure laid out by plot_figure_layout_layers, into cr on the
 * rectangle (0, 0, width_pt * scale, height_pt * scale); the base paints the background, the
 * overlay only its own items. Does nothing for a figure not laid out. */
void plot_figure_draw_layer(PlotFigure *fig, cairo_t *cr, double scale, PlotLayer layer);

/* Coordinates after the last layout or render (false before one, or for a point with no image,
 * such as a non-positive value on a log axis): data -> figure points (y down, at scale 1) and back,
 * and the plot area of the axes in figure points. A widget maps pointer positions with these. */
bool plot_axes_data_to_point(const PlotAxes *ax, double x, double y, double *px, double *py);
bool plot_axes_point_to_data(const PlotAxes *ax, double px, double py, double *x, double *y);
bool plot_axes_get_area(const PlotAxes *ax, double *x, double *y, double *w, double *h);

/* Exporters: write to a temporary file in the same directory and rename it, so no partial file is
 * left on error. Return true on success; on failure return false and, if error is not NULL, set
 * *error to a malloc'd message (free() it). PNG pixel size is the figure size * dpi / 72. */
bool plot_figure_write_png(PlotFigure *fig, const char *path, double dpi, char **error);
bool plot_figure_write_svg(PlotFigure *fig, const char *path, char **error);
bool plot_figure_write_pdf(PlotFigure *fig, const char *path, char **error);

#ifdef __cplusplus
}
#endif

#endif
