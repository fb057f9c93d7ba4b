/* test-lesson-conclusion.c — display tests of the Takeaways lesson (lessons/conclusion): every row
 * that links a lesson opens that lesson, the links point only at lessons that exist, the lessons of
 * section 2 that this lecture's takeaways name are linked once they exist, and screenshots. */
#include "optbench-config.h"

#include <adwaita.h>

#include "lesson-harness.h"

/* The link rows, in page order: rows with the win.open-lesson action. */
static void collect_links(GtkWidget *root, GPtrArray *out) {
  if (ADW_IS_ACTION_ROW(root) && g_strcmp0(gtk_actionable_get_action_name(GTK_ACTIONABLE(root)), "win.open-lesson") == 0)
    g_ptr_array_add(out, root);
  for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) collect_links(c, out);
}

static char *link_target(GtkWidget *row) {
  GVariant *target = gtk_actionable_get_action_target_value(GTK_ACTIONABLE(row));
  g_assert_nonnull(target);
  g_assert_true(g_variant_is_of_type(target, G_VARIANT_TYPE_STRING));
  return g_variant_dup_string(target, NULL);
}

static void test_links_open_lessons(void) {
  ObLessonView *view = harness_open_lesson("conclusion");
  GPtrArray *rows = g_ptr_array_new();
  collect_links(GTK_WIDGET(view), rows);
  guint n = rows->len;
  g_ptr_array_free(rows, TRUE);
  /* At least the lessons of this section 2.7 are linked. */
  g_assert_cmpuint(n, >=, 2);
  for (guint i = 0; i < n; i++) {
    /* The page is rebuilt each time it opens: find the i-th link again. */
    view = harness_open_lesson("conclusion");
    rows = g_ptr_array_new();
    collect_links(GTK_WIDGET(view), rows);
    g_assert_cmpuint(rows->len, ==, n);
    GtkWidget *row = g_ptr_array_index(rows, i);
    g_ptr_array_free(rows, TRUE);
    char *id = link_target(row);
    g_assert_nonnull(ob_lesson_find(id));
    g_assert_true(gtk_list_box_row_get_activatable(GTK_LIST_BOX_ROW(row)));
    g_assert_true(gtk_widget_activate(row));
    harness_settle();
    ObLessonView *opened = ob_window_get_lesson_view(harness_window());
    g_assert_nonnull(opened);
    g_assert_cmpstr(ob_lesson_view_get_info(opened)->id, ==, id);
    g_free(id);
  }
}

/* Which takeaway names which lesson, written here from the lecture's section 5. */
static void test_expected_links(void) {
  static const char *const named[] = {"loss-landscapes", "high-dimensions", "convexity", "optimality",
                                      "diagnostics",     "level-sets",      "steepest-descent", "gradient-descent"};
  ObLessonView *view = harness_open_lesson("conclusion");
  GPtrArray *rows = g_ptr_array_new();
  collect_links(GTK_WIDGET(view), rows);
  GHashTable *linked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < rows->len; i++) g_hash_table_add(linked, link_target(g_ptr_array_index(rows, i)));
  for (guint i = 0; i < G_N_ELEMENTS(named); i++)
    if (ob_lesson_find(named[i])) g_assert_true(g_hash_table_contains(linked, named[i]));
  g_hash_table_unref(linked);
  g_ptr_array_free(rows, TRUE);
}

static void test_screenshots(void) {
  harness_open_lesson("conclusion");
  harness_screenshot("conclusion", FALSE);
  harness_screenshot("conclusion", TRUE);
}

int main(int argc, char **argv) {
  harness_init(&argc, &argv);
  g_test_add_func("/display/lesson/conclusion/links-open-lessons", test_links_open_lessons);
  g_test_add_func("/display/lesson/conclusion/expected-links", test_expected_links);
  g_test_add_func("/display/lesson/conclusion/screenshots", test_screenshots);
  return g_test_run();
}
