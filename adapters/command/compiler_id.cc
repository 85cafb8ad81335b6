#include "adapters/command/compiler_id.h"

#include <map>

#include "support/disk_space.h"
#include "support/error.h"
#include "support/strings.h"

namespace pgo::command {

namespace fs = std::filesystem;

namespace {

// "#define NAME VALUE" lines -> NAME -> VALUE (only the macros asked for).
std::map<std::string, std::string> defines(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line = trim(text.substr(start, end - start));
    start = end + 1;
    if (!line.starts_with("#define ")) continue;
    std::string rest = line.substr(8);
    size_t space = rest.find(' ');
    std::string name = rest.substr(0, space);
    out[name] = space == std::string::npos ? "" : trim(rest.substr(space + 1));
  }
  return out;
}

std::string version_of(const std::map<std::string, std::string>& m, const char* major, const char* minor,
                       const char* patch) {
  auto get = [&](const char* key) {
    auto it = m.find(key);
    return it == m.end() || it->second.empty() ? std::string("0") : it->second;
  };
  return get(major) + "." + get(minor) + "." + get(patch);
}

}  // namespace

CompilerIdentity parse_predefined_macros(std::string_view macros) {
  auto m = defines(macros);
  CompilerIdentity id;
  if (m.count("__clang__")) {
    id.id = m.count("__apple_build_version__") ? "AppleClang" : "Clang";
    id.version = version_of(m, "__clang_major__", "__clang_minor__", "__clang_patchlevel__");
  } else if (m.count("__GNUC__") && !m.count("__INTEL_COMPILER") && !m.count("__INTEL_LLVM_COMPILER")) {
    id.id = "GNU";
    id.version = version_of(m, "__GNUC__", "__GNUC_MINOR__", "__GNUC_PATCHLEVEL__");
  }
  return id;
}

CompilerIdentity identify_compiler(ProcessRunner& runner, const fs::path& compiler, const std::string& language,
                                   const fs::path& work_dir) {
  ProcessSpec spec;
  spec.argv = {compiler.string(), "-E", "-dM", "-x", language, "/dev/null"};
  spec.cwd = work_dir;
  spec.env["LC_ALL"] = "C";
  spec.timeout = std::chrono::seconds(60);
  CapturedRun run = run_captured(runner, spec, Streams::kTogether, work_dir);
  const ProcessResult& result = run.result;
  throw_if_interrupted();
  if (!result.ok())
    throw BuildError("cannot identify the compiler: " + shell_quote_for_display(spec.argv) + " failed (" +
                     result.describe() + ")" + (result.spawn_error.empty() ? "" : ": " + result.spawn_error) +
                     "\nlast lines of its output:\n" + tail_lines(run.out, 20) +
                     [&] {
                       const std::string full = full_disk_note(work_dir, "its output");
                       return full.empty() ? std::string() : "\n" + full;
                     }());
  return parse_predefined_macros(run.out);
}

}  // namespace pgo::command
