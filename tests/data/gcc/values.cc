// Test data source for values.gcda (see README.md): value profiles and all-zero records.
#include <cstdlib>
struct B { virtual int f(int x) = 0; virtual ~B() {} };
struct C1 : B { int f(int x) override { return x + 1; } };
struct C2 : B { int f(int x) override { return x * 2; } };
int never(int x) { if (x) return 1; return 2; }
int divi(int a, int b) { return a / b; }
int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 20;
  B* b = n > 5 ? static_cast<B*>(new C1) : static_cast<B*>(new C2);
  long s = 0;
  for (int i = 0; i < n; i++) s += b->f(i) + divi(i + 100, (i % 7) + 1);
  if (n < 0) s += never(n);
  delete b;
  return s == 0;
}
