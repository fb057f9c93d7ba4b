/* runner.c — the public API: interpreter lifetime, running source on a thread with a large stack
 * (so deep recursion reaches RecursionError long before the C stack ends), interrupts, timeouts
 * and CPython-style tracebacks and syntax-error reports. */
#include "rt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rn_interp { VM vm; };

void random_seed_default(VM *vm);

static void default_out(void *user, int stream, const char *data, size_t len) {
  (void)user;
  FILE *f = stream == RN_STDERR ? stderr : stdout;
  if (stream == RN_STDERR) fflush(stdout);
  fwrite(data, 1, len, f);
  if (stream == RN_STDERR) fflush(stderr);
}

static Str *intern_keep(VM *vm, const char *s) {
  Str *r = str_intern_cstr(vm, s);
  return r;
}

rn_interp *rn_new(void) {
  rn_interp *in = calloc(1, sizeof(rn_interp));
  if (!in) return NULL;
  VM *vm = &in->vm;
  vm->max_depth = 1000;
  vm->stack_cap = 1 << 18;
  vm->stack = calloc((size_t)vm->stack_cap, sizeof(Value));
  if (!vm->stack) { free(in); return NULL; }
  vm->out = default_out;
  atomic_init(&vm->interrupt, 0);
  builtins_init(vm);
  static const char *const names[] = {"__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__", "__mod__",
                                      "__pow__", "__matmul__", "__lshift__", "__rshift__", "__and__", "__or__", "__xor__"};
  for (int i = 0; i < OP_NBINOPS; i++) {
    char buf[32];
    vm->s_binop[i] = intern_keep(vm, names[i]);
    snprintf(buf, sizeof buf, "__r%s", names[i] + 2);
    vm->s_rbinop[i] = intern_keep(vm, buf);
    snprintf(buf, sizeof buf, "__i%s", names[i] + 2);
    vm->s_ibinop[i] = intern_keep(vm, buf);
  }
  vm->s_init = intern_keep(vm, "__init__");
  vm->s_call = intern_keep(vm, "__call__");
  vm->s_repr = intern_keep(vm, "__repr__");
  vm->s_str = intern_keep(vm, "__str__");
  vm->s_len = intern_keep(vm, "__len__");
  vm->s_iter = intern_keep(vm, "__iter__");
  vm->s_next = intern_keep(vm, "__next__");
  vm->s_bool = intern_keep(vm, "__bool__");
  vm->s_enter = intern_keep(vm, "__enter__");
  vm->s_exit = intern_keep(vm, "__exit__");
  vm->s_getitem = intern_keep(vm, "__getitem__");
  vm->s_setitem = intern_keep(vm, "__setitem__");
  vm->s_delitem = intern_keep(vm, "__delitem__");
  vm->s_contains = intern_keep(vm, "__contains__");
  vm->s_eq = intern_keep(vm, "__eq__");
  vm->s_ne = intern_keep(vm, "__ne__");
  vm->s_lt = intern_keep(vm, "__lt__");
  vm->s_le = intern_keep(vm, "__le__");
  vm->s_gt = intern_keep(vm, "__gt__");
  vm->s_ge = intern_keep(vm, "__ge__");
  vm->s_name = intern_keep(vm, "__name__");
  vm->s_args = intern_keep(vm, "args");
  vm->s_float = intern_keep(vm, "__float__");
  vm->s_int = intern_keep(vm, "__int__");
  vm->s_hash = intern_keep(vm, "__hash__");
  vm->s_neg = intern_keep(vm, "__neg__");
  vm->s_pos = intern_keep(vm, "__pos__");
  vm->s_abs = intern_keep(vm, "__abs__");
  vm->s_invert = intern_keep(vm, "__invert__");
  vm->s_main = intern_keep(vm, "__main__");
  vm->s_module = intern_keep(vm, "__module__");
  vm->s_class = intern_keep(vm, "__class__");
  vm->s_dict = intern_keep(vm, "__dict__");
  vm->s_doc = intern_keep(vm, "__doc__");
  methods_init(vm);
  vm->modules = dict_new(vm);
  vm->main_globals = dict_new(vm);
  if (!vm->modules || !vm->main_globals || !vm->s_init || !vm->s_doc) { rn_free(in); return NULL; }
  dict_set_str(vm, vm->main_globals, vm->s_name, v_obj(vm->s_main));
  dict_set_str(vm, vm->main_globals, vm->s_doc, VNONE);
  random_seed_default(vm);
  return in;
}

static void free_lines(VM *vm) {
  for (int i = 0; i < vm->nlines; i++) free(vm->lines[i]);
  free(vm->lines);
  vm->lines = NULL;
  vm->nlines = 0;
}

static void clear_error(VM *vm) {
  free(vm->err_type);
  free(vm->err_msg);
  vm->err_type = vm->err_msg = NULL;
  vm->err_line = 0;
}

void rn_free(rn_interp *in) {
  if (!in) return;
  VM *vm = &in->vm;
  objects_teardown(vm);
  arena_free_all(vm);
  free_lines(vm);
  clear_error(vm);
  free(vm->stack);
  free(in);
}

void rn_set_output(rn_interp *in, rn_output_fn fn, void *user) {
  in->vm.out = fn ? fn : default_out;
  in->vm.out_user = user;
}

void rn_interrupt(rn_interp *in) { atomic_store(&in->vm.interrupt, 1); }
void rn_set_timeout(rn_interp *in, double seconds) { in->vm.timeout = seconds > 0 ? seconds : 0; }
const char *rn_exception_type(const rn_interp *in) { return in->vm.err_type; }
const char *rn_exception_message(const rn_interp *in) { return in->vm.err_msg; }
int rn_exception_line(const rn_interp *in) { return in->vm.err_line; }

static void split_lines(VM *vm, const char *src) {
  free_lines(vm);
  int n = 1;
  for (const char *p = src; *p; p++) if (*p == '\n') n++;
  vm->lines = calloc((size_t)n, sizeof(char *));
  if (!vm->lines) return;
  const char *p = src;
  for (int i = 0; i < n; i++) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len && p[len - 1] == '\r') len--;
    vm->lines[i] = malloc(len + 1);
    if (vm->lines[i]) { memcpy(vm->lines[i], p, len); vm->lines[i][len] = 0; }
    vm->nlines = i + 1;
    if (!e) break;
    p = e + 1;
  }
}

static void emit(VM *vm, const char *s) { if (vm->out) vm->out(vm->out_user, RN_STDERR, s, strlen(s)); }

/* the source line without its indentation; *strip receives the columns removed */
static const char *source_line(VM *vm, int line, int *strip) {
  *strip = 0;
  if (line < 1 || line > vm->nlines || !vm->lines[line - 1]) return NULL;
  const char *s = vm->lines[line - 1];
  while (*s == ' ' || *s == '\t' || *s == '\f') { s++; (*strip)++; }
  return s;
}

static void report_syntax_error(VM *vm, SyntaxErr *err) {
  Buf b = {0};
  buf_printf(&b, "  File \"%s\", line %d\n", vm->filename, err->line);
  int strip;
  const char *src = source_line(vm, err->line, &strip);
  if (src) {
    size_t len = strlen(src);
    while (len && (src[len - 1] == ' ' || src[len - 1] == '\t')) len--;
    buf_puts(&b, "    ");
    buf_put(&b, src, (int64_t)len);
    buf_putc(&b, '\n');
    int col = err->col - 1 - strip;
    if (col < 0) col = 0;
    if (col > (int)len) col = (int)len;
    buf_puts(&b, "    ");
    for (int i = 0; i < col; i++) buf_putc(&b, ' ');
    buf_puts(&b, "^\n");
  }
  const char *type = err->indentation ? "IndentationError" : "SyntaxError";
  buf_printf(&b, "%s: %s\n", type, err->msg);
  if (b.p) emit(vm, b.p);
  free(b.p);
  vm->err_type = strdup(type);
  vm->err_msg = strdup(err->msg);
  vm->err_line = err->line;
}

/* CPython 3.11's "Did you mean" (Python/suggestions.c): Levenshtein distance where a case change
 * costs 1 and other edits 2, candidates within (len(a)+len(b)+3)*2/6, first best in order. */
#define MOVE_COST 2
static size_t lev(const char *a, size_t an, const char *b, size_t bn, size_t max_cost) {
  if (a == b) return 0;
  while (an && bn && a[0] == b[0]) { a++; an--; b++; bn--; }
  while (an && bn && a[an - 1] == b[bn - 1]) { an--; bn--; }
  if (an == 0 || bn == 0) return (an + bn) * MOVE_COST;
  if (an > 40 || bn > 40) return max_cost + 1;
  if (bn < an) { const char *t = a; a = b; b = t; size_t tn = an; an = bn; bn = tn; }
  if ((bn - an) * MOVE_COST > max_cost) return max_cost + 1;
  size_t buffer[40];
  size_t tmp = MOVE_COST;
  for (size_t i = 0; i < an; i++) { buffer[i] = tmp; tmp += MOVE_COST; }
  size_t result = 0;
  for (size_t bi = 0; bi < bn; bi++) {
    char code = b[bi];
    size_t distance = result = bi * MOVE_COST;
    size_t minimum = (size_t)-1;
    for (size_t i = 0; i < an; i++) {
      size_t sc = code == a[i] ? 0 : ((code >= 'A' && code <= 'Z' ? code + 32 : code) == (a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]) ? 1 : MOVE_COST);
      size_t substitute = distance + sc;
      distance = buffer[i];
      size_t insert_delete = (result < distance ? result : distance) + MOVE_COST;
      result = insert_delete < substitute ? insert_delete : substitute;
      buffer[i] = result;
      if (result < minimum) minimum = result;
    }
    if (minimum > max_cost) return max_cost + 1;
  }
  return result;
}

static const char *best_of(const char *wrong, const char **names, int n) {
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  size_t wn = strlen(wrong);
  for (int i = 0; i < n; i++) {
    if (strcmp(names[i], wrong) == 0) continue;
    size_t max_d = (wn + strlen(names[i]) + 3) * MOVE_COST / 6;
    if (best_d - 1 < max_d) max_d = best_d - 1;
    size_t d = lev(wrong, wn, names[i], strlen(names[i]), max_d);
    if (d > max_d) continue;
    if (!best || d < best_d) { best = names[i]; best_d = d; }
  }
  return best;
}

typedef struct Names { const char **v; int n, cap; } Names;
static void names_add(Names *ns, const char *s) {
  for (int i = 0; i < ns->n; i++) if (strcmp(ns->v[i], s) == 0) return;
  if (ns->n == ns->cap) {
    int nc = ns->cap ? ns->cap * 2 : 64;
    const char **nv = realloc(ns->v, sizeof(char *) * (size_t)nc);
    if (!nv) return;
    ns->v = nv;
    ns->cap = nc;
  }
  ns->v[ns->n++] = s;
}
static void names_from_dict(Names *ns, Dict *d) {
  int64_t pos = 0;
  Value k, v;
  while (d && dict_next(d, &pos, &k, &v)) if (k.tag == V_OBJ && k.u.o->kind == O_STR) names_add(ns, ((Str *)k.u.o)->s);
}
static int cmp_names(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static const char *suggestion(VM *vm, Inst *in, const char *msg) {
  char wrong[128];
  Names ns = {0};
  const char *best = NULL;
  if (class_is_sub(in->h.cls, vm->exc[EX_NameError]) && !class_is_sub(in->h.cls, vm->exc[EX_UnboundLocalError]) &&
      sscanf(msg, "name '%127[^']' is not defined", wrong) == 1) {
    if (vm->name_err_code) {
      for (int i = 0; i < vm->name_err_code->nslots; i++) names_add(&ns, vm->name_err_code->slotnames[i]->s);
      best = best_of(wrong, ns.v, ns.n);
      ns.n = 0;
    }
    if (!best) { names_from_dict(&ns, vm->main_globals); best = best_of(wrong, ns.v, ns.n); ns.n = 0; }
    if (!best) { names_from_dict(&ns, vm->builtins); best = best_of(wrong, ns.v, ns.n); }
  } else if (class_is_sub(in->h.cls, vm->exc[EX_AttributeError]) && vm->attr_err_obj.tag != V_NULL) {
    const char *q = strstr(msg, "has no attribute '");
    if (q && sscanf(q, "has no attribute '%127[^']'", wrong) == 1) {
      Value o = vm->attr_err_obj;
      Class *c = o.tag == V_OBJ && o.u.o->kind == O_CLASS ? (Class *)o.u.o : rt_type(vm, o);
      if (o.tag == V_OBJ && o.u.o->kind == O_MODULE) names_from_dict(&ns, ((Module *)o.u.o)->dict);
      if (o.tag == V_OBJ && o.u.o->kind == O_INST) names_from_dict(&ns, ((Inst *)o.u.o)->dict);
      for (Class *k = c; k; k = k->base) names_from_dict(&ns, k->dict);
      if (ns.n) qsort(ns.v, (size_t)ns.n, sizeof(char *), cmp_names);
      best = best_of(wrong, ns.v, ns.n);
    }
  }
  free(ns.v);
  return best;
}

static void format_exception_line(VM *vm, Value exc, Buf *b) {
  Class *c = exc.u.o->cls;
  if (strcmp(c->module, "builtins") == 0 || strcmp(c->module, "__main__") == 0) buf_puts(b, c->name->s);
  else buf_printf(b, "%s.%s", c->module, c->name->s);
  Str *m = rt_str(vm, exc);
  if (!m) { rt_clear_exc(vm); m = str_cstr(vm, "<exception str() failed>"); }
  if (m && m->len) {
    buf_puts(b, ": ");
    buf_put(b, m->s, m->len);
  }
  if (m) OBJ_DECREF(vm, m);
}

static void report_exception(VM *vm, Value exc) {
  Buf b = {0};
  buf_puts(&b, "Traceback (most recent call last):\n");
  for (int i = vm->ntb - 1; i >= 0; i--) {
    TbEntry *t = &vm->tb[i];
    buf_printf(&b, "  File \"%s\", line %d, in %s\n", vm->filename, t->line, t->fname);
    int strip;
    const char *src = source_line(vm, t->line, &strip);
    if (src && *src) {
      size_t len = strlen(src);
      while (len && (src[len - 1] == ' ' || src[len - 1] == '\t')) len--;
      buf_puts(&b, "    ");
      buf_put(&b, src, (int64_t)len);
      buf_putc(&b, '\n');
    }
  }
  Buf line = {0};
  format_exception_line(vm, exc, &line);
  /* suggestions */
  Inst *in = (Inst *)exc.u.o;
  if (in->args.tag == V_OBJ && ((Tuple *)in->args.u.o)->n == 1 && ((Tuple *)in->args.u.o)->v[0].tag == V_OBJ &&
      ((Tuple *)in->args.u.o)->v[0].u.o->kind == O_STR) {
    const char *best = suggestion(vm, in, ((Str *)((Tuple *)in->args.u.o)->v[0].u.o)->s);
    if (best) buf_printf(&line, ". Did you mean: '%s'?", best);
  }
  if (line.p) buf_put(&b, line.p, line.n);
  buf_putc(&b, '\n');
  if (b.p) emit(vm, b.p);
  free(b.p);
  vm->err_type = strdup(in->h.cls->name->s);
  Str *m = rt_str(vm, exc);
  if (!m) rt_clear_exc(vm);
  vm->err_msg = strdup(m ? m->s : "");
  if (m) OBJ_DECREF(vm, m);
  vm->err_line = vm->ntb > 0 ? vm->tb[0].line : 0;
  free(line.p);
}

typedef struct RunJob { VM *vm; Code *code; Value result; } RunJob;

static void *run_thread(void *arg) {
  RunJob *j = arg;
  j->result = eval_module(j->vm, j->code, j->vm->main_globals);
  return NULL;
}

int rn_run(rn_interp *in, const char *source, const char *filename) {
  VM *vm = &in->vm;
  clear_error(vm);
  vm->filename = filename ? filename : "<string>";
  split_lines(vm, source);
  atomic_store(&vm->interrupt, 0);
  SyntaxErr err;
  Code *code = parse_module(vm, source, &err);
  if (!code) {
    report_syntax_error(vm, &err);
    return 1;
  }
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  vm->deadline = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 + vm->timeout;
  vm->ntb = 0;
  RunJob job = {vm, code, VNONE};
  pthread_attr_t attr;
  pthread_t th;
  bool threaded = false;
  if (pthread_attr_init(&attr) == 0) {
    if (pthread_attr_setstacksize(&attr, (size_t)1 << 30) == 0 && pthread_create(&th, &attr, run_thread, &job) == 0) threaded = true;
    pthread_attr_destroy(&attr);
  }
  if (threaded) pthread_join(th, NULL);
  else run_thread(&job);
  vm->frame = NULL;
  vm->depth = 0;
  vm->sp = 0;
  if (!IS_ERR(job.result)) {
    v_decref(vm, job.result);
    return 0;
  }
  Value exc = vm->exc_value;
  vm->exc_value = VNULL;
  if (exc.tag != V_OBJ) return 1;
  int rc = 1;
  if (class_is_sub(exc.u.o->cls, vm->exc[EX_SystemExit])) {
    Tuple *a = (Tuple *)((Inst *)exc.u.o)->args.u.o;
    Value code_v = a && a->n ? a->v[0] : VNONE;
    if (code_v.tag == V_NONE) rc = 0;
    else if (code_v.tag == V_INT || code_v.tag == V_BOOL) rc = (int)(code_v.u.i & 0xff);
    else {
      Str *s = rt_str(vm, code_v);
      if (s) { emit(vm, s->s); emit(vm, "\n"); OBJ_DECREF(vm, s); }
      rc = 1;
    }
    vm->err_type = strdup("SystemExit");
    vm->err_msg = strdup("");
  } else {
    report_exception(vm, exc);
  }
  v_decref(vm, vm->attr_err_obj);
  vm->attr_err_obj = VNULL;
  vm->name_err_code = NULL;
  v_decref(vm, exc);
  vm->ntb = 0;
  return rc;
}
