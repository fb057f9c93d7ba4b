/* plot-layers.c: the key of a figure's base layer (see plot_figure_layout_layers in plot.h).
 *
 * The key hashes, after a layered layout, everything the base layer's pixels are drawn from: the
 * figure's size, theme, font and title; per base axes its plot area, effective limits, ticks, texts,
 * colour bar and placed legend (unless the legend has a row for an overlay item, which makes it
 * the overlay's); per base item its kind, style, data, texts (legend rows included) and placed
 * labels. Doubles are hashed by their bits, so -0.0 and 0.0 differ and NaNs of one pattern are
 * equal: a key can only change when nothing visible did, never stay when something did. */
#include "plot-private.h"

#include <string.h>

typedef struct {
  uint64_t h;
} Hash;

/* 64-bit FNV-1a offset basis; words are mixed whole (multiply, xor-shift), bytes for strings. */
static void
mix (Hash *k, uint64_t v)
{
  k->h ^= v;
  k->h *= 0x100000001b3ULL;
  k->h ^= k->h >> 29;
}

static void
mix_double (Hash *k, double d)
{
  uint64_t v;
  memcpy (&v, &d, sizeof v);
  mix (k, v);
}

static void
mix_doubles (Hash *k, const double *d, size_t n)
{
  mix (k, n);
  if (!d)
    return;
  for (size_t i = 0; i < n; i++)
    mix_double (k, d[i]);
}

static void
mix_string (Hash *k, const char *s)
{
  if (!s) {
    mix (k, 0x5bd1e995u);
    return;
  }
  size_t n = strlen (s);
  mix (k, n + 1);
  uint64_t w = 0;
  for (size_t i = 0; i < n; i++) {
    w = (w << 8) | (unsigned char) s[i];
    if (i % 8 == 7) {
      mix (k, w);
      w = 0;
    }
  }
  mix (k, w);
}

static void
mix_paint (Hash *k, PlotPaint p)
{
  mix (k, (uint64_t) p.role);
  if (p.role == PLOT_ROLE_CUSTOM) {
    mix_double (k, p.rgba.r);
    mix_double (k, p.rgba.g);
    mix_double (k, p.rgba.b);
    mix_double (k, p.rgba.a);
  }
}

static void
mix_style (Hash *k, const PlotLineStyle *s)
{
  mix_paint (k, s->color);
  mix_double (k, s->width_pt);
  int nd = s->n_dash < 0 ? 0 : s->n_dash > 4 ? 4 : s->n_dash;
  mix_doubles (k, s->dash, (size_t) nd);
  mix (k, (uint64_t) s->marker);
  mix_double (k, s->marker_size_pt);
  mix (k, s->marker_filled);
}

static void
mix_box (Hash *k, PlotBox b)
{
  mix_double (k, b.x);
  mix_double (k, b.y);
  mix_double (k, b.w);
  mix_double (k, b.h);
}

static void
mix_ticks (Hash *k, const PlotTicks *t)
{
  mix_doubles (k, t->major, (size_t) (t->n_major > 0 ? t->n_major : 0));
  mix_doubles (k, t->minor, (size_t) (t->n_minor > 0 ? t->n_minor : 0));
  mix_double (k, t->step);
  mix (k, t->log_decades);
}

static void
mix_item (Hash *k, const Item *it)
{
  mix (k, (uint64_t) it->kind);
  mix_style (k, &it->style);
  mix (k, it->has_edge);
  mix_paint (k, it->fill);
  mix_paint (k, it->color);
  mix_doubles (k, it->xy, (size_t) (it->n > 0 ? it->n : 0) * 2);
  mix_string (k, it->markup);
  mix_string (k, it->label);
  mix (k, (uint64_t) it->anchor);
  mix_double (k, it->size_pt);
  mix_double (k, it->edge_w);
  mix (k, it->placed);
  if (it->placed) {
    mix_double (k, it->tx);
    mix_double (k, it->ty);
    mix (k, it->halo);
  }
  mix_doubles (k, it->levels, (size_t) (it->n_levels > 0 ? it->n_levels : 0));
  mix_double (k, it->gx0);
  mix_double (k, it->gx1);
  mix_double (k, it->gy0);
  mix_double (k, it->gy1);
  if (it->kind == IT_CONTOUR) {
    /* The lines drawn (they follow from the grid and the levels, and are fewer numbers). */
    int nl = plot_contour_set_n_lines (it->contours);
    mix (k, (uint64_t) nl);
    for (int l = 0; l < nl; l++) {
      int n, level;
      bool closed;
      const double *d = plot_contour_set_line (it->contours, l, &n, &level, &closed);
      mix (k, (uint64_t) level);
      mix (k, closed);
      mix_doubles (k, d, (size_t) (n > 0 ? n : 0) * 2);
    }
    mix (k, it->label_levels);
    for (int i = 0; i < it->n_clabels; i++) {
      const ContourLabel *cl = &it->clabels[i];
      mix_double (k, cl->cx);
      mix_double (k, cl->cy);
      mix_double (k, cl->angle);
      mix_string (k, cl->text);
    }
  }
  if (it->kind == IT_FILLED || it->kind == IT_HEATMAP) {
    mix (k, (uint64_t) it->nx);
    mix (k, (uint64_t) it->ny);
    mix (k, (uint64_t) it->cmap);
    if (it->z)
      mix_doubles (k, it->z, (size_t) it->nx * (size_t) it->ny);
  }
  if (it->kind == IT_HEATMAP && it->image) {
    /* The colours were computed when the item was added: hash the pixels. */
    cairo_surface_t *img = it->image;
    int w = cairo_image_surface_get_width (img), h = cairo_image_surface_get_height (img);
    int stride = cairo_image_surface_get_stride (img);
    const unsigned char *data = cairo_image_surface_get_data (img);
    mix (k, (uint64_t) w);
    mix (k, (uint64_t) h);
    for (int y = 0; data && y < h; y++)
      for (int x = 0; x < w; x++) {
        uint32_t px;
        memcpy (&px, data + (size_t) y * stride + 4 * (size_t) x, sizeof px);
        mix (k, px);
      }
  }
}

uint64_t
plot__base_key (const PlotFigure *fig)
{
  Hash k = {0xcbf29ce484222325ULL};
  mix_double (&k, fig->lay_w);
  mix_double (&k, fig->lay_h);
  mix (&k, (uint64_t) fig->theme);
  mix_string (&k, fig->title);
  mix_string (&k, fig->font_family);
  mix_double (&k, fig->font_size);
  mix (&k, (uint64_t) fig->n_axes);
  for (int a = 0; a < fig->n_axes; a++) {
    const PlotAxes *ax = fig->axes[a];
    mix (&k, ax->overlay);
    if (ax->overlay)
      continue;
    mix_double (&k, ax->px);
    mix_double (&k, ax->py);
    mix_double (&k, ax->pw);
    mix_double (&k, ax->ph);
    mix_double (&k, ax->lxlo);
    mix_double (&k, ax->lxhi);
    mix_double (&k, ax->lylo);
    mix_double (&k, ax->lyhi);
    mix (&k, (uint64_t) ax->xscale);
    mix (&k, (uint64_t) ax->yscale);
    mix (&k, ((uint64_t) ax->grid << 2) | ((uint64_t) ax->frame << 1) | ax->legend);
    mix_ticks (&k, &ax->xt);
    mix_ticks (&k, &ax->yt);
    mix_string (&k, ax->title);
    mix_string (&k, ax->xlabel);
    mix_string (&k, ax->ylabel);
    mix (&k, ax->has_cbar);
    if (ax->has_cbar) {
      mix (&k, (uint64_t) ax->cbar_cmap);
      mix_double (&k, ax->cbar_lo);
      mix_double (&k, ax->cbar_hi);
      mix_string (&k, ax->cbar_label);
    }
    bool legend = plot__legend_in_layer (ax, PLOT_LAYER_BASE);
    mix (&k, legend && ax->legend_placed);
    if (legend && ax->legend_placed)
      mix_box (&k, ax->legend_box);
    for (int i = 0; i < ax->n_items; i++)
      if (!ax->items[i].overlay)
        mix_item (&k, &ax->items[i]);
  }
  return k.h;
}
