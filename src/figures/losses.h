/* losses.h: the two-dimensional losses the optimization lessons explore, built from engine
 * tensors, with values, gradients and Hessians from the engine's autodiff (never hand-coded
 * derivatives) and contour grids evaluated as one vectorised engine computation.
 *
 * GLib-free and GTK-free, like the rest of src/figures: lessons and figures share it, and it is
 * tested without a display (tests/figures/test-losses.c) against closed forms.
 */
#ifndef OPTBENCH_LOSSES_H
#define OPTBENCH_LOSSES_H

#include <stdbool.h>

#include "tn.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  OB_LOSS_HALF_NORM,   /* ½‖w‖² = ½(w₁² + w₂²) */
  OB_LOSS_ANISOTROPIC, /* w₁² + 0.2 w₂² (the lecture's Figure 3.1 function) */
  OB_LOSS_CONDITIONED, /* ½(w₁² + κ w₂²) with κ = param ≥ 1: its Hessian's condition number */
  OB_LOSS_ROSENBROCK,  /* (1 − w₁)² + 100 (w₂ − w₁²)² */
  OB_LOSS_SADDLE,      /* w₁² − w₂² */
  OB_LOSS_LOGISTIC,    /* (1/n) Σ log(1 + exp(−yᵢ xᵢᵀw)) over a seeded data set, yᵢ = ±1 */
  OB_LOSS_HIMMELBLAU,  /* (w₁² + w₂ − 11)² + (w₁ + w₂² − 7)²: four minima, one maximum, four saddles */
  OB_LOSS_DOUBLE_WELL, /* (w₁² − 1)² + ½ w₂²: two minima and a saddle between them (nonconvex) */
  OB_LOSS_COUNT
} ObLossKind;

typedef struct {
  ObLossKind kind;
  double param; /* κ for OB_LOSS_CONDITIONED (values below 1 are taken as 1); unused otherwise */
} ObLoss;

/* Stable ids ("half-norm", "anisotropic", "conditioned", "rosenbrock", "saddle", "logistic",
 * "himmelblau", "double-well") for settings and tests; -1 from an unknown id. */
const char *ob_loss_id(ObLossKind kind);
int ob_loss_from_id(const char *id);
/* The formula as Pango markup (mathematics, not translated), e.g. "½‖<i>w</i>‖²". */
const char *ob_loss_formula_markup(const ObLoss *loss);
/* A window that shows the loss's interesting features: [x0, x1] × [y0, y1]. */
void ob_loss_default_view(ObLossKind kind, double *x0, double *x1, double *y0, double *y1);
bool ob_loss_is_convex(ObLossKind kind);
/* The global minimum L* and a minimizer w*, when known in closed form (false for the saddle,
 * which has none, and for the logistic loss, whose minimizer has no closed form). */
bool ob_loss_minimum(const ObLoss *loss, double *l_star, double w_star[2]);

/* The loss as an engine computation: w is a float64 tensor of shape (2) (usually a leaf with
 * requires_grad); returns the 0-dim loss tensor, in the graph of w. NULL on an engine error. */
tn_tensor *ob_loss_forward(const ObLoss *loss, tn_tensor *w);

/* L(w), and optionally ∇L(w) (grad) and the Hessian (hess, row-major 2×2), all from the engine's
 * autodiff in float64 (the Hessian by differentiating the gradient: autograd.grad with
 * create_graph). false with *error (malloc'd, free() it) on failure. */
bool ob_loss_eval(const ObLoss *loss, const double w[2], double *value, double grad[2], double hess[4],
                  char **error);

/* z[j * nx + i] = L(x0 + i (x1 − x0)/(nx − 1), y0 + j (y1 − y0)/(ny − 1)) for a grid of nx × ny
 * points (nx, ny ≥ 2), evaluated as one engine computation on float64 tensors. */
bool ob_loss_grid(const ObLoss *loss, double x0, double x1, double y0, double y1, int nx, int ny,
                  double *z, char **error);

/* The logistic loss's data set (n points, features x (n × 2, row-major), labels ±1), drawn once from
 * the engine's generator with a fixed seed; the caller's generator state is left as it was. */
int ob_loss_logistic_data(const double **x, const double **y);

#ifdef __cplusplus
}
#endif

#endif
