/* golden.h — reads the expected values that the scripts in tests/golden/ wrote with real PyTorch.
 *
 * A golden file is a list of records. A record starts with a line "@@ NAME" and its value is every
 * line up to the next "@@ " line, joined with '\n' (no trailing newline). Lines starting with "@@@"
 * stand for a literal line starting with "@@" (the first '@' dropped). */
#ifndef OPTBENCH_TEST_GOLDEN_H
#define OPTBENCH_TEST_GOLDEN_H

#include <stddef.h>

typedef struct golden_file golden_file;

/* Loads tests/golden/NAME (found through G_TEST_SRCDIR); fails the test if it is missing. */
golden_file *golden_load(const char *name);
void golden_free(golden_file *g);
size_t golden_count(const golden_file *g);
const char *golden_name(const golden_file *g, size_t i);
const char *golden_value(const golden_file *g, size_t i);
/* The value of a named record; fails the test if there is none. */
const char *golden_get(const golden_file *g, const char *name);

#endif
