/* golden.c — the golden-file reader (see golden.h). */
#include "golden.h"

#include <glib.h>
#include <string.h>

struct golden_file {
  GPtrArray *names;
  GPtrArray *values;
};

golden_file *golden_load(const char *name) {
  g_autofree char *path = g_test_build_filename(G_TEST_DIST, "golden", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  if (!g_file_get_contents(path, &text, NULL, &error)) g_error("golden file %s: %s", path, error->message);
  golden_file *g = g_new0(golden_file, 1);
  g->names = g_ptr_array_new_with_free_func(g_free);
  g->values = g_ptr_array_new_with_free_func(g_free);
  char **lines = g_strsplit(text, "\n", -1);
  GString *value = NULL;
  gboolean first = TRUE;
  for (char **l = lines; *l; l++) {
    if (g_str_has_prefix(*l, "@@ ")) {
      if (value) g_ptr_array_add(g->values, g_string_free(value, FALSE));
      g_ptr_array_add(g->names, g_strdup(*l + 3));
      value = g_string_new(NULL);
      first = TRUE;
      continue;
    }
    if (!value) continue;
    if (l[1] == NULL && **l == '\0') break; /* the file's final newline */
    if (!first) g_string_append_c(value, '\n');
    first = FALSE;
    g_string_append(value, g_str_has_prefix(*l, "@@@") ? *l + 1 : *l);
  }
  if (value) g_ptr_array_add(g->values, g_string_free(value, FALSE));
  g_strfreev(lines);
  return g;
}

void golden_free(golden_file *g) {
  if (!g) return;
  g_ptr_array_unref(g->names);
  g_ptr_array_unref(g->values);
  g_free(g);
}

size_t golden_count(const golden_file *g) { return g->names->len; }
const char *golden_name(const golden_file *g, size_t i) { return g->names->pdata[i]; }
const char *golden_value(const golden_file *g, size_t i) { return g->values->pdata[i]; }

const char *golden_get(const golden_file *g, const char *name) {
  for (guint i = 0; i < g->names->len; i++)
    if (strcmp(g->names->pdata[i], name) == 0) return g->values->pdata[i];
  g_error("no golden record named '%s'", name);
  return NULL;
}
