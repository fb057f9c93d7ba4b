/* ob-lesson.h — what a lesson is to the shell: a descriptor per folder under lessons/, and the
 * registry generated from those folders at build time (src/app/meson.build, `lessons`).
 *
 * A lesson's .c defines one `const ObLessonInfo ob_lesson_<ID>` (ID = folder name with '-' as '_')
 * whose create_panel fills the lesson frame (ObLessonView) with its text, visual area, controls
 * and example code. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _ObLessonView ObLessonView;

typedef struct {
  const char *id;        /* the folder name; what `optbench --lesson ID` takes */
  int section;           /* the lecture section it teaches (1..OB_SECTION_COUNT) */
  int order;             /* position among the lessons of that section */
  const char *title;     /* untranslated, marked for gettext; shown translated */
  const char *keywords;  /* untranslated search words, space separated, marked for gettext */
  /* Fills view (ob_lesson_view_set_text/_visual/_controls/_example). */
  void (*create_panel)(ObLessonView *view);
  /* The lecture figure it shows (a name of `optbench export-figures`), or NULL: Export Figure…
   * is enabled only for lessons that declare one. */
  const char *figure;
} ObLessonInfo;

/* The lecture's top-level sections, numbered as in the lecture. */
enum { OB_SECTION_COUNT = 5 };
const char *ob_section_title(int section); /* translated; NULL when out of range */

/* The registry, sorted by (section, order). */
const ObLessonInfo *const *ob_lessons_all(guint *n);
const ObLessonInfo *ob_lesson_find(const char *id);
/* The first lesson of a section, or NULL when that section has none yet. */
const ObLessonInfo *ob_lesson_for_section(int section);
/* The lesson before/after id in registry order, or NULL at either end. */
const ObLessonInfo *ob_lesson_neighbour(const char *id, int direction);

G_END_DECLS
