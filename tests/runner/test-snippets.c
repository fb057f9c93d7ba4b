/* test-snippets.c — runs `optbench run` on every tests/snippets/NAME.py and compares its stdout
 * with NAME.out, the last line of its stderr with NAME.err and its exit status with NAME.rc
 * (0 when absent). The expected files come from real CPython via tests/snippets/regenerate.py.
 *
 * Normalisation (DESIGN.md, "Testing"): stdout must match character for character, except that a
 * floating-point number (a token with a fraction or an exponent, e.g. 0.1234, -1.5e-03, 2.0000) may
 * differ by one unit in its last printed digit, or by a relative 1e-6 when printed at full
 * precision (10 or more significant digits, e.g. float(t.item())); both tokens must have the same
 * form (digits after the point, exponent or not). Integers, shapes, indices, dtypes and messages
 * stay exact; .err lines and exit statuses are compared exactly.
 *
 * tests/snippets/pending.txt lists programs that are expected to fail for now, one a line:
 * "NAME  reason" ('#' starts a comment). A pending program that fails is reported as skipped with
 * its reason; one that passes fails the test, so that it gets removed from the list. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *optbench_path;
static const char *snippets_dir;
static GHashTable *pending; /* name -> reason */

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

/* A numeric token starting at s[i] (not inside an identifier such as "float64"): its length, and
 * whether it is a float (has a '.' followed by a digit, or an exponent); 0 when none starts here. */
static size_t number_at(const char *s, size_t i, gboolean *is_float, int *decimals, int *sig, gboolean *has_exp) {
  if (i > 0 && (g_ascii_isalnum(s[i - 1]) || s[i - 1] == '_' || s[i - 1] == '.')) return 0;
  size_t j = i;
  if (s[j] == '-') j++;
  if (!g_ascii_isdigit(s[j])) return 0;
  *sig = 0;
  gboolean leading = TRUE;
  for (; g_ascii_isdigit(s[j]); j++) {
    if (s[j] != '0') leading = FALSE;
    if (!leading) (*sig)++;
  }
  *decimals = -1;
  *has_exp = FALSE;
  if (s[j] == '.' && g_ascii_isdigit(s[j + 1])) {
    j++;
    *decimals = 0;
    for (; g_ascii_isdigit(s[j]); j++) {
      (*decimals)++;
      if (s[j] != '0') leading = FALSE;
      if (!leading) (*sig)++;
    }
  }
  if ((s[j] == 'e' || s[j] == 'E') && (g_ascii_isdigit(s[j + 1]) || ((s[j + 1] == '-' || s[j + 1] == '+') && g_ascii_isdigit(s[j + 2])))) {
    j += 2;
    while (g_ascii_isdigit(s[j])) j++;
    *has_exp = TRUE;
  }
  *is_float = *decimals > 0 || *has_exp;
  return j - i;
}

/* 10^e without libm (the test links GLib only) */
static double pow10i(int e) {
  double r = 1;
  for (int k = 0; k < (e < 0 ? -e : e); k++) r *= 10;
  return e < 0 ? 1 / r : r;
}

/* Are two float tokens equal up to one unit in the last printed digit (or relative 1e-6 at full
 * precision)? */
static gboolean floats_close(const char *a, size_t la, int dec_a, int sig_a, gboolean exp_a, const char *b, size_t lb,
                             int dec_b, gboolean exp_b) {
  if (dec_a != dec_b || exp_a != exp_b) return FALSE;
  char *ta = g_strndup(a, la), *tb = g_strndup(b, lb);
  double va = g_ascii_strtod(ta, NULL), vb = g_ascii_strtod(tb, NULL);
  double unit = pow10i(-(dec_a < 0 ? 0 : dec_a));
  if (exp_a) { /* the unit scales with the exponent of the larger */
    const char *e = strpbrk(ta, "eE");
    double ea = e ? g_ascii_strtod(e + 1, NULL) : 0;
    e = strpbrk(tb, "eE");
    double eb = e ? g_ascii_strtod(e + 1, NULL) : 0;
    unit *= pow10i((int)(ea > eb ? ea : eb));
  }
  g_free(ta);
  g_free(tb);
  double diff = va > vb ? va - vb : vb - va, mag = va < 0 ? -va : va;
  if (vb > mag) mag = vb;
  if (-vb > mag) mag = -vb;
  if (diff <= unit * (1 + 1e-9)) return TRUE;
  return sig_a >= 10 && diff <= 1e-6 * mag;
}

/* got == want under the normalisation above; on a mismatch *where is the offset in got. */
static gboolean outputs_match(const char *got, const char *want, size_t *where) {
  size_t i = 0, j = 0;
  while (got[i] && want[j]) {
    gboolean fa, fb, ea, eb;
    int da, db, sa, sb;
    size_t la = number_at(got, i, &fa, &da, &sa, &ea), lb = number_at(want, j, &fb, &db, &sb, &eb);
    if (la && lb) {
      if (la == lb && memcmp(got + i, want + j, la) == 0) { i += la; j += lb; continue; }
      if (fa && fb && floats_close(got + i, la, da, sa, ea, want + j, lb, db, eb)) { i += la; j += lb; continue; }
      *where = i;
      return FALSE;
    }
    if (got[i] != want[j]) { *where = i; return FALSE; }
    i++;
    j++;
  }
  *where = i;
  return !got[i] && !want[j];
}

/* Runs one program; NULL when it matches, else what differed (g_free it). */
static char *check_snippet(const char *name) {
  char *file = g_strdup_printf("%s.py", name);
  const char *argv[] = {optbench_path, "run", "--timeout", "60", file, NULL};
  char *out = NULL, *err = NULL;
  int status = 0;
  GError *error = NULL;
  gboolean ok = g_spawn_sync(snippets_dir, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_free(file);
  if (!ok) {
    char *r = g_strdup_printf("cannot run %s: %s", optbench_path, error ? error->message : "?");
    g_clear_error(&error);
    return r;
  }
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  char *want_out = read_opt(name, ".out");
  char *want_err = read_opt(name, ".err");
  char *want_rc = read_opt(name, ".rc");
  char *problem = NULL;
  size_t where = 0;
  if (!want_out) {
    problem = g_strdup_printf("%s.out is missing", name);
  } else if (!outputs_match(out, want_out, &where)) {
    problem = g_strdup_printf("stdout differs at byte %zu\n--- got:\n%s\n--- want:\n%s\n--- stderr:\n%s", where, out, want_out, err);
  } else if (want_err) {
    char *got = last_line(err), *want = last_line(want_err);
    if (strcmp(got, want) != 0) problem = g_strdup_printf("last stderr line\n  got:  %s\n  want: %s", got, want);
    g_free(got);
    g_free(want);
  }
  if (!problem && rc != (want_rc ? atoi(want_rc) : 0))
    problem = g_strdup_printf("exit status %d, want %d; stderr:\n%s", rc, want_rc ? atoi(want_rc) : 0, err);
  g_free(want_out);
  g_free(want_err);
  g_free(want_rc);
  g_free(out);
  g_free(err);
  return problem;
}

static void run_snippet(gconstpointer data) {
  const char *name = data;
  const char *reason = pending ? g_hash_table_lookup(pending, name) : NULL;
  char *problem = check_snippet(name);
  if (reason) {
    if (problem) {
      char *msg = g_strdup_printf("pending (tests/snippets/pending.txt): %s", reason);
      g_test_skip(msg);
      g_free(msg);
    } else {
      g_test_message("%s passes now: remove it from tests/snippets/pending.txt", name);
      g_test_fail();
    }
  } else if (problem) {
    g_test_message("%s", problem);
    g_test_fail();
  }
  g_free(problem);
}

/* The comparison itself must accept only what the normalisation allows. */
static void test_normalisation(void) {
  size_t w;
  g_assert_true(outputs_match("tensor([0.1235, 54.5981])\n", "tensor([0.1234, 54.5982])\n", &w));
  g_assert_true(outputs_match("0.9704074859619141\n", "0.9704075455665588\n", &w));
  g_assert_true(outputs_match("tensor([1.0000e-04])", "tensor([1.0001e-04])", &w));
  g_assert_false(outputs_match("tensor([0.1236])", "tensor([0.1234])", &w));
  g_assert_false(outputs_match("0.12", "0.1200", &w));
  g_assert_false(outputs_match("tensor([3, 4])", "tensor([3, 5])", &w));
  g_assert_false(outputs_match("torch.float32", "torch.float64", &w));
  g_assert_false(outputs_match("1.5e-03", "1.7e-03", &w));
  g_assert_false(outputs_match("0.97041", "0.97050", &w));
  g_assert_false(outputs_match("abc", "abcd", &w));
  g_assert_true(outputs_match("", "", &w));
}

static void load_pending(void) {
  char *text = read_opt("pending", ".txt");
  if (!text) return;
  pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  char **lines = g_strsplit(text, "\n", -1);
  for (int i = 0; lines[i]; i++) {
    char *hash = strchr(lines[i], '#');
    if (hash) *hash = 0;
    char *line = g_strstrip(lines[i]);
    if (!line[0]) continue;
    size_t n = strcspn(line, " \t");
    char *reason = g_strstrip(g_strdup(line + n));
    g_hash_table_replace(pending, g_strndup(line, n), reason[0] ? reason : g_strdup("expected to fail"));
    if (!reason[0]) g_free(reason);
  }
  g_strfreev(lines);
  g_free(text);
}

static int cmp_names(gconstpointer a, gconstpointer b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  /* one failing check must not hide the others */
  g_test_set_nonfatal_assertions();
  optbench_path = g_getenv("OPTBENCH");
  snippets_dir = g_getenv("SNIPPETS_DIR");
  if (!optbench_path || !snippets_dir) {
    g_printerr("set OPTBENCH (the optbench binary) and SNIPPETS_DIR (tests/snippets)\n");
    return 1;
  }
  load_pending();
  GDir *dir = g_dir_open(snippets_dir, 0, NULL);
  g_assert_nonnull(dir);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *entry;
  while ((entry = g_dir_read_name(dir)))
    if (g_str_has_suffix(entry, ".py") && strcmp(entry, "regenerate.py") != 0)
      g_ptr_array_add(names, g_strndup(entry, strlen(entry) - 3));
  g_dir_close(dir);
  g_ptr_array_sort(names, cmp_names);
  g_test_add_func("/runner/snippets/normalisation", test_normalisation);
  for (guint i = 0; i < names->len; i++) {
    char *path = g_strdup_printf("/runner/snippet/%s", (char *)names->pdata[i]);
    g_test_add_data_func(path, names->pdata[i], run_snippet);
    g_free(path);
  }
  /* a pending entry naming no program is a stale entry */
  if (pending) {
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, pending);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
      gboolean found = FALSE;
      for (guint i = 0; i < names->len && !found; i++) found = strcmp(names->pdata[i], key) == 0;
      if (!found) g_printerr("tests/snippets/pending.txt names %s, which is not a program\n", (char *)key);
    }
  }
  int r = g_test_run();
  g_ptr_array_unref(names);
  if (pending) g_hash_table_unref(pending);
  return r;
}
