/* elementwise.c — element-wise arithmetic, comparisons, logical and bitwise ops, unary math,
 * clamp and where, with PyTorch 1.13's type promotion, output layouts, in-place rules and messages.
 *
 * How an op runs (TensorIterator's recipe, CPU flavour):
 *   1. op-specific argument checks (bool subtraction, alpha, integer negative powers, ...);
 *   2. the common dtype (tn_result_type; integer true division and float functions go to the
 *      default float dtype) and the broadcast shape;
 *   3. in-place: internal overlap, shape and "can cast" checks against self;
 *   4. inputs whose dtype differs from the common dtype are converted first (as PyTorch's CPU
 *      iterator does with .to()), so a kernel sees one dtype; a Python float scalar is therefore
 *      rounded to the computation dtype before use (x_f32 * 0.1 multiplies by (float)0.1);
 *   5. the output is allocated with the inputs' memory layout (TensorIterator's stride
 *      permutation), and one typed kernel runs per inner run of tn__iter.
 * The typed kernels and their dispatch tables live in elementwise-kernels.c. */
#include "tn-internal.h"

#include <float.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* ----- names PyTorch prints ----- */

/* c10::Scalar::to<T>() names ("value cannot be converted to type int8_t without overflow"). */
static const char *const cvt_name[TN_DTYPE_COUNT] = {"bool", "uint8_t",  "int8_t",       "int16_t", "int",
                                                     "int64_t", "at::Half", "at::BFloat16", "float",   "double"};

static const char *const binary_names[TN_BINARY_COUNT] = {
    "add", "sub", "mul", "div", "floor_divide", "remainder", "pow", "maximum", "minimum", "eq", "ne",
    "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
    "bitwise_xor", "atan2"};
static const char *const unary_names[TN_UNARY_COUNT] = {
    "neg", "abs", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan", "tanh", "sigmoid",
    "relu", "sign", "floor", "ceil", "round", "trunc", "reciprocal", "square", "logical_not", "bitwise_not",
    "isnan", "isinf", "isfinite"};

const char *tn_binary_op_name(tn_binary_op op) {
  return (op >= 0 && op < TN_BINARY_COUNT) ? binary_names[op] : "unknown";
}
const char *tn_unary_op_name(tn_unary_op op) {
  return (op >= 0 && op < TN_UNARY_COUNT) ? unary_names[op] : "unknown";
}

static inline bool is_float(tn_dtype d) { return tn__dtype_traits[d].is_floating; }

/* ----- kernel choice: the AVX2 build of the loops where the CPU has it ----- */

static inline tn__loop_fn ew_binary(int op, tn_dtype d) {
#ifdef TN__HAVE_AVX2_KERNELS
  if (tn__cpu_avx2()) return tn__ew_binary_avx2[op][d];
#endif
  return tn__ew_binary[op][d];
}
static inline tn__loop_fn ew_unary(int op, tn_dtype d) {
#ifdef TN__HAVE_AVX2_KERNELS
  if (tn__cpu_avx2()) return tn__ew_unary_avx2[op][d];
#endif
  return tn__ew_unary[op][d];
}
static inline tn__loop_fn ew_where(size_t esize) {
#ifdef TN__HAVE_AVX2_KERNELS
  if (tn__cpu_avx2()) return tn__ew_where_avx2[esize];
#endif
  return tn__ew_where[esize];
}

/* ----- scalar helpers ----- */

typedef tn__ew_ctx kctx;

/* c10's checked Scalar::to<T>(): the overflow rule of c10/util/TypeCast.h. */
static int check_scalar_fits(tn_scalar s, tn_dtype d) {
  bool over = false;
  if (s.kind == TN_SCALAR_INT) {
    int64_t v = s.v.i;
    if (!is_float(d)) {
      tn_iinfo ii;
      if (d == TN_DTYPE_BOOL) {
        over = false; /* c10 converts any integer to bool */
      } else {
        tn_dtype_iinfo(d, &ii);
        if (d == TN_DTYPE_UINT8) /* unsigned targets let negatives wrap */
          over = v > ii.max || (v < 0 && (uint64_t)0 - (uint64_t)v > (uint64_t)ii.max);
        else
          over = v < ii.min || v > ii.max;
      }
    }
  } else if (s.kind == TN_SCALAR_FLOAT) {
    double v = s.v.f;
    if (is_float(d)) {
      tn_finfo fi;
      tn_dtype_finfo(d, &fi);
      over = !isinf(v) && !isnan(v) && (v < fi.min || v > fi.max);
    } else if (isnan(v)) {
      over = true;
    } else if (d == TN_DTYPE_BOOL) {
      over = v < 0 || v > 1;
    } else {
      tn_iinfo ii;
      tn_dtype_iinfo(d, &ii);
      over = v < (double)ii.min || v > (double)ii.max;
    }
  }
  if (over) return tn__errorf(TN_ERROR_RUNTIME, "value cannot be converted to type %s without overflow", cvt_name[d]);
  return 0;
}

/* A scalar converted to dtype d (the engine's conversion rules), widened for the kernel context. */
static void scalar_typed(tn_scalar s, tn_dtype d, int64_t *i, float *f, double *dd) {
  union {
    unsigned char b[8];
    uint16_t h;
    float f;
    double d;
    int64_t i;
  } buf; /* aligned for every dtype */
  tn__store_scalar(buf.b, d, s);
  switch (d) {
  case TN_DTYPE_FLOAT16: *f = tn_half_to_float(buf.h); *dd = *f; *i = 0; break;
  case TN_DTYPE_BFLOAT16: *f = tn_bfloat16_to_float(buf.h); *dd = *f; *i = 0; break;
  case TN_DTYPE_FLOAT32: *f = buf.f; *dd = *f; *i = 0; break;
  case TN_DTYPE_FLOAT64: *dd = buf.d; *f = (float)*dd; *i = 0; break;
  default: *i = tn__load_int64(buf.b, d); *f = 0; *dd = 0; break;
  }
}

/* ----- layout: TensorIterator's output strides ----- */

static bool same_shape(const tn_tensor *a, const tn_tensor *b) {
  if (a->ndim != b->ndim) return false;
  for (int32_t d = 0; d < a->ndim; d++)
    if (a->shape[d] != b->shape[d]) return false;
  return true;
}


static bool is_channels_last(const tn_tensor *t) {
  if (t->ndim != 4) return false;
  static const int order[4] = {1, 3, 2, 0};
  int64_t expected = 1;
  for (int k = 0; k < 4; k++) {
    int d = order[k];
    if (t->shape[d] != 1) {
      if (t->strides[d] != expected) return false;
      expected *= t->shape[d];
    }
  }
  return true;
}

/* Allocates an output of the broadcast shape whose strides follow the inputs' layout, exactly as
 * TensorIterator does: the fast set-up when all inputs share one shape (contiguous, channels-last,
 * or one dense layout), else dims sorted by the inputs' byte strides (first input decides, later
 * ones break ties), and contiguous strides in that order. */
static tn_tensor *alloc_output(int32_t ndim, const int64_t *shape, tn_dtype dtype, int nin,
                               const tn_tensor *const *ins) {
  bool all_same = true, has_scalars = false, has_tensors = false;
  for (int k = 0; k < nin; k++) {
    if (ins[k]->ndim == 0) has_scalars = true; else has_tensors = true;
    if (k > 0 && !same_shape(ins[k], ins[0])) all_same = false;
  }
  if (has_scalars && has_tensors) all_same = false;
  if (all_same) {
    bool contig = true, cl = true, dense = true;
    for (int k = 0; k < nin && contig; k++) contig = tn_is_contiguous(ins[k]);
    if (contig) return tn__new(ndim, shape, dtype);
    for (int k = 0; k < nin; k++) {
      cl = cl && is_channels_last(ins[k]);
      dense = dense && tn__non_overlapping_and_dense(ins[k]);
    }
    if (cl) {
      int64_t st[4];
      st[1] = 1;
      st[3] = shape[1];
      st[2] = st[3] * shape[3];
      st[0] = st[2] * shape[2];
      return tn_empty_strided(4, shape, st, TN_OPTS(dtype));
    }
    if (dense) {
      bool eq = true;
      for (int k = 1; k < nin && eq; k++)
        for (int32_t d = 0; d < ndim; d++)
          if (ins[k]->strides[d] != ins[0]->strides[d]) eq = false;
      if (eq) return tn_empty_strided(ndim, shape, ins[0]->strides, TN_OPTS(dtype));
    }
  }
  if (ndim <= 1) return tn__new(ndim, shape, dtype);
  /* byte strides of each input broadcast to the shape (0 where broadcast) */
  int64_t sb[TN__ITER_MAX_OPS][TN_MAX_DIMS];
  bool skip[TN__ITER_MAX_OPS];
  for (int k = 0; k < nin; k++) {
    const tn_tensor *t = ins[k];
    int64_t es = (int64_t)tn__dtype_traits[t->dtype].size;
    int32_t off = ndim - t->ndim;
    skip[k] = t->ndim == 0;
    for (int32_t d = 0; d < ndim; d++) {
      int32_t td = d - off;
      sb[k][d] = (td < 0 || (t->shape[td] == 1 && shape[d] != 1)) ? 0 : t->strides[td] * es;
    }
  }
  int32_t perm[TN_MAX_DIMS];
  tn__dim_order order = {ndim, nin, shape, (const int64_t(*)[TN_MAX_DIMS])sb, false, skip};
  tn__reorder_dims(&order, perm);
  int64_t strides[TN_MAX_DIMS];
  tn__strides_from_perm(ndim, shape, perm, strides);
  return tn_empty_strided(ndim, shape, strides, TN_OPTS(dtype));
}

/* ----- overlap ----- */


static void byte_range(const tn_tensor *t, int64_t *lo, int64_t *hi) {
  int64_t es = (int64_t)tn__dtype_traits[t->dtype].size, a = t->offset * es, b = a;
  for (int32_t d = 0; d < t->ndim; d++) {
    int64_t span = (t->shape[d] - 1) * t->strides[d] * es;
    if (span < 0) a += span; else b += span;
  }
  *lo = a;
  *hi = b + es;
}

/* True when writing out element by element could change what is still to be read from in: they
 * share memory without being the same elements in the same places. */
static bool needs_temp(const tn_tensor *out, const tn_tensor *in) {
  if (out->storage != in->storage || out->numel == 0 || in->numel == 0) return false;
  if (out->dtype == in->dtype && out->offset == in->offset && same_shape(out, in)) {
    bool same = true;
    for (int32_t d = 0; d < out->ndim; d++)
      if (out->shape[d] > 1 && out->strides[d] != in->strides[d]) same = false;
    if (same) return false;
  }
  int64_t a0, a1, b0, b1;
  byte_range(out, &a0, &a1);
  byte_range(in, &b0, &b1);
  return a0 < b1 && b0 < a1;
}

/* ----- shared driver pieces ----- */

static int check_args(const char *fn, const tn_tensor *a, const char *aname, int apos, const tn_tensor *b,
                      const char *bname, int bpos) {
  if (!a) return tn__errorf(TN_ERROR_TYPE, "%s(): argument '%s' (position %d) must be Tensor, not NoneType", fn, aname, apos);
  if (bname && !b)
    return tn__errorf(TN_ERROR_TYPE, "%s(): argument '%s' (position %d) must be Tensor, not NoneType", fn, bname, bpos);
  return 0;
}

/* c10::canCast */
static bool can_cast(tn_dtype from, tn_dtype to) {
  if (is_float(from) && !is_float(to) && to != TN_DTYPE_BOOL) return false;
  if (from != TN_DTYPE_BOOL && to == TN_DTYPE_BOOL) return false;
  return true;
}

static int cast_error(tn_dtype from, tn_dtype to) {
  return tn__errorf(TN_ERROR_RUNTIME, "result type %s can't be cast to the desired output type %s", tn__scalar_type_name(from),
                    tn__scalar_type_name(to));
}

static int not_implemented(const char *kernel, tn_dtype d) {
  return tn__errorf(TN_ERROR_RUNTIME, "\"%s\" not implemented for '%s'", kernel, tn__scalar_type_name(d));
}

static void format_shape(char *buf, size_t n, int32_t ndim, const int64_t *shape) {
  size_t len = 0;
  buf[0] = 0;
  for (int32_t d = 0; d < ndim && len + 24 < n; d++)
    len += (size_t)snprintf(buf + len, n - len, "%s%lld", d ? ", " : "", (long long)shape[d]);
}

/* In-place: self must already have the broadcast shape. */
static int check_out_shape(const tn_tensor *self, int32_t ndim, const int64_t *shape) {
  bool ok = self->ndim == ndim;
  for (int32_t d = 0; ok && d < ndim; d++) ok = self->shape[d] == shape[d];
  if (ok) return 0;
  char s1[256], s2[256];
  format_shape(s1, sizeof s1, self->ndim, self->shape);
  format_shape(s2, sizeof s2, ndim, shape);
  return tn__errorf(TN_ERROR_RUNTIME, "output with shape [%s] doesn't match the broadcast shape [%s]", s1, s2);
}

/* t in dtype d: a new reference (t itself when it already has d). */
static tn_tensor *as_dtype(const tn_tensor *t, tn_dtype d) {
  if (t->dtype == d) return tn_retain((tn_tensor *)t);
  tn_tensor *r = tn__clone_as(t, d);
  if (r) r->wrapped_number = t->wrapped_number;
  return r;
}

/* Large element-wise work is split among the pool's threads: each piece gets its own copy of the
 * kernel context (only the integer division-by-zero flag is written), merged afterwards. */
typedef struct par_ew {
  const tn__iter *it;
  tn__loop_fn fn;
  const kctx *ctx;
  atomic_bool zero_div;
} par_ew;

static void par_ew_range(void *p_, int64_t begin, int64_t end) {
  par_ew *p = p_;
  kctx local = *p->ctx;
  tn__iter_run_range(p->it, p->fn, &local, begin, end);
  if (local.zero_div) atomic_store(&p->zero_div, true);
}

static void run_iter(const tn__iter *it, tn__loop_fn fn, kctx *ctx) {
  if (it->numel >= TN__PARALLEL_MIN) {
    par_ew p = {it, fn, ctx, false};
    tn__parallel_for(it->numel, TN__PARALLEL_MIN / 2, par_ew_range, &p);
    if (atomic_load(&p.zero_div)) ctx->zero_div = true;
  } else {
    tn__iter_run(it, fn, ctx);
  }
}

/* The common case of small tensors, without TensorIterator's layout work: no `self`, every input
 * contiguous with the output's shape (the output is then contiguous too, as alloc_output would
 * make it). Returns NULL with *handled false when it does not apply. */
static tn_tensor *run_kernel_fast(tn__loop_fn fn, kctx *ctx, tn_dtype kdtype, int32_t ndim, const int64_t *shape,
                                  int nin, const tn_tensor *const *ins, bool *handled) {
  *handled = false;
  for (int k = 0; k < nin; k++) {
    const tn_tensor *t = ins[k];
    if (t->ndim != ndim || !tn_is_contiguous(t)) return NULL;
    for (int32_t d = 0; d < ndim; d++)
      if (t->shape[d] != shape[d]) return NULL;
  }
  if (ins[0]->numel >= TN__PARALLEL_MIN) return NULL; /* the general path threads it */
  *handled = true;
  tn_tensor *out = tn__new(ndim, shape, kdtype);
  if (!out) return NULL;
  if (out->numel > 0) {
    char *data[TN__ITER_MAX_OPS];
    int64_t strides[TN__ITER_MAX_OPS];
    data[0] = tn__data(out);
    strides[0] = (int64_t)tn__dtype_traits[kdtype].size;
    for (int k = 0; k < nin; k++) {
      data[k + 1] = tn__data(ins[k]);
      strides[k + 1] = (int64_t)tn__dtype_traits[ins[k]->dtype].size;
    }
    fn(ctx, out->numel, data, strides);
  }
  if (ctx->zero_div) {
    tn_release(out);
    return tn__error(TN_ERROR_RUNTIME, "ZeroDivisionError");
  }
  return out;
}

static tn_tensor *run_kernel(tn__loop_fn fn, kctx *ctx, tn_dtype kdtype, int32_t ndim, const int64_t *shape,
                             int nin, const tn_tensor *const *ins, tn_tensor *self);

/* CUDA operands of a loop with no CUDA kernel (clamp, where, the bitwise and logical ops...): the
 * loop runs on host views of them (tn-internal.h), into self's memory directly or into a new
 * result that then moves to their device. */
static tn_tensor *run_kernel_via_host(tn__loop_fn fn, kctx *ctx, tn_dtype kdtype, int32_t ndim, const int64_t *shape,
                                      int nin, const tn_tensor *const *ins, tn_tensor *self) {
  const tn_tensor *all[TN__ITER_MAX_OPS + 1];
  tn_tensor *host[TN__ITER_MAX_OPS + 1];
  int n = 0;
  for (int k = 0; k < nin; k++) all[n++] = ins[k];
  if (self) all[n++] = self;
  tn_device dev;
  if (tn__cuda_host_args(n, all, host, &dev) < 0) return NULL;
  tn_tensor *r = run_kernel(fn, ctx, kdtype, ndim, shape, nin, (const tn_tensor *const *)host, self ? host[nin] : NULL);
  if (!self) return tn__cuda_host_done(n, host, r, dev);
  tn__cuda_host_done(n, host, NULL, dev);
  if (!r) return NULL;
  tn_release(r);
  tn_bump_version(self);
  return tn_retain(self);
}

/* Runs fn over (out, ins...) where out has the iteration shape. When `self` is given, the result
 * goes there: directly if it has the kernel's dtype and no harmful overlap, else through a
 * temporary and a converting copy. Returns the output (new reference) or NULL. */
static tn_tensor *run_kernel(tn__loop_fn fn, kctx *ctx, tn_dtype kdtype, int32_t ndim, const int64_t *shape,
                             int nin, const tn_tensor *const *ins, tn_tensor *self) {
  if (tn__is_cuda(self) || tn__cuda_any(ins[0], nin > 1 ? ins[1] : NULL, nin > 2 ? ins[2] : NULL))
    return run_kernel_via_host(fn, ctx, kdtype, ndim, shape, nin, ins, self);
  tn_tensor *out;
  bool temp = false;
  if (!self) {
    bool handled;
    out = run_kernel_fast(fn, ctx, kdtype, ndim, shape, nin, ins, &handled);
    if (handled) return out;
  }
  if (self) {
    temp = self->dtype != kdtype;
    for (int k = 0; k < nin && !temp; k++) temp = needs_temp(self, ins[k]);
    if (temp) {
      const tn_tensor *lay[TN__ITER_MAX_OPS];
      lay[0] = self;
      for (int k = 0; k < nin; k++) lay[k + 1] = ins[k];
      out = alloc_output(ndim, shape, kdtype, nin + 1 < TN__ITER_MAX_OPS ? nin + 1 : TN__ITER_MAX_OPS, lay);
    } else {
      out = tn_retain(self);
    }
  } else {
    out = alloc_output(ndim, shape, kdtype, nin, ins);
  }
  if (!out) return NULL;
  const tn_tensor *ops[TN__ITER_MAX_OPS];
  ops[0] = out;
  for (int k = 0; k < nin; k++) ops[k + 1] = ins[k];
  if (out->numel > 0) {
    tn__iter it;
    tn__iter_init(&it, ndim, shape, nin + 1, ops);
    run_iter(&it, fn, ctx);
  }
  if (ctx->zero_div) {
    tn_release(out);
    return tn__error(TN_ERROR_RUNTIME, "ZeroDivisionError");
  }
  if (temp) {
    int rc = tn__copy_raw(self, out);
    tn_release(out);
    if (rc < 0) return NULL;
    out = tn_retain(self);
  }
  if (self) tn_bump_version(self);
  return out;
}

/* ----- binary ops ----- */

static bool bop_is_comparison(int op) { return op >= TN_BINARY_EQ && op <= TN_BINARY_LOGICAL_XOR; }

static tn_tensor *unary_kernel(int uop, const tn_tensor *a, tn_tensor *self, kctx *ctx, tn_dtype out_dtype);

static tn_tensor *binary_impl(int op, const tn_tensor *a, const tn_tensor *b, tn_tensor *self, const tn_scalar *alpha) {
  const char *fname = op == TN__EW_ADD_ALPHA ? "add" : binary_names[op];
  if (check_args(fname, a, "input", 1, b, "other", 2) < 0) return NULL;
  if (op == TN_BINARY_SUB) {
    if (a->dtype == TN_DTYPE_BOOL && b->dtype == TN_DTYPE_BOOL)
      return tn__error(TN_ERROR_RUNTIME, "Subtraction, the `-` operator, with two bool tensors is not supported. "
                                         "Use the `^` or `logical_xor()` operator instead.");
    if (a->dtype == TN_DTYPE_BOOL || b->dtype == TN_DTYPE_BOOL)
      return tn__error(TN_ERROR_RUNTIME, "Subtraction, the `-` operator, with a bool tensor is not supported. "
                                         "If you are trying to invert a mask, use the `~` or `logical_not()` "
                                         "operator instead.");
  }
  tn_dtype common = tn_result_type(a, b);
  if ((op == TN_BINARY_DIV || op == TN_BINARY_ATAN2) && !is_float(common)) common = tn_get_default_dtype();
  bool cmp = bop_is_comparison(op);
  tn_dtype kout = cmp ? TN_DTYPE_BOOL : common;
  if (op == TN_BINARY_POW && b->wrapped_number && !is_float(a->dtype) && !is_float(b->dtype) &&
      tn__load_int64(tn__data(b), b->dtype) < 0)
    return tn__error(TN_ERROR_RUNTIME, "Integers to negative integer powers are not allowed.");
  if (self && tn__check_no_internal_overlap(self) < 0) return NULL;
  if (op == TN_BINARY_POW && b->wrapped_number && self && self->dtype != common)
    /* pow_(scalar) is a unary op on base.to(common) that insists on one dtype */
    return tn__error(TN_ERROR_RUNTIME, "Found dtype %s but expected %s", tn__scalar_type_name(self->dtype), tn__scalar_type_name(common));
  int32_t ndim;
  int64_t shape[TN_MAX_DIMS];
  if (tn_broadcast_shapes(a->ndim, a->shape, b->ndim, b->shape, &ndim, shape) < 0) return NULL;
  if (self) {
    if (check_out_shape(self, ndim, shape) < 0) return NULL;
    if (!cmp && !can_cast(common, self->dtype)) return cast_error(common, self->dtype), NULL;
  }
  if (op == TN__EW_ADD_ALPHA) { /* checked once the iterator is built, against the output dtype */
    tn_dtype od = self ? self->dtype : common;
    if (alpha->kind == TN_SCALAR_BOOL && od != TN_DTYPE_BOOL)
      return tn__error(TN_ERROR_RUNTIME, "Boolean alpha only supported for Boolean results.");
    if (!is_float(od) && alpha->kind == TN_SCALAR_FLOAT)
      return tn__error(TN_ERROR_RUNTIME, "For integral input tensors, argument alpha must not be a floating point number.");
  }
  if (tn__cuda_any(a, b, self)) return tn__cuda_binary(op, a, b, self, alpha, common, kout, ndim, shape);
  kctx ctx = {0};
  if (op == TN__EW_ADD_ALPHA) {
    if (check_scalar_fits(*alpha, common) < 0) return NULL;
    scalar_typed(*alpha, common, &ctx.i1, &ctx.f1, &ctx.d1);
  }
  if (op == TN_BINARY_POW && b->wrapped_number && !is_float(common) &&
      check_scalar_fits(tn__load_scalar(tn__data(b), b->dtype), common) < 0)
    return NULL; /* the exponent is converted with Scalar::to<T>() */
  tn__loop_fn fn = ew_binary(op, common);
  /* pow(tensor, python number) with a floating result: PyTorch's scalar-exponent kernels */
  if (op == TN_BINARY_POW && b->wrapped_number && is_float(common)) {
    tn_scalar e = tn__load_scalar(tn__data(b), b->dtype);
    double ev = tn_scalar_to_double(e);
    bool red = common == TN_DTYPE_FLOAT16;
    int uop = -1;
    if (ev == 0.0) {
      tn_tensor *ones = tn_scalar_tensor(tn_scalar_int(1), TN_OPTS(common));
      if (!ones) return NULL;
      tn_tensor *r = binary_impl(TN_BINARY_MUL, ones, ones, NULL, NULL);
      tn_release(ones);
      if (!r) return NULL;
      tn_tensor *full = NULL;
      if (self) {
        full = tn_retain(self);
      } else {
        tn_tensor *ac = as_dtype(a, common);
        if (!ac) {
          tn_release(r);
          return NULL;
        }
        const tn_tensor *ins[1] = {ac};
        full = alloc_output(ndim, shape, common, 1, ins);
        tn_release(ac);
      }
      if (full && tn__copy_raw(full, r) < 0) {
        tn_release(full);
        full = NULL;
      }
      tn_release(r);
      if (full && self) tn_bump_version(self);
      return full;
    }
    if (ev == 1.0) uop = TN__EW_IDENTITY;
    else if (!red && ev == 0.5) uop = TN_UNARY_SQRT;
    else if (!red && ev == -0.5) uop = TN_UNARY_RSQRT;
    else if (!red && ev == -1.0) uop = TN_UNARY_RECIPROCAL;
    else if (!red && ev == 2.0) uop = TN_UNARY_SQUARE;
    else if (!red && ev == 3.0) uop = TN__EW_CUBE;
    else if (!red && ev == -2.0) uop = TN__EW_INVSQ;
    else uop = TN__EW_POWS;
    if (uop == TN__EW_POWS) {
      if (common == TN_DTYPE_FLOAT16 || common == TN_DTYPE_BFLOAT16) {
        if (check_scalar_fits(e, common) < 0) return NULL;
        scalar_typed(e, common, &ctx.i1, &ctx.f1, &ctx.d1);
      } else {
        ctx.d1 = ev;
      }
    }
    tn_tensor *ac = as_dtype(a, common);
    if (!ac) return NULL;
    tn_tensor *r;
    if (uop == TN__EW_IDENTITY) {
      /* pow(x, 1) copies */
      if (self) {
        r = tn__copy_raw(self, ac) < 0 ? NULL : tn_retain(self);
        if (r) tn_bump_version(self);
      } else {
        r = tn__clone_as(ac, common);
      }
    } else {
      r = unary_kernel(uop, ac, self, &ctx, common);
    }
    tn_release(ac);
    return r;
  }
  if (!fn) return not_implemented(tn__ew_binary_kernel_name[op], common), NULL;
  tn_tensor *ac = as_dtype(a, common), *bc = as_dtype(b, common);
  tn_tensor *r = NULL;
  if (ac && bc) {
    const tn_tensor *ins[2] = {ac, bc};
    r = run_kernel(fn, &ctx, kout, ndim, shape, 2, ins, self);
  }
  tn_release(ac);
  tn_release(bc);
  return r;
}

static bool bop_valid(tn_binary_op op) { return op >= 0 && op < TN_BINARY_COUNT; }

tn_tensor *tn_binary(tn_binary_op op, const tn_tensor *a, const tn_tensor *b) {
  if (!bop_valid(op)) return tn__error(TN_ERROR_RUNTIME, "invalid binary op %d", (int)op);
  if (tn__ag_wants(a, b, NULL)) return tn__ag_binary(op, a, b, NULL, NULL);
  return binary_impl(op, a, b, NULL, NULL);
}

tn_tensor *tn_binary_(tn_binary_op op, tn_tensor *a, const tn_tensor *b) {
  if (!bop_valid(op)) return tn__error(TN_ERROR_RUNTIME, "invalid binary op %d", (int)op);
  if (!a) return check_args(binary_names[op], a, "input", 1, b, "other", 2), NULL;
  if (tn__ag_wants_inplace(a, b)) return tn__ag_binary(op, a, b, NULL, a);
  return binary_impl(op, a, b, a, NULL);
}

static bool alpha_is_one(tn_scalar s) {
  switch (s.kind) {
  case TN_SCALAR_BOOL: return s.v.b;
  case TN_SCALAR_INT: return s.v.i == 1;
  case TN_SCALAR_FLOAT: return s.v.f == 1.0;
  }
  return false;
}

/* a - alpha * b is add with -alpha, as in PyTorch (integers wrap). */
static tn_scalar negate_scalar(tn_scalar s) {
  if (s.kind == TN_SCALAR_INT) return tn_scalar_int((int64_t)((uint64_t)0 - (uint64_t)s.v.i));
  if (s.kind == TN_SCALAR_FLOAT) return tn_scalar_float(-s.v.f);
  return s;
}

static tn_tensor *add_sub_alpha(bool sub, const tn_tensor *a, const tn_tensor *b, tn_scalar alpha, tn_tensor *self) {
  if (self ? tn__ag_wants_inplace(self, b) : tn__ag_wants(a, b, NULL))
    return tn__ag_binary(sub ? TN_BINARY_SUB : TN__EW_ADD_ALPHA, a, b, &alpha, self);
  if (sub) {
    /* sub's own checks come first */
    if (check_args("sub", a, "input", 1, b, "other", 2) < 0) return NULL;
    if (a->dtype == TN_DTYPE_BOOL || b->dtype == TN_DTYPE_BOOL) return binary_impl(TN_BINARY_SUB, a, b, self, NULL);
  }
  if (alpha_is_one(alpha) && alpha.kind != TN_SCALAR_BOOL)
    return binary_impl(sub ? TN_BINARY_SUB : TN_BINARY_ADD, a, b, self, NULL);
  tn_scalar al = sub ? negate_scalar(alpha) : alpha;
  return binary_impl(TN__EW_ADD_ALPHA, a, b, self, &al);
}

tn_tensor *tn_add_alpha(const tn_tensor *a, const tn_tensor *b, tn_scalar alpha) {
  return add_sub_alpha(false, a, b, alpha, NULL);
}
tn_tensor *tn_sub_alpha(const tn_tensor *a, const tn_tensor *b, tn_scalar alpha) {
  return add_sub_alpha(true, a, b, alpha, NULL);
}
tn_tensor *tn_add_alpha_(tn_tensor *a, const tn_tensor *b, tn_scalar alpha) {
  if (!a) return check_args("add", a, "input", 1, b, "other", 2), NULL;
  return add_sub_alpha(false, a, b, alpha, a);
}
tn_tensor *tn_sub_alpha_(tn_tensor *a, const tn_tensor *b, tn_scalar alpha) {
  if (!a) return check_args("sub", a, "input", 1, b, "other", 2), NULL;
  return add_sub_alpha(true, a, b, alpha, a);
}

tn_tensor *tn_rsub(const tn_tensor *self, const tn_tensor *other, tn_scalar alpha) {
  if (!self || !other) return check_args("rsub", self, "input", 1, other, "other", 2), NULL;
  if (tn__ag_wants(self, other, NULL)) return tn__ag_rsub(self, other, alpha);
  return tn_sub_alpha(other, self, alpha);
}

tn_tensor *tn_add(const tn_tensor *a, const tn_tensor *b) { return tn_binary(TN_BINARY_ADD, a, b); }
tn_tensor *tn_sub(const tn_tensor *a, const tn_tensor *b) { return tn_binary(TN_BINARY_SUB, a, b); }
tn_tensor *tn_mul(const tn_tensor *a, const tn_tensor *b) { return tn_binary(TN_BINARY_MUL, a, b); }
tn_tensor *tn_div(const tn_tensor *a, const tn_tensor *b) { return tn_binary(TN_BINARY_DIV, a, b); }

/* ----- unary ops ----- */

/* Runs a unary kernel on `a` (already in the kernel's dtype), into self or a new tensor. */
static tn_tensor *unary_kernel(int uop, const tn_tensor *a, tn_tensor *self, kctx *ctx, tn_dtype out_dtype) {
  tn__loop_fn fn = ew_unary(uop, a->dtype);
  if (!fn) return not_implemented(tn__ew_unary_kernel_name[uop], a->dtype), NULL;
  const tn_tensor *ins[1] = {a};
  return run_kernel(fn, ctx, out_dtype, a->ndim, a->shape, 1, ins, self);
}

static bool uop_float_result(int op) {
  return (op >= TN_UNARY_EXP && op <= TN_UNARY_SIGMOID) || op == TN_UNARY_RECIPROCAL;
}
static bool uop_bool_result(int op) { return op == TN_UNARY_LOGICAL_NOT || op >= TN_UNARY_ISNAN; }

static tn_tensor *unary_impl(tn_unary_op op, const tn_tensor *a, tn_tensor *self) {
  if (op < 0 || op >= TN_UNARY_COUNT) return tn__error(TN_ERROR_RUNTIME, "invalid unary op %d", (int)op);
  if (check_args(unary_names[op], a, "input", 1, NULL, NULL, 0) < 0) return NULL;
  if (op == TN_UNARY_NEG && a->dtype == TN_DTYPE_BOOL)
    return tn__error(TN_ERROR_RUNTIME, "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                                       "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  if (op == TN_UNARY_RELU && a->dtype == TN_DTYPE_BOOL)
    return tn__error(TN_ERROR_RUNTIME, "Boolean inputs not supported for relu");
  if (self && op >= TN_UNARY_ISNAN)
    return tn__error(TN_ERROR_TYPE, "'Tensor' object has no attribute '%s_'", unary_names[op]);
  tn_dtype ct = a->dtype; /* computation dtype */
  if (uop_float_result(op) && !is_float(ct)) ct = tn_get_default_dtype();
  if (op == TN_UNARY_SQUARE && ct == TN_DTYPE_BOOL) {
    if (self) return tn__error(TN_ERROR_RUNTIME, "Found dtype Bool but expected Long");
    ct = TN_DTYPE_INT64; /* square is pow(x, 2): bool ** int gives int64 */
  }
  tn_dtype kout = uop_bool_result(op) ? TN_DTYPE_BOOL : ct;
  if (self) {
    if (tn__check_no_internal_overlap(self) < 0) return NULL;
    if (!uop_bool_result(op) && !can_cast(ct, self->dtype)) return cast_error(ct, self->dtype), NULL;
  }
  if (tn__cuda_any(a, self, NULL)) return tn__cuda_unary(op, a, self, ct, kout);
  if (!tn__ew_unary[op][ct]) return not_implemented(tn__ew_unary_kernel_name[op], ct), NULL;
  tn_tensor *ac = as_dtype(a, ct);
  if (!ac) return NULL;
  kctx ctx = {0};
  tn_tensor *r = unary_kernel(op, ac, self, &ctx, kout);
  tn_release(ac);
  return r;
}

tn_tensor *tn_unary(tn_unary_op op, const tn_tensor *a) {
  if (tn__ag_wants(a, NULL, NULL)) return tn__ag_unary(op, a, NULL);
  return unary_impl(op, a, NULL);
}

tn_tensor *tn_unary_(tn_unary_op op, tn_tensor *a) {
  if (!a) return check_args(tn_unary_op_name(op), a, "input", 1, NULL, NULL, 0), NULL;
  if (tn__ag_wants_inplace(a, NULL)) return tn__ag_unary(op, a, a);
  return unary_impl(op, a, a);
}

/* ----- clamp ----- */

static tn_tensor *clamp_impl(const tn_tensor *a, const tn_scalar *min, const tn_scalar *max, tn_tensor *self) {
  if (check_args("clamp", a, "input", 1, NULL, NULL, 0) < 0) return NULL;
  if (!min && !max) return tn__error(TN_ERROR_RUNTIME, "torch.clamp: At least one of 'min' or 'max' must not be None");
  if (tn__is_cuda(a) && is_float(a->dtype) && (!self || self == a)) {
    /* on the device: min(max(a, lo), hi) with the maximum / minimum kernels, which give NaN for a NaN
     * element or bound, as clamp does */
    tn_tensor *r = tn_retain((tn_tensor *)a);
    const tn_scalar *bound[2] = {min, max};
    for (int k = 0; k < 2 && r; k++) {
      if (!bound[k]) continue;
      tn_tensor *s = tn_wrap_scalar(*bound[k]);
      tn_binary_op op = k == 0 ? TN_BINARY_MAXIMUM : TN_BINARY_MINIMUM;
      tn_tensor *next = s ? tn_binary(op, r, s) : NULL;
      tn_release(s);
      tn_release(r);
      r = next;
    }
    if (r && self) { /* one write into self: one version step, as PyTorch's clamp_ */
      tn_tensor *w = tn_copy_(self, r);
      tn_release(r);
      r = w;
    }
    return r;
  }
  tn_dtype rt = a->dtype;
  if (!is_float(rt)) {
    /* the scalars take part in type promotion as wrapped numbers */
    tn_tensor *smin = min ? tn_wrap_scalar(*min) : NULL, *smax = max ? tn_wrap_scalar(*max) : NULL;
    if ((min && !smin) || (max && !smax)) {
      tn_release(smin);
      tn_release(smax);
      return NULL;
    }
    tn_dtype t1 = tn_result_type(smin, smax);
    tn_release(smin);
    tn_release(smax);
    /* result_type(self, min, max): self's dims dominate the wrapped numbers' category */
    tn_tensor *probe = tn__new(0, NULL, t1);
    if (!probe) return NULL;
    probe->wrapped_number = true;
    rt = tn_result_type(a, probe);
    tn_release(probe);
    if (self && rt != self->dtype)
      return tn__error(TN_ERROR_RUNTIME, "result type %s can't be cast to the desired output type %s", tn__scalar_type_name(rt),
                       tn__cpp_type_name(self->dtype));
  }
  if (self && tn__check_no_internal_overlap(self) < 0) return NULL;
  int uop = min && max ? TN__EW_CLAMP : min ? TN__EW_CLAMPMIN : TN__EW_CLAMPMAX;
  bool nan_fill = min && max && (isnan(tn_scalar_to_double(*min)) || isnan(tn_scalar_to_double(*max)));
  if (!nan_fill && !tn__ew_unary[uop][rt]) return not_implemented(tn__ew_unary_kernel_name[uop], rt), NULL;
  kctx ctx = {0};
  if (min) {
    if (check_scalar_fits(*min, rt) < 0) return NULL;
    scalar_typed(*min, rt, &ctx.i1, &ctx.f1, &ctx.d1);
  }
  if (max) {
    if (check_scalar_fits(*max, rt) < 0) return NULL;
    scalar_typed(*max, rt, &ctx.i2, &ctx.f2, &ctx.d2);
  }
  tn_tensor *ac = as_dtype(a, rt);
  if (!ac) return NULL;
  tn_tensor *r;
  if (nan_fill) {
    /* PyTorch fills with NaN when a bound is NaN */
    tn_tensor *nan = tn_scalar_tensor(tn_scalar_float(NAN), TN_OPTS(rt));
    const tn_tensor *ins[1] = {ac};
    r = !nan ? NULL : self ? tn_retain(self) : alloc_output(ac->ndim, ac->shape, rt, 1, ins);
    if (r && tn__copy_raw(r, nan) < 0) {
      tn_release(r);
      r = NULL;
    }
    if (r && self) tn_bump_version(self);
    tn_release(nan);
  } else {
    r = unary_kernel(uop, ac, self, &ctx, rt);
  }
  tn_release(ac);
  return r;
}

tn_tensor *tn_clamp(const tn_tensor *a, const tn_scalar *min, const tn_scalar *max) {
  if (tn__ag_wants(a, NULL, NULL)) return tn__ag_clamp(a, min, max, NULL);
  return clamp_impl(a, min, max, NULL);
}

tn_tensor *tn_clamp_(tn_tensor *a, const tn_scalar *min, const tn_scalar *max) {
  if (!a) return check_args("clamp_", a, "input", 1, NULL, NULL, 0), NULL;
  if (tn__ag_wants_inplace(a, NULL)) return tn__ag_clamp(a, min, max, a);
  return clamp_impl(a, min, max, a);
}

/* ----- where ----- */

tn_tensor *tn_where(const tn_tensor *cond, const tn_tensor *a, const tn_tensor *b) {
  if (tn__ag_wants(a, b, NULL) && cond) return tn__ag_where(cond, a, b);
  if (check_args("where", cond, "condition", 1, a, "input", 2) < 0) return NULL;
  if (check_args("where", b, "other", 3, NULL, NULL, 0) < 0) return NULL;
  if (cond->dtype != TN_DTYPE_BOOL && cond->dtype != TN_DTYPE_UINT8)
    return tn__error(TN_ERROR_RUNTIME, "where expected condition to be a boolean tensor, but got a tensor with dtype %s",
                     tn__scalar_type_name(cond->dtype));
  int32_t n1, ndim;
  int64_t s1[TN_MAX_DIMS], shape[TN_MAX_DIMS];
  if (tn_broadcast_shapes(cond->ndim, cond->shape, a->ndim, a->shape, &n1, s1) < 0) return NULL;
  if (tn_broadcast_shapes(n1, s1, b->ndim, b->shape, &ndim, shape) < 0) return NULL;
  tn_dtype rt = tn_result_type(a, b);
  tn_tensor *ac = as_dtype(a, rt), *bc = as_dtype(b, rt);
  tn_tensor *r = NULL;
  if (ac && bc) {
    const tn_tensor *ins[3] = {cond, ac, bc};
    kctx ctx = {0};
    r = run_kernel(ew_where(tn__dtype_traits[rt].size), &ctx, rt, ndim, shape, 3, ins, NULL);
  }
  tn_release(ac);
  tn_release(bc);
  return r;
}

/* ----- allclose / equal ----- */

/* Every element of a bool tensor true? */
static void all_loop(void *ctx, int64_t n, char **data, const int64_t *s) {
  bool *all = ctx;
  for (int64_t i = 0; i < n && *all; i++)
    if (!*(const uint8_t *)(data[0] + i * s[0])) *all = false;
}

static bool all_true(const tn_tensor *t) {
  bool all = true;
  const tn_tensor *ops[1] = {t};
  tn__iter it;
  tn__iter_init(&it, t->ndim, t->shape, 1, ops);
  tn__iter_run(&it, all_loop, &all);
  return all;
}

/* torch.isclose(...).all(), built from the same ops PyTorch composes it from. */
int tn_allclose(const tn_tensor *a, const tn_tensor *b, double rtol, double atol, bool equal_nan, bool *out) {
  if (check_args("allclose", a, "input", 1, b, "other", 2) < 0) return -1;
  if (a->dtype != b->dtype) return tn__errorf(TN_ERROR_RUNTIME, "%s did not match %s", tn__scalar_type_name(a->dtype), tn__scalar_type_name(b->dtype));
  if (!(rtol >= 0)) return tn__errorf(TN_ERROR_RUNTIME, "rtol must be greater than or equal to zero, but got %g", rtol);
  if (!(atol >= 0)) return tn__errorf(TN_ERROR_RUNTIME, "atol must be greater than or equal to zero, but got %g", atol);
  tn_tensor *close = tn_binary(TN_BINARY_EQ, a, b);
  if (!close) return -1;
  tn_tensor *tmp[8] = {NULL};
  int rc = -1;
  if (equal_nan && is_float(a->dtype)) {
    tmp[0] = tn_unary(TN_UNARY_ISNAN, a);
    tmp[1] = tn_unary(TN_UNARY_ISNAN, b);
    if (!tmp[0] || !tmp[1]) goto done;
    tmp[2] = tn_binary(TN_BINARY_LOGICAL_AND, tmp[0], tmp[1]);
    if (!tmp[2]) goto done;
    tn_tensor *c2 = tn_binary(TN_BINARY_LOGICAL_OR, close, tmp[2]);
    if (!c2) goto done;
    tn_release(close);
    close = c2;
    for (int k = 0; k < 3; k++) {
      tn_release(tmp[k]);
      tmp[k] = NULL;
    }
  }
  if (rtol != 0 || atol != 0) {
    tn_dtype def = tn_get_default_dtype();
    tn_tensor *ca = a->dtype == TN_DTYPE_BOOL ? tn_to_dtype(a, def, false) : tn_retain((tn_tensor *)a);
    tn_tensor *cb = b->dtype == TN_DTYPE_BOOL ? tn_to_dtype(b, def, false) : tn_retain((tn_tensor *)b);
    tmp[6] = ca;
    tmp[7] = cb;
    if (!ca || !cb) goto done;
    tn_tensor *sr = tn_wrap_scalar(tn_scalar_float(rtol)), *sa = tn_wrap_scalar(tn_scalar_float(atol));
    tmp[4] = sr;
    tmp[5] = sa;
    if (!sr || !sa) goto done;
    tn_tensor *x = tn_binary(TN_BINARY_MUL, sr, cb); /* rtol * other */
    if (!x) goto done;
    tn_tensor *y = tn_unary(TN_UNARY_ABS, x);
    tn_release(x);
    if (!y) goto done;
    tn_tensor *allowed = tn_binary(TN_BINARY_ADD, sa, y); /* atol + |rtol * other| */
    tn_release(y);
    if (!allowed) goto done;
    tn_tensor *d = tn_binary(TN_BINARY_SUB, ca, cb);
    tn_tensor *actual = d ? tn_unary(TN_UNARY_ABS, d) : NULL;
    tn_release(d);
    tn_tensor *fin = actual ? tn_unary(TN_UNARY_ISFINITE, actual) : NULL;
    tn_tensor *le = actual ? tn_binary(TN_BINARY_LE, actual, allowed) : NULL;
    tn_tensor *ok = fin && le ? tn_binary(TN_BINARY_LOGICAL_AND, fin, le) : NULL;
    tn_tensor *c2 = ok ? tn_binary(TN_BINARY_LOGICAL_OR, close, ok) : NULL;
    tn_release(actual);
    tn_release(allowed);
    tn_release(fin);
    tn_release(le);
    tn_release(ok);
    if (!c2) goto done;
    tn_release(close);
    close = c2;
  }
  *out = all_true(close);
  rc = 0;
done:
  for (int k = 0; k < 8; k++) tn_release(tmp[k]);
  tn_release(close);
  return rc;
}

int tn_equal(const tn_tensor *a, const tn_tensor *b, bool *out) {
  if (check_args("equal", a, "input", 1, b, "other", 2) < 0) return -1;
  if (!same_shape(a, b)) {
    *out = false;
    return 0;
  }
  tn_tensor *eq = tn_binary(TN_BINARY_EQ, a, b);
  if (!eq) return -1;
  *out = all_true(eq);
  tn_release(eq);
  return 0;
}
