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

#ifdef PLOT_HAVE_LIBPNG
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#endif

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
  /* SVG is collected in memory first, to renumber cairo's process-wide ids (below) */
  bool to_memory;
  unsigned char *buf;
  size_t len, cap;
} Sink;

static cairo_status_t
write_cb (void *closure, const unsigned char *data, unsigned int length)
{
  Sink *s = closure;
  if (s->err)
    return CAIRO_STATUS_WRITE_ERROR;
  if (s->to_memory) {
    if (s->len + length > s->cap) {
      size_t cap = s->cap ? s->cap : 65536;
      while (cap < s->len + length)
        cap *= 2;
      unsigned char *b = realloc (s->buf, cap);
      if (!b) {
        s->err = ENOMEM;
        return CAIRO_STATUS_WRITE_ERROR;
      }
      s->buf = b;
      s->cap = cap;
    }
    memcpy (s->buf + s->len, data, length);
    s->len += length;
    return CAIRO_STATUS_SUCCESS;
  }
  if (fwrite (data, 1, length, s->fp) != length) {
    s->err = errno ? errno : EIO;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

typedef enum { FMT_PNG, FMT_SVG, FMT_PDF } Format;

/* cairo names SVG groups and images after counters shared by the whole process ("surface7",
 * "image12"), so the same figure exported twice would differ. Renumber them in order of first
 * appearance, in id="..." and in "#..." references, and write the result. */
static void
write_svg_normalised (Sink *s)
{
  static const char *const prefixes[] = {"surface", "image"};
  enum { MAXMAP = 4096 };
  unsigned long from[2][MAXMAP];
  int nmap[2] = {0, 0};
  size_t i = 0, n = s->len;
  const char *b = (const char *) s->buf;
  while (i < n && !s->err) {
    size_t j = i;
    int which = -1;
    size_t plen = 0;
    if ((b[i] == '"' || b[i] == '#') && i + 1 < n)
      for (int p = 0; p < 2; p++) {
        plen = strlen (prefixes[p]);
        if (i + 1 + plen < n && memcmp (b + i + 1, prefixes[p], plen) == 0 && b[i + 1 + plen] >= '0' &&
            b[i + 1 + plen] <= '9') {
          which = p;
          break;
        }
      }
    if (which < 0) {
      /* copy up to the next candidate character */
      j = i + 1;
      while (j < n && b[j] != '"' && b[j] != '#')
        j++;
      if (fwrite (b + i, 1, j - i, s->fp) != j - i)
        s->err = errno ? errno : EIO;
      i = j;
      continue;
    }
    size_t d = i + 1 + plen;
    unsigned long num = 0;
    while (d < n && b[d] >= '0' && b[d] <= '9' && num < 100000000ul)
      num = num * 10 + (unsigned long) (b[d++] - '0');
    int k;
    for (k = 0; k < nmap[which] && from[which][k] != num; k++)
      ;
    if (k == nmap[which] && k < MAXMAP)
      from[which][nmap[which]++] = num;
    if (fprintf (s->fp, "%c%s%d", b[i], prefixes[which], k + 1) < 0)
      s->err = errno ? errno : EIO;
    i = d;
  }
}

#ifdef PLOT_HAVE_LIBPNG
/* PNG through libpng directly, because cairo's writer spends most of an export in zlib and in
 * trying all five row filters: the figure is opaque, so RGB (no alpha) rows, one cheap filter and
 * a fast compression level give files about as small in a fraction of the time. The DPI goes into
 * the pHYs chunk, so viewers and word processors size the image right. */
static void
png_write_sink (png_structp png, png_bytep data, size_t length)
{
  Sink *s = png_get_io_ptr (png);
  if (write_cb (s, data, (unsigned int) length) != CAIRO_STATUS_SUCCESS)
    png_error (png, "write failed");
}

static void
png_flush_sink (png_structp png)
{
  (void) png;
}

static cairo_status_t
write_png_fast (cairo_surface_t *surf, Sink *sink, double dpi)
{
  cairo_surface_flush (surf);
  int w = cairo_image_surface_get_width (surf), h = cairo_image_surface_get_height (surf);
  int stride = cairo_image_surface_get_stride (surf);
  const unsigned char *data = cairo_image_surface_get_data (surf);
  if (!data || w <= 0 || h <= 0)
    return CAIRO_STATUS_INVALID_SIZE;
  unsigned char *row = malloc ((size_t) w * 3);
  if (!row)
    return CAIRO_STATUS_NO_MEMORY;
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png ? png_create_info_struct (png) : NULL;
  if (!png || !info) {
    png_destroy_write_struct (&png, &info);
    free (row);
    return CAIRO_STATUS_NO_MEMORY;
  }
  /* volatile: read after a longjmp out of libpng */
  unsigned char *volatile keep = row;
  if (setjmp (png_jmpbuf (png))) {
    png_destroy_write_struct (&png, &info);
    free (keep);
    return CAIRO_STATUS_WRITE_ERROR;
  }
  png_set_write_fn (png, sink, png_write_sink, png_flush_sink);
  png_set_IHDR (png, info, (png_uint_32) w, (png_uint_32) h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_uint_32 ppm = (png_uint_32) lround (dpi / 0.0254);
  png_set_pHYs (png, info, ppm, ppm, PNG_RESOLUTION_METER);
  png_set_filter (png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
  png_set_compression_level (png, 3);
  png_write_info (png, info);
  for (int y = 0; y < h; y++) {
    const uint32_t *src = (const uint32_t *) (data + (size_t) y * (size_t) stride);
    for (int x = 0; x < w; x++) {
      uint32_t px = src[x]; /* premultiplied ARGB in native order; opaque here */
      row[3 * x] = (unsigned char) (px >> 16);
      row[3 * x + 1] = (unsigned char) (px >> 8);
      row[3 * x + 2] = (unsigned char) px;
    }
    png_write_row (png, row);
  }
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  free (row);
  return CAIRO_STATUS_SUCCESS;
}
#endif

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
  /* The figure paints its background first: with an opaque one, the PNG needs no alpha. */
  bool opaque = plot_theme_color (plot_figure_get_theme (fig), PLOT_ROLE_BACKGROUND).a >= 1;
  (void) opaque;
  if (fmt == FMT_PNG) {
    surf = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, wpx, hpx);
    scale = dpi / 72;
  } else if (fmt == FMT_SVG) {
    sink.to_memory = true;
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
#ifdef PLOT_HAVE_LIBPNG
      st = opaque ? write_png_fast (surf, &sink, dpi) : cairo_surface_write_to_png_stream (surf, write_cb, &sink);
#else
      st = cairo_surface_write_to_png_stream (surf, write_cb, &sink);
#endif
    else
      cairo_surface_finish (surf);
    if (st == CAIRO_STATUS_SUCCESS)
      st = cairo_surface_status (surf);
  }
  cairo_surface_destroy (surf);
  if (sink.to_memory) {
    if (st == CAIRO_STATUS_SUCCESS && !sink.err)
      write_svg_normalised (&sink);
    free (sink.buf);
  }
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
