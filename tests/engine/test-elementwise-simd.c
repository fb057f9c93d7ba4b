/* test-elementwise-simd.c — the fast paths (AVX2/F16C kernels, the thread pool, the transpose copy,
 * the small-tensor pool) against mathematics and against the portable kernels.
 *
 * Every case runs twice, once with the portable kernels forced and once with the AVX2 ones (when
 * this CPU has them; else that half is skipped, saying so). Expected values come from references
 * written here (float16/bfloat16 rounding done independently with rint and ldexp, float32 IEEE
 * arithmetic), element by element, for contiguous, transposed, stepped and broadcast inputs, small
 * (one thread, the small-tensor fast path) and large (split among threads). Sums, whose order is
 * PyTorch's cascade, must be the same bit for bit in both builds. */
#include <glib.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tn-internal.h"

/* ----- references ----- */

static uint64_t rng_state = 12345;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static float bits_f(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static uint32_t f_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

/* float16 -> float: exact; a NaN comes out quiet (as c10 and F16C make it) */
static float ref_h2f(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e == 31) return bits_f(sign | 0x7f800000u | (m << 13) | (m ? 0x400000u : 0));
  double v = e == 0 ? ldexp(m, -24) : ldexp(1024 + m, (int)e - 25);
  return sign ? -(float)v : (float)v;
}

/* float -> float16, nearest even, computed in double: NaN is c10's sign | 0x7e00 */
static uint16_t ref_f2h(float f) {
  uint16_t sign = signbit(f) ? 0x8000 : 0;
  if (isnan(f)) return sign | 0x7e00;
  double a = fabs((double)f);
  if (isinf(a)) return sign | 0x7c00;
  if (a < ldexp(1, -14)) return sign | (uint16_t)rint(ldexp(a, 24)); /* 0x400 is the smallest normal */
  int e;
  frexp(a, &e);
  e -= 1;
  double q = rint(ldexp(a, 10 - e));
  if (q >= 2048) {
    q /= 2;
    e++;
  }
  if (e + 15 >= 31) return sign | 0x7c00;
  return sign | (uint16_t)(((e + 15) << 10) | ((int)q - 1024));
}

static float ref_bf2f(uint16_t b) { return bits_f((uint32_t)b << 16); }

/* float -> bfloat16, nearest even, computed in double (NaN: c10's 0x7fc0) */
static uint16_t ref_f2bf(float f) {
  if (isnan(f)) return 0x7fc0;
  uint16_t sign = signbit(f) ? 0x8000 : 0;
  double a = fabs((double)f);
  if (isinf(a)) return sign | 0x7f80;
  if (a < ldexp(1, -126)) return sign | (uint16_t)rint(ldexp(a, 133));
  int e;
  frexp(a, &e);
  e -= 1;
  double q = rint(ldexp(a, 7 - e));
  if (q >= 256) {
    q /= 2;
    e++;
  }
  if (e + 127 >= 255) return sign | 0x7f80;
  return sign | (uint16_t)(((e + 127) << 7) | ((int)q - 128));
}

/* Inputs: random bit patterns a quarter of the time (NaNs with payloads, infinities, subnormals),
 * else ordinary values of a few magnitudes. */
static uint16_t rand_half(bool bf) {
  uint64_t r = rnd();
  if ((r & 3) == 0) return (uint16_t)(r >> 16);
  float v = (float)((double)(r >> 40) / 16777216.0 * 8 - 4) * (float)ldexp(1, (int)((r >> 8) & 7) - 3);
  return bf ? ref_f2bf(v) : ref_f2h(v);
}
static float rand_float(void) {
  uint64_t r = rnd();
  if ((r & 7) == 0) return bits_f((uint32_t)(r >> 20));
  return (float)((double)(r >> 40) / 16777216.0 * 8 - 4) * (float)ldexp(1, (int)((r >> 8) & 15) - 7);
}

/* ----- both builds ----- */

static bool have_avx2;

/* Runs fn under the portable kernels, then under the AVX2 ones when present. */
static void both_builds(void (*fn)(void)) {
  tn__cpu_force(0);
  fn();
  if (have_avx2) {
    g_assert_cmpint(tn__cpu_force(1), ==, 0);
    fn();
  }
  tn__cpu_force(-1);
}

static void check_skip_note(void) {
  if (!have_avx2) g_test_message("this CPU has no AVX2+FMA+F16C (or TN_CPU=generic): only the portable kernels ran");
}

/* ----- binary ops on float16 / bfloat16 / float32, every layout ----- */

typedef enum { LAYOUT_CONTIG, LAYOUT_TRANSPOSED, LAYOUT_STEPPED, LAYOUT_BROADCAST, LAYOUT_COUNT } layout;

/* An operand of shape (rows, cols) in the given layout, over a fresh random buffer; *base gets
 * the buffer (element (i, j) is at base[off + i * rs + j * cs], in elements). */
static tn_tensor *operand(tn_dtype dt, int64_t rows, int64_t cols, layout lay, tn_tensor **base, int64_t *rs,
                          int64_t *cs) {
  int64_t n = rows * cols * 2 + 7;
  *base = tn_empty(1, &n, TN_OPTS(dt));
  g_assert_nonnull(*base);
  char *p = tn_data_ptr(*base);
  for (int64_t i = 0; i < n; i++) {
    if (dt == TN_DTYPE_FLOAT32) {
      float v = rand_float();
      memcpy(p + 4 * i, &v, 4);
    } else {
      uint16_t h = rand_half(dt == TN_DTYPE_BFLOAT16);
      memcpy(p + 2 * i, &h, 2);
    }
  }
  int64_t shape[2] = {rows, cols}, strides[2], off = 0;
  switch (lay) {
  case LAYOUT_CONTIG: strides[0] = cols, strides[1] = 1; break;
  case LAYOUT_TRANSPOSED: strides[0] = 1, strides[1] = rows; break;
  case LAYOUT_STEPPED: strides[0] = 2 * cols, strides[1] = 2, off = 3; break;
  default: strides[0] = 0, strides[1] = 1, off = 5; break; /* one row, expanded */
  }
  *rs = strides[0];
  *cs = strides[1];
  tn_tensor *t = tn_as_strided(*base, 2, shape, strides, off);
  g_assert_nonnull(t);
  return t;
}

static float load_as_float(const char *p, tn_dtype dt) {
  uint16_t h;
  switch (dt) {
  case TN_DTYPE_FLOAT32: return bits_f(*(const uint32_t *)p);
  case TN_DTYPE_FLOAT16: memcpy(&h, p, 2); return ref_h2f(h);
  default: memcpy(&h, p, 2); return ref_bf2f(h);
  }
}

static float ref_binary(tn_binary_op op, float a, float b) {
  switch (op) {
  case TN_BINARY_ADD: return a + b;
  case TN_BINARY_SUB: return a - b;
  case TN_BINARY_MUL: return a * b;
  case TN_BINARY_DIV: return a / b;
  case TN_BINARY_MAXIMUM: return a != a ? a : (b != b ? b : (a < b ? b : a));
  default: return a != a ? a : (b != b ? b : (b < a ? b : a));
  }
}

/* the bits the output element must hold */
static uint32_t expected_bits(float r, tn_dtype dt) {
  switch (dt) {
  case TN_DTYPE_FLOAT32: return isnan(r) ? 0x7fc00000u : f_bits(r);
  case TN_DTYPE_FLOAT16: return ref_f2h(r);
  default: return ref_f2bf(r);
  }
}
/* NaN results: which operand's NaN (and so which sign) comes out is the hardware's and the
 * compiler's choice, in PyTorch too; the 16-bit patterns must still be the canonical quiet NaN. */
static uint32_t canonical_nan(uint32_t bits, tn_dtype dt) {
  if (dt == TN_DTYPE_FLOAT16 && (bits & 0x7fffu) == 0x7e00u) return 0x7e00u;
  return bits;
}
static uint32_t got_bits(const char *p, tn_dtype dt) {
  if (dt == TN_DTYPE_FLOAT32) {
    uint32_t u;
    memcpy(&u, p, 4);
    return isnan(bits_f(u)) ? 0x7fc00000u : u; /* float32 NaN payloads are the hardware's */
  }
  uint16_t h;
  memcpy(&h, p, 2);
  return h;
}

static const tn_binary_op bin_ops[] = {TN_BINARY_ADD, TN_BINARY_SUB, TN_BINARY_MUL, TN_BINARY_DIV,
                                       TN_BINARY_MAXIMUM, TN_BINARY_MINIMUM};
static const tn_dtype float_dtypes[] = {TN_DTYPE_FLOAT16, TN_DTYPE_BFLOAT16, TN_DTYPE_FLOAT32};

static void binary_case(tn_dtype dt, int64_t rows, int64_t cols, layout la, layout lb) {
  tn_tensor *ba, *bb;
  int64_t ars, acs, brs, bcs;
  tn_tensor *a = operand(dt, rows, cols, la, &ba, &ars, &acs);
  tn_tensor *b = operand(dt, rows, cols, lb, &bb, &brs, &bcs);
  int64_t es = (int64_t)tn_dtype_size(dt);
  const char *pa = (const char *)tn_data_ptr(a), *pb = (const char *)tn_data_ptr(b);
  for (size_t k = 0; k < G_N_ELEMENTS(bin_ops); k++) {
    tn_tensor *r = tn_binary(bin_ops[k], a, b);
    g_assert_nonnull(r);
    g_assert_cmpint(r->dtype, ==, dt);
    const char *pr = (const char *)tn_data_ptr(r);
    for (int64_t i = 0; i < rows; i++)
      for (int64_t j = 0; j < cols; j++) {
        float x = load_as_float(pa + (i * ars + j * acs) * es, dt), y = load_as_float(pb + (i * brs + j * bcs) * es, dt);
        uint32_t want = canonical_nan(expected_bits(ref_binary(bin_ops[k], x, y), dt), dt);
        uint32_t got = canonical_nan(got_bits(pr + (i * r->strides[0] + j * r->strides[1]) * es, dt), dt);
        if (got != want)
          g_error("%s %s layouts %d/%d (%lldx%lld) at (%lld, %lld): %a, %a: got 0x%x, want 0x%x", tn_binary_op_name(bin_ops[k]),
                  tn_dtype_name(dt), la, lb, (long long)rows, (long long)cols, (long long)i, (long long)j, x, y, got, want);
      }
    tn_release(r);
  }
  tn_release(a);
  tn_release(b);
  tn_release(ba);
  tn_release(bb);
}

static void run_binary(void) {
  for (size_t d = 0; d < G_N_ELEMENTS(float_dtypes); d++)
    for (int la = 0; la < LAYOUT_COUNT; la++)
      for (int lb = 0; lb < LAYOUT_COUNT; lb++) {
        binary_case(float_dtypes[d], 3, 37, la, lb);       /* small: one thread, tails */
        if (la == lb || la == LAYOUT_CONTIG) binary_case(float_dtypes[d], 301, 263, la, lb); /* threaded */
      }
}

static void test_binary(void) {
  check_skip_note();
  both_builds(run_binary);
}

/* ----- unary ops on the 16-bit types ----- */

static void run_unary(void) {
  static const tn_unary_op ops[] = {TN_UNARY_NEG, TN_UNARY_ABS, TN_UNARY_RECIPROCAL, TN_UNARY_SQUARE};
  for (int d = 0; d < 2; d++) {
    tn_dtype dt = d ? TN_DTYPE_BFLOAT16 : TN_DTYPE_FLOAT16;
    for (int big = 0; big < 2; big++) {
      tn_tensor *base;
      int64_t rs, cs, rows = big ? 400 : 5, cols = big ? 333 : 21;
      tn_tensor *a = operand(dt, rows, cols, big ? LAYOUT_CONTIG : LAYOUT_TRANSPOSED, &base, &rs, &cs);
      const char *pa = tn_data_ptr(a);
      for (size_t k = 0; k < G_N_ELEMENTS(ops); k++) {
        tn_tensor *r = tn_unary(ops[k], a);
        g_assert_nonnull(r);
        const char *pr = tn_data_ptr(r);
        for (int64_t i = 0; i < rows; i++)
          for (int64_t j = 0; j < cols; j++) {
            float x = load_as_float(pa + (i * rs + j * cs) * 2, dt);
            float y = ops[k] == TN_UNARY_NEG ? -x : ops[k] == TN_UNARY_ABS ? fabsf(x)
                    : ops[k] == TN_UNARY_RECIPROCAL ? 1.0f / x : x * x;
            uint32_t want = canonical_nan(expected_bits(y, dt), dt);
            uint32_t got = canonical_nan(got_bits(pr + (i * r->strides[0] + j * r->strides[1]) * 2, dt), dt);
            if (got != want)
              g_error("%s %s at (%lld, %lld): got 0x%x, want 0x%x", tn_unary_op_name(ops[k]), tn_dtype_name(dt),
                      (long long)i, (long long)j, got, want);
          }
        tn_release(r);
      }
      tn_release(a);
      tn_release(base);
    }
  }
}

static void test_unary(void) {
  check_skip_note();
  both_builds(run_unary);
}

/* ----- dtype conversions (contiguous F16C paths and their tails) ----- */

static void run_convert(void) {
  int64_t n = 100003;
  tn_tensor *f = tn_empty(1, &n, TN_OPTS(TN_DTYPE_FLOAT32));
  float *pf = tn_data_ptr(f);
  for (int64_t i = 0; i < n; i++) pf[i] = rand_float();
  /* the rounding boundaries themselves: ties at float16's and bfloat16's half units */
  pf[0] = bits_f(0x3f801000u);            /* 1 + 2^-11: float16 tie, rounds to even (1) */
  pf[1] = bits_f(0x3f803000u);            /* 1 + 3 * 2^-11: tie, rounds up */
  pf[2] = bits_f(0x3f808000u);            /* bfloat16 tie to even */
  pf[3] = 65520.0f;                       /* float16 overflow */
  pf[4] = bits_f(0x33000000u);            /* 2^-25: float16 tie to zero */
  pf[5] = bits_f(0x7fa00001u);            /* a signalling NaN with a payload */
  pf[6] = bits_f(0xffc12345u);            /* a negative NaN with a payload */
  for (int d = 0; d < 2; d++) {
    tn_dtype dt = d ? TN_DTYPE_BFLOAT16 : TN_DTYPE_FLOAT16;
    tn_tensor *h = tn_to_dtype(f, dt, false);
    g_assert_nonnull(h);
    const uint16_t *ph = tn_data_ptr(h);
    for (int64_t i = 0; i < n; i++) {
      uint16_t want = d ? ref_f2bf(pf[i]) : ref_f2h(pf[i]);
      if (ph[i] != want) g_error("float32 -> %s [%lld] (0x%08x): got 0x%04x, want 0x%04x", tn_dtype_name(dt), (long long)i, f_bits(pf[i]), ph[i], want);
    }
    tn_tensor *back = tn_to_dtype(h, TN_DTYPE_FLOAT32, false);
    const float *pb = tn_data_ptr(back);
    for (int64_t i = 0; i < n; i++) {
      float want = d ? ref_bf2f(ph[i]) : ref_h2f(ph[i]);
      if (f_bits(pb[i]) != f_bits(want)) g_error("%s -> float32 [%lld]: got 0x%08x, want 0x%08x", tn_dtype_name(dt), (long long)i, f_bits(pb[i]), f_bits(want));
    }
    tn_release(back);
    tn_release(h);
  }
  /* every float16 bit pattern widens as the reference says */
  int64_t all = 65536;
  tn_tensor *h = tn_empty(1, &all, TN_OPTS(TN_DTYPE_FLOAT16));
  uint16_t *ph = tn_data_ptr(h);
  for (int64_t i = 0; i < all; i++) ph[i] = (uint16_t)i;
  tn_tensor *w = tn_to_dtype(h, TN_DTYPE_FLOAT32, false);
  const float *pw = tn_data_ptr(w);
  for (int64_t i = 0; i < all; i++) g_assert_cmphex(f_bits(pw[i]), ==, f_bits(ref_h2f((uint16_t)i)));
  tn_release(w);
  tn_release(h);
  tn_release(f);
}

/* ----- float32 tanh and sigmoid: correctly rounded from double -----
 * The engine's float tanh and sigmoid compute in double with their own exp polynomial; their
 * results must be libm's double tanh, and the sigmoid made from libm's double exp, rounded to float
 * (references computed another way), for 2 million inputs — random bit patterns and values spread
 * over [-10, 10] (tanh) or [-100, 100] (sigmoid), contiguous (the AVX2 loop) and strided (the
 * scalar one) — plus the specials; and the same bits in both builds. Sigmoid is exactly 0 where
 * float exp(-x) overflows (PyTorch's float kernel), as libm's expf says. */
static double span_of_inputs = 10.0;

static float ref_tanh(float x) { return (float)tanh((double)x); }
static float ref_sigmoid(float x) {
  if (x < -88.0f && isinf(expf(-x))) return 0.0f;
  double d = x;
  return (float)(d >= 0 ? 1.0 / (1.0 + exp(-d)) : exp(d) / (1.0 + exp(d)));
}
static tn_unary_op check_op = TN_UNARY_TANH;
static float (*check_ref)(float) = ref_tanh;

static float *tanh_inputs(int64_t n) {
  float *x = g_new(float, n);
  for (int64_t i = 0; i < n; i++) {
    uint32_t b = (uint32_t)rnd();
    float f;
    memcpy(&f, &b, 4);
    x[i] = i % 2 ? (float)((double)(b % 200000001u) / 2e8 * 2 * span_of_inputs - span_of_inputs) : f;
  }
  static const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, 1e-30f, -1e-40f, 9.0f, -8.9f, 10.0f, 0.5f};
  memcpy(x, specials, sizeof specials);
  return x;
}

static uint32_t *tanh_last;

static void check_tanh(void) {
  enum { N = 1000000 };
  int64_t shape[] = {N}, strided[] = {N, 2};
  rng_state = 777;
  float *x = tanh_inputs(2 * N);
  tn_tensor *xs = tn_from_blob(x, 2, strided, (int64_t[]){2, 1}, TN_DTYPE_FLOAT32, NULL, NULL);
  tn_tensor *xc = tn_from_blob(x, 1, shape, NULL, TN_DTYPE_FLOAT32, NULL, NULL);
  tn_tensor *col = tn_select(xs, 1, 1); /* stride 2: the scalar loop */
  tn_tensor *yc = tn_unary(check_op, xc), *ys = tn_unary(check_op, col);
  g_assert_nonnull(yc);
  g_assert_nonnull(ys);
  const float *pc = tn_data_ptr(yc), *ps = tn_data_ptr(ys);
  int64_t wrong = 0;
  for (int64_t i = 0; i < N; i++) {
    float want_c = check_ref(x[i]), want_s = check_ref(x[2 * i + 1]);
    if (memcmp(&pc[i], &want_c, 4) != 0 && !(isnan(pc[i]) && isnan(want_c))) wrong++;
    if (memcmp(&ps[i], &want_s, 4) != 0 && !(isnan(ps[i]) && isnan(want_s))) wrong++;
  }
  g_assert_cmpint(wrong, ==, 0);
  if (check_op == TN_UNARY_TANH) {
    g_assert_true(signbit(pc[1]) && pc[1] == 0.0f); /* tanh(-0) = -0 */
    g_assert_cmpfloat(pc[2], ==, 1.0f);
    g_assert_cmpfloat(pc[3], ==, -1.0f);
  } else {
    g_assert_cmpfloat(pc[1], ==, 0.5f);
    g_assert_cmpfloat(pc[2], ==, 1.0f);
    g_assert_true(pc[3] == 0.0f && !signbit(pc[3])); /* sigmoid(-inf) = +0 */
  }
  /* the same bits in both builds */
  if (!tanh_last) {
    tanh_last = g_new(uint32_t, N);
    memcpy(tanh_last, pc, (size_t)N * 4);
  } else {
    g_assert_cmpint(memcmp(tanh_last, pc, (size_t)N * 4), ==, 0);
  }
  tn_release(yc), tn_release(ys), tn_release(col), tn_release(xs), tn_release(xc);
  g_free(x);
}

static void test_tanh(void) {
  check_op = TN_UNARY_TANH, check_ref = ref_tanh, span_of_inputs = 10.0;
  both_builds(check_tanh);
  g_free(tanh_last);
  tanh_last = NULL;
  check_skip_note();
}

static void test_sigmoid(void) {
  check_op = TN_UNARY_SIGMOID, check_ref = ref_sigmoid, span_of_inputs = 100.0;
  both_builds(check_tanh);
  g_free(tanh_last);
  tanh_last = NULL;
  check_skip_note();
}

static void test_convert(void) {
  check_skip_note();
  both_builds(run_convert);
}

/* ----- transposed copies (contiguous() of a transpose) ----- */

static void transpose_case(tn_dtype dt, int64_t rows, int64_t cols, bool stepped) {
  int64_t es = (int64_t)tn_dtype_size(dt), n = rows * cols * (stepped ? 2 : 1);
  tn_tensor *base = tn_empty(1, &n, TN_OPTS(dt));
  unsigned char *p = tn_data_ptr(base);
  for (int64_t i = 0; i < n * es; i++) p[i] = (unsigned char)rnd();
  int64_t shape[2] = {rows, cols}, strides[2] = {stepped ? 2 * cols : cols, stepped ? 2 : 1};
  tn_tensor *a = tn_as_strided(base, 2, shape, strides, 0);
  tn_tensor *at = tn_t(a);
  tn_tensor *c = tn_contiguous(at);
  g_assert_nonnull(c);
  g_assert_true(tn_is_contiguous(c) && !tn_same_storage(c, base));
  const unsigned char *pc = tn_data_ptr(c);
  for (int64_t i = 0; i < cols; i++)
    for (int64_t j = 0; j < rows; j++)
      if (memcmp(pc + (i * rows + j) * es, p + (j * strides[0] + i * strides[1]) * es, (size_t)es) != 0)
        g_error("%s %lldx%lld transpose: element (%lld, %lld) differs", tn_dtype_name(dt), (long long)rows,
                (long long)cols, (long long)i, (long long)j);
  tn_release(c);
  tn_release(at);
  tn_release(a);
  tn_release(base);
}

static void run_transpose(void) {
  static const tn_dtype dts[] = {TN_DTYPE_UINT8, TN_DTYPE_FLOAT16, TN_DTYPE_FLOAT32, TN_DTYPE_INT32, TN_DTYPE_FLOAT64};
  for (size_t d = 0; d < G_N_ELEMENTS(dts); d++) {
    transpose_case(dts[d], 37, 29, false);   /* ragged edges in both directions */
    transpose_case(dts[d], 16, 8, false);    /* exactly one strip */
    transpose_case(dts[d], 1030, 263, false); /* threaded, ragged */
    transpose_case(dts[d], 64, 40, true);    /* stepped source: not the strip path */
  }
  transpose_case(TN_DTYPE_FLOAT32, 1024, 512, false); /* power-of-two strides */
}

static void test_transpose(void) {
  check_skip_note();
  both_builds(run_transpose);
}

/* ----- sums: the cascade order in both builds ----- */

/* A fingerprint of every result bit of each pass, compared between the builds. */
static uint64_t sum_hash[2];
static int sum_pass;

static void hash_tensor(uint64_t *h, const tn_tensor *t) {
  size_t es = tn_dtype_size(t->dtype);
  for (int64_t i = 0; i < t->numel; i++) {
    tn_scalar v = tn_get_flat(t, i);
    uint64_t u = 0;
    memcpy(&u, &v.v.f, sizeof u);
    *h = (*h ^ u) * 1099511628211ull + es;
  }
}

static void run_sums(void) {
  static const tn_dtype dts[] = {TN_DTYPE_FLOAT16, TN_DTYPE_BFLOAT16, TN_DTYPE_FLOAT32, TN_DTYPE_FLOAT64};
  uint64_t *h = &sum_hash[sum_pass++];
  *h = 14695981039346656037ull;
  for (size_t d = 0; d < G_N_ELEMENTS(dts); d++) {
    tn_dtype dt = dts[d];
    int64_t shape[2] = {517, 301}, n = shape[0] * shape[1];
    rng_state = 99 + d; /* the same data in both passes */
    tn_tensor *flat = tn_empty(1, &n, TN_OPTS(TN_DTYPE_FLOAT64));
    double *pf = tn_data_ptr(flat);
    for (int64_t i = 0; i < n; i++) pf[i] = (double)(rnd() >> 11) * 0x1p-53 / 256;
    tn_tensor *f = tn_to_dtype(flat, dt, false), *x = tn_view(f, 2, shape);
    tn_tensor *xt = tn_t(x);
    int64_t d0 = 0, d1 = 1;
    /* inner (contiguous) and outer reductions, on x and on its transpose */
    tn_tensor *r[6] = {tn_sum(x, 0, NULL, false, TN_DTYPE_UNDEFINED), tn_sum(x, 1, &d0, false, TN_DTYPE_UNDEFINED),
                       tn_sum(x, 1, &d1, false, TN_DTYPE_UNDEFINED), tn_sum(xt, 1, &d0, false, TN_DTYPE_UNDEFINED),
                       tn_sum(xt, 1, &d1, false, TN_DTYPE_UNDEFINED), tn_sum(xt, 0, NULL, false, TN_DTYPE_UNDEFINED)};
    for (int k = 0; k < 6; k++) {
      g_assert_nonnull(r[k]);
      hash_tensor(h, r[k]);
    }
    /* the full sum is close to the exact one (values as stored in dt) */
    tn_tensor *back = tn_to_dtype(f, TN_DTYPE_FLOAT64, false);
    const double *pb = tn_data_ptr(back);
    double exact = 0;
    for (int64_t i = 0; i < n; i++) exact += pb[i];
    double got = tn_scalar_to_double(tn_get_flat(r[0], 0));
    double tol = dt == TN_DTYPE_FLOAT16 ? 0x1p-9 : dt == TN_DTYPE_BFLOAT16 ? 0x1p-6 : 1e-5;
    g_assert_cmpfloat(fabs(got - exact), <=, tol * exact);
    for (int k = 0; k < 6; k++) tn_release(r[k]);
    tn_release(back);
    tn_release(xt);
    tn_release(x);
    tn_release(f);
    tn_release(flat);
  }
}

static void test_sums(void) {
  check_skip_note();
  sum_pass = 0;
  both_builds(run_sums);
  if (have_avx2) g_assert_cmphex(sum_hash[0], ==, sum_hash[1]);
}

/* ----- threads: integer division by zero found in any piece ----- */

static void test_zero_div_threaded(void) {
  int64_t n = 300001;
  tn_tensor *a = tn_empty(1, &n, TN_OPTS(TN_DTYPE_INT64)), *b = tn_empty(1, &n, TN_OPTS(TN_DTYPE_INT64));
  int64_t *pa = tn_data_ptr(a), *pb = tn_data_ptr(b);
  for (int64_t i = 0; i < n; i++) pa[i] = i, pb[i] = 1 + i % 7;
  pb[n - 3] = 0; /* in the last piece */
  tn_error_clear();
  g_assert_null(tn_binary(TN_BINARY_FLOOR_DIVIDE, a, b));
  g_assert_cmpstr(tn_error_message(), ==, "ZeroDivisionError");
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_RUNTIME);
  pb[n - 3] = 2;
  tn_tensor *q = tn_binary(TN_BINARY_FLOOR_DIVIDE, a, b);
  g_assert_nonnull(q);
  const int64_t *pq = tn_data_ptr(q);
  for (int64_t i = 0; i < n; i++) g_assert_cmpint(pq[i], ==, pa[i] / pb[i]);
  tn_release(q);
  tn_release(a);
  tn_release(b);
}

/* ----- the small-tensor pool ----- */

static tn_tensor *small3(float x) {
  int64_t n = 3;
  tn_tensor *t = tn_empty(1, &n, TN_OPTS(TN_DTYPE_FLOAT32));
  float *p = tn_data_ptr(t);
  p[0] = x, p[1] = x + 1, p[2] = x + 2;
  return t;
}

static void test_pool_views(void) {
  /* a view keeps a small tensor's block alive after the tensor itself is released */
  tn_tensor *a = small3(1), *b = small3(10);
  tn_tensor *s = tn_add(a, b);
  g_assert_true(((uintptr_t)tn_data_ptr(s) % TN_ALIGNMENT) == 0);
  int64_t one = 1;
  tn_tensor *v = tn_slice(s, 0, true, 1, false, 0, 1);
  tn_release(s);
  tn_tensor *junk[64]; /* reuse whatever was freed */
  for (int i = 0; i < 64; i++) junk[i] = small3(-100);
  g_assert_cmpint(v->numel, ==, 2);
  g_assert_cmpfloat(((float *)tn_data_ptr(v))[0], ==, 13);
  g_assert_cmpfloat(((float *)tn_data_ptr(v))[1], ==, 15);
  tn_tensor *vv = tn_view(v, 1, (int64_t[]){-1});
  tn_release(v);
  g_assert_cmpfloat(((float *)tn_data_ptr(vv))[1], ==, 15);
  tn_release(vv);
  for (int i = 0; i < 64; i++) tn_release(junk[i]);
  tn_release(a);
  tn_release(b);
  /* the 256-byte boundary: one block below, two allocations above */
  int64_t n64 = 64, n65 = 65;
  tn_tensor *x = tn_ones(1, &n64, TN_OPTS(TN_DTYPE_FLOAT32)), *y = tn_ones(1, &n65, TN_OPTS(TN_DTYPE_FLOAT32));
  tn_tensor *xs = tn_sum(x, 0, NULL, false, TN_DTYPE_UNDEFINED), *ys = tn_sum(y, 0, NULL, false, TN_DTYPE_UNDEFINED);
  g_assert_cmpfloat(tn_scalar_to_double(tn_get_flat(xs, 0)), ==, 64);
  g_assert_cmpfloat(tn_scalar_to_double(tn_get_flat(ys, 0)), ==, 65);
  (void)one;
  tn_release(xs);
  tn_release(ys);
  tn_release(x);
  tn_release(y);
}

/* Tensors made on one thread, released on another (the runner's worker and the GUI thread). */
#define XTHREAD_N 2000
static tn_tensor *xthread[XTHREAD_N];

static void *make_many(void *arg) {
  (void)arg;
  for (int i = 0; i < XTHREAD_N; i++) {
    tn_tensor *a = small3((float)i);
    xthread[i] = tn_add(a, a);
    tn_release(a);
  }
  return NULL;
}

static void *release_many(void *arg) {
  (void)arg;
  for (int i = 0; i < XTHREAD_N; i++) {
    g_assert_cmpfloat(((float *)tn_data_ptr(xthread[i]))[2], ==, 2.0f * (float)(i + 2));
    tn_release(xthread[i]);
  }
  for (int i = 0; i < 100; i++) tn_release(small3(0)); /* and reuse them there */
  return NULL;
}

static void test_pool_threads(void) {
  for (int round = 0; round < 3; round++) {
    pthread_t t1, t2;
    g_assert_cmpint(pthread_create(&t1, NULL, make_many, NULL), ==, 0);
    pthread_join(t1, NULL);
    g_assert_cmpint(pthread_create(&t2, NULL, release_many, NULL), ==, 0);
    pthread_join(t2, NULL);
  }
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  have_avx2 = tn__cpu_force(1) >= 0;
  tn__cpu_force(-1);
  g_test_add_func("/engine/elementwise-simd/binary", test_binary);
  g_test_add_func("/engine/elementwise-simd/unary", test_unary);
  g_test_add_func("/engine/elementwise-simd/tanh", test_tanh);
  g_test_add_func("/engine/elementwise-simd/sigmoid", test_sigmoid);
  g_test_add_func("/engine/elementwise-simd/convert", test_convert);
  g_test_add_func("/engine/elementwise-simd/transpose", test_transpose);
  g_test_add_func("/engine/elementwise-simd/sums", test_sums);
  g_test_add_func("/engine/elementwise-simd/zero-div-threaded", test_zero_div_threaded);
  g_test_add_func("/engine/elementwise-simd/pool-views", test_pool_views);
  g_test_add_func("/engine/elementwise-simd/pool-threads", test_pool_threads);
  return g_test_run();
}
