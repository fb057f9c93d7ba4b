/* plot-private.h: shared between the plot library's files, not installed. */
#ifndef OPTBENCH_PLOT_PRIVATE_H
#define OPTBENCH_PLOT_PRIVATE_H

#include "plot.h"

/* Emits the polygons (CCW, x y interleaved) covering the region where the piecewise-linear
 * interpolation of z is >= lo, each cell split into 4 triangles around its centre average (the
 * same rule the contour lines use for saddles). */
typedef void (*PlotPolygonSink) (void *data, const double *xy, int n);
void plot__contour_region (const double *z, int nx, int ny, double x0, double x1, double y0,
                           double y1, double lo, PlotPolygonSink sink, void *data);

#endif
