#include "orchestrator/report/json_read.h"

#include <limits>

namespace pgo {
namespace {

using nlohmann::json;

// null (NaN when written) reads back as NaN.
double number(const json& v) { return v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>(); }

bench::BinaryStats binary_from(const json& j) {
  bench::BinaryStats b;
  b.runs = j.at("runs").get<int>();
  b.median_s = number(j.at("median_s"));
  b.mad_s = number(j.at("mad_s"));
  b.min_s = number(j.at("min_s"));
  b.max_s = number(j.at("max_s"));
  b.mean_s = number(j.at("mean_s"));
  b.stddev_s = number(j.at("stddev_s"));
  b.p05_s = number(j.at("p05_s"));
  b.p95_s = number(j.at("p95_s"));
  b.cpu_median_s = number(j.at("cpu_s"));
  b.max_rss_kb = j.at("max_rss_kb").get<long>();
  b.outliers = j.at("outliers").get<int>();
  int round = 0;
  for (const json& s : j.at("samples")) {
    bench::RunSample r;
    r.round = round++;
    r.wall_s = s.at("wall_s").get<double>();
    r.user_s = s.at("cpu_s").get<double>();
    r.max_rss_kb = s.at("max_rss_kb").get<long>();
    r.outlier = s.at("outlier").get<bool>();
    b.samples.push_back(r);
  }
  return b;
}

bench::InstructionStats counts_from(const json& j) {
  bench::InstructionStats s;
  for (const json& sample : j.at("samples")) s.counts.push_back(sample.at("instructions").get<uint64_t>());
  s.median = j.at("median").get<double>();
  s.min = j.at("min").get<double>();
  s.max = j.at("max").get<double>();
  return s;
}

template <typename E>
E enum_from(const std::string& text, std::initializer_list<E> values) {
  for (E v : values)
    if (text == bench::to_string(v)) return v;
  throw json::other_error::create(501, "unknown value '" + text + "'", nullptr);
}

}  // namespace

WorkloadResult workload_result_from_json(const json& j) {
  WorkloadResult r;
  r.toolchain = j.at("toolchain").get<std::string>();
  r.target = j.at("target").get<std::string>();
  r.workload = j.at("workload").get<std::string>();
  r.weight = j.at("weight").get<double>();
  r.metric = j.at("metric").get<std::string>();
  r.unit = j.value("unit", r.is_instructions() ? "instructions" : "s");
  if (const auto figure = j.find("figure"); figure != j.end() && figure->is_object()) {
    r.figure = true;
    r.figure_higher = figure->value("better", "higher") == "higher";
  }
  r.note = j.value("note", "");
  r.reused = j.value("reused", false);
  bench::BenchResult& b = r.bench;
  if (r.is_instructions()) {
    r.counter = j.at("counter").get<std::string>();
    r.counting_env = j.value("counting_env", std::vector<std::string>{});
    r.baseline_counts = counts_from(j.at("baseline"));
    r.optimized_counts = counts_from(j.at("optimized"));
    b.baseline.runs = static_cast<int>(r.baseline_counts.counts.size());
    b.optimized.runs = static_cast<int>(r.optimized_counts.counts.size());
  } else {
    b.baseline = binary_from(j.at("baseline"));
    b.optimized = binary_from(j.at("optimized"));
  }
  b.rounds = j.at("runs").get<int>();
  b.speedup = number(j.at("speedup"));
  b.ci_lo = number(j.at("speedup_ci95").at(0));
  b.ci_hi = number(j.at("speedup_ci95").at(1));
  b.ci_half_width = number(j.at("ci_half_width"));
  b.p_value = number(j.at("p_value"));
  b.verdict = enum_from(j.at("verdict").get<std::string>(),
                        {bench::Verdict::Faster, bench::Verdict::Slower, bench::Verdict::NoChange});
  b.stop_reason = enum_from(j.at("stop_reason").get<std::string>(),
                            {bench::StopReason::CiTarget, bench::StopReason::MaxRuns, bench::StopReason::TimeBudget,
                             bench::StopReason::RunFailed});
  b.outputs_compared = j.at("outputs_compared").get<bool>();
  b.outputs_match = j.at("outputs_match").get<bool>();
  b.mismatch = j.at("output_mismatch").get<std::string>();
  b.output_checked = j.value("output_checked", false);
  b.failed = j.at("failed").get<bool>();
  b.failure = j.at("failure").get<std::string>();
  return r;
}

}  // namespace pgo
