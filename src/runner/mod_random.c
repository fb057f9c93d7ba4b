/* mod_random.c — Python's random module, bit for bit: CPython's Mersenne Twister (MT19937,
 * init_by_array seeding from the integer's 32-bit words) and the 3.11 algorithms of random.py
 * (_randbelow by rejection on getrandbits, gauss with its cached second value, shuffle, sample, ...). */
#include "rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 624
#define M 397

static void init_genrand(VM *vm, uint32_t s) {
  uint32_t *mt = vm->mt;
  mt[0] = s;
  for (int i = 1; i < N; i++) mt[i] = 1812433253U * (mt[i - 1] ^ (mt[i - 1] >> 30)) + (uint32_t)i;
  vm->mti = N;
}

static void init_by_array(VM *vm, const uint32_t *key, int len) {
  uint32_t *mt = vm->mt;
  init_genrand(vm, 19650218U);
  int i = 1, j = 0;
  for (int k = N > len ? N : len; k; k--) {
    mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525U)) + key[j] + (uint32_t)j;
    i++;
    j++;
    if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
    if (j >= len) j = 0;
  }
  for (int k = N - 1; k; k--) {
    mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941U)) - (uint32_t)i;
    i++;
    if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
  }
  mt[0] = 0x80000000U;
}

static uint32_t genrand(VM *vm) {
  static const uint32_t mag01[2] = {0x0U, 0x9908b0dfU};
  uint32_t *mt = vm->mt, y;
  if (vm->mti >= N) {
    int kk;
    for (kk = 0; kk < N - M; kk++) {
      y = (mt[kk] & 0x80000000U) | (mt[kk + 1] & 0x7fffffffU);
      mt[kk] = mt[kk + M] ^ (y >> 1) ^ mag01[y & 1U];
    }
    for (; kk < N - 1; kk++) {
      y = (mt[kk] & 0x80000000U) | (mt[kk + 1] & 0x7fffffffU);
      mt[kk] = mt[kk + (M - N)] ^ (y >> 1) ^ mag01[y & 1U];
    }
    y = (mt[N - 1] & 0x80000000U) | (mt[0] & 0x7fffffffU);
    mt[N - 1] = mt[M - 1] ^ (y >> 1) ^ mag01[y & 1U];
    vm->mti = 0;
  }
  y = mt[vm->mti++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= (y >> 18);
  return y;
}

static double random_double(VM *vm) {
  uint32_t a = genrand(vm) >> 5, b = genrand(vm) >> 6;
  return ((double)a * 67108864.0 + (double)b) * (1.0 / 9007199254740992.0);
}

static uint64_t getrandbits(VM *vm, int k) {
  if (k <= 32) return k == 0 ? 0 : genrand(vm) >> (32 - k);
  uint64_t lo = genrand(vm);
  uint64_t hi = genrand(vm) >> (64 - k);
  return lo | (hi << 32);
}

static int bit_length(uint64_t n) {
  int b = 0;
  while (n) { b++; n >>= 1; }
  return b;
}

static uint64_t randbelow(VM *vm, uint64_t n) {
  int k = bit_length(n);
  uint64_t r = getrandbits(vm, k);
  while (r >= n) r = getrandbits(vm, k);
  return r;
}

static void seed_int(VM *vm, int64_t s) {
  uint64_t a = s < 0 ? 0 - (uint64_t)s : (uint64_t)s;
  uint32_t key[2];
  int len;
  key[0] = (uint32_t)(a & 0xffffffffU);
  key[1] = (uint32_t)(a >> 32);
  len = key[1] ? 2 : 1;
  init_by_array(vm, key, len);
  vm->has_gauss = false;
}

void random_seed_default(VM *vm);
void random_seed_default(VM *vm) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint32_t key[4] = {(uint32_t)ts.tv_sec, (uint32_t)ts.tv_nsec, (uint32_t)(uintptr_t)vm, (uint32_t)((uintptr_t)vm >> 32)};
  init_by_array(vm, key, 4);
  vm->has_gauss = false;
}

static Value r_seed(VM *vm, Value *args, int n, Kw *kw) {
  Value a = n > 0 ? args[0] : VNONE, t;
  if (kw_find(kw, "a", &t)) a = t;
  if (n > 2) return rt_raise(vm, EX_TypeError, "seed() takes from 1 to 3 positional arguments but %d were given", n + 1);
  if (a.tag == V_NONE) { random_seed_default(vm); return VNONE; }
  if (a.tag == V_INT || a.tag == V_BOOL) { seed_int(vm, a.u.i); return VNONE; }
  if (a.tag == V_FLOAT) {
    int err = 0;
    int64_t h = rt_hash(vm, a, &err);
    seed_int(vm, h);
    return VNONE;
  }
  if (a.tag == V_OBJ && a.u.o->kind == O_STR) {
    /* CPython hashes str seeds with SHA-512; this seeds from the bytes instead (not CPython's stream) */
    Str *s = (Str *)a.u.o;
    int len = (int)((s->len + 3) / 4);
    uint32_t *key = calloc((size_t)(len ? len : 1), sizeof(uint32_t));
    if (!key) return rt_raise(vm, EX_MemoryError, "%s", "");
    for (int64_t i = 0; i < s->len; i++) key[i / 4] |= (uint32_t)(unsigned char)s->s[i] << (8 * (i % 4));
    init_by_array(vm, key, len ? len : 1);
    free(key);
    vm->has_gauss = false;
    return VNONE;
  }
  return rt_raise(vm, EX_TypeError, "The only supported seed types are: None,\nint, float, str, bytes, and bytearray.");
}

static Value r_random(VM *vm, Value *args, int n, Kw *kw) {
  (void)args;
  if (check_no_kw(vm, kw, "random") < 0 || check_nargs(vm, "random", n, 0, 0) < 0) return VERR;
  return v_float(random_double(vm));
}

static Value r_getrandbits(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "getrandbits") < 0 || check_nargs(vm, "getrandbits", n, 1, 1) < 0) return VERR;
  int64_t k;
  if (rt_index(vm, args[0], &k, NULL) < 0) return VERR;
  if (k < 0) return rt_raise(vm, EX_ValueError, "number of bits must be non-negative");
  if (k > 63) return rt_raise(vm, EX_OverflowError, "getrandbits(%lld) is beyond the runner's 64-bit int", (long long)k);
  return v_int((int64_t)getrandbits(vm, (int)k));
}

static Value randrange3(VM *vm, int64_t start, Value stopv, int64_t step) {
  if (stopv.tag == V_NONE) {
    if (start > 0) return v_int((int64_t)randbelow(vm, (uint64_t)start));
    return rt_raise(vm, EX_ValueError, "empty range for randrange()");
  }
  int64_t stop;
  if (rt_index(vm, stopv, &stop, NULL) < 0) return VERR;
  int64_t width;
  if (__builtin_sub_overflow(stop, start, &width)) return rt_raise(vm, EX_OverflowError, "range too large");
  if (step == 1) {
    if (width > 0) return v_int(start + (int64_t)randbelow(vm, (uint64_t)width));
    return rt_raise(vm, EX_ValueError, "empty range for randrange() (%lld, %lld, %lld)", (long long)start, (long long)stop, (long long)width);
  }
  int64_t cnt;
  if (step == 0) return rt_raise(vm, EX_ValueError, "zero step for randrange()");
  {
    int64_t num = step > 0 ? width + step - 1 : width + step + 1;
    cnt = num / step;
    if ((num % step != 0) && ((num < 0) != (step < 0))) cnt -= 1;
  }
  if (cnt <= 0) return rt_raise(vm, EX_ValueError, "empty range for randrange()");
  return v_int(start + step * (int64_t)randbelow(vm, (uint64_t)cnt));
}

static Value r_randrange(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "randrange") < 0 || check_nargs(vm, "randrange", n, 1, 3) < 0) return VERR;
  int64_t start, step = 1;
  if (rt_index(vm, args[0], &start, NULL) < 0) return VERR;
  if (n == 3 && rt_index(vm, args[2], &step, NULL) < 0) return VERR;
  return randrange3(vm, start, n >= 2 ? args[1] : VNONE, step);
}

static Value r_randint(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "randint") < 0) return VERR;
  if (n != 2) return rt_raise(vm, EX_TypeError, "Random.randint() missing %d required positional argument%s", 2 - (n < 2 ? n : 0), n == 1 ? ": 'b'" : "s: 'a' and 'b'");
  int64_t a, b;
  if (rt_index(vm, args[0], &a, NULL) < 0 || rt_index(vm, args[1], &b, NULL) < 0) return VERR;
  if (b == INT64_MAX) return rt_raise(vm, EX_OverflowError, "range too large");
  return randrange3(vm, a, v_int(b + 1), 1);
}

static Value r_uniform(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "uniform") < 0 || check_nargs(vm, "uniform", n, 2, 2) < 0) return VERR;
  Value a = rt_float_of(vm, args[0]);
  if (IS_ERR(a)) return a;
  Value b = rt_float_of(vm, args[1]);
  if (IS_ERR(b)) return b;
  return v_float(a.u.f + (b.u.f - a.u.f) * random_double(vm));
}

static int mu_sigma(VM *vm, Value *args, int n, Kw *kw, double *mu, double *sigma, double dsigma) {
  *mu = 0;
  *sigma = dsigma;
  Value t;
  if (n > 0) { Value f = rt_float_of(vm, args[0]); if (IS_ERR(f)) return -1; *mu = f.u.f; }
  if (n > 1) { Value f = rt_float_of(vm, args[1]); if (IS_ERR(f)) return -1; *sigma = f.u.f; }
  if (kw_find(kw, "mu", &t)) { Value f = rt_float_of(vm, t); if (IS_ERR(f)) return -1; *mu = f.u.f; }
  if (kw_find(kw, "sigma", &t)) { Value f = rt_float_of(vm, t); if (IS_ERR(f)) return -1; *sigma = f.u.f; }
  return 0;
}

static Value r_gauss(VM *vm, Value *args, int n, Kw *kw) {
  double mu, sigma;
  if (n > 2) return rt_raise(vm, EX_TypeError, "gauss() takes from 1 to 3 positional arguments but %d were given", n + 1);
  if (mu_sigma(vm, args, n, kw, &mu, &sigma, 1.0) < 0) return VERR;
  double z;
  if (vm->has_gauss) {
    z = vm->gauss_next;
    vm->has_gauss = false;
  } else {
    double x2pi = random_double(vm) * (2.0 * 3.141592653589793);
    double g2rad = sqrt(-2.0 * log(1.0 - random_double(vm)));
    z = cos(x2pi) * g2rad;
    vm->gauss_next = sin(x2pi) * g2rad;
    vm->has_gauss = true;
  }
  return v_float(mu + z * sigma);
}

static Value r_normalvariate(VM *vm, Value *args, int n, Kw *kw) {
  double mu, sigma;
  if (n > 2) return rt_raise(vm, EX_TypeError, "normalvariate() takes from 1 to 3 positional arguments but %d were given", n + 1);
  if (mu_sigma(vm, args, n, kw, &mu, &sigma, 1.0) < 0) return VERR;
  const double magic = 4 * exp(-0.5) / sqrt(2.0);
  double z;
  for (;;) {
    double u1 = random_double(vm);
    double u2 = 1.0 - random_double(vm);
    z = magic * (u1 - 0.5) / u2;
    double zz = z * z / 4.0;
    if (zz <= -log(u2)) break;
  }
  return v_float(mu + z * sigma);
}

static Value r_expovariate(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "expovariate") < 0 || check_nargs(vm, "expovariate", n, 1, 1) < 0) return VERR;
  Value l = rt_float_of(vm, args[0]);
  if (IS_ERR(l)) return l;
  if (l.u.f == 0) return rt_raise(vm, EX_ZeroDivisionError, "float division by zero");
  return v_float(-log(1.0 - random_double(vm)) / l.u.f);
}

static Value r_choice(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "choice") < 0 || check_nargs(vm, "choice", n, 1, 1) < 0) return VERR;
  int64_t len = rt_len(vm, args[0]);
  if (len < 0) return VERR;
  if (len == 0) return rt_raise(vm, EX_IndexError, "Cannot choose from an empty sequence");
  return rt_getitem(vm, args[0], v_int((int64_t)randbelow(vm, (uint64_t)len)));
}

static Value r_shuffle(VM *vm, Value *args, int n, Kw *kw) {
  if (check_no_kw(vm, kw, "shuffle") < 0 || check_nargs(vm, "shuffle", n, 1, 1) < 0) return VERR;
  Value x = args[0];
  int64_t len = rt_len(vm, x);
  if (len < 0) return VERR;
  if (x.tag == V_OBJ && x.u.o->kind == O_LIST) {
    List *l = (List *)x.u.o;
    for (int64_t i = len - 1; i >= 1; i--) {
      int64_t j = (int64_t)randbelow(vm, (uint64_t)(i + 1));
      if (i >= l->n || j >= l->n) break;
      Value t = l->v[i]; l->v[i] = l->v[j]; l->v[j] = t;
    }
    return VNONE;
  }
  for (int64_t i = len - 1; i >= 1; i--) {
    int64_t j = (int64_t)randbelow(vm, (uint64_t)(i + 1));
    Value a = rt_getitem(vm, x, v_int(i));
    if (IS_ERR(a)) return a;
    Value b = rt_getitem(vm, x, v_int(j));
    if (IS_ERR(b)) { v_decref(vm, a); return b; }
    int r = rt_setitem(vm, x, v_int(i), b);
    if (r == 0) r = rt_setitem(vm, x, v_int(j), a);
    v_decref(vm, a);
    v_decref(vm, b);
    if (r < 0) return VERR;
  }
  return VNONE;
}

static Value r_sample(VM *vm, Value *args, int n, Kw *kw) {
  Value kv = n > 1 ? args[1] : VNULL, t;
  if (kw_find(kw, "k", &t)) kv = t;
  if (n < 1 || kv.tag == V_NULL) return rt_raise(vm, EX_TypeError, "Random.sample() missing 1 required positional argument: 'k'");
  if (args[0].tag == V_OBJ && args[0].u.o->kind == O_SET)
    return rt_raise(vm, EX_TypeError, "Population must be a sequence.  For dicts or sets, use sorted(d).");
  int64_t k;
  if (rt_index(vm, kv, &k, NULL) < 0) return VERR;
  List *pop = rt_to_list(vm, args[0]);
  if (!pop) return VERR;
  int64_t len = pop->n;
  if (k < 0 || k > len) { OBJ_DECREF(vm, pop); return rt_raise(vm, EX_ValueError, "Sample larger than population or is negative"); }
  List *res = list_new(vm, k);
  if (!res) { OBJ_DECREF(vm, pop); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  int64_t setsize = 21;
  if (k > 5) setsize += (int64_t)pow(4.0, ceil(log((double)(k * 3)) / log(4.0)));
  if (len <= setsize) {
    Value *pool = malloc(sizeof(Value) * (size_t)(len ? len : 1));
    if (!pool) { OBJ_DECREF(vm, pop); OBJ_DECREF(vm, res); return rt_raise(vm, EX_MemoryError, "%s", ""); }
    memcpy(pool, pop->v, sizeof(Value) * (size_t)len);
    for (int64_t i = 0; i < k; i++) {
      int64_t j = (int64_t)randbelow(vm, (uint64_t)(len - i));
      list_append(vm, res, pool[j]);
      pool[j] = pool[len - i - 1];
    }
    free(pool);
  } else {
    uint8_t *selected = calloc((size_t)len, 1);
    if (!selected) { OBJ_DECREF(vm, pop); OBJ_DECREF(vm, res); return rt_raise(vm, EX_MemoryError, "%s", ""); }
    for (int64_t i = 0; i < k; i++) {
      int64_t j = (int64_t)randbelow(vm, (uint64_t)len);
      while (selected[j]) j = (int64_t)randbelow(vm, (uint64_t)len);
      selected[j] = 1;
      list_append(vm, res, pop->v[j]);
    }
    free(selected);
  }
  OBJ_DECREF(vm, pop);
  return v_obj(res);
}

static Value r_choices(VM *vm, Value *args, int n, Kw *kw) {
  if (n < 1) return rt_raise(vm, EX_TypeError, "Random.choices() missing 1 required positional argument: 'population'");
  Value weights = n > 1 ? args[1] : VNONE, cum = VNONE, kv = v_int(1), t;
  if (kw_find(kw, "weights", &t)) weights = t;
  if (kw_find(kw, "cum_weights", &t)) cum = t;
  if (kw_find(kw, "k", &t)) kv = t;
  int64_t k;
  if (rt_index(vm, kv, &k, NULL) < 0) return VERR;
  List *pop = rt_to_list(vm, args[0]);
  if (!pop) return VERR;
  int64_t len = pop->n;
  List *res = list_new(vm, k > 0 ? k : 0);
  if (!res) { OBJ_DECREF(vm, pop); return rt_raise(vm, EX_MemoryError, "%s", ""); }
  if (weights.tag == V_NONE && cum.tag == V_NONE) {
    if (len == 0 && k > 0) { OBJ_DECREF(vm, pop); OBJ_DECREF(vm, res); return rt_raise(vm, EX_IndexError, "Cannot choose from an empty population"); }
    for (int64_t i = 0; i < k; i++) list_append(vm, res, pop->v[(int64_t)floor(random_double(vm) * (double)len)]);
    OBJ_DECREF(vm, pop);
    return v_obj(res);
  }
  List *w = rt_to_list(vm, cum.tag != V_NONE ? cum : weights);
  if (!w) { OBJ_DECREF(vm, pop); OBJ_DECREF(vm, res); return VERR; }
  double *cw = malloc(sizeof(double) * (size_t)(w->n ? w->n : 1));
  Value err = VNULL;
  if (!cw) err = rt_raise(vm, EX_MemoryError, "%s", "");
  else if (w->n != len) err = rt_raise(vm, EX_ValueError, "The number of weights does not match the population");
  double acc = 0;
  for (int64_t i = 0; err.tag == V_NULL && i < w->n; i++) {
    Value f = rt_float_of(vm, w->v[i]);
    if (IS_ERR(f)) { err = f; break; }
    acc = cum.tag != V_NONE ? f.u.f : acc + f.u.f;
    cw[i] = acc;
  }
  if (err.tag == V_NULL) {
    double total = len ? cw[len - 1] : 0;
    if (total <= 0) err = rt_raise(vm, EX_ValueError, "Total of weights must be greater than zero");
    else if (!isfinite(total)) err = rt_raise(vm, EX_ValueError, "Total of weights must be finite");
    for (int64_t i = 0; err.tag == V_NULL && i < k; i++) {
      double x = random_double(vm) * total;
      int64_t lo = 0, hi = len - 1;
      while (lo < hi) { int64_t mid = (lo + hi) / 2; if (x < cw[mid]) hi = mid; else lo = mid + 1; }
      list_append(vm, res, pop->v[lo]);
    }
  }
  free(cw);
  OBJ_DECREF(vm, w);
  OBJ_DECREF(vm, pop);
  if (err.tag != V_NULL) { OBJ_DECREF(vm, res); return VERR; }
  return v_obj(res);
}

Value mod_random_init(VM *vm) {
  Module *m = module_new(vm, "random");
  if (!m) return rt_raise(vm, EX_MemoryError, "%s", "");
  static const struct { const char *name; NatFn fn; } fns[] = {
    {"seed", r_seed}, {"random", r_random}, {"getrandbits", r_getrandbits}, {"randrange", r_randrange},
    {"randint", r_randint}, {"uniform", r_uniform}, {"gauss", r_gauss}, {"normalvariate", r_normalvariate},
    {"expovariate", r_expovariate}, {"choice", r_choice}, {"shuffle", r_shuffle}, {"sample", r_sample},
    {"choices", r_choices},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) def_func(vm, m->dict, fns[i].name, fns[i].fn);
  return v_obj(m);
}
