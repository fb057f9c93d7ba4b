/* ob-lesson-state.c — see ob-lesson-state.h. */
#include "optbench-config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "ob-lesson-state.h"

enum { SAVE_DELAY_MS = 400 };

static char *state_path;
static GKeyFile *state;
static guint save_source;
static gboolean dirty;
static gboolean ephemeral;

void ob_lesson_state_set_ephemeral(gboolean value) { ephemeral = value; }

const char *ob_lesson_state_get_path(void) {
  if (!state_path) state_path = g_build_filename(g_get_user_state_dir(), "optbench", "lessons.ini", NULL);
  return state_path;
}

void ob_lesson_state_set_path(const char *path) {
  g_clear_pointer(&state_path, g_free);
  g_clear_pointer(&state, g_key_file_unref);
  g_clear_handle_id(&save_source, g_source_remove);
  dirty = FALSE;
  state_path = path ? g_strdup(path) : NULL;
}

static GKeyFile *load(void) {
  if (state) return state;
  state = g_key_file_new();
  GError *error = NULL;
  if (!g_key_file_load_from_file(state, ob_lesson_state_get_path(), G_KEY_FILE_KEEP_COMMENTS, &error)) {
    /* A missing file is a first start; an unreadable one is reported once and replaced on the next
     * save, since the state is a convenience and must never stop the workbench. */
    if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      g_message("lesson state %s not read: %s", ob_lesson_state_get_path(), error->message);
    g_clear_error(&error);
  }
  return state;
}

gboolean ob_lesson_state_flush(GError **error) {
  g_clear_handle_id(&save_source, g_source_remove);
  if (!dirty) return TRUE;
  const char *path = ob_lesson_state_get_path();
  char *dir = g_path_get_dirname(path);
  if (g_mkdir_with_parents(dir, 0700) != 0) {
    int saved = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "cannot create %s: %s", dir,
                g_strerror(saved));
    g_free(dir);
    return FALSE;
  }
  g_free(dir);
  gsize len;
  char *data = g_key_file_to_data(load(), &len, NULL);
  /* CONSISTENT: written to a temporary file and renamed, so readers see the old or the new file. */
  gboolean ok = g_file_set_contents_full(path, data, (gssize)len,
                                         G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                         0600, error);
  g_free(data);
  if (ok) dirty = FALSE;
  return ok;
}

static gboolean on_save(gpointer data) {
  (void)data;
  save_source = 0;
  GError *error = NULL;
  if (!ob_lesson_state_flush(&error)) {
    g_message("lesson state not saved: %s", error->message);
    g_clear_error(&error);
  }
  return G_SOURCE_REMOVE;
}

static void schedule_save(void) {
  dirty = TRUE;
  if (!save_source) save_source = g_timeout_add(SAVE_DELAY_MS, on_save, NULL);
}

char *ob_lesson_state_get(const char *lesson_id, const char *key) {
  g_return_val_if_fail(lesson_id && key, NULL);
  if (ephemeral) return NULL;
  return g_key_file_get_string(load(), lesson_id, key, NULL);
}

void ob_lesson_state_set(const char *lesson_id, const char *key, const char *value) {
  g_return_if_fail(lesson_id && key);
  if (ephemeral) return;
  GKeyFile *kf = load();
  if (value) {
    char *old = g_key_file_get_string(kf, lesson_id, key, NULL);
    gboolean same = old && g_str_equal(old, value);
    g_free(old);
    if (same) return;
    g_key_file_set_string(kf, lesson_id, key, value);
  } else if (!g_key_file_remove_key(kf, lesson_id, key, NULL)) {
    return;
  }
  schedule_save();
}

void ob_lesson_state_reset(const char *lesson_id) {
  if (ephemeral) return;
  GKeyFile *kf = load();
  if (lesson_id) g_key_file_remove_group(kf, lesson_id, NULL);
  else {
    g_key_file_unref(kf);
    state = g_key_file_new();
  }
  schedule_save();
}
