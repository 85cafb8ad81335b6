// Merge throughput: builds a generated C program with clang-22 -fprofile-generate, runs it
// N times for N raw profiles, then merges them in process (1 and 2 threads) and with
// llvm-profdata-22 (1 and 2 threads), printing seconds and MB/s of raw input.
//
// usage: merge_throughput [runs=40] [functions=3000] [work_dir]
// Prints figures only; asserts nothing about time.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "adapters/llvm/merge.h"
#include "adapters/llvm/summary.h"
#include "support/error.h"
#include "workloads/process.h"

namespace fs = std::filesystem;
using pgo::ProcessSpec;
using pgo::SystemProcessRunner;

namespace {

// Functions with a few branches each, called with argument-dependent paths, so every run
// has different counts and every function shows up in the profile.
std::string generate_program(int functions) {
  std::string src = "#include <stdio.h>\n#include <stdlib.h>\n";
  for (int i = 0; i < functions; ++i) {
    const std::string n = std::to_string(i);
    src += "__attribute__((noinline)) long f" + n + "(long x) { long r = x; if (x % " + std::to_string(2 + i % 7) +
           ") r += " + n + "; else r -= x / 3; for (long k = 0; k < (x & 3); ++k) r ^= k * " + n +
           "; return r > 1000000 ? r % 1000 : r; }\n";
  }
  src += "typedef long (*fn)(long);\nstatic fn table[] = {";
  for (int i = 0; i < functions; ++i) src += "f" + std::to_string(i) + ",";
  src += "};\nint main(int argc, char** argv) {\n  long seed = argc > 1 ? atol(argv[1]) : 1, acc = 0;\n"
         "  for (long i = 0; i < 20000; ++i) { seed = seed * 6364136223846793005L + 1442695040888963407L;\n"
         "    acc += table[(unsigned long)(seed >> 33) % " + std::to_string(functions) + "](i + seed % 97); }\n"
         "  printf(\"%ld\\n\", acc);\n  return 0;\n}\n";
  return src;
}

void run_or_die(const std::vector<std::string>& argv, const pgo::Environment& env = {}) {
  SystemProcessRunner runner;
  ProcessSpec spec;
  spec.argv = argv;
  spec.env = env;
  spec.timeout = std::chrono::minutes(10);
  pgo::ProcessResult r = runner.run(spec);
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[0].c_str(), r.describe().c_str());
    std::exit(1);
  }
}

double seconds_of(const std::function<void()>& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void report(const char* what, double seconds, double megabytes) {
  std::printf("  %-34s %8.3f s  %8.1f MB/s\n", what, seconds, megabytes / seconds);
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 40;
  const int functions = argc > 2 ? std::atoi(argv[2]) : 3000;
  fs::path dir = argc > 3 ? fs::path(argv[3])
                          : fs::temp_directory_path() / ("pgo-merge-bench-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir / "raw");
  try {
    std::ofstream(dir / "prog.c") << generate_program(functions);
    std::printf("building %d-function program with clang-22 -O2 -fprofile-generate ...\n", functions);
    run_or_die({"clang-22", "-O2", "-fprofile-generate", (dir / "prog.c").string(), "-o", (dir / "prog").string()});
    std::printf("training %d runs ...\n", runs);
    for (int i = 0; i < runs; ++i)
      run_or_die({(dir / "prog").string(), std::to_string(i + 1)},
                 {{"LLVM_PROFILE_FILE", (dir / "raw" / ("run" + std::to_string(i) + "_%p.profraw")).string()}});

    std::vector<pgo::WeightedInput> inputs;
    uintmax_t bytes = 0;
    for (const auto& e : fs::directory_iterator(dir / "raw")) {
      inputs.push_back({e.path(), static_cast<uint64_t>(1 + inputs.size() % 3)});
      bytes += fs::file_size(e.path());
    }
    const double mb = static_cast<double>(bytes) / 1e6;
    std::printf("%zu raw profiles, %.1f MB in total (%.0f KB each)\n", inputs.size(), mb,
                static_cast<double>(bytes) / 1e3 / static_cast<double>(inputs.size()));

    std::vector<std::string> tool = {"llvm-profdata-22", "merge"};
    for (const auto& in : inputs) tool.push_back("--weighted-input=" + std::to_string(in.weight) + "," + in.path.string());

    std::printf("merge (weights 1,2,3 repeating):\n");
    double t1 = seconds_of([&] { pgo::merge_llvm_profiles(inputs, dir / "in1.profdata", pgo::FailureMode::Any, 1); });
    report("in-process, 1 thread", t1, mb);
    double t2 = seconds_of([&] { pgo::merge_llvm_profiles(inputs, dir / "in2.profdata", pgo::FailureMode::Any, 2); });
    report("in-process, 2 threads", t2, mb);
    for (int j : {1, 2}) {
      std::vector<std::string> argv = tool;
      argv.push_back("--num-threads=" + std::to_string(j));
      argv.push_back("--output=" + (dir / ("tool" + std::to_string(j) + ".profdata")).string());
      double t = seconds_of([&] { run_or_die(argv); });
      report(j == 1 ? "llvm-profdata-22, 1 thread" : "llvm-profdata-22, 2 threads", t, mb);
    }

    const auto a = pgo::read_indexed_profile(dir / "in1.profdata");
    const bool same_threads = a == pgo::read_indexed_profile(dir / "in2.profdata");
    const bool same_tool = a == pgo::read_indexed_profile(dir / "tool1.profdata");
    std::printf("functions in merged profile: %zu; 1 vs 2 threads identical: %s; in-process vs "
                "llvm-profdata counters identical: %s\n",
                a.size(), same_threads ? "yes" : "NO", same_tool ? "yes" : "NO");
  } catch (const pgo::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  if (argc <= 3) fs::remove_all(dir);
  return 0;
}
