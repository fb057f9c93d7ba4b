// tn-cuda-module.cu — the engine's CUDA module (see tn-cuda-abi.h): memory, strided element-wise
// kernels in every dtype, row reductions and cuBLAS matmul. Loaded at run time by engine/src/cuda.c;
// the engine itself never links CUDA.
//
// Numerics follow PyTorch's CUDA backend: float16 and bfloat16 compute in float ("opmath") and round
// once on store; reductions accumulate float16/bfloat16 in float and integers in int64.
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <cublas_v2.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tn.h"
#include "tn-cuda-abi.h"

namespace {

char error_text[256];
cublasHandle_t blas;
int current_device; // where new blocks are prefetched

int fail(const char *what, cudaError_t e) {
  snprintf(error_text, sizeof error_text, "CUDA error: %s (%s)", cudaGetErrorString(e), what);
  cudaGetLastError(); // clear the sticky-free error so the next call starts clean
  return -1;
}

// Every launch completes before its entry returns: the engine (and its CPU kernels, which may run on
// the same managed memory) can then touch the results at once, and errors belong to the op that
// caused them. The cost is one synchronisation per op, a few microseconds.
int check(const char *what) {
  cudaError_t e = cudaGetLastError();
  if (e == cudaSuccess) e = cudaDeviceSynchronize();
  return e == cudaSuccess ? 0 : fail(what, e);
}

// ---- element types and their compute ("opmath") types ----

template <typename T> struct Math { typedef T type; };
template <> struct Math<__half> { typedef float type; };
template <> struct Math<__nv_bfloat16> { typedef float type; };
template <> struct Math<bool> { typedef int type; };

template <typename T> __device__ __forceinline__ typename Math<T>::type up(T v) { return (typename Math<T>::type)v; }
template <> __device__ __forceinline__ float up<__half>(__half v) { return __half2float(v); }
template <> __device__ __forceinline__ float up<__nv_bfloat16>(__nv_bfloat16 v) { return __bfloat162float(v); }

// Conversions through double (exact for every value of every dtype but 64-bit integers beyond
// 2^53, which take the int64 path below): double -> float16 rounds once, as float -> float16 would.
template <typename T> __device__ __forceinline__ T from_double(double v) { return (T)v; }
template <> __device__ __forceinline__ __half from_double<__half>(double v) { return __double2half(v); }
template <> __device__ __forceinline__ __nv_bfloat16 from_double<__nv_bfloat16>(double v) { return __double2bfloat16(v); }
template <> __device__ __forceinline__ bool from_double<bool>(double v) { return v != 0; }
template <typename T> __device__ __forceinline__ double to_double(T v) { return (double)v; }
template <> __device__ __forceinline__ double to_double<__half>(__half v) { return (double)__half2float(v); }
template <> __device__ __forceinline__ double to_double<__nv_bfloat16>(__nv_bfloat16 v) { return (double)__bfloat162float(v); }

template <typename T> struct IsInt { static const bool value = false; };
template <> struct IsInt<bool> { static const bool value = true; };
template <> struct IsInt<uint8_t> { static const bool value = true; };
template <> struct IsInt<int8_t> { static const bool value = true; };
template <> struct IsInt<int16_t> { static const bool value = true; };
template <> struct IsInt<int32_t> { static const bool value = true; };
template <> struct IsInt<int64_t> { static const bool value = true; };

// Element offsets of linear index i for operand k of a geometry.
__device__ __forceinline__ int64_t offset_of(const tn_cuda_geom &g, int k, int64_t i) {
  int64_t off = 0;
  for (int d = g.ndim - 1; d >= 0; d--) {
    int64_t n = g.shape[d];
    off += (i % n) * g.strides[k][d];
    i /= n;
  }
  return off;
}

__host__ __device__ __forceinline__ bool contiguous_op(const tn_cuda_geom &g, int k) {
  int64_t acc = 1;
  for (int d = g.ndim - 1; d >= 0; d--) {
    if (g.shape[d] != 1 && g.strides[k][d] != acc) return false;
    acc *= g.shape[d];
  }
  return true;
}

unsigned blocks_for(int64_t n) {
  int64_t b = (n + 255) / 256;
  return (unsigned)(b > 65535 * 64 ? 65535 * 64 : (b < 1 ? 1 : b));
}

#define GRID_LOOP(i, n) \
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (int64_t)blockDim.x * gridDim.x)

// Contiguous operands: per step a thread takes UNROLL elements a block-width apart (each access
// coalesced across the warp), loading all of them before it computes and stores any: UNROLL loads
// in flight per thread where the one-element loop had one. An element is read and written by the
// same thread, so an in-place op (out == a) stays correct. Launch with flat_blocks(n).
#define UNROLL 4

bool host_flat(const tn_cuda_geom &g, int nops) {
  for (int k = 0; k < nops; k++)
    if (!contiguous_op(g, k)) return false;
  return true;
}

// Blocks for n elements: one element a thread, or UNROLL for a loop over contiguous operands.
unsigned launch_blocks(const tn_cuda_geom &g, int nops) {
  return host_flat(g, nops) ? blocks_for((g.numel + UNROLL - 1) / UNROLL) : blocks_for(g.numel);
}

// ---- cast / fill ----

template <typename O, typename I>
__global__ void cast_kernel(O *out, const I *in, tn_cuda_geom g) {
  const bool flat = contiguous_op(g, 0) && contiguous_op(g, 1);
  GRID_LOOP(i, g.numel) {
    int64_t oo = flat ? i : offset_of(g, 0, i), io = flat ? i : offset_of(g, 1, i);
    if (IsInt<O>::value && IsInt<I>::value)
      out[oo] = (O)(int64_t)in[io];
    else
      out[oo] = from_double<O>(to_double<I>(in[io]));
  }
}

template <typename T>
__global__ void fill_kernel(T *out, tn_cuda_geom g, double v, int64_t iv) {
  const bool flat = contiguous_op(g, 0);
  T value = IsInt<T>::value ? (T)iv : from_double<T>(v);
  GRID_LOOP(i, g.numel) out[flat ? i : offset_of(g, 0, i)] = value;
}

// ---- binary ----

template <typename M>
__device__ __forceinline__ M apply_binary(int op, M a, M b, M alpha) {
  switch (op) {
  case TN_BINARY_ADD: return a + alpha * b;
  case TN_BINARY_SUB: return a - alpha * b;
  case TN_BINARY_MUL: return a * b;
  case TN_BINARY_DIV: return a / b;
  case TN_BINARY_POW: return (M)pow((double)a, (double)b);
  case TN_BINARY_MAXIMUM: return (a != a) ? a : (b != b) ? b : (a > b ? a : b); // NaN propagates
  case TN_BINARY_MINIMUM: return (a != a) ? a : (b != b) ? b : (a < b ? a : b);
  default: return a;
  }
}
template <>
__device__ __forceinline__ float apply_binary<float>(int op, float a, float b, float alpha) {
  switch (op) {
  case TN_BINARY_ADD: return a + alpha * b;
  case TN_BINARY_SUB: return a - alpha * b;
  case TN_BINARY_MUL: return a * b;
  case TN_BINARY_DIV: return a / b;
  case TN_BINARY_POW: return powf(a, b);
  case TN_BINARY_MAXIMUM: return isnan(a) ? a : isnan(b) ? b : fmaxf(a, b);
  case TN_BINARY_MINIMUM: return isnan(a) ? a : isnan(b) ? b : fminf(a, b);
  default: return a;
  }
}

template <typename M>
__device__ __forceinline__ bool apply_compare(int op, M a, M b) {
  switch (op) {
  case TN_BINARY_EQ: return a == b;
  case TN_BINARY_NE: return a != b;
  case TN_BINARY_LT: return a < b;
  case TN_BINARY_LE: return a <= b;
  case TN_BINARY_GT: return a > b;
  default: return a >= b;
  }
}

// The result of an op in the compute type, stored as T: float16/bfloat16 round from float directly
// (one rounding), not through double; the other types through double, as before.
template <typename T, typename M> __device__ __forceinline__ T store_as(M v) { return from_double<T>((double)v); }
template <> __device__ __forceinline__ __half store_as<__half, float>(float v) { return __float2half_rn(v); }
template <> __device__ __forceinline__ __nv_bfloat16 store_as<__nv_bfloat16, float>(float v) { return __float2bfloat16_rn(v); }

template <typename T>
__global__ void binary_kernel(int op, T *out, const T *a, const T *b, double alpha, tn_cuda_geom g) {
  typedef typename Math<T>::type M;
  const bool flat = contiguous_op(g, 0) && contiguous_op(g, 1) && contiguous_op(g, 2);
  M al = (M)alpha;
  if (flat) {
    const int64_t n = g.numel, width = (int64_t)blockDim.x;
    for (int64_t base = (int64_t)blockIdx.x * width * UNROLL + threadIdx.x; base < n; base += width * gridDim.x * UNROLL) {
      M va[UNROLL], vb[UNROLL];
#pragma unroll
      for (int k = 0; k < UNROLL; k++) {
        int64_t i = base + k * width;
        if (i < n) {
          va[k] = up<T>(a[i]);
          vb[k] = up<T>(b[i]);
        }
      }
#pragma unroll
      for (int k = 0; k < UNROLL; k++) {
        int64_t i = base + k * width;
        if (i < n) out[i] = store_as<T, M>(apply_binary<M>(op, va[k], vb[k], al));
      }
    }
    return;
  }
  GRID_LOOP(i, g.numel) {
    int64_t o = offset_of(g, 0, i), ia = offset_of(g, 1, i), ib = offset_of(g, 2, i);
    out[o] = store_as<T, M>(apply_binary<M>(op, up<T>(a[ia]), up<T>(b[ib]), al));
  }
}

template <typename T>
__global__ void compare_kernel(int op, bool *out, const T *a, const T *b, tn_cuda_geom g) {
  GRID_LOOP(i, g.numel) {
    out[offset_of(g, 0, i)] = apply_compare(op, up<T>(a[offset_of(g, 1, i)]), up<T>(b[offset_of(g, 2, i)]));
  }
}

// ---- unary (floating dtypes) ----

template <typename M>
__device__ __forceinline__ M apply_unary(int op, M x) {
  switch (op) {
  case TN_UNARY_NEG: return -x;
  case TN_UNARY_ABS: return fabs(x);
  case TN_UNARY_EXP: return exp(x);
  case TN_UNARY_LOG: return log(x);
  case TN_UNARY_LOG1P: return log1p(x);
  case TN_UNARY_EXPM1: return expm1(x);
  case TN_UNARY_SQRT: return sqrt(x);
  case TN_UNARY_RSQRT: return rsqrt(x);
  case TN_UNARY_SIN: return sin(x);
  case TN_UNARY_COS: return cos(x);
  case TN_UNARY_TAN: return tan(x);
  case TN_UNARY_TANH: return tanh(x);
  case TN_UNARY_SIGMOID: return (M)1 / ((M)1 + exp(-x));
  case TN_UNARY_RELU: return x > (M)0 ? x : (x != x ? x : (M)0);
  case TN_UNARY_SIGN: return x > (M)0 ? (M)1 : x < (M)0 ? (M)-1 : x; // keeps ±0 and NaN
  case TN_UNARY_FLOOR: return floor(x);
  case TN_UNARY_CEIL: return ceil(x);
  case TN_UNARY_ROUND: return rint(x); // half to even, as torch.round
  case TN_UNARY_TRUNC: return trunc(x);
  case TN_UNARY_RECIPROCAL: return (M)1 / x;
  case TN_UNARY_SQUARE: return x * x;
  default: return x;
  }
}

template <typename T>
__global__ void unary_kernel(int op, T *out, const T *in, tn_cuda_geom g) {
  typedef typename Math<T>::type M;
  const bool flat = contiguous_op(g, 0) && contiguous_op(g, 1);
  if (flat) {
    const int64_t n = g.numel, width = (int64_t)blockDim.x;
    for (int64_t base = (int64_t)blockIdx.x * width * UNROLL + threadIdx.x; base < n; base += width * gridDim.x * UNROLL) {
      M v[UNROLL];
#pragma unroll
      for (int k = 0; k < UNROLL; k++) {
        int64_t i = base + k * width;
        if (i < n) v[k] = up<T>(in[i]);
      }
#pragma unroll
      for (int k = 0; k < UNROLL; k++) {
        int64_t i = base + k * width;
        if (i < n) out[i] = from_double<T>((double)apply_unary<M>(op, v[k]));
      }
    }
    return;
  }
  GRID_LOOP(i, g.numel) {
    int64_t o = offset_of(g, 0, i), ii = offset_of(g, 1, i);
    M r = apply_unary<M>(op, up<T>(in[ii]));
    out[o] = from_double<T>((double)r);
  }
}

// ---- row reductions: one block per row, tree reduction in shared memory ----

template <typename A> struct Reduce {
  __device__ static A identity(int kind) {
    return kind == 0 ? (A)0 : kind == 1 ? (A)-INFINITY : (A)INFINITY;
  }
};
template <> struct Reduce<int64_t> {
  __device__ static int64_t identity(int kind) {
    return kind == 0 ? 0 : kind == 1 ? INT64_MIN : INT64_MAX;
  }
};

template <typename A>
__device__ __forceinline__ A combine(int kind, A x, A y) {
  if (kind == 0) return x + y;
  if (x != x) return x;
  if (y != y) return y;
  return kind == 1 ? (x > y ? x : y) : (x < y ? x : y);
}

template <typename O, typename I, typename A>
__global__ void reduce_rows_kernel(int kind, O *out, const I *in, int64_t rows, int64_t cols, double scale) {
  __shared__ A part[256];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    // Four independent accumulators: four coalesced loads in flight per thread.
    const I *row = in + r * cols;
    const int64_t step = blockDim.x;
    A acc = Reduce<A>::identity(kind), acc1 = acc, acc2 = acc, acc3 = acc;
    int64_t c = threadIdx.x;
    for (; c + 3 * step < cols; c += 4 * step) {
      A x0 = (A)up<I>(row[c]), x1 = (A)up<I>(row[c + step]), x2 = (A)up<I>(row[c + 2 * step]), x3 = (A)up<I>(row[c + 3 * step]);
      acc = combine<A>(kind, acc, x0);
      acc1 = combine<A>(kind, acc1, x1);
      acc2 = combine<A>(kind, acc2, x2);
      acc3 = combine<A>(kind, acc3, x3);
    }
    for (; c < cols; c += step) acc = combine<A>(kind, acc, (A)up<I>(row[c]));
    acc = combine<A>(kind, combine<A>(kind, acc, acc1), combine<A>(kind, acc2, acc3));
    part[threadIdx.x] = acc;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
      if ((int)threadIdx.x < s) part[threadIdx.x] = combine<A>(kind, part[threadIdx.x], part[threadIdx.x + s]);
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      A v = part[0];
      out[r] = scale == 1.0 ? from_double<O>((double)v) : from_double<O>((double)v * scale);
    }
    __syncthreads();
  }
}

// ---- dispatch over dtypes ----

#define TN_CUDA_DTYPES(X)              \
  X(TN_DTYPE_BOOL, bool)               \
  X(TN_DTYPE_UINT8, uint8_t)           \
  X(TN_DTYPE_INT8, int8_t)             \
  X(TN_DTYPE_INT16, int16_t)           \
  X(TN_DTYPE_INT32, int32_t)           \
  X(TN_DTYPE_INT64, int64_t)           \
  X(TN_DTYPE_FLOAT16, __half)          \
  X(TN_DTYPE_BFLOAT16, __nv_bfloat16)  \
  X(TN_DTYPE_FLOAT32, float)           \
  X(TN_DTYPE_FLOAT64, double)

int bad_dtype(const char *what, int dtype) {
  snprintf(error_text, sizeof error_text, "%s: dtype %d is not supported on CUDA", what, dtype);
  return -1;
}

template <typename O>
int cast_from(void *out, int dtype_in, const void *in, const tn_cuda_geom &g) {
  switch (dtype_in) {
#define X(code, T) \
  case code: cast_kernel<O, T><<<blocks_for(g.numel), 256>>>((O *)out, (const T *)in, g); break;
    TN_CUDA_DTYPES(X)
#undef X
  default: return bad_dtype("cast", dtype_in);
  }
  return check("cast");
}

// ---- the table's entries ----

int m_init(void) {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e == cudaErrorNoDevice || e == cudaErrorInsufficientDriver) {
    fail("cudaGetDeviceCount", e);
    return 0;
  }
  if (e != cudaSuccess) return fail("cudaGetDeviceCount", e);
  if (n > 0 && !blas) {
    cublasStatus_t s = cublasCreate(&blas);
    if (s != CUBLAS_STATUS_SUCCESS) {
      snprintf(error_text, sizeof error_text, "cuBLAS: cublasCreate failed (%d)", (int)s);
      return -1;
    }
  }
  return n;
}

int m_device_name(int device, char *buf, size_t n) {
  cudaDeviceProp p;
  cudaError_t e = cudaGetDeviceProperties(&p, device);
  if (e != cudaSuccess) return fail("cudaGetDeviceProperties", e);
  snprintf(buf, n, "%s", p.name);
  return 0;
}

int m_total_memory(int device, size_t *bytes) {
  cudaDeviceProp p;
  cudaError_t e = cudaGetDeviceProperties(&p, device);
  if (e != cudaSuccess) return fail("cudaGetDeviceProperties", e);
  *bytes = p.totalGlobalMem;
  return 0;
}

int m_set_device(int device) {
  current_device = device;
  cudaError_t e = cudaSetDevice(device);
  return e == cudaSuccess ? 0 : fail("cudaSetDevice", e);
}

int m_synchronize(void) {
  cudaError_t e = cudaDeviceSynchronize();
  return e == cudaSuccess ? 0 : fail("cudaDeviceSynchronize", e);
}

const char *m_last_error(void) { return error_text; }

// Managed memory (see tn-cuda.h), prefetched to the device, from a small caching allocator:
// cudaMallocManaged costs tens of microseconds, so freed blocks are kept by size class (powers of
// two from 512 bytes) and reused, as PyTorch's caching allocator does for its small tensors.
enum { N_CLASSES = 48, MAX_CACHED_PER_CLASS = 64 };
struct Cached {
  void *ptr[MAX_CACHED_PER_CLASS];
  int n;
};
Cached cache[N_CLASSES];

int size_class(size_t n) {
  int c = 0;
  size_t size = 512;
  while (size < n && c < N_CLASSES - 1) {
    size <<= 1;
    c++;
  }
  return c;
}

// Block sizes are the class's size, so a block found in the cache always fits.
void *m_alloc(size_t nbytes) {
  int c = size_class(nbytes);
  size_t size = (size_t)512 << c;
  if (size < nbytes) size = nbytes; // beyond the last class: exact size, never cached
  if (size == ((size_t)512 << c) && cache[c].n > 0) return cache[c].ptr[--cache[c].n];
  void *p = NULL;
  cudaError_t e = cudaMallocManaged(&p, size, cudaMemAttachGlobal);
  if (e != cudaSuccess) {
    fail("cudaMallocManaged", e);
    return NULL;
  }
  cudaMemLocation where;
  where.type = cudaMemLocationTypeDevice;
  where.id = current_device;
  cudaMemPrefetchAsync(p, size, where, 0, 0); // a hint: failure only costs speed
  cudaGetLastError();
  return p;
}

void m_release_sized(void *p, size_t nbytes) {
  if (!p) return;
  int c = size_class(nbytes);
  if (((size_t)512 << c) >= nbytes && cache[c].n < MAX_CACHED_PER_CLASS) {
    cache[c].ptr[cache[c].n++] = p;
    return;
  }
  cudaFree(p);
}

int copy_kind(void *dst, const void *src, size_t n, cudaMemcpyKind kind, const char *what) {
  if (n == 0) return 0;
  cudaError_t e = cudaMemcpy(dst, src, n, kind);
  return e == cudaSuccess ? 0 : fail(what, e);
}
int m_copy_h2d(void *d, const void *s, size_t n) { return copy_kind(d, s, n, cudaMemcpyHostToDevice, "copy to device"); }
int m_copy_d2h(void *d, const void *s, size_t n) { return copy_kind(d, s, n, cudaMemcpyDeviceToHost, "copy to host"); }
// A device-to-device cudaMemcpy may return before it is done: wait, as every entry does.
int m_copy_d2d(void *d, const void *s, size_t n) {
  return copy_kind(d, s, n, cudaMemcpyDeviceToDevice, "device copy") < 0 ? -1 : check("device copy");
}

int m_cast(int dtype_out, void *out, int dtype_in, const void *in, const tn_cuda_geom *g) {
  if (g->numel == 0) return 0;
  switch (dtype_out) {
#define X(code, T) \
  case code: return cast_from<T>(out, dtype_in, in, *g);
    TN_CUDA_DTYPES(X)
#undef X
  default: return bad_dtype("cast", dtype_out);
  }
}

int m_fill(int dtype, void *out, const tn_cuda_geom *g, double v, int64_t iv) {
  if (g->numel == 0) return 0;
  switch (dtype) {
#define X(code, T) \
  case code: fill_kernel<T><<<blocks_for(g->numel), 256>>>((T *)out, *g, v, iv); break;
    TN_CUDA_DTYPES(X)
#undef X
  default: return bad_dtype("fill", dtype);
  }
  return check("fill");
}

int m_binary(int op, int dtype_out, void *out, int dtype, const void *a, const void *b, double alpha,
             const tn_cuda_geom *g) {
  if (g->numel == 0) return 0;
  bool compare = op >= TN_BINARY_EQ && op <= TN_BINARY_GE;
  if (compare) {
    if (dtype_out != TN_DTYPE_BOOL) return bad_dtype("comparison output", dtype_out);
    switch (dtype) {
#define X(code, T) \
  case code: compare_kernel<T><<<blocks_for(g->numel), 256>>>(op, (bool *)out, (const T *)a, (const T *)b, *g); break;
      TN_CUDA_DTYPES(X)
#undef X
    default: return bad_dtype("comparison", dtype);
    }
    return check("comparison");
  }
  if (dtype_out != dtype) return bad_dtype("binary output", dtype_out);
  switch (dtype) {
#define X(code, T) \
  case code: binary_kernel<T><<<launch_blocks(*g, 3), 256>>>(op, (T *)out, (const T *)a, (const T *)b, alpha, *g); break;
    TN_CUDA_DTYPES(X)
#undef X
  default: return bad_dtype("binary", dtype);
  }
  return check("binary");
}

int m_unary(int op, int dtype, void *out, const void *in, const tn_cuda_geom *g) {
  if (g->numel == 0) return 0;
  switch (dtype) {
  case TN_DTYPE_FLOAT16: unary_kernel<__half><<<launch_blocks(*g, 2), 256>>>(op, (__half *)out, (const __half *)in, *g); break;
  case TN_DTYPE_BFLOAT16:
    unary_kernel<__nv_bfloat16><<<launch_blocks(*g, 2), 256>>>(op, (__nv_bfloat16 *)out, (const __nv_bfloat16 *)in, *g);
    break;
  case TN_DTYPE_FLOAT32: unary_kernel<float><<<launch_blocks(*g, 2), 256>>>(op, (float *)out, (const float *)in, *g); break;
  case TN_DTYPE_FLOAT64: unary_kernel<double><<<launch_blocks(*g, 2), 256>>>(op, (double *)out, (const double *)in, *g); break;
  default: return bad_dtype("unary", dtype);
  }
  return check("unary");
}

int m_reduce_rows(int kind, int dtype_out, void *out, int dtype_in, const void *in, int64_t rows, int64_t cols,
                  double scale) {
  if (rows == 0) return 0;
  /* Few long rows (a full sum of a large tensor): one block a row would leave the GPU idle, so each
   * row is cut into `splits` equal chunks, reduced into accumulator-typed partials, then those. */
  int64_t splits = 1;
  if (rows < 1024 && cols >= (1 << 16) && dtype_out == dtype_in)
    while (splits < 1024 && rows * splits < 4096 && cols % (splits * 2) == 0 && cols / (splits * 2) >= 4096) splits *= 2;
  if (splits > 1 && (dtype_in == TN_DTYPE_FLOAT32 || dtype_in == TN_DTYPE_FLOAT16 || dtype_in == TN_DTYPE_BFLOAT16 ||
                     dtype_in == TN_DTYPE_FLOAT64)) {
    bool dbl = dtype_in == TN_DTYPE_FLOAT64;
    size_t nbytes = (size_t)(rows * splits) * (dbl ? sizeof(double) : sizeof(float));
    void *part = m_alloc(nbytes);
    if (!part) return -1;
    unsigned g1 = (unsigned)(rows * splits < 65535 ? rows * splits : 65535), g2 = (unsigned)(rows < 65535 ? rows : 65535);
    int64_t chunk = cols / splits;
    switch (dtype_in) {
    case TN_DTYPE_FLOAT16:
      reduce_rows_kernel<float, __half, float><<<g1, 256>>>(kind, (float *)part, (const __half *)in, rows * splits, chunk, 1.0);
      reduce_rows_kernel<__half, float, float><<<g2, 256>>>(kind, (__half *)out, (const float *)part, rows, splits, scale);
      break;
    case TN_DTYPE_BFLOAT16:
      reduce_rows_kernel<float, __nv_bfloat16, float>
          <<<g1, 256>>>(kind, (float *)part, (const __nv_bfloat16 *)in, rows * splits, chunk, 1.0);
      reduce_rows_kernel<__nv_bfloat16, float, float>
          <<<g2, 256>>>(kind, (__nv_bfloat16 *)out, (const float *)part, rows, splits, scale);
      break;
    case TN_DTYPE_FLOAT32:
      reduce_rows_kernel<float, float, float><<<g1, 256>>>(kind, (float *)part, (const float *)in, rows * splits, chunk, 1.0);
      reduce_rows_kernel<float, float, float><<<g2, 256>>>(kind, (float *)out, (const float *)part, rows, splits, scale);
      break;
    default:
      reduce_rows_kernel<double, double, double><<<g1, 256>>>(kind, (double *)part, (const double *)in, rows * splits, chunk, 1.0);
      reduce_rows_kernel<double, double, double><<<g2, 256>>>(kind, (double *)out, (const double *)part, rows, splits, scale);
      break;
    }
    int rc = check("reduction");
    m_release_sized(part, nbytes);
    return rc;
  }
  unsigned grid = (unsigned)(rows < 65535 ? rows : 65535);
  if (dtype_out != dtype_in && !(dtype_out == TN_DTYPE_INT64 && dtype_in != TN_DTYPE_FLOAT16 &&
                                 dtype_in != TN_DTYPE_BFLOAT16 && dtype_in != TN_DTYPE_FLOAT32 &&
                                 dtype_in != TN_DTYPE_FLOAT64))
    return bad_dtype("reduction output", dtype_out);
  switch (dtype_in) {
  case TN_DTYPE_FLOAT16:
    reduce_rows_kernel<__half, __half, float><<<grid, 256>>>(kind, (__half *)out, (const __half *)in, rows, cols, scale);
    break;
  case TN_DTYPE_BFLOAT16:
    reduce_rows_kernel<__nv_bfloat16, __nv_bfloat16, float>
        <<<grid, 256>>>(kind, (__nv_bfloat16 *)out, (const __nv_bfloat16 *)in, rows, cols, scale);
    break;
  case TN_DTYPE_FLOAT32:
    reduce_rows_kernel<float, float, float><<<grid, 256>>>(kind, (float *)out, (const float *)in, rows, cols, scale);
    break;
  case TN_DTYPE_FLOAT64:
    reduce_rows_kernel<double, double, double><<<grid, 256>>>(kind, (double *)out, (const double *)in, rows, cols, scale);
    break;
#define X(code, T)                                                                                                 \
  case code:                                                                                                       \
    if (dtype_out == TN_DTYPE_INT64)                                                                               \
      reduce_rows_kernel<int64_t, T, int64_t><<<grid, 256>>>(kind, (int64_t *)out, (const T *)in, rows, cols, scale); \
    else                                                                                                           \
      reduce_rows_kernel<T, T, int64_t><<<grid, 256>>>(kind, (T *)out, (const T *)in, rows, cols, scale);          \
    break;
    X(TN_DTYPE_BOOL, bool)
    X(TN_DTYPE_UINT8, uint8_t)
    X(TN_DTYPE_INT8, int8_t)
    X(TN_DTYPE_INT16, int16_t)
    X(TN_DTYPE_INT32, int32_t)
    X(TN_DTYPE_INT64, int64_t)
#undef X
  default: return bad_dtype("reduction", dtype_in);
  }
  return check("reduction");
}

int blas_fail(const char *what, cublasStatus_t s) {
  snprintf(error_text, sizeof error_text, "CUDA error: cuBLAS %s failed with status %d", what, (int)s);
  return -1;
}

// Row-major C = op(A) op(B) is column-major Cᵀ = op(B)ᵀ op(A)ᵀ: swap the operands and m/n.
int m_gemm(int dtype, int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, double alpha, const void *a,
           int64_t lda, int64_t stride_a, const void *b, int64_t ldb, int64_t stride_b, double beta, void *c,
           int64_t ldc, int64_t stride_c, int64_t batch, int allow_tf32) {
  if (!blas) return blas_fail("handle", CUBLAS_STATUS_NOT_INITIALIZED);
  if (m == 0 || n == 0 || batch == 0) return 0;
  cublasOperation_t ta = trans_b ? CUBLAS_OP_T : CUBLAS_OP_N, tb = trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  cudaDataType_t type;
  cublasComputeType_t compute;
  float af = (float)alpha, bf = (float)beta;
  const void *pa = &af, *pb = &bf;
  switch (dtype) {
  case TN_DTYPE_FLOAT32:
    type = CUDA_R_32F;
    compute = allow_tf32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
    break;
  case TN_DTYPE_FLOAT64:
    type = CUDA_R_64F;
    compute = CUBLAS_COMPUTE_64F;
    pa = &alpha;
    pb = &beta;
    break;
  case TN_DTYPE_FLOAT16: type = CUDA_R_16F; compute = CUBLAS_COMPUTE_32F; break;
  case TN_DTYPE_BFLOAT16: type = CUDA_R_16BF; compute = CUBLAS_COMPUTE_32F; break;
  default: return bad_dtype("matmul", dtype);
  }
  cublasStatus_t s = cublasGemmStridedBatchedEx(blas, ta, tb, (int)n, (int)m, (int)k, pa, b, type, (int)ldb, stride_b, a,
                                                type, (int)lda, stride_a, pb, c, type, (int)ldc, stride_c, (int)batch,
                                                compute, CUBLAS_GEMM_DEFAULT);
  if (s != CUBLAS_STATUS_SUCCESS) return blas_fail("gemm", s);
  return check("gemm");
}

template <typename T>
__global__ void take_kernel(T *out, const T *in, const int64_t *pos, int64_t n) {
  GRID_LOOP(i, n) out[i] = in[pos[i]];
}

int m_take(size_t elem_size, void *out, const void *in, const int64_t *pos, int64_t n) {
  if (n == 0) return 0;
  switch (elem_size) {
  case 1: take_kernel<uint8_t><<<blocks_for(n), 256>>>((uint8_t *)out, (const uint8_t *)in, pos, n); break;
  case 2: take_kernel<uint16_t><<<blocks_for(n), 256>>>((uint16_t *)out, (const uint16_t *)in, pos, n); break;
  case 4: take_kernel<uint32_t><<<blocks_for(n), 256>>>((uint32_t *)out, (const uint32_t *)in, pos, n); break;
  case 8: take_kernel<uint64_t><<<blocks_for(n), 256>>>((uint64_t *)out, (const uint64_t *)in, pos, n); break;
  default:
    snprintf(error_text, sizeof error_text, "take: elements of %zu bytes are not supported", elem_size);
    return -1;
  }
  return check("take");
}

const tn_cuda_module table = {
  TN_CUDA_ABI_VERSION,
  m_init, m_device_name, m_total_memory, m_set_device, m_synchronize, m_last_error,
  m_alloc, m_release_sized, m_copy_h2d, m_copy_d2h, m_copy_d2d,
  m_cast, m_fill, m_binary, m_unary, m_reduce_rows, m_gemm, m_take,
};

} // namespace

extern "C" __attribute__((visibility("default"))) const tn_cuda_module *tn_cuda_module_v1(void) { return &table; }
