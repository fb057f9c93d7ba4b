/* plot-bench: times contouring a 400x400 grid and drawing it (median of repeated runs). */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (void)
{
  enum { N = 400, RUNS = 30 };
  double *z = malloc (sizeof (double) * N * N);
  if (!z)
    return 1;
  for (int j = 0; j < N; j++)
    for (int i = 0; i < N; i++) {
      double x = -2 + 4.0 * i / (N - 1), y = -2 + 4.0 * j / (N - 1);
      z[j * N + i] = 0.5 * (x * x + 10 * y * y) + 0.3 * sin (3 * x) * cos (2 * y);
    }
  double levels[12];
  for (int k = 0; k < 12; k++)
    levels[k] = 0.25 * (k + 1) * (k + 1);
  double tc[RUNS], td[RUNS];
  for (int px = 400; px <= 800; px += 400) {
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, px, px);
  for (int r = 0; r < RUNS; r++) {
    double t0 = now_ms ();
    PlotContourSet *cs = plot_contour_compute (z, N, N, -2, 2, -2, 2, levels, 12);
    double t1 = now_ms ();
    plot_contour_set_free (cs);
    PlotFigure *fig = plot_figure_new (400, 400);
    PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
    PlotLineStyle st = plot_line_style (PLOT_ROLE_ACCENT1, 1);
    double t2 = now_ms ();
    plot_axes_add_contour (ax, z, N, N, -2, 2, -2, 2, levels, 12, &st, true);
    cairo_t *cr = cairo_create (s);
    plot_figure_render (fig, cr, px, px, px / 400.0);
    cairo_destroy (cr);
    cairo_surface_flush (s);
    double t3 = now_ms ();
    plot_figure_free (fig);
    tc[r] = t1 - t0;
    td[r] = t3 - t2;
  }
  qsort (tc, RUNS, sizeof *tc, cmp);
  qsort (td, RUNS, sizeof *td, cmp);
  printf ("contour 400x400, 12 levels: median %.2f ms (min %.2f)\n", tc[RUNS / 2], tc[0]);
  printf ("contour + labels + render %dx%d px: median %.2f ms (min %.2f)\n", px, px, td[RUNS / 2],
          td[0]);
  cairo_surface_destroy (s);
  }
  /* What a live lesson redraws when only its point moves: the contour item is built once, each
   * frame lays out (labels placed clear of the contour lines) and draws 10 levels with an arrow and
   * a text annotation, at 400x400 points. */
  {
    PlotFigure *fig = plot_figure_new (400, 400);
    PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
    PlotLineStyle st = plot_line_style (PLOT_ROLE_ACCENT1, 1);
    plot_axes_add_contour (ax, z, N, N, -2, 2, -2, 2, levels, 10, &st, true);
    PlotLineStyle as = plot_line_style (PLOT_ROLE_ACCENT2, 1.5);
    plot_axes_add_arrow (ax, 0.5, 0.3, 1.2, 1.1, &as, "∇L(w)");
    plot_axes_add_text (ax, 0.5, 0.3, "w = (0.5, 0.3)", PLOT_ANCHOR_AUTO, plot_paint_role (PLOT_ROLE_FOREGROUND), 0);
    cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 400);
    double tl[RUNS], tr[RUNS];
    for (int r = 0; r < RUNS; r++) {
      double t0 = now_ms ();
      plot_figure_layout (fig, 400, 400);
      double t1 = now_ms ();
      cairo_t *cr = cairo_create (s);
      plot_figure_render (fig, cr, 400, 400, 1);
      cairo_destroy (cr);
      cairo_surface_flush (s);
      double t2 = now_ms ();
      tl[r] = t1 - t0;
      tr[r] = t2 - t1;
    }
    qsort (tl, RUNS, sizeof *tl, cmp);
    qsort (tr, RUNS, sizeof *tr, cmp);
    printf ("layout only (10 levels, arrow and text labels) 400x400: median %.2f ms (min %.2f)\n",
            tl[RUNS / 2], tl[0]);
    printf ("plot_figure_render (layout + draw) 400x400 px: median %.2f ms (min %.2f)\n",
            tr[RUNS / 2], tr[0]);
    cairo_surface_destroy (s);
    plot_figure_free (fig);
  }
  free (z);
  return 0;
}
