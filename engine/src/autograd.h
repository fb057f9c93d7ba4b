/* autograd.h — what autograd.c and autograd-formulas.c share: graph nodes and tensor metadata. */
#ifndef TN_AUTOGRAD_H
#define TN_AUTOGRAD_H

#include "tn-internal.h"

typedef enum tn__node_kind {
  TN__K_ACCUMULATE = 0,
  TN__K_BINARY,     /* i0: the tn_binary_op; s0: alpha */
  TN__K_UNARY,      /* i0: the tn_unary_op */
  TN__K_POW_SCALAR, /* s0: the exponent */
  TN__K_CLAMP,      /* s0/s1 with has0/has1 */
  TN__K_WHERE,      /* aux: the condition */
  TN__K_SUM,        /* dims/ndims/keepdim; ndims 0: everything */
  TN__K_MEAN,
  TN__K_PROD,
  TN__K_AMAXMIN,    /* amax/amin: result saved */
  TN__K_MAXALL,     /* max()/min() */
  TN__K_MAXDIM,     /* aux: indices; i0: dim */
  TN__K_VAR,        /* i0: correction */
  TN__K_STD,
  TN__K_LOGSUMEXP,
  TN__K_NORM,       /* p */
  TN__K_CUMSUM,     /* i0: dim */
  TN__K_FLIP,       /* i0: dim */
  TN__K_CUMPROD,    /* i0: dim; self and result saved */
  TN__K_RESHAPE,
  TN__K_EXPAND,
  TN__K_GATHER,     /* aux: int64 positions of each output element in the input */
  TN__K_PERMUTE,    /* transpose, t, permute: dims[0..ndims) the forward permutation */
  TN__K_RSUB,       /* other - alpha * self: edges (self[, other]), s0 alpha */
  TN__K_DIST,       /* dist(self, other, p): self - other and the result saved, p */
  TN__K_SCATTER,    /* aux: positions; the output has the edge's shape (the inverse of GATHER) */
  TN__K_CAT,        /* sizes: each input's size along i0 */
  TN__K_STACK,      /* i0: dim */
  TN__K_IDENTITY,   /* clone, contiguous, dtype conversion */
  TN__K_MM,
  TN__K_MV,
  TN__K_DOT,
  TN__K_BMM,
  TN__K_MATMUL,
  TN__K_COPY,       /* copy_: edges (self, src) */
  TN__K_FILL,       /* fill_/zero_ */
  TN__K_INDEX_PUT,  /* aux: positions written */
  TN__K_COPYSLICES, /* aux: the view's positions in its base; fn: the in-place op's node */
  TN__K_EINSUM,     /* spec: "ab,bc->ac" without spaces, operands saved */
  /* nn.c: s0 beta, s1 alpha, i0 mat1/mat2 column-major flags (as MM) */
  TN__K_ADDMM,
  /* nn.c's losses and softmaxes: i0 the reduction (softmaxes: the dim); aux/aux2 constants */
  TN__K_MSE,
  TN__K_BCE,
  TN__K_BCE_LOGITS,
  TN__K_SOFTMAX,
  TN__K_LOG_SOFTMAX,
  TN__K_NLL,
  TN__K_SOLVE,   /* linalg.solve: A and the result saved; i0: B was a (batch of) vector(s) */
  TN__K_SVDVALS, /* svdvals: aux U, aux2 Vh (reduced), constants */
  TN__K_EIGVALSH, /* linalg.eigvalsh: aux the eigenvectors V; the gradient V diag(gL) Vᵀ */
  TN__K_COUNT
} tn__node_kind;

typedef struct tn__edge {
  tn_node *node; /* owned; NULL: no gradient flows there */
  int32_t input_nr;
  /* the forward input's metadata, to validate the gradient */
  int32_t ndim;
  int64_t shape[TN_MAX_DIMS];
  tn_dtype dtype;
  tn_device device;
} tn__edge;

#define TN__MAX_SAVED 4
#define TN__MAX_INLINE_NEXT 8

typedef struct tn__saved {
  tn_tensor *data;  /* a detached alias (or the leaf itself) */
  tn_node *grad_fn; /* the saved input's history (owned), for create_graph */
  int32_t output_nr;
  uint32_t version;
  bool is_output, leaf, defined;
  const char *name;
} tn__saved;

struct tn_node {
  int32_t refcount;
  tn__node_kind kind;
  const char *name;
  uint64_t seq;
  int32_t nnext;
  tn__edge *next;
  int32_t nsaved;
  tn__saved saved[TN__MAX_SAVED];
  bool released; /* saved tensors freed by a backward without retain_graph */
  /* the forward output */
  int32_t out_ndim;
  int64_t out_shape[TN_MAX_DIMS];
  tn_dtype out_dtype;
  /* parameters */
  int64_t i0;
  tn_scalar s0, s1;
  bool has0, has1, keepdim;
  double p;
  int32_t ndims;
  int64_t dims[TN_MAX_DIMS];
  int64_t *sizes;
  char *spec;
  tn_tensor *aux, *aux2;
  int32_t nidx;
  tn_index *idx;
  tn_node *fn;         /* CopySlices: the in-place op on the view */
  tn_tensor *variable; /* AccumulateGrad: the leaf (owned) */
  tn_tensor *retained; /* weak: a non-leaf output that retains its grad */
  /* engine scratch */
  tn_tensor *buf;
  int64_t deps;
  bool visited, queued, needed, is_capture;
};

struct tn_autograd_meta {
  tn_tensor *owner; /* weak */
  tn_tensor *grad;
  tn_node *grad_fn;
  int32_t output_nr;
  tn_node *accumulator; /* weak: AccumulateGrad of a leaf */
  bool retains_grad;
  bool is_view;
  uint32_t view_version;
  bool is_parameter; /* nn.Parameter: prints as "Parameter containing:" */
};

extern void (*tn__autograd_meta_free)(tn_autograd_meta *meta);

tn_autograd_meta *tn__ag_meta(tn_tensor *t);
bool tn__ag_requires_grad(const tn_tensor *t);
tn_node *tn__ag_grad_fn(tn_tensor *t);
tn_node *tn__node_new(tn__node_kind kind, const char *name, int32_t nnext);
tn_node *tn__node_retain(tn_node *n);
void tn__node_release(tn_node *n);
tn__edge tn__ag_edge(tn_tensor *t);
void tn__node_set_next(tn_node *n, int32_t i, const tn_tensor *t);
bool tn__node_any_next(const tn_node *n);
int tn__node_save(tn_node *n, const tn_tensor *t, bool is_output, const char *name);
int tn__node_save_if(tn_node *n, const tn_tensor *t, bool is_output, const char *name, bool needed);
tn_tensor *tn__node_unpack(tn_node *n, int32_t i);
int tn__ag_set_history(tn_tensor *out, tn_node *n);
tn_tensor *tn__ag_finish(tn_node *n, tn_tensor *out);
int tn__ag_rebase(tn_tensor *self, tn_node *n);
tn_tensor *tn__ag_view_positions(const tn_tensor *in, const tn_tensor *out);
tn_node *tn__ag_view_node(tn_tensor *in, const tn_tensor *out, const char *name);
tn_tensor *tn__ag_sum_to(tn_tensor *g, int32_t ndim, const int64_t *shape);
bool tn__ag_grad_off(void);
/* Grad mode off for the duration of a forward recomputation. */
static inline bool off_begin(void) { return !tn_set_grad_enabled(false); }
static inline void off_end(bool was_off) { tn_set_grad_enabled(!was_off); }

/* nn.c's backward formulas (the TN__K_ADDMM.. kinds), with the node's unpacked saved tensors. */
int tn__nn_backward(tn_node *n, tn_tensor *grad, tn_tensor **saved, tn_tensor **out);

/* The backward formula: gradients for each next edge (NULL where none) from the output's. */
int tn__node_apply(tn_node *n, tn_tensor *grad, tn_tensor **out);

#endif
