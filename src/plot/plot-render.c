/* plot-render.c: layout, label placement and drawing of a figure. */
#include "plot-private.h"

#include <pthread.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include <pango/pangocairo.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- coordinate transforms (data -> figure points) ---- */

static double
norm_coord (PlotScale s, double v, double lo, double hi)
{
  if (s == PLOT_SCALE_LOG) {
    if (!(v > 0))
      return -INFINITY;
    return (log10 (v) - log10 (lo)) / (log10 (hi) - log10 (lo));
  }
  return (v - lo) / (hi - lo);
}

static void
to_pt (const PlotAxes *ax, double x, double y, double *px, double *py)
{
  *px = ax->px + norm_coord (ax->xscale, x, ax->lxlo, ax->lxhi) * ax->pw;
  *py = ax->py + ax->ph - norm_coord (ax->yscale, y, ax->lylo, ax->lyhi) * ax->ph;
}

bool
plot_axes_data_to_point (const PlotAxes *ax, double x, double y, double *px, double *py)
{
  if (!ax || !(ax->pw > 0) || !(ax->ph > 0))
    return false;
  double X, Y;
  to_pt (ax, x, y, &X, &Y);
  if (!isfinite (X) || !isfinite (Y))
    return false;
  if (px)
    *px = X;
  if (py)
    *py = Y;
  return true;
}

static double
from_norm (PlotScale s, double t, double lo, double hi)
{
  if (s == PLOT_SCALE_LOG)
    return pow (10.0, log10 (lo) + t * (log10 (hi) - log10 (lo)));
  return lo + t * (hi - lo);
}

bool
plot_axes_point_to_data (const PlotAxes *ax, double px, double py, double *x, double *y)
{
  if (!ax || !(ax->pw > 0) || !(ax->ph > 0) || !isfinite (px) || !isfinite (py))
    return false;
  double tx = (px - ax->px) / ax->pw, ty = (ax->py + ax->ph - py) / ax->ph;
  if (x)
    *x = from_norm (ax->xscale, tx, ax->lxlo, ax->lxhi);
  if (y)
    *y = from_norm (ax->yscale, ty, ax->lylo, ax->lyhi);
  return true;
}

bool
plot_axes_get_area (const PlotAxes *ax, double *x, double *y, double *w, double *h)
{
  if (!ax || !(ax->pw > 0) || !(ax->ph > 0))
    return false;
  if (x) *x = ax->px;
  if (y) *y = ax->py;
  if (w) *w = ax->pw;
  if (h) *h = ax->ph;
  return true;
}

/* ---- text ---- */

static PangoContext *
measure_context (PlotFigure *fig)
{
  if (!fig->pctx) {
    PangoFontMap *fm = pango_cairo_font_map_get_default ();
    fig->pctx = pango_font_map_create_context (fm);
    /* 72 dpi: a font size in points is a size in user units, so output scales exactly; no hinting
     * and unrounded glyph positions, so metrics do not depend on the device scale. */
    pango_cairo_context_set_resolution (fig->pctx, 72);
    cairo_font_options_t *fo = cairo_font_options_create ();
    cairo_font_options_set_hint_style (fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics (fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias (fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options (fig->pctx, fo);
    cairo_font_options_destroy (fo);
    pango_context_set_round_glyph_positions (fig->pctx, FALSE);
  }
  return fig->pctx;
}

static PangoLayout *
make_layout (PlotFigure *fig, const char *markup, double size, bool bold)
{
  PangoLayout *l = pango_layout_new (measure_context (fig));
  PangoFontDescription *fd = pango_font_description_from_string (fig->font_family);
  pango_font_description_set_size (fd, (int) lround (size * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (fd, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (l, fd);
  pango_font_description_free (fd);
  pango_layout_set_alignment (l, PANGO_ALIGN_CENTER); /* lines of a multi-line label, centred */
  if (markup && pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL))
    pango_layout_set_markup (l, markup, -1);
  else
    pango_layout_set_text (l, markup ? markup : "", -1); /* invalid markup: show it literally */
  return l;
}

static void
layout_size (PangoLayout *l, double *w, double *h)
{
  PangoRectangle log;
  pango_layout_get_extents (l, NULL, &log);
  *w = (double) log.width / PANGO_SCALE;
  *h = (double) log.height / PANGO_SCALE;
}

/* Text sizes measured lately: a figure rebuilt for every frame measures the same tick labels again,
 * and measuring is the costly part of laying text out. A direct-mapped table keyed by the whole
 * input (font, size, weight, markup); measurements do not depend on anything else (the measuring
 * context is the same for every figure). */
enum { SIZE_CACHE_N = 512, SIZE_CACHE_TEXT = 120 };

typedef struct {
  char text[SIZE_CACHE_TEXT]; /* font family, NUL, markup, NUL */
  size_t len;
  double size, w, h;
  bool bold, used;
} SizeEntry;

static SizeEntry size_cache[SIZE_CACHE_N];
static pthread_mutex_t size_lock = PTHREAD_MUTEX_INITIALIZER;

static void
text_size (PlotFigure *fig, const char *markup, double size, bool bold, double *w, double *h)
{
  char key[SIZE_CACHE_TEXT];
  const char *family = fig->font_family ? fig->font_family : "";
  size_t fl = strlen (family), ml = markup ? strlen (markup) : 0, len = fl + 1 + ml + 1;
  SizeEntry *e = NULL;
  if (len <= sizeof key) {
    memcpy (key, family, fl + 1);
    if (markup)
      memcpy (key + fl + 1, markup, ml);
    key[fl + 1 + ml] = '\0';
    uint64_t hv = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++)
      hv = (hv ^ (unsigned char) key[i]) * 0x100000001b3ULL;
    double sz = size;
    uint64_t bits;
    memcpy (&bits, &sz, sizeof bits);
    hv = (hv ^ bits ^ (uint64_t) bold) * 0x100000001b3ULL;
    e = &size_cache[(hv ^ (hv >> 32)) % SIZE_CACHE_N];
    pthread_mutex_lock (&size_lock);
    if (e->used && e->len == len && e->size == size && e->bold == bold && memcmp (e->text, key, len) == 0) {
      *w = e->w;
      *h = e->h;
      pthread_mutex_unlock (&size_lock);
      return;
    }
    pthread_mutex_unlock (&size_lock);
  }
  PangoLayout *l = make_layout (fig, markup, size, bold);
  layout_size (l, w, h);
  g_object_unref (l);
  if (e) {
    pthread_mutex_lock (&size_lock);
    memcpy (e->text, key, len);
    e->len = len;
    e->size = size;
    e->bold = bold;
    e->w = *w;
    e->h = *h;
    e->used = true;
    pthread_mutex_unlock (&size_lock);
  }
}

static void
set_color (cairo_t *cr, PlotColor c)
{
  cairo_set_source_rgba (cr, c.r, c.g, c.b, c.a);
}

static void
set_paint (cairo_t *cr, const PlotFigure *fig, PlotPaint p)
{
  set_color (cr, plot_paint_resolve (p, fig->theme));
}

/* Draws text with its top-left at (x, y), rotated by angle around that point. */
static void
draw_text (cairo_t *cr, PlotFigure *fig, const char *markup, double size, bool bold, double x,
           double y, double angle, PlotColor c)
{
  PangoLayout *l = make_layout (fig, markup, size, bold);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  if (angle != 0)
    cairo_rotate (cr, angle);
  cairo_move_to (cr, 0, 0);
  set_color (cr, c);
  pango_cairo_show_layout (cr, l);
  cairo_restore (cr);
  g_object_unref (l);
}

/* The same over a halo of the background colour, for a label that could not avoid every line. */
static void
draw_text_halo (cairo_t *cr, PlotFigure *fig, const char *markup, double size, double x, double y,
                PlotColor c)
{
  PangoLayout *l = make_layout (fig, markup, size, false);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_move_to (cr, 0, 0);
  pango_cairo_layout_path (cr, l);
  set_color (cr, plot_theme_color (fig->theme, PLOT_ROLE_BACKGROUND));
  cairo_set_line_width (cr, size * 0.3);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_stroke (cr);
  cairo_move_to (cr, 0, 0);
  set_color (cr, c);
  pango_cairo_show_layout (cr, l);
  cairo_restore (cr);
  g_object_unref (l);
}

/* Top-left of a w x h box whose `anchor` point is at (x, y). */
static void
anchor_box (PlotAnchor a, double x, double y, double w, double h, double *bx, double *by)
{
  double fx = 0.5, fy = 0.5;
  switch (a) {
  case PLOT_ANCHOR_N: fy = 0; break;
  case PLOT_ANCHOR_NE: fx = 1; fy = 0; break;
  case PLOT_ANCHOR_E: fx = 1; break;
  case PLOT_ANCHOR_SE: fx = 1; fy = 1; break;
  case PLOT_ANCHOR_S: fy = 1; break;
  case PLOT_ANCHOR_SW: fx = 0; fy = 1; break;
  case PLOT_ANCHOR_W: fx = 0; break;
  case PLOT_ANCHOR_NW: fx = 0; fy = 0; break;
  default: break;
  }
  *bx = x - fx * w;
  *by = y - fy * h;
}

/* ---- placement engine ---- */

static bool
box_overlap (PlotBox a, PlotBox b)
{
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* Liang-Barsky: does the segment touch the box? */
static bool
seg_hits_box (const double *s, PlotBox b)
{
  double x0 = s[0], y0 = s[1], dx = s[2] - s[0], dy = s[3] - s[1];
  double t0 = 0, t1 = 1;
  double p[4] = {-dx, dx, -dy, dy};
  double q[4] = {x0 - b.x, b.x + b.w - x0, y0 - b.y, b.y + b.h - y0};
  for (int i = 0; i < 4; i++) {
    if (p[i] == 0) {
      if (q[i] < 0)
        return false;
    } else {
      double r = q[i] / p[i];
      if (p[i] < 0) {
        if (r > t1)
          return false;
        if (r > t0)
          t0 = r;
      } else {
        if (r < t0)
          return false;
        if (r < t1)
          t1 = r;
      }
    }
  }
  return true;
}

static bool
box_free (const PlotFigure *fig, PlotBox b, const PlotBox *bounds)
{
  if (bounds && (b.x < bounds->x || b.y < bounds->y || b.x + b.w > bounds->x + bounds->w ||
                 b.y + b.h > bounds->y + bounds->h))
    return false;
  for (int i = 0; i < fig->n_labels; i++)
    if (box_overlap (b, fig->labels[i].box))
      return false;
  for (int i = 0; i < fig->n_obst; i++)
    if (box_overlap (b, fig->obst[i]))
      return false;
  for (int i = 0; i < fig->n_segs; i++)
    if (seg_hits_box (fig->segs + 4 * i, b))
      return false;
  return true;
}

static void
add_label (PlotFigure *fig, PlotBox b, PlotLabelKind kind, bool overlaps)
{
  if (!plot__grow ((void **) &fig->labels, &fig->cap_labels, fig->n_labels + 1, sizeof (PlotPlacedLabel)))
    return;
  fig->labels[fig->n_labels++] = (PlotPlacedLabel) {b, kind, overlaps};
}

static void
add_obstacle (PlotFigure *fig, PlotBox b)
{
  if (plot__grow ((void **) &fig->obst, &fig->cap_obst, fig->n_obst + 1, sizeof (PlotBox)))
    fig->obst[fig->n_obst++] = b;
}

static void
add_segment (PlotFigure *fig, double x0, double y0, double x1, double y1)
{
  if (!plot__grow ((void **) &fig->segs, &fig->cap_segs, (fig->n_segs + 1) * 4, sizeof (double)))
    return;
  double *s = fig->segs + 4 * fig->n_segs++;
  s[0] = x0;
  s[1] = y0;
  s[2] = x1;
  s[3] = y1;
}

/* ---- data lines as obstacles for labels ---- */

#define LINE_CELL_PT 16.0  /* grid cell of the line index */
#define LINE_STEP_PT 1.5   /* a line's points closer than this to the last one kept are merged */
#define LINE_MARGIN_PT 1.5 /* the gap a label keeps from lines (covers the merged points too) */

static void
add_line_seg (PlotFigure *fig, double x0, double y0, double x1, double y1, int owner)
{
  if (!plot__grow ((void **) &fig->line_segs, &fig->cap_line_segs, (fig->n_line_segs + 1) * 4, sizeof (double)) ||
      !plot__grow ((void **) &fig->line_owner, &fig->cap_line_owner, fig->n_line_segs + 1, sizeof (int)))
    return;
  double *sg = fig->line_segs + 4 * fig->n_line_segs;
  sg[0] = x0;
  sg[1] = y0;
  sg[2] = x1;
  sg[3] = y1;
  fig->line_owner[fig->n_line_segs++] = owner;
}

/* A polyline in data coordinates (breaks at non-finite points), as segments in points. */
static void
add_data_line (PlotFigure *fig, const PlotAxes *ax, const double *xy, int n, bool closed, int owner)
{
  double lx = 0, ly = 0, fx = 0, fy = 0;
  bool have = false, first_ok = false;
  for (int k = 0; k < n; k++) {
    double px, py;
    to_pt (ax, xy[2 * k], xy[2 * k + 1], &px, &py);
    if (!finite2 (px, py)) {
      have = false;
      continue;
    }
    if (!have) {
      lx = px;
      ly = py;
      have = true;
      if (k == 0) {
        fx = px;
        fy = py;
        first_ok = true;
      }
      continue;
    }
    if (k < n - 1 && hypot (px - lx, py - ly) < LINE_STEP_PT)
      continue;
    add_line_seg (fig, lx, ly, px, py, owner);
    lx = px;
    ly = py;
  }
  if (closed && have && first_ok && (lx != fx || ly != fy))
    add_line_seg (fig, lx, ly, fx, fy, owner);
}

/* Clips a segment to the rectangle [0, W] x [0, H] (Liang-Barsky); false when nothing is left. */
static bool
clip_segment (double *sg, double W, double H)
{
  double x0 = sg[0], y0 = sg[1], dx = sg[2] - sg[0], dy = sg[3] - sg[1];
  double t0 = 0, t1 = 1;
  double p[4] = {-dx, dx, -dy, dy}, q[4] = {x0, W - x0, y0, H - y0};
  for (int i = 0; i < 4; i++) {
    if (p[i] == 0) {
      if (q[i] < 0)
        return false;
    } else {
      double r = q[i] / p[i];
      if (p[i] < 0 && r > t0)
        t0 = r;
      else if (p[i] > 0 && r < t1)
        t1 = r;
    }
  }
  if (t0 > t1)
    return false;
  sg[0] = x0 + t0 * dx;
  sg[1] = y0 + t0 * dy;
  sg[2] = x0 + t1 * dx;
  sg[3] = y0 + t1 * dy;
  return true;
}

/* Visits the grid cells segment i passes through (pieces no longer than a cell, each with its
 * bounding cells): counts them (fill false) or records i in them (fill true). */
static void
visit_line_cells (PlotFigure *fig, int i, bool fill)
{
  double sg[4];
  memcpy (sg, fig->line_segs + 4 * i, sizeof sg);
  double cell = fig->line_cell;
  if (!clip_segment (sg, fig->line_gx * cell, fig->line_gy * cell))
    return;
  double len = hypot (sg[2] - sg[0], sg[3] - sg[1]);
  int pieces = (int) fmin (ceil (len / cell), 1e6);
  if (pieces < 1)
    pieces = 1;
  for (int k = 0; k < pieces; k++) {
    double xa = sg[0] + (sg[2] - sg[0]) * k / pieces, ya = sg[1] + (sg[3] - sg[1]) * k / pieces;
    double xb = sg[0] + (sg[2] - sg[0]) * (k + 1) / pieces, yb = sg[1] + (sg[3] - sg[1]) * (k + 1) / pieces;
    int cx0 = (int) floor (fmin (xa, xb) / cell), cx1 = (int) floor (fmax (xa, xb) / cell);
    int cy0 = (int) floor (fmin (ya, yb) / cell), cy1 = (int) floor (fmax (ya, yb) / cell);
    cx0 = cx0 < 0 ? 0 : cx0;
    cy0 = cy0 < 0 ? 0 : cy0;
    cx1 = cx1 >= fig->line_gx ? fig->line_gx - 1 : cx1;
    cy1 = cy1 >= fig->line_gy ? fig->line_gy - 1 : cy1;
    for (int cy = cy0; cy <= cy1; cy++)
      for (int cx = cx0; cx <= cx1; cx++) {
        int c = cy * fig->line_gx + cx;
        if (fill)
          fig->line_cell_idx[fig->line_cell_start[c]++] = i;
        else
          fig->line_cell_start[c + 1]++;
      }
  }
}

/* Adds the data lines of one layer's items as segments; owners are numbered from *owner on. */
static void
collect_lines (PlotFigure *fig, PlotLayer layer, int *owner)
{
  for (int a = 0; a < fig->n_axes; a++) {
    PlotAxes *ax = fig->axes[a];
    for (int i = 0; i < ax->n_items; i++) {
      Item *it = &ax->items[i];
      if (!plot__in_layer (ax, it, layer))
        continue;
      if (it->kind == IT_LINE && it->style.width_pt > 0 && it->n >= 2) {
        add_data_line (fig, ax, it->xy, it->n, false, (*owner)++);
      } else if (it->kind == IT_POLY && it->has_edge && it->style.width_pt > 0 && it->n >= 2) {
        add_data_line (fig, ax, it->xy, it->n, true, (*owner)++);
      } else if (it->kind == IT_CONTOUR) {
        int nl = plot_contour_set_n_lines (it->contours);
        it->line_owner = *owner;
        for (int l = 0; l < nl; l++) {
          int n;
          bool closed;
          const double *d = plot_contour_set_line (it->contours, l, &n, NULL, &closed);
          add_data_line (fig, ax, d, n, closed, *owner + l);
        }
        *owner += nl;
      }
    }
  }
}

/* Collects the data lines of every axes and indexes them by grid cell (figure W x H points).
 * Layered: the base's lines first, so that owners below fig->line_base_owners are the base's and
 * the base's labels can look at those alone. */
static void
index_lines (PlotFigure *fig, double W, double H, bool layered)
{
  fig->n_line_segs = 0;
  fig->line_gx = fig->line_gy = 0;
  int owner = 0;
  if (layered) {
    collect_lines (fig, PLOT_LAYER_BASE, &owner);
    fig->line_base_owners = owner;
    collect_lines (fig, PLOT_LAYER_OVERLAY, &owner);
  } else {
    collect_lines (fig, PLOT_LAYER_ALL, &owner);
    fig->line_base_owners = owner;
  }
  if (fig->n_line_segs == 0 || !(W > 0) || !(H > 0))
    return;
  double cell = LINE_CELL_PT;
  while ((W / cell) * (H / cell) > 65536) /* huge figures: coarser cells, bounded memory */
    cell *= 2;
  int gx = (int) ceil (W / cell), gy = (int) ceil (H / cell), nc = gx * gy;
  if (!plot__grow ((void **) &fig->line_cell_start, &fig->cap_line_cell_start, nc + 1, sizeof (int)))
    return;
  fig->line_cell = cell;
  fig->line_gx = gx;
  fig->line_gy = gy;
  memset (fig->line_cell_start, 0, (size_t) (nc + 1) * sizeof (int));
  /* Counting sort: counts, then starts, then the indices; the starts end up shifted by one cell. */
  for (int i = 0; i < fig->n_line_segs; i++)
    visit_line_cells (fig, i, false);
  for (int c = 0; c < nc; c++)
    fig->line_cell_start[c + 1] += fig->line_cell_start[c];
  if (!plot__grow ((void **) &fig->line_cell_idx, &fig->cap_line_cell_idx, fig->line_cell_start[nc] + 1, sizeof (int))) {
    fig->line_gx = fig->line_gy = 0;
    return;
  }
  for (int i = 0; i < fig->n_line_segs; i++)
    visit_line_cells (fig, i, true);
  for (int c = nc; c > 0; c--)
    fig->line_cell_start[c] = fig->line_cell_start[c - 1];
  fig->line_cell_start[0] = 0;
}

/* How many data-line segments, other than those of skip_owner (-1: none), touch the box grown by
 * the margin; counting stops at limit. */
static int
box_line_hits (const PlotFigure *fig, PlotBox b, int skip_owner, int limit)
{
  int hits = 0;
  if (fig->line_gx <= 0 || fig->line_gy <= 0)
    return 0;
  PlotBox e = {b.x - LINE_MARGIN_PT, b.y - LINE_MARGIN_PT, b.w + 2 * LINE_MARGIN_PT, b.h + 2 * LINE_MARGIN_PT};
  double cell = fig->line_cell;
  int cx0 = (int) floor (e.x / cell), cx1 = (int) floor ((e.x + e.w) / cell);
  int cy0 = (int) floor (e.y / cell), cy1 = (int) floor ((e.y + e.h) / cell);
  cx0 = cx0 < 0 ? 0 : cx0;
  cy0 = cy0 < 0 ? 0 : cy0;
  cx1 = cx1 >= fig->line_gx ? fig->line_gx - 1 : cx1;
  cy1 = cy1 >= fig->line_gy ? fig->line_gy - 1 : cy1;
  for (int cy = cy0; cy <= cy1; cy++)
    for (int cx = cx0; cx <= cx1; cx++) {
      int c = cy * fig->line_gx + cx;
      for (int k = fig->line_cell_start[c]; k < fig->line_cell_start[c + 1]; k++) {
        int i = fig->line_cell_idx[k];
        if (fig->line_owner[i] != skip_owner && fig->line_owner[i] < fig->line_owner_limit && seg_hits_box (fig->line_segs + 4 * i, e) && ++hits >= limit)
          return hits;
      }
    }
  return hits;
}

static bool
box_hits_lines (const PlotFigure *fig, PlotBox b, int skip_owner)
{
  return box_line_hits (fig, b, skip_owner, 1) > 0;
}

/* Tries positions around (x, y) at growing distances, starting in direction `dir` (radians, y down)
 * and alternating to either side; returns the first one free of labels, arrows, markers and data
 * lines, else the one free of all but the lines that crosses the fewest line segments, else the
 * first tried. */
static PlotBox
place_around (PlotFigure *fig, double x, double y, double w, double h, double dir,
              const PlotBox *bounds, bool *overlaps, bool *on_lines)
{
  static const double radii[] = {3, 7, 12, 20, 30, 45};
  PlotBox first = {0}, best = {0};
  bool have_first = false;
  int best_hits = INT_MAX;
  for (size_t r = 0; r < sizeof radii / sizeof *radii; r++)
    for (int k = 0; k < 16; k++) {
      int side = (k + 1) / 2;
      double a = dir + (k % 2 ? 1 : -1) * side * (M_PI / 8);
      double ux = cos (a), uy = sin (a);
      /* distance from the box centre to its edge along (ux, uy) */
      double ext = fmin (fabs (ux) > 1e-9 ? (w / 2) / fabs (ux) : INFINITY,
                         fabs (uy) > 1e-9 ? (h / 2) / fabs (uy) : INFINITY);
      double cx = x + ux * (radii[r] + ext), cy = y + uy * (radii[r] + ext);
      PlotBox b = {cx - w / 2, cy - h / 2, w, h};
      if (!have_first) {
        first = b;
        have_first = true;
      }
      if (!box_free (fig, b, bounds))
        continue;
      int hits = box_line_hits (fig, b, -1, best_hits);
      if (hits == 0) {
        *overlaps = false;
        *on_lines = false;
        return b;
      }
      if (hits < best_hits) {
        best_hits = hits;
        best = b;
      }
    }
  *overlaps = best_hits == INT_MAX;
  *on_lines = true;
  return *overlaps ? first : best;
}

/* ---- layout ---- */

typedef struct {
  double tick, label, title, ftitle; /* font sizes */
} Sizes;

static Sizes
sizes_of (const PlotFigure *fig)
{
  double s = fig->font_size;
  return (Sizes) {s, s * 1.1, s * 1.2, s * 1.35};
}

static int
tick_target (double len, double per)
{
  int t = (int) (len / per);
  return t < 2 ? 2 : t > 10 ? 10 : t;
}

static double
max_tick_label_width (PlotFigure *fig, const PlotTicks *t, double size, double *height)
{
  double mw = 0, mh = 0;
  for (int i = 0; i < t->n_major; i++) {
    char buf[64];
    plot_format_tick (t->major[i], t->step, t->log_decades, buf, sizeof buf);
    double w, h;
    text_size (fig, buf, size, false, &w, &h);
    mw = fmax (mw, w);
    mh = fmax (mh, h);
  }
  if (height)
    *height = mh;
  return mw;
}

static void
compute_ticks (PlotAxes *ax)
{
  if (!plot_ticks_compute (ax->xscale, ax->lxlo, ax->lxhi, tick_target (ax->pw, 50), &ax->xt))
    memset (&ax->xt, 0, sizeof ax->xt);
  if (!plot_ticks_compute (ax->yscale, ax->lylo, ax->lyhi, tick_target (ax->ph, 45), &ax->yt))
    memset (&ax->yt, 0, sizeof ax->yt);
}

static void
layout_axes (PlotFigure *fig, PlotAxes *ax, double W, double H, double top)
{
  Sizes sz = sizes_of (fig);
  double ox, oy, ow, oh;
  if (ax->rect_mode) {
    ox = ax->fx * W;
    oy = ax->fy * H;
    ow = ax->fw * W;
    oh = ax->fh * H;
  } else {
    double ch = (H - top) / ax->rows, cw = W / ax->cols;
    ox = (ax->index % ax->cols) * cw;
    oy = top + (ax->index / ax->cols) * ch;
    ow = cw;
    oh = ch;
  }
  plot_axes_autoscale (ax);
  ax->lxlo = ax->xlo;
  ax->lxhi = ax->xhi;
  ax->lylo = ax->ylo;
  ax->lyhi = ax->yhi;
  if (ax->xscale == PLOT_SCALE_LOG && !(ax->lxlo > 0 && ax->lxhi > 0)) {
    ax->lxlo = 1;
    ax->lxhi = 10;
  }
  if (ax->yscale == PLOT_SCALE_LOG && !(ax->lylo > 0 && ax->lyhi > 0)) {
    ax->lylo = 1;
    ax->lyhi = 10;
  }
  double pad = 6, tick_len = ax->frame ? 4 : 0;
  double left = pad, right = pad + 4, bottom = pad, tpad = pad;
  double w, h;
  if (ax->title) {
    text_size (fig, ax->title, sz.title, true, &w, &h);
    tpad += h + 4;
  }
  if (ax->xlabel) {
    text_size (fig, ax->xlabel, sz.label, false, &w, &h);
    bottom += h + 3;
  }
  if (ax->ylabel) {
    text_size (fig, ax->ylabel, sz.label, false, &w, &h);
    left += h + 3;
  }
  double cbar = 0;
  if (ax->has_cbar) {
    PlotTicks ct;
    double lw = 0;
    if (plot_ticks_compute (PLOT_SCALE_LINEAR, ax->cbar_lo, ax->cbar_hi, 5, &ct))
      lw = max_tick_label_width (fig, &ct, sz.tick, NULL);
    cbar = 10 + 12 + 4 + 3 + lw;
    if (ax->cbar_label) {
      text_size (fig, ax->cbar_label, sz.label, false, &w, &h);
      cbar += h + 4;
    }
  }
  right += cbar;
  /* Two passes: tick labels depend on the plot size, which depends on their size. */
  double tl_w = 0, tl_h = 0;
  if (ax->frame) {
    text_size (fig, "0", sz.tick, false, &w, &tl_h);
    tl_w = 2 * w;
  }
  for (int pass = 0; pass < 2; pass++) {
    ax->px = ox + left + (ax->frame ? tl_w + tick_len + 3 : 0);
    ax->py = oy + tpad;
    ax->pw = ow - (ax->px - ox) - right;
    ax->ph = oh - tpad - bottom - (ax->frame ? tl_h + tick_len + 3 : 0);
    if (ax->pw < 10)
      ax->pw = 10;
    if (ax->ph < 10)
      ax->ph = 10;
    compute_ticks (ax);
    if (ax->frame)
      tl_w = max_tick_label_width (fig, &ax->yt, sz.tick, NULL);
  }
  if (ax->equal && ax->xscale == PLOT_SCALE_LINEAR && ax->yscale == PLOT_SCALE_LINEAR) {
    double sx = ax->pw / fabs (ax->lxhi - ax->lxlo), sy = ax->ph / fabs (ax->lyhi - ax->lylo);
    if (sx > sy) {
      double nw = sy * fabs (ax->lxhi - ax->lxlo);
      ax->px += (ax->pw - nw) / 2;
      ax->pw = nw;
    } else {
      double nh = sx * fabs (ax->lyhi - ax->lylo);
      ax->py += (ax->ph - nh) / 2;
      ax->ph = nh;
    }
    compute_ticks (ax);
  }
}

/* ---- geometry of items in points ---- */

typedef struct {
  double x0, y0, x1, y1; /* shaft from x0,y0 to the head base x1,y1 */
  double tx, ty;         /* tip */
  double hl, hw;         /* head length and half width */
  double ux, uy;         /* unit direction */
  bool ok;
} ArrowGeom;

static ArrowGeom
arrow_geom (const PlotAxes *ax, const Item *it)
{
  ArrowGeom g = {0};
  double ax0, ay0, ax1, ay1;
  to_pt (ax, it->xy[0], it->xy[1], &ax0, &ay0);
  to_pt (ax, it->xy[2], it->xy[3], &ax1, &ay1);
  double dx = ax1 - ax0, dy = ay1 - ay0, L = hypot (dx, dy);
  if (!(L > 1e-6) || !isfinite (L))
    return g;
  double lw = it->style.width_pt > 0 ? it->style.width_pt : 1;
  g.ux = dx / L;
  g.uy = dy / L;
  g.hl = 3.2 * lw + 4.5;
  if (g.hl > 0.5 * L)
    g.hl = 0.5 * L;
  g.hw = 0.36 * g.hl + 0.5 * lw;
  g.x0 = ax0;
  g.y0 = ay0;
  g.tx = ax1;
  g.ty = ay1;
  /* the shaft ends a little inside the head so no seam shows, never past it */
  g.x1 = ax1 - g.ux * g.hl * 0.8;
  g.y1 = ay1 - g.uy * g.hl * 0.8;
  g.ok = true;
  return g;
}

static void
marker_path (cairo_t *cr, PlotMarker m, double x, double y, double s)
{
  double r = s / 2;
  switch (m) {
  case PLOT_MARKER_CIRCLE:
    cairo_new_sub_path (cr);
    cairo_arc (cr, x, y, r, 0, 2 * M_PI);
    break;
  case PLOT_MARKER_SQUARE:
    cairo_rectangle (cr, x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r);
    break;
  case PLOT_MARKER_TRIANGLE:
    cairo_move_to (cr, x, y - r * 1.15);
    cairo_line_to (cr, x + r, y + r * 0.6);
    cairo_line_to (cr, x - r, y + r * 0.6);
    cairo_close_path (cr);
    break;
  case PLOT_MARKER_CROSS:
    cairo_move_to (cr, x - r, y - r);
    cairo_line_to (cr, x + r, y + r);
    cairo_move_to (cr, x - r, y + r);
    cairo_line_to (cr, x + r, y - r);
    break;
  default:
    break;
  }
}

static char *
format_level (double v, char *buf, size_t n)
{
  /* the shortest %g that gives back the level to 1e-9 */
  for (int p = 1; p <= 10; p++) {
    snprintf (buf, n, "%.*g", p, v);
    if (fabs (strtod (buf, NULL) - v) <= 1e-9 * fmax (1, fabs (v)))
      break;
  }
  /* %g writes 160 as "1.6e+02": below a million, plain digits read better on a contour line */
  if (strchr (buf, 'e') && fabs (v) >= 1 && fabs (v) < 1e6) {
    int intdigits = (int) floor (log10 (fabs (v))) + 1;
    for (int d = 0; d <= 6; d++) {
      snprintf (buf, n, "%.*f", d, v);
      if (fabs (strtod (buf, NULL) - v) <= 1e-9 * fmax (1, fabs (v)) || intdigits + d >= 10)
        break;
    }
  }
  if (buf[0] == '-' && strlen (buf) + 3 < n) {
    memmove (buf + 3, buf + 1, strlen (buf));
    memcpy (buf, "\xe2\x88\x92", 3);
  }
  return buf;
}

/* Point and direction at arc length s along a polyline of points (pts in figure points). */
static void
point_at (const double *p, int n, bool closed, const double *cum, double s, double *x, double *y)
{
  int segs = closed ? n : n - 1;
  int lo = 0, hi = segs - 1;
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (cum[mid] <= s)
      lo = mid;
    else
      hi = mid - 1;
  }
  int a = lo, b = (lo + 1) % n;
  double sl = cum[lo + 1] - cum[lo];
  double f = sl > 0 ? (s - cum[lo]) / sl : 0;
  *x = p[2 * a] + (p[2 * b] - p[2 * a]) * f;
  *y = p[2 * a + 1] + (p[2 * b + 1] - p[2 * a + 1]) * f;
}

static void
place_contour_labels (PlotFigure *fig, PlotAxes *ax, Item *it, double size)
{
  it->n_clabels = 0;
  PlotBox bounds = {ax->px, ax->py, ax->pw, ax->ph};
  int nl = plot_contour_set_n_lines (it->contours);
  double *pts = NULL, *cum = NULL;
  int cap = 0;
  /* One label per line long enough to carry one, at the first free spot of a fixed sequence
   * (middle first): simple, and stable from one frame to the next. */
  for (int li = 0; li < nl; li++) {
    int n, level;
    bool closed;
    const double *d = plot_contour_set_line (it->contours, li, &n, &level, &closed);
    if (n < 2)
      continue;
    if (n + 1 > cap) {
      cap = n + 1;
      double *np = realloc (pts, (size_t) cap * 2 * sizeof (double));
      if (!np)
        break;
      pts = np;
      double *nc = realloc (cum, (size_t) (cap + 1) * sizeof (double));
      if (!nc)
        break;
      cum = nc;
    }
    for (int k = 0; k < n; k++)
      to_pt (ax, d[2 * k], d[2 * k + 1], &pts[2 * k], &pts[2 * k + 1]);
    int segs = closed ? n : n - 1;
    cum[0] = 0;
    for (int k = 0; k < segs; k++) {
      int b = (k + 1) % n;
      cum[k + 1] = cum[k] + hypot (pts[2 * b] - pts[2 * k], pts[2 * b + 1] - pts[2 * k + 1]);
    }
    double L = cum[segs];
    char text[48];
    format_level (it->levels[level], text, sizeof text);
    double tw, th;
    text_size (fig, text, size, false, &tw, &th);
    if (L < tw * 3)
      continue;
    static const double fr[] = {0.5, 0.25, 0.75, 0.375, 0.625, 0.125, 0.875, 0.0625, 0.9375};
    /* First a spot clear of the other lines, else one that is clear of labels only. */
    bool done = false;
    for (int pass = 0; pass < 2 && !done; pass++)
    for (size_t c = 0; c < sizeof fr / sizeof *fr; c++) {
      double s = L * fr[c];
      if (!closed && (s < tw * 0.75 || s > L - tw * 0.75))
        continue;
      double xa, ya, xb, yb, xm, ym;
      double sa = s - tw * 0.55, sb = s + tw * 0.55;
      if (closed) {
        sa = fmod (sa + L, L);
        sb = fmod (sb, L);
      }
      point_at (pts, n, closed, cum, sa, &xa, &ya);
      point_at (pts, n, closed, cum, sb, &xb, &yb);
      point_at (pts, n, closed, cum, s, &xm, &ym);
      double chord = hypot (xb - xa, yb - ya);
      if (chord < tw * 1.0) /* too curved here to read */
        continue;
      double ang = atan2 (yb - ya, xb - xa);
      if (ang > M_PI / 2)
        ang -= M_PI;
      if (ang <= -M_PI / 2)
        ang += M_PI;
      double cw = tw + 4, ch = th;
      double ca = fabs (cos (ang)), sn = fabs (sin (ang));
      double bw = cw * ca + ch * sn, bh = cw * sn + ch * ca;
      PlotBox b = {xm - bw / 2, ym - bh / 2, bw, bh};
      if (!box_free (fig, b, &bounds))
        continue;
      if (pass == 0 && box_hits_lines (fig, b, it->line_owner + li))
        continue;
      add_label (fig, b, PLOT_LABEL_CONTOUR, false);
      if (plot__grow ((void **) &it->clabels, &it->cap_clabels, it->n_clabels + 1, sizeof (ContourLabel))) {
        ContourLabel *cl = &it->clabels[it->n_clabels++];
        cl->cx = xm;
        cl->cy = ym;
        cl->angle = ang;
        cl->w = cw;
        cl->h = ch;
        memcpy (cl->text, text, sizeof text);
      }
      done = true;
      break;
    }
  }
  free (pts);
  free (cum);
}

/* Legend entries of an axes. */
static int
legend_entries (const PlotAxes *ax)
{
  int n = 0;
  for (int i = 0; i < ax->n_items; i++)
    if (ax->items[i].label && (ax->items[i].kind == IT_LINE || ax->items[i].kind == IT_POLY))
      n++;
  return n;
}

static void
legend_size (PlotFigure *fig, const PlotAxes *ax, double *w, double *h, double *row_h)
{
  Sizes sz = sizes_of (fig);
  double mw = 0, mh = 0;
  for (int i = 0; i < ax->n_items; i++) {
    const Item *it = &ax->items[i];
    if (!it->label || (it->kind != IT_LINE && it->kind != IT_POLY))
      continue;
    double tw, th;
    text_size (fig, it->label, sz.tick, false, &tw, &th);
    mw = fmax (mw, tw);
    mh = fmax (mh, th);
  }
  *row_h = mh + 2;
  *w = 6 + 22 + 5 + mw + 6;
  *h = 4 + legend_entries (ax) * *row_h + 4;
}

/* How much a candidate legend box covers: line pieces crossing it, labels and arrows. */
static double
legend_cost (const PlotFigure *fig, const PlotAxes *ax, PlotBox b, PlotLayer layer)
{
  double cost = 0;
  for (int i = 0; i < ax->n_items; i++) {
    const Item *it = &ax->items[i];
    if (!plot__in_layer (ax, it, layer))
      continue;
    if (it->kind == IT_LINE || it->kind == IT_POLY) {
      double px0 = 0, py0 = 0;
      for (int k = 0; k < it->n; k++) {
        double px, py;
        to_pt (ax, it->xy[2 * k], it->xy[2 * k + 1], &px, &py);
        if (k > 0 && finite2 (px, py) && finite2 (px0, py0)) {
          double s[4] = {px0, py0, px, py};
          if (seg_hits_box (s, b))
            cost += 1;
        } else if (it->n == 1 && finite2 (px, py) && px >= b.x && px <= b.x + b.w && py >= b.y &&
                   py <= b.y + b.h)
          cost += 1;
        px0 = px;
        py0 = py;
      }
    } else if (it->kind == IT_CONTOUR) {
      int nl = plot_contour_set_n_lines (it->contours);
      for (int l = 0; l < nl; l++) {
        int n;
        const double *d = plot_contour_set_line (it->contours, l, &n, NULL, NULL);
        for (int k = 0; k < n; k++) {
          double px, py;
          to_pt (ax, d[2 * k], d[2 * k + 1], &px, &py);
          if (px >= b.x && px <= b.x + b.w && py >= b.y && py <= b.y + b.h)
            cost += 0.2;
        }
      }
    }
  }
  for (int i = 0; i < fig->n_labels; i++)
    if (box_overlap (b, fig->labels[i].box))
      cost += 100;
  for (int i = 0; i < fig->n_obst; i++)
    if (box_overlap (b, fig->obst[i]))
      cost += 10;
  for (int i = 0; i < fig->n_segs; i++)
    if (seg_hits_box (fig->segs + 4 * i, b))
      cost += 100;
  return cost;
}

static void
place_legend (PlotFigure *fig, PlotAxes *ax, PlotLayer layer)
{
  ax->legend_placed = false;
  if (!ax->legend || legend_entries (ax) == 0)
    return;
  double w, h, rh;
  legend_size (fig, ax, &w, &h, &rh);
  double in = 6;
  /* the first candidate with the least cover wins */
  double r = ax->px + ax->pw - in - w, l = ax->px + in, t = ax->py + in,
         bt = ax->py + ax->ph - in - h, cx = ax->px + (ax->pw - w) / 2,
         cy = ax->py + (ax->ph - h) / 2;
  /* corners first (upper right, upper left, lower left, lower right), then edge middles */
  PlotBox cand[8] = {
    {r, t, w, h}, {l, t, w, h}, {l, bt, w, h}, {r, bt, w, h},
    {cx, t, w, h}, {cx, bt, w, h}, {r, cy, w, h}, {l, cy, w, h},
  };
  int best = 0;
  double best_cost = INFINITY;
  for (int c = 0; c < 8; c++) {
    double cost = legend_cost (fig, ax, cand[c], layer);
    if (cost < best_cost) {
      best_cost = cost;
      best = c;
    }
  }
  ax->legend_box = cand[best];
  ax->legend_placed = true;
  add_label (fig, cand[best], PLOT_LABEL_LEGEND, best_cost >= 100);
}

/* Places the labels of one layer's items (all of them for PLOT_LAYER_ALL): obstacles first (arrows
 * and markers), then texts with a fixed anchor, the automatic
 * ones, contour labels and legends. The base sees only its own lines and obstacles; the overlay,
 * placed after it, keeps clear of everything. */
static void
place_layer (PlotFigure *fig, PlotLayer layer)
{
  Sizes sz = sizes_of (fig);
  for (int a = 0; a < fig->n_axes; a++) {
    PlotAxes *ax = fig->axes[a];
    for (int i = 0; i < ax->n_items; i++) {
      Item *it = &ax->items[i];
      if (!plot__in_layer (ax, it, layer))
        continue;
      if (it->kind == IT_ARROW) {
        ArrowGeom g = arrow_geom (ax, it);
        if (!g.ok)
          continue;
        add_segment (fig, g.x0, g.y0, g.tx, g.ty);
        double bx = g.tx - g.ux * g.hl, by = g.ty - g.uy * g.hl;
        double lx = bx - g.uy * g.hw, ly = by + g.ux * g.hw, rx = bx + g.uy * g.hw,
               ry = by - g.ux * g.hw;
        add_segment (fig, lx, ly, rx, ry);
        add_segment (fig, lx, ly, g.tx, g.ty);
        add_segment (fig, rx, ry, g.tx, g.ty);
      } else if (it->kind == IT_LINE && it->style.marker != PLOT_MARKER_NONE && it->n <= 4096) {
        double r = it->style.marker_size_pt / 2 + 1;
        for (int k = 0; k < it->n; k++) {
          double px, py;
          to_pt (ax, it->xy[2 * k], it->xy[2 * k + 1], &px, &py);
          if (finite2 (px, py))
            add_obstacle (fig, (PlotBox) {px - r, py - r, 2 * r, 2 * r});
        }
      }
    }
  }
  /* The base's labels keep clear of the base's lines only; the overlay's of all of them. */
  fig->line_owner_limit = layer == PLOT_LAYER_BASE ? fig->line_base_owners : INT_MAX;
  /* Texts with a fixed anchor go where they are asked; then the automatic ones. */
  for (int pass = 0; pass < 2; pass++)
    for (int a = 0; a < fig->n_axes; a++) {
      PlotAxes *ax = fig->axes[a];
      PlotBox bounds = {ax->px, ax->py, ax->pw, ax->ph};
      for (int i = 0; i < ax->n_items; i++) {
        Item *it = &ax->items[i];
        if (!it->markup || (it->kind != IT_TEXT && it->kind != IT_ARROW) || !plot__in_layer (ax, it, layer))
          continue;
        bool fixed = it->kind == IT_TEXT && it->anchor != PLOT_ANCHOR_AUTO;
        if ((pass == 0) != fixed)
          continue;
        double size = it->size_pt > 0 ? it->size_pt : sz.label;
        double w, h;
        text_size (fig, it->markup, size, false, &w, &h);
        double x, y;
        PlotBox b;
        bool overlaps = false, on_lines = false;
        if (it->kind == IT_TEXT) {
          to_pt (ax, it->xy[0], it->xy[1], &x, &y);
          if (!finite2 (x, y))
            continue;
          if (fixed) {
            anchor_box (it->anchor, x, y, w, h, &b.x, &b.y);
            b.w = w;
            b.h = h;
          } else {
            b = place_around (fig, x, y, w, h, -M_PI / 4, &bounds, &overlaps, &on_lines);
          }
        } else {
          ArrowGeom g = arrow_geom (ax, it);
          if (!g.ok)
            continue;
          /* Beyond the head first, in the arrow's direction. */
          b = place_around (fig, g.tx, g.ty, w, h, atan2 (g.uy, g.ux), &bounds, &overlaps, &on_lines);
        }
        it->tx = b.x;
        it->ty = b.y;
        it->placed = true;
        it->halo = on_lines;
        add_label (fig, b, PLOT_LABEL_TEXT, overlaps);
      }
    }
  for (int a = 0; a < fig->n_axes; a++) {
    PlotAxes *ax = fig->axes[a];
    for (int i = 0; i < ax->n_items; i++)
      if (ax->items[i].kind == IT_CONTOUR && ax->items[i].label_levels && plot__in_layer (ax, &ax->items[i], layer))
        place_contour_labels (fig, ax, &ax->items[i], sz.tick * 0.95);
  }
  for (int a = 0; a < fig->n_axes; a++)
    if (plot__legend_in_layer (fig->axes[a], layer))
      place_legend (fig, fig->axes[a], layer);
}

/* Lays out every axes and places every label (figure points, W x H); layered: the base's labels on
 * their own, then the overlay's. */
static void
do_layout (PlotFigure *fig, double W, double H, bool layered)
{
  Sizes sz = sizes_of (fig);
  fig->n_labels = 0;
  fig->n_segs = 0;
  fig->n_obst = 0;
  fig->lay_w = W;
  fig->lay_h = H;
  fig->lay_layered = layered;
  double top = 0;
  if (fig->title) {
    double w, h;
    text_size (fig, fig->title, sz.ftitle, true, &w, &h);
    top = h + 8;
  }
  for (int a = 0; a < fig->n_axes; a++) {
    layout_axes (fig, fig->axes[a], W, H, top);
    for (int i = 0; i < fig->axes[a]->n_items; i++)
      fig->axes[a]->items[i].placed = false;
  }
  /* Data lines, for the labels to keep clear of (only when there are labels to place). */
  bool any_labels = false;
  for (int a = 0; a < fig->n_axes && !any_labels; a++)
    for (int i = 0; i < fig->axes[a]->n_items && !any_labels; i++) {
      const Item *it = &fig->axes[a]->items[i];
      any_labels = ((it->kind == IT_TEXT && it->anchor == PLOT_ANCHOR_AUTO) || it->kind == IT_ARROW) ? it->markup != NULL
                   : it->kind == IT_CONTOUR && it->label_levels;
    }
  fig->n_line_segs = 0;
  fig->line_gx = fig->line_gy = 0;
  if (any_labels)
    index_lines (fig, W, H, layered);
  if (!layered) {
    place_layer (fig, PLOT_LAYER_ALL);
  } else {
    place_layer (fig, PLOT_LAYER_BASE);
    if (plot_figure_has_overlay (fig))
      place_layer (fig, PLOT_LAYER_OVERLAY);
  }
}

/* ---- drawing ---- */

static void
apply_style (cairo_t *cr, const PlotFigure *fig, const PlotLineStyle *s)
{
  set_paint (cr, fig, s->color);
  cairo_set_line_width (cr, s->width_pt);
  cairo_set_dash (cr, s->dash, s->n_dash > 0 && s->n_dash <= 4 ? s->n_dash : 0, 0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, s->n_dash > 0 ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
}

/* Points closer than this (in points) to the last one drawn are skipped: a fine grid's contours
 * have many sub-pixel steps, and stroking them all costs several times more for nothing visible. */
#define MIN_STEP_PT 0.3

static void
path_points (cairo_t *cr, const PlotAxes *ax, const double *xy, int n, bool close)
{
  bool pen = false;
  double lx = 0, ly = 0;
  for (int k = 0; k < n; k++) {
    double px, py;
    to_pt (ax, xy[2 * k], xy[2 * k + 1], &px, &py);
    if (!finite2 (px, py)) { /* NaN or a non-positive value on a log axis: break the line */
      pen = false;
      continue;
    }
    if (pen) {
      if (k + 1 < n && fabs (px - lx) < MIN_STEP_PT && fabs (py - ly) < MIN_STEP_PT)
        continue;
      cairo_line_to (cr, px, py);
    } else {
      cairo_move_to (cr, px, py);
    }
    lx = px;
    ly = py;
    pen = true;
  }
  if (close && pen)
    cairo_close_path (cr);
}

static void
draw_markers (cairo_t *cr, const PlotFigure *fig, const PlotAxes *ax, const Item *it)
{
  const PlotLineStyle *s = &it->style;
  if (s->marker == PLOT_MARKER_NONE)
    return;
  set_paint (cr, fig, s->color);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_line_width (cr, fmax (1, s->marker_size_pt * 0.18));
  for (int k = 0; k < it->n; k++) {
    double px, py;
    to_pt (ax, it->xy[2 * k], it->xy[2 * k + 1], &px, &py);
    if (!finite2 (px, py))
      continue;
    marker_path (cr, s->marker, px, py, s->marker_size_pt);
    if (s->marker_filled && s->marker != PLOT_MARKER_CROSS)
      cairo_fill (cr);
    else
      cairo_stroke (cr);
  }
}

typedef struct {
  cairo_t *cr;
  const PlotAxes *ax;
} SinkCtx;

static void
region_sink (void *data, const double *xy, int n)
{
  SinkCtx *s = data;
  path_points (s->cr, s->ax, xy, n, true);
}

static void
draw_arrow (cairo_t *cr, const PlotFigure *fig, const PlotAxes *ax, const Item *it)
{
  ArrowGeom g = arrow_geom (ax, it);
  if (!g.ok)
    return;
  apply_style (cr, fig, &it->style);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  cairo_move_to (cr, g.x0, g.y0);
  cairo_line_to (cr, g.x1, g.y1);
  cairo_stroke (cr);
  double bx = g.tx - g.ux * g.hl, by = g.ty - g.uy * g.hl;
  cairo_move_to (cr, g.tx, g.ty);
  cairo_line_to (cr, bx - g.uy * g.hw, by + g.ux * g.hw);
  /* a slight notch makes the head read as an arrow rather than a triangle */
  cairo_line_to (cr, g.tx - g.ux * g.hl * 0.85, g.ty - g.uy * g.hl * 0.85);
  cairo_line_to (cr, bx + g.uy * g.hw, by - g.ux * g.hw);
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* Adds the part of segment p->q outside every label box to the path (gaps for contour labels,
 * cut geometrically: clipping with the label boxes made stroking several times slower). */
static void
cut_segment (cairo_t *cr, const ContourLabel *cl, int ncl, double px, double py, double qx,
             double qy, bool *pen)
{
  double iv[16][2];
  int niv = 0;
  for (int k = 0; k < ncl && niv < 16; k++) {
    const ContourLabel *l = &cl[k];
    double r = (l->w + l->h) / 2;
    if (fmax (px, qx) < l->cx - r || fmin (px, qx) > l->cx + r || fmax (py, qy) < l->cy - r ||
        fmin (py, qy) > l->cy + r)
      continue;
    /* Liang-Barsky in the label's rotated frame */
    double c = cos (l->angle), s = sin (l->angle);
    double ax = (px - l->cx) * c + (py - l->cy) * s, ay = -(px - l->cx) * s + (py - l->cy) * c;
    double bx = (qx - l->cx) * c + (qy - l->cy) * s, by = -(qx - l->cx) * s + (qy - l->cy) * c;
    double dx = bx - ax, dy = by - ay, hw = l->w / 2, hh = l->h / 2 - 1;
    double t0 = 0, t1 = 1;
    double pp[4] = {-dx, dx, -dy, dy}, qq[4] = {ax + hw, hw - ax, ay + hh, hh - ay};
    bool hit = true;
    for (int e = 0; e < 4 && hit; e++) {
      if (pp[e] == 0) {
        if (qq[e] < 0)
          hit = false;
      } else {
        double t = qq[e] / pp[e];
        if (pp[e] < 0) {
          if (t > t1)
            hit = false;
          else if (t > t0)
            t0 = t;
        } else {
          if (t < t0)
            hit = false;
          else if (t < t1)
            t1 = t;
        }
      }
    }
    if (hit && t1 > t0) {
      iv[niv][0] = t0;
      iv[niv][1] = t1;
      niv++;
    }
  }
  if (niv == 0) {
    if (!*pen)
      cairo_move_to (cr, px, py);
    cairo_line_to (cr, qx, qy);
    *pen = true;
    return;
  }
  /* visible pieces: walk t from 0 to 1 skipping the (few, unsorted) intervals */
  double t = 0;
  while (t < 1) {
    double next_start = 1, next_end = 1;
    bool inside = false;
    for (int k = 0; k < niv; k++)
      if (iv[k][0] <= t && iv[k][1] > t) {
        inside = true;
        if (iv[k][1] > next_end || next_end == 1)
          next_end = iv[k][1];
      }
    if (inside) {
      *pen = false;
      t = next_end;
      continue;
    }
    for (int k = 0; k < niv; k++)
      if (iv[k][0] > t && iv[k][0] < next_start)
        next_start = iv[k][0];
    if (!*pen)
      cairo_move_to (cr, px + (qx - px) * t, py + (qy - py) * t);
    cairo_line_to (cr, px + (qx - px) * next_start, py + (qy - py) * next_start);
    *pen = next_start >= 1;
    t = next_start;
  }
}

static void
draw_contour (cairo_t *cr, PlotFigure *fig, const PlotAxes *ax, const Item *it, double size)
{
  apply_style (cr, fig, &it->style);
  int nl = plot_contour_set_n_lines (it->contours);
  for (int l = 0; l < nl; l++) {
    int n;
    bool closed;
    const double *d = plot_contour_set_line (it->contours, l, &n, NULL, &closed);
    if (it->n_clabels == 0) {
      path_points (cr, ax, d, n, closed);
      continue;
    }
    bool pen = false;
    double fx = 0, fy = 0, px = 0, py = 0;
    int segs = closed ? n : n - 1;
    to_pt (ax, d[0], d[1], &fx, &fy);
    px = fx;
    py = fy;
    for (int k = 0; k < segs; k++) {
      int m = (k + 1) % n;
      double qx, qy;
      to_pt (ax, d[2 * m], d[2 * m + 1], &qx, &qy);
      if (k + 1 < segs && fabs (qx - px) < MIN_STEP_PT && fabs (qy - py) < MIN_STEP_PT)
        continue; /* see MIN_STEP_PT */
      cut_segment (cr, it->clabels, it->n_clabels, px, py, qx, qy, &pen);
      px = qx;
      py = qy;
    }
  }
  cairo_stroke (cr);
  PlotColor c = plot_paint_resolve (it->style.color, fig->theme);
  for (int k = 0; k < it->n_clabels; k++) {
    const ContourLabel *cl = &it->clabels[k];
    cairo_save (cr);
    cairo_translate (cr, cl->cx, cl->cy);
    cairo_rotate (cr, cl->angle);
    draw_text (cr, fig, cl->text, size, false, -(cl->w - 4) / 2, -cl->h / 2, 0, c);
    cairo_restore (cr);
  }
}

static double
luminance (PlotColor c)
{
  return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}

/* The theme's foreground or background, whichever reads better on a fill. */
static PlotColor
text_on (const PlotFigure *fig, PlotColor fill)
{
  PlotColor fg = plot_theme_color (fig->theme, PLOT_ROLE_FOREGROUND);
  PlotColor bg = plot_theme_color (fig->theme, PLOT_ROLE_BACKGROUND);
  if (fill.a < 0.5)
    return fg;
  double lf = luminance (fill);
  return fabs (luminance (fg) - lf) >= fabs (luminance (bg) - lf) ? fg : bg;
}

static void
draw_item (cairo_t *cr, PlotFigure *fig, const PlotAxes *ax, const Item *it)
{
  Sizes sz = sizes_of (fig);
  switch (it->kind) {
  case IT_LINE:
    if (it->style.width_pt > 0 && it->n >= 2) {
      apply_style (cr, fig, &it->style);
      path_points (cr, ax, it->xy, it->n, false);
      cairo_stroke (cr);
    }
    draw_markers (cr, fig, ax, it);
    break;
  case IT_POLY:
    set_paint (cr, fig, it->fill);
    path_points (cr, ax, it->xy, it->n, true);
    if (it->has_edge && it->style.width_pt > 0) {
      cairo_fill_preserve (cr);
      apply_style (cr, fig, &it->style);
      cairo_stroke (cr);
    } else {
      cairo_fill (cr);
    }
    break;
  case IT_ARROW:
    draw_arrow (cr, fig, ax, it);
    break;
  case IT_BOX: {
    double x0, y0, x1, y1;
    to_pt (ax, it->xy[0], it->xy[1], &x0, &y0);
    to_pt (ax, it->xy[2], it->xy[3], &x1, &y1);
    if (!finite2 (x0, y0) || !finite2 (x1, y1))
      break;
    cairo_rectangle (cr, fmin (x0, x1), fmin (y0, y1), fabs (x1 - x0), fabs (y1 - y0));
    set_paint (cr, fig, it->fill);
    cairo_fill_preserve (cr);
    if (it->edge_w > 0) {
      set_paint (cr, fig, it->color);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_set_line_width (cr, it->edge_w);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);
      cairo_stroke (cr);
    } else {
      cairo_new_path (cr);
    }
    if (it->markup) {
      double size = it->size_pt > 0 ? it->size_pt : sz.tick;
      double w, h;
      text_size (fig, it->markup, size, false, &w, &h);
      draw_text (cr, fig, it->markup, size, false, (x0 + x1) / 2 - w / 2, (y0 + y1) / 2 - h / 2, 0,
                 text_on (fig, plot_paint_resolve (it->fill, fig->theme)));
    }
    break;
  }
  case IT_CONTOUR:
    draw_contour (cr, fig, ax, it, sz.tick * 0.95);
    break;
  case IT_FILLED: {
    SinkCtx s = {cr, ax};
    for (int k = 0; k + 1 < it->n_levels; k++) {
      /* Each band paints the whole region above its lower level; the next band paints over it,
       * so neighbouring bands share no anti-aliased seam. */
      double lo = it->levels[0], hi = it->levels[it->n_levels - 1];
      double mid = (it->levels[k] + it->levels[k + 1]) / 2;
      /* the band's middle value on the scale of a colour bar over [lo, hi] */
      PlotColor c = plot_colormap_eval (it->cmap, (mid - lo) / (hi - lo));
      set_color (cr, c);
      plot__contour_region (it->z, it->nx, it->ny, it->gx0, it->gx1, it->gy0, it->gy1,
                            it->levels[k], region_sink, &s);
      cairo_fill (cr);
    }
    break;
  }
  case IT_HEATMAP: {
    double x0, y0, x1, y1;
    to_pt (ax, it->gx0, it->gy1, &x0, &y0);
    to_pt (ax, it->gx1, it->gy0, &x1, &y1);
    if (!finite2 (x0, y0) || !finite2 (x1, y1) || x1 == x0 || y1 == y0)
      break;
    cairo_save (cr);
    cairo_translate (cr, x0, y0);
    cairo_scale (cr, (x1 - x0) / it->nx, (y1 - y0) / it->ny);
    cairo_set_source_surface (cr, it->image, 0, 0);
    cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
    cairo_rectangle (cr, 0, 0, it->nx, it->ny);
    cairo_fill (cr);
    cairo_restore (cr);
    break;
  }
  case IT_TEXT:
    break;
  }
}

static void
draw_axes_frame (cairo_t *cr, PlotFigure *fig, PlotAxes *ax)
{
  Sizes sz = sizes_of (fig);
  PlotColor fg = plot_theme_color (fig->theme, PLOT_ROLE_FOREGROUND);
  double tick_len = 4;
  if (ax->frame) {
    cairo_set_dash (cr, NULL, 0, 0);
    cairo_set_line_width (cr, 0.8);
    set_color (cr, fg);
    cairo_rectangle (cr, ax->px, ax->py, ax->pw, ax->ph);
    cairo_stroke (cr);
    /* ticks, outward */
    for (int axis = 0; axis < 2; axis++) {
      const PlotTicks *t = axis == 0 ? &ax->xt : &ax->yt;
      for (int minor = 0; minor < 2; minor++) {
        int n = minor ? t->n_minor : t->n_major;
        const double *v = minor ? t->minor : t->major;
        double len = minor ? tick_len * 0.55 : tick_len;
        cairo_set_line_width (cr, minor ? 0.5 : 0.8);
        for (int i = 0; i < n; i++) {
          double px, py;
          if (axis == 0) {
            to_pt (ax, v[i], ax->lylo, &px, &py);
            px = round (px * 4) / 4;
            cairo_move_to (cr, px, ax->py + ax->ph);
            cairo_line_to (cr, px, ax->py + ax->ph + len);
          } else {
            to_pt (ax, ax->lxlo, v[i], &px, &py);
            cairo_move_to (cr, ax->px, py);
            cairo_line_to (cr, ax->px - len, py);
          }
        }
        cairo_stroke (cr);
      }
      for (int i = 0; i < t->n_major; i++) {
        char buf[64];
        plot_format_tick (t->major[i], t->step, t->log_decades, buf, sizeof buf);
        double w, h, px, py;
        text_size (fig, buf, sz.tick, false, &w, &h);
        if (axis == 0) {
          to_pt (ax, t->major[i], ax->lylo, &px, &py);
          draw_text (cr, fig, buf, sz.tick, false, px - w / 2, ax->py + ax->ph + tick_len + 2, 0,
                     fg);
        } else {
          to_pt (ax, ax->lxlo, t->major[i], &px, &py);
          draw_text (cr, fig, buf, sz.tick, false, ax->px - tick_len - 3 - w, py - h / 2, 0, fg);
        }
      }
    }
  }
  double w, h;
  if (ax->xlabel) {
    double th = 0, tw;
    if (ax->frame)
      text_size (fig, "0", sz.tick, false, &tw, &th);
    text_size (fig, ax->xlabel, sz.label, false, &w, &h);
    draw_text (cr, fig, ax->xlabel, sz.label, false, ax->px + ax->pw / 2 - w / 2,
               ax->py + ax->ph + (ax->frame ? tick_len + 3 + th : 0) + 3, 0, fg);
  }
  if (ax->ylabel) {
    double lw = ax->frame ? max_tick_label_width (fig, &ax->yt, sz.tick, NULL) : 0;
    text_size (fig, ax->ylabel, sz.label, false, &w, &h);
    double x = ax->px - (ax->frame ? tick_len + 3 + lw : 0) - 3 - h;
    draw_text (cr, fig, ax->ylabel, sz.label, false, x, ax->py + ax->ph / 2 + w / 2, -M_PI / 2,
               fg);
  }
  if (ax->title) {
    text_size (fig, ax->title, sz.title, true, &w, &h);
    draw_text (cr, fig, ax->title, sz.title, true, ax->px + ax->pw / 2 - w / 2, ax->py - h - 4, 0,
               fg);
  }
  if (ax->has_cbar) {
    double bx = ax->px + ax->pw + 10, bw = 12, by = ax->py, bh = ax->ph;
    int n = 256;
    for (int i = 0; i < n; i++) {
      PlotColor c = plot_colormap_eval (ax->cbar_cmap, (i + 0.5) / n);
      set_color (cr, c);
      /* slightly overlapping strips: no hairline gaps between them */
      cairo_rectangle (cr, bx, by + bh - (i + 1) * bh / n, bw, bh / n + 0.05);
      cairo_fill (cr);
    }
    set_color (cr, fg);
    cairo_set_line_width (cr, 0.8);
    cairo_rectangle (cr, bx, by, bw, bh);
    cairo_stroke (cr);
    PlotTicks ct;
    double maxw = 0;
    if (plot_ticks_compute (PLOT_SCALE_LINEAR, ax->cbar_lo, ax->cbar_hi, 5, &ct)) {
      for (int i = 0; i < ct.n_major; i++) {
        double y = by + bh - (ct.major[i] - ax->cbar_lo) / (ax->cbar_hi - ax->cbar_lo) * bh;
        cairo_move_to (cr, bx + bw, y);
        cairo_line_to (cr, bx + bw + 4, y);
        cairo_stroke (cr);
        char buf[64];
        plot_format_tick (ct.major[i], ct.step, false, buf, sizeof buf);
        text_size (fig, buf, sz.tick, false, &w, &h);
        maxw = fmax (maxw, w);
        draw_text (cr, fig, buf, sz.tick, false, bx + bw + 6, y - h / 2, 0, fg);
      }
    }
    if (ax->cbar_label) {
      text_size (fig, ax->cbar_label, sz.label, false, &w, &h);
      draw_text (cr, fig, ax->cbar_label, sz.label, false, bx + bw + 6 + maxw + 4,
                 by + bh / 2 + w / 2, -M_PI / 2, fg);
    }
  }
}

static void
draw_legend (cairo_t *cr, PlotFigure *fig, PlotAxes *ax)
{
  if (!ax->legend_placed)
    return;
  Sizes sz = sizes_of (fig);
  PlotBox b = ax->legend_box;
  double w, h, rh;
  legend_size (fig, ax, &w, &h, &rh);
  PlotColor panel = plot_theme_color (fig->theme, PLOT_ROLE_BACKGROUND);
  panel.a = 0.9;
  set_color (cr, panel);
  cairo_rectangle (cr, b.x, b.y, b.w, b.h);
  cairo_fill_preserve (cr);
  set_color (cr, plot_theme_color (fig->theme, PLOT_ROLE_GRID));
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_line_width (cr, 0.8);
  cairo_stroke (cr);
  double y = b.y + 4;
  for (int i = 0; i < ax->n_items; i++) {
    const Item *it = &ax->items[i];
    if (!it->label || (it->kind != IT_LINE && it->kind != IT_POLY))
      continue;
    double cy = y + rh / 2, sx = b.x + 6;
    if (it->kind == IT_LINE) {
      if (it->style.width_pt > 0) {
        apply_style (cr, fig, &it->style);
        cairo_move_to (cr, sx, cy);
        cairo_line_to (cr, sx + 22, cy);
        cairo_stroke (cr);
      }
      if (it->style.marker != PLOT_MARKER_NONE) {
        set_paint (cr, fig, it->style.color);
        cairo_set_dash (cr, NULL, 0, 0);
        marker_path (cr, it->style.marker, sx + 11, cy, it->style.marker_size_pt);
        if (it->style.marker_filled && it->style.marker != PLOT_MARKER_CROSS)
          cairo_fill (cr);
        else
          cairo_stroke (cr);
      }
    } else {
      set_paint (cr, fig, it->fill);
      cairo_rectangle (cr, sx + 3, cy - rh * 0.3, 16, rh * 0.6);
      cairo_fill (cr);
    }
    double tw, th;
    text_size (fig, it->label, sz.tick, false, &tw, &th);
    draw_text (cr, fig, it->label, sz.tick, false, sx + 27, cy - th / 2, 0,
               plot_theme_color (fig->theme, PLOT_ROLE_FOREGROUND));
    y += rh;
  }
}

void
plot_figure_layout (PlotFigure *fig, double width_pt, double height_pt)
{
  if (!fig || !(width_pt > 0) || !(height_pt > 0) || !finite2 (width_pt, height_pt))
    return;
  do_layout (fig, width_pt, height_pt, false);
}

/* Draws one layer of the laid-out figure, cr in points. */
static void
draw_layer (PlotFigure *fig, cairo_t *cr, PlotLayer layer)
{
  double W = fig->lay_w, H = fig->lay_h;
  Sizes sz = sizes_of (fig);
  if (layer != PLOT_LAYER_OVERLAY) {
    set_color (cr, plot_theme_color (fig->theme, PLOT_ROLE_BACKGROUND));
    cairo_rectangle (cr, 0, 0, W, H);
    cairo_fill (cr);
    if (fig->title) {
      double w, h;
      text_size (fig, fig->title, sz.ftitle, true, &w, &h);
      draw_text (cr, fig, fig->title, sz.ftitle, true, W / 2 - w / 2, 4, 0,
                 plot_theme_color (fig->theme, PLOT_ROLE_FOREGROUND));
    }
  }
  for (int a = 0; a < fig->n_axes; a++) {
    PlotAxes *ax = fig->axes[a];
    bool whole = plot__in_layer (ax, NULL, layer); /* the frame, grid and legend too */
    if (whole && ax->grid && ax->frame) {
      set_color (cr, plot_theme_color (fig->theme, PLOT_ROLE_GRID));
      cairo_set_line_width (cr, 0.6);
      cairo_set_dash (cr, NULL, 0, 0);
      for (int i = 0; i < ax->xt.n_major; i++) {
        double px, py;
        to_pt (ax, ax->xt.major[i], ax->lylo, &px, &py);
        cairo_move_to (cr, px, ax->py);
        cairo_line_to (cr, px, ax->py + ax->ph);
      }
      for (int i = 0; i < ax->yt.n_major; i++) {
        double px, py;
        to_pt (ax, ax->lxlo, ax->yt.major[i], &px, &py);
        cairo_move_to (cr, ax->px, py);
        cairo_line_to (cr, ax->px + ax->pw, py);
      }
      cairo_stroke (cr);
    }
    cairo_save (cr);
    cairo_rectangle (cr, ax->px, ax->py, ax->pw, ax->ph);
    cairo_clip (cr);
    for (int i = 0; i < ax->n_items; i++)
      if (plot__in_layer (ax, &ax->items[i], layer))
        draw_item (cr, fig, ax, &ax->items[i]);
    cairo_restore (cr);
    if (whole)
      draw_axes_frame (cr, fig, ax);
    for (int i = 0; i < ax->n_items; i++) {
      const Item *it = &ax->items[i];
      if (!it->placed || !plot__in_layer (ax, it, layer))
        continue;
      double size = it->size_pt > 0 ? it->size_pt : sz.label;
      PlotColor c = it->kind == IT_ARROW ? plot_paint_resolve (it->style.color, fig->theme)
                                         : plot_paint_resolve (it->color, fig->theme);
      if (it->halo)
        draw_text_halo (cr, fig, it->markup, size, it->tx, it->ty, c);
      else
        draw_text (cr, fig, it->markup, size, false, it->tx, it->ty, 0, c);
    }
    if (plot__legend_in_layer (ax, layer))
      draw_legend (cr, fig, ax);
  }
}

void
plot_figure_render (PlotFigure *fig, cairo_t *cr, double width_px, double height_px, double scale)
{
  if (!fig || !cr || !(scale > 0) || !isfinite (scale) || !(width_px > 0) || !(height_px > 0) ||
      !finite2 (width_px, height_px))
    return;
  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  do_layout (fig, width_px / scale, height_px / scale, false);
  draw_layer (fig, cr, PLOT_LAYER_ALL);
  cairo_restore (cr);
}

uint64_t
plot_figure_layout_layers (PlotFigure *fig, double width_pt, double height_pt)
{
  if (!fig || !(width_pt > 0) || !(height_pt > 0) || !finite2 (width_pt, height_pt))
    return 0;
  do_layout (fig, width_pt, height_pt, true);
  return plot__base_key (fig);
}

void
plot_figure_draw_layer (PlotFigure *fig, cairo_t *cr, double scale, PlotLayer layer)
{
  if (!fig || !cr || !(scale > 0) || !isfinite (scale) || !(fig->lay_w > 0) || !(fig->lay_h > 0))
    return;
  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  draw_layer (fig, cr, layer);
  cairo_restore (cr);
}

const PlotPlacedLabel *
plot_figure_get_labels (const PlotFigure *fig, int *n)
{
  if (n)
    *n = fig ? fig->n_labels : 0;
  return fig ? fig->labels : NULL;
}

const double *
plot_figure_get_arrow_segments (const PlotFigure *fig, int *n)
{
  if (n)
    *n = fig ? fig->n_segs : 0;
  return fig ? fig->segs : NULL;
}
