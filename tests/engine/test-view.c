/* test-view.c — views and shape operations against PyTorch (tests/golden/view.txt, written by
 * gen_view.py): the geometry of every result (shape, strides, storage offset, contiguity, whether it
 * shares the input's storage), the values of copies, and every error message, on many layouts
 * (contiguous, transposed, stepped, expanded, 0-dim, empty) and every dtype. Plus the semantics the
 * records cannot show: writes through views, view_base, version counters, split/chunk pieces. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "golden-tensors.h"
#include "golden.h"
#include "tn.h"

static golden_file *golden;

/* ----- running one recorded operation ----- */

typedef struct {
  int rc; /* 0 ok, -1 error */
  int32_t n;
  tn_tensor *r[64];
} results;

static void one(results *res, tn_tensor *t) {
  res->rc = t ? 0 : -1;
  res->n = t ? 1 : 0;
  res->r[0] = t;
}

static void many(results *res, int rc, tn_tensor **parts, int32_t n) {
  res->rc = rc;
  res->n = 0;
  if (rc < 0) return;
  g_assert_cmpint(n, <=, 64);
  for (int32_t i = 0; i < n; i++) res->r[i] = parts[i];
  res->n = n;
  free(parts);
}

static void run_op(const tn_tensor *x, const char *op, results *res) {
  char **tok = g_strsplit(op, " ", -1);
  int32_t na = (int32_t)g_strv_length(tok) - 1;
  const char *name = tok[0];
  int64_t a[32];
  for (int32_t i = 0; i < na && i < 32; i++) a[i] = strcmp(tok[i + 1], "None") == 0 ? 0 : g_ascii_strtoll(tok[i + 1], NULL, 10);
  tn_error_clear();
  if (strcmp(name, "view") == 0) one(res, tn_view(x, na, a));
  else if (strcmp(name, "reshape") == 0) one(res, tn_reshape(x, na, a));
  else if (strcmp(name, "view_dtype") == 0) one(res, tn_view_dtype(x, tn_dtype_from_name(tok[1])));
  else if (strcmp(name, "t") == 0) one(res, tn_t(x));
  else if (strcmp(name, "transpose") == 0) one(res, tn_transpose(x, a[0], a[1]));
  else if (strcmp(name, "permute") == 0) one(res, tn_permute(x, na, a));
  else if (strcmp(name, "flatten") == 0) one(res, tn_flatten(x, a[0], a[1]));
  else if (strcmp(name, "unflatten") == 0) one(res, tn_unflatten(x, a[0], na - 1, a + 1));
  else if (strcmp(name, "squeeze") == 0) one(res, tn_squeeze(x));
  else if (strcmp(name, "squeeze_dim") == 0) one(res, tn_squeeze_dim(x, a[0]));
  else if (strcmp(name, "unsqueeze") == 0) one(res, tn_unsqueeze(x, a[0]));
  else if (strcmp(name, "expand") == 0) one(res, tn_expand(x, na, a));
  else if (strcmp(name, "broadcast_to") == 0) one(res, tn_broadcast_to(x, na, a));
  else if (strcmp(name, "select") == 0) one(res, tn_select(x, a[0], a[1]));
  else if (strcmp(name, "slice") == 0)
    one(res, tn_slice(x, a[0], strcmp(tok[2], "None") != 0, a[1], strcmp(tok[3], "None") != 0, a[2], a[3]));
  else if (strcmp(name, "narrow") == 0) one(res, tn_narrow(x, a[0], a[1], a[2]));
  else if (strcmp(name, "diagonal") == 0) one(res, tn_diagonal(x, a[0], a[1], a[2]));
  else if (strcmp(name, "repeat") == 0) one(res, tn_repeat(x, na, a));
  else if (strcmp(name, "split") == 0 || strcmp(name, "chunk") == 0) {
    tn_tensor **parts = NULL;
    int32_t n = 0;
    int rc = name[0] == 's' ? tn_split(x, a[0], a[1], &parts, &n) : tn_chunk(x, a[0], a[1], &parts, &n);
    many(res, rc, parts, n);
  } else if (strcmp(name, "as_strided") == 0) {
    int32_t nd = (na - 1) / 2;
    one(res, tn_as_strided(x, nd, a + 1, a + 1 + nd, a[0]));
  } else {
    g_error("unknown op %s", op);
  }
  g_strfreev(tok);
}

/* ----- comparing with a record ----- */

static char *format_shape(int32_t n, const int64_t *v) {
  GString *s = g_string_new("[");
  for (int32_t i = 0; i < n; i++) g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? "," : "", v[i]);
  g_string_append_c(s, ']');
  return g_string_free(s, FALSE);
}

/* NULL when t matches the head and values lines, else what differs. */
static char *check_tensor(const tn_tensor *t, const tn_tensor *storage, const char *head, const char *values) {
  g_autofree char *shape = format_shape(t->ndim, t->shape);
  g_autofree char *strides = format_shape(t->ndim, t->strides);
  bool shares = storage && tn_same_storage(t, storage);
  g_autofree char *got = g_strdup_printf("%s %s %s %" G_GINT64_FORMAT " %d %d", tn_dtype_name(t->dtype), shape, strides,
                                         t->offset, tn_is_contiguous(t) ? 1 : 0, shares ? 1 : 0);
  if (strcmp(got, head) != 0) return g_strdup_printf("expected '%s', got '%s'", head, got);
  if (!*values) return NULL; /* a view: its values follow from the geometry */
  char **vals = g_strsplit(values, " ", -1);
  char *err = NULL;
  if (g_strv_length(vals) != (guint)t->numel) {
    err = g_strdup_printf("expected %u values, tensor has %" G_GINT64_FORMAT, g_strv_length(vals), t->numel);
  } else {
    for (int64_t i = 0; i < t->numel && !err; i++) {
      tn_scalar want = golden_parse_value(vals[i], t->dtype), have = tn_get_flat(t, i);
      bool same = tn_dtype_is_floating(t->dtype) ? (want.v.f == have.v.f || (isnan(want.v.f) && isnan(have.v.f)))
                  : t->dtype == TN_DTYPE_BOOL   ? want.v.b == have.v.b
                                                : want.v.i == have.v.i;
      if (!same) err = g_strdup_printf("value %" G_GINT64_FORMAT " differs (expected %s)", i, vals[i]);
    }
  }
  g_strfreev(vals);
  return err;
}

/* NULL when res matches the record value, else a description of the mismatch. */
static char *check_results(const results *res, const tn_tensor *storage, const char *expected) {
  if (g_str_has_prefix(expected, "ERR ")) {
    if (res->rc == 0) return g_strdup_printf("expected error '%s', got a result", expected + 4);
    g_autofree char *got = g_strdup_printf("%s: %s", tn_error_kind_name(tn_error_kind_last()), tn_error_message());
    if (strcmp(got, expected + 4) != 0) return g_strdup_printf("expected '%s', got '%s'", expected + 4, got);
    return NULL;
  }
  if (res->rc != 0)
    return g_strdup_printf("expected a result, got %s: %s", tn_error_kind_name(tn_error_kind_last()), tn_error_message());
  char **lines = g_strsplit(expected, "\n", -1);
  int32_t n = (int32_t)g_ascii_strtoll(lines[0] + 3, NULL, 10);
  char *err = NULL;
  if (n != res->n) err = g_strdup_printf("expected %d results, got %d", n, res->n);
  for (int32_t i = 0; i < n && !err; i++) {
    char *e = check_tensor(res->r[i], storage, lines[1 + 2 * i], lines[2 + 2 * i]);
    if (e) err = g_strdup_printf("result %d: %s", i, e);
    g_free(e);
  }
  g_strfreev(lines);
  return err;
}

static void release_results(results *res) {
  for (int32_t i = 0; i < res->n; i++) tn_release(res->r[i]);
  res->n = 0;
}

/* Runs every single-input record whose op is `op_name`. */
static void run_records(gconstpointer data) {
  const char *op_name = data;
  size_t checked = 0, failed = 0;
  for (size_t i = 0; i < golden_count(golden); i++) {
    const char *name = golden_name(golden, i);
    const char *bar = strchr(name, '|');
    if (!bar || g_str_has_prefix(name, "multi|")) continue;
    const char *op = bar + 1;
    size_t len = strcspn(op, " ");
    if (strlen(op_name) != len || strncmp(op, op_name, len) != 0) continue;
    g_autofree char *input = g_strndup(name, (gsize)(bar - name));
    tn_tensor *storage = NULL, *x = golden_make_input(golden, input, &storage);
    results res = {0};
    run_op(x, op, &res);
    char *err = check_results(&res, storage, golden_value(golden, i));
    if (err) {
      g_test_message("%s: %s", name, err);
      failed++;
      g_free(err);
    }
    checked++;
    release_results(&res);
    tn_release(x);
    tn_release(storage);
  }
  g_assert_cmpuint(checked, >, 0);
  if (failed) g_error("%s: %zu of %zu records differ (see messages)", op_name, failed, checked);
}

static void test_cat_stack(void) {
  size_t checked = 0, failed = 0;
  for (size_t i = 0; i < golden_count(golden); i++) {
    const char *name = golden_name(golden, i);
    if (!g_str_has_prefix(name, "multi|")) continue;
    char **tok = g_strsplit(name + 6, " ", -1);
    int32_t n = (int32_t)g_strv_length(tok) - 2;
    tn_tensor *ts[8], *storages[8];
    for (int32_t k = 0; k < n; k++) ts[k] = golden_make_input(golden, tok[2 + k], &storages[k]);
    int64_t dim = g_ascii_strtoll(tok[1], NULL, 10);
    tn_error_clear();
    results res = {0};
    one(&res, strcmp(tok[0], "cat") == 0 ? tn_cat(n, ts, dim) : tn_stack(n, ts, dim));
    char *err = check_results(&res, n ? storages[0] : NULL, golden_value(golden, i));
    if (err) {
      g_test_message("%s: %s", name, err);
      failed++;
      g_free(err);
    }
    checked++;
    release_results(&res);
    for (int32_t k = 0; k < n; k++) {
      tn_release(ts[k]);
      tn_release(storages[k]);
    }
    g_strfreev(tok);
  }
  g_assert_cmpuint(checked, >, 40);
  if (failed) g_error("cat/stack: %zu of %zu records differ (see messages)", failed, checked);
}

/* ----- semantics beyond geometry ----- */

static tn_tensor *arange_f32(int64_t n) {
  tn_tensor *t = tn_empty(1, &n, TN_OPTS(TN_DTYPE_FLOAT32));
  for (int64_t i = 0; i < n; i++) tn_set(t, &i, tn_scalar_float((double)i));
  return t;
}

/* Writing through a view changes the base; views record the root as view_base; the version counter
 * is shared. */
static void test_views_share(void) {
  tn_tensor *x = arange_f32(12);
  int64_t shape[] = {3, 4};
  tn_tensor *v = tn_view(x, 2, shape);
  tn_tensor *tt = tn_transpose(v, 0, 1);
  tn_tensor *row = tn_select(tt, 1, 2); /* x[8:12] */
  g_assert_true(tn_same_storage(row, x));
  g_assert_true(row->view_base == x);
  g_assert_true(v->view_base == x);
  int64_t i1 = 1;
  tn_set(row, &i1, tn_scalar_float(-5));
  int64_t i9 = 9;
  g_assert_cmpfloat(tn_get(x, &i9).v.f, ==, -5);
  uint32_t before = tn_version(x);
  tn_tensor *r = tn_fill_(row, tn_scalar_float(1));
  tn_release(r);
  g_assert_cmpuint(tn_version(x), ==, before + 1);
  g_assert_cmpuint(tn_version(v), ==, before + 1);
  tn_release(row);
  tn_release(tt);
  tn_release(v);
  tn_release(x);
}

/* reshape copies exactly when view cannot: the copy is contiguous, not a view, and keeps values. */
static void test_reshape_copy(void) {
  tn_tensor *x = arange_f32(12);
  int64_t shape[] = {3, 4}, flat = -1;
  tn_tensor *v = tn_view(x, 2, shape), *t = tn_t(v);
  tn_tensor *r = tn_reshape(t, 1, &flat);
  g_assert_nonnull(r);
  g_assert_false(tn_same_storage(r, x));
  g_assert_null(r->view_base);
  g_assert_true(tn_is_contiguous(r));
  /* t is [[0,4,8],[1,5,9],...] flattened */
  double want[] = {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11};
  for (int64_t i = 0; i < 12; i++) g_assert_cmpfloat(tn_get_flat(r, i).v.f, ==, want[i]);
  tn_tensor *r2 = tn_reshape(v, 1, &flat);
  g_assert_true(tn_same_storage(r2, x));
  tn_release(r2);
  tn_release(r);
  tn_release(t);
  tn_release(v);
  tn_release(x);
}

/* flatten of one dim and view(dtype) to the same dtype return the tensor itself, as in PyTorch. */
static void test_identity_returns(void) {
  tn_tensor *x = arange_f32(6);
  tn_tensor *f = tn_flatten(x, 0, 0);
  g_assert_true(f == x);
  tn_tensor *d = tn_view_dtype(x, TN_DTYPE_FLOAT32);
  g_assert_true(d == x);
  tn_release(d);
  tn_release(f);
  g_assert_cmpint(x->refcount, ==, 1);
  tn_release(x);
}

/* split/chunk pieces are views at the right offsets; expand_as uses the other's shape. */
static void test_split_expand_as(void) {
  tn_tensor *x = arange_f32(10);
  tn_tensor **parts = NULL;
  int32_t n = 0;
  g_assert_cmpint(tn_split(x, 4, 0, &parts, &n), ==, 0);
  g_assert_cmpint(n, ==, 3);
  g_assert_cmpint(parts[2]->shape[0], ==, 2);
  g_assert_cmpint(parts[2]->offset, ==, 8);
  for (int32_t i = 0; i < n; i++) tn_release(parts[i]);
  free(parts);
  int64_t zero = 0;
  tn_tensor *e = tn_empty(1, &zero, TN_OPTS(TN_DTYPE_FLOAT32));
  g_assert_cmpint(tn_chunk(e, 3, 0, &parts, &n), ==, 0);
  g_assert_cmpint(n, ==, 3);
  for (int32_t i = 0; i < n; i++) tn_release(parts[i]);
  free(parts);
  int64_t shape[] = {4, 10};
  tn_tensor *other = tn_empty(2, shape, TN_OPTS(TN_DTYPE_INT8));
  tn_tensor *ex = tn_expand_as(x, other);
  g_assert_cmpint(ex->ndim, ==, 2);
  g_assert_cmpint(ex->strides[0], ==, 0);
  g_assert_cmpint(ex->strides[1], ==, 1);
  tn_release(ex);
  tn_release(other);
  tn_release(e);
  tn_release(x);
}

/* repeat with 16 dims takes the fallback path (the split view would need 17 dims). */
static void test_repeat_many_dims(void) {
  int64_t shape[TN_MAX_DIMS], reps[TN_MAX_DIMS];
  for (int i = 0; i < TN_MAX_DIMS; i++) {
    shape[i] = 1;
    reps[i] = 1;
  }
  shape[15] = 3;
  shape[14] = 2;
  reps[15] = 2;
  reps[14] = 2;
  reps[0] = 2;
  tn_tensor *x = arange_f32(6);
  tn_tensor *v = tn_view(x, TN_MAX_DIMS, shape);
  tn_tensor *r = tn_repeat(v, TN_MAX_DIMS, reps);
  g_assert_nonnull(r);
  g_assert_cmpint(r->numel, ==, 48);
  /* r[a, 0, ..., i, j] = x[(i % 2) * 3 + j % 3] */
  for (int64_t k = 0; k < 48; k++) {
    int64_t j = k % 6, i = (k / 6) % 4;
    g_assert_cmpfloat(tn_get_flat(r, k).v.f, ==, (double)((i % 2) * 3 + j % 3));
  }
  tn_release(r);
  tn_release(v);
  tn_release(x);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  golden = golden_load("view.txt");
  static const char *const ops[] = {"view", "reshape", "view_dtype", "t", "transpose", "permute", "flatten",
                                    "unflatten", "squeeze", "squeeze_dim", "unsqueeze", "expand", "broadcast_to",
                                    "select", "slice", "narrow", "diagonal", "repeat", "split", "chunk",
                                    "as_strided"};
  for (size_t i = 0; i < G_N_ELEMENTS(ops); i++) {
    g_autofree char *path = g_strdup_printf("/engine/view/%s", ops[i]);
    g_test_add_data_func(path, ops[i], run_records);
  }
  g_test_add_func("/engine/view/cat-stack", test_cat_stack);
  g_test_add_func("/engine/view/views-share-storage", test_views_share);
  g_test_add_func("/engine/view/reshape-copy", test_reshape_copy);
  g_test_add_func("/engine/view/identity-returns", test_identity_returns);
  g_test_add_func("/engine/view/split-expand-as", test_split_expand_as);
  g_test_add_func("/engine/view/repeat-many-dims", test_repeat_many_dims);
  int rc = g_test_run();
  golden_free(golden);
  return rc;
}
