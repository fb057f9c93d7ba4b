/* workloads.c — the lecture's workloads, written with the engine's public API exactly as the
 * PyTorch script (script/bench_torch.py) writes them in Python, each with a sanity check: a wrong
 * result is not a fast result. Inputs come from a fixed pseudo-random sequence (their values do
 * not change the timing: all are normal numbers), so no workload depends on the engine's RNG. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bench-private.h"

/* ----- inputs ----- */

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* uniform in [lo, hi), rounded to float */
static float uniform(uint64_t *s, float lo, float hi) {
  float u = (float)(splitmix(s) >> 40) * 0x1p-24f;
  return lo + (hi - lo) * u;
}

/* A contiguous tensor of the given dtype (float32, float16 or bfloat16) filled with uniform
 * values in [lo, hi). */
static tn_tensor *make(int32_t ndim, const int64_t *shape, tn_dtype dtype, uint64_t seed, float lo,
                       float hi) {
  tn_tensor *t = tn_empty(ndim, shape, TN_OPTS(dtype));
  if (!t) return NULL;
  uint64_t s = seed;
  int64_t n = t->numel;
  if (dtype == TN_DTYPE_FLOAT32) {
    float *p = tn_data_ptr(t);
    for (int64_t i = 0; i < n; i++) p[i] = uniform(&s, lo, hi);
  } else {
    uint16_t *p = tn_data_ptr(t);
    bool half = dtype == TN_DTYPE_FLOAT16;
    for (int64_t i = 0; i < n; i++) {
      float f = uniform(&s, lo, hi);
      p[i] = half ? tn_float_to_half(f) : tn_float_to_bfloat16(f);
    }
  }
  return t;
}

static float f32_at(const tn_tensor *t, int64_t i) { return ((const float *)tn_data_ptr(t))[i]; }

/* element i of a 16-bit float tensor, as float */
static float f16_at(const tn_tensor *t, int64_t i) {
  uint16_t h = ((const uint16_t *)tn_data_ptr(t))[i];
  return t->dtype == TN_DTYPE_FLOAT16 ? tn_half_to_float(h) : tn_bfloat16_to_float(h);
}

/* A float result as a double (0-dim or any element, through the generic accessor). */
static double value_at(const tn_tensor *t, int64_t i) { return tn_scalar_to_double(tn_get_flat(t, i)); }

static int fail(char *msg, size_t n, const char *fmt, double a, double b) {
  snprintf(msg, n, fmt, a, b);
  return -1;
}

/* Replace ctx->t[k] by r (NULL: error). */
static int keep(ob_ctx *ctx, int k, tn_tensor *r) {
  if (!r) return -1;
  if (ctx->t[k]) tn_release(ctx->t[k]);
  ctx->t[k] = r;
  return 0;
}

/* Lets the last result go before the next is made, as PyTorch's loop (`run()`, its value dropped)
 * does: the new result can then take the old one's memory, still in the caches. */
static tn_tensor **drop(ob_ctx *ctx, int k) {
  tn_release(ctx->t[k]);
  ctx->t[k] = NULL;
  return ctx->t;
}

/* Indices spread over [0, n) for sampled checks. */
#define SAMPLES 4096
static int64_t sample(int64_t k, int64_t n) { return (int64_t)(((uint64_t)k * 2654435761u) % (uint64_t)n); }

/* ----- small_add: a + b on 3-element float32 tensors (per-op latency) ----- */

static int small_add_setup(ob_ctx *ctx) {
  int64_t shape[] = {3};
  tn_scalar a[] = {tn_scalar_float(1), tn_scalar_float(2), tn_scalar_float(3)};
  tn_scalar b[] = {tn_scalar_float(4), tn_scalar_float(5), tn_scalar_float(6)};
  ctx->t[0] = tn_from_scalars(1, shape, a, TN_OPTS(TN_DTYPE_FLOAT32));
  ctx->t[1] = tn_from_scalars(1, shape, b, TN_OPTS(TN_DTYPE_FLOAT32));
  return ctx->t[0] && ctx->t[1] ? 0 : -1;
}

static int small_add_run(ob_ctx *ctx) {
  tn_tensor *r = tn_add(ctx->t[0], ctx->t[1]);
  if (!r) return -1;
  tn_release(r);
  return 0;
}

static int small_add_check(ob_ctx *ctx, char *msg, size_t n) {
  if (keep(ctx, 2, tn_add(ctx->t[0], ctx->t[1]))) return -1;
  const tn_tensor *r = ctx->t[2];
  if (r->dtype != TN_DTYPE_FLOAT32 || r->numel != 3) return fail(msg, n, "wrong result dtype/shape%.0f%.0f", 0, 0);
  for (int i = 0; i < 3; i++)
    if (value_at(r, i) != 5.0 + 2 * i) return fail(msg, n, "element %.0f is %g", i, value_at(r, i));
  return 0;
}

/* ----- sum_sq_5m: torch.sum(x * x), 5 million float32 ----- */

#define SUMSQ_N 5000000

static int sum_sq_setup(ob_ctx *ctx) {
  int64_t shape[] = {SUMSQ_N};
  ctx->t[0] = make(1, shape, TN_DTYPE_FLOAT32, 1, -1.0f, 1.0f);
  return ctx->t[0] ? 0 : -1;
}

static int sum_sq_run(ob_ctx *ctx) {
  tn_tensor *sq = tn_mul(ctx->t[0], ctx->t[0]);
  if (!sq) return -1;
  tn_tensor *s = tn_sum(sq, 0, NULL, false, TN_DTYPE_UNDEFINED);
  tn_release(sq);
  return keep(ctx, 1, s);
}

static int sum_sq_check(ob_ctx *ctx, char *msg, size_t n) {
  if (sum_sq_run(ctx)) return -1;
  double ref = 0;
  for (int64_t i = 0; i < SUMSQ_N; i++) {
    float x = f32_at(ctx->t[0], i);
    ref += (double)(x * x);
  }
  double got = value_at(ctx->t[1], 0);
  if (ctx->t[1]->ndim != 0 || !(fabs(got - ref) <= 1e-5 * ref))
    return fail(msg, n, "sum is %.9g, expected %.9g", got, ref);
  return 0;
}

/* ----- broadcast_mul: A * v, A 4096x1024, v 1024 (float32) ----- */

#define BM_R 4096
#define BM_C 1024

static int broadcast_mul_setup(ob_ctx *ctx) {
  int64_t sa[] = {BM_R, BM_C}, sv[] = {BM_C};
  ctx->t[0] = make(2, sa, TN_DTYPE_FLOAT32, 2, -1.0f, 1.0f);
  ctx->t[1] = make(1, sv, TN_DTYPE_FLOAT32, 3, -1.0f, 1.0f);
  return ctx->t[0] && ctx->t[1] ? 0 : -1;
}

static int broadcast_mul_run(ob_ctx *ctx) { return keep(ctx, 2, tn_mul(drop(ctx, 2)[0], ctx->t[1])); }

static int broadcast_mul_check(ob_ctx *ctx, char *msg, size_t n) {
  if (broadcast_mul_run(ctx)) return -1;
  const tn_tensor *r = ctx->t[2];
  if (r->ndim != 2 || r->shape[0] != BM_R || r->shape[1] != BM_C || !tn_is_contiguous(r))
    return fail(msg, n, "result is not a contiguous 4096x1024 tensor%.0f%.0f", 0, 0);
  for (int64_t k = 0; k < SAMPLES; k++) {
    int64_t i = sample(k, (int64_t)BM_R * BM_C);
    float want = f32_at(ctx->t[0], i) * f32_at(ctx->t[1], i % BM_C);
    if (f32_at(r, i) != want) return fail(msg, n, "element %.0f is wrong (expected %g)", (double)i, want);
  }
  return 0;
}

/* ----- contiguous_t: A.t().contiguous(), A 4096x1024 float32 ----- */

static int contiguous_t_setup(ob_ctx *ctx) {
  int64_t sa[] = {BM_R, BM_C};
  ctx->t[0] = make(2, sa, TN_DTYPE_FLOAT32, 4, -1.0f, 1.0f);
  if (!ctx->t[0]) return -1;
  ctx->t[1] = tn_t(ctx->t[0]);
  return ctx->t[1] ? 0 : -1;
}

static int contiguous_t_run(ob_ctx *ctx) { return keep(ctx, 2, tn_contiguous(drop(ctx, 2)[1])); }

static int contiguous_t_check(ob_ctx *ctx, char *msg, size_t n) {
  if (contiguous_t_run(ctx)) return -1;
  const tn_tensor *r = ctx->t[2];
  if (r->ndim != 2 || r->shape[0] != BM_C || r->shape[1] != BM_R || !tn_is_contiguous(r) ||
      tn_same_storage(r, ctx->t[0]))
    return fail(msg, n, "result is not a new contiguous 1024x4096 tensor%.0f%.0f", 0, 0);
  for (int64_t k = 0; k < SAMPLES; k++) {
    int64_t i = sample(k, (int64_t)BM_R * BM_C), row = i / BM_R, col = i % BM_R;
    if (f32_at(r, i) != f32_at(ctx->t[0], col * BM_C + row))
      return fail(msg, n, "element (%.0f, %.0f) is wrong", (double)row, (double)col);
  }
  return 0;
}

/* ----- float16 / bfloat16: a + b and a.sum() on 16 million elements ----- */

#define H_N (16 * 1024 * 1024)

static int half_add_setup_dtype(ob_ctx *ctx, tn_dtype dt) {
  int64_t shape[] = {H_N};
  ctx->t[0] = make(1, shape, dt, 5, -1.0f, 1.0f);
  ctx->t[1] = make(1, shape, dt, 6, -1.0f, 1.0f);
  return ctx->t[0] && ctx->t[1] ? 0 : -1;
}
static int f16_add_setup(ob_ctx *ctx) { return half_add_setup_dtype(ctx, TN_DTYPE_FLOAT16); }
static int bf16_add_setup(ob_ctx *ctx) { return half_add_setup_dtype(ctx, TN_DTYPE_BFLOAT16); }

static int half_add_run(ob_ctx *ctx) { return keep(ctx, 2, tn_add(drop(ctx, 2)[0], ctx->t[1])); }

static int half_add_check(ob_ctx *ctx, char *msg, size_t n) {
  if (half_add_run(ctx)) return -1;
  const tn_tensor *r = ctx->t[2];
  tn_dtype dt = ctx->t[0]->dtype;
  if (r->dtype != dt || r->numel != H_N) return fail(msg, n, "wrong result dtype/shape%.0f%.0f", 0, 0);
  for (int64_t k = 0; k < SAMPLES; k++) {
    int64_t i = sample(k, H_N);
    /* PyTorch adds in float and rounds once: the float sum of two 16-bit floats is exact. */
    float s = f16_at(ctx->t[0], i) + f16_at(ctx->t[1], i);
    float want = dt == TN_DTYPE_FLOAT16 ? tn_half_to_float(tn_float_to_half(s))
                                        : tn_bfloat16_to_float(tn_float_to_bfloat16(s));
    if (f16_at(r, i) != want) return fail(msg, n, "element %.0f is wrong (expected %g)", (double)i, want);
  }
  return 0;
}

/* Values in [0, 1/512): the sum (about 16384) stays well inside float16's range. */
static int half_sum_setup_dtype(ob_ctx *ctx, tn_dtype dt) {
  int64_t shape[] = {H_N};
  ctx->t[0] = make(1, shape, dt, 7, 0.0f, 1.0f / 512);
  return ctx->t[0] ? 0 : -1;
}
static int f16_sum_setup(ob_ctx *ctx) { return half_sum_setup_dtype(ctx, TN_DTYPE_FLOAT16); }
static int bf16_sum_setup(ob_ctx *ctx) { return half_sum_setup_dtype(ctx, TN_DTYPE_BFLOAT16); }

static int half_sum_run(ob_ctx *ctx) { return keep(ctx, 1, tn_sum(ctx->t[0], 0, NULL, false, TN_DTYPE_UNDEFINED)); }

static int half_sum_check(ob_ctx *ctx, char *msg, size_t n) {
  if (half_sum_run(ctx)) return -1;
  double ref = 0;
  for (int64_t i = 0; i < H_N; i++) ref += f16_at(ctx->t[0], i);
  double got = value_at(ctx->t[1], 0);
  /* one rounding to the 16-bit result: 2^-11 (float16) or 2^-8 (bfloat16) relative, doubled */
  double tol = (ctx->t[0]->dtype == TN_DTYPE_FLOAT16 ? 0x1p-10 : 0x1p-7) * ref;
  if (ctx->t[1]->dtype != ctx->t[0]->dtype || !(fabs(got - ref) <= tol))
    return fail(msg, n, "sum is %.9g, expected %.9g", got, ref);
  return 0;
}

/* ----- matmuls ----- */

/* Checks sampled entries of r = a @ b against a double dot product, within a relative 1e-5 of
 * the sum of the terms' magnitudes (float32 accumulation over k terms). */
static int check_mm(const tn_tensor *a, const tn_tensor *b, const tn_tensor *r, int samples, char *msg,
                    size_t n) {
  int64_t m = a->shape[0], k = a->shape[1], p = b->shape[1];
  if (r->ndim != 2 || r->shape[0] != m || r->shape[1] != p || r->dtype != TN_DTYPE_FLOAT32)
    return fail(msg, n, "result has the wrong shape or dtype%.0f%.0f", 0, 0);
  for (int s = 0; s < samples; s++) {
    int64_t idx = sample(s, m * p), i = idx / p, j = idx % p;
    double ref = 0, mag = 0;
    for (int64_t l = 0; l < k; l++) {
      double t = (double)f32_at(a, i * k + l) * f32_at(b, l * p + j);
      ref += t;
      mag += fabs(t);
    }
    double got = value_at(r, idx);
    if (!(fabs(got - ref) <= 1e-5 * mag + 1e-30)) return fail(msg, n, "entry is %.9g, expected %.9g", got, ref);
  }
  return 0;
}

#define SG_N 2048

static int sgemm_setup(ob_ctx *ctx) {
  int64_t shape[] = {SG_N, SG_N};
  ctx->t[0] = make(2, shape, TN_DTYPE_FLOAT32, 8, -1.0f, 1.0f);
  ctx->t[1] = make(2, shape, TN_DTYPE_FLOAT32, 9, -1.0f, 1.0f);
  return ctx->t[0] && ctx->t[1] ? 0 : -1;
}

static int sgemm_run(ob_ctx *ctx) { return keep(ctx, 2, tn_matmul(drop(ctx, 2)[0], ctx->t[1])); }

static int sgemm_check(ob_ctx *ctx, char *msg, size_t n) {
  if (sgemm_run(ctx)) return -1;
  return check_mm(ctx->t[0], ctx->t[1], ctx->t[2], 64, msg, n);
}

/* (AB)C vs A(BC): A 2000x20, B 20x2000, C 2000x20. (AB)C builds a 2000x2000 intermediate
 * (2 * 2 * 2000*20*2000 flops); A(BC) a 20x20 one (100 times fewer). */
#define ABC_M 2000
#define ABC_K 20

static int abc_setup(ob_ctx *ctx) {
  int64_t sa[] = {ABC_M, ABC_K}, sb[] = {ABC_K, ABC_M};
  ctx->t[0] = make(2, sa, TN_DTYPE_FLOAT32, 10, -1.0f, 1.0f);
  ctx->t[1] = make(2, sb, TN_DTYPE_FLOAT32, 11, -1.0f, 1.0f);
  ctx->t[2] = make(2, sa, TN_DTYPE_FLOAT32, 12, -1.0f, 1.0f);
  return ctx->t[0] && ctx->t[1] && ctx->t[2] ? 0 : -1;
}

static int matmul_abc_run(ob_ctx *ctx) {
  tn_tensor *ab = tn_matmul(ctx->t[0], ctx->t[1]);
  if (!ab) return -1;
  tn_tensor *r = tn_matmul(ab, ctx->t[2]);
  tn_release(ab);
  return keep(ctx, 3, r);
}

static int matmul_a_bc_run(ob_ctx *ctx) {
  tn_tensor *bc = tn_matmul(ctx->t[1], ctx->t[2]);
  if (!bc) return -1;
  tn_tensor *r = tn_matmul(ctx->t[0], bc);
  tn_release(bc);
  return keep(ctx, 3, r);
}

/* Both orders must give A B C: checked entry by entry against a double triple product. */
static int check_abc(ob_ctx *ctx, char *msg, size_t n) {
  const tn_tensor *a = ctx->t[0], *b = ctx->t[1], *c = ctx->t[2], *r = ctx->t[3];
  if (r->ndim != 2 || r->shape[0] != ABC_M || r->shape[1] != ABC_K)
    return fail(msg, n, "result has the wrong shape%.0f%.0f", 0, 0);
  for (int s = 0; s < 16; s++) {
    int64_t idx = sample(s, ABC_M * ABC_K), i = idx / ABC_K, j = idx % ABC_K;
    double ref = 0, mag = 0;
    for (int64_t k = 0; k < ABC_K; k++)
      for (int64_t l = 0; l < ABC_M; l++) {
        double t = (double)f32_at(a, i * ABC_K + k) * f32_at(b, k * ABC_M + l) * f32_at(c, l * ABC_K + j);
        ref += t;
        mag += fabs(t);
      }
    double got = value_at(r, idx);
    if (!(fabs(got - ref) <= 1e-5 * mag)) return fail(msg, n, "entry is %.9g, expected %.9g", got, ref);
  }
  return 0;
}

static int matmul_abc_check(ob_ctx *ctx, char *msg, size_t n) {
  return matmul_abc_run(ctx) ? -1 : check_abc(ctx, msg, n);
}
static int matmul_a_bc_check(ob_ctx *ctx, char *msg, size_t n) {
  return matmul_a_bc_run(ctx) ? -1 : check_abc(ctx, msg, n);
}

/* ----- logreg_grad_100k: one logistic-regression gradient step, gradient written by hand -----
 * p = sigmoid(X @ w); g = X.t() @ (p - y) / n; w -= lr * g. When autodiff can run it, a
 * "autograd" variant of the same workload replaces the hand-written gradient. */

#define LR_N 100000
#define LR_D 64
#define LR_LR 0.1

static int logreg_setup(ob_ctx *ctx) {
  int64_t sx[] = {LR_N, LR_D}, sy[] = {LR_N}, sw[] = {LR_D};
  ctx->t[0] = make(2, sx, TN_DTYPE_FLOAT32, 13, -1.0f, 1.0f);
  ctx->t[1] = make(1, sy, TN_DTYPE_FLOAT32, 14, 0.0f, 1.0f);
  ctx->t[2] = make(1, sw, TN_DTYPE_FLOAT32, 15, -0.1f, 0.1f);
  if (!ctx->t[0] || !ctx->t[1] || !ctx->t[2]) return -1;
  float *y = tn_data_ptr(ctx->t[1]); /* labels 0 or 1 */
  for (int64_t i = 0; i < LR_N; i++) y[i] = y[i] < 0.5f ? 0.0f : 1.0f;
  return 0;
}

static int logreg_manual_run(ob_ctx *ctx) {
  tn_tensor *X = ctx->t[0], *y = ctx->t[1], *w = ctx->t[2];
  tn_tensor *z = NULL, *p = NULL, *r = NULL, *xt = NULL, *g0 = NULL, *g = NULL, *step = NULL, *nn = NULL,
            *lr = NULL, *out = NULL;
  int rc = -1;
  if (!(z = tn_matmul(X, w)) || !(p = tn_unary(TN_UNARY_SIGMOID, z)) || !(r = tn_sub(p, y)) ||
      !(xt = tn_t(X)) || !(g0 = tn_matmul(xt, r)) || !(nn = tn_wrap_scalar(tn_scalar_int(LR_N))) ||
      !(g = tn_div(g0, nn)) || !(lr = tn_wrap_scalar(tn_scalar_float(LR_LR))) || !(step = tn_mul(lr, g)) ||
      !(out = tn_binary_(TN_BINARY_SUB, w, step)))
    goto done;
  rc = 0;
done:;
  tn_tensor *all[] = {z, p, r, xt, g0, g, step, nn, lr, out};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    if (all[i]) tn_release(all[i]);
  return rc;
}

static int logreg_check(ob_ctx *ctx, char *msg, size_t n) {
  float w0[LR_D];
  memcpy(w0, tn_data_ptr(ctx->t[2]), sizeof w0);
  if (logreg_manual_run(ctx)) return -1;
  static double g[LR_D];
  memset(g, 0, sizeof g);
  for (int64_t i = 0; i < LR_N; i++) {
    double z = 0;
    for (int j = 0; j < LR_D; j++) z += (double)f32_at(ctx->t[0], i * LR_D + j) * w0[j];
    double e = 1 / (1 + exp(-z)) - f32_at(ctx->t[1], i);
    for (int j = 0; j < LR_D; j++) g[j] += f32_at(ctx->t[0], i * LR_D + j) * e;
  }
  double biggest = 0;
  for (int j = 0; j < LR_D; j++) {
    double want = w0[j] - LR_LR * g[j] / LR_N, got = f32_at(ctx->t[2], j);
    biggest = fmax(biggest, fabs(LR_LR * g[j] / LR_N));
    if (!(fabs(got - want) <= 1e-6)) return fail(msg, n, "w is %.9g, expected %.9g", got, want);
  }
  if (!(biggest > 1e-5)) return fail(msg, n, "the step is too small to check (%g)%.0f", biggest, 0);
  return 0;
}

/* ----- tiny_graph_backward: loss = 0.5 * (w * w).sum(); loss.backward() (w: 3 elements) ----- */

static int tiny_graph_setup(ob_ctx *ctx) {
  int64_t shape[] = {3};
  tn_scalar w[] = {tn_scalar_float(1), tn_scalar_float(2), tn_scalar_float(3)};
  ctx->t[0] = tn_from_scalars(1, shape, w, TN_OPTS(TN_DTYPE_FLOAT32));
  if (!ctx->t[0]) return -1;
  tn_tensor *r = tn_requires_grad_(ctx->t[0], true);
  if (!r) return -1;
  tn_release(r);
  return 0;
}

static int tiny_graph_run(ob_ctx *ctx) {
  tn_tensor *w = ctx->t[0], *ww = NULL, *s = NULL, *half = NULL, *loss = NULL;
  int rc = -1;
  /* w.grad = None first, so every iteration does the same work (no accumulation) */
  if (tn_set_grad(w, NULL) || !(ww = tn_mul(w, w)) || !(s = tn_sum(ww, 0, NULL, false, TN_DTYPE_UNDEFINED)) ||
      !(half = tn_wrap_scalar(tn_scalar_float(0.5))) || !(loss = tn_mul(half, s)) ||
      tn_backward(loss, NULL, false, false))
    goto done;
  rc = 0;
done:
  if (ww) tn_release(ww);
  if (s) tn_release(s);
  if (half) tn_release(half);
  if (loss) tn_release(loss);
  return rc;
}

static int tiny_graph_check(ob_ctx *ctx, char *msg, size_t n) {
  if (tiny_graph_run(ctx)) return -1;
  tn_tensor *g = tn_grad(ctx->t[0]);
  if (!g) return fail(msg, n, "w.grad is None%.0f%.0f", 0, 0);
  int rc = 0;
  for (int i = 0; i < 3 && rc == 0; i++)
    if (g->numel != 3 || value_at(g, i) != 1.0 + i) rc = fail(msg, n, "w.grad[%.0f] is %g, expected w", i, value_at(g, i));
  tn_release(g);
  return rc;
}

/* ----- train_step_mlp: one SGD step of a two-layer network -----
 * X: 8x5, y: 8x1 labels; Linear(5, 16), tanh, Linear(16, 1); BCEWithLogitsLoss (mean); SGD with
 * lr 0.1 (p -= lr * p.grad under no_grad, as torch.optim.SGD does; grads set to None first, as
 * zero_grad(set_to_none=True) does). */

#define TS_LR 0.1

static int train_step_setup(ob_ctx *ctx) {
  int64_t sx[] = {8, 5}, sy[] = {8, 1}, sw1[] = {16, 5}, sb1[] = {16}, sw2[] = {1, 16}, sb2[] = {1};
  ctx->t[0] = make(2, sx, TN_DTYPE_FLOAT32, 16, -1.0f, 1.0f);
  ctx->t[1] = make(2, sy, TN_DTYPE_FLOAT32, 17, 0.0f, 1.0f);
  ctx->t[2] = make(2, sw1, TN_DTYPE_FLOAT32, 18, -0.4472f, 0.4472f); /* nn.Linear's 1/sqrt(fan_in) */
  ctx->t[3] = make(1, sb1, TN_DTYPE_FLOAT32, 19, -0.4472f, 0.4472f);
  ctx->t[4] = make(2, sw2, TN_DTYPE_FLOAT32, 20, -0.25f, 0.25f);
  ctx->t[5] = make(1, sb2, TN_DTYPE_FLOAT32, 21, -0.25f, 0.25f);
  for (int k = 0; k < 6; k++)
    if (!ctx->t[k]) return -1;
  float *y = tn_data_ptr(ctx->t[1]);
  for (int i = 0; i < 8; i++) y[i] = y[i] < 0.5f ? 0.0f : 1.0f;
  for (int k = 2; k < 6; k++) {
    tn_tensor *r = tn_requires_grad_(ctx->t[k], true);
    if (!r) return -1;
    tn_release(r);
  }
  return 0;
}

/* One step; the loss (before the update) goes to ctx->t[6]. */
static int train_step_run(ob_ctx *ctx) {
  tn_tensor *h = NULL, *a = NULL, *z = NULL, *loss = NULL;
  int rc = -1;
  for (int k = 2; k < 6; k++)
    if (tn_set_grad(ctx->t[k], NULL)) return -1;
  if (!(h = tn_linear(ctx->t[0], ctx->t[2], ctx->t[3])) || !(a = tn_unary(TN_UNARY_TANH, h)) ||
      !(z = tn_linear(a, ctx->t[4], ctx->t[5])) ||
      !(loss = tn_binary_cross_entropy_with_logits(z, ctx->t[1], NULL, NULL, TN_REDUCTION_MEAN)) ||
      tn_backward(loss, NULL, false, false))
    goto done;
  bool prev = tn_set_grad_enabled(false);
  rc = 0;
  for (int k = 2; k < 6 && rc == 0; k++) {
    tn_tensor *g = tn_grad(ctx->t[k]);
    tn_tensor *r = g ? tn_add_alpha_(ctx->t[k], g, tn_scalar_float(-TS_LR)) : NULL;
    if (!r) rc = -1;
    if (g) tn_release(g);
    if (r) tn_release(r);
  }
  tn_set_grad_enabled(prev);
  if (rc == 0) {
    if (ctx->t[6]) tn_release(ctx->t[6]);
    ctx->t[6] = loss;
    loss = NULL;
  }
done:
  if (h) tn_release(h);
  if (a) tn_release(a);
  if (z) tn_release(z);
  if (loss) tn_release(loss);
  return rc;
}

/* The bias of the last layer moves by -lr * mean(sigmoid(z) - y), computed here in double from
 * the parameters before the step; and training keeps lowering the loss. */
static int train_step_check(ob_ctx *ctx, char *msg, size_t n) {
  float w1[16 * 5], b1[16], w2[16], b2;
  memcpy(w1, tn_data_ptr(ctx->t[2]), sizeof w1);
  memcpy(b1, tn_data_ptr(ctx->t[3]), sizeof b1);
  memcpy(w2, tn_data_ptr(ctx->t[4]), sizeof w2);
  b2 = f32_at(ctx->t[5], 0);
  double gb2 = 0;
  for (int i = 0; i < 8; i++) {
    double zi = b2;
    for (int j = 0; j < 16; j++) {
      double hj = b1[j];
      for (int k = 0; k < 5; k++) hj += (double)w1[j * 5 + k] * f32_at(ctx->t[0], i * 5 + k);
      zi += w2[j] * tanh(hj);
    }
    gb2 += (1 / (1 + exp(-zi)) - f32_at(ctx->t[1], i)) / 8;
  }
  if (train_step_run(ctx)) return -1;
  double want = b2 - TS_LR * gb2, got = f32_at(ctx->t[5], 0);
  if (!(fabs(got - want) <= 1e-6)) return fail(msg, n, "b2 is %.9g after the step, expected %.9g", got, want);
  double first = value_at(ctx->t[6], 0);
  for (int i = 0; i < 200; i++)
    if (train_step_run(ctx)) return -1;
  double last = value_at(ctx->t[6], 0);
  if (!(last < first)) return fail(msg, n, "the loss went from %g to %g", first, last);
  return 0;
}

/* ----- the table ----- */

#define F32 4.0

const ob_workload ob_workloads[] = {
  {"small_add", "a + b, 3-element float32 tensors (C API: tn_add)", NULL, OB_METRIC_LATENCY, 0, 3,
   small_add_setup, small_add_run, small_add_check},
  {"sum_sq_5m", "torch.sum(x * x), x: 5M float32 (bytes: x read, x*x written and read)", NULL, OB_METRIC_BANDWIDTH, 3 * F32 * SUMSQ_N,
   2.0 * SUMSQ_N, sum_sq_setup, sum_sq_run, sum_sq_check},
  {"broadcast_mul", "A * v, A: 4096x1024 float32, v: 1024", NULL, OB_METRIC_BANDWIDTH,
   F32 * (2.0 * BM_R * BM_C + BM_C), (double)BM_R * BM_C, broadcast_mul_setup, broadcast_mul_run,
   broadcast_mul_check},
  {"contiguous_t", "A.t().contiguous(), A: 4096x1024 float32", NULL, OB_METRIC_BANDWIDTH,
   F32 * 2.0 * BM_R * BM_C, 0, contiguous_t_setup, contiguous_t_run, contiguous_t_check},
  {"f16_add_16m", "a + b, 16M float16", NULL, OB_METRIC_BANDWIDTH, 2.0 * 3 * H_N, (double)H_N,
   f16_add_setup, half_add_run, half_add_check},
  {"bf16_add_16m", "a + b, 16M bfloat16", NULL, OB_METRIC_BANDWIDTH, 2.0 * 3 * H_N, (double)H_N,
   bf16_add_setup, half_add_run, half_add_check},
  {"f16_sum_16m", "a.sum(), 16M float16", NULL, OB_METRIC_BANDWIDTH, 2.0 * H_N, (double)H_N, f16_sum_setup,
   half_sum_run, half_sum_check},
  {"bf16_sum_16m", "a.sum(), 16M bfloat16", NULL, OB_METRIC_BANDWIDTH, 2.0 * H_N, (double)H_N,
   bf16_sum_setup, half_sum_run, half_sum_check},
  {"sgemm_2048", "A @ B, 2048x2048 float32", NULL, OB_METRIC_COMPUTE, F32 * 3 * SG_N * SG_N,
   2.0 * SG_N * SG_N * SG_N, sgemm_setup, sgemm_run, sgemm_check},
  {"matmul_abc", "(A @ B) @ C, A: 2000x20, B: 20x2000, C: 2000x20 float32", NULL, OB_METRIC_COMPUTE,
   F32 * (3.0 * ABC_M * ABC_K + 2.0 * ABC_M * ABC_M), 4.0 * ABC_M * ABC_K * ABC_M, abc_setup, matmul_abc_run,
   matmul_abc_check},
  {"matmul_a_bc", "A @ (B @ C), same A, B, C", NULL, OB_METRIC_COMPUTE, F32 * 4.0 * ABC_M * ABC_K,
   4.0 * ABC_K * ABC_M * ABC_K, abc_setup, matmul_a_bc_run, matmul_a_bc_check},
  {"logreg_grad_100k",
   "p = sigmoid(X @ w); g = X.t() @ (p - y) / n; w -= lr * g, X: 100000x64 float32", "manual-gradient",
   OB_METRIC_BANDWIDTH, F32 * (2.0 * LR_N * LR_D + 4.0 * LR_N), 4.0 * LR_N * LR_D, logreg_setup,
   logreg_manual_run, logreg_check},
  {"tiny_graph_backward", "loss = 0.5 * (w * w).sum(); loss.backward(), w: 3 float32", NULL,
   OB_METRIC_LATENCY, 0, 0, tiny_graph_setup, tiny_graph_run, tiny_graph_check, false},
  {"train_step_mlp", "one SGD step: Linear(5, 16), tanh, Linear(16, 1), BCE with logits, X: 8x5 float32", NULL,
   OB_METRIC_LATENCY, 0, 0, train_step_setup, train_step_run, train_step_check, false},
};

const int ob_n_workloads = (int)(sizeof ob_workloads / sizeof *ob_workloads);
