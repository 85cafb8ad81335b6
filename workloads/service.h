// Service workloads (docs/services.md): a server started, waited for until ready, loaded by
// client commands, then stopped by a signal, all as one run of the ProcessRunner, so that
// training, benchmarks and instruction counts treat a service like any other workload.
//
// The ProcessSpec of a service run describes the server (argv, env, cwd, timeout for the
// whole run) and carries a ServiceRun: the readiness check, the clients and how to stop.
// Each run picks its own free port for ${port}, so parallel runs never collide.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

struct ServiceRun {
  ServiceSpec spec;  // load commands and readiness target expanded, ${port} still in place
  std::map<std::string, std::string> client_env;  // the workload's env: clients get no profiling env
  // How many times slower than native the server runs (20 when it runs on valgrind's simulated
  // CPU to count instructions): the readiness timeout and the stop grace are stretched by it.
  int slowdown = 1;
};

// Runs the service of `spec` (spec.service set) with `runner` for its processes:
//   1. picks a free TCP port and puts it for ${port} in every command, env value and target;
//   2. starts the server (spec.argv, env, cwd) with its stdout and stderr in a log;
//   3. waits until the readiness check passes (its timeout), or fails if the server exits;
//   4. runs the clients, in order or all at once, each `repeat` times;
//   5. sends the stop signal to the server's process group, waits the grace period, then
//      SIGKILLs it.
// The result: wall_s is the clients' time (first start to last end); user_s, sys_s and
// max_rss_kb are the server's; exit_code 0 when every client exited 0 and the server stopped
// when told (exit status 0 or 128+signal, or killed by the stop signal); else `failure` says
// what went wrong (not ready in time, exited before ready or under load, a client's status,
// no stop within the grace period). The clients' stdout, in the order of `load`, goes to
// spec.stdout_file; the server's output and then the clients' stderr to spec.stderr_file.
ProcessResult run_service(ProcessRunner& runner, const ProcessSpec& spec);

// The shared library pgo preloads into a server during training so that a stop signal the
// server does not handle still ends it through exit(), where the LLVM and GCC profile
// runtimes write their profiles (runtime/exit_on_signal.c): next to pgo's executable (the
// build tree) or in ../lib/pgo (installed). nullopt when neither has it.
std::optional<std::filesystem::path> exit_on_signal_library();

// `env` with `library` added to LD_PRELOAD (before what the workload preloads itself).
void preload_library(std::map<std::string, std::string>& env, const std::filesystem::path& library);

}  // namespace pgo
