/* cpu.c — which vectorised kernels this CPU may run.
 *
 * The engine is built for baseline x86-64 (or any other CPU); the AVX2 kernels are compiled with
 * target attributes and chosen here at run time. TN_CPU=generic forces the portable kernels (to
 * test them on an AVX2 machine); both give the same results bit for bit. */
#include "tn-internal.h"

#include <stdatomic.h>
#include <stdlib.h>

static atomic_int avx2_state = -1; /* -1: not decided yet */

static int detect(void) {
  const char *env = getenv("TN_CPU");
  if (env && strcmp(env, "generic") == 0) return 0;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
  return 0;
#endif
}

bool tn__cpu_avx2(void) {
  int s = atomic_load_explicit(&avx2_state, memory_order_relaxed);
  if (TN_UNLIKELY(s < 0)) {
    s = detect(); /* racing threads compute the same answer */
    atomic_store_explicit(&avx2_state, s, memory_order_relaxed);
  }
  return s != 0;
}

int tn__cpu_force(int mode) {
  int prev = tn__cpu_avx2() ? 1 : 0;
  if (mode == 1 && !detect()) return -1;
  atomic_store_explicit(&avx2_state, mode < 0 ? detect() : mode, memory_order_relaxed);
  return prev;
}
