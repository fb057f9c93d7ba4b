/* cuda-check.c — the CUDA backend against the CPU backend, and its benchmarks. GLib-free, so it
 * builds on the GPU machine (engine + libc only). TAP output; a skipped plan ("1..0 # SKIP") with
 * the reason when no CUDA device is usable here.
 *
 *   cuda-check            the comparisons (every kernel, every dtype, under a per-dtype tolerance)
 *   cuda-check --bench    also the GPU workloads of issue 7, one line each: name, median ms, GB/s or
 *                         GFLOP/s (script/gpu-check.sh puts PyTorch's numbers beside them)
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <execinfo.h>
#include <signal.h>
#include <unistd.h>
#include <stdbool.h>

#include "tn.h"
#include "tn-cuda.h"

static int n_tests, n_failed;
static const tn_device CUDA0 = {TN_DEVICE_CUDA, 0};

static void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(int cond, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  n_tests++;
  if (!cond) n_failed++;
  printf("%s %d - ", cond ? "ok" : "not ok", n_tests);
  vprintf(fmt, ap);
  if (!cond && tn_error_kind_last() != TN_ERROR_NONE) printf(" [engine: %s]", tn_error_message());
  printf("\n");
  va_end(ap);
  tn_error_clear();
}

static double tolerance(tn_dtype d) {
  switch (d) {
  case TN_DTYPE_FLOAT16: return 2e-3;
  case TN_DTYPE_BFLOAT16: return 1.6e-2;
  case TN_DTYPE_FLOAT32: return 2e-6;
  case TN_DTYPE_FLOAT64: return 1e-13;
  default: return 0;
  }
}

/* max |a - b| / (1 + |b|) over all elements (NaN where both are NaN counts as equal). */
static double max_rel_diff(const tn_tensor *a, const tn_tensor *b) {
  if (!a || !b || a->numel != b->numel) return INFINITY;
  double worst = 0;
  for (int64_t i = 0; i < a->numel; i++) {
    double x = tn_scalar_to_double(tn_get_flat(a, i)), y = tn_scalar_to_double(tn_get_flat(b, i));
    if (isnan(x) && isnan(y)) continue;
    if (isinf(x) && x == y) continue;
    double d = fabs(x - y) / (1 + fabs(y));
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

/* The CUDA result brought back, compared with the CPU one: same shape, dtype, values. */
static void compare(const char *what, tn_dtype dtype, tn_tensor *cuda_result, tn_tensor *cpu_result) {
  tn_tensor *back = cuda_result ? tn_to_device(cuda_result, TN_DEVICE_CPU_VALUE) : NULL;
  int same_meta = back && cpu_result && back->dtype == cpu_result->dtype && back->ndim == cpu_result->ndim &&
                  memcmp(back->shape, cpu_result->shape, sizeof(int64_t) * (size_t)back->ndim) == 0 &&
                  cuda_result->device.type == TN_DEVICE_CUDA;
  double diff = same_meta ? max_rel_diff(back, cpu_result) : INFINITY;
  ok(same_meta && diff <= tolerance(dtype), "%s %s (max rel diff %.3g)", what, tn_dtype_name(dtype), diff);
  tn_release(back);
  tn_release(cuda_result);
  tn_release(cpu_result);
}

static tn_tensor *sample(int32_t ndim, const int64_t *shape, tn_dtype dtype) {
  tn_tensor *r = tn_randn(ndim, shape, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *s = NULL;
  if (tn_dtype_is_floating(dtype)) {
    s = tn_to_dtype(r, dtype, false);
  } else { /* small integers, never zero (so integer division and remainder are defined) */
    tn_tensor *three = tn_wrap_scalar(tn_scalar_float(3)), *half = tn_wrap_scalar(tn_scalar_float(0.5));
    tn_tensor *k = tn_mul(r, three);
    tn_tensor *f = k ? tn_unary(TN_UNARY_ROUND, k) : NULL;
    tn_tensor *nz = f ? tn_add(f, half) : NULL;
    tn_release(three), tn_release(half);
    tn_tensor *sg = nz ? tn_unary(TN_UNARY_SIGN, nz) : NULL;
    tn_tensor *v = sg ? tn_add(f, sg) : NULL;
    s = v ? tn_to_dtype(v, dtype, false) : NULL;
    tn_release(k), tn_release(f), tn_release(nz), tn_release(sg), tn_release(v);
  }
  tn_release(r);
  return s;
}

static bool is_half(tn_dtype d) { return d == TN_DTYPE_FLOAT16 || d == TN_DTYPE_BFLOAT16; }
/* The CPU reference for a half-precision result: the op in float32, rounded once to the dtype, as
 * the CUDA kernels and cuBLAS compute (the CPU backend lacks some half kernels, as PyTorch's does). */
static tn_tensor *up(const tn_tensor *a) { return is_half(a->dtype) ? tn_to_dtype(a, TN_DTYPE_FLOAT32, false) : tn_retain((tn_tensor *)a); }
static tn_tensor *down(tn_tensor *r, tn_dtype d) {
  if (!r || !is_half(d)) return r;
  tn_tensor *c = tn_to_dtype(r, d, false);
  tn_release(r);
  return c;
}

static void check_binary(void) {
  static const tn_binary_op ops[] = {TN_BINARY_ADD, TN_BINARY_SUB, TN_BINARY_MUL, TN_BINARY_DIV, TN_BINARY_MAXIMUM,
                                     TN_BINARY_MINIMUM, TN_BINARY_LT, TN_BINARY_EQ, TN_BINARY_POW,
                                     TN_BINARY_FLOOR_DIVIDE, TN_BINARY_REMAINDER};
  static const tn_dtype dtypes[] = {TN_DTYPE_FLOAT32, TN_DTYPE_FLOAT64, TN_DTYPE_FLOAT16, TN_DTYPE_BFLOAT16,
                                    TN_DTYPE_INT64, TN_DTYPE_INT32, TN_DTYPE_UINT8};
  int64_t sa[] = {37, 1, 129}, sb[] = {5, 129};
  for (size_t d = 0; d < sizeof dtypes / sizeof *dtypes; d++)
    for (size_t o = 0; o < sizeof ops / sizeof *ops; o++) {
      tn_dtype dt = dtypes[d];
      if (ops[o] == TN_BINARY_POW && !tn_dtype_is_floating(dt)) continue;
      if (dt == TN_DTYPE_UINT8 && ops[o] == TN_BINARY_SUB) continue; /* wraps: fine, but tolerance 0 */
      tn_tensor *a = sample(3, sa, dt), *b = sample(2, sb, dt);
      if (ops[o] == TN_BINARY_POW) { /* positive bases */
        tn_tensor *aa = tn_unary(TN_UNARY_ABS, a);
        tn_release(a);
        a = aa;
      }
      tn_tensor *ga = tn_to_device(a, CUDA0), *gb = tn_to_device(b, CUDA0);
      char what[64];
      snprintf(what, sizeof what, "binary %s broadcast", tn_binary_op_name(ops[o]));
      compare(what, dt, tn_binary(ops[o], ga, gb), tn_binary(ops[o], a, b));
      /* a transposed (non-contiguous) operand and a Python-number operand */
      tn_tensor *at = tn_transpose(a, 0, 2), *gat = tn_transpose(ga, 0, 2);
      snprintf(what, sizeof what, "binary %s transposed+scalar", tn_binary_op_name(ops[o]));
      tn_tensor *two = tn_wrap_scalar(tn_scalar_int(2));
      compare(what, dt, tn_binary(ops[o], gat, two), tn_binary(ops[o], at, two));
      tn_release(two), tn_release(at), tn_release(gat), tn_release(ga), tn_release(gb), tn_release(a), tn_release(b);
    }
}

static void check_unary(void) {
  static const tn_dtype dtypes[] = {TN_DTYPE_FLOAT32, TN_DTYPE_FLOAT64, TN_DTYPE_FLOAT16, TN_DTYPE_BFLOAT16};
  int64_t shape[] = {64, 33};
  for (size_t d = 0; d < 4; d++)
    for (int op = TN_UNARY_NEG; op <= TN_UNARY_SQUARE; op++) {
      tn_tensor *a = sample(2, shape, dtypes[d]);
      tn_tensor *pos = (op == TN_UNARY_LOG || op == TN_UNARY_SQRT || op == TN_UNARY_RSQRT || op == TN_UNARY_LOG1P)
                           ? tn_unary(TN_UNARY_ABS, a) : tn_retain(a);
      tn_tensor *g = tn_to_device(pos, CUDA0);
      char what[64];
      snprintf(what, sizeof what, "unary %s", tn_unary_op_name((tn_unary_op)op));
      tn_tensor *pu = up(pos);
      compare(what, dtypes[d], tn_unary((tn_unary_op)op, g), down(tn_unary((tn_unary_op)op, pu), dtypes[d]));
      tn_release(pu), tn_release(g), tn_release(pos), tn_release(a);
    }
}

static void check_reductions(void) {
  static const tn_dtype dtypes[] = {TN_DTYPE_FLOAT32, TN_DTYPE_FLOAT64, TN_DTYPE_FLOAT16, TN_DTYPE_BFLOAT16, TN_DTYPE_INT32};
  int64_t shape[] = {7, 300, 5}, dim1[] = {1}, dims02[] = {0, 2};
  for (size_t d = 0; d < 5; d++) {
    tn_tensor *a = sample(3, shape, dtypes[d]), *g = tn_to_device(a, CUDA0);
    compare("sum all", dtypes[d], tn_sum(g, 0, NULL, false, TN_DTYPE_UNDEFINED), tn_sum(a, 0, NULL, false, TN_DTYPE_UNDEFINED));
    compare("sum dim=1", dtypes[d], tn_sum(g, 1, dim1, false, TN_DTYPE_UNDEFINED), tn_sum(a, 1, dim1, false, TN_DTYPE_UNDEFINED));
    tn_tensor *au = up(a);
    compare("sum dims=(0,2) keepdim", dtypes[d], tn_sum(g, 2, dims02, true, TN_DTYPE_UNDEFINED),
            down(tn_sum(au, 2, dims02, true, TN_DTYPE_UNDEFINED), dtypes[d]));
    tn_release(au);
    compare("amax dim=1", dtypes[d], tn_amax(g, 1, dim1, false), tn_amax(a, 1, dim1, false));
    if (tn_dtype_is_floating(dtypes[d]))
      compare("mean dim=1", dtypes[d], tn_mean(g, 1, dim1, false, TN_DTYPE_UNDEFINED), tn_mean(a, 1, dim1, false, TN_DTYPE_UNDEFINED));
    tn_release(g), tn_release(a);
  }
}

static void check_matmul(void) {
  static const tn_dtype dtypes[] = {TN_DTYPE_FLOAT32, TN_DTYPE_FLOAT64, TN_DTYPE_FLOAT16, TN_DTYPE_BFLOAT16};
  int64_t sa[] = {65, 130}, sb[] = {130, 33}, ba[] = {3, 17, 40}, bb[] = {3, 40, 9};
  for (size_t d = 0; d < 4; d++) {
    tn_tensor *a = sample(2, sa, dtypes[d]), *b = sample(2, sb, dtypes[d]);
    tn_tensor *ga = tn_to_device(a, CUDA0), *gb = tn_to_device(b, CUDA0);
    /* half-precision sums of 130 products: compare in float64 with a looser bound */
    tn_tensor *au = up(a), *bu = up(b);
    compare(dtypes[d] == TN_DTYPE_FLOAT32 ? "matmul 2-D (float16 tolerance, TF32 off)" : "matmul 2-D",
            dtypes[d] == TN_DTYPE_FLOAT32 ? TN_DTYPE_FLOAT16 : dtypes[d], tn_matmul(ga, gb), down(tn_matmul(au, bu), dtypes[d]));
    /* matrix @ vector and vector @ vector */
    tn_tensor *v = tn_select(b, 1, 0), *gv = tn_select(gb, 1, 0), *vu = up(v);
    compare("matmul 2-D @ 1-D", dtypes[d] == TN_DTYPE_FLOAT32 ? TN_DTYPE_FLOAT16 : dtypes[d], tn_matmul(ga, gv), down(tn_matmul(au, vu), dtypes[d]));
    tn_tensor *r0 = tn_select(a, 0, 0), *gr0 = tn_select(ga, 0, 0), *r0u = up(r0);
    compare("matmul 1-D @ 1-D", dtypes[d] == TN_DTYPE_FLOAT32 ? TN_DTYPE_FLOAT16 : dtypes[d], tn_matmul(gr0, gv), down(tn_matmul(r0u, vu), dtypes[d]));
    tn_release(r0), tn_release(gr0), tn_release(r0u), tn_release(v), tn_release(gv), tn_release(vu), tn_release(au), tn_release(bu);
    tn_release(ga), tn_release(gb), tn_release(a), tn_release(b);
    a = sample(3, ba, dtypes[d]), b = sample(3, bb, dtypes[d]);
    ga = tn_to_device(a, CUDA0), gb = tn_to_device(b, CUDA0);
    au = up(a), bu = up(b);
    compare(dtypes[d] == TN_DTYPE_FLOAT32 ? "matmul batched (float16 tolerance, TF32 off)" : "matmul batched",
            dtypes[d] == TN_DTYPE_FLOAT32 ? TN_DTYPE_FLOAT16 : dtypes[d], tn_matmul(ga, gb), down(tn_matmul(au, bu), dtypes[d]));
    tn_release(au), tn_release(bu), tn_release(ga), tn_release(gb), tn_release(a), tn_release(b);
  }
}

static void check_copies_and_api(void) {
  int64_t shape[] = {4, 6};
  tn_tensor *a = sample(2, shape, TN_DTYPE_FLOAT32), *g = tn_to_device(a, CUDA0);
  ok(g && g->device.type == TN_DEVICE_CUDA && g->device.index == 0, "to('cuda') gives a cuda:0 tensor");
  tn_tensor *t = tn_transpose(g, 0, 1), *back = t ? tn_to_device(t, TN_DEVICE_CPU_VALUE) : NULL, *at = tn_transpose(a, 0, 1);
  bool eq = false;
  ok(back && at && tn_equal(back, at, &eq) == 0 && eq, "a transposed CUDA view copies back exactly");
  tn_tensor *h = tn_to_dtype(g, TN_DTYPE_FLOAT16, false), *ah = tn_to_dtype(a, TN_DTYPE_FLOAT16, false);
  compare("to(float16) on the device", TN_DTYPE_FLOAT16, h, ah);
  char *s = tn_repr(g);
  int shows = s && strstr(s, "device='cuda:0'") != NULL; /* before strtok cuts s */
  ok(shows, "printing shows device='cuda:0': %s", s ? strtok(s, "\n") : "(null)");
  free(s);
  tn_tensor *mixed = tn_add(g, a);
  ok(!mixed && strstr(tn_error_message(), "Expected all tensors to be on the same device") != NULL,
     "mixing devices gives PyTorch's error");
  tn_release(mixed);
  char name[256] = "";
  ok(tn_cuda_get_device_name(0, name, sizeof name) == 0 && name[0], "device name: %s", name);
  ok(tn_cuda_synchronize() == 0, "synchronize");
  tn_release(t), tn_release(back), tn_release(at), tn_release(g), tn_release(a);
}

/* Autodiff on the device: d/dw sum(w * w) = 2w. */
static void check_autograd(void) {
  int64_t shape[] = {1000};
  tn_tensor *a = sample(1, shape, TN_DTYPE_FLOAT32), *w = tn_to_device(a, CUDA0);
  tn_tensor *r = w ? tn_requires_grad_(w, true) : NULL;
  tn_release(r);
  tn_tensor *sq = tn_mul(w, w), *l = sq ? tn_sum(sq, 0, NULL, false, TN_DTYPE_UNDEFINED) : NULL;
  int rc = l ? tn_backward(l, NULL, false, false) : -1;
  tn_tensor *g = rc == 0 ? tn_grad(w) : NULL;
  tn_tensor *two = tn_wrap_scalar(tn_scalar_float(2)), *want = tn_mul(a, two);
  tn_release(two);
  compare("autograd grad of sum(w*w)", TN_DTYPE_FLOAT32, g, want);
  tn_release(sq), tn_release(l), tn_release(w), tn_release(a);
}

/* ---- operations without a CUDA kernel: CPU kernels on host views, results on the device ----
 * Each op runs on CPU inputs and on the same inputs moved to the device; the device's result must
 * be a CUDA tensor equal to the CPU's. */

typedef struct {
  tn_tensor *x;     /* 5x7 float32 */
  tn_tensor *sq;    /* 4x4 float32, symmetric positive definite */
  tn_tensor *v;     /* 7 float32 */
  tn_tensor *w;     /* 3x7 float32 (a Linear's weight) */
  tn_tensor *b;     /* 3 float32 */
  tn_tensor *idx;   /* int64 [4, 0, 2] */
  tn_tensor *gidx;  /* 5x2 int64 in [0, 6) */
  tn_tensor *mask;  /* 5x7 bool */
  tn_tensor *cls;   /* 5 int64 class labels in [0, 7) */
  tn_tensor *prob;  /* 5x7 float32 targets in [0, 1] */
} Inputs;

static void inputs_release(Inputs *in) {
  tn_tensor **all = (tn_tensor **)in;
  for (size_t i = 0; i < sizeof *in / sizeof(tn_tensor *); i++) tn_release(all[i]);
}

static tn_tensor *ints(int32_t ndim, const int64_t *shape, const int64_t *v) {
  int64_t n = 1;
  for (int32_t d = 0; d < ndim; d++) n *= shape[d];
  tn_scalar s[64];
  for (int64_t i = 0; i < n; i++) s[i] = tn_scalar_int(v[i]);
  return tn_from_scalars(ndim, shape, s, TN_OPTS(TN_DTYPE_INT64));
}

static void make_inputs(Inputs *in) {
  int64_t s57[] = {5, 7}, s44[] = {4, 4}, s7[] = {7}, s37[] = {3, 7}, s3[] = {3}, s52[] = {5, 2}, s5[] = {5};
  in->x = sample(2, s57, TN_DTYPE_FLOAT32);
  tn_tensor *m = sample(2, s44, TN_DTYPE_FLOAT32), *mt = tn_t(m), *mm = tn_matmul(m, mt);
  tn_tensor *eye = tn_eye(4, 4, TN_OPTS(TN_DTYPE_FLOAT32));
  in->sq = tn_add(mm, eye);
  tn_release(m), tn_release(mt), tn_release(mm), tn_release(eye);
  in->v = sample(1, s7, TN_DTYPE_FLOAT32);
  in->w = sample(2, s37, TN_DTYPE_FLOAT32);
  in->b = sample(1, s3, TN_DTYPE_FLOAT32);
  in->idx = ints(1, s3, (const int64_t[]){4, 0, 2});
  in->gidx = ints(2, s52, (const int64_t[]){0, 5, 1, 1, 5, 2, 3, 3, 4, 0});
  tn_tensor *zero = tn_wrap_scalar(tn_scalar_float(0));
  in->mask = tn_binary(TN_BINARY_GT, in->x, zero);
  tn_release(zero);
  in->cls = ints(1, s5, (const int64_t[]){1, 0, 6, 3, 3});
  tn_tensor *sg = tn_unary(TN_UNARY_SIGMOID, in->x);
  in->prob = sg;
}

static int inputs_to_device(const Inputs *cpu, Inputs *dev) {
  const tn_tensor *const *src = (const tn_tensor *const *)cpu;
  tn_tensor **dst = (tn_tensor **)dev;
  for (size_t i = 0; i < sizeof *cpu / sizeof(tn_tensor *); i++)
    if (!(dst[i] = src[i] ? tn_to_device(src[i], CUDA0) : NULL)) return -1;
  return 0;
}

static tn_tensor *op_clamp(Inputs *in) {
  tn_scalar lo = tn_scalar_float(-0.5), hi = tn_scalar_float(0.5);
  return tn_clamp(in->x, &lo, &hi);
}
static tn_tensor *op_where(Inputs *in) { return tn_where(in->mask, in->x, in->prob); }
static tn_tensor *op_logical_and(Inputs *in) { return tn_binary(TN_BINARY_LOGICAL_AND, in->mask, in->mask); }
static tn_tensor *op_isnan(Inputs *in) { return tn_unary(TN_UNARY_ISNAN, in->x); }
static tn_tensor *op_cat(Inputs *in) { tn_tensor *l[2] = {in->x, in->prob}; return tn_cat(2, l, 1); }
static tn_tensor *op_cat_promote(Inputs *in) { /* float32 and float64 along dim 0: a float64 result */
  tn_tensor *d = tn_to_dtype(in->x, TN_DTYPE_FLOAT64, false), *l[3] = {in->x, d, in->x};
  tn_tensor *r = d ? tn_cat(3, l, 0) : NULL;
  tn_release(d);
  return r;
}
static tn_tensor *op_stack(Inputs *in) { tn_tensor *l[2] = {in->x, in->prob}; return tn_stack(2, l, 0); }
static tn_tensor *op_repeat(Inputs *in) { return tn_repeat(in->v, 2, (const int64_t[]){2, 3}); }
static tn_tensor *op_index_tensor(Inputs *in) {
  tn_index ix[2] = {{.kind = TN_INDEX_TENSOR, .tensor = in->idx}, {.kind = TN_INDEX_SLICE, .has_step = false}};
  return tn_index_get(in->x, 2, ix);
}
static tn_tensor *op_index_cpu_index(Inputs *in) { /* a CPU index tensor into a CUDA tensor, as PyTorch allows */
  tn_tensor *cpu_idx = tn_to_device(in->idx, TN_DEVICE_CPU_VALUE);
  tn_index ix[1] = {{.kind = TN_INDEX_TENSOR, .tensor = cpu_idx}};
  tn_tensor *r = tn_index_get(in->x, 1, ix);
  tn_release(cpu_idx);
  return r;
}
static tn_tensor *op_mask_index(Inputs *in) {
  tn_index ix[1] = {{.kind = TN_INDEX_TENSOR, .tensor = in->mask}};
  return tn_index_get(in->x, 1, ix);
}
static tn_tensor *op_masked_select(Inputs *in) { return tn_masked_select(in->x, in->mask); }
static tn_tensor *op_index_select(Inputs *in) { return tn_index_select(in->x, 0, in->idx); }
static tn_tensor *op_gather(Inputs *in) { return tn_gather(in->x, 1, in->gidx); }
static tn_tensor *op_nonzero(Inputs *in) { return tn_nonzero(in->mask); }
static tn_tensor *op_prod(Inputs *in) { return tn_prod(in->x, 1, (const int64_t[]){1}, false, TN_DTYPE_UNDEFINED); }
static tn_tensor *op_var(Inputs *in) { return tn_var(in->x, 1, (const int64_t[]){0}, 1, false); }
static tn_tensor *op_std(Inputs *in) { return tn_std(in->x, 0, NULL, 1, false); }
static tn_tensor *op_logsumexp(Inputs *in) { return tn_logsumexp(in->x, 1, (const int64_t[]){1}, true); }
static tn_tensor *op_norm(Inputs *in) { return tn_norm(in->x, 2, 0, NULL, false); }
static tn_tensor *op_vector_norm(Inputs *in) { return tn_linalg_vector_norm(in->x, 1, 1, (const int64_t[]){1}, false); }
static tn_tensor *op_any(Inputs *in) { return tn_any(in->mask, 1, (const int64_t[]){1}, false); }
static tn_tensor *op_all(Inputs *in) { return tn_all(in->mask, 0, NULL, false); }
static tn_tensor *op_max_values(Inputs *in) {
  tn_tensor *v = NULL, *i = NULL;
  tn_max_dim(in->x, 1, false, &v, &i);
  tn_release(i);
  return v;
}
static tn_tensor *op_max_indices(Inputs *in) {
  tn_tensor *v = NULL, *i = NULL;
  tn_max_dim(in->x, 0, true, &v, &i);
  tn_release(v);
  return i;
}
static tn_tensor *op_argmax(Inputs *in) { return tn_argmax(in->x, NULL, false); }
static tn_tensor *op_cumsum(Inputs *in) { return tn_cumsum(in->x, 1, TN_DTYPE_UNDEFINED); }
static tn_tensor *op_cumprod(Inputs *in) { return tn_cumprod(in->x, 0, TN_DTYPE_UNDEFINED); }
static tn_tensor *op_addmm(Inputs *in) {
  tn_tensor *wt = tn_t(in->w), *r = tn_addmm(in->b, in->x, wt, tn_scalar_int(1), tn_scalar_int(1));
  tn_release(wt);
  return r;
}
static tn_tensor *op_linear(Inputs *in) { return tn_linear(in->x, in->w, in->b); }
static tn_tensor *op_softmax(Inputs *in) { return tn_softmax(in->x, 1, TN_DTYPE_UNDEFINED); }
static tn_tensor *op_log_softmax(Inputs *in) { return tn_log_softmax(in->x, 0, TN_DTYPE_UNDEFINED); }
static tn_tensor *op_nll(Inputs *in) {
  tn_tensor *ls = tn_log_softmax(in->x, 1, TN_DTYPE_UNDEFINED);
  tn_tensor *r = ls ? tn_nll_loss(ls, in->cls, NULL, TN_REDUCTION_MEAN, -100) : NULL;
  tn_release(ls);
  return r;
}
static tn_tensor *op_mse(Inputs *in) { return tn_mse_loss(in->x, in->prob, TN_REDUCTION_SUM); }
static tn_tensor *op_bce_logits(Inputs *in) {
  return tn_binary_cross_entropy_with_logits(in->x, in->prob, NULL, NULL, TN_REDUCTION_NONE);
}
static tn_tensor *op_bce(Inputs *in) { return tn_binary_cross_entropy(in->prob, in->prob, NULL, TN_REDUCTION_MEAN); }
static tn_tensor *op_solve(Inputs *in) {
  tn_tensor *col = tn_narrow(in->sq, 1, 0, 1), *r = col ? tn_linalg_solve(in->sq, col) : NULL;
  tn_release(col);
  return r;
}
static tn_tensor *op_eigvalsh(Inputs *in) { return tn_linalg_eigvalsh(in->sq, false); }
static tn_tensor *op_matrix_norm(Inputs *in) { return tn_linalg_norm(in->sq, true, 2, NULL, 0, NULL, false); }
static tn_tensor *op_diag_embed(Inputs *in) { return tn_diag_embed(in->v, 1, 0, 1); }
static tn_tensor *op_diag(Inputs *in) { return tn_diag(in->sq, -1); }
static tn_tensor *op_einsum(Inputs *in) { tn_tensor *l[2] = {in->x, in->w}; return tn_einsum("ij,kj->ik", 2, l); }
static tn_tensor *op_dist(Inputs *in) { return tn_dist(in->x, in->prob, 3); }
static tn_tensor *op_clamp_inplace(Inputs *in) {
  tn_tensor *c = tn_clone(in->x);
  tn_scalar lo = tn_scalar_float(0);
  tn_tensor *r = c ? tn_clamp_(c, &lo, NULL) : NULL;
  tn_release(r);
  return c;
}
static tn_tensor *op_index_put(Inputs *in) {
  tn_tensor *c = tn_clone(in->x);
  tn_index ix[1] = {{.kind = TN_INDEX_TENSOR, .tensor = in->idx}};
  tn_tensor *val = tn_wrap_scalar(tn_scalar_float(9));
  if (c && tn_index_put_(c, 1, ix, val) < 0) {
    tn_release(c);
    c = NULL;
  }
  tn_release(val);
  return c;
}

typedef tn_tensor *(*OpFn)(Inputs *);
static const struct {
  const char *name;
  OpFn fn;
} fallback_ops[] = {
  {"clamp", op_clamp}, {"where", op_where}, {"logical_and", op_logical_and}, {"isnan", op_isnan},
  {"cat", op_cat}, {"cat float32 + float64", op_cat_promote}, {"stack", op_stack}, {"repeat", op_repeat}, {"x[idx, :]", op_index_tensor},
  {"x[cpu_idx]", op_index_cpu_index}, {"x[mask]", op_mask_index}, {"masked_select", op_masked_select},
  {"index_select", op_index_select}, {"gather", op_gather}, {"nonzero", op_nonzero}, {"prod dim=1", op_prod},
  {"var dim=0", op_var}, {"std", op_std}, {"logsumexp", op_logsumexp}, {"norm", op_norm},
  {"linalg.vector_norm", op_vector_norm}, {"any", op_any}, {"all", op_all}, {"max(dim).values", op_max_values},
  {"max(dim).indices", op_max_indices}, {"argmax", op_argmax}, {"cumsum", op_cumsum}, {"cumprod", op_cumprod},
  {"addmm", op_addmm}, {"linear", op_linear}, {"softmax", op_softmax}, {"log_softmax", op_log_softmax},
  {"nll_loss(log_softmax)", op_nll}, {"mse_loss", op_mse}, {"bce_with_logits", op_bce_logits}, {"bce", op_bce},
  {"linalg.solve", op_solve}, {"linalg.eigvalsh", op_eigvalsh}, {"linalg.norm(ord=2)", op_matrix_norm},
  {"diag_embed", op_diag_embed}, {"diag", op_diag}, {"einsum", op_einsum}, {"dist", op_dist},
  {"clamp_ (in place)", op_clamp_inplace}, {"index_put_", op_index_put},
};

static void check_fallbacks(void) {
  Inputs cpu = {0}, dev = {0};
  make_inputs(&cpu);
  if (inputs_to_device(&cpu, &dev) < 0) {
    ok(0, "inputs moved to the device");
    inputs_release(&cpu);
    inputs_release(&dev);
    return;
  }
  for (size_t i = 0; i < sizeof fallback_ops / sizeof *fallback_ops; i++) {
    tn_tensor *want = fallback_ops[i].fn(&cpu);
    tn_error_clear();
    tn_tensor *got = fallback_ops[i].fn(&dev);
    tn_dtype dt = want ? want->dtype : TN_DTYPE_FLOAT32;
    char what[96];
    snprintf(what, sizeof what, "%s on the device", fallback_ops[i].name);
    compare(what, dt, got, want);
  }
  /* mixing a CUDA operand with a CPU tensor (not 0-dim) is PyTorch's error */
  tn_tensor *mixed = tn_addmm(cpu.b, dev.x, dev.x, tn_scalar_int(1), tn_scalar_int(1));
  ok(!mixed && strstr(tn_error_message(), "same device") != NULL, "addmm with a CPU bias and CUDA matrices is an error");
  tn_release(mixed);
  tn_tensor *l[2] = {cpu.x, dev.x};
  mixed = tn_cat(2, l, 0);
  ok(!mixed && strstr(tn_error_message(), "same device") != NULL, "cat of a CPU and a CUDA tensor is an error");
  tn_release(mixed);
  inputs_release(&cpu);
  inputs_release(&dev);
}

/* Gradients through the fallbacks: a loss made of many of them, backward on each device; the
 * gradients (on the device) must match the CPU's. */
static tn_tensor *many_op_loss(Inputs *in, tn_tensor *p) {
  tn_tensor *h = tn_linear(in->x, p, in->b);                          /* addmm */
  tn_tensor *a = h ? tn_unary(TN_UNARY_TANH, h) : NULL;
  tn_scalar lo = tn_scalar_float(-0.9), hi = tn_scalar_float(0.9);
  tn_tensor *c = a ? tn_clamp(a, &lo, &hi) : NULL;                    /* clamp */
  tn_tensor *pair[2] = {c, a};
  tn_tensor *cc = c ? tn_cat(2, pair, 1) : NULL;                       /* cat: 5x6 */
  tn_tensor *ls = cc ? tn_log_softmax(cc, 1, TN_DTYPE_UNDEFINED) : NULL;
  tn_tensor *cls = in->cls ? tn_clamp(in->cls, NULL, &(tn_scalar){.kind = TN_SCALAR_INT, .v.i = 5}) : NULL;
  tn_tensor *nll = ls && cls ? tn_nll_loss(ls, cls, NULL, TN_REDUCTION_MEAN, -100) : NULL;
  tn_index ix[1] = {{.kind = TN_INDEX_TENSOR, .tensor = in->idx}};
  tn_tensor *rows = cc ? tn_index_get(cc, 1, ix) : NULL;               /* advanced indexing */
  tn_tensor *mv = NULL, *mi = NULL;
  if (rows) tn_max_dim(rows, 1, false, &mv, &mi);                      /* max(dim) */
  tn_tensor *var = mv ? tn_var(mv, 0, NULL, 1, false) : NULL;          /* var */
  tn_tensor *sm = cc ? tn_softmax(cc, 0, TN_DTYPE_UNDEFINED) : NULL;
  tn_tensor *g = sm ? tn_gather(sm, 1, in->gidx) : NULL;               /* gather */
  tn_tensor *gs = g ? tn_sum(g, 0, NULL, false, TN_DTYPE_UNDEFINED) : NULL;
  tn_tensor *t1 = nll && var ? tn_add(nll, var) : NULL, *loss = t1 && gs ? tn_add(t1, gs) : NULL;
  tn_tensor *all[] = {h, a, c, cc, ls, cls, nll, rows, mv, mi, var, sm, g, gs, t1};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) tn_release(all[i]);
  return loss;
}

static tn_tensor *grad_of_many(Inputs *in, tn_tensor **loss_out) {
  tn_tensor *p = tn_clone(in->w);
  tn_tensor *r = p ? tn_requires_grad_(p, true) : NULL;
  tn_release(r);
  tn_tensor *loss = p ? many_op_loss(in, p) : NULL;
  tn_tensor *g = loss && tn_backward(loss, NULL, false, false) == 0 ? tn_grad(p) : NULL;
  *loss_out = loss;
  tn_release(p);
  return g;
}

static void check_fallback_autograd(void) {
  Inputs cpu = {0}, dev = {0};
  make_inputs(&cpu);
  if (inputs_to_device(&cpu, &dev) == 0) {
    tn_tensor *lc = NULL, *ld = NULL;
    tn_tensor *gc = grad_of_many(&cpu, &lc);
    tn_tensor *gd = grad_of_many(&dev, &ld);
    tn_tensor *lcd = ld ? tn_detach(ld) : NULL, *lcc = lc ? tn_detach(lc) : NULL;
    compare("a loss through the fallbacks", TN_DTYPE_FLOAT32, lcd, lcc);
    compare("its gradient (addmm, clamp, cat, log_softmax, nll_loss, indexing, max, var, softmax, gather)",
            TN_DTYPE_FLOAT32, gd, gc);
    tn_release(lc), tn_release(ld);
  } else {
    ok(0, "inputs moved to the device");
  }
  inputs_release(&cpu);
  inputs_release(&dev);
}

/* ---- benchmarks ---- */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef tn_tensor *(*Work)(void *ctx);

static double median_ms(Work w, void *ctx, int reps) {
  double t[64];
  tn_release(w(ctx));
  tn_cuda_synchronize();
  for (int i = 0; i < reps; i++) {
    double t0 = now();
    tn_release(w(ctx));
    tn_cuda_synchronize();
    t[i] = (now() - t0) * 1e3;
  }
  qsort(t, (size_t)reps, sizeof *t, cmp_double);
  return t[reps / 2];
}

typedef struct {
  tn_tensor *a, *b;
} Pair;
static tn_tensor *w_add(void *c) { Pair *p = c; return tn_add(p->a, p->b); }
static tn_tensor *w_sum(void *c) { Pair *p = c; return tn_sum(p->a, 0, NULL, false, TN_DTYPE_UNDEFINED); }
static tn_tensor *w_mm(void *c) { Pair *p = c; return tn_matmul(p->a, p->b); }
static void bench(void) {
  int64_t n1g[] = {256 * 1024 * 1024}; /* 1 GiB of float32 */
  Pair p = {tn_zeros(1, n1g, (tn_options){TN_DTYPE_FLOAT32, CUDA0}), tn_ones(1, n1g, (tn_options){TN_DTYPE_FLOAT32, CUDA0})};
  if (p.a && p.b) {
    double ms = median_ms(w_add, &p, 10);
    printf("# bench add_1GiB_f32 %.3f ms %.1f GB/s\n", ms, 3.0 * 1073741824 / (ms * 1e-3) / 1e9);
    ms = median_ms(w_sum, &p, 10);
    printf("# bench sum_1GiB_f32 %.3f ms %.1f GB/s\n", ms, 1.0 * 1073741824 / (ms * 1e-3) / 1e9);
  }
  tn_release(p.a), tn_release(p.b);
  int64_t sq[] = {8192, 8192};
  Pair m = {tn_ones(2, sq, (tn_options){TN_DTYPE_FLOAT32, CUDA0}), tn_ones(2, sq, (tn_options){TN_DTYPE_FLOAT32, CUDA0})};
  if (m.a && m.b) {
    double ms = median_ms(w_mm, &m, 10);
    printf("# bench sgemm_8192 %.3f ms %.1f GFLOP/s\n", ms, 2.0 * 8192.0 * 8192 * 8192 / (ms * 1e-3) / 1e9);
  }
  tn_release(m.a), tn_release(m.b);
  int64_t three[] = {3};
  Pair s = {tn_ones(1, three, (tn_options){TN_DTYPE_FLOAT32, CUDA0}), tn_ones(1, three, (tn_options){TN_DTYPE_FLOAT32, CUDA0})};
  if (s.a && s.b) printf("# bench small_add_3 %.4f ms\n", median_ms(w_add, &s, 50));
  tn_release(s.a), tn_release(s.b);
}

static void on_crash(int sig) {
  void *frames[64];
  int n = backtrace(frames, 64);
  dprintf(2, "Bail out! signal %d; backtrace:\n", sig);
  backtrace_symbols_fd(frames, n, 2);
  _exit(1);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static char altstack[1 << 16]; /* the handler runs even after a stack overflow */
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
  sigaltstack(&ss, NULL);
  struct sigaction sa = {.sa_handler = on_crash, .sa_flags = SA_ONSTACK};
  sigaction(SIGSEGV, &sa, NULL);
  signal(SIGABRT, on_crash);
  if (!tn_cuda_is_available()) {
    printf("1..0 # SKIP no CUDA device: %s\n", tn_cuda_status());
    return 0; /* TAP: a skipped plan with exit 0 (exit 77 would read as an error under TAP) */
  }
  printf("# %s\n", tn_cuda_status());
  tn_manual_seed(0);
  check_copies_and_api();
  check_binary();
  check_unary();
  check_reductions();
  check_matmul();
  check_autograd();
  check_fallbacks();
  check_fallback_autograd();
  if (argc > 1 && strcmp(argv[1], "--bench") == 0) bench();
  printf("1..%d\n", n_tests);
  return n_failed ? 1 : 0;
}
