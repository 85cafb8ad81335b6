// The Go source a build compiled from the main module, per binary: which packages, their
// files, and the prefix their functions carry in a CPU profile. GoBuildSystem writes it
// beside an instrumented build (adapters/go/go_build.h); `pgo status` reads it to find the
// current functions for the Go function match (adapters/pprof/go_functions.h).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pgo {

// File name of the manifest in an instrumented Go build directory.
inline constexpr const char* kGoSourcesFileName = "pgo-go-sources.json";

struct GoSourcePackage {
  std::string import_path;  // as go list prints it, without a " [x.test]" suffix
  std::string prefix;       // the functions' symbol prefix: "main", "example.com/m/kernels"
  std::vector<std::string> files;  // absolute paths of the .go files compiled
};

struct GoSources {
  std::string module_path;  // the main module, e.g. "example.com/m"
  std::map<std::string, std::vector<GoSourcePackage>> targets;  // binary name -> packages
};

// The symbol prefix of a package's functions (cmd/internal/objabi.PathToPrefix): the
// import path with '.' in its last element, '%', '"' and bytes outside printable ASCII
// escaped as %xx; "main" for the main package of a program.
std::string go_symbol_prefix(std::string_view import_path, bool program_main = false);

// The package part of a profile function name: "example.com/m/kernels.(*T).M" ->
// "example.com/m/kernels" (up to the first '.' after the last '/', brackets skipped).
std::string go_symbol_package(std::string_view function_name);

// The module a source file of the module cache belongs to: ".../pkg/mod/github.com/!foo/bar@v1.2.0/x.go"
// -> "github.com/Foo/bar" (the cache's "!x" case escaping undone), `version` "v1.2.0";
// "" for any other file (the main module, the standard library, a replace directory).
std::string go_module_of_file(std::string_view file, std::string* version = nullptr);

// The main module's packages of one binary from `go list -deps [-test] -json=...` of its
// package: only packages of the main module (Module.Main), a test variant
// ("p [p.test]") replacing its plain package, the generated test main left out.
// `program` says the binary is a command built by go build (its package main is "main").
// Throws pgo::BuildError on output that is not a go list JSON stream.
std::vector<GoSourcePackage> go_sources_from_list(std::string_view go_list_json, bool program,
                                                  std::string* module_path = nullptr);

void write_go_sources(const GoSources& sources, const std::filesystem::path& file);
// Throws pgo::Error(kCheckFailed) naming `file` when it is missing or malformed.
GoSources read_go_sources(const std::filesystem::path& file);

}  // namespace pgo
