/* calc: run a calc script.
 *   calc SCRIPT [INT...]     read the script from a file
 *   calc - [INT...]          read the script from stdin
 * The integers are available to the script through arg(i, default). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"

static char *read_all(FILE *f) {
  size_t len = 0, cap = 1 << 14, n;
  char *buf = malloc(cap);
  while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0)
    if ((len += n) + 1 == cap) buf = realloc(buf, cap *= 2);
  if (buf) buf[len] = 0;
  return buf;
}

int main(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
    printf("usage: %s SCRIPT|- [INT...]\n", argv[0]);  /* asked for: not an error */
    return 0;
  }
  if (argc < 2) {
    fprintf(stderr, "usage: %s SCRIPT|- [INT...]\n", argv[0]);
    return 2;
  }
  FILE *f = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  char *src = read_all(f);
  if (f != stdin) fclose(f);
  if (!src) {
    fputs("out of memory\n", stderr);
    return 3;
  }

  int nargs = argc - 2;
  int64_t *args = calloc((size_t)nargs + 1, sizeof *args);
  for (int i = 0; i < nargs; i++) {
    char *end;
    args[i] = strtoll(argv[i + 2], &end, 10);
    if (*end) {
      fprintf(stderr, "argument '%s' is not an integer\n", argv[i + 2]);
      return 2;
    }
  }
  builtin_set_args(args, nargs);

  Program prog = {0};
  char err[256];
  if (!compile(src, &prog, err, sizeof err)) {
    fprintf(stderr, "%s: %s\n", argv[1], err);
    return 1;
  }
  int ok = run(&prog);
  fflush(stdout);
  program_free(&prog);
  free(args);
  free(src);
  return ok ? 0 : 1;
}
