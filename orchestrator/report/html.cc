#include "orchestrator/report/html.h"

#include <algorithm>
#include <cmath>

#include "orchestrator/report/svg.h"

namespace pgo {
namespace {

using svg::escape;

constexpr size_t kMaxForestRows = 300;
constexpr size_t kMaxDistributions = 100;
constexpr size_t kMaxTableRows = 2000;
constexpr size_t kMaxListItems = 200;
constexpr const char* kBaselineColor = "#9a6700";
constexpr const char* kOptimizedColor = "#0969da";

constexpr const char* kStyle = R"css(
*{box-sizing:border-box}
body{margin:0;background:#f6f8fa;color:#1f2328;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1100px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:26px;margin:0 0 2px}
h2{font-size:18px;margin:0 0 10px}
h3{font-size:14px;margin:14px 0 6px}
.meta{color:#59636e;margin:0 0 16px;overflow-wrap:anywhere}
section{background:#fff;border:1px solid #d1d9e0;border-radius:8px;padding:16px 18px;margin:0 0 16px;overflow-x:auto}
.cards{display:flex;flex-wrap:wrap;gap:12px;background:none;border:0;padding:0}
.card{flex:1 1 200px;background:#fff;border:1px solid #d1d9e0;border-radius:8px;padding:12px 16px}
.card .label{color:#59636e;font-size:13px}
.card .big{font-size:30px;font-weight:600}
.card .sub{color:#59636e;font-size:12px}
.good{color:#1a7f37}.bad{color:#cf222e}.neutral{color:#59636e}
svg.plot{display:block;max-width:100%;height:auto}
svg.plot text{font-family:inherit}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:10px 18px}
figure{margin:0}
figcaption{font-weight:600;font-size:13px;overflow-wrap:anywhere}
figcaption span{font-weight:400;color:#59636e}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #d1d9e0;vertical-align:top}
th{background:#f6f8fa;font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;overflow-wrap:anywhere}
pre{background:#f6f8fa;padding:8px;border-radius:6px;white-space:pre-wrap;max-height:300px;overflow:auto}
.v{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.v.faster{background:#dafbe1;color:#1a7f37}.v.slower,.v.failed,.v.differ{background:#ffebe9;color:#cf222e}
.v.same{background:#eaeef2;color:#59636e}
.bar{background:#eaeef2;border-radius:3px;height:10px;min-width:120px}
.bar span{display:block;height:10px;border-radius:3px;background:#0969da}
.note{color:#59636e;font-size:13px}
ul.problems li{margin:2px 0}
)css";

std::string verdict_badge(const bench::BenchResult& r) {
  if (r.failed) return "<span class=\"v failed\">failed</span>";
  switch (r.verdict) {
    case bench::Verdict::Faster: return "<span class=\"v faster\">faster</span>";
    case bench::Verdict::Slower: return "<span class=\"v slower\">slower</span>";
    case bench::Verdict::NoChange: break;
  }
  return "<span class=\"v same\">no change</span>";
}

std::string outputs_badge(const bench::BenchResult& r) {
  if (!r.outputs_compared) return "<span class=\"neutral\">not compared</span>";
  return r.outputs_match ? "match" : "<span class=\"v differ\">DIFFER</span>";
}

std::string html_time_cell(const bench::BinaryStats& b) {
  return b.runs > 0 ? escape(svg::format_seconds_spread(b.median_s, b.mad_s)) : "-";
}

std::string speedup_text(double s) { return std::isfinite(s) ? format_fixed(s, 3) + "×" : "-"; }

std::string td(const std::string& html, bool num = false) { return num ? "<td class=\"num\">" + html + "</td>" : "<td>" + html + "</td>"; }

std::string more_note(size_t total, size_t shown, const char* what) {
  if (shown >= total) return "";
  return "<p class=\"note\">" + std::to_string(total - shown) + " more " + what +
         " not shown here; report.json has them all.</p>";
}

// Short labels: only the parts (toolchain, target) that vary across results are shown.
struct Labeler {
  bool toolchain = false, target = false;
  explicit Labeler(const Report& report) {
    for (const auto& r : report.results) {
      toolchain |= r.toolchain != report.results.front().toolchain;
      target |= r.target != report.results.front().target;
    }
  }
  std::string operator()(const WorkloadResult& w) const {
    std::string label;
    if (toolchain) label += w.toolchain + " / ";
    if (target) label += w.target + " / ";
    return label + w.workload + (w.is_instructions() ? " (instructions)" : "");
  }
};

// With --metric both, each workload has two results: the metric is part of the name.
std::string full_name(const WorkloadResult& w) {
  return w.toolchain + " / " + w.target + " / " + w.workload + (w.is_instructions() ? " (instructions)" : "");
}

std::string html_measure_cell(const WorkloadResult& w, bool optimized) {
  if (w.is_instructions()) return escape(format_instructions((optimized ? w.optimized_counts : w.baseline_counts).median));
  if (w.figure) return escape(w.median_text(optimized ? w.bench.optimized : w.bench.baseline));
  return html_time_cell(optimized ? w.bench.optimized : w.bench.baseline);
}

std::string summary_cards(const Report& report, double noise) {
  std::string out = "<section class=\"cards\">";
  const bool labelled = report.metrics().size() > 1 || report.metrics() == std::vector<std::string>{"instructions"};
  for (const auto& name : report.toolchain_names())
  for (const auto& metric : report.metrics(name)) {
    size_t n = 0, faster = 0, slower = 0, failed = 0;
    for (const auto& w : report.results) {
      if (w.toolchain != name || w.metric != metric) continue;
      ++n;
      failed += w.bench.failed;
      faster += !w.bench.failed && w.bench.verdict == bench::Verdict::Faster;
      slower += !w.bench.failed && w.bench.verdict == bench::Verdict::Slower;
    }
    const double g = report.geomean_speedup(name, metric);
    // Coloured only outside the noise band: 1.002x is no gain worth a green number.
    const char* cls = !(g > 0) ? "neutral" : g > 1 + noise ? "good" : g < 1 - noise ? "bad" : "neutral";
    out += "<div class=\"card\"><div class=\"label\">" + escape(name) + ": weighted geometric mean speedup" +
           (labelled ? " (" + escape(metric == "wall_time" ? "wall time" : metric) + ")" : std::string()) + "</div>" +
           "<div class=\"big " + cls + "\">" + (g > 0 ? speedup_text(g) : "-") + "</div><div class=\"sub\">" +
           std::to_string(n) + " workloads: " + std::to_string(faster) + " faster, " + std::to_string(slower) +
           " slower, " + std::to_string(n - faster - slower - failed) + " no change, " + std::to_string(failed) +
           " failed</div></div>";
  }
  const bool compared = std::any_of(report.results.begin(), report.results.end(),
                                    [](const WorkloadResult& w) { return w.bench.outputs_compared; });
  const char* outputs = !compared ? "neutral\">not compared" : report.all_outputs_match() ? "good\">all match" : "bad\">DIFFER";
  out += std::string("<div class=\"card\"><div class=\"label\">outputs of the optimized binaries</div><div class=\"big ") +
         outputs + "</div><div class=\"sub\">stdout and exit status against the baseline's</div></div>";
  return out + "</section>";
}

std::string forest_section(const Report& report, double noise) {
  std::string out = "<section><h2>Speedup per workload</h2>";
  if (report.results.empty()) return out + "<p>No benchmark results in this report.</p></section>";
  const Labeler label(report);
  std::vector<svg::ForestRow> rows;
  for (size_t i = 0; i < report.results.size() && i < kMaxForestRows; ++i) {
    const WorkloadResult& w = report.results[i];
    rows.push_back({label(w), full_name(w), w.bench.speedup, w.bench.ci_lo, w.bench.ci_hi, w.bench.verdict,
                    w.bench.failed, false});
  }
  for (const auto& name : report.toolchain_names())
    for (const auto& metric : report.metrics(name)) {
      const double g = report.geomean_speedup(name, metric);
      const std::string suffix = metric == "wall_time" ? "" : " (" + metric + ")";
      if (g > 0) rows.push_back({"geometric mean, " + name + suffix, "weighted geometric mean of " + name + suffix, g,
                                 NAN, NAN, bench::Verdict::NoChange, false, true});
    }
  out += "<p class=\"note\">Each dot is a median ratio with its 95% bootstrap confidence interval. "
         "Green: faster, red: slower, grey: no change that the data can tell apart from noise.</p>";
  out += svg::forest_plot(rows, noise);
  return out + more_note(report.results.size(), std::min(report.results.size(), kMaxForestRows), "workloads") +
         "</section>";
}

// The recipes of a build that built several, side by side: each one's weighted geomean
// speedup over the baseline with its interval, per metric, and the picking rule's verdicts.
std::string recipes_section(const Report& report, double noise) {
  if (report.recipes.empty()) return "";
  std::string out = "<section><h2>Recipes</h2><p class=\"note\">Each recipe's weighted geometric-mean speedup over "
                    "the baseline, with the geometric means of its workloads' 95% interval bounds; pgo keeps a "
                    "more complex recipe only when it is significantly faster than the simpler one.</p>";
  std::vector<svg::ForestRow> rows;
  for (const RecipeReport& r : report.recipes)
    for (const auto& [metric, f] : r.figures) {
      const std::string name = r.toolchain + " " + r.recipe + (metric == "wall_time" ? "" : " (" + metric + ")");
      const bench::Verdict verdict = f.lo > 1 + noise ? bench::Verdict::Faster
                                     : f.hi < 1 - noise ? bench::Verdict::Slower
                                                        : bench::Verdict::NoChange;
      rows.push_back({name + (r.chosen ? " ✓" : ""), name + ": " + r.verdict, f.speedup, f.lo, f.hi, verdict, false,
                      false});
    }
  if (!rows.empty()) out += svg::forest_plot(rows, noise);
  out += "<table><tr><th>toolchain</th><th>recipe</th><th>build</th><th>profiled functions</th><th>verdict</th></tr>";
  for (const RecipeReport& r : report.recipes)
    out += "<tr>" + td(escape(r.toolchain)) + td((r.chosen ? "<b>" : std::string()) + escape(r.recipe) +
                                                 (r.chosen ? "</b>" : std::string())) +
           td(escape(svg::format_seconds(r.build_seconds)), true) + td(std::to_string(r.functions_with_counts), true) +
           td(escape(r.verdict)) + "</tr>";
  return out + "</table></section>";
}

std::string distributions_section(const Report& report) {
  if (report.results.empty()) return "";
  const Labeler label(report);
  std::string out = "<section><h2>Wall-time samples</h2><p class=\"note\">Every timed run of both binaries; the box "
                    "spans the 25th to 75th percentile, the tall tick is the median, hollow dots are outliers "
                    "(flagged, not removed).</p><div class=\"grid\">";
  size_t shown = 0;
  for (const auto& w : report.results) {
    if (shown == kMaxDistributions) break;
    if (w.is_instructions()) continue;  // counts have no wall-time samples
    ++shown;
    std::vector<svg::StripSeries> series;
    for (const auto& [stats, name, color] : {std::tuple{&w.bench.baseline, "baseline", kBaselineColor},
                                             std::tuple{&w.bench.optimized, "optimized", kOptimizedColor}}) {
      svg::StripSeries s{name, color, {}, {}};
      for (const auto& sample : stats->samples) {
        s.values.push_back(sample.wall_s);
        s.outlier.push_back(sample.outlier);
      }
      series.push_back(std::move(s));
    }
    out += "<figure><figcaption title=\"" + escape(full_name(w)) + "\">" + escape(label(w)) + " <span>" +
           (std::isfinite(w.bench.speedup) ? speedup_text(w.bench.speedup) : "") + (w.bench.failed ? " failed" : "") +
           "</span></figcaption>" +
           svg::strip_plot("Wall-time samples of " + full_name(w), series) + "</figure>";
  }
  return out + "</div>" + more_note(report.results.size(), shown, "workloads") + "</section>";
}

std::string results_section(const Report& report) {
  if (report.results.empty()) return "";
  std::string problems;
  size_t problem_count = 0;
  auto problem = [&](const std::string& html) {
    if (++problem_count <= kMaxListItems) problems += "<li>" + html + "</li>";
  };
  const bool metric_column = report.metrics() != std::vector<std::string>{"wall_time"};
  std::string rows;
  size_t shown = 0;
  for (const auto& w : report.results) {
    const bench::BenchResult& r = w.bench;
    const std::string who = "<b>" + escape(full_name(w)) + "</b>";
    if (r.failed) problem(who + ": benchmark failed: <code>" + escape(r.failure) + "</code>");
    if (r.outputs_compared && !r.outputs_match) problem(who + ": outputs differ: <code>" + escape(r.mismatch) + "</code>");
    if (shown++ >= kMaxTableRows) continue;
    if (!w.note.empty()) problem(who + ": " + escape(w.note));
    rows += "<tr>" + td(escape(w.toolchain)) + td(escape(w.target)) + td(escape(w.workload)) +
            (metric_column ? td(escape(w.metric_label())) : "") + td(html_measure_cell(w, false), true) +
            td(html_measure_cell(w, true), true) +
            td(speedup_text(r.speedup), true) +
            td(std::isfinite(r.ci_lo) ? format_fixed(r.ci_lo, 3) + " – " + format_fixed(r.ci_hi, 3) : "-", true) +
            td(!std::isfinite(r.p_value) ? "-" : r.p_value < 0.0001 ? "&lt; 0.0001" : format_fixed(r.p_value, 4), true) +
            td(verdict_badge(r)) + td(std::to_string(r.baseline.runs) + "+" + std::to_string(r.optimized.runs), true) +
            td(outputs_badge(r)) + "</tr>";
  }
  std::string out = "<section><h2>Results</h2>";
  if (!problems.empty()) {
    out += "<ul class=\"problems\">" + problems + "</ul>";
    if (problem_count > kMaxListItems) out += more_note(problem_count, kMaxListItems, "problems");
  }
  out += "<p class=\"note\">Wall time, median ± scaled MAD. Speedup = baseline median / optimized median. The verdict "
         "needs p &lt; 0.05 (Mann-Whitney U) and the whole interval outside the noise band. Instructions: user-space "
         "instructions retired, median of 3 runs; the verdict needs the interval outside the noise band.</p>";
  out += "<table><thead><tr><th>toolchain</th><th>target</th><th>workload</th>" +
         std::string(metric_column ? "<th>metric</th>" : "") + "<th class=\"num\">baseline</th>"
         "<th class=\"num\">optimized</th><th class=\"num\">speedup</th><th class=\"num\">95% CI</th>"
         "<th class=\"num\">p</th><th>verdict</th><th class=\"num\">runs</th><th>outputs</th></tr></thead><tbody>" +
         rows + "</tbody></table>";
  return out + more_note(report.results.size(), std::min(report.results.size(), kMaxTableRows), "results") + "</section>";
}

std::string profiles_section(const Report& report) {
  if (report.profiles.empty()) return "";
  std::string out = "<section><h2>Profiles</h2><table><thead><tr><th>toolchain</th><th>target</th>"
                    "<th class=\"num\">functions</th><th class=\"num\">with counts</th><th class=\"num\">mismatch "
                    "warnings</th><th class=\"num\">missing warnings</th><th class=\"num\">raw profiles</th>"
                    "<th>merged by</th><th>optimized binary differs</th></tr></thead><tbody>";
  for (const auto& p : report.profiles)
    out += "<tr>" + td(escape(p.toolchain)) + td(escape(p.target)) + td(std::to_string(p.summary.functions), true) +
           td(std::to_string(p.summary.functions_with_counts), true) +
           td(std::to_string(p.diagnostics.mismatch_warnings), true) +
           td(std::to_string(p.diagnostics.missing_warnings), true) + td(std::to_string(p.raw_profiles), true) +
           td(escape(p.merge_method)) + td(p.binary_differs ? "yes" : "<span class=\"v failed\">no</span>") + "</tr>";
  out += "</tbody></table>";
  for (const auto& p : report.profiles) {
    const std::string who = escape(p.toolchain + " / " + p.target);
    std::string notes;
    if (p.diagnostics.mismatch_warnings > 0)
      notes += "<li>" + std::to_string(p.diagnostics.mismatch_warnings) +
               " profile mismatch warnings: the profile does not match the code it was applied to.</li>";
    if (p.diagnostics.missing_warnings > 0)
      notes += "<li>" + std::to_string(p.diagnostics.missing_warnings) +
               " missing-profile warnings: functions or files without profile data.</li>";
    for (size_t i = 0; i < p.diagnostics.examples.size() && i < 5; ++i)
      notes += "<li><code>" + escape(p.diagnostics.examples[i]) + "</code></li>";
    for (size_t i = 0; i < p.skipped_inputs.size() && i < 10; ++i)
      notes += "<li>left out of the merge: <code>" + escape(p.skipped_inputs[i]) + "</code></li>";
    if (!p.binary_differs) notes += "<li>the optimized binary is byte-identical to the baseline.</li>";
    if (!p.stored_at.empty()) notes += "<li>stored at <code>" + escape(p.stored_at.string()) + "</code></li>";
    out += "<h3>" + who + "</h3>";
    if (!notes.empty()) out += "<ul class=\"note\">" + notes + "</ul>";
    if (p.summary.hottest.empty()) continue;
    out += "<table><thead><tr><th class=\"num\">#</th><th>hottest functions</th><th class=\"num\">count</th>"
           "<th class=\"num\">share</th><th></th></tr></thead><tbody>";
    for (size_t i = 0; i < p.summary.hottest.size(); ++i) {
      const FunctionCount& f = p.summary.hottest[i];
      const double share = p.summary.total_count
                               ? 100.0 * static_cast<double>(f.count) / static_cast<double>(p.summary.total_count)
                               : 0.0;
      out += "<tr>" + td(std::to_string(i + 1), true) + td("<code>" + escape(f.name) + "</code>") +
             td(std::to_string(f.count), true) + td(format_fixed(share, 1) + "%", true) +
             td("<div class=\"bar\"><span style=\"width:" + format_fixed(std::clamp(share, 0.0, 100.0), 1) +
                "%\"></span></div>") +
             "</tr>";
    }
    out += "</tbody></table>";
  }
  return out + "</section>";
}

std::string other_sections(const Report& report) {
  std::string out;
  if (!report.toolchains.empty()) {
    out += "<section><h2>Toolchains</h2><table><thead><tr><th>toolchain</th><th>compiler</th><th>profile format</th>"
           "<th>compiler path</th><th>C++ compiler</th></tr></thead><tbody>";
    for (const auto& t : report.toolchains)
      out += "<tr>" + td(escape(t.name)) + td(escape(t.compiler_id + " " + t.compiler_version)) +
             td(escape(t.profile_format + " " + t.profile_version)) + td("<code>" + escape(t.tool.string()) + "</code>") +
             td("<code>" + escape(t.cxx_compiler.string()) + "</code>") + "</tr>";
    out += "</tbody></table></section>";
  }
  if (!report.training_failures.empty()) {
    out += "<section><h2>Training failures</h2><p class=\"note\">Left out of the profile (--keep-going).</p>";
    size_t shown = 0;
    for (const auto& f : report.training_failures) {
      if (shown++ == kMaxListItems) break;
      out += "<h3>" + escape(f.toolchain + " / " + f.workload) + ": " + escape(f.status) + "</h3><p><code>" +
             escape(f.command) + "</code></p>";
      if (!f.stderr_tail.empty()) out += "<pre>" + escape(f.stderr_tail) + "</pre>";
    }
    out += more_note(report.training_failures.size(), std::min(report.training_failures.size(), kMaxListItems),
                     "training failures") + "</section>";
  }
  if (!report.stages.empty()) {
    double longest = 0;
    for (const auto& s : report.stages) longest = std::max(longest, s.seconds);
    out += "<section><h2>Stage timings</h2><table><thead><tr><th>stage</th><th>toolchain</th><th class=\"num\">time"
           "</th><th></th></tr></thead><tbody>";
    for (size_t i = 0; i < report.stages.size() && i < kMaxTableRows; ++i) {
      const StageTiming& s = report.stages[i];
      const double pct = longest > 0 && std::isfinite(s.seconds) ? std::clamp(100 * s.seconds / longest, 0.0, 100.0) : 0;
      out += "<tr>" + td(escape(s.name)) + td(escape(s.toolchain)) + td(escape(svg::format_seconds(s.seconds)), true) +
             td("<div class=\"bar\"><span style=\"width:" + format_fixed(pct, 1) + "%\"></span></div>") + "</tr>";
    }
    out += "</tbody></table>" +
           more_note(report.stages.size(), std::min(report.stages.size(), kMaxTableRows), "stages") + "</section>";
  }
  if (!report.warnings.empty()) {
    out += "<section><h2>Warnings</h2><ul>";
    for (size_t i = 0; i < report.warnings.size() && i < kMaxListItems; ++i)
      out += "<li>" + escape(report.warnings[i]) + "</li>";
    out += "</ul>" + more_note(report.warnings.size(), std::min(report.warnings.size(), kMaxListItems), "warnings") +
           "</section>";
  }
  return out;
}

}  // namespace

std::string html_report(const Report& report, double noise) {
  if (!std::isfinite(noise) || noise < 0) noise = 0;
  std::string meta;
  auto add_meta = [&meta](const std::string& html) { meta += (meta.empty() ? "" : " · ") + html; };
  if (!report.project.empty()) add_meta("project <code>" + escape(report.project.string()) + "</code>");
  if (!report.created.empty()) add_meta(escape(report.created));
  if (!report.pgo_version.empty()) add_meta("pgo " + escape(report.pgo_version));
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>pgo report: " +
         escape(report.project.filename().string()) + "</title><style>" + kStyle + "</style></head>\n<body><main>" +
         "<h1>pgo report</h1><p class=\"meta\">" + meta + "</p>" + summary_cards(report, noise) +
         recipes_section(report, noise) + forest_section(report, noise) + distributions_section(report) + results_section(report) +
         profiles_section(report) + other_sections(report) +
         "<p class=\"note\">report.json next to this page holds every figure and sample.</p></main></body></html>\n";
}

}  // namespace pgo
