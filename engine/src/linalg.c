/* linalg.c — matrix products (mm, mv, dot, bmm, matmul, outer), linalg.solve and the norms.
 *
 * float32/float64 products go through CBLAS; transposed operands are passed as CblasTrans with
 * their leading dimension instead of being copied. Integer products are plain loops with wrapping
 * arithmetic (done in uint64_t, so without signed overflow); bfloat16 reproduces PyTorch 1.13's CPU
 * kernels (bfloat16 running sums, or a float accumulator in the one layout where PyTorch uses one).
 * float16 and bool products raise PyTorch's "not implemented" errors. einsum lives in einsum.c. */
#include "tn-internal.h"

#include <cblas.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* OpenBLAS threads a product once m*n*k reaches 2^18. For one that is small and thin on a side
 * (B @ C with B 20x2000, C 2000x20; A @ that with A 2000x20) its threads' wake-up costs more than
 * they bring: measured on this project's 2-core machine, 29.7 vs 21.5 us and 44.9 vs 18.3 us. Such
 * products run on the calling thread alone; the results are the same bits (OpenBLAS splits a
 * product by rows and columns of the result, never along k). A count, under a lock, so that
 * concurrent callers restore OpenBLAS's own setting only when the last one is done. */
static pthread_mutex_t blas_mu = PTHREAD_MUTEX_INITIALIZER;
static int blas_single_users, blas_saved_threads;

static bool blas_single_begin(int64_t M, int64_t N, int64_t K) {
  if (M <= 0 || N <= 0 || K <= 0 || M > (1 << 20) || N > (1 << 20) || K > (1 << 20)) return false;
  int64_t mnk = M * N * K;
  if (mnk < ((int64_t)1 << 18) || mnk > ((int64_t)1 << 20) || (M >= 32 && N >= 32 && K >= 32)) return false;
  pthread_mutex_lock(&blas_mu);
  if (blas_single_users++ == 0) {
    blas_saved_threads = openblas_get_num_threads();
    if (blas_saved_threads > 1) openblas_set_num_threads(1);
  }
  pthread_mutex_unlock(&blas_mu);
  return true;
}

static void blas_single_end(bool began) {
  if (!began) return;
  pthread_mutex_lock(&blas_mu);
  if (--blas_single_users == 0 && blas_saved_threads > 1) openblas_set_num_threads(blas_saved_threads);
  pthread_mutex_unlock(&blas_mu);
}

/* LAPACK from OpenBLAS, column-major, 32-bit integers (blasint). */
extern void sgetrf_(const blasint *m, const blasint *n, float *a, const blasint *lda, blasint *ipiv, blasint *info);
extern void dgetrf_(const blasint *m, const blasint *n, double *a, const blasint *lda, blasint *ipiv, blasint *info);
extern void sgetrs_(const char *trans, const blasint *n, const blasint *nrhs, const float *a, const blasint *lda,
                    const blasint *ipiv, float *b, const blasint *ldb, blasint *info);
extern void dgetrs_(const char *trans, const blasint *n, const blasint *nrhs, const double *a, const blasint *lda,
                    const blasint *ipiv, double *b, const blasint *ldb, blasint *info);
extern void sgesdd_(const char *jobz, const blasint *m, const blasint *n, float *a, const blasint *lda, float *s,
                    float *u, const blasint *ldu, float *vt, const blasint *ldvt, float *work, const blasint *lwork,
                    blasint *iwork, blasint *info);
extern void dgesdd_(const char *jobz, const blasint *m, const blasint *n, double *a, const blasint *lda, double *s,
                    double *u, const blasint *ldu, double *vt, const blasint *ldvt, double *work,
                    const blasint *lwork, blasint *iwork, blasint *info);

extern void ssyevd_(const char *jobz, const char *uplo, const blasint *n, float *a, const blasint *lda, float *w,
                    float *work, const blasint *lwork, blasint *iwork, const blasint *liwork, blasint *info);
extern void dsyevd_(const char *jobz, const char *uplo, const blasint *n, double *a, const blasint *lda, double *w,
                    double *work, const blasint *lwork, blasint *iwork, const blasint *liwork, blasint *info);

/* c10's ScalarType names, as PyTorch's messages print them. */


static bool fits_blas(int64_t v) { return v >= 0 && v <= INT_MAX; }

/* ------------------------------------------------------------------------------------------ */
/* The product kernel: C (M x N, row stride rsc, unit column stride) = A (M x K) @ B (K x N), every
 * operand given by a data pointer and element strides. */

typedef struct {
  const char *p;
  int64_t rs, cs; /* element strides of rows and columns */
} mat_ref;

/* How BLAS can read a row-major operand of r x c without a copy: 0 = no trans, 1 = trans, -1 = copy.
 * *ld receives the leading dimension. */
static int blas_layout(int64_t r, int64_t c, int64_t rs, int64_t cs, int64_t *ld) {
  if (r <= 1) rs = c > 1 ? c : 1;  /* a single row: any row stride will do */
  if (c <= 1) cs = 1;
  if (cs == 1 && rs >= (c > 1 ? c : 1) && fits_blas(rs)) {
    *ld = rs;
    return 0;
  }
  if (r <= 1) rs = 1;
  if (c <= 1) cs = r > 1 ? r : 1;
  if (rs == 1 && cs >= (r > 1 ? r : 1) && fits_blas(cs)) {
    *ld = cs;
    return 1;
  }
  return -1;
}

/* A contiguous copy of an r x c strided matrix of float/double. */
static void *pack(const mat_ref *m, int64_t r, int64_t c, size_t esize) {
  void *buf = malloc((size_t)(r * c > 0 ? r * c : 1) * esize);
  if (!buf) return tn__error_alloc((size_t)(r * c) * esize);
  for (int64_t i = 0; i < r; i++)
    for (int64_t j = 0; j < c; j++)
      memcpy((char *)buf + (size_t)(i * c + j) * esize, m->p + (size_t)((i * m->rs + j * m->cs) * (int64_t)esize), esize);
  return buf;
}

#define TN_INT_GEMM(T)                                                                                       \
  static void gemm_##T(int64_t M, int64_t N, int64_t K, const mat_ref *a, const mat_ref *b, char *c,         \
                       int64_t rsc) {                                                                        \
    const T *A = (const T *)a->p, *B = (const T *)b->p;                                                      \
    T *C = (T *)c;                                                                                           \
    for (int64_t i = 0; i < M; i++)                                                                          \
      for (int64_t j = 0; j < N; j++) {                                                                      \
        uint64_t acc = 0;                                                                                    \
        for (int64_t k = 0; k < K; k++)                                                                      \
          acc += (uint64_t)(int64_t)A[i * a->rs + k * a->cs] * (uint64_t)(int64_t)B[k * b->rs + j * b->cs]; \
        C[i * rsc + j] = (T)acc; /* wraps, as the integer type does in PyTorch */                           \
      }                                                                                                      \
  }
TN_INT_GEMM(uint8_t)
TN_INT_GEMM(int8_t)
TN_INT_GEMM(int16_t)
TN_INT_GEMM(int32_t)
TN_INT_GEMM(int64_t)
#undef TN_INT_GEMM

/* bool products only come from einsum's elementwise path (K == 1): logical and. */
static void gemm_bool(int64_t M, int64_t N, int64_t K, const mat_ref *a, const mat_ref *b, char *c, int64_t rsc) {
  const uint8_t *A = (const uint8_t *)a->p, *B = (const uint8_t *)b->p;
  for (int64_t i = 0; i < M; i++)
    for (int64_t j = 0; j < N; j++) {
      bool acc = false;
      for (int64_t k = 0; k < K; k++) acc = acc || (A[i * a->rs + k * a->cs] && B[k * b->rs + j * b->cs]);
      ((uint8_t *)c)[i * rsc + j] = acc;
    }
}

/* bfloat16: c10::BFloat16 arithmetic, product and running sum each rounded to bfloat16, in k order;
 * or, for the one layout where PyTorch's CPU gemm takes dot products (gemm_transa_), a float
 * accumulator rounded once at the end. */
static void gemm_bf16(int64_t M, int64_t N, int64_t K, const mat_ref *a, const mat_ref *b, char *c, int64_t rsc,
                      bool float_acc) {
  const uint16_t *A = (const uint16_t *)a->p, *B = (const uint16_t *)b->p;
  for (int64_t i = 0; i < M; i++)
    for (int64_t j = 0; j < N; j++) {
      uint16_t acc = 0;
      if (float_acc) {
        float f = 0;
        for (int64_t k = 0; k < K; k++)
          f += tn_bfloat16_to_float(A[i * a->rs + k * a->cs]) * tn_bfloat16_to_float(B[k * b->rs + j * b->cs]);
        ((uint16_t *)c)[i * rsc + j] = tn_float_to_bfloat16(f);
        continue;
      }
      for (int64_t k = 0; k < K; k++) {
        float prod = tn_bfloat16_to_float(A[i * a->rs + k * a->cs]) * tn_bfloat16_to_float(B[k * b->rs + j * b->cs]);
        acc = tn_float_to_bfloat16(tn_bfloat16_to_float(acc) + tn_bfloat16_to_float(tn_float_to_bfloat16(prod)));
      }
      ((uint16_t *)c)[i * rsc + j] = acc;
    }
}

/* float16: only einsum's elementwise path reaches here (K == 1), c10::Half arithmetic. */
static void gemm_half(int64_t M, int64_t N, int64_t K, const mat_ref *a, const mat_ref *b, char *c, int64_t rsc) {
  const uint16_t *A = (const uint16_t *)a->p, *B = (const uint16_t *)b->p;
  for (int64_t i = 0; i < M; i++)
    for (int64_t j = 0; j < N; j++) {
      uint16_t acc = 0;
      for (int64_t k = 0; k < K; k++) {
        float prod = tn_half_to_float(A[i * a->rs + k * a->cs]) * tn_half_to_float(B[k * b->rs + j * b->cs]);
        acc = k == 0 ? tn_float_to_half(prod)
                     : tn_float_to_half(tn_half_to_float(acc) + tn_half_to_float(tn_float_to_half(prod)));
      }
      ((uint16_t *)c)[i * rsc + j] = acc;
    }
}

/* Plain loops for float/double when the sizes do not fit BLAS's int. */
#define TN_FLOAT_GEMM_LOOP(T)                                                                            \
  static void gemm_loop_##T(int64_t M, int64_t N, int64_t K, const mat_ref *a, const mat_ref *b, char *c, \
                            int64_t rsc) {                                                               \
    const T *A = (const T *)a->p, *B = (const T *)b->p;                                                  \
    for (int64_t i = 0; i < M; i++)                                                                      \
      for (int64_t j = 0; j < N; j++) {                                                                  \
        T acc = 0;                                                                                       \
        for (int64_t k = 0; k < K; k++) acc += A[i * a->rs + k * a->cs] * B[k * b->rs + j * b->cs];      \
        ((T *)c)[i * rsc + j] = acc;                                                                     \
      }                                                                                                  \
  }
TN_FLOAT_GEMM_LOOP(float)
TN_FLOAT_GEMM_LOOP(double)
#undef TN_FLOAT_GEMM_LOOP

/* Whether PyTorch 1.13's addmm_impl_cpu_ ends up in gemm_transa_ for C = A @ B (C row-major): B read
 * column-major and A read row-major (or copied, which makes it row-major). Only bfloat16 cares. */
static bool bf16_transa(int64_t M, int64_t N, int64_t K, mat_ref a, mat_ref b) {
  if (N <= 1) return false;
  int64_t k1 = K > 1 ? K : 1;
  if (b.cs == 1 && b.rs >= N) return false;
  if (!(b.rs == 1 && b.cs >= k1)) return false;
  bool a_row = a.cs == 1 && a.rs >= k1, a_col = a.rs == 1 && a.cs >= (M > 1 ? M : 1);
  return a_row || !a_col;
}

/* C = A @ B for one matrix. Returns -1 only when a temporary cannot be allocated. */
/* gemv: a matrix-vector product (mv, matmul folded into mv) goes through BLAS gemv as PyTorch's
 * addmv does; mm with one column stays a gemm, as in PyTorch (gemv sums in another order). */
static int gemm(tn_dtype dt, int64_t M, int64_t N, int64_t K, mat_ref a, mat_ref b, char *c, int64_t rsc,
                bool bf16_float_acc, bool gemv) {
  if (M == 0 || N == 0) return 0;
  size_t esize = tn__dtype_traits[dt].size;
  if (K == 0) {
    for (int64_t i = 0; i < M; i++) memset(c + (size_t)(i * rsc) * esize, 0, (size_t)N * esize);
    return 0;
  }
  switch (dt) {
  case TN_DTYPE_BOOL: gemm_bool(M, N, K, &a, &b, c, rsc); return 0;
  case TN_DTYPE_UINT8: gemm_uint8_t(M, N, K, &a, &b, c, rsc); return 0;
  case TN_DTYPE_INT8: gemm_int8_t(M, N, K, &a, &b, c, rsc); return 0;
  case TN_DTYPE_INT16: gemm_int16_t(M, N, K, &a, &b, c, rsc); return 0;
  case TN_DTYPE_INT32: gemm_int32_t(M, N, K, &a, &b, c, rsc); return 0;
  case TN_DTYPE_INT64: gemm_int64_t(M, N, K, &a, &b, c, rsc); return 0;
  case TN_DTYPE_FLOAT16: gemm_half(M, N, K, &a, &b, c, rsc); return 0;
  case TN_DTYPE_BFLOAT16: gemm_bf16(M, N, K, &a, &b, c, rsc, bf16_float_acc); return 0;
  default: break;
  }
  bool f32 = dt == TN_DTYPE_FLOAT32;
  if (!fits_blas(M) || !fits_blas(N) || !fits_blas(K) || !fits_blas(rsc < N ? N : rsc)) {
    if (f32) gemm_loop_float(M, N, K, &a, &b, c, rsc);
    else gemm_loop_double(M, N, K, &a, &b, c, rsc);
    return 0;
  }
  void *abuf = NULL, *bbuf = NULL;
  int64_t lda, ldb;
  int ta = blas_layout(M, K, a.rs, a.cs, &lda), tb = blas_layout(K, N, b.rs, b.cs, &ldb);
  if (ta < 0) {
    if (!(abuf = pack(&a, M, K, esize))) return -1;
    a.p = abuf;
    ta = 0;
    lda = K;
  }
  if (tb < 0) {
    if (!(bbuf = pack(&b, K, N, esize))) {
      free(abuf);
      return -1;
    }
    b.p = bbuf;
    tb = 0;
    ldb = N;
  }
  /* A vector times a matrix or a matrix times a vector: gemv is faster than a gemm with N == 1. */
  if (gemv && N == 1 && b.cs != 0) {
    int64_t incx = tb == 0 ? ldb : 1;
    if (K == 1) incx = 1;
    if (f32)
      cblas_sgemv(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, ta ? (blasint)K : (blasint)M,
                  ta ? (blasint)M : (blasint)K, 1.0f, (const float *)a.p, (blasint)lda, (const float *)b.p,
                  (blasint)incx, 0.0f, (float *)c, (blasint)rsc);
    else
      cblas_dgemv(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, ta ? (blasint)K : (blasint)M,
                  ta ? (blasint)M : (blasint)K, 1.0, (const double *)a.p, (blasint)lda, (const double *)b.p,
                  (blasint)incx, 0.0, (double *)c, (blasint)rsc);
  } else {
    bool single = blas_single_begin(M, N, K);
    if (f32)
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (blasint)M,
                  (blasint)N, (blasint)K, 1.0f, (const float *)a.p, (blasint)lda, (const float *)b.p, (blasint)ldb,
                  0.0f, (float *)c, (blasint)rsc);
    else
      cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (blasint)M,
                  (blasint)N, (blasint)K, 1.0, (const double *)a.p, (blasint)lda, (const double *)b.p, (blasint)ldb,
                  0.0, (double *)c, (blasint)rsc);
    blas_single_end(single);
  }
  free(abuf);
  free(bbuf);
  return 0;
}

/* Batched product: C[batch] = A[batch] @ B[batch] over a broadcast batch shape (A's and B's batch
 * strides are given per batch dim, 0 where broadcast). C is contiguous (batch..., M, N). */
/* bf16 rules: which of PyTorch's kernels the product would go through (see gemm_bf16). */
enum { BF16_SEQ = 0, BF16_MM = 1, BF16_BMM = 2, BF16_FLOAT = 3 };

#define SMALL_MM(T)                                                                                            \
  do {                                                                                                         \
    const T *A_ = (const T *)a.p, *B_ = (const T *)b.p;                                                        \
    T *C_ = (T *)cn;                                                                                           \
    for (int64_t i = 0; i < M; i++)                                                                            \
      for (int64_t j = 0; j < N; j++) {                                                                        \
        T acc = 0;                                                                                             \
        for (int64_t k = 0; k < K; k++) acc += A_[i * a.rs + k * a.cs] * B_[k * b.rs + j * b.cs];             \
        C_[i * N + j] = acc;                                                                                   \
      }                                                                                                        \
  } while (0)

static int bgemm(tn_dtype dt, int32_t nb, const int64_t *bshape, const int64_t *as, const int64_t *bs, int64_t M,
                 int64_t N, int64_t K, mat_ref a, mat_ref b, char *c, int bf16_rule, bool gemv) {
  /* bmm takes a plain loop (sequential bfloat16 sums) below 400 multiply-adds per matrix */
  bool facc = dt == TN_DTYPE_BFLOAT16 &&
              (bf16_rule == BF16_FLOAT || (bf16_rule != BF16_SEQ && !(bf16_rule == BF16_BMM && K * M * N < 400) &&
                                           bf16_transa(M, N, K, a, b)));
  size_t esize = tn__dtype_traits[dt].size;
  int64_t nbatch = 1;
  for (int32_t d = 0; d < nb; d++) nbatch *= bshape[d];
  if (nbatch == 0 || M == 0 || N == 0) return 0;
  /* B shared by every batch and A's batch dims laid out like extra rows: one big product. */
  bool fold = true;
  int64_t expect = a.rs * M;
  for (int32_t d = nb - 1; d >= 0 && fold; d--) {
    if (bshape[d] == 1) continue;
    if (bs[d] != 0 || as[d] != expect) fold = false;
    expect *= bshape[d];
  }
  /* bmm below 400 multiply-adds per matrix is ATen's plain loop (baddbmm_cpu_kernel): one running
   * sum per element, in k order, rounded after each multiply and add */
  bool naive = bf16_rule == BF16_BMM && K * M * N < 400 && (dt == TN_DTYPE_FLOAT32 || dt == TN_DTYPE_FLOAT64);
  if (fold && !naive) return gemm(dt, M * nbatch, N, K, a, b, c, N, facc, gemv);
  int64_t idx[TN_MAX_DIMS] = {0};
  const char *pa = a.p, *pb = b.p;
  for (int64_t n = 0; n < nbatch; n++) {
    a.p = pa;
    b.p = pb;
    if (naive) {
      char *cn = c + (size_t)(n * M * N) * esize;
      if (dt == TN_DTYPE_FLOAT32)
        SMALL_MM(float);
      else
        SMALL_MM(double);
    } else if (gemm(dt, M, N, K, a, b, c + (size_t)(n * M * N) * esize, N, facc, false) < 0) {
      return -1;
    }
    for (int32_t d = nb - 1; d >= 0; d--) {
      pa += as[d] * (int64_t)esize;
      pb += bs[d] * (int64_t)esize;
      if (++idx[d] < bshape[d]) break;
      pa -= as[d] * bshape[d] * (int64_t)esize;
      pb -= bs[d] * bshape[d] * (int64_t)esize;
      idx[d] = 0;
    }
  }
  return 0;
}

static mat_ref mref(const tn_tensor *t, int64_t rs, int64_t cs) { return (mat_ref){tn__data(t), rs, cs}; }

/* ------------------------------------------------------------------------------------------ */
/* mm, mv, dot, bmm */

static tn_tensor *not_implemented(const char *op, tn_dtype d) {
  return tn__error(TN_ERROR_RUNTIME, "\"%s\" not implemented for '%s'", op, tn__scalar_type_name(d));
}

static bool product_dtype_ok(tn_dtype d) { return d != TN_DTYPE_FLOAT16 && d != TN_DTYPE_BOOL; }

static tn_tensor *dtype_mismatch(tn_dtype expected, tn_dtype found) {
  return tn__error(TN_ERROR_RUNTIME, "expected scalar type %s but found %s", tn__scalar_type_name(expected),
                   tn__scalar_type_name(found));
}

/* mm on matrices given by size and strides (matmul's folded operands reuse it). */
static tn_tensor *mm_impl(tn_dtype da, tn_dtype db, int64_t M, int64_t K, int64_t K2, int64_t N, mat_ref a,
                          mat_ref b) {
  if (K != K2)
    return tn__error(TN_ERROR_RUNTIME, "mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
                     (long long)M, (long long)K, (long long)K2, (long long)N);
  if (da != db) return dtype_mismatch(da, db);
  int64_t shape[2] = {M, N};
  tn_tensor *out = tn__new(2, shape, da);
  if (!out) return NULL;
  if (M * N != 0 && K != 0 && !product_dtype_ok(da)) {
    tn_release(out);
    return not_implemented("addmm_impl_cpu_", da);
  }
  if (gemm(da, M, N, K, a, b, tn__data(out), N, bf16_transa(M, N, K, a, b), false) < 0) {
    tn_release(out);
    return NULL;
  }
  return out;
}

tn_tensor *tn_mm(const tn_tensor *a, const tn_tensor *b) {
  if (tn__ag_wants(a, b, NULL)) return tn__ag_matmul("mm", a, b);
  if (!a || !b) return tn__error(TN_ERROR_TYPE, "mm(): argument is None");
  if (a->ndim != 2) return tn__error(TN_ERROR_RUNTIME, "self must be a matrix");
  if (b->ndim != 2) return tn__error(TN_ERROR_RUNTIME, "mat2 must be a matrix");
  if (tn__cuda_any(a, b, NULL)) return tn__cuda_matmul(a, b);
  return mm_impl(a->dtype, b->dtype, a->shape[0], a->shape[1], b->shape[0], b->shape[1],
                 mref(a, a->strides[0], a->strides[1]), mref(b, b->strides[0], b->strides[1]));
}

/* torch.addmm. For float32/float64 one BLAS gemm, C = beta * C + alpha * A B with C holding self
 * expanded, as ATen's addmm_impl_cpu_ does; so bias + x @ W.t() rounds as PyTorch's nn.Linear. */
tn_tensor *tn__ag_addmm(const tn_tensor *self, const tn_tensor *m1, const tn_tensor *m2, tn_scalar beta,
                        tn_scalar alpha);

static int gemm_beta(tn_dtype dt, int64_t M, int64_t N, int64_t K, mat_ref a, mat_ref b, char *c, double alpha,
                     double beta) {
  size_t esize = tn__dtype_traits[dt].size;
  void *abuf = NULL, *bbuf = NULL;
  int64_t lda, ldb;
  int ta = blas_layout(M, K, a.rs, a.cs, &lda), tb = blas_layout(K, N, b.rs, b.cs, &ldb);
  if (ta < 0) {
    if (!(abuf = pack(&a, M, K, esize))) return -1;
    a.p = abuf;
    ta = 0;
    lda = K;
  }
  if (tb < 0) {
    if (!(bbuf = pack(&b, K, N, esize))) {
      free(abuf);
      return -1;
    }
    b.p = bbuf;
    tb = 0;
    ldb = N;
  }
  bool single = blas_single_begin(M, N, K);
  if (dt == TN_DTYPE_FLOAT32)
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (blasint)M,
                (blasint)N, (blasint)K, (float)alpha, (const float *)a.p, (blasint)lda, (const float *)b.p,
                (blasint)ldb, (float)beta, (float *)c, (blasint)N);
  else
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (blasint)M,
                (blasint)N, (blasint)K, alpha, (const double *)a.p, (blasint)lda, (const double *)b.p, (blasint)ldb,
                beta, (double *)c, (blasint)N);
  blas_single_end(single);
  free(abuf);
  free(bbuf);
  return 0;
}

tn_tensor *tn_addmm(const tn_tensor *self, const tn_tensor *m1, const tn_tensor *m2, tn_scalar beta,
                    tn_scalar alpha) {
  if (tn__ag_wants(self, m1, m2)) return tn__ag_addmm(self, m1, m2, beta, alpha);
  if (tn__cuda_any(self, m1, m2) && tn__cuda_same_device(3, (const tn_tensor *[]){self, m1, m2}) < 0) return NULL;
  if (!self || !m1 || !m2) return tn__error(TN_ERROR_TYPE, "addmm(): argument is None");
  if (m1->ndim != 2) return tn__error(TN_ERROR_RUNTIME, "mat1 must be a matrix, got %d-D tensor", m1->ndim);
  if (m2->ndim != 2) return tn__error(TN_ERROR_RUNTIME, "mat2 must be a matrix, got %d-D tensor", m2->ndim);
  int64_t M = m1->shape[0], K = m1->shape[1], N = m2->shape[1];
  if (K != m2->shape[0])
    return tn__error(TN_ERROR_RUNTIME, "mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
                     (long long)M, (long long)K, (long long)m2->shape[0], (long long)N);
  if (m1->dtype != m2->dtype) return tn__error(TN_ERROR_RUNTIME, "mat1 and mat2 must have the same dtype");
  if (self->dtype != m2->dtype) return tn__error(TN_ERROR_RUNTIME, "self and mat2 must have the same dtype");
  int64_t shape[2] = {M, N};
  tn_tensor *se = tn_expand(self, 2, shape);
  if (!se) return NULL;
  tn_dtype dt = m1->dtype;
  double b = tn_scalar_to_double(beta), al = tn_scalar_to_double(alpha);
  if (tn__cuda_any(self, m1, m2)) { /* cuBLAS, self's values in the result first (beta) */
    tn_tensor *r = tn__cuda_addmm(se, m1, m2, b, al);
    tn_release(se);
    return r;
  }
  if ((dt == TN_DTYPE_FLOAT32 || dt == TN_DTYPE_FLOAT64) && fits_blas(M) && fits_blas(N) && fits_blas(K)) {
    tn_tensor *out = tn__new(2, shape, dt);
    if (!out) {
      tn_release(se);
      return NULL;
    }
    /* beta == 0 ignores self entirely (its NaNs too), as BLAS does */
    if (b != 0.0) {
      if (tn__copy_raw(out, se) < 0) goto fail;
    } else if (out->numel) {
      memset(tn__data(out), 0, (size_t)out->numel * tn__dtype_traits[dt].size);
    }
    if (M > 0 && N > 0) {
      if (K == 0) {
        /* no product: beta * self */
        for (int64_t i = 0; i < out->numel; i++) {
          char *p = tn__data(out) + (size_t)i * tn__dtype_traits[dt].size;
          if (dt == TN_DTYPE_FLOAT32) {
            float v;
            memcpy(&v, p, 4);
            v *= (float)b;
            memcpy(p, &v, 4);
          } else {
            double v;
            memcpy(&v, p, 8);
            v *= b;
            memcpy(p, &v, 8);
          }
        }
      } else if (gemm_beta(dt, M, N, K, mref(m1, m1->strides[0], m1->strides[1]),
                           mref(m2, m2->strides[0], m2->strides[1]), tn__data(out), al, b) < 0) {
        goto fail;
      }
    }
    tn_release(se);
    return out;
  fail:
    tn_release(out);
    tn_release(se);
    return NULL;
  }
  /* other dtypes: the product, then beta * self + alpha * product */
  tn_tensor *p = tn_mm(m1, m2), *wa = NULL, *wb = NULL, *pa = NULL, *sb = NULL, *r = NULL;
  if (p && (wa = tn_wrap_scalar(alpha)) && (pa = tn_mul(p, wa))) {
    if (b == 0.0)
      r = tn_retain(pa);
    else if ((wb = tn_wrap_scalar(beta)) && (sb = tn_mul(se, wb)))
      r = tn_add(sb, pa);
  }
  tn_release(p);
  tn_release(wa);
  tn_release(wb);
  tn_release(pa);
  tn_release(sb);
  tn_release(se);
  return r;
}

/* mv on a matrix given by size and strides and a vector given by size and stride. */
static tn_tensor *mv_impl(tn_dtype da, tn_dtype dv, int64_t M, int64_t K, int64_t K2, mat_ref a, const char *v,
                          int64_t vs) {
  if (K != K2)
    return tn__error(TN_ERROR_RUNTIME, "size mismatch, got %lld, %lldx%lld,%lld", (long long)M, (long long)M,
                     (long long)K, (long long)K2);
  if (da != dv) return dtype_mismatch(da, dv);
  tn_tensor *out = tn__new(1, &M, da);
  if (!out) return NULL;
  if (M != 0 && K != 0 && !product_dtype_ok(da)) {
    tn_release(out);
    return not_implemented("addmv_impl_cpu", da);
  }
  if (gemm(da, M, 1, K, a, (mat_ref){v, vs, 1}, tn__data(out), 1, false, true) < 0) {
    tn_release(out);
    return NULL;
  }
  return out;
}

tn_tensor *tn_mv(const tn_tensor *a, const tn_tensor *v) {
  if (tn__ag_wants(a, v, NULL)) return tn__ag_matmul("mv", a, v);
  if (!a || !v) return tn__error(TN_ERROR_TYPE, "mv(): argument is None");
  if (a->ndim != 2 || v->ndim != 1)
    return tn__error(TN_ERROR_RUNTIME, "vector + matrix @ vector expected, got 1, %d, %d", a->ndim, v->ndim);
  if (tn__cuda_any(a, v, NULL)) return tn__cuda_matmul(a, v);
  return mv_impl(a->dtype, v->dtype, a->shape[0], a->shape[1], v->shape[0], mref(a, a->strides[0], a->strides[1]),
                 tn__data(v), v->strides[0]);
}

tn_tensor *tn_dot(const tn_tensor *a, const tn_tensor *b) {
  if (tn__ag_wants(a, b, NULL)) return tn__ag_matmul("dot", a, b);
  if (!a || !b) return tn__error(TN_ERROR_TYPE, "dot(): argument is None");
  if (a->ndim != 1 || b->ndim != 1)
    return tn__error(TN_ERROR_RUNTIME, "1D tensors expected, but got %dD and %dD tensors", a->ndim, b->ndim);
  if (a->dtype != b->dtype)
    return tn__error(TN_ERROR_RUNTIME, "dot : expected both vectors to have same dtype, but found %s and %s",
                     tn__scalar_type_name(a->dtype), tn__scalar_type_name(b->dtype));
  if (a->shape[0] != b->shape[0])
    return tn__error(TN_ERROR_RUNTIME,
                     "inconsistent tensor size, expected tensor [%lld] and src [%lld] to have the same number of "
                     "elements, but got %lld and %lld elements respectively",
                     (long long)a->shape[0], (long long)b->shape[0], (long long)a->shape[0], (long long)b->shape[0]);
  if (tn__cuda_any(a, b, NULL)) return tn__cuda_matmul(a, b);
  if (!product_dtype_ok(a->dtype)) return not_implemented("dot", a->dtype);
  tn_tensor *out = tn__new(0, NULL, a->dtype);
  if (!out) return NULL;
  int64_t n = a->shape[0];
  /* PyTorch's dot is BLAS sdot/ddot (n == 1 takes unit increments) */
  if ((a->dtype == TN_DTYPE_FLOAT32 || a->dtype == TN_DTYPE_FLOAT64) && fits_blas(n) && n > 0 &&
      llabs(a->strides[0]) <= INT_MAX && llabs(b->strides[0]) <= INT_MAX) {
    blasint ia = n == 1 ? 1 : (blasint)a->strides[0], ib = n == 1 ? 1 : (blasint)b->strides[0];
    /* BLAS walks a negative increment from the far end: point at the lowest address */
    const char *pa = tn__data(a), *pb = tn__data(b);
    size_t es = tn__dtype_traits[a->dtype].size;
    if (ia < 0) pa += (ptrdiff_t)((n - 1) * ia) * (ptrdiff_t)es;
    if (ib < 0) pb += (ptrdiff_t)((n - 1) * ib) * (ptrdiff_t)es;
    if (ia != 0 && ib != 0) {
      if (a->dtype == TN_DTYPE_FLOAT32) {
        float r = cblas_sdot((blasint)n, (const float *)pa, ia, (const float *)pb, ib);
        memcpy(tn__data(out), &r, sizeof r);
      } else {
        double r = cblas_ddot((blasint)n, (const double *)pa, ia, (const double *)pb, ib);
        memcpy(tn__data(out), &r, sizeof r);
      }
      return out;
    }
  }
  if (gemm(a->dtype, 1, 1, n, mref(a, n, a->strides[0]), mref(b, b->strides[0], 1), tn__data(out), 1, false, true) < 0) {
    tn_release(out);
    return NULL;
  }
  return out;
}

static tn_tensor *bmm_error(int64_t bs, int64_t k, int64_t b0, int64_t b1) {
  return tn__error(TN_ERROR_RUNTIME,
                   "Expected size for first two dimensions of batch2 tensor to be: [%lld, %lld] but got: [%lld, %lld].",
                   (long long)bs, (long long)k, (long long)b0, (long long)b1);
}

tn_tensor *tn_bmm(const tn_tensor *a, const tn_tensor *b) {
  if (tn__ag_wants(a, b, NULL)) return tn__ag_matmul("bmm", a, b);
  if (!a || !b) return tn__error(TN_ERROR_TYPE, "bmm(): argument is None");
  if (a->ndim != 3) return tn__error(TN_ERROR_RUNTIME, "batch1 must be a 3D tensor");
  if (b->ndim != 3) return tn__error(TN_ERROR_RUNTIME, "batch2 must be a 3D tensor");
  if (b->shape[0] != a->shape[0] || b->shape[1] != a->shape[2])
    return bmm_error(a->shape[0], a->shape[2], b->shape[0], b->shape[1]);
  if (a->dtype != b->dtype) return dtype_mismatch(a->dtype, b->dtype);
  int64_t shape[3] = {a->shape[0], a->shape[1], b->shape[2]};
  tn_tensor *out = tn__new(3, shape, a->dtype);
  if (!out) return NULL;
  if (out->numel != 0 && a->shape[2] != 0 && !product_dtype_ok(a->dtype)) {
    tn_release(out);
    return not_implemented("bmm", a->dtype);
  }
  if (bgemm(a->dtype, 1, shape, &a->strides[0], &b->strides[0], shape[1], shape[2], a->shape[2],
            mref(a, a->strides[1], a->strides[2]), mref(b, b->strides[1], b->strides[2]), tn__data(out), BF16_BMM,
            false) < 0) {
    tn_release(out);
    return NULL;
  }
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* matmul: PyTorch 1.13's dispatch (dot, mv, mm, folding into mm/mv, else batched bmm), so that
 * every error names the operation and the sizes PyTorch's would. */

/* at::native's should_fold(tensor1, dim_tensor2). */
static bool should_fold(const tn_tensor *t1, int32_t dim2) {
  if (t1->ndim >= 3 && (dim2 == 1 || dim2 == 2)) {
    if (t1->ndim == 3 && dim2 == 2 && t1->strides[2] != 1 && t1->strides[0] == t1->shape[1] * t1->shape[2])
      return false;
    return true;
  }
  return false;
}

tn_tensor *tn_matmul(const tn_tensor *a, const tn_tensor *b) {
  if (!a || !b) return tn__error(TN_ERROR_TYPE, "matmul(): argument is None");
  int32_t d1 = a->ndim, d2 = b->ndim;
  if (d1 == 0 || d2 == 0)
    return tn__error(TN_ERROR_RUNTIME, "both arguments to matmul need to be at least 1D, but they are %dD and %dD", d1,
                     d2);
  if (tn__cuda_any(a, b, NULL) && !tn__ag_wants(a, b, NULL) && !(d1 == 2 && d2 == 2)) return tn__cuda_matmul(a, b);
  if (d1 == 1 && d2 == 1) return tn_dot(a, b);
  if (d1 == 2 && d2 == 1) return tn_mv(a, b);
  if (d1 == 2 && d2 == 2) return tn_mm(a, b);
  if (tn__ag_wants(a, b, NULL)) return tn__ag_matmul("matmul", a, b);
  if (d1 == 1 && d2 == 2) {
    /* mm(a.unsqueeze(0), b).squeeze(0) */
    tn_tensor *r = mm_impl(a->dtype, b->dtype, 1, a->shape[0], b->shape[0], b->shape[1],
                           mref(a, a->shape[0], a->strides[0]), mref(b, b->strides[0], b->strides[1]));
    if (!r) return NULL;
    r->ndim = 1;
    r->shape[0] = r->shape[1];
    r->strides[0] = 1;
    return r;
  }
  int64_t n = d1 > 1 ? a->shape[d1 - 2] : 1, m1 = a->shape[d1 - 1];
  int64_t m2 = d2 > 1 ? b->shape[d2 - 2] : b->shape[0], p = d2 > 1 ? b->shape[d2 - 1] : 1;
  /* batch dims of each (the matrix dims cut off), broadcast */
  int32_t nb1 = d1 > 2 ? d1 - 2 : 0, nb2 = d2 > 2 ? d2 - 2 : 0, nb;
  int64_t bshape[TN_MAX_DIMS];
  int64_t as[TN_MAX_DIMS] = {0}, bs[TN_MAX_DIMS] = {0};
  bool fold1 = should_fold(a, d2), fold2 = !fold1 && should_fold(b, d1);
  int bf16_rule = BF16_BMM;
  if (fold1 || fold2) {
    const tn_tensor *big = fold1 ? a : b, *small = fold1 ? b : a;
    /* rows of the folded operand: tensor1 viewed as (batch * n, m1), or tensor2.mT as (batch * p, m2) */
    int64_t folded = fold1 ? n : p;
    for (int32_t d = 0; d < big->ndim - 2; d++) folded *= big->shape[d];
    int64_t inner = fold1 ? m1 : m2;
    /* the error checks of t1_folded.mm(t2) / t1_folded.mv(t2) */
    if (small->ndim == 2) {
      int64_t r2 = fold1 ? small->shape[0] : small->shape[1], c2 = fold1 ? small->shape[1] : small->shape[0];
      if (inner != r2)
        return tn__error(TN_ERROR_RUNTIME, "mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
                         (long long)folded, (long long)inner, (long long)r2, (long long)c2);
      if (big->dtype != small->dtype) return dtype_mismatch(big->dtype, small->dtype);
      if (folded * c2 != 0 && inner != 0 && !product_dtype_ok(big->dtype))
        return not_implemented("addmm_impl_cpu_", big->dtype);
    } else {
      if (inner != small->shape[0])
        return tn__error(TN_ERROR_RUNTIME, "size mismatch, got %lld, %lldx%lld,%lld", (long long)folded,
                         (long long)folded, (long long)inner, (long long)small->shape[0]);
      if (big->dtype != small->dtype) return dtype_mismatch(big->dtype, small->dtype);
      if (folded != 0 && inner != 0 && !product_dtype_ok(big->dtype)) return not_implemented("addmv_impl_cpu", big->dtype);
    }
    /* PyTorch multiplies a contiguous copy of the folded operand by the other (transposed when
     * tensor2 was folded); that decides its bfloat16 kernel */
    bf16_rule = BF16_SEQ;
    if (small->ndim == 2 && fold1 && bf16_transa(folded, p, m1, (mat_ref){NULL, m1, 1}, mref(b, b->strides[0], b->strides[1])))
      bf16_rule = BF16_FLOAT;
    if (small->ndim == 2 && fold2 && bf16_transa(folded, n, m2, (mat_ref){NULL, m2, 1}, mref(a, a->strides[1], a->strides[0])))
      bf16_rule = BF16_FLOAT;
    /* computed below as a broadcast batched product (the smaller operand has batch stride 0) */
    nb = big->ndim - 2;
    for (int32_t d = 0; d < nb; d++) {
      bshape[d] = big->shape[d];
      if (fold1) as[d] = a->strides[d];
      else bs[d] = b->strides[d];
    }
  } else {
    /* batched: broadcast the batch portions, then bmm's checks on the expanded sizes */
    if (tn_broadcast_shapes(nb1, a->shape, nb2, b->shape, &nb, bshape) < 0) return NULL;
    int64_t bsz = 1;
    for (int32_t d = 0; d < nb; d++) bsz *= bshape[d];
    if (m1 != m2) return bmm_error(bsz, m1, bsz, m2);
    if (a->dtype != b->dtype) return dtype_mismatch(a->dtype, b->dtype);
    if (bsz * n * p != 0 && m1 != 0 && !product_dtype_ok(a->dtype)) return not_implemented("bmm", a->dtype);
    for (int32_t d = 0; d < nb; d++) {
      int32_t da = d - (nb - nb1), db = d - (nb - nb2);
      as[d] = da >= 0 && a->shape[da] != 1 ? a->strides[da] : 0;
      bs[d] = db >= 0 && b->shape[db] != 1 ? b->strides[db] : 0;
    }
  }
  int64_t oshape[TN_MAX_DIMS];
  int32_t on = 0;
  for (int32_t d = 0; d < nb; d++) oshape[on++] = bshape[d];
  if (d1 > 1) oshape[on++] = n;
  if (d2 > 1) oshape[on++] = p;
  tn_tensor *out = tn__new(on, oshape, a->dtype);
  if (!out) return NULL;
  mat_ref ma = d1 > 1 ? mref(a, a->strides[d1 - 2], a->strides[d1 - 1]) : mref(a, m1, a->strides[0]);
  mat_ref mb = d2 > 1 ? mref(b, b->strides[d2 - 2], b->strides[d2 - 1]) : mref(b, b->strides[0], 1);
  if (bgemm(a->dtype, nb, bshape, as, bs, n, p, m1, ma, mb, tn__data(out), bf16_rule, (fold1 || fold2) && (d1 == 1 || d2 == 1)) < 0) {
    tn_release(out);
    return NULL;
  }
  return out;
}

/* torch.outer: a.reshape(-1, 1) * b, so the dtypes promote (einsum.c's broadcasting product). */
tn_tensor *tn__linalg_mul(const tn_tensor *a, const tn_tensor *b);

tn_tensor *tn_outer(const tn_tensor *a, const tn_tensor *b) {
  if (tn__ag_wants(a, b, NULL)) return tn__ag_matmul("outer", a, b);
  if (!a || !b) return tn__error(TN_ERROR_TYPE, "outer(): argument is None");
  if (a->ndim != 1) return tn__error(TN_ERROR_RUNTIME, "outer: Expected 1-D argument self, but got %d-D", a->ndim);
  if (b->ndim != 1) return tn__error(TN_ERROR_RUNTIME, "outer: Expected 1-D argument vec2, but got %d-D", b->ndim);
  int64_t sa[2] = {a->shape[0], 1}, ta[2] = {a->strides[0], 1}, sb[2] = {1, b->shape[0]}, tb[2] = {1, b->strides[0]};
  tn_tensor *va = tn__new_view(a, 2, sa, ta, a->offset), *vb = va ? tn__new_view(b, 2, sb, tb, b->offset) : NULL;
  tn_tensor *out = vb ? tn__linalg_mul(va, vb) : NULL;
  tn_release(va);
  tn_release(vb);
  return out;
}

/* einsum.c builds on the same kernel. */
int tn__bgemm(tn_dtype dt, int32_t nb, const int64_t *bshape, const int64_t *as, const int64_t *bs, int64_t M,
              int64_t N, int64_t K, const char *a, int64_t ars, int64_t acs, const char *b, int64_t brs, int64_t bcs,
              char *c);
int tn__bgemm(tn_dtype dt, int32_t nb, const int64_t *bshape, const int64_t *as, const int64_t *bs, int64_t M,
              int64_t N, int64_t K, const char *a, int64_t ars, int64_t acs, const char *b, int64_t brs, int64_t bcs,
              char *c) {
  return bgemm(dt, nb, bshape, as, bs, M, N, K, (mat_ref){a, ars, acs}, (mat_ref){b, brs, bcs}, c, BF16_BMM, false);
}

/* ------------------------------------------------------------------------------------------ */
/* Norms. Terms |x|^p are formed in the input's precision (so that float32 squares overflow and
 * underflow where PyTorch's do) and summed in double, far more accurately than PyTorch's float
 * accumulators; a sum past the dtype's range gives inf, as it does in PyTorch. */

typedef enum { NORM_P1, NORM_P2, NORM_PGEN, NORM_MAX, NORM_MIN, NORM_ZERO } norm_mode;

typedef struct {
  norm_mode mode;
  double p;
  float pf;
  double s;  /* sums (and the count of non-zeros) */
  double m;  /* max / min of |x| */
} norm_acc;

static inline float half_round(float v) { return tn_half_to_float(tn_float_to_half(v)); }

/* One inner run of n elements, byte stride bs. LOAD gives the element as T2 (float or double); the
 * TERM macros form |x|^p in the dtype's precision. */
#define TN_NORM_RUN(NAME, T, T2, LOAD, SQ, POWT)                                                 \
  static void NAME(norm_acc *st, const char *p, int64_t n, int64_t bs) {                         \
    switch (st->mode) {                                                                          \
    case NORM_P2: {                                                                              \
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;                                                     \
      int64_t i = 0;                                                                             \
      for (; i + 4 <= n; i += 4) {                                                               \
        T2 x0 = LOAD(p + i * bs), x1 = LOAD(p + (i + 1) * bs), x2 = LOAD(p + (i + 2) * bs),      \
           x3 = LOAD(p + (i + 3) * bs);                                                          \
        s0 += SQ(x0);                                                                            \
        s1 += SQ(x1);                                                                            \
        s2 += SQ(x2);                                                                            \
        s3 += SQ(x3);                                                                            \
      }                                                                                          \
      for (; i < n; i++) {                                                                       \
        T2 x = LOAD(p + i * bs);                                                                 \
        s0 += SQ(x);                                                                             \
      }                                                                                          \
      st->s += (s0 + s1) + (s2 + s3);                                                            \
      break;                                                                                     \
    }                                                                                            \
    case NORM_P1: {                                                                              \
      double s0 = 0, s1 = 0;                                                                     \
      int64_t i = 0;                                                                             \
      for (; i + 2 <= n; i += 2) {                                                               \
        s0 += fabs((double)LOAD(p + i * bs));                                                    \
        s1 += fabs((double)LOAD(p + (i + 1) * bs));                                              \
      }                                                                                          \
      for (; i < n; i++) s0 += fabs((double)LOAD(p + i * bs));                                   \
      st->s += s0 + s1;                                                                          \
      break;                                                                                     \
    }                                                                                            \
    case NORM_PGEN: {                                                                            \
      double s = 0;                                                                              \
      for (int64_t i = 0; i < n; i++) {                                                          \
        T2 x = LOAD(p + i * bs);                                                                 \
        s += POWT(x, st);                                                                        \
      }                                                                                          \
      st->s += s;                                                                                \
      break;                                                                                     \
    }                                                                                            \
    case NORM_MAX:                                                                               \
      for (int64_t i = 0; i < n; i++) {                                                          \
        double a = fabs((double)LOAD(p + i * bs));                                               \
        if (a > st->m || isnan(a)) st->m = isnan(st->m) ? st->m : a;                             \
      }                                                                                          \
      break;                                                                                     \
    case NORM_MIN:                                                                               \
      for (int64_t i = 0; i < n; i++) {                                                          \
        double a = fabs((double)LOAD(p + i * bs));                                               \
        if (a < st->m || isnan(a)) st->m = isnan(st->m) ? st->m : a;                             \
      }                                                                                          \
      break;                                                                                     \
    case NORM_ZERO:                                                                              \
      for (int64_t i = 0; i < n; i++) st->s += LOAD(p + i * bs) != 0;                            \
      break;                                                                                     \
    }                                                                                            \
  }

static inline float ld_f32(const char *p) { float v; memcpy(&v, p, 4); return v; }
static inline double ld_f64(const char *p) { double v; memcpy(&v, p, 8); return v; }
static inline float ld_f16(const char *p) { uint16_t v; memcpy(&v, p, 2); return tn_half_to_float(v); }
static inline float ld_bf16(const char *p) { uint16_t v; memcpy(&v, p, 2); return tn_bfloat16_to_float(v); }
#define SQ_F32(x) ((double)((x) * (x)))
#define SQ_F64(x) ((x) * (x))
#define SQ_F16(x) ((double)half_round((x) * (x)))
#define POW_F32(x, st) ((double)powf(fabsf(x), (st)->pf))
#define POW_F64(x, st) pow(fabs(x), (st)->p)
#define POW_F16(x, st) ((double)half_round(powf(fabsf(x), (st)->pf)))
TN_NORM_RUN(norm_run_f32, float, float, ld_f32, SQ_F32, POW_F32)
TN_NORM_RUN(norm_run_f64, double, double, ld_f64, SQ_F64, POW_F64)
TN_NORM_RUN(norm_run_f16, uint16_t, float, ld_f16, SQ_F16, POW_F16)
TN_NORM_RUN(norm_run_bf16, uint16_t, float, ld_bf16, SQ_F32, POW_F32)
#undef TN_NORM_RUN

/* The common case, a float32 2-norm over contiguous memory: eight independent lanes the compiler
 * can vectorise (squares in float, sums in double, as in norm_run_f32). */
static void norm_p2_f32_contig(norm_acc *st, const char *p, int64_t n, int64_t bs) {
  (void)bs;
  const float *x = (const float *)(const void *)p;
  double acc[8] = {0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; l++) acc[l] += (double)(x[i + l] * x[i + l]);
  double s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < n; i++) s += (double)(x[i] * x[i]);
  st->s += s;
}

static double norm_finish(const norm_acc *st, tn_dtype dt) {
  double s = st->s;
  /* the sum as PyTorch's accumulator of the dtype holds it: past the largest value (once rounded) is inf */
  if (dt != TN_DTYPE_FLOAT64 && (st->mode == NORM_P1 || st->mode == NORM_P2 || st->mode == NORM_PGEN)) {
    unsigned char tmp[8];
    tn__store_double(tmp, dt, s);
    if (isinf(tn__load_double(tmp, dt))) s = INFINITY;
  }
  switch (st->mode) {
  case NORM_P1: return s;
  case NORM_P2: return sqrt(s);
  case NORM_PGEN: return pow(s, 1.0 / st->p);
  case NORM_MAX:
  case NORM_MIN: return st->m;
  case NORM_ZERO: return s;
  }
  return s;
}

/* Reduce t over the dims in mask with the given mode; the output has t's dtype and the kept dims
 * (size 1 at reduced dims when keepdim). */
static tn_tensor *norm_reduce(const tn_tensor *t, double ord, uint32_t mask, bool keepdim, double empty_value) {
  TN__CUDA_VIA_HOST1(t, norm_reduce(t, ord, mask, keepdim, empty_value));
  norm_acc proto = {.p = ord, .pf = (float)ord};
  if (ord == 2) proto.mode = NORM_P2;
  else if (ord == 1) proto.mode = NORM_P1;
  else if (ord == INFINITY) proto.mode = NORM_MAX;
  else if (ord == -INFINITY) proto.mode = NORM_MIN;
  else if (ord == 0) proto.mode = NORM_ZERO;
  else proto.mode = NORM_PGEN;
  proto.m = proto.mode == NORM_MIN ? INFINITY : 0;
  int64_t oshape[TN_MAX_DIMS];
  int32_t on = 0, nk = 0, nr = 0;
  int64_t kshape[TN_MAX_DIMS], kstride[TN_MAX_DIMS], rshape[TN_MAX_DIMS], rstride[TN_MAX_DIMS];
  for (int32_t d = 0; d < t->ndim; d++) {
    if (mask & (1u << d)) {
      if (keepdim) oshape[on++] = 1;
      if (t->shape[d] != 1) {
        rshape[nr] = t->shape[d];
        rstride[nr++] = t->strides[d];
      }
    } else {
      oshape[on++] = t->shape[d];
      kshape[nk] = t->shape[d];
      kstride[nk++] = t->strides[d];
    }
  }
  tn_tensor *out = tn__new(on, oshape, t->dtype);
  if (!out) return NULL;
  if (out->numel == 0) return out;
  if (t->numel == 0) {
    unsigned char v[8];
    size_t es = tn__dtype_traits[t->dtype].size;
    tn__store_double(v, t->dtype, empty_value);
    for (int64_t i = 0; i < out->numel; i++) memcpy(tn__data(out) + (size_t)i * es, v, es);
    return out;
  }
  /* reduced dims: largest stride outermost, merged where they are contiguous with each other */
  for (int32_t i = 1; i < nr; i++)
    for (int32_t j = i; j > 0 && llabs(rstride[j - 1]) < llabs(rstride[j]); j--) {
      int64_t s = rstride[j], z = rshape[j];
      rstride[j] = rstride[j - 1];
      rshape[j] = rshape[j - 1];
      rstride[j - 1] = s;
      rshape[j - 1] = z;
    }
  int32_t m = 0;
  for (int32_t i = 0; i < nr; i++) {
    if (m > 0 && rstride[m - 1] == rstride[i] * rshape[i]) {
      rshape[m - 1] *= rshape[i];
      rstride[m - 1] = rstride[i];
    } else {
      rshape[m] = rshape[i];
      rstride[m++] = rstride[i];
    }
  }
  nr = m;
  if (nr == 0) {
    rshape[0] = 1;
    rstride[0] = 0;
    nr = 1;
  }
  void (*run)(norm_acc *, const char *, int64_t, int64_t);
  if (t->dtype == TN_DTYPE_FLOAT32 && proto.mode == NORM_P2 && rstride[nr - 1] == 1) run = norm_p2_f32_contig;
  else switch (t->dtype) {
  case TN_DTYPE_FLOAT16: run = norm_run_f16; break;
  case TN_DTYPE_BFLOAT16: run = norm_run_bf16; break;
  case TN_DTYPE_FLOAT32: run = norm_run_f32; break;
  default: run = norm_run_f64; break;
  }
  int64_t es = (int64_t)tn__dtype_traits[t->dtype].size;
  size_t oes = (size_t)es;
  int64_t kidx[TN_MAX_DIMS] = {0};
  const char *kbase = tn__data(t);
  for (int64_t o = 0; o < out->numel; o++) {
    norm_acc st = proto;
    int64_t ridx[TN_MAX_DIMS] = {0};
    const char *p = kbase;
    int64_t inner = rshape[nr - 1], istride = rstride[nr - 1] * es;
    for (;;) {
      run(&st, p, inner, istride);
      int32_t d = nr - 2;
      for (; d >= 0; d--) {
        p += rstride[d] * es;
        if (++ridx[d] < rshape[d]) break;
        p -= rstride[d] * rshape[d] * es;
        ridx[d] = 0;
      }
      if (d < 0) break;
    }
    tn__store_double(tn__data(out) + (size_t)o * oes, t->dtype, norm_finish(&st, t->dtype));
    for (int32_t d = nk - 1; d >= 0; d--) {
      kbase += kstride[d] * es;
      if (++kidx[d] < kshape[d]) break;
      kbase -= kstride[d] * kshape[d] * es;
      kidx[d] = 0;
    }
  }
  return out;
}

/* Wrap and check a dim list into a bit mask; ndims == 0 means every dim. */
static int dims_mask(const tn_tensor *t, int32_t ndims, const int64_t *dims, uint32_t *mask) {
  *mask = 0;
  if (ndims == 0 || !dims) {
    *mask = t->ndim ? (uint32_t)((1ull << t->ndim) - 1) : 0;
    return 0;
  }
  for (int32_t i = 0; i < ndims; i++) {
    int64_t d = tn_wrap_dim(dims[i], t->ndim);
    if (d < 0) return -1;
    if (t->ndim == 0) continue;
    if (*mask & (1u << d))
      return tn__errorf(TN_ERROR_RUNTIME, "dim %lld appears multiple times in the list of dims", (long long)d);
    *mask |= 1u << d;
  }
  return 0;
}

static void fmt_ord(char *buf, size_t n, double ord) { snprintf(buf, n, "%g", ord); }

tn_tensor *tn_linalg_vector_norm(const tn_tensor *t, double ord, int32_t ndims, const int64_t *dims, bool keepdim) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("vector_norm", t, ndims, dims, keepdim, TN_DTYPE_UNDEFINED, 0, ord);
  if (!t) return tn__error(TN_ERROR_TYPE, "linalg_vector_norm(): argument 'input' must be Tensor, not NoneType");
  if (!tn_dtype_is_floating(t->dtype))
    return tn__error(TN_ERROR_RUNTIME, "linalg.vector_norm: Expected a floating point or complex tensor as input. Got %s",
                     tn__scalar_type_name(t->dtype));
  uint32_t mask;
  if (dims_mask(t, ndims, dims, &mask) < 0) return NULL;
  if (isnan(ord)) ord = NAN;
  if ((ord < 0 || ord == INFINITY) && t->numel == 0) {
    char o[32];
    fmt_ord(o, sizeof o, ord);
    if (ndims == 0 || !dims)
      return tn__error(TN_ERROR_RUNTIME,
                       "linalg.vector_norm cannot compute the %s norm on an empty tensor because the operation does "
                       "not have an identity",
                       o);
    for (int32_t d = 0; d < t->ndim; d++)
      if ((mask & (1u << d)) && t->shape[d] == 0)
        return tn__error(TN_ERROR_RUNTIME,
                         "linalg.vector_norm cannot compute the %s norm on the dimension %d"
                         "because this dimension is empty and the operation does not have an identity",
                         o, d);
  }
  return norm_reduce(t, ord, mask, keepdim, 0.0);
}

tn_tensor *tn_norm(const tn_tensor *t, double p, int32_t ndims, const int64_t *dims, bool keepdim) {
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_reduce("norm", t, ndims, dims, keepdim, TN_DTYPE_UNDEFINED, 0, p);
  if (!t) return tn__error(TN_ERROR_TYPE, "norm(): argument 'input' must be Tensor, not NoneType");
  if (!tn_dtype_is_floating(t->dtype))
    return tn__error(TN_ERROR_RUNTIME, "norm(): input dtype should be either floating point or complex. Got %s instead.",
                     tn__scalar_type_name(t->dtype));
  uint32_t mask;
  if (dims_mask(t, ndims, dims, &mask) < 0) return NULL;
  /* at::norm fills an empty reduction with zeros, whatever the order */
  return norm_reduce(t, p, mask, keepdim, 0.0);
}

/* ----- matrix norms ----- */

/* The singular values of every matrix over the last two dims of a (batch..., m, n) float tensor
 * view, reduced per matrix by max (sel 1), min (sel -1) or sum (sel 0). */
static int svd_reduce(const tn_tensor *t, int32_t d0, int32_t d1, int sel, bool keepdim, tn_tensor **result) {
  if (tn__is_cuda(t)) { /* LAPACK on a host view; the result to t's device */
    tn_tensor *h;
    tn_device dev;
    *result = NULL;
    if (tn__cuda_host_args(1, &t, &h, &dev) < 0) return -1;
    int rc = svd_reduce(h, d0, d1, sel, keepdim, result);
    tn__cuda_host_done(1, &h, NULL, dev);
    return tn__cuda_host_results(rc, dev, 1, result);
  }
  int64_t m = t->shape[d0], n = t->shape[d1], k = m < n ? m : n;
  int64_t bshape[TN_MAX_DIMS], bstride[TN_MAX_DIMS], oshape[TN_MAX_DIMS];
  int32_t nb = 0, on = 0;
  for (int32_t d = 0; d < t->ndim; d++) {
    if (d == d0 || d == d1) {
      if (keepdim) oshape[on++] = 1;
      continue;
    }
    oshape[on++] = t->shape[d];
    bshape[nb] = t->shape[d];
    bstride[nb++] = t->strides[d];
  }
  tn_tensor *out = tn__new(on, oshape, t->dtype);
  if (!out) return -1;
  if (keepdim) {
    /* PyTorch unsqueezes the batch-shaped result twice and permutes: the kept dims get stride 1 */
    out->strides[d0] = out->strides[d1] = 1;
  }
  *result = out;
  if (out->numel == 0) return 0;
  bool f32 = t->dtype == TN_DTYPE_FLOAT32;
  if (k == 0) {
    if (sel != 0) {
      tn_release(out);
      return tn__errorf(TN_ERROR_INDEX, "%s(): Expected reduction dim -1 to have non-zero size.", sel > 0 ? "amax" : "amin");
    }
    memset(tn__data(out), 0, (size_t)out->numel * tn__dtype_traits[t->dtype].size);
    return 0;
  }
  if (!fits_blas(m) || !fits_blas(n) || !fits_blas(m * n)) {
    tn_release(out);
    return tn__errorf(TN_ERROR_RUNTIME, "linalg.svd: matrix too large");
  }
  blasint bm = (blasint)m, bn = (blasint)n, lda = (blasint)m, one = 1, info = 0, lwork = -1;
  double *a = malloc((size_t)(m * n) * sizeof *a), *s = malloc((size_t)k * sizeof *s);
  float *af = (float *)a, *sf = (float *)s;
  blasint *iwork = malloc((size_t)(8 * k) * sizeof *iwork);
  double wq = 0;
  float wqf = 0;
  if (f32) sgesdd_("N", &bm, &bn, af, &lda, sf, NULL, &one, NULL, &one, &wqf, &lwork, iwork, &info);
  else dgesdd_("N", &bm, &bn, a, &lda, s, NULL, &one, NULL, &one, &wq, &lwork, iwork, &info);
  lwork = (blasint)(f32 ? wqf : wq) + 1;
  double *work = malloc((size_t)lwork * sizeof *work);
  if (!a || !s || !iwork || !work) {
    free(a), free(s), free(iwork), free(work);
    tn_release(out);
    *result = NULL;
    tn__error_alloc((size_t)(m * n) * sizeof *a);
    return -1;
  }
  int64_t es = (int64_t)tn__dtype_traits[t->dtype].size, rs = t->strides[d0], cs = t->strides[d1];
  int64_t idx[TN_MAX_DIMS] = {0};
  const char *base = tn__data(t);
  for (int64_t o = 0; o < out->numel; o++) {
    /* column-major copy (gesdd overwrites it) */
    for (int64_t j = 0; j < n; j++)
      for (int64_t i = 0; i < m; i++) {
        const char *src = base + (i * rs + j * cs) * es;
        if (f32) memcpy(&af[j * m + i], src, 4);
        else memcpy(&a[j * m + i], src, 8);
      }
    /* LAPACK reports no convergence for NaN input under PyTorch's build; ours may not, so check */
    bool has_nan = false;
    for (int64_t i = 0; i < m * n && !has_nan; i++) has_nan = f32 ? isnan(af[i]) : isnan(a[i]);
    info = 0;
    if (!has_nan) {
      if (f32) sgesdd_("N", &bm, &bn, af, &lda, sf, NULL, &one, NULL, &one, (float *)work, &lwork, iwork, &info);
      else dgesdd_("N", &bm, &bn, a, &lda, s, NULL, &one, NULL, &one, work, &lwork, iwork, &info);
    }
    double r = 0;
    if (has_nan) info = 1;
    if (info > 0) {
      free(a), free(s), free(iwork), free(work);
      tn_release(out);
      *result = NULL;
      char batch[64] = "";
      if (t->ndim > 2) snprintf(batch, sizeof batch, "(Batch element %lld): ", (long long)o);
      return tn__errorf(TN_ERROR_RUNTIME,
                        "linalg.svd: %sThe algorithm failed to converge because the input matrix contained non-finite "
                        "values.",
                        batch);
    } else {
      /* singular values come sorted, largest first */
      if (sel > 0) r = f32 ? sf[0] : s[0];
      else if (sel < 0) r = f32 ? sf[k - 1] : s[k - 1];
      else
        for (int64_t i = 0; i < k; i++) r += f32 ? sf[i] : s[i];
    }
    tn__store_double(tn__data(out) + o * es, t->dtype, r);
    for (int32_t d = nb - 1; d >= 0; d--) {
      base += bstride[d] * es;
      if (++idx[d] < bshape[d]) break;
      base -= bstride[d] * bshape[d] * es;
      idx[d] = 0;
    }
  }
  free(a), free(s), free(iwork), free(work);
  return 0;
}

/* U (batch..., m, k), S (batch..., k), Vh (batch..., k, n) of every matrix over t's last two dims
 * (LAPACK gesdd, jobz 'S', in float64), in t's dtype: what the singular-value norms differentiate
 * through. */
int tn__svd_uv(const tn_tensor *t, tn_tensor **U, tn_tensor **S, tn_tensor **Vh);
int tn__svd_uv(const tn_tensor *t, tn_tensor **U, tn_tensor **S, tn_tensor **Vh) {
  *U = *S = *Vh = NULL;
  if (tn__is_cuda(t)) { /* LAPACK on a host view; the results to t's device */
    tn_tensor *h, *res[3] = {NULL, NULL, NULL};
    tn_device dev;
    if (tn__cuda_host_args(1, &t, &h, &dev) < 0) return -1;
    int rc = tn__svd_uv(h, &res[0], &res[1], &res[2]);
    tn__cuda_host_done(1, &h, NULL, dev);
    rc = tn__cuda_host_results(rc, dev, 3, res);
    *U = res[0], *S = res[1], *Vh = res[2];
    return rc;
  }
  int32_t nd = t->ndim;
  int64_t m = t->shape[nd - 2], n = t->shape[nd - 1], k = m < n ? m : n;
  int64_t sh[TN_MAX_DIMS];
  memcpy(sh, t->shape, sizeof(int64_t) * (size_t)nd);
  sh[nd - 1] = k;
  *U = tn__new(nd, sh, t->dtype);
  sh[nd - 2] = k;
  sh[nd - 1] = n;
  *Vh = tn__new(nd, sh, t->dtype);
  memcpy(sh, t->shape, sizeof(int64_t) * (size_t)nd);
  sh[nd - 2] = k;
  *S = tn__new(nd - 1, sh, t->dtype);
  tn_tensor *c = tn_contiguous(t);
  double *a = NULL, *s = NULL, *u = NULL, *vt = NULL, *work = NULL;
  blasint *iwork = NULL;
  int rc = -1;
  if (!*U || !*Vh || !*S || !c) goto done;
  int64_t nb = k ? (*S)->numel / k : 0;
  if (nb == 0 || k == 0) {
    rc = 0;
    goto done;
  }
  if (!fits_blas(m) || !fits_blas(n) || !fits_blas(m * n)) {
    tn__errorf(TN_ERROR_RUNTIME, "linalg.svd: matrix too large");
    goto done;
  }
  blasint bm = (blasint)m, bn = (blasint)n, bk = (blasint)k, info = 0, lwork = -1;
  double wq = 0;
  a = malloc((size_t)(m * n) * sizeof *a);
  s = malloc((size_t)k * sizeof *s);
  u = malloc((size_t)(m * k) * sizeof *u);
  vt = malloc((size_t)(k * n) * sizeof *vt);
  iwork = malloc((size_t)(8 * k) * sizeof *iwork);
  if (!a || !s || !u || !vt || !iwork) {
    tn__error_alloc((size_t)(m * n) * sizeof *a);
    goto done;
  }
  dgesdd_("S", &bm, &bn, a, &bm, s, u, &bm, vt, &bk, &wq, &lwork, iwork, &info);
  lwork = (blasint)wq + 1;
  work = malloc((size_t)lwork * sizeof *work);
  if (!work) {
    tn__error_alloc((size_t)lwork * sizeof *work);
    goto done;
  }
  size_t es = tn__dtype_traits[t->dtype].size;
  for (int64_t b = 0; b < nb; b++) {
    const char *src = tn__data(c) + (size_t)(b * m * n) * es;
    bool bad = false;
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) {
        double v = tn__load_double(src + (size_t)(i * n + j) * es, t->dtype);
        bad = bad || !isfinite(v);
        a[j * m + i] = v;
      }
    info = 0;
    if (!bad) dgesdd_("S", &bm, &bn, a, &bm, s, u, &bm, vt, &bk, work, &lwork, iwork, &info);
    if (bad || info > 0) {
      char batch[64] = "";
      if (nd > 2) snprintf(batch, sizeof batch, "(Batch element %lld): ", (long long)b);
      tn__errorf(TN_ERROR_RUNTIME,
                 "linalg.svd: %sThe algorithm failed to converge because the input matrix contained non-finite "
                 "values.",
                 batch);
      goto done;
    }
    char *po = tn__data(*U) + (size_t)(b * m * k) * es, *ps = tn__data(*S) + (size_t)(b * k) * es;
    char *pv = tn__data(*Vh) + (size_t)(b * k * n) * es;
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < k; j++) tn__store_double(po + (size_t)(i * k + j) * es, t->dtype, u[j * m + i]);
    for (int64_t i = 0; i < k; i++) tn__store_double(ps + (size_t)i * es, t->dtype, s[i]);
    for (int64_t i = 0; i < k; i++)
      for (int64_t j = 0; j < n; j++) tn__store_double(pv + (size_t)(i * n + j) * es, t->dtype, vt[j * k + i]);
  }
  rc = 0;
done:
  free(a), free(s), free(u), free(vt), free(work), free(iwork);
  tn_release(c);
  if (rc < 0) {
    tn_release(*U), tn_release(*S), tn_release(*Vh);
    *U = *S = *Vh = NULL;
  }
  return rc;
}

/* ----- symmetric eigenvalues: torch.linalg.eigh / eigvalsh ----- */

/* PyTorch's apply_lapack_eigh: each matrix copied column-major, LAPACK syevd in the matrix's own
 * precision with the workspace its query asks for, uplo 'L' (or 'U') naming the triangle read.
 * Eigenvalues ascending; with vectors, column j of each matrix of *vectors belongs to eigenvalue j. */
int tn__linalg_eigh(const tn_tensor *A, bool upper, bool want_vectors, tn_tensor **values, tn_tensor **vectors);
int tn__linalg_eigh(const tn_tensor *A, bool upper, bool want_vectors, tn_tensor **values, tn_tensor **vectors) {
  *values = NULL;
  if (vectors) *vectors = NULL;
  if (tn__is_cuda(A)) { /* LAPACK on a host view; the results to A's device */
    tn_tensor *h, *res[2] = {NULL, NULL};
    tn_device dev;
    if (tn__cuda_host_args(1, &A, &h, &dev) < 0) return -1;
    int rc = tn__linalg_eigh(h, upper, want_vectors, &res[0], vectors ? &res[1] : NULL);
    tn__cuda_host_done(1, &h, NULL, dev);
    rc = tn__cuda_host_results(rc, dev, 2, res);
    *values = res[0];
    if (vectors) *vectors = res[1];
    return rc;
  }
  if (A->ndim < 2) return tn__errorf(TN_ERROR_RUNTIME, "linalg.eigh: The input tensor A must have at least 2 dimensions.");
  int32_t nd = A->ndim;
  int64_t n = A->shape[nd - 1];
  if (A->shape[nd - 2] != n)
    return tn__errorf(TN_ERROR_RUNTIME, "linalg.eigh: A must be batches of square matrices, but they are %lld by %lld matrices",
                      (long long)A->shape[nd - 2], (long long)n);
  if (A->dtype != TN_DTYPE_FLOAT32 && A->dtype != TN_DTYPE_FLOAT64) {
    tn__errorf(TN_ERROR_RUNTIME, "\"linalg_eigh_cpu\" not implemented for '%s'", tn__scalar_type_name(A->dtype));
    return -1;
  }
  if (!fits_blas(n) || !fits_blas(n * n)) return tn__errorf(TN_ERROR_RUNTIME, "linalg.eigh: matrix too large");
  bool f32 = A->dtype == TN_DTYPE_FLOAT32;
  size_t es = f32 ? 4 : 8;
  *values = tn__new(nd - 1, A->shape, A->dtype);
  tn_tensor *c = tn_contiguous(A);
  if (want_vectors && vectors) *vectors = tn__new(nd, A->shape, A->dtype);
  char *a = NULL, *work = NULL;
  blasint *iwork = NULL;
  int rc = -1;
  if (!*values || !c || (want_vectors && vectors && !*vectors)) goto done;
  int64_t nb = n ? (*values)->numel / n : 0;
  if (nb == 0 || n == 0) {
    rc = 0;
    goto done;
  }
  char jobz = want_vectors ? 'V' : 'N', uplo = upper ? 'U' : 'L';
  blasint bn = (blasint)n, lwork = -1, liwork = -1, iwq = 0, info = 0;
  double dq = 0;
  float fq = 0;
  a = malloc((size_t)(n * n) * es);
  if (!a) {
    tn__error_alloc((size_t)(n * n) * es);
    goto done;
  }
  /* the workspace query, then max(1, what it asked) */
  if (f32)
    ssyevd_(&jobz, &uplo, &bn, (float *)a, &bn, (float *)tn__data(*values), &fq, &lwork, &iwq, &liwork, &info);
  else
    dsyevd_(&jobz, &uplo, &bn, (double *)a, &bn, (double *)tn__data(*values), &dq, &lwork, &iwq, &liwork, &info);
  lwork = (blasint)(f32 ? fq : dq);
  if (lwork < 1) lwork = 1;
  liwork = iwq < 1 ? 1 : iwq;
  work = malloc((size_t)lwork * es);
  iwork = malloc((size_t)liwork * sizeof *iwork);
  if (!work || !iwork) {
    tn__error_alloc((size_t)lwork * es);
    goto done;
  }
  for (int64_t b = 0; b < nb; b++) {
    const char *src = tn__data(c) + (size_t)(b * n * n) * es;
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++) memcpy(a + (size_t)(j * n + i) * es, src + (size_t)(i * n + j) * es, es);
    char *w = tn__data(*values) + (size_t)(b * n) * es;
    info = 0;
    if (f32)
      ssyevd_(&jobz, &uplo, &bn, (float *)a, &bn, (float *)w, (float *)work, &lwork, iwork, &liwork, &info);
    else
      dsyevd_(&jobz, &uplo, &bn, (double *)a, &bn, (double *)w, (double *)work, &lwork, iwork, &liwork, &info);
    if (info > 0) {
      char batch[64] = "";
      if (nd > 2) snprintf(batch, sizeof batch, "(Batch element %lld): ", (long long)b);
      tn__errorf(TN_ERROR_RUNTIME,
                 "linalg.eigh: %sThe algorithm failed to converge because the input matrix is ill-conditioned or has "
                 "too many repeated eigenvalues (error code: %d).",
                 batch, (int)info);
      goto done;
    }
    if (want_vectors && vectors) {
      char *dst = tn__data(*vectors) + (size_t)(b * n * n) * es;
      for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) memcpy(dst + (size_t)(i * n + j) * es, a + (size_t)(j * n + i) * es, es);
    }
  }
  rc = 0;
done:
  free(a), free(work), free(iwork);
  tn_release(c);
  if (rc < 0) {
    tn_release(*values);
    *values = NULL;
    if (vectors) {
      tn_release(*vectors);
      *vectors = NULL;
    }
  }
  return rc;
}

/* linalg.matrix_norm's checks of A and dim (dim wrapped into d[2]). */
static int matrix_norm_checks(const tn_tensor *t, int32_t ndims, const int64_t *dims, bool low_precision_ok,
                              int64_t d[2]) {
  if (t->ndim < 2)
    return tn__errorf(TN_ERROR_RUNTIME, "linalg.matrix_norm: The input tensor A must have at least 2 dimensions.");
  if (!tn_dtype_is_floating(t->dtype))
    return tn__errorf(TN_ERROR_RUNTIME,
                      "linalg.matrix_norm: Expected a floating point or complex tensor as input. Got %s",
                      tn__scalar_type_name(t->dtype));
  if (!low_precision_ok && (t->dtype == TN_DTYPE_FLOAT16 || t->dtype == TN_DTYPE_BFLOAT16))
    return tn__errorf(TN_ERROR_RUNTIME, "linalg.matrix_norm: Low precision dtypes not supported. Got %s",
                      tn__scalar_type_name(t->dtype));
  if (ndims != 2) {
    char buf[256] = "";
    size_t len = 0;
    for (int32_t i = 0; i < ndims && len < 200; i++)
      len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%lld", i ? " " : "", (long long)dims[i]);
    return tn__errorf(TN_ERROR_RUNTIME, "linalg.matrix_norm: dim must be a 2-tuple. Got %s", buf);
  }
  for (int i = 0; i < 2; i++)
    if ((d[i] = tn_wrap_dim(dims[i], t->ndim)) < 0) return -1;
  if (d[0] == d[1])
    return tn__errorf(TN_ERROR_RUNTIME, "linalg.matrix_norm: dims must be different. Got (%lld, %lld)",
                      (long long)d[0], (long long)d[1]);
  return 0;
}

/* nn.c: the 2 / -2 / nuclear norms with autodiff, through the singular values (sel: 1 max, -1 min,
 * 0 sum) of the matrices over dims d0, d1. */
tn_tensor *tn__ag_svd_norm(const tn_tensor *t, int sel, int64_t d0, int64_t d1, bool keepdim);

static tn_tensor *matrix_norm_num(const tn_tensor *t, double ord, int32_t ndims, const int64_t *dims, bool keepdim) {
  double a = fabs(ord);
  if (!(a == 2 || a == 1 || a == INFINITY)) {
    char o[32];
    fmt_ord(o, sizeof o, ord);
    return tn__error(TN_ERROR_RUNTIME, "linalg.matrix_norm: Order %s not supported.", o);
  }
  int64_t d[2];
  if (matrix_norm_checks(t, ndims, dims, a != 2, d) < 0) return NULL;
  if (a == 2 && tn__ag_wants(t, NULL, NULL)) return tn__ag_svd_norm(t, ord > 0 ? 1 : -1, d[0], d[1], keepdim);
  if (a != 2 && tn__ag_wants(t, NULL, NULL)) {
    /* ATen's composition, each op recording its node: amax/amin(vector_norm(A, 1, dim0), dim1) */
    if (a == INFINITY) {
      int64_t sw = d[0];
      d[0] = d[1];
      d[1] = sw;
    }
    if (!keepdim && d[0] < d[1]) d[1]--;
    tn_tensor *sums = tn_linalg_vector_norm(t, 1.0, 1, &d[0], keepdim);
    if (!sums) return NULL;
    tn_tensor *r = ord > 0 ? tn_amax(sums, 1, &d[1], keepdim) : tn_amin(sums, 1, &d[1], keepdim);
    tn_release(sums);
    return r;
  }
  if (a == 2) {
    tn_tensor *r = NULL;
    if (svd_reduce(t, (int32_t)d[0], (int32_t)d[1], ord > 0 ? 1 : -1, keepdim, &r) < 0) return NULL;
    return r;
  }
  /* the 1-norm sums over rows then takes the max over columns; inf is the 1-norm of the transpose */
  if (a == INFINITY) {
    int64_t s = d[0];
    d[0] = d[1];
    d[1] = s;
  }
  if (!keepdim && d[0] < d[1]) d[1]--;
  tn_tensor *sums = norm_reduce(t, 1, 1u << d[0], keepdim, 0.0);
  if (!sums) return NULL;
  if (sums->shape[d[1]] == 0) {
    tn_release(sums);
    return tn__error(TN_ERROR_INDEX, "%s(): Expected reduction dim %lld to have non-zero size.",
                     ord > 0 ? "amax" : "amin", (long long)d[1]);
  }
  tn_tensor *r = norm_reduce(sums, ord > 0 ? INFINITY : -INFINITY, 1u << d[1], keepdim, 0.0);
  tn_release(sums);
  return r;
}

static tn_tensor *matrix_norm_str(const tn_tensor *t, const char *ord, int32_t ndims, const int64_t *dims,
                                  bool keepdim) {
  bool fro = strcmp(ord, "fro") == 0, nuc = strcmp(ord, "nuc") == 0;
  if (!fro && !nuc) return tn__error(TN_ERROR_RUNTIME, "linalg.matrix_norm: Order %s not supported.", ord);
  int64_t d[2];
  if (matrix_norm_checks(t, ndims, dims, fro, d) < 0) return NULL;
  if (fro) return norm_reduce(t, 2, (1u << d[0]) | (1u << d[1]), keepdim, 0.0);
  if (tn__ag_wants(t, NULL, NULL)) return tn__ag_svd_norm(t, 0, d[0], d[1], keepdim);
  tn_tensor *r = NULL;
  if (svd_reduce(t, (int32_t)d[0], (int32_t)d[1], 0, keepdim, &r) < 0) return NULL;
  return r;
}

tn_tensor *tn_linalg_norm(const tn_tensor *t, bool has_ord, double ord, const char *ord_str, int32_t ndims,
                          const int64_t *dims, bool keepdim) {
  if (!t) return tn__error(TN_ERROR_TYPE, "linalg_norm(): argument 'input' must be Tensor, not NoneType");
  bool has_dim = ndims > 0 && dims;
  bool any_ord = has_ord || ord_str;
  if (has_dim) {
    if (ndims != 1 && ndims != 2) {
      char buf[256];
      size_t len = 0;
      for (int32_t i = 0; i < ndims && len < 200; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%lld", i ? ", " : "", (long long)dims[i]);
      buf[len] = 0;
      return tn__error(TN_ERROR_RUNTIME, "linalg.norm: If dim is specified, it must be of length 1 or 2. Got [%s]", buf);
    }
  } else if (any_ord && t->ndim != 1 && t->ndim != 2) {
    return tn__error(TN_ERROR_RUNTIME,
                     "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got %dD.", t->ndim);
  }
  static const int64_t last2[2] = {-2, -1};
  if (ord_str && !strcmp(ord_str, "fro") && tn__ag_wants(t, NULL, NULL))
    return tn__ag_reduce("fro", t, has_dim ? ndims : 2, has_dim ? dims : last2, keepdim, TN_DTYPE_UNDEFINED, 0, 2.0);
  if (ord_str) {
    if (has_dim) return matrix_norm_str(t, ord_str, ndims, dims, keepdim);
    return matrix_norm_str(t, ord_str, 2, last2, keepdim);
  }
  if (has_ord && ((has_dim && ndims == 2) || (!has_dim && t->ndim == 2))) {
    static const int64_t first2[2] = {0, 1};
    return matrix_norm_num(t, ord, 2, has_dim ? dims : first2, keepdim);
  }
  return tn_linalg_vector_norm(t, has_ord ? ord : 2.0, has_dim ? ndims : 0, has_dim ? dims : NULL, keepdim);
}

/* ------------------------------------------------------------------------------------------ */
/* linalg.solve: LU of each of A's matrices (getrf), then getrs for each broadcast batch. */

tn_tensor *tn__ag_solve(const tn_tensor *A, const tn_tensor *B);

tn_tensor *tn_linalg_solve(const tn_tensor *A, const tn_tensor *B) {
  if (!A || !B) return tn__error(TN_ERROR_TYPE, "linalg_solve(): argument is None");
  if (tn__ag_wants(A, B, NULL)) return tn__ag_solve(A, B);
  TN__CUDA_VIA_HOST2(A, B, tn_linalg_solve(A, B));
  if (!tn_dtype_is_floating(A->dtype))
    return tn__error(TN_ERROR_RUNTIME, "linalg.solve: Expected a floating point or complex tensor as input. Got %s",
                     tn__scalar_type_name(A->dtype));
  if (A->dtype != B->dtype)
    return tn__error(TN_ERROR_RUNTIME,
                     "linalg.solve: Expected A and B to have the same dtype, but found A of type %s and B of type %s "
                     "instead",
                     tn__scalar_type_name(A->dtype), tn__scalar_type_name(B->dtype));
  /* B is a (batch of) vector(s) when 1-D, or when its shape is A.shape[:-1] */
  bool vec = B->ndim == 1;
  if (!vec && B->ndim == A->ndim - 1 && A->ndim >= 1) {
    vec = true;
    for (int32_t d = 0; d < B->ndim; d++) vec = vec && B->shape[d] == A->shape[d];
  }
  int32_t bnd = B->ndim + (vec ? 1 : 0);
  int64_t bsh[TN_MAX_DIMS + 1], bst[TN_MAX_DIMS + 1];
  memcpy(bsh, B->shape, (size_t)B->ndim * sizeof *bsh);
  memcpy(bst, B->strides, (size_t)B->ndim * sizeof *bst);
  if (vec) {
    bsh[B->ndim] = 1;
    bst[B->ndim] = 1;
  }
  if (A->ndim < 2)
    return tn__error(TN_ERROR_RUNTIME, "linalg.solve: The input tensor A must have at least 2 dimensions.");
  int64_t n = A->shape[A->ndim - 1];
  if (A->shape[A->ndim - 2] != n)
    return tn__error(TN_ERROR_RUNTIME, "linalg.solve: A must be batches of square matrices, but they are %lld by %lld matrices",
                     (long long)A->shape[A->ndim - 2], (long long)n);
  if (bnd < 2) return tn__error(TN_ERROR_RUNTIME, "linalg.solve: The input tensor B must have at least 2 dimensions.");
  int64_t k = bsh[bnd - 1];
  if (bsh[bnd - 2] != n)
    return tn__error(TN_ERROR_RUNTIME, "linalg.solve: Incompatible shapes of A and B for the equation AX = B (%lldx%lld and %lldx%lld)",
                     (long long)n, (long long)n, (long long)bsh[bnd - 2], (long long)k);
  int32_t nba = A->ndim - 2, nbb = bnd - 2, nb;
  int64_t batch[TN_MAX_DIMS];
  if (tn_broadcast_shapes(nbb, bsh, nba, A->shape, &nb, batch) < 0) return NULL;
  if (A->dtype != TN_DTYPE_FLOAT32 && A->dtype != TN_DTYPE_FLOAT64) return not_implemented("lu_cpu", A->dtype);
  /* result: B's broadcast shape (without the vector dim), each matrix column-major */
  int64_t rshape[TN_MAX_DIMS + 1], rstrides[TN_MAX_DIMS + 1];
  int32_t rn = 0;
  for (int32_t d = 0; d < nb; d++) rshape[rn++] = batch[d];
  rshape[rn++] = n;
  if (!vec) rshape[rn++] = k;
  if (rn > TN_MAX_DIMS) return tn__error(TN_ERROR_RUNTIME, "tensors with more than %d dimensions are not supported", TN_MAX_DIMS);
  {
    int64_t acc = 1;
    if (rn >= 2) {
      rstrides[rn - 2] = 1;
      acc = rshape[rn - 2] > 1 ? rshape[rn - 2] : 1;
      rstrides[rn - 1] = acc;
      acc *= rshape[rn - 1] > 1 ? rshape[rn - 1] : 1;
      for (int32_t d = rn - 3; d >= 0; d--) {
        rstrides[d] = acc;
        acc *= rshape[d] > 1 ? rshape[d] : 1;
      }
    } else {
      rstrides[0] = 1;
    }
  }
  tn_tensor *out = tn_empty_strided(rn, rshape, rstrides, TN_OPTS(A->dtype));
  if (!out) return NULL;
  int64_t nbatch_a = 1, nbatch = 1;
  for (int32_t d = 0; d < nba; d++) nbatch_a *= A->shape[d];
  for (int32_t d = 0; d < nb; d++) nbatch *= batch[d];
  if (out->numel == 0 || n == 0 || nbatch_a == 0) {
    if (out->numel) memset(tn__data(out), 0, (size_t)out->numel * tn__dtype_traits[A->dtype].size);
    return out;
  }
  if (!fits_blas(n) || !fits_blas(k) || !fits_blas(n * n) || !fits_blas(n * k)) {
    tn_release(out);
    return tn__error(TN_ERROR_RUNTIME, "linalg.solve: matrix too large");
  }
  bool f32 = A->dtype == TN_DTYPE_FLOAT32;
  size_t es = tn__dtype_traits[A->dtype].size;
  char *lu = malloc((size_t)(nbatch_a * n * n) * es);
  blasint *piv = malloc((size_t)(nbatch_a * n) * sizeof *piv);
  char *x = malloc((size_t)(n * k) * es);
  if (!lu || !piv || !x) {
    free(lu), free(piv), free(x);
    tn_release(out);
    return tn__error_alloc((size_t)(nbatch_a * n * n) * es);
  }
  blasint bn = (blasint)n, bk = (blasint)k, info = 0;
  /* factor each of A's own matrices; the first singular one raises PyTorch's error */
  {
    int64_t idx[TN_MAX_DIMS] = {0};
    const char *base = tn__data(A);
    int64_t rs = A->strides[A->ndim - 2], cs = A->strides[A->ndim - 1];
    for (int64_t b = 0; b < nbatch_a; b++) {
      char *m = lu + (size_t)(b * n * n) * es;
      for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < n; i++)
          memcpy(m + (size_t)(j * n + i) * es, base + (i * rs + j * cs) * (int64_t)es, es);
      if (f32) sgetrf_(&bn, &bn, (float *)m, &bn, piv + b * n, &info);
      else dgetrf_(&bn, &bn, (double *)m, &bn, piv + b * n, &info);
      if (info > 0) {
        free(lu), free(piv), free(x);
        tn_release(out);
        if (A->ndim > 2)
          return tn__error(TN_ERROR_RUNTIME,
                           "torch.linalg.solve: (Batch element %lld): The solver failed because the input matrix is "
                           "singular.",
                           (long long)b);
        return tn__error(TN_ERROR_RUNTIME,
                         "torch.linalg.solve: The solver failed because the input matrix is singular.");
      }
      for (int32_t d = nba - 1; d >= 0; d--) {
        base += A->strides[d] * (int64_t)es;
        if (++idx[d] < A->shape[d]) break;
        base -= A->strides[d] * A->shape[d] * (int64_t)es;
        idx[d] = 0;
      }
    }
  }
  /* solve each broadcast batch with its A's factors */
  int64_t idx[TN_MAX_DIMS] = {0};
  for (int64_t b = 0; b < nbatch; b++) {
    int64_t aoff = 0, boff = 0, ooff = 0, mul = 1;
    for (int32_t d = nb - 1; d >= 0; d--) {
      int32_t da = d - (nb - nba), db = d - (nb - nbb);
      if (da >= 0 && A->shape[da] != 1) aoff += idx[d] * mul;
      if (da >= 0) mul *= A->shape[da];
      if (db >= 0 && bsh[db] != 1) boff += idx[d] * bst[db];
      ooff += idx[d] * out->strides[d];
    }
    const char *bb = tn__data(B) + boff * (int64_t)es;
    int64_t brs = bst[bnd - 2], bcs = bst[bnd - 1];
    for (int64_t j = 0; j < k; j++)
      for (int64_t i = 0; i < n; i++)
        memcpy(x + (size_t)(j * n + i) * es, bb + (i * brs + j * bcs) * (int64_t)es, es);
    const char *m = lu + (size_t)(aoff * n * n) * es;
    if (f32) sgetrs_("N", &bn, &bk, (const float *)m, &bn, piv + aoff * n, (float *)x, &bn, &info);
    else dgetrs_("N", &bn, &bk, (const double *)m, &bn, piv + aoff * n, (double *)x, &bn, &info);
    char *ob = tn__data(out) + ooff * (int64_t)es;
    int64_t ors = out->strides[rn - (vec ? 1 : 2)], ocs = vec ? 0 : out->strides[rn - 1];
    for (int64_t j = 0; j < k; j++)
      for (int64_t i = 0; i < n; i++) memcpy(ob + (i * ors + j * ocs) * (int64_t)es, x + (size_t)(j * n + i) * es, es);
    for (int32_t d = nb - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  free(lu), free(piv), free(x);
  return out;
}
