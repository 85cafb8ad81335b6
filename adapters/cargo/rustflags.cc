#include "adapters/cargo/rustflags.h"

#include <algorithm>
#include <system_error>

#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/process.h"

namespace pgo::cargo {
namespace fs = std::filesystem;

namespace {

// `[workspace]` keeps Cargo from adopting the probe into a workspace above it (the probe
// lives under the project's .pgo/ directory).
constexpr const char* kProbeManifest = R"([package]
name = "pgo-rustflags-probe"
version = "0.0.0"
edition = "2021"
build = "build.rs"

[lib]
path = "lib.rs"

[workspace]
)";

// Cargo gives every build script the rustflags of the target it builds for.
constexpr const char* kProbeBuildScript = R"(fn main() {
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let out = std::env::var("PGO_RUSTFLAGS_OUT").expect("PGO_RUSTFLAGS_OUT is not set");
    std::fs::write(out, flags).expect("cannot write PGO_RUSTFLAGS_OUT");
}
)";

bool is_pgo_option(std::string_view option) {
  for (std::string_view name : {"profile-generate", "profile-use", "profile-sample-use"})
    if (option == name || option.starts_with(std::string(name) + "=")) return true;
  return false;
}

}  // namespace

std::vector<std::string> decode_rustflags(std::string_view encoded) {
  std::vector<std::string> flags;
  if (encoded.empty()) return flags;
  size_t start = 0;
  while (true) {
    size_t end = encoded.find(kFlagSeparator, start);
    flags.emplace_back(encoded.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return flags;
}

std::string encode_rustflags(const std::vector<std::string>& flags) {
  return join(flags, std::string_view(&kFlagSeparator, 1));
}

std::vector<std::string> combine_rustflags(const std::vector<std::string>& user, const Flags& pgo) {
  std::vector<std::string> out = user;
  out.insert(out.end(), pgo.compile.begin(), pgo.compile.end());
  for (const std::string& f : pgo.link)
    if (std::find(pgo.compile.begin(), pgo.compile.end(), f) == pgo.compile.end()) out.push_back(f);
  return out;
}

std::optional<std::string> conflicting_pgo_flag(const std::vector<std::string>& user) {
  for (size_t i = 0; i < user.size(); ++i) {
    std::string_view f = user[i];
    if (f.starts_with("-C") && f.size() > 2 && is_pgo_option(f.substr(2))) return user[i];
    if (f.starts_with("--codegen=") && is_pgo_option(f.substr(10))) return user[i];
    if ((f == "-C" || f == "--codegen") && i + 1 < user.size() && is_pgo_option(user[i + 1]))
      return user[i] + " " + user[i + 1];
  }
  return std::nullopt;
}

std::string rustflags_source(const std::map<std::string, std::string>& environment) {
  if (environment.count("CARGO_ENCODED_RUSTFLAGS")) return "CARGO_ENCODED_RUSTFLAGS";
  if (environment.count("RUSTFLAGS")) return "RUSTFLAGS";
  return "Cargo configuration (target.*.rustflags or build.rustflags)";
}

std::vector<std::string> probe_user_rustflags(ProcessRunner& runner, const fs::path& project_dir,
                                              const fs::path& probe_dir, const std::string& target) {
  std::error_code ec;
  fs::create_directories(probe_dir, ec);
  if (ec) throw BuildError("cannot create " + probe_dir.string() + ": " + ec.message());
  write_file_atomic(probe_dir / "Cargo.toml", kProbeManifest);
  write_file_atomic(probe_dir / "build.rs", kProbeBuildScript);
  write_file_atomic(probe_dir / "lib.rs", "");
  const fs::path out = probe_dir / "rustflags.out";
  const fs::path log = probe_dir / "probe.log";
  fs::remove(out, ec);
  fs::remove_all(probe_dir / "target", ec);  // the build script must run every time

  ProcessSpec spec;
  // `check`: the build script runs, the (empty) library is not code-generated.
  spec.argv = {"cargo", "check", "--quiet", "--manifest-path", (probe_dir / "Cargo.toml").string(),
               "--target", target};
  spec.cwd = project_dir;  // Cargo finds config files from the working directory upwards
  spec.env = {{"PGO_RUSTFLAGS_OUT", out.string()},
              {"CARGO_TARGET_DIR", (probe_dir / "target").string()},
              {"CARGO_TERM_COLOR", "never"},
              {"LC_ALL", "C"}};
  spec.timeout = std::chrono::minutes(5);
  CapturedRun probe = run_captured(runner, spec, Streams::kTogether, probe_dir);
  write_file_atomic(log, probe.out);
  throw_if_interrupted();
  if (!probe.result.ok() || !fs::exists(out, ec))
    throw BuildError("asking Cargo for the project's rustflags failed (" + probe.result.describe() + "): " +
                     shell_quote_for_display(spec.argv) + " in " + project_dir.string() +
                     "\nlast lines of its output (full log: " + log.string() + "):\n" + tail_lines(probe.out, 30, 8192));
  return decode_rustflags(read_file(out));
}

}  // namespace pgo::cargo
