/* cuda.c — the engine's side of the CUDA backend (tn-cuda.h): finding and loading the module
 * (engine/cuda/, see tn-cuda-abi.h), device tensors, copies between devices, and the CUDA paths of
 * the hot operations (element-wise, reductions, matmul, fill, copy) that the CPU entry points hand
 * over to once their own argument checks have passed (tn-internal.h, "CUDA hooks").
 *
 * Device memory is managed memory and every module call completes before it returns, so an
 * operation without a CUDA kernel runs its CPU kernel on "host aliases" of the same memory (CPU
 * tensor headers over the CUDA tensors' data) and copies a new result back to the device. */
#include "tn-internal.h"
#include "tn-cuda.h"
#include "../cuda/tn-cuda-abi.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const tn_cuda_module *mod;
static int n_devices;
static char status_text[512] = "CUDA backend not loaded";
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static bool allow_tf32;
static bool module_found;
static bool status_set; /* the first failure says most: later paths are fallbacks */

static const char no_driver[] =
    "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver "
    "from http://www.nvidia.com/Download/index.aspx";

/* ---- loading ---- */

static void try_load(const char *path) {
  if (mod || !path || !*path) return;
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    if (!status_set)
      snprintf(status_text, sizeof status_text, "CUDA module %s not loaded: %s", path, e ? e : "unknown error");
    status_set = true;
    return;
  }
  module_found = true;
  const tn_cuda_module *(*entry)(void) = (const tn_cuda_module *(*)(void))dlsym(h, "tn_cuda_module_v1");
  const tn_cuda_module *m = entry ? entry() : NULL;
  if (!m || m->abi_version != TN_CUDA_ABI_VERSION) {
    snprintf(status_text, sizeof status_text, "CUDA module %s has another interface version", path);
    dlclose(h);
    return;
  }
  int n = m->init();
  if (n <= 0) {
    snprintf(status_text, sizeof status_text, "CUDA module loaded, but no usable device: %s", m->last_error());
    status_set = true;
    return; /* keep the library loaded: unloading CUDA runtimes is not safe */
  }
  mod = m;
  n_devices = n;
  mod->set_device(0);
  char name[256] = "";
  mod->device_name(0, name, sizeof name);
  snprintf(status_text, sizeof status_text, "%d CUDA device%s: %s", n, n == 1 ? "" : "s", name);
}

static void load(void) {
  try_load(getenv("TN_CUDA_MODULE"));
#ifdef TN_CUDA_MODULE_BUILD_PATH
  try_load(TN_CUDA_MODULE_BUILD_PATH);
#endif
#ifdef TN_CUDA_MODULE_INSTALL_PATH
  try_load(TN_CUDA_MODULE_INSTALL_PATH);
#endif
#if !defined(TN_CUDA_MODULE_BUILD_PATH) && !defined(TN_CUDA_MODULE_INSTALL_PATH)
  if (!module_found && !getenv("TN_CUDA_MODULE"))
    snprintf(status_text, sizeof status_text, "CUDA backend not built (no nvcc when this engine was configured)");
#endif
}

bool tn_cuda_is_available(void) {
  pthread_once(&load_once, load);
  return mod != NULL;
}

int tn_cuda_device_count(void) { return tn_cuda_is_available() ? n_devices : 0; }

const char *tn_cuda_status(void) {
  pthread_once(&load_once, load);
  return status_text;
}

/* PyTorch's error for CUDA requested where there is none. */
static int no_cuda(void) {
  if (!module_found) return tn__errorf(TN_ERROR_RUNTIME, "Torch not compiled with CUDA enabled");
  return tn__errorf(TN_ERROR_RUNTIME, "%s", no_driver);
}

int tn_cuda_get_device_name(int device, char *buf, size_t n) {
  if (!tn_cuda_is_available()) return no_cuda();
  if (device < 0 || device >= n_devices) return tn__errorf(TN_ERROR_RUNTIME, "Invalid device id");
  if (mod->device_name(device, buf, n) < 0) return tn__errorf(TN_ERROR_RUNTIME, "%s", mod->last_error());
  return 0;
}

int tn_cuda_synchronize(void) {
  if (!tn_cuda_is_available()) return no_cuda();
  return mod->synchronize() < 0 ? tn__errorf(TN_ERROR_RUNTIME, "%s", mod->last_error()) : 0;
}

void tn_cuda_set_allow_tf32(bool allow) { allow_tf32 = allow; }
bool tn_cuda_get_allow_tf32(void) { return allow_tf32; }

int tn_device_parse(const char *text, tn_device *out) {
  if (!text) return tn__errorf(TN_ERROR_RUNTIME, "Expected a non-empty device string");
  if (strcmp(text, "cpu") == 0) {
    *out = TN_DEVICE_CPU_VALUE;
    return 0;
  }
  if (strncmp(text, "cuda", 4) == 0) {
    if (text[4] == 0) {
      *out = (tn_device){TN_DEVICE_CUDA, -1};
      return 0;
    }
    if (text[4] == ':' && text[5] >= '0' && text[5] <= '9') {
      char *end;
      long idx = strtol(text + 5, &end, 10);
      if (*end == 0 && idx >= 0 && idx < 1 << 20) {
        *out = (tn_device){TN_DEVICE_CUDA, (int32_t)idx};
        return 0;
      }
    }
  }
  return tn__errorf(TN_ERROR_RUNTIME,
                    "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, ort, xla, lazy, "
                    "vulkan, mps, meta, hpu, privateuseone device type at start of device string: %s",
                    text);
}

const char *tn_device_format(tn_device d, char *buf, size_t n) {
  if (d.type == TN_DEVICE_CUDA)
    snprintf(buf, n, "cuda:%d", d.index < 0 ? 0 : d.index);
  else
    snprintf(buf, n, "cpu");
  return buf;
}

/* ---- device tensors ---- */

bool tn__is_cuda(const tn_tensor *t) { return t && t->device.type == TN_DEVICE_CUDA; }

bool tn__cuda_any(const tn_tensor *a, const tn_tensor *b, const tn_tensor *c) {
  return tn__is_cuda(a) || tn__is_cuda(b) || tn__is_cuda(c);
}

typedef struct {
  void *ptr;
  size_t nbytes;
} DeviceBlock;

static void release_block(void *ctx) {
  DeviceBlock *b = ctx;
  if (mod) mod->release(b->ptr, b->nbytes);
  free(b);
}

static tn_device resolve(tn_device d) {
  if (d.type == TN_DEVICE_CUDA && d.index < 0) d.index = 0;
  return d;
}

tn_tensor *tn__cuda_empty(int32_t ndim, const int64_t *shape, tn_dtype dtype, tn_device device) {
  return tn__cuda_empty_strided(ndim, shape, NULL, dtype, device);
}

tn_tensor *tn__cuda_empty_strided(int32_t ndim, const int64_t *shape, const int64_t *strides, tn_dtype dtype,
                                  tn_device device) {
  if (!tn_cuda_is_available()) return no_cuda(), NULL;
  device = resolve(device);
  if (device.index >= n_devices)
    return tn__error(TN_ERROR_RUNTIME, "CUDA error: invalid device ordinal");
  int64_t numel = tn__shape_numel(ndim, shape);
  if (numel < 0) return NULL;
  size_t nbytes = (size_t)numel * tn__dtype_traits[dtype].size;
  DeviceBlock *blk = malloc(sizeof *blk);
  if (!blk) return tn__error_alloc(sizeof *blk);
  blk->nbytes = nbytes;
  blk->ptr = mod->alloc(nbytes);
  if (!blk->ptr) {
    free(blk);
    return tn__error(TN_ERROR_RUNTIME, "CUDA out of memory. Tried to allocate %zu bytes (%s)", nbytes, mod->last_error());
  }
  tn_tensor *t = tn_from_blob(blk->ptr, ndim, shape, strides, dtype, release_block, blk);
  if (!t) {
    release_block(blk);
    return NULL;
  }
  t->device = device;
  t->storage->device = device;
  return t;
}

/* A CPU tensor header over a CUDA tensor's memory (same geometry), for CPU kernels. It must not
 * outlive t: callers release it before t. */
static tn_tensor *host_alias(const tn_tensor *t) {
  tn_tensor *a = tn_from_blob(tn__data(t), t->ndim, t->shape, t->strides, t->dtype, NULL, NULL);
  return a;
}

static void geom_init(tn_cuda_geom *g, int32_t ndim, const int64_t *shape) {
  memset(g, 0, sizeof *g);
  g->ndim = ndim;
  g->numel = tn__shape_numel(ndim, shape);
  for (int32_t d = 0; d < ndim; d++) g->shape[d] = shape[d];
}

static void geom_operand(tn_cuda_geom *g, int k, const tn_tensor *t) {
  for (int32_t d = 0; d < g->ndim; d++) g->strides[k][d] = t->strides[d];
}

static int module_error(void) { return tn__errorf(TN_ERROR_RUNTIME, "%s", mod->last_error()); }

/* dst (CUDA) = src (CUDA), same shape (src already expanded), any dtypes. */
static int device_cast(tn_tensor *dst, const tn_tensor *src) {
  if (dst->dtype == src->dtype && tn_is_contiguous(dst) && tn_is_contiguous(src) && dst->numel == src->numel &&
      dst->ndim == src->ndim && memcmp(dst->shape, src->shape, sizeof(int64_t) * (size_t)dst->ndim) == 0) {
    /* the same bytes: the driver's device copy */
    size_t n = (size_t)dst->numel * tn__dtype_traits[dst->dtype].size;
    return mod->copy_d2d(tn__data(dst), tn__data(src), n) < 0 ? module_error() : 0;
  }
  tn_cuda_geom g;
  geom_init(&g, dst->ndim, dst->shape);
  geom_operand(&g, 0, dst);
  geom_operand(&g, 1, src);
  return mod->cast(dst->dtype, tn__data(dst), src->dtype, tn__data(src), &g) < 0 ? module_error() : 0;
}

/* A contiguous device tensor holding t (any device) converted to dtype, expanded to shape. */
static tn_tensor *on_device(const tn_tensor *t, tn_dtype dtype, tn_device dev, int32_t ndim, const int64_t *shape) {
  tn_tensor *src = NULL;
  if (t->device.type == TN_DEVICE_CPU) {
    tn_tensor *conv = tn_to_dtype(t, dtype, false);
    tn_tensor *c = conv ? tn_contiguous(conv) : NULL;
    tn_release(conv);
    if (!c) return NULL;
    src = tn__cuda_empty(c->ndim, c->shape, dtype, dev);
    if (src && mod->copy_h2d(tn__data(src), tn__data(c), (size_t)c->numel * tn__dtype_traits[dtype].size) < 0) {
      module_error();
      tn_release(src);
      src = NULL;
    }
    tn_release(c);
  } else {
    src = tn_retain((tn_tensor *)t);
  }
  if (!src) return NULL;
  tn_tensor *ex = tn_expand(src, ndim, shape);
  tn_release(src);
  if (!ex) return NULL;
  if (ex->dtype == dtype) return ex; /* strided is fine for the kernels */
  tn_tensor *out = tn__cuda_empty(ndim, shape, dtype, dev);
  if (out && device_cast(out, ex) < 0) {
    tn_release(out);
    out = NULL;
  }
  tn_release(ex);
  return out;
}

tn_tensor *tn_to_device(const tn_tensor *t, tn_device device) {
  if (!t) return tn__error(TN_ERROR_RUNTIME, "expected a tensor, got NULL");
  device = resolve(device);
  if (t->device.type == device.type && (device.type == TN_DEVICE_CPU || t->device.index == device.index))
    return tn_retain((tn_tensor *)t);
  if (device.type == TN_DEVICE_CUDA) {
    if (!tn_cuda_is_available()) return no_cuda(), NULL;
    if (t->device.type == TN_DEVICE_CUDA) { /* another GPU: through the host, simply */
      tn_tensor *host = tn_to_device(t, TN_DEVICE_CPU_VALUE);
      tn_tensor *r = host ? tn_to_device(host, device) : NULL;
      tn_release(host);
      return r;
    }
    if (tn__non_overlapping_and_dense(t) && !tn_is_contiguous(t)) {
      /* a permuted dense layout keeps its strides, as to(memory_format=torch.preserve_format)
       * does: its elements are one block of memory, copied as they lie */
      tn_tensor *d = tn__cuda_empty_strided(t->ndim, t->shape, t->strides, t->dtype, device);
      if (d && mod->copy_h2d(tn__data(d), tn__data(t), (size_t)t->numel * tn__dtype_traits[t->dtype].size) < 0) {
        module_error();
        tn_release(d);
        d = NULL;
      }
      return d;
    }
    tn_tensor *dev = on_device(t, t->dtype, device, t->ndim, t->shape);
    tn_tensor *c = dev ? tn__cuda_contiguous(dev) : NULL;
    tn_release(dev);
    return c;
  }
  /* CUDA -> CPU: a contiguous copy through a host alias */
  tn_tensor *alias = host_alias(t);
  tn_tensor *r = alias ? tn_clone(alias) : NULL;
  tn_release(alias);
  return r;
}

int tn__cuda_check_device(tn_device device) {
  if (device.type != TN_DEVICE_CUDA) return 0;
  if (!tn_cuda_is_available()) return no_cuda();
  device = resolve(device);
  if (device.index >= n_devices) return tn__errorf(TN_ERROR_RUNTIME, "CUDA error: invalid device ordinal");
  return 0;
}

tn_tensor *tn__move_to_device(tn_tensor *host, tn_device device) {
  if (!host) return NULL;
  tn_tensor *d = tn_to_device(host, device);
  tn_release(host);
  return d;
}

/* ---- the CUDA hooks of the operations ---- */

tn_tensor *tn__cuda_contiguous(const tn_tensor *t) {
  if (tn_is_contiguous(t)) return tn_retain((tn_tensor *)t);
  tn_tensor *c = tn__cuda_empty(t->ndim, t->shape, t->dtype, t->device);
  if (c && device_cast(c, t) < 0) {
    tn_release(c);
    c = NULL;
  }
  return c;
}

static int same_device_error(tn_device a, tn_device b) {
  char x[16], y[16];
  return tn__errorf(TN_ERROR_RUNTIME, "Expected all tensors to be on the same device, but found at least two devices, %s and %s!",
                    tn_device_format(a, x, sizeof x), tn_device_format(b, y, sizeof y));
}

static _Thread_local bool lenient; /* tn__cuda_lenient */

bool tn__cuda_lenient(bool on) {
  bool was = lenient;
  lenient = on;
  return was;
}

/* The device an op runs on: the CUDA operands' (they must agree); CPU 0-dim tensors (Python
 * numbers, scalars) may join them, as in PyTorch (any CPU tensor inside backward formulas). */
static int op_device(int n, const tn_tensor *const *ts, tn_device *out) {
  tn_device dev = TN_DEVICE_CPU_VALUE;
  bool found = false;
  for (int i = 0; i < n; i++)
    if (tn__is_cuda(ts[i])) {
      tn_device d = resolve(ts[i]->device);
      if (found && d.index != dev.index) return same_device_error(dev, d);
      dev = d;
      found = true;
    }
  for (int i = 0; i < n; i++)
    if (ts[i] && !tn__is_cuda(ts[i]) && ts[i]->ndim != 0 && !lenient) return same_device_error(dev, TN_DEVICE_CPU_VALUE);
  if (!tn_cuda_is_available()) return no_cuda();
  *out = dev;
  return 0;
}

/* Writes value (a tensor of the right shape on dev) into self, converting to self's dtype. */
static int store_into(tn_tensor *self, const tn_tensor *value) {
  if (tn__is_cuda(self)) return device_cast(self, value);
  tn_tensor *host = tn_to_device(value, TN_DEVICE_CPU_VALUE);
  tn_tensor *r = host ? tn_copy_(self, host) : NULL;
  tn_release(host);
  tn_release(r);
  return r ? 0 : -1;
}

/* Copies a CPU result to dev. */
static tn_tensor *to_dev_result(tn_tensor *cpu, tn_device dev) {
  if (!cpu) return NULL;
  tn_tensor *r = tn_to_device(cpu, dev);
  tn_release(cpu);
  return r;
}

static tn_tensor *alias_or_retain(const tn_tensor *t) {
  if (!t) return NULL;
  return tn__is_cuda(t) ? host_alias(t) : tn_retain((tn_tensor *)t);
}

/* ---- operations without a CUDA kernel (tn-internal.h) ---- */

int tn__cuda_host_args(int n, const tn_tensor *const *in, tn_tensor **host, tn_device *dev) {
  for (int i = 0; i < n; i++) host[i] = NULL;
  if (op_device(n, in, dev) < 0) return -1;
  for (int i = 0; i < n; i++)
    if (in[i] && !(host[i] = alias_or_retain(in[i]))) {
      tn__cuda_host_done(i, host, NULL, *dev);
      return -1;
    }
  return 0;
}

tn_tensor *tn__cuda_host_done(int n, tn_tensor **host, tn_tensor *cpu_result, tn_device dev) {
  for (int i = 0; i < n; i++) tn_release(host[i]);
  return to_dev_result(cpu_result, dev);
}

tn_tensor *tn__cuda_via_host_list(int32_t n, tn_tensor *const *in,
                                  tn_tensor *(*op)(int32_t n, tn_tensor *const *host, void *ctx), void *ctx) {
  tn_tensor **host = malloc((size_t)(n > 0 ? n : 1) * sizeof *host);
  if (!host) return tn__error_alloc((size_t)n * sizeof *host);
  tn_device dev;
  tn_tensor *r = NULL;
  if (tn__cuda_host_args(n, (const tn_tensor *const *)in, host, &dev) == 0)
    r = tn__cuda_host_done(n, host, op(n, host, ctx), dev);
  free(host);
  return r;
}

/* pick over t's coordinate along dim d: an arange of t.shape[d] along d, broadcast (stride 0) over
 * the other dims, so that no tensor of t's size is made; the result has the picked elements' shape. */
static tn_tensor *pick_coordinate(const tn_tensor *t, int32_t d, tn_tensor *(*pick)(const tn_tensor *, void *),
                                  void *ctx) {
  int64_t shape[TN_MAX_DIMS];
  for (int32_t k = 0; k < t->ndim; k++) shape[k] = k == d ? t->shape[d] : 1;
  tn_tensor *ar = tn_arange(tn_scalar_int(0), tn_scalar_int(t->shape[d]), tn_scalar_int(1), TN_OPTS(TN_DTYPE_INT64));
  tn_tensor *col = ar ? tn_reshape(ar, t->ndim, shape) : NULL;
  tn_tensor *full = col ? tn_expand(col, t->ndim, t->shape) : NULL;
  tn_tensor *q = full ? pick(full, ctx) : NULL;
  tn_release(ar), tn_release(col), tn_release(full);
  return q;
}

tn_tensor *tn__cuda_take(const tn_tensor *t, tn_tensor *(*pick)(const tn_tensor *positions, void *ctx), void *ctx) {
  tn_device dev;
  if (op_device(1, &t, &dev) < 0) return NULL;
  /* the result's positions in t's storage: offset + sum over dims of (picked coordinate) * stride,
   * worked out on the CPU at the result's size */
  tn_tensor *pos = tn_full(0, NULL, tn_scalar_int(t->offset), TN_OPTS(TN_DTYPE_INT64));
  if (pos && t->ndim == 0) { /* a 0-dim t: pick its one position */
    tn_tensor *q = pick(pos, ctx);
    tn_release(pos);
    pos = q;
  }
  for (int32_t d = 0; pos && d < t->ndim; d++) {
    tn_tensor *q = pick_coordinate(t, d, pick, ctx);
    tn_tensor *stride = q ? tn_wrap_scalar(tn_scalar_int(t->strides[d])) : NULL;
    tn_tensor *term = stride ? tn_mul(q, stride) : NULL;
    tn_tensor *sum = term ? tn_add(pos, term) : NULL;
    tn_release(q), tn_release(stride), tn_release(term), tn_release(pos);
    pos = sum;
  }
  tn_tensor *qc = pos ? tn_contiguous(pos) : NULL;
  tn_release(pos);
  if (!qc) return NULL;
  tn_tensor *qd = qc->dtype == TN_DTYPE_INT64 ? tn_to_device(qc, dev) : NULL;
  tn_tensor *out = qd ? tn__cuda_empty(qc->ndim, qc->shape, t->dtype, dev) : NULL;
  if (out && mod->take(tn__dtype_traits[t->dtype].size, tn__data(out), t->storage->data, (const int64_t *)tn__data(qd),
                       out->numel) < 0) {
    module_error();
    tn_release(out);
    out = NULL;
  }
  tn_release(qc);
  tn_release(qd);
  return out;
}

int tn__cuda_host_results(int rc, tn_device dev, int n, tn_tensor **results) {
  for (int i = 0; i < n; i++)
    if (rc == 0 && results[i] && !(results[i] = to_dev_result(results[i], dev))) rc = -1;
  if (rc < 0)
    for (int i = 0; i < n; i++) {
      tn_release(results[i]);
      results[i] = NULL;
    }
  return rc < 0 ? -1 : 0;
}


static bool kernel_binary_op(int op, tn_dtype common) {
  switch (op) {
  case TN_BINARY_ADD: case TN_BINARY_SUB: case TN_BINARY_MUL: case TN_BINARY_DIV: case TN_BINARY_MAXIMUM:
  case TN_BINARY_MINIMUM: case TN_BINARY_EQ: case TN_BINARY_NE: case TN_BINARY_LT: case TN_BINARY_LE:
  case TN_BINARY_GT: case TN_BINARY_GE: case TN__EW_ADD_ALPHA:
    return true;
  case TN_BINARY_POW: return tn_dtype_is_floating(common);
  default: return false;
  }
}

tn_tensor *tn__cuda_binary(int op, const tn_tensor *a, const tn_tensor *b, tn_tensor *self, const tn_scalar *alpha,
                           tn_dtype common, tn_dtype kout, int32_t ndim, const int64_t *shape) {
  const tn_tensor *ops[3] = {a, b, self};
  tn_device dev;
  if (op_device(3, ops, &dev) < 0) return NULL;
  if (self && !tn__is_cuda(self) && !lenient) return same_device_error(dev, TN_DEVICE_CPU_VALUE), NULL;
  tn_tensor *result = NULL;
  if (kernel_binary_op(op, common)) {
    tn_tensor *ad = on_device(a, common, dev, ndim, shape), *bd = ad ? on_device(b, common, dev, ndim, shape) : NULL;
    tn_tensor *out = bd ? tn__cuda_empty(ndim, shape, kout, dev) : NULL;
    if (out) {
      tn_cuda_geom g;
      geom_init(&g, ndim, shape);
      geom_operand(&g, 0, out);
      geom_operand(&g, 1, ad);
      geom_operand(&g, 2, bd);
      int kop = op == TN__EW_ADD_ALPHA ? TN_BINARY_ADD : op;
      double al = alpha ? tn_scalar_to_double(*alpha) : 1.0;
      if (mod->binary(kop, kout, tn__data(out), common, tn__data(ad), tn__data(bd), al, &g) < 0) {
        module_error();
        tn_release(out);
        out = NULL;
      }
    }
    tn_release(ad);
    tn_release(bd);
    result = out;
  } else {
    /* No kernel: the CPU kernel on host aliases, the result copied back to the device. */
    tn_tensor *ah = alias_or_retain(a), *bh = alias_or_retain(b);
    tn_tensor *r = NULL;
    if (ah && bh) r = op == TN__EW_ADD_ALPHA ? tn_add_alpha(ah, bh, *alpha) : tn_binary((tn_binary_op)op, ah, bh);
    tn_release(ah);
    tn_release(bh);
    result = to_dev_result(r, dev);
  }
  if (!result || !self) return result;
  int rc = store_into(self, result);
  tn_release(result);
  if (rc < 0) return NULL;
  tn_bump_version(self);
  return tn_retain(self);
}

static bool kernel_unary_op(tn_unary_op op, tn_dtype ct) {
  return tn_dtype_is_floating(ct) && op <= TN_UNARY_SQUARE && op != TN_UNARY_LOGICAL_NOT &&
         op != TN_UNARY_BITWISE_NOT;
}

tn_tensor *tn__cuda_unary(tn_unary_op op, const tn_tensor *a, tn_tensor *self, tn_dtype ct, tn_dtype kout) {
  const tn_tensor *ops[2] = {a, self};
  tn_device dev;
  if (op_device(2, ops, &dev) < 0) return NULL;
  if (self && !tn__is_cuda(self) && !lenient) return same_device_error(dev, TN_DEVICE_CPU_VALUE), NULL;
  tn_tensor *result = NULL;
  if (kernel_unary_op(op, ct) && kout == ct) {
    tn_tensor *ad = on_device(a, ct, dev, a->ndim, a->shape);
    tn_tensor *out = ad ? tn__cuda_empty(a->ndim, a->shape, ct, dev) : NULL;
    if (out) {
      tn_cuda_geom g;
      geom_init(&g, a->ndim, a->shape);
      geom_operand(&g, 0, out);
      geom_operand(&g, 1, ad);
      if (mod->unary(op, ct, tn__data(out), tn__data(ad), &g) < 0) {
        module_error();
        tn_release(out);
        out = NULL;
      }
    }
    tn_release(ad);
    result = out;
  } else {
    tn_tensor *ah = alias_or_retain(a);
    result = to_dev_result(ah ? tn_unary(op, ah) : NULL, dev);
    tn_release(ah);
  }
  if (!result || !self) return result;
  int rc = store_into(self, result);
  tn_release(result);
  if (rc < 0) return NULL;
  tn_bump_version(self);
  return tn_retain(self);
}

int tn__cuda_copy(tn_tensor *dst, const tn_tensor *src) {
  if (!tn_cuda_is_available()) return no_cuda();
  if (tn__is_cuda(dst) && tn__is_cuda(src) && resolve(dst->device).index != resolve(src->device).index) {
    tn_tensor *host = tn_to_device(src, TN_DEVICE_CPU_VALUE);
    int rc = host ? tn__cuda_copy(dst, host) : -1;
    tn_release(host);
    return rc;
  }
  if (tn__is_cuda(dst)) {
    tn_tensor *sd = on_device(src, dst->dtype, resolve(dst->device), dst->ndim, dst->shape);
    int rc = sd ? device_cast(dst, sd) : -1;
    tn_release(sd);
    return rc;
  }
  /* CUDA -> CPU: the CPU copy reads the managed memory through an alias */
  tn_tensor *alias = host_alias(src);
  tn_tensor *r = alias ? tn_copy_(dst, alias) : NULL;
  tn_release(alias);
  tn_release(r);
  return r ? 0 : -1;
}

int tn__cuda_fill(tn_tensor *t, tn_scalar value) {
  if (!tn_cuda_is_available()) return no_cuda();
  tn_cuda_geom g;
  geom_init(&g, t->ndim, t->shape);
  geom_operand(&g, 0, t);
  int64_t iv = value.kind == TN_SCALAR_FLOAT ? (int64_t)0 : value.kind == TN_SCALAR_INT ? value.v.i : value.v.b;
  if (value.kind == TN_SCALAR_FLOAT && !tn_dtype_is_floating(t->dtype) && value.v.f == value.v.f &&
      value.v.f > -9.2e18 && value.v.f < 9.2e18)
    iv = (int64_t)value.v.f; /* truncation, as the CPU fill converts */
  return mod->fill(t->dtype, tn__data(t), &g, tn_scalar_to_double(value), iv) < 0 ? module_error() : 0;
}

/* kind 0 sum, 1 amax, 2 amin; dims already validated and wrapped by the caller, out_dtype chosen by
 * it; scale is 1 or 1/n for a mean. */
tn_tensor *tn__cuda_reduce(int kind, const tn_tensor *t, int32_t ndims, const int64_t *dims, bool keepdim,
                           tn_dtype out_dtype, double scale) {
  tn_device dev;
  if (op_device(1, &t, &dev) < 0) return NULL;
  bool reduced[TN_MAX_DIMS] = {false};
  if (ndims == 0)
    for (int32_t d = 0; d < t->ndim; d++) reduced[d] = true;
  for (int32_t i = 0; i < ndims; i++) { /* the caller validated them (rdims_init) */
    int64_t d = dims[i] < 0 ? dims[i] + t->ndim : dims[i];
    if (d >= 0 && d < t->ndim) reduced[d] = true;
  }
  /* permute kept dims first, reduced last; make that contiguous in the accumulation's input dtype */
  int64_t perm[TN_MAX_DIMS];
  int32_t np = 0;
  int64_t rows = 1, cols = 1;
  for (int32_t d = 0; d < t->ndim; d++)
    if (!reduced[d]) perm[np++] = d, rows *= t->shape[d];
  for (int32_t d = 0; d < t->ndim; d++)
    if (reduced[d]) perm[np++] = d, cols *= t->shape[d];
  tn_tensor *p = tn_permute(t, t->ndim, perm);
  tn_dtype in_dtype = out_dtype == TN_DTYPE_INT64 && !tn_dtype_is_floating(t->dtype) ? t->dtype : out_dtype;
  tn_tensor *c = NULL;
  if (p && p->dtype == in_dtype && tn_is_contiguous(p)) {
    c = tn_retain(p); /* already rows of contiguous reduced elements: no copy */
  } else {
    c = p ? tn__cuda_empty(p->ndim, p->shape, in_dtype, dev) : NULL;
    if (c && device_cast(c, p) < 0) {
      tn_release(c);
      c = NULL;
    }
  }
  tn_release(p);
  if (!c) return NULL;
  int64_t oshape[TN_MAX_DIMS];
  int32_t on = 0;
  for (int32_t d = 0; d < t->ndim; d++) {
    if (!reduced[d]) oshape[on++] = t->shape[d];
    else if (keepdim) oshape[on++] = 1;
  }
  tn_tensor *out = tn__cuda_empty(on, oshape, out_dtype, dev);
  if (out && mod->reduce_rows(kind, out_dtype, tn__data(out), in_dtype, tn__data(c), rows, cols, scale) < 0) {
    module_error();
    tn_release(out);
    out = NULL;
  }
  tn_release(c);
  return out;
}

int tn__cuda_same_device(int n, const tn_tensor *const *ts) {
  tn_device dev;
  return op_device(n, ts, &dev);
}

tn_tensor *tn__cuda_addmm(const tn_tensor *se, const tn_tensor *m1, const tn_tensor *m2, double beta, double alpha) {
  const tn_tensor *ops[3] = {se, m1, m2};
  tn_device dev;
  if (op_device(3, ops, &dev) < 0) return NULL;
  int64_t M = m1->shape[0], K = m1->shape[1], N = m2->shape[1];
  if (!tn_dtype_is_floating(m1->dtype) || M == 0 || N == 0 || K == 0) { /* the CPU op on host views */
    tn_tensor *host[3];
    if (tn__cuda_host_args(3, ops, host, &dev) < 0) return NULL;
    tn_tensor *r = tn_addmm(host[0], host[1], host[2], tn_scalar_float(beta), tn_scalar_float(alpha));
    return tn__cuda_host_done(3, host, r, dev);
  }
  int64_t shape[2] = {M, N};
  tn_tensor *out = tn__cuda_empty(2, shape, m1->dtype, dev);
  tn_tensor *ad = out ? tn_to_device(m1, dev) : NULL, *bd = ad ? tn_to_device(m2, dev) : NULL;
  tn_tensor *ac = bd ? tn__cuda_contiguous(ad) : NULL, *bc = ac ? tn__cuda_contiguous(bd) : NULL;
  int rc = bc ? 0 : -1;
  if (rc == 0 && beta != 0) { /* beta 0 ignores self, NaNs included, as BLAS does */
    tn_tensor *sd = on_device(se, m1->dtype, dev, 2, shape);
    rc = sd ? device_cast(out, sd) : -1;
    tn_release(sd);
  }
  if (rc == 0 && mod->gemm(m1->dtype, 0, 0, M, N, K, alpha, tn__data(ac), K, M * K, tn__data(bc), N, K * N, beta,
                           tn__data(out), N, M * N, 1, allow_tf32) < 0)
    rc = module_error();
  tn_release(ad), tn_release(bd), tn_release(ac), tn_release(bc);
  if (rc < 0) {
    tn_release(out);
    return NULL;
  }
  return out;
}

/* matmul: 2-D @ 2-D and equal-batch 3-D @ 3-D of a float dtype through cuBLAS; every other form
 * through the CPU kernels on host aliases. */
tn_tensor *tn__cuda_matmul(const tn_tensor *a, const tn_tensor *b) {
  const tn_tensor *ops[2] = {a, b};
  tn_device dev;
  if (op_device(2, ops, &dev) < 0) return NULL;
  if (!tn__is_cuda(a) || !tn__is_cuda(b)) {
    if (!lenient) return same_device_error(dev, TN_DEVICE_CPU_VALUE), NULL;
    tn_tensor *ad = tn_to_device(a, dev), *bd = ad ? tn_to_device(b, dev) : NULL;
    tn_tensor *r = bd ? tn__cuda_matmul(ad, bd) : NULL;
    tn_release(ad);
    tn_release(bd);
    return r;
  }
  if ((a->ndim == 1 || b->ndim == 1) && a->ndim <= 2 && b->ndim <= 2 && a->dtype == b->dtype &&
      tn_dtype_is_floating(a->dtype)) {
    /* vector operands as 1-row / 1-column matrices (views), one gemm, the added dims dropped */
    int64_t ka = a->shape[a->ndim - 1], kb = b->shape[0];
    if (ka != kb) {
      if (a->ndim == 1 && b->ndim == 1)
        return tn__error(TN_ERROR_RUNTIME, "inconsistent tensor size, expected tensor [%lld] and src [%lld] to have the same number of elements, but got %lld and %lld elements respectively",
                         (long long)ka, (long long)kb, (long long)ka, (long long)kb);
      return tn__error(TN_ERROR_RUNTIME, "size mismatch, got input (%lld), mat (%lldx%lld), vec (%lld)",
                       (long long)(a->ndim == 2 ? a->shape[0] : b->shape[1]), (long long)(a->ndim == 2 ? a->shape[0] : b->shape[1]),
                       (long long)ka, (long long)kb);
    }
    int64_t sa[2] = {a->ndim == 2 ? a->shape[0] : 1, ka}, sb[2] = {kb, b->ndim == 2 ? b->shape[1] : 1};
    tn_tensor *a2 = tn_reshape(a, 2, sa), *b2 = a2 ? tn_reshape(b, 2, sb) : NULL;
    tn_tensor *r = b2 ? tn__cuda_matmul(a2, b2) : NULL;
    tn_release(a2);
    tn_release(b2);
    if (!r) return NULL;
    int64_t so[1] = {a->ndim == 2 ? a->shape[0] : sb[1]};
    tn_tensor *out = tn_reshape(r, a->ndim + b->ndim - 2, so);
    tn_release(r);
    return out;
  }
  bool blas_dtype = a->dtype == b->dtype && tn_dtype_is_floating(a->dtype);
  bool two = a->ndim == 2 && b->ndim == 2 && a->shape[1] == b->shape[0];
  bool three = a->ndim == 3 && b->ndim == 3 && a->shape[0] == b->shape[0] && a->shape[2] == b->shape[1];
  if (!blas_dtype || !(two || three)) {
    tn_tensor *ah = host_alias(a), *bh = host_alias(b);
    tn_tensor *r = ah && bh ? tn_matmul(ah, bh) : NULL;
    tn_release(ah);
    tn_release(bh);
    return to_dev_result(r, dev);
  }
  tn_tensor *ac = tn__cuda_contiguous(a), *bc = ac ? tn__cuda_contiguous(b) : NULL;
  int64_t batch = three ? a->shape[0] : 1, m = a->shape[a->ndim - 2], k = a->shape[a->ndim - 1], n = b->shape[b->ndim - 1];
  int64_t shape[3] = {batch, m, n};
  tn_tensor *out = bc ? tn__cuda_empty(three ? 3 : 2, three ? shape : shape + 1, a->dtype, dev) : NULL;
  if (out && mod->gemm(a->dtype, 0, 0, m, n, k, 1.0, tn__data(ac), k, m * k, tn__data(bc), n, k * n, 0.0,
                       tn__data(out), n, m * n, batch, allow_tf32) < 0) {
    module_error();
    tn_release(out);
    out = NULL;
  }
  tn_release(ac);
  tn_release(bc);
  return out;
}
