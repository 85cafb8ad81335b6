#include "adapters/cargo/cargo_build.h"

#include <algorithm>
#include <system_error>

#include "adapters/compiler_kinds.h"
#include "adapters/cargo/cargo_messages.h"
#include "adapters/cargo/cc_compiler.h"
#include "adapters/cargo/rustflags.h"
#include "adapters/elf/elf_files.h"
#include "adapters/logged_step.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/expand.h"

extern char** environ;

namespace pgo {
namespace fs = std::filesystem;

namespace {

constexpr size_t kTailLines = 30;

std::map<std::string, std::string> current_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

void require_cargo() {
  if (!find_program("cargo"))
    throw BuildError("cargo not found on PATH; install Rust with rustup (https://rustup.rs) or the Debian "
                     "package cargo (apt-get install cargo)");
}

}  // namespace

CargoBuildSystem::CargoBuildSystem(const Config& config, const ToolchainSpec& toolchain, ProcessRunner& runner)
    : project_dir_(config.project_dir),
      spec_(config.build),
      toolchain_(toolchain),
      runner_(runner),
      config_file_(config.file) {
  for (const WorkloadSpec& w : config.workloads)
    for (const std::string& t : referenced_targets(w)) workload_bins_.insert(t);
  source_dir_ = (project_dir_ / config.build.source_dir).lexically_normal();
  if (source_dir_.filename().empty()) source_dir_ = source_dir_.parent_path();  // "dir/" from "."
}

std::string CargoBuildSystem::tool_output(const std::string& what, const std::vector<std::string>& argv) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = source_dir_;  // rustup's rust-toolchain.toml and Cargo's config apply from here
  spec.env = {{"LC_ALL", "C"}, {"CARGO_TERM_COLOR", "never"}};
  spec.timeout = std::chrono::minutes(10);
  CapturedRun tool = run_captured(runner_, spec);
  throw_if_interrupted();
  if (!tool.result.ok())
    throw BuildError(what + " failed (" + tool.result.describe() + "): " + shell_quote_for_display(argv) + " in " +
                     source_dir_.string() + "\nlast lines of its output:\n" +
                     tail_lines(tool.err + tool.out, kTailLines, 8192));
  return tool.out;
}

const cargo::RustcInfo& CargoBuildSystem::rustc_info() {
  if (rustc_) return *rustc_;
  if (!find_program("rustc"))
    throw BuildError("rustc not found on PATH; install Rust with rustup (https://rustup.rs)");
  std::string text = tool_output("rustc -vV", {"rustc", "-vV"});
  rustc_ = cargo::parse_rustc_verbose_version(text);
  if (!rustc_) throw BuildError("cannot read release and host from `rustc -vV`:\n" + tail_lines(text, 10, 2048));
  if (rustc_->llvm_major == 0)
    throw BuildError("rustc " + rustc_->release + " reports no LLVM version in `rustc -vV`; pgo needs rustc's "
                     "LLVM backend for -Cprofile-generate");
  return *rustc_;
}

const cargo::Metadata& CargoBuildSystem::metadata() {
  if (metadata_) return *metadata_;
  require_cargo();
  if (!fs::exists(source_dir_ / "Cargo.toml"))
    throw UsageError("build.system is cargo but " + (source_dir_ / "Cargo.toml").string() +
                     " does not exist (set build.source_dir to the directory of Cargo.toml)");
  metadata_ = cargo::parse_metadata(tool_output(
      "cargo metadata",
      {"cargo", "metadata", "--format-version", "1", "--filter-platform", rustc_info().host,
       "--manifest-path", (source_dir_ / "Cargo.toml").string()}));
  return *metadata_;
}

// The cc crate in the package graph means nothing until a build unit compiles it: a feature
// that is off (pcre2 in a search tool) keeps its C away. So this looks at what was built.
void CargoBuildSystem::check_cc_crate(const std::vector<std::string>& built_packages) {
  bool built = false;
  for (const cargo::Package* cc : metadata().named("cc"))
    built = built || std::find(built_packages.begin(), built_packages.end(), cc->id) != built_packages.end();
  if (!built || cc_checked_) return;
  cc_checked_ = true;
  const std::string& host = rustc_info().host;
  std::string compiler = cargo::cc_crate_compiler(current_environment(), host, host);
  std::string version;
  if (find_program(compiler)) {
    try {
      version = tool_output("C compiler version", {compiler, "--version"});
    } catch (const Error&) {
      version.clear();
    }
  }
  if (auto w = cargo::cc_compiler_warning(compiler, version, rustc_info().llvm_major)) warnings_.push_back(*w);
}

Toolchain CargoBuildSystem::detect(const fs::path& probe_dir) {
  const cargo::RustcInfo& info = rustc_info();
  if (!user_flags_probed_) {
    require_cargo();
    user_flags_probed_ = cargo::probe_user_rustflags(runner_, source_dir_, probe_dir / "pgo-rustflags-probe", info.host);
    user_rustflags_ = *user_flags_probed_;
    if (auto bad = cargo::conflicting_pgo_flag(user_rustflags_))
      throw UsageError("the project's rustflags (from " + cargo::rustflags_source(current_environment()) +
                       ") already contain '" + *bad + "'; pgo sets the PGO flags itself: remove it for `pgo build`");
  }
  Toolchain tc;
  tc.name = toolchain_.name;
  tc.compiler_id = "rustc";
  tc.compiler_version = info.release;
  tc.llvm_version = info.llvm_version;
  // The real compiler rather than rustup's proxy: its sysroot holds llvm-tools.
  fs::path sysroot = trim(tool_output("rustc --print sysroot", {"rustc", "--print", "sysroot"}));
  std::error_code ec;
  if (!sysroot.empty() && fs::exists(sysroot / "bin" / "rustc", ec)) tc.tool = sysroot / "bin" / "rustc";
  else if (auto rustc = find_program("rustc")) tc.tool = fs::absolute(*rustc);
  tc.profile_format = profile_format_of(tc.compiler_id);
  return tc;
}

const std::vector<cargo::HarnessTarget>& CargoBuildSystem::harness_targets() {
  if (!harness_)
    harness_ = cargo::resolve_harness_targets(
        workload_bins_, cargo::selected_packages(metadata(), spec_.package, source_dir_), config_file_.string() + ": ");
  return *harness_;
}

std::vector<std::string> CargoBuildSystem::executable_targets(const fs::path& probe_dir) {
  std::vector<std::string> bins;
  for (const cargo::Package* p : cargo::selected_packages(metadata(), spec_.package, source_dir_))
    for (const std::string& b : p->bins)
      if (std::find(bins.begin(), bins.end(), b) == bins.end()) bins.push_back(b);
  for (const std::string& t : workload_only_targets(probe_dir)) bins.push_back(t);
  return bins;
}

std::vector<std::string> CargoBuildSystem::workload_only_targets(const fs::path&) {
  std::vector<std::string> names;
  for (const cargo::HarnessTarget& h : harness_targets()) names.push_back(h.target());
  return names;
}

std::vector<std::string> CargoBuildSystem::build_command(const std::vector<std::string>& targets, int jobs) const {
  // --target: without it, rustflags would reach build scripts and proc-macros too, which
  // would then be instrumented and write profiles while the project builds.
  std::vector<std::string> argv = {"cargo", "build", "--verbose", "--message-format=json",
                                   "--target", rustc_ ? rustc_->host : std::string("<host>"),
                                   "--profile", spec_.profile};
  if (!spec_.package.empty()) argv.insert(argv.end(), {"-p", spec_.package});
  if (!spec_.features.empty()) argv.insert(argv.end(), {"--features", join(spec_.features, ",")});
  std::vector<std::string> selection =
      cargo::target_selection_args(targets, harness_ ? *harness_ : std::vector<cargo::HarnessTarget>{});
  argv.insert(argv.end(), selection.begin(), selection.end());
  argv.insert(argv.end(), spec_.cargo_args.begin(), spec_.cargo_args.end());
  if (jobs > 0) argv.insert(argv.end(), {"-j", std::to_string(jobs)});
  return argv;
}

BuildResult CargoBuildSystem::build(const BuildRequest& request) {
  const fs::path dir = fs::absolute(request.build_dir).lexically_normal();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw BuildError("cannot create build directory " + dir.string() + ": " + ec.message());
  if (!user_flags_probed_) detect(dir);

  std::vector<std::string> known = executable_targets(dir);
  std::vector<std::string> targets = request.targets.empty() ? known : request.targets;
  if (targets.empty()) throw UsageError("the Cargo package in " + source_dir_.string() + " has no bin target");
  for (const std::string& t : targets)
    if (std::find(known.begin(), known.end(), t) == known.end())
      throw UsageError("'" + t + "' is not a bin target (or a test or bench binary a workload runs) of the Cargo package" +
                       (spec_.package.empty() ? "" : " '" + spec_.package + "'") + " in " + source_dir_.string() +
                       "; its bin targets are: " + (known.empty() ? "(none)" : join(known, ", ")));

  std::vector<std::string> rustflags = cargo::combine_rustflags(user_rustflags_, request.flags);
  std::vector<std::string> argv = build_command(targets, request.jobs);
  const fs::path out = dir / "pgo-cargo.jsonl";
  std::string extra_env;  // shown in the log line, as the build gets it
  for (const auto& [name, value] : request.flags.env) extra_env += name + "=" + value + " ";
  LoggedStep step{"cargo build", {}, extra_env + "CARGO_ENCODED_RUSTFLAGS=" + shell_quote_for_display(rustflags) + " " +
                                         shell_quote_for_display(argv), "", kTailLines};
  step.spec.argv = argv;
  step.spec.cwd = source_dir_;
  step.spec.env = {{"CARGO_TARGET_DIR", dir.string()},
                   {"CARGO_ENCODED_RUSTFLAGS", cargo::encode_rustflags(rustflags)},
                   {"CARGO_TERM_COLOR", "never"},
                   {"CARGO_TERM_PROGRESS_WHEN", "never"},
                   {"LC_ALL", "C"}};  // compiler diagnostics are scanned: keep them untranslated
  for (const auto& [name, value] : request.flags.env) step.spec.env[name] = value;  // e.g. the profile's LTO
  step.log_note = "# CARGO_TARGET_DIR=" + dir.string() + "; user rustflags from " +
                  cargo::rustflags_source(current_environment()) + ": " +
                  (user_rustflags_.empty() ? "(none)" : shell_quote_for_display(user_rustflags_));
  cargo::BuildMessages messages;
  step.log_stdout = [&](const std::string& json_lines) {
    write_file_atomic(out, json_lines);  // kept: the artifacts' source, named when one is missing
    messages = cargo::parse_build_messages(json_lines);
    std::string rendered = messages.rendered;
    for (const std::string& line : messages.unparsed) rendered += line + "\n";
    return rendered;
  };
  const fs::path log_file = dir / cargo::kLogFileName;
  std::string log;
  run_logged_step(runner_, step, log_file, log);

  // Which package each bin belongs to, for workspaces whose members share a bin name.
  std::map<std::string, std::string> owner;
  for (const cargo::Package* p : cargo::selected_packages(metadata(), spec_.package, source_dir_))
    for (const std::string& b : p->bins) owner.emplace(b, p->id);

  BuildResult built;
  for (const std::string& t : targets) {
    auto harness = std::find_if(harness_targets().begin(), harness_targets().end(),
                                [&](const cargo::HarnessTarget& h) { return h.target() == t; });
    const bool is_bin = harness == harness_targets().end();
    const cargo::ExecutableArtifact* a =
        is_bin ? cargo::find_bin(messages, t, owner[t])
               : cargo::find_executable(messages, harness->cargo_kind(), harness->name, harness->package_id);
    const std::string what = is_bin ? "bin '" + t + "'" : std::string(harness->cargo_kind()) + " '" + harness->name + "'";
    if (!a)
      throw BuildError("cargo build succeeded but reported no executable for " + what + " in its JSON messages (" +
                       out.string() + "; full log: " + log_file.string() + ")");
    if (!fs::exists(a->executable, ec))
      throw BuildError("cargo reported " + a->executable.string() + " for " + what + " but it does not exist");
    built.artifacts.push_back(Artifact{t, a->executable, false});
  }
  for (const fs::path& lib : messages.shared_libraries)
    if (fs::exists(lib, ec)) elf::add_library(built, lib);
  check_cc_crate(messages.built_packages);
  built.log = log_file;
  built.output = messages.rendered;
  built.warnings = warnings_;
  return built;
}

bool CargoBuildSystem::is_source(const fs::path& relative) const {
  const std::string name = relative.filename().string();
  return relative.extension() == ".rs" || name == "Cargo.toml" || name == "Cargo.lock" || is_c_family_source(relative);
}

}  // namespace pgo
