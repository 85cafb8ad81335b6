// Reading `cargo metadata --format-version 1`: the packages of the workspace and their bin
// targets (what `pgo build` can build), test and bench targets (what workloads may run), and whether the dependency graph holds a crate
// such as `cc` (which compiles C code with a compiler of its own choosing).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pgo::cargo {

struct Package {
  std::string id;
  std::string name;
  std::string version;
  std::filesystem::path manifest_path;
  std::vector<std::string> bins;     // bin target names
  std::vector<std::string> tests;    // integration test target names (tests/*.rs)
  std::vector<std::string> benches;  // bench target names (benches/*.rs)
};

struct Metadata {
  std::vector<Package> packages;            // every package of the resolved graph
  std::vector<std::string> workspace_members;
  std::vector<std::string> default_members; // workspace_default_members (empty on old Cargo)
  std::filesystem::path workspace_root;

  const Package* find_id(const std::string& id) const;
  // Packages named `name` (several versions may coexist).
  std::vector<const Package*> named(const std::string& name) const;
};

// Throws pgo::BuildError if the text is not Cargo's metadata JSON.
Metadata parse_metadata(std::string_view json_text);

// The packages whose bins `cargo build` builds: the workspace member named `package`
// (pgo::UsageError listing the members if there is none), else the package whose manifest
// is `<source_dir>/Cargo.toml` (a package directory), else the workspace's default members.
std::vector<const Package*> selected_packages(const Metadata& metadata, const std::string& package,
                                              const std::filesystem::path& source_dir);

}  // namespace pgo::cargo
