/* optbench.c — the command line: dispatches to the runner, the figure exporter, the benchmarks, or
 * the workbench window. Other tools and tests rely on the exact forms listed in --help. */
#include "optbench-config.h"

#include <stdio.h>
#include <string.h>

#include "tn.h"

static void print_help(FILE *out) {
  fputs("Usage:\n"
        "  optbench [--lesson ID] [--presentation]    open the workbench\n"
        "  optbench --lesson ID --screenshot FILE.png render one lesson to a PNG and exit\n"
        "  optbench lessons                           list the lesson ids, one a line\n"
        "  optbench run FILE.py | -                   run Python/PyTorch code on the engine\n"
        "  optbench export-figures [DIR] [--format png|svg|pdf] [--dpi N] [--only NAME,...]\n"
        "                                             write the lecture's figures\n"
        "  optbench bench [--json] [--device cpu|cuda] run the engine's benchmarks\n"
        "  optbench --version | --help\n",
        out);
}

static int not_available(const char *what) {
  fprintf(stderr, "optbench: %s is not available in this version yet.\n", what);
  return 2;
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
  if (argc >= 2 && strcmp(argv[1], "run") == 0) return not_available("'optbench run' (the Python runner)");
  if (argc >= 2 && strcmp(argv[1], "export-figures") == 0) return not_available("'optbench export-figures'");
  if (argc >= 2 && strcmp(argv[1], "bench") == 0) return not_available("'optbench bench'");
  if (argc >= 2 && strcmp(argv[1], "lessons") == 0) return not_available("'optbench lessons'");
  if (argc >= 2 && argv[1][0] != '-') {
    fprintf(stderr, "optbench: unknown command '%s'\n", argv[1]);
    print_help(stderr);
    return 2;
  }
  return not_available("the workbench window");
}
