/* Lexer and single-pass compiler: source text straight to bytecode. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"

enum {
  TK_EOF = 256, TK_INT, TK_FLT, TK_STR, TK_IDENT,
  TK_VAR, TK_FUNC, TK_IF, TK_ELSE, TK_WHILE, TK_RETURN, TK_PRINT,
  TK_LE, TK_GE, TK_EQ, TK_NE, TK_AND, TK_OR
};

typedef struct {
  const char *p, *start; /* scan position; start of the current token */
  int line, tok, len;    /* tok: a character, or one of the TK_ values */
  int64_t ival;
  double fval;
} Lexer;

typedef struct {
  Lexer lx;
  Program *prog;
  Function *fn; /* function being compiled, NULL at top level */
  char locals[256][NAME_MAX_LEN];
  int nlocals, last_load; /* last_load: code offset of the latest GETL/GETG/INDEX */
  char *err;
  size_t errlen;
  jmp_buf fail;
} Compiler;

static void error(Compiler *c, const char *fmt, ...) {
  va_list ap;
  int n = snprintf(c->err, c->errlen, "line %d: ", c->lx.line);
  va_start(ap, fmt);
  vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
  va_end(ap);
  longjmp(c->fail, 1);
}

static const struct { const char *word; int tok; } keywords[] = {
  {"var", TK_VAR}, {"func", TK_FUNC}, {"if", TK_IF}, {"else", TK_ELSE},
  {"while", TK_WHILE}, {"return", TK_RETURN}, {"print", TK_PRINT},
};

static void next(Compiler *c) {
  Lexer *lx = &c->lx;
  for (;;) {
    while (isspace((unsigned char)*lx->p)) {
      if (*lx->p == '\n') lx->line++;
      lx->p++;
    }
    if (lx->p[0] == '/' && lx->p[1] == '/') {
      while (*lx->p && *lx->p != '\n') lx->p++;
      continue;
    }
    break;
  }
  lx->start = lx->p;
  char ch = *lx->p;
  if (ch == 0) { lx->tok = TK_EOF; return; }
  if (isdigit((unsigned char)ch)) {
    char *end;
    lx->ival = strtoll(lx->p, &end, 10);
    lx->tok = TK_INT;
    if (*end == '.' || *end == 'e' || *end == 'E') {
      lx->fval = strtod(lx->p, &end);
      lx->tok = TK_FLT;
    }
    lx->p = end;
    return;
  }
  if (isalpha((unsigned char)ch) || ch == '_') {
    while (isalnum((unsigned char)*lx->p) || *lx->p == '_') lx->p++;
    lx->len = (int)(lx->p - lx->start);
    if (lx->len >= NAME_MAX_LEN) error(c, "identifier too long");
    lx->tok = TK_IDENT;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
      if ((int)strlen(keywords[i].word) == lx->len &&
          memcmp(keywords[i].word, lx->start, (size_t)lx->len) == 0)
        lx->tok = keywords[i].tok;
    return;
  }
  if (ch == '"') {
    lx->p++;
    while (*lx->p && *lx->p != '"' && *lx->p != '\n') lx->p++;
    if (*lx->p != '"') error(c, "unterminated string");
    lx->start++;
    lx->len = (int)(lx->p - lx->start);
    lx->p++;
    lx->tok = TK_STR;
    return;
  }
  static const struct { char a, b; int tok; } two[] = {
    {'<', '=', TK_LE}, {'>', '=', TK_GE}, {'=', '=', TK_EQ},
    {'!', '=', TK_NE}, {'&', '&', TK_AND}, {'|', '|', TK_OR},
  };
  for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
    if (lx->p[0] == two[i].a && lx->p[1] == two[i].b) {
      lx->p += 2;
      lx->tok = two[i].tok;
      return;
    }
  if (!strchr("+-*/%<>=!(){}[],;", ch)) error(c, "unexpected character '%c'", ch);
  lx->p++;
  lx->tok = ch;
}

static void expect(Compiler *c, char tok) {
  if (c->lx.tok != tok) error(c, "expected '%c'", tok);
  next(c);
}

static int accept(Compiler *c, int tok) {
  if (c->lx.tok != tok) return 0;
  next(c);
  return 1;
}

static void ident(Compiler *c, char out[NAME_MAX_LEN]) {
  if (c->lx.tok != TK_IDENT) error(c, "expected a name");
  memcpy(out, c->lx.start, (size_t)c->lx.len);
  out[c->lx.len] = 0;
  next(c);
}

/* ---- code emission ---- */

static void *grow(void *arr, int n, int *cap, size_t size) {
  if (n < *cap) return arr;
  *cap = *cap ? *cap * 2 : 64;
  if (!(arr = realloc(arr, (size_t)*cap * size))) exit(3);
  return arr;
}
#define GROW(arr, n, cap) ((arr) = grow((arr), (n), &(cap), sizeof *(arr)))

static int emit(Compiler *c, int32_t word) {
  Program *p = c->prog;
  GROW(p->code, p->ncode, p->capcode);
  p->code[p->ncode] = word;
  return p->ncode++;
}

static int emit2(Compiler *c, int op, int32_t arg) { emit(c, op); return emit(c, arg); }

static int add_const(Compiler *c, Value v) {
  Program *p = c->prog;
  GROW(p->consts, p->nconsts, p->capconsts);
  p->consts[p->nconsts] = v;
  return p->nconsts++;
}

static int find(char (*names)[NAME_MAX_LEN], int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0) return i;
  return -1;
}
#define find_local(c, name) find((c)->locals, (c)->nlocals, (name))
#define find_global(c, name) find((c)->prog->globals, (c)->prog->nglobals, (name))

static int declare(Compiler *c, const char *name) {
  Program *p = c->prog;
  if (c->fn) {
    if (find_local(c, name) >= 0) error(c, "'%s' declared twice", name);
    if (c->nlocals == 256) error(c, "too many locals");
    strcpy(c->locals[c->nlocals], name);
    return c->nlocals++;
  }
  int g = find_global(c, name);
  if (g >= 0) return g;
  GROW(p->globals, p->nglobals, p->capglobals);
  strcpy(p->globals[p->nglobals], name);
  return p->nglobals++;
}

static int function_index(Compiler *c, const char *name) {
  Program *p = c->prog;
  for (int i = 0; i < p->nfuncs; i++)
    if (strcmp(p->funcs[i].name, name) == 0) return i;
  GROW(p->funcs, p->nfuncs, p->capfuncs);
  Function *f = &p->funcs[p->nfuncs];
  memset(f, 0, sizeof *f);
  strcpy(f->name, name);
  f->nparams = -1;
  return p->nfuncs++;
}

/* ---- expressions (precedence climbing) ---- */

static void expr(Compiler *c);

static int expr_list(Compiler *c) { /* a, b, ...: returns the count */
  int n = 0;
  do {
    expr(c);
    n++;
  } while (accept(c, ','));
  return n;
}

static int call_args(Compiler *c) {
  expect(c, '(');
  int n = c->lx.tok == ')' ? 0 : expr_list(c);
  expect(c, ')');
  return n;
}

static void primary(Compiler *c) {
  Lexer *lx = &c->lx;
  switch (lx->tok) {
  case TK_INT: emit2(c, OP_CONST, add_const(c, mk_int(lx->ival))); next(c); break;
  case TK_FLT: emit2(c, OP_CONST, add_const(c, mk_flt(lx->fval))); next(c); break;
  case TK_STR: {
    char *str = calloc(1, (size_t)lx->len + 1);
    Value v = {.t = T_STR, .u.s = str ? memcpy(str, lx->start, (size_t)lx->len) : ""};
    emit2(c, OP_CONST, add_const(c, v));
    next(c);
    break;
  }
  case '(': next(c); expr(c); expect(c, ')'); break;
  case TK_IDENT: {
    char name[NAME_MAX_LEN];
    ident(c, name);
    if (lx->tok == '(') {
      int b = builtin_lookup(name);
      int f = b >= 0 ? b : function_index(c, name), n = call_args(c);
      if (b >= 0 && builtins[b].arity >= 0 && builtins[b].arity != n)
        error(c, "%s() takes %d arguments", name, builtins[b].arity);
      emit2(c, b >= 0 ? OP_BUILTIN : OP_CALL, f);
      emit(c, n);
      break;
    }
    int slot = c->fn ? find_local(c, name) : -1;
    c->last_load = c->prog->ncode;
    if (slot >= 0) { emit2(c, OP_GETL, slot); break; }
    slot = find_global(c, name);
    if (slot < 0) error(c, "undefined variable '%s'", name);
    emit2(c, OP_GETG, slot);
    break;
  }
  default: error(c, "expected an expression");
  }
  while (accept(c, '[')) {
    expr(c);
    expect(c, ']');
    c->last_load = emit(c, OP_INDEX);
  }
}

static void unary(Compiler *c) {
  int tok = c->lx.tok;
  if (tok == '-' || tok == '!') {
    next(c);
    unary(c);
    emit(c, tok == '-' ? OP_NEG : OP_NOT);
    return;
  }
  primary(c);
}

static const struct { int tok, op, prec; } binops[] = {
  {'*', OP_MUL, 5},   {'/', OP_DIV, 5},   {'%', OP_MOD, 5},   {'+', OP_ADD, 4},
  {'-', OP_SUB, 4},   {'<', OP_LT, 3},    {'>', OP_GT, 3},    {TK_LE, OP_LE, 3},
  {TK_GE, OP_GE, 3},  {TK_EQ, OP_EQ, 2},  {TK_NE, OP_NE, 2},  {TK_AND, OP_JZ_KEEP, 1},
  {TK_OR, OP_JNZ_KEEP, 0},
};

static int binop_prec(int tok, int *op) {
  for (size_t i = 0; i < sizeof binops / sizeof binops[0]; i++)
    if (binops[i].tok == tok) return *op = binops[i].op, binops[i].prec;
  return -1;
}

static void binary(Compiler *c, int min_prec) {
  unary(c);
  for (;;) {
    int op = 0, prec = binop_prec(c->lx.tok, &op);
    if (prec < min_prec) return;
    next(c);
    if (op == OP_JZ_KEEP || op == OP_JNZ_KEEP) {
      /* short circuit: leaves the deciding operand on the stack */
      int patch = emit2(c, op, 0);
      binary(c, prec + 1);
      c->prog->code[patch] = c->prog->ncode;
    } else {
      binary(c, prec + 1);
      emit(c, op);
    }
  }
}

static void expr(Compiler *c) { binary(c, 0); }

/* ---- statements ---- */

static void statement(Compiler *c);

static void block(Compiler *c) {
  expect(c, '{');
  while (c->lx.tok != '}' && c->lx.tok != TK_EOF) statement(c);
  expect(c, '}');
}

static void assign_or_expr(Compiler *c) {
  Program *p = c->prog;
  c->last_load = -1;
  expr(c);
  if (!accept(c, '=')) {
    emit(c, OP_POP);
    return;
  }
  /* turn the load that ended the expression into a store */
  int last = c->last_load;
  if (last >= 0 && last == p->ncode - 1 && p->code[last] == OP_INDEX) {
    p->ncode--;
    expr(c);
    emit(c, OP_SETINDEX);
  } else if (last >= 0 && last == p->ncode - 2 &&
             (p->code[last] == OP_GETL || p->code[last] == OP_GETG)) {
    int op = p->code[last] == OP_GETL ? OP_SETL : OP_SETG, slot = p->code[last + 1];
    p->ncode -= 2;
    expr(c);
    emit2(c, op, slot);
  } else {
    error(c, "cannot assign to this expression");
  }
}

static int condition(Compiler *c) { /* ( expr ) and a jump if false; returns the patch slot */
  expect(c, '(');
  expr(c);
  expect(c, ')');
  return emit2(c, OP_JZ, 0);
}

static void if_statement(Compiler *c) {
  Program *p = c->prog;
  int jz = condition(c);
  statement(c);
  if (accept(c, TK_ELSE)) {
    int jmp = emit2(c, OP_JMP, 0);
    p->code[jz] = p->ncode;
    statement(c);
    p->code[jmp] = p->ncode;
  } else {
    p->code[jz] = p->ncode;
  }
}

static void function_decl(Compiler *c) {
  Program *p = c->prog;
  char name[NAME_MAX_LEN];
  if (c->fn) error(c, "nested functions are not supported");
  ident(c, name);
  int fi = function_index(c, name);
  if (p->funcs[fi].defined) error(c, "function '%s' defined twice", name);
  int skip = emit2(c, OP_JMP, 0);
  c->fn = &p->funcs[fi];
  c->nlocals = 0;
  expect(c, '(');
  while (c->lx.tok == TK_IDENT) {
    char param[NAME_MAX_LEN];
    ident(c, param);
    declare(c, param);
    if (!accept(c, ',')) break;
  }
  expect(c, ')');
  int nparams = c->nlocals, entry = p->ncode;
  block(c);
  emit(c, OP_NIL);
  emit(c, OP_RET);
  Function *f = &p->funcs[fi]; /* funcs may have moved */
  f->entry = entry;
  f->nparams = nparams;
  f->nlocals = c->nlocals;
  f->defined = 1;
  p->code[skip] = p->ncode;
  c->fn = NULL;
}

static void statement(Compiler *c) {
  Program *p = c->prog;
  switch (c->lx.tok) {
  case TK_VAR: {
    char name[NAME_MAX_LEN];
    next(c);
    ident(c, name);
    if (accept(c, '=')) expr(c); else emit(c, OP_NIL);
    int slot = declare(c, name);
    emit2(c, c->fn ? OP_SETL : OP_SETG, slot);
    expect(c, ';');
    break;
  }
  case TK_FUNC: next(c); function_decl(c); break;
  case TK_IF: next(c); if_statement(c); break;
  case TK_WHILE: {
    next(c);
    int top = p->ncode, jz = condition(c);
    statement(c);
    emit2(c, OP_JMP, top);
    p->code[jz] = p->ncode;
    break;
  }
  case TK_RETURN:
    if (!c->fn) error(c, "return outside a function");
    next(c);
    if (c->lx.tok == ';') emit(c, OP_NIL); else expr(c);
    emit(c, OP_RET);
    expect(c, ';');
    break;
  case TK_PRINT:
    next(c);
    emit2(c, OP_PRINT, expr_list(c));
    expect(c, ';');
    break;
  case '{': block(c); break;
  default:
    assign_or_expr(c);
    expect(c, ';');
  }
}

int compile(const char *src, Program *prog, char *err, size_t errlen) {
  Compiler *c = calloc(1, sizeof *c);
  if (!c) return 0;
  c->lx.p = src;
  c->lx.line = 1;
  c->prog = prog;
  c->err = err;
  c->errlen = errlen;
  volatile int ok = 0;
  if (setjmp(c->fail) == 0) {
    next(c);
    while (c->lx.tok != TK_EOF) statement(c);
    emit(c, OP_HALT);
    ok = 1;
    for (int i = 0; i < prog->nfuncs; i++)
      if (!prog->funcs[i].defined) {
        snprintf(err, errlen, "function '%s' is never defined", prog->funcs[i].name);
        ok = 0;
      }
  }
  free(c);
  return ok;
}

void program_free(Program *prog) {
  free(prog->code);
  free(prog->consts);
  free(prog->funcs);
  free(prog->globals);
  memset(prog, 0, sizeof *prog);
}
