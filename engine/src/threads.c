/* threads.c — a small pthread pool for large element-wise work and copies.
 *
 * One parallel region runs at a time: the caller takes part, the workers pick pieces off a shared
 * counter, and the caller returns once every worker has checked in. A second thread that wants
 * the pool while it is busy (the GUI thread beside the runner's worker), or a piece of work that
 * asks for it again from inside a region, just runs alone: no deadlock, no oversubscription.
 * Workers spin briefly before sleeping, so that a sequence of large ops does not pay a wake-up
 * each time. Which piece a thread runs never changes a result: the pieces are disjoint and each
 * element's computation is the same on every thread. */
#include "tn-internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define TN_MAX_THREADS 8
#define SPIN_ROUNDS 2000

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static int pool_threads = 1; /* including the caller */
static atomic_int user_threads; /* tn_set_num_threads; 0: not called */
static int env_threads;         /* TN_NUM_THREADS or OMP_NUM_THREADS, 0 when neither is set */
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER, done_cv = PTHREAD_COND_INITIALIZER;
static atomic_flag pool_busy = ATOMIC_FLAG_INIT;
static atomic_uint_fast64_t job_gen;
static atomic_int job_next, job_remaining;
static struct {
  tn__range_fn fn;
  void *ctx;
  int64_t n, chunk;
  int nchunks;
} job;
static _Thread_local bool in_region;

static inline void cpu_relax(void) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __builtin_ia32_pause();
#endif
}

static void run_chunks(void) {
  int c;
  while ((c = atomic_fetch_add_explicit(&job_next, 1, memory_order_relaxed)) < job.nchunks) {
    int64_t b = (int64_t)c * job.chunk, e = b + job.chunk < job.n ? b + job.chunk : job.n;
    job.fn(job.ctx, b, e);
  }
}

static void *worker(void *arg) {
  (void)arg;
  in_region = true; /* a worker never starts a region of its own */
  uint_fast64_t seen = 0;
  for (;;) {
    uint_fast64_t g = atomic_load_explicit(&job_gen, memory_order_acquire);
    for (int i = 0; g == seen && i < SPIN_ROUNDS; i++) {
      cpu_relax();
      g = atomic_load_explicit(&job_gen, memory_order_acquire);
    }
    if (g == seen) {
      pthread_mutex_lock(&pool_mu);
      while ((g = atomic_load_explicit(&job_gen, memory_order_acquire)) == seen) pthread_cond_wait(&work_cv, &pool_mu);
      pthread_mutex_unlock(&pool_mu);
    }
    seen = g;
    run_chunks();
    if (atomic_fetch_sub_explicit(&job_remaining, 1, memory_order_acq_rel) == 1) {
      pthread_mutex_lock(&pool_mu);
      pthread_cond_signal(&done_cv);
      pthread_mutex_unlock(&pool_mu);
    }
  }
  return NULL;
}

/* A forked child has none of the workers: it runs everything on its one thread. */
static void pool_atfork_child(void) {
  pool_threads = 1;
  atomic_flag_clear(&pool_busy);
}

static void pool_init(void) {
  pthread_atfork(NULL, NULL, pool_atfork_child);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  /* TN_NUM_THREADS, else OMP_NUM_THREADS as PyTorch reads it (its results follow the count) */
  const char *env = getenv("TN_NUM_THREADS");
  if (!env || !*env) env = getenv("OMP_NUM_THREADS");
  if (env && *env) {
    long e = strtol(env, NULL, 10);
    if (e >= 1) {
      n = e;
      env_threads = e > 1024 ? 1024 : (int)e;
    }
  }
  if (n < 1) n = 1;
  if (n > TN_MAX_THREADS) n = TN_MAX_THREADS;
  int started = 1;
  for (long i = 1; i < n; i++) {
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&th, &attr, worker, NULL) == 0) started++;
    pthread_attr_destroy(&attr);
  }
  pool_threads = started;
}

int tn__num_threads(void) {
  pthread_once(&pool_once, pool_init);
  return pool_threads;
}

/* Whether a region may start: more than one thread wanted, not inside a region, the pool free
 * (taken on success). */
static bool region_begin(void) {
  int user = atomic_load_explicit(&user_threads, memory_order_relaxed);
  return !in_region && user != 1 && tn__num_threads() > 1 && !atomic_flag_test_and_set(&pool_busy);
}

/* Runs fn over [0, n) in pieces of `chunk` on the pool (taken by region_begin). */
static void region_run(int64_t n, int64_t chunk, tn__range_fn fn, void *ctx) {
  job.fn = fn;
  job.ctx = ctx;
  job.n = n;
  job.chunk = chunk;
  job.nchunks = (int)((n + chunk - 1) / chunk);
  atomic_store_explicit(&job_next, 0, memory_order_relaxed);
  atomic_store_explicit(&job_remaining, pool_threads - 1, memory_order_relaxed);
  pthread_mutex_lock(&pool_mu);
  atomic_fetch_add_explicit(&job_gen, 1, memory_order_release);
  pthread_cond_broadcast(&work_cv);
  pthread_mutex_unlock(&pool_mu);
  in_region = true;
  run_chunks();
  in_region = false;
  for (int i = 0; atomic_load_explicit(&job_remaining, memory_order_acquire) > 0 && i < SPIN_ROUNDS; i++) cpu_relax();
  if (atomic_load_explicit(&job_remaining, memory_order_acquire) > 0) {
    pthread_mutex_lock(&pool_mu);
    while (atomic_load_explicit(&job_remaining, memory_order_acquire) > 0) pthread_cond_wait(&done_cv, &pool_mu);
    pthread_mutex_unlock(&pool_mu);
  }
  atomic_flag_clear(&pool_busy);
}

void tn__parallel_for(int64_t n, int64_t grain, tn__range_fn fn, void *ctx) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  if (n < 2 * grain || !region_begin()) {
    fn(ctx, 0, n);
    return;
  }
  /* one contiguous piece per thread, as OpenMP's static schedule cuts PyTorch's loops: each core
   * streams through one range (measured: 5M-float multiply, 4 pieces a thread ~1.6x slower than
   * one); pieces are claimed, not assigned, so a worker late to wake leaves its piece to the
   * caller. Pieces stay at least `grain` long and a multiple of 64 elements. */
  int64_t pieces = pool_threads;
  if (pieces > n / grain) pieces = n / grain;
  int64_t chunk = (n + pieces - 1) / pieces;
  chunk = (chunk + 63) / 64 * 64;
  region_run(n, chunk, fn, ctx);
}

void tn__parallel_tasks(int ntasks, tn__range_fn fn, void *ctx) {
  if (ntasks <= 0) return;
  if (ntasks == 1 || !region_begin()) {
    for (int t = 0; t < ntasks; t++) fn(ctx, t, t + 1);
    return;
  }
  region_run(ntasks, 1, fn, ctx);
}

/* torch.get_num_threads(): what tn_set_num_threads set, else TN_NUM_THREADS / OMP_NUM_THREADS, else
 * 1. PyTorch's own default is its count of physical cores as cpuinfo sees them, which is 1 on the
 * virtual machines this project is built on and 2 to 16 on a laptop: the engine cannot know which a
 * user compares with, and takes the count whose results are PyTorch's one-thread results (with
 * which the golden data were made). Element-wise work, whose results do not depend on it, still
 * uses the whole pool unless a count was set. */
int tn_get_num_threads(void) {
  int u = atomic_load_explicit(&user_threads, memory_order_relaxed);
  if (u > 0) return u;
  tn__num_threads(); /* reads the environment */
  return env_threads > 0 ? env_threads : 1;
}

void tn_set_num_threads(int n) {
  if (n < 1) n = 1;
  if (n > 1024) n = 1024; /* the pool itself never grows past TN_MAX_THREADS */
  atomic_store_explicit(&user_threads, n, memory_order_relaxed);
}
