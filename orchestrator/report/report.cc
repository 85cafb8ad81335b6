#include "orchestrator/report/report.h"

#include <cmath>
#include <ctime>

namespace pgo {

double Report::geomean_speedup(const std::string& toolchain) const {
  double log_sum = 0, weight_sum = 0;
  for (const auto& r : results) {
    if (r.toolchain != toolchain || !(r.bench.speedup > 0)) continue;
    log_sum += r.weight * std::log(r.bench.speedup);
    weight_sum += r.weight;
  }
  return weight_sum > 0 ? std::exp(log_sum / weight_sum) : 0;
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
