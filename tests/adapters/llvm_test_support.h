// Helpers for the LLVM adapter tests: a temporary directory, and building and running a
// real clang-22 instrumented program to get genuine raw profiles.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "support/atomic_file.h"
#include "workloads/process.h"

namespace pgo::llvm_test {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("pgo-llvm-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// Runs argv; returns its combined stdout+stderr and fails the test if it did not exit 0.
inline std::string run_ok(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                          const fs::path& log = {}) {
  SystemProcessRunner runner;
  ProcessSpec spec;
  // Environment through env(1) rather than ProcessSpec::env: Boost.Process 1.74's
  // environment lookup reads past the end of the name (ASan heap-buffer-overflow).
  if (!env.empty()) spec.argv.push_back("/usr/bin/env");
  for (const auto& [name, value] : env) spec.argv.push_back(name + "=" + value);
  spec.argv.insert(spec.argv.end(), argv.begin(), argv.end());
  fs::path out = log.empty() ? fs::temp_directory_path() / ("pgo-llvm-run-" + std::to_string(std::random_device{}()))
                             : log;
  spec.stdout_file = out;
  spec.stderr_file = out;
  spec.timeout = std::chrono::seconds(120);
  ProcessResult r = runner.run(spec);
  std::string text = fs::exists(out) ? read_file(out) : std::string();
  if (log.empty()) fs::remove(out);
  EXPECT_TRUE(r.ok()) << argv[0] << ": " << r.describe() << "\n" << text;
  return text;
}

// A C program with branches that depend on its argument, a static function, an indirect
// call (value profiling) and a function that never runs.
inline const char* kProgram = R"(#include <stdio.h>
#include <stdlib.h>
static int square(int x) { return x * x; }
static int twice(int x) { return 2 * x; }
typedef int (*op_t)(int);
__attribute__((noinline)) int work(int n, op_t op) {
  int s = 0;
  for (int i = 0; i < n; i++) {
    if (i % 3) s += op(i); else s -= i;
  }
  return s;
}
__attribute__((noinline)) int never_called(int a) { return a > 3 ? a : -a; }
int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10;
  op_t op = n % 2 ? square : twice;
  printf("%d\n", work(n, op));
  if (argc > 5) printf("%d\n", never_called(n));
  return 0;
}
)";

// Compiles `source` with clang-22 -O2 plus `flags` into dir/<name>; returns the binary.
inline fs::path compile(const fs::path& dir, const std::string& name, const std::string& source,
                        const std::vector<std::string>& flags) {
  const fs::path src = dir / (name + ".c");
  write_text(src, source);
  std::vector<std::string> argv = {"clang-22", "-O2"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.insert(argv.end(), {src.string(), "-o", (dir / name).string()});
  run_ok(argv);
  return dir / name;
}

// Runs an instrumented binary with LLVM_PROFILE_FILE=<run_dir>/%m_%p.profraw.
inline void train(const fs::path& binary, const fs::path& run_dir, const std::vector<std::string>& args) {
  fs::create_directories(run_dir);
  std::vector<std::string> argv = {binary.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  run_ok(argv, {{"LLVM_PROFILE_FILE", (run_dir / "%m_%p.profraw").string()}});
}

inline fs::path only_profraw(const fs::path& run_dir) {
  fs::path found;
  int n = 0;
  for (const auto& e : fs::directory_iterator(run_dir))
    if (e.path().extension() == ".profraw") {
      found = e.path();
      ++n;
    }
  EXPECT_EQ(n, 1) << run_dir;
  return found;
}

inline bool have_program(const std::string& name) { return find_program(name).has_value(); }

}  // namespace pgo::llvm_test
