/* ob-plot-view.c — see ob-plot-view.h. */
#include "optbench-config.h"

#include <math.h>
#include <adwaita.h>

#include "ob-plot-view.h"

struct _ObPlotView {
  GtkWidget parent_instance;

  ObPlotBuildFunc build;
  gpointer user_data;
  PlotFigure *figure;
  gboolean stale;       /* build before the next draw */
  double built_w, built_h; /* the size in points the figure was built for */
  PlotTheme built_theme;
  int nat_width, nat_height;
  int axes_index;
  double point_x, point_y;
  gboolean has_point;
  double drag_x0, drag_y0;
  gint64 build_us, render_us;
  char *description;
  /* The base layer of a figure with an overlay, drawn once and reused while only the overlay changes:
   * its key (plot_figure_layout_layers), its size in pixels and the scale factor it was drawn at. */
  GdkTexture *base;
  guint64 base_key;
  int base_w, base_h, base_sf;
  guint base_draws;
  /* Live: the figure is changing frame after frame (a drag, keys held down, a slider, an animation),
   * so it is drawn in layers; once changes stop for LIVE_SETTLE_MS it is drawn whole again, its
   * labels placed around everything. */
  gboolean live;
  gint64 last_change;
  guint settle_id;
};

enum { LIVE_GAP_MS = 250, LIVE_SETTLE_MS = 250 };

G_DEFINE_FINAL_TYPE(ObPlotView, ob_plot_view, GTK_TYPE_WIDGET)

enum { SIGNAL_POINT_MOVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static double presentation_scale = 1.0;
static GList *instances; /* every live view, for presentation-scale changes */

static double view_scale(void) { return presentation_scale > 0 ? presentation_scale : 1.0; }

static PlotTheme current_theme(void) {
  return adw_style_manager_get_dark(adw_style_manager_get_default()) ? PLOT_THEME_DARK : PLOT_THEME_LIGHT;
}

static void ensure_figure(ObPlotView *self, double width_pt, double height_pt) {
  PlotTheme theme = current_theme();
  if (self->figure && !self->stale && self->built_w == width_pt && self->built_h == height_pt &&
      self->built_theme == theme)
    return;
  gint64 t0 = g_get_monotonic_time();
  g_clear_pointer(&self->figure, plot_figure_free);
  if (self->build && width_pt > 0 && height_pt > 0)
    self->figure = self->build(self->user_data, width_pt, height_pt);
  if (self->figure) plot_figure_set_theme(self->figure, theme);
  self->build_us = g_get_monotonic_time() - t0;
  self->stale = FALSE;
  self->built_w = width_pt;
  self->built_h = height_pt;
  self->built_theme = theme;
}

/* The focus ring: an inset outline in the accent colour, as Adwaita draws it. */
static void draw_focus_ring(GtkWidget *widget, cairo_t *cr, int w, int h) {
  if (!gtk_widget_has_visible_focus(widget)) return;
  GdkRGBA accent;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color(gtk_widget_get_style_context(widget), "accent_color", &accent))
    accent = (GdkRGBA){0.21, 0.52, 0.89, 1};
  G_GNUC_END_IGNORE_DEPRECATIONS
  cairo_set_source_rgba(cr, accent.red, accent.green, accent.blue, 0.6);
  cairo_set_line_width(cr, 2);
  cairo_rectangle(cr, 1, 1, w - 2, h - 2);
  cairo_stroke(cr);
}

static void free_surface_bytes(gpointer surface) { cairo_surface_destroy(surface); }

/* Draws the base layer into a texture of w x h widget pixels at the widget's scale factor; FALSE
 * when the image could not be made (the caller then draws the figure whole). */
static gboolean draw_base(ObPlotView *self, int w, int h, int sf, double s) {
  g_clear_object(&self->base);
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w * sf, h * sf);
  if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(img);
    return FALSE;
  }
  cairo_t *cr = cairo_create(img);
  plot_figure_draw_layer(self->figure, cr, s * sf, PLOT_LAYER_BASE);
  cairo_destroy(cr);
  cairo_surface_flush(img);
  int stride = cairo_image_surface_get_stride(img);
  /* Cairo's ARGB32 is premultiplied native-endian 32-bit words: GDK_MEMORY_DEFAULT. */
  GBytes *bytes = g_bytes_new_with_free_func(cairo_image_surface_get_data(img), (gsize)stride * (gsize)(h * sf),
                                             free_surface_bytes, img);
  self->base = gdk_memory_texture_new(w * sf, h * sf, GDK_MEMORY_DEFAULT, bytes, (gsize)stride);
  g_bytes_unref(bytes);
  self->base_w = w;
  self->base_h = h;
  self->base_sf = sf;
  self->base_draws++;
  return TRUE;
}

static void ob_plot_view_snapshot(GtkWidget *widget, GtkSnapshot *snapshot) {
  ObPlotView *self = OB_PLOT_VIEW(widget);
  int w = gtk_widget_get_width(widget), h = gtk_widget_get_height(widget);
  if (w <= 0 || h <= 0) return;
  double s = view_scale();
  ensure_figure(self, w / s, h / s);
  gint64 t0 = g_get_monotonic_time();
  graphene_rect_t bounds = GRAPHENE_RECT_INIT(0, 0, w, h);
  if (self->live && self->figure && plot_figure_has_overlay(self->figure)) {
    /* What moves is drawn each frame over a picture of what does not, redrawn only when its key
     * changes: a drag over a contour plot costs the point, not the contours. */
    int sf = MAX(gtk_widget_get_scale_factor(widget), 1);
    guint64 key = plot_figure_layout_layers(self->figure, w / s, h / s);
    gboolean have = self->base && key == self->base_key && self->base_w == w && self->base_h == h &&
                    self->base_sf == sf;
    if (!have && draw_base(self, w, h, sf, s)) {
      self->base_key = key;
      have = TRUE;
    }
    if (have) {
      gtk_snapshot_append_texture(snapshot, self->base, &bounds);
      cairo_t *cr = gtk_snapshot_append_cairo(snapshot, &bounds);
      plot_figure_draw_layer(self->figure, cr, s, PLOT_LAYER_OVERLAY);
      draw_focus_ring(widget, cr, w, h);
      cairo_destroy(cr);
      self->render_us = g_get_monotonic_time() - t0;
      return;
    }
  }
  cairo_t *cr = gtk_snapshot_append_cairo(snapshot, &bounds);
  if (self->figure) {
    plot_figure_render(self->figure, cr, w, h, s);
  } else {
    PlotColor bg = plot_theme_color(current_theme(), PLOT_ROLE_BACKGROUND);
    cairo_set_source_rgba(cr, bg.r, bg.g, bg.b, bg.a);
    cairo_paint(cr);
  }
  draw_focus_ring(widget, cr, w, h);
  cairo_destroy(cr);
  self->render_us = g_get_monotonic_time() - t0;
}

static void ob_plot_view_measure(GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                                 int *natural, int *minimum_baseline, int *natural_baseline) {
  ObPlotView *self = OB_PLOT_VIEW(widget);
  (void)for_size;
  double s = view_scale();
  if (orientation == GTK_ORIENTATION_HORIZONTAL) {
    *minimum = 240;
    *natural = MAX(240, (int)lround(self->nat_width * s));
  } else {
    *minimum = 180;
    *natural = MAX(180, (int)lround(self->nat_height * s));
  }
  *minimum_baseline = *natural_baseline = -1;
}

static PlotAxes *interactive_axes(ObPlotView *self) {
  if (self->axes_index < 0) return NULL;
  int w = gtk_widget_get_width(GTK_WIDGET(self)), h = gtk_widget_get_height(GTK_WIDGET(self));
  if (w <= 0 || h <= 0) return NULL;
  double s = view_scale();
  ensure_figure(self, w / s, h / s);
  if (!self->figure) return NULL;
  PlotAxes *ax = plot_figure_get_axes(self->figure, self->axes_index);
  double aw;
  if (ax && !plot_axes_get_area(ax, NULL, NULL, &aw, NULL)) {
    /* Not drawn yet: lay it out for the widget's size so pointer positions can be mapped. */
    plot_figure_layout(self->figure, w / s, h / s);
  }
  return ax;
}

static gboolean on_settled(gpointer data) {
  ObPlotView *self = data;
  self->settle_id = 0;
  self->live = FALSE;
  gtk_widget_queue_draw(GTK_WIDGET(self));
  return G_SOURCE_REMOVE;
}

/* A change of the figure: a second one soon after the first makes the view live until changes stop. */
static void note_change(ObPlotView *self) {
  gint64 now = g_get_monotonic_time();
  if (self->last_change && now - self->last_change < LIVE_GAP_MS * 1000) self->live = TRUE;
  self->last_change = now;
  if (self->settle_id) g_source_remove(self->settle_id);
  self->settle_id = g_timeout_add(LIVE_SETTLE_MS, on_settled, self);
}

static void move_point(ObPlotView *self, double x, double y, ObPlotPhase phase) {
  if (!isfinite(x) || !isfinite(y)) return;
  if (phase == OB_PLOT_PRESS || phase == OB_PLOT_DRAG) self->live = TRUE; /* a drag is on */
  self->point_x = x;
  self->point_y = y;
  self->has_point = TRUE;
  g_signal_emit(self, signals[SIGNAL_POINT_MOVED], 0, x, y, (guint)phase);
}

gboolean ob_plot_view_pointer_at(ObPlotView *self, double widget_x, double widget_y, ObPlotPhase phase) {
  g_return_val_if_fail(OB_IS_PLOT_VIEW(self), FALSE);
  PlotAxes *ax = interactive_axes(self);
  if (!ax) return FALSE;
  double s = view_scale(), ax_x, ax_y, ax_w, ax_h, x, y;
  if (!plot_axes_get_area(ax, &ax_x, &ax_y, &ax_w, &ax_h)) return FALSE;
  /* A drag that leaves the plot area keeps the point on its edge. */
  double px = CLAMP(widget_x / s, ax_x, ax_x + ax_w), py = CLAMP(widget_y / s, ax_y, ax_y + ax_h);
  if (!plot_axes_point_to_data(ax, px, py, &x, &y)) return FALSE;
  move_point(self, x, y, phase);
  return TRUE;
}

gboolean ob_plot_view_data_to_widget(ObPlotView *self, double x, double y, double *wx, double *wy) {
  g_return_val_if_fail(OB_IS_PLOT_VIEW(self), FALSE);
  PlotAxes *ax = interactive_axes(self);
  double px, py;
  if (!ax || !plot_axes_data_to_point(ax, x, y, &px, &py)) return FALSE;
  double s = view_scale();
  if (wx) *wx = px * s;
  if (wy) *wy = py * s;
  return TRUE;
}

static gboolean inside_area(ObPlotView *self, double widget_x, double widget_y) {
  PlotAxes *ax = interactive_axes(self);
  double s = view_scale(), ax_x, ax_y, ax_w, ax_h;
  if (!ax || !plot_axes_get_area(ax, &ax_x, &ax_y, &ax_w, &ax_h)) return FALSE;
  double px = widget_x / s, py = widget_y / s;
  return px >= ax_x && px <= ax_x + ax_w && py >= ax_y && py <= ax_y + ax_h;
}

static void on_drag_begin(GtkGestureDrag *gesture, double x, double y, ObPlotView *self) {
  if (!inside_area(self, x, y)) {
    gtk_gesture_set_state(GTK_GESTURE(gesture), GTK_EVENT_SEQUENCE_DENIED);
    return;
  }
  gtk_gesture_set_state(GTK_GESTURE(gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->drag_x0 = x;
  self->drag_y0 = y;
  if (gtk_widget_get_focusable(GTK_WIDGET(self))) gtk_widget_grab_focus(GTK_WIDGET(self));
  ob_plot_view_pointer_at(self, x, y, OB_PLOT_PRESS);
}

static void on_drag_update(GtkGestureDrag *gesture, double dx, double dy, ObPlotView *self) {
  (void)gesture;
  ob_plot_view_pointer_at(self, self->drag_x0 + dx, self->drag_y0 + dy, OB_PLOT_DRAG);
}

static void on_drag_end(GtkGestureDrag *gesture, double dx, double dy, ObPlotView *self) {
  (void)gesture;
  ob_plot_view_pointer_at(self, self->drag_x0 + dx, self->drag_y0 + dy, OB_PLOT_RELEASE);
}

static gboolean on_key_pressed(GtkEventControllerKey *controller, guint keyval, guint keycode,
                               GdkModifierType state, ObPlotView *self) {
  (void)controller;
  (void)keycode;
  int dx = 0, dy = 0;
  switch (keyval) {
  case GDK_KEY_Left: case GDK_KEY_KP_Left: dx = -1; break;
  case GDK_KEY_Right: case GDK_KEY_KP_Right: dx = 1; break;
  case GDK_KEY_Up: case GDK_KEY_KP_Up: dy = 1; break;
  case GDK_KEY_Down: case GDK_KEY_KP_Down: dy = -1; break;
  default: return GDK_EVENT_PROPAGATE;
  }
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) return GDK_EVENT_PROPAGATE;
  PlotAxes *ax = interactive_axes(self);
  double ax_x, ax_y, ax_w, ax_h;
  if (!ax || !plot_axes_get_area(ax, &ax_x, &ax_y, &ax_w, &ax_h)) return GDK_EVENT_PROPAGATE;
  double px, py;
  if (!self->has_point || !plot_axes_data_to_point(ax, self->point_x, self->point_y, &px, &py)) {
    px = ax_x + ax_w / 2;
    py = ax_y + ax_h / 2;
  }
  /* Steps are fractions of the plot area, so they feel the same on linear and log axes. */
  double frac = (state & GDK_SHIFT_MASK) ? 0.005 : 0.02;
  px = CLAMP(px + dx * frac * ax_w, ax_x, ax_x + ax_w);
  py = CLAMP(py - dy * frac * ax_h, ax_y, ax_y + ax_h);
  double x, y;
  if (!plot_axes_point_to_data(ax, px, py, &x, &y)) return GDK_EVENT_PROPAGATE;
  move_point(self, x, y, OB_PLOT_KEY);
  return GDK_EVENT_STOP;
}

static void on_dark_changed(AdwStyleManager *manager, GParamSpec *pspec, ObPlotView *self) {
  (void)manager;
  (void)pspec;
  gtk_widget_queue_draw(GTK_WIDGET(self));
}

static void ob_plot_view_dispose(GObject *object) {
  ObPlotView *self = OB_PLOT_VIEW(object);
  g_signal_handlers_disconnect_by_func(adw_style_manager_get_default(), on_dark_changed, self);
  g_clear_handle_id(&self->settle_id, g_source_remove);
  G_OBJECT_CLASS(ob_plot_view_parent_class)->dispose(object);
}

static void ob_plot_view_finalize(GObject *object) {
  ObPlotView *self = OB_PLOT_VIEW(object);
  instances = g_list_remove(instances, self);
  g_clear_pointer(&self->figure, plot_figure_free);
  g_clear_object(&self->base);
  g_free(self->description);
  G_OBJECT_CLASS(ob_plot_view_parent_class)->finalize(object);
}

static void ob_plot_view_class_init(ObPlotViewClass *klass) {
  GObjectClass *object_class = G_OBJECT_CLASS(klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
  object_class->dispose = ob_plot_view_dispose;
  object_class->finalize = ob_plot_view_finalize;
  widget_class->snapshot = ob_plot_view_snapshot;
  widget_class->measure = ob_plot_view_measure;
  gtk_widget_class_set_css_name(widget_class, "plotview");
  gtk_widget_class_set_accessible_role(widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  signals[SIGNAL_POINT_MOVED] = g_signal_new("point-moved", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                             NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_DOUBLE, G_TYPE_DOUBLE,
                                             G_TYPE_UINT);
}

static void ob_plot_view_init(ObPlotView *self) {
  self->nat_width = 640;
  self->nat_height = 420;
  self->axes_index = -1;
  self->stale = TRUE;
  gtk_widget_set_hexpand(GTK_WIDGET(self), TRUE);
  gtk_widget_set_overflow(GTK_WIDGET(self), GTK_OVERFLOW_HIDDEN);
  GtkGesture *drag = gtk_gesture_drag_new();
  gtk_gesture_single_set_button(GTK_GESTURE_SINGLE(drag), GDK_BUTTON_PRIMARY);
  g_signal_connect(drag, "drag-begin", G_CALLBACK(on_drag_begin), self);
  g_signal_connect(drag, "drag-update", G_CALLBACK(on_drag_update), self);
  g_signal_connect(drag, "drag-end", G_CALLBACK(on_drag_end), self);
  gtk_widget_add_controller(GTK_WIDGET(self), GTK_EVENT_CONTROLLER(drag));
  GtkEventController *keys = gtk_event_controller_key_new();
  g_signal_connect(keys, "key-pressed", G_CALLBACK(on_key_pressed), self);
  gtk_widget_add_controller(GTK_WIDGET(self), keys);
  g_signal_connect(adw_style_manager_get_default(), "notify::dark", G_CALLBACK(on_dark_changed), self);
  instances = g_list_prepend(instances, self);
}

GtkWidget *ob_plot_view_new(ObPlotBuildFunc build, gpointer user_data, const char *accessible_label) {
  ObPlotView *self = g_object_new(OB_TYPE_PLOT_VIEW, NULL);
  self->build = build;
  self->user_data = user_data;
  if (accessible_label)
    gtk_accessible_update_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  return GTK_WIDGET(self);
}

void ob_plot_view_set_natural_size(ObPlotView *self, int width, int height) {
  g_return_if_fail(OB_IS_PLOT_VIEW(self));
  self->nat_width = MAX(width, 1);
  self->nat_height = MAX(height, 1);
  gtk_widget_queue_resize(GTK_WIDGET(self));
}

void ob_plot_view_queue_rebuild(ObPlotView *self) {
  g_return_if_fail(OB_IS_PLOT_VIEW(self));
  note_change(self);
  self->stale = TRUE;
  gtk_widget_queue_draw(GTK_WIDGET(self));
}

PlotFigure *ob_plot_view_get_figure(ObPlotView *self) {
  g_return_val_if_fail(OB_IS_PLOT_VIEW(self), NULL);
  int w = gtk_widget_get_width(GTK_WIDGET(self)), h = gtk_widget_get_height(GTK_WIDGET(self));
  double s = view_scale();
  if (w > 0 && h > 0) ensure_figure(self, w / s, h / s);
  else if (!self->figure || self->stale) ensure_figure(self, self->nat_width, self->nat_height);
  return self->figure;
}

void ob_plot_view_set_interactive_axes(ObPlotView *self, int axes_index) {
  g_return_if_fail(OB_IS_PLOT_VIEW(self));
  self->axes_index = axes_index < 0 ? -1 : axes_index;
  gtk_widget_set_focusable(GTK_WIDGET(self), self->axes_index >= 0);
}

int ob_plot_view_get_interactive_axes(ObPlotView *self) {
  g_return_val_if_fail(OB_IS_PLOT_VIEW(self), -1);
  return self->axes_index;
}

void ob_plot_view_set_point(ObPlotView *self, double x, double y) {
  g_return_if_fail(OB_IS_PLOT_VIEW(self));
  self->point_x = x;
  self->point_y = y;
  self->has_point = TRUE;
}

void ob_plot_view_get_point(ObPlotView *self, double *x, double *y) {
  g_return_if_fail(OB_IS_PLOT_VIEW(self));
  if (x) *x = self->point_x;
  if (y) *y = self->point_y;
}

void ob_plot_view_set_description(ObPlotView *self, const char *description) {
  g_return_if_fail(OB_IS_PLOT_VIEW(self));
  /* Unchanged text is not sent again: a drag updates it every frame. */
  if (g_strcmp0(self->description, description) == 0) return;
  g_free(self->description);
  self->description = g_strdup(description);
  if (description)
    gtk_accessible_update_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  else
    gtk_accessible_reset_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

const char *ob_plot_view_get_description(ObPlotView *self) {
  g_return_val_if_fail(OB_IS_PLOT_VIEW(self), NULL);
  return self->description;
}

gint64 ob_plot_view_get_last_build_us(ObPlotView *self) {
  g_return_val_if_fail(OB_IS_PLOT_VIEW(self), 0);
  return self->build_us;
}

guint ob_plot_view_get_base_draws(ObPlotView *self) {
  g_return_val_if_fail(OB_IS_PLOT_VIEW(self), 0);
  return self->base_draws;
}

gint64 ob_plot_view_get_last_render_us(ObPlotView *self) {
  g_return_val_if_fail(OB_IS_PLOT_VIEW(self), 0);
  return self->render_us;
}

void ob_plot_view_set_presentation_scale(double scale) {
  if (!(scale > 0) || !isfinite(scale)) scale = 1.0;
  if (scale == presentation_scale) return;
  presentation_scale = scale;
  for (GList *l = instances; l; l = l->next) gtk_widget_queue_resize(GTK_WIDGET(l->data));
}

double ob_plot_view_get_presentation_scale(void) { return view_scale(); }
