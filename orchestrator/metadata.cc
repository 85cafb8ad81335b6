#include "orchestrator/metadata.h"

#include <cstdlib>
#include <map>

#include "orchestrator/dependencies.h"
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

// The environment variables that change what the build system compiles, per build system;
// only those set are recorded, so that setting, changing or unsetting one is flag drift.
nlohmann::json codegen_environment(const std::string& system) {
  static const std::map<std::string, std::vector<const char*>> kVariables = {
      {"cmake", {"CC", "CXX", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS"}},
      {"command", {"CC", "CXX", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS"}},
      {"cargo", {"RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_PROFILE_RELEASE_OPT_LEVEL",
                 "CARGO_PROFILE_RELEASE_LTO", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "CC", "CFLAGS"}},
      {"go", {"GOFLAGS", "GOAMD64", "GOEXPERIMENT", "CGO_CFLAGS", "CGO_LDFLAGS"}},
  };
  nlohmann::json env = nlohmann::json::object();
  auto it = kVariables.find(system);
  if (it == kVariables.end()) return env;
  for (const char* name : it->second)
    if (const char* value = std::getenv(name)) env[name] = value;
  return env;
}

}  // namespace

nlohmann::json flags_metadata(const Config& config, const Flags& instrument, const Flags& use, const fs::path& profile) {
  nlohmann::json flags = {{"build_type", config.build.build_type},
                          {"configure_args", config.build.configure_args},
                          {"environment", codegen_environment(config.build.system)},
                          {"instrument", flags_json(instrument, profile)},
                          {"use", flags_json(use, profile)}};
  if (config.build.system == "cargo") {
    flags["cargo_profile"] = config.build.profile;
    flags["cargo_features"] = config.build.features;
  }
  return flags;
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
  for (const auto& [path, digest] : hash_sources(source_dir, c.project_dir / c.store_dir, in.is_source)) files[path] = digest;
  nlohmann::json hottest = nlohmann::json::array();
  for (const auto& f : in.summary.hottest) hottest.push_back({{"name", f.name}, {"count", f.count}});
  return {
      {"schema", "pgo-profile/1"},
      {"created", now_iso8601()},
      {"target", in.target},
      {"recipe", in.recipe},
      {"toolchain",
       {{"name", in.toolchain.name},
        {"compiler_id", in.toolchain.compiler_id},
        {"compiler_version", in.toolchain.compiler_version},
        {"tool", in.toolchain.tool.string()},
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
      // Module (go.mod) or crate (Cargo.lock) versions: dependency drift in `pgo status`.
      {"dependencies", dependency_metadata(c.build.system, source_dir, c.project_dir)},
      {"workloads_fingerprint", workloads_fingerprint(c)},
      {"parts", in.parts},
      {"speedup", in.speedup},
  };
}

}  // namespace pgo
