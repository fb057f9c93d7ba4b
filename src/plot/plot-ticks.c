/* plot-ticks.c: nice tick placement (1-2-5 steps; decades on log axes) and compact tick labels. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* 10^e as the double nearest to the decimal value: exact for e >= 0 up to 22, and a correctly
 * rounded division for e < 0, so that k * step lands on the decimal 0.3 rather than 0.30000000000000004. */
static double
pow10i (int e)
{
  double p = 1;
  int a = e < 0 ? -e : e;
  for (int i = 0; i < a && i < 308; i++)
    p *= 10;
  return p;
}

/* k * m * 10^e, rounded once. */
static double
scaled (double km, int e)
{
  return e >= 0 ? km * pow10i (e) : km / pow10i (-e);
}

static const int mantissas[3] = {1, 2, 5};

static bool
linear_ticks (double lo, double hi, int target, PlotTicks *out)
{
  double span = hi - lo;
  if (!(span > 0) || !isfinite (span))
    return false;
  int e0 = (int) floor (log10 (span / target));
  int best_e = 0, best_m = 0, best_count = 0;
  double best_score = INFINITY;
  /* Scan the 1-2-5 steps around the ideal one; keep the count closest to target (at least 2),
   * preferring the smaller step on ties (-2..2 gets 5 labels rather than 3). */
  for (int e = e0 - 1; e <= e0 + 1; e++)
    for (int mi = 0; mi < 3; mi++) {
      double step = scaled (mantissas[mi], e);
      double k0 = ceil (lo / step - 1e-9), k1 = floor (hi / step + 1e-9);
      double count = k1 - k0 + 1;
      if (count < 2 || count > PLOT_MAX_TICKS)
        continue;
      /* Distance from the target count, plus a penalty for leaving much of the range without
       * labels (0 and 50 alone on a 0..60 axis read worse than 0, 20, 40, 60). */
      double covered = (k1 - k0) * step / (hi - lo);
      double score = fabs (count - target) + 2 * (1 - fmin (1, covered));
      if (score < best_score) {
        best_score = score;
        best_e = e;
        best_m = mantissas[mi];
        best_count = (int) count;
      }
    }
  if (best_count == 0)
    return false;
  double step = scaled (best_m, best_e);
  double k0 = ceil (lo / step - 1e-9);
  out->n_major = 0;
  for (int i = 0; i < best_count; i++) {
    double v = scaled ((k0 + i) * best_m, best_e);
    out->major[out->n_major++] = v == 0 ? 0.0 : v; /* no -0 */
  }
  out->step = step;
  out->log_decades = false;
  /* Minor ticks: 5 per major for steps of 1 and 5, 4 for steps of 2. */
  int sub = best_m == 2 ? 4 : 5;
  out->n_minor = 0;
  double kk0 = ceil (lo / step * sub - 1e-9), kk1 = floor (hi / step * sub + 1e-9);
  for (double kk = kk0; kk <= kk1 && out->n_minor < PLOT_MAX_TICKS; kk++) {
    if (fmod (kk, sub) == 0)
      continue;
    /* kk * m / sub * 10^e: keep it one rounding by scaling the integer part first. */
    double v = scaled (kk * best_m, best_e) / sub;
    out->minor[out->n_minor++] = v;
  }
  return true;
}

static double
decade (int k)
{
  return scaled (1, k);
}

bool
plot_ticks_compute (PlotScale scale, double lo, double hi, int target, PlotTicks *out)
{
  if (!out)
    return false;
  memset (out, 0, sizeof *out);
  if (!isfinite (lo) || !isfinite (hi))
    return false;
  if (lo > hi) {
    double t = lo;
    lo = hi;
    hi = t;
  }
  if (target < 2)
    target = 2;
  if (target > PLOT_MAX_TICKS / 2)
    target = PLOT_MAX_TICKS / 2;
  if (scale == PLOT_SCALE_LINEAR)
    return linear_ticks (lo, hi, target, out);

  if (!(lo > 0) || !(hi > lo))
    return false;
  double dlo = log10 (lo), dhi = log10 (hi);
  int k0 = (int) ceil (dlo - 1e-9), k1 = (int) floor (dhi + 1e-9);
  int n = k1 - k0 + 1;
  if (n < 2) /* less than two decades inside: a linear axis reads better */
    return linear_ticks (lo, hi, target, out);
  /* decade labels are short: a short axis spanning many decades still takes three (1, 10^-3,
   * 10^-6 reads better than 1, 10^-5 alone) */
  if (target < 3 && n >= 3)
    target = 3;
  static const int dsteps[] = {1, 2, 3, 5, 10, 20, 50, 100};
  int s = 100;
  for (size_t i = 0; i < sizeof dsteps / sizeof *dsteps; i++) {
    /* the labels a step gives: the multiples of it in [k0, k1] */
    int d = dsteps[i];
    int count = (int) (floor ((double) k1 / d) - ceil ((double) k0 / d)) + 1;
    if (count <= target) {
      s = d;
      break;
    }
  }
  out->log_decades = true;
  out->step = s;
  int first = k0 % s == 0 ? k0 : k0 + ((s - ((k0 % s) + s) % s) % s);
  for (int k = first; k <= k1 && out->n_major < PLOT_MAX_TICKS; k += s)
    out->major[out->n_major++] = decade (k);
  if (out->n_major < 2) { /* a coarse step left one label: label every decade */
    out->n_major = 0;
    out->step = 1;
    for (int k = k0; k <= k1 && out->n_major < PLOT_MAX_TICKS; k++)
      out->major[out->n_major++] = decade (k);
    s = 1;
  }
  if (s == 1) {
    for (int k = k0 - 1; k <= k1 && out->n_minor < PLOT_MAX_TICKS; k++)
      for (int m = 2; m <= 9 && out->n_minor < PLOT_MAX_TICKS; m++) {
        double v = k >= 0 ? m * decade (k) : m / decade (-k);
        if (v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12))
          out->minor[out->n_minor++] = v;
      }
  } else {
    for (int k = k0; k <= k1 && out->n_minor < PLOT_MAX_TICKS; k++)
      if (((k % s) + s) % s != 0)
        out->minor[out->n_minor++] = decade (k);
  }
  return true;
}

static const char *const superscripts[10] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};

/* Appends "10" followed by the exponent in superscript digits. */
static void
append_power (char *buf, size_t size, int k)
{
  size_t len = strlen (buf);
  char digits[16];
  snprintf (digits, sizeof digits, "%d", k < 0 ? -k : k);
  snprintf (buf + len, size - len, "10%s", k < 0 ? "⁻" : "");
  for (const char *d = digits; *d; d++) {
    len = strlen (buf);
    snprintf (buf + len, size - len, "%s", superscripts[*d - '0']);
  }
}

/* Replaces an ASCII leading '-' with U+2212 MINUS SIGN, and drops it from an all-zero number. */
static void
fix_minus (char *buf, size_t size)
{
  if (buf[0] != '-')
    return;
  bool zero = true;
  for (const char *p = buf + 1; *p && *p != 'e'; p++)
    if (*p >= '1' && *p <= '9')
      zero = false;
  if (zero) {
    memmove (buf, buf + 1, strlen (buf));
    return;
  }
  size_t len = strlen (buf);
  if (len + 2 >= size)
    return;
  memmove (buf + 3, buf + 1, len); /* includes the NUL */
  memcpy (buf, "\xe2\x88\x92", 3);
}

char *
plot_format_tick (double value, double step, bool log_decade, char *buf, size_t size)
{
  if (!buf || size == 0)
    return buf;
  buf[0] = 0;
  if (!isfinite (value)) {
    snprintf (buf, size, "%s", isnan (value) ? "NaN" : value > 0 ? "∞" : "−∞");
    return buf;
  }
  if (log_decade && value > 0) {
    int k = (int) lround (log10 (value));
    if (k == 0)
      snprintf (buf, size, "1");
    else if (k == 1)
      snprintf (buf, size, "10");
    else
      append_power (buf, size, k);
    return buf;
  }
  if (!(step > 0) || !isfinite (step))
    step = fabs (value);
  if (value == 0 || fabs (value) < step * 1e-9) { /* rounding residue of a zero tick */
    snprintf (buf, size, "0");
    return buf;
  }
  int e = (int) floor (log10 (step) + 1e-9);
  double av = fabs (value);
  if (av >= 1e6 || step < 1e-4) {
    /* m×10ⁿ with as many mantissa decimals as the step needs. */
    int ev = (int) floor (log10 (av) + 1e-12);
    double mant = value / scaled (1, ev);
    int dec = ev - e;
    if (dec < 0)
      dec = 0;
    if (dec > 6)
      dec = 6;
    snprintf (buf, size, "%.*f", dec, mant);
    if (strcmp (buf, "1") == 0 || strcmp (buf, "-1") == 0) {
      buf[buf[0] == '-' ? 1 : 0] = 0;
    } else {
      size_t len = strlen (buf);
      snprintf (buf + len, size - len, "×");
    }
    append_power (buf, size, ev);
    fix_minus (buf, size);
    return buf;
  }
  int dec = e < 0 ? -e : 0;
  if (dec > 12)
    dec = 12;
  snprintf (buf, size, "%.*f", dec, value);
  fix_minus (buf, size);
  return buf;
}

void
plot_nice_limits (double lo, double hi, int target, double *out_lo, double *out_hi)
{
  if (!isfinite (lo) || !isfinite (hi)) {
    lo = 0;
    hi = 1;
  }
  if (lo > hi) {
    double t = lo;
    lo = hi;
    hi = t;
  }
  if (hi - lo <= fabs (hi) * 1e-12) {
    double d = fabs (lo) > 0 ? fabs (lo) * 0.1 : 1;
    lo -= d;
    hi += d;
  }
  PlotTicks t;
  double nlo = lo, nhi = hi;
  if (plot_ticks_compute (PLOT_SCALE_LINEAR, lo, hi, target, &t)) {
    nlo = floor (lo / t.step + 1e-9) * t.step;
    nhi = ceil (hi / t.step - 1e-9) * t.step;
  }
  if (out_lo)
    *out_lo = nlo;
  if (out_hi)
    *out_hi = nhi;
}
