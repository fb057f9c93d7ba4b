/* test-api.c — the runner's embedding API: output capture, exception info, persistence of globals
 * between runs, syntax errors, interrupting a running loop from another thread, and the timeout. */
#include <glib.h>
#include <string.h>

#include "runner.h"

typedef struct Capture { GString *out, *err; } Capture;

static void capture(void *user, int stream, const char *data, size_t len) {
  Capture *c = user;
  g_string_append_len(stream == RN_STDERR ? c->err : c->out, data, (gssize)len);
}

static rn_interp *new_captured(Capture *c) {
  c->out = g_string_new(NULL);
  c->err = g_string_new(NULL);
  rn_interp *in = rn_new();
  g_assert_nonnull(in);
  rn_set_output(in, capture, c);
  return in;
}

static void free_captured(rn_interp *in, Capture *c) {
  rn_free(in);
  g_string_free(c->out, TRUE);
  g_string_free(c->err, TRUE);
}

static void test_output(void) {
  Capture c;
  rn_interp *in = new_captured(&c);
  g_assert_cmpint(rn_run(in, "print('a', 1, 2.5, sep='-')\nimport sys\nprint('e', file=sys.stderr)\n", "t.py"), ==, 0);
  g_assert_cmpstr(c.out->str, ==, "a-1-2.5\n");
  g_assert_cmpstr(c.err->str, ==, "e\n");
  g_assert_null(rn_exception_type(in));
  free_captured(in, &c);
}

static void test_exception(void) {
  Capture c;
  rn_interp *in = new_captured(&c);
  const char *src = "def f(x):\n    return x[3]\n\nf([1, 2])\n";
  g_assert_cmpint(rn_run(in, src, "e.py"), ==, 1);
  g_assert_cmpstr(rn_exception_type(in), ==, "IndexError");
  g_assert_cmpstr(rn_exception_message(in), ==, "list index out of range");
  g_assert_cmpint(rn_exception_line(in), ==, 2);
  g_assert_cmpstr(c.err->str, ==,
                  "Traceback (most recent call last):\n"
                  "  File \"e.py\", line 4, in <module>\n"
                  "    f([1, 2])\n"
                  "  File \"e.py\", line 2, in f\n"
                  "    return x[3]\n"
                  "IndexError: list index out of range\n");
  free_captured(in, &c);
}

static void test_syntax_error(void) {
  Capture c;
  rn_interp *in = new_captured(&c);
  g_assert_cmpint(rn_run(in, "x = 1\ny = = 2\n", "s.py"), ==, 1);
  g_assert_cmpstr(rn_exception_type(in), ==, "SyntaxError");
  g_assert_cmpstr(rn_exception_message(in), ==, "invalid syntax");
  g_assert_cmpint(rn_exception_line(in), ==, 2);
  g_assert_cmpstr(c.err->str, ==, "  File \"s.py\", line 2\n    y = = 2\n        ^\nSyntaxError: invalid syntax\n");
  free_captured(in, &c);
}

static void test_globals_persist(void) {
  Capture c;
  rn_interp *in = new_captured(&c);
  g_assert_cmpint(rn_run(in, "def sq(v):\n    return v * v\ncount = 5\n", "a.py"), ==, 0);
  g_assert_cmpint(rn_run(in, "print(sq(count) + 1)\n", "b.py"), ==, 0);
  g_assert_cmpstr(c.out->str, ==, "26\n");
  /* a failed run leaves the interpreter usable */
  g_assert_cmpint(rn_run(in, "undefined_name\n", "c.py"), ==, 1);
  g_assert_cmpstr(rn_exception_type(in), ==, "NameError");
  g_assert_cmpint(rn_run(in, "print(count)\n", "d.py"), ==, 0);
  g_assert_cmpstr(c.out->str, ==, "26\n5\n");
  free_captured(in, &c);
}

static gpointer interrupter(gpointer data) {
  g_usleep(200000);
  rn_interrupt(data);
  return NULL;
}

static void test_interrupt(void) {
  Capture c;
  rn_interp *in = new_captured(&c);
  GThread *t = g_thread_new("interrupter", interrupter, in);
  gint64 t0 = g_get_monotonic_time();
  int rc = rn_run(in, "n = 0\nwhile True:\n    n += 1\n", "loop.py");
  g_thread_join(t);
  g_assert_cmpint(rc, ==, 1);
  g_assert_cmpstr(rn_exception_type(in), ==, "KeyboardInterrupt");
  g_assert_true(g_str_has_suffix(c.err->str, "KeyboardInterrupt\n"));
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 10 * G_USEC_PER_SEC);
  /* except blocks see it like any exception, and the flag is consumed */
  GThread *t2 = g_thread_new("interrupter", interrupter, in);
  rc = rn_run(in, "try:\n    while True:\n        pass\nexcept KeyboardInterrupt:\n    print('caught')\n", "loop2.py");
  g_thread_join(t2);
  g_assert_cmpint(rc, ==, 0);
  g_assert_cmpstr(c.out->str, ==, "caught\n");
  free_captured(in, &c);
}

static void test_timeout(void) {
  Capture c;
  rn_interp *in = new_captured(&c);
  rn_set_timeout(in, 0.3);
  gint64 t0 = g_get_monotonic_time();
  int rc = rn_run(in, "def spin():\n    while True:\n        pass\nspin()\n", "spin.py");
  g_assert_cmpint(rc, ==, 1);
  g_assert_cmpstr(rn_exception_type(in), ==, "TimeoutError");
  g_assert_cmpint(rn_exception_line(in), ==, 2); /* the while statement checks the clock */
  gint64 dt = g_get_monotonic_time() - t0;
  g_assert_cmpint(dt, >=, 250000);
  g_assert_cmpint(dt, <, 10 * G_USEC_PER_SEC);
  rn_set_timeout(in, 0);
  g_assert_cmpint(rn_run(in, "print('fine')\n", "ok.py"), ==, 0);
  g_assert_cmpstr(c.out->str, ==, "fine\n");
  free_captured(in, &c);
}

static void test_recursion(void) {
  Capture c;
  rn_interp *in = new_captured(&c);
  int rc = rn_run(in, "def f(n):\n    return f(n + 1)\nf(0)\n", "r.py");
  g_assert_cmpint(rc, ==, 1);
  g_assert_cmpstr(rn_exception_type(in), ==, "RecursionError");
  g_assert_cmpstr(rn_exception_message(in), ==, "maximum recursion depth exceeded");
  free_captured(in, &c);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/runner/api/output", test_output);
  g_test_add_func("/runner/api/exception", test_exception);
  g_test_add_func("/runner/api/syntax-error", test_syntax_error);
  g_test_add_func("/runner/api/globals-persist", test_globals_persist);
  g_test_add_func("/runner/api/interrupt", test_interrupt);
  g_test_add_func("/runner/api/timeout", test_timeout);
  g_test_add_func("/runner/api/recursion", test_recursion);
  return g_test_run();
}
