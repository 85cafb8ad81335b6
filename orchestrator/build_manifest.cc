#include "orchestrator/build_manifest.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "orchestrator/report/json.h"
#include "orchestrator/stored_profile.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/hash.h"
#include "support/stored_json.h"

namespace pgo {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json build_json(const ManifestBuild& b) {
  json executables = json::object();
  for (const auto& [target, path] : b.executables) executables[target] = path.string();
  json j = {{"build_dir", b.build_dir.string()},
            {"executables", executables},
            {"flags", {{"compile", b.flags.compile}, {"link", b.flags.link}}}};
  if (!b.profile.empty()) j["profile"] = {{"path", b.profile.string()}, {"sha256", b.profile_sha256}};
  return j;
}

ManifestBuild build_from(const StoredJson& r, const json& j, const std::string& path) {
  ManifestBuild b;
  b.build_dir = r.string(j, path, "build_dir");
  for (const auto& [target, file] : r.string_map(j, path, "executables")) b.executables[target] = file;
  const json& flags = r.field(j, path, "flags", JsonType::kObject);
  b.flags.compile = r.strings(flags, path + ".flags", "compile");
  b.flags.link = r.strings(flags, path + ".flags", "link");
  if (j.contains("profile")) {
    const json& p = r.field(j, path, "profile", JsonType::kObject);
    b.profile = r.string(p, path + ".profile", "path");
    b.profile_sha256 = r.string(p, path + ".profile", "sha256");
  }
  return b;
}

}  // namespace

fs::path manifest_path(const fs::path& baseline_build_dir) { return baseline_build_dir.parent_path() / "manifest.json"; }

ManifestBuild manifest_build(const fs::path& build_dir, const BuildResult& result, const Flags& flags,
                             const fs::path& profile) {
  ManifestBuild b;
  b.build_dir = build_dir;
  b.executables = executables_by_target(result);
  b.flags = flags;
  b.profile = profile;
  std::error_code ec;
  // The store's digest (a gcda tree's covers every file's relative path and content).
  b.profile_sha256 = profile.empty() || !fs::exists(profile, ec) ? "" : profile_digest(profile);
  return b;
}

void write_build_manifest(const fs::path& file, const BuildManifest& m) {
  const Toolchain& t = m.toolchain;
  json builds = json::object();
  for (const auto& [kind, b] : m.builds) builds[kind] = build_json(b);
  json j = {{"schema", kBuildManifestSchema},
            {"created", m.created},
            {"build_system", m.build_system},
            {"toolchain", toolchain_to_json(t)},
            {"builds", builds}};
  write_file_atomic(file, j.dump(2) + "\n");
}

BuildManifest read_build_manifest(const fs::path& file, const std::string& toolchain) {
  if (!fs::exists(file))
    throw UsageError("no build of " + toolchain + " (" + file.string() + " is missing): run `pgo build --toolchain " +
                     toolchain + "` first");
  StoredJson r(file, "a damaged build manifest: run `pgo build` again", ExitCode::kUsage);
  json j = json::parse(read_file(file), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) r.fail("(file)", "not JSON");
  if (!j.is_object()) r.fail("(file)", std::string("expected an object, got ") + j.type_name());
  std::string schema = r.string(j, "", "schema");
  if (schema != kBuildManifestSchema)
    r.fail("schema", "'" + schema + "', this pgo reads '" + kBuildManifestSchema + "'");
  BuildManifest m;
  m.created = r.string(j, "", "created");
  m.build_system = r.string(j, "", "build_system");
  const json& t = r.field(j, "", "toolchain", JsonType::kObject);
  m.toolchain.name = r.string(t, "toolchain", "name");
  m.toolchain.compiler_id = r.string(t, "toolchain", "compiler_id");
  m.toolchain.compiler_version = r.string(t, "toolchain", "version");
  m.toolchain.c_compiler = r.string(t, "toolchain", "c_compiler");
  // Manifests written before the tool path was recorded: the C compiler was the tool.
  m.toolchain.tool = t.contains("tool") ? fs::path(r.string(t, "toolchain", "tool")) : m.toolchain.c_compiler;
  m.toolchain.cxx_compiler = r.string(t, "toolchain", "cxx_compiler");
  m.toolchain.profile_format = r.string(t, "toolchain", "profile_format");
  m.toolchain.profile_version = r.string(t, "toolchain", "profile_version");
  const json& builds = r.field(j, "", "builds", JsonType::kObject);
  r.each(builds, "builds", JsonType::kObject);
  for (const auto& [kind, b] : builds.items()) m.builds[kind] = build_from(r, b, "builds." + kind);
  return m;
}

}  // namespace pgo
