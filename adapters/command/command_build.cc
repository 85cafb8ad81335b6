#include "adapters/command/command_build.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <system_error>
#include <thread>

#include "adapters/compiler_kinds.h"
#include "adapters/command/command_env.h"
#include "adapters/command/compiler_id.h"
#include "adapters/command/source_tree.h"
#include "adapters/command/threads.h"
#include "adapters/elf/elf_files.h"
#include "adapters/logged_step.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/hash.h"
#include "support/strings.h"

namespace pgo {

namespace fs = std::filesystem;

namespace command {

namespace {

constexpr size_t kTailLines = 30;
constexpr size_t kListedExecutables = 20;

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

}  // namespace

std::vector<std::string> elf_executables_in(const fs::path& tree, size_t limit) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(tree, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && it->path().filename() == ".git") it.disable_recursion_pending();
    if (it->is_symlink(ec) || !is_executable_file(it->path())) continue;
    std::string rel = fs::relative(it->path(), tree).string();
    // Scripts (configure, config.status, libtool) are not what anyone means by an artifact.
    std::ifstream in(it->path(), std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    if (in.gcount() == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F')
      found.push_back(rel);
  }
  std::sort(found.begin(), found.end());
  if (found.size() > limit) found.resize(limit);
  return found;
}

std::map<std::string, std::string> user_flag_environment() {
  std::map<std::string, std::string> env;
  for (const char* name : {"CFLAGS", "CXXFLAGS", "LDFLAGS"})
    if (const char* v = std::getenv(name)) env[name] = v;
  return env;
}

}  // namespace command

CommandBuildSystem::CommandBuildSystem(const Config& config, const ToolchainSpec& toolchain, ProcessRunner& runner,
                                       std::map<std::string, std::string> user_env)
    : config_file_(config.file),
      project_dir_(config.project_dir),
      spec_(config.build),
      toolchain_(toolchain),
      runner_(runner),
      user_env_(std::move(user_env)) {
  source_dir_ = (project_dir_ / config.build.source_dir).lexically_normal();
  if (source_dir_.filename().empty()) source_dir_ = source_dir_.parent_path();  // "dir/" from "."
  store_dir_ = (project_dir_ / config.store_dir).lexically_normal();
  if (spec_.build.empty())
    throw UsageError(config_file_.string() + ": build.build: a command build needs a build command");
}

const cmake::Compilers& CommandBuildSystem::compilers() {
  if (!compilers_) compilers_ = cmake::resolve_compilers(toolchain_);
  return *compilers_;
}

std::map<std::string, std::string> CommandBuildSystem::variables(const Flags& flags) {
  auto vars = command::build_variables(user_env_, compilers().cc, compilers().cxx, flags);
  vars["LC_ALL"] = "C";  // compiler diagnostics are scanned for profile warnings
  return vars;
}

std::vector<std::string> CommandBuildSystem::expand(const CommandLine& cmd, const std::string& key,
                                                    const fs::path& build_dir, const Flags& flags, int jobs) {
  fs::path tree = build_dir / command::kTreeName;
  command::PlaceholderValues v;
  v.pgo_cflags = flags.compile;
  v.pgo_ldflags = flags.link;
  v.cc = compilers().cc.string();
  v.cxx = compilers().cxx.string();
  v.source_dir = (spec_.copy_source ? tree : source_dir_).string();
  v.build_dir = tree.string();
  v.project = project_dir_.string();
  v.jobs = std::to_string(jobs > 0 ? jobs : std::max(1u, std::thread::hardware_concurrency()));
  std::string where = config_file_.string() + ":" + std::to_string(cmd.pos.line) + ": build." + key;
  return command::expand_command(cmd, v, where);
}

std::vector<std::string> CommandBuildSystem::configure_command(const fs::path& build_dir, const Flags& flags,
                                                               int jobs) {
  if (spec_.configure.empty()) return {};
  return expand(spec_.configure, "configure", build_dir, flags, jobs);
}

std::vector<std::string> CommandBuildSystem::build_command(const fs::path& build_dir, const Flags& flags, int jobs) {
  return expand(spec_.build, "build", build_dir, flags, jobs);
}

Toolchain CommandBuildSystem::detect(const fs::path& probe_dir) {
  const cmake::Compilers& c = compilers();
  fs::path work = fs::absolute(probe_dir);
  command::CompilerIdentity cid = command::identify_compiler(runner_, c.cc, "c", work);
  command::CompilerIdentity cxxid = command::identify_compiler(runner_, c.cxx, "c++", work);
  Toolchain tc;
  tc.name = toolchain_.name;
  tc.compiler_id = cid.id;
  tc.compiler_version = cid.version;
  tc.c_compiler = c.cc;
  tc.cxx_compiler = c.cxx;
  tc.tool = c.cc;
  tc.profile_format = profile_format_of(tc.compiler_id);
  auto describe = [](const command::CompilerIdentity& id) {
    return id.id.empty() ? std::string("an unknown compiler") : id.id + " " + id.version;
  };
  if (std::string wanted = expected_compiler_id(toolchain_.name, cid.id); !wanted.empty())
    throw UsageError("toolchain '" + toolchain_.name + "': " + c.cc.string() + " identifies as " + describe(cid) +
                     ", not " + wanted + "; fix cc of this toolchain in pgo.yaml");
  if (cxxid.id != cid.id || cxxid.version != cid.version)
    throw UsageError("toolchain '" + toolchain_.name + "': the C compiler " + c.cc.string() + " is " +
                     describe(cid) + " but the C++ compiler " + c.cxx.string() + " is " + describe(cxxid) +
                     "; one profile format serves both, so fix cc/cxx of this toolchain in pgo.yaml");
  return tc;
}

std::vector<std::string> CommandBuildSystem::executable_targets(const fs::path&) {
  std::vector<std::string> targets;
  for (const auto& [target, path] : spec_.artifacts) targets.push_back(target);
  return targets;
}

void CommandBuildSystem::run_step(const Step& step, const fs::path& tree, const fs::path& build_dir,
                                  const std::map<std::string, std::string>& env, std::string& log) {
  LoggedStep logged{step.what, {}, "", "(run in " + tree.string() + ")", command::kTailLines};
  logged.spec.argv = step.argv;
  logged.spec.cwd = tree;
  logged.spec.env = env;
  logged.log_prefix = "cd " + shell_quote_for_display({tree.string()}) + " && ";
  run_logged_step(runner_, logged, build_dir / command::kLogFileName, log);
}

std::string CommandBuildSystem::setup_fingerprint(const std::vector<std::string>& configure,
                                                  const std::vector<std::string>& build,
                                                  const std::map<std::string, std::string>& env) {
  Fingerprint fp;
  fp.add("schema", "pgo-command-stamp/1");
  fp.add("copy_source", spec_.copy_source ? "yes" : "no");
  fp.add("source_dir", source_dir_.string());
  if (spec_.copy_source) fp.add("sources", command::tree_fingerprint(source_dir_, store_dir_));
  for (const auto& a : configure) fp.add("configure", a);
  for (const auto& a : build) fp.add("build", a);
  for (const auto& [k, v] : env) fp.add("env " + k, v);
  return fp.hex();
}

[[noreturn]] void CommandBuildSystem::missing_artifact(const std::string& target, const fs::path& path,
                                                       const fs::path& tree, const fs::path& build_dir) {
  std::vector<std::string> found = command::elf_executables_in(tree);
  std::string listed;
  for (size_t i = 0; i < found.size() && i < command::kListedExecutables; ++i) listed += "\n  " + found[i];
  if (found.size() > command::kListedExecutables)
    listed += "\n  ... and " + std::to_string(found.size() - command::kListedExecutables) + " more";
  auto it = spec_.artifacts.find(target);
  throw BuildError("the build command succeeded but the artifact of target '" + target + "' (build.artifacts." +
                   target + ": " + (it == spec_.artifacts.end() ? "" : it->second) + ") is not an executable file: " +
                   path.string() + "\n" +
                   (found.empty() ? "the build tree " + tree.string() + " holds no executable"
                                  : "executables in the build tree " + tree.string() + ":" + listed) +
                   "\n(full log: " + (build_dir / command::kLogFileName).string() + ")");
}

BuildResult CommandBuildSystem::build(const BuildRequest& request) {
  fs::path dir = fs::absolute(request.build_dir).lexically_normal();
  fs::path tree = dir / command::kTreeName;
  std::vector<std::string> targets = request.targets.empty() ? executable_targets(dir) : request.targets;
  for (const std::string& t : targets)
    if (!spec_.artifacts.count(t))
      throw UsageError("'" + t + "' is not among the build.artifacts of " + config_file_.string() + "; they are: " +
                       join(executable_targets(dir), ", "));

  std::map<std::string, std::string> env = variables(request.flags);
  Step configure{"configure command (build.configure)", configure_command(dir, request.flags, request.jobs)};
  Step build{"build command (build.build)", build_command(dir, request.flags, request.jobs)};

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw BuildError("cannot create build directory " + dir.string() + ": " + ec.message());
  fs::path stamp = dir / command::kStampName;
  std::string fingerprint = setup_fingerprint(configure.argv, build.argv, env);
  std::string log;
  if (!fs::is_directory(tree) || (fs::exists(stamp) ? read_file(stamp) : std::string()) != fingerprint) {
    // Something changed: a fresh tree, so no object built with other flags survives.
    fs::remove(stamp, ec);
    fs::remove_all(tree, ec);
    if (ec) throw BuildError("cannot remove the old build tree " + tree.string() + ": " + ec.message());
    if (spec_.copy_source) {
      command::copy_tree(source_dir_, tree, store_dir_);
    } else {
      fs::create_directories(tree, ec);
      if (ec) throw BuildError("cannot create build tree " + tree.string() + ": " + ec.message());
    }
    if (!configure.argv.empty()) run_step(configure, tree, dir, env, log);
    write_file_atomic(stamp, fingerprint);
  }
  run_step(build, tree, dir, env, log);

  BuildResult result;
  for (const std::string& t : targets) {
    fs::path path = (tree / spec_.artifacts.at(t)).lexically_normal();
    if (!command::is_executable_file(path)) missing_artifact(t, path, tree, dir);
    result.artifacts.push_back(Artifact{t, path, command::links_threads(path)});
  }
  // A command does not say which libraries it made: every shared object of the tree, and
  // the ones the executables load from it (a libtool .libs/ directory, say).
  for (const fs::path& so : elf::shared_objects_in(tree)) elf::add_library(result, so);
  elf::add_libraries_loaded_from(result, tree);
  for (Artifact& l : result.libraries) l.links_threads = command::links_threads(l.path);
  result.log = dir / command::kLogFileName;
  result.output = std::move(log);
  return result;
}

bool CommandBuildSystem::is_source(const fs::path& relative) const {
  const std::string name = relative.filename().string();
  return is_c_family_source(relative) || name == "Makefile" || name == "GNUmakefile" || name == "makefile" ||
         relative.extension() == ".mk" || name == "configure.ac" || name == "Makefile.am" || name == "Makefile.in" ||
         name == "meson.build" || name == "meson_options.txt" || name == "meson.options";
}

}  // namespace pgo
