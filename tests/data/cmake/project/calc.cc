#include <iostream>

extern "C" int square(int x);

int main() {
  std::cout << square(7) << '\n';
  return 0;
}
