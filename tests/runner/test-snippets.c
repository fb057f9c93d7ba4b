/* test-snippets.c — runs `optbench run` on every tests/snippets/NAME.py and compares its stdout
 * with NAME.out exactly, the last line of its stderr with NAME.err and its exit status with NAME.rc
 * (0 when absent). The expected files come from real CPython via tests/snippets/regenerate.py. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *optbench_path;
static const char *snippets_dir;

static char *read_opt(const char *name, const char *ext) {
  char *path = g_strdup_printf("%s/%s%s", snippets_dir, name, ext);
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) text = NULL;
  g_free(path);
  return text;
}

static char *last_line(const char *s) {
  char **lines = g_strsplit(s, "\n", -1);
  const char *last = "";
  for (int i = 0; lines[i]; i++)
    if (g_strstrip(lines[i])[0]) last = lines[i];
  char *r = g_strdup(last);
  g_strfreev(lines);
  return r;
}

static void run_snippet(gconstpointer data) {
  const char *name = data;
  char *file = g_strdup_printf("%s.py", name);
  const char *argv[] = {optbench_path, "run", "--timeout", "60", file, NULL};
  char *out = NULL, *err = NULL;
  int status = 0;
  GError *error = NULL;
  gboolean ok = g_spawn_sync(snippets_dir, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
  if (!ok) {
    g_clear_error(&error);
    g_free(file);
    return;
  }
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

  char *want_out = read_opt(name, ".out");
  char *want_err = read_opt(name, ".err");
  char *want_rc = read_opt(name, ".rc");
  g_assert_nonnull(want_out);
  if (!want_out) want_out = g_strdup("");
  if (g_strcmp0(out, want_out) != 0) g_test_message("stderr was:\n%s", err);
  g_assert_cmpstr(out, ==, want_out);
  if (want_err) {
    char *got = last_line(err), *want = last_line(want_err);
    g_assert_cmpstr(got, ==, want);
    g_free(got);
    g_free(want);
  } else if (rc != 0) {
    g_test_message("stderr was:\n%s", err);
  }
  g_assert_cmpint(rc, ==, want_rc ? atoi(want_rc) : 0);
  g_free(want_out);
  g_free(want_err);
  g_free(want_rc);
  g_free(out);
  g_free(err);
  g_free(file);
}

static int cmp_names(gconstpointer a, gconstpointer b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  /* one failing snippet must not hide the others */
  g_test_set_nonfatal_assertions();
  optbench_path = g_getenv("OPTBENCH");
  snippets_dir = g_getenv("SNIPPETS_DIR");
  if (!optbench_path || !snippets_dir) {
    g_printerr("set OPTBENCH (the optbench binary) and SNIPPETS_DIR (tests/snippets)\n");
    return 1;
  }
  GDir *dir = g_dir_open(snippets_dir, 0, NULL);
  g_assert_nonnull(dir);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *entry;
  while ((entry = g_dir_read_name(dir)))
    if (g_str_has_suffix(entry, ".py") && strcmp(entry, "regenerate.py") != 0)
      g_ptr_array_add(names, g_strndup(entry, strlen(entry) - 3));
  g_dir_close(dir);
  g_ptr_array_sort(names, cmp_names);
  for (guint i = 0; i < names->len; i++) {
    char *path = g_strdup_printf("/runner/snippet/%s", (char *)names->pdata[i]);
    g_test_add_data_func(path, names->pdata[i], run_snippet);
    g_free(path);
  }
  int r = g_test_run();
  g_ptr_array_unref(names);
  return r;
}
