/* reduce.c — reductions: sum, mean, prod, amax/amin, var/std, logsumexp, any/all, max/min,
 * max/min over a dim, argmax/argmin, cumsum/cumprod.
 *
 * Floating-point results are PyTorch 1.13's bit for bit, as its CPU kernels compute them in an
 * AVX2 build running tn_get_num_threads() threads (torch.get_num_threads()):
 * - A reduction to one value of 32768 elements or more is split as TensorIterator's
 *   two_pass_reduction splits it for that many threads (see run_two_pass); with one thread, or
 *   below that size, it is one pass. The pieces run on the engine's threads.
 * - The reduction geometry is TensorIterator's: the same dimension order (reduced dims innermost,
 *   then by input strides), the same coalescing, and the same 2-D inner loops.
 * - Float sums follow SumKernel.cpp's cascade_sum: multi-level partial sums (multi_row_sum), four
 *   interleaved rows (the "ILP" factor), 8-lane float / 4-lane double vector accumulators;
 *   float16/bfloat16 accumulate in float, and each partial sum is rounded to the 16-bit type before
 *   it is added into the output (once per row of the 2-D inner loop).
 * - prod follows binary_kernel_reduce_vec (four vectors of partial products).
 * - var/std follow std_var_all_cpu (two passes in double) for one output, Welford in double
 *   otherwise (with the fused multiply-add PyTorch's AVX2 build compiles it to); mean is sum, then
 *   division by the count converted to the result's type; cumsum/cumprod accumulate in double for
 *   float/double and in float for bfloat16, as CPU acc_type does.
 * - Where PyTorch 1.13 has no CPU kernel (prod of float16/bfloat16, cumsum/cumprod of float16,
 *   logsumexp of float16, argmax of bool) this raises PyTorch's "not implemented" error.
 * Integer reductions wrap as PyTorch's do (computed in unsigned arithmetic: no overflow UB). */
#include "tn-internal.h"

#include <stdio.h>
#include <stdlib.h>

#if !defined(__GNUC__)
#error "reduce.c uses GCC/Clang vector extensions to mirror PyTorch's vector accumulators"
#endif

/* ------------------------------------------------------------------------------------------ */
/* element helpers                                                                            */


static inline float h2f(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu, bits;
  float v;
  if (e == 0) {
    v = (float)m * 0x1p-24f; /* exact: subnormal or zero */
    return sign ? -v : v;
  }
  bits = e == 31 ? (sign | 0x7f800000u | (m << 13)) : (sign | ((e + 112u) << 23) | (m << 13));
  memcpy(&v, &bits, 4);
  return v;
}

static inline float bf2f(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static inline float ld_f32(const char *p) { float v; memcpy(&v, p, 4); return v; }
static inline double ld_f64(const char *p) { double v; memcpy(&v, p, 8); return v; }
static inline uint16_t ld_u16(const char *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline float ld_f16(const char *p) { return h2f(ld_u16(p)); }
static inline float ld_bf16(const char *p) { return bf2f(ld_u16(p)); }
static inline void st_f32(char *p, float v) { memcpy(p, &v, 4); }
static inline void st_f64(char *p, double v) { memcpy(p, &v, 8); }
static inline void st_f16(char *p, float v) { uint16_t h = tn_float_to_half(v); memcpy(p, &h, 2); }
static inline void st_bf16(char *p, float v) { uint16_t h = tn_float_to_bfloat16(v); memcpy(p, &h, 2); }
/* Rounding a float result to the 16-bit formats, as c10::Half / c10::BFloat16 arithmetic does. */
static inline float rnd_f16(float v) { return h2f(tn_float_to_half(v)); }
static inline float rnd_bf16(float v) { return bf2f(tn_float_to_bfloat16(v)); }

/* Wrapping int64 arithmetic (PyTorch's integer reductions wrap). */
static inline int64_t wrap_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static inline int64_t wrap_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

static tn_tensor *new_filled(int32_t ndim, const int64_t *shape, tn_dtype dtype, double value) {
  tn_tensor *t = tn__new(ndim, shape, dtype);
  if (!t) return NULL;
  size_t es = tn__dtype_traits[dtype].size;
  char *p = tn__data(t);
  if (value == 0.0 && !signbit(value)) {
    memset(p, 0, (size_t)t->numel * es);
  } else {
    unsigned char v[8];
    tn__store_double(v, dtype, value);
    for (int64_t i = 0; i < t->numel; i++) memcpy(p + (size_t)i * es, v, es);
  }
  return t;
}

/* ------------------------------------------------------------------------------------------ */
/* dims                                                                                       */

typedef struct {
  int32_t ndim; /* the input's */
  bool mask[TN_MAX_DIMS];
  bool keepdim;
  int32_t out_ndim;
  int64_t out_shape[TN_MAX_DIMS];
  int64_t keep_shape[TN_MAX_DIMS]; /* the input's shape with 1 in every reduced dim */
  int64_t nreduce;                 /* elements reduced into each output */
} rdims;

/* PyTorch's make_dim_mask: an empty list reduces every dim; wraps, rejects repeats. */
static int rdims_init(rdims *r, const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim) {
  memset(r, 0, sizeof *r);
  r->ndim = t->ndim;
  r->keepdim = keepdim;
  if (ndims <= 0 || !dims) {
    for (int32_t d = 0; d < t->ndim; d++) r->mask[d] = true;
  } else {
    bool seen[TN_MAX_DIMS + 1] = {false};
    for (int32_t i = 0; i < ndims; i++) {
      int64_t d = tn_wrap_dim(dims[i], t->ndim);
      if (d < 0) return -1;
      if (seen[d]) return tn__errorf(TN_ERROR_RUNTIME, "dim %lld appears multiple times in the list of dims", (long long)d);
      seen[d] = true;
      if (t->ndim) r->mask[d] = true;
    }
  }
  r->nreduce = 1;
  for (int32_t d = 0; d < t->ndim; d++) {
    r->keep_shape[d] = r->mask[d] ? 1 : t->shape[d];
    if (r->mask[d]) r->nreduce *= t->shape[d];
    if (keepdim)
      r->out_shape[r->out_ndim++] = r->keep_shape[d];
    else if (!r->mask[d])
      r->out_shape[r->out_ndim++] = t->shape[d];
  }
  return 0;
}

/* The strides (in elements, per input dim) at which TensorIterator sees a freshly allocated
 * result: the result's contiguous strides, with the reduced dims unsqueezed back in as
 * at::unsqueeze does when keepdim is false. */
static void result_view_strides(const rdims *r, int64_t *strides) {
  int64_t st[TN_MAX_DIMS], sh[TN_MAX_DIMS];
  int32_t n = r->out_ndim;
  memcpy(sh, r->out_shape, sizeof sh);
  tn__contiguous_strides(n, sh, st);
  if (!r->keepdim) {
    for (int32_t d = 0; d < r->ndim; d++) {
      if (!r->mask[d]) continue;
      int64_t ns = d >= n ? 1 : sh[d] * st[d];
      for (int32_t k = n; k > d; k--) {
        sh[k] = sh[k - 1];
        st[k] = st[k - 1];
      }
      sh[d] = 1;
      st[d] = ns;
      n++;
    }
  }
  memcpy(strides, st, (size_t)r->ndim * sizeof *strides);
}

/* ------------------------------------------------------------------------------------------ */
/* TensorIterator's geometry: dimension order, coalescing, and 2-D loops                       */

#define TI_MAX_OPS 3

typedef struct {
  int32_t ndim, nops;
  int64_t shape[TN_MAX_DIMS]; /* innermost first */
  int64_t st[TI_MAX_OPS][TN_MAX_DIMS];
  char *data[TI_MAX_OPS];
} ti_t;

typedef struct {
  int32_t ndim, nops;
  const int64_t *shape;                  /* tensor order */
  int64_t (*st)[TN_MAX_DIMS];            /* byte strides, tensor order */
  bool reduction;                        /* operand 0 is a reduction output */
  const bool *skip;                      /* operands that do not vote (outputs to be allocated) */
} ti_spec;

/* perm[i]: the tensor dim iterated at position i (0 innermost). */
static void ti_perm(const ti_spec *s, int32_t *perm) {
  tn__dim_order o = {s->ndim, s->nops, s->shape, (const int64_t(*)[TN_MAX_DIMS])s->st, s->reduction, s->skip};
  tn__reorder_dims(&o, perm);
}

static void ti_build(ti_t *it, const ti_spec *s, char *const *data) {
  int32_t perm[TN_MAX_DIMS];
  ti_perm(s, perm);
  it->nops = s->nops;
  it->ndim = s->ndim;
  for (int32_t k = 0; k < s->nops; k++) it->data[k] = data[k];
  for (int32_t i = 0; i < s->ndim; i++) {
    it->shape[i] = s->shape[perm[i]];
    for (int32_t k = 0; k < s->nops; k++) it->st[k][i] = s->st[k][perm[i]];
  }
  /* coalesce_dimensions */
  if (it->ndim <= 1) return;
  int32_t prev = 0;
  for (int32_t d = 1; d < it->ndim; d++) {
    bool can = it->shape[prev] == 1 || it->shape[d] == 1;
    if (!can) {
      can = true;
      for (int32_t k = 0; k < it->nops; k++)
        if (it->shape[prev] * it->st[k][prev] != it->st[k][d]) can = false;
    }
    if (can) {
      if (it->shape[prev] == 1)
        for (int32_t k = 0; k < it->nops; k++) it->st[k][prev] = it->st[k][d];
      it->shape[prev] *= it->shape[d];
    } else {
      prev++;
      if (prev != d) {
        for (int32_t k = 0; k < it->nops; k++) it->st[k][prev] = it->st[k][d];
        it->shape[prev] = it->shape[d];
      }
    }
  }
  it->ndim = prev + 1;
}

/* The 2-D inner loop: strides holds nops strides for dim 0, then nops for dim 1 (bytes). */
typedef void (*ti_loop2d)(void *ctx, char **data, const int64_t *strides, int64_t size0, int64_t size1);

/* serial_for_each over the linear range [begin, end) of the iteration space (dim 0 innermost), in
 * DimCounter's 2-D steps: a range that starts or ends inside a row gets the partial rows PyTorch's
 * loop gets, then whole blocks of rows. */
static void ti_run_range(const ti_t *it, ti_loop2d fn, void *ctx, int64_t begin, int64_t end) {
  int32_t n = it->nops;
  int64_t strides[2 * TI_MAX_OPS] = {0};
  char *ptrs[TI_MAX_OPS] = {0};
  for (int32_t k = 0; k < n; k++) {
    strides[k] = it->ndim > 0 ? it->st[k][0] : 0;
    strides[n + k] = it->ndim > 1 ? it->st[k][1] : 0;
  }
  if (begin >= end) return;
  if (it->ndim <= 1) {
    for (int32_t k = 0; k < n; k++) ptrs[k] = it->data[k] + begin * strides[k];
    fn(ctx, ptrs, strides, end - begin, 1);
    return;
  }
  int64_t values[TN_MAX_DIMS] = {0}, rest = begin;
  for (int32_t d = 0; rest > 0 && d < it->ndim; d++) {
    values[d] = rest % it->shape[d];
    rest /= it->shape[d];
  }
  for (int64_t offset = begin; offset < end;) {
    for (int32_t k = 0; k < n; k++) {
      ptrs[k] = it->data[k];
      for (int32_t d = 0; d < it->ndim; d++) ptrs[k] += values[d] * it->st[k][d];
    }
    int64_t step0 = it->shape[0] - values[0] < end - offset ? it->shape[0] - values[0] : end - offset, step1 = 1;
    if (step0 == it->shape[0]) {
      step1 = (end - offset) / it->shape[0];
      if (it->shape[1] - values[1] < step1) step1 = it->shape[1] - values[1];
    }
    fn(ctx, ptrs, strides, step0, step1);
    offset += step0 * step1;
    /* DimCounter::increment */
    int64_t overflow = step0;
    int32_t d = 0;
    if (step1 != 1) {
      d = 1;
      overflow = step1;
    }
    for (; d < it->ndim && overflow > 0; d++) {
      int64_t v = values[d] + overflow;
      if (v >= it->shape[d]) {
        overflow = 1;
        v -= it->shape[d];
      } else {
        overflow = 0;
      }
      values[d] = v;
    }
  }
}

/* serial_for_each over the whole range: one call per index of the dims above the first two. */
static void ti_run(const ti_t *it, ti_loop2d fn, void *ctx) {
  int64_t numel = 1;
  for (int32_t d = 0; d < it->ndim; d++) numel *= it->shape[d];
  ti_run_range(it, fn, ctx, 0, numel);
}

/* A reduction iterator over (out, in) as make_reduction builds it. out is the freshly allocated
 * result (contiguous, r->out_shape); in has the input's shape. */
static void ti_reduce_init(ti_t *it, const rdims *r, tn_tensor *out, const tn_tensor *in) {
  int64_t st[2][TN_MAX_DIMS], ost[TN_MAX_DIMS];
  int64_t oes = (int64_t)tn__dtype_traits[out->dtype].size, ies = (int64_t)tn__dtype_traits[in->dtype].size;
  result_view_strides(r, ost);
  for (int32_t d = 0; d < in->ndim; d++) {
    st[0][d] = (r->keep_shape[d] == 1 && in->shape[d] != 1) ? 0 : ost[d] * oes;
    st[1][d] = in->strides[d] * ies;
  }
  ti_spec s = {in->ndim, 2, in->shape, st, true, NULL};
  char *data[2] = {tn__data(out), tn__data(in)};
  ti_build(it, &s, data);
}

/* ------------------------------------------------------------------------------------------ */
/* cascade_sum (SumKernel.cpp), per input dtype                                               */

/* Vectors only go through pointers and statement expressions: passing 32-byte vectors by value
 * without AVX draws GCC's ABI warning. */
typedef float vf8 __attribute__((vector_size(32)));
typedef double vd4 __attribute__((vector_size(32)));

static inline int64_t ceil_log2(int64_t x) {
  if (x <= 2) return 1;
  return 64 - __builtin_clzll((unsigned long long)(x - 1));
}

/* Vector loads. "Inner" loads reduce a full vector of the input type to the accumulator width
 * (load_reduce_vec: neighbours are added, lane i = (0 + v[2i]) + v[2i+1]); "outer" loads
 * convert as many elements as the accumulator has lanes. */
#define vl_f32(p) ({ vf8 v_; memcpy(&v_, (p), sizeof v_); v_; })
#define vl_f64(p) ({ vd4 v_; memcpy(&v_, (p), sizeof v_); v_; })
#define vl_bf16_outer(p) ({ vf8 v_; vl_bf16_outer_(&v_, (p)); v_; })
#define vl_f16_outer(p) ({ vf8 v_; vl_f16_outer_(&v_, (p)); v_; })
#define vl_bf16_inner(p) ({ vf8 v_; vl_bf16_inner_(&v_, (p)); v_; })
#define vl_f16_inner(p) ({ vf8 v_; vl_f16_inner_(&v_, (p)); v_; })
static inline void vl_f16_inner_(vf8 *out, const char *p) {
  uint16_t h[16];
  memcpy(h, p, sizeof h);
  for (int i = 0; i < 8; i++) (*out)[i] = (0.0f + h2f(h[2 * i])) + h2f(h[2 * i + 1]);
}
static inline void vl_bf16_inner_(vf8 *out, const char *p) {
  uint16_t h[16];
  memcpy(h, p, sizeof h);
  for (int i = 0; i < 8; i++) (*out)[i] = (0.0f + bf2f(h[2 * i])) + bf2f(h[2 * i + 1]);
}
static inline void vl_f16_outer_(vf8 *out, const char *p) {
  uint16_t h[8];
  memcpy(h, p, sizeof h);
  for (int i = 0; i < 8; i++) (*out)[i] = h2f(h[i]);
}
static inline void vl_bf16_outer_(vf8 *out, const char *p) {
  uint16_t h[8];
  memcpy(h, p, sizeof h);
  for (int i = 0; i < 8; i++) (*out)[i] = bf2f(h[i]);
}

/* multi_row_sum: sums 4 rows at once over `size` steps with a 4-level cascade of partial sums. */
#define DEF_MULTI_ROW_SUM(FN, V, LOAD)                                                                \
  static void FN(V ret[4], const char *in, int64_t row_stride, int64_t col_stride, int64_t size) {    \
    int64_t lp = ceil_log2(size) / 4;                                                                 \
    if (lp < 4) lp = 4;                                                                               \
    const int64_t step = (int64_t)1 << lp, mask = step - 1;                                           \
    V zero, acc[4][4];                                                                                \
    memset(&zero, 0, sizeof zero);                                                                    \
    memset(acc, 0, sizeof acc);                                                                       \
    int64_t i = 0;                                                                                    \
    while (i + step <= size) {                                                                        \
      for (int64_t j = 0; j < step; j++, i++) {                                                       \
        const char *b = in + i * row_stride;                                                          \
        acc[0][0] += LOAD(b);                                                                         \
        acc[0][1] += LOAD(b + col_stride);                                                            \
        acc[0][2] += LOAD(b + 2 * col_stride);                                                        \
        acc[0][3] += LOAD(b + 3 * col_stride);                                                        \
      }                                                                                               \
      for (int j = 1; j < 4; j++) {                                                                   \
        for (int k = 0; k < 4; k++) {                                                                 \
          acc[j][k] += acc[j - 1][k];                                                                 \
          acc[j - 1][k] = zero;                                                                       \
        }                                                                                             \
        if ((i & (mask << (j * lp))) != 0) break;                                                     \
      }                                                                                               \
    }                                                                                                 \
    for (; i < size; i++) {                                                                           \
      const char *b = in + i * row_stride;                                                            \
      for (int k = 0; k < 4; k++) acc[0][k] += LOAD(b + k * col_stride);                              \
    }                                                                                                 \
    for (int j = 1; j < 4; j++)                                                                       \
      for (int k = 0; k < 4; k++) acc[0][k] += acc[j][k];                                             \
    for (int k = 0; k < 4; k++) ret[k] = acc[0][k];                                                   \
  }

/* row_sum: one row viewed as (-1, 4), the four column sums, the tail, then the columns added. */
#define DEF_ROW_SUM(FN, V, MRS, LOAD)                                                                 \
  static void FN(V *ret, const char *in, int64_t stride, int64_t size) {                              \
    V ps[4];                                                                                          \
    int64_t n4 = size / 4;                                                                            \
    MRS(ps, in, stride * 4, stride, n4);                                                              \
    for (int64_t i = n4 * 4; i < size; i++) ps[0] += LOAD(in + i * stride);                           \
    for (int k = 1; k < 4; k++) ps[0] += ps[k];                                                       \
    *ret = ps[0];                                                                                     \
  }

/* The 2-D loop of cascade_sum for input/output type S (ESIZE bytes), accumulator A (W lanes of
 * vector type V), VS input elements per input vector. STORE_ACC adds an A into an S output;
 * ADD_S is S + S. */
#define DEF_CASCADE(SFX, A, V, W, VS, ESIZE, LD_S, LD_VI, LD_VO, STORE_ACC, ADD_S)                   \
  DEF_MULTI_ROW_SUM(mrs_s_##SFX, A, LD_S)                                                             \
  DEF_ROW_SUM(rs_s_##SFX, A, mrs_s_##SFX, LD_S)                                                       \
  DEF_MULTI_ROW_SUM(mrs_vi_##SFX, V, LD_VI)                                                           \
  DEF_ROW_SUM(rs_vi_##SFX, V, mrs_vi_##SFX, LD_VI)                                                    \
  DEF_MULTI_ROW_SUM(mrs_vo_##SFX, V, LD_VO)                                                           \
  DEF_ROW_SUM(rs_vo_##SFX, V, mrs_vo_##SFX, LD_VO)                                                    \
  static inline void store_vec_##SFX(char *out, int64_t out_stride, int64_t index, const V *v) {      \
    A lanes[W];                                                                                       \
    memcpy(lanes, v, sizeof lanes);                                                                  \
    char *base = out + out_stride * index;                                                            \
    for (int k = 0; k < W; k++) STORE_ACC(base + k * out_stride, lanes[k]);                           \
  }                                                                                                   \
  static void cascade_loop_##SFX(void *ctx, char **data, const int64_t *strides, int64_t size0,       \
                                 int64_t size1) {                                                     \
    (void)ctx;                                                                                        \
    int64_t in_st[2] = {strides[1], strides[3]}, out_st[2] = {strides[0], strides[2]};                \
    if (out_st[0] != 0 && out_st[1] == 0) {                                                           \
      int64_t t0 = in_st[0]; in_st[0] = in_st[1]; in_st[1] = t0;                                      \
      t0 = out_st[0]; out_st[0] = out_st[1]; out_st[1] = t0;                                          \
      t0 = size0; size0 = size1; size1 = t0;                                                          \
    }                                                                                                 \
    if (out_st[0] != 0 && out_st[1] != 0) { /* not a true reduction: out = out + in */                \
      for (int64_t j = 0; j < size1; j++)                                                             \
        for (int64_t i = 0; i < size0; i++) {                                                         \
          char *o = data[0] + j * strides[2] + i * strides[0];                                        \
          const char *x = data[1] + j * strides[3] + i * strides[1];                                  \
          ADD_S(o, x);                                                                                \
        }                                                                                             \
      return;                                                                                         \
    }                                                                                                 \
    const int64_t out_stride = out_st[1];                                                             \
    char *out = data[0];                                                                              \
    const char *in = data[1];                                                                         \
    if (in_st[0] == ESIZE && size0 >= VS) { /* vectorized_inner_sum */                                \
      const int64_t vec_size = size0 / VS;                                                            \
      for (int64_t j = 0; j < size1; j++) {                                                           \
        const char *row = in + j * in_st[1];                                                          \
        V vacc;                                                                                       \
        rs_vi_##SFX(&vacc, row, VS * ESIZE, vec_size);                                              \
        A fin = 0;                                                                                    \
        for (int64_t k = vec_size * VS; k < size0; k++) fin += LD_S(row + k * ESIZE);                 \
        A lanes[W];                                                                                   \
        memcpy(lanes, &vacc, sizeof lanes);                                                           \
        for (int k = 0; k < W; k++) fin += lanes[k];                                                  \
        STORE_ACC(out + j * out_stride, fin);                                                         \
      }                                                                                               \
    } else if (in_st[1] == ESIZE && size1 >= VS) { /* vectorized_outer_sum */                         \
      const int64_t inner_stride = in_st[0];                                                          \
      int64_t j = 0;                                                                                  \
      for (; j + 4 * W <= size1; j += 4 * W) {                                                        \
        V sums[4];                                                                                    \
        mrs_vo_##SFX(sums, in + j * ESIZE, inner_stride, W * ESIZE, size0);                           \
        for (int i = 0; i < 4; i++) store_vec_##SFX(out, out_stride, j + i * W, &sums[i]);             \
      }                                                                                               \
      for (; j + W <= size1; j += W) {                                                                \
        V v;                                                                                          \
        rs_vo_##SFX(&v, in + j * ESIZE, inner_stride, size0);                                         \
        store_vec_##SFX(out, out_stride, j, &v);                                                      \
      }                                                                                               \
      for (; j < size1; j++) {                                                                        \
        A a;                                                                                          \
        rs_s_##SFX(&a, in + j * ESIZE, inner_stride, size0);                                          \
        STORE_ACC(out + j * out_stride, a);                                                           \
      }                                                                                               \
    } else if (in_st[0] < in_st[1]) { /* scalar_inner_sum */                                          \
      for (int64_t j = 0; j < size1; j++) {                                                           \
        A a;                                                                                          \
        rs_s_##SFX(&a, in + j * in_st[1], in_st[0], size0);                                           \
        STORE_ACC(out + j * out_stride, a);                                                           \
      }                                                                                               \
    } else { /* scalar_outer_sum */                                                                   \
      int64_t j = 0;                                                                                  \
      for (; j + 3 < size1; j += 4) {                                                                 \
        A sums[4];                                                                                    \
        mrs_s_##SFX(sums, in + j * in_st[1], in_st[0], in_st[1], size0);                              \
        for (int k = 0; k < 4; k++) STORE_ACC(out + (j + k) * out_stride, sums[k]);                   \
      }                                                                                               \
      for (; j < size1; j++) {                                                                        \
        A a;                                                                                          \
        rs_s_##SFX(&a, in + j * in_st[1], in_st[0], size0);                                           \
        STORE_ACC(out + j * out_stride, a);                                                           \
      }                                                                                               \
    }                                                                                                 \
  }

#define STORE_ACC_F32(p, v) st_f32((p), ld_f32(p) + (v))
#define STORE_ACC_F64(p, v) st_f64((p), ld_f64(p) + (v))
/* The 16-bit types round each partial sum to the type, then add it into the output in the type's
 * own arithmetic (PyTorch 1.13 stores partial sums as scalar_t). */
#define STORE_ACC_F16(p, v) st_f16((p), ld_f16(p) + rnd_f16(v))
#define STORE_ACC_BF16(p, v) st_bf16((p), ld_bf16(p) + rnd_bf16(v))
#define ADD_F32(o, x) st_f32((o), ld_f32(o) + ld_f32(x))
#define ADD_F64(o, x) st_f64((o), ld_f64(o) + ld_f64(x))
#define ADD_F16(o, x) st_f16((o), ld_f16(o) + ld_f16(x))
#define ADD_BF16(o, x) st_bf16((o), ld_bf16(o) + ld_bf16(x))

DEF_CASCADE(f32, float, vf8, 8, 8, 4, ld_f32, vl_f32, vl_f32, STORE_ACC_F32, ADD_F32)
DEF_CASCADE(f64, double, vd4, 4, 4, 8, ld_f64, vl_f64, vl_f64, STORE_ACC_F64, ADD_F64)
DEF_CASCADE(f16, float, vf8, 8, 16, 2, ld_f16, vl_f16_inner, vl_f16_outer, STORE_ACC_F16, ADD_F16)
DEF_CASCADE(bf16, float, vf8, 8, 16, 2, ld_bf16, vl_bf16_inner, vl_bf16_outer, STORE_ACC_BF16, ADD_BF16)

/* The same loops built for AVX2 (+F16C for float16's loads): 32-byte vectors in one register
 * instead of two, float16 widened by the hardware. Same operations in the same order, so the same
 * sums bit for bit; chosen at run time (TN_CPU=generic keeps the portable ones). */
#ifdef TN__HAVE_AVX2_KERNELS
#include <immintrin.h>
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
static inline void vl_f16_outer_avx2_(vf8 *out, const char *p) {
  __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
  memcpy(out, &v, sizeof v);
}
/* lane i = v[2i] + v[2i+1] over 16 halves: (0 + x) + y and x + y differ only in the sign of a
 * zero, which the accumulators (started at +0) never see. */
static inline void vl_f16_inner_avx2_(vf8 *out, const char *p) {
  __m256 a = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
  __m256 b = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + 16)));
  __m256 h = _mm256_hadd_ps(a, b); /* a01 a23 b01 b23 | a45 a67 b45 b67 */
  h = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(h), 0xD8));
  memcpy(out, &h, sizeof h);
}
static inline __m256 bf16x8_avx2(const char *p) {
  __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}
static inline void vl_bf16_outer_avx2_(vf8 *out, const char *p) {
  __m256 v = bf16x8_avx2(p);
  memcpy(out, &v, sizeof v);
}
/* 16 bfloat16 as 8 little-endian words: element 2i is word i's low half (as a float: the word
 * shifted up), element 2i + 1 its high half (the word with the low half cleared); lane i is their
 * sum, as load_reduce_vec's (0 + v[2i]) + v[2i+1] (the sign of a zero aside, as above). */
static inline void vl_bf16_inner_avx2_(vf8 *out, const char *p) {
  __m256i w = _mm256_loadu_si256((const __m256i *)p);
  __m256 even = _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
  __m256 odd = _mm256_castsi256_ps(_mm256_and_si256(w, _mm256_set1_epi32((int)0xffff0000u)));
  __m256 h = _mm256_add_ps(even, odd);
  memcpy(out, &h, sizeof h);
}
#define vl_bf16_outer_avx2(p) ({ vf8 v_; vl_bf16_outer_avx2_(&v_, (p)); v_; })
#define vl_bf16_inner_avx2(p) ({ vf8 v_; vl_bf16_inner_avx2_(&v_, (p)); v_; })
#define vl_f16_outer_avx2(p) ({ vf8 v_; vl_f16_outer_avx2_(&v_, (p)); v_; })
#define vl_f16_inner_avx2(p) ({ vf8 v_; vl_f16_inner_avx2_(&v_, (p)); v_; })
DEF_CASCADE(f32_avx2, float, vf8, 8, 8, 4, ld_f32, vl_f32, vl_f32, STORE_ACC_F32, ADD_F32)
DEF_CASCADE(f64_avx2, double, vd4, 4, 4, 8, ld_f64, vl_f64, vl_f64, STORE_ACC_F64, ADD_F64)
DEF_CASCADE(f16_avx2, float, vf8, 8, 16, 2, ld_f16, vl_f16_inner_avx2, vl_f16_outer_avx2, STORE_ACC_F16, ADD_F16)
DEF_CASCADE(bf16_avx2, float, vf8, 8, 16, 2, ld_bf16, vl_bf16_inner_avx2, vl_bf16_outer_avx2, STORE_ACC_BF16, ADD_BF16)
#pragma GCC pop_options
#endif

static ti_loop2d cascade_loop(tn_dtype d) {
#ifdef TN__HAVE_AVX2_KERNELS
  if (tn__cpu_avx2()) {
    switch (d) {
    case TN_DTYPE_FLOAT16: return cascade_loop_f16_avx2;
    case TN_DTYPE_BFLOAT16: return cascade_loop_bf16_avx2;
    case TN_DTYPE_FLOAT32: return cascade_loop_f32_avx2;
    default: return cascade_loop_f64_avx2;
    }
  }
#endif
  switch (d) {
  case TN_DTYPE_FLOAT16: return cascade_loop_f16;
  case TN_DTYPE_BFLOAT16: return cascade_loop_bf16;
  case TN_DTYPE_FLOAT32: return cascade_loop_f32;
  default: return cascade_loop_f64;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* prod of floating types: binary_kernel_reduce_vec's order                                    */

/* Products in type S (float, double); vectors hold 32 bytes of S. */
#define DEF_PROD(SFX, C, ESIZE, LD, ST)                                                               \
  static inline C mul_##SFX(C a, C b) { return a * b; }                                               \
  static void prod_loop_##SFX(void *ctx, char **data, const int64_t *strides, int64_t size0,          \
                              int64_t size1) {                                                        \
    (void)ctx;                                                                                        \
    enum { VN = 32 / ESIZE };                                                                         \
    if (strides[0] == 0 && strides[1] == ESIZE) { /* vectorized_inner_reduction */                    \
      for (int64_t j = 0; j < size1; j++) {                                                           \
        char *o = data[0] + j * strides[2];                                                           \
        const char *in = data[1] + j * strides[3];                                                    \
        int64_t count = size0 / (4 * VN);                                                             \
        if (count > 0) {                                                                              \
          C acc[4][VN];                                                                               \
          for (int k = 0; k < 4; k++)                                                                 \
            for (int l = 0; l < VN; l++) acc[k][l] = LD(in + (k * VN + l) * ESIZE);                   \
          for (int64_t i = 1; i < count; i++)                                                         \
            for (int k = 0; k < 4; k++)                                                               \
              for (int l = 0; l < VN; l++)                                                            \
                acc[k][l] = mul_##SFX(acc[k][l], LD(in + (i * 4 * VN + k * VN + l) * ESIZE));         \
          C b[VN];                                                                                    \
          for (int l = 0; l < VN; l++)                                                                \
            b[l] = mul_##SFX(mul_##SFX(acc[0][l], acc[1][l]), mul_##SFX(acc[2][l], acc[3][l]));       \
          for (int l = 1; l < VN; l++) b[0] = mul_##SFX(b[0], b[l]);                                  \
          ST(o, mul_##SFX(LD(o), b[0]));                                                              \
        }                                                                                             \
        C a = LD(o);                                                                                  \
        for (int64_t i = count * 4 * VN; i < size0; i++) a = mul_##SFX(a, LD(in + i * ESIZE));        \
        ST(o, a);                                                                                     \
      }                                                                                               \
    } else if (strides[0] == 0 && strides[2] == ESIZE && strides[3] == ESIZE) { /* outer */           \
      int64_t j = 0;                                                                                  \
      for (; j + 4 * VN <= size1; j += 4 * VN) {                                                      \
        C acc[4 * VN];                                                                                \
        const char *in = data[1] + j * ESIZE;                                                         \
        for (int l = 0; l < 4 * VN; l++) acc[l] = LD(in + l * ESIZE);                                 \
        for (int64_t i = 1; i < size0; i++)                                                           \
          for (int l = 0; l < 4 * VN; l++) acc[l] = mul_##SFX(acc[l], LD(in + i * strides[1] + l * ESIZE)); \
        char *o = data[0] + j * ESIZE;                                                                \
        for (int l = 0; l < 4 * VN; l++) ST(o + l * ESIZE, mul_##SFX(acc[l], LD(o + l * ESIZE)));     \
      }                                                                                               \
      for (; j < size1; j++) {                                                                        \
        char *o = data[0] + j * ESIZE;                                                                \
        C a = LD(o);                                                                                  \
        for (int64_t i = 0; i < size0; i++) a = mul_##SFX(a, LD(data[1] + j * ESIZE + i * strides[1])); \
        ST(o, a);                                                                                     \
      }                                                                                               \
    } else {                                                                                          \
      for (int64_t j = 0; j < size1; j++)                                                             \
        for (int64_t i = 0; i < size0; i++) {                                                         \
          char *o = data[0] + j * strides[2] + i * strides[0];                                        \
          ST(o, mul_##SFX(LD(o), LD(data[1] + j * strides[3] + i * strides[1])));                     \
        }                                                                                             \
    }                                                                                                 \
  }

DEF_PROD(f32, float, 4, ld_f32, st_f32)
DEF_PROD(f64, double, 8, ld_f64, st_f64)

/* (PyTorch 1.13 has no CPU prod for float16/bfloat16.) */
static ti_loop2d prod_loop(tn_dtype d) {
  switch (d) {
  case TN_DTYPE_FLOAT32: return prod_loop_f32;
  default: return prod_loop_f64;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* order-free reductions: integer sum/prod, amax/amin, any/all                                 */

typedef enum { OP_SUM, OP_PROD, OP_MAX, OP_MIN, OP_ANY, OP_ALL } simple_op;

typedef struct {
  simple_op op;
  tn_dtype in, out;
} simple_ctx;

/* One kernel per (op, type): a row reduced into one output, or outputs updated element-wise. */
#define SIMPLE_BODY(C, LOAD_IN, LOAD_OUT, STORE_OUT, COMBINE)                                         \
  if (strides[0] == 0 && strides[2] != 0 && size1 > 1 && strides[3] < strides[1]) {                   \
    /* reducing down columns: walk the input row by row (these ops are order-free) */                 \
    for (int64_t i = 0; i < size0; i++)                                                               \
      for (int64_t j = 0; j < size1; j++) {                                                           \
        char *o = data[0] + j * strides[2];                                                           \
        C a = LOAD_OUT(o), v = LOAD_IN(data[1] + i * strides[1] + j * strides[3]);                    \
        STORE_OUT(o, COMBINE(a, v));                                                                  \
      }                                                                                               \
    return;                                                                                           \
  }                                                                                                   \
  for (int64_t j = 0; j < size1; j++) {                                                               \
    char *o = data[0] + j * strides[2];                                                               \
    const char *x = data[1] + j * strides[3];                                                         \
    if (strides[0] == 0) {                                                                            \
      C a = LOAD_OUT(o);                                                                              \
      for (int64_t i = 0; i < size0; i++) {                                                           \
        C v = LOAD_IN(x + i * strides[1]);                                                            \
        a = COMBINE(a, v);                                                                            \
      }                                                                                               \
      STORE_OUT(o, a);                                                                                \
    } else {                                                                                          \
      for (int64_t i = 0; i < size0; i++) {                                                           \
        char *oi = o + i * strides[0];                                                                \
        C a = LOAD_OUT(oi), v = LOAD_IN(x + i * strides[1]);                                          \
        STORE_OUT(oi, COMBINE(a, v));                                                                 \
      }                                                                                               \
    }                                                                                                 \
  }

#define CMB_ADD(a, v) wrap_add((a), (v))
#define CMB_MUL(a, v) wrap_mul((a), (v))
#define CMB_AND(a, v) ((a) && (v))
#define CMB_OR(a, v) ((a) || (v))
#define CMB_IMAX(a, v) ((v) > (a) ? (v) : (a))
#define CMB_IMIN(a, v) ((v) < (a) ? (v) : (a))
#define CMB_FMAX(a, v) (((v) > (a) || isnan(v)) ? (v) : (a))
#define CMB_FMIN(a, v) (((v) < (a) || isnan(v)) ? (v) : (a))

#define DEF_INT_TYPE(SFX, T)                                                                          \
  static inline int64_t ldi_##SFX(const char *p) { T v; memcpy(&v, p, sizeof v); return (int64_t)v; } \
  static inline void sti_##SFX(char *p, int64_t v) { T t = (T)(uint64_t)v; memcpy(p, &t, sizeof t); }
DEF_INT_TYPE(u8, uint8_t)
DEF_INT_TYPE(i8, int8_t)
DEF_INT_TYPE(i16, int16_t)
DEF_INT_TYPE(i32, int32_t)
DEF_INT_TYPE(i64, int64_t)
static inline int64_t ldi_b(const char *p) { return *(const uint8_t *)p != 0; }
static inline void sti_b(char *p, int64_t v) { *(uint8_t *)p = v != 0; }

/* Contiguous rows of float/double: 4 vectors of running maxima (minima) and a NaN mask, so that
 * the loop vectorises; any NaN makes the result NaN, as in PyTorch. */
/* 16-byte vectors: GCC lowers their comparisons to single SSE instructions (32-byte ones go lane
 * by lane without AVX). */
typedef float vf4 __attribute__((vector_size(16)));
typedef double vd2 __attribute__((vector_size(16)));
typedef int32_t vi4 __attribute__((vector_size(16)));
typedef int64_t vl2 __attribute__((vector_size(16)));
#define vl_f32x4(p) ({ vf4 v_; memcpy(&v_, (p), sizeof v_); v_; })
#define vl_f64x2(p) ({ vd2 v_; memcpy(&v_, (p), sizeof v_); v_; })
#define DEF_FAST_MINMAX(SFX, T, V, VI, W, LDV, CMAX, CMIN)                                            \
  static T fast_minmax_##SFX(const char *p, int64_t n, bool is_max, T a) {                            \
    int64_t i = 0;                                                                                    \
    if (n >= 4 * W) {                                                                                 \
      V acc[4];                                                                                       \
      VI nan;                                                                                         \
      memset(&nan, 0, sizeof nan);                                                                    \
      for (int k = 0; k < 4; k++) acc[k] = LDV(p + k * W * (int64_t)sizeof(T));                      \
      if (is_max)                                                                                     \
        for (i = 4 * W; i + 4 * W <= n; i += 4 * W)                                                   \
          for (int k = 0; k < 4; k++) {                                                               \
            V v = LDV(p + (i + k * W) * (int64_t)sizeof(T));                                          \
            VI m = v > acc[k];                                                                        \
            acc[k] = (V)((m & (VI)v) | (~m & (VI)acc[k]));                                            \
            nan |= (v != v);                                                                          \
          }                                                                                           \
      else                                                                                            \
        for (i = 4 * W; i + 4 * W <= n; i += 4 * W)                                                   \
          for (int k = 0; k < 4; k++) {                                                               \
            V v = LDV(p + (i + k * W) * (int64_t)sizeof(T));                                          \
            VI m = v < acc[k];                                                                        \
            acc[k] = (V)((m & (VI)v) | (~m & (VI)acc[k]));                                            \
            nan |= (v != v);                                                                          \
          }                                                                                           \
      for (int k = 0; k < 4; k++) nan |= (acc[k] != acc[k]);                                          \
      T lanes[4 * W];                                                                                 \
      memcpy(lanes, acc, sizeof lanes);                                                               \
      VI none;                                                                                        \
      memset(&none, 0, sizeof none);                                                                  \
      if (memcmp(&nan, &none, sizeof nan) != 0) return (T)NAN;                                        \
      for (int k = 0; k < 4 * W; k++) a = is_max ? CMAX(a, lanes[k]) : CMIN(a, lanes[k]);             \
    }                                                                                                 \
    for (; i < n; i++) {                                                                              \
      T v;                                                                                            \
      memcpy(&v, p + i * (int64_t)sizeof(T), sizeof v);                                               \
      a = is_max ? CMAX(a, v) : CMIN(a, v);                                                           \
    }                                                                                                 \
    return a;                                                                                         \
  }
DEF_FAST_MINMAX(f32, float, vf4, vi4, 4, vl_f32x4, CMB_FMAX, CMB_FMIN)
DEF_FAST_MINMAX(f64, double, vd2, vl2, 2, vl_f64x2, CMB_FMAX, CMB_FMIN)
#define FAST_ROWS(SFX, T, LD, ST, IS_MAX)                                                              \
  if (strides[0] == 0 && strides[1] == (int64_t)sizeof(T)) {                                          \
    for (int64_t j = 0; j < size1; j++) {                                                             \
      char *o = data[0] + j * strides[2];                                                             \
      ST(o, fast_minmax_##SFX(data[1] + j * strides[3], size0, IS_MAX, LD(o)));                       \
    }                                                                                                 \
    return;                                                                                           \
  }
#define NO_FAST(SFX, T, LD, ST, IS_MAX)

/* amax/amin: values stay in the input type (compared as float for the 16-bit formats). */
#define DEF_MINMAX(SFX, C, LD, ST, CMAX, CMIN, FAST)                                                  \
  static void max_loop_##SFX(void *ctx, char **data, const int64_t *strides, int64_t size0, int64_t size1) { \
    (void)ctx;                                                                                        \
    FAST(SFX, C, LD, ST, true)                                                                        \
    SIMPLE_BODY(C, LD, LD, ST, CMAX)                                                                  \
  }                                                                                                   \
  static void min_loop_##SFX(void *ctx, char **data, const int64_t *strides, int64_t size0, int64_t size1) { \
    (void)ctx;                                                                                        \
    FAST(SFX, C, LD, ST, false)                                                                       \
    SIMPLE_BODY(C, LD, LD, ST, CMIN)                                                                  \
  }
DEF_MINMAX(b, int64_t, ldi_b, sti_b, CMB_IMAX, CMB_IMIN, NO_FAST)
DEF_MINMAX(u8, int64_t, ldi_u8, sti_u8, CMB_IMAX, CMB_IMIN, NO_FAST)
DEF_MINMAX(i8, int64_t, ldi_i8, sti_i8, CMB_IMAX, CMB_IMIN, NO_FAST)
DEF_MINMAX(i16, int64_t, ldi_i16, sti_i16, CMB_IMAX, CMB_IMIN, NO_FAST)
DEF_MINMAX(i32, int64_t, ldi_i32, sti_i32, CMB_IMAX, CMB_IMIN, NO_FAST)
DEF_MINMAX(i64, int64_t, ldi_i64, sti_i64, CMB_IMAX, CMB_IMIN, NO_FAST)
DEF_MINMAX(f16, float, ld_f16, st_f16, CMB_FMAX, CMB_FMIN, NO_FAST)
DEF_MINMAX(bf16, float, ld_bf16, st_bf16, CMB_FMAX, CMB_FMIN, NO_FAST)
DEF_MINMAX(f32, float, ld_f32, st_f32, CMB_FMAX, CMB_FMIN, FAST_ROWS)
DEF_MINMAX(f64, double, ld_f64, st_f64, CMB_FMAX, CMB_FMIN, FAST_ROWS)

static ti_loop2d minmax_loop(tn_dtype d, bool is_max) {
  switch (d) {
  case TN_DTYPE_BOOL: return is_max ? max_loop_b : min_loop_b;
  case TN_DTYPE_UINT8: return is_max ? max_loop_u8 : min_loop_u8;
  case TN_DTYPE_INT8: return is_max ? max_loop_i8 : min_loop_i8;
  case TN_DTYPE_INT16: return is_max ? max_loop_i16 : min_loop_i16;
  case TN_DTYPE_INT32: return is_max ? max_loop_i32 : min_loop_i32;
  case TN_DTYPE_INT64: return is_max ? max_loop_i64 : min_loop_i64;
  case TN_DTYPE_FLOAT16: return is_max ? max_loop_f16 : min_loop_f16;
  case TN_DTYPE_BFLOAT16: return is_max ? max_loop_bf16 : min_loop_bf16;
  case TN_DTYPE_FLOAT32: return is_max ? max_loop_f32 : min_loop_f32;
  default: return is_max ? max_loop_f64 : min_loop_f64;
  }
}

/* Integer sum/prod: input already in the output's integer type; wrapping arithmetic. */
#define DEF_INTRED(SFX)                                                                               \
  static void isum_loop_##SFX(void *ctx, char **data, const int64_t *strides, int64_t size0, int64_t size1) { \
    (void)ctx;                                                                                        \
    SIMPLE_BODY(int64_t, ldi_##SFX, ldi_##SFX, sti_##SFX, CMB_ADD)                                    \
  }                                                                                                   \
  static void iprod_loop_##SFX(void *ctx, char **data, const int64_t *strides, int64_t size0, int64_t size1) { \
    (void)ctx;                                                                                        \
    SIMPLE_BODY(int64_t, ldi_##SFX, ldi_##SFX, sti_##SFX, CMB_MUL)                                    \
  }
DEF_INTRED(u8)
DEF_INTRED(i8)
DEF_INTRED(i16)
DEF_INTRED(i32)
DEF_INTRED(i64)

/* bool sum is "or", bool prod is "and" (C++ bool arithmetic stored back into a bool). */
static void isum_loop_b(void *ctx, char **data, const int64_t *strides, int64_t size0, int64_t size1) {
  (void)ctx;
  SIMPLE_BODY(int64_t, ldi_b, ldi_b, sti_b, CMB_OR)
}
static void iprod_loop_b(void *ctx, char **data, const int64_t *strides, int64_t size0, int64_t size1) {
  (void)ctx;
  SIMPLE_BODY(int64_t, ldi_b, ldi_b, sti_b, CMB_AND)
}

static ti_loop2d int_loop(tn_dtype d, bool prod) {
  switch (d) {
  case TN_DTYPE_BOOL: return prod ? iprod_loop_b : isum_loop_b;
  case TN_DTYPE_UINT8: return prod ? iprod_loop_u8 : isum_loop_u8;
  case TN_DTYPE_INT8: return prod ? iprod_loop_i8 : isum_loop_i8;
  case TN_DTYPE_INT16: return prod ? iprod_loop_i16 : isum_loop_i16;
  case TN_DTYPE_INT32: return prod ? iprod_loop_i32 : isum_loop_i32;
  default: return prod ? iprod_loop_i64 : isum_loop_i64;
  }
}

/* any/all: the output is bool (uint8 for uint8 input, as in PyTorch 1.13); inputs tested for
 * non-zero (NaN counts as true). */
#define NZ_F16(p) (ld_f16(p) != 0.0f)
#define NZ_BF16(p) (ld_bf16(p) != 0.0f)
#define NZ_F32(p) (ld_f32(p) != 0.0f)
#define NZ_F64(p) (ld_f64(p) != 0.0)
#define DEF_ANYALL(SFX, NZ)                                                                           \
  static inline int64_t nz_##SFX(const char *p) { return NZ(p); }                                     \
  static void any_loop_##SFX(void *ctx, char **data, const int64_t *strides, int64_t size0, int64_t size1) { \
    (void)ctx;                                                                                        \
    SIMPLE_BODY(int64_t, nz_##SFX, ldi_b, sti_b, CMB_OR)                                              \
  }                                                                                                   \
  static void all_loop_##SFX(void *ctx, char **data, const int64_t *strides, int64_t size0, int64_t size1) { \
    (void)ctx;                                                                                        \
    SIMPLE_BODY(int64_t, nz_##SFX, ldi_b, sti_b, CMB_AND)                                             \
  }
#define NZ_B(p) (*(const uint8_t *)(p) != 0)
#define NZ_I16(p) (ldi_i16(p) != 0)
#define NZ_I32(p) (ldi_i32(p) != 0)
#define NZ_I64(p) (ldi_i64(p) != 0)
DEF_ANYALL(b, NZ_B)
DEF_ANYALL(i16, NZ_I16)
DEF_ANYALL(i32, NZ_I32)
DEF_ANYALL(i64, NZ_I64)
DEF_ANYALL(f16, NZ_F16)
DEF_ANYALL(bf16, NZ_BF16)
DEF_ANYALL(f32, NZ_F32)
DEF_ANYALL(f64, NZ_F64)

static ti_loop2d anyall_loop(tn_dtype d, bool all) {
  switch (d) {
  case TN_DTYPE_BOOL:
  case TN_DTYPE_UINT8:
  case TN_DTYPE_INT8: return all ? all_loop_b : any_loop_b;
  case TN_DTYPE_INT16: return all ? all_loop_i16 : any_loop_i16;
  case TN_DTYPE_INT32: return all ? all_loop_i32 : any_loop_i32;
  case TN_DTYPE_INT64: return all ? all_loop_i64 : any_loop_i64;
  case TN_DTYPE_FLOAT16: return all ? all_loop_f16 : any_loop_f16;
  case TN_DTYPE_BFLOAT16: return all ? all_loop_bf16 : any_loop_bf16;
  case TN_DTYPE_FLOAT32: return all ? all_loop_f32 : any_loop_f32;
  default: return all ? all_loop_f64 : any_loop_f64;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* driver                                                                                     */

static bool valid_tensor(const tn_tensor *t) {
  if (!t) {
    tn__errorf(TN_ERROR_TYPE, "expected Tensor as argument, but got NoneType");
    return false;
  }
  return true;
}

static int check_dtype_arg(tn_dtype dtype) {
  if (dtype != TN_DTYPE_UNDEFINED && !tn__dtype_valid(dtype))
    return tn__errorf(TN_ERROR_TYPE, "invalid dtype argument");
  return 0;
}

/* make_reduction's input: converted to the computation dtype first (keeping a dense layout). */
static tn_tensor *as_dtype(const tn_tensor *t, tn_dtype dtype) {
  if (t->dtype == dtype) return tn_retain((tn_tensor *)t);
  return tn__clone_as(t, dtype);
}

/* at::internal::GRAIN_SIZE: below it PyTorch reduces on one thread. */
#define TN__REDUCE_GRAIN 32768

typedef struct {
  const ti_t *it;
  ti_loop2d fn;
  void *ctx;
  char *slots;
  int64_t slot_size, chunk, numel;
} split_job;

static void split_task(void *vjob, int64_t t, int64_t t_end) {
  (void)t_end;
  const split_job *job = vjob;
  int64_t b = t * job->chunk, e = b + job->chunk < job->numel ? b + job->chunk : job->numel;
  if (b >= e) return;
  ti_t it = *job->it;
  it.data[0] = job->slots + t * job->slot_size;
  ti_run_range(&it, job->fn, job->ctx, b, e);
}

/* TensorIterator::parallel_reduce with one output and several threads (two_pass_reduction): each of
 * T = get_num_threads() slots starts at the output's initial value (the identity); the input's
 * linear range is cut into min(T, ceil(numel / GRAIN)) pieces of ceil(numel / pieces), piece t
 * reduced into slot t; then the T slots are reduced into the output. The pieces run on the pool,
 * but which thread runs one never changes its result. Returns false where PyTorch reduces in one
 * pass (one thread, a small input, several outputs: parallel_dim_reduction splits the outputs,
 * which leaves each output's arithmetic as it is). */
static bool run_two_pass(const ti_t *it, tn_tensor *out, const tn_tensor *in, ti_loop2d fn, void *ctx) {
  int threads = tn_get_num_threads();
  if (out->numel != 1 || in->numel < TN__REDUCE_GRAIN || threads < 2) return false;
  int64_t pieces = (in->numel + TN__REDUCE_GRAIN - 1) / TN__REDUCE_GRAIN;
  if (pieces > threads) pieces = threads;
  int64_t es = (int64_t)tn__dtype_traits[out->dtype].size;
  _Alignas(16) char local[8 * 16];
  char *slots = (size_t)threads * (size_t)es <= sizeof local ? local : malloc((size_t)threads * (size_t)es);
  if (!slots) return false; /* one pass: PyTorch's digits may differ in the last bits, nothing worse */
  for (int t = 0; t < threads; t++) memcpy(slots + t * es, tn__data(out), (size_t)es);
  split_job job = {it, fn, ctx, slots, es, (in->numel + pieces - 1) / pieces, in->numel};
  tn__parallel_tasks((int)pieces, split_task, &job);
  ti_t final = {.ndim = 1, .nops = 2};
  final.shape[0] = threads;
  final.st[0][0] = 0;
  final.st[1][0] = es;
  final.data[0] = tn__data(out);
  final.data[1] = slots;
  ti_run(&final, fn, ctx);
  if (slots != local) free(slots);
  return true;
}

/* Runs a reduction kernel over (out, in) with TensorIterator's geometry. */
static void run_reduce(const rdims *r, tn_tensor *out, const tn_tensor *in, ti_loop2d fn, void *ctx) {
  if (in->numel == 0 || out->numel == 0) return;
  ti_t it;
  ti_reduce_init(&it, r, out, in);
  if (!run_two_pass(&it, out, in, fn, ctx)) ti_run(&it, fn, ctx);
}

/* sum into a fresh output of dtype out_dt (input converted to it). */
static tn_tensor *sum_impl(const tn_tensor *t, const rdims *r, tn_dtype out_dt) {
  tn_tensor *out = new_filled(r->out_ndim, r->out_shape, out_dt, 0.0);
  if (!out) return NULL;
  if (t->numel == 0) return out;
  tn_tensor *in = as_dtype(t, out_dt);
  if (!in) {
    tn_release(out);
    return NULL;
  }
  run_reduce(r, out, in, tn_dtype_is_floating(out_dt) ? cascade_loop(out_dt) : int_loop(out_dt, false), NULL);
  tn_release(in);
  return out;
}

static tn_dtype int_promoted(tn_dtype d, tn_dtype given) {
  if (tn__dtype_valid(given)) return given;
  return tn_dtype_is_integral(d, true) ? TN_DTYPE_INT64 : d;
}

tn_tensor *tn_sum(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim, tn_dtype dtype) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("sum", t, ndims, dims, keepdim, dtype, 0, 0);
  if (!valid_tensor(t) || check_dtype_arg(dtype) < 0) return NULL;
  rdims r;
  if (rdims_init(&r, t, ndims, dims, keepdim) < 0) return NULL;
  if (tn__is_cuda(t)) return tn__cuda_reduce(0, t, ndims, dims, keepdim, int_promoted(t->dtype, dtype), 1.0);
  return sum_impl(t, &r, int_promoted(t->dtype, dtype));
}

/* x /= n element-wise in x's floating type, as div_ by a Python int does: n is converted to x's
 * type first (float16/bfloat16 then divide in float and round). */
static void divide_by(tn_tensor *x, int64_t n) {
  char *p = tn__data(x);
  switch (x->dtype) {
  case TN_DTYPE_FLOAT32: {
    float d = (float)n;
    for (int64_t i = 0; i < x->numel; i++) st_f32(p + i * 4, ld_f32(p + i * 4) / d);
    break;
  }
  case TN_DTYPE_FLOAT64: {
    double d = (double)n;
    for (int64_t i = 0; i < x->numel; i++) st_f64(p + i * 8, ld_f64(p + i * 8) / d);
    break;
  }
  case TN_DTYPE_FLOAT16: {
    float d = rnd_f16((float)n); /* inf beyond 65504: such means are 0, as in PyTorch */
    for (int64_t i = 0; i < x->numel; i++) st_f16(p + i * 2, ld_f16(p + i * 2) / d);
    break;
  }
  case TN_DTYPE_BFLOAT16: {
    float d = rnd_bf16((float)n);
    for (int64_t i = 0; i < x->numel; i++) st_bf16(p + i * 2, ld_bf16(p + i * 2) / d);
    break;
  }
  default: break;
  }
}

static tn_tensor *mean_impl(const tn_tensor *t, const rdims *r, tn_dtype dtype) {
  tn_tensor *s = sum_impl(t, r, dtype);
  if (!s) return NULL;
  divide_by(s, t->ndim == 0 ? t->numel : r->nreduce);
  return s;
}

tn_tensor *tn_mean(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim, tn_dtype dtype) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("mean", t, ndims, dims, keepdim, dtype, 0, 0);
  if (!valid_tensor(t) || check_dtype_arg(dtype) < 0) return NULL;
  if (tn__dtype_valid(dtype)) {
    if (!tn_dtype_is_floating(dtype))
      return tn__error(TN_ERROR_RUNTIME,
                       "mean(): could not infer output dtype. Optional dtype must be either a floating point or "
                       "complex dtype. Got: %s",
                       tn__scalar_type_name(dtype));
  } else if (!tn_dtype_is_floating(t->dtype)) {
    return tn__error(TN_ERROR_RUNTIME,
                     "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
                     "dtype. Got: %s",
                     tn__scalar_type_name(t->dtype));
  }
  rdims r;
  if (rdims_init(&r, t, ndims, dims, keepdim) < 0) return NULL;
  if (tn__is_cuda(t))
    return tn__cuda_reduce(0, t, ndims, dims, keepdim, tn__dtype_valid(dtype) ? dtype : t->dtype,
                           1.0 / (double)(t->ndim == 0 ? t->numel : r.nreduce));
  return mean_impl(t, &r, tn__dtype_valid(dtype) ? dtype : t->dtype);
}

tn_tensor *tn_prod(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim, tn_dtype dtype) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("prod", t, ndims, dims, keepdim, dtype, 0, 0);
  TN__CUDA_VIA_HOST1(t, tn_prod(t, ndims, dims, keepdim, dtype));
  if (!valid_tensor(t) || check_dtype_arg(dtype) < 0) return NULL;
  rdims r;
  if (rdims_init(&r, t, ndims, dims, keepdim) < 0) return NULL;
  tn_dtype out_dt = int_promoted(t->dtype, dtype);
  /* PyTorch 1.13 has no CPU prod kernel for the 16-bit types (empty inputs need none) */
  if ((out_dt == TN_DTYPE_FLOAT16 || out_dt == TN_DTYPE_BFLOAT16) && t->numel > 0)
    return tn__error(TN_ERROR_RUNTIME, "\"prod_cpu\" not implemented for '%s'", tn__scalar_type_name(out_dt));
  tn_tensor *out = new_filled(r.out_ndim, r.out_shape, out_dt, 1.0);
  if (!out || t->numel == 0) return out;
  tn_tensor *in = as_dtype(t, out_dt);
  if (!in) {
    tn_release(out);
    return NULL;
  }
  run_reduce(&r, out, in, tn_dtype_is_floating(out_dt) ? prod_loop(out_dt) : int_loop(out_dt, true), NULL);
  tn_release(in);
  return out;
}

/* amax/amin, and max()/min() of everything. */
static tn_tensor *minmax_impl(const char *name, const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim,
                              bool is_max) {
  rdims r;
  if (rdims_init(&r, t, ndims, dims, keepdim) < 0) return NULL;
  if (tn__is_cuda(t) && t->numel > 0) return tn__cuda_reduce(is_max ? 1 : 2, t, ndims, dims, keepdim, t->dtype, 1.0);
  if (t->numel == 0) {
    if (ndims <= 0 || !dims)
      return tn__error(TN_ERROR_RUNTIME,
                       "%s(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction "
                       "dim with the 'dim' argument.",
                       name);
    for (int32_t i = 0; i < ndims; i++) {
      int64_t d = tn_wrap_dim(dims[i], t->ndim);
      if (t->ndim && t->shape[d] == 0)
        return tn__error(TN_ERROR_INDEX, "%s(): Expected reduction dim %lld to have non-zero size.", name, (long long)d);
    }
  }
  tn_tensor *out = tn__new(r.out_ndim, r.out_shape, t->dtype);
  if (!out || t->numel == 0) return out;
  /* Seed every output with one element of its slice (the first), then reduce over all. */
  {
    int64_t idx[TN_MAX_DIMS] = {0};
    char *o = tn__data(out);
    size_t es = tn__dtype_traits[t->dtype].size;
    const char *base = tn__data(t);
    for (int64_t k = 0; k < out->numel; k++) {
      int64_t off = 0;
      for (int32_t d = 0; d < t->ndim; d++) off += (r.mask[d] ? 0 : idx[d]) * t->strides[d];
      memcpy(o + (size_t)k * es, base + off * (int64_t)es, es);
      for (int32_t d = t->ndim - 1; d >= 0; d--) {
        if (r.mask[d]) continue;
        if (++idx[d] < t->shape[d]) break;
        idx[d] = 0;
      }
    }
  }
  run_reduce(&r, out, t, minmax_loop(t->dtype, is_max), NULL);
  return out;
}

tn_tensor *tn_amax(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("amax", t, ndims, dims, keepdim, TN_DTYPE_UNDEFINED, 0, 0);
  if (!valid_tensor(t)) return NULL;
  return minmax_impl("amax", t, ndims, dims, keepdim, true);
}

tn_tensor *tn_amin(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("amin", t, ndims, dims, keepdim, TN_DTYPE_UNDEFINED, 0, 0);
  if (!valid_tensor(t)) return NULL;
  return minmax_impl("amin", t, ndims, dims, keepdim, false);
}

tn_tensor *tn_max(const tn_tensor *t) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("max", t, 0, NULL, false, TN_DTYPE_UNDEFINED, 0, 0);
  if (!valid_tensor(t)) return NULL;
  return minmax_impl("max", t, 0, NULL, false, true);
}

tn_tensor *tn_min(const tn_tensor *t) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("min", t, 0, NULL, false, TN_DTYPE_UNDEFINED, 0, 0);
  if (!valid_tensor(t)) return NULL;
  return minmax_impl("min", t, 0, NULL, false, false);
}

static tn_tensor *anyall_impl(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim, bool all) {
  if (!valid_tensor(t)) return NULL;
  TN__CUDA_VIA_HOST1(t, anyall_impl(t, ndims, dims, keepdim, all));
  rdims r;
  if (rdims_init(&r, t, ndims, dims, keepdim) < 0) return NULL;
  tn_dtype out_dt = t->dtype == TN_DTYPE_UINT8 ? TN_DTYPE_UINT8 : TN_DTYPE_BOOL;
  tn_tensor *out = new_filled(r.out_ndim, r.out_shape, out_dt, all ? 1.0 : 0.0);
  if (!out) return NULL;
  run_reduce(&r, out, t, anyall_loop(t->dtype, all), NULL);
  return out;
}

tn_tensor *tn_any(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim) {
  return anyall_impl(t, ndims, dims, keepdim, false);
}

tn_tensor *tn_all(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim) {
  return anyall_impl(t, ndims, dims, keepdim, true);
}

/* ------------------------------------------------------------------------------------------ */
/* var / std                                                                                  */

static inline double ld_as_double(const char *p, tn_dtype d) {
  switch (d) {
  case TN_DTYPE_FLOAT16: return ld_f16(p);
  case TN_DTYPE_BFLOAT16: return ld_bf16(p);
  case TN_DTYPE_FLOAT32: return ld_f32(p);
  default: return ld_f64(p);
  }
}

/* Stores a double result into a floating type the way c10 converts: double -> float -> 16-bit. */
static inline void st_from_double(char *p, tn_dtype d, double v) {
  switch (d) {
  case TN_DTYPE_FLOAT16: st_f16(p, (float)v); break;
  case TN_DTYPE_BFLOAT16: st_bf16(p, (float)v); break;
  case TN_DTYPE_FLOAT32: st_f32(p, (float)v); break;
  default: st_f64(p, v); break;
  }
}

typedef struct {
  double mean, m2, nf;
  int64_t n;
} welford;

typedef struct {
  tn_dtype dtype;
} welford_ctx;

/* WelfordOps::reduce in double, per element, one state per output. */
static void welford_loop(void *ctx, char **data, const int64_t *strides, int64_t size0, int64_t size1) {
  const welford_ctx *c = ctx;
  for (int64_t j = 0; j < size1; j++)
    for (int64_t i = 0; i < size0; i++) {
      welford *w = (welford *)(void *)(data[0] + j * strides[2] + i * strides[0]);
      double x = ld_as_double(data[1] + j * strides[3] + i * strides[1], c->dtype);
      int64_t new_n = w->n + 1;
      double new_nf = (double)new_n;
      double delta = x - w->mean;
      double new_mean = w->mean + delta / new_nf;
      double new_delta = x - new_mean;
      w->mean = new_mean;
      /* PyTorch's AVX2 kernels are compiled with -mfma and GCC's default contraction, which
       * turns acc.m2 + delta * new_delta into one fused multiply-add */
      w->m2 = fma(delta, new_delta, w->m2);
      w->n = new_n;
      w->nf = new_nf;
    }
}

typedef struct {
  tn_dtype dtype;
  double mean, total;
} sqdev_ctx;

/* std_var_all_cpu's second pass: a double partial per 2-D loop, added into the total. */
static void sqdev_loop(void *ctx, char **data, const int64_t *strides, int64_t size0, int64_t size1) {
  sqdev_ctx *c = ctx;
  double local = 0.0;
  for (int64_t i = 0; i < size1; i++) {
    const char *row = data[0] + strides[1] * i;
    for (int64_t j = 0; j < size0; j++) {
      double dx = ld_as_double(row + strides[0] * j, c->dtype) - c->mean;
      local += dx * dx;
    }
  }
  c->total += local;
}

static tn_tensor *var_impl(const tn_tensor *t, int32_t ndims, const int64_t *dims, int64_t correction, bool keepdim,
                           bool take_sqrt) {
  if (!valid_tensor(t)) return NULL;
  TN__CUDA_VIA_HOST1(t, var_impl(t, ndims, dims, correction, keepdim, take_sqrt));
  if (!tn_dtype_is_floating(t->dtype))
    return tn__error(TN_ERROR_RUNTIME, "std and var only support floating point and complex dtypes");
  rdims r;
  if (rdims_init(&r, t, ndims, dims, keepdim) < 0) return NULL;
  tn_tensor *out = tn__new(r.out_ndim, r.out_shape, t->dtype);
  if (!out) return NULL;
  size_t es = tn__dtype_traits[t->dtype].size;
  if (t->numel == 0) {
    for (int64_t i = 0; i < out->numel; i++) st_from_double(tn__data(out) + i * (int64_t)es, t->dtype, NAN);
    return out;
  }
  if (out->numel == 1 && (t->dtype == TN_DTYPE_FLOAT32 || t->dtype == TN_DTYPE_FLOAT64)) {
    /* std_var_all_cpu: mean in the input's type, then squared deviations in double */
    rdims all;
    rdims_init(&all, t, 0, NULL, false);
    tn_tensor *m = mean_impl(t, &all, t->dtype);
    if (!m) {
      tn_release(out);
      return NULL;
    }
    sqdev_ctx c = {t->dtype, ld_as_double(tn__data(m), t->dtype), 0.0};
    tn_release(m);
    int64_t st[1][TN_MAX_DIMS];
    for (int32_t d = 0; d < t->ndim; d++) st[0][d] = t->strides[d] * (int64_t)es;
    ti_spec s = {t->ndim, 1, t->shape, st, false, NULL};
    char *data[1] = {tn__data(t)};
    ti_t it;
    ti_build(&it, &s, data);
    ti_run(&it, sqdev_loop, &c);
    double div = (double)t->numel - (double)correction; /* (no int64 overflow for any correction) */
    if (div < 0) div = 0;
    double var = c.total / div;
    double res = take_sqrt ? sqrt(var) : var;
    st_from_double(tn__data(out), t->dtype, res);
    return out;
  }
  welford *w = calloc((size_t)out->numel, sizeof *w);
  if (!w) {
    tn_release(out);
    return tn__error_alloc((size_t)out->numel * sizeof *w);
  }
  /* The iterator's output operand is the state array: out's geometry scaled to the state size. */
  {
    ti_t it;
    int64_t st[2][TN_MAX_DIMS], ost[TN_MAX_DIMS];
    result_view_strides(&r, ost);
    for (int32_t d = 0; d < t->ndim; d++) {
      st[0][d] = (r.keep_shape[d] == 1 && t->shape[d] != 1) ? 0 : ost[d] * (int64_t)sizeof(welford);
      st[1][d] = t->strides[d] * (int64_t)es;
    }
    ti_spec s = {t->ndim, 2, t->shape, st, true, NULL};
    char *data[2] = {(char *)w, tn__data(t)};
    ti_build(&it, &s, data);
    welford_ctx c = {t->dtype};
    ti_run(&it, welford_loop, &c);
  }
  double corr = (double)correction;
  for (int64_t i = 0; i < out->numel; i++) {
    double divisor = w[i].nf > corr ? w[i].nf - corr : 0.0;
    double var = w[i].m2 / divisor;
    st_from_double(tn__data(out) + i * (int64_t)es, t->dtype, take_sqrt ? sqrt(var) : var);
  }
  free(w);
  return out;
}

tn_tensor *tn_var(const tn_tensor *t, int32_t ndims, const int64_t *dims, int64_t correction, bool keepdim) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("var", t, ndims, dims, keepdim, TN_DTYPE_UNDEFINED, correction, 0);
  return var_impl(t, ndims, dims, correction, keepdim, false);
}

tn_tensor *tn_std(const tn_tensor *t, int32_t ndims, const int64_t *dims, int64_t correction, bool keepdim) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("std", t, ndims, dims, keepdim, TN_DTYPE_UNDEFINED, correction, 0);
  return var_impl(t, ndims, dims, correction, keepdim, true);
}

/* ------------------------------------------------------------------------------------------ */
/* logsumexp                                                                                  */

/* tmp = exp(x - maxes) in x's type, laid out as TensorIterator lays out a binary op's output
 * (dense, dims ordered as the inputs' strides order them), since the sum's order follows it. */
static tn_tensor *exp_shifted(const tn_tensor *x, const tn_tensor *maxes_keep) {
  int32_t nd = x->ndim;
  int64_t st[3][TN_MAX_DIMS];
  size_t es = tn__dtype_traits[x->dtype].size;
  for (int32_t d = 0; d < nd; d++) {
    st[0][d] = 0;
    st[1][d] = x->strides[d] * (int64_t)es;
    st[2][d] = (maxes_keep->shape[d] == 1 && x->shape[d] != 1) ? 0 : maxes_keep->strides[d] * (int64_t)es;
  }
  bool skip[3] = {true, false, false};
  ti_spec s = {nd, 3, x->shape, st, false, skip};
  int32_t perm[TN_MAX_DIMS];
  ti_perm(&s, perm);
  int64_t strides[TN_MAX_DIMS], acc = 1;
  for (int32_t i = 0; i < nd; i++) {
    strides[perm[i]] = acc;
    acc *= x->shape[perm[i]] > 1 ? x->shape[perm[i]] : 1;
  }
  tn_tensor *tmp = tn_empty_strided(nd, x->shape, strides, TN_OPTS(x->dtype));
  if (!tmp) return NULL;
  /* element-wise over the logical index */
  int64_t idx[TN_MAX_DIMS] = {0};
  const char *xb = tn__data(x), *mb = tn__data(maxes_keep);
  char *tb = tn__data(tmp);
  for (int64_t k = 0; k < x->numel; k++) {
    int64_t xo = 0, mo = 0, to = 0;
    for (int32_t d = 0; d < nd; d++) {
      xo += idx[d] * x->strides[d];
      to += idx[d] * tmp->strides[d];
      if (maxes_keep->shape[d] != 1) mo += idx[d] * maxes_keep->strides[d];
    }
    const char *xp = xb + xo * (int64_t)es, *mp = mb + mo * (int64_t)es;
    char *tp = tb + to * (int64_t)es;
    switch (x->dtype) {
    case TN_DTYPE_FLOAT32: st_f32(tp, expf(ld_f32(xp) - ld_f32(mp))); break;
    case TN_DTYPE_FLOAT64: st_f64(tp, exp(ld_f64(xp) - ld_f64(mp))); break;
    default: st_bf16(tp, expf(rnd_bf16(ld_bf16(xp) - ld_bf16(mp)))); break;
    }
    for (int32_t d = nd - 1; d >= 0; d--) {
      if (++idx[d] < x->shape[d]) break;
      idx[d] = 0;
    }
  }
  return tmp;
}

tn_tensor *tn_logsumexp(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("logsumexp", t, ndims, dims, keepdim, TN_DTYPE_UNDEFINED, 0, 0);
  TN__CUDA_VIA_HOST1(t, tn_logsumexp(t, ndims, dims, keepdim));
  if (!valid_tensor(t)) return NULL;
  rdims r;
  if (rdims_init(&r, t, ndims, dims, keepdim) < 0) return NULL;
  tn_dtype dt = tn_dtype_is_floating(t->dtype) ? t->dtype : tn_get_default_dtype();
  if (dt == TN_DTYPE_FLOAT16) return tn__error(TN_ERROR_RUNTIME, "\"exp_vml_cpu\" not implemented for 'Half'");
  tn_tensor *x = as_dtype(t, dt);
  if (!x) return NULL;
  tn_tensor *out = NULL;
  if (x->numel == 0) {
    /* log(sum(exp(empty))) = log(0) */
    out = new_filled(r.out_ndim, r.out_shape, dt, -INFINITY);
    tn_release(x);
    return out;
  }
  tn_tensor *tmp = NULL, *maxes = minmax_impl("amax", x, ndims, dims, true, true);
  if (!maxes) goto done;
  /* infinite maxima are replaced by 0 (masked_fill_), so that -inf rows give -inf, not nan */
  {
    size_t es = tn__dtype_traits[dt].size;
    char *p = tn__data(maxes);
    for (int64_t i = 0; i < maxes->numel; i++) {
      double m = ld_as_double(p + i * (int64_t)es, dt);
      if (isinf(m)) st_from_double(p + i * (int64_t)es, dt, 0.0);
    }
  }
  tmp = exp_shifted(x, maxes);
  if (!tmp) goto done;
  out = sum_impl(tmp, &r, dt);
  tn_release(tmp);
  if (!out) goto done;
  {
    /* log, then + max: maxes' elements are in the output's order (keepdim or not) */
    size_t es = tn__dtype_traits[dt].size;
    char *o = tn__data(out), *m = tn__data(maxes);
    for (int64_t i = 0; i < out->numel; i++) {
      char *op = o + i * (int64_t)es, *mp = m + i * (int64_t)es;
      switch (dt) {
      case TN_DTYPE_FLOAT32: st_f32(op, logf(ld_f32(op)) + ld_f32(mp)); break;
      case TN_DTYPE_FLOAT64: st_f64(op, log(ld_f64(op)) + ld_f64(mp)); break;
      default: st_bf16(op, rnd_bf16(logf(ld_bf16(op))) + ld_bf16(mp)); break;
      }
    }
  }
done:
  tn_release(maxes);
  tn_release(x);
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* max/min over a dim, argmax/argmin                                                          */

/* For every slice along `dim`: the first maximum (or minimum), NaN winning at its first place. */
#define DEF_ARGSCAN(SFX, C, LD, ISNAN)                                                                \
  static void argscan_##SFX(const char *p, int64_t n, int64_t stride, bool is_max, int64_t *index) { \
    C best = LD(p);                                                                                   \
    int64_t bi = 0;                                                                                   \
    if (!ISNAN(best)) {                                                                               \
      for (int64_t i = 1; i < n; i++) {                                                               \
        C v = LD(p + i * stride);                                                                     \
        if (is_max ? !(v <= best) : !(v >= best)) {                                                   \
          best = v;                                                                                   \
          bi = i;                                                                                     \
          if (ISNAN(v)) break;                                                                        \
        }                                                                                             \
      }                                                                                               \
    }                                                                                                 \
    *index = bi;                                                                                      \
  }
#define NO_NAN(x) ((void)(x), 0)
#define ISNAN_F(x) isnan(x)
DEF_ARGSCAN(b, int64_t, ldi_b, NO_NAN)
DEF_ARGSCAN(u8, int64_t, ldi_u8, NO_NAN)
DEF_ARGSCAN(i8, int64_t, ldi_i8, NO_NAN)
DEF_ARGSCAN(i16, int64_t, ldi_i16, NO_NAN)
DEF_ARGSCAN(i32, int64_t, ldi_i32, NO_NAN)
DEF_ARGSCAN(i64, int64_t, ldi_i64, NO_NAN)
DEF_ARGSCAN(f16, float, ld_f16, ISNAN_F)
DEF_ARGSCAN(bf16, float, ld_bf16, ISNAN_F)
DEF_ARGSCAN(f32, float, ld_f32, ISNAN_F)
DEF_ARGSCAN(f64, double, ld_f64, ISNAN_F)

typedef void (*argscan_fn)(const char *p, int64_t n, int64_t stride, bool is_max, int64_t *index);

static argscan_fn argscan_for(tn_dtype d) {
  switch (d) {
  case TN_DTYPE_BOOL: return argscan_b;
  case TN_DTYPE_UINT8: return argscan_u8;
  case TN_DTYPE_INT8: return argscan_i8;
  case TN_DTYPE_INT16: return argscan_i16;
  case TN_DTYPE_INT32: return argscan_i32;
  case TN_DTYPE_INT64: return argscan_i64;
  case TN_DTYPE_FLOAT16: return argscan_f16;
  case TN_DTYPE_BFLOAT16: return argscan_bf16;
  case TN_DTYPE_FLOAT32: return argscan_f32;
  default: return argscan_f64;
  }
}

/* Scans every slice of t along dim d (t->ndim > 0, shape[d] > 0), writing values (may be NULL)
 * and int64 indices in row-major order of the other dims. */
static void scan_dim(const tn_tensor *t, int32_t d, bool is_max, char *values, int64_t *indices) {
  argscan_fn fn = argscan_for(t->dtype);
  size_t es = tn__dtype_traits[t->dtype].size;
  int64_t idx[TN_MAX_DIMS] = {0}, nout = 1;
  for (int32_t k = 0; k < t->ndim; k++)
    if (k != d) nout *= t->shape[k];
  const char *base = tn__data(t);
  for (int64_t o = 0; o < nout; o++) {
    int64_t off = 0;
    for (int32_t k = 0; k < t->ndim; k++)
      if (k != d) off += idx[k] * t->strides[k];
    const char *p = base + off * (int64_t)es;
    int64_t bi;
    fn(p, t->shape[d], t->strides[d] * (int64_t)es, is_max, &bi);
    indices[o] = bi;
    if (values) memcpy(values + (size_t)o * es, p + bi * t->strides[d] * (int64_t)es, es);
    for (int32_t k = t->ndim - 1; k >= 0; k--) {
      if (k == d) continue;
      if (++idx[k] < t->shape[k]) break;
      idx[k] = 0;
    }
  }
}

static int maxmin_dim(const char *name, const tn_tensor *t, int64_t dim, bool keepdim, tn_tensor **values,
                      tn_tensor **indices, bool is_max) {
  if (!valid_tensor(t)) return -1;
  if (!values || !indices) return tn__errorf(TN_ERROR_TYPE, "%s(): output pointers must not be NULL", name);
  *values = *indices = NULL;
  if (tn__is_cuda(t)) { /* the CPU kernel on a host view; both results to t's device */
    tn_tensor *h, *res[2] = {NULL, NULL};
    tn_device dev;
    if (tn__cuda_host_args(1, &t, &h, &dev) < 0) return -1;
    int rc = maxmin_dim(name, h, dim, keepdim, &res[0], &res[1], is_max);
    tn__cuda_host_done(1, &h, NULL, dev);
    rc = tn__cuda_host_results(rc, dev, 2, res);
    *values = res[0], *indices = res[1];
    return rc;
  }
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return -1;
  if (t->ndim > 0 && t->shape[d] == 0)
    return tn__errorf(TN_ERROR_INDEX, "%s(): Expected reduction dim %lld to have non-zero size.", name, (long long)d);
  rdims r;
  int64_t dd = d;
  if (rdims_init(&r, t, 1, &dd, keepdim) < 0) return -1;
  tn_tensor *v = tn__new(r.out_ndim, r.out_shape, t->dtype);
  tn_tensor *ix = v ? tn__new(r.out_ndim, r.out_shape, TN_DTYPE_INT64) : NULL;
  if (!ix) {
    tn_release(v);
    return -1;
  }
  if (t->ndim == 0) {
    memcpy(tn__data(v), tn__data(t), tn__dtype_traits[t->dtype].size);
    memset(tn__data(ix), 0, 8);
  } else if (v->numel > 0) {
    scan_dim(t, (int32_t)d, is_max, tn__data(v), (int64_t *)(void *)tn__data(ix));
  }
  *values = v;
  *indices = ix;
  return 0;
}

int tn_max_dim(const tn_tensor *t, int64_t dim, bool keepdim, tn_tensor **values, tn_tensor **indices) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_max_dim(true, t, dim, keepdim, values, indices);
  return maxmin_dim("max", t, dim, keepdim, values, indices, true);
}

int tn_min_dim(const tn_tensor *t, int64_t dim, bool keepdim, tn_tensor **values, tn_tensor **indices) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_max_dim(false, t, dim, keepdim, values, indices);
  return maxmin_dim("min", t, dim, keepdim, values, indices, false);
}

static tn_tensor *argmaxmin(const char *name, const tn_tensor *t, const int64_t *dim, bool keepdim, bool is_max) {
  if (!valid_tensor(t)) return NULL;
  TN__CUDA_VIA_HOST1(t, argmaxmin(name, t, dim, keepdim, is_max));
  if (t->dtype == TN_DTYPE_BOOL) return tn__error(TN_ERROR_RUNTIME, "\"%s_cpu\" not implemented for 'Bool'", name);
  if (!dim) {
    if (t->numel == 0)
      return tn__error(TN_ERROR_INDEX, "%s(): Expected reduction dim to be specified for input.numel() == 0.", name);
    /* over the flattened (row-major) tensor */
    tn_tensor *c = tn_contiguous(t);
    if (!c) return NULL;
    int64_t shape[TN_MAX_DIMS];
    for (int32_t k = 0; k < t->ndim; k++) shape[k] = 1;
    tn_tensor *out = tn__new(keepdim ? t->ndim : 0, shape, TN_DTYPE_INT64);
    if (out) {
      int64_t bi;
      argscan_for(c->dtype)(tn__data(c), c->numel, (int64_t)tn__dtype_traits[c->dtype].size, is_max, &bi);
      memcpy(tn__data(out), &bi, 8);
    }
    tn_release(c);
    return out;
  }
  int64_t d = tn_wrap_dim(*dim, t->ndim);
  if (d < 0) return NULL;
  if (t->ndim > 0 && t->shape[d] == 0)
    return tn__error(TN_ERROR_INDEX, "%s(): Expected reduction dim %lld to have non-zero size.", name, (long long)d);
  rdims r;
  if (rdims_init(&r, t, 1, &d, keepdim) < 0) return NULL;
  tn_tensor *out = tn__new(r.out_ndim, r.out_shape, TN_DTYPE_INT64);
  if (!out) return NULL;
  if (t->ndim == 0)
    memset(tn__data(out), 0, 8);
  else if (out->numel > 0)
    scan_dim(t, (int32_t)d, is_max, NULL, (int64_t *)(void *)tn__data(out));
  return out;
}

tn_tensor *tn_argmax(const tn_tensor *t, const int64_t *dim, bool keepdim) {
  return argmaxmin("argmax", t, dim, keepdim, true);
}

tn_tensor *tn_argmin(const tn_tensor *t, const int64_t *dim, bool keepdim) {
  return argmaxmin("argmin", t, dim, keepdim, false);
}

/* ------------------------------------------------------------------------------------------ */
/* cumsum / cumprod                                                                           */

/* Sequential along the dim, accumulating in CPU acc_type: double for float/double, float for
 * bfloat16, int64 for integers; each output rounded from the accumulator. */
#define DEF_CUM(SFX, ACC, LD, ST, OPADD, OPMUL)                                                        \
  static void cum_##SFX(const char *in, int64_t is, char *out, int64_t os, int64_t n, bool prod) {    \
    ACC a = prod ? 1 : 0;                                                                             \
    if (prod)                                                                                         \
      for (int64_t i = 0; i < n; i++) {                                                               \
        a = OPMUL(a, (ACC)LD(in + i * is));                                                           \
        ST(out + i * os, a);                                                                          \
      }                                                                                               \
    else                                                                                              \
      for (int64_t i = 0; i < n; i++) {                                                               \
        a = OPADD(a, (ACC)LD(in + i * is));                                                           \
        ST(out + i * os, a);                                                                          \
      }                                                                                               \
  }
#define F_ADD(a, b) ((a) + (b))
#define F_MUL(a, b) ((a) * (b))
static inline void st_f32_d(char *p, double v) { st_f32(p, (float)v); }
DEF_CUM(f32, double, ld_f32, st_f32_d, F_ADD, F_MUL)
DEF_CUM(f64, double, ld_f64, st_f64, F_ADD, F_MUL)
DEF_CUM(bf16, float, ld_bf16, st_bf16, F_ADD, F_MUL)
DEF_CUM(u8, int64_t, ldi_u8, sti_u8, wrap_add, wrap_mul)
DEF_CUM(i8, int64_t, ldi_i8, sti_i8, wrap_add, wrap_mul)
DEF_CUM(i16, int64_t, ldi_i16, sti_i16, wrap_add, wrap_mul)
DEF_CUM(i32, int64_t, ldi_i32, sti_i32, wrap_add, wrap_mul)
DEF_CUM(i64, int64_t, ldi_i64, sti_i64, wrap_add, wrap_mul)

typedef void (*cum_fn)(const char *in, int64_t is, char *out, int64_t os, int64_t n, bool prod);

static cum_fn cum_for(tn_dtype d) {
  switch (d) {
  case TN_DTYPE_UINT8: return cum_u8;
  case TN_DTYPE_INT8: return cum_i8;
  case TN_DTYPE_INT16: return cum_i16;
  case TN_DTYPE_INT32: return cum_i32;
  case TN_DTYPE_INT64: return cum_i64;
  case TN_DTYPE_BFLOAT16: return cum_bf16;
  case TN_DTYPE_FLOAT32: return cum_f32;
  default: return cum_f64;
  }
}

static tn_tensor *cum_impl(const char *name, const tn_tensor *t, int64_t dim, tn_dtype dtype, bool prod) {
  if (!valid_tensor(t) || check_dtype_arg(dtype) < 0) return NULL;
  TN__CUDA_VIA_HOST1(t, cum_impl(name, t, dim, dtype, prod));
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  tn_dtype out_dt = int_promoted(t->dtype, dtype);
  /* no such CPU kernels in PyTorch 1.13; 0-dim and empty inputs are copied without one */
  if ((out_dt == TN_DTYPE_BOOL || out_dt == TN_DTYPE_FLOAT16) && t->ndim > 0 && t->numel > 0)
    return tn__error(TN_ERROR_RUNTIME, "\"%s_out_cpu\" not implemented for '%s'", name, tn__scalar_type_name(out_dt));
  tn_tensor *out = tn__new(t->ndim, t->shape, out_dt);
  if (!out || t->numel == 0) return out;
  if (t->ndim == 0) {
    tn__convert(tn__data(out), out_dt, 0, tn__data(t), t->dtype, 0, 1);
    return out;
  }
  tn_tensor *in = as_dtype(t, out_dt);
  if (!in) {
    tn_release(out);
    return NULL;
  }
  cum_fn fn = cum_for(out_dt);
  int64_t es = (int64_t)tn__dtype_traits[out_dt].size;
  {
    int64_t idx[TN_MAX_DIMS] = {0}, nlines = t->numel / t->shape[d];
    const char *ib = tn__data(in);
    char *ob = tn__data(out);
    for (int64_t l = 0; l < nlines; l++) {
      int64_t io = 0, oo = 0;
      for (int32_t k = 0; k < t->ndim; k++) {
        io += idx[k] * in->strides[k];
        oo += idx[k] * out->strides[k];
      }
      fn(ib + io * es, in->strides[d] * es, ob + oo * es, out->strides[d] * es, t->shape[d], prod);
      for (int32_t k = t->ndim - 1; k >= 0; k--) {
        if (k == d) continue;
        if (++idx[k] < t->shape[k]) break;
        idx[k] = 0;
      }
    }
  }
  tn_release(in);
  return out;
}

tn_tensor *tn_cumsum(const tn_tensor *t, int64_t dim, tn_dtype dtype) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_cumsum(t, dim, dtype);
  return cum_impl("cumsum", t, dim, dtype, false);
}

tn_tensor *tn_cumprod(const tn_tensor *t, int64_t dim, tn_dtype dtype) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_cumprod(t, dim, dtype);
  return cum_impl("cumprod", t, dim, dtype, true);
}
