/* plot-export.c: PNG, SVG and PDF export through a temporary file renamed into place. */
#include "plot.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
set_error (char **error, const char *fmt, ...)
{
  if (!error)
    return;
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  if (n < 0) {
    *error = NULL;
    return;
  }
  *error = malloc ((size_t) n + 1);
  if (*error) {
    va_start (ap, fmt);
    vsnprintf (*error, (size_t) n + 1, fmt, ap);
    va_end (ap);
  }
}

typedef struct {
  FILE *fp;
  int err; /* errno of the first failed write */
} Sink;

static cairo_status_t
write_cb (void *closure, const unsigned char *data, unsigned int length)
{
  Sink *s = closure;
  if (s->err)
    return CAIRO_STATUS_WRITE_ERROR;
  if (fwrite (data, 1, length, s->fp) != length) {
    s->err = errno ? errno : EIO;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

typedef enum { FMT_PNG, FMT_SVG, FMT_PDF } Format;

static bool
export (PlotFigure *fig, const char *path, Format fmt, double dpi, char **error)
{
  if (error)
    *error = NULL;
  if (!fig || !path || !*path) {
    set_error (error, "no figure or no path given");
    return false;
  }
  double wpt, hpt;
  plot_figure_get_size (fig, &wpt, &hpt);
  int wpx = 0, hpx = 0;
  if (fmt == FMT_PNG) {
    if (!(dpi >= 1 && dpi <= 4800)) {
      set_error (error, "cannot write '%s': dpi must be between 1 and 4800", path);
      return false;
    }
    double fw = round (wpt * dpi / 72), fh = round (hpt * dpi / 72);
    if (fw < 1 || fh < 1 || fw > 32767 || fh > 32767) {
      set_error (error, "cannot write '%s': a %.0f x %.0f pixel image is too large", path, fw, fh);
      return false;
    }
    wpx = (int) fw;
    hpx = (int) fh;
  }
  size_t len = strlen (path);
  char *tmp = malloc (len + 16);
  if (!tmp) {
    set_error (error, "cannot write '%s': out of memory", path);
    return false;
  }
  memcpy (tmp, path, len);
  memcpy (tmp + len, ".tmp-XXXXXX", 12);
  int fd = mkstemp (tmp);
  if (fd < 0) {
    set_error (error, "cannot write '%s': %s", path, strerror (errno));
    free (tmp);
    return false;
  }
  fchmod (fd, 0644); /* mkstemp makes 0600; a figure is an ordinary document */
  Sink sink = {fdopen (fd, "wb"), 0};
  if (!sink.fp) {
    set_error (error, "cannot write '%s': %s", path, strerror (errno));
    close (fd);
    unlink (tmp);
    free (tmp);
    return false;
  }
  cairo_surface_t *surf = NULL;
  double scale = 1;
  if (fmt == FMT_PNG) {
    surf = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, wpx, hpx);
    scale = dpi / 72;
  } else if (fmt == FMT_SVG) {
    surf = cairo_svg_surface_create_for_stream (write_cb, &sink, wpt, hpt);
    cairo_svg_surface_set_document_unit (surf, CAIRO_SVG_UNIT_PT);
  } else {
    surf = cairo_pdf_surface_create_for_stream (write_cb, &sink, wpt, hpt);
    /* fixed dates: the same figure gives the same bytes */
    cairo_pdf_surface_set_metadata (surf, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata (surf, CAIRO_PDF_METADATA_MOD_DATE, "2000-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata (surf, CAIRO_PDF_METADATA_CREATOR, "optbench");
  }
  cairo_status_t st = cairo_surface_status (surf);
  if (st == CAIRO_STATUS_SUCCESS) {
    cairo_t *cr = cairo_create (surf);
    plot_figure_render (fig, cr, fmt == FMT_PNG ? wpx : wpt, fmt == FMT_PNG ? hpx : hpt, scale);
    st = cairo_status (cr);
    cairo_destroy (cr);
  }
  if (st == CAIRO_STATUS_SUCCESS) {
    if (fmt == FMT_PNG)
      st = cairo_surface_write_to_png_stream (surf, write_cb, &sink);
    else
      cairo_surface_finish (surf);
    if (st == CAIRO_STATUS_SUCCESS)
      st = cairo_surface_status (surf);
  }
  cairo_surface_destroy (surf);
  int werr = sink.err;
  if (fflush (sink.fp) != 0 && !werr)
    werr = errno ? errno : EIO;
  if (fsync (fileno (sink.fp)) != 0 && !werr && errno != EINVAL)
    werr = errno;
  if (fclose (sink.fp) != 0 && !werr)
    werr = errno ? errno : EIO;
  bool ok = false;
  if (werr)
    set_error (error, "cannot write '%s': %s", path, strerror (werr));
  else if (st != CAIRO_STATUS_SUCCESS)
    set_error (error, "cannot write '%s': %s", path, cairo_status_to_string (st));
  else if (rename (tmp, path) != 0)
    set_error (error, "cannot write '%s': %s", path, strerror (errno));
  else
    ok = true;
  if (!ok)
    unlink (tmp);
  free (tmp);
  return ok;
}

bool
plot_figure_write_png (PlotFigure *fig, const char *path, double dpi, char **error)
{
  return export (fig, path, FMT_PNG, dpi, error);
}

bool
plot_figure_write_svg (PlotFigure *fig, const char *path, char **error)
{
  return export (fig, path, FMT_SVG, 0, error);
}

bool
plot_figure_write_pdf (PlotFigure *fig, const char *path, char **error)
{
  return export (fig, path, FMT_PDF, 0, error);
}
