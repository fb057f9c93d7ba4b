/* runner.h — the embeddable Python-subset interpreter behind `optbench run`.
 *
 *     rn_interp *in = rn_new();
 *     rn_set_output(in, my_write, my_ctx);        // stdout/stderr chunks
 *     int rc = rn_run(in, source, "x.py");        // 0: ran to the end; 1: uncaught exception
 *     if (rc) printf("%s: %s (line %d)\n", rn_exception_type(in), rn_exception_message(in),
 *                    rn_exception_line(in));
 *     rn_free(in);
 *
 * GLib-free: depends on libc and the engine only. One interpreter runs on one thread at a time;
 * rn_interrupt() is the only call that may come from another thread.
 */
#ifndef RUNNER_H
#define RUNNER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rn_interp rn_interp;

enum { RN_STDOUT = 1, RN_STDERR = 2 };
typedef void (*rn_output_fn)(void *user, int stream, const char *data, size_t len);

rn_interp *rn_new(void);
void rn_free(rn_interp *in);
/* Where print() and tracebacks go; the default writes to the process's stdout/stderr. */
void rn_set_output(rn_interp *in, rn_output_fn fn, void *user);
/* Runs source (NUL-terminated) as the module __main__. Returns 0, or 1 after an uncaught exception
 * (or a syntax error), whose traceback has already been written to RN_STDERR, or the status given
 * to sys.exit(). Globals persist between calls on the same interpreter. The code runs on a helper
 * thread with a large stack (rn_run waits for it), so deep recursion ends in RecursionError. */
int rn_run(rn_interp *in, const char *source, const char *filename);
/* Thread-safe: makes the running code raise KeyboardInterrupt at its next loop step or call. */
void rn_interrupt(rn_interp *in);
/* Seconds of wall time each rn_run may take before it raises TimeoutError; 0 means no limit. */
void rn_set_timeout(rn_interp *in, double seconds);
/* The last uncaught exception of rn_run: its type name ("ValueError"), its message (str(e)) and
 * the line it was raised on (innermost frame); NULL/NULL/0 when the last run succeeded. */
const char *rn_exception_type(const rn_interp *in);
const char *rn_exception_message(const rn_interp *in);
int rn_exception_line(const rn_interp *in);

#ifdef __cplusplus
}
#endif

#endif /* RUNNER_H */
