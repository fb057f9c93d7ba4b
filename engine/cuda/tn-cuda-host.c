/* tn-cuda-host.c — a stand-in for the CUDA module (tn-cuda-abi.h) that runs every entry point on
 * the CPU, for tests only: loaded with TN_CUDA_MODULE=…/libtn-cuda-host.so, it gives a machine
 * without a GPU one "CUDA device", so that everything above the kernels — device tensors, the
 * engine's hand-over to the module, the CPU fallbacks for ops without a kernel, results staying on
 * the device, mixed-device errors, autodiff on device tensors, printing — is exercised on every CI
 * run. It is never installed and never found without the variable.
 *
 * Its arithmetic is written independently of the engine's kernels and follows the CUDA module's
 * rules (float16/bfloat16 computed in float and rounded once, integer reductions in int64, gemm as
 * a plain triple loop), so comparing it with the CPU backend is a real comparison. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tn.h"
#include "tn-cuda-abi.h"

#define EXPORT __attribute__((visibility("default")))

static char error_text[256] = "";

static int fail(const char *fmt, int v) {
  snprintf(error_text, sizeof error_text, fmt, v);
  return -1;
}

/* ---- 16-bit floats (round to nearest even) ---- */

static float half_to_float(uint16_t h) {
  int sign = h >> 15, e = (h >> 10) & 31, m = h & 1023;
  float v;
  if (e == 0) v = ldexpf((float)m, -24);
  else if (e == 31) v = m ? NAN : INFINITY;
  else v = ldexpf((float)(m | 1024), e - 25);
  return sign ? -v : v;
}

static uint16_t float_to_half(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
  if (isnan(f)) return sign | 0x7e00;
  float a = fabsf(f);
  if (a >= 65520.0f) return sign | 0x7c00; /* rounds to infinity */
  if (a < 0x1p-14f) {                      /* subnormal: multiples of 2^-24 */
    float q = rintf(a * 0x1p24f);
    return sign | (uint16_t)q;
  }
  int e;
  float mant = frexpf(a, &e); /* a = mant * 2^e, mant in [0.5, 1) */
  float q = rintf(mant * 2048.0f); /* 11 significant bits */
  if (q >= 2048.0f) {
    q /= 2;
    e++;
  }
  return sign | (uint16_t)(((e + 14) << 10) | ((int)q - 1024));
}

static float bf16_to_float(uint16_t h) {
  uint32_t x = (uint32_t)h << 16;
  float f;
  memcpy(&f, &x, 4);
  return f;
}

static uint16_t float_to_bf16(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  if (isnan(f)) return (uint16_t)((x >> 16) | 0x40);
  x += 0x7fff + ((x >> 16) & 1);
  return (uint16_t)(x >> 16);
}

/* ---- element access ---- */

static bool is_float(int dt) {
  return dt == TN_DTYPE_FLOAT16 || dt == TN_DTYPE_BFLOAT16 || dt == TN_DTYPE_FLOAT32 || dt == TN_DTYPE_FLOAT64;
}

static bool known(int dt) { return dt >= TN_DTYPE_BOOL && dt <= TN_DTYPE_FLOAT64; }

static double load_f(int dt, const void *p, int64_t i) {
  switch (dt) {
  case TN_DTYPE_BOOL: return ((const bool *)p)[i];
  case TN_DTYPE_UINT8: return ((const uint8_t *)p)[i];
  case TN_DTYPE_INT8: return ((const int8_t *)p)[i];
  case TN_DTYPE_INT16: return ((const int16_t *)p)[i];
  case TN_DTYPE_INT32: return ((const int32_t *)p)[i];
  case TN_DTYPE_INT64: return (double)((const int64_t *)p)[i];
  case TN_DTYPE_FLOAT16: return half_to_float(((const uint16_t *)p)[i]);
  case TN_DTYPE_BFLOAT16: return bf16_to_float(((const uint16_t *)p)[i]);
  case TN_DTYPE_FLOAT32: return ((const float *)p)[i];
  default: return ((const double *)p)[i];
  }
}

static int64_t load_i(int dt, const void *p, int64_t i) {
  switch (dt) {
  case TN_DTYPE_BOOL: return ((const bool *)p)[i];
  case TN_DTYPE_UINT8: return ((const uint8_t *)p)[i];
  case TN_DTYPE_INT8: return ((const int8_t *)p)[i];
  case TN_DTYPE_INT16: return ((const int16_t *)p)[i];
  case TN_DTYPE_INT32: return ((const int32_t *)p)[i];
  default: return ((const int64_t *)p)[i];
  }
}

/* Integers wrap as C's conversions to narrower unsigned types do. */
static void store_i(int dt, void *p, int64_t i, int64_t v) {
  switch (dt) {
  case TN_DTYPE_BOOL: ((bool *)p)[i] = v != 0; break;
  case TN_DTYPE_UINT8: ((uint8_t *)p)[i] = (uint8_t)v; break;
  case TN_DTYPE_INT8: ((int8_t *)p)[i] = (int8_t)(uint8_t)v; break;
  case TN_DTYPE_INT16: ((int16_t *)p)[i] = (int16_t)(uint16_t)v; break;
  case TN_DTYPE_INT32: ((int32_t *)p)[i] = (int32_t)(uint32_t)v; break;
  default: ((int64_t *)p)[i] = v; break;
  }
}

/* A float value into any dtype: 16-bit floats round once from float; integers truncate (values
 * outside int64, and NaN, become INT64_MIN as on x86). */
static void store_f(int dt, void *p, int64_t i, double v) {
  switch (dt) {
  case TN_DTYPE_FLOAT16: ((uint16_t *)p)[i] = float_to_half((float)v); break;
  case TN_DTYPE_BFLOAT16: ((uint16_t *)p)[i] = float_to_bf16((float)v); break;
  case TN_DTYPE_FLOAT32: ((float *)p)[i] = (float)v; break;
  case TN_DTYPE_FLOAT64: ((double *)p)[i] = v; break;
  case TN_DTYPE_BOOL: ((bool *)p)[i] = v != 0; break;
  default: store_i(dt, p, i, v > -9.2e18 && v < 9.2e18 ? (int64_t)v : INT64_MIN); break;
  }
}

/* Element offset of linear index i for operand k. */
static int64_t offset_of(const tn_cuda_geom *g, int k, int64_t i) {
  int64_t off = 0;
  for (int d = g->ndim - 1; d >= 0; d--) {
    int64_t n = g->shape[d];
    off += (i % n) * g->strides[k][d];
    i /= n;
  }
  return off;
}

/* ---- the table's entries ---- */

static int h_init(void) { return 1; }

static int h_device_name(int device, char *buf, size_t n) {
  if (device != 0) return fail("invalid device ordinal %d", device);
  snprintf(buf, n, "optbench host stand-in (tests; no GPU)");
  return 0;
}

static int h_total_memory(int device, size_t *bytes) {
  if (device != 0) return fail("invalid device ordinal %d", device);
  *bytes = (size_t)1 << 30;
  return 0;
}

static int h_set_device(int device) { return device == 0 ? 0 : fail("invalid device ordinal %d", device); }
static int h_synchronize(void) { return 0; }
static const char *h_last_error(void) { return error_text; }

static void *h_alloc(size_t nbytes) {
  void *p = malloc(nbytes ? nbytes : 1);
  if (!p) fail("host stand-in: out of memory (%d)", 0);
  return p;
}

static void h_release(void *p, size_t nbytes) {
  (void)nbytes;
  free(p);
}

static int h_copy(void *dst, const void *src, size_t n) {
  if (n) memmove(dst, src, n);
  return 0;
}

static int h_cast(int dtype_out, void *out, int dtype_in, const void *in, const tn_cuda_geom *g) {
  if (!known(dtype_out) || !known(dtype_in)) return fail("cast: dtype %d is not supported", known(dtype_in) ? dtype_out : dtype_in);
  for (int64_t i = 0; i < g->numel; i++) {
    int64_t o = offset_of(g, 0, i), s = offset_of(g, 1, i);
    if (!is_float(dtype_out) && !is_float(dtype_in)) store_i(dtype_out, out, o, load_i(dtype_in, in, s));
    else store_f(dtype_out, out, o, load_f(dtype_in, in, s));
  }
  return 0;
}

static int h_fill(int dtype, void *out, const tn_cuda_geom *g, double value, int64_t ivalue) {
  if (!known(dtype)) return fail("fill: dtype %d is not supported", dtype);
  for (int64_t i = 0; i < g->numel; i++) {
    int64_t o = offset_of(g, 0, i);
    if (is_float(dtype)) store_f(dtype, out, o, value);
    else store_i(dtype, out, o, ivalue);
  }
  return 0;
}

/* Floats: float16, bfloat16 and float32 in float, float64 in double (NaN propagates through
 * maximum and minimum); SUF picks the float functions. */
#define FLOAT_OP(NAME, T, SUF)                                                      \
  static T NAME(int op, T a, T b, T alpha) {                                        \
    switch (op) {                                                                   \
    case TN_BINARY_ADD: return a + alpha * b;                                       \
    case TN_BINARY_SUB: return a - alpha * b;                                       \
    case TN_BINARY_MUL: return a * b;                                               \
    case TN_BINARY_DIV: return a / b;                                               \
    case TN_BINARY_POW: return pow##SUF(a, b);                                      \
    case TN_BINARY_MAXIMUM: return isnan(a) ? a : isnan(b) ? b : fmax##SUF(a, b);   \
    default: return isnan(a) ? a : isnan(b) ? b : fmin##SUF(a, b);                  \
    }                                                                               \
  }
FLOAT_OP(float_op_f, float, f)
FLOAT_OP(float_op_d, double, )

static double float_op(int op, int dt, double a, double b, double alpha) {
  if (dt == TN_DTYPE_FLOAT64) return float_op_d(op, a, b, alpha);
  return float_op_f(op, (float)a, (float)b, (float)alpha);
}

/* Integers in int64, wrapping (as two's complement hardware does). */
static int64_t int_op(int op, int64_t a, int64_t b, int64_t alpha) {
  uint64_t x = (uint64_t)a, y = (uint64_t)b, al = (uint64_t)alpha;
  switch (op) {
  case TN_BINARY_ADD: return (int64_t)(x + al * y);
  case TN_BINARY_SUB: return (int64_t)(x - al * y);
  case TN_BINARY_MUL: return (int64_t)(x * y);
  case TN_BINARY_DIV: return b == 0 || (a == INT64_MIN && b == -1) ? 0 : a / b;
  case TN_BINARY_MAXIMUM: return a > b ? a : b;
  default: return a < b ? a : b;
  }
}

/* The six comparisons, on doubles (floats) or int64 (integers, exact beyond 2^53). */
#define COMPARE_OP(NAME, T)                  \
  static bool NAME(int op, T a, T b) {       \
    switch (op) {                            \
    case TN_BINARY_EQ: return a == b;        \
    case TN_BINARY_NE: return a != b;        \
    case TN_BINARY_LT: return a < b;         \
    case TN_BINARY_LE: return a <= b;        \
    case TN_BINARY_GT: return a > b;         \
    default: return a >= b;                  \
    }                                        \
  }
COMPARE_OP(compare, double)
COMPARE_OP(compare_i, int64_t)

static int h_binary(int op, int dtype_out, void *out, int dtype, const void *a, const void *b, double alpha,
                    const tn_cuda_geom *g) {
  if (!known(dtype)) return fail("binary: dtype %d is not supported", dtype);
  bool cmp = op >= TN_BINARY_EQ && op <= TN_BINARY_GE;
  if (cmp ? dtype_out != TN_DTYPE_BOOL : dtype_out != dtype) return fail("binary output: dtype %d", dtype_out);
  bool fl = is_float(dtype);
  if (!cmp && op != TN_BINARY_ADD && op != TN_BINARY_SUB && op != TN_BINARY_MUL && op != TN_BINARY_DIV &&
      op != TN_BINARY_MAXIMUM && op != TN_BINARY_MINIMUM && !(op == TN_BINARY_POW && fl))
    return fail("binary: op %d has no kernel", op);
  for (int64_t i = 0; i < g->numel; i++) {
    int64_t o = offset_of(g, 0, i), ia = offset_of(g, 1, i), ib = offset_of(g, 2, i);
    if (cmp) {
      bool r = fl ? compare(op, load_f(dtype, a, ia), load_f(dtype, b, ib))
                  : compare_i(op, load_i(dtype, a, ia), load_i(dtype, b, ib));
      ((bool *)out)[o] = r;
    } else if (fl) {
      store_f(dtype, out, o, float_op(op, dtype, load_f(dtype, a, ia), load_f(dtype, b, ib), alpha));
    } else {
      store_i(dtype, out, o, int_op(op, load_i(dtype, a, ia), load_i(dtype, b, ib), (int64_t)alpha));
    }
  }
  return 0;
}

/* The unary ops in double (SUF empty) or in float (SUF f: expf, tanhf...). */
#define UNARY_FN(NAME, T, SUF)                                        \
  static T NAME(int op, T x) {                                        \
    switch (op) {                                                     \
    case TN_UNARY_NEG: return -x;                                     \
    case TN_UNARY_ABS: return fabs##SUF(x);                           \
    case TN_UNARY_EXP: return exp##SUF(x);                            \
    case TN_UNARY_LOG: return log##SUF(x);                            \
    case TN_UNARY_LOG1P: return log1p##SUF(x);                        \
    case TN_UNARY_EXPM1: return expm1##SUF(x);                        \
    case TN_UNARY_SQRT: return sqrt##SUF(x);                          \
    case TN_UNARY_RSQRT: return 1 / sqrt##SUF(x);                     \
    case TN_UNARY_SIN: return sin##SUF(x);                            \
    case TN_UNARY_COS: return cos##SUF(x);                            \
    case TN_UNARY_TAN: return tan##SUF(x);                            \
    case TN_UNARY_TANH: return tanh##SUF(x);                          \
    case TN_UNARY_SIGMOID: return 1 / (1 + exp##SUF(-x));             \
    case TN_UNARY_RELU: return x > 0 ? x : isnan(x) ? x : 0;          \
    case TN_UNARY_SIGN: return x > 0 ? 1 : x < 0 ? -1 : x;            \
    case TN_UNARY_FLOOR: return floor##SUF(x);                        \
    case TN_UNARY_CEIL: return ceil##SUF(x);                          \
    case TN_UNARY_ROUND: return nearbyint##SUF(x); /* half to even */ \
    case TN_UNARY_TRUNC: return trunc##SUF(x);                        \
    case TN_UNARY_RECIPROCAL: return 1 / x;                           \
    default: return x * x;                                            \
    }                                                                 \
  }
UNARY_FN(unary_d, double, )
UNARY_FN(unary_f, float, f)

static int h_unary(int op, int dtype, void *out, const void *in, const tn_cuda_geom *g) {
  if (!is_float(dtype)) return fail("unary: dtype %d is not supported", dtype);
  if (op < TN_UNARY_NEG || op > TN_UNARY_SQUARE || op == TN_UNARY_LOGICAL_NOT || op == TN_UNARY_BITWISE_NOT)
    return fail("unary: op %d has no kernel", op);
  for (int64_t i = 0; i < g->numel; i++) {
    double x = load_f(dtype, in, offset_of(g, 1, i));
    double r = dtype == TN_DTYPE_FLOAT64 ? unary_d(op, x) : unary_f(op, (float)x);
    store_f(dtype, out, offset_of(g, 0, i), r);
  }
  return 0;
}

/* A float sum of in[from, to), pairwise (a GPU's tree reduction is as accurate; a running float
 * sum of millions of terms is not). */
static float pairwise_f(int dt, const void *in, int64_t from, int64_t to) {
  if (to - from <= 16) {
    float acc = 0;
    for (int64_t i = from; i < to; i++) acc += (float)load_f(dt, in, i);
    return acc;
  }
  int64_t mid = from + (to - from) / 2;
  return pairwise_f(dt, in, from, mid) + pairwise_f(dt, in, mid, to);
}

/* Rows summed (or maxed, mined) in the accumulator type: double for float64, float for the other
 * floats (pairwise), int64 for integers. */
static int h_reduce_rows(int kind, int dtype_out, void *out, int dtype_in, const void *in, int64_t rows, int64_t cols,
                         double scale) {
  if (!known(dtype_in) || !known(dtype_out)) return fail("reduction: dtype %d is not supported", dtype_in);
  for (int64_t r = 0; r < rows; r++) {
    if (is_float(dtype_in)) {
      bool dbl = dtype_in == TN_DTYPE_FLOAT64;
      double acc = kind == 0 ? 0 : kind == 1 ? -INFINITY : INFINITY;
      float accf = (float)acc;
      if (kind == 0 && !dbl) accf = pairwise_f(dtype_in, in, r * cols, (r + 1) * cols);
      for (int64_t c = 0; c < cols && (kind != 0 || dbl); c++) {
        double x = load_f(dtype_in, in, r * cols + c);
        if (kind == 0) {
          if (dbl) acc += x;
          else accf += (float)x;
        } else {
          double cur = dbl ? acc : accf;
          double v = isnan(cur) ? cur : isnan(x) ? x : kind == 1 ? fmax(cur, x) : fmin(cur, x);
          if (dbl) acc = v;
          else accf = (float)v;
        }
      }
      double v = dbl ? acc : accf;
      store_f(dtype_out, out, r, scale == 1.0 ? v : v * scale);
    } else {
      int64_t acc = kind == 0 ? 0 : kind == 1 ? INT64_MIN : INT64_MAX;
      for (int64_t c = 0; c < cols; c++) {
        int64_t x = load_i(dtype_in, in, r * cols + c);
        acc = kind == 0 ? (int64_t)((uint64_t)acc + (uint64_t)x) : kind == 1 ? (x > acc ? x : acc) : (x < acc ? x : acc);
      }
      if (scale == 1.0) store_i(dtype_out, out, r, acc);
      else store_f(dtype_out, out, r, (double)acc * scale);
    }
  }
  return 0;
}

static int h_gemm(int dtype, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, double alpha, const void *a,
                  int64_t lda, int64_t stride_a, const void *b, int64_t ldb, int64_t stride_b, double beta, void *c,
                  int64_t ldc, int64_t stride_c, int64_t batch, int allow_tf32) {
  (void)allow_tf32;
  if (!is_float(dtype)) return fail("matmul: dtype %d is not supported", dtype);
  size_t es = dtype == TN_DTYPE_FLOAT64 ? 8 : dtype == TN_DTYPE_FLOAT32 ? 4 : 2;
  for (int64_t p = 0; p < batch; p++) {
    const char *A = (const char *)a + (size_t)(p * stride_a) * es, *B = (const char *)b + (size_t)(p * stride_b) * es;
    char *C = (char *)c + (size_t)(p * stride_c) * es;
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) {
        double acc = 0;
        float accf = 0;
        for (int64_t l = 0; l < k; l++) {
          double x = load_f(dtype, A, trans_a ? l * lda + i : i * lda + l);
          double y = load_f(dtype, B, trans_b ? j * ldb + l : l * ldb + j);
          if (dtype == TN_DTYPE_FLOAT64) acc += x * y;
          else accf += (float)x * (float)y;
        }
        double v = (dtype == TN_DTYPE_FLOAT64 ? acc : accf) * alpha;
        if (beta != 0) v += beta * load_f(dtype, C, i * ldc + j);
        store_f(dtype, C, i * ldc + j, v);
      }
  }
  return 0;
}

static int h_take(size_t elem_size, void *out, const void *in, const int64_t *pos, int64_t n) {
  if (elem_size != 1 && elem_size != 2 && elem_size != 4 && elem_size != 8)
    return fail("take: elements of %d bytes are not supported", (int)elem_size);
  for (int64_t i = 0; i < n; i++)
    memcpy((char *)out + (size_t)i * elem_size, (const char *)in + (size_t)pos[i] * elem_size, elem_size);
  return 0;
}

static const tn_cuda_module table = {
  TN_CUDA_ABI_VERSION,
  h_init, h_device_name, h_total_memory, h_set_device, h_synchronize, h_last_error,
  h_alloc, h_release, h_copy, h_copy, h_copy,
  h_cast, h_fill, h_binary, h_unary, h_reduce_rows, h_gemm, h_take,
};

EXPORT const tn_cuda_module *tn_cuda_module_v1(void) { return &table; }
