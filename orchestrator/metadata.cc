#include "orchestrator/metadata.h"

#include "orchestrator/report/report.h"
#include "orchestrator/store.h"
#include "support/hash.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

// Flags with the merged profile's scratch path replaced: the stored copy lives elsewhere.
nlohmann::json flags_json(const Flags& flags, const fs::path& profile) {
  // Adapters may spell the path with symlinks resolved (GCC's clean()): scrub both forms.
  std::error_code ec;
  std::vector<std::string> spellings = {profile.string(), fs::weakly_canonical(profile, ec).string()};
  auto scrub = [&](std::vector<std::string> v) {
    for (auto& f : v)
      for (const auto& p : spellings) {
        size_t at = p.empty() ? std::string::npos : f.find(p);
        if (at != std::string::npos) f.replace(at, p.size(), "<profile>");
      }
    return v;
  };
  return {{"compile", scrub(flags.compile)}, {"link", scrub(flags.link)}};
}

}  // namespace

nlohmann::json flags_metadata(const Config& config, const Flags& instrument, const Flags& use, const fs::path& profile) {
  return {{"build_type", config.build.build_type},
          {"configure_args", config.build.configure_args},
          {"instrument", flags_json(instrument, profile)},
          {"use", flags_json(use, profile)}};
}

std::string workloads_fingerprint(const Config& config) {
  Fingerprint fp;
  for (const auto& w : config.workloads) {
    if (!w.train) continue;
    fp.add("name", w.name).add("run", join(w.run, "\x1f")).add("shell", w.shell ? "1" : "0");
    for (const auto& [k, v] : w.env) fp.add("env:" + k, v);
    fp.add("cwd", w.cwd).add("repeat", std::to_string(w.repeat)).add("weight", std::to_string(w.weight));
    if (!w.stdin_file.empty()) {
      fs::path input = config.project_dir / w.stdin_file;
      fp.add("stdin", fs::exists(input) ? sha256_file(input) : "missing");
    }
  }
  return fp.hex();
}

nlohmann::json profile_metadata(const MetadataInputs& in) {
  const Config& c = in.config;
  fs::path source_dir = c.project_dir / c.build.source_dir;
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, digest] : hash_sources(source_dir, c.project_dir / c.store_dir)) files[path] = digest;
  nlohmann::json hottest = nlohmann::json::array();
  for (const auto& f : in.summary.hottest) hottest.push_back({{"name", f.name}, {"count", f.count}});
  return {
      {"schema", "pgo-profile/1"},
      {"created", now_iso8601()},
      {"target", in.target},
      {"toolchain",
       {{"name", in.toolchain.name},
        {"compiler_id", in.toolchain.compiler_id},
        {"compiler_version", in.toolchain.compiler_version},
        {"c_compiler", in.toolchain.c_compiler.string()},
        {"cxx_compiler", in.toolchain.cxx_compiler.string()}}},
      {"profile",
       {{"format", in.toolchain.profile_format},
        {"version", in.toolchain.profile_version},
        {"merge_method", in.merge.method},
        {"functions", in.summary.functions},
        {"functions_with_counts", in.summary.functions_with_counts},
        {"total_count", in.summary.total_count},
        {"hottest", hottest}}},
      {"flags", flags_metadata(c, in.instrument_flags, in.use_flags, in.merge.output)},
      {"sources",
       {{"root", fs::relative(source_dir, c.project_dir).string()},
        {"git_commit", git_commit(c.project_dir)},
        {"files", files}}},
      {"workloads_fingerprint", workloads_fingerprint(c)},
      {"speedup", in.speedup},
  };
}

}  // namespace pgo
