#include "orchestrator/report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "support/strings.h"

namespace pgo {

std::vector<std::string> Report::toolchain_names() const {
  std::vector<std::string> names;
  for (const auto& t : toolchains) names.push_back(t.name);
  for (const auto& r : results)
    if (std::find(names.begin(), names.end(), r.toolchain) == names.end()) names.push_back(r.toolchain);
  return names;
}

namespace {

// Four significant digits without an exponent: "14523", "2.345", "0.01234".
std::string format_significant(double value) {
  if (!std::isfinite(value) || value == 0) return format_fixed(value, 0);
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(value))));
  return format_fixed(value, std::max(0, 3 - magnitude));
}

}  // namespace

std::string WorkloadResult::median_text(const bench::BinaryStats& b) const {
  if (b.runs == 0) return "-";
  if (!figure) return format_duration(b.median_s) + " ± " + format_duration(b.mad_s);
  const double mad = figure_higher && b.median_s > 0 ? b.mad_s / (b.median_s * b.median_s) : b.mad_s;
  return format_significant(figure_value(b.median_s)) + " " + unit + " ± " + format_significant(mad);
}

std::string WorkloadResult::metric_label() const {
  if (figure) return unit + " (" + (figure_higher ? "higher" : "lower") + " is better)";
  if (!is_instructions()) return "wall time";
  return counter.empty() ? "instructions" : "instructions (" + counter + ")";
}

std::vector<std::string> Report::metrics(const std::string& toolchain) const {
  std::vector<std::string> out;
  for (const auto& r : results)
    if ((toolchain.empty() || r.toolchain == toolchain) && std::find(out.begin(), out.end(), r.metric) == out.end())
      out.push_back(r.metric);
  return out;
}

double Report::geomean_speedup(const std::string& toolchain, const std::string& metric) const {
  std::vector<std::string> mine = metrics(toolchain);
  const std::string chosen = !metric.empty() ? metric : mine.empty() ? "" : mine.front();
  std::vector<double> speedups, weights;
  for (const auto& r : results) {
    if (r.toolchain != toolchain || r.metric != chosen || r.bench.failed || !(r.bench.speedup > 0)) continue;
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

std::string format_instructions(double count) {
  if (!std::isfinite(count)) return "-";
  char buf[64];
  if (count >= 1e10) std::snprintf(buf, sizeof buf, "%.3f G instr", count / 1e9);
  else std::snprintf(buf, sizeof buf, "%.3f M instr", count / 1e6);
  return buf;
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
