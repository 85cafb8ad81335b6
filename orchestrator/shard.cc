#include "orchestrator/shard.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>

#include "support/atomic_file.h"
#include "support/error.h"
#include "support/stored_json.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSchema = "pgo-shard/1";

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

ShardSpec parse_shard(std::string_view text) {
  std::string shown = "--shard " + std::string(text);
  size_t slash = text.find('/');
  ShardSpec s;
  if (slash == std::string_view::npos || !parse_int(text.substr(0, slash), s.index) ||
      !parse_int(text.substr(slash + 1), s.count))
    throw UsageError(shown + ": expected K/N, e.g. --shard 1/4");
  if (s.count < 1) throw UsageError(shown + ": N must be at least 1");
  if (s.index < 1 || s.index > s.count) throw UsageError(shown + ": K must be between 1 and N");
  return s;
}

bool in_shard(size_t run_index, const ShardSpec& shard) {
  return static_cast<int>(run_index % static_cast<size_t>(shard.count)) == shard.index - 1;
}

json manifest_to_json(const ShardManifest& m) {
  json runs = json::array();
  for (const auto& r : m.runs)
    runs.push_back({{"workload", r.workload}, {"repeat", r.repeat}, {"weight", r.weight}, {"profile", r.profile}});
  return {{"schema", kSchema},
          {"toolchain", m.toolchain},
          {"compiler_id", m.compiler_id},
          {"compiler_version", m.compiler_version},
          {"format", m.format},
          {"format_version", m.format_version},
          {"workloads_fingerprint", m.workloads},
          {"instrumented", m.instrumented},
          {"shard", m.shard.label()},
          {"total_runs", m.total_runs},
          {"runs", runs},
          {"failures", m.failures}};
}

ShardManifest read_manifest(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw UsageError(file.string() + ": no shard manifest (make one with pgo train --shard K/N --out DIR)");
  ShardManifest m;
  try {
    json j = json::parse(read_file(file));
    if (!j.is_object() || j.value("schema", json()) != kSchema)
      throw UsageError(file.string() + ": not a pgo-shard/1 manifest");
    StoredJson r(file, "malformed shard manifest", ExitCode::kUsage, StoredJson::Wording::kQuotedKey);
    m.toolchain = r.string(j, "", "toolchain");
    m.compiler_id = r.string(j, "", "compiler_id");
    m.compiler_version = r.string(j, "", "compiler_version");
    m.format = r.string(j, "", "format");
    m.format_version = r.string(j, "", "format_version");
    m.workloads = r.string(j, "", "workloads_fingerprint");
    m.instrumented = r.string_map(j, "", "instrumented");
    m.shard = parse_shard(r.string(j, "", "shard"));
    m.total_runs = r.count(j, "", "total_runs");
    const json& runs = r.field(j, "", "runs", JsonType::kArray);
    r.each(runs, "runs", JsonType::kObject);
    for (size_t i = 0; i < runs.size(); ++i) {
      const std::string at = "runs[" + std::to_string(i) + "]";
      uint64_t repeat = r.count(runs[i], at, "repeat");
      if (repeat > uint64_t(std::numeric_limits<int>::max())) r.fail(at + ".repeat", "out of range");
      m.runs.push_back(ShardRun{r.string(runs[i], at, "workload"), int(repeat), r.count(runs[i], at, "weight"),
                                r.string(runs[i], at, "profile")});
    }
    m.failures = r.strings(j, "", "failures");
  } catch (const json::exception& e) {
    throw UsageError(file.string() + ": malformed shard manifest: " + e.what());
  } catch (const Error& e) {
    if (e.code() == ExitCode::kUsage && std::string(e.what()).starts_with(file.string())) throw;
    throw UsageError(file.string() + ": " + e.what());
  }
  for (const auto& r : m.runs) {
    fs::path p(r.profile);
    if (p.is_absolute() || r.profile.find("..") != std::string::npos)
      throw UsageError(file.string() + ": run " + r.workload + ": profile path '" + r.profile +
                       "' leaves the shard directory");
  }
  return m;
}

void check_manifests_agree(const std::vector<std::pair<fs::path, ShardManifest>>& manifests) {
  if (manifests.empty()) throw UsageError("pgo merge: no shard directory given");
  const auto& [first_file, first] = manifests.front();
  auto differ = [&](const fs::path& file, const std::string& field, const std::string& a, const std::string& b) {
    throw UsageError("shards disagree on " + field + ": " + first_file.string() + " has '" + a + "', " +
                     file.string() + " has '" + b + "' (all shards must come from the same instrumented build "
                     "and pgo.yaml)");
  };
  std::set<int> seen;
  for (const auto& [file, m] : manifests) {
    if (m.toolchain != first.toolchain) differ(file, "toolchain", first.toolchain, m.toolchain);
    if (m.compiler_id != first.compiler_id || m.compiler_version != first.compiler_version)
      differ(file, "compiler", first.compiler_id + " " + first.compiler_version, m.compiler_id + " " + m.compiler_version);
    if (m.format != first.format || m.format_version != first.format_version)
      differ(file, "profile format", first.format + " " + first.format_version, m.format + " " + m.format_version);
    if (m.workloads != first.workloads) differ(file, "workloads fingerprint", first.workloads, m.workloads);
    for (const auto& [target, digest] : m.instrumented) {
      auto it = first.instrumented.find(target);
      std::string theirs = it == first.instrumented.end() ? "(absent)" : it->second;
      if (theirs != digest) differ(file, "instrumented " + target + " (SHA-256)", theirs, digest);
    }
    if (m.instrumented.size() != first.instrumented.size())
      differ(file, "instrumented targets", std::to_string(first.instrumented.size()) + " targets",
             std::to_string(m.instrumented.size()) + " targets");
    if (m.shard.count != first.shard.count)
      differ(file, "shard count N", std::to_string(first.shard.count), std::to_string(m.shard.count));
    if (!seen.insert(m.shard.index).second)
      throw UsageError(file.string() + ": shard " + m.shard.label() + " is given twice");
  }
  std::vector<std::string> missing;
  for (int k = 1; k <= first.shard.count; ++k)
    if (!seen.count(k)) missing.push_back(std::to_string(k) + "/" + std::to_string(first.shard.count));
  if (!missing.empty()) throw UsageError("pgo merge: shards " + join(missing, ", ") + " are missing");
}

fs::path write_shard_manifest(const fs::path& tc_dir, ShardManifest manifest, const std::vector<ShardRun>& runs,
                              const std::vector<fs::path>& run_dirs, const std::vector<WeightedInput>& profiles) {
  for (size_t i = 0; i < runs.size(); ++i) {
    const WeightedInput* found = nullptr;
    for (const auto& p : profiles) {
      fs::path rel = p.path.lexically_relative(run_dirs[i]);
      if (p.path == run_dirs[i] || (!rel.empty() && *rel.begin() != "..")) found = &p;
    }
    if (!found) {
      manifest.failures.push_back(runs[i].workload + " (repeat " + std::to_string(runs[i].repeat + 1) + ")");
      continue;
    }
    ShardRun r = runs[i];
    r.profile = found->path.lexically_relative(tc_dir).string();
    manifest.runs.push_back(r);
  }
  fs::path file = tc_dir / "manifest.json";
  write_file_atomic(file, manifest_to_json(manifest).dump(2) + "\n");
  return file;
}

fs::path shard_toolchain_dir(const fs::path& dir, const std::string& toolchain) { return dir / toolchain; }

std::vector<WeightedInput> load_shards(const std::vector<fs::path>& dirs, const std::string& toolchain,
                                       ShardManifest& agreed) {
  std::vector<std::pair<fs::path, ShardManifest>> manifests;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw UsageError(dir.string() + ": no such shard directory");
    fs::path file = shard_toolchain_dir(dir, toolchain) / "manifest.json";
    manifests.emplace_back(file, read_manifest(file));
    if (manifests.back().second.toolchain != toolchain)
      throw UsageError(file.string() + ": a shard of toolchain '" + manifests.back().second.toolchain + "', not '" +
                       toolchain + "'");
  }
  check_manifests_agree(manifests);
  std::sort(manifests.begin(), manifests.end(),
            [](const auto& a, const auto& b) { return a.second.shard.index < b.second.shard.index; });
  std::vector<WeightedInput> inputs;
  for (const auto& [file, m] : manifests)
    for (const auto& r : m.runs) {
      fs::path p = file.parent_path() / r.profile;
      std::error_code ec;
      if (!fs::exists(p, ec))
        throw UsageError(file.string() + ": run " + r.workload + " (repeat " + std::to_string(r.repeat + 1) +
                         "): its profile " + p.string() + " is missing");
      inputs.push_back(WeightedInput{p, r.weight});
    }
  if (inputs.empty()) throw UsageError("pgo merge: the shards hold no profile");
  agreed = manifests.front().second;
  return inputs;
}

}  // namespace pgo
