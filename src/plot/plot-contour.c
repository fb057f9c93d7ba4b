/* plot-contour.c: marching squares, segment assembly into polylines, and filled regions. */
#include "plot-private.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int level;
  int start; /* index of the first point in pts (in points, not doubles) */
  int n;
  bool closed;
} Line;

struct PlotContourSet {
  atomic_int refs; /* the items and the cache below share sets */
  int n_lines, cap_lines;
  Line *lines;
  int n_pts, cap_pts;
  double *pts;
};


/* Segment ends per case as pairs of cell edges (0 bottom, 1 right, 2 top, 3 left); -1 ends.
 * Index: case * 2 + (centre above ? 1 : 0) for the saddles 5 and 10; other cases ignore it. */
static const signed char seg_table[16][2][4] = {
  {{-1, -1, -1, -1}, {-1, -1, -1, -1}}, /* 0 */
  {{3, 0, -1, -1}, {3, 0, -1, -1}},     /* 1: corner 0 above */
  {{0, 1, -1, -1}, {0, 1, -1, -1}},     /* 2 */
  {{3, 1, -1, -1}, {3, 1, -1, -1}},     /* 3 */
  {{1, 2, -1, -1}, {1, 2, -1, -1}},     /* 4 */
  /* 5: corners 0 and 2 above. Centre below: 0 and 2 are islands; above: 1 and 3 are. */
  {{3, 0, 1, 2}, {0, 1, 2, 3}},
  {{0, 2, -1, -1}, {0, 2, -1, -1}},     /* 6 */
  {{2, 3, -1, -1}, {2, 3, -1, -1}},     /* 7 */
  {{2, 3, -1, -1}, {2, 3, -1, -1}},     /* 8 */
  {{0, 2, -1, -1}, {0, 2, -1, -1}},     /* 9 */
  /* 10: corners 1 and 3 above. Centre below: 1 and 3 are islands; above: 0 and 2 are. */
  {{0, 1, 2, 3}, {3, 0, 1, 2}},
  {{1, 2, -1, -1}, {1, 2, -1, -1}},     /* 11 */
  {{3, 1, -1, -1}, {3, 1, -1, -1}},     /* 12 */
  {{0, 1, -1, -1}, {0, 1, -1, -1}},     /* 13 */
  {{3, 0, -1, -1}, {3, 0, -1, -1}},     /* 14 */
  {{-1, -1, -1, -1}, {-1, -1, -1, -1}}, /* 15 */
};

typedef struct {
  int nx, ny;
  int n_h; /* horizontal edges */
  int n_edges;
  int *link; /* 2 per edge: segments meeting there */
  double *ept; /* crossing point per edge */
  int *seg;    /* 2 edges per segment */
  int n_seg, cap_seg;
  int *touched;
  int n_touched;
  unsigned char *used;
  int cap_used;
  double *bmin, *bmax; /* value range of each BLOCK x BLOCK block of cells */
} Work;

static bool
add_point (PlotContourSet *s, double x, double y)
{
  /* a level through a grid vertex gives a zero-length segment: keep one copy of the point */
  Line *cur = s->n_lines < s->cap_lines ? &s->lines[s->n_lines] : NULL;
  if (cur && s->n_pts > cur->start && s->pts[2 * s->n_pts - 2] == x && s->pts[2 * s->n_pts - 1] == y)
    return true;
  if (!plot__grow ((void **) &s->pts, &s->cap_pts, (s->n_pts + 1) * 2, sizeof (double)))
    return false;
  s->pts[2 * s->n_pts] = x;
  s->pts[2 * s->n_pts + 1] = y;
  s->n_pts++;
  return true;
}

static int
other_seg (const Work *w, int edge, int seg)
{
  int a = w->link[2 * edge], b = w->link[2 * edge + 1];
  return a == seg ? b : a;
}

/* Walks the chain of segments from segment `s`, starting at its edge number start_end (0 or 1). */
static bool
trace (PlotContourSet *set, Work *w, int s, int start_end, int level)
{
  if (!plot__grow ((void **) &set->lines, &set->cap_lines, set->n_lines + 1, sizeof (Line)))
    return false;
  Line *ln = &set->lines[set->n_lines];
  ln->level = level;
  ln->start = set->n_pts;
  ln->closed = false;
  int first = s;
  int edge = w->seg[2 * s + start_end];
  if (!add_point (set, w->ept[2 * edge], w->ept[2 * edge + 1]))
    return false;
  for (;;) {
    w->used[s] = 1;
    int e0 = w->seg[2 * s], e1 = w->seg[2 * s + 1];
    int next_edge = e0 == edge ? e1 : e0;
    int nxt = other_seg (w, next_edge, s);
    if (nxt == first && nxt >= 0) {
      ln->closed = true;
      if (set->n_pts - ln->start > 1 && set->pts[2 * set->n_pts - 2] == set->pts[2 * ln->start] &&
          set->pts[2 * set->n_pts - 1] == set->pts[2 * ln->start + 1])
        set->n_pts--; /* the closing point repeats the first */
      break;
    }
    if (!add_point (set, w->ept[2 * next_edge], w->ept[2 * next_edge + 1]))
      return false;
    if (nxt < 0 || w->used[nxt])
      break;
    s = nxt;
    edge = next_edge;
  }
  ln = &set->lines[set->n_lines];
  ln->n = set->n_pts - ln->start;
  set->n_lines++;
  return true;
}

static void
link_edge (Work *w, int edge, int seg)
{
  if (w->link[2 * edge] < 0) {
    w->link[2 * edge] = seg;
    w->touched[w->n_touched++] = edge;
  } else {
    w->link[2 * edge + 1] = seg;
  }
}

/* Adds the segments of cell (i, j) at level lv. */
static inline bool
do_cell (Work *w, const double *z, int i, int j, double x0, double dx, double y0, double dy,
         double lv)
{
  int nx = w->nx;
  const double *r0 = z + (size_t) j * nx, *r1 = r0 + nx;
  double c[4] = {r0[i], r0[i + 1], r1[i + 1], r1[i]};
  int cs = (c[0] >= lv) | (c[1] >= lv) << 1 | (c[2] >= lv) << 2 | (c[3] >= lv) << 3;
  if (cs == 0 || cs == 15)
    return true;
  if (!isfinite (c[0]) || !isfinite (c[1]) || !isfinite (c[2]) || !isfinite (c[3]))
    return true;
  int centre = 0;
  if (cs == 5 || cs == 10)
    centre = (c[0] + c[1] + c[2] + c[3]) * 0.25 >= lv;
  const signed char *t = seg_table[cs][centre];
  int edges[4] = {j * (nx - 1) + i, w->n_h + j * nx + i + 1, (j + 1) * (nx - 1) + i,
                  w->n_h + j * nx + i};
  for (int k = 0; k < 4 && t[k] >= 0; k += 2) {
    if (!plot__grow ((void **) &w->seg, &w->cap_seg, (w->n_seg + 1) * 2, sizeof (int)))
      return false;
    for (int q = 0; q < 2; q++) {
      int ce = t[k + q];
      int edge = edges[ce];
      w->seg[2 * w->n_seg + q] = edge;
      if (w->link[2 * edge] < 0) {
        /* First time this edge is crossed at this level: interpolate its point. */
        static const int ca[4] = {0, 1, 3, 0}, cb[4] = {1, 2, 2, 3};
        static const int cxo[4] = {0, 1, 1, 0}, cyo[4] = {0, 0, 1, 1};
        double za = c[ca[ce]], zb = c[cb[ce]];
        double f = (lv - za) / (zb - za);
        if (!(f >= 0))
          f = 0;
        if (f > 1)
          f = 1;
        double xa = x0 + (i + cxo[ca[ce]]) * dx, ya = y0 + (j + cyo[ca[ce]]) * dy;
        double xb = x0 + (i + cxo[cb[ce]]) * dx, yb = y0 + (j + cyo[cb[ce]]) * dy;
        w->ept[2 * edge] = xa + (xb - xa) * f;
        w->ept[2 * edge + 1] = ya + (yb - ya) * f;
      }
      link_edge (w, edge, w->n_seg);
    }
    w->n_seg++;
  }
  return true;
}

#define BLOCK 16

static bool
do_level (PlotContourSet *set, Work *w, const double *z, double x0, double dx, double y0,
          double dy, double lv, int level)
{
  int nx = w->nx, ny = w->ny;
  w->n_seg = 0;
  int nbx = (nx - 2) / BLOCK + 1, nby = (ny - 2) / BLOCK + 1;
  /* Only blocks whose value range straddles the level can hold a crossing. */
  for (int by = 0; by < nby; by++)
    for (int bx = 0; bx < nbx; bx++) {
      size_t b = (size_t) by * nbx + bx;
      if (!(w->bmin[b] < lv && w->bmax[b] >= lv))
        continue;
      int j1 = (by + 1) * BLOCK < ny - 1 ? (by + 1) * BLOCK : ny - 1;
      int i1 = (bx + 1) * BLOCK < nx - 1 ? (bx + 1) * BLOCK : nx - 1;
      for (int j = by * BLOCK; j < j1; j++)
        for (int i = bx * BLOCK; i < i1; i++)
          if (!do_cell (w, z, i, j, x0, dx, y0, dy, lv))
            return false;
    }
  if (!plot__grow ((void **) &w->used, &w->cap_used, w->n_seg + 1, 1))
    return false;
  memset (w->used, 0, (size_t) w->n_seg);
  bool ok = true;
  /* Open lines start at an end with one segment (grid border or a non-finite cell). */
  for (int s = 0; s < w->n_seg && ok; s++) {
    if (w->used[s])
      continue;
    for (int q = 0; q < 2; q++)
      if (w->link[2 * w->seg[2 * s + q] + 1] < 0) {
        ok = trace (set, w, s, q, level);
        break;
      }
  }
  for (int s = 0; s < w->n_seg && ok; s++)
    if (!w->used[s])
      ok = trace (set, w, s, 0, level);
  for (int k = 0; k < w->n_touched; k++) {
    w->link[2 * w->touched[k]] = -1;
    w->link[2 * w->touched[k] + 1] = -1;
  }
  w->n_touched = 0;
  return ok;
}

PlotContourSet *
plot_contour_compute (const double *z, int nx, int ny, double x0, double x1, double y0, double y1,
                      const double *levels, int n_levels)
{
  if (!z || nx < 2 || ny < 2 || n_levels < 0 || (n_levels > 0 && !levels))
    return NULL;
  if (!isfinite (x0) || !isfinite (x1) || !isfinite (y0) || !isfinite (y1))
    return NULL;
  if ((size_t) nx * (size_t) ny > (size_t) INT32_MAX / 4)
    return NULL;
  for (int l = 0; l < n_levels; l++)
    if (!isfinite (levels[l]))
      return NULL;
  PlotContourSet *set = calloc (1, sizeof *set);
  if (!set)
    return NULL;
  atomic_init (&set->refs, 1);
  Work w = {.nx = nx, .ny = ny};
  w.n_h = ny * (nx - 1);
  w.n_edges = w.n_h + (ny - 1) * nx;
  w.link = malloc ((size_t) w.n_edges * 2 * sizeof (int));
  w.ept = malloc ((size_t) w.n_edges * 2 * sizeof (double));
  w.touched = malloc ((size_t) w.n_edges * sizeof (int));
  bool ok = w.link && w.ept && w.touched;
  if (ok)
    memset (w.link, 0xff, (size_t) w.n_edges * 2 * sizeof (int)); /* all -1 */
  int nbx = (nx - 2) / BLOCK + 1, nby = (ny - 2) / BLOCK + 1;
  w.bmin = malloc ((size_t) nbx * nby * sizeof (double));
  w.bmax = malloc ((size_t) nbx * nby * sizeof (double));
  ok = ok && w.bmin && w.bmax;
  for (int by = 0; by < nby && ok; by++)
    for (int bx = 0; bx < nbx; bx++) {
      double lo = INFINITY, hi = -INFINITY;
      int j1 = (by + 1) * BLOCK < ny - 1 ? (by + 1) * BLOCK : ny - 1;
      int i1 = (bx + 1) * BLOCK < nx - 1 ? (bx + 1) * BLOCK : nx - 1;
      for (int j = by * BLOCK; j <= j1; j++) /* corners: one past the last cell */
        for (int i = bx * BLOCK; i <= i1; i++) {
          double v = z[(size_t) j * nx + i];
          if (v < lo)
            lo = v;
          if (v > hi)
            hi = v;
        }
      w.bmin[(size_t) by * nbx + bx] = lo;
      w.bmax[(size_t) by * nbx + bx] = hi;
    }
  double dx = (x1 - x0) / (nx - 1), dy = (y1 - y0) / (ny - 1);
  for (int l = 0; l < n_levels && ok; l++)
    ok = do_level (set, &w, z, x0, dx, y0, dy, levels[l], l);
  free (w.link);
  free (w.ept);
  free (w.touched);
  free (w.seg);
  free (w.used);
  free (w.bmin);
  free (w.bmax);
  if (!ok) {
    plot_contour_set_free (set);
    return NULL;
  }
  return set;
}

void
plot_contour_set_free (PlotContourSet *set)
{
  if (!set || atomic_fetch_sub (&set->refs, 1) > 1)
    return;
  free (set->lines);
  free (set->pts);
  free (set);
}

int
plot_contour_set_n_lines (const PlotContourSet *set)
{
  return set ? set->n_lines : 0;
}

const double *
plot_contour_set_line (const PlotContourSet *set, int index, int *n_points, int *level_index,
                       bool *closed)
{
  if (!set || index < 0 || index >= set->n_lines)
    return NULL;
  const Line *l = &set->lines[index];
  if (n_points)
    *n_points = l->n;
  if (level_index)
    *level_index = l->level;
  if (closed)
    *closed = l->closed;
  return set->pts + 2 * (size_t) l->start;
}

int
plot_contour_auto_levels (double zmin, double zmax, int n, double *out, int max_out)
{
  if (!out || max_out <= 0 || !(zmax > zmin) || !isfinite (zmin) || !isfinite (zmax))
    return 0;
  PlotTicks t;
  if (!plot_ticks_compute (PLOT_SCALE_LINEAR, zmin, zmax, n < 2 ? 2 : n + 1, &t))
    return 0;
  int k = 0;
  for (int i = 0; i < t.n_major && k < max_out; i++)
    if (t.major[i] > zmin && t.major[i] < zmax)
      out[k++] = t.major[i];
  return k;
}

/* ---- filled regions ---- */

/* Clips the triangle (xy, values v) to v >= lo and emits the result. */
static void
clip_triangle (const double *p, const double *v, double lo, PlotPolygonSink sink, void *data)
{
  double out[8];
  int n = 0;
  for (int k = 0; k < 3; k++) {
    int m = (k + 1) % 3;
    bool in_k = v[k] >= lo, in_m = v[m] >= lo;
    if (in_k) {
      out[2 * n] = p[2 * k];
      out[2 * n + 1] = p[2 * k + 1];
      n++;
    }
    if (in_k != in_m) {
      double f = (lo - v[k]) / (v[m] - v[k]);
      out[2 * n] = p[2 * k] + (p[2 * m] - p[2 * k]) * f;
      out[2 * n + 1] = p[2 * k + 1] + (p[2 * m + 1] - p[2 * k + 1]) * f;
      n++;
    }
  }
  if (n >= 3)
    sink (data, out, n);
}

void
plot__contour_region (const double *z, int nx, int ny, double x0, double x1, double y0, double y1,
                      double lo, PlotPolygonSink sink, void *data)
{
  double dx = (x1 - x0) / (nx - 1), dy = (y1 - y0) / (ny - 1);
  for (int j = 0; j + 1 < ny; j++) {
    const double *r0 = z + (size_t) j * nx, *r1 = r0 + nx;
    double ya = y0 + j * dy, yb = y0 + (j + 1) * dy;
    int run = -1; /* start of a run of cells wholly inside: emitted as one rectangle */
    for (int i = 0; i + 1 <= nx; i++) {
      bool inside = false;
      double c[4] = {0};
      if (i + 1 < nx) {
        c[0] = r0[i];
        c[1] = r0[i + 1];
        c[2] = r1[i + 1];
        c[3] = r1[i];
        inside = c[0] >= lo && c[1] >= lo && c[2] >= lo && c[3] >= lo;
      }
      if (inside) {
        if (run < 0)
          run = i;
        continue;
      }
      if (run >= 0) {
        double xa = x0 + run * dx, xb = x0 + i * dx;
        double rect[8] = {xa, ya, xb, ya, xb, yb, xa, yb};
        sink (data, rect, 4);
        run = -1;
      }
      if (i + 1 >= nx)
        break;
      if (!isfinite (c[0]) || !isfinite (c[1]) || !isfinite (c[2]) || !isfinite (c[3]))
        continue;
      if (c[0] < lo && c[1] < lo && c[2] < lo && c[3] < lo)
        continue;
      double xa = x0 + i * dx, xb = xa + dx;
      double ctr = (c[0] + c[1] + c[2] + c[3]) * 0.25;
      double px[4][2] = {{xa, ya}, {xb, ya}, {xb, yb}, {xa, yb}};
      for (int k = 0; k < 4; k++) {
        int m = (k + 1) % 4;
        double tri[6] = {px[k][0], px[k][1], px[m][0], px[m][1], (xa + xb) / 2, (ya + yb) / 2};
        double tv[3] = {c[k], c[m], ctr};
        clip_triangle (tri, tv, lo, sink, data);
      }
    }
  }
}

/* A few recent contour sets, so that a view rebuilding its figure for every pointer move does not
 * trace the same grid again: keyed by copies of their inputs, compared exactly. Grids of up to
 * CACHE_MAX_CELLS samples are kept (8 MiB of grids at most). */
enum { CACHE_N = 4, CACHE_MAX_CELLS = 1 << 18 };

typedef struct {
  double *z, *levels;
  int nx, ny, n_levels;
  double ext[4];
  PlotContourSet *set;
  uint64_t used;
} CacheEntry;

static CacheEntry cache[CACHE_N];
static uint64_t cache_clock;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static bool
entry_matches (const CacheEntry *e, const double *z, int nx, int ny, const double ext[4],
               const double *levels, int n_levels)
{
  return e->set && e->nx == nx && e->ny == ny && e->n_levels == n_levels &&
         memcmp (e->ext, ext, sizeof e->ext) == 0 &&
         memcmp (e->levels, levels, (size_t) n_levels * sizeof (double)) == 0 &&
         memcmp (e->z, z, (size_t) nx * (size_t) ny * sizeof (double)) == 0;
}

PlotContourSet *
plot__contour_shared (const double *z, int nx, int ny, double x0, double x1, double y0, double y1,
                      const double *levels, int n_levels)
{
  if (!z || nx < 2 || ny < 2 || n_levels < 1 || !levels || (size_t) nx * (size_t) ny > CACHE_MAX_CELLS)
    return plot_contour_compute (z, nx, ny, x0, x1, y0, y1, levels, n_levels);
  double ext[4] = {x0, x1, y0, y1};
  pthread_mutex_lock (&cache_lock);
  for (int i = 0; i < CACHE_N; i++)
    if (entry_matches (&cache[i], z, nx, ny, ext, levels, n_levels)) {
      cache[i].used = ++cache_clock;
      PlotContourSet *set = cache[i].set;
      atomic_fetch_add (&set->refs, 1);
      pthread_mutex_unlock (&cache_lock);
      return set;
    }
  pthread_mutex_unlock (&cache_lock);
  PlotContourSet *set = plot_contour_compute (z, nx, ny, x0, x1, y0, y1, levels, n_levels);
  if (!set)
    return NULL;
  size_t nz = (size_t) nx * (size_t) ny;
  double *zc = malloc (nz * sizeof (double)), *lc = malloc ((size_t) n_levels * sizeof (double));
  if (!zc || !lc) {
    free (zc);
    free (lc);
    return set; /* not kept: still a good set */
  }
  memcpy (zc, z, nz * sizeof (double));
  memcpy (lc, levels, (size_t) n_levels * sizeof (double));
  pthread_mutex_lock (&cache_lock);
  int victim = 0;
  for (int i = 1; i < CACHE_N; i++)
    if (cache[i].used < cache[victim].used)
      victim = i;
  CacheEntry *e = &cache[victim];
  free (e->z);
  free (e->levels);
  plot_contour_set_free (e->set);
  *e = (CacheEntry) {.z = zc, .levels = lc, .nx = nx, .ny = ny, .n_levels = n_levels,
                     .ext = {x0, x1, y0, y1}, .set = set, .used = ++cache_clock};
  atomic_fetch_add (&set->refs, 1);
  pthread_mutex_unlock (&cache_lock);
  return set;
}
