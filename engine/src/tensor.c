/* tensor.c — storage, tensor headers, reference counting, and the strided iterator. */
#include "tn-internal.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* ----- storage ----- */

/* The storage header and its data share one aligned allocation, so that a new tensor costs two
 * allocations (header and storage), not three. */
#define TN_STORAGE_HEADER ((sizeof(tn_storage) + TN_ALIGNMENT - 1) / TN_ALIGNMENT * TN_ALIGNMENT)

/* ----- small-object pool -----
 * A 3-element a + b spends most of its time in malloc/free, so tensor headers, and small tensors
 * whole (header, storage header and data in one block), come from per-thread free lists. A block
 * freed on another thread joins that thread's list: each list is only touched by its own thread,
 * so no lock is needed (the GUI thread and the runner's worker both use the engine). */
#define TN_HEADER_SIZE ((sizeof(tn_tensor) + TN_ALIGNMENT - 1) / TN_ALIGNMENT * TN_ALIGNMENT)
#define TN_SMALL_DATA 256 /* bytes of data a one-block tensor holds (32 doubles) */
#define TN_SMALL_BLOCK (TN_HEADER_SIZE + TN_STORAGE_HEADER + TN_SMALL_DATA)
#if defined(__SANITIZE_ADDRESS__)
/* Under AddressSanitizer every block goes back to malloc, so that a use after release is caught. */
#define TN_POOL_MAX 0
#else
#define TN_POOL_MAX 512 /* blocks kept per list and thread */
#endif

enum { POOL_HEADER = TN__POOL_HEADER, POOL_SMALL = TN__POOL_SMALL, POOL_COUNT = TN__POOL_COUNT };

typedef struct pool_cache {
  void *head[POOL_COUNT];
  int count[POOL_COUNT];
  bool registered;
} pool_cache;

static _Thread_local pool_cache cache;
static pthread_key_t cache_key;
static pthread_once_t cache_key_once = PTHREAD_ONCE_INIT;

static void cache_destroy(void *p) {
  pool_cache *c = p;
  c->registered = false; /* a tensor released by a later destructor is simply freed */
  for (int k = 0; k < POOL_COUNT; k++) {
    while (c->head[k]) {
      void *b = c->head[k];
      memcpy(&c->head[k], b, sizeof(void *));
      free(b);
    }
    c->count[k] = 0;
  }
}

static void cache_key_init(void) {
  if (pthread_key_create(&cache_key, cache_destroy) != 0) cache_key = 0;
}

static void *pool_get(int k) {
  pool_cache *c = &cache;
  void *b = c->head[k];
  if (TN_LIKELY(b)) {
    memcpy(&c->head[k], b, sizeof(void *));
    c->count[k]--;
    return b;
  }
  if (!c->registered) { /* free this thread's lists when it exits */
    pthread_once(&cache_key_once, cache_key_init);
    pthread_setspecific(cache_key, c);
    c->registered = true;
  }
  if (k == POOL_HEADER) return malloc(TN_HEADER_SIZE);
  if (k != POOL_SMALL) return malloc(tn__pool_block_size(k));
  void *block = NULL;
  return posix_memalign(&block, TN_ALIGNMENT, TN_SMALL_BLOCK) == 0 ? block : NULL;
}


static void pool_put(int k, void *b) {
  pool_cache *c = &cache;
  if (c->count[k] >= TN_POOL_MAX || !c->registered) {
    free(b);
    return;
  }
  memcpy(b, &c->head[k], sizeof(void *));
  c->head[k] = b;
  c->count[k]++;
}

void *tn__pool_get(int kind) { return pool_get(kind); }
void tn__pool_put(int kind, void *block) {
  if (block) pool_put(kind, block);
}

/* A storage embedded in a small tensor's block says so by pointing free_ctx at itself (free_fn
 * stays NULL: the memory is ours). */
static inline bool storage_embedded(const tn_storage *s) { return !s->free_fn && s->free_ctx == (const void *)s; }

/* ----- large-block cache -----
 * A block above glibc's mmap threshold (128 KiB at first) comes from mmap, and every page of it
 * faults and is zeroed on first touch: for `a + b` on 16M float16 that is a third of the time, and
 * for an op on 100 000 floats most of it. So the last few large blocks freed are kept (at most 8,
 * at most 256 MiB) and handed to the next allocation of about their size, the most recently freed
 * first: its pages are the likeliest to be in the caches still (a loop that frees a result and
 * makes the next one then keeps working in one buffer, as PyTorch's does). Shared by all threads,
 * under a lock (one lock per large allocation costs nothing). */
#if defined(__SANITIZE_ADDRESS__)
#define TN_BIG_MIN SIZE_MAX /* nothing cached: see TN_POOL_MAX */
#else
#define TN_BIG_MIN ((size_t)128 << 10)
#endif
#define TN_BIG_SLOTS 8
#define TN_BIG_MAX_BYTES ((size_t)256 << 20)

static pthread_mutex_t big_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
  void *block;
  size_t cap;     /* usable data bytes */
  uint64_t stamp; /* when it was freed */
} big_cache[TN_BIG_SLOTS];
static size_t big_cached_bytes;
static uint64_t big_clock;

/* A cached block with room for alloc data bytes and not much more (NULL: none). */
static void *big_take(size_t alloc, size_t *cap) {
  void *b = NULL;
  pthread_mutex_lock(&big_mu);
  int best = -1;
  for (int i = 0; i < TN_BIG_SLOTS; i++)
    if (big_cache[i].block && big_cache[i].cap >= alloc && big_cache[i].cap - alloc <= alloc / 4 &&
        (best < 0 || big_cache[i].stamp > big_cache[best].stamp))
      best = i;
  if (best >= 0) {
    b = big_cache[best].block;
    *cap = big_cache[best].cap;
    big_cached_bytes -= big_cache[best].cap;
    big_cache[best].block = NULL;
  }
  pthread_mutex_unlock(&big_mu);
  return b;
}

/* The cached block freed longest ago, other than `keep` (-1: none). */
static int big_oldest(int keep) {
  int o = -1;
  for (int i = 0; i < TN_BIG_SLOTS; i++)
    if (i != keep && big_cache[i].block && (o < 0 || big_cache[i].stamp < big_cache[o].stamp)) o = i;
  return o;
}

/* Keeps a block for reuse, or frees it (the oldest entries make room). */
static void big_give(void *block, size_t cap) {
  if (cap > TN_BIG_MAX_BYTES) {
    free(block);
    return;
  }
  void *drop[TN_BIG_SLOTS + 1];
  int ndrop = 0;
  pthread_mutex_lock(&big_mu);
  int slot = -1;
  for (int i = 0; i < TN_BIG_SLOTS && slot < 0; i++)
    if (!big_cache[i].block) slot = i;
  if (slot < 0) { /* full: the oldest makes room */
    slot = big_oldest(-1);
    drop[ndrop++] = big_cache[slot].block;
    big_cached_bytes -= big_cache[slot].cap;
  }
  big_cache[slot].block = block;
  big_cache[slot].cap = cap;
  big_cache[slot].stamp = ++big_clock;
  big_cached_bytes += cap;
  for (int o; big_cached_bytes > TN_BIG_MAX_BYTES && (o = big_oldest(slot)) >= 0;) { /* over budget */
    drop[ndrop++] = big_cache[o].block;
    big_cached_bytes -= big_cache[o].cap;
    big_cache[o].block = NULL;
  }
  pthread_mutex_unlock(&big_mu);
  for (int i = 0; i < ndrop; i++) free(drop[i]);
}

tn_storage *tn__storage_new(size_t nbytes, tn_device device) {
  size_t alloc = (nbytes + TN_ALIGNMENT - 1) / TN_ALIGNMENT * TN_ALIGNMENT;
  void *block = NULL;
  size_t cap = 0;
  if (alloc >= TN_BIG_MIN && alloc >= nbytes && (block = big_take(alloc, &cap)) != NULL) {
    tn_storage *s = block;
    *s = (tn_storage){.refcount = 1, .device = device, .data = (char *)block + TN_STORAGE_HEADER, .nbytes = nbytes};
    return s;
  }
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
  if (storage_embedded(s)) {
    /* the last reference: the owning header was released already (it held one) */
    pool_put(POOL_SMALL, (char *)s - TN_HEADER_SIZE);
    return;
  }
  if (s->free_fn) { /* external memory (from_blob): only the header is ours */
    s->free_fn(s->free_ctx);
    free(s);
    return;
  }
  size_t alloc = (s->nbytes + TN_ALIGNMENT - 1) / TN_ALIGNMENT * TN_ALIGNMENT;
  if (alloc >= TN_BIG_MIN && s->data == (char *)s + TN_STORAGE_HEADER)
    big_give(s, alloc);
  else
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
    int64_t m;
    if (__builtin_mul_overflow(n, shape[d], &m)) { /* (no division: this runs for every new tensor) */
      for (int32_t k = d + 1; k < ndim; k++)
        if (shape[k] == 0) return 0;
      return -1;
    }
    n = m;
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

static inline void header_init(tn_tensor *t) {
  memset(t, 0, sizeof *t);
  t->refcount = 1;
  t->device = TN_DEVICE_CPU_VALUE;
}

/* header_init for a header whose shape and strides the caller fills for its ndim dims at once
 * (tn__new): the rest of those arrays is left as it was (only the first ndim entries of either
 * mean anything), which spares clearing 256 bytes per new tensor. */
static inline void header_init_dims(tn_tensor *t) {
  memset(t, 0, offsetof(tn_tensor, shape));
  memset(&t->offset, 0, sizeof *t - offsetof(tn_tensor, offset));
  t->refcount = 1;
  t->device = TN_DEVICE_CPU_VALUE;
}

static tn_tensor *header_new(void) {
  tn_tensor *t = pool_get(POOL_HEADER);
  if (!t) return tn__error_alloc(sizeof *t);
  header_init(t);
  return t;
}

tn_tensor *tn__header_new(void) { return header_new(); }
static inline tn_storage *own_storage(tn_tensor *t) {
  return t->in_small_block ? (tn_storage *)((char *)t + TN_HEADER_SIZE) : NULL;
}

void tn__replace_storage(tn_tensor *t, tn_storage *s) {
  tn__storage_retain(s);
  if (t->storage != own_storage(t)) tn__storage_release(t->storage);
  t->storage = s;
}

tn_tensor *tn__new(int32_t ndim, const int64_t *shape, tn_dtype dtype) {
  if (TN_UNLIKELY(tn__check_shape(ndim, shape) < 0)) return NULL;
  int64_t numel = tn__shape_numel(ndim, shape);
  size_t esize = tn__dtype_traits[dtype].size;
  if (numel < 0 || (uint64_t)numel > SIZE_MAX / esize / 2) {
    char buf[512];
    return tn__error(TN_ERROR_RUNTIME, "Storage size calculation overflowed with sizes=%s", LIST(buf, ndim, shape));
  }
  size_t nbytes = (size_t)numel * esize;
  tn_tensor *t;
  if (nbytes <= TN_SMALL_DATA) {
    /* one block: header, storage header, data */
    char *block = pool_get(POOL_SMALL);
    if (!block) return tn__error_alloc(nbytes);
    t = (tn_tensor *)block;
    header_init_dims(t);
    t->in_small_block = true;
    tn_storage *s = (tn_storage *)(block + TN_HEADER_SIZE);
    *s = (tn_storage){.refcount = 1, .device = TN_DEVICE_CPU_VALUE, .data = (char *)s + TN_STORAGE_HEADER,
                      .nbytes = nbytes, .free_ctx = s};
    t->storage = s;
  } else {
    t = header_new();
    if (!t) return NULL;
    t->storage = tn__storage_new(nbytes, TN_DEVICE_CPU_VALUE);
    if (!t->storage) {
      pool_put(POOL_HEADER, t);
      return NULL;
    }
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
  tn_tensor *base = t->view_base;
  tn_storage *s = t->storage;
  tn_storage *own = own_storage(t);
  if (own) {
    /* the header lives in its own storage's block: the block goes when that storage does (views
     * may still hold it). After t.data = other, t holds other's storage too. */
    if (s != own) tn__storage_release(s);
    tn__storage_release(own);
  } else {
    tn__storage_release(s);
    pool_put(POOL_HEADER, t);
  }
  tn_release(base);
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

void tn__iter_run_range(const tn__iter *it, tn__loop_fn fn, void *ctx, int64_t begin, int64_t end) {
  if (end > it->numel) end = it->numel;
  if (begin >= end) return;
  int32_t nops = it->nops;
  char *data[TN__ITER_MAX_OPS];
  int64_t inner_strides[TN__ITER_MAX_OPS];
  for (int32_t k = 0; k < nops; k++) {
    data[k] = it->data[k];
    inner_strides[k] = it->ndim ? it->strides[k][0] : 0;
  }
  if (it->ndim == 0) {
    fn(ctx, 1, data, inner_strides);
    return;
  }
  /* the position of element `begin` */
  int64_t counter[TN_MAX_DIMS], idx = begin;
  for (int32_t d = 0; d < it->ndim; d++) {
    counter[d] = idx % it->shape[d];
    idx /= it->shape[d];
    for (int32_t k = 0; k < nops; k++) data[k] += counter[d] * it->strides[k][d];
  }
  int64_t left = end - begin;
  for (;;) {
    int64_t m = it->shape[0] - counter[0];
    if (m > left) m = left;
    fn(ctx, m, data, inner_strides);
    left -= m;
    if (left == 0) return;
    for (int32_t k = 0; k < nops; k++) data[k] -= counter[0] * it->strides[k][0];
    counter[0] = 0;
    for (int32_t d = 1; d < it->ndim; d++) {
      counter[d]++;
      for (int32_t k = 0; k < nops; k++) data[k] += it->strides[k][d];
      if (counter[d] < it->shape[d]) break;
      for (int32_t k = 0; k < nops; k++) data[k] -= it->strides[k][d] * it->shape[d];
      counter[d] = 0;
    }
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
