/* ob-lesson-view.c — see ob-lesson-view.h. */
#include "optbench-config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ob-lesson-view.h"
#include "ob-lesson-state.h"

struct _ObLessonView {
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *scroller; /* the only child: unparented by dispose_template */
  GtkLabel *section_label;
  GtkLabel *title_label;
  GtkBox *text_slot;
  GtkFrame *visual_slot;
  GtkBox *controls_slot;
  ObCodePane *code_pane;

  const ObLessonInfo *info; /* static registry entry */
  ObFigureParams figure_params;
  gboolean has_figure_params;
  GHashTable *reports; /* key -> value, both owned */
};

G_DEFINE_FINAL_TYPE(ObLessonView, ob_lesson_view, GTK_TYPE_WIDGET)

static void ob_lesson_view_dispose(GObject *object) {
  ObLessonView *self = OB_LESSON_VIEW(object);
  gtk_widget_dispose_template(GTK_WIDGET(object), OB_TYPE_LESSON_VIEW);
  g_clear_pointer(&self->reports, g_hash_table_unref);
  G_OBJECT_CLASS(ob_lesson_view_parent_class)->dispose(object);
}

static void ob_lesson_view_class_init(ObLessonViewClass *klass) {
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ob_lesson_view_dispose;
  g_type_ensure(OB_TYPE_CODE_PANE);
  gtk_widget_class_set_template_from_resource(widget_class, "/io/github/optbench/Workbench/ob-lesson-view.ui");
  gtk_widget_class_bind_template_child(widget_class, ObLessonView, scroller);
  gtk_widget_class_bind_template_child(widget_class, ObLessonView, section_label);
  gtk_widget_class_bind_template_child(widget_class, ObLessonView, title_label);
  gtk_widget_class_bind_template_child(widget_class, ObLessonView, text_slot);
  gtk_widget_class_bind_template_child(widget_class, ObLessonView, visual_slot);
  gtk_widget_class_bind_template_child(widget_class, ObLessonView, controls_slot);
  gtk_widget_class_bind_template_child(widget_class, ObLessonView, code_pane);
  gtk_widget_class_set_layout_manager_type(widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name(widget_class, "lessonview");
}

static void ob_lesson_view_init(ObLessonView *self) {
  gtk_widget_init_template(GTK_WIDGET(self));
  self->reports = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

ObLessonView *ob_lesson_view_new(const ObLessonInfo *info) {
  g_return_val_if_fail(info != NULL, NULL);
  ObLessonView *self = g_object_new(OB_TYPE_LESSON_VIEW, NULL);
  self->info = info;
  /* Translators: above a lesson's title; %d is the lecture's section number, %s its title */
  char *section = g_strdup_printf(_("Section %d · %s"), info->section, ob_section_title(info->section));
  gtk_label_set_text(self->section_label, section);
  g_free(section);
  gtk_label_set_text(self->title_label, _(info->title));
  if (info->create_panel) info->create_panel(self);
  return self;
}

const ObLessonInfo *ob_lesson_view_get_info(ObLessonView *self) {
  g_return_val_if_fail(OB_IS_LESSON_VIEW(self), NULL);
  return self->info;
}

static void fill_box(GtkBox *box, GtkWidget *child) {
  GtkWidget *old;
  while ((old = gtk_widget_get_first_child(GTK_WIDGET(box)))) gtk_box_remove(box, old);
  if (child) gtk_box_append(box, child);
  gtk_widget_set_visible(GTK_WIDGET(box), child != NULL);
}

void ob_lesson_view_set_text(ObLessonView *self, GtkWidget *text) {
  g_return_if_fail(OB_IS_LESSON_VIEW(self));
  fill_box(self->text_slot, text);
}

void ob_lesson_view_set_visual(ObLessonView *self, GtkWidget *visual, const char *accessible_description) {
  g_return_if_fail(OB_IS_LESSON_VIEW(self));
  gtk_frame_set_child(self->visual_slot, visual);
  gtk_widget_set_visible(GTK_WIDGET(self->visual_slot), visual != NULL);
  if (visual && accessible_description)
    gtk_accessible_update_property(GTK_ACCESSIBLE(visual), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                   accessible_description, -1);
}

void ob_lesson_view_set_controls(ObLessonView *self, GtkWidget *controls) {
  g_return_if_fail(OB_IS_LESSON_VIEW(self));
  fill_box(self->controls_slot, controls);
}

void ob_lesson_view_set_example(ObLessonView *self, const char *code) {
  g_return_if_fail(OB_IS_LESSON_VIEW(self));
  ob_code_pane_set_code(self->code_pane, code);
  gtk_widget_set_visible(GTK_WIDGET(self->code_pane), code != NULL);
}

gboolean ob_lesson_view_has_figure(ObLessonView *self) {
  g_return_val_if_fail(OB_IS_LESSON_VIEW(self), FALSE);
  return gtk_frame_get_child(self->visual_slot) != NULL;
}

ObCodePane *ob_lesson_view_get_code_pane(ObLessonView *self) {
  g_return_val_if_fail(OB_IS_LESSON_VIEW(self), NULL);
  return self->code_pane;
}

char *ob_lesson_load_text(const char *id, const char *name) {
  char *path = g_strdup_printf("/io/github/optbench/Workbench/lessons/%s/%s", id, name);
  GBytes *bytes = g_resources_lookup_data(path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_free(path);
  if (!bytes) return NULL;
  gsize len;
  const char *data = g_bytes_get_data(bytes, &len);
  char *text = g_strndup(data, len);
  g_bytes_unref(bytes);
  return text;
}

/* ---- figure parameters ---- */

void ob_lesson_view_set_figure_params(ObLessonView *self, const ObFigureParams *params) {
  g_return_if_fail(OB_IS_LESSON_VIEW(self));
  self->has_figure_params = params != NULL;
  if (params) self->figure_params = *params;
}

const ObFigureParams *ob_lesson_view_get_figure_params(ObLessonView *self) {
  g_return_val_if_fail(OB_IS_LESSON_VIEW(self), NULL);
  return self->has_figure_params ? &self->figure_params : NULL;
}

/* ---- reports ---- */

void ob_lesson_view_report(ObLessonView *self, const char *key, const char *value) {
  g_return_if_fail(OB_IS_LESSON_VIEW(self) && key);
  if (!self->reports) return;
  if (value) g_hash_table_replace(self->reports, g_strdup(key), g_strdup(value));
  else g_hash_table_remove(self->reports, key);
}

void ob_lesson_view_report_doubles(ObLessonView *self, const char *key, const double *values, int n) {
  g_return_if_fail(OB_IS_LESSON_VIEW(self) && key && (values || n == 0));
  GString *text = g_string_new(NULL);
  for (int i = 0; i < n; i++) {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    if (i) g_string_append_c(text, ' ');
    g_string_append(text, g_ascii_dtostr(buf, sizeof buf, values[i]));
  }
  ob_lesson_view_report(self, key, text->str);
  g_string_free(text, TRUE);
}

const char *ob_lesson_view_get_report(ObLessonView *self, const char *key) {
  g_return_val_if_fail(OB_IS_LESSON_VIEW(self) && key, NULL);
  return self->reports ? g_hash_table_lookup(self->reports, key) : NULL;
}

int ob_lesson_view_get_report_doubles(ObLessonView *self, const char *key, double *values, int n) {
  const char *text = ob_lesson_view_get_report(self, key);
  int count = 0;
  while (text && count < n) {
    while (*text == ' ') text++;
    if (!*text) break;
    char *end;
    double v = g_ascii_strtod(text, &end);
    if (end == text) break;
    values[count++] = v;
    text = end;
  }
  return count;
}

/* ---- state that survives a restart ---- */

typedef struct {
  char *lesson_id;
  char *key;
  char *property;
} StateBinding;

static void state_binding_free(gpointer data, GClosure *closure) {
  (void)closure;
  StateBinding *b = data;
  g_free(b->lesson_id);
  g_free(b->key);
  g_free(b->property);
  g_free(b);
}

static char *property_to_string(GObject *object, GParamSpec *pspec) {
  GValue value = G_VALUE_INIT;
  g_value_init(&value, pspec->value_type);
  g_object_get_property(object, pspec->name, &value);
  char *text = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  switch (G_TYPE_FUNDAMENTAL(pspec->value_type)) {
  case G_TYPE_DOUBLE: text = g_strdup(g_ascii_dtostr(buf, sizeof buf, g_value_get_double(&value))); break;
  case G_TYPE_FLOAT: text = g_strdup(g_ascii_dtostr(buf, sizeof buf, g_value_get_float(&value))); break;
  case G_TYPE_INT: text = g_strdup_printf("%d", g_value_get_int(&value)); break;
  case G_TYPE_UINT: text = g_strdup_printf("%u", g_value_get_uint(&value)); break;
  case G_TYPE_BOOLEAN: text = g_strdup(g_value_get_boolean(&value) ? "true" : "false"); break;
  case G_TYPE_STRING: text = g_value_dup_string(&value); break;
  default: break;
  }
  g_value_unset(&value);
  return text;
}

/* Applies a stored string; a value that does not parse, or is out of the property's range, is
 * ignored (the state file may come from an older version). */
static void property_from_string(GObject *object, GParamSpec *pspec, const char *text) {
  GValue value = G_VALUE_INIT;
  g_value_init(&value, pspec->value_type);
  char *end = NULL;
  gboolean ok = FALSE;
  switch (G_TYPE_FUNDAMENTAL(pspec->value_type)) {
  case G_TYPE_DOUBLE: {
    double v = g_ascii_strtod(text, &end);
    ok = end != text && *end == 0;
    g_value_set_double(&value, v);
    break;
  }
  case G_TYPE_FLOAT: {
    double v = g_ascii_strtod(text, &end);
    ok = end != text && *end == 0;
    g_value_set_float(&value, (float)v);
    break;
  }
  case G_TYPE_INT: {
    gint64 v;
    ok = g_ascii_string_to_signed(text, 10, G_MININT, G_MAXINT, &v, NULL);
    g_value_set_int(&value, (int)v);
    break;
  }
  case G_TYPE_UINT: {
    guint64 v;
    ok = g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT, &v, NULL);
    g_value_set_uint(&value, (guint)v);
    break;
  }
  case G_TYPE_BOOLEAN:
    ok = g_str_equal(text, "true") || g_str_equal(text, "false");
    g_value_set_boolean(&value, g_str_equal(text, "true"));
    break;
  case G_TYPE_STRING:
    ok = TRUE;
    g_value_set_string(&value, text);
    break;
  default: break;
  }
  if (ok && !g_param_value_validate(pspec, &value)) g_object_set_property(object, pspec->name, &value);
  g_value_unset(&value);
}

static void on_bound_property_changed(GObject *object, GParamSpec *pspec, StateBinding *b) {
  char *text = property_to_string(object, pspec);
  if (text) ob_lesson_state_set(b->lesson_id, b->key, text);
  g_free(text);
}

void ob_lesson_view_bind_state(ObLessonView *self, const char *key, gpointer object, const char *property) {
  g_return_if_fail(OB_IS_LESSON_VIEW(self) && self->info && key && G_IS_OBJECT(object) && property);
  GParamSpec *pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(object), property);
  g_return_if_fail(pspec != NULL);
  char *stored = ob_lesson_state_get(self->info->id, key);
  if (stored) property_from_string(G_OBJECT(object), pspec, stored);
  g_free(stored);
  StateBinding *b = g_new0(StateBinding, 1);
  b->lesson_id = g_strdup(self->info->id);
  b->key = g_strdup(key);
  b->property = g_strdup(property);
  char *signal = g_strdup_printf("notify::%s", property);
  g_signal_connect_data(object, signal, G_CALLBACK(on_bound_property_changed), b, state_binding_free, 0);
  g_free(signal);
}

/* ----- a plot and its column of controls or numbers (ob_lesson_side_by_side_new) ----- */

#define SIDE_BY_SIDE_MIN 640
#define COLUMN_SPACING 12

static void side_layout_measure(GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                                int *natural, int *minimum_baseline, int *natural_baseline) {
  GtkWidget *plot = gtk_widget_get_first_child(widget);
  GtkWidget *column = plot ? gtk_widget_get_next_sibling(plot) : NULL;
  int pmin = 0, pnat = 0, cmin = 0, cnat = 0;
  *minimum = *natural = 0;
  *minimum_baseline = *natural_baseline = -1;
  if (!plot || !column) return;
  if (orientation == GTK_ORIENTATION_HORIZONTAL) {
    gtk_widget_measure(plot, orientation, -1, &pmin, &pnat, NULL, NULL);
    gtk_widget_measure(column, orientation, -1, &cmin, &cnat, NULL, NULL);
    *minimum = MAX(pmin, cmin);
    *natural = MAX(pnat + COLUMN_SPACING + cnat, SIDE_BY_SIDE_MIN);
    return;
  }
  gtk_widget_measure(plot, orientation, -1, &pmin, &pnat, NULL, NULL);
  if (for_size < 0 || for_size >= SIDE_BY_SIDE_MIN) {
    gtk_widget_measure(column, orientation, -1, &cmin, &cnat, NULL, NULL);
    *minimum = MAX(pmin, cmin);
    *natural = MAX(pnat, cnat);
  } else {
    gtk_widget_measure(column, orientation, for_size, &cmin, &cnat, NULL, NULL);
    *minimum = pmin + COLUMN_SPACING + cmin;
    *natural = pnat + COLUMN_SPACING + cnat;
  }
}

static void side_layout_allocate(GtkWidget *widget, int width, int height, int baseline) {
  (void)baseline;
  GtkWidget *plot = gtk_widget_get_first_child(widget);
  GtkWidget *column = plot ? gtk_widget_get_next_sibling(plot) : NULL;
  if (!plot || !column) return;
  int cmin, cnat;
  if (width >= SIDE_BY_SIDE_MIN) {
    gtk_widget_measure(column, GTK_ORIENTATION_HORIZONTAL, -1, &cmin, &cnat, NULL, NULL);
    int cw = CLAMP(cnat, cmin, width / 3);
    int pw = width - cw - COLUMN_SPACING;
    gtk_widget_size_allocate(plot, &(GtkAllocation){0, 0, pw, height}, -1);
    gtk_widget_size_allocate(column, &(GtkAllocation){pw + COLUMN_SPACING, 0, cw, height}, -1);
  } else {
    gtk_widget_measure(column, GTK_ORIENTATION_VERTICAL, width, &cmin, &cnat, NULL, NULL);
    int ch = MIN(cnat, MAX(height - COLUMN_SPACING - 180, cmin));
    int ph = MAX(height - ch - COLUMN_SPACING, 1);
    gtk_widget_size_allocate(plot, &(GtkAllocation){0, 0, width, ph}, -1);
    gtk_widget_size_allocate(column, &(GtkAllocation){0, ph + COLUMN_SPACING, width, ch}, -1);
  }
}

static GtkSizeRequestMode side_layout_request_mode(GtkWidget *widget) {
  (void)widget;
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

GtkWidget *ob_lesson_side_by_side_new(GtkWidget *plot, GtkWidget *column) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_layout_manager(box, gtk_custom_layout_new(side_layout_request_mode, side_layout_measure,
                                                           side_layout_allocate));
  gtk_box_append(GTK_BOX(box), plot);
  gtk_box_append(GTK_BOX(box), column);
  return box;
}

/* ----- a row of control groups (ob_lesson_controls_row_new) -----
 * libadwaita 1.2 has no breakpoints: the box checks its width each frame, which costs nothing when
 * unchanged. */

static gboolean adapt_controls(GtkWidget *box, GdkFrameClock *clock, gpointer data) {
  (void)clock;
  (void)data;
  int width = gtk_widget_get_width(box);
  GtkOrientation want = width >= 720 ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL;
  if (width > 0 && gtk_orientable_get_orientation(GTK_ORIENTABLE(box)) != want)
    gtk_orientable_set_orientation(GTK_ORIENTABLE(box), want);
  return G_SOURCE_CONTINUE;
}

GtkWidget *ob_lesson_controls_row_new(void) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_box_set_homogeneous(GTK_BOX(box), TRUE);
  gtk_widget_set_hexpand(box, TRUE);
  gtk_widget_add_tick_callback(box, adapt_controls, NULL, NULL);
  return box;
}

void ob_lesson_controls_row_add(GtkWidget *box, GtkWidget *child) {
  gtk_widget_set_valign(child, GTK_ALIGN_START);
  gtk_box_append(GTK_BOX(box), child);
}
