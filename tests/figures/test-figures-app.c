/* test-figures-app: the window's Export Figure… path after the chooser (ob_figure_export_to_path),
 * without a display: the chooser itself is the desktop's. Paths /figures/app/... */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ob-figure-export.h"

static void
test_format_for_path (void)
{
  g_assert_cmpint (ob_figure_export_format_for_path ("/a/b.png", OB_FIGURE_PDF), ==, OB_FIGURE_PNG);
  g_assert_cmpint (ob_figure_export_format_for_path ("/a/b.SVG", OB_FIGURE_PNG), ==, OB_FIGURE_SVG);
  g_assert_cmpint (ob_figure_export_format_for_path ("b.Pdf", OB_FIGURE_PNG), ==, OB_FIGURE_PDF);
  g_assert_cmpint (ob_figure_export_format_for_path ("/a.png/b", OB_FIGURE_SVG), ==, OB_FIGURE_SVG);
  g_assert_cmpint (ob_figure_export_format_for_path ("/a/b.jpeg", OB_FIGURE_PDF), ==, OB_FIGURE_PDF);
  g_assert_cmpint (ob_figure_export_format_for_path (NULL, OB_FIGURE_SVG), ==, OB_FIGURE_SVG);
}

static void
test_export_to_path (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("optbench-figures-app-XXXXXX", &error);
  g_assert_no_error (error);

  /* the extension typed decides the format, whatever the preference */
  char *path = g_build_filename (dir, "mine.PDF", NULL);
  char *written = ob_figure_export_to_path ("grad_is_normal_to_level_sets", NULL, path, OB_FIGURE_PNG, 200, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, path);
  char *text = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (written, &text, &len, NULL));
  g_assert_true (len > 5 && memcmp (text, "%PDF-", 5) == 0);
  g_free (text);
  g_free (written);
  g_free (path);

  /* no extension: the preferred format's is added, at the preferred DPI (here 144: 2 px per pt) */
  path = g_build_filename (dir, "noext", NULL);
  written = ob_figure_export_to_path ("steepest_descent_unit_circle", NULL, path, OB_FIGURE_PNG, 144, &error);
  g_assert_no_error (error);
  char *expect = g_strconcat (path, ".png", NULL);
  g_assert_cmpstr (written, ==, expect);
  g_assert_true (g_file_get_contents (written, &text, &len, NULL));
  g_assert_true (len > 24 && memcmp (text, "\x89PNG", 4) == 0);
  /* IHDR width and height, big-endian, at bytes 16..23 */
  guint32 wbe, hbe;
  memcpy (&wbe, text + 16, 4);
  memcpy (&hbe, text + 20, 4);
  PlotFigure *fig = ob_figure_build ("steepest_descent_unit_circle", NULL, NULL);
  double wpt, hpt;
  plot_figure_get_size (fig, &wpt, &hpt);
  plot_figure_free (fig);
  g_assert_cmpuint (GUINT32_FROM_BE (wbe), ==, (guint) (wpt * 2 + 0.5));
  g_assert_cmpuint (GUINT32_FROM_BE (hbe), ==, (guint) (hpt * 2 + 0.5));
  g_free (text);
  g_free (expect);
  g_free (written);
  g_free (path);

  /* the lesson's current parameters are drawn */
  ObFigureParams p;
  ob_figure_params_default (&p);
  p.gd_eta = 0.25;
  path = g_build_filename (dir, "gd.svg", NULL);
  written = ob_figure_export_to_path ("gd_torch_quadratic_diagnostics", &p, path, OB_FIGURE_PNG, 200, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (written, G_FILE_TEST_IS_REGULAR));
  g_free (written);
  g_free (path);

  /* errors: an unknown figure, an unwritable place; nothing is left behind */
  path = g_build_filename (dir, "x.png", NULL);
  g_assert_null (ob_figure_export_to_path ("no_such_figure", NULL, path, OB_FIGURE_PNG, 200, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_free (path);
  path = g_build_filename (dir, "missing", "sub", "x.svg", NULL);
  g_assert_null (ob_figure_export_to_path ("grad_is_normal_to_level_sets", NULL, path, OB_FIGURE_PNG, 200, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "x.svg"));
  g_clear_error (&error);
  g_free (path);

  const char *left[] = {"gd.svg", "mine.PDF", "noext.png"};
  for (guint i = 0; i < G_N_ELEMENTS (left); i++) {
    char *f = g_build_filename (dir, left[i], NULL);
    g_assert_cmpint (g_unlink (f), ==, 0);
    g_free (f);
  }
  g_assert_cmpint (g_rmdir (dir), ==, 0); /* empty: no temporary files remained */
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/figures/app/format-for-path", test_format_for_path);
  g_test_add_func ("/figures/app/export-to-path", test_export_to_path);
  return g_test_run ();
}
