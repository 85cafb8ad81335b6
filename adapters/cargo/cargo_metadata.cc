#include "adapters/cargo/cargo_metadata.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "support/error.h"
#include "support/json_fields.h"
#include "support/strings.h"

namespace pgo::cargo {
namespace fs = std::filesystem;
using nlohmann::json;

const Package* Metadata::find_id(const std::string& id) const {
  for (const Package& p : packages)
    if (p.id == id) return &p;
  return nullptr;
}

std::vector<const Package*> Metadata::named(const std::string& name) const {
  std::vector<const Package*> out;
  for (const Package& p : packages)
    if (p.name == name) out.push_back(&p);
  return out;
}

Metadata parse_metadata(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("packages") || !j["packages"].is_array())
    throw BuildError("`cargo metadata` printed something that is not Cargo's metadata JSON: " +
                     tail_lines(text, 5, 1024));
  Metadata m;
  for (const json& p : j["packages"]) {
    if (!p.is_object()) continue;
    Package pkg{json_string(p, "id"), json_string(p, "name"), json_string(p, "version"), json_string(p, "manifest_path"),
                {}, {}, {}};
    if (auto t = p.find("targets"); t != p.end() && t->is_array())
      for (const json& target : *t) {
        std::vector<std::string> kinds = json_strings(target, "kind");
        auto is = [&](const char* kind) { return std::find(kinds.begin(), kinds.end(), kind) != kinds.end(); };
        if (is("bin")) pkg.bins.push_back(json_string(target, "name"));
        if (is("test")) pkg.tests.push_back(json_string(target, "name"));
        if (is("bench")) pkg.benches.push_back(json_string(target, "name"));
      }
    m.packages.push_back(std::move(pkg));
  }
  m.workspace_members = json_strings(j, "workspace_members");
  m.default_members = json_strings(j, "workspace_default_members");
  m.workspace_root = json_string(j, "workspace_root");
  return m;
}

std::vector<const Package*> selected_packages(const Metadata& m, const std::string& package, const fs::path& source_dir) {
  std::vector<const Package*> members;
  for (const std::string& id : m.workspace_members)
    if (const Package* p = m.find_id(id)) members.push_back(p);
  if (!package.empty()) {
    for (const Package* p : members)
      if (p->name == package) return {p};
    std::vector<std::string> names;
    for (const Package* p : members) names.push_back(p->name);
    throw UsageError("build.package: '" + package + "' is not a package of the Cargo workspace at " +
                     m.workspace_root.string() + "; its packages are: " + join(names, ", "));
  }
  const fs::path manifest = (source_dir / "Cargo.toml").lexically_normal();
  for (const Package* p : members)
    if (p->manifest_path.lexically_normal() == manifest) return {p};
  std::vector<const Package*> out;
  for (const std::string& id : m.default_members.empty() ? m.workspace_members : m.default_members)
    if (const Package* p = m.find_id(id)) out.push_back(p);
  return out;
}

}  // namespace pgo::cargo
