/* creation.c — torch.empty, zeros, ones, full, eye, arange, linspace, tensor(data), the *_like
 * forms, and tensors over memory someone else owns. */
#include "tn-internal.h"

#include <stdio.h>
#include <stdlib.h>

int tn__check_cpu(tn_options opts) {
  if (opts.device.type != TN_DEVICE_CPU)
    return tn__errorf(TN_ERROR_RUNTIME, "Torch not compiled with CUDA enabled");
  return 0;
}

static tn_tensor *new_checked(int32_t ndim, const int64_t *shape, tn_options opts, tn_dtype dtype) {
  if (tn__check_cpu(opts) < 0) return NULL;
  return tn__new(ndim, shape, dtype);
}

tn_tensor *tn_empty(int32_t ndim, const int64_t *shape, tn_options opts) {
  if (opts.device.type == TN_DEVICE_CUDA) { /* made on the device: nothing to copy */
    if (tn__cuda_check_device(opts.device) < 0 || tn__check_shape(ndim, shape) < 0) return NULL;
    return tn__cuda_empty(ndim, shape, tn__dtype_or_default(opts.dtype), opts.device);
  }
  return new_checked(ndim, shape, opts, tn__dtype_or_default(opts.dtype));
}

tn_tensor *tn_empty_strided(int32_t ndim, const int64_t *shape, const int64_t *strides, tn_options opts) {
  TN__CREATE_ON_DEVICE(opts, tn_empty_strided(ndim, shape, strides, opts));
  if (tn__check_cpu(opts) < 0 || tn__check_shape(ndim, shape) < 0) return NULL;
  tn_dtype dtype = tn__dtype_or_default(opts.dtype);
  /* storage for the furthest element the strides reach */
  int64_t extent = 1;
  for (int32_t d = 0; d < ndim; d++) {
    if (shape[d] == 0) {
      extent = 0;
      break;
    }
    if (strides[d] < 0) return tn__error(TN_ERROR_RUNTIME, "as_strided: Negative strides are not supported at the moment, got strides: [%lld]", (long long)strides[d]);
    extent += (shape[d] - 1) * strides[d];
  }
  int64_t one = extent;
  tn_tensor *t = tn__new(1, &one, dtype);
  if (!t) return NULL;
  t->ndim = ndim;
  if (ndim) {
    memcpy(t->shape, shape, (size_t)ndim * sizeof *shape);
    memcpy(t->strides, strides, (size_t)ndim * sizeof *strides);
  }
  tn__update_numel(t);
  return t;
}

tn_tensor *tn_zeros(int32_t ndim, const int64_t *shape, tn_options opts) {
  tn_tensor *t = tn_empty(ndim, shape, opts); /* on the device for a CUDA one, filled there */
  if (t && tn__is_cuda(t) && tn__cuda_fill(t, tn_scalar_int(0)) < 0) {
    tn_release(t);
    return NULL;
  }
  if (t && !tn__is_cuda(t)) memset(t->storage->data, 0, t->storage->nbytes);
  return t;
}

tn_tensor *tn_full(int32_t ndim, const int64_t *shape, tn_scalar value, tn_options opts) {
  /* a CUDA tensor is made and filled on its device (tn_empty, tn_fill_) */
  if (!tn__dtype_valid(opts.dtype)) opts.dtype = tn__scalar_dtype(value);
  tn_tensor *t = tn_empty(ndim, shape, opts);
  if (!t) return NULL;
  tn_tensor *r = tn_fill_(t, value);
  tn_release(r);
  t->storage->version = 0;
  return t;
}

tn_tensor *tn_ones(int32_t ndim, const int64_t *shape, tn_options opts) {
  opts.dtype = tn__dtype_or_default(opts.dtype);
  return tn_full(ndim, shape, tn_scalar_int(1), opts);
}

tn_tensor *tn_eye(int64_t n, int64_t m, tn_options opts) {
  TN__CREATE_ON_DEVICE(opts, tn_eye(n, m, opts));
  if (n < 0) return tn__error(TN_ERROR_RUNTIME, "n must be greater or equal to 0, got %lld", (long long)n);
  if (m == -1) m = n;
  if (m < 0) return tn__error(TN_ERROR_RUNTIME, "m must be greater or equal to 0, got %lld", (long long)m);
  int64_t shape[2] = {n, m};
  tn_tensor *t = tn_zeros(2, shape, opts);
  if (!t) return NULL;
  size_t esize = tn__dtype_traits[t->dtype].size;
  unsigned char one[8];
  tn__store_int64(one, t->dtype, 1);
  char *p = tn__data(t);
  for (int64_t i = 0; i < n && i < m; i++) memcpy(p + (size_t)(i * m + i) * esize, one, esize);
  return t;
}

/* A scalar as c10::Scalar prints in C++ error messages (ostream: "%g" for doubles). */
static const char *scalar_text(tn_scalar s, char *buf, size_t n) {
  if (s.kind == TN_SCALAR_FLOAT)
    snprintf(buf, n, "%g", s.v.f);
  else
    snprintf(buf, n, "%lld", (long long)(s.kind == TN_SCALAR_BOOL ? s.v.b : s.v.i));
  return buf;
}

/* Vector width (elements) of PyTorch's AVX2 kernels for this dtype: its contiguous range kernels
 * compute each 2-vector block from a base rounded to the output dtype, which we reproduce. */
static int64_t avx2_lanes(tn_dtype d) {
  return d == TN_DTYPE_FLOAT64 || d == TN_DTYPE_INT64 ? 4
         : d == TN_DTYPE_FLOAT32 || d == TN_DTYPE_INT32 ? 8
         : d == TN_DTYPE_FLOAT16 || d == TN_DTYPE_BFLOAT16 || d == TN_DTYPE_INT16 ? 16
                                                                                   : 32;
}

tn_tensor *tn_arange(tn_scalar start, tn_scalar end, tn_scalar step, tn_options opts) {
  TN__CREATE_ON_DEVICE(opts, tn_arange(start, end, step, opts));
  if (!tn__dtype_valid(opts.dtype)) {
    bool any_float = start.kind == TN_SCALAR_FLOAT || end.kind == TN_SCALAR_FLOAT || step.kind == TN_SCALAR_FLOAT;
    opts.dtype = any_float ? tn_get_default_dtype() : TN_DTYPE_INT64;
  }
  tn_dtype dtype = opts.dtype;
  bool floating = tn_dtype_is_floating(dtype);
  double xs = tn_scalar_to_double(start), xe = tn_scalar_to_double(end), xstep = tn_scalar_to_double(step);
  char b1[64], b2[64];
  if (!isfinite(xs) || !isfinite(xe))
    return tn__error(TN_ERROR_RUNTIME, "unsupported range: %s -> %s", scalar_text(start, b1, sizeof b1),
                     scalar_text(end, b2, sizeof b2));
  if (xstep == 0) return tn__error(TN_ERROR_RUNTIME, "step must be nonzero");
  if (!((xstep > 0 && xe >= xs) || (xstep < 0 && xe <= xs)))
    return tn__error(TN_ERROR_RUNTIME, "upper bound and larger bound inconsistent with step sign");
  /* PyTorch converts the bounds to the accumulation type first: int64 for integral dtypes, so
   * arange(0.5, 9.7, 1.3, dtype=int64) is arange(0, 9, 1). */
  int64_t is = 0, ie = 0, istep = 0;
  if (!floating) {
    is = start.kind == TN_SCALAR_FLOAT ? tn__double_to_int64(xs) : start.kind == TN_SCALAR_INT ? start.v.i : start.v.b;
    ie = end.kind == TN_SCALAR_FLOAT ? tn__double_to_int64(xe) : end.kind == TN_SCALAR_INT ? end.v.i : end.v.b;
    istep = step.kind == TN_SCALAR_FLOAT ? tn__double_to_int64(xstep) : step.kind == TN_SCALAR_INT ? step.v.i : step.v.b;
    if (istep == 0) return tn__error(TN_ERROR_RUNTIME, "step must be nonzero");
    if (!((istep > 0 && ie >= is) || (istep < 0 && ie <= is)))
      return tn__error(TN_ERROR_RUNTIME, "upper bound and larger bound inconsistent with step sign");
  }
  double size_d;
  if (dtype == TN_DTYPE_INT64)
    size_d = ceil((double)(int64_t)((uint64_t)ie - (uint64_t)is) / (double)istep);
  else
    size_d = ceil((xe - xs) / xstep);
  int64_t n = (int64_t)size_d;
  tn_tensor *t = tn_empty(1, &n, opts);
  if (!t) return NULL;
  char *p = tn__data(t);
  size_t esize = tn__dtype_traits[dtype].size;
  if (floating) {
    /* PyTorch computes start + step * i in double; its vectorised blocks of 2W elements round the
     * block's base to the dtype first and add k * step to that. */
    int64_t w = avx2_lanes(dtype), vec_end = n / (2 * w) * (2 * w);
    for (int64_t i = 0; i < n; i++) {
      double v;
      if (i < vec_end) {
        int64_t base_i = i / w * w;
        double base = xs + xstep * (double)base_i;
        unsigned char tmp[8];
        tn__store_double(tmp, dtype, base);
        v = tn__load_double(tmp, dtype) + (double)(i - base_i) * xstep;
      } else {
        v = xs + xstep * (double)i;
      }
      tn__store_double(p + (size_t)i * esize, dtype, v);
    }
  } else {
    for (int64_t i = 0; i < n; i++)
      tn__store_int64(p + (size_t)i * esize, dtype, (int64_t)((uint64_t)is + (uint64_t)istep * (uint64_t)i));
  }
  return t;
}

tn_tensor *tn_linspace(tn_scalar start, tn_scalar end, int64_t steps, tn_options opts) {
  TN__CREATE_ON_DEVICE(opts, tn_linspace(start, end, steps, opts));
  if (steps < 0) return tn__error(TN_ERROR_RUNTIME, "number of steps must be non-negative");
  tn_tensor *t = tn_empty(1, &steps, opts);
  if (!t) return NULL;
  tn_dtype dtype = t->dtype;
  char *p = tn__data(t);
  size_t esize = tn__dtype_traits[dtype].size;
  double xs = tn_scalar_to_double(start), xe = tn_scalar_to_double(end);
  if (steps == 1) {
    tn__store_double(p, dtype, xs);
    return t;
  }
  int64_t halfway = steps / 2;
  if (dtype == TN_DTYPE_FLOAT32) {
    /* PyTorch computes in the output dtype: step = (end - start) / (steps - 1), the first half
     * counted up from start, the second half down from end. Its AVX2 kernel fills blocks of
     * 2 x 8 lanes: each 8-lane vector starts from a base computed like a scalar element (the
     * compiler contracts start + step * i into one fused multiply-add), and its lanes are
     * base + k * step in plain float arithmetic. */
    float fs = (float)xs, fe = (float)xe, fstep = (fe - fs) / (float)(steps - 1);
    float *out = (float *)p;
    int64_t w = 8, vec_end = steps / (2 * w) * (2 * w);
    for (int64_t i = 0; i < steps; i++) {
      int64_t j = i < vec_end ? i / w * w : i;
      float base = j < halfway ? fmaf(fstep, (float)j, fs) : fmaf(-fstep, (float)(steps - j - 1), fe);
      out[i] = i < vec_end ? base + (float)(i - j) * fstep : base;
    }
  } else if (dtype == TN_DTYPE_FLOAT64) {
    double step = (xe - xs) / (double)(steps - 1);
    double *out = (double *)p;
    int64_t w = 4, vec_end = steps / (2 * w) * (2 * w);
    for (int64_t i = 0; i < steps; i++) {
      int64_t j = i < vec_end ? i / w * w : i;
      double base = j < halfway ? fma(step, (double)j, xs) : fma(-step, (double)(steps - j - 1), xe);
      out[i] = i < vec_end ? base + (double)(i - j) * step : base;
    }
  } else if (tn_dtype_is_floating(dtype)) {
    /* float16 / bfloat16: every operation rounds to the dtype, as c10::Half arithmetic does */
    unsigned char b0[2], b1[2], b2[2];
    tn__store_double(b0, dtype, xs);
    tn__store_double(b1, dtype, xe);
    double hs = tn__load_double(b0, dtype), he = tn__load_double(b1, dtype);
    tn__store_double(b2, dtype, (he - hs) / (double)(float)(steps - 1));
    double hstep = tn__load_double(b2, dtype);
    for (int64_t i = 0; i < steps; i++) {
      unsigned char prod[2];
      tn__store_double(prod, dtype, hstep * (double)(float)(i < halfway ? i : steps - i - 1));
      double term = tn__load_double(prod, dtype);
      tn__store_double(p + (size_t)i * esize, dtype, i < halfway ? hs + term : he - term);
    }
  } else {
    double step = (xe - xs) / (double)(steps - 1);
    for (int64_t i = 0; i < steps; i++)
      tn__store_int64(p + (size_t)i * esize, dtype,
                      tn__double_to_int64(i < halfway ? xs + step * (double)i : xe - step * (double)(steps - i - 1)));
  }
  return t;
}

static tn_options like_opts(const tn_tensor *t, tn_options opts) {
  if (!tn__dtype_valid(opts.dtype)) opts.dtype = t->dtype;
  return opts;
}

/* The *_like forms keep a dense input's layout (memory_format=torch.preserve_format). */
tn_tensor *tn_empty_like(const tn_tensor *t, tn_options opts) {
  if (tn__is_cuda(t) && opts.device.type == TN_DEVICE_CPU && opts.device.index < 0) opts.device = t->device; /* like t (an explicit CPU, index 0, stays) */
  TN__CREATE_ON_DEVICE(opts, tn_empty_like(t, opts));
  int64_t strides[TN_MAX_DIMS];
  tn__preserved_strides(t, strides);
  return tn_empty_strided(t->ndim, t->shape, strides, like_opts(t, opts));
}

tn_tensor *tn_full_like(const tn_tensor *t, tn_scalar value, tn_options opts) {
  if (tn__is_cuda(t) && opts.device.type == TN_DEVICE_CPU && opts.device.index < 0) opts.device = t->device; /* like t (an explicit CPU, index 0, stays) */
  TN__CREATE_ON_DEVICE(opts, tn_full_like(t, value, opts));
  tn_tensor *r = tn_empty_like(t, opts);
  if (!r) return NULL;
  tn_release(tn_fill_(r, value));
  r->storage->version = 0;
  return r;
}

tn_tensor *tn_zeros_like(const tn_tensor *t, tn_options opts) { return tn_full_like(t, tn_scalar_int(0), opts); }
tn_tensor *tn_ones_like(const tn_tensor *t, tn_options opts) { return tn_full_like(t, tn_scalar_int(1), opts); }

tn_tensor *tn_from_scalars(int32_t ndim, const int64_t *shape, const tn_scalar *values, tn_options opts) {
  TN__CREATE_ON_DEVICE(opts, tn_from_scalars(ndim, shape, values, opts));
  int64_t n = tn__shape_numel(ndim, shape);
  if (!tn__dtype_valid(opts.dtype)) {
    /* torch.tensor's inference: any float makes the default dtype, else any int makes int64, else
     * bool; no elements at all makes the default dtype. */
    tn_dtype d = n == 0 ? tn_get_default_dtype() : TN_DTYPE_BOOL;
    for (int64_t i = 0; i < n; i++) {
      if (values[i].kind == TN_SCALAR_FLOAT) {
        d = tn_get_default_dtype();
        break;
      }
      if (values[i].kind == TN_SCALAR_INT) d = TN_DTYPE_INT64;
    }
    opts.dtype = d;
  }
  tn_tensor *t = tn_empty(ndim, shape, opts);
  if (!t) return NULL;
  char *p = tn__data(t);
  size_t esize = tn__dtype_traits[t->dtype].size;
  for (int64_t i = 0; i < n; i++) tn__store_scalar(p + (size_t)i * esize, t->dtype, values[i]);
  return t;
}

tn_tensor *tn_scalar_tensor(tn_scalar s, tn_options opts) { return tn_from_scalars(0, NULL, &s, opts); }

tn_tensor *tn_wrap_scalar(tn_scalar s) {
  /* PyTorch wraps Python floats as double, ints as int64, bools as bool. */
  tn_dtype d = s.kind == TN_SCALAR_FLOAT ? TN_DTYPE_FLOAT64 : s.kind == TN_SCALAR_INT ? TN_DTYPE_INT64 : TN_DTYPE_BOOL;
  tn_tensor *t = tn__new(0, NULL, d);
  if (!t) return NULL;
  tn__store_scalar(t->storage->data, d, s);
  t->wrapped_number = true;
  return t;
}

tn_tensor *tn_from_blob(void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, tn_dtype dtype,
                        void (*free_fn)(void *ctx), void *free_ctx) {
  if (tn__check_shape(ndim, shape) < 0) return NULL;
  tn_tensor *t = tn__header_new();
  tn_storage *s = malloc(sizeof *s);
  if (!t || !s) {
    free(t);
    free(s);
    return tn__error_alloc(sizeof *t);
  }
  int64_t extent = 1;
  for (int32_t d = 0; d < ndim; d++) extent += shape[d] ? (shape[d] - 1) * (strides ? strides[d] : 1) : 0;
  *s = (tn_storage){.refcount = 1,
                    .device = TN_DEVICE_CPU_VALUE,
                    .data = data,
                    .nbytes = (size_t)extent * tn__dtype_traits[dtype].size,
                    .free_fn = free_fn,
                    .free_ctx = free_ctx};
  t->refcount = 1;
  t->storage = s;
  t->dtype = dtype;
  t->device = TN_DEVICE_CPU_VALUE;
  t->ndim = ndim;
  if (ndim) memcpy(t->shape, shape, (size_t)ndim * sizeof *shape);
  if (strides)
    memcpy(t->strides, strides, (size_t)ndim * sizeof *strides);
  else
    tn__contiguous_strides(ndim, shape, t->strides);
  tn__update_numel(t);
  return t;
}
