#include "orchestrator/report/markdown.h"

#include <algorithm>
#include <cmath>

#include "orchestrator/report/svg.h"

namespace pgo {
namespace {


constexpr size_t kMaxResultRows = 1000;
constexpr size_t kMaxProblemLines = 100;
constexpr size_t kMaxProfiles = 200;
constexpr size_t kMaxFailures = 50;
constexpr size_t kMaxStages = 300;
constexpr size_t kMaxWarnings = 100;
constexpr size_t kMaxCellChars = 120;

// Text for Markdown: one line, and every character that Markdown (or the HTML GitHub
// allows in it) could interpret is backslash-escaped.
std::string text(std::string_view s, size_t max_chars = kMaxCellChars) {
  std::string out;
  for (char c : svg::shorten(s, max_chars)) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    if (std::string_view("\\`*_[]<>|~&#!").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// An inline code span that survives any backticks in `s`. In a table cell a pipe must be
// escaped even inside a code span (GFM splits cells first); elsewhere "\\|" would show.
std::string code(std::string_view s, size_t max_chars = kMaxCellChars, bool in_table = true) {
  std::string body;
  size_t run = 0, longest = 0;
  for (char c : svg::shorten(s, max_chars)) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (c == '|' && in_table) body += '\\';
    body += c;
  }
  if (body.empty()) return "";
  const std::string fence(longest + 1, '`');
  const bool pad = body.front() == '`' || body.back() == '`' || body.front() == ' ';
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

// A fenced code block for multi-line text (stderr tails).
std::string code_block(std::string_view s) {
  size_t run = 0, longest = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<size_t>(3, longest + 1), '`');
  std::string body(s);
  if (!body.empty() && body.back() != '\n') body += '\n';
  return fence + "text\n" + body + fence + "\n";
}

std::string time_cell(const bench::BinaryStats& b) {
  return b.runs > 0 ? svg::format_seconds_spread(b.median_s, b.mad_s) : "-";
}

// A binary's median in the result's metric: a time ± MAD, or an instruction count.
std::string measure_cell(const WorkloadResult& w, bool optimized) {
  if (w.is_instructions()) return format_instructions((optimized ? w.optimized_counts : w.baseline_counts).median);
  if (w.figure) return w.median_text(optimized ? w.bench.optimized : w.bench.baseline);
  return time_cell(optimized ? w.bench.optimized : w.bench.baseline);
}

std::string speedup(double s) { return std::isfinite(s) ? format_fixed(s, 3) + "×" : "-"; }

std::string p_value(double p) {
  if (!std::isfinite(p)) return "-";
  return p < 0.0001 ? "< 0.0001" : format_fixed(p, 4);
}

std::string verdict(const bench::BenchResult& r) {
  if (r.failed) return "**failed**";
  switch (r.verdict) {
    case bench::Verdict::Faster: return "faster";
    case bench::Verdict::Slower: return "**slower**";
    case bench::Verdict::NoChange: break;
  }
  return "no change";
}

std::string outputs(const bench::BenchResult& r) {
  if (!r.outputs_compared) return "not compared";
  return r.outputs_match ? "match" : "**DIFFER**";
}

// The document under construction. Every piece goes through add(), which refuses what would
// not fit, so the byte limit holds whatever the report contains.
class Doc {
 public:
  explicit Doc(size_t max_bytes) : limit_(std::max<size_t>(max_bytes, 4096) - kReserve) {}
  bool add(std::string_view piece) {
    if (out_.size() + piece.size() > limit_) {
      full_ = true;
      return false;
    }
    out_ += piece;
    return true;
  }
  // Adds `rows` (each a complete line) after `header`, at most `cap` of them; the rest are
  // counted in a note.
  void table(const std::string& header, const std::vector<std::string>& rows, size_t cap, std::string_view what) {
    if (rows.empty() || !add("\n" + header)) return;
    size_t shown = 0;
    while (shown < rows.size() && shown < cap && add(rows[shown])) ++shown;
    if (shown < rows.size())
      add("\n*" + std::to_string(rows.size() - shown) + " more " + std::string(what) +
          " not shown; report.json has them all.*\n");
  }
  std::string finish() {
    if (full_) out_ += "\n*This report was cut to stay under GitHub's 1 MiB step-summary limit; report.json has everything.*\n";
    return std::move(out_);
  }

 private:
  static constexpr size_t kReserve = 256;  // for the closing note
  size_t limit_;
  bool full_ = false;
  std::string out_;
};

void toolchains_section(const Report& report, Doc& doc) {
  if (report.toolchains.empty()) return;
  doc.add("\n## Toolchains\n");
  std::vector<std::string> rows;
  for (const auto& t : report.toolchains)
    rows.push_back("| " + text(t.name) + " | " + text(t.compiler_id + " " + t.compiler_version) + " | " +
                   text(t.profile_format + " " + t.profile_version) + " | " + code(t.tool.string()) + " | " +
                   code(t.cxx_compiler.string()) + " |\n");
  doc.table("| toolchain | compiler | profile format | compiler path | C++ compiler |\n|---|---|---|---|---|\n", rows,
            kMaxProfiles, "toolchains");
}

void profiles_section(const Report& report, Doc& doc) {
  if (report.profiles.empty()) return;
  doc.add("\n## Profiles\n");
  std::vector<std::string> rows;
  for (const auto& p : report.profiles)
    rows.push_back("| " + text(p.toolchain) + " | " + text(p.target) + " | " + std::to_string(p.summary.functions) +
                   " | " + std::to_string(p.summary.functions_with_counts) + " | " +
                   std::to_string(p.diagnostics.mismatch_warnings) + " | " +
                   std::to_string(p.diagnostics.missing_warnings) + " | " + std::to_string(p.raw_profiles) + " | " +
                   text(p.merge_method) + " | " + (p.binary_differs ? "yes" : "**no**") + " |\n");
  doc.table("| toolchain | target | functions | with counts | mismatch warnings | missing warnings | raw profiles | "
            "merged by | optimized binary differs |\n|---|---|---:|---:|---:|---:|---:|---|---|\n",
            rows, kMaxProfiles, "profiles");

  size_t shown = 0;
  for (const auto& p : report.profiles) {
    if (++shown > kMaxProfiles) break;
    const std::string who = "**" + text(p.toolchain + "/" + p.target) + "**";
    std::string notes;
    if (p.diagnostics.mismatch_warnings > 0)
      notes += "- " + who + ": " + std::to_string(p.diagnostics.mismatch_warnings) +
               " profile mismatch warnings: the profile does not match the code it was applied to.\n";
    if (p.diagnostics.missing_warnings > 0)
      notes += "- " + who + ": " + std::to_string(p.diagnostics.missing_warnings) +
               " missing-profile warnings: functions or files without profile data.\n";
    for (size_t i = 0; i < p.diagnostics.examples.size() && i < 5; ++i)
      notes += "  - " + code(p.diagnostics.examples[i], 200, false) + "\n";
    if (!p.skipped_inputs.empty()) {
      notes += "- " + who + ": " + std::to_string(p.skipped_inputs.size()) + " raw profiles left out of the merge:\n";
      for (size_t i = 0; i < p.skipped_inputs.size() && i < 10; ++i)
        notes += "  - " + code(p.skipped_inputs[i], 200, false) + "\n";
    }
    if (!p.binary_differs)
      notes += "- " + who + ": the optimized binary is byte-identical to the baseline; the profile changed nothing.\n";
    if (!notes.empty()) doc.add("\n" + notes);
    if (p.summary.hottest.empty()) continue;
    std::string hot = "\n<details><summary>Hottest functions: " + svg::escape(p.toolchain + "/" + p.target) +
                      "</summary>\n\n| # | function | count | share of all counts |\n|---:|---|---:|---:|\n";
    for (size_t i = 0; i < p.summary.hottest.size(); ++i) {
      const auto& f = p.summary.hottest[i];
      const double share = p.summary.total_count ? 100.0 * static_cast<double>(f.count) /
                                                       static_cast<double>(p.summary.total_count)
                                                 : 0.0;
      hot += "| " + std::to_string(i + 1) + " | " + code(f.name) + " | " + std::to_string(f.count) + " | " +
             format_fixed(share, 1) + "% |\n";
    }
    doc.add(hot + "\n</details>\n");
  }
}

void results_section(const Report& report, Doc& doc) {
  if (report.results.empty()) {
    doc.add("\n## Results\n\nNo benchmark results.\n");
    return;
  }
  doc.add("\n## Results\n\nWall time, median ± MAD (scaled) of each binary. Speedup = baseline median / optimized "
          "median, with a 95% bootstrap confidence interval; the verdict is *faster* or *slower* only when the "
          "Mann-Whitney p < 0.05 and the whole interval lies outside the noise threshold around 1. "
          "Instructions: user-space instructions retired (the counter is named), 3 runs per binary; the verdict "
          "needs only the interval outside the noise band (docs/benchmarking.md).\n");
  // A wall-time-only report keeps its familiar columns; any other gets a metric column.
  const bool metric_column = report.metrics() != std::vector<std::string>{"wall_time"};
  std::vector<std::string> problems, rows;
  for (const auto& w : report.results) {
    const bench::BenchResult& r = w.bench;
    const std::string who = "**" + text(w.toolchain + "/" + w.target + "/" + w.workload) + "**";
    if (r.failed) problems.push_back("- " + who + ": benchmark failed: " + code(r.failure, 300, false) + "\n");
    if (r.outputs_compared && !r.outputs_match)
      problems.push_back("- " + who + ": outputs differ: " + code(r.mismatch, 300, false) + "\n");
    if (!r.failed && r.verdict == bench::Verdict::Slower)
      problems.push_back("- " + who + ": the optimized binary is slower (" + speedup(r.speedup) + ").\n");
    if (!w.note.empty()) problems.push_back("- " + who + ": " + text(w.note, 300) + "\n");
    rows.push_back("| " + text(w.toolchain) + " | " + text(w.target) + " | " + text(w.workload) + " | " +
                   (metric_column ? text(w.metric_label()) + " | " : "") + measure_cell(w, false) + " | " +
                   measure_cell(w, true) + " | " + speedup(r.speedup) +
                   " | " +
                   (std::isfinite(r.ci_lo) ? format_fixed(r.ci_lo, 3) + " – " + format_fixed(r.ci_hi, 3) : "-") +
                   " | " + p_value(r.p_value) + " | " + verdict(r) + " | " + std::to_string(r.baseline.runs) + "+" +
                   std::to_string(r.optimized.runs) + " | " + outputs(r) + " |\n");
  }
  if (!problems.empty()) {
    doc.add("\n");
    size_t shown = 0;
    while (shown < problems.size() && shown < kMaxProblemLines && doc.add(problems[shown])) ++shown;
    if (shown < problems.size()) doc.add("- *" + std::to_string(problems.size() - shown) + " more problems not shown.*\n");
  }
  doc.table(metric_column
                ? "| toolchain | target | workload | metric | baseline | optimized | speedup | 95% CI | p | verdict | runs | outputs |\n"
                  "|---|---|---|---|---:|---:|---:|---|---:|---|---:|---|\n"
                : "| toolchain | target | workload | baseline | optimized | speedup | 95% CI | p | verdict | runs | outputs |\n"
                  "|---|---|---|---:|---:|---:|---|---:|---|---:|---|\n",
            rows, kMaxResultRows, "results");

  doc.add("\n### Weighted geometric mean speedup\n");
  std::vector<std::string> means;
  for (const auto& name : report.toolchain_names())
  for (const auto& metric : report.metrics(name)) {
    size_t n = 0, faster = 0, slower = 0, same = 0, failed = 0;
    for (const auto& w : report.results) {
      if (w.toolchain != name || w.metric != metric) continue;
      ++n;
      if (w.bench.failed) ++failed;
      else if (w.bench.verdict == bench::Verdict::Faster) ++faster;
      else if (w.bench.verdict == bench::Verdict::Slower) ++slower;
      else ++same;
    }
    if (n == 0) continue;
    const double g = report.geomean_speedup(name, metric);
    means.push_back("| " + text(name) + " | " + (metric_column ? text(metric) + " | " : "") + (g > 0 ? speedup(g) : "-") + " | " +
                    std::to_string(n) + " | " +
                    std::to_string(faster) + " | " + std::to_string(slower) + " | " + std::to_string(same) + " | " +
                    std::to_string(failed) + " |\n");
  }
  doc.table(metric_column ? "| toolchain | metric | speedup | workloads | faster | slower | no change | failed |\n"
                          "|---|---|---:|---:|---:|---:|---:|---:|\n"
                        : "| toolchain | speedup | workloads | faster | slower | no change | failed |\n"
                          "|---|---:|---:|---:|---:|---:|---:|\n",
            means, kMaxProfiles, "toolchains");
}

void failures_section(const Report& report, Doc& doc) {
  if (report.training_failures.empty()) return;
  doc.add("\n## Training failures\n\nThese training runs failed and were left out of the profile (`--keep-going`).\n");
  size_t shown = 0;
  for (const auto& f : report.training_failures) {
    if (shown == kMaxFailures) break;
    std::string block = "\n**" + text(f.toolchain + "/" + f.workload) + "**: " + text(f.status, 300) + "\n\n";
    if (!f.command.empty()) block += "Command: " + code(f.command, 500, false) + "\n\n";
    if (!f.stderr_tail.empty()) block += code_block(svg::shorten(f.stderr_tail, 2000));
    if (!doc.add(block)) break;
    ++shown;
  }
  if (shown < report.training_failures.size())
    doc.add("\n*" + std::to_string(report.training_failures.size() - shown) + " more training failures not shown.*\n");
}

}  // namespace

std::string markdown_report(const Report& report, size_t max_bytes) {
  Doc doc(max_bytes);
  doc.add("# pgo report\n");
  std::string head;
  auto add_head = [&head](const std::string& piece) { head += (head.empty() ? "" : " · ") + piece; };
  if (!report.project.empty()) add_head("Project " + code(report.project.string(), 300, false));
  if (!report.created.empty()) add_head(text(report.created));
  if (!report.pgo_version.empty()) add_head("pgo " + text(report.pgo_version));
  if (!head.empty()) doc.add("\n" + head + "\n");

  std::string verdict_line;
  const bool several_metrics = report.metrics().size() > 1;
  for (const auto& name : report.toolchain_names())
    for (const auto& metric : report.metrics(name)) {
      const double g = report.geomean_speedup(name, metric);
      if (g > 0)
        verdict_line += (verdict_line.empty() ? "" : ", ") + text(name) + " **" + speedup(g) + "**" +
                        (several_metrics || metric != "wall_time" ? " (" + text(metric) + ")" : "");
    }
  if (!verdict_line.empty()) {
    const bool compared = std::any_of(report.results.begin(), report.results.end(),
                                      [](const WorkloadResult& w) { return w.bench.outputs_compared; });
    doc.add("\n**Speedup** (weighted geometric mean): " + verdict_line + ". Outputs: " +
            (!compared ? "not compared." : report.all_outputs_match() ? "all match." : "**some differ**.") + "\n");
  }

  toolchains_section(report, doc);
  profiles_section(report, doc);
  results_section(report, doc);
  failures_section(report, doc);

  std::vector<std::string> stages;
  for (const auto& s : report.stages)
    stages.push_back("| " + text(s.name) + " | " + text(s.toolchain) + " | " + (s.reused ? std::string("reused") : svg::format_seconds(s.seconds)) + " |\n");
  if (!stages.empty()) doc.add("\n## Stage timings\n");
  doc.table("| stage | toolchain | time |\n|---|---|---:|\n", stages, kMaxStages, "stages");

  if (!report.warnings.empty()) {
    doc.add("\n## Warnings\n\n");
    size_t shown = 0;
    while (shown < report.warnings.size() && shown < kMaxWarnings && doc.add("- " + text(report.warnings[shown], 500) + "\n"))
      ++shown;
    if (shown < report.warnings.size())
      doc.add("- *" + std::to_string(report.warnings.size() - shown) + " more warnings not shown.*\n");
  }
  return doc.finish();
}

}  // namespace pgo
