// pgo.yaml v1: the model, and loading it with errors that name file, line, column and key.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/failure_mode.h"

namespace pgo {

struct SourcePos {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

struct ToolchainSpec {
  std::string name;  // "gcc", "clang" (cmake, command), "rust" (cargo) or "go" (go)
  std::string cc;    // C compiler; empty: the default, gcc / clang-22 (then clang)
  std::string cxx;   // C++ compiler; empty: the default, g++ / clang++-22 (then clang++)
  SourcePos pos;
  // `recipes:` of this toolchain (over optimize.recipes); empty: not given.
  std::vector<std::string> recipes;
  SourcePos recipes_pos;
};

// A build command of `build.system: command`: an argv, or one shell line (then `shell`).
struct CommandLine {
  std::vector<std::string> argv;             // with shell: {the line}
  bool shell = false;                        // given as a string: run with /bin/sh -c
  SourcePos pos;
  bool empty() const { return argv.empty(); }
};

struct BuildSpec {
  std::string system = "cmake";              // cmake | cargo | go | command
  std::filesystem::path source_dir = ".";   // relative to the project directory
  std::vector<std::string> targets;          // empty: every executable target
  SourcePos targets_pos;
  SourcePos system_pos;
  // cmake
  std::string build_type = "Release";
  std::vector<std::string> configure_args;
  // cargo: `targets` are the binary targets (`bins` is the same key, Cargo's word)
  std::string package;                       // -p <package>; empty: the workspace default
  std::vector<std::string> features;         // --features a,b
  std::string profile = "release";           // --profile
  std::vector<std::string> cargo_args;       // more `cargo build` arguments (--locked, --offline); `pgo build -- ARGS`
  // go: main packages, one `go build` each (-pgo applies to every main on a command line)
  std::vector<std::string> packages;         // e.g. ["./cmd/app"]; empty: "."
  // command (make, autotools, Meson, ...)
  CommandLine configure;                     // optional
  CommandLine build;                         // required
  std::map<std::string, std::string> artifacts;  // target -> path relative to the build tree
  bool copy_source = true;                   // build in a fresh copy of source_dir (else out of tree)
};

// Why `cargo build` arguments given by the user clash with those pgo sets itself; "" when they
// do not (build.cargo_args, `pgo build -- ARGS`).
std::string cargo_args_problem(const std::vector<std::string>& args);

// Which toolchains go with which build system, and which is implied when none is given.
const std::vector<std::string>& toolchains_for_system(const std::string& system);

// `service:` of a workload (docs/services.md): the workload's run is a server that pgo starts,
// waits for, loads with client commands, and stops; workloads/service.h runs it.
struct ReadyCheck {
  enum class Kind { Tcp, Http, File, Output };
  Kind kind = Kind::Tcp;
  std::string target = "${port}";  // a port, a URL, a path (relative: to the cwd), or a regex
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

struct LoadCommand {
  std::vector<std::string> argv;  // with shell: {the line}
  bool shell = false;
  int repeat = 1;
};

struct ServiceSpec {
  ReadyCheck ready;
  std::vector<LoadCommand> load;  // at least one
  bool parallel = false;          // every client (and repeat) at once, else one after another
  int stop_signal = 15;           // SIGTERM
  std::chrono::milliseconds stop_grace{std::chrono::seconds(10)};  // then SIGKILL of the group
};

// `metric: {regex, better}`: the benchmark measures a number the workload prints on stdout
// (the first group of the regex) instead of its wall time.
struct OutputMetric {
  std::string regex;        // searched in the run's stdout, then its stderr
  bool higher_is_better = true;
  std::string name = "figure";  // what the number is, for reports ("requests/s")
  SourcePos pos;
};

struct WorkloadSpec {
  std::string name;
  std::vector<std::string> run;              // argv before ${...} expansion
  bool shell = false;                        // run[0] is a shell line for /bin/sh -c
  std::map<std::string, std::string> env;
  std::string cwd;                           // relative to the project; empty: project dir
  std::string stdin_file;                    // relative to the project
  int repeat = 1;                            // training runs of this workload
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  double weight = 1.0;                       // merge weight and geometric-mean weight
  bool compare_output = true;                // stdout and exit status must match in bench
  // Output check run after every benchmark run of each binary, in the workload's cwd and
  // environment; a non-zero exit fails the benchmark. An argv, or (`check_shell`: written as
  // a string, allowed with shell: true) one /bin/sh -c line; placeholders as in `run`.
  std::vector<std::string> check;
  bool check_shell = false;
  bool train = true;                         // used for training
  bool bench = true;                         // used for benchmarking
  // A profile the program writes itself, relative to the run directory (e.g. "cpu.pprof"
  // for -test.cpuprofile=${run_dir}/cpu.pprof); empty: the toolchain's own collection.
  std::string profile;
  // Set: `run` is the service's server (service.run in pgo.yaml), started, loaded and stopped.
  std::optional<ServiceSpec> service;
  std::optional<OutputMetric> metric;
  SourcePos pos;
  // Where cwd and stdin were given ("workloads[2].cwd" at line:column), for check_workload_paths.
  std::string cwd_key, stdin_key;
  SourcePos cwd_pos, stdin_pos;
};

// The largest merge weight, and the largest ratio of two workloads' weights: the merge tools
// take integer weights, scaled so the smallest is 1 (go tool pprof repeats an input that often).
inline constexpr double kMaxWeight = 1000;

struct BenchSpec {
  int warmup = 1;                            // per binary, discarded
  int min_runs = 10;                         // per binary
  int max_runs = 30;                         // per binary
  double time_budget_s = 60;                 // per workload
  double target_ci = 0.01;                   // stop once the 95% CI half-width is below this
  double noise_threshold = 0.01;             // |speedup-1| inside this is "no change"
  // What is measured: "time" (wall time), "instructions" (user-space instructions retired,
  // orchestrator/bench/instructions.h) or "both", side by side. pgo.yaml accepts "wall" for time.
  std::string metric = "time";
};

// `optimize:`: the recipes `pgo build` builds when --recipe is not given ("pgo", "pgo+lto",
// "all", ...; orchestrator/recipe.h checks the names). Empty: plain pgo.
struct OptimizeSpec {
  std::vector<std::string> recipes;
  SourcePos recipes_pos;
};

struct MergeSpec {
  FailureMode failure_mode = FailureMode::Any;
};

// `pgo status` thresholds (docs/staleness.md).
struct StalenessSpec {
  double min_weighted_match = 0.9;  // stale below this share of counts in unchanged functions
  std::optional<double> max_age_s;  // stale when older; unset: no age limit
};

struct Config {
  std::filesystem::path file;                // the pgo.yaml that was read (absolute)
  std::filesystem::path project_dir;         // its directory (absolute)
  int version = 1;
  BuildSpec build;
  std::vector<ToolchainSpec> toolchains;     // at least one
  std::vector<WorkloadSpec> workloads;       // at least one
  BenchSpec bench;
  OptimizeSpec optimize;
  MergeSpec merge;
  StalenessSpec staleness;
  std::filesystem::path store_dir = ".pgo";  // relative to the project
};

// A pgo.yaml larger than this is refused unread: a real one is a few KiB, and loading is
// linear (bench/config_load.sh measures it), so this bounds both time and memory.
inline constexpr size_t kMaxConfigBytes = 16 << 20;

// Reads and validates `file`. Throws pgo::Error(kUsage) whose message starts with
// "<file>:<line>:<column>: <key>: ..." and suggests the nearest valid key for a typo.
// Then checks what only the file system can tell (check_workload_paths). `checkpoint`,
// when set, is called often while reading and parsing (pgo passes throw_if_interrupted).
Config load_config(const std::filesystem::path& file, const std::function<void()>& checkpoint = {});
// Every workload's cwd is a directory and its stdin a regular file of the project; else
// pgo::Error(kUsage) "<file>:<line>:<column>: workloads[i].cwd: ...". Before any build runs.
void check_workload_paths(const Config& config);
// Same, from text (for tests); `file` is only used in messages and to set project_dir.
Config parse_config(const std::string& text, const std::filesystem::path& file,
                    const std::function<void()>& checkpoint = {});

// "500ms", "30s", "10m", "1.5h", "30d", or a bare number of seconds ("90", "2.5") -> seconds.
// nullopt if malformed, negative or not finite.
std::optional<double> parse_duration_seconds(std::string_view text);

// The candidate closest to `word` by edit distance (llvm::StringRef::edit_distance) if it
// is close enough to be a likely typo; empty otherwise. For "did you mean ...?" hints.
std::string nearest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace pgo
