/* losses.c: see losses.h. Every loss is one formula over two tensors x and y that broadcast
 * together: 0-dim selections of a parameter vector w (for values and autodiff) or whole grids (for
 * contour plots), so what is drawn and what is differentiated are the same engine computation. */
#include "losses.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a pool of engine references, released together ---- */

enum { POOL_MAX = 64 };

typedef struct {
  tn_tensor *t[POOL_MAX];
  int n;
  bool failed;
} Pool;

static tn_tensor *keep(Pool *p, tn_tensor *t) {
  if (!t) {
    p->failed = true;
    return NULL;
  }
  if (p->n == POOL_MAX) { /* a formula outgrew the pool: a programming error, reported as one */
    tn_release(t);
    p->failed = true;
    return NULL;
  }
  p->t[p->n++] = t;
  return t;
}

static void pool_clear(Pool *p) {
  for (int i = 0; i < p->n; i++) tn_release(p->t[i]);
  p->n = 0;
}

static void set_error(char **error, const char *fmt, ...) {
  if (!error) return;
  va_list ap;
  va_start(ap, fmt);
  char buf[512];
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  free(*error);
  *error = strdup(buf);
}

static bool engine_failed(Pool *p, const char *what, char **error) {
  if (!p->failed) return false;
  const char *msg = tn_error_message();
  set_error(error, "%s: %s", what, msg && *msg ? msg : "engine error");
  pool_clear(p);
  return true;
}

/* Element-wise helpers: each returns a pooled tensor or NULL once anything failed. */
static tn_tensor *num(Pool *p, double v) { return keep(p, tn_scalar_tensor(tn_scalar_float(v), TN_OPTS(TN_DTYPE_FLOAT64))); }
static tn_tensor *add(Pool *p, tn_tensor *a, tn_tensor *b) { return a && b ? keep(p, tn_add(a, b)) : (p->failed = true, NULL); }
static tn_tensor *sub(Pool *p, tn_tensor *a, tn_tensor *b) { return a && b ? keep(p, tn_sub(a, b)) : (p->failed = true, NULL); }
static tn_tensor *mul(Pool *p, tn_tensor *a, tn_tensor *b) { return a && b ? keep(p, tn_mul(a, b)) : (p->failed = true, NULL); }
static tn_tensor *unary(Pool *p, tn_unary_op op, tn_tensor *a) { return a ? keep(p, tn_unary(op, a)) : (p->failed = true, NULL); }
static tn_tensor *scale(Pool *p, double c, tn_tensor *a) { return mul(p, num(p, c), a); }
static tn_tensor *sq(Pool *p, tn_tensor *a) { return mul(p, a, a); }

/* ---- the logistic data set ---- */

enum { LOGISTIC_N = 40 };
static double logistic_x[LOGISTIC_N * 2], logistic_y[LOGISTIC_N];
static bool logistic_ready;

/* Two Gaussian clouds, labels ±1, drawn with the engine's generator (PyTorch's stream) from seed 0:
 *   torch.manual_seed(0); x = torch.randn(40, 2, dtype=torch.float64)
 *   y = torch.where(x @ torch.tensor([1.5, -1.0]) + 0.5 * torch.randn(40) > 0, 1.0, -1.0)
 * (computed here in float64 from those draws). The noise makes the classes overlap, so the loss has
 * a finite minimizer. The generator's state is put
 * back afterwards, so a lesson never disturbs the random numbers of code the student runs. */
static bool logistic_init(char **error) {
  if (logistic_ready) return true;
  tn_rng_state *saved = tn_get_rng_state();
  tn_manual_seed(0);
  Pool p = {0};
  int64_t shape_x[] = {LOGISTIC_N, 2}, shape_n[] = {LOGISTIC_N};
  tn_tensor *x = keep(&p, tn_randn(2, shape_x, TN_OPTS(TN_DTYPE_FLOAT64)));
  tn_tensor *noise = keep(&p, tn_randn(1, shape_n, TN_OPTS(TN_DTYPE_FLOAT64)));
  if (saved) {
    tn_set_rng_state(saved);
    tn_rng_state_free(saved);
  }
  if (engine_failed(&p, "logistic data", error)) return false;
  for (int i = 0; i < LOGISTIC_N; i++) {
    double a = tn_scalar_to_double(tn_get_flat(x, 2 * i)), b = tn_scalar_to_double(tn_get_flat(x, 2 * i + 1));
    double e = tn_scalar_to_double(tn_get_flat(noise, i));
    logistic_x[2 * i] = a;
    logistic_x[2 * i + 1] = b;
    logistic_y[i] = 1.5 * a - 1.0 * b + 0.5 * e > 0 ? 1.0 : -1.0;
  }
  pool_clear(&p);
  logistic_ready = true;
  return true;
}

int ob_loss_logistic_data(const double **x, const double **y) {
  if (!logistic_init(NULL)) return 0;
  if (x) *x = logistic_x;
  if (y) *y = logistic_y;
  return LOGISTIC_N;
}

/* ---- the formulas ---- */

static tn_tensor *formula(const ObLoss *loss, Pool *p, tn_tensor *x, tn_tensor *y, bool differentiable) {
  switch (loss->kind) {
  case OB_LOSS_HALF_NORM:
    return scale(p, 0.5, add(p, sq(p, x), sq(p, y)));
  case OB_LOSS_ANISOTROPIC:
    return add(p, sq(p, x), scale(p, 0.2, sq(p, y)));
  case OB_LOSS_CONDITIONED: {
    double kappa = loss->param >= 1 && isfinite(loss->param) ? loss->param : 1;
    return scale(p, 0.5, add(p, sq(p, x), scale(p, kappa, sq(p, y))));
  }
  case OB_LOSS_ROSENBROCK:
    return add(p, sq(p, sub(p, num(p, 1), x)), scale(p, 100, sq(p, sub(p, y, sq(p, x)))));
  case OB_LOSS_SADDLE:
    return sub(p, sq(p, x), sq(p, y));
  case OB_LOSS_HIMMELBLAU: {
    tn_tensor *a = sub(p, add(p, sq(p, x), y), num(p, 11));
    tn_tensor *b = sub(p, add(p, x, sq(p, y)), num(p, 7));
    return add(p, sq(p, a), sq(p, b));
  }
  case OB_LOSS_DOUBLE_WELL:
    return add(p, sq(p, sub(p, sq(p, x), num(p, 1))), scale(p, 0.5, sq(p, y)));
  case OB_LOSS_LOGISTIC: {
    if (!logistic_init(NULL)) {
      p->failed = true;
      return NULL;
    }
    /* margins m_i = y_i (a_i x + b_i y) on a trailing axis of length n; log(1 + exp(−m)) in a
     * form that never overflows. */
    int64_t n = LOGISTIC_N;
    tn_scalar va[LOGISTIC_N], vb[LOGISTIC_N];
    for (int i = 0; i < LOGISTIC_N; i++) {
      va[i] = tn_scalar_float(logistic_y[i] * logistic_x[2 * i]);
      vb[i] = tn_scalar_float(logistic_y[i] * logistic_x[2 * i + 1]);
    }
    tn_tensor *ya = keep(p, tn_from_scalars(1, &n, va, TN_OPTS(TN_DTYPE_FLOAT64)));
    tn_tensor *yb = keep(p, tn_from_scalars(1, &n, vb, TN_OPTS(TN_DTYPE_FLOAT64)));
    tn_tensor *xu = x ? keep(p, tn_unsqueeze(x, -1)) : NULL;
    tn_tensor *yu = y ? keep(p, tn_unsqueeze(y, -1)) : NULL;
    tn_tensor *m = add(p, mul(p, xu, ya), mul(p, yu, yb));
    tn_tensor *neg = unary(p, TN_UNARY_NEG, m);
    tn_tensor *sp = NULL;
    int64_t last = -1;
    if (differentiable) {
      /* logsumexp(0, −m): stable, and its derivative is right at m = 0 too (the relu/abs form below
       * has kinks there whose subgradient 0 would give a wrong gradient at w = 0). */
      tn_tensor *zero = neg ? keep(p, tn_zeros_like(neg, TN_OPTS_INFER)) : NULL;
      tn_tensor *pair[2] = {zero, neg};
      tn_tensor *both = zero && neg ? keep(p, tn_stack(2, pair, -1)) : NULL;
      sp = both ? keep(p, tn_logsumexp(both, 1, &last, false)) : NULL;
    } else {
      /* relu(−m) + log1p(exp(−|m|)): the same value without the pairs, for large grids. */
      sp = add(p, unary(p, TN_UNARY_RELU, neg),
               unary(p, TN_UNARY_LOG1P, unary(p, TN_UNARY_EXP, unary(p, TN_UNARY_NEG, unary(p, TN_UNARY_ABS, m)))));
    }
    return sp ? keep(p, tn_mean(sp, 1, &last, false, TN_DTYPE_UNDEFINED)) : (p->failed = true, NULL);
  }
  case OB_LOSS_COUNT: break;
  }
  p->failed = true;
  return NULL;
}

static bool valid(const ObLoss *loss, char **error) {
  if (!loss || loss->kind < 0 || loss->kind >= OB_LOSS_COUNT) {
    set_error(error, "unknown loss");
    return false;
  }
  return true;
}

tn_tensor *ob_loss_forward(const ObLoss *loss, tn_tensor *w) {
  if (!valid(loss, NULL) || !w) return NULL;
  Pool p = {0};
  tn_tensor *x = keep(&p, tn_select(w, 0, 0));
  tn_tensor *y = keep(&p, tn_select(w, 0, 1));
  tn_tensor *out = formula(loss, &p, x, y, true);
  tn_tensor *result = out && !p.failed ? tn_retain(out) : NULL;
  pool_clear(&p);
  return result;
}

bool ob_loss_eval(const ObLoss *loss, const double w[2], double *value, double grad[2], double hess[4],
                  char **error) {
  if (error) *error = NULL;
  if (!valid(loss, error)) return false;
  if (!w || !isfinite(w[0]) || !isfinite(w[1])) {
    set_error(error, "%s: the point w must be finite", ob_loss_id(loss->kind));
    return false;
  }
  Pool p = {0};
  bool prev = tn_set_grad_enabled(true);
  int64_t two = 2;
  tn_scalar vals[2] = {tn_scalar_float(w[0]), tn_scalar_float(w[1])};
  tn_tensor *wt = keep(&p, tn_from_scalars(1, &two, vals, TN_OPTS(TN_DTYPE_FLOAT64)));
  if (wt) keep(&p, tn_requires_grad_(wt, true));
  tn_tensor *l = wt ? keep(&p, ob_loss_forward(loss, wt)) : NULL;
  tn_tensor *g = NULL;
  tn_tensor *h_rows[2] = {NULL, NULL};
  if (l && (grad || hess)) {
    /* create_graph only when the Hessian is wanted: the gradient is then itself differentiable. */
    if (tn_autograd_grad(1, &l, NULL, 1, &wt, hess != NULL, hess != NULL, false, &g) != 0 || !keep(&p, g))
      p.failed = true;
  }
  if (!p.failed && hess) {
    for (int i = 0; i < 2 && !p.failed; i++) {
      tn_tensor *gi = keep(&p, tn_select(g, 0, i));
      /* An entry of the gradient that does not depend on w (a linear loss) has no graph: its row is 0. */
      if (gi && !tn_requires_grad(gi)) {
        h_rows[i] = keep(&p, tn_zeros(1, &two, TN_OPTS(TN_DTYPE_FLOAT64)));
        continue;
      }
      tn_tensor *row = NULL;
      if (!gi || tn_autograd_grad(1, &gi, NULL, 1, &wt, true, false, true, &row) != 0) {
        p.failed = true;
        break;
      }
      h_rows[i] = row ? keep(&p, row) : keep(&p, tn_zeros(1, &two, TN_OPTS(TN_DTYPE_FLOAT64)));
    }
  }
  tn_set_grad_enabled(prev);
  if (engine_failed(&p, ob_loss_id(loss->kind), error)) return false;
  if (value) *value = tn_scalar_to_double(tn_get_flat(l, 0));
  if (grad)
    for (int i = 0; i < 2; i++) grad[i] = tn_scalar_to_double(tn_get_flat(g, i));
  if (hess)
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++) hess[2 * i + j] = tn_scalar_to_double(tn_get_flat(h_rows[i], j));
  pool_clear(&p);
  return true;
}

bool ob_loss_grid(const ObLoss *loss, double x0, double x1, double y0, double y1, int nx, int ny, double *z,
                  char **error) {
  if (error) *error = NULL;
  if (!valid(loss, error)) return false;
  if (!z || nx < 2 || ny < 2 || !isfinite(x0) || !isfinite(x1) || !isfinite(y0) || !isfinite(y1) ||
      (double)nx * ny > 1e8) {
    set_error(error, "%s: bad grid", ob_loss_id(loss->kind));
    return false;
  }
  Pool p = {0};
  bool prev = tn_set_grad_enabled(false);
  tn_tensor *xs = keep(&p, tn_linspace(tn_scalar_float(x0), tn_scalar_float(x1), nx, TN_OPTS(TN_DTYPE_FLOAT64)));
  tn_tensor *ys = keep(&p, tn_linspace(tn_scalar_float(y0), tn_scalar_float(y1), ny, TN_OPTS(TN_DTYPE_FLOAT64)));
  /* x varies along columns (1 × nx), y along rows (ny × 1): broadcasting makes the ny × nx grid. */
  tn_tensor *xg = xs ? keep(&p, tn_unsqueeze(xs, 0)) : NULL;
  tn_tensor *yg = ys ? keep(&p, tn_unsqueeze(ys, 1)) : NULL;
  tn_tensor *out = xg && yg ? formula(loss, &p, xg, yg, false) : NULL;
  tn_tensor *full = NULL;
  if (out) {
    int64_t shape[2] = {ny, nx};
    tn_tensor *e = keep(&p, tn_expand(out, 2, shape));
    full = e ? keep(&p, tn_contiguous(e)) : NULL;
  }
  tn_set_grad_enabled(prev);
  if (!full) p.failed = true;
  if (engine_failed(&p, ob_loss_id(loss->kind), error)) return false;
  memcpy(z, tn_data_ptr(full), sizeof(double) * (size_t)nx * (size_t)ny);
  pool_clear(&p);
  return true;
}

/* ---- descriptions ---- */

static const char *const ids[OB_LOSS_COUNT] = {
  "half-norm", "anisotropic", "conditioned", "rosenbrock", "saddle", "logistic", "himmelblau", "double-well",
};

const char *ob_loss_id(ObLossKind kind) { return kind >= 0 && kind < OB_LOSS_COUNT ? ids[kind] : "unknown"; }

int ob_loss_from_id(const char *id) {
  for (int i = 0; id && i < OB_LOSS_COUNT; i++)
    if (strcmp(ids[i], id) == 0) return i;
  return -1;
}

const char *ob_loss_formula_markup(const ObLoss *loss) {
  if (!loss) return "";
  switch (loss->kind) {
  case OB_LOSS_HALF_NORM: return "<i>L</i>(<i>w</i>) = ½‖<i>w</i>‖²";
  case OB_LOSS_ANISOTROPIC: return "<i>L</i>(<i>w</i>) = <i>w</i>₁² + 0.2 <i>w</i>₂²";
  case OB_LOSS_CONDITIONED: return "<i>L</i>(<i>w</i>) = ½(<i>w</i>₁² + κ <i>w</i>₂²)";
  case OB_LOSS_ROSENBROCK: return "<i>L</i>(<i>w</i>) = (1 − <i>w</i>₁)² + 100 (<i>w</i>₂ − <i>w</i>₁²)²";
  case OB_LOSS_SADDLE: return "<i>L</i>(<i>w</i>) = <i>w</i>₁² − <i>w</i>₂²";
  case OB_LOSS_LOGISTIC:
    return "<i>L</i>(<i>w</i>) = (1/<i>n</i>) Σ<sub><i>i</i></sub> log(1 + exp(−<i>y</i><sub><i>i</i></sub> "
           "<i>x</i><sub><i>i</i></sub><sup>⊤</sup><i>w</i>))";
  case OB_LOSS_HIMMELBLAU: return "<i>L</i>(<i>w</i>) = (<i>w</i>₁² + <i>w</i>₂ − 11)² + (<i>w</i>₁ + <i>w</i>₂² − 7)²";
  case OB_LOSS_DOUBLE_WELL: return "<i>L</i>(<i>w</i>) = (<i>w</i>₁² − 1)² + ½ <i>w</i>₂²";
  case OB_LOSS_COUNT: break;
  }
  return "";
}

void ob_loss_default_view(ObLossKind kind, double *x0, double *x1, double *y0, double *y1) {
  double v[4] = {-2, 2, -2, 2};
  switch (kind) {
  case OB_LOSS_ROSENBROCK: v[0] = -2; v[1] = 2; v[2] = -1; v[3] = 3; break;
  case OB_LOSS_HIMMELBLAU: v[0] = -5; v[1] = 5; v[2] = -5; v[3] = 5; break;
  case OB_LOSS_LOGISTIC: v[0] = -4; v[1] = 6; v[2] = -5; v[3] = 5; break;
  case OB_LOSS_ANISOTROPIC: v[0] = -3; v[1] = 3; v[2] = -3; v[3] = 3; break;
  default: break;
  }
  if (x0) *x0 = v[0];
  if (x1) *x1 = v[1];
  if (y0) *y0 = v[2];
  if (y1) *y1 = v[3];
}

bool ob_loss_is_convex(ObLossKind kind) {
  switch (kind) {
  case OB_LOSS_HALF_NORM: case OB_LOSS_ANISOTROPIC: case OB_LOSS_CONDITIONED: case OB_LOSS_LOGISTIC: return true;
  default: return false;
  }
}

bool ob_loss_minimum(const ObLoss *loss, double *l_star, double w_star[2]) {
  if (!loss) return false;
  double w[2] = {0, 0};
  switch (loss->kind) {
  case OB_LOSS_HALF_NORM: case OB_LOSS_ANISOTROPIC: case OB_LOSS_CONDITIONED: break;
  case OB_LOSS_ROSENBROCK: w[0] = 1; w[1] = 1; break;
  case OB_LOSS_HIMMELBLAU: w[0] = 3; w[1] = 2; break; /* one of its four minimizers, all with L = 0 */
  case OB_LOSS_DOUBLE_WELL: w[0] = 1; w[1] = 0; break; /* and (−1, 0) */
  default: return false;
  }
  if (l_star) *l_star = 0;
  if (w_star) {
    w_star[0] = w[0];
    w_star[1] = w[1];
  }
  return true;
}
