/* view.c — views and shape operations: the geometry (shape, strides, storage offset) PyTorch 1.13
 * computes for each, with its error messages. Views share storage through tn__new_view; the few
 * operations that must copy (reshape of an incompatible layout, cat, stack, repeat) say so. */
#include "tn-internal.h"
#include "tn-cuda.h"

#include <stdio.h>
#include <stdlib.h>

/* ----- helpers ----- */


/* A size list the caller forgot: Python would have raised a TypeError before getting here. */
#define CHECK_LIST(n, p)                                                                                               \
  do {                                                                                                                 \
    if ((n) > 0 && !(p)) return tn__error(TN_ERROR_TYPE, "%s(): argument 'size' must be tuple of ints", __func__ + 3); \
  } while (0)

static int check_ndim(int64_t ndim) {
  if (ndim < 0 || ndim > TN_MAX_DIMS)
    return tn__errorf(TN_ERROR_RUNTIME, "tensors with more than %d dimensions are not supported", TN_MAX_DIMS);
  return 0;
}

/* Stride arithmetic wraps as ATen's does in practice, without C's undefined signed overflow (only
 * reachable with strides as_strided allows on size-0 and size-1 dims). */
static inline int64_t wmul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

/* c10's numel check: the product of the sizes, in unsigned arithmetic, must not overflow (a later
 * zero does not excuse an earlier overflow). */
static int check_numel(int32_t ndim, const int64_t *shape) {
  uint64_t n = 1;
  bool overflow = false;
  for (int32_t d = 0; d < ndim; d++) overflow |= __builtin_mul_overflow(n, (uint64_t)shape[d], &n);
  if (overflow || n > (uint64_t)INT64_MAX)
    return tn__errorf(TN_ERROR_RUNTIME, "numel: integer multiplication overflow");
  return 0;
}

/* a view of t with t's own geometry (PyTorch's alias()) */
static tn_tensor *alias(const tn_tensor *t) { return tn__new_view(t, t->ndim, t->shape, t->strides, t->offset); }


/* The type names expand() prints: "torch.FloatTensor" (bool and bfloat16 have no legacy name). */
static const char *legacy_type_name(tn_dtype d) {
  static const char *const names[TN_DTYPE_COUNT] = {
      [TN_DTYPE_BOOL] = "CPUBoolType",       [TN_DTYPE_UINT8] = "torch.ByteTensor",
      [TN_DTYPE_INT8] = "torch.CharTensor",       [TN_DTYPE_INT16] = "torch.ShortTensor",
      [TN_DTYPE_INT32] = "torch.IntTensor",       [TN_DTYPE_INT64] = "torch.LongTensor",
      [TN_DTYPE_FLOAT16] = "torch.HalfTensor",    [TN_DTYPE_BFLOAT16] = "CPUBFloat16Type",
      [TN_DTYPE_FLOAT32] = "torch.FloatTensor",   [TN_DTYPE_FLOAT64] = "torch.DoubleTensor",
  };
  return tn__dtype_valid(d) ? names[d] : "UndefinedType";
}

/* ATen's infer_size: resolves one -1 against numel. out may alias nothing in shape. */
static int infer_size(int32_t ndim, const int64_t *shape, int64_t numel, int64_t *out) {
  if (check_ndim(ndim) < 0) return -1;
  int64_t newsize = 1;
  int32_t infer_dim = -1;
  bool overflow = false;
  for (int32_t d = 0; d < ndim; d++) {
    if (shape[d] == -1) {
      if (infer_dim >= 0) return tn__errorf(TN_ERROR_RUNTIME, "only one dimension can be inferred");
      infer_dim = d;
    } else if (shape[d] >= 0) {
      if (shape[d] != 0 && newsize > INT64_MAX / shape[d])
        overflow = true; /* such a product can only match numel when a later size is 0 */
      else
        newsize *= shape[d];
    } else {
      return tn__errorf(TN_ERROR_RUNTIME, "invalid shape dimension %lld", (long long)shape[d]);
    }
    out[d] = shape[d];
  }
  if (overflow) {
    bool has_zero = false;
    for (int32_t d = 0; d < ndim; d++) has_zero = has_zero || shape[d] == 0;
    newsize = has_zero ? 0 : -2; /* -2: matches no numel */
  }
  if (numel == newsize || (infer_dim >= 0 && newsize > 0 && numel % newsize == 0)) {
    if (infer_dim >= 0) {
      if (newsize == 0) {
        char buf[400];
        return tn__errorf(TN_ERROR_RUNTIME,
                          "cannot reshape tensor of 0 elements into shape %s because the unspecified dimension "
                          "size -1 can be any value and is ambiguous",
                          LIST(buf, ndim, shape));
      }
      out[infer_dim] = numel / newsize;
    }
    return 0;
  }
  char buf[400];
  return tn__errorf(TN_ERROR_RUNTIME, "shape '%s' is invalid for input of size %lld", LIST(buf, ndim, shape),
                    (long long)numel);
}

/* ATen's computeStride: strides for viewing (oldshape, oldstride) as newshape without copying, or
 * false when some new dim would span two non-contiguous chunks. */
static bool compute_stride(int32_t oldn, const int64_t *oldshape, const int64_t *oldstride, int32_t newn,
                           const int64_t *newshape, int64_t *newstride) {
  if (oldn == 0) {
    for (int32_t d = 0; d < newn; d++) newstride[d] = 1;
    return true;
  }
  int64_t numel = 1;
  for (int32_t d = 0; d < oldn; d++) numel *= oldshape[d];
  if (numel == 0) {
    bool same = oldn == newn;
    for (int32_t d = 0; same && d < oldn; d++) same = oldshape[d] == newshape[d];
    if (same) {
      memcpy(newstride, oldstride, (size_t)newn * sizeof *newstride);
      return true;
    }
    /* strides as if computed by resize */
    for (int32_t d = newn - 1; d >= 0; d--)
      newstride[d] = d == newn - 1 ? 1 : wmul(newshape[d + 1] > 1 ? newshape[d + 1] : 1, newstride[d + 1]);
    return true;
  }
  int32_t view_d = newn - 1;
  int64_t chunk_base_stride = oldstride[oldn - 1];
  int64_t tensor_numel = 1, view_numel = 1;
  for (int32_t tensor_d = oldn - 1; tensor_d >= 0; tensor_d--) {
    tensor_numel *= oldshape[tensor_d];
    if (tensor_d == 0 ||
        (oldshape[tensor_d - 1] != 1 && oldstride[tensor_d - 1] != wmul(tensor_numel, chunk_base_stride))) {
      while (view_d >= 0 && (view_numel < tensor_numel || newshape[view_d] == 1)) {
        newstride[view_d] = wmul(view_numel, chunk_base_stride);
        view_numel *= newshape[view_d];
        view_d--;
      }
      if (view_numel != tensor_numel) return false;
      if (tensor_d > 0) {
        chunk_base_stride = oldstride[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}

/* ----- as_strided, view, reshape ----- */

tn_tensor *tn_as_strided(const tn_tensor *t, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int64_t offset) {
  CHECK_LIST(ndim, shape);
  CHECK_LIST(ndim, strides);
  if (check_ndim(ndim) < 0) return NULL;
  char b1[400], b2[400];
  for (int32_t d = 0; d < ndim; d++)
    if (strides[d] < 0)
      return tn__error(TN_ERROR_RUNTIME, "as_strided: Negative strides are not supported at the moment, got strides: %s",
                       LIST(b1, ndim, strides));
  /* c10's computeStorageNbytes, in unsigned arithmetic with overflow checks */
  uint64_t itemsize = tn__dtype_traits[t->dtype].size, nbytes = 1;
  bool overflow = false, empty = false;
  for (int32_t d = 0; d < ndim; d++) {
    if (shape[d] == 0) {
      empty = true;
      break;
    }
    uint64_t extent;
    overflow |= __builtin_mul_overflow((uint64_t)strides[d], (uint64_t)shape[d] - 1, &extent);
    overflow |= __builtin_add_overflow(nbytes, extent, &nbytes);
  }
  if (!empty) {
    overflow |= __builtin_mul_overflow(nbytes, itemsize, &nbytes);
    if (overflow || nbytes > INT64_MAX)
      return tn__error(TN_ERROR_RUNTIME, "Storage size calculation overflowed with sizes=%s and strides=%s",
                       LIST(b1, ndim, shape), LIST(b2, ndim, strides));
    int64_t offset_bytes = 0;
    if (__builtin_mul_overflow(offset, (int64_t)itemsize, &offset_bytes) ||
        (int64_t)nbytes + offset_bytes > (int64_t)t->storage->nbytes) {
      return tn__error(TN_ERROR_RUNTIME,
                       "setStorage: sizes %s, strides %s, storage offset %lld, and itemsize %llu requiring a "
                       "storage size of %lld are out of bounds for storage of size %llu",
                       LIST(b1, ndim, shape), LIST(b2, ndim, strides), (long long)offset,
                       (unsigned long long)itemsize, (long long)((int64_t)nbytes + offset_bytes),
                       (unsigned long long)t->storage->nbytes);
    }
  }
  if (offset < 0) return tn__error(TN_ERROR_RUNTIME, "Tensor: invalid storage offset %lld", (long long)offset);
  for (int32_t d = 0; d < ndim; d++) /* only reachable with a zero stride or an empty tensor */
    if (shape[d] < 0)
      return tn__error(TN_ERROR_RUNTIME, "Storage size calculation overflowed with sizes=%s and strides=%s",
                       LIST(b1, ndim, shape), LIST(b2, ndim, strides));
  if (check_numel(ndim, shape) < 0) return NULL; /* zero strides allow huge sizes */
  return tn__ag_view(t, tn__new_view(t, ndim, shape, strides, offset), "AsStridedBackward0");
}

tn_tensor *tn_view(const tn_tensor *t, int32_t ndim, const int64_t *shape) {
  CHECK_LIST(ndim, shape);
  int64_t size[TN_MAX_DIMS], stride[TN_MAX_DIMS];
  if (infer_size(ndim, shape, t->numel, size) < 0) return NULL;
  if (!compute_stride(t->ndim, t->shape, t->strides, ndim, size, stride))
    return tn__error(TN_ERROR_RUNTIME,
                     "view size is not compatible with input tensor's size and stride (at least one dimension spans "
                     "across two contiguous subspaces). Use .reshape(...) instead.");
  return tn__ag_view(t, tn__new_view(t, ndim, size, stride, t->offset), "ViewBackward0");
}

tn_tensor *tn_reshape(const tn_tensor *t, int32_t ndim, const int64_t *shape) {
  CHECK_LIST(ndim, shape);
  int64_t size[TN_MAX_DIMS], stride[TN_MAX_DIMS];
  if (infer_size(ndim, shape, t->numel, size) < 0) return NULL;
  if (compute_stride(t->ndim, t->shape, t->strides, ndim, size, stride))
    return tn__ag_view(t, tn__new_view(t, ndim, size, stride, t->offset), "ReshapeAliasBackward0");
  /* a contiguous copy, viewed with the new shape (not a view of t) */
  tn_tensor *out = tn__new(t->ndim, t->shape, t->dtype);
  if (!out) return NULL;
  if (tn__copy_raw(out, t) < 0) {
    tn_release(out);
    return NULL;
  }
  out->ndim = ndim;
  memcpy(out->shape, size, (size_t)ndim * sizeof *size);
  tn__contiguous_strides(ndim, size, out->strides);
  return tn__ag_view(t, out, "UnsafeViewBackward0");
}

/* ----- transposes ----- */

/* t with dims d0 and d1 swapped (an alias, no history); perm receives the permutation. */
static tn_tensor *swapped(const tn_tensor *t, int64_t d0, int64_t d1, int64_t *perm) {
  for (int32_t i = 0; i < t->ndim; i++) perm[i] = i;
  tn_tensor *out = alias(t);
  if (!out || d0 == d1 || t->ndim == 0) return out;
  perm[d0] = d1;
  perm[d1] = d0;
  int64_t s = out->shape[d0], st = out->strides[d0];
  out->shape[d0] = out->shape[d1];
  out->strides[d0] = out->strides[d1];
  out->shape[d1] = s;
  out->strides[d1] = st;
  return out;
}

tn_tensor *tn_transpose(const tn_tensor *t, int64_t dim0, int64_t dim1) {
  int64_t d0 = tn_wrap_dim(dim0, t->ndim);
  if (d0 < 0) return NULL;
  int64_t d1 = tn_wrap_dim(dim1, t->ndim);
  if (d1 < 0) return NULL;
  int64_t perm[TN_MAX_DIMS];
  tn_tensor *out = swapped(t, d0, d1, perm);
  return tn__ag_permute(t, out, t->ndim, perm, "TransposeBackward0");
}

tn_tensor *tn_t(const tn_tensor *t) {
  if (t->ndim > 2)
    return tn__error(TN_ERROR_RUNTIME, "t() expects a tensor with <= 2 dimensions, but self is %dD", (int)t->ndim);
  int64_t perm[TN_MAX_DIMS];
  tn_tensor *out = swapped(t, 0, t->ndim < 2 ? 0 : 1, perm);
  return tn__ag_permute(t, out, t->ndim, perm, "TBackward0");
}

tn_tensor *tn_permute(const tn_tensor *t, int32_t ndim, const int64_t *dims) {
  CHECK_LIST(ndim, dims);
  if (ndim != t->ndim)
    return tn__error(TN_ERROR_RUNTIME,
                     "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
                     "desired ordering of dimensions i.e. input.dim() = %d is not equal to len(dims) = %d",
                     (int)t->ndim, (int)ndim);
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS], perm[TN_MAX_DIMS];
  bool seen[TN_MAX_DIMS] = {false};
  for (int32_t i = 0; i < ndim; i++) {
    int64_t d = tn_wrap_dim(dims[i], ndim);
    if (d < 0) return NULL;
    if (seen[d]) return tn__error(TN_ERROR_RUNTIME, "permute(): duplicate dims are not allowed.");
    seen[d] = true;
    perm[i] = d;
    shape[i] = t->shape[d];
    strides[i] = t->strides[d];
  }
  return tn__ag_permute(t, tn__new_view(t, ndim, shape, strides, t->offset), ndim, perm, "PermuteBackward0");
}

/* ----- adding and removing dims ----- */

tn_tensor *tn_unsqueeze(const tn_tensor *t, int64_t dim) {
  int64_t d = tn_wrap_dim(dim, (int64_t)t->ndim + 1);
  if (d < 0 || check_ndim((int64_t)t->ndim + 1) < 0) return NULL;
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  /* the inserted dim gets the stride that spans the dim it precedes */
  int64_t new_stride = d >= t->ndim ? 1 : wmul(t->shape[d], t->strides[d]);
  for (int32_t i = 0, j = 0; i <= t->ndim; i++) {
    if (i == d) {
      shape[i] = 1;
      strides[i] = new_stride;
    } else {
      shape[i] = t->shape[j];
      strides[i] = t->strides[j];
      j++;
    }
  }
  return tn__ag_view(t, tn__new_view(t, t->ndim + 1, shape, strides, t->offset), "UnsqueezeBackward0");
}

tn_tensor *tn_squeeze(const tn_tensor *t) {
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  int32_t n = 0;
  for (int32_t d = 0; d < t->ndim; d++)
    if (t->shape[d] != 1) {
      shape[n] = t->shape[d];
      strides[n] = t->strides[d];
      n++;
    }
  return tn__ag_view(t, tn__new_view(t, n, shape, strides, t->offset), "SqueezeBackward0");
}

tn_tensor *tn_squeeze_dim(const tn_tensor *t, int64_t dim) {
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  if (t->ndim == 0 || t->shape[d] != 1) return tn__ag_view(t, alias(t), "SqueezeBackward1");
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  int32_t n = 0;
  for (int32_t i = 0; i < t->ndim; i++)
    if (i != d) {
      shape[n] = t->shape[i];
      strides[n] = t->strides[i];
      n++;
    }
  return tn__ag_view(t, tn__new_view(t, n, shape, strides, t->offset), "SqueezeBackward1");
}

/* ----- broadcasting views ----- */

tn_tensor *tn_expand(const tn_tensor *t, int32_t ndim, const int64_t *sizes) {
  CHECK_LIST(ndim, sizes);
  char b1[400], b2[400];
  if (ndim < t->ndim)
    return tn__error(TN_ERROR_RUNTIME,
                     "expand(%s{%s}, size=%s): the number of sizes provided (%d) must be greater or equal to the "
                     "number of dimensions in the tensor (%d)",
                     legacy_type_name(t->dtype), LIST(b1, t->ndim, t->shape), LIST(b2, ndim, sizes), (int)ndim,
                     (int)t->ndim);
  if (check_ndim(ndim) < 0) return NULL;
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  if (t->ndim == 0) { /* ATen takes the sizes as given, every stride 0 */
    for (int32_t i = 0; i < ndim; i++) {
      if (sizes[i] < 0) return tn__error(TN_ERROR_RUNTIME, "numel: integer multiplication overflow");
      shape[i] = sizes[i];
      strides[i] = 0;
    }
    if (check_numel(ndim, shape) < 0) return NULL;
    return tn__ag_view(t, tn__new_view(t, ndim, shape, strides, t->offset), "ExpandBackward0");
  }
  for (int32_t i = ndim - 1; i >= 0; i--) {
    int32_t offset = ndim - 1 - i, dim = t->ndim - 1 - offset;
    int64_t size = dim >= 0 ? t->shape[dim] : 1;
    int64_t stride = dim >= 0 ? t->strides[dim] : wmul(shape[i + 1], strides[i + 1]);
    int64_t target = sizes[i];
    if (target == -1) {
      if (dim < 0)
        return tn__error(TN_ERROR_RUNTIME,
                         "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension %d",
                         (int)i);
      target = size;
    }
    if (size != target) {
      if (size != 1)
        return tn__error(TN_ERROR_RUNTIME,
                         "The expanded size of the tensor (%lld) must match the existing size (%lld) at non-singleton "
                         "dimension %d.  Target sizes: %s.  Tensor sizes: %s",
                         (long long)target, (long long)size, (int)i, LIST(b1, ndim, sizes),
                         LIST(b2, t->ndim, t->shape));
      size = target;
      stride = 0;
    }
    shape[i] = size;
    strides[i] = stride;
  }
  for (int32_t i = 0; i < ndim; i++)
    if (shape[i] < 0) /* a negative target where the tensor had size 1: numel's check in ATen */
      return tn__error(TN_ERROR_RUNTIME, "numel: integer multiplication overflow");
  if (check_numel(ndim, shape) < 0) return NULL;
  return tn__ag_view(t, tn__new_view(t, ndim, shape, strides, t->offset), "ExpandBackward0");
}

tn_tensor *tn_expand_as(const tn_tensor *t, const tn_tensor *other) { return tn_expand(t, other->ndim, other->shape); }

tn_tensor *tn_broadcast_to(const tn_tensor *t, int32_t ndim, const int64_t *shape) {
  return tn_expand(t, ndim, shape);
}

/* ----- selecting along one dim ----- */

tn_tensor *tn_select(const tn_tensor *t, int64_t dim, int64_t index) {
  if (t->ndim == 0) return tn__error(TN_ERROR_INDEX, "select() cannot be applied to a 0-dim tensor.");
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  int64_t size = t->shape[d];
  if (index < -size || index >= size) {
    char buf[400];
    return tn__error(TN_ERROR_INDEX, "select(): index %lld out of range for tensor of size %s at dimension %lld",
                     (long long)index, LIST(buf, t->ndim, t->shape), (long long)d);
  }
  if (index < 0) index += size;
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  int32_t n = 0;
  for (int32_t i = 0; i < t->ndim; i++)
    if (i != d) {
      shape[n] = t->shape[i];
      strides[n] = t->strides[i];
      n++;
    }
  return tn__ag_view(t, tn__new_view(t, n, shape, strides, t->offset + wmul(index, t->strides[d])), "SelectBackward0");
}

/* at::slice after Python's slice unpacking: bounds clamp, step > 0. */
static tn_tensor *slice_impl(const tn_tensor *t, int64_t d, int64_t start, int64_t end, int64_t step) {
  int64_t size = t->shape[d];
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0)
    start = 0;
  else if (start >= size)
    start = size;
  if (end < start)
    end = start;
  else if (end >= size)
    end = size;
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  memcpy(shape, t->shape, (size_t)t->ndim * sizeof *shape);
  memcpy(strides, t->strides, (size_t)t->ndim * sizeof *strides);
  int64_t len = end - start;
  shape[d] = len / step + (len % step != 0);
  strides[d] = wmul(t->strides[d], step);
  return tn__ag_view(t, tn__new_view(t, t->ndim, shape, strides, t->offset + wmul(start, t->strides[d])), "SliceBackward0");
}

tn_tensor *tn_slice(const tn_tensor *t, int64_t dim, bool has_start, int64_t start, bool has_stop, int64_t stop,
                    int64_t step) {
  if (step == 0) return tn__error(TN_ERROR_VALUE, "slice step cannot be zero");
  if (step < 0) return tn__error(TN_ERROR_VALUE, "step must be greater than zero");
  if (t->ndim == 0) return tn__error(TN_ERROR_INDEX, "slice() cannot be applied to a 0-dim tensor.");
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  return slice_impl(t, d, has_start ? start : 0, has_stop ? stop : INT64_MAX, step);
}

tn_tensor *tn_narrow(const tn_tensor *t, int64_t dim, int64_t start, int64_t length) {
  if (t->ndim == 0) return tn__error(TN_ERROR_RUNTIME, "narrow() cannot be applied to a 0-dim tensor.");
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  int64_t size = t->shape[d];
  if (start != size) {
    /* ATen wraps start like a dim index */
    start = tn_wrap_dim(start, size);
    if (start < 0) return NULL;
  }
  if (length < 0 || start > size - length)
    return tn__error(TN_ERROR_RUNTIME, "start (%lld) + length (%lld) exceeds dimension size (%lld).",
                     (long long)start, (long long)length, (long long)size);
  return slice_impl(t, d, start, start + length, 1);
}

/* ----- flatten / unflatten ----- */

tn_tensor *tn_flatten(const tn_tensor *t, int64_t start_dim, int64_t end_dim) {
  int64_t s = tn_wrap_dim(start_dim, t->ndim);
  if (s < 0) return NULL;
  int64_t e = tn_wrap_dim(end_dim, t->ndim);
  if (e < 0) return NULL;
  if (s > e) return tn__error(TN_ERROR_RUNTIME, "flatten() has invalid args: start_dim cannot come after end_dim");
  if (t->ndim == 0) {
    int64_t one = 1;
    return tn_reshape(t, 1, &one);
  }
  if (s == e) return tn_retain((tn_tensor *)t);
  int64_t shape[TN_MAX_DIMS];
  int32_t n = 0;
  for (int32_t i = 0; i < s; i++) shape[n++] = t->shape[i];
  int64_t prod = 1;
  for (int64_t i = s; i <= e; i++) prod *= t->shape[i];
  shape[n++] = prod;
  for (int32_t i = (int32_t)e + 1; i < t->ndim; i++) shape[n++] = t->shape[i];
  return tn_reshape(t, n, shape);
}

tn_tensor *tn_unflatten(const tn_tensor *t, int64_t dim, int32_t nsizes, const int64_t *sizes) {
  CHECK_LIST(nsizes, sizes);
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  if (nsizes <= 0) return tn__error(TN_ERROR_RUNTIME, "unflatten: sizes must be non-empty");
  if (t->ndim == 0) /* self.size(dim) of a 0-dim tensor */
    return tn__error(TN_ERROR_INDEX, "Dimension specified as %lld but tensor has no dimensions", (long long)d);
  if (check_ndim((int64_t)t->ndim - 1 + nsizes) < 0) return NULL;
  int64_t dim_size = t->shape[d];
  int64_t inferred[TN_MAX_DIMS];
  if (infer_size(nsizes, sizes, dim_size, inferred) < 0) {
    /* ATen rewrites infer_size's std::runtime_error messages (not its c10 errors) */
    const char *msg = tn_error_message();
    char buf[400];
    if (strstr(msg, "is invalid for input of size"))
      return tn__error(TN_ERROR_RUNTIME,
                       "unflatten: Provided sizes %s don't multiply up to the size of dim %lld (%lld) in the input "
                       "tensor",
                       LIST(buf, nsizes, sizes), (long long)d, (long long)dim_size);
    if (strcmp(msg, "only one dimension can be inferred") == 0)
      return tn__error(TN_ERROR_RUNTIME, "unflatten got an unexpected error:\nonly one dimension can be inferred");
    return NULL;
  }
  int64_t shape[TN_MAX_DIMS];
  int32_t n = 0;
  for (int32_t i = 0; i < d; i++) shape[n++] = t->shape[i];
  for (int32_t i = 0; i < nsizes; i++) shape[n++] = inferred[i];
  for (int32_t i = (int32_t)d + 1; i < t->ndim; i++) shape[n++] = t->shape[i];
  return tn_view(t, n, shape);
}

/* ----- diagonal ----- */

/* diag_embed's output shape: t's dims but the last, with two dims of size n + |offset| at dim1 and
 * dim2 (wrapped for ndim + 1 dims). */
static int embed_shape(const tn_tensor *t, int64_t offset, int64_t *dim1, int64_t *dim2, int64_t *shape) {
  int32_t nd = t->ndim + 1;
  int64_t d1 = tn_wrap_dim(*dim1, nd);
  if (d1 < 0) return -1;
  int64_t d2 = tn_wrap_dim(*dim2, nd);
  if (d2 < 0) return -1;
  if (d1 == d2)
    return tn__errorf(TN_ERROR_RUNTIME, "diagonal dimensions cannot be identical %lld, %lld", (long long)*dim1,
                      (long long)*dim2);
  int64_t last = t->ndim ? t->shape[t->ndim - 1] : 1, n = last + (offset < 0 ? -offset : offset);
  for (int32_t i = 0, k = 0; i < nd; i++) shape[i] = (i == d1 || i == d2) ? n : t->shape[k++];
  *dim1 = d1;
  *dim2 = d2;
  return 0;
}

/* zeros of `shape` with t (its last dim along the diagonal) written on the (offset, dim1, dim2)
 * diagonal; positions: the flat index in the result of each element of t, for the backward. */
static tn_tensor *embed(const tn_tensor *t, int64_t offset, int64_t dim1, int64_t dim2, const int64_t *shape,
                        tn_tensor **positions) {
  int32_t nd = t->ndim + 1;
  tn_tensor *out = tn_zeros(nd, shape, TN_OPTS(t->dtype)), *diag = out ? tn_diagonal(out, offset, dim1, dim2) : NULL;
  if (diag) {
    tn_tensor *src = t->ndim ? tn_retain((tn_tensor *)t) : tn_view(t, 1, (int64_t[]){1});
    if (!src || tn__copy_raw(diag, src) < 0) {
      tn_release(src);
      tn_release(diag);
      tn_release(out);
      return NULL;
    }
    tn_release(src);
  }
  tn_release(diag);
  if (out && positions) {
    tn_tensor *ar = tn_arange(tn_scalar_int(0), tn_scalar_int(out->numel), tn_scalar_int(1), TN_OPTS(TN_DTYPE_INT64));
    tn_tensor *arv = ar ? tn_view(ar, nd, shape) : NULL;
    tn_tensor *pd = arv ? tn_diagonal(arv, offset, dim1, dim2) : NULL;
    tn_tensor *pc = pd ? tn_contiguous(pd) : NULL;
    *positions = pc ? tn_view(pc, t->ndim, t->shape) : NULL;
    tn_release(pc), tn_release(pd), tn_release(arv), tn_release(ar);
    if (!*positions) {
      tn_release(out);
      return NULL;
    }
  }
  return out;
}

static tn_tensor *diag_embed_named(const tn_tensor *t, int64_t offset, int64_t dim1, int64_t dim2, const char *name) {
  int64_t shape[TN_MAX_DIMS + 1];
  if (check_ndim((int64_t)t->ndim + 1) < 0 || embed_shape(t, offset, &dim1, &dim2, shape) < 0) return NULL;
  bool w = tn__ag_wants(t, NULL, NULL) && tn_dtype_is_floating(t->dtype);
  tn_tensor *pos = NULL;
  bool prev = tn_set_grad_enabled(false);
  tn_tensor *out;
  if (tn__is_cuda(t)) { /* on a host view; the result and the positions to t's device */
    tn_tensor *h, *res[2] = {NULL, NULL};
    tn_device dev;
    if (tn__cuda_host_args(1, &t, &h, &dev) < 0) {
      tn_set_grad_enabled(prev);
      return NULL;
    }
    res[0] = embed(h, offset, dim1, dim2, shape, w ? &res[1] : NULL);
    tn__cuda_host_done(1, &h, NULL, dev);
    tn__cuda_host_results(res[0] ? 0 : -1, dev, 2, res);
    out = res[0], pos = res[1];
  } else {
    out = embed(t, offset, dim1, dim2, shape, w ? &pos : NULL);
  }
  tn_set_grad_enabled(prev);
  if (!out || !w) return out;
  return tn__ag_placed(t, out, pos, name);
}

tn_tensor *tn_diag_embed(const tn_tensor *t, int64_t offset, int64_t dim1, int64_t dim2) {
  if (!t) return tn__error(TN_ERROR_TYPE, "diag_embed(): argument 'input' (position 1) must be Tensor, not NoneType");
  return diag_embed_named(t, offset, dim1, dim2, "DiagEmbedBackward0");
}

typedef struct {
  int64_t k;
} diag_ctx;
static tn_tensor *diag_pick(const tn_tensor *t, void *c) {
  tn_tensor *d = tn_diagonal(t, ((diag_ctx *)c)->k, 0, 1);
  tn_tensor *r = d ? tn_contiguous(d) : NULL;
  if (r == d) { /* contiguous returned d itself: a copy is wanted */
    tn_release(r);
    r = tn_clone(d);
  }
  tn_release(d);
  return r;
}

tn_tensor *tn_diag(const tn_tensor *t, int64_t diagonal) {
  if (!t) return tn__error(TN_ERROR_TYPE, "diag(): argument 'input' (position 1) must be Tensor, not NoneType");
  if (t->ndim == 1) return diag_embed_named(t, diagonal, 0, 1, "DiagBackward0");
  if (t->ndim != 2) return tn__error(TN_ERROR_RUNTIME, "matrix or a vector expected");
  diag_ctx c = {diagonal};
  if (tn__ag_wants(t, NULL, NULL) && tn_dtype_is_floating(t->dtype)) return tn__ag_picked(t, "DiagBackward0", diag_pick, &c);
  bool prev = tn_set_grad_enabled(false);
  tn_tensor *r = diag_pick(t, &c);
  tn_set_grad_enabled(prev);
  return r;
}

tn_tensor *tn_diagonal(const tn_tensor *t, int64_t offset, int64_t dim1_, int64_t dim2_) {
  int64_t dim1 = tn_wrap_dim(dim1_, t->ndim);
  if (dim1 < 0) return NULL;
  int64_t dim2 = tn_wrap_dim(dim2_, t->ndim);
  if (dim2 < 0) return NULL;
  if (dim1 == dim2)
    return tn__error(TN_ERROR_RUNTIME, "diagonal dimensions cannot be identical %lld, %lld", (long long)dim1_,
                     (long long)dim2_);
  int64_t n1 = t->shape[dim1], n2 = t->shape[dim2], diag_size, storage_offset = t->offset;
  /* offset > 0 drops leading columns (dim2), offset < 0 leading rows (dim1); saturate huge offsets */
  if (offset >= 0)
    diag_size = offset >= n2 ? 0 : (n1 < n2 - offset ? n1 : n2 - offset);
  else
    diag_size = offset <= -n1 ? 0 : (n1 + offset < n2 ? n1 + offset : n2);
  if (diag_size > 0) {
    if (offset >= 0)
      storage_offset += offset * t->strides[dim2];
    else
      storage_offset -= offset * t->strides[dim1];
  }
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  int32_t n = 0;
  for (int32_t i = 0; i < t->ndim; i++)
    if (i != dim1 && i != dim2) {
      shape[n] = t->shape[i];
      strides[n] = t->strides[i];
      n++;
    }
  shape[n] = diag_size;
  strides[n] = (int64_t)((uint64_t)t->strides[dim1] + (uint64_t)t->strides[dim2]);
  n++;
  return tn__ag_view(t, tn__new_view(t, n, shape, strides, storage_offset), "DiagonalBackward0");
}

/* ----- view(dtype) ----- */

tn_tensor *tn_view_dtype(const tn_tensor *t, tn_dtype dtype) {
  if (!tn__dtype_valid(dtype)) return tn__error(TN_ERROR_TYPE, "view(): invalid dtype");
  if (dtype == t->dtype) return tn_retain((tn_tensor *)t);
  int64_t old_size = (int64_t)tn__dtype_traits[t->dtype].size, new_size = (int64_t)tn__dtype_traits[dtype].size;
  const char *from = tn__scalar_type_name(t->dtype), *to = tn__scalar_type_name(dtype);
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS], offset = t->offset;
  int32_t n = t->ndim;
  memcpy(shape, t->shape, (size_t)n * sizeof *shape);
  memcpy(strides, t->strides, (size_t)n * sizeof *strides);
  if (old_size != new_size) {
    if (n == 0)
      return tn__error(TN_ERROR_RUNTIME, "self.dim() cannot be 0 to view %s as %s (different element sizes)", from, to);
    if (old_size > new_size) {
      int64_t ratio = old_size / new_size;
      if (strides[n - 1] != 1)
        return tn__error(TN_ERROR_RUNTIME,
                         "self.stride(-1) must be 1 to view %s as %s (different element sizes), but got %lld", from, to,
                         (long long)strides[n - 1]);
      for (int32_t i = 0; i < n - 1; i++) strides[i] = wmul(strides[i], ratio);
      shape[n - 1] *= ratio;
      offset *= ratio;
    } else {
      int64_t ratio = new_size / old_size;
      if (shape[n - 1] % ratio != 0)
        return tn__error(TN_ERROR_RUNTIME,
                         "self.size(-1) must be divisible by %lld to view %s as %s (different element sizes), but got "
                         "%lld",
                         (long long)ratio, from, to, (long long)shape[n - 1]);
      if (offset % ratio != 0)
        return tn__error(TN_ERROR_RUNTIME,
                         "self.storage_offset() must be divisible by %lld to view %s as %s (different element sizes), "
                         "but got %lld",
                         (long long)ratio, from, to, (long long)offset);
      if (strides[n - 1] != 1)
        return tn__error(TN_ERROR_RUNTIME,
                         "self.stride(-1) must be 1 to view %s as %s (different element sizes), but got %lld", from, to,
                         (long long)strides[n - 1]);
      for (int32_t i = 0; i < n - 1; i++) {
        if (strides[i] % ratio != 0)
          return tn__error(TN_ERROR_RUNTIME,
                           "self.stride(%d) must be divisible by %lld to view %s as %s (different element sizes), but "
                           "got %lld",
                           (int)i, (long long)ratio, from, to, (long long)strides[i]);
        strides[i] /= ratio;
      }
      shape[n - 1] /= ratio;
      offset /= ratio;
    }
  }
  tn_tensor *out = tn__new_view(t, n, shape, strides, offset);
  if (out) out->dtype = dtype;
  return out;
}

/* ----- cat and stack ----- */

/* c10's is_channels_last_strides_2d_s4: whether a 4-D tensor's strides suggest channels-last (NHWC
 * in memory), which cat's output then keeps. */
static bool strides_like_channels_last(const tn_tensor *t) {
  if (t->ndim != 4 || t->strides[1] == 0) return false;
  static const int order[4] = {1, 3, 2, 0};
  int64_t min = 0;
  for (int k = 0; k < 4; k++) {
    int d = order[k];
    if (t->shape[d] == 0 || t->strides[d] < min) return false;
    if (d == 0 && min == t->strides[1]) return false; /* ambiguous N111-like layouts stay NCHW */
    min = t->strides[d];
    if (t->shape[d] > 1) min = wmul(min, t->shape[d]);
  }
  return true;
}

/* cat skips 1-D empty tensors, PyTorch's legacy rule */
static bool cat_skip(const tn_tensor *t) { return t->ndim == 1 && t->shape[0] == 0; }

/* The runner hands lists straight through: a missing element is Python's TypeError. */
static int check_list(const char *fn, int32_t n, tn_tensor *const *tensors) {
  if (n > 0 && !tensors) return tn__errorf(TN_ERROR_TYPE, "%s(): argument 'tensors' must be tuple of Tensors", fn);
  for (int32_t i = 0; i < n; i++)
    if (!tensors[i])
      return tn__errorf(TN_ERROR_TYPE, "expected Tensor as element %d in argument 0, but got NoneType", (int)i);
  return 0;
}

tn_tensor *tn_cat(int32_t n, tn_tensor *const *tensors, int64_t dim) {
  if (check_list("cat", n, tensors) < 0) return NULL;
  for (int32_t i = 0; i < n; i++)
    if (tn__ag_wants(tensors[i], NULL, NULL)) return tn__ag_cat(false, n, tensors, dim);
  /* CUDA inputs: the result is made on their device and each input copied into its slab there */
  bool on_cuda = tn__cuda_in_list(n, tensors);
  tn_device dev = TN_DEVICE_CPU_VALUE;
  for (int32_t i = 0; on_cuda && i < n; i++) {
    if (!tn__is_cuda(tensors[i])) {
      char a[16], b[16];
      for (int32_t j = 0; j < n; j++)
        if (tn__is_cuda(tensors[j])) dev = tensors[j]->device;
      return tn__error(TN_ERROR_RUNTIME,
                       "Expected all tensors to be on the same device, but found at least two devices, %s and %s!",
                       tn_device_format(dev, a, sizeof a), tn_device_format(TN_DEVICE_CPU_VALUE, b, sizeof b));
    }
    dev = tensors[i]->device;
  }
  for (int32_t i = 0; i < n; i++)
    if (tensors[i]->ndim == 0)
      return tn__error(TN_ERROR_RUNTIME, "zero-dimensional tensor (at position %d) cannot be concatenated", (int)i);
  int32_t valid = -1;
  for (int32_t i = 0; i < n && valid < 0; i++)
    if (!cat_skip(tensors[i])) valid = i;
  if (valid >= 0) {
    dim = tn_wrap_dim(dim, tensors[valid]->ndim);
    if (dim < 0) return NULL;
  }
  if (n <= 0) return tn__error(TN_ERROR_RUNTIME, "torch.cat(): expected a non-empty list of Tensors");
  /* 1.13 promotes across every input (none is 0-dim, so plain promote_types) */
  tn_dtype dtype = tensors[0]->dtype;
  for (int32_t i = 1; i < n; i++) dtype = tn_promote_types(dtype, tensors[i]->dtype);
  if (valid < 0) {
    int64_t zero = 0;
    return on_cuda ? tn__cuda_empty(1, &zero, dtype, dev) : tn__new(1, &zero, dtype);
  }
  const tn_tensor *first = tensors[valid];
  int64_t size_at_dim = 0;
  for (int32_t i = 0; i < n; i++) {
    const tn_tensor *t = tensors[i];
    if (cat_skip(t)) continue;
    if (t->ndim != first->ndim)
      return tn__error(TN_ERROR_RUNTIME, "Tensors must have same number of dimensions: got %d and %d",
                       (int)first->ndim, (int)t->ndim);
    for (int32_t d = 0; d < first->ndim; d++)
      if (d != dim && t->shape[d] != first->shape[d])
        return tn__error(TN_ERROR_RUNTIME,
                         "Sizes of tensors must match except in dimension %lld. Expected size %lld but got size %lld "
                         "for tensor number %d in the list.",
                         (long long)dim, (long long)first->shape[d], (long long)t->shape[d], (int)i);
    size_at_dim += t->shape[dim];
  }
  int64_t shape[TN_MAX_DIMS];
  memcpy(shape, first->shape, (size_t)first->ndim * sizeof *shape);
  shape[dim] = size_at_dim;
  tn_tensor *out;
  bool channels_last = true; /* every input (skipped ones too) suggests channels-last */
  for (int32_t i = 0; i < n && channels_last; i++) channels_last = strides_like_channels_last(tensors[i]);
  if (channels_last && first->ndim == 4) {
    int64_t st[4];
    st[1] = 1;
    st[3] = shape[1];
    st[2] = st[3] * shape[3];
    st[0] = st[2] * shape[2];
    out = on_cuda ? tn__cuda_empty_strided(4, shape, st, dtype, dev) : tn_empty_strided(4, shape, st, TN_OPTS(dtype));
  } else {
    out = on_cuda ? tn__cuda_empty(first->ndim, shape, dtype, dev) : tn__new(first->ndim, shape, dtype);
  }
  if (!out || out->numel == 0) return out;
  /* copy each input into its slab of the output */
  size_t esize = tn__dtype_traits[dtype].size;
  int64_t at = 0;
  for (int32_t i = 0; i < n; i++) {
    const tn_tensor *t = tensors[i];
    if (cat_skip(t) || t->shape[dim] == 0) continue;
    tn_tensor slab = *out;
    slab.shape[dim] = t->shape[dim];
    slab.numel = t->numel;
    slab.offset = at * out->strides[dim];
    slab.view_base = NULL;
    at += t->shape[dim];
    if (on_cuda) { /* a device copy into the slab (a view of out's memory) */
      if (tn__cuda_copy(&slab, t) < 0) {
        tn_release(out);
        return NULL;
      }
      continue;
    }
    if (dim == 0 && t->dtype == dtype && tn_is_contiguous(t) && tn_is_contiguous(out)) {
      memcpy(tn__data(&slab), tn__data(t), (size_t)t->numel * esize);
      continue;
    }
    if (tn__copy_raw(&slab, t) < 0) {
      tn_release(out);
      return NULL;
    }
  }
  return out;
}

tn_tensor *tn_stack(int32_t n, tn_tensor *const *tensors, int64_t dim) {
  if (check_list("stack", n, tensors) < 0) return NULL;
  for (int32_t i = 0; i < n; i++)
    if (tn__ag_wants(tensors[i], NULL, NULL)) return tn__ag_cat(true, n, tensors, dim);
  if (n <= 0) return tn__error(TN_ERROR_RUNTIME, "stack expects a non-empty TensorList");
  const tn_tensor *first = tensors[0];
  int64_t d = tn_wrap_dim(dim, (int64_t)first->ndim + 1);
  if (d < 0 || check_ndim((int64_t)first->ndim + 1) < 0) return NULL;
  tn_tensor *out = NULL;
  char b1[400], b2[400];
  for (int32_t i = 1; i < n; i++) {
    const tn_tensor *t = tensors[i];
    bool same = t->ndim == first->ndim;
    for (int32_t k = 0; same && k < t->ndim; k++) same = t->shape[k] == first->shape[k];
    if (!same)
      return tn__error(TN_ERROR_RUNTIME,
                       "stack expects each tensor to be equal size, but got %s at entry 0 and %s at entry %d",
                       LIST(b1, first->ndim, first->shape), LIST(b2, t->ndim, t->shape), (int)i);
  }
  if (d < first->ndim) {
    /* cat along d, then split that dim (always viewable); the result takes the view's geometry
     * itself rather than being a view of a temporary */
    tn_tensor *c = tn_cat(n, tensors, d);
    if (!c) return NULL;
    int64_t shape[TN_MAX_DIMS];
    int32_t k = 0;
    for (int32_t i = 0; i <= first->ndim; i++) shape[i] = i == d ? n : first->shape[k++];
    tn_tensor *v = tn_view(c, first->ndim + 1, shape);
    if (v) {
      c->ndim = v->ndim;
      memcpy(c->shape, v->shape, (size_t)v->ndim * sizeof *c->shape);
      memcpy(c->strides, v->strides, (size_t)v->ndim * sizeof *c->strides);
      tn_release(v);
      return c;
    }
    tn_release(c);
    return NULL;
  }
  /* d == ndim: cat the unsqueezed inputs */
  tn_tensor **parts = malloc((size_t)n * sizeof *parts);
  if (!parts) return tn__error_alloc((size_t)n * sizeof *parts);
  int32_t made = 0;
  for (; made < n; made++) {
    parts[made] = tn_unsqueeze(tensors[made], dim);
    if (!parts[made]) break;
  }
  if (made == n) out = tn_cat(n, parts, d);
  for (int32_t i = 0; i < made; i++) tn_release(parts[i]);
  free(parts);
  return out;
}

/* ----- repeat ----- */

/* One pass of repeat: copies `from` (shape cur, repeated along dims [done, end) by reps) into a
 * contiguous buffer of shape after, viewing the buffer as [r, s] pairs for the repeated dims and
 * `from` broadcast over the r dims. With end == done + 1 and no room for the extra dim, it copies
 * that dim's slabs one by one instead. */
static void repeat_pass(tn_storage *dst_storage, const int64_t *after, const tn_tensor *from, const int64_t *reps,
                        int32_t done, int32_t end, bool room) {
  int32_t n = from->ndim;
  int64_t after_strides[TN_MAX_DIMS];
  tn__contiguous_strides(n, after, after_strides);
  tn_tensor d = *from, s = *from;
  d.storage = dst_storage;
  d.offset = 0;
  d.view_base = s.view_base = NULL;
  if (!room) {
    int32_t i = done;
    memcpy(d.shape, from->shape, (size_t)n * sizeof *d.shape);
    memcpy(d.strides, after_strides, (size_t)n * sizeof *d.strides);
    d.numel = from->numel;
    for (int64_t j = 0; j < reps[i]; j++) {
      d.offset = j * from->shape[i] * after_strides[i];
      tn__copy_raw(&d, &s);
    }
    return;
  }
  int32_t k = 0;
  for (int32_t i = 0; i < n; i++) {
    int64_t rep = (i >= done && i < end) ? reps[i] : 1;
    if (rep != 1) {
      d.shape[k] = rep;
      d.strides[k] = after_strides[i] * from->shape[i];
      s.shape[k] = rep;
      s.strides[k] = 0;
      k++;
    }
    d.shape[k] = from->shape[i];
    d.strides[k] = after_strides[i];
    s.shape[k] = from->shape[i];
    s.strides[k] = from->strides[i];
    k++;
  }
  d.ndim = s.ndim = k;
  tn__update_numel(&d);
  tn__update_numel(&s);
  tn__copy_raw(&d, &s);
}

tn_tensor *tn_repeat(const tn_tensor *t, int32_t nreps, const int64_t *reps) {
  CHECK_LIST(nreps, reps);
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_repeat(t, nreps, reps);
  TN__CUDA_VIA_HOST1(t, tn_repeat(t, nreps, reps));
  if (nreps < t->ndim)
    return tn__error(TN_ERROR_RUNTIME,
                     "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  if (check_ndim(nreps) < 0) return NULL;
  int32_t lead = nreps - t->ndim;
  int64_t target[TN_MAX_DIMS];
  bool zero = false;
  /* the input, padded with leading size-1 dims */
  tn_tensor src = *t;
  src.view_base = NULL;
  src.ndim = nreps;
  for (int32_t i = 0; i < nreps; i++) {
    src.shape[i] = i < lead ? 1 : t->shape[i - lead];
    src.strides[i] = i < lead ? 0 : t->strides[i - lead];
    if (reps[i] == 0) zero = true;
    if (__builtin_mul_overflow(src.shape[i], reps[i], &target[i]))
      return tn__error(TN_ERROR_RUNTIME, "numel: integer multiplication overflow");
  }
  tn_tensor *out = tn__new(nreps, target, t->dtype);
  if (!out || zero || out->numel == 0) return out;
  /* Dims that need repeating go in passes of as many as the iterator's dim limit allows (one pass
   * unless the tensor has very many dims); intermediate passes write to scratch tensors. */
  tn_tensor *prev = NULL; /* the scratch `from` lives in */
  const tn_tensor *from = &src;
  tn_tensor cur;
  int32_t done = 0;
  while (done < nreps) {
    int32_t end = done, extra = 0;
    while (end < nreps && nreps + extra + (reps[end] != 1) <= TN_MAX_DIMS) extra += reps[end++] != 1;
    bool room = end > done;
    if (!room) end = done + 1;
    int64_t after[TN_MAX_DIMS];
    for (int32_t i = 0; i < nreps; i++) after[i] = i < end ? target[i] : src.shape[i];
    tn_tensor *scratch = NULL;
    if (end < nreps) {
      scratch = tn__new(nreps, after, t->dtype);
      if (!scratch) {
        tn_release(prev);
        tn_release(out);
        return NULL;
      }
    }
    repeat_pass(scratch ? scratch->storage : out->storage, after, from, reps, done, end, room);
    tn_release(prev);
    prev = scratch;
    if (scratch) {
      cur = *scratch;
      from = &cur;
    }
    done = end;
  }
  return out;
}

/* ----- split and chunk ----- */

static int split_sizes_impl(const tn_tensor *t, int32_t num, const int64_t *sizes, int64_t d, tn_tensor ***out,
                            int32_t *nout) {
  tn_tensor **parts = malloc((size_t)(num > 0 ? num : 1) * sizeof *parts);
  if (!parts) {
    tn__error_alloc((size_t)num * sizeof *parts);
    return -1;
  }
  int64_t start = 0;
  for (int32_t i = 0; i < num; i++) {
    parts[i] = tn_narrow(t, d, start, sizes[i]);
    if (!parts[i]) {
      for (int32_t k = 0; k < i; k++) tn_release(parts[k]);
      free(parts);
      return -1;
    }
    start += sizes[i];
  }
  *out = parts;
  *nout = num;
  return 0;
}

int tn_split(const tn_tensor *t, int64_t split_size, int64_t dim, tn_tensor ***out, int32_t *nout) {
  if (!out || !nout) return tn__errorf(TN_ERROR_TYPE, "split(): no place for the result");
  if (t->ndim == 0) return tn__errorf(TN_ERROR_RUNTIME, "split expects at least a 1-dimensional tensor");
  if (split_size < 0)
    return tn__errorf(TN_ERROR_RUNTIME, "split expects split_size be non-negative, but got split_size=%lld",
                      (long long)split_size);
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return -1;
  int64_t dim_size = t->shape[d];
  if (split_size == 0 && dim_size != 0)
    return tn__errorf(TN_ERROR_RUNTIME,
                      "split_size can only be 0 if dimension size is 0, but got dimension size of %lld",
                      (long long)dim_size);
  int64_t num = 1;
  if (split_size != 0) {
    num = dim_size / split_size + (dim_size % split_size != 0);
    if (num < 1) num = 1;
  }
  if (num > INT32_MAX) return tn__errorf(TN_ERROR_RUNTIME, "split: too many splits");
  int64_t *sizes = malloc((size_t)num * sizeof *sizes);
  if (!sizes) {
    tn__error_alloc((size_t)num * sizeof *sizes);
    return -1;
  }
  for (int64_t i = 0; i < num; i++) sizes[i] = split_size;
  sizes[num - 1] = split_size - (split_size * num - dim_size);
  int rc = split_sizes_impl(t, (int32_t)num, sizes, d, out, nout);
  free(sizes);
  return tn__ag_split(rc, t, *out, *nout);
}

int tn_chunk(const tn_tensor *t, int64_t chunks, int64_t dim, tn_tensor ***out, int32_t *nout) {
  if (!out || !nout) return tn__errorf(TN_ERROR_TYPE, "chunk(): no place for the result");
  if (t->ndim == 0) return tn__errorf(TN_ERROR_RUNTIME, "chunk expects at least a 1-dimensional tensor");
  if (chunks <= 0)
    return tn__errorf(TN_ERROR_RUNTIME, "chunk expects `chunks` to be greater than 0, got: %lld", (long long)chunks);
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return -1;
  int64_t dim_size = t->shape[d];
  int64_t split_size = dim_size / chunks + (dim_size % chunks != 0);
  if (split_size == 0 && dim_size == 0) {
    /* `chunks` empty pieces (split would give one) */
    if (chunks > INT32_MAX) return tn__errorf(TN_ERROR_RUNTIME, "chunk: too many chunks");
    int64_t *sizes = calloc((size_t)chunks, sizeof *sizes);
    if (!sizes) {
      tn__error_alloc((size_t)chunks * sizeof *sizes);
      return -1;
    }
    int rc = split_sizes_impl(t, (int32_t)chunks, sizes, d, out, nout);
    free(sizes);
    return tn__ag_split(rc, t, *out, *nout);
  }
  return tn_split(t, split_size, d, out, nout);
}
