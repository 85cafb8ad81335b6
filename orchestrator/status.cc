#include "orchestrator/status.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <unistd.h>

#include "orchestrator/dependencies.h"
#include "orchestrator/imports.h"
#include "orchestrator/lto.h"
#include "orchestrator/metadata.h"
#include "orchestrator/pipeline.h"
#include "orchestrator/status_cost.h"
#include "orchestrator/store.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "support/temporary_directory.h"
#include "workloads/expand.h"

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
  ProcessSpec spec;
  spec.argv = {"git", "-C", dir.string(), "rev-list", "--count", commit + "..HEAD"};
  spec.timeout = std::chrono::seconds(30);
  CapturedRun git = run_captured(runner, spec);
  std::optional<int> n;
  if (git.result.ok()) {
    try {
      n = std::stoi(git.out);
    } catch (const std::exception&) {
    }
  }
  return n;
}

class ToolchainStatus {
 public:
  // `scratch` holds status's own trees (the store itself, or a temporary directory when
  // the store is read-only or another pgo holds it).
  ToolchainStatus(const Config& config, const StatusOptions& options, const ToolchainSpec& spec,
                  ProcessRunner& runner, Progress& progress, const ProfileStore& store, const ProfileStore& scratch,
                  const AdapterFactories& adapters)
      : config_(config), options_(options), spec_(spec), runner_(runner), progress_(progress), store_(store),
        scratch_(scratch), adapters_(adapters), build_system_(adapters.build_system(config, spec, runner)) {}

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
    Toolchain toolchain = build_system_->detect(scratch_.build_dir(tc, BuildKind::baseline()));
    progress_.finish_stage();
    toolchain.name = tc;
    std::map<std::string, std::string> sources =
        hash_sources(config_.project_dir / config_.build.source_dir, config_.project_dir / config_.store_dir,
                     [&](const fs::path& f) { return build_system_->is_source(f); });

    // The current code, instrumented: a tree of its own, so the build's trees stay as they are.
    BuildRequest request;
    request.kind = BuildKind{BuildRole::Instrumented, "status-instrumented"};
    request.build_dir = scratch_.build_dir(tc, request.kind);
    request.targets = targets_to_build();
    request.jobs = options_.jobs;
    std::unique_ptr<ProfileFormat> format;
    BuildResult current;
    bool built = false;
    // Built as the profiles' recipe builds its instrumented binaries (with LTO, function
    // identities can differ: Rust's fat LTO renames codegen units). One build serves every
    // target, so the first profile's recipe stands for all; they come from one build.
    const Recipe recipe = recorded_recipe(readable.front().second);
    const Flags recipe_instrument_flags = recipe_flags(recipe, config_, toolchain, {}).instrumented;
    auto build_current = [&] {
      if (built) return;
      progress_.stage(tc, "build instrumented (current code)");
      for (bool threads : {false, true}) {
        FormatContext fctx{runner_, request.build_dir, scratch_.raw_profiles_dir(tc, "status-"), threads};
        format = adapters_.profile_format(toolchain, fctx);
        request.flags = format->instrument_flags(request);
        append_flags(request.flags, recipe_instrument_flags);
        current = build_system_->build(request);
        if (links_threads(current) == threads) break;  // else once more with atomic counters, as the build does
      }
      progress_.finish_stage();
      built = true;
    };

    // The format the pipeline would use (its directories, not status's).
    FormatContext pipeline_ctx{runner_, store_.build_dir(tc, BuildKind::instrumented()), store_.raw_profiles_dir(tc),
                               false};
    std::unique_ptr<ProfileFormat> pipeline_format = adapters_.profile_format(toolchain, pipeline_ctx);
    toolchain.profile_format = pipeline_format->name();
    toolchain.profile_version = pipeline_format->format_version(toolchain);
    detected_ = toolchain;

    for (auto& [s, meta] : readable) {
      // Its age is its oldest part's: an imported profile is as old as its import.
      s->created = oldest_part_time(meta);
      for (std::string& note : import_notes(store_, s->target, tc, meta)) s->notes.push_back(std::move(note));
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
      s->flag_drift = flag_drift(meta["flags"], current_flags(current, recorded_recipe(meta)));
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

  // The recipe a profile was built with ("recipe" in its metadata; plain pgo before it was
  // recorded, or for a name this pgo does not know).
  static Recipe recorded_recipe(const json& meta) {
    try {
      return parse_recipe(recorded_recipe_name(meta));
    } catch (const Error&) {
      return Recipe{};
    }
  }

  // The "flags" object the pipeline would store now for `recipe`. Instrument flags depend on
  // whether a target links threads (atomic counters), which the status build found out.
  json current_flags(const BuildResult& current, const Recipe& recipe) {
    bool threads = links_threads(current);
    const std::string& tc = spec_.name;
    // The trees the pipeline builds this recipe in: they reach the flags (GCC's paths).
    const std::string family = stage_one_family(recipe);
    BuildRequest r;
    r.targets = targets_to_build();
    r.kind = BuildKind{BuildRole::Instrumented, instrumented_tree(family)};
    r.build_dir = store_.build_dir(tc, r.kind);
    FormatContext ctx{runner_, r.build_dir, store_.raw_profiles_dir(tc, family_prefix(family)), threads};
    auto format = adapters_.profile_format(detected_, ctx);
    const RecipeFlags extra =
        recipe_flags(recipe, config_, detected_, adapters_.post_link(recipe, detected_, runner_, store_.toolchain_dir(tc)));
    Flags instrument = format->instrument_flags(r);
    append_flags(instrument, extra.instrumented);
    r.kind = BuildKind{BuildRole::Optimized, recipe.tree_name()};
    r.build_dir = store_.build_dir(tc, r.kind);
    fs::path merged = store_.merged_dir(tc, family_prefix(training_family(recipe))) /
                      ("profile-0000000000000000" + format->merged_extension());
    Flags use = format->use_flags(merged, r);
    append_flags(use, extra.optimized);
    return flags_metadata(config_, instrument, use, merged);
  }

  const Config& config_;
  const StatusOptions& options_;
  const ToolchainSpec& spec_;
  ProcessRunner& runner_;
  Progress& progress_;
  const ProfileStore& store_;
  const ProfileStore& scratch_;
  const AdapterFactories& adapters_;
  std::unique_ptr<BuildSystem> build_system_;

  // build.targets plus the test and bench binaries workloads run, as `pgo build` builds them
  // (empty: every target).
  std::vector<std::string> targets_to_build() {
    std::vector<std::string> targets = config_.build.targets;
    if (!targets.empty())
      for (const std::string& t : build_system_->workload_only_targets(scratch_.build_dir(spec_.name, BuildKind::baseline())))
        if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
    return targets;
  }
  Toolchain detected_;
};

}  // namespace

std::vector<ProfileStatus> run_status(const Config& config, const StatusOptions& options, ProcessRunner& runner,
                                      Progress& progress, const AdapterFactories& adapters) {
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
  // A workload's Cargo test or bench binary is built although build.bins lists bins only (for
  // every other build system a workload's target is already among build.targets).
  if (!configured_targets.empty())
    for (const auto& w : config.workloads)
      for (const std::string& t : referenced_targets(w)) configured_targets.insert(t);

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
      if (!mine.empty()) ToolchainStatus(config, options, spec, runner, progress, store, scratch, adapters).check(mine);
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
  return format_fixed(100 * (weighted ? m->weighted_match() : m->function_match()), 1) + "%";
}

// STALE and MISSING are bad news, fresh good; unchecked says nothing.
Cell status_cell(const ProfileStatus& s) {
  if (s.skipped) return "unchecked";
  if (s.missing) return {"MISSING", Tone::Bad};
  if (s.stale) return {"STALE", Tone::Bad};
  return {"fresh", Tone::Good};
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

// The lines under a profile's row: reasons, notes, hottest mismatches, cost, changed files.
std::string details(const ProfileStatus& s) {
  std::ostringstream out;
  for (const auto& r : s.reasons) out << "    - " << r << "\n";
  for (const auto& n : s.notes) out << "    note: " << n << "\n";
  if (s.match && s.match->available)
    for (size_t k = 0; k < s.match->mismatched.size() && k < 5; ++k) {
      const MismatchedFunction& f = s.match->mismatched[k];
      if (f.count == 0) break;
      out << "    " << to_string(f.change) << ": " << f.name << " (" << format_fixed(100 * f.share, 1)
          << "% of counts)\n";
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
  return out.str();
}

}  // namespace

void print_status_table(const std::vector<ProfileStatus>& statuses, const StalenessSpec& thresholds,
                        std::ostream& out, const TerminalStyle& style) {
  if (statuses.empty()) {
    out << "No stored profiles (run pgo build).\n";
    return;
  }
  Table table({"TARGET", "TOOLCHAIN", "STATUS", "WEIGHTED", "COMPARED", "FUNCTIONS", "FILES", "AGE", "SPEEDUP"},
              "");
  for (const auto& s : statuses) {
    std::string age = "-", speedup = "-", functions = "-", compared = "-";  // compared: share of the weight
    if (!s.created.empty()) age = format_fixed(s.age_days, 1) + "d";
    if (s.speedup > 0) speedup = format_fixed(s.speedup, 3) + "x";
    if (s.match && s.match->available) {
      functions = std::to_string(s.match->unchanged) + "/" + std::to_string(s.match->functions) + " (" +
                  pct(s.match, false) + ")";
      compared = format_fixed(100 * s.match->compared_share(), 1) + "%";
    }
    table.add({s.target, s.toolchain, status_cell(s), pct(s.match, true), compared, functions,
               s.missing ? "-" : std::to_string(s.changed_files.size()), age, speedup},
              details(s));
  }
  table.print(out, style);
  out << "\nThresholds: min_weighted_match " << format_fixed(thresholds.min_weighted_match * 100, 0) << "%";
  if (thresholds.max_age_s) out << ", max_age " << format_fixed(*thresholds.max_age_s / 86400, 1) << " days";
  out << " (staleness: in pgo.yaml)\n";
}

}  // namespace pgo
