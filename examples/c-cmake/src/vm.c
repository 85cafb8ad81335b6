/* The bytecode interpreter: a value stack, call frames and switch dispatch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"

#define STACK_SLOTS (1 << 16)
#define MAX_FRAMES 10000

typedef struct {
  const int32_t *ret;
  Value *base;
} Frame;

static const char *const op_names[] = {"+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!="};

static const char *type_name(Type t) {
  static const char *const names[] = {"nil", "int", "float", "string", "array"};
  return names[t];
}

static int type_error(int op, Value a, Value b) {
  return runtime_error("cannot apply '%s' to %s and %s", op_names[op - OP_ADD], type_name(a.t),
                       type_name(b.t));
}

static int is_number(Value v) { return v.t == T_INT || v.t == T_FLT; }

static double as_float(Value v) { return v.t == T_INT ? (double)v.u.i : v.u.f; }

static int truthy(Value v) {
  return v.t == T_INT ? v.u.i != 0 : v.t == T_FLT ? v.u.f != 0.0 : v.t != T_NIL;
}

/* Arithmetic on two values; integers wrap around, division by zero is an error. */
static int arith(int op, Value a, Value b, Value *out) {
  if (a.t == T_INT && b.t == T_INT) {
    uint64_t x = (uint64_t)a.u.i, y = (uint64_t)b.u.i;
    switch (op) {
    case OP_ADD: *out = mk_int((int64_t)(x + y)); return 1;
    case OP_SUB: *out = mk_int((int64_t)(x - y)); return 1;
    case OP_MUL: *out = mk_int((int64_t)(x * y)); return 1;
    case OP_DIV:
    case OP_MOD:
      if (b.u.i == 0) return runtime_error("division by zero");
      if (b.u.i == -1) { *out = mk_int(op == OP_DIV ? (int64_t)(0 - x) : 0); return 1; }
      *out = mk_int(op == OP_DIV ? a.u.i / b.u.i : a.u.i % b.u.i);
      return 1;
    }
  }
  if (is_number(a) && is_number(b)) {
    double x = as_float(a), y = as_float(b);
    switch (op) {
    case OP_ADD: *out = mk_flt(x + y); return 1;
    case OP_SUB: *out = mk_flt(x - y); return 1;
    case OP_MUL: *out = mk_flt(x * y); return 1;
    case OP_DIV: *out = mk_flt(x / y); return 1;
    case OP_MOD: *out = mk_flt(fmod(x, y)); return 1;
    }
  }
  return type_error(op, a, b);
}

static int values_equal(Value a, Value b) {
  if (a.t == T_INT && b.t == T_INT) return a.u.i == b.u.i;
  if (is_number(a) && is_number(b)) return as_float(a) == as_float(b);
  if (a.t != b.t) return 0;
  return a.t == T_NIL || (a.t == T_STR ? strcmp(a.u.s, b.u.s) == 0 : a.u.a == b.u.a);
}

/* Comparison operators; ordering is defined on numbers only. */
static int compare(int op, Value a, Value b, Value *out) {
  int r;
  if (op == OP_EQ || op == OP_NE) {
    r = values_equal(a, b) == (op == OP_EQ);
  } else {
    int sign;
    if (a.t == T_INT && b.t == T_INT) {
      sign = (a.u.i > b.u.i) - (a.u.i < b.u.i);
    } else if (is_number(a) && is_number(b)) {
      double x = as_float(a), y = as_float(b);
      if (x != x || y != y) { *out = mk_int(0); return 1; } /* NaN: unordered */
      sign = (x > y) - (x < y);
    } else {
      return type_error(op, a, b);
    }
    switch (op) {
    case OP_LT: r = sign < 0; break;
    case OP_LE: r = sign <= 0; break;
    case OP_GT: r = sign > 0; break;
    default: r = sign >= 0; break;
    }
  }
  *out = mk_int(r);
  return 1;
}

static int index_check(Value arr, Value idx) {
  if (arr.t != T_ARR) return runtime_error("cannot index a %s", type_name(arr.t));
  if (idx.t != T_INT) return runtime_error("array index must be an int, not %s", type_name(idx.t));
  if (idx.u.i < 0 || idx.u.i >= arr.u.a->len)
    return runtime_error("index %lld out of range [0, %lld)", (long long)idx.u.i,
                         (long long)arr.u.a->len);
  return 1;
}

int run(const Program *prog) {
  Value *stack = calloc(STACK_SLOTS, sizeof(Value));
  Value *globals = calloc((size_t)prog->nglobals + 1, sizeof(Value));
  Frame *frames = malloc(MAX_FRAMES * sizeof(Frame));
  if (!stack || !globals || !frames) return runtime_error("out of memory");
  const int32_t *code = prog->code, *ip = code;
  const Value *consts = prog->consts;
  Value *sp = stack, *base = stack;
  Frame *fp = frames;
  int ok = 1;

  for (;;) {
    int op = *ip++;
    switch (op) {
    case OP_CONST: *sp++ = consts[*ip++]; break;
    case OP_NIL: (sp++)->t = T_NIL; break;
    case OP_POP: sp--; break;
    case OP_GETL: *sp++ = base[*ip++]; break;
    case OP_SETL: base[*ip++] = *--sp; break;
    case OP_GETG: *sp++ = globals[*ip++]; break;
    case OP_SETG: globals[*ip++] = *--sp; break;
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
      sp--;
      if (!arith(op, sp[-1], sp[0], &sp[-1])) goto fail;
      break;
    case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ: case OP_NE:
      sp--;
      if (!compare(op, sp[-1], sp[0], &sp[-1])) goto fail;
      break;
    case OP_NEG:
      if (sp[-1].t == T_INT) sp[-1].u.i = (int64_t)(0 - (uint64_t)sp[-1].u.i);
      else if (sp[-1].t == T_FLT) sp[-1].u.f = -sp[-1].u.f;
      else { runtime_error("cannot negate a %s", type_name(sp[-1].t)); goto fail; }
      break;
    case OP_NOT: sp[-1] = mk_int(!truthy(sp[-1])); break;
    case OP_JMP: ip = code + *ip; break;
    case OP_JZ:
      sp--;
      if (truthy(*sp)) ip++;
      else ip = code + *ip;
      break;
    case OP_JZ_KEEP: /* a && b */
      if (truthy(sp[-1])) { sp--; ip++; }
      else ip = code + *ip;
      break;
    case OP_JNZ_KEEP: /* a || b */
      if (!truthy(sp[-1])) { sp--; ip++; }
      else ip = code + *ip;
      break;
    case OP_CALL: {
      const Function *f = &prog->funcs[ip[0]];
      int nargs = ip[1];
      if (nargs != f->nparams) {
        runtime_error("%s() takes %d arguments, got %d", f->name, f->nparams, nargs);
        goto fail;
      }
      if (fp == frames + MAX_FRAMES || sp + f->nlocals + 64 > stack + STACK_SLOTS) {
        runtime_error("stack overflow in %s()", f->name);
        goto fail;
      }
      fp->ret = ip + 2;
      fp->base = base;
      fp++;
      base = sp - nargs;
      for (int i = nargs; i < f->nlocals; i++) (sp++)->t = T_NIL;
      ip = code + f->entry;
      break;
    }
    case OP_RET: {
      Value result = sp[-1];
      sp = base;
      *sp++ = result;
      fp--;
      base = fp->base;
      ip = fp->ret;
      break;
    }
    case OP_BUILTIN: {
      const Builtin *b = &builtins[ip[0]];
      int nargs = ip[1];
      ip += 2;
      sp -= nargs;
      if (!b->fn(sp, nargs, sp)) goto fail;
      sp++;
      break;
    }
    case OP_INDEX:
      sp--;
      if (!index_check(sp[-1], sp[0])) goto fail;
      sp[-1] = sp[-1].u.a->items[sp[0].u.i];
      break;
    case OP_SETINDEX:
      sp -= 3;
      if (!index_check(sp[0], sp[1])) goto fail;
      sp[0].u.a->items[sp[1].u.i] = sp[2];
      break;
    case OP_PRINT: {
      int n = *ip++;
      sp -= n;
      for (int i = 0; i < n; i++) {
        if (i) putchar(' ');
        print_value(sp[i]);
      }
      putchar('\n');
      break;
    }
    case OP_HALT: goto done;
    default: runtime_error("bad opcode %d", op); goto fail;
    }
  }
fail:
  ok = 0;
done:
  free(stack);
  free(globals);
  free(frames);
  return ok;
}
