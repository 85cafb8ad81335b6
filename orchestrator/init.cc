#include "orchestrator/init.h"

#include <sstream>

#include "adapters/cmake/cmake_build.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "workloads/process.h"

namespace pgo {
namespace fs = std::filesystem;

std::string render_initial_config(const std::vector<std::string>& targets, const std::vector<std::string>& toolchains) {
  std::ostringstream out;
  out << "# pgo.yaml: how pgo builds, trains and benchmarks this project.\n"
         "# Reference: docs/pgo-yaml.md. Run `pgo build` here when the workloads are right.\n"
         "version: 1\n\n"
         "build:\n"
         "  system: cmake\n"
         "  source_dir: .\n"
         "  build_type: Release\n"
         "  # configure_args: [-DFOO=ON]\n"
         "  # Executables found through the CMake File API; remove the ones not worth optimizing.\n"
         "  targets: [";
  for (size_t i = 0; i < targets.size(); ++i) out << (i ? ", " : "") << targets[i];
  out << "]\n\n# gcc and clang (clang-22) are supported; each gets its own profile.\ntoolchains: [";
  for (size_t i = 0; i < toolchains.size(); ++i) out << (i ? ", " : "") << toolchains[i];
  out << "]\n\n"
         "# Training workloads: what the program does in production, on small inputs.\n"
         "# Each runs the instrumented binary; they are also what the benchmark measures.\n"
         "workloads:\n";
  for (const auto& t : targets) {
    out << "  - name: " << t << "-main\n"
        << "    # TODO: replace --help with a representative command line.\n"
        << "    run: [\"${bin:" << t << "}\", \"--help\"]\n"
        << "    # env: {KEY: value}\n"
        << "    # cwd: .\n"
        << "    # stdin: inputs/sample.txt\n"
        << "    repeat: 1\n"
        << "    timeout: 60s\n"
        << "    weight: 1.0\n"
        << "    compare_output: true\n";
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
  fs::path project = fs::absolute(dir);
  fs::path file = project / "pgo.yaml";
  if (fs::exists(file) && !force)
    throw UsageError(file.string() + " already exists; pass --force to overwrite it");
  if (!fs::exists(project / "CMakeLists.txt"))
    throw UsageError(project.string() + " has no CMakeLists.txt; pgo init supports CMake projects "
                     "(write pgo.yaml by hand for others, see docs/pgo-yaml.md)");
  Config config;
  config.file = file;
  config.project_dir = project;
  ToolchainSpec gcc{"gcc", "", "", {}};
  SystemProcessRunner runner;
  CMakeBuildSystem cmake(config, gcc, runner);
  std::vector<std::string> targets = cmake.executable_targets(project / ".pgo" / "build" / "init-probe");
  if (targets.empty()) throw UsageError("the CMake project in " + project.string() + " defines no executable");
  std::vector<std::string> toolchains = {"gcc"};
  if (find_program("clang-22") || find_program("clang")) toolchains.push_back("clang");
  write_file_atomic(file, render_initial_config(targets, toolchains));
  return file;
}

}  // namespace pgo
