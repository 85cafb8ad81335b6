#include <stdio.h>
#include <stdlib.h>
static int sq(int x) { return x * x; }
int work(int n) { int s = 0; for (int i = 0; i < n; i++) { if (i % 3) s += sq(i); else s -= i; } return s; }
int unused_fn(int a) { return a > 3 ? a : -a; }
inline int inl(int a) { return a > 2 ? a * 2 : a; }
int main(int argc, char** argv) { int n = argc > 1 ? atoi(argv[1]) : 10; printf("%d %d\n", work(n), inl(n)); return 0; }
