/* optbench.c — the command line: dispatches to the runner, the figure exporter, the benchmarks, or
 * the workbench window. Other tools and tests rely on the exact forms listed in --help. */
#include "optbench-config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tn.h"
#include "runner.h"
#include "bench.h"
#if defined(OPTBENCH_HAVE_FIGURES) && OPTBENCH_HAVE_FIGURES
#include "figures.h"
#endif
#if OPTBENCH_HAVE_GUI
#include "ob-app.h"
#endif

static void print_help(FILE *out) {
  fputs("Usage:\n"
        "  optbench [--lesson ID] [--presentation]    open the workbench\n"
        "  optbench --lesson ID --screenshot FILE.png render one lesson to a PNG and exit\n"
        "  optbench lessons                           list the lesson ids, one a line\n"
        "  optbench run [--timeout S] FILE.py | -     run Python/PyTorch code on the engine\n"
        "  optbench export-figures [DIR] [--format png|svg|pdf] [--dpi N] [--only NAME,...]\n"
        "                                             write the lecture's figures\n"
        "  optbench bench [--json] [--device cpu|cuda] [--only NAME,...] [--repeat N]\n"
        "                                             run the engine's benchmarks\n"
        "  optbench --version | --help\n",
        out);
}

#if !OPTBENCH_HAVE_GUI || !(defined(OPTBENCH_HAVE_FIGURES) && OPTBENCH_HAVE_FIGURES) /* its only users */
static int not_available(const char *what) {
  fprintf(stderr, "optbench: %s is not available in this version yet.\n", what);
  return 2;
}
#endif


/* Ctrl-C raises KeyboardInterrupt in the running code, as in CPython (an atomic store: safe here). */
static rn_interp *volatile running_interp;
static void on_sigint(int sig) {
  (void)sig;
  if (running_interp) rn_interrupt(running_interp);
}

/* optbench run [--timeout SECONDS] FILE.py | -  */
static int cmd_run(int argc, char **argv) {
  const char *path = NULL;
  double timeout = 0;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
      char *end;
      timeout = strtod(argv[++i], &end);
      if (*end || timeout < 0) {
        fprintf(stderr, "optbench run: invalid --timeout '%s'\n", argv[i]);
        return 2;
      }
    } else if (strncmp(argv[i], "--timeout=", 10) == 0) {
      timeout = strtod(argv[i] + 10, NULL);
    } else if (!path) {
      path = argv[i];
    } else {
      break; /* further arguments belong to the script */
    }
  }
  if (!path) {
    fputs("Usage: optbench run [--timeout SECONDS] FILE.py | -\n", stderr);
    return 2;
  }
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "optbench run: can't open file '%s'\n", path);
    return 2;
  }
  size_t cap = 65536, n = 0;
  char *src = malloc(cap);
  for (;;) {
    if (!src) {
      fputs("optbench run: out of memory\n", stderr);
      if (f != stdin) fclose(f);
      return 2;
    }
    size_t got = fread(src + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0) break;
    if (n + 1 >= cap) {
      char *ns = realloc(src, cap * 2);
      if (!ns) free(src);
      src = ns;
      cap *= 2;
    }
  }
  src[n] = 0;
  if (f != stdin) fclose(f);
  rn_interp *in = rn_new();
  if (!in) {
    free(src);
    fputs("optbench run: out of memory\n", stderr);
    return 2;
  }
  rn_set_timeout(in, timeout);
  running_interp = in;
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  int rc = rn_run(in, src, strcmp(path, "-") == 0 ? "<stdin>" : path);
  sigaction(SIGINT, &old, NULL);
  running_interp = NULL;
  /* like CPython, an uncaught KeyboardInterrupt exits with 128 + SIGINT */
  if (rc == 1 && rn_exception_type(in) && strcmp(rn_exception_type(in), "KeyboardInterrupt") == 0) rc = 130;
  fflush(stdout);
  rn_free(in);
  free(src);
  return rc;
}

int main(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
    printf("optbench %s (engine libtn %s)\n", OPTBENCH_VERSION, TN_VERSION_STRING);
    return 0;
  }
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    print_help(stdout);
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "run") == 0) return cmd_run(argc, argv);
#if defined(OPTBENCH_HAVE_FIGURES) && OPTBENCH_HAVE_FIGURES
  if (argc >= 2 && strcmp(argv[1], "export-figures") == 0) return ob_figures_main(argc - 1, argv + 1, stdout, stderr);
#else
  if (argc >= 2 && strcmp(argv[1], "export-figures") == 0) return not_available("'optbench export-figures' (built without cairo)");
#endif
  if (argc >= 2 && strcmp(argv[1], "bench") == 0) return ob_bench_main(argc - 1, argv + 1);
#if OPTBENCH_HAVE_GUI
  if (argc >= 2 && strcmp(argv[1], "lessons") == 0) return ob_app_print_lessons(stdout);
#else
  if (argc >= 2 && strcmp(argv[1], "lessons") == 0) return not_available("'optbench lessons'");
#endif
  if (argc >= 2 && argv[1][0] != '-') {
    fprintf(stderr, "optbench: unknown command '%s'\n", argv[1]);
    print_help(stderr);
    return 2;
  }
#if OPTBENCH_HAVE_GUI
  return ob_app_main(argc, argv); /* no arguments, --lesson, --presentation, --screenshot */
#else
  return not_available("the workbench window (this build has no GUI)");
#endif
}
