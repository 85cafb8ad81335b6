#include "orchestrator/report/bencher.h"

#include <algorithm>
#include <cmath>

namespace pgo {
namespace {

using nlohmann::json;

// A BMF metric; null when `value` is not finite. Bounds are kept only when both are finite.
json metric(double value, double lower, double upper) {
  if (!std::isfinite(value)) return nullptr;
  json m = {{"value", value}};
  if (std::isfinite(lower) && std::isfinite(upper)) {
    m["lower_value"] = std::min(lower, value);
    m["upper_value"] = std::max(upper, value);
  }
  return m;
}

}  // namespace

nlohmann::json bencher_metric_format(const Report& report) {
  json out = json::object();
  for (const auto& w : report.results) {
    const bench::BenchResult& r = w.bench;
    if (r.failed) continue;
    const std::string key = w.toolchain + "/" + w.target + "/" + w.workload;
    json measures = out.contains(key) ? out[key] : json::object();  // --metric both: one entry, both measures
    if (w.is_instructions()) {
      // Bencher's built-in "instructions" measure; the speedup gets its own measure name.
      const bench::InstructionStats& c = w.optimized_counts;
      json count = metric(c.median, c.min, c.max);
      if (!count.is_null() && !c.counts.empty()) measures["instructions"] = std::move(count);
      json speedup = metric(r.speedup, r.ci_lo, r.ci_hi);
      if (!speedup.is_null()) measures["speedup-instructions"] = std::move(speedup);
      if (!measures.empty()) out[key] = std::move(measures);
      continue;
    }
    if (r.optimized.runs > 0 && !w.figure) {  // a figure is no latency; its speedup still is one
      const double ns = r.optimized.median_s * 1e9, mad_ns = r.optimized.mad_s * 1e9;
      json latency = metric(ns, std::max(0.0, ns - mad_ns), ns + mad_ns);
      if (!latency.is_null()) measures["latency"] = std::move(latency);
    }
    json speedup = metric(r.speedup, r.ci_lo, r.ci_hi);
    if (!speedup.is_null()) measures["speedup"] = std::move(speedup);
    if (!measures.empty()) out[key] = std::move(measures);
  }
  std::vector<std::string> seen;
  for (const auto& w : report.results) {
    if (std::find(seen.begin(), seen.end(), w.toolchain) != seen.end()) continue;
    seen.push_back(w.toolchain);
    for (const auto& m : report.metrics(w.toolchain)) {
      const double g = report.geomean_speedup(w.toolchain, m);
      if (g > 0 && std::isfinite(g))
        out[w.toolchain + "/geomean"][m == "instructions" ? "speedup-instructions" : "speedup"] = {{"value", g}};
    }
  }
  return out;
}

std::string bencher_json(const Report& report) {
  return bencher_metric_format(report).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace pgo
