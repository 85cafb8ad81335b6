#include "orchestrator/init.h"

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "adapters/command/command_build.h"
#include "adapters/go/go_tool.h"
#include "orchestrator/build_systems.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/process.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

// A YAML double-quoted scalar.
std::string yaml_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string yaml_list(const std::vector<std::string>& items, bool quoted = false) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + (quoted ? yaml_quoted(items[i]) : items[i]);
  return out + "]";
}

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// What `go list ./...` says of a module: its main packages as `build.packages` spells them
// ("./cmd/app", or "."), and the test binaries (`<name>.test`) of packages with benchmarks.
struct GoModule {
  std::vector<std::string> mains;
  std::vector<std::string> benchmarked;
};

bool has_benchmarks(const fs::path& package_dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(package_dir, ec))
    if (e.path().string().ends_with("_test.go") && read_file(e.path()).find("\nfunc Benchmark") != std::string::npos)
      return true;
  return false;
}

GoModule list_go_module(ProcessRunner& runner, const fs::path& project) {
  ProcessSpec spec;
  spec.argv = {"go", "list", "-json", "./..."};
  spec.cwd = project;
  spec.timeout = std::chrono::minutes(5);
  CapturedRun run = run_captured(runner, spec);
  if (!run.result.ok())
    throw BuildError("go list -json ./... failed in " + project.string() + " (" + run.result.describe() + "):\n" +
                     tail_lines(run.err, 20));
  GoModule out;
  for (const go::ListedPackage& p : go::parse_go_list(run.out)) {
    if (!p.error.empty()) continue;
    if (p.name == "main") {
      const std::string rel = fs::path(p.dir).lexically_relative(project).string();
      out.mains.push_back(rel.empty() || rel == "." ? "." : "./" + rel);
    }
    if (p.has_tests && has_benchmarks(p.dir)) out.benchmarked.push_back(go::exec_name(p.import_path) + ".test");
  }
  return out;
}

// The Makefile make would read in `dir` (GNUmakefile, makefile, Makefile), or "".
std::string makefile_text(const fs::path& dir) {
  for (const char* name : {"GNUmakefile", "makefile", "Makefile"})
    if (path_exists(dir / name)) return read_file(dir / name);
  return "";
}

// The `build:` keys of each kind (after `system:`), as pgo.yaml lines.
std::vector<std::string> build_lines(const std::string& kind, const std::vector<std::string>& go_packages,
                                     const std::map<std::string, std::string>& make_overrides) {
  if (kind == "cmake")
    return {"source_dir: .", "build_type: Release", "# configure_args: [-DFOO=ON]"};
  if (kind == "cargo")
    return {"source_dir: .", "profile: release", "# features: [simd]", "# package: my-crate   # in a workspace"};
  if (kind == "go") return {"packages: " + yaml_list(go_packages, true) + "   # main packages; a binary each"};
  if (kind == "make" && make_overrides.empty())
    // CC, CFLAGS and LDFLAGS come from the environment, which `CFLAGS ?=` and `CFLAGS +=`
    // Makefiles honour; docs/adapters/command.md has the other placements.
    return {"# pgo sets CC, CFLAGS and LDFLAGS in make's environment. A Makefile that assigns CFLAGS",
            "# itself (CFLAGS = ...) ignores them: then pass them on the command line instead:",
            "#   build: [\"make\", \"-j${jobs}\", \"CC=${cc}\", \"CFLAGS=-O2 ${pgo_cflags}\", \"LDFLAGS=${pgo_ldflags}\"]",
            "build: [\"make\", \"-j${jobs}\"]"};
  if (kind == "make") {
    std::vector<std::string> names;
    for (const auto& [name, value] : make_overrides) names.push_back(name);
    return {"# The Makefile sets " + join(names, ", ") + " itself, which hides the values pgo puts in make's",
            "# environment, so they go on make's command line: the Makefile's own flags, then pgo's.",
            "build: " + yaml_list(make_command(make_overrides), true)};
  }
  if (kind == "configure")
    // configure drops its -g -O2 default when CFLAGS is set, so the level goes with pgo's flags.
    return {"configure: [\"./configure\", \"CFLAGS=-O2 ${pgo_cflags}\", \"LDFLAGS=${pgo_ldflags}\"]",
            "build: [\"make\", \"-j${jobs}\"]"};
  if (kind == "meson")
    // meson setup reads CC, CFLAGS and LDFLAGS from the environment pgo sets.
    return {"copy_source: false",
            "configure: [\"meson\", \"setup\", \"--buildtype=release\", \"${build_dir}\", \"${source_dir}\"]",
            "build: [\"meson\", \"compile\", \"-C\", \"${build_dir}\", \"-j\", \"${jobs}\"]"};
  return {};
}

// pgo.yaml's model of the project, for the probe build: what build_lines say, before any
// executable or workload is known (so not through the loader, which wants both).
Config probe_config(const fs::path& project, const std::string& kind, const std::vector<std::string>& go_packages,
                    const std::map<std::string, std::string>& make_overrides) {
  Config c;
  c.file = project / "pgo.yaml";
  c.project_dir = project;
  c.build.system = kind == "cmake" || kind == "cargo" || kind == "go" ? kind : "command";
  c.build.packages = go_packages;
  if (kind == "make") c.build.build.argv = make_command(make_overrides);
  if (kind == "configure") {
    c.build.configure.argv = {"./configure", "CFLAGS=-O2 ${pgo_cflags}", "LDFLAGS=${pgo_ldflags}"};
    c.build.build.argv = {"make", "-j${jobs}"};
  }
  if (kind == "meson") {
    c.build.copy_source = false;
    c.build.configure.argv = {"meson", "setup", "--buildtype=release", "${build_dir}", "${source_dir}"};
    c.build.build.argv = {"meson", "compile", "-C", "${build_dir}", "-j", "${jobs}"};
  }
  return c;
}

// The first of --help, -h and no argument with which `binary` exits 0 (stdin empty, at most
// 10 s each): a first workload that runs. Otherwise --help with a note saying what it did.
InitTarget first_command_line(ProcessRunner& runner, const std::string& target, const fs::path& binary,
                              const fs::path& project, const fs::path& scratch) {
  std::string last;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {}}) {
    ProcessSpec spec;
    spec.argv = {binary.string()};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.cwd = project;
    spec.stdin_file = "/dev/null";
    spec.timeout = std::chrono::seconds(10);
    CapturedRun run = run_captured(runner, spec, Streams::kTogether, scratch);
    throw_if_interrupted();
    if (run.result.ok()) return {target, args, "TODO: replace with a representative command line."};
    last = shell_quote_for_display(spec.argv) + " " + run.result.describe();
  }
  InitTarget failing{target, {"--help"}, "TODO: this must exit 0 for training; as found by pgo init, " + last + "."};
  failing.runs = false;
  return failing;
}

}  // namespace

std::map<std::string, std::string> makefile_overrides(const std::string& text) {
  static const std::regex assignment(
      R"(^\s*(?:export\s+)?(CC|CXX|CFLAGS|CXXFLAGS|LDFLAGS)\s*(\+=|\?=|:{0,3}=)\s*(.*?)\s*$)");
  std::map<std::string, std::string> set_here;
  std::istringstream in(text);
  std::string line, logical;
  while (std::getline(in, line)) {
    // make joins a continued line with one space in place of the backslash, the newline and
    // the blanks around them.
    if (!logical.empty()) {
      const size_t first = line.find_first_not_of(" \t");
      line.erase(0, first == std::string::npos ? line.size() : first);
    }
    if (!line.empty() && line.back() == '\\') {
      line.pop_back();
      logical += line.substr(0, line.find_last_not_of(" \t") + 1) + " ";
      continue;
    }
    logical += line;
    std::smatch m;
    // Recipe lines start with a tab; a comment ends the value.
    std::string code = logical.starts_with("\t") ? "" : logical.substr(0, logical.find('#'));
    logical.clear();
    if (!std::regex_match(code, m, assignment)) continue;
    const std::string name = m[1], op = m[2];
    const std::string value = std::regex_replace(m[3].str(), std::regex(R"(\$\{([^}]*)\})"), "$$($1)");
    if (op == "+=") {
      if (set_here.count(name)) set_here[name] += (set_here[name].empty() ? "" : " ") + value;
    } else if (op != "?=") {
      set_here[name] = value;
    }
  }
  return set_here;
}

std::vector<std::string> make_command(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> argv = {"make", "-j${jobs}"};
  auto with_own = [&](const std::string& name, const std::string& pgo_flags) {
    const std::string& own = overrides.at(name);
    return name + "=" + own + (own.empty() ? "" : " ") + pgo_flags;
  };
  if (overrides.count("CC")) argv.push_back("CC=${cc}");
  if (overrides.count("CXX")) argv.push_back("CXX=${cxx}");
  if (overrides.count("CFLAGS")) argv.push_back(with_own("CFLAGS", "${pgo_cflags}"));
  if (overrides.count("CXXFLAGS")) argv.push_back(with_own("CXXFLAGS", "${pgo_cflags}"));
  if (overrides.count("LDFLAGS")) argv.push_back(with_own("LDFLAGS", "${pgo_ldflags}"));
  return argv;
}

std::string detect_project_kind(const fs::path& dir) {
  if (path_exists(dir / "CMakeLists.txt")) return "cmake";
  if (path_exists(dir / "Cargo.toml")) return "cargo";
  if (path_exists(dir / "go.mod")) return "go";
  if (path_exists(dir / "meson.build")) return "meson";
  if (path_exists(dir / "configure")) return "configure";
  for (const char* makefile : {"GNUmakefile", "makefile", "Makefile"})
    if (path_exists(dir / makefile)) return "make";
  return "";
}

std::string render_initial_config(const InitialConfig& c) {
  std::ostringstream out;
  out << "# pgo.yaml: how pgo builds, trains and benchmarks this project.\n"
         "# Reference: docs/pgo-yaml.md. Run `pgo build` here when the workloads are right.\n"
         "version: 1\n\n"
         "build:\n"
         "  system: "
      << c.system << "\n";
  for (const std::string& line : c.build_lines) out << "  " << line << "\n";
  std::vector<std::string> names;
  for (const InitTarget& t : c.targets) names.push_back(t.name);
  if (c.system == "cargo") {
    out << "  # Binary targets found by `cargo metadata`; remove the ones not worth optimizing.\n"
        << "  bins: " << yaml_list(names) << "\n";
  } else if (c.system == "cmake") {
    out << "  # Executables found through the CMake File API; remove the ones not worth optimizing.\n"
        << "  targets: " << yaml_list(names) << "\n";
  } else if (c.system == "command" && !c.targets.empty()) {
    out << "  # Executables the build made (target name: path in the build tree).\n  artifacts:\n";
    for (const InitTarget& t : c.targets) out << "    " << t.name << ": " << t.artifact << "\n";
  }
  if (!c.toolchains.empty()) out << "\ntoolchains: " << yaml_list(c.toolchains) << "\n";
  out << "\n# Training workloads: what the program does in production, on small inputs.\n"
         "# Each runs the instrumented binary; they are also what the benchmark measures.\n"
         "workloads:\n";
  if (c.targets.empty()) out << "  []\n";
  // A workload whose command failed in the probe would fail the training: it is written
  // commented out, so that the file builds unchanged, unless no command ran at all.
  const bool any_runs = std::any_of(c.targets.begin(), c.targets.end(), [](const InitTarget& t) { return t.runs; });
  for (const InitTarget& t : c.targets) {
    std::vector<std::string> run = {"${bin:" + t.name + "}"};
    run.insert(run.end(), t.args.begin(), t.args.end());
    const std::string off = !t.runs && any_runs ? "# " : "";
    if (!off.empty()) out << "  # Left out until it has a command line that exits 0:\n";
    out << "  " << off << "- name: " << t.name << "-main\n";
    if (!t.note.empty()) out << "    # " << t.note << "\n";
    out << "    " << off << "run: " << yaml_list(run, true) << "\n"
        << "    # env: {KEY: value}\n"
        << "    # cwd: .\n"
        << "    # stdin: inputs/sample.txt\n"
        << "    " << off << "repeat: 1\n"
        << "    " << off << "timeout: 60s\n"
        << "    " << off << "weight: 1.0\n"
        << "    " << off << "compare_output: " << (t.compare_output ? "true" : "false") << "\n";
  }
  out << "\nbench:\n"
         "  warmup: 1\n"
         "  min_runs: 10\n"
         "  max_runs: 30\n"
         "  time_budget: 60s\n"
         "  target_ci: 0.01\n"
         "  noise_threshold: 0.01\n\n"
         "merge:\n"
         "  failure_mode: any   # any | all | warn\n";
  return out.str();
}

fs::path init_project(const fs::path& dir, bool force) {
  const fs::path project = fs::weakly_canonical(fs::absolute(dir));  // printed: no "/./"
  const fs::path file = project / "pgo.yaml";
  if (path_exists(file) && !force) throw UsageError(file.string() + " already exists; pass --force to overwrite it");
  const std::string kind = detect_project_kind(project);
  if (kind.empty())
    throw UsageError(project.string() + " has none of CMakeLists.txt, Cargo.toml, go.mod, meson.build, configure or "
                     "a Makefile, so pgo init cannot tell how it builds; write pgo.yaml by hand (docs/pgo-yaml.md)");
  SystemProcessRunner runner;
  GoModule go_module;
  if (kind == "go") {
    go_module = list_go_module(runner, project);
    if (go_module.mains.empty()) throw UsageError("the Go module in " + project.string() + " has no main package");
  }
  const std::vector<std::string>& go_packages = go_module.mains;
  const auto make_overrides = kind == "make" ? makefile_overrides(makefile_text(project))
                                             : std::map<std::string, std::string>{};
  const Config config = probe_config(project, kind, go_packages, make_overrides);
  const ToolchainSpec spec{toolchains_for_system(config.build.system).front(), "", "", {}};

  // One baseline build in a probe tree, removed whatever happens.
  const bool had_store = path_exists(project / ".pgo");
  const fs::path probe = project / ".pgo" / "build" / "init-probe";
  struct RemoveProbe {
    fs::path probe, store;
    bool keep_store;
    ~RemoveProbe() {
      std::error_code ec;
      fs::remove_all(probe, ec);
      if (!keep_store) fs::remove_all(store, ec);
    }
  } cleanup{probe, project / ".pgo", had_store};

  std::unique_ptr<BuildSystem> build_system = make_build_system(config, spec, runner);
  build_system->detect(probe / "detect");
  BuildRequest request;
  request.kind = BuildKind{BuildRole::Baseline, "init-probe"};
  request.build_dir = probe / "build";
  request.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  BuildResult built = build_system->build(request);

  std::map<std::string, std::pair<fs::path, std::string>> executables;  // target -> binary, artifact path
  if (config.build.system == "command") {
    // A command names no executable: those the build made in its tree.
    const fs::path tree = request.build_dir / command::kTreeName;
    for (const std::string& rel : command::elf_executables_in(tree)) {
      const std::string name = fs::path(rel).filename().string();
      if (name.find(".so") != std::string::npos || executables.count(name)) continue;  // libraries, duplicates
      executables[name] = {tree / rel, rel};
    }
  } else {
    for (const Artifact& a : built.artifacts) executables[a.target] = {a.path, ""};
  }
  if (executables.empty()) throw UsageError("the " + kind + " project in " + project.string() + " built no executable");

  InitialConfig initial{config.build.system, build_lines(kind, go_packages, make_overrides), {}, {}};
  if (config.build.system == "cmake" || config.build.system == "command") {
    initial.toolchains = {"gcc"};
    if (find_program("clang-22") || find_program("clang")) initial.toolchains.push_back("clang");
  } else {
    initial.toolchains = {spec.name};
  }
  for (const auto& [target, where] : executables) {
    InitTarget t = first_command_line(runner, target, where.first, project, probe);
    t.artifact = where.second;
    initial.targets.push_back(std::move(t));
  }
  // Go samples its CPU profile: a program's --help gives it no sample, a benchmark does.
  for (const std::string& test : go_module.benchmarked)
    initial.targets.push_back(InitTarget{test, {"-test.run=^$", "-test.bench=.", "-test.benchtime=1s"},
                                         "the package's benchmarks (go test -c); their output has timings",
                                         "", false});
  write_file_atomic(file, render_initial_config(initial));
  return file;
}

}  // namespace pgo
