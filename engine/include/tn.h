/* tn.h — libtn, the Optimization Workbench tensor engine.
 *
 * One header, standard C only. Tensors have PyTorch's semantics: a dtype, a shape, strides in
 * elements, a storage offset, and a reference-counted storage that views share.
 *
 *     tn_tensor *x = tn_arange(tn_scalar_int(0), tn_scalar_int(6), tn_scalar_int(1),
 *                              TN_OPTS_INFER);                 // tensor([0, 1, 2, 3, 4, 5])
 *     int64_t shape[] = {2, 3};
 *     tn_tensor *a = tn_view(x, 2, shape);                     // a view: shares x's storage
 *     tn_tensor *b = tn_transpose(a, 0, 1);                    // strides (1, 3): not contiguous
 *     char *s = tn_repr(b);  puts(s);  free(s);
 *     tn_release(b); tn_release(a); tn_release(x);
 *
 * Conventions
 * - Every function that returns a tn_tensor * returns a new reference (release it with
 *   tn_release), or NULL on error. Functions that return int return 0 on success, -1 on error.
 * - On error, tn_error_message() holds PyTorch's message and tn_error_kind_last() the Python
 *   exception type PyTorch raises (RuntimeError, IndexError, ...). The error is thread-local and
 *   stays until the next error or tn_error_clear().
 * - Dimension arguments accept negative values, as in PyTorch.
 * - In-place functions end in an underscore and return a new reference to their first argument.
 * - Tensors are not thread-safe: use one tensor from one thread at a time.
 */
#ifndef TN_H
#define TN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TN_VERSION_STRING "0.1.0"
#define TN_MAX_DIMS 16

/* ------------------------------------------------------------------------------------------ */
/* dtypes                                                                                     */

typedef enum tn_dtype {
  TN_DTYPE_UNDEFINED = -1, /* "not given": infer it, or use the default dtype */
  TN_DTYPE_BOOL = 0,
  TN_DTYPE_UINT8,
  TN_DTYPE_INT8,
  TN_DTYPE_INT16,
  TN_DTYPE_INT32,
  TN_DTYPE_INT64,
  TN_DTYPE_FLOAT16,
  TN_DTYPE_BFLOAT16,
  TN_DTYPE_FLOAT32,
  TN_DTYPE_FLOAT64,
  TN_DTYPE_COUNT
} tn_dtype;

size_t tn_dtype_size(tn_dtype dtype);
const char *tn_dtype_name(tn_dtype dtype);         /* "float32" */
const char *tn_dtype_torch_name(tn_dtype dtype);   /* "torch.float32" */
tn_dtype tn_dtype_from_name(const char *name);     /* "float32", "float", "half", ...; UNDEFINED if unknown */
bool tn_dtype_is_floating(tn_dtype dtype);
bool tn_dtype_is_integral(tn_dtype dtype, bool include_bool);
bool tn_dtype_is_signed(tn_dtype dtype);

/* torch.promote_types */
tn_dtype tn_promote_types(tn_dtype a, tn_dtype b);

/* torch.get_default_dtype / set_default_dtype (float32 or float64 only; else TypeError). */
tn_dtype tn_get_default_dtype(void);
int tn_set_default_dtype(tn_dtype dtype);

/* Correctly rounded (round to nearest even) conversions, NaN and infinity kept. */
uint16_t tn_float_to_half(float f);
uint16_t tn_double_to_half(double d);
float tn_half_to_float(uint16_t h);
uint16_t tn_float_to_bfloat16(float f);
uint16_t tn_double_to_bfloat16(double d);
float tn_bfloat16_to_float(uint16_t b);

/* torch.finfo / torch.iinfo facts. */
typedef struct tn_finfo {
  int32_t bits;
  double eps, max, min, tiny, resolution;
} tn_finfo;
int tn_dtype_finfo(tn_dtype dtype, tn_finfo *out); /* TypeError for non-floating dtypes */
typedef struct tn_iinfo {
  int32_t bits;
  int64_t max, min;
} tn_iinfo;
int tn_dtype_iinfo(tn_dtype dtype, tn_iinfo *out); /* TypeError for floating dtypes */

/* ------------------------------------------------------------------------------------------ */
/* devices                                                                                    */

typedef enum tn_device_type { TN_DEVICE_CPU = 0, TN_DEVICE_CUDA, TN_DEVICE_TYPE_COUNT } tn_device_type;

typedef struct tn_device {
  tn_device_type type;
  int32_t index; /* -1: "cuda" with no index; CPU tensors always report -1 */
} tn_device;

#define TN_DEVICE_CPU_VALUE ((tn_device){TN_DEVICE_CPU, -1})

/* ------------------------------------------------------------------------------------------ */
/* errors                                                                                     */

typedef enum tn_error_kind {
  TN_ERROR_NONE = 0,
  TN_ERROR_RUNTIME,         /* RuntimeError */
  TN_ERROR_INDEX,           /* IndexError */
  TN_ERROR_VALUE,           /* ValueError */
  TN_ERROR_TYPE,            /* TypeError */
  TN_ERROR_NOT_IMPLEMENTED, /* NotImplementedError */
  TN_ERROR_OVERFLOW,        /* OverflowError */
  TN_ERROR_ZERO_DIVISION,   /* ZeroDivisionError */
  TN_ERROR_KIND_COUNT
} tn_error_kind;

const char *tn_error_message(void);
tn_error_kind tn_error_kind_last(void);
const char *tn_error_kind_name(tn_error_kind kind); /* "RuntimeError" */
void tn_error_clear(void);

/* ------------------------------------------------------------------------------------------ */
/* scalars (Python numbers)                                                                   */

typedef enum tn_scalar_kind { TN_SCALAR_BOOL = 0, TN_SCALAR_INT, TN_SCALAR_FLOAT } tn_scalar_kind;

typedef struct tn_scalar {
  tn_scalar_kind kind;
  union {
    bool b;
    int64_t i;
    double f;
  } v;
} tn_scalar;

static inline tn_scalar tn_scalar_bool(bool b) { tn_scalar s; s.kind = TN_SCALAR_BOOL; s.v.b = b; return s; }
static inline tn_scalar tn_scalar_int(int64_t i) { tn_scalar s; s.kind = TN_SCALAR_INT; s.v.i = i; return s; }
static inline tn_scalar tn_scalar_float(double f) { tn_scalar s; s.kind = TN_SCALAR_FLOAT; s.v.f = f; return s; }
double tn_scalar_to_double(tn_scalar s);

/* ------------------------------------------------------------------------------------------ */
/* tensors                                                                                    */

typedef struct tn_storage tn_storage;
typedef struct tn_autograd_meta tn_autograd_meta;

typedef struct tn_tensor {
  int32_t refcount;
  int32_t ndim;
  tn_dtype dtype;
  tn_device device;
  int64_t shape[TN_MAX_DIMS];   /* tensor.shape */
  int64_t strides[TN_MAX_DIMS]; /* tensor.stride(), in elements, not bytes */
  int64_t offset;               /* tensor.storage_offset(), in elements */
  int64_t numel;                /* product of shape */
  tn_storage *storage;          /* shared by every view of the same data */
  struct tn_tensor *view_base;  /* the tensor this is a view of (owned), NULL if not a view */
  bool wrapped_number;          /* a Python scalar wrapped as a 0-dim tensor (type promotion) */
  bool requires_grad;           /* leaves only; non-leaves know through autograd */
  bool in_small_block;          /* engine-private: the header shares its block with a storage */
  tn_autograd_meta *autograd;   /* grad, grad_fn, ...; NULL until autodiff needs it */
} tn_tensor;

typedef struct tn_options {
  tn_dtype dtype; /* TN_DTYPE_UNDEFINED: infer from the data, or the default dtype */
  tn_device device;
} tn_options;

#define TN_OPTS(dt) ((tn_options){(dt), TN_DEVICE_CPU_VALUE})
#define TN_OPTS_INFER TN_OPTS(TN_DTYPE_UNDEFINED)

tn_tensor *tn_retain(tn_tensor *t);
void tn_release(tn_tensor *t);

/* Raw data pointer of element [0,...,0] (data_ptr()), and the storage's. */
void *tn_data_ptr(const tn_tensor *t);
void *tn_storage_data_ptr(const tn_tensor *t);
size_t tn_storage_nbytes(const tn_tensor *t);
bool tn_same_storage(const tn_tensor *a, const tn_tensor *b);
/* The version counter autodiff checks (shared by views; bumped by every in-place op). */
uint32_t tn_version(const tn_tensor *t);
void tn_bump_version(tn_tensor *t);

bool tn_is_contiguous(const tn_tensor *t);
int64_t tn_size(const tn_tensor *t, int64_t dim);   /* -1 with IndexError set if dim is bad */
int64_t tn_stride(const tn_tensor *t, int64_t dim); /* likewise */
int64_t tn_element_size(const tn_tensor *t);
/* Normalise a possibly negative dim against ndim ("Dimension out of range (expected to be in
 * range of [-2, 1], but got 3)"). Returns -1 with IndexError set. */
int64_t tn_wrap_dim(int64_t dim, int64_t ndim);

/* ----- creation ----- */

tn_tensor *tn_empty(int32_t ndim, const int64_t *shape, tn_options opts);
tn_tensor *tn_empty_strided(int32_t ndim, const int64_t *shape, const int64_t *strides, tn_options opts);
tn_tensor *tn_zeros(int32_t ndim, const int64_t *shape, tn_options opts);
tn_tensor *tn_ones(int32_t ndim, const int64_t *shape, tn_options opts);
tn_tensor *tn_full(int32_t ndim, const int64_t *shape, tn_scalar value, tn_options opts); /* infers dtype */
tn_tensor *tn_eye(int64_t n, int64_t m /* -1: m = n */, tn_options opts);
tn_tensor *tn_arange(tn_scalar start, tn_scalar end, tn_scalar step, tn_options opts);
tn_tensor *tn_linspace(tn_scalar start, tn_scalar end, int64_t steps, tn_options opts);
/* *_like: opts.dtype UNDEFINED keeps t's dtype. */
tn_tensor *tn_empty_like(const tn_tensor *t, tn_options opts);
tn_tensor *tn_zeros_like(const tn_tensor *t, tn_options opts);
tn_tensor *tn_ones_like(const tn_tensor *t, tn_options opts);
tn_tensor *tn_full_like(const tn_tensor *t, tn_scalar value, tn_options opts);
tn_tensor *tn_rand_like(const tn_tensor *t, tn_options opts);
tn_tensor *tn_randn_like(const tn_tensor *t, tn_options opts);

/* torch.tensor(data): values given as Python scalars, row-major, with the nested shape. The dtype
 * is inferred as torch.tensor infers it (bool < int64 < default float) unless opts.dtype is set. */
tn_tensor *tn_from_scalars(int32_t ndim, const int64_t *shape, const tn_scalar *values, tn_options opts);
/* A 0-dim tensor holding a Python number, marked as a wrapped number for type promotion. */
tn_tensor *tn_wrap_scalar(tn_scalar s);
/* A 0-dim tensor of a given dtype (torch.tensor(3.0, dtype=...)). */
tn_tensor *tn_scalar_tensor(tn_scalar s, tn_options opts);
/* Data the caller owns (numpy arrays): free_fn(free_ctx) runs when the last view goes. */
tn_tensor *tn_from_blob(void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                        tn_dtype dtype, void (*free_fn)(void *ctx), void *free_ctx);

/* ----- random (PyTorch's CPU generator: mt19937, bit for bit) ----- */

typedef struct tn_generator tn_generator;
tn_generator *tn_default_generator(void);
void tn_manual_seed(uint64_t seed);   /* torch.manual_seed */
uint64_t tn_initial_seed(void);       /* torch.initial_seed */
uint64_t tn_seed(void);               /* torch.seed(): reseeds from a fresh random seed */
tn_tensor *tn_rand(int32_t ndim, const int64_t *shape, tn_options opts);
tn_tensor *tn_randn(int32_t ndim, const int64_t *shape, tn_options opts);
/* torch.randint(low, high, size): dtype defaults to int64. */
tn_tensor *tn_randint(int64_t low, int64_t high, int32_t ndim, const int64_t *shape, tn_options opts);
tn_tensor *tn_randperm(int64_t n, tn_options opts);
tn_tensor *tn_uniform_(tn_tensor *t, double from, double to);
tn_tensor *tn_normal_(tn_tensor *t, double mean, double std);
/* torch.get_rng_state() / set_rng_state(): a copy of the default generator's whole state, so code
 * that draws numbers for itself can leave the user's stream as it found it. */
typedef struct tn_rng_state tn_rng_state;
tn_rng_state *tn_get_rng_state(void); /* NULL when out of memory */
void tn_set_rng_state(const tn_rng_state *state);
void tn_rng_state_free(tn_rng_state *state);
/* Raw draws, for code that needs Python-level random numbers from the same stream. */
uint32_t tn_generator_random(tn_generator *g);
uint64_t tn_generator_random64(tn_generator *g);

/* ----- views and shape ----- */

tn_tensor *tn_view(const tn_tensor *t, int32_t ndim, const int64_t *shape); /* one -1 allowed */
tn_tensor *tn_view_dtype(const tn_tensor *t, tn_dtype dtype);
tn_tensor *tn_reshape(const tn_tensor *t, int32_t ndim, const int64_t *shape);
tn_tensor *tn_t(const tn_tensor *t);
tn_tensor *tn_transpose(const tn_tensor *t, int64_t dim0, int64_t dim1);
tn_tensor *tn_permute(const tn_tensor *t, int32_t ndim, const int64_t *dims);
tn_tensor *tn_flatten(const tn_tensor *t, int64_t start_dim, int64_t end_dim);
tn_tensor *tn_unflatten(const tn_tensor *t, int64_t dim, int32_t nsizes, const int64_t *sizes);
tn_tensor *tn_squeeze(const tn_tensor *t);
tn_tensor *tn_squeeze_dim(const tn_tensor *t, int64_t dim);
tn_tensor *tn_unsqueeze(const tn_tensor *t, int64_t dim);
tn_tensor *tn_expand(const tn_tensor *t, int32_t ndim, const int64_t *shape); /* -1 keeps a size */
tn_tensor *tn_expand_as(const tn_tensor *t, const tn_tensor *other);
tn_tensor *tn_broadcast_to(const tn_tensor *t, int32_t ndim, const int64_t *shape);
tn_tensor *tn_as_strided(const tn_tensor *t, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int64_t offset);
tn_tensor *tn_contiguous(const tn_tensor *t); /* t itself (retained) when already contiguous */
tn_tensor *tn_clone(const tn_tensor *t);      /* a copy that keeps t's layout when t is dense */
tn_tensor *tn_detach(const tn_tensor *t);     /* shares storage, leaves the graph */
/* t.data = src: t takes src's storage, shape, strides, offset and dtype and keeps its own autograd
 * state (requires_grad, grad, history); -1 with PyTorch's error when t requires grad and src is
 * not floating point. */
int tn_set_data(tn_tensor *t, const tn_tensor *src);
tn_tensor *tn_select(const tn_tensor *t, int64_t dim, int64_t index);
tn_tensor *tn_narrow(const tn_tensor *t, int64_t dim, int64_t start, int64_t length);
tn_tensor *tn_diagonal(const tn_tensor *t, int64_t offset, int64_t dim1, int64_t dim2);
/* torch.diag_embed(t, offset, dim1, dim2): t's last dim laid on a diagonal of a new pair of dims
 * (zeros elsewhere), DiagEmbedBackward0. torch.diag(t, diagonal): a 1-D t as the diagonal of a
 * square matrix, or a copy of a 2-D t's diagonal; DiagBackward0. */
tn_tensor *tn_diag_embed(const tn_tensor *t, int64_t offset, int64_t dim1, int64_t dim2);
tn_tensor *tn_diag(const tn_tensor *t, int64_t diagonal);
/* Python slice semantics on one dim: has_* false means the bound was None. */
tn_tensor *tn_slice(const tn_tensor *t, int64_t dim, bool has_start, int64_t start, bool has_stop,
                    int64_t stop, int64_t step);
tn_tensor *tn_cat(int32_t n, tn_tensor *const *tensors, int64_t dim);
tn_tensor *tn_stack(int32_t n, tn_tensor *const *tensors, int64_t dim);
tn_tensor *tn_repeat(const tn_tensor *t, int32_t nreps, const int64_t *reps);
/* split/chunk: *out receives a malloc'd array of *nout new references. */
int tn_split(const tn_tensor *t, int64_t split_size, int64_t dim, tn_tensor ***out, int32_t *nout);
int tn_chunk(const tn_tensor *t, int64_t chunks, int64_t dim, tn_tensor ***out, int32_t *nout);
/* The shape two or more shapes broadcast to; -1 with PyTorch's error if they don't. */
int tn_broadcast_shapes(int32_t na, const int64_t *a, int32_t nb, const int64_t *b, int32_t *nout,
                        int64_t *out);

/* ----- indexing: t[idx0, idx1, ...] ----- */

typedef enum tn_index_kind {
  TN_INDEX_INT = 0,  /* t[3] */
  TN_INDEX_SLICE,    /* t[1:5:2] */
  TN_INDEX_NONE,     /* t[None] */
  TN_INDEX_ELLIPSIS, /* t[...] */
  TN_INDEX_BOOL,     /* t[True] */
  TN_INDEX_TENSOR,   /* t[idx_tensor] (integer or boolean), also lists converted to tensors */
  TN_INDEX_KIND_COUNT
} tn_index_kind;

typedef struct tn_index {
  tn_index_kind kind;
  int64_t i;                           /* INT; BOOL uses i != 0 */
  bool has_start, has_stop, has_step;  /* SLICE: false means None */
  int64_t start, stop, step;
  tn_tensor *tensor;                   /* TENSOR (borrowed) */
} tn_index;

tn_tensor *tn_index_get(const tn_tensor *t, int32_t n, const tn_index *idx);
/* t[idx] = value (value broadcasts; a wrapped scalar is fine). */
int tn_index_put_(tn_tensor *t, int32_t n, const tn_index *idx, const tn_tensor *value);
tn_tensor *tn_masked_select(const tn_tensor *t, const tn_tensor *mask);
tn_tensor *tn_index_select(const tn_tensor *t, int64_t dim, const tn_tensor *index);
tn_tensor *tn_gather(const tn_tensor *t, int64_t dim, const tn_tensor *index);
tn_tensor *tn_nonzero(const tn_tensor *t);

/* ----- copies and fills ----- */

/* dst.copy_(src): src broadcasts to dst, dtypes convert. */
tn_tensor *tn_copy_(tn_tensor *dst, const tn_tensor *src);
tn_tensor *tn_fill_(tn_tensor *t, tn_scalar value);
tn_tensor *tn_zero_(tn_tensor *t);
/* t.to(dtype) (copy only when the dtype changes, unless copy is true). */
tn_tensor *tn_to_dtype(const tn_tensor *t, tn_dtype dtype, bool copy);
/* Element at a flat row-major position of the logical tensor, as a Python number. */
tn_scalar tn_get_flat(const tn_tensor *t, int64_t i);
/* tensor.item(): RuntimeError unless numel == 1. */
int tn_item(const tn_tensor *t, tn_scalar *out);
/* Element by multi-index (no bounds checks beyond ndim). */
tn_scalar tn_get(const tn_tensor *t, const int64_t *index);
void tn_set(tn_tensor *t, const int64_t *index, tn_scalar value);

/* ----- element-wise ----- */

typedef enum tn_binary_op {
  TN_BINARY_ADD = 0,
  TN_BINARY_SUB,
  TN_BINARY_MUL,
  TN_BINARY_DIV,          /* true division */
  TN_BINARY_FLOOR_DIVIDE, /* // */
  TN_BINARY_REMAINDER,    /* % (Python's sign rule) */
  TN_BINARY_POW,
  TN_BINARY_MAXIMUM,
  TN_BINARY_MINIMUM,
  TN_BINARY_EQ,
  TN_BINARY_NE,
  TN_BINARY_LT,
  TN_BINARY_LE,
  TN_BINARY_GT,
  TN_BINARY_GE,
  TN_BINARY_LOGICAL_AND,
  TN_BINARY_LOGICAL_OR,
  TN_BINARY_LOGICAL_XOR,
  TN_BINARY_BITWISE_AND,
  TN_BINARY_BITWISE_OR,
  TN_BINARY_BITWISE_XOR,
  TN_BINARY_ATAN2,
  TN_BINARY_COUNT
} tn_binary_op;

typedef enum tn_unary_op {
  TN_UNARY_NEG = 0,
  TN_UNARY_ABS,
  TN_UNARY_EXP,
  TN_UNARY_LOG,
  TN_UNARY_LOG1P,
  TN_UNARY_EXPM1,
  TN_UNARY_SQRT,
  TN_UNARY_RSQRT,
  TN_UNARY_SIN,
  TN_UNARY_COS,
  TN_UNARY_TAN,
  TN_UNARY_TANH,
  TN_UNARY_SIGMOID,
  TN_UNARY_RELU,
  TN_UNARY_SIGN,
  TN_UNARY_FLOOR,
  TN_UNARY_CEIL,
  TN_UNARY_ROUND,
  TN_UNARY_TRUNC,
  TN_UNARY_RECIPROCAL,
  TN_UNARY_SQUARE,
  TN_UNARY_LOGICAL_NOT,
  TN_UNARY_BITWISE_NOT,
  TN_UNARY_ISNAN,
  TN_UNARY_ISINF,
  TN_UNARY_ISFINITE,
  TN_UNARY_COUNT
} tn_unary_op;

const char *tn_binary_op_name(tn_binary_op op); /* "add" */
const char *tn_unary_op_name(tn_unary_op op);   /* "exp" */

/* The dtype torch.result_type gives for two operands (wrapped numbers and 0-dim tensors count
 * less, as in PyTorch). */
tn_dtype tn_result_type(const tn_tensor *a, const tn_tensor *b);

tn_tensor *tn_binary(tn_binary_op op, const tn_tensor *a, const tn_tensor *b);
tn_tensor *tn_binary_(tn_binary_op op, tn_tensor *a, const tn_tensor *b);
/* a + alpha * b and a - alpha * b */
tn_tensor *tn_add_alpha(const tn_tensor *a, const tn_tensor *b, tn_scalar alpha);
tn_tensor *tn_sub_alpha(const tn_tensor *a, const tn_tensor *b, tn_scalar alpha);
tn_tensor *tn_add_alpha_(tn_tensor *a, const tn_tensor *b, tn_scalar alpha);
tn_tensor *tn_sub_alpha_(tn_tensor *a, const tn_tensor *b, tn_scalar alpha);
/* torch.rsub(self, other, alpha=alpha): other - alpha * self, what `2 - t` computes (RsubBackward1
 * for a wrapped number `other`, RsubBackward0 for a tensor). */
tn_tensor *tn_rsub(const tn_tensor *self, const tn_tensor *other, tn_scalar alpha);
tn_tensor *tn_unary(tn_unary_op op, const tn_tensor *a);
tn_tensor *tn_unary_(tn_unary_op op, tn_tensor *a);
tn_tensor *tn_clamp(const tn_tensor *a, const tn_scalar *min, const tn_scalar *max); /* NULL: none */
tn_tensor *tn_clamp_(tn_tensor *a, const tn_scalar *min, const tn_scalar *max);
tn_tensor *tn_where(const tn_tensor *cond, const tn_tensor *a, const tn_tensor *b);
/* Convenience wrappers over tn_binary. */
tn_tensor *tn_add(const tn_tensor *a, const tn_tensor *b);
tn_tensor *tn_sub(const tn_tensor *a, const tn_tensor *b);
tn_tensor *tn_mul(const tn_tensor *a, const tn_tensor *b);
tn_tensor *tn_div(const tn_tensor *a, const tn_tensor *b);
/* torch.allclose / equal */
int tn_allclose(const tn_tensor *a, const tn_tensor *b, double rtol, double atol, bool equal_nan,
                bool *out);
int tn_equal(const tn_tensor *a, const tn_tensor *b, bool *out);

/* ----- reductions ----- */

/* dims: ndims entries; ndims == 0 (dims NULL) reduces over every dim. dtype UNDEFINED: PyTorch's
 * default (sum of integers/bool gives int64). */
tn_tensor *tn_sum(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim, tn_dtype dtype);
tn_tensor *tn_mean(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim, tn_dtype dtype);
tn_tensor *tn_prod(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim, tn_dtype dtype);
tn_tensor *tn_amax(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim);
tn_tensor *tn_amin(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim);
/* var/std with correction (1: unbiased, the default; 0: population). */
tn_tensor *tn_var(const tn_tensor *t, int32_t ndims, const int64_t *dims, int64_t correction, bool keepdim);
tn_tensor *tn_std(const tn_tensor *t, int32_t ndims, const int64_t *dims, int64_t correction, bool keepdim);
tn_tensor *tn_logsumexp(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim);
/* torch.norm / linalg.vector_norm with order p (INFINITY and -INFINITY allowed). */
tn_tensor *tn_norm(const tn_tensor *t, double p, int32_t ndims, const int64_t *dims, bool keepdim);
/* torch.dist(self, other, p): the p-norm of self - other (broadcast), DistBackward0. */
tn_tensor *tn_dist(const tn_tensor *self, const tn_tensor *other, double p);
tn_tensor *tn_any(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim);
tn_tensor *tn_all(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim);
/* max()/min() of everything (a 0-dim tensor). */
tn_tensor *tn_max(const tn_tensor *t);
tn_tensor *tn_min(const tn_tensor *t);
/* max(dim)/min(dim): values and indices. */
int tn_max_dim(const tn_tensor *t, int64_t dim, bool keepdim, tn_tensor **values, tn_tensor **indices);
int tn_min_dim(const tn_tensor *t, int64_t dim, bool keepdim, tn_tensor **values, tn_tensor **indices);
/* argmax/argmin: dim NULL flattens. */
tn_tensor *tn_argmax(const tn_tensor *t, const int64_t *dim, bool keepdim);
tn_tensor *tn_argmin(const tn_tensor *t, const int64_t *dim, bool keepdim);
tn_tensor *tn_cumsum(const tn_tensor *t, int64_t dim, tn_dtype dtype);
tn_tensor *tn_cumprod(const tn_tensor *t, int64_t dim, tn_dtype dtype);

/* ----- linear algebra (float32/float64 through CBLAS) ----- */

tn_tensor *tn_matmul(const tn_tensor *a, const tn_tensor *b);
tn_tensor *tn_mm(const tn_tensor *a, const tn_tensor *b);
tn_tensor *tn_mv(const tn_tensor *a, const tn_tensor *v);
tn_tensor *tn_dot(const tn_tensor *a, const tn_tensor *b);
tn_tensor *tn_bmm(const tn_tensor *a, const tn_tensor *b);
tn_tensor *tn_outer(const tn_tensor *a, const tn_tensor *b);
tn_tensor *tn_einsum(const char *equation, int32_t n, tn_tensor *const *operands);
tn_tensor *tn_linalg_solve(const tn_tensor *a, const tn_tensor *b);
/* torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L'): the eigenvalues of each symmetric matrix
 * over A's last two dims (the named triangle read), ascending (LAPACK syevd, as PyTorch);
 * LinalgEighBackward0 when A requires grad. torch.linalg.eigh: the eigenvalues and the eigenvectors
 * (column j for eigenvalue j); no autodiff through it (-1 with an error when A requires grad). */
tn_tensor *tn_linalg_eigvalsh(const tn_tensor *A, bool upper);
int tn_linalg_eigh(const tn_tensor *A, bool upper, tn_tensor **values, tn_tensor **vectors);
/* torch.linalg.norm: ord given as a number (has_ord) or as "fro"/"nuc" (ord_str), else None. */
tn_tensor *tn_linalg_norm(const tn_tensor *t, bool has_ord, double ord, const char *ord_str,
                          int32_t ndims, const int64_t *dims, bool keepdim);
tn_tensor *tn_linalg_vector_norm(const tn_tensor *t, double ord, int32_t ndims, const int64_t *dims,
                                 bool keepdim);
/* torch.addmm: beta * self + alpha * (mat1 @ mat2), self broadcast to the product's shape. */
tn_tensor *tn_addmm(const tn_tensor *self, const tn_tensor *mat1, const tn_tensor *mat2, tn_scalar beta,
                    tn_scalar alpha);

/* ----- torch.nn.functional (nn.c): PyTorch's fused ops, recorded as PyTorch's nodes ----- */

typedef enum tn_reduction { TN_REDUCTION_NONE = 0, TN_REDUCTION_MEAN, TN_REDUCTION_SUM } tn_reduction;

/* F.linear(input, weight, bias) (bias may be NULL). */
tn_tensor *tn_linear(const tn_tensor *input, const tn_tensor *weight, const tn_tensor *bias);
/* softmax / log_softmax along dim; dtype UNDEFINED keeps the input's (which must be floating). */
tn_tensor *tn_softmax(const tn_tensor *t, int64_t dim, tn_dtype dtype);
tn_tensor *tn_log_softmax(const tn_tensor *t, int64_t dim, tn_dtype dtype);
tn_tensor *tn_mse_loss(const tn_tensor *input, const tn_tensor *target, tn_reduction reduction);
/* weight (and pos_weight) NULL for none. */
tn_tensor *tn_binary_cross_entropy(const tn_tensor *input, const tn_tensor *target, const tn_tensor *weight,
                                   tn_reduction reduction);
tn_tensor *tn_binary_cross_entropy_with_logits(const tn_tensor *input, const tn_tensor *target,
                                               const tn_tensor *weight, const tn_tensor *pos_weight,
                                               tn_reduction reduction);
/* input (N, C) or (C,), int64 target (N,) or (); weight (C,) or NULL. */
tn_tensor *tn_nll_loss(const tn_tensor *input, const tn_tensor *target, const tn_tensor *weight,
                       tn_reduction reduction, int64_t ignore_index);

/* ----- printing ----- */

typedef struct tn_print_options {
  int32_t precision; /* 4 */
  int64_t threshold; /* 1000 */
  int64_t edgeitems; /* 3 */
  int32_t linewidth; /* 80 */
  int32_t sci_mode;  /* -1: automatic, 0: never, 1: always */
} tn_print_options;

tn_print_options tn_get_print_options(void);
void tn_set_print_options(const tn_print_options *opts); /* torch.set_printoptions */
/* repr(t) (== str(t)), malloc'd. grad_fn_name: the "grad_fn=<...>" to show, or NULL. */
char *tn_repr(const tn_tensor *t);
/* "torch.Size([2, 3])", malloc'd */
char *tn_format_size(int32_t ndim, const int64_t *shape);
/* Python's repr(float) of a double (shortest round-trip: "0.1", "1e-05", "inf", "nan"). */
int tn_format_python_float(double v, char *buf, size_t n);
/* Python's repr of a scalar as item() returns it: "3", "2.5", "True". */
int tn_format_scalar(tn_scalar s, char *buf, size_t n);

/* Autodiff will set this so that printouts show grad_fn=<...>; NULL means "no grad_fn". */
extern const char *(*tn_grad_fn_name_hook)(const tn_tensor *t);


/* ------------------------------------------------------------------------------------------ */
/* autodiff                                                                                   */

/* A node of the backward graph (grad_fn). Nodes are owned by the tensors and nodes that refer to
 * them; the accessors below return borrowed pointers (tn_node_retain to keep one). */
typedef struct tn_node tn_node;

/* t.requires_grad_(flag): leaves only; RuntimeError for integer and bool dtypes. Like every in-place
 * function, returns a new reference to t (release it), or NULL on error. */
tn_tensor *tn_requires_grad_(tn_tensor *t, bool requires_grad);
bool tn_requires_grad(const tn_tensor *t); /* t.requires_grad */
bool tn_is_leaf(const tn_tensor *t);       /* t.is_leaf */
/* nn.Parameter: a flag on the tensor (not on its views or copies), for printing. */
int tn_set_parameter(tn_tensor *t, bool is_parameter);
bool tn_is_parameter(const tn_tensor *t);
/* t.grad: a new reference, NULL for None. */
tn_tensor *tn_grad(const tn_tensor *t);
/* t.grad = g (NULL: None); g must match t's shape and dtype. */
int tn_set_grad(tn_tensor *t, tn_tensor *g);
/* t.retain_grad(): a non-leaf keeps its .grad after backward. */
int tn_retain_grad(tn_tensor *t);
bool tn_retains_grad(const tn_tensor *t);
/* t.backward(gradient, retain_graph, create_graph): gradient NULL means ones for a one-element
 * t. PyTorch's default retain_graph is create_graph: callers pass it explicitly. */
int tn_backward(tn_tensor *t, const tn_tensor *gradient, bool retain_graph, bool create_graph);
/* torch.autograd.backward(tensors, grad_tensors): grads NULL or with NULL entries. */
int tn_backward_multi(int32_t n, tn_tensor *const *tensors, tn_tensor *const *grads, bool retain_graph,
                      bool create_graph);
/* torch.autograd.grad: results receives nin new references (NULL for an unused input when
 * allow_unused). grad_outputs may be NULL. Leaves' .grad are not touched. */
int tn_autograd_grad(int32_t nout, tn_tensor *const *outputs, tn_tensor *const *grad_outputs, int32_t nin,
                     tn_tensor *const *inputs, bool retain_graph, bool create_graph, bool allow_unused,
                     tn_tensor **results);
/* Grad mode (torch.no_grad / enable_grad / set_grad_enabled), per thread. Returns the previous mode. */
bool tn_is_grad_enabled(void);
bool tn_set_grad_enabled(bool enabled);

/* The graph, for drawing: t.grad_fn (NULL for leaves), each node's PyTorch class name
 * ("MulBackward0", "AccumulateGrad", "CopySlices"), its next edges (next_functions: a node or NULL
 * and the input number), the leaf of an AccumulateGrad, and the tensors it saved (NULL once a
 * backward without retain_graph freed them), named as PyTorch's _saved_* attributes. */
tn_node *tn_grad_fn(const tn_tensor *t);
const char *tn_node_name(const tn_node *n);
int32_t tn_node_num_next(const tn_node *n);
tn_node *tn_node_next(const tn_node *n, int32_t i, int32_t *input_nr);
tn_tensor *tn_node_variable(const tn_node *n);
int32_t tn_node_num_saved(const tn_node *n);
tn_tensor *tn_node_saved(const tn_node *n, int32_t i);
const char *tn_node_saved_name(const tn_node *n, int32_t i);
uint64_t tn_node_sequence_nr(const tn_node *n);
tn_node *tn_node_retain(tn_node *n);
void tn_node_release(tn_node *n);

/* ------------------------------------------------------------------------------------------ */
/* threads                                                                                    */

/* torch.get_num_threads() / torch.set_num_threads(n) (1 to 1024). As in PyTorch, the count decides
 * how a full reduction of a large tensor (sum, mean, prod, ... of 32768 elements or more) is split,
 * and so the last bits of its result: the engine gives PyTorch's result for the same count. The
 * default is TN_NUM_THREADS or OMP_NUM_THREADS when set, else 1 (PyTorch's default, its count of
 * physical cores, is 1 on the virtual machines this project runs on; set the count to compare with
 * a PyTorch that uses more). The engine runs the pieces on its pool: the online CPUs, at most 8, or
 * the environment's count; large element-wise ops and copies use the whole pool unless a count was
 * set (their results never depend on it). Small tensors always use one thread. */
int tn_get_num_threads(void);
void tn_set_num_threads(int n);

#ifdef __cplusplus
}
#endif

#endif /* TN_H */
