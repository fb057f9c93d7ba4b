/* ob-preferences.c — see ob-preferences.h. */
#include "optbench-config.h"

#include <glib/gi18n.h>

#include "ob-preferences.h"

struct _ObPreferences {
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  AdwComboRow *color_scheme_row;
  GtkSpinButton *scale_spin;
  AdwComboRow *format_row;
  GtkSpinButton *dpi_spin;
  GtkSwitch *reduce_motion_switch;

  /* Owned references */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE(ObPreferences, ob_preferences, ADW_TYPE_PREFERENCES_WINDOW)

/* Enum keys <-> combo rows: the row's items are in the order of the schema's enum values. */
static const char *const color_schemes[] = {"follow", "light", "dark", NULL};
static const char *const formats[] = {"png", "svg", "pdf", NULL};

static gboolean nick_to_index(GValue *value, GVariant *variant, gpointer nicks) {
  const char *nick = g_variant_get_string(variant, NULL);
  const char *const *list = nicks;
  for (guint i = 0; list[i]; i++)
    if (g_strcmp0(list[i], nick) == 0) {
      g_value_set_uint(value, i);
      return TRUE;
    }
  return FALSE;
}

static GVariant *index_to_nick(const GValue *value, const GVariantType *type, gpointer nicks) {
  (void)type;
  const char *const *list = nicks;
  guint i = g_value_get_uint(value);
  if (i >= g_strv_length((char **)list)) return NULL;
  return g_variant_new_string(list[i]);
}

static void ob_preferences_dispose(GObject *object) {
  g_clear_object(&OB_PREFERENCES(object)->settings);
  gtk_widget_dispose_template(GTK_WIDGET(object), OB_TYPE_PREFERENCES);
  G_OBJECT_CLASS(ob_preferences_parent_class)->dispose(object);
}

static void ob_preferences_class_init(ObPreferencesClass *klass) {
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ob_preferences_dispose;
  gtk_widget_class_set_template_from_resource(widget_class, "/io/github/optbench/Workbench/ob-preferences.ui");
  gtk_widget_class_bind_template_child(widget_class, ObPreferences, color_scheme_row);
  gtk_widget_class_bind_template_child(widget_class, ObPreferences, scale_spin);
  gtk_widget_class_bind_template_child(widget_class, ObPreferences, format_row);
  gtk_widget_class_bind_template_child(widget_class, ObPreferences, dpi_spin);
  gtk_widget_class_bind_template_child(widget_class, ObPreferences, reduce_motion_switch);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void ob_preferences_init(ObPreferences *self) {
  gtk_widget_init_template(GTK_WIDGET(self));
}

ObPreferences *ob_preferences_new(GSettings *settings) {
  ObPreferences *self = g_object_new(OB_TYPE_PREFERENCES, NULL);
  if (!settings) return self;
  self->settings = g_object_ref(settings);
  g_settings_bind_with_mapping(settings, "color-scheme", self->color_scheme_row, "selected",
                               G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                               (gpointer)color_schemes, NULL);
  g_settings_bind_with_mapping(settings, "export-format", self->format_row, "selected",
                               G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                               (gpointer)formats, NULL);
  g_settings_bind(settings, "presentation-scale", self->scale_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind(settings, "export-dpi", self->dpi_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind(settings, "reduce-motion", self->reduce_motion_switch, "active", G_SETTINGS_BIND_DEFAULT);
  return self;
}
