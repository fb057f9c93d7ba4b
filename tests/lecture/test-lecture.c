/* test-lecture.c — runs every ```python block of the lecture's section 4 ("## 4." up to "## 5.")
 * under `optbench run -` and compares with what real PyTorch printed (tests/lecture/expected/,
 * recorded by gen_expected.py, which documents the normalisation applied here too: lines listed as
 * volatile have every number replaced by <N>, runs of spaces squeezed and a space after "[" dropped). The lecture is read at
 * run time from SOURCE_ROOT/../shared/lecture/ (never copied into the project); without it every
 * case is skipped. Test paths are /lecture/section4/block-NN. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Blocks that cannot pass yet, each with its reason. A listed block that passes fails the test,
 * so that this list stays honest. */
static const struct {
  int block;
  const char *reason;
} expected_failures[] = {
  /* none at present; add {NN, "reason"} entries above this terminator */
  {0, NULL},
};

static const char *optbench_path;
static const char *expected_dir;
static GPtrArray *blocks; /* char* sources */
static GRegex *number_re, *spaces_re, *open_re;

static const char *xfail_reason(int block) {
  for (size_t i = 0; i < G_N_ELEMENTS(expected_failures); i++)
    if (expected_failures[i].reason && expected_failures[i].block == block) return expected_failures[i].reason;
  return NULL;
}

/* Same extraction rule as gen_expected.py. */
static GPtrArray *extract_blocks(const char *text) {
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  char **lines = g_strsplit(text, "\n", -1);
  gboolean inside = FALSE, in_section = FALSE;
  GString *cur = NULL;
  for (int i = 0; lines[i]; i++) {
    const char *l = lines[i];
    if (!inside && g_str_has_prefix(l, "## ")) {
      in_section = g_str_has_prefix(l, "## 4.");
      continue;
    }
    if (!in_section) continue;
    if (!inside && g_str_has_prefix(l, "```python")) {
      inside = TRUE;
      cur = g_string_new(NULL);
    } else if (inside && g_str_has_prefix(l, "```")) {
      inside = FALSE;
      g_ptr_array_add(out, g_string_free(cur, FALSE));
      cur = NULL;
    } else if (inside) {
      g_string_append(cur, l);
      g_string_append_c(cur, '\n');
    }
  }
  if (cur) g_string_free(cur, TRUE);
  g_strfreev(lines);
  return out;
}

static char *meta_get(const char *meta, const char *key) {
  char **lines = g_strsplit(meta, "\n", -1);
  char *r = NULL;
  size_t kl = strlen(key);
  for (int i = 0; lines[i] && !r; i++)
    if (strncmp(lines[i], key, kl) == 0 && (lines[i][kl] == ' ' || lines[i][kl] == '\0'))
      r = g_strdup(lines[i][kl] ? lines[i] + kl + 1 : "");
  g_strfreev(lines);
  return r ? r : g_strdup("");
}

static char *normalise_line(const char *line) {
  char *a = g_regex_replace_literal(number_re, line, -1, 0, "<N>", 0, NULL);
  char *b = g_regex_replace_literal(spaces_re, a, -1, 0, " ", 0, NULL);
  char *c = g_regex_replace_literal(open_re, b, -1, 0, "[", 0, NULL);
  g_free(a);
  g_free(b);
  return c;
}

static char *normalise(const char *out, const char *volatile_list) {
  char **lines = g_strsplit(out, "\n", -1);
  char **vol = g_strsplit(volatile_list, ",", -1);
  for (int i = 0; vol[i]; i++) {
    if (!vol[i][0]) continue;
    int k = atoi(vol[i]);
    if (k >= 0 && (guint)k < g_strv_length(lines)) {
      char *n = normalise_line(lines[k]);
      g_free(lines[k]);
      lines[k] = n;
    }
  }
  char *r = g_strjoinv("\n", lines);
  g_strfreev(lines);
  g_strfreev(vol);
  return r;
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

/* Runs block `idx` (1-based); returns NULL when it matches, else a description of the mismatch. */
static char *check_block(int idx) {
  const char *src = blocks->pdata[idx - 1];
  char *base = g_strdup_printf("%s/block-%02d", expected_dir, idx);
  char *out_path = g_strconcat(base, ".out", NULL), *meta_path = g_strconcat(base, ".meta", NULL);
  char *want = NULL, *meta = NULL, *problem = NULL;
  if (!g_file_get_contents(out_path, &want, NULL, NULL) || !g_file_get_contents(meta_path, &meta, NULL, NULL)) {
    problem = g_strdup_printf("no expected output %s: run tests/lecture/gen_expected.py", base);
    goto done;
  }
  char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, src, -1);
  char *want_hash = meta_get(meta, "sha256");
  gboolean same = strcmp(hash, want_hash) == 0;
  g_free(hash);
  g_free(want_hash);
  if (!same) {
    problem = g_strdup("the lecture's block changed since its output was recorded: run tests/lecture/gen_expected.py");
    goto done;
  }

  /* The block goes in through a pipe, as `optbench run -` reads it. */
  char *tmp = NULL;
  int fd = g_file_open_tmp("lecture-XXXXXX.py", &tmp, NULL);
  g_assert_cmpint(fd, >=, 0);
  close(fd);
  g_file_set_contents(tmp, src, -1, NULL);
  char *cmd = g_strdup_printf("'%s' run --timeout 300 - < '%s'", optbench_path, tmp);
  const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
  char *out = NULL, *err = NULL;
  int status = 0;
  GError *error = NULL;
  gboolean ok = g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
  g_unlink(tmp);
  g_free(tmp);
  g_free(cmd);
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

  char *vol = meta_get(meta, "volatile"), *want_rc = meta_get(meta, "rc"), *want_err = meta_get(meta, "err");
  char *got = normalise(out, vol);
  char *got_err = last_line(err);
  if (strcmp(got, want) != 0)
    problem = g_strdup_printf("stdout differs\n--- got (normalised)\n%s\n--- want\n%s\n--- stderr\n%s", got, want, err);
  else if (rc != atoi(want_rc))
    problem = g_strdup_printf("exit status %d, want %s; stderr:\n%s", rc, want_rc, err);
  else if (atoi(want_rc) != 0 && strcmp(got_err, want_err) != 0)
    problem = g_strdup_printf("last stderr line '%s', want '%s'", got_err, want_err);
  g_free(got_err);
  g_free(got);
  g_free(vol);
  g_free(want_rc);
  g_free(want_err);
  g_free(out);
  g_free(err);
done:
  g_free(base);
  g_free(out_path);
  g_free(meta_path);
  g_free(want);
  g_free(meta);
  return problem;
}

static void test_block(gconstpointer data) {
  int idx = GPOINTER_TO_INT(data);
  char *problem = check_block(idx);
  const char *reason = xfail_reason(idx);
  if (reason) {
    if (!problem) g_test_fail_printf("block %02d is listed as expected to fail (%s) but passes: remove it from the list", idx, reason);
    else g_test_message("expected failure (%s):\n%s", reason, problem);
  } else if (problem) {
    g_test_fail_printf("block %02d: %s", idx, problem);
  }
  g_free(problem);
}

/* A block that picks CUDA when there is one, run where there is "one": the CPU stand-in for the
 * CUDA module (TN_CUDA_HOST_MODULE). It must print the output the lecture shows for it, written on a
 * machine with a GPU (the comment lines after "# Example output:" in the block). */
static char *example_output(const char *src) {
  const char *at = strstr(src, "# Example output:");
  if (!at) return NULL;
  GString *s = g_string_new(NULL);
  char **lines = g_strsplit(strchr(at, '\n') ? strchr(at, '\n') + 1 : "", "\n", -1);
  for (int i = 0; lines[i]; i++) {
    if (g_str_has_prefix(lines[i], "# ")) g_string_append_printf(s, "%s\n", lines[i] + 2);
    else if (lines[i][0]) break;
  }
  g_strfreev(lines);
  return g_string_free(s, FALSE);
}

static void test_block_on_gpu(gconstpointer data) {
  int idx = GPOINTER_TO_INT(data);
  const char *module = g_getenv("TN_CUDA_HOST_MODULE");
  if (!module) {
    g_test_skip("TN_CUDA_HOST_MODULE (the CPU stand-in for the CUDA module) is not set");
    return;
  }
  const char *src = blocks->pdata[idx - 1];
  char *want = example_output(src), *tmp = NULL;
  int fd = g_file_open_tmp("lecture-gpu-XXXXXX.py", &tmp, NULL);
  g_assert_cmpint(fd, >=, 0);
  close(fd);
  g_file_set_contents(tmp, src, -1, NULL);
  char *cmd = g_strdup_printf("TN_CUDA_MODULE='%s' '%s' run --timeout 300 - < '%s'", module, optbench_path, tmp);
  const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
  char *out = NULL, *err = NULL;
  int status = 0;
  GError *error = NULL;
  g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error(error);
  g_unlink(tmp);
  if (strcmp(out, want) != 0)
    g_test_fail_printf("block %02d on a CUDA device: got\n%s\nthe lecture shows\n%s\nstderr:\n%s", idx, out, want, err);
  g_free(tmp), g_free(cmd), g_free(out), g_free(err), g_free(want);
}

static void test_skip(void) { g_test_skip("the lecture (SOURCE_ROOT/../shared/lecture/) is not beside this checkout"); }

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  /* one failing block must not hide the others */
  g_test_set_nonfatal_assertions();
  optbench_path = g_getenv("OPTBENCH");
  const char *srcdir = g_getenv("G_TEST_SRCDIR");
  if (!optbench_path || !srcdir) {
    g_printerr("set OPTBENCH (the optbench binary) and G_TEST_SRCDIR (tests/)\n");
    return 1;
  }
  char *dir = g_build_filename(srcdir, "lecture", "expected", NULL);
  expected_dir = dir;
  char *lecture = g_build_filename(srcdir, "..", "..", "shared", "lecture", "optimization-and-pytorch-basics.md", NULL);
  char *text = NULL;
  number_re = g_regex_new("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?", 0, 0, NULL);
  spaces_re = g_regex_new(" +", 0, 0, NULL);
  open_re = g_regex_new("\\[ ", 0, 0, NULL);
  if (!g_file_get_contents(lecture, &text, NULL, NULL)) {
    g_test_add_func("/lecture/section4/skipped", test_skip);
  } else {
    blocks = extract_blocks(text);
    for (guint i = 1; i <= blocks->len; i++) {
      char *path = g_strdup_printf("/lecture/section4/block-%02u", i);
      g_test_add_data_func(path, GINT_TO_POINTER(i), test_block);
      g_free(path);
      const char *src = blocks->pdata[i - 1];
      if (strstr(src, "torch.cuda.is_available()") && strstr(src, "# Example output:")) {
        path = g_strdup_printf("/lecture/section4/block-%02u/on-a-gpu", i);
        g_test_add_data_func(path, GINT_TO_POINTER(i), test_block_on_gpu);
        g_free(path);
      }
    }
  }
  int r = g_test_run();
  if (blocks) g_ptr_array_unref(blocks);
  g_regex_unref(number_re);
  g_regex_unref(spaces_re);
  g_regex_unref(open_re);
  g_free(text);
  g_free(lecture);
  g_free(dir);
  return r;
}
