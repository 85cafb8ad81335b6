#include "orchestrator/report/terminal.h"

#include <cstdio>
#include <iomanip>
#include <sstream>

#include "support/strings.h"

namespace pgo {
namespace {

// A left-aligned text table; the last column is not padded.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out) const {
    std::vector<size_t> width(rows_[0].size(), 0);
    for (const auto& row : rows_)
      for (size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
    for (const auto& row : rows_) {
      out << "  ";
      for (size_t i = 0; i < row.size(); ++i) {
        out << row[i];
        if (i + 1 < row.size()) out << std::string(width[i] - row[i].size() + 2, ' ');
      }
      out << '\n';
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string time_with_spread(const bench::BinaryStats& b) {
  return format_duration(b.median_s) + " ± " + format_duration(b.mad_s);
}

}  // namespace

void print_terminal_report(const Report& report, std::ostream& out) {
  out << "\npgo report for " << report.project.string() << "\n\n";
  Table toolchains({"toolchain", "compiler", "profile format"});
  for (const auto& t : report.toolchains)
    toolchains.add({t.name, t.compiler_id + " " + t.compiler_version,
                    t.profile_format + " " + t.profile_version});
  toolchains.print(out);

  if (!report.profiles.empty()) {
    out << "\nProfiles\n";
    Table profiles({"toolchain", "target", "functions", "with counts", "mismatch", "missing", "runs", "merged by"});
    for (const auto& p : report.profiles)
      profiles.add({p.toolchain, p.target, std::to_string(p.summary.functions),
                    std::to_string(p.summary.functions_with_counts),
                    std::to_string(p.diagnostics.mismatch_warnings),
                    std::to_string(p.diagnostics.missing_warnings), std::to_string(p.raw_profiles),
                    p.merge_method});
    profiles.print(out);
    for (const auto& p : report.profiles) {
      if (p.summary.hottest.empty()) continue;
      out << "  hottest in " << p.toolchain << "/" << p.target << ": ";
      for (size_t i = 0; i < p.summary.hottest.size() && i < 3; ++i)
        out << (i ? ", " : "") << p.summary.hottest[i].name;
      out << '\n';
    }
  }

  for (const std::string& metric : report.metrics()) {
    const bool counts = metric == "instructions";
    std::string counter;
    for (const auto& w : report.results)
      if (w.metric == metric && !w.counter.empty()) counter = w.counter;
    if (counts)
      out << "\nResults (instructions retired, counted by " << counter << ", median of each binary's runs; "
          << "speedup = instructions(baseline) / instructions(optimized))\n";
    else
      out << "\nResults (wall time, median ± MAD)\n";
    Table results({"toolchain", "target", "workload", "baseline", "optimized", "speedup", "95% CI", "p",
                   "verdict", "runs", "outputs"});
    for (const auto& w : report.results) {
      if (w.metric != metric) continue;
      const bench::BenchResult& r = w.bench;
      results.add({w.toolchain, w.target, w.workload,
                   counts ? format_instructions(w.baseline_counts.median) : time_with_spread(r.baseline),
                   counts ? format_instructions(w.optimized_counts.median) : time_with_spread(r.optimized),
                   fixed(r.speedup, counts ? 4 : 3) + "x",
                   "[" + fixed(r.ci_lo, counts ? 4 : 3) + ", " + fixed(r.ci_hi, counts ? 4 : 3) + "]",
                   fixed(r.p_value, 4), bench::to_string(r.verdict),
                   std::to_string(r.baseline.runs) + "+" + std::to_string(r.optimized.runs),
                   !r.outputs_compared ? "-" : r.outputs_match ? "match" : "DIFFER"});
    }
    results.print(out);
    out << "\nGeometric mean speedup (" << (counts ? "instructions" : "wall time") << "):";
    for (const auto& t : report.toolchain_names()) {
      const double g = report.geomean_speedup(t, metric);
      if (g > 0) out << "  " << t << " " << fixed(g, counts ? 4 : 3) << "x";
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
    stages.print(out);
  }

  for (const auto& w : report.warnings) out << "warning: " << w << '\n';
}

}  // namespace pgo
