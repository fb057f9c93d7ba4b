/* figures.h: the lecture's figures, built from engine computations and drawn with src/plot.
 *
 * Each figure has a lecture name (DESIGN.md), a builder that takes its parameters (the lecture's
 * defaults from ob_figure_params_default), and exports to PNG, SVG or PDF with no display.
 * GLib-free and GTK-free: it depends on the engine (tn.h) and the plotting library only.
 */
#ifndef OPTBENCH_FIGURES_H
#define OPTBENCH_FIGURES_H

#include <stdbool.h>
#include <stdio.h>

#include "plot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every figure's parameters in one struct, so a caller (the window) can keep "the current
 * parameters" and export any figure with them. */
typedef struct {
  /* grad_is_normal_to_level_sets: L(w) = c1 w1^2 + c2 w2^2 at the point w */
  double quad_c[2]; /* (1, 0.2) */
  double w[2];      /* (1, 1) */
  /* steepest_descent_unit_circle: the gradient g (only its direction matters) */
  double g[2]; /* (1, 1) */
  /* gd_torch_quadratic_diagnostics: gradient descent on L(w) = a (w - c)^2 */
  double gd_a;    /* 1 */
  double gd_c;    /* 1 */
  double gd_w0;   /* 3 */
  double gd_eta;  /* 0.1 */
  int gd_steps;   /* 40 (iterations after the start; 1..10000) */
} ObFigureParams;

void ob_figure_params_default(ObFigureParams *p);

typedef enum { OB_FIGURE_PNG, OB_FIGURE_SVG, OB_FIGURE_PDF } ObFigureFormat;

/* The formats' names and extensions ("png", "svg", "pdf"); -1 for an unknown name. */
int ob_figure_format_from_name(const char *name);
const char *ob_figure_format_name(ObFigureFormat format);

#define OB_FIGURE_DPI_MIN 10
#define OB_FIGURE_DPI_MAX 2400

/* The registry, in the lecture's order. */
int ob_figure_count(void);
const char *ob_figure_name(int index);        /* NULL when out of range */
bool ob_figure_exists(const char *name);
/* "a, b, c": the valid names, for messages (static storage). */
const char *ob_figure_names_list(void);

/* Builds the named figure (params NULL: the defaults). NULL with *error (malloc'd) set on failure:
 * unknown name, bad parameters, or an engine error (its message is included). */
PlotFigure *ob_figure_build(const char *name, const ObFigureParams *params, char **error);

/* Writes one figure to path (temporary file + rename, so no partial file is left). */
bool ob_figure_export_file(const char *name, const ObFigureParams *params, const char *path,
                           ObFigureFormat format, double dpi, char **error);

/* ---- what the figures draw, computed by the engine (for the figures and the tests) ---- */

typedef struct {
  double loss_at_w;  /* L(w) */
  double grad[2];    /* ∇L(w), by the engine's autodiff */
  double tangent[2]; /* unit vector orthogonal to grad (grad rotated by +90 degrees) */
} ObGradNormalData;
bool ob_figure_grad_normal_compute(const ObFigureParams *p, ObGradNormalData *out, char **error);

typedef struct {
  double g_unit[2];    /* g / ||g|| */
  double descent[2];   /* -g / ||g|| */
  double orth[2];      /* g / ||g|| rotated by +90 degrees */
  double pos_corr[2];  /* a unit direction 30 degrees from g */
  double dots[4];      /* g^T d for the four directions above, in that order */
} ObUnitCircleData;
bool ob_figure_unit_circle_compute(const ObFigureParams *p, ObUnitCircleData *out, char **error);

/* Runs gradient descent: loss[k] = L(w_k), grad_abs[k] = |L'(w_k)|, w[k] = w_k for k = 0..steps
 * (arrays of steps + 1 doubles, any of them may be NULL). */
bool ob_figure_gd_run(const ObFigureParams *p, double *w, double *loss, double *grad_abs,
                      char **error);

/* ---- `optbench export-figures [DIR] [--format png|svg|pdf] [--dpi N] [--only NAME,...]` ---- */

/* argv[0] is "export-figures". Prints one line per written file on out, one message on err.
 * Returns 0, 1 on a failure to compute or write, 2 on a usage error. */
int ob_figures_main(int argc, char **argv, FILE *out, FILE *err);

#ifdef __cplusplus
}
#endif

#endif
