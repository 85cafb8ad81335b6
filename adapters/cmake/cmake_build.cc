#include "adapters/cmake/cmake_build.h"

#include <system_error>

#include "adapters/compiler_kinds.h"
#include "adapters/cmake/flags_file.h"
#include "adapters/elf/elf_files.h"
#include "adapters/logged_step.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"

namespace pgo {

namespace fs = std::filesystem;

namespace cmake {

namespace {

constexpr size_t kTailLines = 30;

fs::path find_compiler(const std::string& name, const char* role, const ToolchainSpec& spec) {
  if (auto found = find_program(name)) return fs::absolute(*found);
  std::string hint = name.find('/') != std::string::npos
                         ? "check the path in pgo.yaml"
                         : "install the Debian package " + debian_package_for(name) +
                               " (apt-get install " + debian_package_for(name) + ")";
  throw BuildError(std::string(role) + " '" + name + "' of toolchain '" + spec.name +
                   "' not found on PATH; " + hint);
}

// The executable (or library) among a target's artifacts (Windows would list a .pdb as well).
fs::path executable_artifact(const CodemodelTarget& t) {
  for (const fs::path& a : t.artifacts)
    if (a.filename() == t.name_on_disk) return a;
  return t.artifacts.front();
}

// The SHARED_LIBRARY and MODULE_LIBRARY targets that have an artifact on this platform.
std::vector<const CodemodelTarget*> library_targets(const Codemodel& model) {
  std::vector<const CodemodelTarget*> out;
  for (const CodemodelTarget& t : model.targets)
    if ((t.type == "SHARED_LIBRARY" || t.type == "MODULE_LIBRARY") && !t.artifacts.empty() && !t.generator_provided)
      out.push_back(&t);
  return out;
}

void require_tool(const char* program, const char* package) {
  if (!find_program(program))
    throw BuildError(std::string(program) + " not found on PATH; install the Debian package " +
                     package + " (apt-get install " + package + ")");
}

}  // namespace

std::string debian_package_for(const std::string& program) {
  std::string base = fs::path(program).filename().string();
  // clang++-22 and clang-22 come from clang-22; clang++ from clang.
  if (base.starts_with("clang++")) return "clang" + base.substr(7);
  return base;  // gcc, g++, gcc-12, g++-12, clang, clang-22 are package names themselves
}

Compilers resolve_compilers(const ToolchainSpec& spec) {
  std::string cc = spec.cc, cxx = spec.cxx;
  if (cc.empty() || cxx.empty()) {
    std::string dcc, dcxx;
    if (spec.name == "gcc") {
      dcc = "gcc";
      dcxx = "g++";
    } else if (spec.name == "clang") {
      // Unversioned clang only if clang-22 is absent and clang exists, so that a machine
      // with neither is told to install clang-22.
      bool plain = !find_program("clang-22") && find_program("clang");
      dcc = plain ? "clang" : "clang-22";
      dcxx = plain ? "clang++" : "clang++-22";
    } else {
      throw UsageError("toolchain '" + spec.name +
                       "' has no default compilers; set its cc and cxx in pgo.yaml");
    }
    if (cc.empty()) cc = dcc;
    if (cxx.empty()) cxx = dcxx;
  }
  return Compilers{find_compiler(cc, "C compiler", spec), find_compiler(cxx, "C++ compiler", spec)};
}

}  // namespace cmake

CMakeBuildSystem::CMakeBuildSystem(const Config& config, const ToolchainSpec& toolchain,
                                   ProcessRunner& runner)
    : project_dir_(config.project_dir),
      build_type_(config.build.build_type),
      user_args_(config.build.configure_args),
      toolchain_(toolchain),
      runner_(runner) {
  source_dir_ = (project_dir_ / config.build.source_dir).lexically_normal();
  if (source_dir_.filename().empty()) source_dir_ = source_dir_.parent_path();  // "dir/" from "."
  for (const std::string& a : user_args_)
    for (const char* opt : {"-G", "-S", "-B"})
      if (a.starts_with(opt))
        throw UsageError("build.configure_args: pgo sets " + std::string(opt) +
                         " itself (Ninja generator, its own build directories); remove '" + a + "'");
  std::string theirs = cmake::take_project_include(user_args_);
  if (!theirs.empty()) {
    fs::path p(theirs);
    user_include_ = p.is_absolute() ? p : (project_dir_ / p).lexically_normal();
  }
}

const cmake::Compilers& CMakeBuildSystem::compilers() {
  if (!compilers_) compilers_ = cmake::resolve_compilers(toolchain_);
  return *compilers_;
}

std::vector<std::string> CMakeBuildSystem::configure_command(const fs::path& build_dir) {
  const cmake::Compilers& c = compilers();
  std::vector<std::string> argv = {
      "cmake", "-S", source_dir_.string(), "-B", build_dir.string(), "-G", "Ninja",
      "-DCMAKE_BUILD_TYPE=" + build_type_,
      "-DCMAKE_C_COMPILER=" + c.cc.string(),
      "-DCMAKE_CXX_COMPILER=" + c.cxx.string(),
      "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"};
  argv.insert(argv.end(), user_args_.begin(), user_args_.end());
  // Last, so that it is ours that CMake uses; theirs is included from ours.
  argv.push_back("-DCMAKE_PROJECT_INCLUDE=" + (build_dir / cmake::kFlagsFileName).string());
  return argv;
}

void CMakeBuildSystem::run_step(const std::string& what, const std::vector<std::string>& argv,
                                const fs::path& build_dir, std::string& log) {
  LoggedStep step{what, {}, "", "", cmake::kTailLines};
  step.spec.argv = argv;
  step.spec.cwd = project_dir_;
  // Compiler diagnostics are scanned for profile warnings: keep them untranslated.
  step.spec.env["LC_ALL"] = "C";
  run_logged_step(runner_, step, build_dir / cmake::kLogFileName, log);
}

cmake::FileApiReply CMakeBuildSystem::configure(const fs::path& build_dir, const Flags& flags,
                                                std::string& log) {
  cmake::require_tool("cmake", "cmake");
  cmake::require_tool("ninja", "ninja-build");
  std::error_code ec;
  fs::create_directories(build_dir, ec);
  if (ec) throw BuildError("cannot create build directory " + build_dir.string() + ": " + ec.message());
  // Written before every configure: the flags differ between kinds and profile paths.
  write_file_atomic(build_dir / cmake::kFlagsFileName, cmake::render_flags_file(flags, user_include_));
  cmake::write_queries(build_dir);
  run_step("CMake configure", configure_command(build_dir), build_dir, log);
  return cmake::read_reply(cmake::reply_dir(build_dir), build_type_);
}

const cmake::FileApiReply& CMakeBuildSystem::probe(const fs::path& probe_dir) {
  fs::path dir = fs::absolute(probe_dir).lexically_normal();
  if (auto it = probes_.find(dir); it != probes_.end()) return it->second;
  std::string log;
  return probes_.emplace(dir, configure(dir, Flags{}, log)).first->second;
}

Toolchain CMakeBuildSystem::detect(const fs::path& probe_dir) {
  const cmake::FileApiReply& reply = probe(probe_dir);
  const cmake::ToolchainEntry* c = reply.toolchain("C");
  const cmake::ToolchainEntry* cxx = reply.toolchain("CXX");
  const cmake::ToolchainEntry* primary = c ? c : cxx;
  if (!primary)
    throw BuildError("CMake reports neither a C nor a C++ compiler for " + source_dir_.string() +
                     " (does its project() enable C or CXX?)");
  Toolchain tc;
  tc.name = toolchain_.name;
  tc.compiler_id = primary->compiler_id;
  tc.compiler_version = primary->version;
  tc.c_compiler = c ? c->path : compilers().cc;
  tc.cxx_compiler = cxx ? cxx->path : compilers().cxx;
  tc.tool = tc.c_compiler;
  tc.profile_format = profile_format_of(tc.compiler_id);
  if (std::string wanted = expected_compiler_id(toolchain_.name, tc.compiler_id); !wanted.empty())
    throw UsageError("toolchain '" + toolchain_.name + "': CMake identifies " +
                     primary->path.string() + " as " + tc.compiler_id + " " + tc.compiler_version +
                     ", not " + wanted +
                     "; fix cc/cxx of this toolchain in pgo.yaml");
  return tc;
}

std::vector<std::string> CMakeBuildSystem::executable_targets(const fs::path& probe_dir) {
  return probe(probe_dir).codemodel.executable_names();
}

BuildResult CMakeBuildSystem::build(const BuildRequest& request) {
  fs::path dir = fs::absolute(request.build_dir).lexically_normal();
  std::string log;
  cmake::FileApiReply reply = configure(dir, request.flags, log);
  const cmake::Codemodel& model = reply.codemodel;

  std::vector<std::string> executables = model.executable_names();
  std::vector<std::string> targets = request.targets.empty() ? executables : request.targets;
  if (targets.empty())
    throw UsageError("the CMake project in " + source_dir_.string() + " defines no executable target");
  for (const std::string& t : targets) {
    const cmake::CodemodelTarget* found = model.find(t);
    if (!found || found->type != "EXECUTABLE")
      throw UsageError("'" + t + "' is not an executable target of the CMake project in " +
                       source_dir_.string() + (found ? " (it is a " + found->type + ")" : "") +
                       "; its executable targets are: " +
                       (executables.empty() ? "(none)" : join(executables, ", ")));
  }

  // Explicit targets, so that executables excluded from `all` are built too; with them
  // every shared library and module of the project, whose code the executables may load.
  std::vector<const cmake::CodemodelTarget*> libraries = cmake::library_targets(model);
  std::vector<std::string> argv = {"cmake", "--build", dir.string(), "--target"};
  argv.insert(argv.end(), targets.begin(), targets.end());
  for (const cmake::CodemodelTarget* l : libraries) argv.push_back(l->name);
  if (request.jobs > 0) {
    argv.push_back("-j");
    argv.push_back(std::to_string(request.jobs));
  }
  run_step("CMake build", argv, dir, log);

  BuildResult result;
  for (const std::string& t : targets) {
    fs::path artifact = cmake::executable_artifact(*model.find(t));
    fs::path path = artifact.is_absolute() ? artifact : (dir / artifact).lexically_normal();
    if (!fs::exists(path))
      throw BuildError("the build of target '" + t + "' succeeded but " + path.string() +
                       " does not exist (full log: " + (dir / cmake::kLogFileName).string() + ")");
    result.artifacts.push_back(Artifact{t, path, model.find(t)->links_threads});
  }
  for (const cmake::CodemodelTarget* l : libraries) {
    fs::path artifact = cmake::executable_artifact(*l);
    fs::path path = artifact.is_absolute() ? artifact : (dir / artifact).lexically_normal();
    if (fs::exists(path)) elf::add_library(result, path, l->name, l->links_threads);
  }
  // Libraries of the tree that no target names (imported, or built by a custom command).
  elf::add_libraries_loaded_from(result, dir);
  for (std::string& w : elf::unreachable_library_warnings(result)) result.warnings.push_back(std::move(w));
  result.log = dir / cmake::kLogFileName;
  result.output = std::move(log);
  return result;
}

bool CMakeBuildSystem::is_source(const fs::path& relative) const {
  return is_c_family_source(relative) || relative.filename() == "CMakeLists.txt" || relative.extension() == ".cmake";
}

}  // namespace pgo
