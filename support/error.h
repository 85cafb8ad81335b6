// Errors that carry the exit code the CLI reports (docs/architecture.md, "Exit codes").
#pragma once

#include <stdexcept>
#include <string>

namespace pgo {

enum class ExitCode : int {
  kCheckFailed = 1,      // regression, stale profile, outputs differ, gate missed
  kUsage = 2,            // bad command line or configuration
  kBuildFailure = 3,     // build or toolchain failure
  kWorkloadFailure = 4,  // training workload failure
  kInternal = 70,        // a bug in pgo (EX_SOFTWARE): any exception that is not a pgo::Error
  kInterrupted = 130,
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Bad pgo.yaml or command line (exit 2).
inline Error UsageError(const std::string& m) { return Error(ExitCode::kUsage, m); }
// A build tool or compiler failed or is missing (exit 3).
inline Error BuildError(const std::string& m) { return Error(ExitCode::kBuildFailure, m); }
// A training workload failed (exit 4).
inline Error WorkloadError(const std::string& m) { return Error(ExitCode::kWorkloadFailure, m); }

}  // namespace pgo
