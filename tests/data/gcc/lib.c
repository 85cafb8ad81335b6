/* Test data source for lib.gcda / lib.gcno (see README.md). */
int work(int n) {
  if (n % 3 == 0) return n * 2;
  return n + 1;
}

int unused(int n) { return n > 0 ? n : -n; }

int main(void) {
  long s = 0;
  for (int i = 0; i < 10; i++) s += work(i);
  return s == 0;
}
