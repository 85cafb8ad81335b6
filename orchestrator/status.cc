#include "orchestrator/status.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include <unistd.h>

#include "orchestrator/build_systems.h"
#include "orchestrator/dependencies.h"
#include "orchestrator/formats.h"
#include "orchestrator/metadata.h"
#include "orchestrator/pipeline.h"
#include "orchestrator/status_cost.h"
#include "orchestrator/store.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "support/temporary_directory.h"

namespace pgo {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct StoredEntry {
  fs::path profile;   // empty: metadata without a profile
  fs::path metadata;  // may not exist
};

// profiles/<target>/<toolchain>.<ext> and <toolchain>.json, keyed by (target, toolchain).
// Names starting with '.' are work in progress of an atomic write and are skipped.
std::map<std::pair<std::string, std::string>, StoredEntry> list_store(const fs::path& profiles_dir) {
  std::map<std::pair<std::string, std::string>, StoredEntry> out;
  std::error_code ec;
  if (!fs::is_directory(profiles_dir, ec)) return out;
  for (const auto& target_dir : fs::directory_iterator(profiles_dir, ec)) {
    if (!target_dir.is_directory(ec)) continue;
    std::string target = target_dir.path().filename().string();
    for (const auto& e : fs::directory_iterator(target_dir.path(), ec)) {
      std::string name = e.path().filename().string();
      size_t dot = name.find('.');
      if (name.empty() || name[0] == '.' || dot == std::string::npos || dot == 0) continue;
      StoredEntry& entry = out[{target, name.substr(0, dot)}];
      if (name.substr(dot) == ".json") entry.metadata = e.path();
      else entry.profile = e.path();
    }
  }
  return out;
}

std::optional<int> commits_since(const std::string& commit, const fs::path& dir, ProcessRunner& runner) {
  if (commit.empty() || !find_program("git")) return std::nullopt;
  fs::path out = fs::temp_directory_path() / ("pgo-status-git-" + std::to_string(getpid()));
  ProcessSpec spec;
  spec.argv = {"git", "-C", dir.string(), "rev-list", "--count", commit + "..HEAD"};
  spec.stdout_file = out;
  spec.timeout = std::chrono::seconds(30);
  ProcessResult r = runner.run(spec);
  std::optional<int> n;
  if (r.ok()) {
    try {
      n = std::stoi(read_file(out));
    } catch (const std::exception&) {
    }
  }
  std::error_code ec;
  fs::remove(out, ec);
  return n;
}

class ToolchainStatus {
 public:
  // `scratch` holds status's own trees (the store itself, or a temporary directory when
  // the store is read-only or another pgo holds it).
  ToolchainStatus(const Config& config, const StatusOptions& options, const ToolchainSpec& spec,
                  ProcessRunner& runner, Progress& progress, const ProfileStore& store, const ProfileStore& scratch)
      : config_(config), options_(options), spec_(spec), runner_(runner), progress_(progress), store_(store),
        scratch_(scratch),
        build_system_(make_build_system(config, spec, runner)) {}

  void check(std::vector<ProfileStatus*>& profiles) {
    const std::string& tc = spec_.name;
    std::vector<std::pair<ProfileStatus*, json>> readable;
    for (ProfileStatus* s : profiles) {
      if (s->missing || !s->error.empty()) continue;
      try {
        readable.push_back({s, read_profile_metadata(s->metadata)});
      } catch (const Error& e) {
        s->error = e.what();
      }
    }
    if (readable.empty()) return;

    progress_.stage(tc, "detect");
    Toolchain toolchain = build_system_->detect(scratch_.build_dir(tc, "baseline"));
    progress_.finish_stage();
    toolchain.name = tc;
    std::map<std::string, std::string> sources =
        hash_sources(config_.project_dir / config_.build.source_dir, config_.project_dir / config_.store_dir);

    // The current code, instrumented: a tree of its own, so the build's trees stay as they are.
    BuildRequest request;
    request.kind = BuildKind::Instrumented;
    request.build_dir = scratch_.build_dir(tc, "status-instrumented");
    request.targets = config_.build.targets;
    request.jobs = options_.jobs;
    std::unique_ptr<ProfileFormat> format;
    BuildResult current;
    bool built = false;
    auto build_current = [&] {
      if (built) return;
      progress_.stage(tc, "build instrumented (current code)");
      for (bool threads : {false, true}) {
        FormatContext fctx{runner_, request.build_dir, scratch_.build_dir(tc, "status-raw-profiles"), threads};
        format = make_profile_format(toolchain, fctx);
        request.flags = format->instrument_flags(request);
        current = build_system_->build(request);
        if (links_threads(current) == threads) break;  // else once more with atomic counters, as the build does
      }
      progress_.finish_stage();
      built = true;
    };

    // The format the pipeline would use (its directories, not status's).
    FormatContext pipeline_ctx{runner_, store_.build_dir(tc, "instrumented"), store_.build_dir(tc, "raw-profiles"),
                               false};
    std::unique_ptr<ProfileFormat> pipeline_format = make_profile_format(toolchain, pipeline_ctx);
    toolchain.profile_format = pipeline_format->name();
    toolchain.profile_version = pipeline_format->format_version(toolchain);
    detected_ = toolchain;

    for (auto& [s, meta] : readable) {
      s->created = meta["created"].get<std::string>();
      s->age_days = age_in_days(s->created, std::chrono::system_clock::now()).value_or(0);
      if (meta.contains("speedup") && meta["speedup"].is_number()) s->speedup = meta["speedup"].get<double>();
      s->toolchain_drift = toolchain_drift(meta, toolchain);
      s->changed_files = source_drift(meta["sources"]["files"], sources);
      s->commits_since = commits_since(meta["sources"]["git_commit"].get<std::string>(), config_.project_dir, runner_);
      if (s->profile.empty()) {
        s->error = s->metadata.string() + ": its profile is missing from " + s->metadata.parent_path().string();
        continue;
      }
      if (!s->toolchain_drift.empty()) continue;  // unusable: no point matching functions
      build_current();
      s->flag_drift = flag_drift(meta["flags"], current_flags(current));
      try {
        s->match = format->match(s->profile, request, current);
      } catch (const Error& e) {
        s->error = std::string("corrupt stored profile: ") + e.what();
        continue;
      }
      if (!s->match->note.empty()) s->notes.push_back(s->match->note);  // why none, or a caveat (Go: edges)
    }
    // Module and crate versions then and now: dependency drift, and the Go edges it decides.
    json dependencies = dependency_metadata(config_.build.system, config_.project_dir / config_.build.source_dir,
                                            config_.project_dir);
    for (auto& [s, meta] : readable)
      if (s->error.empty() && !s->profile.empty())
        apply_dependency_versions(*s, meta.value("dependencies", json()), dependencies, config_.build.system);
    if (options_.cost) measure_cost(readable, format.get(), request, current);
  }

 private:
  // `--cost`: every profile that a build can still use gets its cost measured. `format` is
  // null when the current code was not built (every profile had toolchain drift).
  void measure_cost(const std::vector<std::pair<ProfileStatus*, json>>& readable, const ProfileFormat* format,
                    const BuildRequest& request, const BuildResult& current) {
    std::optional<CostContext> ctx;
    std::optional<StalenessCostMeter> meter;
    for (const auto& [s, meta] : readable) {
      StalenessCost cost;
      if (s->profile.empty()) continue;
      if (!s->toolchain_drift.empty()) {
        cost.not_measured = "toolchain drift: the stored profile does not fit the current compiler";
      } else if (!s->error.empty() || !format) {
        cost.not_measured = "the stored profile could not be read";
      } else {
        if (!meter) {
          ctx.emplace(CostContext{config_, spec_.name, runner_, progress_, store_, *build_system_, *format, request,
                                  current, options_.jobs, options_.metric});
          meter.emplace(*ctx);
        }
        cost = meter->measure(s->profile);
      }
      s->cost = std::move(cost);
    }
  }

  // The "flags" object the pipeline would store now. Instrument flags depend on whether a
  // target links threads (atomic counters), which the status build found out.
  json current_flags(const BuildResult& current) {
    bool threads = links_threads(current);
    const std::string& tc = spec_.name;
    FormatContext ctx{runner_, store_.build_dir(tc, "instrumented"), store_.build_dir(tc, "raw-profiles"), threads};
    auto format = make_profile_format(detected_, ctx);
    BuildRequest r;
    r.targets = config_.build.targets;
    r.kind = BuildKind::Instrumented;
    r.build_dir = store_.build_dir(tc, "instrumented");
    Flags instrument = format->instrument_flags(r);
    r.kind = BuildKind::Optimized;
    r.build_dir = store_.build_dir(tc, "optimized");
    fs::path merged = store_.build_dir(tc, "merged") / ("profile-0000000000000000" + format->merged_extension());
    Flags use = format->use_flags(merged, r);
    return flags_metadata(config_, instrument, use, merged);
  }

  const Config& config_;
  const StatusOptions& options_;
  const ToolchainSpec& spec_;
  ProcessRunner& runner_;
  Progress& progress_;
  const ProfileStore& store_;
  const ProfileStore& scratch_;
  std::unique_ptr<BuildSystem> build_system_;
  Toolchain detected_;
};

}  // namespace

std::vector<ProfileStatus> run_status(const Config& config, const StatusOptions& options, ProcessRunner& runner,
                                      Progress& progress) {
  ProfileStore store(config.project_dir / config.store_dir);
  // Reading the store needs no lock (its writes are atomic); the lock guards status's own
  // trees under .pgo/build. `--cost` trains and builds there, so it needs it; plain status
  // builds the current code in a temporary directory when the store is read-only or a
  // build holds the lock, and then writes nothing in .pgo.
  std::string why_not;
  std::unique_ptr<StoreLock> lock =
      options.cost ? std::make_unique<StoreLock>(store.root()) : StoreLock::try_take(store.root(), why_not);
  std::optional<TemporaryDirectory> elsewhere;
  if (lock) {
    store.remove_interrupted_writes();
  } else {
    elsewhere.emplace("pgo-status");
    progress.note("store: " + why_not + "; reading it without the lock, building the current code in " +
                  elsewhere->path().string() + " (removed afterwards)");
  }
  ProfileStore scratch(elsewhere ? elsewhere->path() : store.root());
  auto stored = list_store(store.root() / "profiles");
  std::vector<ToolchainSpec> selected = select_toolchains(config, options.toolchains);
  std::set<std::string> selected_names;
  for (const auto& t : selected) selected_names.insert(t.name);
  std::set<std::string> configured_targets(config.build.targets.begin(), config.build.targets.end());

  std::vector<ProfileStatus> out;
  auto add = [&](const std::string& target, const std::string& tc) -> ProfileStatus& {
    ProfileStatus s;
    s.target = target;
    s.toolchain = tc;
    s.metadata = store.metadata_path(target, tc);
    out.push_back(std::move(s));
    return out.back();
  };
  for (const auto& [key, entry] : stored) {
    const auto& [target, tc] = key;
    bool configured = std::any_of(config.toolchains.begin(), config.toolchains.end(),
                                  [&](const ToolchainSpec& t) { return t.name == tc; });
    if (configured && !selected_names.count(tc)) continue;  // left out by --toolchain
    ProfileStatus& s = add(target, tc);
    s.profile = entry.profile;
    s.skipped = !configured || (!configured_targets.empty() && !configured_targets.count(target));
    if (!configured) s.notes.push_back("not checked: toolchain '" + tc + "' is not in " + config.file.string());
    else if (!configured_targets.empty() && !configured_targets.count(target))
      s.notes.push_back("not checked: target '" + target + "' is not in build.targets");
    else if (entry.metadata.empty())
      s.error = s.metadata.string() + ": missing: the profile " + entry.profile.string() +
                " has no metadata (an interrupted save?)";
  }
  // Configured targets without a profile.
  for (const auto& t : selected)
    for (const auto& target : config.build.targets)
      if (!stored.count({target, t.name})) add(target, t.name).missing = true;
  std::sort(out.begin(), out.end(), [](const ProfileStatus& a, const ProfileStatus& b) {
    return a.target != b.target ? a.target < b.target : a.toolchain < b.toolchain;
  });

  try {
    for (const auto& spec : selected) {
      std::vector<ProfileStatus*> mine;
      for (auto& s : out)
        if (s.toolchain == spec.name && !s.skipped) mine.push_back(&s);
      if (!mine.empty()) ToolchainStatus(config, options, spec, runner, progress, store, scratch).check(mine);
    }
  } catch (...) {
    throw_if_interrupted();
    throw;
  }
  for (auto& s : out) judge(s, config.staleness);
  return out;
}

namespace {

// "-" also when nothing was compared: "0/0" is no match, never 100%.
std::string pct(const std::optional<FunctionMatch>& m, bool weighted) {
  if (!m || !m->available || m->functions == 0) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * (weighted ? m->weighted_match() : m->function_match()));
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

void print_cost(const StalenessCost& cost, std::ostream& out) {
  if (!cost.measured) {
    out << "    cost: not measured: " << cost.not_measured << "\n";
    return;
  }
  char buf[160];
  for (const auto& [metric, g] : cost.geomean_by_metric)
    if (std::string headline = cost_headline(cost, metric); !headline.empty()) out << "    cost: " << headline << "\n";
  if (!cost.note.empty()) out << "    cost: " << cost.note << "\n";
  for (const WorkloadCost& w : cost.workloads) {
    if (!w.failure.empty()) {
      out << "      " << w.workload << ": failed: " << w.failure << "\n";
      continue;
    }
    if (w.metric == "instructions")
      std::snprintf(buf, sizeof buf, "%.0f instructions stored, %.0f fresh (%s), %.4fx [%.4f, %.4f], %s, %d runs",
                    w.stored_instructions, w.fresh_instructions, w.counter.c_str(), w.speedup, w.ci_lo, w.ci_hi,
                    w.verdict.c_str(), w.runs);
    else
      std::snprintf(buf, sizeof buf, "%.4f s stored, %.4f s fresh, %.3fx [%.3f, %.3f], p %.2g, %s, %d runs",
                    w.stored_median_s, w.fresh_median_s, w.speedup, w.ci_lo, w.ci_hi, w.p_value, w.verdict.c_str(),
                    w.runs);
    out << "      " << w.workload << ": " << buf << "\n";
  }
}

}  // namespace

void print_status_table(const std::vector<ProfileStatus>& statuses, const StalenessSpec& thresholds,
                        std::ostream& out) {
  if (statuses.empty()) {
    out << "No stored profiles (run pgo build).\n";
    return;
  }
  const std::vector<std::string> head = {"TARGET", "TOOLCHAIN", "STATUS", "WEIGHTED", "COMPARED", "FUNCTIONS", "FILES",
                                         "AGE", "SPEEDUP"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : statuses) {
    char age[32] = "-", speedup[32] = "-", functions[48] = "-", compared[16] = "-";  // compared: share of the weight
    if (!s.created.empty()) std::snprintf(age, sizeof age, "%.1fd", s.age_days);
    if (s.speedup > 0) std::snprintf(speedup, sizeof speedup, "%.3fx", s.speedup);
    if (s.match && s.match->available)
      std::snprintf(functions, sizeof functions, "%zu/%zu (%s)", s.match->unchanged, s.match->functions,
                    pct(s.match, false).c_str());
    if (s.match && s.match->available) std::snprintf(compared, sizeof compared, "%.1f%%", 100 * s.match->compared_share());
    std::string state = s.skipped ? "unchecked" : s.missing ? "MISSING" : s.stale ? "STALE" : "fresh";
    rows.push_back({s.target, s.toolchain, state, pct(s.match, true), compared, functions,
                    s.missing ? "-" : std::to_string(s.changed_files.size()), age, speedup});
  }
  std::vector<size_t> width(head.size());
  for (size_t i = 0; i < head.size(); ++i) {
    width[i] = head[i].size();
    for (const auto& r : rows) width[i] = std::max(width[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (size_t i = 0; i < cells.size(); ++i) l += pad(cells[i], width[i] + 2);
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out << l << "\n";
  };
  line(head);
  for (size_t i = 0; i < rows.size(); ++i) {
    line(rows[i]);
    const ProfileStatus& s = statuses[i];
    for (const auto& r : s.reasons) out << "    - " << r << "\n";
    for (const auto& n : s.notes) out << "    note: " << n << "\n";
    if (s.match && s.match->available)
      for (size_t k = 0; k < s.match->mismatched.size() && k < 5; ++k) {
        const MismatchedFunction& f = s.match->mismatched[k];
        if (f.count == 0) break;
        char share[16];
        std::snprintf(share, sizeof share, "%.1f%%", 100 * f.share);
        out << "    " << to_string(f.change) << ": " << f.name << " (" << share << " of counts)\n";
      }
    if (s.cost) print_cost(*s.cost, out);
    if (!s.changed_files.empty()) {
      std::vector<std::string> names;
      for (size_t k = 0; k < s.changed_files.size() && k < 6; ++k)
        names.push_back(s.changed_files[k].path + " (" + s.changed_files[k].change + ")");
      if (s.changed_files.size() > 6) names.push_back("...");
      out << "    files: " << join(names, ", ");
      if (s.commits_since) out << "; " << *s.commits_since << " commit(s) since";
      out << "\n";
    }
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f%%", thresholds.min_weighted_match * 100);
  out << "\nThresholds: min_weighted_match " << buf;
  if (thresholds.max_age_s) {
    std::snprintf(buf, sizeof buf, "%.1f days", *thresholds.max_age_s / 86400);
    out << ", max_age " << buf;
  }
  out << " (staleness: in pgo.yaml)\n";
}

}  // namespace pgo
