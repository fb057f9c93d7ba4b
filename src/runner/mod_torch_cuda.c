/* mod_torch_cuda.c — devices in the runner: torch.device objects, the device= argument of the
 * factories, Tensor.to(device) / .cuda() / .cpu() / .device / .is_cuda, and torch.cuda.*, over the
 * engine's CUDA backend (tn-cuda.h). Without a CUDA device everything still parses, and asking for
 * one gives PyTorch's error. */
#include "rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tn.h"
#include "tn-cuda.h"

/* ---- torch.device ---- */

static tn_device *device_of(VM *vm, Value v) {
  if (v.tag == V_OBJ && v.u.o->kind == O_NATIVE && v.u.o->cls == vm->t_device) return ((Native *)v.u.o)->ptr;
  return NULL;
}

Value torch_device_value(VM *vm, tn_device d) {
  tn_device *p = malloc(sizeof *p);
  if (!p) return rt_raise(vm, EX_MemoryError, "%s", "");
  *p = d;
  return native_new(vm, vm->t_device, p, free);
}

/* 1 and *out set when v names a device (a torch.device or a device string), 0 when it is something
 * else, -1 (raised) for a malformed device string. */
int torch_device_arg(VM *vm, Value v, tn_device *out) {
  tn_device *d = device_of(vm, v);
  if (d) {
    *out = *d;
    return 1;
  }
  if (v.tag == V_OBJ && v.u.o->kind == O_STR) {
    if (tn_device_parse(((Str *)v.u.o)->s, out) < 0) {
      rt_raise_tn(vm);
      return -1;
    }
    return 1;
  }
  return 0;
}

/* torch.device("cuda:0") / torch.device("cuda", 0) / torch.device(other_device) */
Value torch_device_new(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  if (n < 1) return rt_raise(vm, EX_TypeError, "device() received an invalid combination of arguments");
  tn_device d;
  int r = torch_device_arg(vm, args[0], &d);
  if (r < 0) return VERR;
  if (r == 0) return rt_raise(vm, EX_TypeError, "device() received an invalid combination of arguments");
  if (n >= 2 && args[1].tag == V_INT) {
    if (d.index >= 0)
      return rt_raise(vm, EX_RuntimeError, "type (string) must not include an index because index was passed explicitly: %s",
                      ((Str *)args[0].u.o)->s);
    d.index = (int32_t)args[1].u.i;
  }
  if (d.type == TN_DEVICE_CPU) d.index = -1;
  return torch_device_value(vm, d);
}

Value torch_device_getattr(VM *vm, Value self, Str *name) {
  tn_device *d = device_of(vm, self);
  if (!d) return VNULL;
  if (strcmp(name->s, "type") == 0) return v_str(vm, d->type == TN_DEVICE_CUDA ? "cuda" : "cpu");
  if (strcmp(name->s, "index") == 0) return d->index >= 0 ? v_int(d->index) : VNONE;
  return VNULL;
}

Value torch_device_repr(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  tn_device *d = n > 0 ? device_of(vm, args[0]) : NULL;
  if (!d) return v_str(vm, "device(type='cpu')");
  char buf[64];
  if (d->type == TN_DEVICE_CUDA && d->index >= 0)
    snprintf(buf, sizeof buf, "device(type='cuda', index=%d)", d->index);
  else
    snprintf(buf, sizeof buf, "device(type='%s')", d->type == TN_DEVICE_CUDA ? "cuda" : "cpu");
  return v_str(vm, buf);
}

Value torch_device_str(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  tn_device *d = n > 0 ? device_of(vm, args[0]) : NULL;
  if (!d || d->type == TN_DEVICE_CPU) return v_str(vm, "cpu");
  char buf[32];
  if (d->index >= 0) snprintf(buf, sizeof buf, "cuda:%d", d->index);
  else snprintf(buf, sizeof buf, "cuda");
  return v_str(vm, buf);
}

Value torch_device_eq(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  if (n < 2) return v_bool(false);
  tn_device a, b;
  if (torch_device_arg(vm, args[0], &a) != 1) return v_bool(false);
  int r = torch_device_arg(vm, args[1], &b);
  if (r < 0) return VERR;
  return v_bool(r == 1 && a.type == b.type && a.index == b.index);
}

/* ---- tensors ---- */

/* The device= keyword of a factory, applied to its (CPU-made) result: t is consumed. */
tn_tensor *torch_apply_device_kw(VM *vm, Kw *kw, tn_tensor *t) {
  Value dv;
  if (!t || !kw_find(kw, "device", &dv) || dv.tag == V_NONE) return t;
  tn_device d;
  int r = torch_device_arg(vm, dv, &d);
  if (r <= 0) {
    tn_release(t);
    if (r == 0) rt_raise(vm, EX_TypeError, "device must be a torch.device or a string, not %s", rt_type(vm, dv)->name->s);
    return NULL;
  }
  if (d.type == TN_DEVICE_CPU && t->device.type == TN_DEVICE_CPU) return t;
  tn_tensor *moved = tn_to_device(t, d); /* also an explicit CPU for a result made like a CUDA tensor */
  tn_release(t);
  if (!moved) rt_raise_tn(vm);
  return moved;
}

Value torch_tensor_device(VM *vm, tn_tensor *t) {
  tn_device d = t->device;
  if (d.type == TN_DEVICE_CUDA && d.index < 0) d.index = 0;
  return torch_device_value(vm, d);
}

static Value m_cuda(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  tn_tensor *self = n > 0 ? torch_as_tensor(vm, args[0]) : NULL;
  if (!self) return rt_raise(vm, EX_TypeError, "descriptor requires a 'Tensor' object");
  tn_device d = {TN_DEVICE_CUDA, 0};
  if (n > 1) {
    if (args[1].tag == V_INT) d.index = (int32_t)args[1].u.i;
    else if (torch_device_arg(vm, args[1], &d) < 0) return VERR;
  }
  tn_tensor *r = tn_to_device(self, d);
  return r ? torch_wrap(vm, r) : rt_raise_tn(vm);
}

static Value m_cpu(VM *vm, Value *args, int n, Kw *kw) {
  (void)kw;
  tn_tensor *self = n > 0 ? torch_as_tensor(vm, args[0]) : NULL;
  if (!self) return rt_raise(vm, EX_TypeError, "descriptor requires a 'Tensor' object");
  tn_tensor *r = tn_to_device(self, TN_DEVICE_CPU_VALUE);
  return r ? torch_wrap(vm, r) : rt_raise_tn(vm);
}

/* ---- torch.cuda ---- */

static Value c_is_available(VM *vm, Value *a, int n, Kw *kw) { (void)vm; (void)a; (void)n; (void)kw; return v_bool(tn_cuda_is_available()); }
static Value c_device_count(VM *vm, Value *a, int n, Kw *kw) { (void)vm; (void)a; (void)n; (void)kw; return v_int(tn_cuda_device_count()); }
static Value c_current_device(VM *vm, Value *a, int n, Kw *kw) {
  (void)a; (void)n; (void)kw;
  char name[8];
  if (!tn_cuda_is_available() && tn_cuda_get_device_name(0, name, sizeof name) < 0) return rt_raise_tn(vm);
  return v_int(0);
}
static Value c_get_device_name(VM *vm, Value *a, int n, Kw *kw) {
  (void)kw;
  int dev = 0;
  if (n > 0 && a[0].tag == V_INT) dev = (int)a[0].u.i;
  else if (n > 0 && a[0].tag != V_NONE) {
    tn_device d;
    int r = torch_device_arg(vm, a[0], &d);
    if (r < 0) return VERR;
    if (r == 1 && d.index >= 0) dev = d.index;
  }
  char name[256];
  if (tn_cuda_get_device_name(dev, name, sizeof name) < 0) return rt_raise_tn(vm);
  return v_str(vm, name);
}
static Value c_synchronize(VM *vm, Value *a, int n, Kw *kw) {
  (void)a; (void)n; (void)kw;
  return tn_cuda_synchronize() < 0 ? rt_raise_tn(vm) : VNONE;
}

int torch_cuda_init(VM *vm, Dict *cuda_dict) {
  def_func(vm, cuda_dict, "is_available", c_is_available);
  def_func(vm, cuda_dict, "device_count", c_device_count);
  def_func(vm, cuda_dict, "current_device", c_current_device);
  def_func(vm, cuda_dict, "get_device_name", c_get_device_name);
  def_func(vm, cuda_dict, "synchronize", c_synchronize);
  def_method(vm, vm->t_tensor, "cuda", m_cuda);
  def_method(vm, vm->t_tensor, "cpu", m_cpu);
  return 0;
}
