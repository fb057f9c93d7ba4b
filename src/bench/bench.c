/* bench.c — `optbench bench [--json] [--device cpu|cuda] [--only NAME,...] [--repeat N]`.
 *
 * Each workload runs once cold, then once more to size a batch: a sample is the mean of `inner`
 * back-to-back runs, with inner chosen so that a sample lasts at least OB_MIN_SAMPLE seconds (so
 * the clock's resolution and per-call noise do not matter), then `repeat` samples are taken.
 * Reported: the median sample, its interquartile range and extremes, the throughput, and its
 * fraction of the machine's limit, which is measured here too: a STREAM-style copy for memory
 * bandwidth and a large SGEMM through the engine's matmul (OpenBLAS) for compute. The PyTorch
 * script (script/bench_torch.py) times the same workloads the same way. --device cuda runs them on
 * CUDA device 0 (tensors made by the set-up on the CPU, then moved; every timed run ends with a
 * synchronisation), against a device copy and a cuBLAS SGEMM; without a usable device it exits 2. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "bench-private.h"

#if __has_include(<cblas.h>)
#include <cblas.h>
#endif

#include "tn-cuda.h"

#define OB_MIN_SAMPLE 0.01
#define OB_DEFAULT_REPEAT 10
#define OB_MAX_WORKLOADS 64

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Where the workloads run: the CPU, or (--device cuda) CUDA device 0, their tensors made on the CPU
 * by their set-up and moved there before the timing. */
static bool on_cuda;
static char device_label[160] = "cpu";

static int blas_threads(void) {
#ifdef OPENBLAS_VERSION
  return openblas_get_num_threads();
#else
  return -1; /* unknown BLAS */
#endif
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* quantile q of sorted v[0..n) with linear interpolation (numpy's default) */
static double quantile(const double *v, int n, double q) {
  double pos = q * (n - 1);
  int i = (int)pos;
  if (i >= n - 1) return v[n - 1];
  return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

/* ----- machine limits ----- */

/* STREAM "copy" (c[i] = a[i]) over two 64 MiB float arrays, far larger than the caches; bytes
 * counted as STREAM does (one read, one write). Best of `reps`. Returns GB/s, or 0 on failure. */
static double measure_copy_bandwidth(int reps) {
  size_t n = 16u * 1024 * 1024;
  float *a = malloc(n * sizeof *a), *c = malloc(n * sizeof *c);
  double best = 0;
  if (a && c) {
    for (size_t i = 0; i < n; i++) a[i] = (float)(i & 1023), c[i] = 0; /* first touch */
    for (int r = 0; r < reps; r++) {
      double t0 = now();
      for (size_t i = 0; i < n; i++) c[i] = a[i];
      double t = now() - t0;
      if (c[n / 2] != a[n / 2]) break; /* keeps the copy alive, and honest */
      double gbs = 2.0 * n * sizeof *a / t / 1e9;
      if (gbs > best) best = gbs;
    }
  }
  free(a);
  free(c);
  return best;
}

/* Best GFLOP/s of a 2048^3 float32 tn_matmul (OpenBLAS SGEMM with its threads); the sgemm_2048
 * workload's best sample may raise it later. */
static double measure_sgemm_peak(int reps) {
  int64_t n = 2048, shape[] = {n, n};
  tn_tensor *a = tn_ones(2, shape, TN_OPTS(TN_DTYPE_FLOAT32));
  tn_tensor *b = tn_ones(2, shape, TN_OPTS(TN_DTYPE_FLOAT32));
  double best = 0;
  if (a && b) {
    for (int r = 0; r <= reps; r++) { /* r == 0 warms up */
      double t0 = now();
      tn_tensor *c = tn_matmul(a, b);
      double t = now() - t0;
      if (!c) break;
      bool ok = tn_scalar_to_double(tn_get_flat(c, n * n - 1)) == (double)n;
      tn_release(c);
      if (!ok) break;
      double g = 2.0 * n * n * n / t / 1e9;
      if (r > 0 && g > best) best = g;
    }
  }
  if (a) tn_release(a);
  if (b) tn_release(b);
  return best;
}

/* --device cuda: a device-to-device copy of a 256 MiB float32 tensor (tn_clone), bytes counted as
 * STREAM does (one read, one write), and the best GFLOP/s of a 4096^3 float32 tn_matmul (cuBLAS).
 * Best of `reps`; 0 on failure. */
static tn_tensor *cuda_filled(int32_t ndim, const int64_t *shape, double value) {
  tn_options o = TN_OPTS(TN_DTYPE_FLOAT32);
  o.device = (tn_device){TN_DEVICE_CUDA, 0};
  return tn_full(ndim, shape, tn_scalar_float(value), o);
}

static double measure_cuda_copy_bandwidth(int reps) {
  int64_t n = (int64_t)64 * 1024 * 1024;
  tn_tensor *a = cuda_filled(1, &n, 1.0);
  double best = 0;
  for (int r = 0; a && r <= reps; r++) {
    double t0 = now();
    tn_tensor *c = tn_clone(a);
    int sync = tn_cuda_synchronize();
    double t = now() - t0;
    if (!c || sync) {
      if (c) tn_release(c);
      break;
    }
    tn_release(c);
    if (r > 0) best = fmax(best, 2.0 * (double)n * 4 / t / 1e9);
  }
  if (a) tn_release(a);
  return best;
}

static double measure_cuda_sgemm_peak(int reps) {
  int64_t n = 4096, shape[] = {n, n};
  tn_tensor *a = cuda_filled(2, shape, 1.0), *b = cuda_filled(2, shape, 1.0);
  double best = 0;
  for (int r = 0; a && b && r <= reps; r++) {
    double t0 = now();
    tn_tensor *c = tn_matmul(a, b);
    int sync = tn_cuda_synchronize();
    double t = now() - t0;
    if (!c || sync) {
      if (c) tn_release(c);
      break;
    }
    bool ok = tn_scalar_to_double(tn_get_flat(c, n * n - 1)) == (double)n;
    tn_release(c);
    if (!ok) break;
    if (r > 0) best = fmax(best, 2.0 * (double)n * n * n / t / 1e9);
  }
  if (a) tn_release(a);
  if (b) tn_release(b);
  return best;
}

/* Moves a workload's tensors to the CUDA device; a leaf that requires grad stays a leaf there (as
 * w = w.cuda().requires_grad_() in PyTorch). Returns -1 with the engine's error set. */
static int move_to_cuda(ob_ctx *ctx) {
  for (int k = 0; k < OB_MAX_TENSORS; k++) {
    tn_tensor *t = ctx->t[k];
    if (!t) continue;
    bool grad = tn_requires_grad(t);
    tn_tensor *plain = tn_detach(t);
    tn_tensor *moved = plain ? tn_to_device(plain, (tn_device){TN_DEVICE_CUDA, 0}) : NULL;
    if (plain) tn_release(plain);
    if (moved && grad) {
      tn_tensor *r = tn_requires_grad_(moved, true);
      if (!r) {
        tn_release(moved);
        moved = NULL;
      } else {
        tn_release(r);
      }
    }
    if (!moved) return -1;
    tn_release(t);
    ctx->t[k] = moved;
  }
  return tn_cuda_synchronize();
}

/* One timed run: on CUDA it ends when the device is done. */
static int run_once(const ob_workload *w, ob_ctx *ctx) {
  if (w->run(ctx)) return -1;
  return on_cuda ? tn_cuda_synchronize() : 0;
}

/* ----- one workload ----- */

typedef struct ob_result {
  const ob_workload *w;
  bool ok;          /* ran and passed its check */
  char error[256];  /* else why not */
  int64_t inner;    /* runs per sample */
  int repeat;
  double median, q1, q3, min, max; /* seconds per run */
} ob_result;

static void release_ctx(ob_ctx *ctx) {
  for (int i = 0; i < OB_MAX_TENSORS; i++)
    if (ctx->t[i]) tn_release(ctx->t[i]);
  memset(ctx, 0, sizeof *ctx);
}

static void engine_error(ob_result *res, const char *when) {
  snprintf(res->error, sizeof res->error, "%s: %s: %s", when, tn_error_kind_name(tn_error_kind_last()),
           tn_error_message());
}

static void run_workload(const ob_workload *w, int repeat, ob_result *res) {
  memset(res, 0, sizeof *res);
  res->w = w;
  res->repeat = repeat;
  ob_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  double *samples = calloc((size_t)repeat, sizeof *samples);
  if (!samples) {
    snprintf(res->error, sizeof res->error, "out of memory");
    return;
  }
  tn_error_clear();
  if (w->setup(&ctx)) {
    engine_error(res, "setup");
    goto out;
  }
  if (on_cuda && move_to_cuda(&ctx)) {
    engine_error(res, "moving to CUDA");
    goto out;
  }
  /* OpenBLAS's idle threads spin (sched_yield) for about 0.1 s after it is loaded and after each
   * of its products before they sleep, taking a core from whatever runs then: a workload measured
   * in that window (the first one of a process, the one after an SGEMM) would time OpenBLAS, not
   * itself. PyTorch's measurements run long after its import, so each workload here starts once
   * they rest; workloads that call OpenBLAS themselves still meet its spinning, as PyTorch's do. */
  struct timespec settle = {0, 150 * 1000 * 1000};
  nanosleep(&settle, NULL);
  double t0 = now();
  if (run_once(w, &ctx)) goto run_failed; /* cold */
  double t1 = now();
  if (run_once(w, &ctx)) goto run_failed;
  double est = fmin(t1 - t0, now() - t1);
  int64_t inner = 1;
  if (est < OB_MIN_SAMPLE) inner = est > 0 ? (int64_t)ceil(OB_MIN_SAMPLE / est) : 1000000;
  if (inner > 1000000) inner = 1000000;
  res->inner = inner;
  for (int64_t i = 0; i < inner; i++) /* warm the batch too */
    if (run_once(w, &ctx)) goto run_failed;
  for (int r = 0; r < repeat; r++) {
    double s0 = now();
    for (int64_t i = 0; i < inner; i++)
      if (run_once(w, &ctx)) goto run_failed;
    samples[r] = (now() - s0) / (double)inner;
  }
  qsort(samples, (size_t)repeat, sizeof *samples, cmp_double);
  res->median = quantile(samples, repeat, 0.5);
  res->q1 = quantile(samples, repeat, 0.25);
  res->q3 = quantile(samples, repeat, 0.75);
  res->min = samples[0];
  res->max = samples[repeat - 1];
  char msg[200] = "";
  tn_error_clear();
  if (w->check(&ctx, msg, sizeof msg)) {
    if (msg[0])
      snprintf(res->error, sizeof res->error, "wrong result: %s", msg);
    else
      engine_error(res, "check");
    goto out;
  }
  res->ok = true;
  goto out;
run_failed:
  engine_error(res, "run");
out:
  release_ctx(&ctx);
  free(samples);
}

/* ----- output ----- */

typedef struct ob_limits {
  double copy_gbs, sgemm_gflops; /* 0: not measured (no workload needed it) */
} ob_limits;

static double throughput(const ob_result *r) {
  const ob_workload *w = r->w;
  if (!r->ok || r->median <= 0) return 0;
  if (w->metric == OB_METRIC_BANDWIDTH) return w->bytes / r->median / 1e9;
  if (w->metric == OB_METRIC_COMPUTE) return w->flops / r->median / 1e9;
  return 0;
}

static double fraction(const ob_result *r, const ob_limits *lim) {
  double tp = throughput(r);
  if (r->w->metric == OB_METRIC_BANDWIDTH && lim->copy_gbs > 0) return tp / lim->copy_gbs;
  if (r->w->metric == OB_METRIC_COMPUTE && lim->sgemm_gflops > 0) return tp / lim->sgemm_gflops;
  return -1;
}

static void format_time(double s, char *buf, size_t n) {
  if (s < 1e-6)
    snprintf(buf, n, "%.1f ns", s * 1e9);
  else if (s < 1e-3)
    snprintf(buf, n, "%.2f us", s * 1e6);
  else if (s < 1)
    snprintf(buf, n, "%.3f ms", s * 1e3);
  else
    snprintf(buf, n, "%.3f s", s);
}

static void print_text(const ob_result *res, int n, const ob_limits *lim, int repeat) {
  printf("optbench bench: libtn %s on %s; engine threads %d (large element-wise ops, copies and reductions; "
         "a large reduction to one value is split as PyTorch splits it for that many), BLAS threads %d\n",
         TN_VERSION_STRING, device_label, tn_get_num_threads(), blas_threads());
  printf("timing: median of %d samples after warm-up; a sample averages enough runs to last >= %g ms\n",
         repeat, OB_MIN_SAMPLE * 1e3);
  if (lim->copy_gbs > 0)
    printf("machine: copy bandwidth %.2f GB/s (%s)\n", lim->copy_gbs,
           on_cuda ? "device copy of 256 MiB, best of 10" : "STREAM copy, 2 x 64 MiB, best of 10");
  if (lim->sgemm_gflops > 0)
    printf("machine: SGEMM peak %.2f GFLOP/s (tn_matmul %s float32, best run)\n", lim->sgemm_gflops,
           on_cuda ? "4096^3" : "2048^3");
  printf("\n%-20s %12s %9s %18s %9s  %s\n", "workload", "median", "IQR", "throughput", "of limit", "check");
  for (int i = 0; i < n; i++) {
    const ob_result *r = &res[i];
    if (!r->ok && r->median <= 0) {
      printf("%-20s %12s %9s %18s %9s  FAILED: %s\n", r->w->name, "-", "-", "-", "-", r->error);
      continue;
    }
    char t[32], tp[32] = "-", fr[16] = "-", iqr[16];
    format_time(r->median, t, sizeof t);
    if (r->w->metric == OB_METRIC_LATENCY) strcat(t, "/op");
    snprintf(iqr, sizeof iqr, "%.1f%%", r->median > 0 ? 100 * (r->q3 - r->q1) / r->median : 0);
    double thr = throughput(r), f = fraction(r, lim);
    if (r->w->metric == OB_METRIC_BANDWIDTH) snprintf(tp, sizeof tp, "%.2f GB/s", thr);
    if (r->w->metric == OB_METRIC_COMPUTE) snprintf(tp, sizeof tp, "%.2f GFLOP/s", thr);
    if (f >= 0) snprintf(fr, sizeof fr, "%.0f%%", 100 * f);
    printf("%-20s %12s %9s %18s %9s  %s%s\n", r->w->name, t, iqr, tp, fr, r->ok ? "ok" : "FAILED: ",
           r->ok ? "" : r->error);
  }
}

static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

/* a JSON number, or null for a value that was not measured */
static void json_number(double v, bool valid) {
  if (valid && isfinite(v))
    printf("%.6g", v);
  else
    fputs("null", stdout);
}

static void print_json(const ob_result *res, int n, const ob_limits *lim, int repeat) {
  static const char *metric_names[] = {"latency", "bandwidth", "compute"};
  printf("{\n  \"tool\": \"optbench bench\",\n  \"engine\": \"libtn %s\",\n  \"device\": \"%s\",\n",
         TN_VERSION_STRING, on_cuda ? "cuda:0" : "cpu");
  printf("  \"threads\": {\"engine\": %d, \"blas\": %d},\n", tn_get_num_threads(), blas_threads());
  printf("  \"repeat\": %d,\n  \"min_sample_s\": %g,\n", repeat, OB_MIN_SAMPLE);
  printf("  \"machine\": {\"copy_bandwidth_gbs\": ");
  json_number(lim->copy_gbs, lim->copy_gbs > 0);
  printf(", \"sgemm_peak_gflops\": ");
  json_number(lim->sgemm_gflops, lim->sgemm_gflops > 0);
  printf("},\n  \"workloads\": [");
  for (int i = 0; i < n; i++) {
    const ob_result *r = &res[i];
    bool timed = r->median > 0;
    printf("%s\n    {\"name\": ", i ? "," : "");
    json_string(r->w->name);
    printf(", \"description\": ");
    json_string(r->w->description);
    printf(", \"variant\": ");
    if (r->w->variant)
      json_string(r->w->variant);
    else
      fputs("null", stdout);
    printf(", \"metric\": \"%s\", \"ok\": %s, \"error\": ", metric_names[r->w->metric], r->ok ? "true" : "false");
    if (r->ok)
      fputs("null", stdout);
    else
      json_string(r->error);
    printf(", \"inner\": %lld, \"median_s\": ", (long long)r->inner);
    json_number(r->median, timed);
    printf(", \"q1_s\": ");
    json_number(r->q1, timed);
    printf(", \"q3_s\": ");
    json_number(r->q3, timed);
    printf(", \"min_s\": ");
    json_number(r->min, timed);
    printf(", \"max_s\": ");
    json_number(r->max, timed);
    printf(", \"bytes\": ");
    json_number(r->w->bytes, r->w->bytes > 0);
    printf(", \"flops\": ");
    json_number(r->w->flops, r->w->flops > 0);
    double thr = throughput(r), f = fraction(r, lim);
    printf(", \"gbs\": ");
    json_number(thr, r->w->metric == OB_METRIC_BANDWIDTH && thr > 0);
    printf(", \"gflops\": ");
    json_number(thr, r->w->metric == OB_METRIC_COMPUTE && thr > 0);
    printf(", \"fraction_of_limit\": ");
    json_number(f, f >= 0);
    printf("}");
  }
  printf("\n  ]\n}\n");
}

/* ----- command line ----- */

static void usage(FILE *out) {
  fputs("Usage: optbench bench [--json] [--device cpu|cuda] [--only NAME,...] [--repeat N] [--list]\n", out);
}

/* Marks the workloads named in a comma-separated list; -1 (message printed) for an unknown one. */
static int select_only(const char *list, bool *selected) {
  const char *p = list;
  if (strspn(list, ",") == strlen(list)) {
    fputs("optbench bench: --only needs at least one workload name\n", stderr);
    return -1;
  }
  while (*p) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len > 0) {
      int found = -1;
      for (int i = 0; i < ob_n_workloads; i++)
        if (strlen(ob_workloads[i].name) == len && strncmp(ob_workloads[i].name, p, len) == 0) found = i;
      if (found < 0) {
        fprintf(stderr, "optbench bench: unknown workload '%.*s'; the workloads are:", (int)len, p);
        for (int i = 0; i < ob_n_workloads; i++) fprintf(stderr, " %s", ob_workloads[i].name);
        fputc('\n', stderr);
        return -1;
      }
      selected[found] = true;
    }
    p += len;
    if (*p == ',') p++;
  }
  return 0;
}

/* the value of --opt VALUE or --opt=VALUE, advancing *i; NULL if this argument is not opt */
static const char *option_value(int argc, char **argv, int *i, const char *opt, bool *missing) {
  size_t n = strlen(opt);
  if (strncmp(argv[*i], opt, n) != 0) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n] != 0) return NULL;
  if (*i + 1 >= argc) {
    *missing = true;
    return NULL;
  }
  return argv[++*i];
}

int ob_bench_main(int argc, char **argv) {
  bool json = false, any_only = false, missing = false;
  bool selected[OB_MAX_WORKLOADS] = {false};
  const char *device = "cpu";
  int repeat = OB_DEFAULT_REPEAT;
  for (int i = 1; i < argc; i++) {
    const char *v;
    if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(argv[i], "--list") == 0) {
      for (int k = 0; k < ob_n_workloads; k++)
        printf("%s\t%s%s\n", ob_workloads[k].name, ob_workloads[k].description,
               ob_workloads[k].opt_in ? " (opt-in: runs only when --only names it)" : "");
      return 0;
    } else if ((v = option_value(argc, argv, &i, "--device", &missing))) {
      device = v;
    } else if ((v = option_value(argc, argv, &i, "--only", &missing))) {
      if (select_only(v, selected)) return 2;
      any_only = true;
    } else if ((v = option_value(argc, argv, &i, "--repeat", &missing))) {
      char *end;
      long r = strtol(v, &end, 10);
      if (*end || end == v || r < 1 || r > 100000) {
        fprintf(stderr, "optbench bench: invalid --repeat '%s' (a whole number from 1 to 100000)\n", v);
        return 2;
      }
      repeat = (int)r;
    } else {
      if (missing)
        fprintf(stderr, "optbench bench: %s needs a value\n", argv[i]);
      else
        fprintf(stderr, "optbench bench: unknown option '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
    if (missing) {
      fprintf(stderr, "optbench bench: %s needs a value\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (strcmp(device, "cuda") == 0) {
    if (!tn_cuda_is_available()) {
      fprintf(stderr, "optbench bench: no CUDA device to run on: %s\n", tn_cuda_status());
      return 2;
    }
    char name[128] = "";
    tn_cuda_get_device_name(0, name, sizeof name);
    snprintf(device_label, sizeof device_label, "cuda:0 (%s)", name);
    on_cuda = true;
  } else if (strcmp(device, "cpu") != 0) {
    fprintf(stderr, "optbench bench: unknown device '%s' (cpu or cuda)\n", device);
    return 2;
  }
  if (!any_only)
    for (int i = 0; i < ob_n_workloads; i++) selected[i] = !ob_workloads[i].opt_in;
  /* Both sides use the machine's cores (script/bench-compare.sh runs PyTorch with
   * torch.set_num_threads(2) on this 2-core machine): unless the environment names a count, the
   * engine's is the online CPUs (at most 8, as its pool). */
  if (!getenv("TN_NUM_THREADS") && !getenv("OMP_NUM_THREADS")) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    tn_set_num_threads(cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus);
  }

  ob_limits lim = {0, 0};
  bool need_bw = false, need_flops = false;
  for (int i = 0; i < ob_n_workloads; i++) {
    if (!selected[i]) continue;
    need_bw |= ob_workloads[i].metric == OB_METRIC_BANDWIDTH;
    need_flops |= ob_workloads[i].metric == OB_METRIC_COMPUTE;
  }
  if (need_bw) lim.copy_gbs = on_cuda ? measure_cuda_copy_bandwidth(10) : measure_copy_bandwidth(10);
  if (need_flops) lim.sgemm_gflops = on_cuda ? measure_cuda_sgemm_peak(5) : measure_sgemm_peak(5);

  static ob_result res[OB_MAX_WORKLOADS];
  int n = 0, failed = 0;
  bool progress = !json && isatty(STDERR_FILENO); /* a status line, for people only */
  for (int i = 0; i < ob_n_workloads && i < OB_MAX_WORKLOADS; i++) {
    if (!selected[i]) continue;
    if (progress) {
      fprintf(stderr, "running %-30s\r", ob_workloads[i].name);
      fflush(stderr);
    }
    run_workload(&ob_workloads[i], repeat, &res[n]);
    if (!res[n].ok) failed++;
    n++;
  }
  if (progress) fprintf(stderr, "%40s\r", "");
  /* The peak is the best SGEMM seen: on a busy machine the dedicated measurement may have been
   * unlucky, and a fraction above 100% would say nothing. */
  for (int i = 0; i < n; i++)
    if (res[i].ok && strcmp(res[i].w->name, "sgemm_2048") == 0 && res[i].min > 0)
      lim.sgemm_gflops = fmax(lim.sgemm_gflops, res[i].w->flops / res[i].min / 1e9);
  if (json)
    print_json(res, n, &lim, repeat);
  else
    print_text(res, n, &lim, repeat);
  fflush(stdout);
  return failed ? 1 : 0;
}
