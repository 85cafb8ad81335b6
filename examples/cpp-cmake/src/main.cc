// orderbook: a deterministic limit-order-book market simulation.
//   orderbook [--scenario quotes|balanced|volatile] [--ticks N] [--seed S]
// Prints the trade tape summary, the final book and a checksum of every fill.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "market.h"

namespace {

bool populate(Exchange& ex, const std::string& scenario) {
  if (scenario == "quotes") {
    // What most exchange traffic looks like: market makers replacing their quotes nearly
    // every tick, many orders and cancels for each trade.
    for (int i = 0; i < 8; i++) ex.add(make_market_maker(1 + i % 4, 5 + i, 100, 0.9));
    for (int i = 0; i < 3; i++) ex.add(make_noise_trader(0.3, 6, 8));
    ex.add(make_mean_reverter(20, 0, 5));
  } else if (scenario == "balanced") {  // makers, noise traders and a few speculators
    for (int i = 0; i < 3; i++) ex.add(make_market_maker(3 + i, 20, 400, 0.3));
    for (int i = 0; i < 8; i++) ex.add(make_noise_trader(0.6, 12, 15));
    for (int i = 0; i < 2; i++) ex.add(make_momentum_trader(2 + i, 5 + i, 3, 10, 300));
    for (int i = 0; i < 2; i++) ex.add(make_mean_reverter(50, 4, 10));
  } else if (scenario == "volatile") {  // thin liquidity, many trend followers
    ex.add(make_market_maker(8, 10, 200, 0.2));
    for (int i = 0; i < 4; i++) ex.add(make_noise_trader(0.8, 40, 30));
    for (int i = 0; i < 6; i++) ex.add(make_momentum_trader(1 + i % 3, 4 + i % 3, 2, 15, 500));
  } else {
    return false;
  }
  return true;
}

int usage(const char* argv0) {
  std::cerr << "usage: " << argv0 << " [--scenario quotes|balanced|volatile] [--ticks N] [--seed S]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string scenario = "quotes";
  long ticks = 100000;
  unsigned long long seed = 1;
  for (int i = 1; i < argc; i++) {
    const char* arg = argv[i];
    if (i + 1 >= argc) return usage(argv[0]);
    char* end = nullptr;
    if (std::strcmp(arg, "--scenario") == 0) {
      scenario = argv[++i];
    } else if (std::strcmp(arg, "--ticks") == 0) {
      ticks = std::strtol(argv[++i], &end, 10);
      if (*end || ticks <= 0 || ticks > 1000000000) return usage(argv[0]);
    } else if (std::strcmp(arg, "--seed") == 0) {
      seed = std::strtoull(argv[++i], &end, 10);
      if (*end) return usage(argv[0]);
    } else {
      return usage(argv[0]);
    }
  }

  Exchange ex(10000);
  if (!populate(ex, scenario)) {
    std::cerr << "unknown scenario '" << scenario << "'\n";
    return 2;
  }
  Rng rng(seed);
  ex.run(static_cast<int>(ticks), rng);
  std::cout << "scenario " << scenario << " ticks " << ticks << " seed " << seed << "\n";
  ex.report(std::cout);
  return 0;
}
