/* test-dtype.c — dtype facts, type promotion against PyTorch's table, float16/bfloat16 rounding. */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "tn.h"

static void test_promote_types(void) {
  golden_file *g = golden_load("promotion.txt");
  const char *table = golden_get(g, "promote_types");
  char **lines = g_strsplit(table, "\n", -1);
  guint checked = 0;
  for (char **l = lines; *l && **l; l++) {
    char a[32], b[32], r[32];
    g_assert_cmpint(sscanf(*l, "%31s %31s %31s", a, b, r), ==, 3);
    tn_dtype da = tn_dtype_from_name(a), db = tn_dtype_from_name(b);
    g_assert_cmpint(da, !=, TN_DTYPE_UNDEFINED);
    g_assert_cmpint(db, !=, TN_DTYPE_UNDEFINED);
    if (g_strcmp0(tn_dtype_torch_name(tn_promote_types(da, db)), r) != 0)
      g_error("promote_types(%s, %s): expected %s, got %s", a, b, r, tn_dtype_torch_name(tn_promote_types(da, db)));
    checked++;
  }
  g_assert_cmpuint(checked, ==, TN_DTYPE_COUNT * TN_DTYPE_COUNT);
  g_strfreev(lines);
  golden_free(g);
}

/* One operand from its golden description: "tensor:DTYPE", "zerodim:DTYPE", "int", "float", "bool". */
static tn_tensor *operand(const char *desc) {
  if (strcmp(desc, "int") == 0) return tn_wrap_scalar(tn_scalar_int(2));
  if (strcmp(desc, "float") == 0) return tn_wrap_scalar(tn_scalar_float(2.5));
  if (strcmp(desc, "bool") == 0) return tn_wrap_scalar(tn_scalar_bool(true));
  const char *colon = strchr(desc, ':');
  g_assert_nonnull(colon);
  tn_dtype d = tn_dtype_from_name(colon + 1);
  g_assert_cmpint(d, !=, TN_DTYPE_UNDEFINED);
  int64_t shape[1] = {2};
  return g_str_has_prefix(desc, "zerodim") ? tn_zeros(0, NULL, TN_OPTS(d)) : tn_zeros(1, shape, TN_OPTS(d));
}

static void test_result_type(void) {
  golden_file *g = golden_load("promotion.txt");
  char **lines = g_strsplit(golden_get(g, "result_type"), "\n", -1);
  guint checked = 0;
  for (char **l = lines; *l && **l; l++) {
    char a[48], b[48], r[32];
    g_assert_cmpint(sscanf(*l, "%47s %47s %31s", a, b, r), ==, 3);
    tn_tensor *ta = operand(a), *tb = operand(b);
    tn_dtype got = tn_result_type(ta, tb);
    if (g_strcmp0(tn_dtype_torch_name(got), r) != 0)
      g_error("result_type(%s, %s): expected %s, got %s", a, b, r, tn_dtype_torch_name(got));
    tn_release(ta);
    tn_release(tb);
    checked++;
  }
  g_assert_cmpuint(checked, >, 200);
  g_strfreev(lines);
  golden_free(g);
}

/* Every float16 bit pattern round-trips through float, and float->half matches PyTorch on values
 * chosen around every rounding boundary. */
static void test_half_roundtrip(void) {
  for (uint32_t h = 0; h < 0x10000; h++) {
    float f = tn_half_to_float((uint16_t)h);
    uint16_t back = tn_float_to_half(f);
    if (isnan(f))
      g_assert_true((back & 0x7c00) == 0x7c00 && (back & 0x3ff) != 0);
    else
      g_assert_cmphex(back, ==, h);
  }
  for (uint32_t b = 0; b < 0x10000; b++) {
    float f = tn_bfloat16_to_float((uint16_t)b);
    if (!isnan(f)) g_assert_cmphex(tn_float_to_bfloat16(f), ==, b);
  }
}

static void check_conversion_file(const char *record, uint16_t (*from_float)(float), uint16_t (*from_double)(double)) {
  golden_file *g = golden_load("conversions.txt");
  char **lines = g_strsplit(golden_get(g, record), "\n", -1);
  guint checked = 0;
  for (char **l = lines; *l && **l; l++) {
    /* "<float32 bits hex> <expected 16-bit pattern hex>" */
    unsigned int fbits, expected;
    g_assert_cmpint(sscanf(*l, "%x %x", &fbits, &expected), ==, 2);
    float f;
    memcpy(&f, &fbits, 4);
    uint16_t got = from_float(f), got_d = from_double((double)f);
    if (isnan(f)) {
      g_assert_true((got & 0x7f80) && isnan(tn_half_to_float(got)) == isnan(f));
      continue;
    }
    if (got != expected || got_d != expected)
      g_error("%s of %a (0x%08x): expected 0x%04x, got 0x%04x / 0x%04x", record, (double)f, fbits, expected, got,
              got_d);
    checked++;
  }
  g_assert_cmpuint(checked, >, 1000);
  g_strfreev(lines);
  golden_free(g);
}

static void test_half_rounding(void) { check_conversion_file("float32_to_float16", tn_float_to_half, tn_double_to_half); }
static void test_bfloat16_rounding(void) {
  check_conversion_file("float32_to_bfloat16", tn_float_to_bfloat16, tn_double_to_bfloat16);
}

/* float32 -> float16 by arithmetic (scaling by powers of two is exact, rint rounds to nearest
 * even): the reference for the engine's bit-level conversion. */
static uint16_t reference_half(float f) {
  uint16_t sign = signbit(f) ? 0x8000 : 0;
  if (isnan(f)) return sign | 0x7e00;
  double a = fabs((double)f);
  if (a >= 65520.0) return sign | 0x7c00;
  if (a < ldexp(1.0, -14)) return sign | (uint16_t)rint(ldexp(a, 24));
  int ex;
  frexp(a, &ex);
  double q = rint(ldexp(a, 11 - ex)); /* 1024 <= q <= 2048 */
  if (q == 2048.0) {
    q = 1024.0;
    ex++;
  }
  return sign | (uint16_t)((ex - 1 + 15) << 10) | (uint16_t)(q - 1024.0);
}

static void test_half_bits_vs_reference(void) {
  /* every exponent and sign, with the low mantissa bits at and around each rounding boundary,
   * plus a deterministic scatter of other patterns */
  static const uint32_t lows[] = {0x0000, 0x0001, 0x0fff, 0x1000, 0x1001, 0x1fff, 0x0800, 0x17ff};
  guint64 checked = 0;
  for (uint32_t high = 0; high < (1u << 19); high++) {
    for (size_t k = 0; k < G_N_ELEMENTS(lows); k++) {
      uint32_t bits = (high << 13) | lows[k];
      float f;
      memcpy(&f, &bits, 4);
      uint16_t got = tn_float_to_half(f), want = reference_half(f);
      if (got != want) g_error("float16 of 0x%08x (%a): expected 0x%04x, got 0x%04x", bits, (double)f, want, got);
      checked++;
    }
  }
  uint32_t x = 12345;
  for (int i = 0; i < 2000000; i++) {
    x = x * 1664525u + 1013904223u;
    float f;
    memcpy(&f, &x, 4);
    g_assert_cmphex(tn_float_to_half(f), ==, reference_half(f));
    g_assert_cmphex(tn_double_to_half((double)f), ==, reference_half(f));
  }
  g_assert_cmpuint(checked, ==, 8u << 19);
}

static void test_names(void) {
  g_assert_cmpstr(tn_dtype_torch_name(TN_DTYPE_FLOAT16), ==, "torch.float16");
  g_assert_cmpint(tn_dtype_from_name("torch.half"), ==, TN_DTYPE_FLOAT16);
  g_assert_cmpint(tn_dtype_from_name("long"), ==, TN_DTYPE_INT64);
  g_assert_cmpint(tn_dtype_from_name("complex64"), ==, TN_DTYPE_UNDEFINED);
  g_assert_cmpuint(tn_dtype_size(TN_DTYPE_BFLOAT16), ==, 2);
  g_assert_true(tn_dtype_is_floating(TN_DTYPE_BFLOAT16));
  g_assert_false(tn_dtype_is_integral(TN_DTYPE_BOOL, false));
  g_assert_true(tn_dtype_is_integral(TN_DTYPE_BOOL, true));
}

static void test_finfo(void) {
  tn_finfo fi;
  g_assert_cmpint(tn_dtype_finfo(TN_DTYPE_FLOAT16, &fi), ==, 0);
  g_assert_cmpfloat(fi.eps, ==, 0.0009765625);
  g_assert_cmpfloat(fi.max, ==, 65504.0);
  g_assert_cmpint(tn_dtype_finfo(TN_DTYPE_BFLOAT16, &fi), ==, 0);
  g_assert_cmpfloat(fi.max, ==, 3.3895313892515355e+38);
  g_assert_cmpint(tn_dtype_finfo(TN_DTYPE_INT32, &fi), ==, -1);
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_TYPE);
  /* PyTorch 1.13's texts */
  g_assert_cmpstr(tn_error_message(), ==,
                  "torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'");
  tn_iinfo ii;
  g_assert_cmpint(tn_dtype_iinfo(TN_DTYPE_FLOAT32, &ii), ==, -1);
  g_assert_cmpstr(tn_error_message(), ==,
                  "torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'");
  g_assert_cmpint(tn_dtype_iinfo(TN_DTYPE_BOOL, &ii), ==, -1);
  g_assert_cmpstr(tn_error_message(), ==, "torch.bool is not supported by torch.iinfo");
  g_assert_cmpint(tn_dtype_iinfo(TN_DTYPE_INT16, &ii), ==, 0);
  g_assert_cmpint(ii.min, ==, -32768);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/engine/dtype/names", test_names);
  g_test_add_func("/engine/dtype/promote-types", test_promote_types);
  g_test_add_func("/engine/dtype/result-type", test_result_type);
  g_test_add_func("/engine/dtype/half-roundtrip", test_half_roundtrip);
  g_test_add_func("/engine/dtype/half-rounding", test_half_rounding);
  g_test_add_func("/engine/dtype/half-bits-vs-reference", test_half_bits_vs_reference);
  g_test_add_func("/engine/dtype/bfloat16-rounding", test_bfloat16_rounding);
  g_test_add_func("/engine/dtype/finfo", test_finfo);
  return g_test_run();
}
