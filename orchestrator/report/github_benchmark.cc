#include "orchestrator/report/github_benchmark.h"

#include <algorithm>
#include <cmath>

#include "orchestrator/report/svg.h"

namespace pgo {
namespace {

using nlohmann::json;

// Instruction results carry their metric in the name: with --metric both a workload has two.
std::string name_of(const WorkloadResult& w) {
  return w.toolchain + "/" + w.target + "/" + w.workload + (w.is_instructions() ? " (instructions)" : "");
}

std::string verdict_word(const bench::BenchResult& r) {
  switch (r.verdict) {
    case bench::Verdict::Faster: return "faster";
    case bench::Verdict::Slower: return "slower";
    case bench::Verdict::NoChange: break;
  }
  return "no change";
}

// The tooltip text: both medians, the speedup with its interval, the test and the verdict.
std::string extra(const WorkloadResult& w) {
  const bench::BenchResult& r = w.bench;
  std::string s = w.is_instructions()
                      ? "instructions (" + w.counter + "): baseline " + format_instructions(w.baseline_counts.median) +
                            " (" + std::to_string(r.baseline.runs) + " runs)\noptimized " +
                            format_instructions(w.optimized_counts.median) + " (" + std::to_string(r.optimized.runs) +
                            " runs)"
                      : "baseline " + svg::format_seconds_spread(r.baseline.median_s, r.baseline.mad_s) + " (" +
                  std::to_string(r.baseline.runs) + " runs)\noptimized " +
                  svg::format_seconds_spread(r.optimized.median_s, r.optimized.mad_s) + " (" +
                  std::to_string(r.optimized.runs) + " runs)";
  if (std::isfinite(r.speedup)) {
    s += "\nspeedup " + format_fixed(r.speedup, 3) + "x";
    if (std::isfinite(r.ci_lo) && std::isfinite(r.ci_hi))
      s += ", 95% CI [" + format_fixed(r.ci_lo, 3) + ", " + format_fixed(r.ci_hi, 3) + "]";
  }
  s += "\np = " + format_fixed(r.p_value, 4) + ", " + verdict_word(r);
  if (r.outputs_compared) s += r.outputs_match ? "\noutputs match" : "\noutputs DIFFER";
  return s;
}

json time_entry(const WorkloadResult& w, const bench::BinaryStats& b, const char* which) {
  return {{"name", name_of(w) + " (" + which + ")"},
          {"unit", "ms"},
          {"value", b.median_s * 1e3},
          {"range", "± " + format_fixed(b.mad_s * 1e3, 3)},
          {"extra", extra(w)}};
}

}  // namespace

nlohmann::json github_benchmark_times(const Report& report) {
  json out = json::array();
  for (const auto& w : report.results) {
    if (w.bench.failed) continue;
    if (w.is_instructions()) {
      for (const auto& [c, which] : {std::pair{&w.optimized_counts, "optimized"}, std::pair{&w.baseline_counts, "baseline"}})
        if (!c->counts.empty())
          out.push_back({{"name", w.toolchain + "/" + w.target + "/" + w.workload + " (" + which + ", instructions)"},
                         {"unit", "instructions"},
                         {"value", c->median},
                         {"range", "± " + format_fixed((c->max - c->min) / 2, 0)},
                         {"extra", extra(w)}});
      continue;
    }
    if (w.figure) continue;  // a time chart ("smaller is better"): a figure's speedup is in the speedups file
    for (const auto& [stats, which] : {std::pair{&w.bench.optimized, "optimized"}, std::pair{&w.bench.baseline, "baseline"}})
      if (stats->runs > 0 && std::isfinite(stats->median_s) && std::isfinite(stats->mad_s))
        out.push_back(time_entry(w, *stats, which));
  }
  return out;
}

nlohmann::json github_benchmark_speedups(const Report& report) {
  json out = json::array();
  std::vector<std::string> toolchains;
  for (const auto& w : report.results) {
    if (std::find(toolchains.begin(), toolchains.end(), w.toolchain) == toolchains.end())
      toolchains.push_back(w.toolchain);
    const bench::BenchResult& r = w.bench;
    if (r.failed || !std::isfinite(r.speedup)) continue;
    json entry = {{"name", name_of(w)}, {"unit", "x"}, {"value", r.speedup}};
    if (std::isfinite(r.ci_lo) && std::isfinite(r.ci_hi))
      entry["range"] = "95% CI [" + format_fixed(r.ci_lo, 3) + ", " + format_fixed(r.ci_hi, 3) + "]";
    entry["extra"] = extra(w);
    out.push_back(std::move(entry));
  }
  for (const auto& t : toolchains)
    for (const auto& m : report.metrics(t)) {
      const double g = report.geomean_speedup(t, m);
      if (g > 0 && std::isfinite(g))
        out.push_back({{"name", t + "/geomean" + (m == "instructions" ? " (instructions)" : "")},
                       {"unit", "x"},
                       {"value", g},
                       {"extra", "weighted geometric mean of " + m}});
    }
  return out;
}

std::string github_benchmark_times_json(const Report& report) {
  return github_benchmark_times(report).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string github_benchmark_speedups_json(const Report& report) {
  return github_benchmark_speedups(report).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace pgo
