/* test-print.c — tn_repr, tn_format_size, tn_format_python_float and tn_format_scalar against what
 * PyTorch 1.13 / CPython print (tests/golden/print.txt, written by tests/golden/gen_print.py).
 *
 * Every golden tensor is rebuilt from its exact bits three ways: contiguous, scattered through a
 * larger storage with permuted strides, a step and an offset (the rest of the storage holds junk
 * bytes), and, where the values repeat along a dim, expanded with stride 0. Printing depends only on
 * logical values, so all three must print exactly PyTorch's text. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "tn-internal.h"
#include "tn.h"

static golden_file *golden;

/* ------------------------------------------------------------------------------------------ */
/* one golden case                                                                            */

typedef struct gcase {
  const char *name;
  tn_dtype dtype;
  int32_t ndim;
  int64_t shape[TN_MAX_DIMS];
  int64_t numel;
  tn_print_options opts;
  tn_dtype default_dtype;
  bool requires_grad;
  char grad_fn[128]; /* "" when none */
  uint8_t *bytes;    /* numel elements, row-major, the dtype's raw bytes */
  const char *expected; /* the printout, or "TYPE: message" when is_error */
  bool is_error;
} gcase;

static const char *line_value(const char *line, const char *key) {
  size_t n = strlen(key);
  g_assert_true(strncmp(line, key, n) == 0);
  return line[n] == ' ' ? line + n + 1 : line + n;
}

/* Parses a case record; lines[] points into the record's text (split by the caller). */
static void parse_case(gcase *c, const char *name, char **lines) {
  memset(c, 0, sizeof *c);
  c->name = name;
  c->dtype = tn_dtype_from_name(line_value(lines[0], "dtype"));
  g_assert_cmpint(c->dtype, !=, TN_DTYPE_UNDEFINED);
  g_auto(GStrv) dims = g_strsplit(line_value(lines[1], "shape"), " ", -1);
  c->numel = 1;
  for (char **d = dims; *d; d++) {
    if (!**d) continue;
    c->shape[c->ndim] = g_ascii_strtoll(*d, NULL, 10);
    c->numel *= c->shape[c->ndim++];
  }
  g_auto(GStrv) o = g_strsplit(line_value(lines[2], "opts"), " ", -1);
  g_assert_cmpuint(g_strv_length(o), ==, 5);
  c->opts.precision = (int32_t)g_ascii_strtoll(o[0], NULL, 10);
  c->opts.threshold = strcmp(o[1], "inf") == 0 ? INT64_MAX : g_ascii_strtoll(o[1], NULL, 10);
  c->opts.edgeitems = g_ascii_strtoll(o[2], NULL, 10);
  c->opts.linewidth = (int32_t)g_ascii_strtoll(o[3], NULL, 10);
  c->opts.sci_mode = (int32_t)g_ascii_strtoll(o[4], NULL, 10);
  c->default_dtype = tn_dtype_from_name(line_value(lines[3], "default"));
  const char *grad = line_value(lines[4], "grad");
  if (strcmp(grad, "requires_grad") == 0)
    c->requires_grad = true;
  else if (g_str_has_prefix(grad, "fn "))
    g_strlcpy(c->grad_fn, grad + 3, sizeof c->grad_fn);
  else
    g_assert_cmpstr(grad, ==, "none");

  size_t esize = tn_dtype_size(c->dtype);
  c->bytes = g_malloc0(esize * (size_t)(c->numel ? c->numel : 1));
  g_auto(GStrv) vals = g_strsplit(line_value(lines[5], "data"), " ", -1);
  int64_t k = 0;
  for (char **v = vals; *v; v++) {
    if (!**v) continue;
    g_assert_cmpint(k, <, c->numel);
    uint8_t *p = c->bytes + (size_t)k * esize;
    if (tn_dtype_is_floating(c->dtype)) {
      uint64_t bits = g_ascii_strtoull(*v, NULL, 16);
      if (esize == 2) { uint16_t b = (uint16_t)bits; memcpy(p, &b, 2); }
      else if (esize == 4) { uint32_t b = (uint32_t)bits; memcpy(p, &b, 4); }
      else memcpy(p, &bits, 8);
    } else {
      tn__store_int64(p, c->dtype, g_ascii_strtoll(*v, NULL, 10));
    }
    k++;
  }
  g_assert_cmpint(k, ==, c->numel);
  if (g_str_has_prefix(lines[6], "error ")) {
    c->is_error = true;
    c->expected = lines[6] + 6;
  } else {
    g_assert_cmpstr(lines[6], ==, "repr");
    c->expected = lines[7] ? lines[7] : "";
  }
}

/* A tensor with the case's values and the given layout: strides in elements (NULL: contiguous), and
 * an offset; unused storage bytes hold 0xA5 junk. */
static tn_tensor *build(const gcase *c, const int64_t *strides, int64_t offset) {
  int64_t cstrides[TN_MAX_DIMS];
  tn__contiguous_strides(c->ndim, c->shape, cstrides);
  if (!strides) strides = cstrides;
  int64_t extent = offset + 1;
  for (int32_t d = 0; d < c->ndim; d++)
    if (c->shape[d] > 0) extent += (c->shape[d] - 1) * strides[d];
  int64_t one = extent;
  tn_tensor *base = tn__new(1, &one, c->dtype);
  g_assert_nonnull(base);
  size_t esize = tn_dtype_size(c->dtype);
  memset(tn__data(base), 0xA5, (size_t)extent * esize);
  tn_tensor *t = tn__new_view(base, c->ndim, c->shape, strides, offset);
  g_assert_nonnull(t);
  tn_release(base);
  /* Write each logical element (row-major order) where the layout puts it. */
  for (int64_t i = 0; i < c->numel; i++) {
    int64_t rem = i, pos = offset;
    for (int32_t d = c->ndim - 1; d >= 0; d--) {
      pos += (rem % c->shape[d]) * strides[d];
      rem /= c->shape[d];
    }
    memcpy((char *)t->storage->data + pos * (int64_t)esize, c->bytes + (size_t)i * esize, esize);
  }
  t->requires_grad = c->requires_grad;
  return t;
}

static const char *current_grad_fn;
static const char *grad_fn_hook(const tn_tensor *t) {
  (void)t;
  return current_grad_fn;
}

/* Prints t under the case's options; returns the text or "TYPE: message". */
static char *print_case(const gcase *c, const tn_tensor *t) {
  tn_set_print_options(&c->opts);
  g_assert_cmpint(tn_set_default_dtype(c->default_dtype), ==, 0);
  current_grad_fn = c->grad_fn[0] ? c->grad_fn : NULL;
  tn_grad_fn_name_hook = grad_fn_hook;
  tn_error_clear();
  char *s = tn_repr(t);
  char *out;
  if (s) {
    out = g_strdup(s);
    free(s);
  } else {
    out = g_strdup_printf("%s: %s", tn_error_kind_name(tn_error_kind_last()), tn_error_message());
  }
  tn_grad_fn_name_hook = NULL;
  tn_set_print_options(NULL);
  tn_set_default_dtype(TN_DTYPE_FLOAT32);
  return out;
}

static int check(const gcase *c, const tn_tensor *t, const char *layout) {
  g_autofree char *got = print_case(c, t);
  if (strcmp(got, c->expected) == 0) return 0;
  g_printerr("# %s (%s)\n# expected:\n%s\n# got:\n%s\n", c->name, layout, c->expected, got);
  return 1;
}

typedef enum { LAYOUT_CONTIGUOUS, LAYOUT_SCATTERED, LAYOUT_EXPANDED } layout_kind;

/* Dims whose slices are all identical (so that the tensor can be an expansion along them). */
static bool repeated_along(const gcase *c, int32_t dim) {
  if (c->shape[dim] < 2) return false;
  size_t esize = tn_dtype_size(c->dtype);
  int64_t inner = 1;
  for (int32_t d = dim + 1; d < c->ndim; d++) inner *= c->shape[d];
  for (int64_t i = 0; i < c->numel; i++) {
    int64_t j = (i / inner) % c->shape[dim];
    int64_t first = i - j * inner;
    if (memcmp(c->bytes + (size_t)i * esize, c->bytes + (size_t)first * esize, esize) != 0) return false;
  }
  return true;
}

static int run_case(gcase *c, layout_kind layout) {
  if (layout == LAYOUT_CONTIGUOUS) {
    tn_tensor *t = build(c, NULL, 0);
    int bad = check(c, t, "contiguous");
    tn_release(t);
    return bad;
  }
  if (layout == LAYOUT_SCATTERED) {
    /* Dims laid out in reverse order (column-major), every element two apart, offset 3. */
    int64_t strides[TN_MAX_DIMS], s = 2;
    for (int32_t d = 0; d < c->ndim; d++) {
      strides[d] = s;
      s *= c->shape[d] > 0 ? c->shape[d] : 1;
    }
    tn_tensor *t = build(c, strides, 3);
    int bad = check(c, t, "scattered");
    tn_release(t);
    return bad;
  }
  /* Expanded: one stored row, stride 0 along every repeated dim. */
  bool any = false;
  gcase reduced = *c;
  int64_t strides[TN_MAX_DIMS];
  for (int32_t d = 0; d < c->ndim; d++) {
    if (c->numel > 0 && repeated_along(c, d)) {
      any = true;
      reduced.shape[d] = 1;
    }
  }
  if (!any) return 0;
  /* The reduced case keeps the first slice along each repeated dim. */
  reduced.numel = 1;
  for (int32_t d = 0; d < c->ndim; d++) reduced.numel *= reduced.shape[d];
  size_t esize = tn_dtype_size(c->dtype);
  reduced.bytes = g_malloc((size_t)reduced.numel * esize);
  for (int64_t i = 0; i < reduced.numel; i++) {
    int64_t rem = i, src = 0, mul = 1;
    for (int32_t d = c->ndim - 1; d >= 0; d--) {
      src += (rem % reduced.shape[d]) * mul;
      rem /= reduced.shape[d];
      mul *= c->shape[d];
    }
    memcpy(reduced.bytes + (size_t)i * esize, c->bytes + (size_t)src * esize, esize);
  }
  tn_tensor *base = build(&reduced, NULL, 0);
  for (int32_t d = 0; d < c->ndim; d++) strides[d] = reduced.shape[d] == c->shape[d] ? base->strides[d] : 0;
  tn_tensor *t = tn__new_view(base, c->ndim, c->shape, strides, 0);
  t->requires_grad = c->requires_grad;
  int bad = check(c, t, "expanded");
  tn_release(t);
  tn_release(base);
  g_free(reduced.bytes);
  return bad;
}

static void test_golden_cases(gconstpointer data) {
  layout_kind layout = (layout_kind)GPOINTER_TO_INT(data);
  int failures = 0, cases = 0, expanded = 0;
  for (size_t i = 0; i < golden_count(golden); i++) {
    const char *name = golden_name(golden, i);
    if (!g_str_has_prefix(name, "case/")) continue;
    g_auto(GStrv) lines = g_strsplit(golden_value(golden, i), "\n", 8);
    g_assert_cmpuint(g_strv_length(lines), >=, 7);
    gcase c;
    parse_case(&c, name, lines);
    failures += run_case(&c, layout);
    if (layout == LAYOUT_EXPANDED) {
      for (int32_t d = 0; d < c.ndim; d++)
        if (c.numel > 0 && repeated_along(&c, d)) {
          expanded++;
          break;
        }
    }
    cases++;
    g_free(c.bytes);
  }
  g_assert_cmpint(cases, >=, 150);
  if (layout == LAYOUT_EXPANDED) g_assert_cmpint(expanded, >=, 5);
  g_assert_cmpint(failures, ==, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* torch.Size, floats, scalars                                                                */

static void test_size(void) {
  g_auto(GStrv) lines = g_strsplit(golden_get(golden, "sizes"), "\n", -1);
  int n = 0;
  for (char **l = lines; *l; l++) {
    const char *bar = strchr(*l, '|');
    g_assert_nonnull(bar);
    g_autofree char *dims_text = g_strndup(*l, (gsize)(bar - *l));
    g_auto(GStrv) dims = g_strsplit(dims_text, " ", -1);
    int64_t shape[TN_MAX_DIMS];
    int32_t ndim = 0;
    for (char **d = dims; *d; d++)
      if (**d) shape[ndim++] = g_ascii_strtoll(*d, NULL, 10);
    char *s = tn_format_size(ndim, shape);
    g_assert_cmpstr(s, ==, bar + 1);
    free(s);
    n++;
  }
  g_assert_cmpint(n, >=, 5);
  g_assert_null(tn_format_size(-1, NULL));
  g_assert_null(tn_format_size(2, NULL));
  g_assert_null(tn_format_size(TN_MAX_DIMS + 1, (int64_t[TN_MAX_DIMS + 1]){0}));
}

static void test_python_float(void) {
  g_auto(GStrv) lines = g_strsplit(golden_get(golden, "floats"), "\n", -1);
  int n = 0, failures = 0;
  for (char **l = lines; *l; l++) {
    char *sp = strchr(*l, ' ');
    g_assert_nonnull(sp);
    uint64_t bits = g_ascii_strtoull(*l, NULL, 16);
    double v;
    memcpy(&v, &bits, sizeof v);
    char buf[64];
    g_assert_cmpint(tn_format_python_float(v, buf, sizeof buf), ==, 0);
    if (strcmp(buf, sp + 1) != 0) {
      g_printerr("# repr(%s): expected %s, got %s\n", *l, sp + 1, buf);
      failures++;
    }
    char buf2[64];
    g_assert_cmpint(tn_format_scalar(tn_scalar_float(v), buf2, sizeof buf2), ==, 0);
    g_assert_cmpstr(buf2, ==, buf);
    n++;
  }
  g_assert_cmpint(n, >=, 1000);
  g_assert_cmpint(failures, ==, 0);

  /* The longest repr fits 32 bytes; a buffer one byte short of the text is an error, not a
   * truncation. */
  char buf[32];
  g_assert_cmpint(tn_format_python_float(-2.2250738585072014e-308, buf, sizeof buf), ==, 0);
  g_assert_cmpstr(buf, ==, "-2.2250738585072014e-308");
  g_assert_cmpint(tn_format_python_float(0.1, buf, 3), ==, -1);
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_RUNTIME);
  g_assert_cmpint(tn_format_python_float(0.1, buf, 4), ==, 0);
  g_assert_cmpstr(buf, ==, "0.1");
  g_assert_cmpint(tn_format_python_float(0.1, NULL, 0), ==, -1);
}

static void test_scalar(void) {
  char buf[32];
  g_assert_cmpint(tn_format_scalar(tn_scalar_bool(true), buf, sizeof buf), ==, 0);
  g_assert_cmpstr(buf, ==, "True");
  g_assert_cmpint(tn_format_scalar(tn_scalar_bool(false), buf, sizeof buf), ==, 0);
  g_assert_cmpstr(buf, ==, "False");
  g_assert_cmpint(tn_format_scalar(tn_scalar_int(0), buf, sizeof buf), ==, 0);
  g_assert_cmpstr(buf, ==, "0");
  g_assert_cmpint(tn_format_scalar(tn_scalar_int(-42), buf, sizeof buf), ==, 0);
  g_assert_cmpstr(buf, ==, "-42");
  g_assert_cmpint(tn_format_scalar(tn_scalar_int(INT64_MIN), buf, sizeof buf), ==, 0);
  g_assert_cmpstr(buf, ==, "-9223372036854775808");
  g_assert_cmpint(tn_format_scalar(tn_scalar_float(2.5), buf, sizeof buf), ==, 0);
  g_assert_cmpstr(buf, ==, "2.5");
  g_assert_cmpint(tn_format_scalar(tn_scalar_float(3.0), buf, sizeof buf), ==, 0);
  g_assert_cmpstr(buf, ==, "3.0");
  g_assert_cmpint(tn_format_scalar(tn_scalar_bool(false), buf, 5), ==, -1);
  g_assert_cmpint(tn_format_scalar(tn_scalar_bool(false), buf, 6), ==, 0);
  tn_scalar bad = {.kind = (tn_scalar_kind)7};
  g_assert_cmpint(tn_format_scalar(bad, buf, sizeof buf), ==, -1);
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_TYPE);
}

/* ------------------------------------------------------------------------------------------ */
/* options, errors, size                                                                      */

static void test_options(void) {
  tn_print_options d = tn_get_print_options();
  g_assert_cmpint(d.precision, ==, 4);
  g_assert_cmpint(d.threshold, ==, 1000);
  g_assert_cmpint(d.edgeitems, ==, 3);
  g_assert_cmpint(d.linewidth, ==, 80);
  g_assert_cmpint(d.sci_mode, ==, -1);
  tn_print_options o = {2, 10, 1, 40, 1};
  tn_set_print_options(&o);
  tn_print_options r = tn_get_print_options();
  g_assert_cmpint(r.precision, ==, 2);
  g_assert_cmpint(r.threshold, ==, 10);
  g_assert_cmpint(r.edgeitems, ==, 1);
  g_assert_cmpint(r.linewidth, ==, 40);
  g_assert_cmpint(r.sci_mode, ==, 1);
  tn_set_print_options(NULL);
  r = tn_get_print_options();
  g_assert_cmpint(r.precision, ==, 4);
  g_assert_cmpint(r.sci_mode, ==, -1);
}

static void test_errors(void) {
  tn_error_clear();
  g_assert_null(tn_repr(NULL));
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_TYPE);

  int64_t shape[] = {2};
  tn_tensor *t = tn__new(1, shape, TN_DTYPE_FLOAT32);
  memset(tn__data(t), 0, 8);
  /* CUDA memory is managed (host-readable): a CUDA tensor prints its values and its device */
  t->device = (tn_device){TN_DEVICE_CUDA, 0};
  char *cs = tn_repr(t);
  g_assert_cmpstr(cs, ==, "tensor([0., 0.], device='cuda:0')");
  free(cs);
  t->device = TN_DEVICE_CPU_VALUE;
  char *s = tn_repr(t);
  g_assert_cmpstr(s, ==, "tensor([0., 0.])");
  free(s);
  tn_release(t);
}

/* A large unsummarised printout: its exact length follows from the layout rules (24 one-character
 * elements per line: floor((80 - 8) / 3)), and it must not take quadratic time. */
static void test_large(void) {
  int64_t n = 200000;
  tn_tensor *t = tn__new(1, &n, TN_DTYPE_INT64);
  memset(tn__data(t), 0, (size_t)n * 8);
  tn_print_options o = {4, INT64_MAX, 3, 80, -1};
  tn_set_print_options(&o);
  char *s = tn_repr(t);
  tn_set_print_options(NULL);
  g_assert_nonnull(s);
  int64_t per_line = (80 - 7) / 3, breaks = (n + per_line - 1) / per_line - 1;
  int64_t expect = 8 + n + 2 * (n - 1) + 8 * breaks + 2;
  g_assert_cmpint((int64_t)strlen(s), ==, expect);
  g_assert_true(g_str_has_prefix(s, "tensor([0, 0, 0,"));
  g_assert_true(g_str_has_suffix(s, ", 0])"));
  free(s);

  /* Summarised: 3 + " ..." + 3 elements, whatever the size. */
  s = tn_repr(t);
  g_assert_cmpstr(s, ==, "tensor([0, 0, 0,  ..., 0, 0, 0])");
  free(s);
  tn_release(t);

  /* 2^60 elements through stride 0: summarised, only the edges are read; unsummarised, an
   * allocation error rather than a crash. */
  int64_t one = 1;
  tn_tensor *base = tn__new(1, &one, TN_DTYPE_FLOAT32);
  float v = 0.5f;
  memcpy(tn__data(base), &v, sizeof v);
  int64_t shape[2] = {INT64_C(1) << 40, INT64_C(1) << 20}, strides[2] = {0, 0};
  tn_tensor *huge = tn__new_view(base, 2, shape, strides, 0);
  s = tn_repr(huge);
  g_assert_cmpstr(s, ==,
                  "tensor([[0.5000, 0.5000, 0.5000,  ..., 0.5000, 0.5000, 0.5000],\n"
                  "        [0.5000, 0.5000, 0.5000,  ..., 0.5000, 0.5000, 0.5000],\n"
                  "        [0.5000, 0.5000, 0.5000,  ..., 0.5000, 0.5000, 0.5000],\n"
                  "        ...,\n"
                  "        [0.5000, 0.5000, 0.5000,  ..., 0.5000, 0.5000, 0.5000],\n"
                  "        [0.5000, 0.5000, 0.5000,  ..., 0.5000, 0.5000, 0.5000],\n"
                  "        [0.5000, 0.5000, 0.5000,  ..., 0.5000, 0.5000, 0.5000]])");
  free(s);
  tn_set_print_options(&o);
  tn_error_clear();
  g_assert_null(tn_repr(huge));
  g_assert_cmpint(tn_error_kind_last(), ==, TN_ERROR_RUNTIME);
  tn_set_print_options(NULL);
  tn_release(huge);
  tn_release(base);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  golden = golden_load("print.txt");
  g_test_add_data_func("/engine/print/golden/contiguous", GINT_TO_POINTER(LAYOUT_CONTIGUOUS), test_golden_cases);
  g_test_add_data_func("/engine/print/golden/scattered", GINT_TO_POINTER(LAYOUT_SCATTERED), test_golden_cases);
  g_test_add_data_func("/engine/print/golden/expanded", GINT_TO_POINTER(LAYOUT_EXPANDED), test_golden_cases);
  g_test_add_func("/engine/print/size", test_size);
  g_test_add_func("/engine/print/python-float", test_python_float);
  g_test_add_func("/engine/print/scalar", test_scalar);
  g_test_add_func("/engine/print/options", test_options);
  g_test_add_func("/engine/print/errors", test_errors);
  g_test_add_func("/engine/print/large", test_large);
  int rc = g_test_run();
  golden_free(golden);
  return rc;
}
