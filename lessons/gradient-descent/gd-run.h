/* gd-run.h — a gradient-descent run on a 2-D loss of losses.h, shared by the lessons
 * "gradient-descent" (the runner) and "diagnostics": the iterates w_k and, per iterate, the value
 * L(w_k) and the gradient norm ‖∇L(w_k)‖, all from the engine's autodiff (ob_loss_eval).
 *
 * The run stops growing at GD_RUN_MAX_ITERATIONS, and when it diverges: the value grows past
 * GD_RUN_BLOWUP times its start (or past GD_RUN_BLOWUP when it started below 1), or becomes
 * non-finite. A non-finite iterate is never stored, so every stored number can be drawn. */
#pragma once

#include <stdbool.h>

#include "losses.h"

#define GD_RUN_MAX_ITERATIONS 10000
#define GD_RUN_BLOWUP 1e6

typedef struct {
  ObLoss loss;
  double eta;
  double w0[2];
  /* Iterates 0..n-1 (n ≥ 1 after a successful reset): w[2k], w[2k+1], value[k], grad_norm[k]. */
  int n;
  int cap;
  double *w;
  double *value;
  double *grad_norm;
  double grad[2]; /* ∇L at the last iterate */
  bool diverged;
  bool failed;    /* an engine error: error holds its message */
  char *error;
} GdRun;

/* Starts (or restarts) a run at w0: evaluates iterate 0. false on an engine error. */
bool gd_run_reset(GdRun *run, const ObLoss *loss, double eta, const double w0[2]);
/* Takes up to `steps` iterations w ← w − η∇L(w); returns how many were taken (fewer when the run
 * diverges, fails or reaches GD_RUN_MAX_ITERATIONS). */
int gd_run_step(GdRun *run, int steps);
/* Frees the arrays (the struct itself is the caller's). */
void gd_run_clear(GdRun *run);

static inline int gd_run_iterations(const GdRun *run) { return run->n > 0 ? run->n - 1 : 0; }
/* Whether more steps can be taken. */
bool gd_run_can_step(const GdRun *run);

/* The quadratic losses (½‖w‖², w₁² + 0.2w₂², ½(w₁² + κw₂²)) have a constant Hessian: for them the
 * stability threshold η = 2/λ_max, λ_max the largest eigenvalue of the engine Hessian. false for
 * the other losses (no single threshold) or on an engine error. */
bool gd_stability_threshold(const ObLoss *loss, double *threshold, double *lambda_max);

/* L* for the logistic loss, which has no closed form: a long Newton run (the engine's gradient
 * and Hessian) from w = 0, computed once and cached. false on an engine error. */
bool gd_logistic_minimum(double *l_star, double w_star[2]);
/* L* when known: in closed form (ob_loss_minimum), or computed (logistic; *computed set true). */
bool gd_loss_minimum(const ObLoss *loss, double *l_star, bool *computed);

/* The step size η of a logarithmic slider's value log10 η, rounded to three significant digits so
 * the value shown is the value used (0.5, not 0.49999999999999994). */
double gd_eta_from_log10(double log10_eta);

/* ---- the four diagnostics as plots (both lessons draw them the same way) ---- */

#include "plot.h"

typedef struct {
  const double *value;     /* L(w_k), k = 0..n-1 */
  const double *grad_norm; /* ‖∇L(w_k)‖ */
  int n;
  bool has_l_star;
  double l_star;
  bool log_y;
  /* Markup, translated by the caller: the four titles (objective, gap, gradient norm, plateau
   * metric), the x-axis label, and what the gap plot says when L* is unknown. */
  const char *titles[4];
  const char *xlabel;
  const char *no_l_star;
} GdDiagnostics;

/* Adds the four diagnostics to fig as subplots first_index .. first_index + 3 of a rows × cols
 * grid. On a logarithmic axis, values that are not positive (an exact 0) are left out. Long runs
 * are thinned to about 2000 points a line: the curves look the same and a frame stays cheap. */
void gd_diagnostics_plot(PlotFigure *fig, int rows, int cols, int first_index, const GdDiagnostics *d);
