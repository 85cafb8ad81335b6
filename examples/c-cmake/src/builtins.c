/* Values, runtime errors and the built-in functions scripts can call. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"

int runtime_error(const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fputs("runtime error: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return 0;
}

void print_value(Value v) {
  switch (v.t) {
  case T_NIL: fputs("nil", stdout); break;
  case T_INT: printf("%lld", (long long)v.u.i); break;
  case T_FLT: printf("%.10g", v.u.f); break;
  case T_STR: fputs(v.u.s, stdout); break;
  case T_ARR:
    putchar('[');
    for (int64_t i = 0; i < v.u.a->len; i++) {
      if (i) fputs(", ", stdout);
      print_value(v.u.a->items[i]);
    }
    putchar(']');
    break;
  }
}

/* array(n, fill = 0) */
static int bi_array(Value *args, int nargs, Value *out) {
  if (nargs < 1 || nargs > 2) return runtime_error("array() takes 1 or 2 arguments");
  if (args[0].t != T_INT || args[0].u.i < 0 || args[0].u.i > (1 << 28))
    return runtime_error("array() expects a size in [0, 2^28]");
  Array *a = malloc(sizeof *a);
  if (!a || !(a->items = malloc((size_t)args[0].u.i * sizeof(Value) + 1))) exit(3);
  a->len = args[0].u.i;
  Value fill = nargs > 1 ? args[1] : mk_int(0);
  for (int64_t i = 0; i < a->len; i++) a->items[i] = fill;
  out->t = T_ARR;
  out->u.a = a;
  return 1;
}

static int bi_len(Value *args, int nargs, Value *out) {
  (void)nargs;
  if (args[0].t != T_ARR) return runtime_error("len() expects an array");
  *out = mk_int(args[0].u.a->len);
  return 1;
}

static int bi_sqrt(Value *args, int nargs, Value *out) {
  (void)nargs;
  if (args[0].t != T_INT && args[0].t != T_FLT) return runtime_error("sqrt() expects a number");
  *out = mk_flt(sqrt(args[0].t == T_INT ? (double)args[0].u.i : args[0].u.f));
  return 1;
}

static const int64_t *script_args;
static int script_nargs;

void builtin_set_args(const int64_t *args, int nargs) {
  script_args = args;
  script_nargs = nargs;
}

/* arg(i, default): the i-th integer after the script name on the command line */
static int bi_arg(Value *args, int nargs, Value *out) {
  (void)nargs;
  if (args[0].t != T_INT) return runtime_error("arg() expects an index");
  *out = args[0].u.i >= 0 && args[0].u.i < script_nargs ? mk_int(script_args[args[0].u.i]) : args[1];
  return 1;
}

const Builtin builtins[] = {
  {"array", -1, bi_array}, {"len", 1, bi_len}, {"sqrt", 1, bi_sqrt},
  {"arg", 2, bi_arg},      {NULL, 0, NULL},
};

int builtin_lookup(const char *name) {
  for (int i = 0; builtins[i].name; i++)
    if (strcmp(builtins[i].name, name) == 0) return i;
  return -1;
}
