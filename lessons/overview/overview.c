/* overview.c — lesson "overview" (lecture section 1, "Goal of this lecture"): what the lecture
 * covers, its three goals, and one row per lecture section that opens that section's lesson once
 * the lesson exists. */
#include "optbench-config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ob-lesson.h"
#include "ob-lesson-view.h"

static void overview_create_panel(ObLessonView *view);

const ObLessonInfo ob_lesson_overview = {
  .id = "overview",
  .section = 1,
  .order = 0,
  .title = N_("Overview"),
  /* Translators: search words for the Overview lesson, separated by spaces */
  .keywords = N_("goal goals introduction contents sections start"),
  .create_panel = overview_create_panel,
};

static GtkWidget *section_row(int section) {
  const ObLessonInfo *lesson = ob_lesson_for_section(section);
  GtkWidget *row = adw_action_row_new();
  char *title = g_strdup_printf("%d. %s", section, ob_section_title(section));
  adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
  g_free(title);
  if (lesson) {
    /* A link: activating the row runs win.open-lesson with the lesson's id. */
    adw_action_row_set_subtitle(ADW_ACTION_ROW(row), _(lesson->title));
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), gtk_image_new_from_icon_name("go-next-symbolic"));
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), TRUE);
    gtk_actionable_set_action_name(GTK_ACTIONABLE(row), "win.open-lesson");
    gtk_actionable_set_action_target(GTK_ACTIONABLE(row), "s", lesson->id);
  } else {
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_widget_set_focusable(row, FALSE);
  }
  g_object_set_data(G_OBJECT(row), "ob-section", GINT_TO_POINTER(section));
  return row;
}

static void overview_create_panel(ObLessonView *view) {
  GtkBuilder *builder = gtk_builder_new();
  gtk_builder_set_translation_domain(builder, GETTEXT_PACKAGE);
  gtk_builder_add_from_resource(builder, "/io/github/optbench/Workbench/lessons/overview/overview.ui", NULL);
  GtkWidget *page = GTK_WIDGET(gtk_builder_get_object(builder, "overview"));
  GtkListBox *sections = GTK_LIST_BOX(gtk_builder_get_object(builder, "sections"));
  for (int s = 1; s <= OB_SECTION_COUNT; s++) gtk_list_box_append(sections, section_row(s));
  ob_lesson_view_set_text(view, page);
  char *code = ob_lesson_load_text("overview", "example.py");
  ob_lesson_view_set_example(view, code);
  g_free(code);
  g_object_unref(builder);
}
