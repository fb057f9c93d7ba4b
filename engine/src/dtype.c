/* dtype.c — dtype facts, PyTorch's type promotion, and correctly rounded conversions. */
#include "tn-internal.h"

#include <fenv.h>
#include <float.h>

static_assert(TN_DTYPE_COUNT == 10, "update tn__dtype_traits and the promotion table");

const tn_dtype_traits tn__dtype_traits[TN_DTYPE_COUNT] = {
    [TN_DTYPE_BOOL] = {"bool", "torch.bool", 1, false, false, "Bool", "bool"},
    [TN_DTYPE_UINT8] = {"uint8", "torch.uint8", 1, false, false, "Byte", "unsigned char"},
    [TN_DTYPE_INT8] = {"int8", "torch.int8", 1, false, true, "Char", "signed char"},
    [TN_DTYPE_INT16] = {"int16", "torch.int16", 2, false, true, "Short", "short int"},
    [TN_DTYPE_INT32] = {"int32", "torch.int32", 4, false, true, "Int", "int"},
    [TN_DTYPE_INT64] = {"int64", "torch.int64", 8, false, true, "Long", "long int"},
    [TN_DTYPE_FLOAT16] = {"float16", "torch.float16", 2, true, true, "Half", "c10::Half"},
    [TN_DTYPE_BFLOAT16] = {"bfloat16", "torch.bfloat16", 2, true, true, "BFloat16", "c10::BFloat16"},
    [TN_DTYPE_FLOAT32] = {"float32", "torch.float32", 4, true, true, "Float", "float"},
    [TN_DTYPE_FLOAT64] = {"float64", "torch.float64", 8, true, true, "Double", "double"},
};

size_t tn_dtype_size(tn_dtype d) { return tn__dtype_valid(d) ? tn__dtype_traits[d].size : 0; }
const char *tn_dtype_name(tn_dtype d) { return tn__dtype_valid(d) ? tn__dtype_traits[d].name : "undefined"; }
const char *tn_dtype_torch_name(tn_dtype d) {
  return tn__dtype_valid(d) ? tn__dtype_traits[d].torch_name : "torch.undefined";
}
bool tn_dtype_is_floating(tn_dtype d) { return tn__dtype_valid(d) && tn__dtype_traits[d].is_floating; }
bool tn_dtype_is_integral(tn_dtype d, bool include_bool) {
  if (!tn__dtype_valid(d) || tn__dtype_traits[d].is_floating) return false;
  return include_bool || d != TN_DTYPE_BOOL;
}
bool tn_dtype_is_signed(tn_dtype d) { return tn__dtype_valid(d) && tn__dtype_traits[d].is_signed; }

tn_dtype tn_dtype_from_name(const char *name) {
  static const struct {
    const char *name;
    tn_dtype dtype;
  } aliases[] = {
      {"bool", TN_DTYPE_BOOL},       {"uint8", TN_DTYPE_UINT8},       {"int8", TN_DTYPE_INT8},
      {"int16", TN_DTYPE_INT16},     {"short", TN_DTYPE_INT16},       {"int32", TN_DTYPE_INT32},
      {"int", TN_DTYPE_INT32},       {"int64", TN_DTYPE_INT64},       {"long", TN_DTYPE_INT64},
      {"float16", TN_DTYPE_FLOAT16}, {"half", TN_DTYPE_FLOAT16},      {"bfloat16", TN_DTYPE_BFLOAT16},
      {"float32", TN_DTYPE_FLOAT32}, {"float", TN_DTYPE_FLOAT32},     {"float64", TN_DTYPE_FLOAT64},
      {"double", TN_DTYPE_FLOAT64},
  };
  if (!name) return TN_DTYPE_UNDEFINED;
  if (strncmp(name, "torch.", 6) == 0) name += 6;
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (strcmp(name, aliases[i].name) == 0) return aliases[i].dtype;
  return TN_DTYPE_UNDEFINED;
}

/* c10's promoteTypes table, in this engine's dtype order. */
#define b1 TN_DTYPE_BOOL
#define u1 TN_DTYPE_UINT8
#define i1 TN_DTYPE_INT8
#define i2 TN_DTYPE_INT16
#define i4 TN_DTYPE_INT32
#define i8 TN_DTYPE_INT64
#define f2 TN_DTYPE_FLOAT16
#define bf TN_DTYPE_BFLOAT16
#define f4 TN_DTYPE_FLOAT32
#define f8 TN_DTYPE_FLOAT64
static const tn_dtype promote_table[TN_DTYPE_COUNT][TN_DTYPE_COUNT] = {
    /*         b1  u1  i1  i2  i4  i8  f2  bf  f4  f8 */
    /* b1 */ {b1, u1, i1, i2, i4, i8, f2, bf, f4, f8},
    /* u1 */ {u1, u1, i2, i2, i4, i8, f2, bf, f4, f8},
    /* i1 */ {i1, i2, i1, i2, i4, i8, f2, bf, f4, f8},
    /* i2 */ {i2, i2, i2, i2, i4, i8, f2, bf, f4, f8},
    /* i4 */ {i4, i4, i4, i4, i4, i8, f2, bf, f4, f8},
    /* i8 */ {i8, i8, i8, i8, i8, i8, f2, bf, f4, f8},
    /* f2 */ {f2, f2, f2, f2, f2, f2, f2, f4, f4, f8},
    /* bf */ {bf, bf, bf, bf, bf, bf, f4, bf, f4, f8},
    /* f4 */ {f4, f4, f4, f4, f4, f4, f4, f4, f4, f8},
    /* f8 */ {f8, f8, f8, f8, f8, f8, f8, f8, f8, f8},
};
#undef b1
#undef u1
#undef i1
#undef i2
#undef i4
#undef i8
#undef f2
#undef bf
#undef f4
#undef f8

tn_dtype tn_promote_types(tn_dtype a, tn_dtype b) {
  if (!tn__dtype_valid(a)) return b;
  if (!tn__dtype_valid(b)) return a;
  return promote_table[a][b];
}

/* torch.result_type: ResultTypeState with three priorities (tensors with dims, 0-dim tensors,
 * wrapped Python numbers) combined by category, as in aten/src/ATen/native/TypeProperties.cpp. */
static tn_dtype combine_categories(tn_dtype higher, tn_dtype lower) {
  if (tn_dtype_is_floating(higher)) return higher;
  if (higher == TN_DTYPE_BOOL || tn_dtype_is_floating(lower)) return tn_promote_types(higher, lower);
  if (higher != TN_DTYPE_UNDEFINED) return higher;
  return lower;
}

static void update_state(tn_dtype state[3], const tn_tensor *t) {
  tn_dtype d = t->dtype;
  if (t->wrapped_number) {
    if (tn_dtype_is_floating(d)) d = tn_get_default_dtype();
    state[2] = tn_promote_types(state[2], d);
  } else if (t->ndim == 0) {
    state[1] = tn_promote_types(state[1], d);
  } else {
    state[0] = tn_promote_types(state[0], d);
  }
}

tn_dtype tn_result_type(const tn_tensor *a, const tn_tensor *b) {
  /* the common case (two tensors of one dtype, no Python numbers): every category combines to it */
  if (a && b && a->dtype == b->dtype && !a->wrapped_number && !b->wrapped_number) return a->dtype;
  tn_dtype state[3] = {TN_DTYPE_UNDEFINED, TN_DTYPE_UNDEFINED, TN_DTYPE_UNDEFINED};
  if (a) update_state(state, a);
  if (b) update_state(state, b);
  return combine_categories(state[0], combine_categories(state[1], state[2]));
}

/* ----- default dtype ----- */

static tn_dtype default_dtype = TN_DTYPE_FLOAT32;

tn_dtype tn_get_default_dtype(void) { return default_dtype; }

int tn_set_default_dtype(tn_dtype d) {
  if (d != TN_DTYPE_FLOAT32 && d != TN_DTYPE_FLOAT64 && d != TN_DTYPE_FLOAT16 && d != TN_DTYPE_BFLOAT16)
    return tn__errorf(TN_ERROR_TYPE, "only floating-point types are supported as the default type");
  default_dtype = d;
  return 0;
}

tn_dtype tn__dtype_or_default(tn_dtype d) { return tn__dtype_valid(d) ? d : default_dtype; }

tn_dtype tn__scalar_dtype(tn_scalar s) {
  switch (s.kind) {
  case TN_SCALAR_BOOL: return TN_DTYPE_BOOL;
  case TN_SCALAR_INT: return TN_DTYPE_INT64;
  case TN_SCALAR_FLOAT: break;
  }
  return default_dtype;
}

double tn_scalar_to_double(tn_scalar s) {
  switch (s.kind) {
  case TN_SCALAR_BOOL: return s.v.b ? 1.0 : 0.0;
  case TN_SCALAR_INT: return (double)s.v.i;
  case TN_SCALAR_FLOAT: break;
  }
  return s.v.f;
}

/* ----- half and bfloat16 ----- */

/* Round a double to a binary format with mbits stored mantissa bits and exponent bias `bias`,
 * to nearest even, returning the bits without the sign. Exact: scaling by powers of two is exact and
 * rint() rounds to nearest even in the default rounding mode. */
static uint32_t round_to_binary(double a, int mbits, int bias, int ebits) {
  const uint32_t inf_bits = ((1u << ebits) - 1u) << mbits;
  if (a < ldexp(1.0, 1 - bias)) /* subnormal (or zero): units of 2^(1-bias-mbits) */
    return (uint32_t)rint(ldexp(a, bias - 1 + mbits));
  int ex;
  frexp(a, &ex);
  int e = ex - 1; /* a = 1.m * 2^e */
  double q = rint(ldexp(a, mbits - e));
  if (q >= ldexp(1.0, mbits + 1)) {
    q /= 2;
    e++;
  }
  int biased = e + bias;
  if (biased >= (1 << ebits) - 1) return inf_bits;
  return ((uint32_t)biased << mbits) | (uint32_t)(q - ldexp(1.0, mbits));
}

uint16_t tn_float_to_half(float f) {
  /* Round to nearest even on the bit pattern (the float32 -> binary16 path every float16 kernel
   * takes, so it must be cheap); tn_double_to_half is the reference it is tested against. */
  uint32_t x;
  memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u, ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) return (uint16_t)(sign | (ax > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* 65520 and up round to infinity */
  if (ax < 0x38800000u) {                                    /* below 2^-14: subnormal or zero */
    if (ax <= 0x33000000u) return (uint16_t)sign;            /* up to 2^-25 (a tie) rounds to 0 */
    uint32_t shift = 126u - (ax >> 23), m = (ax & 0x7fffffu) | 0x800000u;
    uint32_t q = m >> shift, rem = m & ((1u << shift) - 1u), half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (q & 1u))) q++;
    return (uint16_t)(sign | q);
  }
  uint32_t r = ax - 0x38000000u; /* rebias the exponent from 127 to 15 */
  uint32_t q = r >> 13, rem = r & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (q & 1u))) q++; /* a carry moves into the exponent */
  return (uint16_t)(sign | q);
}

uint16_t tn_double_to_half(double d) {
  float f = (float)d;
  if ((double)f == d) return tn_float_to_half(f); /* exact in float: no double rounding */
  uint16_t sign = signbit(d) ? 0x8000 : 0;
  if (isnan(d)) return sign | 0x7e00;
  double a = fabs(d);
  if (isinf(a)) return sign | 0x7c00;
  return sign | (uint16_t)round_to_binary(a, 10, 15, 5);
}

float tn_half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  uint32_t e = (h >> 10) & 0x1f, m = h & 0x3ff;
  float v;
  if (e == 0) {
    v = ldexpf((float)m, -24);
  } else if (e == 31) {
    /* a NaN comes out quiet, as c10 (and F16C) widen it */
    uint32_t bits = sign | 0x7f800000u | (m << 13) | (m ? 0x400000u : 0u);
    memcpy(&v, &bits, 4);
    return v;
  } else {
    uint32_t bits = ((e + 112) << 23) | (m << 13);
    memcpy(&v, &bits, 4);
  }
  return sign ? -v : v;
}

uint16_t tn_double_to_bfloat16(double d) {
  float f = (float)d;
  if ((double)f == d) return tn_float_to_bfloat16(f); /* exact in float: no double rounding */
  if (isnan(d)) return 0x7fc0; /* c10 drops the sign of NaN */
  uint16_t sign = signbit(d) ? 0x8000 : 0;
  double a = fabs(d);
  if (isinf(a)) return sign | 0x7f80;
  return sign | (uint16_t)round_to_binary(a, 7, 127, 8);
}

uint16_t tn_float_to_bfloat16(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  if (isnan(f)) return 0x7fc0;
  u += 0x7fffu + ((u >> 16) & 1u); /* round to nearest even on the bit pattern */
  return (uint16_t)(u >> 16);
}

float tn_bfloat16_to_float(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

/* ----- generic element access ----- */

int64_t tn__double_to_int64(double v) {
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return INT64_MIN;
  return (int64_t)v;
}

int32_t tn__double_to_int32(double v) {
  if (!(v > -2147483649.0 && v < 2147483648.0)) return INT32_MIN;
  return (int32_t)v;
}

/* Element access goes through memcpy, so callers may pass byte buffers of any alignment; the
 * compiler turns each one into a single move. */
#define DEFINE_ACCESS(T)                                                                         \
  static inline T load_##T(const void *p) {                                                      \
    T v;                                                                                         \
    memcpy(&v, p, sizeof v);                                                                     \
    return v;                                                                                    \
  }                                                                                              \
  static inline void store_##T(void *p, T v) { memcpy(p, &v, sizeof v); }
DEFINE_ACCESS(uint8_t)
DEFINE_ACCESS(int8_t)
DEFINE_ACCESS(int16_t)
DEFINE_ACCESS(uint16_t)
DEFINE_ACCESS(int32_t)
DEFINE_ACCESS(int64_t)
DEFINE_ACCESS(float)
DEFINE_ACCESS(double)
#undef DEFINE_ACCESS

double tn__load_double(const void *p, tn_dtype d) {
  switch (d) {
  case TN_DTYPE_BOOL: return load_uint8_t(p) ? 1.0 : 0.0;
  case TN_DTYPE_UINT8: return load_uint8_t(p);
  case TN_DTYPE_INT8: return load_int8_t(p);
  case TN_DTYPE_INT16: return load_int16_t(p);
  case TN_DTYPE_INT32: return load_int32_t(p);
  case TN_DTYPE_INT64: return (double)load_int64_t(p);
  case TN_DTYPE_FLOAT16: return tn_half_to_float(load_uint16_t(p));
  case TN_DTYPE_BFLOAT16: return tn_bfloat16_to_float(load_uint16_t(p));
  case TN_DTYPE_FLOAT32: return load_float(p);
  case TN_DTYPE_FLOAT64: return load_double(p);
  default: return 0.0;
  }
}

int64_t tn__load_int64(const void *p, tn_dtype d) {
  switch (d) {
  case TN_DTYPE_BOOL: return load_uint8_t(p) ? 1 : 0;
  case TN_DTYPE_UINT8: return load_uint8_t(p);
  case TN_DTYPE_INT8: return load_int8_t(p);
  case TN_DTYPE_INT16: return load_int16_t(p);
  case TN_DTYPE_INT32: return load_int32_t(p);
  case TN_DTYPE_INT64: return load_int64_t(p);
  default: return tn__double_to_int64(tn__load_double(p, d));
  }
}

void tn__store_double(void *p, tn_dtype d, double v) {
  switch (d) {
  case TN_DTYPE_BOOL: store_uint8_t(p, v != 0.0); break;
  case TN_DTYPE_UINT8: store_uint8_t(p, (uint8_t)(uint32_t)tn__double_to_int32(v)); break;
  case TN_DTYPE_INT8: store_int8_t(p, (int8_t)tn__double_to_int32(v)); break;
  case TN_DTYPE_INT16: store_int16_t(p, (int16_t)tn__double_to_int32(v)); break;
  case TN_DTYPE_INT32: store_int32_t(p, tn__double_to_int32(v)); break;
  case TN_DTYPE_INT64: store_int64_t(p, tn__double_to_int64(v)); break;
  case TN_DTYPE_FLOAT16: store_uint16_t(p, tn_double_to_half(v)); break;
  case TN_DTYPE_BFLOAT16: store_uint16_t(p, tn_double_to_bfloat16(v)); break;
  case TN_DTYPE_FLOAT32: store_float(p, (float)v); break;
  case TN_DTYPE_FLOAT64: store_double(p, v); break;
  default: break;
  }
}

void tn__store_int64(void *p, tn_dtype d, int64_t v) {
  switch (d) {
  case TN_DTYPE_BOOL: store_uint8_t(p, v != 0); break;
  case TN_DTYPE_UINT8: store_uint8_t(p, (uint8_t)v); break;
  case TN_DTYPE_INT8: store_int8_t(p, (int8_t)v); break;
  case TN_DTYPE_INT16: store_int16_t(p, (int16_t)v); break;
  case TN_DTYPE_INT32: store_int32_t(p, (int32_t)v); break;
  case TN_DTYPE_INT64: store_int64_t(p, v); break;
  case TN_DTYPE_FLOAT32: store_float(p, (float)v); break; /* one correct rounding */
  case TN_DTYPE_FLOAT64: store_double(p, (double)v); break;
  default: tn__store_double(p, d, (double)v); break;
  }
}

void tn__store_scalar(void *p, tn_dtype d, tn_scalar s) {
  switch (s.kind) {
  case TN_SCALAR_BOOL: tn__store_int64(p, d, s.v.b); break;
  case TN_SCALAR_INT: tn__store_int64(p, d, s.v.i); break;
  case TN_SCALAR_FLOAT: tn__store_double(p, d, s.v.f); break;
  }
}

tn_scalar tn__load_scalar(const void *p, tn_dtype d) {
  if (d == TN_DTYPE_BOOL) return tn_scalar_bool(load_uint8_t(p) != 0);
  if (tn__dtype_traits[d].is_floating) return tn_scalar_float(tn__load_double(p, d));
  return tn_scalar_int(tn__load_int64(p, d));
}

/* Same-dtype copies by element size; float32<->float64 directly; everything else through int64
 * (exact for integral sources) or double (exact for floating sources). */
#define TN_COPY_LOOP(T)                                                                          \
  for (int64_t i = 0; i < n; i++)                                                                \
    *(T *)((char *)dst + i * dst_stride) = *(const T *)((const char *)src + i * src_stride);

#ifdef TN__HAVE_AVX2_KERNELS
#include <immintrin.h>
/* Contiguous float32 <-> float16/bfloat16 with F16C and AVX2: the same roundings as the scalar
 * code (nearest even; NaN to c10's quiet NaN; float16 NaNs widen to quiet NaNs). */
__attribute__((target("avx2,f16c"))) static int64_t convert_avx2(void *dst, tn_dtype dd, const void *src, tn_dtype sd,
                                                                   int64_t n) {
  int64_t k = 0;
  if (dd == TN_DTYPE_FLOAT32 && sd == TN_DTYPE_FLOAT16) {
    for (; k + 8 <= n; k += 8)
      _mm256_storeu_ps((float *)dst + k, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((const uint16_t *)src + k))));
  } else if (dd == TN_DTYPE_FLOAT32 && sd == TN_DTYPE_BFLOAT16) {
    for (; k + 8 <= n; k += 8) {
      __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)((const uint16_t *)src + k)));
      _mm256_storeu_ps((float *)dst + k, _mm256_castsi256_ps(_mm256_slli_epi32(w, 16)));
    }
  } else if (dd == TN_DTYPE_FLOAT16 && sd == TN_DTYPE_FLOAT32) {
    for (; k + 8 <= n; k += 8) {
      __m256 v = _mm256_loadu_ps((const float *)src + k);
      __m128i h = _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT);
      __m128i isnan = _mm_cmpgt_epi16(_mm_and_si128(h, _mm_set1_epi16(0x7fff)), _mm_set1_epi16(0x7c00));
      __m128i fixed = _mm_or_si128(_mm_and_si128(h, _mm_set1_epi16((short)0x8000)), _mm_set1_epi16(0x7e00));
      _mm_storeu_si128((__m128i *)((uint16_t *)dst + k), _mm_blendv_epi8(h, fixed, isnan));
    }
  } else if (dd == TN_DTYPE_BFLOAT16 && sd == TN_DTYPE_FLOAT32) {
    for (; k + 8 <= n; k += 8) {
      __m256 v = _mm256_loadu_ps((const float *)src + k);
      __m256i u = _mm256_castps_si256(v);
      __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
      __m256i t = _mm256_srli_epi32(_mm256_add_epi32(u, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff))), 16);
      t = _mm256_blendv_epi8(t, _mm256_set1_epi32(0x7fc0), _mm256_castps_si256(_mm256_cmp_ps(v, v, _CMP_UNORD_Q)));
      __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi32(t, t), 0x08);
      _mm_storeu_si128((__m128i *)((uint16_t *)dst + k), _mm256_castsi256_si128(p));
    }
  }
  return k;
}
#endif

void tn__convert(void *dst, tn_dtype dd, int64_t dst_stride, const void *src, tn_dtype sd, int64_t src_stride,
                 int64_t n) {
#ifdef TN__HAVE_AVX2_KERNELS
  if (dd != sd && dst_stride == (int64_t)tn__dtype_traits[dd].size && src_stride == (int64_t)tn__dtype_traits[sd].size &&
      n >= 8 && tn__cpu_avx2()) {
    int64_t k = convert_avx2(dst, dd, src, sd, n);
    if (k) {
      dst = (char *)dst + k * dst_stride;
      src = (const char *)src + k * src_stride;
      n -= k;
    }
  }
#endif
  if (dd == sd) {
    size_t size = tn__dtype_traits[dd].size;
    if (dst_stride == (int64_t)size && src_stride == (int64_t)size) {
      memcpy(dst, src, (size_t)n * size);
      return;
    }
    switch (size) {
    case 1: TN_COPY_LOOP(uint8_t); return;
    case 2: TN_COPY_LOOP(uint16_t); return;
    case 4: TN_COPY_LOOP(uint32_t); return;
    default: TN_COPY_LOOP(uint64_t); return;
    }
  }
  if (dd == TN_DTYPE_FLOAT32 && sd == TN_DTYPE_FLOAT64) {
    for (int64_t i = 0; i < n; i++)
      *(float *)((char *)dst + i * dst_stride) = (float)*(const double *)((const char *)src + i * src_stride);
    return;
  }
  if (dd == TN_DTYPE_FLOAT64 && sd == TN_DTYPE_FLOAT32) {
    for (int64_t i = 0; i < n; i++)
      *(double *)((char *)dst + i * dst_stride) = *(const float *)((const char *)src + i * src_stride);
    return;
  }
  /* float16/bfloat16 <-> float32: the bit-level conversions, without the generic switch */
#define TN_HALF_LOOP(DT, ST, EXPR)                                                                \
  for (int64_t i = 0; i < n; i++) {                                                              \
    ST v;                                                                                        \
    memcpy(&v, (const char *)src + i * src_stride, sizeof v);                                    \
    DT r = EXPR;                                                                                 \
    memcpy((char *)dst + i * dst_stride, &r, sizeof r);                                          \
  }
  if (dd == TN_DTYPE_FLOAT32 && sd == TN_DTYPE_FLOAT16) { TN_HALF_LOOP(float, uint16_t, tn_half_to_float(v)) return; }
  if (dd == TN_DTYPE_FLOAT32 && sd == TN_DTYPE_BFLOAT16) { TN_HALF_LOOP(float, uint16_t, tn_bfloat16_to_float(v)) return; }
  if (dd == TN_DTYPE_FLOAT16 && sd == TN_DTYPE_FLOAT32) { TN_HALF_LOOP(uint16_t, float, tn_float_to_half(v)) return; }
  if (dd == TN_DTYPE_BFLOAT16 && sd == TN_DTYPE_FLOAT32) { TN_HALF_LOOP(uint16_t, float, tn_float_to_bfloat16(v)) return; }
#undef TN_HALF_LOOP
  if (!tn__dtype_traits[sd].is_floating) {
    for (int64_t i = 0; i < n; i++)
      tn__store_int64((char *)dst + i * dst_stride, dd, tn__load_int64((const char *)src + i * src_stride, sd));
  } else {
    for (int64_t i = 0; i < n; i++)
      tn__store_double((char *)dst + i * dst_stride, dd, tn__load_double((const char *)src + i * src_stride, sd));
  }
}
#undef TN_COPY_LOOP

/* ----- finfo / iinfo ----- */

int tn_dtype_finfo(tn_dtype d, tn_finfo *out) {
  switch (d) {
  case TN_DTYPE_FLOAT16:
    *out = (tn_finfo){16, ldexp(1, -10), 65504.0, -65504.0, ldexp(1, -14), 0.001};
    return 0;
  case TN_DTYPE_BFLOAT16:
    *out = (tn_finfo){16, ldexp(1, -7), ldexp(255, 120), -ldexp(255, 120), ldexp(1, -126), 0.01};
    return 0;
  case TN_DTYPE_FLOAT32:
    *out = (tn_finfo){32, FLT_EPSILON, FLT_MAX, -FLT_MAX, FLT_MIN, 1e-6};
    return 0;
  case TN_DTYPE_FLOAT64:
    *out = (tn_finfo){64, DBL_EPSILON, DBL_MAX, -DBL_MAX, DBL_MIN, 1e-15};
    return 0;
  default:
    return tn__errorf(TN_ERROR_TYPE,
                      "torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'");
  }
}

int tn_dtype_iinfo(tn_dtype d, tn_iinfo *out) {
  switch (d) {
  case TN_DTYPE_BOOL: return tn__errorf(TN_ERROR_TYPE, "torch.bool is not supported by torch.iinfo");
  case TN_DTYPE_UINT8: *out = (tn_iinfo){8, 255, 0}; return 0;
  case TN_DTYPE_INT8: *out = (tn_iinfo){8, 127, -128}; return 0;
  case TN_DTYPE_INT16: *out = (tn_iinfo){16, 32767, -32768}; return 0;
  case TN_DTYPE_INT32: *out = (tn_iinfo){32, INT32_MAX, INT32_MIN}; return 0;
  case TN_DTYPE_INT64: *out = (tn_iinfo){64, INT64_MAX, INT64_MIN}; return 0;
  default:
    return tn__errorf(TN_ERROR_TYPE,
                      "torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'");
  }
}
