/* test-index.c — t[idx], t[idx] = v, masked_select, index_select, gather and nonzero against
 * PyTorch (tests/golden/index.txt, written by gen_index.py): every index form alone and combined
 * (integers, slices, None, Ellipsis, Python bools, masks, integer tensors broadcast together,
 * adjacent or separated), on many layouts and dtypes, with the result's geometry (basic indexing
 * gives views, advanced indexing copies laid out as TensorIterator lays them out), values, the state
 * after assignment, version counter bumps, and every error message. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "golden-tensors.h"
#include "golden.h"
#include "tn.h"

static golden_file *golden;

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
  if (!*values || strcmp(values, "?") == 0) return NULL; /* a view, or PyTorch's uninitialised memory */
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


/* An index or value tensor from an "itensor" record. */
static tn_tensor *make_itensor(const char *name) {
  g_autofree char *rec = g_strdup_printf("itensor %s", name);
  char **f = g_strsplit(golden_get(golden, rec), "|", 5);
  tn_dtype dt = tn_dtype_from_name(f[0]);
  int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
  int32_t nd = golden_parse_ints(f[1], shape);
  g_assert_cmpint(golden_parse_ints(f[2], strides), ==, nd);
  char **vals = *f[4] ? g_strsplit(f[4], " ", -1) : g_new0(char *, 1);
  int64_t n = g_strv_length(vals);
  tn_tensor *base = tn_empty(1, &n, TN_OPTS(dt));
  for (int64_t i = 0; i < n; i++) tn_set(base, &i, golden_parse_value(vals[i], dt));
  tn_tensor *t = tn_as_strided(base, nd, shape, strides, g_ascii_strtoll(f[3], NULL, 10));
  g_assert_nonnull(t);
  tn_release(base);
  g_strfreev(vals);
  g_strfreev(f);
  return t;
}

/* Parses a SPEC into tn_index entries; tensors created go to owned[]. */
static int32_t parse_spec(const char *spec, tn_index *idx, tn_tensor **owned, int32_t *nowned) {
  char **tok = g_strsplit(spec, ",", -1);
  int32_t n = 0;
  for (char **t = tok; *t; t++, n++) {
    tn_index *ix = &idx[n];
    memset(ix, 0, sizeof *ix);
    const char *s = *t;
    if (strcmp(s, "N") == 0) {
      ix->kind = TN_INDEX_NONE;
    } else if (strcmp(s, "E") == 0) {
      ix->kind = TN_INDEX_ELLIPSIS;
    } else if (strcmp(s, "bT") == 0 || strcmp(s, "bF") == 0) {
      ix->kind = TN_INDEX_BOOL;
      ix->i = s[1] == 'T';
    } else if (s[0] == 'i') {
      ix->kind = TN_INDEX_INT;
      ix->i = g_ascii_strtoll(s + 1, NULL, 10);
    } else if (s[0] == 's') {
      char **p = g_strsplit(s + 1, ":", 3);
      g_assert_cmpuint(g_strv_length(p), >=, 2);
      const char *step = p[2] ? p[2] : "";
      ix->kind = TN_INDEX_SLICE;
      ix->has_start = *p[0] != 0;
      ix->start = g_ascii_strtoll(p[0], NULL, 10);
      ix->has_stop = *p[1] != 0;
      ix->stop = g_ascii_strtoll(p[1], NULL, 10);
      ix->has_step = *step != 0;
      ix->step = g_ascii_strtoll(step, NULL, 10);
      g_strfreev(p);
    } else if (s[0] == 't') {
      ix->kind = TN_INDEX_TENSOR;
      ix->tensor = owned[(*nowned)++] = make_itensor(s + 1);
    } else {
      g_error("bad spec %s", spec);
    }
  }
  g_strfreev(tok);
  return n;
}

static tn_tensor *make_value(const char *v) {
  if (v[0] == 'f') return tn_wrap_scalar(tn_scalar_float(g_ascii_strtod(v + 1, NULL)));
  if (strcmp(v, "bT") == 0 || strcmp(v, "bF") == 0) return tn_wrap_scalar(tn_scalar_bool(v[1] == 'T'));
  if (v[0] == 'i') return tn_wrap_scalar(tn_scalar_int(g_ascii_strtoll(v + 1, NULL, 10)));
  return make_itensor(v + 1);
}

static void report(const char *name, char *err, size_t *failed) {
  if (!err) return;
  g_test_message("%s: %s", name, err);
  (*failed)++;
  g_free(err);
}

/* t[spec] for every "get" record whose input starts with `prefix`. */
static void run_get(gconstpointer data) {
  const char *filter = data; /* "basic", "advanced" or "dtypes" */
  size_t checked = 0, failed = 0;
  for (size_t i = 0; i < golden_count(golden); i++) {
    const char *name = golden_name(golden, i);
    if (!g_str_has_prefix(name, "get ")) continue;
    const char *bar = strchr(name, '|');
    g_autofree char *input = g_strndup(name + 4, (gsize)(bar - name - 4));
    const char *spec = bar + 1;
    bool is_dtypes = !g_str_has_prefix(input, "f32:");
    bool has_tensor = strchr(spec, 't') != NULL;
    if (strcmp(filter, "dtypes") == 0 ? !is_dtypes
        : is_dtypes || (strcmp(filter, "advanced") == 0) != has_tensor)
      continue;
    tn_tensor *storage = NULL, *x = golden_make_input(golden, input, &storage), *owned[16];
    int32_t nowned = 0;
    tn_index idx[16];
    int32_t n = parse_spec(spec, idx, owned, &nowned);
    tn_error_clear();
    results res = {0};
    one(&res, tn_index_get(x, n, idx));
    report(name, check_results(&res, storage, golden_value(golden, i)), &failed);
    checked++;
    release_results(&res);
    for (int32_t k = 0; k < nowned; k++) tn_release(owned[k]);
    tn_release(x);
    tn_release(storage);
  }
  g_assert_cmpuint(checked, >, 50);
  if (failed) g_error("%zu of %zu records differ (see messages)", failed, checked);
}

/* t[spec] = value, then t's state and version counter. */
static void run_put(gconstpointer data) {
  const char *filter = data; /* "scalar" or "tensor" values */
  size_t checked = 0, failed = 0;
  for (size_t i = 0; i < golden_count(golden); i++) {
    const char *name = golden_name(golden, i);
    if (!g_str_has_prefix(name, "put ")) continue;
    char **f = g_strsplit(name + 4, "|", 3);
    if ((f[2][0] == 't') != (strcmp(filter, "tensor") == 0)) {
      g_strfreev(f);
      continue;
    }
    tn_tensor *storage = NULL, *x = golden_make_input(golden, f[0], &storage), *owned[16];
    int32_t nowned = 0;
    tn_index idx[16];
    int32_t n = parse_spec(f[1], idx, owned, &nowned);
    tn_tensor *value = make_value(f[2]);
    uint32_t v0 = tn_version(x);
    tn_error_clear();
    int rc = tn_index_put_(x, n, idx, value);
    /* the record: result lines, then "version D", then x's values */
    const char *rec = golden_value(golden, i);
    const char *ver = strstr(rec, "version ");
    g_assert_nonnull(ver);
    g_autofree char *result_part = g_strndup(rec, (gsize)(ver - rec - 1));
    results res = {.rc = rc, .n = rc == 0, .r = {x}};
    char *err = check_results(&res, storage, result_part);
    if (!err) {
      int64_t dv = g_ascii_strtoll(ver + 8, NULL, 10);
      if ((int64_t)(tn_version(x) - v0) != (dv ? 1 : 0) && !(dv > 1 && tn_version(x) - v0 >= 1))
        err = g_strdup_printf("version bumped by %u, PyTorch by %" G_GINT64_FORMAT, tn_version(x) - v0, dv);
    }
    if (!err) {
      const char *vals = strchr(ver, '\n') + 1;
      g_autofree char *shape = format_shape(x->ndim, x->shape);
      g_autofree char *strides = format_shape(x->ndim, x->strides);
      g_autofree char *head = g_strdup_printf("%s %s %s %" G_GINT64_FORMAT " %d 1", tn_dtype_name(x->dtype), shape,
                                              strides, x->offset, tn_is_contiguous(x) ? 1 : 0);
      /* values as a copy would list them: compare through a detached header */
      err = check_tensor(x, NULL, head, vals);
      if (err && g_str_has_prefix(err, "expected '")) {
        g_free(err);
        g_autofree char *head0 = g_strdup_printf("%s %s %s %" G_GINT64_FORMAT " %d 0", tn_dtype_name(x->dtype), shape,
                                                 strides, x->offset, tn_is_contiguous(x) ? 1 : 0);
        err = check_tensor(x, NULL, head0, vals);
      }
    }
    report(name, err, &failed);
    checked++;
    tn_release(value);
    for (int32_t k = 0; k < nowned; k++) tn_release(owned[k]);
    tn_release(x);
    tn_release(storage);
    g_strfreev(f);
  }
  g_assert_cmpuint(checked, >, 50);
  if (failed) g_error("%zu of %zu records differ (see messages)", failed, checked);
}

static void run_ops(gconstpointer data) {
  const char *op = data;
  g_autofree char *prefix = g_strdup_printf("op %s ", op);
  size_t checked = 0, failed = 0;
  for (size_t i = 0; i < golden_count(golden); i++) {
    const char *name = golden_name(golden, i);
    if (!g_str_has_prefix(name, prefix)) continue;
    char **f = g_strsplit(name + strlen(prefix), "|", 3);
    tn_tensor *storage = NULL, *x = golden_make_input(golden, f[0], &storage), *arg = NULL;
    tn_error_clear();
    results res = {0};
    if (strcmp(op, "nonzero") == 0) {
      one(&res, tn_nonzero(x));
    } else if (strcmp(op, "masked_select") == 0) {
      arg = make_itensor(f[1] + 1);
      one(&res, tn_masked_select(x, arg));
    } else {
      arg = make_itensor(f[2] + 1);
      int64_t dim = g_ascii_strtoll(f[1], NULL, 10);
      one(&res, op[0] == 'i' ? tn_index_select(x, dim, arg) : tn_gather(x, dim, arg));
    }
    report(name, check_results(&res, storage, golden_value(golden, i)), &failed);
    checked++;
    release_results(&res);
    tn_release(arg);
    tn_release(x);
    tn_release(storage);
    g_strfreev(f);
  }
  g_assert_cmpuint(checked, >, 5);
  if (failed) g_error("%s: %zu of %zu records differ (see messages)", op, failed, checked);
}

/* Overlapping value and destination, a value that is the tensor itself, and the view/copy split of
 * t[...] (a new view) versus t[[0, 1]] (a copy). */
static void test_overlap_and_alias(void) {
  int64_t n = 6;
  tn_tensor *x = tn_empty(1, &n, TN_OPTS(TN_DTYPE_FLOAT32));
  for (int64_t i = 0; i < n; i++) tn_set(x, &i, tn_scalar_float((double)i));
  tn_index e = {.kind = TN_INDEX_ELLIPSIS};
  tn_tensor *all = tn_index_get(x, 1, &e);
  g_assert_true(all != x && tn_same_storage(all, x) && all->view_base == x);
  int64_t two = 2;
  tn_tensor *idx = tn_empty(1, &two, TN_OPTS(TN_DTYPE_INT64));
  int64_t k0 = 0, k1 = 1;
  tn_set(idx, &k0, tn_scalar_int(0));
  tn_set(idx, &k1, tn_scalar_int(1));
  tn_index ti = {.kind = TN_INDEX_TENSOR, .tensor = idx};
  tn_tensor *c = tn_index_get(x, 1, &ti);
  g_assert_false(tn_same_storage(c, x));
  g_assert_null(c->view_base);
  /* x[[0, 1]] = x[1:3]: PyTorch refuses (partial overlap) */
  tn_tensor *part = tn_slice(x, 0, true, 1, true, 3, 1);
  g_assert_cmpint(tn_index_put_(x, 1, &ti, part), ==, -1);
  g_assert_cmpstr(tn_error_message(), ==, golden_get(golden, "overlap"));
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_RUNTIME);
  tn_release(part);
  tn_release(c);
  tn_release(idx);
  tn_release(all);
  tn_release(x);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  golden = golden_load("index.txt");
  g_test_add_data_func("/engine/index/get-basic", "basic", run_get);
  g_test_add_data_func("/engine/index/get-advanced", "advanced", run_get);
  g_test_add_data_func("/engine/index/get-dtypes", "dtypes", run_get);
  g_test_add_data_func("/engine/index/put-scalar", "scalar", run_put);
  g_test_add_data_func("/engine/index/put-tensor", "tensor", run_put);
  g_test_add_data_func("/engine/index/nonzero", "nonzero", run_ops);
  g_test_add_data_func("/engine/index/masked-select", "masked_select", run_ops);
  g_test_add_data_func("/engine/index/index-select", "index_select", run_ops);
  g_test_add_data_func("/engine/index/gather", "gather", run_ops);
  g_test_add_func("/engine/index/overlap-and-alias", test_overlap_and_alias);
  int rc = g_test_run();
  golden_free(golden);
  return rc;
}
