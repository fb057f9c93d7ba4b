/* plot.c: the figure model: figures, axes, and the items they hold; data limits. */
#include "plot-private.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

bool
plot__grow (void **p, int *cap, int need, size_t elem)
{
  if (need <= *cap)
    return true;
  int c = *cap ? *cap : 8;
  while (c < need) {
    if (c > INT32_MAX / 2)
      return false;
    c *= 2;
  }
  void *q = realloc (*p, (size_t) c * elem);
  if (!q)
    return false;
  *p = q;
  *cap = c;
  return true;
}

static char *
dup_str (const char *s)
{
  if (!s)
    return NULL;
  size_t n = strlen (s) + 1;
  char *d = malloc (n);
  if (d)
    memcpy (d, s, n);
  return d;
}

static void
set_str (char **dst, const char *s)
{
  free (*dst);
  *dst = dup_str (s);
}


PlotLineStyle
plot_line_style (PlotRole role, double width_pt)
{
  PlotLineStyle s = {0};
  s.color = plot_paint_role (role);
  s.width_pt = width_pt;
  s.marker = PLOT_MARKER_NONE;
  s.marker_size_pt = 5;
  s.marker_filled = true;
  return s;
}

static PlotLineStyle
style_or_default (const PlotLineStyle *s)
{
  if (s)
    return *s;
  return plot_line_style (PLOT_ROLE_ACCENT1, 1.5);
}

/* ---- figure and axes ---- */

PlotFigure *
plot_figure_new (double width_pt, double height_pt)
{
  if (!(width_pt > 0) || !(height_pt > 0) || !isfinite (width_pt) || !isfinite (height_pt) ||
      width_pt > 1e5 || height_pt > 1e5)
    return NULL;
  PlotFigure *f = calloc (1, sizeof *f);
  if (!f)
    return NULL;
  f->w = width_pt;
  f->h = height_pt;
  f->theme = PLOT_THEME_LIGHT;
  f->font_family = dup_str ("DejaVu Sans");
  f->font_size = 9;
  return f;
}

static void
item_clear (Item *it)
{
  free (it->xy);
  free (it->markup);
  free (it->label);
  plot_contour_set_free (it->contours);
  free (it->levels);
  free (it->clabels);
  free (it->z);
  if (it->image)
    cairo_surface_destroy (it->image);
}

void
plot_figure_free (PlotFigure *fig)
{
  if (!fig)
    return;
  for (int a = 0; a < fig->n_axes; a++) {
    PlotAxes *ax = fig->axes[a];
    for (int i = 0; i < ax->n_items; i++)
      item_clear (&ax->items[i]);
    free (ax->items);
    free (ax->title);
    free (ax->xlabel);
    free (ax->ylabel);
    free (ax->cbar_label);
    free (ax);
  }
  free (fig->axes);
  free (fig->title);
  free (fig->font_family);
  free (fig->labels);
  free (fig->segs);
  free (fig->obst);
  free (fig->line_segs);
  free (fig->line_owner);
  free (fig->line_cell_start);
  free (fig->line_cell_idx);
  if (fig->pctx)
    g_object_unref (fig->pctx);
  free (fig);
}

void
plot_figure_set_theme (PlotFigure *fig, PlotTheme theme)
{
  if (fig)
    fig->theme = theme == PLOT_THEME_DARK ? PLOT_THEME_DARK : PLOT_THEME_LIGHT;
}

PlotTheme
plot_figure_get_theme (const PlotFigure *fig)
{
  return fig ? fig->theme : PLOT_THEME_LIGHT;
}

int
plot_figure_get_n_axes (const PlotFigure *fig)
{
  return fig ? fig->n_axes : 0;
}

PlotAxes *
plot_figure_get_axes (const PlotFigure *fig, int index)
{
  return fig && index >= 0 && index < fig->n_axes ? fig->axes[index] : NULL;
}

void
plot_figure_get_size (const PlotFigure *fig, double *width_pt, double *height_pt)
{
  if (width_pt)
    *width_pt = fig ? fig->w : 0;
  if (height_pt)
    *height_pt = fig ? fig->h : 0;
}

void
plot_figure_set_title (PlotFigure *fig, const char *markup)
{
  if (fig)
    set_str (&fig->title, markup);
}

void
plot_figure_set_font (PlotFigure *fig, const char *family, double size_pt)
{
  if (!fig)
    return;
  if (family)
    set_str (&fig->font_family, family);
  if (size_pt > 0 && size_pt < 200)
    fig->font_size = size_pt;
}

static PlotAxes *
new_axes (PlotFigure *fig)
{
  if (!fig || !plot__grow ((void **) &fig->axes, &fig->cap_axes, fig->n_axes + 1, sizeof (PlotAxes *)))
    return NULL;
  PlotAxes *ax = calloc (1, sizeof *ax);
  if (!ax)
    return NULL;
  ax->fig = fig;
  ax->xlo = 0;
  ax->xhi = 1;
  ax->ylo = 0;
  ax->yhi = 1;
  ax->frame = true;
  fig->axes[fig->n_axes++] = ax;
  return ax;
}

PlotAxes *
plot_figure_add_subplot (PlotFigure *fig, int rows, int cols, int index)
{
  if (rows < 1 || cols < 1 || rows > 64 || cols > 64 || index < 0 || index >= rows * cols)
    return NULL;
  PlotAxes *ax = new_axes (fig);
  if (ax) {
    ax->rows = rows;
    ax->cols = cols;
    ax->index = index;
  }
  return ax;
}

PlotAxes *
plot_figure_add_axes (PlotFigure *fig, double x, double y, double w, double h)
{
  if (!finite2 (x, y) || !(w > 0) || !(h > 0) || !finite2 (w, h))
    return NULL;
  PlotAxes *ax = new_axes (fig);
  if (ax) {
    ax->rect_mode = true;
    ax->fx = x;
    ax->fy = y;
    ax->fw = w;
    ax->fh = h;
  }
  return ax;
}

void
plot_axes_set_xlim (PlotAxes *ax, double lo, double hi)
{
  if (ax && finite2 (lo, hi) && lo != hi) {
    ax->xlo = lo;
    ax->xhi = hi;
    ax->xset = true;
  }
}

void
plot_axes_set_ylim (PlotAxes *ax, double lo, double hi)
{
  if (ax && finite2 (lo, hi) && lo != hi) {
    ax->ylo = lo;
    ax->yhi = hi;
    ax->yset = true;
  }
}

void
plot_axes_set_xscale (PlotAxes *ax, PlotScale s)
{
  if (ax)
    ax->xscale = s == PLOT_SCALE_LOG ? PLOT_SCALE_LOG : PLOT_SCALE_LINEAR;
}

void
plot_axes_set_yscale (PlotAxes *ax, PlotScale s)
{
  if (ax)
    ax->yscale = s == PLOT_SCALE_LOG ? PLOT_SCALE_LOG : PLOT_SCALE_LINEAR;
}

void
plot_axes_set_equal_aspect (PlotAxes *ax, bool equal)
{
  if (ax)
    ax->equal = equal;
}

void
plot_axes_set_title (PlotAxes *ax, const char *m)
{
  if (ax)
    set_str (&ax->title, m);
}

void
plot_axes_set_xlabel (PlotAxes *ax, const char *m)
{
  if (ax)
    set_str (&ax->xlabel, m);
}

void
plot_axes_set_ylabel (PlotAxes *ax, const char *m)
{
  if (ax)
    set_str (&ax->ylabel, m);
}

void
plot_axes_set_grid (PlotAxes *ax, bool grid)
{
  if (ax)
    ax->grid = grid;
}

void
plot_axes_set_frame (PlotAxes *ax, bool visible)
{
  if (ax)
    ax->frame = visible;
}

void
plot_axes_set_legend (PlotAxes *ax, bool show)
{
  if (ax)
    ax->legend = show;
}

void
plot_axes_begin_overlay (PlotAxes *ax)
{
  if (ax)
    ax->overlay_items = true;
}

void
plot_axes_set_overlay (PlotAxes *ax, bool overlay)
{
  if (ax)
    ax->overlay = overlay;
}

bool
plot_figure_has_overlay (const PlotFigure *fig)
{
  if (!fig)
    return false;
  for (int a = 0; a < fig->n_axes; a++) {
    const PlotAxes *ax = fig->axes[a];
    if (ax->overlay)
      return true;
    for (int i = 0; i < ax->n_items; i++)
      if (ax->items[i].overlay)
        return true;
  }
  return false;
}

static Item *
new_item (PlotAxes *ax, ItemKind kind)
{
  if (!ax || !plot__grow ((void **) &ax->items, &ax->cap_items, ax->n_items + 1, sizeof (Item)))
    return NULL;
  Item *it = &ax->items[ax->n_items];
  memset (it, 0, sizeof *it);
  it->kind = kind;
  it->overlay = ax->overlay_items;
  return it;
}

/* Commits the item made by new_item (kept out of the list until its allocations succeeded). */
static void
commit (PlotAxes *ax)
{
  ax->n_items++;
}

static double *
copy_xy (const double *x, const double *y, int n)
{
  double *xy = malloc ((size_t) n * 2 * sizeof (double));
  if (!xy)
    return NULL;
  for (int i = 0; i < n; i++) {
    xy[2 * i] = x[i];
    xy[2 * i + 1] = y[i];
  }
  return xy;
}

void
plot_axes_add_line (PlotAxes *ax, const double *x, const double *y, int n,
                    const PlotLineStyle *style, const char *label)
{
  if (!x || !y || n < 1 || n > INT32_MAX / 4)
    return;
  Item *it = new_item (ax, IT_LINE);
  if (!it || !(it->xy = copy_xy (x, y, n)))
    return;
  it->n = n;
  it->style = style_or_default (style);
  it->label = dup_str (label);
  commit (ax);
}

void
plot_axes_add_polygon (PlotAxes *ax, const double *x, const double *y, int n, PlotPaint fill,
                       const PlotLineStyle *edge, const char *label)
{
  if (!x || !y || n < 3 || n > INT32_MAX / 4)
    return;
  Item *it = new_item (ax, IT_POLY);
  if (!it || !(it->xy = copy_xy (x, y, n)))
    return;
  it->n = n;
  it->fill = fill;
  it->has_edge = edge != NULL;
  if (edge)
    it->style = *edge;
  it->label = dup_str (label);
  commit (ax);
}

void
plot_axes_add_arrow (PlotAxes *ax, double x0, double y0, double x1, double y1,
                     const PlotLineStyle *style, const char *label_markup)
{
  if (!finite2 (x0, y0) || !finite2 (x1, y1))
    return;
  double px[2] = {x0, x1}, py[2] = {y0, y1};
  Item *it = new_item (ax, IT_ARROW);
  if (!it || !(it->xy = copy_xy (px, py, 2)))
    return;
  it->n = 2;
  it->style = style_or_default (style);
  it->markup = dup_str (label_markup);
  commit (ax);
}

void
plot_axes_add_text (PlotAxes *ax, double x, double y, const char *markup, PlotAnchor anchor,
                    PlotPaint color, double size_pt)
{
  if (!markup || !finite2 (x, y))
    return;
  Item *it = new_item (ax, IT_TEXT);
  if (!it || !(it->xy = copy_xy (&x, &y, 1)))
    return;
  it->n = 1;
  it->markup = dup_str (markup);
  it->anchor = anchor;
  it->color = color;
  it->size_pt = size_pt > 0 && size_pt < 200 ? size_pt : 0;
  commit (ax);
}

void
plot_axes_add_box (PlotAxes *ax, double x, double y, double w, double h, PlotPaint fill,
                   PlotPaint edge, double edge_width_pt, const char *markup, double text_size_pt)
{
  if (!finite2 (x, y) || !finite2 (w, h))
    return;
  double px[2] = {x, x + w}, py[2] = {y, y + h};
  Item *it = new_item (ax, IT_BOX);
  if (!it || !(it->xy = copy_xy (px, py, 2)))
    return;
  it->n = 2;
  it->fill = fill;
  it->color = edge;
  it->edge_w = edge_width_pt >= 0 && edge_width_pt < 100 ? edge_width_pt : 1;
  it->markup = dup_str (markup);
  it->size_pt = text_size_pt > 0 && text_size_pt < 200 ? text_size_pt : 0;
  commit (ax);
}

static bool
grid_args_ok (const double *z, int nx, int ny, double x0, double x1, double y0, double y1)
{
  return z && nx >= 2 && ny >= 2 && (size_t) nx * (size_t) ny <= (size_t) INT32_MAX / 8 &&
         finite2 (x0, x1) && finite2 (y0, y1) && x0 != x1 && y0 != y1;
}

static void
grid_range (const double *z, size_t n, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (size_t i = 0; i < n; i++)
    if (isfinite (z[i])) {
      if (z[i] < *lo)
        *lo = z[i];
      if (z[i] > *hi)
        *hi = z[i];
    }
}

bool
plot_axes_add_contour (PlotAxes *ax, const double *z, int nx, int ny, double x0, double x1,
                       double y0, double y1, const double *levels, int n_levels,
                       const PlotLineStyle *style, bool label_levels)
{
  if (!ax || !grid_args_ok (z, nx, ny, x0, x1, y0, y1) || n_levels < 1 || n_levels > 256)
    return false;
  double auto_lv[256];
  if (!levels) {
    double lo, hi;
    grid_range (z, (size_t) nx * ny, &lo, &hi);
    n_levels = plot_contour_auto_levels (lo, hi, n_levels, auto_lv, 256);
    if (n_levels == 0)
      return false;
    levels = auto_lv;
  }
  Item *it = new_item (ax, IT_CONTOUR);
  if (!it)
    return false;
  it->contours = plot__contour_shared (z, nx, ny, x0, x1, y0, y1, levels, n_levels);
  it->levels = malloc ((size_t) n_levels * sizeof (double));
  if (!it->contours || !it->levels) {
    item_clear (it);
    return false;
  }
  memcpy (it->levels, levels, (size_t) n_levels * sizeof (double));
  it->n_levels = n_levels;
  it->style = style ? *style : plot_line_style (PLOT_ROLE_MUTED, 1.0);
  it->label_levels = label_levels;
  it->gx0 = x0;
  it->gx1 = x1;
  it->gy0 = y0;
  it->gy1 = y1;
  commit (ax);
  return true;
}

static double *
copy_grid (const double *z, int nx, int ny)
{
  size_t n = (size_t) nx * ny;
  double *c = malloc (n * sizeof (double));
  if (c)
    memcpy (c, z, n * sizeof (double));
  return c;
}

bool
plot_axes_add_contour_filled (PlotAxes *ax, const double *z, int nx, int ny, double x0,
                              double x1, double y0, double y1, const double *levels,
                              int n_levels, PlotColormap cmap)
{
  if (!ax || !grid_args_ok (z, nx, ny, x0, x1, y0, y1) || !levels || n_levels < 2 ||
      n_levels > 256)
    return false;
  for (int i = 0; i < n_levels; i++)
    if (!isfinite (levels[i]) || (i > 0 && !(levels[i] > levels[i - 1])))
      return false;
  Item *it = new_item (ax, IT_FILLED);
  if (!it)
    return false;
  it->z = copy_grid (z, nx, ny);
  it->levels = malloc ((size_t) n_levels * sizeof (double));
  if (!it->z || !it->levels) {
    item_clear (it);
    return false;
  }
  memcpy (it->levels, levels, (size_t) n_levels * sizeof (double));
  it->n_levels = n_levels;
  it->nx = nx;
  it->ny = ny;
  it->gx0 = x0;
  it->gx1 = x1;
  it->gy0 = y0;
  it->gy1 = y1;
  it->cmap = cmap;
  commit (ax);
  return true;
}

bool
plot_axes_add_heatmap (PlotAxes *ax, const double *z, int nx, int ny, double x0, double x1,
                       double y0, double y1, PlotColormap cmap, double vmin, double vmax)
{
  if (!ax || !z || nx < 1 || ny < 1 || nx > 8192 || ny > 8192 || !finite2 (x0, x1) ||
      !finite2 (y0, y1) || !finite2 (vmin, vmax) || vmin == vmax)
    return false;
  Item *it = new_item (ax, IT_HEATMAP);
  if (!it)
    return false;
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, nx, ny);
  if (cairo_surface_status (img) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy (img);
    return false;
  }
  cairo_surface_flush (img);
  unsigned char *data = cairo_image_surface_get_data (img);
  int stride = cairo_image_surface_get_stride (img);
  for (int j = 0; j < ny; j++) {
    /* image row 0 is the top, i.e. the largest y */
    unsigned char *row = data + (size_t) (ny - 1 - j) * stride;
    for (int i = 0; i < nx; i++) {
      double v = z[(size_t) j * nx + i];
      uint32_t px = 0;
      if (isfinite (v)) {
        PlotColor c = plot_colormap_eval (cmap, (v - vmin) / (vmax - vmin));
        px = 0xff000000u | (uint32_t) lround (c.r * 255) << 16 |
             (uint32_t) lround (c.g * 255) << 8 | (uint32_t) lround (c.b * 255);
      }
      memcpy (row + 4 * (size_t) i, &px, 4);
    }
  }
  cairo_surface_mark_dirty (img);
  it->image = img;
  it->nx = nx;
  it->ny = ny;
  /* cell-centred samples: the image spans half a cell beyond the first and last sample */
  double dx = nx > 1 ? (x1 - x0) / (nx - 1) : 1, dy = ny > 1 ? (y1 - y0) / (ny - 1) : 1;
  it->gx0 = x0 - dx / 2;
  it->gx1 = x1 + dx / 2;
  it->gy0 = y0 - dy / 2;
  it->gy1 = y1 + dy / 2;
  it->cmap = cmap;
  commit (ax);
  return true;
}

void
plot_axes_add_colorbar (PlotAxes *ax, PlotColormap cmap, double vmin, double vmax,
                        const char *label_markup)
{
  if (!ax || !finite2 (vmin, vmax) || vmin == vmax)
    return;
  ax->has_cbar = true;
  ax->cbar_cmap = cmap;
  ax->cbar_lo = vmin < vmax ? vmin : vmax;
  ax->cbar_hi = vmin < vmax ? vmax : vmin;
  set_str (&ax->cbar_label, label_markup);
}

/* ---- limits ---- */

static void
data_bounds (const PlotAxes *ax, double b[4], bool *has_grid)
{
  b[0] = b[2] = INFINITY;
  b[1] = b[3] = -INFINITY;
  *has_grid = false;
  for (int i = 0; i < ax->n_items; i++) {
    const Item *it = &ax->items[i];
    if (it->kind == IT_CONTOUR || it->kind == IT_FILLED || it->kind == IT_HEATMAP) {
      double xs[2] = {it->gx0, it->gx1}, ys[2] = {it->gy0, it->gy1};
      for (int k = 0; k < 2; k++) {
        b[0] = fmin (b[0], xs[k]);
        b[1] = fmax (b[1], xs[k]);
        b[2] = fmin (b[2], ys[k]);
        b[3] = fmax (b[3], ys[k]);
      }
      *has_grid = true;
      continue;
    }
    for (int k = 0; k < it->n; k++) {
      double x = it->xy[2 * k], y = it->xy[2 * k + 1];
      if (!finite2 (x, y))
        continue;
      if (ax->xscale == PLOT_SCALE_LOG && !(x > 0))
        continue;
      if (ax->yscale == PLOT_SCALE_LOG && !(y > 0))
        continue;
      b[0] = fmin (b[0], x);
      b[1] = fmax (b[1], x);
      b[2] = fmin (b[2], y);
      b[3] = fmax (b[3], y);
    }
  }
}

static void
auto_limits (PlotScale scale, double lo, double hi, bool exact, double *olo, double *ohi)
{
  if (!(lo <= hi)) {
    *olo = scale == PLOT_SCALE_LOG ? 1 : 0;
    *ohi = scale == PLOT_SCALE_LOG ? 10 : 1;
    return;
  }
  if (scale == PLOT_SCALE_LOG) {
    double a = floor (log10 (lo)), b = ceil (log10 (hi));
    if (b <= a)
      b = a + 1;
    *olo = pow (10, a);
    *ohi = pow (10, b);
    return;
  }
  if (exact && hi > lo) {
    *olo = lo;
    *ohi = hi;
    return;
  }
  plot_nice_limits (lo, hi, 5, olo, ohi);
}

void
plot_axes_autoscale (PlotAxes *ax)
{
  if (!ax)
    return;
  double b[4];
  bool g;
  data_bounds (ax, b, &g);
  if (!ax->xset)
    auto_limits (ax->xscale, b[0], b[1], g, &ax->xlo, &ax->xhi);
  if (!ax->yset)
    auto_limits (ax->yscale, b[2], b[3], g, &ax->ylo, &ax->yhi);
}

