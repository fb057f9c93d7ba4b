/* ob-lesson-view.c — see ob-lesson-view.h. */
#include "optbench-config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ob-lesson-view.h"

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
};

G_DEFINE_FINAL_TYPE(ObLessonView, ob_lesson_view, GTK_TYPE_WIDGET)

static void ob_lesson_view_dispose(GObject *object) {
  gtk_widget_dispose_template(GTK_WIDGET(object), OB_TYPE_LESSON_VIEW);
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
