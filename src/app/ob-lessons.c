/* ob-lessons.c — the lecture's sections and lookups over the generated lesson registry. */
#include "optbench-config.h"

#include <glib/gi18n.h>

#include "ob-lesson.h"
#include "ob-lessons-registry.h"

/* Section titles as the lecture numbers them; the Overview and the sidebar show them. */
static const char *const section_titles[OB_SECTION_COUNT] = {
  N_("Goal of this lecture"),
  N_("Optimization in higher dimensions"),
  N_("Dev environment: Cursor and uv"),
  N_("PyTorch tour"),
  N_("Conclusion"),
};

const char *ob_section_title(int section) {
  if (section < 1 || section > OB_SECTION_COUNT) return NULL;
  return _(section_titles[section - 1]);
}

static int compare_lessons(const void *a, const void *b) {
  const ObLessonInfo *x = *(const ObLessonInfo *const *)a, *y = *(const ObLessonInfo *const *)b;
  if (x->section != y->section) return x->section < y->section ? -1 : 1;
  if (x->order != y->order) return x->order < y->order ? -1 : 1;
  return g_strcmp0(x->id, y->id);
}

const ObLessonInfo *const *ob_lessons_all(guint *n) {
  static const ObLessonInfo *sorted[G_N_ELEMENTS(ob_lesson_registry)];
  static gsize done = 0;
  if (g_once_init_enter(&done)) {
    for (gsize i = 0; i < G_N_ELEMENTS(ob_lesson_registry); i++) sorted[i] = ob_lesson_registry[i];
    qsort(sorted, G_N_ELEMENTS(sorted), sizeof sorted[0], compare_lessons);
    g_once_init_leave(&done, 1);
  }
  if (n) *n = G_N_ELEMENTS(sorted);
  return sorted;
}

const ObLessonInfo *ob_lesson_find(const char *id) {
  guint n;
  const ObLessonInfo *const *all = ob_lessons_all(&n);
  for (guint i = 0; id && i < n; i++)
    if (strcmp(all[i]->id, id) == 0) return all[i];
  return NULL;
}

const ObLessonInfo *ob_lesson_for_section(int section) {
  guint n;
  const ObLessonInfo *const *all = ob_lessons_all(&n);
  for (guint i = 0; i < n; i++)
    if (all[i]->section == section) return all[i];
  return NULL;
}

const ObLessonInfo *ob_lesson_neighbour(const char *id, int direction) {
  guint n;
  const ObLessonInfo *const *all = ob_lessons_all(&n);
  for (guint i = 0; id && i < n; i++) {
    if (strcmp(all[i]->id, id) != 0) continue;
    if (direction < 0) return i > 0 ? all[i - 1] : NULL;
    return i + 1 < n ? all[i + 1] : NULL;
  }
  return NULL;
}
