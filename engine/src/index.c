/* index.c — t[idx] and t[idx] = v with PyTorch 1.13's semantics (basic indexing gives views,
 * advanced indexing copies, with the result layout TensorIterator would choose), and the gathering
 * ops: masked_select, index_select, gather, nonzero. */
#include "tn-internal.h"

#include <stdio.h>
#include <stdlib.h>

/* ----- helpers ----- */



static bool is_mask_dtype(tn_dtype d) { return d == TN_DTYPE_BOOL || d == TN_DTYPE_UINT8; }

/* Counts nonzeros of a contiguous tensor, one dtype loop (NaN counts, -0.0 does not). */
static int64_t count_nonzero_contig(const tn_tensor *t) {
  const char *p = tn__data(t);
  int64_t n = t->numel, c = 0;
  switch (t->dtype) {
#define COUNT(T)                                                                                                       \
  {                                                                                                                    \
    for (int64_t i = 0; i < n; i++) {                                                                                  \
      T v;                                                                                                             \
      memcpy(&v, p + i * (int64_t)sizeof(T), sizeof(T));                                                               \
      c += v != 0;                                                                                                     \
    }                                                                                                                  \
    break;                                                                                                             \
  }
  case TN_DTYPE_BOOL:
  case TN_DTYPE_UINT8:
  case TN_DTYPE_INT8: COUNT(uint8_t)
  case TN_DTYPE_INT16: COUNT(int16_t)
  case TN_DTYPE_INT32: COUNT(int32_t)
  case TN_DTYPE_INT64: COUNT(int64_t)
  case TN_DTYPE_FLOAT32: COUNT(float)
  case TN_DTYPE_FLOAT64: COUNT(double)
#undef COUNT
  case TN_DTYPE_FLOAT16:
  case TN_DTYPE_BFLOAT16:
    for (int64_t i = 0; i < n; i++) {
      uint16_t v;
      memcpy(&v, p + i * 2, 2);
      c += (v & 0x7fff) != 0;
    }
    break;
  default: break;
  }
  return c;
}

/* ----- memory overlap (ATen's get_overlap_status) ----- */


typedef enum { OVERLAP_NO, OVERLAP_FULL, OVERLAP_PARTIAL, OVERLAP_TOO_HARD } overlap_status;

static overlap_status overlap(const tn_tensor *a, const tn_tensor *b) {
  if (a == b) return OVERLAP_FULL;
  if (a->numel == 0 || b->numel == 0) return OVERLAP_NO;
  if (!tn__non_overlapping_and_dense(a) || !tn__non_overlapping_and_dense(b)) return OVERLAP_TOO_HARD;
  if (a->storage != b->storage) return OVERLAP_NO;
  int64_t ab = a->offset * tn_element_size(a), ae = ab + a->numel * tn_element_size(a);
  int64_t bb = b->offset * tn_element_size(b), be = bb + b->numel * tn_element_size(b);
  if (ab == bb && ae == be) {
    bool same = a->ndim == b->ndim;
    for (int32_t d = 0; same && d < a->ndim; d++) same = a->strides[d] == b->strides[d];
    return same ? OVERLAP_FULL : OVERLAP_PARTIAL;
  }
  if (ab < be && bb < ae) return OVERLAP_PARTIAL;
  return OVERLAP_NO;
}

static const char overlap_message[] =
    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory "
    "location. Please clone() the tensor before performing the operation.";

/* ----- nonzero ----- */

/* Writes the row-major coordinates of c's nonzeros into o (column j at o + j * nnz). */
static void nonzero_fill(const tn_tensor *c, int64_t nnz, int64_t *o) {
  int32_t ndim = c->ndim;
  int64_t n = c->numel, k = 0, idx[TN_MAX_DIMS] = {0};
  const char *p = tn__data(c);
  /* one typed scan per dtype; the coordinate counter advances by the distance between hits */
#define SCAN(T, NZ)                                                                                                    \
  {                                                                                                                    \
    int64_t last = 0;                                                                                                  \
    for (int64_t i = 0; i < n && k < nnz; i++) {                                                                       \
      T v;                                                                                                             \
      memcpy(&v, p + i * (int64_t)sizeof(T), sizeof(T));                                                               \
      if (!(NZ)) continue;                                                                                             \
      int64_t step = i - last;                                                                                         \
      for (int32_t d = ndim - 1; d >= 0 && step; d--) {                                                                \
        int64_t s = idx[d] + step;                                                                                     \
        if (s < c->shape[d]) { /* the common case: no carry, no division */                                          \
          idx[d] = s;                                                                                                  \
          break;                                                                                                       \
        }                                                                                                              \
        idx[d] = s % c->shape[d];                                                                                      \
        step = s / c->shape[d];                                                                                        \
      }                                                                                                                \
      last = i;                                                                                                        \
      for (int32_t d = 0; d < ndim; d++) o[k + d * nnz] = idx[d];                                                      \
      k++;                                                                                                             \
    }                                                                                                                  \
    break;                                                                                                             \
  }
  switch (c->dtype) {
  case TN_DTYPE_BOOL:
  case TN_DTYPE_UINT8:
  case TN_DTYPE_INT8: SCAN(uint8_t, v != 0)
  case TN_DTYPE_INT16: SCAN(int16_t, v != 0)
  case TN_DTYPE_INT32: SCAN(int32_t, v != 0)
  case TN_DTYPE_INT64: SCAN(int64_t, v != 0)
  case TN_DTYPE_FLOAT32: SCAN(float, v != 0)
  case TN_DTYPE_FLOAT64: SCAN(double, v != 0)
  case TN_DTYPE_FLOAT16:
  case TN_DTYPE_BFLOAT16: SCAN(uint16_t, (v & 0x7fff) != 0)
  default: break;
  }
#undef SCAN
}

tn_tensor *tn_nonzero(const tn_tensor *t) {
  TN__CUDA_VIA_HOST1(t, tn_nonzero(t));
  tn_tensor *c = tn_contiguous(t);
  if (!c) return NULL;
  int64_t nnz = count_nonzero_contig(c);
  int64_t ndim = t->ndim;
  /* (nnz, ndim), Fortran-ordered as PyTorch allocates it (gh-46224): strides (1, nnz) */
  int64_t alloc_shape[2] = {ndim, nnz};
  tn_tensor *out = tn__new(2, alloc_shape, TN_DTYPE_INT64);
  if (!out) {
    tn_release(c);
    return NULL;
  }
  out->shape[0] = nnz;
  out->shape[1] = ndim;
  out->strides[0] = 1;
  out->strides[1] = nnz;
  nonzero_fill(c, nnz, (int64_t *)tn__data(out));
  tn_release(c);
  return out;
}

/* ----- the gather/scatter kernel shared by advanced indexing and index_select ----- */

/* Operands: 0 = destination, 1 = source, 2 = int64 byte offsets added to the indexed side
 * (the source for a get, the destination for a put). */
typedef struct {
  bool put;
} gather_ctx;

#define DEFINE_GATHER_LOOP(NAME, SIZE)                                                                                 \
  static void NAME(void *ctx, int64_t n, char **data, const int64_t *strides) {                                        \
    bool put = ((gather_ctx *)ctx)->put;                                                                               \
    char *d = data[0], *s = data[1], *o = data[2];                                                                     \
    if (put) {                                                                                                         \
      for (int64_t i = 0; i < n; i++, d += strides[0], s += strides[1], o += strides[2]) {                             \
        int64_t off;                                                                                                   \
        memcpy(&off, o, 8);                                                                                            \
        memcpy(d + off, s, SIZE);                                                                                      \
      }                                                                                                                \
    } else {                                                                                                           \
      for (int64_t i = 0; i < n; i++, d += strides[0], s += strides[1], o += strides[2]) {                             \
        int64_t off;                                                                                                   \
        memcpy(&off, o, 8);                                                                                            \
        memcpy(d, s + off, SIZE);                                                                                      \
      }                                                                                                                \
    }                                                                                                                  \
  }
DEFINE_GATHER_LOOP(gather_loop1, 1)
DEFINE_GATHER_LOOP(gather_loop2, 2)
DEFINE_GATHER_LOOP(gather_loop4, 4)
DEFINE_GATHER_LOOP(gather_loop8, 8)

static void run_gather(const tn_tensor *dst, const tn_tensor *src, const tn_tensor *offs, int32_t ndim,
                       const int64_t *shape, bool put) {
  const tn_tensor *ops[3] = {dst, src, offs};
  tn__iter it;
  tn__iter_init(&it, ndim, shape, 3, ops);
  gather_ctx c = {put};
  switch (tn__dtype_traits[dst->dtype].size) {
  case 1: tn__iter_run(&it, gather_loop1, &c); break;
  case 2: tn__iter_run(&it, gather_loop2, &c); break;
  case 4: tn__iter_run(&it, gather_loop4, &c); break;
  default: tn__iter_run(&it, gather_loop8, &c); break;
  }
}

/* A stack header describing some geometry over a tensor's storage (never released). */
static tn_tensor header_over(const tn_tensor *t, int32_t ndim, const int64_t *shape, const int64_t *strides,
                             int64_t offset) {
  tn_tensor h = *t;
  h.view_base = NULL;
  h.in_small_block = false; /* a header on the stack, never released */
  h.refcount = 1;
  h.ndim = ndim;
  if (ndim) {
    memcpy(h.shape, shape, (size_t)ndim * sizeof *shape);
    memcpy(h.strides, strides, (size_t)ndim * sizeof *strides);
  }
  h.offset = offset;
  tn__update_numel(&h);
  return h;
}

/* ----- TensorIterator's output layout ----- */

/* The strides TensorIterator gives a fresh output of `shape` iterated with the given inputs (each of
 * `ndim` dims, strides of broadcast size-1 dims ignored): dims are ordered by the inputs' strides,
 * ties and zero strides left in place; an unchanged order means contiguous. */
static void ti_output_strides(int32_t ndim, const int64_t *shape, int32_t nops, const tn_tensor *const *ops,
                              int64_t *out) {
  int64_t st[TN__ITER_MAX_OPS + TN_MAX_DIMS][TN_MAX_DIMS];
  for (int32_t k = 0; k < nops; k++)
    for (int32_t d = 0; d < ndim; d++)
      st[k][d] = (ops[k]->shape[d] == 1 && shape[d] != 1) ? 0 : ops[k]->strides[d];
  int32_t perm[TN_MAX_DIMS];
  tn__dim_order order = {ndim, nops, shape, (const int64_t(*)[TN_MAX_DIMS])st, false, NULL};
  tn__reorder_dims(&order, perm);
  tn__strides_from_perm(ndim, shape, perm, out);
}

/* ----- advanced indexing (at::index / index_put_) ----- */

typedef struct {
  tn_tensor *owned[2 * TN_MAX_DIMS + 4]; /* tensors to release */
  int32_t nowned;
} pool;

static tn_tensor *keep(pool *p, tn_tensor *t) {
  if (t) p->owned[p->nowned++] = t;
  return t;
}

static void pool_free(pool *p) {
  for (int32_t i = 0; i < p->nowned; i++) tn_release(p->owned[i]);
  p->nowned = 0;
}

/* What make_info + AdvancedIndex compute. */
typedef struct {
  tn_tensor src;          /* self, permuted when the indexed dims were not adjacent */
  int32_t nb, ni, na;     /* dims before, indexed, after */
  int32_t nr;             /* dims of the broadcast index shape */
  int64_t rshape[TN_MAX_DIMS];
  const tn_tensor *idx[TN_MAX_DIMS]; /* ni broadcast int64 index tensors */
  int32_t ndim;                      /* result dims: nb + nr + na */
  int64_t shape[TN_MAX_DIMS];
  int64_t src_strides[TN_MAX_DIMS]; /* src over the result shape, 0 on the index dims (restride_src) */
} adv_info;

static int make_info(const tn_tensor *self, int32_t n, tn_tensor *const *indices, adv_info *info, pool *p) {
  char b1[400], b2[400];
  if (n > self->ndim)
    return tn__errorf(TN_ERROR_INDEX, "too many indices for tensor of dimension %d (got %d)", (int)self->ndim, (int)n);
  for (int32_t i = 0; i < n; i++)
    if (indices[i] && indices[i]->dtype != TN_DTYPE_INT64 && !is_mask_dtype(indices[i]->dtype))
      return tn__errorf(TN_ERROR_INDEX, "tensors used as indices must be long, byte or bool tensors");
  /* expandTensors: masks become one nonzero() column per mask dim */
  tn_tensor *ex[TN_MAX_DIMS + 1];
  int32_t nex = 0;
  for (int32_t i = 0; i < n; i++) {
    tn_tensor *index = indices[i];
    if (!index) {
      if (nex >= TN_MAX_DIMS) return tn__errorf(TN_ERROR_INDEX, "too many indices for tensor of dimension %d", (int)self->ndim);
      ex[nex++] = NULL;
      continue;
    }
    if (!is_mask_dtype(index->dtype)) {
      if (nex >= TN_MAX_DIMS) return tn__errorf(TN_ERROR_INDEX, "too many indices for tensor of dimension %d", (int)self->ndim);
      ex[nex++] = index;
      continue;
    }
    for (int32_t j = 0; j < index->ndim; j++) {
      int64_t src_idx = tn_wrap_dim(nex + j, self->ndim);
      if (src_idx < 0) return -1;
      if (index->shape[j] != self->shape[src_idx])
        return tn__errorf(TN_ERROR_INDEX,
                          "The shape of the mask %s at index %d does not match the shape of the indexed tensor %s at "
                          "index %lld",
                          LIST(b1, index->ndim, index->shape), (int)j, LIST(b2, self->ndim, self->shape),
                          (long long)src_idx);
    }
    tn_tensor *nz = keep(p, tn_nonzero(index));
    if (!nz) return -1;
    for (int32_t j = 0; j < index->ndim; j++) {
      if (nex >= TN_MAX_DIMS) return tn__errorf(TN_ERROR_INDEX, "too many indices for tensor of dimension %d", (int)self->ndim);
      ex[nex++] = keep(p, tn_select(nz, 1, j));
      if (!ex[nex - 1]) return -1;
    }
  }
  /* broadcast the index tensors together */
  int32_t bn = 0;
  int64_t bshape[TN_MAX_DIMS];
  bool first = true, ok = true;
  for (int32_t i = 0; i < nex; i++) {
    if (!ex[i]) continue;
    if (first) {
      bn = ex[i]->ndim;
      memcpy(bshape, ex[i]->shape, (size_t)bn * sizeof *bshape);
      first = false;
    } else if (ok && tn_broadcast_shapes(bn, bshape, ex[i]->ndim, ex[i]->shape, &bn, bshape) < 0) {
      ok = false;
    }
  }
  if (!ok) {
    char buf[1024];
    size_t len = 0;
    buf[0] = 0;
    bool firstp = true;
    for (int32_t i = 0; i < nex && len < sizeof buf - 420; i++) {
      if (!ex[i]) continue;
      len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", firstp ? "" : ", ",
                              LIST(b1, ex[i]->ndim, ex[i]->shape));
      firstp = false;
    }
    return tn__errorf(TN_ERROR_INDEX, "shape mismatch: indexing tensors could not be broadcast together with shapes %s",
                      buf);
  }
  for (int32_t i = 0; i < nex; i++) {
    if (!ex[i]) continue;
    bool same = ex[i]->ndim == bn;
    for (int32_t d = 0; same && d < bn; d++) same = ex[i]->shape[d] == bshape[d];
    if (!same) {
      ex[i] = keep(p, tn_expand(ex[i], bn, bshape));
      if (!ex[i]) return -1;
    }
  }
  while (nex < self->ndim) ex[nex++] = NULL;
  /* non-adjacent indexed dims: move them to the front (the result's index dims go first) */
  info->src = header_over(self, self->ndim, self->shape, self->strides, self->offset);
  int32_t first_def = -1, last_def = -1;
  for (int32_t i = 0; i < nex; i++)
    if (ex[i]) {
      if (first_def < 0) first_def = i;
      last_def = i;
    }
  bool contiguous_subspace = true;
  for (int32_t i = first_def; i <= last_def; i++) contiguous_subspace = contiguous_subspace && ex[i];
  if (!contiguous_subspace) {
    tn_tensor *t2[TN_MAX_DIMS];
    int32_t k = 0;
    for (int32_t i = 0; i < nex; i++)
      if (ex[i]) {
        info->src.shape[k] = self->shape[i];
        info->src.strides[k] = self->strides[i];
        t2[k++] = ex[i];
      }
    for (int32_t i = 0; i < nex; i++)
      if (!ex[i]) {
        info->src.shape[k] = self->shape[i];
        info->src.strides[k] = self->strides[i];
        t2[k++] = NULL;
      }
    memcpy(ex, t2, (size_t)nex * sizeof *ex);
  }
  /* AdvancedIndex */
  const tn_tensor *src = &info->src;
  info->nb = info->ni = info->na = 0;
  bool zero_indexed = false;
  for (int32_t d = 0; d < nex; d++) {
    if (!ex[d]) {
      if (info->ni == 0)
        info->nb++;
      else
        info->na++;
    } else {
      info->idx[info->ni++] = ex[d];
      if (src->shape[d] == 0) zero_indexed = true;
    }
  }
  info->nr = bn;
  memcpy(info->rshape, bshape, (size_t)bn * sizeof *bshape);
  bool zero_repl = false;
  for (int32_t d = 0; d < bn; d++) zero_repl = zero_repl || bshape[d] == 0;
  if (zero_indexed && !zero_repl) return tn__errorf(TN_ERROR_INDEX, "index is out of bounds for dimension with size 0");
  int32_t nd = info->nb + info->nr + info->na;
  if (nd > TN_MAX_DIMS)
    return tn__errorf(TN_ERROR_RUNTIME, "tensors with more than %d dimensions are not supported", TN_MAX_DIMS);
  info->ndim = nd;
  int32_t k = 0;
  for (int32_t d = 0; d < info->nb; d++, k++) {
    info->shape[k] = src->shape[d];
    info->src_strides[k] = src->strides[d];
  }
  for (int32_t d = 0; d < bn; d++, k++) {
    info->shape[k] = bshape[d];
    info->src_strides[k] = 0;
  }
  for (int32_t d = info->nb + info->ni; d < nex; d++, k++) {
    info->shape[k] = src->shape[d];
    info->src_strides[k] = src->strides[d];
  }
  return 0;
}

/* The index tensor as TensorIterator sees it: reshaped to [1]*nb + shape + [1]*na (a view, so the
 * inserted dims get computeStride's strides). */
static tn_tensor reshaped_indexer(const adv_info *info, const tn_tensor *idx) {
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  int32_t k = 0;
  for (int32_t d = 0; d < info->nb; d++) shape[k++] = 1;
  for (int32_t d = 0; d < idx->ndim; d++) shape[k++] = idx->shape[d];
  for (int32_t d = 0; d < info->na; d++) shape[k++] = 1;
  tn_tensor *v = tn_view(idx, k, shape); /* always viewable: only size-1 dims are added */
  if (v) {
    memcpy(strides, v->strides, (size_t)k * sizeof *strides);
    tn_release(v);
  } else {
    tn_error_clear();
    tn__contiguous_strides(k, shape, strides);
  }
  return header_over(idx, k, shape, strides, idx->offset);
}

/* Byte offsets into src for each position of the broadcast index shape, bounds-checked in row-major
 * order. On a bad index, *bad is its position (the error is set, the offsets before it are valid);
 * else -1. NULL only when allocation fails. */
static tn_tensor *index_offsets(const adv_info *info, int64_t *bad) {
  *bad = -1;
  tn_tensor *offs = tn__new(info->nr, info->rshape, TN_DTYPE_INT64);
  if (!offs) return NULL;
  int64_t *o = (int64_t *)tn__data(offs);
  int64_t count = offs->numel, esize = tn_element_size(&info->src);
  /* element by element, every indexer at once: the first bad index in iteration order is the one
   * reported, as in ATen's kernel */
  int64_t size[TN_MAX_DIMS], stride[TN_MAX_DIMS], off[TN_MAX_DIMS] = {0}, pos[TN_MAX_DIMS] = {0};
  const char *base[TN_MAX_DIMS];
  for (int32_t j = 0; j < info->ni; j++) {
    size[j] = info->src.shape[info->nb + j];
    stride[j] = info->src.strides[info->nb + j] * esize;
    base[j] = tn__data(info->idx[j]);
  }
  for (int64_t r = 0; r < count; r++) {
    int64_t total = 0;
    for (int32_t j = 0; j < info->ni; j++) {
      int64_t v;
      memcpy(&v, base[j] + off[j] * 8, 8);
      if (v < -size[j] || v >= size[j]) {
        tn__error(TN_ERROR_INDEX, "index %lld is out of bounds for dimension %d with size %lld", (long long)v, (int)j,
                  (long long)size[j]);
        *bad = r;
        r = count;
        break;
      }
      if (v < 0) v += size[j];
      total += v * stride[j];
    }
    if (r == count) break;
    o[r] = total;
    for (int32_t d = info->nr - 1; d >= 0; d--) { /* all indexers share the broadcast shape */
      for (int32_t j = 0; j < info->ni; j++) off[j] += info->idx[j]->strides[d];
      if (++pos[d] < info->rshape[d]) break;
      for (int32_t j = 0; j < info->ni; j++) off[j] -= info->idx[j]->strides[d] * info->rshape[d];
      pos[d] = 0;
    }
  }
  /* view as [1]*nb + rshape + [1]*na for the iterator */
  int32_t k = 0;
  int64_t shape[TN_MAX_DIMS];
  for (int32_t d = 0; d < info->nb; d++) shape[k++] = 1;
  for (int32_t d = 0; d < info->nr; d++) shape[k++] = info->rshape[d];
  for (int32_t d = 0; d < info->na; d++) shape[k++] = 1;
  offs->ndim = k;
  memcpy(offs->shape, shape, (size_t)k * sizeof *shape);
  tn__contiguous_strides(k, shape, offs->strides);
  return offs;
}

/* at::index(self, indices): indices[i] NULL means "whole dim". */
static tn_tensor *advanced_index(const tn_tensor *self, int32_t n, tn_tensor *const *indices) {
  /* x[mask] with a mask of x's own shape is masked_select (the same values, a contiguous 1-D result) */
  if (n == 1 && indices[0] && is_mask_dtype(indices[0]->dtype) && indices[0]->ndim == self->ndim && self->ndim > 0) {
    bool same = true;
    for (int32_t d = 0; same && d < self->ndim; d++) same = indices[0]->shape[d] == self->shape[d];
    if (same) return tn_masked_select(self, indices[0]);
  }
  pool p = {.nowned = 0};
  adv_info info;
  if (make_info(self, n, indices, &info, &p) < 0) {
    pool_free(&p);
    return NULL;
  }
  /* output layout: TensorIterator over (src restrided, reshaped indexers) */
  tn_tensor srcr = header_over(&info.src, info.ndim, info.shape, info.src_strides, info.src.offset);
  tn_tensor idxr[TN_MAX_DIMS];
  const tn_tensor *ops[TN_MAX_DIMS + 1];
  ops[0] = &srcr;
  for (int32_t j = 0; j < info.ni; j++) {
    idxr[j] = reshaped_indexer(&info, info.idx[j]);
    ops[j + 1] = &idxr[j];
  }
  int64_t strides[TN_MAX_DIMS];
  ti_output_strides(info.ndim, info.shape, info.ni + 1, ops, strides);
  tn_tensor *out = tn_empty_strided(info.ndim, info.shape, strides, TN_OPTS(self->dtype));
  if (!out || out->numel == 0) {
    pool_free(&p);
    return out;
  }
  int64_t bad;
  tn_tensor *offs = index_offsets(&info, &bad);
  if (!offs || bad >= 0) {
    tn_release(offs);
    pool_free(&p);
    tn_release(out);
    return NULL;
  }
  run_gather(out, &srcr, offs, info.ndim, info.shape, false);
  tn_release(offs);
  pool_free(&p);
  return out;
}

/* ----- Python-level indexing: applySlicing ----- */

/* applySelect: Python's message for integers out of range. */
static tn_tensor *apply_select(const tn_tensor *t, int64_t dim, int64_t index, int64_t real_dim) {
  if (index == 0 && dim == 0 && t->ndim == 0)
    return tn__error(TN_ERROR_INDEX, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                                     "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
  int64_t size = dim < t->ndim ? t->shape[dim] : 0; /* PyTorch reads a 0 past a 0-dim tensor's sizes */
  if (index < -size || index >= size)
    return tn__error(TN_ERROR_INDEX, "index %lld is out of bounds for dimension %lld with size %lld", (long long)index,
                     (long long)real_dim, (long long)size);
  return tn_select(t, dim, index);
}

/* applySlice, after Python's slice unpacking (None bounds become the extremes). */
static tn_tensor *apply_slice(const tn_tensor *t, int64_t dim, const tn_index *ix) {
  int64_t step = ix->has_step ? ix->step : 1;
  if (step == 0) return tn__error(TN_ERROR_VALUE, "slice step cannot be zero");
  if (step < 0) return tn__error(TN_ERROR_VALUE, "step must be greater than zero");
  return tn_slice(t, dim, ix->has_start, ix->start, ix->has_stop, ix->stop, step);
}

/* [0] (True) or [] (False) as an int64 index tensor */
static tn_tensor *bool_index_tensor(bool value) {
  int64_t n = value ? 1 : 0;
  tn_tensor *t = tn__new(1, &n, TN_DTYPE_INT64);
  if (t && value) ((int64_t *)tn__data(t))[0] = 0;
  return t;
}

static int64_t count_specified(int32_t n, const tn_index *idx) {
  int64_t count = 0;
  for (int32_t i = 0; i < n; i++) {
    switch (idx[i].kind) {
    case TN_INDEX_TENSOR:
      count += is_mask_dtype(idx[i].tensor->dtype) ? idx[i].tensor->ndim : 1;
      break;
    case TN_INDEX_INT:
    case TN_INDEX_SLICE: count++; break;
    default: break;
    }
  }
  return count;
}

/* Runs the basic part of t[idx]: returns the sliced view (new reference) and fills out_idx with the
 * advanced index tensors by dim (NULL: none), *nout how many slots. */
static tn_tensor *apply_slicing(const tn_tensor *self, int32_t n, const tn_index *idx, tn_tensor **out_idx,
                                int32_t *nout, pool *p) {
  *nout = 0;
  for (int32_t i = 0; i < n; i++)
    if (idx[i].kind < 0 || idx[i].kind >= TN_INDEX_KIND_COUNT || (idx[i].kind == TN_INDEX_TENSOR && !idx[i].tensor))
      return tn__error(TN_ERROR_TYPE,
                       "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                       "indices (got NoneType)");
  int64_t specified = count_specified(n, idx);
  if (specified > self->ndim)
    return tn__error(TN_ERROR_INDEX, "too many indices for tensor of dimension %d", (int)self->ndim);
  tn_tensor *result = tn_retain((tn_tensor *)self);
  int64_t dim = 0;
  for (int32_t i = 0; i < n && result; i++) {
    const tn_index *ix = &idx[i];
    tn_tensor *next = NULL;
    bool record = false;
    tn_tensor *rec = NULL;
    switch (ix->kind) {
    case TN_INDEX_INT: next = apply_select(result, dim, ix->i, i); break;
    case TN_INDEX_SLICE:
      next = apply_slice(result, dim, ix);
      dim++;
      break;
    case TN_INDEX_ELLIPSIS:
      dim += self->ndim - specified;
      next = tn_retain(result);
      break;
    case TN_INDEX_NONE:
      next = tn_unsqueeze(result, dim);
      dim++;
      break;
    case TN_INDEX_BOOL:
      next = tn_unsqueeze(result, dim);
      rec = keep(p, bool_index_tensor(ix->i != 0));
      record = true;
      if (!rec) {
        tn_release(next);
        next = NULL;
      }
      break;
    case TN_INDEX_TENSOR: {
      const tn_tensor *it = ix->tensor;
      if (it->ndim == 0 && !tn_dtype_is_floating(it->dtype)) {
        int64_t v = tn__load_int64(tn__data(it), it->dtype);
        if (!is_mask_dtype(it->dtype)) {
          next = apply_select(result, dim, v, i);
        } else {
          next = tn_unsqueeze(result, dim);
          rec = keep(p, bool_index_tensor(v != 0));
          record = true;
          if (!rec) {
            tn_release(next);
            next = NULL;
          }
        }
      } else {
        next = tn_retain(result);
        rec = (tn_tensor *)it;
        record = true;
      }
      break;
    }
    default: break;
    }
    tn_release(result);
    result = next;
    if (result && record) {
      if (dim >= TN_MAX_DIMS) {
        tn_release(result);
        return tn__error(TN_ERROR_INDEX, "too many indices for tensor of dimension %d", (int)self->ndim);
      }
      for (int32_t k = *nout; k < dim; k++) out_idx[k] = NULL;
      out_idx[dim] = rec;
      *nout = (int32_t)dim + 1;
      dim++;
    }
  }
  return result;
}

/* ----- indexing CUDA tensors -----
 * The positions of the result's elements are worked out on the CPU, by the same op over a tensor of
 * element positions (host views of the index tensors), and the device gathers the data
 * (tn__cuda_take). index_put_ writes through a host view of the (managed) memory. */

typedef struct {
  int which; /* 0 index_select, 1 gather, 2 masked_select, 3 index_get */
  int64_t dim;
  const tn_tensor *index;
  int32_t n;
  const tn_index *idx;
} pick_ctx;

static tn_tensor *pick_positions(const tn_tensor *positions, void *c) {
  pick_ctx *p = c;
  switch (p->which) {
  case 0: return tn_index_select(positions, p->dim, p->index);
  case 1: return tn_gather(positions, p->dim, p->index);
  case 2: return tn_masked_select(positions, p->index);
  default: return tn_index_get(positions, p->n, p->idx);
  }
}

/* which 0..2 with a CUDA self or index: the index's host view picks positions of self's elements. */
static tn_tensor *take_on_device(int which, const tn_tensor *t, int64_t dim, const tn_tensor *index) {
  const tn_tensor *ops[2] = {t, index};
  tn_tensor *host[2];
  tn_device dev;
  if (tn__cuda_host_args(2, ops, host, &dev) < 0) return NULL;
  tn_tensor *r;
  if (!tn__is_cuda(t)) { /* a CPU self with a CUDA index: on the CPU, the result then moved, as before */
    r = tn__cuda_host_done(0, NULL, pick_positions(host[0], &(pick_ctx){which, dim, host[1], 0, NULL}), dev);
  } else {
    pick_ctx c = {which, dim, host[1], 0, NULL};
    r = tn__cuda_take(t, pick_positions, &c);
  }
  tn__cuda_host_done(2, host, NULL, dev);
  return r;
}

/* ----- indexing with CUDA tensors: advanced indexing runs on host views (tn-internal.h) ----- */

/* Whether a CUDA tensor takes part in advanced indexing (basic indexing of a CUDA tensor makes
 * views, on the device already). */
static bool index_on_cuda(const tn_tensor *t, int32_t n, const tn_index *idx) {
  bool advanced = false, cuda_index = false;
  for (int32_t i = 0; i < n; i++)
    if (idx[i].kind == TN_INDEX_TENSOR && idx[i].tensor) {
      advanced = true;
      cuda_index = cuda_index || tn__is_cuda(idx[i].tensor);
    }
  return cuda_index || (advanced && tn__is_cuda(t));
}

/* Host views of t (a CUDA tensor), of the CUDA index tensors (CPU ones are used as they are, as
 * PyTorch moves them) and of value; released by index_host_release. */
typedef struct {
  tn_tensor *t, *value, **held;
  tn_index *idx;
  int32_t n;
  tn_device dev;
} index_host;

static void index_host_release(index_host *h) {
  for (int32_t i = 0; h->held && i < h->n; i++) tn_release(h->held[i]);
  tn_release(h->t);
  tn_release(h->value);
  free(h->held);
  free(h->idx);
}

static int index_host_views(index_host *h, const tn_tensor *t, int32_t n, const tn_index *idx, const tn_tensor *value) {
  memset(h, 0, sizeof *h);
  h->n = n;
  if (!tn__is_cuda(t))
    return tn__errorf(TN_ERROR_RUNTIME, "indices should be either on cpu or on the same device as the indexed tensor (cpu)");
  const tn_tensor *ops[2] = {t, value};
  tn_tensor *views[2];
  if (tn__cuda_host_args(value && tn__is_cuda(value) ? 2 : 1, ops, views, &h->dev) < 0) return -1;
  h->t = views[0];
  h->value = value && tn__is_cuda(value) ? views[1] : value ? tn_retain((tn_tensor *)value) : NULL;
  h->idx = malloc((size_t)(n > 0 ? n : 1) * sizeof *h->idx);
  h->held = calloc((size_t)(n > 0 ? n : 1), sizeof *h->held);
  if (!h->idx || !h->held) {
    index_host_release(h);
    tn__error_alloc((size_t)n * sizeof *h->idx);
    return -1;
  }
  for (int32_t i = 0; i < n; i++) {
    h->idx[i] = idx[i];
    const tn_tensor *it = idx[i].tensor;
    if (idx[i].kind != TN_INDEX_TENSOR || !it) continue;
    tn_device d;
    if (tn__is_cuda(it) ? tn__cuda_host_args(1, &it, &h->held[i], &d) < 0 : !(h->held[i] = tn_retain((tn_tensor *)it))) {
      index_host_release(h);
      return -1;
    }
    h->idx[i].tensor = h->held[i];
  }
  return 0;
}

tn_tensor *tn_index_get(const tn_tensor *t, int32_t n, const tn_index *idx) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_index_get(t, n, idx);
  if (n < 0 || (n > 0 && !idx)) return tn__error(TN_ERROR_TYPE, "invalid index");
  if (index_on_cuda(t, n, idx)) {
    index_host h;
    if (index_host_views(&h, t, n, idx, NULL) < 0) return NULL;
    pick_ctx c = {3, 0, NULL, n, h.idx};
    tn_tensor *r = tn__cuda_take(t, pick_positions, &c);
    index_host_release(&h);
    return r;
  }
  /* get_item's single-index shortcuts (no "too many indices" check for them) */
  if (n == 1) {
    switch (idx[0].kind) {
    case TN_INDEX_INT: return apply_select(t, 0, idx[0].i, 0);
    case TN_INDEX_SLICE: return apply_slice(t, 0, &idx[0]);
    case TN_INDEX_NONE: return tn_unsqueeze(t, 0);
    case TN_INDEX_ELLIPSIS: return tn__new_view(t, t->ndim, t->shape, t->strides, t->offset);
    case TN_INDEX_BOOL: {
      tn_tensor *u = tn_unsqueeze(t, 0);
      if (!u) return NULL;
      tn_tensor *b = bool_index_tensor(idx[0].i != 0);
      tn_tensor *out = b ? advanced_index(u, 1, &b) : NULL;
      tn_release(b);
      tn_release(u);
      return out;
    }
    default: break;
    }
  }
  pool p = {.nowned = 0};
  tn_tensor *out_idx[TN_MAX_DIMS];
  int32_t nidx = 0;
  tn_tensor *sliced = apply_slicing(t, n, idx, out_idx, &nidx, &p);
  if (!sliced) {
    pool_free(&p);
    return NULL;
  }
  if (nidx == 0) {
    pool_free(&p);
    if (sliced == t) { /* t[...] and the like: a new view, not t itself */
      tn_tensor *a = tn__new_view(t, t->ndim, t->shape, t->strides, t->offset);
      tn_release(sliced);
      return a;
    }
    return sliced;
  }
  tn_tensor *out = advanced_index(sliced, nidx, out_idx);
  tn_release(sliced);
  pool_free(&p);
  return out;
}

/* ----- t[idx] = value ----- */

/* Drops leading size-1 dims (slicePrefix1sSize). */
static int32_t strip_leading_ones(const tn_tensor *v, int64_t *shape) {
  int32_t k = 0;
  while (k < v->ndim && v->shape[k] == 1) k++;
  int32_t n = v->ndim - k;
  if (n) memcpy(shape, v->shape + k, (size_t)n * sizeof *shape);
  return n;
}

/* ATen's checked conversion of a Python scalar to the destination dtype (c10::overflows, as fill_
 * and masked_fill_ apply it): bool targets take anything; unsigned targets accept negative integers
 * down to -max (two's complement wraparound); floats may be infinite or NaN except for integer
 * targets; otherwise the value must lie within [lowest, max]. */
static int check_scalar_fits(tn_scalar s, tn_dtype d) {
  static const char *const ctype[TN_DTYPE_COUNT] = {
      [TN_DTYPE_BOOL] = "bool",        [TN_DTYPE_UINT8] = "uint8_t",       [TN_DTYPE_INT8] = "int8_t",
      [TN_DTYPE_INT16] = "int16_t",    [TN_DTYPE_INT32] = "int",           [TN_DTYPE_INT64] = "int64_t",
      [TN_DTYPE_FLOAT16] = "at::Half", [TN_DTYPE_BFLOAT16] = "at::BFloat16", [TN_DTYPE_FLOAT32] = "float",
      [TN_DTYPE_FLOAT64] = "double",
  };
  if (d == TN_DTYPE_BOOL || d == TN_DTYPE_FLOAT64 || s.kind == TN_SCALAR_BOOL) return 0;
  bool bad = false;
  if (!tn_dtype_is_floating(d)) {
    tn_iinfo ii;
    tn_dtype_iinfo(d, &ii);
    if (s.kind == TN_SCALAR_FLOAT) {
      double v = s.v.f;
      bad = isnan(v) || v < (double)ii.min || v > (double)ii.max;
    } else if (d == TN_DTYPE_UINT8) {
      bad = s.v.i > 255 || s.v.i < -255;
    } else {
      bad = s.v.i < ii.min || s.v.i > ii.max;
    }
  } else if (d != TN_DTYPE_FLOAT32 || s.kind == TN_SCALAR_FLOAT) {
    tn_finfo fi;
    tn_dtype_finfo(d, &fi);
    double v = s.kind == TN_SCALAR_FLOAT ? s.v.f : (double)s.v.i;
    bad = isfinite(v) && (v < -fi.max || v > fi.max);
  }
  if (bad)
    return tn__errorf(TN_ERROR_RUNTIME, "value cannot be converted to type %s without overflow", ctype[d]);
  return 0;
}

/* masked_fill_(mask, value.item()) for index_put_'s single-mask shortcut. */
static int masked_fill(tn_tensor *self, const tn_tensor *mask, tn_scalar value) {
  if (check_scalar_fits(value, self->dtype) < 0) return -1;
  /* broadcast the mask (unsqueezed at the end) to self, then walk both */
  tn_tensor *m = tn_expand(mask, self->ndim, self->shape);
  if (!m) return -1;
  unsigned char buf[8];
  tn__store_scalar(buf, self->dtype, value);
  size_t esize = tn__dtype_traits[self->dtype].size;
  int64_t pos[TN_MAX_DIMS] = {0}, so = 0, mo = 0;
  char *sp = tn__data(self);
  const char *mp = tn__data(m);
  if (tn_is_contiguous(self) && tn_is_contiguous(m)) { /* the usual x[x > 0] = v: one typed pass */
    int64_t n = self->numel;
    switch (esize) {
#define FILL(T)                                                                                                        \
  {                                                                                                                    \
    T v, *o = (T *)(void *)sp;                                                                                         \
    memcpy(&v, buf, sizeof v);                                                                                         \
    for (int64_t i = 0; i < n; i++)                                                                                    \
      if (mp[i]) o[i] = v;                                                                                             \
    break;                                                                                                             \
  }
    case 1: FILL(uint8_t)
    case 2: FILL(uint16_t)
    case 4: FILL(uint32_t)
    default: FILL(uint64_t)
#undef FILL
    }
    tn_release(m);
    return 0;
  }
  for (int64_t i = 0; i < self->numel; i++) {
    if (mp[mo]) memcpy(sp + so * (int64_t)esize, buf, esize);
    for (int32_t d = self->ndim - 1; d >= 0; d--) {
      so += self->strides[d];
      mo += m->strides[d];
      if (++pos[d] < self->shape[d]) break;
      so -= self->strides[d] * self->shape[d];
      mo -= m->strides[d] * m->shape[d];
      pos[d] = 0;
    }
  }
  tn_release(m);
  return 0;
}

/* copy_to: dst = src with setitem's broadcasting rules. */
static int copy_to(tn_tensor *dst, const tn_tensor *src) {
  bool same = dst->ndim == src->ndim;
  for (int32_t d = 0; same && d < dst->ndim; d++) same = dst->shape[d] == src->shape[d];
  if (!same && src->ndim == 0) {
    tn_scalar s = tn__load_scalar(tn__data(src), src->dtype);
    if (src->wrapped_number && check_scalar_fits(s, dst->dtype) < 0) return -1;
    tn_tensor *r = tn_copy_(dst, src); /* fill_ with the value */
    tn_release(r);
    return r ? 0 : -1;
  }
  if (same) {
    if (src->wrapped_number && check_scalar_fits(tn__load_scalar(tn__data(src), src->dtype), dst->dtype) < 0)
      return -1;
    tn_tensor *r = tn_copy_(dst, src);
    tn_release(r);
    return r ? 0 : -1;
  }
  int64_t shape[TN_MAX_DIMS];
  int32_t n = strip_leading_ones(src, shape);
  tn_tensor *v = tn_view(src, n, shape);
  if (!v) return -1;
  tn_tensor *e = tn_expand(v, dst->ndim, dst->shape);
  tn_release(v);
  if (!e) return -1;
  tn_tensor *r = tn_copy_(dst, e);
  tn_release(e);
  tn_release(r);
  return r ? 0 : -1;
}

/* ATen's put kernel writes element by element and stops at the first bad index, leaving the writes
 * before it: replay that in row-major order (the order TensorIterator takes for these layouts). */
static void put_until_bad(const tn_tensor *dstr, const tn_tensor *value, const tn_tensor *offs, const adv_info *info,
                          int64_t bad) {
  int32_t nd = info->ndim, lead = nd - value->ndim;
  size_t esize = tn__dtype_traits[dstr->dtype].size;
  const int64_t *o = (const int64_t *)tn__data(offs);
  int64_t pos[TN_MAX_DIMS] = {0}, total = tn__shape_numel(nd, info->shape);
  char *dbase = tn__data(dstr);
  const char *vbase = tn__data(value);
  for (int64_t k = 0; k < total; k++) {
    int64_t r = 0, doff = 0, voff = 0;
    for (int32_t d = info->nb; d < info->nb + info->nr; d++) r = r * info->shape[d] + pos[d];
    if (r >= bad) return;
    for (int32_t d = 0; d < nd; d++) {
      doff += pos[d] * dstr->strides[d];
      if (d >= lead && value->shape[d - lead] != 1) voff += pos[d] * value->strides[d - lead];
    }
    memcpy(dbase + doff * (int64_t)esize + o[r], vbase + voff * (int64_t)esize, esize);
    for (int32_t d = nd - 1; d >= 0; d--) {
      if (++pos[d] < info->shape[d]) break;
      pos[d] = 0;
    }
  }
}

/* index_put_(self, indices, value) without accumulation. */
static int advanced_index_put(tn_tensor *self, int32_t n, tn_tensor *const *indices, const tn_tensor *value) {
  if (n > self->ndim)
    return tn__errorf(TN_ERROR_INDEX, "too many indices for tensor of dimension %d (got %d)", (int)self->ndim, (int)n);
  /* a single mask and a one-element value: masked_fill_ (which converts the value) */
  if (value->numel == 1) {
    int32_t num_ind = 0;
    const tn_tensor *mask = NULL;
    bool use_fill = true;
    for (int32_t i = 0; i < n && use_fill; i++) {
      if (!indices[i]) {
        num_ind++;
        continue;
      }
      if (!is_mask_dtype(indices[i]->dtype) || mask) {
        use_fill = false;
        break;
      }
      mask = indices[i];
      char b1[400], b2[400];
      for (int32_t j = 0; j < mask->ndim; j++) {
        int64_t src_idx = tn_wrap_dim(num_ind + j, self->ndim);
        if (src_idx < 0) return -1;
        if (mask->shape[j] != self->shape[src_idx])
          return tn__errorf(TN_ERROR_INDEX,
                            "The shape of the mask %s at index %d does not match the shape of the indexed tensor %s "
                            "at index %lld",
                            LIST(b1, mask->ndim, mask->shape), (int)j, LIST(b2, self->ndim, self->shape),
                            (long long)src_idx);
      }
      num_ind += mask->ndim;
    }
    if (use_fill && mask) {
      int64_t mshape[TN_MAX_DIMS], mstrides[TN_MAX_DIMS];
      int32_t mn = mask->ndim;
      memcpy(mshape, mask->shape, (size_t)mn * sizeof *mshape);
      memcpy(mstrides, mask->strides, (size_t)mn * sizeof *mstrides);
      /* unsqueeze(-1) for the dims after the mask; a leading offset of num_ind - mask dims is
       * handled by broadcasting */
      for (int32_t i = num_ind; i < self->ndim; i++) {
        mshape[mn] = 1;
        mstrides[mn] = 1;
        mn++;
      }
      tn_tensor mh = header_over(mask, mn, mshape, mstrides, mask->offset);
      tn_scalar s = tn__load_scalar(tn__data(value), value->dtype);
      return masked_fill(self, &mh, s);
    }
  }
  if (overlap(self, value) == OVERLAP_FULL || overlap(self, value) == OVERLAP_PARTIAL)
    return tn__errorf(TN_ERROR_RUNTIME, "%s", overlap_message);
  for (int32_t i = 0; i < n; i++)
    if (indices[i] && overlap(self, indices[i]) == OVERLAP_PARTIAL)
      return tn__errorf(TN_ERROR_RUNTIME, "%s", overlap_message);
  pool p = {.nowned = 0};
  adv_info info;
  if (make_info(self, n, indices, &info, &p) < 0) {
    pool_free(&p);
    return -1;
  }
  /* value must broadcast to the indexing result */
  bool expandable = value->ndim <= info.ndim;
  for (int32_t i = 0; expandable && i < value->ndim; i++) {
    int64_t vs = value->shape[value->ndim - 1 - i], rs = info.shape[info.ndim - 1 - i];
    expandable = vs == rs || vs == 1;
  }
  char b1[400], b2[400];
  if (!expandable) {
    pool_free(&p);
    return tn__errorf(TN_ERROR_RUNTIME, "shape mismatch: value tensor of shape %s cannot be broadcast to indexing result of shape %s",
                      LIST(b1, value->ndim, value->shape), LIST(b2, info.ndim, info.shape));
  }
  if (value->dtype != self->dtype) {
    pool_free(&p);
    return tn__errorf(TN_ERROR_RUNTIME,
                      "Index put requires the source and destination dtypes match, got %s for the destination and %s "
                      "for the source.",
                      tn__scalar_type_name(self->dtype), tn__scalar_type_name(value->dtype));
  }
  int64_t count = tn__shape_numel(info.ndim, info.shape);
  if (count > 0) {
    int64_t bad;
    tn_tensor *offs = index_offsets(&info, &bad);
    if (!offs) {
      pool_free(&p);
      return -1;
    }
    tn_tensor dstr = header_over(&info.src, info.ndim, info.shape, info.src_strides, info.src.offset);
    if (bad >= 0) {
      put_until_bad(&dstr, value, offs, &info, bad);
      tn_release(offs);
      pool_free(&p);
      return -1;
    }
    run_gather(&dstr, value, offs, info.ndim, info.shape, true);
    tn_release(offs);
  }
  pool_free(&p);
  return 0;
}

int tn_index_put_(tn_tensor *t, int32_t n, const tn_index *idx, const tn_tensor *value) {
  if (tn__ag_wants_inplace(t, value)) return tn__ag_index_put_(t, n, idx, value);
  if (n < 0 || (n > 0 && !idx) || !value) return tn__errorf(TN_ERROR_TYPE, "invalid index");
  if (index_on_cuda(t, n, idx)) { /* written through a host view of t: the same memory */
    index_host h;
    if (index_host_views(&h, t, n, idx, value) < 0) return -1;
    int rc = tn_index_put_(h.t, n, h.idx, h.value);
    index_host_release(&h);
    if (rc == 0) tn_bump_version(t);
    return rc;
  }
  /* A Python number takes self's dtype first (valueToTensor). */
  tn_tensor *v = NULL;
  if (value->wrapped_number && value->dtype != t->dtype) {
    tn_scalar s = tn__load_scalar(tn__data(value), value->dtype);
    if (check_scalar_fits(s, t->dtype) < 0) return -1;
    v = tn__new(0, NULL, t->dtype);
    if (!v) return -1;
    tn__store_scalar(tn__data(v), t->dtype, s);
    value = v;
  }
  int rc = 0;
  if (n == 1 && idx[0].kind != TN_INDEX_TENSOR) {
    /* set_item's single-index shortcuts */
    tn_tensor *dst = NULL;
    switch (idx[0].kind) {
    case TN_INDEX_BOOL:
      if (!idx[0].i) goto done; /* t[False] = v does nothing, not even a shape check */
      dst = tn_unsqueeze(t, 0);
      break;
    case TN_INDEX_ELLIPSIS: dst = tn_retain(t); break;
    case TN_INDEX_NONE: dst = tn_unsqueeze(t, 0); break;
    case TN_INDEX_INT: dst = apply_select(t, 0, idx[0].i, 0); break;
    case TN_INDEX_SLICE: dst = apply_slice(t, 0, &idx[0]); break;
    default: break;
    }
    rc = dst ? copy_to(dst, value) : -1;
    tn_release(dst);
    goto done;
  }
  {
    pool p = {.nowned = 0};
    tn_tensor *out_idx[TN_MAX_DIMS];
    int32_t nidx = 0;
    tn_tensor *sliced = apply_slicing(t, n, idx, out_idx, &nidx, &p);
    if (!sliced) {
      rc = -1;
    } else if (nidx == 0) {
      rc = copy_to(sliced, value);
    } else {
      int64_t shape[TN_MAX_DIMS];
      int32_t vn = strip_leading_ones(value, shape);
      tn_tensor *vs = tn_view(value, vn, shape);
      if (!vs) {
        rc = -1;
      } else {
        rc = advanced_index_put(sliced, nidx, out_idx, vs);
        if (rc == 0) tn_bump_version(t);
        tn_release(vs);
      }
    }
    tn_release(sliced);
    pool_free(&p);
  }
done:
  tn_release(v);
  return rc;
}

/* ----- masked_select, index_select, gather ----- */

tn_tensor *tn_masked_select(const tn_tensor *t, const tn_tensor *mask) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_gather_op(2, t, 0, mask);
  if (tn__cuda_any(t, mask, NULL)) return take_on_device(2, t, 0, mask);
  if (!is_mask_dtype(mask->dtype))
    return tn__error(TN_ERROR_RUNTIME, "masked_select: expected BoolTensor or ByteTensor for mask");
  int32_t nd;
  int64_t shape[TN_MAX_DIMS];
  if (tn_broadcast_shapes(mask->ndim, mask->shape, t->ndim, t->shape, &nd, shape) < 0) return NULL;
  tn_tensor *m = tn_expand(mask, nd, shape), *s = m ? tn_expand(t, nd, shape) : NULL;
  tn_tensor *mc = s ? tn_contiguous(m) : NULL;
  tn_tensor *out = NULL;
  if (mc) {
    int64_t count = count_nonzero_contig(mc);
    out = tn__new(1, &count, t->dtype);
    if (out && count) {
      /* walk t (broadcast) in row-major order, copying the selected elements */
      size_t esize = tn__dtype_traits[t->dtype].size;
      const uint8_t *mp = (const uint8_t *)tn__data(mc);
      const char *sp = tn__data(s);
      char *op = tn__data(out);
      int64_t pos[TN_MAX_DIMS] = {0}, so = 0, k = 0;
      if (tn_is_contiguous(s)) { /* no broadcast, dense: one typed pass */
        switch (esize) {
#define SELECT(T)                                                                                                      \
  {                                                                                                                    \
    T *o = (T *)(void *)op;                                                                                            \
    int64_t last = mc->numel - 1;                                                                                      \
    /* branchless: always store, advance only on a hit (random masks defeat branch prediction); the  \
     * final element goes last so that no store lands past the output */                                              \
    for (int64_t i = 0; i < last && k < count; i++) {                                                                  \
      memcpy(&o[k], sp + i * (int64_t)sizeof(T), sizeof(T));                                                           \
      k += mp[i] != 0;                                                                                                 \
    }                                                                                                                  \
    if (k < count) memcpy(&o[k++], sp + last * (int64_t)sizeof(T), sizeof(T));                                         \
    break;                                                                                                             \
  }
        case 1: SELECT(uint8_t)
        case 2: SELECT(uint16_t)
        case 4: SELECT(uint32_t)
        default: SELECT(uint64_t)
#undef SELECT
        }
      }
      for (int64_t i = 0; i < mc->numel && k < count; i++) {
        if (mp[i]) memcpy(op + (k++) * (int64_t)esize, sp + so * (int64_t)esize, esize);
        for (int32_t d = nd - 1; d >= 0; d--) {
          so += s->strides[d];
          if (++pos[d] < s->shape[d]) break;
          so -= s->strides[d] * s->shape[d];
          pos[d] = 0;
        }
      }
    }
  }
  tn_release(mc);
  tn_release(s);
  tn_release(m);
  return out;
}

tn_tensor *tn_index_select(const tn_tensor *t, int64_t dim, const tn_tensor *index) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_gather_op(0, t, dim, index);
  if (tn__cuda_any(t, index, NULL)) return take_on_device(0, t, dim, index);
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  if (index->ndim > 1) return tn__error(TN_ERROR_INDEX, "index_select(): Index is supposed to be a vector");
  if (index->dtype != TN_DTYPE_INT64 && index->dtype != TN_DTYPE_INT32)
    return tn__error(TN_ERROR_RUNTIME, "index_select(): Expected dtype int32 or int64 for index");
  int64_t n = index->numel;
  int64_t shape[TN_MAX_DIMS];
  memcpy(shape, t->shape, (size_t)t->ndim * sizeof *shape);
  if (t->ndim > 0) shape[d] = n;
  tn_tensor *out = tn__new(t->ndim, shape, t->dtype);
  if (!out) return NULL;
  if (t->ndim > 1 && n == 0) return out;
  int64_t size = t->ndim ? t->shape[d] : 1, stride = t->ndim ? t->strides[d] : 0;
  if (t->ndim > 1 && t->numel == 0 && size == 0) {
    tn_release(out);
    return tn__error(TN_ERROR_RUNTIME, "index_select(): self indexing axis dim should be positive");
  }
  /* byte offsets of the selected slices; ATen's message depends on the kernel it picks */
  int64_t oshape[TN_MAX_DIMS];
  for (int32_t k = 0; k < t->ndim; k++) oshape[k] = k == d ? n : 1;
  int64_t count = n; /* a 0-dim self: every index is checked, the result is self's one element */
  tn_tensor *offs = tn__new(t->ndim ? t->ndim : 0, oshape, TN_DTYPE_INT64);
  if (!offs) {
    tn_release(out);
    return NULL;
  }
  int64_t *o = (int64_t *)tn__data(offs), esize = tn_element_size(t);
  int64_t istride = (index->ndim ? index->strides[0] : 0) * tn_element_size(index);
  for (int64_t i = 0; i < count; i++) {
    int64_t v = tn__load_int64(tn__data(index) + i * istride, index->dtype);
    if (v < 0 || v >= size) {
      tn_release(offs);
      tn_release(out);
      if (t->ndim > 1 && (t->numel == 0 || d == 1))
        return tn__error(TN_ERROR_RUNTIME, "INDICES element is out of DATA bounds, id=%lld axis_dim=%lld",
                         (long long)v, (long long)size);
      return tn__error(TN_ERROR_INDEX, "index out of range in self");
    }
    if (i < (t->ndim ? n : 1)) o[i] = v * stride * esize;
  }
  if (t->ndim == 0) {
    memcpy(tn__data(out), tn__data(t), (size_t)esize);
  } else if (out->numel > 0) {
    int64_t sstrides[TN_MAX_DIMS];
    memcpy(sstrides, t->strides, (size_t)t->ndim * sizeof *sstrides);
    if (t->ndim) sstrides[d] = 0;
    tn_tensor srcr = header_over(t, t->ndim, shape, sstrides, t->offset);
    run_gather(out, &srcr, offs, t->ndim, shape, false);
  }
  tn_release(offs);
  return out;
}

tn_tensor *tn_gather(const tn_tensor *t, int64_t dim, const tn_tensor *index) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_gather_op(1, t, dim, index);
  if (tn__cuda_any(t, index, NULL)) return take_on_device(1, t, dim, index);
  int64_t d = tn_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  if (index->numel == 0) return tn__new(index->ndim, index->shape, t->dtype);
  if (index->dtype != TN_DTYPE_INT64) return tn__error(TN_ERROR_RUNTIME, "gather(): Expected dtype int64 for index");
  int32_t sd = t->ndim ? t->ndim : 1, id = index->ndim ? index->ndim : 1;
  if (sd != id)
    return tn__error(TN_ERROR_RUNTIME, "Index tensor must have the same number of dimensions as input tensor");
  char b1[400], b2[400];
  for (int32_t i = 0; i < sd; i++) {
    if (i == d) continue;
    int64_t is = index->ndim ? index->shape[i] : 1, ss = t->ndim ? t->shape[i] : 1;
    if (is > ss)
      return tn__error(TN_ERROR_RUNTIME,
                       "Size does not match at dimension %d expected index %s to be smaller than self %s apart from "
                       "dimension %lld",
                       (int)i, LIST(b1, index->ndim, index->shape), LIST(b2, t->ndim, t->shape), (long long)d);
  }
  int64_t size = t->ndim ? t->shape[d] : 1, stride = t->ndim ? t->strides[d] : 0;
  tn_tensor *offs = tn__new(index->ndim, index->shape, TN_DTYPE_INT64);
  if (!offs) return NULL;
  /* index values in row-major order become byte offsets along dim */
  {
    tn_tensor oh = *offs;
    oh.view_base = NULL;
    if (tn__copy_raw(&oh, index) < 0) {
      tn_release(offs);
      return NULL;
    }
  }
  int64_t *o = (int64_t *)tn__data(offs), esize = tn_element_size(t);
  for (int64_t i = 0; i < offs->numel; i++) {
    if (o[i] < 0 || o[i] >= size) {
      int64_t v = o[i];
      tn_release(offs);
      return tn__error(TN_ERROR_RUNTIME, "index %lld is out of bounds for dimension %lld with size %lld", (long long)v,
                       (long long)d, (long long)size);
    }
    o[i] *= stride * esize;
  }
  tn_tensor *out = tn__new(index->ndim, index->shape, t->dtype);
  if (out) {
    int64_t sstrides[TN_MAX_DIMS];
    for (int32_t i = 0; i < index->ndim; i++) sstrides[i] = i == d ? 0 : t->strides[i];
    tn_tensor srcr = header_over(t, index->ndim, index->shape, sstrides, t->offset);
    run_gather(out, &srcr, offs, index->ndim, index->shape, false);
  }
  tn_release(offs);
  return out;
}
