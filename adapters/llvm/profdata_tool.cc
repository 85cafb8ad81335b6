#include "adapters/llvm/profdata_tool.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <regex>
#include <set>

#include "adapters/llvm/raw_header.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/process.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

// Runs argv with stdout and stderr captured together (scratch files in `near`, empty: the
// temporary directory).
CapturedRun run_tool(ProcessRunner& runner, std::vector<std::string> argv, const fs::path& near,
                     std::chrono::milliseconds timeout) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.timeout = timeout;
  return run_captured(runner, std::move(spec), Streams::kTogether, near);
}

// Bad files are already left out by their headers; inside the tool `all` skips the rest
// with a warning each. (`warn` exists only since LLVM 15; `all` everywhere.)
const char* mode_flag(FailureMode mode) { return mode == FailureMode::Any ? "any" : "all"; }

}  // namespace

fs::path unique_sibling_path(const fs::path& target, std::string_view tag) {
  static std::atomic<unsigned> counter{0};
  return target.parent_path() / ("." + target.filename().string() + "." + std::string(tag) + "." +
                                 std::to_string(::getpid()) + "." + std::to_string(counter++));
}

std::string ProfdataTool::label() const {
  const std::string name = path.filename().string();
  std::string l = name == "llvm-profdata" ? path.string() : name;
  return l + " (LLVM " + llvm_version + ")";
}

std::optional<std::string> parse_llvm_version(std::string_view text) {
  static const std::regex re(R"(LLVM version ([0-9]+)\.([0-9]+)\.([0-9]+))");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(text.begin(), text.end(), m, re)) return std::nullopt;
  return m[1].str() + "." + m[2].str() + "." + m[3].str();
}

std::vector<fs::path> profdata_candidates(uint64_t raw_version, ProcessRunner& runner) {
  std::vector<fs::path> out;
  std::set<fs::path> seen;
  auto add = [&](const fs::path& p) {
    std::error_code ec;
    if (p.empty() || !fs::exists(p, ec)) return;
    fs::path canon = fs::canonical(p, ec);
    if (ec || !seen.insert(canon).second) return;
    out.push_back(p);
  };
  for (int major : llvm_majors_writing(raw_version)) {
    if (auto p = find_program("llvm-profdata-" + std::to_string(major))) add(*p);
    add("/usr/lib/llvm-" + std::to_string(major) + "/bin/llvm-profdata");
  }
  if (auto p = find_program("llvm-profdata")) add(*p);
  if (find_program("rustc")) {
    CapturedRun c = run_tool(runner, {"rustc", "--print", "sysroot"}, {}, std::chrono::seconds(30));
    fs::path rustlib = fs::path(trim(c.out)) / "lib" / "rustlib";
    std::error_code ec;
    if (c.result.ok() && fs::is_directory(rustlib, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(rustlib, ec))
        if (fs::exists(entry.path() / "bin" / "llvm-profdata", ec))
          found.push_back(entry.path() / "bin" / "llvm-profdata");
      std::sort(found.begin(), found.end());
      for (const auto& p : found) add(p);
    }
  }
  return out;
}

std::optional<ProfdataTool> probe_profdata_tool(const fs::path& path, ProcessRunner& runner, std::string* why_not) {
  // `merge --version` works on every release; a bare `--version` does not on LLVM 14.
  CapturedRun c = run_tool(runner, {path.string(), "merge", "--version"}, {}, std::chrono::seconds(30));
  std::optional<std::string> version = c.result.ok() ? parse_llvm_version(c.out) : std::nullopt;
  if (!version) {
    if (why_not) *why_not = "no LLVM version from `merge --version` (" + c.result.describe() + ")";
    return std::nullopt;
  }
  return ProfdataTool{path, *version, std::stoi(*version)};
}

std::optional<ProfdataTool> find_profdata_tool(uint64_t raw_version, ProcessRunner& runner,
                                               std::vector<std::string>* tried) {
  for (const fs::path& path : profdata_candidates(raw_version, runner)) {
    std::string why;
    std::optional<ProfdataTool> tool = probe_profdata_tool(path, runner, &why);
    if (!tool) {
      if (tried) tried->push_back(path.string() + ": " + why);
      continue;
    }
    if (raw_version_of_llvm(tool->llvm_major) != raw_version) {
      if (tried) tried->push_back(path.string() + ": LLVM " + tool->llvm_version + " reads raw version " +
                                  (raw_version_of_llvm(tool->llvm_major) ? std::to_string(*raw_version_of_llvm(tool->llvm_major))
                                                                          : std::string("unknown")));
      continue;
    }
    return tool;
  }
  return std::nullopt;
}

std::string profdata_install_hint(uint64_t raw_version) {
  const std::vector<int> majors = llvm_majors_writing(raw_version);
  if (majors.empty())
    return "the llvm-profdata of the LLVM release that built the instrumented binaries";
  std::string hint = "llvm-" + std::to_string(majors.front());
  if (majors.size() > 1) {
    std::vector<std::string> rest;
    for (size_t i = 1; i < majors.size(); ++i) rest.push_back("llvm-" + std::to_string(majors[i]));
    hint += " (or " + join(rest, ", ") + ")";
  }
  return hint;
}

ToolMergeOutcome run_profdata_merge(const ProfdataTool& tool, const std::vector<WeightedInput>& inputs,
                                    const fs::path& out, FailureMode mode, int jobs,
                                    ProcessRunner& runner) {
  std::vector<std::string> argv = {tool.path.string(), "merge",
                                   std::string("--failure-mode=") + mode_flag(mode)};
  if (jobs > 0) argv.push_back("--num-threads=" + std::to_string(jobs));
  for (const WeightedInput& in : inputs)
    argv.push_back("--weighted-input=" + std::to_string(in.weight) + "," + in.path.string());
  argv.push_back("--output=" + out.string());

  CapturedRun c = run_tool(runner, argv, out.parent_path(), std::chrono::milliseconds(0));
  ToolMergeOutcome outcome;
  outcome.output = c.out;
  bool names_input = false;
  for (const WeightedInput& in : inputs)
    if (c.out.find(in.path.string()) != std::string::npos) names_input = true;
  if (!c.result.ok()) {
    const std::string msg = tool.label() + " failed (" + c.result.describe() + "): " +
                            shell_quote_for_display(argv) + "\n" + tail_lines(c.out, 20);
    throw Error(names_input ? ExitCode::kWorkloadFailure : ExitCode::kBuildFailure, msg);
  }
  // In warn/all mode the tool reports each skipped input as "warning: <file>: <reason>".
  size_t pos = 0;
  while (pos < c.out.size()) {
    size_t end = c.out.find('\n', pos);
    if (end == std::string::npos) end = c.out.size();
    std::string_view line(c.out.data() + pos, end - pos);
    pos = end + 1;
    if (line.rfind("warning: ", 0) != 0) continue;
    line.remove_prefix(9);
    for (const WeightedInput& in : inputs)
      if (line.rfind(in.path.string() + ":", 0) == 0) outcome.skipped.emplace_back(line);
  }
  return outcome;
}

}  // namespace pgo
