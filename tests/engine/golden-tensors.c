/* golden-tensors.c — input tensors described in the view and index golden files (see
 * golden-tensors.h). */
#include "golden-tensors.h"
#include "tn-internal.h"

#include <glib.h>
#include <math.h>
#include <string.h>


tn_dtype golden_dtype_of_short(const char *s) {
  static const struct {
    const char *s;
    tn_dtype d;
  } map[] = {{"f32", TN_DTYPE_FLOAT32}, {"f64", TN_DTYPE_FLOAT64}, {"f16", TN_DTYPE_FLOAT16},
             {"bf16", TN_DTYPE_BFLOAT16}, {"i64", TN_DTYPE_INT64}, {"i32", TN_DTYPE_INT32},
             {"i16", TN_DTYPE_INT16}, {"i8", TN_DTYPE_INT8}, {"u8", TN_DTYPE_UINT8}, {"bool", TN_DTYPE_BOOL}};
  for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
    if (strcmp(map[i].s, s) == 0) return map[i].d;
  g_error("unknown dtype %s", s);
  return TN_DTYPE_UNDEFINED;
}

tn_scalar golden_parse_value(const char *s, tn_dtype dt) {
  if (tn_dtype_is_floating(dt)) return tn_scalar_float(g_ascii_strtod(s, NULL));
  if (dt == TN_DTYPE_BOOL) return tn_scalar_bool(strcmp(s, "1") == 0);
  return tn_scalar_int(g_ascii_strtoll(s, NULL, 10));
}

/* The 1-D storage tensor of a dtype, filled with the golden values. */
static tn_tensor *make_storage(const golden_file *golden, tn_dtype dt) {
  g_autofree char *rec = g_strdup_printf("storage %s", tn_dtype_name(dt));
  char **vals = g_strsplit(golden_get(golden, rec), " ", -1);
  int64_t n = g_strv_length(vals);
  tn_tensor *s = tn_empty(1, &n, TN_OPTS(dt));
  g_assert_nonnull(s);
  for (int64_t i = 0; i < n; i++) tn_set(s, &i, golden_parse_value(vals[i], dt));
  g_strfreev(vals);
  return s;
}

int32_t golden_parse_ints(const char *s, int64_t *out) {
  int32_t n = 0;
  if (!*s) return 0;
  char **parts = g_strsplit(s, ",", -1);
  for (char **p = parts; *p; p++) out[n++] = g_ascii_strtoll(*p, NULL, 10);
  g_strfreev(parts);
  return n;
}

/* "f32:c34" -> a view of that dtype's storage; *storage receives the storage tensor. */
tn_tensor *golden_make_input(const golden_file *golden, const char *name, tn_tensor **storage) {
  char **parts = g_strsplit(name, ":", 2);
  tn_dtype dt = golden_dtype_of_short(parts[0]);
  tn_tensor *t;
  if (strcmp(parts[1], "e0") == 0) {
    int64_t zero = 0;
    t = tn_empty(1, &zero, TN_OPTS(dt));
    *storage = NULL;
  } else {
    g_autofree char *rec = g_strdup_printf("layout %s", parts[1]);
    char **geo = g_strsplit(golden_get(golden, rec), "|", 3);
    int64_t shape[TN_MAX_DIMS], strides[TN_MAX_DIMS];
    int32_t nd = golden_parse_ints(geo[0], shape);
    g_assert_cmpint(golden_parse_ints(geo[1], strides), ==, nd);
    *storage = make_storage(golden, dt);
    t = tn_as_strided(*storage, nd, shape, strides, g_ascii_strtoll(geo[2], NULL, 10));
    g_strfreev(geo);
  }
  g_assert_nonnull(t);
  g_strfreev(parts);
  return t;
}

double golden_leaf_value(int64_t i, int seed) {
  double v = sin(1.3 * (double)i + 0.7 * seed + 0.3) * 1.5;
  if (fabs(v) < 0.2) v += v < 0 ? -0.3 : 0.3;
  return v;
}

tn_tensor *golden_leaf(int32_t ndim, const int64_t *shape, int seed, bool positive) {
  tn_tensor *t = tn_empty(ndim, shape, TN_OPTS(TN_DTYPE_FLOAT64));
  g_assert_nonnull(t);
  double *d = tn_data_ptr(t);
  for (int64_t i = 0; i < t->numel; i++) {
    double v = golden_leaf_value(i, seed);
    d[i] = positive ? fabs(v) + 0.5 : v;
  }
  tn_tensor *r = tn_requires_grad_(t, true);
  g_assert_true(r == t);
  tn_release(r);
  return t;
}

tn_tensor *golden_weighted_sum(tn_tensor *out) {
  tn_tensor *w = tn_empty(out->ndim, out->shape, TN_OPTS(out->dtype));
  g_assert_nonnull(w);
  double *wd = tn_data_ptr(w);
  for (int64_t i = 0; i < w->numel; i++) wd[i] = 0.5 + 0.25 * cos(0.9 * (double)i);
  tn_tensor *m = tn_mul(out, w);
  g_assert_nonnull(m);
  tn_tensor *s = tn_sum(m, 0, NULL, false, TN_DTYPE_UNDEFINED);
  tn_release(m);
  tn_release(w);
  return s;
}
