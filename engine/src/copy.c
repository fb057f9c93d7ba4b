/* copy.c — copy_, fill_, dtype conversion, contiguous and clone: everything that moves elements
 * from one layout or dtype to another. */
#include "tn-internal.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
  tn_dtype dst, src;
} convert_ctx;

static void convert_loop(void *ctx, int64_t n, char **data, const int64_t *strides) {
  const convert_ctx *c = ctx;
  tn__convert(data[0], c->dst, strides[0], data[1], c->src, strides[1], n);
}

/* A same-dtype copy whose destination runs along one dim and whose source runs along the other
 * (x.t().contiguous()). In the iterator's terms dst(i, j) = src(i, j) with dst contiguous along j
 * (dim 0) and src contiguous along i (dim 1). The work goes in strips of 16 j's (one 64-byte dst
 * line of floats): each strip reads 16 source rows front to back and writes whole dst lines, so
 * neither side thrashes the cache even when both strides are large powers of two. Strips are
 * independent, so the pool's threads share them out. */
typedef struct transpose_job {
  char *d;
  const char *s;
  int64_t n0, n1, ds1, ss0, es;
  bool streaming; /* the copy is far larger than the caches */
} transpose_job;

#define TN_STRIP 16

#define TN_TRANSPOSE_SCALAR(T, I0, I1, J0, J1)                                                      \
  for (int64_t i = (I0); i < (I1); i++)                                                            \
    for (int64_t j = (J0); j < (J1); j++)                                                          \
      memcpy(j_->d + i * j_->ds1 + j * (int64_t)sizeof(T), j_->s + i * (int64_t)sizeof(T) + j * j_->ss0, sizeof(T));

static void transpose_strips_generic(void *ctx, int64_t begin, int64_t end) {
  const transpose_job *j_ = ctx;
  int64_t jb = begin * TN_STRIP, je = end * TN_STRIP < j_->n0 ? end * TN_STRIP : j_->n0;
  for (int64_t i0 = 0; i0 < j_->n1; i0 += 8) {
    int64_t i1 = i0 + 8 < j_->n1 ? i0 + 8 : j_->n1;
    for (int64_t j0 = jb; j0 < je; j0 += TN_STRIP) {
      int64_t j1 = j0 + TN_STRIP < je ? j0 + TN_STRIP : je;
      switch (j_->es) {
      case 1: TN_TRANSPOSE_SCALAR(uint8_t, i0, i1, j0, j1) break;
      case 2: TN_TRANSPOSE_SCALAR(uint16_t, i0, i1, j0, j1) break;
      case 4: TN_TRANSPOSE_SCALAR(uint32_t, i0, i1, j0, j1) break;
      default: TN_TRANSPOSE_SCALAR(uint64_t, i0, i1, j0, j1) break;
      }
    }
  }
}

#ifdef TN__HAVE_AVX2_KERNELS
#include <immintrin.h>

/* 8x8 block of 32-bit elements through registers: eight source rows in, eight dst rows out. */
__attribute__((target("avx2"))) static inline void transpose8x8_32(char *d, int64_t ds, const char *s, int64_t ss) {
  __m256 r0 = _mm256_loadu_ps((const float *)(s)), r1 = _mm256_loadu_ps((const float *)(s + ss));
  __m256 r2 = _mm256_loadu_ps((const float *)(s + 2 * ss)), r3 = _mm256_loadu_ps((const float *)(s + 3 * ss));
  __m256 r4 = _mm256_loadu_ps((const float *)(s + 4 * ss)), r5 = _mm256_loadu_ps((const float *)(s + 5 * ss));
  __m256 r6 = _mm256_loadu_ps((const float *)(s + 6 * ss)), r7 = _mm256_loadu_ps((const float *)(s + 7 * ss));
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps((float *)(d), _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps((float *)(d + ds), _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps((float *)(d + 2 * ds), _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps((float *)(d + 3 * ds), _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps((float *)(d + 4 * ds), _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps((float *)(d + 5 * ds), _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps((float *)(d + 6 * ds), _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps((float *)(d + 7 * ds), _mm256_permute2f128_ps(u3, u7, 0x31));
}

__attribute__((target("avx2"))) static void transpose_strips_avx2_32(void *ctx, int64_t begin, int64_t end) {
  const transpose_job *j_ = ctx;
  int64_t jb = begin * TN_STRIP, je = end * TN_STRIP < j_->n0 ? end * TN_STRIP : j_->n0;
  int64_t n1_8 = j_->n1 / 8 * 8;
  /* Large copies whose dst lines are 64-byte aligned write through a small tile with streaming
   * stores: whole dst lines, straight to memory, without reading them first. */
  bool stream = j_->streaming && ((uintptr_t)j_->d % 64) == 0 && j_->ds1 % 64 == 0;
  for (int64_t j0 = jb; j0 < je; j0 += TN_STRIP) {
    int64_t j1 = j0 + TN_STRIP < je ? j0 + TN_STRIP : je, j8 = j0 + (j1 - j0) / 8 * 8;
    if (stream && j1 - j0 == TN_STRIP) {
      float tile[8 * TN_STRIP] __attribute__((aligned(64)));
      for (int64_t i0 = 0; i0 < n1_8; i0 += 8) {
        transpose8x8_32((char *)tile, TN_STRIP * 4, j_->s + i0 * 4 + j0 * j_->ss0, j_->ss0);
        transpose8x8_32((char *)(tile + 8), TN_STRIP * 4, j_->s + i0 * 4 + (j0 + 8) * j_->ss0, j_->ss0);
        for (int r = 0; r < 8; r++) {
          float *dst = (float *)(j_->d + (i0 + r) * j_->ds1 + j0 * 4);
          _mm256_stream_ps(dst, _mm256_load_ps(tile + r * TN_STRIP));
          _mm256_stream_ps(dst + 8, _mm256_load_ps(tile + r * TN_STRIP + 8));
        }
      }
      TN_TRANSPOSE_SCALAR(uint32_t, n1_8, j_->n1, j0, j1)
      continue;
    }
    for (int64_t i0 = 0; i0 < n1_8; i0 += 8) {
      for (int64_t j = j0; j < j8; j += 8)
        transpose8x8_32(j_->d + i0 * j_->ds1 + j * 4, j_->ds1, j_->s + i0 * 4 + j * j_->ss0, j_->ss0);
      TN_TRANSPOSE_SCALAR(uint32_t, i0, i0 + 8, j8, j1)
    }
    TN_TRANSPOSE_SCALAR(uint32_t, n1_8, j_->n1, j0, j1)
  }
  if (stream) _mm_sfence(); /* streaming stores are weakly ordered: publish them */
}
#endif

static bool transpose_copy(const tn__iter *it, tn_dtype dd, tn_dtype sd) {
  int64_t es = (int64_t)tn__dtype_traits[dd].size;
  if (dd != sd || it->ndim != 2) return false;
  int64_t n0 = it->shape[0], n1 = it->shape[1];
  int64_t ds0 = it->strides[0][0], ds1 = it->strides[0][1], ss0 = it->strides[1][0], ss1 = it->strides[1][1];
  /* dst contiguous along dim 0, src along dim 1, and big enough for strips to matter */
  if (ds0 != es || ss1 != es || n0 < TN_STRIP || n1 < 8) return false;
  transpose_job job = {it->data[0], it->data[1], n0, n1, ds1, ss0, es, n0 * n1 * es >= ((int64_t)8 << 20)};
  int64_t strips = (n0 + TN_STRIP - 1) / TN_STRIP;
  tn__range_fn fn = transpose_strips_generic;
#ifdef TN__HAVE_AVX2_KERNELS
  if (es == 4 && tn__cpu_avx2()) fn = transpose_strips_avx2_32;
#endif
  /* a strip holds 16 * n1 elements: thread when the whole copy is large */
  int64_t grain = TN__PARALLEL_MIN / (TN_STRIP * n1) + 1;
  tn__parallel_for(strips, grain, fn, &job);
  return true;
}
#undef TN_TRANSPOSE_SCALAR

/* Lowest and one-past-highest byte a tensor touches in its storage. */
static void byte_extent(const tn_tensor *t, int64_t *lo, int64_t *hi) {
  int64_t esize = (int64_t)tn__dtype_traits[t->dtype].size;
  int64_t a = t->offset * esize, b = a;
  for (int32_t d = 0; d < t->ndim; d++) {
    if (t->shape[d] == 0) {
      *lo = *hi = a;
      return;
    }
    int64_t span = (t->shape[d] - 1) * t->strides[d] * esize;
    if (span < 0) a += span; else b += span;
  }
  *lo = a;
  *hi = b + esize;
}

static bool same_geometry(const tn_tensor *a, const tn_tensor *b) {
  if (a->ndim != b->ndim || a->offset != b->offset || a->dtype != b->dtype) return false;
  for (int32_t d = 0; d < a->ndim; d++)
    if (a->shape[d] != b->shape[d] || (a->shape[d] > 1 && a->strides[d] != b->strides[d])) return false;
  return true;
}

static int check_broadcast_to(const tn_tensor *src, const tn_tensor *dst) {
  if (src->ndim > dst->ndim) goto mismatch;
  for (int32_t i = 0; i < src->ndim; i++) {
    int64_t s = src->shape[src->ndim - 1 - i], d = dst->shape[dst->ndim - 1 - i];
    if (s != d && s != 1) goto mismatch;
  }
  return 0;
mismatch:;
  /* PyTorch's message names the first mismatching dim from the right, as a is dst and b is src. */
  int32_t nd = dst->ndim > src->ndim ? dst->ndim : src->ndim;
  for (int32_t i = 0; i < nd; i++) {
    int64_t s = i < src->ndim ? src->shape[src->ndim - 1 - i] : 1;
    int64_t d = i < dst->ndim ? dst->shape[dst->ndim - 1 - i] : 1;
    if (s != d && s != 1 && d != 1)
      return tn__errorf(TN_ERROR_RUNTIME,
                        "The size of tensor a (%lld) must match the size of tensor b (%lld) at non-singleton "
                        "dimension %d",
                        (long long)d, (long long)s, nd - 1 - i);
  }
  /* src broadcasts with dst but to a larger shape */
  int64_t shape[TN_MAX_DIMS];
  int32_t n = 0;
  tn_broadcast_shapes(dst->ndim, dst->shape, src->ndim, src->shape, &n, shape);
  char buf[256], buf2[256];
  return tn__errorf(TN_ERROR_RUNTIME, "output with shape %s doesn't match the broadcast shape %s",
                    LIST(buf, dst->ndim, dst->shape), LIST(buf2, n, shape));
}

/* Large copies are split among the pool's threads (disjoint destination pieces). */
typedef struct contig_job {
  char *d;
  const char *s;
  tn_dtype dd, sd;
} contig_job;

static void contig_range(void *ctx, int64_t b, int64_t e) {
  const contig_job *j = ctx;
  int64_t ds = (int64_t)tn__dtype_traits[j->dd].size, ss = (int64_t)tn__dtype_traits[j->sd].size;
  tn__convert(j->d + b * ds, j->dd, ds, j->s + b * ss, j->sd, ss, e - b);
}

typedef struct iter_job {
  const tn__iter *it;
  convert_ctx c;
} iter_job;

static void iter_range(void *ctx, int64_t b, int64_t e) {
  iter_job *j = ctx;
  tn__iter_run_range(j->it, convert_loop, &j->c, b, e);
}

/* The copy itself, without checks or version bumps. */
int tn__copy_raw(tn_tensor *dst, const tn_tensor *src) {
  if (dst->numel == 0) return 0;
  /* Overlapping source and destination (a.copy_(a.flip(0)), say): go through a temporary. */
  tn_tensor *tmp = NULL;
  if (dst->storage == src->storage && !same_geometry(dst, src)) {
    int64_t dlo, dhi, slo, shi;
    byte_extent(dst, &dlo, &dhi);
    byte_extent(src, &slo, &shi);
    if (dlo < shi && slo < dhi) {
      tmp = tn__new(src->ndim, src->shape, src->dtype);
      if (!tmp) return -1;
      if (tn__copy_raw(tmp, src) < 0) {
        tn_release(tmp);
        return -1;
      }
      src = tmp;
    }
  }
  if (tn_is_contiguous(dst) && tn_is_contiguous(src) && dst->numel == src->numel) {
    contig_job j = {tn__data(dst), tn__data(src), dst->dtype, src->dtype};
    tn__parallel_for(dst->numel, TN__PARALLEL_MIN, contig_range, &j);
  } else {
    const tn_tensor *ops[2] = {dst, src};
    tn__iter it;
    tn__iter_init(&it, dst->ndim, dst->shape, 2, ops);
    if (!transpose_copy(&it, dst->dtype, src->dtype)) {
      iter_job j = {&it, {dst->dtype, src->dtype}};
      tn__parallel_for(it.numel, TN__PARALLEL_MIN, iter_range, &j);
    }
  }
  tn_release(tmp);
  return 0;
}

tn_tensor *tn_copy_(tn_tensor *dst, const tn_tensor *src) {
  if (tn__ag_wants_inplace(dst, src)) return tn__ag_copy_(dst, src);
  if (check_broadcast_to(src, dst) < 0) return NULL;
  if (tn__cuda_any(dst, src, NULL)) {
    if (tn__cuda_copy(dst, src) < 0) return NULL;
    tn_bump_version(dst);
    return tn_retain(dst);
  }
  if (tn__copy_raw(dst, src) < 0) return NULL;
  tn_bump_version(dst);
  return tn_retain(dst);
}

typedef struct {
  tn_dtype dtype;
  unsigned char value[8];
} fill_ctx;

static void fill_loop(void *ctx, int64_t n, char **data, const int64_t *strides) {
  const fill_ctx *c = ctx;
  size_t size = tn__dtype_traits[c->dtype].size;
  char *p = data[0];
  for (int64_t i = 0; i < n; i++, p += strides[0]) memcpy(p, c->value, size);
}

tn_tensor *tn_fill_(tn_tensor *t, tn_scalar value) {
  if (tn__ag_wants_inplace(t, NULL)) return tn__ag_fill_(t, value);
  if (tn__is_cuda(t)) {
    if (tn__cuda_fill(t, value) < 0) return NULL;
    tn_bump_version(t);
    return tn_retain(t);
  }
  fill_ctx c = {.dtype = t->dtype};
  tn__store_scalar(c.value, t->dtype, value);
  size_t size = tn__dtype_traits[t->dtype].size;
  if (tn_is_contiguous(t)) {
    char *p = tn__data(t);
    bool zero = true;
    for (size_t i = 0; i < size; i++) zero = zero && c.value[i] == 0;
    if (zero) {
      memset(p, 0, (size_t)t->numel * size);
    } else {
      for (int64_t i = 0; i < t->numel; i++) memcpy(p + (size_t)i * size, c.value, size);
    }
  } else {
    const tn_tensor *ops[1] = {t};
    tn__iter it;
    tn__iter_init(&it, t->ndim, t->shape, 1, ops);
    tn__iter_run(&it, fill_loop, &c);
  }
  tn_bump_version(t);
  return tn_retain(t);
}

tn_tensor *tn_zero_(tn_tensor *t) { return tn_fill_(t, tn_scalar_int(0)); }

/* c10's is_non_overlapping_and_dense: a permutation of a contiguous layout. */
bool tn__non_overlapping_and_dense(const tn_tensor *t) {
  int32_t nd = t->ndim;
  if (nd == 1) return t->shape[0] < 2 || t->strides[0] == 1;
  int32_t perm[TN_MAX_DIMS];
  for (int32_t i = 0; i < nd; i++) perm[i] = i;
  /* sort by stride, size-0/1 dims last (a stable insertion sort: the order among those is moot) */
  for (int32_t i = 1; i < nd; i++) {
    int32_t p = perm[i], j = i;
    while (j > 0) {
      int32_t q = perm[j - 1];
      bool p_before_q = t->shape[p] >= 2 && (t->shape[q] < 2 || t->strides[p] < t->strides[q]);
      if (!p_before_q) break;
      perm[j] = q;
      j--;
    }
    perm[j] = p;
  }
  int64_t require = 1;
  for (int32_t i = 0; i < nd; i++) {
    int64_t size = t->shape[perm[i]];
    if (size < 2) return true;
    if (t->strides[perm[i]] != require) return false;
    require *= size;
  }
  return true;
}

/* at::assert_no_internal_overlap, for the sure case: a dim of size > 1 with stride 0. */
int tn__check_no_internal_overlap(const tn_tensor *t) {
  if (tn__non_overlapping_and_dense(t)) return 0;
  for (int32_t d = 0; d < t->ndim; d++)
    if (t->strides[d] == 0 && t->shape[d] > 1)
      return tn__errorf(TN_ERROR_RUNTIME,
                        "unsupported operation: more than one element of the written-to tensor refers to a "
                        "single memory location. Please clone() the tensor before performing the operation.");
  return 0;
}

/* The strides memory_format=torch.preserve_format gives (clone, *_like): the input's when it is
 * non-overlapping and dense, else contiguous ones. */
void tn__preserved_strides(const tn_tensor *t, int64_t *strides) {
  if (tn__non_overlapping_and_dense(t))
    memcpy(strides, t->strides, (size_t)t->ndim * sizeof *strides);
  else
    tn__contiguous_strides(t->ndim, t->shape, strides);
}

tn_tensor *tn__clone_as(const tn_tensor *t, tn_dtype dtype) {
  if (tn__is_cuda(t)) {
    int64_t strides[TN_MAX_DIMS];
    tn__preserved_strides(t, strides);
    tn_tensor *d = tn__cuda_empty_strided(t->ndim, t->shape, strides, dtype, t->device);
    if (d && tn__cuda_copy(d, t) < 0) {
      tn_release(d);
      d = NULL;
    }
    return d;
  }
  int64_t strides[TN_MAX_DIMS];
  tn__preserved_strides(t, strides);
  tn_tensor *out = tn_empty_strided(t->ndim, t->shape, strides, TN_OPTS(dtype));
  if (!out) return NULL;
  if (tn__copy_raw(out, t) < 0) {
    tn_release(out);
    return NULL;
  }
  return out;
}

tn_tensor *tn_clone(const tn_tensor *t) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_clone(0, t, t->dtype, false);
  return tn__clone_as(t, t->dtype);
}

tn_tensor *tn_contiguous(const tn_tensor *t) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_clone(1, t, t->dtype, false);
  if (tn_is_contiguous(t)) return tn_retain((tn_tensor *)t);
  if (tn__is_cuda(t)) return tn__cuda_contiguous(t);
  tn_tensor *out = tn__new(t->ndim, t->shape, t->dtype);
  if (!out) return NULL;
  if (tn__copy_raw(out, t) < 0) {
    tn_release(out);
    return NULL;
  }
  return out;
}

tn_tensor *tn_to_dtype(const tn_tensor *t, tn_dtype dtype, bool copy) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_clone(2, t, dtype, copy);
  if (!tn__dtype_valid(dtype)) return tn__error(TN_ERROR_TYPE, "to() received an invalid combination of arguments");
  if (dtype == t->dtype && !copy) return tn_retain((tn_tensor *)t);
  return tn__clone_as(t, dtype);
}

tn_tensor *tn_detach(const tn_tensor *t) {
  tn_tensor *out = tn__new_view(t, t->ndim, t->shape, t->strides, t->offset);
  if (!out) return NULL;
  /* detach() shares storage and version counter but is not a view for autodiff's purposes */
  tn_release(out->view_base);
  out->view_base = NULL;
  out->wrapped_number = false;
  return out;
}

/* ----- single elements ----- */

static const char *element_ptr(const tn_tensor *t, const int64_t *index) {
  int64_t off = 0;
  for (int32_t d = 0; d < t->ndim; d++) off += index[d] * t->strides[d];
  return tn__data(t) + off * (int64_t)tn__dtype_traits[t->dtype].size;
}

tn_scalar tn_get(const tn_tensor *t, const int64_t *index) {
  return tn__load_scalar(element_ptr(t, index), t->dtype);
}

void tn_set(tn_tensor *t, const int64_t *index, tn_scalar value) {
  tn__store_scalar((char *)element_ptr(t, index), t->dtype, value);
}

tn_scalar tn_get_flat(const tn_tensor *t, int64_t i) {
  int64_t index[TN_MAX_DIMS];
  for (int32_t d = t->ndim - 1; d >= 0; d--) {
    index[d] = t->shape[d] ? i % t->shape[d] : 0;
    i = t->shape[d] ? i / t->shape[d] : 0;
  }
  return tn_get(t, index);
}

int tn_item(const tn_tensor *t, tn_scalar *out) {
  if (t->numel != 1)
    return tn__errorf(TN_ERROR_VALUE, "only one element tensors can be converted to Python scalars");
  *out = tn__load_scalar(tn__data(t), t->dtype);
  return 0;
}
