#include "orchestrator/report/report.h"

#include <algorithm>
#include <ctime>

namespace pgo {

std::vector<std::string> Report::toolchain_names() const {
  std::vector<std::string> names;
  for (const auto& t : toolchains) names.push_back(t.name);
  for (const auto& r : results)
    if (std::find(names.begin(), names.end(), r.toolchain) == names.end()) names.push_back(r.toolchain);
  return names;
}

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
