#include "orchestrator/dependencies.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "support/atomic_file.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string without_comment(std::string line) {
  size_t at = line.find("//");
  if (at != std::string::npos) line.resize(at);
  return trim(line);
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) {
    if (w.size() >= 2 && (w.front() == '"' || w.front() == '`') && w.back() == w.front()) w = w.substr(1, w.size() - 2);
    out.push_back(w);
  }
  return out;
}

// The value of `key = "value"` in a Cargo.lock line; "" when the line is not that key.
std::string toml_string(const std::string& line, const std::string& key) {
  if (!line.starts_with(key)) return "";
  std::string rest = trim(line.substr(key.size()));
  if (!rest.starts_with("=")) return "";
  rest = trim(rest.substr(1));
  if (rest.size() < 2 || rest.front() != '"' || rest.back() != '"') return "";
  return rest.substr(1, rest.size() - 2);
}

// cmd/internal/objabi.PathToPrefix for the last path element: '.' becomes %2e.
std::string escaped_prefix(const std::string& module) {
  size_t slash = module.rfind('/');
  std::string head = slash == std::string::npos ? "" : module.substr(0, slash + 1);
  std::string last = slash == std::string::npos ? module : module.substr(slash + 1);
  std::string out = head;
  for (char c : last) out += c == '.' ? std::string("%2e") : std::string(1, c);
  return out;
}

std::string weight_percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100);
  return buf;
}

}  // namespace

std::map<std::string, std::string> go_mod_versions(std::string_view go_mod) {
  std::map<std::string, std::string> required;
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> replaces;  // from, to
  std::istringstream in{std::string(go_mod)};
  std::string block;  // "require" or "replace" inside ( ... )
  for (std::string raw; std::getline(in, raw);) {
    std::string line = without_comment(raw);
    if (line.empty()) continue;
    if (!block.empty() && line == ")") {
      block.clear();
      continue;
    }
    std::vector<std::string> w = words(line);
    std::string verb = block;
    if (block.empty()) {
      if ((w[0] == "require" || w[0] == "replace") && w.size() == 2 && w[1] == "(") {
        block = w[0];
        continue;
      }
      verb = w[0];
      w.erase(w.begin());
    }
    if (verb == "require" && w.size() >= 2) {
      required[w[0]] = w[1];
    } else if (verb == "replace") {
      auto arrow = std::find(w.begin(), w.end(), "=>");
      if (arrow != w.end()) replaces.push_back({{w.begin(), arrow}, {arrow + 1, w.end()}});
    }
  }
  for (const auto& [from, to] : replaces) {
    if (from.empty() || to.empty()) continue;
    auto it = required.find(from[0]);
    // A replace of one version applies only to that version.
    if (it == required.end() || (from.size() > 1 && from[1] != it->second)) continue;
    it->second += " => " + join(to, " ");
  }
  return required;
}

std::map<std::string, std::string> cargo_lock_versions(std::string_view cargo_lock) {
  std::map<std::string, std::set<std::string>> versions;
  std::istringstream in{std::string(cargo_lock)};
  std::string name, version, source;
  auto flush = [&] {
    if (!name.empty() && !version.empty() && !source.empty()) versions[name].insert(version);
    name.clear(), version.clear(), source.clear();
  };
  for (std::string raw; std::getline(in, raw);) {
    std::string line = trim(raw);
    if (line.starts_with("[")) {
      flush();
      continue;
    }
    if (std::string v = toml_string(line, "name"); !v.empty()) name = v;
    else if (std::string v = toml_string(line, "version"); !v.empty()) version = v;
    else if (std::string v = toml_string(line, "source"); !v.empty()) source = v;
  }
  flush();
  std::map<std::string, std::string> out;
  for (const auto& [n, vs] : versions) out[n] = join(std::vector<std::string>(vs.begin(), vs.end()), ", ");
  return out;
}

json dependency_metadata(const std::string& build_system, const fs::path& source_dir, const fs::path& project_dir) {
  auto record = [](const fs::path& file, const std::map<std::string, std::string>& versions) {
    json modules = json::object();
    for (const auto& [m, v] : versions) modules[m] = v;
    return json{{"file", file.filename().string()}, {"modules", modules}};
  };
  std::error_code ec;
  if (build_system == "go") {
    fs::path go_mod = source_dir / "go.mod";
    if (!fs::is_regular_file(go_mod, ec)) return nullptr;
    return record(go_mod, go_mod_versions(read_file(go_mod)));
  }
  if (build_system == "cargo") {
    // A workspace member's lock file is the workspace's, in a directory above.
    fs::path stop = fs::weakly_canonical(project_dir, ec);
    for (fs::path dir = fs::weakly_canonical(source_dir, ec);; dir = dir.parent_path()) {
      if (fs::is_regular_file(dir / "Cargo.lock", ec)) return record(dir / "Cargo.lock", cargo_lock_versions(read_file(dir / "Cargo.lock")));
      if (dir == stop || dir == dir.parent_path() || !dir.string().starts_with(stop.string())) break;
    }
  }
  return nullptr;
}

std::vector<DependencyDrift> dependency_drift(const json& stored, const json& current) {
  std::vector<DependencyDrift> out;
  if (!stored.is_object() || !current.is_object() || !stored.contains("modules") || !current.contains("modules"))
    return out;
  const json& then = stored["modules"];
  const json& now = current["modules"];
  if (!then.is_object() || !now.is_object()) return out;
  std::set<std::string> names;
  for (const auto& [k, v] : then.items()) names.insert(k);
  for (const auto& [k, v] : now.items()) names.insert(k);
  auto version = [](const json& modules, const std::string& name) {
    return modules.contains(name) && modules[name].is_string() ? modules[name].get<std::string>() : "(none)";
  };
  for (const auto& name : names) {
    std::string a = version(then, name), b = version(now, name);
    if (a != b) out.push_back({name, a, b});
  }
  return out;
}

std::string module_of_package(const std::string& package, const json& modules) {
  std::string best;
  if (!modules.is_object()) return best;
  for (const auto& [module, version] : modules.items()) {
    bool holds = package == module || package == escaped_prefix(module) || package.starts_with(module + "/");
    if (holds && module.size() > best.size()) best = module;
  }
  return best;
}

void weigh_dependency_entries(FunctionMatch& m, std::vector<DependencyDrift>& drift, const json& stored) {
  const json modules = stored.is_object() && stored.contains("modules") ? stored["modules"] : json();
  for (const auto& [package, entries] : m.dependency_entries) {
    std::string module = module_of_package(package, modules);
    if (module.empty()) continue;  // not recorded then: nothing to compare with
    m.functions += entries.entries;
    m.total_count += entries.count;
    auto d = std::find_if(drift.begin(), drift.end(), [&](const DependencyDrift& x) { return x.module == module; });
    if (d == drift.end()) {
      m.unchanged += entries.entries;
      m.unchanged_count += entries.count;
      continue;
    }
    m.changed += entries.entries;
    d->entries += entries.entries;
    d->count += entries.count;
    d->holds_profile = true;
  }
  m.dependency_entries.clear();  // weighed: now part of the counts
  for (const DependencyDrift& d : drift)
    if (d.entries > 0)
      m.mismatched.push_back({"dependency " + d.module + " " + d.then + " -> " + d.now + " (" +
                                  std::to_string(d.entries) + " edges)",
                              FunctionChange::Changed, d.count, 0});
  for (auto& mm : m.mismatched)
    mm.share = m.total_count == 0 ? 0 : static_cast<double>(mm.count) / static_cast<double>(m.total_count);
  std::stable_sort(m.mismatched.begin(), m.mismatched.end(), [](const MismatchedFunction& a, const MismatchedFunction& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  });
}

std::string describe(const DependencyDrift& d, uint64_t profile_count) {
  std::string out = d.module + " " + d.then + " -> " + d.now;
  if (d.entries > 0)
    out += " (" + std::to_string(d.entries) + " call edges, " +
           weight_percent(profile_count ? static_cast<double>(d.count) / static_cast<double>(profile_count) : 0) +
           " of the profile's weight)";
  return out;
}

}  // namespace pgo
