/* elementwise-kernels-avx2.c — elementwise-kernels.c compiled a second time for AVX2, FMA and
 * F16C, with the vectoriser's dynamic cost model: the same loops, so the same results bit for bit
 * (contraction stays off; a + alpha * b uses fmaf in both builds). elementwise.c picks these
 * tables when tn__cpu_avx2() says the CPU can run them. */
#if defined(__GNUC__) && defined(__x86_64__)
#pragma GCC target("avx2,fma,f16c")
#pragma GCC optimize("vect-cost-model=dynamic", "fp-contract=off")
#define TN_EW_AVX2 1
#include "elementwise-kernels.c"
#else
typedef int tn__ew_avx2_unused; /* ISO C wants a translation unit to declare something */
#endif
