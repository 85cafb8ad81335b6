// Pure helpers for driving the go command: GOFLAGS splitting, binary names, `go list`
// and `go version -m` output. No process is started here (see go_build.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgo::go {

// GOFLAGS split as the go command splits it (cmd/internal/quoted): fields separated by
// spaces, a field may be wrapped in '...' or "..." to hold spaces. Throws pgo::UsageError
// for an unterminated quote.
std::vector<std::string> split_goflags(std::string_view goflags);

// The value of the last "-name=value" (or "--name=value") among `fields`; nullopt if absent.
std::optional<std::string> flag_value(const std::vector<std::string>& fields, std::string_view name);

// The file name `go build` gives a main package's binary (cmd/go DefaultExecName): the last
// import path element, or the one before a major version suffix ("example.com/cmd/v2" -> "cmd").
std::string exec_name(std::string_view import_path);

// "go1.26.8" -> {1, 26}; nullopt for a development or unparsable version.
std::optional<std::pair<int, int>> parse_go_version(std::string_view goversion);

// The `build` settings that `go version -m <binary>` prints ("\tbuild\t-pgo=/p/x.pprof"),
// key -> value ("-pgo" -> "/p/x.pprof"). A setting without '=' maps to "".
std::map<std::string, std::string> parse_build_settings(std::string_view version_m_output);

// The -pgo value a binary built with -pgo=<profile> records, given its other build settings:
// the absolute path, or only its file name when it was built with -trimpath (cmd/go does that
// so the binary names no directory of the machine that built it).
std::string recorded_pgo_setting(const std::string& profile, const std::map<std::string, std::string>& settings);

// One package of `go list -e -json=...` output.
struct ListedPackage {
  std::string import_path;
  std::string name;  // package clause: "main", "shapes"
  std::string dir;
  bool has_tests = false;  // TestGoFiles or XTestGoFiles
  std::string error;       // .Error.Err; empty if the package loaded
};

// Parses the concatenated JSON objects `go list -json` prints. Throws pgo::BuildError on
// text that is not such a stream.
std::vector<ListedPackage> parse_go_list(std::string_view json_stream);

}  // namespace pgo::go
