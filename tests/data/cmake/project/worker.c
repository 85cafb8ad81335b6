#include <stdio.h>

int square(int x);
int run_in_thread(int value);

int main(void) {
  printf("%d\n", run_in_thread(square(3)));
  return 0;
}
