#include "orchestrator/report/json.h"

#include <cmath>

namespace pgo {
namespace {

using nlohmann::json;

// NaN (no sample) is not JSON; it becomes null.
json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json binary_json(const bench::BinaryStats& b) {
  json samples = json::array();
  for (const auto& s : b.samples)
    samples.push_back({{"wall_s", s.wall_s}, {"cpu_s", s.cpu_s()}, {"max_rss_kb", s.max_rss_kb},
                       {"outlier", s.outlier}});
  return {{"runs", b.runs},           {"median_s", b.median_s}, {"mad_s", b.mad_s},
          {"min_s", b.min_s},         {"max_s", b.max_s},       {"mean_s", b.mean_s},
          {"stddev_s", b.stddev_s},   {"p05_s", b.p05_s},       {"p95_s", b.p95_s},
          {"cpu_s", b.cpu_median_s},  {"max_rss_kb", b.max_rss_kb}, {"outliers", b.outliers},
          {"samples", samples}};
}

json counts_json(const bench::InstructionStats& s) {
  json samples = json::array();
  for (uint64_t c : s.counts) samples.push_back({{"instructions", c}});
  return {{"runs", s.counts.size()}, {"median", s.median}, {"min", s.min},   {"max", s.max},
          {"spread", s.spread()},    {"samples", samples}};
}

json profile_json(const ProfileReport& p) {
  json hottest = json::array();
  for (const auto& f : p.summary.hottest) hottest.push_back({{"name", f.name}, {"count", f.count}});
  json out = {{"toolchain", p.toolchain},
              {"target", p.target},
              {"profile",
               {{"functions", p.summary.functions},
                {"functions_with_counts", p.summary.functions_with_counts},
                {"total_count", p.summary.total_count},
                {"hottest", hottest},
                {"mismatch_warnings", p.diagnostics.mismatch_warnings},
                {"missing_warnings", p.diagnostics.missing_warnings},
                {"warning_examples", p.diagnostics.examples},
                {"merge_method", p.merge_method},
                {"raw_profiles", p.raw_profiles},
                {"skipped_inputs", p.skipped_inputs},
                {"stored_at", p.stored_at.string()},
                {"optimized_binary_differs", p.binary_differs},
                {"source", p.source},
                {"source_reason", p.source_reason}}},
              {"recipe", p.recipe}};
  if (p.summary.context_sensitive_functions > 0)
    out["profile"]["context_sensitive_functions"] = p.summary.context_sensitive_functions;
  if (!p.post_link.empty()) out["post_link"] = p.post_link;  // only where a post-link stage ran
  return out;
}

}  // namespace

nlohmann::json workload_result_to_json(const WorkloadResult& r) {
  json j = {{"toolchain", r.toolchain},
            {"target", r.target},
            {"workload", r.workload},
            {"weight", r.weight},
            {"metric", r.metric},
            {"unit", r.unit},
            {"baseline", r.is_instructions() ? counts_json(r.baseline_counts) : binary_json(r.bench.baseline)},
            {"optimized", r.is_instructions() ? counts_json(r.optimized_counts) : binary_json(r.bench.optimized)},
            {"runs", r.bench.rounds},
            {"speedup", number(r.bench.speedup)},
            {"speedup_ci95", {number(r.bench.ci_lo), number(r.bench.ci_hi)}},
            {"ci_half_width", number(r.bench.ci_half_width)},
            {"p_value", number(r.bench.p_value)},
            {"verdict", bench::to_string(r.bench.verdict)},
            {"stop_reason", bench::to_string(r.bench.stop_reason)},
            {"outputs_compared", r.bench.outputs_compared},
            {"outputs_match", r.bench.outputs_match},
            {"output_mismatch", r.bench.mismatch},
            {"output_checked", r.bench.output_checked},
            {"failed", r.bench.failed},
            {"failure", r.bench.failure}};
  if (r.is_instructions()) {
    j["counter"] = r.counter;
    j["counting_env"] = r.counting_env;
  }
  if (!r.note.empty()) j["note"] = r.note;
  j["reused"] = r.reused;
  if (r.figure) j["figure"] = {{"better", r.figure_higher ? "higher" : "lower"}};
  return j;
}

nlohmann::json toolchain_to_json(const Toolchain& t) {
  return {{"name", t.name},
          {"compiler_id", t.compiler_id},
          {"version", t.compiler_version},
          {"tool", t.tool.string()},
          {"c_compiler", t.c_compiler.string()},
          {"cxx_compiler", t.cxx_compiler.string()},
          {"profile_format", t.profile_format},
          {"profile_version", t.profile_version}};
}

nlohmann::json report_to_json(const Report& report) {
  json toolchains = json::array();
  for (const auto& t : report.toolchains) {
    toolchains.push_back(toolchain_to_json(t));
    toolchains.back()["geomean_speedup"] = report.geomean_speedup(t.name);
    json by_metric = json::object();  // one geometric mean per metric, never mixed
    for (const auto& m : report.metrics(t.name)) by_metric[m] = report.geomean_speedup(t.name, m);
    toolchains.back()["geomean_speedups"] = by_metric;
  }
  json stages = json::array();
  for (const auto& s : report.stages)
    stages.push_back({{"name", s.name}, {"toolchain", s.toolchain}, {"seconds", s.seconds}, {"reused", s.reused}});
  json profiles = json::array();
  for (const auto& p : report.profiles) profiles.push_back(profile_json(p));
  json results = json::array();
  for (const auto& r : report.results) results.push_back(workload_result_to_json(r));
  json recipes = json::array();
  for (const RecipeReport& r : report.recipes) {
    json rs = json::array();
    for (const auto& w : r.results) rs.push_back(workload_result_to_json(w));
    json figures = json::object();
    for (const auto& [metric, f] : r.figures)
      figures[metric] = {{"geomean_speedup", number(f.speedup)}, {"ci95", {number(f.lo), number(f.hi)}}};
    recipes.push_back({{"toolchain", r.toolchain},
                       {"recipe", r.recipe},
                       {"chosen", r.chosen},
                       {"verdict", r.verdict},
                       {"geomean_speedups", figures},
                       {"build_seconds", r.build_seconds},
                       {"binary_bytes", r.binary_bytes},
                       {"functions_with_counts", r.functions_with_counts},
                       {"context_sensitive_functions", r.context_sensitive_functions},
                       {"post_link", r.post_link},
                       {"results", rs}});
  }
  json failures = json::array();
  for (const auto& f : report.training_failures)
    failures.push_back({{"toolchain", f.toolchain}, {"workload", f.workload}, {"command", f.command},
                        {"status", f.status}, {"stderr_tail", f.stderr_tail}});
  return {{"schema", "pgo-report/1"},
          {"created", report.created},
          {"pgo_version", report.pgo_version},
          {"project", report.project.string()},
          {"toolchains", toolchains},
          {"stages", stages},
          {"profiles", profiles},
          {"results", results},
          {"recipes", recipes},
          {"training_failures", failures},
          {"outputs_match", report.all_outputs_match()},
          {"warnings", report.warnings}};
}

}  // namespace pgo
