#include "adapters/go/go_build.h"

#include <algorithm>
#include <set>

#include "adapters/compiler_kinds.h"
#include "adapters/go/profile_hook.h"
#include "adapters/logged_step.h"
#include "adapters/pprof/go_sources.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/expand.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

constexpr const char* kLogFileName = "pgo-build.log";

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// A go version -m value as the path it stands for (Go quotes values with spaces or quotes).
std::string unquote(const std::string& v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return v;
  std::string out;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '\\' && i + 2 < v.size()) ++i;
    out += v[i];
  }
  return out;
}

}  // namespace

GoBuildSystem::GoBuildSystem(const Config& config, const ToolchainSpec& toolchain, ProcessRunner& runner)
    : config_(config),
      toolchain_(toolchain),
      runner_(runner),
      source_dir_((config.project_dir / config.build.source_dir).lexically_normal()) {}

const fs::path& GoBuildSystem::go() {
  if (!go_) {
    auto found = find_program("go");
    if (!found)
      throw BuildError("the go command is not on PATH; install Go 1.21 or later (https://go.dev/dl/) to build " +
                       source_dir_.string());
    go_ = *found;
  }
  return *go_;
}

std::string GoBuildSystem::capture_go(const std::vector<std::string>& args, const std::string& what) {
  ProcessSpec spec;
  spec.argv = {go().string()};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = source_dir_;
  spec.env["LC_ALL"] = "C";
  CapturedRun go = run_captured(runner_, spec);
  throw_if_interrupted();
  if (!go.result.ok())
    throw BuildError(what + " failed (" + go.result.describe() + "): " + shell_quote_for_display(spec.argv) +
                     " in " + source_dir_.string() + "\n" + tail_lines(go.err + go.out, 20, 8192));
  return go.out;
}

std::string GoBuildSystem::run_go(const std::vector<std::string>& argv, const fs::path& log_file, std::string& log,
                                  const std::string& what) {
  LoggedStep step{what, {}, "", "", 30};
  step.spec.argv = argv;
  step.spec.cwd = source_dir_;
  step.spec.env["LC_ALL"] = "C";
  return run_logged_step(runner_, step, log_file, log);
}

Toolchain GoBuildSystem::detect(const fs::path&) {
  std::error_code ec;
  if (!fs::is_directory(source_dir_, ec))
    throw UsageError(config_.file.string() + ": build.source_dir: " + source_dir_.string() + " is not a directory");
  std::vector<std::string> lines =
      split_lines(capture_go({"env", "GOVERSION", "GOROOT", "GOMOD", "GOFLAGS"}, "go env"));
  lines.resize(4);
  const std::string& gomod = lines[2];
  if (gomod.empty() || gomod == "/dev/null" || gomod == "NUL")
    throw UsageError("no go.mod in " + source_dir_.string() + " or above it; build.system go builds a Go module "
                     "(create one with `go mod init <module path>`)");
  goversion_ = lines[0];
  goflags_ = go::split_goflags(lines[3]);
  auto v = go::parse_go_version(goversion_);
  if (v && v->second < 21)
    throw BuildError(goversion_ + " (" + go().string() + ") has no profile-guided optimization; pgo needs Go 1.21 or "
                     "later (1.23 or later for training command workloads)");
  Toolchain tc;
  tc.name = toolchain_.name;
  tc.compiler_id = "go";
  tc.compiler_version = goversion_.starts_with("go") ? goversion_.substr(2) : goversion_;
  tc.tool = go();
  tc.profile_format = profile_format_of(tc.compiler_id);
  tc.profile_version = "profile.proto";
  return tc;
}

const std::map<std::string, GoBuildSystem::Target>& GoBuildSystem::targets() {
  if (targets_) return *targets_;
  const std::string where = config_.file.string() + ":" + std::to_string(config_.build.targets_pos.line) +
                            ": build.packages: ";
  std::vector<std::string> patterns = config_.build.packages.empty() ? std::vector<std::string>{"."}
                                                                     : config_.build.packages;
  std::vector<std::string> args = {"list", "-e", "-json=ImportPath,Name,Dir,TestGoFiles,XTestGoFiles,Error"};
  std::map<std::string, Target> out;
  auto add = [&](const std::string& name, Target t) {
    auto [it, fresh] = out.emplace(name, t);
    if (!fresh && it->second.import_path != t.import_path)
      throw UsageError(where + "packages " + it->second.import_path + " and " + t.import_path +
                       " both build a binary named " + name + "; list only one of them");
  };
  std::vector<std::string> list_mains = args;
  list_mains.insert(list_mains.end(), patterns.begin(), patterns.end());
  for (const go::ListedPackage& p : go::parse_go_list(capture_go(list_mains, "go list"))) {
    bool pattern = p.import_path.find("...") != std::string::npos;
    if (!p.error.empty()) throw UsageError(where + p.import_path + ": " + p.error);
    if (p.name != "main") {
      // Without build.packages, a library module's test binaries can be its only targets.
      if (config_.build.packages.empty()) continue;
      bool listed = std::find(patterns.begin(), patterns.end(), p.import_path) != patterns.end();
      if (patterns.size() == 1 || listed || !pattern)
        throw UsageError(where + p.import_path + " is package " + p.name +
                         ", not a main package; list the packages that build commands (package main)");
      continue;
    }
    add(go::exec_name(p.import_path), Target{p.import_path, p.dir, p.name, false});
  }

  // Test binaries: only those a workload runs, from any package of the module.
  std::set<std::string> wanted;
  for (const auto& w : config_.workloads)
    for (const auto& t : referenced_targets(w))
      if (t.ends_with(".test") && !out.count(t)) wanted.insert(t);
  if (!wanted.empty()) {
    std::vector<std::string> list_all = args;
    list_all.push_back("./...");
    std::map<std::string, Target> tests;
    for (const go::ListedPackage& p : go::parse_go_list(capture_go(list_all, "go list ./..."))) {
      if (!p.has_tests || !p.error.empty()) continue;
      tests.emplace(go::exec_name(p.import_path) + ".test", Target{p.import_path, p.dir, p.name, true});
    }
    for (const std::string& t : wanted) {
      auto it = tests.find(t);
      if (it == tests.end()) {
        std::vector<std::string> names;
        for (const auto& [n, _] : tests) names.push_back(n);
        throw UsageError(config_.file.string() + ": a workload runs ${bin:" + t + "}, but no package of the module " +
                         source_dir_.string() + " has tests that build it; test binaries: " +
                         (names.empty() ? "none" : join(names, ", ")));
      }
      add(t, it->second);
    }
  }
  if (out.empty()) throw UsageError(where + "no main package among " + join(patterns, " "));
  targets_ = std::move(out);
  return *targets_;
}

std::vector<std::string> GoBuildSystem::executable_targets(const fs::path&) {
  std::vector<std::string> names;
  for (const auto& [name, _] : targets()) names.push_back(name);
  return names;
}

std::vector<std::string> GoBuildSystem::build_command(const std::string& target, const fs::path& build_dir,
                                                      BuildRole role, const std::vector<std::string>& flags, int jobs,
                                                      const fs::path& overlay) {
  const Target& t = targets().at(target);
  std::vector<std::string> argv = {go().string()};
  if (t.test) argv.insert(argv.end(), {"test", "-c"});
  else argv.push_back("build");
  if (jobs > 0) argv.push_back("-p=" + std::to_string(jobs));
  bool has_pgo = false;
  for (const auto& f : flags) has_pgo = has_pgo || f.starts_with("-pgo=");
  if (!has_pgo) argv.push_back("-pgo=off");  // never the default.pgo a main package may carry
  argv.insert(argv.end(), flags.begin(), flags.end());
  if (role == BuildRole::Instrumented) {
    argv.push_back("-overlay=" + overlay.string());
    // The hook links to runtime internals; the user's own -ldflags from GOFLAGS are kept
    // (a command-line -ldflags replaces the GOFLAGS one).
    std::string ld = go::flag_value(goflags_, "ldflags").value_or("");
    argv.push_back("-ldflags=" + (ld.empty() ? "" : ld + " ") + "-checklinkname=0");
  }
  argv.push_back("-o=" + (build_dir / target).string());
  argv.push_back(t.import_path);
  return argv;
}

// Go reads a package's profile as default.pgo, and a release build after `pgo export` records
// -pgo=<its directory>/default.pgo. The optimized build reads a copy named the same, beside
// its binaries, so that with -trimpath (which keeps only the file name) the binary pgo measured
// records what that release build records: -pgo=default.pgo.
std::vector<std::string> GoBuildSystem::with_profile_as_default_pgo(std::vector<std::string> flags,
                                                                     const fs::path& build_dir) {
  for (std::string& f : flags) {
    if (!f.starts_with("-pgo=") || f == "-pgo=off" || f == "-pgo=auto") continue;
    const fs::path profile = build_dir / "profile" / "default.pgo";
    fs::create_directories(profile.parent_path());
    copy_file_atomic(f.substr(5), profile);
    f = "-pgo=" + profile.string();
  }
  return flags;
}

BuildResult GoBuildSystem::build(const BuildRequest& request) {
  if (goversion_.empty()) detect(request.build_dir);
  fs::path build_dir = fs::absolute(request.build_dir).lexically_normal();
  fs::create_directories(build_dir);
  std::vector<std::string> names = request.targets.empty() ? executable_targets(build_dir) : request.targets;
  for (const auto& n : names)
    if (!targets().count(n))
      throw UsageError("'" + n + "' is not a binary of the Go module in " + source_dir_.string() + "; it builds: " +
                       join(executable_targets(build_dir), ", "));

  if (request.kind.role == BuildRole::Instrumented) {
    auto v = go::parse_go_version(goversion_);
    if (v && v->second < go::kHookMinMinor)
      throw BuildError("training Go programs needs Go 1." + std::to_string(go::kHookMinMinor) +
                       " or later (the profiling hook uses its exit hooks); this is " + goversion_);
  }

  BuildResult result;
  result.log = build_dir / kLogFileName;
  std::string log;
  std::vector<std::string> flags = request.flags.compile;
  if (request.kind.role == BuildRole::Optimized) flags = with_profile_as_default_pgo(flags, build_dir);
  for (const auto& n : names) {
    // One overlay per binary, hooking only its own package: a binary that imports another
    // target's package must not start a second profiler.
    fs::path overlay;
    if (request.kind.role == BuildRole::Instrumented)
      overlay = go::write_hook_overlay({{targets().at(n).dir, targets().at(n).package_name}},
                                       build_dir / "pgo-hook" / n, go::flag_value(goflags_, "overlay").value_or(""));
    std::vector<std::string> argv =
        build_command(n, build_dir, request.kind.role, flags, request.jobs, overlay);
    run_go(argv, result.log, log, std::string("go ") + (targets().at(n).test ? "test -c" : "build") + " of " + n);
    result.artifacts.push_back(Artifact{n, build_dir / n, false});
  }
  result.output = log;
  if (request.kind.role == BuildRole::Instrumented) write_sources(build_dir, names);

  if (request.kind.role == BuildRole::Optimized) {
    std::string expected;
    for (const auto& f : flags)
      if (f.starts_with("-pgo=")) expected = f.substr(5);
    for (const Artifact& a : result.artifacts) {
      // Go records -pgo in the build info of commands and of test binaries of package main,
      // but not of test binaries of other packages (checked with Go 1.26): nothing to read there.
      const Target& t = targets().at(a.target);
      if (t.test && t.package_name != "main") continue;
      verify_profile(a, expected);
    }
  }
  return result;
}

void GoBuildSystem::write_sources(const fs::path& build_dir, const std::vector<std::string>& names) {
  GoSources sources;
  for (const auto& n : names) {
    const Target& t = targets().at(n);
    std::vector<std::string> args = {"list", "-deps"};
    if (t.test) args.push_back("-test");
    args.insert(args.end(), {"-json=ImportPath,Name,Dir,GoFiles,CgoFiles,Module,ForTest", t.import_path});
    sources.targets[n] = go_sources_from_list(capture_go(args, "go list -deps"), !t.test, &sources.module_path);
  }
  write_go_sources(sources, build_dir / kGoSourcesFileName);
}

void GoBuildSystem::verify_profile(const Artifact& artifact, std::string expected) {
  std::string text = capture_go({"version", "-m", artifact.path.string()}, "go version -m");
  auto settings = go::parse_build_settings(text);
  auto it = settings.find("-pgo");
  std::string got = it == settings.end() ? "" : unquote(it->second);
  expected = go::recorded_pgo_setting(expected, settings);
  if (got != expected)
    throw BuildError("the optimized " + artifact.target + " (" + artifact.path.string() + ") records " +
                     (got.empty() ? std::string("no -pgo build setting") : "-pgo=" + got) +
                     " in `go version -m`, but it was built with -pgo=" + expected +
                     ": the profile did not reach the build");
}

bool GoBuildSystem::is_source(const fs::path& relative) const {
  const std::string name = relative.filename().string();
  return relative.extension() == ".go" || name == "go.mod" || name == "go.sum" || is_c_family_source(relative);
}

}  // namespace pgo
