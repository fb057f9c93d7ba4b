/* plot-private.h: shared between the plot library's files, not installed. */
#ifndef OPTBENCH_PLOT_PRIVATE_H
#define OPTBENCH_PLOT_PRIVATE_H

#include "plot.h"

#include <math.h>
#include <stdint.h>

#include <pango/pangocairo.h>

typedef enum {
  IT_LINE,
  IT_POLY,
  IT_ARROW,
  IT_TEXT,
  IT_BOX,
  IT_CONTOUR,
  IT_FILLED,
  IT_HEATMAP,
} ItemKind;

/* A contour label, placed at layout time: centre, angle and size of its rotated box (points). */
typedef struct {
  double cx, cy, angle, w, h;
  char text[48];
} ContourLabel;

typedef struct {
  ItemKind kind;
  PlotLineStyle style;
  bool has_edge;
  PlotPaint fill, color;
  double *xy; /* data points: line/polygon n points; arrow 2; text 1; box 2 (corner, size) */
  int n;
  char *markup; /* text, box text, arrow label */
  char *label;  /* legend entry */
  PlotAnchor anchor;
  double size_pt, edge_w;
  /* contours */
  PlotContourSet *contours;
  double *levels;
  int n_levels;
  bool label_levels;
  ContourLabel *clabels;
  int n_clabels, cap_clabels;
  /* grids */
  double *z;
  int nx, ny;
  double gx0, gx1, gy0, gy1;
  PlotColormap cmap;
  cairo_surface_t *image;
  /* layout result for texts: top-left in points */
  double tx, ty;
  bool placed;
  bool halo; /* placed across data lines (no clear spot): drawn over a halo */
  int line_owner; /* contours: owner id of line 0 in the figure's line index (line i: + i) */
  bool overlay;   /* drawn in the overlay layer (see plot_axes_begin_overlay) */
} Item;

struct PlotAxes {
  PlotFigure *fig;
  bool rect_mode;
  double fx, fy, fw, fh;
  int rows, cols, index;
  double xlo, xhi, ylo, yhi;
  bool xset, yset;
  PlotScale xscale, yscale;
  bool equal, grid, frame, legend;
  bool overlay;       /* the whole axes is in the overlay layer */
  bool overlay_items; /* items added from now on are in the overlay layer */
  char *title, *xlabel, *ylabel;
  Item *items;
  int n_items, cap_items;
  bool has_cbar;
  PlotColormap cbar_cmap;
  double cbar_lo, cbar_hi;
  char *cbar_label;
  /* layout */
  double px, py, pw, ph; /* plot area, points */
  double lxlo, lxhi, lylo, lyhi; /* effective limits */
  PlotTicks xt, yt;
  PlotBox legend_box;
  bool legend_placed;
};

struct PlotFigure {
  double w, h;
  PlotTheme theme;
  char *title;
  char *font_family;
  double font_size;
  PlotAxes **axes;
  int n_axes, cap_axes;
  /* last layout */
  PlotPlacedLabel *labels;
  int n_labels, cap_labels;
  double *segs; /* arrow shafts */
  int n_segs, cap_segs;
  PlotBox *obst; /* markers */
  int n_obst, cap_obst;
  /* The data lines (curves, polygon edges, contour lines) as segments in points, each with the id
   * of the line it belongs to, and a uniform grid over the figure listing the segments that pass
   * through each cell: labels test only the segments near them, so thousands of contour segments
   * stay cheap. Cell c holds line_cell_idx[line_cell_start[c] .. line_cell_start[c + 1]). */
  double *line_segs;
  int *line_owner;
  int n_line_segs, cap_line_segs, cap_line_owner;
  int *line_cell_start, *line_cell_idx;
  int cap_line_cell_start, cap_line_cell_idx;
  int line_gx, line_gy;
  int line_base_owners; /* owners below this are the base layer's lines (all, unlayered) */
  int line_owner_limit; /* label placement looks at owners below this only */
  double line_cell;
  double lay_w, lay_h; /* size of the last layout, points */
  bool lay_layered;    /* the last layout placed the base on its own (plot_figure_layout_layers) */
  PangoContext *pctx;
};

/* Whether an item (it NULL: the axes' own frame, ticks and legend) belongs to a layer. */
static inline bool
plot__in_layer (const PlotAxes *ax, const Item *it, PlotLayer layer)
{
  if (layer == PLOT_LAYER_ALL)
    return true;
  bool over = ax->overlay || (it && it->overlay);
  return (layer == PLOT_LAYER_OVERLAY) == over;
}

/* plot_contour_compute through a small cache of recent sets (shared: free with
 * plot_contour_set_free as usual). */
PlotContourSet *plot__contour_shared (const double *z, int nx, int ny, double x0, double x1, double y0,
                                      double y1, const double *levels, int n_levels);

/* Whether an axes' legend belongs to a layer: a legend with a row for an overlay item is the
 * overlay's (placed and drawn with it), so that the base does not change with it. */
static inline bool
plot__legend_in_layer (const PlotAxes *ax, PlotLayer layer)
{
  if (layer == PLOT_LAYER_ALL)
    return true;
  bool over = ax->overlay;
  for (int i = 0; i < ax->n_items && !over; i++)
    over = ax->items[i].overlay && ax->items[i].label &&
           (ax->items[i].kind == IT_LINE || ax->items[i].kind == IT_POLY);
  return (layer == PLOT_LAYER_OVERLAY) == over;
}

/* The base layer's key (plot-layers.c), from the last layout. */
uint64_t plot__base_key (const PlotFigure *fig);

/* Grows *p (of *cap elements of elem bytes) to hold need elements; false when out of memory. */
bool plot__grow (void **p, int *cap, int need, size_t elem);

static inline bool
finite2 (double a, double b)
{
  return isfinite (a) && isfinite (b);
}


/* Emits the polygons (CCW, x y interleaved) covering the region where the piecewise-linear
 * interpolation of z is >= lo, each cell split into 4 triangles around its centre average (the
 * same rule the contour lines use for saddles). */
typedef void (*PlotPolygonSink) (void *data, const double *xy, int n);
void plot__contour_region (const double *z, int nx, int ny, double x0, double x1, double y0,
                           double y1, double lo, PlotPolygonSink sink, void *data);

#endif
