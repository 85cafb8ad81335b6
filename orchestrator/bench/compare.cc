#include "orchestrator/bench/compare.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "orchestrator/bench/instructions.h"
#include "orchestrator/bench/statistics.h"
#include "support/error.h"
#include "support/json_fields.h"
#include "support/strings.h"

namespace pgo::bench {
namespace {

using nlohmann::json;

struct Entry {
  std::string toolchain, target, workload, metric;
  std::vector<double> samples;  // of the optimized binary, in the metric's unit
};

std::string text_field(const json& r, const char* key, const std::string& file) {
  if (!r.contains(key) || !r[key].is_string())
    throw UsageError(file + ": a result has no \"" + key + "\" string: not a pgo report");
  return r[key].get<std::string>();
}

std::vector<Entry> entries_of(const json& report, const std::string& file) {
  if (json_string(report, "schema") != "pgo-report/1")
    throw UsageError(file + ": not a pgo report (no \"schema\": \"pgo-report/1\")");
  std::vector<Entry> entries;
  if (!report.contains("results") || !report["results"].is_array()) return entries;
  for (const json& r : report["results"]) {
    Entry e{text_field(r, "toolchain", file), text_field(r, "target", file), text_field(r, "workload", file),
            r.contains("metric") ? text_field(r, "metric", file) : "wall_time", {}};
    const char* unit = e.metric == "instructions" ? "instructions" : "wall_s";
    if (r.contains("optimized") && r["optimized"].contains("samples"))
      for (const json& s : r["optimized"]["samples"])
        if (s.contains(unit) && s[unit].is_number()) e.samples.push_back(s[unit].get<double>());
    entries.push_back(std::move(e));
  }
  return entries;
}

std::string key_of(const Entry& e) { return e.toolchain + "/" + e.target + "/" + e.workload; }

KeyComparison compare_entries(const Entry& old_e, const Entry& new_e, const CompareSettings& s) {
  KeyComparison k;
  k.toolchain = new_e.toolchain;
  k.target = new_e.target;
  k.workload = new_e.workload;
  k.metric = new_e.metric;
  k.old_runs = old_e.samples.size();
  k.new_runs = new_e.samples.size();
  if (old_e.metric != new_e.metric) {
    k.note = "metrics differ (" + old_e.metric + " in OLD, " + new_e.metric + " in NEW); never compared";
    return k;
  }
  auto positive = [](const std::vector<double>& v) {
    if (v.empty()) return false;
    for (double x : v)
      if (!(x > 0)) return false;
    return true;
  };
  if (!positive(old_e.samples) || !positive(new_e.samples)) {
    k.note = "no usable samples in " + std::string(!positive(old_e.samples) ? "OLD" : "NEW");
    return k;
  }
  k.old_median = median(old_e.samples);
  k.new_median = median(new_e.samples);
  Verdict v;
  if (k.metric == "instructions") {
    RangeRatio rr = range_ratio(new_e.samples, old_e.samples);
    k.ratio = rr.ratio;
    k.lo = rr.lo;
    k.hi = rr.hi;
    v = decide_range(rr.lo, rr.hi, s.noise);
  } else {
    // compare(a, b) measures median(a) / median(b): here new / old, so "faster" means NEW takes longer.
    Comparison c = compare(new_e.samples, old_e.samples, BootstrapSettings{s.resamples, 0.95, s.seed}, s.noise);
    k.ratio = c.speedup.speedup;
    k.lo = c.speedup.lo;
    k.hi = c.speedup.hi;
    k.p_value = c.test.p_value;
    v = c.verdict;
  }
  k.change = v == Verdict::Faster ? Change::Regression : v == Verdict::Slower ? Change::Improvement : Change::NoChange;
  return k;
}

std::string amount(double v, const std::string& metric) {
  if (metric != "instructions") return format_duration(v);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g G instr", v / 1e9);
  return buf;
}

// The verdict's colour: a regression is bad news, an improvement good.
Cell change_cell(Change change) {
  const Tone tone = change == Change::Regression    ? Tone::Bad
                    : change == Change::Improvement ? Tone::Good
                    : change == Change::NoChange    ? Tone::Neutral
                                                    : Tone::Plain;
  return {to_string(change), tone};
}

}  // namespace

const char* to_string(Change change) {
  switch (change) {
    case Change::Regression: return "regression";
    case Change::Improvement: return "improvement";
    case Change::NoChange: return "no_change";
    case Change::NotCompared: return "not_compared";
  }
  return "not_compared";
}

size_t ReportComparison::count(Change change) const {
  size_t n = 0;
  for (const auto& r : rows) n += r.change == change;
  return n;
}

ReportComparison compare_reports(const json& old_report, const json& new_report, const CompareSettings& s) {
  ReportComparison result;
  result.noise = s.noise;
  std::vector<Entry> olds = entries_of(old_report, "OLD"), news = entries_of(new_report, "NEW");
  // Matched by key and metric first (a --metric both report has two results per key), then
  // what is left by key alone: those differ in metric and are listed, never compared.
  using KeyMetric = std::pair<std::string, std::string>;
  std::map<KeyMetric, const Entry*> old_by_km, new_by_km;
  for (const Entry& e : olds) old_by_km.emplace(KeyMetric{key_of(e), e.metric}, &e);  // the first of duplicates counts
  for (const Entry& e : news) new_by_km.emplace(KeyMetric{key_of(e), e.metric}, &e);
  std::set<const Entry*> used;
  auto label = [](const Entry& e) { return key_of(e) + (e.metric == "instructions" ? " [instructions]" : ""); };
  std::vector<const Entry*> unmatched;
  for (const Entry& e : news) {
    if (new_by_km.at({key_of(e), e.metric}) != &e) continue;
    auto it = old_by_km.find({key_of(e), e.metric});
    if (it == old_by_km.end()) {
      unmatched.push_back(&e);
      continue;
    }
    used.insert(it->second);
    result.rows.push_back(compare_entries(*it->second, e, s));
  }
  for (const Entry* e : unmatched) {
    const Entry* other = nullptr;
    for (const auto& [km, o] : old_by_km)
      if (km.first == key_of(*e) && !used.count(o) && !new_by_km.count(km)) other = o;
    if (!other) {
      result.only_in_new.push_back(label(*e));
      continue;
    }
    used.insert(other);
    result.rows.push_back(compare_entries(*other, *e, s));  // "metrics differ"
  }
  for (const Entry& e : olds)
    if (old_by_km.at({key_of(e), e.metric}) == &e && !used.count(&e)) result.only_in_old.push_back(label(e));
  return result;
}

json comparison_to_json(const ReportComparison& c) {
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json rows = json::array();
  for (const auto& k : c.rows) {
    bool compared = k.change != Change::NotCompared;
    rows.push_back({{"toolchain", k.toolchain},
                    {"target", k.target},
                    {"workload", k.workload},
                    {"metric", k.metric},
                    {"old_runs", k.old_runs},
                    {"new_runs", k.new_runs},
                    {"old_median", compared ? number(k.old_median) : json(nullptr)},
                    {"new_median", compared ? number(k.new_median) : json(nullptr)},
                    {"ratio", compared ? number(k.ratio) : json(nullptr)},
                    {k.metric == "instructions" ? "ratio_range" : "ratio_ci95",
                     compared ? json::array({number(k.lo), number(k.hi)}) : json(nullptr)},
                    {"p_value", k.p_value ? number(*k.p_value) : json(nullptr)},
                    {"verdict", to_string(k.change)},
                    {"note", k.note}});
  }
  return {{"schema", "pgo-compare/1"},
          {"old", c.old_file},
          {"new", c.new_file},
          {"noise_threshold", c.noise},
          {"comparisons", rows},
          {"only_in_old", c.only_in_old},
          {"only_in_new", c.only_in_new},
          {"regressions", c.count(Change::Regression)},
          {"improvements", c.count(Change::Improvement)}};
}

void print_comparison(const ReportComparison& c, std::ostream& out, const TerminalStyle& style) {
  out << "\npgo bench --compare\n  OLD " << c.old_file << "\n  NEW " << c.new_file
      << "\n\nOptimized binaries, NEW / OLD (above 1: NEW is slower)\n";
  Table table({"toolchain", "target", "workload", "metric", "old", "new", "new/old", "interval", "p", "verdict"});
  for (const auto& k : c.rows) {
    if (k.change == Change::NotCompared) {
      table.add({k.toolchain, k.target, k.workload, k.metric, "-", "-", "-", "-", "-", change_cell(k.change)});
      continue;
    }
    std::string interval = "[" + format_fixed(k.lo, 3) + ", " + format_fixed(k.hi, 3) + "]" +
                           (k.metric == "instructions" ? " range" : " 95% CI");
    table.add({k.toolchain, k.target, k.workload, k.metric,
               amount(k.old_median, k.metric) + " (" + std::to_string(k.old_runs) + ")",
               amount(k.new_median, k.metric) + " (" + std::to_string(k.new_runs) + ")",
               format_fixed(k.ratio, 3) + "x", interval, k.p_value ? format_fixed(*k.p_value, 4) : "-",
               change_cell(k.change)});
  }
  if (table.has_rows()) table.print(out, style);
  else out << "  (no workload is in both reports)\n";
  for (const auto& k : c.rows)
    if (!k.note.empty()) out << "  " << k.key() << ": " << k.note << '\n';
  for (const auto& key : c.only_in_old) out << "  only in OLD: " << key << '\n';
  for (const auto& key : c.only_in_new) out << "  only in NEW: " << key << '\n';
  out << "\n" << c.count(Change::Regression) << " regression(s), " << c.count(Change::Improvement)
      << " improvement(s), " << c.count(Change::NoChange) << " without change (noise threshold "
      << format_fixed(c.noise * 100, 1) << " %)\n";
}

std::vector<std::string> speedups_below(const Report& report, double threshold) {
  std::vector<std::string> failures;
  for (const auto& t : report.toolchains) {
    std::vector<std::string> metrics = report.metrics(t.name);
    if (metrics.empty()) metrics.push_back("");
    for (const auto& m : metrics) {  // with --metric both, each metric is held against the gate
      const double g = report.geomean_speedup(t.name, m);
      const std::string of = m.empty() ? "" : " (" + m + ")";
      if (g <= 0)
        failures.push_back(t.name + ": no successful benchmark, so no speedup to hold against --fail-below " +
                           format_fixed(threshold, 3));
      else if (g < threshold)
        failures.push_back(t.name + ": geometric-mean speedup" + of + " " + format_fixed(g, 4) +
                           "x is below --fail-below " + format_fixed(threshold, 4));
    }
  }
  return failures;
}

std::vector<std::string> slower_results(const Report& report) {
  std::vector<std::string> failures;
  for (const auto& r : report.results)
    if (r.bench.verdict == Verdict::Slower)
      failures.push_back(r.toolchain + "/" + r.target + "/" + r.workload + ": the optimized binary is slower (" +
                         format_fixed(r.bench.speedup, 3) + "x, " + r.metric + ")");
  return failures;
}

}  // namespace pgo::bench
