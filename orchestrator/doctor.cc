#include "orchestrator/doctor.h"

#include <cctype>

#include "support/strings.h"

namespace pgo {

const std::vector<DoctorTool>& doctor_tools() {
  static const std::vector<DoctorTool> tools = {
      {"gcc", {"gcc", "--version"}, "toolchain gcc", "gcc (Debian: apt install build-essential)"},
      {"g++", {"g++", "--version"}, "toolchain gcc (C++)", "g++ (Debian: apt install build-essential)"},
      {"gcov-tool", {"gcov-tool", "--version"}, "merging gcc profiles", "gcc (Debian: apt install gcc)"},
      {"clang-22", {"clang-22", "--version"}, "toolchain clang", "Debian: apt install clang-22"},
      {"llvm-profdata-22", {"llvm-profdata-22", "merge", "--version"}, "LLVM profiles of other raw versions",
       "Debian: apt install llvm-22"},
      {"ld.lld-22", {"ld.lld-22", "--version"}, "clang ThinLTO (--recipe pgo+lto)", "Debian: apt install lld-22"},
      {"cmake", {"cmake", "--version"}, "build.system cmake", "Debian: apt install cmake"},
      {"ninja", {"ninja", "--version"}, "CMake builds (faster than make)", "Debian: apt install ninja-build"},
      {"make", {"make", "--version"}, "build.system command with make", "Debian: apt install make"},
      {"cargo", {"cargo", "--version"}, "build.system cargo", "rustup (https://rustup.rs) or Debian: apt install cargo"},
      {"rustc", {"rustc", "--version", "--verbose"}, "toolchain rust", "rustup (https://rustup.rs)"},
      {"go", {"go", "version"}, "build.system go (Go 1.21 or later)", "https://go.dev/dl or Debian: apt install golang"},
      {"valgrind", {"valgrind", "--version"}, "--metric instructions without a PMU", "Debian: apt install valgrind"},
      {"perf", {"perf", "--version"}, "--metric instructions with a PMU", "Debian: apt install linux-perf"},
      {"llvm-bolt-22", {"llvm-bolt-22", "--version"}, "BOLT (--recipe pgo+bolt)", "Debian: apt install bolt-22"},
      {"merge-fdata-22", {"merge-fdata-22", "--version"}, "BOLT (--recipe pgo+bolt)", "Debian: apt install bolt-22"},
      {"git", {"git", "--version"}, "commits since a profile (pgo status)", "Debian: apt install git"},
  };
  return tools;
}

std::string version_line(std::string_view output) {
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    std::string_view line = output.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    for (char c : line)
      if (std::isdigit(static_cast<unsigned char>(c))) return trim(std::string(line));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return "";
}

std::vector<DoctorFinding> run_doctor(ProcessRunner& runner) {
  std::vector<DoctorFinding> out;
  for (const DoctorTool& tool : doctor_tools()) {
    DoctorFinding f{tool, false, ""};
    if (find_program(tool.argv[0])) {
      ProcessSpec spec;
      spec.argv = tool.argv;
      spec.timeout = std::chrono::seconds(20);
      CapturedRun run = run_captured(runner, spec, Streams::kTogether);
      f.found = run.result.ok();
      f.version = version_line(run.out);
      if (!f.found) f.version = "runs but fails: " + run.result.describe();
    }
    out.push_back(std::move(f));
  }
  return out;
}

size_t print_doctor(const std::vector<DoctorFinding>& findings, const std::string& counter_line, std::ostream& out,
                    const TerminalStyle& style) {
  Table table({"tool", "status", "version or package", "needed for"});
  size_t missing = 0;
  for (const DoctorFinding& f : findings) {
    if (!f.found) ++missing;
    table.add({f.tool.name, f.found ? Cell{"found", Tone::Good} : Cell{"missing", Tone::Bad},
               f.found ? f.version : f.tool.package, f.tool.needed_for});
  }
  table.print(out, style);
  out << "\n" << counter_line << "\n";
  return missing;
}

}  // namespace pgo
