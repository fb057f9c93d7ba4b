/* random.c — PyTorch's CPU generator and the random fills, bit for bit.
 *
 * The generator is at::CPUGeneratorImpl: an mt19937 engine (aten/src/ATen/core/MT19937RNGEngine.h)
 * plus the cached second Box-Muller sample. The fills follow aten/src/ATen/native/cpu/
 * DistributionTemplates.h and the transformations of ATen/core/TransformationHelper.h, including
 * the arithmetic of PyTorch's reduced-precision types (c10::Half and c10::BFloat16 round after
 * each operator) and, for float32 normal fills of 16 or more contiguous elements, the AVX2 kernel
 * (avx_mathfun.h's log and sincos) that PyTorch runs on AVX2 CPUs, reproduced lane by lane in
 * scalar C. The order in which a strided tensor receives its draws is TensorIterator's. */
#include "tn-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------------------ */
/* the engine: mt19937 as at::mt19937_engine implements it                                    */

#define MT_N 624
#define MT_M 397

struct tn_generator {
  pthread_mutex_t mutex;
  uint64_t seed; /* the full 64-bit seed; only its low 32 bits seed the engine */
  int32_t left;
  uint32_t next;
  uint32_t state[MT_N];
  /* Box-Muller makes two samples; normal_distribution<double> keeps the second for the next call. */
  bool has_next_double_normal;
  double next_double_normal;
  /* CPUGeneratorImpl also caches a float sample; no CPU kernel of PyTorch 1.13 sets it. */
  bool has_next_float_normal;
  float next_float_normal;
};

static void mt_seed(tn_generator *g, uint64_t seed) {
  g->seed = seed;
  g->state[0] = (uint32_t)(seed & 0xffffffffu);
  for (uint32_t j = 1; j < MT_N; j++)
    g->state[j] = 1812433253u * (g->state[j - 1] ^ (g->state[j - 1] >> 30)) + j;
  g->left = 1;
  g->next = 0;
}

static inline uint32_t mt_twist(uint32_t u, uint32_t v) {
  return (((u & 0x80000000u) | (v & 0x7fffffffu)) >> 1) ^ ((v & 1u) ? 0x9908b0dfu : 0u);
}

static void mt_next_state(tn_generator *g) {
  uint32_t *p = g->state;
  g->left = MT_N;
  g->next = 0;
  for (int j = MT_N - MT_M + 1; --j; p++) *p = p[MT_M] ^ mt_twist(p[0], p[1]);
  for (int j = MT_M; --j; p++) *p = p[MT_M - MT_N] ^ mt_twist(p[0], p[1]);
  *p = p[MT_M - MT_N] ^ mt_twist(p[0], g->state[0]);
}

static inline uint32_t gen_random(tn_generator *g) {
  if (--g->left == 0) mt_next_state(g);
  uint32_t y = g->state[g->next++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

/* CPUGeneratorImpl::random64: the first draw is the high half. */
static inline uint64_t gen_random64(tn_generator *g) {
  uint64_t hi = gen_random(g);
  uint64_t lo = gen_random(g);
  return (hi << 32) | lo;
}

/* CPUGeneratorImpl::set_current_seed: a new engine, and no cached normal samples. */
static void gen_set_seed(tn_generator *g, uint64_t seed) {
  g->has_next_double_normal = false;
  g->has_next_float_normal = false;
  mt_seed(g, seed);
}

/* c10::detail::getNonDeterministicRandom on Linux: 8 bytes of /dev/urandom (time if unreadable). */
static uint64_t nondeterministic_seed(void) {
  uint64_t v = 0;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t got = 0;
    unsigned char *p = (unsigned char *)&v;
    while (got < (ssize_t)sizeof v) {
      ssize_t r = read(fd, p + got, sizeof v - (size_t)got);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      got += r;
    }
    close(fd);
    if (got == (ssize_t)sizeof v) return v;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* PyTorch seeds its default CPU generator nondeterministically at start-up. */
static tn_generator default_gen = {.mutex = PTHREAD_MUTEX_INITIALIZER};
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void default_init(void) { gen_set_seed(&default_gen, nondeterministic_seed()); }

tn_generator *tn_default_generator(void) {
  pthread_once(&default_once, default_init);
  return &default_gen;
}

/* Random CUDA tensors are drawn on the CPU, from a generator of their own, so that they leave the
 * CPU generator's stream (PyTorch's numbers) untouched; torch.manual_seed seeds both, as in
 * PyTorch. The values are not PyTorch's CUDA (Philox) stream. */
static tn_generator cuda_gen = {.mutex = PTHREAD_MUTEX_INITIALIZER};
static pthread_once_t cuda_once = PTHREAD_ONCE_INIT;
static void cuda_gen_init(void) { gen_set_seed(&cuda_gen, nondeterministic_seed()); }
static _Thread_local bool use_cuda_gen;

static tn_generator *gen_lock(void) {
  tn_generator *g = tn_default_generator();
  if (use_cuda_gen) {
    pthread_once(&cuda_once, cuda_gen_init);
    g = &cuda_gen;
  }
  pthread_mutex_lock(&g->mutex);
  return g;
}

static void gen_unlock(tn_generator *g) { pthread_mutex_unlock(&g->mutex); }

void tn_manual_seed(uint64_t seed) {
  tn_generator *g = gen_lock();
  gen_set_seed(g, seed);
  gen_unlock(g);
  pthread_once(&cuda_once, cuda_gen_init);
  pthread_mutex_lock(&cuda_gen.mutex);
  gen_set_seed(&cuda_gen, seed);
  pthread_mutex_unlock(&cuda_gen.mutex);
}

/* TN__CREATE_ON_DEVICE for the random factories: the draw comes from the CUDA generator. */
#define RANDOM_ON_DEVICE(opts, call)                        \
  do {                                                      \
    if ((opts).device.type == TN_DEVICE_CUDA) {             \
      tn_device dev__ = (opts).device;                      \
      if (tn__cuda_check_device(dev__) < 0) return NULL;    \
      (opts).device = (tn_device){TN_DEVICE_CPU, 0};       \
      use_cuda_gen = true;                                  \
      tn_tensor *host__ = (call);                           \
      use_cuda_gen = false;                                 \
      return tn__move_to_device(host__, dev__);             \
    }                                                       \
  } while (0)

/* The whole generator but its mutex: copied field by field under the lock. */
struct tn_rng_state {
  tn_generator g;
};

tn_rng_state *tn_get_rng_state(void) {
  tn_rng_state *s = malloc(sizeof *s);
  if (!s) {
    tn__error(TN_ERROR_RUNTIME, "get_rng_state: out of memory");
    return NULL;
  }
  tn_generator *g = gen_lock();
  memcpy(s->g.state, g->state, sizeof g->state);
  s->g.seed = g->seed;
  s->g.left = g->left;
  s->g.next = g->next;
  s->g.has_next_double_normal = g->has_next_double_normal;
  s->g.next_double_normal = g->next_double_normal;
  s->g.has_next_float_normal = g->has_next_float_normal;
  s->g.next_float_normal = g->next_float_normal;
  gen_unlock(g);
  return s;
}

void tn_set_rng_state(const tn_rng_state *s) {
  if (!s) return;
  tn_generator *g = gen_lock();
  memcpy(g->state, s->g.state, sizeof g->state);
  g->seed = s->g.seed;
  g->left = s->g.left;
  g->next = s->g.next;
  g->has_next_double_normal = s->g.has_next_double_normal;
  g->next_double_normal = s->g.next_double_normal;
  g->has_next_float_normal = s->g.has_next_float_normal;
  g->next_float_normal = s->g.next_float_normal;
  gen_unlock(g);
}

void tn_rng_state_free(tn_rng_state *s) { free(s); }

uint64_t tn_initial_seed(void) {
  tn_generator *g = gen_lock();
  uint64_t s = g->seed;
  gen_unlock(g);
  return s;
}

uint64_t tn_seed(void) {
  uint64_t s = nondeterministic_seed();
  tn_manual_seed(s);
  return s;
}

uint32_t tn_generator_random(tn_generator *g) {
  if (!g) g = tn_default_generator();
  pthread_mutex_lock(&g->mutex);
  uint32_t r = gen_random(g);
  pthread_mutex_unlock(&g->mutex);
  return r;
}

uint64_t tn_generator_random64(tn_generator *g) {
  if (!g) g = tn_default_generator();
  pthread_mutex_lock(&g->mutex);
  uint64_t r = gen_random64(g);
  pthread_mutex_unlock(&g->mutex);
  return r;
}

/* ------------------------------------------------------------------------------------------ */
/* names PyTorch prints                                                                       */

/* c10's checked_convert names ("value cannot be converted to type int8_t without overflow"). */
static const char *const checked_convert_name[TN_DTYPE_COUNT] = {
    "bool", "uint8_t", "int8_t", "int16_t", "int", "int64_t", "at::Half", "at::BFloat16", "float", "double",
};

/* ------------------------------------------------------------------------------------------ */
/* small helpers                                                                              */

static inline uint32_t f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static inline float f32_from_bits(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* c10's conversions (fp16_ieee_from_fp32_value and friends), inline because the 16-bit fills convert
 * after every operator. They are exact or round to nearest even, as dtype.c's are, and need float
 * arithmetic evaluated in float. */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
static inline uint16_t TO_HALF(float f) {
  const uint32_t w = f32_bits(f), shl1_w = w + w, sign = w & 0x80000000u;
  float base = (fabsf(f) * 0x1.0p+112f) * 0x1.0p-110f;
  uint32_t bias = shl1_w & 0xff000000u;
  if (bias < 0x71000000u) bias = 0x71000000u;
  base = f32_from_bits((bias >> 1) + 0x07800000u) + base;
  const uint32_t bits = f32_bits(base);
  const uint32_t nonsign = ((bits >> 13) & 0x00007c00u) + (bits & 0x00000fffu);
  return (uint16_t)((sign >> 16) | (shl1_w > 0xff000000u ? 0x7e00u : nonsign));
}

static inline float HF(uint16_t h) {
  const uint32_t w = (uint32_t)h << 16, sign = w & 0x80000000u, two_w = w + w;
  const float normalized = f32_from_bits((two_w >> 4) + (0xe0u << 23)) * 0x1.0p-112f;
  const float denormalized = f32_from_bits((two_w >> 17) | (126u << 23)) - 0.5f;
  return f32_from_bits(sign | (two_w < (1u << 27) ? f32_bits(denormalized) : f32_bits(normalized)));
}
#else
#define TO_HALF(f) tn_float_to_half(f)
#define HF(h) tn_half_to_float(h)
#endif

static inline uint16_t TO_BF16(float f) {
  if (isnan(f)) return 0x7fc0;
  uint32_t u = f32_bits(f);
  return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

static inline float BF(uint16_t b) { return f32_from_bits((uint32_t)b << 16); }

/* static_cast<float>(double), overflow included (to infinity, as IEEE rounding does), without C's
 * undefined behaviour for out-of-range values. */
static inline float float_from_double(double d) {
  const double limit = (double)FLT_MAX + 0x1p103; /* FLT_MAX plus half an ulp: ties go to infinity */
  if (d >= limit) return INFINITY;
  if (d <= -limit) return -INFINITY;
  return (float)d;
}

/* c10::Half and c10::BFloat16 are built from a float only: a double goes through float first. */
static inline uint16_t half_from_double(double d) { return TO_HALF(float_from_double(d)); }
static inline uint16_t bf16_from_double(double d) { return TO_BF16(float_from_double(d)); }

static inline void store_f32(char *p, float v) { memcpy(p, &v, sizeof v); }
static inline void store_f64(char *p, double v) { memcpy(p, &v, sizeof v); }
static inline void store_u16(char *p, uint16_t v) { memcpy(p, &v, sizeof v); }

static const double PI = 3.14159265358979323846; /* c10::pi<double> */

/* uniform_real_distribution<T>(0, 1) draws: (bits & mask) * 2^-digits. */
static inline float uniform24(tn_generator *g) { return (float)(gen_random(g) & 0xffffffu) * 0x1p-24f; }
static inline double uniform53(tn_generator *g) {
  return (double)(gen_random64(g) & ((UINT64_C(1) << 53) - 1)) * 0x1p-53;
}
static inline float uniform11(tn_generator *g) { return (float)(gen_random(g) & 0x7ffu) * 0x1p-11f; }
static inline float uniform8(tn_generator *g) { return (float)(gen_random(g) & 0xffu) * 0x1p-8f; }

/* at::normal_distribution<double>: Box-Muller on two 53-bit uniforms, the sine sample cached. */
static inline double normal_double(tn_generator *g, double mean, double std) {
  if (g->has_next_double_normal) {
    g->has_next_double_normal = false;
    return fma(g->next_double_normal, std, mean);
  }
  double u1 = uniform53(g);
  double u2 = uniform53(g);
  double r = sqrt(-2.0 * log(1.0 - u2));
  double theta = 2.0 * PI * u1;
  g->next_double_normal = r * sin(theta);
  g->has_next_double_normal = true;
  return fma(r * cos(theta), std, mean);
}

/* ------------------------------------------------------------------------------------------ */
/* TensorIterator's order for one output                                                      */

/* The order in which TensorIterator visits a lone output: dims sorted by stride, smallest
 * innermost, with its insertion sort and tie rules (so that fills of strided views draw in the
 * same order as PyTorch's). Size-1 dims are dropped and mergeable dims merged; neither changes
 * the order. */
typedef struct {
  int32_t ndim;                 /* 0: one element */
  int64_t shape[TN_MAX_DIMS];   /* innermost first */
  int64_t strides[TN_MAX_DIMS]; /* bytes */
} run_order;

static void order_init(const tn_tensor *t, run_order *o) {
  int32_t nd = t->ndim, perm[TN_MAX_DIMS];
  tn__dim_order order = {nd, 1, t->shape, (const int64_t(*)[TN_MAX_DIMS])t->strides, false, NULL};
  tn__reorder_dims(&order, perm);
  int64_t esize = (int64_t)tn__dtype_traits[t->dtype].size;
  int32_t n = 0;
  for (int32_t i = 0; i < nd; i++) {
    int32_t d = perm[i];
    if (t->shape[d] == 1) continue;
    int64_t st = t->strides[d] * esize;
    if (n > 0 && o->strides[n - 1] * o->shape[n - 1] == st) {
      o->shape[n - 1] *= t->shape[d];
      continue;
    }
    o->shape[n] = t->shape[d];
    o->strides[n] = st;
    n++;
  }
  o->ndim = n;
}

/* A kernel fills n elements from p, stride bytes apart, drawing from the locked generator. */
typedef void (*run_fn)(void *ctx, char *p, int64_t n, int64_t stride);

static void for_each_run(const tn_tensor *t, run_fn fn, void *ctx) {
  if (t->numel == 0) return;
  char *p = tn__data(t);
  int64_t esize = (int64_t)tn__dtype_traits[t->dtype].size;
  if (tn_is_contiguous(t)) {
    fn(ctx, p, t->numel, esize);
    return;
  }
  run_order o;
  order_init(t, &o);
  if (o.ndim == 0) {
    fn(ctx, p, 1, esize);
    return;
  }
  int64_t idx[TN_MAX_DIMS] = {0};
  int64_t outer = t->numel / o.shape[0];
  for (int64_t k = 0; k < outer; k++) {
    fn(ctx, p, o.shape[0], o.strides[0]);
    for (int32_t d = 1; d < o.ndim; d++) {
      p += o.strides[d];
      if (++idx[d] < o.shape[d]) break;
      p -= o.strides[d] * o.shape[d];
      idx[d] = 0;
    }
  }
}



/* ------------------------------------------------------------------------------------------ */
/* uniform_                                                                                   */

typedef struct {
  tn_generator *g;
  double from, to;
} uniform_ctx;

/* uniform_real<T>: x * (to - from) + from, with from and to first cast to T, in T's accumulate
 * type (float for the 16-bit types, whose to - from is itself rounded to T). */
static void uniform_run_f32(void *vc, char *p, int64_t n, int64_t st) {
  const uniform_ctx *c = vc;
  tn_generator *g = c->g;
  float from = (float)c->from, range = (float)c->to - from;
  for (int64_t i = 0; i < n; i++, p += st) store_f32(p, fmaf(uniform24(g), range, from));
}

static void uniform_run_f64(void *vc, char *p, int64_t n, int64_t st) {
  const uniform_ctx *c = vc;
  tn_generator *g = c->g;
  double from = c->from, range = c->to - c->from;
  for (int64_t i = 0; i < n; i++, p += st) store_f64(p, fma(uniform53(g), range, from));
}

static void uniform_run_f16(void *vc, char *p, int64_t n, int64_t st) {
  const uniform_ctx *c = vc;
  tn_generator *g = c->g;
  float from = HF(half_from_double(c->from));
  float range = HF(TO_HALF(HF(half_from_double(c->to)) - from));
  for (int64_t i = 0; i < n; i++, p += st) store_u16(p, TO_HALF(fmaf(uniform11(g), range, from)));
}

static void uniform_run_bf16(void *vc, char *p, int64_t n, int64_t st) {
  const uniform_ctx *c = vc;
  tn_generator *g = c->g;
  float from = BF(bf16_from_double(c->from));
  float range = BF(TO_BF16(BF(bf16_from_double(c->to)) - from));
  for (int64_t i = 0; i < n; i++, p += st) store_u16(p, TO_BF16(fmaf(uniform8(g), range, from)));
}

static run_fn uniform_kernel(tn_dtype d) {
  switch (d) {
  case TN_DTYPE_FLOAT32: return uniform_run_f32;
  case TN_DTYPE_FLOAT64: return uniform_run_f64;
  case TN_DTYPE_FLOAT16: return uniform_run_f16;
  case TN_DTYPE_BFLOAT16: return uniform_run_bf16;
  default: return NULL;
  }
}

/* The largest finite value of a floating dtype, as a double. */
static double dtype_max(tn_dtype d) {
  switch (d) {
  case TN_DTYPE_FLOAT16: return 65504.0;
  case TN_DTYPE_BFLOAT16: return 0x1.fep127;
  case TN_DTYPE_FLOAT32: return FLT_MAX;
  default: return DBL_MAX;
  }
}

/* uniform_impl_'s checks, in PyTorch's order. */
static int uniform_checks(const tn_tensor *t, double from, double to) {
  if (!tn_dtype_is_floating(t->dtype))
    return tn__errorf(TN_ERROR_RUNTIME, "\"check_uniform_bounds\" not implemented for '%s'", tn__scalar_type_name(t->dtype));
  double max = dtype_max(t->dtype), min = -max;
  if (!(from >= min && from <= max))
    return tn__errorf(TN_ERROR_RUNTIME, "from is out of bounds for %s", tn__cpp_type_name(t->dtype));
  if (!(to >= min && to <= max))
    return tn__errorf(TN_ERROR_RUNTIME, "to is out of bounds for %s", tn__cpp_type_name(t->dtype));
  if (!(from <= to))
    return tn__errorf(TN_ERROR_RUNTIME, "uniform_ expects to return a [from, to) range, but found from=%g > to=%g", from, to);
  if (!(to - from <= max))
    return tn__errorf(TN_ERROR_RUNTIME,
                      "uniform_ expects to-from <= std::numeric_limits<%s>::max(), but found to=%g and from=%g "
                      "which result in to-from to exceed the limit",
                      tn__scalar_type_name(t->dtype), to, from);
  return tn__check_no_internal_overlap(t);
}

static void uniform_fill(tn_tensor *t, double from, double to) {
  uniform_ctx c = {gen_lock(), from, to};
  for_each_run(t, uniform_kernel(t->dtype), &c);
  gen_unlock(c.g);
}

/* An in-place draw into a CUDA tensor: from the CUDA generator (see RANDOM_ON_DEVICE), written
 * through a host view of its (managed) memory. */
static tn_tensor *fill_on_device(tn_tensor *t, void (*fill)(tn_tensor *, double, double), double a, double b) {
  const tn_tensor *ops[1] = {t};
  tn_tensor *h;
  tn_device dev;
  if (tn__cuda_host_args(1, ops, &h, &dev) < 0) return NULL;
  use_cuda_gen = true;
  fill(h, a, b);
  use_cuda_gen = false;
  tn__cuda_host_done(1, &h, NULL, dev);
  tn_bump_version(t);
  return tn_retain(t);
}

tn_tensor *tn_uniform_(tn_tensor *t, double from, double to) {
  if (!t) return tn__error(TN_ERROR_RUNTIME, "expected a tensor, got NULL");
  if (tn__ag_check_inplace(t) < 0 || uniform_checks(t, from, to) < 0) return NULL;
  if (tn__is_cuda(t)) return fill_on_device(t, uniform_fill, from, to);
  uniform_fill(t, from, to);
  tn_bump_version(t);
  return tn_retain(t);
}

/* ------------------------------------------------------------------------------------------ */
/* normal_                                                                                    */

/* --- float32, 16 or more contiguous elements: normal_fill_AVX2, lane by lane --- */

/* PyTorch's AVX2 kernels are built with -mfma in GNU C++ mode, where GCC contracts a multiply whose
 * result only feeds an add into one FMA (the intrinsics are plain vector arithmetic to GCC). So
 * where avx_mathfun.h multiplies then adds, the lanes below use fmaf: the test data (millions of
 * samples) match only that way. Products that are exact (by 0.5, or small integers by short
 * constants) are left unfused where fusing cannot change a bit. */

/* avx_mathfun.h's constants: double literals rounded to float, as its static tables hold them. */
#define AVX_F(x) ((float)(x))

/* Inlined into the FMA clones of the fills below. */
#if defined(__GNUC__)
#define TN_INLINE static inline __attribute__((always_inline))
#else
#define TN_INLINE static inline
#endif

/* log256_ps for one lane, for x in [2^-24, 1] (1 - a 24-bit uniform), where its NaN for x <= 0 and
 * its cut-off below the smallest normal never apply. Comparisons are made on the bit patterns
 * (monotonic for positive floats) and selections with masks, as the vector code does, so that the
 * lane loops stay free of branches. */
TN_INLINE float avx_log(float x) {
  uint32_t bits = f32_bits(x);
  int32_t imm0 = (int32_t)(bits >> 23);
  x = f32_from_bits((bits & ~0x7f800000u) | f32_bits(0.5f));
  imm0 -= 0x7f;
  float e = (float)imm0;
  e = e + 1.0f;
  uint32_t mask = 0u - (uint32_t)(f32_bits(x) < f32_bits(AVX_F(0.707106781186547524)));
  float tmp = f32_from_bits(f32_bits(x) & mask);
  x = x - 1.0f;
  e = e - f32_from_bits(f32_bits(1.0f) & mask);
  x = x + tmp;
  float z = x * x;
  float y = AVX_F(7.0376836292E-2);
  y = fmaf(y, x, AVX_F(-1.1514610310E-1));
  y = fmaf(y, x, AVX_F(1.1676998740E-1));
  y = fmaf(y, x, AVX_F(-1.2420140846E-1));
  y = fmaf(y, x, AVX_F(+1.4249322787E-1));
  y = fmaf(y, x, AVX_F(-1.6668057665E-1));
  y = fmaf(y, x, AVX_F(+2.0000714765E-1));
  y = fmaf(y, x, AVX_F(-2.4999993993E-1));
  y = fmaf(y, x, AVX_F(+3.3333331174E-1));
  y = y * x;
  tmp = e * AVX_F(-2.12194440e-4);
  y = fmaf(y, z, tmp); /* the first of the two products feeding the add is the fused one */
  tmp = z * 0.5f;
  y = y - tmp;
  x = x + y;
  x = fmaf(e, AVX_F(0.693359375), x);
  return x;
}

/* sincos256_ps for one lane, for x in [0, 2 pi] (so that the truncation to int32 is in range). */
TN_INLINE void avx_sincos(float x, float *s, float *c) {
  uint32_t sign_bit_sin = f32_bits(x) & 0x80000000u;
  x = f32_from_bits(f32_bits(x) & 0x7fffffffu);
  float y = x * AVX_F(1.27323954473516);
  uint32_t imm2 = (uint32_t)(int32_t)y;
  imm2 = imm2 + 1u;
  imm2 = imm2 & ~1u;
  y = (float)(int32_t)imm2;
  uint32_t imm4 = imm2;
  uint32_t swap_sign_bit_sin = (imm2 & 4u) << 29;
  uint32_t poly_mask = 0u - (uint32_t)((imm2 & 2u) == 0);
  x = fmaf(y, AVX_F(-0.78515625), x);
  x = fmaf(y, AVX_F(-2.4187564849853515625e-4), x);
  x = fmaf(y, AVX_F(-3.77489497744594108e-8), x);
  imm4 = imm4 - 2u;
  uint32_t sign_bit_cos = (~imm4 & 4u) << 29;
  sign_bit_sin ^= swap_sign_bit_sin;
  float z = x * x;
  y = AVX_F(2.443315711809948E-005);
  y = fmaf(y, z, AVX_F(-1.388731625493765E-003));
  y = fmaf(y, z, AVX_F(4.166664568298827E-002));
  y = y * z;
  float tmp = z * 0.5f;
  y = fmaf(y, z, -tmp);
  y = y + 1.0f;
  float y2 = AVX_F(-1.9515295891E-4);
  y2 = fmaf(y2, z, AVX_F(8.3321608736E-3));
  y2 = fmaf(y2, z, AVX_F(-1.6666654611E-1));
  y2 = y2 * z;
  y2 = fmaf(y2, x, x);
  float ysin2 = f32_from_bits(f32_bits(y2) & poly_mask);
  float ysin1 = f32_from_bits(f32_bits(y) & ~poly_mask);
  y2 = y2 - ysin2;
  y = y - ysin1;
  float xmm1 = ysin1 + ysin2;
  float xmm2 = y + y2;
  *s = f32_from_bits(f32_bits(xmm1) ^ sign_bit_sin);
  *c = f32_from_bits(f32_bits(xmm2) ^ sign_bit_cos);
}

/* normal_fill_16_AVX2: data[0..8) pair with data[8..16). Written as loops over the 8 lanes so that
 * the FMA clone can vectorise them; the square roots get their own loop (sqrtf's errno path keeps
 * it scalar). */
TN_INLINE void normal_fill_16_f32(float *data, float mean, float std) {
  const float two_pi = (float)(2.0f * PI);
  float r2[8], radius[8];
  for (int j = 0; j < 8; j++) r2[j] = -2.0f * avx_log(1.0f - data[j]);
  for (int j = 0; j < 8; j++) radius[j] = sqrtf(r2[j]);
  for (int j = 0; j < 8; j++) {
    float s, c;
    avx_sincos(two_pi * data[j + 8], &s, &c);
    data[j] = fmaf(radius[j] * c, std, mean);
    data[j + 8] = fmaf(radius[j] * s, std, mean);
  }
}

/* normal_fill_16<double>. */
TN_INLINE void normal_fill_16_f64(double *data, double mean, double std) {
  for (int j = 0; j < 8; j++) {
    double u1 = 1.0 - data[j];
    double u2 = data[j + 8];
    double radius = sqrt(-2.0 * log(u1));
    double theta = 2.0 * PI * u2;
    data[j] = fma(radius * cos(theta), std, mean);
    data[j + 8] = fma(radius * sin(theta), std, mean);
  }
}

/* normal_fill_16<c10::Half>: Half operators round to Half, mixed Half/float ones compute in float,
 * and std::log/cos/sin take the float overloads. */
TN_INLINE void normal_fill_16_f16(uint16_t *data, uint16_t mean, uint16_t std) {
  for (int j = 0; j < 8; j++) {
    uint16_t u1 = TO_HALF(1.0f - HF(data[j]));
    uint16_t u2 = data[j + 8];
    uint16_t radius = TO_HALF(sqrtf(-2.0f * logf(HF(u1))));
    uint16_t theta = half_from_double(2.0 * PI * (double)HF(u2));
    data[j] = TO_HALF(fmaf(HF(radius) * cosf(HF(theta)), HF(std), HF(mean)));
    data[j + 8] = TO_HALF(fmaf(HF(radius) * sinf(HF(theta)), HF(std), HF(mean)));
  }
}

/* normal_fill_16<c10::BFloat16>: c10 has BFloat16 overloads of std::log/sqrt/cos/sin (rounding
 * their results), and BFloat16 op BFloat16 rounds after every operator. */
TN_INLINE void normal_fill_16_bf16(uint16_t *data, uint16_t mean, uint16_t std) {
  for (int j = 0; j < 8; j++) {
    uint16_t u1 = TO_BF16(1.0f - BF(data[j]));
    uint16_t u2 = data[j + 8];
    uint16_t lg = TO_BF16(logf(BF(u1)));
    uint16_t radius = TO_BF16(sqrtf(BF(TO_BF16(-2.0f * BF(lg)))));
    uint16_t theta = bf16_from_double(2.0 * PI * (double)BF(u2));
    uint16_t cs = TO_BF16(cosf(BF(theta))), sn = TO_BF16(sinf(BF(theta)));
    data[j] = TO_BF16(BF(TO_BF16(BF(TO_BF16(BF(radius) * BF(cs))) * BF(std))) + BF(mean));
    data[j + 8] = TO_BF16(BF(TO_BF16(BF(TO_BF16(BF(radius) * BF(sn))) * BF(std))) + BF(mean));
  }
}

/* The fills that lean on fmaf get an FMA clone on x86-64, chosen at load time, so that fmaf is one
 * instruction there (the results are the same bits either way). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define TN_FMA_CLONES __attribute__((target_clones("fma", "default")))
#else
#define TN_FMA_CLONES
#endif

/* normal_fill: uniforms for every element, Box-Muller on blocks of 16, and when the size is not a
 * multiple of 16, fresh uniforms for the last 16 elements, transformed again. */
#define DEFINE_NORMAL_FILL(NAME, T, UNIFORM, FILL16, PARAM_T)                                      \
  TN_FMA_CLONES static void NAME(tn_generator *g, T *data, int64_t size, PARAM_T mean, PARAM_T std) { \
    for (int64_t i = 0; i < size; i++) data[i] = UNIFORM;                                          \
    for (int64_t i = 0; i + 16 <= size; i += 16) FILL16(data + i, mean, std);                      \
    if (size % 16 != 0) {                                                                          \
      T *tail = data + size - 16;                                                                  \
      for (int64_t i = 0; i < 16; i++) tail[i] = UNIFORM;                                          \
      FILL16(tail, mean, std);                                                                     \
    }                                                                                              \
  }

DEFINE_NORMAL_FILL(normal_fill_f32, float, uniform24(g), normal_fill_16_f32, float)
DEFINE_NORMAL_FILL(normal_fill_f64, double, uniform53(g), normal_fill_16_f64, double)
DEFINE_NORMAL_FILL(normal_fill_f16, uint16_t, TO_HALF(uniform11(g)), normal_fill_16_f16, uint16_t)
DEFINE_NORMAL_FILL(normal_fill_bf16, uint16_t, TO_BF16(uniform8(g)), normal_fill_16_bf16, uint16_t)

/* --- the per-element path (fewer than 16 elements, or not contiguous) --- */

typedef struct {
  tn_generator *g;
  double mean, std;
} normal_ctx;

static void normal_run_f32(void *vc, char *p, int64_t n, int64_t st) {
  const normal_ctx *c = vc;
  for (int64_t i = 0; i < n; i++, p += st) store_f32(p, float_from_double(normal_double(c->g, c->mean, c->std)));
}
static void normal_run_f64(void *vc, char *p, int64_t n, int64_t st) {
  const normal_ctx *c = vc;
  for (int64_t i = 0; i < n; i++, p += st) store_f64(p, normal_double(c->g, c->mean, c->std));
}
static void normal_run_f16(void *vc, char *p, int64_t n, int64_t st) {
  const normal_ctx *c = vc;
  for (int64_t i = 0; i < n; i++, p += st) store_u16(p, half_from_double(normal_double(c->g, c->mean, c->std)));
}
static void normal_run_bf16(void *vc, char *p, int64_t n, int64_t st) {
  const normal_ctx *c = vc;
  for (int64_t i = 0; i < n; i++, p += st) store_u16(p, bf16_from_double(normal_double(c->g, c->mean, c->std)));
}

static int normal_checks(const tn_tensor *t, double std) {
  if (!(std >= 0.0)) return tn__errorf(TN_ERROR_RUNTIME, "normal expects std >= 0.0, but found std %g", std);
  if (!tn_dtype_is_floating(t->dtype))
    return tn__errorf(TN_ERROR_RUNTIME, "\"normal_kernel_cpu\" not implemented for '%s'", tn__scalar_type_name(t->dtype));
  if (t->numel >= 16 && tn_is_contiguous(t)) return 0;
  return tn__check_no_internal_overlap(t);
}

/* normal_kernel: assumes normal_checks passed. */
static void normal_fill(tn_tensor *t, double mean, double std) {
  tn_generator *g = gen_lock();
  if (t->numel >= 16 && tn_is_contiguous(t)) {
    void *data = tn__data(t);
    switch (t->dtype) {
    case TN_DTYPE_FLOAT32: normal_fill_f32(g, data, t->numel, float_from_double(mean), float_from_double(std)); break;
    case TN_DTYPE_FLOAT64: normal_fill_f64(g, data, t->numel, mean, std); break;
    case TN_DTYPE_FLOAT16: normal_fill_f16(g, data, t->numel, half_from_double(mean), half_from_double(std)); break;
    case TN_DTYPE_BFLOAT16: normal_fill_bf16(g, data, t->numel, bf16_from_double(mean), bf16_from_double(std)); break;
    default: break;
    }
  } else {
    normal_ctx c = {g, mean, std};
    run_fn fn = t->dtype == TN_DTYPE_FLOAT32   ? normal_run_f32
                : t->dtype == TN_DTYPE_FLOAT64 ? normal_run_f64
                : t->dtype == TN_DTYPE_FLOAT16 ? normal_run_f16
                                               : normal_run_bf16;
    for_each_run(t, fn, &c);
  }
  gen_unlock(g);
}

tn_tensor *tn_normal_(tn_tensor *t, double mean, double std) {
  if (!t) return tn__error(TN_ERROR_RUNTIME, "expected a tensor, got NULL");
  if (tn__ag_check_inplace(t) < 0 || normal_checks(t, std) < 0) return NULL;
  if (tn__is_cuda(t)) return fill_on_device(t, normal_fill, mean, std);
  normal_fill(t, mean, std);
  tn_bump_version(t);
  return tn_retain(t);
}

/* ------------------------------------------------------------------------------------------ */
/* random_(from, to): randint                                                                 */

typedef struct {
  tn_generator *g;
  uint64_t range;
  int64_t base;
  bool wide; /* 64-bit draws */
} randint_ctx;

/* uniform_int_from_to: (draw % range) + base in uint64, then int64, then the dtype. */
static inline int64_t randint_draw(const randint_ctx *c) {
  uint64_t v = c->wide ? gen_random64(c->g) : (uint64_t)gen_random(c->g);
  uint64_t r = v % c->range + (uint64_t)c->base;
  int64_t s;
  memcpy(&s, &r, sizeof s); /* two's complement, as the cast in PyTorch */
  return s;
}

#define DEFINE_RANDINT_RUN(NAME, T, CONVERT)                                                       \
  static void NAME(void *vc, char *p, int64_t n, int64_t st) {                                     \
    const randint_ctx *c = vc;                                                                     \
    for (int64_t i = 0; i < n; i++, p += st) {                                                     \
      int64_t v = randint_draw(c);                                                                 \
      T out = CONVERT;                                                                             \
      memcpy(p, &out, sizeof out);                                                                 \
    }                                                                                              \
  }

/* The bounds checks keep v within the dtype's range, so the narrowing casts are exact. */
DEFINE_RANDINT_RUN(randint_run_bool, bool, v != 0)
DEFINE_RANDINT_RUN(randint_run_u8, uint8_t, (uint8_t)v)
DEFINE_RANDINT_RUN(randint_run_i8, int8_t, (int8_t)v)
DEFINE_RANDINT_RUN(randint_run_i16, int16_t, (int16_t)v)
DEFINE_RANDINT_RUN(randint_run_i32, int32_t, (int32_t)v)
DEFINE_RANDINT_RUN(randint_run_i64, int64_t, v)
DEFINE_RANDINT_RUN(randint_run_f16, uint16_t, TO_HALF((float)v))
DEFINE_RANDINT_RUN(randint_run_bf16, uint16_t, TO_BF16((float)v))
DEFINE_RANDINT_RUN(randint_run_f32, float, (float)v)
DEFINE_RANDINT_RUN(randint_run_f64, double, (double)v)

static run_fn randint_kernel(tn_dtype d) {
  switch (d) {
  case TN_DTYPE_BOOL: return randint_run_bool;
  case TN_DTYPE_UINT8: return randint_run_u8;
  case TN_DTYPE_INT8: return randint_run_i8;
  case TN_DTYPE_INT16: return randint_run_i16;
  case TN_DTYPE_INT32: return randint_run_i32;
  case TN_DTYPE_INT64: return randint_run_i64;
  case TN_DTYPE_FLOAT16: return randint_run_f16;
  case TN_DTYPE_BFLOAT16: return randint_run_bf16;
  case TN_DTYPE_FLOAT32: return randint_run_f32;
  default: return randint_run_f64;
  }
}

/* (int64_t)(scalar_t)v for a floating dtype, as x86 converts (out of range: INT64_MIN). */
static int64_t round_trip_int64(int64_t v, tn_dtype d) {
  double x;
  switch (d) {
  case TN_DTYPE_FLOAT16: x = HF(TO_HALF((float)v)); break;
  case TN_DTYPE_BFLOAT16: x = BF(TO_BF16((float)v)); break;
  case TN_DTYPE_FLOAT32: x = (float)v; break;
  default: x = (double)v; break;
  }
  return tn__double_to_int64(x);
}

static int digits_of(tn_dtype d) {
  return d == TN_DTYPE_FLOAT16 ? 11 : d == TN_DTYPE_BFLOAT16 ? 8 : d == TN_DTYPE_FLOAT32 ? 24 : 53;
}

static int floor_log2(uint64_t v) {
  int n = 0;
  while (v >>= 1) n++;
  return n;
}

/* update_from / update_to: move the bounds inward to values that survive the cast to the dtype. */
static int64_t update_from(int64_t from, tn_dtype d) {
  int64_t from_plus_1 = round_trip_int64(from + 1, d);
  if (from_plus_1 < from) {
    int64_t a = from + 1;
    int shift = floor_log2(a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a) - digits_of(d) + 1;
    if (shift >= 0 && shift < 63) from = from_plus_1 + ((int64_t)1 << shift);
  }
  return from;
}

static int64_t update_to(int64_t to, tn_dtype d) {
  int64_t to_minus_1 = round_trip_int64(to - 1, d);
  if (to_minus_1 >= to) {
    int64_t a = to - 1;
    int shift = floor_log2(a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a) - digits_of(d) + 1;
    if (shift >= 0 && shift < 63) to = to_minus_1 - ((int64_t)1 << shift);
  }
  return to;
}

static int check_from_to_in_range(int64_t from, int64_t to_inc, tn_dtype d) {
  const char *name = tn__cpp_type_name(d);
  if (tn_dtype_is_floating(d)) {
    double max = dtype_max(d), min = -max;
    if (!((double)from >= min && (double)from <= max))
      return tn__errorf(TN_ERROR_RUNTIME, "from is out of bounds for %s", name);
    if (!((double)to_inc >= min && (double)to_inc <= max))
      return tn__errorf(TN_ERROR_RUNTIME, "to - 1 is out of bounds for %s", name);
    return 0;
  }
  int64_t min, max;
  switch (d) {
  case TN_DTYPE_BOOL: min = 0, max = 1; break;
  case TN_DTYPE_UINT8: min = 0, max = UINT8_MAX; break;
  case TN_DTYPE_INT8: min = INT8_MIN, max = INT8_MAX; break;
  case TN_DTYPE_INT16: min = INT16_MIN, max = INT16_MAX; break;
  case TN_DTYPE_INT32: min = INT32_MIN, max = INT32_MAX; break;
  default: min = INT64_MIN, max = INT64_MAX; break;
  }
  if (from < min || from > max) return tn__errorf(TN_ERROR_RUNTIME, "from is out of bounds for %s", name);
  if (to_inc < min || to_inc > max) return tn__errorf(TN_ERROR_RUNTIME, "to - 1 is out of bounds for %s", name);
  return 0;
}

/* random_(from, to) on t (fresh and contiguous here). */
static int random_from_to(tn_tensor *t, int64_t from, int64_t to) {
  if (from >= to)
    return tn__errorf(TN_ERROR_RUNTIME, "random_ expects 'from' to be less than 'to', but got from=%lld >= to=%lld",
                      (long long)from, (long long)to);
  if (tn_dtype_is_floating(t->dtype)) {
    from = update_from(from, t->dtype);
    to = update_to(to, t->dtype);
    if (from >= to)
      return tn__errorf(TN_ERROR_RUNTIME,
                        "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got "
                        "from=%lld >= to=%lld",
                        (long long)from, (long long)to);
  }
  if (check_from_to_in_range(from, to - 1, t->dtype) < 0) return -1;
  randint_ctx c = {NULL, (uint64_t)to - (uint64_t)from, from, false};
  tn_dtype d = t->dtype;
  /* uniform_int_from_to_distribution: 64-bit draws only for these dtypes, and only when needed */
  c.wide = (d == TN_DTYPE_INT64 || d == TN_DTYPE_FLOAT64 || d == TN_DTYPE_FLOAT32 || d == TN_DTYPE_BFLOAT16) &&
           c.range >= (UINT64_C(1) << 32);
  c.g = gen_lock();
  for_each_run(t, randint_kernel(d), &c);
  gen_unlock(c.g);
  return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* creation                                                                                   */

static tn_tensor *new_for(int32_t ndim, const int64_t *shape, tn_options opts, tn_dtype dtype) {
  if (ndim > 0 && !shape) return tn__error(TN_ERROR_RUNTIME, "expected a shape, got NULL");
  opts.dtype = dtype;
  return tn_empty(ndim, shape, opts);
}

tn_tensor *tn_rand(int32_t ndim, const int64_t *shape, tn_options opts) {
  RANDOM_ON_DEVICE(opts, tn_rand(ndim, shape, opts));
  tn_tensor *t = new_for(ndim, shape, opts, tn__dtype_or_default(opts.dtype));
  if (!t) return NULL;
  if (uniform_checks(t, 0.0, 1.0) < 0) {
    tn_release(t);
    return NULL;
  }
  uniform_fill(t, 0.0, 1.0);
  return t;
}

tn_tensor *tn_randn(int32_t ndim, const int64_t *shape, tn_options opts) {
  RANDOM_ON_DEVICE(opts, tn_randn(ndim, shape, opts));
  tn_tensor *t = new_for(ndim, shape, opts, tn__dtype_or_default(opts.dtype));
  if (!t) return NULL;
  if (normal_checks(t, 1.0) < 0) {
    tn_release(t);
    return NULL;
  }
  normal_fill(t, 0.0, 1.0);
  return t;
}

tn_tensor *tn_randint(int64_t low, int64_t high, int32_t ndim, const int64_t *shape, tn_options opts) {
  RANDOM_ON_DEVICE(opts, tn_randint(low, high, ndim, shape, opts));
  tn_dtype dtype = tn__dtype_valid(opts.dtype) ? opts.dtype : TN_DTYPE_INT64;
  tn_tensor *t = new_for(ndim, shape, opts, dtype);
  if (!t) return NULL;
  if (random_from_to(t, low, high) < 0) {
    tn_release(t);
    return NULL;
  }
  return t;
}

/* empty_like with memory_format=preserve: a non-overlapping and dense input's strides are kept. */
static tn_tensor *empty_like_preserve(const tn_tensor *t, tn_options opts) {
  /* t is a template (its shape and layout), on any device: opts says where the result lives */
  if (!t) return tn__error(TN_ERROR_RUNTIME, "expected a tensor, got NULL");
  if (tn__check_cpu(opts) < 0) return NULL;
  return tn_empty_like(t, opts);
}

tn_tensor *tn_rand_like(const tn_tensor *t, tn_options opts) {
  if (tn__is_cuda(t) && opts.device.type == TN_DEVICE_CPU && opts.device.index < 0) opts.device = t->device; /* like t (an explicit CPU, index 0, stays) */
  RANDOM_ON_DEVICE(opts, tn_rand_like(t, opts));
  tn_tensor *r = empty_like_preserve(t, opts);
  if (!r) return NULL;
  if (uniform_checks(r, 0.0, 1.0) < 0) {
    tn_release(r);
    return NULL;
  }
  uniform_fill(r, 0.0, 1.0);
  return r;
}

tn_tensor *tn_randn_like(const tn_tensor *t, tn_options opts) {
  if (tn__is_cuda(t) && opts.device.type == TN_DEVICE_CPU && opts.device.index < 0) opts.device = t->device; /* like t (an explicit CPU, index 0, stays) */
  RANDOM_ON_DEVICE(opts, tn_randn_like(t, opts));
  tn_tensor *r = empty_like_preserve(t, opts);
  if (!r) return NULL;
  if (normal_checks(r, 1.0) < 0) {
    tn_release(r);
    return NULL;
  }
  normal_fill(r, 0.0, 1.0);
  return r;
}

/* ----- randperm ----- */

/* randperm_cpu: 0..n-1, then for each i a swap with i + random() % (n - i). */
#define DEFINE_RANDPERM(NAME, T, CONVERT)                                                          \
  static void NAME(tn_generator *g, T *r, int64_t n) {                                             \
    for (int64_t i = 0; i < n; i++) r[i] = CONVERT(i);                                             \
    for (int64_t i = 0; i < n - 1; i++) {                                                          \
      int64_t z = (int64_t)gen_random(g) % (n - i);                                                \
      T sav = r[i];                                                                                \
      r[i] = r[z + i];                                                                             \
      r[z + i] = sav;                                                                              \
    }                                                                                              \
  }

#define CONV_U8(i) ((uint8_t)(i))
#define CONV_I8(i) ((int8_t)(i))
#define CONV_I16(i) ((int16_t)(i))
#define CONV_I32(i) ((int32_t)(i))
#define CONV_I64(i) (i)
#define CONV_F16(i) TO_HALF((float)(i))
#define CONV_BF16(i) TO_BF16((float)(i))
#define CONV_F32(i) ((float)(i))
#define CONV_F64(i) ((double)(i))
DEFINE_RANDPERM(randperm_u8, uint8_t, CONV_U8)
DEFINE_RANDPERM(randperm_i8, int8_t, CONV_I8)
DEFINE_RANDPERM(randperm_i16, int16_t, CONV_I16)
DEFINE_RANDPERM(randperm_i32, int32_t, CONV_I32)
DEFINE_RANDPERM(randperm_i64, int64_t, CONV_I64)
DEFINE_RANDPERM(randperm_f16, uint16_t, CONV_F16)
DEFINE_RANDPERM(randperm_bf16, uint16_t, CONV_BF16)
DEFINE_RANDPERM(randperm_f32, float, CONV_F32)
DEFINE_RANDPERM(randperm_f64, double, CONV_F64)

/* check_supported_max_int_with_precision: n - 1 must fit the dtype (c10's overflow check, which
 * bool skips), and floating dtypes must hold every integer up to n. */
static int randperm_checks(int64_t n, tn_dtype d) {
  int64_t v = n > 0 ? n - 1 : n;
  bool overflow;
  switch (d) {
  case TN_DTYPE_UINT8: overflow = v > UINT8_MAX; break;
  case TN_DTYPE_INT8: overflow = v > INT8_MAX; break;
  case TN_DTYPE_INT16: overflow = v > INT16_MAX; break;
  case TN_DTYPE_INT32: overflow = v > INT32_MAX; break;
  case TN_DTYPE_FLOAT16: overflow = v > 65504; break;
  default: overflow = false; break;
  }
  if (overflow)
    return tn__errorf(TN_ERROR_RUNTIME, "value cannot be converted to type %s without overflow", checked_convert_name[d]);
  if (d == TN_DTYPE_FLOAT16 && n > (INT64_C(1) << 11) + 1)
    return tn__errorf(TN_ERROR_RUNTIME, "n cannot be greater than 2049 for Half type.");
  if (d == TN_DTYPE_FLOAT32 && n > (INT64_C(1) << 24) + 1)
    return tn__errorf(TN_ERROR_RUNTIME, "n cannot be greater than 2^24+1 for Float type.");
  if (d == TN_DTYPE_FLOAT64 && n > (INT64_C(1) << 53) + 1)
    return tn__errorf(TN_ERROR_RUNTIME, "n cannot be greater than 2^53+1 for Double type.");
  if (d == TN_DTYPE_BOOL) return tn__errorf(TN_ERROR_RUNTIME, "\"randperm\" not implemented for 'Bool'");
  return 0;
}

tn_tensor *tn_randperm(int64_t n, tn_options opts) {
  RANDOM_ON_DEVICE(opts, tn_randperm(n, opts));
  tn_dtype dtype = tn__dtype_valid(opts.dtype) ? opts.dtype : TN_DTYPE_INT64;
  tn_tensor *t = new_for(1, &n, opts, dtype);
  if (!t) return NULL;
  if (randperm_checks(n, dtype) < 0) {
    tn_release(t);
    return NULL;
  }
  tn_generator *g = gen_lock();
  void *data = tn__data(t);
  switch (dtype) {
  case TN_DTYPE_UINT8: randperm_u8(g, data, n); break;
  case TN_DTYPE_INT8: randperm_i8(g, data, n); break;
  case TN_DTYPE_INT16: randperm_i16(g, data, n); break;
  case TN_DTYPE_INT32: randperm_i32(g, data, n); break;
  case TN_DTYPE_INT64: randperm_i64(g, data, n); break;
  case TN_DTYPE_FLOAT16: randperm_f16(g, data, n); break;
  case TN_DTYPE_BFLOAT16: randperm_bf16(g, data, n); break;
  case TN_DTYPE_FLOAT32: randperm_f32(g, data, n); break;
  default: randperm_f64(g, data, n); break;
  }
  gen_unlock(g);
  return t;
}
