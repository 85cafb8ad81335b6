#include "orchestrator/staleness.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

#include "support/error.h"
#include "support/stored_json.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr size_t kMaxMismatchedInJson = 20;

std::string percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100);
  return buf;
}

std::string str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return "";
  return j[key].get<std::string>();
}

std::string display(const json& v) {
  if (v.is_string()) return v.get<std::string>().empty() ? "(none)" : v.get<std::string>();
  if (v.is_null()) return "(none)";
  return v.dump();
}

// "a b c" -> the elements of `now` not in `then` and the reverse, as one line.
std::string list_change(const json& then, const json& now) {
  auto items = [](const json& v) {
    std::vector<std::string> out;
    if (v.is_array())
      for (const auto& e : v) out.push_back(e.is_string() ? e.get<std::string>() : e.dump());
    return out;
  };
  std::vector<std::string> a = items(then), b = items(now);
  std::multiset<std::string> sa(a.begin(), a.end()), sb(b.begin(), b.end());
  std::vector<std::string> removed, added;
  for (const auto& x : a)
    if (!sb.count(x)) removed.push_back(x);
  for (const auto& x : b)
    if (!sa.count(x)) added.push_back(x);
  std::string out;
  if (!removed.empty()) out += join(removed, " ") + " removed";
  if (!added.empty()) out += (out.empty() ? "" : ", ") + join(added, " ") + " added";
  // Same elements as text: either their order changed, or (a hand edit) only the JSON types
  // did — null for [], 1 for "1" — which the text would show as "[] -> []".
  auto shown = [](const json& v) { return v.is_null() ? std::string("(none)") : v.dump(); };
  if (out.empty() && a == b) out = "changed: " + shown(then) + " -> " + shown(now);
  if (out.empty()) out = "order changed: [" + join(a, " ") + "] -> [" + join(b, " ") + "]";
  return out;
}

// Walks two "flags"-shaped objects, naming each differing leaf by its path.
void diff_flags(const json& then, const json& now, const std::string& path, std::vector<std::string>& out) {
  if (then == now) return;
  if (then.is_object() && now.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : then.items()) keys.insert(k);
    for (const auto& [k, v] : now.items()) keys.insert(k);
    for (const auto& k : keys)
      diff_flags(then.contains(k) ? then[k] : json(), now.contains(k) ? now[k] : json(),
                 path.empty() ? k : path + "." + k, out);
    return;
  }
  if ((then.is_array() || then.is_null()) && (now.is_array() || now.is_null())) {
    out.push_back(path + ": " + list_change(then, now));
    return;
  }
  out.push_back(path + ": " + display(then) + " -> " + display(now));
}

}  // namespace

json read_profile_metadata(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ExitCode::kCheckFailed, file.string() + ": cannot read profile metadata");
  std::ostringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    throw Error(ExitCode::kCheckFailed, file.string() + ": corrupt profile metadata: not valid JSON" +
                                            (text.str().empty() ? " (the file is empty)" : ""));
  if (!j.is_object() || str(j, "schema") != "pgo-profile/1")
    throw Error(ExitCode::kCheckFailed, file.string() + ": not pgo profile metadata (expected \"schema\": "
                                        "\"pgo-profile/1\")");
  // Every field pgo reads back (status, build --reuse) is checked here, so that readers can index freely.
  StoredJson r(file, "corrupt profile metadata", ExitCode::kCheckFailed, StoredJson::Wording::kQuotedKey);
  r.string(j, "", "created");
  const json& toolchain = r.field(j, "", "toolchain", JsonType::kObject);
  for (const char* key : {"compiler_id", "compiler_version"}) r.string(toolchain, "toolchain", key);
  const json& profile = r.field(j, "", "profile", JsonType::kObject);
  for (const char* key : {"format", "version"}) r.string(profile, "profile", key);
  for (const char* key : {"functions", "functions_with_counts", "total_count"})
    r.optional(profile, "profile", key, JsonType::kUnsigned);
  r.field(j, "", "flags", JsonType::kObject);
  const json& sources = r.field(j, "", "sources", JsonType::kObject);
  r.each(r.field(sources, "sources", "files", JsonType::kObject), "sources.files", JsonType::kString);
  r.string(sources, "sources", "git_commit");
  r.string_or(j, "", "workloads_fingerprint", "");
  r.string_or(j, "", "recipe", "pgo");
  r.optional(j, "", "speedup", JsonType::kNumber);
  // Where its data came from (orchestrator/imports.h): training and imported parts.
  if (const json* parts = r.optional(j, "", "parts", JsonType::kArray)) {
    r.each(*parts, "parts", JsonType::kObject);
    for (size_t i = 0; i < parts->size(); ++i) {
      const std::string at = "parts[" + std::to_string(i) + "]";
      r.string(parts->at(i), at, "source");
      for (const char* key : {"created", "imported", "sha256", "file"}) r.optional(parts->at(i), at, key, JsonType::kString);
    }
  }
  if (const json* dependencies = r.optional(j, "", "dependencies", JsonType::kObject))
    if (const json* modules = r.optional(*dependencies, "dependencies", "modules", JsonType::kObject))
      r.each(*modules, "dependencies.modules", JsonType::kString);
  return j;
}

std::string recorded_recipe_name(const json& metadata) {
  auto it = metadata.find("recipe");
  return it != metadata.end() && it->is_string() ? it->get<std::string>() : "pgo";
}

std::vector<std::string> toolchain_drift(const json& metadata, const Toolchain& current) {
  std::vector<std::string> out;
  auto check = [&](const std::string& what, const std::string& then, const std::string& now) {
    if (then != now) out.push_back(what + " " + (then.empty() ? "(none)" : then) + " -> " + (now.empty() ? "(none)" : now));
  };
  const json& tc = metadata["toolchain"];
  const json& profile = metadata["profile"];
  check("compiler", str(tc, "compiler_id"), current.compiler_id);
  check("compiler version", str(tc, "compiler_version"), current.compiler_version);
  check("profile format", str(profile, "format"), current.profile_format);
  check("profile format version", str(profile, "version"), current.profile_version);
  return out;
}

std::vector<std::string> flag_drift(const json& stored, const json& current) {
  std::vector<std::string> out;
  diff_flags(stored, current, "", out);
  return out;
}

std::vector<FileChange> source_drift(const json& stored_files, const std::map<std::string, std::string>& current) {
  std::vector<FileChange> out;
  for (const auto& [path, digest] : stored_files.items()) {
    auto it = current.find(path);
    if (it == current.end()) out.push_back({path, "removed"});
    else if (!digest.is_string() || digest.get<std::string>() != it->second) out.push_back({path, "modified"});
  }
  for (const auto& [path, digest] : current)
    if (!stored_files.contains(path)) out.push_back({path, "added"});
  std::sort(out.begin(), out.end(), [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
  return out;
}

std::optional<double> age_in_days(const std::string& created, std::chrono::system_clock::time_point now) {
  std::tm tm{};
  std::istringstream in(created);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  if (in.fail()) return std::nullopt;
  std::time_t then = timegm(&tm);
  double seconds = std::difftime(std::chrono::system_clock::to_time_t(now), then);
  return seconds / 86400.0;
}

void apply_dependency_versions(ProfileStatus& s, const json& stored, const json& current, const std::string& system) {
  s.dependency_drift = dependency_drift(stored, current);
  if (s.match && s.match->available) weigh_dependency_entries(*s.match, s.dependency_drift, stored);
  if (system == "cargo" && !s.dependency_drift.empty()) {
    for (auto& d : s.dependency_drift) d.holds_profile = true;
    s.notes.push_back(
        "Rust: a dependency change renames the symbols of every crate that depends on it (the crate hash in each "
        "mangled name changes with its dependencies' versions), so the profile's functions of those crates, the "
        "program's own included, no longer match: most of the profile is lost (docs/staleness.md)");
  }
  for (const auto& d : s.dependency_drift)
    if (!d.holds_profile) s.notes.push_back("dependency changed, none of the profile's weight in it: " + describe(d, 0));
  if (!s.match || !s.match->available) return;
  const FunctionMatch& m = *s.match;
  if (m.functions == 0)
    s.notes.push_back("nothing of the profile could be compared with the current code (no weighted match); the "
                      "verdict rests on the toolchain, flag and dependency checks alone");
  else if (m.compared_share() < kSmallComparedShare)
    s.notes.push_back("the verdict covers only " + percent(m.compared_share()) +
                      " of the profile's weight (the rest is checked by the toolchain check only)");
}

void judge(ProfileStatus& s, const StalenessSpec& thresholds) {
  s.reasons.clear();
  if (s.skipped) {
    s.stale = false;
    return;
  }
  if (s.missing) s.reasons.push_back("no stored profile: run pgo build");
  if (!s.error.empty()) s.reasons.push_back(s.error);
  for (const auto& d : s.toolchain_drift) s.reasons.push_back("toolchain drift: " + d);
  for (const auto& d : s.flag_drift) s.reasons.push_back("flag drift: " + d);
  uint64_t profile_count = s.match ? std::max(s.match->profile_count, s.match->total_count) : 0;
  for (const auto& d : s.dependency_drift)
    if (d.holds_profile) s.reasons.push_back("dependency drift: " + describe(d, profile_count));
  bool compared = s.match && s.match->available && s.match->functions > 0;
  if (compared && s.match->weighted_match() < thresholds.min_weighted_match) {
    std::string r = "weighted function match " + percent(s.match->weighted_match()) + " is below " +
                    percent(thresholds.min_weighted_match) + " (staleness.min_weighted_match)";
    if (!s.match->mismatched.empty()) {
      const MismatchedFunction& top = s.match->mismatched.front();
      r += "; hottest mismatch: " + top.name + " (" + to_string(top.change) + ", " + percent(top.share) + " of counts)";
    }
    s.reasons.push_back(r);
  }
  if (thresholds.max_age_s && !s.missing && s.error.empty() && s.age_days * 86400.0 > *thresholds.max_age_s) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "age %.1f days exceeds staleness.max_age (%.1f days)", s.age_days,
                  *thresholds.max_age_s / 86400.0);
    s.reasons.push_back(buf);
  }
  s.stale = !s.reasons.empty();
}

namespace {

json dependency_drift_json(const ProfileStatus& s) {
  json out = json::array();
  uint64_t profile_count = s.match ? std::max(s.match->profile_count, s.match->total_count) : 0;
  for (const auto& d : s.dependency_drift)
    out.push_back({{"module", d.module},
                   {"then", d.then},
                   {"now", d.now},
                   {"holds_profile", d.holds_profile},
                   {"entries", d.entries},
                   {"share", profile_count ? static_cast<double>(d.count) / static_cast<double>(profile_count) : 0.0}});
  return out;
}

json cost_to_json(const StalenessCost& cost) {
  json workloads = json::array();
  for (const WorkloadCost& w : cost.workloads) {
    bool ok = w.failure.empty();
    json entry = {{"workload", w.workload},
                         {"metric", w.metric},
                         {"stored_median_s", w.stored_median_s},
                         {"fresh_median_s", w.fresh_median_s},
                         {"speedup", ok ? json(w.speedup) : json()},
                         {"ci", ok ? json::array({w.ci_lo, w.ci_hi}) : json()},
                         {"p_value", ok ? json(w.p_value) : json()},
                         {"verdict", ok ? json(w.verdict) : json()},
                         {"runs", w.runs},
                         {"outputs_match", w.outputs_match},
                         {"failure", ok ? json() : json(w.failure)}};
    if (w.metric == "instructions") {
      entry.erase("stored_median_s");
      entry.erase("fresh_median_s");
      entry["counter"] = w.counter;
      entry["stored_median_instructions"] = w.stored_instructions;
      entry["fresh_median_instructions"] = w.fresh_instructions;
    }
    workloads.push_back(std::move(entry));
  }
  json headlines = json::object();
  for (const auto& [metric, g] : cost.geomean_by_metric) headlines[metric] = cost_headline(cost, metric);
  return {{"measured", cost.measured},
          {"not_measured", cost.measured ? json() : json(cost.not_measured)},
          {"note", cost.note.empty() ? json() : json(cost.note)},
          {"geomean_speedup", cost.geomean_speedup > 0 ? json(cost.geomean_speedup) : json()},
          {"geomean_by_metric", cost.geomean_by_metric},
          {"headline", headlines},
          {"workloads", workloads}};
}

}  // namespace

json status_to_json(const std::vector<ProfileStatus>& statuses, const StalenessSpec& thresholds, const fs::path& project) {
  json profiles = json::array();
  bool any_stale = false;
  for (const auto& s : statuses) {
    any_stale = any_stale || s.stale;
    json changed = json::array();
    for (const auto& c : s.changed_files) changed.push_back({{"path", c.path}, {"change", c.change}});
    json p = {{"target", s.target},
              {"toolchain", s.toolchain},
              {"stale", s.stale},
              {"reasons", s.reasons},
              {"notes", s.notes},
              {"missing", s.missing},
              {"skipped", s.skipped},
              {"profile", s.profile.string()},
              {"created", s.created.empty() ? json() : json(s.created)},
              {"age_days", s.missing || !s.error.empty() ? json() : json(s.age_days)},
              {"speedup", s.speedup > 0 ? json(s.speedup) : json()},
              {"toolchain_drift", s.toolchain_drift},
              {"flag_drift", s.flag_drift},
              {"dependency_drift", dependency_drift_json(s)},
              {"changed_files", changed},
              {"commits_since", s.commits_since ? json(*s.commits_since) : json()},
              {"function_match", json()},
              {"weighted_match", json()}};
    p["compared_share"] = json();
    if (s.match && s.match->available) {
      const FunctionMatch& m = *s.match;
      bool compared = m.functions > 0;  // "0 compared" is no match, never 100%
      p["function_match"] = compared ? json(m.function_match()) : json();
      p["weighted_match"] = compared ? json(m.weighted_match()) : json();
      p["compared_share"] = m.compared_share();
      p["functions"] = {{"total", m.functions}, {"unchanged", m.unchanged}, {"changed", m.changed},
                        {"removed", m.removed}, {"added", m.added}};
      json mismatched = json::array();
      for (size_t i = 0; i < m.mismatched.size() && i < kMaxMismatchedInJson; ++i) {
        const MismatchedFunction& f = m.mismatched[i];
        mismatched.push_back({{"name", f.name}, {"change", to_string(f.change)}, {"count", f.count}, {"share", f.share}});
      }
      p["mismatched_functions"] = mismatched;
    }
    if (s.cost) p["cost"] = cost_to_json(*s.cost);
    profiles.push_back(std::move(p));
  }
  return {{"schema", "pgo-status/1"},
          {"project", project.string()},
          {"thresholds",
           {{"min_weighted_match", thresholds.min_weighted_match},
            {"max_age_days", thresholds.max_age_s ? json(*thresholds.max_age_s / 86400.0) : json()}}},
          {"stale", any_stale},
          {"profiles", profiles}};
}

std::string cost_headline(const StalenessCost& cost, const std::string& metric) {
  auto g = cost.geomean_by_metric.find(metric);
  if (g == cost.geomean_by_metric.end() || !(g->second > 0)) return "";
  double lo = 0, hi = 0;
  bool any = false, significant = false;
  for (const WorkloadCost& w : cost.workloads) {
    if (w.metric != metric || !w.failure.empty()) continue;
    significant |= w.verdict == "faster" || w.verdict == "slower";
    lo = any ? std::min(lo, w.ci_lo) : w.ci_lo;
    hi = any ? std::max(hi, w.ci_hi) : w.ci_hi;
    any = true;
  }
  char buf[256];
  const char* what = metric == "instructions" ? "instructions" : "wall time";
  if (any && !significant) {
    std::snprintf(buf, sizeof buf,
                  "no measurable difference between the stored and a freshly trained profile (%s): every workload "
                  "is no_change, their 95%% intervals span [%.3f, %.3f]",
                  what, lo, hi);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "a freshly trained profile runs %.3fx as fast (%s, geometric mean; > 1: regenerating pays)",
                g->second, what);
  return buf;
}

}  // namespace pgo
