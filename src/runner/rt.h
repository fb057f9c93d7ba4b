/* rt.h — the runner's internals: values, objects, the AST and the evaluator's entry points.
 *
 * Values are tagged: None, bool, int (int64) and float live unboxed, so arithmetic never
 * allocates; everything else is a reference-counted heap object whose header points at its class.
 * Builtin types, user classes, exception classes and native (C) types are all `Class` objects, so
 * attribute lookup, isinstance and operator dispatch work the same way for every kind of value.
 */
#ifndef RT_H
#define RT_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runner.h"

typedef struct VM VM;
typedef struct Obj Obj;
typedef struct Class Class;
typedef struct Str Str;
typedef struct Dict Dict;

enum { V_NULL = 0, V_NONE, V_BOOL, V_INT, V_FLOAT, V_OBJ, V_ERR, V_DUMMY };

typedef struct Value {
  int tag;
  union {
    int64_t i;
    double f;
    Obj *o;
  } u;
} Value;

#define VNULL ((Value){.tag = V_NULL})
#define VNONE ((Value){.tag = V_NONE})
#define VERR ((Value){.tag = V_ERR})
static inline Value v_int(int64_t i) { Value v; v.tag = V_INT; v.u.i = i; return v; }
static inline Value v_float(double f) { Value v; v.tag = V_FLOAT; v.u.f = f; return v; }
static inline Value v_bool(bool b) { Value v; v.tag = V_BOOL; v.u.i = b; return v; }
static inline Value v_obj(void *o) { Value v; v.tag = V_OBJ; v.u.o = (Obj *)o; return v; }
#define IS_ERR(v) ((v).tag == V_ERR)

typedef enum {
  O_STR, O_LIST, O_TUPLE, O_DICT, O_SET, O_FUNC, O_NATFUNC, O_BOUND, O_CLASS, O_INST, O_MODULE,
  O_RANGE, O_SLICE, O_CELL, O_ITER, O_NATIVE, O_WRAP, O_DICTVIEW, O_KINDS
} OKind;

struct Obj {
  int32_t rc;
  uint16_t kind;
  Class *cls;
  Obj *gc_prev, *gc_next; /* every object, so that teardown can break cycles */
};

static inline void v_incref(Value v) { if (v.tag == V_OBJ) v.u.o->rc++; }
void obj_free(VM *vm, Obj *o);
static inline void v_decref(VM *vm, Value v) {
  if (v.tag == V_OBJ && --v.u.o->rc == 0) obj_free(vm, v.u.o);
}
#define OBJ_INCREF(o) (((Obj *)(o))->rc++)
#define OBJ_DECREF(vm, o) do { Obj *o_ = (Obj *)(o); if (o_ && --o_->rc == 0) obj_free((vm), o_); } while (0)

struct Str {
  Obj h;
  int64_t len;   /* bytes */
  int64_t hash;  /* -1: not computed */
  int64_t nchars;
  bool ascii;
  bool interned;
  char s[];
};

typedef struct List { Obj h; int64_t n, cap; Value *v; } List;
typedef struct Tuple { Obj h; int64_t n; Value v[]; } Tuple;

typedef struct DEntry { int64_t hash; Value key, val; } DEntry;
struct Dict {
  Obj h;
  int64_t n, nent, cap;  /* live entries, used entries (with holes), capacity */
  DEntry *e;
  int64_t *idx;          /* open-addressing index into e, -1 empty, -2 deleted */
  int64_t mask;
};

typedef struct SEntry { int64_t hash; Value key; } SEntry; /* key V_NULL: empty, V_DUMMY: deleted */
typedef struct Set { Obj h; int64_t fill, used, mask; SEntry *t; } Set;

typedef struct Cell { Obj h; Value v; } Cell;

typedef struct Kw { int n; Str **names; Value *vals; } Kw;
typedef Value (*NatFn)(VM *vm, Value *args, int n, Kw *kw);
typedef struct NatFunc { Obj h; const char *name; NatFn fn; Value self; /* V_NULL unless bound */ } NatFunc;

typedef struct Code Code;
typedef struct Func {
  Obj h;
  Code *code;
  Dict *globals;
  Value *defaults; int ndefaults;
  Value *kwdefaults; /* one per keyword-only parameter, V_NULL when required */
  Cell **cells; int ncells;
  Class *owner; /* class whose body defined it: for super() */
} Func;

typedef struct Bound { Obj h; Value self, func; } Bound;

typedef Value (*NatGetAttr)(VM *vm, Value self, Str *name); /* V_NULL: not handled */
typedef int (*NatSetAttr)(VM *vm, Value self, Str *name, Value v); /* 1 handled, 0 not, -1 error */
struct Class {
  Obj h;
  Str *name;
  Class *base;
  Dict *dict;
  bool builtin;   /* a builtin type: its instances are not Inst */
  bool is_exc;
  NatGetAttr getattr_hook;
  NatSetAttr setattr_hook;
  NatFn ctor;     /* builtin and native types: called with the class as args[0] */
  const char *module;
};
typedef struct Inst { Obj h; Dict *dict; Value args; /* exceptions: the args tuple */ int line; } Inst;
typedef struct Module { Obj h; Str *name; Dict *dict; } Module;
typedef struct Range { Obj h; int64_t start, stop, step, len; } Range;
typedef struct Slice { Obj h; Value start, stop, step; } Slice;
typedef struct Native { Obj h; void *ptr; void (*fin)(void *ptr); } Native;
enum { W_STATIC, W_CLASSMETHOD, W_PROPERTY };
typedef struct Wrap { Obj h; int wkind; Value func; } Wrap;
enum { DV_KEYS, DV_VALUES, DV_ITEMS };
typedef struct DictView { Obj h; int which; Dict *d; } DictView;

enum {
  IT_LIST, IT_TUPLE, IT_STR, IT_RANGE, IT_DICT, IT_SET, IT_ENUM, IT_ZIP, IT_MAP, IT_FILTER,
  IT_REVLIST, IT_SEQ /* __getitem__ protocol */
};
typedef struct Iter {
  Obj h;
  int ikind;
  Value src;        /* the iterated object, or the inner iterator */
  int64_t i, end, step;
  Value fn;         /* map/filter function */
  int nsub; Value *subs; /* zip iterators, map's iterators */
} Iter;

/* ----- AST ----- */

typedef struct Node Node;
typedef struct NodeList { Node **v; int n, cap; } NodeList;

enum {
  /* expressions */
  E_CONST, E_NAME, E_BINOP, E_UNARY, E_NOT, E_AND, E_OR, E_COMPARE, E_CALL, E_ATTR, E_SUBSCRIPT,
  E_SLICE, E_LIST, E_TUPLE, E_SET, E_DICT, E_LISTCOMP, E_SETCOMP, E_DICTCOMP, E_GENEXP, E_COMPFOR,
  E_LAMBDA, E_IFEXP, E_FSTRING, E_FORMATTED, E_STARRED, E_KEYWORD, E_DSTAR, E_NAMEDEXPR, E_YIELD,
  /* statements */
  S_EXPR, S_ASSIGN, S_AUGASSIGN, S_IF, S_WHILE, S_FOR, S_BREAK, S_CONTINUE, S_PASS, S_RETURN,
  S_DEF, S_CLASS, S_TRY, S_HANDLER, S_RAISE, S_WITH, S_WITHITEM, S_IMPORT, S_FROMIMPORT, S_ALIAS,
  S_ASSERT, S_DEL, S_GLOBAL, S_NONLOCAL
};

/* binary operators (also augmented assignment) */
enum { OP_ADD, OP_SUB, OP_MUL, OP_TRUEDIV, OP_FLOORDIV, OP_MOD, OP_POW, OP_MATMUL, OP_LSHIFT,
       OP_RSHIFT, OP_AND, OP_OR, OP_XOR, OP_NBINOPS };
enum { UOP_NEG, UOP_POS, UOP_INVERT };
enum { CMP_LT, CMP_LE, CMP_EQ, CMP_NE, CMP_GT, CMP_GE, CMP_IN, CMP_NOTIN, CMP_IS, CMP_ISNOT };
/* name scopes */
enum { SC_UNRESOLVED, SC_LOCAL, SC_CELL, SC_FREE, SC_GLOBAL, SC_CLASS };

struct Node {
  uint8_t kind;
  uint8_t op;      /* operator, comparison, conversion char, ... */
  uint8_t scope;   /* names */
  uint8_t flag;
  int line, col;
  Node *a, *b, *c;
  NodeList l1, l2, l3;
  uint8_t *ops;    /* E_COMPARE */
  Value v;         /* E_CONST */
  Str *name;       /* names, attributes, keywords, def/class names */
  int slot;        /* local slot / closure index */
  Code *code;      /* S_DEF, E_LAMBDA, S_CLASS (body) */
};

typedef struct FreeRef { bool from_cell_slot; int index; } FreeRef;
struct Code {
  Str *name, *qualname;
  int line;
  int nargs;        /* positional parameters */
  int nkwonly;
  int vararg, kwarg; /* slot or -1 */
  int nslots;       /* parameters first: positional, *args, keyword-only, **kwargs */
  Str **slotnames;
  uint8_t *is_cell;
  int nfree;
  FreeRef *free;    /* where the creating frame finds each closure cell */
  Str **freenames;
  NodeList body;
  Node *expr;       /* lambda body */
  NodeList defaults, kwdefaults; /* kwdefaults: NULL entries for required ones */
  NodeList decorators;
  bool is_class;
  bool is_gen;       /* contains yield: runs eagerly, returning an iterator over what it yields */
};

/* ----- interpreter ----- */

typedef struct Frame {
  Code *code;
  Value *slots;
  Cell **cells;       /* the function's closure */
  Dict *globals;
  Dict *locals;       /* class bodies */
  Func *func;
  int line;
  Value ret;
  List *gen_out;      /* generator frames: the values yielded so far */
  struct Frame *back;
} Frame;

typedef struct TbEntry { const char *fname; int line; Frame *frame; } TbEntry;

enum {
  EX_BaseException, EX_Exception, EX_ArithmeticError, EX_LookupError, EX_ZeroDivisionError,
  EX_OverflowError, EX_IndexError, EX_KeyError, EX_RuntimeError, EX_RecursionError,
  EX_NotImplementedError, EX_ValueError, EX_TypeError, EX_AttributeError, EX_NameError,
  EX_UnboundLocalError, EX_AssertionError, EX_StopIteration, EX_KeyboardInterrupt, EX_ImportError,
  EX_ModuleNotFoundError, EX_MemoryError, EX_OSError, EX_TimeoutError, EX_SyntaxError,
  EX_IndentationError, EX_SystemExit, EX_UnicodeError, EX_COUNT
};

enum { CLS_object, CLS_type, CLS_NoneType, CLS_bool, CLS_int, CLS_float, CLS_str, CLS_list,
       CLS_tuple, CLS_dict, CLS_set, CLS_function, CLS_builtin, CLS_method, CLS_module, CLS_range,
       CLS_slice, CLS_cell, CLS_iterator, CLS_staticmethod, CLS_classmethod, CLS_property,
       CLS_dict_keys, CLS_dict_values, CLS_dict_items, CLS_enumerate, CLS_zip, CLS_map, CLS_filter,
       CLS_reversed, CLS_super, CLS_generator, CLS_COUNT };

struct VM {
  Class *cls[CLS_COUNT];
  Class *exc[EX_COUNT];
  Dict *builtins;
  Dict *modules;
  Dict *main_globals;
  struct Arena *arena;   /* AST and code: live until the interpreter goes */
  Dict *interned;       /* str -> same str */
  Value exc_value;      /* the exception being raised (Inst) */
  Value handling;       /* the exception an except block is handling (bare raise) */
  Value notimpl;        /* NotImplemented */
  Code *name_err_code;  /* for "Did you mean": the function whose name lookup failed */
  Value attr_err_obj;   /* ... and the object whose attribute lookup failed */
  TbEntry tb[64]; int ntb;
  Frame *frame;
  Value *stack; int64_t sp, stack_cap;
  int depth, max_depth;
  Obj *all_objs;        /* doubly linked list of every live object */
  bool tearing_down;
  atomic_int interrupt;
  double deadline, timeout;
  unsigned ticks;
  rn_output_fn out; void *out_user;
  const char *filename;
  char **lines; int nlines;   /* source of the running file, for tracebacks */
  char *err_type, *err_msg; int err_line;
  Value *repr_stack[1024]; int nrepr; /* objects being printed, for [...] */
  Str *s_init, *s_call, *s_repr, *s_str, *s_len, *s_iter, *s_next, *s_bool, *s_enter, *s_exit,
      *s_getitem, *s_setitem, *s_contains, *s_eq, *s_name, *s_args, *s_float, *s_int, *s_hash,
      *s_delitem, *s_neg, *s_pos, *s_abs, *s_lt, *s_le, *s_gt, *s_ge, *s_ne, *s_main, *s_module,
      *s_class, *s_dict, *s_doc, *s_invert;
  Str *s_binop[OP_NBINOPS], *s_rbinop[OP_NBINOPS], *s_ibinop[OP_NBINOPS];
  /* torch module (mod_torch.c): its classes and dtype objects */
  Class *t_tensor, *t_dtype, *t_size, *t_device;
  Class *t_ndarray, *t_nptype; /* numpy (mod_numpy.c) */
  /* tn_tensor* -> its live Tensor object, so that the same engine tensor is the same Python object
   * (w.grad is w.grad, node.variable is w): open addressing, keys borrowed (obj.c) */
  struct { void **keys; Obj **objs; size_t cap, n; } tensor_ids;
  Value t_dtypes[16];
  /* random module state: CPython's Mersenne Twister */
  uint32_t mt[624]; int mti; bool has_gauss; double gauss_next;
};

/* ----- objects (obj.c) ----- */
void *obj_alloc(VM *vm, size_t size, OKind kind, Class *cls);
Str *str_new(VM *vm, const char *s, int64_t len);
Str *str_cstr(VM *vm, const char *s);
Str *str_intern(VM *vm, const char *s, int64_t len);
Str *str_intern_cstr(VM *vm, const char *s);
int64_t str_hash(Str *s);
int64_t str_nchars(Str *s);
Value v_str(VM *vm, const char *s);
List *list_new(VM *vm, int64_t n);
int list_append(VM *vm, List *l, Value v);      /* steals nothing: increfs v */
int list_append_steal(VM *vm, List *l, Value v);
Tuple *tuple_new(VM *vm, int64_t n);            /* items V_NULL, to be filled (owned) */
Dict *dict_new(VM *vm);
Value dict_get(VM *vm, Dict *d, Value key, int *err); /* borrowed; VNULL if absent */
Value dict_get_str(Dict *d, Str *key);                /* borrowed; VNULL if absent; no errors */
int dict_set(VM *vm, Dict *d, Value key, Value val);  /* increfs both */
int dict_set_str(VM *vm, Dict *d, Str *key, Value val);
int dict_del(VM *vm, Dict *d, Value key);             /* 1 removed, 0 absent, -1 error */
void dict_clear(VM *vm, Dict *d);
bool dict_next(Dict *d, int64_t *pos, Value *k, Value *v);
Set *set_new(VM *vm);
int set_add(VM *vm, Set *s, Value key);
int set_contains(VM *vm, Set *s, Value key);
int set_discard(VM *vm, Set *s, Value key);
bool set_next(Set *s, int64_t *pos, Value *k);
void set_clear(VM *vm, Set *s);
int set_merge(VM *vm, Set *so, Set *other); /* CPython's set_merge: the order copies and unions get */
Range *range_new(VM *vm, int64_t a, int64_t b, int64_t c);
Cell *cell_new(VM *vm, Value v);
Class *class_new(VM *vm, const char *name, Class *base, bool builtin);
Value class_lookup(Class *c, Str *name); /* borrowed */
bool class_is_sub(Class *c, Class *base);
Value natfunc_new(VM *vm, const char *name, NatFn fn);
void def_method(VM *vm, Class *c, const char *name, NatFn fn);
void def_func(VM *vm, Dict *d, const char *name, NatFn fn);
Module *module_new(VM *vm, const char *name);
Value native_new(VM *vm, Class *cls, void *ptr, void (*fin)(void *));

Obj *tensor_id_find(VM *vm, const void *t);
void tensor_id_add(VM *vm, const void *t, Obj *o);
Class *rt_type(VM *vm, Value v);
const char *rt_type_name(VM *vm, Value v);
int64_t rt_hash(VM *vm, Value v, int *err);
int rt_eq(VM *vm, Value a, Value b);  /* 1, 0, -1 error */
int rt_truthy(VM *vm, Value v);        /* 1, 0, -1 error */
Str *rt_repr(VM *vm, Value v);
Str *rt_str(VM *vm, Value v);
Value rt_compare(VM *vm, int op, Value a, Value b);
int rt_lt(VM *vm, Value a, Value b);   /* a < a la sorted(): 1, 0, -1 */
int rt_contains(VM *vm, Value container, Value item);
Value rt_binop(VM *vm, int op, Value a, Value b);
Value rt_inplace(VM *vm, int op, Value a, Value b);
Value rt_unary(VM *vm, int op, Value a);
Value rt_getattr(VM *vm, Value o, Str *name);
Value rt_getattr_opt(VM *vm, Value o, Str *name); /* VNULL, no error, when missing */
int rt_setattr(VM *vm, Value o, Str *name, Value v);
int rt_delattr(VM *vm, Value o, Str *name);
Value rt_getitem(VM *vm, Value o, Value key);
int rt_setitem(VM *vm, Value o, Value key, Value v);
int rt_delitem(VM *vm, Value o, Value key);
Value rt_iter(VM *vm, Value o);
int rt_next(VM *vm, Value it, Value *out); /* 1 item, 0 end, -1 error */
int64_t rt_len(VM *vm, Value o);          /* -1 error */
Value rt_call(VM *vm, Value f, Value *args, int n, Kw *kw);
Value rt_call_method(VM *vm, Value self, Str *name, Value *args, int n); /* VNULL if no such method */
int rt_index(VM *vm, Value v, int64_t *out, const char *what); /* __index__-like: int/bool */
List *rt_to_list(VM *vm, Value iterable);                    /* new list of the items */
bool rt_is_instance(VM *vm, Value v, Class *c);
Value rt_float_of(VM *vm, Value v);
Iter *iter_new(VM *vm, int ikind, Class *cls, Value src); /* increfs src */
Value bind_method(VM *vm, Value func, Value self);
void objects_teardown(VM *vm);
const char *op_symbol(int op);

/* errors */
Value rt_raise(VM *vm, int exc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
Value rt_raise_cls(VM *vm, Class *cls, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
Value rt_raise_value(VM *vm, Value exc);  /* consumes nothing */
Value rt_raise_tn(VM *vm);                /* from the engine's last error */
bool rt_exc_matches(VM *vm, int exc);
void rt_clear_exc(VM *vm);
Value exc_new(VM *vm, Class *cls, Value *args, int n);
Str *exc_str(VM *vm, Value exc);
bool rt_check_interrupt(VM *vm); /* true (with KeyboardInterrupt/TimeoutError raised) to stop */

/* ----- strings and formatting (format.c) ----- */
typedef struct Buf { char *p; int64_t n, cap; bool oom; } Buf;
void buf_put(Buf *b, const char *s, int64_t n);
void buf_puts(Buf *b, const char *s);
void buf_putc(Buf *b, char c);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
Str *buf_to_str(VM *vm, Buf *b); /* frees the buffer */
void float_repr(double v, char *out, size_t n);
Str *str_repr_of(VM *vm, Str *s);
Value rt_format(VM *vm, Value v, Str *spec); /* format(v, spec) -> str */
Value str_format_method(VM *vm, Value *args, int n, Kw *kw);
Value str_percent(VM *vm, Str *fmt, Value args);

/* ----- builtins and methods ----- */
void builtins_init(VM *vm);
void methods_init(VM *vm);
Value import_module(VM *vm, Str *name);
Value import_submodule_attr(VM *vm, Module *parent, Str *attr); /* VNULL: not a submodule */
typedef Value (*ModInit)(VM *vm);
Value mod_math_init(VM *vm);
Value mod_random_init(VM *vm);
Value mod_time_init(VM *vm);
Value mod_torch_init(VM *vm);
Value mod_torch_linalg_init(VM *vm);   /* mod_torch_more.c */
Value mod_torch_autograd_init(VM *vm); /* mod_torch_more.c */
Value mod_numpy_init(VM *vm);
Value mod_torch_nn_functional_init(VM *vm);
/* shared by mod_torch.c and mod_numpy.c (an ndarray is a Tensor subclass sharing the storage) */
struct tn_tensor;
Value torch_wrap(VM *vm, struct tn_tensor *t);
/* mod_torch_cuda.c: devices (torch.device, device=, .to/.cuda/.cpu, torch.cuda) */
struct tn_device;
int torch_device_arg(VM *vm, Value v, struct tn_device *out);
Value torch_device_new(VM *vm, Value *args, int n, Kw *kw);
Value torch_device_getattr(VM *vm, Value self, Str *name);
Value torch_device_repr(VM *vm, Value *args, int n, Kw *kw);
Value torch_device_str(VM *vm, Value *args, int n, Kw *kw);
Value torch_device_eq(VM *vm, Value *args, int n, Kw *kw);
struct tn_tensor *torch_apply_device_kw(VM *vm, Kw *kw, struct tn_tensor *t);
Value torch_tensor_device(VM *vm, struct tn_tensor *t);
int torch_cuda_init(VM *vm, Dict *cuda_dict);
struct tn_tensor *torch_as_tensor(VM *vm, Value v);
struct tn_tensor *torch_from_data(VM *vm, Value data, int dtype);
Value torch_numpy(VM *vm, Value *args, int n, Kw *kw);
Value torch_from_numpy(VM *vm, Value *args, int n, Kw *kw);
int kw_find(Kw *kw, const char *name, Value *out); /* 1 found */
int check_no_kw(VM *vm, Kw *kw, const char *fname);
int check_nargs(VM *vm, const char *fname, int n, int min, int max);
Value list_sort(VM *vm, List *l, Value key, bool reverse);
Value slice_indices(VM *vm, Slice *s, int64_t len, int64_t *start, int64_t *stop, int64_t *step,
                    int64_t *slen);

/* ----- front end and evaluator ----- */
typedef struct SyntaxErr { char msg[256]; int line, col, end_col; bool indentation; } SyntaxErr;
Code *parse_module(VM *vm, const char *src, SyntaxErr *err); /* NULL on a syntax error */
Value eval_module(VM *vm, Code *code, Dict *globals);
Value call_func(VM *vm, Func *f, Value *args, int n, Kw *kw);
/* evaluator internals shared by eval.c and call.c */
enum { CTL_NONE, CTL_BREAK, CTL_CONTINUE, CTL_RETURN, CTL_ERR };
Value rt_eval(VM *vm, Frame *f, Node *n);
int rt_exec_block(VM *vm, Frame *f, NodeList *b);
void rt_tb_add(VM *vm, Frame *f, int line);
Value make_function(VM *vm, Frame *f, Code *c);
Value apply_decorators(VM *vm, Frame *f, NodeList *decs, Value v);
Value make_class(VM *vm, Frame *f, Node *n);
/* polls the interrupt flag, and the clock every 4096 steps */
static inline bool rt_tick(VM *vm) {
  if (atomic_load_explicit(&vm->interrupt, memory_order_relaxed)) return rt_check_interrupt(vm);
  if ((++vm->ticks & 4095) == 0 && vm->timeout > 0) return rt_check_interrupt(vm);
  return false;
}

void *arena_alloc(VM *vm, size_t n); /* zeroed; NULL when out of memory */
void arena_free_all(VM *vm);
int resolve_module(VM *vm, Code *module, SyntaxErr *err); /* scopes, slots and cells */

#endif /* RT_H */
