/* einsum.c — torch.einsum, following PyTorch 1.13's algorithm (aten/src/ATen/native/Linear.cpp)
 * step for step, so that errors, result dtypes and result strides are PyTorch's: every operand is
 * aligned to the same dims (output labels, then contracted ones) by a strided view (repeated labels
 * become diagonals), then operands are contracted left to right, each pair by sumproduct_pair (a
 * batched product through linalg.c's kernel, or an elementwise product when nothing is summed). */
#include "tn-internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

/* linalg.c's batched product kernel */
int tn__bgemm(tn_dtype dt, int32_t nb, const int64_t *bshape, const int64_t *as, const int64_t *bs, int64_t M,
              int64_t N, int64_t K, const char *a, int64_t ars, int64_t acs, const char *b, int64_t brs, int64_t bcs,
              char *c);

enum { NUM_LETTERS = 26, TOTAL_LABELS = 52, ELLIPSIS = 52 };

static int label_to_subscript(char c) { return isupper((unsigned char)c) ? c - 'A' : c - 'a' + NUM_LETTERS; }
static char subscript_to_label(int s) { return (char)(s < NUM_LETTERS ? s + 'A' : s - NUM_LETTERS + 'a'); }


/* ----- sum over a set of dims (at::sum: integers and bool sum to int64) ----- */

static tn_tensor *sum_over(const tn_tensor *t, const bool *reduce, bool keepdim) {
  tn_dtype odt = tn_dtype_is_floating(t->dtype) ? t->dtype : TN_DTYPE_INT64;
  int64_t oshape[TN_MAX_DIMS], kshape[TN_MAX_DIMS], kstride[TN_MAX_DIMS], rshape[TN_MAX_DIMS], rstride[TN_MAX_DIMS];
  int32_t on = 0, nk = 0, nr = 0;
  for (int32_t d = 0; d < t->ndim; d++) {
    if (reduce[d]) {
      if (keepdim) oshape[on++] = 1;
      rshape[nr] = t->shape[d];
      rstride[nr++] = t->strides[d];
    } else {
      oshape[on++] = t->shape[d];
      kshape[nk] = t->shape[d];
      kstride[nk++] = t->strides[d];
    }
  }
  tn_tensor *out = tn__new(on, oshape, odt);
  if (!out) return NULL;
  int64_t rn = 1;
  for (int32_t d = 0; d < nr; d++) rn *= rshape[d];
  bool fl = tn_dtype_is_floating(t->dtype);
  int64_t es = (int64_t)tn__dtype_traits[t->dtype].size, oes = (int64_t)tn__dtype_traits[odt].size;
  int64_t kidx[TN_MAX_DIMS] = {0};
  const char *kbase = tn__data(t);
  for (int64_t o = 0; o < out->numel; o++) {
    double sd = 0;
    uint64_t si = 0;
    int64_t ridx[TN_MAX_DIMS] = {0};
    const char *p = kbase;
    for (int64_t r = 0; r < rn; r++) {
      if (fl) sd += tn__load_double(p, t->dtype);
      else si += (uint64_t)tn__load_int64(p, t->dtype);
      for (int32_t d = nr - 1; d >= 0; d--) {
        p += rstride[d] * es;
        if (++ridx[d] < rshape[d]) break;
        p -= rstride[d] * rshape[d] * es;
        ridx[d] = 0;
      }
    }
    char *dst = tn__data(out) + o * oes;
    if (fl) tn__store_double(dst, odt, sd);
    else tn__store_int64(dst, odt, (int64_t)si);
    for (int32_t d = nk - 1; d >= 0; d--) {
      kbase += kstride[d] * es;
      if (++kidx[d] < kshape[d]) break;
      kbase -= kstride[d] * kshape[d] * es;
      kidx[d] = 0;
    }
  }
  return out;
}

/* ----- elementwise product with broadcasting (at::mul of same-dtype operands) ----- */

#define TN_MUL_LOOP(NAME, T, EXPR)                                                   \
  static void NAME(void *ctx, int64_t n, char **data, const int64_t *s) {           \
    (void)ctx;                                                                       \
    for (int64_t i = 0; i < n; i++) {                                                \
      T x, y, r;                                                                     \
      memcpy(&x, data[1] + i * s[1], sizeof x);                                      \
      memcpy(&y, data[2] + i * s[2], sizeof y);                                      \
      r = EXPR;                                                                      \
      memcpy(data[0] + i * s[0], &r, sizeof r);                                      \
    }                                                                                \
  }
TN_MUL_LOOP(mul_bool, uint8_t, (uint8_t)(x && y))
TN_MUL_LOOP(mul_u8, uint8_t, (uint8_t)((uint32_t)x * (uint32_t)y))
TN_MUL_LOOP(mul_i8, int8_t, (int8_t)(uint8_t)((uint32_t)(int32_t)x * (uint32_t)(int32_t)y))
TN_MUL_LOOP(mul_i16, int16_t, (int16_t)(uint16_t)((uint32_t)(int32_t)x * (uint32_t)(int32_t)y))
TN_MUL_LOOP(mul_i32, int32_t, (int32_t)((uint32_t)x * (uint32_t)y))
TN_MUL_LOOP(mul_i64, int64_t, (int64_t)((uint64_t)x * (uint64_t)y))
TN_MUL_LOOP(mul_f16, uint16_t, tn_float_to_half(tn_half_to_float(x) * tn_half_to_float(y)))
TN_MUL_LOOP(mul_bf16, uint16_t, tn_float_to_bfloat16(tn_bfloat16_to_float(x) * tn_bfloat16_to_float(y)))
TN_MUL_LOOP(mul_f32, float, x * y)
TN_MUL_LOOP(mul_f64, double, x * y)
#undef TN_MUL_LOOP

/* Also torch.outer's product (linalg.c). */
tn_tensor *tn__linalg_mul(const tn_tensor *a, const tn_tensor *b);
tn_tensor *tn__linalg_mul(const tn_tensor *a, const tn_tensor *b) {
  tn_dtype dt = tn_promote_types(a->dtype, b->dtype);
  int64_t shape[TN_MAX_DIMS];
  for (int32_t d = 0; d < a->ndim; d++) shape[d] = a->shape[d] == 1 ? b->shape[d] : a->shape[d];
  tn_tensor *ca = tn_to_dtype(a, dt, false), *cb = ca ? tn_to_dtype(b, dt, false) : NULL;
  tn_tensor *out = cb ? tn__new(a->ndim, shape, dt) : NULL;
  if (out) {
    static tn__loop_fn const loops[TN_DTYPE_COUNT] = {mul_bool, mul_u8,  mul_i8,   mul_i16, mul_i32,
                                                      mul_i64,  mul_f16, mul_bf16, mul_f32, mul_f64};
    const tn_tensor *ops[3] = {out, ca, cb};
    tn__iter it;
    tn__iter_init(&it, out->ndim, out->shape, 3, ops);
    tn__iter_run(&it, loops[dt], NULL);
  }
  tn_release(ca);
  tn_release(cb);
  return out;
}

/* ----- sumproduct_pair(left, right, sum_dims, keepdim=true) ----- */

/* Collapse the dims idx[0..n) of t (in that order) into one (size, stride); false if they do not
 * form a single strided run. Size-1 dims are skipped. */
static bool collapse(const tn_tensor *t, const int32_t *idx, int32_t n, int64_t *size, int64_t *stride) {
  int64_t sz = 1, st = 1;
  bool any = false, ok = true;
  for (int32_t i = n - 1; i >= 0; i--) {
    int32_t d = idx[i];
    if (t->shape[d] == 1) continue;
    if (!any) {
      st = t->strides[d];
      any = true;
    } else if (t->strides[d] != st * sz) {
      ok = false;
    }
    sz *= t->shape[d];
  }
  *size = sz;
  *stride = st;
  return ok || sz == 0;
}

/* t permuted to the dim order idx, copied to contiguous memory: the fallback when dims do not collapse. */
static tn_tensor *permuted_copy(const tn_tensor *t, const int32_t *idx, int32_t n) {
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  for (int32_t i = 0; i < n; i++) {
    shape[i] = t->shape[idx[i]];
    strides[i] = t->strides[idx[i]];
  }
  tn_tensor *v = tn__new_view(t, n, shape, strides, t->offset);
  if (!v) return NULL;
  tn_tensor *c = tn__new(n, shape, t->dtype);
  if (c && tn__copy_raw(c, v) < 0) {
    tn_release(c);
    c = NULL;
  }
  tn_release(v);
  return c;
}

/* The three groups of an operand as (size, stride) each, copying the operand when needed. */
static int groups3(const tn_tensor *t, const int32_t *g[3], const int32_t n[3], int64_t size[3], int64_t stride[3],
                   tn_tensor **keep) {
  *keep = NULL;
  bool ok = true;
  for (int k = 0; k < 3 && ok; k++) ok = collapse(t, g[k], n[k], &size[k], &stride[k]);
  if (ok) return 0;
  int32_t all[TN_MAX_DIMS], m = 0;
  for (int k = 0; k < 3; k++)
    for (int32_t i = 0; i < n[k]; i++) all[m++] = g[k][i];
  tn_tensor *c = permuted_copy(t, all, m);
  if (!c) return -1;
  int32_t idx[TN_MAX_DIMS];
  for (int32_t i = 0; i < m; i++) idx[i] = i;
  int32_t off = 0;
  for (int k = 0; k < 3; k++) {
    collapse(c, idx + off, n[k], &size[k], &stride[k]);
    off += n[k];
  }
  *keep = c;
  return 0;
}

static tn_tensor *sumproduct_pair(tn_tensor *left, tn_tensor *right, const bool *sum_dims, int32_t nsum) {
  int32_t dim = left->ndim;
  if (nsum == 0) return tn__linalg_mul(left, right);
  int32_t lro[TN_MAX_DIMS], lo[TN_MAX_DIMS], ro[TN_MAX_DIMS], sd[TN_MAX_DIMS];
  int32_t nlro = 0, nlo = 0, nro = 0, nsd = 0;
  tn_tensor *l = tn_retain(left), *r = tn_retain(right);
  for (int32_t i = 0; i < dim; i++) {
    bool sl = l->shape[i] != 1, sr = r->shape[i] != 1;
    if (sum_dims[i]) {
      sd[nsd++] = i;
      if (sl && !sr) { /* only in one: sum it right away */
        bool red[TN_MAX_DIMS] = {0};
        red[i] = true;
        tn_tensor *s = sum_over(l, red, true);
        tn_release(l);
        if (!(l = s)) goto fail;
      } else if (sr && !sl) {
        bool red[TN_MAX_DIMS] = {0};
        red[i] = true;
        tn_tensor *s = sum_over(r, red, true);
        tn_release(r);
        if (!(r = s)) goto fail;
      }
    } else if (sl && sr) {
      lro[nlro++] = i;
    } else if (sl) {
      lo[nlo++] = i;
    } else {
      ro[nro++] = i;
    }
  }
  if (l->dtype != r->dtype) {
    tn__error(TN_ERROR_RUNTIME, "expected scalar type %s but found %s", tn__scalar_type_name(l->dtype), tn__scalar_type_name(r->dtype));
    goto fail;
  }
  /* output: a (lro, lo, summed 1s, ro) contiguous block, permuted back to the original dim order */
  int64_t oshape[TN_MAX_DIMS];
  int32_t operm[TN_MAX_DIMS], on = 0;
  for (int32_t i = 0; i < nlro; i++) operm[lro[i]] = on, oshape[on++] = l->shape[lro[i]];
  for (int32_t i = 0; i < nlo; i++) operm[lo[i]] = on, oshape[on++] = l->shape[lo[i]];
  for (int32_t i = 0; i < nsd; i++) operm[sd[i]] = on, oshape[on++] = 1;
  for (int32_t i = 0; i < nro; i++) operm[ro[i]] = on, oshape[on++] = r->shape[ro[i]];
  tn_tensor *block = tn__new(on, oshape, l->dtype);
  if (!block) goto fail;
  int64_t ksize = 1;
  for (int32_t i = 0; i < nsd; i++) ksize *= l->shape[sd[i]] != 1 ? l->shape[sd[i]] : r->shape[sd[i]];
  if (block->numel != 0 && ksize != 0 && (l->dtype == TN_DTYPE_FLOAT16 || l->dtype == TN_DTYPE_BOOL)) {
    tn__error(TN_ERROR_RUNTIME, "\"bmm\" not implemented for '%s'", tn__scalar_type_name(l->dtype));
    tn_release(block);
    goto fail;
  }
  const int32_t *lg[3] = {lro, lo, sd}, *rg[3] = {lro, sd, ro};
  int32_t ln[3] = {nlro, nlo, nsd}, rn[3] = {nlro, nsd, nro};
  int64_t lsz[3], lst[3], rsz[3], rst[3];
  tn_tensor *lkeep = NULL, *rkeep = NULL;
  if (groups3(l, lg, ln, lsz, lst, &lkeep) < 0 || groups3(r, rg, rn, rsz, rst, &rkeep) < 0) {
    tn_release(lkeep);
    tn_release(block);
    goto fail;
  }
  const tn_tensor *lt = lkeep ? lkeep : l, *rt = rkeep ? rkeep : r;
  int64_t bsz = lsz[0];
  int rc = tn__bgemm(l->dtype, 1, &bsz, &lst[0], &rst[0], lsz[1], rsz[2], ksize, tn__data(lt), lst[1], lst[2],
                     tn__data(rt), rst[1], rst[2], tn__data(block));
  tn_release(lkeep);
  tn_release(rkeep);
  tn_release(l);
  tn_release(r);
  if (rc < 0) {
    tn_release(block);
    return NULL;
  }
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  for (int32_t i = 0; i < dim; i++) {
    shape[i] = block->shape[operm[i]];
    strides[i] = block->strides[operm[i]];
  }
  tn_tensor *res = tn__new_view(block, dim, shape, strides, block->offset);
  tn_release(block);
  return res;
fail:
  tn_release(l);
  tn_release(r);
  return NULL;
}

/* ----- einsum ----- */

/* CUDA operands: on host views of them (tn-internal.h). */
static tn_tensor *einsum_host(int32_t n, tn_tensor *const *host, void *ctx) { return tn_einsum(ctx, n, host); }

tn_tensor *tn_einsum(const char *equation, int32_t num_ops, tn_tensor *const *operands) {
  if (!equation || num_ops <= 0 || !operands)
    return tn__error(TN_ERROR_VALUE, "einsum(): must specify the equation string and at least one operand, or at "
                                     "least one operand and its subscripts list");
  for (int32_t i = 0; i < num_ops; i++)
    if (!operands[i]) return tn__error(TN_ERROR_TYPE, "einsum(): operands must be tensors");
  for (int32_t i = 0; i < num_ops; i++)
    if (tn__ag_wants(operands[i], NULL, NULL)) return tn__ag_einsum(equation, num_ops, operands);
  if (tn__cuda_in_list(num_ops, operands)) return tn__cuda_via_host_list(num_ops, operands, einsum_host, (void *)equation);
  size_t eqlen = strlen(equation);
  const char *arrow = strstr(equation, "->");
  size_t lhs_len = arrow ? (size_t)(arrow - equation) : eqlen;
  enum { MAX_LABELS = 64 };
  int32_t *nlab = calloc((size_t)num_ops, sizeof *nlab);
  uint8_t(*op_labels)[MAX_LABELS] = calloc((size_t)num_ops, sizeof *op_labels);
  tn_tensor **ops = calloc((size_t)num_ops, sizeof *ops);
  tn_tensor *result = NULL;
  if (!nlab || !op_labels || !ops) {
    tn__error_alloc((size_t)num_ops * 80);
    goto done;
  }
  bool found_ell = false;
  int32_t curr = 0;
  for (size_t i = 0; i < lhs_len; i++) {
    unsigned char c = (unsigned char)equation[i];
    if (c == ' ') continue;
    if (c == '.') {
      if (found_ell) {
        tn__error(TN_ERROR_RUNTIME, "einsum(): found '.' for operand %d for which an ellipsis was already found", curr);
        goto done;
      }
      if (!(i + 2 < lhs_len && equation[i + 1] == '.' && equation[i + 2] == '.')) {
        tn__error(TN_ERROR_RUNTIME, "einsum(): found '.' for operand %d that is not part of any ellipsis", curr);
        goto done;
      }
      i += 2;
      if (nlab[curr] >= MAX_LABELS) goto too_many;
      op_labels[curr][nlab[curr]++] = ELLIPSIS;
      found_ell = true;
    } else if (c == ',') {
      if (++curr >= num_ops) {
        tn__error(TN_ERROR_RUNTIME, "einsum(): fewer operands were provided than specified in the equation");
        goto done;
      }
      found_ell = false;
    } else {
      if (!isalpha(c) || c > 127) {
        tn__error(TN_ERROR_RUNTIME,
                  "einsum(): invalid subscript given at index %zu in the equation string, subscripts must be in [a-zA-Z]", i);
        goto done;
      }
      if (nlab[curr] >= MAX_LABELS) goto too_many;
      op_labels[curr][nlab[curr]++] = (uint8_t)label_to_subscript((char)c);
    }
  }
  if (curr != num_ops - 1) {
    tn__error(TN_ERROR_RUNTIME, "einsum(): more operands were provided than specified in the equation");
    goto done;
  }
  int64_t label_count[TOTAL_LABELS] = {0};
  int32_t ell_num_dim = 0;
  for (int32_t i = 0; i < num_ops; i++) {
    int32_t nl = nlab[i], nd = operands[i]->ndim;
    bool has_ell = false;
    for (int32_t k = 0; k < nlab[i]; k++) {
      if (op_labels[i][k] == ELLIPSIS) {
        nl--;
        has_ell = true;
      } else {
        label_count[op_labels[i][k]]++;
      }
    }
    if (has_ell && nd - nl > ell_num_dim) ell_num_dim = nd - nl;
    if (has_ell ? nl > nd : nl != nd) {
      tn__error(TN_ERROR_RUNTIME,
                "einsum(): the number of subscripts in the equation (%d) %s the number of dimensions (%d) for operand %d%s",
                nl, has_ell ? "is more than" : "does not match", nd, i, has_ell ? "" : " and no ellipsis was given");
      goto done;
    }
  }
  int32_t label_perm_index[TOTAL_LABELS];
  for (int k = 0; k < TOTAL_LABELS; k++) label_perm_index[k] = -1;
  int32_t perm_index = 0, ell_index = 0;
  found_ell = false;
  if (!arrow) {
    /* implicit output: the ellipsis dims, then the labels seen once, in [A-Za-z] order */
    perm_index = ell_num_dim;
    found_ell = true;
    for (int k = 0; k < TOTAL_LABELS; k++)
      if (label_count[k] == 1) label_perm_index[k] = perm_index++;
  } else {
    const char *rhs = arrow + 2;
    size_t rhs_len = strlen(rhs);
    for (size_t i = 0; i < rhs_len; i++) {
      unsigned char c = (unsigned char)rhs[i];
      if (c == ' ') continue;
      if (c == '.') {
        if (found_ell) {
          tn__error(TN_ERROR_RUNTIME, "einsum(): found '.' for output but an ellipsis (...) was already found");
          goto done;
        }
        if (!(i + 2 < rhs_len && rhs[i + 1] == '.' && rhs[i + 2] == '.')) {
          tn__error(TN_ERROR_RUNTIME, "einsum(): found '.' for output that is not part of any ellipsis (...)");
          goto done;
        }
        i += 2;
        ell_index = perm_index;
        perm_index += ell_num_dim;
        found_ell = true;
      } else {
        if (!isalpha(c) || c > 127) {
          tn__error(TN_ERROR_RUNTIME,
                    "einsum(): invalid subscript given at index %zu in the equation string, subscripts must be in [a-zA-Z]",
                    lhs_len + 2 + i);
          goto done;
        }
        int s = label_to_subscript((char)c);
        if (!(label_count[s] > 0 && label_perm_index[s] == -1)) {
          tn__error(TN_ERROR_RUNTIME, "einsum(): output subscript %c%s", c,
                    label_perm_index[s] > -1 ? " appears more than once in the output"
                                             : " does not appear in the equation for any input operand");
          goto done;
        }
        label_perm_index[s] = perm_index++;
      }
    }
  }
  const int32_t out_size = perm_index;
  if (!found_ell) {
    ell_index = perm_index;
    perm_index += ell_num_dim;
  }
  for (int k = 0; k < TOTAL_LABELS; k++)
    if (label_count[k] > 0 && label_perm_index[k] == -1) label_perm_index[k] = perm_index++;
  if (perm_index > TN_MAX_DIMS) {
    tn__error(TN_ERROR_RUNTIME, "einsum(): too many dimensions (%d); at most %d are supported", perm_index, TN_MAX_DIMS);
    goto done;
  }

  /* check sizes, take diagonals, and align every operand to the perm_index dims */
  int64_t label_size[TOTAL_LABELS], ell_sizes[TN_MAX_DIMS];
  uint64_t dim_counts[TN_MAX_DIMS] = {0};
  for (int k = 0; k < TOTAL_LABELS; k++) label_size[k] = 1;
  for (int k = 0; k < TN_MAX_DIMS; k++) ell_sizes[k] = 1;
  for (int32_t i = 0; i < num_ops; i++) {
    const tn_tensor *op = operands[i];
    int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
    int32_t from[TN_MAX_DIMS]; /* which operand dim each aligned dim came from, -1: none */
    for (int32_t k = 0; k < perm_index; k++) {
      shape[k] = 1;
      strides[k] = 1;
      from[k] = -1;
    }
    int32_t dim = 0;
    for (int32_t k = 0; k < nlab[i]; k++) {
      int s = op_labels[i][k];
      if (s == ELLIPSIS) {
        int32_t nd = op->ndim - (nlab[i] - 1);
        for (int32_t j = ell_num_dim - nd; j < ell_num_dim; j++) {
          if (op->shape[dim] != 1) {
            if (!(ell_sizes[j] == 1 || ell_sizes[j] == op->shape[dim])) {
              tn__error(TN_ERROR_RUNTIME,
                        "einsum(): dimension %d covered by ellipsis in operand %dhas size %lld which does not broadcast "
                        "with previously seen ellipsis with size %lld for the respective dimension",
                        dim, i, (long long)op->shape[dim], (long long)ell_sizes[j]);
              goto done;
            }
            ell_sizes[j] = op->shape[dim];
            dim_counts[ell_index + j]++;
          }
          shape[ell_index + j] = op->shape[dim];
          strides[ell_index + j] = op->strides[dim];
          from[ell_index + j] = dim++;
        }
      } else if (from[label_perm_index[s]] == -1) {
        int32_t p = label_perm_index[s];
        if (op->shape[dim] != 1) {
          if (!(label_size[s] == 1 || label_size[s] == op->shape[dim])) {
            tn__error(TN_ERROR_RUNTIME,
                      "einsum(): subscript %c has size %lld for operand %d which does not broadcast with previously "
                      "seen size %lld",
                      subscript_to_label(s), (long long)op->shape[dim], i, (long long)label_size[s]);
            goto done;
          }
          label_size[s] = op->shape[dim];
          dim_counts[p]++;
        }
        shape[p] = op->shape[dim];
        strides[p] = op->strides[dim];
        from[p] = dim++;
      } else {
        /* a repeated label: the diagonal, one dim whose stride is the sum of both */
        int32_t p = label_perm_index[s], prev = from[p];
        if (op->shape[dim] != op->shape[prev]) {
          tn__error(TN_ERROR_RUNTIME, "einsum(): subscript %c is repeated for operand %d but the sizes don't match, %lld != %lld",
                    subscript_to_label(s), i, (long long)op->shape[dim], (long long)op->shape[prev]);
          goto done;
        }
        strides[p] += op->strides[dim];
        dim++;
      }
    }
    if (!(ops[i] = tn__new_view(op, perm_index, shape, strides, op->offset))) goto done;
  }

  /* contract left to right: the pair's result goes to the front */
  tn_tensor *acc = tn_retain(ops[0]);
  for (int32_t i = 1; i < num_ops; i++) {
    tn_tensor *a = acc, *b = tn_retain(ops[i]);
    bool sum[TN_MAX_DIMS] = {0}, asum[TN_MAX_DIMS] = {0}, bsum[TN_MAX_DIMS] = {0};
    int32_t nsum = 0, nas = 0, nbs = 0;
    for (int32_t d = out_size; d < perm_index; d++) {
      if (a->shape[d] != 1 && b->shape[d] != 1) {
        if (--dim_counts[d] == 1) {
          sum[d] = true;
          nsum++;
          dim_counts[d] = 0;
        }
      } else if (dim_counts[d] == 1) {
        if (a->shape[d] != 1) {
          asum[d] = true;
          nas++;
          dim_counts[d] = 0;
        } else if (b->shape[d] != 1) {
          bsum[d] = true;
          nbs++;
          dim_counts[d] = 0;
        }
      }
    }
    if (nas) {
      tn_tensor *s = sum_over(a, asum, true);
      tn_release(a);
      a = s;
    }
    if (nbs) {
      tn_tensor *s = sum_over(b, bsum, true);
      tn_release(b);
      b = s;
    }
    acc = a && b ? sumproduct_pair(a, b, sum, nsum) : NULL;
    tn_release(a);
    tn_release(b);
    if (!acc) goto done;
  }
  if (perm_index - out_size > 0) {
    if (num_ops > 1) {
      /* the contracted dims are all size 1 now: drop them */
      result = tn__new_view(acc, out_size, acc->shape, acc->strides, acc->offset);
    } else {
      bool red[TN_MAX_DIMS] = {0};
      for (int32_t d = out_size; d < perm_index; d++) red[d] = true;
      result = sum_over(acc, red, false);
    }
    tn_release(acc);
  } else {
    result = acc;
  }
  goto done;
too_many:
  tn__error(TN_ERROR_RUNTIME, "einsum(): too many subscripts for one operand");
done:
  if (ops)
    for (int32_t i = 0; i < num_ops; i++) tn_release(ops[i]);
  free(ops);
  free(op_labels);
  free(nlab);
  return result;
}
