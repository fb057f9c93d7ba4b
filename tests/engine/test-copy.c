/* test-copy.c — dtype conversions for every pair of dtypes against PyTorch (exact), through
 * to(dtype) and through copy_ into a strided destination; fill_, clone, detach, item. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "tn.h"

static golden_file *golden;

static tn_scalar parse_value(const char *text, tn_dtype d) {
  if (tn_dtype_is_floating(d)) return tn_scalar_float(g_ascii_strtod(text, NULL));
  if (d == TN_DTYPE_BOOL) return tn_scalar_bool(text[0] == '1');
  return tn_scalar_int(g_ascii_strtoll(text, NULL, 10));
}

static gboolean scalar_equal(tn_scalar got, tn_scalar want) {
  if (want.kind == TN_SCALAR_FLOAT)
    return got.kind == TN_SCALAR_FLOAT &&
           ((isnan(got.v.f) && isnan(want.v.f)) ||
            (got.v.f == want.v.f && signbit(got.v.f) == signbit(want.v.f)));
  if (want.kind == TN_SCALAR_BOOL) return got.kind == TN_SCALAR_BOOL && got.v.b == want.v.b;
  return got.kind == TN_SCALAR_INT && got.v.i == want.v.i;
}

/* The source tensor of a golden block, holding exactly the values PyTorch held. */
static tn_tensor *source_tensor(tn_dtype src) {
  g_autofree char *name = g_strdup_printf("source %s", tn_dtype_torch_name(src));
  char **lines = g_strsplit(golden_get(golden, name), "\n", -1);
  int64_t n = g_strv_length(lines);
  tn_tensor *t = tn_empty(1, &n, TN_OPTS(src));
  for (int64_t i = 0; i < n; i++) tn_set(t, &i, parse_value(lines[i], src));
  g_strfreev(lines);
  return t;
}

static void check_against(const tn_tensor *r, tn_dtype src, tn_dtype dst, const char *how) {
  g_autofree char *name = g_strdup_printf("%s -> %s", tn_dtype_torch_name(src), tn_dtype_torch_name(dst));
  char **lines = g_strsplit(golden_get(golden, name), "\n", -1);
  g_assert_cmpint(r->numel, ==, g_strv_length(lines));
  for (int64_t i = 0; i < r->numel; i++) {
    tn_scalar got = tn_get_flat(r, i), want = parse_value(lines[i], dst);
    if (!scalar_equal(got, want))
      g_error("%s %s[%" G_GINT64_FORMAT "]: expected %s, got %a / %" G_GINT64_FORMAT, how, name, i, lines[i],
              got.kind == TN_SCALAR_FLOAT ? got.v.f : 0.0, got.kind == TN_SCALAR_INT ? got.v.i : got.v.b);
  }
  g_strfreev(lines);
}

static void test_conversions(void) {
  for (int s = 0; s < TN_DTYPE_COUNT; s++) {
    tn_tensor *src = source_tensor((tn_dtype)s);
    for (int d = 0; d < TN_DTYPE_COUNT; d++) {
      tn_tensor *r = tn_to_dtype(src, (tn_dtype)d, false);
      g_assert_nonnull(r);
      g_assert_cmpint(r->dtype, ==, d);
      check_against(r, (tn_dtype)s, (tn_dtype)d, "to()");
      /* to() without a dtype change returns the same tensor; with copy=true a new one */
      if (s == d) g_assert_true(r == src);
      tn_release(r);

      /* copy_ into every other element of a larger buffer */
      int64_t n = src->numel, stride = 2;
      tn_tensor *dst = tn_empty_strided(1, &n, &stride, TN_OPTS((tn_dtype)d));
      g_assert_false(tn_is_contiguous(dst));
      uint32_t v0 = tn_version(dst);
      tn_tensor *ret = tn_copy_(dst, src);
      g_assert_true(ret == dst);
      g_assert_cmpuint(tn_version(dst), ==, v0 + 1);
      check_against(dst, (tn_dtype)s, (tn_dtype)d, "copy_()");
      tn_release(ret);
      tn_release(dst);
    }
    tn_release(src);
  }
}

static void test_copy_broadcast(void) {
  int64_t shape[2] = {3, 4}, row = 4;
  tn_tensor *dst = tn_zeros(2, shape, TN_OPTS(TN_DTYPE_FLOAT64));
  tn_tensor *src = tn_arange(tn_scalar_int(0), tn_scalar_int(4), tn_scalar_int(1), TN_OPTS(TN_DTYPE_INT32));
  g_assert_cmpint(src->numel, ==, row);
  tn_release(tn_copy_(dst, src));
  for (int64_t i = 0; i < 12; i++) g_assert_cmpfloat(tn_get_flat(dst, i).v.f, ==, (double)(i % 4));
  tn_release(src);
  tn_release(dst);
}

static void test_fill_strided(void) {
  int64_t n = 5, stride = 3;
  tn_tensor *t = tn_empty_strided(1, &n, &stride, TN_OPTS(TN_DTYPE_INT16));
  memset(tn_storage_data_ptr(t), 0, tn_storage_nbytes(t));
  tn_release(tn_fill_(t, tn_scalar_float(-7.9)));
  const int16_t *raw = tn_storage_data_ptr(t);
  for (int64_t i = 0; i < 13; i++) g_assert_cmpint(raw[i], ==, i % 3 == 0 ? -7 : 0);
  tn_release(t);
}

static void test_clone_detach(void) {
  int64_t n = 4;
  tn_tensor *t = tn_arange(tn_scalar_float(0), tn_scalar_float(4), tn_scalar_float(1), TN_OPTS_INFER);
  tn_tensor *c = tn_clone(t), *d = tn_detach(t);
  g_assert_false(tn_same_storage(c, t));
  g_assert_true(tn_same_storage(d, t));
  g_assert_true(tn_data_ptr(d) == tn_data_ptr(t));
  int64_t i = 1;
  tn_set(d, &i, tn_scalar_float(99));
  g_assert_cmpfloat(tn_get_flat(t, 1).v.f, ==, 99);
  g_assert_cmpfloat(tn_get_flat(c, 1).v.f, ==, 1);
  g_assert_cmpint(c->numel, ==, n);
  tn_scalar s;
  g_assert_cmpint(tn_item(t, &s), ==, -1);
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_VALUE);
  tn_tensor *z = tn_scalar_tensor(tn_scalar_float(2.5), TN_OPTS(TN_DTYPE_FLOAT16));
  g_assert_cmpint(tn_item(z, &s), ==, 0);
  g_assert_cmpint(s.kind, ==, TN_SCALAR_FLOAT);
  g_assert_cmpfloat(s.v.f, ==, 2.5);
  tn_release(z);
  tn_release(c);
  tn_release(d);
  tn_release(t);
}

/* t.data = other: t takes other's storage, shape and dtype and keeps its autograd state; a view of
 * t's old data keeps that data (the old storage lives on in the small tensor's block), and every
 * release order frees each block once (AddressSanitizer checks this in script/sanitize.sh). */
static double at(const tn_tensor *t, int64_t i) { return tn_scalar_to_double(tn_get_flat(t, i)); }

static void test_set_data(void) {
  tn_scalar wv[] = {tn_scalar_float(1), tn_scalar_float(2)};
  tn_scalar bv[] = {tn_scalar_float(3), tn_scalar_float(4), tn_scalar_float(5)};
  int64_t two = 2, three = 3;
  for (int order = 0; order < 2; order++) {
    tn_tensor *w = tn_from_scalars(1, &two, wv, TN_OPTS(TN_DTYPE_FLOAT32));
    tn_tensor *r = tn_requires_grad_(w, true);
    tn_release(r);
    tn_tensor *old = tn_narrow(w, 0, 1, 1); /* a view of w's first storage */
    tn_tensor *b = tn_from_scalars(1, &three, bv, TN_OPTS(TN_DTYPE_FLOAT64));
    g_assert_cmpint(tn_set_data(w, b), ==, 0);
    g_assert_cmpint(w->ndim, ==, 1);
    g_assert_cmpint(w->shape[0], ==, 3);
    g_assert_cmpint(w->dtype, ==, TN_DTYPE_FLOAT64);
    g_assert_true(tn_requires_grad(w));
    g_assert_cmpfloat(at(w, 2), ==, 5.0);
    int64_t first = 0;
    tn_set(b, &first, tn_scalar_float(-7)); /* shared storage */
    g_assert_cmpfloat(at(w, 0), ==, -7.0);
    g_assert_cmpfloat(at(old, 0), ==, 2.0);
    /* a second assignment lets the first's storage go */
    tn_tensor *c = tn_zeros(1, &two, TN_OPTS(TN_DTYPE_FLOAT32));
    g_assert_cmpint(tn_set_data(w, c), ==, 0);
    g_assert_cmpint(w->shape[0], ==, 2);
    tn_release(c);
    tn_release(b);
    if (order == 0) {
      tn_release(w);
      g_assert_cmpfloat(at(old, 0), ==, 2.0);
      tn_release(old);
    } else {
      tn_release(old);
      tn_release(w);
    }
  }
  /* a tensor that requires grad takes floating-point data only */
  tn_tensor *w = tn_zeros(1, &two, TN_OPTS(TN_DTYPE_FLOAT32));
  tn_tensor *r = tn_requires_grad_(w, true);
  tn_release(r);
  tn_tensor *i = tn_zeros(1, &two, TN_OPTS(TN_DTYPE_INT64));
  g_assert_cmpint(tn_set_data(w, i), ==, -1);
  g_assert_cmpstr(tn_error_message(), ==,
                  "data set to a tensor that requires gradients must be floating point or complex dtype");
  g_assert_cmpint(w->dtype, ==, TN_DTYPE_FLOAT32);
  tn_release(i);
  tn_release(w);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  golden = golden_load("copy.txt");
  g_test_add_func("/engine/copy/conversions", test_conversions);
  g_test_add_func("/engine/copy/broadcast", test_copy_broadcast);
  g_test_add_func("/engine/copy/fill-strided", test_fill_strided);
  g_test_add_func("/engine/copy/clone-detach", test_clone_detach);
  g_test_add_func("/engine/copy/set-data", test_set_data);
  int rc = g_test_run();
  golden_free(golden);
  return rc;
}
