#include "orchestrator/report/report.h"

#include <ctime>

namespace pgo {

double Report::geomean_speedup(const std::string& toolchain) const {
  std::vector<double> speedups, weights;
  for (const auto& r : results) {
    if (r.toolchain != toolchain || r.bench.failed || !(r.bench.speedup > 0)) continue;
    speedups.push_back(r.bench.speedup);
    weights.push_back(r.weight);
  }
  return speedups.empty() ? 0 : bench::weighted_geometric_mean(speedups, weights);
}

bool Report::all_outputs_match() const {
  for (const auto& r : results)
    if (!r.bench.outputs_match) return false;
  return true;
}

std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace pgo
