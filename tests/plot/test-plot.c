/* test-plot.c: the plotting library, displayless. Expected values come from hand calculation and
 * geometry (circles, diagonals, known saddles), never from the code under test. */
#include "plot.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- ticks ---- */

static void
check_linear (double lo, double hi, int target, const double *expect, int n)
{
  PlotTicks t;
  g_assert_true (plot_ticks_compute (PLOT_SCALE_LINEAR, lo, hi, target, &t));
  g_assert_false (t.log_decades);
  if (t.n_major != n) {
    for (int i = 0; i < t.n_major; i++)
      g_printerr ("got %.17g\n", t.major[i]);
  }
  g_assert_cmpint (t.n_major, ==, n);
  for (int i = 0; i < n; i++)
    g_assert_cmpfloat (t.major[i], ==, expect[i]); /* exact: 0.6, not 0.6000000000000001 */
}

static void
test_ticks_linear (void)
{
  check_linear (0, 1, 5, (double[]) {0, 0.2, 0.4, 0.6, 0.8, 1.0}, 6);
  check_linear (1, 0, 5, (double[]) {0, 0.2, 0.4, 0.6, 0.8, 1.0}, 6); /* reversed range */
  /* 0 and 50 alone would leave a sixth of 0..60 unlabelled */
  check_linear (0, 60, 3, (double[]) {0, 20, 40, 60}, 4);
  /* 0..14 by 2 leaves the end unlabelled: 0..15 by 5 wins over it */
  check_linear (0, 15, 6, (double[]) {0, 5, 10, 15}, 4);
  /* a tie between steps 1 and 2 goes to the finer one */
  check_linear (-2, 2, 4, (double[]) {-2, -1, 0, 1, 2}, 5);
  check_linear (0.1, 0.35, 5, (double[]) {0.1, 0.15, 0.2, 0.25, 0.3, 0.35}, 6);
  check_linear (-1e-3, 1e-3, 5, (double[]) {-1e-3, -5e-4, 0, 5e-4, 1e-3}, 5);
  check_linear (1234, 5678, 5, (double[]) {2000, 3000, 4000, 5000}, 4);
  check_linear (-7.3, 2.1, 6, (double[]) {-6, -4, -2, 0, 2}, 5);
  check_linear (0.3, 0.7, 5, (double[]) {0.3, 0.4, 0.5, 0.6, 0.7}, 5);
  check_linear (1e6, 5e6, 5, (double[]) {1e6, 2e6, 3e6, 4e6, 5e6}, 5);
  /* minor ticks: 0..1 with step 0.2 is subdivided in 4 */
  PlotTicks t;
  g_assert_true (plot_ticks_compute (PLOT_SCALE_LINEAR, 0, 1, 5, &t));
  g_assert_cmpfloat (t.step, ==, 0.2);
  g_assert_cmpint (t.n_minor, ==, 15); /* 21 quarter-steps minus the 6 majors */
  g_assert_cmpfloat_with_epsilon (t.minor[0], 0.05, 1e-15);
  /* no -0 */
  g_assert_true (plot_ticks_compute (PLOT_SCALE_LINEAR, -1, 1, 3, &t));
  for (int i = 0; i < t.n_major; i++)
    if (t.major[i] == 0)
      g_assert_false (signbit (t.major[i]));
  /* bad ranges */
  g_assert_false (plot_ticks_compute (PLOT_SCALE_LINEAR, 1, 1, 5, &t));
  g_assert_false (plot_ticks_compute (PLOT_SCALE_LINEAR, NAN, 1, 5, &t));
  g_assert_false (plot_ticks_compute (PLOT_SCALE_LINEAR, 0, INFINITY, 5, &t));
  g_assert_false (plot_ticks_compute (PLOT_SCALE_LINEAR, 0, 1, 5, NULL));
}

static void
test_ticks_log (void)
{
  PlotTicks t;
  /* 12 decades, at most 6 labels: every second decade */
  g_assert_true (plot_ticks_compute (PLOT_SCALE_LOG, 1e-10, 10, 6, &t));
  g_assert_true (t.log_decades);
  double e1[] = {1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1};
  g_assert_cmpint (t.n_major, ==, 6);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat (t.major[i], ==, e1[i]);
  g_assert_cmpint (t.n_minor, ==, 6); /* the other decades 1e-9 ... 1e1 */
  g_assert_cmpfloat (t.minor[0], ==, 1e-9);
  g_assert_cmpfloat (t.minor[5], ==, 10);
  /* a few decades: every decade, minor ticks at 2..9 */
  g_assert_true (plot_ticks_compute (PLOT_SCALE_LOG, 1, 1000, 5, &t));
  double e2[] = {1, 10, 100, 1000};
  g_assert_cmpint (t.n_major, ==, 4);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (t.major[i], ==, e2[i]);
  g_assert_cmpint (t.n_minor, ==, 24);
  g_assert_cmpfloat (t.minor[0], ==, 2);
  g_assert_cmpfloat (t.minor[23], ==, 900);
  /* partial decades at the ends get their minor ticks too */
  g_assert_true (plot_ticks_compute (PLOT_SCALE_LOG, 0.05, 20, 5, &t));
  g_assert_cmpint (t.n_major, ==, 3); /* 0.1 1 10 */
  g_assert_cmpfloat (t.minor[0], ==, 0.05);
  g_assert_cmpfloat (t.minor[t.n_minor - 1], ==, 20);
  /* ten decades (1e-8 .. 10) on a short axis: every third decade gives three labels, which fit
   * where every fifth would give two (1e-5, 1) */
  for (int target = 2; target <= 3; target++) {
    g_assert_true (plot_ticks_compute (PLOT_SCALE_LOG, 3e-9, 10, target, &t));
    double e3[] = {1e-6, 1e-3, 1};
    g_assert_cmpint (t.n_major, ==, 3);
    for (int i = 0; i < 3; i++)
      g_assert_cmpfloat (t.major[i], ==, e3[i]);
  }
  /* less than two decades: linear ticks */
  g_assert_true (plot_ticks_compute (PLOT_SCALE_LOG, 0.5, 3, 5, &t));
  g_assert_false (t.log_decades);
  g_assert_cmpfloat (t.major[0], ==, 0.5);
  g_assert_false (plot_ticks_compute (PLOT_SCALE_LOG, 0, 10, 5, &t));
  g_assert_false (plot_ticks_compute (PLOT_SCALE_LOG, -1, 10, 5, &t));
}

static void
check_fmt (double v, double step, bool log, const char *expect)
{
  char buf[64];
  plot_format_tick (v, step, log, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, expect);
}

static void
test_ticks_format (void)
{
  check_fmt (0.1 + 0.2, 0.1, false, "0.3");
  check_fmt (0.15, 0.05, false, "0.15");
  check_fmt (-0.5, 0.5, false, "\u22120.5"); /* U+2212 MINUS SIGN */
  check_fmt (-2, 1, false, "\u22122");
  check_fmt (0, 0.1, false, "0");
  check_fmt (-0.0, 1, false, "0");
  check_fmt (-1e-17, 0.1, false, "0"); /* rounding residue of a zero tick */
  check_fmt (2500, 500, false, "2500");
  check_fmt (20, 20, false, "20");
  check_fmt (1.5e6, 5e5, false, "1.5×10⁶");
  check_fmt (1e6, 1e6, false, "10⁶");
  check_fmt (2e-5, 1e-5, false, "2×10⁻⁵");
  check_fmt (-3e-5, 1e-5, false, "\u22123×10⁻⁵");
  check_fmt (1e-3, 1, true, "10⁻³");
  check_fmt (1e-10, 2, true, "10⁻¹⁰");
  check_fmt (1, 1, true, "1");
  check_fmt (10, 1, true, "10");
  check_fmt (100, 1, true, "10²");
  char tiny[4];
  plot_format_tick (-123456.5, 0.5, false, tiny, sizeof tiny); /* truncates, never overflows */
  g_assert_cmpint (strlen (tiny), <, 4);
}

static void
test_nice_limits (void)
{
  double lo, hi;
  plot_nice_limits (0.13, 0.87, 5, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0);
  g_assert_cmpfloat (hi, ==, 1);
  plot_nice_limits (3, 3, 5, &lo, &hi); /* empty range: widened */
  g_assert_cmpfloat (lo, <, 3);
  g_assert_cmpfloat (hi, >, 3);
}

/* ---- contours ---- */

static double *
grid (int nx, int ny, double x0, double x1, double y0, double y1,
      double (*f) (double, double))
{
  double *z = g_new (double, (size_t) nx * ny);
  for (int j = 0; j < ny; j++)
    for (int i = 0; i < nx; i++)
      z[j * nx + i] = f (x0 + (x1 - x0) * i / (nx - 1), y0 + (y1 - y0) * j / (ny - 1));
  return z;
}

static double
f_bowl (double x, double y)
{
  return x * x + y * y;
}

static double
polygon_area (const double *p, int n)
{
  double a = 0;
  for (int k = 0; k < n; k++) {
    int m = (k + 1) % n;
    a += p[2 * k] * p[2 * m + 1] - p[2 * m] * p[2 * k + 1];
  }
  return fabs (a) / 2;
}

static void
test_contour_circle (void)
{
  int n = 201;
  double h = 4.0 / (n - 1);
  double *z = grid (n, n, -2, 2, -2, 2, f_bowl);
  double levels[] = {0.25, 1, 2.25};
  double radii[] = {0.5, 1, 1.5};
  PlotContourSet *cs = plot_contour_compute (z, n, n, -2, 2, -2, 2, levels, 3);
  g_assert_nonnull (cs);
  g_assert_cmpint (plot_contour_set_n_lines (cs), ==, 3); /* one closed loop per level */
  bool seen[3] = {false, false, false};
  for (int l = 0; l < 3; l++) {
    int np, lv;
    bool closed;
    const double *p = plot_contour_set_line (cs, l, &np, &lv, &closed);
    g_assert_nonnull (p);
    g_assert_true (closed);
    g_assert_cmpint (lv, >=, 0);
    g_assert_cmpint (lv, <, 3);
    g_assert_false (seen[lv]);
    seen[lv] = true;
    double r = radii[lv];
    g_assert_cmpint (np, >, 20);
    for (int k = 0; k < np; k++)
      g_assert_cmpfloat (fabs (hypot (p[2 * k], p[2 * k + 1]) - r), <, h);
    /* a full turn: the enclosed area is the disc's, to a small multiple of h */
    g_assert_cmpfloat (fabs (polygon_area (p, np) - M_PI * r * r), <, 2 * M_PI * r * h * 0.1);
  }
  plot_contour_set_free (cs);
  /* r = 2.1 leaves the square through its sides: four open arcs, one per corner */
  double l2 = 2.1 * 2.1;
  cs = plot_contour_compute (z, n, n, -2, 2, -2, 2, &l2, 1);
  g_assert_cmpint (plot_contour_set_n_lines (cs), ==, 4);
  for (int l = 0; l < 4; l++) {
    int np;
    bool closed;
    const double *p = plot_contour_set_line (cs, l, &np, NULL, &closed);
    g_assert_false (closed);
    /* both ends on the border */
    for (int e = 0; e < 2; e++) {
      int k = e ? np - 1 : 0;
      g_assert_cmpfloat (fabs (fmax (fabs (p[2 * k]), fabs (p[2 * k + 1])) - 2), <, 1e-12);
    }
  }
  plot_contour_set_free (cs);
  g_free (z);
}

static void
test_contour_diagonals (void)
{
  /* x² - y² on an integer grid centred on 0: the zero set is the two diagonals, through vertices */
  int n = 21;
  double *z = g_new (double, n * n);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      z[j * n + i] = (double) ((i - 10) * (i - 10) - (j - 10) * (j - 10));
  double level = 0;
  PlotContourSet *cs = plot_contour_compute (z, n, n, -10, 10, -10, 10, &level, 1);
  int nl = plot_contour_set_n_lines (cs);
  g_assert_cmpint (nl, ==, 2);
  double total = 0;
  int corners = 0;
  for (int l = 0; l < nl; l++) {
    int np;
    bool closed;
    const double *p = plot_contour_set_line (cs, l, &np, NULL, &closed);
    g_assert_false (closed);
    for (int k = 0; k < np; k++) {
      g_assert_cmpfloat (fabs (p[2 * k]), ==, fabs (p[2 * k + 1])); /* on a diagonal */
      if (k > 0)
        total += hypot (p[2 * k] - p[2 * k - 2], p[2 * k + 1] - p[2 * k - 1]);
    }
    for (int e = 0; e < 2; e++) {
      int k = e ? np - 1 : 0;
      if (fabs (p[2 * k]) == 10 && fabs (p[2 * k + 1]) == 10)
        corners++;
    }
  }
  g_assert_cmpint (corners, ==, 4);                           /* all four corners reached */
  g_assert_cmpfloat (fabs (total - 2 * 20 * sqrt (2)), <, 1e-9); /* both diagonals, once */
  plot_contour_set_free (cs);
  g_free (z);
}

static void
test_contour_saddle (void)
{
  /* one cell, corners (0,0)=1, (1,0)=0, (1,1)=1, (0,1)=0; the centre's average is 0.5 */
  double z[4] = {1, 0, 0, 1};
  double lv = 0.5; /* centre >= level: the high corners join, the low ones are cut off */
  PlotContourSet *cs = plot_contour_compute (z, 2, 2, 0, 1, 0, 1, &lv, 1);
  g_assert_cmpint (plot_contour_set_n_lines (cs), ==, 2);
  for (int l = 0; l < 2; l++) {
    int np;
    const double *p = plot_contour_set_line (cs, l, &np, NULL, NULL);
    g_assert_cmpint (np, ==, 2);
    /* each segment cuts off a low corner: (1,0) or (0,1) */
    double mx = (p[0] + p[2]) / 2, my = (p[1] + p[3]) / 2;
    g_assert_true ((mx > 0.5 && my < 0.5) || (mx < 0.5 && my > 0.5));
  }
  plot_contour_set_free (cs);
  lv = 0.6; /* centre below: the high corners (0,0) and (1,1) are cut off */
  cs = plot_contour_compute (z, 2, 2, 0, 1, 0, 1, &lv, 1);
  g_assert_cmpint (plot_contour_set_n_lines (cs), ==, 2);
  for (int l = 0; l < 2; l++) {
    int np;
    const double *p = plot_contour_set_line (cs, l, &np, NULL, NULL);
    g_assert_cmpint (np, ==, 2);
    double a[2] = {p[0], p[1]}, b[2] = {p[2], p[3]};
    bool low = (a[0] == 0 && fabs (a[1] - 0.4) < 1e-15) || (b[0] == 0 && fabs (b[1] - 0.4) < 1e-15);
    bool high = (a[0] == 1 && fabs (a[1] - 0.6) < 1e-15) || (b[0] == 1 && fabs (b[1] - 0.6) < 1e-15);
    g_assert_true (low || high);
  }
  plot_contour_set_free (cs);
}

static double
f_two_minima (double x, double y)
{
  return (x * x - 1) * (x * x - 1) + y * y; /* minima at (±1, 0), saddle at (0, 0) of height 1 */
}

static void
test_contour_two_minima (void)
{
  int nx = 81, ny = 61;
  double *z = grid (nx, ny, -2, 2, -1.5, 1.5, f_two_minima);
  double below = 0.5, above = 1.5;
  PlotContourSet *cs = plot_contour_compute (z, nx, ny, -2, 2, -1.5, 1.5, &below, 1);
  g_assert_cmpint (plot_contour_set_n_lines (cs), ==, 2);
  int sides = 0;
  for (int l = 0; l < 2; l++) {
    int np;
    bool closed;
    const double *p = plot_contour_set_line (cs, l, &np, NULL, &closed);
    g_assert_true (closed);
    double cx = 0;
    for (int k = 0; k < np; k++) {
      cx += p[2 * k];
      g_assert_cmpfloat (p[2 * k] * p[0], >, 0); /* one side of x = 0 only */
    }
    cx /= np;
    g_assert_cmpfloat (fabs (fabs (cx) - 1), <, 0.1);
    sides += cx > 0 ? 1 : 2;
  }
  g_assert_cmpint (sides, ==, 3); /* one loop around each minimum */
  plot_contour_set_free (cs);
  cs = plot_contour_compute (z, nx, ny, -2, 2, -1.5, 1.5, &above, 1);
  g_assert_cmpint (plot_contour_set_n_lines (cs), ==, 1);
  int np;
  bool closed;
  const double *p = plot_contour_set_line (cs, 0, &np, NULL, &closed);
  g_assert_true (closed);
  double xmin = INFINITY, xmax = -INFINITY;
  for (int k = 0; k < np; k++) {
    xmin = fmin (xmin, p[2 * k]);
    xmax = fmax (xmax, p[2 * k]);
  }
  g_assert_cmpfloat (xmin, <, -1); /* encloses both minima */
  g_assert_cmpfloat (xmax, >, 1);
  plot_contour_set_free (cs);
  g_free (z);
}

static void
test_contour_nan_and_args (void)
{
  int n = 41;
  double *z = grid (n, n, -2, 2, -2, 2, f_bowl);
  z[20 * n + 30] = NAN; /* (1, 0): on the unit circle's path */
  double lv = 1;
  PlotContourSet *cs = plot_contour_compute (z, n, n, -2, 2, -2, 2, &lv, 1);
  g_assert_cmpint (plot_contour_set_n_lines (cs), ==, 1);
  bool closed = true;
  plot_contour_set_line (cs, 0, NULL, NULL, &closed);
  g_assert_false (closed); /* the hole opens the loop */
  g_assert_null (plot_contour_set_line (cs, 1, NULL, NULL, NULL));
  g_assert_null (plot_contour_set_line (cs, -1, NULL, NULL, NULL));
  plot_contour_set_free (cs);
  g_assert_null (plot_contour_compute (NULL, n, n, 0, 1, 0, 1, &lv, 1));
  g_assert_null (plot_contour_compute (z, 1, n, 0, 1, 0, 1, &lv, 1));
  g_assert_null (plot_contour_compute (z, n, n, 0, 1, 0, 1, NULL, 1));
  double bad = NAN;
  g_assert_null (plot_contour_compute (z, n, n, 0, 1, 0, 1, &bad, 1));
  g_assert_cmpint (plot_contour_set_n_lines (NULL), ==, 0);
  plot_contour_set_free (NULL);
  double out[8];
  int k = plot_contour_auto_levels (0, 1, 5, out, 8);
  g_assert_cmpint (k, >=, 3);
  for (int i = 0; i < k; i++) {
    g_assert_cmpfloat (out[i], >, 0);
    g_assert_cmpfloat (out[i], <, 1);
  }
  g_free (z);
}

/* ---- label placement ---- */

static bool
seg_hits (const double *s, PlotBox b)
{
  /* sample the segment finely: independent of the library's clipping code */
  for (int k = 0; k <= 400; k++) {
    double t = k / 400.0, x = s[0] + (s[2] - s[0]) * t, y = s[1] + (s[3] - s[1]) * t;
    if (x > b.x && x < b.x + b.w && y > b.y && y < b.y + b.h)
      return true;
  }
  return false;
}

static PlotFigure *
crowded_figure (void)
{
  PlotFigure *fig = plot_figure_new (300, 240);
  PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
  int n = 121;
  double *z = grid (n, n, -2, 2, -2, 2, f_bowl);
  plot_axes_add_contour (ax, z, n, n, -2, 2, -2, 2, NULL, 12, NULL, true);
  g_free (z);
  /* a fan of labelled arrows from one point, and automatic texts right next to it */
  for (int k = 0; k < 6; k++) {
    double a = k * M_PI / 3 + 0.3;
    PlotLineStyle s = plot_line_style (PLOT_ROLE_ACCENT1 + k % 6, 1.5);
    char lab[32];
    g_snprintf (lab, sizeof lab, "∇<sub>%d</sub>L", k);
    plot_axes_add_arrow (ax, 0.3, 0.2, 0.3 + 0.8 * cos (a), 0.2 + 0.8 * sin (a), &s, lab);
  }
  for (int k = 0; k < 4; k++)
    plot_axes_add_text (ax, 0.3 + 0.1 * k, 0.2, "‖w‖²", PLOT_ANCHOR_AUTO,
                        plot_paint_role (PLOT_ROLE_FOREGROUND), 0);
  double mx[3] = {-1, -1.2, -0.8}, my[3] = {1, 1.1, 0.9};
  PlotLineStyle m = plot_line_style (PLOT_ROLE_ACCENT3, 0);
  m.marker = PLOT_MARKER_TRIANGLE;
  plot_axes_add_line (ax, mx, my, 3, &m, "iterates");
  plot_axes_add_text (ax, -1, 1, "<i>w</i><sub>0</sub>", PLOT_ANCHOR_AUTO,
                      plot_paint_role (PLOT_ROLE_FOREGROUND), 0);
  plot_axes_set_legend (ax, true);
  return fig;
}

static void
test_labels_disjoint (void)
{
  PlotFigure *fig = crowded_figure ();
  plot_figure_layout (fig, 300, 240);
  int n, ns;
  const PlotPlacedLabel *lab = plot_figure_get_labels (fig, &n);
  const double *segs = plot_figure_get_arrow_segments (fig, &ns);
  g_assert_cmpint (ns, ==, 6 * 4); /* shaft and three head edges per arrow */
  int texts = 0, contours = 0, legends = 0;
  for (int i = 0; i < n; i++) {
    texts += lab[i].kind == PLOT_LABEL_TEXT;
    contours += lab[i].kind == PLOT_LABEL_CONTOUR;
    legends += lab[i].kind == PLOT_LABEL_LEGEND;
    g_assert_false (lab[i].overlaps);
    g_assert_cmpfloat (lab[i].box.w, >, 0);
    g_assert_cmpfloat (lab[i].box.h, >, 0);
    for (int j = 0; j < i; j++) {
      PlotBox a = lab[i].box, b = lab[j].box;
      bool overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      if (overlap)
        g_printerr ("labels %d and %d overlap\n", i, j);
      g_assert_false (overlap);
    }
    for (int s = 0; s < ns; s++)
      g_assert_false (seg_hits (segs + 4 * s, lab[i].box));
  }
  g_assert_cmpint (texts, ==, 6 + 5);
  g_assert_cmpint (contours, >=, 4);
  g_assert_cmpint (legends, ==, 1);
  /* Layout is in points: rendering at 200 dpi places the same boxes. */
  PlotPlacedLabel *copy = g_memdup2 (lab, sizeof *lab * n);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300 * 200 / 72 + 1, 240 * 200 / 72 + 1);
  cairo_t *cr = cairo_create (s);
  plot_figure_render (fig, cr, 300 * 200.0 / 72, 240 * 200.0 / 72, 200.0 / 72);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  int n2;
  lab = plot_figure_get_labels (fig, &n2);
  g_assert_cmpint (n2, ==, n);
  for (int i = 0; i < n; i++) {
    g_assert_cmpfloat_with_epsilon (lab[i].box.x, copy[i].box.x, 1e-6);
    g_assert_cmpfloat_with_epsilon (lab[i].box.y, copy[i].box.y, 1e-6);
    g_assert_cmpfloat_with_epsilon (lab[i].box.w, copy[i].box.w, 1e-6);
  }
  g_free (copy);
  plot_figure_free (fig);
}

/* A dense set of lines with a gap: annotations and an arrow label next to them go where no line
 * passes (checked against the lines' own segments, mapped to points here), and the same figure
 * laid out twice places them identically. */
enum { DENSE_LINES = 40, DENSE_PTS = 200 };

static PlotFigure *
dense_lines_figure (void)
{
  PlotFigure *fig = plot_figure_new (360, 260);
  PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
  plot_axes_set_xlim (ax, 0, 10);
  plot_axes_set_ylim (ax, 0, 10);
  /* Wavy horizontal lines every 0.2 below y = 6.2 and above y = 8.6: free only in the band. */
  for (int l = 0; l < DENSE_LINES; l++) {
    double x[DENSE_PTS], y[DENSE_PTS];
    double base = l < 30 ? 0.2 * l : 8.6 + 0.2 * (l - 30);
    for (int k = 0; k < DENSE_PTS; k++) {
      x[k] = 10.0 * k / (DENSE_PTS - 1);
      y[k] = base + 0.05 * sin (3 * x[k] + l);
    }
    PlotLineStyle st = plot_line_style (PLOT_ROLE_ACCENT1 + l % 6, 0.8);
    plot_axes_add_line (ax, x, y, DENSE_PTS, &st, NULL);
  }
  /* Labels anchored inside the dense part, near the free band. */
  plot_axes_add_text (ax, 3, 5.9, "‖∇<i>L</i>(<i>w</i>)‖ = 1.25", PLOT_ANCHOR_AUTO,
                      plot_paint_role (PLOT_ROLE_FOREGROUND), 0);
  plot_axes_add_text (ax, 7, 8.9, "<i>w</i><sub>0</sub>", PLOT_ANCHOR_AUTO,
                      plot_paint_role (PLOT_ROLE_FOREGROUND), 0);
  PlotLineStyle as = plot_line_style (PLOT_ROLE_ACCENT2, 1.5);
  plot_axes_add_arrow (ax, 5, 5.5, 5.5, 6.6, &as, "−∇<i>L</i>");
  return fig;
}

static void
test_labels_avoid_lines (void)
{
  PlotFigure *fig = dense_lines_figure ();
  plot_figure_layout (fig, 360, 260);
  PlotAxes *ax = plot_figure_get_axes (fig, 0);
  int n;
  const PlotPlacedLabel *lab = plot_figure_get_labels (fig, &n);
  int texts = 0;
  for (int i = 0; i < n; i++) {
    if (lab[i].kind != PLOT_LABEL_TEXT)
      continue;
    texts++;
    g_assert_false (lab[i].overlaps);
    for (int l = 0; l < DENSE_LINES; l++) {
      double base = l < 30 ? 0.2 * l : 8.6 + 0.2 * (l - 30);
      for (int k = 0; k + 1 < DENSE_PTS; k++) {
        double xa = 10.0 * k / (DENSE_PTS - 1), xb = 10.0 * (k + 1) / (DENSE_PTS - 1);
        double s[4];
        g_assert_true (plot_axes_data_to_point (ax, xa, base + 0.05 * sin (3 * xa + l), &s[0], &s[1]));
        g_assert_true (plot_axes_data_to_point (ax, xb, base + 0.05 * sin (3 * xb + l), &s[2], &s[3]));
        if (seg_hits (s, lab[i].box))
          g_error ("label %d (%g %g %g %g) crosses line %d", i, lab[i].box.x, lab[i].box.y,
                   lab[i].box.w, lab[i].box.h, l);
      }
    }
  }
  g_assert_cmpint (texts, ==, 3);
  /* Deterministic: a second figure with the same content, laid out again, places the same boxes. */
  PlotPlacedLabel *copy = g_memdup2 (lab, sizeof *lab * n);
  PlotFigure *again = dense_lines_figure ();
  plot_figure_layout (again, 360, 260);
  plot_figure_layout (again, 360, 260);
  int n2;
  const PlotPlacedLabel *lab2 = plot_figure_get_labels (again, &n2);
  g_assert_cmpint (n2, ==, n);
  for (int i = 0; i < n; i++) {
    g_assert_cmpfloat (lab2[i].box.x, ==, copy[i].box.x);
    g_assert_cmpfloat (lab2[i].box.y, ==, copy[i].box.y);
  }
  g_free (copy);
  plot_figure_free (again);
  plot_figure_free (fig);
}

static void
test_legend_emptiest_corner (void)
{
  /* a line hugging the top edge: the legend must go to a lower corner */
  PlotFigure *fig = plot_figure_new (300, 200);
  PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
  double x[50], y[50];
  for (int i = 0; i < 50; i++) {
    x[i] = i / 49.0;
    y[i] = 0.95 - 0.1 * (i % 2);
  }
  plot_axes_set_xlim (ax, 0, 1);
  plot_axes_set_ylim (ax, 0, 1);
  PlotLineStyle s = plot_line_style (PLOT_ROLE_ACCENT1, 1);
  plot_axes_add_line (ax, x, y, 50, &s, "zigzag");
  plot_axes_set_legend (ax, true);
  plot_figure_layout (fig, 300, 200);
  int n;
  const PlotPlacedLabel *lab = plot_figure_get_labels (fig, &n);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpint (lab[0].kind, ==, PLOT_LABEL_LEGEND);
  g_assert_cmpfloat (lab[0].box.y, >, 100); /* lower half */
  plot_figure_free (fig);
}

/* ---- rendering ---- */

static guint32
pixel (cairo_surface_t *s, int x, int y)
{
  guint32 p;
  memcpy (&p, cairo_image_surface_get_data (s) + (size_t) y * cairo_image_surface_get_stride (s) + 4 * x, 4);
  return p & 0xffffff;
}

static guint32
rgb24 (PlotColor c)
{
  return (guint32) lround (c.r * 255) << 16 | (guint32) lround (c.g * 255) << 8 |
         (guint32) lround (c.b * 255);
}

static void
test_render_arrow (void)
{
  /* A thick horizontal arrow in a frameless axes covering the whole figure. */
  PlotFigure *fig = plot_figure_new (100, 50);
  PlotAxes *ax = plot_figure_add_axes (fig, 0, 0, 1, 1);
  plot_axes_set_frame (ax, false);
  plot_axes_set_xlim (ax, 0, 100);
  plot_axes_set_ylim (ax, 0, 50);
  PlotLineStyle s = plot_line_style (PLOT_ROLE_CUSTOM, 3);
  s.color = plot_paint_rgba (1, 0, 0, 1);
  plot_axes_add_arrow (ax, 20, 25, 80, 25, &s, NULL);
  plot_figure_layout (fig, 100, 50);
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 200);
  cairo_t *cr = cairo_create (img);
  plot_figure_render (fig, cr, 400, 200, 4);
  cairo_destroy (cr);
  cairo_surface_flush (img);
  /* Work out where the axes put the data: tip and tail x in pixels, from the segments. */
  int ns;
  const double *seg = plot_figure_get_arrow_segments (fig, &ns);
  g_assert_cmpint (ns, ==, 4);
  double tail = seg[0] * 4, tip = seg[2] * 4, yc = seg[1] * 4;
  guint32 red = 0xff0000, white = 0xffffff;
  g_assert_cmpuint (pixel (img, (int) (tail + 8), (int) yc), ==, red);  /* shaft */
  g_assert_cmpuint (pixel (img, (int) (tip - 8), (int) yc), ==, red);   /* head, near the tip */
  g_assert_cmpuint (pixel (img, (int) (tip + 4), (int) yc), ==, white); /* nothing past the tip */
  /* the head is wider than the shaft (3 pt = 12 px): filled 9 px above the axis near its base */
  double hl = 3.2 * 3 + 4.5; /* head length in points for a 3 pt line */
  g_assert_cmpuint (pixel (img, (int) (tip - hl * 4 * 0.8), (int) (yc - 9)), ==, red);
  g_assert_cmpuint (pixel (img, (int) (tail + 8), (int) (yc - 9)), ==, white); /* shaft is thinner */
  cairo_surface_destroy (img);
  plot_figure_free (fig);
}

static double
rel_lum (PlotColor c)
{
  double v[3] = {c.r, c.g, c.b};
  for (int i = 0; i < 3; i++)
    v[i] = v[i] <= 0.03928 ? v[i] / 12.92 : pow ((v[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

static double
contrast (PlotColor a, PlotColor b)
{
  double la = rel_lum (a), lb = rel_lum (b);
  return (fmax (la, lb) + 0.05) / (fmin (la, lb) + 0.05);
}

static void
test_themes (void)
{
  for (int t = 0; t < 2; t++) {
    PlotTheme th = t ? PLOT_THEME_DARK : PLOT_THEME_LIGHT;
    PlotColor bg = plot_theme_color (th, PLOT_ROLE_BACKGROUND);
    g_assert_cmpfloat (contrast (plot_theme_color (th, PLOT_ROLE_FOREGROUND), bg), >=, 7);
    g_assert_cmpfloat (contrast (plot_theme_color (th, PLOT_ROLE_MUTED), bg), >=, 4.5);
    for (int r = PLOT_ROLE_ACCENT1; r <= PLOT_ROLE_ACCENT6; r++)
      g_assert_cmpfloat (contrast (plot_theme_color (th, r), bg), >=, 2.5);
    /* the background is painted */
    PlotFigure *fig = plot_figure_new (40, 30);
    plot_figure_set_theme (fig, th);
    g_assert_cmpint (plot_figure_get_theme (fig), ==, th);
    cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 40, 30);
    cairo_t *cr = cairo_create (img);
    plot_figure_render (fig, cr, 40, 30, 1);
    cairo_destroy (cr);
    cairo_surface_flush (img);
    guint32 got = pixel (img, 20, 15), want = rgb24 (bg);
    for (int sh = 0; sh < 24; sh += 8) /* cairo truncates to 8 bits: allow 1 */
      g_assert_cmpint (abs ((int) ((got >> sh) & 255) - (int) ((want >> sh) & 255)), <=, 1);
    cairo_surface_destroy (img);
    plot_figure_free (fig);
  }
  g_assert_true (contrast (plot_theme_color (PLOT_THEME_LIGHT, PLOT_ROLE_BACKGROUND),
                           plot_theme_color (PLOT_THEME_DARK, PLOT_ROLE_BACKGROUND)) > 7);
  PlotPaint p = plot_paint_rgba (0.1, 0.2, 0.3, 0.4);
  PlotColor c = plot_paint_resolve (p, PLOT_THEME_DARK);
  g_assert_cmpfloat (c.g, ==, 0.2);
}

static void
test_colormaps (void)
{
  PlotColor c0 = plot_colormap_eval (PLOT_CMAP_VIRIDIS, 0), c1 = plot_colormap_eval (PLOT_CMAP_VIRIDIS, 1);
  /* viridis' published end points */
  g_assert_cmpfloat_with_epsilon (c0.r, 0.267004, 1e-6);
  g_assert_cmpfloat_with_epsilon (c0.g, 0.004874, 1e-6);
  g_assert_cmpfloat_with_epsilon (c0.b, 0.329415, 1e-6);
  g_assert_cmpfloat_with_epsilon (c1.r, 0.993248, 1e-6);
  g_assert_cmpfloat_with_epsilon (c1.g, 0.906157, 1e-6);
  g_assert_cmpfloat_with_epsilon (c1.b, 0.143936, 1e-6);
  /* perceptually ordered: lightness rises monotonically */
  double prev = -1;
  for (int i = 0; i <= 100; i++) {
    double l = rel_lum (plot_colormap_eval (PLOT_CMAP_VIRIDIS, i / 100.0));
    g_assert_cmpfloat (l, >, prev);
    prev = l;
  }
  /* diverging: blue to grey to red, the two halves equally light at equal distances */
  PlotColor lo = plot_colormap_eval (PLOT_CMAP_DIVERGING, 0), mid = plot_colormap_eval (PLOT_CMAP_DIVERGING, 0.5),
            hi = plot_colormap_eval (PLOT_CMAP_DIVERGING, 1);
  g_assert_cmpfloat (lo.b, >, lo.r);
  g_assert_cmpfloat (hi.r, >, hi.b);
  g_assert_cmpfloat_with_epsilon (mid.r, mid.g, 1e-6);
  g_assert_cmpfloat_with_epsilon (mid.g, mid.b, 1e-6);
  for (int i = 0; i <= 10; i++) {
    double a = rel_lum (plot_colormap_eval (PLOT_CMAP_DIVERGING, 0.5 - i / 20.0));
    double b = rel_lum (plot_colormap_eval (PLOT_CMAP_DIVERGING, 0.5 + i / 20.0));
    g_assert_cmpfloat (fabs (a - b), <, 0.08);
  }
  g_assert_cmpfloat (plot_colormap_eval (PLOT_CMAP_VIRIDIS, NAN).a, ==, 0);
  g_assert_cmpfloat (plot_colormap_eval (PLOT_CMAP_VIRIDIS, -5).r, ==, c0.r); /* clamped */
}

/* ---- export ---- */

static char *tmpdir;

static PlotFigure *
sample_figure (double w_in, double h_in)
{
  PlotFigure *fig = plot_figure_new (w_in * 72, h_in * 72);
  plot_figure_set_title (fig, "∇<i>L</i>(<i>w</i>) and ‖<i>w</i>‖²");
  PlotAxes *ax = plot_figure_add_subplot (fig, 1, 2, 0);
  double x[30], y[30];
  for (int i = 0; i < 30; i++) {
    x[i] = i;
    y[i] = exp (-0.3 * i);
  }
  plot_axes_set_yscale (ax, PLOT_SCALE_LOG);
  plot_axes_set_xlabel (ax, "iteration <i>t</i>");
  plot_axes_set_ylabel (ax, "<i>L</i>(<i>w</i><sub>t</sub>)");
  plot_axes_add_line (ax, x, y, 30, NULL, "loss");
  plot_axes_set_legend (ax, true);
  PlotAxes *ax2 = plot_figure_add_subplot (fig, 1, 2, 1);
  int n = 40;
  double *z = grid (n, n, -1, 1, -1, 1, f_bowl);
  double lv[] = {0, 0.25, 0.5, 1, 2};
  plot_axes_add_contour_filled (ax2, z, n, n, -1, 1, -1, 1, lv, 5, PLOT_CMAP_VIRIDIS);
  plot_axes_add_heatmap (ax2, z, 4, 4, -1, -0.5, -1, -0.5, PLOT_CMAP_DIVERGING, 0, 2);
  plot_axes_add_colorbar (ax2, PLOT_CMAP_VIRIDIS, 0, 2, "<i>L</i>");
  plot_axes_add_box (ax2, 0, 0, 0.5, 0.5, plot_paint_role (PLOT_ROLE_PANEL),
                     plot_paint_role (PLOT_ROLE_FOREGROUND), 1, "a &amp; b", 0);
  plot_axes_add_text (ax2, 0, 0, "<b>unclosed markup", PLOT_ANCHOR_SW,
                      plot_paint_role (PLOT_ROLE_FOREGROUND), 0);
  g_free (z);
  return fig;
}

static gchar *
read_file (const char *path, gsize *len)
{
  gchar *data = NULL;
  g_assert_true (g_file_get_contents (path, &data, len, NULL));
  return data;
}

static void
assert_only (const char *name)
{
  /* the directory holds exactly the expected file: no temporary left behind */
  GDir *d = g_dir_open (tmpdir, 0, NULL);
  const char *e;
  int count = 0;
  while ((e = g_dir_read_name (d))) {
    if (name)
      g_assert_cmpstr (e, ==, name);
    count++;
  }
  g_dir_close (d);
  g_assert_cmpint (count, ==, name ? 1 : 0);
}

static void
clear_dir (void)
{
  GDir *d = g_dir_open (tmpdir, 0, NULL);
  const char *e;
  while ((e = g_dir_read_name (d))) {
    char *p = g_build_filename (tmpdir, e, NULL);
    g_unlink (p);
    g_free (p);
  }
  g_dir_close (d);
}

static void
test_export_png (void)
{
  clear_dir ();
  PlotFigure *fig = sample_figure (4, 3);
  char *path = g_build_filename (tmpdir, "fig.png", NULL);
  char *err = NULL;
  g_assert_true (plot_figure_write_png (fig, path, 200, &err));
  g_assert_null (err);
  assert_only ("fig.png");
  cairo_surface_t *s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 800); /* 4 in x 200 dpi */
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 600);
  cairo_surface_destroy (s);
  gsize l1, l2;
  gchar *a = read_file (path, &l1);
  g_assert_true (plot_figure_write_png (fig, path, 200, NULL)); /* same input, same bytes */
  gchar *b = read_file (path, &l2);
  g_assert_cmpmem (a, l1, b, l2);
  g_free (a);
  g_free (b);
  g_assert_true (plot_figure_write_png (fig, path, 72, NULL));
  s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 288);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 216);
  cairo_surface_destroy (s);
  g_assert_true (plot_figure_write_png (fig, path, 96, NULL));
  s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 384);
  cairo_surface_destroy (s);
  g_free (path);
  plot_figure_free (fig);
}

static int svg_elements;
static bool svg_root_ok;

static void
svg_start (GMarkupParseContext *ctx, const gchar *name, const gchar **an, const gchar **av,
           gpointer data, GError **error)
{
  (void) ctx, (void) an, (void) av, (void) data, (void) error;
  if (svg_elements++ == 0)
    svg_root_ok = strcmp (name, "svg") == 0;
}

static void
test_export_svg (void)
{
  clear_dir ();
  PlotFigure *fig = sample_figure (4, 3);
  char *path = g_build_filename (tmpdir, "fig.svg", NULL);
  g_assert_true (plot_figure_write_svg (fig, path, NULL));
  assert_only ("fig.svg");
  gsize len, len2;
  gchar *data = read_file (path, &len);
  GMarkupParser parser = {.start_element = svg_start};
  GMarkupParseContext *ctx = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  GError *error = NULL;
  svg_elements = 0;
  /* skip the XML declaration, which GMarkup does not take */
  gssize off = 0;
  while (off + 4 < (gssize) len && memcmp (data + off, "<svg", 4) != 0)
    off++;
  g_assert_cmpint (off + 4, <, (gssize) len);
  g_assert_true (g_markup_parse_context_parse (ctx, data + off, (gssize) len - off, &error));
  g_assert_true (g_markup_parse_context_end_parse (ctx, &error));
  g_assert_no_error (error);
  g_markup_parse_context_free (ctx);
  g_assert_true (svg_root_ok);
  g_assert_cmpint (svg_elements, >, 50);
  g_assert_nonnull (strstr (data, "width=\"288pt\"")); /* 4 in, in points */
  g_assert_true (plot_figure_write_svg (fig, path, NULL));
  gchar *again = read_file (path, &len2);
  g_assert_cmpmem (data, len, again, len2);
  g_free (again);
  g_free (data);
  g_free (path);
  plot_figure_free (fig);
}

static bool
contains (const char *data, gsize len, const char *needle)
{
  gsize n = strlen (needle);
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return true;
  return false;
}

static void
test_export_pdf (void)
{
  clear_dir ();
  PlotFigure *fig = sample_figure (4, 3);
  char *path = g_build_filename (tmpdir, "fig.pdf", NULL);
  g_assert_true (plot_figure_write_pdf (fig, path, NULL));
  assert_only ("fig.pdf");
  gsize len, len2;
  gchar *data = read_file (path, &len);
  g_assert_cmpint (len, >, 100);
  g_assert_true (memcmp (data, "%PDF-", 5) == 0);
  gsize end = len;
  while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r'))
    end--;
  g_assert_true (end >= 5 && memcmp (data + end - 5, "%%EOF", 5) == 0);
  g_assert_true (contains (data, len, "/MediaBox [ 0 0 288 216 ]"));
  g_usleep (1100 * 1000); /* a timestamp would now differ */
  g_assert_true (plot_figure_write_pdf (fig, path, NULL));
  gchar *again = read_file (path, &len2);
  g_assert_cmpmem (data, len, again, len2);
  g_free (again);
  g_free (data);
  g_free (path);
  plot_figure_free (fig);
}

static void
test_export_errors (void)
{
  clear_dir ();
  PlotFigure *fig = sample_figure (2, 2);
  char *err = NULL;
  char *missing = g_build_filename (tmpdir, "no-such-dir", "fig.png", NULL);
  g_assert_false (plot_figure_write_png (fig, missing, 100, &err));
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, missing));
  g_assert_nonnull (strstr (err, "No such file or directory"));
  free (err);
  err = NULL;
  g_assert_false (plot_figure_write_svg (fig, missing, &err));
  free (err);
  g_assert_false (plot_figure_write_pdf (fig, missing, NULL));
  assert_only (NULL);
  /* bad dpi: an error, and no file */
  char *path = g_build_filename (tmpdir, "fig.png", NULL);
  g_assert_false (plot_figure_write_png (fig, path, 0, &err));
  g_assert_nonnull (strstr (err, "dpi"));
  free (err);
  g_assert_false (plot_figure_write_png (fig, path, NAN, NULL));
  g_assert_false (plot_figure_write_png (fig, path, 1e6, NULL));
  assert_only (NULL);
  /* a read-only directory (root writes anyway, so only checked for other users) */
  if (geteuid () != 0) {
    char *ro = g_build_filename (tmpdir, "ro", NULL);
    g_mkdir (ro, 0555);
    char *p = g_build_filename (ro, "fig.pdf", NULL);
    g_assert_false (plot_figure_write_pdf (fig, p, &err));
    g_assert_nonnull (strstr (err, "Permission denied"));
    free (err);
    GDir *d = g_dir_open (ro, 0, NULL);
    g_assert_null (g_dir_read_name (d));
    g_dir_close (d);
    g_rmdir (ro);
    g_free (p);
    g_free (ro);
  }
  /* a failing export leaves an existing file untouched */
  g_assert_true (plot_figure_write_png (fig, path, 50, NULL));
  gsize l1, l2;
  gchar *before = read_file (path, &l1);
  g_assert_false (plot_figure_write_png (fig, path, -1, NULL));
  gchar *after = read_file (path, &l2);
  g_assert_cmpmem (before, l1, after, l2);
  g_free (before);
  g_free (after);
  g_assert_false (plot_figure_write_png (NULL, path, 100, &err));
  free (err);
  g_assert_false (plot_figure_write_png (fig, NULL, 100, NULL));
  g_free (path);
  g_free (missing);
  plot_figure_free (fig);
}

static void
test_bad_arguments (void)
{
  g_assert_null (plot_figure_new (0, 10));
  g_assert_null (plot_figure_new (10, NAN));
  g_assert_null (plot_figure_new (-1, 10));
  PlotFigure *fig = plot_figure_new (100, 100);
  g_assert_null (plot_figure_add_subplot (fig, 0, 1, 0));
  g_assert_null (plot_figure_add_subplot (fig, 1, 1, 1));
  g_assert_null (plot_figure_add_subplot (NULL, 1, 1, 0));
  g_assert_null (plot_figure_add_axes (fig, 0, 0, 0, 1));
  PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
  double x[2] = {0, 1}, y[2] = {NAN, 1};
  plot_axes_add_line (NULL, x, y, 2, NULL, NULL);
  plot_axes_add_line (ax, NULL, y, 2, NULL, NULL);
  plot_axes_add_line (ax, x, y, 0, NULL, NULL);
  plot_axes_add_line (ax, x, y, 2, NULL, "<i>unterminated"); /* shown literally */
  plot_axes_add_arrow (ax, 0, 0, 0, 0, NULL, "zero length");
  plot_axes_add_arrow (ax, NAN, 0, 1, 1, NULL, NULL);
  plot_axes_set_xlim (ax, 1, 1); /* ignored */
  plot_axes_set_yscale (ax, PLOT_SCALE_LOG); /* with y <= 0 data: the axis still draws */
  g_assert_false (plot_axes_add_contour (ax, NULL, 2, 2, 0, 1, 0, 1, NULL, 3, NULL, true));
  double z[4] = {1, 1, 1, 1};
  g_assert_false (plot_axes_add_contour (ax, z, 2, 2, 0, 1, 0, 1, NULL, 3, NULL, true)); /* flat */
  double lv[2] = {1, 0};
  g_assert_false (plot_axes_add_contour_filled (ax, z, 2, 2, 0, 1, 0, 1, lv, 2, PLOT_CMAP_VIRIDIS));
  g_assert_false (plot_axes_add_heatmap (ax, z, 2, 2, 0, 1, 0, 1, PLOT_CMAP_VIRIDIS, 1, 1));
  plot_axes_set_legend (ax, true);
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 100, 100);
  cairo_t *cr = cairo_create (img);
  plot_figure_render (fig, cr, 100, 100, 1);
  plot_figure_render (fig, cr, 100, 100, 0);  /* ignored */
  plot_figure_render (fig, cr, NAN, 100, 1);  /* ignored */
  plot_figure_render (NULL, cr, 100, 100, 1); /* ignored */
  plot_figure_render (fig, cr, 5, 5, 1);      /* tiny: still no crash */
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (img);
  int n;
  g_assert_null (plot_figure_get_labels (NULL, &n));
  g_assert_cmpint (n, ==, 0);
  plot_figure_free (fig);
  plot_figure_free (NULL);
}

/* Layers: a figure with a contour plot (labelled levels) as the base and a moving point with a
 * labelled arrow as the overlay. */
static PlotFigure *
layered_figure (double px, double py, bool overlay)
{
  enum { N = 60 };
  static double z[N * N];
  for (int j = 0; j < N; j++)
    for (int i = 0; i < N; i++) {
      double x = -2 + 4.0 * i / (N - 1), y = -2 + 4.0 * j / (N - 1);
      z[j * N + i] = x * x + 3 * y * y;
    }
  PlotFigure *fig = plot_figure_new (320, 240);
  PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
  plot_axes_set_xlim (ax, -2, 2);
  plot_axes_set_ylim (ax, -2, 2);
  double levels[] = {1, 2, 4, 8};
  PlotLineStyle cs = plot_line_style (PLOT_ROLE_MUTED, 1);
  g_assert_true (plot_axes_add_contour (ax, z, N, N, -2, 2, -2, 2, levels, 4, &cs, true));
  if (overlay)
    plot_axes_begin_overlay (ax);
  PlotLineStyle as = plot_line_style (PLOT_ROLE_ACCENT1, 2);
  plot_axes_add_arrow (ax, px, py, px + 0.6, py + 0.3, &as, "∇<i>L</i>");
  PlotLineStyle ms = plot_line_style (PLOT_ROLE_ACCENT2, 0);
  ms.marker = PLOT_MARKER_CIRCLE;
  ms.marker_size_pt = 8;
  ms.marker_filled = true;
  plot_axes_add_line (ax, &px, &py, 1, &ms, NULL);
  return fig;
}

static cairo_surface_t *
draw_layers (PlotFigure *fig, PlotLayer first, PlotLayer second)
{
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 320, 240);
  cairo_t *cr = cairo_create (img);
  plot_figure_draw_layer (fig, cr, 1, first);
  if (second != first)
    plot_figure_draw_layer (fig, cr, 1, second);
  cairo_destroy (cr);
  cairo_surface_flush (img);
  return img;
}

static long
count_differing_pixels (cairo_surface_t *a, cairo_surface_t *b)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  int sa = cairo_image_surface_get_stride (a), sb = cairo_image_surface_get_stride (b);
  const unsigned char *da = cairo_image_surface_get_data (a), *db = cairo_image_surface_get_data (b);
  long n = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      n += memcmp (da + (size_t) y * sa + 4 * (size_t) x, db + (size_t) y * sb + 4 * (size_t) x, 4) != 0;
  return n;
}

static void
test_layers (void)
{
  PlotFigure *a = layered_figure (0.5, 0.5, true), *b = layered_figure (-1, 1, true);
  PlotFigure *plain = layered_figure (0.5, 0.5, false);
  g_assert_true (plot_figure_has_overlay (a));
  g_assert_false (plot_figure_has_overlay (plain));
  /* Moving the overlay leaves the base's key alone; the size, the theme and a base item change it. */
  uint64_t ka = plot_figure_layout_layers (a, 320, 240), kb = plot_figure_layout_layers (b, 320, 240);
  g_assert_cmpuint (ka, ==, kb);
  g_assert_cmpuint (plot_figure_layout_layers (b, 321, 240), !=, ka);
  plot_figure_set_theme (b, PLOT_THEME_DARK);
  g_assert_cmpuint (plot_figure_layout_layers (b, 320, 240), !=, ka);
  plot_figure_set_theme (b, PLOT_THEME_LIGHT);
  g_assert_cmpuint (plot_figure_layout_layers (b, 320, 240), ==, ka);
  PlotFigure *c = layered_figure (0.5, 0.5, true);
  PlotLineStyle ls = plot_line_style (PLOT_ROLE_ACCENT3, 1);
  double x[2] = {-1, 1}, y[2] = {-1, -1};
  plot_axes_add_line (plot_figure_get_axes (c, 0), x, y, 2, &ls, NULL); /* in the overlay */
  g_assert_cmpuint (plot_figure_layout_layers (c, 320, 240), ==, ka);
  plot_figure_free (c);
  c = layered_figure (0.5, 0.5, true);
  plot_axes_set_title (plot_figure_get_axes (c, 0), "a title");
  g_assert_cmpuint (plot_figure_layout_layers (c, 320, 240), !=, ka);
  plot_figure_free (c);
  /* A legend with a row for an overlay item is the overlay's: its rows may change freely. */
  uint64_t kl[2];
  for (int k = 0; k < 2; k++) {
    c = layered_figure (0.5, 0.5, true);
    plot_axes_set_legend (plot_figure_get_axes (c, 0), true);
    plot_axes_add_line (plot_figure_get_axes (c, 0), x, y, 2, &ls, k ? "r = 2.5" : "r = 1");
    kl[k] = plot_figure_layout_layers (c, 320, 240);
    plot_figure_free (c);
  }
  g_assert_cmpuint (kl[0], ==, kl[1]);

  /* The base of one figure with the overlay of another is that other figure drawn in layers. */
  cairo_surface_t *base_a = draw_layers (a, PLOT_LAYER_BASE, PLOT_LAYER_BASE);
  cairo_surface_t *base_b = draw_layers (b, PLOT_LAYER_BASE, PLOT_LAYER_BASE);
  g_assert_cmpint (count_differing_pixels (base_a, base_b), ==, 0);
  cairo_surface_t *both_b = draw_layers (b, PLOT_LAYER_BASE, PLOT_LAYER_OVERLAY);
  cairo_t *cr = cairo_create (base_a);
  plot_figure_draw_layer (b, cr, 1, PLOT_LAYER_OVERLAY);
  cairo_destroy (cr);
  cairo_surface_flush (base_a);
  g_assert_cmpint (count_differing_pixels (base_a, both_b), ==, 0);
  /* The overlay draws something (the arrow and the point), and only over the base. */
  g_assert_cmpint (count_differing_pixels (base_b, both_b), >, 50);
  /* Laid out as a whole (exports), the labels of the base keep clear of the arrow and its label. */
  cairo_surface_t *all = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 320, 240);
  cairo_t *cr2 = cairo_create (all);
  plot_figure_render (plain, cr2, 320, 240, 1);
  cairo_destroy (cr2);
  int nl;
  const PlotPlacedLabel *pl = plot_figure_get_labels (plain, &nl);
  g_assert_cmpint (nl, >=, 5); /* at least one per level, and the arrow's */
  for (int i = 0; i < nl; i++)
    g_assert_false (pl[i].overlaps);
  /* Drawing a figure not laid out does nothing (and does not crash). */
  PlotFigure *fresh = layered_figure (0, 0, true);
  cairo_surface_t *blank = draw_layers (fresh, PLOT_LAYER_BASE, PLOT_LAYER_OVERLAY);
  const unsigned char *d = cairo_image_surface_get_data (blank);
  for (int i = 0; i < 320 * 4; i++)
    g_assert_cmpint (d[i], ==, 0);
  cairo_surface_destroy (blank);
  plot_figure_free (fresh);
  cairo_surface_destroy (all);
  cairo_surface_destroy (both_b);
  cairo_surface_destroy (base_a);
  cairo_surface_destroy (base_b);
  plot_figure_free (a);
  plot_figure_free (b);
  plot_figure_free (plain);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("test-plot-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  g_test_add_func ("/plot/ticks/linear", test_ticks_linear);
  g_test_add_func ("/plot/ticks/log", test_ticks_log);
  g_test_add_func ("/plot/ticks/format", test_ticks_format);
  g_test_add_func ("/plot/ticks/nice-limits", test_nice_limits);
  g_test_add_func ("/plot/contour/circle", test_contour_circle);
  g_test_add_func ("/plot/contour/diagonals", test_contour_diagonals);
  g_test_add_func ("/plot/contour/saddle", test_contour_saddle);
  g_test_add_func ("/plot/contour/two-minima", test_contour_two_minima);
  g_test_add_func ("/plot/contour/nan-and-arguments", test_contour_nan_and_args);
  g_test_add_func ("/plot/labels/disjoint", test_labels_disjoint);
  g_test_add_func ("/plot/labels/avoid-lines", test_labels_avoid_lines);
  g_test_add_func ("/plot/labels/legend-corner", test_legend_emptiest_corner);
  g_test_add_func ("/plot/render/arrow", test_render_arrow);
  g_test_add_func ("/plot/render/themes", test_themes);
  g_test_add_func ("/plot/render/colormaps", test_colormaps);
  g_test_add_func ("/plot/render/layers", test_layers);
  g_test_add_func ("/plot/render/bad-arguments", test_bad_arguments);
  g_test_add_func ("/plot/export/png", test_export_png);
  g_test_add_func ("/plot/export/svg", test_export_svg);
  g_test_add_func ("/plot/export/pdf", test_export_pdf);
  g_test_add_func ("/plot/export/errors", test_export_errors);
  int rc = g_test_run ();
  clear_dir ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return rc;
}
