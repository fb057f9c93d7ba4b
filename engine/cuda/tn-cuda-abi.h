/* tn-cuda-abi.h — the interface between the engine (libtn, which never links CUDA) and its CUDA
 * module (libtn-cuda.so, built by nvcc and loaded with dlopen when a driver and a device exist).
 *
 * Plain C: the module exports one function, tn_cuda_module_v1(), returning a table of entry points.
 * dtypes and op codes are the engine's enums (tn_dtype, tn_binary_op, tn_unary_op) as ints. Device
 * pointers are void *. Every entry returns 0 on success and -1 on failure, with last_error() saying
 * why (the CUDA or cuBLAS error string). Kernels run on the current device's default stream; the
 * engine synchronises where PyTorch does (copies to the CPU, item(), synchronize()). */
#ifndef TN_CUDA_ABI_H
#define TN_CUDA_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TN_CUDA_ABI_VERSION 2
#define TN_CUDA_MAX_DIMS 16

/* The geometry of an element-wise loop: up to three operands (0: output, 1, 2: inputs) over one
 * shape, strides in elements (0 for broadcast dims). Operand data pointers already include their
 * storage offsets. */
typedef struct tn_cuda_geom {
  int32_t ndim;
  int64_t numel;
  int64_t shape[TN_CUDA_MAX_DIMS];
  int64_t strides[3][TN_CUDA_MAX_DIMS];
} tn_cuda_geom;

typedef struct tn_cuda_module {
  int abi_version; /* TN_CUDA_ABI_VERSION */
  /* Device discovery: init returns the number of devices (0 when the driver has none), or -1. */
  int (*init)(void);
  int (*device_name)(int device, char *buf, size_t n);
  int (*total_memory)(int device, size_t *bytes);
  int (*set_device)(int device);
  int (*synchronize)(void);
  const char *(*last_error)(void);

  /* Memory: managed (host-accessible once synchronised), from a caching allocator; release takes
   * the size given to alloc. */
  void *(*alloc)(size_t nbytes);
  void (*release)(void *ptr, size_t nbytes);
  int (*copy_h2d)(void *dst, const void *src, size_t nbytes);
  int (*copy_d2h)(void *dst, const void *src, size_t nbytes);
  int (*copy_d2d)(void *dst, const void *src, size_t nbytes);

  /* Element-wise. cast: out (dtype_out) = in (dtype_in), any pair, strided (operands 0 and 1).
   * fill: every element of out (operand 0) = value (given as double and as int64 so that integers
   * beyond 2^53 stay exact). binary: out = a op b with a and b both of dtype `dtype`, out of
   * dtype_out (dtype, or bool for comparisons); ops are tn_binary_op codes: ADD SUB MUL DIV POW
   * MAXIMUM MINIMUM and the six comparisons (the engine does the rest on the CPU). alpha scales b
   * for ADD and SUB. unary: floating dtypes, tn_unary_op codes NEG ABS EXP LOG LOG1P EXPM1 SQRT
   * RSQRT SIN COS TAN TANH SIGMOID RELU SIGN FLOOR CEIL ROUND TRUNC RECIPROCAL SQUARE. */
  int (*cast)(int dtype_out, void *out, int dtype_in, const void *in, const tn_cuda_geom *g);
  int (*fill)(int dtype, void *out, const tn_cuda_geom *g, double value, int64_t ivalue);
  int (*binary)(int op, int dtype_out, void *out, int dtype, const void *a, const void *b, double alpha,
                const tn_cuda_geom *g);
  int (*unary)(int op, int dtype, void *out, const void *in, const tn_cuda_geom *g);

  /* Reductions over the last axis of a contiguous [rows, cols] input: out[r] = sum (or max/min) of
   * in[r, :], accumulated in float for float16/bfloat16, in int64 for integers (dtype_out int64). kind:
   * 0 sum, 1 amax, 2 amin. scale multiplies the result (1/cols for a mean). */
  int (*reduce_rows)(int kind, int dtype_out, void *out, int dtype_in, const void *in, int64_t rows, int64_t cols,
                     double scale);

  /* C (m×n) = alpha op(A) op(B) + beta C, row-major, batched with strides in elements (batch 1 for a
   * plain gemm), through cuBLAS. float32 (TF32 tensor cores only when allow_tf32), float64, float16,
   * bfloat16 (accumulated in float32, as PyTorch does). */
  int (*gemm)(int dtype, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, double alpha, const void *a,
              int64_t lda, int64_t stride_a, const void *b, int64_t ldb, int64_t stride_b, double beta, void *c,
              int64_t ldc, int64_t stride_c, int64_t batch, int allow_tf32);

  /* Indexing (version 2): out[i] = in[pos[i]] for i < n, elements of elem_size bytes (1, 2, 4 or 8),
   * positions (int64, on the device) counted in elements from in. The engine works the positions
   * out (every indexing op is a gather of element positions) and the device moves the data. */
  int (*take)(size_t elem_size, void *out, const void *in, const int64_t *pos, int64_t n);
} tn_cuda_module;

/* The module's one export. */
const tn_cuda_module *tn_cuda_module_v1(void);

#ifdef __cplusplus
}
#endif

#endif
