// A ProcessRunner for the benchmark runner's tests: scripted timings and outputs per
// binary (told apart by argv[0]), every call recorded. Scheduling, stopping and output
// comparison are what these tests check, not real processes.
#pragma once

#include <algorithm>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "workloads/process.h"

namespace pgo::bench {

// Binaries are told apart by argv[0]: "base" or "opt".
class FakeRunner : public ProcessRunner {
 public:
  struct Reply {
    ProcessResult result;
    std::string stdout_text = "hello\n";
    std::string stderr_text;  // written only where the spec sends stderr to a file of its own
  };
  // Called with the binary's name and how many times it ran before (warm-ups included).
  std::function<Reply(const std::string& name, int nth)> script;
  double* clock = nullptr;  // advanced by each run's wall time when set
  std::vector<std::string> calls;
  std::vector<ProcessSpec> specs;

  ProcessResult run(const ProcessSpec& spec) override {
    const std::string name = spec.argv.at(0);
    const int nth = static_cast<int>(std::count(calls.begin(), calls.end(), name));
    calls.push_back(name);
    specs.push_back(spec);
    Reply reply = script(name, nth);
    if (!spec.stdout_file.empty()) std::ofstream(spec.stdout_file) << reply.stdout_text;
    if (!spec.stderr_file.empty() && spec.stderr_file != spec.stdout_file)
      std::ofstream(spec.stderr_file) << reply.stderr_text;
    if (clock) *clock += reply.result.wall_s;
    return reply.result;
  }
};

inline ProcessResult timing(double wall, int exit_code = 0) {
  ProcessResult r;
  r.exit_code = exit_code;
  r.wall_s = wall;
  r.user_s = wall * 0.9;
  r.sys_s = wall * 0.05;
  r.max_rss_kb = 1000;
  return r;
}

// Noisy times: a wide CI that never meets a 1% target within a few dozen runs.
inline FakeRunner::Reply noisy(const std::string& name, int nth) {
  const double base = name == "base" ? 1.0 : 0.9;
  return {timing(base * (1 + 0.3 * ((nth * 7) % 5) / 4.0))};
}

}  // namespace pgo::bench
