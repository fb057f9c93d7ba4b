/* ob-lesson-state.h — the lessons' state that survives a restart: control values and edited code,
 * one key file (by default $XDG_STATE_HOME/optbench/lessons.ini, group = lesson id). Writes are
 * debounced and atomic (a temporary file renamed over the old one), so a crash mid-write loses
 * nothing that was saved before. Main thread only. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where the state lives (for tests: call before the first get/set). NULL: the default path. */
void ob_lesson_state_set_path(const char *path);
const char *ob_lesson_state_get_path(void);

/* Ephemeral mode (screenshots): nothing is read or written; the lessons start from their defaults. */
void ob_lesson_state_set_ephemeral(gboolean ephemeral);

/* The stored value (g_free it), or NULL. */
char *ob_lesson_state_get(const char *lesson_id, const char *key);
/* Stores value (NULL removes the key) and schedules a write. */
void ob_lesson_state_set(const char *lesson_id, const char *key, const char *value);
/* Writes pending changes now (the application calls it on shutdown). */
gboolean ob_lesson_state_flush(GError **error);
/* Forgets everything in memory and on disk for lesson_id (NULL: every lesson). */
void ob_lesson_state_reset(const char *lesson_id);

G_END_DECLS
