#include "orchestrator/report/terminal.h"

#include <algorithm>
#include <cmath>

#include "orchestrator/report/terminal_output.h"
#include "support/strings.h"

namespace pgo {
namespace {

// The verdict's colour: faster is good news, slower bad, no_change neither.
Cell verdict_cell(bench::Verdict verdict) {
  const Tone tone = verdict == bench::Verdict::Faster  ? Tone::Good
                    : verdict == bench::Verdict::Slower ? Tone::Bad
                                                        : Tone::Neutral;
  return {bench::to_string(verdict), tone};
}

std::string kib(uint64_t bytes) { return format_fixed(static_cast<double>(bytes) / 1024.0, 1) + " KiB"; }

// The recipes of a build that built several, side by side: each one's weighted geomean
// speedup over the baseline per metric, its build time, sizes and profile figures, and the
// picking rule's verdict.
void print_recipes(const Report& report, std::ostream& out, const TerminalStyle& style) {
  if (report.recipes.empty()) return;
  std::vector<std::string> metrics;
  for (const RecipeReport& r : report.recipes)
    for (const auto& [metric, figure] : r.figures)
      if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end()) metrics.push_back(metric);
  out << "\nRecipes (weighted geometric-mean speedup over the baseline, [95% CI])\n";
  std::vector<std::string> header{"toolchain", "recipe"};
  for (const std::string& m : metrics) header.push_back(m == "instructions" ? "instructions" : "wall time");
  for (const char* h : {"build", "size", "profiled", "chosen"}) header.push_back(h);
  Table table(header);
  for (const RecipeReport& r : report.recipes) {
    std::vector<Cell> row{r.toolchain, r.recipe};
    for (const std::string& m : metrics) {
      auto f = r.figures.find(m);
      const int digits = m == "instructions" ? 4 : 3;
      row.push_back(f == r.figures.end() ? std::string("-")
                                         : format_fixed(f->second.speedup, digits) + "x [" +
                                               format_fixed(f->second.lo, digits) + ", " +
                                               format_fixed(f->second.hi, digits) + "]");
    }
    uint64_t bytes = 0;
    for (const auto& [target, size] : r.binary_bytes) bytes += size;
    std::string profiled = std::to_string(r.functions_with_counts) + " fn";
    if (r.context_sensitive_functions) profiled += ", " + std::to_string(r.context_sensitive_functions) + " cs";
    row.push_back(format_duration(r.build_seconds));
    row.push_back(kib(bytes));
    row.push_back(profiled);
    row.push_back(r.chosen ? Cell{"yes", Tone::Good} : Cell{""});
    table.add(row);
  }
  table.print(out, style);
  for (const RecipeReport& r : report.recipes) {
    out << "  " << r.toolchain << " " << r.recipe << ": " << r.verdict << '\n';
    for (const std::string& line : r.post_link) out << "    post-link " << line << '\n';
  }
  out << "  (the results below are the chosen recipe's)\n";
}

}  // namespace

void print_terminal_report(const Report& report, std::ostream& out, const TerminalStyle& style) {
  out << "\npgo report for " << report.project.string() << "\n\n";
  Table toolchains({"toolchain", "compiler", "profile format"});
  for (const auto& t : report.toolchains)
    toolchains.add({t.name, t.compiler_id + " " + t.compiler_version,
                    t.profile_format + " " + t.profile_version});
  toolchains.print(out, style);

  if (!report.profiles.empty()) {
    out << "\nProfiles\n";
    Table profiles({"toolchain", "target", "functions", "with counts", "mismatch", "missing", "runs", "merged by"});
    for (const auto& p : report.profiles)
      profiles.add({p.toolchain, p.target, std::to_string(p.summary.functions),
                    std::to_string(p.summary.functions_with_counts),
                    std::to_string(p.diagnostics.mismatch_warnings),
                    std::to_string(p.diagnostics.missing_warnings), std::to_string(p.raw_profiles),
                    p.merge_method});
    profiles.print(out, style);
    for (const auto& p : report.profiles) {
      if (p.summary.hottest.empty()) continue;
      out << "  hottest in " << p.toolchain << "/" << p.target << ": ";
      for (size_t i = 0; i < p.summary.hottest.size() && i < 3; ++i)
        out << (i ? ", " : "") << p.summary.hottest[i].name;
      out << '\n';
    }
    for (const auto& p : report.profiles)
      for (const std::string& line : p.post_link) out << "  post-link " << p.toolchain << "/" << p.target << ": " << line << '\n';
  }

  print_recipes(report, out, style);

  for (const std::string& metric : report.metrics()) {
    const bool counts = metric == "instructions";
    const int digits = counts ? 4 : 3;  // counts are exact: ratios of them deserve a digit more
    std::string counter;
    for (const auto& w : report.results)
      if (w.metric == metric && !w.counter.empty()) counter = w.counter;
    if (counts)
      out << "\nResults (instructions retired, counted by " << counter << ", median of each binary's runs; "
          << "speedup = instructions(baseline) / instructions(optimized))\n";
    else if (std::any_of(report.results.begin(), report.results.end(), [](const WorkloadResult& w) { return w.figure; }))
      out << "\nResults (wall time, or the figure a workload's metric: reads from its output; median ± MAD)\n";
    else
      out << "\nResults (wall time, median ± MAD)\n";
    Table results({"toolchain", "target", "workload", "baseline", "optimized", "speedup", "95% CI", "p",
                   "verdict", "runs", "outputs"});
    for (const auto& w : report.results) {
      if (w.metric != metric) continue;
      const bench::BenchResult& r = w.bench;
      const bool estimated = std::isfinite(r.speedup);  // not when a binary never completed a run
      const std::string speedup = estimated ? format_fixed(r.speedup, digits) + "x" : "-";
      const std::string interval =
          estimated ? "[" + format_fixed(r.ci_lo, digits) + ", " + format_fixed(r.ci_hi, digits) + "]" : "-";
      results.add({w.toolchain, w.target, w.workload,
                   counts ? format_instructions(w.baseline_counts.median) : w.median_text(r.baseline),
                   counts ? format_instructions(w.optimized_counts.median) : w.median_text(r.optimized),
                   speedup, interval, format_fixed(r.p_value, 4), verdict_cell(r.verdict),
                   std::to_string(r.baseline.runs) + "+" + std::to_string(r.optimized.runs),
                   !r.outputs_compared ? "-" : r.outputs_match ? "match" : "DIFFER"});
    }
    results.print(out, style);
    out << "\nGeometric mean speedup (" << (counts ? "instructions" : "wall time") << "):";
    for (const auto& t : report.toolchain_names()) {
      const double g = report.geomean_speedup(t, metric);
      if (g > 0) out << "  " << t << " " << format_fixed(g, digits) << "x";
    }
    out << '\n';
    for (const auto& w : report.results) {
      if (w.metric != metric) continue;
      const std::string who = w.toolchain + "/" + w.workload + " (" + w.metric_label() + ")";
      if (!w.bench.outputs_match) out << "  outputs differ for " << who << ": " << w.bench.mismatch << '\n';
      if (w.bench.failed) out << "  run failed for " << who << ": " << w.bench.failure << '\n';
      if (!w.note.empty()) out << "  note: " << who << ": " << w.note << '\n';
      if (!w.counting_env.empty()) out << "  counted " << who << " with " << join(w.counting_env, " ") << '\n';
    }
  }

  if (!report.training_failures.empty()) {
    out << "\nTraining failures (left out with --keep-going)\n";
    for (const auto& f : report.training_failures)
      out << "  " << f.toolchain << "/" << f.workload << ": " << f.status << "\n    $ " << f.command << '\n';
  }

  if (!report.stages.empty()) {
    out << "\nStages\n";
    Table stages({"stage", "toolchain", "time"});
    for (const auto& s : report.stages) stages.add({s.name, s.toolchain, s.reused ? "reused" : format_duration(s.seconds)});
    stages.print(out, style);
  }

  for (const auto& w : report.warnings) out << "warning: " << w << '\n';
}

}  // namespace pgo
