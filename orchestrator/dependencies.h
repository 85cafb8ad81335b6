// Dependency versions (docs/staleness.md, "Dependencies"): which module or crate versions a
// profile was trained with, recorded in its metadata ("dependencies"), and the pure
// comparison of those with today's. A Go edge of a dependency's code is unchanged exactly
// when its module's version is (the module cache is content-addressed through go.sum);
// in Rust any dependency bump renames the symbols of every crate that depends on it.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/function_match.h"

namespace pgo {

// Module path -> version from a go.mod: every `require` (since Go 1.17 go.mod lists every
// module that provides a package to the build, indirect ones marked `// indirect`), with a
// `replace` shown as "v1.2.0 => ../fork" or "v1.2.0 => example.com/fork v1.3.0".
std::map<std::string, std::string> go_mod_versions(std::string_view go_mod);

// Crate name -> version from a Cargo.lock: every [[package]] with a `source` (registry or
// git; path crates are the project's own sources, which source drift covers). Several
// versions of one crate are joined: "0.7.5, 0.8.5".
std::map<std::string, std::string> cargo_lock_versions(std::string_view cargo_lock);

// The metadata's "dependencies" object for a project whose sources are in `source_dir`:
// {"file": "go.mod", "modules": {...}} for build.system go, {"file": "Cargo.lock", ...}
// for cargo (the lock file of the source directory or the nearest one above it, up to
// `project_dir`); null for other build systems or when there is no such file.
nlohmann::json dependency_metadata(const std::string& build_system, const std::filesystem::path& source_dir,
                                   const std::filesystem::path& project_dir);

struct DependencyDrift {
  std::string module;
  std::string then;  // "(none)": added since
  std::string now;   // "(none)": removed since
  size_t entries = 0;       // profile entries in it (Go: call edges), after weigh_dependency_entries
  uint64_t count = 0;       // their weight
  bool holds_profile = false;  // the profile has weight in it (Rust: always, see the header)
};

// The modules whose version differs between the stored and the current "dependencies"
// objects, by module path. Empty when either side was not recorded.
std::vector<DependencyDrift> dependency_drift(const nlohmann::json& stored, const nlohmann::json& current);

// The module of a Go package or module key: the longest recorded module path that is the
// key or a path prefix of it (a module's own package prefix may have its last element's
// dots escaped as %2e); "" when none.
std::string module_of_package(const std::string& package, const nlohmann::json& modules);

// Counts a match's dependency entries (FunctionMatch::dependency_entries) by module version:
// those of a module recorded with the same version then and now as unchanged, those of a
// drifted module as changed (one mismatched entry per module, naming both versions), those
// of a module not recorded then are left out. Fills each drift's entries, count and
// holds_profile; recomputes the mismatched shares.
void weigh_dependency_entries(FunctionMatch& match, std::vector<DependencyDrift>& drift,
                              const nlohmann::json& stored_dependencies);

// "github.com/x/y v1.8.2 -> v1.7.0 (12 call edges, 80.1% of the profile's weight)".
std::string describe(const DependencyDrift& drift, uint64_t profile_count);

}  // namespace pgo
