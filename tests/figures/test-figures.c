/* test-figures: the lecture's figures (src/figures) and `optbench export-figures`, displayless.
 * Expected numbers come from mathematics (closed-form gradients, the geometric rate of gradient
 * descent on a quadratic), never from the code under test. Optional argument: the optbench
 * executable, for the end-to-end checks of exit statuses. */
#include <cairo.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "figures.h"

static const char *optbench_exe;

static const char *const names[] = {
  "grad_is_normal_to_level_sets",
  "steepest_descent_unit_circle",
  "gd_torch_quadratic_diagnostics",
};

/* ---- helpers ---- */

static char *
make_tmpdir (void)
{
  GError *e = NULL;
  char *d = g_dir_make_tmp ("optbench-figures-XXXXXX", &e);
  g_assert_no_error (e);
  return d;
}

static void
rm_rf (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  if (d) {
    const char *n;
    while ((n = g_dir_read_name (d))) {
      char *p = g_build_filename (path, n, NULL);
      rm_rf (p);
      g_free (p);
    }
    g_dir_close (d);
    g_chmod (path, 0700);
    g_rmdir (path);
  } else {
    g_unlink (path);
  }
}

/* The entries of a directory, sorted, joined by spaces ("" when empty). */
static char *
list_dir (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  if (!d)
    return g_strdup ("");
  GPtrArray *a = g_ptr_array_new_with_free_func (g_free);
  const char *n;
  while ((n = g_dir_read_name (d)))
    g_ptr_array_add (a, g_strdup (n));
  g_dir_close (d);
  for (guint i = 0; i + 1 < a->len; i++)
    for (guint j = i + 1; j < a->len; j++)
      if (strcmp (a->pdata[i], a->pdata[j]) > 0) {
        void *t = a->pdata[i];
        a->pdata[i] = a->pdata[j];
        a->pdata[j] = t;
      }
  g_ptr_array_add (a, NULL);
  char *s = g_strjoinv (" ", (char **) a->pdata);
  g_ptr_array_free (a, TRUE);
  return s;
}

/* Runs ob_figures_main on a NULL-terminated argument list; returns its status and what it printed. */
static int
run_cli (const char *const *args, char **out, char **err)
{
  int argc = 0;
  while (args[argc])
    argc++;
  char **argv = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    argv[i] = g_strdup (args[i]);
  char *obuf = NULL, *ebuf = NULL;
  size_t olen = 0, elen = 0;
  FILE *o = open_memstream (&obuf, &olen), *e = open_memstream (&ebuf, &elen);
  g_assert_nonnull (o);
  g_assert_nonnull (e);
  int rc = ob_figures_main (argc, argv, o, e);
  fclose (o);
  fclose (e);
  g_strfreev (argv);
  *out = g_strdup (obuf);
  *err = g_strdup (ebuf);
  free (obuf);
  free (ebuf);
  return rc;
}

static void
figure_size_pt (const char *name, double *w, double *h)
{
  char *e = NULL;
  PlotFigure *fig = ob_figure_build (name, NULL, &e);
  g_assert_null (e);
  g_assert_nonnull (fig);
  plot_figure_get_size (fig, w, h);
  plot_figure_free (fig);
}

static void
check_png (const char *path, const char *name, double dpi)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  double w, h;
  figure_size_pt (name, &w, &h);
  /* the figure's size in inches times the DPI */
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, (int) lround (w / 72 * dpi));
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, (int) lround (h / 72 * dpi));
  /* not blank: many distinct pixels, and some dark (text) pixels on the light background */
  cairo_surface_flush (s);
  int W = cairo_image_surface_get_width (s), H = cairo_image_surface_get_height (s);
  int stride = cairo_image_surface_get_stride (s);
  const unsigned char *px = cairo_image_surface_get_data (s);
  long dark = 0, light = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      guint32 v;
      memcpy (&v, px + (size_t) y * stride + (size_t) x * 4, 4);
      int r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
      if (r + g + b < 150)
        dark++;
      else if (r + g + b > 720)
        light++;
    }
  g_assert_cmpint (light, >, (long) W * H / 2); /* the light theme */
  g_assert_cmpint (dark, >, 200);
  cairo_surface_destroy (s);
}

static void
check_svg (const char *path)
{
  char *text = NULL;
  gsize len = 0;
  GError *e = NULL;
  g_assert_true (g_file_get_contents (path, &text, &len, &e));
  g_assert_no_error (e);
  GMarkupParser parser = {0};
  GMarkupParseContext *ctx = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  g_assert_true (g_markup_parse_context_parse (ctx, text, (gssize) len, &e));
  g_assert_true (g_markup_parse_context_end_parse (ctx, &e));
  g_assert_no_error (e);
  g_markup_parse_context_free (ctx);
  g_assert_nonnull (strstr (text, "<svg"));
  g_free (text);
}

static void
check_pdf (const char *path)
{
  char *text = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  g_assert_true (memcmp (text, "%PDF-", 5) == 0);
  gsize end = len;
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r'))
    end--;
  g_assert_cmpuint (end, >=, 5);
  g_assert_true (memcmp (text + end - 5, "%%EOF", 5) == 0);
  g_free (text);
}

/* ---- registry ---- */

static void
test_registry (void)
{
  g_assert_cmpint (ob_figure_count (), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    g_assert_cmpstr (ob_figure_name ((int) i), ==, names[i]);
    g_assert_true (ob_figure_exists (names[i]));
    g_assert_nonnull (strstr (ob_figure_names_list (), names[i]));
  }
  g_assert_null (ob_figure_name (-1));
  g_assert_null (ob_figure_name (ob_figure_count ()));
  g_assert_false (ob_figure_exists ("two_layer_network_x"));
  g_assert_false (ob_figure_exists (NULL));
  char *e = NULL;
  g_assert_null (ob_figure_build ("nope", NULL, &e));
  g_assert_nonnull (e);
  g_assert_nonnull (strstr (e, "unknown figure 'nope'"));
  g_assert_nonnull (strstr (e, "grad_is_normal_to_level_sets"));
  free (e);
  g_assert_cmpint (ob_figure_format_from_name ("png"), ==, OB_FIGURE_PNG);
  g_assert_cmpint (ob_figure_format_from_name ("svg"), ==, OB_FIGURE_SVG);
  g_assert_cmpint (ob_figure_format_from_name ("pdf"), ==, OB_FIGURE_PDF);
  g_assert_cmpint (ob_figure_format_from_name ("PNG"), ==, -1);
  g_assert_cmpint (ob_figure_format_from_name ("jpeg"), ==, -1);
}

/* ---- every name in every format ---- */

static void
test_export_all_formats (void)
{
  char *dir = make_tmpdir ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    for (int f = 0; f < 3; f++) {
      char *file = g_strdup_printf ("%s.%s", names[i], ob_figure_format_name ((ObFigureFormat) f));
      char *path = g_build_filename (dir, file, NULL);
      char *e = NULL;
      g_assert_true (ob_figure_export_file (names[i], NULL, path, (ObFigureFormat) f, 100, &e));
      g_assert_null (e);
      if (f == OB_FIGURE_PNG)
        check_png (path, names[i], 100);
      else if (f == OB_FIGURE_SVG)
        check_svg (path);
      else
        check_pdf (path);
      g_free (path);
      g_free (file);
    }
  }
  /* only the nine files: no temporary left over */
  char *ls = list_dir (dir);
  g_assert_cmpstr (ls, ==,
                   "gd_torch_quadratic_diagnostics.pdf gd_torch_quadratic_diagnostics.png "
                   "gd_torch_quadratic_diagnostics.svg grad_is_normal_to_level_sets.pdf "
                   "grad_is_normal_to_level_sets.png grad_is_normal_to_level_sets.svg "
                   "steepest_descent_unit_circle.pdf steepest_descent_unit_circle.png "
                   "steepest_descent_unit_circle.svg");
  g_free (ls);
  rm_rf (dir);
  g_free (dir);
}

/* The PNG's pixel size follows the DPI: the same figure at 72 and at 300 dpi. */
static void
test_png_dpi (void)
{
  char *dir = make_tmpdir ();
  const double dpis[] = {72, 300, 10};
  for (guint k = 0; k < G_N_ELEMENTS (dpis); k++) {
    char *path = g_strdup_printf ("%s/f%u.png", dir, k);
    char *e = NULL;
    g_assert_true (ob_figure_export_file (names[0], NULL, path, OB_FIGURE_PNG, dpis[k], &e));
    cairo_surface_t *s = cairo_image_surface_create_from_png (path);
    double w, h;
    figure_size_pt (names[0], &w, &h);
    g_assert_cmpint (cairo_image_surface_get_width (s), ==, (int) lround (w * dpis[k] / 72));
    g_assert_cmpint (cairo_image_surface_get_height (s), ==, (int) lround (h * dpis[k] / 72));
    cairo_surface_destroy (s);
    g_free (path);
  }
  /* out of range through the library too */
  char *path = g_strdup_printf ("%s/bad.png", dir);
  char *e = NULL;
  g_assert_false (ob_figure_export_file (names[0], NULL, path, OB_FIGURE_PNG, 9, &e));
  g_assert_nonnull (e);
  g_assert_cmpstr (e, ==, "dpi must be between 10 and 2400");
  free (e);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_free (path);
  rm_rf (dir);
  g_free (dir);
}

/* ---- the command line ---- */

static void
test_cli_defaults (void)
{
  char *dir = make_tmpdir ();
  char *sub = g_build_filename (dir, "figures", "nested", NULL); /* created, parents included */
  char *out, *err;
  const char *args[] = {"export-figures", sub, NULL};
  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  char *expect = g_strdup_printf ("%s/%s.png\n%s/%s.png\n%s/%s.png\n", sub, names[0], sub, names[1],
                                  sub, names[2]);
  g_assert_cmpstr (out, ==, expect);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    char *p = g_strdup_printf ("%s/%s.png", sub, names[i]);
    check_png (p, names[i], 200); /* the default DPI */
    g_free (p);
  }
  g_free (expect);
  g_free (out);
  g_free (err);
  g_free (sub);
  rm_rf (dir);
  g_free (dir);
}

static void
test_cli_only (void)
{
  char *dir = make_tmpdir ();
  char *out, *err;
  /* a repeated name is written once; the registry's order is kept */
  const char *args[] = {"export-figures", "--only",
                        "steepest_descent_unit_circle,gd_torch_quadratic_diagnostics,steepest_descent_unit_circle",
                        "--format=svg", dir, NULL};
  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  char *expect = g_strdup_printf ("%s/%s.svg\n%s/%s.svg\n", dir, names[1], dir, names[2]);
  g_assert_cmpstr (out, ==, expect);
  char *ls = list_dir (dir);
  g_assert_cmpstr (ls, ==, "gd_torch_quadratic_diagnostics.svg steepest_descent_unit_circle.svg");
  g_free (ls);
  g_free (expect);
  g_free (out);
  g_free (err);

  const char *args2[] = {"export-figures", dir, "--only=grad_is_normal_to_level_sets", "--format", "pdf",
                         "--dpi", "50", NULL};
  g_assert_cmpint (run_cli (args2, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  expect = g_strdup_printf ("%s/%s.pdf\n", dir, names[0]);
  g_assert_cmpstr (out, ==, expect);
  char *p = g_strdup_printf ("%s/%s.pdf", dir, names[0]);
  check_pdf (p);
  g_free (p);
  g_free (expect);
  g_free (out);
  g_free (err);
  rm_rf (dir);
  g_free (dir);
}

typedef struct {
  const char *args[8];
  int status;
  const char *message; /* the whole of stderr's first line */
} ErrorCase;

static void
test_cli_errors (void)
{
  char *dir = make_tmpdir ();
  char *target = g_build_filename (dir, "out", NULL);
  const ErrorCase cases[] = {
    {{"export-figures", target, "--only", "grad_is_normal,steepest_descent_unit_circle", NULL}, 2,
     "optbench export-figures: unknown figure 'grad_is_normal' (valid names: grad_is_normal_to_level_sets, "
     "steepest_descent_unit_circle, gd_torch_quadratic_diagnostics)"},
    {{"export-figures", target, "--only", "", NULL}, 2,
     "optbench export-figures: --only names no figure (valid names: grad_is_normal_to_level_sets, "
     "steepest_descent_unit_circle, gd_torch_quadratic_diagnostics)"},
    {{"export-figures", target, "--format", "jpeg", NULL}, 2,
     "optbench export-figures: unknown format 'jpeg' (valid formats: png, svg, pdf)"},
    {{"export-figures", target, "--format=PNG", NULL}, 2,
     "optbench export-figures: unknown format 'PNG' (valid formats: png, svg, pdf)"},
    {{"export-figures", target, "--dpi", "9", NULL}, 2,
     "optbench export-figures: invalid --dpi '9' (an integer from 10 to 2400)"},
    {{"export-figures", target, "--dpi", "2401", NULL}, 2,
     "optbench export-figures: invalid --dpi '2401' (an integer from 10 to 2400)"},
    {{"export-figures", target, "--dpi=abc", NULL}, 2,
     "optbench export-figures: invalid --dpi 'abc' (an integer from 10 to 2400)"},
    {{"export-figures", target, "--dpi", "150.5", NULL}, 2,
     "optbench export-figures: invalid --dpi '150.5' (an integer from 10 to 2400)"},
    {{"export-figures", target, "--dpi", "99999999999999999999999", NULL}, 2,
     "optbench export-figures: invalid --dpi '99999999999999999999999' (an integer from 10 to 2400)"},
    {{"export-figures", target, "--dpi", NULL}, 2, "optbench export-figures: missing value for '--dpi'"},
    {{"export-figures", target, "--colour", NULL}, 2, "optbench export-figures: unknown option '--colour'"},
    {{"export-figures", target, "other", NULL}, 2,
     "optbench export-figures: more than one directory given: 'other'"},
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *out, *err;
    g_test_message ("case %u", i);
    g_assert_cmpint (run_cli (cases[i].args, &out, &err), ==, cases[i].status);
    g_assert_cmpstr (out, ==, "");
    char *nl = strchr (err, '\n');
    g_assert_nonnull (nl);
    *nl = '\0';
    g_assert_cmpstr (err, ==, cases[i].message);
    g_free (out);
    g_free (err);
    /* usage errors are found before anything is created */
    g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  }

  /* unwritable: the directory would have to be made inside a regular file */
  char *file = g_build_filename (dir, "plain", NULL);
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  char *bad = g_build_filename (file, "sub", NULL);
  const char *args[] = {"export-figures", bad, NULL};
  char *out, *err;
  g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
  g_assert_cmpstr (out, ==, "");
  char *msg = g_strdup_printf ("optbench export-figures: cannot create directory '%s': %s\n", bad,
                               g_strerror (ENOTDIR));
  g_assert_cmpstr (err, ==, msg);
  g_free (msg);
  g_free (out);
  g_free (err);
  g_free (bad);

  /* a read-only directory (only meaningful when not root: root writes anyway) */
  if (geteuid () != 0) {
    char *ro = g_build_filename (dir, "ro", NULL);
    g_assert_cmpint (g_mkdir (ro, 0555), ==, 0);
    const char *args2[] = {"export-figures", ro, "--format", "svg", NULL};
    g_assert_cmpint (run_cli (args2, &out, &err), ==, 1);
    g_assert_cmpstr (out, ==, "");
    g_assert_true (g_str_has_prefix (err, "optbench export-figures: "));
    g_assert_nonnull (strstr (err, "grad_is_normal_to_level_sets.svg"));
    g_assert_nonnull (strstr (err, g_strerror (EACCES)));
    char *nl = strchr (err, '\n');
    g_assert_nonnull (nl);
    g_assert_cmpstr (nl + 1, ==, ""); /* one message */
    char *ls = list_dir (ro);
    g_assert_cmpstr (ls, ==, ""); /* no partial or temporary file */
    g_free (ls);
    g_free (out);
    g_free (err);
    g_free (ro);
  }
  g_free (file);
  g_free (target);
  rm_rf (dir);
  g_free (dir);
}

/* The built executable: the exit statuses the brief promises (2 usage, 1 unwritable, 0). */
static void
test_cli_executable (void)
{
  if (!optbench_exe) {
    g_test_skip ("no optbench executable given");
    return;
  }
  char *dir = make_tmpdir ();
  struct {
    const char *extra[4];
    int status;
  } cases[] = {
    {{"--only", "nope", NULL}, 2},
    {{"--format", "gif", NULL}, 2},
    {{"--dpi", "0", NULL}, 2},
    {{"--only", "steepest_descent_unit_circle", "--dpi", "30"}, 0},
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    const char *argv[8] = {optbench_exe, "export-figures", dir};
    int n = 3;
    for (int k = 0; k < 4 && cases[i].extra[k]; k++)
      argv[n++] = cases[i].extra[k];
    char *out = NULL, *err = NULL;
    int wait = 0;
    GError *e = NULL;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait, &e));
    g_assert_no_error (e);
    g_assert_true (WIFEXITED (wait));
    g_assert_cmpint (WEXITSTATUS (wait), ==, cases[i].status);
    if (cases[i].status) {
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "optbench export-figures: "));
    } else {
      char *expect = g_strdup_printf ("%s/steepest_descent_unit_circle.png\n", dir);
      g_assert_cmpstr (out, ==, expect);
      g_assert_cmpstr (err, ==, "");
      g_free (expect);
    }
    g_free (out);
    g_free (err);
  }
  char *ls = list_dir (dir);
  g_assert_cmpstr (ls, ==, "steepest_descent_unit_circle.png");
  g_free (ls);
  rm_rf (dir);
  g_free (dir);
}

/* ---- determinism ---- */

static void
test_deterministic (void)
{
  char *dir = make_tmpdir ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    for (int f = 0; f < 3; f++) {
      char *a = g_strdup_printf ("%s/a.%d", dir, f), *b = g_strdup_printf ("%s/b.%d", dir, f);
      g_assert_true (ob_figure_export_file (names[i], NULL, a, (ObFigureFormat) f, 80, NULL));
      g_assert_true (ob_figure_export_file (names[i], NULL, b, (ObFigureFormat) f, 80, NULL));
      char *ta, *tb;
      gsize la, lb;
      g_assert_true (g_file_get_contents (a, &ta, &la, NULL));
      g_assert_true (g_file_get_contents (b, &tb, &lb, NULL));
      g_assert_cmpmem (ta, la, tb, lb);
      g_free (ta);
      g_free (tb);
      g_free (a);
      g_free (b);
    }
  rm_rf (dir);
  g_free (dir);
}

/* ---- what the figures draw ---- */

static void
test_content_gradient (void)
{
  ObFigureParams p;
  ob_figure_params_default (&p);
  /* the lecture's defaults: L = x^2 + 0.2 y^2 at (1, 1) */
  g_assert_cmpfloat (p.quad_c[0], ==, 1.0);
  g_assert_cmpfloat (p.quad_c[1], ==, 0.2);
  g_assert_cmpfloat (p.w[0], ==, 1.0);
  g_assert_cmpfloat (p.w[1], ==, 1.0);
  const double points[][2] = {{1, 1}, {-1.5, 0.75}, {0.3, -1.9}, {0, 2}};
  for (guint i = 0; i < G_N_ELEMENTS (points); i++) {
    p.w[0] = points[i][0];
    p.w[1] = points[i][1];
    ObGradNormalData d;
    char *e = NULL;
    g_assert_true (ob_figure_grad_normal_compute (&p, &d, &e));
    g_assert_null (e);
    /* closed form: grad = (2 c1 w1, 2 c2 w2); 2cw = cw + cw exactly */
    g_assert_cmpfloat (d.grad[0], ==, 2 * p.quad_c[0] * p.w[0]);
    g_assert_cmpfloat (d.grad[1], ==, 2 * p.quad_c[1] * p.w[1]);
    double L = p.quad_c[0] * p.w[0] * p.w[0] + p.quad_c[1] * p.w[1] * p.w[1];
    g_assert_cmpfloat_with_epsilon (d.loss_at_w, L, 1e-14 * (1 + L));
    /* the tangent: unit length, orthogonal to the gradient, the gradient turned left */
    g_assert_cmpfloat_with_epsilon (hypot (d.tangent[0], d.tangent[1]), 1.0, 1e-15);
    g_assert_cmpfloat_with_epsilon (d.tangent[0] * d.grad[0] + d.tangent[1] * d.grad[1], 0.0, 1e-15);
    g_assert_cmpfloat (d.grad[0] * d.tangent[1] - d.grad[1] * d.tangent[0], >, 0);
  }
  p.w[0] = 1;
  p.w[1] = 1;
  ObGradNormalData d;
  g_assert_true (ob_figure_grad_normal_compute (&p, &d, NULL));
  g_assert_cmpfloat (d.grad[0], ==, 2.0);
  g_assert_cmpfloat (d.grad[1], ==, 0.4);
  g_assert_cmpfloat_with_epsilon (d.loss_at_w, 1.2, 1e-15);
  /* at the minimiser there is no normal direction */
  p.w[0] = 0;
  p.w[1] = 0;
  char *e = NULL;
  g_assert_false (ob_figure_grad_normal_compute (&p, &d, &e));
  g_assert_cmpstr (e, ==, "grad_is_normal_to_level_sets: the gradient at w = (0, 0) is zero: no normal direction to draw");
  free (e);
  g_assert_null (ob_figure_build (names[0], &p, &e));
  g_assert_nonnull (e);
  free (e);
  p.w[0] = NAN;
  g_assert_false (ob_figure_grad_normal_compute (&p, &d, &e));
  g_assert_nonnull (strstr (e, "finite"));
  free (e);
  /* other parameters still build a figure */
  ob_figure_params_default (&p);
  p.w[0] = -0.5;
  p.w[1] = 1.7;
  PlotFigure *fig = ob_figure_build (names[0], &p, &e);
  g_assert_null (e);
  g_assert_nonnull (fig);
  plot_figure_free (fig);
}

static void
test_content_unit_circle (void)
{
  ObFigureParams p;
  ob_figure_params_default (&p);
  ObUnitCircleData d;
  g_assert_true (ob_figure_unit_circle_compute (&p, &d, NULL));
  const double r = sqrt (0.5), n = sqrt (2.0);
  for (int k = 0; k < 2; k++) {
    g_assert_cmpfloat_with_epsilon (d.g_unit[k], r, 1e-15);
    g_assert_cmpfloat_with_epsilon (d.descent[k], -r, 1e-15);
  }
  g_assert_cmpfloat_with_epsilon (d.orth[0], -r, 1e-15);
  g_assert_cmpfloat_with_epsilon (d.orth[1], r, 1e-15);
  /* g^T d: ||g||, -||g|| (the minimum over the circle), 0, ||g|| cos 30 degrees */
  g_assert_cmpfloat_with_epsilon (d.dots[0], n, 1e-14);
  g_assert_cmpfloat_with_epsilon (d.dots[1], -n, 1e-14);
  g_assert_cmpfloat_with_epsilon (d.dots[2], 0, 1e-14);
  g_assert_cmpfloat_with_epsilon (d.dots[3], n * sqrt (3.0) / 2, 1e-14);
  /* another gradient: (3, -4) has norm 5 */
  p.g[0] = 3;
  p.g[1] = -4;
  g_assert_true (ob_figure_unit_circle_compute (&p, &d, NULL));
  g_assert_cmpfloat_with_epsilon (d.descent[0], -0.6, 1e-15);
  g_assert_cmpfloat_with_epsilon (d.descent[1], 0.8, 1e-15);
  g_assert_cmpfloat_with_epsilon (d.dots[1], -5, 1e-14);
  p.g[0] = p.g[1] = 0;
  char *e = NULL;
  g_assert_false (ob_figure_unit_circle_compute (&p, &d, &e));
  g_assert_cmpstr (e, ==, "steepest_descent_unit_circle: the gradient g must be finite and nonzero");
  free (e);
}

static void
check_geometric (double a, double c, double w0, double eta, int steps)
{
  ObFigureParams p;
  ob_figure_params_default (&p);
  p.gd_a = a;
  p.gd_c = c;
  p.gd_w0 = w0;
  p.gd_eta = eta;
  p.gd_steps = steps;
  double w[64], loss[64], g[64];
  g_assert_cmpint (steps, <, 64);
  char *e = NULL;
  g_assert_true (ob_figure_gd_run (&p, w, loss, g, &e));
  g_assert_null (e);
  /* w_k - c = (w0 - c) r^k with r = 1 - 2 eta a: loss shrinks by r^2, |L'| by |r| per step */
  double r = 1 - 2 * eta * a;
  g_assert_cmpfloat (w[0], ==, w0);
  g_assert_cmpfloat (loss[0], ==, a * (w0 - c) * (w0 - c));
  g_assert_cmpfloat (g[0], ==, fabs (2 * a * (w0 - c)));
  for (int k = 0; k < steps; k++) {
    g_assert_cmpfloat_with_epsilon (loss[k + 1] / loss[k], r * r, 1e-9);
    g_assert_cmpfloat_with_epsilon (g[k + 1] / g[k], fabs (r), 1e-9);
    g_assert_cmpfloat_with_epsilon ((w[k + 1] - c) / (w[k] - c), r, 1e-9);
  }
  g_assert_cmpfloat_with_epsilon (loss[steps], a * (w0 - c) * (w0 - c) * pow (r * r, steps),
                                  1e-9 * loss[steps]);
}

static void
test_content_gd (void)
{
  ObFigureParams p;
  ob_figure_params_default (&p);
  check_geometric (p.gd_a, p.gd_c, p.gd_w0, p.gd_eta, p.gd_steps); /* the defaults: 0.64 per step */
  check_geometric (0.5, 0, -2, 0.3, 30);                           /* L = 0.5 w^2: 0.49 per step */
  check_geometric (2, -1, 4, 0.4, 20);                             /* r = -0.6: oscillates */
  /* too large a step diverges: an error, not a figure of infinities */
  p.gd_eta = 50;
  p.gd_steps = 1000;
  char *e = NULL;
  g_assert_false (ob_figure_gd_run (&p, NULL, NULL, NULL, &e));
  g_assert_nonnull (strstr (e, "diverged"));
  free (e);
  g_assert_null (ob_figure_build (names[2], &p, &e));
  g_assert_nonnull (strstr (e, "diverged"));
  free (e);
  ob_figure_params_default (&p);
  p.gd_steps = 0;
  g_assert_null (ob_figure_build (names[2], &p, &e));
  g_assert_cmpstr (e, ==, "gd_torch_quadratic_diagnostics: the number of steps must be between 1 and 10000");
  free (e);
  ob_figure_params_default (&p);
  p.gd_eta = -0.1;
  g_assert_false (ob_figure_gd_run (&p, NULL, NULL, NULL, &e));
  g_assert_nonnull (e);
  free (e);
  /* starting at the minimum: losses are 0, which a log axis skips; still a figure */
  ob_figure_params_default (&p);
  p.gd_w0 = p.gd_c;
  PlotFigure *fig = ob_figure_build (names[2], &p, &e);
  g_assert_null (e);
  g_assert_nonnull (fig);
  plot_figure_free (fig);
}

/* The placed labels of every figure at the export size: none overlaps another. */
static void
test_labels_do_not_overlap (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    PlotFigure *fig = ob_figure_build (names[i], NULL, NULL);
    g_assert_nonnull (fig);
    double w, h;
    plot_figure_get_size (fig, &w, &h);
    plot_figure_layout (fig, w, h);
    int n = 0;
    const PlotPlacedLabel *labels = plot_figure_get_labels (fig, &n);
    for (int k = 0; k < n; k++) {
      g_test_message ("%s label %d", names[i], k);
      g_assert_false (labels[k].overlaps);
      g_assert_cmpfloat (labels[k].box.x, >=, 0);
      g_assert_cmpfloat (labels[k].box.y, >=, 0);
      g_assert_cmpfloat (labels[k].box.x + labels[k].box.w, <=, w);
      g_assert_cmpfloat (labels[k].box.y + labels[k].box.h, <=, h);
    }
    plot_figure_free (fig);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc > 1)
    optbench_exe = argv[1];
  g_test_add_func ("/figures/registry", test_registry);
  g_test_add_func ("/figures/export/all-formats", test_export_all_formats);
  g_test_add_func ("/figures/export/png-dpi", test_png_dpi);
  g_test_add_func ("/figures/export/deterministic", test_deterministic);
  g_test_add_func ("/figures/cli/defaults", test_cli_defaults);
  g_test_add_func ("/figures/cli/only", test_cli_only);
  g_test_add_func ("/figures/cli/errors", test_cli_errors);
  g_test_add_func ("/figures/cli/executable", test_cli_executable);
  g_test_add_func ("/figures/content/gradient", test_content_gradient);
  g_test_add_func ("/figures/content/unit-circle", test_content_unit_circle);
  g_test_add_func ("/figures/content/gradient-descent", test_content_gd);
  g_test_add_func ("/figures/layout/labels", test_labels_do_not_overlap);
  return g_test_run ();
}
