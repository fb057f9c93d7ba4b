/* bench-frames.c — frame times of the live lessons (issue 6, "Live, at display rate"); run by
 * script/bench-frames.sh under Xvfb. Not a test: it asserts nothing about time.
 *
 * For every lesson, in a 1280×800 window: each plot view with interactive axes gets a drag along a
 * closed curve across its plot area (through ob_plot_view_pointer_at, the path the pointer gestures
 * take), one pointer position per frame; every slider is swept across its range, one position per
 * frame (a lesson with neither gets its first spin button swept); a lesson whose visual animates on
 * its own (a running runner) is sampled for a second. Per lesson it prints the median and 95th percentile of the plot view's build time, its
 * render time, their sum, the frame's work (all GTK does for the frame: layout, snapshot, the
 * renderer), and the interval from the pointer move to the end of the frame that shows it (the frame
 * clock paces frames at the display's rate, so about 16.7 ms means the next frame). */
#include "optbench-config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <adwaita.h>

#include "lesson-harness.h"

enum { DRAG_FRAMES = 90, SWEEP_FRAMES = 60 };

typedef struct {
  double *v;
  int n, cap;
} Samples;

static void add(Samples *s, double v) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 64;
    s->v = g_renew(double, s->v, s->cap);
  }
  s->v[s->n++] = v;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double pct(Samples *s, double p) {
  if (s->n == 0) return NAN;
  qsort(s->v, (size_t)s->n, sizeof *s->v, cmp);
  int i = (int)ceil(p * s->n) - 1;
  return s->v[CLAMP(i, 0, s->n - 1)];
}

typedef struct {
  Samples build, render, total, work, interval;
} Stats;

static void stats_clear(Stats *st) {
  g_free(st->build.v);
  g_free(st->render.v);
  g_free(st->total.v);
  g_free(st->work.v);
  g_free(st->interval.v);
  memset(st, 0, sizeof *st);
}

static void print_stats(const char *lesson, const char *what, Stats *st) {
  printf("%-20s %-22s %4d  %7.2f %7.2f  %7.2f %7.2f  %7.2f %7.2f  %7.2f %7.2f  %7.2f %7.2f\n", lesson, what,
         st->total.n, pct(&st->build, 0.5), pct(&st->build, 0.95), pct(&st->render, 0.5), pct(&st->render, 0.95),
         pct(&st->total, 0.5), pct(&st->total, 0.95), pct(&st->work, 0.5), pct(&st->work, 0.95),
         pct(&st->interval, 0.5), pct(&st->interval, 0.95));
}

/* One frame: waits for the window's next paint and records the plot view's times. The frame's work
 * is the time from the frame clock's first phase (before-paint: events flushed) to the end of its
 * last (after-paint): layout, snapshot and the renderer, everything GTK does for that frame. */
static gint64 last_paint;
typedef struct {
  gint64 begin, end;
} FrameMarks;

static void on_before_paint(GdkFrameClock *clock, gpointer data) {
  (void)clock;
  FrameMarks *m = data;
  if (!m->begin) m->begin = g_get_monotonic_time();
}

static void on_after_paint(GdkFrameClock *clock, gpointer data) {
  (void)clock;
  FrameMarks *m = data;
  m->end = g_get_monotonic_time();
}

static gboolean painted(gpointer data) { return ((FrameMarks *)data)->end != 0; }

static void frame(ObPlotView *plot, Stats *st, gint64 t_event) {
  GdkFrameClock *clock = gtk_widget_get_frame_clock(GTK_WIDGET(harness_window()));
  FrameMarks marks = {0, 0};
  gulong before = g_signal_connect(clock, "before-paint", G_CALLBACK(on_before_paint), &marks);
  gulong after = g_signal_connect(clock, "after-paint", G_CALLBACK(on_after_paint), &marks);
  gtk_widget_queue_draw(GTK_WIDGET(plot)); /* a frame even when the lesson had nothing to redraw */
  harness_wait_until(painted, &marks);
  g_signal_handler_disconnect(clock, before);
  g_signal_handler_disconnect(clock, after);
  gint64 when = marks.end;
  double b = ob_plot_view_get_last_build_us(plot) / 1000.0, r = ob_plot_view_get_last_render_us(plot) / 1000.0;
  add(&st->build, b);
  add(&st->render, r);
  add(&st->total, b + r);
  if (marks.begin) add(&st->work, (marks.end - marks.begin) / 1000.0);
  add(&st->interval, (when - t_event) / 1000.0);
  last_paint = when;
}

static void collect(GtkWidget *root, GType type, GPtrArray *out) {
  if (G_TYPE_CHECK_INSTANCE_TYPE(root, type) && gtk_widget_get_mapped(root)) g_ptr_array_add(out, root);
  for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) collect(c, type, out);
}

/* A drag along a rounded curve over the middle 80% of the plot area. */
static gboolean drag_plot(ObPlotView *plot, Stats *st) {
  PlotFigure *fig = ob_plot_view_get_figure(plot);
  PlotAxes *ax = fig ? plot_figure_get_axes(fig, ob_plot_view_get_interactive_axes(plot)) : NULL;
  double x, y, w, h;
  if (!ax || !plot_axes_get_area(ax, &x, &y, &w, &h)) return FALSE;
  double s = ob_plot_view_get_presentation_scale();
  for (int k = 0; k <= DRAG_FRAMES; k++) {
    double t = 2 * G_PI * k / DRAG_FRAMES;
    double px = (x + w * (0.5 + 0.4 * sin(t))) * s, py = (y + h * (0.5 + 0.4 * sin(2 * t + 0.5))) * s;
    ObPlotPhase phase = k == 0 ? OB_PLOT_PRESS : k == DRAG_FRAMES ? OB_PLOT_RELEASE : OB_PLOT_DRAG;
    gint64 t0 = g_get_monotonic_time();
    if (!ob_plot_view_pointer_at(plot, px, py, phase)) return FALSE;
    frame(plot, st, t0);
  }
  return TRUE;
}

static void sweep(GtkAdjustment *adj, ObPlotView *plot, Stats *st) {
  double lo = gtk_adjustment_get_lower(adj), hi = gtk_adjustment_get_upper(adj) - gtk_adjustment_get_page_size(adj);
  double start = gtk_adjustment_get_value(adj);
  for (int k = 0; k <= SWEEP_FRAMES; k++) {
    gint64 t0 = g_get_monotonic_time();
    gtk_adjustment_set_value(adj, lo + (hi - lo) * (0.5 - 0.5 * cos(2 * G_PI * k / SWEEP_FRAMES)));
    frame(plot, st, t0);
  }
  gtk_adjustment_set_value(adj, start);
}

/* The lesson's first slider (a scale; scroll bars are not the lesson's), else its first spin
 * button. */
static GtkWidget *first_control(GtkWidget *root) {
  if ((GTK_IS_SCALE(root) || GTK_IS_SPIN_BUTTON(root)) && gtk_widget_get_mapped(root)) return root;
  for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *found = first_control(c);
    if (found) return found;
  }
  return NULL;
}

int main(int argc, char **argv) {
  harness_init(&argc, &argv);
  printf("frame times in ms (median p95) per lesson, 1280x800 window, GSK_RENDERER=%s\n",
         g_getenv("GSK_RENDERER") ? g_getenv("GSK_RENDERER") : "(default)");
  printf("%-20s %-22s %4s  %15s  %15s  %15s  %15s  %15s\n", "lesson", "driven by", "n", "build", "render",
         "build+render", "frame work", "frame interval");
  guint n;
  const ObLessonInfo *const *all = ob_lessons_all(&n);
  /* BENCH_LESSONS=id,id,...: only those lessons (for profiling one). */
  char **only = g_getenv("BENCH_LESSONS") ? g_strsplit(g_getenv("BENCH_LESSONS"), ",", -1) : NULL;
  for (guint i = 0; i < n; i++) {
    if (only && !g_strv_contains((const char *const *)only, all[i]->id)) continue;
    ObLessonView *view = harness_open_lesson(all[i]->id);
    GPtrArray *plots = g_ptr_array_new();
    collect(GTK_WIDGET(view), OB_TYPE_PLOT_VIEW, plots);
    gboolean any = FALSE;
    for (guint p = 0; p < plots->len; p++) {
      ObPlotView *plot = g_ptr_array_index(plots, p);
      if (ob_plot_view_get_interactive_axes(plot) < 0) continue;
      Stats st = {0};
      char what[64];
      const char *name = gtk_widget_get_name(GTK_WIDGET(plot));
      g_snprintf(what, sizeof what, "drag %s", name && *name && strcmp(name, "ObPlotView") != 0 ? name : "plot");
      guint base0 = ob_plot_view_get_base_draws(plot);
      if (drag_plot(plot, &st)) {
        print_stats(all[i]->id, what, &st);
        printf("# %s: the base layer was drawn %u times in %d frames\n", all[i]->id,
               ob_plot_view_get_base_draws(plot) - base0, st.total.n);
        any = TRUE;
      }
      stats_clear(&st);
      harness_settle();
    }
    if (plots->len > 0) {
      /* Every slider of the lesson is swept (a slider that changes the loss recomputes its contour
       * grid for every position); a lesson with neither a plot to drag nor a slider gets its first
       * spin button. */
      GPtrArray *scales = g_ptr_array_new();
      collect(GTK_WIDGET(view), GTK_TYPE_SCALE, scales);
      for (guint k = 0; k < scales->len; k++) {
        GtkWidget *control = g_ptr_array_index(scales, k);
        if (!gtk_widget_is_sensitive(control)) continue;
        Stats st = {0};
        char what[64];
        const char *name = gtk_widget_get_name(control);
        g_snprintf(what, sizeof what, "slider %s", name ? name : "");
        sweep(gtk_range_get_adjustment(GTK_RANGE(control)), g_ptr_array_index(plots, 0), &st);
        print_stats(all[i]->id, what, &st);
        stats_clear(&st);
        harness_settle();
        any = TRUE;
      }
      g_ptr_array_free(scales, TRUE);
    }
    if (!any && plots->len > 0) {
      GtkWidget *control = first_control(GTK_WIDGET(view));
      if (control) {
        Stats st = {0};
        char what[64];
        const char *name = gtk_widget_get_name(control);
        g_snprintf(what, sizeof what, "%s %s", GTK_IS_SCALE(control) ? "slider" : "spin", name ? name : "");
        GtkAdjustment *adj = GTK_IS_SCALE(control) ? gtk_range_get_adjustment(GTK_RANGE(control))
                                                   : gtk_spin_button_get_adjustment(GTK_SPIN_BUTTON(control));
        sweep(adj, g_ptr_array_index(plots, 0), &st);
        print_stats(all[i]->id, what, &st);
        stats_clear(&st);
        any = TRUE;
      }
    }
    /* Animated lessons: a "play" action of the lesson, if it installed one, runs for a second. */
    if (plots->len > 0) {
      GtkWidget *play = harness_find_by_name(GTK_WIDGET(view), "play-button");
      if (play && gtk_widget_is_sensitive(play)) {
        gtk_widget_activate(play);
        Stats st = {0};
        ObPlotView *plot = g_ptr_array_index(plots, 0);
        gint64 end = g_get_monotonic_time() + G_USEC_PER_SEC;
        last_paint = g_get_monotonic_time();
        while (g_get_monotonic_time() < end) frame(plot, &st, last_paint);
        print_stats(all[i]->id, "animation (play)", &st);
        stats_clear(&st);
        gtk_widget_activate(play); /* pause again */
        harness_settle();
      }
    }
    if (!any && plots->len == 0) printf("%-20s %-22s\n", all[i]->id, "(no plot view)");
    g_ptr_array_free(plots, TRUE);
    fflush(stdout);
  }
  g_strfreev(only);
  return 0;
}
