/* figures-cli.c: `optbench export-figures [DIR] [--format png|svg|pdf] [--dpi N] [--only NAME,...]`.
 * Every argument is checked before anything is written, so a usage error leaves no file behind. */
#include "figures.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define PROG "optbench export-figures"

static int
usage_error (FILE *err, const char *msg, const char *arg)
{
  fprintf (err, PROG ": %s%s%s%s\n", msg, arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
  fputs ("Usage: optbench export-figures [DIR] [--format png|svg|pdf] [--dpi N] [--only NAME,...]\n", err);
  return 2;
}

/* mkdir -p: creates dir and its missing parents. Returns 0 or an errno. */
static int
make_dirs (const char *dir)
{
  struct stat st;
  if (stat (dir, &st) == 0)
    return S_ISDIR (st.st_mode) ? 0 : ENOTDIR;
  size_t len = strlen (dir);
  char *p = malloc (len + 1);
  if (!p)
    return ENOMEM;
  memcpy (p, dir, len + 1);
  int rc = 0;
  for (size_t i = 1; i <= len && rc == 0; i++) {
    if (p[i] != '/' && p[i] != '\0')
      continue;
    char saved = p[i];
    p[i] = '\0';
    if (mkdir (p, 0777) != 0 && errno != EEXIST)
      rc = errno;
    else if (stat (p, &st) != 0)
      rc = errno;
    else if (!S_ISDIR (st.st_mode))
      rc = ENOTDIR;
    p[i] = saved;
  }
  free (p);
  return rc;
}

int
ob_figures_main (int argc, char **argv, FILE *out, FILE *err)
{
  const char *dir = NULL, *format_name = "png", *dpi_text = NULL, *only = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **slot = NULL;
    const char *opt = NULL;
    if (strcmp (a, "--format") == 0 || strncmp (a, "--format=", 9) == 0)
      slot = &format_name, opt = "--format";
    else if (strcmp (a, "--dpi") == 0 || strncmp (a, "--dpi=", 6) == 0)
      slot = &dpi_text, opt = "--dpi";
    else if (strcmp (a, "--only") == 0 || strncmp (a, "--only=", 7) == 0)
      slot = &only, opt = "--only";
    if (slot) {
      size_t ol = strlen (opt);
      if (a[ol] == '=') {
        *slot = a + ol + 1;
      } else if (i + 1 < argc) {
        *slot = argv[++i];
      } else {
        return usage_error (err, "missing value for", opt);
      }
      continue;
    }
    if (a[0] == '-' && a[1] != '\0')
      return usage_error (err, "unknown option", a);
    if (dir)
      return usage_error (err, "more than one directory given:", a);
    dir = a;
  }
  if (!dir)
    dir = "figures";
  if (!*dir)
    return usage_error (err, "the directory name is empty", NULL);

  int format = ob_figure_format_from_name (format_name);
  if (format < 0) {
    fprintf (err, PROG ": unknown format '%s' (valid formats: png, svg, pdf)\n", format_name);
    return 2;
  }
  double dpi = 200;
  if (dpi_text) {
    char *end = NULL;
    errno = 0;
    long v = strtol (dpi_text, &end, 10);
    if (end == dpi_text || *end || errno == ERANGE || v < OB_FIGURE_DPI_MIN || v > OB_FIGURE_DPI_MAX) {
      fprintf (err, PROG ": invalid --dpi '%s' (an integer from %d to %d)\n", dpi_text,
               OB_FIGURE_DPI_MIN, OB_FIGURE_DPI_MAX);
      return 2;
    }
    dpi = (double) v;
  }

  /* which figures, in the registry's order (each once, however often it is named) */
  int n = ob_figure_count ();
  bool *want = calloc ((size_t) n, sizeof *want);
  if (!want) {
    fputs (PROG ": out of memory\n", err);
    return 1;
  }
  if (!only) {
    for (int k = 0; k < n; k++)
      want[k] = true;
  } else {
    const char *s = only;
    bool any = false;
    while (*s) {
      const char *e = strchr (s, ',');
      size_t len = e ? (size_t) (e - s) : strlen (s);
      int found = -1;
      for (int k = 0; k < n && found < 0; k++)
        if (strlen (ob_figure_name (k)) == len && strncmp (ob_figure_name (k), s, len) == 0)
          found = k;
      if (found < 0) {
        fprintf (err, PROG ": unknown figure '%.*s' (valid names: %s)\n", (int) len, s,
                 ob_figure_names_list ());
        free (want);
        return 2;
      }
      want[found] = any = true;
      s += len;
      if (*s == ',')
        s++;
    }
    if (!any) {
      fprintf (err, PROG ": --only names no figure (valid names: %s)\n", ob_figure_names_list ());
      free (want);
      return 2;
    }
  }

  int rc = make_dirs (dir);
  if (rc != 0) {
    fprintf (err, PROG ": cannot create directory '%s': %s\n", dir, strerror (rc));
    free (want);
    return 1;
  }
  ObFigureParams params;
  ob_figure_params_default (&params);
  const char *ext = ob_figure_format_name ((ObFigureFormat) format);
  int status = 0;
  for (int k = 0; k < n && status == 0; k++) {
    if (!want[k])
      continue;
    const char *name = ob_figure_name (k);
    size_t plen = strlen (dir) + strlen (name) + strlen (ext) + 3;
    char *path = malloc (plen);
    if (!path) {
      fputs (PROG ": out of memory\n", err);
      status = 1;
      break;
    }
    size_t dl = strlen (dir);
    snprintf (path, plen, "%s%s%s.%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name, ext);
    char *msg = NULL;
    if (ob_figure_export_file (name, &params, path, (ObFigureFormat) format, dpi, &msg)) {
      fprintf (out, "%s\n", path);
      fflush (out);
    } else {
      fprintf (err, PROG ": %s\n", msg ? msg : "cannot write the figure");
      status = 1;
    }
    free (msg);
    free (path);
  }
  free (want);
  return status;
}
