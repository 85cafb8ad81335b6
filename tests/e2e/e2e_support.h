// Helpers for end-to-end tests: copy an example to a scratch directory and run the real
// pgo binary in it.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/test_paths.h"

namespace pgo::e2e {

struct PgoRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// A fresh copy of examples/<name> (without any .pgo state) under a temporary directory.
std::filesystem::path copy_example(const std::string& name);
// Sets bench.max_runs in the pgo.yaml of `project` (a copy of an example) to its bench.min_runs,
// leaving the rest of the file as the example ships it: for tests that check that every
// workload was measured at least min_runs times and nothing that more rounds would sharpen.
void cap_bench_at_min_runs(const std::filesystem::path& project);
// A fresh, writable copy of a real project that `scripts/real-projects.sh --dir <name>`
// fetches (docs/real-projects.md); empty when the script fails (its output is in `why`).
std::filesystem::path copy_real_project(const std::string& name, std::string* why = nullptr);
// A new empty scratch directory.
std::filesystem::path scratch_dir(const std::string& label);
// Sets an environment variable for the scope (pgo and the tools a test runs inherit it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};
// Runs `pgo args...` and captures its output.
PgoRun run_pgo(const std::vector<std::string>& args, const std::filesystem::path& cwd = {});
// A pgo run started by the test itself (fork and exec), so that its pid is known: the prefix
// of the PGO_RUN marker of everything it started.
struct TrackedRun : PgoRun {
  pid_t pid = 0;
};
TrackedRun run_pgo_tracked(const std::vector<std::string>& args);
// Nothing of `run` survives it: no process it started (its PGO_RUN marker names it) or that
// runs from or works in `project`, and none from `project` listening; survivors are killed
// so that one failing test does not hold ports for the next.
void expect_nothing_left_behind(const TrackedRun& run, const std::filesystem::path& project);
nlohmann::json read_json(const std::filesystem::path& file);
// Runs a tool (go, cmake, llvm-profdata-22, ...) in `cwd` with `env` added and returns its
// stdout and stderr together; the test fails when it does not exit 0.
std::string tool_output(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {},
                        const std::map<std::string, std::string>& env = {});
void write_text(const std::filesystem::path& file, const std::string& text);
// Replaces the one occurrence of `from` in `file` (a GoogleTest failure if it occurs
// zero or several times). With `from` and `to` on one line, no other line moves.
void replace_once(const std::filesystem::path& file, const std::string& from, const std::string& to);
// `pgo status -C <project> --json <extra...>`: expects exit `expected_exit`, the pgo-status/1
// schema and exactly one profile, and returns that profile's entry (an empty object when the
// output is not such JSON). `run`, when given, gets the whole run.
nlohmann::json status_profile(const std::filesystem::path& project, int expected_exit,
                              const std::vector<std::string>& extra = {}, PgoRun* run = nullptr);
// GoogleTest expectations on one report.json result: benchmarked without failure, outputs
// of both binaries equal, at least `min_runs` runs of each, positive medians.
void expect_measured_result(const nlohmann::json& result, int min_runs);

// Mounts over a directory for the length of a scope; unmounts even when the test fails.
// Needs mount rights (root in this sandbox): tests skip when ok() is false.
class Mount {
 public:
  Mount(const std::string& source, const std::filesystem::path& target, const char* type, unsigned long flags,
        const std::string& options);
  ~Mount();
  Mount(const Mount&) = delete;
  Mount& operator=(const Mount&) = delete;
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }

 private:
  bool mounted() const { return ok_ || error_.empty(); }
  std::filesystem::path target_;
  bool ok_ = false;
  std::string error_;
};

}  // namespace pgo::e2e
