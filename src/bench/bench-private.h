/* bench-private.h — what the harness (bench.c) and the workloads (workloads.c) share. */
#ifndef OB_BENCH_PRIVATE_H
#define OB_BENCH_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "tn.h"

/* What a workload's throughput is compared with. */
typedef enum ob_metric {
  OB_METRIC_LATENCY,   /* per-op time only (small ops, where overhead is the cost) */
  OB_METRIC_BANDWIDTH, /* bytes / time, against the measured copy bandwidth */
  OB_METRIC_COMPUTE,   /* flops / time, against the measured SGEMM peak */
} ob_metric;

/* A workload's state: the tensors it owns (released by the harness) and a few numbers. */
#define OB_MAX_TENSORS 8
typedef struct ob_ctx {
  tn_tensor *t[OB_MAX_TENSORS];
  double d[4];
} ob_ctx;

typedef struct ob_workload {
  const char *name;        /* stable id, also the PyTorch script's */
  const char *description; /* the PyTorch expression it times */
  const char *variant;     /* how it is written, when another version may replace it; else NULL */
  ob_metric metric;
  double bytes; /* memory traffic of one run as written (each tensor read or written once) */
  double flops; /* floating-point operations of one run (0 if not meaningful) */
  /* setup fills ctx (0, or -1 with the engine's error set); run does one timed iteration;
   * check runs it again and verifies the result, writing what was wrong into msg. */
  int (*setup)(ob_ctx *ctx);
  int (*run)(ob_ctx *ctx);
  int (*check)(ob_ctx *ctx, char *msg, size_t n);
  bool opt_in; /* runs only when --only names it (an engine part it needs is not ready) */
} ob_workload;

extern const ob_workload ob_workloads[];
extern const int ob_n_workloads;

#endif
