/* calc: a tiny dynamically typed scripting language.
 * Source text -> bytecode (compiler.c) -> stack VM (vm.c). */
#ifndef CALC_H
#define CALC_H

#include <stddef.h>
#include <stdint.h>

typedef enum { T_NIL, T_INT, T_FLT, T_STR, T_ARR } Type;

typedef struct Array Array;
typedef struct {
  Type t;
  union { int64_t i; double f; const char *s; Array *a; } u;
} Value;
struct Array { int64_t len; Value *items; };

enum Opcode {
  OP_CONST, OP_NIL, OP_POP, OP_GETL, OP_SETL, OP_GETG, OP_SETG,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
  OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
  OP_NEG, OP_NOT, OP_JMP, OP_JZ, OP_JZ_KEEP, OP_JNZ_KEEP,
  OP_CALL, OP_BUILTIN, OP_RET, OP_INDEX, OP_SETINDEX, OP_PRINT, OP_HALT
};

#define NAME_MAX_LEN 32

typedef struct {
  char name[NAME_MAX_LEN];
  int entry;    /* code offset of the first instruction */
  int nparams;
  int nlocals;  /* parameters included */
  int defined;
} Function;

typedef struct {
  int32_t *code;
  int ncode, capcode;
  Value *consts;
  int nconsts, capconsts;
  Function *funcs;
  int nfuncs, capfuncs;
  char (*globals)[NAME_MAX_LEN];
  int nglobals, capglobals;
} Program;

static inline Value mk_int(int64_t i) {
  Value v = {.t = T_INT, .u.i = i};
  return v;
}

static inline Value mk_flt(double f) {
  Value v = {.t = T_FLT, .u.f = f};
  return v;
}

/* compiler.c */
int compile(const char *src, Program *prog, char *err, size_t errlen);
void program_free(Program *prog);

/* builtins.c */
typedef int (*BuiltinFn)(Value *args, int nargs, Value *out);
typedef struct {
  const char *name;
  int arity; /* -1: variadic */
  BuiltinFn fn;
} Builtin;
extern const Builtin builtins[];
int builtin_lookup(const char *name);
void builtin_set_args(const int64_t *args, int nargs);
int runtime_error(const char *fmt, ...);
void print_value(Value v);

/* vm.c */
int run(const Program *prog);

#endif
