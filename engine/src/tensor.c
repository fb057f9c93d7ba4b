/* tensor.c — storage, tensor headers, reference counting, and the strided iterator. */
#include "tn-internal.h"

#include <stdio.h>
#include <stdlib.h>

/* ----- storage ----- */

/* The storage header and its data share one aligned allocation, so that a new tensor costs two
 * allocations (header and storage), not three. */
#define TN_STORAGE_HEADER ((sizeof(tn_storage) + TN_ALIGNMENT - 1) / TN_ALIGNMENT * TN_ALIGNMENT)

tn_storage *tn__storage_new(size_t nbytes, tn_device device) {
  size_t alloc = (nbytes + TN_ALIGNMENT - 1) / TN_ALIGNMENT * TN_ALIGNMENT;
  void *block = NULL;
  if (alloc < nbytes || alloc > SIZE_MAX - TN_STORAGE_HEADER ||
      posix_memalign(&block, TN_ALIGNMENT, TN_STORAGE_HEADER + alloc) != 0)
    return tn__error_alloc(nbytes);
  tn_storage *s = block;
  *s = (tn_storage){.refcount = 1, .device = device, .data = (char *)block + TN_STORAGE_HEADER, .nbytes = nbytes};
  return s;
}

tn_storage *tn__storage_retain(tn_storage *s) {
  s->refcount++;
  return s;
}

void tn__storage_release(tn_storage *s) {
  if (!s || --s->refcount > 0) return;
  if (s->free_fn) s->free_fn(s->free_ctx); /* external memory; ours lives inside the block */
  free(s);
}

/* ----- shapes ----- */

void tn__contiguous_strides(int32_t ndim, const int64_t *shape, int64_t *strides) {
  int64_t acc = 1;
  for (int32_t d = ndim - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d] > 1 ? shape[d] : 1;
  }
}

int tn__check_shape(int32_t ndim, const int64_t *shape) {
  if (ndim < 0 || ndim > TN_MAX_DIMS)
    return tn__errorf(TN_ERROR_RUNTIME, "tensors with more than %d dimensions are not supported", TN_MAX_DIMS);
  for (int32_t d = 0; d < ndim; d++) {
    if (shape[d] < 0) {
      char buf[512];
      return tn__errorf(TN_ERROR_RUNTIME, "Trying to create tensor with negative dimension %lld: %s",
                        (long long)shape[d], LIST(buf, ndim, shape));
    }
  }
  return 0;
}

int64_t tn__shape_numel(int32_t ndim, const int64_t *shape) {
  int64_t n = 1;
  for (int32_t d = 0; d < ndim; d++) {
    if (shape[d] < 0) return -1;
    if (shape[d] != 0 && n > INT64_MAX / shape[d]) {
      for (int32_t k = d + 1; k < ndim; k++)
        if (shape[k] == 0) return 0;
      return -1;
    }
    n *= shape[d];
  }
  return n;
}

void tn__update_numel(tn_tensor *t) {
  int64_t n = 1;
  for (int32_t d = 0; d < t->ndim; d++) n *= t->shape[d];
  t->numel = n;
}

int64_t tn_wrap_dim(int64_t dim, int64_t ndim) {
  int64_t n = ndim > 0 ? ndim : 1; /* a 0-dim tensor accepts dims -1 and 0 */
  if (dim < -n || dim >= n) {
    tn__errorf(TN_ERROR_INDEX, "Dimension out of range (expected to be in range of [%lld, %lld], but got %lld)",
               (long long)-n, (long long)(n - 1), (long long)dim);
    return -1;
  }
  return dim < 0 ? dim + n : dim;
}

/* ----- tensor headers ----- */

static tn_tensor *header_new(void) {
  tn_tensor *t = calloc(1, sizeof *t);
  if (!t) return tn__error_alloc(sizeof *t);
  t->refcount = 1;
  t->device = TN_DEVICE_CPU_VALUE;
  return t;
}

tn_tensor *tn__new(int32_t ndim, const int64_t *shape, tn_dtype dtype) {
  if (tn__check_shape(ndim, shape) < 0) return NULL;
  int64_t numel = tn__shape_numel(ndim, shape);
  size_t esize = tn__dtype_traits[dtype].size;
  if (numel < 0 || (uint64_t)numel > SIZE_MAX / esize / 2) {
    char buf[512];
    return tn__error(TN_ERROR_RUNTIME, "Storage size calculation overflowed with sizes=%s", LIST(buf, ndim, shape));
  }
  tn_tensor *t = header_new();
  if (!t) return NULL;
  t->storage = tn__storage_new((size_t)numel * esize, TN_DEVICE_CPU_VALUE);
  if (!t->storage) {
    free(t);
    return NULL;
  }
  t->ndim = ndim;
  t->dtype = dtype;
  t->numel = numel;
  if (ndim) memcpy(t->shape, shape, (size_t)ndim * sizeof *shape);
  tn__contiguous_strides(ndim, shape, t->strides);
  return t;
}

tn_tensor *tn__new_view(const tn_tensor *base, int32_t ndim, const int64_t *shape, const int64_t *strides,
                        int64_t offset) {
  tn_tensor *t = header_new();
  if (!t) return NULL;
  t->storage = tn__storage_retain(base->storage);
  t->ndim = ndim;
  t->dtype = base->dtype;
  t->device = base->device;
  t->offset = offset;
  if (ndim) {
    memcpy(t->shape, shape, (size_t)ndim * sizeof *shape);
    memcpy(t->strides, strides, (size_t)ndim * sizeof *strides);
  }
  tn__update_numel(t);
  tn_tensor *root = base->view_base ? base->view_base : (tn_tensor *)base;
  t->view_base = tn_retain(root);
  return t;
}

tn_tensor *tn_retain(tn_tensor *t) {
  if (t) t->refcount++;
  return t;
}

/* Autodiff (a later layer) registers how to free what it hangs on a tensor. */
void (*tn__autograd_meta_free)(tn_autograd_meta *meta) = NULL;

void tn_release(tn_tensor *t) {
  if (!t || --t->refcount > 0) return;
  if (t->autograd && tn__autograd_meta_free) tn__autograd_meta_free(t->autograd);
  tn__storage_release(t->storage);
  tn_release(t->view_base);
  free(t);
}

void *tn_data_ptr(const tn_tensor *t) { return tn__data(t); }
void *tn_storage_data_ptr(const tn_tensor *t) { return t->storage->data; }
size_t tn_storage_nbytes(const tn_tensor *t) { return t->storage->nbytes; }
bool tn_same_storage(const tn_tensor *a, const tn_tensor *b) { return a->storage == b->storage; }
uint32_t tn_version(const tn_tensor *t) { return t->storage->version; }
void tn_bump_version(tn_tensor *t) { t->storage->version++; }
int64_t tn_element_size(const tn_tensor *t) { return (int64_t)tn__dtype_traits[t->dtype].size; }

bool tn_is_contiguous(const tn_tensor *t) {
  /* PyTorch's rule: size-1 dims may have any stride; empty tensors are contiguous. */
  if (t->numel == 0) return true;
  int64_t expected = 1;
  for (int32_t d = t->ndim - 1; d >= 0; d--) {
    if (t->shape[d] == 1) continue;
    if (t->strides[d] != expected) return false;
    expected *= t->shape[d];
  }
  return true;
}

int64_t tn_size(const tn_tensor *t, int64_t dim) {
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return -1;
  return t->ndim ? t->shape[d] : 1;
}

int64_t tn_stride(const tn_tensor *t, int64_t dim) {
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return -1;
  return t->ndim ? t->strides[d] : 1;
}

/* ----- TensorIterator's dimension order ----- */

/* TensorIteratorBase::reorder_dimensions's comparison of two dims. */
static int dims_should_swap(const tn__dim_order *o, int32_t d0, int32_t d1) {
  for (int32_t k = 0; k < o->nops; k++) {
    if (o->skip && o->skip[k]) continue;
    int64_t s0 = o->strides[k][d0], s1 = o->strides[k][d1];
    if (o->reduction && k == 0 && ((s0 == 0) != (s1 == 0))) return s1 == 0 ? 1 : -1;
    if (s0 == 0 || s1 == 0) continue;
    if (s0 < s1) return -1;
    if (s0 > s1) return 1;
    if (o->shape[d0] > o->shape[d1]) return 1;
  }
  return 0;
}

void tn__reorder_dims(const tn__dim_order *o, int32_t *perm) {
  int32_t n = o->ndim;
  for (int32_t i = 0; i < n; i++) perm[i] = n - 1 - i;
  for (int32_t i = 1; i < n; i++) {
    int32_t dim1 = i;
    for (int32_t dim0 = i - 1; dim0 >= 0; dim0--) {
      int c = dims_should_swap(o, perm[dim0], perm[dim1]);
      if (c > 0) {
        int32_t tmp = perm[dim0];
        perm[dim0] = perm[dim1];
        perm[dim1] = tmp;
        dim1 = dim0;
      } else if (c < 0) {
        break;
      }
    }
  }
}

void tn__strides_from_perm(int32_t ndim, const int64_t *shape, const int32_t *perm, int64_t *strides) {
  bool c_order = true;
  for (int32_t j = 0; j < ndim; j++) c_order = c_order && perm[j] == ndim - 1 - j;
  if (c_order) {
    tn__contiguous_strides(ndim, shape, strides);
    return;
  }
  int64_t next = 1;
  for (int32_t j = 0; j < ndim; j++) {
    strides[perm[j]] = next;
    next *= shape[perm[j]];
  }
}

/* ----- the strided iterator ----- */

void tn__iter_init(tn__iter *it, int32_t ndim, const int64_t *shape, int32_t nops, const tn_tensor *const *ops) {
  assert(nops >= 1 && nops <= TN__ITER_MAX_OPS && ndim <= TN_MAX_DIMS);
  it->nops = nops;
  it->numel = tn__shape_numel(ndim, shape);
  /* Broadcast each operand to the iteration shape; byte strides; innermost dim first. */
  int64_t sh[TN_MAX_DIMS], st[TN__ITER_MAX_OPS][TN_MAX_DIMS];
  for (int32_t d = 0; d < ndim; d++) sh[d] = shape[ndim - 1 - d];
  for (int32_t k = 0; k < nops; k++) {
    const tn_tensor *t = ops[k];
    int64_t esize = (int64_t)tn__dtype_traits[t->dtype].size;
    it->data[k] = tn__data(t);
    for (int32_t d = 0; d < ndim; d++) {
      int32_t td = t->ndim - 1 - d;
      st[k][d] = (td >= 0 && t->shape[td] != 1) ? t->strides[td] * esize : 0;
    }
  }
  /* Order dims by operand 0's strides (smallest innermost), keeping the given order on ties, so that
   * writing the output walks memory forward. Insertion sort: ndim is small. */
  int32_t perm[TN_MAX_DIMS];
  for (int32_t d = 0; d < ndim; d++) perm[d] = d;
  for (int32_t i = 1; i < ndim; i++) {
    int32_t p = perm[i], j = i;
    while (j > 0) {
      int32_t q = perm[j - 1];
      int64_t sp = st[0][p] < 0 ? -st[0][p] : st[0][p], sq = st[0][q] < 0 ? -st[0][q] : st[0][q];
      if (sh[p] == 1 || sh[q] == 1 || sp == 0 || sq == 0 || sq <= sp) break;
      perm[j] = q;
      j--;
    }
    perm[j] = p;
  }
  /* Drop size-1 dims and merge dims that are contiguous in every operand. */
  int32_t n = 0;
  for (int32_t i = 0; i < ndim; i++) {
    int32_t d = perm[i];
    if (sh[d] == 1) continue;
    if (n > 0) {
      bool mergeable = true;
      for (int32_t k = 0; k < nops; k++)
        if (st[k][d] != it->strides[k][n - 1] * it->shape[n - 1]) {
          mergeable = false;
          break;
        }
      if (mergeable) {
        it->shape[n - 1] *= sh[d];
        continue;
      }
    }
    it->shape[n] = sh[d];
    for (int32_t k = 0; k < nops; k++) it->strides[k][n] = st[k][d];
    n++;
  }
  it->ndim = n;
}

void tn__iter_run(const tn__iter *it, tn__loop_fn fn, void *ctx) {
  if (it->numel <= 0) return;
  int32_t nops = it->nops;
  char *data[TN__ITER_MAX_OPS];
  int64_t inner_strides[TN__ITER_MAX_OPS];
  for (int32_t k = 0; k < nops; k++) {
    data[k] = it->data[k];
    inner_strides[k] = it->ndim ? it->strides[k][0] : 0;
  }
  if (it->ndim <= 1) {
    fn(ctx, it->ndim ? it->shape[0] : 1, data, inner_strides);
    return;
  }
  int64_t counter[TN_MAX_DIMS] = {0};
  int64_t inner = it->shape[0];
  for (;;) {
    fn(ctx, inner, data, inner_strides);
    int32_t d = 1;
    for (; d < it->ndim; d++) {
      counter[d]++;
      for (int32_t k = 0; k < nops; k++) data[k] += it->strides[k][d];
      if (counter[d] < it->shape[d]) break;
      for (int32_t k = 0; k < nops; k++) data[k] -= it->strides[k][d] * it->shape[d];
      counter[d] = 0;
    }
    if (d == it->ndim) return;
  }
}

/* ----- broadcasting ----- */

int tn_broadcast_shapes(int32_t na, const int64_t *a, int32_t nb, const int64_t *b, int32_t *nout, int64_t *out) {
  int32_t n = na > nb ? na : nb;
  int64_t tmp[TN_MAX_DIMS];
  for (int32_t i = 0; i < n; i++) {
    int64_t sa = i < na ? a[na - 1 - i] : 1, sb = i < nb ? b[nb - 1 - i] : 1;
    if (sa != sb && sa != 1 && sb != 1)
      return tn__errorf(TN_ERROR_RUNTIME,
                        "The size of tensor a (%lld) must match the size of tensor b (%lld) at non-singleton "
                        "dimension %d",
                        (long long)sa, (long long)sb, n - 1 - i);
    tmp[n - 1 - i] = sa == 1 ? sb : sa;
  }
  memcpy(out, tmp, (size_t)n * sizeof *out);
  *nout = n;
  return 0;
}
