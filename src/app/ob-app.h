/* ob-app.h — the workbench's entry points for src/optbench.c (GTK-free header). */
#pragma once

#include <stdio.h>

/* `optbench lessons`: prints the lesson ids, one a line. Returns 0. */
int ob_app_print_lessons(FILE *out);
/* `optbench [--lesson ID] [--presentation] [--screenshot FILE.png [--dark]]`: runs the window.
 * Returns the exit status: 2 for a bad argument or an unknown lesson (one message on stderr). */
int ob_app_main(int argc, char **argv);
