/* autograd.c — reverse-mode autodiff with PyTorch 1.13's semantics: graph nodes recorded by the
 * ops, the backward engine, gradient accumulation into leaves, saved-tensor version checks.
 *
 * Ops call the tn__ag_* hooks (tn-internal.h). An entry hook recomputes the op's forward with grad
 * mode off (so the forward result is exactly the op's own) and then records a node; the backward
 * formulas (autograd-formulas.c) are written with the engine's public ops, so that with
 * create_graph the backward pass is itself recorded and higher derivatives work. */
#include "autograd.h"
#include "tn-cuda.h"

#include <stdio.h>
#include <stdlib.h>

/* ----- grad mode (thread-local, as in PyTorch) ----- */

static _Thread_local bool grad_off;

bool tn_is_grad_enabled(void) { return !grad_off; }

bool tn_set_grad_enabled(bool enabled) {
  bool prev = !grad_off;
  grad_off = !enabled;
  return prev;
}

bool tn__ag_grad_off(void) { return grad_off; }

/* ----- metadata hung on tensors ----- */

/* PyTorch's sequence numbers are per thread too: they order the backward of one thread's graph. */
static _Thread_local uint64_t next_seq = 1;

static void meta_free(tn_autograd_meta *m) {
  if (!m) return;
  tn_release(m->grad);
  if (m->grad_fn) {
    if (m->grad_fn->retained == m->owner) m->grad_fn->retained = NULL;
    tn__node_release(m->grad_fn);
  }
  tn__pool_put(TN__POOL_META, m);
}

static const char *grad_fn_name(const tn_tensor *t) {
  const tn_node *n = tn__ag_grad_fn((tn_tensor *)t);
  return n ? n->name : NULL;
}

tn_autograd_meta *tn__ag_meta(tn_tensor *t) {
  if (!t->autograd) {
    tn__autograd_meta_free = meta_free;
    tn_grad_fn_name_hook = grad_fn_name;
    t->autograd = tn__pool_get(TN__POOL_META); /* every recorded result gets one: pooled */
    if (!t->autograd) return tn__error_alloc(sizeof *t->autograd);
    memset(t->autograd, 0, sizeof *t->autograd);
    t->autograd->owner = t;
  }
  return t->autograd;
}

bool tn__ag_requires_grad(const tn_tensor *t) {
  return t && (t->requires_grad || (t->autograd && t->autograd->grad_fn));
}

bool tn_requires_grad(const tn_tensor *t) { return tn__ag_requires_grad(t); }

int tn_set_parameter(tn_tensor *t, bool is_parameter) {
  if (!t) return tn__errorf(TN_ERROR_TYPE, "Parameter(): argument 'data' must be Tensor");
  if (!is_parameter && !t->autograd) return 0;
  tn_autograd_meta *m = tn__ag_meta(t);
  if (!m) return -1;
  m->is_parameter = is_parameter;
  return 0;
}

bool tn_is_parameter(const tn_tensor *t) { return t && t->autograd && t->autograd->is_parameter; }

bool tn_is_leaf(const tn_tensor *t) { return !t || !(t->autograd && t->autograd->grad_fn); }

bool tn__ag_wants(const tn_tensor *a, const tn_tensor *b, const tn_tensor *c) {
  if (grad_off) return false;
  return tn__ag_requires_grad(a) || tn__ag_requires_grad(b) || tn__ag_requires_grad(c);
}

bool tn__ag_wants_inplace(const tn_tensor *self, const tn_tensor *other) {
  if (grad_off || !self) return false;
  return tn__ag_requires_grad(self) || tn__ag_requires_grad(other) ||
         (self->view_base && tn__ag_requires_grad(self->view_base));
}

tn_tensor *tn_requires_grad_(tn_tensor *t, bool requires_grad) {
  if (!t) return tn__error(TN_ERROR_TYPE, "requires_grad_(): argument 'self' must be Tensor, not NoneType");
  if (!tn_is_leaf(t)) {
    if (!requires_grad)
      return tn__error(TN_ERROR_RUNTIME,
                       "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                       "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    return tn_retain(t);
  }
  if (requires_grad && !tn_dtype_is_floating(t->dtype))
    return tn__error(TN_ERROR_RUNTIME, "only Tensors of floating point dtype can require gradients");
  t->requires_grad = requires_grad;
  if (requires_grad && !tn__ag_meta(t)) return NULL;
  return tn_retain(t);
}

tn_tensor *tn_grad(const tn_tensor *t) {
  return t && t->autograd && t->autograd->grad ? tn_retain(t->autograd->grad) : NULL;
}

int tn_set_grad(tn_tensor *t, tn_tensor *grad) {
  if (!t) return tn__errorf(TN_ERROR_TYPE, "grad: tensor is None");
  if (grad) {
    if (grad == t) return tn__errorf(TN_ERROR_RUNTIME, "can't assign Variable as its own grad");
    if (grad->dtype != t->dtype)
      return tn__errorf(TN_ERROR_RUNTIME, "assigned grad has data of a different type");
    bool same = grad->ndim == t->ndim;
    for (int32_t d = 0; same && d < t->ndim; d++) same = grad->shape[d] == t->shape[d];
    if (!same) return tn__errorf(TN_ERROR_RUNTIME, "assigned grad has data of a different size");
  }
  if (!grad && !t->autograd) return 0;
  tn_autograd_meta *m = tn__ag_meta(t);
  if (!m) return -1;
  tn_tensor *old = m->grad;
  m->grad = tn_retain(grad);
  tn_release(old);
  return 0;
}

int tn_retain_grad(tn_tensor *t) {
  if (!tn__ag_requires_grad(t))
    return tn__errorf(TN_ERROR_RUNTIME, "can't retain_grad on Tensor that has requires_grad=False");
  if (tn_is_leaf(t)) return 0;
  tn_node *n = tn__ag_grad_fn(t);
  if (!n) return -1;
  t->autograd->retains_grad = true;
  n->retained = t;
  return 0;
}

bool tn_retains_grad(const tn_tensor *t) { return t && t->autograd && t->autograd->retains_grad && !tn_is_leaf(t); }

/* ----- nodes ----- */

/* Nodes, and edge arrays of up to POOLED_EDGES, come from the engine's per-thread block lists: a
 * training step makes and drops a dozen of each. */
#define POOLED_EDGES 3 /* addmm's bias, input and weight */

size_t tn__pool_block_size(int kind) {
  return kind == TN__POOL_NODE   ? sizeof(tn_node)
         : kind == TN__POOL_META ? sizeof(tn_autograd_meta)
                                 : POOLED_EDGES * sizeof(tn__edge);
}

static tn__edge *edges_new(int32_t nnext) {
  if (nnext > POOLED_EDGES) return calloc((size_t)nnext, sizeof(tn__edge));
  tn__edge *e = tn__pool_get(TN__POOL_EDGES);
  if (e) memset(e, 0, (size_t)nnext * sizeof *e);
  return e;
}

static void edges_free(tn__edge *e, int32_t nnext) {
  if (nnext > POOLED_EDGES)
    free(e);
  else
    tn__pool_put(TN__POOL_EDGES, e);
}

tn_node *tn__node_new(tn__node_kind kind, const char *name, int32_t nnext) {
  tn_node *n = tn__pool_get(TN__POOL_NODE);
  if (!n) return tn__error_alloc(sizeof *n);
  memset(n, 0, sizeof *n);
  n->next = nnext ? edges_new(nnext) : NULL;
  if (nnext && !n->next) {
    tn__pool_put(TN__POOL_NODE, n);
    return tn__error_alloc((size_t)nnext * sizeof *n->next);
  }
  n->refcount = 1;
  n->kind = kind;
  n->name = name;
  n->nnext = nnext;
  n->seq = kind == TN__K_ACCUMULATE ? UINT64_MAX : next_seq++;
  return n;
}

tn_node *tn__node_retain(tn_node *n) {
  if (n) n->refcount++;
  return n;
}

static void saved_clear(tn__saved *s) {
  tn_release(s->data);
  tn__node_release(s->grad_fn);
  s->data = NULL;
  s->grad_fn = NULL;
}

/* Releasing a long chain recursively could overflow the stack: unlink iteratively. */
void tn__node_release(tn_node *n) {
  tn_node *stack_small[64], **stack = stack_small;
  int64_t top = 0, cap = 64;
  if (!n) return;
  stack[top++] = n;
  while (top > 0) {
    tn_node *x = stack[--top];
    if (--x->refcount > 0) continue;
    for (int32_t i = 0; i < x->nnext; i++) {
      tn_node *c = x->next[i].node;
      if (!c) continue;
      if (top == cap) {
        tn_node **bigger = malloc((size_t)cap * 2 * sizeof *bigger);
        if (!bigger) { /* out of memory: leak the rest rather than crash */
          continue;
        }
        memcpy(bigger, stack, (size_t)top * sizeof *bigger);
        if (stack != stack_small) free(stack);
        stack = bigger;
        cap *= 2;
      }
      stack[top++] = c;
    }
    for (int32_t i = 0; i < x->nsaved; i++) saved_clear(&x->saved[i]);
    tn_release(x->aux);
    tn_release(x->aux2);
    if (x->variable && x->variable->autograd && x->variable->autograd->accumulator == x)
      x->variable->autograd->accumulator = NULL;
    tn_release(x->variable);
    tn_release(x->buf);
    if (x->fn) tn__node_release(x->fn);
    free(x->sizes);
    free(x->spec);
    if (x->next) edges_free(x->next, x->nnext);
    if (x->nidx) {
      for (int32_t i = 0; i < x->nidx; i++) tn_release(x->idx[i].tensor);
      free(x->idx);
    }
    tn__pool_put(TN__POOL_NODE, x);
  }
  if (stack != stack_small) free(stack);
}

/* The gradient edge of a tensor: its grad_fn, or its leaf's AccumulateGrad (created on demand). */
tn__edge tn__ag_edge(tn_tensor *t) {
  tn__edge e = {0};
  if (!t) return e;
  tn_node *fn = tn__ag_grad_fn(t);
  if (fn) {
    e.node = tn__node_retain(fn);
    e.input_nr = t->autograd->output_nr;
  } else if (t->requires_grad) {
    tn_autograd_meta *m = tn__ag_meta(t);
    if (!m) return e;
    if (m->accumulator) {
      e.node = tn__node_retain(m->accumulator);
    } else {
      tn_node *acc = tn__node_new(TN__K_ACCUMULATE, "AccumulateGrad", 0);
      if (!acc) return e;
      acc->variable = tn_retain(t);
      m->accumulator = acc; /* weak: the node owns the leaf, not the other way round */
      e.node = acc;
    }
  }
  if (e.node) {
    e.ndim = t->ndim;
    memcpy(e.shape, t->shape, sizeof e.shape);
    e.dtype = t->dtype;
    e.device = t->device;
  }
  return e;
}

void tn__node_set_next(tn_node *n, int32_t i, const tn_tensor *t) {
  n->next[i] = tn__ag_edge((tn_tensor *)t);
  if (t && !n->next[i].node) {
    /* keep the metadata anyway: formulas read input shapes from it */
    n->next[i].ndim = t->ndim;
    memcpy(n->next[i].shape, t->shape, sizeof n->next[i].shape);
    n->next[i].dtype = t->dtype;
    n->next[i].device = t->device;
  }
}

bool tn__node_any_next(const tn_node *n) {
  for (int32_t i = 0; i < n->nnext; i++)
    if (n->next[i].node) return true;
  return false;
}

/* Save a tensor for backward: the data (a detached alias sharing storage and version counter),
 * and what the unpacked tensor's grad_fn must be when create_graph needs it. */
int tn__node_save_if(tn_node *n, const tn_tensor *t, bool is_output, const char *name, bool needed) {
  assert(n->nsaved < TN__MAX_SAVED);
  tn__saved *s = &n->saved[n->nsaved++];
  s->name = name;
  if (!needed) return 0; /* an undefined slot: what PyTorch does not save cannot be found modified */
  s->version = tn_version(t);
  s->is_output = is_output;
  s->defined = true;
  if (!is_output && t->requires_grad && tn_is_leaf(t)) {
    s->data = tn_retain((tn_tensor *)t);
    s->leaf = true;
    return 0;
  }
  s->data = tn_detach(t);
  if (!s->data) return -1;
  s->data->wrapped_number = t->wrapped_number;
  if (!is_output) {
    tn_node *fn = tn__ag_grad_fn((tn_tensor *)t);
    if (fn) {
      s->grad_fn = tn__node_retain(fn);
      s->output_nr = t->autograd->output_nr;
    }
  }
  return 0;
}

static const char *legacy_type_name(tn_dtype d) {
  switch (d) {
  case TN_DTYPE_BOOL: return "torch.BoolTensor";
  case TN_DTYPE_UINT8: return "torch.ByteTensor";
  case TN_DTYPE_INT8: return "torch.CharTensor";
  case TN_DTYPE_INT16: return "torch.ShortTensor";
  case TN_DTYPE_INT32: return "torch.IntTensor";
  case TN_DTYPE_INT64: return "torch.LongTensor";
  case TN_DTYPE_FLOAT16: return "torch.HalfTensor";
  case TN_DTYPE_BFLOAT16: return "torch.BFloat16Tensor";
  case TN_DTYPE_FLOAT32: return "torch.FloatTensor";
  case TN_DTYPE_FLOAT64: return "torch.DoubleTensor";
  default: return "torch.Tensor";
  }
}

static const char freed_message[] =
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
    "you need to access saved tensors after calling backward.";

int tn__node_save(tn_node *n, const tn_tensor *t, bool is_output, const char *name) {
  return tn__node_save_if(n, t, is_output, name, true);
}

/* The saved tensor, checked against in-place modification; with grad mode on it is re-attached to
 * its graph so that the formula's ops are recorded. */
tn_tensor *tn__node_unpack(tn_node *n, int32_t i) {
  tn__saved *s = &n->saved[i];
  if (!s->defined) return NULL;
  if (!s->data) return tn__error(TN_ERROR_RUNTIME, "%s", freed_message);
  if (tn_version(s->data) != s->version) {
    char shape[256];
    size_t len = 0;
    for (int32_t d = 0; d < s->data->ndim && len < sizeof shape - 32; d++)
      len += (size_t)snprintf(shape + len, sizeof shape - len, "%s%lld", d ? ", " : "", (long long)s->data->shape[d]);
    shape[len] = 0;
    const tn_node *fn = s->is_output ? n : s->grad_fn;
    char which[160] = "";
    if (fn)
      snprintf(which, sizeof which, ", which is output %d of %s,", s->is_output ? 0 : (int)s->output_nr, fn->name);
    return tn__error(TN_ERROR_RUNTIME,
                     "one of the variables needed for gradient computation has been modified by an inplace "
                     "operation: [%s [%s]]%s is at version %u; expected version %u instead. Hint: enable anomaly "
                     "detection to find the operation that failed to compute its gradient, with "
                     "torch.autograd.set_detect_anomaly(True).",
                     legacy_type_name(s->data->dtype), shape, which, (unsigned)tn_version(s->data),
                     (unsigned)s->version);
  }
  if (s->leaf || grad_off) return tn_retain(s->data);
  tn_node *fn = s->is_output ? n : s->grad_fn;
  if (!fn) return tn_retain(s->data);
  tn_tensor *a = tn_detach(s->data);
  if (!a) return NULL;
  a->wrapped_number = s->data->wrapped_number;
  tn_autograd_meta *m = tn__ag_meta(a);
  if (!m) {
    tn_release(a);
    return NULL;
  }
  m->grad_fn = tn__node_retain(fn);
  m->output_nr = s->is_output ? 0 : s->output_nr;
  return a;
}

/* ----- recording ----- */

tn_node *tn__ag_grad_fn(tn_tensor *t) {
  if (!t || !t->autograd || !t->autograd->grad_fn) return NULL;
  tn_autograd_meta *m = t->autograd;
  /* A view whose base was modified in place since its grad_fn was set: regenerate its history from
   * the base's current one (AsStridedBackward0, as PyTorch does). */
  if (t->view_base && m->is_view && tn_version(t) != m->view_version && tn__ag_grad_fn(t->view_base)) {
    tn_node *n = tn__ag_view_node(t->view_base, t, "AsStridedBackward0");
    if (n) {
      tn__node_release(m->grad_fn);
      m->grad_fn = n;
      m->output_nr = 0;
      m->view_version = tn_version(t);
    } else {
      tn_error_clear();
    }
  }
  return m->grad_fn;
}

/* Attach node n (consumed) as the history of out. */
int tn__ag_set_history(tn_tensor *out, tn_node *n) {
  tn_autograd_meta *m = tn__ag_meta(out);
  if (!m) {
    tn__node_release(n);
    return -1;
  }
  n->out_ndim = out->ndim;
  memcpy(n->out_shape, out->shape, sizeof n->out_shape);
  n->out_dtype = out->dtype;
  if (m->grad_fn) {
    if (m->grad_fn->retained == out) m->grad_fn->retained = NULL;
    tn__node_release(m->grad_fn);
  }
  m->grad_fn = n;
  m->output_nr = 0;
  if (m->retains_grad) n->retained = out;
  m->is_view = out->view_base != NULL;
  m->view_version = tn_version(out);
  return 0;
}

/* Finish recording: if no input needs a gradient, or the output is not differentiable, drop n. */
tn_tensor *tn__ag_finish(tn_node *n, tn_tensor *out) {
  if (!out) {
    tn__node_release(n);
    return NULL;
  }
  if (!n) return out;
  if (!tn__node_any_next(n) || !tn_dtype_is_floating(out->dtype)) {
    tn__node_release(n);
    return out;
  }
  if (tn__ag_set_history(out, n) < 0) {
    tn_release(out);
    return NULL;
  }
  return out;
}

/* int64 positions: the flat index in `in` of every element of `out`, a view of in's storage. Built
 * by laying an arange out with in's geometry and reading it through out's. */
tn_tensor *tn__ag_view_positions(const tn_tensor *in, const tn_tensor *out) {
  bool off = grad_off;
  grad_off = true;
  tn_tensor *r = NULL, *pb = NULL, *ar = NULL, *pv = NULL;
  int64_t lo = 0;
  /* lowest storage element that in touches (strides are non-negative) */
  lo = in->offset;
  pb = tn_empty_strided(in->ndim, in->shape, in->strides, TN_OPTS(TN_DTYPE_INT64));
  int64_t n = in->numel;
  ar = tn_arange(tn_scalar_int(0), tn_scalar_int(n), tn_scalar_int(1), TN_OPTS(TN_DTYPE_INT64));
  if (!pb || !ar) goto done;
  {
    tn_tensor *arv = tn_view(ar, in->ndim, in->shape);
    if (!arv) goto done;
    tn__copy_raw(pb, arv);
    tn_release(arv);
  }
  if (in->numel == 0 || out->numel == 0) {
    r = tn_zeros(out->ndim, out->shape, TN_OPTS(TN_DTYPE_INT64));
    goto done;
  }
  {
    /* out must lie inside in's span (as_strided can reach elsewhere in the storage) */
    int64_t first = out->offset - lo, last = first, span = (int64_t)(pb->storage->nbytes / sizeof(int64_t));
    for (int32_t d = 0; d < out->ndim; d++) {
      if (out->strides[d] < 0) first = -1;
      last += (out->shape[d] - 1) * out->strides[d];
    }
    if (first < 0 || last >= span) {
      tn__error(TN_ERROR_NOT_IMPLEMENTED,
                "autodiff of a view that reaches outside the elements of its input is not supported");
      goto done;
    }
  }
  pv = tn__new_view(pb, out->ndim, out->shape, out->strides, out->offset - lo);
  if (!pv) goto done;
  r = tn_clone(pv);
  if (r && !tn_is_contiguous(r)) {
    tn_tensor *c = tn_contiguous(r);
    tn_release(r);
    r = c;
  }
done:
  tn_release(pv);
  tn_release(pb);
  tn_release(ar);
  grad_off = off;
  return r;
}

/* A node that gathers `out` from `in` by positions (the backward scatters). */
tn_node *tn__ag_view_node(tn_tensor *in, const tn_tensor *out, const char *name) {
  tn_tensor *pos = tn__ag_view_positions(in, out);
  if (!pos) return NULL;
  tn_node *n = tn__node_new(TN__K_GATHER, name, 1);
  if (!n) {
    tn_release(pos);
    return NULL;
  }
  tn__node_set_next(n, 0, in);
  n->aux = pos;
  return n;
}

static bool reshape_like(const char *name) {
  return !strcmp(name, "ViewBackward0") || !strcmp(name, "ReshapeAliasBackward0") ||
         !strcmp(name, "UnsafeViewBackward0") || !strcmp(name, "UnsqueezeBackward0") ||
         !strcmp(name, "SqueezeBackward0") || !strcmp(name, "SqueezeBackward1") || !strcmp(name, "SqueezeBackward3");
}

tn_tensor *tn__ag_view(const tn_tensor *in, tn_tensor *out, const char *name) {
  if (!out || !in || !tn__ag_wants(in, NULL, NULL)) return out;
  if (!tn_dtype_is_floating(out->dtype)) return out;
  tn_node *n;
  if (reshape_like(name)) {
    n = tn__node_new(TN__K_RESHAPE, name, 1);
    if (n) tn__node_set_next(n, 0, in);
  } else if (!strcmp(name, "ExpandBackward0")) {
    n = tn__node_new(TN__K_EXPAND, name, 1);
    if (n) tn__node_set_next(n, 0, in);
  } else {
    n = tn__ag_view_node((tn_tensor *)in, out, name);
  }
  if (!n) {
    tn_release(out);
    return NULL;
  }
  return tn__ag_finish(n, out);
}

tn_tensor *tn__ag_permute(const tn_tensor *in, tn_tensor *out, int32_t ndim, const int64_t *perm, const char *name) {
  if (!out || !in || !tn__ag_wants(in, NULL, NULL)) return out;
  if (!tn_dtype_is_floating(out->dtype)) return out;
  tn_node *n = tn__node_new(TN__K_PERMUTE, name, 1);
  if (!n) {
    tn_release(out);
    return NULL;
  }
  tn__node_set_next(n, 0, (tn_tensor *)in);
  n->ndims = ndim;
  memcpy(n->dims, perm, (size_t)ndim * sizeof *perm);
  return tn__ag_finish(n, out);
}

/* t.data = src (see tn.h) */
int tn_set_data(tn_tensor *t, const tn_tensor *src) {
  if (!t || !src) return tn__errorf(TN_ERROR_TYPE, "Variable data has to be a tensor, but got NoneType");
  if (tn_requires_grad(t) && !tn_dtype_is_floating(src->dtype))
    return tn__errorf(TN_ERROR_RUNTIME, "data set to a tensor that requires gradients must be floating point or complex dtype");
  if (t == src) return 0;
  /* a leaf's AccumulateGrad was made for the old type or device: PyTorch drops it then */
  if (t->autograd && t->autograd->accumulator && (t->dtype != src->dtype || t->device.type != src->device.type))
    t->autograd->accumulator = NULL; /* the node keeps the leaf alive only while a graph holds it */
  tn__replace_storage(t, src->storage);
  t->ndim = src->ndim;
  memcpy(t->shape, src->shape, sizeof t->shape);
  memcpy(t->strides, src->strides, sizeof t->strides);
  t->offset = src->offset;
  t->numel = src->numel;
  t->dtype = src->dtype;
  t->device = src->device;
  /* no longer a view of anything: its data is src's */
  tn_release(t->view_base);
  t->view_base = NULL;
  return 0;
}

/* ----- in-place: rebasing history ----- */

static int check_inplace(const tn_tensor *self) {
  /* PyTorch's order: a view that requires grad of a leaf base first (the base itself need not
   * require grad), then a leaf */
  if (self->view_base && tn_is_leaf(self->view_base) &&
      (tn__ag_requires_grad(self) || self->view_base->requires_grad))
    return tn__errorf(TN_ERROR_RUNTIME,
                      "a view of a leaf Variable that requires grad is being used in an in-place operation.");
  if (self->requires_grad && tn_is_leaf(self))
    return tn__errorf(TN_ERROR_RUNTIME, "a leaf Variable that requires grad is being used in an in-place operation.");
  return 0;
}

int tn__ag_check_inplace(const tn_tensor *self) { return grad_off ? 0 : check_inplace(self); }

/* self was modified in place by the op that node n (consumed) differentiates, n's edge 0 being self's
 * old history. A view's base gets a CopySlices node, and the view an AsStridedBackward0 onto it. */
int tn__ag_rebase(tn_tensor *self, tn_node *n) {
  if (!tn_dtype_is_floating(self->dtype)) {
    tn__node_release(n);
    return 0;
  }
  if (!self->view_base) {
    if (!tn__node_any_next(n)) {
      tn__node_release(n);
      return 0;
    }
    return tn__ag_set_history(self, n);
  }
  tn_tensor *base = self->view_base;
  tn_tensor *pos = tn__ag_view_positions(base, self);
  if (!pos) {
    tn__node_release(n);
    return -1;
  }
  tn_node *cs = tn__node_new(TN__K_COPYSLICES, "CopySlices", n->nnext);
  if (!cs) {
    tn_release(pos);
    tn__node_release(n);
    return -1;
  }
  tn__node_set_next(cs, 0, base);
  for (int32_t i = 1; i < n->nnext; i++) {
    cs->next[i] = n->next[i];
    tn__node_retain(cs->next[i].node);
  }
  cs->aux = pos;
  cs->fn = n;
  if (!tn__node_any_next(cs)) {
    tn__node_release(cs);
    return 0;
  }
  if (tn__ag_set_history(base, cs) < 0) return -1;
  tn_node *v = tn__node_new(TN__K_GATHER, "AsStridedBackward0", 1);
  if (!v) return -1;
  tn__node_set_next(v, 0, base);
  v->aux = tn_retain(pos);
  return tn__ag_set_history(self, v);
}

/* ----- accessors for the graph view ----- */

tn_node *tn_grad_fn(const tn_tensor *t) { return tn__ag_grad_fn((tn_tensor *)t); }
const char *tn_node_name(const tn_node *n) { return n ? n->name : NULL; }
int32_t tn_node_num_next(const tn_node *n) { return n ? n->nnext : 0; }
tn_node *tn_node_next(const tn_node *n, int32_t i, int32_t *input_nr) {
  if (!n || i < 0 || i >= n->nnext) return NULL;
  if (input_nr) *input_nr = n->next[i].input_nr;
  return n->next[i].node;
}
tn_tensor *tn_node_variable(const tn_node *n) { return n ? n->variable : NULL; }
int32_t tn_node_num_saved(const tn_node *n) { return n ? n->nsaved : 0; }
tn_tensor *tn_node_saved(const tn_node *n, int32_t i) {
  if (!n || i < 0 || i >= n->nsaved) return NULL;
  return n->saved[i].data;
}
const char *tn_node_saved_name(const tn_node *n, int32_t i) {
  if (!n || i < 0 || i >= n->nsaved) return NULL;
  return n->saved[i].name;
}
uint64_t tn_node_sequence_nr(const tn_node *n) { return n ? n->seq : 0; }
tn_node *tn_node_retain(tn_node *n) { return tn__node_retain(n); }
void tn_node_release(tn_node *n) { tn__node_release(n); }

/* ----- the engine ----- */

/* The engine's work lists start in a buffer on run_engine's stack (`local`, LOCAL_NODES entries) and
 * move to the heap only for a graph that outgrows it. */
#define LOCAL_NODES 64

static tn_node **grow_nodes(tn_node **a, int64_t *cap, tn_node **local) {
  int64_t ncap = *cap * 2;
  tn_node **b = a == local ? malloc((size_t)ncap * sizeof *b) : realloc(a, (size_t)ncap * sizeof *b);
  if (!b) return tn__error_alloc((size_t)ncap * sizeof *b), NULL;
  if (a == local) memcpy(b, a, (size_t)*cap * sizeof *b);
  *cap = ncap;
  return b;
}

typedef struct heap {
  tn_node **a;
  int64_t n, cap;
  tn_node **local;
} heap;

static int heap_push(heap *h, tn_node *x) {
  if (h->n == h->cap) {
    tn_node **b = grow_nodes(h->a, &h->cap, h->local);
    if (!b) return -1;
    h->a = b;
  }
  int64_t i = h->n++;
  while (i > 0) {
    int64_t p = (i - 1) / 2;
    if (h->a[p]->seq >= x->seq) break;
    h->a[i] = h->a[p];
    i = p;
  }
  h->a[i] = x;
  return 0;
}

static tn_node *heap_pop(heap *h) {
  tn_node *top = h->a[0], *x = h->a[--h->n];
  int64_t i = 0;
  for (;;) {
    int64_t c = 2 * i + 1;
    if (c >= h->n) break;
    if (c + 1 < h->n && h->a[c + 1]->seq > h->a[c]->seq) c++;
    if (h->a[c]->seq <= x->seq) break;
    h->a[i] = h->a[c];
    i = c;
  }
  if (h->n) h->a[i] = x;
  return top;
}

typedef struct nodelist {
  tn_node **a;
  int64_t n, cap;
  tn_node **local;
} nodelist;

static int list_push(nodelist *l, tn_node *x) {
  if (l->n == l->cap) {
    tn_node **b = grow_nodes(l->a, &l->cap, l->local);
    if (!b) return -1;
    l->a = b;
  }
  l->a[l->n++] = x;
  return 0;
}

static bool same_shape(int32_t na, const int64_t *a, int32_t nb, const int64_t *b) {
  if (na != nb) return false;
  for (int32_t d = 0; d < na; d++)
    if (a[d] != b[d]) return false;
  return true;
}

static void format_shape(char *buf, size_t n, int32_t ndim, const int64_t *shape) {
  char *s = tn_format_size(ndim, shape);
  snprintf(buf, n, "%s", s ? s : "?");
  free(s);
}

/* sum_to for the engine's validation: the gradient of a broadcast input. */
tn_tensor *tn__ag_sum_to(tn_tensor *g, int32_t ndim, const int64_t *shape) {
  int64_t dims[TN_MAX_DIMS];
  int32_t nd = 0, lead = g->ndim - ndim;
  for (int32_t i = 0; i < g->ndim; i++) {
    if (i < lead)
      dims[nd++] = i;
    else if (shape[i - lead] == 1 && g->shape[i] != 1)
      dims[nd++] = i;
  }
  if (nd == 0 && lead == 0) return tn_retain(g);
  tn_tensor *r = nd ? tn_sum(g, nd, dims, true, TN_DTYPE_UNDEFINED) : tn_retain(g);
  if (!r || lead <= 0) return r;
  tn_tensor *v = tn_view(r, ndim, shape);
  tn_release(r);
  return v;
}

static bool expandable(int32_t nfrom, const int64_t *from, int32_t nto, const int64_t *to) {
  if (nfrom > nto) return false;
  for (int32_t i = 0; i < nfrom; i++) {
    int64_t a = from[nfrom - 1 - i], b = to[nto - 1 - i];
    if (a != b && a != 1) return false;
  }
  return true;
}

/* PyTorch's validate_outputs: reduce broadcast gradients, convert dtypes. */
static tn_tensor *validate(tn_node *n, int32_t i, tn_tensor *g) {
  tn__edge *e = &n->next[i];
  if (!same_shape(g->ndim, g->shape, e->ndim, e->shape)) {
    if (!expandable(e->ndim, e->shape, g->ndim, g->shape)) {
      char got[256], want[256];
      format_shape(got, sizeof got, g->ndim, g->shape);
      format_shape(want, sizeof want, e->ndim, e->shape);
      /* torch.Size([2, 3]) -> [2, 3] */
      tn_release(g);
      return tn__error(TN_ERROR_RUNTIME,
                       "Function %s returned an invalid gradient at index %d - got %.*s but expected shape "
                       "compatible with %.*s",
                       n->name, (int)i, (int)strlen(got) - 12, got + 11, (int)strlen(want) - 12, want + 11);
    }
    tn_tensor *r = tn__ag_sum_to(g, e->ndim, e->shape);
    tn_release(g);
    if (!r) return NULL;
    g = r;
  }
  if (g && g->dtype != e->dtype) {
    tn_tensor *r = tn_to_dtype(g, e->dtype, false);
    tn_release(g);
    g = r;
  }
  if (g && g->device.type != e->device.type) {
    /* a formula that made its gradient on the CPU (with CPU kernels) for a CUDA input: moved to
     * the input's device, where PyTorch's formulas would have made it */
    tn_tensor *r = tn_to_device(g, e->device);
    tn_release(g);
    g = r;
  }
  return g;
}

/* Layout rule for .grad: the leaf's strides when it is dense, else contiguous. */
static bool obeys_layout(const tn_tensor *g, const tn_tensor *v) {
  if (tn__non_overlapping_and_dense(v)) {
    for (int32_t d = 0; d < v->ndim; d++) {
      if (g->shape[d] != 1) {
        if (g->strides[d] != v->strides[d]) return false;
      } else if (g->strides[d] == 0) {
        return false;
      }
    }
    return true;
  }
  return tn_is_contiguous(g);
}

static tn_tensor *clone_obey(const tn_tensor *g, const tn_tensor *v) {
  if (tn__non_overlapping_and_dense(v)) {
    tn_tensor *r = tn_empty_strided(v->ndim, v->shape, v->strides, TN_OPTS(g->dtype));
    if (!r) return NULL;
    if (grad_off) {
      if (tn__copy_raw(r, g) < 0) {
        tn_release(r);
        return NULL;
      }
      return r;
    }
    tn_tensor *c = tn_copy_(r, g);
    tn_release(r);
    return c;
  }
  tn_tensor *c = tn_contiguous(g);
  if (c == g) {
    tn_release(c);
    c = tn_clone(g);
  }
  return c;
}

static int accumulate(tn_tensor *var, tn_tensor *g) {
  tn_autograd_meta *m = tn__ag_meta(var);
  if (!m) return -1;
  if (!m->grad) {
    if (grad_off && g->refcount == 1 && !g->autograd && obeys_layout(g, var)) {
      m->grad = tn_retain(g);
      return 0;
    }
    tn_tensor *c = clone_obey(g, var);
    if (!c) return -1;
    m->grad = c;
    return 0;
  }
  if (grad_off) {
    tn_tensor *r = tn_binary_(TN_BINARY_ADD, m->grad, g);
    tn_release(r);
    return r ? 0 : -1;
  }
  tn_tensor *r = tn_add(m->grad, g);
  if (!r) return -1;
  tn_release(m->grad);
  m->grad = r;
  return 0;
}

typedef struct capture {
  tn_node *node;
  int32_t input_nr;
  tn_tensor *grad;
} capture;

/* Run the graph from roots (edges) with the given root gradients. With captures (autograd.grad),
 * gradients arriving at the captured edges are returned instead of accumulated into leaves. */
static int run_engine(int32_t nroots, tn__edge *roots, tn_tensor **root_grads, bool keep_graph, bool create_graph,
                      int32_t ncap, capture *caps) {
  tn_node *all_local[LOCAL_NODES], *ready_local[LOCAL_NODES], *stack_local[LOCAL_NODES];
  nodelist all = {all_local, 0, LOCAL_NODES, all_local};
  heap ready = {ready_local, 0, LOCAL_NODES, ready_local};
  int rc = -1;
  bool prev_off = grad_off;
  grad_off = !create_graph;
  /* discover the reachable graph, counting dependencies */
  nodelist stack = {stack_local, 0, LOCAL_NODES, stack_local};
  for (int32_t i = 0; i < nroots; i++) {
    tn_node *r = roots[i].node;
    if (!r->visited) {
      r->visited = true;
      if (list_push(&all, r) < 0 || list_push(&stack, r) < 0) goto out;
    }
  }
  while (stack.n) {
    tn_node *x = stack.a[--stack.n];
    for (int32_t i = 0; i < x->nnext; i++) {
      tn_node *c = x->next[i].node;
      if (!c) continue;
      c->deps++;
      if (!c->visited) {
        c->visited = true;
        if (list_push(&all, c) < 0 || list_push(&stack, c) < 0) goto out;
      }
    }
  }
  /* autograd.grad: only nodes on a path to a captured edge run */
  if (ncap) {
    for (int32_t k = 0; k < ncap; k++) caps[k].node->is_capture = true;
    /* reverse discovery order is a valid order for a fixed point; iterate until stable */
    bool changed = true;
    while (changed) {
      changed = false;
      for (int64_t j = all.n - 1; j >= 0; j--) {
        tn_node *x = all.a[j];
        if (x->needed) continue;
        for (int32_t i = 0; i < x->nnext; i++) {
          tn_node *c = x->next[i].node;
          if (c && (c->needed || c->is_capture)) {
            x->needed = true;
            changed = true;
            break;
          }
        }
      }
    }
  } else {
    for (int64_t j = 0; j < all.n; j++) all.a[j]->needed = true;
  }
  /* seed the roots' input buffers */
  for (int32_t i = 0; i < nroots; i++) {
    tn_node *r = roots[i].node;
    tn_tensor *g = root_grads[i];
    if (r->buf) {
      tn_tensor *s = tn_add(r->buf, g);
      if (!s) goto out;
      tn_release(r->buf);
      r->buf = s;
    } else {
      r->buf = tn_retain(g);
    }
  }
  for (int32_t i = 0; i < nroots; i++) {
    tn_node *r = roots[i].node;
    if (r->deps == 0 && !r->queued) {
      r->queued = true;
      if (heap_push(&ready, r) < 0) goto out;
    }
  }
  while (ready.n) {
    tn_node *x = heap_pop(&ready);
    tn_tensor *g = x->buf;
    x->buf = NULL;
    if (x->is_capture) {
      for (int32_t k = 0; k < ncap; k++)
        if (caps[k].node == x && g) {
          tn_release(caps[k].grad);
          caps[k].grad = tn_retain(g);
        }
    }
    tn_tensor *outs[TN__MAX_INLINE_NEXT];
    tn_tensor **gout = x->nnext <= TN__MAX_INLINE_NEXT ? outs : calloc((size_t)x->nnext, sizeof *gout);
    if (!gout) {
      tn_release(g);
      tn__error_alloc((size_t)x->nnext * sizeof *gout);
      goto out;
    }
    memset(gout, 0, (size_t)x->nnext * sizeof *gout);
    int arc = 0;
    if (g && x->needed) {
      if (x->retained) {
        tn_autograd_meta *m = tn__ag_meta(x->retained);
        if (m) {
          if (!m->grad) {
            m->grad = tn_clone(g);
          } else {
            tn_tensor *s = tn_add(m->grad, g);
            if (s) {
              tn_release(m->grad);
              m->grad = s;
            }
          }
        }
      }
      if (x->kind == TN__K_ACCUMULATE) {
        if (!ncap) {
          tn_tensor *gg = g;
          g = NULL;
          /* the buffer's reference is the only one when nothing else kept the gradient */
          arc = accumulate(x->variable, gg);
          tn_release(gg);
        }
      } else {
        if (x->released) {
          tn__error(TN_ERROR_RUNTIME, "%s", freed_message);
          arc = -1;
        } else {
          bool lenient = tn__cuda_lenient(true);
          arc = tn__node_apply(x, g, gout);
          tn__cuda_lenient(lenient);
        }
        if (!keep_graph && arc == 0) {
          for (int32_t i = 0; i < x->nsaved; i++) saved_clear(&x->saved[i]);
          if (x->nsaved) x->released = true;
          if (x->fn) {
            for (int32_t i = 0; i < x->fn->nsaved; i++) saved_clear(&x->fn->saved[i]);
            if (x->fn->nsaved) x->fn->released = true;
          }
        }
      }
    }
    tn_release(g);
    if (arc < 0) {
      for (int32_t i = 0; i < x->nnext; i++) tn_release(gout[i]);
      if (gout != outs) free(gout);
      goto out;
    }
    for (int32_t i = 0; i < x->nnext; i++) {
      tn_node *c = x->next[i].node;
      tn_tensor *gi = gout[i];
      if (c && gi) {
        gi = validate(x, i, gi);
        if (!gi) {
          for (int32_t j = i + 1; j < x->nnext; j++) tn_release(gout[j]);
          if (gout != outs) free(gout);
          goto out;
        }
        if (c->buf) {
          tn_tensor *s = tn_add(c->buf, gi);
          tn_release(gi);
          if (!s) {
            for (int32_t j = i + 1; j < x->nnext; j++) tn_release(gout[j]);
            if (gout != outs) free(gout);
            goto out;
          }
          tn_release(c->buf);
          c->buf = s;
        } else {
          c->buf = gi;
        }
      } else {
        tn_release(gi);
      }
      if (c && --c->deps == 0 && !c->queued) {
        c->queued = true;
        if (heap_push(&ready, c) < 0) {
          for (int32_t j = i + 1; j < x->nnext; j++) tn_release(gout[j]);
          if (gout != outs) free(gout);
          goto out;
        }
      }
    }
    if (gout != outs) free(gout);
  }
  rc = 0;
out:
  for (int64_t j = 0; j < all.n; j++) {
    tn_node *x = all.a[j];
    tn_release(x->buf);
    x->buf = NULL;
    x->deps = 0;
    x->visited = x->queued = x->needed = x->is_capture = false;
  }
  if (all.a != all_local) free(all.a);
  if (stack.a != stack_local) free(stack.a);
  if (ready.a != ready_local) free(ready.a);
  grad_off = prev_off;
  return rc;
}

/* Roots and their gradients, PyTorch's checks on both. */
static int make_roots(int32_t n, tn_tensor *const *outputs, tn_tensor *const *grads, tn__edge *roots,
                      tn_tensor **root_grads) {
  for (int32_t i = 0; i < n; i++) {
    tn_tensor *t = outputs[i];
    if (!t) return tn__errorf(TN_ERROR_TYPE, "backward(): tensor %d is None", (int)i);
    const tn_tensor *g = grads ? grads[i] : NULL;
    if (g) {
      if (!same_shape(g->ndim, g->shape, t->ndim, t->shape)) {
        char a[256], b[256];
        format_shape(a, sizeof a, g->ndim, g->shape);
        format_shape(b, sizeof b, t->ndim, t->shape);
        return tn__errorf(TN_ERROR_RUNTIME,
                          "Mismatch in shape: grad_output[%d] has a shape of %s and output[%d] has a shape of %s.",
                          (int)i, a, (int)i, b);
      }
      if (tn_dtype_is_floating(t->dtype) != tn_dtype_is_floating(g->dtype))
        return tn__errorf(TN_ERROR_RUNTIME,
                          "For non-complex input tensors, argument grad_output[%d] must be a real tensor, got "
                          "complex tensor instead.",
                          (int)i);
      root_grads[i] = tn_retain((tn_tensor *)g);
    } else {
      if (!tn__ag_requires_grad(t)) {
        root_grads[i] = NULL;
      } else if (t->numel != 1) {
        return tn__errorf(TN_ERROR_RUNTIME, "grad can be implicitly created only for scalar outputs");
      } else {
        root_grads[i] = tn_ones_like(t, TN_OPTS_INFER);
        if (!root_grads[i]) return -1;
      }
    }
    if (!tn__ag_requires_grad(t))
      return tn__errorf(TN_ERROR_RUNTIME, "element %d of tensors does not require grad and does not have a grad_fn",
                        (int)i);
    roots[i] = tn__ag_edge(t);
    if (!roots[i].node) return -1;
  }
  return 0;
}

static void free_roots(int32_t n, tn__edge *roots, tn_tensor **root_grads, bool heap) {
  for (int32_t i = 0; i < n; i++) {
    tn__node_release(roots[i].node);
    tn_release(root_grads[i]);
  }
  if (heap) {
    free(roots);
    free(root_grads);
  }
}

int tn_backward_multi(int32_t n, tn_tensor *const *tensors, tn_tensor *const *grads, bool retain_graph,
                      bool create_graph) {
  if (n <= 0 || !tensors) return tn__errorf(TN_ERROR_RUNTIME, "backward(): no tensors given");
  tn__edge roots_local[2];
  tn_tensor *rg_local[2];
  bool local = n <= 2; /* loss.backward(): one root, no allocation */
  tn__edge *roots = local ? roots_local : calloc((size_t)n, sizeof *roots);
  tn_tensor **rg = local ? rg_local : calloc((size_t)n, sizeof *rg);
  if (!roots || !rg) {
    if (!local) {
      free(roots);
      free(rg);
    }
    return tn__errorf(TN_ERROR_RUNTIME, "out of memory");
  }
  if (local) {
    memset(roots_local, 0, sizeof roots_local);
    memset(rg_local, 0, sizeof rg_local);
  }
  int rc = make_roots(n, tensors, grads, roots, rg);
  if (rc == 0) rc = run_engine(n, roots, rg, retain_graph || create_graph, create_graph, 0, NULL);
  free_roots(n, roots, rg, !local);
  return rc;
}

int tn_backward(tn_tensor *t, const tn_tensor *gradient, bool retain_graph, bool create_graph) {
  tn_tensor *ts[1] = {t}, *gs[1] = {(tn_tensor *)gradient};
  return tn_backward_multi(1, ts, gs, retain_graph, create_graph);
}

int tn_autograd_grad(int32_t nout, tn_tensor *const *outputs, tn_tensor *const *grad_outputs, int32_t nin,
                     tn_tensor *const *inputs, bool retain_graph, bool create_graph, bool allow_unused,
                     tn_tensor **results) {
  if (nout <= 0 || nin <= 0 || !outputs || !inputs || !results)
    return tn__errorf(TN_ERROR_RUNTIME, "grad requires non-empty inputs.");
  for (int32_t i = 0; i < nin; i++) {
    results[i] = NULL;
    if (!inputs[i]) return tn__errorf(TN_ERROR_TYPE, "grad(): input %d is None", (int)i);
    if (!tn__ag_requires_grad(inputs[i]))
      return tn__errorf(TN_ERROR_RUNTIME, "One of the differentiated Tensors does not require grad");
  }
  tn__edge *roots = calloc((size_t)nout, sizeof *roots);
  tn_tensor **rg = calloc((size_t)nout, sizeof *rg);
  capture *caps = calloc((size_t)nin, sizeof *caps);
  tn__edge *in_edges = calloc((size_t)nin, sizeof *in_edges);
  int rc = -1;
  if (!roots || !rg || !caps || !in_edges) {
    tn__errorf(TN_ERROR_RUNTIME, "out of memory");
    goto done;
  }
  if (make_roots(nout, outputs, grad_outputs, roots, rg) < 0) goto done;
  for (int32_t i = 0; i < nin; i++) {
    in_edges[i] = tn__ag_edge(inputs[i]);
    if (!in_edges[i].node) goto done;
    caps[i].node = in_edges[i].node;
    caps[i].input_nr = in_edges[i].input_nr;
  }
  if (run_engine(nout, roots, rg, retain_graph || create_graph, create_graph, nin, caps) < 0) goto done;
  for (int32_t i = 0; i < nin; i++) {
    if (!caps[i].grad && !allow_unused) {
      tn__errorf(TN_ERROR_RUNTIME,
                 "One of the differentiated Tensors appears to not have been used in the graph. Set "
                 "allow_unused=True if this is the desired behavior.");
      for (int32_t j = 0; j < nin; j++) {
        tn_release(caps[j].grad);
        caps[j].grad = NULL;
      }
      goto done;
    }
  }
  for (int32_t i = 0; i < nin; i++) {
    results[i] = caps[i].grad;
    caps[i].grad = NULL;
  }
  rc = 0;
done:
  if (roots && rg) free_roots(nout, roots, rg, true);
  else {
    free(roots);
    free(rg);
  }
  if (in_edges)
    for (int32_t i = 0; i < nin; i++) tn__node_release(in_edges[i].node);
  free(in_edges);
  free(caps);
  return rc;
}
