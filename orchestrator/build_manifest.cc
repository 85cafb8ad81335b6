#include "orchestrator/build_manifest.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "support/atomic_file.h"
#include "support/error.h"
#include "support/hash.h"

namespace pgo {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A gcda profile is a directory: its digest covers every file's relative path and content.
std::string profile_digest(const fs::path& profile) {
  if (profile.empty() || !fs::exists(profile)) return "";
  if (!fs::is_directory(profile)) return sha256_file(profile);
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(profile))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string listing;
  for (const auto& f : files) listing += fs::relative(f, profile).string() + " " + sha256_file(f) + "\n";
  return sha256_hex(listing);
}

json build_json(const ManifestBuild& b) {
  json executables = json::object();
  for (const auto& [target, path] : b.executables) executables[target] = path.string();
  json j = {{"build_dir", b.build_dir.string()},
            {"executables", executables},
            {"flags", {{"compile", b.flags.compile}, {"link", b.flags.link}}}};
  if (!b.profile.empty()) j["profile"] = {{"path", b.profile.string()}, {"sha256", b.profile_sha256}};
  return j;
}

// Field access that names the file and the field's path when something is off.
class ManifestReader {
 public:
  explicit ManifestReader(fs::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw UsageError(file_.string() + ": " + path + ": " + what +
                     " (a damaged build manifest: run `pgo build` again)");
  }
  const json& field(const json& parent, const std::string& path, const std::string& key, json::value_t type) const {
    const std::string where = path.empty() ? key : path + "." + key;
    if (!parent.contains(key)) fail(where, "missing");
    const json& v = parent.at(key);
    if (v.type() != type) fail(where, std::string("expected ") + type_word(type) + ", got " + v.type_name());
    return v;
  }
  std::string string(const json& parent, const std::string& path, const std::string& key) const {
    return field(parent, path, key, json::value_t::string).get<std::string>();
  }
  std::vector<std::string> strings(const json& parent, const std::string& path, const std::string& key) const {
    std::vector<std::string> out;
    const json& list = field(parent, path, key, json::value_t::array);
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string())
        fail(path + "." + key + "[" + std::to_string(i) + "]", std::string("expected a string, got ") + list[i].type_name());
      out.push_back(list[i].get<std::string>());
    }
    return out;
  }

 private:
  static const char* type_word(json::value_t t) {
    switch (t) {
      case json::value_t::string: return "a string";
      case json::value_t::array: return "an array";
      case json::value_t::object: return "an object";
      default: return "another type";
    }
  }
  fs::path file_;
};

ManifestBuild build_from(const ManifestReader& r, const json& j, const std::string& path) {
  ManifestBuild b;
  b.build_dir = r.string(j, path, "build_dir");
  const json& executables = r.field(j, path, "executables", json::value_t::object);
  for (const auto& [target, value] : executables.items()) {
    if (!value.is_string())
      r.fail(path + ".executables." + target, std::string("expected a string, got ") + value.type_name());
    b.executables[target] = value.get<std::string>();
  }
  const json& flags = r.field(j, path, "flags", json::value_t::object);
  b.flags.compile = r.strings(flags, path + ".flags", "compile");
  b.flags.link = r.strings(flags, path + ".flags", "link");
  if (j.contains("profile")) {
    const json& p = r.field(j, path, "profile", json::value_t::object);
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
  b.profile_sha256 = profile_digest(profile);
  return b;
}

void write_build_manifest(const fs::path& file, const BuildManifest& m) {
  const Toolchain& t = m.toolchain;
  json builds = json::object();
  for (const auto& [kind, b] : m.builds) builds[kind] = build_json(b);
  json j = {{"schema", kBuildManifestSchema},
            {"created", m.created},
            {"build_system", m.build_system},
            {"toolchain",
             {{"name", t.name},
              {"compiler_id", t.compiler_id},
              {"version", t.compiler_version},
              {"tool", t.tool.string()},
              {"c_compiler", t.c_compiler.string()},
              {"cxx_compiler", t.cxx_compiler.string()},
              {"profile_format", t.profile_format},
              {"profile_version", t.profile_version}}},
            {"builds", builds}};
  write_file_atomic(file, j.dump(2) + "\n");
}

BuildManifest read_build_manifest(const fs::path& file, const std::string& toolchain) {
  if (!fs::exists(file))
    throw UsageError("no build of " + toolchain + " (" + file.string() + " is missing): run `pgo build --toolchain " +
                     toolchain + "` first");
  ManifestReader r(file);
  json j = json::parse(read_file(file), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) r.fail("(file)", "not JSON");
  if (!j.is_object()) r.fail("(file)", std::string("expected an object, got ") + j.type_name());
  std::string schema = r.string(j, "", "schema");
  if (schema != kBuildManifestSchema)
    r.fail("schema", "'" + schema + "', this pgo reads '" + kBuildManifestSchema + "'");
  BuildManifest m;
  m.created = r.string(j, "", "created");
  m.build_system = r.string(j, "", "build_system");
  const json& t = r.field(j, "", "toolchain", json::value_t::object);
  m.toolchain.name = r.string(t, "toolchain", "name");
  m.toolchain.compiler_id = r.string(t, "toolchain", "compiler_id");
  m.toolchain.compiler_version = r.string(t, "toolchain", "version");
  m.toolchain.c_compiler = r.string(t, "toolchain", "c_compiler");
  // Manifests written before the tool path was recorded: the C compiler was the tool.
  m.toolchain.tool = t.contains("tool") ? fs::path(r.string(t, "toolchain", "tool")) : m.toolchain.c_compiler;
  m.toolchain.cxx_compiler = r.string(t, "toolchain", "cxx_compiler");
  m.toolchain.profile_format = r.string(t, "toolchain", "profile_format");
  m.toolchain.profile_version = r.string(t, "toolchain", "profile_version");
  const json& builds = r.field(j, "", "builds", json::value_t::object);
  for (const auto& [kind, b] : builds.items()) {
    if (!b.is_object()) r.fail("builds." + kind, std::string("expected an object, got ") + b.type_name());
    m.builds[kind] = build_from(r, b, "builds." + kind);
  }
  return m;
}

}  // namespace pgo
