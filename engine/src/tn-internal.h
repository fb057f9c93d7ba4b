/* tn-internal.h — what the engine's source files share and the public header does not show. */
#ifndef TN_INTERNAL_H
#define TN_INTERNAL_H

#include "tn.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#if defined(__GNUC__)
#define TN_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define TN_LIKELY(x) __builtin_expect(!!(x), 1)
#define TN_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define TN_PRINTF(a, b)
#define TN_LIKELY(x) (x)
#define TN_UNLIKELY(x) (x)
#endif

/* Storage alignment: wide enough for AVX-512 loads. */
#define TN_ALIGNMENT 64

struct tn_storage {
  int32_t refcount;
  tn_device device;
  void *data;
  size_t nbytes;
  uint32_t version;           /* shared version counter of every tensor viewing this storage */
  void (*free_fn)(void *ctx); /* external memory (numpy); NULL: data is ours */
  void *free_ctx;
};

/* ----- dtype traits: one table, indexed by tn_dtype ----- */

typedef struct tn_dtype_traits {
  const char *name;       /* "float32" */
  const char *torch_name; /* "torch.float32" */
  size_t size;
  bool is_floating;
  bool is_signed;
  const char *scalar_type_name; /* c10::ScalarType, as messages print it: "Float" */
  const char *cpp_type_name;    /* caffe2::TypeMeta of the C++ type: "float", "long int" */
} tn_dtype_traits;

extern const tn_dtype_traits tn__dtype_traits[TN_DTYPE_COUNT];

static inline bool tn__dtype_valid(tn_dtype d) { return d >= 0 && d < TN_DTYPE_COUNT; }
static inline const char *tn__scalar_type_name(tn_dtype d) {
  return tn__dtype_valid(d) ? tn__dtype_traits[d].scalar_type_name : "Undefined";
}
static inline const char *tn__cpp_type_name(tn_dtype d) {
  return tn__dtype_valid(d) ? tn__dtype_traits[d].cpp_type_name : "Undefined";
}

/* Generic element access by dtype (the slow path; kernels specialise per dtype). Float→integer
 * conversions follow what x86 compilers make of PyTorch's casts, without C's undefined behaviour:
 * NaN and out-of-range values become the integer minimum. */
double tn__load_double(const void *p, tn_dtype dtype);
int64_t tn__load_int64(const void *p, tn_dtype dtype);
void tn__store_double(void *p, tn_dtype dtype, double v);
void tn__store_int64(void *p, tn_dtype dtype, int64_t v);
void tn__store_scalar(void *p, tn_dtype dtype, tn_scalar s);
tn_scalar tn__load_scalar(const void *p, tn_dtype dtype);
int64_t tn__double_to_int64(double v);
int32_t tn__double_to_int32(double v);

/* Converting copy of n elements with byte strides (any dtype pair). */
void tn__convert(void *dst, tn_dtype dst_dtype, int64_t dst_stride, const void *src, tn_dtype src_dtype,
                 int64_t src_stride, int64_t n);

/* ----- errors ----- */

/* Sets the thread-local error; returns NULL so that callers can `return tn__error(...)`. */
void *tn__error(tn_error_kind kind, const char *fmt, ...) TN_PRINTF(2, 3);
/* Same, returning -1, for int-returning functions. */
int tn__errorf(tn_error_kind kind, const char *fmt, ...) TN_PRINTF(2, 3);
/* "[2, 3]", as c10 prints an IntArrayRef in messages; LIST(buf, ndim, v) for a char array buf. */
const char *tn__format_int_list(char *buf, size_t n, int32_t ndim, const int64_t *v);
#define LIST(buf, ndim, v) tn__format_int_list((buf), sizeof(buf), (ndim), (v))
/* PyTorch's allocation failure message. */
void *tn__error_alloc(size_t nbytes);

/* ----- allocation ----- */

tn_storage *tn__storage_new(size_t nbytes, tn_device device);
tn_storage *tn__storage_retain(tn_storage *s);
void tn__storage_release(tn_storage *s);

/* A new contiguous tensor (uninitialised data). shape may be NULL when ndim == 0. */
tn_tensor *tn__new(int32_t ndim, const int64_t *shape, tn_dtype dtype);
/* A new tensor header (refcount 1) viewing base's storage with the given geometry. It records base
 * (or base's own view_base) as its view_base. */
tn_tensor *tn__new_view(const tn_tensor *base, int32_t ndim, const int64_t *shape, const int64_t *strides,
                        int64_t offset);
/* The contiguous strides of a shape, as PyTorch computes them (size-1 dims get the stride the next
 * dim's extent implies). */
void tn__contiguous_strides(int32_t ndim, const int64_t *shape, int64_t *strides);
/* Product of a shape, -1 (with PyTorch's error) when it overflows or a size is negative. */
int64_t tn__shape_numel(int32_t ndim, const int64_t *shape);
/* Check a shape given by the user: negative sizes raise PyTorch's error. */
int tn__check_shape(int32_t ndim, const int64_t *shape);
/* Recompute numel after editing shape. */
void tn__update_numel(tn_tensor *t);

static inline char *tn__data(const tn_tensor *t) {
  return (char *)t->storage->data + t->offset * (int64_t)tn__dtype_traits[t->dtype].size;
}

/* Resolve opts.dtype: UNDEFINED becomes the default dtype. */
tn_dtype tn__dtype_or_default(tn_dtype dtype);
/* The dtype torch.tensor / full infers from a Python scalar. */
tn_dtype tn__scalar_dtype(tn_scalar s);
/* Only CPU tensors exist until the CUDA backend lands. */
int tn__check_cpu(tn_options opts);

/* Copy src into dst (same shape after broadcasting src), converting dtypes, handling overlap; no
 * checks and no version bump. */
int tn__copy_raw(tn_tensor *dst, const tn_tensor *src);
/* c10's is_non_overlapping_and_dense, and the strides torch.preserve_format gives from it. */
bool tn__non_overlapping_and_dense(const tn_tensor *t);
void tn__preserved_strides(const tn_tensor *t, int64_t *strides);
/* PyTorch's error for writing into a tensor whose elements share memory (an expanded one). */
int tn__check_no_internal_overlap(const tn_tensor *t);
/* A copy of t in dtype, keeping t's layout when it is dense (clone's memory-format rule). */
tn_tensor *tn__clone_as(const tn_tensor *t, tn_dtype dtype);

/* ----- TensorIterator's dimension order ----- */

/* The operands TensorIterator::reorder_dimensions looks at: for each operand its strides (any unit,
 * consistent within the operand; 0 where it is broadcast) in tensor dim order. */
typedef struct tn__dim_order {
  int32_t ndim, nops;
  const int64_t *shape;
  const int64_t (*strides)[TN_MAX_DIMS];
  bool reduction;   /* operand 0 is a reduction output: its broadcast dims go outermost */
  const bool *skip; /* operands that do not vote (outputs yet to be allocated); NULL: none */
} tn__dim_order;

/* perm[i] is the tensor dim iterated at position i (0 innermost): PyTorch's insertion sort from
 * the C order with its three-way comparison (ambiguous pairs keep their order). */
void tn__reorder_dims(const tn__dim_order *o, int32_t *perm);
/* The strides TensorIterator gives a new tensor of `shape` iterated in the order perm. */
void tn__strides_from_perm(int32_t ndim, const int64_t *shape, const int32_t *perm, int64_t *strides);

/* ----- strided iteration over several operands ----- */

#define TN__ITER_MAX_OPS 4

/* Operands of one shape (inputs broadcast to it with stride 0), iterated in an order that keeps
 * operand 0's memory access sequential where it can. Strides are in bytes. */
typedef struct tn__iter {
  int32_t nops;
  int32_t ndim;                              /* after coalescing; 0 means one element */
  int64_t shape[TN_MAX_DIMS];                /* innermost dim first */
  int64_t strides[TN__ITER_MAX_OPS][TN_MAX_DIMS];
  char *data[TN__ITER_MAX_OPS];
  int64_t numel;
} tn__iter;

/* The inner kernel: n elements, one pointer and one byte stride per operand. */
typedef void (*tn__loop_fn)(void *ctx, int64_t n, char **data, const int64_t *strides);

/* shape/ndim: the iteration shape. ops[k] must broadcast to it (right-aligned, size 1 or equal). */
void tn__iter_init(tn__iter *it, int32_t ndim, const int64_t *shape, int32_t nops, const tn_tensor *const *ops);
/* Calls fn for every innermost run of elements. */
void tn__iter_run(const tn__iter *it, tn__loop_fn fn, void *ctx);
/* Same, for the elements [begin, end) of the iteration order only (a thread's share). */
void tn__iter_run_range(const tn__iter *it, tn__loop_fn fn, void *ctx, int64_t begin, int64_t end);

/* ----- CPU features and the thread pool (cpu.c, threads.c) ----- */

/* AVX2 with FMA and F16C is present and not turned off by TN_CPU=generic: the vectorised kernels
 * may run. Their results are the portable kernels' bit for bit. */
bool tn__cpu_avx2(void);
/* Tests: 0 forces the portable kernels, 1 the AVX2 ones (-1 with no change when the CPU lacks
 * them), -1 goes back to detection. Returns the previous choice (0 or 1). */
int tn__cpu_force(int mode);
/* Threads the engine uses for large tensors (TN_NUM_THREADS, else the online CPUs, at most 8). */
int tn__num_threads(void);
/* Runs fn(ctx, begin, end) over disjoint pieces covering [0, n), on the pool's threads when n is at
 * least 2 * grain, else (or when called from inside a parallel region) on this thread alone. */
typedef void (*tn__range_fn)(void *ctx, int64_t begin, int64_t end);
void tn__parallel_for(int64_t n, int64_t grain, tn__range_fn fn, void *ctx);
/* fn(ctx, t, t + 1) for each task t in [0, ntasks), on the pool when it is free (tasks whose
 * results must not depend on how many threads run them). */
void tn__parallel_tasks(int ntasks, tn__range_fn fn, void *ctx);
/* Element-wise work below this many elements stays on one thread. */
#define TN__PARALLEL_MIN 65536
/* Per-thread lists of freed blocks of a few fixed sizes (small tensors, autograd nodes and their
 * edges): a block from tn__pool_get (uninitialised) goes back with tn__pool_put, from any thread. */
enum { TN__POOL_HEADER, TN__POOL_SMALL, TN__POOL_NODE, TN__POOL_EDGES, TN__POOL_META, TN__POOL_COUNT };
void *tn__pool_get(int kind);
void tn__pool_put(int kind, void *block);
size_t tn__pool_block_size(int kind); /* for the autograd kinds (autograd.c) */
/* A tensor header from the engine's pool (refcount 1, CPU, everything else zero). */
tn_tensor *tn__header_new(void);
/* t's storage becomes s (retained); the old one is let go, except a small tensor's own block, which
 * stays with the header until the header goes (tn_release). */
void tn__replace_storage(tn_tensor *t, tn_storage *s);

/* ----- element-wise kernels (elementwise-kernels.c; elementwise.c drives them) ----- */

/* Kernel parameters: typed scalars (alpha, clamp bounds, pow exponent) and the flag integer
 * division by zero raises. */
typedef struct tn__ew_ctx {
  int64_t i1, i2;
  float f1, f2;
  double d1, d2;
  bool zero_div;
} tn__ew_ctx;

/* Loops over (out, a, b) / (out, a) of one dtype, indexed [op][dtype]: binary by tn_binary_op and
 * the ops below, unary by tn_unary_op and the ops below; NULL where PyTorch 1.13 has no CPU kernel
 * ("... not implemented for 'Half'", with the name from the *_kernel_name table). */
enum { TN__EW_ADD_ALPHA = TN_BINARY_COUNT, TN__EW_BINARY_COUNT };
enum {
  TN__EW_IDENTITY = TN_UNARY_COUNT,
  TN__EW_CUBE,
  TN__EW_INVSQ,
  TN__EW_POWS,
  TN__EW_CLAMP,
  TN__EW_CLAMPMIN,
  TN__EW_CLAMPMAX,
  TN__EW_UNARY_COUNT
};
extern const tn__loop_fn tn__ew_binary[TN__EW_BINARY_COUNT][TN_DTYPE_COUNT];
extern const char *const tn__ew_binary_kernel_name[TN__EW_BINARY_COUNT];
extern const tn__loop_fn tn__ew_unary[TN__EW_UNARY_COUNT][TN_DTYPE_COUNT];
extern const char *const tn__ew_unary_kernel_name[TN__EW_UNARY_COUNT];
/* where's loops over (out, cond, a, b), indexed by element size (1, 2, 4, 8). */
extern const tn__loop_fn tn__ew_where[9];
#if defined(__GNUC__) && defined(__x86_64__)
#define TN__HAVE_AVX2_KERNELS 1
/* The same tables built for AVX2+FMA+F16C (elementwise-kernels-avx2.c); NULL exactly where the
 * portable ones are. */
extern const tn__loop_fn tn__ew_binary_avx2[TN__EW_BINARY_COUNT][TN_DTYPE_COUNT];
extern const tn__loop_fn tn__ew_unary_avx2[TN__EW_UNARY_COUNT][TN_DTYPE_COUNT];
extern const tn__loop_fn tn__ew_where_avx2[9];
#endif

/* ----- autodiff hooks (autograd.c, autograd-formulas.c): ops record graph nodes through these ----- */

/* Grad mode on and one of the tensors (NULL allowed) requires grad. */
bool tn__ag_wants(const tn_tensor *a, const tn_tensor *b, const tn_tensor *c);
/* Same for an in-place op on self (also true when self views a tensor that requires grad). */
bool tn__ag_wants_inplace(const tn_tensor *self, const tn_tensor *other);
/* Records out (a view of in made by the op PyTorch names name) and returns it; passes NULL through. */
tn_tensor *tn__ag_view(const tn_tensor *in, tn_tensor *out, const char *name);
/* out (consumed) = in with its dims permuted (out dim i is in dim perm[i]): records a node whose
 * backward permutes the gradient back (transpose, t, permute), no gather positions needed. */
tn_tensor *tn__ag_permute(const tn_tensor *in, tn_tensor *out, int32_t ndim, const int64_t *perm, const char *name);
/* Entry hooks: compute the op with grad mode off, then record its node. self: in-place target. */
tn_tensor *tn__ag_binary(int op, const tn_tensor *a, const tn_tensor *b, const tn_scalar *alpha, tn_tensor *self);
tn_tensor *tn__ag_rsub(const tn_tensor *self, const tn_tensor *other, tn_scalar alpha);
/* out (consumed) holds t's elements at the flat positions pos (int64, t's shape; consumed): a node
 * `name` whose backward gathers the gradient back from those positions. */
tn_tensor *tn__ag_placed(const tn_tensor *t, tn_tensor *out, tn_tensor *pos, const char *name);
/* out = a copy of some of t's elements (f(t)), a node `name` gathering them (its backward scatters). */
typedef tn_tensor *(*tn__pick_fn)(const tn_tensor *t, void *ctx);
tn_tensor *tn__ag_picked(const tn_tensor *t, const char *name, tn__pick_fn f, void *ctx);
tn_tensor *tn__ag_unary(int op, const tn_tensor *a, tn_tensor *self);
tn_tensor *tn__ag_clamp(const tn_tensor *a, const tn_scalar *min, const tn_scalar *max, tn_tensor *self);
tn_tensor *tn__ag_where(const tn_tensor *cond, const tn_tensor *a, const tn_tensor *b);
/* op: "sum", "mean", "prod", "amax", "amin", "max", "min", "var", "std", "logsumexp", "norm",
 * "vector_norm", "fro" (linalg.norm's Frobenius norm) */
tn_tensor *tn__ag_reduce(const char *op, const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim,
                         tn_dtype dtype, int64_t correction, double p);
int tn__ag_max_dim(bool is_max, const tn_tensor *t, int64_t dim, bool keepdim, tn_tensor **values,
                   tn_tensor **indices);
tn_tensor *tn__ag_cumsum(const tn_tensor *t, int64_t dim, tn_dtype dtype);
tn_tensor *tn__ag_cumprod(const tn_tensor *t, int64_t dim, tn_dtype dtype);
/* op: "mm", "mv", "dot", "bmm", "matmul", "outer" */
tn_tensor *tn__ag_matmul(const char *op, const tn_tensor *a, const tn_tensor *b);
tn_tensor *tn__ag_cat(bool stack, int32_t n, tn_tensor *const *tensors, int64_t dim);
tn_tensor *tn__ag_repeat(const tn_tensor *t, int32_t nreps, const int64_t *reps);
int tn__ag_split(int rc, const tn_tensor *t, tn_tensor **parts, int32_t n);
tn_tensor *tn__ag_index_get(const tn_tensor *t, int32_t n, const tn_index *idx);
int tn__ag_index_put_(tn_tensor *t, int32_t n, const tn_index *idx, const tn_tensor *value);
/* which: 0 index_select, 1 gather, 2 masked_select (index is the mask, dim unused) */
tn_tensor *tn__ag_gather_op(int which, const tn_tensor *t, int64_t dim, const tn_tensor *index);
tn_tensor *tn__ag_copy_(tn_tensor *dst, const tn_tensor *src);
tn_tensor *tn__ag_fill_(tn_tensor *t, tn_scalar value);
tn_tensor *tn__ag_einsum(const char *equation, int32_t n, tn_tensor *const *operands);
/* which: 0 clone, 1 contiguous, 2 to(dtype, copy) */
tn_tensor *tn__ag_clone(int which, const tn_tensor *t, tn_dtype dtype, bool copy);
/* In-place ops: PyTorch's errors for leaves (and views of leaves) that require grad. */
int tn__ag_check_inplace(const tn_tensor *self);


/* ----- CUDA hooks (cuda.c): the CPU entry points hand over to these once their own argument
 * checks pass and an operand lives on a CUDA device. ----- */
bool tn__is_cuda(const tn_tensor *t);
bool tn__cuda_any(const tn_tensor *a, const tn_tensor *b, const tn_tensor *c);
tn_tensor *tn__cuda_empty(int32_t ndim, const int64_t *shape, tn_dtype dtype, tn_device device);
/* strides NULL: contiguous; else a dense layout (the storage holds numel elements) */
tn_tensor *tn__cuda_empty_strided(int32_t ndim, const int64_t *shape, const int64_t *strides, tn_dtype dtype,
                                  tn_device device);
tn_tensor *tn__cuda_contiguous(const tn_tensor *t);
/* op: a tn_binary_op or TN__EW_ADD_ALPHA; common: the computation dtype, kout: the result's. */
tn_tensor *tn__cuda_binary(int op, const tn_tensor *a, const tn_tensor *b, tn_tensor *self, const tn_scalar *alpha,
                           tn_dtype common, tn_dtype kout, int32_t ndim, const int64_t *shape);
tn_tensor *tn__cuda_unary(tn_unary_op op, const tn_tensor *a, tn_tensor *self, tn_dtype ct, tn_dtype kout);
int tn__cuda_copy(tn_tensor *dst, const tn_tensor *src);
int tn__cuda_fill(tn_tensor *t, tn_scalar value);
tn_tensor *tn__cuda_reduce(int kind, const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim,
                           tn_dtype out_dtype, double scale);
tn_tensor *tn__cuda_matmul(const tn_tensor *a, const tn_tensor *b);
/* 0 when n operands (NULL allowed) may meet on one device (op_device's rule), else PyTorch's
 * error, set, and -1: the dispatcher's check, which comes before an op's own. */
int tn__cuda_same_device(int n, const tn_tensor *const *ts);
/* addmm's CUDA path, its checks done: se is self expanded to the result's shape. */
tn_tensor *tn__cuda_addmm(const tn_tensor *se, const tn_tensor *m1, const tn_tensor *m2, double beta, double alpha);
/* Creation with device=cuda: made on the CPU (so values and random streams are the CPU's), then
 * moved; host is released. */
tn_tensor *tn__move_to_device(tn_tensor *host, tn_device device);
/* 0 when device can hold tensors now; else PyTorch's error, set, and -1. */
int tn__cuda_check_device(tn_device device);
/* A factory asked for a CUDA tensor: checks the device first (so that a failure has no side effect,
 * no random draw taken), makes the tensor on the CPU, then moves it. */
#define TN__CREATE_ON_DEVICE(opts, call)                     \
  do {                                                       \
    if ((opts).device.type == TN_DEVICE_CUDA) {              \
      tn_device dev__ = (opts).device;                       \
      if (tn__cuda_check_device(dev__) < 0) return NULL;     \
      (opts).device = (tn_device){TN_DEVICE_CPU, 0};        \
      return tn__move_to_device((call), dev__);              \
    }                                                        \
  } while (0)

/* ----- operations without a CUDA kernel -----
 * Device memory is managed memory, so such an operation runs its CPU kernel on host views of its
 * operands and its result is moved to their device: a CUDA input never gives a CPU result. */

/* Checks that n operands (NULL allowed) can meet on one device, as PyTorch's checks do (the CUDA
 * ones on one device; CPU ones only as 0-dim tensors), and gives host views of them: an alias of
 * each CUDA one, each CPU one retained. -1 with PyTorch's error set otherwise. */
int tn__cuda_host_args(int n, const tn_tensor *const *in, tn_tensor **host, tn_device *dev);
/* Releases the host views; returns the CPU result (NULL passes through) moved to dev. */
tn_tensor *tn__cuda_host_done(int n, tn_tensor **host, tn_tensor *cpu_result, tn_device dev);
/* Moves each non-NULL results[i] (CPU tensors) to dev in place; rc < 0 (a failure before) or a
 * failed move releases them all, NULLs them and returns -1. */
int tn__cuda_host_results(int rc, tn_device dev, int n, tn_tensor **results);

/* While backward formulas run: a CPU tensor (of any shape) may meet CUDA ones, and is copied to
 * their device (formulas build some of their tensors with CPU kernels; the user's operations keep
 * PyTorch's same-device rule). Returns the previous setting. */
bool tn__cuda_lenient(bool on);
/* An indexing op on a CUDA tensor t (index_select, gather, masked_select, advanced indexing):
 * pick, a CPU op, runs on int64 tensors of t's shape holding its elements' coordinates (one a dim,
 * broadcast views: nothing of t's size is made), which give the positions of the result's
 * elements in t's storage; the device then gathers them (the module's take). Index tensors that
 * pick reads must be CPU tensors (host views). */
tn_tensor *tn__cuda_take(const tn_tensor *t, tn_tensor *(*pick)(const tn_tensor *positions, void *ctx), void *ctx);
/* The same for a list of n operands (cat, stack, einsum): op runs on their host views. */
tn_tensor *tn__cuda_via_host_list(int32_t n, tn_tensor *const *in,
                                  tn_tensor *(*op)(int32_t n, tn_tensor *const *host, void *ctx), void *ctx);
static inline bool tn__cuda_in_list(int32_t n, tn_tensor *const *in) {
  for (int32_t i = 0; i < n; i++)
    if (tn__is_cuda(in[i])) return true;
  return false;
}

#define TN__CUDA_VIA_HOST_BODY(N, IN, DECL, CALL)                        \
  do {                                                                   \
    const tn_tensor *in__[N] = IN;                                       \
    tn_tensor *host__[N];                                                \
    tn_device dev__;                                                     \
    if (tn__cuda_host_args(N, in__, host__, &dev__) < 0) return NULL;    \
    tn_tensor *res__;                                                    \
    {                                                                    \
      DECL;                                                              \
      res__ = (CALL);                                                    \
    }                                                                    \
    return tn__cuda_host_done(N, host__, res__, dev__);                  \
  } while (0)
#define TN__UNUSED __attribute__((unused))
#define TN__BRACED(...) {__VA_ARGS__}
/* When an operand is a CUDA tensor: returns CALL (the same operation again, in which the operand
 * names now denote host views) with its result on their device. Place after the autograd
 * hand-over, so that the recorded node keeps the device tensors. */
#define TN__CUDA_VIA_HOST1(x, CALL)                                                          \
  do {                                                                                       \
    if (tn__is_cuda(x))                                                                      \
      TN__CUDA_VIA_HOST_BODY(1, TN__BRACED(x), const tn_tensor *x TN__UNUSED = host__[0], CALL); \
  } while (0)
#define TN__CUDA_VIA_HOST2(x, y, CALL)                                                                         \
  do {                                                                                                         \
    if (tn__cuda_any(x, y, NULL))                                                                              \
      TN__CUDA_VIA_HOST_BODY(2, TN__BRACED(x, y),                                                              \
                             const tn_tensor *x TN__UNUSED = host__[0]; const tn_tensor *y TN__UNUSED = host__[1], \
                             CALL);                                                                            \
  } while (0)

#endif /* TN_INTERNAL_H */
