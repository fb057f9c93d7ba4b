/* plot-samples DIR: writes a sample of every feature (the lecture's figures among them) as PNG,
 * and the first figure as SVG and PDF, for looking at. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static const char *dir = ".";

static void
save (PlotFigure *fig, const char *name)
{
  char path[4096], *err = NULL;
  snprintf (path, sizeof path, "%s/%s.png", dir, name);
  if (!plot_figure_write_png (fig, path, 200, &err)) {
    fprintf (stderr, "%s\n", err);
    free (err);
  }
}

/* Figure 3.1: contours of an anisotropic quadratic, gradient normal to the level set, tangent. */
static PlotFigure *
fig_grad_normal (PlotTheme theme)
{
  enum { N = 161 };
  static double z[N * N];
  double a = 1, b = 4;
  for (int j = 0; j < N; j++)
    for (int i = 0; i < N; i++) {
      double x = -2 + 4.0 * i / (N - 1), y = -2 + 4.0 * j / (N - 1);
      z[j * N + i] = 0.5 * (a * x * x + b * y * y);
    }
  PlotFigure *fig = plot_figure_new (4 * 72, 3.6 * 72);
  plot_figure_set_theme (fig, theme);
  PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
  plot_axes_set_equal_aspect (ax, true);
  plot_axes_set_title (ax, "Gradient is normal to level sets");
  plot_axes_set_xlabel (ax, "<i>w</i><sub>1</sub>");
  plot_axes_set_ylabel (ax, "<i>w</i><sub>2</sub>");
  double levels[] = {0.25, 0.5, 1, 2, 3, 4, 6};
  PlotLineStyle cs = plot_line_style (PLOT_ROLE_MUTED, 0.9);
  plot_axes_add_contour (ax, z, N, N, -2, 2, -2, 2, levels, 7, &cs, true);
  double px = 1.0, py = sqrt ((2 * 1.5 - a * px * px) / b); /* on the level L = 1.5 */
  double gx = a * px, gy = b * py, gn = hypot (gx, gy);
  double ux = gx / gn, uy = gy / gn;
  PlotLineStyle g = plot_line_style (PLOT_ROLE_ACCENT2, 1.6);
  plot_axes_add_arrow (ax, px, py, px + 0.8 * ux, py + 0.8 * uy, &g, "∇<i>L</i>(<i>w</i>)");
  PlotLineStyle t = plot_line_style (PLOT_ROLE_ACCENT1, 1.6);
  plot_axes_add_arrow (ax, px, py, px - 0.8 * uy, py + 0.8 * ux, &t, "tangent");
  PlotLineStyle m = plot_line_style (PLOT_ROLE_FOREGROUND, 0);
  m.marker = PLOT_MARKER_CIRCLE;
  m.marker_size_pt = 4.5;
  plot_axes_add_line (ax, &px, &py, 1, &m, NULL);
  return fig;
}

/* Figure 3.2: the unit circle of directions, gradient direction and steepest descent. */
static PlotFigure *
fig_unit_circle (void)
{
  PlotFigure *fig = plot_figure_new (3.6 * 72, 3.6 * 72);
  PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
  plot_axes_set_equal_aspect (ax, true);
  plot_axes_set_xlim (ax, -1.5, 1.5);
  plot_axes_set_ylim (ax, -1.5, 1.5);
  plot_axes_set_grid (ax, true);
  plot_axes_set_title (ax, "Steepest descent on the unit circle");
  double cx[201], cy[201];
  for (int k = 0; k <= 200; k++) {
    cx[k] = cos (2 * M_PI * k / 200);
    cy[k] = sin (2 * M_PI * k / 200);
  }
  PlotLineStyle c = plot_line_style (PLOT_ROLE_FOREGROUND, 1.2);
  plot_axes_add_line (ax, cx, cy, 201, &c, NULL);
  plot_axes_add_text (ax, -0.72, 0.72, "‖<i>d</i>‖ = 1", PLOT_ANCHOR_SE,
                      plot_paint_role (PLOT_ROLE_FOREGROUND), 0);
  double gx = 0.6, gy = 0.8;
  PlotLineStyle g = plot_line_style (PLOT_ROLE_ACCENT2, 1.6);
  plot_axes_add_arrow (ax, 0, 0, gx, gy, &g, "<i>g</i>/‖<i>g</i>‖");
  PlotLineStyle d = plot_line_style (PLOT_ROLE_ACCENT1, 1.6);
  plot_axes_add_arrow (ax, 0, 0, -gx, -gy, &d, "−<i>g</i>/‖<i>g</i>‖");
  PlotLineStyle m = plot_line_style (PLOT_ROLE_FOREGROUND, 0);
  m.marker = PLOT_MARKER_CIRCLE;
  m.marker_size_pt = 4;
  double mx = 0, my = 0;
  plot_axes_add_line (ax, &mx, &my, 1, &m, NULL);
  return fig;
}

static PlotFigure *
fig_gd_diagnostics (void)
{
  enum { T = 60 };
  double it[T], loss[T], gn[T];
  double w = 3, lr = 0.1;
  for (int k = 0; k < T; k++) {
    double g = 2 * (w - 1);
    it[k] = k;
    loss[k] = (w - 1) * (w - 1);
    gn[k] = fabs (g);
    w -= lr * g;
  }
  PlotFigure *fig = plot_figure_new (6 * 72, 2.8 * 72);
  plot_figure_set_title (fig, "Gradient descent on <i>L</i>(<i>w</i>) = (<i>w</i> − 1)²");
  PlotAxes *a1 = plot_figure_add_subplot (fig, 1, 2, 0);
  plot_axes_set_yscale (a1, PLOT_SCALE_LOG);
  plot_axes_set_xlabel (a1, "iteration");
  plot_axes_set_ylabel (a1, "loss");
  plot_axes_set_grid (a1, true);
  PlotLineStyle s1 = plot_line_style (PLOT_ROLE_ACCENT1, 1.5);
  s1.marker = PLOT_MARKER_CIRCLE;
  s1.marker_size_pt = 3;
  plot_axes_add_line (a1, it, loss, T, &s1, "<i>L</i>(<i>w</i><sub>t</sub>)");
  plot_axes_set_legend (a1, true);
  PlotAxes *a2 = plot_figure_add_subplot (fig, 1, 2, 1);
  plot_axes_set_yscale (a2, PLOT_SCALE_LOG);
  plot_axes_set_xlabel (a2, "iteration");
  plot_axes_set_ylabel (a2, "‖∇<i>L</i>(<i>w</i>)‖");
  plot_axes_set_grid (a2, true);
  PlotLineStyle s2 = plot_line_style (PLOT_ROLE_ACCENT2, 1.5);
  s2.dash[0] = 4;
  s2.dash[1] = 2;
  s2.n_dash = 2;
  plot_axes_add_line (a2, it, gn, T, &s2, "gradient norm");
  plot_axes_set_legend (a2, true);
  return fig;
}

static PlotFigure *
fig_filled_heat (void)
{
  enum { N = 120 };
  static double z[N * N];
  for (int j = 0; j < N; j++)
    for (int i = 0; i < N; i++) {
      double x = -2 + 4.0 * i / (N - 1), y = -1.5 + 3.0 * j / (N - 1);
      z[j * N + i] = (x * x - 1) * (x * x - 1) + 2 * y * y; /* two minima */
    }
  PlotFigure *fig = plot_figure_new (7 * 72, 3 * 72);
  PlotAxes *a1 = plot_figure_add_subplot (fig, 1, 2, 0);
  plot_axes_set_title (a1, "Filled contours (viridis)");
  double lv[] = {0, 0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 9, 12};
  plot_axes_add_contour_filled (a1, z, N, N, -2, 2, -1.5, 1.5, lv, 11, PLOT_CMAP_VIRIDIS);
  PlotLineStyle cs = plot_line_style (PLOT_ROLE_FOREGROUND, 0.6);
  plot_axes_add_contour (a1, z, N, N, -2, 2, -1.5, 1.5, lv + 1, 6, &cs, true);
  plot_axes_add_colorbar (a1, PLOT_CMAP_VIRIDIS, 0, 12, "<i>L</i>");
  PlotAxes *a2 = plot_figure_add_subplot (fig, 1, 2, 1);
  plot_axes_set_title (a2, "Heat map (diverging)");
  static double h[24 * 16];
  for (int j = 0; j < 16; j++)
    for (int i = 0; i < 24; i++)
      h[j * 24 + i] = sin (i / 4.0) * cos (j / 3.0);
  plot_axes_add_heatmap (a2, h, 24, 16, 0, 23, 0, 15, PLOT_CMAP_DIVERGING, -1, 1);
  plot_axes_add_colorbar (a2, PLOT_CMAP_DIVERGING, -1, 1, NULL);
  return fig;
}

static PlotFigure *
fig_layout_boxes (PlotTheme theme)
{
  PlotFigure *fig = plot_figure_new (5 * 72, 2 * 72);
  plot_figure_set_theme (fig, theme);
  PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
  plot_axes_set_frame (ax, false);
  plot_axes_set_xlim (ax, -0.2, 6.2);
  plot_axes_set_ylim (ax, -1.2, 1.2);
  plot_axes_set_title (ax, "Row-major storage of a 2×3 tensor, stride (3, 1)");
  for (int k = 0; k < 6; k++) {
    char t[32];
    snprintf (t, sizeof t, "<b>%d</b>\n<small>[%d,%d]</small>", k, k / 3, k % 3);
    PlotPaint fill = plot_paint_role (k % 3 == 0 ? PLOT_ROLE_ACCENT6 : PLOT_ROLE_PANEL);
    plot_axes_add_box (ax, k, -0.5, 1, 1, fill, plot_paint_role (PLOT_ROLE_FOREGROUND), 1, t, 0);
  }
  PlotLineStyle s = plot_line_style (PLOT_ROLE_ACCENT2, 1.2);
  plot_axes_add_arrow (ax, 0.5, 0.7, 3.5, 0.7, &s, "stride 3");
  plot_axes_add_text (ax, 0.5, -0.75, "offset 0", PLOT_ANCHOR_N, plot_paint_role (PLOT_ROLE_MUTED), 0);
  return fig;
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    dir = argv[1];
  PlotFigure *f = fig_grad_normal (PLOT_THEME_LIGHT);
  save (f, "grad_is_normal_to_level_sets");
  char path[4096], *err = NULL;
  snprintf (path, sizeof path, "%s/grad_is_normal_to_level_sets.svg", dir);
  if (!plot_figure_write_svg (f, path, &err))
    fprintf (stderr, "%s\n", err);
  snprintf (path, sizeof path, "%s/grad_is_normal_to_level_sets.pdf", dir);
  if (!plot_figure_write_pdf (f, path, &err))
    fprintf (stderr, "%s\n", err);
  plot_figure_free (f);
  f = fig_grad_normal (PLOT_THEME_DARK);
  save (f, "grad_is_normal_to_level_sets-dark");
  plot_figure_free (f);
  f = fig_unit_circle ();
  save (f, "steepest_descent_unit_circle");
  plot_figure_free (f);
  f = fig_gd_diagnostics ();
  save (f, "gd_torch_quadratic_diagnostics");
  plot_figure_free (f);
  f = fig_filled_heat ();
  save (f, "filled_and_heatmap");
  plot_figure_free (f);
  f = fig_layout_boxes (PLOT_THEME_LIGHT);
  save (f, "layout_boxes");
  plot_figure_free (f);
  f = fig_layout_boxes (PLOT_THEME_DARK);
  save (f, "layout_boxes-dark");
  plot_figure_free (f);
  return 0;
}
