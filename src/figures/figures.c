/* figures.c: the lecture's figures. Every number drawn comes from the engine: the loss surface as
 * vectorised tensor ops over a broadcast grid, gradients from autodiff, the descent run as engine
 * ops with one backward pass per step. The plotting library only draws them. */
#include "figures.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tn.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

void
ob_figure_params_default (ObFigureParams *p)
{
  if (!p)
    return;
  memset (p, 0, sizeof *p);
  /* the lecture's Figure 3.1: L(x, y) = x^2 + 0.2 y^2 at w0 = (1, 1) */
  p->quad_c[0] = 1.0;
  p->quad_c[1] = 0.2;
  p->w[0] = 1.0;
  p->w[1] = 1.0;
  /* Figure 3.2: g = (1, 1), the 45-degree gradient direction */
  p->g[0] = 1.0;
  p->g[1] = 1.0;
  p->gd_a = 1.0;
  p->gd_c = 1.0;
  p->gd_w0 = 3.0;
  p->gd_eta = 0.1;
  p->gd_steps = 40;
}

/* ---- errors ---- */

static void
set_error (char **error, const char *fmt, ...)
{
  if (!error)
    return;
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  *error = NULL;
  if (n < 0)
    return;
  *error = malloc ((size_t) n + 1);
  if (*error) {
    va_start (ap, fmt);
    vsnprintf (*error, (size_t) n + 1, fmt, ap);
    va_end (ap);
  }
}

/* ---- a pool of engine tensors released together, so every early return is leak-free ---- */

enum { POOL_MAX = 64 };
typedef struct {
  tn_tensor *t[POOL_MAX];
  int n;
  bool failed;
} Pool;

/* Records t (a new reference, possibly NULL after an engine error); returns it. */
static tn_tensor *
keep (Pool *pool, tn_tensor *t)
{
  if (!t || pool->n == POOL_MAX) {
    pool->failed = true;
    if (t)
      tn_release (t);
    return NULL;
  }
  pool->t[pool->n++] = t;
  return t;
}

static void
pool_clear (Pool *pool)
{
  while (pool->n > 0)
    tn_release (pool->t[--pool->n]);
}

static bool
engine_failed (Pool *pool, const char *what, char **error)
{
  if (!pool->failed)
    return false;
  const char *m = tn_error_message ();
  set_error (error, "%s: engine error: %s", what, m && *m ? m : "out of memory");
  pool_clear (pool);
  return true;
}

static tn_tensor *
vec2 (Pool *pool, double a, double b)
{
  const int64_t shape[1] = {2};
  tn_scalar v[2] = {tn_scalar_float (a), tn_scalar_float (b)};
  return keep (pool, tn_from_scalars (1, shape, v, TN_OPTS (TN_DTYPE_FLOAT64)));
}

static tn_tensor *
mat2 (Pool *pool, double a, double b, double c, double d)
{
  const int64_t shape[2] = {2, 2};
  tn_scalar v[4] = {tn_scalar_float (a), tn_scalar_float (b), tn_scalar_float (c), tn_scalar_float (d)};
  return keep (pool, tn_from_scalars (2, shape, v, TN_OPTS (TN_DTYPE_FLOAT64)));
}

static tn_tensor *
num (Pool *pool, double v)
{
  return keep (pool, tn_wrap_scalar (tn_scalar_float (v)));
}

/* Copies a float64 tensor's elements out (any layout). */
static void
read_doubles (const tn_tensor *t, double *out, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    out[i] = tn_scalar_to_double (tn_get_flat (t, i));
}

/* %.3g with U+2212 for the minus sign (typeset text, not code) and no "-0". */
static const char *
fmt_num (double v, char *buf, size_t size)
{
  char tmp[40];
  snprintf (tmp, sizeof tmp, "%.3g", v == 0 ? 0.0 : v);
  if (tmp[0] == '-')
    snprintf (buf, size, "\u2212%s", tmp + 1);
  else
    snprintf (buf, size, "%s", tmp);
  return buf;
}

static bool
all_finite (const double *v, int n)
{
  for (int i = 0; i < n; i++)
    if (!isfinite (v[i]))
      return false;
  return true;
}

/* ---- Figure 3.1: the gradient is normal to the level sets ---- */

bool
ob_figure_grad_normal_compute (const ObFigureParams *p, ObGradNormalData *out, char **error)
{
  static const char what[] = "grad_is_normal_to_level_sets";
  if (error)
    *error = NULL;
  if (!p || !out) {
    set_error (error, "%s: no parameters given", what);
    return false;
  }
  if (!all_finite (p->quad_c, 2) || !all_finite (p->w, 2) || p->quad_c[0] <= 0 || p->quad_c[1] <= 0) {
    set_error (error, "%s: the point w must be finite and the coefficients positive", what);
    return false;
  }
  Pool pool = {0};
  bool prev = tn_set_grad_enabled (true);
  /* L(w) = sum(c * w * w) on a leaf w, then backward: the gradient is autodiff's, not 2 c w */
  tn_tensor *w = vec2 (&pool, p->w[0], p->w[1]);
  tn_tensor *c = vec2 (&pool, p->quad_c[0], p->quad_c[1]);
  tn_tensor *loss = NULL, *grad = NULL, *unit = NULL, *tangent = NULL;
  if (w && keep (&pool, tn_requires_grad_ (w, true))) { /* in-place ops return a new reference */
    tn_tensor *cw = c ? keep (&pool, tn_mul (c, w)) : NULL;
    tn_tensor *cww = cw ? keep (&pool, tn_mul (cw, w)) : NULL;
    loss = cww ? keep (&pool, tn_sum (cww, 0, NULL, false, TN_DTYPE_UNDEFINED)) : NULL;
    if (loss && tn_backward (loss, NULL, false, false) == 0)
      grad = keep (&pool, tn_grad (w));
    else
      pool.failed = true;
  } else {
    pool.failed = true;
  }
  tn_set_grad_enabled (false);
  tn_tensor *norm = grad ? keep (&pool, tn_linalg_vector_norm (grad, 2, 0, NULL, false)) : NULL;
  if (norm)
    unit = keep (&pool, tn_div (grad, norm));
  tn_tensor *rot90 = mat2 (&pool, 0, -1, 1, 0);
  if (unit && rot90)
    tangent = keep (&pool, tn_mv (rot90, unit));
  tn_set_grad_enabled (prev);
  if (!tangent)
    pool.failed = true;
  if (engine_failed (&pool, what, error))
    return false;
  out->loss_at_w = tn_scalar_to_double (tn_get_flat (loss, 0));
  read_doubles (grad, out->grad, 2);
  read_doubles (tangent, out->tangent, 2);
  pool_clear (&pool);
  if (!all_finite (out->grad, 2) || !all_finite (out->tangent, 2)) {
    set_error (error, "%s: the gradient at w = (%g, %g) is zero: no normal direction to draw", what,
               p->w[0], p->w[1]);
    return false;
  }
  return true;
}

/* The loss on an n x n grid over [lo, hi]^2, row j = w2, column i = w1: a column vector and a row
 * vector broadcast against each other (meshgrid without materialising the coordinates). */
static double *
quadratic_grid (const ObFigureParams *p, int n, double lo, double hi, double *zmax, char **error)
{
  Pool pool = {0};
  bool prev = tn_set_grad_enabled (false);
  tn_tensor *xs = keep (&pool, tn_linspace (tn_scalar_float (lo), tn_scalar_float (hi), n,
                                            TN_OPTS (TN_DTYPE_FLOAT64)));
  const int64_t row[2] = {1, n}, col[2] = {n, 1}, full[2] = {n, n};
  tn_tensor *x = xs ? keep (&pool, tn_view (xs, 2, row)) : NULL;
  tn_tensor *y = xs ? keep (&pool, tn_view (xs, 2, col)) : NULL;
  tn_tensor *xx = x ? keep (&pool, tn_mul (x, x)) : NULL;
  tn_tensor *yy = y ? keep (&pool, tn_mul (y, y)) : NULL;
  tn_tensor *c1 = num (&pool, p->quad_c[0]), *c2 = num (&pool, p->quad_c[1]);
  tn_tensor *a = xx && c1 ? keep (&pool, tn_mul (xx, c1)) : NULL;
  tn_tensor *b = yy && c2 ? keep (&pool, tn_mul (yy, c2)) : NULL;
  tn_tensor *ae = a ? keep (&pool, tn_expand (a, 2, full)) : NULL;
  tn_tensor *z = ae && b ? keep (&pool, tn_add (ae, b)) : NULL;
  tn_tensor *zc = z ? keep (&pool, tn_contiguous (z)) : NULL;
  tn_tensor *mx = zc ? keep (&pool, tn_max (zc)) : NULL;
  tn_set_grad_enabled (prev);
  if (!mx)
    pool.failed = true;
  if (engine_failed (&pool, "grad_is_normal_to_level_sets", error))
    return NULL;
  double *out = malloc (sizeof (double) * (size_t) n * (size_t) n);
  if (!out) {
    pool_clear (&pool);
    set_error (error, "grad_is_normal_to_level_sets: out of memory");
    return NULL;
  }
  if (zc->dtype == TN_DTYPE_FLOAT64)
    memcpy (out, tn_data_ptr (zc), sizeof (double) * (size_t) n * (size_t) n);
  else
    read_doubles (zc, out, (int64_t) n * n);
  *zmax = tn_scalar_to_double (tn_get_flat (mx, 0));
  pool_clear (&pool);
  return out;
}

static void
marker_at (PlotAxes *ax, double x, double y, double size)
{
  PlotLineStyle m = plot_line_style (PLOT_ROLE_FOREGROUND, 0);
  m.marker = PLOT_MARKER_CIRCLE;
  m.marker_size_pt = size;
  m.marker_filled = true;
  plot_axes_add_line (ax, &x, &y, 1, &m, NULL);
}

static PlotFigure *
new_figure (double w_in, double h_in)
{
  PlotFigure *fig = plot_figure_new (w_in * 72, h_in * 72);
  if (fig)
    plot_figure_set_font (fig, NULL, 10); /* legible when projected */
  return fig;
}

static PlotFigure *
build_grad_normal (const ObFigureParams *p, char **error)
{
  enum { N = 201 };
  const double lo = -2, hi = 2;
  ObGradNormalData d;
  if (!ob_figure_grad_normal_compute (p, &d, error))
    return NULL;
  double zmax = 0;
  double *z = quadratic_grid (p, N, lo, hi, &zmax, error);
  if (!z)
    return NULL;
  PlotFigure *fig = new_figure (4.8, 5.0);
  if (!fig) {
    free (z);
    set_error (error, "grad_is_normal_to_level_sets: out of memory");
    return NULL;
  }
  PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
  plot_axes_set_equal_aspect (ax, true);
  plot_axes_set_xlim (ax, lo, hi);
  plot_axes_set_ylim (ax, lo, hi);
  plot_axes_set_grid (ax, true);
  char title[200], c1[32] = "", c2[32] = "";
  if (p->quad_c[0] != 1)
    snprintf (c1, sizeof c1, "%g", p->quad_c[0]);
  if (p->quad_c[1] != 1)
    snprintf (c2, sizeof c2, "%g", p->quad_c[1]);
  snprintf (title, sizeof title,
            "Gradient is orthogonal to level sets\n<span weight='normal' size='smaller'><i>L</i>(<i>x</i>, <i>y</i>) = "
            "%s<i>x</i>² + %s<i>y</i>²</span>",
            c1, c2);
  plot_axes_set_title (ax, title);
  plot_axes_set_xlabel (ax, "<i>x</i>");
  plot_axes_set_ylabel (ax, "<i>y</i>");
  /* at least 8 level sets (the lecture's), nice values strictly inside the grid's range */
  double levels[16];
  int nl = plot_contour_auto_levels (0, zmax, 10, levels, 16);
  PlotLineStyle cs = plot_line_style (PLOT_ROLE_MUTED, 0.8);
  plot_axes_add_contour (ax, z, N, N, lo, hi, lo, hi, levels, nl, &cs, true);
  /* the level set through w, emphasised: the one the arrows refer to */
  PlotLineStyle ws = plot_line_style (PLOT_ROLE_ACCENT3, 1.4);
  double lw = d.loss_at_w;
  if (lw > 0 && lw < zmax)
    plot_axes_add_contour (ax, z, N, N, lo, hi, lo, hi, &lw, 1, &ws, false);
  free (z);
  /* unit-length arrows (0.6 long, as in the lecture) so both read at any w */
  double gn = hypot (d.grad[0], d.grad[1]);
  const double len = 0.6;
  double gx = p->w[0] + len * d.grad[0] / gn, gy = p->w[1] + len * d.grad[1] / gn;
  double tx = p->w[0] + len * d.tangent[0], ty = p->w[1] + len * d.tangent[1];
  char glabel[128];
  char n0[48], n1[48];
  snprintf (glabel, sizeof glabel, "∇<i>L</i>(<i>w</i>) = (%s, %s)", fmt_num (d.grad[0], n0, sizeof n0),
            fmt_num (d.grad[1], n1, sizeof n1));
  PlotLineStyle g = plot_line_style (PLOT_ROLE_ACCENT2, 2.0);
  plot_axes_add_arrow (ax, p->w[0], p->w[1], gx, gy, &g, glabel);
  PlotLineStyle t = plot_line_style (PLOT_ROLE_ACCENT1, 2.0);
  plot_axes_add_arrow (ax, p->w[0], p->w[1], tx, ty, &t, "tangent");
  marker_at (ax, p->w[0], p->w[1], 6);
  plot_axes_add_text (ax, p->w[0], p->w[1], "<i>w</i>", PLOT_ANCHOR_AUTO,
                      plot_paint_role (PLOT_ROLE_FOREGROUND), 0);
  return fig;
}

/* ---- Figure 3.2: steepest descent on the unit circle of directions ---- */

bool
ob_figure_unit_circle_compute (const ObFigureParams *p, ObUnitCircleData *out, char **error)
{
  static const char what[] = "steepest_descent_unit_circle";
  if (error)
    *error = NULL;
  if (!p || !out) {
    set_error (error, "%s: no parameters given", what);
    return false;
  }
  if (!all_finite (p->g, 2) || (p->g[0] == 0 && p->g[1] == 0)) {
    set_error (error, "%s: the gradient g must be finite and nonzero", what);
    return false;
  }
  Pool pool = {0};
  bool prev = tn_set_grad_enabled (false);
  tn_tensor *g = vec2 (&pool, p->g[0], p->g[1]);
  tn_tensor *norm = g ? keep (&pool, tn_linalg_vector_norm (g, 2, 0, NULL, false)) : NULL;
  tn_tensor *unit = norm ? keep (&pool, tn_div (g, norm)) : NULL;
  tn_tensor *neg = unit ? keep (&pool, tn_unary (TN_UNARY_NEG, unit)) : NULL;
  tn_tensor *r90 = mat2 (&pool, 0, -1, 1, 0);
  const double c30 = cos (M_PI / 6), s30 = sin (M_PI / 6);
  tn_tensor *r30 = mat2 (&pool, c30, -s30, s30, c30);
  tn_tensor *orth = unit && r90 ? keep (&pool, tn_mv (r90, unit)) : NULL;
  tn_tensor *pos = unit && r30 ? keep (&pool, tn_mv (r30, unit)) : NULL;
  tn_tensor *dots = NULL;
  if (unit && neg && orth && pos) {
    tn_tensor *dirs[4] = {unit, neg, orth, pos};
    tn_tensor *D = keep (&pool, tn_stack (4, dirs, 0));
    dots = D ? keep (&pool, tn_mv (D, g)) : NULL; /* g^T d for each direction d */
  }
  tn_set_grad_enabled (prev);
  if (!dots)
    pool.failed = true;
  if (engine_failed (&pool, what, error))
    return false;
  read_doubles (unit, out->g_unit, 2);
  read_doubles (neg, out->descent, 2);
  read_doubles (orth, out->orth, 2);
  read_doubles (pos, out->pos_corr, 2);
  read_doubles (dots, out->dots, 4);
  pool_clear (&pool);
  if (!all_finite (out->g_unit, 2) || !all_finite (out->dots, 4)) {
    set_error (error, "%s: the gradient g is too large to normalise", what);
    return false;
  }
  return true;
}

static PlotFigure *
build_unit_circle (const ObFigureParams *p, char **error)
{
  enum { NC = 361 };
  ObUnitCircleData d;
  if (!ob_figure_unit_circle_compute (p, &d, error))
    return NULL;
  /* the circle itself: cos and sin of an engine linspace */
  Pool pool = {0};
  bool prev = tn_set_grad_enabled (false);
  tn_tensor *th = keep (&pool, tn_linspace (tn_scalar_float (0), tn_scalar_float (2 * M_PI), NC,
                                            TN_OPTS (TN_DTYPE_FLOAT64)));
  tn_tensor *cx = th ? keep (&pool, tn_unary (TN_UNARY_COS, th)) : NULL;
  tn_tensor *cy = th ? keep (&pool, tn_unary (TN_UNARY_SIN, th)) : NULL;
  tn_set_grad_enabled (prev);
  if (!cx || !cy)
    pool.failed = true;
  if (engine_failed (&pool, "steepest_descent_unit_circle", error))
    return NULL;
  double xs[NC], ys[NC];
  read_doubles (cx, xs, NC);
  read_doubles (cy, ys, NC);
  pool_clear (&pool);

  PlotFigure *fig = new_figure (5.3, 5.3);
  if (!fig) {
    set_error (error, "steepest_descent_unit_circle: out of memory");
    return NULL;
  }
  PlotAxes *ax = plot_figure_add_subplot (fig, 1, 1, 0);
  plot_axes_set_equal_aspect (ax, true);
  plot_axes_set_xlim (ax, -1.6, 1.6);
  plot_axes_set_ylim (ax, -1.6, 1.6);
  plot_axes_set_grid (ax, true);
  plot_axes_set_title (ax, "Steepest descent direction on the unit circle");
  plot_axes_set_xlabel (ax, "Δ<sub>1</sub>");
  plot_axes_set_ylabel (ax, "Δ<sub>2</sub>");
  PlotLineStyle c = plot_line_style (PLOT_ROLE_FOREGROUND, 1.4);
  plot_axes_add_line (ax, xs, ys, NC, &c, NULL);
  /* each arrow is labelled with its dot product g^T d, the quantity being minimised */
  struct {
    const double *v;
    const char *name;
    PlotRole role;
    double dot;
  } arrows[4] = {
    {d.g_unit, "∇<i>L</i>/‖∇<i>L</i>‖", PLOT_ROLE_ACCENT2, d.dots[0]},
    {d.descent, "−∇<i>L</i>/‖∇<i>L</i>‖", PLOT_ROLE_ACCENT1, d.dots[1]},
    {d.orth, "orthogonal", PLOT_ROLE_ACCENT4, d.dots[2]},
    {d.pos_corr, "positive corr", PLOT_ROLE_ACCENT5, d.dots[3]},
  };
  for (int k = 0; k < 4; k++) {
    char label[160], nb[48];
    double dot = fabs (arrows[k].dot) < 1e-12 ? 0 : arrows[k].dot; /* rounding, not a sign */
    snprintf (label, sizeof label, "%s\n<small><i>g</i>ᵀΔ = %s</small>", arrows[k].name,
              fmt_num (dot, nb, sizeof nb));
    PlotLineStyle s = plot_line_style (arrows[k].role, 2.0);
    plot_axes_add_arrow (ax, 0, 0, arrows[k].v[0], arrows[k].v[1], &s, label);
  }
  marker_at (ax, 0, 0, 5);
  plot_axes_add_text (ax, 0, -1.52, "minimize <i>g</i>ᵀΔ s.t. ‖Δ‖ = 1  ⇒  Δ = −<i>g</i>/‖<i>g</i>‖",
                      PLOT_ANCHOR_S, plot_paint_role (PLOT_ROLE_FOREGROUND), 0);
  return fig;
}

/* ---- the set-up section's 1-D gradient-descent diagnostics ---- */

bool
ob_figure_gd_run (const ObFigureParams *p, double *w_out, double *loss_out, double *grad_out,
                  char **error)
{
  static const char what[] = "gd_torch_quadratic_diagnostics";
  if (error)
    *error = NULL;
  if (!p) {
    set_error (error, "%s: no parameters given", what);
    return false;
  }
  if (!isfinite (p->gd_a) || !isfinite (p->gd_c) || !isfinite (p->gd_w0) || !isfinite (p->gd_eta) ||
      p->gd_a <= 0 || p->gd_eta <= 0) {
    set_error (error, "%s: a and the step size must be positive, w0 and c finite", what);
    return false;
  }
  if (p->gd_steps < 1 || p->gd_steps > 10000) {
    set_error (error, "%s: the number of steps must be between 1 and 10000", what);
    return false;
  }
  Pool outer = {0};
  bool prev = tn_set_grad_enabled (true);
  const int64_t one[1] = {1};
  tn_scalar w0 = tn_scalar_float (p->gd_w0);
  tn_tensor *w = keep (&outer, tn_from_scalars (0, one, &w0, TN_OPTS (TN_DTYPE_FLOAT64)));
  tn_tensor *a = num (&outer, p->gd_a), *c = num (&outer, p->gd_c);
  if (w && !keep (&outer, tn_requires_grad_ (w, true))) /* in-place ops return a new reference */
    outer.failed = true;
  bool diverged = false;
  for (int k = 0; k <= p->gd_steps && !outer.failed; k++) {
    /* loss = a * (w - c)^2; loss.backward(); with no_grad: w -= eta * w.grad; w.grad = None */
    Pool pool = {0};
    tn_set_grad_enabled (true);
    tn_tensor *dw = keep (&pool, tn_sub (w, c));
    tn_tensor *sq = dw ? keep (&pool, tn_mul (dw, dw)) : NULL;
    tn_tensor *loss = sq ? keep (&pool, tn_mul (sq, a)) : NULL;
    tn_tensor *g = NULL;
    if (loss && tn_backward (loss, NULL, false, false) == 0)
      g = keep (&pool, tn_grad (w));
    tn_set_grad_enabled (false);
    if (!g) {
      pool.failed = true;
    } else {
      double lv = tn_scalar_to_double (tn_get_flat (loss, 0));
      double gv = tn_scalar_to_double (tn_get_flat (g, 0));
      if (w_out)
        w_out[k] = tn_scalar_to_double (tn_get_flat (w, 0));
      if (loss_out)
        loss_out[k] = lv;
      if (grad_out)
        grad_out[k] = fabs (gv);
      if (!isfinite (lv) || !isfinite (gv))
        diverged = true;
      if (k < p->gd_steps && (!keep (&pool, tn_sub_alpha_ (w, g, tn_scalar_float (p->gd_eta))) || tn_set_grad (w, NULL) != 0))
        pool.failed = true;
    }
    if (pool.failed) {
      outer.failed = true;
      const char *m = tn_error_message ();
      set_error (error, "%s: engine error: %s", what, m && *m ? m : "out of memory");
      pool_clear (&pool);
      pool_clear (&outer);
      tn_set_grad_enabled (prev);
      return false;
    }
    pool_clear (&pool);
    if (diverged)
      break;
  }
  tn_set_grad_enabled (prev);
  if (engine_failed (&outer, what, error))
    return false;
  pool_clear (&outer);
  if (diverged) {
    set_error (error, "%s: gradient descent diverged to infinity (the step size %g is too large)",
               what, p->gd_eta);
    return false;
  }
  return true;
}

static void
decade_limits (PlotAxes *ax, const double *v, int n)
{
  double lo = INFINITY, hi = 0;
  for (int k = 0; k < n; k++)
    if (v[k] > 0) {
      lo = fmin (lo, v[k]);
      hi = fmax (hi, v[k]);
    }
  if (!(hi > 0))
    return; /* nothing positive: leave the library's default */
  double a = floor (log10 (lo)), b = ceil (log10 (hi));
  if (b <= a)
    b = a + 1;
  plot_axes_set_ylim (ax, pow (10, a), pow (10, b));
}

static PlotFigure *
build_gd_diagnostics (const ObFigureParams *p, char **error)
{
  if (p->gd_steps < 1 || p->gd_steps > 10000) {
    ob_figure_gd_run (p, NULL, NULL, NULL, error); /* only for its message */
    return NULL;
  }
  int n = p->gd_steps + 1;
  double *buf = malloc (sizeof (double) * 3 * (size_t) n);
  if (!buf) {
    set_error (error, "gd_torch_quadratic_diagnostics: out of memory");
    return NULL;
  }
  double *it = buf, *loss = buf + n, *gabs = buf + 2 * n;
  if (!ob_figure_gd_run (p, NULL, loss, gabs, error)) {
    free (buf);
    return NULL;
  }
  for (int k = 0; k < n; k++)
    it[k] = k;
  /* a log axis cannot show an exact 0 (reached when w0 = c): drop those points */
  for (int k = 0; k < n; k++) {
    if (!(loss[k] > 0))
      loss[k] = NAN;
    if (!(gabs[k] > 0))
      gabs[k] = NAN;
  }
  PlotFigure *fig = new_figure (7.5, 3.4);
  if (!fig) {
    free (buf);
    set_error (error, "gd_torch_quadratic_diagnostics: out of memory");
    return NULL;
  }
  char title[300], na[48] = "", nc[48], nw[48], ne[48];
  if (p->gd_a != 1)
    fmt_num (p->gd_a, na, sizeof na);
  const char *csign = p->gd_c < 0 ? "+" : "−";
  fmt_num (fabs (p->gd_c), nc, sizeof nc);
  snprintf (title, sizeof title,
            "Gradient descent on <i>L</i>(<i>w</i>) = %s(<i>w</i> %s %s)²,  <i>w</i><sub>0</sub> = %s,  η = %s", na,
            csign, nc, fmt_num (p->gd_w0, nw, sizeof nw), fmt_num (p->gd_eta, ne, sizeof ne));
  plot_figure_set_title (fig, title);
  PlotAxes *a1 = plot_figure_add_subplot (fig, 1, 2, 0);
  plot_axes_set_yscale (a1, PLOT_SCALE_LOG);
  plot_axes_set_xlabel (a1, "iteration <i>k</i>");
  plot_axes_set_ylabel (a1, "loss <i>L</i>(<i>w</i><sub><i>k</i></sub>)");
  plot_axes_set_grid (a1, true);
  PlotLineStyle s1 = plot_line_style (PLOT_ROLE_ACCENT1, 1.6);
  s1.marker = PLOT_MARKER_CIRCLE;
  s1.marker_size_pt = 3.5;
  s1.marker_filled = true;
  plot_axes_add_line (a1, it, loss, n, &s1, NULL);
  plot_axes_set_title (a1, "Loss");
  PlotAxes *a2 = plot_figure_add_subplot (fig, 1, 2, 1);
  plot_axes_set_yscale (a2, PLOT_SCALE_LOG);
  plot_axes_set_xlabel (a2, "iteration <i>k</i>");
  plot_axes_set_ylabel (a2, "|<i>L</i>′(<i>w</i><sub><i>k</i></sub>)|");
  plot_axes_set_grid (a2, true);
  PlotLineStyle s2 = plot_line_style (PLOT_ROLE_ACCENT2, 1.6);
  s2.marker = PLOT_MARKER_SQUARE;
  s2.marker_size_pt = 3.5;
  s2.marker_filled = true;
  plot_axes_add_line (a2, it, gabs, n, &s2, NULL);
  plot_axes_set_title (a2, "Gradient magnitude");
  /* whole decades, so the log axes label several powers of ten */
  decade_limits (a1, loss, n);
  decade_limits (a2, gabs, n);
  plot_axes_set_xlim (a1, 0, p->gd_steps);
  plot_axes_set_xlim (a2, 0, p->gd_steps);
  free (buf);
  return fig;
}

/* ---- the registry ---- */

typedef struct {
  const char *name;
  PlotFigure *(*build) (const ObFigureParams *p, char **error);
} Entry;

static const Entry registry[] = {
  {"grad_is_normal_to_level_sets", build_grad_normal},
  {"steepest_descent_unit_circle", build_unit_circle},
  {"gd_torch_quadratic_diagnostics", build_gd_diagnostics},
};
enum { N_FIGURES = (int) (sizeof registry / sizeof registry[0]) };

int
ob_figure_count (void)
{
  return N_FIGURES;
}

const char *
ob_figure_name (int index)
{
  return index >= 0 && index < N_FIGURES ? registry[index].name : NULL;
}

bool
ob_figure_exists (const char *name)
{
  for (int i = 0; name && i < N_FIGURES; i++)
    if (strcmp (registry[i].name, name) == 0)
      return true;
  return false;
}

const char *
ob_figure_names_list (void)
{
  static char buf[512];
  if (!buf[0]) {
    size_t len = 0;
    for (int i = 0; i < N_FIGURES; i++)
      len += (size_t) snprintf (buf + len, sizeof buf - len, "%s%s", i ? ", " : "", registry[i].name);
  }
  return buf;
}

PlotFigure *
ob_figure_build (const char *name, const ObFigureParams *params, char **error)
{
  if (error)
    *error = NULL;
  ObFigureParams defaults;
  if (!params) {
    ob_figure_params_default (&defaults);
    params = &defaults;
  }
  for (int i = 0; name && i < N_FIGURES; i++)
    if (strcmp (registry[i].name, name) == 0)
      return registry[i].build (params, error);
  set_error (error, "unknown figure '%s' (valid names: %s)", name ? name : "(null)", ob_figure_names_list ());
  return NULL;
}

int
ob_figure_format_from_name (const char *name)
{
  if (!name)
    return -1;
  if (strcmp (name, "png") == 0)
    return OB_FIGURE_PNG;
  if (strcmp (name, "svg") == 0)
    return OB_FIGURE_SVG;
  if (strcmp (name, "pdf") == 0)
    return OB_FIGURE_PDF;
  return -1;
}

const char *
ob_figure_format_name (ObFigureFormat format)
{
  switch (format) {
  case OB_FIGURE_PNG:
    return "png";
  case OB_FIGURE_SVG:
    return "svg";
  case OB_FIGURE_PDF:
    return "pdf";
  }
  return "png";
}

bool
ob_figure_export_file (const char *name, const ObFigureParams *params, const char *path,
                       ObFigureFormat format, double dpi, char **error)
{
  if (error)
    *error = NULL;
  if (format == OB_FIGURE_PNG && !(dpi >= OB_FIGURE_DPI_MIN && dpi <= OB_FIGURE_DPI_MAX)) {
    set_error (error, "dpi must be between %d and %d", OB_FIGURE_DPI_MIN, OB_FIGURE_DPI_MAX);
    return false;
  }
  PlotFigure *fig = ob_figure_build (name, params, error);
  if (!fig)
    return false;
  plot_figure_set_theme (fig, PLOT_THEME_LIGHT); /* exports are for slides and paper */
  bool ok;
  switch (format) {
  case OB_FIGURE_SVG:
    ok = plot_figure_write_svg (fig, path, error);
    break;
  case OB_FIGURE_PDF:
    ok = plot_figure_write_pdf (fig, path, error);
    break;
  case OB_FIGURE_PNG:
  default:
    ok = plot_figure_write_png (fig, path, dpi, error);
    break;
  }
  plot_figure_free (fig);
  return ok;
}
