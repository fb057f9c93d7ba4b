/* error.c — thread-local error state: the message PyTorch would raise and its Python type. */
#include "tn-internal.h"

#include <stdio.h>

static _Thread_local tn_error_kind last_kind = TN_ERROR_NONE;
static _Thread_local char last_message[2048];

static_assert(TN_ERROR_KIND_COUNT == 8, "update kind_names");
static const char *const kind_names[TN_ERROR_KIND_COUNT] = {
    [TN_ERROR_NONE] = "",
    [TN_ERROR_RUNTIME] = "RuntimeError",
    [TN_ERROR_INDEX] = "IndexError",
    [TN_ERROR_VALUE] = "ValueError",
    [TN_ERROR_TYPE] = "TypeError",
    [TN_ERROR_NOT_IMPLEMENTED] = "NotImplementedError",
    [TN_ERROR_OVERFLOW] = "OverflowError",
    [TN_ERROR_ZERO_DIVISION] = "ZeroDivisionError",
};

const char *tn_error_message(void) { return last_message; }
tn_error_kind tn_error_kind_last(void) { return last_kind; }
const char *tn_error_kind_name(tn_error_kind kind) {
  return (kind >= 0 && kind < TN_ERROR_KIND_COUNT) ? kind_names[kind] : "RuntimeError";
}
void tn_error_clear(void) {
  last_kind = TN_ERROR_NONE;
  last_message[0] = '\0';
}

static void set_error(tn_error_kind kind, const char *fmt, va_list ap) {
  last_kind = kind;
  vsnprintf(last_message, sizeof last_message, fmt, ap);
}

void *tn__error(tn_error_kind kind, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error(kind, fmt, ap);
  va_end(ap);
  return NULL;
}

int tn__errorf(tn_error_kind kind, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error(kind, fmt, ap);
  va_end(ap);
  return -1;
}

void *tn__error_alloc(size_t nbytes) {
  /* PyTorch 1.13's text for a failed CPU allocation (c10/core/impl/alloc_cpu.cpp). */
  return tn__error(TN_ERROR_RUNTIME,
                   "[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: "
                   "you tried to allocate %zu bytes. Error code 12 (Cannot allocate memory)",
                   nbytes);
}

const char *tn__format_int_list(char *buf, size_t n, int32_t ndim, const int64_t *v) {
  size_t len = (size_t)snprintf(buf, n, "[");
  for (int32_t k = 0; k < ndim && len + 24 < n; k++)
    len += (size_t)snprintf(buf + len, n - len, "%s%lld", k ? ", " : "", (long long)v[k]);
  snprintf(buf + len, n - len, "]");
  return buf;
}
