#include "adapters/gcc/gcc_format.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <set>

#include "adapters/elf/elf_symbols.h"
#include "adapters/gcc/function_match.h"
#include "adapters/gcc/gcc_paths.h"
#include "adapters/gcc/gcno.h"
#include "adapters/gcc/gcov_io.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;

GccProfileFormat::GccProfileFormat(GccFormatOptions options, ProcessRunner& runner)
    : options_(std::move(options)), runner_(runner) {
  if (options_.profile_dir.empty()) throw UsageError("gcc profile format: no profile directory given");
  // The runtime strips DIR's components exactly as spelled, so fix one spelling now.
  options_.profile_dir = gcc_paths::clean(options_.profile_dir);
  if (!options_.notes_dir.empty()) options_.notes_dir = gcc_paths::clean(options_.notes_dir);
}

Flags GccProfileFormat::instrument_flags(const BuildRequest& request) const {
  if (request.build_dir.empty()) throw UsageError("gcc profile format: the build request has no build directory");
  const std::string dir = options_.profile_dir.string();
  Flags f;
  f.compile = {"-fprofile-generate=" + dir, "-fprofile-prefix-path=" + gcc_paths::clean(request.build_dir).string()};
  if (options_.notes) f.compile.push_back("-ftest-coverage");
  f.link = {"-fprofile-generate=" + dir};
  if (options_.atomic_updates) {
    f.compile.push_back("-fprofile-update=prefer-atomic");
    f.link.push_back("-fprofile-update=prefer-atomic");
  }
  return f;
}

Flags GccProfileFormat::use_flags(const fs::path& merged, const BuildRequest& request) const {
  if (request.build_dir.empty()) throw UsageError("gcc profile format: the build request has no build directory");
  Flags f;
  f.compile = {"-fprofile-use=" + gcc_paths::clean(merged).string(),
               "-fprofile-prefix-path=" + gcc_paths::clean(request.build_dir).string(),
               "-Wmissing-profile", "-Wno-error=missing-profile", "-Wno-error=coverage-mismatch",
               // Merged top-N value counters (divmod, indirect calls) can exceed their block's
               // count; GCC 12 then stops with "corrupted value profile" unless it may correct.
               "-fprofile-correction"};
  f.link = {"-fprofile-use=" + gcc_paths::clean(merged).string()};
  return f;
}

int GccProfileFormat::strip_count(const fs::path& profile_dir) {
  int n = 0;
  for (const auto& part : gcc_paths::clean(profile_dir).relative_path())
    if (!part.empty()) ++n;
  return n;
}

Environment GccProfileFormat::training_env(const fs::path& run_dir) const {
  // The runtime opens "<DIR>/<mangled object>.gcda"; stripping DIR's components and
  // prefixing run_dir gives "<run_dir>/<mangled object>.gcda".
  return {{"GCOV_PREFIX", gcc_paths::clean(run_dir).string()},
          {"GCOV_PREFIX_STRIP", std::to_string(strip_count(options_.profile_dir))}};
}

fs::path GccProfileFormat::collect(const fs::path& run_dir) const {
  std::error_code ec;
  if (!fs::is_directory(run_dir, ec)) return {};
  try {
    return list_gcda_files(run_dir).empty() ? fs::path() : run_dir;
  } catch (const Error&) {
    return {};
  }
}

fs::path GccProfileFormat::notes_path_for(const fs::path& gcda_relative) {
  return gcc_paths::unmangle(gcda_relative).replace_extension(".gcno");
}

ProfileSummary GccProfileFormat::summarize(const fs::path& merged) const {
  ProfileSummary s;
  std::vector<FunctionCount> all;
  for (const GcdaFile& file : read_gcda_dir(merged)) {
    // Notes copied in by merge() sit beside the .gcda under the same name.
    GcnoFile notes;
    fs::path notes_file = (merged / file.name).replace_extension(".gcno");
    std::error_code ec;
    if (fs::is_regular_file(notes_file, ec)) {
      try {
        notes = parse_gcno(read_binary_file(notes_file), notes_file.string());
      } catch (const Error&) {
        notes = {};  // names are a nicety; the counts still stand
      }
    }
    for (const GcdaFunction& fn : file.functions) {
      ++s.functions;
      if (fn.sum > 0) ++s.functions_with_counts;
      s.total_count = s.total_count > UINT64_MAX - fn.sum ? UINT64_MAX : s.total_count + fn.sum;
      const GcnoFunction* named = notes.find(fn);
      all.push_back({named ? demangle(named->name) : file.name + ":" + gcov_io::hex32(fn.ident), fn.sum});
    }
  }
  std::sort(all.begin(), all.end(), [](const FunctionCount& a, const FunctionCount& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  });
  for (const auto& fc : all) {
    if (s.hottest.size() == 10 || fc.count == 0) break;
    s.hottest.push_back(fc);
  }
  return s;
}

namespace {

bool contains(std::string_view s, std::string_view what) { return s.find(what) != std::string_view::npos; }

// "file.c:12:5" of "file.c:12:5: warning: ..."; the whole line if it has no location.
std::string_view location_of(std::string_view line) {
  for (std::string_view marker : {": warning: ", ": error: "}) {
    size_t at = line.find(marker);
    if (at != std::string_view::npos) return line.substr(0, at);
  }
  return line;
}

}  // namespace

ProfileDiagnostics GccProfileFormat::scan_build_output(std::string_view output) const {
  ProfileDiagnostics d;
  std::set<std::string> mismatches, missing, examples;
  auto example = [&](std::string_view line) {
    std::string l = trim(line);
    if (d.examples.size() < 8 && examples.insert(l).second) d.examples.push_back(l);
  };
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    std::string_view line = output.substr(start, end - start);
    start = end + 1;
    if (!contains(line, ": warning: ") && !contains(line, ": error: ")) continue;
    // Option tags are not translated, message texts are: match on the tags.
    if (contains(line, "[-Wcoverage-mismatch]") || contains(line, "[-Werror=coverage-mismatch]")) {
      example(line);
      // "source locations ... have changed": the profile is still used for it.
      if (contains(line, "source locations for function")) continue;
      // GCC reports each counter kind of a changed function: count the function once.
      mismatches.insert(std::string(location_of(line)));
    } else if (contains(line, "[-Wmissing-profile]") || contains(line, "[-Werror=missing-profile]")) {
      example(line);
      missing.insert(trim(line));
    } else if (contains(line, "does not start with profile prefix")) {
      example(line);  // the object's profile is then reported as not found: not counted twice
    }
  }
  d.mismatch_warnings = mismatches.size();
  d.missing_warnings = missing.size();
  return d;
}

FunctionMatch GccProfileFormat::match(const fs::path& stored, const BuildRequest& request, const BuildResult&) const {
  return match_gcc_profile(stored, request.build_dir);
}

std::string GccProfileFormat::format_version(const Toolchain& toolchain) const {
  fs::path compiler = toolchain.tool.empty() ? options_.compiler : toolchain.tool;
  // A compile with -ftest-coverage writes a .gcno whose header carries the same version
  // word as the .gcda files of that compiler; no program has to run.
  fs::path dir = gcc_paths::make_temp_dir(fs::temp_directory_path(), "pgo-gcc-probe");
  std::string version;
  try {
    write_file_atomic(dir / "probe.c", "int main(void) { return 0; }\n");
    ProcessSpec spec;
    spec.argv = {compiler.string(), "-fprofile-arcs", "-ftest-coverage", "-c", "probe.c", "-o", "probe.o"};
    spec.cwd = dir;
    spec.stdout_file = dir / "probe.log";
    spec.stderr_file = dir / "probe.log";
    spec.timeout = std::chrono::seconds(60);
    if (runner_.run(spec).ok()) version = parse_gcno(read_binary_file(dir / "probe.gcno"), "probe.gcno").version_string;
  } catch (const Error&) {
    version.clear();
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (!version.empty()) return version;
  int major = 0, minor = 0;
  if (std::sscanf(toolchain.compiler_version.c_str(), "%d.%d", &major, &minor) == 2 && major >= 1)
    return gcov_io::version_string(gcov_io::version_for(major, minor));
  throw BuildError("cannot tell the gcda version of " + compiler.string() +
                   ": the probe compile failed and the toolchain reports no version");
}

std::string GccProfileFormat::missing_runtime(const fs::path& binary) const {
  return missing_profile_runtime(binary, "__gcov_", "libgcov (GCC's profiling runtime)");
}

}  // namespace pgo
